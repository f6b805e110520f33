// SPDX-License-Identifier: MIT
// vsmmu/firmware/rid_map.hpp: which PCI Requester IDs of the guest's host bridge reach the vSMMU,
// and as which StreamIDs.
//
// Both firmware descriptions carry the same map: the device tree as the host bridge's iommu-map
// (Linux Documentation/devicetree/bindings/pci/pci-iommu.txt), ACPI as the root complex node's
// ID mappings whose output reference is the SMMUv3 node (Arm DEN 0049E.b, Table 4 "ID mapping
// format").
// A guest driver takes the StreamID of a device from it and writes that STE: the StreamIDs must
// be ones the vSMMU shows the guest (below 2^SMMU_IDR1.SIDSIZE), and no Requester ID or StreamID
// may be named twice, or two devices would share a translation.
#pragma once

#include <cstddef>
#include <cstdint>

#include "vsmmu/firmware/output.hpp"

namespace vsmmu::firmware {

/// Requester IDs [rid_base, rid_base + count) are StreamIDs [sid_base, sid_base + count). A
/// Requester ID is bus[15:8], device[7:3], function[2:0] on the host bridge's segment.
struct RidMapping {
  std::uint32_t rid_base = 0;
  std::uint32_t sid_base = 0;
  std::uint32_t count = 0;
  friend constexpr bool operator==(const RidMapping&, const RidMapping&) = default;
};

/// The Requester ID space of one PCI segment.
inline constexpr std::uint64_t rid_space = std::uint64_t{1} << 16;

namespace detail {
constexpr bool ranges_overlap(std::uint64_t a, std::uint64_t b, std::uint64_t count_a, std::uint64_t count_b) noexcept {
  return a < b + count_b && b < a + count_a;
}
}  // namespace detail

/// Checks `maps[0..count)` against a guest shown `sid_bits` of StreamID (GuestConfig::sid_bits,
/// SMMU_IDR1.SIDSIZE, at most 32: IHI 0070 G.b §6.3.2). The overlap check is quadratic in the
/// number of mappings, which the hypervisor chooses (a host bridge has a handful).
constexpr FirmwareError check_rid_mappings(const RidMapping* maps, std::size_t count, unsigned sid_bits) noexcept {
  if (sid_bits > 32) return FirmwareError::bad_argument;
  if (maps == nullptr || count == 0) return FirmwareError::no_mappings;
  const std::uint64_t sid_space = std::uint64_t{1} << sid_bits;
  for (std::size_t i = 0; i < count; ++i) {
    const RidMapping& m = maps[i];
    if (m.count == 0) return FirmwareError::empty_mapping;
    if (std::uint64_t{m.rid_base} + m.count > rid_space || std::uint64_t{m.sid_base} + m.count > sid_space)
      return FirmwareError::mapping_overflow;
  }
  for (std::size_t i = 0; i < count; ++i)
    for (std::size_t j = i + 1; j < count; ++j)
      if (detail::ranges_overlap(maps[i].rid_base, maps[j].rid_base, maps[i].count, maps[j].count) ||
          detail::ranges_overlap(maps[i].sid_base, maps[j].sid_base, maps[i].count, maps[j].count))
        return FirmwareError::overlapping_mappings;
  return FirmwareError::none;
}

/// Whether StreamID `sid` is one of the mapped ones. With an ITS both descriptions make a
/// device's DeviceID its StreamID, so the vSMMU's own DeviceID must not be one of these.
constexpr bool maps_stream(const RidMapping* maps, std::size_t count, std::uint32_t sid) noexcept {
  for (std::size_t i = 0; i < count; ++i)
    if (sid >= maps[i].sid_base && sid - maps[i].sid_base < maps[i].count) return true;
  return false;
}

}  // namespace vsmmu::firmware
