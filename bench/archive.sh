#!/bin/sh
# Benchmark `relc archive` against `tar czf` of the same release tree (at
# the same gzip level) and against `rebar3 tar`, on the generated project of
# bench/build.sh, on tmpfs: wall time (median, hyperfine) and output size.
# relc runs once on one core (--jobs 1, taskset) and once with every core.
#
# usage: bench/archive.sh [PATH/TO/relc]   (needs hyperfine, rebar3, taskset)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
relc=$(cd "$(dirname "${1:-build/release/relc}")" && pwd)/$(basename "${1:-build/release/relc}")
runs=${RUNS:-10}
for tool in hyperfine taskset rebar3 python3; do
	command -v "$tool" >/dev/null ||
		{ echo "bench: needs $tool" >&2; exit 2; }
done

work=$(mktemp -d /dev/shm/relc-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" SOURCE_DATE_EPOCH=1700000000
mkdir -p "$HOME"
python3 "$top/bench/gen_project.py" "$work/proj" 40 25 >/dev/null
cd "$work/proj"
rebar3 compile >/dev/null
"$relc" build -q
rebar3 tar >/dev/null
rel=_build/prod/rel/bench
cores=$(nproc)

hyperfine --style none --warmup 1 --runs "$runs" --export-json "$work/times.json" \
	-n "relc archive, 1 core" \
	"taskset -c 0 '$relc' archive -q --jobs 1 -o '$work/relc1.tar.gz'" \
	-n "tar czf, 1 core" \
	"taskset -c 0 tar -C '$rel' -czf '$work/tar.tar.gz' bin erts-13.1.5 lib releases" \
	-n "relc archive, $cores cores" \
	"'$relc' archive -q -o '$work/relcN.tar.gz'" \
	-n "rebar3 tar" "rebar3 tar" >/dev/null

rebar_tar=$(ls _build/default/rel/bench/bench-*.tar.gz)
python3 - "$work/times.json" "$work/relc1.tar.gz" "$work/tar.tar.gz" \
	"$work/relcN.tar.gz" "$rebar_tar" <<'PY'
import json, os, statistics, sys
res = json.load(open(sys.argv[1]))["results"]
sizes = [os.path.getsize(f) for f in sys.argv[2:6]]
med = [statistics.median(r["times"]) for r in res]
print("| %-24s | %12s | %12s |" % ("command", "median wall", "output"))
print("|%s|%s|%s|" % ("-" * 26, "-" * 14, "-" * 14))
for r, m, s in zip(res, med, sizes):
    print("| %-24s | %10.3f s | %9.2f MB |" % (r["command"], m, s / 1e6))
relc1, tar1, relcn, rebar = med
print("\nrelc (1 core) / tar czf (1 core): %.2fx  (target: within 1.1x)"
      % (relc1 / tar1))
print("rebar3 tar / relc (1 core):       %.1fx  (target: at least 5x)"
      % (rebar / relc1))
print("relc (all cores) / tar czf:       %.2fx  (target: below 1, faster)"
      % (relcn / tar1))
PY
