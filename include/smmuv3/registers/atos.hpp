// SPDX-License-Identifier: MIT
// Address Translation Operation registers (IHI 0070 G.b §6.3.37-§6.3.40, §6.3.44, chapter 9).
// The global group SMMU_GATOS_{CTRL,SID,ADDR,PAR} (Page 0, present when SMMU_IDR0.ATOS), the
// VATOS page group SMMU_VATOS_{CTRL,SID,ADDR,PAR} (§6.3.99-§6.3.102) and the Secure groups
// share one layout per register, so the types are named after the role: AtosCtrl, AtosSid,
// AtosAddr, AtosPar. SMMU_VATOS_SEL (§6.3.44) selects the VMID the VATOS interface acts for.
#pragma once

#include <cstdint>

#include "common.hpp"

namespace smmuv3::reg {

// ---------------------------------------------------------------------------------------------
// SMMU_GATOS_CTRL (§6.3.37), 32-bit. Bits [31:1] are RES0. Software sets RUN; the SMMU clears
// it when the result is in ATOS_PAR.
namespace atos_ctrl {
using Run = Bit<0>;
}  // namespace atos_ctrl

struct AtosCtrl {
  bool run = false;
  friend constexpr bool operator==(const AtosCtrl&, const AtosCtrl&) = default;
};

inline constexpr Words<1> kAtosCtrlDefined = mask_of<1, atos_ctrl::Run>();
inline constexpr Words<1> kAtosCtrlRes0 = complement(kAtosCtrlDefined);
constexpr Words<1> atos_ctrl_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kAtosCtrlRes0); }

constexpr Encoded<1> encode(const AtosCtrl& r) noexcept {
  return Encoder<1>{}.put<atos_ctrl::Run>(r.run, "RUN").done();
}

constexpr AtosCtrl decode_atos_ctrl(const Words<1>& w) noexcept {
  AtosCtrl r;
  detail::get_to<atos_ctrl::Run>(w, r.run);
  return r;
}

template <class F>
constexpr void for_each_field(const AtosCtrl& r, F&& f) {
  f("RUN", detail::to_u64(r.run));
}

// ---------------------------------------------------------------------------------------------
// SMMU_GATOS_SID (§6.3.38), 64-bit. Bits [63:53] are RES0; so are SUBSTREAMID bits at or
// above SMMU_IDR1.SSIDSIZE and STREAMID bits at or above SMMU_IDR1.SIDSIZE (register-file
// checks). SSID_VALID is RES0 when SMMU_IDR1.SSIDSIZE == 0.
namespace atos_sid {
using SsidValid = Bit<52>;
using SubstreamId = Bits<51, 32>;
using StreamId = Bits<31, 0>;
}  // namespace atos_sid

struct AtosSid {
  bool ssid_valid = false;
  std::uint32_t substreamid = 0;
  std::uint32_t streamid = 0;
  friend constexpr bool operator==(const AtosSid&, const AtosSid&) = default;
};

inline constexpr Words<1> kAtosSidDefined = mask_of<1, atos_sid::SsidValid, atos_sid::SubstreamId, atos_sid::StreamId>();
inline constexpr Words<1> kAtosSidRes0 = complement(kAtosSidDefined);
constexpr Words<1> atos_sid_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kAtosSidRes0); }

constexpr Encoded<1> encode(const AtosSid& r) noexcept {
  return Encoder<1>{}
      .put<atos_sid::SsidValid>(r.ssid_valid, "SSID_VALID")
      .put<atos_sid::SubstreamId>(r.substreamid, "SUBSTREAMID")
      .put<atos_sid::StreamId>(r.streamid, "STREAMID")
      .done();
}

constexpr AtosSid decode_atos_sid(const Words<1>& w) noexcept {
  AtosSid r;
  detail::get_to<atos_sid::SsidValid>(w, r.ssid_valid);
  detail::get_to<atos_sid::SubstreamId>(w, r.substreamid);
  detail::get_to<atos_sid::StreamId>(w, r.streamid);
  return r;
}

template <class F>
constexpr void for_each_field(const AtosSid& r, F&& f) {
  f("SSID_VALID", detail::to_u64(r.ssid_valid));
  f("SUBSTREAMID", detail::to_u64(r.substreamid));
  f("STREAMID", detail::to_u64(r.streamid));
}

// ---------------------------------------------------------------------------------------------
// SMMU_GATOS_ADDR (§6.3.39), 64-bit. Bits [5:0] are RES0. ADDR holds input address [63:12].
namespace atos_addr {
using Addr = smmuv3::Addr<63, 12, 12>;
using Type = Bits<11, 10>;
using PnU = Bit<9>;
using RnW = Bit<8>;
using InD = Bit<7>;
using Httui = Bit<6>;
}  // namespace atos_addr

/// SMMU_GATOS_ADDR.TYPE. 0b00 is Reserved and makes the request fail with INV_REQ.
enum class AtosType : std::uint8_t { stage1 = 1, stage2 = 2, stage1_and_stage2 = 3 };

