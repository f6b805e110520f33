// SPDX-License-Identifier: MIT
// Range-based TLB invalidation and the level hint (IHI 0070 §4.4.1.1, SMMU_IDR3.RIL): the
// TG/TTL encodings and the arithmetic the spec gives for NUM/SCALE ranges. Pure
// architecture; whether RIL or DS is implemented is the caller's input.
#pragma once

#include <cstdint>

#include "smmuv3/command/fields.hpp"

namespace smmuv3 {

/// TG, the translation granule of the entries to invalidate (§4.4.1.1).
enum class TlbiTg : std::uint8_t {
  /// 0b00: entries of any granule; no range invalidation, TTL not used (NUM, SCALE, TTL
  /// and TTL128 are RES0).
  any = 0,
  granule_4kb = 1,
  granule_16kb = 2,
  granule_64kb = 3,
};

/// log2 of the translation granule TG names: 12, 14 or 16; 0 for TG == 0b00 (no granule).
constexpr unsigned tlbi_granule_shift(TlbiTg tg) noexcept {
  switch (tg) {
    case TlbiTg::granule_4kb: return 12;
    case TlbiTg::granule_16kb: return 14;
    case TlbiTg::granule_64kb: return 16;
    case TlbiTg::any: break;
  }
  return 0;
}

/// True when TG selects a range invalidation (TG != 0b00 and a valid 2-bit value).
constexpr bool tlbi_is_range(TlbiTg tg) noexcept { return tlbi_granule_shift(tg) != 0; }

/// SCALE values above this are treated as this value (§4.4.1.1, SMMU_IDR5.DS == 1); software
/// must not rely on it.
inline constexpr unsigned kTlbiScaleMax = 39;

/// The SCALE the SMMU uses: with DS == 1 the field is 6 bits and values above 39 act as 39;
/// with DS == 0 it is 5 bits ([24:20]) and bit 25 is RES0, taken here as ignored (an SMMU
/// may instead raise CERROR_ILL for it, §4.1.5).
constexpr unsigned tlbi_effective_scale(std::uint8_t scale, bool ds) noexcept {
  if (!ds) return scale & 0x1Fu;
  return scale > kTlbiScaleMax ? kTlbiScaleMax : scale;
}

/// The bytes a range TLBI covers, starting at its Address (§4.4.1.1):
///   Range = ((NUM + 1) * 2^SCALE) * Translation_Granule_Size.
/// 0 when TG == 0b00 (not a range invalidation) or NUM/SCALE do not fit their fields. The
/// largest value, 32 * 2^39 * 64KB = 2^60, fits in 64 bits.
constexpr std::uint64_t tlbi_range_bytes(TlbiTg tg, std::uint8_t num, std::uint8_t scale,
                                         bool ds) noexcept {
  if (!tlbi_is_range(tg) || !cmd::Num::fits(num) || !cmd::Scale::fits(scale)) return 0;
  return (std::uint64_t{num} + 1) << (tlbi_effective_scale(scale, ds) + tlbi_granule_shift(tg));
}

/// The level of walk a TTL hint names, per the §4.4.1.1 TTL table.
enum class TlbiLevelHint : std::uint8_t {
  /// TG == 0b00: TTL is RES0 and not used.
  not_used,
  /// Leaf entries at any level of a table of granule TG (TTL == 0b00, or the Reserved
  /// TTL == 0b01 with 16KB granule and SMMU_IDR5.DS == 0, which hardware treats as 0b00).
  any_level,
  level1,
  level2,
  level3,
};

/// What a TTL field value (0..3) means for granule TG; `ds` is SMMU_IDR5.DS.
constexpr TlbiLevelHint tlbi_level_hint(TlbiTg tg, std::uint8_t ttl, bool ds) noexcept {
  if (!tlbi_is_range(tg)) return TlbiLevelHint::not_used;
  switch (ttl) {
    case 1:
      return (tg == TlbiTg::granule_16kb && !ds) ? TlbiLevelHint::any_level : TlbiLevelHint::level1;
    case 2: return TlbiLevelHint::level2;
    case 3: return TlbiLevelHint::level3;
    default: return TlbiLevelHint::any_level;
  }
}

/// The Reserved parameter combination of §4.4.1.1: TG != 0b00 with NUM == 0, SCALE == 0 and an
/// effective TTL of 0b00 (granule information without a range or a level hint) causes
/// CERROR_ILL. With DS == 0, 16KB and TTL == 0b01 count as TTL == 0b00 here, as the spec notes.
constexpr bool tlbi_range_params_reserved(TlbiTg tg, std::uint8_t num, std::uint8_t scale,
                                          std::uint8_t ttl, bool ds) noexcept {
  return tlbi_is_range(tg) && num == 0 && tlbi_effective_scale(scale, ds) == 0 &&
         tlbi_level_hint(tg, ttl, ds) == TlbiLevelHint::any_level;
}

}  // namespace smmuv3
