// SPDX-License-Identifier: MIT
// Shared vocabulary of the SMMUv3 register headers (IHI 0070 G.b chapter 6): a register value
// as a one-word record, and the attribute encodings several registers use.
//
// Section numbers in the register headers are those of IHI 0070 G.b. Older issues number
// chapter 6.3 differently (G.b inserted SMMU_S2PII as §6.3.17, so e.g. SMMU_CMDQ_CONS is
// §6.3.28 here but §6.3.27 in some earlier issues); the register names are the stable key.
//
// Every register is described as a `Words<1>` record: bit N of the register is bit N of word 0,
// so a field written in the spec as SMMU_CR1.TABLE_SH[11:10] is `Bits<11, 10>`. A 32-bit
// register's bits [63:32] do not exist; they are counted as RES0 so that a wider value handed
// to a 32-bit register's checks is reported instead of being ignored.
//
// Fields that the spec makes "Reserved, RES0" only when a feature is absent (for example
// SMMU_CR0.PRIQEN when SMMU_IDR0.PRI == 0) are defined fields here: deciding that a feature
// is absent needs the ID registers and is the register file's business, not the layout's.
#pragma once

#include <cstdint>
#include <limits>
#include <type_traits>

#include "../bitfield.hpp"

namespace smmuv3::reg {

/// A register value as the one-word record the encoders and decoders take.
constexpr Words<1> reg_words(std::uint64_t value) noexcept { return Words<1>{{value}}; }

/// Shareability, as encoded in SMMU_CR1.{TABLE,QUEUE}_SH (§6.3.11), SMMU_*_IRQ_CFG2.SH
/// (§6.3.23) and SMMU_GATOS_PAR.SH (§6.3.40). 0b01 is Reserved (treated as 0b00 by CR1 and
/// IRQ_CFG2); a decoded 1 is kept as its number.
enum class Shareability : std::uint8_t { non_shareable = 0, outer_shareable = 2, inner_shareable = 3 };

/// Cacheability, as encoded in SMMU_CR1.{TABLE,QUEUE}_{OC,IC} (§6.3.11). These do not follow
/// the TCR encoding: 0b01 is Write-Back, 0b10 Write-Through, 0b11 Reserved (treated as 0b00).
enum class Cacheability : std::uint8_t { non_cacheable = 0, write_back = 1, write_through = 2 };

namespace detail {
using smmuv3::detail::to_u64;

template <class T, bool = std::is_enum_v<T>>
struct underlying {
  using type = T;
};
template <class T>
struct underlying<T, true> {
  using type = std::underlying_type_t<T>;
};
template <class T>
using underlying_t = typename underlying<T>::type;

/// The largest value Field::get can return (a Bits field's max, an Addr field's address mask).
template <class Field>
constexpr std::uint64_t largest_value() noexcept {
  if constexpr (requires { Field::addr_mask; })
    return Field::addr_mask;
  else
    return Field::max;
}

/// Reads Field from a register record into a struct member of type T: a bool is "field != 0",
/// an enum keeps the raw number (a reserved encoding is preserved, never rejected), an integer
/// or an address is the field's value.
template <class Field, class T>
constexpr void get_to(const Words<1>& w, T& out) noexcept {
  if constexpr (std::is_same_v<T, bool>) {
    out = Field::get(w) != 0;
  } else {
    static_assert(largest_value<Field>() <= std::numeric_limits<underlying_t<T>>::max(),
                  "the struct member is too narrow for the field");
    out = static_cast<T>(Field::get(w));
  }
}
}  // namespace detail

}  // namespace smmuv3::reg
