// SPDX-License-Identifier: MIT
// STE, the Stream Table Entry (IHI 0070 §5.2): the 64-byte per-StreamID configuration record,
// as field accessors over raw words (`smmuv3::ste::*`), a plain struct (`smmuv3::Ste`),
// encode/decode between the two, its exact RES0 set, and the pure architectural rules a
// sanitizer of guest-written STEs needs.
//
// Where the bit positions come from
// ---------------------------------
// Primary source: IHI 0070 G.b §5.2 (the latest revision whose STE layout could be read).
// Cross-checked against, field by field:
//   - Linux drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h, STRTAB_STE_{0,1,2,3}_* (V, Config,
//     S1Fmt, S1ContextPtr, S1CDMax, S1DSS, S1CIR/COR/CSH, MEV, S2FWB, S1STALLD, EATS, STRW,
//     SHCFG, S2VMID, S2T0SZ..S2PS, S2AA64, S2ENDI, S2PTW, S2S, S2R, S2TTB), and the out-of-tree
//     Linux MPAM patches (STRTAB_STE_4_PARTID = STE[287:272], STRTAB_STE_5_PMG = STE[327:320]);
//   - QEMU hw/arm/smmuv3-internal.h STE_* (V .. S2R, as 32-bit words);
//   - FreeBSD sys/arm64/iommu/smmureg.h STE{0,1,2,3}_* (adds S2HWU59..62, DRE, CONT, DCP, PPAR,
//     MemAttr, MTCFG, ALLOCCFG, NSCFG, PRIVCFG, INSTCFG, S2AFFD);
//   - gem5 src/dev/arm/smmu_v3_defs.hh StreamTableEntry (words 0..3, SMMUv3.0 fields);
//   - Hafnium arm_smmuv3.h STE_* (Secure stage 2: S2NSW, S2NSA, S_S2T0SZ, S_S2SL0, S_S2TG,
//     S2SW, S2SA, S_S2TTB);
//   - Arm's RME system ACS (STE_MECID_BIT 304, width 16).
// Fields marked "[single source]" below were found only in IHI 0070 G.b §5.2 (SMMUv3.2..3.4 and
// RME DA additions: SW_RESERVED, S1PIE, S1MPAM, S2HAFT, S2PIE, S2POE, DPT_VMATCH, S2SL0_2, S2DS,
// the VMSAv9-128 extension of S2TTB/S_S2TTB, S2SKL, MPAM_NS, AssuredOnly, TL0, TL1, VMSPtr,
// S_S2SL0_2, S_S2SKL, S2POI). Their positions are as that revision prints them; no second
// source could confirm them.
//
// Where the sources disagree
// --------------------------
//   - Address width. G.b widens S1ContextPtr to [55:6], S2TTB/S_S2TTB to address bits [55:4]
//     (the top four only with VMSAv9-128), VMSPtr to [55:12]. Linux masks S1ContextPtr and
//     S2TTB with GENMASK_ULL(51, x) (52-bit PA); QEMU and gem5 read only up to address bit 47
//     (SMMUv3.0). This header stores the widest architectural field; bits above the OAS are
//     RES0 by IDR5.OAS, which is implementation state and so is the sanitizer's business.
//   - Older QEMU releases read S2HD/S2HA/S2S one bit too high (fixed in QEMU commit
//     21eb5b5cde, "Fix wrong shift in STE_S2HD, STE_S2HA, STE_S2S"); the spec positions
//     ([183], [184], [185]) are used here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "smmuv3/address_size.hpp"
#include "smmuv3/bitfield.hpp"
#include "smmuv3/record.hpp"

