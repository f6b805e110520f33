// A deterministic property test of vsmmu::Device (include/vsmmu/device.hpp) against a hostile
// guest: random scripts of MMIO accesses (any offset, width 1..8, misaligned), guest memory
// writes (commands, STEs, L1STDs, CDs built with the smmuv3:: encoders and then mutated, random
// bytes), physical events, host failures, migration (save -> restore into a fresh Device),
// reset and stream map changes, under many policies (linear / 2-level Stream table, MSI on/off,
// ATS, stalls on stall-capable hosts, queues of 2^3..2^8 entries, 4..16 StreamID bits, tightened
// opcode rules) and maps of 0..6 streams.
//
// After every step the test checks what the device promises the host (device.hpp, traits.hpp)
// and what the architecture promises the guest, computed independently from the saved register
// state (IHI 0070 G.b):
//   M1 every read_guest is one the guest's own registers and tables point at: a run of commands
//      starting exactly at CMDQ_CONS inside [CMDQ_BASE, + 2^QS * 16) (§3.5, §6.3.26), or the
//      L1STD / STE of an assigned vSID in the Stream table SMMU_STRTAB_BASE/_CFG describe
//      (linear: base + vSID * 64; 2-level: base + (vSID >> SPLIT) * 8 and the STE at the L2Ptr
//      of a valid L1STD, §3.3.2, §5.1, §6.3.24-§6.3.25); a read the test double granted is inside
//      guest RAM and outside the injected abort ranges;
//   M2 every write_guest is an event record exactly at EVENTQ_PROD's entry of the guest's Event
//      queue during report_event (§7.2), or the 4-byte MSI of a CMD_SYNC read in this step
//      (§4.7.3); write_msi targets a programmed IRQ_CFG0 address or such a CMD_SYNC MSIAddress;
//   S  every install_ste is for a pSID of the map and is all-zero, the abort STE (V = 1, Config
//      0b000, all else 0), or Config 0b110 / 0b111 with S2VMID == policy.vmid and every stage 2
//      and host-owned field equal to the host template's (§5.2); never Config 0b100 / 0b101
//      (stage 2 bypassed); with SMMUEN == 0 exactly the SMMU_GBPA STE (§6.3.14); all-zero when
//      the guest's Stream table has no STE for the vSID or its STE has V == 0; exactly the
//      expected STE for a plain legal guest STE (abort, bypass, stage 1 with a CD pointer); and
//      every assigned stream re-installed after an SMMUEN change, a GBPA update, a map change,
//      reset() and a migration (device.hpp);
//   C  every submitted physical command has an opcode the policy forwards (never CMD_SYNC,
//      CFGI_STE_RANGE or NSNH_ALL), SSec == 0, no RES0 bit, StreamIDs only of the map's pSIDs,
//      VMID == policy.vmid, CFGI_STE Leaf == 0;
//   W  bounded work per call (the bounds are stated at `check_work`): work units of the commands
//      consumed plus re-installs <= budget + 2 * streams, more_work only with the budget spent,
//      every consumed command read in the same call, bounded reads / submits / installs / syncs;
//   R  register file: save() restores into a fresh Device with RestoreError::none and the same
//      save(); the registers read back as saved; CR0ACK == CR0 and IRQ_CTRLACK == IRQ_CTRL
//      (this device completes every update at once, device.hpp); GERROR holds
//      only errors this guest's SMMU can raise, and a bit toggles only while inactive (§7.5);
//      CMDQ_CONS moves only forward, by at most the commands between CONS and PROD (§3.5.1),
//      except when the guest writes it with CMDQEN == 0 (§6.3.28); nothing changes on a read or
//      on an ignored access; DeviceStatus agrees with commands_pending();
//   E  a recorded event is written exactly at EVENTQ_PROD's entry, names the vSID, and PROD
//      advances by one (§7.2); OVFLG toggles at most once until acknowledged (§7.4); the other
//      EventStatus values match the state that explains them.
//
// The scripts must also reach what the invariants are about (commands consumed, errors, wraps,
// nested STEs, recorded / lost events, MSIs, migrations): each test checks coverage floors.
//
// A failure prints the case seed, the step and the invariant, then a minimized script; the
// environment variable VSMMU_HOSTILE_SEED=<seed> replays one case with a trace of every step,
// VSMMU_HOSTILE_CASES=<n> runs more cases per test, VSMMU_HOSTILE_STATS=1 prints the coverage.
#include <gtest/gtest.h>

#include <algorithm>
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/cd.hpp"
#include "smmuv3/cerror.hpp"
#include "smmuv3/command.hpp"
#include "smmuv3/event.hpp"
#include "smmuv3/l1_descriptor.hpp"
#include "smmuv3/registers/control.hpp"
#include "smmuv3/registers/idr.hpp"
#include "smmuv3/registers/irq.hpp"
#include "smmuv3/registers/offsets.hpp"
#include "smmuv3/registers/queue_registers.hpp"
#include "smmuv3/ste.hpp"
#include "support/splitmix64.hpp"
#include "support/test_traits.hpp"
#include "vsmmu/device.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_command.hpp"
#include "vsmmu/sanitize_ste.hpp"

namespace {

using namespace smmuv3::reg::offset;
namespace reg = smmuv3::reg;
using smmuv3::Opcode;
using smmuv3::Words;
using vsmmu::DeviceState;
using vsmmu::DeviceStatus;
using vsmmu::EventStatus;
using vsmmu::GuestSignal;
using vsmmu_test::SplitMix64;
using vsmmu_test::TestTraits;
using Map = vsmmu::FixedStreamMap<16>;

constexpr std::uint64_t kR = TestTraits::kRamBase;
constexpr std::uint64_t kRamEnd = kR + TestTraits::kRamBytes;

// Register bits, by the record layer's names.
constexpr std::uint32_t kSmmuEn = static_cast<std::uint32_t>(reg::cr0::SmmuEn::mask);
constexpr std::uint32_t kEventqEn = static_cast<std::uint32_t>(reg::cr0::EventqEn::mask);
constexpr std::uint32_t kCmdqEn = static_cast<std::uint32_t>(reg::cr0::CmdqEn::mask);
constexpr std::uint32_t kCmdqErr = static_cast<std::uint32_t>(reg::gerror::CmdqErr::mask);
constexpr std::uint32_t kEventqAbtErr = static_cast<std::uint32_t>(reg::gerror::EventqAbtErr::mask);
constexpr std::uint32_t kMsiCmdqAbtErr = static_cast<std::uint32_t>(reg::gerror::MsiCmdqAbtErr::mask);
constexpr std::uint32_t kMsiEventqAbtErr = static_cast<std::uint32_t>(reg::gerror::MsiEventqAbtErr::mask);
constexpr std::uint32_t kMsiGerrorAbtErr = static_cast<std::uint32_t>(reg::gerror::MsiGerrorAbtErr::mask);
constexpr std::uint32_t kOvFlg = static_cast<std::uint32_t>(reg::eventq_prod::OvFlg::mask);
constexpr std::uint32_t kGbpaUpdate = static_cast<std::uint32_t>(reg::gbpa::Update::mask);
constexpr std::uint32_t kGbpaAbort = static_cast<std::uint32_t>(reg::gbpa::Abort::mask);

// =============================================================================================
// The guest's structures as the architecture places them, computed from register values with
// the spec's arithmetic (not with the device's helpers).
// =============================================================================================

constexpr std::uint64_t kAddr55_5 = 0x00FF'FFFF'FFFF'FFE0;  // _BASE.ADDR [55:5]
constexpr std::uint64_t kAddr55_6 = 0x00FF'FFFF'FFFF'FFC0;  // STRTAB_BASE.ADDR, L1STD.L2Ptr [55:6]

/// §6.3.26: LOG2SIZE capped at SMMU_IDR1.xQS (and at 19, the widest WR/RD index).
unsigned queue_qs(std::uint64_t base_reg, unsigned idr_max) {
  unsigned l = static_cast<unsigned>(base_reg & 31);
  if (l > idr_max) l = idr_max;
  return l > 19 ? 19 : l;
}
/// §6.3.26: ADDR with the bits below the larger of the queue size and 32 bytes ignored.
std::uint64_t queue_base(std::uint64_t base_reg, unsigned qs, unsigned entry_bytes) {
  const std::uint64_t bytes = (std::uint64_t{1} << qs) * entry_bytes;
  const std::uint64_t align = bytes > 32 ? bytes : 32;
  return base_reg & kAddr55_5 & ~(align - 1);
}
/// §3.5.1: WR/RD bits [QS:0] (index and wrap flag).
std::uint32_t ptr_mask(unsigned qs) { return (2u << qs) - 1; }
std::uint32_t idx_mask(unsigned qs) { return (1u << qs) - 1; }
/// Entries between CONS and PROD, reading {wrap, index} as one number: <= 2^QS when consistent.
std::uint32_t q_used(std::uint32_t prod, std::uint32_t cons, unsigned qs) { return (prod - cons) & ptr_mask(qs); }
std::uint64_t oas_mask(const vsmmu::Policy& p) {
  const unsigned bits = reg::oas_bits(p.idr.idr5.oas);
  return bits >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << bits) - 1;
}
std::uint32_t active(std::uint32_t gerror, std::uint32_t gerrorn) { return (gerror ^ gerrorn) & 0x7FF; }

/// SMMU_STRTAB_BASE / _CFG as §6.3.24-§6.3.25 define them.
struct TableModel {
  bool two_level = false;
  unsigned split = 0;
  unsigned log2 = 0;  ///< MIN(LOG2SIZE, SIDSIZE)
  std::uint64_t base = 0;
  bool above_oas = false;
};

TableModel table_model(const vsmmu::Policy& p, const DeviceState& s) {
  TableModel m{};
  const unsigned fmt = (s.strtab_base_cfg >> 16) & 3, split = (s.strtab_base_cfg >> 6) & 31,
                 log2 = s.strtab_base_cfg & 63;
  // FMT: "Other values are reserved, behave as 0b00"; RES0 without ST_LEVEL.
  m.two_level = p.idr.idr0.st_level == reg::StLevel::two_level && fmt == 1;
  // SPLIT: 6, 8, 10; "Other values are reserved, behave as 6".
  m.split = m.two_level ? (split == 8 || split == 10 ? split : 6) : 0;
  // "the effective LOG2SIZE is MIN(LOG2SIZE, SMMU_IDR1.SIDSIZE)".
  m.log2 = std::min<unsigned>(log2, p.idr.idr1.sidsize);
  // §6.3.24: ADDR[LOG2SIZE + 5:0] = 0 (linear), ADDR[MAX(5, LOG2SIZE - SPLIT - 1 + 3):0] = 0
  // (2-level), with the literal LOG2SIZE; the SMMU ignores those bits.
  const int top =
      m.two_level ? std::max(5, static_cast<int>(log2) - static_cast<int>(m.split) + 2) : static_cast<int>(log2) + 5;
  const std::uint64_t addr = s.strtab_base & kAddr55_6;
  m.base = top >= 63 ? 0 : addr & ~((std::uint64_t{2} << top) - 1);
  m.above_oas = (m.base & ~oas_mask(p)) != 0;
  return m;
}

/// The reads the SMMU makes to find vSID's STE, given guest memory.
struct SteWalk {
  bool has_l1 = false, has_ste = false;
  std::uint64_t l1 = 0;   ///< L1STD address (2-level)
  std::uint64_t ste = 0;  ///< STE address, when an STE is reachable
};

