#!/bin/bash
# The /proc/net fallback prints what the netlink backend prints. In a private
# namespace holding the socket mix of tests/tools/sockmix.c plus 1200 held TCP
# connections (tests/tools/churn hold), each option set runs twice: plainly,
# and under tests/tools/nodiag_shim.c (LD_PRELOAD), which makes the sock_diag
# socket fail (EACCES, EPERM, EPROTONOSUPPORT, EAFNOSUPPORT) or answers one
# protocol's dumps with ENOENT (no tcp_diag/udp_diag). stdout and the exit
# status must be identical; stderr must carry exactly one notice naming
# /proc/net. A dump failing with ENOBUFS mid-way must restart and print every
# row exactly once, silently. -o timer values are masked (time passes).
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PNET:?PNET must name the pnet binary}"
: "${PNET_TOOLS:?PNET_TOOLS must name the directory holding sockmix and churn}"
: "${PNET_SRC:?PNET_SRC must name the source root}"

LONG6=2001:db8:1234:5678:9abc:def0:1234:5678
COMBOS=(
	"-t" "-u" "-tu" "-tua" "-tuan" "-tul" "-tuln" "-tuanW" "-tuaW" "-tuae" "-tuane"
	"-tuaee" "-tuanp" "-tuanep" "-tuano" "-tuaneWop" "-tuan4" "-tuan6" "-t4a" "-u6a"
	"-tuan --classify" "-tuan --numeric-users -e" "-tua --numeric-hosts"
	"-tan --port 2049" "-tuan --state listen" "-tan --state established,time_wait"
	"-tuan --sport 8080" "-tuan --addr 127.0.0.1" "-tuan --user 65534"
	"-tuan --json" "-tuan --jsonl" "-tan --json --state listen"
)
# Other ways sock_diag can be missing, each on a few option sets.
MODES=("EPERM" "EPROTONOSUPPORT" "EAFNOSUPPORT" "ENOENT:tcp" "ENOENT:udp")
MODE_COMBOS=("-tuan" "-tuaneWop" "-tuanp --state listen")

if [ -z "${PNET_IN_NS:-}" ]; then
	pnet_require_root_ns
	command -v cc >/dev/null 2>&1 || pnet_skip "no C compiler for the LD_PRELOAD shim"
	for t in sockmix churn; do
		[ -x "$PNET_TOOLS/$t" ] || { echo "FAIL: $PNET_TOOLS/$t is missing"; exit 1; }
	done
	pnet_in_ns bash "${BASH_SOURCE[0]}"
	exit $?
fi

