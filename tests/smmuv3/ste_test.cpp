// SPDX-License-Identifier: MIT
// Tests for include/smmuv3/ste.hpp (IHI 0070 §5.2 STE).
//
// The field table below is transcribed from IHI 0070 G.b §5.2 independently of the header, so
// a wrong position, a missing field or a field out of order in the header fails a test here.
#include <smmuv3/ste.hpp>

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

namespace {

using smmuv3::Ste;
using smmuv3::Words;

// ----- The STE layout as printed in IHI 0070 G.b §5.2 ------------------------------------------

struct FieldSpec {
  const char* name;
  unsigned hi;
  unsigned lo;
  unsigned addr_lo;  // for address fields: the address bit held by bit `lo`; 0 otherwise
};

constexpr FieldSpec kSpec[] = {
    {"V", 0, 0, 0},
    {"Config", 3, 1, 0},
    {"S1Fmt", 5, 4, 0},
    {"S1ContextPtr", 55, 6, 6},
    {"S1CDMax", 63, 59, 0},
    {"S1DSS", 65, 64, 0},
    {"S1CIR", 67, 66, 0},
    {"S1COR", 69, 68, 0},
    {"S1CSH", 71, 70, 0},
    {"S2HWU59", 72, 72, 0},
    {"S2HWU60", 73, 73, 0},
    {"S2HWU61", 74, 74, 0},
    {"S2HWU62", 75, 75, 0},
    {"DRE", 76, 76, 0},
    {"CONT", 80, 77, 0},
    {"DCP", 81, 81, 0},
    {"PPAR", 82, 82, 0},
    {"MEV", 83, 83, 0},
    {"SW_RESERVED", 87, 84, 0},
    {"S1PIE", 88, 88, 0},
    {"S2FWB", 89, 89, 0},
    {"S1MPAM", 90, 90, 0},
    {"S1STALLD", 91, 91, 0},
    {"EATS", 93, 92, 0},
    {"STRW", 95, 94, 0},
    {"MemAttr", 99, 96, 0},
    {"MTCFG", 100, 100, 0},
    {"ALLOCCFG", 104, 101, 0},
    {"SHCFG", 109, 108, 0},
    {"NSCFG", 111, 110, 0},
    {"PRIVCFG", 113, 112, 0},
    {"INSTCFG", 115, 114, 0},
    {"IMPLEMENTATION_DEFINED[127:116]", 127, 116, 0},
    {"S2VMID", 143, 128, 0},
    {"IMPLEMENTATION_DEFINED[159:144]", 159, 144, 0},
    {"S2T0SZ", 165, 160, 0},
    {"S2SL0", 167, 166, 0},
    {"S2IR0", 169, 168, 0},
    {"S2OR0", 171, 170, 0},
    {"S2SH0", 173, 172, 0},
    {"S2TG", 175, 174, 0},
    {"S2PS", 178, 176, 0},
    {"S2AA64", 179, 179, 0},
    {"S2ENDI", 180, 180, 0},
    {"S2AFFD", 181, 181, 0},
    {"S2PTW", 182, 182, 0},
    {"S2HD", 183, 183, 0},
    {"S2HA", 184, 184, 0},
    {"S2S", 185, 185, 0},
    {"S2R", 186, 186, 0},
    {"S2HAFT", 187, 187, 0},
    {"S2PIE", 188, 188, 0},
    {"S2POE", 189, 189, 0},
    {"DPT_VMATCH", 191, 190, 0},
    {"S2NSW", 192, 192, 0},
    {"S2NSA", 193, 193, 0},
    {"S2SL0_2", 194, 194, 0},
    {"S2DS", 195, 195, 0},
    {"S2TTB", 247, 196, 4},
    {"S2SKL", 254, 253, 0},
    {"IMPLEMENTATION_DEFINED[271:256]", 271, 256, 0},
    {"PARTID", 287, 272, 0},
    {"S_S2T0SZ", 293, 288, 0},
    {"S_S2SL0", 295, 294, 0},
    {"S_S2TG", 303, 302, 0},
    {"MECID", 319, 304, 0},
    {"PMG", 327, 320, 0},
    {"MPAM_NS", 328, 328, 0},
    {"AssuredOnly", 329, 329, 0},
    {"TL0", 330, 330, 0},
    {"TL1", 331, 331, 0},
    {"VMSPtr", 375, 332, 12},
    {"S2SW", 384, 384, 0},
    {"S2SA", 385, 385, 0},
    {"S_S2SL0_2", 386, 386, 0},
    {"S_S2TTB", 439, 388, 4},
    {"S_S2SKL", 446, 445, 0},
    {"S2POI", 511, 448, 0},
};
constexpr std::size_t kSpecCount = sizeof(kSpec) / sizeof(kSpec[0]);

// The RES0 ranges §5.2 lists ("Reserved, RES0").
struct Range {
  unsigned hi;
  unsigned lo;
};
constexpr Range kRes0Ranges[] = {{58, 56},   {107, 105}, {252, 248}, {255, 255}, {301, 296},
                                 {383, 376}, {387, 387}, {444, 440}, {447, 447}};

constexpr std::uint64_t width_mask(unsigned hi, unsigned lo) {
  const unsigned width = hi - lo + 1;
  return width == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
}

// Writes `value` (which must fit) into spec bits [hi:lo] of raw words.
void put_raw(Words<8>& w, unsigned hi, unsigned lo, std::uint64_t value) {
  ASSERT_EQ(hi / 64, lo / 64) << "a field never straddles words";
  ASSERT_EQ(value & ~width_mask(hi, lo), 0u);
  w[lo / 64] |= value << (lo % 64);
}

struct NamedValue {
  std::string name;
  std::uint64_t value;
};

std::vector<NamedValue> fields_of(const Ste& s) {
  std::vector<NamedValue> out;
  smmuv3::for_each_field(s, [&](const char* name, std::uint64_t v) { out.push_back({name, v}); });
  return out;
}

// ----- Compile-time properties ------------------------------------------------------------------

static_assert(smmuv3::kSteWords == 8 && smmuv3::kSteBytes == 64);
static_assert(smmuv3::ste::S2Vmid::lo == 128 && smmuv3::ste::S2Vmid::hi == 143);
static_assert(smmuv3::ste::S2Ttb::addr_lo == 4 && smmuv3::ste::S2Ttb::addr_hi == 55);
static_assert(smmuv3::ste::S1ContextPtr::addr_mask == 0x00FF'FFFF'FFFF'FFC0);
static_assert(smmuv3::ste::VmsPtr::addr_mask == 0x00FF'FFFF'FFFF'F000);
static_assert(smmuv3::ste::S2PoiEntry<0>::lo == 448 && smmuv3::ste::S2PoiEntry<15>::hi == 511);

// A distinctive STE, used both at compile time and at run time.
constexpr Ste distinctive_ste() {
  Ste s{};
  s.v = true;
  s.config = smmuv3::SteConfig::nested;
  s.s1_fmt = smmuv3::S1Fmt::two_level_4k;
  s.s1_context_ptr = 0x00AB'CDEF'0123'4540;
  s.s1_cd_max = 17;
  s.s1_dss = smmuv3::S1Dss::ssid0;
  s.s1_cir = smmuv3::S1ContextCacheability::wt_read_allocate;
  s.s1_cor = smmuv3::S1ContextCacheability::wb_no_read_allocate;
  s.s1_csh = smmuv3::SteShareability::outer_shareable;
  s.s2_hwu60 = true;
  s.s2_hwu62 = true;
  s.cont = 9;
  s.ppar = true;
  s.sw_reserved = 0xA;
  s.s2_fwb = true;
  s.s1_stalld = true;
  s.eats = smmuv3::Eats::split_stage;
  s.strw = smmuv3::Strw::el2;
  s.mem_attr = 0xF;
  s.mtcfg = true;
  s.alloccfg = 0b1010;
  s.shcfg = smmuv3::SteShcfg::incoming;
  s.nscfg = smmuv3::SteNscfg::non_secure;
  s.privcfg = smmuv3::StePrivcfg::privileged;
  s.instcfg = smmuv3::SteInstcfg::data;
  s.impl_def_127_116 = 0xABC;
  s.s2_vmid = 0xBEEF;
  s.impl_def_159_144 = 0x1234;
  s.s2_t0sz = 25;
  s.s2_sl0 = 2;
  s.s2_ir0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
  s.s2_or0 = smmuv3::S2TableCacheability::wt_read_allocate;
  s.s2_sh0 = smmuv3::SteShareability::inner_shareable;
  s.s2_tg = smmuv3::S2Tg::granule_16k;
  s.s2_ps = smmuv3::S2Ps::pa_52;
  s.s2_aa64 = true;
  s.s2_affd = true;
  s.s2_ha = true;
  s.s2_r = true;
  s.s2_pie = true;
  s.dpt_vmatch = 2;
  s.s2_nsa = true;
  s.s2_ds = true;
  s.s2_ttb = 0x000F'EDCB'A987'6540;
  s.s2_skl = 3;
  s.impl_def_271_256 = 0x5A5A;
  s.partid = 0x0123;
  s.s_s2_t0sz = 33;
  s.s_s2_sl0 = 1;
  s.s_s2_tg = smmuv3::S2Tg::granule_64k;
  s.mecid = 0xCAFE;
  s.pmg = 0x7E;
  s.assured_only = true;
  s.tl1 = true;
  s.vms_ptr = 0x0012'3456'789A'B000;
  s.s2_sw = true;
  s.s_s2_sl0_2 = true;
  s.s_s2_ttb = 0x0000'0123'4567'89A0;
  s.s_s2_skl = 1;
  s.s2_poi = 0xFEDC'BA98'7654'3210;
  return s;
}

static_assert(smmuv3::encode(distinctive_ste()).ok());
static_assert(smmuv3::decode_ste(smmuv3::encode(distinctive_ste()).words) == distinctive_ste());
static_assert(smmuv3::encode(smmuv3::decode_ste(smmuv3::encode(distinctive_ste()).words)).words ==
              smmuv3::encode(distinctive_ste()).words);
static_assert(noexcept(smmuv3::encode(Ste{})) && noexcept(smmuv3::decode_ste(Words<8>{})));

// ----- Field list and positions -----------------------------------------------------------------

TEST(Ste, ForEachFieldListsEverySpecFieldInSpecOrder) {
  const auto fields = fields_of(Ste{});
  ASSERT_EQ(fields.size(), kSpecCount);
  for (std::size_t i = 0; i < kSpecCount; ++i) EXPECT_EQ(fields[i].name, kSpec[i].name) << i;
}

TEST(Ste, DefinedMaskIsTheUnionOfTheSpecFields) {
  Words<8> expected{};
  for (const auto& f : kSpec) put_raw(expected, f.hi, f.lo, width_mask(f.hi, f.lo));
  EXPECT_EQ(smmuv3::kSteDefined, expected);
  unsigned defined_bits = 0;
  for (std::size_t i = 0; i < 8; ++i) defined_bits += std::popcount(smmuv3::kSteDefined[i]);
  EXPECT_EQ(defined_bits, 512u - 33u);  // 33 RES0 bits in §5.2
}

TEST(Ste, Res0MaskIsExactlyTheReservedRanges) {
  Words<8> expected{};
  for (const auto& r : kRes0Ranges) put_raw(expected, r.hi, r.lo, width_mask(r.hi, r.lo));
  EXPECT_EQ(smmuv3::kSteRes0, expected);
  // Word 2 and word 7 have no reserved bit at all.
  EXPECT_EQ(smmuv3::kSteRes0[2], 0u);
  EXPECT_EQ(smmuv3::kSteRes0[7], 0u);
}

TEST(Ste, ImplDefinedMask) {
  Words<8> expected{};
  put_raw(expected, 127, 116, width_mask(127, 116));
  put_raw(expected, 159, 144, width_mask(159, 144));
  put_raw(expected, 271, 256, width_mask(271, 256));
  EXPECT_EQ(smmuv3::kSteImplDefined, expected);
}

// Every field, alone, at its maximum and at distinctive bit patterns: decode sees exactly that
// field with that value, and encode gives the raw words back.
TEST(Ste, EveryFieldRoundTripsAloneAtSpecPosition) {
  for (std::size_t i = 0; i < kSpecCount; ++i) {
    const FieldSpec& f = kSpec[i];
    const std::uint64_t max = width_mask(f.hi, f.lo);
    const std::uint64_t patterns[] = {max, 0xAAAA'AAAA'AAAA'AAAA & max,
                                      0x5555'5555'5555'5555 & max, 1};
    for (const std::uint64_t raw_value : patterns) {
      Words<8> raw{};
      put_raw(raw, f.hi, f.lo, raw_value);
      const Ste s = smmuv3::decode_ste(raw);
      const auto fields = fields_of(s);
      ASSERT_EQ(fields.size(), kSpecCount);
      for (std::size_t j = 0; j < kSpecCount; ++j) {
        const std::uint64_t want = j == i ? raw_value << f.addr_lo : 0;
        EXPECT_EQ(fields[j].value, want) << f.name << " set, reading " << kSpec[j].name;
      }
      const auto enc = smmuv3::encode(s);
      EXPECT_TRUE(enc.ok()) << f.name;
      EXPECT_EQ(enc.words, raw) << f.name;
      EXPECT_FALSE(smmuv3::any(smmuv3::ste_res0_bits(raw))) << f.name;
    }
  }
}

TEST(Ste, DistinctiveSteRoundTrips) {
  const Ste s = distinctive_ste();
  const auto enc = smmuv3::encode(s);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(smmuv3::decode_ste(enc.words), s);
  // A few words computed by hand from §5.2 positions.
  // Word 7 is S2POI verbatim.
  EXPECT_EQ(enc.words[7], 0xFEDC'BA98'7654'3210u);
  // Word 4: MECID[319:304]=0xCAFE, S_S2TG[303:302]=0b01, S_S2SL0[295:294]=1,
  // S_S2T0SZ[293:288]=33, PARTID[287:272]=0x0123, IMPDEF[271:256]=0x5A5A.
  EXPECT_EQ(enc.words[4], 0xCAFE'4000'0000'0000u | (1ull << 38) | (33ull << 32) |
                              (0x0123ull << 16) | 0x5A5Au);
}

// ----- Golden vectors ---------------------------------------------------------------------------

// Linux arm_smmu_make_cdtable_ste() for a stream with a 2-level (64KB leaf) CD table at
// 0x81_2345_6000, S1CDMax = 20, S1DSS = bypass, on an SMMU with ATTR_TYPES_OVR and STALLS but
// not E2H, master without stalls, ATS enabled:
//   data[0] = V | CFG(S1_TRANS) | S1FMT(64K_L2) | cdtab_dma | S1CDMAX(20)
//   data[1] = S1DSS(BYPASS) | S1CIR(WBRA) | S1COR(WBRA) | S1CSH(ISH) | S1STALLD | EATS(TRANS)
//             | SHCFG(INCOMING) | STRW(NSEL1)
//   data[2] = S2VMID(0)
// Bit positions (§5.2): V[0], Config[3:1]=0b101, S1Fmt[5:4]=0b10, S1ContextPtr[55:6],
// S1CDMax[63:59]=20 -> 0xA000...; S1DSS[65:64]=1, S1CIR[67:66]=1, S1COR[69:68]=1,
// S1CSH[71:70]=0b11, S1STALLD[91], EATS[93:92]=1, SHCFG[109:108]=1.
constexpr Words<8> kLinuxCdTableSte = {
    {0xA000'0081'2345'602Bull, 0x0000'1000'1800'00D5ull, 0, 0, 0, 0, 0, 0}};

constexpr Ste linux_cd_table_ste() {
  Ste s{};
  s.v = true;
  s.config = smmuv3::SteConfig::s1_trans;
  s.s1_fmt = smmuv3::S1Fmt::two_level_64k;
  s.s1_context_ptr = 0x81'2345'6000;
  s.s1_cd_max = 20;
  s.s1_dss = smmuv3::S1Dss::bypass;
  s.s1_cir = smmuv3::S1ContextCacheability::wb_read_allocate;
  s.s1_cor = smmuv3::S1ContextCacheability::wb_read_allocate;
  s.s1_csh = smmuv3::SteShareability::inner_shareable;
  s.s1_stalld = true;
  s.eats = smmuv3::Eats::full;
  s.shcfg = smmuv3::SteShcfg::incoming;
  s.strw = smmuv3::Strw::el1;
  return s;
}

static_assert(smmuv3::encode(linux_cd_table_ste()).words == kLinuxCdTableSte);
static_assert(smmuv3::decode_ste(kLinuxCdTableSte) == linux_cd_table_ste());

TEST(SteGolden, LinuxCdTableSte) {
  const auto enc = smmuv3::encode(linux_cd_table_ste());
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(enc.words, kLinuxCdTableSte);
  EXPECT_EQ(smmuv3::decode_ste(kLinuxCdTableSte), linux_cd_table_ste());
  // The 2-level 64KB CD table's L1 (1024 L1CDs, 8KB) is aligned: S1ContextPtr[12:6] are RES0.
  EXPECT_EQ(smmuv3::s1_context_ptr_res0_mask(smmuv3::S1Fmt::two_level_64k, 20), 0x1FC0u);
  EXPECT_EQ(linux_cd_table_ste().s1_context_ptr & 0x1FC0u, 0u);
}

// Linux arm_smmu_make_abort_ste(): data[0] = V | CFG(ABORT), everything else 0.
TEST(SteGolden, AbortSte) {
  constexpr Words<8> kAbort = {{0x1, 0, 0, 0, 0, 0, 0, 0}};
  Ste s{};
  s.v = true;
  s.config = smmuv3::SteConfig::abort;
  EXPECT_EQ(smmuv3::encode(s).words, kAbort);
  EXPECT_EQ(smmuv3::decode_ste(kAbort), s);
  EXPECT_FALSE(smmuv3::ste_config_passes_traffic(s.config));
}

// Linux arm_smmu_make_bypass_ste() with ATTR_TYPES_OVR: data[0] = V | CFG(BYPASS) = 0x9,
// data[1] = SHCFG(INCOMING) = 1 << (108 - 64).
TEST(SteGolden, BypassSte) {
  constexpr Words<8> kBypass = {{0x9, 0x0000'1000'0000'0000ull, 0, 0, 0, 0, 0, 0}};
  Ste s{};
  s.v = true;
  s.config = smmuv3::SteConfig::bypass;
  s.shcfg = smmuv3::SteShcfg::incoming;
  EXPECT_EQ(smmuv3::encode(s).words, kBypass);
  EXPECT_EQ(smmuv3::decode_ste(kBypass), s);
}

// Linux arm_smmu_make_s2_domain_ste() for VMID 5, a 40-bit IPA 4KB-granule stage 2 table at
// 0x40_1234_5000 (VTCR: T0SZ=24, SL0=1, IRGN=ORGN=WBWA(1), SH=ISH(3), TG=4K(0), PS=40-bit(2)),
// ATS off, ATTR_TYPES_OVR, little-endian:
//   data[0] = V | CFG(S2_TRANS) = 0xD
//   data[1] = SHCFG(INCOMING)
//   data[2] = S2VMID | VTCR << 32 | S2AA64[179] | S2PTW[182] | S2R[186]
//   data[3] = vttbr & S2TTB[51:4]
TEST(SteGolden, LinuxS2DomainSte) {
  constexpr Words<8> kS2 = {{0xD, 0x0000'1000'0000'0000ull, 0x044A'3558'0000'0005ull,
                             0x0000'0040'1234'5000ull, 0, 0, 0, 0}};
  Ste s{};
  s.v = true;
  s.config = smmuv3::SteConfig::s2_trans;
  s.shcfg = smmuv3::SteShcfg::incoming;
  s.s2_vmid = 5;
  s.s2_t0sz = 24;
  s.s2_sl0 = 1;
  s.s2_ir0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
  s.s2_or0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
  s.s2_sh0 = smmuv3::SteShareability::inner_shareable;
  s.s2_tg = smmuv3::S2Tg::granule_4k;
  s.s2_ps = smmuv3::S2Ps::pa_40;
  s.s2_aa64 = true;
  s.s2_ptw = true;
  s.s2_r = true;
  s.s2_ttb = 0x40'1234'5000;
  const auto enc = smmuv3::encode(s);
  ASSERT_TRUE(enc.ok());
  EXPECT_EQ(enc.words, kS2);
  EXPECT_EQ(smmuv3::decode_ste(kS2), s);
}

// The STE as bytes in memory is little-endian, word 0 first (§5 "All SMMU configuration data
// structures ... are little-endian").
TEST(SteGolden, LittleEndianBytes) {
  unsigned char bytes[smmuv3::kSteBytes] = {};
  smmuv3::store_le(kLinuxCdTableSte, bytes);
  EXPECT_EQ(bytes[0], 0x2B);  // V | Config=0b101 | S1Fmt=0b10
  EXPECT_EQ(bytes[7], 0xA0);  // S1CDMax = 20 in bits [63:59]
  EXPECT_EQ(bytes[8], 0xD5);  // S1DSS, S1CIR, S1COR, S1CSH
  EXPECT_EQ(bytes[11], 0x18);  // S1STALLD[91], EATS[93:92]
  EXPECT_EQ(bytes[13], 0x10);  // SHCFG[109:108]
  EXPECT_EQ(smmuv3::decode_ste(smmuv3::load_le<8>(bytes)), linux_cd_table_ste());
}

// ----- Fields that do not fit -------------------------------------------------------------------

TEST(SteEncode, ReportsTooWideFieldByName) {
  Ste s = linux_cd_table_ste();
  s.s1_cd_max = 32;  // S1CDMax is 5 bits
  auto enc = smmuv3::encode(s);
  EXPECT_FALSE(enc.ok());
  EXPECT_STREQ(enc.bad_field, "S1CDMax");

  s = Ste{};
  s.cont = 16;  // CONT is 4 bits
  EXPECT_STREQ(smmuv3::encode(s).bad_field, "CONT");

  s = Ste{};
  s.s2_t0sz = 64;  // 6 bits
  EXPECT_STREQ(smmuv3::encode(s).bad_field, "S2T0SZ");

  s = Ste{};
  s.config = static_cast<smmuv3::SteConfig>(8);  // 3 bits
  EXPECT_STREQ(smmuv3::encode(s).bad_field, "Config");

  s = Ste{};
  s.eats = static_cast<smmuv3::Eats>(4);
  EXPECT_STREQ(smmuv3::encode(s).bad_field, "EATS");

  s = Ste{};
  s.s2_skl = 4;
  EXPECT_STREQ(smmuv3::encode(s).bad_field, "S2SKL");
}

TEST(SteEncode, ReportsTheFirstBadFieldInSpecOrder) {
  Ste s{};
  s.mecid = 0;
  s.cont = 16;       // [80:77]
  s.s1_cd_max = 40;  // [63:59], earlier
  s.s2_skl = 7;      // later
  EXPECT_STREQ(smmuv3::encode(s).bad_field, "S1CDMax");
}

TEST(SteEncode, ReportsMisalignedOrTooWideAddressByName) {
  Ste s{};
  s.s1_context_ptr = 0x1020;  // bit 5 set: below S1ContextPtr[55:6]
  EXPECT_STREQ(smmuv3::encode(s).bad_field, "S1ContextPtr");
  s.s1_context_ptr = std::uint64_t{1} << 56;  // above address bit 55
  EXPECT_STREQ(smmuv3::encode(s).bad_field, "S1ContextPtr");

  s = Ste{};
  s.s2_ttb = 0x1008;  // S2TTB holds address bits [55:4]
  EXPECT_STREQ(smmuv3::encode(s).bad_field, "S2TTB");

  s = Ste{};
  s.vms_ptr = 0x1800;  // VMSPtr holds address bits [55:12]
  EXPECT_STREQ(smmuv3::encode(s).bad_field, "VMSPtr");

  s = Ste{};
  s.s_s2_ttb = std::uint64_t{1} << 60;
  EXPECT_STREQ(smmuv3::encode(s).bad_field, "S_S2TTB");

  s = Ste{};
  s.s2_ttb = 0x00F0'0000'0000'0000;  // address bits [55:52]: fit the G.b field
  EXPECT_TRUE(smmuv3::encode(s).ok());
  EXPECT_NE(s.s2_ttb & ~smmuv3::ste::kS2TtbVmsav8AddrMask, 0u);  // but not a VMSAv8 S2TTB
}

// ----- RES0 -------------------------------------------------------------------------------------

TEST(SteRes0, EveryReservedBitIsReportedAndIgnoredByDecode) {
  const Ste clean = linux_cd_table_ste();
  for (const auto& r : kRes0Ranges) {
    for (unsigned bit = r.lo; bit <= r.hi; ++bit) {
      Words<8> w = kLinuxCdTableSte;
      w[bit / 64] |= std::uint64_t{1} << (bit % 64);
      Words<8> expect_res0{};
      expect_res0[bit / 64] = std::uint64_t{1} << (bit % 64);
      EXPECT_EQ(smmuv3::ste_res0_bits(w), expect_res0) << bit;
      EXPECT_EQ(smmuv3::decode_ste(w), clean) << bit;
      EXPECT_EQ(smmuv3::encode(smmuv3::decode_ste(w)).words, kLinuxCdTableSte) << bit;
    }
  }
  EXPECT_FALSE(smmuv3::any(smmuv3::ste_res0_bits(kLinuxCdTableSte)));
}

TEST(SteRes0, EncodeOfDecodeIsWordsWithoutRes0) {
  Words<8> w{};
  for (std::size_t i = 0; i < 8; ++i) w[i] = 0x9E37'79B9'7F4A'7C15ull * (i + 1);
  Words<8> want{};
  for (std::size_t i = 0; i < 8; ++i) want[i] = w[i] & ~smmuv3::kSteRes0[i];
  EXPECT_EQ(smmuv3::encode(smmuv3::decode_ste(w)).words, want);
}

TEST(SteRes0, ImplDefinedAndSwReservedAreNotRes0) {
  Words<8> w{};
  w[1] = 0xFFF0'0000'0000'0000ull | (0xFull << 20);  // IMPDEF[127:116], SW_RESERVED[87:84]
  w[2] = 0xFFFF'0000ull;                              // IMPDEF[159:144]
  w[4] = 0xFFFF;                                      // IMPDEF[271:256]
  EXPECT_FALSE(smmuv3::any(smmuv3::ste_res0_bits(w)));
  const Ste s = smmuv3::decode_ste(w);
  EXPECT_EQ(s.impl_def_127_116, 0xFFFu);
  EXPECT_EQ(s.sw_reserved, 0xFu);
  EXPECT_EQ(s.impl_def_159_144, 0xFFFFu);
  EXPECT_EQ(s.impl_def_271_256, 0xFFFFu);
  EXPECT_EQ(smmuv3::encode(s).words, w);
}

// ----- Architectural rules ----------------------------------------------------------------------

TEST(SteRules, ConfigValidity) {
  using smmuv3::SteConfig;
  const bool valid[8] = {true, false, false, false, true, true, true, true};
  for (std::uint8_t c = 0; c < 8; ++c)
    EXPECT_EQ(smmuv3::ste_config_is_valid(static_cast<SteConfig>(c)), valid[c]) << int{c};
  EXPECT_FALSE(smmuv3::ste_config_is_valid(static_cast<SteConfig>(8)));

  EXPECT_TRUE(smmuv3::ste_config_passes_traffic(SteConfig::bypass));
  EXPECT_FALSE(smmuv3::ste_config_passes_traffic(static_cast<SteConfig>(0b011)));
  EXPECT_TRUE(smmuv3::ste_config_s1_translates(SteConfig::s1_trans));
  EXPECT_TRUE(smmuv3::ste_config_s1_translates(SteConfig::nested));
  EXPECT_FALSE(smmuv3::ste_config_s1_translates(SteConfig::s2_trans));
  EXPECT_FALSE(smmuv3::ste_config_s1_translates(static_cast<SteConfig>(0b001)));  // reserved
  EXPECT_TRUE(smmuv3::ste_config_s2_translates(SteConfig::s2_trans));
  EXPECT_TRUE(smmuv3::ste_config_s2_translates(SteConfig::nested));
  EXPECT_FALSE(smmuv3::ste_config_s2_translates(SteConfig::s1_trans));
  EXPECT_FALSE(smmuv3::ste_config_s2_translates(static_cast<SteConfig>(0b010)));  // reserved
  static_assert(smmuv3::ste_config_is_valid(SteConfig::nested));
}

TEST(SteRules, ReservedEncodingsKeepTheirNumberAndHaveEffectiveValues) {
  Words<8> w{};
  w[0] = (0b011u << 1) | (0b11u << 4);  // Config 0b011, S1Fmt 0b11
  w[1] = 0b11;                          // S1DSS 0b11
  const Ste s = smmuv3::decode_ste(w);
  EXPECT_EQ(static_cast<int>(s.config), 0b011);
  EXPECT_EQ(static_cast<int>(s.s1_fmt), 0b11);
  EXPECT_EQ(static_cast<int>(s.s1_dss), 0b11);
  EXPECT_EQ(smmuv3::effective_s1_fmt(s.s1_fmt), smmuv3::S1Fmt::linear);
  EXPECT_EQ(smmuv3::effective_s1_dss(s.s1_dss), smmuv3::S1Dss::terminate);
  EXPECT_EQ(smmuv3::effective_s1_fmt(smmuv3::S1Fmt::two_level_64k), smmuv3::S1Fmt::two_level_64k);
  EXPECT_EQ(smmuv3::effective_s1_dss(smmuv3::S1Dss::ssid0), smmuv3::S1Dss::ssid0);
  EXPECT_EQ(smmuv3::encode(s).words, w);
}

TEST(SteRules, S1ContextPtrAlignment) {
  using smmuv3::S1Fmt;
  using smmuv3::s1_context_ptr_res0_mask;
  EXPECT_EQ(s1_context_ptr_res0_mask(S1Fmt::linear, 0), 0u);  // one CD: no extra alignment
  EXPECT_EQ(s1_context_ptr_res0_mask(S1Fmt::linear, 3), 0x1C0u);  // [8:6]
  EXPECT_EQ(s1_context_ptr_res0_mask(static_cast<S1Fmt>(3), 3), 0x1C0u);  // reserved = linear
  EXPECT_EQ(s1_context_ptr_res0_mask(S1Fmt::linear, 31), 0x1F'FFFF'FFC0u);  // [36:6]
  EXPECT_EQ(s1_context_ptr_res0_mask(S1Fmt::two_level_4k, 9), 0u);
  EXPECT_EQ(s1_context_ptr_res0_mask(S1Fmt::two_level_4k, 10), 0x40u);      // [6:6]
  EXPECT_EQ(s1_context_ptr_res0_mask(S1Fmt::two_level_4k, 20), 0x1FFC0u);   // [16:6]
  EXPECT_EQ(s1_context_ptr_res0_mask(S1Fmt::two_level_64k, 13), 0u);
  EXPECT_EQ(s1_context_ptr_res0_mask(S1Fmt::two_level_64k, 14), 0x40u);     // [6:6]
  EXPECT_EQ(smmuv3::s1_cd_count(0), 1u);
  EXPECT_EQ(smmuv3::s1_cd_count(20), 1u << 20);
}

TEST(SteRules, S2SizesAndGranules) {
  const unsigned bits[8] = {32, 36, 40, 42, 44, 48, 52, 56};
  for (std::uint8_t ps = 0; ps < 8; ++ps)
    EXPECT_EQ(smmuv3::s2_ps_bits(static_cast<smmuv3::S2Ps>(ps)), bits[ps]);
  EXPECT_EQ(smmuv3::s2_tg_granule_log2(smmuv3::S2Tg::granule_4k), 12u);
  EXPECT_EQ(smmuv3::s2_tg_granule_log2(smmuv3::S2Tg::granule_64k), 16u);
  EXPECT_EQ(smmuv3::s2_tg_granule_log2(smmuv3::S2Tg::granule_16k), 14u);
  EXPECT_EQ(smmuv3::s2_tg_granule_log2(static_cast<smmuv3::S2Tg>(3)), 0u);
}

TEST(SteRules, StreamWorld) {
  using smmuv3::Strw;
  EXPECT_TRUE(smmuv3::strw_valid_non_secure(Strw::el1));
  EXPECT_TRUE(smmuv3::strw_valid_non_secure(Strw::el2));
  EXPECT_FALSE(smmuv3::strw_valid_non_secure(Strw::el3));
  EXPECT_FALSE(smmuv3::strw_valid_non_secure(static_cast<Strw>(3)));
  EXPECT_TRUE(smmuv3::strw_valid_secure(Strw::el3));
  EXPECT_FALSE(smmuv3::strw_valid_secure(static_cast<Strw>(3)));
}

TEST(SteRules, S2PoiEntries) {
  const std::uint64_t poi = 0xFEDC'BA98'7654'3210;
  for (unsigned p = 0; p < 16; ++p) EXPECT_EQ(smmuv3::s2_poi_entry(poi, p), p);
  Words<8> w{};
  w[7] = poi;
  EXPECT_EQ(smmuv3::ste::S2PoiEntry<5>::get(w), 5u);
  EXPECT_EQ(smmuv3::ste::S2PoiEntry<15>::get(w), 15u);
  EXPECT_TRUE(smmuv3::s2_poi_entry_is_reserved(0b0001));
  EXPECT_TRUE(smmuv3::s2_poi_entry_is_reserved(0b0101));
  EXPECT_FALSE(smmuv3::s2_poi_entry_is_reserved(0b0000));
  EXPECT_FALSE(smmuv3::s2_poi_entry_is_reserved(0b1100));
}

}  // namespace
