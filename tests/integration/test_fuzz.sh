#!/bin/bash
# Bounded fuzzing in the test suite: builds the libFuzzer targets of fuzz/
# (clang -fsanitize=fuzzer,address,undefined) into a scratch directory and
# runs each for PNET_FUZZ_SECONDS (default 20) from the seed corpus via
# fuzz/run.sh. Any crash, sanitizer report or leak fails. Runs in the plain
# build only (the sanitizer build would fuzz the same code twice).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PNET:?PNET must name the pnet binary}"
: "${PNET_SRC:?PNET_SRC must name the source root}"

if ldd "$PNET" 2>/dev/null | grep -q 'libasan\|libubsan'; then
	echo "SKIP: sanitizer build; fuzzing runs in the plain build"
	exit 77
fi
command -v "${CC:-clang-14}" >/dev/null 2>&1 || pnet_skip "clang-14 (libFuzzer) is not installed"
secs=${PNET_FUZZ_SECONDS:-20}
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT
if ! CC=${CC:-clang-14} bash "$PNET_SRC/fuzz/build.sh" "$out" >"$out/build.log" 2>&1; then
	cat "$out/build.log"
	echo "FAIL: fuzz targets do not build"
	exit 1
fi
bash "$PNET_SRC/fuzz/run.sh" "$secs" "$out"
rc=$?
if [ $rc = 0 ]; then
	echo "3 passed, 0 failed"
else
	echo "FAIL: a fuzz target crashed"
fi
exit $rc
