// SPDX-License-Identifier: MIT
// vsmmu/device.hpp: one guest's virtual SMMUv3 -- the register file of Pages 0 and 1, the
// guest's Command queue, Stream table and Event queue -- driven by the hypervisor's MMIO traps
// and reaching everything else through DeviceTraits (vsmmu/traits.hpp). docs/device.md shows
// how to embed it.
//
// What the guest gets (IHI 0070 G.b): a Non-secure, stage-1-only SMMU with the ID registers of
// its Policy. Every update completes synchronously: SMMU_CR0ACK follows SMMU_CR0 and
// SMMU_IRQ_CTRLACK follows SMMU_IRQ_CTRL as soon as the write returns, and SMMU_GBPA.Update
// always reads 0.
//
// What the host gets: only sanitized physical commands (sanitize_commands), only sanitized
// physical STEs for the guest's own pSIDs (sanitize_ste), bounded work per call, no allocation,
// and no access to guest memory outside what the guest's registers and tables point at (and
// what read_guest/write_guest allow).
//
// Work per call: a CMDQ_PROD write (or poll()) spends at most `DeviceOptions::work_budget`
// work units on commands (sanitize_commands counts them: 1 per command, 1 + streams for a
// CFGI_ALL/CFGI_STE_RANGE; each STE re-installed for a CFGI costs 1 more), so at most
// work_budget + 2 * streams units, then returns `DeviceStatus::more_work`; the rest waits for
// the next poll(). (Xen's vITS, by contrast, handles every command up to CWRITER in the trap,
// which it can afford only because it trusts Dom0.) A CR0.SMMUEN or GBPA
// change, streams_changed() and restore() re-install one physical STE per assigned stream:
// O(streams), a number the host chose. report_event() is O(streams) (pSID -> vSID) plus at
// most two guest reads and one guest write.
//
// Concurrency: none inside. The hypervisor serialises all calls on one Device (e.g. a lock
// per vSMMU); independent Devices share nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/cerror.hpp"
#include "smmuv3/event.hpp"
#include "smmuv3/queue.hpp"
#include "smmuv3/registers/control.hpp"
#include "smmuv3/registers/idr.hpp"
#include "smmuv3/registers/irq.hpp"
#include "smmuv3/registers/offsets.hpp"
#include "smmuv3/registers/queue_registers.hpp"
#include "smmuv3/ste.hpp"
#include "vsmmu/device_state.hpp"
#include "vsmmu/guest_event.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_command.hpp"
#include "vsmmu/sanitize_commands.hpp"
#include "vsmmu/sanitize_ste.hpp"
#include "vsmmu/stream_table.hpp"
#include "vsmmu/traits.hpp"

