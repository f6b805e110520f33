// SPDX-License-Identifier: MIT
// SMMU identification registers: SMMU_IDR0-3, IDR5, IDR6, IIDR and AIDR (IHI 0070 G.b §6.3.1-
// §6.3.8, §6.3.45). All are 32-bit, read-only, and hold constants after reset (§6.2).
// SMMU_IDR4 (§6.3.5) is IMPLEMENTATION DEFINED in all its bits, so it has no field layout.
//
// Fields are listed from the most significant bit down, as the spec describes them; encode
// reports the first field (in that order) that does not fit.
#pragma once

#include <cstdint>

#include "common.hpp"

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
  friend constexpr bool operator==(const Idr0&, const Idr0&) = default;
};

inline constexpr Words<1> kIdr0Defined =
    mask_of<1, idr0::RmeImpl, idr0::StLevel, idr0::TermModel, idr0::StallModel, idr0::AtsRecErr,
            idr0::TtEndian, idr0::Vatos, idr0::Cd2l, idr0::Vmid16, idr0::Vmw, idr0::Pri, idr0::Atos,
            idr0::Sev, idr0::Msi, idr0::Asid16, idr0::Ns1Ats, idr0::Ats, idr0::Hyp, idr0::DormHint,
            idr0::Httu, idr0::Btm, idr0::CohAcc, idr0::Ttf, idr0::S1p, idr0::S2p>();
inline constexpr Words<1> kIdr0Res0 = complement(kIdr0Defined);
constexpr Words<1> idr0_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIdr0Res0); }

constexpr Encoded<1> encode(const Idr0& r) noexcept {
  return Encoder<1>{}
      .put<idr0::RmeImpl>(r.rme_impl, "RME_IMPL")
      .put<idr0::StLevel>(r.st_level, "ST_LEVEL")
      .put<idr0::TermModel>(r.term_model, "TERM_MODEL")
      .put<idr0::StallModel>(r.stall_model, "STALL_MODEL")
      .put<idr0::AtsRecErr>(r.ats_rec_err, "ATSRECERR")
      .put<idr0::TtEndian>(r.tt_endian, "TTENDIAN")
      .put<idr0::Vatos>(r.vatos, "VATOS")
      .put<idr0::Cd2l>(r.cd2l, "CD2L")
      .put<idr0::Vmid16>(r.vmid16, "VMID16")
      .put<idr0::Vmw>(r.vmw, "VMW")
      .put<idr0::Pri>(r.pri, "PRI")
      .put<idr0::Atos>(r.atos, "ATOS")
      .put<idr0::Sev>(r.sev, "SEV")
      .put<idr0::Msi>(r.msi, "MSI")
      .put<idr0::Asid16>(r.asid16, "ASID16")
      .put<idr0::Ns1Ats>(r.ns1ats, "NS1ATS")
      .put<idr0::Ats>(r.ats, "ATS")
      .put<idr0::Hyp>(r.hyp, "Hyp")
      .put<idr0::DormHint>(r.dorm_hint, "DORMHINT")
      .put<idr0::Httu>(r.httu, "HTTU")
      .put<idr0::Btm>(r.btm, "BTM")
      .put<idr0::CohAcc>(r.cohacc, "COHACC")
      .put<idr0::Ttf>(r.ttf, "TTF")
      .put<idr0::S1p>(r.s1p, "S1P")
      .put<idr0::S2p>(r.s2p, "S2P")
      .done();
}

