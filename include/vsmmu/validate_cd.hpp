// SPDX-License-Identifier: MIT
// vsmmu/validate_cd.hpp: is a guest Context Descriptor (or Level 1 CD table descriptor) one a
// real SMMUv3 with the guest's advertised features would use, or does it raise the
// architected configuration error?
//
// In nested translation the physical SMMU walks the guest's CDs itself (through stage 2), so
// nothing here sits on that path. `validate_cd` is for hypervisors that walk CDs in software,
// for a strict mode that checks a guest's CDs before letting its STE go live, and for replay
// tests of real driver traffic. It answers exactly as IHI 0070 G.b §5.4.2 CdIllegal() does for
// the SMMU described by `policy.idr`, plus three choices the architecture leaves to an
// implementation, which vsmmu makes strictly (see docs/sanitizer.md, "Context descriptors"):
//   - a set RES0 bit makes the CD invalid (Chapter 5: an implementation "detects non-zero
//     values in non-specified fields and considers the structure invalid" or ignores them);
//   - the IMPLEMENTATION DEFINED bits [351:320] and AMAIR must be zero: vsmmu, as the
//     implementation, defines no meaning for them (§5.4 AMAIR1: software without
//     IMPLEMENTATION SPECIFIC knowledge writes zero; an SMMU must work with zero);
//   - SMMUv3.0 only: an out-of-range TxSZ is ILLEGAL (one of the two CONSTRAINED
//     UNPREDICTABLE behaviours of §5.4 T0SZ).
// Reserved encodings the spec gives a defined behaviour (SH 0b01 "behaves as 0b00",
// {HD,HA} == 0b10, a Reserved IPS, Reserved MAIR attributes) are not ILLEGAL and are accepted,
// as the hardware accepts them; Linux's SVA CD relies on this for MAIR (Tagged Normal 0xF0).
//
// The guest sees an SMMU without stage 2 or Hyp (make_policy), so its STEs have
// STE.STRW RES0 and every CD is reached with StreamWorld NS-EL1 (§5.2 STRW); the physical
// nested STE (Config 0b111) has StreamWorld NS-EL1 too. The rules below are those of NS-EL1.
#pragma once

#include <cstdint>

#include "smmuv3/cd.hpp"
#include "smmuv3/l1_descriptor.hpp"
#include "smmuv3/registers/idr.hpp"
#include "smmuv3/ste.hpp"
#include "vsmmu/policy.hpp"

namespace vsmmu {

enum class CdVerdict : std::uint8_t {
  /// The SMMU uses the descriptor.
  valid,
  /// V == 0. For a CD: "use of the CD by an incoming transaction is ILLEGAL", the transaction
  /// is aborted and C_BAD_CD recorded (§5.4 V; §7.3.11 C_BAD_CD "Fetched CD invalid (V == 0,
  /// or V == 1 but ILLEGAL configuration)"). For an L1CD: C_BAD_SUBSTREAMID (§5.3.1).
  invalid,
  /// V == 1 but the CD is ILLEGAL for this SMMU: C_BAD_CD (§5.4, §5.4.2 CdIllegal(), §7.3.11).
  bad_cd,
  /// An L1CD with V == 1 that cannot be used (RES0 bits set, L2Ptr out of range): the fetch
  /// through it records C_BAD_SUBSTREAMID (§5.3 L2Ptr, §3.4.3 note 3, §7.3.9), not C_BAD_CD.
  bad_substreamid,
};

struct CdResult {
  CdVerdict verdict = CdVerdict::valid;
  /// nullptr when valid; otherwise a static string naming the rule, the field and the spec
  /// section, e.g. "CD.T0SZ outside the range for the TG0 granule (§5.4 T0SZ, §5.4.2)".
  const char* reason = nullptr;

