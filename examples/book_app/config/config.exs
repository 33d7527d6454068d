# Build-time configuration: this file and the one it imports for the
# environment (dev.exs, prod.exs, test.exs).  What depends on the machine
# the release runs on (the port, the data directory) is read from the
# environment at boot, in config/runtime.exs.
import Config

# The address the HTTP endpoint listens on.
config :book_app, ip: {127, 0, 0, 1}

config :logger, :console, format: "$time [$level] $message\n"

import_config "#{config_env()}.exs"
