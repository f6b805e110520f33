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

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::AtcGlobal{}, "Global", s.global);
    v(cmd::Ssv{}, "SSV", s.ssv);
    v(cmd::SubstreamId{}, "SubstreamID", s.substream_id);
    v(cmd::StreamId{}, "StreamID", s.stream_id);
    v(cmd::AtcSize{}, "Size", s.size);
    v(cmd::VaAddress{}, "Address", s.address);
  }
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

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Ssv{}, "SSV", s.ssv);
    v(cmd::SubstreamId{}, "SubstreamID", s.substream_id);
    v(cmd::StreamId{}, "StreamID", s.stream_id);
    v(cmd::PrgIndex{}, "PRGIndex", s.prg_index);
    v(cmd::PriRespResp{}, "Resp", s.resp);
  }
};

inline constexpr Words<2> kCmdAtcInvDefined = cmd::detail::defined_bits<CmdAtcInv>();
inline constexpr Words<2> kCmdAtcInvRes0 = cmd::detail::kRes0<CmdAtcInv>;
inline constexpr Words<2> kCmdPriRespDefined = cmd::detail::defined_bits<CmdPriResp>();
inline constexpr Words<2> kCmdPriRespRes0 = cmd::detail::kRes0<CmdPriResp>;

}  // namespace smmuv3