namespace smmuv3 {

/// An STE is 8 words, 64 bytes (IHI 0070 §5.2 "STE is a 64-byte structure").
inline constexpr std::size_t kSteWords = 8;
inline constexpr std::size_t kSteBytes = 64;
/// log2(kSteBytes): Stream table indexing shifts a StreamID by this much (§3.3.2).
inline constexpr unsigned kSteBytesLog2 = 6;

// ---------------------------------------------------------------------------------------------
// Enumerated fields. Each holds raw values too: decode never rejects a reserved encoding, it
// keeps the number, so a sanitizer can see exactly what the guest wrote.
// ---------------------------------------------------------------------------------------------

/// STE.Config[3:1] (§5.2). Bit 2 = traffic may pass, bit 1 = stage 2 translates, bit 0 =
/// stage 1 translates. 0b001..0b011 are Reserved and behave as 0b000 (abort).
enum class SteConfig : std::uint8_t {
  abort = 0b000,     ///< Report abort to device, no event recorded.
  bypass = 0b100,    ///< Stage 1 bypass, stage 2 bypass.
  s1_trans = 0b101,  ///< Stage 1 translate, stage 2 bypass.
  s2_trans = 0b110,  ///< Stage 1 bypass, stage 2 translate.
  nested = 0b111,    ///< Stage 1 translate, stage 2 translate.
};

/// STE.S1Fmt[5:4] (§5.2): layout of the CD table at S1ContextPtr when substreams are enabled.
/// 0b11 is Reserved and behaves as 0b00.
enum class S1Fmt : std::uint8_t {
  linear = 0b00,         ///< Linear array of 2^S1CDMax CDs, aligned to its size.
  two_level_4k = 0b01,   ///< L1CD table -> 4KB L2 tables of 64 CDs (SubstreamID[5:0]).
  two_level_64k = 0b10,  ///< L1CD table -> 64KB L2 tables of 1024 CDs (SubstreamID[9:0]).
};

/// STE.S1DSS[65:64] (§5.2): what a transaction without a SubstreamID does when S1CDMax != 0.
/// 0b11 is Reserved and behaves as 0b00.
enum class S1Dss : std::uint8_t {
  terminate = 0b00,  ///< Abort, F_STREAM_DISABLED.
  bypass = 0b01,     ///< Bypass stage 1 as though Config == 0b1x0.
  ssid0 = 0b10,      ///< Use the CD of Substream 0 (which SSV=1 traffic may then not use).
};

/// STE.S1CIR[67:66] / S1COR[69:68] (§5.2): cacheability of CD and L1CD fetches.
enum class S1ContextCacheability : std::uint8_t {
  non_cacheable = 0b00,
  wb_read_allocate = 0b01,
  wt_read_allocate = 0b10,
  wb_no_read_allocate = 0b11,
};

/// STE.S2IR0[169:168] / S2OR0[171:170] (§5.2): cacheability of stage 2 table walks. Note the
/// allocation hints differ from S1CIR: 0b01 is Write-Allocate too, 0b11 is not.
enum class S2TableCacheability : std::uint8_t {
  non_cacheable = 0b00,
  wb_read_write_allocate = 0b01,
  wt_read_allocate = 0b10,
  wb_read_allocate_no_write_allocate = 0b11,
};

/// STE.S1CSH[71:70] and STE.S2SH0[173:172] (§5.2). 0b01 is Reserved and behaves as 0b00.
enum class SteShareability : std::uint8_t {
  non_shareable = 0b00,
  outer_shareable = 0b10,
  inner_shareable = 0b11,
};

/// STE.EATS[93:92] (§5.2): PCIe ATS. 0b11 needs SMMU_(R_)IDR3.DPT == 1, otherwise it is
/// Reserved and behaves as 0b00.
enum class Eats : std::uint8_t {
  abort = 0b00,        ///< ATS Translation Requests get UR and F_BAD_ATS_TREQ.
  full = 0b01,         ///< Full ATS: requests translated at all enabled stages.
  split_stage = 0b10,  ///< Split-stage ATS: the endpoint caches stage 1 output (IPA).
  full_dpt = 0b11,     ///< Full ATS with DPT checks (RME DA).
};

/// STE.STRW[95:94] (§5.2), StreamWorld control. Non-secure table: 0bx1 is Reserved (ILLEGAL).
/// Secure table: 0b01 is EL3, 0b11 is Reserved (ILLEGAL).
enum class Strw : std::uint8_t {
  el1 = 0b00,  ///< NS-EL1, Secure (S-EL1), or Realm-EL1, by the table's Security state.
  el3 = 0b01,  ///< EL3; Secure Stream table only.
  el2 = 0b10,  ///< EL2 or EL2-E2H (selected by SMMU_(*_)CR2.E2H).
};

/// STE.SHCFG[109:108] (§5.2, §13): Shareability override.
enum class SteShcfg : std::uint8_t {
  non_shareable = 0b00,
  incoming = 0b01,
  outer_shareable = 0b10,
  inner_shareable = 0b11,
};

/// STE.NSCFG[111:110] (§5.2). For a Secure stream 0b01 is Reserved (behaves as 0b00) and 0b10
/// selects Secure; for a Realm stream 0b01 checks the incoming NS attribute (SMMU_R_IDR3.XT)
/// and 0b10 selects Realm. IGNORED in the Non-secure Stream table.
enum class SteNscfg : std::uint8_t {
  incoming = 0b00,
  check_incoming = 0b01,  ///< Realm with SMMU_R_IDR3.XT == 1 only; otherwise Reserved.
  secure = 0b10,          ///< Secure stream: Secure. Realm stream: Realm.
  non_secure = 0b11,
};

/// STE.PRIVCFG[113:112] (§5.2). 0b01 is Reserved and behaves as 0b00.
enum class StePrivcfg : std::uint8_t {
  incoming = 0b00,
  unprivileged = 0b10,
  privileged = 0b11,
};

/// STE.INSTCFG[115:114] (§5.2). 0b01 is Reserved and behaves as 0b00.
enum class SteInstcfg : std::uint8_t {
  incoming = 0b00,
  data = 0b10,
  instruction = 0b11,
};

/// STE.S2TG[175:174] and STE.S_S2TG[303:302] (§5.2). 0b11 is Reserved (ILLEGAL when used).
enum class S2Tg : std::uint8_t {
  granule_4k = 0b00,
  granule_64k = 0b01,
  granule_16k = 0b10,
};

/// STE.S2PS[178:176] (§5.2), equivalent to VTCR_EL2.PS. 52 bits needs SMMUv3.1, 56 bits
/// SMMUv3.4; earlier revisions treat them as the largest size they have.
enum class S2Ps : std::uint8_t {
  pa_32 = 0b000,
  pa_36 = 0b001,
  pa_40 = 0b010,
  pa_42 = 0b011,
  pa_44 = 0b100,
  pa_48 = 0b101,
  pa_52 = 0b110,
  pa_56 = 0b111,
};

// ---------------------------------------------------------------------------------------------
// Field accessors on raw words, at spec bit positions (IHI 0070 G.b §5.2).
// ---------------------------------------------------------------------------------------------
namespace ste {

// Word 0, bits [63:0].
using V = Bit<0>;
using Config = Bits<3, 1>;
using S1Fmt = Bits<5, 4>;
/// S1ContextPtr[55:6]: CD (or L1CD table) address bits [55:6]. Bits [58:56] are RES0.
using S1ContextPtr = Addr<55, 6, 6>;
using S1CdMax = Bits<63, 59>;

// Word 1, bits [127:64].
using S1Dss = Bits<65, 64>;
using S1Cir = Bits<67, 66>;
using S1Cor = Bits<69, 68>;
using S1Csh = Bits<71, 70>;
using S2Hwu59 = Bit<72>;
using S2Hwu60 = Bit<73>;
using S2Hwu61 = Bit<74>;
using S2Hwu62 = Bit<75>;
using Dre = Bit<76>;
using Cont = Bits<80, 77>;
using Dcp = Bit<81>;
using Ppar = Bit<82>;
using Mev = Bit<83>;
/// SW_RESERVED[87:84] [single source]: software's own bits, IGNORED by the SMMU (not RES0).
using SwReserved = Bits<87, 84>;
/// S1PIE[88] [single source]: CDs may enable stage 1 permission indirection (SMMU_IDR3.S1PI).
using S1Pie = Bit<88>;
using S2Fwb = Bit<89>;
/// S1MPAM[90] [single source]: PARTID/PMG come from the CD instead of the STE (SMMUv3.2 MPAM).
using S1Mpam = Bit<90>;
using S1Stalld = Bit<91>;
using Eats = Bits<93, 92>;
using Strw = Bits<95, 94>;
using MemAttr = Bits<99, 96>;
using Mtcfg = Bit<100>;
using Alloccfg = Bits<104, 101>;
// Bits [107:105] RES0.
using Shcfg = Bits<109, 108>;
using Nscfg = Bits<111, 110>;
using Privcfg = Bits<113, 112>;
using Instcfg = Bits<115, 114>;
/// IMPLEMENTATION DEFINED per-stream configuration, bits [127:116] (not RES0).
using ImplDef127_116 = Bits<127, 116>;

// Word 2, bits [191:128] (every bit is a defined field).
using S2Vmid = Bits<143, 128>;
/// IMPLEMENTATION DEFINED, bits [159:144] (not RES0).
using ImplDef159_144 = Bits<159, 144>;
using S2T0sz = Bits<165, 160>;
using S2Sl0 = Bits<167, 166>;
using S2Ir0 = Bits<169, 168>;
using S2Or0 = Bits<171, 170>;
using S2Sh0 = Bits<173, 172>;
using S2Tg = Bits<175, 174>;
using S2Ps = Bits<178, 176>;
using S2Aa64 = Bit<179>;
using S2Endi = Bit<180>;
using S2Affd = Bit<181>;
using S2Ptw = Bit<182>;
using S2Hd = Bit<183>;
using S2Ha = Bit<184>;
using S2S = Bit<185>;
using S2R = Bit<186>;
/// S2HAFT[187] [single source]: hardware Access flag update in stage 2 Table descriptors.
using S2Haft = Bit<187>;
/// S2PIE[188] [single source]: stage 2 Indirect Permission Scheme (VTCR_EL2.S2PIE).
using S2Pie = Bit<188>;
/// S2POE[189] [single source]: apply stage 2 permission overlays (S2POI below).
using S2Poe = Bit<189>;
/// DPT_VMATCH[191:190] [single source]: VMID matching for DPT checks (EATS == 0b11).
using DptVmatch = Bits<191, 190>;

// Word 3, bits [255:192].
using S2Nsw = Bit<192>;
using S2Nsa = Bit<193>;
/// S2SL0_2[194] [single source]: bit [2] of the stage 2 starting level (VTCR_EL2.SL2, LPA2).
using S2Sl0_2 = Bit<194>;
/// S2DS[195] [single source]: 52-bit addresses with 4KB/16KB granules (VTCR_EL2.DS, LPA2).
using S2Ds = Bit<195>;
/// S2TTB[247:196]: stage 2 table base address bits [55:4]. Bits [247:244] (address [55:52])
/// carry address only when S2AA64 selects VMSAv9-128 [single source, SMMUv3.4 D128] and are
/// RES0 otherwise; see kS2TtbVmsav8AddrMask. Bits [252:248] RES0.
using S2Ttb = Addr<247, 196, 4>;
/// S2SKL[254:253] [single source]: VMSAv9-128 skip-level for S2TTB. Bit [255] RES0.
using S2Skl = Bits<254, 253>;

// Word 4, bits [319:256].
/// IMPLEMENTATION DEFINED, bits [271:256] (not RES0).
using ImplDef271_256 = Bits<271, 256>;
using Partid = Bits<287, 272>;
using SS2T0sz = Bits<293, 288>;
using SS2Sl0 = Bits<295, 294>;
// Bits [301:296] RES0.
using SS2Tg = Bits<303, 302>;
using Mecid = Bits<319, 304>;

// Word 5, bits [383:320].
using Pmg = Bits<327, 320>;
/// MPAM_NS[328] [single source]: use the Non-secure PARTID space.
using MpamNs = Bit<328>;
/// AssuredOnly[329], TL0[330], TL1[331] [single source]: stage 2 FEAT_THE controls.
using AssuredOnly = Bit<329>;
using Tl0 = Bit<330>;
using Tl1 = Bit<331>;
/// VMSPtr[375:332] [single source]: Virtual Machine Structure address bits [55:12]. (G.b's
/// prose says "Address bits [11:0] and [63:55] are taken as zero", which contradicts its own
/// 44-bit field; the field width is used here.) Bits [383:376] RES0.
using VmsPtr = Addr<375, 332, 12>;

// Word 6, bits [447:384].
using S2Sw = Bit<384>;
using S2Sa = Bit<385>;
/// S_S2SL0_2[386] [single source]. Bit [387] RES0.
using SS2Sl0_2 = Bit<386>;
/// S_S2TTB[439:388]: Secure stage 2 table base address bits [55:4]; [435:388] confirmed by
/// Hafnium, the top four bits are VMSAv9-128 only [single source]. Bits [444:440] RES0.
using SS2Ttb = Addr<439, 388, 4>;
/// S_S2SKL[446:445] [single source]. Bit [447] RES0.
using SS2Skl = Bits<446, 445>;

// Word 7, bits [511:448].
/// S2POI [single source]: sixteen 4-bit stage 2 permission overlay interpretations
/// S2POI<p> = STE[4p+451:4p+448], p = 0..15, encoded like S2POR_EL1.Perm<p>.
using S2Poi = Bits<511, 448>;
/// One S2POI<p> entry.
template <unsigned P>
  requires(P < 16)
using S2PoiEntry = Bits<4 * P + 451, 4 * P + 448>;

/// Address bits S2TTB/S_S2TTB may carry unless S2AA64 selects VMSAv9-128: [51:4] in
/// SMMUv3.1 and later (§5.2 S2TTB). Any address bit outside this mask is then RES0.
inline constexpr std::uint64_t kS2TtbVmsav8AddrMask = 0x000F'FFFF'FFFF'FFF0;

}  // namespace ste

// ---------------------------------------------------------------------------------------------
// The record as a plain struct.
// ---------------------------------------------------------------------------------------------

/// Every field of the STE, in spec bit order. Addresses are byte addresses.
struct Ste {
  // Word 0.
  bool v = false;
  SteConfig config = SteConfig::abort;
  S1Fmt s1_fmt = S1Fmt::linear;
  std::uint64_t s1_context_ptr = 0;
  std::uint8_t s1_cd_max = 0;
  // Word 1.
  S1Dss s1_dss = S1Dss::terminate;
  S1ContextCacheability s1_cir = S1ContextCacheability::non_cacheable;
  S1ContextCacheability s1_cor = S1ContextCacheability::non_cacheable;
  SteShareability s1_csh = SteShareability::non_shareable;
  bool s2_hwu59 = false;
  bool s2_hwu60 = false;
  bool s2_hwu61 = false;
  bool s2_hwu62 = false;
  bool dre = false;
  std::uint8_t cont = 0;
  bool dcp = false;
  bool ppar = false;
  bool mev = false;
  std::uint8_t sw_reserved = 0;
  bool s1_pie = false;
  bool s2_fwb = false;
  bool s1_mpam = false;
  bool s1_stalld = false;
  Eats eats = Eats::abort;
  Strw strw = Strw::el1;
  std::uint8_t mem_attr = 0;
  bool mtcfg = false;
  std::uint8_t alloccfg = 0;
  SteShcfg shcfg = SteShcfg::non_shareable;
  SteNscfg nscfg = SteNscfg::incoming;
  StePrivcfg privcfg = StePrivcfg::incoming;
  SteInstcfg instcfg = SteInstcfg::incoming;
  std::uint16_t impl_def_127_116 = 0;
  // Word 2.
  std::uint16_t s2_vmid = 0;
  std::uint16_t impl_def_159_144 = 0;
  std::uint8_t s2_t0sz = 0;
  std::uint8_t s2_sl0 = 0;
  S2TableCacheability s2_ir0 = S2TableCacheability::non_cacheable;
  S2TableCacheability s2_or0 = S2TableCacheability::non_cacheable;
  SteShareability s2_sh0 = SteShareability::non_shareable;
  S2Tg s2_tg = S2Tg::granule_4k;
  S2Ps s2_ps = S2Ps::pa_32;
  bool s2_aa64 = false;
  bool s2_endi = false;
  bool s2_affd = false;
  bool s2_ptw = false;
  bool s2_hd = false;
  bool s2_ha = false;
  bool s2_s = false;
  bool s2_r = false;
  bool s2_haft = false;
  bool s2_pie = false;
  bool s2_poe = false;
  std::uint8_t dpt_vmatch = 0;
  // Word 3.
  bool s2_nsw = false;
  bool s2_nsa = false;
  bool s2_sl0_2 = false;
  bool s2_ds = false;
  std::uint64_t s2_ttb = 0;
  std::uint8_t s2_skl = 0;
  // Word 4.
  std::uint16_t impl_def_271_256 = 0;
  std::uint16_t partid = 0;
  std::uint8_t s_s2_t0sz = 0;
  std::uint8_t s_s2_sl0 = 0;
  S2Tg s_s2_tg = S2Tg::granule_4k;
  std::uint16_t mecid = 0;
  // Word 5.
  std::uint8_t pmg = 0;
  bool mpam_ns = false;
  bool assured_only = false;
  bool tl0 = false;
  bool tl1 = false;
  std::uint64_t vms_ptr = 0;
  // Word 6.
  bool s2_sw = false;
  bool s2_sa = false;
  bool s_s2_sl0_2 = false;
  std::uint64_t s_s2_ttb = 0;
  std::uint8_t s_s2_skl = 0;
  // Word 7.
  std::uint64_t s2_poi = 0;

