#!/bin/bash
# valgrind memcheck on integration runs: in a private namespace holding the
# socket mix of tests/tools/sockmix.c, pnet runs under memcheck with a range of
# option sets, on the netlink backend and on the /proc/net fallback
# (tests/tools/nodiag_shim.c). Any memcheck error or definite leak fails.
# Skipped for a sanitizer build (ASan and valgrind do not mix).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PNET:?PNET must name the pnet binary}"
: "${PNET_TOOLS:?PNET_TOOLS must name the directory holding sockmix}"
: "${PNET_SRC:?PNET_SRC must name the source root}"

COMBOS=("-tuan" "-tua" "-tuaneWop" "-tuan --json" "-tuan --state listen --port 2049"
	"--explain 22 53/udp 40000")
FALLBACK_COMBOS=("-tuaneWop" "-tuan --jsonl")

if [ -z "${PNET_IN_NS:-}" ]; then
	if ldd "$PNET" 2>/dev/null | grep -q 'libasan\|libubsan'; then
		echo "SKIP: sanitizer build; valgrind cannot run it"
		exit 77
	fi
	command -v valgrind >/dev/null 2>&1 || pnet_skip "valgrind is not installed"
	command -v cc >/dev/null 2>&1 || pnet_skip "no C compiler for the LD_PRELOAD shim"
	pnet_require_root_ns
	[ -x "$PNET_TOOLS/sockmix" ] || { echo "FAIL: $PNET_TOOLS/sockmix is missing"; exit 1; }
	pnet_in_ns bash "${BASH_SOURCE[0]}"
	exit $?
fi

# --- inside the namespaces ---
tmp=$(mktemp -d) || exit 1
smpid=
cleanup() {
	if [ -n "$smpid" ]; then
		kill -TERM "$smpid" 2>/dev/null
		wait "$smpid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

cc -shared -fPIC -DNODIAG_SHIM_LIB -o "$tmp/nodiag_shim.so" \
	"$PNET_SRC/tests/tools/nodiag_shim.c" -ldl || { echo "FAIL: cannot build the shim"; exit 1; }
ip addr add 2001:db8:1234:5678:9abc:def0:1234:5678/128 dev lo nodad
pnet_sockmix_start "$tmp"
smpid=$SOCKMIX_PID

VG=(valgrind --tool=memcheck --error-exitcode=99 --leak-check=full
    --errors-for-leak-kinds=definite --show-leak-kinds=definite -q
    --suppressions="$PNET_SRC/scripts/valgrind.supp")
run() {                 # LABEL ENV... -- ARGS...
	local label=$1 rc
	local -a env=()
	shift
	while [ "$1" != -- ]; do env+=("$1"); shift; done
	shift
	env "${env[@]}" "${VG[@]}" "$PNET" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc != 99 ] && [ -s "$tmp/out" ] && ! grep -q '^==[0-9]*==' "$tmp/err"; then
		echo "OK   memcheck $label (exit $rc)"
		PNET_PASSED=$((PNET_PASSED + 1))
	else
		echo "DIFF memcheck $label (exit $rc)"
		head -60 "$tmp/err"
		PNET_FAILED=$((PNET_FAILED + 1))
	fi
}
for opts in "${COMBOS[@]}"; do
	# shellcheck disable=SC2086
	run "$opts" -- $opts
done
for opts in "${FALLBACK_COMBOS[@]}"; do
	# shellcheck disable=SC2086
	run "fallback $opts" LD_PRELOAD="$tmp/nodiag_shim.so" PNET_NODIAG=EACCES -- $opts
done
pnet_summary
