#!/bin/bash
# Host names (issue 5), inside a network + mount namespace whose
# /etc/resolv.conf says "nameserver 127.0.0.53" and whose /etc/hosts knows
# only localhost. No packet leaves the namespace.
#  1. Black hole: a UDP socket on 127.0.0.53:53 that never reads, 70 TCP
#     connections from distinct addresses. pnet -ta must finish within its
#     budget plus a margin, list every row, name 127.0.0.1 from /etc/hosts and
#     print every other address exactly as netstat --numeric-hosts does.
#     netstat's time for a single unanswered address is printed for reference.
#  2. dnsmasq on 127.0.0.53 answering PTR queries (IPv4, IPv6, v4-mapped, long
#     names): pnet -tua, -tuaW, -tuae equal netstat byte for byte, and
#     --resolve-timeout 0 equals netstat --numeric-hosts.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PNET:?PNET must name the pnet binary}"
: "${PNET_TOOLS:?PNET_TOOLS must name the directory holding resolve_peers}"
DNSMASQ=${DNSMASQ:-/usr/sbin/dnsmasq}

if [ -z "${PNET_IN_NS:-}" ]; then
	pnet_require_root_ns
	command -v "$NETSTAT" >/dev/null 2>&1 || pnet_skip "netstat (net-tools) is not installed"
	if [ ! -x "$PNET_TOOLS/resolve_peers" ]; then
		echo "FAIL: $PNET_TOOLS/resolve_peers is missing"
		exit 1
	fi
	hosts=$(mktemp) || exit 1
	printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' >"$hosts"
	chmod 644 "$hosts"
	pnet_in_ns --hosts "$hosts" bash "${BASH_SOURCE[0]}"
	rc=$?
	rm -f "$hosts"
	exit $rc
fi

# --- inside the namespaces ---
tmp=$(mktemp -d) || exit 1
peers_pid=""
dnsmasq_pid=""
cleanup() {
	[ -n "$peers_pid" ] && kill "$peers_pid" 2>/dev/null
	[ -n "$dnsmasq_pid" ] && kill "$dnsmasq_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*"
	PNET_FAILED=$((PNET_FAILED + 1))
}

# start_peers SPEC...: resolve_peers in the background, holding its sockets
# until its stdin (a fifo we keep open on fd 7) closes.
start_peers() {
	rm -f "$tmp/fifo" "$tmp/ready"
	mkfifo "$tmp/fifo"
	"$PNET_TOOLS/resolve_peers" "$@" <"$tmp/fifo" >"$tmp/ready" &
	peers_pid=$!
	exec 7>"$tmp/fifo"
	for _ in $(seq 100); do
		grep -q ready "$tmp/ready" 2>/dev/null && return 0
		kill -0 "$peers_pid" 2>/dev/null || break
		sleep 0.05
	done
	echo "FAIL: resolve_peers did not start"
	exit 1
}

stop_peers() {
	exec 7>&-
	wait "$peers_pid" 2>/dev/null
	peers_pid=""
}

ms=0
now_ms() { echo $(($(date +%s%N) / 1000000)); }

# run_timed MS_VAR OUT ARG...: run pnet, store its output and wall time.
run_timed() {
	local var=$1 out=$2 t0 t1
	shift 2
	t0=$(now_ms)
	"$PNET" "$@" >"$out" 2>"$out.err"
	t1=$(now_ms)
	printf -v "$var" '%s' $((t1 - t0))
}

# --- 0. the option: bad values exit 2 with a message naming option and value ---
for v in -1 abc inf nan 1e3 "" 0x1 3601 . 1..2 " 1" 99999999999999999999; do
	"$PNET" -t --resolve-timeout "$v" >/dev/null 2>"$tmp/err"
	rc=$?
	if [ $rc = 2 ] && grep -q -- "--resolve-timeout: '$v'" "$tmp/err"; then
		PNET_PASSED=$((PNET_PASSED + 1))
	else
		fail "--resolve-timeout '$v': exit $rc, message: $(cat "$tmp/err")"
	fi
