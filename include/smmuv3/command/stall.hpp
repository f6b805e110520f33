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
};

/// §4.7.2 CMD_STALL_TERM(StreamID, SSec): marks every stalled transaction of StreamID for
/// termination.
struct CmdStallTerm {
  static constexpr Opcode kOpcode = Opcode::stall_term;
  static constexpr const char* kName = "CMD_STALL_TERM";

  bool ssec = false;
  std::uint32_t stream_id = 0;

  friend constexpr bool operator==(const CmdStallTerm&, const CmdStallTerm&) = default;
};

inline constexpr Words<2> kCmdResumeDefined =
    mask_of<2, cmd::Op, cmd::Ssec, cmd::ResumeAc, cmd::ResumeAb, cmd::StreamId, cmd::Stag>();
inline constexpr Words<2> kCmdResumeRes0 = complement(kCmdResumeDefined);
inline constexpr Words<2> kCmdStallTermDefined = mask_of<2, cmd::Op, cmd::Ssec, cmd::StreamId>();
inline constexpr Words<2> kCmdStallTermRes0 = complement(kCmdStallTermDefined);

constexpr Encoded<2> encode(const CmdResume& c) noexcept {
  return detail::command_encoder(CmdResume::kOpcode)
      .put<cmd::Ssec>(c.ssec, "SSec")
      .put<cmd::ResumeAc>(c.ac, "Ac")
      .put<cmd::ResumeAb>(c.ab, "Ab")
      .put<cmd::StreamId>(c.stream_id, "StreamID")
      .put<cmd::Stag>(c.stag, "STAG")
      .done();
}

template <>
constexpr CmdResume decode_command_as<CmdResume>(const Words<2>& w) noexcept {
  CmdResume c;
  c.ssec = cmd::Ssec::get(w) != 0;
  c.ac = static_cast<ResumeAction>(cmd::ResumeAc::get(w));
  c.ab = cmd::ResumeAb::get(w) != 0;
  c.stream_id = static_cast<std::uint32_t>(cmd::StreamId::get(w));
  c.stag = static_cast<std::uint16_t>(cmd::Stag::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdResume& c, F&& f) {
  f("SSec", std::uint64_t{c.ssec});
  f("Ac", detail::to_u64(c.ac));
  f("Ab", std::uint64_t{c.ab});
  f("StreamID", std::uint64_t{c.stream_id});
  f("STAG", std::uint64_t{c.stag});
}

constexpr Encoded<2> encode(const CmdStallTerm& c) noexcept {
  return detail::command_encoder(CmdStallTerm::kOpcode)
      .put<cmd::Ssec>(c.ssec, "SSec")
      .put<cmd::StreamId>(c.stream_id, "StreamID")
      .done();
}

template <>
constexpr CmdStallTerm decode_command_as<CmdStallTerm>(const Words<2>& w) noexcept {
  CmdStallTerm c;
  c.ssec = cmd::Ssec::get(w) != 0;
  c.stream_id = static_cast<std::uint32_t>(cmd::StreamId::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdStallTerm& c, F&& f) {
  f("SSec", std::uint64_t{c.ssec});
  f("StreamID", std::uint64_t{c.stream_id});
}

}  // namespace smmuv3
