#!/usr/bin/env bash
# The host libFuzzer targets (tests/fuzz-host/), briefly: builds them (make
# fuzz-host) and runs each for FUZZ_HOST_SECONDS (default 15) with seed 1 on
# its corpus, one TAP line per target. Exit 0 (no crash), 1 (a crash, a
# leak, an UBSan report, a build failure) or 77 when clang cannot build a
# libFuzzer binary here (the last line says why).
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
log=$TOP/build/fuzz-host/build.log

skip() {
	echo "$*"
	exit 77
}

command -v clang >/dev/null || skip "clang not installed (scripts/deps.sh installs it)"
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
	'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }' >"$probe/t.c"
clang -fsanitize=fuzzer,address,undefined -o "$probe/t" "$probe/t.c" >/dev/null 2>&1 ||
	skip "clang cannot link -fsanitize=fuzzer,address,undefined (libclang-rt-dev missing?)"

mkdir -p "$(dirname "$log")"
# a make of its own, not a child of the caller's (jobserver, -s, ...)
if ! env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$TOP" --no-print-directory \
	fuzz-host >"$log" 2>&1; then
	echo "1..1"
	echo "not ok 1 - fuzz-host: build failed (see $log)"
	tail -n 5 "$log" | sed 's/^/#   /'
	exit 1
fi
exec "$TOP/tests/fuzz-host/run" --tap --seconds "${FUZZ_HOST_SECONDS:-15}" --seed 1
