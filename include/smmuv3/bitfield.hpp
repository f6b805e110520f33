// SPDX-License-Identifier: MIT
// Fixed-size little-endian word arrays and [Hi:Lo] bit fields over them: the one primitive
// every SMMUv3 record and register in this library is described with.
//
// The architecture (IHI 0070, chapter 5 "Data structure formats" and chapter 4 "Commands")
// numbers the bits of a record from bit 0 of its first 64-bit little-endian word, so an STE
// field written in the spec as S2VMID[143:128] is `Bits<143, 128>` here. A reader with the
// spec open can check every field against the table it came from.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace smmuv3 {

/// N 64-bit words of a record, word 0 holding bits [63:0]. A plain aggregate, usable in
/// constant expressions, with no library dependency (freestanding-friendly).
template <std::size_t N>
struct Words {
  std::uint64_t w[N]{};

  static constexpr std::size_t size() noexcept { return N; }
  constexpr std::uint64_t& operator[](std::size_t i) noexcept { return w[i]; }
  constexpr const std::uint64_t& operator[](std::size_t i) const noexcept { return w[i]; }
  friend constexpr bool operator==(const Words&, const Words&) = default;
};

/// Reads N little-endian 64-bit words from 8*N bytes (as a record sits in memory).
template <std::size_t N>
constexpr Words<N> load_le(const unsigned char* bytes) noexcept {
  Words<N> out{};
  for (std::size_t i = 0; i < N; ++i) {
    std::uint64_t v = 0;
    for (std::size_t b = 0; b < 8; ++b) v |= std::uint64_t{bytes[8 * i + b]} << (8 * b);
    out[i] = v;
  }
  return out;
}

/// Writes N words as 8*N little-endian bytes.
template <std::size_t N>
constexpr void store_le(const Words<N>& words, unsigned char* bytes) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    for (std::size_t b = 0; b < 8; ++b)
      bytes[8 * i + b] = static_cast<unsigned char>(words[i] >> (8 * b));
}

namespace detail {
template <class T>
constexpr std::uint64_t to_u64(T v) noexcept {
  if constexpr (std::is_enum_v<T>)
    return static_cast<std::uint64_t>(static_cast<std::underlying_type_t<T>>(v));
  else
    return static_cast<std::uint64_t>(v);
}
}  // namespace detail

/// The field at bits [Hi:Lo] of a record. A field never straddles two 64-bit words (none
/// does in IHI 0070), so every access is one shift and one mask.
template <unsigned Hi, unsigned Lo>
struct Bits {
  static_assert(Hi >= Lo, "write fields as the spec does: [Hi:Lo]");
  static_assert(Hi / 64 == Lo / 64, "a field never straddles a 64-bit word");

  static constexpr unsigned hi = Hi;
  static constexpr unsigned lo = Lo;
  static constexpr unsigned width = Hi - Lo + 1;
  static constexpr std::size_t word = Lo / 64;
  static constexpr unsigned shift = Lo % 64;
  /// Largest value the field holds.
  static constexpr std::uint64_t max = width == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
  /// The field's bits within its word.
  static constexpr std::uint64_t mask = max << shift;

  static constexpr bool fits(std::uint64_t v) noexcept { return v <= max; }

  /// The field's value in a whole record.
  template <std::size_t N>
  static constexpr std::uint64_t get(const Words<N>& w) noexcept {
    static_assert(word < N, "field lies beyond the record");
    return (w[word] >> shift) & max;
  }
  /// The field's value in a single register or word (Hi < 64).
  static constexpr std::uint64_t get(std::uint64_t reg) noexcept {
    static_assert(word == 0, "a register field lies in bits [63:0]");
    return (reg >> shift) & max;
  }

  /// Stores v; returns false, changing nothing, when v is wider than the field.
  template <std::size_t N>
  [[nodiscard]] static constexpr bool set(Words<N>& w, std::uint64_t v) noexcept {
    static_assert(word < N, "field lies beyond the record");
    if (!fits(v)) return false;
    w[word] = (w[word] & ~mask) | (v << shift);
    return true;
  }
  /// reg with the field replaced by v; v must fit (checked by the caller or by `fits`):
  /// bits of v beyond the field are dropped, never spread into neighbouring fields.
  static constexpr std::uint64_t insert(std::uint64_t reg, std::uint64_t v) noexcept {
    static_assert(word == 0, "a register field lies in bits [63:0]");
    return (reg & ~mask) | ((v & max) << shift);
  }
};

