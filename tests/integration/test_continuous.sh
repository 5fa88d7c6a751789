#!/bin/bash
# -c, --continuous[=DELAY] and a trailing DELAY. netstat -c (the oracle for the
# shape) prints the whole listing, title and header included, again every
# second; netstat ignores operands, pnet takes one as the delay. SIGINT (Ctrl-C)
# ends pnet with status 0 after a complete listing; a bad delay is a usage
# error (status 2, nothing on stdout). With -p every listing reloads the
# process map and repeats netstat's notice, as netstat does.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PNET:?PNET must name the pnet binary}"
: "${PNET_TOOLS:?PNET_TOOLS must name the directory holding named_proc}"

if [ -z "${PNET_IN_NS:-}" ]; then
	pnet_require_root_ns
	command -v "$NETSTAT" >/dev/null 2>&1 || pnet_skip "netstat (net-tools) is not installed"
	command -v setpriv >/dev/null 2>&1 || pnet_skip "setpriv is not installed"
	command -v timeout >/dev/null 2>&1 || pnet_skip "timeout is not installed"
	[ -x "$PNET_TOOLS/named_proc" ] || { echo "FAIL: $PNET_TOOLS/named_proc is missing"; exit 1; }
	pnet_in_ns bash "${BASH_SOURCE[0]}"
	exit $?
fi

# --- inside the namespaces ---
W=$(mktemp -d) || exit 1
chmod 755 "$W"
install -m 755 "$PNET" "$W/pnet"
PNET=$W/pnet
NOONE=(setpriv --reuid=65533 --regid=65533 --clear-groups)
srv=
cleanup() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

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

NAMED_PROC_READY=$W/ready "$PNET_TOOLS/named_proc" "cserver" L:127.0.0.1:7100 C:127.0.0.1:7100 \
	U:127.0.0.1:7101 &
srv=$!
for ((i = 0; i < 100; i++)); do [ -e "$W/ready" ] && break; sleep 0.05; done
[ -e "$W/ready" ] || { echo "FAIL: named_proc did not start"; exit 1; }

TITLE="Active Internet connections (w/o servers)"

# blocks FILE: check that FILE is N>=1 copies of $W/one; print N
blocks() {
	local f=$1 n lines one
	one=$(wc -l <"$W/one")
	lines=$(wc -l <"$f")
	n=$(grep -c "^$TITLE\$" "$f")
	[ "$n" -ge 1 ] && [ $((n * one)) = "$lines" ] || { echo 0; return; }
	for ((i = 0; i < n; i++)); do
		tail -n +$((i * one + 1)) "$f" | head -n "$one" | cmp -s - "$W/one" || { echo 0; return; }
	done
	echo "$n"
}

"$NETSTAT" -tun >"$W/one"
expect "netstat -tun lists the pair" grep -q "ESTABLISHED" "$W/one"

# the oracle: netstat -c repeats title and header every second
timeout -s INT 2.5 "$NETSTAT" -tunc >"$W/n.c" 2>/dev/null
nb=$(blocks "$W/n.c")
expect "netstat -c repeats whole listings ($nb)" test "$nb" -ge 2

timeout --preserve-status -s INT 2.5 "$PNET" -tunc >"$W/p.c" 2>"$W/p.err"
rc=$?
nb=$(blocks "$W/p.c")
expect "pnet -c: whole listings like netstat's ($nb)" test "$nb" -ge 2
expect "pnet -c: Ctrl-C exits 0 (got $rc)" test "$rc" = 0
expect "pnet -c: nothing on stderr" test ! -s "$W/p.err"

timeout --preserve-status -s INT 2.5 "$PNET" -tun 0.3 >"$W/p.d" 2>/dev/null
rc=$?
nb=$(blocks "$W/p.d")
expect "trailing DELAY 0.3: several listings ($nb)" test "$nb" -ge 3
expect "trailing DELAY: Ctrl-C exits 0 (got $rc)" test "$rc" = 0

timeout --preserve-status -s INT 2.5 "$PNET" -tun --continuous=0.3 >"$W/p.l" 2>/dev/null
rc=$?
nb=$(blocks "$W/p.l")
expect "--continuous=0.3: several listings ($nb)" test "$nb" -ge 3
expect "--continuous=0.3: Ctrl-C exits 0 (got $rc)" test "$rc" = 0

timeout --preserve-status -s TERM 1.5 "$PNET" -tunc >/dev/null 2>&1
rc=$?
expect "SIGTERM exits 0 (got $rc)" test "$rc" = 0

for bad in 0 abc -- "1 2" 1e3 --continuous=0 --continuous=x; do
	# shellcheck disable=SC2086 # "1 2" is meant to be two operands
	"$PNET" -tun $bad >"$W/b.out" 2>"$W/b.err" </dev/null
	rc=$?
	[ "$bad" = -- ] && { [ "$rc" = 0 ] || echo "FAIL: '-tun --' exits $rc"; continue; }
	expect "bad delay '$bad': status 2, no listing" \
		bash -c '[ "$1" = 2 ] && [ ! -s "$2" ] && [ -s "$3" ]' _ "$rc" "$W/b.out" "$W/b.err"
done

# -p in every listing: as a user owning no process, both print the notice once
# per listing (netstat, killed by SIGINT, may lose its last listing: it sits in
# the stdio buffer while the notice went to stderr at once)
timeout -s INT 2.5 "${NOONE[@]}" "$NETSTAT" -tunpc >"$W/n.pc" 2>"$W/n.pce"
nn=$(grep -c '^(No info could be read' "$W/n.pce")
nl=$(grep -c "^$TITLE" "$W/n.pc")
expect "netstat -pc: one notice per listing ($nn, $nl)" \
	bash -c '[ "$1" -ge 2 ] && { [ "$1" = "$2" ] || [ "$1" = $(($2 + 1)) ]; }' _ "$nn" "$nl"
timeout --preserve-status -s INT 2.5 "${NOONE[@]}" "$PNET" -tunpc >"$W/p.pc" 2>"$W/p.pce"
rc=$?
n=$(grep -c "^$TITLE" "$W/p.pc")
expect "pnet -pc: one notice per listing ($n)" \
	test "$(grep -c '^(No info could be read' "$W/p.pce")" = "$n" -a "$n" -ge 2
expect "pnet -pc: Ctrl-C exits 0 (got $rc)" test "$rc" = 0
# as root every row names its process in every listing
timeout --preserve-status -s INT 2.5 "$PNET" -tunpc >"$W/p.rc" 2>/dev/null
expect "pnet -pc as root: process in every listing" \
	test "$(grep -c '/cserver' "$W/p.rc")" = "$(( $(grep -c "^$TITLE" "$W/p.rc") * 2 ))"

pnet_summary