  friend constexpr bool operator==(const Ste&, const Ste&) = default;

  /// Every STE field in spec bit order: the single list encode, decode_ste, for_each_field
  /// and kSteDefined are all derived from (record.hpp), so they cannot disagree about which
  /// member lives where. Self is `Ste` or `const Ste`.
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(ste::V{}, "V", s.v);
    v(ste::Config{}, "Config", s.config);
    v(ste::S1Fmt{}, "S1Fmt", s.s1_fmt);
    v(ste::S1ContextPtr{}, "S1ContextPtr", s.s1_context_ptr);
    v(ste::S1CdMax{}, "S1CDMax", s.s1_cd_max);
    v(ste::S1Dss{}, "S1DSS", s.s1_dss);
    v(ste::S1Cir{}, "S1CIR", s.s1_cir);
    v(ste::S1Cor{}, "S1COR", s.s1_cor);
    v(ste::S1Csh{}, "S1CSH", s.s1_csh);
    v(ste::S2Hwu59{}, "S2HWU59", s.s2_hwu59);
    v(ste::S2Hwu60{}, "S2HWU60", s.s2_hwu60);
    v(ste::S2Hwu61{}, "S2HWU61", s.s2_hwu61);
    v(ste::S2Hwu62{}, "S2HWU62", s.s2_hwu62);
    v(ste::Dre{}, "DRE", s.dre);
    v(ste::Cont{}, "CONT", s.cont);
    v(ste::Dcp{}, "DCP", s.dcp);
    v(ste::Ppar{}, "PPAR", s.ppar);
    v(ste::Mev{}, "MEV", s.mev);
    v(ste::SwReserved{}, "SW_RESERVED", s.sw_reserved);
    v(ste::S1Pie{}, "S1PIE", s.s1_pie);
    v(ste::S2Fwb{}, "S2FWB", s.s2_fwb);
    v(ste::S1Mpam{}, "S1MPAM", s.s1_mpam);
    v(ste::S1Stalld{}, "S1STALLD", s.s1_stalld);
    v(ste::Eats{}, "EATS", s.eats);
    v(ste::Strw{}, "STRW", s.strw);
    v(ste::MemAttr{}, "MemAttr", s.mem_attr);
    v(ste::Mtcfg{}, "MTCFG", s.mtcfg);
    v(ste::Alloccfg{}, "ALLOCCFG", s.alloccfg);
    v(ste::Shcfg{}, "SHCFG", s.shcfg);
    v(ste::Nscfg{}, "NSCFG", s.nscfg);
    v(ste::Privcfg{}, "PRIVCFG", s.privcfg);
    v(ste::Instcfg{}, "INSTCFG", s.instcfg);
    v(ste::ImplDef127_116{}, "IMPLEMENTATION_DEFINED[127:116]", s.impl_def_127_116);
    v(ste::S2Vmid{}, "S2VMID", s.s2_vmid);
    v(ste::ImplDef159_144{}, "IMPLEMENTATION_DEFINED[159:144]", s.impl_def_159_144);
    v(ste::S2T0sz{}, "S2T0SZ", s.s2_t0sz);
    v(ste::S2Sl0{}, "S2SL0", s.s2_sl0);
    v(ste::S2Ir0{}, "S2IR0", s.s2_ir0);
    v(ste::S2Or0{}, "S2OR0", s.s2_or0);
    v(ste::S2Sh0{}, "S2SH0", s.s2_sh0);
    v(ste::S2Tg{}, "S2TG", s.s2_tg);
    v(ste::S2Ps{}, "S2PS", s.s2_ps);
    v(ste::S2Aa64{}, "S2AA64", s.s2_aa64);
    v(ste::S2Endi{}, "S2ENDI", s.s2_endi);
    v(ste::S2Affd{}, "S2AFFD", s.s2_affd);
    v(ste::S2Ptw{}, "S2PTW", s.s2_ptw);
    v(ste::S2Hd{}, "S2HD", s.s2_hd);
    v(ste::S2Ha{}, "S2HA", s.s2_ha);
    v(ste::S2S{}, "S2S", s.s2_s);
    v(ste::S2R{}, "S2R", s.s2_r);
    v(ste::S2Haft{}, "S2HAFT", s.s2_haft);
    v(ste::S2Pie{}, "S2PIE", s.s2_pie);
    v(ste::S2Poe{}, "S2POE", s.s2_poe);
    v(ste::DptVmatch{}, "DPT_VMATCH", s.dpt_vmatch);
    v(ste::S2Nsw{}, "S2NSW", s.s2_nsw);
    v(ste::S2Nsa{}, "S2NSA", s.s2_nsa);
    v(ste::S2Sl0_2{}, "S2SL0_2", s.s2_sl0_2);
    v(ste::S2Ds{}, "S2DS", s.s2_ds);
    v(ste::S2Ttb{}, "S2TTB", s.s2_ttb);
    v(ste::S2Skl{}, "S2SKL", s.s2_skl);
    v(ste::ImplDef271_256{}, "IMPLEMENTATION_DEFINED[271:256]", s.impl_def_271_256);
    v(ste::Partid{}, "PARTID", s.partid);
    v(ste::SS2T0sz{}, "S_S2T0SZ", s.s_s2_t0sz);
    v(ste::SS2Sl0{}, "S_S2SL0", s.s_s2_sl0);
    v(ste::SS2Tg{}, "S_S2TG", s.s_s2_tg);
    v(ste::Mecid{}, "MECID", s.mecid);
    v(ste::Pmg{}, "PMG", s.pmg);
    v(ste::MpamNs{}, "MPAM_NS", s.mpam_ns);
    v(ste::AssuredOnly{}, "AssuredOnly", s.assured_only);
    v(ste::Tl0{}, "TL0", s.tl0);
    v(ste::Tl1{}, "TL1", s.tl1);
    v(ste::VmsPtr{}, "VMSPtr", s.vms_ptr);
    v(ste::S2Sw{}, "S2SW", s.s2_sw);
    v(ste::S2Sa{}, "S2SA", s.s2_sa);
    v(ste::SS2Sl0_2{}, "S_S2SL0_2", s.s_s2_sl0_2);
    v(ste::SS2Ttb{}, "S_S2TTB", s.s_s2_ttb);
    v(ste::SS2Skl{}, "S_S2SKL", s.s_s2_skl);
    v(ste::S2Poi{}, "S2POI", s.s2_poi);
  }
};

