// SPDX-License-Identifier: MIT
// Benchmarks of the record layer (include/smmuv3/): decode and encode of each record kind, and
// a memcpy of the same number of bytes in the same run, so each result is also given as a ratio
// to memcpy, the number that carries from one machine to another. docs/performance.md has the
// results and how to reproduce them.
//
// Counters of every benchmark:
//   ns_per_record   CPU time per record
//   x_memcpy        ns_per_record / (memcpy ns per record of the same bytes): how many memcpys
//                   of a record one decode or encode costs
//   bytes_per_second, items_per_second (items are records; for memcpy/N, bytes)
//
// The memcpy time a ratio divides by is calibrated once at start-up, before any benchmark
// (bench_main.hpp says how).
#include <vector>

#include "bench_main.hpp"
#include "records_workload.hpp"

int main(int argc, char** argv) {
  // Static storage: the registered benchmarks point into these until the program ends.
  static const vsmmu_bench::Data data = vsmmu_bench::load_data();
  static const std::vector<vsmmu_bench::Workload> all = vsmmu_bench::workloads(data);
  const auto baseline_for = [](const auto& ws, const auto& w) -> const auto& { return vsmmu_bench::baseline_for(ws, w); };
  return vsmmu_bench_main::run_benchmarks(argc, argv, "records", "tests/data/linux-6.1.192-2 (commands, STE, CD, L1STD, CR0, IDR0); "
                                         "Linux-shaped synthetic events", data, all, baseline_for);
}
