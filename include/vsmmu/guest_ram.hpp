// SPDX-License-Identifier: MIT
// vsmmu/guest_ram.hpp: which guest physical addresses are the guest's RAM.
//
// The sanitizer asks this before it lets a guest aim an SMMU-originated write (a CMD_SYNC MSI)
// at an address: a guest may only make the vSMMU write memory it owns.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

namespace vsmmu {

/// `contains(ipa, bytes)`: true iff [ipa, ipa + bytes) lies inside memory the guest may have the
/// vSMMU write (normally its RAM; a hypervisor may also admit an emulated MSI doorbell).
template <class R>
concept GuestRam = requires(const R& r, std::uint64_t ipa, std::uint64_t bytes) {
  { r.contains(ipa, bytes) } noexcept -> std::same_as<bool>;
};

/// One contiguous region of guest physical address space, [base, base + size).
struct GuestRamRegion {
  std::uint64_t base = 0;
  std::uint64_t size = 0;

  /// Overflow-safe: a range that wraps past 2^64 is never contained.
  constexpr bool contains(std::uint64_t ipa, std::uint64_t bytes) const noexcept {
    if (ipa < base) return false;
    const std::uint64_t offset = ipa - base;
    return offset <= size && bytes <= size - offset;
  }
};

/// A ready-made GuestRam of up to N regions.
template <std::size_t N>
struct GuestRamRegions {
  GuestRamRegion region[N]{};
  std::size_t count = 0;

  constexpr bool contains(std::uint64_t ipa, std::uint64_t bytes) const noexcept {
    for (std::size_t i = 0; i < count && i < N; ++i)
      if (region[i].contains(ipa, bytes)) return true;
    return false;
  }
};

static_assert(GuestRam<GuestRamRegion>);
static_assert(GuestRam<GuestRamRegions<2>>);

}  // namespace vsmmu
