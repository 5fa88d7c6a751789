#!/bin/bash
# bench.smoke: run bench/run.sh at 240 sockets with one hyperfine run and
# check that it produced the table. No timing assertion.
#   smoke.sh RUN_SH PNET LOADGEN FLOOR OUT_MD
set -u
run=$1 pnet=$2 loadgen=$3 floor=$4 out=$5

skip() {
	if [ "${CI:-}" = true ]; then echo "FAIL: $1"; exit 1; fi
	echo "SKIP: $1"; exit 77
}
[ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null || skip "needs root and unshare -n"
for t in hyperfine jq /usr/bin/time; do
	command -v "$t" >/dev/null || skip "$t is not installed (Debian: hyperfine, jq, time)"
done

rm -f "$out"
bash "$run" --scales 240 --runs 1 --pnet "$pnet" --loadgen "$loadgen" --floor "$floor" --out "$out"
rc=$?
[ "$rc" = 0 ] || { echo "FAIL: run.sh exited $rc"; exit 1; }
fail=0
check() { grep -qF -- "$1" "$out" || { echo "FAIL: table lacks: $1"; fail=1; }; }
check "## 240 sockets (240 listed"
check "| \`pnet -tuan\` |"
check "| \`ss -tuan\` |"
check "| \`floor\` |"
check "| \`netstat -tuan\` |"
check "| \`pnet -tuanp\` |"
check "## Targets at 240 sockets"
check "Peak RSS (KiB, median of 3): pnet -tuan "
# every timed command produced a median, except an unsupported port filter
if grep -E '^\| `' "$out" | grep -v -- '--sport' | grep -q '| n/a |'; then
	echo "FAIL: a command has no median"; fail=1
fi
sleep 0.5
for p in $(pgrep -x loadgen); do
	if [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$(readlink -f "$loadgen")" ]; then
		echo "FAIL: loadgen process $p left behind"; fail=1
	fi
done
[ "$fail" = 0 ] && echo "PASS: bench smoke"
exit "$fail"
