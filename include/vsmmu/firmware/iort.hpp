// SPDX-License-Identifier: MIT
// vsmmu/firmware/iort.hpp: the ACPI IO Remapping Table (IORT) of a guest with a vSMMU.
//
// Arm DEN 0049E.b ("IO Remapping Table, Platform Design Document", IORT revision 3), the
// revision QEMU's virt machine and Cloud Hypervisor give their guests, which Linux's
// drivers/acpi/arm64/iort.c and ACPICA's iasl (20200925, Debian 12's) both parse. It holds:
//   - a GIC ITS group node (type 0, Table 12), when the guest has an ITS;
//   - the SMMUv3 node (type 4, Table 9): base address, wired interrupts, coherency;
//   - one PCI root complex node (type 2, Table 17) whose ID mappings (Table 4) send Requester
//     IDs to the SMMUv3 node as StreamIDs (rid_map.hpp).
// With an ITS, the SMMUv3 node maps each StreamID to the same ITS DeviceID (so a PCI device's
// MSIs reach the ITS as its StreamID, the numbering device_tree.hpp's msi-map gives), and, if
// one of its own interrupts has no GSIV, maps its own DeviceID to the ITS too.
//
// E.b's rule for that last mapping (Table 9, "DeviceID mapping index"): it is valid unless all
// four interrupts (event, PRI, GERR, sync) are GSIV-based, and Linux up to the E.e change reads
// it that way (drivers/acpi/arm64/iort.c iort_get_id_mapping_index). So a GSIV left 0 means that
// interrupt is an MSI and needs an ITS (msi_without_its otherwise), and a vSMMU without ITS
// must name a PRI GSIV although it raises no PRI queue interrupt: the guest driver requests that
// line only when SMMU_IDR0.PRI is set, and QEMU's virt machine does the same.
#pragma once

#include <cstddef>
#include <cstdint>

#include "smmuv3/registers/offsets.hpp"
#include "vsmmu/firmware/output.hpp"
#include "vsmmu/firmware/rid_map.hpp"

namespace vsmmu::firmware {

struct IortConfig {
  /// ACPI table header (ACPI 6.5 §5.2.6): OEM ID (up to 6 characters), OEM Table ID (up to 8),
  /// Creator ID (up to 4: the vendor of the tool that made the table), space-padded.
  const char* oem_id = "VSMMU";
  const char* oem_table_id = "VSMMU";
  std::uint32_t oem_revision = 1;
  const char* creator_id = "VSMU";
  std::uint32_t creator_revision = 1;

  /// SMMUv3 node. `base`: guest physical address of Page 0, 64 KiB aligned.
  std::uint64_t base = 0;
  /// GSIVs (GIC INTIDs of SPIs, 32..1019) of the wired interrupts, all distinct; 0: an MSI.
  std::uint32_t event_gsiv = 0;
  std::uint32_t pri_gsiv = 0;
  std::uint32_t gerr_gsiv = 0;
  std::uint32_t sync_gsiv = 0;
  /// COHACC Override: the guest's SMMU_IDR0.COHACC (the physical SMMU walks the guest's tables).
  bool coherent_access = false;

  /// The guest's GIC ITS, when it has one: its GIC ITS ID (the MADT GIC ITS structure's), and
  /// the vSMMU's own DeviceID at it.
  bool its = false;
  std::uint32_t its_id = 0;
  std::uint32_t smmu_device_id = 0;

  /// Root complex node: the host bridge's PCI segment (its MCFG entry), whether its devices'
  /// DMA is cache-coherent, whether it supports ATS (the guest's SMMU_IDR0.ATS), and the
  /// widest address it can put on the bus.
  std::uint32_t pci_segment = 0;
  bool rc_coherent = true;
  bool ats = false;
  std::uint8_t memory_address_size_limit = 64;

