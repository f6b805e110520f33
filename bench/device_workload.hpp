// SPDX-License-Identifier: MIT
// The device workloads (include/vsmmu/device.hpp), shared by device_bench.cpp (Google Benchmark:
// time) and device_count.cpp (the driver bench/callgrind.sh runs under valgrind:
// instructions), so both measure exactly the same loops.
//
// A workload is the full trap path for one lap of a 256-entry guest Command queue: the guest's
// CMDQ_PROD write (the trap), Device::write, the device's read_guest of the ring, the
// sanitizer, submit_commands into the host's queue, the physical sync and the guest's
// completion, and the CMDQ_CONS read with which the guest polls; or a memcpy of the same bytes
// in the same pieces (the baseline every result is divided by):
//   mix/N             the 256 Linux-shaped commands of sanitizer_workload.hpp's `linux_mix`,
//                     published N at a time (N = 1, 2, 8, 32, 256 commands per CMDQ_PROD write;
//                     Linux 6.1 in strict mode writes 2: a command and its CMD_SYNC);
//   command/<opcode>  256 commands of one opcode class in one CMDQ_PROD write: TLBI_NH_VA,
//                     TLBI_NH_ASID, CFGI_STE (each re-reads the guest's L1STD and STE,
//                     sanitize_ste, install_ste), CFGI_CD, CMD_SYNC, and `illegal`, where the
//                     guest recovers from every CERROR_ILL as Linux does;
//   memcpy/CxK        K memcpys of C bytes: the guest's commands copied C = N x 16 bytes per
//                     CMDQ_PROD write, as a hypervisor that trusted its guest would copy them.
// Everything is checked once at load time (`load_data`): every workload consumes, submits,
// synchronises, installs and refuses exactly what it is named for, so a workload never silently
// measures another path.
#pragma once

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "records_workload.hpp"
#include "sanitizer_workload.hpp"
#include "smmuv3/bitfield.hpp"
#include "smmuv3/queue.hpp"
#include "smmuv3/registers/control.hpp"
#include "smmuv3/registers/irq.hpp"
#include "smmuv3/registers/offsets.hpp"
#include "smmuv3/ste.hpp"
#include "support/guest_driver.hpp"
#include "support/linux_capture.hpp"
#include "support/test_traits.hpp"
#include "vsmmu/device.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/stream_map.hpp"

namespace vsmmu_device_bench {

using vsmmu_bench::Batch;
using vsmmu_bench::fail;

/// The guest's Command queue: 2^8 entries, so that every workload is one lap (4096 bytes, the
/// sanitizer's command batch).
inline constexpr unsigned kRingLog2 = 8;
inline constexpr std::size_t kRingEntries = std::size_t{1} << kRingLog2;
static_assert(kRingEntries == vsmmu_sanitizer_bench::kCommandBatch);
inline constexpr std::size_t kRingBytes = kRingEntries * smmuv3::kCmdqEntryBytes;

/// The host's Command queue that submit_commands copies into.
inline constexpr std::size_t kHostQueueEntries = 256;

using Streams = vsmmu_sanitizer_bench::Streams;

/// The hypervisor side, as cheap as a real one could be: guest RAM is an array (read_guest and
/// write_guest are a bounds check and a memcpy), the "physical SMMU" is a command ring that
/// submit_commands copies into and an STE per stream that install_ste copies into. Also the
/// guest's view of its own RAM (poke64 / poke), which tests/support/guest_driver.hpp uses to set
/// the guest up.
struct BenchTraits {
  /// Where tests/support/guest_driver.hpp's GuestLayout puts the guest's Stream table and queues.
  static constexpr std::uint64_t kRamBase = vsmmu_test::TestTraits::kRamBase;
  static constexpr std::size_t kRamBytes = vsmmu_test::TestTraits::kRamBytes;

