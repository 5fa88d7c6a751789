#!/bin/bash
# Port names and classes on a namespace with sockets on known ports:
#  (a) with /etc/services hidden (an empty file bind-mounted over it) pnet -tua
#      prints what netstat -tua prints with the file present;
#  (b) a services file with duplicates and odd lines gives the names glibc's
#      getservent() and netstat give;
#  (c) --classify adds only the Class column, with the IANA class words;
#  (d) --explain output, ephemeral range and exit status on bad operands.
# Sockets are made with perl (perl-base is essential on Debian).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PNET:?PNET must name the pnet binary}"

if [ -z "${PNET_IN_NS:-}" ]; then
	pnet_require_root_ns
	command -v "$NETSTAT" >/dev/null 2>&1 || pnet_skip "netstat (net-tools) is not installed"
	command -v perl >/dev/null 2>&1 || pnet_skip "perl is not installed"
	command -v getent >/dev/null 2>&1 || pnet_skip "getent is not installed"
	pnet_in_ns bash "${BASH_SOURCE[0]}"
	exit $?
fi

# --- inside the namespaces ---
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
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

# socks.pl READYFILE SPEC...: tl:ADDR:PORT listens (TCP), ul:ADDR:PORT binds
# UDP, tc:FROMADDR:FROMPORT:TOADDR:TOPORT connects from a fixed port and
# accepts the connection on the listener of TOPORT. Holds them until killed.
cat >"$tmp/socks.pl" <<'EOF'
use strict;
use IO::Socket::INET;
my ($ready, @specs) = @ARGV;
my (@keep, %listener);
for (@specs) {
	my ($kind, @a) = split /:/;
	my $s;
	if ($kind eq 'tl') {
		$s = IO::Socket::INET->new(LocalAddr => "$a[0]:$a[1]", Listen => 16, ReuseAddr => 1)
			or die "listen $_: $!\n";
		$listener{$a[1]} = $s;
	} elsif ($kind eq 'ul') {
		$s = IO::Socket::INET->new(LocalAddr => "$a[0]:$a[1]", Proto => 'udp')
			or die "udp $_: $!\n";
	} else {
		$s = IO::Socket::INET->new(LocalAddr => "$a[0]:$a[1]", PeerAddr => "$a[2]:$a[3]",
					   ReuseAddr => 1) or die "connect $_: $!\n";
		push @keep, scalar $listener{$a[3]}->accept if $listener{$a[3]};
	}
	push @keep, $s;
}
open(my $f, '>', $ready) or die "$ready: $!\n";
close $f;
sleep 1 while 1;
EOF

# start_socks NAME SPEC...: run socks.pl in the background, wait until ready.
start_socks() {
	local name=$1
	shift
	perl "$tmp/socks.pl" "$tmp/$name.ready" "$@" 2>"$tmp/$name.err" &
	pids+=($!)
	for _ in $(seq 100); do
		[ -e "$tmp/$name.ready" ] && return 0
		kill -0 "${pids[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	cat "$tmp/$name.err"
	fail "sockets '$name' did not get ready"
}

start_socks classic \
	tl:0.0.0.0:21 tl:0.0.0.0:22 tl:0.0.0.0:23 tl:0.0.0.0:25 tl:0.0.0.0:80 tl:0.0.0.0:110 \
	tl:127.0.0.1:443 tl:127.0.0.1:3306 tl:127.0.0.1:65535 \
	ul:0.0.0.0:53 ul:0.0.0.0:67 ul:127.0.0.1:68 ul:0.0.0.0:69 ul:0.0.0.0:161 \
	tc:127.0.0.1:1024:127.0.0.1:3306 tc:127.0.0.1:49160:127.0.0.1:65535 \
	tc:127.0.0.1:50000:127.0.0.1:22 tc:127.0.0.1:20:127.0.0.1:21