namespace vsmmu {

/// What the hypervisor should do after a write() or poll().
enum class DeviceStatus : std::uint8_t {
  idle,              ///< nothing left to do
  more_work,         ///< the work budget ran out with commands pending: call poll() later
  host_error,        ///< submit_commands or sync_commands failed; nothing was lost, poll() retries
  output_too_small,  ///< OutCapacity < streams().size(): a host sizing bug; poll() cannot progress
};

struct DeviceOptions {
  /// Work units (about one per guest command) one write() or poll() may consume; 0 counts as 1.
  std::size_t work_budget = 256;
  /// SMMU_GBPA.ABORT after reset. §6.3.14 leaves the reset value IMPLEMENTATION DEFINED; with
  /// 0 (QEMU's choice) a guest without an SMMU driver keeps DMA working through stage 2 only.
  bool gbpa_abort_at_reset = false;
};

/// What report_event did with a physical event.
enum class EventStatus : std::uint8_t {
  recorded,        ///< written to the guest's Event queue
  not_this_guest,  ///< its StreamID is not one of this guest's pSIDs
  host_only,       ///< the guest's SMMU would not record it (guest_event.hpp says why)
  not_recorded,    ///< the guest's SMMU is not recording (SMMUEN/EVENTQEN off, EVENTQ_ABT_ERR)
  overflow,        ///< the guest's Event queue is full: lost, PROD.OVFLG reports it (§7.4)
  aborted,         ///< write_guest failed: lost, GERROR.EVENTQ_ABT_ERR reports it (§7.2)
};

struct EventResult {
  EventStatus status = EventStatus::not_this_guest;
  /// The physical event stalled a transaction that the guest will not resume (it was not
  /// recorded as a stalling event for the guest): the host must terminate it.
  bool host_must_terminate_stall = false;
  const char* reason = nullptr;
};

/// Running totals, for the hypervisor's statistics and for tests.
struct DeviceCounters {
  std::uint64_t commands_consumed = 0;  ///< guest commands accepted (CONS moved past them)
  std::uint64_t commands_submitted = 0; ///< physical commands handed to submit_commands
  std::uint64_t syncs = 0;              ///< guest CMD_SYNCs completed
  std::uint64_t command_errors = 0;     ///< CMDQ_ERRs raised
  std::uint64_t ste_installs = 0;       ///< install_ste calls
  std::uint64_t events_recorded = 0;    ///< records written to the guest's Event queue
  std::uint64_t events_lost = 0;        ///< overflow + aborted + not recorded
};

/// Optional tracing hooks a DeviceTraits type may have; the device calls them when present.
template <class T>
concept TracesCommands = requires(T& t, const smmuv3::Words<2>& guest, const CommandOutcome& o) {
  { t.trace_command(guest, o) } noexcept;
};
template <class T>
concept TracesStes = requires(T& t, std::uint32_t vsid, std::uint32_t psid, const SteFetch& f, const SteResult& r) {
  { t.trace_ste(vsid, psid, f, r) } noexcept;
};

namespace detail {

/// The sanitizer's GuestRam for the device: every CMD_SYNC MSI address passes, because the
/// device writes it with write_guest, whose failure is the architected abort (§4.7.3: the MSI
/// is "either visible ... or aborted and reported" in GERROR.MSI_CMDQ_ABT_ERR).
struct WriteGuestDecides {
  constexpr bool contains(std::uint64_t, std::uint64_t) const noexcept { return true; }
};

/// The bits of each register the guest can set, given what its ID registers advertise.
struct RegisterMasks {
  std::uint32_t cr0 = 0, cr1 = 0, cr2 = 0, gbpa = 0, irq_ctrl = 0, gerror = 0;
  std::uint64_t irq_cfg0 = 0;
  std::uint32_t irq_cfg1 = 0, irq_cfg2 = 0, priq_irq_cfg2 = 0;
  std::uint64_t strtab_base = 0;
  std::uint32_t strtab_base_cfg = 0;
  std::uint64_t queue_base = 0;
  std::uint32_t prod_cons = 0;       ///< CMDQ_PROD, CMDQ_CONS.RD: WR/RD [19:0]
  std::uint32_t eventq_pointer = 0;  ///< EVENTQ_PROD/CONS: WR/RD [19:0] and OVFLG/OVACKFLG [31]
};

constexpr RegisterMasks register_masks(const GuestIdrs& idr) noexcept {
  using namespace smmuv3::reg;
  RegisterMasks m{};
  const auto bit = [](bool on, std::uint64_t mask) { return on ? mask : std::uint64_t{0}; };
  // §6.3.9 CR0: PRIQEN is RES0 without PRI, ATSCHK without ATS, VMW without SMMU_IDR0.VMW,
  // DPT_WALK_EN without DPT (never shown).
  m.cr0 = static_cast<std::uint32_t>(cr0::SmmuEn::mask | cr0::CmdqEn::mask | cr0::EventqEn::mask |
                                     bit(idr.idr0.pri, cr0::PriqEn::mask) | bit(idr.idr0.ats, cr0::AtsChk::mask) |
                                     bit(idr.idr0.vmw, cr0::Vmw::mask));
  m.cr1 = static_cast<std::uint32_t>(kCr1Defined[0]);
  // §6.3.12 CR2: E2H is RES0 without SMMU_IDR0.Hyp (never shown), PTM without BTM,
  // REC_CFG_ATS without SMMU_IDR0.ATSRECERR.
  m.cr2 = static_cast<std::uint32_t>(cr2::RecInvSid::mask | bit(idr.idr0.btm, cr2::Ptm::mask) |
                                     bit(idr.idr0.ats_rec_err, cr2::RecCfgAts::mask));
  m.gbpa = static_cast<std::uint32_t>(kGbpaDefined[0] & ~gbpa::Update::mask);
  m.irq_ctrl = static_cast<std::uint32_t>(irq_ctrl::EventqIrqEn::mask | irq_ctrl::GerrorIrqEn::mask |
                                          bit(idr.idr0.pri, irq_ctrl::PriqIrqEn::mask));
  // §6.3.19 GERROR: the MSI_* bits are RES0 without MSI, the PRIQ bits without PRI; SFM_ERR is
  // never raised here but is a defined bit software may acknowledge.
  m.gerror = static_cast<std::uint32_t>(
      gerror::CmdqErr::mask | gerror::EventqAbtErr::mask | gerror::SfmErr::mask |
      bit(idr.idr0.pri, gerror::PriqAbtErr::mask) |
      bit(idr.idr0.msi, gerror::MsiCmdqAbtErr::mask | gerror::MsiEventqAbtErr::mask | gerror::MsiGerrorAbtErr::mask) |
      bit(idr.idr0.msi && idr.idr0.pri, gerror::MsiPriqAbtErr::mask));
  // §6.3.21-§6.3.23: the IRQ_CFG registers are RES0 without SMMU_IDR0.MSI.
  m.irq_cfg0 = bit(idr.idr0.msi, kIrqCfg0Defined[0]);
  m.irq_cfg1 = static_cast<std::uint32_t>(bit(idr.idr0.msi, kIrqCfg1Defined[0]));
  m.irq_cfg2 = static_cast<std::uint32_t>(bit(idr.idr0.msi, kIrqCfg2Defined[0]));
  // §6.3.36: PRIQ_IRQ_CFG2 (with LO) "is present only when SMMU_IDR0.MSI == 1 and
  // SMMU_IDR0.PRI == 1. Otherwise ... RES0."
  m.priq_irq_cfg2 = static_cast<std::uint32_t>(bit(idr.idr0.pri && idr.idr0.msi, kPriqIrqCfg2Defined[0]));
  m.strtab_base = kStrtabBaseDefined[0];
  // §6.3.25: FMT and SPLIT are RES0 when SMMU_IDR0.ST_LEVEL == 0b00.
  m.strtab_base_cfg = static_cast<std::uint32_t>(
      strtab_base_cfg::Log2Size::mask |
      bit(idr.idr0.st_level != StLevel::linear, strtab_base_cfg::Fmt::mask | strtab_base_cfg::Split::mask));
  m.queue_base = kQueueBaseDefined[0];
  m.prod_cons = smmuv3::kQueuePointerField;
  m.eventq_pointer = smmuv3::kQueuePointerField | static_cast<std::uint32_t>(eventq_prod::OvFlg::mask);
  return m;
}

}  // namespace detail

/// One guest's vSMMU. `OutCapacity` physical commands are batched per submit_commands call;
/// it must be at least streams().size() (one CFGI_ALL expands to a CFGI_STE per stream).
template <DeviceTraits T, std::size_t OutCapacity = 64>
class Device {
  static_assert(OutCapacity >= 1);

 public:
  /// Guest commands read from guest memory per read_guest call.
  static constexpr std::size_t kCommandChunk = 32;

  /// A device in its reset state. `policy` must come from make_policy (docs/sanitizer.md: the
  /// four conditions); `traits` must outlive the device.
  constexpr Device(T& traits, const Policy& policy, const DeviceOptions& options = {}) noexcept
      : traits_(traits), policy_(policy), options_(options), masks_(detail::register_masks(policy.idr)) {
    reset();
  }

  constexpr const Policy& policy() const noexcept { return policy_; }
  constexpr const DeviceCounters& counters() const noexcept { return counters_; }

  /// Architectural reset: every register to its reset value, the queues disabled, every
  /// assigned stream installed as SMMU_GBPA says (stage 2 only, or abort).
  constexpr void reset() noexcept {
    DeviceState s{};
    fill_idrs(s);
    s.gbpa = static_cast<std::uint32_t>(smmuv3::reg::gbpa::ShCfg::insert(0, 1));  // SHCFG: use incoming
    if (options_.gbpa_abort_at_reset) s.gbpa |= static_cast<std::uint32_t>(smmuv3::reg::gbpa::Abort::mask);
    regs_ = s;
    install_all_streams();
  }

  // ----- MMIO -----------------------------------------------------------------------------

