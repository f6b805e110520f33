// SPDX-License-Identifier: MIT
// The record-layer workloads, shared by records_bench.cpp (Google Benchmark: time) and
// records_count.cpp (the driver bench/callgrind.sh runs under valgrind: instructions), so both
// measure exactly the same loops.
//
// A workload is one batch: decode or encode every record of a ~16 KiB array of records of one
// kind, or memcpy the same number of bytes (the baseline every result is divided by). The
// records are real where the capture has them (tests/data/linux-6.1.192-2: the 1006 commands
// the Linux 6.1 arm-smmu-v3 driver issued, its STEs, CDs and L1 stream table descriptors, the
// register values it wrote) and Linux-shaped otherwise (events: the capture has none).
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

#include "smmuv3/smmuv3.hpp"

#ifndef VSMMU_BENCH_DATA_DIR
#error "VSMMU_BENCH_DATA_DIR must name tests/data/linux-6.1.192-2 (bench/CMakeLists.txt sets it)"
#endif

namespace vsmmu_bench {

/// Every batch is this many bytes (commands: the whole capture, 1006 x 16 = 16096 bytes), so the
/// source and a memcpy destination both stay in a 48 KiB L1 data cache.
inline constexpr std::size_t kBatchBytes = 16384;

template <std::size_t N>
using Batch = std::vector<smmuv3::Words<N>>;

[[noreturn]] inline void fail(const std::string& what) {
  std::fprintf(stderr, "records workload: %s\n", what.c_str());
  std::exit(2);
}

inline std::string data_path(const char* file) { return std::string(VSMMU_BENCH_DATA_DIR) + "/" + file; }

inline std::vector<unsigned char> read_file(const char* file) {
  const std::string path = data_path(file);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) fail("cannot open " + path);
  std::vector<unsigned char> bytes;
  unsigned char buf[4096];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.insert(bytes.end(), buf, buf + n);
  std::fclose(f);
  return bytes;
}

/// Records stored as raw little-endian bytes (cmdq.bin, strtab-l1.bin).
template <std::size_t N>
Batch<N> read_binary(const char* file) {
  const std::vector<unsigned char> bytes = read_file(file);
  if (bytes.empty() || bytes.size() % (8 * N) != 0) fail(std::string(file) + ": not a whole number of records");
  Batch<N> out;
  for (std::size_t i = 0; i < bytes.size(); i += 8 * N) out.push_back(smmuv3::load_le<N>(&bytes[i]));
  return out;
}

/// Records stored as text, N hexadecimal words a line (the capture's ste.txt, cd.txt).
template <std::size_t N>
void read_text(const char* file, Batch<N>& out) {
  const std::vector<unsigned char> bytes = read_file(file);
  std::string text(bytes.begin(), bytes.end());
  const char* p = text.c_str();
  for (;;) {
    smmuv3::Words<N> w{};
    char* end = nullptr;
    for (std::size_t i = 0; i < N; ++i) {
      w[i] = std::strtoull(p, &end, 16);
      if (end == p) {
        if (i == 0) return;
        fail(std::string(file) + ": short record");
      }
      p = end;
    }
    out.push_back(w);
  }
}

/// Each distinct record once, in first-seen order.
template <std::size_t N>
Batch<N> distinct(const Batch<N>& in) {
  Batch<N> out;
  for (const auto& w : in) {
    bool seen = false;
    for (const auto& o : out) seen = seen || o == w;
    if (!seen) out.push_back(w);
  }
  return out;
}

/// `records` repeated until the batch holds kBatchBytes.
template <std::size_t N>
Batch<N> fill_batch(const Batch<N>& records) {
  if (records.empty()) fail("no records to fill a batch with");
  Batch<N> out;
  while (out.size() * 8 * N < kBatchBytes) out.push_back(records[out.size() % records.size()]);
  return out;
}

/// Values of one type per command / event type, so encode runs with its argument's type known
/// statically, as a caller that builds a command does. Every type visit_command / visit_event
/// can produce must be listed: `add` does not compile for a type that is missing.
template <class... T>
struct Typed {
  std::tuple<std::vector<T>...> lists;

