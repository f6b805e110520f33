// SPDX-License-Identifier: MIT
// Event queue records of Arm SMMUv3 (IHI 0070 G.b chapter 7.3 "Event records"): one struct per
// event type, constexpr encode/decode over the 32-byte record, a visitor that dispatches on the
// event number, and the exact RES0 set of every layout.
//
// Where the bit positions come from:
//  - IHI 0070 G.b §7.3.2-§7.3.21 (event numbers, field lists, record figures), §3.25.3 (GPCF
//    "is a new field at bit 80" of F_STE_FETCH, F_CD_FETCH, F_VMS_FETCH and F_WALK_EABT).
//    The record figures are drawings in the PDF. Three text copies of G.b were read: the
//    GitHub repository jpgreninger/smmu keeps two independent extractions of the PDF
//    (IHI0070G_b-System_Memory_Management_Unit_Architecture_Specification.md): a PDF-text
//    version (commit 9254d9b) that gives every figure as "FieldName Hi Lo" runs, and a Mathpix
//    version (commit 3c36f9d) that gives some figures as tables and the rest as images;
//    wuyongzheng/arm-md-specs smmu/smmu-7.3.md gives some figures as tables. A figure seen in
//    only the PDF-text version is cited below as "[G.b figure, single copy]".
//  - Linux drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h: EVTQ_0_ID [7:0], EVTQ_0_SSV bit 11,
//    EVTQ_0_SSID [31:12], EVTQ_0_SID [63:32], EVTQ_1_STAG word1[15:0], EVTQ_1_STALL word1 bit 31,
//    EVTQ_1_PnU/InD/RnW word1 bits 33/34/35, EVTQ_1_S2 word1 bit 39, EVTQ_1_CLASS word1[41:40],
//    EVTQ_1_TT_READ word1 bit 44, EVTQ_2_ADDR word2, EVTQ_3_IPA word3[51:12],
//    EVTQ_3_FETCH_ADDR word3[51:3].
//  - QEMU hw/arm/smmuv3-internal.h EVT_SET_* (same positions as Linux, in 32-bit words) and
//    gem5 src/dev/arm/smmu_v3_defs.hh SMMUEvent (NSIPA at word1 bit 38, i.e. record bit 102).
// Linux and QEMU stop the IPA and FetchAddr at address bit 51; G.b widens both to bit 55
// ("IPA/FetchAddr bits [55:OAS] are RES0 if OAS is smaller than 56"), which is what is encoded
// here. Per-event notes below say where a source is silent or disagrees.
//
// "Portions of event records that are not explicitly defined in this section are RES0"
// (§7.3), so each layout's RES0 set is the complement of its fields plus the event number.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/record.hpp"

