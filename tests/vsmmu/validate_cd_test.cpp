// SPDX-License-Identifier: MIT
// Tests for include/vsmmu/validate_cd.hpp: CD and L1CD validity (IHI 0070 G.b §5.3, §5.4,
// §5.4.2 CdIllegal()) for the SMMU a Policy advertises.
#include <vsmmu/validate_cd.hpp>

#include <gtest/gtest.h>

#include "support/splitmix64.hpp"

#include <cstdint>
#include <string>

namespace {

using smmuv3::Words;
using vsmmu::CdStreamContext;
using vsmmu::CdVerdict;
using vsmmu::Policy;
using vsmmu::validate_cd;
using vsmmu::validate_l1_cd_descriptor;
using namespace smmuv3::reg;

using CdWords = Words<smmuv3::kCdWords>;

// ----- Linux's CD bits (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h), written independently of
// the record layer so the Linux-shaped CDs below cross-check it. ------------------------------
constexpr std::uint64_t bit(unsigned b) { return std::uint64_t{1} << b; }
constexpr std::uint64_t CD0_T0SZ(std::uint64_t v) { return v << 0; }    // GENMASK(5, 0)
constexpr std::uint64_t CD0_TG0(std::uint64_t v) { return v << 6; }     // GENMASK(7, 6)
constexpr std::uint64_t CD0_IRGN0(std::uint64_t v) { return v << 8; }   // GENMASK(9, 8)
constexpr std::uint64_t CD0_ORGN0(std::uint64_t v) { return v << 10; }  // GENMASK(11, 10)
constexpr std::uint64_t CD0_SH0(std::uint64_t v) { return v << 12; }    // GENMASK(13, 12)
constexpr std::uint64_t CD0_EPD0 = bit(14);
constexpr std::uint64_t CD0_ENDI = bit(15);
constexpr std::uint64_t CD0_EPD1 = bit(30);
constexpr std::uint64_t CD0_V = bit(31);
constexpr std::uint64_t CD0_IPS(std::uint64_t v) { return v << 32; }  // GENMASK(34, 32)
constexpr std::uint64_t CD0_TBI0 = bit(38);
constexpr std::uint64_t CD0_AA64 = bit(41);
constexpr std::uint64_t CD0_HD = bit(42);
constexpr std::uint64_t CD0_HA = bit(43);
constexpr std::uint64_t CD0_S = bit(44);
constexpr std::uint64_t CD0_R = bit(45);
constexpr std::uint64_t CD0_A = bit(46);
constexpr std::uint64_t CD0_ASET = bit(47);
constexpr std::uint64_t CD0_ASID(std::uint64_t v) { return v << 48; }  // GENMASK(63, 48)
constexpr std::uint64_t CD1_TTB0_MASK = 0x000F'FFFF'FFFF'FFF0ull;     // GENMASK(51, 4)
// io-pgtable-arm.h
constexpr std::uint64_t TCR_TG0_4K = 0, TCR_TG0_64K = 1, TCR_TG0_16K = 2;
constexpr std::uint64_t TCR_RGN_NC = 0, TCR_RGN_WBWA = 1;
constexpr std::uint64_t TCR_SH_OS = 2, TCR_SH_IS = 3;
// ARM_LPAE_MAIR_ATTR_{NC 0x44 @0, WBRWA 0xff @1, DEVICE 0x04 @2, INC_OWBRWA 0xf4 @3}.
constexpr std::uint64_t kIoPgtableMair = 0xF404FF44ull;
// A CPU MAIR_EL1 with MTE: Device-nGnRnE, Normal-Tagged 0xF0, Normal-NC 0x44, Normal 0xFF,
// Device-nGnRE 0x04 (arch/arm64 MAIR_EL1_SET, MT_NORMAL_TAGGED switched to 0xF0 by
// cpu_enable_mte()). 0xF0 is a Reserved MAIR encoding in SMMUv3 (§5.4 MAIR1).
constexpr std::uint64_t kCpuMairWithMte = 0x04'FF44'F000ull;

/// io-pgtable-arm's ARM_64_LPAE_S1 TCR for a granule and IAS/OAS, as arm_smmu_make_s1_cd()
/// puts it in CD word 0 (arm_64_lpae_alloc_pgtable_s1: tsz = 64 - ias, TG0 from the granule,
/// IPS from the OAS, IRGN/ORGN WBWA and SH IS for a coherent walker, NC/OS otherwise).
struct LinuxS1 {
  std::uint64_t granule = 4096;
  unsigned ias = 48;
  unsigned oas = 48;
  std::uint16_t asid = 1;
  bool coherent = true;
  bool stall_enabled = false;  // master->stall_enabled -> CTXDESC_CD_0_S
  bool hd = false;             // IO_PGTABLE_QUIRK_ARM_HD (ARM_SMMU_FEAT_HD) -> HA | HD
  bool big_endian = false;     // #ifdef __BIG_ENDIAN -> CTXDESC_CD_0_ENDI
  std::uint64_t ttbr = 0x8'1234'5000ull;
};

constexpr std::uint64_t ips_encoding(unsigned bits) {
  switch (bits) {
    case 32: return 0;
    case 36: return 1;
    case 40: return 2;
    case 42: return 3;
    case 44: return 4;
    case 48: return 5;
    default: return 6;  // 52
  }
}

/// arm_smmu_make_s1_cd() (arm-smmu-v3.c).
constexpr CdWords linux_s1_cd(const LinuxS1& l) {
  const std::uint64_t tg = l.granule == 65536 ? TCR_TG0_64K : l.granule == 16384 ? TCR_TG0_16K : TCR_TG0_4K;
  CdWords w{};
  w[0] = CD0_T0SZ(64 - l.ias) | CD0_TG0(tg) | CD0_IRGN0(l.coherent ? TCR_RGN_WBWA : TCR_RGN_NC) |
         CD0_ORGN0(l.coherent ? TCR_RGN_WBWA : TCR_RGN_NC) | CD0_SH0(l.coherent ? TCR_SH_IS : TCR_SH_OS) |
         (l.big_endian ? CD0_ENDI : 0) | CD0_EPD1 | CD0_V | CD0_IPS(ips_encoding(l.oas)) | CD0_AA64 |
         (l.stall_enabled ? CD0_S : 0) | CD0_R | CD0_A | CD0_ASET | CD0_ASID(l.asid);
  if (l.hd) w[0] |= CD0_HA | CD0_HD;
  w[1] = l.ttbr & CD1_TTB0_MASK;
  w[3] = kIoPgtableMair;
  return w;
}

/// arm_smmu_make_sva_cd() (arm-smmu-v3-sva.c): T0SZ = 64 - vabits_actual, TG0 = PAGE_SIZE,
/// WBWA/IS walks, IPS = ID_AA64MMFR0_EL1.PARange, MAIR = MAIR_EL1. With no mm, EPD0 is set
/// and (unless stalls are forced) S and R are cleared.
struct LinuxSva {
  std::uint64_t page_size = 4096;
  unsigned vabits = 48;
  std::uint64_t parange = 5;
  std::uint16_t asid = 7;
  bool stall_enabled = false;
  bool has_mm = true;
  bool stall_forced = false;
  bool tbi0 = false;  // CTXDESC_CD_0_TCR_TBI0, for a CPU mm using Top Byte Ignore
  std::uint64_t pgd = 0x4'0000'3000ull;
};

constexpr CdWords linux_sva_cd(const LinuxSva& l) {
  const std::uint64_t tg = l.page_size == 65536 ? TCR_TG0_64K : l.page_size == 16384 ? TCR_TG0_16K : TCR_TG0_4K;
  CdWords w{};
  w[0] = CD0_EPD1 | CD0_V | CD0_IPS(l.parange) | CD0_AA64 | (l.stall_enabled ? CD0_S : 0) | CD0_R | CD0_A |
         CD0_ASET | CD0_ASID(l.asid) | (l.tbi0 ? CD0_TBI0 : 0);
  if (l.has_mm) {
    w[0] |= CD0_T0SZ(64 - l.vabits) | CD0_TG0(tg) | CD0_IRGN0(TCR_RGN_WBWA) | CD0_ORGN0(TCR_RGN_WBWA) |
            CD0_SH0(TCR_SH_IS);
    w[1] = l.pgd & CD1_TTB0_MASK;
  } else {
    w[0] |= CD0_EPD0;
    if (!l.stall_forced) w[0] &= ~(CD0_S | CD0_R);
  }
  w[3] = kCpuMairWithMte;
  return w;
}

/// A plain SMMUv3.1 guest: stage 1 only, VMSAv8-64, all granules, 48-bit OAS and VA, 16-bit
/// ASIDs, no stall, no HTTU, mixed-endian walks, no optional stage 1 features.
constexpr Policy base_policy() {
  Policy p{};
  Idr0& i0 = p.idr.idr0;
  i0.s1p = true;
  i0.ttf = Ttf::vmsav8_64;
  i0.stall_model = StallModel::terminate_only;
  i0.tt_endian = TtEndian::mixed;
  i0.asid16 = true;
  i0.httu = Httu::none;
  Idr5& i5 = p.idr.idr5;
  i5.gran4k = i5.gran16k = i5.gran64k = true;
  i5.oas = Oas::pa48;
  i5.vax = Vax::va48;
  p.idr.aidr.arch_minor_rev = ArchMinorRev::smmuv3_1;
  return p;
}

constexpr CdWords kLinux4k = linux_s1_cd({});

/// A CD's word 0..7 with field F set to v (v must fit).
template <class F>
CdWords with(CdWords w, std::uint64_t v) {
  EXPECT_TRUE(F::set(w, v));
  return w;
}

CdVerdict verdict(const Policy& p, const CdWords& w) { return validate_cd(p, w).verdict; }

// ----- Compile-time properties ---------------------------------------------------------------

static_assert(validate_cd(base_policy(), kLinux4k).ok(), "validate_cd works in a constant expression");
static_assert(validate_cd(base_policy(), CdWords{}).verdict == CdVerdict::invalid);
static_assert(!validate_cd(base_policy(), CdWords{{kLinux4k[0], kLinux4k[1], 0, kIoPgtableMair, 0, 0, 0, 1}}).ok());
static_assert(validate_l1_cd_descriptor(base_policy(), Words<1>{{0x1'2345'0000ull | 1}}).ok());
static_assert(noexcept(validate_cd(Policy{}, CdWords{})));
static_assert(noexcept(validate_cd(Policy{}, CdStreamContext{}, CdWords{})));
static_assert(noexcept(validate_l1_cd_descriptor(Policy{}, Words<1>{})));
static_assert(vsmmu::CdResult{}.ok() && vsmmu::CdResult{}.reason == nullptr);

// The golden CD of tests/smmuv3/cd_test.cpp, built here from Linux's definitions.
static_assert(linux_s1_cd({.asid = 0x1234, .ttbr = 0x8'0000'1000ull})[0] == 0x1234'E205'C000'3510ull);

// ----- V ---------------------------------------------------------------------------------------

TEST(ValidateCd, VZeroIsInvalidAndGetsCBadCd) {
  const auto r = validate_cd(base_policy(), with<smmuv3::cd::V>(kLinux4k, 0));
  EXPECT_EQ(r.verdict, CdVerdict::invalid);
  ASSERT_NE(r.reason, nullptr);
  EXPECT_NE(std::string(r.reason).find("C_BAD_CD"), std::string::npos);
}

TEST(ValidateCd, VZeroIgnoresTheRestOfTheCd) {
  CdWords w{};
  for (auto& x : w.w) x = ~std::uint64_t{0};
  w[0] &= ~CD0_V;
  EXPECT_EQ(verdict(base_policy(), w), CdVerdict::invalid);
}

TEST(ValidateCd, ValidCdHasNoReason) {
  const auto r = validate_cd(base_policy(), kLinux4k);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.reason, nullptr);
}

// ----- Bits that must be zero -----------------------------------------------------------------

TEST(ValidateCd, EveryAlwaysRes0BitAloneIsBadCd) {
  int count = 0;
  for (unsigned b = 0; b < 512; ++b) {
    if ((smmuv3::kCdRes0[b / 64] >> (b % 64) & 1) == 0) continue;
    CdWords w = kLinux4k;
    w[b / 64] |= bit(b % 64);
    const auto r = validate_cd(base_policy(), w);
    EXPECT_EQ(r.verdict, CdVerdict::bad_cd) << "bit " << b;
    EXPECT_NE(r.reason, nullptr);
    ++count;
  }
  EXPECT_EQ(count, 2 + 2 + 8 + 16 + 16);  // [121:120], [185:184], [383:376], [447:432], [511:496]
}

TEST(ValidateCd, ImplementationDefinedBitsMustBeZero) {
  for (unsigned b = 320; b < 352; ++b) {
    CdWords w = kLinux4k;
    w[b / 64] |= bit(b % 64);
    EXPECT_EQ(verdict(base_policy(), w), CdVerdict::bad_cd) << "bit " << b;
  }
}

TEST(ValidateCd, AmairMustBeZero) {
  EXPECT_EQ(verdict(base_policy(), with<smmuv3::cd::Amair0>(kLinux4k, 0x44)), CdVerdict::bad_cd);
  EXPECT_EQ(verdict(base_policy(), with<smmuv3::cd::Amair1>(kLinux4k, 1u << 31)), CdVerdict::bad_cd);
}

TEST(ValidateCd, MairAcceptsEveryValueIncludingReservedEncodings) {
  for (std::uint64_t m : {std::uint64_t{0}, ~std::uint64_t{0}, kCpuMairWithMte, std::uint64_t{0x0101010101010101}}) {
    CdWords w = kLinux4k;
    w[3] = m;
    EXPECT_TRUE(validate_cd(base_policy(), w).ok()) << std::hex << m;
  }
}

// ----- AA64 / table format --------------------------------------------------------------------

TEST(ValidateCd, Aa64ZeroIsIllegalWhenTtfHasNoLpae) {
  EXPECT_EQ(verdict(base_policy(), with<smmuv3::cd::Aa64>(kLinux4k, 0)), CdVerdict::bad_cd);
}

TEST(ValidateCd, Aa64OneIsIllegalWhenTtfIsLpaeOnly) {
  Policy p = base_policy();
  p.idr.idr0.ttf = Ttf::vmsav8_32_lpae;
  EXPECT_EQ(verdict(p, kLinux4k), CdVerdict::bad_cd);
  p.idr.idr0.ttf = Ttf::vmsav8_32_lpae_and_vmsav8_64;
  EXPECT_TRUE(validate_cd(p, kLinux4k).ok());
}

TEST(ValidateCd, LpaeCdIgnoresTgIpsHaHdAndTxszUpperBits) {
  Policy p = base_policy();
  p.idr.idr0.ttf = Ttf::vmsav8_32_lpae_and_vmsav8_64;
  CdWords w = with<smmuv3::cd::Aa64>(kLinux4k, 0);
  w = with<smmuv3::cd::T0sz>(w, 0b111'010);  // bits [5:3] IGNORED, T0SZ 2 valid
  w = with<smmuv3::cd::Tg0>(w, 3);           // Reserved, but IGNORED for LPAE
  w = with<smmuv3::cd::Ips>(w, 7);
  w = with<smmuv3::cd::Ha>(w, 1);  // IGNORED for LPAE even without HTTU
  w = with<smmuv3::cd::Hd>(w, 1);
  EXPECT_TRUE(validate_cd(p, w).ok()) << validate_cd(p, w).reason;
}

TEST(ValidateCd, LpaeTtbLimitedToFortyBits) {
  Policy p = base_policy();
  p.idr.idr0.ttf = Ttf::vmsav8_32_lpae_and_vmsav8_64;
  const CdWords w = with<smmuv3::cd::Aa64>(kLinux4k, 0);
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Ttb0>(w, (bit(40) - 1) & ~0xFull)).ok());
  EXPECT_EQ(verdict(p, with<smmuv3::cd::Ttb0>(w, bit(40))), CdVerdict::bad_cd);
}

