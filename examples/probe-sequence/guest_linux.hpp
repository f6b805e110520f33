// probe-sequence/guest_linux.hpp: a simulated guest running the Linux arm-smmu-v3 driver
// (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c, Linux 6.1), step by step, in Linux's order.
//
// The guest reaches the vSMMU only as a guest does: 32/64-bit MMIO accesses (Device::read and
// Device::write, what the hypervisor calls from its trap handler) and its own RAM (the queue,
// the Stream table and the CD live there; the guest writes them without trapping). The values
// are the ones Linux 6.1 wrote against QEMU's SMMUv3 (tests/data/linux-6.1.192-2/: mmio.tsv,
// cmdq.txt): CR1 = 0xd75, CR2 = 0x6, IRQ_CTRL = 0x5, STRTAB_BASE with RA, a 2-level Stream
// table with SPLIT 8, CMD_SYNC with CS = SIG_SEV, MSH = Inner Shareable, MSIAttr = 0xF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "print.hpp"
#include "toy_host.hpp"

namespace probe {

/// The records Linux 6.1 builds, as the driver fills them in (arm-smmu-v3.c). constexpr, so the
/// static_asserts after the class can check them against what Linux wrote under QEMU.
namespace linux61 {

/// arm_smmu_cmdq_build_sync_cmd() without MSI polling: CS = SIG_SEV, MSH = Inner Shareable,
/// MSIAttr = Inner/Outer Write-Back.
constexpr smmuv3::CmdSync cmd_sync_sev() {
  smmuv3::CmdSync s{};
  s.cs = smmuv3::SyncCs::sig_sev;
  s.msh = smmuv3::SyncMsh::inner_shareable;
  s.msi_attr = 0xF;
  return s;
}

/// The same with ARM_SMMU_OPT_MSIPOLL (SMMU_IDR0.MSI and a coherent SMMU): CS = SIG_IRQ and an
/// MSI of 0 to `slot`, the CMD_SYNC's own queue entry, whose first word the driver polls.
constexpr smmuv3::CmdSync cmd_sync_msi(std::uint64_t slot) {
  smmuv3::CmdSync s = cmd_sync_sev();
  s.cs = smmuv3::SyncCs::sig_irq;
  s.msi_data = 0;
  s.msi_address = slot;
  return s;
}

/// arm_smmu_device_reset(): table and queue accesses Inner Shareable, Write-Back.
constexpr smmuv3::reg::Cr1 cr1() {
  using namespace smmuv3::reg;
  Cr1 r{};
  r.table_sh = Shareability::inner_shareable;
  r.table_oc = Cacheability::write_back;
  r.table_ic = Cacheability::write_back;
  r.queue_sh = Shareability::inner_shareable;
  r.queue_oc = Cacheability::write_back;
  r.queue_ic = Cacheability::write_back;
  return r;
}

/// arm_smmu_device_reset(), "random crap": PTM | RECINVSID, and E2H with SMMU_IDR0.Hyp.
constexpr smmuv3::reg::Cr2 cr2(bool hyp) {
  smmuv3::reg::Cr2 r{};
  r.ptm = true;
  r.recinvsid = true;
  r.e2h = hyp;
  return r;
}

/// arm_smmu_init_strtab_2lvl(): FMT 2-level, SPLIT 8 (STRTAB_SPLIT), LOG2SIZE = SIDSIZE.
constexpr smmuv3::reg::StrtabBaseCfg strtab_base_cfg(std::uint8_t sid_bits) {
  smmuv3::reg::StrtabBaseCfg r{};
  r.fmt = smmuv3::reg::StrtabFmt::two_level;
  r.split = 8;
  r.log2size = sid_bits;
  return r;
}

/// arm_smmu_setup_irqs(): EVTQ_IRQEN | GERROR_IRQEN (PRIQ_IRQEN only with SMMU_IDR0.PRI).
constexpr smmuv3::reg::IrqCtrl irq_ctrl() {
  smmuv3::reg::IrqCtrl r{};
  r.eventq_irqen = true;
  r.gerror_irqen = true;
  return r;
}

/// arm_smmu_write_strtab_ent() for a StreamID with no domain, disable_bypass = 1 (what
/// arm_smmu_init_bypass_stes() fills a new Level 2 table with): abort, SHCFG incoming.
constexpr smmuv3::Ste abort_ste() {
  smmuv3::Ste s{};
  s.v = true;
  s.config = smmuv3::SteConfig::abort;
  s.shcfg = smmuv3::SteShcfg::incoming;
  return s;
}

/// arm_smmu_write_strtab_ent() for a stage 1 domain without SubstreamIDs.
constexpr smmuv3::Ste s1_ste(std::uint64_t cd_table) {
  smmuv3::Ste s{};
  s.v = true;
  s.config = smmuv3::SteConfig::s1_trans;
  s.s1_fmt = smmuv3::S1Fmt::linear;
  s.s1_context_ptr = cd_table;
  s.s1_dss = smmuv3::S1Dss::ssid0;
  s.s1_cir = smmuv3::S1ContextCacheability::wb_read_allocate;
  s.s1_cor = smmuv3::S1ContextCacheability::wb_read_allocate;
  s.s1_csh = smmuv3::SteShareability::inner_shareable;
  s.strw = smmuv3::Strw::el1;  // STRW_NSEL1 (no E2H)
  return s;
}

/// arm_smmu_write_ctx_desc() for an io-pgtable ARM_64_LPAE_S1 domain: 48-bit VA, 4 KiB
/// granule, walks Inner Shareable Write-Back, TTB1 disabled, IPS = the SMMU's output size.
constexpr smmuv3::Cd s1_cd(std::uint16_t asid, std::uint64_t ttb0, smmuv3::CdIps ips) {
  smmuv3::Cd cd{};
  cd.t0sz = 16;
  cd.tg0 = smmuv3::CdTg0::size_4kb;
  cd.ir0 = smmuv3::CdCacheability::write_back_ra_wa;
  cd.or0 = smmuv3::CdCacheability::write_back_ra_wa;
  cd.sh0 = smmuv3::CdShareability::inner_shareable;
  cd.epd1 = true;
  cd.v = true;
  cd.ips = ips;
  cd.aa64 = true;
  cd.r = true;
  cd.a = true;
  cd.aset = true;
  cd.asid = asid;
  cd.ttb0 = ttb0;
  cd.mair0 = 0xf404ff44;
  cd.mair1 = 0xffffffff;
  return cd;
}

}  // namespace linux61

/// Where the guest driver allocates its structures ("DMA memory" in guest RAM, IPAs).
struct GuestLayout {
  static constexpr std::uint64_t kCmdq = 0x4001'0000;     // 256 x 16 B
  static constexpr std::uint64_t kEventq = 0x4002'0000;   // 128 x 32 B
  static constexpr std::uint64_t kStrtabL1 = 0x4003'0000; // 256 L1STDs x 8 B
  static constexpr std::uint64_t kStrtabL2 = 0x4004'0000; // StreamIDs 0x0-0xff: 256 STEs x 64 B
  static constexpr std::uint64_t kCdTable = 0x4005'0000;  // one CD (no SubstreamIDs)
  static constexpr std::uint64_t kPgd = 0x4006'0000;      // the domain's stage 1 page table
};

/// The driver. Its CMD_SYNCs use SIG_SEV, as in the capture (QEMU's SMMU has no MSI); on this
/// vSMMU, which shows SMMU_IDR0.MSI and COHACC, Linux would poll MSIs instead
/// (ARM_SMMU_OPT_MSIPOLL), which the last step does, so the example shows both completions.
class GuestLinux {
 public:
  static constexpr unsigned kStrtabSplit = 8;          // STRTAB_SPLIT
  static constexpr std::uint16_t kAsid = 1;            // the first ASID Linux allocates
  static constexpr std::uint64_t kIova = 0xffff8000;   // an IOVA the DMA layer unmaps (cmdq.txt)

