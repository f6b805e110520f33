// SPDX-License-Identifier: MIT
// Command queue error codes (IHI 0070 G.b §7.1 "Command queue errors") and where they live:
// SMMU_(*_)CMDQ_CONS.ERR, bits [30:24] (§6.3.28; numbered §6.3.27 in some earlier issues).
//
// When the SMMU meets a command it cannot consume it stops, leaves CMDQ_CONS.RD pointing at
// that command, writes the reason to CMDQ_CONS.ERR and then activates SMMU_GERROR.CMDQ_ERR;
// the code is visible before the global error is (§7.1). ERR is UNKNOWN while CMDQ_ERR is not
// active. The same four codes are used by SMMU_ECMDQ_CONS.ERR_REASON (§6.3.109, bits [26:24]).
#pragma once

#include <cstdint>

#include "smmuv3/bitfield.hpp"

namespace smmuv3 {

/// SMMU_CMDQ_CONS.ERR values, §7.1. The field is 7 bits wide; values 4..127 are not assigned
/// by the architecture and are kept as their number by `cmdq_error_of`.
enum class CmdqError : std::uint8_t {
  cerror_none = 0x00,          // "defined for completeness only, and is not provided by the SMMU"
  cerror_ill = 0x01,           // illegal command: unknown opcode, Reserved field or invalid value
  cerror_abt = 0x02,           // external abort on command fetch (a GPC fault is reported so too)
  cerror_atc_inv_sync = 0x03,  // CMD_SYNC could not complete earlier CMD_ATC_INVs (ATS timeout)
};

/// SMMU_CMDQ_CONS.ERR, bits [30:24] of the register.
using CmdqConsErr = Bits<30, 24>;

/// The spec's name of an error code ("CERROR_ILL"), or nullptr for a code the architecture
/// does not assign.
constexpr const char* cmdq_error_name(CmdqError e) noexcept {
  switch (e) {
    case CmdqError::cerror_none: return "CERROR_NONE";
    case CmdqError::cerror_ill: return "CERROR_ILL";
    case CmdqError::cerror_abt: return "CERROR_ABT";
    case CmdqError::cerror_atc_inv_sync: return "CERROR_ATC_INV_SYNC";
  }
  return nullptr;
}

/// The ERR field of a SMMU_CMDQ_CONS value (meaningful only while GERROR.CMDQ_ERR is active).
constexpr CmdqError cmdq_error_of(std::uint32_t cmdq_cons) noexcept {
  return static_cast<CmdqError>(CmdqConsErr::get(cmdq_cons));
}

/// Replaces the ERR field of `cmdq_cons`, keeping RD and every other bit. Returns false and
/// changes nothing when `e` does not fit the 7-bit field.
[[nodiscard]] constexpr bool set_cmdq_error(std::uint32_t& cmdq_cons, CmdqError e) noexcept {
  const std::uint64_t code = detail::to_u64(e);
  if (!CmdqConsErr::fits(code)) return false;
  cmdq_cons = static_cast<std::uint32_t>(CmdqConsErr::insert(cmdq_cons, code));
  return true;
}

}  // namespace smmuv3
