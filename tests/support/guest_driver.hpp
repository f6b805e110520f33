// A small simulated guest SMMUv3 driver for the device tests: it does what Linux's
// arm-smmu-v3 driver does to an SMMU, through a vsmmu::Device's MMIO interface and a
// TestTraits-like guest RAM (anything with TestTraits' `poke`/`peek` helpers and kRamBase):
//   - programs the Stream table (linear or 2-level), the Command and Event queues, CR0, IRQs
//     in the order of arm_smmu_device_reset (`probe`);
//   - writes L1STDs and STEs in its RAM, allocating L2 tables on demand;
//   - posts commands at its own producer index (wrap aware) and publishes CMDQ_PROD;
//   - recovers from a command error as arm_smmu_cmdq_skip_err does (CERROR_ILL: the bad command
//     is replaced by a CMD_SYNC, then GERRORN acknowledges CMDQ_ERR);
//   - reads Event queue records back and moves EVENTQ_CONS (acknowledging overflows).
// Everything it does to the device is an MMIO access; everything it does to memory is a write
// to its own RAM, which the device then reads through read_guest.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <vector>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/cerror.hpp"
#include "smmuv3/command.hpp"
#include "smmuv3/l1_descriptor.hpp"
#include "smmuv3/queue.hpp"
#include "smmuv3/registers/control.hpp"
#include "smmuv3/registers/irq.hpp"
#include "smmuv3/registers/offsets.hpp"
#include "smmuv3/registers/queue_registers.hpp"
#include "smmuv3/ste.hpp"
#include "support/test_traits.hpp"
#include "vsmmu/device.hpp"
#include "vsmmu/policy.hpp"

namespace vsmmu_test {

/// QEMU 7.2's SMMUv3 ID registers plus stage 2 (SMMU_IDR0.S2P), the host every device test
/// uses unless it needs another: 16-bit StreamIDs, 44-bit OAS, 4K/64K granules, SMMUv3.1.
inline constexpr vsmmu::HostIdrs kQemuHost{0x0d40101b, 0x02730010, 0x00001404, 0x00000074, 0x1};

/// make_policy for kQemuHost; the test fails loudly (policy.vmid == 0) if the config is refused.
inline vsmmu::Policy guest_policy(const vsmmu::GuestConfig& config = {}) {
  const vsmmu::PolicyResult r = vsmmu::make_policy(kQemuHost, config);
  return r.ok() ? r.policy : vsmmu::Policy{};
}

/// Where the guest keeps its SMMU structures (guest physical addresses inside TestTraits' RAM,
/// [kRamBase, kRamBase + 4 MiB)).
struct GuestLayout {
  std::uint64_t cmdq = TestTraits::kRamBase + 0x00'0000;  ///< up to 2^16 commands (1 MiB)
  unsigned cmdq_log2 = 8;
  std::uint64_t eventq = TestTraits::kRamBase + 0x10'0000;  ///< up to 2^15 records (1 MiB)
  unsigned eventq_log2 = 7;
  bool two_level = true;
  std::uint64_t strtab = TestTraits::kRamBase + 0x20'0000;  ///< L1 table or linear table
  unsigned strtab_log2 = 16;                                 ///< STRTAB_BASE_CFG.LOG2SIZE
  unsigned split = 8;                                        ///< STRTAB_BASE_CFG.SPLIT
  std::uint64_t l2_pool = TestTraits::kRamBase + 0x28'0000;  ///< L2 tables, allocated upwards
  std::uint64_t scratch = TestTraits::kRamBase + 0x38'0000;  ///< CDs, MSI targets: the test's
};

template <class Dev, class Mem>
class GuestDriver {
 public:
  GuestDriver(Dev& dev, Mem& mem, const GuestLayout& layout = {}) : dev_(dev), mem_(mem), layout_(layout) {
    next_l2_ = layout_.l2_pool;
  }

  Dev& device() { return dev_; }
  Mem& memory() { return mem_; }
  const GuestLayout& layout() const { return layout_; }

  // ----- MMIO ---------------------------------------------------------------------------------
  std::uint32_t read32(std::uint32_t offset) const { return static_cast<std::uint32_t>(dev_.read(offset, 4)); }
  std::uint64_t read64(std::uint32_t offset) const { return dev_.read(offset, 8); }
  vsmmu::DeviceStatus write32(std::uint32_t offset, std::uint32_t v) { return dev_.write(offset, v, 4); }
  vsmmu::DeviceStatus write64(std::uint32_t offset, std::uint64_t v) { return dev_.write(offset, v, 8); }

