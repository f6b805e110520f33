// SPDX-License-Identifier: MIT
// Tests for include/smmuv3/event.hpp (IHI 0070 §7.3 event records).
//
// The layout tables below are written out independently of the header (bit ranges copied from
// the spec figures / Linux EVTQ_* masks as cited in event.hpp), so a wrong position in either
// place makes the per-field tests fail.
#include "smmuv3/event.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace {

using smmuv3::Encoded;
using smmuv3::EventClass;
using smmuv3::EventType;
using smmuv3::Words;
using namespace smmuv3;  // encode / decode_event_as / for_each_field / visit_event / Evt*

// ---------------------------------------------------------------------------------------------
// Helpers

struct FieldSpec {
  const char* name;
  unsigned hi;
  unsigned lo;
  unsigned addr_lo;  // address fields: record bits hold address bits [.. : addr_lo]
};

using FieldValues = std::vector<std::pair<std::string, std::uint64_t>>;

template <class T>
FieldValues fields_of(const T& x) {
  FieldValues out;
  for_each_field(x, [&out](const char* name, std::uint64_t v) { out.emplace_back(name, v); });
  return out;
}

std::uint64_t field_max(const FieldSpec& f) {
  const unsigned width = f.hi - f.lo + 1;
  return width == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
}

// Writes v (already within the field's width) into record bits [hi:lo].
void put_bits(Words<4>& w, const FieldSpec& f, std::uint64_t v) {
  const unsigned word = f.lo / 64;
  const unsigned shift = f.lo % 64;
  ASSERT_EQ(word, f.hi / 64) << f.name;
  const std::uint64_t mask = field_max(f) << shift;
  w[word] = (w[word] & ~mask) | ((v << shift) & mask);
}

Words<4> typed(std::uint8_t type) {
  Words<4> w{};
  w[0] = type;
  return w;
}

const std::vector<FieldSpec> kCommon0 = {
    {"SSV", 11, 11, 0}, {"SubstreamID", 31, 12, 0}, {"StreamID", 63, 32, 0}};

