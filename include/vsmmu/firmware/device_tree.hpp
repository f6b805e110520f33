// SPDX-License-Identifier: MIT
// vsmmu/firmware/device_tree.hpp: the device-tree description of a vSMMU, as DTS source text.
//
// Two pieces, for the hypervisor to paste into the guest's tree before it compiles it with dtc:
//   write_device_tree_node()          the vSMMU's own node, per the Linux binding
//                                     Documentation/devicetree/bindings/iommu/arm,smmu-v3.yaml;
//   write_host_bridge_properties()    the lines that go inside the guest's PCI host bridge node:
//                                     iommu-map (bindings/pci/pci-iommu.txt) and, when the guest
//                                     has a GIC ITS, msi-map (bindings/pci/pci-msi.txt).
// Other nodes are named by their DTS labels (`&label`), so dtc resolves and checks every phandle
// reference: the vSMMU node gets the label `label`, which iommu-map names, and the GIC and ITS are
// the labels the hypervisor gave them in the rest of its tree.
//
// The vSMMU raises three wired interrupts, each edge-triggered (vsmmu::GuestSignal: one call,
// one interrupt): eventq, gerror and cmdq-sync. It raises no PRI queue interrupt, so no priq;
// the binding permits leaving it out (eventq, gerror, cmdq-sync is one of its interrupt-names
// sequences since its 2022 change "make PRI IRQ optional", Linux commit e4783856a2e8).
//
// With an ITS, a PCI device's MSI DeviceID is its StreamID (msi-map repeats iommu-map with the
// ITS as target), the same numbering iort.hpp gives ACPI guests, so the hypervisor's vITS sees
// one DeviceID per assigned device whichever firmware the guest boots with.
#pragma once

#include <cstddef>
#include <cstdint>

#include "smmuv3/registers/offsets.hpp"
#include "vsmmu/firmware/output.hpp"
#include "vsmmu/firmware/rid_map.hpp"

