// SPDX-License-Identifier: MIT
// The Context Descriptor (CD): the 64-byte stage 1 configuration record an STE points at
// (IHI 0070 G.b §5.4 "CD, Context Descriptor"; validity rules in §5.4.2 "Validity of CD").
//
// Revision: every field of IHI 0070 G.b (2025, SMMUv3.4 plus RME DA) is described, including
// the SMMUv3.3/3.4 fields (E0PD0/1, HAFT, PnCH, EPAN, AIE, DS, PIE, PIIU, PIIP) and the
// fields that exist only when SMMU_IDR5.D128 == 1 (DisCH0/1, SKL0/1). Section numbers below
// are those of G.b; bit positions are the same in every issue that has the field.
//
// Cross-checked against: Linux drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h (CTXDESC_CD_*),
// QEMU include/hw/arm/smmuv3-common.h (CD_0..CD_5) and FreeBSD sys/arm64/iommu/smmureg.h
// (CD0_*). They agree with G.b wherever they define a field. Where they differ or stop:
//   - Linux defines only word 0 and TTB0 (GENMASK(51,4)); it is silent on words 2 and 4-7
//     and on TTB0 bits [55:52] (VMSAv9-128).
//   - QEMU reads CD[39:38] as one 2-bit "TBI" field; G.b names the same two bits TBI0 and TBI1.
//     QEMU names bit 65/129 HAD0/HAD1 only; G.b gives those bits to DisCH0/DisCH1 when
//     SMMU_IDR5.D128 == 1. Older QEMU (2018 smmuv3-internal.h CD_TTB) read only TTB bits
//     [50:4], dropping bit 51; current QEMU reads [51:4] like Linux.
//   - gem5 (src/dev/arm/smmu_v3_defs.hh) places HWU0 bits 59..62 at CD[127:124], as G.b does.
//
// Bits whose meaning depends on the implementation rather than on the CD: bit 65 is HAD0, or
// DisCH0 when SMMU_IDR5.D128 == 1; bits [127:126] are HWU061/HWU062 (the spec's "HWU0<x>"),
// or SKL0 when SMMU_IDR5.D128 == 1; likewise bit 129 (HAD1/DisCH1) and bits [191:190]
// (HWU1<x>/SKL1). A record layer cannot know SMMU_IDR5, so each such bit group is one struct
// member, named after both meanings, and both accessor names exist (`cd::Had0` and
// `cd::DisCh0` are the same bit).
//
// RES0: `kCdRes0` holds the bits that are "Reserved, RES0" in every configuration: [121:120],
// [185:184], [383:376], [447:432] and [511:496]. Many defined fields are additionally RES0
// only in some configurations (for example TTB0 bits [119:116] unless CD.AA64 selects
// VMSAv9-128, T1SZ/TG1/... when StreamWorld is any-EL2 or EL3, E0PD0 when SMMU_IDR3.E0PD == 0);
// those depend on the STE and the ID registers and are left to the sanitizer. The helpers at
// the end of this header give the architecture rules it needs. Bits [351:320] are
// IMPLEMENTATION DEFINED, not RES0 (`kCdImplDefined`).
#pragma once

#include <cstddef>
#include <cstdint>

#include "smmuv3/address_size.hpp"
#include "smmuv3/bitfield.hpp"
#include "smmuv3/record.hpp"

