#!/bin/bash
# --json / --jsonl on the fixed socket mix of tests/tools/sockmix.c, read back
# with jq: as many objects as netstat has rows for the same options, every
# field with the type pnet(1) documents, the same values netstat prints
# (addresses untruncated), and hostile service and host names (quote,
# backslash, control byte, invalid UTF-8, U+2028) escaped so that jq decodes
# what the files said (after pnet's control-character sanitising).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PNET:?PNET must name the pnet binary}"
: "${PNET_TOOLS:?PNET_TOOLS must name the directory holding sockmix}"

LONG6=2001:db8:1234:5678:9abc:def0:1234:5678
HOSTILE_HOST='we"ird\host.example'

if [ -z "${PNET_IN_NS:-}" ]; then
	pnet_require_root_ns
	command -v "$NETSTAT" >/dev/null 2>&1 || pnet_skip "netstat (net-tools) is not installed"
	command -v jq >/dev/null 2>&1 || pnet_skip "jq is not installed"
	if [ ! -x "$PNET_TOOLS/sockmix" ]; then
		echo "FAIL: $PNET_TOOLS/sockmix is missing"
		exit 1
	fi
	dir=$(mktemp -d) || exit 1
	chmod 755 "$dir"
	printf '127.0.0.1 localhost\n127.0.0.5 %s\n::1 ip6-localhost\n' "$HOSTILE_HOST" >"$dir/hosts"
	# services(5) with hostile names: quote+backslash, UTF-8, a control byte
	# (sanitised to '?'), an invalid byte (sanitised to '?'), U+2028 (a line
	# separator: sanitised to '?' like the bidi and zero-width characters)
	printf 'ssh 22/tcp\nwe"ird\\name 7/tcp\ncaf\303\251 9/tcp\nctl\001x 2049/tcp\nbad\377byte 111/tcp\nsep\342\200\250x 25/tcp\n' \
		>"$dir/services"
	chmod 644 "$dir/hosts" "$dir/services"
	PNET_JSON_SERVICES="$dir/services" pnet_in_ns --hosts "$dir/hosts" bash "${BASH_SOURCE[0]}"
	rc=$?
	rm -rf "$dir"
	exit $rc
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
# expect LABEL COMMAND...: the command succeeds
expect() {
	local label=$1
	shift
	if "$@" >/dev/null; then ok "$label"; else bad "$label"; fi
}

mount --bind "$PNET_JSON_SERVICES" /etc/services || fail "cannot bind-mount /etc/services"
ip addr add "$LONG6/128" dev lo nodad || fail "cannot add $LONG6 to lo"
pnet_sockmix_start "$tmp"
smpid=$SOCKMIX_PID

# First, while sockmix's TIME_WAIT socket (60 s) is surely there: -o
expect "-o: TIME_WAIT timer" \
	jq -e 'any(.[]; .state == "TIME_WAIT" and .timer.kind == "timewait" and .timer.expires > 0)' \
	<("$PNET" -tuano --json)

# Row counts: JSON objects == netstat rows == pnet table rows; --jsonl alike
# and holding the same objects.
for opts in "-tuan" "-tua" "-tun" "-tuln" "-tuan4" "-tuan6" "-uan" "-tlne" "-tuae"; do
	# shellcheck disable=SC2086
	{
		want=$("$NETSTAT" $opts 2>/dev/null | grep -Ec '^(tcp|udp)')
		table=$("$PNET" $opts 2>/dev/null | grep -Ec '^(tcp|udp)')
		"$PNET" $opts --json >"$tmp/j" 2>/dev/null
		"$PNET" $opts --jsonl >"$tmp/l" 2>/dev/null
	}
	got=$(jq length "$tmp/j")
	lines=$(wc -l <"$tmp/l")
	if [ "$want" -gt 0 ] && [ "$got" = "$want" ] && [ "$table" = "$want" ] && [ "$lines" = "$want" ] &&
		jq -e --slurpfile l "$tmp/l" '. == $l' "$tmp/j" >/dev/null &&
		[ "$(jq -c . "$tmp/l" | wc -l)" = "$want" ]; then
		ok "$opts: $want rows in netstat, table, --json and --jsonl"
	else
		bad "$opts: netstat $want, table $table, --json $got, --jsonl $lines lines"
	fi
done

