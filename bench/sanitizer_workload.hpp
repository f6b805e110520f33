// SPDX-License-Identifier: MIT
// The sanitizer workloads (include/vsmmu/), shared by sanitizer_bench.cpp (Google Benchmark:
// time) and sanitizer_count.cpp (the driver bench/callgrind.sh runs under valgrind:
// instructions), so both measure exactly the same loops.
//
// A workload is one batch of guest records judged the way a device judges them, or a memcpy of
// the same number of bytes (the baseline every result is divided by):
//   command/<opcode>  sanitize_command on 256 commands of one opcode class, one call each
//                     (TLBI_NH_VA: the capture's, range invalidations; TLBI_NH_VA_no_range: the
//                     same without the range operands, as Linux sends them without RIL);
//   commands/mix      sanitize_commands over 256 Linux-shaped commands (see `linux_mix`), called
//                     again after every stop, as the device does;
//   commands/capture  the same over the 1006 commands of tests/data/linux-6.1.192-2/cmdq.bin;
//   STE/sanitize      sanitize_ste on the capture's STEs; CD/validate: validate_cd on its CDs.
// Everything is checked once at load time (`load_data`): every command of a batch gets the
// verdict its workload is named for, so a workload never silently measures another path.
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "records_workload.hpp"
#include "support/linux_capture.hpp"
#include "vsmmu/guest_ram.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_commands.hpp"
#include "vsmmu/sanitize_ste.hpp"
#include "vsmmu/stream_map.hpp"
#include "vsmmu/validate_cd.hpp"

