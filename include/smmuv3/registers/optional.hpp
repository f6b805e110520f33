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

#include "common.hpp"

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

/// SMMU_S2PII; s2pii[p] is S2PII<p>.
struct S2pii {
  S2Perm s2pii[s2pii::kCount] = {};
  friend constexpr bool operator==(const S2pii&, const S2pii&) = default;
};

namespace detail {
template <unsigned P>
constexpr void put_s2pii(Encoder<1>& e, const S2pii& r) noexcept {
  // Spec order is p = 15 down to 0, so the first field reported is the highest one.
  e.put<s2pii::S2pii<P>>(r.s2pii[P], s2pii::kNames[P]);
  if constexpr (P > 0) put_s2pii<P - 1>(e, r);
}
template <unsigned P>
constexpr void get_s2pii(const Words<1>& w, S2pii& r) noexcept {
  get_to<s2pii::S2pii<P>>(w, r.s2pii[P]);
  if constexpr (P > 0) get_s2pii<P - 1>(w, r);
}
template <unsigned P>
constexpr Words<1> s2pii_mask() noexcept {
  Words<1> m = mask_of<1, s2pii::S2pii<P>>();
  if constexpr (P > 0) m[0] |= s2pii_mask<P - 1>()[0];
  return m;
}
}  // namespace detail

inline constexpr Words<1> kS2piiDefined = detail::s2pii_mask<s2pii::kCount - 1>();
inline constexpr Words<1> kS2piiRes0 = complement(kS2piiDefined);
constexpr Words<1> s2pii_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kS2piiRes0); }

constexpr Encoded<1> encode(const S2pii& r) noexcept {
  Encoder<1> e;
  detail::put_s2pii<s2pii::kCount - 1>(e, r);
  return e.done();
}

constexpr S2pii decode_s2pii(const Words<1>& w) noexcept {
  S2pii r;
  detail::get_s2pii<s2pii::kCount - 1>(w, r);
  return r;
}

template <class F>
constexpr void for_each_field(const S2pii& r, F&& f) {
  for (unsigned p = s2pii::kCount; p-- > 0;) f(s2pii::kNames[p], detail::to_u64(r.s2pii[p]));
}

// ---------------------------------------------------------------------------------------------
// SMMU_MPAMIDR, §6.3.41, 32-bit RO. Bits [31:24] are RES0.
namespace mpamidr {
using PmgMax = Bits<23, 16>;
using PartIdMax = Bits<15, 0>;
}  // namespace mpamidr

struct Mpamidr {
  std::uint8_t pmg_max = 0;
  std::uint16_t partid_max = 0;
  friend constexpr bool operator==(const Mpamidr&, const Mpamidr&) = default;
};

inline constexpr Words<1> kMpamidrDefined = mask_of<1, mpamidr::PmgMax, mpamidr::PartIdMax>();
inline constexpr Words<1> kMpamidrRes0 = complement(kMpamidrDefined);
constexpr Words<1> mpamidr_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kMpamidrRes0); }

constexpr Encoded<1> encode(const Mpamidr& r) noexcept {
  return Encoder<1>{}.put<mpamidr::PmgMax>(r.pmg_max, "PMG_MAX").put<mpamidr::PartIdMax>(r.partid_max, "PARTID_MAX").done();
}

constexpr Mpamidr decode_mpamidr(const Words<1>& w) noexcept {
  Mpamidr r;
  detail::get_to<mpamidr::PmgMax>(w, r.pmg_max);
  detail::get_to<mpamidr::PartIdMax>(w, r.partid_max);
  return r;
}

template <class F>
constexpr void for_each_field(const Mpamidr& r, F&& f) {
  f("PMG_MAX", detail::to_u64(r.pmg_max));
  f("PARTID_MAX", detail::to_u64(r.partid_max));
}

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
  friend constexpr bool operator==(const Gmpam&, const Gmpam&) = default;
};

inline constexpr Words<1> kGmpamDefined = mask_of<1, gmpam::Update, gmpam::SoPmg, gmpam::SoPartId>();
inline constexpr Words<1> kGmpamRes0 = complement(kGmpamDefined);
constexpr Words<1> gmpam_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kGmpamRes0); }

constexpr Encoded<1> encode(const Gmpam& r) noexcept {
  return Encoder<1>{}
      .put<gmpam::Update>(r.update, "Update")
      .put<gmpam::SoPmg>(r.so_pmg, "SO_PMG")
      .put<gmpam::SoPartId>(r.so_partid, "SO_PARTID")
      .done();
}

constexpr Gmpam decode_gmpam(const Words<1>& w) noexcept {
  Gmpam r;
  detail::get_to<gmpam::Update>(w, r.update);
  detail::get_to<gmpam::SoPmg>(w, r.so_pmg);
  detail::get_to<gmpam::SoPartId>(w, r.so_partid);
  return r;
}

template <class F>
constexpr void for_each_field(const Gmpam& r, F&& f) {
  f("Update", detail::to_u64(r.update));
  f("SO_PMG", detail::to_u64(r.so_pmg));
  f("SO_PARTID", detail::to_u64(r.so_partid));
}

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
  friend constexpr bool operator==(const Gbpmpam&, const Gbpmpam&) = default;
};

