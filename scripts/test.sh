#!/bin/sh
# Run the whole test suite: unit and integration tests (ctest), then the same
# suite under ASan+UBSan and a bounded fuzzing run when their scripts exist.
# Integration tests need root (network namespaces); with CI=true a skip fails.
set -eu
cd "$(dirname "$0")/.."
[ -x build/pnet ] || { cmake -S . -B build -DPNET_WERROR=ON && cmake --build build -j"$(nproc)"; }
cmake --build build -j"$(nproc)"
# unit tests in parallel; kernel-facing tests one at a time (some measure time)
ctest --test-dir build --output-on-failure -j2 -L unit
ctest --test-dir build --output-on-failure -LE unit
if [ -x scripts/sanitize-tests.sh ]; then
	scripts/sanitize-tests.sh
fi
if [ -x fuzz/run.sh ] && command -v clang >/dev/null 2>&1; then
	fuzz/run.sh "${PNET_FUZZ_SECONDS:-30}"
fi
echo "test.sh: all test stages passed"
