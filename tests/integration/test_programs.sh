#!/bin/bash
# -p, -e and -o against net-tools netstat, on a namespace whose sockets belong
# to two users (root and 65534) and to processes named "my server" (argv[0]
# /usr/sbin/my server: netstat drops the directory), "my client" and a name
# longer than netstat's 19-byte column. The sockets cover the Timer column's
# kinds: off (LISTEN, ESTABLISHED, UDP), keepalive (SO_KEEPALIVE), probe (a
# peer that never reads: zero window), on with retransmits (SYN_SENT to a
# listener whose accept queue is full), timewait, SYN_RECV (TCP_DEFER_ACCEPT).
#
# stdout, stderr (netstat's notices about unreadable processes) and the exit
# status must match exactly, except that timer seconds tick between the two
# runs and are masked, and so is the retransmit count of SYN_RECV rows: for
# request sockets sock_diag reports SYN-ACKs resent (num_retrans) where
# /proc/net/tcp shows timer expiries (num_timeout); under TCP_DEFER_ACCEPT the
# two differ. A comparison is retried a few times when a counter moved between
# the runs. Last, a process named with escape sequences: netstat prints them
# raw, pnet must print '?' for every control character and nothing else may
# differ.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PNET:?PNET must name the pnet binary}"
: "${PNET_TOOLS:?PNET_TOOLS must name the directory holding named_proc}"

if [ -z "${PNET_IN_NS:-}" ]; then
	pnet_require_root_ns
	command -v "$NETSTAT" >/dev/null 2>&1 || pnet_skip "netstat (net-tools) is not installed"
	command -v setpriv >/dev/null 2>&1 || pnet_skip "setpriv is not installed"
	if [ ! -x "$PNET_TOOLS/named_proc" ]; then
		echo "FAIL: $PNET_TOOLS/named_proc is missing"
		exit 1
	fi
	hosts=$(mktemp) || exit 1
	printf '127.0.0.1 localhost\n::1 ip6-localhost ip6-loopback\n' >"$hosts"
	chmod 644 "$hosts"
	pnet_in_ns --hosts "$hosts" bash "${BASH_SOURCE[0]}"
	rc=$?
	rm -f "$hosts"
	exit $rc
fi

# --- inside the namespaces ---
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)
NOONE=(setpriv --reuid=65533 --regid=65533 --clear-groups)
W=$(mktemp -d) || exit 1
chmod 755 "$W"
mkdir "$W/ready" && chmod 1777 "$W/ready"
# copies every user can run, whatever the build directory's permissions
install -m 755 "$PNET" "$W/pnet"
install -m 755 "$PNET_TOOLS/named_proc" "$W/named_proc"
PNET=$W/pnet
pids=()

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

# start TAG [WRAPPER...] -- NAME SPEC...: run named_proc, wait until it is set up
start() {
	local tag=$1 i
	local -a wrap=()
	shift
	while [ "$1" != -- ]; do wrap+=("$1"); shift; done
	shift
	NAMED_PROC_READY=$W/ready/$tag "${wrap[@]}" "$W/named_proc" "$@" &
	pids+=($!)
	for ((i = 0; i < 100; i++)); do
		[ -e "$W/ready/$tag" ] && return 0
		kill -0 "${pids[-1]}" 2>/dev/null || break
		sleep 0.05
	done
	echo "FAIL: named_proc $tag did not start"
	exit 1
}

mask() {
	sed -E -e 's#\(([0-9]+\.[0-9]{2})/#(T/#' -e '/ SYN_RECV /s#\(T/[0-9]+/#(T/R/#' "$1"
}

# check LABEL [WRAPPER...] -- ARG...: pnet vs netstat, stdout masked, stderr and
# exit status exact
check() {
	local label=$1 rc_p rc_n
	local -a wrap=()
	shift
	while [ "$1" != -- ]; do wrap+=("$1"); shift; done
	shift
	for _ in 1 2 3 4 5; do
		"${wrap[@]}" "$NETSTAT" "$@" >"$W/n.out" 2>"$W/n.err"
		rc_n=$?
		"${wrap[@]}" "$PNET" "$@" >"$W/p.out" 2>"$W/p.err"
		rc_p=$?
		mask "$W/n.out" >"$W/n.m"
		mask "$W/p.out" >"$W/p.m"
		if [ "$rc_n" = "$rc_p" ] && cmp -s "$W/n.m" "$W/p.m" && cmp -s "$W/n.err" "$W/p.err"; then
			echo "OK   $label"
			PNET_PASSED=$((PNET_PASSED + 1))
			return 0
		fi
		sleep 0.2
	done
	echo "DIFF $label (exit: netstat $rc_n, pnet $rc_p)"
	diff -u --label "netstat $*" --label "pnet $*" "$W/n.m" "$W/p.m"
	diff -u --label "netstat stderr" --label "pnet stderr" "$W/n.err" "$W/p.err"
	PNET_FAILED=$((PNET_FAILED + 1))
	return 1
}

# expect LABEL CONDITION...: a plain assertion
expect() {
	local label=$1
	shift
	if "$@"; then
		echo "OK   $label"
		PNET_PASSED=$((PNET_PASSED + 1))
	else
		echo "FAIL $label"
		PNET_FAILED=$((PNET_FAILED + 1))
		return 1
	fi
}

# The accept queue of port 7001 (backlog 0) fills with one connection; the
# next SYNs are dropped and stay SYN_SENT, retransmitting. Cookies would
# answer them instead.
sysctl -qw net.ipv4.tcp_syncookies=0

