// SPDX-License-Identifier: MIT
// Tests for include/smmuv3/cd.hpp: the Context Descriptor (IHI 0070 G.b §5.4).
#include <smmuv3/cd.hpp>

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace smmuv3;

// --- Golden vector 1: the CD Linux writes for a stage-1 paging domain -----------------------
// arm_smmu_make_s1_cd() (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c) with io-pgtable-arm's
// ARM_64_LPAE_S1 config for a 48-bit IAS, 4KB pages and a coherent walker:
//   data[0] = T0SZ(tsz=16) | TG0(ARM_LPAE_TCR_TG0_4K=0) | IRGN0(RGN_WBWA=1) | ORGN0(RGN_WBWA=1)
//           | SH0(SH_IS=3) | EPD1 | V | IPS(PS_48_BIT=5) | AA64 | R | A | ASET | ASID(0x1234)
//   data[1] = ttbr & CTXDESC_CD_1_TTB0_MASK (GENMASK_ULL(51, 4))
//   data[3] = mair: ARM_LPAE_MAIR_ATTR_{NC 0x44 @idx0, WBRWA 0xff @idx1, DEVICE 0x04 @idx2,
//             INC_OWBRWA 0xf4 @idx3} = 0xf404ff44
// Bit positions, from arm-smmu-v3.h and IHI 0070 G.b §5.4 (they agree):
//   CTXDESC_CD_0_TCR_T0SZ GENMASK(5,0)   -> 0x10
//   CTXDESC_CD_0_TCR_IRGN0 GENMASK(9,8)  -> 0x100
//   CTXDESC_CD_0_TCR_ORGN0 GENMASK(11,10)-> 0x400
//   CTXDESC_CD_0_TCR_SH0 GENMASK(13,12)  -> 0x3000
//   CTXDESC_CD_0_TCR_EPD1 bit 30, CTXDESC_CD_0_V bit 31 -> 0xC0000000
//   CTXDESC_CD_0_TCR_IPS GENMASK(34,32)  -> 0x5'00000000
//   CTXDESC_CD_0_AA64 bit 41, _R bit 45, _A bit 46, _ASET bit 47 -> 0xE200'00000000
//   CTXDESC_CD_0_ASID GENMASK(63,48)     -> 0x1234'0000'00000000
constexpr Words<kCdWords> kLinuxS1Words{{
    0x1234'E205'C000'3510ull,
    0x0000'0008'0000'1000ull,
    0,
    0x0000'0000'F404'FF44ull,
    0,
    0,
    0,
    0,
}};

constexpr Cd kLinuxS1Cd{
    .t0sz = 16,
    .tg0 = CdTg0::size_4kb,
    .ir0 = CdCacheability::write_back_ra_wa,
    .or0 = CdCacheability::write_back_ra_wa,
    .sh0 = CdShareability::inner_shareable,
    .epd1 = true,
    .v = true,
    .ips = CdIps::bits_48,
    .aa64 = true,
    .r = true,
    .a = true,
    .aset = true,
    .asid = 0x1234,
    .ttb0 = 0x8'0000'1000ull,
    .mair0 = 0xF404'FF44u,
};

// --- Golden vector 2: every word, hand-derived from IHI 0070 G.b §5.4 field positions --------
//  word 0: T1SZ=25 [21:16] 0x190000 | TG1=0b10 (4KB) [23:22] 0x800000 | IR1=0b11 [25:24]
//          0x3000000 | OR1=0b10 [27:26] 0x8000000 | SH1=0b10 [29:28] 0x20000000 | EPD0 [14]
//          0x4000 | V [31]  => low half 0xAB994000
//          IPS=0b110 [34:32] 6 | AFFD [35] 0x8 | WXN [36] 0x10 | UWXN [37] 0x20 | TBI1 [39]
//          0x80 | PAN [40] 0x100 | HD [42] 0x400 | HA [43] 0x800 | S [44] 0x1000
//          => high half 0x00001DBE
//  word 1: NSCFG0 [64] 0x1 | E0PD0 [66] 0x4 | HAFT [67] 0x8 | PnCH [122] bit 58 | EPAN [123]
//          bit 59 | HWU059 [124] bit 60 | HWU0<x> [127:126]=0b10 bit 63
//  word 2: NSCFG1 [128] 0x1 | HAD1 [129] 0x2 | AIE [131] 0x8 | TTB1 [183:132] = 0x123456789000
//          | DS [186] bit 58 | PIE [187] bit 59 | HWU160 [189] bit 61 | HWU1<x> [191:190]=0b01
//          bit 62
//  word 3: MAIR0 [223:192] 0xF404FF44, MAIR1 [255:224] 0xBB
//  word 4: AMAIR0 [287:256] 0x01020304, AMAIR1 [319:288] 0xA0B0C0D0
//  word 5: IMPLEMENTATION DEFINED [351:320] 0xDEADBEEF, PARTID [367:352] 0x0123,
//          PMG [375:368] 0x45
//  word 6: PIIU<0>=0b101 [386:384], PIIU<1>=0b001 [389:387], PIIU<15>=0b111 [431:429]
//  word 7: PIIP<0>=0b011 [450:448], PIIP<2>=0b101 [456:454]
constexpr Words<kCdWords> kSpecWords{{
    0x0000'1DBE'AB99'4000ull,
    0x9C00'0000'0000'000Dull,
    0x6C00'1234'5678'900Bull,
    0x0000'00BB'F404'FF44ull,
    0xA0B0'C0D0'0102'0304ull,
    0x0045'0123'DEAD'BEEFull,
    0x0000'E000'0000'000Dull,
    0x0000'0000'0000'0143ull,
}};

