// SPDX-License-Identifier: MIT
// SMMU identification registers: SMMU_IDR0-3, IDR5, IDR6, IIDR and AIDR (IHI 0070 G.b §6.3.1-
// §6.3.8, §6.3.45). All are 32-bit, read-only, and hold constants after reset (§6.2).
// SMMU_IDR4 (§6.3.5) is IMPLEMENTATION DEFINED in all its bits, so it has no field layout.
//
// Fields are listed from the most significant bit down, as the spec describes them; encode
// reports the first field (in that order) that does not fit.
#pragma once

#include <cstdint>

#include "smmuv3/address_size.hpp"
#include "smmuv3/registers/common.hpp"

namespace smmuv3::reg {

// ---------------------------------------------------------------------------------------------
// SMMU_IDR0, §6.3.1. Bits 31 and 29 are RES0.
namespace idr0 {
using RmeImpl = Bit<30>;
using StLevel = Bits<28, 27>;
using TermModel = Bit<26>;
using StallModel = Bits<25, 24>;
using AtsRecErr = Bit<23>;
using TtEndian = Bits<22, 21>;
using Vatos = Bit<20>;
using Cd2l = Bit<19>;
using Vmid16 = Bit<18>;
using Vmw = Bit<17>;
using Pri = Bit<16>;
using Atos = Bit<15>;
using Sev = Bit<14>;
using Msi = Bit<13>;
using Asid16 = Bit<12>;
using Ns1Ats = Bit<11>;
using Ats = Bit<10>;
using Hyp = Bit<9>;
using DormHint = Bit<8>;
using Httu = Bits<7, 6>;
using Btm = Bit<5>;
using CohAcc = Bit<4>;
using Ttf = Bits<3, 2>;
using S1p = Bit<1>;
using S2p = Bit<0>;
}  // namespace idr0

/// SMMU_IDR0.ST_LEVEL: multi-level Stream table support. 0b1x is Reserved.
enum class StLevel : std::uint8_t { linear = 0, two_level = 1 };

/// SMMU_IDR0.STALL_MODEL. 0b11 is Reserved. (Linux calls 0 "STALL" and 2 "FORCE".)
enum class StallModel : std::uint8_t { stall_and_terminate = 0, terminate_only = 1, stall_forced = 2 };

/// SMMU_IDR0.TTENDIAN: endianness of translation table walks. 0b01 is Reserved.
enum class TtEndian : std::uint8_t { mixed = 0, little = 2, big = 3 };

/// SMMU_IDR0.HTTU: hardware update of Access flag / Dirty state.
enum class Httu : std::uint8_t {
  none = 0,
  access = 1,
  access_dirty = 2,
  access_dirty_table_access = 3,  // "and Access flag for Table descriptors" (SMMUv3.4)
};

/// SMMU_IDR0.TTF: translation table formats. 0b00 is Reserved.
enum class Ttf : std::uint8_t { vmsav8_32_lpae = 1, vmsav8_64 = 2, vmsav8_32_lpae_and_vmsav8_64 = 3 };

struct Idr0 {
  bool rme_impl = false;
  StLevel st_level{};
  bool term_model = false;
  StallModel stall_model{};
  bool ats_rec_err = false;
  TtEndian tt_endian{};
  bool vatos = false;
  bool cd2l = false;
  bool vmid16 = false;
  bool vmw = false;
  bool pri = false;
  bool atos = false;
  bool sev = false;
  bool msi = false;
  bool asid16 = false;
  bool ns1ats = false;
  bool ats = false;
  bool hyp = false;
  bool dorm_hint = false;
  Httu httu{};
  bool btm = false;
  bool cohacc = false;
  Ttf ttf{};
  bool s1p = false;
  bool s2p = false;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(idr0::RmeImpl{}, "RME_IMPL", s.rme_impl);
    v(idr0::StLevel{}, "ST_LEVEL", s.st_level);
    v(idr0::TermModel{}, "TERM_MODEL", s.term_model);
    v(idr0::StallModel{}, "STALL_MODEL", s.stall_model);
    v(idr0::AtsRecErr{}, "ATSRECERR", s.ats_rec_err);
    v(idr0::TtEndian{}, "TTENDIAN", s.tt_endian);
    v(idr0::Vatos{}, "VATOS", s.vatos);
    v(idr0::Cd2l{}, "CD2L", s.cd2l);
    v(idr0::Vmid16{}, "VMID16", s.vmid16);
    v(idr0::Vmw{}, "VMW", s.vmw);
    v(idr0::Pri{}, "PRI", s.pri);
    v(idr0::Atos{}, "ATOS", s.atos);
    v(idr0::Sev{}, "SEV", s.sev);
    v(idr0::Msi{}, "MSI", s.msi);
    v(idr0::Asid16{}, "ASID16", s.asid16);
    v(idr0::Ns1Ats{}, "NS1ATS", s.ns1ats);
    v(idr0::Ats{}, "ATS", s.ats);
    v(idr0::Hyp{}, "Hyp", s.hyp);
    v(idr0::DormHint{}, "DORMHINT", s.dorm_hint);
    v(idr0::Httu{}, "HTTU", s.httu);
    v(idr0::Btm{}, "BTM", s.btm);
    v(idr0::CohAcc{}, "COHACC", s.cohacc);
    v(idr0::Ttf{}, "TTF", s.ttf);
    v(idr0::S1p{}, "S1P", s.s1p);
    v(idr0::S2p{}, "S2P", s.s2p);
  }
  friend constexpr bool operator==(const Idr0&, const Idr0&) = default;
};