/// SMMU_GATOS_ADDR. PnU: 1 = privileged; RnW: 1 = read; InD: 1 = instruction (IGNORED for
/// writes); HTTUI: 1 = inhibit hardware Access/Dirty updates.
struct AtosAddr {
  std::uint64_t addr = 0;
  AtosType type{};
  bool pnu = false;
  bool rnw = false;
  bool ind = false;
  bool httui = false;
  friend constexpr bool operator==(const AtosAddr&, const AtosAddr&) = default;
};

inline constexpr Words<1> kAtosAddrDefined = mask_of<1, atos_addr::Addr, atos_addr::Type, atos_addr::PnU,
                                                     atos_addr::RnW, atos_addr::InD, atos_addr::Httui>();
inline constexpr Words<1> kAtosAddrRes0 = complement(kAtosAddrDefined);
constexpr Words<1> atos_addr_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kAtosAddrRes0); }

constexpr Encoded<1> encode(const AtosAddr& r) noexcept {
  return Encoder<1>{}
      .put<atos_addr::Addr>(r.addr, "ADDR")
      .put<atos_addr::Type>(r.type, "TYPE")
      .put<atos_addr::PnU>(r.pnu, "PnU")
      .put<atos_addr::RnW>(r.rnw, "RnW")
      .put<atos_addr::InD>(r.ind, "InD")
      .put<atos_addr::Httui>(r.httui, "HTTUI")
      .done();
}

constexpr AtosAddr decode_atos_addr(const Words<1>& w) noexcept {
  AtosAddr r;
  detail::get_to<atos_addr::Addr>(w, r.addr);
  detail::get_to<atos_addr::Type>(w, r.type);
  detail::get_to<atos_addr::PnU>(w, r.pnu);
  detail::get_to<atos_addr::RnW>(w, r.rnw);
  detail::get_to<atos_addr::InD>(w, r.ind);
  detail::get_to<atos_addr::Httui>(w, r.httui);
  return r;
}

template <class F>
constexpr void for_each_field(const AtosAddr& r, F&& f) {
  f("ADDR", r.addr);
  f("TYPE", detail::to_u64(r.type));
  f("PnU", detail::to_u64(r.pnu));
  f("RnW", detail::to_u64(r.rnw));
  f("InD", detail::to_u64(r.ind));
  f("HTTUI", detail::to_u64(r.httui));
}

// ---------------------------------------------------------------------------------------------
// SMMU_GATOS_PAR (§6.3.40), 64-bit, RO. Two formats selected by FAULT (bit 0): a result
// (AtosPar) or a fault syndrome (AtosParFault). Decode with the one `atos_par_is_fault` picks.
namespace atos_par {
using Attr = Bits<63, 56>;
using Addr = smmuv3::Addr<55, 12, 12>;
using Size = Bit<11>;
using Sh = Bits<9, 8>;
using Fault = Bit<0>;
// FAULT == 1 format:
using ImpDef = Bits<63, 60>;
using FAddr = smmuv3::Addr<55, 12, 12>;
using FaultCode = Bits<11, 4>;
using Reason = Bits<2, 1>;
}  // namespace atos_par

constexpr bool atos_par_is_fault(std::uint64_t par) noexcept { return atos_par::Fault::get(par) != 0; }

/// SMMU_GATOS_PAR with FAULT == 0. ATTR is in MAIR format. With Size == 1 the translation size
/// is 2^(N+1) bytes where N is the lowest set bit of ADDR (§6.3.40). Bits 10 and [7:1] are RES0.
struct AtosPar {
  std::uint8_t attr = 0;
  std::uint64_t addr = 0;
  bool size = false;
  Shareability sh{};
  bool fault = false;
  friend constexpr bool operator==(const AtosPar&, const AtosPar&) = default;
};

inline constexpr Words<1> kAtosParDefined =
    mask_of<1, atos_par::Attr, atos_par::Addr, atos_par::Size, atos_par::Sh, atos_par::Fault>();
inline constexpr Words<1> kAtosParRes0 = complement(kAtosParDefined);
constexpr Words<1> atos_par_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kAtosParRes0); }

constexpr Encoded<1> encode(const AtosPar& r) noexcept {
  return Encoder<1>{}
      .put<atos_par::Attr>(r.attr, "ATTR")
      .put<atos_par::Addr>(r.addr, "ADDR")
      .put<atos_par::Size>(r.size, "Size")
      .put<atos_par::Sh>(r.sh, "SH")
      .put<atos_par::Fault>(r.fault, "FAULT")
      .done();
}

constexpr AtosPar decode_atos_par(const Words<1>& w) noexcept {
  AtosPar r;
  detail::get_to<atos_par::Attr>(w, r.attr);
  detail::get_to<atos_par::Addr>(w, r.addr);
  detail::get_to<atos_par::Size>(w, r.size);
  detail::get_to<atos_par::Sh>(w, r.sh);
  detail::get_to<atos_par::Fault>(w, r.fault);
  return r;
}

