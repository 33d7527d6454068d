#!/bin/sh
# The whole test suite, as CI runs it:
#   1. gcc with strict warnings as errors: every test (unit, CLI, fuzz
#      corpora, and the systools oracle, which needs Erlang/OTP);
#   2. the same tests again under AddressSanitizer and UBSan;
#   3. clang with libFuzzer: the fuzz targets build and run for a while
#      over their seed corpora (RELC_FUZZ_SECONDS each, default 20);
#   4. cppcheck, clang-format (the style in .clang-format) and shellcheck.
set -eu

cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${RELC_FUZZ_SECONDS:-20}

step() {
	printf '\n=== %s\n' "$*"
}

step "gcc, warnings as errors"
cmake -S . -B build/check-gcc -G Ninja -DCMAKE_C_COMPILER=gcc \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DRELC_WERROR=ON
cmake --build build/check-gcc
ctest --test-dir build/check-gcc -j "$jobs" --output-on-failure

step "AddressSanitizer and UBSan"
cmake -S . -B build/check-asan -G Ninja -DCMAKE_C_COMPILER=gcc \
	-DCMAKE_BUILD_TYPE=Debug -DRELC_WERROR=ON -DRELC_SANITIZE=ON
cmake --build build/check-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir build/check-asan -j "$jobs" --output-on-failure

step "clang and libFuzzer (${fuzz_seconds}s per target)"
cmake -S . -B build/check-fuzz -G Ninja -DCMAKE_C_COMPILER=clang \
	-DCMAKE_BUILD_TYPE=Debug -DRELC_WERROR=ON -DRELC_SANITIZE=ON \
	-DRELC_FUZZ=ON
cmake --build build/check-fuzz
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in term config etf beam stamp runconf projscan appup relfile elf; do
	mkdir -p "$scratch/$target"
	build/check-fuzz/tests/fuzz_"$target" -max_total_time="$fuzz_seconds" \
		-timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix="$scratch/$target-" \
		"$scratch/$target" tests/fuzz/corpus/"$target" 2>&1 |
		grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|==|SUMMARY)' || true
	if ls "$scratch/$target"-* >/dev/null 2>&1; then
		echo "fuzz_$target found a failing input:" "$scratch/$target"-*
		exit 1
	fi
done

step "cppcheck, clang-format and shellcheck"
cppcheck --project=build/check-gcc/compile_commands.json --quiet \
	--enable=warning,portability --error-exitcode=1 --inline-suppr \
	--suppress='*:/usr/*' -i build
clang-format --dry-run --Werror src/*/*.c src/*/*.h \
	include/relc/*.h tests/unit/*.c tests/helpers/*.c tests/helpers/*.h \
	tests/fuzz/*.c
shellcheck scripts/*.sh bench/*.sh .ci/run

printf '\nall checks passed\n'
