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

/// §4.4.2.1 CMD_TLBI_NH_ALL(VMID): scope of VMALLE1 (NS queue).
struct CmdTlbiNhAll {
  static constexpr Opcode kOpcode = Opcode::tlbi_nh_all;
  static constexpr const char* kName = "CMD_TLBI_NH_ALL";

  std::uint16_t vmid = 0;

  friend constexpr bool operator==(const CmdTlbiNhAll&, const CmdTlbiNhAll&) = default;
};

/// §4.4.2.2 CMD_TLBI_NH_ASID(VMID, ASID): scope of ASIDE1.
struct CmdTlbiNhAsid {
  static constexpr Opcode kOpcode = Opcode::tlbi_nh_asid;
  static constexpr const char* kName = "CMD_TLBI_NH_ASID";

  std::uint16_t vmid = 0;
  std::uint16_t asid = 0;

  friend constexpr bool operator==(const CmdTlbiNhAsid&, const CmdTlbiNhAsid&) = default;
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
};

/// §4.4.2.5 CMD_TLBI_EL3_ALL: scope of ALLE3 (Secure queue only).
struct CmdTlbiEl3All {
  static constexpr Opcode kOpcode = Opcode::tlbi_el3_all;
  static constexpr const char* kName = "CMD_TLBI_EL3_ALL";

  friend constexpr bool operator==(const CmdTlbiEl3All&, const CmdTlbiEl3All&) = default;
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
};

/// §4.4.2.7 CMD_TLBI_EL2_ALL: all NS-EL2 stage 1 entries (ALLE2).
struct CmdTlbiEl2All {
  static constexpr Opcode kOpcode = Opcode::tlbi_el2_all;
  static constexpr const char* kName = "CMD_TLBI_EL2_ALL";

  friend constexpr bool operator==(const CmdTlbiEl2All&, const CmdTlbiEl2All&) = default;
};

/// §4.4.2.10 CMD_TLBI_EL2_ASID(ASID): NS-EL2-E2H non-global entries by ASID.
struct CmdTlbiEl2Asid {
  static constexpr Opcode kOpcode = Opcode::tlbi_el2_asid;
  static constexpr const char* kName = "CMD_TLBI_EL2_ASID";

  std::uint16_t asid = 0;

  friend constexpr bool operator==(const CmdTlbiEl2Asid&, const CmdTlbiEl2Asid&) = default;
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
};

/// §4.4.3.2 CMD_TLBI_S12_VMALL(VMID): scope of VMALLS12E1.
struct CmdTlbiS12Vmall {
  static constexpr Opcode kOpcode = Opcode::tlbi_s12_vmall;
  static constexpr const char* kName = "CMD_TLBI_S12_VMALL";

  std::uint16_t vmid = 0;

  friend constexpr bool operator==(const CmdTlbiS12Vmall&, const CmdTlbiS12Vmall&) = default;
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
};

/// §4.4.4.1 CMD_TLBI_NSNH_ALL: scope of Non-secure ALLE1.
struct CmdTlbiNsnhAll {
  static constexpr Opcode kOpcode = Opcode::tlbi_nsnh_all;
  static constexpr const char* kName = "CMD_TLBI_NSNH_ALL";

  friend constexpr bool operator==(const CmdTlbiNsnhAll&, const CmdTlbiNsnhAll&) = default;
};

/// §4.4.2.11 CMD_TLBI_S_EL2_ALL: as CMD_TLBI_EL2_ALL for S-EL2 (Secure queue only).
struct CmdTlbiSEl2All {
  static constexpr Opcode kOpcode = Opcode::tlbi_s_el2_all;
  static constexpr const char* kName = "CMD_TLBI_S_EL2_ALL";

  friend constexpr bool operator==(const CmdTlbiSEl2All&, const CmdTlbiSEl2All&) = default;
};

/// §4.4.2.14 CMD_TLBI_S_EL2_ASID: encoded like CMD_TLBI_EL2_ASID, for S-EL2.
struct CmdTlbiSEl2Asid {
  static constexpr Opcode kOpcode = Opcode::tlbi_s_el2_asid;
  static constexpr const char* kName = "CMD_TLBI_S_EL2_ASID";

  std::uint16_t asid = 0;

  friend constexpr bool operator==(const CmdTlbiSEl2Asid&, const CmdTlbiSEl2Asid&) = default;
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
};