start server -- "/usr/sbin/my server" L:127.0.0.1:7000 H:127.0.0.1:7001 D:127.0.0.1:7002 \
	"L:[::1]:7003" U:127.0.0.1:7004 "U:[::1]:7005"
start long -- a-very-long-program-name-for-truncation U:0.0.0.0:7006 "L:[::]:7007"
start client "${NOBODY[@]}" -- "my client" K:127.0.0.1:7000 F:127.0.0.1:7000 T:127.0.0.1:7000 \
	C:127.0.0.1:7001 N:127.0.0.1:7001 C:127.0.0.1:7002 "C:[::1]:7003" W:127.0.0.1:7004 \
	"W:[::1]:7005" "C:[::1]:7007"
# let the first SYN retransmit and the zero-window probe start
sleep 1.3

# the mix is what this test is about: make sure it is there
"$NETSTAT" -tuanpo >"$W/mix" 2>&1
for want in "LISTEN      [0-9]*/my server" "ESTABLISHED [0-9]*/my client" \
	" keepalive (" " probe (" " timewait (" "SYN_SENT    [0-9]*/my client *on (" \
	" SYN_RECV    - *on (" "[0-9]*/a-very-long" "udp6 .*ESTABLISHED [0-9]*/my client"; do
	expect "netstat shows '$want'" grep -q -- "$want" "$W/mix" || mixbad=1
done
[ -z "${mixbad:-}" ] || cat "$W/mix"

check "-tuanp" -- -tuanp
check "-tuanpe" -- -tuanpe
check "-tuanpee" -- -tuanpee
check "-tuanpW" -- -tuanpW
check "-tuano" -- -tuano
check "-tuanpo" -- -tuanpo
check "-tuanpeo" -- -tuanpeo
check "-tuap" -- -tuap
check "-tuape (user names)" -- -tuape
check "-tuape --numeric-users" -- -tuape --numeric-users
check "-tlnp" -- -tlnp
check "-ulnp" -- -ulnp
check "-tnp (connected only)" -- -tnp
check "--tcp --udp --all --numeric --program --extend --timers" -- \
	--tcp --udp --all --numeric --program --extend --timers
# unprivileged: the client's sockets are readable, the rest show "-", and both
# print the "Not all processes" notice; a user owning no process gets the
# "No info could be read" one
check "-tuanp as 65534" "${NOBODY[@]}" -- -tuanp
check "-tuanpe as 65534" "${NOBODY[@]}" -- -tuanpe
check "-tuanpo as 65534" "${NOBODY[@]}" -- -tuanpo
check "-tuanp as 65533" "${NOONE[@]}" -- -tuanp
"${NOBODY[@]}" "$PNET" -tuanp >"$W/nb.out" 2>"$W/nb.err"
expect "as 65534: client rows named" grep -q "ESTABLISHED [0-9]*/my client" "$W/nb.out"
expect "as 65534: server rows unnamed" grep -q "LISTEN      -  " "$W/nb.out"
expect "as 65534: notice" grep -q "^(Not all processes could be identified" "$W/nb.err"
expect "as 65534: every socket listed" \
	test "$(wc -l <"$W/nb.out")" = "$("$PNET" -tuanp 2>/dev/null | wc -l)"

# --- an escape sequence in a process name ---
ESC=$'\033'
start evil -- "evil${ESC}[31mred${ESC}]0;pwned"$'\a' U:127.0.0.1:7010 L:127.0.0.1:7011
"$NETSTAT" -tuanp >"$W/n.raw" 2>&1
"$PNET" -tuanp >"$W/p.raw" 2>&1
expect "netstat prints the raw escape (the test means something)" grep -q "$ESC" "$W/n.raw"
expect "no control character anywhere in pnet's output" \
	bash -c '! LC_ALL=C grep -q "[[:cntrl:]]" <(tr -d "\n" <"$1")' _ "$W/p.raw"
expect "the row shows the sanitised name" grep -q "LISTEN      [0-9]*/evil?\[31mred" "$W/p.raw"
tr '\001-\011\013-\037\177' '?' <"$W/n.raw" >"$W/n.san"
expect "identical to netstat once its control characters are replaced" cmp "$W/n.san" "$W/p.raw"
for o in -tuanpe -tuanpW -tuanpo; do
	"$PNET" "$o" 2>&1 | tr -d '\n' >"$W/p.any"
	expect "$o: no control character" bash -c '! LC_ALL=C grep -q "[[:cntrl:]]" "$1"' _ "$W/p.any"
done

# --- processes that come and go, fds that open and close, during the scan ---
# They must be skipped silently: status 0, nothing on stderr (as root). Last,
# as the rows they leave behind keep changing.
(
	for ((i = 0; i < 400; i++)); do
		timeout 0.03 "$W/named_proc" vanishing U:127.0.0.1:0 C:127.0.0.1:7000 2>/dev/null
	done
) &
spawner=$!
pids+=("$spawner")
churner=
if [ -x "$PNET_TOOLS/churn" ]; then
	"$PNET_TOOLS/churn" run 4 300 >/dev/null 2>&1 </dev/null &
	churner=$!
	pids+=("$churner")
fi
bad=0
for ((i = 0; i < 15; i++)); do
	"$PNET" -tuanp >"$W/v.out" 2>"$W/v.err" || bad=1
	[ -s "$W/v.err" ] && { bad=1; cat "$W/v.err"; }
	grep -q "LISTEN      [0-9]*/my server" "$W/v.out" || bad=1
done
expect "vanishing processes and churning fds: quiet, status 0" test "$bad" = 0
kill "$spawner" 2>/dev/null
[ -n "$churner" ] && kill "$churner" 2>/dev/null
wait "$spawner" 2>/dev/null

pnet_summary