/// A one-bit field.
template <unsigned B>
using Bit = Bits<B, B>;

/// An address field: bits [Hi:Lo] of the record hold address bits [AddrLo + width - 1 : AddrLo].
/// `get` returns the byte address; `set` refuses an address that is misaligned (bits below
/// AddrLo set) or wider than the field. Example: STE.S2TTB is STE[243:196] holding
/// S2TTB[51:4], so it is `Addr<243, 196, 4>`.
template <unsigned Hi, unsigned Lo, unsigned AddrLo>
struct Addr {
  using Field = Bits<Hi, Lo>;
  static constexpr unsigned addr_lo = AddrLo;
  static constexpr unsigned addr_hi = AddrLo + Field::width - 1;
  static_assert(addr_hi < 64);
  static constexpr std::uint64_t mask = Field::mask;
  static constexpr std::size_t word = Field::word;
  /// The address bits this field can carry.
  static constexpr std::uint64_t addr_mask = Field::max << AddrLo;

  static constexpr bool fits(std::uint64_t addr) noexcept { return (addr & ~addr_mask) == 0; }

  template <std::size_t N>
  static constexpr std::uint64_t get(const Words<N>& w) noexcept {
    return Field::get(w) << AddrLo;
  }
  static constexpr std::uint64_t get(std::uint64_t reg) noexcept { return Field::get(reg) << AddrLo; }

  template <std::size_t N>
  [[nodiscard]] static constexpr bool set(Words<N>& w, std::uint64_t addr) noexcept {
    if (!fits(addr)) return false;
    return Field::set(w, addr >> AddrLo);
  }
  static constexpr std::uint64_t insert(std::uint64_t reg, std::uint64_t addr) noexcept {
    return Field::insert(reg, (addr & addr_mask) >> AddrLo);
  }
};

/// The union of the bits of the given fields, as a record-sized mask. A record's RES0 mask
/// is the complement of the union of its defined fields, so a field cannot be both.
template <std::size_t N, class... Fields>
constexpr Words<N> mask_of() noexcept {
  Words<N> m{};
  ((m[Fields::word] |= Fields::mask), ...);
  return m;
}

/// Complement of a mask, word by word.
template <std::size_t N>
constexpr Words<N> complement(const Words<N>& m) noexcept {
  Words<N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = ~m[i];
  return out;
}

/// The bits of `w` that lie in `mask` (e.g. the RES0 bits a record has set); all-zero when none.
template <std::size_t N>
constexpr Words<N> bits_in(const Words<N>& w, const Words<N>& mask) noexcept {
  Words<N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = w[i] & mask[i];
  return out;
}

template <std::size_t N>
constexpr bool any(const Words<N>& w) noexcept {
  for (std::size_t i = 0; i < N; ++i)
    if (w[i] != 0) return true;
  return false;
}

/// The result of encoding a record: its words, or the name of the first field whose value
/// does not fit (too wide, or an address that is misaligned). Encoding never truncates.
template <std::size_t N>
struct Encoded {
  Words<N> words{};
  /// Spec name of the first field that did not fit; nullptr when the encoding succeeded.
  const char* bad_field = nullptr;

  constexpr bool ok() const noexcept { return bad_field == nullptr; }
};

/// Builds an `Encoded<N>` field by field, remembering the first field that does not fit:
///   return Encoder<8>{}.put<ste::V>(s.v, "V").put<ste::Config>(s.config, "Config").done();
template <std::size_t N>
class Encoder {
 public:
  constexpr Encoder() noexcept = default;
  /// Starts from raw words (e.g. an opcode already placed).
  constexpr explicit Encoder(const Words<N>& start) noexcept { out_.words = start; }

  template <class Field, class T>
  constexpr Encoder& put(T value, const char* name) noexcept {
    if (!Field::set(out_.words, detail::to_u64(value)) && out_.bad_field == nullptr)
      out_.bad_field = name;
    return *this;
  }
  constexpr Encoded<N> done() const noexcept { return out_; }

 private:
  Encoded<N> out_{};
};

}  // namespace smmuv3
