#!/bin/bash
# Filters (--port, --sport, --dport, --state, --addr, --user, --pid) on the
# fixed socket mix of tests/tools/sockmix.c: the rows pnet prints must be the
# rows netstat prints for the same question, picked out of `netstat -tuanWe`
# with awk (or netstat -l for --state listen); the same again with the kernel
# bytecode off (PNET_NO_BYTECODE=1, user-space filtering only); exit status 1
# when nothing matched, 2 with a message naming a bad value.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PNET:?PNET must name the pnet binary}"
: "${PNET_TOOLS:?PNET_TOOLS must name the directory holding sockmix}"

LONG6=2001:db8:1234:5678:9abc:def0:1234:5678

if [ -z "${PNET_IN_NS:-}" ]; then
	pnet_require_root_ns
	command -v "$NETSTAT" >/dev/null 2>&1 || pnet_skip "netstat (net-tools) is not installed"
	if [ ! -x "$PNET_TOOLS/sockmix" ]; then
		echo "FAIL: $PNET_TOOLS/sockmix is missing"
		exit 1
	fi
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

fail() {
	echo "FAIL: $*"
	exit 1
}
ok() {
	echo "OK   $1"
	PNET_PASSED=$((PNET_PASSED + 1))
}
bad() {
	echo "DIFF $1"
	PNET_FAILED=$((PNET_FAILED + 1))
}

ip addr add "$LONG6/128" dev lo nodad || fail "cannot add $LONG6 to lo"
pnet_sockmix_start "$tmp"
smpid=$SOCKMIX_PID

"$NETSTAT" -tuanWe | tail -n +3 >"$tmp/all" || fail "netstat -tuanWe failed"
[ "$(wc -l <"$tmp/all")" -ge 30 ] || fail "the mix has too few rows"

# awk over netstat -tuanWe rows. Fields: proto, local/remote address (la, ra)
# and port (lp, rp; "*" is 0), state st ("" for unconnected UDP), user uid.
AWK_LIB='
function port(a) { a = substr(a, match(a, /:[^:]*$/) + 1); return a == "*" ? 0 : a + 0 }
function host(a) { return substr(a, 1, match(a, /:[^:]*$/) - 1) }
{ proto = $1; la = host($4); ra = host($5); lp = port($4); rp = port($5)
  st = NF == 8 ? $6 : ""; user = $(NF - 1) }'

# check LABEL AWK-CONDITION PNET-FILTER-ARGS...
# pnet -tuanWe ARGS rows == netstat -tuanWe rows where the condition holds,
# with and without the kernel program; status 0, or 1 when none.
check() {
	local label=$1 cond=$2 rc rc2 want_rc=0
	shift 2
	awk "$AWK_LIB $cond { print }" "$tmp/all" | sort >"$tmp/want"
	[ -s "$tmp/want" ] || want_rc=1
	"$PNET" -tuanWe "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	PNET_NO_BYTECODE=1 "$PNET" -tuanWe "$@" >"$tmp/out2" 2>>"$tmp/err"
	rc2=$?
	tail -n +3 "$tmp/out" | sort >"$tmp/got"
	tail -n +3 "$tmp/out2" | sort >"$tmp/got2"
	if ! cmp -s "$tmp/want" "$tmp/got"; then
		bad "$label: rows differ from netstat ($*)"
		diff -u "$tmp/want" "$tmp/got" | head -20
	elif ! cmp -s "$tmp/got" "$tmp/got2"; then
		bad "$label: kernel bytecode and user-space filtering differ"
		diff -u "$tmp/got2" "$tmp/got" | head -20
	elif [ "$rc" != "$want_rc" ] || [ "$rc2" != "$want_rc" ] || [ -s "$tmp/err" ]; then
		bad "$label: exit status $rc/$rc2 (want $want_rc) or stderr: $(head -3 "$tmp/err")"
	elif [ "$want_rc" = 0 ] && ! head -1 "$tmp/out" | grep -q "(servers and established)"; then
		bad "$label: a filter without -l must list every state (-a)"
	else
		ok "$label ($(wc -l <"$tmp/want") rows)"
	fi
}