  /// The host bridge's Requester IDs and their StreamIDs (rid_map.hpp).
  const RidMapping* rid_map = nullptr;
  std::size_t rid_map_count = 0;
  std::uint8_t sid_bits = 16;  ///< GuestConfig::sid_bits
};

/// Where things are (DEN 0049E.b: Table 2 the IORT, Table 4 ID mapping format, Table 9 SMMUv3
/// node, Table 12 ITS group node, Tables 14 and 15 memory access properties, Table 17 root complex).
namespace iort {
inline constexpr std::uint8_t table_revision = 3;  // E.b
inline constexpr std::size_t header_size = 48;     // ACPI header (36), node count, node offset, reserved
inline constexpr std::size_t checksum_offset = 9;
inline constexpr std::size_t id_mapping_size = 20;   // input base, count - 1, output base, reference, flags

enum class NodeType : std::uint8_t { its_group = 0, root_complex = 2, smmu_v3 = 4 };
inline constexpr std::uint8_t its_group_revision = 1;
inline constexpr std::uint8_t smmu_v3_revision = 4;
inline constexpr std::uint8_t root_complex_revision = 3;
// Node sizes before their ID mappings, with the 16-byte node header (type, length, revision,
// identifier, mapping count, mapping offset).
inline constexpr std::size_t its_group_size = 24;     // ITS count (1), one GIC ITS ID
inline constexpr std::size_t smmu_v3_size = 68;
inline constexpr std::size_t root_complex_size = 36;

inline constexpr std::uint32_t smmu_v3_cohacc_override = 1u << 0;  // Table 9 Flags
inline constexpr std::uint32_t id_mapping_single = 1u << 0;        // Table 4 Flags
inline constexpr std::uint32_t memory_cca = 1;                     // Table 14: fully coherent
inline constexpr std::uint8_t memory_cpm_dacs = 0x3;               // Table 15: CPM | DACS
inline constexpr std::uint32_t ats_supported = 1u << 0;            // Table 17 ATS Attribute

/// The largest mapping count whose node still fits its 16-bit Length.
inline constexpr std::size_t max_node_mappings(std::size_t node_size) noexcept {
  return (0xFFFF - node_size) / id_mapping_size;
}
}  // namespace iort

namespace detail {

/// A GSIV of a GIC is its INTID; SPIs are INTIDs 32..1019 (GICv3 architecture, IHI 0069 §2.2).
constexpr bool valid_gsiv(std::uint32_t g) noexcept { return g == 0 || (g >= 32 && g <= 1019); }

/// A space-padded fixed-width ACPI header string; false if `s` is longer than `width`.
constexpr bool fits_acpi_id(const char* s, std::size_t width) noexcept {
  std::size_t n = 0;
  while (s[n] != '\0')
    if (++n > width) return false;
  return true;
}

constexpr bool any_msi(const IortConfig& c) noexcept {
  return c.event_gsiv == 0 || c.pri_gsiv == 0 || c.gerr_gsiv == 0 || c.sync_gsiv == 0;
}

constexpr FirmwareError check(const IortConfig& c) noexcept {
  if (c.oem_id == nullptr || c.oem_table_id == nullptr || c.creator_id == nullptr || !fits_acpi_id(c.oem_id, 6) ||
      !fits_acpi_id(c.oem_table_id, 8) || !fits_acpi_id(c.creator_id, 4))
    return FirmwareError::bad_argument;
  // Page-aligned, and Pages 0 and 1 below 2^64.
  if (c.base % smmuv3::reg::kPageSize != 0 || c.base > ~std::uint64_t{0} - smmuv3::reg::kOptionalPagesBase + 1)
    return FirmwareError::bad_argument;
  const std::uint32_t g[] = {c.event_gsiv, c.pri_gsiv, c.gerr_gsiv, c.sync_gsiv};
  for (std::size_t i = 0; i < 4; ++i) {
    if (!valid_gsiv(g[i])) return FirmwareError::bad_interrupt;
    for (std::size_t j = i + 1; j < 4; ++j)
      if (g[i] != 0 && g[i] == g[j]) return FirmwareError::bad_interrupt;
  }
  if (any_msi(c) && !c.its) return FirmwareError::msi_without_its;
  // Both node lengths are 16 bits; the SMMUv3 node has one mapping per range, plus its own.
  // (Checked first: it bounds the quadratic overlap check below.)
  if (c.rid_map_count > iort::max_node_mappings(iort::root_complex_size) ||
      (c.its && c.rid_map_count + 1 > iort::max_node_mappings(iort::smmu_v3_size)))
    return FirmwareError::too_many_mappings;
  if (const FirmwareError e = check_rid_mappings(c.rid_map, c.rid_map_count, c.sid_bits); e != FirmwareError::none)
    return e;
  // The vSMMU's own MSIs and a device's would be one DeviceID at the ITS.
  if (c.its && maps_stream(c.rid_map, c.rid_map_count, c.smmu_device_id)) return FirmwareError::overlapping_mappings;
  return FirmwareError::none;
}

/// Little-endian fields through a BoundedOutput (ACPI 6.5 §5.2: all multi-byte fields are LE).
class AcpiBytes {
 public:
  constexpr AcpiBytes(unsigned char* out, std::size_t capacity) noexcept : out_(out, capacity) {}

  constexpr AcpiBytes& le(std::uint64_t v, std::size_t bytes) noexcept {
    for (std::size_t i = 0; i < bytes; ++i) out_.put(static_cast<unsigned char>(v >> (8 * i)));
    return *this;
  }
  constexpr AcpiBytes& id(const char* s, std::size_t width) noexcept {
    for (std::size_t i = 0; i < width; ++i) out_.put(static_cast<unsigned char>(*s != '\0' ? *s++ : ' '));
    return *this;
  }
  /// A node header; a node without ID mappings has no array to point at (offset 0).
  constexpr AcpiBytes& node_header(iort::NodeType type, std::size_t length, std::uint8_t revision,
                                   std::uint32_t identifier, std::size_t mappings,
                                   std::size_t mappings_offset) noexcept {
    le(static_cast<std::uint8_t>(type), 1).le(length, 2).le(revision, 1).le(identifier, 4);
    return le(mappings, 4).le(mappings == 0 ? 0 : mappings_offset, 4);
  }
  constexpr AcpiBytes& id_mapping(std::uint32_t input_base, std::uint32_t count, std::uint32_t output_base,
                                  std::size_t output_reference, std::uint32_t flags) noexcept {
    // Table 4: "Number of IDs" is the number of IDs in the range minus one.
    return le(input_base, 4).le(count - 1, 4).le(output_base, 4).le(output_reference, 4).le(flags, 4);
  }
  constexpr FirmwareResult result() const noexcept { return out_.result(); }

