// Replays what the unmodified Linux arm-smmu-v3 driver did to QEMU 7.2's SMMUv3 (the captures in
// tests/data/linux-*, made by tools/capture/capture.sh; format in tools/capture/README.md)
// through a vsmmu::Device, and checks the device against what QEMU did:
//   - every register access of mmio.tsv, in order: each write as Linux made it, each read
//     compared with the value QEMU returned;
//   - guest memory as it was in each phase of the run (see `phase memory` below);
//   - for every command QEMU executed (qemu-trace.tsv), the physical commands the device gave
//     the host are the command's translation: vSID -> pSID, the guest's host VMID, every other
//     operand kept;
//   - every physical STE the device installed, when it installed it: nested (the guest's stage 1
//     in the host's stage 2), stage 2 only for a guest bypass, abort for a guest abort;
//   - counts of all of it, printed for the closing note.
//
// Phase memory. The capture dumped the Stream table and the CDs only at the guest's checkpoints
// (manifest.json "snapshots", each taken after mmio.tsv records [0, mmio_seq)). Records
// [mmio_seq of the previous checkpoint, mmio_seq) are replayed against the snapshot taken at the
// END of their phase. That is exactly the guest's memory wherever the device reads it for the
// last time in the phase, because Linux 6.1 writes an STE only in arm_smmu_write_strtab_ent,
// which ends every write to the STE of an attached device with CMD_CFGI_STE + CMD_SYNC for that
// StreamID: the last CMD_CFGI_STE of a stream in a phase sees the STE as the snapshot has it,
// and so does each checkpoint, where the test checks that the installed STEs equal those the
// snapshot gives. It is NOT the guest's memory at the CMD_CFGI_STEs before that one in the same
// phase: for a translating STE Linux first writes words 1-3 with the old word 0 still valid and
// issues CMD_CFGI_STE, then word 0 and another CMD_CFGI_STE, and detaching a domain writes an
// abort STE (with CMD_CFGI_STE) before the next domain's STE. For those the test checks that the device installed what the phase's STE
// sanitizes to, and that an install came before the physical CMD_CFGI_STE (§4.3.1); it cannot
// check the intermediate STE itself, which no snapshot holds. The Command queue is faithful
// throughout: Linux writes each entry before publishing it with CMDQ_PROD and the ring did not
// wrap (manifest "wrapped": false), so cmdq.bin from the last snapshot holds every entry as
// Linux published it. The CDs are not read by the device (the guest's stage 1 is walked by the
// physical SMMU); each nested STE's CD is validated from the same snapshot.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/cd.hpp"
#include "smmuv3/command.hpp"
#include "smmuv3/l1_descriptor.hpp"
#include "smmuv3/registers/control.hpp"
#include "smmuv3/registers/offsets.hpp"
#include "smmuv3/registers/queue_registers.hpp"
#include "smmuv3/ste.hpp"
#include "support/device_policies.hpp"
#include "support/linux_capture.hpp"
#include "support/test_traits.hpp"
#include "vsmmu/device.hpp"
#include "vsmmu/sanitize_ste.hpp"
#include "vsmmu/validate_cd.hpp"

namespace {

namespace fs = std::filesystem;
namespace reg = smmuv3::reg;
using smmuv3::Words;

constexpr std::size_t kNever = std::numeric_limits<std::size_t>::max();

/// The host numbers its StreamIDs differently from the guest: pSID = vSID + 0x1000, so that a
/// vSID reaching the host untranslated cannot go unnoticed.
constexpr std::uint32_t kPsidOffset = 0x1000;

// ----- Guest memory and the host -------------------------------------------------------------

struct Region {
  std::uint64_t gpa = 0;
  std::vector<unsigned char> bytes;
  bool contains(std::uint64_t addr, std::size_t n) const {
    return addr >= gpa && n <= bytes.size() && addr - gpa <= bytes.size() - n;
  }
};

/// Guest memory in one phase: the regions one snapshot dumped, plus the Command queue.
struct GuestMemory {
  std::vector<Region> regions;
  std::vector<Region> cds;  ///< the cd_linear regions, also in `regions`

  const Region* find(std::uint64_t addr, std::size_t n) const {
    for (const Region& r : regions)
      if (r.contains(addr, n)) return &r;
    return nullptr;
  }
  template <std::size_t N>
  bool load(std::uint64_t addr, Words<N>& out) const {
    const Region* r = find(addr, 8 * N);
    if (r == nullptr) return false;
    out = smmuv3::load_le<N>(r->bytes.data() + (addr - r->gpa));
    return true;
  }
};

/// What the physical SMMU was given, in the order it was given it.
struct HostEvent {
  enum class Kind { install, submit, sync };
  Kind kind = Kind::sync;
  std::uint32_t psid = 0;  ///< install
  Words<8> ste{};          ///< install
  Words<2> command{};      ///< submit
};

/// TestTraits whose guest memory is the capture's, at its real guest physical addresses (so
/// every register value of mmio.tsv is replayed unchanged), and whose host keeps one ordered
/// log of installs, submitted commands and syncs.
struct ReplayTraits : vsmmu_test::TestTraits {
  const GuestMemory* memory = nullptr;
  std::vector<HostEvent> host;
  std::size_t failed_reads = 0;

