// SPDX-License-Identifier: MIT
// Page 0 registers of OPTIONAL features added after SMMUv3.1 (IHI 0070 G.b):
//   SMMU_S2PII (§6.3.17, stage 2 permission indirection, present when SMMU_IDR3.S2PI),
//   SMMU_MPAMIDR / SMMU_GMPAM / SMMU_GBPMPAM (§6.3.41-§6.3.43, when SMMU_IDR3.MPAM),
//   SMMU_DPT_BASE / SMMU_DPT_BASE_CFG / SMMU_DPT_CFG_FAR (§6.3.46-§6.3.48, when SMMU_IDR3.DPT),
//   SMMU_CMDQ_CONTROL_PAGE_{BASE,CFG,STATUS}<n> (§6.3.49-§6.3.51, when SMMU_IDR1.ECMDQ).
// The registers inside a Command queue control page (SMMU_ECMDQ_{BASE,PROD,CONS}, §6.3.107-
// §6.3.109) live outside Pages 0 and 1 and are not described here. Neither Linux nor QEMU
// defines any of these registers, so the spec is the only source.
#pragma once

#include <cstdint>

#include "smmuv3/registers/common.hpp"

namespace smmuv3::reg {

// ---------------------------------------------------------------------------------------------
// SMMU_S2PII, §6.3.17, 64-bit: sixteen 4-bit stage 2 permission interpretations, S2PII<p> at
// bits [4p+3:4p], indexed by a stage 2 descriptor's PIIndex. Every bit is defined.
namespace s2pii {
template <unsigned P>
using S2pii = Bits<4 * P + 3, 4 * P>;
inline constexpr unsigned kCount = 16;
inline constexpr const char* kNames[kCount] = {"S2PII0",  "S2PII1",  "S2PII2",  "S2PII3",  "S2PII4",  "S2PII5",
                                               "S2PII6",  "S2PII7",  "S2PII8",  "S2PII9",  "S2PII10", "S2PII11",
                                               "S2PII12", "S2PII13", "S2PII14", "S2PII15"};
}  // namespace s2pii

/// A stage 2 base permission interpretation (§6.3.17). 0b0001 and 0b0101 are Reserved and
/// treated as No Access.
enum class S2Perm : std::uint8_t {
  no_access = 0x0,
  mro = 0x2,
  mro_tl1 = 0x3,
  wo = 0x4,
  mro_tl0 = 0x6,
  mro_tl01 = 0x7,
  ro = 0x8,
  ro_ux = 0x9,
  ro_px = 0xA,
  ro_pux = 0xB,
  rw = 0xC,
  rw_ux = 0xD,
  rw_px = 0xE,
  rw_pux = 0xF,
};

namespace detail {
/// Visits S2PII<P> down to S2PII<0>: the spec lists them from the top bit, so that is the order
/// for_each_field reports and the order in which encode looks for a value that does not fit.
template <unsigned P, class Self, class V>
constexpr void s2pii_fields(Self& s, V& v) {
  v(s2pii::S2pii<P>{}, s2pii::kNames[P], s.s2pii[P]);
  if constexpr (P > 0) s2pii_fields<P - 1>(s, v);
}
}  // namespace detail

/// SMMU_S2PII; s2pii[p] is S2PII<p>.
struct S2pii {
  S2Perm s2pii[s2pii::kCount] = {};
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    detail::s2pii_fields<s2pii::kCount - 1>(s, v);
  }
  friend constexpr bool operator==(const S2pii&, const S2pii&) = default;
};

inline constexpr Words<1> kS2piiDefined = fields_mask<1, S2pii>();
static_assert(fields_disjoint<1, S2pii>());
inline constexpr Words<1> kS2piiRes0 = complement(kS2piiDefined);
constexpr Words<1> s2pii_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kS2piiRes0); }

constexpr Encoded<1> encode(const S2pii& r) noexcept { return encode_fields<1>(r); }
constexpr S2pii decode_s2pii(const Words<1>& w) noexcept { return decode_fields<S2pii>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_MPAMIDR, §6.3.41, 32-bit RO. Bits [31:24] are RES0.
namespace mpamidr {
using PmgMax = Bits<23, 16>;
using PartIdMax = Bits<15, 0>;
}  // namespace mpamidr

struct Mpamidr {
  std::uint8_t pmg_max = 0;
  std::uint16_t partid_max = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(mpamidr::PmgMax{}, "PMG_MAX", s.pmg_max);
    v(mpamidr::PartIdMax{}, "PARTID_MAX", s.partid_max);
  }
  friend constexpr bool operator==(const Mpamidr&, const Mpamidr&) = default;
};

