// SPDX-License-Identifier: MIT
// vsmmu/stream_map.hpp: which virtual StreamIDs of a guest are backed by which physical ones.
//
// The hypervisor decides device assignment; the sanitizer only asks. Every physical StreamID
// the sanitizer ever produces comes out of this map, so a guest can name only the physical
// streams it was given. Work that depends on the map (CMD_CFGI_ALL, CMD_CFGI_STE_RANGE) is
// bounded by the number of mappings, never by a guest-chosen range.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

namespace vsmmu {

/// One assigned stream: the StreamID the guest uses and the one the physical SMMU sees.
struct StreamMapping {
  std::uint32_t vsid = 0;
  std::uint32_t psid = 0;
  friend constexpr bool operator==(const StreamMapping&, const StreamMapping&) = default;
};

/// The answer to "is vSID mapped, and to what?".
struct StreamLookup {
  bool mapped = false;
  std::uint32_t psid = 0;
  friend constexpr bool operator==(const StreamLookup&, const StreamLookup&) = default;
};

/// What the sanitizer needs from the hypervisor's vSID -> pSID table:
///   `lookup(vsid)`  the physical StreamID of a virtual one, if mapped;
///   `size()`, `[i]` every mapping, i < size(), in any order (for range invalidations).
/// The two views must agree (`lookup(m[i].vsid).psid == m[i].psid` for every i), each pSID
/// must be one assigned to this guest alone, and the map must not change during one
/// sanitizer call: every pSID the sanitizer emits is taken from it unchecked.
template <class M>
concept StreamMap = requires(const M& m, std::uint32_t vsid, std::size_t i) {
  { m.lookup(vsid) } noexcept -> std::same_as<StreamLookup>;
  { m.size() } noexcept -> std::convertible_to<std::size_t>;
  { m[i] } noexcept -> std::convertible_to<StreamMapping>;
};

/// A ready-made StreamMap for up to N streams, kept sorted by vSID (lookup is a binary search).
/// constexpr throughout, so policies and maps can be checked at compile time.
template <std::size_t N>
class FixedStreamMap {
 public:
  enum class AddResult : std::uint8_t { added, full, duplicate_vsid, duplicate_psid };

  /// Map `vsid` to `psid`. Each vSID and each pSID appears at most once: two virtual streams
  /// on one physical stream would let one guest device's invalidations land on another's.
  constexpr AddResult add(std::uint32_t vsid, std::uint32_t psid) noexcept {
    for (std::size_t i = 0; i < count_; ++i) {
      if (entries_[i].vsid == vsid) return AddResult::duplicate_vsid;
      if (entries_[i].psid == psid) return AddResult::duplicate_psid;
    }
    if (count_ == N) return AddResult::full;
    std::size_t at = count_;
    while (at > 0 && entries_[at - 1].vsid > vsid) {
      entries_[at] = entries_[at - 1];
      --at;
    }
    entries_[at] = {vsid, psid};
    ++count_;
    return AddResult::added;
  }

  /// Remove the mapping of `vsid`; false if there was none.
  constexpr bool remove(std::uint32_t vsid) noexcept {
    const std::size_t at = lower_bound(vsid);
    if (at == count_ || entries_[at].vsid != vsid) return false;
    for (std::size_t i = at; i + 1 < count_; ++i) entries_[i] = entries_[i + 1];
    --count_;
    return true;
  }

  constexpr StreamLookup lookup(std::uint32_t vsid) const noexcept {
    const std::size_t at = lower_bound(vsid);
    if (at == count_ || entries_[at].vsid != vsid) return {};
    return {true, entries_[at].psid};
  }

  constexpr std::size_t size() const noexcept { return count_; }
  constexpr StreamMapping operator[](std::size_t i) const noexcept { return i < count_ ? entries_[i] : StreamMapping{}; }

 private:
  constexpr std::size_t lower_bound(std::uint32_t vsid) const noexcept {
    std::size_t lo = 0;
    std::size_t hi = count_;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      if (entries_[mid].vsid < vsid)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }

  StreamMapping entries_[N > 0 ? N : 1]{};
  std::size_t count_ = 0;
};

static_assert(StreamMap<FixedStreamMap<4>>);

}  // namespace vsmmu