  /// A guest read of `bytes` (4 or 8) at `offset` from the SMMU base (Pages 0 and 1).
  /// Reserved and unimplemented offsets, misaligned or odd-sized accesses, and 64-bit accesses
  /// to 32-bit registers read as zero (§6.2: RES0 locations; the rest CONSTRAINED
  /// UNPREDICTABLE, for which this is a permitted choice).
  constexpr std::uint64_t read(std::uint32_t offset, unsigned bytes) const noexcept {
    if (!access_ok(offset, bytes)) return 0;
    const std::uint32_t reg64 = offset & ~std::uint32_t{7};
    if (is_reg64(reg64)) {
      const std::uint64_t v = read64(reg64);
      if (bytes == 8) return v;
      return (offset & 4) != 0 ? v >> 32 : v & 0xFFFF'FFFF;
    }
    if (bytes == 8) return 0;
    return read32(offset);
  }

  /// A guest write. Writes to read-only, reserved or unimplemented offsets are ignored (§6.2),
  /// as are writes to a register while the enable that guards it is set (§6.3: "CONSTRAINED
  /// UNPREDICTABLE ... the write is ignored" is this device's choice for every guarded
  /// register). A CMDQ_PROD write processes commands within the work budget.
  constexpr DeviceStatus write(std::uint32_t offset, std::uint64_t value, unsigned bytes) noexcept {
    if (!access_ok(offset, bytes)) return DeviceStatus::idle;
    const std::uint32_t reg64 = offset & ~std::uint32_t{7};
    if (is_reg64(reg64)) {
      std::uint64_t v = value;
      if (bytes == 4) {
        // §6.2: a 32-bit access to either half of a 64-bit register; the other half keeps its
        // value.
        const std::uint64_t old = read64(reg64);
        v = (offset & 4) != 0 ? (old & 0xFFFF'FFFF) | (value << 32) : (old & ~std::uint64_t{0xFFFF'FFFF}) | (value & 0xFFFF'FFFF);
      }
      write64(reg64, v);
      return DeviceStatus::idle;
    }
    if (bytes == 8) return DeviceStatus::idle;
    return write32(offset, static_cast<std::uint32_t>(value));
  }

  /// Continue command processing after DeviceStatus::more_work or host_error.
  constexpr DeviceStatus poll() noexcept { return process_commands(); }

  /// Whether guest commands wait between CMDQ_CONS and CMDQ_PROD while the queue runs.
  constexpr bool commands_pending() const noexcept {
    if (!cmdq_running()) return false;
    const unsigned qs = cmdq_log2size();
    const auto used = smmuv3::queue_used(smmuv3::queue_pointer(regs_.cmdq_prod, qs),
                                         smmuv3::queue_pointer(regs_.cmdq_cons, qs), qs);
    return used != 0 && used <= smmuv3::queue_entries(qs);
  }

  // ----- Faults from the physical SMMU -----------------------------------------------------

  /// A record from the physical SMMU's Event queue. Events of streams that are not this
  /// guest's are refused (`not_this_guest`), so a host may offer each event to every vSMMU.
  constexpr EventResult report_event(const smmuv3::Words<smmuv3::kEventWords>& physical) noexcept {
    const auto psid = static_cast<std::uint32_t>(smmuv3::event::StreamId::get(physical));
    std::uint32_t vsid = 0;
    if (!find_vsid(psid, vsid)) return EventResult{EventStatus::not_this_guest, false, "pSID not assigned to this guest"};
    GuestEvent g = guest_event(policy_, physical, vsid);
    if (g.verdict == GuestEventVerdict::check_ste) {
      // Nothing would be recorded: spare the walk of the guest's table.
      if (!recording_events()) {
        ++counters_.events_lost;
        return EventResult{EventStatus::not_recorded, false, g.reason};
      }
      const SteFetch f = fetch_guest_ste(policy_, geometry(), vsid, traits_);
      g = ste_fault_event(f, vsid, smmuv3::event::Ssv::get(physical) != 0,
                          static_cast<std::uint32_t>(smmuv3::event::SubstreamId::get(physical)),
                          smmuv3::reg::cr2::RecInvSid::get(regs_.cr2) != 0);
    }
    if (g.verdict != GuestEventVerdict::forward) {
      return EventResult{EventStatus::host_only, g.stalled, g.reason};
    }
    const EventStatus s = record_event(g.record);
    const bool guest_resumes = s == EventStatus::recorded && g.stalled &&
                               smmuv3::event::Stall::get(g.record) != 0;
    return EventResult{s, g.stalled && !guest_resumes, g.reason};
  }

  // ----- Lifecycle ---------------------------------------------------------------------------

  /// The host changed streams() (a device assigned or removed): install the physical STE of
  /// every assigned stream as the guest's configuration says. A removed pSID is the host's to
  /// clear.
  constexpr void streams_changed() noexcept { install_all_streams(); }

  /// The complete guest-visible state (device_state.hpp).
  constexpr DeviceState save() const noexcept { return regs_; }

  /// Loads a saved state after checking it, then installs every assigned stream's physical STE
  /// from the guest's tables. Commands pending in the guest's queue are processed by the next
  /// poll(). On an error nothing changes.
  constexpr RestoreError restore(const DeviceState& s) noexcept {
    if (s.version != kDeviceStateVersion) return RestoreError::bad_version;
    DeviceState idrs{};
    fill_idrs(idrs);
    if (s.idr0 != idrs.idr0 || s.idr1 != idrs.idr1 || s.idr2 != idrs.idr2 || s.idr3 != idrs.idr3 ||
        s.idr5 != idrs.idr5 || s.aidr != idrs.aidr)
      return RestoreError::idr_mismatch;
    const detail::RegisterMasks& m = masks_;
    const auto outside = [](std::uint64_t v, std::uint64_t mask) { return (v & ~mask) != 0; };
    const bool pri = policy_.idr.idr0.pri;
    if (outside(s.cr0, m.cr0) || outside(s.cr1, m.cr1) || outside(s.cr2, m.cr2) || outside(s.gbpa, m.gbpa) ||
        outside(s.irq_ctrl, m.irq_ctrl) || outside(s.gerror, m.gerror) || outside(s.gerrorn, m.gerror) ||
        outside(s.gerror_irq_cfg0, m.irq_cfg0) || outside(s.gerror_irq_cfg1, m.irq_cfg1) ||
        outside(s.gerror_irq_cfg2, m.irq_cfg2) || outside(s.strtab_base, m.strtab_base) ||
        outside(s.strtab_base_cfg, m.strtab_base_cfg) || outside(s.cmdq_base, m.queue_base) ||
        outside(s.cmdq_prod, m.prod_cons) ||
        outside(s.cmdq_cons, m.prod_cons | static_cast<std::uint32_t>(smmuv3::CmdqConsErr::mask)) ||
        outside(s.eventq_base, m.queue_base) || outside(s.eventq_prod, m.eventq_pointer) ||
        outside(s.eventq_cons, m.eventq_pointer) || outside(s.eventq_irq_cfg0, m.irq_cfg0) ||
        outside(s.eventq_irq_cfg1, m.irq_cfg1) || outside(s.eventq_irq_cfg2, m.irq_cfg2) ||
        outside(s.priq_base, pri ? m.queue_base : 0) || outside(s.priq_prod, pri ? m.eventq_pointer : 0) ||
        outside(s.priq_cons, pri ? m.eventq_pointer : 0) || outside(s.priq_irq_cfg0, pri ? m.irq_cfg0 : 0) ||
        outside(s.priq_irq_cfg1, pri ? m.irq_cfg1 : 0) || outside(s.priq_irq_cfg2, m.priq_irq_cfg2) || s.reserved0 != 0)
      return RestoreError::bad_register;
    const auto err = smmuv3::CmdqConsErr::get(s.cmdq_cons);
    if (err != static_cast<std::uint64_t>(smmuv3::CmdqError::cerror_none) &&
        err != static_cast<std::uint64_t>(smmuv3::CmdqError::cerror_ill) &&
        err != static_cast<std::uint64_t>(smmuv3::CmdqError::cerror_abt))
      return RestoreError::bad_cmdq_error;
    regs_ = s;
    install_all_streams();
    return RestoreError::none;
  }