# --state listen answers what netstat -l answers (TCP listeners, unconnected UDP)
"$NETSTAT" -tulnWe | tail -n +3 | sort >"$tmp/want"
"$PNET" -tunWe --state listen | tail -n +3 | sort >"$tmp/got"
PNET_NO_BYTECODE=1 "$PNET" -tunWe --state LISTEN | tail -n +3 | sort >"$tmp/got2"
if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got" && cmp -s "$tmp/got" "$tmp/got2"; then
	ok "--state listen = netstat -l ($(wc -l <"$tmp/want") rows)"
else
	bad "--state listen != netstat -l"
	diff -u "$tmp/want" "$tmp/got" | head -20
fi

check "state listen (awk)" '(proto ~ /^tcp/ && st == "LISTEN") || (proto ~ /^udp/ && st == "")' --state listen
check "state established" 'st == "ESTABLISHED"' --state established
check "state listen,established" 'st == "ESTABLISHED" || st == "LISTEN" || (proto ~ /^udp/ && st == "")' \
	--state Listen,ESTABLISHED
check "state time_wait" 'st == "TIME_WAIT"' --state time_wait
check "state fin_wait2,close_wait" 'st == "FIN_WAIT2" || st == "CLOSE_WAIT"' --state fin_wait2,close_wait
check "state syn_sent (none)" 'st == "SYN_SENT"' --state syn_sent
check "sport 22" 'lp == 22' --sport 22
check "dport 22" 'rp == 22' --dport 22
check "port 22" 'lp == 22 || rp == 22' --port 22
check "port 8080" 'lp == 8080 || rp == 8080' --port 8080
check "port 1-1023" '(lp >= 1 && lp <= 1023) || (rp >= 1 && rp <= 1023)' --port 1-1023
check "sport 1024-65535" 'lp >= 1024' --sport 1024-65535
check "dport 0 (wildcard remote)" 'rp == 0' --dport 0
check "dport 0-65535 (every row)" '1' --dport 0-65535
check "port 4 (none)" 'lp == 4 || rp == 4' --port 4
check "port 5000-6000 + established" '((lp >= 5000 && lp <= 6000) || (rp >= 5000 && rp <= 6000)) && st == "ESTABLISHED"' \
	--port 5000-6000 --state established
check "sport 80-9000 + dport 1-65535" 'lp >= 80 && lp <= 9000 && rp >= 1' --sport 80-9000 --dport 1-65535
check "addr 127.0.0.1" 'la == "127.0.0.1" || ra == "127.0.0.1"' --addr 127.0.0.1
check "addr 127.0.0.0/8" 'la ~ /^127\./ || ra ~ /^127\./' --addr 127.0.0.0/8
check "addr 127.0.0.4/30" 'la ~ /^127\.0\.0\.[4-7]$/ || ra ~ /^127\.0\.0\.[4-7]$/' --addr 127.0.0.4/30
check "addr ::ffff:127.0.0.5" 'la == "127.0.0.5" || ra == "127.0.0.5"' --addr ::ffff:127.0.0.5
check "addr ::1" 'la == "::1" || ra == "::1"' --addr ::1
check "addr [::1]/128" 'la == "::1" || ra == "::1"' --addr '[::1]/128'
check "addr $LONG6/64" 'la ~ /^2001:db8:1234:5678:/ || ra ~ /^2001:db8:1234:5678:/' --addr "$LONG6/64"
check "addr 2001:db8::/32 + sport 443" '(la ~ /^2001:db8:/ || ra ~ /^2001:db8:/) && lp == 443' \
	--addr 2001:db8::/32 --sport 443
