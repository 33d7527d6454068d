#!/bin/sh
# Time how long `relc build` takes to read a rel/relc.yaml of 1k, 10k, 100k
# and 1M applications, given as a list (`- app`) and as a mapping
# (`app: load`): the duplicate checks of both forms must stay linear.  The
# config names an OTP installation that does not exist, so relc stops right
# after reading and checking the config; the bench checks that it stopped
# there (and not at some error in the config).  Runs on tmpfs (/dev/shm).
#
# A million applications make a config of 12-17 MB, over relc's 4 MiB limit;
# to time them, build relc with a larger one:
#   cmake -S . -B build/big -G Ninja -DCMAKE_BUILD_TYPE=Release \
#         -DCMAKE_C_FLAGS=-DRELC_CONFIG_MAX_SIZE=67108864
#
# usage: bench/config.sh [PATH/TO/relc] [ENTRIES...]    (needs hyperfine)
set -eu

relc=$(cd "$(dirname "${1:-build/release/relc}")" && pwd)/$(basename "${1:-build/release/relc}")
[ $# -gt 0 ] && shift
sizes=${*:-1000 10000 100000 1000000}
runs=${RUNS:-5} # at least; hyperfine runs each for 3 s
for tool in hyperfine python3; do
	command -v "$tool" >/dev/null ||
		{ echo "bench: needs $tool (apt-get install hyperfine)" >&2; exit 2; }
done
[ -x "$relc" ] || { echo "bench: no relc at $relc" >&2; exit 2; }

work=$(mktemp -d /dev/shm/relc-bench-config-XXXXXX)
trap 'rm -rf "$work"' EXIT

# gen DIR N FORM: a project whose config lists N applications.
gen() {
	python3 - "$1" "$2" "$3" <<'PY'
import os, sys
d, n, form = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(os.path.join(d, "rel"))
with open(os.path.join(d, "rel", "relc.yaml"), "w") as f:
    f.write("releases:\n  bench:\n    version: 1.0.0\n"
            "    include_erts: no/such/otp\n    applications:\n")
    line = "      - a%07d\n" if form == "list" else "      a%07d: load\n"
    f.writelines(line % i for i in range(n))
PY
}

# run N FORM: time `relc build` on a config of N applications, or record
# why relc stopped elsewhere.
run() {
	dir=$work/$2-$1
	gen "$dir" "$1" "$2"
	cfg=$dir/rel/relc.yaml
	bytes=$(wc -c <"$cfg")
	want="relc: $cfg:4:19: include_erts: '$dir/no/such/otp' is not a directory"
	got=$("$relc" build --config "$cfg" 2>&1) || true
	if [ "$got" = "$want" ]; then
		hyperfine -N --style none --warmup 1 --min-runs "$runs" -i \
			--export-json "$work/$2-$1.json" \
			"$relc build --config $cfg" >/dev/null 2>&1
		echo "$1 $2 $bytes $work/$2-$1.json" >>"$work/rows"
	else
		echo "$1 $2 $bytes -" "$got" >>"$work/rows"
	fi
	rm -rf "$dir"
}

: >"$work/rows"
run 1 list
for n in $sizes; do
	run "$n" list
	run "$n" mapping
done

python3 - "$work/rows" <<'PY'
import json, statistics, sys
rows, base = {}, None
for line in open(sys.argv[1]):
    n, form, size, res = line.rstrip("\n").split(" ", 3)
    n, t, msg = int(n), None, ""
    if res.startswith("-"):
        msg = res[2:]
    else:
        t = statistics.median(json.load(open(res))["results"][0]["times"])
    if n == 1:
        base = t
        continue
    rows.setdefault(n, {})[form] = (t, msg, int(size))

def cell(t, msg):
    if t is None or base is None:
        return "refused: too large" if "too large" in msg else "error"
    return "%8.3f s %6.2f us/entry" % (t, (t - base) / n * 1e6)

print("| %9s | %8s | %-27s | %-27s |" % ("entries", "list MB", "list", "mapping"))
print("|%s:|%s:|%s|%s|" % ("-" * 10, "-" * 9, "-" * 29, "-" * 29))
for n in sorted(rows):
    r = rows[n]
    print("| %9d | %8.1f | %-27s | %-27s |"
          % (n, r["list"][2] / 1e6, cell(*r["list"][:2]),
             cell(*r["mapping"][:2])))
print("\nmedian wall time of `relc build` until it stops at the first check"
      "\nafter the config (start, read, parse, schema checks), on tmpfs;"
      "\nus/entry leaves out a 1-application config's %.1f ms"
      % ((base or 0) * 1e3))
for n in sorted(rows):
    for form in ("list", "mapping"):
        t, msg, size = rows[n][form]
        if msg and "too large" not in msg:
            print("%d %s: %s" % (n, form, msg))
PY