constexpr Cd kSpecCd{
    .epd0 = true,
    .t1sz = 25,
    .tg1 = CdTg1::size_4kb,
    .ir1 = CdCacheability::write_back_ra_no_wa,
    .or1 = CdCacheability::write_through_ra,
    .sh1 = CdShareability::outer_shareable,
    .v = true,
    .ips = CdIps::bits_52,
    .affd = true,
    .wxn = true,
    .uwxn = true,
    .tbi1 = true,
    .pan = true,
    .hd = true,
    .ha = true,
    .s = true,
    .nscfg0 = true,
    .e0pd0 = true,
    .haft = true,
    .pnch = true,
    .epan = true,
    .hwu059 = true,
    .hwu0x = 0b10,
    .nscfg1 = true,
    .had1 = true,
    .aie = true,
    .ttb1 = 0x1234'5678'9000ull,
    .ds = true,
    .pie = true,
    .hwu160 = true,
    .hwu1x = 0b01,
    .mair0 = 0xF404'FF44u,
    .mair1 = 0xBBu,
    .amair0 = 0x0102'0304u,
    .amair1 = 0xA0B0'C0D0u,
    .impl_def = 0xDEAD'BEEFu,
    .partid = 0x0123,
    .pmg = 0x45,
    .piiu = 0b101u | (0b001u << 3) | (std::uint64_t{0b111} << 45),
    .piip = 0b011u | (0b101u << 6),
};

// --- Compile-time proofs: encode/decode/helpers are usable in constant expressions ----------
static_assert(kCdWords == 8 && kCdBytes == 64);
static_assert(encode(kLinuxS1Cd).ok());
static_assert(encode(kLinuxS1Cd).words == kLinuxS1Words);
static_assert(decode_cd(kLinuxS1Words) == kLinuxS1Cd);
static_assert(encode(kSpecCd).words == kSpecWords);
static_assert(decode_cd(kSpecWords) == kSpecCd);
static_assert(noexcept(encode(kLinuxS1Cd)) && noexcept(decode_cd(kLinuxS1Words)));
static_assert(!any(cd_res0_bits(kSpecWords)));
static_assert(cd::ttb_align_shift(cd::TableFormat::vmsav8_64, cd::Granule::size_64kb, 16, 48) == 9);
static_assert(cd::txsz_limits(cd::Granule::size_4kb, {}) == cd::TxszLimits{16, 39});
static_assert([] {
  int n = 0;
  for_each_field(kSpecCd, [&n](const char*, std::uint64_t) { ++n; });
  return n;
}() == 58);

// --- Helpers ----------------------------------------------------------------------------------

// Largest value an accessor holds: a Bits field's max, an Addr field's address mask.
template <class F>
constexpr std::uint64_t largest() {
  if constexpr (requires { F::addr_mask; })
    return F::addr_mask;
  else
    return F::max;
}

struct Seen {
  std::string name;
  std::uint64_t value;
};

std::vector<Seen> nonzero_fields(const Cd& c) {
  std::vector<Seen> out;
  for_each_field(c, [&out](const char* n, std::uint64_t v) {
    if (v != 0) out.push_back({n, v});
  });
  return out;
}

