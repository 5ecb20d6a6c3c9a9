#!/bin/sh
# Builds libdemikv_dpdk_shim.so (DPDK's inline rx/tx burst and mbuf functions as plain exported symbols)
# into the directory given as $1, when gcc and DPDK's development files (pkg-config libdpdk) are present.
# Without them it says why and succeeds: the build must work on machines without DPDK, and the DPDK
# device then reports "DPDK shim not built" at start-up. Called by net-catnip's Maven build
# (process-classes); usable by hand: sh build-shim.sh <output-dir>.
set -eu
out_dir=${1:?usage: build-shim.sh OUTPUT_DIR}
src_dir=$(dirname "$0")
lib="$out_dir/libdemikv_dpdk_shim.so"

skip() {
    echo "[demikv-dpdk-shim] not built: $1 (install: apt-get install dpdk libdpdk-dev gcc pkg-config)"
    rm -f "$lib"
    exit 0
}

[ "${DEMIKV_SKIP_DPDK_SHIM:-}" = "" ] || skip "DEMIKV_SKIP_DPDK_SHIM is set"
command -v gcc >/dev/null 2>&1 || skip "gcc is missing"
command -v pkg-config >/dev/null 2>&1 || skip "pkg-config is missing"
pkg-config --exists libdpdk || skip "pkg-config finds no libdpdk"

mkdir -p "$out_dir"
# Rebuild only when the source changed (mvn runs this on every build).
if [ -f "$lib" ] && [ "$lib" -nt "$src_dir/demikv_dpdk_shim.c" ] && [ "$lib" -nt "$0" ]; then
    exit 0
fi
# A DPDK whose headers do not compile with this shim must not break the build either: say so loudly.
# shellcheck disable=SC2046 # pkg-config output is a list of flags
if ! gcc -O2 -g -fPIC -shared -Wall -Wextra -o "$lib.tmp" "$src_dir/demikv_dpdk_shim.c" \
    $(pkg-config --cflags libdpdk) $(pkg-config --libs libdpdk); then
    rm -f "$lib.tmp"
    echo "[demikv-dpdk-shim] WARNING: gcc failed against DPDK $(pkg-config --modversion libdpdk) (see above)"
    skip "compile error"
fi
mv "$lib.tmp" "$lib"
echo "[demikv-dpdk-shim] built $lib against DPDK $(pkg-config --modversion libdpdk)"
