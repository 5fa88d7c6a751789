#!/bin/bash
# Bad input everywhere. (wip_: registered as test_badinput.sh once the cli.c and
# ports.c fixes in the reliability report are applied; it fails without them.)
#  1. Every invalid option value is refused before anything is listed: exit 2,
#     nothing on stdout, a first stderr line "pnet: ..." that quotes the bad
#     value, at most one more line (the --help hint).
#  2. Hostile files (private mount namespace): /etc/services with control
#     characters, overlong lines, NUL bytes, binary junk and out-of-range ports;
#     /etc/hosts with escape sequences in names; a process whose name carries
#     escape sequences. pnet must exit 0 and print no control character but
#     '\n' (netstat-style text and JSON), and still use the good services lines.
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

: "${PNET:?PNET must name the pnet binary}"
: "${PNET_TOOLS:?PNET_TOOLS must name the directory holding named_proc}"

# ARGS|TEXT the first stderr line must contain
CASES=(
	"-c abc|abc" "-c -5|-5" "--continuous=abc|abc" "--continuous=-5|-5"
	"--continuous=0|0" "--continuous=1e999|1e999" "--continuous=nan|nan"
	"--port 70000|70000" "--port abc|abc" "--port -1|-1" "--port 22,,23|22,,23"
	"--port 5-3|5-3" "--sport 99999999999999999999|99999999999999999999"
	"--dport|--dport" "--state bogus|bogus" "--state listen,|listen,"
	"--addr 1.2.3|1.2.3" "--addr ::1/129|::1/129" "--pid x|x" "--pid -3|-3"
	"--user no-such-user-pnet|no-such-user-pnet" "--explain 99999|99999"
	"--explain abc|abc" "--explain 80/sctp|80/sctp" "--json --jsonl|--json"
	"--bogus|--bogus" "-Z|-Z" "--resolve-timeout -1|-1" "--resolve-timeout x|x"
	"-tuan $(printf 'bad\033[31mvalue')|bad" "--port $(printf '1\033[2J')|1"
	"--explain $(printf '\033[1m80')|80"
)

