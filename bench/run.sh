#!/bin/bash
# pnet benchmark runner: for each scale, a fresh network namespace is loaded
# with loopback sockets by loadgen, then hyperfine times pnet, ss, netstat and
# the floor program on the same sockets, and /usr/bin/time takes peak RSS.
#
#   bench/run.sh [--scales 10000,100000,240000] [--runs N] [--pnet PATH]
#                [--loadgen PATH] [--floor PATH] [--netstat-max N] [--out FILE]
#
# A scale S is S sockets: S*5/12 connections (both ends in the namespace, two
# sockets each), S/12 listeners, the rest UDP; 240000 = 100k connections
# (200k established sockets) + 20k listeners + 20k UDP sockets.
# netstat is timed only up to --netstat-max sockets (default: always; 1.6 s
# per run at 240k sockets on Linux 6.18, far more on older kernels).
# Needs root (unshare -n), hyperfine, jq and GNU time (Debian packages
# hyperfine, jq, time). The table goes to bench/results/latest.md (or --out)
# and to stdout.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
scales=10000,100000,240000
runs=10
pnet=
loadgen=
floor=
netstat_max=1000000
out=$here/results/latest.md
inner=

while [ $# -gt 0 ]; do
	case $1 in
	--scales) scales=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--pnet) pnet=$2; shift 2 ;;
	--loadgen) loadgen=$2; shift 2 ;;
	--floor) floor=$2; shift 2 ;;
	--netstat-max) netstat_max=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--inner) inner=$2; shift 2 ;;          # internal: one scale, already in a namespace
	-h|--help) sed -n '2,16p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
case $runs in ''|*[!0-9]*|0) echo "run.sh: --runs needs a positive integer" >&2; exit 2 ;; esac

log() { echo "run.sh: $*" >&2; }

# ---------------------------------------------------------------- one scale
# Runs inside a fresh namespace; writes $work/<scale>/*.
if [ -n "$inner" ]; then
	S=$inner
	d=$work_dir/$S
	mkdir -p "$d"
	lg_pid=
	hf_pid=
	cleanup() {
		[ -z "$hf_pid" ] || kill -TERM "$hf_pid" 2>/dev/null || true
		if [ -n "$lg_pid" ] && kill -0 "$lg_pid" 2>/dev/null; then
			kill -TERM "$lg_pid" 2>/dev/null || true
			for _ in $(seq 50); do kill -0 "$lg_pid" 2>/dev/null || break; sleep 0.1; done
			kill -KILL "$lg_pid" 2>/dev/null || true
			wait "$lg_pid" 2>/dev/null || true
		fi
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM HUP
	ip link set lo up
	sysctl -qw net.ipv4.ip_local_port_range="1024 65535"

	conns=$((S * 5 / 12))
	listeners=$((S / 12))
	[ "$listeners" -ge 1 ] || listeners=1
	udp=$((S - 2 * conns - listeners))
	[ "$udp" -ge 0 ] || udp=0
	log "scale $S: loading $conns connections, $listeners listeners, $udp UDP sockets"
	t0=$(date +%s.%N)
	"$loadgen" -c "$conns" -l "$listeners" -u "$udp" -r "$d/ready" >"$d/loadgen.out" 2>"$d/loadgen.err" &
	lg_pid=$!
	echo "$lg_pid" >"$d/loadgen.pid"
	last=
	while [ ! -e "$d/ready" ]; do
		if ! kill -0 "$lg_pid" 2>/dev/null; then
			cat "$d/loadgen.err" >&2
			log "loadgen failed at scale $S"
			exit 1
		fi
		cur=$(tail -n 1 "$d/loadgen.err" 2>/dev/null || true)
		[ "$cur" = "$last" ] || { [ -z "$cur" ] || echo "  $cur" >&2; last=$cur; }
		sleep 0.2
	done
	t1=$(date +%s.%N)
	count=$(( $("$floor" | wc -l) - 2 ))
	log "scale $S: $count sockets loaded in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s"
	[ "$count" -eq "$S" ] || log "warning: expected $S sockets, floor lists $count"
	echo "$count" >"$d/count"
	cut -d' ' -f1-3 /proc/loadavg >"$d/loadavg"

	port=10000   # listener 0 of loadgen: 127.0.0.1:10000
	filter=no
	set +e
	"$pnet" --sport 22 -tn >/dev/null 2>&1
	rc=$?
	set -e
	[ "$rc" -le 1 ] && filter=yes
	echo "$filter" >"$d/filter"

	# bench NAME RUNS WARMUP COMMAND...: one hyperfine call; its run times
	# (seconds) are appended to $d/NAME.times.
	bench() {
		local name=$1 n=$2 w=$3
		shift 3
		local rc=0
		# in the background, so that a signal to this script acts at once
		hyperfine -N --style none --output null -w "$w" -r "$n" \
			--export-json "$d/last.json" -n "$name" "$*" >>"$d/hyperfine.log" 2>&1 &
		hf_pid=$!
		wait "$hf_pid" || rc=$?
		hf_pid=
		if [ "$rc" = 0 ]; then
			jq -r '.results[0].times[]' "$d/last.json" >>"$d/$name.times"
			jq -r '.results[0] | "\(.user + .system) \(.times | length)"' "$d/last.json" \
				>>"$d/$name.cpu"
		else
			log "hyperfine failed for '$*' (see $d/hyperfine.log)"
			echo fail >>"$d/$name.failed"
		fi
	}
	fast=("floor" "floor -k" "pnet -tuan" "ss -tuan" "pnet -tln" "ss -tln" "pnet -tuanp" "pnet -tan")
	[ "$filter" = no ] || fast+=("pnet -tan --sport $port")
	fast+=("ss -tan sport = :$port")
	# The fast commands run interleaved, in up to 5 rounds, so that a burst of
	# load on the machine touches all of them alike.
	rounds=$(( runs < 5 ? runs : 5 ))
	per=$(( (runs + rounds - 1) / rounds ))
	for ((i = 1; i <= rounds; i++)); do
		log "scale $S: round $i/$rounds ($per runs of each command)"
		for c in "${fast[@]}"; do
			exe=${c%% *}
			case $exe in pnet) exe=$pnet ;; floor) exe=$floor ;; esac
			bench "$c" "$per" 1 "$exe${c#"${c%% *}"}"
		done
	done
	# ss -tuanp grows quadratically (~10 s per run at 100k sockets, ~50 s at
	# 240k): up to 3 runs, one beyond 100k sockets; netstat up to 2 runs.
	few=$(( runs < 3 ? runs : 3 ))
	[ "$S" -le 100000 ] || few=1
	log "scale $S: ss -tuanp ($few runs)"
	bench "ss -tuanp" "$few" 0 "ss -tuanp"
	if [ "$S" -le "$netstat_max" ]; then
		log "scale $S: netstat -tuan ($(( runs < 2 ? runs : 2 )) runs)"
		bench "netstat -tuan" "$(( runs < 2 ? runs : 2 ))" 0 "netstat -tuan"
		# netstat -p walks /proc with a fixed 211-bucket chained hash: slow at scale
		log "scale $S: netstat -tuanp ($few runs)"
		bench "netstat -tuanp" "$few" 0 "netstat -tuanp"
	fi

	# Peak RSS in KiB (median of 3).
	rss() {
		local name=$1 v a b c
		shift
		a=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1)
		b=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1)
		c=$(/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1)
		v=$(printf '%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p)
		printf '%s\t%s\n' "$name" "$v" >>"$d/rss.tsv"
	}
	: >"$d/rss.tsv"
	rss "pnet -tuan" "$pnet" -tuan
	rss "pnet -tuanp" "$pnet" -tuanp
	rss "ss -tuan" ss -tuan
	rss "floor" "$floor"
	exit 0
