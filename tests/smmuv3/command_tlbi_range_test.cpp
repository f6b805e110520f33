// SPDX-License-Identifier: MIT
// Tests for the range/level-hint helpers of include/smmuv3/command/tlbi_range.hpp (IHI 0070
// §4.4.1.1) and the span helpers of the CFGI, ATC_INV and PREFETCH_ADDR commands.
#include <gtest/gtest.h>

#include <cstdint>

#include "smmuv3/command.hpp"

namespace smmuv3 {
namespace {

TEST(CommandTlbiRange, GranuleSizes) {
  EXPECT_EQ(tlbi_granule_shift(TlbiTg::any), 0u);
  EXPECT_EQ(tlbi_granule_shift(TlbiTg::granule_4kb), 12u);
  EXPECT_EQ(tlbi_granule_shift(TlbiTg::granule_16kb), 14u);
  EXPECT_EQ(tlbi_granule_shift(TlbiTg::granule_64kb), 16u);
  EXPECT_EQ(tlbi_granule_shift(static_cast<TlbiTg>(4)), 0u);
  EXPECT_FALSE(tlbi_is_range(TlbiTg::any));
  EXPECT_TRUE(tlbi_is_range(TlbiTg::granule_16kb));
  EXPECT_FALSE(tlbi_is_range(static_cast<TlbiTg>(0xFF)));
}

// Range = ((NUM + 1) * 2^SCALE) * Translation_Granule_Size (§4.4.1.1).
TEST(CommandTlbiRange, RangeBytesFollowTheSpecFormula) {
  EXPECT_EQ(tlbi_range_bytes(TlbiTg::granule_4kb, 0, 0, false), 4096u) << "one granule";
  EXPECT_EQ(tlbi_range_bytes(TlbiTg::granule_4kb, 31, 0, false), 32u * 4096);
  EXPECT_EQ(tlbi_range_bytes(TlbiTg::granule_16kb, 1, 3, false), 2u * 8 * 16384);
  EXPECT_EQ(tlbi_range_bytes(TlbiTg::granule_64kb, 0, 31, false), std::uint64_t{1} << (31 + 16));
  // Largest: 32 * 2^39 * 64KB = 2^60, with SMMU_IDR5.DS == 1.
  EXPECT_EQ(tlbi_range_bytes(TlbiTg::granule_64kb, 31, 39, true), std::uint64_t{1} << 60);
  // No range for TG == 0b00 or a TG/NUM/SCALE that does not fit its field.
  EXPECT_EQ(tlbi_range_bytes(TlbiTg::any, 5, 5, true), 0u);
  EXPECT_EQ(tlbi_range_bytes(static_cast<TlbiTg>(4), 5, 5, true), 0u);
  EXPECT_EQ(tlbi_range_bytes(TlbiTg::granule_4kb, 32, 0, true), 0u);
  EXPECT_EQ(tlbi_range_bytes(TlbiTg::granule_4kb, 0, 64, true), 0u);
}

// Linux arm_smmu_tlb_inv_range_cmd: scale = __ffs(num_pages), num = (num_pages >> scale) & 31,
// NUM = num - 1, and it steps by num << (scale + granule_shift). For 96 4KB pages that is
// SCALE 5, NUM 2.
TEST(CommandTlbiRange, AgreesWithLinuxRangeStep) {
  EXPECT_EQ(tlbi_range_bytes(TlbiTg::granule_4kb, 2, 5, false), 96u * 4096);
}

// TF-RMM smmuv3_tlbi_tests: for 2^n - 1 granules, n in [6, 44], one command with
// SCALE = n - 5 and NUM + 1 = 31 covers 31 * 2^(n-5) granules (DS == 1 needed past SCALE 31).
TEST(CommandTlbiRange, AgreesWithTfRmmCoverage) {
  for (unsigned n = 6; n <= 44; ++n) {
    const std::uint64_t covered = std::uint64_t{31} << (n - 5);
    EXPECT_EQ(tlbi_range_bytes(TlbiTg::granule_4kb, 30, static_cast<std::uint8_t>(n - 5), true),
              covered * 4096)
        << n;
  }
}

// SCALE > 39 acts as 39 with DS == 1; with DS == 0 bit 25 is RES0 and only [24:20] count.
TEST(CommandTlbiRange, EffectiveScale) {
  EXPECT_EQ(tlbi_effective_scale(39, true), 39u);
  EXPECT_EQ(tlbi_effective_scale(45, true), 39u);
  EXPECT_EQ(tlbi_effective_scale(63, true), 39u);
  EXPECT_EQ(tlbi_effective_scale(31, false), 31u);
  EXPECT_EQ(tlbi_effective_scale(33, false), 1u);
  EXPECT_EQ(tlbi_range_bytes(TlbiTg::granule_4kb, 0, 45, true),
            tlbi_range_bytes(TlbiTg::granule_4kb, 0, 39, true));
  EXPECT_EQ(tlbi_range_bytes(TlbiTg::granule_4kb, 0, 33, false), 2u * 4096);
}

// The TTL table of §4.4.1.1.
TEST(CommandTlbiRange, LevelHintTable) {
  for (std::uint8_t ttl = 0; ttl < 4; ++ttl) {
    EXPECT_EQ(tlbi_level_hint(TlbiTg::any, ttl, true), TlbiLevelHint::not_used);
  }
  for (const TlbiTg tg : {TlbiTg::granule_4kb, TlbiTg::granule_16kb, TlbiTg::granule_64kb}) {
    EXPECT_EQ(tlbi_level_hint(tg, 0, true), TlbiLevelHint::any_level);
    EXPECT_EQ(tlbi_level_hint(tg, 1, true), TlbiLevelHint::level1);
    EXPECT_EQ(tlbi_level_hint(tg, 2, false), TlbiLevelHint::level2);
    EXPECT_EQ(tlbi_level_hint(tg, 3, false), TlbiLevelHint::level3);
  }
  // 16KB, TTL == 0b01 is Reserved without DS and treated as 0b00.
  EXPECT_EQ(tlbi_level_hint(TlbiTg::granule_16kb, 1, false), TlbiLevelHint::any_level);
  EXPECT_EQ(tlbi_level_hint(TlbiTg::granule_4kb, 1, false), TlbiLevelHint::level1);
  EXPECT_EQ(tlbi_level_hint(TlbiTg::granule_64kb, 1, false), TlbiLevelHint::level1);
}

// NUM == 0, SCALE == 0, TTL == 0b00 with TG != 0b00 is Reserved (CERROR_ILL), including the
// 16KB/TTL == 0b01/DS == 0 case the spec calls out.
TEST(CommandTlbiRange, ReservedCombination) {
  EXPECT_TRUE(tlbi_range_params_reserved(TlbiTg::granule_4kb, 0, 0, 0, true));
  EXPECT_TRUE(tlbi_range_params_reserved(TlbiTg::granule_16kb, 0, 0, 1, false));
  EXPECT_FALSE(tlbi_range_params_reserved(TlbiTg::granule_16kb, 0, 0, 1, true));
  EXPECT_FALSE(tlbi_range_params_reserved(TlbiTg::granule_4kb, 0, 0, 3, true));
  EXPECT_FALSE(tlbi_range_params_reserved(TlbiTg::granule_4kb, 1, 0, 0, true));
  EXPECT_FALSE(tlbi_range_params_reserved(TlbiTg::granule_4kb, 0, 1, 0, true));
  EXPECT_FALSE(tlbi_range_params_reserved(TlbiTg::any, 0, 0, 0, true));
}

// CMD_CFGI_STE_RANGE covers the aligned 2^(Range+1) StreamIDs containing StreamID (§4.3.2).
TEST(CommandSpans, CfgiSteRange) {
  EXPECT_EQ(cfgi_ste_range_count(0), 2u);
  EXPECT_EQ(cfgi_ste_range_count(7), 256u);
  EXPECT_EQ(cfgi_ste_range_count(31), std::uint64_t{1} << 32);
  EXPECT_EQ(cfgi_ste_range_count(32), 0u);
  EXPECT_EQ(cfgi_ste_range_first(0x12345, 0), 0x12344u);
  EXPECT_EQ(cfgi_ste_range_first(0x12345, 7), 0x12300u);
  EXPECT_EQ(cfgi_ste_range_first(0xFFFFFFFF, 31), 0u);
}

TEST(CommandSpans, AtcInvAndPrefetchAddr) {
  EXPECT_EQ(atc_inv_span_log2(0), 12u);
  EXPECT_EQ(atc_inv_span_log2(kAtcInvSizeAll), 64u) << "Size 52 spans 2^64 bytes (§4.5.1)";
  EXPECT_EQ(prefetch_addr_span_log2(0, 0), 12u);
  EXPECT_EQ(prefetch_addr_span_log2(3, 9), 24u) << "8 translations, 2MB apart";
}

static_assert(tlbi_range_bytes(TlbiTg::granule_4kb, 31, 0, false) == 32 * 4096);
static_assert(tlbi_level_hint(TlbiTg::granule_64kb, 2, false) == TlbiLevelHint::level2);
static_assert(tlbi_range_params_reserved(TlbiTg::granule_4kb, 0, 0, 0, false));
static_assert(cfgi_ste_range_first(0x1FF, 3) == 0x1F0);
static_assert(noexcept(tlbi_range_bytes(TlbiTg::any, 0, 0, false)));

}  // namespace
}  // namespace smmuv3