 private:
  using Map = StreamMapOf<T>;

  // ----- register file -------------------------------------------------------------------------

  static constexpr bool access_ok(std::uint32_t offset, unsigned bytes) noexcept {
    return (bytes == 4 || bytes == 8) && offset % bytes == 0 && offset < 2 * smmuv3::reg::kPageSize;
  }

  static constexpr bool is_reg64(std::uint32_t offset) noexcept {
    using namespace smmuv3::reg;
    using namespace smmuv3::reg::offset;
    switch (offset) {
      case kGerrorIrqCfg0:
      case kStrtabBase:
      case kCmdqBase:
      case kEventqBase:
      case kEventqIrqCfg0:
      case kPriqBase:
      case kPriqIrqCfg0: return true;
      default: return false;
    }
  }

  constexpr void fill_idrs(DeviceState& s) const noexcept {
    using smmuv3::reg::encode;
    s.idr0 = static_cast<std::uint32_t>(encode(policy_.idr.idr0).words[0]);
    s.idr1 = static_cast<std::uint32_t>(encode(policy_.idr.idr1).words[0]);
    s.idr2 = static_cast<std::uint32_t>(encode(policy_.idr.idr2).words[0]);
    s.idr3 = static_cast<std::uint32_t>(encode(policy_.idr.idr3).words[0]);
    s.idr5 = static_cast<std::uint32_t>(encode(policy_.idr.idr5).words[0]);
    s.aidr = static_cast<std::uint32_t>(encode(policy_.idr.aidr).words[0]);
  }

  constexpr bool pri() const noexcept { return policy_.idr.idr0.pri; }

  constexpr std::uint64_t read64(std::uint32_t offset) const noexcept {
    using namespace smmuv3::reg;
    using namespace smmuv3::reg::offset;
    switch (offset) {
      case kGerrorIrqCfg0: return regs_.gerror_irq_cfg0;
      case kStrtabBase: return regs_.strtab_base;
      case kCmdqBase: return regs_.cmdq_base;
      case kEventqBase: return regs_.eventq_base;
      case kEventqIrqCfg0: return regs_.eventq_irq_cfg0;
      case kPriqBase: return regs_.priq_base;
      case kPriqIrqCfg0: return regs_.priq_irq_cfg0;
      default: return 0;
    }
  }

  constexpr std::uint32_t read32(std::uint32_t offset) const noexcept {
    using namespace smmuv3::reg;
    using namespace smmuv3::reg::offset;
    switch (offset) {
      case kIdr0: return regs_.idr0;
      case kIdr1: return regs_.idr1;
      case kIdr2: return regs_.idr2;
      case kIdr3: return regs_.idr3;
      case kIdr5: return regs_.idr5;
      case kAidr: return regs_.aidr;
      case kCr0:
      case kCr0Ack: return regs_.cr0;
      case kCr1: return regs_.cr1;
      case kCr2: return regs_.cr2;
      case kGbpa: return regs_.gbpa;
      case kIrqCtrl:
      case kIrqCtrlAck: return regs_.irq_ctrl;
      case kGerror: return regs_.gerror;
      case kGerrorn: return regs_.gerrorn;
      case kGerrorIrqCfg1: return regs_.gerror_irq_cfg1;
      case kGerrorIrqCfg2: return regs_.gerror_irq_cfg2;
      case kStrtabBaseCfg: return regs_.strtab_base_cfg;
      case kCmdqProd: return regs_.cmdq_prod;
      // §6.3.28, §6.3.31, §6.3.35: in the pointer registers the SMMU writes, "bits [19:QS+1]
      // are RAZ" for the queue size in use.
      case kCmdqCons: return smmu_written_pointer(regs_.cmdq_cons, cmdq_log2size());
      case kEventqProd:
      case kEventqProdPage0Alias: return smmu_written_pointer(regs_.eventq_prod, eventq_log2size());
      case kEventqCons:
      case kEventqConsPage0Alias: return regs_.eventq_cons;
      case kEventqIrqCfg1: return regs_.eventq_irq_cfg1;
      case kEventqIrqCfg2: return regs_.eventq_irq_cfg2;
      case kPriqProd:
      case kPriqProdPage0Alias: return smmu_written_pointer(regs_.priq_prod, priq_log2size());
      case kPriqCons:
      case kPriqConsPage0Alias: return regs_.priq_cons;
      case kPriqIrqCfg1: return regs_.priq_irq_cfg1;
      case kPriqIrqCfg2: return regs_.priq_irq_cfg2;
      // CoreSight component identification (§6.3 SMMU_CIDR0-3): the fixed preamble. The
      // peripheral IDs (SMMU_PIDRn) name an implementer and part; this device claims none.
      case kCidr0: return 0x0D;
      case kCidr1: return 0xF0;
      case kCidr2: return 0x05;
      case kCidr3: return 0xB1;
      default: return 0;
    }
  }

  static constexpr std::uint32_t smmu_written_pointer(std::uint32_t reg, unsigned qs) noexcept {
    return reg & ~smmuv3::queue_index_res0_bits(reg, qs);
  }

  constexpr unsigned priq_log2size() const noexcept {
    return smmuv3::effective_log2size(static_cast<unsigned>(smmuv3::reg::queue_base::Log2Size::get(regs_.priq_base)),
                                      policy_.idr.idr1.priqs);
  }