  // ----- Probe (arm_smmu_device_reset) --------------------------------------------------------
  void program_stream_table() {
    namespace r = smmuv3::reg;
    using namespace smmuv3::reg::offset;
    write64(kStrtabBase, layout_.strtab);
    std::uint32_t cfg = static_cast<std::uint32_t>(r::strtab_base_cfg::Log2Size::insert(0, layout_.strtab_log2));
    if (layout_.two_level) {
      cfg = static_cast<std::uint32_t>(r::strtab_base_cfg::Fmt::insert(cfg, 1));
      cfg = static_cast<std::uint32_t>(r::strtab_base_cfg::Split::insert(cfg, layout_.split));
    }
    write32(kStrtabBaseCfg, cfg);
  }

  void program_cmdq() {
    using namespace smmuv3::reg::offset;
    write64(kCmdqBase, layout_.cmdq | layout_.cmdq_log2);
    write32(kCmdqProd, 0);
    write32(kCmdqCons, 0);
    prod_ = 0;
  }

  void program_eventq() {
    using namespace smmuv3::reg::offset;
    write64(kEventqBase, layout_.eventq | layout_.eventq_log2);
    write32(kEventqProd, 0);
    write32(kEventqCons, 0);
    evt_cons_ = 0;
  }

  vsmmu::DeviceStatus set_cr0(std::uint32_t bits) { return write32(smmuv3::reg::offset::kCr0, bits); }
  std::uint32_t cr0() const { return read32(smmuv3::reg::offset::kCr0); }

  /// Linux's order: disable, CR1/CR2, Stream table, Command queue, CMDQEN, CFGI_ALL + SYNC,
  /// TLBI_NSNH_ALL + SYNC, Event queue, EVENTQEN, IRQs, SMMUEN. Returns false if a step did
  /// not complete as the driver would check (CR0ACK, CMDQ_CONS catching up).
  bool probe(std::uint32_t irq_ctrl = kIrqGerror | kIrqEventq) {
    using namespace smmuv3::reg::offset;
    namespace r = smmuv3::reg;
    set_cr0(0);
    write32(kCr1, 0xd75);
    write32(kCr2, cr2);
    program_stream_table();
    program_cmdq();
    std::uint32_t cr0 = static_cast<std::uint32_t>(r::cr0::CmdqEn::mask);
    set_cr0(cr0);
    if (read32(kCr0Ack) != cr0) return false;
    post_cmd(smmuv3::CmdCfgiAll{});
    post_sync();
    publish();
    post_cmd(smmuv3::CmdTlbiNsnhAll{});
    post_sync();
    publish();
    if (!cmdq_drained()) return false;
    program_eventq();
    cr0 |= static_cast<std::uint32_t>(r::cr0::EventqEn::mask);
    set_cr0(cr0);
    write32(kIrqCtrl, 0);
    write64(kGerrorIrqCfg0, 0);
    write64(kEventqIrqCfg0, 0);
    write32(kIrqCtrl, irq_ctrl);
    cr0 |= static_cast<std::uint32_t>(r::cr0::SmmuEn::mask);
    set_cr0(cr0);
    return read32(kCr0Ack) == cr0 && read32(kIrqCtrlAck) == irq_ctrl;
  }

  /// What probe() writes to SMMU_CR2 (Linux: RECINVSID, and PTM, which needs SMMU_IDR0.BTM).
  std::uint32_t cr2 = static_cast<std::uint32_t>(smmuv3::reg::cr2::RecInvSid::mask);

  static constexpr std::uint32_t kIrqGerror = static_cast<std::uint32_t>(smmuv3::reg::irq_ctrl::GerrorIrqEn::mask);
  static constexpr std::uint32_t kIrqEventq = static_cast<std::uint32_t>(smmuv3::reg::irq_ctrl::EventqIrqEn::mask);

  // ----- Stream table -------------------------------------------------------------------------
  std::uint64_t l1std_address(std::uint32_t sid) const { return layout_.strtab + std::uint64_t{sid >> layout_.split} * 8; }

  void write_l1std(std::uint32_t l1_index, std::uint64_t l2, std::uint8_t span) {
    mem_.poke64(layout_.strtab + std::uint64_t{l1_index} * 8, smmuv3::encode(smmuv3::L1StreamTableDescriptor{span, l2}).words[0]);
  }