constexpr Idr0 decode_idr0(const Words<1>& w) noexcept {
  Idr0 r;
  detail::get_to<idr0::RmeImpl>(w, r.rme_impl);
  detail::get_to<idr0::StLevel>(w, r.st_level);
  detail::get_to<idr0::TermModel>(w, r.term_model);
  detail::get_to<idr0::StallModel>(w, r.stall_model);
  detail::get_to<idr0::AtsRecErr>(w, r.ats_rec_err);
  detail::get_to<idr0::TtEndian>(w, r.tt_endian);
  detail::get_to<idr0::Vatos>(w, r.vatos);
  detail::get_to<idr0::Cd2l>(w, r.cd2l);
  detail::get_to<idr0::Vmid16>(w, r.vmid16);
  detail::get_to<idr0::Vmw>(w, r.vmw);
  detail::get_to<idr0::Pri>(w, r.pri);
  detail::get_to<idr0::Atos>(w, r.atos);
  detail::get_to<idr0::Sev>(w, r.sev);
  detail::get_to<idr0::Msi>(w, r.msi);
  detail::get_to<idr0::Asid16>(w, r.asid16);
  detail::get_to<idr0::Ns1Ats>(w, r.ns1ats);
  detail::get_to<idr0::Ats>(w, r.ats);
  detail::get_to<idr0::Hyp>(w, r.hyp);
  detail::get_to<idr0::DormHint>(w, r.dorm_hint);
  detail::get_to<idr0::Httu>(w, r.httu);
  detail::get_to<idr0::Btm>(w, r.btm);
  detail::get_to<idr0::CohAcc>(w, r.cohacc);
  detail::get_to<idr0::Ttf>(w, r.ttf);
  detail::get_to<idr0::S1p>(w, r.s1p);
  detail::get_to<idr0::S2p>(w, r.s2p);
  return r;
}

template <class F>
constexpr void for_each_field(const Idr0& r, F&& f) {
  f("RME_IMPL", detail::to_u64(r.rme_impl));
  f("ST_LEVEL", detail::to_u64(r.st_level));
  f("TERM_MODEL", detail::to_u64(r.term_model));
  f("STALL_MODEL", detail::to_u64(r.stall_model));
  f("ATSRECERR", detail::to_u64(r.ats_rec_err));
  f("TTENDIAN", detail::to_u64(r.tt_endian));
  f("VATOS", detail::to_u64(r.vatos));
  f("CD2L", detail::to_u64(r.cd2l));
  f("VMID16", detail::to_u64(r.vmid16));
  f("VMW", detail::to_u64(r.vmw));
  f("PRI", detail::to_u64(r.pri));
  f("ATOS", detail::to_u64(r.atos));
  f("SEV", detail::to_u64(r.sev));
  f("MSI", detail::to_u64(r.msi));
  f("ASID16", detail::to_u64(r.asid16));
  f("NS1ATS", detail::to_u64(r.ns1ats));
  f("ATS", detail::to_u64(r.ats));
  f("Hyp", detail::to_u64(r.hyp));
  f("DORMHINT", detail::to_u64(r.dorm_hint));
  f("HTTU", detail::to_u64(r.httu));
  f("BTM", detail::to_u64(r.btm));
  f("COHACC", detail::to_u64(r.cohacc));
  f("TTF", detail::to_u64(r.ttf));
  f("S1P", detail::to_u64(r.s1p));
  f("S2P", detail::to_u64(r.s2p));
}

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
  friend constexpr bool operator==(const Idr1&, const Idr1&) = default;
};

inline constexpr Words<1> kIdr1Defined =
    mask_of<1, idr1::Ecmdq, idr1::TablesPreset, idr1::QueuesPreset, idr1::Rel, idr1::AttrTypesOvr,
            idr1::AttrPermsOvr, idr1::Cmdqs, idr1::Eventqs, idr1::Priqs, idr1::SsidSize, idr1::SidSize>();
inline constexpr Words<1> kIdr1Res0 = complement(kIdr1Defined);
constexpr Words<1> idr1_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIdr1Res0); }

