// SPDX-License-Identifier: MIT
// The driver bench/callgrind.sh runs under valgrind: the workloads of sanitizer_bench.cpp
// without any timing, so the number of instructions executed depends only on the arguments.
//
//   sanitizer_count list           the workload names, one a line, with records and bytes per batch
//   sanitizer_count NAME BATCHES   load the data, then run workload NAME BATCHES times
//   sanitizer_count all BATCHES    every workload BATCHES times (CTest's smoke run)
#include <cstdio>
#include <cstdlib>
#include <string>

#include "sanitizer_workload.hpp"

int main(int argc, char** argv) {
  const vsmmu_sanitizer_bench::Data data = vsmmu_sanitizer_bench::load_data();
  const auto all = vsmmu_sanitizer_bench::workloads(data);
  if (argc == 2 && std::string(argv[1]) == "list") {
    for (const auto& w : all) std::printf("%s %zu %zu\n", w.name.c_str(), w.records, w.bytes);
    return 0;
  }
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s list | %s NAME|all BATCHES\n", argv[0], argv[0]);
    return 2;
  }
  const std::string name = argv[1];
  const long batches = std::strtol(argv[2], nullptr, 10);
  bool found = false;
  for (const auto& w : all) {
    if (name != "all" && w.name != name) continue;
    found = true;
    for (long i = 0; i < batches; ++i) w.run(data);
  }
  if (!found) {
    std::fprintf(stderr, "no workload named %s (try: %s list)\n", name.c_str(), argv[0]);
    return 2;
  }
  return 0;
}