  explicit BenchTraits(const vsmmu::Policy& p) : stage2(vsmmu_test::capture_stage2(p)) {
    // The capture's two devices: virtio-blk on StreamID 0x8, virtio-net on 0x10.
    if (map.add(0x8, 0x1008) != Streams::AddResult::added || map.add(0x10, 0x1010) != Streams::AddResult::added)
      fail("stream map");
  }

  std::vector<unsigned char> ram = std::vector<unsigned char>(kRamBytes);
  Streams map;
  smmuv3::Ste stage2;
  smmuv3::Words<2> host_queue[kHostQueueEntries]{};
  std::size_t host_prod = 0;
  /// The physical STE of map[i].
  smmuv3::Words<8> physical_ste[2]{};
  std::size_t physical_syncs = 0, signals = 0;

  bool in_ram(std::uint64_t ipa, std::size_t bytes) const noexcept {
    return ipa >= kRamBase && bytes <= kRamBytes && ipa - kRamBase <= kRamBytes - bytes;
  }
  bool read_guest(std::uint64_t ipa, unsigned char* dst, std::size_t bytes) noexcept {
    if (!in_ram(ipa, bytes)) return false;
    std::memcpy(dst, ram.data() + (ipa - kRamBase), bytes);
    return true;
  }
  bool write_guest(std::uint64_t ipa, const unsigned char* src, std::size_t bytes) noexcept {
    if (!in_ram(ipa, bytes)) return false;
    std::memcpy(ram.data() + (ipa - kRamBase), src, bytes);
    return true;
  }
  const Streams& streams() const noexcept { return map; }
  const smmuv3::Ste& stage2_template(std::uint32_t) const noexcept { return stage2; }
  void install_ste(std::uint32_t psid, const smmuv3::Words<8>& ste) noexcept {
    for (std::size_t i = 0; i < map.size(); ++i)
      if (map[i].psid == psid) physical_ste[i] = ste;
  }
  /// Copies the commands in at the host queue's producer index, entry by entry, wrapping at its
  /// end, as a host driver writes its queue (Linux's arm_smmu_cmdq_write_entries).
  bool submit_commands(const smmuv3::Words<2>* cmds, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) {
      host_queue[host_prod] = cmds[i];
      host_prod = (host_prod + 1) % kHostQueueEntries;
    }
    return true;
  }
  bool sync_commands() noexcept {
    ++physical_syncs;
    return true;
  }
  void signal(vsmmu::GuestSignal) noexcept { ++signals; }
  /// Never called: the capture's policy shows no SMMU_IDR0.MSI, so every interrupt is wired.
  bool write_msi(std::uint64_t, std::uint32_t, std::uint8_t) noexcept { return false; }

  // The guest's own stores to its RAM.
  void poke64(std::uint64_t ipa, std::uint64_t v) noexcept {
    for (int i = 0; i < 8; ++i) ram[ipa - kRamBase + i] = static_cast<unsigned char>(v >> (8 * i));
  }
  template <std::size_t N>
  void poke(std::uint64_t ipa, const smmuv3::Words<N>& w) noexcept {
    for (std::size_t i = 0; i < N; ++i) poke64(ipa + 8 * i, w[i]);
  }
};
static_assert(vsmmu::DeviceTraits<BenchTraits>);

/// One guest and its vSMMU: the hypervisor's traits, the Device (default options: a work budget
/// of 256 per call, 64 physical commands per submit_commands), and what the guest driver keeps:
/// its CMDQ_PROD value. Not movable: the Device refers to the traits.
struct Machine {
  explicit Machine(const vsmmu::Policy& p) : traits(p), device(traits, p) {}
  Machine(const Machine&) = delete;
  Machine& operator=(const Machine&) = delete;

  BenchTraits traits;
  vsmmu::Device<BenchTraits> device;
  std::uint32_t prod = 0;
  vsmmu_test::GuestLayout layout{};

  std::uint64_t ring_entry(std::uint32_t index) const {
    return layout.cmdq + std::uint64_t{index & smmuv3::queue_index_mask(kRingLog2)} * smmuv3::kCmdqEntryBytes;
  }
};