  GuestLinux(Smmu& smmu, ToyHost& host) : smmu_(smmu), host_(host) {}

  /// arm_smmu_device_hw_probe(): what this SMMU can do.
  void hw_probe() {
    using namespace smmuv3::reg;
    step("arm_smmu_device_hw_probe(): read the ID registers");
    idr0_ = read_reg(offset::kIdr0, decode_idr0);
    idr1_ = read_reg(offset::kIdr1, decode_idr1);
    read_reg(offset::kIdr3, decode_idr3);
    idr5_ = read_reg(offset::kIdr5, decode_idr5);
    read_reg(offset::kIidr, decode_iidr);
    // Queue sizes: min(the driver's maximum, SMMU_IDR1.CMDQS / EVENTQS); both maxima are larger.
    cmdq_shift_ = idr1_.cmdqs;
    evtq_shift_ = idr1_.eventqs;
    const bool two_level = idr0_.st_level == StLevel::two_level && idr1_.sidsize > kStrtabSplit;
    say("guest", std::string("=> stage 1") + (idr0_.s2p ? "+2" : " only") + ", " +
                     (two_level ? "2-level" : "linear") + " Stream table, " + std::to_string(idr1_.sidsize) +
                     "-bit StreamIDs, queues of 2^" + std::to_string(cmdq_shift_) + " commands and 2^" +
                     std::to_string(evtq_shift_) + " events");
    if (!two_level || idr1_.sidsize != 16) host_.problem("the example expects a 2-level table of 16-bit StreamIDs");
  }