template <class F>
constexpr void for_each_field(const AtosPar& r, F&& f) {
  f("ATTR", detail::to_u64(r.attr));
  f("ADDR", r.addr);
  f("Size", detail::to_u64(r.size));
  f("SH", detail::to_u64(r.sh));
  f("FAULT", detail::to_u64(r.fault));
}

/// SMMU_GATOS_PAR.REASON (FAULT == 1): what the faulting access was doing (§9.1.4).
enum class AtosReason : std::uint8_t {
  s1 = 0,  // stage 1 fault, or a fault not attributable to a stage (e.g. F_BAD_STE)
  cd = 1,  // stage 2 fault on a CD fetch
  tt = 2,  // stage 2 fault on a stage 1 table walk
  in = 3,  // stage 2 fault on the input address to stage 2
};

/// ATOS_PAR.FAULTCODE values that are not event types (§9.1.5).
inline constexpr std::uint8_t kAtosFaultInvReq = 0xFF;       // malformed request
inline constexpr std::uint8_t kAtosFaultInvStage = 0xFE;     // stage not present
inline constexpr std::uint8_t kAtosFaultInternalErr = 0xFD;  // terminated for another reason

/// SMMU_GATOS_PAR with FAULT == 1. FAULTCODE is an event type number (C_BAD_STE 0x04,
/// F_TRANSLATION 0x10, ...) or one of INV_REQ 0xFF, INV_STAGE 0xFE, INTERNAL_ERR 0xFD (§9.1.5);
/// IMPDEF holds IMPLEMENTATION DEFINED fault data. Bits [59:56] and 3 are RES0.
struct AtosParFault {
  std::uint8_t impdef = 0;
  std::uint64_t faddr = 0;
  std::uint8_t faultcode = 0;
  AtosReason reason{};
  bool fault = false;
  friend constexpr bool operator==(const AtosParFault&, const AtosParFault&) = default;
};

inline constexpr Words<1> kAtosParFaultDefined = mask_of<1, atos_par::ImpDef, atos_par::FAddr, atos_par::FaultCode,
                                                         atos_par::Reason, atos_par::Fault>();
inline constexpr Words<1> kAtosParFaultRes0 = complement(kAtosParFaultDefined);
constexpr Words<1> atos_par_fault_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kAtosParFaultRes0); }

constexpr Encoded<1> encode(const AtosParFault& r) noexcept {
  return Encoder<1>{}
      .put<atos_par::ImpDef>(r.impdef, "IMPLEMENTATION DEFINED")
      .put<atos_par::FAddr>(r.faddr, "FADDR")
      .put<atos_par::FaultCode>(r.faultcode, "FAULTCODE")
      .put<atos_par::Reason>(r.reason, "REASON")
      .put<atos_par::Fault>(r.fault, "FAULT")
      .done();
}

constexpr AtosParFault decode_atos_par_fault(const Words<1>& w) noexcept {
  AtosParFault r;
  detail::get_to<atos_par::ImpDef>(w, r.impdef);
  detail::get_to<atos_par::FAddr>(w, r.faddr);
  detail::get_to<atos_par::FaultCode>(w, r.faultcode);
  detail::get_to<atos_par::Reason>(w, r.reason);
  detail::get_to<atos_par::Fault>(w, r.fault);
  return r;
}

template <class F>
constexpr void for_each_field(const AtosParFault& r, F&& f) {
  f("IMPLEMENTATION DEFINED", detail::to_u64(r.impdef));
  f("FADDR", r.faddr);
  f("FAULTCODE", detail::to_u64(r.faultcode));
  f("REASON", detail::to_u64(r.reason));
  f("FAULT", detail::to_u64(r.fault));
}

// ---------------------------------------------------------------------------------------------
// SMMU_VATOS_SEL (§6.3.44), 32-bit. Bits [31:16] are RES0; VMID[15:8] too when
// SMMU_IDR0.VMID16 == 0.
namespace vatos_sel {
using Vmid = Bits<15, 0>;
}  // namespace vatos_sel

struct VatosSel {
  std::uint16_t vmid = 0;
  friend constexpr bool operator==(const VatosSel&, const VatosSel&) = default;
};

inline constexpr Words<1> kVatosSelDefined = mask_of<1, vatos_sel::Vmid>();
inline constexpr Words<1> kVatosSelRes0 = complement(kVatosSelDefined);
constexpr Words<1> vatos_sel_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kVatosSelRes0); }

constexpr Encoded<1> encode(const VatosSel& r) noexcept {
  return Encoder<1>{}.put<vatos_sel::Vmid>(r.vmid, "VMID").done();
}

constexpr VatosSel decode_vatos_sel(const Words<1>& w) noexcept {
  VatosSel r;
  detail::get_to<vatos_sel::Vmid>(w, r.vmid);
  return r;
}

template <class F>
constexpr void for_each_field(const VatosSel& r, F&& f) {
  f("VMID", detail::to_u64(r.vmid));
}

}  // namespace smmuv3::reg
