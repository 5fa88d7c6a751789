#!/usr/bin/env bash
# Build pnet and its tests with AddressSanitizer + UndefinedBehaviorSanitizer in a
# separate build directory and run the whole ctest suite there (CI runs this).
# Any sanitizer report aborts the process at once, failing its test.
# Usage: scripts/sanitize-tests.sh [BUILDDIR] [ctest args...]
#        (default BUILDDIR: <source root>/build-sanitize)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build-sanitize}
[ $# -gt 0 ] && shift
jobs=$(nproc 2>/dev/null || echo 2)

cmake -S "$root" -B "$build" -DPNET_SANITIZE=ON -DPNET_WERROR=ON \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$jobs"

# abort_on_error: a report kills the process with SIGABRT (no exit code that a
# test could mistake for its own). detect_leaks: LeakSanitizer on exit.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:strict_string_checks=1:check_initialization_order=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="suppressions=$root/scripts/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
# unit tests in parallel; kernel-facing ones serially (some measure time)
ctest --test-dir "$build" --output-on-failure -j"$jobs" -L unit "$@"
ctest --test-dir "$build" --output-on-failure -LE unit "$@"