namespace smmuv3 {

inline constexpr std::size_t kEventWords = 4;
inline constexpr std::size_t kEventBytes = 32;

/// Event numbers, IHI 0070 §7.3. Every other number is Reserved (§7.3.21). No event number
/// was added for Realm (RME) or DPT faults: GPC faults on configuration/table fetches are
/// reported through the GPCF bit of the fetch events (§3.25.3), and DPT lookup failures as
/// F_TRANSL_FORBIDDEN (§7.3.8).
enum class EventType : std::uint8_t {
  f_uut = 0x01,
  c_bad_streamid = 0x02,
  f_ste_fetch = 0x03,
  c_bad_ste = 0x04,
  f_bad_ats_treq = 0x05,
  f_stream_disabled = 0x06,
  f_transl_forbidden = 0x07,
  c_bad_substreamid = 0x08,
  f_cd_fetch = 0x09,
  c_bad_cd = 0x0A,
  f_walk_eabt = 0x0B,
  f_translation = 0x10,
  f_addr_size = 0x11,
  f_access = 0x12,
  f_permission = 0x13,
  f_tlb_conflict = 0x20,
  f_cfg_conflict = 0x21,
  e_page_request = 0x24,
  f_vms_fetch = 0x25,
  // §7.3.21 IMPDEF_EVENTn: 0xE0-0xEF are an IMPLEMENTATION DEFINED allocation (n = number - 0xE0).
  impdef_event0 = 0xE0,
  impdef_event1 = 0xE1,
  impdef_event2 = 0xE2,
  impdef_event3 = 0xE3,
  impdef_event4 = 0xE4,
  impdef_event5 = 0xE5,
  impdef_event6 = 0xE6,
  impdef_event7 = 0xE7,
  impdef_event8 = 0xE8,
  impdef_event9 = 0xE9,
  impdef_event10 = 0xEA,
  impdef_event11 = 0xEB,
  impdef_event12 = 0xEC,
  impdef_event13 = 0xED,
  impdef_event14 = 0xEE,
  impdef_event15 = 0xEF,
};

/// CLASS, §7.3: the class of the operation that caused the fault (0b11 is Reserved and is
/// kept as its number by decode).
enum class EventClass : std::uint8_t {
  cd = 0,   // CD fetch
  ttd = 1,  // stage 1 translation table fetch (Linux EVTQ_1_CLASS_TT)
  in = 2,   // input address caused the fault
};

/// Field-level accessors on the raw record. Each event uses the subset listed in its struct;
/// a position is only meaningful for the events that define it.
namespace event {
// Word 0, common to every architected event (§7.3 figures; Linux EVTQ_0_*). Bits [10:8] are
// RES0 in every figure.
using Type = Bits<7, 0>;
using Ssv = Bit<11>;
using SubstreamId = Bits<31, 12>;
using StreamId = Bits<63, 32>;

// Word 1.
using Stag = Bits<79, 64>;     // Linux EVTQ_1_STAG; only in events with a Stall field
using Reason = Bits<79, 64>;   // IMPLEMENTATION DEFINED cause (F_UUT §7.3.2, fetch events)
using AtsSpan = Bits<67, 64>;  // F_BAD_ATS_TREQ §7.3.6 figure "Span 67 64"
using Gpcf = Bit<80>;          // §3.25.3: "a new field at bit 80 named GPCF"
using CfgConflictReason = Bits<95, 64>;  // F_CFG_CONFLICT §7.3.18 figure: Reason fills [95:64]
using TlbConflictReason = Bits<95, 64>;  // F_TLB_CONFLICT §7.3.17 figure "Reason 95 64"
// F_BAD_ATS_TREQ §7.3.6 figure: "R 95, W 94, X 93, P 92", RES0 [91:68].
using AtsP = Bit<92>;
using AtsX = Bit<93>;
using AtsW = Bit<94>;
using AtsR = Bit<95>;
using Stall = Bit<95>;         // Linux EVTQ_1_STALL
using PnU = Bit<97>;           // Linux EVTQ_1_PnU
using InD = Bit<98>;           // Linux EVTQ_1_InD
using RnW = Bit<99>;           // Linux EVTQ_1_RnW; F_UUT/F_TRANSL_FORBIDDEN figures "100 99 98"
using Nsipa = Bit<102>;        // gem5 SMMUEvent dw1 nsipa = Bitfield<38>; Linux/QEMU silent
using S2 = Bit<103>;           // Linux EVTQ_1_S2
using Class = Bits<105, 104>;  // Linux EVTQ_1_CLASS
// F_PERMISSION only (§7.3.16), see EvtFPermission for how 106, 107 and 109 were assigned.
using DirtyBit = Bit<106>;
using AssuredOnly = Bit<107>;
using TtRnW = Bit<108>;        // Linux EVTQ_1_TT_READ
using Overlay = Bit<109>;
// F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION figures: "IMPL_DEF 127 112".
using TranslationImplDef = Bits<127, 112>;
using Span = Bits<115, 108>;   // E_PAGE_REQUEST §7.3.19 figure "Span 115 108"
// E_PAGE_REQUEST §7.3.19 access flags (figure: pR 103, pW 102, pX 101, uR 99, uW 98, uX 97).
using UX = Bit<97>;
using UW = Bit<98>;
using UR = Bit<99>;
using PX = Bit<101>;
using PW = Bit<102>;
using PR = Bit<103>;

// Word 2.
using InputAddr = Bits<191, 128>;             // Linux EVTQ_2_ADDR: all 64 bits
using PageInputAddr = Addr<191, 140, 12>;     // "InputAddr[63:12]" at [191:140] (§7.3.19)

// Word 3. Both addresses sit at their own bit positions within the word, which is why QEMU's
// EVT_SET_ADDR2 can store the whole address into 32-bit words 6 and 7.
using Ipa = Addr<247, 204, 12>;      // IPA[55:12]; Linux EVTQ_3_IPA stops at bit 51
using FetchAddr = Addr<247, 195, 3>; // FetchAddr[55:3] (§7.3.4 figure "255 248 247 ... 194 192")

// IMPDEF_EVENTn payload (§7.3.21 defines no field beyond the event number).
using ImpdefWord0 = Bits<63, 8>;
using ImpdefWord1 = Bits<127, 64>;
using ImpdefWord2 = Bits<191, 128>;
using ImpdefWord3 = Bits<255, 192>;
}  // namespace event

// Each struct lists its fields once, in `fields` (spec order: ascending bit position); encode,
// decode, for_each_field and the RES0 masks are all derived from that one list by record.hpp.

/// §7.3.2 F_UUT, Unsupported Upstream Transaction. Figure: Reason [79:64], [95:80] RES0,
/// PnU 97, InD 98, RnW 99, [127:100] RES0, InputAddr [191:128]. InD/PnU are the incoming
/// attributes, not the post-STE override versions.
struct EvtFUut {
  static constexpr EventType kType = EventType::f_uut;
  static constexpr const char* kName = "F_UUT";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  std::uint16_t reason = 0;
  bool pnu = false;
  bool ind = false;
  bool rnw = false;
  std::uint64_t input_addr = 0;
  friend constexpr bool operator==(const EvtFUut&, const EvtFUut&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::Ssv{}, "SSV", s.ssv);
    v(event::SubstreamId{}, "SubstreamID", s.substream_id);
    v(event::StreamId{}, "StreamID", s.stream_id);
    v(event::Reason{}, "Reason", s.reason);
    v(event::PnU{}, "PnU", s.pnu);
    v(event::InD{}, "InD", s.ind);
    v(event::RnW{}, "RnW", s.rnw);
    v(event::InputAddr{}, "InputAddr", s.input_addr);
  }
};

/// §7.3.3 C_BAD_STREAMID: StreamID out of range. Only word 0 is defined.
struct EvtCBadStreamid {
  static constexpr EventType kType = EventType::c_bad_streamid;
  static constexpr const char* kName = "C_BAD_STREAMID";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  friend constexpr bool operator==(const EvtCBadStreamid&, const EvtCBadStreamid&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::Ssv{}, "SSV", s.ssv);
    v(event::SubstreamId{}, "SubstreamID", s.substream_id);
    v(event::StreamId{}, "StreamID", s.stream_id);
  }
};

/// §7.3.4 F_STE_FETCH: external abort (or out-of-range address) fetching an STE. Figure:
/// Reason [79:64], GPCF 80, [95:81] RES0, [194:192] RES0, FetchAddr[55:3] at [247:195],
/// [255:248] RES0 (the PDF-text, Mathpix and arm-md-specs copies of the figure agree). QEMU
/// places the address with EVT_SET_ADDR2 (words 6-7), which agrees.
struct EvtFSteFetch {
  static constexpr EventType kType = EventType::f_ste_fetch;
  static constexpr const char* kName = "F_STE_FETCH";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  std::uint16_t reason = 0;
  bool gpcf = false;
  std::uint64_t fetch_addr = 0;
  friend constexpr bool operator==(const EvtFSteFetch&, const EvtFSteFetch&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::Ssv{}, "SSV", s.ssv);
    v(event::SubstreamId{}, "SubstreamID", s.substream_id);
    v(event::StreamId{}, "StreamID", s.stream_id);
    v(event::Reason{}, "Reason", s.reason);
    v(event::Gpcf{}, "GPCF", s.gpcf);
    v(event::FetchAddr{}, "FetchAddr", s.fetch_addr);
  }
};

/// §7.3.5 C_BAD_STE: the STE used is invalid. Only word 0 is defined.
struct EvtCBadSte {
  static constexpr EventType kType = EventType::c_bad_ste;
  static constexpr const char* kName = "C_BAD_STE";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  friend constexpr bool operator==(const EvtCBadSte&, const EvtCBadSte&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::Ssv{}, "SSV", s.ssv);
    v(event::SubstreamId{}, "SubstreamID", s.substream_id);
    v(event::StreamId{}, "StreamID", s.stream_id);
  }
};