  template <class X>
  void add(const X& x) {
    std::get<std::vector<X>>(lists).push_back(x);
  }
  std::size_t size() const {
    return std::apply([](const auto&... l) { return (l.size() + ...); }, lists);
  }
  template <class F>
  void for_each_list(F&& f) const {
    std::apply([&f](const auto&... l) { (f(l), ...); }, lists);
  }
};

using TypedCommands = Typed<
    smmuv3::CmdPrefetchConfig, smmuv3::CmdPrefetchAddr, smmuv3::CmdCfgiSte, smmuv3::CmdCfgiSteRange,
    smmuv3::CmdCfgiAll, smmuv3::CmdCfgiCd, smmuv3::CmdCfgiCdAll, smmuv3::CmdCfgiVmsPidm, smmuv3::CmdTlbiNhAll,
    smmuv3::CmdTlbiNhAsid, smmuv3::CmdTlbiNhVa, smmuv3::CmdTlbiNhVaa, smmuv3::CmdTlbiEl3All, smmuv3::CmdTlbiEl3Va,
    smmuv3::CmdTlbiEl2All, smmuv3::CmdTlbiEl2Asid, smmuv3::CmdTlbiEl2Va, smmuv3::CmdTlbiEl2Vaa,
    smmuv3::CmdTlbiS12Vmall, smmuv3::CmdTlbiS2Ipa, smmuv3::CmdTlbiNsnhAll, smmuv3::CmdAtcInv, smmuv3::CmdPriResp,
    smmuv3::CmdResume, smmuv3::CmdStallTerm, smmuv3::CmdSync, smmuv3::CmdTlbiSEl2All, smmuv3::CmdTlbiSEl2Asid,
    smmuv3::CmdTlbiSEl2Va, smmuv3::CmdTlbiSEl2Vaa, smmuv3::CmdTlbiSS12Vmall, smmuv3::CmdTlbiSS2Ipa,
    smmuv3::CmdTlbiSnhAll, smmuv3::CmdDptiAll, smmuv3::CmdDptiPa, smmuv3::CmdUnknown>;

using TypedEvents = Typed<
    smmuv3::EvtFUut, smmuv3::EvtCBadStreamid, smmuv3::EvtFSteFetch, smmuv3::EvtCBadSte, smmuv3::EvtFBadAtsTreq,
    smmuv3::EvtFStreamDisabled, smmuv3::EvtFTranslForbidden, smmuv3::EvtCBadSubstreamid, smmuv3::EvtFCdFetch,
    smmuv3::EvtCBadCd, smmuv3::EvtFWalkEabt, smmuv3::EvtFTranslation, smmuv3::EvtFAddrSize, smmuv3::EvtFAccess,
    smmuv3::EvtFPermission, smmuv3::EvtFTlbConflict, smmuv3::EvtFCfgConflict, smmuv3::EvtEPageRequest,
    smmuv3::EvtFVmsFetch, smmuv3::EvtImpdef, smmuv3::EvtUnknown>;

