// Tests for include/vsmmu/guest_event.hpp: the pure translation of a physical event record of
// a guest's stream into the record the guest's stage-1-only SMMU would have written (§7.3), for
// every event number, and the C_BAD_STE follow-up (ste_fault_event). The rule checked
// throughout: a forwarded record names the vSID, holds only bits its own layout defines (§7.3:
// "Portions of event records that are not explicitly defined ... are RES0"), and carries no
// host fact (host physical FetchAddr, IMPLEMENTATION DEFINED Reason/IMPL_DEF, stage 2 IPA).
#include "vsmmu/guest_event.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "smmuv3/event.hpp"
#include "support/splitmix64.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/stream_table.hpp"

namespace {

using smmuv3::EventClass;
using smmuv3::EventType;
using smmuv3::Words;
using vsmmu::GuestEventVerdict;
namespace ev = smmuv3::event;

constexpr vsmmu::HostIdrs kHost{0x0d40101b, 0x02730010, 0x00001404, 0x00000074, 0x1};
// The same host with SMMU_IDR0.STALL_MODEL == 0b00 (stall and terminate).
constexpr vsmmu::HostIdrs kStallHost{0x0c40101b, 0x02730010, 0x00001404, 0x00000074, 0x1};
// OAS 40; terminate-only (SMMU_IDR0.STALL_MODEL == 0b01).
constexpr vsmmu::Policy kPolicy = vsmmu::make_policy(kHost, vsmmu::GuestConfig{}).policy;
// OAS 40; shown the host's stall model: it may CMD_RESUME its stalls.
constexpr vsmmu::Policy kStallPolicy = vsmmu::make_policy(kStallHost, vsmmu::GuestConfig{.stall = true}).policy;
static_assert(kPolicy.idr.idr0.stall_model == smmuv3::reg::StallModel::terminate_only);
static_assert(kStallPolicy.idr.idr0.stall_model == smmuv3::reg::StallModel::stall_and_terminate);
constexpr std::uint32_t kVsid = 0x42, kPsid = 0x1042;
constexpr unsigned kOas = 40;

template <class F>
constexpr std::uint64_t field_mask(unsigned word) {
  return F::word == word ? F::mask : 0;
}
template <class... F>
constexpr Words<4> mask_of() {
  Words<4> m{};
  for (unsigned i = 0; i < 4; ++i) m[i] = (field_mask<F>(i) | ... | 0);
  return m;
}
constexpr Words<4> and_not(const Words<4>& a, const Words<4>& b) {
  Words<4> r{};
  for (unsigned i = 0; i < 4; ++i) r[i] = a[i] & ~b[i];
  return r;
}
constexpr Words<4> and_(const Words<4>& a, const Words<4>& b) {
  Words<4> r{};
  for (unsigned i = 0; i < 4; ++i) r[i] = a[i] & b[i];
  return r;
}
template <class F>
constexpr Words<4> with(Words<4> w, std::uint64_t v) {
  w[F::word] = (w[F::word] & ~F::mask) | ((v << F::shift) & F::mask);
  return w;
}
template <class F>
constexpr std::uint64_t get(const Words<4>& w) {
  return F::get(w);
}

/// The layout every event number defines (§7.3), or nothing for Reserved/IMPDEF numbers.
Words<4> defined_for(std::uint8_t type) {
  switch (static_cast<EventType>(type)) {
    case EventType::f_uut: return smmuv3::kEvtFUutDefined;
    case EventType::c_bad_streamid: return smmuv3::kEvtCBadStreamidDefined;
    case EventType::f_ste_fetch: return smmuv3::kEvtFSteFetchDefined;
    case EventType::c_bad_ste: return smmuv3::kEvtCBadSteDefined;
    case EventType::f_bad_ats_treq: return smmuv3::kEvtFBadAtsTreqDefined;
    case EventType::f_stream_disabled: return smmuv3::kEvtFStreamDisabledDefined;
    case EventType::f_transl_forbidden: return smmuv3::kEvtFTranslForbiddenDefined;
    case EventType::c_bad_substreamid: return smmuv3::kEvtCBadSubstreamidDefined;
    case EventType::f_cd_fetch: return smmuv3::kEvtFCdFetchDefined;
    case EventType::c_bad_cd: return smmuv3::kEvtCBadCdDefined;
    case EventType::f_walk_eabt: return smmuv3::kEvtFWalkEabtDefined;
    case EventType::f_translation: return smmuv3::kEvtFTranslationDefined;
    case EventType::f_addr_size: return smmuv3::kEvtFAddrSizeDefined;
    case EventType::f_access: return smmuv3::kEvtFAccessDefined;
    case EventType::f_permission: return smmuv3::kEvtFPermissionDefined;
    case EventType::f_tlb_conflict: return smmuv3::kEvtFTlbConflictDefined;
    case EventType::f_cfg_conflict: return smmuv3::kEvtFCfgConflictDefined;
    case EventType::e_page_request: return smmuv3::kEvtEPageRequestDefined;
    case EventType::f_vms_fetch: return smmuv3::kEvtFVmsFetchDefined;
    default: return Words<4>{};
  }
}

/// A dense bit pattern in every word, with the event number and the pSID in place.
Words<4> pattern(std::uint8_t type, std::uint64_t salt = 0) {
  Words<4> w{{0xA5C3'96E1'7B2D'4F08 ^ salt, 0xD2B4'6E19'C7F3'0A5D ^ salt, 0xFEDC'BA98'7654'3210 ^ salt,
              0x0F1E'2D3C'4B5A'6978 ^ salt}};
  w = with<ev::Type>(w, type);
  return with<ev::StreamId>(w, kPsid);
}

/// The record expected from forwarding `in` keeping `kept` (bits of the layout the guest
/// sees, less the host's fields), with the vSID.
Words<4> kept_bits(const Words<4>& in, const Words<4>& kept) { return with<ev::StreamId>(and_(in, kept), kVsid); }

// ----- The table: every event number ----------------------------------------------------------

struct Row {
  std::string name;
  Words<4> in;
  GuestEventVerdict verdict;
  Words<4> out;  // forward only
  bool stalled;
  bool stall_guest = false;  // judged under kStallPolicy instead of kPolicy
};

std::vector<Row> rows() {
  std::vector<Row> r;
  const auto fwd = [&r](const std::string& name, const Words<4>& in, const Words<4>& kept, bool stalled = false) {
    r.push_back({name, in, GuestEventVerdict::forward, kept_bits(in, kept), stalled});
  };
  const auto host = [&r](const std::string& name, const Words<4>& in, bool stalled = false) {
    r.push_back({name, in, GuestEventVerdict::host_only, {}, stalled});
  };
  using namespace smmuv3;

  // F_UUT: the IMPLEMENTATION DEFINED Reason is the host's.
  fwd("F_UUT", pattern(0x01), and_not(kEvtFUutDefined, mask_of<ev::Reason>()));
  host("C_BAD_STREAMID (a pSID the host's table lacks)", pattern(0x02));
  host("F_STE_FETCH (the host's Stream table)", pattern(0x03));
  r.push_back({"C_BAD_STE", pattern(0x04), GuestEventVerdict::check_ste, {}, false});
  fwd("F_BAD_ATS_TREQ", pattern(0x05), kEvtFBadAtsTreqDefined);
  fwd("F_STREAM_DISABLED", pattern(0x06), kEvtFStreamDisabledDefined);
  // §7.3.8: the InputAddr of a forbidden translated (ATS) transaction can be a host address.
  fwd("F_TRANSL_FORBIDDEN", pattern(0x07), and_not(kEvtFTranslForbiddenDefined, mask_of<ev::InputAddr>()));
  fwd("C_BAD_SUBSTREAMID", pattern(0x08), kEvtCBadSubstreamidDefined);
  fwd("F_CD_FETCH (hardware: host FetchAddr)", pattern(0x09),
      and_not(kEvtFCdFetchDefined, mask_of<ev::FetchAddr, ev::Reason, ev::Gpcf>()));
  fwd("C_BAD_CD", pattern(0x0A), kEvtCBadCdDefined);
  fwd("F_WALK_EABT (hardware: host FetchAddr)", with<ev::S2>(pattern(0x0B), 0),
      and_not(kEvtFWalkEabtDefined, mask_of<ev::FetchAddr, ev::Reason, ev::Gpcf, ev::Nsipa, ev::S2>()));
  host("F_WALK_EABT on a stage 2 descriptor (the host's tables)", with<ev::S2>(pattern(0x0B), 1));
  // Stage 1 translation faults: IPA/NSIPA only mean something with S2 == 1, IMPL_DEF is the
  // host's. The pattern has Stall == 1: a stalled transaction. A guest shown STALL_MODEL
  // terminate-only (§6.3.1) cannot resume it: its record has no Stall/STAG, and the host
  // terminates the transaction (stalled == true); a guest shown stalls gets them.
  for (const std::uint8_t t : {0x10, 0x11, 0x12, 0x13}) {
    const Words<4> defined = defined_for(t);
    const Words<4> kept = and_not(defined, mask_of<ev::Ipa, ev::Nsipa, ev::TranslationImplDef>());
    const Words<4> kept_terminate = and_not(kept, mask_of<ev::Stall, ev::Stag>());
    const Words<4> in = with<ev::Stall>(with<ev::S2>(pattern(t), 0), 1);
    const std::string n = std::string(event_name(t)) + " stage 1";
    fwd(n + ", stalled, terminate-only guest", in, kept_terminate, true);
    fwd(n + ", terminate-only guest", with<ev::Stall>(in, 0), kept_terminate, false);
    r.push_back({n + ", stalled, stalling guest", in, GuestEventVerdict::forward, kept_bits(in, kept), true, true});
    r.push_back({n + ", stalling guest", with<ev::Stall>(in, 0), GuestEventVerdict::forward,
                 kept_bits(with<ev::Stall>(in, 0), kept), false, true});
  }
  // The conflicts: the guest learns of them, not the host's Reason or stage 2 details.
  fwd("F_TLB_CONFLICT", pattern(0x20),
      and_not(kEvtFTlbConflictDefined, mask_of<ev::TlbConflictReason, ev::S2, ev::Nsipa, ev::Ipa>()));
  fwd("F_CFG_CONFLICT", pattern(0x21), and_not(kEvtFCfgConflictDefined, mask_of<ev::CfgConflictReason>()));
  host("E_PAGE_REQUEST (PRI is not offered)", pattern(0x24));
  host("F_VMS_FETCH (the host's VMS)", pattern(0x25));
  for (unsigned t = 0xE0; t <= 0xEF; ++t) host("IMPDEF_EVENT " + std::to_string(t), pattern(static_cast<std::uint8_t>(t)));
  for (const unsigned t : {0x00u, 0x0Cu, 0x0Fu, 0x14u, 0x1Fu, 0x22u, 0x23u, 0x26u, 0x7Fu, 0xDFu, 0xF0u, 0xFFu})
    host("Reserved " + std::to_string(t), pattern(static_cast<std::uint8_t>(t)));

  // Stage 2 faults of the four translation-fault events.
  for (const std::uint8_t t : {0x10, 0x11, 0x12, 0x13}) {
    const std::string n = event_name(t);
    Words<4> s2 = with<ev::S2>(pattern(t), 1);
    s2 = with<ev::Stall>(s2, 0);
    // Above the guest's OAS: its own stage 1 output is out of range, F_ADDR_SIZE stage 1.
    {
      const Words<4> in = with<ev::Ipa::Field>(s2, (std::uint64_t{1} << kOas) >> 12);
      Words<4> out = kept_bits(in, and_not(kEvtFAddrSizeDefined, mask_of<ev::S2, ev::Nsipa, ev::Ipa, ev::TranslationImplDef,
                                                                          ev::Stall, ev::Stag>()));
      out = with<ev::Type>(out, 0x11);
      r.push_back({n + " S2 above OAS", in, GuestEventVerdict::forward, out, false});
    }
    const std::uint64_t ipa = 0x12'3456'7000;  // below 2^40
    // CLASS CD: F_CD_FETCH at the IPA.
    {
      const Words<4> in = with<ev::Ipa::Field>(with<ev::Class>(s2, 0), ipa >> 12);
      EvtFCdFetch e{};
      e.ssv = get<ev::Ssv>(in) != 0;
      e.substream_id = static_cast<std::uint32_t>(get<ev::SubstreamId>(in));
      e.stream_id = kVsid;
      e.fetch_addr = ipa;
      r.push_back({n + " S2 on a CD fetch", in, GuestEventVerdict::forward, encode(e).words, false});
      r.push_back({n + " S2 on a CD fetch, stalled", with<ev::Stall>(in, 1), GuestEventVerdict::forward, encode(e).words,
                   true});
    }
    // CLASS TT: F_WALK_EABT at the IPA.
    {
      const Words<4> in = with<ev::Ipa::Field>(with<ev::Class>(s2, 1), ipa >> 12);
      EvtFWalkEabt e{};
      e.ssv = get<ev::Ssv>(in) != 0;
      e.substream_id = static_cast<std::uint32_t>(get<ev::SubstreamId>(in));
      e.stream_id = kVsid;
      e.pnu = get<ev::PnU>(in) != 0;
      e.ind = get<ev::InD>(in) != 0;
      e.rnw = get<ev::RnW>(in) != 0;
      e.class_ = EventClass::ttd;
      e.input_addr = get<ev::InputAddr>(in);
      e.fetch_addr = ipa;
      r.push_back({n + " S2 on a table walk", in, GuestEventVerdict::forward, encode(e).words, false});
    }
    // CLASS IN (and the Reserved 0b11): a client access, no guest event.
    host(n + " S2 on a client access", with<ev::Ipa::Field>(with<ev::Class>(s2, 2), ipa >> 12));
    host(n + " S2 on a client access, stalled", with<ev::Stall>(with<ev::Ipa::Field>(with<ev::Class>(s2, 2), ipa >> 12), 1),
         true);
    host(n + " S2, CLASS Reserved", with<ev::Ipa::Field>(with<ev::Class>(s2, 3), ipa >> 12));
  }
  return r;
}

TEST(GuestEvent, EveryEventNumberTranslatesAsTheTableSays) {
  const auto table = rows();
  ASSERT_GT(table.size(), 60u);
  for (const Row& row : table) {
    SCOPED_TRACE(row.name);
    const vsmmu::GuestEvent g = vsmmu::guest_event(row.stall_guest ? kStallPolicy : kPolicy, row.in, kVsid);
    EXPECT_EQ(g.verdict, row.verdict);
    EXPECT_EQ(g.stalled, row.stalled);
    EXPECT_NE(g.reason, nullptr);
    if (row.verdict == GuestEventVerdict::forward) {
      EXPECT_EQ(g.record, row.out) << std::hex << "got " << g.record[0] << ' ' << g.record[1] << ' ' << g.record[2]
                                   << ' ' << g.record[3] << " want " << row.out[0] << ' ' << row.out[1] << ' '
                                   << row.out[2] << ' ' << row.out[3];
    } else {
      EXPECT_EQ(g.record, Words<4>{});
    }
  }
}

// F_PERMISSION (§7.3.16) defines TTRnW (bit 108, Linux EVTQ_1_TT_READ): for CLASS == TT, the
// read/write nature of the descriptor access that faulted (an HTTU update is a write). The
// guest's own SMMU would report it; forwarding through the F_TRANSLATION layout drops it, so a
// read of a descriptor reaches the guest as a write.
TEST(GuestEvent, StageOnePermissionFaultKeepsTtRnW) {
  smmuv3::EvtFPermission p{};
  p.stream_id = kPsid;
  p.class_ = EventClass::ttd;
  p.tt_rnw = true;
  p.input_addr = 0x8000;
  const vsmmu::GuestEvent g = vsmmu::guest_event(kPolicy, smmuv3::encode(p).words, kVsid);
  ASSERT_EQ(g.verdict, GuestEventVerdict::forward);
  EXPECT_TRUE(smmuv3::decode_event_as<smmuv3::EvtFPermission>(g.record).tt_rnw);
}

// The guest's SMMU has no stage 2 (SMMU_IDR0.S2P == 0): no record it writes says S2 == 1 or
// carries an IPA, and IMPLEMENTATION DEFINED fields describe the host's hardware (F_UUT's
// Reason and the translation faults' IMPL_DEF are cleared for that reason): F_TLB_CONFLICT
// (§7.3.17) and F_CFG_CONFLICT (§7.3.18) reach the guest without S2/NSIPA/IPA and Reason.
TEST(GuestEvent, ConflictEventsCarryNoStage2OrHostReason) {
  smmuv3::EvtFTlbConflict tlb{};
  tlb.stream_id = kPsid;
  tlb.reason = 0xDEAD'BEEF;
  tlb.s2 = true;
  tlb.nsipa = true;
  tlb.ipa = 0x1234'5000;
  tlb.input_addr = 0x8000;
  const vsmmu::GuestEvent g = vsmmu::guest_event(kPolicy, smmuv3::encode(tlb).words, kVsid);
  ASSERT_EQ(g.verdict, GuestEventVerdict::forward);
  smmuv3::EvtFTlbConflict want{};
  want.stream_id = kVsid;
  want.input_addr = 0x8000;
  EXPECT_EQ(g.record, smmuv3::encode(want).words);
  smmuv3::EvtFCfgConflict cfg{};
  cfg.stream_id = kPsid;
  cfg.reason = 0xDEAD'BEEF;
  const vsmmu::GuestEvent c = vsmmu::guest_event(kPolicy, smmuv3::encode(cfg).words, kVsid);
  ASSERT_EQ(c.verdict, GuestEventVerdict::forward);
  EXPECT_EQ(c.record, smmuv3::encode(smmuv3::EvtFCfgConflict{false, 0, kVsid, 0}).words);
}

// ----- ste_fault_event (§7.3.3-§7.3.5) --------------------------------------------------------

TEST(GuestEvent, SteFaultEventFollowsTheGuestTable) {
  vsmmu::SteFetch f{};
  f.verdict = vsmmu::SteFetchVerdict::bad_streamid;
  EXPECT_EQ(vsmmu::ste_fault_event(f, kVsid, true, 5, false).verdict, GuestEventVerdict::host_only);
  vsmmu::GuestEvent g = vsmmu::ste_fault_event(f, kVsid, true, 5, true);
  EXPECT_EQ(g.verdict, GuestEventVerdict::forward);
  EXPECT_EQ(g.record, smmuv3::encode(smmuv3::EvtCBadStreamid{true, 5, kVsid}).words);

  f.verdict = vsmmu::SteFetchVerdict::ste_fetch;
  f.fetch_addr = 0x4000'1234;  // FetchAddr[55:3]: bits [2:0] are not recorded
  for (const bool recinvsid : {false, true}) {
    g = vsmmu::ste_fault_event(f, kVsid, false, 0, recinvsid);
    EXPECT_EQ(g.verdict, GuestEventVerdict::forward);
    EXPECT_EQ(g.record, smmuv3::encode(smmuv3::EvtFSteFetch{false, 0, kVsid, 0, false, 0x4000'1230}).words);
  }

  f.verdict = vsmmu::SteFetchVerdict::found;
  g = vsmmu::ste_fault_event(f, kVsid, true, 7, false);
  EXPECT_EQ(g.verdict, GuestEventVerdict::forward);
  EXPECT_EQ(g.record, smmuv3::encode(smmuv3::EvtCBadSte{true, 7, kVsid}).words);
  EXPECT_FALSE(g.stalled);
}

// ----- Property: nothing but the guest's layout ever leaves -----------------------------------

// 100k random physical records (random words, event numbers biased to the architected ones,
// S2/CLASS/IPA exercised, guests with and without stalls): every forwarded record names the
// vSID, holds only bits its event number's layout defines, is of a number the guest's SMMU
// records, and never carries a stage 2 IPA, an IMPL_DEF value, a host FetchAddr (only the IPA
// of a converted stage 2 fault), or a stall a terminate-only guest could not resume.
TEST(GuestEvent, ForwardedRecordsHoldOnlyTheGuestLayout) {
  constexpr std::uint8_t kKnown[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
                                     0x0B, 0x10, 0x11, 0x12, 0x13, 0x20, 0x21, 0x24, 0x25, 0xE5};
  vsmmu_test::SplitMix64 rng{0x6E5E'17A3'0000'0006};
  std::size_t forwarded = 0, converted = 0, host = 0;
  for (int i = 0; i < 100'000; ++i) {
    Words<4> in{{rng.next(), rng.next(), rng.next(), rng.next()}};
    const std::uint8_t type = rng.below(4) == 0 ? static_cast<std::uint8_t>(rng.next()) : kKnown[rng.below(sizeof kKnown)];
    in = with<ev::Type>(in, type);
    in = with<ev::StreamId>(in, kPsid);
    const bool translation = type >= 0x10 && type <= 0x13;
    if (translation && rng.below(2) == 0) {
      // A stage 2 fault at an IPA inside or just outside the guest's OAS.
      in = with<ev::S2>(in, 1);
      in = with<ev::Ipa::Field>(in, (rng.next() & ((std::uint64_t{1} << (kOas + 1)) - 1)) >> 12);
    }
    const bool stall_guest = rng.below(2) != 0;
    const vsmmu::GuestEvent g = vsmmu::guest_event(stall_guest ? kStallPolicy : kPolicy, in, kVsid);
    ASSERT_NE(g.reason, nullptr);
    if (g.stalled) {
      ASSERT_TRUE(translation && get<ev::Stall>(in) != 0) << i;
    }
    if (type == 0x04) {
      ASSERT_EQ(g.verdict, GuestEventVerdict::check_ste);
      continue;
    }
    if (g.verdict != GuestEventVerdict::forward) {
      ++host;
      ASSERT_EQ(g.record, Words<4>{});
      continue;
    }
    ++forwarded;
    const Words<4>& out = g.record;
    const auto out_type = static_cast<std::uint8_t>(get<ev::Type>(out));
    ASSERT_EQ(get<ev::StreamId>(out), kVsid) << i;
    ASSERT_TRUE(smmuv3::is_known_event(out_type) && !smmuv3::is_impdef_event(out_type)) << i;
    ASSERT_TRUE(out_type != 0x02 && out_type != 0x03 && out_type != 0x04 && out_type != 0x24 && out_type != 0x25) << i;
    ASSERT_EQ(and_not(out, defined_for(out_type)), Words<4>{}) << "RES0 bits of " << smmuv3::event_name(out_type)
                                                                << " set, input " << i;
    if (out_type >= 0x10 && out_type <= 0x13) {
      ASSERT_EQ(get<ev::S2>(out), 0u) << i;
      ASSERT_EQ(get<ev::Nsipa>(out), 0u) << i;
      ASSERT_EQ(get<ev::Ipa>(out), 0u) << i;
      ASSERT_EQ(get<ev::TranslationImplDef>(out), 0u) << i;
      if (!stall_guest) {
        ASSERT_EQ(get<ev::Stall>(out), 0u) << i;
        ASSERT_EQ(get<ev::Stag>(out), 0u) << i;
      }
    }
    if (out_type == 0x01) {
      ASSERT_EQ(get<ev::Reason>(out), 0u) << i;
    }
    if (out_type == 0x09 || out_type == 0x0B) {
      ASSERT_EQ(get<ev::Reason>(out), 0u) << i;
      ASSERT_EQ(get<ev::Gpcf>(out), 0u) << i;
      if (out_type != type) {
        ++converted;
        ASSERT_EQ(get<ev::FetchAddr>(out), get<ev::Ipa>(in)) << i;
        ASSERT_LT(get<ev::FetchAddr>(out), std::uint64_t{1} << kOas) << i;
      } else {
        ASSERT_EQ(get<ev::FetchAddr>(out), 0u) << i;
      }
    }
    if (out_type != type) {
      ASSERT_TRUE(translation && get<ev::S2>(in) != 0) << i;
    }
  }
  EXPECT_GT(forwarded, 40'000u);
  EXPECT_GT(converted, 1'000u);
  EXPECT_GT(host, 10'000u);
}

// The same property for ste_fault_event over random fetch outcomes.
TEST(GuestEvent, SteFaultEventsHoldOnlyTheGuestLayout) {
  vsmmu_test::SplitMix64 rng{0x5EE'F00D};
  for (int i = 0; i < 20'000; ++i) {
    vsmmu::SteFetch f{};
    f.verdict = static_cast<vsmmu::SteFetchVerdict>(rng.below(3));
    f.fetch_addr = rng.next();
    const std::uint32_t vsid = static_cast<std::uint32_t>(rng.next());
    const vsmmu::GuestEvent g =
        vsmmu::ste_fault_event(f, vsid, rng.below(2) != 0, static_cast<std::uint32_t>(rng.next()), rng.below(2) != 0);
    if (g.verdict != GuestEventVerdict::forward) continue;
    const auto out_type = static_cast<std::uint8_t>(get<ev::Type>(g.record));
    ASSERT_TRUE(out_type == 0x02 || out_type == 0x03 || out_type == 0x04) << i;
    ASSERT_EQ(get<ev::StreamId>(g.record), vsid);
    ASSERT_EQ(and_not(g.record, defined_for(out_type)), Words<4>{}) << i;
  }
}

// ----- In a constant expression ---------------------------------------------------------------

constexpr Words<4> kStage2CdFault = [] {
  smmuv3::EvtFTranslation e{};
  e.stream_id = kPsid;
  e.ssv = true;
  e.substream_id = 3;
  e.s2 = true;
  e.class_ = EventClass::cd;
  e.ipa = 0x5000;
  e.impl_def = 0x77;
  return smmuv3::encode(e).words;
}();
constexpr vsmmu::GuestEvent kCdFetch = vsmmu::guest_event(kPolicy, kStage2CdFault, kVsid);
static_assert(kCdFetch.verdict == GuestEventVerdict::forward);
static_assert(kCdFetch.record == smmuv3::encode(smmuv3::EvtFCdFetch{true, 3, kVsid, 0, false, 0x5000}).words);

TEST(GuestEvent, TranslationWorksInAConstantExpression) {
  EXPECT_EQ(kCdFetch.record[0] & 0xFF, 0x09u);
  EXPECT_FALSE(kCdFetch.stalled);
}

}  // namespace