constexpr Encoded<1> encode(const Idr1& r) noexcept {
  return Encoder<1>{}
      .put<idr1::Ecmdq>(r.ecmdq, "ECMDQ")
      .put<idr1::TablesPreset>(r.tables_preset, "TABLES_PRESET")
      .put<idr1::QueuesPreset>(r.queues_preset, "QUEUES_PRESET")
      .put<idr1::Rel>(r.rel, "REL")
      .put<idr1::AttrTypesOvr>(r.attr_types_ovr, "ATTR_TYPES_OVR")
      .put<idr1::AttrPermsOvr>(r.attr_perms_ovr, "ATTR_PERMS_OVR")
      .put<idr1::Cmdqs>(r.cmdqs, "CMDQS")
      .put<idr1::Eventqs>(r.eventqs, "EVENTQS")
      .put<idr1::Priqs>(r.priqs, "PRIQS")
      .put<idr1::SsidSize>(r.ssidsize, "SSIDSIZE")
      .put<idr1::SidSize>(r.sidsize, "SIDSIZE")
      .done();
}

constexpr Idr1 decode_idr1(const Words<1>& w) noexcept {
  Idr1 r;
  detail::get_to<idr1::Ecmdq>(w, r.ecmdq);
  detail::get_to<idr1::TablesPreset>(w, r.tables_preset);
  detail::get_to<idr1::QueuesPreset>(w, r.queues_preset);
  detail::get_to<idr1::Rel>(w, r.rel);
  detail::get_to<idr1::AttrTypesOvr>(w, r.attr_types_ovr);
  detail::get_to<idr1::AttrPermsOvr>(w, r.attr_perms_ovr);
  detail::get_to<idr1::Cmdqs>(w, r.cmdqs);
  detail::get_to<idr1::Eventqs>(w, r.eventqs);
  detail::get_to<idr1::Priqs>(w, r.priqs);
  detail::get_to<idr1::SsidSize>(w, r.ssidsize);
  detail::get_to<idr1::SidSize>(w, r.sidsize);
  return r;
}

template <class F>
constexpr void for_each_field(const Idr1& r, F&& f) {
  f("ECMDQ", detail::to_u64(r.ecmdq));
  f("TABLES_PRESET", detail::to_u64(r.tables_preset));
  f("QUEUES_PRESET", detail::to_u64(r.queues_preset));
  f("REL", detail::to_u64(r.rel));
  f("ATTR_TYPES_OVR", detail::to_u64(r.attr_types_ovr));
  f("ATTR_PERMS_OVR", detail::to_u64(r.attr_perms_ovr));
  f("CMDQS", detail::to_u64(r.cmdqs));
  f("EVENTQS", detail::to_u64(r.eventqs));
  f("PRIQS", detail::to_u64(r.priqs));
  f("SSIDSIZE", detail::to_u64(r.ssidsize));
  f("SIDSIZE", detail::to_u64(r.sidsize));
}

// ---------------------------------------------------------------------------------------------
// SMMU_IDR2, §6.3.3. Bits [31:10] are RES0. BA_VATOS is RES0 when SMMU_IDR0.VATOS == 0.
namespace idr2 {
using BaVatos = Bits<9, 0>;
}  // namespace idr2

struct Idr2 {
  std::uint16_t ba_vatos = 0;
  friend constexpr bool operator==(const Idr2&, const Idr2&) = default;
};

inline constexpr Words<1> kIdr2Defined = mask_of<1, idr2::BaVatos>();
inline constexpr Words<1> kIdr2Res0 = complement(kIdr2Defined);
constexpr Words<1> idr2_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIdr2Res0); }

constexpr Encoded<1> encode(const Idr2& r) noexcept {
  return Encoder<1>{}.put<idr2::BaVatos>(r.ba_vatos, "BA_VATOS").done();
}

constexpr Idr2 decode_idr2(const Words<1>& w) noexcept {
  Idr2 r;
  detail::get_to<idr2::BaVatos>(w, r.ba_vatos);
  return r;
}

template <class F>
constexpr void for_each_field(const Idr2& r, F&& f) {
  f("BA_VATOS", detail::to_u64(r.ba_vatos));
}

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
  friend constexpr bool operator==(const Idr3&, const Idr3&) = default;
};

