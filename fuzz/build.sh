#!/usr/bin/env bash
# Build the libFuzzer targets (fuzz_sockdiag, fuzz_procnet, fuzz_services) with
# clang -fsanitize=fuzzer,address,undefined against every library source.
# Usage: fuzz/build.sh [OUTDIR]   (default: <source root>/build-fuzz; CC overrides clang-14)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out=${1:-$root/build-fuzz}
cc=${CC:-clang-14}
command -v "$cc" >/dev/null || { echo "fuzz/build.sh: $cc not found" >&2; exit 1; }
mkdir -p "$out/obj"

san=("-fsanitize=address,undefined" -fno-sanitize-recover=undefined)
read -ra mnl_cflags <<<"$(pkg-config --cflags libmnl)"
read -ra mnl_libs <<<"$(pkg-config --libs libmnl)"
cflags=(-std=c17 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer -Wall -Wextra
	-I"$root/include" "${mnl_cflags[@]}")
libs=("${mnl_libs[@]}" -lpthread -lm)

objs=()
for src in "$root"/src/*.c; do
	[ "$(basename "$src")" = main.c ] && continue
	obj="$out/obj/$(basename "$src" .c).o"
	"$cc" "${cflags[@]}" "${san[@]}" -fsanitize=fuzzer-no-link -c "$src" -o "$obj"
	objs+=("$obj")
done
for t in fuzz_sockdiag fuzz_procnet fuzz_services; do
	"$cc" "${cflags[@]}" -Werror "${san[@]}" -fsanitize=fuzzer "$here/$t.c" "${objs[@]}" "${libs[@]}" \
		-o "$out/$t"
	echo "built $out/$t"
done
