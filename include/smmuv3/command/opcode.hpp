// SPDX-License-Identifier: MIT
// Command queue opcodes (IHI 0070 §4.1.1) and the pieces every command record shares: the
// record size, the opcode accessor, CmdUnknown, and the one encode / decode_command_as<T> /
// Defined mask that every command type derives from its `fields` list (record.hpp).
//
// Opcode values come from the §4.1.1 table; they were cross-checked against the Renode
// ARM_SMMUv3 model (Opcode enum), the Marvell Odyssey CSR header (smmu_cmd_e), a Qualcomm
// HAL_IOMMUv3 header and, for the subset they implement, Linux arm-smmu-v3.h (CMDQ_OP_*) and
// QEMU smmuv3-internal.h (SMMUCommandType). All agree except one: QEMU numbers its
// SMMU_CMD_CFGI_ALL 0x07, which §4.1.1 gives to CMD_CFGI_VMS_PIDM; the spec (and Linux's
// CMDQ_OP_CFGI_ALL) encode CMD_CFGI_ALL as opcode 0x04 with Range 31, as this library does.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/record.hpp"

namespace smmuv3 {

namespace cmd {
/// Opcode, bits [7:0] of every command (§4.1.1).
using Op = Bits<7, 0>;
}  // namespace cmd

/// Every Command queue entry is 16 bytes, little-endian (§4.1.1).
inline constexpr std::size_t kCommandWords = 2;
inline constexpr std::size_t kCommandBytes = 16;

/// The command opcode, bits [7:0] of every command (§4.1.1). Values outside this list are
/// Reserved (CERROR_ILL) or, for 0x80-0x8F, IMPLEMENTATION DEFINED; `command_opcode` still
/// returns them as their number.
enum class Opcode : std::uint8_t {
  prefetch_config = 0x01,
  prefetch_addr = 0x02,
  cfgi_ste = 0x03,
  cfgi_ste_range = 0x04,
  /// CMD_CFGI_ALL is CMD_CFGI_STE_RANGE with Range == 31 (§4.3.6): same opcode.
  cfgi_all = cfgi_ste_range,
  cfgi_cd = 0x05,
  cfgi_cd_all = 0x06,
  cfgi_vms_pidm = 0x07,
  tlbi_nh_all = 0x10,
  tlbi_nh_asid = 0x11,
  tlbi_nh_va = 0x12,
  tlbi_nh_vaa = 0x13,
  tlbi_el3_all = 0x18,
  tlbi_el3_va = 0x1A,
  tlbi_el2_all = 0x20,
  tlbi_el2_asid = 0x21,
  tlbi_el2_va = 0x22,
  tlbi_el2_vaa = 0x23,
  tlbi_s12_vmall = 0x28,
  tlbi_s2_ipa = 0x2A,
  tlbi_nsnh_all = 0x30,
  atc_inv = 0x40,
  pri_resp = 0x41,
  resume = 0x44,
  stall_term = 0x45,
  sync = 0x46,
  tlbi_s_el2_all = 0x50,
  tlbi_s_el2_asid = 0x51,
  tlbi_s_el2_va = 0x52,
  tlbi_s_el2_vaa = 0x53,
  tlbi_s_s12_vmall = 0x58,
  tlbi_s_s2_ipa = 0x5A,
  tlbi_snh_all = 0x60,
  dpti_all = 0x70,
  dpti_pa = 0x73,
};

/// The opcode of a command, bits [7:0] (§4.1.1). Any byte value is returned as is.
constexpr Opcode command_opcode(const Words<2>& w) noexcept {
  return static_cast<Opcode>(cmd::Op::get(w));
}

/// The spec name of an architected opcode ("CMD_TLBI_NH_VA"), nullptr for a Reserved or
/// IMPLEMENTATION DEFINED one. 0x04 is named CMD_CFGI_STE_RANGE: whether it is CMD_CFGI_ALL
/// depends on the Range operand, see `visit_command`.
constexpr const char* opcode_name(std::uint8_t op) noexcept {
  switch (static_cast<Opcode>(op)) {
    case Opcode::prefetch_config: return "CMD_PREFETCH_CONFIG";
    case Opcode::prefetch_addr: return "CMD_PREFETCH_ADDR";
    case Opcode::cfgi_ste: return "CMD_CFGI_STE";
    case Opcode::cfgi_ste_range: return "CMD_CFGI_STE_RANGE";
    case Opcode::cfgi_cd: return "CMD_CFGI_CD";
    case Opcode::cfgi_cd_all: return "CMD_CFGI_CD_ALL";
    case Opcode::cfgi_vms_pidm: return "CMD_CFGI_VMS_PIDM";
    case Opcode::tlbi_nh_all: return "CMD_TLBI_NH_ALL";
    case Opcode::tlbi_nh_asid: return "CMD_TLBI_NH_ASID";
    case Opcode::tlbi_nh_va: return "CMD_TLBI_NH_VA";
    case Opcode::tlbi_nh_vaa: return "CMD_TLBI_NH_VAA";
    case Opcode::tlbi_el3_all: return "CMD_TLBI_EL3_ALL";
    case Opcode::tlbi_el3_va: return "CMD_TLBI_EL3_VA";
    case Opcode::tlbi_el2_all: return "CMD_TLBI_EL2_ALL";
    case Opcode::tlbi_el2_asid: return "CMD_TLBI_EL2_ASID";
    case Opcode::tlbi_el2_va: return "CMD_TLBI_EL2_VA";
    case Opcode::tlbi_el2_vaa: return "CMD_TLBI_EL2_VAA";
    case Opcode::tlbi_s12_vmall: return "CMD_TLBI_S12_VMALL";
    case Opcode::tlbi_s2_ipa: return "CMD_TLBI_S2_IPA";
    case Opcode::tlbi_nsnh_all: return "CMD_TLBI_NSNH_ALL";
    case Opcode::atc_inv: return "CMD_ATC_INV";
    case Opcode::pri_resp: return "CMD_PRI_RESP";
    case Opcode::resume: return "CMD_RESUME";
    case Opcode::stall_term: return "CMD_STALL_TERM";
    case Opcode::sync: return "CMD_SYNC";
    case Opcode::tlbi_s_el2_all: return "CMD_TLBI_S_EL2_ALL";
    case Opcode::tlbi_s_el2_asid: return "CMD_TLBI_S_EL2_ASID";
    case Opcode::tlbi_s_el2_va: return "CMD_TLBI_S_EL2_VA";
    case Opcode::tlbi_s_el2_vaa: return "CMD_TLBI_S_EL2_VAA";
    case Opcode::tlbi_s_s12_vmall: return "CMD_TLBI_S_S12_VMALL";
    case Opcode::tlbi_s_s2_ipa: return "CMD_TLBI_S_S2_IPA";
    case Opcode::tlbi_snh_all: return "CMD_TLBI_SNH_ALL";
    case Opcode::dpti_all: return "CMD_DPTI_ALL";
    case Opcode::dpti_pa: return "CMD_DPTI_PA";
  }
  return nullptr;
}

/// True for the opcodes §4.1.1 assigns to a command. Whether a known command is legal on a
/// given queue or SMMU configuration (Secure-only, RIL, ATS, DPT, ...) is not decided here.
constexpr bool is_known_opcode(std::uint8_t op) noexcept { return opcode_name(op) != nullptr; }

/// 0x80-0x8F are IMPLEMENTATION DEFINED (§4.1.1); this library gives them no meaning.
constexpr bool is_impdef_opcode(std::uint8_t op) noexcept { return op >= 0x80 && op <= 0x8F; }

/// A command whose opcode is Reserved or IMPLEMENTATION DEFINED (or that this library does not
/// decode): the opcode and the whole record, unchanged. `visit_command` hands these to the
/// visitor instead of guessing, so the caller can raise CERROR_ILL (§4.1.3).
struct CmdUnknown {
  static constexpr const char* kName = "UNKNOWN";