/// No two STE fields share a bit (every bit group has exactly one meaning in §5.2).
static_assert(fields_disjoint<kSteWords, Ste>(), "two STE fields claim the same bit");

/// Every bit that belongs to a field, including the IMPLEMENTATION DEFINED fields and
/// SW_RESERVED (which are IMPDEF / IGNORED, not RES0).
inline constexpr Words<kSteWords> kSteDefined = fields_mask<kSteWords, Ste>();

/// The STE's RES0 bits: exactly the bits no field of §5.2 defines ([58:56], [107:105],
/// [252:248], [255], [301:296], [383:376], [387], [444:440], [447]). Bits that are RES0 only
/// conditionally (above the OAS, S2TTB[247:244] without VMSAv9-128, fields of features the
/// SMMU lacks) depend on the implementation and are not in this set.
inline constexpr Words<kSteWords> kSteRes0 = complement(kSteDefined);

/// The IMPLEMENTATION DEFINED bits ([127:116], [159:144], [271:256]).
inline constexpr Words<kSteWords> kSteImplDefined =
    mask_of<kSteWords, ste::ImplDef127_116, ste::ImplDef159_144, ste::ImplDef271_256>();

/// The RES0 bits set in `w`; all zero for a clean STE.
constexpr Words<kSteWords> ste_res0_bits(const Words<kSteWords>& w) noexcept {
  return bits_in(w, kSteRes0);
}

