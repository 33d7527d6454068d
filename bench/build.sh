#!/bin/sh
# Benchmark `relc build` against `rebar3 release` and against `cp -a` of the
# finished release (the floor: what copying the same files costs), on a
# generated project of 40 applications x 25 modules with a dependency DAG
# (about 54 applications and 1,500 BEAM files in the release).  Runs on
# tmpfs (/dev/shm): disk timings on these machines are erratic.
#
# usage: bench/build.sh [PATH/TO/relc]     (needs hyperfine, /usr/bin/time)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
relc=$(cd "$(dirname "${1:-build/release/relc}")" && pwd)/$(basename "${1:-build/release/relc}")
runs=${RUNS:-10}
for tool in hyperfine /usr/bin/time rebar3 python3; do
	command -v "$tool" >/dev/null ||
		{ echo "bench: needs $tool (apt-get install hyperfine time rebar3)" >&2; exit 2; }
done

work=$(mktemp -d /dev/shm/relc-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
mkdir -p "$HOME"
python3 "$top/bench/gen_project.py" "$work/proj" 40 25 >/dev/null
cd "$work/proj"
rebar3 compile >/dev/null
"$relc" build -q
rebar3 release >/dev/null
out=_build/prod/rel/bench

apps=$(find "$out/lib" -mindepth 1 -maxdepth 1 -type d | wc -l)
beams=$(find "$out/lib" -name '*.beam' | wc -l)
size=$(du -sm "$out" | cut -f1)

hyperfine --style none --warmup 2 --runs "$runs" --export-json "$work/times.json" \
	-n "relc build" "'$relc' build -q" \
	-n "rebar3 release" "rebar3 release" \
	-n "cp -a of relc's release" --prepare "rm -rf '$work/copy'" \
	"cp -a '$out' '$work/copy'" >/dev/null

rss() { # peak RSS in MB of a command
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1 | awk '{ printf "%.1f", $1 / 1024 }'
}
rss_relc=$(rss "$relc" build -q)
rss_rebar=$(rss rebar3 release)
rm -rf "$work/copy"
rss_cp=$(rss cp -a "$out" "$work/copy")

python3 - "$work/times.json" "$rss_relc" "$rss_rebar" "$rss_cp" \
	"$apps" "$beams" "$size" <<'PY'
import json, statistics, sys
res = json.load(open(sys.argv[1]))["results"]
rss = sys.argv[2:5]
apps, beams, size = sys.argv[5:8]
med = [statistics.median(r["times"]) for r in res]
print("release: %s applications, %s BEAM files, %s MB (tmpfs)\n" % (apps, beams, size))
print("| %-26s | %12s | %13s |" % ("command", "median wall", "peak RSS"))
print("|%s|%s|%s|" % ("-" * 28, "-" * 14, "-" * 15))
for r, m, k in zip(res, med, rss):
    print("| %-26s | %10.3f s | %10s MB |" % (r["command"], m, k))
relc, rebar, cp = med
print("\nrelc / cp -a:      %.2fx   (target: within 2x)" % (relc / cp))
print("rebar3 / relc:     %.1fx   (target: at least 20x)" % (rebar / relc))
print("relc peak RSS:     %s MB (target: under 32 MB)" % rss[0])
PY