inline constexpr Words<1> kIdr0Defined = fields_mask<1, Idr0>();
static_assert(fields_disjoint<1, Idr0>());
inline constexpr Words<1> kIdr0Res0 = complement(kIdr0Defined);
constexpr Words<1> idr0_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIdr0Res0); }

constexpr Encoded<1> encode(const Idr0& r) noexcept { return encode_fields<1>(r); }
constexpr Idr0 decode_idr0(const Words<1>& w) noexcept { return decode_fields<Idr0>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_IDR1, §6.3.2. Every bit is defined. The queue sizes are log2(entries), at most 19;
// SSIDSIZE is 0..20 and SIDSIZE 0..32 (values the field can hold beyond those are kept).
namespace idr1 {
using Ecmdq = Bit<31>;
using TablesPreset = Bit<30>;
using QueuesPreset = Bit<29>;
using Rel = Bit<28>;
using AttrTypesOvr = Bit<27>;
using AttrPermsOvr = Bit<26>;
using Cmdqs = Bits<25, 21>;
using Eventqs = Bits<20, 16>;
using Priqs = Bits<15, 11>;
using SsidSize = Bits<10, 6>;
using SidSize = Bits<5, 0>;
}  // namespace idr1

struct Idr1 {
  bool ecmdq = false;
  bool tables_preset = false;
  bool queues_preset = false;
  bool rel = false;
  bool attr_types_ovr = false;
  bool attr_perms_ovr = false;
  std::uint8_t cmdqs = 0;
  std::uint8_t eventqs = 0;
  std::uint8_t priqs = 0;
  std::uint8_t ssidsize = 0;
  std::uint8_t sidsize = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(idr1::Ecmdq{}, "ECMDQ", s.ecmdq);
    v(idr1::TablesPreset{}, "TABLES_PRESET", s.tables_preset);
    v(idr1::QueuesPreset{}, "QUEUES_PRESET", s.queues_preset);
    v(idr1::Rel{}, "REL", s.rel);
    v(idr1::AttrTypesOvr{}, "ATTR_TYPES_OVR", s.attr_types_ovr);
    v(idr1::AttrPermsOvr{}, "ATTR_PERMS_OVR", s.attr_perms_ovr);
    v(idr1::Cmdqs{}, "CMDQS", s.cmdqs);
    v(idr1::Eventqs{}, "EVENTQS", s.eventqs);
    v(idr1::Priqs{}, "PRIQS", s.priqs);
    v(idr1::SsidSize{}, "SSIDSIZE", s.ssidsize);
    v(idr1::SidSize{}, "SIDSIZE", s.sidsize);
  }
  friend constexpr bool operator==(const Idr1&, const Idr1&) = default;
};