/// Encodes every field; reports the first (in spec order) that does not fit, by spec name.
constexpr Encoded<kSteWords> encode(const Ste& s) noexcept { return encode_fields<kSteWords>(s); }

/// Decodes every field. Never rejects: reserved encodings are kept as numbers, RES0 bits
/// are ignored (see ste_res0_bits to detect them).
constexpr Ste decode_ste(const Words<kSteWords>& w) noexcept { return decode_fields<Ste>(w); }

// for_each_field(const Ste&, f) is record.hpp's: f("SpecFieldName", value) for every field of
// Ste::fields in spec bit order, S2POI as its whole 64-bit value (S2POI<p> is bits [4p+3:4p]).

// ---------------------------------------------------------------------------------------------
// Architectural rules (pure functions of field values, no implementation state).
// ---------------------------------------------------------------------------------------------

/// False for the Reserved Config encodings 0b001..0b011 (§5.2 Config: "Reserved (behaves as
/// 0b000)") and for values that do not fit the 3-bit field.
constexpr bool ste_config_is_valid(SteConfig c) noexcept {
  switch (c) {
    case SteConfig::abort:
    case SteConfig::bypass:
    case SteConfig::s1_trans:
    case SteConfig::s2_trans:
    case SteConfig::nested:
      return true;
  }
  return false;
}