/// The events a Linux guest sees most (arm_smmu_handle_evt() in the 6.1 driver decodes the four
/// translation faults; the rest it only logs), for StreamIDs 8 and 16 of the capture. Made up:
/// the capture raised no event.
inline Batch<4> linux_like_events() {
  using namespace smmuv3;
  Batch<4> out;
  auto put = [&out](const auto& e) {
    const Encoded<4> enc = encode(e);
    if (!enc.ok()) fail(std::string("event field does not fit: ") + enc.bad_field);
    out.push_back(enc.words);
  };
  EvtFTranslation tr{};
  tr.stream_id = 8;
  tr.rnw = true;
  tr.class_ = EventClass::in;
  tr.input_addr = 0xffff'f000'1234'5000;
  put(tr);
  EvtFPermission perm{};
  perm.stream_id = 16;
  perm.class_ = EventClass::in;
  perm.input_addr = 0xffff'b700'0000'0040;
  put(perm);
  EvtFAccess acc{};
  acc.stream_id = 8;
  acc.ssv = true;
  acc.substream_id = 1;
  acc.rnw = true;
  acc.class_ = EventClass::ttd;
  acc.input_addr = 0xffff'8701'0000'0000;
  put(acc);
  EvtFAddrSize size{};
  size.stream_id = 16;
  size.class_ = EventClass::in;
  size.input_addr = 0x0001'0000'0000'0000;
  put(size);
  put(EvtCBadSte{.ssv = false, .substream_id = 0, .stream_id = 8});
  EvtCBadCd bad_cd{};
  bad_cd.stream_id = 16;
  put(bad_cd);
  put(EvtCBadStreamid{.ssv = false, .substream_id = 0, .stream_id = 0x1234});
  EvtFWalkEabt walk{};
  walk.stream_id = 8;
  walk.input_addr = 0xffff'f000'0000'0000;
  walk.fetch_addr = 0x4323'c000;
  put(walk);
  return out;
}

/// Everything the workloads read, loaded and checked once before anything is measured.
struct Data {
  Batch<2> commands;  // cmdq.bin, in the order the driver issued them
  Batch<8> stes;
  Batch<8> cds;
  Batch<1> l1stds;
  Batch<4> events;
  Batch<1> cr0;   // SMMU_CR0 as the driver wrote it
  Batch<1> idr0;  // SMMU_IDR0 as QEMU presented it
  TypedCommands command_values;
  std::vector<smmuv3::Ste> ste_values;
  std::vector<smmuv3::Cd> cd_values;
  std::vector<smmuv3::L1StreamTableDescriptor> l1std_values;
  TypedEvents event_values;
  std::vector<smmuv3::reg::Cr0> cr0_values;
  std::vector<smmuv3::reg::Idr0> idr0_values;
  std::vector<unsigned char> copy_src = std::vector<unsigned char>(kBatchBytes, 0x5a);
  std::vector<unsigned char> copy_dst = std::vector<unsigned char>(kBatchBytes);
};

/// smmuv3::encode, or smmuv3::reg::encode for a register (found by argument-dependent lookup).
template <class T>
auto encode_record(const T& x) noexcept {
  using smmuv3::encode;
  return encode(x);
}

/// encode(decode(w)) must give w back for every record measured, else the encode workloads
/// would not be encoding what the decode workloads decoded (any RES0 bit set would show here).
template <std::size_t N, class Decoded>
void check_round_trip(const char* kind, const Batch<N>& raw, const std::vector<Decoded>& values) {
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto e = encode_record(values[i]);
    if (!e.ok() || !(e.words == raw[i])) fail(std::string(kind) + ": record " + std::to_string(i) + " does not round-trip");
  }
}

