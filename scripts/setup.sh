#!/bin/sh
# Install what pnet needs on Debian 12, build it (warnings are errors) and run it.
# Run as root from the top of the source tree.
set -eu
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends \
	build-essential cmake pkg-config libmnl-dev libcmocka-dev \
	net-tools iproute2 util-linux procps groff-base \
	clang libclang-rt-14-dev valgrind jq dnsmasq-base hyperfine time
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPNET_WERROR=ON
cmake --build build -j"$(nproc)"
./build/pnet -tuln
