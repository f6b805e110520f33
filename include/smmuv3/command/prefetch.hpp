// SPDX-License-Identifier: MIT
// Prefetch commands (IHI 0070 §4.2): CMD_PREFETCH_CONFIG and CMD_PREFETCH_ADDR.
#pragma once

#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/command/fields.hpp"
#include "smmuv3/command/opcode.hpp"

namespace smmuv3 {

/// §4.2.1 CMD_PREFETCH_CONFIG(StreamID, SSec, SubstreamID, SSV).
struct CmdPrefetchConfig {
  static constexpr Opcode kOpcode = Opcode::prefetch_config;
  static constexpr const char* kName = "CMD_PREFETCH_CONFIG";

  bool ssec = false;
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;

  friend constexpr bool operator==(const CmdPrefetchConfig&, const CmdPrefetchConfig&) = default;
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
};

inline constexpr Words<2> kCmdPrefetchConfigDefined =
    mask_of<2, cmd::Op, cmd::Ssec, cmd::Ssv, cmd::SubstreamId, cmd::StreamId>();
inline constexpr Words<2> kCmdPrefetchConfigRes0 = complement(kCmdPrefetchConfigDefined);
inline constexpr Words<2> kCmdPrefetchAddrDefined =
    mask_of<2, cmd::Op, cmd::Ssec, cmd::Ssv, cmd::SubstreamId, cmd::StreamId, cmd::PrefetchSize,
            cmd::PrefetchStride, cmd::PrefetchNs, cmd::VaAddress>();
inline constexpr Words<2> kCmdPrefetchAddrRes0 = complement(kCmdPrefetchAddrDefined);

/// log2 of the bytes CMD_PREFETCH_ADDR spans: 2^Size translations, 2^(12+Stride) apart
/// (§4.2.2).
constexpr unsigned prefetch_addr_span_log2(std::uint8_t size, std::uint8_t stride) noexcept {
  return 12u + unsigned{stride} + unsigned{size};
}

constexpr Encoded<2> encode(const CmdPrefetchConfig& c) noexcept {
  return detail::command_encoder(CmdPrefetchConfig::kOpcode)
      .put<cmd::Ssec>(c.ssec, "SSec")
      .put<cmd::Ssv>(c.ssv, "SSV")
      .put<cmd::SubstreamId>(c.substream_id, "SubstreamID")
      .put<cmd::StreamId>(c.stream_id, "StreamID")
      .done();
}

template <>
constexpr CmdPrefetchConfig decode_command_as<CmdPrefetchConfig>(const Words<2>& w) noexcept {
  CmdPrefetchConfig c;
  c.ssec = cmd::Ssec::get(w) != 0;
  c.ssv = cmd::Ssv::get(w) != 0;
  c.substream_id = static_cast<std::uint32_t>(cmd::SubstreamId::get(w));
  c.stream_id = static_cast<std::uint32_t>(cmd::StreamId::get(w));
  return c;
}

template <class F>
constexpr void for_each_field(const CmdPrefetchConfig& c, F&& f) {
  f("SSec", std::uint64_t{c.ssec});
  f("SSV", std::uint64_t{c.ssv});
  f("SubstreamID", std::uint64_t{c.substream_id});
  f("StreamID", std::uint64_t{c.stream_id});
}

constexpr Encoded<2> encode(const CmdPrefetchAddr& c) noexcept {
  return detail::command_encoder(CmdPrefetchAddr::kOpcode)
      .put<cmd::Ssec>(c.ssec, "SSec")
      .put<cmd::Ssv>(c.ssv, "SSV")
      .put<cmd::SubstreamId>(c.substream_id, "SubstreamID")
      .put<cmd::StreamId>(c.stream_id, "StreamID")
      .put<cmd::PrefetchSize>(c.size, "Size")
      .put<cmd::PrefetchStride>(c.stride, "Stride")
      .put<cmd::PrefetchNs>(c.ns, "NS")
      .put<cmd::VaAddress>(c.address, "Address")
      .done();
}

template <>
constexpr CmdPrefetchAddr decode_command_as<CmdPrefetchAddr>(const Words<2>& w) noexcept {
  CmdPrefetchAddr c;
  c.ssec = cmd::Ssec::get(w) != 0;
  c.ssv = cmd::Ssv::get(w) != 0;
  c.substream_id = static_cast<std::uint32_t>(cmd::SubstreamId::get(w));
  c.stream_id = static_cast<std::uint32_t>(cmd::StreamId::get(w));
  c.size = static_cast<std::uint8_t>(cmd::PrefetchSize::get(w));
  c.stride = static_cast<std::uint8_t>(cmd::PrefetchStride::get(w));
  c.ns = cmd::PrefetchNs::get(w) != 0;
  c.address = cmd::VaAddress::get(w);
  return c;
}

template <class F>
constexpr void for_each_field(const CmdPrefetchAddr& c, F&& f) {
  f("SSec", std::uint64_t{c.ssec});
  f("SSV", std::uint64_t{c.ssv});
  f("SubstreamID", std::uint64_t{c.substream_id});
  f("StreamID", std::uint64_t{c.stream_id});
  f("Size", std::uint64_t{c.size});
  f("Stride", std::uint64_t{c.stride});
  f("NS", std::uint64_t{c.ns});
  f("Address", c.address);
}

}  // namespace smmuv3