std::vector<FieldSpec> join(std::vector<FieldSpec> a, const std::vector<FieldSpec>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<FieldSpec> kFetchLayout = join(kCommon0, {{"Reason", 79, 64, 0},
                                                           {"GPCF", 80, 80, 0},
                                                           {"FetchAddr", 247, 195, 3}});
const std::vector<FieldSpec> kTranslationHead = join(kCommon0, {{"STAG", 79, 64, 0},
                                                               {"Stall", 95, 95, 0},
                                                               {"PnU", 97, 97, 0},
                                                               {"InD", 98, 98, 0},
                                                               {"RnW", 99, 99, 0},
                                                               {"NSIPA", 102, 102, 0},
                                                               {"S2", 103, 103, 0},
                                                               {"CLASS", 105, 104, 0}});
// IMPL_DEF [127:112]: G.b figures of §7.3.13-§7.3.16 (PDF-text copy in jpgreninger/smmu).
const std::vector<FieldSpec> kTranslationLayout = join(
    kTranslationHead,
    {{"IMPL_DEF", 127, 112, 0}, {"InputAddr", 191, 128, 0}, {"IPA", 247, 204, 12}});

// Checks T against an independently written layout: field names and order from
// for_each_field, every field alone at its max and at two distinctive values (decode sees
// exactly that field, encode gives back the same words), and the RES0 set of the layout.
template <class T>
void check_layout(const std::vector<FieldSpec>& spec) {
  const auto type = static_cast<std::uint8_t>(T::kType);
  SCOPED_TRACE(T::kName);

  std::vector<std::string> expected_names;
  for (const auto& f : spec) expected_names.emplace_back(f.name);
  std::vector<std::string> names;
  for (const auto& [n, v] : fields_of(T{})) names.push_back(n);
  ASSERT_EQ(names, expected_names);

  Words<4> defined = typed(0xFF);
  for (const auto& f : spec) put_bits(defined, f, field_max(f));

  for (std::size_t i = 0; i < spec.size(); ++i) {
    const FieldSpec& f = spec[i];
    for (std::uint64_t pattern : {~std::uint64_t{0}, std::uint64_t{0xA5A5A5A5A5A5A5A5},
                                  std::uint64_t{0x5A5A5A5A5A5A5A5A}}) {
      SCOPED_TRACE(f.name);
      const std::uint64_t raw = pattern & field_max(f);
      Words<4> w = typed(type);
      put_bits(w, f, raw);

      const T d = decode_event_as<T>(w);
      const FieldValues vals = fields_of(d);
      ASSERT_EQ(vals.size(), spec.size());
      for (std::size_t j = 0; j < vals.size(); ++j)
        EXPECT_EQ(vals[j].second, j == i ? raw << f.addr_lo : 0) << vals[j].first;

      const Encoded<4> e = encode(d);
      EXPECT_TRUE(e.ok()) << e.bad_field;
      EXPECT_EQ(e.words, w);
      EXPECT_EQ(decode_event_as<T>(e.words), d);
      EXPECT_FALSE(any(event_res0_bits(w)));
    }
  }

  // Every bit outside the layout (and the event number) is RES0, and decode ignores it.
  Words<4> ones{};
  for (std::size_t i = 0; i < 4; ++i) ones[i] = ~std::uint64_t{0};
  ones[0] = (ones[0] & ~std::uint64_t{0xFF}) | type;
  const Words<4> res0 = event_res0_bits(ones);
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(res0[i], ~defined[i]) << "word " << i;
  const Encoded<4> back = encode(decode_event_as<T>(ones));
  EXPECT_TRUE(back.ok());
  for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(back.words[i], ones[i] & ~res0[i]) << "word " << i;
}

// ---------------------------------------------------------------------------------------------
// Per-event layouts: every field of every event round-trips alone.

TEST(EventLayout, FUut) {
  check_layout<EvtFUut>(join(kCommon0, {{"Reason", 79, 64, 0},
                                        {"PnU", 97, 97, 0},
                                        {"InD", 98, 98, 0},
                                        {"RnW", 99, 99, 0},
                                        {"InputAddr", 191, 128, 0}}));
}
TEST(EventLayout, CBadStreamid) { check_layout<EvtCBadStreamid>(kCommon0); }
TEST(EventLayout, FSteFetch) { check_layout<EvtFSteFetch>(kFetchLayout); }
TEST(EventLayout, CBadSte) { check_layout<EvtCBadSte>(kCommon0); }
// §7.3.6 figure: "R 95 W 94 X 93 P 92 RES0 91 68 Span 67 64", InputAddr[63:12] [191:140].
TEST(EventLayout, FBadAtsTreq) {
  check_layout<EvtFBadAtsTreq>(join(kCommon0, {{"Span", 67, 64, 0},
                                               {"P", 92, 92, 0},
                                               {"X", 93, 93, 0},
                                               {"W", 94, 94, 0},
                                               {"R", 95, 95, 0},
                                               {"InputAddr", 191, 140, 12}}));
}
TEST(EventLayout, FStreamDisabled) { check_layout<EvtFStreamDisabled>({{"StreamID", 63, 32, 0}}); }
TEST(EventLayout, FTranslForbidden) {
  check_layout<EvtFTranslForbidden>(
      {{"StreamID", 63, 32, 0}, {"RnW", 99, 99, 0}, {"InputAddr", 191, 128, 0}});
}
TEST(EventLayout, CBadSubstreamid) {
  check_layout<EvtCBadSubstreamid>({{"SubstreamID", 31, 12, 0}, {"StreamID", 63, 32, 0}});
}
TEST(EventLayout, FCdFetch) { check_layout<EvtFCdFetch>(kFetchLayout); }
TEST(EventLayout, CBadCd) { check_layout<EvtCBadCd>(kCommon0); }
TEST(EventLayout, FWalkEabt) {
  check_layout<EvtFWalkEabt>(join(kCommon0, {{"Reason", 79, 64, 0},
                                             {"GPCF", 80, 80, 0},
                                             {"PnU", 97, 97, 0},
                                             {"InD", 98, 98, 0},
                                             {"RnW", 99, 99, 0},
                                             {"NSIPA", 102, 102, 0},
                                             {"S2", 103, 103, 0},
                                             {"CLASS", 105, 104, 0},
                                             {"InputAddr", 191, 128, 0},
                                             {"FetchAddr", 247, 195, 3}}));
}
TEST(EventLayout, FTranslation) { check_layout<EvtFTranslation>(kTranslationLayout); }
TEST(EventLayout, FAddrSize) { check_layout<EvtFAddrSize>(kTranslationLayout); }
TEST(EventLayout, FAccess) { check_layout<EvtFAccess>(kTranslationLayout); }
// §7.3.16 figure: DirtyBit 106, AssuredOnly 107, TTRnW 108 (Linux EVTQ_1_TT_READ), Overlay 109,
// [111:110] RES0, IMPL_DEF [127:112].
TEST(EventLayout, FPermission) {
  check_layout<EvtFPermission>(join(kTranslationHead, {{"DirtyBit", 106, 106, 0},
                                                       {"AssuredOnly", 107, 107, 0},
                                                       {"TTRnW", 108, 108, 0},
                                                       {"Overlay", 109, 109, 0},
                                                       {"IMPL_DEF", 127, 112, 0},
                                                       {"InputAddr", 191, 128, 0},
                                                       {"IPA", 247, 204, 12}}));
}
TEST(EventLayout, FTlbConflict) {
  check_layout<EvtFTlbConflict>(join(kCommon0, {{"Reason", 95, 64, 0},
                                                {"PnU", 97, 97, 0},
                                                {"InD", 98, 98, 0},
                                                {"RnW", 99, 99, 0},
                                                {"NSIPA", 102, 102, 0},
                                                {"S2", 103, 103, 0},
                                                {"InputAddr", 191, 128, 0},
                                                {"IPA", 247, 204, 12}}));
}
TEST(EventLayout, FCfgConflict) {
  check_layout<EvtFCfgConflict>(join(kCommon0, {{"Reason", 95, 64, 0}}));
}
TEST(EventLayout, EPageRequest) {
  check_layout<EvtEPageRequest>(join(kCommon0, {{"uX", 97, 97, 0},
                                                {"uW", 98, 98, 0},
                                                {"uR", 99, 99, 0},
                                                {"pX", 101, 101, 0},
                                                {"pW", 102, 102, 0},
                                                {"pR", 103, 103, 0},
                                                {"Span", 115, 108, 0},
                                                {"InputAddr", 191, 140, 12}}));
}
TEST(EventLayout, FVmsFetch) { check_layout<EvtFVmsFetch>(kFetchLayout); }

TEST(EventLayout, ImpdefCarriesEveryBitAboveTheNumber) {
  for (unsigned t = 0xE0; t <= 0xEF; ++t) {
    Words<4> w{};
    w[0] = 0xFEDCBA9876543200u | t;
    w[1] = 0x0123456789ABCDEFu;
    w[2] = ~std::uint64_t{0};
    w[3] = 0x8000000000000001u;
    const EvtImpdef d = decode_event_as<EvtImpdef>(w);
    EXPECT_EQ(d.event_number, t);
    EXPECT_EQ(d.impdef0, 0xFEDCBA98765432u);
    EXPECT_EQ(d.impdef1, w[1]);
    EXPECT_EQ(d.impdef2, w[2]);
    EXPECT_EQ(d.impdef3, w[3]);
    const Encoded<4> e = encode(d);
    EXPECT_TRUE(e.ok());
    EXPECT_EQ(e.words, w);
    EXPECT_FALSE(any(event_res0_bits(w)));
  }
  const FieldValues vals = fields_of(EvtImpdef{0xE7, 1, 2, 3, 4});
  const FieldValues want = {{"EventType", 0xE7},     {"IMPDEF[63:8]", 1},   {"IMPDEF[127:64]", 2},
                            {"IMPDEF[191:128]", 3}, {"IMPDEF[255:192]", 4}};
  EXPECT_EQ(vals, want);
}

TEST(EventLayout, UnknownKeepsTheRawWords) {
  Words<4> w{};
  w[0] = 0x1122334455667730u;  // event number 0x30 is Reserved
  w[1] = 1;
  w[2] = 2;
  w[3] = 3;
  const EvtUnknown u = decode_event_as<EvtUnknown>(w);
  EXPECT_EQ(u.event_type, 0x30);
  EXPECT_EQ(u.words, w);
  EXPECT_EQ(encode(u).words, w);
  EvtUnknown moved = u;
  moved.event_type = 0x31;
  EXPECT_EQ(encode(moved).words[0], 0x1122334455667731u);
  EXPECT_EQ(fields_of(u).front(), (std::pair<std::string, std::uint64_t>{"EventType", 0x30}));
  EXPECT_EQ(fields_of(u).size(), 5u);
}

// A Reserved CLASS encoding (0b11) is kept as its number, not rejected.
TEST(EventLayout, ReservedClassIsPreserved) {
  Words<4> w = typed(0x10);
  w[1] = std::uint64_t{3} << 40;  // EVTQ_1_CLASS = 0b11
  const EvtFTranslation d = decode_event_as<EvtFTranslation>(w);
  EXPECT_EQ(static_cast<unsigned>(d.class_), 3u);
  EXPECT_EQ(encode(d).words, w);
}

// ---------------------------------------------------------------------------------------------
// Golden vectors. Word 0 of every event: EVTQ_0_ID [7:0], EVTQ_0_SSV bit 11, EVTQ_0_SSID [31:12],
// EVTQ_0_SID [63:32] (Linux arm-smmu-v3.h; QEMU EVT_SET_TYPE/SSV/SSID/SID). Other positions as
// cited per test.

template <class T>
void expect_golden(const T& x, std::uint64_t w0, std::uint64_t w1, std::uint64_t w2,
                   std::uint64_t w3) {
  SCOPED_TRACE(T::kName);
  const Words<4> want{{w0, w1, w2, w3}};
  const Encoded<4> e = encode(x);
  EXPECT_TRUE(e.ok()) << e.bad_field;
  EXPECT_EQ(e.words.w[0], w0);
  EXPECT_EQ(e.words.w[1], w1);
  EXPECT_EQ(e.words.w[2], w2);
  EXPECT_EQ(e.words.w[3], w3);
  EXPECT_EQ(decode_event_as<T>(want), x);
  EXPECT_EQ(event_type(want), T::kType);
}

TEST(EventGolden, FUut) {
  // §7.3.2: Reason [79:64]; PnU/InD/RnW = EVTQ_1_PnU/InD/RnW (word1 bits 33/34/35);
  // InputAddr = EVTQ_2_ADDR.
  EvtFUut x;
  x.ssv = true;
  x.substream_id = 0x7;
  x.stream_id = 0x42;
  x.reason = 0x1234;
  x.pnu = true;
  x.rnw = true;
  x.input_addr = 0xFFFF800012345678u;
  expect_golden(x, 0x0000004200007801u, 0x0000000A00001234u, 0xFFFF800012345678u, 0);
}

TEST(EventGolden, CBadStreamid) {
  EvtCBadStreamid x;
  x.stream_id = 0xFFFFFFFFu;
  expect_golden(x, 0xFFFFFFFF00000002u, 0, 0, 0);
}

TEST(EventGolden, FSteFetch) {
  // §7.3.4: Reason [79:64], GPCF bit 80 (§3.25.3), FetchAddr in place in word 3 (QEMU
  // EVT_SET_ADDR2 writes the address to 32-bit words 6-7 as-is; Linux EVTQ_3_FETCH_ADDR [51:3]).
  EvtFSteFetch x;
  x.stream_id = 0x10;
  x.reason = 0xBEEF;
  x.gpcf = true;
  x.fetch_addr = 0x000000ABCDEF0040u;
  expect_golden(x, 0x0000001000000003u, 0x000000000001BEEFu, 0, 0x000000ABCDEF0040u);
}

TEST(EventGolden, CBadSte) {
  EvtCBadSte x;
  x.ssv = true;
  x.substream_id = 0xFFFFF;
  x.stream_id = 0x1234;
  expect_golden(x, 0x00001234FFFFF804u, 0, 0, 0);
}

TEST(EventGolden, FBadAtsTreq) {
  // §7.3.6 figure: Span [67:64] = word1 [3:0], P 92 / W 94 / R 95 = word1 bits 28/30/31,
  // InputAddr[63:12] at [191:140], i.e. in place in word 2. A privileged read/write request.
  EvtFBadAtsTreq x;
  x.ssv = true;
  x.substream_id = 0x2;
  x.stream_id = 0x300;
  x.span = 4;
  x.p = true;
  x.w = true;
  x.r = true;
  x.input_addr = 0x00007FFFFFFFF000u;
  expect_golden(x, 0x0000030000002805u, 0x00000000D0000004u, 0x00007FFFFFFFF000u, 0);
}

TEST(EventGolden, FStreamDisabled) {
  EvtFStreamDisabled x;
  x.stream_id = 0xABCDEF;
  expect_golden(x, 0x00ABCDEF00000006u, 0, 0, 0);
}

TEST(EventGolden, FTranslForbidden) {
  // QEMU sets exactly StreamID, RnW (EVT_SET_RNW: word[3] bit 3 = record bit 99) and InputAddr.
  EvtFTranslForbidden x;
  x.stream_id = 7;
  x.rnw = true;
  x.input_addr = 0x0000000080001000u;
  expect_golden(x, 0x0000000700000007u, 0x0000000800000000u, 0x0000000080001000u, 0);
}

TEST(EventGolden, CBadSubstreamid) {
  EvtCBadSubstreamid x;
  x.substream_id = 0xABCDE;
  x.stream_id = 1;
  expect_golden(x, 0x00000001ABCDE008u, 0, 0, 0);
}

TEST(EventGolden, FCdFetchUsesAddressBit55) {
  // G.b widens FetchAddr to bit 55 (Linux EVTQ_3_FETCH_ADDR stops at 51).
  EvtFCdFetch x;
  x.ssv = true;
  x.substream_id = 5;
  x.stream_id = 2;
  x.fetch_addr = 0x0080000000001000u;
  expect_golden(x, 0x0000000200005809u, 0, 0, 0x0080000000001000u);
}

TEST(EventGolden, CBadCd) {
  EvtCBadCd x;
  x.ssv = true;
  x.substream_id = 1;
  x.stream_id = 3;
  expect_golden(x, 0x000000030000180Au, 0, 0, 0);
}

TEST(EventGolden, FWalkEabt) {
  // Reason [79:64], GPCF bit 80, PnU/InD/RnW 33/34/35, NSIPA word1 bit 38 (§7.3.12 figure),
  // EVTQ_1_S2 bit 39, EVTQ_1_CLASS [41:40] (TT = 1, EVTQ_1_CLASS_TT), EVTQ_2_ADDR, FetchAddr in
  // word 3.
  EvtFWalkEabt x;
  x.stream_id = 0x20;
  x.reason = 1;
  x.gpcf = true;
  x.pnu = true;
  x.ind = true;
  x.rnw = true;
  x.nsipa = true;
  x.s2 = true;
  x.class_ = EventClass::ttd;
  x.input_addr = 0x401000;
  x.fetch_addr = 0xFEDC0008;
  expect_golden(x, 0x000000200000000Bu, 0x000001CE00010001u, 0x401000, 0xFEDC0008);
}

TEST(EventGolden, FTranslation) {
  // EVTQ_1_STAG [15:0], EVTQ_1_STALL bit 31, PnU 33, RnW 35, S2 39, CLASS [41:40] = IN (2),
  // EVTQ_2_ADDR, EVTQ_3_IPA [51:12] (in place).
  EvtFTranslation x;
  x.ssv = true;
  x.substream_id = 0x56;
  x.stream_id = 0x1234;
  x.stag = 0xABCD;
  x.stall = true;
  x.pnu = true;
  x.rnw = true;
  x.s2 = true;
  x.class_ = EventClass::in;
  x.input_addr = 0xFFFF000012345678u;
  x.ipa = 0x0000876543210000u;
  expect_golden(x, 0x0000123400056810u, 0x0000028A8000ABCDu, 0xFFFF000012345678u,
                0x0000876543210000u);
}

TEST(EventGolden, FAddrSizeNsipaAndWideIpa) {
  // NSIPA = gem5 SMMUEvent dw1 Bitfield<38>; IPA[55:52] set (G.b: IPA up to bit 55).
  EvtFAddrSize x;
  x.stream_id = 9;
  x.nsipa = true;
  x.s2 = true;
  x.class_ = EventClass::cd;
  x.input_addr = 0x1000;
  x.ipa = 0x00F0000000000000u;
  expect_golden(x, 0x0000000900000011u, 0x000000C000000000u, 0x1000, 0x00F0000000000000u);
}

TEST(EventGolden, FAccessAllFlags) {
  EvtFAccess x;
  x.ssv = true;
  x.substream_id = 0xFFFFF;
  x.stream_id = 0xFFFF;
  x.stag = 0xFFFF;
  x.stall = true;
  x.pnu = true;
  x.ind = true;
  x.rnw = true;
  x.nsipa = true;
  x.s2 = true;
  x.class_ = EventClass::in;
  x.impl_def = 0xFFFF;  // IMPL_DEF [127:112] = word1 [63:48]
  expect_golden(x, 0x0000FFFFFFFFF812u, 0xFFFF02CE8000FFFFu, 0, 0);
}

TEST(EventGolden, FPermissionTtRnW) {
  // A stage 2 permission fault on a stage 1 walk: CLASS = TT, S2 = 1, EVTQ_1_TT_READ (word1
  // bit 44) = TTRnW; IPA holds the stage 1 descriptor address (§7.3.16).
  EvtFPermission x;
  x.stream_id = 0x77;
  x.s2 = true;
  x.class_ = EventClass::ttd;
  x.tt_rnw = true;
  x.input_addr = 0x0000FFFFF7FF0000u;
  x.ipa = 0x0000000040002000u;
  expect_golden(x, 0x0000007700000013u, 0x0000118000000000u, 0x0000FFFFF7FF0000u,
                0x0000000040002000u);
}

TEST(EventGolden, FPermissionOverlayDirtyBitImplDef) {
  // A stage 2 Overlay refusal that would also have set dirty state: S2 bit 39, CLASS = IN
  // [41:40], DirtyBit 106 / Overlay 109 = word1 bits 42/45, IMPL_DEF [127:112] = word1 [63:48]
  // (§7.3.16 figure, PDF-text copy in jpgreninger/smmu).
  EvtFPermission x;
  x.stream_id = 0x77;
  x.s2 = true;
  x.class_ = EventClass::in;
  x.dirty_bit = true;
  x.overlay = true;
  x.impl_def = 0xA5A5;
  x.input_addr = 0x1000;
  x.ipa = 0x2000;
  expect_golden(x, 0x0000007700000013u, 0xA5A5268000000000u, 0x1000, 0x2000);
  EvtFPermission a;
  a.assured_only = true;  // bit 107 = word1 bit 43
  expect_golden(a, 0x13, 0x0000080000000000u, 0, 0);
}

TEST(EventGolden, FTlbConflict) {
  EvtFTlbConflict x;
  x.stream_id = 1;
  x.reason = 0xDEADBEEFu;
  x.rnw = true;
  x.s2 = true;
  x.input_addr = 0x2000;
  x.ipa = 0x1000;
  expect_golden(x, 0x0000000100000020u, 0x00000088DEADBEEFu, 0x2000, 0x1000);
}

TEST(EventGolden, FCfgConflict) {
  EvtFCfgConflict x;
  x.stream_id = 5;
  x.reason = 0xFFFFFFFFu;
  expect_golden(x, 0x0000000500000021u, 0x00000000FFFFFFFFu, 0, 0);
}

TEST(EventGolden, EPageRequest) {
  // §7.3.19 figure: uW 98, uR 99, pX 101, pR 103 (word1 bits 34/35/37/39), Span [115:108]
  // (word1 [51:44]), InputAddr[63:12] at [191:140] (in place in word 2).
  EvtEPageRequest x;
  x.ssv = true;
  x.substream_id = 3;
  x.stream_id = 0x100;
  x.u_r = true;
  x.u_w = true;
  x.p_r = true;
  x.p_x = true;
  x.span = 0x10;
  x.input_addr = 0x0000000123456000u;
  expect_golden(x, 0x0000010000003824u, 0x000100AC00000000u, 0x0000000123456000u, 0);
}

TEST(EventGolden, FVmsFetch) {
  EvtFVmsFetch x;
  x.stream_id = 8;
  x.reason = 7;
  x.fetch_addr = 0xC0000000u;
  expect_golden(x, 0x0000000800000025u, 7, 0, 0xC0000000u);
}

TEST(EventGolden, Impdef) {
  const EvtImpdef x{0xE5, 1, 2, 3, 4};
  const Encoded<4> e = encode(x);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.words, (Words<4>{{0x1E5, 2, 3, 4}}));
  EXPECT_EQ(decode_event_as<EvtImpdef>(e.words), x);
}

