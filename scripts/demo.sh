#!/bin/sh
# The main job: compile examples/hello with rebar3, assemble its release
# with relc, check its boot script against OTP's own systools, then run
# it: start it in the background, ping it, call into its gen_server,
# evaluate an expression, stop it, and pack it into a tarball.  Then
# relc init in a new project (hello's applications without its rel/):
# build, start, the custom command init wrote, stop.
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
name=hello
fresh=
cleanup() {
	"$release/bin/$name" stop >/dev/null 2>&1 || true
	[ -z "$fresh" ] || rm -rf "$fresh"
}
trap cleanup EXIT

run() {
	printf '\n$ bin/%s %s\n' "$name" "$*"
	"$release/bin/$name" "$@"
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

# relc init in a new project: a copy of hello's applications, without
# its rel/.
printf '\n=== relc init in a new project\n'
fresh=$(mktemp -d)
mkdir "$fresh/shop"
cp -R apps rebar.config "$fresh/shop/"
cd "$fresh/shop"
"$relc" init
rebar3 compile >/dev/null
"$relc" build --env prod
release=$fresh/shop/_build/prod/rel/shop
name=shop
RELEASE_NODE=shop_demo_$$@127.0.0.1
run start
run help | tail -n 3
run hello
run ping
run stop

printf '\nthe releases built, booted, answered, stopped and were archived\n'
