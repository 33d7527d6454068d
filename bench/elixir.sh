#!/bin/sh
# Benchmark `relc build` on Elixir projects against `mix release`, on
# tmpfs (/dev/shm), in the same run, for two projects:
#
#   1. a generated mix umbrella of 40 applications x 10 modules with a
#      dependency DAG (bench/gen_umbrella.exs; `releases:` in its mix.exs
#      names them all), compiled once with MIX_ENV=prod mix compile;
#   2. a copy of examples/book_app (needs erlang-p1-sqlite3).
#
# For each: `relc build --env prod` from scratch (the output removed before
# each run), `relc build --env prod` with nothing changed, and
# `MIX_ENV=prod mix release --overwrite`; the median wall time (hyperfine)
# and the peak RSS (GNU time's %M, else python's getrusage) of each, and
# the ratio mix/relc, in one table.  relc writes to _build/prod/relc
# (output_dir), so the two never replace each other's release.  Offline:
# HOME and MIX_HOME are temporary directories; nothing is fetched.  Not a
# test (not in ctest).  Issue #9's target: relc at least 30x faster than
# mix release, peak RSS under 16 MB.
#
# usage: bench/elixir.sh [PATH/TO/relc]   (needs hyperfine, elixir, mix,
#                                          python3; /usr/bin/time optional)
# RUNS=N sets relc's hyperfine runs (default 10), MIX_RUNS mix's (default 5);
# KEEP=1 keeps the work directory in /dev/shm.
#
# Measured (2026-11-29, OTP 25.2.3, Elixir 1.14.0, erts 13.1.5, tmpfs, a
# shared 2-CPU machine):
#
# RESULTS-BEGIN
# RUNS=20 MIX_RUNS=5, on a quiet machine (load average 0.5):
#
# | project                       | command                                 | median wall | peak RSS | mix/relc |
# |-------------------------------|-----------------------------------------|-------------|----------|----------|
# | umbrella (47 apps, 989 BEAMs) | relc build --env prod (full)            |     18.8 ms |   7.8 MB |      68x |
# | umbrella (47 apps, 989 BEAMs) | relc build --env prod (nothing changed) |      6.5 ms |   6.2 MB |     195x |
# | umbrella (47 apps, 989 BEAMs) | MIX_ENV=prod mix release --overwrite    |   1274.8 ms |  73.2 MB |          |
# | book_app (9 apps, 559 BEAMs)  | relc build --env prod (full)            |     14.7 ms |   7.2 MB |      35x |
# | book_app (9 apps, 559 BEAMs)  | relc build --env prod (nothing changed) |      4.7 ms |   5.8 MB |     109x |
# | book_app (9 apps, 559 BEAMs)  | MIX_ENV=prod mix release --overwrite    |    514.5 ms |  62.2 MB |          |
#
# Both targets hold there: at least 30x (68x, 35x) and peak RSS under
# 16 MB (under 8 MB).  On the same machine loaded by other work (load
# average 7 to 9) the medians move a lot: relc's full build 39 to 77 ms on
# the umbrella (24x to 37x) and 25 to 40 ms on book_app (16x to 40x),
# whose release is mostly Elixir's own 500 BEAM files; the RSS does not.
# RESULTS-END
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
relc=$(cd "$(dirname "${1:-build/release/relc}")" && pwd)/$(basename "${1:-build/release/relc}")
runs=${RUNS:-10}
mix_runs=${MIX_RUNS:-5}
for tool in hyperfine elixir mix python3; do
	command -v "$tool" >/dev/null ||
		{ echo "bench: needs $tool (apt-get install hyperfine elixir)" >&2; exit 2; }
done