/// §7.3.6 F_BAD_ATS_TREQ: ATS Translation Request disallowed. R/W/X/P are the Read, Write,
/// Execute and Privilege permissions the ATS Translation Request asked for, before the
/// STE.INSTCFG/PRIVCFG overrides (W == !NW; R is always 1 in a PCIe request); Span is the
/// number of STUs requested; InputAddr[63:12] is the request's page address.
/// Figure: Span [67:64], RES0 [91:68], P 92, X 93, W 94, R 95, [127:96] RES0, [139:128] RES0,
/// InputAddr[63:12] at [191:140], [255:192] RES0. Both text extractions of G.b in
/// jpgreninger/smmu agree (the PDF-text version gives the whole figure; the Mathpix version
/// renders rows [159:128] and [95:64] as tables). Linux and QEMU never build or parse this
/// event (QEMU: "not supported yet").
struct EvtFBadAtsTreq {
  static constexpr EventType kType = EventType::f_bad_ats_treq;
  static constexpr const char* kName = "F_BAD_ATS_TREQ";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  std::uint8_t span = 0;
  bool p = false;
  bool x = false;
  bool w = false;
  bool r = false;
  std::uint64_t input_addr = 0;
  friend constexpr bool operator==(const EvtFBadAtsTreq&, const EvtFBadAtsTreq&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::Ssv{}, "SSV", s.ssv);
    v(event::SubstreamId{}, "SubstreamID", s.substream_id);
    v(event::StreamId{}, "StreamID", s.stream_id);
    v(event::AtsSpan{}, "Span", s.span);
    v(event::AtsP{}, "P", s.p);
    v(event::AtsX{}, "X", s.x);
    v(event::AtsW{}, "W", s.w);
    v(event::AtsR{}, "R", s.r);
    v(event::PageInputAddr{}, "InputAddr", s.input_addr);
  }
};

/// §7.3.7 F_STREAM_DISABLED: non-substream traffic on a stream that disallows it. The figure
/// holds only the event number and StreamID ([31:8] RES0, no SSV/SubstreamID); QEMU likewise
/// sets only the StreamID.
struct EvtFStreamDisabled {
  static constexpr EventType kType = EventType::f_stream_disabled;
  static constexpr const char* kName = "F_STREAM_DISABLED";
  std::uint32_t stream_id = 0;
  friend constexpr bool operator==(const EvtFStreamDisabled&, const EvtFStreamDisabled&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::StreamId{}, "StreamID", s.stream_id);
  }
};

/// §7.3.8 F_TRANSL_FORBIDDEN: ATS Translated transaction where bypass is disallowed (also the
/// G.b report of a failed DPT lookup / Device Access fault). Figure: RnW 99 with [127:100] and
/// [98:96] RES0, InputAddr [191:128], no SSV/SubstreamID. QEMU sets the same three fields.
struct EvtFTranslForbidden {
  static constexpr EventType kType = EventType::f_transl_forbidden;
  static constexpr const char* kName = "F_TRANSL_FORBIDDEN";
  std::uint32_t stream_id = 0;
  bool rnw = false;
  std::uint64_t input_addr = 0;
  friend constexpr bool operator==(const EvtFTranslForbidden&, const EvtFTranslForbidden&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::StreamId{}, "StreamID", s.stream_id);
    v(event::RnW{}, "RnW", s.rnw);
    v(event::InputAddr{}, "InputAddr", s.input_addr);
  }
};

/// §7.3.9 C_BAD_SUBSTREAMID. "In this event, SubstreamID is always valid (there is no SSV
/// qualifier)": the figure has [11:8] RES0.
struct EvtCBadSubstreamid {
  static constexpr EventType kType = EventType::c_bad_substreamid;
  static constexpr const char* kName = "C_BAD_SUBSTREAMID";
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  friend constexpr bool operator==(const EvtCBadSubstreamid&, const EvtCBadSubstreamid&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::SubstreamId{}, "SubstreamID", s.substream_id);
    v(event::StreamId{}, "StreamID", s.stream_id);
  }
};

/// §7.3.10 F_CD_FETCH: same layout as F_STE_FETCH. Figure [G.b figure, single copy]: Reason
/// [79:64], GPCF 80 (also §3.25.3), [95:81] RES0, [194:192] RES0, FetchAddr[55:3] at
/// [247:195], [255:248] RES0. QEMU disagrees: it stores the CD address with EVT_SET_ADDR, i.e.
/// in the InputAddr words 4-5, while the spec's FetchAddr lies in word 3 as for F_STE_FETCH.
struct EvtFCdFetch {
  static constexpr EventType kType = EventType::f_cd_fetch;
  static constexpr const char* kName = "F_CD_FETCH";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  std::uint16_t reason = 0;
  bool gpcf = false;
  std::uint64_t fetch_addr = 0;
  friend constexpr bool operator==(const EvtFCdFetch&, const EvtFCdFetch&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::Ssv{}, "SSV", s.ssv);
    v(event::SubstreamId{}, "SubstreamID", s.substream_id);
    v(event::StreamId{}, "StreamID", s.stream_id);
    v(event::Reason{}, "Reason", s.reason);
    v(event::Gpcf{}, "GPCF", s.gpcf);
    v(event::FetchAddr{}, "FetchAddr", s.fetch_addr);
  }
};

/// §7.3.11 C_BAD_CD: the fetched CD is invalid. Only word 0 is defined.
struct EvtCBadCd {
  static constexpr EventType kType = EventType::c_bad_cd;
  static constexpr const char* kName = "C_BAD_CD";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  friend constexpr bool operator==(const EvtCBadCd&, const EvtCBadCd&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::Ssv{}, "SSV", s.ssv);
    v(event::SubstreamId{}, "SubstreamID", s.substream_id);
    v(event::StreamId{}, "StreamID", s.stream_id);
  }
};