// Linux arm_vmaster_report_event forwards a host event to a VM by rewriting only EVTQ_0_SID;
// the same edit through the structs leaves every other bit alone.
TEST(EventGolden, StreamIdRewriteKeepsTheRest) {
  const Words<4> host{{0x0000123400056810u, 0x0000028A8000ABCDu, 0xFFFF000012345678u,
                       0x0000876543210000u}};
  EvtFTranslation v = decode_event_as<EvtFTranslation>(host);
  v.stream_id = 0x9;
  const Encoded<4> guest = encode(v);
  ASSERT_TRUE(guest.ok());
  EXPECT_EQ(guest.words[0], 0x0000000900056810u);
  EXPECT_EQ(guest.words[1], host[1]);
  EXPECT_EQ(guest.words[2], host[2]);
  EXPECT_EQ(guest.words[3], host[3]);
}

// ---------------------------------------------------------------------------------------------
// Event numbers, names, classification

TEST(EventNumbers, KnownSetAndNames) {
  const std::vector<std::pair<unsigned, const char*>> known = {
      {0x01, "F_UUT"},          {0x02, "C_BAD_STREAMID"},     {0x03, "F_STE_FETCH"},
      {0x04, "C_BAD_STE"},      {0x05, "F_BAD_ATS_TREQ"},     {0x06, "F_STREAM_DISABLED"},
      {0x07, "F_TRANSL_FORBIDDEN"}, {0x08, "C_BAD_SUBSTREAMID"}, {0x09, "F_CD_FETCH"},
      {0x0A, "C_BAD_CD"},       {0x0B, "F_WALK_EABT"},        {0x10, "F_TRANSLATION"},
      {0x11, "F_ADDR_SIZE"},    {0x12, "F_ACCESS"},           {0x13, "F_PERMISSION"},
      {0x20, "F_TLB_CONFLICT"}, {0x21, "F_CFG_CONFLICT"},     {0x24, "E_PAGE_REQUEST"},
      {0x25, "F_VMS_FETCH"}};
  unsigned count = 0;
  for (unsigned t = 0; t < 256; ++t) {
    const auto b = static_cast<std::uint8_t>(t);
    const char* want = nullptr;
    for (const auto& [n, name] : known)
      if (n == t) want = name;
    std::string impdef_name;
    if (t >= 0xE0 && t <= 0xEF) {
      impdef_name = "IMPDEF_EVENT" + std::to_string(t - 0xE0);
      want = impdef_name.c_str();
    }
    EXPECT_EQ(is_known_event(b), want != nullptr) << t;
    if (want != nullptr) {
      ++count;
      ASSERT_NE(event_name(b), nullptr) << t;
      EXPECT_STREQ(event_name(b), want);
    } else {
      EXPECT_EQ(event_name(b), nullptr) << t;
    }
    EXPECT_EQ(event_has_stall(b), t >= 0x10 && t <= 0x13) << t;
    EXPECT_EQ(is_configuration_error(b), t == 0x02 || t == 0x04 || t == 0x08 || t == 0x0A) << t;
  }
  EXPECT_EQ(count, 19u + 16u);
  EXPECT_EQ(static_cast<unsigned>(EventType::f_vms_fetch), 0x25u);
  EXPECT_EQ(static_cast<unsigned>(EventType::impdef_event15), 0xEFu);
}