  constexpr bool ok() const noexcept { return verdict == CdVerdict::valid; }
};

/// The facts of the STE that locates the CD which its legality depends on (§5.4.1: "The
/// legality of a CD is, in part, affected by ... StreamWorld, S1STALLD, AA64 and Config[1]";
/// §5.4 PIE needs STE.S1PIE, §5.4 PARTID/PMG need STE.S1MPAM; an L1CD's L2Ptr[15:12] are RES0
/// when STE.S1Fmt selects 64KB L2 tables, §5.2 S1Fmt). StreamWorld is NS-EL1 (see above), and
/// the guest view has no stage 2, so STE.Config/S2AA64 do not enter.
struct CdStreamContext {
  bool s1stalld = false;  ///< STE.S1STALLD
  bool s1pie = false;     ///< STE.S1PIE
  bool s1mpam = false;    ///< STE.S1MPAM
  smmuv3::S1Fmt s1fmt = smmuv3::S1Fmt::two_level_64k;  ///< STE.S1Fmt (L1CD checks only)
  friend constexpr bool operator==(const CdStreamContext&, const CdStreamContext&) = default;
};

/// The context of a (guest) STE.
constexpr CdStreamContext cd_stream_context(const smmuv3::Ste& ste) noexcept {
  return CdStreamContext{ste.s1_stalld, ste.s1_pie, ste.s1_mpam, ste.s1_fmt};
}

namespace detail {

constexpr CdResult cd_bad(const char* reason) noexcept { return CdResult{CdVerdict::bad_cd, reason}; }

constexpr bool granule_advertised(const smmuv3::reg::Idr5& idr5, smmuv3::cd::Granule g) noexcept {
  using smmuv3::cd::Granule;
  switch (g) {
    case Granule::size_4kb: return idr5.gran4k;
    case Granule::size_16kb: return idr5.gran16k;
    case Granule::size_64kb: return idr5.gran64k;
    case Granule::reserved: break;
  }
  return false;
}

/// SMMUv3.0 (§5.4.2: SMMU_AIDR.ArchMajorRev == 0 && ArchMinorRev == 0).
constexpr bool is_smmuv3_0(const GuestIdrs& idr) noexcept {
  return idr.aidr.arch_major_rev == 0 && idr.aidr.arch_minor_rev == smmuv3::reg::ArchMinorRev::smmuv3_0;
}

/// TTBx address bits that are RES0 for the format and revision (§5.4 TTB0/TTB1): [55:52]
/// outside VMSAv9-128 in SMMUv3.1 and later, [55:48] in SMMUv3.0.
constexpr std::uint64_t ttb_res0_addr_bits(const GuestIdrs& idr, smmuv3::cd::TableFormat fmt) noexcept {
  constexpr std::uint64_t below_bit48 = (std::uint64_t{1} << 48) - 1;
  std::uint64_t allowed = smmuv3::cd::ttb_addr_mask(fmt);
  if (fmt != smmuv3::cd::TableFormat::vmsav9_128 && is_smmuv3_0(idr)) allowed &= below_bit48;
  return smmuv3::cd::Ttb0::addr_mask & ~allowed;
}

/// One translation table half (TTB0 or TTB1) of a CD whose EPDx is 0.
struct TtbHalf {
  unsigned txsz;  // unused for VMSAv8-32 LPAE, where every 3-bit T0SZ is valid (§5.4 T0SZ)
  smmuv3::cd::Granule granule;
  std::uint64_t ttb;
  std::uint8_t skl;  // SKLx; meaningful only for VMSAv9-128
};

/// The names of one half's failures, so both halves share one check.
struct TtbHalfReasons {
  const char* granule;
  const char* txsz;
  const char* ttb_range;
  const char* skl;
};

inline constexpr TtbHalfReasons kTtb0Reasons{
    "CD.TG0 selects a Reserved encoding or a granule SMMU_IDR5 does not advertise (§5.4 TG0)",
    "CD.T0SZ outside the range for the TG0 granule (§5.4 T0SZ, §5.4.2 CDTxSZInvalid)",
    "CD.TTB0 outside the effective IPS, or above 48 bits with DS == 0 and a 4KB/16KB TG0 (§5.4 TTB0)",
    "CD.SKL0 starts the VMSAv9-128 walk below level 3 (§5.4 SKL0, §5.4.2 CDSLInvalidD128)",
};
inline constexpr TtbHalfReasons kTtb1Reasons{
    "CD.TG1 selects a Reserved encoding or a granule SMMU_IDR5 does not advertise (§5.4 TG1)",
    "CD.T1SZ outside the range for the TG1 granule (§5.4 T1SZ, §5.4.2 CDTxSZInvalid)",
    "CD.TTB1 outside the effective IPS, or above 48 bits with DS == 0 and a 4KB/16KB TG1 (§5.4 TTB1)",
    "CD.SKL1 starts the VMSAv9-128 walk below level 3 (§5.4 SKL1, §5.4.2 CDSLInvalidD128)",
};

/// §5.4.2 CDSLInvalidD128(): the initial lookup level plus SKL must not pass level 3.
constexpr bool skl_invalid_d128(unsigned skl, unsigned txsz, smmuv3::cd::Granule g) noexcept {
  const unsigned gbits = smmuv3::cd::granule_shift(g);
  if (gbits == 0 || txsz > 63) return true;
  const int iasize = 64 - static_cast<int>(txsz);
  const int stride = static_cast<int>(gbits) - 4;
  // (iasize - 1) - gbits is negative only for a TxSZ the TxSZ check has already refused;
  // C++ division truncates towards zero like the pseudocode's DIV for these operands.
  const int start_level = 3 - ((iasize - 1 - static_cast<int>(gbits)) / stride);
  return start_level + static_cast<int>(skl) > 3;
}

/// The checks of one enabled translation table half (§5.4.2: TxSZ, then TTBx with its granule;
/// VMSAv8-32 LPAE has no TxSZ or granule rule).
constexpr const char* check_ttb_half(const GuestIdrs& idr, smmuv3::cd::TableFormat fmt, bool cd_ds,
                                     unsigned eff_ips, const TtbHalf& h, const TtbHalfReasons& why) noexcept {
  using smmuv3::cd::TableFormat;
  if (fmt != TableFormat::vmsav8_32_lpae) {
    if (!granule_advertised(idr.idr5, h.granule)) return why.granule;
    const smmuv3::cd::TxszContext ctx{
        .idr3_stt = idr.idr3.stt,
        .idr5_vax = static_cast<std::uint8_t>(idr.idr5.vax),
        .idr5_ds = idr.idr5.ds,
        .cd_ds = cd_ds,
        .vmsa128 = fmt == TableFormat::vmsav9_128,
        .streamworld_el3 = false,
    };
    if (!smmuv3::cd::txsz_limits(h.granule, ctx).contains(h.txsz)) return why.txsz;
  }
  const unsigned limit = smmuv3::cd::ttb_addr_limit_bits(fmt, h.granule, cd_ds, eff_ips);
  if (limit < 64 && (h.ttb >> limit) != 0) return why.ttb_range;
  if (fmt == TableFormat::vmsav9_128 && skl_invalid_d128(h.skl, h.txsz, h.granule)) return why.skl;
  return nullptr;
}

/// PIIU/PIIP entry encodings 0b100 and 0b110 are reserved and "treated as C_BAD_CD" (§5.4).
constexpr bool pi_reserved(std::uint64_t entry) noexcept { return entry == 0b100 || entry == 0b110; }

}  // namespace detail

/// Whether a real SMMU with `policy.idr`'s features uses the CD `cd`, located from an STE
/// described by `ste` (StreamWorld NS-EL1), or raises C_BAD_CD, and why.
constexpr CdResult validate_cd(const Policy& policy, const CdStreamContext& ste,
                               const smmuv3::Words<smmuv3::kCdWords>& cd) noexcept {
  using smmuv3::cd::Granule;
  using smmuv3::cd::TableFormat;
  using smmuv3::reg::Httu;
  using smmuv3::reg::StallModel;
  using smmuv3::reg::TtEndian;
  const GuestIdrs& idr = policy.idr;
  // Judged on this copy (`cd` must be the caller's private copy, never guest-writable memory).
  const smmuv3::Words<smmuv3::kCdWords> w = cd;
  const smmuv3::Cd c = smmuv3::decode_cd(w);

  // §5.4 V: "If this field is 0, the entire rest of the structure is IGNORED"; C_BAD_CD.
  if (!c.v) return {CdVerdict::invalid, "CD.V == 0: a transaction using the CD gets C_BAD_CD (§5.4 V, §7.3.11)"};

  // ---- Bits that must be zero -------------------------------------------------------------
  // Chapter 5: an implementation may treat non-zero RES0 bits as making the structure invalid.
  if (smmuv3::any(smmuv3::cd_res0_bits(w)))
    return detail::cd_bad("CD Reserved RES0 bits [121:120], [185:184], [383:376], [447:432] or [511:496] set (§5.4, Chapter 5)");
  if (c.impl_def != 0)
    return detail::cd_bad("CD IMPLEMENTATION DEFINED bits [351:320] set: vsmmu defines none (§5.4)");
  if (c.amair0 != 0 || c.amair1 != 0)
    return detail::cd_bad("CD.AMAIR non-zero: its meaning is IMPLEMENTATION DEFINED and vsmmu defines none (§5.4 AMAIR1)");

  // §5.4 AA64: 1 selects VMSAv8-64; 0 selects VMSAv9-128 when SMMU_IDR5.D128 == 1, otherwise
  // VMSAv8-32 LPAE. SMMU_IDR0.TTF bit 0 is LPAE support, bit 1 VMSAv8-64.
  const TableFormat fmt = smmuv3::cd::table_format(c.aa64, idr.idr5.d128);
  const auto ttf = static_cast<std::uint8_t>(idr.idr0.ttf);
  if (fmt == TableFormat::vmsav8_32_lpae && (ttf & 1u) == 0)
    return detail::cd_bad("CD.AA64 == 0 selects VMSAv8-32 LPAE tables, which SMMU_IDR0.TTF does not advertise (§5.4 AA64)");
  if (fmt == TableFormat::vmsav8_64 && (ttf & 2u) == 0)
    return detail::cd_bad("CD.AA64 == 1 selects VMSAv8-64 tables, which SMMU_IDR0.TTF does not advertise (§5.4 AA64)");
  if (fmt == TableFormat::vmsav9_128 && !ste.s1pie)
    return detail::cd_bad("CD.AA64 == 0 selects VMSAv9-128 tables but STE.S1PIE == 0 (§5.4 AA64, §5.4.2)");
  const bool lpae = fmt == TableFormat::vmsav8_32_lpae;
  const bool d128_tables = fmt == TableFormat::vmsav9_128;
  const bool v3_0 = detail::is_smmuv3_0(idr);

  // Stage 1 permission indirection (§5.4 PIE, PIIU, PIIP; §5.4.2): enabled by CD.PIE with
  // VMSAv8-64 when SMMU_IDR3.S1PI and STE.S1PIE allow it, always with VMSAv9-128.
  const bool pie_allowed = fmt == TableFormat::vmsav8_64 && idr.idr3.s1pi && ste.s1pie;
  const bool pi_enabled = (pie_allowed && c.pie) || d128_tables;

  // Fields that are RES0 in this configuration (§5.4, each field's description).
  if ((c.ttb0 & detail::ttb_res0_addr_bits(idr, fmt)) != 0)
    return detail::cd_bad("CD.TTB0 address bits above the format's range are RES0 ([55:52] outside VMSAv9-128, [55:48] in SMMUv3.0) (§5.4 TTB0)");
  if ((c.ttb1 & detail::ttb_res0_addr_bits(idr, fmt)) != 0)
    return detail::cd_bad("CD.TTB1 address bits above the format's range are RES0 ([55:52] outside VMSAv9-128, [55:48] in SMMUv3.0) (§5.4 TTB1)");
  if (c.uwxn && d128_tables) return detail::cd_bad("CD.UWXN is RES0 with VMSAv9-128 tables (§5.4 UWXN)");
  if ((c.e0pd0 || c.e0pd1) && (!idr.idr3.e0pd || lpae))
    return detail::cd_bad("CD.E0PD0/E0PD1 are RES0 without SMMU_IDR3.E0PD or with VMSAv8-32 LPAE tables (§5.4 E0PD0, E0PD1)");
  if (c.haft && idr.idr0.httu != Httu::access_dirty_table_access)
    return detail::cd_bad("CD.HAFT is RES0 unless SMMU_IDR0.HTTU == 0b11 (§5.4 HAFT)");
  if (c.pnch && (!idr.idr3.the || lpae || d128_tables))
    return detail::cd_bad("CD.PnCH is RES0 without SMMU_IDR3.THE or with VMSAv8-32 LPAE / VMSAv9-128 tables (§5.4 PnCH)");
  if (c.epan && (!idr.idr3.epan || lpae || pi_enabled))
    return detail::cd_bad("CD.EPAN is RES0 without SMMU_IDR3.EPAN, with VMSAv8-32 LPAE tables or with permission indirection (§5.4 EPAN)");
  // HWUxyy: RES0 in SMMUv3.0 and (bits 59/60) with VMSAv9-128; otherwise IGNORED without
  // SMMU_IDR3.PBHA or with HADx == 0, so any value is accepted (§5.4 HWU059..HWU162).
  if ((c.hwu059 || c.hwu060 || c.hwu159 || c.hwu160) && (v3_0 || d128_tables))
    return detail::cd_bad("CD.HWU059/060/159/160 are RES0 in SMMUv3.0 and with VMSAv9-128 tables (§5.4 HWU059)");
  if ((c.hwu0x != 0 || c.hwu1x != 0) && !idr.idr5.d128 && v3_0)
    return detail::cd_bad("CD.HWU061/062/161/162 are RES0 in SMMUv3.0 (§5.4 HWU0<x>, HWU1<x>)");
  if (c.aie && !idr.idr3.aie) return detail::cd_bad("CD.AIE is RES0 without SMMU_IDR3.AIE (§5.4 AIE)");
  {
    const bool both_64k = c.tg0 == smmuv3::CdTg0::size_64kb && c.tg1 == smmuv3::CdTg1::size_64kb;
    if (c.ds && (!idr.idr5.ds || v3_0 || lpae || d128_tables || both_64k))
      return detail::cd_bad("CD.DS is RES0 without SMMU_IDR5.DS, in SMMUv3.0, with VMSAv8-32 LPAE / VMSAv9-128 tables, or when TG0 and TG1 both select 64KB (§5.4 DS)");
  }
  if (c.pie && !pie_allowed)
    return detail::cd_bad("CD.PIE is RES0 without SMMU_IDR3.S1PI, with STE.S1PIE == 0, or with VMSAv8-32 LPAE / VMSAv9-128 tables (§5.4 PIE)");
  if ((c.piiu != 0 || c.piip != 0) && !pi_enabled)
    return detail::cd_bad("CD.PIIU/PIIP are RES0 when stage 1 permission indirection is disabled (§5.4 PIIU, PIIP)");
  if ((c.partid != 0 || c.pmg != 0) && (!idr.idr3.mpam || !ste.s1mpam))
    return detail::cd_bad("CD.PARTID/PMG are RES0 without SMMU_IDR3.MPAM or with STE.S1MPAM == 0 (§5.4 PARTID, PMG)");

  // ---- CdIllegal() (§5.4.2), in its order -------------------------------------------------
  // Fault configuration (§5.5; §5.4.2 with the NS STALL_MODEL the guest reads).
  if (c.s && idr.idr0.stall_model == StallModel::stall_and_terminate && ste.s1stalld)
    return detail::cd_bad("CD.S == 1 but the STE disables stalls (STE.S1STALLD == 1) (§5.5, §5.4.2)");
  if (idr.idr0.term_model && !c.a)
    return detail::cd_bad("CD.A == 0 (RAZ/WI termination) but SMMU_IDR0.TERM_MODEL == 1 (§5.5, §5.4.2)");
  if (c.s && idr.idr0.stall_model == StallModel::terminate_only)
    return detail::cd_bad("CD.S == 1 but SMMU_IDR0.STALL_MODEL == 0b01 (stall not supported) (§5.5, §5.4.2)");
  if (!c.s && idr.idr0.stall_model == StallModel::stall_forced)
    return detail::cd_bad("CD.S == 0 but SMMU_IDR0.STALL_MODEL == 0b10 (stall forced) (§5.5, §5.4.2)");

  // §5.4 ENDI: IGNORED only when both walks are disabled (EPDx are effective at NS-EL1).
  if (!(c.epd0 && c.epd1)) {
    if (idr.idr0.tt_endian == TtEndian::little && c.endi)
      return detail::cd_bad("CD.ENDI == 1 (big-endian walks) but SMMU_IDR0.TTENDIAN == 0b10 (little-endian only) (§5.4 ENDI)");
    if (idr.idr0.tt_endian == TtEndian::big && !c.endi)
      return detail::cd_bad("CD.ENDI == 0 (little-endian walks) but SMMU_IDR0.TTENDIAN == 0b11 (big-endian only) (§5.4 ENDI)");
  }

  // §5.4 HA/HD (IGNORED with VMSAv8-32 LPAE); §5.4 HAFT. {HD, HA} == 0b10 is Reserved and
  // behaves as 0b00 when HD is not ILLEGAL, so it is accepted.
  if (!lpae) {
    if ((c.ha || c.hd) && idr.idr0.httu == Httu::none)
      return detail::cd_bad("CD.HA/HD set but SMMU_IDR0.HTTU == 0b00 (no hardware flag updates) (§5.4 HA)");
    if (c.hd && idr.idr0.httu == Httu::access)
      return detail::cd_bad("CD.HD set but SMMU_IDR0.HTTU == 0b01 (Access flag updates only) (§5.4 HA)");
    if (c.haft && !c.ha && idr.idr0.httu == Httu::access_dirty_table_access)
      return detail::cd_bad("CD.HAFT == 1 with CD.HA == 0 (§5.4 HAFT)");
  }

  // §5.4 ASID: with 8-bit ASIDs, ASID[15:8] must be zero.
  if (!idr.idr0.asid16 && (c.asid >> 8) != 0)
    return detail::cd_bad("CD.ASID[15:8] non-zero but SMMU_IDR0.ASID16 == 0 (8-bit ASIDs) (§5.4 ASID)");

  // TxSZ, TGx and TTBx of each enabled half; EPDx == 1 makes that half's T{x}SZ, TGx, IRx,
  // ORx, SHx, TTBx (and SKLx, DisCHx) IGNORED (§5.4 EPD0, §5.4.1.1).
  // eff_IPS = MIN(CD.IPS, SMMU_IDR5.OAS) (§5.4 IPS: a larger IPS "behaves as though this field
  // equals the cap size"). A Reserved IPS (0b110/0b111 in SMMUv3.0, 0b111 in SMMUv3.1-3.3)
  // behaves as the revision's largest size, which is never below OAS (§6.3.6: 52-bit OAS is
  // Reserved in SMMUv3.0, 56-bit needs SMMUv3.4), so the MIN gives the same answer.
  const unsigned eff_ips = smmuv3::cd::effective_ips_bits(fmt, c.ips, static_cast<std::uint8_t>(idr.idr5.oas));
  if (!c.epd0) {
    const detail::TtbHalf h0{c.t0sz, smmuv3::cd::tg0_granule(c.tg0), c.ttb0,
                             static_cast<std::uint8_t>(idr.idr5.d128 ? c.hwu0x : 0)};
    if (const char* why = detail::check_ttb_half(idr, fmt, c.ds, eff_ips, h0, detail::kTtb0Reasons)) return detail::cd_bad(why);
  }
  if (!c.epd1) {
    const detail::TtbHalf h1{c.t1sz, smmuv3::cd::tg1_granule(c.tg1), c.ttb1,
                             static_cast<std::uint8_t>(idr.idr5.d128 ? c.hwu1x : 0)};
    if (const char* why = detail::check_ttb_half(idr, fmt, c.ds, eff_ips, h1, detail::kTtb1Reasons)) return detail::cd_bad(why);
  }

  // Permission indirection encodings (§5.4 PIIU, PIIP; §5.4.2). NS-EL1 has unprivileged
  // transactions, so PIIU is checked too.
  if (pi_enabled) {
    for (unsigned p = 0; p < 16; ++p) {
      const std::uint64_t priv = (c.piip >> (3 * p)) & 7u;
      const std::uint64_t unpriv = (c.piiu >> (3 * p)) & 7u;
      if (detail::pi_reserved(priv)) return detail::cd_bad("CD.PIIP<p> holds a Reserved encoding (0b100 or 0b110) (§5.4 PIIP)");
      if (detail::pi_reserved(unpriv)) return detail::cd_bad("CD.PIIU<p> holds a Reserved encoding (0b100 or 0b110) (§5.4 PIIU)");
      if ((priv & 0b010) != 0 && (unpriv & 0b100) != 0)
        return detail::cd_bad("CD.PIIP<p> grants privileged execute while CD.PIIU<p> grants unprivileged write (§5.4 PIIP)");
    }
  }
  return {};
}

/// The CD as located from an STE with S1STALLD, S1PIE and S1MPAM all 0 (the STE the stock
/// Linux driver writes for a stage 1 domain whose master may stall, or when stalls are not
/// supported): see `validate_cd(policy, ste, cd)`.
constexpr CdResult validate_cd(const Policy& policy, const smmuv3::Words<smmuv3::kCdWords>& cd) noexcept {
  return validate_cd(policy, CdStreamContext{}, cd);
}

/// Whether a Level 1 CD table descriptor (§5.3) leads to an L2 CD table, for a guest that has
/// no stage 2: L2Ptr is then a PA that must lie inside SMMU_IDR5.OAS ("Bits above the
/// implemented OA size ... are RES0"; out of range: C_BAD_SUBSTREAMID in SMMUv3.1 and later,
/// §3.4.3 note 3, and the SMMUv3.0 CONSTRAINED UNPREDICTABLE choice made here).
constexpr CdResult validate_l1_cd_descriptor(const Policy& policy, const CdStreamContext& ste,
                                             const smmuv3::Words<smmuv3::kL1CdWords>& desc) noexcept {
  const smmuv3::L1CdTableDescriptor d = smmuv3::decode_l1cd(desc);
  if (!d.v)
    return {CdVerdict::invalid, "L1CD.V == 0: a CD fetch through it gets C_BAD_SUBSTREAMID (§5.3.1, §7.3.9)"};
  if (smmuv3::any(smmuv3::l1cd_res0_bits(desc)))
    return {CdVerdict::bad_substreamid, "L1CD Reserved RES0 bits [11:1] or [63:56] set (§5.3, Chapter 5)"};
  if ((d.l2_ptr & smmuv3::l1cd_l2ptr_res0_mask(ste.s1fmt)) != 0)
    return {CdVerdict::bad_substreamid, "L1CD.L2Ptr[15:12] are RES0 with 64KB L2 CD tables (STE.S1Fmt == 0b10) (§5.2 S1Fmt)"};
  const unsigned oas = smmuv3::reg::oas_bits(policy.idr.idr5.oas);
  if (oas < 64 && (d.l2_ptr >> oas) != 0)
    return {CdVerdict::bad_substreamid, "L1CD.L2Ptr outside SMMU_IDR5.OAS (§5.3 L2Ptr, §3.4.3, §7.3.9)"};
  return {};
}

/// The L1CD as located from an STE with 64KB L2 CD tables (STE.S1Fmt == 0b10), the only
/// 2-level layout the stock Linux driver uses (arm_smmu_alloc_cd_tables).
constexpr CdResult validate_l1_cd_descriptor(const Policy& policy,
                                             const smmuv3::Words<smmuv3::kL1CdWords>& desc) noexcept {
  return validate_l1_cd_descriptor(policy, CdStreamContext{}, desc);
}

}  // namespace vsmmu