/// §7.3.12 F_WALK_EABT: external abort fetching/updating a translation table descriptor.
/// Figure [G.b figure, single copy]: Reason [79:64], GPCF 80 (also §3.25.3), [95:81] RES0,
/// 96 RES0, PnU 97, InD 98, RnW 99 (post-override), [101:100] RES0, NSIPA 102, S2 103, CLASS
/// [105:104], [127:106] RES0, InputAddr [191:128], FetchAddr[55:3] at [247:195]. NSIPA is not
/// named in the event text but is in the figure (§7.3 requires it in events whose InputAddr
/// can be an IPA of a Secure stream, as here with stage 2-only translation).
/// This event has no Stall/STAG (§7.3.21 lists only four stalling events); QEMU nonetheless
/// fills STAG/Stall for it (its FullInfo).
struct EvtFWalkEabt {
  static constexpr EventType kType = EventType::f_walk_eabt;
  static constexpr const char* kName = "F_WALK_EABT";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  std::uint16_t reason = 0;
  bool gpcf = false;
  bool pnu = false;
  bool ind = false;
  bool rnw = false;
  bool nsipa = false;
  bool s2 = false;
  EventClass class_ = EventClass::cd;
  std::uint64_t input_addr = 0;
  std::uint64_t fetch_addr = 0;
  friend constexpr bool operator==(const EvtFWalkEabt&, const EvtFWalkEabt&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::Ssv{}, "SSV", s.ssv);
    v(event::SubstreamId{}, "SubstreamID", s.substream_id);
    v(event::StreamId{}, "StreamID", s.stream_id);
    v(event::Reason{}, "Reason", s.reason);
    v(event::Gpcf{}, "GPCF", s.gpcf);
    v(event::PnU{}, "PnU", s.pnu);
    v(event::InD{}, "InD", s.ind);
    v(event::RnW{}, "RnW", s.rnw);
    v(event::Nsipa{}, "NSIPA", s.nsipa);
    v(event::S2{}, "S2", s.s2);
    v(event::Class{}, "CLASS", s.class_);
    v(event::InputAddr{}, "InputAddr", s.input_addr);
    v(event::FetchAddr{}, "FetchAddr", s.fetch_addr);
  }
};

namespace event::detail {
/// The word 0-1 fields up to CLASS shared by F_TRANSLATION, F_ADDR_SIZE, F_ACCESS and
/// F_PERMISSION (§7.3.14-§7.3.16 refer to F_TRANSLATION for CLASS, IPA and S2).
template <class Self, class V>
constexpr void translation_fault_fields(Self& s, V& v) {
  v(event::Ssv{}, "SSV", s.ssv);
  v(event::SubstreamId{}, "SubstreamID", s.substream_id);
  v(event::StreamId{}, "StreamID", s.stream_id);
  v(event::Stag{}, "STAG", s.stag);
  v(event::Stall{}, "Stall", s.stall);
  v(event::PnU{}, "PnU", s.pnu);
  v(event::InD{}, "InD", s.ind);
  v(event::RnW{}, "RnW", s.rnw);
  v(event::Nsipa{}, "NSIPA", s.nsipa);
  v(event::S2{}, "S2", s.s2);
  v(event::Class{}, "CLASS", s.class_);
}
}  // namespace event::detail

/// §7.3.13 F_TRANSLATION. A stalling fault: Stall/STAG (§3.12.2), RnW/InD/PnU (post-override),
/// NSIPA (Secure queue, S2 == 1 only), S2, CLASS, InputAddr and IPA (valid when S2 == 1).
/// Figure [G.b figure, single copy], the same for F_ADDR_SIZE and F_ACCESS: STAG [79:64],
/// [94:80] RES0, Stall 95, 96 RES0, PnU 97, InD 98, RnW 99, [101:100] RES0, NSIPA 102, S2 103,
/// CLASS [105:104], [111:106] RES0, IMPL_DEF [127:112], InputAddr [191:128], [203:192] RES0,
/// IPA[55:12] at [247:204], [255:248] RES0. IMPL_DEF is IMPLEMENTATION DEFINED, not RES0;
/// Linux and QEMU neither read nor write it.
struct EvtFTranslation {
  static constexpr EventType kType = EventType::f_translation;
  static constexpr const char* kName = "F_TRANSLATION";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  std::uint16_t stag = 0;
  bool stall = false;
  bool pnu = false;
  bool ind = false;
  bool rnw = false;
  bool nsipa = false;
  bool s2 = false;
  EventClass class_ = EventClass::cd;
  std::uint16_t impl_def = 0;
  std::uint64_t input_addr = 0;
  std::uint64_t ipa = 0;
  friend constexpr bool operator==(const EvtFTranslation&, const EvtFTranslation&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    event::detail::translation_fault_fields(s, v);
    v(event::TranslationImplDef{}, "IMPL_DEF", s.impl_def);
    v(event::InputAddr{}, "InputAddr", s.input_addr);
    v(event::Ipa{}, "IPA", s.ipa);
  }
};

/// §7.3.14 F_ADDR_SIZE: same layout as F_TRANSLATION.
struct EvtFAddrSize {
  static constexpr EventType kType = EventType::f_addr_size;
  static constexpr const char* kName = "F_ADDR_SIZE";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  std::uint16_t stag = 0;
  bool stall = false;
  bool pnu = false;
  bool ind = false;
  bool rnw = false;
  bool nsipa = false;
  bool s2 = false;
  EventClass class_ = EventClass::cd;
  std::uint16_t impl_def = 0;
  std::uint64_t input_addr = 0;
  std::uint64_t ipa = 0;
  friend constexpr bool operator==(const EvtFAddrSize&, const EvtFAddrSize&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    event::detail::translation_fault_fields(s, v);
    v(event::TranslationImplDef{}, "IMPL_DEF", s.impl_def);
    v(event::InputAddr{}, "InputAddr", s.input_addr);
    v(event::Ipa{}, "IPA", s.ipa);
  }
};

/// §7.3.15 F_ACCESS: same layout as F_TRANSLATION.
struct EvtFAccess {
  static constexpr EventType kType = EventType::f_access;
  static constexpr const char* kName = "F_ACCESS";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  std::uint16_t stag = 0;
  bool stall = false;
  bool pnu = false;
  bool ind = false;
  bool rnw = false;
  bool nsipa = false;
  bool s2 = false;
  EventClass class_ = EventClass::cd;
  std::uint16_t impl_def = 0;
  std::uint64_t input_addr = 0;
  std::uint64_t ipa = 0;
  friend constexpr bool operator==(const EvtFAccess&, const EvtFAccess&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    event::detail::translation_fault_fields(s, v);
    v(event::TranslationImplDef{}, "IMPL_DEF", s.impl_def);
    v(event::InputAddr{}, "InputAddr", s.input_addr);
    v(event::Ipa{}, "IPA", s.ipa);
  }
};

