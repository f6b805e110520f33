// Tests for include/vsmmu/stream_map.hpp and include/vsmmu/guest_ram.hpp.
#include "vsmmu/stream_map.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "support/splitmix64.hpp"
#include "vsmmu/guest_ram.hpp"

namespace {

using vsmmu::FixedStreamMap;
using Add = FixedStreamMap<4>::AddResult;

constexpr FixedStreamMap<4> make_map() {
  FixedStreamMap<4> m;
  m.add(0x30, 0x1030);
  m.add(0x10, 0x1010);
  m.add(0x20, 0x1020);
  return m;
}
static_assert(make_map().lookup(0x20) == vsmmu::StreamLookup{true, 0x1020});
static_assert(!make_map().lookup(0x21).mapped);

TEST(FixedStreamMap, LooksUpMappedStreamsOnly) {
  const auto m = make_map();
  EXPECT_EQ(m.lookup(0x10), (vsmmu::StreamLookup{true, 0x1010}));
  EXPECT_EQ(m.lookup(0x30), (vsmmu::StreamLookup{true, 0x1030}));
  for (std::uint32_t vsid : {0u, 0x0Fu, 0x11u, 0x31u, 0xFFFF'FFFFu}) EXPECT_FALSE(m.lookup(vsid).mapped) << vsid;
}

TEST(FixedStreamMap, EnumeratesInVsidOrder) {
  const auto m = make_map();
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0], (vsmmu::StreamMapping{0x10, 0x1010}));
  EXPECT_EQ(m[1], (vsmmu::StreamMapping{0x20, 0x1020}));
  EXPECT_EQ(m[2], (vsmmu::StreamMapping{0x30, 0x1030}));
  EXPECT_EQ(m[3], vsmmu::StreamMapping{});  // out of range: a harmless empty value, never UB
}

TEST(FixedStreamMap, OnePhysicalStreamPerVirtualStreamAndBack) {
  auto m = make_map();
  EXPECT_EQ(m.add(0x10, 0x2000), Add::duplicate_vsid);
  EXPECT_EQ(m.add(0x40, 0x1010), Add::duplicate_psid);
  EXPECT_EQ(m.add(0x40, 0x1040), Add::added);
  EXPECT_EQ(m.add(0x50, 0x1050), Add::full);
  EXPECT_EQ(m.size(), 4u);
}

TEST(FixedStreamMap, RemoveUnmaps) {
  auto m = make_map();
  EXPECT_TRUE(m.remove(0x20));
  EXPECT_FALSE(m.remove(0x20));
  EXPECT_FALSE(m.lookup(0x20).mapped);
  EXPECT_EQ(m.size(), 2u);
  EXPECT_EQ(m[1], (vsmmu::StreamMapping{0x30, 0x1030}));
  EXPECT_EQ(m.add(0x25, 0x1020), Add::added);  // the freed pSID may be given again
}

// lookup is a branchless binary search in steps fixed by N; these check it against the plain
// definition (a scan of the enumerated mappings) for every capacity shape: N a power of two,
// one more and one less, every fill level, vSIDs at both ends of the 32-bit range, and every
// vSID a guest could name next to a mapped one.

/// The definition lookup must agree with: scan the mappings the map enumerates.
template <std::size_t N>
vsmmu::StreamLookup scan(const FixedStreamMap<N>& m, std::uint32_t vsid) {
  for (std::size_t i = 0; i < m.size(); ++i)
    if (m[i].vsid == vsid) return {true, m[i].psid};
  return {};
}

/// Every vSID worth asking about: each mapped one, its neighbours, and the ends of the range.
template <std::size_t N>
std::vector<std::uint32_t> probes(const FixedStreamMap<N>& m) {
  std::vector<std::uint32_t> v{0, 1, 0x7FFF'FFFF, 0x8000'0000, 0xFFFF'FFFE, 0xFFFF'FFFF};
  for (std::size_t i = 0; i < m.size(); ++i)
    for (std::uint32_t d : {0xFFFF'FFFFu, 0u, 1u}) v.push_back(m[i].vsid + d);  // wraps at the ends
  return v;
}

template <std::size_t N>
void expect_lookup_is_a_scan(const FixedStreamMap<N>& m) {
  for (std::uint32_t vsid : probes(m))
    ASSERT_EQ(m.lookup(vsid), scan(m, vsid)) << "N " << N << ", size " << m.size() << ", vSID " << vsid;
}

/// Fills a map of capacity N one mapping at a time (vSIDs `first + stride * i`, added from the
/// highest i down, so that insertions shift the entries after them), checking lookup at every
/// fill level, then empties it again from the middle, checking at every level.
template <std::size_t N>
void fill_and_drain(std::uint32_t first, std::uint32_t stride) {
  FixedStreamMap<N> m;
  expect_lookup_is_a_scan(m);
  for (std::size_t i = N; i-- > 0;) {
    const auto vsid = static_cast<std::uint32_t>(first + stride * i);
    ASSERT_EQ(m.add(vsid, 0x1000 + static_cast<std::uint32_t>(i)), FixedStreamMap<N>::AddResult::added);
    expect_lookup_is_a_scan(m);
  }
  while (m.size() != 0) {
    ASSERT_TRUE(m.remove(m[m.size() / 2].vsid));
    expect_lookup_is_a_scan(m);
  }
}

TEST(FixedStreamMap, LookupAgreesWithAScanAtEveryCapacityAndFill) {
  for (std::uint32_t stride : {1u, 2u, 0x10u, 0x1111'1111u}) {
    fill_and_drain<1>(0, stride);
    fill_and_drain<2>(8, stride);
    fill_and_drain<3>(0, stride);
    fill_and_drain<4>(5, stride);
    fill_and_drain<5>(0, stride);
    fill_and_drain<7>(3, stride);
    fill_and_drain<8>(0, stride);
    fill_and_drain<9>(1, stride);
    fill_and_drain<16>(0, stride);
    fill_and_drain<17>(0x10, stride);
  }
}

TEST(FixedStreamMap, LookupAtBothEndsOfTheStreamIdRange) {
  FixedStreamMap<4> m;
  ASSERT_EQ(m.add(0xFFFF'FFFF, 0x2), Add::added);
  ASSERT_EQ(m.add(0, 0x1), Add::added);
  EXPECT_EQ(m.lookup(0), (vsmmu::StreamLookup{true, 0x1}));
  EXPECT_EQ(m.lookup(0xFFFF'FFFF), (vsmmu::StreamLookup{true, 0x2}));
  EXPECT_FALSE(m.lookup(1).mapped);
  EXPECT_FALSE(m.lookup(0xFFFF'FFFE).mapped);
  expect_lookup_is_a_scan(m);
}

// remove() leaves the old last entry behind, past size(): lookup must never see it.
TEST(FixedStreamMap, LookupNeverSeesARemovedMappingLeftPastTheEnd) {
  auto m = make_map();
  ASSERT_TRUE(m.remove(0x30));
  EXPECT_FALSE(m.lookup(0x30).mapped);
  ASSERT_TRUE(m.remove(0x10));
  EXPECT_FALSE(m.lookup(0x10).mapped);
  EXPECT_FALSE(m.lookup(0x30).mapped);
  EXPECT_EQ(m.lookup(0x20), (vsmmu::StreamLookup{true, 0x1020}));
  ASSERT_TRUE(m.remove(0x20));
  for (std::uint32_t vsid : {0x10u, 0x20u, 0x30u, 0u}) EXPECT_FALSE(m.lookup(vsid).mapped) << vsid;
  EXPECT_FALSE(m.remove(0x20));
}

TEST(FixedStreamMap, LookupAgreesWithAScanOnRandomMaps) {
  vsmmu_test::SplitMix64 g{0x57EA'3A11};
  for (int round = 0; round < 2000; ++round) {
    FixedStreamMap<16> m;
    // Clustered vSIDs (the common case: a few devices close together) or anywhere in the range.
    const bool clustered = g.below(2) == 0;
    const std::uint32_t base = static_cast<std::uint32_t>(g.next());
    const std::uint32_t want = g.below(17);
    for (std::uint32_t i = 0; m.size() < want && i < 64; ++i) {
      const std::uint32_t vsid = clustered ? base + g.below(32) : static_cast<std::uint32_t>(g.next());
      m.add(vsid, 0x1000 + i);  // duplicates are refused; the map stays consistent either way
    }
    expect_lookup_is_a_scan(m);
    for (int k = 0; k < 16; ++k) {
      const auto vsid = static_cast<std::uint32_t>(g.next());
      ASSERT_EQ(m.lookup(vsid), scan(m, vsid)) << vsid;
    }
  }
}

/// The search in a constant expression: every mapped vSID and every gap of a full map of 16.
constexpr bool full_map_looks_up_exactly() {
  FixedStreamMap<16> m;
  for (std::uint32_t i = 0; i < 16; ++i) m.add(0x100 - 0x10 * i, 0x2000 + i);
  for (std::uint32_t i = 0; i < 16; ++i) {
    const std::uint32_t vsid = 0x100 - 0x10 * i;
    if (m.lookup(vsid) != vsmmu::StreamLookup{true, 0x2000 + i}) return false;
    if (m.lookup(vsid + 1).mapped || m.lookup(vsid - 1).mapped) return false;
  }
  return !m.lookup(0).mapped && !m.lookup(0xFFFF'FFFF).mapped;
}
static_assert(full_map_looks_up_exactly());
static_assert(!FixedStreamMap<3>{}.lookup(0).mapped);  // an empty map maps nothing, vSID 0 included

TEST(GuestRamRegion, ContainsIsExactAtBothEnds) {
  constexpr vsmmu::GuestRamRegion r{0x4000'0000, 0x1000};
  static_assert(r.contains(0x4000'0000, 0x1000));
  EXPECT_TRUE(r.contains(0x4000'0FFC, 4));
  EXPECT_FALSE(r.contains(0x4000'0FFD, 4));
  EXPECT_FALSE(r.contains(0x3FFF'FFFC, 4));
  EXPECT_TRUE(r.contains(0x4000'1000, 0));
  EXPECT_FALSE(r.contains(0x4000'1001, 0));
}

TEST(GuestRamRegion, NoOverflowAtTheTopOfTheAddressSpace) {
  constexpr auto kMax = std::numeric_limits<std::uint64_t>::max();
  const vsmmu::GuestRamRegion r{0xFFFF'FFFF'FFFF'F000, 0x1000};
  EXPECT_TRUE(r.contains(0xFFFF'FFFF'FFFF'FFFC, 4));
  EXPECT_FALSE(r.contains(0xFFFF'FFFF'FFFF'FFFC, 8));
  EXPECT_FALSE(r.contains(kMax, kMax));
  const vsmmu::GuestRamRegion low{0, 0x1000};
  EXPECT_FALSE(low.contains(0x10, kMax));
}

TEST(GuestRamRegions, AnyRegionCounts) {
  vsmmu::GuestRamRegions<2> ram;
  ram.region[0] = {0x4000'0000, 0x1000};
  ram.region[1] = {0x8000'0000, 0x1000};
  EXPECT_FALSE(ram.contains(0x8000'0000, 4));  // count still 0
  ram.count = 2;
  EXPECT_TRUE(ram.contains(0x8000'0000, 4));
  EXPECT_TRUE(ram.contains(0x4000'0000, 4));
  EXPECT_FALSE(ram.contains(0x6000'0000, 4));
  // A range spanning both regions is not contained: the hole between them is not RAM.
  ram.region[1] = {0x4000'1000, 0x1000};
  EXPECT_FALSE(ram.contains(0x4000'0FFC, 8));
  ram.count = 7;  // a corrupted count never reads past the array
  EXPECT_TRUE(ram.contains(0x4000'1000, 4));
}

}  // namespace