namespace smmuv3 {

inline constexpr std::size_t kCdWords = 8;
inline constexpr std::size_t kCdBytes = 64;

/// CD.TG0 (§5.4 TG0, bits [7:6]): the TCR_ELx.TG0 encoding. 0b11 is Reserved.
enum class CdTg0 : std::uint8_t { size_4kb = 0, size_64kb = 1, size_16kb = 2 };

/// CD.TG1 (§5.4 TG1, bits [23:22]): the TCR_ELx.TG1 encoding, which differs from TG0's
/// ("consistent with the Translation System in the A-profile architecture"). 0b00 is Reserved.
enum class CdTg1 : std::uint8_t { size_16kb = 1, size_4kb = 2, size_64kb = 3 };

/// CD.IR0/OR0/IR1/OR1 (§5.4 IR0): table-walk cacheability, the TCR IRGN/ORGN encoding.
enum class CdCacheability : std::uint8_t {
  non_cacheable = 0,
  write_back_ra_wa = 1,     // Write-back Cacheable, Read-Allocate, Write-Allocate
  write_through_ra = 2,     // Write-through Cacheable, Read-Allocate
  write_back_ra_no_wa = 3,  // Write-back Cacheable, Read-Allocate, no Write-Allocate
};

/// CD.SH0/SH1 (§5.4 SH0). 0b01 is Reserved and behaves as 0b00; a decoded 1 is kept as 1.
enum class CdShareability : std::uint8_t { non_shareable = 0, outer_shareable = 2, inner_shareable = 3 };

/// CD.IPS (§5.4 IPS, bits [34:32]), the TCR_ELx.PS encoding. 0b110 is 52 bits from SMMUv3.1
/// (Reserved, behaves as 0b101, in SMMUv3.0); 0b111 is 56 bits from SMMUv3.4 (Reserved,
/// behaving as 0b110 in SMMUv3.1-3.3 and as 0b101 in SMMUv3.0).
enum class CdIps : std::uint8_t {
  bits_32 = 0,
  bits_36 = 1,
  bits_40 = 2,
  bits_42 = 3,
  bits_44 = 4,
  bits_48 = 5,
  bits_52 = 6,
  bits_56 = 7,
};

/// One 3-bit entry of CD.PIIU or CD.PIIP (§5.4 PIIU<p>, PIIP<p>). 0b100 and 0b110 are
/// reserved and make the CD ILLEGAL (C_BAD_CD) when permission indirection is enabled. This
/// is not the PIRE0_ELx/PIR_ELx Perm encoding.
enum class CdPermission : std::uint8_t {
  no_access = 0,
  read_only = 1,
  execute_only = 2,
  read_execute = 3,
  read_write = 5,
  read_write_execute = 7,
};

/// Field accessors on raw CD words (IHI 0070 G.b §5.4), plus the CD's architecture helpers.
namespace cd {

// Word 0, bits [63:0].
using T0sz = Bits<5, 0>;
using Tg0 = Bits<7, 6>;
using Ir0 = Bits<9, 8>;
using Or0 = Bits<11, 10>;
using Sh0 = Bits<13, 12>;
using Epd0 = Bit<14>;
using Endi = Bit<15>;
using T1sz = Bits<21, 16>;
using Tg1 = Bits<23, 22>;
using Ir1 = Bits<25, 24>;
using Or1 = Bits<27, 26>;
using Sh1 = Bits<29, 28>;
using Epd1 = Bit<30>;
using V = Bit<31>;
using Ips = Bits<34, 32>;
using Affd = Bit<35>;
using Wxn = Bit<36>;
using Uwxn = Bit<37>;
using Tbi0 = Bit<38>;
using Tbi1 = Bit<39>;
using Pan = Bit<40>;
using Aa64 = Bit<41>;
using Hd = Bit<42>;
using Ha = Bit<43>;
using S = Bit<44>;
using R = Bit<45>;
using A = Bit<46>;
using Aset = Bit<47>;
using Asid = Bits<63, 48>;

// Word 1, bits [127:64]: the TTB0 half.
using Nscfg0 = Bit<64>;
/// Bit 65: HAD0, or DisCH0 when SMMU_IDR5.D128 == 1 (the same bit under two names).
using Had0 = Bit<65>;
using DisCh0 = Bit<65>;
using E0pd0 = Bit<66>;
using Haft = Bit<67>;
/// TTB0[55:4] in bits [119:68]. Address bits [55:52] exist only for VMSAv9-128; for the
/// other formats bits [119:116] are RES0 (see ttb_addr_mask()).
using Ttb0 = Addr<119, 68, 4>;
// Bits [121:120] are RES0.
using Pnch = Bit<122>;
using Epan = Bit<123>;
using Hwu059 = Bit<124>;
using Hwu060 = Bit<125>;
/// Bits [127:126]: the spec's "HWU0<x>" (HWU062 in bit 127, HWU061 in bit 126), or SKL0 when
/// SMMU_IDR5.D128 == 1.
using Hwu0x = Bits<127, 126>;
using Hwu061 = Bit<126>;
using Hwu062 = Bit<127>;
using Skl0 = Bits<127, 126>;

// Word 2, bits [191:128]: the TTB1 half.
using Nscfg1 = Bit<128>;
/// Bit 129: HAD1, or DisCH1 when SMMU_IDR5.D128 == 1.
using Had1 = Bit<129>;
using DisCh1 = Bit<129>;
using E0pd1 = Bit<130>;
using Aie = Bit<131>;
/// TTB1[55:4] in bits [183:132]; bits [183:180] are RES0 unless VMSAv9-128.
using Ttb1 = Addr<183, 132, 4>;
// Bits [185:184] are RES0.
using Ds = Bit<186>;
using Pie = Bit<187>;
using Hwu159 = Bit<188>;
using Hwu160 = Bit<189>;
/// Bits [191:190]: "HWU1<x>" (HWU162, HWU161), or SKL1 when SMMU_IDR5.D128 == 1.
using Hwu1x = Bits<191, 190>;
using Hwu161 = Bit<190>;
using Hwu162 = Bit<191>;
using Skl1 = Bits<191, 190>;

// Words 3-4: MAIR and AMAIR, each split in two 32-bit halves as the spec lists them.
using Mair0 = Bits<223, 192>;
using Mair1 = Bits<255, 224>;
using Amair0 = Bits<287, 256>;
using Amair1 = Bits<319, 288>;

// Word 5.
using ImplDef = Bits<351, 320>;
using Partid = Bits<367, 352>;
using Pmg = Bits<375, 368>;
// Bits [383:376] are RES0.

// Words 6-7: 16 three-bit permission interpretations each; entry p is bits [3p+2:3p] of the
// field (PIIU<p> is CD[3p+386:3p+384], PIIP<p> is CD[3p+450:3p+448]).
using Piiu = Bits<431, 384>;
// Bits [447:432] are RES0.
using Piip = Bits<495, 448>;
// Bits [511:496] are RES0.

}  // namespace cd

/// A CD, field by field (§5.4). Members are in spec order; enum members keep reserved
/// encodings as their numbers; TTB0/TTB1 are byte addresses.
struct Cd {
  std::uint8_t t0sz = 0;
  CdTg0 tg0{};
  CdCacheability ir0{};
  CdCacheability or0{};
  CdShareability sh0{};
  bool epd0 = false;
  bool endi = false;
  std::uint8_t t1sz = 0;
  CdTg1 tg1{};
  CdCacheability ir1{};
  CdCacheability or1{};
  CdShareability sh1{};
  bool epd1 = false;
  bool v = false;
  CdIps ips{};
  bool affd = false;
  bool wxn = false;
  bool uwxn = false;
  bool tbi0 = false;
  bool tbi1 = false;
  bool pan = false;
  bool aa64 = false;
  bool hd = false;
  bool ha = false;
  bool s = false;
  bool r = false;
  bool a = false;
  bool aset = false;
  std::uint16_t asid = 0;