inline Data load_data() {
  Data d;
  d.commands = read_binary<2>("cmdq.bin");
  {
    Batch<8> all;
    for (const char* f : {"snap-dma/ste.txt", "snap-identity/ste.txt", "snap-final/ste.txt"}) read_text<8>(f, all);
    d.stes = fill_batch(distinct(all));
  }
  {
    Batch<8> all;
    for (const char* f : {"snap-dma/cd.txt", "snap-identity/cd.txt", "snap-final/cd.txt"}) read_text<8>(f, all);
    d.cds = fill_batch(distinct(all));
  }
  d.l1stds = fill_batch(read_binary<1>("snap-final/strtab-l1.bin"));
  d.events = fill_batch(linux_like_events());
  // manifest.json: registers_written.CR0 and idr.IDR0.
  d.cr0 = fill_batch(Batch<1>{smmuv3::Words<1>{{0xd}}});
  d.idr0 = fill_batch(Batch<1>{smmuv3::Words<1>{{0x0d40101a}}});

  for (const auto& w : d.commands)
    smmuv3::visit_command(w, [&d](const auto& c) { d.command_values.add(c); });
  for (const auto& w : d.events)
    smmuv3::visit_event(w, [&d](const auto& e) { d.event_values.add(e); });
  for (const auto& w : d.stes) d.ste_values.push_back(smmuv3::decode_ste(w));
  for (const auto& w : d.cds) d.cd_values.push_back(smmuv3::decode_cd(w));
  for (const auto& w : d.l1stds) d.l1std_values.push_back(smmuv3::decode_l1std(w));
  for (const auto& w : d.cr0) d.cr0_values.push_back(smmuv3::reg::decode_cr0(w));
  for (const auto& w : d.idr0) d.idr0_values.push_back(smmuv3::reg::decode_idr0(w));

  check_round_trip("STE", d.stes, d.ste_values);
  check_round_trip("CD", d.cds, d.cd_values);
  check_round_trip("L1STD", d.l1stds, d.l1std_values);
  check_round_trip("CR0", d.cr0, d.cr0_values);
  check_round_trip("IDR0", d.idr0, d.idr0_values);
  for (const auto& w : d.commands)
    smmuv3::visit_command(w, [&w](const auto& c) {
      if (!(smmuv3::encode(c).words == w)) fail("a command of cmdq.bin does not round-trip");
    });
  for (const auto& w : d.events)
    smmuv3::visit_event(w, [&w](const auto& e) {
      if (!(smmuv3::encode(e).words == w)) fail("an event does not round-trip");
    });
  if (d.commands.size() * 16 > kBatchBytes) fail("cmdq.bin is larger than a batch");
  return d;
}

// ---------------------------------------------------------------------------------------------
// The workloads: one batch each. DoNotOptimize on every result makes the compiler produce it in
// full (it cannot drop fields nobody reads); noinline and a name of its own keep each one a
// symbol that callgrind_annotate and perf name plainly.

[[gnu::noinline]] inline void decode_stes(const Data& d) {
  for (const auto& w : d.stes) benchmark::DoNotOptimize(smmuv3::decode_ste(w));
}
[[gnu::noinline]] inline void encode_stes(const Data& d) {
  for (const auto& v : d.ste_values) benchmark::DoNotOptimize(smmuv3::encode(v));
}
[[gnu::noinline]] inline void decode_cds(const Data& d) {
  for (const auto& w : d.cds) benchmark::DoNotOptimize(smmuv3::decode_cd(w));
}
[[gnu::noinline]] inline void encode_cds(const Data& d) {
  for (const auto& v : d.cd_values) benchmark::DoNotOptimize(smmuv3::encode(v));
}
[[gnu::noinline]] inline void decode_l1stds(const Data& d) {
  for (const auto& w : d.l1stds) benchmark::DoNotOptimize(smmuv3::decode_l1std(w));
}
[[gnu::noinline]] inline void encode_l1stds(const Data& d) {
  for (const auto& v : d.l1std_values) benchmark::DoNotOptimize(smmuv3::encode(v));
}
/// visit_command: dispatch on the opcode, then decode as that command's type.
[[gnu::noinline]] inline void decode_commands(const Data& d) {
  for (const auto& w : d.commands) smmuv3::visit_command(w, [](const auto& c) { benchmark::DoNotOptimize(c); });
}
/// Each command encoded from a value of its own type (no dispatch), as a caller building one does.
[[gnu::noinline]] inline void encode_commands(const Data& d) {
  d.command_values.for_each_list([](const auto& list) {
    for (const auto& c : list) benchmark::DoNotOptimize(smmuv3::encode(c));
  });
}
[[gnu::noinline]] inline void decode_events(const Data& d) {
  for (const auto& w : d.events) smmuv3::visit_event(w, [](const auto& e) { benchmark::DoNotOptimize(e); });
}
[[gnu::noinline]] inline void encode_events(const Data& d) {
  d.event_values.for_each_list([](const auto& list) {
    for (const auto& e : list) benchmark::DoNotOptimize(smmuv3::encode(e));
  });
}
[[gnu::noinline]] inline void decode_cr0s(const Data& d) {
  for (const auto& w : d.cr0) benchmark::DoNotOptimize(smmuv3::reg::decode_cr0(w));
}
[[gnu::noinline]] inline void encode_cr0s(const Data& d) {
  for (const auto& v : d.cr0_values) benchmark::DoNotOptimize(smmuv3::reg::encode(v));
}
[[gnu::noinline]] inline void decode_idr0s(const Data& d) {
  for (const auto& w : d.idr0) benchmark::DoNotOptimize(smmuv3::reg::decode_idr0(w));
}
[[gnu::noinline]] inline void encode_idr0s(const Data& d) {
  for (const auto& v : d.idr0_values) benchmark::DoNotOptimize(smmuv3::reg::encode(v));
}

