# shellcheck shell=sh
# Sourced by bin/{{!release_name}} before it starts or controls the node,
# with RELEASE_ROOT, RELEASE_NAME and RELEASE_VSN set: the place for the
# node's name and for the variables that vm.args and sys.config use.

# A long node name from the host name (the default is a short name,
# {{!release_name}}@HOST):
# export RELEASE_DISTRIBUTION=name
# export RELEASE_NODE="{{!release_name}}@$(hostname -f)"

# No distribution at all (only foreground, console and eval then work):
# export RELEASE_DISTRIBUTION=none

# A variable used as ${PORT:-4000} in sys.config:
# export PORT=8080