  bool nscfg0 = false;
  bool had0 = false;  // HAD0, or DisCH0 when SMMU_IDR5.D128 == 1
  bool e0pd0 = false;
  bool haft = false;
  std::uint64_t ttb0 = 0;
  bool pnch = false;
  bool epan = false;
  bool hwu059 = false;
  bool hwu060 = false;
  std::uint8_t hwu0x = 0;  // bits [127:126]: {HWU062, HWU061}, or SKL0 when D128

  bool nscfg1 = false;
  bool had1 = false;  // HAD1, or DisCH1 when SMMU_IDR5.D128 == 1
  bool e0pd1 = false;
  bool aie = false;
  std::uint64_t ttb1 = 0;
  bool ds = false;
  bool pie = false;
  bool hwu159 = false;
  bool hwu160 = false;
  std::uint8_t hwu1x = 0;  // bits [191:190]: {HWU162, HWU161}, or SKL1 when D128

  std::uint32_t mair0 = 0;
  std::uint32_t mair1 = 0;
  std::uint32_t amair0 = 0;
  std::uint32_t amair1 = 0;
  std::uint32_t impl_def = 0;
  std::uint16_t partid = 0;
  std::uint8_t pmg = 0;
  std::uint64_t piiu = 0;  // PIIU<15..0>, entry p in bits [3p+2:3p]
  std::uint64_t piip = 0;  // PIIP<15..0>, entry p in bits [3p+2:3p]

