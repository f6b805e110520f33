// SPDX-License-Identifier: MIT
// Interrupt and global-error registers: SMMU_IRQ_CTRL / SMMU_IRQ_CTRLACK, SMMU_GERROR /
// SMMU_GERRORN and the MSI configuration triples SMMU_{GERROR,EVENTQ,PRIQ}_IRQ_CFG{0,1,2}
// (IHI 0070 G.b §6.3.16, §6.3.18-§6.3.23, §6.3.30-§6.3.32, §6.3.34-§6.3.36).
#pragma once

#include <cstdint>

#include "common.hpp"

namespace smmuv3::reg {

// ---------------------------------------------------------------------------------------------
// SMMU_IRQ_CTRL, §6.3.16; SMMU_IRQ_CTRLACK (§6.3.18) has the same fields. Bits [31:3] are
// RES0; PRIQ_IRQEN is RES0 unless SMMU_IDR0.PRI.
namespace irq_ctrl {
using EventqIrqEn = Bit<2>;
using PriqIrqEn = Bit<1>;
using GerrorIrqEn = Bit<0>;
}  // namespace irq_ctrl
namespace irq_ctrlack = irq_ctrl;

struct IrqCtrl {
  bool eventq_irqen = false;
  bool priq_irqen = false;
  bool gerror_irqen = false;
  friend constexpr bool operator==(const IrqCtrl&, const IrqCtrl&) = default;
};
using IrqCtrlAck = IrqCtrl;

inline constexpr Words<1> kIrqCtrlDefined = mask_of<1, irq_ctrl::EventqIrqEn, irq_ctrl::PriqIrqEn, irq_ctrl::GerrorIrqEn>();
inline constexpr Words<1> kIrqCtrlRes0 = complement(kIrqCtrlDefined);
constexpr Words<1> irq_ctrl_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIrqCtrlRes0); }

constexpr Encoded<1> encode(const IrqCtrl& r) noexcept {
  return Encoder<1>{}
      .put<irq_ctrl::EventqIrqEn>(r.eventq_irqen, "EVENTQ_IRQEN")
      .put<irq_ctrl::PriqIrqEn>(r.priq_irqen, "PRIQ_IRQEN")
      .put<irq_ctrl::GerrorIrqEn>(r.gerror_irqen, "GERROR_IRQEN")
      .done();
}

constexpr IrqCtrl decode_irq_ctrl(const Words<1>& w) noexcept {
  IrqCtrl r;
  detail::get_to<irq_ctrl::EventqIrqEn>(w, r.eventq_irqen);
  detail::get_to<irq_ctrl::PriqIrqEn>(w, r.priq_irqen);
  detail::get_to<irq_ctrl::GerrorIrqEn>(w, r.gerror_irqen);
  return r;
}

template <class F>
constexpr void for_each_field(const IrqCtrl& r, F&& f) {
  f("EVENTQ_IRQEN", detail::to_u64(r.eventq_irqen));
  f("PRIQ_IRQEN", detail::to_u64(r.priq_irqen));
  f("GERROR_IRQEN", detail::to_u64(r.gerror_irqen));
}

// ---------------------------------------------------------------------------------------------
// SMMU_GERROR, §6.3.19; SMMU_GERRORN (§6.3.20) has the same fields. An error is active while
// GERROR[x] != GERRORN[x]: the SMMU toggles GERROR[x] to raise it, software toggles
// GERRORN[x] to acknowledge it (§7.5). Bits [31:11] and 1 are RES0. DPT_ERR is RES0 unless
// SMMU_IDR3.DPT, CMDQP_ERR unless SMMU_IDR1.ECMDQ, the MSI_* bits unless SMMU_IDR0.MSI, the
// PRIQ bits unless SMMU_IDR0.PRI.
// (QEMU names bit 8 MSI_SFM_ERR; the spec and Linux call it SFM_ERR. Linux's GERROR_ERR_MASK
// 0x1fd predates CMDQP_ERR and DPT_ERR.)
namespace gerror {
using DptErr = Bit<10>;
using CmdqpErr = Bit<9>;
using SfmErr = Bit<8>;
using MsiGerrorAbtErr = Bit<7>;
using MsiPriqAbtErr = Bit<6>;
using MsiEventqAbtErr = Bit<5>;
using MsiCmdqAbtErr = Bit<4>;
using PriqAbtErr = Bit<3>;
using EventqAbtErr = Bit<2>;
using CmdqErr = Bit<0>;
}  // namespace gerror
namespace gerrorn = gerror;

