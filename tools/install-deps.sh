#!/usr/bin/env bash
# Installs what building, testing and checking vsmmu needs on Debian 12 (bookworm).
# The library itself needs nothing but a C++20 compiler; the rest is for tests and tools.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang libclang-rt-14-dev   # both compilers, sanitizer runtimes
  libgtest-dev                                     # tests
  device-tree-compiler acpica-tools                # dtc and iasl: firmware description tests
  libbenchmark-dev valgrind                        # benchmarks, instruction counts
  g++-aarch64-linux-gnu binutils-aarch64-linux-gnu # freestanding aarch64 check
)

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root or install sudo" >&2; exit 1; }
  as_root=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