  friend constexpr bool operator==(const Cd&, const Cd&) = default;

  /// Every CD field in spec bit order: the single list encode, decode_cd, for_each_field and
  /// kCdDefined are all derived from (record.hpp). A bit group with two meanings (HAD0/DisCH0,
  /// HWU0<x>/SKL0, HAD1/DisCH1, HWU1<x>/SKL1) is listed once, under both names, because the
  /// meaning depends on SMMU_IDR5.D128, not on the CD. Self is `Cd` or `const Cd`.
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cd::T0sz{}, "T0SZ", s.t0sz);
    v(cd::Tg0{}, "TG0", s.tg0);
    v(cd::Ir0{}, "IR0", s.ir0);
    v(cd::Or0{}, "OR0", s.or0);
    v(cd::Sh0{}, "SH0", s.sh0);
    v(cd::Epd0{}, "EPD0", s.epd0);
    v(cd::Endi{}, "ENDI", s.endi);
    v(cd::T1sz{}, "T1SZ", s.t1sz);
    v(cd::Tg1{}, "TG1", s.tg1);
    v(cd::Ir1{}, "IR1", s.ir1);
    v(cd::Or1{}, "OR1", s.or1);
    v(cd::Sh1{}, "SH1", s.sh1);
    v(cd::Epd1{}, "EPD1", s.epd1);
    v(cd::V{}, "V", s.v);
    v(cd::Ips{}, "IPS", s.ips);
    v(cd::Affd{}, "AFFD", s.affd);
    v(cd::Wxn{}, "WXN", s.wxn);
    v(cd::Uwxn{}, "UWXN", s.uwxn);
    v(cd::Tbi0{}, "TBI0", s.tbi0);
    v(cd::Tbi1{}, "TBI1", s.tbi1);
    v(cd::Pan{}, "PAN", s.pan);
    v(cd::Aa64{}, "AA64", s.aa64);
    v(cd::Hd{}, "HD", s.hd);
    v(cd::Ha{}, "HA", s.ha);
    v(cd::S{}, "S", s.s);
    v(cd::R{}, "R", s.r);
    v(cd::A{}, "A", s.a);
    v(cd::Aset{}, "ASET", s.aset);
    v(cd::Asid{}, "ASID", s.asid);
    v(cd::Nscfg0{}, "NSCFG0", s.nscfg0);
    v(cd::Had0{}, "HAD0/DisCH0", s.had0);
    v(cd::E0pd0{}, "E0PD0", s.e0pd0);
    v(cd::Haft{}, "HAFT", s.haft);
    v(cd::Ttb0{}, "TTB0", s.ttb0);
    v(cd::Pnch{}, "PnCH", s.pnch);
    v(cd::Epan{}, "EPAN", s.epan);
    v(cd::Hwu059{}, "HWU059", s.hwu059);
    v(cd::Hwu060{}, "HWU060", s.hwu060);
    v(cd::Hwu0x{}, "HWU0<x>/SKL0", s.hwu0x);
    v(cd::Nscfg1{}, "NSCFG1", s.nscfg1);
    v(cd::Had1{}, "HAD1/DisCH1", s.had1);
    v(cd::E0pd1{}, "E0PD1", s.e0pd1);
    v(cd::Aie{}, "AIE", s.aie);
    v(cd::Ttb1{}, "TTB1", s.ttb1);
    v(cd::Ds{}, "DS", s.ds);
    v(cd::Pie{}, "PIE", s.pie);
    v(cd::Hwu159{}, "HWU159", s.hwu159);
    v(cd::Hwu160{}, "HWU160", s.hwu160);
    v(cd::Hwu1x{}, "HWU1<x>/SKL1", s.hwu1x);
    v(cd::Mair0{}, "MAIR0", s.mair0);
    v(cd::Mair1{}, "MAIR1", s.mair1);
    v(cd::Amair0{}, "AMAIR0", s.amair0);
    v(cd::Amair1{}, "AMAIR1", s.amair1);
    v(cd::ImplDef{}, "IMPLEMENTATION DEFINED", s.impl_def);
    v(cd::Partid{}, "PARTID", s.partid);
    v(cd::Pmg{}, "PMG", s.pmg);
    v(cd::Piiu{}, "PIIU", s.piiu);
    v(cd::Piip{}, "PIIP", s.piip);
  }
};

