// SPDX-License-Identifier: MIT
// libFuzzer target: every record kind of include/smmuv3/ survives decode -> encode -> decode.
//
// The input is a sequence of (selector byte, record bytes). For each record read from exactly
// the bytes it needs (AddressSanitizer sees any read past them), the decoded value must encode
// without error, re-decode to the same value, and re-encode to the original words with only
// the RES0 bits cleared: decoding is total and loses nothing the architecture defines.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "smmuv3/smmuv3.hpp"

namespace {

using namespace smmuv3;

[[noreturn]] void fail() { __builtin_trap(); }

// decode_fields<X> / encode for any record that lists its fields (STE, CD, L1 descriptors, every
// register): the encoding of the decoded value is the input minus the bits no field defines.
template <class X, std::size_t N>
void check_field_record(const Words<N>& w) {
  const X x = decode_fields<X>(w);
  const Encoded<N> e = encode(x);
  if (!e.ok()) fail();
  if (!(decode_fields<X>(e.words) == x)) fail();
  if (!(e.words == bits_in(w, fields_mask<N, X>()))) fail();
}

void check_command(const Words<2>& w) {
  visit_command(w, [&w]<class T>(const T& c) {
    const Encoded<2> e = encode(c);
    if (!e.ok()) fail();
    if (!(decode_command_as<T>(e.words) == c)) fail();
    // Re-visiting the encoding must pick the same type (CFGI_ALL stays CFGI_ALL, ...).
    visit_command(e.words, [&c]<class U>(const U& again) {
      if constexpr (std::is_same_v<T, U>) {
        if (!(again == c)) fail();
      } else {
        fail();
      }
    });
    const Words<2> res0 = command_res0_bits(w);
    for (std::size_t i = 0; i < 2; ++i)
      if (e.words[i] != (w[i] & ~res0[i])) fail();
  });
}

void check_event(const Words<4>& w) {
  visit_event(w, [&w]<class T>(const T& ev) {
    const Encoded<4> e = encode(ev);
    if (!e.ok()) fail();
    if (!(decode_event_as<T>(e.words) == ev)) fail();
    const Words<4> res0 = event_res0_bits(w);
    for (std::size_t i = 0; i < 4; ++i)
      if (e.words[i] != (w[i] & ~res0[i])) fail();
  });
}

template <class... Regs>
struct RegisterList {
  static constexpr std::size_t size = sizeof...(Regs);
  static void check(std::size_t index, const Words<1>& w) {
    std::size_t i = 0;
    ((i++ == index ? check_field_record<Regs, 1>(w) : void()), ...);
  }
};

using namespace smmuv3::reg;
using AllRegisters =
    RegisterList<Idr0, Idr1, Idr2, Idr3, Idr5, Idr6, Iidr, Aidr, Cr0, Cr1, Cr2, Statusr, Gbpa, IrqCtrl, Gerror, IrqCfg0,
                 IrqCfg1, IrqCfg2, PriqIrqCfg2, StrtabBase, StrtabBaseCfg, CmdqBase, EventqBase, CmdqProd, CmdqCons,
                 EventqProd, EventqCons, AtosCtrl, AtosSid, AtosAddr, AtosPar, AtosParFault, VatosSel, S2pii, Mpamidr,
                 Gmpam, Gbpmpam, DptBase, DptBaseCfg, DptCfgFar, CmdqControlPageBase, CmdqControlPageCfg,
                 CmdqControlPageStatus>;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::size_t at = 0;
  while (at < size) {
    const std::uint8_t selector = data[at++];
    const std::size_t left = size - at;
    const unsigned char* p = data + at;
    switch (selector % 7) {
      case 0:
        if (left < kSteBytes) return 0;
        check_field_record<Ste, kSteWords>(load_le<kSteWords>(p));
        at += kSteBytes;
        break;
      case 1:
        if (left < kCdBytes) return 0;
        check_field_record<Cd, kCdWords>(load_le<kCdWords>(p));
        at += kCdBytes;
        break;
      case 2:
        if (left < 8) return 0;
        check_field_record<L1StreamTableDescriptor, 1>(load_le<1>(p));
        at += 8;
        break;
      case 3:
        if (left < 8) return 0;
        check_field_record<L1CdTableDescriptor, 1>(load_le<1>(p));
        at += 8;
        break;
      case 4:
        if (left < kCommandBytes) return 0;
        check_command(load_le<kCommandWords>(p));
        at += kCommandBytes;
        break;
      case 5:
        if (left < kEventBytes) return 0;
        check_event(load_le<kEventWords>(p));
        at += kEventBytes;
        break;
      case 6:
        if (left < 9) return 0;
        AllRegisters::check(p[0] % AllRegisters::size, load_le<1>(p + 1));
        at += 9;
        break;
    }
  }
  return 0;
}
