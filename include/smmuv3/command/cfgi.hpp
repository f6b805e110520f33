// SPDX-License-Identifier: MIT
// Configuration structure invalidation commands (IHI 0070 §4.3): CMD_CFGI_STE,
// CMD_CFGI_STE_RANGE, CMD_CFGI_ALL, CMD_CFGI_CD, CMD_CFGI_CD_ALL, CMD_CFGI_VMS_PIDM.
#pragma once

#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/command/fields.hpp"
#include "smmuv3/command/opcode.hpp"

namespace smmuv3 {

/// §4.3.1 CMD_CFGI_STE(StreamID, SSec, Leaf).
struct CmdCfgiSte {
  static constexpr Opcode kOpcode = Opcode::cfgi_ste;
  static constexpr const char* kName = "CMD_CFGI_STE";

  bool ssec = false;
  std::uint32_t stream_id = 0;
  /// 1: only the STE, not the L1STD walked to it, must be invalidated.
  bool leaf = false;

  friend constexpr bool operator==(const CmdCfgiSte&, const CmdCfgiSte&) = default;
};

/// §4.3.2 CMD_CFGI_STE_RANGE(StreamID, SSec, Range): the aligned 2^(Range+1) StreamIDs
/// containing StreamID. Range == 31 is CMD_CFGI_ALL, which `visit_command` reports as
/// CmdCfgiAll; decoding a Range == 31 record as CmdCfgiSteRange is still valid.
struct CmdCfgiSteRange {
  static constexpr Opcode kOpcode = Opcode::cfgi_ste_range;
  static constexpr const char* kName = "CMD_CFGI_STE_RANGE";

  bool ssec = false;
  std::uint32_t stream_id = 0;
  std::uint8_t range = 0;

  friend constexpr bool operator==(const CmdCfgiSteRange&, const CmdCfgiSteRange&) = default;
};

/// §4.3.6 CMD_CFGI_ALL(SSec): the architecture encodes it as CMD_CFGI_STE_RANGE with
/// Range == 31 (same opcode 0x04); it is its own type here because its meaning differs
/// (it also invalidates VMID-indexed VMS caches). `encode` writes Range = 31. The StreamID
/// field is IGNORED by the SMMU, not RES0, so it is kept to round-trip the record exactly.
struct CmdCfgiAll {
  static constexpr Opcode kOpcode = Opcode::cfgi_all;
  static constexpr const char* kName = "CMD_CFGI_ALL";
  /// The Range value that turns CMD_CFGI_STE_RANGE into CMD_CFGI_ALL.
  static constexpr std::uint8_t kRange = 31;

  bool ssec = false;
  /// IGNORED by the SMMU (§4.3.6).
  std::uint32_t stream_id = 0;

  friend constexpr bool operator==(const CmdCfgiAll&, const CmdCfgiAll&) = default;
};

/// §4.3.3 CMD_CFGI_CD(StreamID, SSec, SubstreamID, Leaf). SubstreamID is the CD table index;
/// this command has no SSV bit.
struct CmdCfgiCd {
  static constexpr Opcode kOpcode = Opcode::cfgi_cd;
  static constexpr const char* kName = "CMD_CFGI_CD";

  bool ssec = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  bool leaf = false;

  friend constexpr bool operator==(const CmdCfgiCd&, const CmdCfgiCd&) = default;
};

/// §4.3.4 CMD_CFGI_CD_ALL(StreamID, SSec).
struct CmdCfgiCdAll {
  static constexpr Opcode kOpcode = Opcode::cfgi_cd_all;
  static constexpr const char* kName = "CMD_CFGI_CD_ALL";

  bool ssec = false;
  std::uint32_t stream_id = 0;

  friend constexpr bool operator==(const CmdCfgiCdAll&, const CmdCfgiCdAll&) = default;
};

/// §4.3.5 CMD_CFGI_VMS_PIDM(SSec, VMID): invalidates cached VMS.PARTID_MAP for VMID.
struct CmdCfgiVmsPidm {
  static constexpr Opcode kOpcode = Opcode::cfgi_vms_pidm;
  static constexpr const char* kName = "CMD_CFGI_VMS_PIDM";

  bool ssec = false;
  std::uint16_t vmid = 0;

