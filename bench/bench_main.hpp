// SPDX-License-Identifier: MIT
// The two programs every subject of bench/ has, written once: `run_benchmarks` is the main of
// a Google Benchmark binary (<subject>_bench) and `run_untimed` the main of its untimed twin
// (<subject>_count) that bench/callgrind.sh runs under valgrind.
//
// A subject provides a Data type, a Workload type with `name`, `records`, `bytes` and
// `run(const Data&)`, its workloads (memcpy/N among them) and `baseline_for(all, w)`, the
// memcpy workload of the same bytes.
//
// The memcpy time a ratio divides by is measured once at start-up, before any benchmark, by
// `calibrate`: the same copy the memcpy/N benchmarks run, timed on this thread's CPU clock (the
// clock Google Benchmark's cpu_time is) as the median of 9 samples of >= 20 ms. A ratio is then
// a plain division of this run's two CPU times, computed by the library (a rate counter,
// inverted). The memcpy/N benchmarks report x_memcpy too: it shows how well the calibration
// agrees with the library's own measurement (expect 1.00 +- a few %).
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>
#include <vector>

namespace vsmmu_bench_main {

inline double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Seconds of thread CPU time one run of `w` takes: the median of 9 samples, each a loop long
/// enough (>= 20 ms) for the clock's resolution not to matter.
template <class Workload, class Data>
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

template <class Workload, class Data>
void run(benchmark::State& state, const Workload* w, const Data* d, double baseline_seconds) {
  for (auto _ : state) w->run(*d);
  const auto records = static_cast<double>(w->records);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * w->records));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * w->bytes));
  // Rate counters divide by the benchmark's CPU time; kInvert turns value/time into
  // time/value: CPU seconds / (iterations x records x 1e-9) = ns per record, and
  // CPU seconds / (iterations x baseline seconds per batch) = batch time / memcpy batch time.
  const auto per = benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert;
  state.counters["ns_per_record"] = benchmark::Counter(records * 1e-9, per);
  state.counters["x_memcpy"] = benchmark::Counter(baseline_seconds, per);
}

/// main() of <subject>_bench: calibrate the memcpy baselines, register "<subject>/<workload>"
/// for every workload, run. `data` and `all` must outlive the call (the benchmarks point into
/// them).
template <class Data, class Workload, class BaselineFor>
int run_benchmarks(int argc, char** argv, const std::string& subject, const std::string& context, const Data& data,
                   const std::vector<Workload>& all, BaselineFor baseline_for) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::map<std::string, double> baseline;  // memcpy workload name -> seconds per batch
  for (const auto& w : all) {
    if (w.name.rfind("memcpy/", 0) != 0) continue;
    baseline[w.name] = calibrate(w, data);
    char ns[32];
    std::snprintf(ns, sizeof ns, "%.1f", baseline[w.name] * 1e9);
    benchmark::AddCustomContext("calibrated " + w.name + " ns", ns);
  }
  benchmark::AddCustomContext(subject, context);
  for (const auto& w : all) {
    const double b = baseline.at(baseline_for(all, w).name);
    benchmark::RegisterBenchmark((subject + "/" + w.name).c_str(), run<Workload, Data>, &w, &data, b);
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

/// main() of <subject>_count, without any timing, so the number of instructions executed
/// depends only on the arguments:
///   <subject>_count list           the workload names, one a line, with records and bytes per batch
///   <subject>_count NAME BATCHES   run workload NAME BATCHES times
///   <subject>_count all BATCHES    every workload BATCHES times (CTest's smoke run)
template <class Data, class Workload>
int run_untimed(int argc, char** argv, const Data& data, const std::vector<Workload>& all) {
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

}  // namespace vsmmu_bench_main
