// SPDX-License-Identifier: MIT
// TLB invalidation commands (IHI 0070 §4.4): stage 1 (NH, EL2, EL3, S-EL2), stage 2 (S2_IPA,
// S12_VMALL and their Secure forms) and the common ALL forms (NSNH, SNH).
//
// Every address-based command carries the §4.4.1.1 common fields NUM, SCALE, Leaf, TTL128,
// TTL, TG and Address at the same positions (see fields.hpp). The spec states that the
// CMD_TLBI_S_EL2_* commands are "encoded similarly" to their CMD_TLBI_EL2_* counterparts and
// CMD_TLBI_S_S2_IPA / S_S12_VMALL to CMD_TLBI_S2_IPA / S12_VMALL; they are laid out so here.
// VA operands are Address[63:12]; IPA operands are Address[55:12] (§4.1.6).
//
// RES0 here is the layout's: conditional RES0 (upper VMID/ASID byte without VMID16/ASID16,
// SCALE[25] without DS, NUM/SCALE/TTL when TG == 0b00, the whole range group without RIL)
// depends on SMMU_IDR* values and is not in the masks.
#pragma once

#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/command/fields.hpp"
#include "smmuv3/command/opcode.hpp"
#include "smmuv3/command/tlbi_range.hpp"

namespace smmuv3 {

namespace cmd::detail {

/// NUM [16:12] and SCALE [25:20], the range of an address-based TLBI (§4.4.1.1).
template <class Self, class V>
constexpr void tlbi_range_fields(Self& s, V& v) {
  v(Num{}, "NUM", s.num);
  v(Scale{}, "SCALE", s.scale);
}

/// TTL128 [71], TTL [73:72], TG [75:74] and the address from bit 76 of an address-based TLBI
/// (§4.4.1.1): VaAddress (Address[63:12]) or, for the IPA forms, PaAddress (Address[55:12]).
template <class Address, class Self, class V>
constexpr void tlbi_address_fields(Self& s, V& v) {
  v(Ttl128{}, "TTL128", s.ttl128);
  v(Ttl{}, "TTL", s.ttl);
  v(Tg{}, "TG", s.tg);
  v(Address{}, "Address", s.address);
}

/// By VA with neither VMID nor ASID: CMD_TLBI_EL3_VA, CMD_TLBI_EL2_VAA, CMD_TLBI_S_EL2_VAA.
template <class Self, class V>
constexpr void tlbi_va_fields(Self& s, V& v) {
  tlbi_range_fields(s, v);
  v(Leaf{}, "Leaf", s.leaf);
  tlbi_address_fields<VaAddress>(s, v);
}

/// By ASID and VA without VMID: CMD_TLBI_EL2_VA and CMD_TLBI_S_EL2_VA.
template <class Self, class V>
constexpr void tlbi_asid_va_fields(Self& s, V& v) {
  tlbi_range_fields(s, v);
  v(Asid{}, "ASID", s.asid);
  v(Leaf{}, "Leaf", s.leaf);
  tlbi_address_fields<VaAddress>(s, v);
}

}  // namespace cmd::detail

/// §4.4.2.1 CMD_TLBI_NH_ALL(VMID): scope of VMALLE1 (NS queue).
struct CmdTlbiNhAll {
  static constexpr Opcode kOpcode = Opcode::tlbi_nh_all;
  static constexpr const char* kName = "CMD_TLBI_NH_ALL";

  std::uint16_t vmid = 0;

  friend constexpr bool operator==(const CmdTlbiNhAll&, const CmdTlbiNhAll&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Vmid{}, "VMID", s.vmid);
  }
};

/// §4.4.2.2 CMD_TLBI_NH_ASID(VMID, ASID): scope of ASIDE1.
struct CmdTlbiNhAsid {
  static constexpr Opcode kOpcode = Opcode::tlbi_nh_asid;
  static constexpr const char* kName = "CMD_TLBI_NH_ASID";

  std::uint16_t vmid = 0;
  std::uint16_t asid = 0;

