// SPDX-License-Identifier: MIT
// vsmmu/firmware/output.hpp: how the firmware-description writers report, and the bounded
// output they write through.
//
// The writers (device_tree.hpp, iort.hpp) fill a caller's buffer and never allocate. Each
// returns the size the whole description needs whether or not it fit, so a caller can ask with
// no buffer at all (nullptr, 0), allocate, and ask again, and a constant expression can size a
// std::array from the same call.
#pragma once

#include <cstddef>
#include <cstdint>

namespace vsmmu::firmware {

/// Why a description was not produced. Everything but buffer_too_small is a property of the
/// configuration alone: the same configuration fails the same way with any buffer.
enum class FirmwareError : std::uint8_t {
  none,
  buffer_too_small,      ///< `size` is what the description needs; nothing usable was written
  bad_argument,          ///< a field outside what the format encodes (see each writer)
  bad_interrupt,         ///< an interrupt that is not a GIC SPI, or two interrupts on one line
  no_mappings,           ///< no Requester ID reaches the vSMMU: the guest could not use it
  empty_mapping,         ///< a mapping of zero IDs (IORT cannot encode one: its count is N - 1)
  mapping_overflow,      ///< a range past the 16-bit Requester IDs or the guest's StreamIDs
  overlapping_mappings,  ///< two mappings share a Requester ID, or a StreamID
  too_many_mappings,     ///< an IORT node would exceed its 16-bit Length
  msi_without_its,       ///< IORT: an interrupt without a GSIV is an MSI, but no ITS is given
};

/// The outcome of one writer call.
struct FirmwareResult {
  FirmwareError error = FirmwareError::none;
  /// Bytes (characters, for text) the description takes: written on success, needed on
  /// buffer_too_small, 0 on any other error.
  std::size_t size = 0;
  constexpr bool ok() const noexcept { return error == FirmwareError::none; }
  friend constexpr bool operator==(const FirmwareResult&, const FirmwareResult&) = default;
};

namespace detail {

/// Appends to [out, out + capacity) and counts what did not fit, so one pass both writes and
/// measures. `out` may be null when `capacity` is 0.
template <class Char>
class BoundedOutput {
 public:
  constexpr BoundedOutput(Char* out, std::size_t capacity) noexcept : out_(out), capacity_(capacity) {}

  constexpr void put(Char c) noexcept {
    if (size_ < capacity_) out_[size_] = c;
    ++size_;
  }
  constexpr std::size_t size() const noexcept { return size_; }
  constexpr bool fits() const noexcept { return size_ <= capacity_; }

  /// The result of a finished pass: ok with the size, or buffer_too_small with what it needs.
  constexpr FirmwareResult result() const noexcept {
    return {fits() ? FirmwareError::none : FirmwareError::buffer_too_small, size_};
  }

 private:
  Char* out_;
  std::size_t capacity_;
  std::size_t size_ = 0;
};

}  // namespace detail
}  // namespace vsmmu::firmware