done
for v in 0 0.25 .5 2. 3600; do
	"$PNET" -t --resolve-timeout "$v" >/dev/null 2>"$tmp/err" ||
		fail "--resolve-timeout '$v' refused: $(cat "$tmp/err")"
done
echo "OK   --resolve-timeout values checked"

# --- 1. black hole ---
# For the record first (no other unanswered address exists yet): netstat
# resolves one address at a time with no limit; one unanswered address, seen
# at both ends of one connection, is enough to show it.
start_peers hole 127.0.0.53 53 tcp 127.0.0.1 4713 127.0.0.1 127.0.0.9
t0=$(now_ms)
timeout 20 "$NETSTAT" -ta >/dev/null 2>&1
rc=$?
t1=$(now_ms)
echo "black hole: netstat -ta with ONE unanswered address took $((t1 - t0)) ms (exit $rc)"
run_timed ms "$tmp/got" -ta
echo "black hole: pnet -ta on the same sockets took ${ms} ms"
stop_peers

srcs=()
for i in $(seq 10 79); do srcs+=("127.0.0.$i"); done
start_peers hole 127.0.0.53 53 tcp 127.0.0.1 4712 127.0.0.1 "${srcs[@]}"

# What netstat shows there, numerically, with 127.0.0.1 named by /etc/hosts
# ("localhost" and "127.0.0.1" have the same width, so columns stay put).
"$NETSTAT" -ta --numeric-hosts | sed 's/127\.0\.0\.1:/localhost:/g' >"$tmp/want"
nrows=$(grep -c ESTABLISHED "$tmp/want")
[ "$nrows" -ge 140 ] || fail "expected 140 ESTABLISHED rows from netstat, got $nrows"

for budget in default 0.5; do
	if [ $budget = default ]; then
		run_timed ms "$tmp/got" -ta
		limit=3000
		floor=1950
	else
		run_timed ms "$tmp/got" -ta --resolve-timeout 0.5
		limit=1500
		floor=450
	fi
	echo "black hole: pnet -ta (budget $budget) took ${ms} ms for $nrows ESTABLISHED rows"
	if [ "$ms" -ge $limit ]; then
		fail "pnet -ta (budget $budget) took ${ms} ms, limit ${limit} ms"
	fi
	# the addresses really were looked up: nothing answered before the budget
	if [ "$ms" -lt $floor ]; then
		fail "pnet -ta (budget $budget) returned after ${ms} ms, before its budget"
	fi
	if cmp -s "$tmp/want" "$tmp/got" && [ ! -s "$tmp/got.err" ]; then
		echo "OK   black hole, budget $budget: every row, localhost named, the rest numeric"
		PNET_PASSED=$((PNET_PASSED + 1))
	else
		fail "black hole, budget $budget: output differs from the expectation"
		diff -u "$tmp/want" "$tmp/got"
		cat "$tmp/got.err"
	fi
done

# -c: lookups stuck since the first listing still hold UDP sockets to
# 127.0.0.53:53 during later dumps; they are pnet's own and must not be listed.
"$PNET" -tua -c --resolve-timeout 0.3 >"$tmp/cont" 2>&1 &
cpid=$!
sleep 1.6
ours=$(ss -Hun state established dport = :53 | wc -l)
sleep 1.2
kill -INT $cpid
wait $cpid
cycles=$(grep -c "^Active Internet" "$tmp/cont")
leaked=$(grep -c "127\.0\.0\.53:domain *ESTABLISHED" "$tmp/cont")
echo "-c under the black hole: $cycles listings, $ours resolver sockets open, $leaked listed"
if [ "$cycles" -ge 2 ] && [ "$ours" -gt 0 ] && [ "$leaked" = 0 ]; then
	echo "OK   -c: pnet's own DNS sockets are not listed"
	PNET_PASSED=$((PNET_PASSED + 1))
else
	fail "-c: $cycles listings, $ours resolver sockets, $leaked listed"
	grep "domain" "$tmp/cont"
fi
stop_peers

# --- 2. a DNS server that answers PTR queries ---
if [ ! -x "$DNSMASQ" ]; then
	pnet_summary || exit 1
	pnet_skip "dnsmasq is not installed (Debian package dnsmasq-base): PTR tests not run"