namespace vsmmu_sanitizer_bench {

using vsmmu_bench::Batch;
using vsmmu_bench::fail;

/// Commands per batch of the command workloads (4096 bytes, like a 256-entry Command queue).
inline constexpr std::size_t kCommandBatch = 256;

/// The capture's policy and stage 2 template (tests/support/linux_capture.hpp), the ones
/// tests/vsmmu/linux_capture_test.cpp replays the capture with.
using vsmmu_test::capture_policy;
using vsmmu_test::capture_stage2;

/// The capture's two devices: virtio-blk on StreamID 0x8, virtio-net on 0x10.
using Streams = vsmmu::FixedStreamMap<2>;
using Ram = vsmmu::GuestRamRegions<1>;

/// CMD_CFGI_CD as Linux 6.1's arm_smmu_sync_cd() builds it (CMDQ_OP_CFGI_CD, SID, SSID, leaf):
/// the capture has none (its CDs were written before the STEs that point at them), so these
/// are made up from the driver's source, for the capture's StreamIDs and SubstreamID 0.
inline smmuv3::Words<2> linux_cfgi_cd(std::uint32_t sid) {
  return smmuv3::encode(smmuv3::CmdCfgiCd{false, 0, sid, true}).words;
}

/// CMD_TLBI_EL2_ALL: an architected opcode that a stage-1-only guest may not issue
/// (CERROR_ILL), standing for every command a buggy or hostile guest gets refused.
inline smmuv3::Words<2> illegal_command() { return smmuv3::encode(smmuv3::CmdTlbiEl2All{}).words; }

/// The commands of `all` with opcode `op`, in capture order.
inline Batch<2> with_opcode(const Batch<2>& all, smmuv3::Opcode op) {
  Batch<2> out;
  for (const auto& w : all)
    if (smmuv3::command_opcode(w) == op) out.push_back(w);
  if (out.empty()) fail("the capture has no command of the opcode asked for");
  return out;
}

/// The capture's TLBI_NH_VAs are range invalidations (QEMU advertises SMMU_IDR3.RIL); these are
/// the same commands as Linux builds them without RIL: NUM, SCALE, TTL and TG zero.
inline Batch<2> without_range(const Batch<2>& va) {
  namespace f = smmuv3::cmd;
  Batch<2> out;
  for (auto w : va) {
    w[0] &= ~(f::Num::mask | f::Scale::mask);
    w[1] &= ~(f::Ttl::mask | f::Tg::mask | f::Ttl128::mask);
    out.push_back(w);
  }
  return out;
}

/// `records` repeated (or cut) to n.
inline Batch<2> repeat_to(const Batch<2>& records, std::size_t n) {
  Batch<2> out;
  while (out.size() < n) out.push_back(records[out.size() % records.size()]);
  return out;
}

/// 256 commands shaped like the capture's traffic. The Linux 6.1 driver (iommu.strict=1, as
/// captured) ends every command it issues with a CMD_SYNC, so the mix is 128 pairs of one
/// command + CMD_SYNC. The 128 commands keep the capture's proportions of its steady state
/// (473 TLBI_NH_VA, 12 CFGI_STE, 10 TLBI_NH_ASID: 121.6, 3.1 and 2.6 of 128) with 4 CMD_CFGI_CD
/// added (arm_smmu_sync_cd, absent from the capture), so: 116 TLBI_NH_VA (the capture's first
/// 116, range invalidations included), 4 TLBI_NH_ASID, 4 CFGI_STE, 4 CFGI_CD, spread evenly.
/// The capture's boot-time one-offs (CFGI_ALL, TLBI_NSNH_ALL, PREFETCH_CONFIG) are left out.
inline Batch<2> linux_mix(const Batch<2>& capture) {
  const Batch<2> va = with_opcode(capture, smmuv3::Opcode::tlbi_nh_va);
  const Batch<2> asid = with_opcode(capture, smmuv3::Opcode::tlbi_nh_asid);
  const Batch<2> ste = with_opcode(capture, smmuv3::Opcode::cfgi_ste);
  const Batch<2> sync = with_opcode(capture, smmuv3::Opcode::sync);
  const Batch<2> cd{linux_cfgi_cd(0x8), linux_cfgi_cd(0x10)};
  Batch<2> out;
  std::size_t n_va = 0, n_other = 0;
  for (std::size_t pair = 0; pair < kCommandBatch / 2; ++pair) {
    // Every 32nd pair is CFGI_STE, CFGI_CD or TLBI_NH_ASID in turn (4 of each), the rest VAs.
    if (pair % 32 == 7 || pair % 32 == 17 || pair % 32 == 27) {
      const Batch<2>& kind = (n_other % 3 == 0) ? ste : (n_other % 3 == 1) ? cd : asid;
      out.push_back(kind[(n_other / 3) % kind.size()]);
      ++n_other;
    } else {
      out.push_back(va[n_va++]);
    }
    out.push_back(sync[pair % sync.size()]);
  }
  return out;
}

/// Everything the workloads read, loaded and checked once before anything is measured.
struct Data {
  vsmmu::Policy policy{};
  Streams streams{};
  Ram ram{};
  smmuv3::Ste host{};
  Batch<2> capture;  // cmdq.bin, in the order the driver issued them
  Batch<2> tlbi_nh_va, tlbi_nh_va_plain, tlbi_nh_asid, cfgi_ste, cfgi_cd, sync, illegal;
  Batch<2> mix;
  Batch<8> stes;
  Batch<8> cds;
  /// Output of the commands: room for every command of the largest batch (+ 1 for a CFGI_ALL
  /// expansion), so sanitize_command never reports no_space.
  std::vector<smmuv3::Words<2>> out = std::vector<smmuv3::Words<2>>(1024 + 2);
  std::vector<unsigned char> copy_src = std::vector<unsigned char>(vsmmu_bench::kBatchBytes, 0x5a);
  std::vector<unsigned char> copy_dst = std::vector<unsigned char>(vsmmu_bench::kBatchBytes);