  /// arm_smmu_init_queues() and arm_smmu_init_strtab_2lvl(): memory for the queues and the
  /// Level 1 Stream table (all descriptors invalid, Span 0).
  void init_structures() {
    step("arm_smmu_init_queues(), arm_smmu_init_strtab_2lvl(): allocate in guest RAM");
    l1_entries_ = 1u << (idr1_.sidsize - kStrtabSplit);
    for (std::uint32_t i = 0; i < l1_entries_; ++i) host_.guest_write64(GuestLayout::kStrtabL1 + 8 * i, 0);
    say("guest", "Command queue " + hex(GuestLayout::kCmdq) + ", Event queue " + hex(GuestLayout::kEventq) +
                     ", L1 Stream table " + hex(GuestLayout::kStrtabL1) + " (" + std::to_string(l1_entries_) +
                     " L1STDs, Span 0)");
  }

  /// arm_smmu_device_reset(): disable, program the tables and queues, invalidate, enable.
  void device_reset() {
    using namespace smmuv3::reg;
    step("arm_smmu_device_reset(): disable, program tables and queues, invalidate, enable");
    read_reg(offset::kCr0, decode_cr0);
    Cr0 cr0{};
    write_reg_sync(offset::kCr0, offset::kCr0Ack, cr0);  // arm_smmu_device_disable()

    write_reg(offset::kCr1, linux61::cr1());
    write_reg(offset::kCr2, linux61::cr2(idr0_.hyp));

    StrtabBase base{};
    base.ra = true;
    base.addr = GuestLayout::kStrtabL1;
    write_reg(offset::kStrtabBase, base);
    write_reg(offset::kStrtabBaseCfg, linux61::strtab_base_cfg(idr1_.sidsize));

    CmdqBase cmdq{};
    cmdq.ra = true;
    cmdq.addr = GuestLayout::kCmdq;
    cmdq.log2size = static_cast<std::uint8_t>(cmdq_shift_);
    write_reg(offset::kCmdqBase, cmdq);
    write_reg(offset::kCmdqProd, CmdqProd{}, offset::kCmdqCons, CmdqCons{});
    cr0.cmdqen = true;
    write_reg_sync(offset::kCr0, offset::kCr0Ack, cr0);

    issue({smmuv3::encode(smmuv3::CmdCfgiAll{}).words, sync_sev()});
    if (idr0_.hyp) issue({smmuv3::encode(smmuv3::CmdTlbiEl2All{}).words, sync_sev()});
    else say("guest", "(no SMMU_IDR0.Hyp: no CMD_TLBI_EL2_ALL)");
    issue({smmuv3::encode(smmuv3::CmdTlbiNsnhAll{}).words, sync_sev()});

    EventqBase evtq{};
    evtq.wa = true;
    evtq.addr = GuestLayout::kEventq;
    evtq.log2size = static_cast<std::uint8_t>(evtq_shift_);
    write_reg(offset::kEventqBase, evtq);
    write_reg(offset::kEventqProd, EventqProd{}, offset::kEventqCons, EventqCons{});
    cr0.eventqen = true;
    write_reg_sync(offset::kCr0, offset::kCr0Ack, cr0);

    // arm_smmu_setup_irqs(): interrupts off, no MSI doorbells (QEMU's virt machine gives the
    // SMMU no msi-parent: "falling back to wired irqs"), then EVTQ_IRQEN | GERROR_IRQEN.
    write_reg_sync(offset::kIrqCtrl, offset::kIrqCtrlAck, IrqCtrl{});
    write_reg(offset::kGerrorIrqCfg0, IrqCfg0{}, offset::kEventqIrqCfg0, IrqCfg0{});
    write_reg_sync(offset::kIrqCtrl, offset::kIrqCtrlAck, linux61::irq_ctrl());

    cr0.smmuen = true;
    write_reg_sync(offset::kCr0, offset::kCr0Ack, cr0);
  }

