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

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(cmd::SyncCs{}, "CS", s.cs);
    v(cmd::SyncMsh{}, "MSH", s.msh);
    v(cmd::SyncMsiAttr{}, "MSIAttr", s.msi_attr);
    v(cmd::SyncMsiData{}, "MSIData", s.msi_data);
    v(cmd::SyncMsiAddress{}, "MSIAddress", s.msi_address);
    v(cmd::SyncMsiNs{}, "MSI_NS", s.msi_ns);
  }
};

inline constexpr Words<2> kCmdSyncDefined = cmd::detail::defined_bits<CmdSync>();
inline constexpr Words<2> kCmdSyncRes0 = cmd::detail::kRes0<CmdSync>;

}  // namespace smmuv3