  friend constexpr bool operator==(const CmdTlbiNhAsid&, const CmdTlbiNhAsid&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Vmid{}, "VMID", s.vmid);
    v(cmd::Asid{}, "ASID", s.asid);
  }
};

/// §4.4.2.4 CMD_TLBI_NH_VA(VMID, ASID, Addr, Leaf): scope of VA{L}E1.
struct CmdTlbiNhVa {
  static constexpr Opcode kOpcode = Opcode::tlbi_nh_va;
  static constexpr const char* kName = "CMD_TLBI_NH_VA";

  std::uint8_t num = 0;
  std::uint8_t scale = 0;
  std::uint16_t vmid = 0;
  std::uint16_t asid = 0;
  bool leaf = false;
  bool ttl128 = false;
  std::uint8_t ttl = 0;
  /// TG != any makes this a range invalidation (see tlbi_range.hpp).
  TlbiTg tg = TlbiTg::any;
  /// Virtual address, bits [11:0] zero (Address[63:12]).
  std::uint64_t address = 0;

  friend constexpr bool operator==(const CmdTlbiNhVa&, const CmdTlbiNhVa&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    cmd::detail::tlbi_range_fields(s, v);
    v(cmd::Vmid{}, "VMID", s.vmid);
    v(cmd::Asid{}, "ASID", s.asid);
    v(cmd::Leaf{}, "Leaf", s.leaf);
    cmd::detail::tlbi_address_fields<cmd::VaAddress>(s, v);
  }
};

/// §4.4.2.3 CMD_TLBI_NH_VAA(VMID, Addr, Leaf): scope of VAA{L}E1.
struct CmdTlbiNhVaa {
  static constexpr Opcode kOpcode = Opcode::tlbi_nh_vaa;
  static constexpr const char* kName = "CMD_TLBI_NH_VAA";

  std::uint8_t num = 0;
  std::uint8_t scale = 0;
  std::uint16_t vmid = 0;
  bool leaf = false;
  bool ttl128 = false;
  std::uint8_t ttl = 0;
  /// TG != any makes this a range invalidation (see tlbi_range.hpp).
  TlbiTg tg = TlbiTg::any;
  /// Virtual address, bits [11:0] zero (Address[63:12]).
  std::uint64_t address = 0;

  friend constexpr bool operator==(const CmdTlbiNhVaa&, const CmdTlbiNhVaa&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    cmd::detail::tlbi_range_fields(s, v);
    v(cmd::Vmid{}, "VMID", s.vmid);
    v(cmd::Leaf{}, "Leaf", s.leaf);
    cmd::detail::tlbi_address_fields<cmd::VaAddress>(s, v);
  }
};

/// §4.4.2.5 CMD_TLBI_EL3_ALL: scope of ALLE3 (Secure queue only).
struct CmdTlbiEl3All {
  static constexpr Opcode kOpcode = Opcode::tlbi_el3_all;
  static constexpr const char* kName = "CMD_TLBI_EL3_ALL";

  friend constexpr bool operator==(const CmdTlbiEl3All&, const CmdTlbiEl3All&) = default;

  template <class Self, class V>
  static constexpr void fields(Self&, V&&) {}
};

/// §4.4.2.6 CMD_TLBI_EL3_VA(Addr, Leaf): scope of VA{L}E3 (Secure queue only).
struct CmdTlbiEl3Va {
  static constexpr Opcode kOpcode = Opcode::tlbi_el3_va;
  static constexpr const char* kName = "CMD_TLBI_EL3_VA";

  std::uint8_t num = 0;
  std::uint8_t scale = 0;
  bool leaf = false;
  bool ttl128 = false;
  std::uint8_t ttl = 0;
  /// TG != any makes this a range invalidation (see tlbi_range.hpp).
  TlbiTg tg = TlbiTg::any;
  /// Virtual address, bits [11:0] zero (Address[63:12]).
  std::uint64_t address = 0;

  friend constexpr bool operator==(const CmdTlbiEl3Va&, const CmdTlbiEl3Va&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    cmd::detail::tlbi_va_fields(s, v);
  }
};