  /// arm_smmu_probe_device() -> arm_smmu_init_l2_strtab(): the Level 2 table that holds `sid`,
  /// every STE aborting (disable_bypass), then the L1STD pointing at it. No command: Linux 6.1
  /// issues none here.
  void probe_device(std::uint32_t sid) {
    step("arm_smmu_probe_device(vSID " + hex(sid) + "): arm_smmu_init_l2_strtab()");
    const smmuv3::Ste abort = linux61::abort_ste();
    const std::uint32_t l2_ste_count = 1u << kStrtabSplit;
    for (std::uint32_t i = 0; i < l2_ste_count; ++i)
      host_.guest_write(GuestLayout::kStrtabL2 + smmuv3::kSteBytes * i, smmuv3::encode(abort).words);
    smmuv3::L1StreamTableDescriptor l1{};
    l1.span = kStrtabSplit + 1;
    l1.l2_ptr = GuestLayout::kStrtabL2;
    host_.guest_write64(GuestLayout::kStrtabL1 + 8 * (sid >> kStrtabSplit), smmuv3::encode(l1).words[0]);
    say("guest", std::to_string(l2_ste_count) + " STEs at " + hex(GuestLayout::kStrtabL2) + " (" +
                     guest_ste_text(smmuv3::encode(abort).words) + "), L1STD[" + std::to_string(sid >> kStrtabSplit) +
                     "] = " + fields_text(l1));
    say("vsmmu", "(no command, no trap: the vSMMU reads the new L1STD at the next CMD_CFGI_STE)");
  }

  /// arm_smmu_attach_dev(): the domain's CD, then the device's STE.
  void attach_device(std::uint32_t sid) {
    step("arm_smmu_attach_dev(vSID " + hex(sid) + "): arm_smmu_domain_finalise_s1() -> arm_smmu_write_ctx_desc()");
    // The guest's SMMU_IDR5.OAS encodings are CD.IPS's (§5.4: 0b000 32 bits ... 0b110 52 bits).
    const smmuv3::Cd cd = linux61::s1_cd(kAsid, GuestLayout::kPgd, static_cast<smmuv3::CdIps>(idr5_.oas));
    const smmuv3::Words<8> cdw = smmuv3::encode(cd).words;
    for (std::size_t i = 1; i < 8; ++i) host_.guest_write64(GuestLayout::kCdTable + 8 * i, cdw[i]);
    say("guest", "CD 0 @" + hex(GuestLayout::kCdTable) + ": " + fields_text(cd));
    say("guest", "words 1-3 first; no device in the domain yet, so arm_smmu_sync_cd() is a bare CMD_SYNC:");
    issue({sync_sev()});
    host_.guest_write64(GuestLayout::kCdTable, cdw[0]);
    say("guest", "word 0 (V=1), then again:");
    issue({sync_sev()});

    step("arm_smmu_install_ste_for_dev() -> arm_smmu_write_strtab_ent(vSID " + hex(sid) + ")");
    const smmuv3::Ste ste = linux61::s1_ste(GuestLayout::kCdTable);
    const smmuv3::Words<8> stew = smmuv3::encode(ste).words;
    const std::uint64_t at = GuestLayout::kStrtabL2 + smmuv3::kSteBytes * (sid & ((1u << kStrtabSplit) - 1));
    for (std::size_t i = 1; i < 8; ++i) host_.guest_write64(at + 8 * i, stew[i]);
    smmuv3::CmdCfgiSte cfgi{};
    cfgi.stream_id = sid;
    cfgi.leaf = true;
    say("guest", "STE words 1-7 (S1DSS, S1CIR/COR/CSH) while word 0 still aborts; arm_smmu_sync_ste_for_sid():");
    issue({smmuv3::encode(cfgi).words, sync_sev()});
    host_.guest_write64(at, stew[0]);
    say("guest", "STE word 0: " + guest_ste_text(stew) + "; again:");
    issue({smmuv3::encode(cfgi).words, sync_sev()});
    smmuv3::CmdPrefetchConfig prefetch{};  // "It's likely that we'll want to use the new STE soon"
    prefetch.stream_id = sid;
    issue({smmuv3::encode(prefetch).words});
  }