TEST(EventNumbers, StructsCarryTheirNumberAndName) {
  EXPECT_EQ(EvtFTranslation::kType, EventType::f_translation);
  EXPECT_STREQ(EvtFTranslation::kName, "F_TRANSLATION");
  EXPECT_STREQ(EvtCBadSubstreamid::kName, event_name(0x08));
  EXPECT_STREQ(EvtEPageRequest::kName, event_name(0x24));
  EXPECT_TRUE(event_has_stall(EvtFPermission::kType));
  EXPECT_FALSE(event_has_stall(EvtFWalkEabt::kType));
  EXPECT_TRUE(is_configuration_error(EvtCBadSte::kType));
  EXPECT_FALSE(is_configuration_error(EvtFCfgConflict::kType));
}

// ---------------------------------------------------------------------------------------------
// visit_event: every number 0x00-0xFF calls f exactly once with the right struct.

TEST(EventVisit, EveryNumberCallsFOnce) {
  for (unsigned t = 0; t < 256; ++t) {
    Words<4> w{};
    w[0] = 0x000000AB00000000u | t;
    w[1] = 0x0000000100000001u;
    w[2] = 0x2;
    w[3] = 0x3000;
    int calls = 0;
    const char* got = visit_event(w, [&](const auto& e) -> const char* {
      ++calls;
      using T = std::remove_cvref_t<decltype(e)>;
      if constexpr (std::is_same_v<T, EvtUnknown>) {
        EXPECT_EQ(e.event_type, t);
        EXPECT_EQ(e.words, w);
        return nullptr;
      } else if constexpr (std::is_same_v<T, EvtImpdef>) {
        EXPECT_EQ(e.event_number, t);
        EXPECT_EQ(encode(e).words, w);
        return event_name(e.event_number);
      } else {
        EXPECT_EQ(static_cast<unsigned>(T::kType), t);
        EXPECT_EQ(e, decode_event_as<T>(w));
        return T::kName;
      }
    });
    EXPECT_EQ(calls, 1) << t;
    if (is_known_event(static_cast<std::uint8_t>(t)))
      EXPECT_STREQ(got, event_name(static_cast<std::uint8_t>(t))) << t;
    else
      EXPECT_EQ(got, nullptr) << t;
  }
}