  bool read_guest(std::uint64_t ipa, unsigned char* dst, std::size_t bytes) noexcept {
    reads.emplace_back(ipa, bytes);
    const Region* r = memory->find(ipa, bytes);
    if (r == nullptr) {
      ++failed_reads;
      return false;
    }
    std::memcpy(dst, r->bytes.data() + (ipa - r->gpa), bytes);
    return true;
  }
  // The device writes guest memory for Event queue records and CMD_SYNC MSIs only; Linux's
  // traffic asks for neither, so any write is logged and refused.
  bool write_guest(std::uint64_t ipa, const unsigned char*, std::size_t bytes) noexcept {
    writes.emplace_back(ipa, bytes);
    return false;
  }
  void install_ste(std::uint32_t psid, const Words<8>& ste) noexcept {
    host.push_back({HostEvent::Kind::install, psid, ste, {}});
    TestTraits::install_ste(psid, ste);
  }
  bool submit_commands(const Words<2>* cmds, std::size_t count) noexcept {
    for (std::size_t i = 0; i < count; ++i) host.push_back({HostEvent::Kind::submit, 0, {}, cmds[i]});
    return TestTraits::submit_commands(cmds, count);
  }
  bool sync_commands() noexcept {
    host.push_back({HostEvent::Kind::sync, 0, {}, {}});
    return TestTraits::sync_commands();
  }
};
static_assert(vsmmu::DeviceTraits<ReplayTraits>);

// ----- The capture -----------------------------------------------------------------------------

struct Capture {
  vsmmu_test::CaptureManifest manifest;
  std::vector<vsmmu_test::MmioAccess> mmio;
  std::vector<vsmmu_test::QemuTraceLine> trace;
  std::vector<Words<2>> commands;  ///< cmdq.bin: every command Linux published, in order
  std::vector<GuestMemory> memory;  ///< one per snapshot
  /// The guest's devices: every StreamID Linux named in a CMD_CFGI_STE, i.e. attached.
  std::vector<std::uint32_t> vsids;
};

Capture load_capture(const fs::path& dir) {
  Capture c;
  c.manifest = vsmmu_test::read_manifest(dir);
  c.mmio = vsmmu_test::read_mmio(dir / "mmio.tsv");
  c.trace = vsmmu_test::read_qemu_trace(dir / "qemu-trace.tsv");
  const std::vector<unsigned char> cmdq = vsmmu_test::read_bytes(dir / c.manifest.cmdq_file);
  c.commands = vsmmu_test::records<2>(cmdq);
  for (const vsmmu_test::CaptureSnapshot& s : c.manifest.snapshots) {
    GuestMemory m;
    m.regions.push_back({c.manifest.cmdq_gpa, cmdq});
    for (const vsmmu_test::CaptureRegion& r : s.regions) {
      Region region{r.gpa, vsmmu_test::read_bytes(dir / r.file)};
      if (r.kind == "cd_linear") m.cds.push_back(region);
      m.regions.push_back(std::move(region));
    }
    c.memory.push_back(std::move(m));
  }
  for (const Words<2>& w : c.commands)
    if (smmuv3::command_opcode(w) == smmuv3::Opcode::cfgi_ste) {
      const auto sid = smmuv3::decode_command_as<smmuv3::CmdCfgiSte>(w).stream_id;
      if (std::find(c.vsids.begin(), c.vsids.end(), sid) == c.vsids.end()) c.vsids.push_back(sid);
    }
  std::sort(c.vsids.begin(), c.vsids.end());
  return c;
}

std::vector<fs::path> captures() { return vsmmu_test::capture_dirs(VSMMU_TEST_DATA_DIR); }

// ----- What the device should install ------------------------------------------------------------

enum class SteClass { nested, stage2_only, abort, blocked };

const char* class_name(SteClass c) {
  switch (c) {
    case SteClass::nested: return "nested (guest S1 + host S2)";
    case SteClass::stage2_only: return "stage 2 only";
    case SteClass::abort: return "abort";
    case SteClass::blocked: return "blocked (V == 0)";
  }
  return "?";
}

/// The guest's registers that decide where the device finds an STE.
struct GuestTableRegs {
  bool smmuen = false;
  std::uint64_t strtab_base = 0;
  std::uint32_t strtab_base_cfg = 0;
};

/// What the device must install for `vsid` (the test's own Stream table walk, §3.3.2, of the
/// 2-level table Linux builds). `gap` names a hole in the capture that makes the answer unknown.
struct Expected {
  SteClass cls = SteClass::blocked;
  Words<8> physical{};
  Words<8> guest{};  ///< the guest's STE, when the walk reached one
  const char* gap = nullptr;
};

Expected expected_install(const vsmmu::Policy& p, const smmuv3::Ste& stage2, const GuestMemory& m,
                          const GuestTableRegs& regs, std::uint32_t vsid) {
  Expected e{};
  // §6.3.9 SMMUEN == 0: SMMU_GBPA decides, and Linux 6.1 leaves SMMU_GBPA.ABORT at its reset
  // value 0 (it writes GBPA only when booted with bypass allowed): bypass, which for the guest
  // is the host's stage 2 alone.
  if (!regs.smmuen) {
    e.cls = SteClass::stage2_only;
    e.physical = vsmmu_test::stage2_only_ste(stage2, p);
    return e;
  }
  if (reg::strtab_base_cfg::Fmt::get(regs.strtab_base_cfg) != static_cast<std::uint64_t>(reg::StrtabFmt::two_level)) {
    e.gap = "a linear Stream table: Linux builds a 2-level one when SMMU_IDR0.ST_LEVEL allows it";
    return e;
  }
  const unsigned split = static_cast<unsigned>(reg::strtab_base_cfg::Split::get(regs.strtab_base_cfg));
  const std::uint64_t l1_addr = reg::strtab_base::Addr::get(regs.strtab_base) + 8 * std::uint64_t{vsid >> split};
  Words<1> l1{};
  if (!m.load(l1_addr, l1)) {
    e.gap = "the snapshot does not hold the L1STD";
    return e;
  }
  const smmuv3::L1StreamTableDescriptor d = smmuv3::decode_l1std(l1);
  // §5.1.1: a StreamID whose L1STD has Span == 0 reaches no STE (C_BAD_STREAMID): the stream
  // is blocked. Linux makes the L1STD valid only when it first attaches a device of its range.
  if (smmuv3::l1std_ste_count(d.span) == 0) return e;
  if (!m.load(d.l2_ptr + 64 * std::uint64_t{vsid & ((1u << split) - 1)}, e.guest)) {
    e.gap = "the snapshot does not hold the Level 2 table";
    return e;
  }
  const smmuv3::Ste g = smmuv3::decode_ste(e.guest);
  if (!g.v) return e;
  switch (g.config) {
    case smmuv3::SteConfig::abort:
      e.cls = SteClass::abort;
      e.physical = vsmmu_test::abort_ste();
      break;
    case smmuv3::SteConfig::bypass:
      e.cls = SteClass::stage2_only;
      e.physical = vsmmu_test::stage2_only_ste(stage2, p);
      break;
    case smmuv3::SteConfig::s1_trans:
      // The words come from sanitize_ste; the nested fields are also checked one by one
      // against the guest's STE and the host's template (check_nested).
      e.cls = SteClass::nested;
      e.physical = vsmmu::sanitize_ste(p, e.guest, stage2).physical;
      break;
    default: e.gap = "an STE.Config Linux does not write"; break;
  }
  return e;
}

// ----- The replay ------------------------------------------------------------------------------

enum class Trigger { reset, smmuen, cfgi };

const char* trigger_name(Trigger t) {
  switch (t) {
    case Trigger::reset: return "reset";
    case Trigger::smmuen: return "SMMUEN change";
    case Trigger::cfgi: return "CMD_CFGI_STE";
  }
  return "?";
}

struct Install {
  std::size_t seq = kNever;  ///< the mmio.tsv record during which it happened; kNever: reset
  Trigger trigger = Trigger::reset;
  std::uint32_t vsid = 0, psid = 0;
  Words<8> physical{};  ///< what the device installed
  Expected expected;
  std::size_t phase = 0;  ///< the snapshot whose memory the device read
};

/// One guest command and what became of it.
struct CommandRecord {
  Words<2> guest{};
  std::size_t mmio_seq = kNever;  ///< the CMDQ_PROD write during which the device consumed it
  std::vector<Words<2>> physical;          ///< submitted for it
  std::vector<Words<2>> expected_physical;
  std::vector<std::size_t> installs;       ///< into Replay::installs
  std::vector<std::uint32_t> expected_install_vsids;
  bool synced = false, expected_sync = false;
  /// Its installs came before its physical commands (§4.3.1: the STE is in place before the
  /// physical CMD_CFGI_STE); its sync after every physical command of the commands before it and
  /// before those of the commands after it (§4.7.3).
  bool in_order = true;
};

struct ReadRecord {
  std::size_t seq = 0;
  std::string name;
  std::uint64_t qemu = 0, device = 0;
};

struct Checkpoint {
  std::string name;
  std::uint32_t psid = 0;
  Words<8> installed{};
  Expected expected;
};

/// Everything a replay produced; the tests judge it.
struct Replay {
  Capture cap;
  vsmmu::Policy policy{};
  smmuv3::Ste stage2{};
  std::vector<ReadRecord> reads;
  std::vector<std::pair<std::size_t, vsmmu::DeviceStatus>> not_idle;  ///< writes that did not end idle
  std::size_t polls = 0;            ///< poll() calls after a write returned more_work
  std::size_t prod_writes = 0;
  std::size_t largest_batch = 0;    ///< commands consumed by one CMDQ_PROD write
  std::vector<CommandRecord> commands;
  std::vector<Install> installs;
  std::vector<std::string> stray;   ///< host events no guest action explains
  std::vector<Checkpoint> checkpoints;
  std::size_t checkpoints_seen = 0;
  vsmmu::DeviceCounters counters{};
  std::uint32_t gerror = 0, gerrorn = 0;
  std::size_t physical_syncs = 0, failed_reads = 0, guest_writes = 0, signals = 0, msis = 0;
};

/// The physical commands a guest command must become, and the streams it re-installs. The
/// rules (docs/sanitizer.md "Commands"): vSID -> pSID with Leaf = 0 (§4.3.1: the guest's
/// L1STD is not the host's), the guest's host VMID in every TLBI (§4.4.2), TLBI_NSNH_ALL as
/// TLBI_NH_ALL of that VMID (§4.4.4.1), PREFETCH_CONFIG dropped (§4.2.1: no prefetch is ever
/// required), CMD_SYNC as a physical sync (§4.7.3).
void expect_translation(const Replay& r, CommandRecord& c) {
  const std::uint16_t vmid = r.policy.vmid;
  const auto stream = [&](std::uint32_t vsid) {
    c.expected_install_vsids.push_back(vsid);
    c.expected_physical.push_back(smmuv3::encode(smmuv3::CmdCfgiSte{false, vsid + kPsidOffset, false}).words);
  };
  smmuv3::visit_command(c.guest, [&]<class T>(const T& g) {
    if constexpr (std::is_same_v<T, smmuv3::CmdCfgiSte>) {
      if (std::find(r.cap.vsids.begin(), r.cap.vsids.end(), g.stream_id) != r.cap.vsids.end()) stream(g.stream_id);
    } else if constexpr (std::is_same_v<T, smmuv3::CmdCfgiAll>) {
      for (std::uint32_t vsid : r.cap.vsids) stream(vsid);
    } else if constexpr (std::is_same_v<T, smmuv3::CmdTlbiNhAsid>) {
      c.expected_physical.push_back(smmuv3::encode(smmuv3::CmdTlbiNhAsid{vmid, g.asid}).words);
    } else if constexpr (std::is_same_v<T, smmuv3::CmdTlbiNhVa>) {
      smmuv3::CmdTlbiNhVa p = g;
      p.vmid = vmid;
      c.expected_physical.push_back(smmuv3::encode(p).words);
    } else if constexpr (std::is_same_v<T, smmuv3::CmdTlbiNsnhAll> || std::is_same_v<T, smmuv3::CmdTlbiNhAll>) {
      c.expected_physical.push_back(smmuv3::encode(smmuv3::CmdTlbiNhAll{vmid}).words);
    } else if constexpr (std::is_same_v<T, smmuv3::CmdSync>) {
      c.expected_sync = true;
    } else if constexpr (!std::is_same_v<T, smmuv3::CmdPrefetchConfig>) {
      // A capture with other commands needs their translation here first.
      c.expected_physical.push_back(Words<2>{{~std::uint64_t{0}, ~std::uint64_t{0}}});
    }
  });
}

class Replayer {
 public:
  explicit Replayer(Replay& r) : r_(r) {
    for (std::uint32_t vsid : r.cap.vsids) t_.map.add(vsid, vsid + kPsidOffset);
    t_.stage2 = r.stage2;
    t_.memory = &r.cap.memory.front();
  }