  /// iommu_flush_iotlb_all() -> arm_smmu_tlb_inv_context(): the whole ASID.
  void flush_asid() {
    step("arm_smmu_tlb_inv_context(): invalidate the domain's ASID");
    smmuv3::CmdTlbiNhAsid tlbi{};
    tlbi.asid = kAsid;
    issue({smmuv3::encode(tlbi).words, sync_sev()});
  }

  /// arm_smmu_tlb_inv_range_domain(): one 4 KiB page, with the range operands SMMU_IDR3.RIL
  /// allows (TG = 4 KiB, TTL = level 3, NUM = SCALE = 0: one page), as in cmdq.txt.
  void unmap_page() {
    step("arm_smmu_tlb_inv_range_domain(): a DMA unmap invalidates one page");
    smmuv3::CmdTlbiNhVa tlbi{};
    tlbi.asid = kAsid;
    tlbi.leaf = true;
    tlbi.ttl = 3;
    tlbi.tg = smmuv3::TlbiTg::granule_4kb;
    tlbi.address = kIova;
    issue({smmuv3::encode(tlbi).words, sync_sev()});
  }

  /// Not in the 6.1 capture: what Linux sends when it rewrites the CD of an attached device
  /// (arm_smmu_sync_cd() with the device in the domain), completed the way Linux completes
  /// every CMD_SYNC on an SMMU with SMMU_IDR0.MSI that is coherent (ARM_SMMU_OPT_MSIPOLL):
  /// CS = SIG_IRQ with an MSI of 0 to the CMD_SYNC's own queue slot, which the driver polls.
  void cd_update_with_msi_sync(std::uint32_t sid) {
    step("CD update on a live stream: CMD_CFGI_CD + CMD_SYNC completed by MSI (ARM_SMMU_OPT_MSIPOLL)");
    smmuv3::CmdCfgiCd cfgi{};
    cfgi.stream_id = sid;
    cfgi.leaf = true;
    const smmuv3::CmdSync sync = linux61::cmd_sync_msi(slot_address(prod_ + 1));  // its own slot
    issue({smmuv3::encode(cfgi).words, smmuv3::encode(sync).words});
  }

  /// A hostile guest: a stage 2 TLBI of VMID 1, which a stage-1-only SMMU does not implement.
  /// Linux's error path follows: gerror interrupt -> arm_smmu_gerror_handler() ->
  /// arm_smmu_cmdq_skip_err() replaces the command with a CMD_SYNC -> GERRORN ack -> resume.
  void hostile_command() {
    step("--hostile: CMD_TLBI_S12_VMALL, then Linux's error path (CERROR_ILL, GERROR, GERRORN ack, resume)");
    smmuv3::CmdTlbiS12Vmall bad{};
    bad.vmid = 1;
    smmuv3::CmdTlbiNhAsid tlbi{};
    tlbi.asid = kAsid;
    host_.refusals_allowed = 1;
    issue({smmuv3::encode(bad).words, smmuv3::encode(tlbi).words, sync_sev()});
  }

  unsigned syncs_issued() const { return syncs_issued_; }
  unsigned syncs_completed() const { return syncs_completed_; }
  unsigned syncs_by_msi() const { return syncs_by_msi_; }
  unsigned gerrors_handled() const { return gerrors_handled_; }

