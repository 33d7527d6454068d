#!/bin/sh
# Benchmark `relc build`, on tmpfs (/dev/shm: disk timings on these
# machines are erratic), side by side with `rebar3 release` and with
# `cp -a` of the finished release (the floor: what copying the same files
# costs), in the same run:
#
#   1. a generated rebar3 project of 40 applications x 25 modules with a
#      dependency DAG (54 applications, about 1,500 BEAM files in the
#      release): a full build, a build with nothing changed, a build after
#      one module changed, rebar3 release, cp -a; peak RSS;
#   2. scaling: 10, 40, 160 and 640 applications of 10 modules (a plain
#      lib_dirs layout compiled by bench/gen_lib.escript): the full build
#      against cp -a, per BEAM file, and the no-op build.
#
# usage: bench/build.sh [PATH/TO/relc]   (needs hyperfine, /usr/bin/time,
#                                         rebar3, escript, python3)
# RUNS=N sets hyperfine's runs (default 10); SCALE="10 40" the scaling sizes.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
relc=$(cd "$(dirname "${1:-build/release/relc}")" && pwd)/$(basename "${1:-build/release/relc}")
runs=${RUNS:-10}
sizes=${SCALE:-10 40 160 640}
for tool in hyperfine /usr/bin/time rebar3 escript python3; do
	command -v "$tool" >/dev/null ||
		{ echo "bench: needs $tool (apt-get install hyperfine time rebar3)" >&2; exit 2; }
done

work=$(mktemp -d /dev/shm/relc-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home"
mkdir -p "$HOME"

# A median in seconds from hyperfine's JSON: median FILE INDEX
median() {
	python3 -c 'import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]
print("%.6f" % statistics.median(r["times"]))' "$1" "$2"
}

rss() { # peak RSS in MB of a command
	/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1 | awk '{ printf "%.1f", $1 / 1024 }'
}

# ---- 1. the 40-application project -------------------------------------------

python3 "$top/bench/gen_project.py" "$work/proj" 40 25 >/dev/null
cd "$work/proj"
rebar3 compile >/dev/null
"$relc" build -q
rebar3 release >/dev/null
out=_build/prod/rel/bench
beam=_build/default/lib/app07/ebin/app07_m03.beam

apps=$(find "$out/lib" -mindepth 1 -maxdepth 1 -type d | wc -l)
beams=$(find "$out/lib" -name '*.beam' | wc -l)
size=$(du -sm "$out" | cut -f1)

hyperfine -N --style none --warmup 2 --runs "$runs" --export-json "$work/times.json" \
	-n "relc build (full)" --prepare "rm -rf $out" "$relc build -q" \
	-n "relc build (nothing changed)" --prepare true "$relc build -q" \
	-n "relc build (one module changed)" --prepare "touch $beam" "$relc build -q" \
	-n "rebar3 release" --prepare true "rebar3 release" \
	-n "cp -a of relc's release" --prepare "rm -rf $work/copy" \
	"cp -a $out $work/copy" >/dev/null

rm -rf "$out"
rss_full=$(rss "$relc" build -q)
rss_noop=$(rss "$relc" build -q)
touch "$beam"
rss_one=$(rss "$relc" build -q)
rss_rebar=$(rss rebar3 release)
rm -rf "$work/copy"
rss_cp=$(rss cp -a "$out" "$work/copy")

python3 - "$work/times.json" "$rss_full" "$rss_noop" "$rss_one" "$rss_rebar" \
	"$rss_cp" "$apps" "$beams" "$size" <<'PY'
import json, statistics, sys
res = json.load(open(sys.argv[1]))["results"]
rss = sys.argv[2:7]
apps, beams, size = sys.argv[7:10]
med = [statistics.median(r["times"]) for r in res]
print("release: %s applications, %s BEAM files, %s MB (tmpfs)\n" % (apps, beams, size))
print("| %-32s | %12s | %11s |" % ("command", "median wall", "peak RSS"))
print("|%s|%s|%s|" % ("-" * 34, "-" * 14, "-" * 13))
for r, m, k in zip(res, med, rss):
    print("| %-32s | %9.1f ms | %8s MB |" % (r["command"], m * 1e3, k))
full, noop, one, rebar, cp = med
print("\nrelc full / cp -a:  %.2fx   (target: at most 1.0x)" % (full / cp))
print("nothing changed:    %.1f ms (target: under 10 ms)" % (noop * 1e3))
print("rebar3 / relc:      %.0fx" % (rebar / full))
PY

# ---- 2. scaling ------------------------------------------------------------------

printf '\nscaling (applications of 10 modules, plain lib_dirs layout):\n\n'
printf '| %5s | %6s | %11s | %11s | %9s | %12s | %11s |\n' apps BEAMs "relc full" "cp -a" "relc/cp" "relc per BEAM" "no-op"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' -------- -------- ------------- ------------- ----------- -------------- -------------
for n in $sizes; do
	proj=$work/scale$n
	escript "$top/bench/gen_lib.escript" "$proj" "$n" 10
	cd "$proj"
	"$relc" build -q
	sout=_build/prod/rel/scale
	sbeams=$(find "$sout/lib" -name '*.beam' | wc -l)
	hyperfine -N --style none --warmup 1 --runs "$runs" --export-json "$work/scale.json" \
		--prepare "rm -rf $sout" "$relc build -q" \
		--prepare "rm -rf $work/copy" "cp -a $sout $work/copy" \
		--prepare true "$relc build -q" >/dev/null
	full=$(median "$work/scale.json" 0)
	cp=$(median "$work/scale.json" 1)
	noop=$(median "$work/scale.json" 2)
	python3 -c 'import sys
n, b, f, c, z = sys.argv[1:]
b, f, c, z = int(b), float(f), float(c), float(z)
print("| %5s | %6d | %8.1f ms | %8.1f ms | %8.2fx | %9.1f us | %8.1f ms |"
      % (n, b, f * 1e3, c * 1e3, f / c, f / b * 1e6, z * 1e3))' \
		"$n" "$sbeams" "$full" "$cp" "$noop"
	cd "$work"
	rm -rf "$proj" "$work/copy"
done