# --- inside the namespaces ---
tmp=$(mktemp -d) || exit 1
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
wait_ready() {          # FILE PID
	for _ in $(seq 300); do
		grep -qx ready "$1" && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

cc -shared -fPIC -DNODIAG_SHIM_LIB -o "$tmp/nodiag_shim.so" \
	"$PNET_SRC/tests/tools/nodiag_shim.c" -ldl || fail "cannot build nodiag_shim.so"
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

ip addr add "$LONG6/128" dev lo nodad || fail "cannot add $LONG6 to lo"
: >"$tmp/sockmix.out"
"$PNET_TOOLS/sockmix" >"$tmp/sockmix.out" 2>"$tmp/sockmix.err" &
pids+=($!)
wait_ready "$tmp/sockmix.out" "${pids[0]}" || { cat "$tmp/sockmix.err"; fail "sockmix did not get ready"; }
mkfifo "$tmp/hold.in"
: >"$tmp/churn.out"
"$PNET_TOOLS/churn" hold 300 <"$tmp/hold.in" >"$tmp/churn.out" 2>"$tmp/churn.err" &
pids+=($!)
exec 9>"$tmp/hold.in"   # churn holds its sockets until this closes
wait_ready "$tmp/churn.out" "${pids[1]}" || { cat "$tmp/churn.err"; fail "churn did not get ready"; }

RUNAS=()
mask_timers() {
	sed -E 's/ (on|keepalive|timewait|probe|unkn-[0-9]+) \([0-9]+\.[0-9]+\//\1 (T\//' "$1"
}

# compare LABEL MODE ARGS...: netlink run vs shimmed run. sockmix's FIN_WAIT2
# and TIME_WAIT rows expire after 60 s, and a loaded machine can take that
# long: a mismatch is retried twice (a row expires once).
compare() {
	for _ in 1 2 3; do
		compare_once "$@" >"$tmp/report" && break
	done
	cat "$tmp/report"
	if grep -q '^OK' "$tmp/report"; then
		PNET_PASSED=$((PNET_PASSED + 1))
	else
		PNET_FAILED=$((PNET_FAILED + 1))
	fi
}
compare_once() {
	local label=$1 mode=$2 rc_n rc_f ok=1 notices others
	shift 2
	"${RUNAS[@]}" "$PNET" "$@" >"$tmp/n.out" 2>"$tmp/n.err"
	rc_n=$?
	: >"$tmp/shim.log"
	chmod 666 "$tmp/shim.log"       # uid 65534 writes it too
	LD_PRELOAD="$tmp/nodiag_shim.so" PNET_NODIAG=$mode PNET_NODIAG_LOG="$tmp/shim.log" \
		"${RUNAS[@]}" "$PNET" "$@" >"$tmp/f.out" 2>"$tmp/f.err"
	rc_f=$?
	mask_timers "$tmp/n.out" >"$tmp/n.cmp"
	mask_timers "$tmp/f.out" >"$tmp/f.cmp"
	cmp -s "$tmp/n.cmp" "$tmp/f.cmp" || ok=0
	[ "$rc_n" = "$rc_f" ] || ok=0
	[ -s "$tmp/shim.log" ] || { ok=0; echo "  the shim injected nothing"; }
	notices=$(grep -c '; reading /proc/net instead$' "$tmp/f.err")
	others=$(grep -v '; reading /proc/net instead$' "$tmp/f.err" | diff - "$tmp/n.err" >/dev/null && echo same)
	[ "$notices" = 1 ] && [ "$others" = same ] || ok=0
	if [ $ok = 1 ]; then
		echo "OK   $label: $(grep -Ec '^(tcp|udp)|"proto"' "$tmp/f.out") rows"
		return 0
	fi
	echo "DIFF $label (exit: netlink $rc_n, fallback $rc_f; $notices notices)"
	diff -u --label netlink --label fallback "$tmp/n.cmp" "$tmp/f.cmp" | head -20
	echo "fallback stderr:"; cat "$tmp/f.err"
	return 1
}

"$PNET" -tan >"$tmp/count" || fail "pnet -tan failed"
n=$(grep -c ESTABLISHED "$tmp/count")
[ "$n" -ge 1200 ] || fail "only $n ESTABLISHED rows; the dumps should span several datagrams"

for opts in "${COMBOS[@]}"; do
	# shellcheck disable=SC2086
	compare "EACCES $opts" EACCES $opts
done
for mode in "${MODES[@]}"; do
	for opts in "${MODE_COMBOS[@]}"; do
		# shellcheck disable=SC2086
		compare "$mode $opts" "$mode" $opts
	done
done

# Unprivileged: /proc/net is world-readable, so uid 65534 gets the same rows
# (its own copy of pnet and the shim: the build tree may be closed to it).
if command -v setpriv >/dev/null 2>&1; then
	chmod 755 "$tmp"
	cp "$PNET" "$tmp/pnet" && chmod 755 "$tmp/pnet" "$tmp/nodiag_shim.so"
	RUNAS=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	for opts in "-tuan" "-tuane" "-tuaneWop"; do
		# shellcheck disable=SC2086
		PNET="$tmp/pnet" compare "uid 65534: EACCES $opts" EACCES $opts
	done
	RUNAS=()
fi

# -c: one notice for the whole run, however many listings.
LD_PRELOAD="$tmp/nodiag_shim.so" PNET_NODIAG=EACCES timeout -s INT 2.5 \
	"$PNET" -tuan --continuous=0.5 >"$tmp/c.out" 2>"$tmp/c.err"
titles=$(grep -c '^Active Internet' "$tmp/c.out")
if [ "$titles" -ge 2 ] && [ "$(wc -l <"$tmp/c.err")" = 1 ]; then
	echo "OK   -c: $titles listings, one notice"
	PNET_PASSED=$((PNET_PASSED + 1))
else
	echo "DIFF -c: $titles listings, stderr:"; cat "$tmp/c.err"
	PNET_FAILED=$((PNET_FAILED + 1))
fi

# ENOBUFS after the first datagram: the dump restarts on a new socket and no
# row is printed twice or lost; no notice (the backend did not change).
for opts in "-tan" "-tuaneW"; do
	"$PNET" $opts >"$tmp/n.out" 2>&1
	rm -f "$tmp/shim.log"
	LD_PRELOAD="$tmp/nodiag_shim.so" PNET_NODIAG=ENOBUFS PNET_NODIAG_LOG="$tmp/shim.log" \
		"$PNET" $opts >"$tmp/f.out" 2>&1
	rc=$?
	if [ $rc = 0 ] && cmp -s "$tmp/n.out" "$tmp/f.out" && grep -q ENOBUFS "$tmp/shim.log"; then
		echo "OK   ENOBUFS restart $opts: $(grep -c '^tcp' "$tmp/f.out") rows, none twice"
		PNET_PASSED=$((PNET_PASSED + 1))
	else
		echo "DIFF ENOBUFS restart $opts (exit $rc)"
		diff -u "$tmp/n.out" "$tmp/f.out" | head -20
		PNET_FAILED=$((PNET_FAILED + 1))
	fi
done

exec 9>&-
pnet_summary