namespace vsmmu::firmware {

/// The vSMMU's MMIO window: register Pages 0 and 1, 64 KiB each (IHI 0070 G.b §6.1); it has
/// none of the OPTIONAL pages that follow them.
inline constexpr std::uint64_t smmu_mmio_size = smmuv3::reg::kOptionalPagesBase;

/// GIC SPIs are INTIDs 32..1019: SPI numbers 0..987 (GICv3 architecture, IHI 0069 §2.2).
inline constexpr std::uint32_t gic_spi_count = 988;

struct DeviceTreeConfig {
  std::uint64_t base = 0;       ///< guest physical address of Page 0; 64 KiB aligned
  const char* label = "vsmmu";  ///< the vSMMU node's DTS label, which iommu-map names
  /// The wired interrupts, as SPI numbers (INTID - 32) of the guest's GIC. All three distinct.
  std::uint32_t eventq_spi = 0;
  std::uint32_t gerror_spi = 0;
  std::uint32_t cmdq_sync_spi = 0;
  /// `dma-coherent`: the guest's SMMU_IDR0.COHACC (the physical SMMU walks the guest's tables).
  bool dma_coherent = false;
  /// The GIC's label, when the vSMMU does not inherit its interrupt-parent. nullptr: inherit.
  const char* interrupt_parent = nullptr;
  /// The label of the guest's GIC ITS (#msi-cells = <1>), to describe MSIs: msi-parent on the
  /// vSMMU, msi-map on the host bridge. nullptr: no ITS, wired interrupts only.
  const char* msi_parent = nullptr;
  std::uint32_t msi_device_id = 0;  ///< the vSMMU's own DeviceID at that ITS
  /// The host bridge's Requester IDs and their StreamIDs (rid_map.hpp).
  const RidMapping* rid_map = nullptr;
  std::size_t rid_map_count = 0;
  std::uint8_t sid_bits = 16;       ///< GuestConfig::sid_bits
  /// #address-cells and #size-cells of the vSMMU node's parent (1 or 2).
  std::uint8_t address_cells = 2;
  std::uint8_t size_cells = 2;
};

namespace detail {

/// A DTS label: [a-zA-Z_][a-zA-Z0-9_]* (dtc's lexer, dtc-lexer.l LABEL).
constexpr bool valid_label(const char* s) noexcept {
  if (s == nullptr) return false;
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  for (std::size_t i = 1; s[i] != '\0'; ++i)
    if (!alpha(s[i]) && !(s[i] >= '0' && s[i] <= '9')) return false;
  return true;
}

constexpr bool same_label(const char* a, const char* b) noexcept {
  std::size_t i = 0;
  while (a[i] != '\0' && a[i] == b[i]) ++i;
  return a[i] == b[i];
}

constexpr FirmwareError check(const DeviceTreeConfig& c) noexcept {
  if (c.address_cells < 1 || c.address_cells > 2 || c.size_cells < 1 || c.size_cells > 2)
    return FirmwareError::bad_argument;
  const std::uint64_t address_space = c.address_cells == 1 ? std::uint64_t{1} << 32 : 0;  // 0: all 64 bits
  if (c.base % smmuv3::reg::kPageSize != 0 || c.base > ~std::uint64_t{0} - smmu_mmio_size + 1 ||
      (address_space != 0 && c.base + smmu_mmio_size > address_space))
    return FirmwareError::bad_argument;
  if (!valid_label(c.label)) return FirmwareError::bad_argument;
  // Neither parent may be the vSMMU itself.
  const char* const parents[] = {c.interrupt_parent, c.msi_parent};
  for (const char* parent : parents)
    if (parent != nullptr && (!valid_label(parent) || same_label(parent, c.label))) return FirmwareError::bad_argument;
  if (c.eventq_spi >= gic_spi_count || c.gerror_spi >= gic_spi_count || c.cmdq_sync_spi >= gic_spi_count ||
      c.eventq_spi == c.gerror_spi || c.eventq_spi == c.cmdq_sync_spi || c.gerror_spi == c.cmdq_sync_spi)
    return FirmwareError::bad_interrupt;
  if (const FirmwareError e = check_rid_mappings(c.rid_map, c.rid_map_count, c.sid_bits); e != FirmwareError::none)
    return e;
  // The vSMMU's own MSIs and a device's would be one DeviceID at the ITS.
  if (c.msi_parent != nullptr && maps_stream(c.rid_map, c.rid_map_count, c.msi_device_id))
    return FirmwareError::overlapping_mappings;
  return FirmwareError::none;
}

/// DTS text through a BoundedOutput.
class DtsText {
 public:
  constexpr DtsText(char* out, std::size_t capacity) noexcept : out_(out, capacity) {}

  constexpr DtsText& str(const char* s) noexcept {
    while (*s != '\0') out_.put(*s++);
    return *this;
  }
  /// Lower-case hexadecimal without leading zeros (dtc's unit-address rule wants none).
  constexpr DtsText& hex_digits(std::uint64_t v) noexcept {
    int shift = 60;
    while (shift > 0 && (v >> shift) == 0) shift -= 4;
    for (; shift >= 0; shift -= 4) out_.put("0123456789abcdef"[(v >> shift) & 0xF]);
    return *this;
  }
  /// One cell, as `0x...`.
  constexpr DtsText& cell(std::uint32_t v) noexcept { return str("0x").hex_digits(v); }
  /// A value of `cells` cells (1 or 2), most significant first, space-separated.
  constexpr DtsText& cells(std::uint64_t v, unsigned count) noexcept {
    if (count == 2) cell(static_cast<std::uint32_t>(v >> 32)).str(" ");
    return cell(static_cast<std::uint32_t>(v));
  }
  constexpr DtsText& indent(unsigned depth) noexcept {
    for (unsigned i = 0; i < depth; ++i) out_.put('\t');
    return *this;
  }
  constexpr FirmwareResult result() const noexcept { return out_.result(); }