template <class Mem>
SteWalk walk(const vsmmu::Policy& p, const TableModel& m, std::uint32_t vsid, const Mem& mem) {
  SteWalk w{};
  if (m.log2 < 32 && (std::uint64_t{vsid} >> m.log2) != 0) return w;  // C_BAD_STREAMID
  if (m.above_oas) return w;                                          // F_STE_FETCH, no read
  if (!m.two_level) {
    w.has_ste = true;
    w.ste = m.base + std::uint64_t{vsid} * 64;
    return w;
  }
  w.has_l1 = true;
  w.l1 = m.base + std::uint64_t{vsid >> m.split} * 8;
  std::uint64_t d = 0;
  if (!mem.readable(w.l1, 8, &d)) return w;
  // §5.1: RES0 bit 5 and [63:56] (this implementation: invalid), Span 1..11 and <= SPLIT + 1,
  // L2Ptr[5 + Span - 1:0] ignored, L2Ptr inside the OAS, StreamID[SPLIT-1:0] < 2^(Span-1).
  if ((d & 0xFF00'0000'0000'0020) != 0) return w;
  const unsigned span = d & 31;
  if (span == 0 || span > 11 || span - 1 > m.split) return w;
  const std::uint64_t l2 = d & kAddr55_6 & ~((std::uint64_t{1} << (span + 5)) - 1);
  if ((l2 & ~oas_mask(p)) != 0) return w;
  const std::uint32_t index = vsid & ((1u << m.split) - 1);
  if (index >= (1u << (span - 1))) return w;
  w.has_ste = true;
  w.ste = l2 + std::uint64_t{index} * 64;
  return w;
}

// =============================================================================================
// The traits: TestTraits' guest RAM, map and stage 2 template, plus a check of every call.
// =============================================================================================

/// What the current call into the device may do.
struct Allowed {
  bool commands = false;  ///< consume commands (CMDQ_PROD / CR0 / GERRORN write, poll)
  bool installs = false;  ///< install STEs (and read the Stream table for them)
  bool event = false;     ///< record one event (report_event)
};

/// What the device did during one step.
struct StepLog {
  std::size_t read_calls = 0, cmd_reads = 0, cmd_entries = 0, table_reads = 0;
  std::size_t write_calls = 0, event_writes = 0, event_write_ok = 0, sync_msi_writes = 0;
  std::size_t installs = 0, submit_calls = 0, phys_cmds = 0, syncs = 0, msis = 0, signals = 0;
  std::size_t nested = 0, s2_only = 0, aborts = 0, blocked = 0;
  std::uint64_t event_addr = 0;
  std::vector<std::uint64_t> sync_msi;                       ///< MSI addresses of the CMD_SYNCs read in this step
  std::vector<std::uint32_t> installed;                      ///< pSIDs installed in this step
  std::vector<std::pair<std::uint32_t, Words<2>>> commands;  ///< (queue index, entry) as read
};

struct Hostile {
  TestTraits* t = nullptr;
  const Map* map = nullptr;
  const vsmmu::Policy* policy = nullptr;
  /// The registers of the device being called (it is re-entered only through save(), which is
  /// const): what the guest has programmed at the moment of the call.
  const void* dev = nullptr;
  DeviceState (*state_of)(const void*) = nullptr;
  std::optional<DeviceState> state_override;  ///< while a device is being constructed
  Allowed allowed{};
  StepLog log{};
  std::vector<std::string> violations;
  /// Optional guest memory beyond TestTraits' RAM, produced on demand (the 8 MiB Command queue
  /// of DeviceHostile.FullMaxSizeQueue*): 16-byte entries at [vq_base, vq_base + vq_bytes).
  std::uint64_t vq_base = 0, vq_bytes = 0;
  Words<2> (*vq_entry)(const void* ctx, std::uint64_t index) = nullptr;
  const void* vq_ctx = nullptr;
  bool in_vq(std::uint64_t ipa, std::size_t bytes) const {
    return vq_bytes != 0 && ipa >= vq_base && bytes <= vq_bytes && ipa - vq_base <= vq_bytes - bytes;
  }

  DeviceState state() const { return state_override ? *state_override : state_of(dev); }
  void violation(std::string s) {
    if (violations.size() < 8) violations.push_back(std::move(s));
  }

  bool readable(std::uint64_t ipa, std::size_t bytes, std::uint64_t* first_word) const {
    if (!t->in_ram(ipa, bytes) || TestTraits::hits(t->read_aborts, ipa, bytes)) return false;
    if (first_word != nullptr) *first_word = t->peek64(ipa);
    return true;
  }
  std::optional<std::uint32_t> vsid_of(std::uint32_t psid) const {
    for (std::size_t i = 0; i < map->size(); ++i)
      if ((*map)[i].psid == psid) return (*map)[i].vsid;
    return std::nullopt;
  }

  // ----- M1 --------------------------------------------------------------------------------
  /// A read of `bytes` at `ipa` is the run of commands at CMDQ_CONS.
  bool is_command_read(const DeviceState& s, std::uint64_t ipa, std::size_t bytes) const {
    if ((s.cr0 & kCmdqEn) == 0 || (active(s.gerror, s.gerrorn) & kCmdqErr) != 0) return false;
    const unsigned qs = queue_qs(s.cmdq_base, policy->idr.idr1.cmdqs);
    const std::uint32_t used = q_used(s.cmdq_prod, s.cmdq_cons, qs);
    if (used == 0 || used > (1u << qs) || bytes == 0 || bytes % 16 != 0) return false;
    const std::uint32_t index = s.cmdq_cons & idx_mask(qs);
    const std::size_t entries = bytes / 16;
    const std::size_t limit = std::min<std::size_t>({used, (1u << qs) - index, 32});
    return ipa == queue_base(s.cmdq_base, qs, 16) + std::uint64_t{index} * 16 && entries <= limit;
  }
  /// A read is the L1STD or the STE of an assigned vSID.
  bool is_table_read(const DeviceState& s, std::uint64_t ipa, std::size_t bytes) const {
    const TableModel m = table_model(*policy, s);
    for (std::size_t i = 0; i < map->size(); ++i) {
      const SteWalk w = walk(*policy, m, (*map)[i].vsid, *this);
      if ((bytes == 8 && w.has_l1 && ipa == w.l1) || (bytes == 64 && w.has_ste && ipa == w.ste)) return true;
    }
    return false;
  }

  bool read_guest(std::uint64_t ipa, unsigned char* dst, std::size_t bytes) noexcept {
    ++log.read_calls;
    const DeviceState s = state();
    bool cmd = false;
    if (allowed.commands && is_command_read(s, ipa, bytes)) {
      cmd = true;
      ++log.cmd_reads;
    } else if ((allowed.installs || allowed.event || allowed.commands) && is_table_read(s, ipa, bytes)) {
      ++log.table_reads;
    } else {
      char b[160];
      std::snprintf(b, sizeof b, "M1: read of %zu bytes at 0x%" PRIx64 " is no structure the guest programmed", bytes,
                    ipa);
      violation(b);
    }
    bool ok = false;
    if (in_vq(ipa, bytes) && ipa % 16 == 0 && bytes % 16 == 0) {
      for (std::size_t i = 0; i < bytes / 16; ++i) {
        smmuv3::store_le(vq_entry(vq_ctx, (ipa - vq_base) / 16 + i), dst + 16 * i);
      }
      ok = true;
    } else {
      ok = t->read_guest(ipa, dst, bytes);
      if (ok && (!t->in_ram(ipa, bytes) || TestTraits::hits(t->read_aborts, ipa, bytes)))
        violation("M1: a read outside guest RAM succeeded");
    }
    if (ok && cmd) {
      log.cmd_entries += bytes / 16;
      const unsigned qs = queue_qs(s.cmdq_base, policy->idr.idr1.cmdqs);
      for (std::size_t i = 0; i < bytes / 16; ++i)
        log.commands.emplace_back((s.cmdq_cons + static_cast<std::uint32_t>(i)) & idx_mask(qs),
                                  smmuv3::load_le<2>(dst + 16 * i));
      // Remember the MSI targets of the CMD_SYNCs read (§4.7.3: OAS-truncated MSIAddress).
      for (std::size_t i = 0; i < bytes / 16; ++i) {
        const Words<2> c = smmuv3::load_le<2>(dst + 16 * i);
        if (smmuv3::command_opcode(c) == Opcode::sync)
          log.sync_msi.push_back(smmuv3::cmd::SyncMsiAddress::get(c) & oas_mask(*policy));
      }
    }
    return ok;
  }

  // ----- M2 --------------------------------------------------------------------------------
  bool write_guest(std::uint64_t ipa, const unsigned char* src, std::size_t bytes) noexcept {
    ++log.write_calls;
    const DeviceState s = state();
    bool event = false;
    if (bytes == 32 && allowed.event) {
      const unsigned qs = queue_qs(s.eventq_base, policy->idr.idr1.eventqs);
      const bool on = (s.cr0 & (kSmmuEn | kEventqEn)) == (kSmmuEn | kEventqEn) &&
                      (active(s.gerror, s.gerrorn) & kEventqAbtErr) == 0;
      const std::uint32_t used = q_used(s.eventq_prod, s.eventq_cons, qs);
      const std::uint64_t at = queue_base(s.eventq_base, qs, 32) + std::uint64_t{s.eventq_prod & idx_mask(qs)} * 32;
      if (!on) violation("E: event record written while SMMUEN/EVENTQEN == 0 or EVENTQ_ABT_ERR active");
      if (used >= (1u << qs)) violation("E: event record written into a full (or inconsistent) Event queue");
      if (ipa != at) violation("M2: event record not at EVENTQ_PROD's entry");
      if (log.event_writes != 0) violation("E: more than one event record for one report_event");
      event = true;
      ++log.event_writes;
      log.event_addr = ipa;
    } else if (bytes == 4 && allowed.commands &&
               std::find(log.sync_msi.begin(), log.sync_msi.end(), ipa) != log.sync_msi.end()) {
      ++log.sync_msi_writes;
    } else {
      char b[160];
      std::snprintf(b, sizeof b,
                    "M2: write of %zu bytes at 0x%" PRIx64 " is neither an event record nor a CMD_SYNC MSI", bytes,
                    ipa);
      violation(b);
    }
    const bool ok = t->write_guest(ipa, src, bytes);
    if (ok && (!t->in_ram(ipa, bytes) || TestTraits::hits(t->write_aborts, ipa, bytes)))
      violation("M2: a write outside guest RAM succeeded");
    if (ok && event) ++log.event_write_ok;
    return ok;
  }

  const Map& streams() const noexcept { return *map; }
  smmuv3::Ste stage2_template(std::uint32_t) const noexcept { return t->stage2; }

  // ----- S ---------------------------------------------------------------------------------
  /// The host template as every physical STE must carry it: S2VMID = the guest's VMID.
  Words<8> template_words() const {
    if (!template_cache) {
      smmuv3::Ste h = t->stage2;
      h.s2_vmid = policy->vmid;
      template_cache = smmuv3::encode(h).words;
    }
    return *template_cache;
  }
  mutable std::optional<Words<8>> template_cache;  ///< reset whenever stage2 or the policy change
  /// What the device installs for a guest bypass (and for SMMU_GBPA bypass): the host's stage 2
  /// alone, MEV = 1, EATS = 0.
  Words<8> bypass_words() const {
    Words<8> w = template_words();
    w[smmuv3::ste::Mev::word] |= smmuv3::ste::Mev::mask;
    w[smmuv3::ste::Eats::word] &= ~smmuv3::ste::Eats::mask;
    return w;
  }
  static Words<8> abort_words() {
    Words<8> w{};
    w[0] = 1;  // V = 1, Config = 0b000
    return w;
  }

  /// The physical STE for a guest STE that is V = 1 with nothing but Config (abort, bypass) or
  /// Config = stage 1 and S1ContextPtr set; nullopt for any other STE.
  std::optional<Words<8>> clean_ste_result(const Words<8>& g) const {
    namespace ste = smmuv3::ste;
    Words<8> rest = g;
    rest[0] &= ~(ste::V::mask | ste::Config::mask | ste::S1ContextPtr::mask);
    if (smmuv3::any(rest) || ste::V::get(g) == 0) return std::nullopt;
    const auto config = ste::Config::get(g);
    const std::uint64_t ptr = ste::S1ContextPtr::get(g);
    if (config == 0b000 && ptr == 0) return abort_words();
    if (config == 0b100 && ptr == 0) return bypass_words();
    if (config != 0b101) return std::nullopt;
    if ((ptr & ~oas_mask(*policy)) != 0) return Words<8>{};  // C_BAD_STE: blocked
    Words<8> w = bypass_words();
    w[0] = (w[0] & ~(ste::Config::mask | ste::S1ContextPtr::mask)) | (std::uint64_t{0b111} << ste::Config::shift) |
           (g[0] & ste::S1ContextPtr::mask);
    const bool stalls_hidden = policy->host_stall_model == reg::StallModel::stall_and_terminate &&
                               policy->idr.idr0.stall_model != reg::StallModel::stall_and_terminate;
    w[1] &= ~(ste::S1Stalld::mask | ste::Dre::mask | ste::Dcp::mask);
    if (stalls_hidden || t->stage2.s1_stalld) w[1] |= ste::S1Stalld::mask;
    return w;
  }

  void check_ste(std::uint32_t psid, const Words<8>& p) {
    namespace ste = smmuv3::ste;
    const auto fail = [&](const char* what) {
      char b[320];
      std::snprintf(b, sizeof b,
                    "S: pSID 0x%x: %s (STE %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " ...)", psid,
                    what, p[0], p[1], p[2], p[3]);
      violation(b);
    };
    const std::optional<std::uint32_t> vsid = vsid_of(psid);
    if (!vsid) return fail("install_ste for a pSID that is not in the map");
    const DeviceState s = state();
    if ((s.cr0 & kSmmuEn) == 0) {
      // §6.3.14: with SMMUEN == 0 the streams follow SMMU_GBPA (stage 1 bypass, stage 2 on).
      const Words<8> want = (s.gbpa & kGbpaAbort) != 0 ? abort_words() : bypass_words();
      if (p != want) fail("SMMUEN == 0 but the STE is not the SMMU_GBPA one");
      return;
    }
    const bool zero = !smmuv3::any(p);
    // Independent partial oracle: no STE reachable, or the guest's STE has V == 0 -> blocked.
    const SteWalk w = walk(*policy, table_model(*policy, s), *vsid, *this);
    std::uint64_t g0 = 0;
    if (!w.has_ste || !readable(w.ste, 64, &g0)) {
      if (!zero) fail("no guest STE is reachable for the vSID but the stream is not blocked");
      return;
    }
    if ((g0 & 1) == 0 && !zero) fail("guest STE.V == 0 but the stream is not blocked");
    // Exact oracle for the plainest STEs (§5.2): V = 1 and only Config (and, for stage 1, an
    // S1ContextPtr inside the OAS) set -> abort, the host's stage 2 alone, or nested with that
    // pointer and the host's template everywhere else.
    if (const std::optional<Words<8>> want = clean_ste_result(t->peek<8>(w.ste)); want && p != *want)
      return fail("a plain, legal guest STE was not turned into the physical STE it means");
    if (zero) return;
    if (ste::V::get(p) != 1) return fail("V == 0 but not all-zero");
    const auto config = static_cast<unsigned>(ste::Config::get(p));
    if (config == 0) {
      if (p != abort_words()) fail("abort STE with other fields set");
      return;
    }
    const Words<8> h = template_words();
    if (config == 0b110) {
      if (p != bypass_words()) fail("Config 0b110 but not exactly the host's stage 2 STE");
      return;
    }
    if (config != 0b111) return fail("Config is neither abort, stage 2 nor nested: stage 2 bypassed");
    for (std::size_t i = 2; i < 8; ++i)
      if (p[i] != h[i]) return fail("nested STE: a stage 2 / host field (words 2..7) differs from the template");
    // Word 1: the host's fields stay the host's.
    const std::uint64_t host1 = ste::S2Hwu59::mask | ste::S2Hwu60::mask | ste::S2Hwu61::mask | ste::S2Hwu62::mask |
                                ste::Cont::mask | ste::SwReserved::mask | ste::S2Fwb::mask | ste::MemAttr::mask |
                                ste::Mtcfg::mask | ste::Alloccfg::mask | (std::uint64_t{7} << 41) | ste::Shcfg::mask |
                                ste::Nscfg::mask | ste::Privcfg::mask | ste::Instcfg::mask | ste::ImplDef127_116::mask;
    if ((p[1] & host1) != (h[1] & host1)) fail("nested STE: a host-owned field of word 1 differs from the template");
    if (ste::Mev::get(p) != 1) fail("nested STE: MEV != 1");
    if (ste::Strw::get(p) != 0) fail("nested STE: STRW != 0");
    if (ste::S1Mpam::get(p) != 0) fail("nested STE: S1MPAM != 0");
    if (ste::Dre::get(p) != 0 && !t->stage2.dre) fail("nested STE: DRE without the host's");
    if (ste::Dcp::get(p) != 0 && !t->stage2.dcp) fail("nested STE: DCP without the host's");
    const auto eats = ste::Eats::get(p);
    if (eats != 0 && !(eats == 1 && policy->idr.idr0.ats && t->stage2.eats == smmuv3::Eats::full))
      fail("nested STE: EATS beyond the guest's ATS and the host's ceiling");
    if (ste::Ppar::get(p) != 0 && (!policy->idr.idr0.pri || policy->idr.idr1.ssidsize == 0))
      fail("nested STE: PPAR without PRI and substreams");
    if (ste::S1CdMax::get(p) > policy->idr.idr1.ssidsize) fail("nested STE: S1CDMax > SSIDSIZE");
    if ((ste::S1ContextPtr::get(p) & ~oas_mask(*policy)) != 0) fail("nested STE: S1ContextPtr above the guest OAS");
    if ((p[0] & (std::uint64_t{7} << 56)) != 0) fail("nested STE: RES0 bits [58:56] set");
    const bool stalls_hidden = policy->host_stall_model == reg::StallModel::stall_and_terminate &&
                               policy->idr.idr0.stall_model != reg::StallModel::stall_and_terminate;
    if ((stalls_hidden || t->stage2.s1_stalld) && ste::S1Stalld::get(p) == 0)
      fail("nested STE: S1STALLD == 0 although the guest cannot resume stalls");
  }

  void install_ste(std::uint32_t psid, const Words<8>& ste) noexcept {
    ++log.installs;
    log.installed.push_back(psid);
    const auto config = smmuv3::ste::Config::get(ste);
    ++(!smmuv3::any(ste) ? log.blocked : config == 0b111 ? log.nested : config == 0b110 ? log.s2_only : log.aborts);
    if (!allowed.installs) violation("W: install_ste in a call that has no reason to install");
    check_ste(psid, ste);
    t->install_ste(psid, ste);
  }

  // ----- C ---------------------------------------------------------------------------------
  bool forwards(Opcode op) const {
    return vsmmu::command_action(*policy, static_cast<std::uint8_t>(op)) == vsmmu::CommandAction::forward;
  }

  void check_command(const Words<2>& c) {
    const auto fail = [&](const char* what) {
      char b[200];
      std::snprintf(b, sizeof b, "C: physical command %016" PRIx64 " %016" PRIx64 ": %s", c[0], c[1], what);
      violation(b);
    };
    const Opcode op = smmuv3::command_opcode(c);
    bool allowed_op = false;
    switch (op) {
      case Opcode::cfgi_ste: allowed_op = forwards(Opcode::cfgi_ste) || forwards(Opcode::cfgi_ste_range); break;
      case Opcode::tlbi_nh_all: allowed_op = forwards(Opcode::tlbi_nh_all) || forwards(Opcode::tlbi_nsnh_all); break;
      case Opcode::cfgi_cd:
      case Opcode::cfgi_cd_all:
      case Opcode::tlbi_nh_asid:
      case Opcode::tlbi_nh_va:
      case Opcode::tlbi_nh_vaa:
      case Opcode::atc_inv:
      case Opcode::pri_resp:
      case Opcode::resume:
      case Opcode::stall_term: allowed_op = forwards(op); break;
      default: break;
    }
    if (!allowed_op) return fail("opcode the policy does not forward (or never physical)");
    if (smmuv3::any(smmuv3::command_res0_bits(c))) fail("RES0 bit set");
    const bool has_ssec = op == Opcode::cfgi_ste || op == Opcode::cfgi_cd || op == Opcode::cfgi_cd_all ||
                          op == Opcode::resume || op == Opcode::stall_term;
    if (has_ssec && (c[0] & (1u << 10)) != 0) fail("SSec == 1");
    const auto sid = static_cast<std::uint32_t>(c[0] >> 32);
    const auto vmid = static_cast<std::uint16_t>(c[0] >> 32);
    switch (op) {
      case Opcode::cfgi_ste:
        if ((c[1] & 1) != 0) fail("CFGI_STE with Leaf == 1");
        [[fallthrough]];
      case Opcode::cfgi_cd:
      case Opcode::cfgi_cd_all:
      case Opcode::atc_inv:
      case Opcode::pri_resp:
      case Opcode::resume:
      case Opcode::stall_term:
        if (!vsid_of(sid)) fail("StreamID is not one of the map's pSIDs");
        break;
      default:
        if (vmid != policy->vmid) fail("VMID != policy.vmid");
        break;
    }
  }

  bool submit_commands(const Words<2>* cmds, std::size_t count) noexcept {
    ++log.submit_calls;
    log.phys_cmds += count;
    if (!allowed.commands) violation("W: submit_commands outside command processing");
    for (std::size_t i = 0; i < count; ++i) check_command(cmds[i]);
    if (t->fail_submit) {
      ++t->submit_calls;
      return false;
    }
    ++t->submit_calls;
    return true;  // the commands were checked; TestTraits need not keep them
  }
  bool sync_commands() noexcept {
    ++log.syncs;
    if (!allowed.commands) violation("W: sync_commands outside command processing");
    return t->sync_commands();
  }
  void signal(GuestSignal s) noexcept {
    ++log.signals;
    const bool ok = s == GuestSignal::sev             ? allowed.commands && policy->idr.idr0.sev
                    : s == GuestSignal::cmdq_sync_irq ? allowed.commands
                    : s == GuestSignal::eventq_irq    ? allowed.event
                                                      : allowed.commands || allowed.event;
    if (!ok) violation("M2: a signal no guest action of this step explains");
    t->signal(s);
  }
  bool write_msi(std::uint64_t ipa, std::uint32_t data, std::uint8_t attr) noexcept {
    ++log.msis;
    const DeviceState s = state();
    // §3.18: an interrupt is an MSI only with IRQ_CFG0.ADDR != 0. §4.7.3: a CMD_SYNC's MSIAddress
    // is checked for zero over the whole field, then truncated to the OAS (so 0 is possible).
    const bool irq = ipa != 0 && (ipa == reg::irq_cfg0::Addr::get(s.gerror_irq_cfg0) ||
                                  ipa == reg::irq_cfg0::Addr::get(s.eventq_irq_cfg0));
    const bool sync =
        allowed.commands && std::find(log.sync_msi.begin(), log.sync_msi.end(), ipa) != log.sync_msi.end();
    if (!policy->idr.idr0.msi || !(irq || sync) || !(allowed.commands || allowed.event))
      violation("M2: write_msi to an address the guest did not program as an MSI target");
    return t->write_msi(ipa, data, attr);
  }
};

static_assert(vsmmu::DeviceTraits<Hostile>);

using Dev = vsmmu::Device<Hostile>;

DeviceState state_of_dev(const void* d) { return static_cast<const Dev*>(d)->save(); }

// =============================================================================================
// One case: a policy, a host template, a map, a layout, options.
// =============================================================================================

vsmmu::HostIdrs host_idrs(reg::StallModel stall, bool ats, bool pri, bool ril, bool vmid16, bool asid16,
                          reg::ArchMinorRev rev) {
  reg::Idr0 h0{};
  h0.s1p = h0.s2p = true;
  h0.ttf = reg::Ttf::vmsav8_64;
  h0.st_level = reg::StLevel::two_level;
  h0.stall_model = stall;
  h0.ats = ats;
  h0.pri = pri;
  h0.vmid16 = vmid16;
  h0.asid16 = asid16;
  h0.tt_endian = reg::TtEndian::little;
  h0.cohacc = true;
  h0.btm = true;
  h0.cd2l = true;
  reg::Idr1 h1{};
  h1.cmdqs = h1.eventqs = h1.priqs = 19;
  h1.ssidsize = 20;
  h1.sidsize = 32;
  reg::Idr3 h3{};
  h3.ril = ril;
  reg::Idr5 h5{};
  h5.gran4k = h5.gran64k = true;
  h5.oas = reg::Oas::pa48;
  reg::Aidr a{};
  a.arch_minor_rev = rev;
  vsmmu::HostIdrs raw{};
  raw.idr0 = static_cast<std::uint32_t>(reg::encode(h0).words[0]);
  raw.idr1 = static_cast<std::uint32_t>(reg::encode(h1).words[0]);
  raw.idr3 = static_cast<std::uint32_t>(reg::encode(h3).words[0]);
  raw.idr5 = static_cast<std::uint32_t>(reg::encode(h5).words[0]);
  raw.aidr = static_cast<std::uint32_t>(reg::encode(a).words[0]);
  return raw;
}

struct CaseConfig {
  vsmmu::GuestConfig guest{};
  vsmmu::Policy policy{};
  vsmmu::DeviceOptions options{};
  smmuv3::Ste stage2{};
  std::vector<vsmmu::StreamMapping> streams;
  bool prologue = false;
  // Where a well-behaved guest keeps its structures (the script aims at these, and elsewhere).
  std::uint64_t cmdq = 0, eventq = 0, strtab = 0, l2pool = 0, cds = 0, msi = 0;
  unsigned split = 8;
  const char* why_bad = nullptr;  ///< set if the case could not be built (a test bug)
};

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
  SplitMix64 r{a ^ (b * 0x9E3779B97F4A7C15ull)};
  r.next();
  return r.next();
}