TEST(EventVisit, ReturnsByValueFromTheCallback) {
  const Words<4> w{{0x0000000100000013u, 0, 0, 0}};
  const int n = visit_event(w, [](const auto& e) {
    if constexpr (requires { std::remove_cvref_t<decltype(e)>::kType; })
      return static_cast<int>(std::remove_cvref_t<decltype(e)>::kType);
    else
      return -1;
  });
  EXPECT_EQ(n, 0x13);
}

// ---------------------------------------------------------------------------------------------
// Values that do not fit are reported by spec name, never truncated.

TEST(EventEncode, FieldOverflowIsReported) {
  EvtFTranslation t;
  t.substream_id = 1u << 20;  // SubstreamID is 20 bits
  EXPECT_STREQ(encode(t).bad_field, "SubstreamID");

  EvtFTranslation c;
  c.class_ = static_cast<EventClass>(4);  // CLASS is 2 bits
  EXPECT_STREQ(encode(c).bad_field, "CLASS");

  EvtFTranslation first;  // two bad fields: the first in spec order is named
  first.substream_id = 1u << 20;
  first.ipa = 0x1001;
  EXPECT_STREQ(encode(first).bad_field, "SubstreamID");

  EvtCBadSubstreamid s;
  s.substream_id = 0x100000;
  EXPECT_STREQ(encode(s).bad_field, "SubstreamID");

  EvtImpdef i;
  i.impdef0 = std::uint64_t{1} << 56;  // [63:8] holds 56 bits
  EXPECT_STREQ(encode(i).bad_field, "IMPDEF[63:8]");

  EvtImpdef n;
  n.event_number = 0x30;  // not in 0xE0-0xEF
  EXPECT_STREQ(encode(n).bad_field, "EventType");

  EvtFTranslation ok;
  ok.substream_id = 0xFFFFF;
  ok.ipa = 0x00FFFFFFFFFFF000u;
  EXPECT_TRUE(encode(ok).ok());
}