 private:
  BoundedOutput<char> out_;
};

/// `name = <rid-base &target out-base length>, ...;` for every mapping (pci-iommu.txt and
/// pci-msi.txt share the shape); the StreamID is the output base of both.
constexpr void write_rid_property(DtsText& t, const DeviceTreeConfig& c, unsigned depth, const char* name,
                                  const char* target) noexcept {
  t.indent(depth).str(name).str(" = ");
  for (std::size_t i = 0; i < c.rid_map_count; ++i) {
    const RidMapping& m = c.rid_map[i];
    if (i != 0) t.str(", ");
    t.str("<").cell(m.rid_base).str(" &").str(target).str(" ").cell(m.sid_base).str(" ").cell(m.count).str(">");
  }
  t.str(";\n");
}

}  // namespace detail

/// The vSMMU node, `depth` tabs in (its parent's properties are at `depth`). The text is not
/// NUL-terminated. Errors: bad_argument (base not 64 KiB aligned or beyond the parent's address
/// cells, cells other than 1 or 2, a label that is not one, a parent labelled as the vSMMU),
/// bad_interrupt (an SPI number >= 988, or two interrupts on one SPI), overlapping_mappings (also:
/// the vSMMU's DeviceID is a device's), and the rid_map errors of check_rid_mappings.
constexpr FirmwareResult write_device_tree_node(const DeviceTreeConfig& c, char* out, std::size_t capacity,
                                                unsigned depth = 1) noexcept {
  if (const FirmwareError e = detail::check(c); e != FirmwareError::none) return {e, 0};
  detail::DtsText t(out, capacity);
  const unsigned in = depth + 1;
  // The unit address is the first reg address (DTSpec §2.2.1); the binding names the node iommu.
  t.indent(depth).str(c.label).str(": iommu@").hex_digits(c.base).str(" {\n");
  t.indent(in).str("compatible = \"arm,smmu-v3\";\n");
  t.indent(in).str("reg = <").cells(c.base, c.address_cells).str(" ").cells(smmu_mmio_size, c.size_cells).str(">;\n");
  if (c.interrupt_parent != nullptr) t.indent(in).str("interrupt-parent = <&").str(c.interrupt_parent).str(">;\n");
  // GIC interrupt specifier: <GIC_SPI(0) number IRQ_TYPE_EDGE_RISING(1)>
  // (bindings/interrupt-controller/arm,gic-v3.yaml).
  t.indent(in).str("interrupts = ");
  const std::uint32_t spis[] = {c.eventq_spi, c.gerror_spi, c.cmdq_sync_spi};
  for (std::size_t i = 0; i < 3; ++i)
    t.str(i == 0 ? "<" : ", <").cell(0).str(" ").cell(spis[i]).str(" ").cell(1).str(">");
  t.str(";\n");
  t.indent(in).str("interrupt-names = \"eventq\", \"gerror\", \"cmdq-sync\";\n");
  if (c.dma_coherent) t.indent(in).str("dma-coherent;\n");
  if (c.msi_parent != nullptr)
    t.indent(in).str("msi-parent = <&").str(c.msi_parent).str(" ").cell(c.msi_device_id).str(">;\n");
  // One cell: the StreamID (arm,smmu-v3.yaml).
  t.indent(in).str("#iommu-cells = <").cell(1).str(">;\n");
  t.indent(depth).str("};\n");
  return t.result();
}

/// The properties of the guest's PCI host bridge node that route its Requester IDs through the
/// vSMMU, `depth` tabs in: iommu-map, and msi-map when `msi_parent` is given. Not NUL-terminated.
/// Errors: those of write_device_tree_node (it checks the same configuration).
constexpr FirmwareResult write_host_bridge_properties(const DeviceTreeConfig& c, char* out, std::size_t capacity,
                                                      unsigned depth = 2) noexcept {
  if (const FirmwareError e = detail::check(c); e != FirmwareError::none) return {e, 0};
  detail::DtsText t(out, capacity);
  detail::write_rid_property(t, c, depth, "iommu-map", c.label);
  if (c.msi_parent != nullptr) detail::write_rid_property(t, c, depth, "msi-map", c.msi_parent);
  return t.result();
}

}  // namespace vsmmu::firmware