inline constexpr Words<1> kMpamidrDefined = fields_mask<1, Mpamidr>();
static_assert(fields_disjoint<1, Mpamidr>());
inline constexpr Words<1> kMpamidrRes0 = complement(kMpamidrDefined);
constexpr Words<1> mpamidr_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kMpamidrRes0); }

constexpr Encoded<1> encode(const Mpamidr& r) noexcept { return encode_fields<1>(r); }
constexpr Mpamidr decode_mpamidr(const Words<1>& w) noexcept { return decode_fields<Mpamidr>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_GMPAM, §6.3.42: MPAM attributes of SMMU-originated accesses. Bits [30:24] are RES0;
// Update behaves as SMMU_GBPA.Update.
namespace gmpam {
using Update = Bit<31>;
using SoPmg = Bits<23, 16>;
using SoPartId = Bits<15, 0>;
}  // namespace gmpam

struct Gmpam {
  bool update = false;
  std::uint8_t so_pmg = 0;
  std::uint16_t so_partid = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(gmpam::Update{}, "Update", s.update);
    v(gmpam::SoPmg{}, "SO_PMG", s.so_pmg);
    v(gmpam::SoPartId{}, "SO_PARTID", s.so_partid);
  }
  friend constexpr bool operator==(const Gmpam&, const Gmpam&) = default;
};

inline constexpr Words<1> kGmpamDefined = fields_mask<1, Gmpam>();
static_assert(fields_disjoint<1, Gmpam>());
inline constexpr Words<1> kGmpamRes0 = complement(kGmpamDefined);
constexpr Words<1> gmpam_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kGmpamRes0); }

constexpr Encoded<1> encode(const Gmpam& r) noexcept { return encode_fields<1>(r); }
constexpr Gmpam decode_gmpam(const Words<1>& w) noexcept { return decode_fields<Gmpam>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_GBPMPAM, §6.3.43: MPAM attributes of globally bypassed transactions. Bits [30:24] RES0.
namespace gbpmpam {
using Update = Bit<31>;
using GbpPmg = Bits<23, 16>;
using GbpPartId = Bits<15, 0>;
}  // namespace gbpmpam

struct Gbpmpam {
  bool update = false;
  std::uint8_t gbp_pmg = 0;
  std::uint16_t gbp_partid = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(gbpmpam::Update{}, "Update", s.update);
    v(gbpmpam::GbpPmg{}, "GBP_PMG", s.gbp_pmg);
    v(gbpmpam::GbpPartId{}, "GBP_PARTID", s.gbp_partid);
  }
  friend constexpr bool operator==(const Gbpmpam&, const Gbpmpam&) = default;
};

inline constexpr Words<1> kGbpmpamDefined = fields_mask<1, Gbpmpam>();
static_assert(fields_disjoint<1, Gbpmpam>());
inline constexpr Words<1> kGbpmpamRes0 = complement(kGbpmpamDefined);
constexpr Words<1> gbpmpam_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kGbpmpamRes0); }

constexpr Encoded<1> encode(const Gbpmpam& r) noexcept { return encode_fields<1>(r); }
constexpr Gbpmpam decode_gbpmpam(const Words<1>& w) noexcept { return decode_fields<Gbpmpam>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_DPT_BASE, §6.3.46, 64-bit: base of level 0 of the Device Permission Table. Bits 63,
// [61:56] and [11:0] are RES0.
namespace dpt_base {
using Ra = Bit<62>;
using BAddr = smmuv3::Addr<55, 12, 12>;
}  // namespace dpt_base

struct DptBase {
  bool ra = false;
  std::uint64_t baddr = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(dpt_base::Ra{}, "RA", s.ra);
    v(dpt_base::BAddr{}, "BADDR", s.baddr);
  }
  friend constexpr bool operator==(const DptBase&, const DptBase&) = default;
};

inline constexpr Words<1> kDptBaseDefined = fields_mask<1, DptBase>();
static_assert(fields_disjoint<1, DptBase>());
inline constexpr Words<1> kDptBaseRes0 = complement(kDptBaseDefined);
constexpr Words<1> dpt_base_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kDptBaseRes0); }