/// §4.4.2.7 CMD_TLBI_EL2_ALL: all NS-EL2 stage 1 entries (ALLE2).
struct CmdTlbiEl2All {
  static constexpr Opcode kOpcode = Opcode::tlbi_el2_all;
  static constexpr const char* kName = "CMD_TLBI_EL2_ALL";

  friend constexpr bool operator==(const CmdTlbiEl2All&, const CmdTlbiEl2All&) = default;

  template <class Self, class V>
  static constexpr void fields(Self&, V&&) {}
};

/// §4.4.2.10 CMD_TLBI_EL2_ASID(ASID): NS-EL2-E2H non-global entries by ASID.
struct CmdTlbiEl2Asid {
  static constexpr Opcode kOpcode = Opcode::tlbi_el2_asid;
  static constexpr const char* kName = "CMD_TLBI_EL2_ASID";

  std::uint16_t asid = 0;

  friend constexpr bool operator==(const CmdTlbiEl2Asid&, const CmdTlbiEl2Asid&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Asid{}, "ASID", s.asid);
  }
};

/// §4.4.2.8 CMD_TLBI_EL2_VA(ASID, Addr, Leaf): scope of VA{L}E2.
struct CmdTlbiEl2Va {
  static constexpr Opcode kOpcode = Opcode::tlbi_el2_va;
  static constexpr const char* kName = "CMD_TLBI_EL2_VA";

  std::uint8_t num = 0;
  std::uint8_t scale = 0;
  std::uint16_t asid = 0;
  bool leaf = false;
  bool ttl128 = false;
  std::uint8_t ttl = 0;
  /// TG != any makes this a range invalidation (see tlbi_range.hpp).
  TlbiTg tg = TlbiTg::any;
  /// Virtual address, bits [11:0] zero (Address[63:12]).
  std::uint64_t address = 0;

  friend constexpr bool operator==(const CmdTlbiEl2Va&, const CmdTlbiEl2Va&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    cmd::detail::tlbi_asid_va_fields(s, v);
  }
};

/// §4.4.2.9 CMD_TLBI_EL2_VAA(Addr, Leaf): NS-EL2 entries by VA, all ASIDs.
struct CmdTlbiEl2Vaa {
  static constexpr Opcode kOpcode = Opcode::tlbi_el2_vaa;
  static constexpr const char* kName = "CMD_TLBI_EL2_VAA";

  std::uint8_t num = 0;
  std::uint8_t scale = 0;
  bool leaf = false;
  bool ttl128 = false;
  std::uint8_t ttl = 0;
  /// TG != any makes this a range invalidation (see tlbi_range.hpp).
  TlbiTg tg = TlbiTg::any;
  /// Virtual address, bits [11:0] zero (Address[63:12]).
  std::uint64_t address = 0;

  friend constexpr bool operator==(const CmdTlbiEl2Vaa&, const CmdTlbiEl2Vaa&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    cmd::detail::tlbi_va_fields(s, v);
  }
};

/// §4.4.3.2 CMD_TLBI_S12_VMALL(VMID): scope of VMALLS12E1.
struct CmdTlbiS12Vmall {
  static constexpr Opcode kOpcode = Opcode::tlbi_s12_vmall;
  static constexpr const char* kName = "CMD_TLBI_S12_VMALL";

  std::uint16_t vmid = 0;

  friend constexpr bool operator==(const CmdTlbiS12Vmall&, const CmdTlbiS12Vmall&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Vmid{}, "VMID", s.vmid);
  }
};

/// §4.4.3.1 CMD_TLBI_S2_IPA(VMID, Addr, Leaf): scope of IPAS2{L}E1.
struct CmdTlbiS2Ipa {
  static constexpr Opcode kOpcode = Opcode::tlbi_s2_ipa;
  static constexpr const char* kName = "CMD_TLBI_S2_IPA";

  std::uint8_t num = 0;
  std::uint8_t scale = 0;
  std::uint16_t vmid = 0;
  bool leaf = false;
  bool ttl128 = false;
  std::uint8_t ttl = 0;
  /// TG != any makes this a range invalidation (see tlbi_range.hpp).
  TlbiTg tg = TlbiTg::any;
  /// IPA, bits [11:0] zero (Address[55:12]).
  std::uint64_t address = 0;