TEST(EventEncode, MisalignedOrTooWideAddressIsReported) {
  EvtFTranslation t;
  t.ipa = 0x1001;  // IPA holds bits [55:12]
  EXPECT_STREQ(encode(t).bad_field, "IPA");
  t.ipa = std::uint64_t{1} << 56;
  EXPECT_STREQ(encode(t).bad_field, "IPA");

  EvtFSteFetch f;
  f.fetch_addr = 0x4;  // FetchAddr holds bits [55:3]
  EXPECT_STREQ(encode(f).bad_field, "FetchAddr");
  f.fetch_addr = std::uint64_t{1} << 56;
  EXPECT_STREQ(encode(f).bad_field, "FetchAddr");

  EvtEPageRequest p;
  p.input_addr = 0x800;  // InputAddr[63:12]
  EXPECT_STREQ(encode(p).bad_field, "InputAddr");

  EvtFBadAtsTreq a;
  a.input_addr = 0xFFF;
  EXPECT_STREQ(encode(a).bad_field, "InputAddr");

  EvtFUut u;  // a full 64-bit InputAddr takes any value
  u.input_addr = ~std::uint64_t{0};
  EXPECT_TRUE(encode(u).ok());
}

// ---------------------------------------------------------------------------------------------
// RES0

TEST(EventRes0, SetBitsAreReportedAndIgnoredByDecode) {
  const Words<4> clean{{0x0000123400056810u, 0x0000028A8000ABCDu, 0xFFFF000012345678u,
                        0x0000876543210000u}};
  Words<4> dirty = clean;
  dirty[0] |= std::uint64_t{1} << 8;    // [10:8] RES0
  dirty[1] |= std::uint64_t{1} << 36;   // record bit 100, RES0 in F_TRANSLATION
  dirty[3] |= std::uint64_t{1} << 0;    // [203:192] RES0 below the IPA
  dirty[3] |= std::uint64_t{1} << 63;   // [255:248] RES0
  const Words<4> res0 = event_res0_bits(dirty);
  EXPECT_EQ(res0, (Words<4>{{std::uint64_t{1} << 8, std::uint64_t{1} << 36, 0,
                             (std::uint64_t{1} << 63) | 1}}));
  EXPECT_FALSE(any(event_res0_bits(clean)));
  EXPECT_EQ(decode_event_as<EvtFTranslation>(dirty), decode_event_as<EvtFTranslation>(clean));
  EXPECT_EQ(encode(decode_event_as<EvtFTranslation>(dirty)).words, clean);
}

