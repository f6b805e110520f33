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

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Ssec{}, "SSec", s.ssec);
    v(cmd::StreamId{}, "StreamID", s.stream_id);
    v(cmd::Leaf{}, "Leaf", s.leaf);
  }
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

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Ssec{}, "SSec", s.ssec);
    v(cmd::StreamId{}, "StreamID", s.stream_id);
    v(cmd::Range{}, "Range", s.range);
  }
};

/// §4.3.6 CMD_CFGI_ALL(SSec): the architecture encodes it as CMD_CFGI_STE_RANGE with
/// Range == 31 (same opcode 0x04); it is its own type here because its meaning differs
/// (it also invalidates VMID-indexed VMS caches). `encode` writes Range = 31 (`fixed_fields`);
/// decode does not check it (`visit_command` only reports CmdCfgiAll for Range == 31). The
/// StreamID field is IGNORED by the SMMU, not RES0, so it is kept to round-trip the record
/// exactly.
struct CmdCfgiAll {
  static constexpr Opcode kOpcode = Opcode::cfgi_all;
  static constexpr const char* kName = "CMD_CFGI_ALL";
  /// The Range value that turns CMD_CFGI_STE_RANGE into CMD_CFGI_ALL.
  static constexpr std::uint8_t kRange = 31;
  /// The operand the type itself fixes (see CommandRecord): written by encode and part of
  /// kCmdCfgiAllDefined, but not a field of the struct.
  template <class V>
  static constexpr void fixed_fields(V&& v) {
    v(cmd::Range{}, "Range", kRange);
  }

  bool ssec = false;
  /// IGNORED by the SMMU (§4.3.6).
  std::uint32_t stream_id = 0;

  friend constexpr bool operator==(const CmdCfgiAll&, const CmdCfgiAll&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Ssec{}, "SSec", s.ssec);
    v(cmd::StreamId{}, "StreamID", s.stream_id);
  }
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

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Ssec{}, "SSec", s.ssec);
    v(cmd::SubstreamId{}, "SubstreamID", s.substream_id);
    v(cmd::StreamId{}, "StreamID", s.stream_id);
    v(cmd::Leaf{}, "Leaf", s.leaf);
  }
};

/// §4.3.4 CMD_CFGI_CD_ALL(StreamID, SSec).
struct CmdCfgiCdAll {
  static constexpr Opcode kOpcode = Opcode::cfgi_cd_all;
  static constexpr const char* kName = "CMD_CFGI_CD_ALL";

  bool ssec = false;
  std::uint32_t stream_id = 0;

  friend constexpr bool operator==(const CmdCfgiCdAll&, const CmdCfgiCdAll&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Ssec{}, "SSec", s.ssec);
    v(cmd::StreamId{}, "StreamID", s.stream_id);
  }
};

/// §4.3.5 CMD_CFGI_VMS_PIDM(SSec, VMID): invalidates cached VMS.PARTID_MAP for VMID.
struct CmdCfgiVmsPidm {
  static constexpr Opcode kOpcode = Opcode::cfgi_vms_pidm;
  static constexpr const char* kName = "CMD_CFGI_VMS_PIDM";

  bool ssec = false;
  std::uint16_t vmid = 0;

  friend constexpr bool operator==(const CmdCfgiVmsPidm&, const CmdCfgiVmsPidm&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::Ssec{}, "SSec", s.ssec);
    v(cmd::Vmid{}, "VMID", s.vmid);
  }
};

inline constexpr Words<2> kCmdCfgiSteDefined = cmd::detail::defined_bits<CmdCfgiSte>();
inline constexpr Words<2> kCmdCfgiSteRes0 = cmd::detail::kRes0<CmdCfgiSte>;
inline constexpr Words<2> kCmdCfgiSteRangeDefined = cmd::detail::defined_bits<CmdCfgiSteRange>();
inline constexpr Words<2> kCmdCfgiSteRangeRes0 = cmd::detail::kRes0<CmdCfgiSteRange>;
inline constexpr Words<2> kCmdCfgiAllDefined = cmd::detail::defined_bits<CmdCfgiAll>();
inline constexpr Words<2> kCmdCfgiAllRes0 = cmd::detail::kRes0<CmdCfgiAll>;
/// CMD_CFGI_STE_RANGE and CMD_CFGI_ALL share one layout (§4.3.6), so one RES0 check serves both.
static_assert(kCmdCfgiAllDefined == kCmdCfgiSteRangeDefined);
inline constexpr Words<2> kCmdCfgiCdDefined = cmd::detail::defined_bits<CmdCfgiCd>();
inline constexpr Words<2> kCmdCfgiCdRes0 = cmd::detail::kRes0<CmdCfgiCd>;
inline constexpr Words<2> kCmdCfgiCdAllDefined = cmd::detail::defined_bits<CmdCfgiCdAll>();
inline constexpr Words<2> kCmdCfgiCdAllRes0 = cmd::detail::kRes0<CmdCfgiCdAll>;
inline constexpr Words<2> kCmdCfgiVmsPidmDefined = cmd::detail::defined_bits<CmdCfgiVmsPidm>();
inline constexpr Words<2> kCmdCfgiVmsPidmRes0 = cmd::detail::kRes0<CmdCfgiVmsPidm>;

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

}  // namespace smmuv3
