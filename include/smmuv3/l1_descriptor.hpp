// SPDX-License-Identifier: MIT
// The two Level-1 table descriptors of SMMUv3 (8 bytes each):
//   - L1STD, Level 1 Stream Table Descriptor (IHI 0070 §5.1): one per 2^SPLIT StreamIDs of a
//     2-level Stream table, pointing at an array of 2^(Span-1) STEs;
//   - L1CD, Level 1 Context Descriptor (IHI 0070 §5.3): one per L2 CD table of a 2-level CD
//     table (STE.S1Fmt != linear), pointing at 64 or 1024 CDs.
// Field accessors (`smmuv3::l1std::*`, `smmuv3::l1cd::*`), plain structs, encode/decode, exact
// RES0 sets, and the architecture's sizing and alignment rules as pure functions.
//
// Sources: IHI 0070 G.b §5.1 and §5.3 (field positions and rules); Linux arm-smmu-v3.h
// STRTAB_L1_DESC_SPAN = GENMASK(4, 0), STRTAB_L1_DESC_L2PTR_MASK = GENMASK(51, 6),
// CTXDESC_L1_DESC_V = bit 0, CTXDESC_L1_DESC_L2PTR_MASK = GENMASK(51, 12); QEMU
// smmuv3-internal.h L1STD_SPAN = word[0][4:0]; gem5 ST_L2_SPAN_MASK = 0x1f.
// Disagreements:
//   - L2Ptr width: G.b has L1STD.L2Ptr[55:6] and L1CD.L2Ptr[55:12] (56-bit PA); Linux masks at
//     bit 51, gem5 at 47. The widest architectural field is used; bits above the OAS are RES0
//     by SMMU_IDR5.OAS, which is implementation state.
//   - QEMU takes L1STD.L2Ptr as word bits [63:5] (it keeps RES0 bit 5 and bits [63:56]) and
//     sizes the L2 array as 2^Span STEs instead of the spec's 2^(Span-1); it also does not treat
//     Span 12..31 as Reserved. The spec is followed here.
#pragma once

#include <cstddef>
#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/record.hpp"
#include "smmuv3/ste.hpp"

namespace smmuv3 {

// =============================================================================================
// L1STD (§5.1)
// =============================================================================================

inline constexpr std::size_t kL1StdWords = 1;
inline constexpr std::size_t kL1StdBytes = 8;

namespace l1std {
/// Span[4:0]: size of the Level 2 array and validity of L2Ptr.
using Span = Bits<4, 0>;
// Bit [5] RES0.
/// L2Ptr[55:6]: Level 2 array address bits [55:6]. Bits [63:56] RES0.
using L2Ptr = Addr<55, 6, 6>;
}  // namespace l1std

/// Span == 0: L2Ptr is invalid and every StreamID of the descriptor is invalid (§5.1).
inline constexpr std::uint8_t kL1StdSpanInvalid = 0;
/// The largest Span that is not Reserved: 1..11 give 2^(Span-1) STEs, 12..31 are Reserved and
/// behave as 0 (§5.1 Span).
inline constexpr std::uint8_t kL1StdSpanMax = 11;

struct L1StreamTableDescriptor {
  std::uint8_t span = 0;
  std::uint64_t l2_ptr = 0;  ///< Byte address of the Level 2 STE array.

  friend constexpr bool operator==(const L1StreamTableDescriptor&,
                                   const L1StreamTableDescriptor&) = default;

  /// The fields in spec bit order; encode, decode_l1std, for_each_field and kL1StdDefined
  /// derive from this list (record.hpp).
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(l1std::Span{}, "Span", s.span);
    v(l1std::L2Ptr{}, "L2Ptr", s.l2_ptr);
  }
};

static_assert(fields_disjoint<kL1StdWords, L1StreamTableDescriptor>(),
              "two L1STD fields claim the same bit");

inline constexpr Words<kL1StdWords> kL1StdDefined =
    fields_mask<kL1StdWords, L1StreamTableDescriptor>();