inline constexpr Words<1> kIdr1Defined = fields_mask<1, Idr1>();
static_assert(fields_disjoint<1, Idr1>());
inline constexpr Words<1> kIdr1Res0 = complement(kIdr1Defined);
constexpr Words<1> idr1_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIdr1Res0); }

constexpr Encoded<1> encode(const Idr1& r) noexcept { return encode_fields<1>(r); }
constexpr Idr1 decode_idr1(const Words<1>& w) noexcept { return decode_fields<Idr1>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_IDR2, §6.3.3. Bits [31:10] are RES0. BA_VATOS is RES0 when SMMU_IDR0.VATOS == 0.
namespace idr2 {
using BaVatos = Bits<9, 0>;
}  // namespace idr2

struct Idr2 {
  std::uint16_t ba_vatos = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(idr2::BaVatos{}, "BA_VATOS", s.ba_vatos);
  }
  friend constexpr bool operator==(const Idr2&, const Idr2&) = default;
};

inline constexpr Words<1> kIdr2Defined = fields_mask<1, Idr2>();
static_assert(fields_disjoint<1, Idr2>());
inline constexpr Words<1> kIdr2Res0 = complement(kIdr2Defined);
constexpr Words<1> idr2_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIdr2Res0); }

constexpr Encoded<1> encode(const Idr2& r) noexcept { return encode_fields<1>(r); }
constexpr Idr2 decode_idr2(const Words<1>& w) noexcept { return decode_fields<Idr2>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_IDR3, §6.3.4. Bits [31:24], 6 and [1:0] are RES0. (Linux defines only FWB, RIL and
// BBML; QEMU leaves IDR3 at zero.)
namespace idr3 {
using Aie = Bit<23>;
using MtePerm = Bit<22>;
using The = Bit<21>;
using S2po = Bit<20>;
using S2pi = Bit<19>;
using S1pi = Bit<18>;
using Epan = Bit<17>;
using PasidTt = Bit<16>;
using Dpt = Bit<15>;
using PtwNnc = Bit<14>;
using E0pd = Bit<13>;
using Bbml = Bits<12, 11>;
using Ril = Bit<10>;
using Stt = Bit<9>;
using Fwb = Bit<8>;
using Mpam = Bit<7>;
using Pps = Bit<5>;
using Xnx = Bit<4>;
using Pbha = Bit<3>;
using Had = Bit<2>;
}  // namespace idr3

/// SMMU_IDR3.BBML: Break-Before-Make behaviour level. 0b11 is Reserved.
enum class Bbml : std::uint8_t { level0 = 0, level1 = 1, level2 = 2 };

struct Idr3 {
  bool aie = false;
  bool mteperm = false;
  bool the = false;
  bool s2po = false;
  bool s2pi = false;
  bool s1pi = false;
  bool epan = false;
  bool pasidtt = false;
  bool dpt = false;
  bool ptwnnc = false;
  bool e0pd = false;
  Bbml bbml{};
  bool ril = false;
  bool stt = false;
  bool fwb = false;
  bool mpam = false;
  bool pps = false;
  bool xnx = false;
  bool pbha = false;
  bool had = false;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(idr3::Aie{}, "AIE", s.aie);
    v(idr3::MtePerm{}, "MTEPERM", s.mteperm);
    v(idr3::The{}, "THE", s.the);
    v(idr3::S2po{}, "S2PO", s.s2po);
    v(idr3::S2pi{}, "S2PI", s.s2pi);
    v(idr3::S1pi{}, "S1PI", s.s1pi);
    v(idr3::Epan{}, "EPAN", s.epan);
    v(idr3::PasidTt{}, "PASIDTT", s.pasidtt);
    v(idr3::Dpt{}, "DPT", s.dpt);
    v(idr3::PtwNnc{}, "PTWNNC", s.ptwnnc);
    v(idr3::E0pd{}, "E0PD", s.e0pd);
    v(idr3::Bbml{}, "BBML", s.bbml);
    v(idr3::Ril{}, "RIL", s.ril);
    v(idr3::Stt{}, "STT", s.stt);
    v(idr3::Fwb{}, "FWB", s.fwb);
    v(idr3::Mpam{}, "MPAM", s.mpam);
    v(idr3::Pps{}, "PPS", s.pps);
    v(idr3::Xnx{}, "XNX", s.xnx);
    v(idr3::Pbha{}, "PBHA", s.pbha);
    v(idr3::Had{}, "HAD", s.had);
  }
  friend constexpr bool operator==(const Idr3&, const Idr3&) = default;
};

inline constexpr Words<1> kIdr3Defined = fields_mask<1, Idr3>();
static_assert(fields_disjoint<1, Idr3>());
inline constexpr Words<1> kIdr3Res0 = complement(kIdr3Defined);
constexpr Words<1> idr3_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIdr3Res0); }