/// §7.3.16 F_PERMISSION: the F_TRANSLATION layout (IMPL_DEF included) plus four flags in
/// [109:106]; bits [111:110] are RES0.
///  - TTRnW, bit 108 (Linux EVTQ_1_TT_READ), valid when CLASS == TT.
///  - Overlay (SMMU_IDR3.S2PO: a stage 2 Overlay permission refused the access), AssuredOnly
///    (SMMU_IDR3.S2PI: only the AssuredOnly check failed) and DirtyBit (S1PI/S2PI: the fault
///    would have been a dirty-state update). [G.b figure, single copy] The figure text gives
///    bits 109, 108, 107, 106 as single-bit fields and names them, out of bit order, "Overlay
///    TTRnW ... DirtyBit AssuredOnly". That extraction lists the names of a run of adjacent
///    single-bit fields as a left group in descending bit order followed by a right group in
///    ascending order; in the same copy's STE figure this rule yields S2FWB 89, S2HWU59..60
///    72..73, S2AA64..S2HD 179..183, S2NSW 192, S2NSA 193, S2SW 384, S2SA 385, each of which
///    Linux, QEMU, FreeBSD or Hafnium confirms, and here it yields TTRnW 108, which Linux
///    confirms. Hence Overlay 109, AssuredOnly 107, DirtyBit 106. No other source gives these
///    three; the Mathpix and arm-md-specs copies have this figure as an image.
struct EvtFPermission {
  static constexpr EventType kType = EventType::f_permission;
  static constexpr const char* kName = "F_PERMISSION";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  std::uint16_t stag = 0;
  bool stall = false;
  bool pnu = false;
  bool ind = false;
  bool rnw = false;
  bool nsipa = false;
  bool s2 = false;
  EventClass class_ = EventClass::cd;
  bool dirty_bit = false;
  bool assured_only = false;
  bool tt_rnw = false;
  bool overlay = false;
  std::uint16_t impl_def = 0;
  std::uint64_t input_addr = 0;
  std::uint64_t ipa = 0;
  friend constexpr bool operator==(const EvtFPermission&, const EvtFPermission&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    event::detail::translation_fault_fields(s, v);
    v(event::DirtyBit{}, "DirtyBit", s.dirty_bit);
    v(event::AssuredOnly{}, "AssuredOnly", s.assured_only);
    v(event::TtRnW{}, "TTRnW", s.tt_rnw);
    v(event::Overlay{}, "Overlay", s.overlay);
    v(event::TranslationImplDef{}, "IMPL_DEF", s.impl_def);
    v(event::InputAddr{}, "InputAddr", s.input_addr);
    v(event::Ipa{}, "IPA", s.ipa);
  }
};

/// §7.3.17 F_TLB_CONFLICT: RnW/InD/PnU, S2, an IMPLEMENTATION DEFINED Reason, InputAddr and
/// IPA (valid when S2 == 1). Figure [G.b figure, single copy]: Reason [95:64], 96 RES0, PnU
/// 97, InD 98, RnW 99, [101:100] RES0, NSIPA 102, S2 103, [127:104] RES0 (no CLASS),
/// InputAddr [191:128], [203:192] RES0, IPA[55:12] at [247:204], [255:248] RES0. Linux/QEMU
/// are silent (QEMU: "not implemented").
struct EvtFTlbConflict {
  static constexpr EventType kType = EventType::f_tlb_conflict;
  static constexpr const char* kName = "F_TLB_CONFLICT";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  std::uint32_t reason = 0;
  bool pnu = false;
  bool ind = false;
  bool rnw = false;
  bool nsipa = false;
  bool s2 = false;
  std::uint64_t input_addr = 0;
  std::uint64_t ipa = 0;
  friend constexpr bool operator==(const EvtFTlbConflict&, const EvtFTlbConflict&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::Ssv{}, "SSV", s.ssv);
    v(event::SubstreamId{}, "SubstreamID", s.substream_id);
    v(event::StreamId{}, "StreamID", s.stream_id);
    v(event::TlbConflictReason{}, "Reason", s.reason);
    v(event::PnU{}, "PnU", s.pnu);
    v(event::InD{}, "InD", s.ind);
    v(event::RnW{}, "RnW", s.rnw);
    v(event::Nsipa{}, "NSIPA", s.nsipa);
    v(event::S2{}, "S2", s.s2);
    v(event::InputAddr{}, "InputAddr", s.input_addr);
    v(event::Ipa{}, "IPA", s.ipa);
  }
};

/// §7.3.18 F_CFG_CONFLICT: configuration cache multiple-match. Figure: word 0 and an
/// IMPLEMENTATION DEFINED Reason spanning [95:64]; everything above is RES0.
struct EvtFCfgConflict {
  static constexpr EventType kType = EventType::f_cfg_conflict;
  static constexpr const char* kName = "F_CFG_CONFLICT";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  std::uint32_t reason = 0;
  friend constexpr bool operator==(const EvtFCfgConflict&, const EvtFCfgConflict&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::Ssv{}, "SSV", s.ssv);
    v(event::SubstreamId{}, "SubstreamID", s.substream_id);
    v(event::StreamId{}, "StreamID", s.stream_id);
    v(event::CfgConflictReason{}, "Reason", s.reason);
  }
};

/// §7.3.19 E_PAGE_REQUEST: speculative page request hint. Figure: uX 97, uW 98, uR 99, [100]
/// RES0, pX 101, pW 102, pR 103, [107:104] RES0, Span [115:108] (span = Span * 4096 bytes),
/// [139:128] RES0, InputAddr[63:12] at [191:140]. Not to be confused with the PRI queue record
/// (Linux PRIQ_0_PERM_*), which is a different 16-byte format.
struct EvtEPageRequest {
  static constexpr EventType kType = EventType::e_page_request;
  static constexpr const char* kName = "E_PAGE_REQUEST";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  bool u_x = false;
  bool u_w = false;
  bool u_r = false;
  bool p_x = false;
  bool p_w = false;
  bool p_r = false;
  std::uint8_t span = 0;
  std::uint64_t input_addr = 0;
  friend constexpr bool operator==(const EvtEPageRequest&, const EvtEPageRequest&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::Ssv{}, "SSV", s.ssv);
    v(event::SubstreamId{}, "SubstreamID", s.substream_id);
    v(event::StreamId{}, "StreamID", s.stream_id);
    v(event::UX{}, "uX", s.u_x);
    v(event::UW{}, "uW", s.u_w);
    v(event::UR{}, "uR", s.u_r);
    v(event::PX{}, "pX", s.p_x);
    v(event::PW{}, "pW", s.p_w);
    v(event::PR{}, "pR", s.p_r);
    v(event::Span{}, "Span", s.span);
    v(event::PageInputAddr{}, "InputAddr", s.input_addr);
  }
};