  constexpr bool smmu_enabled() const noexcept { return (regs_.cr0 & smmuv3::reg::cr0::SmmuEn::mask) != 0; }
  constexpr bool cmdq_enabled() const noexcept { return (regs_.cr0 & smmuv3::reg::cr0::CmdqEn::mask) != 0; }
  constexpr bool eventq_enabled() const noexcept { return (regs_.cr0 & smmuv3::reg::cr0::EventqEn::mask) != 0; }
  constexpr bool priq_enabled() const noexcept { return (regs_.cr0 & smmuv3::reg::cr0::PriqEn::mask) != 0; }
  constexpr bool irq_enabled(std::uint64_t mask) const noexcept { return (regs_.irq_ctrl & mask) != 0; }
  constexpr std::uint32_t active_gerrors() const noexcept {
    return smmuv3::reg::active_gerrors(regs_.gerror, regs_.gerrorn);
  }
  /// §7.1: the Command queue is consumed while CMDQEN == 1 and no CMDQ_ERR is active.
  constexpr bool cmdq_running() const noexcept {
    return cmdq_enabled() && (active_gerrors() & smmuv3::reg::gerror::CmdqErr::mask) == 0;
  }

  constexpr void write64(std::uint32_t offset, std::uint64_t v) noexcept {
    using namespace smmuv3::reg;
    using namespace smmuv3::reg::offset;
    const detail::RegisterMasks& m = masks_;
    switch (offset) {
      // §6.3.21: GERROR_IRQ_CFG0..2 may only change while SMMU_IRQ_CTRL.GERROR_IRQEN == 0.
      case kGerrorIrqCfg0:
        if (!irq_enabled(irq_ctrl::GerrorIrqEn::mask)) regs_.gerror_irq_cfg0 = v & m.irq_cfg0;
        return;
      // §6.3.24: STRTAB_BASE is guarded by SMMUEN (and CR0ACK.SMMUEN, which equals it here).
      case kStrtabBase:
        if (!smmu_enabled()) regs_.strtab_base = v & m.strtab_base;
        return;
      // §6.3.26: CMDQ_BASE is guarded by CMDQEN.
      case kCmdqBase:
        if (!cmdq_enabled()) regs_.cmdq_base = v & m.queue_base;
        return;
      // §6.3.29: EVENTQ_BASE is guarded by EVENTQEN.
      case kEventqBase:
        if (!eventq_enabled()) regs_.eventq_base = v & m.queue_base;
        return;
      case kEventqIrqCfg0:
        if (!irq_enabled(irq_ctrl::EventqIrqEn::mask)) regs_.eventq_irq_cfg0 = v & m.irq_cfg0;
        return;
      case kPriqBase:
        if (pri() && !priq_enabled()) regs_.priq_base = v & m.queue_base;
        return;
      case kPriqIrqCfg0:
        if (pri() && !irq_enabled(irq_ctrl::PriqIrqEn::mask)) regs_.priq_irq_cfg0 = v & m.irq_cfg0;
        return;
      default: return;
    }
  }

  constexpr DeviceStatus write32(std::uint32_t offset, std::uint32_t v) noexcept {
    using namespace smmuv3::reg;
    using namespace smmuv3::reg::offset;
    const detail::RegisterMasks& m = masks_;
    switch (offset) {
      case kCr0: return write_cr0(v & m.cr0);
      // §6.3.11: CR1's TABLE_* fields are guarded by SMMUEN, its QUEUE_* fields by the queue
      // enables.
      case kCr1: {
        std::uint32_t writable = 0;
        if (!smmu_enabled()) writable |= static_cast<std::uint32_t>(cr1::TableSh::mask | cr1::TableOc::mask | cr1::TableIc::mask);
        if (!cmdq_enabled() && !eventq_enabled() && !priq_enabled())
          writable |= static_cast<std::uint32_t>(cr1::QueueSh::mask | cr1::QueueOc::mask | cr1::QueueIc::mask);
        writable &= m.cr1;
        regs_.cr1 = (regs_.cr1 & ~writable) | (v & writable);
        return DeviceStatus::idle;
      }
      // §6.3.12: CR2 must not change while SMMUEN == 1.
      case kCr2:
        if (!smmu_enabled()) regs_.cr2 = v & m.cr2;
        return DeviceStatus::idle;
      case kGbpa: write_gbpa(v); return DeviceStatus::idle;
      case kIrqCtrl: regs_.irq_ctrl = v & m.irq_ctrl; return DeviceStatus::idle;
      case kGerrorn: return write_gerrorn(v & m.gerror);
      case kGerrorIrqCfg1:
        if (!irq_enabled(irq_ctrl::GerrorIrqEn::mask)) regs_.gerror_irq_cfg1 = v & m.irq_cfg1;
        return DeviceStatus::idle;
      case kGerrorIrqCfg2:
        if (!irq_enabled(irq_ctrl::GerrorIrqEn::mask)) regs_.gerror_irq_cfg2 = v & m.irq_cfg2;
        return DeviceStatus::idle;
      case kStrtabBaseCfg:
        if (!smmu_enabled()) regs_.strtab_base_cfg = v & m.strtab_base_cfg;
        return DeviceStatus::idle;
      // §6.3.27: CMDQ_PROD is the guest's; bits above WR are RES0.
      case kCmdqProd:
        regs_.cmdq_prod = v & m.prod_cons;
        return process_commands();
      // §6.3.28: CMDQ_CONS is the SMMU's while CMDQEN == 1. ERR is written only by the SMMU.
      case kCmdqCons:
        if (!cmdq_enabled()) regs_.cmdq_cons = (regs_.cmdq_cons & ~m.prod_cons) | (v & m.prod_cons);
        return DeviceStatus::idle;
      // §6.3.31: EVENTQ_PROD is the SMMU's while EVENTQEN == 1.
      case kEventqProd:
      case kEventqProdPage0Alias:
        if (!eventq_enabled()) regs_.eventq_prod = v & m.eventq_pointer;
        return DeviceStatus::idle;
      case kEventqCons:
      case kEventqConsPage0Alias: regs_.eventq_cons = v & m.eventq_pointer; return DeviceStatus::idle;
      case kEventqIrqCfg1:
        if (!irq_enabled(irq_ctrl::EventqIrqEn::mask)) regs_.eventq_irq_cfg1 = v & m.irq_cfg1;
        return DeviceStatus::idle;
      case kEventqIrqCfg2:
        if (!irq_enabled(irq_ctrl::EventqIrqEn::mask)) regs_.eventq_irq_cfg2 = v & m.irq_cfg2;
        return DeviceStatus::idle;
      // The PRI queue (only with SMMU_IDR0.PRI): registers as the spec defines them. No page
      // request ever reaches it (report_event keeps E_PAGE_REQUEST for the host).
      case kPriqProd:
      case kPriqProdPage0Alias:
        if (pri() && !priq_enabled()) regs_.priq_prod = v & m.eventq_pointer;
        return DeviceStatus::idle;
      case kPriqCons:
      case kPriqConsPage0Alias:
        if (pri()) regs_.priq_cons = v & m.eventq_pointer;
        return DeviceStatus::idle;
      case kPriqIrqCfg1:
        if (pri() && !irq_enabled(irq_ctrl::PriqIrqEn::mask)) regs_.priq_irq_cfg1 = v & m.irq_cfg1;
        return DeviceStatus::idle;
      case kPriqIrqCfg2:
        if (pri() && !irq_enabled(irq_ctrl::PriqIrqEn::mask)) regs_.priq_irq_cfg2 = v & m.priq_irq_cfg2;
        return DeviceStatus::idle;
      default: return DeviceStatus::idle;  // RO, reserved or unimplemented: WI
    }
  }

