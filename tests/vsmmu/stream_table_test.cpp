// Tests for include/vsmmu/stream_table.hpp: how SMMU_STRTAB_BASE / _CFG are read
// (stream_table_geometry, §6.3.24-§6.3.25) and the guest Stream table walk (fetch_guest_ste,
// §3.3.2, §5.1, §7.3.3-§7.3.4): index arithmetic at the boundaries, invalid L1STDs, aborts, and
// exactly which guest memory is read. Then 2-level tables end to end through the Device.
#include "vsmmu/stream_table.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "smmuv3/command.hpp"
#include "smmuv3/l1_descriptor.hpp"
#include "smmuv3/registers/offsets.hpp"
#include "smmuv3/registers/queue_registers.hpp"
#include "smmuv3/ste.hpp"
#include "support/guest_driver.hpp"
#include "support/test_traits.hpp"
#include "vsmmu/device.hpp"
#include "vsmmu/policy.hpp"

namespace {

using smmuv3::Words;
using vsmmu::SteFetchVerdict;
using vsmmu::StreamTableGeometry;
using vsmmu_test::GuestDriver;
using vsmmu_test::GuestLayout;
using vsmmu_test::TestTraits;
using Read = std::pair<std::uint64_t, std::size_t>;

constexpr std::uint64_t R = TestTraits::kRamBase;

constexpr vsmmu::HostIdrs kHost{0x0d40101b, 0x02730010, 0x00001404, 0x00000074, 0x1};

// Guest OAS 40 bits, 16-bit StreamIDs, 2-level tables unless asked otherwise.
constexpr vsmmu::Policy policy(std::uint8_t sid_bits = 16, bool two_level = true) {
  vsmmu::GuestConfig c{};
  c.sid_bits = sid_bits;
  c.two_level_stream_table = two_level;
  return vsmmu::make_policy(kHost, c).policy;
}

constexpr std::uint32_t cfg(unsigned log2size, bool two_level = false, unsigned split = 0) {
  namespace f = smmuv3::reg::strtab_base_cfg;
  std::uint64_t v = f::Log2Size::insert(0, log2size);
  if (two_level) v = f::Split::insert(f::Fmt::insert(v, 1), split);
  return static_cast<std::uint32_t>(v);
}

constexpr std::uint64_t l1std(std::uint64_t l2, std::uint8_t span) {
  return smmuv3::encode(smmuv3::L1StreamTableDescriptor{span, l2}).words[0];
}

// A recognisable STE for StreamID `sid`: V, stage 1, S1ContextPtr naming the sid.
Words<8> ste_for(std::uint32_t sid) {
  smmuv3::Ste s{};
  s.v = true;
  s.config = smmuv3::SteConfig::s1_trans;
  s.s1_context_ptr = 0x1000'0000 + std::uint64_t{sid} * 64;
  return smmuv3::encode(s).words;
}

// ----- stream_table_geometry ------------------------------------------------------------------

// §6.3.25 LOG2SIZE: "the effective LOG2SIZE is MIN(LOG2SIZE, SMMU_IDR1.SIDSIZE) for the
// purposes of input StreamID range checking and ... index address calculation".
TEST(StreamTable, Log2SizeIsCappedAtSidsize) {
  EXPECT_EQ(vsmmu::stream_table_geometry(policy(8), R, cfg(12)).log2size, 8u);
  EXPECT_EQ(vsmmu::stream_table_geometry(policy(8), R, cfg(8)).log2size, 8u);
  EXPECT_EQ(vsmmu::stream_table_geometry(policy(8), R, cfg(5)).log2size, 5u);
  EXPECT_EQ(vsmmu::stream_table_geometry(policy(16), R, cfg(63, true, 8)).log2size, 16u);
  EXPECT_EQ(vsmmu::stream_table_geometry(policy(32), R, cfg(63)).log2size, 32u);
}

// §6.3.25 SPLIT: "6, 8 or 10 ... other values are reserved, behave as 6".
TEST(StreamTable, ReservedSplitValuesBehaveAsSix) {
  for (unsigned split = 0; split < 32; ++split) {
    const StreamTableGeometry g = vsmmu::stream_table_geometry(policy(), R, cfg(16, true, split));
    EXPECT_TRUE(g.two_level);
    EXPECT_EQ(g.split, split == 8 || split == 10 ? split : 6u) << split;
  }
}

// §6.3.25: FMT and SPLIT are RES0 when SMMU_IDR0.ST_LEVEL == 0b00: a linear-only SMMU uses a
// linear table whatever FMT holds; the register file does not even keep the bits.
TEST(StreamTable, LinearOnlyGuestIgnoresFmt) {
  const StreamTableGeometry g = vsmmu::stream_table_geometry(policy(16, false), R, cfg(8, true, 8));
  EXPECT_FALSE(g.two_level);
  EXPECT_EQ(g.split, 0u);
  EXPECT_EQ(g.log2size, 8u);
  // A Reserved FMT (0b10) on a 2-level SMMU is linear here.
  const std::uint32_t fmt2 = static_cast<std::uint32_t>(smmuv3::reg::strtab_base_cfg::Fmt::insert(cfg(8), 2));
  EXPECT_FALSE(vsmmu::stream_table_geometry(policy(), R, fmt2).two_level);

  TestTraits t;
  vsmmu::Device<TestTraits> dev(t, policy(16, false));
  dev.write(smmuv3::reg::offset::kStrtabBaseCfg, cfg(8, true, 8), 4);
  EXPECT_EQ(dev.read(smmuv3::reg::offset::kStrtabBaseCfg, 4), 8u);
}

// §6.3.24 ADDR, linear table: "aligned by the SMMU to the table size ... ADDR[LOG2SIZE + 5:0]
// = 0"; 2-level: "to the larger of 64 bytes or the first-level table size ...
// ADDR[MAX(5, (LOG2SIZE - SPLIT - 1 + 3)):0] = 0".
TEST(StreamTable, BaseIsAlignedAsSection6_3_24Says) {
  struct Case {
    std::uint32_t cfg;
    std::uint64_t addr, base;
  };
  const Case cases[] = {
      {cfg(0), R + 0x40, R + 0x40},             // one STE: 64 bytes
      {cfg(4), R + 0x3C0, R},                   // 16 STEs: 1 KiB
      {cfg(4), R + 0x400 + 0x3C0, R + 0x400},   //
      {cfg(10), R + 0xF'FFC0, R + 0xF'0000},    // 64 KiB
      {cfg(16, true, 8), R + 0x7C0, R},         // 256 L1STDs: 2 KiB
      {cfg(16, true, 8), R + 0x800, R + 0x800},  //
      {cfg(16, true, 10), R + 0x1C0, R},        // 64 L1STDs: 512 bytes
      {cfg(8, true, 8), R + 0x40, R + 0x40},    // one L1STD: 64 bytes
      {cfg(6, true, 10), R + 0x40, R + 0x40},   // SPLIT > LOG2SIZE: one L1STD
      {cfg(12, true, 6), R + 0x1C0, R},         // 64 L1STDs: 512 bytes
  };
  for (const Case& c : cases) {
    const StreamTableGeometry g = vsmmu::stream_table_geometry(policy(), c.addr, c.cfg);
    EXPECT_EQ(g.base, c.base) << std::hex << "cfg " << c.cfg << " addr " << c.addr;
    EXPECT_FALSE(g.base_above_oas);
  }
  // Bits [5:0] and the RA hint are never part of the address.
  const std::uint64_t ra = std::uint64_t{1} << 62;
  EXPECT_EQ(vsmmu::stream_table_geometry(policy(), ra | (R + 0x3F), cfg(0)).base, R);
}

// §6.3.24: "The alignment of ADDR is affected by the literal value of the respective
// SMMU_STRTAB_BASE_CFG.LOG2SIZE field and is not limited by SIDSIZE." SIDSIZE 8 with LOG2SIZE
// 12: a linear table is aligned to 2^(12+6) bytes although only 2^8 STEs are reachable.
TEST(StreamTable, BaseAlignmentUsesTheLiteralLog2SizeNotSidsize) {
  const StreamTableGeometry linear = vsmmu::stream_table_geometry(policy(8), R + 0x1'0000, cfg(12));
  EXPECT_EQ(linear.log2size, 8u);
  EXPECT_EQ(linear.base, R);
  // 2-level, SPLIT 6: ADDR[MAX(5, 12 - 6 - 1 + 3):0] = ADDR[8:0].
  const StreamTableGeometry two = vsmmu::stream_table_geometry(policy(8), R + 0x100, cfg(12, true, 6));
  EXPECT_EQ(two.base, R);
}

// §3.4.3: a Stream table base above the OAS makes every Stream table fetch out of range.
TEST(StreamTable, BaseAboveTheOasIsFlaggedAndNeverRead) {
  const vsmmu::Policy p = policy();
  ASSERT_EQ(smmuv3::reg::oas_bits(p.idr.idr5.oas), 40u);
  EXPECT_FALSE(vsmmu::stream_table_geometry(p, (std::uint64_t{1} << 40) - 0x800, cfg(16, true, 8)).base_above_oas);
  const StreamTableGeometry g = vsmmu::stream_table_geometry(p, std::uint64_t{1} << 40, cfg(16, true, 8));
  EXPECT_TRUE(g.base_above_oas);
  TestTraits t;
  const vsmmu::SteFetch f = vsmmu::fetch_guest_ste(p, g, 5, t);
  EXPECT_EQ(f.verdict, SteFetchVerdict::ste_fetch);
  EXPECT_EQ(f.fetch_addr, std::uint64_t{1} << 40);
  EXPECT_TRUE(t.reads.empty());
}

// ----- fetch_guest_ste: linear tables ---------------------------------------------------------

// §3.3.2.1: STE address = base + StreamID * 64; StreamID >= 2^LOG2SIZE is C_BAD_STREAMID
// (§6.3.25), decided without reading memory.
TEST(StreamTable, LinearIndexAtTheBoundaries) {
  const vsmmu::Policy p = policy();
  const std::uint64_t base = R + 0x1'0000;
  const StreamTableGeometry g = vsmmu::stream_table_geometry(p, base, cfg(4));
  TestTraits t;
  for (std::uint32_t sid = 0; sid < 16; ++sid) t.poke(base + 64 * sid, ste_for(sid));
  for (const std::uint32_t sid : {0u, 1u, 14u, 15u}) {
    t.reads.clear();
    const vsmmu::SteFetch f = vsmmu::fetch_guest_ste(p, g, sid, t);
    EXPECT_EQ(f.verdict, SteFetchVerdict::found) << sid;
    EXPECT_EQ(f.ste, ste_for(sid));
    EXPECT_EQ(f.fetch_addr, base + 64 * sid);
    EXPECT_EQ(f.reason, nullptr);
    EXPECT_EQ(t.reads, (std::vector<Read>{{base + 64 * sid, 64}}));
  }
  for (const std::uint32_t sid : {16u, 17u, 0xFFFFu, 0xFFFF'FFFFu}) {
    t.reads.clear();
    const vsmmu::SteFetch f = vsmmu::fetch_guest_ste(p, g, sid, t);
    EXPECT_EQ(f.verdict, SteFetchVerdict::bad_streamid) << sid;
    EXPECT_NE(f.reason, nullptr);
    EXPECT_TRUE(t.reads.empty());
  }
}

// §7.3.4: an aborted STE fetch is F_STE_FETCH with the STE's address.
TEST(StreamTable, LinearSteAbortIsSteFetchAtTheSte) {
  const vsmmu::Policy p = policy();
  const std::uint64_t base = R + 0x1'0000;
  const StreamTableGeometry g = vsmmu::stream_table_geometry(p, base, cfg(4));
  TestTraits t;
  t.read_aborts.push_back({base + 64 * 3 + 63, base + 64 * 3 + 63});
  const vsmmu::SteFetch f = vsmmu::fetch_guest_ste(p, g, 3, t);
  EXPECT_EQ(f.verdict, SteFetchVerdict::ste_fetch);
  EXPECT_EQ(f.fetch_addr, base + 64 * 3);
  EXPECT_EQ(t.reads, (std::vector<Read>{{base + 64 * 3, 64}}));
  EXPECT_EQ(vsmmu::fetch_guest_ste(p, g, 4, t).verdict, SteFetchVerdict::found);
}

// ----- fetch_guest_ste: 2-level tables --------------------------------------------------------

struct TwoLevel {
  vsmmu::Policy p = policy();
  std::uint64_t l1 = R + 0x1'0000;
  StreamTableGeometry g;
  TestTraits t;
  explicit TwoLevel(unsigned log2size = 8, unsigned split = 6) : g(vsmmu::stream_table_geometry(p, l1, cfg(log2size, true, split))) {}
  std::uint64_t l1_addr(std::uint32_t sid) const { return l1 + 8 * std::uint64_t{sid >> g.split}; }
  std::uint64_t l2_for(std::uint32_t l1_index) const { return R + 0x10'0000 + std::uint64_t{l1_index} * 0x1'0000; }
  void set_l1(std::uint32_t l1_index, std::uint8_t span) { t.poke64(l1 + 8 * l1_index, l1std(l2_for(l1_index), span)); }
  vsmmu::SteFetch fetch(std::uint32_t sid) {
    t.reads.clear();
    return vsmmu::fetch_guest_ste(p, g, sid, t);
  }
};

// §3.3.2.2: L1STD index StreamID[LOG2SIZE-1:SPLIT], L2 index StreamID[SPLIT-1:0]; exactly one
// L1STD read and one STE read.
TEST(StreamTable, TwoLevelIndexAtTheBoundaries) {
  TwoLevel s(8, 6);  // 4 L1STDs of 64 STEs
  for (std::uint32_t i = 0; i < 4; ++i) {
    s.set_l1(i, 7);  // Span 7 = SPLIT + 1: 64 STEs
    for (std::uint32_t k = 0; k < 64; ++k) s.t.poke(s.l2_for(i) + 64 * k, ste_for(i * 64 + k));
  }
  for (const std::uint32_t sid : {0u, 1u, 0x3Fu, 0x40u, 0x41u, 0x7Fu, 0x80u, 0xC0u, 0xFFu}) {
    const vsmmu::SteFetch f = s.fetch(sid);
    ASSERT_EQ(f.verdict, SteFetchVerdict::found) << sid;
    EXPECT_EQ(f.ste, ste_for(sid)) << sid;
    const std::uint64_t ste = s.l2_for(sid >> 6) + 64 * (sid & 0x3F);
    EXPECT_EQ(f.fetch_addr, ste);
    EXPECT_EQ(s.t.reads, (std::vector<Read>{{s.l1_addr(sid), 8}, {ste, 64}})) << sid;
  }
  for (const std::uint32_t sid : {0x100u, 0x1FFu, 0x8000'0000u}) {
    EXPECT_EQ(s.fetch(sid).verdict, SteFetchVerdict::bad_streamid) << sid;
    EXPECT_TRUE(s.t.reads.empty());
  }
}

// §5.1 Span: 0 -> "the StreamIDs matching this descriptor are all invalid"; 12..31 "Reserved,
// behaves as 0"; §7.3.3 (2c): Span > SPLIT + 1 -> C_BAD_STREAMID. Only the L1STD is read.
TEST(StreamTable, InvalidSpanIsBadStreamid) {
  for (const std::uint8_t span : {0, 8, 9, 11, 12, 13, 20, 31}) {
    TwoLevel s(8, 6);
    s.set_l1(1, span);
    const vsmmu::SteFetch f = s.fetch(0x45);
    EXPECT_EQ(f.verdict, SteFetchVerdict::bad_streamid) << int{span};
    EXPECT_NE(f.reason, nullptr);
    EXPECT_EQ(s.t.reads, (std::vector<Read>{{s.l1_addr(0x45), 8}})) << int{span};
  }
  // Span 1..SPLIT+1 are usable.
  for (std::uint8_t span = 1; span <= 7; ++span) {
    TwoLevel s(8, 6);
    s.set_l1(1, span);
    EXPECT_EQ(s.fetch(0x40).verdict, SteFetchVerdict::found) << int{span};
  }
}

// §7.3.3 (2d): StreamID[SPLIT-1:0] >= 2^(Span-1) is C_BAD_STREAMID: the Level 2 array holds
// only 2^(Span-1) STEs, and nothing past it is read.
TEST(StreamTable, L2IndexBeyondTheSpanIsBadStreamid) {
  TwoLevel s(8, 6);
  s.set_l1(2, 3);  // 4 STEs
  EXPECT_EQ(s.fetch(0x80 + 3).verdict, SteFetchVerdict::found);
  EXPECT_EQ(s.t.reads.size(), 2u);
  for (const std::uint32_t sid : {0x80u + 4, 0x80u + 5, 0x80u + 63}) {
    EXPECT_EQ(s.fetch(sid).verdict, SteFetchVerdict::bad_streamid) << sid;
    EXPECT_EQ(s.t.reads, (std::vector<Read>{{s.l1_addr(sid), 8}}));
  }
  s.set_l1(2, 1);  // 1 STE
  EXPECT_EQ(s.fetch(0x80).verdict, SteFetchVerdict::found);
  EXPECT_EQ(s.fetch(0x81).verdict, SteFetchVerdict::bad_streamid);
}

// §5.1 L2Ptr: "Bits L2Ptr[N:0] are treated as 0 by the SMMU, where N == 5 + (Span - 1)".
TEST(StreamTable, L2PtrLowBitsAreIgnored) {
  TwoLevel s(8, 6);
  s.t.poke64(s.l1 + 8, l1std(s.l2_for(1) + 0xC0, 3));  // 4 STEs: 256 bytes, L2Ptr[7:6] ignored
  const vsmmu::SteFetch f = s.fetch(0x42);
  EXPECT_EQ(f.verdict, SteFetchVerdict::found);
  EXPECT_EQ(f.fetch_addr, s.l2_for(1) + 2 * 64);
}

// IHI 0070 ch. 5: a structure with RES0 bits set may be treated as invalid; this implementation
// does (the StreamIDs under such an L1STD are invalid).
TEST(StreamTable, L1StdWithRes0BitsIsBadStreamid) {
  TwoLevel s(8, 6);
  s.t.poke64(s.l1, l1std(s.l2_for(0), 7) | (1u << 5));
  EXPECT_EQ(s.fetch(0).verdict, SteFetchVerdict::bad_streamid);
  s.t.poke64(s.l1, l1std(s.l2_for(0), 7) | (std::uint64_t{1} << 60));
  EXPECT_EQ(s.fetch(0).verdict, SteFetchVerdict::bad_streamid);
}

// §7.3.4 F_STE_FETCH: an abort on the L1STD (FetchAddr = the L1STD's address) or on the STE
// (the STE's address); §3.4.3: an L2Ptr above the OAS is out of range (F_STE_FETCH, reported at
// the L1STD that holds it, the last address in range), and nothing beyond it is read.
TEST(StreamTable, AbortsAndOutOfRangeL2PtrAreSteFetch) {
  {
    TwoLevel s(8, 6);
    s.set_l1(1, 7);
    s.t.read_aborts.push_back({s.l1_addr(0x41), s.l1_addr(0x41)});
    const vsmmu::SteFetch f = s.fetch(0x41);
    EXPECT_EQ(f.verdict, SteFetchVerdict::ste_fetch);
    EXPECT_EQ(f.fetch_addr, s.l1_addr(0x41));
    EXPECT_EQ(s.t.reads, (std::vector<Read>{{s.l1_addr(0x41), 8}}));
  }
  {
    TwoLevel s(8, 6);
    s.set_l1(1, 7);
    const std::uint64_t ste = s.l2_for(1) + 64;
    s.t.read_aborts.push_back({ste + 32, ste + 32});
    const vsmmu::SteFetch f = s.fetch(0x41);
    EXPECT_EQ(f.verdict, SteFetchVerdict::ste_fetch);
    EXPECT_EQ(f.fetch_addr, ste);
    EXPECT_EQ(s.t.reads, (std::vector<Read>{{s.l1_addr(0x41), 8}, {ste, 64}}));
  }
  {
    TwoLevel s(8, 6);
    s.t.poke64(s.l1 + 8, l1std(std::uint64_t{1} << 40, 7));
    const vsmmu::SteFetch f = s.fetch(0x41);
    EXPECT_EQ(f.verdict, SteFetchVerdict::ste_fetch);
    EXPECT_EQ(f.fetch_addr, s.l1_addr(0x41));
    EXPECT_EQ(s.t.reads, (std::vector<Read>{{s.l1_addr(0x41), 8}}));
    s.t.poke64(s.l1 + 8, l1std((std::uint64_t{1} << 40) - 0x1'0000, 7));  // just below: read
    EXPECT_EQ(s.fetch(0x41).verdict, SteFetchVerdict::ste_fetch);      // (not RAM: aborts)
    EXPECT_EQ(s.t.reads.size(), 2u);
  }
}

// SPLIT >= LOG2SIZE (§6.3.25 note): one L1STD covers the whole table.
TEST(StreamTable, SplitAtLeastLog2SizeUsesOneL1Std) {
  TwoLevel s(6, 8);
  s.set_l1(0, 9);
  s.t.poke(s.l2_for(0) + 63 * 64, ste_for(63));
  const vsmmu::SteFetch f = s.fetch(63);
  ASSERT_EQ(f.verdict, SteFetchVerdict::found);
  EXPECT_EQ(f.ste, ste_for(63));
  EXPECT_EQ(s.t.reads.front(), (Read{s.l1, 8}));
  EXPECT_EQ(s.fetch(64).verdict, SteFetchVerdict::bad_streamid);
}

// ----- fetch_guest_ste in a constant expression -----------------------------------------------

// A guest memory of 1 KiB at 0x1000, readable in constant expressions, counting reads.
struct ConstexprMem {
  static constexpr std::uint64_t kBase = 0x1000;
  unsigned char bytes[1024]{};
  int reads = 0;
  constexpr void poke64(std::uint64_t ipa, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) bytes[ipa - kBase + i] = static_cast<unsigned char>(v >> (8 * i));
  }
  constexpr bool read_guest(std::uint64_t ipa, unsigned char* dst, std::size_t n) noexcept {
    ++reads;
    if (ipa < kBase || n > sizeof bytes || ipa - kBase > sizeof bytes - n) return false;
    for (std::size_t i = 0; i < n; ++i) dst[i] = bytes[ipa - kBase + i];
    return true;
  }
};
static_assert(vsmmu::GuestMemoryReader<ConstexprMem>);

constexpr bool constexpr_two_level_walk() {
  constexpr vsmmu::Policy p = policy();
  ConstexprMem m{};
  // L1 table of 4 L1STDs at 0x1000 (SPLIT 6, LOG2SIZE 8); L2 of L1STD 2 at 0x1100, Span 3.
  m.poke64(0x1000 + 2 * 8, l1std(0x1100, 3));
  m.poke64(0x1100 + 3 * 64, 0x1D);  // STE 0x83, word 0: V, Config s1_trans... any value
  const vsmmu::StreamTableGeometry g = vsmmu::stream_table_geometry(p, 0x1000, cfg(8, true, 6));
  const vsmmu::SteFetch f = vsmmu::fetch_guest_ste(p, g, 0x83, m);
  const vsmmu::SteFetch beyond = vsmmu::fetch_guest_ste(p, g, 0x84, m);
  return f.verdict == SteFetchVerdict::found && f.ste[0] == 0x1D && f.fetch_addr == 0x1100 + 3 * 64 &&
         beyond.verdict == SteFetchVerdict::bad_streamid && m.reads == 3;
}
static_assert(constexpr_two_level_walk());

TEST(StreamTable, FetchGuestSteWorksInAConstantExpression) { EXPECT_TRUE(constexpr_two_level_walk()); }

// ----- Through the Device ---------------------------------------------------------------------

using Dev = vsmmu::Device<TestTraits>;
using Driver = GuestDriver<Dev, TestTraits>;

TestTraits two_streams() {
  TestTraits t;
  t.map.add(0x0008, 0x1008);  // L1STD 0
  t.map.add(0x1234, 0x2234);  // L1STD 0x12 (SPLIT 8)
  return t;
}

std::uint64_t installed_cd(const TestTraits& t, std::uint32_t psid) {
  return smmuv3::decode_ste(t.installed.at(psid)).s1_context_ptr;
}

// §6.3.9 SMMUEN 0 -> 1: the streams switch from SMMU_GBPA (stage 2 only here) to the guest's
// 2-level Stream table; each stream's STE is found through its own L1STD and L2 table with one
// L1STD read and one STE read.
TEST(StreamTable, DeviceInstallsFromATwoLevelTableWhenSmmuenIsSet) {
  TestTraits t = two_streams();
  Dev dev(t, policy());
  Driver g(dev, t);
  g.write_ste(0x0008, Driver::s1_ste(R + 0x38'0000));
  g.write_ste(0x1234, Driver::s1_ste(R + 0x38'1000));
  ASSERT_NE(g.l2_table(0x0008), g.l2_table(0x1234));
  // Probe up to (not including) SMMUEN.
  const std::uint32_t enable = static_cast<std::uint32_t>(smmuv3::reg::cr0::SmmuEn::mask);
  ASSERT_TRUE(g.probe(Driver::kIrqGerror));
  g.set_cr0(g.cr0() & ~enable);
  EXPECT_EQ(smmuv3::decode_ste(t.installed.at(0x1008)).config, smmuv3::SteConfig::s2_trans);
  EXPECT_EQ(smmuv3::decode_ste(t.installed.at(0x2234)).config, smmuv3::SteConfig::s2_trans);

  t.reads.clear();
  const std::size_t installs = t.installs;
  g.set_cr0(g.cr0() | enable);
  EXPECT_EQ(t.installs, installs + 2);
  EXPECT_EQ(smmuv3::decode_ste(t.installed.at(0x1008)).config, smmuv3::SteConfig::nested);
  EXPECT_EQ(installed_cd(t, 0x1008), R + 0x38'0000);
  EXPECT_EQ(installed_cd(t, 0x2234), R + 0x38'1000);
  const std::vector<Read> want = {{g.l1std_address(0x0008), 8}, {g.ste_address(0x0008), 64},
                                  {g.l1std_address(0x1234), 8}, {g.ste_address(0x1234), 64}};
  EXPECT_EQ(t.reads, want);
}

// §4.3.1 CMD_CFGI_STE: only the named stream's STE is fetched again, from its own L2 table.
TEST(StreamTable, DeviceCfgiSteRefetchesOnlyThatStream) {
  TestTraits t = two_streams();
  Dev dev(t, policy());
  Driver g(dev, t);
  g.write_ste(0x0008, Driver::s1_ste(R + 0x38'0000));
  g.write_ste(0x1234, Driver::s1_ste(R + 0x38'1000));
  ASSERT_TRUE(g.probe());
  g.write_ste(0x0008, Driver::s1_ste(R + 0x38'2000));
  g.write_ste(0x1234, Driver::s1_ste(R + 0x38'3000));

  t.reads.clear();
  g.post_cmd(smmuv3::CmdCfgiSte{false, 0x1234, true});
  g.post_sync();
  g.publish();
  EXPECT_TRUE(g.cmdq_drained());
  EXPECT_EQ(installed_cd(t, 0x2234), R + 0x38'3000);
  EXPECT_EQ(installed_cd(t, 0x1008), R + 0x38'0000) << "the other stream was not re-read";
  std::size_t table_reads = 0;
  for (const auto& [addr, len] : t.reads) table_reads += addr >= g.layout().strtab;
  EXPECT_EQ(table_reads, 2u);

  g.post_cmd(smmuv3::CmdCfgiSte{false, 0x0008, true});
  g.post_sync();
  g.publish();
  EXPECT_EQ(installed_cd(t, 0x1008), R + 0x38'2000);

  // The guest invalidates the L1STD of 0x1234 (Span 0) and says so: the stream is blocked.
  g.write_l1std(0x12, 0, 0);
  g.post_cmd(smmuv3::CmdCfgiSte{false, 0x1234, false});
  g.post_sync();
  g.publish();
  EXPECT_EQ(t.installed.at(0x2234), Words<8>{});
  EXPECT_EQ(installed_cd(t, 0x1008), R + 0x38'2000);
}

// A linear table through the device: STE address base + vSID * 64.
TEST(StreamTable, DeviceInstallsFromALinearTable) {
  TestTraits t;
  t.map.add(0x21, 0x3021);
  GuestLayout l{};
  l.two_level = false;
  l.strtab_log2 = 8;
  Dev dev(t, policy(16, false));
  GuestDriver g(dev, t, l);
  g.write_ste(0x21, GuestDriver<Dev, TestTraits>::s1_ste(R + 0x38'0000));
  EXPECT_EQ(g.ste_address(0x21), l.strtab + 0x21 * 64);
  t.reads.clear();
  ASSERT_TRUE(g.probe());
  EXPECT_EQ(installed_cd(t, 0x3021), R + 0x38'0000);
  std::size_t ste_reads = 0;
  for (const auto& r : t.reads) ste_reads += r == Read{l.strtab + 0x21 * 64, 64};
  EXPECT_EQ(ste_reads, 1u) << "read once, at SMMUEN 0 -> 1 (CFGI_ALL ran before, under GBPA)";
}

}  // namespace