  void run() {
    vsmmu::Device<ReplayTraits> dev(t_, r_.policy);
    // The reset of the constructor: every stream as SMMU_GBPA says.
    attribute_installs(0, Trigger::reset, kNever);
    r_.commands.resize(r_.cap.commands.size());
    for (std::size_t i = 0; i < r_.commands.size(); ++i) {
      r_.commands[i].guest = r_.cap.commands[i];
      expect_translation(r_, r_.commands[i]);
    }
    for (const vsmmu_test::MmioAccess& a : r_.cap.mmio) {
      reach(a.seq);
      if (!a.write) {
        r_.reads.push_back({a.seq, a.name, a.value, dev.read(a.offset, a.size)});
        continue;
      }
      step(a, dev);
    }
    reach(r_.cap.mmio.size());
    r_.counters = dev.counters();
    r_.gerror = static_cast<std::uint32_t>(dev.read(smmuv3::reg::offset::kGerror, 4));
    r_.gerrorn = static_cast<std::uint32_t>(dev.read(smmuv3::reg::offset::kGerrorn, 4));
    r_.physical_syncs = t_.physical_syncs;
    r_.failed_reads = t_.failed_reads;
    r_.guest_writes = t_.writes.size();
    r_.signals = t_.signals.size();
    r_.msis = t_.msis.size();
  }