/// Config[2]: traffic can pass (Config == 0b1xx). Reserved 0b0xx encodings abort.
constexpr bool ste_config_passes_traffic(SteConfig c) noexcept {
  return (detail::to_u64(c) & 0b100) != 0;
}

/// Stage 1 translates: Config == 0b1x1 (§5.2: S1* fields are IGNORED when Config == 0b1x0).
constexpr bool ste_config_s1_translates(SteConfig c) noexcept {
  return (detail::to_u64(c) & 0b101) == 0b101;
}

/// Stage 2 translates: Config == 0b11x (§5.2: S2* fields other than S2VMID are IGNORED when
/// Config == 0b10x).
constexpr bool ste_config_s2_translates(SteConfig c) noexcept {
  return (detail::to_u64(c) & 0b110) == 0b110;
}

/// S1Fmt as the SMMU uses it: the Reserved 0b11 (and anything else unknown) behaves as linear.
constexpr S1Fmt effective_s1_fmt(S1Fmt f) noexcept {
  return f == S1Fmt::two_level_4k || f == S1Fmt::two_level_64k ? f : S1Fmt::linear;
}

/// S1DSS as the SMMU uses it: the Reserved 0b11 behaves as terminate.
constexpr S1Dss effective_s1_dss(S1Dss d) noexcept {
  return d == S1Dss::bypass || d == S1Dss::ssid0 ? d : S1Dss::terminate;
}