  vsmmu::CommandContext<Streams, Ram> ctx() const { return {streams, ram}; }
};

/// Runs guest[0..n) through sanitize_commands until every command is consumed, as a device
/// does: after each stop it submits out[0..produced), refreshes / synchronises, and calls again
/// with the same output buffer. Budget: the whole batch, so only the guest's own SYNCs and CFGIs
/// stop it. `error`: a command was refused (the workloads are checked to have none).
inline std::size_t sanitize_all(const Data& d, const smmuv3::Words<2>* guest, std::size_t n, bool* error) {
  auto* out = const_cast<smmuv3::Words<2>*>(d.out.data());
  const auto ctx = d.ctx();
  std::size_t at = 0, seen = 0;
  *error = false;
  while (at < n) {
    const vsmmu::BatchResult r = vsmmu::sanitize_commands(d.policy, guest + at, n - at, ctx, out, d.out.size(), n);
    // What the device acts on after each stop; summed, so that nothing is dropped as unused.
    seen += r.produced + static_cast<std::size_t>(r.stop) + r.refresh.first + static_cast<std::size_t>(r.sync.signal);
    if (r.stop == vsmmu::BatchStop::error || r.consumed == 0) {
      *error = true;
      break;
    }
    at += r.consumed;
  }
  return seen;
}

/// Every command of `batch` must get verdict `want` (and forward exactly one command).
inline void expect_each(const Data& d, const Batch<2>& batch, vsmmu::CommandVerdict want, const char* what) {
  const auto ctx = d.ctx();
  for (const auto& w : batch) {
    smmuv3::Words<2> out[4]{};
    const vsmmu::CommandOutcome o = vsmmu::sanitize_command(d.policy, w, ctx, out, 4);
    if (o.verdict != want || (want == vsmmu::CommandVerdict::forwarded && o.produced != 1))
      fail(std::string(what) + ": a command does not get the verdict the workload measures");
  }
}

inline Data load_data() {
  Data d;
  d.policy = capture_policy();
  if (d.streams.add(0x8, 0x1008) != Streams::AddResult::added || d.streams.add(0x10, 0x1010) != Streams::AddResult::added)
    fail("stream map");
  d.ram.region[0] = {0x4000'0000, 0x2000'0000};
  d.ram.count = 1;
  d.host = capture_stage2(d.policy);
  if (vsmmu::host_ste_problem(d.policy, d.host) != nullptr) fail("host stage 2 template refused");

  d.capture = vsmmu_bench::read_binary<2>("cmdq.bin");
  d.tlbi_nh_va = repeat_to(with_opcode(d.capture, smmuv3::Opcode::tlbi_nh_va), kCommandBatch);
  d.tlbi_nh_va_plain = without_range(d.tlbi_nh_va);
  d.tlbi_nh_asid = repeat_to(with_opcode(d.capture, smmuv3::Opcode::tlbi_nh_asid), kCommandBatch);
  d.cfgi_ste = repeat_to(with_opcode(d.capture, smmuv3::Opcode::cfgi_ste), kCommandBatch);
  d.cfgi_cd = repeat_to(Batch<2>{linux_cfgi_cd(0x8), linux_cfgi_cd(0x10)}, kCommandBatch);
  d.sync = repeat_to(with_opcode(d.capture, smmuv3::Opcode::sync), kCommandBatch);
  d.illegal = repeat_to(Batch<2>{illegal_command()}, kCommandBatch);
  d.mix = linux_mix(d.capture);
  if (d.mix.size() != kCommandBatch) fail("the mix is not one batch");

  using vsmmu::CommandVerdict;
  expect_each(d, d.tlbi_nh_va, CommandVerdict::forwarded, "TLBI_NH_VA");
  expect_each(d, d.tlbi_nh_va_plain, CommandVerdict::forwarded, "TLBI_NH_VA without range");
  expect_each(d, d.tlbi_nh_asid, CommandVerdict::forwarded, "TLBI_NH_ASID");
  expect_each(d, d.cfgi_ste, CommandVerdict::forwarded, "CFGI_STE");
  expect_each(d, d.cfgi_cd, CommandVerdict::forwarded, "CFGI_CD");
  expect_each(d, d.sync, CommandVerdict::sync, "CMD_SYNC");
  expect_each(d, d.illegal, CommandVerdict::illegal, "illegal");
  for (const Batch<2>* b : {&d.mix, &d.capture}) {
    bool error = false;
    sanitize_all(d, b->data(), b->size(), &error);
    if (error) fail("a command of the mix or the capture is refused");
  }

  {
    Batch<8> all;
    for (const char* f : {"snap-dma/ste.txt", "snap-identity/ste.txt", "snap-final/ste.txt"})
      vsmmu_bench::read_text<8>(f, all);
    d.stes = vsmmu_bench::fill_batch(vsmmu_bench::distinct(all));
  }
  {
    Batch<8> all;
    for (const char* f : {"snap-dma/cd.txt", "snap-identity/cd.txt", "snap-final/cd.txt"})
      vsmmu_bench::read_text<8>(f, all);
    d.cds = vsmmu_bench::fill_batch(vsmmu_bench::distinct(all));
  }
  for (const auto& w : d.stes)
    if (!vsmmu::sanitize_ste(d.policy, w, d.host).ok()) fail("a capture STE does not sanitize");
  for (const auto& w : d.cds)
    if (!vsmmu::validate_cd(d.policy, w).ok()) fail("a capture CD is not valid");
  return d;
}

// ---------------------------------------------------------------------------------------------
// The workloads: one batch each, noinline under a name of its own so callgrind_annotate and
// perf name them plainly. DoNotOptimize keeps every part of each result a caller acts on.

/// sanitize_command on each command of `batch`, each into the same output buffer (a device
/// submits one command's output before it judges the next). The parts of each outcome a
/// device acts on are summed and the sum kept (DoNotOptimize once a batch, so the harness adds
/// a few additions per command, not a store of every outcome).
[[gnu::always_inline]] inline void sanitize_each(const Data& d, const Batch<2>& batch) {
  auto* out = const_cast<smmuv3::Words<2>*>(d.out.data());
  const auto ctx = d.ctx();
  const std::size_t cap = d.out.size();
  const smmuv3::Words<2>* const cmds = batch.data();
  const std::size_t n = batch.size();
  std::uintptr_t seen = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const vsmmu::CommandOutcome o = vsmmu::sanitize_command(d.policy, cmds[i], ctx, out, cap);
    seen += static_cast<std::uintptr_t>(o.verdict) + o.produced + o.refresh.first +
            static_cast<std::uintptr_t>(o.sync.signal) + reinterpret_cast<std::uintptr_t>(o.reason);
  }
  benchmark::DoNotOptimize(seen);
  benchmark::ClobberMemory();
}