/// §4.4.3.4 CMD_TLBI_S_S12_VMALL(VMID): Secure VMALLS12E1.
struct CmdTlbiSS12Vmall {
  static constexpr Opcode kOpcode = Opcode::tlbi_s_s12_vmall;
  static constexpr const char* kName = "CMD_TLBI_S_S12_VMALL";

  std::uint16_t vmid = 0;

  friend constexpr bool operator==(const CmdTlbiSS12Vmall&, const CmdTlbiSS12Vmall&) = default;
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
};

/// §4.4.4.2 CMD_TLBI_SNH_ALL: scope of Secure ALLE1.
struct CmdTlbiSnhAll {
  static constexpr Opcode kOpcode = Opcode::tlbi_snh_all;
  static constexpr const char* kName = "CMD_TLBI_SNH_ALL";

  friend constexpr bool operator==(const CmdTlbiSnhAll&, const CmdTlbiSnhAll&) = default;
};

inline constexpr Words<2> kCmdTlbiNhAllDefined = mask_of<2, cmd::Op, cmd::Vmid>();
inline constexpr Words<2> kCmdTlbiNhAllRes0 = complement(kCmdTlbiNhAllDefined);
inline constexpr Words<2> kCmdTlbiNhAsidDefined = mask_of<2, cmd::Op, cmd::Vmid, cmd::Asid>();
inline constexpr Words<2> kCmdTlbiNhAsidRes0 = complement(kCmdTlbiNhAsidDefined);
inline constexpr Words<2> kCmdTlbiNhVaDefined =
    mask_of<2, cmd::Op, cmd::Num, cmd::Scale, cmd::Vmid, cmd::Asid, cmd::Leaf, cmd::Ttl128,
            cmd::Ttl, cmd::Tg, cmd::VaAddress>();
inline constexpr Words<2> kCmdTlbiNhVaRes0 = complement(kCmdTlbiNhVaDefined);
inline constexpr Words<2> kCmdTlbiNhVaaDefined =
    mask_of<2, cmd::Op, cmd::Num, cmd::Scale, cmd::Vmid, cmd::Leaf, cmd::Ttl128, cmd::Ttl, cmd::Tg,
            cmd::VaAddress>();
inline constexpr Words<2> kCmdTlbiNhVaaRes0 = complement(kCmdTlbiNhVaaDefined);
inline constexpr Words<2> kCmdTlbiEl3AllDefined = mask_of<2, cmd::Op>();
inline constexpr Words<2> kCmdTlbiEl3AllRes0 = complement(kCmdTlbiEl3AllDefined);
inline constexpr Words<2> kCmdTlbiEl3VaDefined =
    mask_of<2, cmd::Op, cmd::Num, cmd::Scale, cmd::Leaf, cmd::Ttl128, cmd::Ttl, cmd::Tg,
            cmd::VaAddress>();
inline constexpr Words<2> kCmdTlbiEl3VaRes0 = complement(kCmdTlbiEl3VaDefined);
inline constexpr Words<2> kCmdTlbiEl2AllDefined = mask_of<2, cmd::Op>();
inline constexpr Words<2> kCmdTlbiEl2AllRes0 = complement(kCmdTlbiEl2AllDefined);
inline constexpr Words<2> kCmdTlbiEl2AsidDefined = mask_of<2, cmd::Op, cmd::Asid>();
inline constexpr Words<2> kCmdTlbiEl2AsidRes0 = complement(kCmdTlbiEl2AsidDefined);
inline constexpr Words<2> kCmdTlbiEl2VaDefined =
    mask_of<2, cmd::Op, cmd::Num, cmd::Scale, cmd::Asid, cmd::Leaf, cmd::Ttl128, cmd::Ttl, cmd::Tg,
            cmd::VaAddress>();
inline constexpr Words<2> kCmdTlbiEl2VaRes0 = complement(kCmdTlbiEl2VaDefined);
inline constexpr Words<2> kCmdTlbiEl2VaaDefined =
    mask_of<2, cmd::Op, cmd::Num, cmd::Scale, cmd::Leaf, cmd::Ttl128, cmd::Ttl, cmd::Tg,
            cmd::VaAddress>();