# Types and key sets (the schema in pnet(1)).
SCHEMA='
def ep(names): type == "object"
  and (keys == (["address", "class", "port", "service"] + (if names then ["host"] else [] end) | sort))
  and (.address | type) == "string"
  and (.port | type) == "number" and .port >= 0 and .port <= 65535 and .port == (.port | floor)
  and ((.service | type) == "string" or .service == null)
  and (.class | IN("well-known", "registered", "dynamic", null))
  and ((.port == 0) == (.class == null))
  and (if .port == 0 then .service == null else true end)
  and (if names then ((.host | type) == "string" or .host == null) else true end);
def num: type == "number" and . >= 0 and . == floor;
type == "array" and length > 0 and all(.[];
  (keys - ["pid", "program", "timer"]) == (["proto", "family", "state", "local", "remote",
      "recv_q", "send_q", "uid", "user", "inode"] | sort)
  and (.proto | IN("tcp", "udp")) and (.family | IN(4, 6))
  and ((.state | type) == "string" or (.state == null and .proto == "udp"))
  and (.state != "")
  and (.local | ep($names)) and (.remote | ep($names))
  and (.recv_q | num) and (.send_q | num) and (.uid | num) and (.inode | num)
  and ((.user | type) == "string" or .user == null)
  and (if $p then (.pid == null or (.pid | num)) and ((.program | type) == "string" or .program == null)
       else (has("pid") or has("program")) | not end)
  and (if $o then (.timer | type) == "object" and (.timer.kind | type) == "string"
         and (.timer.expires | type) == "number" and (.timer.retrans | num) and (.timer.probes | num)
       else has("timer") | not end))'
schema() {
	local names=$1 p=$2 o=$3
	shift 3
	"$PNET" "$@" --json 2>/dev/null | jq -e --argjson names "$names" --argjson p "$p" \
		--argjson o "$o" "$SCHEMA" >/dev/null
}
expect "types: -tuan" schema false false false -tuan
expect "types: -tua (host names on)" schema true false false -tua
expect "types: -tuanp" schema false true false -tuanp
expect "types: -tuano" schema false false true -tuano
expect "types: -tuapo --numeric-ports" schema true true true -tuapo --numeric-ports
expect "types: -tuan --state listen" schema false false false -tuan --state listen

