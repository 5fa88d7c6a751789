#!/bin/bash
# Output errors. With ~400 KB of rows (tests/tools/churn hold, private namespace):
#  - `pnet | head -1` ends without a word on stderr: killed by SIGPIPE (status
#    141, as netstat) or, when SIGPIPE was ignored by the caller, status 1 on
#    EPIPE; also with --continuous, which must stop instead of looping;
#  - a full disk (/dev/full) and a closed stdout are reported once, one line
#    naming standard output and the error, status 1, also with --continuous.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PNET:?PNET must name the pnet binary}"
: "${PNET_TOOLS:?PNET_TOOLS must name the directory holding churn}"

if [ -z "${PNET_IN_NS:-}" ]; then
	pnet_require_root_ns
	[ -x "$PNET_TOOLS/churn" ] || { echo "FAIL: $PNET_TOOLS/churn is missing"; exit 1; }
	[ -w /dev/full ] || pnet_skip "/dev/full is missing"
	pnet_in_ns bash "${BASH_SOURCE[0]}"
	exit $?
fi

# --- inside the namespaces ---
tmp=$(mktemp -d) || exit 1
cpid=
cleanup() {
	exec 9>&-
	if [ -n "$cpid" ]; then
		kill -TERM "$cpid" 2>/dev/null
		wait "$cpid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}
check() {               # LABEL CONDITION-STATUS DETAILS
	if [ "$2" = 0 ]; then
		echo "OK   $1"
		PNET_PASSED=$((PNET_PASSED + 1))
	else
		echo "DIFF $1: $3"
		PNET_FAILED=$((PNET_FAILED + 1))
	fi
}

mkfifo "$tmp/hold.in"
: >"$tmp/churn.out"
"$PNET_TOOLS/churn" hold 1000 <"$tmp/hold.in" >"$tmp/churn.out" 2>"$tmp/churn.err" &
cpid=$!
exec 9>"$tmp/hold.in"
for _ in $(seq 300); do
	grep -qx ready "$tmp/churn.out" && break
	kill -0 "$cpid" 2>/dev/null || break
	sleep 0.1
done
grep -qx ready "$tmp/churn.out" || { cat "$tmp/churn.err"; fail "churn did not get ready"; }
size=$("$PNET" -tuan | wc -c)
[ "$size" -gt 200000 ] || fail "only $size bytes of output; a pipe would swallow it whole"

# reader leaves early; SIGPIPE default
for opts in "-tuan" "-tuane" "-tuan --json" "-tuan --continuous=0.1"; do
	# shellcheck disable=SC2086
	first=$(timeout 20 "$PNET" $opts 2>"$tmp/err" | head -1; echo "${PIPESTATUS[0]}")
	rc=${first##*$'\n'}
	first=${first%$'\n'*}
	ok=1
	[ "$rc" = 141 ] || ok=0
	[ -s "$tmp/err" ] && ok=0
	[ -n "$first" ] || ok=0
	check "pnet $opts | head -1" $((1 - ok)) "status $rc, stderr: $(cat "$tmp/err")"
done

# reader leaves early; SIGPIPE ignored by the caller: EPIPE, quiet, status 1
for opts in "-tuan" "-tuan --continuous=0.1"; do
	# shellcheck disable=SC2086
	rc=$( (trap '' PIPE; timeout 20 "$PNET" $opts 2>"$tmp/err" | head -1 >/dev/null
	       echo "${PIPESTATUS[0]}") )
	ok=1
	[ "$rc" = 1 ] || ok=0
	[ -s "$tmp/err" ] && ok=0
	check "SIGPIPE ignored: pnet $opts | head -1" $((1 - ok)) "status $rc, stderr: $(cat "$tmp/err")"
done

# disk full, closed stdout: one message, status 1
for opts in "-tuan" "-tuan --json" "-tuan --continuous=0.1"; do
	# shellcheck disable=SC2086
	timeout 20 "$PNET" $opts >/dev/full 2>"$tmp/err"
	rc=$?
	ok=1
	[ "$rc" = 1 ] || ok=0
	[ "$(wc -l <"$tmp/err")" = 1 ] || ok=0
	grep -q 'standard output: No space left on device$' "$tmp/err" || ok=0
	check "pnet $opts >/dev/full" $((1 - ok)) "status $rc, stderr: $(cat "$tmp/err")"
done
timeout 20 "$PNET" -tuan >&- 2>"$tmp/err"
rc=$?
ok=1
[ "$rc" = 1 ] || ok=0
[ "$(wc -l <"$tmp/err")" = 1 ] || ok=0
grep -q 'standard output: Bad file descriptor$' "$tmp/err" || ok=0
check "pnet -tuan >&-" $((1 - ok)) "status $rc, stderr: $(cat "$tmp/err")"

pnet_summary
