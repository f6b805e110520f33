// SPDX-License-Identifier: MIT
// vsmmu/device_state.hpp: the complete guest-visible state of one vSMMU, as a versioned plain
// struct, for live migration (Device::save / Device::restore).
//
// Everything the guest can observe or has programmed is a register of Pages 0/1; the device
// keeps no other state that outlives a trap (command processing stops at a clean point after
// every batch: whatever is between CMDQ_CONS and CMDQ_PROD is simply processed again on the
// destination). So the state is the register values, the ID registers they were valid for,
// and a version. SMMU_CR0ACK and SMMU_IRQ_CTRLACK are not stored: this device completes every
// update synchronously, so they always equal SMMU_CR0 / SMMU_IRQ_CTRL.
//
// The struct is trivially copyable and has no padding-dependent meaning: a hypervisor may send
// it field by field or as bytes between hosts of the same endianness. A new field means a new
// version; restore refuses versions it does not know.
#pragma once

#include <cstdint>
#include <type_traits>

namespace vsmmu {

inline constexpr std::uint32_t kDeviceStateVersion = 1;

struct DeviceState {
  std::uint32_t version = kDeviceStateVersion;
  /// SMMU_IDR0/1/2/3/5 and SMMU_AIDR the guest was shown: a destination presenting a different
  /// SMMU would change the hardware under a running driver, so restore requires equality.
  std::uint32_t idr0 = 0, idr1 = 0, idr2 = 0, idr3 = 0, idr5 = 0, aidr = 0;

  std::uint32_t cr0 = 0, cr1 = 0, cr2 = 0;
  std::uint32_t gbpa = 0;
  std::uint32_t irq_ctrl = 0;
  std::uint32_t gerror = 0, gerrorn = 0;
  std::uint64_t gerror_irq_cfg0 = 0;
  std::uint32_t gerror_irq_cfg1 = 0, gerror_irq_cfg2 = 0;

  std::uint64_t strtab_base = 0;
  std::uint32_t strtab_base_cfg = 0;
  /// Keeps every 64-bit field 8-byte aligned with no implicit padding; always 0.
  std::uint32_t reserved0 = 0;

  std::uint64_t cmdq_base = 0;
  std::uint32_t cmdq_prod = 0, cmdq_cons = 0;

  std::uint64_t eventq_base = 0;
  std::uint32_t eventq_prod = 0, eventq_cons = 0;
  std::uint64_t eventq_irq_cfg0 = 0;
  std::uint32_t eventq_irq_cfg1 = 0, eventq_irq_cfg2 = 0;

  std::uint64_t priq_base = 0;
  std::uint32_t priq_prod = 0, priq_cons = 0;
  std::uint64_t priq_irq_cfg0 = 0;
  std::uint32_t priq_irq_cfg1 = 0, priq_irq_cfg2 = 0;

  friend constexpr bool operator==(const DeviceState&, const DeviceState&) = default;
};

// No padding: the bytes of a DeviceState are exactly its values, so it can be sent as bytes.
static_assert(std::has_unique_object_representations_v<DeviceState>);
static_assert(std::is_trivially_copyable_v<DeviceState>);

/// Why Device::restore refused a state (the device is left unchanged).
enum class RestoreError : std::uint8_t {
  none,
  bad_version,     ///< `version` is not kDeviceStateVersion
  idr_mismatch,    ///< saved for an SMMU with other ID registers than this device's Policy
  bad_register,    ///< a register holds bits this device can never hold (RES0, an absent feature),
                   ///< or reserved0 != 0
  bad_cmdq_error,  ///< SMMU_CMDQ_CONS.ERR is not a CERROR code this device reports
};

}  // namespace vsmmu