/// §7.3.20 F_VMS_FETCH: external abort fetching the VMS. Figure: Reason [79:64], GPCF 80,
/// [95:81] RES0, FetchAddr[55:3] at [247:195].
struct EvtFVmsFetch {
  static constexpr EventType kType = EventType::f_vms_fetch;
  static constexpr const char* kName = "F_VMS_FETCH";
  bool ssv = false;
  std::uint32_t substream_id = 0;
  std::uint32_t stream_id = 0;
  std::uint16_t reason = 0;
  bool gpcf = false;
  std::uint64_t fetch_addr = 0;
  friend constexpr bool operator==(const EvtFVmsFetch&, const EvtFVmsFetch&) = default;

  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::Ssv{}, "SSV", s.ssv);
    v(event::SubstreamId{}, "SubstreamID", s.substream_id);
    v(event::StreamId{}, "StreamID", s.stream_id);
    v(event::Reason{}, "Reason", s.reason);
    v(event::Gpcf{}, "GPCF", s.gpcf);
    v(event::FetchAddr{}, "FetchAddr", s.fetch_addr);
  }
};

/// §7.3.21 IMPDEF_EVENTn (event numbers 0xE0-0xEF). The architecture defines nothing beyond the
/// event number, so the rest of the record is carried as IMPLEMENTATION DEFINED bits (none of
/// them RES0). One struct covers the whole range; `event_number` says which.
struct EvtImpdef {
  static constexpr EventType kFirstType = EventType::impdef_event0;
  static constexpr EventType kLastType = EventType::impdef_event15;
  static constexpr const char* kName = "IMPDEF_EVENTn";
  std::uint8_t event_number = 0xE0;
  std::uint64_t impdef0 = 0;  // record bits [63:8]
  std::uint64_t impdef1 = 0;  // [127:64]
  std::uint64_t impdef2 = 0;  // [191:128]
  std::uint64_t impdef3 = 0;  // [255:192]
  friend constexpr bool operator==(const EvtImpdef&, const EvtImpdef&) = default;

  // Unlike the architected events, the event number is a field: one struct covers sixteen
  // numbers, so encode, decode and for_each_field carry it like any other value.
  template <class Self, class V>
  static constexpr void fields(Self& s, V&& v) {
    v(event::Type{}, "EventType", s.event_number);
    v(event::ImpdefWord0{}, "IMPDEF[63:8]", s.impdef0);
    v(event::ImpdefWord1{}, "IMPDEF[127:64]", s.impdef1);
    v(event::ImpdefWord2{}, "IMPDEF[191:128]", s.impdef2);
    v(event::ImpdefWord3{}, "IMPDEF[255:192]", s.impdef3);
  }
};

/// A record whose event number is Reserved: handed to visit_event's callback as a value, with
/// the raw words, so an unknown event is never undefined behaviour.
struct EvtUnknown {
  static constexpr const char* kName = "UNKNOWN";
  std::uint8_t event_type = 0;
  Words<4> words{};
  friend constexpr bool operator==(const EvtUnknown&, const EvtUnknown&) = default;
};

// ---------------------------------------------------------------------------------------------
// Event numbers

constexpr EventType event_type(const Words<4>& w) noexcept {
  return static_cast<EventType>(static_cast<std::uint8_t>(event::Type::get(w)));
}

constexpr bool is_impdef_event(std::uint8_t type) noexcept { return type >= 0xE0 && type <= 0xEF; }

/// The event number's name as §7.3 spells it; nullptr for a Reserved number.
constexpr const char* event_name(std::uint8_t type) noexcept {
  switch (type) {
    case 0x01: return "F_UUT";
    case 0x02: return "C_BAD_STREAMID";
    case 0x03: return "F_STE_FETCH";
    case 0x04: return "C_BAD_STE";
    case 0x05: return "F_BAD_ATS_TREQ";
    case 0x06: return "F_STREAM_DISABLED";
    case 0x07: return "F_TRANSL_FORBIDDEN";
    case 0x08: return "C_BAD_SUBSTREAMID";
    case 0x09: return "F_CD_FETCH";
    case 0x0A: return "C_BAD_CD";
    case 0x0B: return "F_WALK_EABT";
    case 0x10: return "F_TRANSLATION";
    case 0x11: return "F_ADDR_SIZE";
    case 0x12: return "F_ACCESS";
    case 0x13: return "F_PERMISSION";
    case 0x20: return "F_TLB_CONFLICT";
    case 0x21: return "F_CFG_CONFLICT";
    case 0x24: return "E_PAGE_REQUEST";
    case 0x25: return "F_VMS_FETCH";
    case 0xE0: return "IMPDEF_EVENT0";
    case 0xE1: return "IMPDEF_EVENT1";
    case 0xE2: return "IMPDEF_EVENT2";
    case 0xE3: return "IMPDEF_EVENT3";
    case 0xE4: return "IMPDEF_EVENT4";
    case 0xE5: return "IMPDEF_EVENT5";
    case 0xE6: return "IMPDEF_EVENT6";
    case 0xE7: return "IMPDEF_EVENT7";
    case 0xE8: return "IMPDEF_EVENT8";
    case 0xE9: return "IMPDEF_EVENT9";
    case 0xEA: return "IMPDEF_EVENT10";
    case 0xEB: return "IMPDEF_EVENT11";
    case 0xEC: return "IMPDEF_EVENT12";
    case 0xED: return "IMPDEF_EVENT13";
    case 0xEE: return "IMPDEF_EVENT14";
    case 0xEF: return "IMPDEF_EVENT15";
    default: return nullptr;
  }
}