constexpr Encoded<1> encode(const Idr3& r) noexcept { return encode_fields<1>(r); }
constexpr Idr3 decode_idr3(const Words<1>& w) noexcept { return decode_fields<Idr3>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_IDR5, §6.3.6. Bits [15:12], 9 and 3 are RES0.
namespace idr5 {
using StallMax = Bits<31, 16>;
using Vax = Bits<11, 10>;
using D128 = Bit<8>;
using Ds = Bit<7>;
using Gran64k = Bit<6>;
using Gran16k = Bit<5>;
using Gran4k = Bit<4>;
using Oas = Bits<2, 0>;
}  // namespace idr5

/// SMMU_IDR5.VAX: largest virtual address translated per CD.TTBx. 0b11 is Reserved.
enum class Vax : std::uint8_t { va48 = 0, va52 = 1, va56 = 2 };

/// SMMU_IDR5.OAS: output (physical) address size. 52 bits is Reserved in SMMUv3.0 and 56 bits
/// in SMMUv3.3 (56 needs SMMU_IDR5.D128, SMMUv3.4).
enum class Oas : std::uint8_t { pa32 = 0, pa36 = 1, pa40 = 2, pa42 = 3, pa44 = 4, pa48 = 5, pa52 = 6, pa56 = 7 };

/// The address size in bits an OAS encoding stands for (§6.3.6 "it is the size value that is
/// referenced, not the literal value of this field"); 0 for a value outside the field.
constexpr unsigned oas_bits(Oas oas) noexcept {
  return smmuv3::detail::pa_size_bits(static_cast<std::uint8_t>(oas));
}

/// The virtual address size in bits a VAX encoding stands for; 0 for the Reserved 0b11 (or any
/// value outside the field).
constexpr unsigned vax_bits(Vax vax) noexcept {
  switch (vax) {
    case Vax::va48: return 48;
    case Vax::va52: return 52;
    case Vax::va56: return 56;
  }
  return 0;
}

struct Idr5 {
  std::uint16_t stall_max = 0;
  Vax vax{};
  bool d128 = false;
  bool ds = false;
  bool gran64k = false;
  bool gran16k = false;
  bool gran4k = false;
  Oas oas{};
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(idr5::StallMax{}, "STALL_MAX", s.stall_max);
    v(idr5::Vax{}, "VAX", s.vax);
    v(idr5::D128{}, "D128", s.d128);
    v(idr5::Ds{}, "DS", s.ds);
    v(idr5::Gran64k{}, "GRAN64K", s.gran64k);
    v(idr5::Gran16k{}, "GRAN16K", s.gran16k);
    v(idr5::Gran4k{}, "GRAN4K", s.gran4k);
    v(idr5::Oas{}, "OAS", s.oas);
  }
  friend constexpr bool operator==(const Idr5&, const Idr5&) = default;
};

inline constexpr Words<1> kIdr5Defined = fields_mask<1, Idr5>();
static_assert(fields_disjoint<1, Idr5>());
inline constexpr Words<1> kIdr5Res0 = complement(kIdr5Defined);
constexpr Words<1> idr5_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIdr5Res0); }