work=$(mktemp -d /dev/shm/relc-exbench-XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
HOME=$work/home
MIX_HOME=$work/home/.mix
MIX_ENV=prod
HEX_OFFLINE=1
export HOME MIX_HOME MIX_ENV HEX_OFFLINE
mkdir -p "$HOME"

rss() { # peak RSS in MB of a command
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1 |
			awk '{ printf "%.1f", $1 / 1024 }'
	else
		python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
print("%.1f" % (resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))' "$@"
	fi
}

# Point relc's release at _build/prod/relc: relc.yaml's first `version:`
# line of the release gets an output_dir line after it.
relc_output() {
	awk '{ print } /^    version: / && !done { print "    output_dir: _build/prod/relc"; done = 1 }' \
		rel/relc.yaml >rel/relc.yaml.new
	mv rel/relc.yaml.new rel/relc.yaml
}

# measure LABEL: in the current directory (compiled, relc.yaml set up),
# appends "LABEL|command|median s|RSS MB" lines to $work/rows
measure() {
	out=_build/prod/relc
	"$relc" build -q --env prod
	mix release --overwrite >/dev/null 2>&1
	apps=$(find "$out/lib" -mindepth 1 -maxdepth 1 -type d | wc -l)
	beams=$(find "$out/lib" -name '*.beam' | wc -l)
	hyperfine -N --style none --warmup 2 --runs "$runs" --export-json "$work/relc.json" \
		-n "relc build --env prod (full)" --prepare "rm -rf $out" "$relc build -q --env prod" \
		-n "relc build --env prod (nothing changed)" --prepare true "$relc build -q --env prod" \
		>/dev/null 2>&1
	hyperfine -N --style none --warmup 1 --runs "$mix_runs" --export-json "$work/mix.json" \
		-n "MIX_ENV=prod mix release --overwrite" "mix release --overwrite" >/dev/null 2>&1
	rm -rf "$out"
	rss_full=$(rss "$relc" build -q --env prod)
	rss_noop=$(rss "$relc" build -q --env prod)
	rss_mix=$(rss mix release --overwrite)
	python3 - "$1 ($apps apps, $beams BEAMs)" "$work/relc.json" "$work/mix.json" \
		"$rss_full" "$rss_noop" "$rss_mix" >>"$work/rows" <<'PY'
import json, statistics, sys
label, rj, mj = sys.argv[1:4]
rss = sys.argv[4:7]
res = json.load(open(rj))["results"] + json.load(open(mj))["results"]
for r, k in zip(res, rss):
    print("%s|%s|%.6f|%s" % (label, r["command"], statistics.median(r["times"]), k))
PY
}

# ---- 1. the 40-application umbrella --------------------------------------------

elixir "$top/bench/gen_umbrella.exs" "$work/bench" 40 10
cd "$work/bench"
mix compile >/dev/null
"$relc" init >/dev/null
relc_output
measure "umbrella"

# ---- 2. examples/book_app ------------------------------------------------------

# mix release finds an application by its directory's name (code:lib_dir),
# and Debian installs sqlite3 as lib/p1_sqlite3-VSN: `mix release` fails
# with "Could not find application :sqlite3".  What its user would do: a
# directory named sqlite3-VSN on ERL_LIBS (a link to Debian's), for both.
sqlite=$(find "$(erl -noshell -eval 'io:put_chars(code:lib_dir()), halt().')" \
	-mindepth 1 -maxdepth 1 -name 'p1_sqlite3-*' | head -n 1)
[ -n "$sqlite" ] ||
	{ echo "bench: book_app needs erlang-p1-sqlite3 (apt-get install erlang-p1-sqlite3)" >&2; exit 2; }
mkdir -p "$work/otplibs"
ln -s "$sqlite" "$work/otplibs/sqlite3-${sqlite##*-}"
ERL_LIBS=$work/otplibs
export ERL_LIBS
cp -a "$top/examples/book_app" "$work/book_app"
cd "$work/book_app"
rm -rf _build deps
mix compile >/dev/null
relc_output
measure "book_app"

# ---- the table -----------------------------------------------------------------

python3 - "$work/rows" <<'PY'
import sys
rows = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]
print("| %-32s | %-39s | %11s | %9s | %9s |" % ("project", "command", "median wall", "peak RSS", "mix/relc"))
print("|%s|%s|%s|%s|%s|" % ("-" * 34, "-" * 41, "-" * 13, "-" * 11, "-" * 11))
for i in range(0, len(rows), 3):
    full, noop, mix = rows[i:i + 3]
    m = float(mix[2])
    for r in (full, noop, mix):
        t = float(r[2])
        ratio = "" if r is mix else "%.0fx" % (m / t)
        print("| %-32s | %-39s | %8.1f ms | %6s MB | %9s |" % (r[0], r[1], t * 1e3, r[3], ratio))
PY