badopts() {
	local c args want rc first nl
	for c in "${CASES[@]}"; do
		args=${c%|*}
		want=${c##*|}
		# shellcheck disable=SC2086
		"$PNET" $args >"$tmp/out" 2>"$tmp/err" </dev/null
		rc=$?
		first=$(head -1 "$tmp/err")
		nl=$(wc -l <"$tmp/err")
		if [ $rc = 2 ] && [ ! -s "$tmp/out" ] && [[ $first == "pnet: "* ]] &&
		   [[ $first == *"$want"* ]] && [ "$nl" -le 2 ] &&
		   ! LC_ALL=C grep -q '[[:cntrl:]]' "$tmp/err"; then
			echo "OK   bad option: $args"
			PNET_PASSED=$((PNET_PASSED + 1))
		else
			echo "DIFF bad option: $args: exit $rc, $nl stderr lines, stdout $(wc -c <"$tmp/out") bytes:"
			cat -v "$tmp/err"
			PNET_FAILED=$((PNET_FAILED + 1))
		fi
	done
}

no_controls() {         # LABEL FILE [may-be-empty]
	if { [ -s "$2" ] || [ -n "${3:-}" ]; } && ! LC_ALL=C tr -d '\n' <"$2" | LC_ALL=C grep -q '[[:cntrl:]]'; then
		echo "OK   $1: no control characters"
		PNET_PASSED=$((PNET_PASSED + 1))
	else
		echo "DIFF $1: empty or control characters in output:"
		LC_ALL=C grep -n '[[:cntrl:]]' "$2" | cat -v | head -5
		PNET_FAILED=$((PNET_FAILED + 1))
	fi
}

if [ -z "${PNET_IN_NS:-}" ]; then
	tmp=$(mktemp -d) || exit 1
	trap 'rm -rf "$tmp"' EXIT
	badopts
	pnet_require_root_ns
	[ -x "$PNET_TOOLS/named_proc" ] || { echo "FAIL: $PNET_TOOLS/named_proc is missing"; exit 1; }
	# hosts: an escape sequence in the name of 127.0.0.9
	printf '127.0.0.1 localhost\n127.0.0.9 evil\033[31mred\007.example\n' >"$tmp/hosts"
	chmod 644 "$tmp/hosts"
	PNET_PASSED=$PNET_PASSED PNET_FAILED=$PNET_FAILED \
		pnet_in_ns --hosts "$tmp/hosts" bash "${BASH_SOURCE[0]}"
	exit $?
fi

# --- inside the namespaces ---
tmp=$(mktemp -d) || exit 1
chmod 755 "$tmp"
ppid_=
cleanup() {
	if [ -n "$ppid_" ]; then
		kill -TERM "$ppid_" 2>/dev/null
		wait "$ppid_" 2>/dev/null
	fi
	umount /etc/services 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

{
	printf 'goodtcp\t\t4441/tcp\n'
	printf 'esc\033[2Jname 4442/tcp\n'
	printf 'bell\007\x9b\x7fname 4443/tcp\n'
	printf 'nul'; printf '\0'; printf 'name 4444/tcp\n'
	printf 'x%.0s' $(seq 100000); printf ' 4445/tcp\n'
	printf 'toolong%s 4446/tcp\n' "$(head -c 400 /dev/zero | tr '\0' n)"
	printf 'outofrange 99999/tcp\nnegative -4/tcp\nbadproto 4447/xyz\n'
	head -c 3000 /dev/urandom | tr -d '\n'; printf '\n'
	printf 'gooddns\t53/udp\n'
} >"$tmp/services"
chmod 644 "$tmp/services"
mount --bind "$tmp/services" /etc/services || { echo "FAIL: cannot bind-mount /etc/services"; exit 1; }

: >"$tmp/ready"; rm -f "$tmp/ready"
NAMED_PROC_READY="$tmp/ready" "$PNET_TOOLS/named_proc" "$(printf 'ev\033]0;title\007il\tname')" \
	L:127.0.0.1:4441 L:127.0.0.1:4442 L:127.0.0.1:4443 L:127.0.0.1:4444 \
	L:127.0.0.1:4445 L:127.0.0.1:4446 L:127.0.0.9:4447 C:127.0.0.9:4447 U:127.0.0.1:53 &
ppid_=$!
for _ in $(seq 100); do
	[ -s "$tmp/ready" ] && break
	sleep 0.1
done
[ -s "$tmp/ready" ] || { echo "FAIL: named_proc did not get ready"; exit 1; }

for opts in "-tua" "-tuap" "-tuaW" "-tuaeWp" "-tua --json" "-tua --jsonl" "-tuapo"; do
	# shellcheck disable=SC2086
	"$PNET" $opts >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc != 0 ]; then
		echo "DIFF pnet $opts: exit $rc"; cat -v "$tmp/err"
		PNET_FAILED=$((PNET_FAILED + 1))
		continue
	fi
	no_controls "pnet $opts" "$tmp/out"
	no_controls "pnet $opts (stderr)" "$tmp/err" empty-ok
done

# The good lines around the bad ones still count.
"$PNET" -tuaW >"$tmp/out" 2>&1
if grep -q 'localhost:goodtcp ' "$tmp/out" && grep -q 'localhost:gooddns ' "$tmp/out" &&
   grep -q 'localhost:4445 ' "$tmp/out"; then
	echo "OK   good services lines used, the overlong one ignored"
	PNET_PASSED=$((PNET_PASSED + 1))
else
	echo "DIFF services: expected goodtcp, gooddns and a numeric 4445 in:"
	cat -v "$tmp/out"
	PNET_FAILED=$((PNET_FAILED + 1))
fi

pnet_summary
