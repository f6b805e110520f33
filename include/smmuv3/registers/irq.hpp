// SPDX-License-Identifier: MIT
// Interrupt and global-error registers: SMMU_IRQ_CTRL / SMMU_IRQ_CTRLACK, SMMU_GERROR /
// SMMU_GERRORN and the MSI configuration triples SMMU_{GERROR,EVENTQ,PRIQ}_IRQ_CFG{0,1,2}
// (IHI 0070 G.b §6.3.16, §6.3.18-§6.3.23, §6.3.30-§6.3.32, §6.3.34-§6.3.36).
#pragma once

#include <cstdint>

#include "smmuv3/registers/common.hpp"

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
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(irq_ctrl::EventqIrqEn{}, "EVENTQ_IRQEN", s.eventq_irqen);
    v(irq_ctrl::PriqIrqEn{}, "PRIQ_IRQEN", s.priq_irqen);
    v(irq_ctrl::GerrorIrqEn{}, "GERROR_IRQEN", s.gerror_irqen);
  }
  friend constexpr bool operator==(const IrqCtrl&, const IrqCtrl&) = default;
};
using IrqCtrlAck = IrqCtrl;

inline constexpr Words<1> kIrqCtrlDefined = fields_mask<1, IrqCtrl>();
static_assert(fields_disjoint<1, IrqCtrl>());
inline constexpr Words<1> kIrqCtrlRes0 = complement(kIrqCtrlDefined);
constexpr Words<1> irq_ctrl_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIrqCtrlRes0); }

constexpr Encoded<1> encode(const IrqCtrl& r) noexcept { return encode_fields<1>(r); }
constexpr IrqCtrl decode_irq_ctrl(const Words<1>& w) noexcept { return decode_fields<IrqCtrl>(w); }

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
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(gerror::DptErr{}, "DPT_ERR", s.dpt_err);
    v(gerror::CmdqpErr{}, "CMDQP_ERR", s.cmdqp_err);
    v(gerror::SfmErr{}, "SFM_ERR", s.sfm_err);
    v(gerror::MsiGerrorAbtErr{}, "MSI_GERROR_ABT_ERR", s.msi_gerror_abt_err);
    v(gerror::MsiPriqAbtErr{}, "MSI_PRIQ_ABT_ERR", s.msi_priq_abt_err);
    v(gerror::MsiEventqAbtErr{}, "MSI_EVENTQ_ABT_ERR", s.msi_eventq_abt_err);
    v(gerror::MsiCmdqAbtErr{}, "MSI_CMDQ_ABT_ERR", s.msi_cmdq_abt_err);
    v(gerror::PriqAbtErr{}, "PRIQ_ABT_ERR", s.priq_abt_err);
    v(gerror::EventqAbtErr{}, "EVENTQ_ABT_ERR", s.eventq_abt_err);
    v(gerror::CmdqErr{}, "CMDQ_ERR", s.cmdq_err);
  }
  friend constexpr bool operator==(const Gerror&, const Gerror&) = default;
};
using Gerrorn = Gerror;

inline constexpr Words<1> kGerrorDefined = fields_mask<1, Gerror>();
static_assert(fields_disjoint<1, Gerror>());
inline constexpr Words<1> kGerrorRes0 = complement(kGerrorDefined);
constexpr Words<1> gerror_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kGerrorRes0); }

/// The active global errors: the defined bits in which SMMU_GERROR and SMMU_GERRORN differ
/// (§6.3.19). Zero when every error has been acknowledged.
constexpr std::uint32_t active_gerrors(std::uint32_t gerror_value, std::uint32_t gerrorn_value) noexcept {
  return static_cast<std::uint32_t>((gerror_value ^ gerrorn_value) & kGerrorDefined[0]);
}

