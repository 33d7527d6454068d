#!/bin/sh
# The kill test at length: tests/e2e/kill.py with many trials (300 unless
# RELC_KILL_TRIALS says otherwise) against the given relc.  Each trial
# kills `relc build` or `relc archive` with SIGKILL at a random moment and
# checks that the release and the archive are the old or the new ones,
# whole, and that the next run leaves nothing over.  RELC_KILL_SEED
# repeats a run's choices (each run prints its seed).
#
# usage: scripts/kill-test.sh [PATH/TO/relc]
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
relc_arg=${1:-build/release/relc}
[ -x "$relc_arg" ] || {
	printf 'kill-test.sh: no relc at %s (build it, or name it)\n' \
		"$relc_arg" >&2
	exit 2
}
relc=$(cd "$(dirname "$relc_arg")" && pwd)/$(basename "$relc_arg")

RELC_KILL_TRIALS=${RELC_KILL_TRIALS:-300}
export RELC_KILL_TRIALS
# as ctest runs the e2e tests
LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1700000000}
export LC_ALL TZ SOURCE_DATE_EPOCH

exec python3 "$top/tests/e2e/kill.py" "$relc"