/// Number of CDs S1ContextPtr points at: 2^S1CDMax (§5.2 S1CDMax). S1CDMax is 5 bits.
constexpr std::uint64_t s1_cd_count(std::uint8_t s1_cd_max) noexcept {
  return std::uint64_t{1} << (s1_cd_max & 0x1F);
}

/// The S1ContextPtr address bits that are RES0 because the CD (or L1CD) table is aligned to its
/// size (§5.2 S1Fmt): with substreams enabled (S1CDMax != 0),
///   linear:        S1ContextPtr[S1CDMax + 5 : 6]
///   two_level_4k:  S1ContextPtr[S1CDMax - 4 : 6] when S1CDMax > 9
///   two_level_64k: S1ContextPtr[S1CDMax - 8 : 6] when S1CDMax > 13
/// (clamped to the field's top bit, 55). Zero when none are.
constexpr std::uint64_t s1_context_ptr_res0_mask(S1Fmt fmt, std::uint8_t s1_cd_max) noexcept {
  if (s1_cd_max == 0) return 0;
  unsigned hi = 0;
  const S1Fmt eff = effective_s1_fmt(fmt);
  if (eff == S1Fmt::linear) {
    hi = s1_cd_max + 5u;
  } else if (eff == S1Fmt::two_level_4k) {
    if (s1_cd_max <= 9) return 0;
    hi = s1_cd_max - 4u;
  } else {
    if (s1_cd_max <= 13) return 0;
    hi = s1_cd_max - 8u;
  }
  if (hi > ste::S1ContextPtr::addr_hi) hi = ste::S1ContextPtr::addr_hi;
  const std::uint64_t below_hi = (std::uint64_t{2} << hi) - 1;
  return below_hi & ste::S1ContextPtr::addr_mask;
}

