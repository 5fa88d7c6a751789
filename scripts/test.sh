#!/bin/sh
# Run the whole test suite: unit, integration, bench smoke and bounded fuzzing
# tests (ctest), then the same suite under ASan+UBSan.
# Integration tests need root (network namespaces); with CI=true a skip fails.
set -eu
cd "$(dirname "$0")/.."
[ -x build/pnet ] || { cmake -S . -B build -DPNET_WERROR=ON && cmake --build build -j"$(nproc)"; }
cmake --build build -j"$(nproc)"
# unit tests in parallel; kernel-facing tests one at a time (some measure time)
ctest --test-dir build --output-on-failure -j2 -L unit
ctest --test-dir build --output-on-failure -LE unit
scripts/sanitize-tests.sh
echo "test.sh: all test stages passed"