 private:
  /// Before record `seq`: the checkpoints taken after records [0, seq) see the device's
  /// physical STEs, then the memory of the next phase is in place.
  void reach(std::size_t seq) {
    const auto& snaps = r_.cap.manifest.snapshots;
    while (r_.checkpoints_seen < snaps.size() && snaps[r_.checkpoints_seen].mmio_seq == seq) {
      const GuestMemory& m = r_.cap.memory[r_.checkpoints_seen];
      for (std::uint32_t vsid : r_.cap.vsids)
        r_.checkpoints.push_back({snaps[r_.checkpoints_seen].name, vsid + kPsidOffset, t_.installed[vsid + kPsidOffset],
                                  expected_install(r_.policy, r_.stage2, m, regs_, vsid)});
      ++r_.checkpoints_seen;
    }
    phase_ = std::min(r_.checkpoints_seen, snaps.size() - 1);
    t_.memory = &r_.cap.memory[phase_];
  }

  void step(const vsmmu_test::MmioAccess& a, vsmmu::Device<ReplayTraits>& dev) {
    using namespace smmuv3::reg::offset;
    const std::size_t consumed_before = dev.counters().commands_consumed;
    const bool smmuen_before = regs_.smmuen;
    vsmmu::DeviceStatus s = dev.write(a.offset, a.value, a.size);
    // The hypervisor's deferred work, done before the guest's next access.
    while (s == vsmmu::DeviceStatus::more_work) {
      ++r_.polls;
      s = dev.poll();
    }
    if (s != vsmmu::DeviceStatus::idle) r_.not_idle.emplace_back(a.seq, s);
    // The registers the test's own Stream table walk needs, as Linux wrote them.
    if (a.offset == kStrtabBase && a.size == 8) regs_.strtab_base = a.value;
    if (a.offset == kStrtabBaseCfg) regs_.strtab_base_cfg = static_cast<std::uint32_t>(a.value);
    if (a.offset == kCr0) regs_.smmuen = reg::cr0::SmmuEn::get(a.value) != 0;

    if (a.offset == kCmdqProd) {
      ++r_.prod_writes;
      const std::size_t consumed_after = dev.counters().commands_consumed;
      r_.largest_batch = std::max(r_.largest_batch, consumed_after - consumed_before);
      attribute_commands(consumed_before, consumed_after, a.seq);
    } else if (a.offset == kCr0 && smmuen_before != regs_.smmuen) {
      attribute_installs(consumed_, Trigger::smmuen, a.seq);
    }
    for (std::size_t i = consumed_; i < t_.host.size(); ++i)
      r_.stray.push_back("record " + std::to_string(a.seq) + " (" + a.name + "): a host event nothing explains");
    consumed_ = t_.host.size();
  }

  Install make_install(const HostEvent& e, Trigger trigger, std::size_t seq, std::uint32_t vsid) const {
    return Install{seq, trigger, vsid, e.psid, e.ste, expected_install(r_.policy, r_.stage2, *t_.memory, regs_, vsid), phase_};
  }

  /// Every stream installed once, in the stream map's order (reset, SMMUEN 0 <-> 1).
  void attribute_installs(std::size_t from, Trigger trigger, std::size_t seq) {
    std::size_t at = from;
    for (std::uint32_t vsid : r_.cap.vsids) {
      if (at == t_.host.size() || t_.host[at].kind != HostEvent::Kind::install) {
        r_.stray.push_back(std::string(trigger_name(trigger)) + ": a stream was not installed");
        break;
      }
      r_.installs.push_back(make_install(t_.host[at], trigger, seq, vsid));
      ++at;
    }
    consumed_ = at;
  }

