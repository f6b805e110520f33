// SPDX-License-Identifier: MIT
// The driver bench/callgrind.sh runs under valgrind: the workloads of device_bench.cpp without
// any timing (usage: bench_main.hpp, run_untimed).
#include "bench_main.hpp"
#include "device_workload.hpp"

int main(int argc, char** argv) {
  const vsmmu_device_bench::Data data = vsmmu_device_bench::load_data();
  return vsmmu_bench_main::run_untimed(argc, argv, data, vsmmu_device_bench::workloads(data));
}