TEST(ValidateCd, LpaeMakesE0pdPnchEpanDsRes0) {
  Policy p = base_policy();
  p.idr.idr0.ttf = Ttf::vmsav8_32_lpae_and_vmsav8_64;
  p.idr.idr3.e0pd = p.idr.idr3.the = p.idr.idr3.epan = true;
  p.idr.idr5.ds = true;
  const CdWords w = with<smmuv3::cd::Aa64>(kLinux4k, 0);
  EXPECT_EQ(verdict(p, with<smmuv3::cd::E0pd0>(w, 1)), CdVerdict::bad_cd);
  EXPECT_EQ(verdict(p, with<smmuv3::cd::Pnch>(w, 1)), CdVerdict::bad_cd);
  EXPECT_EQ(verdict(p, with<smmuv3::cd::Epan>(w, 1)), CdVerdict::bad_cd);
  EXPECT_EQ(verdict(p, with<smmuv3::cd::Ds>(w, 1)), CdVerdict::bad_cd);
}

// VMSAv9-128 (SMMU_IDR5.D128): AA64 == 0 selects it; it needs STE.S1PIE (§5.4 AA64).
Policy d128_policy() {
  Policy p = base_policy();
  p.idr.idr5.d128 = true;
  p.idr.idr3.s1pi = true;
  p.idr.aidr.arch_minor_rev = ArchMinorRev::smmuv3_4;
  return p;
}
constexpr CdStreamContext kS1pie{.s1pie = true};