/// The capture's guest STE of StreamID `sid` (snap-final: the stage 1 STEs Linux wrote for its
/// DMA domains), found through ste-sids.txt, which names the StreamIDs of each line of ste.txt.
inline smmuv3::Words<8> capture_ste(std::uint32_t sid) {
  Batch<8> stes;
  vsmmu_bench::read_text<8>("snap-final/ste.txt", stes);
  const std::vector<unsigned char> bytes = vsmmu_bench::read_file("snap-final/ste-sids.txt");
  const std::string sids(bytes.begin(), bytes.end());
  char want[16];
  std::snprintf(want, sizeof want, "0x%x", sid);
  std::size_t line = 0;
  for (std::size_t at = 0; at < sids.size() && line < stes.size(); ++line) {
    const std::size_t end = std::min(sids.find('\n', at), sids.size());
    if (sids.compare(at, end - at, want) == 0) return stes[line];
    at = end + 1;
  }
  fail(std::string("snap-final has no STE of its own for StreamID ") + want);
}

/// A guest that did what Linux's arm_smmu_device_reset does (tests/support/guest_driver.hpp:
/// 2-level Stream table, Command and Event queues, IRQs, SMMUEN), with the capture's STEs for
/// its two devices, and `ring` (256 commands) written into its Command queue, not yet published.
inline std::unique_ptr<Machine> make_machine(const vsmmu::Policy& p, const Batch<2>& ring) {
  namespace r = smmuv3::reg;
  using namespace smmuv3::reg::offset;
  if (ring.size() != kRingEntries) fail("a ring is not 256 commands");
  auto m = std::make_unique<Machine>(p);
  m->layout.cmdq_log2 = kRingLog2;
  vsmmu_test::GuestDriver g(m->device, m->traits, m->layout);
  for (std::uint32_t sid : {0x8u, 0x10u}) g.write_ste(sid, capture_ste(sid));
  g.set_cr0(0);
  g.write32(kCr1, 0xd75);  // as the capture: table and queue walks Inner Shareable, WB
  g.write32(kCr2, g.cr2);
  g.program_stream_table();
  g.program_cmdq();
  g.program_eventq();
  const auto cr0 = static_cast<std::uint32_t>(r::cr0::CmdqEn::mask | r::cr0::EventqEn::mask | r::cr0::SmmuEn::mask);
  g.write32(kIrqCtrl, g.kIrqGerror | g.kIrqEventq);
  g.set_cr0(cr0);
  if (g.cr0() != cr0) fail("the guest could not enable its SMMU");
  // SMMUEN 0 -> 1 installed both streams from the guest's table: they must be nested STEs, not
  // the all-zero STE of a stream the device blocked.
  for (const auto& ste : m->traits.physical_ste)
    if (ste == smmuv3::Words<8>{}) fail("a capture STE was not installed");
  for (const auto& cmd : ring) g.post(cmd);
  return m;
}

/// The guest's next CMDQ_PROD value, `n` commands on.
inline std::uint32_t prod_after(std::uint32_t prod, std::uint32_t n) noexcept {
  return smmuv3::queue_pointer_bits(smmuv3::queue_advance(smmuv3::queue_pointer(prod, kRingLog2), n, kRingLog2),
                                    kRingLog2);
}

/// The guest publishes its next `n` commands: the CMDQ_PROD write (the trap), poll() for as long
/// as the device reports more work (the hypervisor's deferred work), then the CMDQ_CONS read the
/// guest polls for its CMD_SYNC with (the capture's pattern: PROD write, CONS read). Returns
/// CONS.
[[gnu::always_inline]] inline std::uint32_t publish(Machine& m, std::uint32_t n) noexcept {
  using namespace smmuv3::reg::offset;
  m.prod = prod_after(m.prod, n);
  vsmmu::DeviceStatus s = m.device.write(kCmdqProd, m.prod, 4);
  while (s == vsmmu::DeviceStatus::more_work) s = m.device.poll();
  return static_cast<std::uint32_t>(m.device.read(kCmdqCons, 4));
}

