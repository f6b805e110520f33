// SPDX-License-Identifier: MIT
// The SMMUv3 register map of Pages 0 and 1 (IHI 0070 G.b §6.1 "Memory map", §6.2 "Register
// overview"): where each register is, how wide it is and whether it is read-only, so that a
// register file can answer "what is at offset 0x1C?" (SMMU_AIDR).
//
// Offsets are from the SMMU base: Page 0 is 0x00000-0x0FFFF, Page 1 is 0x10000-0x1FFFF. Page 1
// holds only SMMU_EVENTQ_PROD/CONS and SMMU_PRIQ_PROD/CONS (§6.2.2); their Page 0 offsets
// (0xA8, 0xAC, 0xC8, 0xCC) are "optional alias, otherwise RAZ/WI" and appear in the map as
// aliases. The map also lists the Secure registers at 0x8000-0xDFFF (§6.2.1), flagged
// `secure`: they are RAZ/WI to Non-secure accesses when SMMU_S_IDR1.SECURE_IMPL == 1 and RES0
// otherwise (§6.2). OPTIONAL pages beyond 0x20000 (VATOS, Command queue control pages, Realm
// pages, IMPLEMENTATION DEFINED pages) are located through ID registers and are not in the
// map; the VATOS page's own offsets are given in `offset::vatos`.
//
// Access is the summary of §6.2 ("RO" / "RW"). No register of Pages 0/1 is write-only. The
// finer rules (a Guarded register is RO while its enable is set, SMMU_GBPA is RO while Update
// is 1, ...) are behaviour that the register file implements.
//
// (Older QEMU smmuv3-internal.h labelled offset 0x1C "IIDR"; the spec, Linux, current QEMU
// and this map have SMMU_IIDR at 0x18 and SMMU_AIDR at 0x1C.)
#pragma once

#include <cstddef>
#include <cstdint>