TEST(ValidateCd, Vmsa128NeedsSteS1pie) {
  const CdWords w = with<smmuv3::cd::Aa64>(kLinux4k, 0);
  EXPECT_EQ(validate_cd(d128_policy(), w).verdict, CdVerdict::bad_cd);
  EXPECT_TRUE(validate_cd(d128_policy(), kS1pie, w).ok()) << validate_cd(d128_policy(), kS1pie, w).reason;
}

TEST(ValidateCd, Vmsa128SkipLevelMustNotPassLevel3) {
  // 4KB granule and 16-byte descriptors resolve 8 bits a level. T0SZ 16 (48-bit input)
  // starts at level -1: skipping 3 levels starts at level 2.
  const CdWords w = with<smmuv3::cd::Aa64>(kLinux4k, 0);
  EXPECT_TRUE(validate_cd(d128_policy(), kS1pie, with<smmuv3::cd::Skl0>(w, 3)).ok());
  // T0SZ 39 (25-bit input) starts at level 2: skipping 1 is fine, skipping 2 passes level 3.
  const CdWords w25 = with<smmuv3::cd::T0sz>(w, 39);
  EXPECT_TRUE(validate_cd(d128_policy(), kS1pie, with<smmuv3::cd::Skl0>(w25, 1)).ok());
  EXPECT_EQ(validate_cd(d128_policy(), kS1pie, with<smmuv3::cd::Skl0>(w25, 2)).verdict, CdVerdict::bad_cd);
  // IGNORED with EPD0.
  EXPECT_TRUE(validate_cd(d128_policy(), kS1pie, with<smmuv3::cd::Epd0>(with<smmuv3::cd::Skl0>(w25, 2), 1)).ok());
}

TEST(ValidateCd, Vmsa128AlwaysChecksPermissionIndirectionAndMakesPieUwxnRes0) {
  const CdWords w = with<smmuv3::cd::Aa64>(kLinux4k, 0);
  EXPECT_EQ(validate_cd(d128_policy(), kS1pie, with<smmuv3::cd::Piip>(w, 0b100)).verdict, CdVerdict::bad_cd);
  EXPECT_EQ(validate_cd(d128_policy(), kS1pie, with<smmuv3::cd::Pie>(w, 1)).verdict, CdVerdict::bad_cd);
  EXPECT_EQ(validate_cd(d128_policy(), kS1pie, with<smmuv3::cd::Uwxn>(w, 1)).verdict, CdVerdict::bad_cd);
  EXPECT_EQ(validate_cd(d128_policy(), kS1pie, with<smmuv3::cd::Hwu059>(w, 1)).verdict, CdVerdict::bad_cd);
}

TEST(ValidateCd, Vmsa128TtbMayUse56BitAddresses) {
  Policy p = d128_policy();
  p.idr.idr5.oas = Oas::pa56;
  p.idr.idr5.vax = Vax::va56;
  CdWords w = with<smmuv3::cd::Aa64>(kLinux4k, 0);
  w = with<smmuv3::cd::Ips>(w, 7);
  EXPECT_TRUE(validate_cd(p, kS1pie, with<smmuv3::cd::Ttb0>(w, bit(55))).ok());
  // The same address bits are RES0 for VMSAv8-64.
  EXPECT_EQ(validate_cd(p, with<smmuv3::cd::Ttb0>(with<smmuv3::cd::Ips>(kLinux4k, 7), bit(55))).verdict,
            CdVerdict::bad_cd);
}

TEST(ValidateCd, DisChAndSklBitsAreNotHwuWhenD128) {
  // With SMMU_IDR5.D128 == 1 and VMSAv8-64 tables, bits 65/129 (DisCHx) and [127:126]/[191:190]
  // (SKLx) are only interpreted for VMSAv9-128: accepted.
  CdWords w = with<smmuv3::cd::DisCh0>(kLinux4k, 1);
  w = with<smmuv3::cd::Skl0>(w, 3);
  w = with<smmuv3::cd::Skl1>(w, 3);
  EXPECT_TRUE(validate_cd(d128_policy(), w).ok());
}

// ----- TxSZ -------------------------------------------------------------------------------------

struct TxszCase {
  bool stt;
  Vax vax;
  bool idr_ds;
  bool cd_ds;
  std::uint64_t tg0;
  unsigned min, max;
};

