#!/bin/sh
# The main job: compile examples/hello with rebar3, assemble its release
# with relc, check its boot script against OTP's own systools, then run
# it: start it in the background, ping it, call into its gen_server,
# evaluate an expression, stop it, and pack it into a tarball.
#
# usage: scripts/demo.sh [PATH/TO/relc]
set -eu

cd "$(dirname "$0")/.."
relc_arg=${1:-build/release/relc}
relc=$(cd "$(dirname "$relc_arg")" && pwd)/$(basename "$relc_arg")
oracle=$(pwd)/tests/oracle/oracle.escript

cd examples/hello
printf '=== compiling examples/hello with rebar3\n'
rebar3 compile

printf '\n=== relc build\n'
"$relc" build -v
release=$(pwd)/_build/prod/rel/hello

printf '\n=== %s/releases/0.1.0/hello.rel\n' "$release"
cat "$release/releases/0.1.0/hello.rel"
printf '\n=== the boot script, against systools:make_script\n'
"$oracle" check "$release"

# A node name of our own on loopback, stopped whatever happens.
RELEASE_DISTRIBUTION=name
RELEASE_NODE=hello_demo_$$@127.0.0.1
ERL_EPMD_ADDRESS=127.0.0.1
export RELEASE_DISTRIBUTION RELEASE_NODE ERL_EPMD_ADDRESS
trap '"$release/bin/hello" stop >/dev/null 2>&1 || true' EXIT

run() {
	printf '\n$ bin/hello %s\n' "$*"
	"$release/bin/hello" "$@"
}

printf '\n=== running the release\n'
run start
run ping
run pid
run rpc hello_server greet '"relc"'
run rpc 'hello_server:count().'
run eval 'lists:sum(lists:seq(1, 10))'
run describe
run stop

printf '\n=== relc archive: a reproducible tarball\n'
SOURCE_DATE_EPOCH=1700000000 "$relc" archive
sha256sum _build/prod/hello-0.1.0.tar.gz
printf '\nthe release built, booted, answered, stopped and was archived\n'