/// Bit [5] and bits [63:56].
inline constexpr Words<kL1StdWords> kL1StdRes0 = complement(kL1StdDefined);

constexpr Words<kL1StdWords> l1std_res0_bits(const Words<kL1StdWords>& w) noexcept {
  return bits_in(w, kL1StdRes0);
}

constexpr Encoded<kL1StdWords> encode(const L1StreamTableDescriptor& d) noexcept {
  return encode_fields<kL1StdWords>(d);
}

constexpr L1StreamTableDescriptor decode_l1std(const Words<kL1StdWords>& w) noexcept {
  return decode_fields<L1StreamTableDescriptor>(w);
}

/// Span 12..31 are Reserved and behave as 0 (§5.1 Span).
constexpr bool l1std_span_is_reserved(std::uint8_t span) noexcept { return span > kL1StdSpanMax; }

/// Number of STEs in the Level 2 array: 2^(Span-1) for Span 1..11; 0 for Span 0 and for the
/// Reserved spans, which behave as 0 (§5.1 Span).
constexpr std::uint32_t l1std_ste_count(std::uint8_t span) noexcept {
  if (span == kL1StdSpanInvalid || l1std_span_is_reserved(span)) return 0;
  return std::uint32_t{1} << (span - 1);
}

/// log2 of the Level 2 array size in bytes, 64 * 2^(Span-1) = 2^(Span+5); 0 when the Span
/// describes no array.
constexpr unsigned l1std_l2_array_bytes_log2(std::uint8_t span) noexcept {
  return l1std_ste_count(span) == 0 ? 0 : span + 5u;
}

/// The low L2Ptr bits the SMMU treats as zero, L2Ptr[5 + (Span-1):0] (§5.1 L2Ptr: "the Level 2
/// array is therefore aligned to its size by the SMMU"). A pointer with any of these set is
/// not where the SMMU will look. Zero when the Span describes no array.
constexpr std::uint64_t l1std_l2ptr_ignored_mask(std::uint8_t span) noexcept {
  const unsigned log2 = l1std_l2_array_bytes_log2(span);
  return log2 == 0 ? 0 : (std::uint64_t{1} << log2) - 1;
}

/// Whether the descriptor's L2Ptr is aligned to its Level 2 array size.
constexpr bool l1std_l2ptr_is_aligned(const L1StreamTableDescriptor& d) noexcept {
  return (d.l2_ptr & l1std_l2ptr_ignored_mask(d.span)) == 0;
}

/// Whether Span is usable with SMMU_(*_)STRTAB_BASE_CFG.SPLIT: not 0, not Reserved, and the
/// array no larger than the 2^SPLIT StreamIDs one descriptor covers (§5.1.1: "a Span set to
/// an out of bounds value given the split point" makes the StreamIDs invalid).
constexpr bool l1std_span_fits_split(std::uint8_t span, unsigned split) noexcept {
  return l1std_ste_count(span) != 0 && span - 1u <= split;
}

/// Whether StreamID `sid`, which selected this descriptor through a 2-level Stream table with
/// the given SPLIT, reaches an STE: the descriptor's Span fits the split and
/// StreamID[SPLIT-1:0] lies inside the Level 2 array (§5.1.1).
constexpr bool l1std_reaches_ste(const L1StreamTableDescriptor& d, unsigned split,
                                 std::uint32_t sid) noexcept {
  if (!l1std_span_fits_split(d.span, split)) return false;
  const std::uint64_t l2_index = split >= 32 ? sid : sid & ((std::uint64_t{1} << split) - 1);
  return l2_index < l1std_ste_count(d.span);
}

// =============================================================================================
// L1CD (§5.3)
// =============================================================================================

inline constexpr std::size_t kL1CdWords = 1;
inline constexpr std::size_t kL1CdBytes = 8;

namespace l1cd {
/// V[0]: L2Ptr valid.
using V = Bit<0>;
// Bits [11:1] RES0.
/// L2Ptr[55:12]: L2 CD table address bits [55:12] (L2 tables are at least 4KB-aligned).
/// Bits [63:56] RES0.
using L2Ptr = Addr<55, 12, 12>;
}  // namespace l1cd