inline constexpr Words<1> kIdr3Defined =
    mask_of<1, idr3::Aie, idr3::MtePerm, idr3::The, idr3::S2po, idr3::S2pi, idr3::S1pi, idr3::Epan,
            idr3::PasidTt, idr3::Dpt, idr3::PtwNnc, idr3::E0pd, idr3::Bbml, idr3::Ril, idr3::Stt,
            idr3::Fwb, idr3::Mpam, idr3::Pps, idr3::Xnx, idr3::Pbha, idr3::Had>();
inline constexpr Words<1> kIdr3Res0 = complement(kIdr3Defined);
constexpr Words<1> idr3_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIdr3Res0); }

constexpr Encoded<1> encode(const Idr3& r) noexcept {
  return Encoder<1>{}
      .put<idr3::Aie>(r.aie, "AIE")
      .put<idr3::MtePerm>(r.mteperm, "MTEPERM")
      .put<idr3::The>(r.the, "THE")
      .put<idr3::S2po>(r.s2po, "S2PO")
      .put<idr3::S2pi>(r.s2pi, "S2PI")
      .put<idr3::S1pi>(r.s1pi, "S1PI")
      .put<idr3::Epan>(r.epan, "EPAN")
      .put<idr3::PasidTt>(r.pasidtt, "PASIDTT")
      .put<idr3::Dpt>(r.dpt, "DPT")
      .put<idr3::PtwNnc>(r.ptwnnc, "PTWNNC")
      .put<idr3::E0pd>(r.e0pd, "E0PD")
      .put<idr3::Bbml>(r.bbml, "BBML")
      .put<idr3::Ril>(r.ril, "RIL")
      .put<idr3::Stt>(r.stt, "STT")
      .put<idr3::Fwb>(r.fwb, "FWB")
      .put<idr3::Mpam>(r.mpam, "MPAM")
      .put<idr3::Pps>(r.pps, "PPS")
      .put<idr3::Xnx>(r.xnx, "XNX")
      .put<idr3::Pbha>(r.pbha, "PBHA")
      .put<idr3::Had>(r.had, "HAD")
      .done();
}

constexpr Idr3 decode_idr3(const Words<1>& w) noexcept {
  Idr3 r;
  detail::get_to<idr3::Aie>(w, r.aie);
  detail::get_to<idr3::MtePerm>(w, r.mteperm);
  detail::get_to<idr3::The>(w, r.the);
  detail::get_to<idr3::S2po>(w, r.s2po);
  detail::get_to<idr3::S2pi>(w, r.s2pi);
  detail::get_to<idr3::S1pi>(w, r.s1pi);
  detail::get_to<idr3::Epan>(w, r.epan);
  detail::get_to<idr3::PasidTt>(w, r.pasidtt);
  detail::get_to<idr3::Dpt>(w, r.dpt);
  detail::get_to<idr3::PtwNnc>(w, r.ptwnnc);
  detail::get_to<idr3::E0pd>(w, r.e0pd);
  detail::get_to<idr3::Bbml>(w, r.bbml);
  detail::get_to<idr3::Ril>(w, r.ril);
  detail::get_to<idr3::Stt>(w, r.stt);
  detail::get_to<idr3::Fwb>(w, r.fwb);
  detail::get_to<idr3::Mpam>(w, r.mpam);
  detail::get_to<idr3::Pps>(w, r.pps);
  detail::get_to<idr3::Xnx>(w, r.xnx);
  detail::get_to<idr3::Pbha>(w, r.pbha);
  detail::get_to<idr3::Had>(w, r.had);
  return r;
}

