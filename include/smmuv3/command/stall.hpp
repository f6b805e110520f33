// SPDX-License-Identifier: MIT
// Fault response commands (IHI 0070 §4.7.1, §4.7.2): CMD_RESUME and CMD_STALL_TERM.
#pragma once

#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/command/fields.hpp"
#include "smmuv3/command/opcode.hpp"

namespace smmuv3 {

/// CMD_RESUME Action, Ac (§4.7.1).
enum class ResumeAction : std::uint8_t {
  /// 0: terminate the transaction as Ab says (RAZ/WI when Ab == 0, abort when Ab == 1).
  terminate = 0,
  /// 1: retry the transaction as though it had just arrived; Ab is IGNORED.
  retry = 1,
};

/// §4.7.1 CMD_RESUME(StreamID, SSec, STAG, Action, Abort).
struct CmdResume {
  static constexpr Opcode kOpcode = Opcode::resume;
  static constexpr const char* kName = "CMD_RESUME";

  bool ssec = false;
  ResumeAction ac = ResumeAction::terminate;
  /// Abort: when terminating, 1 reports an abort to the client, 0 completes with RAZ/WI.
  /// IGNORED when SMMU_IDR0.TERM_MODEL == 1 (always abort).
  bool ab = false;
  std::uint32_t stream_id = 0;
  /// The opaque token from the stall event record.
  std::uint16_t stag = 0;

  friend constexpr bool operator==(const CmdResume&, const CmdResume&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Ssec{}, "SSec", s.ssec);
    v(cmd::ResumeAc{}, "Ac", s.ac);
    v(cmd::ResumeAb{}, "Ab", s.ab);
    v(cmd::StreamId{}, "StreamID", s.stream_id);
    v(cmd::Stag{}, "STAG", s.stag);
  }
};

/// §4.7.2 CMD_STALL_TERM(StreamID, SSec): marks every stalled transaction of StreamID for
/// termination.
struct CmdStallTerm {
  static constexpr Opcode kOpcode = Opcode::stall_term;
  static constexpr const char* kName = "CMD_STALL_TERM";

  bool ssec = false;
  std::uint32_t stream_id = 0;

  friend constexpr bool operator==(const CmdStallTerm&, const CmdStallTerm&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Ssec{}, "SSec", s.ssec);
    v(cmd::StreamId{}, "StreamID", s.stream_id);
  }
};

inline constexpr Words<2> kCmdResumeDefined = cmd::detail::defined_bits<CmdResume>();
inline constexpr Words<2> kCmdResumeRes0 = cmd::detail::kRes0<CmdResume>;
inline constexpr Words<2> kCmdStallTermDefined = cmd::detail::defined_bits<CmdStallTerm>();
inline constexpr Words<2> kCmdStallTermRes0 = cmd::detail::kRes0<CmdStallTerm>;

}  // namespace smmuv3