inline constexpr Words<1> kGbpmpamDefined = mask_of<1, gbpmpam::Update, gbpmpam::GbpPmg, gbpmpam::GbpPartId>();
inline constexpr Words<1> kGbpmpamRes0 = complement(kGbpmpamDefined);
constexpr Words<1> gbpmpam_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kGbpmpamRes0); }

constexpr Encoded<1> encode(const Gbpmpam& r) noexcept {
  return Encoder<1>{}
      .put<gbpmpam::Update>(r.update, "Update")
      .put<gbpmpam::GbpPmg>(r.gbp_pmg, "GBP_PMG")
      .put<gbpmpam::GbpPartId>(r.gbp_partid, "GBP_PARTID")
      .done();
}

constexpr Gbpmpam decode_gbpmpam(const Words<1>& w) noexcept {
  Gbpmpam r;
  detail::get_to<gbpmpam::Update>(w, r.update);
  detail::get_to<gbpmpam::GbpPmg>(w, r.gbp_pmg);
  detail::get_to<gbpmpam::GbpPartId>(w, r.gbp_partid);
  return r;
}

template <class F>
constexpr void for_each_field(const Gbpmpam& r, F&& f) {
  f("Update", detail::to_u64(r.update));
  f("GBP_PMG", detail::to_u64(r.gbp_pmg));
  f("GBP_PARTID", detail::to_u64(r.gbp_partid));
}

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
  friend constexpr bool operator==(const DptBase&, const DptBase&) = default;
};

inline constexpr Words<1> kDptBaseDefined = mask_of<1, dpt_base::Ra, dpt_base::BAddr>();
inline constexpr Words<1> kDptBaseRes0 = complement(kDptBaseDefined);
constexpr Words<1> dpt_base_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kDptBaseRes0); }

constexpr Encoded<1> encode(const DptBase& r) noexcept {
  return Encoder<1>{}.put<dpt_base::Ra>(r.ra, "RA").put<dpt_base::BAddr>(r.baddr, "BADDR").done();
}

constexpr DptBase decode_dpt_base(const Words<1>& w) noexcept {
  DptBase r;
  detail::get_to<dpt_base::Ra>(w, r.ra);
  detail::get_to<dpt_base::BAddr>(w, r.baddr);
  return r;
}

template <class F>
constexpr void for_each_field(const DptBase& r, F&& f) {
  f("RA", detail::to_u64(r.ra));
  f("BADDR", r.baddr);
}

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
  friend constexpr bool operator==(const DptBaseCfg&, const DptBaseCfg&) = default;
};

inline constexpr Words<1> kDptBaseCfgDefined = mask_of<1, dpt_base_cfg::L0DptSz, dpt_base_cfg::DptGs, dpt_base_cfg::DptPs>();
inline constexpr Words<1> kDptBaseCfgRes0 = complement(kDptBaseCfgDefined);
constexpr Words<1> dpt_base_cfg_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kDptBaseCfgRes0); }

constexpr Encoded<1> encode(const DptBaseCfg& r) noexcept {
  return Encoder<1>{}
      .put<dpt_base_cfg::L0DptSz>(r.l0dptsz, "L0DPTSZ")
      .put<dpt_base_cfg::DptGs>(r.dptgs, "DPTGS")
      .put<dpt_base_cfg::DptPs>(r.dptps, "DPTPS")
      .done();
}

constexpr DptBaseCfg decode_dpt_base_cfg(const Words<1>& w) noexcept {
  DptBaseCfg r;
  detail::get_to<dpt_base_cfg::L0DptSz>(w, r.l0dptsz);
  detail::get_to<dpt_base_cfg::DptGs>(w, r.dptgs);
  detail::get_to<dpt_base_cfg::DptPs>(w, r.dptps);
  return r;
}

template <class F>
constexpr void for_each_field(const DptBaseCfg& r, F&& f) {
  f("L0DPTSZ", detail::to_u64(r.l0dptsz));
  f("DPTGS", detail::to_u64(r.dptgs));
  f("DPTPS", detail::to_u64(r.dptps));
}

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
  friend constexpr bool operator==(const DptCfgFar&, const DptCfgFar&) = default;
};

inline constexpr Words<1> kDptCfgFarDefined =
    mask_of<1, dpt_cfg_far::FAddr, dpt_cfg_far::DptFaultCode, dpt_cfg_far::Level, dpt_cfg_far::Fault>();
inline constexpr Words<1> kDptCfgFarRes0 = complement(kDptCfgFarDefined);
constexpr Words<1> dpt_cfg_far_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kDptCfgFarRes0); }

constexpr Encoded<1> encode(const DptCfgFar& r) noexcept {
  return Encoder<1>{}
      .put<dpt_cfg_far::FAddr>(r.faddr, "FADDR")
      .put<dpt_cfg_far::DptFaultCode>(r.dpt_faultcode, "DPT_FAULTCODE")
      .put<dpt_cfg_far::Level>(r.level, "LEVEL")
      .put<dpt_cfg_far::Fault>(r.fault, "FAULT")
      .done();
}