# --- (a) /etc/services hidden: built-in names, same text as netstat with the file
"$NETSTAT" -tua >"$tmp/netstat.tua" 2>&1 || fail "netstat -tua failed"
for want in 0.0.0.0:ftp 0.0.0.0:ssh 0.0.0.0:telnet 0.0.0.0:smtp 0.0.0.0:http 0.0.0.0:pop3 \
	localhost:https localhost:mysql localhost:ftp-data 0.0.0.0:domain 0.0.0.0:bootps \
	localhost:bootpc 0.0.0.0:tftp 0.0.0.0:snmp; do
	grep -q " $want " "$tmp/netstat.tua" || fail "netstat -tua does not show $want: is /etc/services netbase's?"
done
: >"$tmp/empty"
chmod 644 "$tmp/empty"
mount --bind "$tmp/empty" /etc/services || fail "cannot bind-mount over /etc/services"
"$NETSTAT" -tua >"$tmp/netstat.hidden" 2>&1
if grep -q ':ssh ' "$tmp/netstat.hidden" || ! grep -q '0\.0\.0\.0:22 ' "$tmp/netstat.hidden"; then
	fail "hiding /etc/services did not work (netstat still shows names)"
fi
"$PNET" -tua >"$tmp/pnet.hidden" 2>"$tmp/pnet.err"
if cmp -s "$tmp/netstat.tua" "$tmp/pnet.hidden" && [ ! -s "$tmp/pnet.err" ]; then
	ok "services hidden: pnet -tua = netstat -tua with the file"
else
	bad "services hidden: pnet -tua != netstat -tua with the file"
	diff -u "$tmp/netstat.tua" "$tmp/pnet.hidden"
	cat "$tmp/pnet.err"
fi
"$PNET" --explain 20/tcp 21/tcp 22/tcp 23/tcp 25/tcp 53 67/udp 68/udp 69/udp 80/tcp \
	110/tcp 161/udp 443/tcp >"$tmp/explain.hidden"
awk 'NR > 1 { print $1 "/" $2, $3 }' "$tmp/explain.hidden" >"$tmp/explain.names"
cat >"$tmp/explain.want" <<'EOF'
20/tcp ftp-data
21/tcp ftp
22/tcp ssh
23/tcp telnet
25/tcp smtp
53/tcp domain
53/udp domain
67/udp bootps
68/udp bootpc
69/udp tftp
80/tcp http
110/tcp pop3
161/udp snmp
443/tcp https
EOF
if cmp -s "$tmp/explain.want" "$tmp/explain.names"; then
	ok "services hidden: --explain shows the classic names"
else
	bad "services hidden: --explain names"
	diff -u "$tmp/explain.want" "$tmp/explain.names"
fi
umount /etc/services || fail "cannot unmount the empty services file"

# --- (b) a crafted services file: names as getservent() (glibc) and netstat see them
cat >"$tmp/services" <<'EOF'
# comment
dupa	2000/tcp
dupb	2000/tcp		# the later entry wins in netstat
first 2001/udp alias-one alias-two
second 2001/udp
   lead 2003/tcp#comment
crlf 2004/tcp
big 67538/tcp
hex 0x7db/tcp
neg -1/tcp
TCPU 2005/TCP
sctp 2005/sctp
slash 2006//tcp
nam#e 2007/tcp
bad 2008
EOF
printf 'crlf2 2009/tcp\r\n' >>"$tmp/services"
chmod 644 "$tmp/services"
mount --bind "$tmp/services" /etc/services || fail "cannot bind-mount over /etc/services"
start_socks crafted tl:127.0.0.1:2000 ul:127.0.0.1:2001 tl:127.0.0.1:2002 tl:127.0.0.1:2003 \
	tl:127.0.0.1:2004 tl:127.0.0.1:2005 tl:127.0.0.1:2006 tl:127.0.0.1:2007 tl:127.0.0.1:2009 \
	tl:127.0.0.1:2011