 private:
  static smmuv3::Words<2> sync_sev() { return smmuv3::encode(linux61::cmd_sync_sev()).words; }

  static std::string reg_name(std::uint32_t offset) {
    const smmuv3::reg::RegisterLookup at = smmuv3::reg::find_register(offset);
    return at.info != nullptr ? at.info->name : hex(offset);
  }

  template <class R>
  R read_reg(std::uint32_t offset, R (*decode)(const smmuv3::Words<1>&)) {
    const std::uint64_t v = smmu_.read(offset, 4);
    const R r = decode(smmuv3::Words<1>{{v}});
    const std::string f = fields_text(r);
    say("guest", "read  " + reg_name(offset) + " = " + hex32(v) + (f.empty() ? "" : " (" + f + ")"));
    return r;
  }

  /// writel / writeq of a register built from its record; reports what the register holds if
  /// the vSMMU kept less than was written (a bit the guest's SMMU does not implement).
  template <class R>
  void write_reg(std::uint32_t offset, const R& r) {
    const smmuv3::Encoded<1> e = smmuv3::reg::encode(r);
    if (!e.ok()) host_.problem(std::string("cannot encode ") + e.bad_field);
    const unsigned bytes = smmuv3::reg::find_register(offset).info->width / 8;
    const std::string f = fields_text(r);
    say("guest", "write " + reg_name(offset) + " = " + (bytes == 8 ? hex(e.words[0]) : hex32(e.words[0])) +
                     (f.empty() ? "" : " (" + f + ")"));
    expect_idle(smmu_.write(offset, e.words[0], bytes));
    const std::uint64_t held = smmu_.read(offset, bytes);
    if (held != e.words[0] && offset != smmuv3::reg::offset::kCmdqCons)
      say("vsmmu", "  " + reg_name(offset) + " holds " + hex32(held) + ": the rest is RES0 for this guest" +
                       (offset == smmuv3::reg::offset::kCr2 ? " (PTM needs SMMU_IDR0.BTM)" : ""));
  }

  /// Two registers Linux writes back to back (a queue's PROD and CONS, two IRQ_CFG0s), on one line.
  template <class R1, class R2>
  void write_reg(std::uint32_t offset1, const R1& r1, std::uint32_t offset2, const R2& r2) {
    const std::uint64_t v1 = smmuv3::reg::encode(r1).words[0];
    const std::uint64_t v2 = smmuv3::reg::encode(r2).words[0];
    const unsigned bytes = smmuv3::reg::find_register(offset1).info->width / 8;
    const auto text = [bytes](std::uint64_t v) { return bytes == 8 ? hex(v) : hex32(v); };
    say("guest", "write " + reg_name(offset1) + " = " + text(v1) + ", " + reg_name(offset2) + " = " + text(v2));
    expect_idle(smmu_.write(offset1, v1, bytes));
    expect_idle(smmu_.write(offset2, v2, bytes));
  }

  /// arm_smmu_write_reg_sync(): write, then poll the ACK register until it matches.
  template <class R>
  void write_reg_sync(std::uint32_t offset, std::uint32_t ack_offset, const R& r) {
    const std::uint64_t v = smmuv3::reg::encode(r).words[0];
    const std::string f = fields_text(r);
    expect_idle(smmu_.write(offset, v, 4));
    const std::uint64_t ack = smmu_.read(ack_offset, 4);
    say("guest", "write " + reg_name(offset) + " = " + hex32(v) + (f.empty() ? "" : " (" + f + ")") + ", " +
                     reg_name(ack_offset) + " = " + hex32(ack));
    if (ack != v) host_.problem(reg_name(ack_offset) + " did not follow");
  }

  void expect_idle(vsmmu::DeviceStatus s) {
    if (s != vsmmu::DeviceStatus::idle) host_.problem("the device did not finish a write (status " +
                                                      std::to_string(static_cast<int>(s)) + ")");
  }

  std::uint64_t slot_address(std::uint32_t index) const {
    return GuestLayout::kCmdq + smmuv3::kCmdqEntryBytes * (index & ((1u << cmdq_shift_) - 1));
  }