  friend constexpr bool operator==(const CmdTlbiS2Ipa&, const CmdTlbiS2Ipa&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    cmd::detail::tlbi_range_fields(s, v);
    v(cmd::Vmid{}, "VMID", s.vmid);
    v(cmd::Leaf{}, "Leaf", s.leaf);
    cmd::detail::tlbi_address_fields<cmd::PaAddress>(s, v);
  }
};

/// §4.4.4.1 CMD_TLBI_NSNH_ALL: scope of Non-secure ALLE1.
struct CmdTlbiNsnhAll {
  static constexpr Opcode kOpcode = Opcode::tlbi_nsnh_all;
  static constexpr const char* kName = "CMD_TLBI_NSNH_ALL";

  friend constexpr bool operator==(const CmdTlbiNsnhAll&, const CmdTlbiNsnhAll&) = default;

  template <class Self, class V>
  static constexpr void fields(Self&, V&&) {}
};

/// §4.4.2.11 CMD_TLBI_S_EL2_ALL: as CMD_TLBI_EL2_ALL for S-EL2 (Secure queue only).
struct CmdTlbiSEl2All {
  static constexpr Opcode kOpcode = Opcode::tlbi_s_el2_all;
  static constexpr const char* kName = "CMD_TLBI_S_EL2_ALL";

  friend constexpr bool operator==(const CmdTlbiSEl2All&, const CmdTlbiSEl2All&) = default;

  template <class Self, class V>
  static constexpr void fields(Self&, V&&) {}
};

/// §4.4.2.14 CMD_TLBI_S_EL2_ASID: encoded like CMD_TLBI_EL2_ASID, for S-EL2.
struct CmdTlbiSEl2Asid {
  static constexpr Opcode kOpcode = Opcode::tlbi_s_el2_asid;
  static constexpr const char* kName = "CMD_TLBI_S_EL2_ASID";

  std::uint16_t asid = 0;

  friend constexpr bool operator==(const CmdTlbiSEl2Asid&, const CmdTlbiSEl2Asid&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Asid{}, "ASID", s.asid);
  }
};

/// §4.4.2.12 CMD_TLBI_S_EL2_VA: encoded like CMD_TLBI_EL2_VA, for S-EL2.
struct CmdTlbiSEl2Va {
  static constexpr Opcode kOpcode = Opcode::tlbi_s_el2_va;
  static constexpr const char* kName = "CMD_TLBI_S_EL2_VA";

  std::uint8_t num = 0;
  std::uint8_t scale = 0;
  std::uint16_t asid = 0;
  bool leaf = false;
  bool ttl128 = false;
  std::uint8_t ttl = 0;
  /// TG != any makes this a range invalidation (see tlbi_range.hpp).
  TlbiTg tg = TlbiTg::any;
  /// Virtual address, bits [11:0] zero (Address[63:12]).
  std::uint64_t address = 0;

  friend constexpr bool operator==(const CmdTlbiSEl2Va&, const CmdTlbiSEl2Va&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    cmd::detail::tlbi_asid_va_fields(s, v);
  }
};

/// §4.4.2.13 CMD_TLBI_S_EL2_VAA: encoded like CMD_TLBI_EL2_VAA, for S-EL2.
struct CmdTlbiSEl2Vaa {
  static constexpr Opcode kOpcode = Opcode::tlbi_s_el2_vaa;
  static constexpr const char* kName = "CMD_TLBI_S_EL2_VAA";

  std::uint8_t num = 0;
  std::uint8_t scale = 0;
  bool leaf = false;
  bool ttl128 = false;
  std::uint8_t ttl = 0;
  /// TG != any makes this a range invalidation (see tlbi_range.hpp).
  TlbiTg tg = TlbiTg::any;
  /// Virtual address, bits [11:0] zero (Address[63:12]).
  std::uint64_t address = 0;

  friend constexpr bool operator==(const CmdTlbiSEl2Vaa&, const CmdTlbiSEl2Vaa&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    cmd::detail::tlbi_va_fields(s, v);
  }
};