[[gnu::noinline]] inline void sanitize_tlbi_nh_va(const Data& d) { sanitize_each(d, d.tlbi_nh_va); }
[[gnu::noinline]] inline void sanitize_tlbi_nh_va_plain(const Data& d) { sanitize_each(d, d.tlbi_nh_va_plain); }
[[gnu::noinline]] inline void sanitize_tlbi_nh_asid(const Data& d) { sanitize_each(d, d.tlbi_nh_asid); }
[[gnu::noinline]] inline void sanitize_cfgi_ste(const Data& d) { sanitize_each(d, d.cfgi_ste); }
[[gnu::noinline]] inline void sanitize_cfgi_cd(const Data& d) { sanitize_each(d, d.cfgi_cd); }
[[gnu::noinline]] inline void sanitize_sync(const Data& d) { sanitize_each(d, d.sync); }
[[gnu::noinline]] inline void sanitize_illegal(const Data& d) { sanitize_each(d, d.illegal); }

[[gnu::noinline]] inline void sanitize_mix(const Data& d) {
  bool error = false;
  benchmark::DoNotOptimize(sanitize_all(d, d.mix.data(), d.mix.size(), &error));
  benchmark::ClobberMemory();
}
[[gnu::noinline]] inline void sanitize_capture(const Data& d) {
  bool error = false;
  benchmark::DoNotOptimize(sanitize_all(d, d.capture.data(), d.capture.size(), &error));
  benchmark::ClobberMemory();
}

