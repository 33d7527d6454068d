#!/bin/sh
# Benchmark a hot upgrade's build, on tmpfs (/dev/shm), side by side with
# rebar3's, in the same run: the generated project of bench/build.sh (40
# applications x 25 modules, 54 in the release) in version 1.0.0, then
# 1.1.0 with every application's version bumped and one module of each
# changed (a function added).
#
#   relc build --upfrom 1.0.0   the release, an appup generated for each of
#                               the 40 applications from their BEAM files,
#                               the relup (1.0.0 read from its tarball)
#   relc build                  the same release without the upgrade
#   rebar3 relup -u 1.0.0       the release again and systools:make_relup,
#                               in an Erlang VM (given the appups relc
#                               generated: rebar3 makes none)
#
# and checks that relc's relup and rebar3's are the same term.
#
# usage: bench/upgrade.sh [PATH/TO/relc]   (needs hyperfine, rebar3, erl,
#                                           python3)
# RUNS=N sets hyperfine's runs (default 10).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
relc=$(cd "$(dirname "${1:-build/release/relc}")" && pwd)/$(basename "${1:-build/release/relc}")
runs=${RUNS:-10}
for tool in hyperfine rebar3 erl python3; do
	command -v "$tool" >/dev/null ||
		{ echo "bench: needs $tool (apt-get install hyperfine rebar3 erlang)" >&2; exit 2; }
done

work=$(mktemp -d /dev/shm/relc-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
mkdir -p "$HOME"

median() { # median seconds from hyperfine's JSON: median FILE INDEX
	python3 -c 'import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]
print("%.6f" % statistics.median(r["times"]))' "$1" "$2"
}

# ---- version 1.0.0, built and archived by both ------------------------------

python3 "$top/bench/gen_project.py" "$work/proj" 40 25 >/dev/null
cd "$work/proj"
# release_handler needs sasl: relc adds it, relx needs it listed
sed -i 's/{bench, "1.0.0"}, \[/{bench, "1.0.0"}, [sasl, /' rebar.config
rebar3 compile >/dev/null
"$relc" build -q
"$relc" archive -q
rebar3 release >/dev/null

# ---- version 1.1.0 ------------------------------------------------------------

for src in apps/*/src; do
	app=$(basename "$(dirname "$src")")
	sed -i 's/{vsn, "1.0.0"}/{vsn, "1.1.0"}/' "$src/$app.app.src"
	sed -i 's/-export(\[f\/1, g\/2\])./-export([f\/1, g\/2, h\/0])./' "$src/${app}_m01.erl"
	printf 'h() -> new.\n' >>"$src/${app}_m01.erl"
done
sed -i 's/1\.0\.0/1.1.0/' rebar.config rel/relc.yaml
rebar3 compile >/dev/null
out=_build/prod/rel/bench
"$relc" build -q --upfrom 1.0.0
rebar3 release >/dev/null
appups=$(find "$out/lib" -path '*/ebin/app*.appup' | wc -l)

hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$work/times.json" \
	-n "relc build --upfrom" --prepare "rm -rf $out" "$relc build -q --upfrom 1.0.0" \
	-n "relc build" --prepare "rm -rf $out" "$relc build -q" \
	-n "relc build --upfrom (no-op)" --prepare "$relc build -q --upfrom 1.0.0" \
	"$relc build -q --upfrom 1.0.0" >/dev/null

# rebar3 relup needs the appups in the applications' ebin/: relc's
for appup in "$out"/lib/app*/ebin/app*.appup; do
	app=$(basename "$appup" .appup)
	cp "$appup" "_build/default/lib/$app/ebin/"
done
relup="rebar3 relup -n bench -v 1.1.0 -u 1.0.0"
$relup >/dev/null
same=$(erl -noshell -eval '
	{ok, [A]} = file:consult("'"$out"'/releases/1.1.0/relup"),
	{ok, [B]} = file:consult("_build/default/rel/bench/releases/1.1.0/relup"),
	io:format("~s", [case A =:= B of true -> "yes"; false -> "NO" end]),
	halt().')
hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$work/rebar3.json" \
	-n "rebar3 relup" "$relup" >/dev/null

up=$(median "$work/times.json" 0)
plain=$(median "$work/times.json" 1)
noop=$(median "$work/times.json" 2)
rebar=$(median "$work/rebar3.json" 0)

printf '\nhot upgrade build: 40 applications changed (54 in the release), %s appups generated\n' "$appups"
printf 'relc relup = rebar3 relup (same term): %s\n\n' "$same"
printf '%-36s %10s\n' "" "median"
printf '%-36s %8.1f ms\n' "relc build --upfrom 1.0.0 (full)" "$(echo "$up * 1000" | bc -l)"
printf '%-36s %8.1f ms\n' "relc build (full, no upgrade)" "$(echo "$plain * 1000" | bc -l)"
printf '%-36s %8.1f ms\n' "  the upgrade's share" "$(echo "($up - $plain) * 1000" | bc -l)"
printf '%-36s %8.1f ms\n' "relc build --upfrom (no-op)" "$(echo "$noop * 1000" | bc -l)"
printf '%-36s %8.1f ms\n' "rebar3 relup -u 1.0.0" "$(echo "$rebar * 1000" | bc -l)"
printf '%-36s %8.1fx\n' "rebar3 relup / relc build --upfrom" "$(echo "$rebar / $up" | bc -l)"