  /// The L2 table holding `sid` (2-level), allocated (2^SPLIT STEs, Span = SPLIT + 1) and
  /// filled with zeros (V == 0) on first use.
  std::uint64_t l2_table(std::uint32_t sid) {
    const std::uint32_t l1 = sid >> layout_.split;
    const auto it = l2_.find(l1);
    if (it != l2_.end()) return it->second;
    const std::uint64_t bytes = std::uint64_t{smmuv3::kSteBytes} << layout_.split;
    const std::uint64_t l2 = (next_l2_ + bytes - 1) & ~(bytes - 1);
    next_l2_ = l2 + bytes;
    for (std::uint64_t a = l2; a < l2 + bytes; a += 8) mem_.poke64(a, 0);
    write_l1std(l1, l2, static_cast<std::uint8_t>(layout_.split + 1));
    l2_[l1] = l2;
    return l2;
  }

  std::uint64_t ste_address(std::uint32_t sid) {
    if (!layout_.two_level) return layout_.strtab + std::uint64_t{sid} * smmuv3::kSteBytes;
    return l2_table(sid) + std::uint64_t{sid & ((1u << layout_.split) - 1)} * smmuv3::kSteBytes;
  }

  void write_ste(std::uint32_t sid, const smmuv3::Words<8>& ste) { mem_.poke(ste_address(sid), ste); }
  void write_ste(std::uint32_t sid, const smmuv3::Ste& ste) { write_ste(sid, smmuv3::encode(ste).words); }

  /// A stage 1 STE as Linux writes it for a DMA domain (one CD, no substreams).
  static smmuv3::Ste s1_ste(std::uint64_t cd) {
    smmuv3::Ste s{};
    s.v = true;
    s.config = smmuv3::SteConfig::s1_trans;
    s.s1_context_ptr = cd;
    return s;
  }
  static smmuv3::Ste bypass_ste() {
    smmuv3::Ste s{};
    s.v = true;
    s.config = smmuv3::SteConfig::bypass;
    return s;
  }

  // ----- Command queue ------------------------------------------------------------------------
  unsigned cmdq_log2() const { return layout_.cmdq_log2; }
  /// The guest's producer value (index and wrap flag), what the next publish() writes.
  std::uint32_t prod() const { return prod_; }
  void set_prod(std::uint32_t p) { prod_ = p; }
  std::uint64_t cmdq_entry(std::uint32_t index) const {
    return layout_.cmdq + std::uint64_t{index & smmuv3::queue_index_mask(layout_.cmdq_log2)} * smmuv3::kCmdqEntryBytes;
  }

  /// Writes `cmd` at the guest's producer index and advances it (not yet visible to the SMMU).
  void post(const smmuv3::Words<2>& cmd) {
    const unsigned qs = layout_.cmdq_log2;
    mem_.poke(cmdq_entry(prod_), cmd);
    prod_ = smmuv3::queue_pointer_bits(smmuv3::queue_advance(smmuv3::queue_pointer(prod_, qs), 1, qs), qs);
  }
  template <class C>
  void post_cmd(const C& c) {
    post(smmuv3::encode(c).words);
  }

  /// A CMD_SYNC as Linux builds it: with MSIs, CS = SIG_IRQ and an MSI of 0 to the CMD_SYNC's
  /// own queue entry (the driver polls that word); without, CS = SIG_SEV. MSH = Inner
  /// Shareable, MSIAttr = Inner/Outer Write-Back (0xF).
  void post_sync(bool msi = false) {
    smmuv3::CmdSync s{};
    s.msh = smmuv3::SyncMsh::inner_shareable;
    s.msi_attr = 0xF;
    if (msi) {
      s.cs = smmuv3::SyncCs::sig_irq;
      s.msi_address = cmdq_entry(prod_);
      s.msi_data = 0;
    } else {
      s.cs = smmuv3::SyncCs::sig_sev;
    }
    post_cmd(s);
  }

  /// CMDQ_PROD = the guest's producer value.
  vsmmu::DeviceStatus publish() { return write32(smmuv3::reg::offset::kCmdqProd, prod_); }

  vsmmu::DeviceStatus issue(std::initializer_list<smmuv3::Words<2>> cmds) {
    for (const auto& c : cmds) post(c);
    return publish();
  }

  std::uint32_t cons() const { return read32(smmuv3::reg::offset::kCmdqCons); }
  /// CMDQ_CONS.RD (index and wrap) without ERR.
  std::uint32_t cons_rd() const { return cons() & smmuv3::kQueuePointerField; }
  smmuv3::CmdqError cons_err() const {
    return static_cast<smmuv3::CmdqError>(smmuv3::CmdqConsErr::get(cons()));
  }
  bool cmdq_drained() const { return cons_rd() == prod_; }