TEST(EventRes0, SameBitDependsOnTheLayout) {
  // Bit 108 is TTRnW in F_PERMISSION but RES0 in F_TRANSLATION; bit 80 is GPCF in F_WALK_EABT
  // but RES0 in the translation faults (their STAG ends at bit 79).
  Words<4> w{};
  w[1] = (std::uint64_t{1} << 44) | (std::uint64_t{1} << 16);
  w[0] = 0x13;
  EXPECT_EQ(event_res0_bits(w)[1], std::uint64_t{1} << 16);  // GPCF position is RES0 here
  w[0] = 0x10;
  EXPECT_EQ(event_res0_bits(w)[1], (std::uint64_t{1} << 44) | (std::uint64_t{1} << 16));
  w[0] = 0x0B;
  EXPECT_EQ(event_res0_bits(w)[1], std::uint64_t{1} << 44);  // F_WALK_EABT: GPCF defined
  w[0] = 0x21;  // F_CFG_CONFLICT: Reason fills [95:64]; bit 108 is RES0
  EXPECT_EQ(event_res0_bits(w)[1], std::uint64_t{1} << 44);

  // Bit 109 is Overlay only in F_PERMISSION; bit 112 is IMPL_DEF in the translation faults but
  // RES0 in F_WALK_EABT and F_TLB_CONFLICT; bit 110 is RES0 everywhere.
  Words<4> v{};
  v[1] = (std::uint64_t{1} << 45) | (std::uint64_t{1} << 48) | (std::uint64_t{1} << 46);
  v[0] = 0x13;
  EXPECT_EQ(event_res0_bits(v)[1], std::uint64_t{1} << 46);
  v[0] = 0x12;
  EXPECT_EQ(event_res0_bits(v)[1], (std::uint64_t{1} << 45) | (std::uint64_t{1} << 46));
  v[0] = 0x0B;
  EXPECT_EQ(event_res0_bits(v)[1], v[1]);
  v[0] = 0x20;
  EXPECT_EQ(event_res0_bits(v)[1], v[1]);
}

TEST(EventRes0, ReservedAndImpdefNumbersReportNothing) {
  Words<4> w{};
  for (std::size_t i = 0; i < 4; ++i) w[i] = ~std::uint64_t{0};
  w[0] = (w[0] & ~std::uint64_t{0xFF}) | 0x0C;  // Reserved
  EXPECT_FALSE(any(event_res0_bits(w)));
  w[0] = (w[0] & ~std::uint64_t{0xFF}) | 0xE3;  // IMPDEF_EVENT3
  EXPECT_FALSE(any(event_res0_bits(w)));
}