constexpr Encoded<1> encode(const DptBase& r) noexcept { return encode_fields<1>(r); }
constexpr DptBase decode_dpt_base(const Words<1>& w) noexcept { return decode_fields<DptBase>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_DPT_BASE_CFG, §6.3.47. Bits [31:24], [19:16] and [13:3] are RES0.
namespace dpt_base_cfg {
using L0DptSz = Bits<23, 20>;
using DptGs = Bits<15, 14>;
using DptPs = Bits<2, 0>;
}  // namespace dpt_base_cfg

/// SMMU_DPT_BASE_CFG.DPTGS: DPT granule. 0b11 is Reserved.
enum class DptGs : std::uint8_t { granule_4k = 0, granule_64k = 1, granule_16k = 2 };

/// SMMU_DPT_BASE_CFG.DPTPS: size of the protected PA region. 0b111 is Reserved.
enum class DptPs : std::uint8_t { pa32 = 0, pa36 = 1, pa40 = 2, pa42 = 3, pa44 = 4, pa48 = 5, pa52 = 6 };

/// SMMU_DPT_BASE_CFG. L0DPTSZ is (address bits covered by a level 0 entry) - 30: 0, 4, 6 or 9
/// (1GB, 16GB, 64GB, 512GB); other values are Reserved.
struct DptBaseCfg {
  std::uint8_t l0dptsz = 0;
  DptGs dptgs{};
  DptPs dptps{};
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(dpt_base_cfg::L0DptSz{}, "L0DPTSZ", s.l0dptsz);
    v(dpt_base_cfg::DptGs{}, "DPTGS", s.dptgs);
    v(dpt_base_cfg::DptPs{}, "DPTPS", s.dptps);
  }
  friend constexpr bool operator==(const DptBaseCfg&, const DptBaseCfg&) = default;
};

inline constexpr Words<1> kDptBaseCfgDefined = fields_mask<1, DptBaseCfg>();
static_assert(fields_disjoint<1, DptBaseCfg>());
inline constexpr Words<1> kDptBaseCfgRes0 = complement(kDptBaseCfgDefined);
constexpr Words<1> dpt_base_cfg_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kDptBaseCfgRes0); }

constexpr Encoded<1> encode(const DptBaseCfg& r) noexcept { return encode_fields<1>(r); }
constexpr DptBaseCfg decode_dpt_base_cfg(const Words<1>& w) noexcept { return decode_fields<DptBaseCfg>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_DPT_CFG_FAR, §6.3.48, 64-bit: syndrome of a DPT lookup fault (SMMU_GERROR.DPT_ERR).
// Bits [63:56], [11:8] and [3:2] are RES0. A write is IGNORED unless it clears FAULT, which
// clears the whole register.
namespace dpt_cfg_far {
using FAddr = smmuv3::Addr<55, 12, 12>;
using DptFaultCode = Bits<7, 4>;
using Level = Bit<1>;
using Fault = Bit<0>;
}  // namespace dpt_cfg_far

/// SMMU_DPT_CFG_FAR.DPT_FAULTCODE. Other values are Reserved.
enum class DptFaultCode : std::uint8_t { dpt_disabled = 0, dpt_walk_fault = 1, dpt_gpc_fault = 2, dpt_eabt = 3 };

struct DptCfgFar {
  std::uint64_t faddr = 0;
  DptFaultCode dpt_faultcode{};
  bool level = false;  // 0: level 0, 1: level 1
  bool fault = false;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(dpt_cfg_far::FAddr{}, "FADDR", s.faddr);
    v(dpt_cfg_far::DptFaultCode{}, "DPT_FAULTCODE", s.dpt_faultcode);
    v(dpt_cfg_far::Level{}, "LEVEL", s.level);
    v(dpt_cfg_far::Fault{}, "FAULT", s.fault);
  }
  friend constexpr bool operator==(const DptCfgFar&, const DptCfgFar&) = default;
};

inline constexpr Words<1> kDptCfgFarDefined = fields_mask<1, DptCfgFar>();
static_assert(fields_disjoint<1, DptCfgFar>());
inline constexpr Words<1> kDptCfgFarRes0 = complement(kDptCfgFarDefined);
constexpr Words<1> dpt_cfg_far_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kDptCfgFarRes0); }

