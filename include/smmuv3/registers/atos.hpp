// SPDX-License-Identifier: MIT
// Address Translation Operation registers (IHI 0070 G.b §6.3.37-§6.3.40, §6.3.44, chapter 9).
// The global group SMMU_GATOS_{CTRL,SID,ADDR,PAR} (Page 0, present when SMMU_IDR0.ATOS), the
// VATOS page group SMMU_VATOS_{CTRL,SID,ADDR,PAR} (§6.3.99-§6.3.102) and the Secure groups
// share one layout per register, so the types are named after the role: AtosCtrl, AtosSid,
// AtosAddr, AtosPar. SMMU_VATOS_SEL (§6.3.44) selects the VMID the VATOS interface acts for.
#pragma once

#include <cstdint>

#include "smmuv3/registers/common.hpp"

namespace smmuv3::reg {

// ---------------------------------------------------------------------------------------------
// SMMU_GATOS_CTRL (§6.3.37), 32-bit. Bits [31:1] are RES0. Software sets RUN; the SMMU clears
// it when the result is in ATOS_PAR.
namespace atos_ctrl {
using Run = Bit<0>;
}  // namespace atos_ctrl

struct AtosCtrl {
  bool run = false;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(atos_ctrl::Run{}, "RUN", s.run);
  }
  friend constexpr bool operator==(const AtosCtrl&, const AtosCtrl&) = default;
};

inline constexpr Words<1> kAtosCtrlDefined = fields_mask<1, AtosCtrl>();
static_assert(fields_disjoint<1, AtosCtrl>());
inline constexpr Words<1> kAtosCtrlRes0 = complement(kAtosCtrlDefined);
constexpr Words<1> atos_ctrl_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kAtosCtrlRes0); }

constexpr Encoded<1> encode(const AtosCtrl& r) noexcept { return encode_fields<1>(r); }
constexpr AtosCtrl decode_atos_ctrl(const Words<1>& w) noexcept { return decode_fields<AtosCtrl>(w); }

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
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(atos_sid::SsidValid{}, "SSID_VALID", s.ssid_valid);
    v(atos_sid::SubstreamId{}, "SUBSTREAMID", s.substreamid);
    v(atos_sid::StreamId{}, "STREAMID", s.streamid);
  }
  friend constexpr bool operator==(const AtosSid&, const AtosSid&) = default;
};

inline constexpr Words<1> kAtosSidDefined = fields_mask<1, AtosSid>();
static_assert(fields_disjoint<1, AtosSid>());
inline constexpr Words<1> kAtosSidRes0 = complement(kAtosSidDefined);
constexpr Words<1> atos_sid_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kAtosSidRes0); }

constexpr Encoded<1> encode(const AtosSid& r) noexcept { return encode_fields<1>(r); }
constexpr AtosSid decode_atos_sid(const Words<1>& w) noexcept { return decode_fields<AtosSid>(w); }

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
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(atos_addr::Addr{}, "ADDR", s.addr);
    v(atos_addr::Type{}, "TYPE", s.type);
    v(atos_addr::PnU{}, "PnU", s.pnu);
    v(atos_addr::RnW{}, "RnW", s.rnw);
    v(atos_addr::InD{}, "InD", s.ind);
    v(atos_addr::Httui{}, "HTTUI", s.httui);
  }
  friend constexpr bool operator==(const AtosAddr&, const AtosAddr&) = default;
};

inline constexpr Words<1> kAtosAddrDefined = fields_mask<1, AtosAddr>();
static_assert(fields_disjoint<1, AtosAddr>());
inline constexpr Words<1> kAtosAddrRes0 = complement(kAtosAddrDefined);
constexpr Words<1> atos_addr_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kAtosAddrRes0); }

constexpr Encoded<1> encode(const AtosAddr& r) noexcept { return encode_fields<1>(r); }
constexpr AtosAddr decode_atos_addr(const Words<1>& w) noexcept { return decode_fields<AtosAddr>(w); }

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
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(atos_par::Attr{}, "ATTR", s.attr);
    v(atos_par::Addr{}, "ADDR", s.addr);
    v(atos_par::Size{}, "Size", s.size);
    v(atos_par::Sh{}, "SH", s.sh);
    v(atos_par::Fault{}, "FAULT", s.fault);
  }
  friend constexpr bool operator==(const AtosPar&, const AtosPar&) = default;
};

inline constexpr Words<1> kAtosParDefined = fields_mask<1, AtosPar>();
static_assert(fields_disjoint<1, AtosPar>());
inline constexpr Words<1> kAtosParRes0 = complement(kAtosParDefined);
constexpr Words<1> atos_par_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kAtosParRes0); }

constexpr Encoded<1> encode(const AtosPar& r) noexcept { return encode_fields<1>(r); }
constexpr AtosPar decode_atos_par(const Words<1>& w) noexcept { return decode_fields<AtosPar>(w); }

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
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(atos_par::ImpDef{}, "IMPLEMENTATION DEFINED", s.impdef);
    v(atos_par::FAddr{}, "FADDR", s.faddr);
    v(atos_par::FaultCode{}, "FAULTCODE", s.faultcode);
    v(atos_par::Reason{}, "REASON", s.reason);
    v(atos_par::Fault{}, "FAULT", s.fault);
  }
  friend constexpr bool operator==(const AtosParFault&, const AtosParFault&) = default;
};

inline constexpr Words<1> kAtosParFaultDefined = fields_mask<1, AtosParFault>();
static_assert(fields_disjoint<1, AtosParFault>());
inline constexpr Words<1> kAtosParFaultRes0 = complement(kAtosParFaultDefined);
constexpr Words<1> atos_par_fault_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kAtosParFaultRes0); }

constexpr Encoded<1> encode(const AtosParFault& r) noexcept { return encode_fields<1>(r); }
constexpr AtosParFault decode_atos_par_fault(const Words<1>& w) noexcept { return decode_fields<AtosParFault>(w); }

// ---------------------------------------------------------------------------------------------
// SMMU_VATOS_SEL (§6.3.44), 32-bit. Bits [31:16] are RES0; VMID[15:8] too when
// SMMU_IDR0.VMID16 == 0.
namespace vatos_sel {
using Vmid = Bits<15, 0>;
}  // namespace vatos_sel

struct VatosSel {
  std::uint16_t vmid = 0;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(vatos_sel::Vmid{}, "VMID", s.vmid);
  }
  friend constexpr bool operator==(const VatosSel&, const VatosSel&) = default;
};

inline constexpr Words<1> kVatosSelDefined = fields_mask<1, VatosSel>();
static_assert(fields_disjoint<1, VatosSel>());
inline constexpr Words<1> kVatosSelRes0 = complement(kVatosSelDefined);
constexpr Words<1> vatos_sel_res0_bits(const Words<1>& w) noexcept { return bits_in(w, kVatosSelRes0); }

constexpr Encoded<1> encode(const VatosSel& r) noexcept { return encode_fields<1>(r); }
constexpr VatosSel decode_vatos_sel(const Words<1>& w) noexcept { return decode_fields<VatosSel>(w); }

}  // namespace smmuv3::reg