/// The baseline: copy `bytes` bytes. The size is only known at run time, so this is the C
/// library's memcpy, not an inlined fixed-size copy.
[[gnu::noinline]] inline void copy_bytes(const Data& d, std::size_t bytes) {
  void* dst = const_cast<unsigned char*>(d.copy_dst.data());
  const void* src = d.copy_src.data();
  benchmark::DoNotOptimize(bytes);
  std::memcpy(dst, src, bytes);
  benchmark::ClobberMemory();
}
[[gnu::noinline]] inline void copy_command_bytes(const Data& d) { copy_bytes(d, d.commands.size() * 16); }
[[gnu::noinline]] inline void copy_batch_bytes(const Data& d) { copy_bytes(d, kBatchBytes); }

struct Workload {
  std::string name;     // "<kind>/<operation>", e.g. "STE/decode"
  std::size_t records;  // per batch (for memcpy/N: bytes)
  std::size_t bytes;    // per batch: records x record size
  void (*run)(const Data&);
};

/// The memcpy baselines come first: one per batch size the other workloads use.
inline std::vector<Workload> workloads(const Data& d) {
  const std::size_t cmd_bytes = d.commands.size() * 16;
  return {
      {"memcpy/" + std::to_string(cmd_bytes), cmd_bytes, cmd_bytes, copy_command_bytes},
      {"memcpy/" + std::to_string(kBatchBytes), kBatchBytes, kBatchBytes, copy_batch_bytes},
      {"STE/decode", d.stes.size(), d.stes.size() * 64, decode_stes},
      {"STE/encode", d.ste_values.size(), d.ste_values.size() * 64, encode_stes},
      {"CD/decode", d.cds.size(), d.cds.size() * 64, decode_cds},
      {"CD/encode", d.cd_values.size(), d.cd_values.size() * 64, encode_cds},
      {"L1STD/decode", d.l1stds.size(), d.l1stds.size() * 8, decode_l1stds},
      {"L1STD/encode", d.l1std_values.size(), d.l1std_values.size() * 8, encode_l1stds},
      {"Command/decode", d.commands.size(), cmd_bytes, decode_commands},
      {"Command/encode", d.command_values.size(), cmd_bytes, encode_commands},
      {"Event/decode", d.events.size(), d.events.size() * 32, decode_events},
      {"Event/encode", d.event_values.size(), d.event_values.size() * 32, encode_events},
      {"CR0/decode", d.cr0.size(), d.cr0.size() * 8, decode_cr0s},
      {"CR0/encode", d.cr0_values.size(), d.cr0_values.size() * 8, encode_cr0s},
      {"IDR0/decode", d.idr0.size(), d.idr0.size() * 8, decode_idr0s},
      {"IDR0/encode", d.idr0_values.size(), d.idr0_values.size() * 8, encode_idr0s},
  };
}

/// The memcpy workload that moves as many bytes as `w` (itself, for a memcpy workload).
inline const Workload& baseline_for(const std::vector<Workload>& all, const Workload& w) {
  for (const auto& b : all)
    if (b.name.rfind("memcpy/", 0) == 0 && b.bytes == w.bytes) return b;
  fail("no memcpy baseline of " + std::to_string(w.bytes) + " bytes for " + w.name);
}

}  // namespace vsmmu_bench
