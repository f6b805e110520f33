// SPDX-License-Identifier: MIT
// ATS and PRI commands (IHI 0070 §4.5): CMD_ATC_INV and CMD_PRI_RESP. Neither has an SSec
// field: ATS and PRI exist only for Non-secure and Realm streams (§4.5).
#pragma once

#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/command/fields.hpp"
#include "smmuv3/command/opcode.hpp"

namespace smmuv3 {

/// §4.5.1 CMD_ATC_INV(StreamID, SubstreamID, SSV, Global, Address, Size): an ATS Invalidation
/// Request for the naturally aligned 4KB * 2^Size span containing Address.
struct CmdAtcInv {
  static constexpr Opcode kOpcode = Opcode::atc_inv;
  static constexpr const char* kName = "CMD_ATC_INV";

  /// Sets the PCIe Global Invalidate flag; IGNORED when SSV == 0.
  bool global = false;
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  /// Span is 2^(12+Size) bytes; 52 means all (kAtcInvSizeAll).
  std::uint8_t size = 0;
  /// Untranslated address, bits [11:0] zero (Address[63:12]).
  std::uint64_t address = 0;

  friend constexpr bool operator==(const CmdAtcInv&, const CmdAtcInv&) = default;
};

/// CMD_ATC_INV Size that spans 2^64 bytes, "invalidate all" (§4.5.1). Larger values may raise
/// CERROR_ILL or use an UNKNOWN span.
inline constexpr std::uint8_t kAtcInvSizeAll = 52;

/// log2 of the bytes CMD_ATC_INV spans: 12 + Size (§4.5.1); 64 for kAtcInvSizeAll.
constexpr unsigned atc_inv_span_log2(std::uint8_t size) noexcept { return 12u + size; }

/// CMD_PRI_RESP Resp (§4.5.2).
enum class PriResp : std::uint8_t {
  /// 0b00 ResponseFailure: permanent non-paging error.
  response_failure = 0,
  /// 0b01 InvalidRequest: page-in unsuccessful for one or more pages.
  invalid_request = 1,
  /// 0b10 Success. (0b11 is Reserved: ILLEGAL.)
  success = 2,
};

/// §4.5.2 CMD_PRI_RESP(StreamID, SubstreamID, SSV, PRGIndex, Resp).
struct CmdPriResp {
  static constexpr Opcode kOpcode = Opcode::pri_resp;
  static constexpr const char* kName = "CMD_PRI_RESP";

  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  /// Page Request Group Index from the page request.
  std::uint16_t prg_index = 0;
  PriResp resp = PriResp::response_failure;

  friend constexpr bool operator==(const CmdPriResp&, const CmdPriResp&) = default;
};

inline constexpr Words<2> kCmdAtcInvDefined =
    mask_of<2, cmd::Op, cmd::AtcGlobal, cmd::Ssv, cmd::SubstreamId, cmd::StreamId, cmd::AtcSize,
            cmd::VaAddress>();
inline constexpr Words<2> kCmdAtcInvRes0 = complement(kCmdAtcInvDefined);
inline constexpr Words<2> kCmdPriRespDefined =
    mask_of<2, cmd::Op, cmd::Ssv, cmd::SubstreamId, cmd::StreamId, cmd::PrgIndex,
            cmd::PriRespResp>();
inline constexpr Words<2> kCmdPriRespRes0 = complement(kCmdPriRespDefined);

constexpr Encoded<2> encode(const CmdAtcInv& c) noexcept {
  return detail::command_encoder(CmdAtcInv::kOpcode)
      .put<cmd::AtcGlobal>(c.global, "Global")
      .put<cmd::Ssv>(c.ssv, "SSV")
      .put<cmd::SubstreamId>(c.substream_id, "SubstreamID")
      .put<cmd::StreamId>(c.stream_id, "StreamID")
      .put<cmd::AtcSize>(c.size, "Size")
      .put<cmd::VaAddress>(c.address, "Address")
      .done();
}

template <>
constexpr CmdAtcInv decode_command_as<CmdAtcInv>(const Words<2>& w) noexcept {
  CmdAtcInv c;
  c.global = cmd::AtcGlobal::get(w) != 0;
  c.ssv = cmd::Ssv::get(w) != 0;
  c.substream_id = static_cast<std::uint32_t>(cmd::SubstreamId::get(w));
  c.stream_id = static_cast<std::uint32_t>(cmd::StreamId::get(w));
  c.size = static_cast<std::uint8_t>(cmd::AtcSize::get(w));
  c.address = cmd::VaAddress::get(w);
  return c;
}

template <class F>
constexpr void for_each_field(const CmdAtcInv& c, F&& f) {
  f("Global", std::uint64_t{c.global});
  f("SSV", std::uint64_t{c.ssv});
  f("SubstreamID", std::uint64_t{c.substream_id});
  f("StreamID", std::uint64_t{c.stream_id});
  f("Size", std::uint64_t{c.size});
  f("Address", c.address);
}

constexpr Encoded<2> encode(const CmdPriResp& c) noexcept {
  return detail::command_encoder(CmdPriResp::kOpcode)
      .put<cmd::Ssv>(c.ssv, "SSV")
      .put<cmd::SubstreamId>(c.substream_id, "SubstreamID")
      .put<cmd::StreamId>(c.stream_id, "StreamID")
      .put<cmd::PrgIndex>(c.prg_index, "PRGIndex")
      .put<cmd::PriRespResp>(c.resp, "Resp")
      .done();
}

template <>
constexpr CmdPriResp decode_command_as<CmdPriResp>(const Words<2>& w) noexcept {
  CmdPriResp c;
  c.ssv = cmd::Ssv::get(w) != 0;
  c.substream_id = static_cast<std::uint32_t>(cmd::SubstreamId::get(w));
  c.stream_id = static_cast<std::uint32_t>(cmd::StreamId::get(w));
  c.prg_index = static_cast<std::uint16_t>(cmd::PrgIndex::get(w));
  c.resp = static_cast<PriResp>(cmd::PriRespResp::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdPriResp& c, F&& f) {
  f("SSV", std::uint64_t{c.ssv});
  f("SubstreamID", std::uint64_t{c.substream_id});
  f("StreamID", std::uint64_t{c.stream_id});
  f("PRGIndex", std::uint64_t{c.prg_index});
  f("Resp", detail::to_u64(c.resp));
}

}  // namespace smmuv3