check "addr ::/0 (IPv6 sockets)" 'proto ~ /6$/' --addr ::/0
check "addr 0.0.0.0/0 (IPv4 and v4-mapped)" 'la ~ /^[0-9.]+$/ || ra ~ /^[0-9.]+$/' --addr 0.0.0.0/0
check "addr 0.0.0.0" 'la == "0.0.0.0" || ra == "0.0.0.0"' --addr 0.0.0.0
check "addr 10.0.0.0/8 (none)" 'la ~ /^10\./ || ra ~ /^10\./' --addr 10.0.0.0/8
check "addr 127.0.0.5 + dport 22" '(la == "127.0.0.5" || ra == "127.0.0.5") && rp == 22' \
	--addr 127.0.0.5 --dport 22
check "user 65534" 'user == 65534' --user 65534
check "user root" 'user == 0' --user root
check "user 0 + state listen + port 1-1024" \
	'user == 0 && ((proto ~ /^tcp/ && st == "LISTEN") || (proto ~ /^udp/ && st == "")) && ((lp >= 1 && lp <= 1024) || (rp >= 1 && rp <= 1024))' \
	--user 0 --state listen --port 1-1024
check "-4 + addr ::1 (none)" '0' -4 --addr ::1
check "-6 + addr 127.0.0.1 (v4-mapped only)" 'proto ~ /6$/ && (la == "127.0.0.1" || ra == "127.0.0.1")' \
	-6 --addr 127.0.0.1
check "-t + port 53" 'proto ~ /^tcp/ && (lp == 53 || rp == 53)' -t --port 53

# -l with a filter: netstat -l rows, then the filter
"$NETSTAT" -tulnWe | tail -n +3 | awk "$AWK_LIB lp == 22 || lp == 80 { print }" | sort >"$tmp/want"
"$PNET" -tulnWe --sport 22 | tail -n +3 | sort >"$tmp/a"
"$PNET" -tulnWe --port 80 | tail -n +3 | sort >"$tmp/b"
sort "$tmp/a" "$tmp/b" >"$tmp/got"
if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got" &&
	"$PNET" -tlnW --sport 22 | head -1 | grep -q "(only servers)"; then
	ok "-l with filters keeps netstat -l's rows"
else
	bad "-l with filters"
	diff -u "$tmp/want" "$tmp/got" | head
fi

# --pid: rows whose inode is one of the sockets in /proc/PID/fd of sockmix's
# main process (netstat -p would say the same, but it scans every process)
for fd in /proc/"$smpid"/fd/*; do
	readlink "$fd"
done | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' >"$tmp/inodes"
awk 'NR == FNR { ino[$1] = 1; next } ($NF in ino)' "$tmp/inodes" "$tmp/all" | sort >"$tmp/want"
"$PNET" -tuanWe --pid "$smpid" 2>/dev/null | tail -n +3 | sort >"$tmp/got"
"$PNET" -tuanW --pid "$smpid" >/dev/null 2>&1
rc=$?
if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got" && [ "$rc" = 0 ]; then
	ok "--pid $smpid = rows of its socket inodes ($(wc -l <"$tmp/want") rows)"
else
	bad "--pid $smpid (status: $rc)"
	diff -u "$tmp/want" "$tmp/got" | head
fi
"$PNET" -tuan --pid 1 >/dev/null 2>&1
rc=$?
[ "$rc" = 1 ] && ok "--pid of a process without sockets: status 1" || bad "--pid 1: status $rc"

# bad values: status 2, one message naming the option and the value
badval() {
	local opt=$1 val=$2 rc
	"$PNET" -tuan "$opt" "$val" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && grep -qF -- "$opt" "$tmp/err" &&
		grep -qF -- "'$val'" "$tmp/err"; then
		ok "bad value $opt $val"
	else
		bad "bad value $opt $val: status $rc, stderr: $(cat "$tmp/err")"
	fi
}
badval --port 70000
badval --port 90-80
badval --sport 1-2-3
badval --dport http
badval --state bogus
badval --state listen,
badval --addr 1.2.3
badval --addr ::1/129
badval --addr 127.0.0.1/33
badval --pid 0
badval --user no-such-user-pnet
"$PNET" -tuan --port >/dev/null 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -q -- "--port" "$tmp/err" && ok "--port without a value: status 2" ||
	bad "--port without a value: status $rc"

pnet_summary
