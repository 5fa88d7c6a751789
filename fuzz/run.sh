#!/usr/bin/env bash
# Run each fuzz target for SECONDS (default 60) from a seed corpus: fuzz/corpus/<target>
# plus, for fuzz_sockdiag, the recorded dumps tests/fixtures/*.bin. New inputs go to a
# scratch corpus under OUTDIR, never into the source tree. Exits non-zero on any crash
# (the reproducer is left in OUTDIR/crashes/).
# Usage: fuzz/run.sh [SECONDS] [OUTDIR]   (builds into OUTDIR first when needed)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
secs=${1:-60}
out=${2:-$root/build-fuzz}
case $secs in ''|*[!0-9]*) echo "fuzz/run.sh: bad SECONDS: $secs" >&2; exit 2;; esac
for t in fuzz_sockdiag fuzz_procnet fuzz_services; do
	[ -x "$out/$t" ] || { "$here/build.sh" "$out"; break; }
done
mkdir -p "$out/crashes"
status=0
for t in fuzz_sockdiag fuzz_procnet fuzz_services; do
	name=${t#fuzz_}
	work="$out/corpus-$name"
	mkdir -p "$work"
	seeds=("$here/corpus/$name")
	if [ "$name" = sockdiag ] && compgen -G "$root/tests/fixtures/*.bin" >/dev/null; then
		seeds+=("$root/tests/fixtures")
	fi
	echo "== $t: ${secs}s, seeds: ${seeds[*]}"
	if ! "$out/$t" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$out/crashes/$name-" -print_final_stats=1 \
		"$work" "${seeds[@]}" 2>"$out/$t.log"; then
		echo "FAIL: $t found a crash; see $out/$t.log and $out/crashes/" >&2
		tail -40 "$out/$t.log" >&2
		status=1
	fi
	grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$out/$t.log" || true
done
exit $status