  /// arm_smmu_cmdq_issue_cmdlist(): copy the commands into the queue, move PROD, and when the
  /// last one is a CMD_SYNC wait for it (SEV: until CMDQ_CONS passes it; MSI: until the MSI
  /// has zeroed the CMD_SYNC's first word).
  void issue(std::initializer_list<smmuv3::Words<2>> cmds) {
    const std::uint32_t first = prod_;
    std::string text;
    for (const smmuv3::Words<2>& c : cmds) {
      if (prod_ + 1 >= (1u << cmdq_shift_)) host_.problem("the example would wrap the Command queue");
      host_.guest_write(slot_address(prod_), c);
      queued_.push_back(c);
      text += (text.empty() ? "" : " ; ") + command_text(c);
      ++prod_;
    }
    say("guest", text + "; CMDQ_PROD = " + hex(prod_));
    const unsigned sevs_before = host_.sevs;
    expect_idle(smmu_.write(smmuv3::reg::offset::kCmdqProd, prod_, 4));
    while (host_.gerror_irqs > gerrors_handled_) gerror_handler();

    // The queue may have changed under the error path (a command replaced by CMD_SYNC).
    unsigned sev_syncs = 0;
    std::vector<smmuv3::Words<2>> msi_syncs;
    for (std::uint32_t i = first; i < prod_; ++i) {
      const smmuv3::Words<2>& c = queued_[i];
      if (smmuv3::command_opcode(c) != smmuv3::Opcode::sync) continue;
      ++syncs_issued_;
      if (smmuv3::cmd::SyncCs::get(c) == static_cast<std::uint64_t>(smmuv3::SyncCs::sig_sev)) ++sev_syncs;
      else msi_syncs.push_back(c);
    }
    if (sev_syncs == 0 && msi_syncs.empty()) return;  // no CMD_SYNC: Linux does not wait

    const std::uint64_t cons = smmu_.read(smmuv3::reg::offset::kCmdqCons, 4);
    std::string how;
    if (host_.sevs - sevs_before == sev_syncs) {
      syncs_completed_ += sev_syncs;
      if (sev_syncs != 0) how = "woken by SEV" + (sev_syncs > 1 ? " x" + std::to_string(sev_syncs) : std::string());
    } else {
      host_.problem("a CMD_SYNC with CS=SIG_SEV completed without SEV");
    }
    for (const smmuv3::Words<2>& s : msi_syncs) {
      const std::uint64_t addr = smmuv3::cmd::SyncMsiAddress::get(s);
      const std::uint64_t word = host_.guest_read64(addr) & 0xFFFF'FFFF;
      if (word == smmuv3::cmd::SyncMsiData::get(s)) {
        ++syncs_completed_;
        ++syncs_by_msi_;
        how += (how.empty() ? "" : ", ") + std::string("MSI seen: the CMD_SYNC's first word now ") + hex32(word);
      } else {
        host_.problem("the CMD_SYNC MSI did not land");
      }
    }
    // CMDQ_CONS.ERR is UNKNOWN once CMDQ_ERR is acknowledged (§6.3.28): only RD (and its wrap
    // bit) says how far the queue was consumed, as in Linux's queue_consumed().
    const bool consumed = (cons & smmuv3::kQueuePointerField) == prod_;
    const bool stale_err = smmuv3::CmdqConsErr::get(cons) != 0;
    say("guest", how + "; CMDQ_CONS = " + hex32(cons) + (consumed ? ", RD = PROD: done" : ": NOT CONSUMED") +
                     (stale_err ? " (ERR is UNKNOWN once acknowledged, §6.3.28)" : ""));
    if (!consumed) host_.problem("the Command queue did not drain");
  }

  /// arm_smmu_gerror_handler(): an error is active while GERROR[x] != GERRORN[x].
  void gerror_handler() {
    using namespace smmuv3::reg;
    ++gerrors_handled_;
    const Gerror gerror = read_reg(offset::kGerror, decode_gerror);
    const Gerror gerrorn = read_reg(offset::kGerrorn, decode_gerror);
    const std::uint64_t active = encode(gerror).words[0] ^ encode(gerrorn).words[0];
    say("guest", "\"unexpected global error reported (" + hex32(active) + "), this could be serious\"");
    if ((active & gerror::CmdqErr::mask) != 0) cmdq_skip_err();
    say("guest", "acknowledge: GERRORN = GERROR; the vSMMU resumes at CMDQ_CONS:");
    write_reg(offset::kGerrorn, gerror);
  }