struct Gerror {
  bool dpt_err = false;
  bool cmdqp_err = false;
  bool sfm_err = false;
  bool msi_gerror_abt_err = false;
  bool msi_priq_abt_err = false;
  bool msi_eventq_abt_err = false;
  bool msi_cmdq_abt_err = false;
  bool priq_abt_err = false;
  bool eventq_abt_err = false;
  bool cmdq_err = false;
  friend constexpr bool operator==(const Gerror&, const Gerror&) = default;
};
using Gerrorn = Gerror;

inline constexpr Words<1> kGerrorDefined =
    mask_of<1, gerror::DptErr, gerror::CmdqpErr, gerror::SfmErr, gerror::MsiGerrorAbtErr, gerror::MsiPriqAbtErr,
            gerror::MsiEventqAbtErr, gerror::MsiCmdqAbtErr, gerror::PriqAbtErr, gerror::EventqAbtErr,
            gerror::CmdqErr>();
inline constexpr Words<1> kGerrorRes0 = complement(kGerrorDefined);
constexpr Words<1> gerror_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kGerrorRes0); }

/// The active global errors: the defined bits in which SMMU_GERROR and SMMU_GERRORN differ
/// (§6.3.19). Zero when every error has been acknowledged.
constexpr std::uint32_t active_gerrors(std::uint32_t gerror_value, std::uint32_t gerrorn_value) noexcept {
  return static_cast<std::uint32_t>((gerror_value ^ gerrorn_value) & kGerrorDefined[0]);
}

constexpr Encoded<1> encode(const Gerror& r) noexcept {
  return Encoder<1>{}
      .put<gerror::DptErr>(r.dpt_err, "DPT_ERR")
      .put<gerror::CmdqpErr>(r.cmdqp_err, "CMDQP_ERR")
      .put<gerror::SfmErr>(r.sfm_err, "SFM_ERR")
      .put<gerror::MsiGerrorAbtErr>(r.msi_gerror_abt_err, "MSI_GERROR_ABT_ERR")
      .put<gerror::MsiPriqAbtErr>(r.msi_priq_abt_err, "MSI_PRIQ_ABT_ERR")
      .put<gerror::MsiEventqAbtErr>(r.msi_eventq_abt_err, "MSI_EVENTQ_ABT_ERR")
      .put<gerror::MsiCmdqAbtErr>(r.msi_cmdq_abt_err, "MSI_CMDQ_ABT_ERR")
      .put<gerror::PriqAbtErr>(r.priq_abt_err, "PRIQ_ABT_ERR")
      .put<gerror::EventqAbtErr>(r.eventq_abt_err, "EVENTQ_ABT_ERR")
      .put<gerror::CmdqErr>(r.cmdq_err, "CMDQ_ERR")
      .done();
}

constexpr Gerror decode_gerror(const Words<1>& w) noexcept {
  Gerror r;
  detail::get_to<gerror::DptErr>(w, r.dpt_err);
  detail::get_to<gerror::CmdqpErr>(w, r.cmdqp_err);
  detail::get_to<gerror::SfmErr>(w, r.sfm_err);
  detail::get_to<gerror::MsiGerrorAbtErr>(w, r.msi_gerror_abt_err);
  detail::get_to<gerror::MsiPriqAbtErr>(w, r.msi_priq_abt_err);
  detail::get_to<gerror::MsiEventqAbtErr>(w, r.msi_eventq_abt_err);
  detail::get_to<gerror::MsiCmdqAbtErr>(w, r.msi_cmdq_abt_err);
  detail::get_to<gerror::PriqAbtErr>(w, r.priq_abt_err);
  detail::get_to<gerror::EventqAbtErr>(w, r.eventq_abt_err);
  detail::get_to<gerror::CmdqErr>(w, r.cmdq_err);
  return r;
}