inline constexpr Words<2> kCmdTlbiEl2VaaRes0 = complement(kCmdTlbiEl2VaaDefined);
inline constexpr Words<2> kCmdTlbiS12VmallDefined = mask_of<2, cmd::Op, cmd::Vmid>();
inline constexpr Words<2> kCmdTlbiS12VmallRes0 = complement(kCmdTlbiS12VmallDefined);
inline constexpr Words<2> kCmdTlbiS2IpaDefined =
    mask_of<2, cmd::Op, cmd::Num, cmd::Scale, cmd::Vmid, cmd::Leaf, cmd::Ttl128, cmd::Ttl, cmd::Tg,
            cmd::PaAddress>();
inline constexpr Words<2> kCmdTlbiS2IpaRes0 = complement(kCmdTlbiS2IpaDefined);
inline constexpr Words<2> kCmdTlbiNsnhAllDefined = mask_of<2, cmd::Op>();
inline constexpr Words<2> kCmdTlbiNsnhAllRes0 = complement(kCmdTlbiNsnhAllDefined);
inline constexpr Words<2> kCmdTlbiSEl2AllDefined = mask_of<2, cmd::Op>();
inline constexpr Words<2> kCmdTlbiSEl2AllRes0 = complement(kCmdTlbiSEl2AllDefined);
inline constexpr Words<2> kCmdTlbiSEl2AsidDefined = mask_of<2, cmd::Op, cmd::Asid>();
inline constexpr Words<2> kCmdTlbiSEl2AsidRes0 = complement(kCmdTlbiSEl2AsidDefined);
inline constexpr Words<2> kCmdTlbiSEl2VaDefined =
    mask_of<2, cmd::Op, cmd::Num, cmd::Scale, cmd::Asid, cmd::Leaf, cmd::Ttl128, cmd::Ttl, cmd::Tg,
            cmd::VaAddress>();
inline constexpr Words<2> kCmdTlbiSEl2VaRes0 = complement(kCmdTlbiSEl2VaDefined);
inline constexpr Words<2> kCmdTlbiSEl2VaaDefined =
    mask_of<2, cmd::Op, cmd::Num, cmd::Scale, cmd::Leaf, cmd::Ttl128, cmd::Ttl, cmd::Tg,
            cmd::VaAddress>();
inline constexpr Words<2> kCmdTlbiSEl2VaaRes0 = complement(kCmdTlbiSEl2VaaDefined);
inline constexpr Words<2> kCmdTlbiSS12VmallDefined = mask_of<2, cmd::Op, cmd::Vmid>();
inline constexpr Words<2> kCmdTlbiSS12VmallRes0 = complement(kCmdTlbiSS12VmallDefined);
inline constexpr Words<2> kCmdTlbiSS2IpaDefined =
    mask_of<2, cmd::Op, cmd::Num, cmd::Scale, cmd::Vmid, cmd::Leaf, cmd::SS2IpaNs, cmd::Ttl128,
            cmd::Ttl, cmd::Tg, cmd::PaAddress>();
inline constexpr Words<2> kCmdTlbiSS2IpaRes0 = complement(kCmdTlbiSS2IpaDefined);
inline constexpr Words<2> kCmdTlbiSnhAllDefined = mask_of<2, cmd::Op>();
inline constexpr Words<2> kCmdTlbiSnhAllRes0 = complement(kCmdTlbiSnhAllDefined);

constexpr Encoded<2> encode(const CmdTlbiNhAll& c) noexcept {
  return detail::command_encoder(CmdTlbiNhAll::kOpcode).put<cmd::Vmid>(c.vmid, "VMID").done();
}

