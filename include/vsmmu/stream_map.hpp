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

/// A ready-made StreamMap for up to N streams, kept sorted by vSID. lookup is a binary search
/// without branches on the data, in steps fixed by N (`last_not_above`): every guest command
/// that names a StreamID (CMD_CFGI_STE, CMD_CFGI_CD, CMD_ATC_INV, ...) pays for it, and a search
/// that branched on the vSID would mispredict whenever the guest alternates between its devices.
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
    if (count_ == 0) return false;
    const std::size_t at = last_not_above(vsid);
    if (entries_[at].vsid != vsid) return false;
    for (std::size_t i = at; i + 1 < count_; ++i) entries_[i] = entries_[i + 1];
    --count_;
    return true;
  }

  /// Always inlined: a few instructions per step, and g++ 12 otherwise inlines it into some of
  /// the sanitizer's paths and calls it, with its arguments spilled, from others.
  [[gnu::always_inline]] constexpr StreamLookup lookup(std::uint32_t vsid) const noexcept {
    if (count_ == 0) return {};
    const StreamMapping e = entries_[last_not_above(vsid)];
    const bool hit = e.vsid == vsid;
    return {hit, hit ? e.psid : 0};
  }

  constexpr std::size_t size() const noexcept { return count_; }
  constexpr StreamMapping operator[](std::size_t i) const noexcept { return i < count_ ? entries_[i] : StreamMapping{}; }

 private:
  /// The largest power of two <= n - 1 (0 for n <= 1): the first step of last_not_above, so
  /// that its steps add up to at least n - 1, the last index.
  static constexpr std::size_t first_step(std::size_t n) noexcept {
    std::size_t step = 1;
    while (n > 1 && step <= (n - 1) / 2) step *= 2;
    return n > 1 ? step : 0;
  }

  /// The index of the last entry whose vSID is <= `vsid`, or 0 if there is none (the caller
  /// compares entries_[result] with vsid). Needs count_ >= 1. Binary lifting: each step moves
  /// to index + step, clamped to the last entry, when that entry is still <= vsid. The steps are
  /// the powers of two below N whatever count_ and vsid are, so the loop runs log2(N) times, a
  /// trip count no guest can change, and each step selects with a mask rather than with
  /// `at = cond ? k : at`, which g++ 12 turns into a branch on the comparison. No index ever
  /// reaches count_: entries past it (a removed mapping's old slot) are never read.
  constexpr std::size_t last_not_above(std::uint32_t vsid) const noexcept {
    const std::size_t last = count_ - 1;
    std::size_t at = 0;
    for (std::size_t step = first_step(N); step != 0; step /= 2) {
      const std::size_t k = at + step < last ? at + step : last;
      const std::size_t take = std::size_t{0} - static_cast<std::size_t>(entries_[k].vsid <= vsid);
      at += (k - at) & take;
    }
    return at;
  }

  StreamMapping entries_[N > 0 ? N : 1]{};
  std::size_t count_ = 0;
};

static_assert(StreamMap<FixedStreamMap<4>>);

}  // namespace vsmmu