TEST(ValidateCd, T0szOutsideTheRangeForTheGranuleIsIllegal) {
  // §5.4 T0SZ / §5.4.2 CDTxSZInvalid() for VMSAv8-64.
  const TxszCase cases[] = {
      {false, Vax::va48, false, false, TCR_TG0_4K, 16, 39},  {false, Vax::va48, false, false, TCR_TG0_64K, 16, 39},
      {true, Vax::va48, false, false, TCR_TG0_4K, 16, 48},   {true, Vax::va48, false, false, TCR_TG0_16K, 16, 48},
      {true, Vax::va48, false, false, TCR_TG0_64K, 16, 47},  {true, Vax::va52, false, false, TCR_TG0_64K, 12, 47},
      {true, Vax::va52, false, false, TCR_TG0_4K, 16, 48},   {true, Vax::va52, true, false, TCR_TG0_4K, 16, 48},
      {true, Vax::va52, true, true, TCR_TG0_4K, 12, 48},     {false, Vax::va52, true, true, TCR_TG0_16K, 12, 39},
      {true, Vax::va56, false, false, TCR_TG0_64K, 12, 47},  {true, Vax::va56, false, false, TCR_TG0_16K, 16, 48},
  };
  for (const auto& c : cases) {
    Policy p = base_policy();
    p.idr.idr3.stt = c.stt;
    p.idr.idr5.vax = c.vax;
    p.idr.idr5.ds = c.idr_ds;
    CdWords w = with<smmuv3::cd::Tg0>(kLinux4k, c.tg0);
    w = with<smmuv3::cd::Ds>(w, c.cd_ds);
    for (unsigned t = 0; t < 64; ++t) {
      const bool in = t >= c.min && t <= c.max;
      const auto r = validate_cd(p, with<smmuv3::cd::T0sz>(w, t));
      EXPECT_EQ(r.ok(), in) << "T0SZ " << t << " TG0 " << c.tg0 << " STT " << c.stt << " VAX "
                            << static_cast<int>(c.vax) << " DS " << c.idr_ds << c.cd_ds;
      if (!in) {
        EXPECT_NE(std::string(r.reason).find("T0SZ"), std::string::npos);
      }
    }
  }
}

TEST(ValidateCd, T1szIsCheckedWhenEpd1IsZero) {
  CdWords w = with<smmuv3::cd::Epd1>(kLinux4k, 0);
  w = with<smmuv3::cd::Tg1>(w, 2);  // TG1 0b10 = 4KB
  EXPECT_EQ(verdict(base_policy(), w), CdVerdict::bad_cd);  // T1SZ 0
  w = with<smmuv3::cd::T1sz>(w, 16);
  EXPECT_TRUE(validate_cd(base_policy(), w).ok());
  EXPECT_EQ(verdict(base_policy(), with<smmuv3::cd::T1sz>(w, 40)), CdVerdict::bad_cd);
}

TEST(ValidateCd, SmmuV30OutOfRangeTxszIsIllegal) {
  Policy p = base_policy();
  p.idr.aidr.arch_minor_rev = ArchMinorRev::smmuv3_0;
  EXPECT_EQ(verdict(p, with<smmuv3::cd::T0sz>(kLinux4k, 40)), CdVerdict::bad_cd);
}

// ----- EPDx -------------------------------------------------------------------------------------

TEST(ValidateCd, Epd0IgnoresT0szTg0Ttb0AndWalkAttributes) {
  CdWords w = with<smmuv3::cd::Epd0>(kLinux4k, 1);
  w = with<smmuv3::cd::T0sz>(w, 63);
  w = with<smmuv3::cd::Tg0>(w, 3);
  w = with<smmuv3::cd::Ttb0>(w, bit(51));
  w = with<smmuv3::cd::Sh0>(w, 1);
  EXPECT_TRUE(validate_cd(base_policy(), w).ok());
}

TEST(ValidateCd, Epd1IgnoresT1szTg1Ttb1) {
  // Linux writes EPD1 with T1SZ == 0 and the Reserved TG1 == 0b00.
  CdWords w = with<smmuv3::cd::Ttb1>(kLinux4k, bit(51));
  w = with<smmuv3::cd::T1sz>(w, 1);
  EXPECT_TRUE(validate_cd(base_policy(), w).ok());
}

// ----- TG0 / TG1 ------------------------------------------------------------------------------

TEST(ValidateCd, ReservedTgEncodingIsIllegal) {
  EXPECT_EQ(verdict(base_policy(), with<smmuv3::cd::Tg0>(kLinux4k, 3)), CdVerdict::bad_cd);
  CdWords w = with<smmuv3::cd::Epd1>(kLinux4k, 0);
  w = with<smmuv3::cd::T1sz>(w, 16);
  EXPECT_EQ(verdict(base_policy(), with<smmuv3::cd::Tg1>(w, 0)), CdVerdict::bad_cd);
}

TEST(ValidateCd, GranuleNotAdvertisedInIdr5IsIllegal) {
  const struct {
    std::uint64_t tg0;
    bool Idr5::*flag;
  } cases[] = {{TCR_TG0_4K, &Idr5::gran4k}, {TCR_TG0_16K, &Idr5::gran16k}, {TCR_TG0_64K, &Idr5::gran64k}};
  for (const auto& c : cases) {
    Policy p = base_policy();
    const CdWords w = with<smmuv3::cd::Tg0>(kLinux4k, c.tg0);
    EXPECT_TRUE(validate_cd(p, w).ok());
    p.idr.idr5.*c.flag = false;
    EXPECT_EQ(verdict(p, w), CdVerdict::bad_cd) << "TG0 " << c.tg0;
    EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Epd0>(w, 1)).ok());  // IGNORED under EPD0
  }
  // TG1: 0b01 16KB, 0b10 4KB, 0b11 64KB.
  Policy p = base_policy();
  p.idr.idr5.gran64k = false;
  CdWords w = with<smmuv3::cd::Epd1>(kLinux4k, 0);
  w = with<smmuv3::cd::T1sz>(w, 16);
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Tg1>(w, 2)).ok());
  EXPECT_EQ(verdict(p, with<smmuv3::cd::Tg1>(w, 3)), CdVerdict::bad_cd);
}

// ----- IPS and TTBx ---------------------------------------------------------------------------

TEST(ValidateCd, IpsAboveOasIsClampedNotIllegal) {
  Policy p = base_policy();
  p.idr.idr5.oas = Oas::pa40;
  const CdWords w = with<smmuv3::cd::Ips>(kLinux4k, 5);  // 48 bits > OAS 40
  EXPECT_TRUE(validate_cd(p, w).ok());
  // eff_IPS = MIN(IPS, OAS) = 40: a TTB0 at bit 40 is out of range.
  EXPECT_EQ(verdict(p, with<smmuv3::cd::Ttb0>(w, bit(40))), CdVerdict::bad_cd);
}

TEST(ValidateCd, ReservedIpsBehavesAsTheLargestEncodingOfTheRevision) {
  Policy p = base_policy();  // SMMUv3.1: 0b111 is Reserved, behaves as 0b110 (52 bits)
  p.idr.idr5.oas = Oas::pa52;
  const CdWords w = with<smmuv3::cd::Tg0>(with<smmuv3::cd::Ips>(kLinux4k, 7), TCR_TG0_64K);
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Ttb0>(w, bit(51))).ok());
  p.idr.aidr.arch_minor_rev = ArchMinorRev::smmuv3_0;  // 0b110/0b111 behave as 0b101 (48 bits)
  p.idr.idr5.oas = Oas::pa48;
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Ips>(w, 6)).ok());
  EXPECT_EQ(verdict(p, with<smmuv3::cd::Ttb0>(with<smmuv3::cd::Ips>(w, 6), bit(47) << 1)), CdVerdict::bad_cd);
}

TEST(ValidateCd, TtbOutsideEffectiveIpsIsIllegal) {
  // IPS 40 bits: TTB0 below 2^40 fine, at 2^40 ILLEGAL.
  const CdWords w = with<smmuv3::cd::Ips>(kLinux4k, 2);
  EXPECT_TRUE(validate_cd(base_policy(), with<smmuv3::cd::Ttb0>(w, bit(40) - 16)).ok());
  const auto r = validate_cd(base_policy(), with<smmuv3::cd::Ttb0>(w, bit(40)));
  EXPECT_EQ(r.verdict, CdVerdict::bad_cd);
  EXPECT_NE(std::string(r.reason).find("TTB0"), std::string::npos);
  // TTB1 the same when enabled.
  CdWords w1 = with<smmuv3::cd::Epd1>(w, 0);
  w1 = with<smmuv3::cd::T1sz>(w1, 16);
  w1 = with<smmuv3::cd::Tg1>(w1, 2);
  EXPECT_TRUE(validate_cd(base_policy(), with<smmuv3::cd::Ttb1>(w1, bit(40) - 16)).ok());
  EXPECT_EQ(verdict(base_policy(), with<smmuv3::cd::Ttb1>(w1, bit(40))), CdVerdict::bad_cd);
}