  /// §6.3.9-§6.3.10: the new CR0 takes effect at once and CR0ACK follows. SMMUEN changes which
  /// configuration the streams use (the guest's Stream table or SMMU_GBPA), so every assigned
  /// stream is installed again; CMDQEN 0 -> 1 starts consuming commands.
  constexpr DeviceStatus write_cr0(std::uint32_t v) noexcept {
    const std::uint32_t old = regs_.cr0;
    regs_.cr0 = v;
    if (((old ^ v) & smmuv3::reg::cr0::SmmuEn::mask) != 0) install_all_streams();
    return process_commands();
  }

  /// §6.3.14 SMMU_GBPA: fields change only by a write with Update == 1, which completes here at
  /// once (Update reads 0). While SMMUEN == 0 the streams follow GBPA, so they are re-installed.
  constexpr void write_gbpa(std::uint32_t v) noexcept {
    if ((v & smmuv3::reg::gbpa::Update::mask) == 0) return;
    regs_.gbpa = v & masks_.gbpa;
    if (!smmu_enabled()) install_all_streams();
  }

  /// §6.3.20 SMMU_GERRORN: the guest acknowledges errors by making GERRORN[x] equal GERROR[x].
  /// Acknowledging CMDQ_ERR restarts the Command queue at CMDQ_CONS (§7.1).
  constexpr DeviceStatus write_gerrorn(std::uint32_t v) noexcept {
    regs_.gerrorn = v;
    return process_commands();
  }

  // ----- global errors and interrupts --------------------------------------------------------

  /// §7.5: raise global error `bit` by toggling SMMU_GERROR[bit], unless it is active already,
  /// and signal the gerror interrupt.
  constexpr void raise_gerror(std::uint32_t bit) noexcept {
    bit &= masks_.gerror;
    if (bit == 0 || (active_gerrors() & bit) != 0) return;
    regs_.gerror ^= bit;
    if (!irq_enabled(smmuv3::reg::irq_ctrl::GerrorIrqEn::mask)) return;
    // §7.5: an aborted GERROR MSI is recorded in MSI_GERROR_ABT_ERR, which itself signals
    // nothing further.
    if (!signal_interrupt(regs_.gerror_irq_cfg0, regs_.gerror_irq_cfg1, regs_.gerror_irq_cfg2,
                          GuestSignal::gerror_irq)) {
      const std::uint32_t abt = static_cast<std::uint32_t>(smmuv3::reg::gerror::MsiGerrorAbtErr::mask);
      if ((active_gerrors() & abt) == 0) regs_.gerror ^= abt;
    }
  }

  /// §3.18: an interrupt is an MSI when SMMU_IDR0.MSI == 1 and its IRQ_CFG0.ADDR != 0, otherwise
  /// the wired interrupt. Returns false when the MSI write aborted.
  constexpr bool signal_interrupt(std::uint64_t cfg0, std::uint32_t cfg1, std::uint32_t cfg2,
                                  GuestSignal wired) noexcept {
    const std::uint64_t addr = smmuv3::reg::irq_cfg0::Addr::get(cfg0);
    if (policy_.idr.idr0.msi && addr != 0)
      return traits_.write_msi(addr, cfg1, static_cast<std::uint8_t>(smmuv3::reg::irq_cfg2::MemAttr::get(cfg2)));
    traits_.signal(wired);
    return true;
  }

  // ----- Stream table --------------------------------------------------------------------------

  constexpr StreamTableGeometry geometry() const noexcept {
    return stream_table_geometry(policy_, regs_.strtab_base, regs_.strtab_base_cfg);
  }

  /// The physical STE for one assigned stream, from the guest's Stream table (SMMUEN == 1) or
  /// from SMMU_GBPA (SMMUEN == 0, §6.3.14: bypass is stage 1 bypass here, stage 2 still
  /// applies; ABORT aborts without an event).
  constexpr void install_stream(std::uint32_t vsid, std::uint32_t psid) noexcept {
    SteFetch fetch{};
    if (smmu_enabled()) {
      fetch = fetch_guest_ste(policy_, geometry(), vsid, traits_);
    } else {
      fetch.verdict = SteFetchVerdict::found;
      const bool abort = (regs_.gbpa & smmuv3::reg::gbpa::Abort::mask) != 0;
      smmuv3::Ste gbpa_ste{};
      gbpa_ste.v = true;
      gbpa_ste.config = abort ? smmuv3::SteConfig::abort : smmuv3::SteConfig::bypass;
      fetch.ste = smmuv3::encode(gbpa_ste).words;
    }
    // A Stream table lookup that fails blocks the stream (all-zero STE): the hardware's
    // C_BAD_STE comes back through report_event as the guest's C_BAD_STREAMID / F_STE_FETCH.
    SteResult r{SteVerdict::invalid, smmuv3::Words<8>{}, fetch.reason};
    if (fetch.verdict == SteFetchVerdict::found) r = sanitize_ste(policy_, fetch.ste, traits_.stage2_template(psid));
    if constexpr (TracesStes<T>) traits_.trace_ste(vsid, psid, fetch, r);
    traits_.install_ste(psid, r.physical);
    ++counters_.ste_installs;
  }

  constexpr void install_all_streams() noexcept {
    const Map& streams = traits_.streams();
    const std::size_t n = static_cast<std::size_t>(streams.size());
    for (std::size_t i = 0; i < n; ++i) {
      const StreamMapping m = streams[i];
      install_stream(m.vsid, m.psid);
    }
  }