constexpr Encoded<1> encode(const Gerror& r) noexcept { return encode_fields<1>(r); }
constexpr Gerror decode_gerror(const Words<1>& w) noexcept { return decode_fields<Gerror>(w); }

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
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(irq_cfg0::Addr{}, "ADDR", s.addr);
  }
  friend constexpr bool operator==(const IrqCfg0&, const IrqCfg0&) = default;
};

inline constexpr Words<1> kIrqCfg0Defined = fields_mask<1, IrqCfg0>();
static_assert(fields_disjoint<1, IrqCfg0>());
inline constexpr Words<1> kIrqCfg0Res0 = complement(kIrqCfg0Defined);
constexpr Words<1> irq_cfg0_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIrqCfg0Res0); }

constexpr Encoded<1> encode(const IrqCfg0& r) noexcept { return encode_fields<1>(r); }
constexpr IrqCfg0 decode_irq_cfg0(const Words<1>& w) noexcept { return decode_fields<IrqCfg0>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_{GERROR,EVENTQ,PRIQ}_IRQ_CFG1, §6.3.22 / §6.3.31 / §6.3.35: the 32-bit MSI payload.
namespace irq_cfg1 {
using Data = Bits<31, 0>;
}  // namespace irq_cfg1

struct IrqCfg1 {
  std::uint32_t data = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(irq_cfg1::Data{}, "DATA", s.data);
  }
  friend constexpr bool operator==(const IrqCfg1&, const IrqCfg1&) = default;
};

inline constexpr Words<1> kIrqCfg1Defined = fields_mask<1, IrqCfg1>();
static_assert(fields_disjoint<1, IrqCfg1>());
inline constexpr Words<1> kIrqCfg1Res0 = complement(kIrqCfg1Defined);
constexpr Words<1> irq_cfg1_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIrqCfg1Res0); }

constexpr Encoded<1> encode(const IrqCfg1& r) noexcept { return encode_fields<1>(r); }
constexpr IrqCfg1 decode_irq_cfg1(const Words<1>& w) noexcept { return decode_fields<IrqCfg1>(w); }

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
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(irq_cfg2::Sh{}, "SH", s.sh);
    v(irq_cfg2::MemAttr{}, "MemAttr", s.memattr);
  }
  friend constexpr bool operator==(const IrqCfg2&, const IrqCfg2&) = default;
};

inline constexpr Words<1> kIrqCfg2Defined = fields_mask<1, IrqCfg2>();
static_assert(fields_disjoint<1, IrqCfg2>());
inline constexpr Words<1> kIrqCfg2Res0 = complement(kIrqCfg2Defined);
constexpr Words<1> irq_cfg2_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIrqCfg2Res0); }

constexpr Encoded<1> encode(const IrqCfg2& r) noexcept { return encode_fields<1>(r); }
constexpr IrqCfg2 decode_irq_cfg2(const Words<1>& w) noexcept { return decode_fields<IrqCfg2>(w); }

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
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(priq_irq_cfg2::Lo{}, "LO", s.lo);
    v(priq_irq_cfg2::Sh{}, "SH", s.sh);
    v(priq_irq_cfg2::MemAttr{}, "MemAttr", s.memattr);
  }
  friend constexpr bool operator==(const PriqIrqCfg2&, const PriqIrqCfg2&) = default;
};

inline constexpr Words<1> kPriqIrqCfg2Defined = fields_mask<1, PriqIrqCfg2>();
static_assert(fields_disjoint<1, PriqIrqCfg2>());
inline constexpr Words<1> kPriqIrqCfg2Res0 = complement(kPriqIrqCfg2Defined);
constexpr Words<1> priq_irq_cfg2_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kPriqIrqCfg2Res0); }

constexpr Encoded<1> encode(const PriqIrqCfg2& r) noexcept { return encode_fields<1>(r); }
constexpr PriqIrqCfg2 decode_priq_irq_cfg2(const Words<1>& w) noexcept { return decode_fields<PriqIrqCfg2>(w); }

}  // namespace smmuv3::reg