TEST(ValidateCd, TtbAbove48BitsNeedsDsOr64kGranule) {
  Policy p = base_policy();
  p.idr.idr5.oas = Oas::pa52;
  p.idr.idr5.ds = true;
  const CdWords w = with<smmuv3::cd::Ttb0>(with<smmuv3::cd::Ips>(kLinux4k, 6), bit(48));
  EXPECT_EQ(verdict(p, w), CdVerdict::bad_cd);                              // 4KB, DS == 0
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Ds>(w, 1)).ok());             // 4KB, DS == 1
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Tg0>(w, TCR_TG0_64K)).ok());  // 64KB
}

TEST(ValidateCd, TtbLowBitsAreAlignedByTheSmmuNotIllegal) {
  // §5.4 TTB0: bits [x-1:0] "are treated as if all the bits are zero".
  for (std::uint64_t low : {0x10ull, 0x20ull, 0x40ull, 0xFF0ull})
    EXPECT_TRUE(validate_cd(base_policy(), with<smmuv3::cd::Ttb0>(kLinux4k, 0x8'1234'5000ull | low)).ok());
}

TEST(ValidateCd, TtbAddressBits55To52AreRes0ForVmsav8_64EvenWhenIgnored) {
  for (unsigned b = 52; b < 56; ++b) {
    EXPECT_EQ(verdict(base_policy(), with<smmuv3::cd::Ttb0>(with<smmuv3::cd::Epd0>(kLinux4k, 1), bit(b))),
              CdVerdict::bad_cd);
    EXPECT_EQ(verdict(base_policy(), with<smmuv3::cd::Ttb1>(kLinux4k, bit(b))), CdVerdict::bad_cd);
  }
}

TEST(ValidateCd, SmmuV30TtbAddressBits51To48AreRes0) {
  Policy p = base_policy();
  p.idr.aidr.arch_minor_rev = ArchMinorRev::smmuv3_0;
  EXPECT_EQ(verdict(p, with<smmuv3::cd::Ttb1>(kLinux4k, bit(48))), CdVerdict::bad_cd);
  p.idr.aidr.arch_minor_rev = ArchMinorRev::smmuv3_1;
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Ttb1>(kLinux4k, bit(48))).ok());  // IGNORED under EPD1
}

// ----- ASID -------------------------------------------------------------------------------------

TEST(ValidateCd, AsidUpperByteMustBeZeroWithout16BitAsids) {
  Policy p = base_policy();
  p.idr.idr0.asid16 = false;
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Asid>(kLinux4k, 0xFF)).ok());
  for (unsigned b = 8; b < 16; ++b)
    EXPECT_EQ(verdict(p, with<smmuv3::cd::Asid>(kLinux4k, 1u << b)), CdVerdict::bad_cd) << b;
  p.idr.idr0.asid16 = true;
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Asid>(kLinux4k, 0xFFFF)).ok());
}

// ----- ENDI -------------------------------------------------------------------------------------

TEST(ValidateCd, EndiMustMatchTtendian) {
  Policy p = base_policy();
  const CdWords be = with<smmuv3::cd::Endi>(kLinux4k, 1);
  EXPECT_TRUE(validate_cd(p, be).ok());  // mixed
  p.idr.idr0.tt_endian = TtEndian::little;
  EXPECT_EQ(verdict(p, be), CdVerdict::bad_cd);
  EXPECT_TRUE(validate_cd(p, kLinux4k).ok());
  p.idr.idr0.tt_endian = TtEndian::big;
  EXPECT_EQ(verdict(p, kLinux4k), CdVerdict::bad_cd);
  EXPECT_TRUE(validate_cd(p, be).ok());
}

TEST(ValidateCd, EndiIgnoredWhenBothWalksDisabled) {
  Policy p = base_policy();
  p.idr.idr0.tt_endian = TtEndian::big;
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Epd0>(kLinux4k, 1)).ok());
}

// ----- Walk attributes --------------------------------------------------------------------------

TEST(ValidateCd, ShReservedEncodingBehavesAsNonShareableAndIsAccepted) {
  EXPECT_TRUE(validate_cd(base_policy(), with<smmuv3::cd::Sh0>(kLinux4k, 1)).ok());
}

TEST(ValidateCd, IrAndOrAcceptEveryEncoding) {
  for (unsigned v = 0; v < 4; ++v) {
    EXPECT_TRUE(validate_cd(base_policy(), with<smmuv3::cd::Ir0>(kLinux4k, v)).ok());
    EXPECT_TRUE(validate_cd(base_policy(), with<smmuv3::cd::Or0>(kLinux4k, v)).ok());
  }
}

TEST(ValidateCd, UnconditionalControlBitsAreAccepted) {
  // AFFD, WXN, UWXN (IGNORED for VMSAv8-64), TBI0/1, PAN, ASET, R, NSCFG0/1 (IGNORED for a
  // Non-secure stream), HAD0/1 (IGNORED without SMMU_IDR3.HAD).
  CdWords w = kLinux4k;
  for (std::uint64_t b : {bit(35), bit(36), bit(37), bit(38), bit(39), bit(40), bit(45), bit(47)}) w[0] |= b;
  w[1] |= bit(0) | bit(1);
  w[2] |= bit(0) | bit(1);
  EXPECT_TRUE(validate_cd(base_policy(), w).ok()) << validate_cd(base_policy(), w).reason;
  Policy p = base_policy();
  p.idr.idr3.had = true;
  EXPECT_TRUE(validate_cd(p, w).ok());
}

// ----- HTTU -------------------------------------------------------------------------------------

TEST(ValidateCd, HaHdNeedAdvertisedHttu) {
  Policy p = base_policy();
  const CdWords ha = with<smmuv3::cd::Ha>(kLinux4k, 1);
  const CdWords had = with<smmuv3::cd::Hd>(ha, 1);
  EXPECT_EQ(verdict(p, ha), CdVerdict::bad_cd);
  EXPECT_EQ(verdict(p, with<smmuv3::cd::Hd>(kLinux4k, 1)), CdVerdict::bad_cd);
  p.idr.idr0.httu = Httu::access;
  EXPECT_TRUE(validate_cd(p, ha).ok());
  EXPECT_EQ(verdict(p, had), CdVerdict::bad_cd);
  p.idr.idr0.httu = Httu::access_dirty;
  EXPECT_TRUE(validate_cd(p, had).ok());
  // {HD, HA} == 0b10: Reserved, behaves as 0b00 when HD is not ILLEGAL.
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Hd>(kLinux4k, 1)).ok());
}

TEST(ValidateCd, HaftIsRes0UnlessHttuIs0b11AndNeedsHa) {
  Policy p = base_policy();
  p.idr.idr0.httu = Httu::access_dirty;
  const CdWords haft_ha = with<smmuv3::cd::Haft>(with<smmuv3::cd::Ha>(kLinux4k, 1), 1);
  EXPECT_EQ(verdict(p, haft_ha), CdVerdict::bad_cd);
  p.idr.idr0.httu = Httu::access_dirty_table_access;
  EXPECT_TRUE(validate_cd(p, haft_ha).ok());
  EXPECT_EQ(verdict(p, with<smmuv3::cd::Haft>(kLinux4k, 1)), CdVerdict::bad_cd);
}