  /// Re-install the mapped streams in [first, last] (a CFGI_STE / _RANGE / CFGI_ALL); returns
  /// how many.
  constexpr std::size_t refresh_streams(const SteRefresh& r) noexcept {
    const Map& streams = traits_.streams();
    const std::size_t n = static_cast<std::size_t>(streams.size());
    std::size_t installed = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const StreamMapping m = streams[i];
      if (m.vsid >= r.first && m.vsid <= r.last) {
        install_stream(m.vsid, m.psid);
        ++installed;
      }
    }
    return installed;
  }

  constexpr bool find_vsid(std::uint32_t psid, std::uint32_t& vsid) const noexcept {
    const Map& streams = traits_.streams();
    const std::size_t n = static_cast<std::size_t>(streams.size());
    for (std::size_t i = 0; i < n; ++i) {
      const StreamMapping m = streams[i];
      if (m.psid == psid) {
        vsid = m.vsid;
        return true;
      }
    }
    return false;
  }

  // ----- Command queue -------------------------------------------------------------------------

  constexpr unsigned cmdq_log2size() const noexcept {
    return smmuv3::effective_log2size(static_cast<unsigned>(smmuv3::reg::queue_base::Log2Size::get(regs_.cmdq_base)),
                                      policy_.idr.idr1.cmdqs);
  }

  /// §7.1: stop on the bad command: CONS stays on it, CONS.ERR says why, GERROR.CMDQ_ERR is
  /// raised, and nothing more is consumed until the guest acknowledges it in GERRORN.
  constexpr void command_error(smmuv3::CmdqError e) noexcept {
    regs_.cmdq_cons = static_cast<std::uint32_t>(
        smmuv3::CmdqConsErr::insert(regs_.cmdq_cons, static_cast<std::uint64_t>(e)));
    ++counters_.command_errors;
    raise_gerror(static_cast<std::uint32_t>(smmuv3::reg::gerror::CmdqErr::mask));
  }

  /// §4.7.3: after the physical sync, the CMD_SYNC's completion signal.
  constexpr void complete_sync(const SyncCompletion& s) noexcept {
    ++counters_.syncs;
    const auto msi_abort = static_cast<std::uint32_t>(smmuv3::reg::gerror::MsiCmdqAbtErr::mask);
    if (s.msi_abort) {
      raise_gerror(msi_abort);
    } else if (s.msi) {
      // §4.7.3: "The MSI write might be directed towards an interrupt controller to generate an
      // interrupt, or towards a shared memory location": guest RAM first (Linux polls it),
      // otherwise the hypervisor's MSI path; aborted only if neither takes it.
      unsigned char data[4] = {static_cast<unsigned char>(s.msi_data), static_cast<unsigned char>(s.msi_data >> 8),
                               static_cast<unsigned char>(s.msi_data >> 16),
                               static_cast<unsigned char>(s.msi_data >> 24)};
      if (!traits_.write_guest(s.msi_address, data, sizeof data) &&
          !traits_.write_msi(s.msi_address, s.msi_data, s.msi_attr))
        raise_gerror(msi_abort);
    }
    // §4.7.3 SIG_IRQ: "an event on a unique wired interrupt output is asserted on this signal,
    // regardless of the value of MSIAddress".
    if (s.signal == SyncSignal::irq) traits_.signal(GuestSignal::cmdq_sync_irq);
    if (s.signal == SyncSignal::sev) traits_.signal(GuestSignal::sev);
  }

  /// Reads up to `n` commands at `addr` (the entry at CONS) into cmds_; returns how many were
  /// read (0: the read of the command at CONS aborted). `one_at_a_time` is set, for the rest of
  /// the call, once a run aborted: the commands before the aborting entry are then read one by
  /// one instead of trying the long run again for each of them.
  constexpr std::size_t read_commands(std::uint64_t addr, std::size_t n, bool& one_at_a_time) noexcept {
    // One read for the run; if it aborts, the first command alone, so that CONS.ERR names the
    // command whose read aborted rather than the first of its run.
    if (one_at_a_time) n = 1;
    for (std::size_t want = n; want != 0; want = want > 1 ? 1 : 0) {
      if (traits_.read_guest(addr, raw_, want * smmuv3::kCmdqEntryBytes)) {
        for (std::size_t i = 0; i < want; ++i) cmds_[i] = smmuv3::load_le<2>(raw_ + i * smmuv3::kCmdqEntryBytes);
        return want;
      }
      one_at_a_time = true;
    }
    return 0;
  }

