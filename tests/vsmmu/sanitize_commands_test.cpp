// Tests for include/vsmmu/sanitize_commands.hpp: where a batch stops (drained, budget, out_full,
// sync, refresh, error), the work bound, the output bound, the §7.1 error position, and a
// property test over random batches of Linux-shaped and mutated commands.
#include "vsmmu/sanitize_commands.hpp"

#include <gtest/gtest.h>

#include "support/splitmix64.hpp"

#include <cstddef>
#include <cstdint>
#include <utility>

#include "smmuv3/command.hpp"
#include "vsmmu/guest_ram.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_command.hpp"
#include "vsmmu/stream_map.hpp"

namespace {

using smmuv3::Opcode;
using smmuv3::Words;
using vsmmu::BatchStop;
using vsmmu::Policy;
namespace reg = smmuv3::reg;

using Map = vsmmu::FixedStreamMap<8>;
using Ram = vsmmu::GuestRamRegions<1>;

constexpr std::uint16_t kVmid = 77;

constexpr Policy batch_policy() {
  Policy p{};
  p.vmid = kVmid;
  p.idr.idr0.s1p = true;
  p.idr.idr0.msi = true;
  p.idr.idr0.asid16 = true;
  p.idr.idr0.ats = true;
  p.idr.idr0.stall_model = reg::StallModel::terminate_only;
  p.idr.idr1.sidsize = 16;
  p.idr.idr1.ssidsize = 8;
  p.idr.idr3.ril = true;
  p.idr.idr5.oas = reg::Oas::pa48;
  p.idr.aidr.arch_minor_rev = reg::ArchMinorRev::smmuv3_2;
  return p;
}

constexpr Map batch_map() {
  Map m{};
  (void)m.add(1, 0x101);
  (void)m.add(2, 0x102);
  (void)m.add(3, 0x103);
  (void)m.add(0x40, 0x140);
  return m;
}

constexpr Ram batch_ram() {
  Ram r{};
  r.region[0] = {0x8000'0000, 0x1000'0000};
  r.count = 1;
  return r;
}

const Policy kPolicy = batch_policy();
const Map kMap = batch_map();
const Ram kRam = batch_ram();

template <class T>
constexpr Words<2> enc(const T& c) {
  return smmuv3::encode(c).words;
}

constexpr Words<2> cfgi_ste(std::uint32_t sid) { return enc(smmuv3::CmdCfgiSte{false, sid, true}); }
constexpr Words<2> cfgi_all() { return enc(smmuv3::CmdCfgiAll{}); }
constexpr Words<2> tlbi_asid(std::uint16_t asid) { return enc(smmuv3::CmdTlbiNhAsid{0, asid}); }
constexpr Words<2> prefetch(std::uint32_t sid) { return enc(smmuv3::CmdPrefetchConfig{false, false, 0, sid}); }
constexpr Words<2> sync_sev() {
  return enc(smmuv3::CmdSync{smmuv3::SyncCs::sig_sev, smmuv3::SyncMsh::inner_shareable, 0xF, 0, 0, false});
}
constexpr Words<2> sync_msi(std::uint64_t a) {
  return enc(smmuv3::CmdSync{smmuv3::SyncCs::sig_irq, smmuv3::SyncMsh::inner_shareable, 0xF, 0, a, false});
}
constexpr Words<2> illegal_cmd() { return Words<2>{{static_cast<std::uint8_t>(Opcode::tlbi_el2_all), 0}}; }

struct Batch {
  vsmmu::BatchResult r;
  Words<2> out[32]{};
};

Batch run(const Words<2>* g, std::size_t n, std::size_t cap = 32, std::size_t budget = 1000,
          const Map& m = kMap) {
  Batch b{};
  const vsmmu::CommandContext ctx{m, kRam};
  b.r = vsmmu::sanitize_commands(kPolicy, g, n, ctx, b.out, cap, budget);
  return b;
}

TEST(SanitizeCommands, DrainsForwardedAndIgnoredCommandsInOrder) {
  const Words<2> g[] = {tlbi_asid(1), prefetch(1), tlbi_asid(2), cfgi_ste(9)};
  const Batch b = run(g, 4);
  EXPECT_EQ(b.r.stop, BatchStop::drained);
  EXPECT_EQ(b.r.consumed, 4u);
  ASSERT_EQ(b.r.produced, 2u);
  EXPECT_EQ(b.out[0], enc(smmuv3::CmdTlbiNhAsid{kVmid, 1}));
  EXPECT_EQ(b.out[1], enc(smmuv3::CmdTlbiNhAsid{kVmid, 2}));
  EXPECT_EQ(b.r.work, 4u);
  EXPECT_EQ(b.r.cerror, smmuv3::CmdqError::cerror_none);
  EXPECT_EQ(b.r.reason, nullptr);
}

TEST(SanitizeCommands, EmptyBatchIsDrained) {
  const Batch b = run(nullptr, 0);
  EXPECT_EQ(b.r.stop, BatchStop::drained);
  EXPECT_EQ(b.r.consumed, 0u);
  EXPECT_EQ(b.r.work, 0u);
}

TEST(SanitizeCommands, StopsRightAfterSync) {
  // §4.7.3: a CMD_SYNC completes after everything before it; commands after it wait.
  const Words<2> g[] = {tlbi_asid(1), sync_msi(0x8000'0040), tlbi_asid(2)};
  const Batch b = run(g, 3);
  EXPECT_EQ(b.r.stop, BatchStop::sync);
  EXPECT_EQ(b.r.consumed, 2u);
  EXPECT_EQ(b.r.produced, 1u);
  EXPECT_EQ(b.r.sync.signal, vsmmu::SyncSignal::irq);
  EXPECT_TRUE(b.r.sync.msi);
  EXPECT_FALSE(b.r.sync.msi_abort);
  EXPECT_EQ(b.r.sync.msi_address, 0x8000'0040u);
}

TEST(SanitizeCommands, StopsRightAfterCommandNeedingRefresh) {
  const Words<2> g[] = {tlbi_asid(1), cfgi_ste(2), tlbi_asid(2)};
  const Batch b = run(g, 3);
  EXPECT_EQ(b.r.stop, BatchStop::refresh);
  EXPECT_EQ(b.r.consumed, 2u);
  ASSERT_EQ(b.r.produced, 2u);
  EXPECT_EQ(b.out[1], enc(smmuv3::CmdCfgiSte{false, 0x102, false}));  // physical Leaf is always 0
  EXPECT_EQ(b.r.refresh, (vsmmu::SteRefresh{true, 2, 2}));
}

TEST(SanitizeCommands, ErrorStopsAtTheBadCommandKeepingEarlierOutput) {
  // §7.1: CONS.RD stays on the erroneous command, older commands are consumed.
  const Words<2> g[] = {tlbi_asid(1), prefetch(2), illegal_cmd(), tlbi_asid(3)};
  const Batch b = run(g, 4);
  EXPECT_EQ(b.r.stop, BatchStop::error);
  EXPECT_EQ(b.r.consumed, 2u);
  EXPECT_EQ(b.r.produced, 1u);
  EXPECT_EQ(b.r.cerror, smmuv3::CmdqError::cerror_ill);
  EXPECT_NE(b.r.reason, nullptr);
  // Re-running from CONS fails at once with the same error.
  const Batch again = run(g + b.r.consumed, 4 - b.r.consumed);
  EXPECT_EQ(again.r.stop, BatchStop::error);
  EXPECT_EQ(again.r.consumed, 0u);
  EXPECT_EQ(again.r.produced, 0u);
  EXPECT_EQ(again.r.cerror, b.r.cerror);
}

TEST(SanitizeCommands, BudgetNeverStartsACommandBeyondWhatIsLeft) {
  const Words<2> g[] = {tlbi_asid(1), tlbi_asid(2), cfgi_all(), tlbi_asid(3)};
  // cfgi_all costs 1 + 4: with budget 6 it does not fit after two commands.
  const Batch b = run(g, 4, 32, 6);
  EXPECT_EQ(b.r.stop, BatchStop::budget);
  EXPECT_EQ(b.r.consumed, 2u);
  EXPECT_EQ(b.r.work, 2u);
  const Batch c = run(g, 4, 32, 7);
  EXPECT_EQ(c.r.stop, BatchStop::refresh);
  EXPECT_EQ(c.r.consumed, 3u);
  EXPECT_EQ(c.r.work, 7u);
}

TEST(SanitizeCommands, FirstCommandAlwaysProgresses) {
  const Words<2> g[] = {cfgi_all(), tlbi_asid(1)};
  const Batch b = run(g, 2, 32, 0);
  EXPECT_EQ(b.r.stop, BatchStop::refresh);
  EXPECT_EQ(b.r.consumed, 1u);
  EXPECT_EQ(b.r.produced, 4u);
  EXPECT_EQ(b.r.work, 5u);
  const Words<2> h[] = {tlbi_asid(1), tlbi_asid(2)};
  const Batch c = run(h, 2, 32, 0);
  EXPECT_EQ(c.r.stop, BatchStop::budget);
  EXPECT_EQ(c.r.consumed, 1u);
  EXPECT_EQ(c.r.work, 1u);
}

TEST(SanitizeCommands, CfgiRangeCostsOnePlusStreamCount) {
  EXPECT_EQ(vsmmu::command_cost(cfgi_all(), kMap), 5u);
  EXPECT_EQ(vsmmu::command_cost(enc(smmuv3::CmdCfgiSteRange{false, 0, 2}), kMap), 5u);
  EXPECT_EQ(vsmmu::command_cost(cfgi_ste(1), kMap), 1u);
  EXPECT_EQ(vsmmu::command_cost(sync_sev(), kMap), 1u);
}

TEST(SanitizeCommands, OutFullStopsBeforeTheCommandThatDoesNotFit) {
  const Words<2> g[] = {tlbi_asid(1), tlbi_asid(2), cfgi_all()};
  const Batch b = run(g, 3, 4);
  EXPECT_EQ(b.r.stop, BatchStop::out_full);
  EXPECT_EQ(b.r.consumed, 2u);
  EXPECT_EQ(b.r.produced, 2u);
  EXPECT_FALSE(vsmmu::output_too_small(b.r));
  EXPECT_EQ(b.out[2], (Words<2>{}));  // nothing of the expansion was written
}

TEST(SanitizeCommands, OutputTooSmallForOneCommandIsReportedDistinctly) {
  const Words<2> g[] = {prefetch(1), cfgi_all()};
  const Batch b = run(g, 2, 3);
  EXPECT_EQ(b.r.stop, BatchStop::out_full);
  EXPECT_EQ(b.r.consumed, 1u);
  EXPECT_EQ(b.r.produced, 0u);
  EXPECT_TRUE(vsmmu::output_too_small(b.r));
  // max_produced_per_command (<= streams.size() + 1) always suffices.
  const Batch ok = run(g, 2, vsmmu::max_produced_per_command(kMap));
  EXPECT_EQ(ok.r.stop, BatchStop::refresh);
}

TEST(SanitizeCommands, NeverWritesPastOutCapacity) {
  const Words<2> g[] = {tlbi_asid(1), tlbi_asid(2), tlbi_asid(3)};
  Batch b{};
  const Words<2> canary{{0xC0FFEE, 0xC0FFEE}};
  for (auto& w : b.out) w = canary;
  const vsmmu::CommandContext ctx{kMap, kRam};
  b.r = vsmmu::sanitize_commands(kPolicy, g, 3, ctx, b.out, 2, 100);
  EXPECT_EQ(b.r.stop, BatchStop::out_full);
  EXPECT_EQ(b.r.produced, 2u);
  for (std::size_t i = 2; i < 32; ++i) EXPECT_EQ(b.out[i], canary);
  b.r = vsmmu::sanitize_commands(kPolicy, g, 3, ctx, nullptr, 0, 100);
  EXPECT_TRUE(vsmmu::output_too_small(b.r));
}

// --- constant expression ---------------------------------------------------------------------

constexpr bool constexpr_batch() {
  const Policy p = batch_policy();
  const Map m = batch_map();
  const Ram ram = batch_ram();
  const vsmmu::CommandContext ctx{m, ram};
  const Words<2> g[] = {tlbi_asid(4), cfgi_ste(1), sync_sev()};
  Words<2> out[8]{};
  const auto r = vsmmu::sanitize_commands(p, g, 3, ctx, out, 8, 100);
  if (r.stop != BatchStop::refresh || r.consumed != 2 || r.produced != 2) return false;
  const auto s = vsmmu::sanitize_commands(p, g + 2, 1, ctx, out, 8, 100);
  return s.stop == BatchStop::sync && s.sync.signal == vsmmu::SyncSignal::none;
}
static_assert(constexpr_batch());
static_assert(noexcept(vsmmu::sanitize_commands(Policy{}, nullptr, 0,
                                                std::declval<const vsmmu::CommandContext<Map, Ram>&>(), nullptr, 0,
                                                0)));

// --- property test -----------------------------------------------------------------------------

using vsmmu_test::SplitMix64;

Words<2> random_command(SplitMix64& g) {
  Words<2> w{};
  switch (g.below(12)) {
    case 0: w = cfgi_ste(g.below(0x50)); break;
    case 1: w = cfgi_all(); break;
    case 2: w = enc(smmuv3::CmdCfgiSteRange{false, g.below(0x50), static_cast<std::uint8_t>(g.below(31))}); break;
    case 3: w = sync_sev(); break;
    case 4: w = sync_msi(g.below(2) ? 0x8000'0000 + 4 * g.below(0x100) : g.next() & 0x00FF'FFFF'FFFF'FFFCull); break;
    case 5: w = enc(smmuv3::CmdCfgiCd{false, g.below(0x200), g.below(0x50), true}); break;
    case 6: w = Words<2>{{g.next(), g.next()}}; break;
    case 7: w = prefetch(g.below(0x50)); break;
    default: w = tlbi_asid(static_cast<std::uint16_t>(g.next())); break;
  }
  if (g.below(5) == 0) {
    const std::uint32_t bit = g.below(128);
    w[bit / 64] ^= std::uint64_t{1} << (bit % 64);
  }
  return w;
}

bool psid_mapped(std::uint32_t psid) {
  for (std::size_t i = 0; i < kMap.size(); ++i)
    if (kMap[i].psid == psid) return true;
  return false;
}

TEST(SanitizeCommands, PropertyRandomBatchesKeepTheInvariants) {
  SplitMix64 g{0xBA7C4};
  const vsmmu::CommandContext ctx{kMap, kRam};
  const std::size_t map_cost = 1 + kMap.size();
  std::size_t total = 0, errors = 0;
  while (total < 120000) {
    Words<2> guest[24]{};
    const std::size_t count = g.below(24);
    for (std::size_t i = 0; i < count; ++i) guest[i] = random_command(g);
    total += count;
    const std::size_t cap = g.below(12);
    const std::size_t budget = g.below(20);
    Words<2> out[16]{};
    const Words<2> canary{{0xAAAA, 0x5555}};
    for (auto& w : out) w = canary;
    const vsmmu::BatchResult r = vsmmu::sanitize_commands(kPolicy, guest, count, ctx, out, cap, budget);
    ASSERT_LE(r.consumed, count);
    ASSERT_LE(r.produced, cap);
    ASSERT_LE(r.work, budget > map_cost ? budget : map_cost);
    for (std::size_t i = cap; i < 16; ++i) ASSERT_EQ(out[i], canary);
    for (std::size_t i = 0; i < r.produced; ++i) {
      const auto o = smmuv3::command_opcode(out[i]);
      ASSERT_TRUE(o == Opcode::cfgi_ste || o == Opcode::cfgi_cd || o == Opcode::tlbi_nh_asid ||
                  o == Opcode::tlbi_nh_all || o == Opcode::tlbi_nh_va || o == Opcode::tlbi_nh_vaa ||
                  o == Opcode::cfgi_cd_all || o == Opcode::atc_inv);
      ASSERT_FALSE(smmuv3::any(smmuv3::command_res0_bits(out[i])));
      if (o == Opcode::tlbi_nh_asid || o == Opcode::tlbi_nh_all || o == Opcode::tlbi_nh_va || o == Opcode::tlbi_nh_vaa) {
        ASSERT_EQ(smmuv3::cmd::Vmid::get(out[i]), kVmid);
      } else {
        ASSERT_TRUE(psid_mapped(static_cast<std::uint32_t>(smmuv3::cmd::StreamId::get(out[i]))));
      }
    }
    switch (r.stop) {
      case BatchStop::drained: ASSERT_EQ(r.consumed, count); break;
      case BatchStop::sync:
        ASSERT_GE(r.consumed, 1u);
        ASSERT_EQ(smmuv3::command_opcode(guest[r.consumed - 1]), Opcode::sync);
        break;
      case BatchStop::refresh:
        ASSERT_GE(r.consumed, 1u);
        ASSERT_TRUE(r.refresh.needed);
        break;
      case BatchStop::budget:
      case BatchStop::out_full: ASSERT_LT(r.consumed, count); break;
      case BatchStop::error: {
        ++errors;
        ASSERT_LT(r.consumed, count);
        ASSERT_EQ(r.cerror, smmuv3::CmdqError::cerror_ill);
        Words<2> again_out[16]{};
        const auto again =
            vsmmu::sanitize_commands(kPolicy, guest + r.consumed, count - r.consumed, ctx, again_out, 16, 1000);
        ASSERT_EQ(again.stop, BatchStop::error);
        ASSERT_EQ(again.consumed, 0u);
        ASSERT_EQ(again.produced, 0u);
        ASSERT_EQ(again.cerror, r.cerror);
        break;
      }
    }
    if (r.stop != BatchStop::refresh) {
      ASSERT_FALSE(r.refresh.needed);
    }
  }
  EXPECT_GT(errors, 1000u);
}

}  // namespace