constexpr DptCfgFar decode_dpt_cfg_far(const Words<1>& w) noexcept {
  DptCfgFar r;
  detail::get_to<dpt_cfg_far::FAddr>(w, r.faddr);
  detail::get_to<dpt_cfg_far::DptFaultCode>(w, r.dpt_faultcode);
  detail::get_to<dpt_cfg_far::Level>(w, r.level);
  detail::get_to<dpt_cfg_far::Fault>(w, r.fault);
  return r;
}

template <class F>
constexpr void for_each_field(const DptCfgFar& r, F&& f) {
  f("FADDR", r.faddr);
  f("DPT_FAULTCODE", detail::to_u64(r.dpt_faultcode));
  f("LEVEL", detail::to_u64(r.level));
  f("FAULT", detail::to_u64(r.fault));
}

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
  friend constexpr bool operator==(const CmdqControlPageBase&, const CmdqControlPageBase&) = default;
};

inline constexpr Words<1> kCmdqControlPageBaseDefined =
    mask_of<1, cmdq_control_page_base::Addr, cmdq_control_page_base::CmdqGs, cmdq_control_page_base::CmdqControlPagePreset>();
inline constexpr Words<1> kCmdqControlPageBaseRes0 = complement(kCmdqControlPageBaseDefined);
constexpr Words<1> cmdq_control_page_base_res0_bits(const Words<1>& w) noexcept {
  return bits_in(w, kCmdqControlPageBaseRes0);
}

constexpr Encoded<1> encode(const CmdqControlPageBase& r) noexcept {
  return Encoder<1>{}
      .put<cmdq_control_page_base::Addr>(r.addr, "ADDR")
      .put<cmdq_control_page_base::CmdqGs>(r.cmdqgs, "CMDQGS")
      .put<cmdq_control_page_base::CmdqControlPagePreset>(r.cmdq_control_page_preset, "CMDQ_CONTROL_PAGE_PRESET")
      .done();
}

constexpr CmdqControlPageBase decode_cmdq_control_page_base(const Words<1>& w) noexcept {
  CmdqControlPageBase r;
  detail::get_to<cmdq_control_page_base::Addr>(w, r.addr);
  detail::get_to<cmdq_control_page_base::CmdqGs>(w, r.cmdqgs);
  detail::get_to<cmdq_control_page_base::CmdqControlPagePreset>(w, r.cmdq_control_page_preset);
  return r;
}

template <class F>
constexpr void for_each_field(const CmdqControlPageBase& r, F&& f) {
  f("ADDR", r.addr);
  f("CMDQGS", detail::to_u64(r.cmdqgs));
  f("CMDQ_CONTROL_PAGE_PRESET", detail::to_u64(r.cmdq_control_page_preset));
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
  friend constexpr bool operator==(const CmdqControlPageCfg&, const CmdqControlPageCfg&) = default;
};

struct CmdqControlPageStatus {
  bool enack = false;
  friend constexpr bool operator==(const CmdqControlPageStatus&, const CmdqControlPageStatus&) = default;
};

inline constexpr Words<1> kCmdqControlPageCfgDefined = mask_of<1, cmdq_control_page_cfg::En>();
inline constexpr Words<1> kCmdqControlPageCfgRes0 = complement(kCmdqControlPageCfgDefined);
constexpr Words<1> cmdq_control_page_cfg_res0_bits(const Words<1>& w) noexcept {
  return bits_in(w, kCmdqControlPageCfgRes0);
}

inline constexpr Words<1> kCmdqControlPageStatusDefined = mask_of<1, cmdq_control_page_status::EnAck>();
inline constexpr Words<1> kCmdqControlPageStatusRes0 = complement(kCmdqControlPageStatusDefined);
constexpr Words<1> cmdq_control_page_status_res0_bits(const Words<1>& w) noexcept {
  return bits_in(w, kCmdqControlPageStatusRes0);
}

constexpr Encoded<1> encode(const CmdqControlPageCfg& r) noexcept {
  return Encoder<1>{}.put<cmdq_control_page_cfg::En>(r.en, "EN").done();
}

constexpr Encoded<1> encode(const CmdqControlPageStatus& r) noexcept {
  return Encoder<1>{}.put<cmdq_control_page_status::EnAck>(r.enack, "ENACK").done();
}

constexpr CmdqControlPageCfg decode_cmdq_control_page_cfg(const Words<1>& w) noexcept {
  CmdqControlPageCfg r;
  detail::get_to<cmdq_control_page_cfg::En>(w, r.en);
  return r;
}

constexpr CmdqControlPageStatus decode_cmdq_control_page_status(const Words<1>& w) noexcept {
  CmdqControlPageStatus r;
  detail::get_to<cmdq_control_page_status::EnAck>(w, r.enack);
  return r;
}

template <class F>
constexpr void for_each_field(const CmdqControlPageCfg& r, F&& f) {
  f("EN", detail::to_u64(r.en));
}

template <class F>
constexpr void for_each_field(const CmdqControlPageStatus& r, F&& f) {
  f("ENACK", detail::to_u64(r.enack));
}

}  // namespace smmuv3::reg