/// §4.4.3.4 CMD_TLBI_S_S12_VMALL(VMID): Secure VMALLS12E1.
struct CmdTlbiSS12Vmall {
  static constexpr Opcode kOpcode = Opcode::tlbi_s_s12_vmall;
  static constexpr const char* kName = "CMD_TLBI_S_S12_VMALL";

  std::uint16_t vmid = 0;

  friend constexpr bool operator==(const CmdTlbiSS12Vmall&, const CmdTlbiSS12Vmall&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Vmid{}, "VMID", s.vmid);
  }
};

/// §4.4.3.3 CMD_TLBI_S_S2_IPA(VMID, Addr, Leaf, NS): Secure stage 2 by IPA; NS selects the
/// Non-secure IPA space.
struct CmdTlbiSS2Ipa {
  static constexpr Opcode kOpcode = Opcode::tlbi_s_s2_ipa;
  static constexpr const char* kName = "CMD_TLBI_S_S2_IPA";

  std::uint8_t num = 0;
  std::uint8_t scale = 0;
  std::uint16_t vmid = 0;
  bool leaf = false;
  /// 1: Addr is in the Non-secure IPA space of the Secure translation regime.
  bool ns = false;
  bool ttl128 = false;
  std::uint8_t ttl = 0;
  /// TG != any makes this a range invalidation (see tlbi_range.hpp).
  TlbiTg tg = TlbiTg::any;
  /// IPA, bits [11:0] zero (Address[55:12]).
  std::uint64_t address = 0;

  friend constexpr bool operator==(const CmdTlbiSS2Ipa&, const CmdTlbiSS2Ipa&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    cmd::detail::tlbi_range_fields(s, v);
    v(cmd::Vmid{}, "VMID", s.vmid);
    v(cmd::Leaf{}, "Leaf", s.leaf);
    v(cmd::SS2IpaNs{}, "NS", s.ns);
    cmd::detail::tlbi_address_fields<cmd::PaAddress>(s, v);
  }
};

/// §4.4.4.2 CMD_TLBI_SNH_ALL: scope of Secure ALLE1.
struct CmdTlbiSnhAll {
  static constexpr Opcode kOpcode = Opcode::tlbi_snh_all;
  static constexpr const char* kName = "CMD_TLBI_SNH_ALL";

  friend constexpr bool operator==(const CmdTlbiSnhAll&, const CmdTlbiSnhAll&) = default;

  template <class Self, class V>
  static constexpr void fields(Self&, V&&) {}
};