fi

# ---------------------------------------------------------------- driver
if [ "$(id -u)" != 0 ] || ! unshare -n true 2>/dev/null; then
	echo "run.sh: needs root and unshare -n" >&2
	exit 77
fi
for t in hyperfine jq ss /usr/bin/time; do
	command -v "$t" >/dev/null || { echo "run.sh: $t is missing" >&2; exit 77; }
done

src=$(cd "$here/.." && pwd)
if [ -z "$pnet" ]; then
	for p in "$src/build/pnet" "$(command -v pnet || true)"; do
		[ -n "$p" ] && [ -x "$p" ] && { pnet=$p; break; }
	done
fi
[ -n "$pnet" ] && [ -x "$pnet" ] || { echo "run.sh: pnet not found (use --pnet PATH)" >&2; exit 2; }
pnet=$(cd "$(dirname "$pnet")" && pwd)/$(basename "$pnet")

work=$(mktemp -d /tmp/pnet-bench.XXXXXX)
child=
finish() {
	local f
	if [ -n "$child" ]; then
		kill -TERM "$child" 2>/dev/null || true
		for f in "$work"/*/loadgen.pid; do
			[ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null || true
		done
		wait "$child" 2>/dev/null || true
	fi
	if [ "$ok" = 1 ]; then
		rm -rf "$work"
	else
		echo "run.sh: failed; raw results kept in $work" >&2
	fi
}
ok=0
trap finish EXIT
trap 'exit 130' INT TERM HUP

# loadgen and floor: next to pnet's build (<build>/bench/), else compiled here.
bdir=$(dirname "$pnet")/bench
for v in loadgen floor; do
	p=${!v}
	if [ -z "$p" ]; then
		if [ -x "$bdir/$v" ] && [ "$bdir/$v" -nt "$here/$v.c" ]; then
			p=$bdir/$v
		else
			${CC:-cc} -std=c17 -D_GNU_SOURCE -O2 -Wall -o "$work/$v" "$here/$v.c"
			p=$work/$v
		fi
	fi
	p=$(cd "$(dirname "$p")" && pwd)/$(basename "$p")
	printf -v "$v" '%s' "$p"
done

IFS=, read -r -a scale_list <<<"$scales"
for S in "${scale_list[@]}"; do
	case $S in ''|*[!0-9]*) echo "run.sh: bad scale '$S'" >&2; exit 2 ;; esac
	[ "$S" -ge 24 ] || { echo "run.sh: scale $S is below 24 sockets" >&2; exit 2; }
	work_dir=$work unshare -n bash "$here/run.sh" --inner "$S" --runs "$runs" --pnet "$pnet" \
		--loadgen "$loadgen" --floor "$floor" --netstat-max "$netstat_max" &
	child=$!
	rc=0
	wait "$child" || rc=$?
	[ "$rc" = 0 ] || { log "scale $S failed ($rc)"; exit "$rc"; }
	child=
	rm -f "$work/$S/loadgen.pid"
done

# ---------------------------------------------------------------- report
med() {   # med SCALE NAME -> median in ms, or empty
	local f="$work/$1/$2.times"
	[ -s "$f" ] && [ ! -e "$work/$1/$2.failed" ] || return 0
	sort -g "$f" | awk '{ t[NR] = $1 } END {
		m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
		printf "%.2f", m * 1000 }'
	return 0
}
cpu() {   # cpu SCALE NAME -> mean user+system CPU time in ms, or empty
	local f="$work/$1/$2.cpu"
	[ -s "$f" ] && [ ! -e "$work/$1/$2.failed" ] || return 0
	awk '{ t += $1 * $2; n += $2 } END { printf "%.2f", t / n * 1000 }' "$f"
	return 0
}
ratio() { # ratio A B -> A/B with 2 decimals, or "-"
	if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; else echo -; fi
}
verdict() { # verdict VALUE LIMIT -> ok/MISS
	[ "$1" = - ] && { echo n/a; return; }
	awk -v v="$1" -v l="$2" 'BEGIN{print (v <= l) ? "ok" : "MISS"}'
}

cpu=$(awk -F': ' '/^model name/{print $2; exit}' /proc/cpuinfo)
{
	echo "# pnet benchmark: $(date -u +%Y-%m-%d)"
	echo
	echo "Machine: $(nproc) CPUs, ${cpu:-unknown CPU}, Linux $(uname -r)," \
		"$(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM."
	echo "Tools: $("$pnet" --version 2>/dev/null | head -n 1), $(ss -V | head -n 1)," \
		"$(netstat -V 2>/dev/null | head -n 1), $(hyperfine --version)."
	echo "Medians of $runs runs, interleaved in $(( runs < 5 ? runs : 5 )) rounds with a warm-up run each (ss -tuanp: up to 3 runs, 1 beyond 100000" \
		"sockets; netstat: up to 2 runs), output to /dev/null."
	echo "\"vs ss\" compares with the ss command of the same selection; \"vs floor\" with bench/floor"
	echo "(sock_diag dumps + one printf per row); \"floor -k\" only dumps and counts (kernel cost)."
	for S in "${scale_list[@]}"; do
		d=$work/$S
		n=$(cat "$d/count")
		filt=$(cat "$d/filter")
		fl=$(med "$S" floor)
		echo
		echo "## $S sockets ($n listed, load average $(cat "$d/loadavg") before timing)"
		echo
		echo "| command | median ms | vs ss | vs floor | ns/socket | CPU ms | CPU vs ss | CPU vs floor |"
		echo "|---|---:|---:|---:|---:|---:|---:|---:|"
		row() {   # row NAME [SS_NAME]
			local m s r f ns c cs cr cf
			m=$(med "$S" "$1")
			if [ -z "$m" ]; then
				echo "| \`$1\` | n/a | - | - | - | - | - | - |"
				return
			fi
			s=${2:+$(med "$S" "$2")}
			r=$(ratio "$m" "$s")
			f=$(ratio "$m" "$fl")
			ns=$(awk -v m="$m" -v n="$n" 'BEGIN{printf "%.0f", m*1e6/n}')
			c=$(cpu "$S" "$1")
			cs=${2:+$(cpu "$S" "$2")}
			cr=$(ratio "$c" "$cs")
			cf=$(ratio "$c" "$(cpu "$S" floor)")
			echo "| \`$1\` | $m | $r | $f | $ns | $c | $cr | $cf |"
		}
		row "pnet -tuan" "ss -tuan"
		row "ss -tuan"
		if [ -f "$d/netstat -tuan.times" ]; then
			row "netstat -tuan" "ss -tuan"
		else
			echo "| \`netstat -tuan\` | skipped (> $netstat_max sockets) | - | - | - | - | - | - |"
		fi
		row "floor"
		row "floor -k"
		row "pnet -tln" "ss -tln"
		row "ss -tln"
		row "pnet -tuanp" "ss -tuanp"
		row "ss -tuanp"
		if [ -f "$d/netstat -tuanp.times" ]; then
			row "netstat -tuanp" "ss -tuanp"
		fi
		row "pnet -tan"
		if [ "$filt" = yes ]; then
			row "pnet -tan --sport 10000" "ss -tan sport = :10000"
		else
			echo "| \`pnet -tan --sport 10000\` | n/a (no port filter in this pnet) | - | - | - | - | - | - |"
		fi
		row "ss -tan sport = :10000"
		echo
		echo "Peak RSS (KiB, median of 3): $(awk -F'\t' '{printf "%s%s %s", sep, $1, $2; sep="; "}' "$d/rss.tsv")"
	done

	last=${scale_list[${#scale_list[@]}-1]}
	first=${scale_list[0]}
	m() { med "$last" "$1"; }
	rssof() { awk -F'\t' -v k="$2" '$1 == k {print $2}' "$work/$1/rss.tsv"; }
	c() { cpu "$last" "$1"; }
	c1=$(ratio "$(c 'pnet -tuan')" "$(c 'ss -tuan')")
	c2=$(ratio "$(c 'pnet -tuan')" "$(c floor)")
	c3=$(ratio "$(c 'pnet -tln')" "$(c 'ss -tln')")
	c4=$(ratio "$(c 'pnet -tuanp')" "$(c 'pnet -tuan')")
	c5=$(ratio "$(c 'pnet -tan --sport 10000')" "$(c 'pnet -tan')")
	cnl=$(awk -v m="$(c 'pnet -tuan')" -v n="$(cat "$work/$last/count")" 'BEGIN{print m*1e6/n}')
	cnf=$(awk -v m="$(cpu "$first" 'pnet -tuan')" -v n="$(cat "$work/$first/count")" 'BEGIN{print m*1e6/n}')
	c6=$(ratio "$cnl" "$cnf")
	r1=$(ratio "$(m 'pnet -tuan')" "$(m 'ss -tuan')")
	r2=$(ratio "$(m 'pnet -tuan')" "$(m floor)")
	r3=$(ratio "$(m 'pnet -tln')" "$(m 'ss -tln')")
	r4=$(ratio "$(m 'pnet -tuanp')" "$(m 'pnet -tuan')")
	r5=$(ratio "$(m 'pnet -tan --sport 10000')" "$(m 'pnet -tan')")
	rl=$(rssof "$last" "pnet -tuan")
	rf=$(rssof "$first" "pnet -tuan")
	nsl=$(awk -v m="$(m 'pnet -tuan')" -v n="$(cat "$work/$last/count")" 'BEGIN{print m*1e6/n}')
	nsf=$(awk -v m="$(med "$first" 'pnet -tuan')" -v n="$(cat "$work/$first/count")" 'BEGIN{print m*1e6/n}')
	r6=$(ratio "$nsl" "$nsf")
	echo
	echo "## Targets at $last sockets"
	echo
	echo "Verdicts use the wall-clock medians; the CPU column (user + system) is"
	echo "less disturbed by other load on the machine."
	echo
	echo "| target | measured | limit | verdict | CPU ratio |"
	echo "|---|---:|---:|---|---:|"
	echo "| pnet -tuan / ss -tuan | $r1 | 0.70 | $(verdict "$r1" 0.7) | $c1 |"
	echo "| pnet -tuan / floor | $r2 | 1.30 | $(verdict "$r2" 1.3) | $c2 |"
	echo "| pnet -tln / ss -tln | $r3 | 1.00 | $(verdict "$r3" 1.0) | $c3 |"
	echo "| pnet -tuanp / pnet -tuan | $r4 | 2.50 | $(verdict "$r4" 2.5) | $c4 |"
	echo "| pnet -tan --sport / pnet -tan | $r5 | 0.50 | $(verdict "$r5" 0.5) | $c5 |"
	echo "| pnet -tuan peak RSS (KiB) | ${rl:--} | 3072 | $(verdict "${rl:--}" 3072) | - |"
	echo "| pnet -tuan RSS growth $first -> $last (KiB) | $(( ${rl:-0} - ${rf:-0} )) | 256 | $(verdict $(( ${rl:-0} - ${rf:-0} )) 256) | - |"
	echo "| pnet -tuan ns/socket $last vs $first | $r6 | 1.25 | $(verdict "$r6" 1.25) | $c6 |"
} >"$work/table.md"

mkdir -p "$(dirname "$out")"
cp "$work/table.md" "$out"
cat "$out"
ok=1