// ----- A, R, S (§5.5) ---------------------------------------------------------------------------

TEST(ValidateCd, StallNeedsAStallModelThatAllowsIt) {
  Policy p = base_policy();  // terminate-only
  const CdWords s = with<smmuv3::cd::S>(kLinux4k, 1);
  EXPECT_EQ(verdict(p, s), CdVerdict::bad_cd);
  p.idr.idr0.stall_model = StallModel::stall_and_terminate;
  EXPECT_TRUE(validate_cd(p, s).ok());
  EXPECT_EQ(validate_cd(p, CdStreamContext{.s1stalld = true}, s).verdict, CdVerdict::bad_cd);
  EXPECT_TRUE(validate_cd(p, CdStreamContext{.s1stalld = true}, kLinux4k).ok());
  p.idr.idr0.stall_model = StallModel::stall_forced;
  EXPECT_TRUE(validate_cd(p, s).ok());
  EXPECT_EQ(verdict(p, kLinux4k), CdVerdict::bad_cd);
}

TEST(ValidateCd, TermModelRequiresAbortTermination) {
  Policy p = base_policy();
  const CdWords raz = with<smmuv3::cd::A>(kLinux4k, 0);
  EXPECT_TRUE(validate_cd(p, raz).ok());
  p.idr.idr0.term_model = true;
  EXPECT_EQ(verdict(p, raz), CdVerdict::bad_cd);
  EXPECT_TRUE(validate_cd(p, kLinux4k).ok());
}

TEST(ValidateCd, RecordBitHasNoRule) {
  EXPECT_TRUE(validate_cd(base_policy(), with<smmuv3::cd::R>(kLinux4k, 0)).ok());
}

// ----- Optional stage 1 features --------------------------------------------------------------

TEST(ValidateCd, E0pdIsRes0WithoutIdr3E0pd) {
  Policy p = base_policy();
  EXPECT_EQ(verdict(p, with<smmuv3::cd::E0pd0>(kLinux4k, 1)), CdVerdict::bad_cd);
  EXPECT_EQ(verdict(p, with<smmuv3::cd::E0pd1>(kLinux4k, 1)), CdVerdict::bad_cd);
  p.idr.idr3.e0pd = true;
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::E0pd1>(with<smmuv3::cd::E0pd0>(kLinux4k, 1), 1)).ok());
}

TEST(ValidateCd, HwuBitsAreIgnoredWithoutPbhaButRes0InSmmuV30) {
  for (unsigned b : {124u, 125u, 126u, 127u, 188u, 189u, 190u, 191u}) {
    const CdWords one = [&] {
      CdWords x = kLinux4k;
      x[b / 64] |= bit(b % 64);
      return x;
    }();
    Policy p = base_policy();
    EXPECT_TRUE(validate_cd(p, one).ok()) << b;
    p.idr.aidr.arch_minor_rev = ArchMinorRev::smmuv3_0;
    EXPECT_EQ(verdict(p, one), CdVerdict::bad_cd) << b;
  }
}

TEST(ValidateCd, DsIsRes0WithoutIdr5DsAndWhenBothGranulesAre64k) {
  Policy p = base_policy();
  const CdWords ds = with<smmuv3::cd::Ds>(kLinux4k, 1);
  EXPECT_EQ(verdict(p, ds), CdVerdict::bad_cd);
  p.idr.idr5.ds = true;
  EXPECT_TRUE(validate_cd(p, ds).ok());
  EXPECT_EQ(verdict(p, with<smmuv3::cd::Tg1>(with<smmuv3::cd::Tg0>(ds, TCR_TG0_64K), 3)), CdVerdict::bad_cd);
  p.idr.aidr.arch_minor_rev = ArchMinorRev::smmuv3_0;
  EXPECT_EQ(verdict(p, ds), CdVerdict::bad_cd);
}

TEST(ValidateCd, PieIsRes0WithoutS1piOrSteS1pie) {
  Policy p = base_policy();
  const CdWords pie = with<smmuv3::cd::Pie>(kLinux4k, 1);
  EXPECT_EQ(validate_cd(p, kS1pie, pie).verdict, CdVerdict::bad_cd);
  p.idr.idr3.s1pi = true;
  EXPECT_EQ(validate_cd(p, pie).verdict, CdVerdict::bad_cd);
  EXPECT_TRUE(validate_cd(p, kS1pie, pie).ok());
}

TEST(ValidateCd, PermissionIndirectionTablesAreRes0WhenDisabled) {
  Policy p = base_policy();
  p.idr.idr3.s1pi = true;
  EXPECT_EQ(validate_cd(p, kS1pie, with<smmuv3::cd::Piiu>(kLinux4k, 1)).verdict, CdVerdict::bad_cd);
  EXPECT_EQ(validate_cd(p, kS1pie, with<smmuv3::cd::Piip>(kLinux4k, 1)).verdict, CdVerdict::bad_cd);
}

TEST(ValidateCd, PermissionIndirectionEncodingsAreChecked) {
  Policy p = base_policy();
  p.idr.idr3.s1pi = true;
  const CdWords pie = with<smmuv3::cd::Pie>(kLinux4k, 1);
  for (unsigned e = 0; e < 16; ++e) {
    for (std::uint64_t enc = 0; enc < 8; ++enc) {
      const bool reserved = enc == 0b100 || enc == 0b110;
      EXPECT_EQ(validate_cd(p, kS1pie, with<smmuv3::cd::Piip>(pie, enc << (3 * e))).ok(), !reserved) << e << enc;
      EXPECT_EQ(validate_cd(p, kS1pie, with<smmuv3::cd::Piiu>(pie, enc << (3 * e))).ok(), !reserved) << e << enc;
    }
  }
  // Privileged execute with unprivileged write in the same entry is ILLEGAL.
  const CdWords rx_rw = with<smmuv3::cd::Piiu>(with<smmuv3::cd::Piip>(pie, 0b011u << 9), 0b101u << 9);
  EXPECT_EQ(validate_cd(p, kS1pie, rx_rw).verdict, CdVerdict::bad_cd);
  const CdWords rx_rw_other = with<smmuv3::cd::Piiu>(with<smmuv3::cd::Piip>(pie, 0b011u << 9), 0b101u << 12);
  EXPECT_TRUE(validate_cd(p, kS1pie, rx_rw_other).ok());
}

TEST(ValidateCd, EpanIsRes0WithoutIdr3EpanOrWithPermissionIndirection) {
  Policy p = base_policy();
  const CdWords epan = with<smmuv3::cd::Epan>(kLinux4k, 1);
  EXPECT_EQ(verdict(p, epan), CdVerdict::bad_cd);
  p.idr.idr3.epan = true;
  EXPECT_TRUE(validate_cd(p, epan).ok());
  p.idr.idr3.s1pi = true;
  EXPECT_EQ(validate_cd(p, kS1pie, with<smmuv3::cd::Pie>(epan, 1)).verdict, CdVerdict::bad_cd);
}

TEST(ValidateCd, AieIsRes0WithoutIdr3Aie) {
  Policy p = base_policy();
  EXPECT_EQ(verdict(p, with<smmuv3::cd::Aie>(kLinux4k, 1)), CdVerdict::bad_cd);
  p.idr.idr3.aie = true;
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Aie>(kLinux4k, 1)).ok());
}

TEST(ValidateCd, PnchIsRes0WithoutIdr3The) {
  Policy p = base_policy();
  EXPECT_EQ(verdict(p, with<smmuv3::cd::Pnch>(kLinux4k, 1)), CdVerdict::bad_cd);
  p.idr.idr3.the = true;
  EXPECT_TRUE(validate_cd(p, with<smmuv3::cd::Pnch>(kLinux4k, 1)).ok());
}