  constexpr DeviceStatus process_commands() noexcept {
    // A budget of 0 would never make progress; one command per call is the least.
    std::size_t budget = options_.work_budget != 0 ? options_.work_budget : 1;
    const detail::WriteGuestDecides any_address{};
    const CommandContext<Map, detail::WriteGuestDecides> ctx{traits_.streams(), any_address};
    // cmds_[next .. next + have) are the commands at CONS, already read in this call: a batch
    // that stops early (refresh, sync) leaves them for the next batch instead of reading them
    // again.
    std::size_t next = 0, have = 0;
    bool one_at_a_time = false;
    while (cmdq_running()) {
      const unsigned qs = cmdq_log2size();
      const smmuv3::QueuePointer prod = smmuv3::queue_pointer(regs_.cmdq_prod, qs);
      const smmuv3::QueuePointer cons = smmuv3::queue_pointer(regs_.cmdq_cons, qs);
      const std::uint32_t used = smmuv3::queue_used(prod, cons, qs);
      // §3.5.1: PROD and CONS in an inconsistent state (PROD more than a lap ahead) is
      // CONSTRAINED UNPREDICTABLE; this device consumes nothing until the guest fixes PROD.
      if (used == 0 || used > smmuv3::queue_entries(qs)) return DeviceStatus::idle;
      if (budget == 0) return DeviceStatus::more_work;

      if (have == 0) {
        // The run up to PROD, the end of the ring, the chunk buffer and the budget.
        std::size_t n = used;
        const std::uint32_t to_end = smmuv3::queue_entries(qs) - cons.index;
        if (n > to_end) n = to_end;
        if (n > kCommandChunk) n = kCommandChunk;
        if (n > budget) n = budget;
        if constexpr (TracesCommands<T>) n = 1;
        next = 0;
        have = read_commands(smmuv3::queue_entry_address(smmuv3::reg::queue_base::Addr::get(regs_.cmdq_base),
                                                         cons, smmuv3::QueueKind::cmdq, qs),
                             n, one_at_a_time);
        if (have == 0) {
          command_error(smmuv3::CmdqError::cerror_abt);
          return DeviceStatus::idle;
        }
      }
      const smmuv3::Words<2>* batch = cmds_ + next;

      if constexpr (TracesCommands<T>) {
        // Tracing judges the command once more on its own to report the decision; the output
        // it writes is the same the batch writes next.
        traits_.trace_command(batch[0], sanitize_command(policy_, batch[0], ctx, out_, OutCapacity));
      }
      const BatchResult r = sanitize_commands(policy_, batch, have, ctx, out_, OutCapacity, budget);
      if (output_too_small(r)) return DeviceStatus::output_too_small;
      budget = r.work < budget ? budget - r.work : 0;

      // §4.3.1-§4.3.3: the guest's new STEs must be in place before the CFGI reaches the host.
      // Each STE installed is a physical CFGI + SYNC for the host: it costs a work unit too.
      if (r.stop == BatchStop::refresh) {
        const std::size_t installed = refresh_streams(r.refresh);
        budget = installed < budget ? budget - installed : 0;
      }
      if (r.produced != 0) {
        if (!traits_.submit_commands(out_, r.produced)) return DeviceStatus::host_error;
        counters_.commands_submitted += r.produced;
      }
      if (r.stop == BatchStop::sync) {
        // §4.7.3: the CMD_SYNC completes after everything before it has; until the physical
        // sync succeeds CONS stays on it, and the next poll() tries again.
        const bool synced = traits_.sync_commands();
        const std::size_t before_sync = r.consumed - 1;
        advance_cmdq_cons(cons, synced ? r.consumed : before_sync, qs);
        if (!synced) return DeviceStatus::host_error;
        // §4.7.3: "Observation of the interrupt or event means that the consumption of the
        // CMD_SYNC is observable": CONS moved first.
        complete_sync(r.sync);
      } else {
        advance_cmdq_cons(cons, r.consumed, qs);
      }
      if (r.stop == BatchStop::error) {
        command_error(r.cerror);
        return DeviceStatus::idle;
      }
      if (r.stop == BatchStop::budget) return DeviceStatus::more_work;
      next += r.consumed;
      have -= r.consumed;
    }
    return DeviceStatus::idle;
  }

  constexpr void advance_cmdq_cons(smmuv3::QueuePointer cons, std::size_t n, unsigned qs) noexcept {
    regs_.cmdq_cons = smmuv3::with_queue_pointer(regs_.cmdq_cons,
                                                 smmuv3::queue_advance(cons, static_cast<std::uint32_t>(n), qs), qs);
    counters_.commands_consumed += n;
  }

  // ----- Event queue ---------------------------------------------------------------------------

  constexpr unsigned eventq_log2size() const noexcept {
    return smmuv3::effective_log2size(
        static_cast<unsigned>(smmuv3::reg::queue_base::Log2Size::get(regs_.eventq_base)), policy_.idr.idr1.eventqs);
  }

  /// §7.2: events are recorded only while SMMUEN == 1 and EVENTQEN == 1, and delivery stops
  /// while an Event queue abort (EVENTQ_ABT_ERR) is active.
  constexpr bool recording_events() const noexcept {
    return smmu_enabled() && eventq_enabled() &&
           (active_gerrors() & smmuv3::reg::gerror::EventqAbtErr::mask) == 0;
  }

  /// §7.2 / §7.4: write one record at EVENTQ_PROD, or report why it could not be.
  constexpr EventStatus record_event(const smmuv3::Words<smmuv3::kEventWords>& record) noexcept {
    using namespace smmuv3;
    const auto lost = [this](EventStatus s) {
      ++counters_.events_lost;
      return s;
    };
    if (!recording_events()) return lost(EventStatus::not_recorded);
    const unsigned qs = eventq_log2size();
    const QueuePointer prod = queue_pointer(regs_.eventq_prod, qs);
    const QueuePointer cons = queue_pointer(regs_.eventq_cons, qs);
    // §7.4: a full queue loses the event and flags the overflow (once, until acknowledged). A
    // guest CONS that makes the pair inconsistent leaves no free entry either (queue_free).
    // "Stall fault records do not cause an overflow condition. Only discarded events cause
    // overflow" (§7.4): a real SMMU holds a stall record until there is room (§7.2.1); this
    // device cannot hold it, so it is lost without OVFLG and the host terminates the stall.
    if (queue_free(prod, cons, qs) == 0) {
      const bool stall_record = event_has_stall(event_type(record)) && event::Stall::get(record) != 0;
      if (!stall_record && !reg::queue_overflow_outstanding(regs_.eventq_prod, regs_.eventq_cons))
        regs_.eventq_prod ^= static_cast<std::uint32_t>(reg::eventq_prod::OvFlg::mask);
      return lost(EventStatus::overflow);
    }
    unsigned char bytes[kEventBytes]{};
    store_le(record, bytes);
    const std::uint64_t addr =
        queue_entry_address(reg::queue_base::Addr::get(regs_.eventq_base), prod, QueueKind::eventq, qs);
    if (!traits_.write_guest(addr, bytes, sizeof bytes)) {
      raise_gerror(static_cast<std::uint32_t>(reg::gerror::EventqAbtErr::mask));
      return lost(EventStatus::aborted);
    }
    regs_.eventq_prod = with_queue_pointer(regs_.eventq_prod, queue_advance(prod, 1, qs), qs);
    ++counters_.events_recorded;
    // §3.18.2: the Event queue interrupt is triggered when the queue goes from empty to
    // non-empty; the guest drains it until empty before it may expect another.
    if (queue_empty(prod, cons, qs) && irq_enabled(reg::irq_ctrl::EventqIrqEn::mask) &&
        !signal_interrupt(regs_.eventq_irq_cfg0, regs_.eventq_irq_cfg1, regs_.eventq_irq_cfg2,
                          GuestSignal::eventq_irq))
      raise_gerror(static_cast<std::uint32_t>(reg::gerror::MsiEventqAbtErr::mask));
    return EventStatus::recorded;
  }

  T& traits_;
  Policy policy_;
  DeviceOptions options_;
  detail::RegisterMasks masks_;
  DeviceState regs_{};
  DeviceCounters counters_{};
  // Scratch for one batch; nothing in them outlives a call.
  unsigned char raw_[kCommandChunk * smmuv3::kCmdqEntryBytes]{};
  smmuv3::Words<2> cmds_[kCommandChunk]{};
  smmuv3::Words<2> out_[OutCapacity]{};
};

}  // namespace vsmmu