constexpr Encoded<1> encode(const Idr5& r) noexcept { return encode_fields<1>(r); }
constexpr Idr5 decode_idr5(const Words<1>& w) noexcept { return decode_fields<Idr5>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_IDR6, §6.3.45 (Enhanced Command queues, present when SMMU_IDR1.ECMDQ == 1). Bits
// [31:28], [23:20] and [15:0] are RES0. Both fields are log2 of a count, at most 0b1000.
namespace idr6 {
using CmdqControlPageLog2NumP = Bits<27, 24>;
using CmdqControlPageLog2NumQ = Bits<19, 16>;
}  // namespace idr6

struct Idr6 {
  std::uint8_t cmdq_control_page_log2nump = 0;
  std::uint8_t cmdq_control_page_log2numq = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(idr6::CmdqControlPageLog2NumP{}, "CMDQ_CONTROL_PAGE_LOG2NUMP", s.cmdq_control_page_log2nump);
    v(idr6::CmdqControlPageLog2NumQ{}, "CMDQ_CONTROL_PAGE_LOG2NUMQ", s.cmdq_control_page_log2numq);
  }
  friend constexpr bool operator==(const Idr6&, const Idr6&) = default;
};

inline constexpr Words<1> kIdr6Defined = fields_mask<1, Idr6>();
static_assert(fields_disjoint<1, Idr6>());
inline constexpr Words<1> kIdr6Res0 = complement(kIdr6Defined);
constexpr Words<1> idr6_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIdr6Res0); }

constexpr Encoded<1> encode(const Idr6& r) noexcept { return encode_fields<1>(r); }
constexpr Idr6 decode_idr6(const Words<1>& w) noexcept { return decode_fields<Idr6>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_IIDR, §6.3.7: implementation identification. Every bit is defined.
namespace iidr {
using ProductId = Bits<31, 20>;
using Variant = Bits<19, 16>;
using Revision = Bits<15, 12>;
using Implementer = Bits<11, 0>;
}  // namespace iidr

/// SMMU_IIDR.Implementer of an Arm implementation: JEP106 continuation 0x4, identity 0x3B.
inline constexpr std::uint16_t kIidrImplementerArm = 0x43B;

struct Iidr {
  std::uint16_t product_id = 0;
  std::uint8_t variant = 0;
  std::uint8_t revision = 0;
  std::uint16_t implementer = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(iidr::ProductId{}, "ProductID", s.product_id);
    v(iidr::Variant{}, "Variant", s.variant);
    v(iidr::Revision{}, "Revision", s.revision);
    v(iidr::Implementer{}, "Implementer", s.implementer);
  }
  friend constexpr bool operator==(const Iidr&, const Iidr&) = default;
};

inline constexpr Words<1> kIidrDefined = fields_mask<1, Iidr>();
static_assert(fields_disjoint<1, Iidr>());
inline constexpr Words<1> kIidrRes0 = complement(kIidrDefined);
constexpr Words<1> iidr_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIidrRes0); }

constexpr Encoded<1> encode(const Iidr& r) noexcept { return encode_fields<1>(r); }
constexpr Iidr decode_iidr(const Words<1>& w) noexcept { return decode_fields<Iidr>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_AIDR, §6.3.8: architecture revision. Bits [31:8] are RES0.
namespace aidr {
using ArchMajorRev = Bits<7, 4>;
using ArchMinorRev = Bits<3, 0>;
}  // namespace aidr

/// SMMU_AIDR.ArchMinorRev (ArchMajorRev is 0 for every SMMUv3.x).
enum class ArchMinorRev : std::uint8_t { smmuv3_0 = 0, smmuv3_1 = 1, smmuv3_2 = 2, smmuv3_3 = 3, smmuv3_4 = 4 };

struct Aidr {
  std::uint8_t arch_major_rev = 0;
  ArchMinorRev arch_minor_rev{};
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(aidr::ArchMajorRev{}, "ArchMajorRev", s.arch_major_rev);
    v(aidr::ArchMinorRev{}, "ArchMinorRev", s.arch_minor_rev);
  }
  friend constexpr bool operator==(const Aidr&, const Aidr&) = default;
};

inline constexpr Words<1> kAidrDefined = fields_mask<1, Aidr>();
static_assert(fields_disjoint<1, Aidr>());
inline constexpr Words<1> kAidrRes0 = complement(kAidrDefined);
constexpr Words<1> aidr_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kAidrRes0); }

constexpr Encoded<1> encode(const Aidr& r) noexcept { return encode_fields<1>(r); }
constexpr Aidr decode_aidr(const Words<1>& w) noexcept { return decode_fields<Aidr>(w); }

}  // namespace smmuv3::reg