  std::uint8_t opcode = 0;
  Words<2> words{};

  friend constexpr bool operator==(const CmdUnknown&, const CmdUnknown&) = default;
};

/// The record with its opcode byte replaced by `opcode`; never fails.
constexpr Encoded<2> encode(const CmdUnknown& c) noexcept {
  Encoded<2> out{c.words, nullptr};
  out.words[0] = cmd::Op::insert(out.words[0], c.opcode);
  return out;
}

/// "Opcode", then the rest of the record as it stands (no layout is known for it).
template <class F>
constexpr void for_each_field(const CmdUnknown& c, F&& f) {
  f("Opcode", std::uint64_t{c.opcode});
  f("Bits[63:8]", Bits<63, 8>::get(c.words));
  f("Bits[127:64]", Bits<127, 64>::get(c.words));
}

// ---------------------------------------------------------------------------------------------
// Encode, decode, for_each_field and the masks of every command type come from its `fields`
// list through record.hpp; only the opcode (and CMD_CFGI_ALL's Range) is handled here.

/// An architected command layout: one opcode (kOpcode) and a field list. A type that shares its
/// opcode with another may also list, in a static `fixed_fields(v)`, the operand values that
/// tell it apart; `encode` writes them and the Defined mask covers them, but they are not
/// fields of the struct (only CmdCfgiAll has one: Range == 31).
template <class T>
concept CommandRecord = FieldRecord<T> && requires {
  requires std::same_as<std::remove_cv_t<decltype(T::kOpcode)>, Opcode>;
};

namespace cmd::detail {

/// Calls v(Field{}, "Name", value) for what makes a record a T whatever its operands: the
/// opcode, then T's fixed operands.
template <CommandRecord T, class V>
constexpr void identity_fields(V&& v) {
  v(Op{}, "Opcode", static_cast<std::uint8_t>(T::kOpcode));
  if constexpr (requires { T::fixed_fields(v); }) T::fixed_fields(v);
}

/// A T with every field zero.
template <CommandRecord T>
constexpr Encoded<2> start_words() noexcept {
  Encoder<2> enc;
  identity_fields<T>([&enc](auto field, const char* name, auto value) {
    enc.template put<decltype(field)>(value, name);
  });
  return enc.done();
}

/// The bits of the opcode and of T's fixed operands.
template <CommandRecord T>
constexpr Words<2> identity_bits() noexcept {
  Words<2> m{};
  identity_fields<T>([&m](auto field, const char*, auto) {
    m[decltype(field)::word] |= decltype(field)::mask;
  });
  return m;
}

/// Every bit the layout of T defines: opcode, fixed operands and fields. Every other bit of
/// the command is RES0 (§4.1.5).
template <CommandRecord T>
constexpr Words<2> defined_bits() noexcept {
  constexpr Words<2> identity = identity_bits<T>();
  static_assert(fields_disjoint<2, T>(identity),
                "two fields of the command, or a field and the opcode, share a bit");
  Words<2> m = fields_mask<2, T>();
  for (std::size_t i = 0; i < 2; ++i) m[i] |= identity[i];
  return m;
}

/// T's RES0 set as a constant, so command_res0_bits never recomputes it at run time.
template <CommandRecord T>
inline constexpr Words<2> kRes0 = complement(defined_bits<T>());

}  // namespace cmd::detail

/// The RES0 bits (§4.1.5) set in `w` for command type T's layout; all zero when clean. For a
/// caller that already has the type (from visit_command), so the record is decoded once.
template <CommandRecord T>
constexpr Words<2> command_res0_bits_as(const Words<2>& w) noexcept {
  return bits_in(w, cmd::detail::kRes0<T>);
}

/// Encodes a command: its opcode (and fixed operands) from the type, then every field;
/// reports the first field that does not fit, by spec name.
template <CommandRecord T>
constexpr Encoded<2> encode(const T& c) noexcept {
  constexpr Encoded<2> start = cmd::detail::start_words<T>();
  static_assert(start.ok(), "a fixed operand does not fit its field");
  return encode_fields<2>(c, start.words);
}

/// Reads the operands of a command record as command type T (CmdSync, CmdTlbiNhVa, ...),
/// whatever its opcode byte says; CmdUnknown takes the opcode and the whole record. Using it
/// with a type that is not a command does not compile.
template <class T>
  requires CommandRecord<T> || std::same_as<T, CmdUnknown>
constexpr T decode_command_as(const Words<2>& w) noexcept {
  if constexpr (std::is_same_v<T, CmdUnknown>)
    return CmdUnknown{static_cast<std::uint8_t>(cmd::Op::get(w)), w};
  else
    return decode_fields<T>(w);
}

}  // namespace smmuv3