/// Output address size selected by S2PS, in bits (§5.2 S2PS); 0 for a value that does not fit.
constexpr unsigned s2_ps_bits(S2Ps ps) noexcept {
  return smmuv3::detail::pa_size_bits(static_cast<std::uint8_t>(ps));
}

/// log2 of the stage 2 granule S2TG (or S_S2TG) selects (§5.2 S2TG); 0 for Reserved 0b11.
constexpr unsigned s2_tg_granule_log2(S2Tg tg) noexcept {
  switch (tg) {
    case S2Tg::granule_4k: return 12;
    case S2Tg::granule_64k: return 16;
    case S2Tg::granule_16k: return 14;
  }
  return 0;
}

/// STRW values that are not Reserved for an STE of the Non-secure Stream table (§5.2 STRW:
/// "0bx1 Reserved, ILLEGAL").
constexpr bool strw_valid_non_secure(Strw w) noexcept { return w == Strw::el1 || w == Strw::el2; }

/// STRW values that are not Reserved for an STE of the Secure Stream table (§5.2 STRW: 0b11
/// Reserved, ILLEGAL; 0b01 is EL3, itself ILLEGAL when SMMU_IDR0.RME_IMPL == 1).
constexpr bool strw_valid_secure(Strw w) noexcept {
  return w == Strw::el1 || w == Strw::el2 || w == Strw::el3;
}

/// S2POI<p> (p = 0..15) out of the 64-bit S2POI field.
constexpr std::uint8_t s2_poi_entry(std::uint64_t s2_poi, unsigned p) noexcept {
  return static_cast<std::uint8_t>((s2_poi >> (4 * (p & 0xF))) & 0xF);
}

/// S2POI encodings 0b0001 and 0b0101 are "Reserved, treated as C_BAD_STE" (§5.2 S2POI).
constexpr bool s2_poi_entry_is_reserved(std::uint8_t perm) noexcept {
  return perm == 0b0001 || perm == 0b0101;
}

}  // namespace smmuv3