/// One lap of the ring, N commands per CMDQ_PROD write.
template <std::size_t N>
[[gnu::always_inline]] inline void publish_lap(Machine& m) noexcept {
  static_assert(N != 0 && kRingEntries % N == 0);
  std::uint32_t seen = 0;
  for (std::size_t i = 0; i < kRingEntries / N; ++i) seen += publish(m, N);
  benchmark::DoNotOptimize(seen);
  benchmark::ClobberMemory();
}

/// Everything the workloads touch, set up and checked once before anything is measured. The
/// Machines are the mutable state of the workloads (each run consumes one lap of its ring); the
/// copy buffers are the baselines'.
struct Data {
  vsmmu::Policy policy{};
  std::unique_ptr<Machine> mix, tlbi_nh_va, tlbi_nh_asid, cfgi_ste, cfgi_cd, sync, illegal;
  smmuv3::Words<2> illegal_command{};
  std::vector<unsigned char> copy_src = std::vector<unsigned char>(kRingBytes, 0x5a);
  mutable std::vector<unsigned char> copy_dst = std::vector<unsigned char>(kRingBytes);
};

// ---------------------------------------------------------------------------------------------
// The workloads: one lap each, noinline under a name of its own so callgrind_annotate and perf
// name them plainly.

template <std::size_t N>
[[gnu::noinline]] inline void trap_mix(const Data& d) { publish_lap<N>(*d.mix); }
[[gnu::noinline]] inline void trap_tlbi_nh_va(const Data& d) { publish_lap<kRingEntries>(*d.tlbi_nh_va); }
[[gnu::noinline]] inline void trap_tlbi_nh_asid(const Data& d) { publish_lap<kRingEntries>(*d.tlbi_nh_asid); }
[[gnu::noinline]] inline void trap_cfgi_ste(const Data& d) { publish_lap<kRingEntries>(*d.cfgi_ste); }
[[gnu::noinline]] inline void trap_cfgi_cd(const Data& d) { publish_lap<kRingEntries>(*d.cfgi_cd); }
[[gnu::noinline]] inline void trap_sync(const Data& d) { publish_lap<kRingEntries>(*d.sync); }

/// The CMD_SYNC Linux writes over a command refused with CERROR_ILL.
inline constexpr smmuv3::Words<2> kLinuxSkipSync =
    vsmmu_test::GuestDriver<vsmmu::Device<BenchTraits>, BenchTraits>::kLinuxSkipSync;

/// 256 illegal commands in one CMDQ_PROD write, each refused with CERROR_ILL and recovered from
/// as Linux 6.1 does: arm_smmu_gerror_handler reads GERROR and GERRORN, arm_smmu_cmdq_skip_err
/// reads CMDQ_CONS and replaces the command at CONS with a CMD_SYNC, and writing GERRORN = GERROR
/// acknowledges CMDQ_ERR, which restarts the queue (§7.1): the CMD_SYNC is consumed and the next
/// illegal command stops it again. So each illegal command costs the device a refusal and a
/// CMD_SYNC. Once that CMD_SYNC is consumed the guest writes the illegal command back into its
/// slot, so that every lap finds 256 of them.
[[gnu::noinline]] inline void trap_illegal(const Data& d) {
  using namespace smmuv3::reg::offset;
  constexpr auto kCmdqErr = static_cast<std::uint32_t>(smmuv3::reg::gerror::CmdqErr::mask);
  Machine& m = *d.illegal;
  m.prod = prod_after(m.prod, kRingEntries);
  vsmmu::DeviceStatus s = m.device.write(kCmdqProd, m.prod, 4);
  for (;;) {
    while (s == vsmmu::DeviceStatus::more_work) s = m.device.poll();
    const auto gerror = static_cast<std::uint32_t>(m.device.read(kGerror, 4));
    const auto gerrorn = static_cast<std::uint32_t>(m.device.read(kGerrorn, 4));
    if (((gerror ^ gerrorn) & kCmdqErr) == 0) break;
    const std::uint64_t slot = m.ring_entry(static_cast<std::uint32_t>(m.device.read(kCmdqCons, 4)));
    m.traits.poke(slot, kLinuxSkipSync);
    s = m.device.write(kGerrorn, gerror, 4);
    m.traits.poke(slot, d.illegal_command);
  }
  benchmark::ClobberMemory();
}