template <class F>
constexpr void for_each_field(const Idr3& r, F&& f) {
  f("AIE", detail::to_u64(r.aie));
  f("MTEPERM", detail::to_u64(r.mteperm));
  f("THE", detail::to_u64(r.the));
  f("S2PO", detail::to_u64(r.s2po));
  f("S2PI", detail::to_u64(r.s2pi));
  f("S1PI", detail::to_u64(r.s1pi));
  f("EPAN", detail::to_u64(r.epan));
  f("PASIDTT", detail::to_u64(r.pasidtt));
  f("DPT", detail::to_u64(r.dpt));
  f("PTWNNC", detail::to_u64(r.ptwnnc));
  f("E0PD", detail::to_u64(r.e0pd));
  f("BBML", detail::to_u64(r.bbml));
  f("RIL", detail::to_u64(r.ril));
  f("STT", detail::to_u64(r.stt));
  f("FWB", detail::to_u64(r.fwb));
  f("MPAM", detail::to_u64(r.mpam));
  f("PPS", detail::to_u64(r.pps));
  f("XNX", detail::to_u64(r.xnx));
  f("PBHA", detail::to_u64(r.pbha));
  f("HAD", detail::to_u64(r.had));
}

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
  switch (oas) {
    case Oas::pa32: return 32;
    case Oas::pa36: return 36;
    case Oas::pa40: return 40;
    case Oas::pa42: return 42;
    case Oas::pa44: return 44;
    case Oas::pa48: return 48;
    case Oas::pa52: return 52;
    case Oas::pa56: return 56;
  }
  return 0;
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
  friend constexpr bool operator==(const Idr5&, const Idr5&) = default;
};

inline constexpr Words<1> kIdr5Defined = mask_of<1, idr5::StallMax, idr5::Vax, idr5::D128, idr5::Ds,
                                                 idr5::Gran64k, idr5::Gran16k, idr5::Gran4k, idr5::Oas>();
inline constexpr Words<1> kIdr5Res0 = complement(kIdr5Defined);
constexpr Words<1> idr5_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIdr5Res0); }

constexpr Encoded<1> encode(const Idr5& r) noexcept {
  return Encoder<1>{}
      .put<idr5::StallMax>(r.stall_max, "STALL_MAX")
      .put<idr5::Vax>(r.vax, "VAX")
      .put<idr5::D128>(r.d128, "D128")
      .put<idr5::Ds>(r.ds, "DS")
      .put<idr5::Gran64k>(r.gran64k, "GRAN64K")
      .put<idr5::Gran16k>(r.gran16k, "GRAN16K")
      .put<idr5::Gran4k>(r.gran4k, "GRAN4K")
      .put<idr5::Oas>(r.oas, "OAS")
      .done();
}

constexpr Idr5 decode_idr5(const Words<1>& w) noexcept {
  Idr5 r;
  detail::get_to<idr5::StallMax>(w, r.stall_max);
  detail::get_to<idr5::Vax>(w, r.vax);
  detail::get_to<idr5::D128>(w, r.d128);
  detail::get_to<idr5::Ds>(w, r.ds);
  detail::get_to<idr5::Gran64k>(w, r.gran64k);
  detail::get_to<idr5::Gran16k>(w, r.gran16k);
  detail::get_to<idr5::Gran4k>(w, r.gran4k);
  detail::get_to<idr5::Oas>(w, r.oas);
  return r;
}

template <class F>
constexpr void for_each_field(const Idr5& r, F&& f) {
  f("STALL_MAX", detail::to_u64(r.stall_max));
  f("VAX", detail::to_u64(r.vax));
  f("D128", detail::to_u64(r.d128));
  f("DS", detail::to_u64(r.ds));
  f("GRAN64K", detail::to_u64(r.gran64k));
  f("GRAN16K", detail::to_u64(r.gran16k));
  f("GRAN4K", detail::to_u64(r.gran4k));
  f("OAS", detail::to_u64(r.oas));
}

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
  friend constexpr bool operator==(const Idr6&, const Idr6&) = default;
};

inline constexpr Words<1> kIdr6Defined = mask_of<1, idr6::CmdqControlPageLog2NumP, idr6::CmdqControlPageLog2NumQ>();
inline constexpr Words<1> kIdr6Res0 = complement(kIdr6Defined);
constexpr Words<1> idr6_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIdr6Res0); }

