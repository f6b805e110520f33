// SPDX-License-Identifier: MIT
// Tests for include/smmuv3/l1_descriptor.hpp: L1STD (IHI 0070 §5.1) and L1CD (§5.3).
#include <smmuv3/l1_descriptor.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

using smmuv3::L1CdTableDescriptor;
using smmuv3::L1StreamTableDescriptor;
using smmuv3::Words;

struct NamedValue {
  std::string name;
  std::uint64_t value;
};

template <class D>
std::vector<NamedValue> fields_of(const D& d) {
  std::vector<NamedValue> out;
  smmuv3::for_each_field(d, [&](const char* name, std::uint64_t v) { out.push_back({name, v}); });
  return out;
}

// ----- Compile-time properties ------------------------------------------------------------------

static_assert(smmuv3::kL1StdBytes == 8 && smmuv3::kL1CdBytes == 8);
// §5.1: Span[4:0], bit [5] RES0, L2Ptr[55:6], bits [63:56] RES0.
static_assert(smmuv3::kL1StdDefined[0] == 0x00FF'FFFF'FFFF'FFDFull);
static_assert(smmuv3::kL1StdRes0[0] == 0xFF00'0000'0000'0020ull);
// §5.3: V[0], bits [11:1] RES0, L2Ptr[55:12], bits [63:56] RES0.
static_assert(smmuv3::kL1CdDefined[0] == 0x00FF'FFFF'FFFF'F001ull);
static_assert(smmuv3::kL1CdRes0[0] == 0xFF00'0000'0000'0FFEull);

// Linux arm_smmu_write_strtab_l1_desc(): Span = STRTAB_SPLIT + 1 = 9 for its 256-STE
// (1 << STRTAB_SPLIT, SPLIT = 8) Level 2 arrays, | (l2ptr_dma & GENMASK(51, 6)).
// A 256-STE array is 16KB and aligned to it; here at 0x8_1234_4000.
constexpr Words<1> kLinuxL1Std = {{0x0000'0008'1234'4009ull}};
constexpr L1StreamTableDescriptor kLinuxL1StdDesc{9, 0x8'1234'4000};
static_assert(smmuv3::encode(kLinuxL1StdDesc).ok());
static_assert(smmuv3::encode(kLinuxL1StdDesc).words == kLinuxL1Std);
static_assert(smmuv3::decode_l1std(kLinuxL1Std) == kLinuxL1StdDesc);

// Linux arm_smmu_write_cd_l1_desc(): (l2ptr_dma & GENMASK(51, 12)) | CTXDESC_L1_DESC_V, for its
// 1024-CD (64KB, S1Fmt = 64K_L2) leaf tables; here one at 0x40_0001_0000.
constexpr Words<1> kLinuxL1Cd = {{0x0000'0040'0001'0001ull}};
constexpr L1CdTableDescriptor kLinuxL1CdDesc{true, 0x40'0001'0000};
static_assert(smmuv3::encode(kLinuxL1CdDesc).ok());
static_assert(smmuv3::encode(kLinuxL1CdDesc).words == kLinuxL1Cd);
static_assert(smmuv3::decode_l1cd(kLinuxL1Cd) == kLinuxL1CdDesc);
static_assert(noexcept(smmuv3::encode(kLinuxL1CdDesc)) && noexcept(smmuv3::decode_l1std(kLinuxL1Std)));

static_assert(smmuv3::l1std_ste_count(9) == 256);
static_assert(smmuv3::l1cd_l2_index_bits(smmuv3::S1Fmt::two_level_64k) == 10);

// ----- L1STD ------------------------------------------------------------------------------------

TEST(L1Std, LinuxGoldenVector) {
  const auto enc = smmuv3::encode(kLinuxL1StdDesc);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(enc.words, kLinuxL1Std);
  EXPECT_EQ(smmuv3::decode_l1std(kLinuxL1Std), kLinuxL1StdDesc);
  EXPECT_EQ(smmuv3::l1std_ste_count(kLinuxL1StdDesc.span), 256u);
  EXPECT_TRUE(smmuv3::l1std_l2ptr_is_aligned(kLinuxL1StdDesc));
  EXPECT_TRUE(smmuv3::l1std_span_fits_split(kLinuxL1StdDesc.span, 8));

  unsigned char bytes[smmuv3::kL1StdBytes] = {};
  smmuv3::store_le(kLinuxL1Std, bytes);
  EXPECT_EQ(bytes[0], 0x09);
  EXPECT_EQ(bytes[1], 0x40);
  EXPECT_EQ(smmuv3::load_le<1>(bytes), kLinuxL1Std);
}

TEST(L1Std, FieldsInSpecOrder) {
  const auto f = fields_of(kLinuxL1StdDesc);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].name, "Span");
  EXPECT_EQ(f[0].value, 9u);
  EXPECT_EQ(f[1].name, "L2Ptr");
  EXPECT_EQ(f[1].value, 0x8'1234'4000u);
}

TEST(L1Std, EachFieldRoundTripsAloneAtItsMaximumAndPatterns) {
  // Span[4:0].
  for (std::uint64_t span : {0x1Full, 0x15ull, 0x0Aull, 1ull}) {
    const Words<1> raw = {{span}};
    const auto d = smmuv3::decode_l1std(raw);
    EXPECT_EQ(d.span, span);
    EXPECT_EQ(d.l2_ptr, 0u);
    EXPECT_EQ(smmuv3::encode(d).words, raw);
  }
  // L2Ptr[55:6] holds address bits [55:6].
  for (std::uint64_t addr : {0x00FF'FFFF'FFFF'FFC0ull, 0x00AA'AAAA'AAAA'AA80ull,
                             0x0055'5555'5555'5540ull, 0x40ull}) {
    const Words<1> raw = {{addr}};
    const auto d = smmuv3::decode_l1std(raw);
    EXPECT_EQ(d.span, 0u);
    EXPECT_EQ(d.l2_ptr, addr);
    EXPECT_EQ(smmuv3::encode(d).words, raw);
  }
}

TEST(L1Std, EncodeReportsBadFieldsByName) {
  EXPECT_STREQ(smmuv3::encode(L1StreamTableDescriptor{32, 0}).bad_field, "Span");
  EXPECT_STREQ(smmuv3::encode(L1StreamTableDescriptor{9, 0x8'1234'4020}).bad_field, "L2Ptr");
  EXPECT_STREQ(smmuv3::encode(L1StreamTableDescriptor{9, std::uint64_t{1} << 56}).bad_field,
               "L2Ptr");
  EXPECT_STREQ(smmuv3::encode(L1StreamTableDescriptor{40, 0x21}).bad_field, "Span");
}

TEST(L1Std, Res0BitsAreReportedAndIgnored) {
  for (unsigned bit : {5u, 56u, 60u, 63u}) {
    Words<1> w = kLinuxL1Std;
    w[0] |= std::uint64_t{1} << bit;
    EXPECT_EQ(smmuv3::l1std_res0_bits(w)[0], std::uint64_t{1} << bit) << bit;
    EXPECT_EQ(smmuv3::decode_l1std(w), kLinuxL1StdDesc) << bit;
    EXPECT_EQ(smmuv3::encode(smmuv3::decode_l1std(w)).words, kLinuxL1Std) << bit;
  }
  EXPECT_FALSE(smmuv3::any(smmuv3::l1std_res0_bits(kLinuxL1Std)));
  const Words<1> all_ones = {{~std::uint64_t{0}}};
  EXPECT_EQ(smmuv3::encode(smmuv3::decode_l1std(all_ones)).words[0], smmuv3::kL1StdDefined[0]);
}

// §5.1 Span: 0 = invalid, 1..11 = 2^(Span-1) STEs, 12..31 Reserved (behave as 0).
TEST(L1Std, SpanSizes) {
  EXPECT_EQ(smmuv3::l1std_ste_count(0), 0u);
  EXPECT_EQ(smmuv3::l1std_ste_count(1), 1u);
  EXPECT_EQ(smmuv3::l1std_ste_count(7), 64u);
  EXPECT_EQ(smmuv3::l1std_ste_count(11), 1024u);
  for (std::uint8_t span = 12; span < 32; ++span) {
    EXPECT_TRUE(smmuv3::l1std_span_is_reserved(span)) << int{span};
    EXPECT_EQ(smmuv3::l1std_ste_count(span), 0u) << int{span};
  }
  EXPECT_FALSE(smmuv3::l1std_span_is_reserved(11));
  EXPECT_FALSE(smmuv3::l1std_span_is_reserved(0));
}

// §5.1 L2Ptr: bits L2Ptr[5 + (Span-1):0] are treated as 0, so the array is aligned to its size.
TEST(L1Std, L2PtrAlignment) {
  EXPECT_EQ(smmuv3::l1std_l2_array_bytes_log2(1), 6u);   // one 64-byte STE
  EXPECT_EQ(smmuv3::l1std_l2_array_bytes_log2(9), 14u);  // 256 STEs, 16KB
  EXPECT_EQ(smmuv3::l1std_l2_array_bytes_log2(11), 16u);
  EXPECT_EQ(smmuv3::l1std_l2_array_bytes_log2(0), 0u);
  EXPECT_EQ(smmuv3::l1std_l2_array_bytes_log2(12), 0u);
  EXPECT_EQ(smmuv3::l1std_l2ptr_ignored_mask(9), 0x3FFFu);
  EXPECT_EQ(smmuv3::l1std_l2ptr_ignored_mask(1), 0x3Fu);
  EXPECT_EQ(smmuv3::l1std_l2ptr_ignored_mask(0), 0u);
  EXPECT_FALSE(smmuv3::l1std_l2ptr_is_aligned(L1StreamTableDescriptor{9, 0x8'1234'2000}));
  EXPECT_TRUE(smmuv3::l1std_l2ptr_is_aligned(L1StreamTableDescriptor{8, 0x8'1234'2000}));
}

// §5.1.1: a Span of 0, Reserved, or out of bounds for the split makes the StreamIDs invalid,
// as does a StreamID beyond the Level 2 array.
TEST(L1Std, StreamIdReachability) {
  EXPECT_TRUE(smmuv3::l1std_span_fits_split(9, 8));
  EXPECT_FALSE(smmuv3::l1std_span_fits_split(10, 8));
  EXPECT_FALSE(smmuv3::l1std_span_fits_split(0, 8));
  EXPECT_FALSE(smmuv3::l1std_span_fits_split(12, 31));
  EXPECT_TRUE(smmuv3::l1std_span_fits_split(11, 10));

  const L1StreamTableDescriptor half{8, 0x10'0000};  // 128 STEs under SPLIT = 8
  EXPECT_TRUE(smmuv3::l1std_reaches_ste(half, 8, 0x0305));   // StreamID[7:0] = 0x05
  EXPECT_TRUE(smmuv3::l1std_reaches_ste(half, 8, 0x037F));   // 0x7F, the last one
  EXPECT_FALSE(smmuv3::l1std_reaches_ste(half, 8, 0x0380));  // 0x80: beyond the array
  EXPECT_FALSE(smmuv3::l1std_reaches_ste(L1StreamTableDescriptor{0, 0x10'0000}, 8, 0));
  EXPECT_FALSE(smmuv3::l1std_reaches_ste(L1StreamTableDescriptor{10, 0x10'0000}, 8, 0));
}

// ----- L1CD -------------------------------------------------------------------------------------

TEST(L1Cd, LinuxGoldenVector) {
  const auto enc = smmuv3::encode(kLinuxL1CdDesc);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(enc.words, kLinuxL1Cd);
  EXPECT_EQ(smmuv3::decode_l1cd(kLinuxL1Cd), kLinuxL1CdDesc);
  EXPECT_EQ(kLinuxL1CdDesc.l2_ptr & smmuv3::l1cd_l2ptr_res0_mask(smmuv3::S1Fmt::two_level_64k), 0u);
}

TEST(L1Cd, FieldsInSpecOrder) {
  const auto f = fields_of(kLinuxL1CdDesc);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].name, "V");
  EXPECT_EQ(f[0].value, 1u);
  EXPECT_EQ(f[1].name, "L2Ptr");
  EXPECT_EQ(f[1].value, 0x40'0001'0000u);
}

TEST(L1Cd, EachFieldRoundTripsAlone) {
  {
    const Words<1> raw = {{1}};
    const auto d = smmuv3::decode_l1cd(raw);
    EXPECT_TRUE(d.v);
    EXPECT_EQ(d.l2_ptr, 0u);
    EXPECT_EQ(smmuv3::encode(d).words, raw);
  }
  for (std::uint64_t addr : {0x00FF'FFFF'FFFF'F000ull, 0x00AA'AAAA'AAAA'A000ull,
                             0x0055'5555'5555'5000ull, 0x1000ull}) {
    const Words<1> raw = {{addr}};
    const auto d = smmuv3::decode_l1cd(raw);
    EXPECT_FALSE(d.v);
    EXPECT_EQ(d.l2_ptr, addr);
    EXPECT_EQ(smmuv3::encode(d).words, raw);
  }
}

TEST(L1Cd, EncodeReportsBadL2PtrByName) {
  EXPECT_STREQ(smmuv3::encode(L1CdTableDescriptor{true, 0x40'0000'0800}).bad_field, "L2Ptr");
  EXPECT_STREQ(smmuv3::encode(L1CdTableDescriptor{true, std::uint64_t{1} << 56}).bad_field,
               "L2Ptr");
  EXPECT_TRUE(smmuv3::encode(L1CdTableDescriptor{false, 0x00FF'FFFF'FFFF'F000}).ok());
}

TEST(L1Cd, Res0BitsAreReportedAndIgnored) {
  for (unsigned bit : {1u, 6u, 11u, 56u, 63u}) {
    Words<1> w = kLinuxL1Cd;
    w[0] |= std::uint64_t{1} << bit;
    EXPECT_EQ(smmuv3::l1cd_res0_bits(w)[0], std::uint64_t{1} << bit) << bit;
    EXPECT_EQ(smmuv3::decode_l1cd(w), kLinuxL1CdDesc) << bit;
    EXPECT_EQ(smmuv3::encode(smmuv3::decode_l1cd(w)).words, kLinuxL1Cd) << bit;
  }
  EXPECT_FALSE(smmuv3::any(smmuv3::l1cd_res0_bits(kLinuxL1Cd)));
}

// §5.2 STE.S1Fmt: 4KB leaf tables of 64 CDs indexed by SubstreamID[5:0]; 64KB leaf tables of
// 1024 CDs indexed by SubstreamID[9:0], with L1CD.L2Ptr[15:12] RES0.
TEST(L1Cd, CdTableGeometry) {
  using smmuv3::S1Fmt;
  EXPECT_EQ(smmuv3::l1cd_l2_index_bits(S1Fmt::two_level_4k), 6u);
  EXPECT_EQ(smmuv3::l1cd_l2_index_bits(S1Fmt::two_level_64k), 10u);
  EXPECT_EQ(smmuv3::l1cd_l2_index_bits(S1Fmt::linear), 0u);
  EXPECT_EQ(smmuv3::l1cd_l2_index_bits(static_cast<S1Fmt>(3)), 0u);  // Reserved = linear
  EXPECT_EQ(smmuv3::l1cd_l2_table_bytes_log2(S1Fmt::two_level_4k), 12u);
  EXPECT_EQ(smmuv3::l1cd_l2_table_bytes_log2(S1Fmt::two_level_64k), 16u);
  EXPECT_EQ(smmuv3::l1cd_l2ptr_res0_mask(S1Fmt::two_level_64k), 0xF000u);
  EXPECT_EQ(smmuv3::l1cd_l2ptr_res0_mask(S1Fmt::two_level_4k), 0u);

  EXPECT_EQ(smmuv3::l1cd_index(S1Fmt::two_level_4k, 0x1234), 0x1234u >> 6);
  EXPECT_EQ(smmuv3::l1cd_l2_index(S1Fmt::two_level_4k, 0x1234), 0x34u);
  EXPECT_EQ(smmuv3::l1cd_index(S1Fmt::two_level_64k, 0x1234), 0x4u);
  EXPECT_EQ(smmuv3::l1cd_l2_index(S1Fmt::two_level_64k, 0x1234), 0x234u);
  EXPECT_EQ(smmuv3::l1cd_index(S1Fmt::linear, 0x1234), 0u);
  EXPECT_EQ(smmuv3::l1cd_l2_index(S1Fmt::linear, 0x1234), 0x1234u);
}

}  // namespace
