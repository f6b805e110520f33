// SPDX-License-Identifier: MIT
// CMD_SYNC(ComplSignal, MSIAddress, MSIData, MSIWriteAttributes) (IHI 0070 §4.7.3).
#pragma once

#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/command/fields.hpp"
#include "smmuv3/command/opcode.hpp"

namespace smmuv3 {

/// CMD_SYNC ComplSignal, CS (§4.7.3). 0b11 is Reserved (CERROR_ILL).
enum class SyncCs : std::uint8_t {
  /// No completion signal; MSI fields IGNORED.
  sig_none = 0,
  /// Interrupt: an MSI of MSIData to MSIAddress when MSIs are supported and MSIAddress != 0,
  /// and/or a wired interrupt.
  sig_irq = 1,
  /// WFE wake-up event (only when SMMU_IDR0.SEV == 1; otherwise like sig_none).
  sig_sev = 2,
};

/// CMD_SYNC MSH, the MSI write's Shareability (§4.7.3). 0b01 is Reserved, treated as 0b00.
enum class SyncMsh : std::uint8_t {
  non_shareable = 0,
  outer_shareable = 2,
  inner_shareable = 3,
};

/// §4.7.3 CMD_SYNC.
struct CmdSync {
  static constexpr Opcode kOpcode = Opcode::sync;
  static constexpr const char* kName = "CMD_SYNC";

  SyncCs cs = SyncCs::sig_none;
  /// IGNORED when MSIAttr is any-Device or Normal-iNC-oNC.
  SyncMsh msh = SyncMsh::non_shareable;
  /// MSI memory type, encoded as STE.MemAttr.
  std::uint8_t msi_attr = 0;
  std::uint32_t msi_data = 0;
  /// MSI target physical address, 4-byte aligned (MSIAddress[55:2]); 0 means no MSI write.
  std::uint64_t msi_address = 0;
  /// Realm Command queue only: 1 sends the MSI to the Non-secure PA space. RES0 on the
  /// Non-secure and Secure queues.
  bool msi_ns = false;

  friend constexpr bool operator==(const CmdSync&, const CmdSync&) = default;
};

inline constexpr Words<2> kCmdSyncDefined =
    mask_of<2, cmd::Op, cmd::SyncCs, cmd::SyncMsh, cmd::SyncMsiAttr, cmd::SyncMsiData,
            cmd::SyncMsiAddress, cmd::SyncMsiNs>();
inline constexpr Words<2> kCmdSyncRes0 = complement(kCmdSyncDefined);

constexpr Encoded<2> encode(const CmdSync& c) noexcept {
  return detail::command_encoder(CmdSync::kOpcode)
      .put<cmd::SyncCs>(c.cs, "CS")
      .put<cmd::SyncMsh>(c.msh, "MSH")
      .put<cmd::SyncMsiAttr>(c.msi_attr, "MSIAttr")
      .put<cmd::SyncMsiData>(c.msi_data, "MSIData")
      .put<cmd::SyncMsiAddress>(c.msi_address, "MSIAddress")
      .put<cmd::SyncMsiNs>(c.msi_ns, "MSI_NS")
      .done();
}

template <>
constexpr CmdSync decode_command_as<CmdSync>(const Words<2>& w) noexcept {
  CmdSync c;
  c.cs = static_cast<SyncCs>(cmd::SyncCs::get(w));
  c.msh = static_cast<SyncMsh>(cmd::SyncMsh::get(w));
  c.msi_attr = static_cast<std::uint8_t>(cmd::SyncMsiAttr::get(w));
  c.msi_data = static_cast<std::uint32_t>(cmd::SyncMsiData::get(w));
  c.msi_address = cmd::SyncMsiAddress::get(w);
  c.msi_ns = cmd::SyncMsiNs::get(w) != 0;
  return c;
}

template <class F>
constexpr void for_each_field(const CmdSync& c, F&& f) {
  f("CS", detail::to_u64(c.cs));
  f("MSH", detail::to_u64(c.msh));
  f("MSIAttr", std::uint64_t{c.msi_attr});
  f("MSIData", std::uint64_t{c.msi_data});
  f("MSIAddress", c.msi_address);
  f("MSI_NS", std::uint64_t{c.msi_ns});
}

}  // namespace smmuv3