// Sets accessor F alone to several values (max, a distinctive pattern, the lowest step) in raw
// words, then checks: decode sees exactly that one field, under `name`, with that value; encode
// of the decoded struct gives the same words back; no RES0 bit is involved.
template <class F>
void check_field(const char* name) {
  SCOPED_TRACE(name);
  constexpr std::uint64_t top = largest<F>();
  const std::uint64_t lowest = top & (~top + 1);  // lowest set bit of the mask
  const std::uint64_t values[] = {top, top & std::uint64_t{0x5A5A'A5A5'5A5A'A5A5},
                                  top & std::uint64_t{0xA5A5'5A5A'A5A5'5A5A}, lowest};
  for (const std::uint64_t value : values) {
    if (value == 0) continue;
    Words<kCdWords> w{};
    ASSERT_TRUE(F::set(w, value));
    EXPECT_FALSE(any(cd_res0_bits(w)));
    const Cd c = decode_cd(w);
    const auto seen = nonzero_fields(c);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0].name, name);
    EXPECT_EQ(seen[0].value, value);
    const auto e = encode(c);
    EXPECT_TRUE(e.ok());
    EXPECT_EQ(e.words, w);
    EXPECT_EQ(decode_cd(e.words), c);
  }
}

std::uint64_t popcount(const Words<kCdWords>& w) {
  std::uint64_t n = 0;
  for (std::size_t i = 0; i < kCdWords; ++i) n += static_cast<std::uint64_t>(std::popcount(w[i]));
  return n;
}

// --- Golden vectors ----------------------------------------------------------------------------

TEST(CdGolden, LinuxStage1DomainEncodes) {
  const auto e = encode(kLinuxS1Cd);
  ASSERT_TRUE(e.ok()) << e.bad_field;
  EXPECT_EQ(e.words, kLinuxS1Words);
  // The bytes as the SMMU fetches them (little-endian words, §5 "all ... little-endian").
  unsigned char bytes[kCdBytes];
  store_le(e.words, bytes);
  EXPECT_EQ(bytes[0], 0x10);   // T0SZ
  EXPECT_EQ(bytes[1], 0x35);   // SH0=3, ORGN0=1, IRGN0=1
  EXPECT_EQ(bytes[3], 0xC0);   // V, EPD1
  EXPECT_EQ(bytes[7], 0x12);   // ASID[15:8]
  EXPECT_EQ(bytes[9], 0x10);   // TTB0 address bit 12
  EXPECT_EQ(bytes[12], 0x08);  // TTB0 address bit 35
  EXPECT_EQ(bytes[24], 0x44);  // MAIR Attr0 (Normal Non-cacheable)
}

TEST(CdGolden, LinuxStage1DomainDecodes) {
  const Cd c = decode_cd(kLinuxS1Words);
  EXPECT_EQ(c, kLinuxS1Cd);
  EXPECT_EQ(c.t0sz, 16);
  EXPECT_EQ(c.asid, 0x1234);
  EXPECT_EQ(c.ttb0, 0x8'0000'1000ull);
  EXPECT_EQ(cd::mair(c), 0xF404'FF44ull);
  EXPECT_EQ(cd::tg0_granule_bytes(c.tg0), 4096u);
  EXPECT_EQ(cd::ips_bits(c.ips), 48u);
  // Raw accessors agree with the struct.
  EXPECT_EQ(cd::Asid::get(kLinuxS1Words), 0x1234u);
  EXPECT_EQ(cd::Ttb0::get(kLinuxS1Words), 0x8'0000'1000ull);
  EXPECT_EQ(cd::Sh0::get(kLinuxS1Words), 3u);
  EXPECT_EQ(cd::Epd1::get(kLinuxS1Words), 1u);
  EXPECT_EQ(cd::Epd0::get(kLinuxS1Words), 0u);
}

TEST(CdGolden, SpecVectorCoversEveryWord) {
  const auto e = encode(kSpecCd);
  ASSERT_TRUE(e.ok()) << e.bad_field;
  for (std::size_t i = 0; i < kCdWords; ++i) EXPECT_EQ(e.words[i], kSpecWords[i]) << "word " << i;
  EXPECT_EQ(decode_cd(kSpecWords), kSpecCd);
  EXPECT_EQ(cd::piiu_entry(kSpecCd, 0), CdPermission::read_write);
  EXPECT_EQ(cd::piiu_entry(kSpecCd, 1), CdPermission::read_only);
  EXPECT_EQ(cd::piiu_entry(kSpecCd, 2), CdPermission::no_access);
  EXPECT_EQ(cd::piiu_entry(kSpecCd, 15), CdPermission::read_write_execute);
  EXPECT_EQ(cd::piiu_entry(kSpecCd, 16), CdPermission::no_access);
  EXPECT_EQ(cd::piip_entry(kSpecCd, 0), CdPermission::read_execute);
  EXPECT_EQ(cd::piip_entry(kSpecCd, 2), CdPermission::read_write);
  EXPECT_EQ(cd::mair(kSpecCd), 0x0000'00BB'F404'FF44ull);
  EXPECT_EQ(cd::amair(kSpecCd), 0xA0B0'C0D0'0102'0304ull);
  EXPECT_EQ(cd::tg1_granule_bytes(kSpecCd.tg1), 4096u);
}

// --- Every field round-trips and touches only itself ------------------------------------------

TEST(CdFields, EachFieldRoundTripsAlone) {
  check_field<cd::T0sz>("T0SZ");
  check_field<cd::Tg0>("TG0");
  check_field<cd::Ir0>("IR0");
  check_field<cd::Or0>("OR0");
  check_field<cd::Sh0>("SH0");
  check_field<cd::Epd0>("EPD0");
  check_field<cd::Endi>("ENDI");
  check_field<cd::T1sz>("T1SZ");
  check_field<cd::Tg1>("TG1");
  check_field<cd::Ir1>("IR1");
  check_field<cd::Or1>("OR1");
  check_field<cd::Sh1>("SH1");
  check_field<cd::Epd1>("EPD1");
  check_field<cd::V>("V");
  check_field<cd::Ips>("IPS");
  check_field<cd::Affd>("AFFD");
  check_field<cd::Wxn>("WXN");
  check_field<cd::Uwxn>("UWXN");
  check_field<cd::Tbi0>("TBI0");
  check_field<cd::Tbi1>("TBI1");
  check_field<cd::Pan>("PAN");
  check_field<cd::Aa64>("AA64");
  check_field<cd::Hd>("HD");
  check_field<cd::Ha>("HA");
  check_field<cd::S>("S");
  check_field<cd::R>("R");
  check_field<cd::A>("A");
  check_field<cd::Aset>("ASET");
  check_field<cd::Asid>("ASID");
  check_field<cd::Nscfg0>("NSCFG0");
  check_field<cd::Had0>("HAD0/DisCH0");
  check_field<cd::E0pd0>("E0PD0");
  check_field<cd::Haft>("HAFT");
  check_field<cd::Ttb0>("TTB0");
  check_field<cd::Pnch>("PnCH");
  check_field<cd::Epan>("EPAN");
  check_field<cd::Hwu059>("HWU059");
  check_field<cd::Hwu060>("HWU060");
  check_field<cd::Hwu0x>("HWU0<x>/SKL0");
  check_field<cd::Nscfg1>("NSCFG1");
  check_field<cd::Had1>("HAD1/DisCH1");
  check_field<cd::E0pd1>("E0PD1");
  check_field<cd::Aie>("AIE");
  check_field<cd::Ttb1>("TTB1");
  check_field<cd::Ds>("DS");
  check_field<cd::Pie>("PIE");
  check_field<cd::Hwu159>("HWU159");
  check_field<cd::Hwu160>("HWU160");
  check_field<cd::Hwu1x>("HWU1<x>/SKL1");
  check_field<cd::Mair0>("MAIR0");
  check_field<cd::Mair1>("MAIR1");
  check_field<cd::Amair0>("AMAIR0");
  check_field<cd::Amair1>("AMAIR1");
  check_field<cd::ImplDef>("IMPLEMENTATION DEFINED");
  check_field<cd::Partid>("PARTID");
  check_field<cd::Pmg>("PMG");
  check_field<cd::Piiu>("PIIU");
  check_field<cd::Piip>("PIIP");
}

TEST(CdFields, ForEachFieldListsEveryFieldOnceInSpecOrder) {
  std::vector<std::string> names;
  for_each_field(Cd{}, [&names](const char* n, std::uint64_t v) {
    EXPECT_EQ(v, 0u) << n;
    names.emplace_back(n);
  });
  const std::vector<std::string> expected = {
      "T0SZ", "TG0", "IR0", "OR0", "SH0", "EPD0", "ENDI", "T1SZ", "TG1", "IR1", "OR1", "SH1",
      "EPD1", "V", "IPS", "AFFD", "WXN", "UWXN", "TBI0", "TBI1", "PAN", "AA64", "HD", "HA", "S",
      "R", "A", "ASET", "ASID", "NSCFG0", "HAD0/DisCH0", "E0PD0", "HAFT", "TTB0", "PnCH", "EPAN",
      "HWU059", "HWU060", "HWU0<x>/SKL0", "NSCFG1", "HAD1/DisCH1", "E0PD1", "AIE", "TTB1", "DS",
      "PIE", "HWU159", "HWU160", "HWU1<x>/SKL1", "MAIR0", "MAIR1", "AMAIR0", "AMAIR1",
      "IMPLEMENTATION DEFINED", "PARTID", "PMG", "PIIU", "PIIP"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
}

TEST(CdFields, FullyPopulatedStructRoundTrips) {
  // Every member at its largest value at once: nothing overlaps, nothing is lost.
  Cd c{};
  c.t0sz = 63; c.tg0 = CdTg0{3}; c.ir0 = CdCacheability{3}; c.or0 = CdCacheability{3};
  c.sh0 = CdShareability{3}; c.epd0 = c.endi = true; c.t1sz = 63; c.tg1 = CdTg1{3};
  c.ir1 = CdCacheability{3}; c.or1 = CdCacheability{3}; c.sh1 = CdShareability{3};
  c.epd1 = c.v = true; c.ips = CdIps{7};
  c.affd = c.wxn = c.uwxn = c.tbi0 = c.tbi1 = c.pan = c.aa64 = c.hd = c.ha = true;
  c.s = c.r = c.a = c.aset = true; c.asid = 0xFFFF;
  c.nscfg0 = c.had0 = c.e0pd0 = c.haft = true; c.ttb0 = cd::Ttb0::addr_mask;
  c.pnch = c.epan = c.hwu059 = c.hwu060 = true; c.hwu0x = 3;
  c.nscfg1 = c.had1 = c.e0pd1 = c.aie = true; c.ttb1 = cd::Ttb1::addr_mask;
  c.ds = c.pie = c.hwu159 = c.hwu160 = true; c.hwu1x = 3;
  c.mair0 = c.mair1 = c.amair0 = c.amair1 = c.impl_def = 0xFFFF'FFFFu;
  c.partid = 0xFFFF; c.pmg = 0xFF;
  c.piiu = c.piip = (std::uint64_t{1} << 48) - 1;
  const auto e = encode(c);
  ASSERT_TRUE(e.ok()) << e.bad_field;
  EXPECT_EQ(e.words, kCdDefined);
  EXPECT_EQ(decode_cd(e.words), c);
}

TEST(CdFields, ImplementationDependentBitsShareAccessors) {
  // Bit 65 is HAD0 or DisCH0, bits [127:126] HWU0<x> or SKL0 (§5.4, "When SMMU_IDR5.D128 == 1").
  static_assert(cd::Had0::mask == cd::DisCh0::mask && cd::Had0::word == 1);
  static_assert(cd::Had1::mask == cd::DisCh1::mask && cd::Had1::word == 2);
  static_assert(cd::Skl0::mask == cd::Hwu0x::mask);
  static_assert(cd::Skl1::mask == cd::Hwu1x::mask);
  static_assert((cd::Hwu061::mask | cd::Hwu062::mask) == cd::Hwu0x::mask);
  static_assert(cd::Hwu062::lo == 127 && cd::Hwu061::lo == 126);
  static_assert(cd::Hwu162::lo == 191 && cd::Hwu161::lo == 190);
  Words<kCdWords> w{};
  ASSERT_TRUE(cd::Hwu062::set(w, 1));
  ASSERT_TRUE(cd::DisCh0::set(w, 1));
  const Cd c = decode_cd(w);
  EXPECT_TRUE(cd::hwu062(c));
  EXPECT_FALSE(cd::hwu061(c));
  EXPECT_EQ(cd::skl0(c), 2u);
  EXPECT_TRUE(cd::disch0(c));
  EXPECT_TRUE(c.had0);
  EXPECT_FALSE(cd::disch1(c));
  EXPECT_EQ(cd::skl1(kSpecCd), 1u);
  EXPECT_TRUE(cd::hwu161(kSpecCd));
  EXPECT_FALSE(cd::hwu162(kSpecCd));
}

// --- RES0 -------------------------------------------------------------------------------------

TEST(CdRes0, MaskIsExactlyTheSpecReservedBits) {
  // §5.4: Bits [121:120], [185:184], [383:376], [447:432], [511:496] are Reserved, RES0.
  const Words<kCdWords> expected{{
      0,
      0x0300'0000'0000'0000ull,  // CD[121:120] = word 1 bits [57:56]
      0x0300'0000'0000'0000ull,  // CD[185:184] = word 2 bits [57:56]
      0,
      0,
      0xFF00'0000'0000'0000ull,  // CD[383:376] = word 5 bits [63:56]
      0xFFFF'0000'0000'0000ull,  // CD[447:432] = word 6 bits [63:48]
      0xFFFF'0000'0000'0000ull,  // CD[511:496] = word 7 bits [63:48]
  }};
  EXPECT_EQ(kCdRes0, expected);
  EXPECT_EQ(popcount(kCdDefined), 512u - 44u);
  EXPECT_EQ(popcount(kCdRes0), 44u);
  EXPECT_EQ(kCdImplDefined[5], 0x0000'0000'FFFF'FFFFull);
  EXPECT_FALSE(any(bits_in(kCdImplDefined, kCdRes0)));
}

TEST(CdRes0, FieldsDoNotOverlap) {
  // The sum of the field widths equals the number of defined bits: no bit belongs to two
  // fields (the DisCH/SKL aliases are the same fields and are not counted twice).
  constexpr unsigned widths = cd::T0sz::width + cd::Tg0::width + cd::Ir0::width + cd::Or0::width +
      cd::Sh0::width + cd::Epd0::width + cd::Endi::width + cd::T1sz::width + cd::Tg1::width +
      cd::Ir1::width + cd::Or1::width + cd::Sh1::width + cd::Epd1::width + cd::V::width +
      cd::Ips::width + cd::Affd::width + cd::Wxn::width + cd::Uwxn::width + cd::Tbi0::width +
      cd::Tbi1::width + cd::Pan::width + cd::Aa64::width + cd::Hd::width + cd::Ha::width +
      cd::S::width + cd::R::width + cd::A::width + cd::Aset::width + cd::Asid::width +
      cd::Nscfg0::width + cd::Had0::width + cd::E0pd0::width + cd::Haft::width +
      cd::Ttb0::Field::width + cd::Pnch::width + cd::Epan::width + cd::Hwu059::width +
      cd::Hwu060::width + cd::Hwu0x::width + cd::Nscfg1::width + cd::Had1::width +
      cd::E0pd1::width + cd::Aie::width + cd::Ttb1::Field::width + cd::Ds::width +
      cd::Pie::width + cd::Hwu159::width + cd::Hwu160::width + cd::Hwu1x::width +
      cd::Mair0::width + cd::Mair1::width + cd::Amair0::width + cd::Amair1::width +
      cd::ImplDef::width + cd::Partid::width + cd::Pmg::width + cd::Piiu::width + cd::Piip::width;
  EXPECT_EQ(widths, popcount(kCdDefined));
}

TEST(CdRes0, SetRes0BitsAreReportedAndIgnoredByDecode) {
  Words<kCdWords> w = kLinuxS1Words;
  w[1] |= std::uint64_t{1} << 56;  // CD[120]
  w[2] |= std::uint64_t{1} << 57;  // CD[185]
  w[5] |= std::uint64_t{1} << 60;  // CD[380]
  w[7] |= std::uint64_t{1} << 63;  // CD[511]
  const Words<kCdWords> res0 = cd_res0_bits(w);
  const Words<kCdWords> expected{{0, std::uint64_t{1} << 56, std::uint64_t{1} << 57, 0, 0,
                                  std::uint64_t{1} << 60, 0, std::uint64_t{1} << 63}};
  EXPECT_EQ(res0, expected);
  EXPECT_FALSE(any(cd_res0_bits(kLinuxS1Words)));
  const Cd c = decode_cd(w);
  EXPECT_EQ(c, kLinuxS1Cd);
  // encode(decode(w)) == w & ~RES0.
  EXPECT_EQ(encode(c).words, kLinuxS1Words);
}

TEST(CdRes0, RandomWordsRoundTripModuloRes0) {
  std::uint64_t x = 0x9E37'79B9'7F4A'7C15ull;
  for (int round = 0; round < 200; ++round) {
    Words<kCdWords> w{};
    for (std::size_t i = 0; i < kCdWords; ++i) {
      x ^= x << 13; x ^= x >> 7; x ^= x << 17;
      w[i] = x;
    }
    const auto e = encode(decode_cd(w));
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e.words, bits_in(w, kCdDefined));
  }
}

// --- A value that does not fit is reported by spec name ---------------------------------------

TEST(CdEncode, OversizedFieldIsNamed) {
  Cd c = kLinuxS1Cd;
  c.t0sz = 64;
  EXPECT_STREQ(encode(c).bad_field, "T0SZ");

  c = kLinuxS1Cd;
  c.tg0 = CdTg0{4};
  EXPECT_STREQ(encode(c).bad_field, "TG0");

  c = kLinuxS1Cd;
  c.ips = CdIps{8};
  EXPECT_STREQ(encode(c).bad_field, "IPS");

  c = kLinuxS1Cd;
  c.hwu0x = 4;
  EXPECT_STREQ(encode(c).bad_field, "HWU0<x>/SKL0");

  c = kLinuxS1Cd;
  c.piiu = std::uint64_t{1} << 48;
  EXPECT_STREQ(encode(c).bad_field, "PIIU");

  c = kLinuxS1Cd;
  c.piip = std::uint64_t{1} << 63;
  EXPECT_STREQ(encode(c).bad_field, "PIIP");
}

TEST(CdEncode, MisalignedOrTooWideAddressIsNamed) {
  Cd c = kLinuxS1Cd;
  c.ttb0 = 0x8'0000'1008ull;  // bit 3 set: TTB0 holds address bits [55:4] only
  EXPECT_STREQ(encode(c).bad_field, "TTB0");

  c = kLinuxS1Cd;
  c.ttb0 = std::uint64_t{1} << 56;  // beyond TTB0[55:4]
  EXPECT_STREQ(encode(c).bad_field, "TTB0");

  c = kLinuxS1Cd;
  c.ttb1 = 0x1001;
  EXPECT_STREQ(encode(c).bad_field, "TTB1");

  c = kLinuxS1Cd;
  c.ttb0 = std::uint64_t{1} << 55;  // the top of the VMSAv9-128 range fits
  EXPECT_TRUE(encode(c).ok());
}

TEST(CdEncode, FirstBadFieldInSpecOrderWins) {
  Cd c = kLinuxS1Cd;
  c.piip = ~std::uint64_t{0};
  c.t1sz = 200;
  c.ttb0 = 3;
  const auto e = encode(c);
  EXPECT_FALSE(e.ok());
  EXPECT_STREQ(e.bad_field, "T1SZ");
}

// --- Architecture helpers ---------------------------------------------------------------------

TEST(CdArch, GranuleEncodingsDifferBetweenTg0AndTg1) {
  // §5.4 TG0: 00 4KB, 01 64KB, 10 16KB, 11 Reserved.
  EXPECT_EQ(cd::tg0_granule_bytes(CdTg0{0}), 4096u);
  EXPECT_EQ(cd::tg0_granule_bytes(CdTg0{1}), 65536u);
  EXPECT_EQ(cd::tg0_granule_bytes(CdTg0{2}), 16384u);
  EXPECT_EQ(cd::tg0_granule_bytes(CdTg0{3}), 0u);
  EXPECT_EQ(cd::tg0_granule(CdTg0{3}), cd::Granule::reserved);
  // §5.4 TG1: 00 Reserved, 01 16KB, 10 4KB, 11 64KB.
  EXPECT_EQ(cd::tg1_granule_bytes(CdTg1{0}), 0u);
  EXPECT_EQ(cd::tg1_granule_bytes(CdTg1{1}), 16384u);
  EXPECT_EQ(cd::tg1_granule_bytes(CdTg1{2}), 4096u);
  EXPECT_EQ(cd::tg1_granule_bytes(CdTg1{3}), 65536u);
  EXPECT_EQ(cd::granule_shift(cd::Granule::size_16kb), 14u);
}

TEST(CdArch, IpsEncodingToBits) {
  const unsigned expected[] = {32, 36, 40, 42, 44, 48, 52, 56};
  for (unsigned raw = 0; raw < 8; ++raw)
    EXPECT_EQ(cd::ips_bits(CdIps{static_cast<std::uint8_t>(raw)}), expected[raw]) << raw;
  EXPECT_EQ(cd::ips_bits(CdIps{8}), 0u);
}

TEST(CdArch, TableFormatAndEffectiveIps) {
  using cd::TableFormat;
  EXPECT_EQ(cd::table_format(true, false), TableFormat::vmsav8_64);
  EXPECT_EQ(cd::table_format(true, true), TableFormat::vmsav8_64);
  EXPECT_EQ(cd::table_format(false, true), TableFormat::vmsav9_128);
  EXPECT_EQ(cd::table_format(false, false), TableFormat::vmsav8_32_lpae);
  // eff_IPS = MIN(CD.IPS, SMMU_IDR5.OAS); LPAE always 40 bits.
  EXPECT_EQ(cd::effective_ips_bits(TableFormat::vmsav8_64, CdIps::bits_52, 5), 48u);
  EXPECT_EQ(cd::effective_ips_bits(TableFormat::vmsav8_64, CdIps::bits_40, 6), 40u);
  EXPECT_EQ(cd::effective_ips_bits(TableFormat::vmsav9_128, CdIps::bits_56, 7), 56u);
  EXPECT_EQ(cd::effective_ips_bits(TableFormat::vmsav8_32_lpae, CdIps::bits_32, 5), 40u);
}

TEST(CdArch, TxszLimitsFollowCdTxSZInvalid) {
  using cd::Granule;
  cd::TxszContext ctx{};
  EXPECT_EQ(cd::txsz_limits(Granule::size_4kb, ctx), (cd::TxszLimits{16, 39}));
  ctx.idr3_stt = true;
  EXPECT_EQ(cd::txsz_limits(Granule::size_4kb, ctx), (cd::TxszLimits{16, 48}));
  EXPECT_EQ(cd::txsz_limits(Granule::size_16kb, ctx), (cd::TxszLimits{16, 48}));
  EXPECT_EQ(cd::txsz_limits(Granule::size_64kb, ctx), (cd::TxszLimits{16, 47}));
  ctx.idr5_vax = 0b01;  // 52-bit VAs
  EXPECT_EQ(cd::txsz_limits(Granule::size_64kb, ctx).min, 12);
  EXPECT_EQ(cd::txsz_limits(Granule::size_4kb, ctx).min, 16);
  ctx.idr5_ds = true;
  EXPECT_EQ(cd::txsz_limits(Granule::size_4kb, ctx).min, 16);  // CD.DS still 0
  ctx.cd_ds = true;
  EXPECT_EQ(cd::txsz_limits(Granule::size_4kb, ctx).min, 12);
  ctx = {.idr3_stt = true, .idr5_vax = 0b01, .vmsa128 = true};
  EXPECT_EQ(cd::txsz_limits(Granule::size_4kb, ctx).min, 12);
  ctx = {.idr3_stt = true, .idr5_vax = 0b10, .vmsa128 = true};  // 56-bit VAs
  EXPECT_EQ(cd::txsz_limits(Granule::size_4kb, ctx).min, 9);
  ctx.streamworld_el3 = true;
  EXPECT_EQ(cd::txsz_limits(Granule::size_4kb, ctx).min, 8);
  ctx = {.idr5_vax = 0b10};
  EXPECT_EQ(cd::txsz_limits(Granule::size_4kb, ctx).min, 16);
  EXPECT_EQ(cd::txsz_limits(Granule::size_64kb, ctx).min, 12);
  const auto none = cd::txsz_limits(Granule::reserved, {});
  for (unsigned t = 0; t < 64; ++t) EXPECT_FALSE(none.contains(t)) << t;
  // The Linux golden vector's T0SZ is valid for a 4KB, 48-bit-VA SMMU.
  const auto lin = cd::txsz_limits(cd::tg0_granule(kLinuxS1Cd.tg0), {});
  EXPECT_TRUE(lin.contains(kLinuxS1Cd.t0sz));
  EXPECT_FALSE(lin.contains(15));
  EXPECT_FALSE(lin.contains(40));
}

TEST(CdArch, TtbAddressMaskAndLimit) {
  using cd::Granule;
  using cd::TableFormat;
  EXPECT_EQ(cd::ttb_addr_mask(TableFormat::vmsav8_64), 0x000F'FFFF'FFFF'FFF0ull);
  EXPECT_EQ(cd::ttb_addr_mask(TableFormat::vmsav8_32_lpae), 0x000F'FFFF'FFFF'FFF0ull);
  EXPECT_EQ(cd::ttb_addr_mask(TableFormat::vmsav9_128), 0x00FF'FFFF'FFFF'FFF0ull);
  // ILLEGAL outside eff_IPS, and outside 48 bits for VMSAv8-64, DS == 0, granule < 64KB.
  EXPECT_EQ(cd::ttb_addr_limit_bits(TableFormat::vmsav8_64, Granule::size_4kb, false, 52), 48u);
  EXPECT_EQ(cd::ttb_addr_limit_bits(TableFormat::vmsav8_64, Granule::size_16kb, false, 52), 48u);
  EXPECT_EQ(cd::ttb_addr_limit_bits(TableFormat::vmsav8_64, Granule::size_4kb, true, 52), 52u);
  EXPECT_EQ(cd::ttb_addr_limit_bits(TableFormat::vmsav8_64, Granule::size_64kb, false, 52), 52u);
  EXPECT_EQ(cd::ttb_addr_limit_bits(TableFormat::vmsav8_64, Granule::size_4kb, false, 40), 40u);
  EXPECT_EQ(cd::ttb_addr_limit_bits(TableFormat::vmsav9_128, Granule::size_4kb, false, 56), 56u);
}

TEST(CdArch, TtbAlignmentVmsav8_64) {
  using cd::Granule;
  constexpr auto f = cd::TableFormat::vmsav8_64;
  // 4KB, 48-bit VA: level 0 resolves VA[47:39], 512 entries x 8 bytes = 4KB.
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_4kb, 16, 48), 12u);
  // 4KB, 39-bit VA: starts at level 1, again a full 512-entry table.
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_4kb, 25, 48), 12u);
  // 4KB, 31-bit VA: level 1 resolves VA[30] only: 2 entries, 16 bytes; 64 bytes once the
  // output exceeds 48 bits (§5.4 TTB0; DDI 0487 D8.2.5.2).
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_4kb, 33, 48), 4u);
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_4kb, 33, 52), 6u);
  // 64KB, 48-bit VA: level 1 resolves 6 bits, 512-byte table, TTBR base bits [47:9]
  // (DDI 0487 K8.1.2.4, Figure K8-12).
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_64kb, 16, 48), 9u);
  // 64KB, 42-bit VA: starts at level 2 with a full 8192-entry (64KB) table (K8.1.2.5).
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_64kb, 22, 48), 16u);
  // 16KB, 48-bit VA: level 0 has 2 entries.
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_16kb, 16, 48), 4u);
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_16kb, 16, 52), 6u);
  // 4KB with DS, 52-bit VA: level -1 resolves VA[51:48], 16 entries.
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_4kb, 12, 52), 7u);
  // Undefined inputs.
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::reserved, 16, 48), 0u);
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_4kb, 52, 48), 0u);
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_4kb, 64, 48), 0u);
}