  friend constexpr bool operator==(const CmdCfgiVmsPidm&, const CmdCfgiVmsPidm&) = default;
};

inline constexpr Words<2> kCmdCfgiSteDefined =
    mask_of<2, cmd::Op, cmd::Ssec, cmd::StreamId, cmd::Leaf>();
inline constexpr Words<2> kCmdCfgiSteRes0 = complement(kCmdCfgiSteDefined);
/// CMD_CFGI_STE_RANGE and CMD_CFGI_ALL share one layout.
inline constexpr Words<2> kCmdCfgiSteRangeDefined =
    mask_of<2, cmd::Op, cmd::Ssec, cmd::StreamId, cmd::Range>();
inline constexpr Words<2> kCmdCfgiSteRangeRes0 = complement(kCmdCfgiSteRangeDefined);
inline constexpr Words<2> kCmdCfgiAllDefined = kCmdCfgiSteRangeDefined;
inline constexpr Words<2> kCmdCfgiAllRes0 = kCmdCfgiSteRangeRes0;
inline constexpr Words<2> kCmdCfgiCdDefined =
    mask_of<2, cmd::Op, cmd::Ssec, cmd::SubstreamId, cmd::StreamId, cmd::Leaf>();
inline constexpr Words<2> kCmdCfgiCdRes0 = complement(kCmdCfgiCdDefined);
inline constexpr Words<2> kCmdCfgiCdAllDefined = mask_of<2, cmd::Op, cmd::Ssec, cmd::StreamId>();
inline constexpr Words<2> kCmdCfgiCdAllRes0 = complement(kCmdCfgiCdAllDefined);
inline constexpr Words<2> kCmdCfgiVmsPidmDefined = mask_of<2, cmd::Op, cmd::Ssec, cmd::Vmid>();
inline constexpr Words<2> kCmdCfgiVmsPidmRes0 = complement(kCmdCfgiVmsPidmDefined);

/// The number of StreamIDs CMD_CFGI_STE_RANGE covers: 2^(Range+1) (§4.3.2); 0 when Range
/// does not fit its 5-bit field.
constexpr std::uint64_t cfgi_ste_range_count(std::uint8_t range) noexcept {
  return cmd::Range::fits(range) ? std::uint64_t{1} << (range + 1u) : 0;
}

/// The first StreamID CMD_CFGI_STE_RANGE covers: the bottom Range+1 bits of StreamID are
/// IGNORED, aligning the range to its size (§4.3.2). Range 31 covers every StreamID.
constexpr std::uint32_t cfgi_ste_range_first(std::uint32_t stream_id, std::uint8_t range) noexcept {
  const std::uint64_t count = cfgi_ste_range_count(range);
  return count == 0 ? stream_id : static_cast<std::uint32_t>(stream_id & ~(count - 1));
}

constexpr Encoded<2> encode(const CmdCfgiSte& c) noexcept {
  return detail::command_encoder(CmdCfgiSte::kOpcode)
      .put<cmd::Ssec>(c.ssec, "SSec")
      .put<cmd::StreamId>(c.stream_id, "StreamID")
      .put<cmd::Leaf>(c.leaf, "Leaf")
      .done();
}

template <>
constexpr CmdCfgiSte decode_command_as<CmdCfgiSte>(const Words<2>& w) noexcept {
  CmdCfgiSte c;
  c.ssec = cmd::Ssec::get(w) != 0;
  c.stream_id = static_cast<std::uint32_t>(cmd::StreamId::get(w));
  c.leaf = cmd::Leaf::get(w) != 0;
  return c;
}

template <class F>
constexpr void for_each_field(const CmdCfgiSte& c, F&& f) {
  f("SSec", std::uint64_t{c.ssec});
  f("StreamID", std::uint64_t{c.stream_id});
  f("Leaf", std::uint64_t{c.leaf});
}

constexpr Encoded<2> encode(const CmdCfgiSteRange& c) noexcept {
  return detail::command_encoder(CmdCfgiSteRange::kOpcode)
      .put<cmd::Ssec>(c.ssec, "SSec")
      .put<cmd::StreamId>(c.stream_id, "StreamID")
      .put<cmd::Range>(c.range, "Range")
      .done();
}

template <>
constexpr CmdCfgiSteRange decode_command_as<CmdCfgiSteRange>(const Words<2>& w) noexcept {
  CmdCfgiSteRange c;
  c.ssec = cmd::Ssec::get(w) != 0;
  c.stream_id = static_cast<std::uint32_t>(cmd::StreamId::get(w));
  c.range = static_cast<std::uint8_t>(cmd::Range::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdCfgiSteRange& c, F&& f) {
  f("SSec", std::uint64_t{c.ssec});
  f("StreamID", std::uint64_t{c.stream_id});
  f("Range", std::uint64_t{c.range});
}

constexpr Encoded<2> encode(const CmdCfgiAll& c) noexcept {
  return detail::command_encoder(CmdCfgiAll::kOpcode)
      .put<cmd::Ssec>(c.ssec, "SSec")
      .put<cmd::StreamId>(c.stream_id, "StreamID")
      .put<cmd::Range>(CmdCfgiAll::kRange, "Range")
      .done();
}

/// Reads SSec and StreamID; the Range field is not checked (`visit_command` only reports
/// CmdCfgiAll for Range == 31).
template <>
constexpr CmdCfgiAll decode_command_as<CmdCfgiAll>(const Words<2>& w) noexcept {
  CmdCfgiAll c;
  c.ssec = cmd::Ssec::get(w) != 0;
  c.stream_id = static_cast<std::uint32_t>(cmd::StreamId::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdCfgiAll& c, F&& f) {
  f("SSec", std::uint64_t{c.ssec});
  f("StreamID", std::uint64_t{c.stream_id});
}

constexpr Encoded<2> encode(const CmdCfgiCd& c) noexcept {
  return detail::command_encoder(CmdCfgiCd::kOpcode)
      .put<cmd::Ssec>(c.ssec, "SSec")
      .put<cmd::SubstreamId>(c.substream_id, "SubstreamID")
      .put<cmd::StreamId>(c.stream_id, "StreamID")
      .put<cmd::Leaf>(c.leaf, "Leaf")
      .done();
}

template <>
constexpr CmdCfgiCd decode_command_as<CmdCfgiCd>(const Words<2>& w) noexcept {
  CmdCfgiCd c;
  c.ssec = cmd::Ssec::get(w) != 0;
  c.substream_id = static_cast<std::uint32_t>(cmd::SubstreamId::get(w));
  c.stream_id = static_cast<std::uint32_t>(cmd::StreamId::get(w));
  c.leaf = cmd::Leaf::get(w) != 0;
  return c;
}

template <class F>
constexpr void for_each_field(const CmdCfgiCd& c, F&& f) {
  f("SSec", std::uint64_t{c.ssec});
  f("SubstreamID", std::uint64_t{c.substream_id});
  f("StreamID", std::uint64_t{c.stream_id});
  f("Leaf", std::uint64_t{c.leaf});
}

constexpr Encoded<2> encode(const CmdCfgiCdAll& c) noexcept {
  return detail::command_encoder(CmdCfgiCdAll::kOpcode)
      .put<cmd::Ssec>(c.ssec, "SSec")
      .put<cmd::StreamId>(c.stream_id, "StreamID")
      .done();
}

template <>
constexpr CmdCfgiCdAll decode_command_as<CmdCfgiCdAll>(const Words<2>& w) noexcept {
  CmdCfgiCdAll c;
  c.ssec = cmd::Ssec::get(w) != 0;
  c.stream_id = static_cast<std::uint32_t>(cmd::StreamId::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdCfgiCdAll& c, F&& f) {
  f("SSec", std::uint64_t{c.ssec});
  f("StreamID", std::uint64_t{c.stream_id});
}

constexpr Encoded<2> encode(const CmdCfgiVmsPidm& c) noexcept {
  return detail::command_encoder(CmdCfgiVmsPidm::kOpcode)
      .put<cmd::Ssec>(c.ssec, "SSec")
      .put<cmd::Vmid>(c.vmid, "VMID")
      .done();
}

template <>
constexpr CmdCfgiVmsPidm decode_command_as<CmdCfgiVmsPidm>(const Words<2>& w) noexcept {
  CmdCfgiVmsPidm c;
  c.ssec = cmd::Ssec::get(w) != 0;
  c.vmid = static_cast<std::uint16_t>(cmd::Vmid::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdCfgiVmsPidm& c, F&& f) {
  f("SSec", std::uint64_t{c.ssec});
  f("VMID", std::uint64_t{c.vmid});
}

}  // namespace smmuv3
