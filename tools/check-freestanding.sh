#!/usr/bin/env bash
# Proves the headers under include/ need no C++ runtime: every public header, plus a
# translation unit that really instantiates the encoders, decoders and visitors
# (tests/freestanding/exercise.cpp), is compiled as kernel code would be, and the objects
# must have no undefined symbols (no libstdc++, no exception or RTTI support, no libc beyond
# the memcpy/memmove/memset/memcmp every freestanding environment provides, see below).
#
# usage: tools/check-freestanding.sh [CXX]     CXX defaults to aarch64-linux-gnu-g++
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cxx=${1:-aarch64-linux-gnu-g++}
case "$cxx" in
  *-g++) nm=${cxx%g++}nm ;;        # aarch64-linux-gnu-g++ -> aarch64-linux-gnu-nm
  *) nm=nm ;;
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

# The only symbols allowed are memcpy, memmove, memset and memcmp: GCC and clang may emit calls
# to them for any struct copy or zeroing, even with -ffreestanding, and GCC documents that every
# freestanding environment must provide them (GCC manual, "C Language Standards"). Every kernel
# does (Xen, Linux); they are not a C++ runtime.
undefined=$("$nm" -u "$work/all_headers.o" "$work/exercise.o" | grep -v -e '^$' -e ':$' \
  | grep -v -w -e memcpy -e memmove -e memset -e memcmp || true)
if [ -n "$undefined" ]; then
  echo "check-freestanding: undefined symbols (the headers need a runtime):" >&2
  echo "$undefined" >&2
  exit 1
fi
# The exercise must have produced real code, or the check above proves nothing.
defined=$("$nm" --defined-only "$work/exercise.o" | grep -c ' T vsmmu_fs_' || true)
if [ "$defined" -lt 4 ]; then
  echo "check-freestanding: exercise.o defines only $defined vsmmu_fs_* functions" >&2
  exit 1
fi
echo "check-freestanding: $cxx: $(wc -l < "$work/all_headers.cpp") headers (together and each alone), $defined exercised functions, no undefined symbols beyond memcpy/memmove/memset/memcmp"
