#!/bin/bash
# Sockets come and go while pnet lists: in a private namespace, tests/tools/churn
# keeps 1000 connections open while replacing them as fast as it can (thousands
# per second, plus a UDP socket each), and pnet lists 20 times, alternating the
# netlink backend and the /proc/net fallback (nodiag_shim). Every run must exit
# 0 with nothing on stderr but the fallback notice, every row must be
# well-formed, and no socket may appear twice in one listing (key: protocol,
# both endpoints, inode; TIME_WAIT rows have inode 0 and keep their state).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PNET:?PNET must name the pnet binary}"
: "${PNET_TOOLS:?PNET_TOOLS must name the directory holding churn}"
: "${PNET_SRC:?PNET_SRC must name the source root}"

RUNS=20
RING=1000
OPTS=("-tuaneW" "-tuaneWo" "-tuaneWp" "-tuaneWop")

if [ -z "${PNET_IN_NS:-}" ]; then
	pnet_require_root_ns
	[ -x "$PNET_TOOLS/churn" ] || { echo "FAIL: $PNET_TOOLS/churn is missing"; exit 1; }
	command -v cc >/dev/null 2>&1 || pnet_skip "no C compiler for the LD_PRELOAD shim"
	pnet_in_ns bash "${BASH_SOURCE[0]}"
	exit $?
fi

# --- inside the namespaces ---
tmp=$(mktemp -d) || exit 1
cpid=
cleanup() {
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

cc -shared -fPIC -DNODIAG_SHIM_LIB -o "$tmp/nodiag_shim.so" \
	"$PNET_SRC/tests/tools/nodiag_shim.c" -ldl || fail "cannot build nodiag_shim.so"
# an ASan-built pnet accepts a preloaded library only with this
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

: >"$tmp/churn.out"
"$PNET_TOOLS/churn" run 300 "$RING" >"$tmp/churn.out" 2>"$tmp/churn.err" &
cpid=$!
for _ in $(seq 300); do
	grep -qx ready "$tmp/churn.out" && break
	kill -0 "$cpid" 2>/dev/null || break
	sleep 0.1
done
grep -qx ready "$tmp/churn.out" || { cat "$tmp/churn.err"; fail "churn did not get ready"; }
sleep 1

# Checks one listing; prints "ROWS DUPS BAD" and the first offending lines.
# shellcheck disable=SC2016  # an awk program
check='
NR <= 2 { if (NR == 1 && $0 !~ /^Active Internet connections/) bad++; next }
{
	ok = 1
	if ($1 !~ /^(tcp|tcp6|udp|udp6)$/ || $2 !~ /^[0-9]+$/ || $3 !~ /^[0-9]+$/ ||
	    $4 !~ /^[0-9a-f.:]+:([0-9]+|\*)$/ || $5 !~ /^[0-9a-f.:*]+:([0-9]+|\*)$/) ok = 0
	i = 6
	if ($1 ~ /^tcp/) {
		if ($6 !~ /^(ESTABLISHED|SYN_SENT|SYN_RECV|FIN_WAIT1|FIN_WAIT2|TIME_WAIT|CLOSE|CLOSE_WAIT|LAST_ACK|LISTEN|CLOSING)$/) ok = 0
		i = 7
	} else if ($6 == "ESTABLISHED") i = 7
	if ($i !~ /^[0-9]+$/ || $(i + 1) !~ /^[0-9]+$/) ok = 0
	rest = ""
	for (j = i + 2; j <= NF; j++) rest = rest " " $j
	if (progs && rest !~ /^ ([0-9]+\/[^ ]+|-)/) ok = 0
	if (timers && rest !~ / (on|off|keepalive|timewait|probe|unkn-[0-9]+) \([0-9]+\.[0-9][0-9]\/[0-9]+\/[0-9]+\)$/) ok = 0
	if (!ok) { bad++; if (bad <= 3) print "bad row: " $0 > "/dev/stderr" }
	key = $1 " " $4 " " $5 " " $(i + 1) ($(i + 1) == "0" ? " " $6 : "")
	if (key in seen) { dups++; if (dups <= 3) print "duplicate: " $0 > "/dev/stderr" }
	seen[key] = 1
	rows++
}
END { printf "%d %d %d\n", rows, dups, bad }'

total_rows=0 total_dups=0 failed=0
for run in $(seq "$RUNS"); do
	opts=${OPTS[$(((run - 1) / 2 % ${#OPTS[@]}))]}
	t0=${EPOCHREALTIME/./}
	if [ $((run % 2)) = 0 ]; then
		backend=procnet
		# shellcheck disable=SC2086  # split the option set into words
		LD_PRELOAD="$tmp/nodiag_shim.so" PNET_NODIAG=EACCES \
			"$PNET" $opts >"$tmp/out" 2>"$tmp/err"
	else
		backend=netlink
		# shellcheck disable=SC2086
		"$PNET" $opts >"$tmp/out" 2>"$tmp/err"
	fi
	rc=$?
	ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
	progs=0 timers=0
	case $opts in *p*) progs=1 ;; esac
	case $opts in *o*) timers=1 ;; esac
	read -r rows dups bad < <(awk -v progs=$progs -v timers=$timers "$check" "$tmp/out" 2>"$tmp/awk.err")
	errlines=$(grep -vc 'reading /proc/net instead$' "$tmp/err")
	notices=$(grep -c 'reading /proc/net instead$' "$tmp/err")
	want_notices=0
	[ $backend = procnet ] && want_notices=1
	status=OK
	if [ "$rc" != 0 ] || [ "$dups" != 0 ] || [ "$bad" != 0 ] || [ "$errlines" != 0 ] ||
	   [ "$notices" != "$want_notices" ] || [ "$rows" -lt "$RING" ]; then
		status=FAIL
		failed=$((failed + 1))
	fi
	echo "$status run $run: $backend $opts: exit $rc, $rows rows, $dups duplicates, $bad malformed, $notices notices, ${ms} ms"
	if [ $status = FAIL ]; then
		cat "$tmp/awk.err" "$tmp/err"
	fi
	total_rows=$((total_rows + rows))
	total_dups=$((total_dups + dups))
done
kill -0 "$cpid" 2>/dev/null || fail "churn stopped early: $(cat "$tmp/churn.err")"
# Control, not asserted: how often raw reads of /proc/net/tcp{,6} show one
# socket (inode) twice under this churn, i.e. what the de-duplication removed.
raw=0
for _ in $(seq 10); do
	r=$(cat /proc/net/tcp /proc/net/tcp6 | awk '$10 ~ /^[1-9]/ { if ($10 in s) d++; s[$10] = 1 } END { print d + 0 }')
	raw=$((raw + r))
done
echo "control: 10 raw reads of /proc/net/tcp{,6} showed $raw repeated inodes"
kill -TERM "$cpid"
wait "$cpid"
cpid=
grep opened "$tmp/churn.out"
echo "churn: $RUNS runs, $total_rows rows, $total_dups duplicates"
echo "$((RUNS - failed)) passed, $failed failed"
[ "$failed" = 0 ]