/// The baseline: the lap's 4096 bytes copied Chunk bytes at a time with the C library's memcpy
/// (the size known only at run time, as a hypervisor copying N commands knows it). The size is
/// read through a volatile: hidden with benchmark::DoNotOptimize instead (a "+m,r" asm), g++ 12
/// -O1 -fsanitize=undefined copies with a garbage size.
template <std::size_t Chunk>
[[gnu::noinline]] inline void copy_in_chunks(const Data& d) {
  static_assert(kRingBytes % Chunk == 0);
  unsigned char* dst = d.copy_dst.data();
  const unsigned char* src = d.copy_src.data();
  volatile std::size_t hidden = Chunk;
  const std::size_t chunk = hidden;
  for (std::size_t at = 0; at < kRingBytes; at += chunk) std::memcpy(dst + at, src + at, chunk);
  benchmark::ClobberMemory();
}

struct Workload {
  std::string name;     // "<kind>/<what>", e.g. "mix/8"
  std::size_t records;  // per lap: guest commands (for memcpy/CxK: bytes)
  std::size_t bytes;    // per lap: records x 16 (4096)
  void (*run)(const Data&);
  std::size_t chunk_bytes;  // bytes the guest publishes per CMDQ_PROD write (memcpy: per call)
};

/// What one run of a workload must have done, in DeviceCounters and BenchTraits tallies.
struct Expected {
  std::uint64_t consumed = 0, submitted = 0, syncs = 0, errors = 0, installs = 0, signals = 0;
};

/// Runs `w` once and checks that it did what it is named for, and that the guest is left as it
/// found it: the queue drained, no global error active.
inline void check(const Data& d, const Workload& w, const Machine& m, const Expected& e) {
  const vsmmu::DeviceCounters before = m.device.counters();
  const std::size_t syncs_before = m.traits.physical_syncs, signals_before = m.traits.signals;
  w.run(d);
  const vsmmu::DeviceCounters& after = m.device.counters();
  using namespace smmuv3::reg::offset;
  // CMDQ_CONS.RD; CONS.ERR keeps the last error's code (§6.3.28), acknowledged or not.
  const auto cons = static_cast<std::uint32_t>(m.device.read(kCmdqCons, 4)) & smmuv3::kQueuePointerField;
  const auto active = smmuv3::reg::active_gerrors(static_cast<std::uint32_t>(m.device.read(kGerror, 4)),
                                                  static_cast<std::uint32_t>(m.device.read(kGerrorn, 4)));
  if (after.commands_consumed - before.commands_consumed != e.consumed ||
      after.commands_submitted - before.commands_submitted != e.submitted || after.syncs - before.syncs != e.syncs ||
      m.traits.physical_syncs - syncs_before != e.syncs || after.command_errors - before.command_errors != e.errors ||
      after.ste_installs - before.ste_installs != e.installs || m.traits.signals - signals_before != e.signals ||
      cons != m.prod || active != 0 ||
      m.device.commands_pending())
    fail(w.name + ": the device did not do what the workload is named for");
  for (const auto& ste : m.traits.physical_ste)
    if (ste == smmuv3::Words<8>{}) fail(w.name + ": a stream was blocked");
}