TEST(EventRes0, MasksAreComplementsOfTheLayouts) {
  EXPECT_EQ(kEvtCBadSteRes0, complement(kEvtCBadSteDefined));
  EXPECT_EQ(kEvtCBadSteDefined, (Words<4>{{0xFFFFFFFFFFFFF8FFu, 0, 0, 0}}));
  EXPECT_EQ(kEvtCBadSubstreamidDefined, (Words<4>{{0xFFFFFFFFFFFFF0FFu, 0, 0, 0}}));
  EXPECT_EQ(kEvtFStreamDisabledDefined, (Words<4>{{0xFFFFFFFF000000FFu, 0, 0, 0}}));
  // F_TRANSLATION word1: STAG [15:0], Stall 31, PnU/InD/RnW 33-35, NSIPA 38, S2 39, CLASS 41:40,
  // IMPL_DEF [63:48].
  EXPECT_EQ(kEvtFTranslationDefined[1], 0xFFFF03CE8000FFFFu);
  EXPECT_EQ(kEvtFAddrSizeDefined, kEvtFTranslationDefined);
  EXPECT_EQ(kEvtFAccessDefined, kEvtFTranslationDefined);
  // F_PERMISSION adds DirtyBit/AssuredOnly/TTRnW/Overlay at word1 bits 42-45; 46-47 stay RES0.
  EXPECT_EQ(kEvtFPermissionDefined[1], 0xFFFF3FCE8000FFFFu);
  // F_WALK_EABT word1: Reason [15:0], GPCF 16, PnU/InD/RnW 33-35, NSIPA 38, S2 39, CLASS 41:40.
  EXPECT_EQ(kEvtFWalkEabtDefined[1], 0x000003CE0001FFFFu);
  // F_TLB_CONFLICT word1: Reason [31:0], PnU/InD/RnW 33-35, NSIPA 38, S2 39; no CLASS.
  EXPECT_EQ(kEvtFTlbConflictDefined[1], 0x000000CEFFFFFFFFu);
  // F_BAD_ATS_TREQ: Span [3:0], P/X/W/R 28-31 in word1; InputAddr[63:12] in word 2.
  EXPECT_EQ(kEvtFBadAtsTreqDefined, (Words<4>{{0xFFFFFFFFFFFFF8FFu, 0x00000000F000000Fu,
                                               0xFFFFFFFFFFFFF000u, 0}}));
  EXPECT_EQ(kEvtFTranslationDefined[3], 0x00FFFFFFFFFFF000u);
  EXPECT_EQ(kEvtFSteFetchDefined[3], 0x00FFFFFFFFFFFFF8u);
  EXPECT_EQ(kEvtEPageRequestDefined[1], 0x000FF0EE00000000u);
}

// ---------------------------------------------------------------------------------------------
// Everything is usable in constant expressions.

constexpr EvtFTranslation make_translation() {
  EvtFTranslation x;
  x.ssv = true;
  x.substream_id = 0x56;
  x.stream_id = 0x1234;
  x.stag = 0xABCD;
  x.stall = true;
  x.pnu = true;
  x.rnw = true;
  x.s2 = true;
  x.class_ = EventClass::in;
  x.input_addr = 0xFFFF000012345678u;
  x.ipa = 0x0000876543210000u;
  return x;
}
constexpr EvtFTranslation kTr = make_translation();
constexpr Encoded<4> kTrEnc = encode(kTr);
static_assert(kTrEnc.ok());
static_assert(kTrEnc.words[0] == 0x0000123400056810u);
static_assert(kTrEnc.words[1] == 0x0000028A8000ABCDu);
static_assert(kTrEnc.words[3] == 0x0000876543210000u);
static_assert(decode_event_as<EvtFTranslation>(kTrEnc.words) == kTr);
static_assert(event_type(kTrEnc.words) == EventType::f_translation);
static_assert(!any(event_res0_bits(kTrEnc.words)));
static_assert(visit_event(kTrEnc.words, [](const auto& e) {
                if constexpr (std::is_same_v<std::remove_cvref_t<decltype(e)>, EvtFTranslation>)
                  return static_cast<int>(e.stag);
                else
                  return -1;
              }) == 0xABCD);
static_assert(visit_event(Words<4>{{0x0C, 0, 0, 0}}, [](const auto& e) {
                if constexpr (std::is_same_v<std::remove_cvref_t<decltype(e)>, EvtUnknown>)
                  return static_cast<int>(e.event_type);
                else
                  return -1;
              }) == 0x0C);
static_assert(encode(EvtImpdef{0xEF, 0, 0, 0, 9}).words[3] == 9);
static_assert(decode_event_as<EvtImpdef>(Words<4>{{0x1E1, 0, 0, 0}}).impdef0 == 1);
static_assert(encode(EvtFCdFetch{false, 0, 0, 0, false, 0x4}).bad_field != nullptr);
static_assert(is_known_event(0x25) && !is_known_event(0x0C) && !is_known_event(0x26));
static_assert(event_name(0x0B)[2] == 'W' && event_name(0xFF) == nullptr);
static_assert(event_has_stall(EventType::f_access) && !event_has_stall(EventType::f_tlb_conflict));
static_assert(is_configuration_error(EventType::c_bad_streamid) &&
              !is_configuration_error(EventType::f_ste_fetch));
constexpr int count_fields() {
  int n = 0;
  for_each_field(kTr, [&n](const char*, std::uint64_t) { ++n; });
  return n;
}
static_assert(count_fields() == 14);
static_assert(kEventWords * 8 == kEventBytes);

}  // namespace
