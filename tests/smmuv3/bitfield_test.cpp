// Tests for include/smmuv3/bitfield.hpp: the [Hi:Lo] field primitive every record uses.
#include <smmuv3/bitfield.hpp>

#include <gtest/gtest.h>

namespace smmuv3 {
namespace {

using Low = Bits<7, 4>;
using Straddle = Bits<67, 64>;  // first bits of word 1
using Whole = Bits<191, 128>;   // a whole 64-bit word (e.g. an event's InputAddr)
using Ptr = Addr<51, 6, 6>;     // same position as the address bits (STE.S1ContextPtr)
using Shifted = Addr<243, 196, 4>;  // STE.S2TTB: STE[243:196] holds S2TTB[51:4]

static_assert(Low::width == 4 && Low::max == 0xF && Low::mask == 0xF0);
static_assert(Straddle::word == 1 && Straddle::shift == 0);
static_assert(Whole::max == ~std::uint64_t{0} && Whole::mask == ~std::uint64_t{0});
static_assert(Shifted::word == 3 && Shifted::addr_hi == 51 && Shifted::addr_mask == 0x000F'FFFF'FFFF'FFF0);

// set/get are usable in constant expressions, and set never truncates.
static_assert([] {
  Words<2> w{};
  return Low::set(w, 0xA) && Low::get(w) == 0xA && w[0] == 0xA0 && !Low::set(w, 0x10) && w[0] == 0xA0;
}());
static_assert(Low::insert(0xFFFF, 0x3) == 0xFF3F);
static_assert(Low::insert(0, 0x13) == 0x30, "bits beyond the field never spread into neighbours");

TEST(Bits, SetAndGetTouchOnlyTheirBits) {
  Words<3> w{{~0ull, ~0ull, ~0ull}};
  ASSERT_TRUE(Straddle::set(w, 0x5));
  EXPECT_EQ(w[1], (~0ull & ~0xFull) | 0x5);
  EXPECT_EQ(w[0], ~0ull);
  EXPECT_EQ(w[2], ~0ull);
  EXPECT_EQ(Straddle::get(w), 0x5u);
}

TEST(Bits, RefusesValuesWiderThanTheField) {
  Words<1> w{};
  EXPECT_FALSE(Low::set(w, 16));
  EXPECT_EQ(w[0], 0u);
}

TEST(Bits, WholeWordField) {
  Words<3> w{};
  ASSERT_TRUE(Whole::set(w, 0x0123'4567'89AB'CDEF));
  EXPECT_EQ(w[2], 0x0123'4567'89AB'CDEFu);
  EXPECT_EQ(Whole::get(w), 0x0123'4567'89AB'CDEFu);
}

TEST(Addr, StoresByteAddressesAndRefusesMisalignedOrWide) {
  Words<4> w{};
  ASSERT_TRUE(Shifted::set(w, 0x8'0000'1230));
  EXPECT_EQ(w[3], (0x8'0000'1230ull >> 4) << 4);  // field at word 3 bit 4 holds addr >> 4
  EXPECT_EQ(Shifted::get(w), 0x8'0000'1230u);
  EXPECT_FALSE(Shifted::set(w, 0x8'0000'1238));       // bit 3 set: misaligned
  EXPECT_FALSE(Shifted::set(w, 1ull << 52));          // beyond S2TTB[51:4]
  EXPECT_EQ(Shifted::get(w), 0x8'0000'1230u);         // refused sets change nothing
  Words<1> p{};
  ASSERT_TRUE(Ptr::set(p, 0xFFFF'FFFF'FFC0));
  EXPECT_EQ(p[0], 0xFFFF'FFFF'FFC0u);
  EXPECT_FALSE(Ptr::set(p, 0x20));
}

TEST(Words, LittleEndianBytes) {
  const unsigned char bytes[16] = {0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01,
                                   1, 0, 0, 0, 0, 0, 0, 0x80};
  const Words<2> w = load_le<2>(bytes);
  EXPECT_EQ(w[0], 0x0123'4567'89AB'CDEFu);
  EXPECT_EQ(w[1], 0x8000'0000'0000'0001u);
  unsigned char out[16] = {};
  store_le(w, out);
  for (int i = 0; i < 16; ++i) EXPECT_EQ(out[i], bytes[i]) << i;
}

TEST(Masks, Res0IsTheComplementOfDefinedFields) {
  constexpr auto defined = mask_of<2, Low, Straddle>();
  static_assert(defined[0] == 0xF0 && defined[1] == 0xF);
  constexpr auto res0 = complement(defined);
  const Words<2> clean{{0xA0, 0x3}};
  const Words<2> dirty{{0xA1, 0x13}};
  EXPECT_FALSE(any(bits_in(clean, res0)));
  EXPECT_EQ(bits_in(dirty, res0), (Words<2>{{0x1, 0x10}}));
}

TEST(Encoder, ReportsTheFirstFieldThatDoesNotFit) {
  enum class E : std::uint8_t { big = 0x20 };
  constexpr auto ok = Encoder<2>{}.put<Low>(3, "Low").put<Straddle>(true, "Straddle").done();
  static_assert(ok.ok() && ok.words[0] == 0x30 && ok.words[1] == 1);
  const auto bad = Encoder<2>{}.put<Low>(E::big, "Low").put<Straddle>(16, "Straddle").done();
  EXPECT_FALSE(bad.ok());
  EXPECT_STREQ(bad.bad_field, "Low");
  const auto neg = Encoder<2>{}.put<Low>(-1, "Low").done();
  EXPECT_STREQ(neg.bad_field, "Low") << "a negative value is never wrapped into the field";
}

}  // namespace
}  // namespace smmuv3