template <class F>
constexpr void for_each_field(const Gerror& r, F&& f) {
  f("DPT_ERR", detail::to_u64(r.dpt_err));
  f("CMDQP_ERR", detail::to_u64(r.cmdqp_err));
  f("SFM_ERR", detail::to_u64(r.sfm_err));
  f("MSI_GERROR_ABT_ERR", detail::to_u64(r.msi_gerror_abt_err));
  f("MSI_PRIQ_ABT_ERR", detail::to_u64(r.msi_priq_abt_err));
  f("MSI_EVENTQ_ABT_ERR", detail::to_u64(r.msi_eventq_abt_err));
  f("MSI_CMDQ_ABT_ERR", detail::to_u64(r.msi_cmdq_abt_err));
  f("PRIQ_ABT_ERR", detail::to_u64(r.priq_abt_err));
  f("EVENTQ_ABT_ERR", detail::to_u64(r.eventq_abt_err));
  f("CMDQ_ERR", detail::to_u64(r.cmdq_err));
}

// ---------------------------------------------------------------------------------------------
// SMMU_{GERROR,EVENTQ,PRIQ}_IRQ_CFG0, §6.3.21 / §6.3.30 / §6.3.34: 64-bit MSI target address.
// Bits [63:56] and [1:0] are RES0; ADDR bits above SMMU_IDR5.OAS are RES0 too (checked by the
// register file, which knows OAS). ADDR == 0 means "no MSI" (a wired interrupt may be used).
// IHI 0070 G.b widens ADDR to [55:2] for 56-bit PAs; Linux's MSI_CFG0_ADDR_MASK is
// GENMASK_ULL(51, 2), written against issues where [55:52] were RES0.
namespace irq_cfg0 {
using Addr = smmuv3::Addr<55, 2, 2>;
}  // namespace irq_cfg0

struct IrqCfg0 {
  std::uint64_t addr = 0;
  friend constexpr bool operator==(const IrqCfg0&, const IrqCfg0&) = default;
};

inline constexpr Words<1> kIrqCfg0Defined = mask_of<1, irq_cfg0::Addr>();
inline constexpr Words<1> kIrqCfg0Res0 = complement(kIrqCfg0Defined);
constexpr Words<1> irq_cfg0_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIrqCfg0Res0); }

constexpr Encoded<1> encode(const IrqCfg0& r) noexcept {
  return Encoder<1>{}.put<irq_cfg0::Addr>(r.addr, "ADDR").done();
}

constexpr IrqCfg0 decode_irq_cfg0(const Words<1>& w) noexcept {
  IrqCfg0 r;
  detail::get_to<irq_cfg0::Addr>(w, r.addr);
  return r;
}

template <class F>
constexpr void for_each_field(const IrqCfg0& r, F&& f) {
  f("ADDR", r.addr);
}

// ---------------------------------------------------------------------------------------------
// SMMU_{GERROR,EVENTQ,PRIQ}_IRQ_CFG1, §6.3.22 / §6.3.31 / §6.3.35: the 32-bit MSI payload.
namespace irq_cfg1 {
using Data = Bits<31, 0>;
}  // namespace irq_cfg1

struct IrqCfg1 {
  std::uint32_t data = 0;
  friend constexpr bool operator==(const IrqCfg1&, const IrqCfg1&) = default;
};

inline constexpr Words<1> kIrqCfg1Defined = mask_of<1, irq_cfg1::Data>();
inline constexpr Words<1> kIrqCfg1Res0 = complement(kIrqCfg1Defined);
constexpr Words<1> irq_cfg1_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIrqCfg1Res0); }

constexpr Encoded<1> encode(const IrqCfg1& r) noexcept {
  return Encoder<1>{}.put<irq_cfg1::Data>(r.data, "DATA").done();
}

constexpr IrqCfg1 decode_irq_cfg1(const Words<1>& w) noexcept {
  IrqCfg1 r;
  detail::get_to<irq_cfg1::Data>(w, r.data);
  return r;
}

template <class F>
constexpr void for_each_field(const IrqCfg1& r, F&& f) {
  f("DATA", detail::to_u64(r.data));
}