/// No two CD fields share a bit: each dual-meaning bit group above is one member, so the list
/// stays disjoint even though `cd::Had0`/`cd::DisCh0` (etc.) name the same bits.
static_assert(fields_disjoint<kCdWords, Cd>(), "two CD fields claim the same bit");

/// Every bit some CD field occupies (in at least one configuration).
inline constexpr Words<kCdWords> kCdDefined = fields_mask<kCdWords, Cd>();

/// The bits that are "Reserved, RES0" in every configuration (§5.4): [121:120], [185:184],
/// [383:376], [447:432], [511:496]. Exactly the complement of kCdDefined.
inline constexpr Words<kCdWords> kCdRes0 = complement(kCdDefined);

/// CD[351:320], IMPLEMENTATION DEFINED ("for example QoS, allocation, or transient hints").
inline constexpr Words<kCdWords> kCdImplDefined = mask_of<kCdWords, cd::ImplDef>();

/// The always-RES0 bits that `w` has set; all zero for a clean CD.
constexpr Words<kCdWords> cd_res0_bits(const Words<kCdWords>& w) noexcept {
  return bits_in(w, kCdRes0);
}

/// Builds a CD's words; a value that does not fit its field is reported by spec name (the
/// first in spec order).
constexpr Encoded<kCdWords> encode(const Cd& c) noexcept { return encode_fields<kCdWords>(c); }

/// Reads every field of a CD. Never rejects: reserved encodings are kept as numbers, and the
/// always-RES0 bits are ignored (see cd_res0_bits()).
constexpr Cd decode_cd(const Words<kCdWords>& w) noexcept { return decode_fields<Cd>(w); }

// for_each_field(const Cd&, f) is record.hpp's: f("SpecName", value) for every field of
// Cd::fields in spec order (enums and bools as numbers, TTB0/TTB1 as byte addresses).