constexpr Encoded<1> encode(const DptCfgFar& r) noexcept { return encode_fields<1>(r); }
constexpr DptCfgFar decode_dpt_cfg_far(const Words<1>& w) noexcept { return decode_fields<DptCfgFar>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_CMDQ_CONTROL_PAGE_BASE<n>, §6.3.49, 64-bit RO. Bits [63:56] and [15:3] are RES0. ADDR is
// the control page's offset from SMMU Page 0 (not an absolute address), 64KB-aligned.
namespace cmdq_control_page_base {
using Addr = smmuv3::Addr<55, 16, 16>;
using CmdqGs = Bits<2, 1>;
using CmdqControlPagePreset = Bit<0>;
}  // namespace cmdq_control_page_base

/// SMMU_CMDQ_CONTROL_PAGE_BASE<n>. CMDQGS 0b01 means 64KB, the only value the spec defines;
/// CMDQ_CONTROL_PAGE_PRESET is 1 (queue controls are registers) in SMMUv3.3.
struct CmdqControlPageBase {
  std::uint64_t addr = 0;
  std::uint8_t cmdqgs = 0;
  bool cmdq_control_page_preset = false;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmdq_control_page_base::Addr{}, "ADDR", s.addr);
    v(cmdq_control_page_base::CmdqGs{}, "CMDQGS", s.cmdqgs);
    v(cmdq_control_page_base::CmdqControlPagePreset{}, "CMDQ_CONTROL_PAGE_PRESET", s.cmdq_control_page_preset);
  }
  friend constexpr bool operator==(const CmdqControlPageBase&, const CmdqControlPageBase&) = default;
};

inline constexpr Words<1> kCmdqControlPageBaseDefined = fields_mask<1, CmdqControlPageBase>();
static_assert(fields_disjoint<1, CmdqControlPageBase>());
inline constexpr Words<1> kCmdqControlPageBaseRes0 = complement(kCmdqControlPageBaseDefined);
constexpr Words<1> cmdq_control_page_base_res0_bits(const Words<1>& w) noexcept {
  return bits_in(w, kCmdqControlPageBaseRes0);
}

constexpr Encoded<1> encode(const CmdqControlPageBase& r) noexcept { return encode_fields<1>(r); }
constexpr CmdqControlPageBase decode_cmdq_control_page_base(const Words<1>& w) noexcept {
  return decode_fields<CmdqControlPageBase>(w);
}

// ---------------------------------------------------------------------------------------------
// SMMU_CMDQ_CONTROL_PAGE_CFG<n> (§6.3.50) and SMMU_CMDQ_CONTROL_PAGE_STATUS<n> (§6.3.51),
// 32-bit RO. Bits [31:1] are RES0; EN and ENACK are RES1 (the page is always enabled).
namespace cmdq_control_page_cfg {
using En = Bit<0>;
}  // namespace cmdq_control_page_cfg
namespace cmdq_control_page_status {
using EnAck = Bit<0>;
}  // namespace cmdq_control_page_status

struct CmdqControlPageCfg {
  bool en = false;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmdq_control_page_cfg::En{}, "EN", s.en);
  }
  friend constexpr bool operator==(const CmdqControlPageCfg&, const CmdqControlPageCfg&) = default;
};

inline constexpr Words<1> kCmdqControlPageCfgDefined = fields_mask<1, CmdqControlPageCfg>();
static_assert(fields_disjoint<1, CmdqControlPageCfg>());
inline constexpr Words<1> kCmdqControlPageCfgRes0 = complement(kCmdqControlPageCfgDefined);
constexpr Words<1> cmdq_control_page_cfg_res0_bits(const Words<1>& w) noexcept {
  return bits_in(w, kCmdqControlPageCfgRes0);
}

constexpr Encoded<1> encode(const CmdqControlPageCfg& r) noexcept { return encode_fields<1>(r); }
constexpr CmdqControlPageCfg decode_cmdq_control_page_cfg(const Words<1>& w) noexcept {
  return decode_fields<CmdqControlPageCfg>(w);
}

struct CmdqControlPageStatus {
  bool enack = false;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmdq_control_page_status::EnAck{}, "ENACK", s.enack);
  }
  friend constexpr bool operator==(const CmdqControlPageStatus&, const CmdqControlPageStatus&) = default;
};

inline constexpr Words<1> kCmdqControlPageStatusDefined = fields_mask<1, CmdqControlPageStatus>();
static_assert(fields_disjoint<1, CmdqControlPageStatus>());
inline constexpr Words<1> kCmdqControlPageStatusRes0 = complement(kCmdqControlPageStatusDefined);
constexpr Words<1> cmdq_control_page_status_res0_bits(const Words<1>& w) noexcept {
  return bits_in(w, kCmdqControlPageStatusRes0);
}

constexpr Encoded<1> encode(const CmdqControlPageStatus& r) noexcept { return encode_fields<1>(r); }
constexpr CmdqControlPageStatus decode_cmdq_control_page_status(const Words<1>& w) noexcept {
  return decode_fields<CmdqControlPageStatus>(w);
}

}  // namespace smmuv3::reg