TEST(ValidateCd, MpamIdsAreRes0WithoutMpamOrSteS1mpam) {
  Policy p = base_policy();
  const CdWords ids = with<smmuv3::cd::Pmg>(with<smmuv3::cd::Partid>(kLinux4k, 0x1F), 3);
  const CdStreamContext s1mpam{.s1mpam = true};
  EXPECT_EQ(validate_cd(p, s1mpam, ids).verdict, CdVerdict::bad_cd);
  p.idr.idr3.mpam = true;
  EXPECT_EQ(validate_cd(p, ids).verdict, CdVerdict::bad_cd);
  EXPECT_TRUE(validate_cd(p, s1mpam, ids).ok());
}

TEST(ValidateCd, StreamContextComesFromTheSte) {
  smmuv3::Ste ste{};
  ste.s1_stalld = true;
  ste.s1_pie = true;
  ste.s1_mpam = true;
  ste.s1_fmt = smmuv3::S1Fmt::two_level_4k;
  const CdStreamContext c = vsmmu::cd_stream_context(ste);
  EXPECT_EQ(c, (CdStreamContext{true, true, true, smmuv3::S1Fmt::two_level_4k}));
}

// ----- CDs the stock Linux driver writes --------------------------------------------------------

TEST(ValidateCdLinux, MakeS1CdIsValidForEveryGranuleAndAddressSize) {
  for (std::uint64_t granule : {4096ull, 16384ull, 65536ull}) {
    for (unsigned oas : {32u, 36u, 40u, 42u, 44u, 48u}) {
      for (bool coherent : {true, false}) {
        Policy p = base_policy();
        p.idr.idr5.oas = static_cast<Oas>(ips_encoding(oas));
        // arm_smmu_domain_finalise(): ias = min(VAX ? 52 : 48, VA_BITS); VA_BITS 39/42/47/48.
        for (unsigned ias : {39u, 42u, 47u, 48u}) {
          const CdWords w = linux_s1_cd({.granule = granule, .ias = ias, .oas = oas, .coherent = coherent,
                                         .ttbr = 0x1234'5000ull});
          const auto r = validate_cd(p, w);
          EXPECT_TRUE(r.ok()) << granule << " oas " << oas << " ias " << ias << ": " << (r.reason ? r.reason : "");
        }
      }
    }
  }
}

TEST(ValidateCdLinux, MakeS1CdWith52BitVaAndPaOn64kGranule) {
  Policy p = base_policy();
  p.idr.idr5.vax = Vax::va52;
  p.idr.idr5.oas = Oas::pa52;
  const CdWords w = linux_s1_cd({.granule = 65536, .ias = 52, .oas = 52, .ttbr = bit(51) | 0x1'0000});
  EXPECT_TRUE(validate_cd(p, w).ok()) << validate_cd(p, w).reason;
}

TEST(ValidateCdLinux, MakeS1CdWithEveryAsidWidth) {
  Policy p = base_policy();
  p.idr.idr0.asid16 = false;
  for (unsigned asid = 1; asid < 256; ++asid) EXPECT_TRUE(validate_cd(p, linux_s1_cd({.asid = static_cast<std::uint16_t>(asid)})).ok());
  p.idr.idr0.asid16 = true;
  for (unsigned asid = 1; asid < 65536; asid += 251)
    EXPECT_TRUE(validate_cd(p, linux_s1_cd({.asid = static_cast<std::uint16_t>(asid)})).ok());
  EXPECT_TRUE(validate_cd(p, linux_s1_cd({.asid = 0xFFFF})).ok());
}

TEST(ValidateCdLinux, MakeS1CdWithHttuDirtyStallAndBigEndian) {
  Policy p = base_policy();
  p.idr.idr0.httu = Httu::access_dirty;              // ARM_SMMU_FEAT_HD -> IO_PGTABLE_QUIRK_ARM_HD
  p.idr.idr0.stall_model = StallModel::stall_and_terminate;  // master->stall_enabled
  EXPECT_TRUE(validate_cd(p, linux_s1_cd({.stall_enabled = true, .hd = true})).ok());
  p.idr.idr0.tt_endian = TtEndian::big;
  EXPECT_TRUE(validate_cd(p, linux_s1_cd({.hd = true, .big_endian = true})).ok());
  p.idr.idr0.stall_model = StallModel::stall_forced;
  EXPECT_TRUE(validate_cd(p, linux_s1_cd({.stall_enabled = true, .big_endian = true})).ok());
  // arm_smmu_make_cdtable_ste() sets S1STALLD when the SMMU stalls and the master does not.
  p.idr.idr0.stall_model = StallModel::stall_and_terminate;
  EXPECT_TRUE(validate_cd(p, CdStreamContext{.s1stalld = true}, linux_s1_cd({.big_endian = true})).ok());
}

TEST(ValidateCdLinux, MakeSvaCdIsValid) {
  Policy p = base_policy();
  p.idr.idr0.stall_model = StallModel::stall_and_terminate;
  for (std::uint64_t page : {4096ull, 16384ull, 65536ull}) {
    for (unsigned vabits : {39u, 47u, 48u}) {
      for (bool tbi0 : {false, true}) {
        const CdWords w = linux_sva_cd({.page_size = page, .vabits = vabits, .stall_enabled = true, .tbi0 = tbi0});
        EXPECT_TRUE(validate_cd(p, w).ok()) << page << " " << vabits << ": " << validate_cd(p, w).reason;
      }
    }
  }
  // vabits_actual == 52 needs ARM_SMMU_FEAT_VAX (arm_smmu_sva_supported); 64KB pages.
  p.idr.idr5.vax = Vax::va52;
  p.idr.idr5.oas = Oas::pa52;
  EXPECT_TRUE(validate_cd(p, linux_sva_cd({.page_size = 65536, .vabits = 52, .parange = 6})).ok());
}

TEST(ValidateCdLinux, SvaCdWithoutMmDisablesTranslationAndIsValid) {
  Policy p = base_policy();
  EXPECT_TRUE(validate_cd(p, linux_sva_cd({.has_mm = false})).ok());
  p.idr.idr0.stall_model = StallModel::stall_forced;  // ARM_SMMU_FEAT_STALL_FORCE keeps S
  EXPECT_TRUE(validate_cd(p, linux_sva_cd({.stall_enabled = true, .has_mm = false, .stall_forced = true})).ok());
}

TEST(ValidateCdLinux, ValidUnderMakePolicyOfATypicalHost) {
  Idr0 h0{};
  h0.s1p = h0.s2p = true;
  h0.ttf = Ttf::vmsav8_64;
  h0.asid16 = h0.vmid16 = true;
  h0.httu = Httu::access_dirty;
  h0.stall_model = StallModel::stall_and_terminate;
  h0.tt_endian = TtEndian::mixed;
  h0.cohacc = true;
  Idr3 h3{};
  h3.stt = true;
  Idr5 h5{};
  h5.gran4k = h5.gran64k = true;
  h5.oas = Oas::pa48;
  Aidr ha{};
  ha.arch_minor_rev = ArchMinorRev::smmuv3_2;
  const vsmmu::PolicyResult pr = vsmmu::make_policy(
      {static_cast<std::uint32_t>(encode(h0).words[0]), 0, static_cast<std::uint32_t>(encode(h3).words[0]),
       static_cast<std::uint32_t>(encode(h5).words[0]), static_cast<std::uint32_t>(encode(ha).words[0])},
      {.ipa_bits = 44});
  ASSERT_TRUE(pr.ok());
  const Policy& p = pr.policy;
  // Linux in the guest: smmu->ias = OAS = 44 bits, 4KB pages, HD from HTTU.
  EXPECT_TRUE(validate_cd(p, linux_s1_cd({.oas = 44, .hd = true, .ttbr = 0x0F'1234'5000ull})).ok());
  EXPECT_TRUE(validate_cd(p, linux_s1_cd({.granule = 65536, .ias = 48, .oas = 44})).ok());
  // 16KB is not advertised by this host.
  EXPECT_EQ(verdict(p, linux_s1_cd({.granule = 16384, .oas = 44})), CdVerdict::bad_cd);
  // A table base beyond the guest's 44-bit IPA space is ILLEGAL.
  EXPECT_EQ(verdict(p, linux_s1_cd({.oas = 44, .ttbr = bit(44)})), CdVerdict::bad_cd);
}

// ----- L1CD (§5.3) ------------------------------------------------------------------------------

TEST(ValidateL1Cd, VZeroIsInvalid) {
  const auto r = validate_l1_cd_descriptor(base_policy(), Words<1>{{0x1'2345'0000ull}});
  EXPECT_EQ(r.verdict, CdVerdict::invalid);
  EXPECT_NE(std::string(r.reason).find("C_BAD_SUBSTREAMID"), std::string::npos);
}

TEST(ValidateL1Cd, LinuxL1DescriptorIsValid) {
  // arm_smmu_write_cd_l1_desc(): (l2ptr_dma & CTXDESC_L1_DESC_L2PTR_MASK) | CTXDESC_L1_DESC_V,
  // for a 64KB L2 table from dma_alloc_coherent (aligned to its size).
  EXPECT_TRUE(validate_l1_cd_descriptor(base_policy(), Words<1>{{0x0000'00AB'CDEF'0000ull | 1}}).ok());
}

TEST(ValidateL1Cd, EveryRes0BitAloneIsBadSubstreamid) {
  for (unsigned b = 1; b < 64; ++b) {
    if ((smmuv3::kL1CdRes0[0] >> b & 1) == 0) continue;
    const auto r = validate_l1_cd_descriptor(base_policy(), Words<1>{{0x1'0000ull | 1 | bit(b)}});
    EXPECT_EQ(r.verdict, CdVerdict::bad_substreamid) << b;
  }
}

TEST(ValidateL1Cd, L2PtrBits15To12AreRes0With64kL2Tables) {
  const Words<1> d{{0x1'3000ull | 1}};
  EXPECT_EQ(validate_l1_cd_descriptor(base_policy(), d).verdict, CdVerdict::bad_substreamid);
  EXPECT_TRUE(validate_l1_cd_descriptor(base_policy(), CdStreamContext{.s1fmt = smmuv3::S1Fmt::two_level_4k}, d).ok());
}

TEST(ValidateL1Cd, L2PtrOutsideOasIsBadSubstreamid) {
  Policy p = base_policy();
  p.idr.idr5.oas = Oas::pa40;
  EXPECT_TRUE(validate_l1_cd_descriptor(p, Words<1>{{(bit(40) - 0x1'0000) | 1}}).ok());
  EXPECT_EQ(validate_l1_cd_descriptor(p, Words<1>{{bit(40) | 1}}).verdict, CdVerdict::bad_substreamid);
  EXPECT_EQ(validate_l1_cd_descriptor(p, Words<1>{{bit(55) | 1}}).verdict, CdVerdict::bad_substreamid);
}

// ----- Property test --------------------------------------------------------------------------

using vsmmu_test::SplitMix64;

/// The VMSAv8-64 T0SZ range, restated from §5.4 T0SZ for the property test's two policies.
bool t0sz_in_range(const Policy& p, const CdWords& w) {
  const unsigned t = w[0] & 0x3F;
  const unsigned tg = (w[0] >> 6) & 3;  // 0 4KB, 1 64KB, 2 16KB
  const bool ds = (w[2] >> 58) & 1;
  const unsigned max = !p.idr.idr3.stt ? 39 : (tg == 1 ? 47 : 48);
  const bool lpa = tg == 1 || (p.idr.idr5.ds && ds);
  const unsigned min = p.idr.idr5.vax != Vax::va48 && lpa ? 12 : 16;
  return t >= min && t <= max;
}

TEST(ValidateCdProperty, MutatedCdsAreNeverValidWithRes0BitsOrOutOfRangeTxsz) {
  Policy rich = base_policy();
  rich.idr.idr3.stt = true;
  rich.idr.idr5.vax = Vax::va52;
  rich.idr.idr5.ds = true;
  rich.idr.idr5.oas = Oas::pa52;
  rich.idr.idr0.httu = Httu::access_dirty;
  rich.idr.idr0.stall_model = StallModel::stall_and_terminate;
  rich.idr.idr3.e0pd = rich.idr.idr3.epan = true;
  const Policy policies[] = {base_policy(), rich};
  const CdWords seeds[] = {kLinux4k, linux_s1_cd({.granule = 65536, .asid = 0x4321, .hd = true}),
                           linux_sva_cd({.page_size = 16384, .stall_enabled = true}), linux_sva_cd({.has_mm = false})};
  SplitMix64 rng{0x5EED'CD00'0000'0001ull};
  int valid = 0;
  int rejected = 0;
  for (int i = 0; i < 120000; ++i) {
    CdWords w = seeds[rng.next() % 4];
    const unsigned flips = 1 + rng.next() % 4;
    for (unsigned f = 0; f < flips; ++f) {
      // Mostly word 0 (where most rules live), sometimes anywhere.
      const unsigned b = rng.next() % 2 == 0 ? rng.next() % 64 : rng.next() % 512;
      w[b / 64] ^= bit(b % 64);
    }
    if (rng.next() % 64 == 0) w[rng.next() % 8] = rng.next();
    const Policy& p = policies[rng.next() % 2];
    const auto r1 = validate_cd(p, w);
    const auto r2 = validate_cd(p, w);
    ASSERT_EQ(r1.verdict, r2.verdict);
    ASSERT_EQ(r1.reason, r2.reason);
    ASSERT_EQ(r1.ok(), r1.reason == nullptr);
    if (smmuv3::any(smmuv3::cd_res0_bits(w))) {
      ASSERT_FALSE(r1.ok()) << i;
    }
    const bool v = (w[0] >> 31) & 1, aa64 = (w[0] >> 41) & 1, epd0 = (w[0] >> 14) & 1;
    if (v && aa64 && !epd0 && !t0sz_in_range(p, w)) {
      ASSERT_FALSE(r1.ok()) << i;
    }
    if (!v) {
      ASSERT_EQ(r1.verdict, CdVerdict::invalid);
    }
    (r1.ok() ? valid : rejected)++;
  }
  // The mutations exercise both outcomes.
  EXPECT_GT(valid, 10000);
  EXPECT_GT(rejected, 10000);
}

TEST(ValidateCdProperty, RandomL1DescriptorsNeverCrashAndAreDeterministic) {
  SplitMix64 rng{42};
  for (int i = 0; i < 20000; ++i) {
    const Words<1> d{{rng.next() & (rng.next() % 2 ? ~std::uint64_t{0} : 0x00FF'FFFF'FFFF'F001ull)}};
    const auto a = validate_l1_cd_descriptor(base_policy(), d);
    const auto b = validate_l1_cd_descriptor(base_policy(), d);
    ASSERT_EQ(a.verdict, b.verdict);
    if (smmuv3::any(smmuv3::l1cd_res0_bits(d))) {
      ASSERT_FALSE(a.ok());
    }
  }
}

}  // namespace
