// SPDX-License-Identifier: MIT
// Prefetch commands (IHI 0070 §4.2): CMD_PREFETCH_CONFIG and CMD_PREFETCH_ADDR.
#pragma once

#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/command/fields.hpp"
#include "smmuv3/command/opcode.hpp"

namespace smmuv3 {

namespace cmd::detail {
/// The stream operands both prefetch commands start with (§4.2.1, §4.2.2).
template <class Self, class V>
constexpr void prefetch_stream_fields(Self& s, V& v) {
  v(Ssec{}, "SSec", s.ssec);
  v(Ssv{}, "SSV", s.ssv);
  v(SubstreamId{}, "SubstreamID", s.substream_id);
  v(StreamId{}, "StreamID", s.stream_id);
}
}  // namespace cmd::detail

/// §4.2.1 CMD_PREFETCH_CONFIG(StreamID, SSec, SubstreamID, SSV).
struct CmdPrefetchConfig {
  static constexpr Opcode kOpcode = Opcode::prefetch_config;
  static constexpr const char* kName = "CMD_PREFETCH_CONFIG";

  bool ssec = false;
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;

  friend constexpr bool operator==(const CmdPrefetchConfig&, const CmdPrefetchConfig&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    cmd::detail::prefetch_stream_fields(s, v);
  }
};

/// §4.2.2 CMD_PREFETCH_ADDR(StreamID, SSec, SubstreamID, SSV, Addr, NS, Size, Stride).
/// Prefetches 2^Size translations at a stride of 2^(12+Stride) bytes from Address
/// (see `prefetch_addr_span_log2`).
struct CmdPrefetchAddr {
  static constexpr Opcode kOpcode = Opcode::prefetch_addr;
  static constexpr const char* kName = "CMD_PREFETCH_ADDR";

  bool ssec = false;
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  std::uint8_t size = 0;
  /// RES0 (must be 0) in SMMUv3.0 (§4.2.2).
  std::uint8_t stride = 0;
  /// NS attribute for Secure stage-2-only prefetches; RES0 on the Non-secure queue (§4.2.2).
  bool ns = false;
  /// VA or IPA, byte address with bits [11:0] zero.
  std::uint64_t address = 0;

  friend constexpr bool operator==(const CmdPrefetchAddr&, const CmdPrefetchAddr&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    cmd::detail::prefetch_stream_fields(s, v);
    v(cmd::PrefetchSize{}, "Size", s.size);
    v(cmd::PrefetchStride{}, "Stride", s.stride);
    v(cmd::PrefetchNs{}, "NS", s.ns);
    v(cmd::VaAddress{}, "Address", s.address);
  }
};

inline constexpr Words<2> kCmdPrefetchConfigDefined =
    cmd::detail::defined_bits<CmdPrefetchConfig>();
inline constexpr Words<2> kCmdPrefetchConfigRes0 = cmd::detail::kRes0<CmdPrefetchConfig>;
inline constexpr Words<2> kCmdPrefetchAddrDefined = cmd::detail::defined_bits<CmdPrefetchAddr>();
inline constexpr Words<2> kCmdPrefetchAddrRes0 = cmd::detail::kRes0<CmdPrefetchAddr>;

/// log2 of the bytes CMD_PREFETCH_ADDR spans: 2^Size translations, 2^(12+Stride) apart
/// (§4.2.2).
constexpr unsigned prefetch_addr_span_log2(std::uint8_t size, std::uint8_t stride) noexcept {
  return 12u + unsigned{stride} + unsigned{size};
}

}  // namespace smmuv3
