// SPDX-License-Identifier: MIT
// The driver bench/callgrind.sh runs under valgrind: the workloads of records_bench.cpp without
// any timing (usage: bench_main.hpp, run_untimed).
#include "bench_main.hpp"
#include "records_workload.hpp"

int main(int argc, char** argv) {
  const vsmmu_bench::Data data = vsmmu_bench::load_data();
  return vsmmu_bench_main::run_untimed(argc, argv, data, vsmmu_bench::workloads(data));
}