pnet_compare "crafted services file: -tua" -- -tua
pnet_compare "crafted services file: -tuaW" -- -tuaW
# Expected names from glibc: the last getservent() entry per tcp/udp port.
getent services | awk '$2 ~ /^[0-9]+\/(tcp|udp)$/ { last[$2] = $1 }
	END { for (k in last) print k, last[k] }' | sort >"$tmp/getent.want"
ports=()
for p in 0 22 65535 $(seq 2000 2012); do ports+=("$p"); done
"$PNET" --explain "${ports[@]}" | awk 'NR > 1 && $3 != "-" { print $1 "/" $2, $3 }' |
	sort >"$tmp/getent.got"
if [ -s "$tmp/getent.want" ] && cmp -s "$tmp/getent.want" "$tmp/getent.got"; then
	ok "crafted services file: --explain names = getservent() ($(wc -l <"$tmp/getent.want") entries)"
else
	bad "crafted services file: --explain names differ from getservent()"
	diff -u "$tmp/getent.want" "$tmp/getent.got"
fi
umount /etc/services || fail "cannot unmount the crafted services file"

# --- (c) --classify: one more column, every other column as netstat prints it
classify_check() {
	local opts=$1
	# shellcheck disable=SC2086
	"$PNET" $opts --classify >"$tmp/c.out" 2>&1
	# shellcheck disable=SC2086
	"$NETSTAT" $opts >"$tmp/n.out" 2>&1
	# drop the last field (and its separating blank) from every line but the title
	sed '2,$s/ [^ ]*$//' "$tmp/c.out" >"$tmp/c.stripped"
	if cmp -s "$tmp/n.out" "$tmp/c.stripped" &&
		[ "$(sed -n '2s/.* //p' "$tmp/c.out")" = Class ]; then
		ok "$opts --classify = netstat $opts plus Class"
	else
		bad "$opts --classify minus Class != netstat $opts"
		diff -u "$tmp/n.out" "$tmp/c.stripped"
	fi
}
classify_check -tan
classify_check -tuan
classify_check -tua
classify_check -tuaeW
"$PNET" -tuan --classify >"$tmp/classify" 2>&1
# expect LOCAL FOREIGN PROTO CLASS (from the IANA ranges)
while read -r l r proto want; do
	got=$(awk -v l="$l" -v r="$r" -v p="$proto" '$1 == p && $4 == l && $5 == r { print $NF }' \
		"$tmp/classify")
	if [ "$got" = "$want" ]; then
		ok "class of $proto $l -> $r: $want"
	else
		bad "class of $proto $l -> $r: expected '$want', got '$got'"
	fi