bool chance(SplitMix64& r, unsigned percent) { return r.below(100) < percent; }

CaseConfig make_case(std::uint64_t seed) {
  SplitMix64 r{seed};
  CaseConfig c{};
  const unsigned sm = r.below(100);
  const reg::StallModel host_stall = sm < 50   ? reg::StallModel::terminate_only
                                     : sm < 85 ? reg::StallModel::stall_and_terminate
                                               : reg::StallModel::stall_forced;
  const bool forced = host_stall == reg::StallModel::stall_forced;
  const bool host_ats = !forced && chance(r, 60);
  const bool host_pri = host_ats && chance(r, 40);
  const bool vmid16 = chance(r, 50);
  constexpr reg::ArchMinorRev kRevs[] = {reg::ArchMinorRev::smmuv3_0, reg::ArchMinorRev::smmuv3_1,
                                         reg::ArchMinorRev::smmuv3_2};
  const vsmmu::HostIdrs host =
      host_idrs(host_stall, host_ats, host_pri, chance(r, 50), vmid16, chance(r, 50), kRevs[r.below(3)]);

  vsmmu::GuestConfig& g = c.guest;
  g.vmid = static_cast<std::uint16_t>(1 + r.below(vmid16 ? 0xFFFF : 0xFF));
  constexpr unsigned kIpa[] = {32, 36, 40};
  g.ipa_bits = kIpa[r.below(3)];
  g.sid_bits = static_cast<std::uint8_t>(4 + r.below(13));
  g.ssid_bits = static_cast<std::uint8_t>(chance(r, 50) ? 0 : 1 + r.below(20));
  g.cmdq_log2 = static_cast<std::uint8_t>(3 + r.below(6));
  g.eventq_log2 = static_cast<std::uint8_t>(3 + r.below(6));
  g.two_level_stream_table = chance(r, 50);
  g.msi = chance(r, 50);
  g.sev = chance(r, 30);
  g.btm = chance(r, 20);
  g.ats = host_ats && chance(r, 70);
  g.pri = g.ats && host_pri && chance(r, 60);
  g.stall = forced || (host_stall == reg::StallModel::stall_and_terminate && chance(r, 50));
  const vsmmu::PolicyResult pr = vsmmu::make_policy(host, g);
  if (!pr.ok()) {
    c.why_bad = "make_policy refused the configuration";
    return c;
  }
  c.policy = pr.policy;
  // A hypervisor may tighten opcodes (never loosen them): sometimes it does.
  if (chance(r, 20)) {
    constexpr Opcode kTight[] = {Opcode::cfgi_ste,    Opcode::cfgi_ste_range, Opcode::cfgi_cd,
                                 Opcode::tlbi_nh_all, Opcode::tlbi_nh_va,     Opcode::tlbi_nsnh_all,
                                 Opcode::sync,        Opcode::atc_inv,        Opcode::resume};
    for (unsigned k = 1 + r.below(3); k != 0; --k)
      c.policy.commands[static_cast<std::uint8_t>(kTight[r.below(9)])] =
          chance(r, 50) ? vsmmu::CommandAction::ignore : vsmmu::CommandAction::illegal;
  }

  // The host's stage 2 template (TestTraits' one, with the choices the policy allows).
  static const smmuv3::Ste kTemplate = TestTraits{}.stage2;  // TestTraits' template, built once
  c.stage2 = kTemplate;
  c.stage2.eats = chance(r, 50) ? smmuv3::Eats::full : smmuv3::Eats::abort;
  c.stage2.s2_s = forced;
  c.stage2.s1_stalld = host_stall == reg::StallModel::stall_and_terminate && chance(r, 25);
  c.stage2.dre = chance(r, 50);
  c.stage2.dcp = chance(r, 50);
  c.stage2.mem_attr = static_cast<std::uint8_t>(r.below(16));
  c.stage2.impl_def_127_116 = static_cast<std::uint16_t>(r.below(0x1000));
  if (const char* why = vsmmu::host_ste_problem(c.policy, c.stage2)) {
    c.why_bad = why;
    return c;
  }

  constexpr std::size_t kBudgets[] = {0, 1, 2, 3, 8, 33, 256};
  c.options.work_budget = kBudgets[r.below(7)];
  c.options.gbpa_abort_at_reset = chance(r, 30);

  const unsigned n = r.below(7);
  const std::uint32_t sid_top = (1u << g.sid_bits) - 1;
  for (unsigned i = 0; i < n; ++i) {
    std::uint32_t vsid = chance(r, 70) ? r.below(std::min<std::uint32_t>(64, sid_top + 1)) : r.below(sid_top + 1);
    if (chance(r, 5)) vsid = static_cast<std::uint32_t>(r.next());  // beyond SIDSIZE: the host's mistake
    const std::uint32_t psid = 0x1000 + r.below(0x1000);
    bool dup = false;
    for (const auto& m : c.streams) dup = dup || m.vsid == vsid || m.psid == psid;
    if (!dup) c.streams.push_back({vsid, psid});
  }
  c.prologue = chance(r, 75);
  c.cmdq = kR + 0x1'0000 + 0x1000 * r.below(4);
  c.eventq = kR + 0x2'0000 + 0x2000 * r.below(4);
  c.strtab = g.two_level_stream_table && chance(r, 85) ? kR + 0x4'0000 : kR + 0x10'0000;
  c.l2pool = kR + 0x20'0000;
  c.cds = kR + 0x38'0000;
  c.msi = kR + 0x3F'0000;
  constexpr unsigned kSplits[] = {6, 8, 10};
  c.split = kSplits[r.below(3)];
  return c;
}

// =============================================================================================
// Steps.
// =============================================================================================

enum class Kind : std::uint8_t {
  mmio_write,
  mmio_read,
  memory,  ///< guest writes to its own RAM (`what` says which structure)
  poll,
  event,
  inject,
  restore,
  reset,
  remap,
};

struct Poke {
  std::uint64_t addr = 0;
  std::vector<unsigned char> bytes;
};

struct Step {
  Kind kind = Kind::poll;
  const char* what = "";
  std::uint32_t offset = 0;
  unsigned bytes = 0;
  std::uint64_t value = 0;
  std::vector<Poke> pokes;
  Words<4> event{};
  int inject = 0;
  std::uint64_t lo = 0, hi = 0;
  bool remove = false;
  std::uint32_t vsid = 0, psid = 0;
};

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::mmio_write: return "write";
    case Kind::mmio_read: return "read";
    case Kind::memory: return "memory";
    case Kind::poll: return "poll";
    case Kind::event: return "report_event";
    case Kind::inject: return "inject";
    case Kind::restore: return "save->restore";
    case Kind::reset: return "reset";
    case Kind::remap: return "remap+streams_changed";
  }
  return "?";
}

Step only(Kind k) {
  Step s{};
  s.kind = k;
  return s;
}

std::string describe(const Step& s) {
  char b[400];
  switch (s.kind) {
    case Kind::mmio_write:
    case Kind::mmio_read:
      std::snprintf(b, sizeof b, "%s [0x%05x] %u bytes = 0x%" PRIx64, kind_name(s.kind), s.offset, s.bytes, s.value);
      return b;
    case Kind::memory: {
      std::string out = std::string("memory ") + s.what + ":";
      for (const Poke& p : s.pokes) {
        std::snprintf(b, sizeof b, " [0x%" PRIx64 "]=", p.addr);
        out += b;
        for (std::size_t i = 0; i < p.bytes.size(); i += 8) {
          std::uint64_t w = 0;
          for (std::size_t k = 0; k < 8 && i + k < p.bytes.size(); ++k) w |= std::uint64_t{p.bytes[i + k]} << (8 * k);
          std::snprintf(b, sizeof b, "%s%016" PRIx64, i == 0 ? "" : ".", w);
          out += b;
        }
      }
      return out;
    }
    case Kind::event:
      std::snprintf(b, sizeof b, "report_event %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64, s.event[0],
                    s.event[1], s.event[2], s.event[3]);
      return b;
    case Kind::inject:
      std::snprintf(b, sizeof b, "inject %s [0x%" PRIx64 ", 0x%" PRIx64 "]", s.what, s.lo, s.hi);
      return b;
    case Kind::remap:
      std::snprintf(b, sizeof b, "%s %s vSID 0x%x pSID 0x%x", kind_name(s.kind), s.remove ? "remove" : "add", s.vsid,
                    s.psid);
      return b;
    default: return kind_name(s.kind);
  }
}

template <std::size_t N>
std::vector<unsigned char> bytes_of(const Words<N>& w) {
  std::vector<unsigned char> v(8 * N);
  smmuv3::store_le(w, v.data());
  return v;
}
/// A hostile edit of a record: a few flipped bits, sometimes a whole random word.
template <std::size_t N>
Words<N> mutate(SplitMix64& r, Words<N> w, unsigned percent) {
  if (!chance(r, percent)) return w;
  for (unsigned k = 1 + r.below(3); k != 0; --k) w[r.below(N)] ^= std::uint64_t{1} << r.below(64);
  if (chance(r, 15)) w[r.below(N)] = r.next();
  return w;
}