/// True for every number §7.3 allocates, including the IMPLEMENTATION DEFINED range.
constexpr bool is_known_event(std::uint8_t type) noexcept { return event_name(type) != nullptr; }

/// §7.3.21: "Events with a Stall parameter (F_TRANSLATION, F_ADDR_SIZE, F_ACCESS, F_PERMISSION)
/// indicate whether a transaction is stalling"; any other event terminates the transaction.
/// Only these four carry Stall and STAG and may need a CMD_RESUME / CMD_STALL_TERM.
constexpr bool event_has_stall(std::uint8_t type) noexcept { return type >= 0x10 && type <= 0x13; }
constexpr bool event_has_stall(EventType type) noexcept {
  return event_has_stall(static_cast<std::uint8_t>(type));
}

/// The configuration errors, the C_ events of §7.3 ("A configuration error always terminates
/// the instigating transaction with an abort to the device", §7.3.21).
constexpr bool is_configuration_error(std::uint8_t type) noexcept {
  return type == 0x02 || type == 0x04 || type == 0x08 || type == 0x0A;
}
constexpr bool is_configuration_error(EventType type) noexcept {
  return is_configuration_error(static_cast<std::uint8_t>(type));
}

// ---------------------------------------------------------------------------------------------
// Encode, decode, for_each_field and the masks all come from the `fields` lists through
// record.hpp; only the event number is handled here.

/// An architected event layout: one event number (kType) and a field list.
template <class E>
concept EventRecord = FieldRecord<E> && requires {
  requires std::same_as<std::remove_cv_t<decltype(E::kType)>, EventType>;
};

namespace event::detail {

/// Every bit the layout of E defines: its fields plus the event number (§7.3: "Portions of
/// event records that are not explicitly defined in this section are RES0").
template <EventRecord E>
constexpr Words<4> defined_bits() noexcept {
  static_assert(fields_disjoint<4, E>(mask_of<4, event::Type>()),
                "two fields of the event, or a field and the event number, share a bit");
  Words<4> m = fields_mask<4, E>();
  m[event::Type::word] |= event::Type::mask;
  return m;
}

/// E's RES0 set as a constant, so event_res0_bits never recomputes it at run time.
template <EventRecord E>
inline constexpr Words<4> kRes0 = complement(defined_bits<E>());

}  // namespace event::detail

// ---------------------------------------------------------------------------------------------
// Defined / RES0 masks per layout (RES0 = complement of the defined fields, §7.3).

inline constexpr Words<4> kEvtFUutDefined = event::detail::defined_bits<EvtFUut>();
inline constexpr Words<4> kEvtFUutRes0 = event::detail::kRes0<EvtFUut>;
inline constexpr Words<4> kEvtCBadStreamidDefined = event::detail::defined_bits<EvtCBadStreamid>();
inline constexpr Words<4> kEvtCBadStreamidRes0 = event::detail::kRes0<EvtCBadStreamid>;
inline constexpr Words<4> kEvtFSteFetchDefined = event::detail::defined_bits<EvtFSteFetch>();
inline constexpr Words<4> kEvtFSteFetchRes0 = event::detail::kRes0<EvtFSteFetch>;
inline constexpr Words<4> kEvtCBadSteDefined = event::detail::defined_bits<EvtCBadSte>();
inline constexpr Words<4> kEvtCBadSteRes0 = event::detail::kRes0<EvtCBadSte>;
inline constexpr Words<4> kEvtFBadAtsTreqDefined = event::detail::defined_bits<EvtFBadAtsTreq>();
inline constexpr Words<4> kEvtFBadAtsTreqRes0 = event::detail::kRes0<EvtFBadAtsTreq>;
inline constexpr Words<4> kEvtFStreamDisabledDefined = event::detail::defined_bits<EvtFStreamDisabled>();
inline constexpr Words<4> kEvtFStreamDisabledRes0 = event::detail::kRes0<EvtFStreamDisabled>;
inline constexpr Words<4> kEvtFTranslForbiddenDefined = event::detail::defined_bits<EvtFTranslForbidden>();
inline constexpr Words<4> kEvtFTranslForbiddenRes0 = event::detail::kRes0<EvtFTranslForbidden>;
inline constexpr Words<4> kEvtCBadSubstreamidDefined = event::detail::defined_bits<EvtCBadSubstreamid>();
inline constexpr Words<4> kEvtCBadSubstreamidRes0 = event::detail::kRes0<EvtCBadSubstreamid>;
inline constexpr Words<4> kEvtFCdFetchDefined = event::detail::defined_bits<EvtFCdFetch>();
inline constexpr Words<4> kEvtFCdFetchRes0 = event::detail::kRes0<EvtFCdFetch>;
inline constexpr Words<4> kEvtCBadCdDefined = event::detail::defined_bits<EvtCBadCd>();
inline constexpr Words<4> kEvtCBadCdRes0 = event::detail::kRes0<EvtCBadCd>;
inline constexpr Words<4> kEvtFWalkEabtDefined = event::detail::defined_bits<EvtFWalkEabt>();
inline constexpr Words<4> kEvtFWalkEabtRes0 = event::detail::kRes0<EvtFWalkEabt>;
inline constexpr Words<4> kEvtFTranslationDefined = event::detail::defined_bits<EvtFTranslation>();
inline constexpr Words<4> kEvtFTranslationRes0 = event::detail::kRes0<EvtFTranslation>;
inline constexpr Words<4> kEvtFAddrSizeDefined = event::detail::defined_bits<EvtFAddrSize>();
inline constexpr Words<4> kEvtFAddrSizeRes0 = event::detail::kRes0<EvtFAddrSize>;
inline constexpr Words<4> kEvtFAccessDefined = event::detail::defined_bits<EvtFAccess>();
inline constexpr Words<4> kEvtFAccessRes0 = event::detail::kRes0<EvtFAccess>;
inline constexpr Words<4> kEvtFPermissionDefined = event::detail::defined_bits<EvtFPermission>();
inline constexpr Words<4> kEvtFPermissionRes0 = event::detail::kRes0<EvtFPermission>;
inline constexpr Words<4> kEvtFTlbConflictDefined = event::detail::defined_bits<EvtFTlbConflict>();
inline constexpr Words<4> kEvtFTlbConflictRes0 = event::detail::kRes0<EvtFTlbConflict>;
inline constexpr Words<4> kEvtFCfgConflictDefined = event::detail::defined_bits<EvtFCfgConflict>();
inline constexpr Words<4> kEvtFCfgConflictRes0 = event::detail::kRes0<EvtFCfgConflict>;
inline constexpr Words<4> kEvtEPageRequestDefined = event::detail::defined_bits<EvtEPageRequest>();
inline constexpr Words<4> kEvtEPageRequestRes0 = event::detail::kRes0<EvtEPageRequest>;
inline constexpr Words<4> kEvtFVmsFetchDefined = event::detail::defined_bits<EvtFVmsFetch>();
inline constexpr Words<4> kEvtFVmsFetchRes0 = event::detail::kRes0<EvtFVmsFetch>;

