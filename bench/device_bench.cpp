// SPDX-License-Identifier: MIT
// Benchmarks of the vSMMU device (include/vsmmu/device.hpp): the full trap path, from the guest's
// CMDQ_PROD write through Device::write, read_guest of the ring, the sanitizer and
// submit_commands into the host's queue, for Linux-shaped traffic published 1 to 256 commands
// per CMDQ_PROD write and for one opcode class at a time, each with a memcpy of the same bytes
// in the same pieces in the same run, so every result is also given as a ratio to memcpy.
// bench/device_workload.hpp has the workloads, docs/performance.md the results and how to
// reproduce them.
//
// Counters of every benchmark, as bench/records_bench.cpp reports them:
//   ns_per_record   CPU time per guest command
//   x_memcpy        ns_per_record / (memcpy ns per command of the same bytes in the same pieces)
//   bytes_per_second, items_per_second (items are guest commands; for memcpy/CxK, bytes)
//
// The memcpy time a ratio divides by is calibrated once at start-up, before any benchmark
// (bench_main.hpp says how).
#include <vector>

#include "bench_main.hpp"
#include "device_workload.hpp"

int main(int argc, char** argv) {
  // Static storage: the registered benchmarks point into these until the program ends.
  static const vsmmu_device_bench::Data data = vsmmu_device_bench::load_data();
  static const std::vector<vsmmu_device_bench::Workload> all = vsmmu_device_bench::workloads(data);
  const auto baseline_for = [](const auto& ws, const auto& w) -> const auto& { return vsmmu_device_bench::baseline_for(ws, w); };
  return vsmmu_bench_main::run_benchmarks(argc, argv, "device", "tests/data/linux-6.1.192-2 commands and STEs under a QEMU-like "
                                          "policy, through vsmmu::Device: a 256-entry guest ring, one lap per iteration; "
                                          "mix/N: 256 Linux-shaped commands, N per CMDQ_PROD write", data, all, baseline_for);
}
