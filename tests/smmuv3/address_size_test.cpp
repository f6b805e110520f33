// Tests for include/smmuv3/address_size.hpp and the three fields that share its encoding.
#include <smmuv3/cd.hpp>
#include <smmuv3/registers.hpp>
#include <smmuv3/ste.hpp>

#include <gtest/gtest.h>

namespace smmuv3 {
namespace {

// The encoding table of §6.3.6 IDR5.OAS, §5.4 CD.IPS and §5.2 STE.S2PS.
static_assert(detail::pa_size_bits(0) == 32 && detail::pa_size_bits(5) == 48 && detail::pa_size_bits(7) == 56);
static_assert(detail::pa_size_bits(8) == 0 && detail::pa_size_bits(0xFF) == 0);

TEST(AddressSize, EveryFieldUsingTheEncodingAgrees) {
  constexpr unsigned expected[8] = {32, 36, 40, 42, 44, 48, 52, 56};
  for (std::uint8_t e = 0; e < 8; ++e) {
    EXPECT_EQ(reg::oas_bits(static_cast<reg::Oas>(e)), expected[e]) << int(e);
    EXPECT_EQ(cd::ips_bits(static_cast<CdIps>(e)), expected[e]) << int(e);
    EXPECT_EQ(s2_ps_bits(static_cast<S2Ps>(e)), expected[e]) << int(e);
  }
  EXPECT_EQ(cd::ips_bits(static_cast<CdIps>(8)), 0u);
}

}  // namespace
}  // namespace smmuv3