  /// arm_smmu_cmdq_skip_err(): report the error, and for CERROR_ILL overwrite the command in
  /// error with a CMD_SYNC so that the queue can go on.
  void cmdq_skip_err() {
    using namespace smmuv3::reg;
    const CmdqCons cons = read_reg(offset::kCmdqCons, decode_cmdq_cons);
    const std::uint64_t raw = smmu_.read(offset::kCmdqCons, 4);
    static const char* const kCerrorStr[] = {"No error", "Illegal command", "Abort on command fetch",
                                             "ATC invalidate timeout"};
    const std::uint64_t idx = smmuv3::CmdqConsErr::get(raw);
    say("guest", "\"CMDQ error (cons " + hex32(raw) + "): " + (idx < 4 ? kCerrorStr[idx] : "Unknown") + "\"");
    if (smmuv3::cmdq_error_of(static_cast<std::uint32_t>(raw)) != smmuv3::CmdqError::cerror_ill) return;
    const std::uint32_t at = cons.rd & ((1u << cmdq_shift_) - 1);
    const std::uint64_t addr = slot_address(at);
    const smmuv3::Words<2> bad{{host_.guest_read64(addr), host_.guest_read64(addr + 8)}};
    say("guest", "\"skipping command in error state\": " + command_text(bad) + ", rewritten as CMD_SYNC");
    host_.guest_write(addr, sync_sev());
    queued_.at(at) = sync_sev();
  }

  Smmu& smmu_;
  ToyHost& host_;
  smmuv3::reg::Idr0 idr0_{};
  smmuv3::reg::Idr1 idr1_{};
  smmuv3::reg::Idr5 idr5_{};
  unsigned cmdq_shift_ = 0, evtq_shift_ = 0;
  std::uint32_t l1_entries_ = 0;
  std::uint32_t prod_ = 0;                 // CMDQ_PROD (this example never wraps the queue)
  std::vector<smmuv3::Words<2>> queued_;   // what the guest put in each slot
  unsigned syncs_issued_ = 0, syncs_completed_ = 0, syncs_by_msi_ = 0, gerrors_handled_ = 0;
};

// The builders against what Linux 6.1 wrote under QEMU (tests/data/linux-6.1.192-2/).
static_assert(smmuv3::encode(linux61::cmd_sync_sev()).words[0] == 0x0fc02046, "cmdq.txt: CMD_SYNC");
static_assert(smmuv3::reg::encode(linux61::cr1()).words[0] == 0xd75, "mmio.tsv: SMMU_CR1");
static_assert(smmuv3::reg::encode(linux61::cr2(false)).words[0] == 0x6, "mmio.tsv: SMMU_CR2");
static_assert(smmuv3::reg::encode(linux61::strtab_base_cfg(16)).words[0] == 0x10210, "mmio.tsv: STRTAB_BASE_CFG");
static_assert(smmuv3::reg::encode(linux61::irq_ctrl()).words[0] == 0x5, "mmio.tsv: SMMU_IRQ_CTRL");
static_assert(smmuv3::encode(linux61::abort_ste()).words ==
                  smmuv3::Words<8>{{0x1, 0x0000100000000000, 0, 0, 0, 0, 0, 0}},
              "snap-boot/ste.txt: an unused StreamID's STE");
static_assert(smmuv3::encode(linux61::s1_ste(0x43229000)).words ==
                  smmuv3::Words<8>{{0x000000004322900b, 0xd6, 0, 0, 0, 0, 0, 0}},
              "snap-dma/ste.txt: the STE of virtio-blk (StreamID 0x8)");
static_assert(smmuv3::encode(linux61::s1_cd(1, 0x4323c000, smmuv3::CdIps::bits_44)).words ==
                  smmuv3::Words<8>{{0x0001e204c0003510, 0x4323c000, 0, 0xfffffffff404ff44, 0, 0, 0, 0}},
              "snap-dma/cd.txt: the CD of its DMA domain (QEMU's 44-bit OAS)");

}  // namespace probe