template <>
constexpr CmdTlbiNhAll decode_command_as<CmdTlbiNhAll>(const Words<2>& w) noexcept {
  CmdTlbiNhAll c;
  c.vmid = static_cast<std::uint16_t>(cmd::Vmid::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiNhAll& c, F&& f) {
  f("VMID", std::uint64_t{c.vmid});
}

constexpr Encoded<2> encode(const CmdTlbiNhAsid& c) noexcept {
  return detail::command_encoder(CmdTlbiNhAsid::kOpcode)
      .put<cmd::Vmid>(c.vmid, "VMID")
      .put<cmd::Asid>(c.asid, "ASID")
      .done();
}

template <>
constexpr CmdTlbiNhAsid decode_command_as<CmdTlbiNhAsid>(const Words<2>& w) noexcept {
  CmdTlbiNhAsid c;
  c.vmid = static_cast<std::uint16_t>(cmd::Vmid::get(w));
  c.asid = static_cast<std::uint16_t>(cmd::Asid::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiNhAsid& c, F&& f) {
  f("VMID", std::uint64_t{c.vmid});
  f("ASID", std::uint64_t{c.asid});
}

constexpr Encoded<2> encode(const CmdTlbiNhVa& c) noexcept {
  return detail::command_encoder(CmdTlbiNhVa::kOpcode)
      .put<cmd::Num>(c.num, "NUM")
      .put<cmd::Scale>(c.scale, "SCALE")
      .put<cmd::Vmid>(c.vmid, "VMID")
      .put<cmd::Asid>(c.asid, "ASID")
      .put<cmd::Leaf>(c.leaf, "Leaf")
      .put<cmd::Ttl128>(c.ttl128, "TTL128")
      .put<cmd::Ttl>(c.ttl, "TTL")
      .put<cmd::Tg>(c.tg, "TG")
      .put<cmd::VaAddress>(c.address, "Address")
      .done();
}

template <>
constexpr CmdTlbiNhVa decode_command_as<CmdTlbiNhVa>(const Words<2>& w) noexcept {
  CmdTlbiNhVa c;
  c.num = static_cast<std::uint8_t>(cmd::Num::get(w));
  c.scale = static_cast<std::uint8_t>(cmd::Scale::get(w));
  c.vmid = static_cast<std::uint16_t>(cmd::Vmid::get(w));
  c.asid = static_cast<std::uint16_t>(cmd::Asid::get(w));
  c.leaf = cmd::Leaf::get(w) != 0;
  c.ttl128 = cmd::Ttl128::get(w) != 0;
  c.ttl = static_cast<std::uint8_t>(cmd::Ttl::get(w));
  c.tg = static_cast<TlbiTg>(cmd::Tg::get(w));
  c.address = cmd::VaAddress::get(w);
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiNhVa& c, F&& f) {
  f("NUM", std::uint64_t{c.num});
  f("SCALE", std::uint64_t{c.scale});
  f("VMID", std::uint64_t{c.vmid});
  f("ASID", std::uint64_t{c.asid});
  f("Leaf", std::uint64_t{c.leaf});
  f("TTL128", std::uint64_t{c.ttl128});
  f("TTL", std::uint64_t{c.ttl});
  f("TG", detail::to_u64(c.tg));
  f("Address", c.address);
}

constexpr Encoded<2> encode(const CmdTlbiNhVaa& c) noexcept {
  return detail::command_encoder(CmdTlbiNhVaa::kOpcode)
      .put<cmd::Num>(c.num, "NUM")
      .put<cmd::Scale>(c.scale, "SCALE")
      .put<cmd::Vmid>(c.vmid, "VMID")
      .put<cmd::Leaf>(c.leaf, "Leaf")
      .put<cmd::Ttl128>(c.ttl128, "TTL128")
      .put<cmd::Ttl>(c.ttl, "TTL")
      .put<cmd::Tg>(c.tg, "TG")
      .put<cmd::VaAddress>(c.address, "Address")
      .done();
}

template <>
constexpr CmdTlbiNhVaa decode_command_as<CmdTlbiNhVaa>(const Words<2>& w) noexcept {
  CmdTlbiNhVaa c;
  c.num = static_cast<std::uint8_t>(cmd::Num::get(w));
  c.scale = static_cast<std::uint8_t>(cmd::Scale::get(w));
  c.vmid = static_cast<std::uint16_t>(cmd::Vmid::get(w));
  c.leaf = cmd::Leaf::get(w) != 0;
  c.ttl128 = cmd::Ttl128::get(w) != 0;
  c.ttl = static_cast<std::uint8_t>(cmd::Ttl::get(w));
  c.tg = static_cast<TlbiTg>(cmd::Tg::get(w));
  c.address = cmd::VaAddress::get(w);
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiNhVaa& c, F&& f) {
  f("NUM", std::uint64_t{c.num});
  f("SCALE", std::uint64_t{c.scale});
  f("VMID", std::uint64_t{c.vmid});
  f("Leaf", std::uint64_t{c.leaf});
  f("TTL128", std::uint64_t{c.ttl128});
  f("TTL", std::uint64_t{c.ttl});
  f("TG", detail::to_u64(c.tg));
  f("Address", c.address);
}

constexpr Encoded<2> encode(const CmdTlbiEl3All&) noexcept {
  return detail::command_encoder(CmdTlbiEl3All::kOpcode).done();
}

template <>
constexpr CmdTlbiEl3All decode_command_as<CmdTlbiEl3All>(const Words<2>&) noexcept {
  CmdTlbiEl3All c;
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiEl3All&, F&&) {}

constexpr Encoded<2> encode(const CmdTlbiEl3Va& c) noexcept {
  return detail::command_encoder(CmdTlbiEl3Va::kOpcode)
      .put<cmd::Num>(c.num, "NUM")
      .put<cmd::Scale>(c.scale, "SCALE")
      .put<cmd::Leaf>(c.leaf, "Leaf")
      .put<cmd::Ttl128>(c.ttl128, "TTL128")
      .put<cmd::Ttl>(c.ttl, "TTL")
      .put<cmd::Tg>(c.tg, "TG")
      .put<cmd::VaAddress>(c.address, "Address")
      .done();
}

template <>
constexpr CmdTlbiEl3Va decode_command_as<CmdTlbiEl3Va>(const Words<2>& w) noexcept {
  CmdTlbiEl3Va c;
  c.num = static_cast<std::uint8_t>(cmd::Num::get(w));
  c.scale = static_cast<std::uint8_t>(cmd::Scale::get(w));
  c.leaf = cmd::Leaf::get(w) != 0;
  c.ttl128 = cmd::Ttl128::get(w) != 0;
  c.ttl = static_cast<std::uint8_t>(cmd::Ttl::get(w));
  c.tg = static_cast<TlbiTg>(cmd::Tg::get(w));
  c.address = cmd::VaAddress::get(w);
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiEl3Va& c, F&& f) {
  f("NUM", std::uint64_t{c.num});
  f("SCALE", std::uint64_t{c.scale});
  f("Leaf", std::uint64_t{c.leaf});
  f("TTL128", std::uint64_t{c.ttl128});
  f("TTL", std::uint64_t{c.ttl});
  f("TG", detail::to_u64(c.tg));
  f("Address", c.address);
}

constexpr Encoded<2> encode(const CmdTlbiEl2All&) noexcept {
  return detail::command_encoder(CmdTlbiEl2All::kOpcode).done();
}

template <>
constexpr CmdTlbiEl2All decode_command_as<CmdTlbiEl2All>(const Words<2>&) noexcept {
  CmdTlbiEl2All c;
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiEl2All&, F&&) {}

constexpr Encoded<2> encode(const CmdTlbiEl2Asid& c) noexcept {
  return detail::command_encoder(CmdTlbiEl2Asid::kOpcode).put<cmd::Asid>(c.asid, "ASID").done();
}

template <>
constexpr CmdTlbiEl2Asid decode_command_as<CmdTlbiEl2Asid>(const Words<2>& w) noexcept {
  CmdTlbiEl2Asid c;
  c.asid = static_cast<std::uint16_t>(cmd::Asid::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiEl2Asid& c, F&& f) {
  f("ASID", std::uint64_t{c.asid});
}

constexpr Encoded<2> encode(const CmdTlbiEl2Va& c) noexcept {
  return detail::command_encoder(CmdTlbiEl2Va::kOpcode)
      .put<cmd::Num>(c.num, "NUM")
      .put<cmd::Scale>(c.scale, "SCALE")
      .put<cmd::Asid>(c.asid, "ASID")
      .put<cmd::Leaf>(c.leaf, "Leaf")
      .put<cmd::Ttl128>(c.ttl128, "TTL128")
      .put<cmd::Ttl>(c.ttl, "TTL")
      .put<cmd::Tg>(c.tg, "TG")
      .put<cmd::VaAddress>(c.address, "Address")
      .done();
}

template <>
constexpr CmdTlbiEl2Va decode_command_as<CmdTlbiEl2Va>(const Words<2>& w) noexcept {
  CmdTlbiEl2Va c;
  c.num = static_cast<std::uint8_t>(cmd::Num::get(w));
  c.scale = static_cast<std::uint8_t>(cmd::Scale::get(w));
  c.asid = static_cast<std::uint16_t>(cmd::Asid::get(w));
  c.leaf = cmd::Leaf::get(w) != 0;
  c.ttl128 = cmd::Ttl128::get(w) != 0;
  c.ttl = static_cast<std::uint8_t>(cmd::Ttl::get(w));
  c.tg = static_cast<TlbiTg>(cmd::Tg::get(w));
  c.address = cmd::VaAddress::get(w);
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiEl2Va& c, F&& f) {
  f("NUM", std::uint64_t{c.num});
  f("SCALE", std::uint64_t{c.scale});
  f("ASID", std::uint64_t{c.asid});
  f("Leaf", std::uint64_t{c.leaf});
  f("TTL128", std::uint64_t{c.ttl128});
  f("TTL", std::uint64_t{c.ttl});
  f("TG", detail::to_u64(c.tg));
  f("Address", c.address);
}

constexpr Encoded<2> encode(const CmdTlbiEl2Vaa& c) noexcept {
  return detail::command_encoder(CmdTlbiEl2Vaa::kOpcode)
      .put<cmd::Num>(c.num, "NUM")
      .put<cmd::Scale>(c.scale, "SCALE")
      .put<cmd::Leaf>(c.leaf, "Leaf")
      .put<cmd::Ttl128>(c.ttl128, "TTL128")
      .put<cmd::Ttl>(c.ttl, "TTL")
      .put<cmd::Tg>(c.tg, "TG")
      .put<cmd::VaAddress>(c.address, "Address")
      .done();
}

template <>
constexpr CmdTlbiEl2Vaa decode_command_as<CmdTlbiEl2Vaa>(const Words<2>& w) noexcept {
  CmdTlbiEl2Vaa c;
  c.num = static_cast<std::uint8_t>(cmd::Num::get(w));
  c.scale = static_cast<std::uint8_t>(cmd::Scale::get(w));
  c.leaf = cmd::Leaf::get(w) != 0;
  c.ttl128 = cmd::Ttl128::get(w) != 0;
  c.ttl = static_cast<std::uint8_t>(cmd::Ttl::get(w));
  c.tg = static_cast<TlbiTg>(cmd::Tg::get(w));
  c.address = cmd::VaAddress::get(w);
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiEl2Vaa& c, F&& f) {
  f("NUM", std::uint64_t{c.num});
  f("SCALE", std::uint64_t{c.scale});
  f("Leaf", std::uint64_t{c.leaf});
  f("TTL128", std::uint64_t{c.ttl128});
  f("TTL", std::uint64_t{c.ttl});
  f("TG", detail::to_u64(c.tg));
  f("Address", c.address);
}

constexpr Encoded<2> encode(const CmdTlbiS12Vmall& c) noexcept {
  return detail::command_encoder(CmdTlbiS12Vmall::kOpcode).put<cmd::Vmid>(c.vmid, "VMID").done();
}

template <>
constexpr CmdTlbiS12Vmall decode_command_as<CmdTlbiS12Vmall>(const Words<2>& w) noexcept {
  CmdTlbiS12Vmall c;
  c.vmid = static_cast<std::uint16_t>(cmd::Vmid::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiS12Vmall& c, F&& f) {
  f("VMID", std::uint64_t{c.vmid});
}

constexpr Encoded<2> encode(const CmdTlbiS2Ipa& c) noexcept {
  return detail::command_encoder(CmdTlbiS2Ipa::kOpcode)
      .put<cmd::Num>(c.num, "NUM")
      .put<cmd::Scale>(c.scale, "SCALE")
      .put<cmd::Vmid>(c.vmid, "VMID")
      .put<cmd::Leaf>(c.leaf, "Leaf")
      .put<cmd::Ttl128>(c.ttl128, "TTL128")
      .put<cmd::Ttl>(c.ttl, "TTL")
      .put<cmd::Tg>(c.tg, "TG")
      .put<cmd::PaAddress>(c.address, "Address")
      .done();
}

template <>
constexpr CmdTlbiS2Ipa decode_command_as<CmdTlbiS2Ipa>(const Words<2>& w) noexcept {
  CmdTlbiS2Ipa c;
  c.num = static_cast<std::uint8_t>(cmd::Num::get(w));
  c.scale = static_cast<std::uint8_t>(cmd::Scale::get(w));
  c.vmid = static_cast<std::uint16_t>(cmd::Vmid::get(w));
  c.leaf = cmd::Leaf::get(w) != 0;
  c.ttl128 = cmd::Ttl128::get(w) != 0;
  c.ttl = static_cast<std::uint8_t>(cmd::Ttl::get(w));
  c.tg = static_cast<TlbiTg>(cmd::Tg::get(w));
  c.address = cmd::PaAddress::get(w);
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiS2Ipa& c, F&& f) {
  f("NUM", std::uint64_t{c.num});
  f("SCALE", std::uint64_t{c.scale});
  f("VMID", std::uint64_t{c.vmid});
  f("Leaf", std::uint64_t{c.leaf});
  f("TTL128", std::uint64_t{c.ttl128});
  f("TTL", std::uint64_t{c.ttl});
  f("TG", detail::to_u64(c.tg));
  f("Address", c.address);
}

constexpr Encoded<2> encode(const CmdTlbiNsnhAll&) noexcept {
  return detail::command_encoder(CmdTlbiNsnhAll::kOpcode).done();
}

template <>
constexpr CmdTlbiNsnhAll decode_command_as<CmdTlbiNsnhAll>(const Words<2>&) noexcept {
  CmdTlbiNsnhAll c;
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiNsnhAll&, F&&) {}

constexpr Encoded<2> encode(const CmdTlbiSEl2All&) noexcept {
  return detail::command_encoder(CmdTlbiSEl2All::kOpcode).done();
}

template <>
constexpr CmdTlbiSEl2All decode_command_as<CmdTlbiSEl2All>(const Words<2>&) noexcept {
  CmdTlbiSEl2All c;
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiSEl2All&, F&&) {}

constexpr Encoded<2> encode(const CmdTlbiSEl2Asid& c) noexcept {
  return detail::command_encoder(CmdTlbiSEl2Asid::kOpcode).put<cmd::Asid>(c.asid, "ASID").done();
}

template <>
constexpr CmdTlbiSEl2Asid decode_command_as<CmdTlbiSEl2Asid>(const Words<2>& w) noexcept {
  CmdTlbiSEl2Asid c;
  c.asid = static_cast<std::uint16_t>(cmd::Asid::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiSEl2Asid& c, F&& f) {
  f("ASID", std::uint64_t{c.asid});
}

constexpr Encoded<2> encode(const CmdTlbiSEl2Va& c) noexcept {
  return detail::command_encoder(CmdTlbiSEl2Va::kOpcode)
      .put<cmd::Num>(c.num, "NUM")
      .put<cmd::Scale>(c.scale, "SCALE")
      .put<cmd::Asid>(c.asid, "ASID")
      .put<cmd::Leaf>(c.leaf, "Leaf")
      .put<cmd::Ttl128>(c.ttl128, "TTL128")
      .put<cmd::Ttl>(c.ttl, "TTL")
      .put<cmd::Tg>(c.tg, "TG")
      .put<cmd::VaAddress>(c.address, "Address")
      .done();
}

template <>
constexpr CmdTlbiSEl2Va decode_command_as<CmdTlbiSEl2Va>(const Words<2>& w) noexcept {
  CmdTlbiSEl2Va c;
  c.num = static_cast<std::uint8_t>(cmd::Num::get(w));
  c.scale = static_cast<std::uint8_t>(cmd::Scale::get(w));
  c.asid = static_cast<std::uint16_t>(cmd::Asid::get(w));
  c.leaf = cmd::Leaf::get(w) != 0;
  c.ttl128 = cmd::Ttl128::get(w) != 0;
  c.ttl = static_cast<std::uint8_t>(cmd::Ttl::get(w));
  c.tg = static_cast<TlbiTg>(cmd::Tg::get(w));
  c.address = cmd::VaAddress::get(w);
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiSEl2Va& c, F&& f) {
  f("NUM", std::uint64_t{c.num});
  f("SCALE", std::uint64_t{c.scale});
  f("ASID", std::uint64_t{c.asid});
  f("Leaf", std::uint64_t{c.leaf});
  f("TTL128", std::uint64_t{c.ttl128});
  f("TTL", std::uint64_t{c.ttl});
  f("TG", detail::to_u64(c.tg));
  f("Address", c.address);
}

constexpr Encoded<2> encode(const CmdTlbiSEl2Vaa& c) noexcept {
  return detail::command_encoder(CmdTlbiSEl2Vaa::kOpcode)
      .put<cmd::Num>(c.num, "NUM")
      .put<cmd::Scale>(c.scale, "SCALE")
      .put<cmd::Leaf>(c.leaf, "Leaf")
      .put<cmd::Ttl128>(c.ttl128, "TTL128")
      .put<cmd::Ttl>(c.ttl, "TTL")
      .put<cmd::Tg>(c.tg, "TG")
      .put<cmd::VaAddress>(c.address, "Address")
      .done();
}

template <>
constexpr CmdTlbiSEl2Vaa decode_command_as<CmdTlbiSEl2Vaa>(const Words<2>& w) noexcept {
  CmdTlbiSEl2Vaa c;
  c.num = static_cast<std::uint8_t>(cmd::Num::get(w));
  c.scale = static_cast<std::uint8_t>(cmd::Scale::get(w));
  c.leaf = cmd::Leaf::get(w) != 0;
  c.ttl128 = cmd::Ttl128::get(w) != 0;
  c.ttl = static_cast<std::uint8_t>(cmd::Ttl::get(w));
  c.tg = static_cast<TlbiTg>(cmd::Tg::get(w));
  c.address = cmd::VaAddress::get(w);
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiSEl2Vaa& c, F&& f) {
  f("NUM", std::uint64_t{c.num});
  f("SCALE", std::uint64_t{c.scale});
  f("Leaf", std::uint64_t{c.leaf});
  f("TTL128", std::uint64_t{c.ttl128});
  f("TTL", std::uint64_t{c.ttl});
  f("TG", detail::to_u64(c.tg));
  f("Address", c.address);
}

constexpr Encoded<2> encode(const CmdTlbiSS12Vmall& c) noexcept {
  return detail::command_encoder(CmdTlbiSS12Vmall::kOpcode).put<cmd::Vmid>(c.vmid, "VMID").done();
}

template <>
constexpr CmdTlbiSS12Vmall decode_command_as<CmdTlbiSS12Vmall>(const Words<2>& w) noexcept {
  CmdTlbiSS12Vmall c;
  c.vmid = static_cast<std::uint16_t>(cmd::Vmid::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiSS12Vmall& c, F&& f) {
  f("VMID", std::uint64_t{c.vmid});
}

constexpr Encoded<2> encode(const CmdTlbiSS2Ipa& c) noexcept {
  return detail::command_encoder(CmdTlbiSS2Ipa::kOpcode)
      .put<cmd::Num>(c.num, "NUM")
      .put<cmd::Scale>(c.scale, "SCALE")
      .put<cmd::Vmid>(c.vmid, "VMID")
      .put<cmd::Leaf>(c.leaf, "Leaf")
      .put<cmd::SS2IpaNs>(c.ns, "NS")
      .put<cmd::Ttl128>(c.ttl128, "TTL128")
      .put<cmd::Ttl>(c.ttl, "TTL")
      .put<cmd::Tg>(c.tg, "TG")
      .put<cmd::PaAddress>(c.address, "Address")
      .done();
}

template <>
constexpr CmdTlbiSS2Ipa decode_command_as<CmdTlbiSS2Ipa>(const Words<2>& w) noexcept {
  CmdTlbiSS2Ipa c;
  c.num = static_cast<std::uint8_t>(cmd::Num::get(w));
  c.scale = static_cast<std::uint8_t>(cmd::Scale::get(w));
  c.vmid = static_cast<std::uint16_t>(cmd::Vmid::get(w));
  c.leaf = cmd::Leaf::get(w) != 0;
  c.ns = cmd::SS2IpaNs::get(w) != 0;
  c.ttl128 = cmd::Ttl128::get(w) != 0;
  c.ttl = static_cast<std::uint8_t>(cmd::Ttl::get(w));
  c.tg = static_cast<TlbiTg>(cmd::Tg::get(w));
  c.address = cmd::PaAddress::get(w);
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiSS2Ipa& c, F&& f) {
  f("NUM", std::uint64_t{c.num});
  f("SCALE", std::uint64_t{c.scale});
  f("VMID", std::uint64_t{c.vmid});
  f("Leaf", std::uint64_t{c.leaf});
  f("NS", std::uint64_t{c.ns});
  f("TTL128", std::uint64_t{c.ttl128});
  f("TTL", std::uint64_t{c.ttl});
  f("TG", detail::to_u64(c.tg));
  f("Address", c.address);
}

constexpr Encoded<2> encode(const CmdTlbiSnhAll&) noexcept {
  return detail::command_encoder(CmdTlbiSnhAll::kOpcode).done();
}

template <>
constexpr CmdTlbiSnhAll decode_command_as<CmdTlbiSnhAll>(const Words<2>&) noexcept {
  CmdTlbiSnhAll c;
  return c;
}

template <class F>
constexpr void for_each_field(const CmdTlbiSnhAll&, F&&) {}

}  // namespace smmuv3