done <<'EOF'
0.0.0.0:22 0.0.0.0:* tcp well-known/*
127.0.0.1:65535 0.0.0.0:* tcp dynamic/*
127.0.0.1:3306 0.0.0.0:* tcp registered/*
127.0.0.1:1024 127.0.0.1:3306 tcp registered/registered
127.0.0.1:3306 127.0.0.1:1024 tcp registered/registered
127.0.0.1:49160 127.0.0.1:65535 tcp dynamic/dynamic
127.0.0.1:65535 127.0.0.1:49160 tcp dynamic/dynamic
127.0.0.1:50000 127.0.0.1:22 tcp dynamic/well-known
127.0.0.1:20 127.0.0.1:21 tcp well-known/well-known
0.0.0.0:53 0.0.0.0:* udp well-known/*
127.0.0.1:68 0.0.0.0:* udp well-known/*
EOF

# --- (d) --explain
# The ephemeral range is per network namespace: set a known one.
echo "40000 40100" >/proc/sys/net/ipv4/ip_local_port_range || fail "cannot set ip_local_port_range"
"$PNET" --explain 22 1812 50000/udp 0 1023/tcp 1024/tcp 49151/tcp 49152/tcp 65535/tcp \
	40000/tcp 40100/UDP 39999/tcp 40101/tcp >"$tmp/explain.out" 2>"$tmp/explain.err"
rc=$?
tr -s ' ' <"$tmp/explain.out" >"$tmp/explain.got"
cat >"$tmp/explain.want" <<'EOF'
PORT PROTO SERVICE CLASS RANGE EPHEMERAL
22 tcp ssh well-known 0-1023 no
22 udp - well-known 0-1023 no
1812 tcp radius registered 1024-49151 no
1812 udp radius registered 1024-49151 no
50000 udp - dynamic 49152-65535 no
0 tcp - well-known 0-1023 no
0 udp - well-known 0-1023 no
1023 tcp - well-known 0-1023 no
1024 tcp - registered 1024-49151 no
49151 tcp - registered 1024-49151 no
49152 tcp - dynamic 49152-65535 no
65535 tcp - dynamic 49152-65535 no
40000 tcp - registered 1024-49151 yes
40100 udp - registered 1024-49151 yes
39999 tcp - registered 1024-49151 no
40101 tcp - registered 1024-49151 no
EOF
if [ $rc = 0 ] && [ ! -s "$tmp/explain.err" ] && cmp -s "$tmp/explain.want" "$tmp/explain.got"; then
	ok "--explain rows"
else
	bad "--explain rows (exit $rc)"
	diff -u "$tmp/explain.want" "$tmp/explain.got"
	cat "$tmp/explain.err"
fi
# every row has the header's number of fields, so awk can split it
if awk 'NF != 6 { exit 1 }' "$tmp/explain.out"; then
	ok "--explain: 6 fields on every line"
else
	bad "--explain: a line without 6 fields"
fi
echo "32768 60999" >/proc/sys/net/ipv4/ip_local_port_range
"$PNET" --explain 50000/tcp 32768/tcp 61000/tcp | awk 'NR > 1 { printf "%s ", $6 }' >"$tmp/eph"
if [ "$(cat "$tmp/eph")" = "yes yes no " ]; then
	ok "--explain: ephemeral range follows ip_local_port_range"
else
	bad "--explain: ephemeral column '$(cat "$tmp/eph")' for range 32768-60999"
fi
# an unreadable range file: '?' and a message, still exit 0
mount --bind "$tmp/empty" /proc/sys/net/ipv4/ip_local_port_range || fail "cannot hide ip_local_port_range"
"$PNET" --explain 22/tcp >"$tmp/q.out" 2>"$tmp/q.err"
rc=$?
if [ $rc = 0 ] && [ "$(awk 'NR == 2 { print $6 }' "$tmp/q.out")" = "?" ] &&
	grep -q ip_local_port_range "$tmp/q.err"; then
	ok "--explain: unreadable range file gives '?' and a message"
else
	bad "--explain: unreadable range file (exit $rc)"
	cat "$tmp/q.out" "$tmp/q.err"
fi
umount /proc/sys/net/ipv4/ip_local_port_range
# bad operands: exit 2, a message naming the value, nothing on stdout
for arg in 65536 -1 abc 80/xyz '' ' 22' 22/ +22 0x16 99999999999; do
	"$PNET" --explain 22 "$arg" 80 >"$tmp/b.out" 2>"$tmp/b.err"
	rc=$?
	if [ $rc = 2 ] && [ ! -s "$tmp/b.out" ] && grep -qF "invalid port '$arg'" "$tmp/b.err"; then
		ok "--explain '$arg': exit 2"
	else
		bad "--explain '$arg': exit $rc, stdout $(wc -c <"$tmp/b.out") bytes, stderr: $(cat "$tmp/b.err")"
	fi
done
"$PNET" --explain >"$tmp/b.out" 2>"$tmp/b.err"
rc=$?
if [ $rc = 2 ] && [ ! -s "$tmp/b.out" ] && [ -s "$tmp/b.err" ]; then
	ok "--explain without a port: exit 2"
else
	bad "--explain without a port: exit $rc"
fi

pnet_summary
