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

#include "smmuv3/record.hpp"

namespace smmuv3::reg {

// Every register struct lists its fields once in a static `fields(self, visitor)` (record.hpp),
// from which encode, decode, for_each_field and the k<Name>Defined masks derive. Argument-
// dependent lookup of `for_each_field(reg_struct, f)` searches only smmuv3::reg, the structs'
// own namespace, so the generic smmuv3::for_each_field is made visible here.
using smmuv3::for_each_field;

/// A register value as the one-word record the encoders and decoders take.
constexpr Words<1> reg_words(std::uint64_t value) noexcept { return Words<1>{{value}}; }

/// Shareability, as encoded in SMMU_CR1.{TABLE,QUEUE}_SH (§6.3.11), SMMU_*_IRQ_CFG2.SH
/// (§6.3.23) and SMMU_GATOS_PAR.SH (§6.3.40). 0b01 is Reserved (treated as 0b00 by CR1 and
/// IRQ_CFG2); a decoded 1 is kept as its number.
enum class Shareability : std::uint8_t { non_shareable = 0, outer_shareable = 2, inner_shareable = 3 };

/// Cacheability, as encoded in SMMU_CR1.{TABLE,QUEUE}_{OC,IC} (§6.3.11). These do not follow
/// the TCR encoding: 0b01 is Write-Back, 0b10 Write-Through, 0b11 Reserved (treated as 0b00).
enum class Cacheability : std::uint8_t { non_cacheable = 0, write_back = 1, write_through = 2 };

}  // namespace smmuv3::reg