// IMPDEF_EVENTn: the event number and the four IMPLEMENTATION DEFINED runs tile the whole
// record, so no bit of it is RES0.
static_assert(fields_disjoint<4, EvtImpdef>());
static_assert(fields_mask<4, EvtImpdef>() == complement(Words<4>{}));

// ---------------------------------------------------------------------------------------------
// encode / decode / for_each_field (for_each_field itself is record.hpp's, from `fields`)

/// Encodes an architected event: the event number comes from E::kType, then every field.
template <EventRecord E>
constexpr Encoded<4> encode(const E& e) noexcept {
  Words<4> start{};
  start[event::Type::word] = event::Type::insert(0, static_cast<std::uint8_t>(E::kType));
  return encode_fields<4>(e, start);
}

/// An IMPDEF_EVENTn record; an event_number outside 0xE0-0xEF is reported as "EventType".
constexpr Encoded<4> encode(const EvtImpdef& e) noexcept {
  Encoded<4> out = encode_fields<4>(e);
  if (!is_impdef_event(e.event_number)) out.bad_field = "EventType";
  return out;
}

/// The raw words with `event_type` placed in [7:0]; nothing to check, so it never fails.
constexpr Encoded<4> encode(const EvtUnknown& e) noexcept {
  Encoded<4> out{};
  out.words = e.words;
  out.words[0] = event::Type::insert(out.words[0], e.event_type);
  return out;
}

/// Reads T's fields from w, whatever event number w carries.
template <class T>
constexpr T decode_event_as(const Words<4>& w) noexcept {
  if constexpr (std::is_same_v<T, EvtUnknown>)
    return EvtUnknown{static_cast<std::uint8_t>(event::Type::get(w)), w};
  else
    return decode_fields<T>(w);
}

/// "EventType" (the Reserved number), then the raw words.
template <class F>
constexpr void for_each_field(const EvtUnknown& e, F&& f) {
  f("EventType", std::uint64_t{e.event_type});
  f("Word0", e.words[0]);
  f("Word1", e.words[1]);
  f("Word2", e.words[2]);
  f("Word3", e.words[3]);
}

/// Calls f with the record decoded as the struct its event number selects: one of the Evt*
/// structs above, EvtImpdef for 0xE0-0xEF, or EvtUnknown{number, words} for a Reserved number.
/// f is called exactly once, and must return the same type for every struct.
template <class F>
constexpr decltype(auto) visit_event(const Words<4>& w, F&& f) noexcept {
  const auto type = static_cast<std::uint8_t>(event::Type::get(w));
  switch (type) {
    case 0x01: return static_cast<F&&>(f)(decode_event_as<EvtFUut>(w));
    case 0x02: return static_cast<F&&>(f)(decode_event_as<EvtCBadStreamid>(w));
    case 0x03: return static_cast<F&&>(f)(decode_event_as<EvtFSteFetch>(w));
    case 0x04: return static_cast<F&&>(f)(decode_event_as<EvtCBadSte>(w));
    case 0x05: return static_cast<F&&>(f)(decode_event_as<EvtFBadAtsTreq>(w));
    case 0x06: return static_cast<F&&>(f)(decode_event_as<EvtFStreamDisabled>(w));
    case 0x07: return static_cast<F&&>(f)(decode_event_as<EvtFTranslForbidden>(w));
    case 0x08: return static_cast<F&&>(f)(decode_event_as<EvtCBadSubstreamid>(w));
    case 0x09: return static_cast<F&&>(f)(decode_event_as<EvtFCdFetch>(w));
    case 0x0A: return static_cast<F&&>(f)(decode_event_as<EvtCBadCd>(w));
    case 0x0B: return static_cast<F&&>(f)(decode_event_as<EvtFWalkEabt>(w));
    case 0x10: return static_cast<F&&>(f)(decode_event_as<EvtFTranslation>(w));
    case 0x11: return static_cast<F&&>(f)(decode_event_as<EvtFAddrSize>(w));
    case 0x12: return static_cast<F&&>(f)(decode_event_as<EvtFAccess>(w));
    case 0x13: return static_cast<F&&>(f)(decode_event_as<EvtFPermission>(w));
    case 0x20: return static_cast<F&&>(f)(decode_event_as<EvtFTlbConflict>(w));
    case 0x21: return static_cast<F&&>(f)(decode_event_as<EvtFCfgConflict>(w));
    case 0x24: return static_cast<F&&>(f)(decode_event_as<EvtEPageRequest>(w));
    case 0x25: return static_cast<F&&>(f)(decode_event_as<EvtFVmsFetch>(w));
    default: break;
  }
  if (is_impdef_event(type)) return static_cast<F&&>(f)(decode_event_as<EvtImpdef>(w));
  return static_cast<F&&>(f)(decode_event_as<EvtUnknown>(w));
}

/// The RES0 bits of an event record that are set, judged by the layout its event number
/// selects; all zero when clean. Reserved and IMPLEMENTATION DEFINED event numbers have no
/// architected layout, so nothing is reported for them (check is_known_event first).
/// Dispatching through visit_event keeps one map from event number to layout; the decoded
/// record itself is unused.
constexpr Words<4> event_res0_bits(const Words<4>& w) noexcept {
  return visit_event(w, [&w]<class E>(const E&) noexcept {
    if constexpr (EventRecord<E>)
      return bits_in(w, event::detail::kRes0<E>);
    else
      return Words<4>{};
  });
}

}  // namespace smmuv3
