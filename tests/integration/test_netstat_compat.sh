#!/bin/bash
# pnet OPTS must print exactly what net-tools netstat OPTS prints (stdout and
# exit status; stderr too where netstat prints none), on a namespace holding
# the fixed socket mix of tests/tools/sockmix.c, as root and as uid 65534.
# /etc/hosts is replaced inside the mount namespace so that host names come
# from it (one long enough to be truncated); DNS goes to 127.0.0.53, where
# nothing listens.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PNET:?PNET must name the pnet binary}"
: "${PNET_TOOLS:?PNET_TOOLS must name the directory holding sockmix}"

LONG6=2001:db8:1234:5678:9abc:def0:1234:5678
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# Option sets compared as root. Always -t and/or -u: without them netstat also
# lists UNIX sockets, which pnet does not.
COMBOS=(
	"-t" "-u" "-tu" "-ta" "-ua" "-tua" "-tl" "-ul" "-tul" "-tual"
	"-tuan" "-tuln" "-tuanW" "-tuaW" "-tuW" "-tlW" "-tuae" "-tuaen" "-tuaee"
	"-tuleW" "-tuaeW --numeric-ports"
	"-tuae --numeric-users" "-tua --numeric-hosts" "-tua --numeric-ports"
	"-tua --numeric-hosts --numeric-ports" "-tuaW --numeric-hosts"
	"-tuan4" "-tuan6" "-t4a" "-u6a" "-tul4e" "-tua6W"
	"-t -u -a -n" "-a -t -e -W"
	"--tcp --udp --all --wide --extend"
	"--tcp --listening --numeric"
	"--udp --all --inet"
	"--tcp --all --inet6 --numeric-hosts"
	"--tcp --udp --listening --extend --numeric-users"
)
# Option sets compared as uid 65534 (both tools unprivileged).
NOBODY_COMBOS=("-tuan" "-tua" "-tuane")

if [ -z "${PNET_IN_NS:-}" ]; then
	pnet_require_root_ns
	command -v "$NETSTAT" >/dev/null 2>&1 || pnet_skip "netstat (net-tools) is not installed"
	command -v setpriv >/dev/null 2>&1 || pnet_skip "setpriv is not installed"
	if [ ! -x "$PNET_TOOLS/sockmix" ]; then
		echo "FAIL: $PNET_TOOLS/sockmix is missing"
		exit 1
	fi
	hosts=$(mktemp) || exit 1
	cat >"$hosts" <<-EOF
		127.0.0.1 localhost
		127.0.0.5 pnet-five.example
		::1 ip6-localhost ip6-loopback
		$LONG6 this-is-a-rather-long-hostname.example
	EOF
	chmod 644 "$hosts"
	pnet_in_ns --hosts "$hosts" bash "${BASH_SOURCE[0]}"
	rc=$?
	rm -f "$hosts"
	exit $rc
fi

# --- inside the namespaces ---
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
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

ip addr add "$LONG6/128" dev lo nodad || fail "cannot add $LONG6 to lo"
# sockmix's TIME_WAIT row dies about 60 s after it starts (later by timer
# slack): no comparison may straddle that moment. From 45 s on, wait until it
# is gone; nothing makes a new one.
tw_deadline=$((SECONDS + 45))
tw_gone=0
avoid_timewait_expiry() {
	if [ $tw_gone = 1 ] || [ $SECONDS -lt $tw_deadline ]; then
		return
	fi
	echo "note: waiting for the TIME_WAIT row to expire"
	for _ in $(seq 120); do
		if ! "$NETSTAT" -tan | grep -q ' TIME_WAIT'; then
			tw_gone=1
			return
		fi
		sleep 0.5
	done
	fail "the TIME_WAIT row did not expire"
}

pnet_sockmix_start "$tmp"
smpid=$SOCKMIX_PID

# The oracle must see the mix, or every comparison below proves nothing.
"$NETSTAT" -tuanWe >"$tmp/mix" || fail "netstat -tuanWe failed"
"$NETSTAT" -tua >"$tmp/names" || fail "netstat -tua failed"
# check_mix LABEL REGEX [FILE]: some line of FILE (default: the -tuanWe listing) matches
check_mix() {
	local f=${3:-$tmp/mix}
	if grep -Eq "$2" "$f"; then
		echo "OK   mix: $1"
		PNET_PASSED=$((PNET_PASSED + 1))
	else
		echo "DIFF mix: $1 (no line of netstat's $(basename "$f") listing matches /$2/)"
		PNET_FAILED=$((PNET_FAILED + 1))
	fi
}
check_mix "listener with 2 unaccepted connections" '^tcp +2 +0 127\.0\.0\.1:2049 .* LISTEN '
check_mix "unread data" '^tcp +123 +0 127\.0\.0\.1:7 .* ESTABLISHED '
check_mix "full send queue" '^tcp +0 +[1-9][0-9]* 127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:9 .* ESTABLISHED '
check_mix "v4-mapped tcp6 row" '^tcp6 .* 127\.0\.0\.1:[0-9]+ +127\.0\.0\.1:8080 +ESTABLISHED '
check_mix "long address" "^tcp6 .* $LONG6:443 +$LONG6:[0-9]+ +ESTABLISHED "
check_mix "udp unread datagrams" '^udp +[1-9][0-9]* +0 127\.0\.0\.1:69 '
check_mix "connected udp6" '^udp6 .* ::1:[0-9]+ +::1:5353 +ESTABLISHED '
check_mix "uid 65534 listener" '^tcp .* 0\.0\.0\.0:5432 .* LISTEN +65534 '
check_mix "TIME_WAIT" ' TIME_WAIT '
check_mix "/etc/hosts name, truncated" '^tcp6 .* this-is-a-rather-:https +\[::\]:\* +LISTEN' "$tmp/names"
check_mix "/etc/hosts name for 127.0.0.5" '^tcp .* pnet-five\.example:smtp +0\.0\.0\.0:\* +LISTEN' "$tmp/names"
nrows=$(grep -Ec "^(tcp|udp)" "$tmp/mix")
if [ "$nrows" -ge 35 ]; then
	echo "OK   mix: $nrows rows"
	PNET_PASSED=$((PNET_PASSED + 1))
else
	echo "DIFF mix: only $nrows rows, expected at least 35"
	PNET_FAILED=$((PNET_FAILED + 1))
fi

for opts in "${COMBOS[@]}"; do
	avoid_timewait_expiry
	# shellcheck disable=SC2086  # split the option set into words
	pnet_compare "$opts" -- $opts
done

# uid 65534 cannot read the build tree everywhere: give it its own copy.
{ cp "$PNET" "$tmp/pnet" && chmod 755 "$tmp/pnet"; } || fail "cannot copy $PNET"
for opts in "${NOBODY_COMBOS[@]}"; do
	avoid_timewait_expiry
	# shellcheck disable=SC2086
	PNET="$tmp/pnet" pnet_compare "uid 65534: $opts" "${NOBODY[@]}" -- $opts
done

# sockmix (and its uid 65534 child) must stop cleanly on SIGTERM.
kill -TERM "$smpid"
wait "$smpid"
rc=$?
smpid=
if [ $rc = 0 ]; then
	echo "OK   sockmix exits 0 on SIGTERM"
	PNET_PASSED=$((PNET_PASSED + 1))
else
	echo "DIFF sockmix exited $rc on SIGTERM"
	cat "$tmp/sockmix.err"
	PNET_FAILED=$((PNET_FAILED + 1))
fi

pnet_summary
