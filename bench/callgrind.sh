#!/usr/bin/env bash
# Instructions per record of every record-layer workload, counted by valgrind's callgrind: a
# number that does not move with the machine's load, unlike a time.
#
#   bench/callgrind.sh                    build the `bench` preset, then count
#   bench/callgrind.sh path/to/records_count
#
# Each workload (bench/records_workload.hpp) runs LOW and then HIGH batches in records_count;
# the difference of the two instruction totals, divided by the records in HIGH - LOW batches, is
# the cost of one record with start-up (loading the data, the dynamic loader, ...) cancelled.
# Prints a markdown table (docs/performance.md has one).
#
# No ratio to memcpy here: glibc's memcpy of a 16 KiB batch is a `rep movsb`, which callgrind
# counts as one instruction per byte moved, so its count says nothing about its cost. The
# memcpy rows are printed anyway (a "record" of memcpy/N is a byte), to show exactly that.
set -euo pipefail
cd "$(dirname "$0")/.."

LOW=${LOW:-10}
HIGH=${HIGH:-110}

if [ $# -ge 1 ]; then
  driver=$1
else
  cmake --preset bench >/dev/null
  cmake --build --preset bench --target records_count >/dev/null
  driver=build/bench/bench/records_count
fi
command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is missing (tools/install-deps.sh)" >&2; exit 1; }

# Instructions (Ir) callgrind counted for one run of the driver.
instructions() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$driver" "$1" "$2" 2>&1 |
    sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
}

echo "| workload | records/batch | instructions/record |"
echo "| --- | ---: | ---: |"
while read -r name records _bytes; do
  low=$(instructions "$name" "$LOW")
  high=$(instructions "$name" "$HIGH")
  [ -n "$low" ] && [ -n "$high" ] || { echo "callgrind.sh: no instruction count for $name" >&2; exit 1; }
  per_record=$(awk -v d="$((high - low))" -v n="$(((HIGH - LOW) * records))" 'BEGIN { printf "%.2f", d / n }')
  echo "| $name | $records | $per_record |"
done < <("$driver" list)