 private:
  BoundedOutput<unsigned char> out_;
};

}  // namespace detail

/// The IORT, checksummed, into [out, out + capacity). Errors: bad_argument (an OEM/creator ID
/// too long, base not 64 KiB aligned), bad_interrupt (a GSIV that is not an SPI INTID, or two
/// interrupts on one GSIV), msi_without_its, too_many_mappings, overlapping_mappings (also: the
/// vSMMU's DeviceID is a device's), and the rid_map errors of check_rid_mappings.
constexpr FirmwareResult write_iort(const IortConfig& c, unsigned char* out, std::size_t capacity) noexcept {
  using namespace iort;
  if (const FirmwareError e = detail::check(c); e != FirmwareError::none) return {e, 0};

  // Nodes in order ITS group, SMMUv3, root complex: each output reference is an earlier offset.
  const bool own_msi = c.its && detail::any_msi(c);
  const std::size_t smmu_mappings = c.its ? c.rid_map_count + (own_msi ? 1 : 0) : 0;
  const std::size_t its_offset = header_size;
  const std::size_t smmu_offset = header_size + (c.its ? its_group_size : 0);
  const std::size_t smmu_length = smmu_v3_size + smmu_mappings * id_mapping_size;
  const std::size_t rc_offset = smmu_offset + smmu_length;
  const std::size_t rc_length = root_complex_size + c.rid_map_count * id_mapping_size;
  const std::size_t length = rc_offset + rc_length;
  std::uint32_t identifier = 0;  // E.b: unique per node, for cross-referencing

  detail::AcpiBytes b(out, capacity);
  b.id("IORT", 4).le(length, 4).le(table_revision, 1).le(0, 1);  // checksum: filled in below
  b.id(c.oem_id, 6).id(c.oem_table_id, 8).le(c.oem_revision, 4).id(c.creator_id, 4).le(c.creator_revision, 4);
  b.le(c.its ? 3 : 2, 4).le(header_size, 4).le(0, 4);

  if (c.its) {
    b.node_header(NodeType::its_group, its_group_size, its_group_revision, identifier++, 0, 0);
    b.le(1, 4).le(c.its_id, 4);
  }

  b.node_header(NodeType::smmu_v3, smmu_length, smmu_v3_revision, identifier++, smmu_mappings, smmu_v3_size);
  b.le(c.base, 8).le(c.coherent_access ? smmu_v3_cohacc_override : 0, 4).le(0, 4);
  b.le(0, 8);  // VATOS address: the vSMMU has no VATOS page
  b.le(0, 4);  // Model: generic SMMUv3
  b.le(c.event_gsiv, 4).le(c.pri_gsiv, 4).le(c.gerr_gsiv, 4).le(c.sync_gsiv, 4);
  b.le(0, 4);  // Proximity domain: not valid (Flags.PXM_VALID clear)
  b.le(own_msi ? c.rid_map_count : 0, 4);  // DeviceID mapping index: the single mapping, last
  if (c.its) {
    for (std::size_t i = 0; i < c.rid_map_count; ++i) {
      const RidMapping& m = c.rid_map[i];
      b.id_mapping(m.sid_base, m.count, m.sid_base, its_offset, 0);  // DeviceID = StreamID
    }
    // A single mapping ignores its input: the vSMMU's own MSIs carry this DeviceID.
    if (own_msi) b.id_mapping(0, 1, c.smmu_device_id, its_offset, id_mapping_single);
  }

  b.node_header(NodeType::root_complex, rc_length, root_complex_revision, identifier++, c.rid_map_count,
                root_complex_size);
  // Memory access properties (Table 14): CCA, allocation hints, reserved, memory access flags.
  b.le(c.rc_coherent ? memory_cca : 0, 4).le(0, 1).le(0, 2).le(c.rc_coherent ? memory_cpm_dacs : 0, 1);
  b.le(c.ats ? ats_supported : 0, 4).le(c.pci_segment, 4).le(c.memory_address_size_limit, 1).le(0, 3);
  for (std::size_t i = 0; i < c.rid_map_count; ++i) {
    const RidMapping& m = c.rid_map[i];
    b.id_mapping(m.rid_base, m.count, m.sid_base, smmu_offset, 0);
  }

  const FirmwareResult r = b.result();
  if (r.ok()) {
    // ACPI 6.5 §5.2.6: the checksum makes the bytes of the whole table sum to zero.
    unsigned sum = 0;
    for (std::size_t i = 0; i < r.size; ++i) sum += out[i];
    out[checksum_offset] = static_cast<unsigned char>(0x100 - (sum & 0xFF));
  }
  return r;
}

}  // namespace vsmmu::firmware