/// The workloads, the memcpy baselines first.
inline std::vector<Workload> workloads(const Data&) {
  constexpr std::size_t n = kRingEntries, b = kRingBytes;
  return {
      {"memcpy/16x256", b, b, copy_in_chunks<16>, 16},
      {"memcpy/32x128", b, b, copy_in_chunks<32>, 32},
      {"memcpy/128x32", b, b, copy_in_chunks<128>, 128},
      {"memcpy/512x8", b, b, copy_in_chunks<512>, 512},
      {"memcpy/4096x1", b, b, copy_in_chunks<4096>, 4096},
      {"mix/1", n, b, trap_mix<1>, 16},
      {"mix/2", n, b, trap_mix<2>, 32},
      {"mix/8", n, b, trap_mix<8>, 128},
      {"mix/32", n, b, trap_mix<32>, 512},
      {"mix/256", n, b, trap_mix<256>, 4096},
      {"command/TLBI_NH_VA", n, b, trap_tlbi_nh_va, b},
      {"command/TLBI_NH_ASID", n, b, trap_tlbi_nh_asid, b},
      {"command/CFGI_STE", n, b, trap_cfgi_ste, b},
      {"command/CFGI_CD", n, b, trap_cfgi_cd, b},
      {"command/CMD_SYNC", n, b, trap_sync, b},
      {"command/illegal", n, b, trap_illegal, b},
  };
}

inline Data load_data() {
  namespace sb = vsmmu_sanitizer_bench;
  // The sanitizer benchmark's command lists (its load_data checks each gets its verdict).
  const sb::Data s = sb::load_data();
  Data d;
  d.policy = s.policy;
  d.illegal_command = sb::illegal_command();
  d.mix = make_machine(d.policy, s.mix);
  d.tlbi_nh_va = make_machine(d.policy, s.tlbi_nh_va);
  d.tlbi_nh_asid = make_machine(d.policy, s.tlbi_nh_asid);
  d.cfgi_ste = make_machine(d.policy, s.cfgi_ste);
  d.cfgi_cd = make_machine(d.policy, s.cfgi_cd);
  d.sync = make_machine(d.policy, s.sync);
  d.illegal = make_machine(d.policy, s.illegal);

  // The capture's CMD_SYNCs ask for SIG_SEV, which this SMMU does not have (SMMU_IDR0.SEV == 0:
  // §4.7.3 makes it SIG_NONE), so no CMD_SYNC signals the guest. The mix: 128 commands and 128
  // CMD_SYNCs; 4 of the commands are CFGI_STEs, each installing one stream.
  const Expected mix{256, 128, 128, 0, 4};
  const Expected one_each{256, 256, 0, 0, 0};
  for (const Workload& w : workloads(d)) {
    if (w.name.rfind("mix/", 0) == 0) check(d, w, *d.mix, mix);
    if (w.name == "command/TLBI_NH_VA") check(d, w, *d.tlbi_nh_va, one_each);
    if (w.name == "command/TLBI_NH_ASID") check(d, w, *d.tlbi_nh_asid, one_each);
    if (w.name == "command/CFGI_STE") check(d, w, *d.cfgi_ste, {256, 256, 0, 0, 256});
    if (w.name == "command/CFGI_CD") check(d, w, *d.cfgi_cd, one_each);
    if (w.name == "command/CMD_SYNC") check(d, w, *d.sync, {256, 0, 256, 0, 0});
    // Each illegal command: a CERROR_ILL and its wired gerror interrupt, then the CMD_SYNC that
    // replaced it.
    if (w.name == "command/illegal") check(d, w, *d.illegal, {256, 0, 256, 256, 0, 256});
  }
  return d;
}

/// The memcpy workload that copies the same bytes in the same pieces as `w` (itself, for a memcpy
/// workload).
inline const Workload& baseline_for(const std::vector<Workload>& all, const Workload& w) {
  for (const auto& b : all)
    if (b.name.rfind("memcpy/", 0) == 0 && b.bytes == w.bytes && b.chunk_bytes == w.chunk_bytes) return b;
  fail("no memcpy baseline of " + std::to_string(w.bytes) + " bytes in pieces of " + std::to_string(w.chunk_bytes) +
       " for " + w.name);
}

}  // namespace vsmmu_device_bench
