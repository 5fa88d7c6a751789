# shellcheck shell=bash
# Shared helpers for the integration tests (bash). Source it:
#   . "$(dirname "$0")/lib.sh"
#
#   pnet_skip REASON          skip the test (exit 77), or fail it (exit 1) when CI=true
#   pnet_require_root_ns      skip unless we are root and `unshare -n -m` works
#   pnet_in_ns [--hosts FILE] CMD [ARG...]
#                             run CMD in a new network + mount namespace: lo up,
#                             /etc/resolv.conf -> "nameserver 127.0.0.53" (nothing
#                             listens there, so DNS fails fast and stays local),
#                             /etc/hosts -> FILE if given. Returns CMD's status.
#                             Inside, PNET_IN_NS=1 is set (a script can re-run
#                             itself: see test_netstat_compat.sh).
#   pnet_compare LABEL [WRAPPER...] -- ARG...
#                             run "WRAPPER... $PNET ARG..." and "WRAPPER... $NETSTAT ARG..."
#                             and compare stdout and exit status byte for byte, and
#                             stderr too when netstat's is empty. Prints "OK LABEL" or
#                             "DIFF LABEL" plus a unified diff; counts into
#                             PNET_PASSED / PNET_FAILED; returns 0 on a match.
#   pnet_summary              print "N passed, M failed"; return 1 if any failed
#   pnet_sockmix_start DIR    start $PNET_TOOLS/sockmix (stdout/stderr in
#                             DIR/sockmix.out, DIR/sockmix.err), wait until it
#                             prints "ready", and set SOCKMIX_PID; on failure
#                             show its stderr and exit 1. The caller stops it.
#
# Environment: PNET (pnet binary, set by ctest), NETSTAT (default: netstat).

PNET_PASSED=${PNET_PASSED:-0}
PNET_FAILED=${PNET_FAILED:-0}
NETSTAT=${NETSTAT:-netstat}

pnet_skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $1"
		exit 1
	fi
	echo "SKIP: $1"
	exit 77
}

pnet_require_root_ns() {
	local t
	[ "$(id -u)" = 0 ] || pnet_skip "needs root (network namespaces)"
	for t in unshare ip mount; do
		command -v "$t" >/dev/null 2>&1 || pnet_skip "$t is not installed"
	done
	unshare -n -m true >/dev/null 2>&1 || pnet_skip "unshare -n -m does not work here"
}

pnet_in_ns() {
	local hosts="" dir rc
	if [ "${1:-}" = --hosts ]; then
		hosts=$2
		shift 2
	fi
	dir=$(mktemp -d) || return 1
	printf 'nameserver 127.0.0.53\n' >"$dir/resolv.conf"
	chmod 644 "$dir/resolv.conf" || return 1
	# shellcheck disable=SC2016  # expanded by the inner shell
	PNET_IN_NS=1 PNET_NS_RESOLV="$dir/resolv.conf" PNET_NS_HOSTS="$hosts" \
		unshare -n -m -- bash -c '
			set -e
			mount --make-rprivate /
			mount --bind "$PNET_NS_RESOLV" /etc/resolv.conf
			if [ -n "$PNET_NS_HOSTS" ]; then mount --bind "$PNET_NS_HOSTS" /etc/hosts; fi
			ip link set lo up
			unset PNET_NS_RESOLV PNET_NS_HOSTS
			exec "$@"' pnet-ns "$@"
	rc=$?
	rm -rf "$dir"
	return $rc
}

pnet_compare() {
	local label=$1 dir rc_p rc_n ok=1
	local -a wrap=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		wrap+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	dir=$(mktemp -d) || return 1
	"${wrap[@]}" "$PNET" "$@" >"$dir/p.out" 2>"$dir/p.err"
	rc_p=$?
	"${wrap[@]}" "$NETSTAT" "$@" >"$dir/n.out" 2>"$dir/n.err"
	rc_n=$?
	cmp -s "$dir/n.out" "$dir/p.out" || ok=0
	[ "$rc_p" = "$rc_n" ] || ok=0
	if [ ! -s "$dir/n.err" ] && [ -s "$dir/p.err" ]; then ok=0; fi
	if [ $ok = 1 ]; then
		echo "OK   $label"
		PNET_PASSED=$((PNET_PASSED + 1))
	else
		echo "DIFF $label (exit: netstat $rc_n, pnet $rc_p)"
		diff -u --label "netstat $*" --label "pnet $*" "$dir/n.out" "$dir/p.out"
		if [ ! -s "$dir/n.err" ] && [ -s "$dir/p.err" ]; then
			echo "pnet stderr:"
			cat "$dir/p.err"
		fi
		PNET_FAILED=$((PNET_FAILED + 1))
	fi
	rm -rf "$dir"
	[ $ok = 1 ]
}

pnet_summary() {
	echo "$PNET_PASSED passed, $PNET_FAILED failed"
	[ "$PNET_FAILED" = 0 ]
}

pnet_sockmix_start() {
	local dir=$1
	: >"$dir/sockmix.out"   # exists before the loop below reads it
	"$PNET_TOOLS/sockmix" >"$dir/sockmix.out" 2>"$dir/sockmix.err" &
	SOCKMIX_PID=$!
	for _ in $(seq 200); do
		grep -qx ready "$dir/sockmix.out" && return 0
		kill -0 "$SOCKMIX_PID" 2>/dev/null || break
		sleep 0.1
	done
	grep -qx ready "$dir/sockmix.out" && return 0
	cat "$dir/sockmix.err"
	echo "FAIL: sockmix did not get ready"
	exit 1
}
