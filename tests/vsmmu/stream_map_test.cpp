// Tests for include/vsmmu/stream_map.hpp and include/vsmmu/guest_ram.hpp.
#include "vsmmu/stream_map.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

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
