// SPDX-License-Identifier: MIT
// Benchmarks of the sanitizer (include/vsmmu/): sanitize_command per opcode class, a batch of
// Linux-shaped traffic and the whole Linux capture through sanitize_commands, sanitize_ste and
// validate_cd, each with a memcpy of the same number of bytes in the same run, so every result
// is also given as a ratio to memcpy. bench/sanitizer_workload.hpp has the workloads,
// docs/performance.md the results and how to reproduce them.
//
// Counters of every benchmark, as bench/records_bench.cpp reports them:
//   ns_per_record   CPU time per command (STE, CD)
//   x_memcpy        ns_per_record / (memcpy ns per record of the same bytes)
//   bytes_per_second, items_per_second (items are commands, STEs or CDs; for memcpy/N, bytes)
//
// The memcpy time a ratio divides by is calibrated once at start-up, before any benchmark
// (bench_main.hpp says how).
#include <vector>

#include "bench_main.hpp"
#include "sanitizer_workload.hpp"

int main(int argc, char** argv) {
  // Static storage: the registered benchmarks point into these until the program ends.
  static const vsmmu_sanitizer_bench::Data data = vsmmu_sanitizer_bench::load_data();
  static const std::vector<vsmmu_sanitizer_bench::Workload> all = vsmmu_sanitizer_bench::workloads(data);
  const auto baseline_for = [](const auto& ws, const auto& w) -> const auto& { return vsmmu_sanitizer_bench::baseline_for(ws, w); };
  return vsmmu_bench_main::run_benchmarks(argc, argv, "sanitizer", "tests/data/linux-6.1.192-2 (commands, STEs, CDs) under a QEMU-like "
                                           "policy; commands/mix: 256 Linux-shaped commands", data, all, baseline_for);
}