inline constexpr Words<2> kCmdTlbiNhAllDefined = cmd::detail::defined_bits<CmdTlbiNhAll>();
inline constexpr Words<2> kCmdTlbiNhAllRes0 = cmd::detail::kRes0<CmdTlbiNhAll>;
inline constexpr Words<2> kCmdTlbiNhAsidDefined = cmd::detail::defined_bits<CmdTlbiNhAsid>();
inline constexpr Words<2> kCmdTlbiNhAsidRes0 = cmd::detail::kRes0<CmdTlbiNhAsid>;
inline constexpr Words<2> kCmdTlbiNhVaDefined = cmd::detail::defined_bits<CmdTlbiNhVa>();
inline constexpr Words<2> kCmdTlbiNhVaRes0 = cmd::detail::kRes0<CmdTlbiNhVa>;
inline constexpr Words<2> kCmdTlbiNhVaaDefined = cmd::detail::defined_bits<CmdTlbiNhVaa>();
inline constexpr Words<2> kCmdTlbiNhVaaRes0 = cmd::detail::kRes0<CmdTlbiNhVaa>;
inline constexpr Words<2> kCmdTlbiEl3AllDefined = cmd::detail::defined_bits<CmdTlbiEl3All>();
inline constexpr Words<2> kCmdTlbiEl3AllRes0 = cmd::detail::kRes0<CmdTlbiEl3All>;
inline constexpr Words<2> kCmdTlbiEl3VaDefined = cmd::detail::defined_bits<CmdTlbiEl3Va>();
inline constexpr Words<2> kCmdTlbiEl3VaRes0 = cmd::detail::kRes0<CmdTlbiEl3Va>;
inline constexpr Words<2> kCmdTlbiEl2AllDefined = cmd::detail::defined_bits<CmdTlbiEl2All>();
inline constexpr Words<2> kCmdTlbiEl2AllRes0 = cmd::detail::kRes0<CmdTlbiEl2All>;
inline constexpr Words<2> kCmdTlbiEl2AsidDefined = cmd::detail::defined_bits<CmdTlbiEl2Asid>();
inline constexpr Words<2> kCmdTlbiEl2AsidRes0 = cmd::detail::kRes0<CmdTlbiEl2Asid>;
inline constexpr Words<2> kCmdTlbiEl2VaDefined = cmd::detail::defined_bits<CmdTlbiEl2Va>();
inline constexpr Words<2> kCmdTlbiEl2VaRes0 = cmd::detail::kRes0<CmdTlbiEl2Va>;
inline constexpr Words<2> kCmdTlbiEl2VaaDefined = cmd::detail::defined_bits<CmdTlbiEl2Vaa>();
inline constexpr Words<2> kCmdTlbiEl2VaaRes0 = cmd::detail::kRes0<CmdTlbiEl2Vaa>;
inline constexpr Words<2> kCmdTlbiS12VmallDefined = cmd::detail::defined_bits<CmdTlbiS12Vmall>();
inline constexpr Words<2> kCmdTlbiS12VmallRes0 = cmd::detail::kRes0<CmdTlbiS12Vmall>;
inline constexpr Words<2> kCmdTlbiS2IpaDefined = cmd::detail::defined_bits<CmdTlbiS2Ipa>();
inline constexpr Words<2> kCmdTlbiS2IpaRes0 = cmd::detail::kRes0<CmdTlbiS2Ipa>;
inline constexpr Words<2> kCmdTlbiNsnhAllDefined = cmd::detail::defined_bits<CmdTlbiNsnhAll>();
inline constexpr Words<2> kCmdTlbiNsnhAllRes0 = cmd::detail::kRes0<CmdTlbiNsnhAll>;
inline constexpr Words<2> kCmdTlbiSEl2AllDefined = cmd::detail::defined_bits<CmdTlbiSEl2All>();
inline constexpr Words<2> kCmdTlbiSEl2AllRes0 = cmd::detail::kRes0<CmdTlbiSEl2All>;
inline constexpr Words<2> kCmdTlbiSEl2AsidDefined = cmd::detail::defined_bits<CmdTlbiSEl2Asid>();
inline constexpr Words<2> kCmdTlbiSEl2AsidRes0 = cmd::detail::kRes0<CmdTlbiSEl2Asid>;
inline constexpr Words<2> kCmdTlbiSEl2VaDefined = cmd::detail::defined_bits<CmdTlbiSEl2Va>();
inline constexpr Words<2> kCmdTlbiSEl2VaRes0 = cmd::detail::kRes0<CmdTlbiSEl2Va>;
inline constexpr Words<2> kCmdTlbiSEl2VaaDefined = cmd::detail::defined_bits<CmdTlbiSEl2Vaa>();
inline constexpr Words<2> kCmdTlbiSEl2VaaRes0 = cmd::detail::kRes0<CmdTlbiSEl2Vaa>;
inline constexpr Words<2> kCmdTlbiSS12VmallDefined = cmd::detail::defined_bits<CmdTlbiSS12Vmall>();
inline constexpr Words<2> kCmdTlbiSS12VmallRes0 = cmd::detail::kRes0<CmdTlbiSS12Vmall>;
inline constexpr Words<2> kCmdTlbiSS2IpaDefined = cmd::detail::defined_bits<CmdTlbiSS2Ipa>();
inline constexpr Words<2> kCmdTlbiSS2IpaRes0 = cmd::detail::kRes0<CmdTlbiSS2Ipa>;
inline constexpr Words<2> kCmdTlbiSnhAllDefined = cmd::detail::defined_bits<CmdTlbiSnhAll>();
inline constexpr Words<2> kCmdTlbiSnhAllRes0 = cmd::detail::kRes0<CmdTlbiSnhAll>;

}  // namespace smmuv3