// ---------------------------------------------------------------------------------------------
// Architecture helpers (no policy): what the spec says a field value means. They take the
// ID-register and STE facts the rule depends on as arguments.
namespace cd {

/// MAIR as the 64-bit concatenation {MAIR1, MAIR0} the spec indexes by AttrIndx (§5.4 MAIR1).
constexpr std::uint64_t mair(const Cd& c) noexcept {
  return (std::uint64_t{c.mair1} << 32) | c.mair0;
}
/// AMAIR as {AMAIR1, AMAIR0} (§5.4 AMAIR1).
constexpr std::uint64_t amair(const Cd& c) noexcept {
  return (std::uint64_t{c.amair1} << 32) | c.amair0;
}

/// Bit 65 read as DisCH0 and bits [127:126] as SKL0 (meaningful when SMMU_IDR5.D128 == 1).
constexpr bool disch0(const Cd& c) noexcept { return c.had0; }
constexpr std::uint8_t skl0(const Cd& c) noexcept { return c.hwu0x; }
constexpr bool disch1(const Cd& c) noexcept { return c.had1; }
constexpr std::uint8_t skl1(const Cd& c) noexcept { return c.hwu1x; }
/// HWU061/HWU062 and HWU161/HWU162 (meaningful when SMMU_IDR5.D128 == 0): bit 126/190 is
/// HWUx61, bit 127/191 is HWUx62 (§5.4 "HWU0<x>, bits [127:126]: HWU062 and HWU061").
constexpr bool hwu061(const Cd& c) noexcept { return (c.hwu0x & 1u) != 0; }
constexpr bool hwu062(const Cd& c) noexcept { return (c.hwu0x & 2u) != 0; }
constexpr bool hwu161(const Cd& c) noexcept { return (c.hwu1x & 1u) != 0; }
constexpr bool hwu162(const Cd& c) noexcept { return (c.hwu1x & 2u) != 0; }

/// Entry p (0..15) of PIIU/PIIP, as PIIx[(p*3)+2 : p*3]; an index above 15 has no entry and
/// reads as 0 (No Access).
constexpr CdPermission piiu_entry(const Cd& c, unsigned p) noexcept {
  return p < 16 ? static_cast<CdPermission>((c.piiu >> (3 * p)) & 7u) : CdPermission::no_access;
}
constexpr CdPermission piip_entry(const Cd& c, unsigned p) noexcept {
  return p < 16 ? static_cast<CdPermission>((c.piip >> (3 * p)) & 7u) : CdPermission::no_access;
}

/// A translation granule, independent of the TG0/TG1 encodings.
enum class Granule : std::uint8_t { reserved = 0, size_4kb, size_16kb, size_64kb };

/// TG0 encoding -> granule (§5.4 TG0: 0b00 4KB, 0b01 64KB, 0b10 16KB, 0b11 Reserved).
constexpr Granule tg0_granule(CdTg0 tg) noexcept {
  switch (tg) {
    case CdTg0::size_4kb: return Granule::size_4kb;
    case CdTg0::size_64kb: return Granule::size_64kb;
    case CdTg0::size_16kb: return Granule::size_16kb;
  }
  return Granule::reserved;
}
/// TG1 encoding -> granule (§5.4 TG1: 0b00 Reserved, 0b01 16KB, 0b10 4KB, 0b11 64KB).
constexpr Granule tg1_granule(CdTg1 tg) noexcept {
  switch (tg) {
    case CdTg1::size_16kb: return Granule::size_16kb;
    case CdTg1::size_4kb: return Granule::size_4kb;
    case CdTg1::size_64kb: return Granule::size_64kb;
  }
  return Granule::reserved;
}
/// log2 of the granule size (12, 14, 16); 0 for a reserved encoding.
constexpr unsigned granule_shift(Granule g) noexcept {
  switch (g) {
    case Granule::size_4kb: return 12;
    case Granule::size_16kb: return 14;
    case Granule::size_64kb: return 16;
    case Granule::reserved: break;
  }
  return 0;
}
/// Granule size in bytes; 0 for a reserved encoding.
constexpr std::uint64_t granule_bytes(Granule g) noexcept {
  const unsigned shift = granule_shift(g);
  return shift == 0 ? 0 : std::uint64_t{1} << shift;
}
constexpr std::uint64_t tg0_granule_bytes(CdTg0 tg) noexcept { return granule_bytes(tg0_granule(tg)); }
constexpr std::uint64_t tg1_granule_bytes(CdTg1 tg) noexcept { return granule_bytes(tg1_granule(tg)); }

/// Number of address bits an IPS encoding selects (§5.4 IPS): 32, 36, 40, 42, 44, 48, 52, 56
/// as in the current revision (see CdIps for 0b110/0b111 in older revisions); 0 for a value
/// that is not a 3-bit encoding.
constexpr unsigned ips_bits(CdIps ips) noexcept {
  return smmuv3::detail::pa_size_bits(static_cast<std::uint8_t>(ips));
}

/// The descriptor format CD.AA64 selects (§5.4 AA64): 1 is VMSAv8-64; 0 is VMSAv9-128 when
/// SMMU_IDR5.D128 == 1, otherwise VMSAv8-32 LPAE.
enum class TableFormat : std::uint8_t { vmsav8_32_lpae, vmsav8_64, vmsav9_128 };
constexpr TableFormat table_format(bool cd_aa64, bool idr5_d128) noexcept {
  if (cd_aa64) return TableFormat::vmsav8_64;
  return idr5_d128 ? TableFormat::vmsav9_128 : TableFormat::vmsav8_32_lpae;
}

/// eff_IPS in bits (§5.4 IPS): for VMSAv8-64 and VMSAv9-128, MIN(CD.IPS, SMMU_IDR5.OAS) (the
/// two use the same encoding); for VMSAv8-32 LPAE, IPS is IGNORED and 40 bits are used.
constexpr unsigned effective_ips_bits(TableFormat fmt, CdIps ips, std::uint8_t idr5_oas) noexcept {
  if (fmt == TableFormat::vmsav8_32_lpae) return 40;
  const auto cd_raw = static_cast<std::uint8_t>(ips);
  return ips_bits(static_cast<CdIps>(cd_raw < idr5_oas ? cd_raw : idr5_oas));
}

/// The inclusive range of valid TxSZ values.
struct TxszLimits {
  std::uint8_t min = 0;
  std::uint8_t max = 0;
  constexpr bool contains(unsigned txsz) const noexcept { return txsz >= min && txsz <= max; }
  friend constexpr bool operator==(const TxszLimits&, const TxszLimits&) = default;
};

/// The facts the TxSZ rule depends on besides the granule.
struct TxszContext {
  bool idr3_stt = false;         // SMMU_IDR3.STT (small translation tables)
  std::uint8_t idr5_vax = 0;     // SMMU_IDR5.VAX: 0b00 48-bit, 0b01 52-bit, 0b10 56-bit VA
  bool idr5_ds = false;          // SMMU_IDR5.DS
  bool cd_ds = false;            // CD.DS
  bool vmsa128 = false;          // CD.AA64 selects VMSAv9-128
  bool streamworld_el3 = false;  // STE StreamWorld is EL3
};

/// Valid CD.T0SZ/T1SZ range for a granule with VMSAv8-64 or VMSAv9-128 tables, as the CD
/// validity pseudocode computes it (§5.4.2 CDTxSZInvalid(); §5.4 T0SZ states the same rule):
///   max: 39 if SMMU_IDR3.STT == 0; otherwise 48 for 4KB/16KB and 47 for 64KB.
///   min: 16, lowered to 12 when SMMU_IDR5.VAX indicates 52-bit VAs and the granule is 64KB or
///        SMMU_IDR5.DS == CD.DS == 1 or the tables are VMSAv9-128; when VAX indicates 56-bit
///        VAs, VMSAv9-128 lowers it to 8 (StreamWorld EL3) or 9 (others), VMSAv8-64 to 12 under
///        the same 64KB/DS condition.
/// In SMMUv3.1 and later a TxSZ outside this range makes the CD ILLEGAL (SMMUv3.0: CONSTRAINED
/// UNPREDICTABLE, possibly clamped to 16..39). Note: the §5.4 T0SZ prose gives VMSAv9-128 a
/// maximum of 48/47 without mentioning STT; this follows the pseudocode, which does. A
/// reserved granule yields an empty range (min > max). VMSAv8-32 LPAE has no such rule (every
/// 3-bit T0SZ is valid) and is not covered here.
constexpr TxszLimits txsz_limits(Granule g, const TxszContext& ctx) noexcept {
  if (g == Granule::reserved) return {1, 0};
  const bool small_granule = g == Granule::size_4kb || g == Granule::size_16kb;
  const std::uint8_t max = !ctx.idr3_stt ? 39 : (small_granule ? 48 : 47);
  const bool lpa = g == Granule::size_64kb || (ctx.idr5_ds && ctx.cd_ds);
  std::uint8_t min = 16;
  if (ctx.idr5_vax == 0b10) {
    if (ctx.vmsa128)
      min = ctx.streamworld_el3 ? 8 : 9;
    else if (lpa)
      min = 12;
  } else if (ctx.idr5_vax == 0b01) {
    if (lpa || ctx.vmsa128) min = 12;
  }
  return {min, max};
}

/// Address bits the TTB0/TTB1 field may carry for a format (§5.4 TTB0, SMMUv3.1 and later):
/// [55:4] for VMSAv9-128, [51:4] otherwise (field bits [119:116]/[183:180] are then RES0).
/// SMMUv3.0 limits TTBx to [47:4].
constexpr std::uint64_t ttb_addr_mask(TableFormat fmt) noexcept {
  constexpr std::uint64_t below_bit52 = (std::uint64_t{1} << 52) - 1;
  return fmt == TableFormat::vmsav9_128 ? Ttb0::addr_mask : (Ttb0::addr_mask & below_bit52);
}

/// The TTBx address limit, in bits, above which the CD is ILLEGAL (§5.4 TTB0): the effective
/// IPS, and additionally 48 bits when VMSAv8-64 is used with CD.DS == 0 and a granule smaller
/// than 64KB.
constexpr unsigned ttb_addr_limit_bits(TableFormat fmt, Granule g, bool cd_ds, unsigned eff_ips_bits) noexcept {
  if (fmt == TableFormat::vmsav8_64 && !cd_ds && g != Granule::size_64kb && eff_ips_bits > 48) return 48;
  return eff_ips_bits;
}

/// x such that TTBx bits [x-1:0] "are treated as if all the bits are zero" (§5.4 TTB0/TTB1).
/// The SMMU spec does NOT make these bits RES0 or ILLEGAL: the SMMU aligns the value itself.
/// x is "defined by the required alignment of the translation table as given by the VMSA",
/// i.e. the start table is aligned to its own size (Arm ARM DDI 0487 D8.2.5.2 "Translation
/// table alignment"), with these minimums:
///   - VMSAv8-64: 64 bytes (x >= 6) when eff_IPS is above 48 bits (§5.4: "64-byte minimum
///     alignment ... when the effective IPS value indicates 52-bit output"; DDI 0487
///     D8.2.5.2: fewer than eight entries with an OA above 48 bits).
///   - VMSAv9-128: 32 bytes (x >= 5) regardless of IPS (§5.4; TTBRn_ELx.BADDR "smallest
///     permitted value of x is 5"), which two 16-byte entries already give. With SKL > 0 the
///     walk starts SKL levels lower, at a full table (one granule).
///   - VMSAv8-32 LPAE: x = 5 - T0SZ for T0SZ 0 or 1, else 14 - T0SZ (AArch32 TTBR0, which the
///     general formula below reproduces with a 32-bit input size).
/// Start table size: the initial lookup level resolves ((IA - g - 1) mod stride) + 1 address
/// bits, where IA = 64 - TxSZ (32 - T0SZ[2:0] for LPAE), g = log2(granule) and stride = g - 3
/// (g - 4 for 16-byte VMSAv9-128 descriptors); x = those bits + log2(descriptor size).
/// Returns 0 where the rule is undefined: reserved granule, TxSZ leaving no input bits above
/// the page offset, or an SKL that starts the walk beyond level 3 (§5.4.2 CDSLInvalidD128()).
constexpr unsigned ttb_align_shift(TableFormat fmt, Granule g, unsigned txsz, unsigned eff_ips_bits,
                                   unsigned skl = 0) noexcept {
  unsigned gshift = granule_shift(g);
  unsigned ia = 0;
  unsigned desc_shift = 3;
  switch (fmt) {
    case TableFormat::vmsav8_32_lpae:
      gshift = 12;
      ia = 32 - (txsz & 7u);
      break;
    case TableFormat::vmsav8_64:
      if (txsz > 63) return 0;
      ia = 64 - txsz;
      break;
    case TableFormat::vmsav9_128:
      if (txsz > 63) return 0;
      ia = 64 - txsz;
      desc_shift = 4;
      break;
  }
  if (gshift == 0 || ia <= gshift) return 0;
  const unsigned stride = gshift - desc_shift;
  const unsigned start_bits = ((ia - gshift - 1) % stride) + 1;
  if (fmt == TableFormat::vmsav9_128) {
    // VMSAv9-128 start levels go down to -2 (4KB granule, 56-bit input), hence signed.
    const int start_level = 3 - static_cast<int>((ia - 1 - gshift) / stride);
    if (skl > 3 || start_level + static_cast<int>(skl) > 3) return 0;
    // A start table resolves at least one bit, so x >= 1 + 4: the 32-byte minimum always holds.
    return (skl == 0 ? start_bits : stride) + desc_shift;
  }
  const unsigned x = start_bits + desc_shift;
  if (fmt == TableFormat::vmsav8_64 && eff_ips_bits > 48 && x < 6) return 6;
  return x;
}

}  // namespace cd

}  // namespace smmuv3