fi

# ptr6 ADDR: the ip6.arpa name of a fully written IPv6 address
ptr6() {
	local hex rev="" i
	hex=$(printf '%s' "$1" | tr -d :)
	for ((i = ${#hex} - 1; i >= 0; i--)); do rev+="${hex:i:1}."; done
	printf '%sip6.arpa' "$rev"
}

A6=fd00:0000:0000:0000:0000:0000:0000:0010
B6=fd00:0000:0000:0000:0000:0000:0000:0011
C6=fd00:0000:0000:0000:0000:0000:0000:0012
l63=$(printf 'l%.0s' $(seq 62))
LONG90="$l63.ninety.example.org"                 # 83 characters
LONG140="$l63.$l63.example"                      # 135 characters
ip -6 addr add fd00::10/128 dev lo nodad
ip -6 addr add fd00::11/128 dev lo nodad
ip -6 addr add fd00::12/128 dev lo nodad

"$DNSMASQ" --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts \
	--bogus-priv --port=53 --listen-address=127.0.0.53 --bind-interfaces \
	--user=root --group=root --pid-file="$tmp/dnsmasq.pid" \
	--log-facility="$tmp/dnsmasq.log" \
	--ptr-record=10.0.0.127.in-addr.arpa,alpha.example \
	--ptr-record=11.0.0.127.in-addr.arpa,a-rather-long-host-name.example.org \
	--ptr-record=12.0.0.127.in-addr.arpa,mapped.example \
	--ptr-record=13.0.0.127.in-addr.arpa,"$LONG90" \
	--ptr-record=14.0.0.127.in-addr.arpa,"$LONG140" \
	--ptr-record="$(ptr6 $A6)",six.example \
	--ptr-record="$(ptr6 $B6)",a-long-ipv6-host-name.example.net \
	--ptr-record="$(ptr6 $C6)","$LONG140" &
dnsmasq_pid=$!
for _ in $(seq 100); do
	[ "$(getent hosts 127.0.0.10 | awk '{print $2}')" = alpha.example ] && break
	sleep 0.05
done
[ "$(getent hosts 127.0.0.10 | awk '{print $2}')" = alpha.example ] ||
	{ echo "FAIL: dnsmasq does not answer"; cat "$tmp/dnsmasq.log"; exit 1; }

start_peers \
	tcp 127.0.0.1 5001 127.0.0.1 127.0.0.10 127.0.0.11 127.0.0.13 127.0.0.14 127.0.0.20 \
	tcp :: 5002 127.0.0.1 127.0.0.12 127.0.0.11 \
	tcp fd00::10 5003 fd00::10 fd00::11 fd00::12 ::1 \
	udp 127.0.0.1 5004 127.0.0.10 127.0.0.13 127.0.0.14 \
	udp fd00::10 5005 fd00::11 fd00::12

for opts in "-tua" "-tuaW" "-tuae" "-tu" "-tul" "-tuaW --numeric-ports"; do
	# shellcheck disable=SC2086  # word splitting wanted
	pnet_compare "dnsmasq: $opts" -- $opts
done
pnet_compare "dnsmasq: -tua --resolve-timeout 0 vs --numeric-hosts" \
	-- -tua --numeric-hosts
"$PNET" -tua --resolve-timeout 0 >"$tmp/p0"
"$NETSTAT" -tua --numeric-hosts >"$tmp/n0"
if cmp -s "$tmp/n0" "$tmp/p0"; then
	echo "OK   dnsmasq: pnet -tua --resolve-timeout 0 == netstat -tua --numeric-hosts"
	PNET_PASSED=$((PNET_PASSED + 1))
else
	fail "pnet -tua --resolve-timeout 0 differs from netstat -tua --numeric-hosts"
	diff -u "$tmp/n0" "$tmp/p0"
fi
# the names really came from DNS
grep -q 'alpha\.example' "$tmp/n0" && fail "numeric output holds a name"
"$PNET" -tua >"$tmp/p1"
for n in alpha.example six.example mapped.example; do
	grep -q "$n" "$tmp/p1" || fail "pnet -tua does not show $n"
done
stop_peers

pnet_summary
