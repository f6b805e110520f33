// Tests for include/smmuv3/cerror.hpp: SMMU_CMDQ_CONS.ERR codes (IHI 0070 G.b §7.1, §6.3.28).
#include <smmuv3/cerror.hpp>

#include <gtest/gtest.h>

#include <cstdint>

namespace smmuv3 {
namespace {

// The field is CMDQ_CONS[30:24] (Linux CMDQ_CONS_ERR GENMASK(30, 24); QEMU FIELD(CMDQ_CONS,
// ERR, 24, 7)).
static_assert(CmdqConsErr::lo == 24 && CmdqConsErr::hi == 30);
static_assert(CmdqConsErr::mask == 0x7F00'0000);

// Codes from the §7.1 table (Linux CMDQ_ERR_CERROR_{NONE,ILL,ABT,ATC_INV}_IDX = 0..3).
static_assert(static_cast<int>(CmdqError::cerror_none) == 0x00);
static_assert(static_cast<int>(CmdqError::cerror_ill) == 0x01);
static_assert(static_cast<int>(CmdqError::cerror_abt) == 0x02);
static_assert(static_cast<int>(CmdqError::cerror_atc_inv_sync) == 0x03);

// Usable in constant expressions.
static_assert(cmdq_error_of(0x0100'0000) == CmdqError::cerror_ill);
static_assert(cmdq_error_name(CmdqError::cerror_abt)[7] == 'A');
static_assert([] {
  std::uint32_t cons = 0x0000'0042;
  return set_cmdq_error(cons, CmdqError::cerror_atc_inv_sync) && cons == 0x0300'0042;
}());

TEST(CmdqError, NamesAsTheSpecSpellsThem) {
  EXPECT_STREQ(cmdq_error_name(CmdqError::cerror_none), "CERROR_NONE");
  EXPECT_STREQ(cmdq_error_name(CmdqError::cerror_ill), "CERROR_ILL");
  EXPECT_STREQ(cmdq_error_name(CmdqError::cerror_abt), "CERROR_ABT");
  EXPECT_STREQ(cmdq_error_name(CmdqError::cerror_atc_inv_sync), "CERROR_ATC_INV_SYNC");
}

TEST(CmdqError, UnassignedCodesHaveNoNameButKeepTheirNumber) {
  EXPECT_EQ(cmdq_error_name(static_cast<CmdqError>(4)), nullptr);
  EXPECT_EQ(cmdq_error_name(static_cast<CmdqError>(0x7F)), nullptr);
  EXPECT_EQ(static_cast<unsigned>(cmdq_error_of(0x7F00'0000)), 0x7Fu);
  EXPECT_EQ(static_cast<unsigned>(cmdq_error_of(0x0400'0000)), 4u);
}

TEST(CmdqError, ReadsOnlyBits30To24) {
  // RD [19:0] and the RES0 bits 31 and [23:20] do not leak into the code.
  EXPECT_EQ(cmdq_error_of(0x0200'0010), CmdqError::cerror_abt);
  EXPECT_EQ(cmdq_error_of(0x80FF'FFFF), CmdqError::cerror_none);
  EXPECT_EQ(cmdq_error_of(0xFFFF'FFFF), static_cast<CmdqError>(0x7F));
  EXPECT_EQ(cmdq_error_of(0x0300'0000), CmdqError::cerror_atc_inv_sync);
}

TEST(CmdqError, SettingTheCodeKeepsEveryOtherBit) {
  std::uint32_t cons = 0x800F'FFFF;  // RD all ones, RES0 bit 31 set: neither may change
  ASSERT_TRUE(set_cmdq_error(cons, CmdqError::cerror_ill));
  EXPECT_EQ(cons, 0x810F'FFFFu);
  ASSERT_TRUE(set_cmdq_error(cons, CmdqError::cerror_none));
  EXPECT_EQ(cons, 0x800F'FFFFu);
}

TEST(CmdqError, RefusesACodeWiderThanTheField) {
  std::uint32_t cons = 0x0100'0007;
  EXPECT_FALSE(set_cmdq_error(cons, static_cast<CmdqError>(0x80)));
  EXPECT_EQ(cons, 0x0100'0007u);
  EXPECT_TRUE(set_cmdq_error(cons, static_cast<CmdqError>(0x7F)));
  EXPECT_EQ(cons, 0x7F00'0007u);
}

}  // namespace
}  // namespace smmuv3
