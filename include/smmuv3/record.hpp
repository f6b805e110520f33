// SPDX-License-Identifier: MIT
// Records described by one list of fields: encode, decode, for_each_field, the defined-bit mask
// and the overlap check all derive from that single list, so they cannot disagree.
//
// A record type X (an STE, a CD, a command, an event, a register) declares its fields once, in
// spec bit order:
//
//   struct CmdCfgiSte {
//     bool ssec = false; std::uint32_t stream_id = 0; bool leaf = false;
//     template <class Self, class V>
//     static constexpr void fields(Self& s, V&& v) {
//       v(cmd::SSec{}, "SSec", s.ssec);
//       v(cmd::StreamId{}, "StreamID", s.stream_id);
//       v(cmd::Leaf{}, "Leaf", s.leaf);
//     }
//   };
//
// where each field type is a `Bits`, `Bit` or `Addr` from bitfield.hpp and Self is X or const X.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "smmuv3/bitfield.hpp"

namespace smmuv3 {

namespace detail {

/// Calls `X::fields` with a visitor that ignores everything (used to test for the member).
struct IgnoreField {
  template <class F, class M>
  constexpr void operator()(F, const char*, M&) const noexcept {}
};

/// Largest value a field can carry: the address bits for an `Addr`, else the field's max.
template <class F>
constexpr std::uint64_t field_value_max() noexcept {
  if constexpr (requires { F::addr_mask; })
    return F::addr_mask;
  else
    return F::max;
}

/// Largest value a struct member can hold.
template <class T>
constexpr std::uint64_t member_max() noexcept {
  if constexpr (std::is_same_v<T, bool>)
    return 1;
  else if constexpr (std::is_enum_v<T>)
    return std::numeric_limits<std::underlying_type_t<T>>::max();
  else
    return static_cast<std::uint64_t>(std::numeric_limits<T>::max());
}

template <class T>
constexpr T from_u64(std::uint64_t v) noexcept {
  if constexpr (std::is_same_v<T, bool>)
    return v != 0;
  else if constexpr (std::is_enum_v<T>)
    return static_cast<T>(static_cast<std::underlying_type_t<T>>(v));
  else
    return static_cast<T>(v);
}

}  // namespace detail

/// A record that lists its fields once through a static `fields(self, visitor)`.
template <class X>
concept FieldRecord = requires(X& x, const X& cx) {
  X::fields(x, detail::IgnoreField{});
  X::fields(cx, detail::IgnoreField{});
};

/// Encodes every field of x on top of `start` (e.g. words that already hold an opcode);
/// reports the first field whose value does not fit, by its spec name.
template <std::size_t N, FieldRecord X>
constexpr Encoded<N> encode_fields(const X& x, const Words<N>& start = {}) noexcept {
  Encoder<N> enc{start};
  X::fields(x, [&enc](auto field, const char* name, const auto& member) {
    enc.template put<decltype(field)>(member, name);
  });
  return enc.done();
}

/// Reads every field of X from w. Never truncates: a member narrower than its field is a
/// compile error.
template <FieldRecord X, std::size_t N>
constexpr X decode_fields(const Words<N>& w) noexcept {
  X out{};
  X::fields(out, [&w](auto field, const char*, auto& member) {
    using F = decltype(field);
    using T = std::remove_cvref_t<decltype(member)>;
    static_assert(detail::field_value_max<F>() <= detail::member_max<T>(), "member too narrow for its field");
    member = detail::from_u64<T>(F::get(w));
  });
  return out;
}

/// Calls f("SpecName", value) for every field in spec order: enums and bools as numbers,
/// addresses as byte addresses.
template <FieldRecord X, class F>
constexpr void for_each_field(const X& x, F&& f) {
  X::fields(x, [&f](auto, const char* name, const auto& member) { f(name, detail::to_u64(member)); });
}

/// The union of the bits of X's fields (add the opcode or type field where the record has one).
template <std::size_t N, FieldRecord X>
constexpr Words<N> fields_mask() noexcept {
  Words<N> m{};
  X x{};
  X::fields(x, [&m](auto field, const char*, auto&) {
    using F = decltype(field);
    static_assert(F::word < N, "field lies beyond the record");
    m[F::word] |= F::mask;
  });
  return m;
}

/// True when no two of X's fields share a bit, nor a field and `taken` (e.g. the opcode).
template <std::size_t N, FieldRecord X>
constexpr bool fields_disjoint(const Words<N>& taken = {}) noexcept {
  Words<N> m = taken;
  bool disjoint = true;
  X x{};
  X::fields(x, [&m, &disjoint](auto field, const char*, auto&) {
    using F = decltype(field);
    if ((m[F::word] & F::mask) != 0) disjoint = false;
    m[F::word] |= F::mask;
  });
  return disjoint;
}

}  // namespace smmuv3