  /// poll() while the device says more_work; returns the last status and counts the calls.
  vsmmu::DeviceStatus poll_until_settled(std::size_t max_calls, std::size_t* calls = nullptr) {
    vsmmu::DeviceStatus s = vsmmu::DeviceStatus::more_work;
    std::size_t n = 0;
    while (s == vsmmu::DeviceStatus::more_work && n < max_calls) {
      s = dev_.poll();
      ++n;
    }
    if (calls != nullptr) *calls = n;
    return s;
  }

  // ----- Global errors ------------------------------------------------------------------------
  std::uint32_t gerror() const { return read32(smmuv3::reg::offset::kGerror); }
  std::uint32_t gerrorn() const { return read32(smmuv3::reg::offset::kGerrorn); }
  std::uint32_t active_gerrors() const { return smmuv3::reg::active_gerrors(gerror(), gerrorn()); }
  /// GERRORN = GERROR: acknowledges every active error (arm_smmu_gerror_handler's last write).
  vsmmu::DeviceStatus ack_gerrors() { return write32(smmuv3::reg::offset::kGerrorn, gerror()); }

  /// arm_smmu_cmdq_skip_err: on CERROR_ILL the command at CONS is replaced by a CMD_SYNC
  /// (CS = SIG_SEV, MSH = ISH, MSIAttr = 0xF: 0x0fc02046); CERROR_ABT and ATC_INV_SYNC are
  /// retried as they are. Then GERRORN acknowledges CMDQ_ERR.
  vsmmu::DeviceStatus skip_cmdq_error() {
    if (cons_err() == smmuv3::CmdqError::cerror_ill) mem_.poke(cmdq_entry(cons_rd()), kLinuxSkipSync);
    return write32(smmuv3::reg::offset::kGerrorn,
                   gerrorn() ^ static_cast<std::uint32_t>(smmuv3::reg::gerror::CmdqErr::mask));
  }
  static constexpr smmuv3::Words<2> kLinuxSkipSync{{0x0fc02046, 0}};

  // ----- Event queue --------------------------------------------------------------------------
  std::uint32_t eventq_prod() const { return read32(smmuv3::reg::offset::kEventqProd); }
  std::uint32_t eventq_cons() const { return read32(smmuv3::reg::offset::kEventqCons); }

  /// Reads every record between the guest's consumer and EVENTQ_PROD, then writes EVENTQ_CONS
  /// (arm_smmu_evtq_thread). With `ack_overflow`, CONS.OVACKFLG takes PROD.OVFLG, as Linux's
  /// queue_sync_cons_ovf does.
  std::vector<smmuv3::Words<4>> read_events(bool ack_overflow = true) {
    namespace r = smmuv3::reg;
    const unsigned qs = layout_.eventq_log2;
    const std::uint32_t prod_reg = eventq_prod();
    std::vector<smmuv3::Words<4>> out;
    smmuv3::QueuePointer c = smmuv3::queue_pointer(evt_cons_, qs);
    const smmuv3::QueuePointer p = smmuv3::queue_pointer(prod_reg, qs);
    while (!smmuv3::queue_empty(p, c, qs)) {
      out.push_back(mem_.template peek<4>(layout_.eventq + std::uint64_t{c.index} * smmuv3::kEventqEntryBytes));
      c = smmuv3::queue_advance(c, 1, qs);
    }
    evt_cons_ = smmuv3::queue_pointer_bits(c, qs);
    std::uint32_t cons = evt_cons_;
    const std::uint32_t old_ack = eventq_cons() & static_cast<std::uint32_t>(r::eventq_cons::OvAckFlg::mask);
    cons |= ack_overflow ? (prod_reg & static_cast<std::uint32_t>(r::eventq_prod::OvFlg::mask)) : old_ack;
    write32(smmuv3::reg::offset::kEventqCons, cons);
    return out;
  }

 private:
  Dev& dev_;
  Mem& mem_;
  GuestLayout layout_;
  std::uint32_t prod_ = 0;
  std::uint32_t evt_cons_ = 0;
  std::uint64_t next_l2_ = 0;
  std::map<std::uint32_t, std::uint64_t> l2_;
};

template <class Dev, class Mem>
GuestDriver(Dev&, Mem&) -> GuestDriver<Dev, Mem>;
template <class Dev, class Mem>
GuestDriver(Dev&, Mem&, const GuestLayout&) -> GuestDriver<Dev, Mem>;

}  // namespace vsmmu_test
