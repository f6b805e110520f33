#!/usr/bin/env bash
# Instructions per record of every benchmark workload, counted by valgrind's callgrind: a number
# that does not move with the machine's load, unlike a time.
#
#   bench/callgrind.sh                    build the `bench` preset, then count records_count,
#                                         sanitizer_count and device_count
#   bench/callgrind.sh DRIVER...          count these drivers (e.g. another build's
#                                         path/to/sanitizer_count)
#   WORKLOADS=REGEX bench/callgrind.sh    only the workloads whose name matches (grep -E)
#
# Each workload (bench/records_workload.hpp, bench/sanitizer_workload.hpp,
# bench/device_workload.hpp) runs LOW and then HIGH batches in its driver; the difference of the
# two instruction totals, divided by the records in HIGH - LOW batches, is the cost of one record
# (a command, an STE, ...) with start-up (loading the data, the dynamic loader, ...) cancelled.
# Prints one markdown table per driver (docs/performance.md has them).
#
# No ratio to memcpy here: glibc's memcpy of a 16 KiB batch is a `rep movsb`, which callgrind
# counts as one instruction per byte moved, so its count says nothing about its cost. The
# memcpy rows are printed anyway (a "record" of memcpy/N is a byte), to show exactly that.
set -euo pipefail
cd "$(dirname "$0")/.."

LOW=${LOW:-10}
HIGH=${HIGH:-110}
WORKLOADS=${WORKLOADS:-.}

if [ $# -ge 1 ]; then
  drivers=("$@")
else
  cmake --preset bench >/dev/null
  cmake --build --preset bench --target records_count sanitizer_count device_count >/dev/null
  drivers=(build/bench/bench/records_count build/bench/bench/sanitizer_count build/bench/bench/device_count)
fi
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is missing (tools/install-deps.sh)" >&2; exit 1; }

# Instructions (Ir) callgrind counted for one run of driver $1 on workload $2, $3 batches.
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" "$2" "$3" 2>&1 |
    sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
}

for driver in "${drivers[@]}"; do
  echo
  echo "$(basename "$driver"):"
  echo
  echo "| workload | records/batch | instructions/record |"
  echo "| --- | ---: | ---: |"
  while read -r name records _bytes; do
    echo "$name" | grep -Eq -- "$WORKLOADS" || continue
    low=$(instructions "$driver" "$name" "$LOW")
    high=$(instructions "$driver" "$name" "$HIGH")
    [ -n "$low" ] && [ -n "$high" ] || { echo "callgrind.sh: no instruction count for $name" >&2; exit 1; }
    per_record=$(awk -v d="$((high - low))" -v n="$(((HIGH - LOW) * records))" 'BEGIN { printf "%.2f", d / n }')
    echo "| $name | $records | $per_record |"
  done < <("$driver" list)
done