// ---------------------------------------------------------------------------------------------
// SMMU_{GERROR,EVENTQ}_IRQ_CFG2, §6.3.23 / §6.3.32: MSI memory type and Shareability. Bits
// [31:6] are RES0. SH is IGNORED (effectively Outer Shareable) when MemAttr is a Device type.
namespace irq_cfg2 {
using Sh = Bits<5, 4>;
using MemAttr = Bits<3, 0>;
}  // namespace irq_cfg2

struct IrqCfg2 {
  Shareability sh{};
  std::uint8_t memattr = 0;  // encoded as STE.MemAttr
  friend constexpr bool operator==(const IrqCfg2&, const IrqCfg2&) = default;
};

inline constexpr Words<1> kIrqCfg2Defined = mask_of<1, irq_cfg2::Sh, irq_cfg2::MemAttr>();
inline constexpr Words<1> kIrqCfg2Res0 = complement(kIrqCfg2Defined);
constexpr Words<1> irq_cfg2_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIrqCfg2Res0); }

constexpr Encoded<1> encode(const IrqCfg2& r) noexcept {
  return Encoder<1>{}.put<irq_cfg2::Sh>(r.sh, "SH").put<irq_cfg2::MemAttr>(r.memattr, "MemAttr").done();
}

constexpr IrqCfg2 decode_irq_cfg2(const Words<1>& w) noexcept {
  IrqCfg2 r;
  detail::get_to<irq_cfg2::Sh>(w, r.sh);
  detail::get_to<irq_cfg2::MemAttr>(w, r.memattr);
  return r;
}

template <class F>
constexpr void for_each_field(const IrqCfg2& r, F&& f) {
  f("SH", detail::to_u64(r.sh));
  f("MemAttr", detail::to_u64(r.memattr));
}

// ---------------------------------------------------------------------------------------------
// SMMU_PRIQ_IRQ_CFG2, §6.3.36: as IrqCfg2 plus LO ("Last Only": interrupt only for a PRI
// message with the L bit set) at bit 31. Bits [30:6] are RES0. LO applies to wired interrupts
// too, so it exists whether or not SMMU_IDR0.MSI is set.
namespace priq_irq_cfg2 {
using Lo = Bit<31>;
using Sh = irq_cfg2::Sh;
using MemAttr = irq_cfg2::MemAttr;
}  // namespace priq_irq_cfg2

struct PriqIrqCfg2 {
  bool lo = false;
  Shareability sh{};
  std::uint8_t memattr = 0;
  friend constexpr bool operator==(const PriqIrqCfg2&, const PriqIrqCfg2&) = default;
};

inline constexpr Words<1> kPriqIrqCfg2Defined = mask_of<1, priq_irq_cfg2::Lo, priq_irq_cfg2::Sh, priq_irq_cfg2::MemAttr>();
inline constexpr Words<1> kPriqIrqCfg2Res0 = complement(kPriqIrqCfg2Defined);
constexpr Words<1> priq_irq_cfg2_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kPriqIrqCfg2Res0); }

constexpr Encoded<1> encode(const PriqIrqCfg2& r) noexcept {
  return Encoder<1>{}
      .put<priq_irq_cfg2::Lo>(r.lo, "LO")
      .put<priq_irq_cfg2::Sh>(r.sh, "SH")
      .put<priq_irq_cfg2::MemAttr>(r.memattr, "MemAttr")
      .done();
}

constexpr PriqIrqCfg2 decode_priq_irq_cfg2(const Words<1>& w) noexcept {
  PriqIrqCfg2 r;
  detail::get_to<priq_irq_cfg2::Lo>(w, r.lo);
  detail::get_to<priq_irq_cfg2::Sh>(w, r.sh);
  detail::get_to<priq_irq_cfg2::MemAttr>(w, r.memattr);
  return r;
}

template <class F>
constexpr void for_each_field(const PriqIrqCfg2& r, F&& f) {
  f("LO", detail::to_u64(r.lo));
  f("SH", detail::to_u64(r.sh));
  f("MemAttr", detail::to_u64(r.memattr));
}

}  // namespace smmuv3::reg
