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
// The memcpy time a ratio divides by is calibrated once at start-up exactly as records_bench.cpp
// does it: the memcpy/N workload timed on this thread's CPU clock, median of 9 samples of
// >= 20 ms; the library then divides the benchmark's own CPU time by it (an inverted rate
// counter). The memcpy/N rows' own x_memcpy shows how far the calibration is off in this run.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "sanitizer_workload.hpp"

namespace {

using vsmmu_sanitizer_bench::Data;
using vsmmu_sanitizer_bench::Workload;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Seconds of thread CPU time one run of `w` takes: the median of 9 samples, each a loop long
/// enough (>= 20 ms) for the clock's resolution not to matter.
double calibrate(const Workload& w, const Data& d) {
  long reps = 1;
  for (;;) {
    const double t0 = thread_cpu_seconds();
    for (long i = 0; i < reps; ++i) w.run(d);
    if (thread_cpu_seconds() - t0 >= 0.02) break;
    reps *= 2;
  }
  std::vector<double> samples;
  for (int s = 0; s < 9; ++s) {
    const double t0 = thread_cpu_seconds();
    for (long i = 0; i < reps; ++i) w.run(d);
    samples.push_back((thread_cpu_seconds() - t0) / static_cast<double>(reps));
  }
  std::nth_element(samples.begin(), samples.begin() + 4, samples.end());
  return samples[4];
}

void run(benchmark::State& state, const Workload* w, const Data* d, double baseline_seconds) {
  for (auto _ : state) w->run(*d);
  const auto records = static_cast<double>(w->records);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * w->records));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * w->bytes));
  // Inverted rate counters: CPU seconds / (iterations x records x 1e-9) = ns per record, and
  // CPU seconds / (iterations x baseline seconds per batch) = batch time / memcpy batch time.
  const auto per = benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert;
  state.counters["ns_per_record"] = benchmark::Counter(records * 1e-9, per);
  state.counters["x_memcpy"] = benchmark::Counter(baseline_seconds, per);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  // Static storage: the registered benchmarks point into these until the program ends.
  static const Data data = vsmmu_sanitizer_bench::load_data();
  static const std::vector<Workload> all = vsmmu_sanitizer_bench::workloads(data);

  std::map<std::string, double> baseline;  // memcpy workload name -> seconds per batch
  for (const auto& w : all) {
    if (w.name.rfind("memcpy/", 0) != 0) continue;
    baseline[w.name] = calibrate(w, data);
    char ns[32];
    std::snprintf(ns, sizeof ns, "%.1f", baseline[w.name] * 1e9);
    benchmark::AddCustomContext("calibrated " + w.name + " ns", ns);
  }
  benchmark::AddCustomContext("sanitizer", "tests/data/linux-6.1.192-2 (commands, STEs, CDs) under a QEMU-like "
                                           "policy; commands/mix: 256 Linux-shaped commands");

  for (const auto& w : all) {
    const double b = baseline.at(vsmmu_sanitizer_bench::baseline_for(all, w).name);
    benchmark::RegisterBenchmark(("sanitizer/" + w.name).c_str(), run, &w, &data, b);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