struct L1CdTableDescriptor {
  bool v = false;
  std::uint64_t l2_ptr = 0;  ///< Byte address of the L2 CD table.

  friend constexpr bool operator==(const L1CdTableDescriptor&, const L1CdTableDescriptor&) = default;

  /// The fields in spec bit order; encode, decode_l1cd, for_each_field and kL1CdDefined
  /// derive from this list (record.hpp).
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(l1cd::V{}, "V", s.v);
    v(l1cd::L2Ptr{}, "L2Ptr", s.l2_ptr);
  }
};

static_assert(fields_disjoint<kL1CdWords, L1CdTableDescriptor>(),
              "two L1CD fields claim the same bit");

inline constexpr Words<kL1CdWords> kL1CdDefined = fields_mask<kL1CdWords, L1CdTableDescriptor>();
/// Bits [11:1] and [63:56].
inline constexpr Words<kL1CdWords> kL1CdRes0 = complement(kL1CdDefined);

constexpr Words<kL1CdWords> l1cd_res0_bits(const Words<kL1CdWords>& w) noexcept {
  return bits_in(w, kL1CdRes0);
}

constexpr Encoded<kL1CdWords> encode(const L1CdTableDescriptor& d) noexcept {
  return encode_fields<kL1CdWords>(d);
}

constexpr L1CdTableDescriptor decode_l1cd(const Words<kL1CdWords>& w) noexcept {
  return decode_fields<L1CdTableDescriptor>(w);
}

/// Number of SubstreamID bits that index an L2 CD table (§5.2 STE.S1Fmt): 6 (64 CDs, a 4KB
/// table) or 10 (1024 CDs, a 64KB table); 0 for a linear CD table, which has no L1CDs.
constexpr unsigned l1cd_l2_index_bits(S1Fmt fmt) noexcept {
  switch (effective_s1_fmt(fmt)) {
    case S1Fmt::two_level_4k: return 6;
    case S1Fmt::two_level_64k: return 10;
    case S1Fmt::linear: return 0;
  }
  return 0;
}

/// log2 of an L2 CD table's size in bytes (64-byte CDs): 12 or 16; 0 for linear.
constexpr unsigned l1cd_l2_table_bytes_log2(S1Fmt fmt) noexcept {
  const unsigned bits = l1cd_l2_index_bits(fmt);
  return bits == 0 ? 0 : bits + 6;
}

/// L1CD.L2Ptr bits that are RES0 for the STE's S1Fmt: with 64KB L2 tables L2Ptr[15:12] are
/// RES0 (§5.2 S1Fmt 0b10); with 4KB tables none are (L2Ptr[11:0] are outside the field).
constexpr std::uint64_t l1cd_l2ptr_res0_mask(S1Fmt fmt) noexcept {
  return effective_s1_fmt(fmt) == S1Fmt::two_level_64k ? 0xF000 : 0;
}

/// Index of the L1CD that locates SubstreamID `ssid` (§5.2 S1Fmt: SubstreamID[S1CDMax-1:6]
/// or [S1CDMax-1:10]; the caller has already checked ssid < 2^S1CDMax). 0 for linear.
constexpr std::uint32_t l1cd_index(S1Fmt fmt, std::uint32_t ssid) noexcept {
  const unsigned bits = l1cd_l2_index_bits(fmt);
  return bits == 0 ? 0 : ssid >> bits;
}

/// Index of SubstreamID `ssid`'s CD inside its L2 CD table: SubstreamID[5:0] or [9:0]; for a
/// linear table, the CD's index in the table (the SubstreamID itself).
constexpr std::uint32_t l1cd_l2_index(S1Fmt fmt, std::uint32_t ssid) noexcept {
  const unsigned bits = l1cd_l2_index_bits(fmt);
  return bits == 0 ? ssid : ssid & ((std::uint32_t{1} << bits) - 1);
}

}  // namespace smmuv3
