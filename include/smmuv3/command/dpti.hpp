// SPDX-License-Identifier: MIT
// DPT maintenance commands (IHI 0070 §4.6, SMMU_(R_)IDR3.DPT): CMD_DPTI_ALL and CMD_DPTI_PA.
//
// Limitation: §4.6.2 names CMD_DPTI_PA's operands (Physical Address with bits [11:0] taken as
// zero, a 4-bit SIZE from 4KB to 512GB, Leaf) but none of the sources this library is checked
// against (the spec text available, Linux, QEMU, TF-RMM, Renode, Arm's RME ACS, vendor
// headers) gives their bit positions. Rather than guess, CmdDptiPa carries its operand bits
// unchanged; nothing in it is treated as RES0. CMD_DPTI_ALL has no operands (§4.6.1; Arm's RME
// ACS builds it from the opcode alone).
#pragma once

#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/command/fields.hpp"
#include "smmuv3/command/opcode.hpp"

namespace smmuv3 {

/// §4.6.1 CMD_DPTI_ALL: removes all cached DPT information of the target Security state.
struct CmdDptiAll {
  static constexpr Opcode kOpcode = Opcode::dpti_all;
  static constexpr const char* kName = "CMD_DPTI_ALL";

  friend constexpr bool operator==(const CmdDptiAll&, const CmdDptiAll&) = default;
};

/// §4.6.2 CMD_DPTI_PA(Address, SIZE, Leaf), operand layout not known to this library: the
/// record's bits [63:8] and [127:64] as they stand (see the note at the top of this file).
struct CmdDptiPa {
  static constexpr Opcode kOpcode = Opcode::dpti_pa;
  static constexpr const char* kName = "CMD_DPTI_PA";

  /// Bits [63:8] of the record, shifted down to bit 0.
  std::uint64_t bits_63_8 = 0;
  /// Bits [127:64] of the record.
  std::uint64_t bits_127_64 = 0;

  friend constexpr bool operator==(const CmdDptiPa&, const CmdDptiPa&) = default;
};

namespace cmd {
/// CMD_DPTI_PA operand bits, uninterpreted.
using DptiPaBitsLo = Bits<63, 8>;
using DptiPaBitsHi = Bits<127, 64>;
}  // namespace cmd

inline constexpr Words<2> kCmdDptiAllDefined = mask_of<2, cmd::Op>();
inline constexpr Words<2> kCmdDptiAllRes0 = complement(kCmdDptiAllDefined);
/// Every bit counts as defined: the operand layout is unknown, so no bit can be called RES0.
inline constexpr Words<2> kCmdDptiPaDefined =
    mask_of<2, cmd::Op, cmd::DptiPaBitsLo, cmd::DptiPaBitsHi>();
inline constexpr Words<2> kCmdDptiPaRes0 = complement(kCmdDptiPaDefined);

constexpr Encoded<2> encode(const CmdDptiAll&) noexcept {
  return detail::command_encoder(CmdDptiAll::kOpcode).done();
}

template <>
constexpr CmdDptiAll decode_command_as<CmdDptiAll>(const Words<2>&) noexcept {
  return CmdDptiAll{};
}

template <class F>
constexpr void for_each_field(const CmdDptiAll&, F&&) {}

constexpr Encoded<2> encode(const CmdDptiPa& c) noexcept {
  return detail::command_encoder(CmdDptiPa::kOpcode)
      .put<cmd::DptiPaBitsLo>(c.bits_63_8, "Bits[63:8]")
      .put<cmd::DptiPaBitsHi>(c.bits_127_64, "Bits[127:64]")
      .done();
}

template <>
constexpr CmdDptiPa decode_command_as<CmdDptiPa>(const Words<2>& w) noexcept {
  CmdDptiPa c;
  c.bits_63_8 = cmd::DptiPaBitsLo::get(w);
  c.bits_127_64 = cmd::DptiPaBitsHi::get(w);
  return c;
}

template <class F>
constexpr void for_each_field(const CmdDptiPa& c, F&& f) {
  f("Bits[63:8]", c.bits_63_8);
  f("Bits[127:64]", c.bits_127_64);
}

}  // namespace smmuv3