/// What the generator knows: the case, the registers as the guest could read them, the map.
struct GenCtx {
  const CaseConfig& c;
  const DeviceState& s;
  const Map& map;
  std::uint32_t guest_prod;
};

std::uint32_t some_vsid(SplitMix64& r, const GenCtx& g) {
  if (g.map.size() != 0 && chance(r, 75)) return g.map[r.below(static_cast<std::uint32_t>(g.map.size()))].vsid;
  return chance(r, 70) ? r.below(64) : static_cast<std::uint32_t>(r.next() & ((1u << g.c.guest.sid_bits) - 1));
}

/// An address for a _BASE register or an MSI: mostly where the guest keeps things, sometimes
/// anywhere in RAM, straddling its end, below it, above the OAS, 0 or random.
std::uint64_t some_address(SplitMix64& r, std::uint64_t good) {
  const unsigned k = r.below(100);
  if (k < 55) return good;
  if (k < 65) return kR + (r.next() % TestTraits::kRamBytes);
  if (k < 75) return kRamEnd - 8 * r.below(64);
  if (k < 80) return kR - 0x1000 + 8 * r.below(0x200);
  if (k < 85) return std::uint64_t{1} << (32 + r.below(24));
  if (k < 90) return 0;
  return r.next();
}

Words<2> some_command(SplitMix64& r, const GenCtx& g, std::uint64_t entry_addr) {
  using namespace smmuv3;
  // Mostly commands the guest's SMMU accepts (so that scripts get deep into the queue), with a
  // few percent of illegal ones from every direction.
  const vsmmu::GuestIdrs& idr = g.c.policy.idr;
  unsigned k = r.below(100);
  for (int tries = 0; tries < 3; ++tries) {  // usually skip commands of features the guest lacks
    const bool lacks = (k >= 75 && k < 78 && !idr.idr0.ats) || (k >= 78 && k < 80 && !idr.idr0.pri) ||
                       (k >= 80 && k < 86 && idr.idr0.stall_model == reg::StallModel::terminate_only);
    if (!lacks || chance(r, 10)) break;
    k = r.below(100);
  }
  const std::uint32_t vsid = some_vsid(r, g);
  const auto ssid = static_cast<std::uint32_t>(chance(r, 85) ? r.below(4) : r.next() & 0xFFFFF);
  Words<2> w{};
  if (k < 14) {
    CmdSync s{};
    s.cs = static_cast<SyncCs>(chance(r, 94) ? r.below(3) : 3);
    s.msh = static_cast<SyncMsh>(r.below(4));
    s.msi_attr = static_cast<std::uint8_t>(r.below(16));
    s.msi_data = static_cast<std::uint32_t>(r.next());
    const unsigned a = r.below(100);
    s.msi_address = a < 40   ? 0
                    : a < 70 ? entry_addr
                    : a < 85 ? g.c.msi + 4 * r.below(64)
                             : (r.next() & 0x00FF'FFFF'FFFF'FFFC);
    w = encode(s).words;
  } else if (k < 26) {
    w = encode(CmdCfgiSte{chance(r, 1), vsid, chance(r, 50)}).words;
  } else if (k < 33) {
    w = encode(CmdCfgiAll{chance(r, 1), static_cast<std::uint32_t>(r.next())}).words;
  } else if (k < 37) {
    w = encode(CmdCfgiSteRange{chance(r, 1), vsid, static_cast<std::uint8_t>(r.below(32))}).words;
  } else if (k < 44) {
    w = encode(CmdCfgiCd{false, ssid, vsid, chance(r, 50)}).words;
  } else if (k < 47) {
    w = encode(CmdCfgiCdAll{false, vsid}).words;
  } else if (k < 61) {
    CmdTlbiNhVa c{};
    c.vmid = static_cast<std::uint16_t>(r.next());
    c.asid = static_cast<std::uint16_t>(chance(r, 95) ? r.below(256) : r.next());
    c.leaf = chance(r, 50);
    c.address = r.next() & ~std::uint64_t{0xFFF};
    if (chance(r, idr.idr3.ril ? 30 : 4)) {
      c.tg = static_cast<TlbiTg>(r.below(4));
      c.num = static_cast<std::uint8_t>(r.below(32));
      c.scale = static_cast<std::uint8_t>(r.below(64));
      c.ttl = static_cast<std::uint8_t>(r.below(4));
    }
    w = encode(c).words;
  } else if (k < 66) {
    w = encode(CmdTlbiNhAsid{static_cast<std::uint16_t>(r.next()),
                             static_cast<std::uint16_t>(r.below(chance(r, 95) ? 256 : 65536))})
            .words;
  } else if (k < 69) {
    w = encode(CmdTlbiNhAll{static_cast<std::uint16_t>(r.next())}).words;
  } else if (k < 72) {
    CmdTlbiNhVaa c{};
    c.vmid = static_cast<std::uint16_t>(r.next());
    c.address = r.next() & ~std::uint64_t{0xFFF};
    w = encode(c).words;
  } else if (k < 75) {
    w = encode(CmdTlbiNsnhAll{}).words;
  } else if (k < 78) {
    CmdAtcInv c{};
    c.ssv = chance(r, 50);
    c.substream_id = ssid;
    c.stream_id = vsid;
    c.size = static_cast<std::uint8_t>(r.below(chance(r, 90) ? 53 : 64));
    c.address = r.next() & ~std::uint64_t{0xFFF};
    w = encode(c).words;
  } else if (k < 80) {
    w = encode(CmdPriResp{chance(r, 50), ssid, vsid, static_cast<std::uint16_t>(r.below(512)),
                          static_cast<PriResp>(r.below(chance(r, 90) ? 3 : 4))})
            .words;
  } else if (k < 84) {
    w = encode(CmdResume{false, static_cast<ResumeAction>(r.below(2)), chance(r, 50), vsid,
                         static_cast<std::uint16_t>(r.next())})
            .words;
  } else if (k < 86) {
    w = encode(CmdStallTerm{false, vsid}).words;
  } else if (k < 90) {
    w = encode(CmdPrefetchConfig{false, chance(r, 50), ssid, vsid}).words;
  } else if (k < 97) {
    w = encode(CmdPrefetchAddr{}).words;
    w[1] = r.next() & 0x000F'FFFF'FFFF'F000;
  } else {
    // Opcodes the guest must never get: EL2/EL3/Secure TLBIs, stage 2, DPTI, Reserved, IMPDEF.
    constexpr std::uint8_t kBad[] = {0x00, 0x07, 0x18, 0x20, 0x21, 0x28, 0x2A,
                                     0x50, 0x58, 0x60, 0x70, 0x73, 0x80, 0xFF};
    w[0] = (r.next() & ~std::uint64_t{0xFF}) | kBad[r.below(sizeof kBad)];
    w[1] = chance(r, 50) ? 0 : r.next();
  }
  return mutate(r, w, 4);
}

smmuv3::Ste some_ste(SplitMix64& r, const GenCtx& g, std::uint32_t vsid) {
  using namespace smmuv3;
  Ste s{};
  const unsigned k = r.below(100);
  s.v = k < 95;
  if (k < 60) {
    s.config = SteConfig::s1_trans;
    const unsigned a = r.below(100);
    s.s1_context_ptr = a < 70   ? g.c.cds + 64 * (vsid & 0xFF)
                       : a < 85 ? kR + 64 * r.below(0x10000)
                                : r.next() & 0x00FF'FFFF'FFFF'FFC0;
    s.s1_cd_max = static_cast<std::uint8_t>(chance(r, 70) ? r.below(g.c.guest.ssid_bits + 1u) : r.below(32));
    s.s1_fmt = static_cast<S1Fmt>(r.below(4));
    s.s1_dss = static_cast<S1Dss>(r.below(4));
    s.s1_cir = static_cast<S1ContextCacheability>(r.below(4));
    s.s1_cor = static_cast<S1ContextCacheability>(r.below(4));
    s.s1_csh = static_cast<SteShareability>(r.below(4));
    s.s1_stalld = chance(r, 30);
    s.eats = static_cast<Eats>(r.below(4));
    s.ppar = chance(r, 10);
    s.dre = chance(r, 20);
    s.dcp = chance(r, 20);
    s.mev = chance(r, 50);
  } else if (k < 75) {
    s.config = SteConfig::bypass;
  } else if (k < 85) {
    s.config = SteConfig::abort;
  } else {
    s.config = static_cast<SteConfig>(r.below(8));  // 0b11x: stage 2 the guest does not have
  }
  // Fields the guest does not own: it tries anyway.
  if (chance(r, 10)) s.s2_vmid = static_cast<std::uint16_t>(r.next());
  if (chance(r, 10)) s.s2_ttb = r.next() & 0x000F'FFFF'FFFF'FFF0;
  if (chance(r, 5)) s.strw = Strw::el2;
  if (chance(r, 5)) s.cont = static_cast<std::uint8_t>(r.below(16));
  if (chance(r, 5)) s.shcfg = SteShcfg::inner_shareable;
  return s;
}

/// The guest's idea of where vSID's STE and L1STD live, from what it programmed.
struct GuestTable {
  bool two_level;
  unsigned split;
  std::uint64_t base;
};
GuestTable guest_table(const GenCtx& g) {
  const TableModel m = table_model(g.c.policy, g.s);
  return {m.two_level, m.split, m.base};
}
std::uint64_t l2_of(const GenCtx& g, std::uint32_t l1_index) { return g.c.l2pool + 0x1'0000 * (l1_index % 24); }

Poke ste_poke(SplitMix64& r, const GenCtx& g, std::uint32_t vsid, std::vector<Poke>* extra) {
  const GuestTable t = guest_table(g);
  std::uint64_t at = 0;
  if (!t.two_level) {
    at = t.base + std::uint64_t{vsid} * 64;
  } else {
    const std::uint32_t l1 = vsid >> t.split;
    const std::uint64_t l2 = l2_of(g, l1);
    at = l2 + std::uint64_t{vsid & ((1u << t.split) - 1)} * 64;
    if (extra != nullptr && chance(r, 60)) {
      smmuv3::L1StreamTableDescriptor d{static_cast<std::uint8_t>(t.split + 1), l2};
      extra->push_back({t.base + std::uint64_t{l1} * 8, bytes_of(mutate(r, smmuv3::encode(d).words, 15))});
    }
  }
  return {at, bytes_of(mutate(r, smmuv3::encode(some_ste(r, g, vsid)).words, 25))};
}

/// Keeps pokes inside guest RAM (the guest can only write its own memory).
void clip(std::vector<Poke>& pokes) {
  std::vector<Poke> out;
  for (Poke& p : pokes) {
    if (p.addr < kR || p.addr >= kRamEnd || p.bytes.empty()) continue;
    if (p.addr + p.bytes.size() > kRamEnd) p.bytes.resize(static_cast<std::size_t>(kRamEnd - p.addr));
    out.push_back(std::move(p));
  }
  pokes = std::move(out);
}

struct RegInfo {
  std::uint32_t offset;
  unsigned bytes;
};
// Every register of Pages 0 and 1 the device implements, and a few it does not.
// clang-format off
constexpr RegInfo kRegs[] = {
    {kIdr0, 4}, {kIdr1, 4}, {kIdr5, 4}, {kAidr, 4}, {kCr0, 4}, {kCr0Ack, 4}, {kCr1, 4}, {kCr2, 4},
    {kStatusr, 4}, {kGbpa, 4}, {kAgbpa, 4}, {kIrqCtrl, 4}, {kIrqCtrlAck, 4}, {kGerror, 4}, {kGerrorn, 4},
    {kGerrorIrqCfg0, 8}, {kGerrorIrqCfg1, 4}, {kGerrorIrqCfg2, 4}, {kStrtabBase, 8}, {kStrtabBaseCfg, 4},
    {kCmdqBase, 8}, {kCmdqProd, 4}, {kCmdqCons, 4}, {kEventqBase, 8}, {kEventqProdPage0Alias, 4},
    {kEventqConsPage0Alias, 4}, {kEventqIrqCfg0, 8}, {kEventqIrqCfg1, 4}, {kEventqIrqCfg2, 4}, {kPriqBase, 8},
    {kPriqProdPage0Alias, 4}, {kPriqConsPage0Alias, 4}, {kPriqIrqCfg0, 8}, {kPriqIrqCfg1, 4}, {kPriqIrqCfg2, 4},
    {kEventqProd, 4}, {kEventqCons, 4}, {kPriqProd, 4}, {kPriqCons, 4}, {kCidr0, 4}, {kGatosCtrl, 4}, {kIdr6, 4},
};
// clang-format on

/// A value for the register at Page 0 offset `reg` (Page 1 registers by their Page 0 alias).
std::uint64_t some_value(SplitMix64& r, const GenCtx& g, std::uint32_t reg) {
  const DeviceState& s = g.s;
  const CaseConfig& c = g.c;
  const unsigned k = r.below(100);
  switch (reg) {
    case kCr0: {
      constexpr std::uint32_t kBits[] = {kSmmuEn, kEventqEn, kCmdqEn, 2, 16};
      if (k < 35) return s.cr0 | kBits[r.below(3)];
      if (k < 55) return kSmmuEn | kEventqEn | kCmdqEn;
      if (k < 70) return s.cr0 & ~kBits[r.below(5)];
      if (k < 78) return 0;
      if (k < 88) return s.cr0 | kBits[3 + r.below(2)];
      return static_cast<std::uint32_t>(r.next());
    }
    case kCmdqProd:
    case kCmdqCons: {
      const unsigned qs = queue_qs(s.cmdq_base, c.policy.idr.idr1.cmdqs);
      if (k < 55) return g.guest_prod;
      if (k < 70) return (s.cmdq_cons + r.below((1u << qs) + 3)) & ptr_mask(qs);
      if (k < 80) return (g.guest_prod ^ (1u << qs)) & 0xFFFFF;  // wrap flag flipped
      if (k < 90) return r.next() & 0xFFFFF;
      return static_cast<std::uint32_t>(r.next());
    }
    case kGerrorn: {
      if (k < 60) return s.gerror;  // acknowledge everything
      if (k < 80) return s.gerrorn ^ (1u << r.below(11));
      return static_cast<std::uint32_t>(r.next());
    }
    case kEventqProdPage0Alias:
    case kEventqConsPage0Alias: {
      const unsigned qs = queue_qs(s.eventq_base, c.policy.idr.idr1.eventqs);
      if (k < 50) return s.eventq_prod & (ptr_mask(qs) | kOvFlg);  // drained, overflow acknowledged
      if (k < 70) return ((s.eventq_prod - r.below(4)) & ptr_mask(qs)) | (s.eventq_cons & kOvFlg);
      if (k < 80) return (s.eventq_prod & ptr_mask(qs)) | (~s.eventq_cons & kOvFlg);
      return static_cast<std::uint32_t>(r.next());
    }
    case kCmdqBase:
      return (some_address(r, c.cmdq) & ~std::uint64_t{31}) | (k < 60 ? c.guest.cmdq_log2 : r.below(32)) |
             (chance(r, 10) ? std::uint64_t{1} << 62 : 0);
    case kEventqBase:
      return (some_address(r, c.eventq) & ~std::uint64_t{31}) | (k < 60 ? c.guest.eventq_log2 : r.below(32)) |
             (chance(r, 10) ? std::uint64_t{1} << 62 : 0);
    case kPriqBase: return some_address(r, c.eventq) | r.below(32);
    case kStrtabBase: return some_address(r, c.strtab) | (chance(r, 10) ? std::uint64_t{1} << 62 : 0);
    case kStrtabBaseCfg: {
      if (k < 60) return ((c.guest.two_level_stream_table ? 1u : 0u) << 16) | (c.split << 6) | c.guest.sid_bits;
      if (k < 85) return (r.below(4) << 16) | (r.below(32) << 6) | r.below(64);
      return static_cast<std::uint32_t>(r.next());
    }
    case kGbpa:
      if (k < 60) return kGbpaUpdate | (chance(r, 50) ? kGbpaAbort : 0) | (1u << 12);
      return static_cast<std::uint32_t>(r.next());
    case kIrqCtrl: return k < 80 ? r.below(8) : static_cast<std::uint32_t>(r.next());
    case kGerrorIrqCfg0:
    case kEventqIrqCfg0:
    case kPriqIrqCfg0:
      if (k < 40) return 0;
      if (k < 75) return c.msi + 4 * r.below(64);
      return r.next();
    default: return chance(r, 50) ? static_cast<std::uint32_t>(r.next()) : r.next();
  }
}

Step mmio_write(std::uint32_t offset, std::uint64_t value, unsigned bytes = 4) {
  Step s{};
  s.kind = Kind::mmio_write;
  s.offset = offset;
  s.value = value;
  s.bytes = bytes;
  return s;
}

Step gen_mmio(SplitMix64& r, const GenCtx& g, bool write) {
  Step s{};
  s.kind = write ? Kind::mmio_write : Kind::mmio_read;
  const unsigned k = r.below(100);
  RegInfo ri = kRegs[r.below(sizeof kRegs / sizeof kRegs[0])];
  if (k < 30)
    ri = {kCmdqProd, 4};
  else if (k < 38)
    ri = {kCr0, 4};
  else if (k < 44)
    ri = {kGerrorn, 4};
  else if (k < 54)
    ri = {kEventqCons, 4};
  s.offset = ri.offset;
  s.bytes = ri.bytes;
  const unsigned w = r.below(100);
  if (w < 8)
    s.offset += 1 + r.below(7);  // misaligned
  else if (w < 14)
    s.offset = r.below(0x22000);                    // anywhere, also past Page 1
  if (r.below(100) < 20) s.bytes = 1 + r.below(8);  // odd widths
  s.value = some_value(r, g, ri.offset >= reg::kPage1 ? ri.offset - reg::kPage1 : ri.offset);
  if (ri.bytes == 8 && s.bytes == 4 && chance(r, 50)) {  // the upper half of a 64-bit register
    s.offset += 4;
    s.value >>= 32;
  }
  return s;
}

Words<4> some_event(SplitMix64& r, const GenCtx& g) {
  using namespace smmuv3;
  std::uint32_t psid = 0x1000 + r.below(0x1000);
  const unsigned pk = r.below(100);
  if (g.map.size() != 0 && pk < 75)
    psid = g.map[r.below(static_cast<std::uint32_t>(g.map.size()))].psid;
  else if (g.map.size() != 0 && pk < 85)
    psid = g.map[0].psid + 1;
  const unsigned k = r.below(100);
  Words<4> w{};
  const bool ssv = chance(r, 30);
  const auto ssid = static_cast<std::uint32_t>(r.below(16));
  if (k < 35) {
    EvtFTranslation e{};
    e.ssv = ssv;
    e.substream_id = ssid;
    e.stream_id = psid;
    e.stag = static_cast<std::uint16_t>(r.next());
    e.stall = chance(r, 30);
    e.pnu = chance(r, 50);
    e.ind = chance(r, 50);
    e.rnw = chance(r, 50);
    e.s2 = chance(r, 40);
    e.class_ = static_cast<EventClass>(r.below(3));
    e.input_addr = r.next();
    e.ipa = chance(r, 50) ? (kR + (r.next() % TestTraits::kRamBytes)) & ~std::uint64_t{0xFFF}
                          : r.next() & 0x00FF'FFFF'FFFF'F000;
    w = encode(e).words;
    w[0] = (w[0] & ~std::uint64_t{0xFF}) | (0x10 + r.below(4));  // F_TRANSLATION..F_PERMISSION
  } else if (k < 55) {
    w = encode(EvtCBadSte{ssv, ssid, psid}).words;
  } else if (k < 65) {
    EvtFCdFetch e{};
    e.ssv = ssv;
    e.substream_id = ssid;
    e.stream_id = psid;
    e.fetch_addr = r.next() & 0x00FF'FFFF'FFFF'FFF8;
    w = encode(e).words;
    if (chance(r, 50)) w[0] = (w[0] & ~std::uint64_t{0xFF}) | 0x0B;  // F_WALK_EABT layout is close enough
  } else {
    // Any other event number, architected or not, with random payload.
    constexpr std::uint8_t kTypes[] = {0x01, 0x02, 0x03, 0x05, 0x06, 0x07, 0x08,
                                       0x0A, 0x20, 0x21, 0x24, 0x25, 0xE3, 0x33};
    w = Words<4>{{r.next(), r.next(), r.next(), r.next()}};
    w[0] = (w[0] & 0xFFFF'FFFF'FFFF'FF00) | kTypes[r.below(sizeof kTypes)];
    w[0] = (w[0] & 0xFFFF'FFFF) | (std::uint64_t{psid} << 32);
  }
  Words<4> m = mutate(r, w, 25);
  if (chance(r, 80)) m[0] = (m[0] & 0xFFFF'FFFF) | (std::uint64_t{psid} << 32);  // keep the pSID mostly
  return m;
}

/// The fixed opening of a case with `prologue`: the Linux probe order (arm_smmu_device_reset),
/// so that most cases reach SMMUEN == 1 with sane tables before the hostility starts.
std::optional<Step> prologue_step(std::size_t i, SplitMix64& r, const GenCtx& g, std::uint32_t& guest_prod) {
  const CaseConfig& c = g.c;
  switch (i) {
    case 0: return mmio_write(kStrtabBase, c.strtab, 8);
    case 1:
      return mmio_write(kStrtabBaseCfg,
                        ((c.guest.two_level_stream_table ? 1u : 0u) << 16) | (c.split << 6) | c.guest.sid_bits);
    case 2: return mmio_write(kCmdqBase, c.cmdq | c.guest.cmdq_log2, 8);
    case 3: return mmio_write(kEventqBase, c.eventq | c.guest.eventq_log2, 8);
    case 4: {
      Step s{};
      s.kind = Kind::memory;
      s.what = "STEs of the assigned streams";
      for (std::size_t k = 0; k < g.map.size(); ++k) {
        std::vector<Poke> extra;
        const std::uint32_t vsid = g.map[k].vsid;
        const GuestTable t = guest_table(g);
        if (t.two_level) {
          const std::uint64_t l2 = l2_of(g, vsid >> t.split);
          extra.push_back(
              {t.base + std::uint64_t{vsid >> t.split} * 8,
               bytes_of(
                   smmuv3::encode(smmuv3::L1StreamTableDescriptor{static_cast<std::uint8_t>(t.split + 1), l2}).words)});
        }
        smmuv3::Ste ste{};
        ste.v = true;
        ste.config = chance(r, 80) ? smmuv3::SteConfig::s1_trans : smmuv3::SteConfig::bypass;
        ste.s1_context_ptr = c.cds + 64 * (vsid & 0xFF);
        Poke p = ste_poke(r, g, vsid, nullptr);
        p.bytes = bytes_of(smmuv3::encode(ste).words);
        s.pokes.insert(s.pokes.end(), extra.begin(), extra.end());
        s.pokes.push_back(std::move(p));
      }
      clip(s.pokes);
      return s;
    }
    case 5: return mmio_write(kCmdqProd, 0);
    case 6: return mmio_write(kCr0, kCmdqEn);
    case 7: {
      Step s{};
      s.kind = Kind::memory;
      s.what = "CFGI_ALL, TLBI_NSNH_ALL, CMD_SYNC";
      const unsigned qs = queue_qs(g.s.cmdq_base, c.policy.idr.idr1.cmdqs);
      const std::uint64_t base = queue_base(g.s.cmdq_base, qs, 16);
      const Words<2> cmds[] = {smmuv3::encode(smmuv3::CmdCfgiAll{}).words,
                               smmuv3::encode(smmuv3::CmdTlbiNsnhAll{}).words, smmuv3::encode(smmuv3::CmdSync{}).words};
      for (const Words<2>& w : cmds) {
        s.pokes.push_back({base + std::uint64_t{guest_prod & idx_mask(qs)} * 16, bytes_of(w)});
        guest_prod = (guest_prod + 1) & ptr_mask(qs);
      }
      clip(s.pokes);
      return s;
    }
    case 8: return mmio_write(kCmdqProd, guest_prod);
    case 9: return mmio_write(kCr0, kCmdqEn | kEventqEn);
    case 10: return mmio_write(kGerrorIrqCfg0, chance(r, 50) ? c.msi + 4 * r.below(64) : 0, 8);
    case 11: return mmio_write(kEventqIrqCfg0, chance(r, 50) ? c.msi + 4 * r.below(64) : 0, 8);
    case 12: return mmio_write(kIrqCtrl, r.below(8));
    case 13: return mmio_write(kCr2, 2);  // RECINVSID
    case 14: return mmio_write(kCr0, kCmdqEn | kEventqEn | kSmmuEn);
    default: return std::nullopt;
  }
}

Step gen_step(SplitMix64& r, const GenCtx& g, std::uint32_t& guest_prod) {
  if ((active(g.s.gerror, g.s.gerrorn) & kCmdqErr) != 0) {
    // The guest's driver notices CMDQ_ERR: arm_smmu_cmdq_skip_err replaces the command at CONS
    // (with a CMD_SYNC, or here with anything) and acknowledges in GERRORN.
    const unsigned k = r.below(100);
    if (k < 20) {
      Step s{};
      s.kind = Kind::memory;
      s.what = "a command at CMDQ_CONS (error recovery)";
      const unsigned qs = queue_qs(g.s.cmdq_base, g.c.policy.idr.idr1.cmdqs);
      const std::uint64_t at = queue_base(g.s.cmdq_base, qs, 16) + std::uint64_t{g.s.cmdq_cons & idx_mask(qs)} * 16;
      s.pokes.push_back(
          {at, bytes_of(chance(r, 70) ? smmuv3::encode(smmuv3::CmdSync{}).words : some_command(r, g, at))});
      clip(s.pokes);
      return s;
    }
    if (k < 35) return mmio_write(kGerrorn, g.s.gerrorn ^ kCmdqErr);
  }
  const unsigned k = r.below(100);
  if (k < 30) return gen_mmio(r, g, true);
  if (k < 35) return gen_mmio(r, g, false);
  if (k < 38) return only(Kind::poll);
  if (k < 50) {
    Step s{};
    s.kind = Kind::event;
    s.event = some_event(r, g);
    return s;
  }
  if (k < 54) {
    Step s{};
    s.kind = Kind::inject;
    const unsigned w = r.below(100);
    const std::uint64_t around[] = {g.c.cmdq, g.c.eventq, g.c.strtab, g.c.l2pool, g.c.msi};
    s.lo = around[r.below(5)] + 16 * r.below(64);
    s.hi = s.lo + 16 * r.below(64);
    s.inject = w < 22 ? 0 : w < 40 ? 1 : w < 62 ? 2 : w < 76 ? 3 : w < 90 ? 4 : 5;
    constexpr const char* kWhat[] = {"fail_submit toggle", "fail_sync toggle",  "fail_msi toggle",
                                     "read abort range",   "write abort range", "clear aborts"};
    s.what = kWhat[s.inject];
    return s;
  }
  if (k < 56) return only(Kind::restore);
  if (k < 57) return only(Kind::reset);
  if (k < 60) {
    Step s{};
    s.kind = Kind::remap;
    s.remove = g.map.size() != 0 && chance(r, 50);
    if (s.remove) {
      s.vsid = g.map[r.below(static_cast<std::uint32_t>(g.map.size()))].vsid;
    } else {
      s.vsid = chance(r, 70) ? r.below(64) : r.below(1u << g.c.guest.sid_bits);
      s.psid = 0x1000 + r.below(0x1000);
    }
    return s;
  }
  // Guest memory.
  Step s{};
  s.kind = Kind::memory;
  const unsigned m = r.below(100);
  if (m < 50) {
    s.what = "commands at the guest's producer index";
    const unsigned qs = queue_qs(g.s.cmdq_base, g.c.policy.idr.idr1.cmdqs);
    const std::uint64_t base = queue_base(g.s.cmdq_base, qs, 16);
    for (unsigned n = 1 + r.below(8); n != 0; --n) {
      const std::uint64_t at = base + std::uint64_t{guest_prod & idx_mask(qs)} * 16;
      s.pokes.push_back({at, bytes_of(some_command(r, g, at))});
      guest_prod = (guest_prod + 1) & ptr_mask(qs);
    }
  } else if (m < 58) {
    s.what = "a command at CMDQ_CONS (error recovery)";
    const unsigned qs = queue_qs(g.s.cmdq_base, g.c.policy.idr.idr1.cmdqs);
    const std::uint64_t at = queue_base(g.s.cmdq_base, qs, 16) + std::uint64_t{g.s.cmdq_cons & idx_mask(qs)} * 16;
    s.pokes.push_back({at, bytes_of(chance(r, 70) ? smmuv3::encode(smmuv3::CmdSync{}).words : some_command(r, g, at))});
  } else if (m < 76) {
    s.what = "STE (and L1STD)";
    std::vector<Poke> extra;
    Poke p = ste_poke(r, g, some_vsid(r, g), &extra);
    s.pokes = std::move(extra);
    s.pokes.push_back(std::move(p));
  } else if (m < 84) {
    s.what = "L1STD";
    const GuestTable t = guest_table(g);
    const std::uint32_t vsid = some_vsid(r, g);
    const std::uint32_t l1 = vsid >> (t.two_level ? t.split : 8);
    smmuv3::L1StreamTableDescriptor d{};
    d.span = static_cast<std::uint8_t>(chance(r, 60) ? t.split + 1 : r.below(32));
    d.l2_ptr = chance(r, 80) ? l2_of(g, l1) : r.next() & 0x00FF'FFFF'FFFF'FFC0;
    s.pokes.push_back({t.base + std::uint64_t{l1} * 8, bytes_of(mutate(r, smmuv3::encode(d).words, 20))});
  } else if (m < 88) {
    s.what = "CD";
    smmuv3::Cd cd{};
    cd.v = true;
    cd.aa64 = true;
    cd.t0sz = static_cast<std::uint8_t>(16 + r.below(32));
    cd.asid = static_cast<std::uint16_t>(r.next());
    cd.ttb0 = (kR + (r.next() % TestTraits::kRamBytes)) & ~std::uint64_t{0xFFF};
    cd.s = chance(r, 30);
    s.pokes.push_back({g.c.cds + 64 * r.below(256), bytes_of(mutate(r, smmuv3::encode(cd).words, 30))});
  } else {
    s.what = "random bytes";
    const std::uint64_t around[] = {g.c.cmdq, g.c.eventq, g.c.strtab, g.c.l2pool,
                                    kR + (r.next() % TestTraits::kRamBytes)};
    Poke p{around[r.below(5)] + r.below(0x400), {}};
    for (unsigned n = 1 + r.below(64); n != 0; --n) p.bytes.push_back(static_cast<unsigned char>(r.next()));
    s.pokes.push_back(std::move(p));
  }
  clip(s.pokes);
  return s;
}

// =============================================================================================
// Running a case and checking the invariants.
// =============================================================================================

/// How often the scripts reached what the invariants are about (a vacuous run would pass them).
struct Coverage {
  std::size_t steps = 0, consumed = 0, errors = 0, more_work = 0, host_errors = 0, syncs = 0, sync_msis = 0;
  std::size_t nested = 0, s2_only = 0, aborts = 0, blocked = 0, recorded = 0, overflows = 0, event_aborts = 0;
  std::size_t not_recording = 0, host_only = 0, migrations = 0, wraps = 0, smmuen = 0, msis = 0, msi_errors = 0;
};
Coverage g_cov;

struct Failure {
  bool failed = false;
  std::size_t step = 0;
  std::string invariant;  ///< the rule's tag and text: what the minimizer keeps
  std::string detail;
};

/// Reused across cases: TestTraits' 4 MiB of RAM is cleared by range, not reallocated.
struct Workbench {
  TestTraits t;
  std::vector<std::pair<std::uint64_t, std::size_t>> dirty;

  void clean() {
    for (const auto& [a, n] : dirty)
      if (t.in_ram(a, n)) std::memset(&t.ram[a - kR], 0, n);
    for (const auto& [a, n] : t.writes)
      if (t.in_ram(a, n)) std::memset(&t.ram[a - kR], 0, n);
    dirty.clear();
    t.forget_host();
  }
};

class CaseRun {
 public:
  CaseRun(Workbench& wb, std::uint64_t seed, std::size_t steps, const std::vector<char>* skip, bool trace)
      : wb_(wb), seed_(seed), steps_(steps), skip_(skip), trace_(trace), c_(make_case(seed)) {}

  const CaseConfig& config() const { return c_; }

  Failure run() {
    wb_.clean();
    if (c_.why_bad != nullptr) return fail(0, "setup", c_.why_bad);
    TestTraits& t = wb_.t;
    t.stage2 = c_.stage2;
    for (const auto& m : c_.streams) t.map.add(m.vsid, m.psid);
    h_.t = &t;
    h_.template_cache.reset();
    h_.map = &t.map;
    h_.policy = &c_.policy;
    h_.state_of = &state_of_dev;
    reset_state_ = fresh_state();
    construct();
    if (Failure f = collect(0, nullptr, "construct"); f.failed) return f;
    std::uint32_t guest_prod = 0;
    for (std::size_t i = 0; i < steps_; ++i) {
      SplitMix64 r{mix(seed_, i + 1)};
      const DeviceState before = dev_->save();
      const GenCtx g{c_, before, t.map, guest_prod};
      std::optional<Step> forced = c_.prologue ? prologue_step(i, r, g, guest_prod) : std::nullopt;
      const Step s = forced ? std::move(*forced) : gen_step(r, g, guest_prod);
      if (skip_ != nullptr && i < skip_->size() && (*skip_)[i] != 0) continue;
      if (trace_) std::printf("  step %zu: %s\n", i, describe(s).c_str());
      if (Failure f = execute(i, s); f.failed) return f;
    }
    return {};
  }

 private:
  Failure fail(std::size_t step, const std::string& inv, const std::string& detail) {
    Failure f{true, step, inv, detail};
    if (trace_) std::printf("  ** step %zu: %s %s\n", step, inv.c_str(), detail.c_str());
    return f;
  }

  /// A device constructed, or reconstructed for a migration, on the same traits.
  void construct() {
    h_.state_override = reset_state_;
    h_.allowed = {false, true, false};
    dev_.emplace(h_, c_.policy, c_.options);
    h_.state_override.reset();
    h_.dev = &*dev_;
  }

  /// The reset state, from a device on an empty map (no calls at all).
  DeviceState fresh_state() {
    Hostile shadow = h_;
    static const Map kEmpty{};
    shadow.map = &kEmpty;
    shadow.state_override = DeviceState{};
    Dev d(shadow, c_.policy, c_.options);
    return d.save();
  }

  /// R: save() -> restore() into a fresh Device gives RestoreError::none and the same save().
  std::string restore_round_trip(const DeviceState& s) {
    Hostile shadow = h_;
    static const Map kEmpty{};
    shadow.map = &kEmpty;  // the registers do not depend on the streams: nothing is called
    shadow.state_override = s;
    Dev d(shadow, c_.policy, c_.options);
    const vsmmu::RestoreError e = d.restore(s);
    if (e != vsmmu::RestoreError::none)
      return "restore() refused a saved state (RestoreError " + std::to_string(static_cast<int>(e)) + ")";
    if (!(d.save() == s)) return "save() after restore() differs from the state restored";
    return {};
  }

  Failure collect(std::size_t step, const Step* s, const char* what = "") {
    if (!h_.violations.empty()) {
      const std::string v = h_.violations.front();
      return fail(step, v.substr(0, v.find(':')), (s != nullptr ? describe(*s) : std::string(what)) + ": " + v);
    }
    return {};
  }

  Failure execute(std::size_t i, const Step& s) {
    TestTraits& t = wb_.t;
    const DeviceState before = dev_->save();
    const vsmmu::DeviceCounters cb = dev_->counters();
    h_.log = StepLog{};
    h_.violations.clear();
    const bool plain = s.bytes == 4 || s.bytes == 8;
    const bool accepted = plain && s.offset % s.bytes == 0 && s.offset < 2 * reg::kPageSize;
    const std::uint32_t off = s.offset;
    bool processes = false;  // the call consumes commands
    std::optional<DeviceStatus> status;
    std::optional<vsmmu::EventResult> event;
    switch (s.kind) {
      case Kind::mmio_write: {
        processes = accepted && s.bytes == 4 && (off == kCr0 || off == kCmdqProd || off == kGerrorn);
        const bool gbpa = accepted && s.bytes == 4 && off == kGbpa;
        h_.allowed = {processes, processes || gbpa, false};
        status = dev_->write(s.offset, s.value, s.bytes);
        break;
      }
      case Kind::mmio_read: {
        h_.allowed = {};
        (void)dev_->read(s.offset, s.bytes);
        break;
      }
      case Kind::memory:
        for (const Poke& p : s.pokes) {
          std::memcpy(&t.ram[p.addr - kR], p.bytes.data(), p.bytes.size());
          wb_.dirty.emplace_back(p.addr, p.bytes.size());
        }
        break;
      case Kind::poll:
        processes = true;
        h_.allowed = {true, true, false};
        status = dev_->poll();
        break;
      case Kind::event:
        h_.allowed = {false, false, true};
        event = dev_->report_event(s.event);
        break;
      case Kind::inject:
        switch (s.inject) {
          case 0: t.fail_submit = !t.fail_submit; break;
          case 1: t.fail_sync = !t.fail_sync; break;
          case 2: t.fail_msi = !t.fail_msi; break;
          case 3: t.read_aborts.emplace_back(s.lo, s.hi); break;
          case 4: t.write_aborts.emplace_back(s.lo, s.hi); break;
          default:
            t.read_aborts.clear();
            t.write_aborts.clear();
            break;
        }
        break;
      case Kind::restore: {
        construct();
        if (Failure f = collect(i, nullptr, "migration: constructing the destination"); f.failed) return f;
        h_.allowed = {false, true, false};
        const vsmmu::RestoreError e = dev_->restore(before);
        if (e != vsmmu::RestoreError::none) return fail(i, "R", "migration: restore() refused the saved state");
        break;
      }
      case Kind::reset:
        h_.allowed = {false, true, false};
        dev_->reset();
        break;
      case Kind::remap:
        if (s.remove)
          t.map.remove(s.vsid);
        else
          (void)t.map.add(s.vsid, s.psid);
        h_.allowed = {false, true, false};
        dev_->streams_changed();
        break;
    }
    h_.allowed = {};
    if (Failure f = collect(i, &s); f.failed) return f;
    const DeviceState after = dev_->save();
    // n: the streams the call saw (a remap step changes the map before streams_changed()).
    const std::string err = check_step(s, accepted, processes, status, event, before, after, cb, t.map.size());
    if (!err.empty()) return fail(i, err.substr(0, err.find(':')), describe(s) + ": " + err);
    // Coverage.
    Coverage& c = g_cov;
    const StepLog& l = h_.log;
    ++c.steps;
    if (s.kind != Kind::restore) {  // a migration starts the destination's counters at 0
      c.consumed += dev_->counters().commands_consumed - cb.commands_consumed;
      c.errors += dev_->counters().command_errors - cb.command_errors;
    }
    c.syncs += l.syncs;
    c.sync_msis += l.sync_msi_writes;
    c.nested += l.nested;
    c.s2_only += l.s2_only;
    c.aborts += l.aborts;
    c.blocked += l.blocked;
    c.more_work += status && *status == DeviceStatus::more_work;
    c.host_errors += status && *status == DeviceStatus::host_error;
    c.migrations += s.kind == Kind::restore;
    c.msis += l.msis;
    c.msi_errors += ((before.gerror ^ after.gerror) & (kMsiCmdqAbtErr | kMsiEventqAbtErr | kMsiGerrorAbtErr)) != 0;
    c.smmuen += (after.cr0 & kSmmuEn) != 0;
    c.wraps += processes && ((after.cmdq_cons ^ before.cmdq_cons) &
                             (1u << queue_qs(after.cmdq_base, c_.policy.idr.idr1.cmdqs))) != 0;
    if (event) {
      c.recorded += event->status == EventStatus::recorded;
      c.overflows += event->status == EventStatus::overflow;
      c.event_aborts += event->status == EventStatus::aborted;
      c.not_recording += event->status == EventStatus::not_recorded;
      c.host_only += event->status == EventStatus::host_only;
    }
    return {};
  }

  // ----- W ------------------------------------------------------------------------------------
  /// The work one call may do, with B = max(1, DeviceOptions::work_budget) and n = streams:
  ///   a call that consumes commands (CMDQ_PROD / CR0 / GERRORN write, poll()):
  ///     work units               <= B + 2n (sanitize_commands.hpp: 1 per command, 1 + n for
  ///                                          CFGI_STE_RANGE / CFGI_ALL, the illegal one included;
  ///                                          device.hpp: 1 per re-install. A call starts a batch
  ///                                          with >= 1 unit left and its first command may
  ///                                          overrun: at most B - 1 + (1 + n) + n)
  ///     and, if it says more_work, > B - (1 + n) units (the next command did not fit)
  ///     command entries read      <= B      (each read fetches at most the budget left, and every
  ///                                          entry it fetched is charged >= 1 before the next)
  ///     command read calls        <= B + 2  (each successful call fetches >= 1 entry; once a
  ///                                          run aborts, the device reads one entry at a time
  ///                                          for the rest of the call: at most the failed run
  ///                                          and the failed single read on top)
  ///     physical commands         <= B + 2n (a command costs at least what it produces)
  ///     install_ste               <= B + 2n, + n when a CR0 write changes SMMUEN
  ///     submit calls, syncs       <= B
  ///   any call: Stream table reads <= 2 per install_ste (an L1STD and an STE); report_event:
  ///     <= 2 reads, <= 1 record written, nothing installed or submitted; streams_changed(),
  ///     reset(): exactly n installs; a migration: exactly 2n (reset, then restore);
  ///     a GBPA write: n installs if it updates with SMMUEN == 0, else none; every other
  ///     access: no call at all.
  std::string check_work(const Step& s, bool accepted, bool processes, const DeviceState& before,
                         const DeviceState& after, std::size_t n) {
    const StepLog& l = h_.log;
    const std::size_t B = std::max<std::size_t>(1, c_.options.work_budget);
    char b[300];
    const auto over = [&](const char* what, std::size_t got, std::size_t bound) {
      std::snprintf(b, sizeof b, "W: %s = %zu > bound %zu (B = %zu, n = %zu)", what, got, bound, B, n);
      return std::string(b);
    };
    if (l.table_reads > 2 * l.installs + (s.kind == Kind::event ? 2 : 0))
      return over("Stream table reads", l.table_reads, 2 * l.installs);
    if (processes) {
      const bool smmuen_changed = s.kind == Kind::mmio_write && ((before.cr0 ^ after.cr0) & kSmmuEn) != 0;
      // The work units spent, from what was consumed (sanitize_commands.hpp: 1 per command,
      // 1 + n for opcode 0x04; the illegal command that stops the queue is charged too) and the
      // re-installs of CFGI_STE / _RANGE / CFGI_ALL (device.hpp: 1 each). Every consumed entry
      // must have been read in this call.
      const unsigned qs = queue_qs(before.cmdq_base, c_.policy.idr.idr1.cmdqs);
      const std::uint32_t adv = (after.cmdq_cons - before.cmdq_cons) & ptr_mask(qs);
      const bool ill =
          ((before.gerror ^ after.gerror) & kCmdqErr) != 0 &&
          smmuv3::CmdqConsErr::get(after.cmdq_cons) == static_cast<std::uint64_t>(smmuv3::CmdqError::cerror_ill);
      std::size_t units = 0, cursor = 0;
      for (std::uint32_t j = 0; j < adv + (ill ? 1u : 0u); ++j) {
        const std::uint32_t index = (before.cmdq_cons + j) & idx_mask(qs);
        while (cursor < l.commands.size() && l.commands[cursor].first != index) ++cursor;
        if (cursor == l.commands.size()) return "W: a command was consumed (or judged) without being read in this call";
        units += smmuv3::command_opcode(l.commands[cursor].second) == Opcode::cfgi_ste_range ? 1 + n : 1;
      }
      units += l.installs - (smmuen_changed ? std::min(n, l.installs) : 0);
      if (units > B + 2 * n) return over("work units (commands + re-installs)", units, B + 2 * n);
      // And the budget is used: more_work only once fewer units are left than the next command
      // may cost (1 + n), unless the host failed.
      if (status_ == DeviceStatus::more_work && units + n + 1 <= B)
        return over("more_work with budget left: B - (n + 1) > units", B - n - 1, units);
      if (l.cmd_entries > B) return over("command entries read", l.cmd_entries, B);
      if (l.cmd_reads > B + 2) return over("command read calls", l.cmd_reads, B + 2);
      if (l.phys_cmds > B + 2 * n) return over("physical commands", l.phys_cmds, B + 2 * n);
      if (l.installs > B + 2 * n + (smmuen_changed ? n : 0))
        return over("install_ste", l.installs, B + 2 * n + (smmuen_changed ? n : 0));
      if (l.submit_calls > B) return over("submit_commands calls", l.submit_calls, B);
      if (l.syncs > B) return over("sync_commands calls", l.syncs, B);
      return {};
    }
    if (l.cmd_reads != 0 || l.submit_calls != 0 || l.syncs != 0)
      return "W: commands processed by a call that does not process commands";
    switch (s.kind) {
      case Kind::event:
        if (l.read_calls > 2 || l.write_calls > 1 || l.installs != 0)
          return over("report_event guest accesses", l.read_calls + l.write_calls, 3);
        return {};
      case Kind::remap:
      case Kind::reset:
        if (l.installs != n) return over("install_ste (must be exactly n)", l.installs, n);
        return {};
      case Kind::restore:
        if (l.installs != 2 * n) return over("install_ste (must be exactly 2n)", l.installs, 2 * n);
        return {};
      case Kind::mmio_write:
        if (accepted && s.bytes == 4 && s.offset == kGbpa) {
          const bool expect = (s.value & kGbpaUpdate) != 0 && (before.cr0 & kSmmuEn) == 0;
          if (l.installs != (expect ? n : 0)) return over("install_ste for a GBPA write", l.installs, expect ? n : 0);
          return {};
        }
        [[fallthrough]];
      default:
        if (l.read_calls + l.write_calls + l.installs + l.msis + l.signals != 0)
          return "W: a call that has nothing to do reached the host or guest memory";
        return {};
    }
  }

  std::string check_step(const Step& s, bool accepted, bool processes, const std::optional<DeviceStatus>& status,
                         const std::optional<vsmmu::EventResult>& event, const DeviceState& before,
                         const DeviceState& after, const vsmmu::DeviceCounters& cb, std::size_t n) {
    TestTraits& t = wb_.t;
    const vsmmu::Policy& p = c_.policy;
    status_ = status.value_or(DeviceStatus::idle);
    if (std::string w = check_work(s, accepted, processes, before, after, n); !w.empty()) return w;

    // S: after SMMUEN changes, a GBPA update while SMMUEN == 0, streams_changed(), reset() and a
    // migration, every assigned stream is installed again (device.hpp); while SMMUEN == 0 each
    // one is the SMMU_GBPA STE (§6.3.14).
    const bool smmuen_changed = ((before.cr0 ^ after.cr0) & kSmmuEn) != 0;
    const bool gbpa_update = s.kind == Kind::mmio_write && accepted && s.bytes == 4 && s.offset == kGbpa &&
                             (s.value & kGbpaUpdate) != 0 && (before.cr0 & kSmmuEn) == 0;
    const bool reinstall =
        smmuen_changed || gbpa_update || s.kind == Kind::remap || s.kind == Kind::reset || s.kind == Kind::restore;
    for (std::size_t k = 0; k < t.map.size(); ++k) {
      const std::uint32_t psid = t.map[k].psid;
      if (reinstall && std::find(h_.log.installed.begin(), h_.log.installed.end(), psid) == h_.log.installed.end())
        return "S: an assigned stream was not re-installed after SMMUEN / GBPA / the map / reset / migration";
      if ((after.cr0 & kSmmuEn) == 0) {
        const auto it = t.installed.find(psid);
        const Words<8> want = (after.gbpa & kGbpaAbort) != 0 ? Hostile::abort_words() : h_.bypass_words();
        if (it == t.installed.end() || it->second != want)
          return "S: SMMUEN == 0 but a stream's STE is not SMMU_GBPA's";
      }
    }

    // R: the register file, as the guest reads it, is the saved state; the ACKs follow.
    if (dev_->read(kCr0, 4) != after.cr0 || dev_->read(kCr0Ack, 4) != after.cr0) return "R: SMMU_CR0ACK != SMMU_CR0";
    if (dev_->read(kIrqCtrl, 4) != after.irq_ctrl || dev_->read(kIrqCtrlAck, 4) != after.irq_ctrl)
      return "R: SMMU_IRQ_CTRLACK != SMMU_IRQ_CTRL";
    if (dev_->read(kGerror, 4) != after.gerror || dev_->read(kGerrorn, 4) != after.gerrorn ||
        dev_->read(kCmdqProd, 4) != after.cmdq_prod || dev_->read(kEventqCons, 4) != after.eventq_cons ||
        dev_->read(kStrtabBase, 8) != after.strtab_base || dev_->read(kCmdqBase, 8) != after.cmdq_base ||
        dev_->read(kEventqBase, 8) != after.eventq_base || dev_->read(kStrtabBaseCfg, 4) != after.strtab_base_cfg)
      return "R: a register reads other than its saved value";
    {
      // §6.3.28, §6.3.31: in CMDQ_CONS and EVENTQ_PROD (written by the SMMU) bits [19:QS+1] are RAZ.
      const unsigned cq = queue_qs(after.cmdq_base, p.idr.idr1.cmdqs),
                     eq = queue_qs(after.eventq_base, p.idr.idr1.eventqs);
      if (dev_->read(kCmdqCons, 4) != (after.cmdq_cons & ~(0xFFFFFu & ~ptr_mask(cq))) ||
          dev_->read(kEventqProd, 4) != (after.eventq_prod & ~(0xFFFFFu & ~ptr_mask(eq))))
        return "R: CMDQ_CONS / EVENTQ_PROD read other than the saved pointer with bits [19:QS+1] as zero";
    }
    const std::uint32_t gerror_mask =
        kCmdqErr | kEventqAbtErr | (p.idr.idr0.msi ? kMsiCmdqAbtErr | kMsiEventqAbtErr | kMsiGerrorAbtErr : 0);
    if ((after.gerror & ~gerror_mask) != 0) return "R: SMMU_GERROR holds an error this guest's SMMU cannot raise";
    if (!(after == last_verified_)) {
      if (std::string e = restore_round_trip(after); !e.empty()) return "R: " + e;
      last_verified_ = after;
    }
    const bool lifecycle = s.kind == Kind::reset;
    if (s.kind == Kind::restore && !(after == before)) return "R: a migration changed the guest-visible state";
    if (lifecycle) {
      if (!(after == reset_state_)) return "R: reset() did not give the reset state";
      return {};
    }
    const bool changes_allowed = processes || s.kind == Kind::event || (s.kind == Kind::mmio_write && accepted);
    if (!changes_allowed && !(after == before)) {
      return s.kind == Kind::mmio_write || s.kind == Kind::mmio_read
                 ? "R: an ignored or read access changed the register file"
                 : "R: a step without guest register access changed the register file";
    }
    // §7.5: an error is raised by toggling GERROR[x] while it is inactive (after the guest's
    // GERRORN write of this step, if any).
    const std::uint32_t toggled = before.gerror ^ after.gerror;
    if (toggled != 0) {
      if (!(processes || s.kind == Kind::event)) return "R: GERROR changed in a step that cannot raise errors";
      if ((toggled & active(before.gerror, after.gerrorn)) != 0) return "R: an active GERROR bit toggled again";
    }

    // R: CMDQ_CONS moves forward by at most the commands between CONS and PROD.
    const unsigned qs = queue_qs(before.cmdq_base, p.idr.idr1.cmdqs);
    const bool cons_written = s.kind == Kind::mmio_write && accepted && s.bytes == 4 && s.offset == kCmdqCons;
    if (cons_written && (before.cr0 & kCmdqEn) != 0 && after.cmdq_cons != before.cmdq_cons)
      return "R: the guest wrote CMDQ_CONS while CMDQEN == 1 and it changed";
    if (!cons_written) {
      const std::uint32_t adv = (after.cmdq_cons - before.cmdq_cons) & ptr_mask(qs);
      const std::uint32_t used = q_used(after.cmdq_prod, before.cmdq_cons, qs);
      const std::uint64_t consumed = dev_->counters().commands_consumed - cb.commands_consumed;
      if (!processes && after.cmdq_cons != before.cmdq_cons) return "R: CMDQ_CONS changed without command processing";
      if (adv > used || (used > (1u << qs) && adv != 0))
        return "R: CMDQ_CONS moved past CMDQ_PROD (or with PROD/CONS inconsistent)";
      if (s.kind != Kind::restore && consumed != adv)
        return "R: counters().commands_consumed does not match CMDQ_CONS' advance";
      const bool err_changed = smmuv3::CmdqConsErr::get(after.cmdq_cons) != smmuv3::CmdqConsErr::get(before.cmdq_cons);
      if (err_changed && (toggled & kCmdqErr) == 0) return "R: CMDQ_CONS.ERR changed without a new CMDQ_ERR";
      if ((toggled & kCmdqErr) != 0 && (active(after.gerror, after.gerrorn) & kCmdqErr) == 0)
        return "R: CMDQ_ERR toggled but is not active";
      const bool ack = ((before.gerrorn ^ after.gerrorn) & kCmdqErr) != 0;
      if ((active(before.gerror, before.gerrorn) & kCmdqErr) != 0 && !ack && adv != 0)
        return "R: commands consumed while CMDQ_ERR was active";
    }
    if (processes && status) {
      const bool pending = dev_->commands_pending();
      if (*status == DeviceStatus::idle && pending) return "R: write()/poll() said idle with commands pending";
      if (*status == DeviceStatus::more_work && !pending)
        return "R: write()/poll() said more_work with nothing pending";
      if (*status == DeviceStatus::host_error && !t.fail_submit && !t.fail_sync)
        return "R: host_error although the host did not fail";
      if (*status == DeviceStatus::output_too_small) return "R: output_too_small with OutCapacity >= 16 streams";
    } else if (status && *status != DeviceStatus::idle) {
      return "R: a write that processes no commands returned other than idle";
    }

    // E: the Event queue.
    const unsigned eqs = queue_qs(before.eventq_base, p.idr.idr1.eventqs);
    const bool eprod_written = s.kind == Kind::mmio_write && accepted && s.bytes == 4 &&
                               (s.offset == kEventqProd || s.offset == kEventqProdPage0Alias) &&
                               (before.cr0 & kEventqEn) == 0;
    const bool outstanding = reg::queue_overflow_outstanding(before.eventq_prod, after.eventq_cons);
    if (!eprod_written) {
      if (s.kind != Kind::event && after.eventq_prod != before.eventq_prod)
        return "E: EVENTQ_PROD changed without an event or a guest write with EVENTQEN == 0";
      if (((before.eventq_prod ^ after.eventq_prod) & kOvFlg) != 0) {
        if (outstanding) return "E: OVFLG toggled again before the overflow was acknowledged";
        if (!event || event->status != EventStatus::overflow) return "E: OVFLG toggled without an overflow";
      }
    }
    if (event) {
      const vsmmu::EventResult& e = *event;
      const auto psid = static_cast<std::uint32_t>(s.event[0] >> 32);
      const std::optional<std::uint32_t> vsid = h_.vsid_of(psid);
      const bool on = (before.cr0 & (kSmmuEn | kEventqEn)) == (kSmmuEn | kEventqEn) &&
                      (active(before.gerror, before.gerrorn) & kEventqAbtErr) == 0;
      const std::uint32_t used = q_used(before.eventq_prod, before.eventq_cons, eqs);
      const std::uint32_t prod_moved = (after.eventq_prod - before.eventq_prod) & ptr_mask(eqs);
      if (!vsid != (e.status == EventStatus::not_this_guest)) return "E: not_this_guest does not match the map";
      if (e.status == EventStatus::not_this_guest && (h_.log.read_calls != 0 || !(after == before)))
        return "E: an event of another guest's stream touched this guest";
      if (e.status == EventStatus::recorded) {
        if (!on) return "E: recorded while the guest's SMMU is not recording";
        if (used >= (1u << eqs)) return "E: recorded into a full Event queue";
        if (h_.log.event_write_ok != 1) return "E: recorded without exactly one successful record write";
        if (prod_moved != 1 || ((after.eventq_prod ^ before.eventq_prod) & kOvFlg) != 0)
          return "E: EVENTQ_PROD did not advance by exactly one entry";
        const Words<4> rec = t.peek<4>(h_.log.event_addr);
        if (static_cast<std::uint32_t>(rec[0] >> 32) != *vsid) return "E: the record does not name the vSID";
        // §7.3: what a stage-1-only Non-secure SMMU without PRI, VMS or IMPDEF events records.
        const unsigned type = rec[0] & 0xFF;
        const bool guest_type =
            (type >= 0x01 && type <= 0x0B) || (type >= 0x10 && type <= 0x13) || type == 0x20 || type == 0x21;
        if (!guest_type) return "E: the guest got an event type its SMMU never records";
      } else if (prod_moved != 0) {
        return "E: EVENTQ_PROD moved although nothing was recorded";
      }
      if (e.status == EventStatus::overflow && !(on && used >= (1u << eqs)))
        return "E: overflow reported with room in the Event queue";
      if (e.status == EventStatus::not_recorded && on) return "E: not_recorded while SMMUEN, EVENTQEN on";
      if (e.status == EventStatus::aborted && (h_.log.event_writes != 1 || h_.log.event_write_ok != 0 ||
                                               (active(after.gerror, after.gerrorn) & kEventqAbtErr) == 0))
        return "E: aborted without a refused record write and an active EVENTQ_ABT_ERR";
      if (e.status == EventStatus::host_only && h_.log.write_calls != 0)
        return "E: host_only but something was written";
    }
    return {};
  }

  Workbench& wb_;
  std::uint64_t seed_;
  std::size_t steps_;
  const std::vector<char>* skip_;
  bool trace_;
  CaseConfig c_;
  Hostile h_{};
  std::optional<Dev> dev_;
  DeviceState reset_state_{};
  DeviceState last_verified_{};
  DeviceStatus status_ = DeviceStatus::idle;
};

std::string describe_case(const CaseConfig& c) {
  char b[400];
  std::snprintf(b, sizeof b,
                "policy: vmid %u, %s table, msi %d, ats %d, pri %d, stall model %d (host %d), sev %d, sid_bits %u, "
                "ssid_bits %u, cmdq_log2 %u, eventq_log2 %u, ipa %u; budget %zu, gbpa_abort %d; %zu streams",
                c.policy.vmid, c.guest.two_level_stream_table ? "2-level" : "linear", c.policy.idr.idr0.msi,
                c.policy.idr.idr0.ats, c.policy.idr.idr0.pri, static_cast<int>(c.policy.idr.idr0.stall_model),
                static_cast<int>(c.policy.host_stall_model), c.policy.idr.idr0.sev, c.guest.sid_bits, c.guest.ssid_bits,
                c.guest.cmdq_log2, c.guest.eventq_log2, c.guest.ipa_bits, c.options.work_budget,
                c.options.gbpa_abort_at_reset, c.streams.size());
  std::string s = b;
  for (const auto& m : c.streams) {
    std::snprintf(b, sizeof b, " [v 0x%x -> p 0x%x]", m.vsid, m.psid);
    s += b;
  }
  return s;
}

/// Drops steps while the same invariant still fails (a simple ddmin); returns the skip mask.
std::vector<char> minimize(Workbench& wb, std::uint64_t seed, std::size_t steps, const Failure& original) {
  std::vector<char> skip(steps, 0);
  for (std::size_t i = original.step + 1; i < steps; ++i) skip[i] = 1;  // nothing after the failure matters
  std::size_t runs = 0;
  for (std::size_t chunk = std::max<std::size_t>(1, (original.step + 1) / 2); chunk >= 1 && runs < 4000;) {
    bool changed = false;
    for (std::size_t start = 0; start <= original.step && runs < 4000; start += chunk) {
      std::vector<char> trial = skip;
      bool any = false;
      for (std::size_t k = start; k < std::min(start + chunk, original.step + 1); ++k) {
        any = any || trial[k] == 0;
        trial[k] = 1;
      }
      if (!any) continue;
      ++runs;
      const Failure f = CaseRun(wb, seed, steps, &trial, false).run();
      if (f.failed && f.invariant == original.invariant) {
        skip = std::move(trial);
        changed = true;
      }
    }
    if (!changed) {
      if (chunk == 1) break;
      chunk /= 2;
    }
  }
  return skip;
}

/// Replays a case with a trace (all steps, or only those `skip` keeps).
void print_case(Workbench& wb, std::uint64_t seed, std::size_t steps, const std::vector<char>* skip) {
  CaseRun run(wb, seed, steps, skip, true);
  std::printf("case seed 0x%016" PRIx64 ": %s\n", seed, describe_case(run.config()).c_str());
  const Failure f = run.run();
  std::printf(f.failed ? "  -> fails at step %zu\n" : "  -> passes\n", f.step);
}

std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::strtoull(v, nullptr, 0) : fallback;
}

/// Runs `cases` cases of `steps` steps from `base`; reports (and minimizes) the first failures.
void print_coverage(const Coverage& c) {
  std::printf(
      "coverage: %zu steps, %zu commands consumed, %zu command errors, %zu CMDQ wraps, %zu more_work, %zu host_error, "
      "%zu syncs (%zu MSI writes), STEs installed: %zu nested %zu stage-2-only %zu abort %zu blocked; events: %zu "
      "recorded %zu overflow %zu aborted %zu not recorded %zu host-only; %zu migrations; %zu steps with SMMUEN; "
      "%zu write_msi, %zu MSI abort errors raised\n",
      c.steps, c.consumed, c.errors, c.wraps, c.more_work, c.host_errors, c.syncs, c.sync_msis, c.nested, c.s2_only,
      c.aborts, c.blocked, c.recorded, c.overflows, c.event_aborts, c.not_recording, c.host_only, c.migrations,
      c.smmuen, c.msis, c.msi_errors);
}

void run_cases(std::uint64_t base, std::size_t cases, std::size_t steps) {
  static Workbench bench;  // one 4 MiB RAM for the whole run
  Workbench* wb = &bench;
  const std::uint64_t only = env_u64("VSMMU_HOSTILE_SEED", 0);
  if (only != 0) {
    print_case(*wb, only, steps, nullptr);
    return;
  }
  const Coverage start = g_cov;
  std::size_t failures = 0;
  for (std::size_t i = 0; i < cases && failures < 3; ++i) {
    const std::uint64_t seed = mix(base, i);
    const Failure f = CaseRun(*wb, seed, steps, nullptr, false).run();
    if (!f.failed) continue;
    ++failures;
    ADD_FAILURE() << "case " << i << " seed 0x" << std::hex << seed << std::dec << " (" << steps
                  << " steps) fails at step " << f.step << ": " << f.detail << "\n  "
                  << describe_case(CaseRun(*wb, seed, steps, nullptr, false).config())
                  << "\n  replay: VSMMU_HOSTILE_SEED=0x" << std::hex << seed << std::dec;
    const std::vector<char> skip = minimize(*wb, seed, steps, f);
    std::printf("minimized script for seed 0x%016" PRIx64 " (%s):\n", seed, f.invariant.c_str());
    print_case(*wb, seed, steps, &skip);
  }
  if (env_u64("VSMMU_HOSTILE_STATS", 0) != 0) print_coverage(g_cov);
  // The scripts must reach what the invariants are about; otherwise they would pass vacuously.
  if (failures != 0 || cases < 200) return;
  const Coverage& c = g_cov;
  const std::size_t k = cases / 100;  // observed rates are several times these floors
  EXPECT_GE(c.consumed - start.consumed, 3 * cases) << "commands consumed";
  EXPECT_GE(c.errors - start.errors, 2 * cases) << "command errors";
  EXPECT_GE(c.wraps - start.wraps, k) << "CMDQ_CONS wraps";
  EXPECT_GE(c.more_work - start.more_work, cases) << "more_work";
  EXPECT_GE(c.host_errors - start.host_errors, cases / 2) << "host_error";
  EXPECT_GE(c.syncs - start.syncs, cases) << "physical syncs";
  EXPECT_GE(c.sync_msis - start.sync_msis, k) << "CMD_SYNC MSI writes";
  EXPECT_GE(c.nested - start.nested, 2 * cases) << "nested STEs installed";
  EXPECT_GE(c.blocked - start.blocked, 2 * cases) << "blocked STEs installed";
  EXPECT_GE(c.recorded - start.recorded, cases) << "events recorded";
  EXPECT_GE(c.overflows - start.overflows, 10 * k) << "event overflows";
  EXPECT_GE(c.event_aborts - start.event_aborts, 10 * k) << "event write aborts";
  EXPECT_GE(c.migrations - start.migrations, cases) << "migrations";
  EXPECT_GE(c.msi_errors - start.msi_errors, 2 * k) << "MSI abort errors";
}

// =============================================================================================
// The random scripts, by policy family (the case generator picks the details).
// =============================================================================================

std::size_t scaled(std::size_t n) { return static_cast<std::size_t>(env_u64("VSMMU_HOSTILE_CASES", n)); }

// 4 x 500 = 2000 cases of 250 steps (500k steps), every invariant after every step. (Four
// tests so that a failure's seed is found quickly and the work splits under ctest -j.)
constexpr std::size_t kSteps = 250;
TEST(DeviceHostile, RandomScriptsKeepEveryInvariantA) { run_cases(0xD0E5'0001, scaled(500), kSteps); }
TEST(DeviceHostile, RandomScriptsKeepEveryInvariantB) { run_cases(0xD0E5'0002, scaled(500), kSteps); }
TEST(DeviceHostile, RandomScriptsKeepEveryInvariantC) { run_cases(0xD0E5'0003, scaled(500), kSteps); }
TEST(DeviceHostile, RandomScriptsKeepEveryInvariantD) { run_cases(0xD0E5'0004, scaled(500), kSteps); }

// =============================================================================================
// A full 2^19-entry Command queue (SMMU_IDR1.CMDQS maximum, §6.3.2): PROD = CONS + 2^19, every
// entry pending. The device must get through it in bounded steps per call (device.hpp: "a
// CMDQ_PROD write (or poll()) consumes at most DeviceOptions::work_budget work units") and stop
// on the first illegal command with CMDQ_CONS on it (§4.1.3, §7.1).
// =============================================================================================

constexpr unsigned kBigQs = 19;
constexpr std::uint64_t kBigQueue = std::uint64_t{1} << 32;  // 8 MiB aligned, above the 4 MiB RAM

struct BigQueueScript {
  std::uint32_t first = 0;  ///< CMDQ_CONS index where the guest's commands start
  std::uint64_t legal = 0;  ///< entries [first, first + legal) are legal commands
  std::uint64_t seed = 0;
  std::uint32_t vsids[3] = {};         ///< the assigned vSIDs (CFGI_STE on them re-installs)
  mutable std::uint64_t furthest = 0;  ///< the furthest entry from CONS the device read

  /// Legal for any make_policy guest: ASID < 256, no range TLBI, SubstreamID 0, no MSI.
  Words<2> legal_command(std::uint64_t n) const {
    using namespace smmuv3;
    SplitMix64 r{mix(seed, n)};
    const unsigned k = r.below(1024);
    const std::uint32_t vsid = k % 2 == 0 ? vsids[k % 3] : r.below(1u << 12);
    if (k < 400) {
      CmdTlbiNhVa c{};
      c.vmid = static_cast<std::uint16_t>(r.next());
      c.asid = static_cast<std::uint16_t>(r.below(256));
      c.leaf = k % 2 == 0;
      c.address = r.next() & 0x0000'FFFF'FFFF'F000;
      return encode(c).words;
    }
    if (k < 600)
      return encode(CmdTlbiNhAsid{static_cast<std::uint16_t>(r.next()), static_cast<std::uint16_t>(r.below(256))})
          .words;
    if (k < 750) return encode(CmdCfgiCd{false, 0, vsid, k % 4 == 0}).words;
    if (k < 850) return encode(CmdPrefetchConfig{false, false, 0, vsid}).words;
    if (k < 950) return encode(CmdCfgiCdAll{false, vsid}).words;
    if (k < 990) return encode(CmdCfgiSte{false, vsid, k % 4 == 0}).words;
    if (k < 1020) return encode(CmdSync{}).words;
    if (k < 1023) return encode(CmdTlbiNsnhAll{}).words;
    return encode(CmdCfgiAll{}).words;
  }
  Words<2> entry(std::uint64_t index) const {
    const std::uint64_t n = (index - first) & ((std::uint64_t{1} << kBigQs) - 1);  // position from CONS
    furthest = std::max(furthest, n);
    if (n < legal) return legal_command(n);
    SplitMix64 r{mix(seed ^ 0xBAD, n)};
    Words<2> w{{r.next(), r.next()}};
    // The first command after the legal run is certainly illegal: a Reserved opcode (§4.1.1);
    // what follows it is garbage the device must never act on.
    if (n == legal) w[0] = (w[0] & ~std::uint64_t{0xFF}) | 0x3F;
    return w;
  }
};

Words<2> big_entry(const void* ctx, std::uint64_t index) {
  return static_cast<const BigQueueScript*>(ctx)->entry(index);
}

/// Runs the full queue; returns the number of write()/poll() calls it took.
void run_full_queue(std::uint64_t seed, std::uint64_t legal, std::size_t budget) {
  SCOPED_TRACE(testing::Message() << "seed " << seed << ", legal run " << legal << ", budget " << budget);
  static TestTraits t;  // 4 MiB, allocated once: the Stream table lives here
  t.map = Map{};
  t.reads.clear();
  t.writes.clear();
  const std::uint32_t vsids[3] = {0x12, 0x345, 0x7FF};
  for (unsigned i = 0; i < 3; ++i) t.map.add(vsids[i], 0x2000 + i);

  vsmmu::GuestConfig g{};
  g.cmdq_log2 = kBigQs;
  g.sid_bits = 12;
  g.two_level_stream_table = false;
  const vsmmu::PolicyResult pr = vsmmu::make_policy(
      host_idrs(reg::StallModel::terminate_only, false, false, false, true, false, reg::ArchMinorRev::smmuv3_1), g);
  ASSERT_TRUE(pr.ok());
  const vsmmu::Policy policy = pr.policy;

  BigQueueScript script{};
  SplitMix64 r{seed};
  script.first = static_cast<std::uint32_t>((std::uint64_t{1} << kBigQs) - 1 - r.below(4096));  // wraps early
  script.legal = legal;
  script.seed = seed;
  std::copy(std::begin(vsids), std::end(vsids), std::begin(script.vsids));

  Hostile h{};
  h.t = &t;
  h.map = &t.map;
  h.policy = &policy;
  h.state_of = &state_of_dev;
  h.vq_base = kBigQueue;
  h.vq_bytes = std::uint64_t{16} << kBigQs;
  h.vq_entry = &big_entry;
  h.vq_ctx = &script;
  vsmmu::DeviceOptions opt{};
  opt.work_budget = budget;
  h.state_override = DeviceState{};
  h.allowed = {false, true, false};
  Dev dev(h, policy, opt);
  h.state_override.reset();
  h.dev = &dev;
  h.allowed = {};

  // A linear Stream table with a stage 1 STE for every assigned stream; then the queue: base,
  // CONS = first, PROD = first + 2^19 (same index, other wrap flag: full, §3.5.1).
  const std::uint64_t strtab = kR + 0x10'0000;
  for (std::uint32_t v : vsids) {
    smmuv3::Ste ste{};
    ste.v = true;
    ste.config = smmuv3::SteConfig::s1_trans;
    ste.s1_context_ptr = kR + 0x38'0000 + 64 * (v & 0xFF);
    t.poke(strtab + std::uint64_t{v} * 64, smmuv3::encode(ste).words);
  }
  dev.write(kStrtabBase, strtab, 8);
  dev.write(kStrtabBaseCfg, 12, 4);
  dev.write(kCmdqBase, kBigQueue | kBigQs, 8);
  dev.write(kCmdqCons, script.first, 4);
  const std::uint32_t prod = script.first ^ (1u << kBigQs);
  dev.write(kCmdqProd, prod, 4);  // CMDQEN == 0: nothing happens yet
  ASSERT_EQ(dev.counters().commands_consumed, 0u);
  h.allowed = {false, true, false};
  dev.write(kCr0, kSmmuEn, 4);  // install the streams from the table
  ASSERT_TRUE(h.violations.empty()) << h.violations.front();

  // Enable the queue and poll until the device is idle; every call is bounded.
  const std::size_t B = std::max<std::size_t>(1, budget), n = t.map.size();
  std::size_t calls = 0, entries = 0;
  DeviceStatus st = DeviceStatus::more_work;
  while (st == DeviceStatus::more_work && calls < (std::size_t{1} << kBigQs) + 2) {
    h.log = StepLog{};
    h.allowed = {true, true, false};
    st = calls == 0 ? dev.write(kCr0, kSmmuEn | kCmdqEn, 4) : dev.poll();
    h.allowed = {};
    ++calls;
    entries += h.log.cmd_entries;
    ASSERT_TRUE(h.violations.empty()) << "call " << calls << ": " << h.violations.front();
    ASSERT_LE(h.log.cmd_entries, B) << "call " << calls;
    ASSERT_LE(h.log.cmd_reads, B + 2) << "call " << calls;
    ASSERT_LE(h.log.phys_cmds, B + 2 * n) << "call " << calls;
    ASSERT_LE(h.log.installs, B + 2 * n + (calls == 1 ? n : 0)) << "call " << calls;
    ASSERT_LE(h.log.submit_calls, B) << "call " << calls;
    ASSERT_LE(h.log.syncs, B) << "call " << calls;
    ASSERT_LE(h.log.table_reads, 2 * h.log.installs) << "call " << calls;
  }
  // §7.1: stopped on the illegal command, everything before it consumed, nothing after it.
  EXPECT_EQ(st, DeviceStatus::idle);
  const DeviceState s = dev.save();
  const std::uint32_t mask = ptr_mask(kBigQs);
  EXPECT_EQ(s.cmdq_cons & mask, (script.first + legal) & mask);
  EXPECT_EQ(smmuv3::CmdqConsErr::get(s.cmdq_cons), static_cast<std::uint64_t>(smmuv3::CmdqError::cerror_ill));
  EXPECT_EQ(active(s.gerror, s.gerrorn), kCmdqErr);
  EXPECT_EQ(s.cmdq_prod, prod);
  EXPECT_EQ(dev.counters().commands_consumed, legal);
  EXPECT_EQ(dev.counters().command_errors, 1u);
  EXPECT_FALSE(dev.commands_pending());
  // Calls: at least legal / B (no call consumes more than B commands); at most one per B - 2n
  // work units spent (a call leaves fewer than 1 + n units unused, and a command and its
  // re-installs cost at most 1 + 2n), plus the last one.
  EXPECT_GE(calls * B, legal);
  EXPECT_LE(calls, legal * 3 / std::max<std::size_t>(1, B > 2 * n ? B - 2 * n : 1) + 2);
  // Every entry up to the illegal one was read; past it, at most one read-ahead run
  // (kCommandChunk entries); and no more reading than one run per call beyond the consumed.
  EXPECT_LT(script.furthest, legal + Dev::kCommandChunk);
  EXPECT_GE(entries, legal + 1);
  EXPECT_LE(entries, legal + 1 + calls * Dev::kCommandChunk);
  // Another poll() does nothing while CMDQ_ERR is active.
  h.log = StepLog{};
  h.allowed = {true, true, false};
  EXPECT_EQ(dev.poll(), DeviceStatus::idle);
  EXPECT_EQ(h.log.read_calls + h.log.submit_calls + h.log.installs, 0u);
}

// The whole ring but its last entry is legal work; the last one is illegal. Default budget.
TEST(DeviceHostile, FullMaxSizeQueueIsProcessedInBoundedCallsAndStopsAtTheIllegalCommand) {
  run_full_queue(0x5EED'0019, (std::uint64_t{1} << kBigQs) - 1, 256);
}

// Garbage from CONS on: the first entry is illegal; one call, nothing consumed. Small budgets.
TEST(DeviceHostile, FullMaxSizeQueueOfGarbageStopsOnItsFirstEntry) {
  for (std::size_t budget : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{256}})
    run_full_queue(0x6A2B'A6E0 + budget, 0, budget);
}

// A shorter legal run with a budget that forces many calls and refreshes across call ends.
TEST(DeviceHostile, FullMaxSizeQueueWithSmallBudgetStopsAtTheIllegalCommand) { run_full_queue(0x5EED'0007, 20000, 7); }

}  // namespace
