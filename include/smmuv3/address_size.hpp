// SPDX-License-Identifier: MIT
// The physical address size encoding the SMMU shares with the PE's translation regime
// (ID_AA64MMFR0_EL1.PARange, TCR_ELx.IPS, VTCR_EL2.PS): SMMU_IDR5.OAS (§6.3.6), CD.IPS (§5.4)
// and STE.S2PS (§5.2) all use it. Each field keeps its own enum type (so a CD's IPS cannot be
// passed where an STE's S2PS is meant); the sizes live here once.
#pragma once

#include <cstdint>

namespace smmuv3::detail {

/// Address bits for encodings 0b000..0b111: 32, 36, 40, 42, 44, 48, 52 and (SMMUv3.4 / FEAT_D128)
/// 56; 0 for a value that is not a 3-bit encoding.
constexpr unsigned pa_size_bits(std::uint8_t encoding) noexcept {
  constexpr unsigned kBits[8] = {32, 36, 40, 42, 44, 48, 52, 56};
  return encoding < 8 ? kBits[encoding] : 0;
}

}  // namespace smmuv3::detail