[[gnu::noinline]] inline void sanitize_stes(const Data& d) {
  for (const auto& w : d.stes) {
    const vsmmu::SteResult r = vsmmu::sanitize_ste(d.policy, w, d.host);
    benchmark::DoNotOptimize(r);
  }
}
[[gnu::noinline]] inline void validate_cds(const Data& d) {
  for (const auto& w : d.cds) {
    const vsmmu::CdResult r = vsmmu::validate_cd(d.policy, w);
    benchmark::DoNotOptimize(r);
  }
}

/// The baseline: copy `bytes` bytes with the C library's memcpy (size known only at run time).
[[gnu::noinline]] inline void copy_bytes(const Data& d, std::size_t bytes) {
  void* dst = const_cast<unsigned char*>(d.copy_dst.data());
  const void* src = d.copy_src.data();
  benchmark::DoNotOptimize(bytes);
  std::memcpy(dst, src, bytes);
  benchmark::ClobberMemory();
}
[[gnu::noinline]] inline void copy_command_batch(const Data& d) { copy_bytes(d, kCommandBatch * 16); }
[[gnu::noinline]] inline void copy_capture(const Data& d) { copy_bytes(d, d.capture.size() * 16); }
[[gnu::noinline]] inline void copy_record_batch(const Data& d) { copy_bytes(d, vsmmu_bench::kBatchBytes); }

struct Workload {
  std::string name;     // "<kind>/<operation>", e.g. "command/TLBI_NH_VA"
  std::size_t records;  // per batch: commands, STEs or CDs (for memcpy/N: bytes)
  std::size_t bytes;    // per batch: records x record size
  void (*run)(const Data&);
};

/// The memcpy baselines come first: one per batch size the other workloads use.
inline std::vector<Workload> workloads(const Data& d) {
  const std::size_t cmd_bytes = kCommandBatch * 16;
  const std::size_t capture_bytes = d.capture.size() * 16;
  const std::size_t record_bytes = vsmmu_bench::kBatchBytes;
  return {
      {"memcpy/" + std::to_string(cmd_bytes), cmd_bytes, cmd_bytes, copy_command_batch},
      {"memcpy/" + std::to_string(capture_bytes), capture_bytes, capture_bytes, copy_capture},
      {"memcpy/" + std::to_string(record_bytes), record_bytes, record_bytes, copy_record_batch},
      {"command/TLBI_NH_VA", kCommandBatch, cmd_bytes, sanitize_tlbi_nh_va},
      {"command/TLBI_NH_VA_no_range", kCommandBatch, cmd_bytes, sanitize_tlbi_nh_va_plain},
      {"command/TLBI_NH_ASID", kCommandBatch, cmd_bytes, sanitize_tlbi_nh_asid},
      {"command/CFGI_STE", kCommandBatch, cmd_bytes, sanitize_cfgi_ste},
      {"command/CFGI_CD", kCommandBatch, cmd_bytes, sanitize_cfgi_cd},
      {"command/CMD_SYNC", kCommandBatch, cmd_bytes, sanitize_sync},
      {"command/illegal", kCommandBatch, cmd_bytes, sanitize_illegal},
      {"commands/mix", d.mix.size(), cmd_bytes, sanitize_mix},
      {"commands/capture", d.capture.size(), capture_bytes, sanitize_capture},
      {"STE/sanitize", d.stes.size(), d.stes.size() * 64, sanitize_stes},
      {"CD/validate", d.cds.size(), d.cds.size() * 64, validate_cds},
  };
}

/// The memcpy workload that moves as many bytes as `w` (itself, for a memcpy workload).
inline const Workload& baseline_for(const std::vector<Workload>& all, const Workload& w) {
  for (const auto& b : all)
    if (b.name.rfind("memcpy/", 0) == 0 && b.bytes == w.bytes) return b;
  fail("no memcpy baseline of " + std::to_string(w.bytes) + " bytes for " + w.name);
}

}  // namespace vsmmu_sanitizer_bench