constexpr Encoded<1> encode(const Idr6& r) noexcept {
  return Encoder<1>{}
      .put<idr6::CmdqControlPageLog2NumP>(r.cmdq_control_page_log2nump, "CMDQ_CONTROL_PAGE_LOG2NUMP")
      .put<idr6::CmdqControlPageLog2NumQ>(r.cmdq_control_page_log2numq, "CMDQ_CONTROL_PAGE_LOG2NUMQ")
      .done();
}

constexpr Idr6 decode_idr6(const Words<1>& w) noexcept {
  Idr6 r;
  detail::get_to<idr6::CmdqControlPageLog2NumP>(w, r.cmdq_control_page_log2nump);
  detail::get_to<idr6::CmdqControlPageLog2NumQ>(w, r.cmdq_control_page_log2numq);
  return r;
}

template <class F>
constexpr void for_each_field(const Idr6& r, F&& f) {
  f("CMDQ_CONTROL_PAGE_LOG2NUMP", detail::to_u64(r.cmdq_control_page_log2nump));
  f("CMDQ_CONTROL_PAGE_LOG2NUMQ", detail::to_u64(r.cmdq_control_page_log2numq));
}

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
  friend constexpr bool operator==(const Iidr&, const Iidr&) = default;
};

inline constexpr Words<1> kIidrDefined = mask_of<1, iidr::ProductId, iidr::Variant, iidr::Revision, iidr::Implementer>();
inline constexpr Words<1> kIidrRes0 = complement(kIidrDefined);
constexpr Words<1> iidr_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kIidrRes0); }

constexpr Encoded<1> encode(const Iidr& r) noexcept {
  return Encoder<1>{}
      .put<iidr::ProductId>(r.product_id, "ProductID")
      .put<iidr::Variant>(r.variant, "Variant")
      .put<iidr::Revision>(r.revision, "Revision")
      .put<iidr::Implementer>(r.implementer, "Implementer")
      .done();
}

constexpr Iidr decode_iidr(const Words<1>& w) noexcept {
  Iidr r;
  detail::get_to<iidr::ProductId>(w, r.product_id);
  detail::get_to<iidr::Variant>(w, r.variant);
  detail::get_to<iidr::Revision>(w, r.revision);
  detail::get_to<iidr::Implementer>(w, r.implementer);
  return r;
}

template <class F>
constexpr void for_each_field(const Iidr& r, F&& f) {
  f("ProductID", detail::to_u64(r.product_id));
  f("Variant", detail::to_u64(r.variant));
  f("Revision", detail::to_u64(r.revision));
  f("Implementer", detail::to_u64(r.implementer));
}

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
  friend constexpr bool operator==(const Aidr&, const Aidr&) = default;
};

inline constexpr Words<1> kAidrDefined = mask_of<1, aidr::ArchMajorRev, aidr::ArchMinorRev>();
inline constexpr Words<1> kAidrRes0 = complement(kAidrDefined);
constexpr Words<1> aidr_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kAidrRes0); }

constexpr Encoded<1> encode(const Aidr& r) noexcept {
  return Encoder<1>{}
      .put<aidr::ArchMajorRev>(r.arch_major_rev, "ArchMajorRev")
      .put<aidr::ArchMinorRev>(r.arch_minor_rev, "ArchMinorRev")
      .done();
}

constexpr Aidr decode_aidr(const Words<1>& w) noexcept {
  Aidr r;
  detail::get_to<aidr::ArchMajorRev>(w, r.arch_major_rev);
  detail::get_to<aidr::ArchMinorRev>(w, r.arch_minor_rev);
  return r;
}

template <class F>
constexpr void for_each_field(const Aidr& r, F&& f) {
  f("ArchMajorRev", detail::to_u64(r.arch_major_rev));
  f("ArchMinorRev", detail::to_u64(r.arch_minor_rev));
}

}  // namespace smmuv3::reg