# Values: the row netstat -tuanWe prints, rebuilt from each object.
ROW='.[] | [(.proto + (if .family == 6 then "6" else "" end)), .recv_q, .send_q,
  "\(.local.address):\(if .local.port == 0 then "*" else .local.port end)",
  "\(.remote.address):\(if .remote.port == 0 then "*" else .remote.port end)",
  (.state // ""), .uid, .inode] | map(tostring) | join(" ")'
"$NETSTAT" -tuanWe | tail -n +3 | awk '{ if (NF == 7) { $8 = $7; $7 = $6; $6 = "" } print $1, $2, $3, $4, $5, $6, $7, $8 }' |
	sort >"$tmp/want"
"$PNET" -tuan --json | jq -r "$ROW" | sort >"$tmp/got"
if [ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got"; then
	ok "values equal netstat -tuanWe ($(wc -l <"$tmp/want") rows)"
else
	bad "values differ from netstat -tuanWe"
	diff -u "$tmp/want" "$tmp/got" | head -20
fi
expect "the long IPv6 address is whole" \
	jq -e --arg a "$LONG6" 'any(.[]; .local.address == $a and .local.port == 443)' \
	<("$PNET" -tuan --json)
expect "v4-mapped tcp6 row: family 6, dotted address" \
	jq -e 'any(.[]; .family == 6 and .remote.address == "127.0.0.1" and .remote.port == 8080)' \
	<("$PNET" -tuan --json)
expect "unconnected UDP: state null; connected UDP: ESTABLISHED" \
	jq -e 'any(.[]; .proto == "udp" and .state == null) and any(.[]; .proto == "udp" and .state == "ESTABLISHED")' \
	<("$PNET" -uan --json)
expect "classes and services" \
	jq -e 'any(.[]; .local.port == 22 and .local.service == "ssh" and .local.class == "well-known")
		and all(.[]; .remote.port != 0 or (.remote.class == null and .remote.service == null))
		and any(.[]; .local.class == "registered")' \
	<("$PNET" -tua --numeric-hosts --json)
expect "--numeric-ports: service null" \
	jq -e 'all(.[]; .local.service == null and .remote.service == null)' <("$PNET" -tua --numeric-ports --json)
expect "-n: no host member, user null" \
	jq -e 'all(.[]; (.local | has("host") | not) and .user == null)' <("$PNET" -tuan --json)
expect "users by name" \
	jq -e 'any(.[]; .uid == 0 and .user == "root") and any(.[]; .uid == 65534 and (.user | type) == "string")' \
	<("$PNET" -tua --numeric-hosts --json)

# -p: pid and program of sockmix's sockets
expect "-p: pid and program" \
	jq -e --argjson pid "$smpid" 'any(.[]; .pid == $pid and .program == "sockmix")
		and all(.[]; .pid == null or (.program | type) == "string")' <("$PNET" -tuanp --json 2>/dev/null)

# -p: the program name is whole in JSON, while the table cuts "PID/name" at 19
bash -c 'exec 3<>/dev/tcp/127.0.0.1/22; exec -a /opt/x/a-rather-long-program-name-for-json sleep 60' &
longpid=$!
for _ in $(seq 50); do
	grep -q '^a-rather' "/proc/$longpid/cmdline" 2>/dev/null && ls -l "/proc/$longpid/fd" 2>/dev/null | grep -q socket && break
	sleep 0.1
done
expect "-p: whole program name in JSON" \
	jq -e --argjson pid "$longpid" 'any(.[]; .pid == $pid and .program == "a-rather-long-program-name-for-json")' \
	<("$PNET" -tanp --json 2>/dev/null)
cut19=$(printf '%s' "$longpid/a-rather-long-program-name-for-json" | cut -c1-19)
expect "-p: the table still cuts it like netstat" \
	grep -qF " $cut19 " <("$PNET" -tanp 2>/dev/null)
kill "$longpid" 2>/dev/null; wait "$longpid" 2>/dev/null

# Hostile names from /etc/hosts and /etc/services: jq must decode exactly
# the (sanitised) text, and the raw output must carry the escapes.
"$PNET" -tua --json >"$tmp/names" 2>/dev/null
expect "hostile output is valid JSON" jq -e 'length > 0' "$tmp/names"
expect "service with quote and backslash" \
	jq -e 'any(.[]; .local.port == 7 and .local.service == "we\"ird\\name")' "$tmp/names"
expect "service in UTF-8" jq -e 'any(.[]; .local.port == 9 and .local.service == "caf\u00e9")' "$tmp/names"
expect "service with a control byte (sanitised)" \
	jq -e 'any(.[]; .local.port == 2049 and .local.service == "ctl?x")' "$tmp/names"
expect "service with an invalid byte (sanitised)" \
	jq -e 'any(.[]; .local.port == 111 and .local.service == "bad?byte")' "$tmp/names"
expect "service with U+2028 (sanitised)" \
	jq -e 'any(.[]; .local.port == 25 and .local.service == "sep?x")' "$tmp/names"
expect "no raw U+2028 in the output" bash -c "! grep -qF \$'\\xe2\\x80\\xa8' '$tmp/names'"
expect "raw quote and backslash escaped" grep -qF -e '"we\"ird\\name"' "$tmp/names"
expect "no raw control byte in the output" bash -c "! LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <'$tmp/names')"
host=$(jq -r '[.[] | select(.local.address == "127.0.0.5") | .local.host] | first' "$tmp/names")
if [ "$host" = "$HOSTILE_HOST" ]; then
	ok "hostile host name decodes to what /etc/hosts says: $host"
else
	bad "host name of 127.0.0.5: '$host'"
fi
expect "--jsonl with hostile names: one valid object a line" \
	bash -c "'$PNET' -tua --jsonl 2>/dev/null | jq -e -s 'length > 0 and all(.[]; type == \"object\")' >/dev/null"

# Empty results, status and --json --jsonl
out=$("$PNET" -tuan --json --port 4)
rc=$?
[ "$out" = "[]" ] && [ "$rc" = 1 ] && ok "no match: [] and status 1" || bad "no match: '$out' status $rc"
out=$("$PNET" -tuan --jsonl --port 4)
rc=$?
[ -z "$out" ] && [ "$rc" = 1 ] && ok "no match, --jsonl: nothing and status 1" || bad "--jsonl no match: status $rc"
"$PNET" -tuan --json --jsonl >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && grep -q -- "--jsonl" "$tmp/err" && ok "--json --jsonl: status 2" ||
	bad "--json --jsonl: status $rc"

pnet_summary
