#!/bin/sh
# The main job: compile examples/hello with rebar3, assemble its release
# with relc, show the boot script relc wrote, and show that it is the one
# OTP's own systools:make_script writes, byte for byte.
#
# usage: scripts/demo.sh [PATH/TO/relc]
set -eu

cd "$(dirname "$0")/.."
relc=$(cd "$(dirname "${1:-build/release/relc}")" && pwd)/$(basename "${1:-build/release/relc}")
oracle=$(pwd)/tests/oracle/oracle.escript

cd examples/hello
printf '=== compiling examples/hello with rebar3\n'
rebar3 compile

printf '\n=== relc build\n'
"$relc" build -v

reldir=_build/prod/rel/hello/releases/0.1.0
printf '\n=== %s/hello.rel\n' "$reldir"
cat "$reldir/hello.rel"
printf '\n=== %s/start.script (the text form of start.boot)\n' "$reldir"
cat "$reldir/start.script"

printf '\n=== the same release through systools:make_script\n'
"$oracle" check _build/prod/rel/hello