  /// The host events of one CMDQ_PROD write, shared out among the guest commands it consumed
  /// [first, last): each takes, in order, as many installs, physical commands and syncs as its
  /// translation has, and the positions in the log show the order they reached the host.
  void attribute_commands(std::size_t first, std::size_t last, std::size_t seq) {
    std::vector<std::size_t> installs, submits, syncs;
    for (std::size_t i = consumed_; i < t_.host.size(); ++i) {
      switch (t_.host[i].kind) {
        case HostEvent::Kind::install: installs.push_back(i); break;
        case HostEvent::Kind::submit: submits.push_back(i); break;
        case HostEvent::Kind::sync: syncs.push_back(i); break;
      }
    }
    std::size_t ni = 0, ns = 0, nsync = 0;
    std::size_t last_submit = 0;  // position + 1 of the latest physical command so far
    std::size_t last_sync = 0;    // position + 1 of the latest sync so far
    for (std::size_t k = first; k < last && k < r_.commands.size(); ++k) {
      CommandRecord& c = r_.commands[k];
      c.mmio_seq = seq;
      std::size_t first_submit = kNever;
      for (std::size_t n = 0; n < c.expected_physical.size() && ns < submits.size(); ++n, ++ns) {
        const std::size_t at = submits[ns];
        c.physical.push_back(t_.host[at].command);
        first_submit = std::min(first_submit, at);
        c.in_order = c.in_order && at + 1 > last_sync;
        last_submit = at + 1;
      }
      for (std::uint32_t vsid : c.expected_install_vsids) {
        if (ni == installs.size()) break;
        const std::size_t at = installs[ni++];
        c.installs.push_back(r_.installs.size());
        r_.installs.push_back(make_install(t_.host[at], Trigger::cfgi, seq, vsid));
        c.in_order = c.in_order && at < first_submit;
      }
      if (c.expected_sync && nsync < syncs.size()) {
        const std::size_t at = syncs[nsync++];
        c.synced = true;
        c.in_order = c.in_order && at + 1 > last_submit;
        last_sync = at + 1;
      }
    }
    for (; ni < installs.size(); ++ni) r_.stray.push_back("record " + std::to_string(seq) + ": an install no command explains");
    for (; ns < submits.size(); ++ns) r_.stray.push_back("record " + std::to_string(seq) + ": a physical command no guest command explains");
    for (; nsync < syncs.size(); ++nsync) r_.stray.push_back("record " + std::to_string(seq) + ": a sync no CMD_SYNC explains");
    consumed_ = t_.host.size();
  }

