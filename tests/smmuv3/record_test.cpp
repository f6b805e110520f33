// Tests for include/smmuv3/record.hpp: the single field list every record derives from.
#include <smmuv3/record.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace smmuv3 {
namespace {

enum class Mode : std::uint8_t { off = 0, on = 1, reserved = 3 };

// A made-up two-word record: a 4-bit count, an address field holding bits [51:12], an enum.
struct Toy {
  std::uint8_t count = 0;
  std::uint64_t base = 0;
  Mode mode = Mode::off;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(Bits<11, 8>{}, "Count", s.count);
    v(Addr<51, 12, 12>{}, "Base", s.base);
    v(Bits<65, 64>{}, "Mode", s.mode);
  }
  friend constexpr bool operator==(const Toy&, const Toy&) = default;
};

struct Overlapping {
  std::uint8_t a = 0;
  bool b = false;
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(Bits<3, 0>{}, "A", s.a);
    v(Bit<3>{}, "B", s.b);
  }
};

static_assert(FieldRecord<Toy>);
static_assert(!FieldRecord<int>);

constexpr Toy kToy{.count = 0xA, .base = 0x8'1234'5000, .mode = Mode::reserved};

// The whole pipeline is usable in constant expressions.
static_assert(encode_fields<2>(kToy).ok());
static_assert(encode_fields<2>(kToy).words[0] == (0xA00 | 0x8'1234'5000));
static_assert(encode_fields<2>(kToy).words[1] == 3);
static_assert(decode_fields<Toy>(encode_fields<2>(kToy).words) == kToy);
static_assert(fields_mask<2, Toy>()[0] == (0xF00 | 0x000F'FFFF'FFFF'F000) && fields_mask<2, Toy>()[1] == 3);
static_assert(fields_disjoint<2, Toy>());
static_assert(!fields_disjoint<2, Toy>(Words<2>{{0x100, 0}}), "a field over the opcode is an overlap");
static_assert(!fields_disjoint<1, Overlapping>());

TEST(Record, EncodeStartsFromTheGivenWords) {
  const auto e = encode_fields<2>(Toy{}, Words<2>{{0x46, 0}});
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.words[0], 0x46u);
}

TEST(Record, EncodeReportsTheFirstFieldThatDoesNotFit) {
  EXPECT_STREQ(encode_fields<2>(Toy{.count = 16}).bad_field, "Count");
  EXPECT_STREQ(encode_fields<2>(Toy{.base = 0x1008}).bad_field, "Base") << "misaligned";
  EXPECT_STREQ(encode_fields<2>(Toy{.base = 1ull << 52}).bad_field, "Base") << "too wide";
  EXPECT_STREQ(encode_fields<2>(Toy{.count = 16, .base = 1}).bad_field, "Count") << "first wins";
}

TEST(Record, DecodeKeepsReservedEnumValuesAndIgnoresOtherBits) {
  const Toy t = decode_fields<Toy>(Words<2>{{~0ull, ~0ull}});
  EXPECT_EQ(t.count, 0xF);
  EXPECT_EQ(t.base, 0x000F'FFFF'FFFF'F000u);
  EXPECT_EQ(t.mode, Mode::reserved);
}

TEST(Record, ForEachFieldListsEveryFieldInOrder) {
  std::vector<std::pair<std::string, std::uint64_t>> seen;
  for_each_field(kToy, [&](const char* name, std::uint64_t v) { seen.emplace_back(name, v); });
  const std::vector<std::pair<std::string, std::uint64_t>> expected = {
      {"Count", 0xA}, {"Base", 0x8'1234'5000}, {"Mode", 3}};
  EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace smmuv3