TEST(CdArch, TtbAlignmentVmsav8_32Lpae) {
  // AArch32 TTBR0: x = 5 - T0SZ for T0SZ 0 or 1, else 14 - T0SZ; T0SZ[5:3] are IGNORED (§5.4).
  constexpr auto f = cd::TableFormat::vmsav8_32_lpae;
  for (unsigned t = 0; t < 8; ++t) {
    const unsigned expected = t <= 1 ? 5 - t : 14 - t;
    EXPECT_EQ(cd::ttb_align_shift(f, cd::Granule::reserved, t, 40), expected) << t;
    EXPECT_EQ(cd::ttb_align_shift(f, cd::Granule::size_64kb, t | 0x38, 40), expected) << t;
  }
}

TEST(CdArch, TtbAlignmentVmsav9_128) {
  using cd::Granule;
  constexpr auto f = cd::TableFormat::vmsav9_128;
  // 16-byte descriptors: 4KB tables hold 256 entries (8 bits per level).
  // 48-bit VA: start level 0 (§5.4.2 CDSLInvalidD128: 3 - ((47 - 12) DIV 8)) resolves
  // VA[47:44]: 16 entries x 16 bytes = 256 bytes.
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_4kb, 16, 48), 8u);
  // Skipping levels starts the walk at a full 4KB table.
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_4kb, 16, 48, 1), 12u);
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_4kb, 16, 48, 3), 12u);
  // 21-bit VA: one bit at level 2, 2 entries = 32 bytes, the VMSAv9-128 minimum.
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_4kb, 43, 48), 5u);
  // 64KB, 52-bit VA: start level 1 resolves VA[51:40], a full 64KB table; SKL may skip at
  // most two levels from there.
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_64kb, 12, 52), 16u);
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_64kb, 12, 52, 2), 16u);
  EXPECT_EQ(cd::ttb_align_shift(f, Granule::size_64kb, 12, 52, 3), 0u);
}

}  // namespace