  Replay& r_;
  ReplayTraits t_;
  GuestTableRegs regs_{};
  std::size_t phase_ = 0;
  std::size_t consumed_ = 0;  ///< host events already attributed
};

/// What the test needs the capture to be before any replayed behaviour can be judged.
void check_capture(const Capture& c) {
  ASSERT_FALSE(c.manifest.snapshots.empty());
  ASSERT_EQ(c.memory.size(), c.manifest.snapshots.size());
  for (std::size_t i = 1; i < c.manifest.snapshots.size(); ++i)
    ASSERT_LT(c.manifest.snapshots[i - 1].mmio_seq, c.manifest.snapshots[i].mmio_seq) << "checkpoints out of order";
  ASSERT_FALSE(c.manifest.cmdq_wrapped) << "cmdq.bin holds only the last lap of a wrapped ring";
  ASSERT_EQ(c.commands.size(), c.manifest.cmdq_entries);
  ASSERT_EQ(c.mmio.size(), c.manifest.mmio_accesses);
  for (std::size_t i = 0; i < c.mmio.size(); ++i) {
    ASSERT_EQ(c.mmio[i].seq, i);
    ASSERT_LE(c.mmio[i].offset + c.mmio[i].size, c.manifest.smmu_size) << "record " << i << " outside the frame";
  }
  ASSERT_FALSE(c.vsids.empty());
  ASSERT_LE(c.vsids.size(), 16u) << "TestTraits' stream map holds 16 streams";
}

/// Replays a capture that check_capture accepted.
Replay replay(Capture cap) {
  Replay r;
  r.cap = std::move(cap);
  r.policy = vsmmu_test::capture_policy();
  r.stage2 = vsmmu_test::capture_stage2(r.policy);
  Replayer(r).run();
  return r;
}

std::string hex(std::uint64_t v) {
  std::ostringstream o;
  o << "0x" << std::hex << v;
  return o.str();
}

std::string command_name(const Words<2>& w) {
  return smmuv3::visit_command(w, []<class T>(const T& c) {
    std::string n = T::kName;
    if constexpr (std::is_same_v<T, smmuv3::CmdSync>) {
      static constexpr const char* kCs[] = {"SIG_NONE", "SIG_IRQ", "SIG_SEV", "CS 0b11"};
      n += std::string(" (CS=") + kCs[static_cast<unsigned>(c.cs) & 3] + ")";
    }
    return n;
  });
}

// ----- MMIO ----------------------------------------------------------------------------------

// Every read Linux made returns what QEMU returned. No exception is needed: the capture's
// policy shows the guest exactly QEMU's ID registers as far as Linux reads them (IDR0, IDR1,
// IDR3, IDR5; IIDR reads 0 on both), CR0ACK and IRQ_CTRLACK follow their registers at once on
// both (§6.3.10, §6.3.18), and CMDQ_CONS reaches CMDQ_PROD within the PROD write on both.
TEST(LinuxReplay, EveryReadReturnsWhatQemuReturned) {
  for (const fs::path& dir : captures()) {
    SCOPED_TRACE(dir.string());
    Capture cap = load_capture(dir);
    ASSERT_NO_FATAL_FAILURE(check_capture(cap));
    const Replay r = replay(std::move(cap));
    std::size_t reads = 0;
    for (const auto& a : r.cap.mmio) reads += !a.write;
    ASSERT_EQ(r.reads.size(), reads);
    EXPECT_GT(reads, 0u);
    for (const ReadRecord& rd : r.reads)
      EXPECT_EQ(hex(rd.device), hex(rd.qemu)) << "record " << rd.seq << ": " << rd.name;
  }
}

// The device consumed all of Linux's commands without a command error, a global error, a
// host error, or a signal to the guest (Linux's CMD_SYNCs are SIG_SEV, which is SIG_NONE
// without SMMU_IDR0.SEV, §4.7.3), and touched no guest memory it was not pointed at.
TEST(LinuxReplay, LinuxCaptureReplaysWithoutErrors) {
  for (const fs::path& dir : captures()) {
    SCOPED_TRACE(dir.string());
    Capture cap = load_capture(dir);
    ASSERT_NO_FATAL_FAILURE(check_capture(cap));
    const Replay r = replay(std::move(cap));
    EXPECT_EQ(r.counters.command_errors, 0u);
    EXPECT_EQ(r.gerror ^ r.gerrorn, 0u) << "active global errors";
    EXPECT_EQ(r.counters.commands_consumed, r.cap.commands.size());
    std::size_t syncs = 0;
    for (const auto& w : r.cap.commands) syncs += smmuv3::command_opcode(w) == smmuv3::Opcode::sync;
    EXPECT_GT(syncs, 0u);
    EXPECT_EQ(r.counters.syncs, syncs);
    EXPECT_EQ(r.physical_syncs, syncs);
    EXPECT_EQ(r.failed_reads, 0u) << "the device read outside the capture's guest memory";
    EXPECT_EQ(r.guest_writes, 0u);
    EXPECT_EQ(r.signals, 0u);
    EXPECT_EQ(r.msis, 0u);
    for (const auto& [seq, status] : r.not_idle)
      ADD_FAILURE() << "record " << seq << ": the write ended with DeviceStatus " << static_cast<int>(status);
    for (const std::string& s : r.stray) ADD_FAILURE() << s;
  }
}

// ----- Physical commands ------------------------------------------------------------------------

/// `key=value` (or `key= value`) in a QEMU trace event's text; value in C notation.
std::uint64_t trace_arg(const std::string& args, const std::string& key) {
  std::size_t at = 0;
  while ((at = args.find(key + "=", at)) != std::string::npos) {
    if (at == 0 || args[at - 1] == ' ') return std::stoull(args.substr(at + key.size() + 1), nullptr, 0);
    at += key.size();
  }
  ADD_FAILURE() << "no " << key << "= in \"" << args << "\"";
  return 0;
}

/// A physical command, decoded as `T`, or a failure when it is not one.
template <class T>
T physical_as(const CommandRecord& c, std::size_t i = 0) {
  if (i >= c.physical.size() || smmuv3::command_opcode(c.physical[i]) != T::kOpcode) {
    ADD_FAILURE() << "physical command " << i << " is not " << T::kName;
    return T{};
  }
  return smmuv3::decode_command_as<T>(c.physical[i]);
}

// Every command QEMU executed (qemu-trace.tsv, every line accounted for) reached the device
// during the same CMDQ_PROD write, and the physical commands the device submitted for it are
// its translation (expect_translation), with the operands QEMU's trace shows: the StreamID of a
// CMD_CFGI_STE as a pSID, the range of CMD_CFGI_ALL as one CMD_CFGI_STE per stream, the ASID of
// a TLBI with the guest's host VMID, the address, TG, TTL, Leaf and page count of a range
// TLBI_NH_VA as QEMU split them.
TEST(LinuxReplay, PhysicalCommandsAreTheTranslationOfWhatQemuExecuted) {
  for (const fs::path& dir : captures()) {
    SCOPED_TRACE(dir.string());
    Capture cap = load_capture(dir);
    ASSERT_NO_FATAL_FAILURE(check_capture(cap));
    const Replay r = replay(std::move(cap));
    const std::uint16_t vmid = r.policy.vmid;

    for (std::size_t i = 0; i < r.commands.size(); ++i) {
      const CommandRecord& c = r.commands[i];
      SCOPED_TRACE("command " + std::to_string(i) + " " + command_name(c.guest));
      EXPECT_NE(c.mmio_seq, kNever) << "never consumed";
      EXPECT_EQ(c.physical, c.expected_physical);
      EXPECT_EQ(c.installs.size(), c.expected_install_vsids.size());
      EXPECT_EQ(c.synced, c.expected_sync);
      EXPECT_TRUE(c.in_order);
    }

    // QEMU's trace, grouped by command.
    std::vector<std::vector<const vsmmu_test::QemuTraceLine*>> by_index(r.commands.size());
    for (const auto& l : r.cap.trace) {
      if (!l.has_index || l.cmdq_index >= r.commands.size()) {
        ADD_FAILURE() << "QEMU trace line of no command Linux published: " << l.event << " " << l.arguments;
        continue;
      }
      by_index[l.cmdq_index].push_back(&l);
    }
    std::size_t accounted = 0;
    for (std::size_t i = 0; i < r.commands.size(); ++i) {
      const CommandRecord& c = r.commands[i];
      const auto& lines = by_index[i];
      SCOPED_TRACE("command " + std::to_string(i) + " " + command_name(c.guest));
      ASSERT_FALSE(lines.empty()) << "QEMU did not execute it";
      ASSERT_EQ(lines[0]->event, "smmuv3_cmdq_opcode");
      EXPECT_EQ(lines[0]->arguments,
                std::string("<--- SMMU_") + smmuv3::opcode_name(static_cast<std::uint8_t>(smmuv3::command_opcode(c.guest))));
      ++accounted;
      // A range TLBI_NH_VA, as QEMU split it into aligned power-of-two ranges.
      std::uint64_t range_addr = 0, range_pages = 0;
      std::size_t range_lines = 0;
      for (std::size_t k = 0; k < lines.size(); ++k) {
        const vsmmu_test::QemuTraceLine& l = *lines[k];
        EXPECT_EQ(l.mmio_seq, c.mmio_seq) << "QEMU and the device ran it on different CMDQ_PROD writes";
        if (k == 0) continue;
        const std::string& a = l.arguments;
        ++accounted;
        if (l.event == "smmuv3_cmdq_cfgi_ste" || l.event == "smmuv3_config_cache_inv") {
          const auto sid = static_cast<std::uint32_t>(trace_arg(a, l.event == "smmuv3_cmdq_cfgi_ste" ? "streamid" : "sid"));
          EXPECT_EQ(smmuv3::decode_command_as<smmuv3::CmdCfgiSte>(c.guest).stream_id, sid);
          EXPECT_EQ(physical_as<smmuv3::CmdCfgiSte>(c).stream_id, sid + kPsidOffset);
          ASSERT_EQ(c.installs.size(), 1u);
          EXPECT_EQ(r.installs[c.installs[0]].psid, sid + kPsidOffset);
        } else if (l.event == "smmuv3_cmdq_cfgi_ste_range") {
          const std::uint64_t start = trace_arg(a, "start"), end = trace_arg(a, "end");
          std::vector<std::uint32_t> in_range;
          for (std::uint32_t vsid : r.cap.vsids)
            if (vsid >= start && vsid <= end) in_range.push_back(vsid);
          ASSERT_EQ(c.physical.size(), in_range.size());
          ASSERT_EQ(c.installs.size(), in_range.size());
          for (std::size_t s = 0; s < in_range.size(); ++s) {
            EXPECT_EQ(physical_as<smmuv3::CmdCfgiSte>(c, s).stream_id, in_range[s] + kPsidOffset);
            EXPECT_EQ(r.installs[c.installs[s]].psid, in_range[s] + kPsidOffset);
          }
        } else if (l.event == "smmuv3_cmdq_tlbi_nh") {
          // CMD_TLBI_NSNH_ALL or CMD_TLBI_NH_ALL: the guest's VMID only, never every VM's.
          EXPECT_EQ(physical_as<smmuv3::CmdTlbiNhAll>(c).vmid, vmid);
        } else if (l.event == "smmu_iotlb_inv_all") {
          EXPECT_EQ(c.physical.size(), 1u);
        } else if (l.event == "smmuv3_cmdq_tlbi_nh_asid" || l.event == "smmu_iotlb_inv_asid") {
          const auto p = physical_as<smmuv3::CmdTlbiNhAsid>(c);
          EXPECT_EQ(p.asid, trace_arg(a, "asid"));
          EXPECT_EQ(p.vmid, vmid);
        } else if (l.event == "smmuv3_s1_range_inval") {
          const auto p = physical_as<smmuv3::CmdTlbiNhVa>(c);
          const auto g = smmuv3::decode_command_as<smmuv3::CmdTlbiNhVa>(c.guest);
          EXPECT_EQ(p.vmid, vmid);
          EXPECT_EQ(trace_arg(a, "vmid"), g.vmid);
          EXPECT_EQ(p.asid, trace_arg(a, "asid"));
          EXPECT_EQ(static_cast<std::uint64_t>(p.tg), trace_arg(a, "tg"));
          EXPECT_EQ(p.ttl, trace_arg(a, "ttl"));
          EXPECT_EQ(p.leaf ? 1u : 0u, trace_arg(a, "leaf"));
          if (range_lines == 0) range_addr = trace_arg(a, "addr");
          range_pages += trace_arg(a, "num_pages");
          ++range_lines;
          // §4.4.1.1: TG != 0 invalidates (NUM + 1) * 2^SCALE pages from Address.
          if (k + 1 == lines.size() || lines[k + 1]->event != "smmuv3_s1_range_inval") {
            EXPECT_EQ(p.address, range_addr);
            const std::uint64_t pages = p.tg == smmuv3::TlbiTg::any ? 1 : (std::uint64_t{p.num} + 1) << p.scale;
            EXPECT_EQ(pages, range_pages);
          }
        } else {
          // consume_error, record_event, write_gerror, trigger_irq, unhandled_cmd, or new.
          ADD_FAILURE() << "QEMU trace event the replay does not account for: " << l.event << " " << a;
        }
      }
    }
    EXPECT_EQ(accounted, r.cap.trace.size());
  }
}

// ----- STEs --------------------------------------------------------------------------------------

/// The nested STE, field by field: stage 1 as the guest wrote it, stage 2 the host's template
/// with the guest's VMID (§5.2, docs/sanitizer.md "STEs"). The capture's guest has no
/// substreams (SMMU_IDR1.SSIDSIZE == 0), so its stream has one CD: S1CDMax is IGNORED and so
/// are S1Fmt and S1DSS (§5.2), which Linux nevertheless sets (S1DSS = 0b10, SUBSTREAM0).
void check_nested(const smmuv3::Ste& phys, const smmuv3::Ste& guest, const smmuv3::Ste& s2, std::uint16_t vmid) {
  EXPECT_EQ(phys.config, smmuv3::SteConfig::nested);
  EXPECT_EQ(phys.s1_context_ptr, guest.s1_context_ptr);
  EXPECT_EQ(phys.s1_cd_max, 0u);
  EXPECT_EQ(phys.s1_fmt, smmuv3::S1Fmt::linear);
  EXPECT_EQ(phys.s1_cir, guest.s1_cir);
  EXPECT_EQ(phys.s1_cor, guest.s1_cor);
  EXPECT_EQ(phys.s1_csh, guest.s1_csh);
  EXPECT_EQ(phys.s1_stalld, guest.s1_stalld);
  EXPECT_EQ(phys.s2_vmid, vmid);
  EXPECT_EQ(phys.s2_ttb, s2.s2_ttb);
  EXPECT_EQ(phys.s2_t0sz, s2.s2_t0sz);
  EXPECT_EQ(phys.s2_sl0, s2.s2_sl0);
  EXPECT_EQ(phys.s2_tg, s2.s2_tg);
  EXPECT_EQ(phys.s2_ps, s2.s2_ps);
  EXPECT_EQ(phys.s2_ir0, s2.s2_ir0);
  EXPECT_EQ(phys.s2_or0, s2.s2_or0);
  EXPECT_EQ(phys.s2_sh0, s2.s2_sh0);
  EXPECT_EQ(phys.s2_aa64, s2.s2_aa64);
  EXPECT_EQ(phys.s2_r, s2.s2_r);
}

// Every physical STE the device installed -- at its reset, at each SMMUEN change and at each
// CMD_CFGI_STE / CMD_CFGI_ALL -- is what the guest's configuration at that moment gives: a
// guest stage 1 STE nested in the host's stage 2 (with a valid CD at its S1ContextPtr), a guest
// bypass (or SMMUEN == 0) as stage 2 only, a guest abort as abort, a StreamID without an L2
// table blocked. At every checkpoint the streams carry exactly what the snapshot gives.
TEST(LinuxReplay, EveryInstalledSteIsWhatTheGuestsConfigurationGives) {
  for (const fs::path& dir : captures()) {
    SCOPED_TRACE(dir.string());
    Capture cap = load_capture(dir);
    ASSERT_NO_FATAL_FAILURE(check_capture(cap));
    const Replay r = replay(std::move(cap));
    ASSERT_EQ(r.policy.idr.idr1.ssidsize, 0u);
    std::size_t nested = 0, cds_checked = 0;
    for (const Install& in : r.installs) {
      SCOPED_TRACE(std::string(trigger_name(in.trigger)) + " at record " +
                   (in.seq == kNever ? std::string("-") : std::to_string(in.seq)) + ", pSID " + hex(in.psid));
      ASSERT_EQ(in.expected.gap, nullptr) << in.expected.gap;
      EXPECT_EQ(in.psid, in.vsid + kPsidOffset);
      EXPECT_EQ(in.physical, in.expected.physical) << class_name(in.expected.cls);
      if (in.expected.cls != SteClass::nested) continue;
      ++nested;
      const smmuv3::Ste guest = smmuv3::decode_ste(in.expected.guest);
      check_nested(smmuv3::decode_ste(in.physical), guest, r.stage2, r.policy.vmid);
      // The CD the physical SMMU will fetch through S1ContextPtr (an IPA) validates.
      const GuestMemory& m = r.cap.memory[in.phase];
      const auto cd = std::find_if(m.cds.begin(), m.cds.end(), [&](const Region& c) { return c.gpa == guest.s1_context_ptr; });
      ASSERT_NE(cd, m.cds.end()) << "no CD at S1ContextPtr " << hex(guest.s1_context_ptr) << " in the snapshot";
      Words<8> words{};
      ASSERT_TRUE(m.load(guest.s1_context_ptr, words));
      const vsmmu::CdResult v = vsmmu::validate_cd(r.policy, vsmmu::cd_stream_context(guest), words);
      EXPECT_TRUE(v.ok()) << v.reason;
      ++cds_checked;
    }
    EXPECT_GT(nested, 0u);
    EXPECT_EQ(cds_checked, nested);

    EXPECT_EQ(r.checkpoints_seen, r.cap.manifest.snapshots.size());
    for (const Checkpoint& c : r.checkpoints) {
      SCOPED_TRACE("checkpoint " + c.name + ", pSID " + hex(c.psid));
      ASSERT_EQ(c.expected.gap, nullptr) << c.expected.gap;
      EXPECT_EQ(c.installed, c.expected.physical) << class_name(c.expected.cls);
    }
  }
}

// ----- The closing note ----------------------------------------------------------------------------

template <class Map>
void print(std::ostream& o, const char* title, const Map& m) {
  o << title << ":\n";
  for (const auto& [k, v] : m) o << "  " << v << "\t" << k << "\n";
}

// The numbers for issue 8's closing note, printed and recorded as test properties; the test
// checks that they add up (every command, trace line and access counted once).
TEST(LinuxReplay, ClosingNoteCounts) {
  for (const fs::path& dir : captures()) {
    SCOPED_TRACE(dir.string());
    Capture cap = load_capture(dir);
    ASSERT_NO_FATAL_FAILURE(check_capture(cap));
    const Replay r = replay(std::move(cap));

    std::map<std::string, std::size_t> guest, physical, trace_events, stes, by_trigger;
    std::map<std::string, std::pair<std::size_t, std::size_t>> mmio;  // register -> reads, writes
    for (const CommandRecord& c : r.commands) {
      ++guest[command_name(c.guest)];
      for (const auto& p : c.physical) ++physical[command_name(p)];
    }
    physical["physical sync (sync_commands)"] = r.physical_syncs;
    for (const auto& l : r.cap.trace) ++trace_events[l.event];
    for (const Install& in : r.installs) {
      ++stes[class_name(in.expected.cls)];
      ++by_trigger[std::string(trigger_name(in.trigger)) + ": " + class_name(in.expected.cls)];
    }
    for (const auto& a : r.cap.mmio) (a.write ? mmio[a.name].second : mmio[a.name].first)++;
    std::map<std::string, std::size_t> cds;  // distinct CDs in the snapshots -> valid
    for (const GuestMemory& m : r.cap.memory)
      for (const Region& c : m.cds) {
        const Words<8> w = smmuv3::load_le<8>(c.bytes.data());
        if (smmuv3::decode_cd(w).v) cds[hex(c.gpa) + " " + hex(w[0])] = vsmmu::validate_cd(r.policy, w).ok();
      }
    std::size_t reads = 0, mismatched = 0;
    for (const ReadRecord& rd : r.reads) {
      ++reads;
      mismatched += rd.device != rd.qemu;
    }

    std::ostringstream o;
    o << "Linux replay of " << dir.filename().string() << "\n";
    print(o, "Guest commands, by opcode", guest);
    print(o, "Physical commands the device submitted, by opcode", physical);
    print(o, "QEMU trace lines, by event", trace_events);
    print(o, "Physical STE installs, by what the guest configured", stes);
    print(o, "Physical STE installs, by trigger", by_trigger);
    o << "Distinct valid CDs in the snapshots: " << cds.size() << "\n";
    o << "MMIO accesses by register (reads, writes):\n";
    for (const auto& [name, n] : mmio) o << "  " << n.first << "\t" << n.second << "\t" << name << "\n";
    o << "Reads compared with QEMU: " << reads << ", differing: " << mismatched << " (no exceptions listed)\n";
    o << "CMDQ_PROD writes: " << r.prod_writes << ", largest batch: " << r.largest_batch
      << " commands, polls after more_work: " << r.polls << "\n";
    std::cout << o.str();
    RecordProperty("capture", dir.filename().string());
    RecordProperty("guest_commands", static_cast<int>(r.commands.size()));
    RecordProperty("physical_commands", static_cast<int>(r.counters.commands_submitted));
    RecordProperty("ste_installs", static_cast<int>(r.installs.size()));
    RecordProperty("mmio_accesses", static_cast<int>(r.cap.mmio.size()));

    std::size_t sum = 0;
    for (const auto& [k, v] : guest) sum += v;
    EXPECT_EQ(sum, r.cap.commands.size());
    sum = 0;
    for (const auto& [k, v] : physical) sum += v;
    EXPECT_EQ(sum, r.counters.commands_submitted + r.physical_syncs);
    EXPECT_EQ(r.installs.size(), r.counters.ste_installs);
    sum = 0;
    for (const auto& [k, n] : mmio) sum += n.first + n.second;
    EXPECT_EQ(sum, r.cap.mmio.size());
    for (const auto& [k, ok] : cds) EXPECT_TRUE(ok) << "CD " << k;
    EXPECT_FALSE(cds.empty());
    EXPECT_EQ(mismatched, 0u);
  }
}

}  // namespace