namespace smmuv3::reg {

inline constexpr std::uint32_t kPageSize = 0x10000;
inline constexpr std::uint32_t kPage0 = 0x00000;
inline constexpr std::uint32_t kPage1 = 0x10000;
/// OPTIONAL pages start here; page BA is at kOptionalPagesBase + BA * 64KB (§6.1, e.g.
/// SMMU_IDR2.BA_VATOS).
inline constexpr std::uint32_t kOptionalPagesBase = 0x20000;

/// Offset from the SMMU base of the OPTIONAL page whose base-address field holds `ba` (§6.1,
/// §6.3.3: "Page_Address = SMMU_BASE + 0x20000 + (BA * 0x10000)").
constexpr std::uint64_t optional_page_offset(std::uint64_t ba) noexcept {
  // BA fields are at most 10 bits wide; the mask keeps a hostile value from wrapping.
  return kOptionalPagesBase + (ba & 0x3FF) * std::uint64_t{kPageSize};
}

/// Access summary from §6.2.
enum class Access : std::uint8_t { ro, rw };

/// Every register of Pages 0/1, in offset order. A Page 1 register and its Page 0 alias share
/// one id.
enum class RegId : std::uint8_t {
  idr0,
  idr1,
  idr2,
  idr3,
  idr4,
  idr5,
  iidr,
  aidr,
  cr0,
  cr0ack,
  cr1,
  cr2,
  s2pii,
  statusr,
  gbpa,
  agbpa,
  irq_ctrl,
  irq_ctrlack,
  gerror,
  gerrorn,
  gerror_irq_cfg0,
  gerror_irq_cfg1,
  gerror_irq_cfg2,
  strtab_base,
  strtab_base_cfg,
  cmdq_base,
  cmdq_prod,
  cmdq_cons,
  eventq_base,
  eventq_irq_cfg0,
  eventq_irq_cfg1,
  eventq_irq_cfg2,
  priq_base,
  priq_irq_cfg0,
  priq_irq_cfg1,
  priq_irq_cfg2,
  gatos_ctrl,
  gatos_sid,
  gatos_addr,
  gatos_par,
  mpamidr,
  gmpam,
  gbpmpam,
  vatos_sel,
  idr6,
  dpt_base,
  dpt_base_cfg,
  dpt_cfg_far,
  pidr4,
  pidr5,
  pidr6,
  pidr7,
  pidr0,
  pidr1,
  pidr2,
  pidr3,
  cidr0,
  cidr1,
  cidr2,
  cidr3,
  cmdq_control_page_base,
  cmdq_control_page_cfg,
  cmdq_control_page_status,
  s_idr0,
  s_idr1,
  s_idr2,
  s_idr3,
  s_idr4,
  s_cr0,
  s_cr0ack,
  s_cr1,
  s_cr2,
  s_s2pii,
  s_init,
  s_gbpa,
  s_agbpa,
  s_irq_ctrl,
  s_irq_ctrlack,
  s_gerror,
  s_gerrorn,
  s_gerror_irq_cfg0,
  s_gerror_irq_cfg1,
  s_gerror_irq_cfg2,
  s_strtab_base,
  s_strtab_base_cfg,
  s_cmdq_base,
  s_cmdq_prod,
  s_cmdq_cons,
  s_eventq_base,
  s_eventq_prod,
  s_eventq_cons,
  s_eventq_irq_cfg0,
  s_eventq_irq_cfg1,
  s_eventq_irq_cfg2,
  s_gatos_ctrl,
  s_gatos_sid,
  s_gatos_addr,
  s_gatos_par,
  s_mpamidr,
  s_gmpam,
  s_gbpmpam,
  s_vatos_sel,
  s_idr6,
  s_cmdq_control_page_base,
  s_cmdq_control_page_cfg,
  s_cmdq_control_page_status,
  eventq_prod,
  eventq_cons,
  priq_prod,
  priq_cons,
};

/// One register of Pages 0/1 (or one family SMMU_X<n>, n = 0..count-1, spaced 32 bytes apart).
struct RegisterInfo {
  RegId id;
  const char* name;      // as the spec spells it, without <n>
  std::uint32_t offset;  // from the SMMU base; of element 0 for a family
  std::uint8_t width;    // 32 or 64 (bits)
  Access access;
  const char* section;   // IHI 0070 G.b section describing the register
  std::uint16_t count;   // 1, or 256 for the Command queue control page families
  bool secure;           // an SMMU_S_* register
  bool page0_alias;      // the optional Page 0 alias of a Page 1 register (else RAZ/WI)
};

/// Distance between the elements of a register family (§6.2.1: "0x4000 + 32*n").
inline constexpr std::uint32_t kFamilyStride = 32;

/// Register offsets from the SMMU base, by name (and n for families).
namespace offset {
inline constexpr std::uint32_t kIdr0 = 0x0000;
inline constexpr std::uint32_t kIdr1 = 0x0004;
inline constexpr std::uint32_t kIdr2 = 0x0008;
inline constexpr std::uint32_t kIdr3 = 0x000C;
inline constexpr std::uint32_t kIdr4 = 0x0010;
inline constexpr std::uint32_t kIdr5 = 0x0014;
inline constexpr std::uint32_t kIidr = 0x0018;
inline constexpr std::uint32_t kAidr = 0x001C;
inline constexpr std::uint32_t kCr0 = 0x0020;
inline constexpr std::uint32_t kCr0Ack = 0x0024;
inline constexpr std::uint32_t kCr1 = 0x0028;
inline constexpr std::uint32_t kCr2 = 0x002C;
inline constexpr std::uint32_t kS2pii = 0x0030;
inline constexpr std::uint32_t kStatusr = 0x0040;
inline constexpr std::uint32_t kGbpa = 0x0044;
inline constexpr std::uint32_t kAgbpa = 0x0048;
inline constexpr std::uint32_t kIrqCtrl = 0x0050;
inline constexpr std::uint32_t kIrqCtrlAck = 0x0054;
inline constexpr std::uint32_t kGerror = 0x0060;
inline constexpr std::uint32_t kGerrorn = 0x0064;
inline constexpr std::uint32_t kGerrorIrqCfg0 = 0x0068;
inline constexpr std::uint32_t kGerrorIrqCfg1 = 0x0070;
inline constexpr std::uint32_t kGerrorIrqCfg2 = 0x0074;
inline constexpr std::uint32_t kStrtabBase = 0x0080;
inline constexpr std::uint32_t kStrtabBaseCfg = 0x0088;
inline constexpr std::uint32_t kCmdqBase = 0x0090;
inline constexpr std::uint32_t kCmdqProd = 0x0098;
inline constexpr std::uint32_t kCmdqCons = 0x009C;
inline constexpr std::uint32_t kEventqBase = 0x00A0;
// Optional Page 0 aliases of Page 1 registers, otherwise RAZ/WI (§6.2.1).
inline constexpr std::uint32_t kEventqProdPage0Alias = 0x00A8;
inline constexpr std::uint32_t kEventqConsPage0Alias = 0x00AC;
inline constexpr std::uint32_t kEventqIrqCfg0 = 0x00B0;
inline constexpr std::uint32_t kEventqIrqCfg1 = 0x00B8;
inline constexpr std::uint32_t kEventqIrqCfg2 = 0x00BC;
inline constexpr std::uint32_t kPriqBase = 0x00C0;
// Optional Page 0 aliases of Page 1 registers, otherwise RAZ/WI (§6.2.1).
inline constexpr std::uint32_t kPriqProdPage0Alias = 0x00C8;
inline constexpr std::uint32_t kPriqConsPage0Alias = 0x00CC;
inline constexpr std::uint32_t kPriqIrqCfg0 = 0x00D0;
inline constexpr std::uint32_t kPriqIrqCfg1 = 0x00D8;
inline constexpr std::uint32_t kPriqIrqCfg2 = 0x00DC;
inline constexpr std::uint32_t kGatosCtrl = 0x0100;
inline constexpr std::uint32_t kGatosSid = 0x0108;
inline constexpr std::uint32_t kGatosAddr = 0x0110;
inline constexpr std::uint32_t kGatosPar = 0x0118;
inline constexpr std::uint32_t kMpamidr = 0x0130;
inline constexpr std::uint32_t kGmpam = 0x0138;
inline constexpr std::uint32_t kGbpmpam = 0x013C;
inline constexpr std::uint32_t kVatosSel = 0x0180;
inline constexpr std::uint32_t kIdr6 = 0x0190;
inline constexpr std::uint32_t kDptBase = 0x0200;
inline constexpr std::uint32_t kDptBaseCfg = 0x0208;
inline constexpr std::uint32_t kDptCfgFar = 0x0210;
// ID_REGS (§6.3.170): CoreSight-style identification, IMPLEMENTATION DEFINED contents.
inline constexpr std::uint32_t kPidr4 = 0x0FD0;
inline constexpr std::uint32_t kPidr5 = 0x0FD4;
inline constexpr std::uint32_t kPidr6 = 0x0FD8;
inline constexpr std::uint32_t kPidr7 = 0x0FDC;
inline constexpr std::uint32_t kPidr0 = 0x0FE0;
inline constexpr std::uint32_t kPidr1 = 0x0FE4;
inline constexpr std::uint32_t kPidr2 = 0x0FE8;
inline constexpr std::uint32_t kPidr3 = 0x0FEC;
inline constexpr std::uint32_t kCidr0 = 0x0FF0;
inline constexpr std::uint32_t kCidr1 = 0x0FF4;
inline constexpr std::uint32_t kCidr2 = 0x0FF8;
inline constexpr std::uint32_t kCidr3 = 0x0FFC;
// Command queue control page families, n = 0..255 (§6.2.1).
constexpr std::uint32_t cmdq_control_page_base(std::uint8_t n) noexcept { return 0x4000 + kFamilyStride * n; }
constexpr std::uint32_t cmdq_control_page_cfg(std::uint8_t n) noexcept { return 0x4008 + kFamilyStride * n; }
constexpr std::uint32_t cmdq_control_page_status(std::uint8_t n) noexcept { return 0x400C + kFamilyStride * n; }
// Secure registers (§6.2.1).
inline constexpr std::uint32_t kSIdr0 = 0x8000;
inline constexpr std::uint32_t kSIdr1 = 0x8004;
inline constexpr std::uint32_t kSIdr2 = 0x8008;
inline constexpr std::uint32_t kSIdr3 = 0x800C;
inline constexpr std::uint32_t kSIdr4 = 0x8010;
inline constexpr std::uint32_t kSCr0 = 0x8020;
inline constexpr std::uint32_t kSCr0Ack = 0x8024;
inline constexpr std::uint32_t kSCr1 = 0x8028;
inline constexpr std::uint32_t kSCr2 = 0x802C;
inline constexpr std::uint32_t kSS2pii = 0x8030;
inline constexpr std::uint32_t kSInit = 0x803C;
inline constexpr std::uint32_t kSGbpa = 0x8044;
inline constexpr std::uint32_t kSAgbpa = 0x8048;
inline constexpr std::uint32_t kSIrqCtrl = 0x8050;
inline constexpr std::uint32_t kSIrqCtrlAck = 0x8054;
inline constexpr std::uint32_t kSGerror = 0x8060;
inline constexpr std::uint32_t kSGerrorn = 0x8064;
inline constexpr std::uint32_t kSGerrorIrqCfg0 = 0x8068;
inline constexpr std::uint32_t kSGerrorIrqCfg1 = 0x8070;
inline constexpr std::uint32_t kSGerrorIrqCfg2 = 0x8074;
inline constexpr std::uint32_t kSStrtabBase = 0x8080;
inline constexpr std::uint32_t kSStrtabBaseCfg = 0x8088;
inline constexpr std::uint32_t kSCmdqBase = 0x8090;
inline constexpr std::uint32_t kSCmdqProd = 0x8098;
inline constexpr std::uint32_t kSCmdqCons = 0x809C;
inline constexpr std::uint32_t kSEventqBase = 0x80A0;
inline constexpr std::uint32_t kSEventqProd = 0x80A8;
inline constexpr std::uint32_t kSEventqCons = 0x80AC;
inline constexpr std::uint32_t kSEventqIrqCfg0 = 0x80B0;
inline constexpr std::uint32_t kSEventqIrqCfg1 = 0x80B8;
inline constexpr std::uint32_t kSEventqIrqCfg2 = 0x80BC;
inline constexpr std::uint32_t kSGatosCtrl = 0x8100;
inline constexpr std::uint32_t kSGatosSid = 0x8108;
inline constexpr std::uint32_t kSGatosAddr = 0x8110;
inline constexpr std::uint32_t kSGatosPar = 0x8118;
inline constexpr std::uint32_t kSMpamidr = 0x8130;
inline constexpr std::uint32_t kSGmpam = 0x8138;
inline constexpr std::uint32_t kSGbpmpam = 0x813C;
inline constexpr std::uint32_t kSVatosSel = 0x8180;
inline constexpr std::uint32_t kSIdr6 = 0x8190;
constexpr std::uint32_t s_cmdq_control_page_base(std::uint8_t n) noexcept { return 0xC000 + kFamilyStride * n; }
constexpr std::uint32_t s_cmdq_control_page_cfg(std::uint8_t n) noexcept { return 0xC008 + kFamilyStride * n; }
constexpr std::uint32_t s_cmdq_control_page_status(std::uint8_t n) noexcept { return 0xC00C + kFamilyStride * n; }
// Page 1 (§6.2.2).
inline constexpr std::uint32_t kEventqProd = 0x100A8;
inline constexpr std::uint32_t kEventqCons = 0x100AC;
inline constexpr std::uint32_t kPriqProd = 0x100C8;
inline constexpr std::uint32_t kPriqCons = 0x100CC;

/// Offsets within the VATOS page (present when SMMU_IDR0.VATOS; at
/// optional_page_offset(SMMU_IDR2.BA_VATOS)), §6.2.3, §6.3.99-§6.3.102. The Secure VATOS page
/// has the same layout (§6.2.4).
namespace vatos {
inline constexpr std::uint32_t kVatosCtrl = 0x0A00;  // 32-bit RW, layout AtosCtrl
inline constexpr std::uint32_t kVatosSid = 0x0A08;   // 64-bit RW, layout AtosSid
inline constexpr std::uint32_t kVatosAddr = 0x0A10;  // 64-bit RW, layout AtosAddr
inline constexpr std::uint32_t kVatosPar = 0x0A18;   // 64-bit RO, layout AtosPar / AtosParFault
}  // namespace vatos
}  // namespace offset

/// The register map of Pages 0/1, sorted by offset (§6.2.1, §6.2.2).
inline constexpr RegisterInfo kRegisterMap[] = {
    {RegId::idr0, "SMMU_IDR0", 0x0000, 32, Access::ro, "6.3.1", 1, false, false},
    {RegId::idr1, "SMMU_IDR1", 0x0004, 32, Access::ro, "6.3.2", 1, false, false},
    {RegId::idr2, "SMMU_IDR2", 0x0008, 32, Access::ro, "6.3.3", 1, false, false},
    {RegId::idr3, "SMMU_IDR3", 0x000C, 32, Access::ro, "6.3.4", 1, false, false},
    {RegId::idr4, "SMMU_IDR4", 0x0010, 32, Access::ro, "6.3.5", 1, false, false},
    {RegId::idr5, "SMMU_IDR5", 0x0014, 32, Access::ro, "6.3.6", 1, false, false},
    {RegId::iidr, "SMMU_IIDR", 0x0018, 32, Access::ro, "6.3.7", 1, false, false},
    {RegId::aidr, "SMMU_AIDR", 0x001C, 32, Access::ro, "6.3.8", 1, false, false},
    {RegId::cr0, "SMMU_CR0", 0x0020, 32, Access::rw, "6.3.9", 1, false, false},
    {RegId::cr0ack, "SMMU_CR0ACK", 0x0024, 32, Access::ro, "6.3.10", 1, false, false},
    {RegId::cr1, "SMMU_CR1", 0x0028, 32, Access::rw, "6.3.11", 1, false, false},
    {RegId::cr2, "SMMU_CR2", 0x002C, 32, Access::rw, "6.3.12", 1, false, false},
    {RegId::s2pii, "SMMU_S2PII", 0x0030, 64, Access::rw, "6.3.17", 1, false, false},
    {RegId::statusr, "SMMU_STATUSR", 0x0040, 32, Access::ro, "6.3.13", 1, false, false},
    {RegId::gbpa, "SMMU_GBPA", 0x0044, 32, Access::rw, "6.3.14", 1, false, false},
    {RegId::agbpa, "SMMU_AGBPA", 0x0048, 32, Access::rw, "6.3.15", 1, false, false},
    {RegId::irq_ctrl, "SMMU_IRQ_CTRL", 0x0050, 32, Access::rw, "6.3.16", 1, false, false},
    {RegId::irq_ctrlack, "SMMU_IRQ_CTRLACK", 0x0054, 32, Access::ro, "6.3.18", 1, false, false},
    {RegId::gerror, "SMMU_GERROR", 0x0060, 32, Access::ro, "6.3.19", 1, false, false},
    {RegId::gerrorn, "SMMU_GERRORN", 0x0064, 32, Access::rw, "6.3.20", 1, false, false},
    {RegId::gerror_irq_cfg0, "SMMU_GERROR_IRQ_CFG0", 0x0068, 64, Access::rw, "6.3.21", 1, false, false},
    {RegId::gerror_irq_cfg1, "SMMU_GERROR_IRQ_CFG1", 0x0070, 32, Access::rw, "6.3.22", 1, false, false},
    {RegId::gerror_irq_cfg2, "SMMU_GERROR_IRQ_CFG2", 0x0074, 32, Access::rw, "6.3.23", 1, false, false},
    {RegId::strtab_base, "SMMU_STRTAB_BASE", 0x0080, 64, Access::rw, "6.3.24", 1, false, false},
    {RegId::strtab_base_cfg, "SMMU_STRTAB_BASE_CFG", 0x0088, 32, Access::rw, "6.3.25", 1, false, false},
    {RegId::cmdq_base, "SMMU_CMDQ_BASE", 0x0090, 64, Access::rw, "6.3.26", 1, false, false},
    {RegId::cmdq_prod, "SMMU_CMDQ_PROD", 0x0098, 32, Access::rw, "6.3.27", 1, false, false},
    {RegId::cmdq_cons, "SMMU_CMDQ_CONS", 0x009C, 32, Access::rw, "6.3.28", 1, false, false},
    {RegId::eventq_base, "SMMU_EVENTQ_BASE", 0x00A0, 64, Access::rw, "6.3.29", 1, false, false},
    {RegId::eventq_prod, "SMMU_EVENTQ_PROD", 0x00A8, 32, Access::rw, "6.3.95", 1, false, true},
    {RegId::eventq_cons, "SMMU_EVENTQ_CONS", 0x00AC, 32, Access::rw, "6.3.96", 1, false, true},
    {RegId::eventq_irq_cfg0, "SMMU_EVENTQ_IRQ_CFG0", 0x00B0, 64, Access::rw, "6.3.30", 1, false, false},
    {RegId::eventq_irq_cfg1, "SMMU_EVENTQ_IRQ_CFG1", 0x00B8, 32, Access::rw, "6.3.31", 1, false, false},
    {RegId::eventq_irq_cfg2, "SMMU_EVENTQ_IRQ_CFG2", 0x00BC, 32, Access::rw, "6.3.32", 1, false, false},
    {RegId::priq_base, "SMMU_PRIQ_BASE", 0x00C0, 64, Access::rw, "6.3.33", 1, false, false},
    {RegId::priq_prod, "SMMU_PRIQ_PROD", 0x00C8, 32, Access::rw, "6.3.97", 1, false, true},
    {RegId::priq_cons, "SMMU_PRIQ_CONS", 0x00CC, 32, Access::rw, "6.3.98", 1, false, true},
    {RegId::priq_irq_cfg0, "SMMU_PRIQ_IRQ_CFG0", 0x00D0, 64, Access::rw, "6.3.34", 1, false, false},
    {RegId::priq_irq_cfg1, "SMMU_PRIQ_IRQ_CFG1", 0x00D8, 32, Access::rw, "6.3.35", 1, false, false},
    {RegId::priq_irq_cfg2, "SMMU_PRIQ_IRQ_CFG2", 0x00DC, 32, Access::rw, "6.3.36", 1, false, false},
    {RegId::gatos_ctrl, "SMMU_GATOS_CTRL", 0x0100, 32, Access::rw, "6.3.37", 1, false, false},
    {RegId::gatos_sid, "SMMU_GATOS_SID", 0x0108, 64, Access::rw, "6.3.38", 1, false, false},
    {RegId::gatos_addr, "SMMU_GATOS_ADDR", 0x0110, 64, Access::rw, "6.3.39", 1, false, false},
    {RegId::gatos_par, "SMMU_GATOS_PAR", 0x0118, 64, Access::ro, "6.3.40", 1, false, false},
    {RegId::mpamidr, "SMMU_MPAMIDR", 0x0130, 32, Access::ro, "6.3.41", 1, false, false},
    {RegId::gmpam, "SMMU_GMPAM", 0x0138, 32, Access::rw, "6.3.42", 1, false, false},
    {RegId::gbpmpam, "SMMU_GBPMPAM", 0x013C, 32, Access::rw, "6.3.43", 1, false, false},
    {RegId::vatos_sel, "SMMU_VATOS_SEL", 0x0180, 32, Access::rw, "6.3.44", 1, false, false},
    {RegId::idr6, "SMMU_IDR6", 0x0190, 32, Access::ro, "6.3.45", 1, false, false},
    {RegId::dpt_base, "SMMU_DPT_BASE", 0x0200, 64, Access::rw, "6.3.46", 1, false, false},
    {RegId::dpt_base_cfg, "SMMU_DPT_BASE_CFG", 0x0208, 32, Access::rw, "6.3.47", 1, false, false},
    {RegId::dpt_cfg_far, "SMMU_DPT_CFG_FAR", 0x0210, 64, Access::rw, "6.3.48", 1, false, false},
    {RegId::pidr4, "SMMU_PIDR4", 0x0FD0, 32, Access::ro, "6.3.170", 1, false, false},
    {RegId::pidr5, "SMMU_PIDR5", 0x0FD4, 32, Access::ro, "6.3.170", 1, false, false},
    {RegId::pidr6, "SMMU_PIDR6", 0x0FD8, 32, Access::ro, "6.3.170", 1, false, false},
    {RegId::pidr7, "SMMU_PIDR7", 0x0FDC, 32, Access::ro, "6.3.170", 1, false, false},
    {RegId::pidr0, "SMMU_PIDR0", 0x0FE0, 32, Access::ro, "6.3.170", 1, false, false},
    {RegId::pidr1, "SMMU_PIDR1", 0x0FE4, 32, Access::ro, "6.3.170", 1, false, false},
    {RegId::pidr2, "SMMU_PIDR2", 0x0FE8, 32, Access::ro, "6.3.170", 1, false, false},
    {RegId::pidr3, "SMMU_PIDR3", 0x0FEC, 32, Access::ro, "6.3.170", 1, false, false},
    {RegId::cidr0, "SMMU_CIDR0", 0x0FF0, 32, Access::ro, "6.3.170", 1, false, false},
    {RegId::cidr1, "SMMU_CIDR1", 0x0FF4, 32, Access::ro, "6.3.170", 1, false, false},
    {RegId::cidr2, "SMMU_CIDR2", 0x0FF8, 32, Access::ro, "6.3.170", 1, false, false},
    {RegId::cidr3, "SMMU_CIDR3", 0x0FFC, 32, Access::ro, "6.3.170", 1, false, false},
    {RegId::cmdq_control_page_base, "SMMU_CMDQ_CONTROL_PAGE_BASE", 0x4000, 64, Access::ro, "6.3.49", 256, false, false},
    {RegId::cmdq_control_page_cfg, "SMMU_CMDQ_CONTROL_PAGE_CFG", 0x4008, 32, Access::ro, "6.3.50", 256, false, false},
    {RegId::cmdq_control_page_status, "SMMU_CMDQ_CONTROL_PAGE_STATUS", 0x400C, 32, Access::ro, "6.3.51", 256, false, false},
    {RegId::s_idr0, "SMMU_S_IDR0", 0x8000, 32, Access::ro, "6.3.52", 1, true, false},
    {RegId::s_idr1, "SMMU_S_IDR1", 0x8004, 32, Access::ro, "6.3.53", 1, true, false},
    {RegId::s_idr2, "SMMU_S_IDR2", 0x8008, 32, Access::ro, "6.3.54", 1, true, false},
    {RegId::s_idr3, "SMMU_S_IDR3", 0x800C, 32, Access::ro, "6.3.55", 1, true, false},
    {RegId::s_idr4, "SMMU_S_IDR4", 0x8010, 32, Access::ro, "6.3.56", 1, true, false},
    {RegId::s_cr0, "SMMU_S_CR0", 0x8020, 32, Access::rw, "6.3.57", 1, true, false},
    {RegId::s_cr0ack, "SMMU_S_CR0ACK", 0x8024, 32, Access::ro, "6.3.58", 1, true, false},
    {RegId::s_cr1, "SMMU_S_CR1", 0x8028, 32, Access::rw, "6.3.59", 1, true, false},
    {RegId::s_cr2, "SMMU_S_CR2", 0x802C, 32, Access::rw, "6.3.60", 1, true, false},
    {RegId::s_s2pii, "SMMU_S_S2PII", 0x8030, 64, Access::rw, "6.3.61", 1, true, false},
    {RegId::s_init, "SMMU_S_INIT", 0x803C, 32, Access::rw, "6.3.62", 1, true, false},
    {RegId::s_gbpa, "SMMU_S_GBPA", 0x8044, 32, Access::rw, "6.3.63", 1, true, false},
    {RegId::s_agbpa, "SMMU_S_AGBPA", 0x8048, 32, Access::rw, "6.3.64", 1, true, false},
    {RegId::s_irq_ctrl, "SMMU_S_IRQ_CTRL", 0x8050, 32, Access::rw, "6.3.65", 1, true, false},
    {RegId::s_irq_ctrlack, "SMMU_S_IRQ_CTRLACK", 0x8054, 32, Access::ro, "6.3.66", 1, true, false},
    {RegId::s_gerror, "SMMU_S_GERROR", 0x8060, 32, Access::ro, "6.3.67", 1, true, false},
    {RegId::s_gerrorn, "SMMU_S_GERRORN", 0x8064, 32, Access::rw, "6.3.68", 1, true, false},
    {RegId::s_gerror_irq_cfg0, "SMMU_S_GERROR_IRQ_CFG0", 0x8068, 64, Access::rw, "6.3.69", 1, true, false},
    {RegId::s_gerror_irq_cfg1, "SMMU_S_GERROR_IRQ_CFG1", 0x8070, 32, Access::rw, "6.3.70", 1, true, false},
    {RegId::s_gerror_irq_cfg2, "SMMU_S_GERROR_IRQ_CFG2", 0x8074, 32, Access::rw, "6.3.71", 1, true, false},
    {RegId::s_strtab_base, "SMMU_S_STRTAB_BASE", 0x8080, 64, Access::rw, "6.3.72", 1, true, false},
    {RegId::s_strtab_base_cfg, "SMMU_S_STRTAB_BASE_CFG", 0x8088, 32, Access::rw, "6.3.73", 1, true, false},
    {RegId::s_cmdq_base, "SMMU_S_CMDQ_BASE", 0x8090, 64, Access::rw, "6.3.74", 1, true, false},
    {RegId::s_cmdq_prod, "SMMU_S_CMDQ_PROD", 0x8098, 32, Access::rw, "6.3.75", 1, true, false},
    {RegId::s_cmdq_cons, "SMMU_S_CMDQ_CONS", 0x809C, 32, Access::rw, "6.3.76", 1, true, false},
    {RegId::s_eventq_base, "SMMU_S_EVENTQ_BASE", 0x80A0, 64, Access::rw, "6.3.77", 1, true, false},
    {RegId::s_eventq_prod, "SMMU_S_EVENTQ_PROD", 0x80A8, 32, Access::rw, "6.3.78", 1, true, false},
    {RegId::s_eventq_cons, "SMMU_S_EVENTQ_CONS", 0x80AC, 32, Access::rw, "6.3.79", 1, true, false},
    {RegId::s_eventq_irq_cfg0, "SMMU_S_EVENTQ_IRQ_CFG0", 0x80B0, 64, Access::rw, "6.3.80", 1, true, false},
    {RegId::s_eventq_irq_cfg1, "SMMU_S_EVENTQ_IRQ_CFG1", 0x80B8, 32, Access::rw, "6.3.81", 1, true, false},
    {RegId::s_eventq_irq_cfg2, "SMMU_S_EVENTQ_IRQ_CFG2", 0x80BC, 32, Access::rw, "6.3.82", 1, true, false},
    {RegId::s_gatos_ctrl, "SMMU_S_GATOS_CTRL", 0x8100, 32, Access::rw, "6.3.83", 1, true, false},
    {RegId::s_gatos_sid, "SMMU_S_GATOS_SID", 0x8108, 64, Access::rw, "6.3.84", 1, true, false},
    {RegId::s_gatos_addr, "SMMU_S_GATOS_ADDR", 0x8110, 64, Access::rw, "6.3.85", 1, true, false},
    {RegId::s_gatos_par, "SMMU_S_GATOS_PAR", 0x8118, 64, Access::ro, "6.3.86", 1, true, false},
    {RegId::s_mpamidr, "SMMU_S_MPAMIDR", 0x8130, 32, Access::ro, "6.3.87", 1, true, false},
    {RegId::s_gmpam, "SMMU_S_GMPAM", 0x8138, 32, Access::rw, "6.3.88", 1, true, false},
    {RegId::s_gbpmpam, "SMMU_S_GBPMPAM", 0x813C, 32, Access::rw, "6.3.89", 1, true, false},
    {RegId::s_vatos_sel, "SMMU_S_VATOS_SEL", 0x8180, 32, Access::rw, "6.3.90", 1, true, false},
    {RegId::s_idr6, "SMMU_S_IDR6", 0x8190, 32, Access::ro, "6.3.91", 1, true, false},
    {RegId::s_cmdq_control_page_base, "SMMU_S_CMDQ_CONTROL_PAGE_BASE", 0xC000, 64, Access::ro, "6.3.92", 256, true, false},
    {RegId::s_cmdq_control_page_cfg, "SMMU_S_CMDQ_CONTROL_PAGE_CFG", 0xC008, 32, Access::ro, "6.3.93", 256, true, false},
    {RegId::s_cmdq_control_page_status, "SMMU_S_CMDQ_CONTROL_PAGE_STATUS", 0xC00C, 32, Access::ro, "6.3.94", 256, true, false},
    {RegId::eventq_prod, "SMMU_EVENTQ_PROD", 0x100A8, 32, Access::rw, "6.3.95", 1, false, false},
    {RegId::eventq_cons, "SMMU_EVENTQ_CONS", 0x100AC, 32, Access::rw, "6.3.96", 1, false, false},
    {RegId::priq_prod, "SMMU_PRIQ_PROD", 0x100C8, 32, Access::rw, "6.3.97", 1, false, false},
    {RegId::priq_cons, "SMMU_PRIQ_CONS", 0x100CC, 32, Access::rw, "6.3.98", 1, false, false},
};

inline constexpr std::size_t kRegisterMapSize = sizeof(kRegisterMap) / sizeof(kRegisterMap[0]);

/// What an offset in Pages 0/1 holds.
enum class Slot : std::uint8_t {
  reg,             // (part of) a register; RegisterLookup::info says which
  reserved,        // an undefined Page 0 location: RES0 (§6.2)
  impdef,          // IMPLEMENTATION DEFINED space (§6.2.1): 0x0E00-0x0EFF, 0x1000-0x3FFF,
                   // Secure 0x8E00-0x8EFF and 0x9000-0xBFFF
  page1_reserved,  // an undefined Page 1 location: CONSTRAINED UNPREDICTABLE, either RES0 or
                   // an alias of the same Page 0 offset (§6.2)
  outside,         // at or beyond 0x20000: an OPTIONAL page, or nothing (§6.1)
};

/// The answer to "what is at this offset?".
struct RegisterLookup {
  Slot slot = Slot::outside;
  const RegisterInfo* info = nullptr;  // non-null exactly when slot == Slot::reg
  std::uint16_t index = 0;             // n of a register family, else 0
  std::uint8_t byte = 0;               // offset of the access within the register (4 = upper
                                       // half of a 64-bit register)
};

namespace detail {
struct Range {
  std::uint32_t first;
  std::uint32_t last;
};
// §6.2.1. The text of the G.b table gives the first Secure range as "0x8E00 -"; its end is
// taken as 0x8EFF, matching the Non-secure 0x0E00-0x0EFF range it mirrors.
inline constexpr Range kImpDefRanges[] = {{0x0E00, 0x0EFF}, {0x1000, 0x3FFF}, {0x8E00, 0x8EFF}, {0x9000, 0xBFFF}};
}  // namespace detail

/// Which register (and which byte of it) lies at `offset` from the SMMU base, or what kind of
/// space it is. Total: every offset gets an answer.
constexpr RegisterLookup find_register(std::uint64_t offset) noexcept {
  // The families (0x4000 + 32n ...) interleave, so the scan cannot stop at the first entry
  // past `offset`; the map is short enough for a linear scan.
  for (const RegisterInfo& r : kRegisterMap) {
    if (offset < r.offset) continue;
    const std::uint64_t delta = offset - r.offset;
    const std::uint32_t bytes = r.width / 8u;
    if (r.count == 1) {
      if (delta < bytes) return {Slot::reg, &r, 0, static_cast<std::uint8_t>(delta)};
    } else {
      const std::uint64_t n = delta / kFamilyStride;
      const std::uint64_t within = delta % kFamilyStride;
      if (n < r.count && within < bytes)
        return {Slot::reg, &r, static_cast<std::uint16_t>(n), static_cast<std::uint8_t>(within)};
    }
  }
  if (offset >= kOptionalPagesBase) return {Slot::outside};
  if (offset >= kPage1) return {Slot::page1_reserved};
  for (const detail::Range& range : detail::kImpDefRanges)
    if (offset >= range.first && offset <= range.last) return {Slot::impdef};
  return {Slot::reserved};
}

/// The map entry of a register (the Page 1 one for EVENTQ/PRIQ PROD/CONS, never the alias);
/// nullptr for a value that is not a RegId.
constexpr const RegisterInfo* register_info(RegId id) noexcept {
  for (const RegisterInfo& r : kRegisterMap)
    if (r.id == id && !r.page0_alias) return &r;
  return nullptr;
}

/// Whether an access of `size_bytes` at a looked-up location is one the architecture defines
/// (§6.2): an aligned 32-bit access to a 32-bit register or to either half of a 64-bit one, or
/// an aligned 64-bit access to a 64-bit register. Anything else (other sizes, misaligned, a
/// 64-bit access spanning two 32-bit registers) is IMPLEMENTATION DEFINED or CONSTRAINED
/// UNPREDICTABLE, and the register file chooses among the permitted behaviours.
constexpr bool architected_access(const RegisterLookup& at, unsigned size_bytes) noexcept {
  if (at.slot != Slot::reg || at.info == nullptr) return false;
  if (size_bytes == 4) return at.byte % 4 == 0;
  if (size_bytes == 8) return at.info->width == 64 && at.byte == 0;
  return false;
}

}  // namespace smmuv3::reg
