// SPDX-License-Identifier: MIT
// Command queue entries (IHI 0070 chapter 4): one type per command, constexpr encode/decode,
// the RES0 layout of each, and `visit_command`, which turns a raw 16-byte record into the
// typed command its opcode names.
//
// Each command struct lists its fields once, in spec bit order, in a static `fields`
// (record.hpp); encode, decode_command_as, for_each_field and the kCmd*Defined / kCmd*Res0
// masks all derive from that list (command/opcode.hpp), so they cannot disagree.
//
// Per-group headers: command/opcode.hpp (opcodes, CmdUnknown), command/fields.hpp (field
// accessors), prefetch.hpp (§4.2), cfgi.hpp (§4.3), tlbi_range.hpp and tlbi.hpp (§4.4),
// ats_pri.hpp (§4.5), dpti.hpp (§4.6), stall.hpp and sync.hpp (§4.7).
#pragma once

#include <cstdint>
#include <type_traits>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/command/ats_pri.hpp"
#include "smmuv3/command/cfgi.hpp"
#include "smmuv3/command/dpti.hpp"
#include "smmuv3/command/fields.hpp"
#include "smmuv3/command/opcode.hpp"
#include "smmuv3/command/prefetch.hpp"
#include "smmuv3/command/stall.hpp"
#include "smmuv3/command/sync.hpp"
#include "smmuv3/command/tlbi.hpp"
#include "smmuv3/command/tlbi_range.hpp"

namespace smmuv3 {

/// Decodes `w` as the command its opcode names and calls `f` with it, returning what `f`
/// returns (every call must return the same type). Opcode 0x04 with Range == 31 is reported
/// as CmdCfgiAll (§4.3.6), with any other Range as CmdCfgiSteRange. A Reserved or
/// IMPLEMENTATION DEFINED opcode yields CmdUnknown{opcode, w}: every one of the 256 opcode
/// values reaches `f` exactly once, none is undefined behaviour. RES0 bits are not checked
/// (see `command_res0_bits`).
template <class F>
constexpr decltype(auto) visit_command(const Words<2>& w, F&& f) noexcept {
  switch (command_opcode(w)) {
    case Opcode::prefetch_config: return f(decode_command_as<CmdPrefetchConfig>(w));
    case Opcode::prefetch_addr: return f(decode_command_as<CmdPrefetchAddr>(w));
    case Opcode::cfgi_ste: return f(decode_command_as<CmdCfgiSte>(w));
    case Opcode::cfgi_ste_range:
      if (cmd::Range::get(w) == CmdCfgiAll::kRange) return f(decode_command_as<CmdCfgiAll>(w));
      return f(decode_command_as<CmdCfgiSteRange>(w));
    case Opcode::cfgi_cd: return f(decode_command_as<CmdCfgiCd>(w));
    case Opcode::cfgi_cd_all: return f(decode_command_as<CmdCfgiCdAll>(w));
    case Opcode::cfgi_vms_pidm: return f(decode_command_as<CmdCfgiVmsPidm>(w));
    case Opcode::tlbi_nh_all: return f(decode_command_as<CmdTlbiNhAll>(w));
    case Opcode::tlbi_nh_asid: return f(decode_command_as<CmdTlbiNhAsid>(w));
    case Opcode::tlbi_nh_va: return f(decode_command_as<CmdTlbiNhVa>(w));
    case Opcode::tlbi_nh_vaa: return f(decode_command_as<CmdTlbiNhVaa>(w));
    case Opcode::tlbi_el3_all: return f(decode_command_as<CmdTlbiEl3All>(w));
    case Opcode::tlbi_el3_va: return f(decode_command_as<CmdTlbiEl3Va>(w));
    case Opcode::tlbi_el2_all: return f(decode_command_as<CmdTlbiEl2All>(w));
    case Opcode::tlbi_el2_asid: return f(decode_command_as<CmdTlbiEl2Asid>(w));
    case Opcode::tlbi_el2_va: return f(decode_command_as<CmdTlbiEl2Va>(w));
    case Opcode::tlbi_el2_vaa: return f(decode_command_as<CmdTlbiEl2Vaa>(w));
    case Opcode::tlbi_s12_vmall: return f(decode_command_as<CmdTlbiS12Vmall>(w));
    case Opcode::tlbi_s2_ipa: return f(decode_command_as<CmdTlbiS2Ipa>(w));
    case Opcode::tlbi_nsnh_all: return f(decode_command_as<CmdTlbiNsnhAll>(w));
    case Opcode::atc_inv: return f(decode_command_as<CmdAtcInv>(w));
    case Opcode::pri_resp: return f(decode_command_as<CmdPriResp>(w));
    case Opcode::resume: return f(decode_command_as<CmdResume>(w));
    case Opcode::stall_term: return f(decode_command_as<CmdStallTerm>(w));
    case Opcode::sync: return f(decode_command_as<CmdSync>(w));
    case Opcode::tlbi_s_el2_all: return f(decode_command_as<CmdTlbiSEl2All>(w));
    case Opcode::tlbi_s_el2_asid: return f(decode_command_as<CmdTlbiSEl2Asid>(w));
    case Opcode::tlbi_s_el2_va: return f(decode_command_as<CmdTlbiSEl2Va>(w));
    case Opcode::tlbi_s_el2_vaa: return f(decode_command_as<CmdTlbiSEl2Vaa>(w));
    case Opcode::tlbi_s_s12_vmall: return f(decode_command_as<CmdTlbiSS12Vmall>(w));
    case Opcode::tlbi_s_s2_ipa: return f(decode_command_as<CmdTlbiSS2Ipa>(w));
    case Opcode::tlbi_snh_all: return f(decode_command_as<CmdTlbiSnhAll>(w));
    case Opcode::dpti_all: return f(decode_command_as<CmdDptiAll>(w));
    case Opcode::dpti_pa: return f(decode_command_as<CmdDptiPa>(w));
  }
  return f(decode_command_as<CmdUnknown>(w));
}

/// The RES0 bits (§4.1.5) that are set in a command, for the layout its opcode selects
/// (`visit_command`'s choice: CMD_CFGI_ALL has the CMD_CFGI_STE_RANGE layout); all zero when
/// clean. For a Reserved or IMPLEMENTATION DEFINED opcode the result is zero: such a command
/// is rejected on its opcode (CERROR_ILL, §4.1.3) before any field is looked at, which is the
/// caller's job (`is_known_opcode`). Bits that are RES0 only in some configurations
/// (VMID[15:8] without VMID16, SCALE[25] without DS, NS on the Non-secure queue, ...) are not
/// included: they depend on SMMU_IDR* values.
constexpr Words<2> command_res0_bits(const Words<2>& w) noexcept {
  return visit_command(w, [&w]<class T>(const T&) {
    if constexpr (std::is_same_v<T, CmdUnknown>)
      return Words<2>{};
    else
      return command_res0_bits_as<T>(w);
  });
}

}  // namespace smmuv3
