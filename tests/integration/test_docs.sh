#!/bin/bash
# The man page renders without groff warnings and documents every long option
# that `pnet --help` lists; the README's quick start is the two CI commands.
set -u
src=${PNET_SRC:?} pnet=${PNET:?}
fail=0 pass=0
ok() { pass=$((pass + 1)); echo "OK   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }

if ! command -v groff >/dev/null; then
	if [ "${CI:-}" = true ]; then echo "FAIL: groff missing"; exit 1; fi
	echo "SKIP: groff is not installed"; exit 77
fi
warn=$(groff -man -ww -z "$src/man/pnet.1" 2>&1)
[ -z "$warn" ] && ok "groff -ww renders man/pnet.1 cleanly" || bad "groff warnings: $warn"

for opt in $("$pnet" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
	# man pages escape '-' as '\-'
	esc=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
	if grep -q -- "$esc" "$src/man/pnet.1"; then ok "man page documents $opt"
	else bad "man page does not document $opt"; fi
done

grep -q '^\./scripts/setup\.sh' "$src/README.md" && grep -q '^\./scripts/test\.sh' "$src/README.md" &&
	grep -q 'scripts/setup.sh' "$src/.ci/run" && grep -q 'scripts/test.sh' "$src/.ci/run" &&
	ok "README quick start and .ci/run use the same two commands" ||
	bad "README quick start and .ci/run disagree"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
