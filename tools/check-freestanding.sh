#!/usr/bin/env bash
# Proves the headers under include/ need no C++ runtime: every public header, plus a
# translation unit that really instantiates the encoders, decoders and visitors
# (tests/freestanding/exercise.cpp), is compiled as kernel code would be, and the objects
# must have no undefined symbols (no libstdc++, no exception or RTTI support, no libc beyond
# the memcpy/memmove/memset/memcmp every freestanding environment provides, see below).
# The C ABI (src/vsmmu_c_api.cpp) is held to the same rule, must define every function its
# header declares, and its header (include/vsmmu/c_api.h) must compile as freestanding C11.
#
# usage: tools/check-freestanding.sh [CXX]     CXX defaults to aarch64-linux-gnu-g++
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cxx=${1:-aarch64-linux-gnu-g++}
case "$cxx" in
  *-g++) nm=${cxx%g++}nm; cc=${cxx%g++}gcc ;;  # aarch64-linux-gnu-g++ -> aarch64-linux-gnu-nm/gcc
  *clang++*) nm=nm; cc=${cxx/clang++/clang} ;;
  *g++*) nm=nm; cc=${cxx/g++/gcc} ;;
  *) nm=nm; cc=cc ;;
esac
command -v "$cxx" >/dev/null || { echo "check-freestanding: $cxx not found (tools/install-deps.sh installs it)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One translation unit that includes every public header, so a new header is covered
# without anyone remembering to add it.
(cd "$root/include" && find . -name '*.hpp' -o -name '*.h' | sort | sed 's|^\./|#include <|; s|$|>|') > "$work/all_headers.cpp"

flags=(-std=c++20 -ffreestanding -fno-exceptions -fno-rtti -nostdlib -O2
       -Wall -Wextra -Wpedantic -Werror -I "$root/include")
"$cxx" "${flags[@]}" -c "$work/all_headers.cpp" -o "$work/all_headers.o"
# Each header also stands on its own (includes what it uses).
while read -r include; do
  echo "$include" | "$cxx" "${flags[@]}" -fsyntax-only -x c++ - || { echo "check-freestanding: $include does not compile alone" >&2; exit 1; }
done < "$work/all_headers.cpp"
"$cxx" "${flags[@]}" -c "$root/tests/freestanding/exercise.cpp" -o "$work/exercise.o"
"$cxx" "${flags[@]}" -c "$root/src/vsmmu_c_api.cpp" -o "$work/vsmmu_c_api.o"
command -v "$cc" >/dev/null || { echo "check-freestanding: $cc (the C compiler of $cxx) not found" >&2; exit 2; }
echo '#include <vsmmu/c_api.h>' | "$cc" -std=c11 -ffreestanding -Wall -Wextra -Wpedantic -Werror -I "$root/include" \
  -fsyntax-only -x c - || { echo "check-freestanding: vsmmu/c_api.h is not C11" >&2; exit 1; }

# The only symbols allowed are memcpy, memmove, memset and memcmp: GCC and clang may emit calls
# to them for any struct copy or zeroing, even with -ffreestanding, and GCC documents that every
# freestanding environment must provide them (GCC manual, "C Language Standards"). Every kernel
# does (Xen, Linux); they are not a C++ runtime.
undefined=$("$nm" -u "$work/all_headers.o" "$work/exercise.o" "$work/vsmmu_c_api.o" | grep -v -e '^$' -e ':$' \
  | grep -v -w -e memcpy -e memmove -e memset -e memcmp || true)
if [ -n "$undefined" ]; then
  echo "check-freestanding: undefined symbols (the headers or the C ABI need a runtime):" >&2
  echo "$undefined" >&2
  exit 1
fi
# The exercise must have produced real code, or the check above proves nothing.
defined=$("$nm" --defined-only "$work/exercise.o" | grep -c ' T vsmmu_fs_' || true)
if [ "$defined" -lt 4 ]; then
  echo "check-freestanding: exercise.o defines only $defined vsmmu_fs_* functions" >&2
  exit 1
fi
# Every function c_api.h declares is defined, with C linkage (an unmangled name).
declared=$(sed -n 's/^[a-z][^(]*[ *]\(vsmmu_[a-z_]*\)(.*/\1/p' "$root/include/vsmmu/c_api.h" | sort -u)
c_functions=0
for f in $declared; do
  "$nm" --defined-only "$work/vsmmu_c_api.o" | grep -q " T $f\$" \
    || { echo "check-freestanding: vsmmu_c_api.o does not define $f" >&2; exit 1; }
  c_functions=$((c_functions + 1))
done
if [ "$c_functions" -lt 10 ]; then
  echo "check-freestanding: found only $c_functions function declarations in vsmmu/c_api.h" >&2
  exit 1
fi
echo "check-freestanding: $cxx: $(wc -l < "$work/all_headers.cpp") headers (together and each alone), $defined exercised functions, the C ABI's $c_functions functions (its header as C11 by $cc), no undefined symbols beyond memcpy/memmove/memset/memcmp"
