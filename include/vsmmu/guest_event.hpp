// SPDX-License-Identifier: MIT
// vsmmu/guest_event.hpp: a physical SMMU event record, raised on a stream assigned to a guest,
// rewritten as the event the guest's (stage-1-only) SMMU would have recorded (IHI 0070 G.b §7.3),
// or kept from the guest when the guest's SMMU would not have recorded one.
//
// The physical event names the physical StreamID and may carry host facts: host physical
// fetch addresses, stage 2 faults the guest cannot see or fix, IMPLEMENTATION DEFINED bits.
// The guest's record names the virtual StreamID, keeps only the bits its layout defines, and
// never a host physical address:
//   - stage 1 events (F_TRANSLATION/F_ADDR_SIZE/F_ACCESS/F_PERMISSION with S2 == 0, C_BAD_CD,
//     C_BAD_SUBSTREAMID, F_STREAM_DISABLED, F_TRANSL_FORBIDDEN, F_UUT, F_BAD_ATS_TREQ, the
//     conflicts) go to the guest with the vSID;
//   - a stage 2 fault is the guest touching an IPA its stage 2 does not map. To the guest that
//     IPA is a physical address: above its OAS the stage 1 output is out of range (F_ADDR_SIZE,
//     stage 1, §3.4); below it, a CD fetch or a table walk to a hole in its memory map is an
//     external abort on that fetch (F_CD_FETCH / F_WALK_EABT, FetchAddr = that IPA), and a
//     client access to it is aborted without an event (§16.7.4: client transactions aborted
//     downstream are not recorded) -- the host keeps it;
//   - F_CD_FETCH / F_WALK_EABT of the hardware carry a host physical FetchAddr: forwarded with
//     FetchAddr, Reason and GPCF cleared (the guest learns the fetch aborted, not where);
//   - C_BAD_STE: the device blocked the stream with an all-zero STE because the guest's STE,
//     L1STD or table was bad; the device looks again at the guest's table to report which
//     (`ste_fault_event`);
//   - F_STE_FETCH, F_VMS_FETCH, C_BAD_STREAMID, E_PAGE_REQUEST (PRI is not offered),
//     IMPDEF and unknown events concern host structures: the host keeps them.
#pragma once

#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/event.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_ste.hpp"
#include "vsmmu/stream_table.hpp"

namespace vsmmu {

enum class GuestEventVerdict : std::uint8_t {
  forward,    ///< write `record` to the guest's Event queue
  check_ste,  ///< C_BAD_STE: ask the guest's Stream table why, then `ste_fault_event`
  host_only,  ///< not the guest's to see; the host handles it (a stall must be resumed by it)
};

struct GuestEvent {
  GuestEventVerdict verdict = GuestEventVerdict::host_only;
  smmuv3::Words<smmuv3::kEventWords> record{};
  /// The physical event stalled a transaction (Stall == 1). When it is not forwarded as a
  /// stalling event, the host must terminate it (CMD_RESUME Abort / CMD_STALL_TERM).
  bool stalled = false;
  /// Static string: what was done and why.
  const char* reason = nullptr;
};

namespace detail {

/// `w` restricted to the bits the guest-visible layout defines, with the vSID in StreamID.
constexpr smmuv3::Words<4> keep_defined(smmuv3::Words<4> w, const smmuv3::Words<4>& defined,
                                        std::uint32_t vsid) noexcept {
  for (std::size_t i = 0; i < 4; ++i) w[i] &= defined[i];
  w[smmuv3::event::StreamId::word] =
      (w[smmuv3::event::StreamId::word] & ~smmuv3::event::StreamId::mask) |
      (static_cast<std::uint64_t>(vsid) << smmuv3::event::StreamId::shift);
  return w;
}

template <class F>
constexpr void clear_field(smmuv3::Words<4>& w) noexcept {
  w[F::word] &= ~F::mask;
}

template <class F>
constexpr void put_field(smmuv3::Words<4>& w, std::uint64_t v) noexcept {
  w[F::word] = (w[F::word] & ~F::mask) | ((v & F::max) << F::shift);
}

constexpr GuestEvent forward(const smmuv3::Words<4>& w, bool stalled, const char* why) noexcept {
  return GuestEvent{GuestEventVerdict::forward, w, stalled, why};
}

constexpr GuestEvent host_only(bool stalled, const char* why) noexcept {
  return GuestEvent{GuestEventVerdict::host_only, smmuv3::Words<4>{}, stalled, why};
}

/// The stage 2 fault of a translation-fault event, as the guest sees it (see the file comment).
constexpr GuestEvent stage2_fault_for_guest(const Policy& policy, const smmuv3::Words<4>& p, std::uint32_t vsid,
                                            bool stalled) noexcept {
  using namespace smmuv3;
  const std::uint64_t ipa = event::Ipa::get(p);
  const auto cls = static_cast<EventClass>(event::Class::get(p));
  if ((ipa & address_bits_from(guest_oas_bits(policy))) != 0) {
    // The guest's stage 1 produced an output address beyond its OAS: a stage 1 Address Size
    // fault (§3.4.1), with the same class, input address and access; no IPA (S2 == 0).
    Words<4> w = keep_defined(p, kEvtFAddrSizeDefined, vsid);
    put_field<event::Type>(w, static_cast<std::uint8_t>(EventType::f_addr_size));
    clear_field<event::S2>(w);
    clear_field<event::Nsipa>(w);
    clear_field<event::Ipa>(w);
    clear_field<event::TranslationImplDef>(w);
    return forward(w, stalled, "stage 2 fault above the guest OAS: stage 1 F_ADDR_SIZE");
  }
  if (cls == EventClass::cd || cls == EventClass::ttd) {
    // A fetch of the guest's own structure from an IPA that is not its memory: an external
    // abort on that fetch (F_CD_FETCH §7.3.10 / F_WALK_EABT §7.3.12), at that address. The
    // transaction itself is terminated, never stalled, for a fetch abort.
    Words<4> w{};
    put_field<event::Type>(w, static_cast<std::uint8_t>(cls == EventClass::cd ? EventType::f_cd_fetch
                                                                                 : EventType::f_walk_eabt));
    put_field<event::Ssv>(w, event::Ssv::get(p));
    put_field<event::SubstreamId>(w, event::SubstreamId::get(p));
    put_field<event::StreamId>(w, vsid);
    if (cls == EventClass::ttd) {
      put_field<event::PnU>(w, event::PnU::get(p));
      put_field<event::InD>(w, event::InD::get(p));
      put_field<event::RnW>(w, event::RnW::get(p));
      put_field<event::Class>(w, static_cast<std::uint8_t>(EventClass::ttd));
      put_field<event::InputAddr>(w, event::InputAddr::get(p));
    }
    put_field<event::FetchAddr::Field>(w, ipa >> event::FetchAddr::addr_lo);
    return forward(w, stalled,
                   cls == EventClass::cd ? "stage 2 fault on a CD fetch: F_CD_FETCH at the IPA"
                                         : "stage 2 fault on a table walk: F_WALK_EABT at the IPA");
  }
  return host_only(stalled, "stage 2 fault on a client access: aborted without a guest event (§16.7.4)");
}

/// The defined bits of the four translation-fault layouts.
constexpr const smmuv3::Words<4>& translation_fault_defined(smmuv3::EventType t) noexcept {
  using namespace smmuv3;
  switch (t) {
    case EventType::f_addr_size: return kEvtFAddrSizeDefined;
    case EventType::f_access: return kEvtFAccessDefined;
    case EventType::f_permission: return kEvtFPermissionDefined;
    default: return kEvtFTranslationDefined;
  }
}

/// §6.3.1 STALL_MODEL 0b01: a guest shown terminate-only has no CMD_RESUME / CMD_STALL_TERM,
/// so a record it gets must not claim a stall it could resume; the host terminates the
/// transaction (GuestEvent::stalled stays set).
constexpr GuestEvent without_stall_for_terminate_only(const Policy& policy, GuestEvent g) noexcept {
  if (g.verdict == GuestEventVerdict::forward && policy.idr.idr0.stall_model == smmuv3::reg::StallModel::terminate_only) {
    clear_field<smmuv3::event::Stall>(g.record);
    clear_field<smmuv3::event::Stag>(g.record);
  }
  return g;
}

}  // namespace detail

/// The guest's view of physical event `p` raised on a stream the guest has as `vsid`.
constexpr GuestEvent guest_event(const Policy& policy, const smmuv3::Words<smmuv3::kEventWords>& p,
                                 std::uint32_t vsid) noexcept {
  using namespace smmuv3;
  using detail::clear_field;
  using detail::forward;
  using detail::keep_defined;
  const auto type = static_cast<EventType>(event::Type::get(p));
  const bool stalled = event_has_stall(type) && event::Stall::get(p) != 0;
  switch (type) {
    case EventType::f_translation:
    case EventType::f_addr_size:
    case EventType::f_access:
    case EventType::f_permission: {
      if (event::S2::get(p) != 0)
        return detail::without_stall_for_terminate_only(policy,
                                                        detail::stage2_fault_for_guest(policy, p, vsid, stalled));
      // Stage 1: the guest's own tables. IPA and NSIPA are only valid for S2 == 1 (§7.3.13);
      // IMPL_DEF describes the host's hardware.
      Words<4> w = keep_defined(p, detail::translation_fault_defined(type), vsid);
      clear_field<event::Ipa>(w);
      clear_field<event::Nsipa>(w);
      clear_field<event::TranslationImplDef>(w);
      return detail::without_stall_for_terminate_only(policy, forward(w, stalled, "stage 1 fault: forwarded"));
    }
    case EventType::f_uut: {
      Words<4> w = keep_defined(p, kEvtFUutDefined, vsid);
      clear_field<event::Reason>(w);
      return forward(w, false, "F_UUT: forwarded, host Reason cleared");
    }
    case EventType::f_bad_ats_treq: return forward(keep_defined(p, kEvtFBadAtsTreqDefined, vsid), false, "forwarded");
    case EventType::f_stream_disabled:
      return forward(keep_defined(p, kEvtFStreamDisabledDefined, vsid), false, "forwarded");
    case EventType::f_transl_forbidden: {
      // §7.3.8: raised for translated (ATS) or otherwise forbidden traffic, whose InputAddr can
      // be a host physical address.
      Words<4> w = keep_defined(p, kEvtFTranslForbiddenDefined, vsid);
      clear_field<event::InputAddr>(w);
      return forward(w, false, "F_TRANSL_FORBIDDEN: forwarded without InputAddr");
    }
    case EventType::c_bad_substreamid:
      return forward(keep_defined(p, kEvtCBadSubstreamidDefined, vsid), false, "forwarded");
    case EventType::c_bad_cd: return forward(keep_defined(p, kEvtCBadCdDefined, vsid), false, "forwarded");
    case EventType::f_tlb_conflict:
    case EventType::f_cfg_conflict: {
      // The conflict may involve the host's stage 2 entries: the guest learns that its stream
      // hit a conflict, not the host's IMPLEMENTATION DEFINED Reason, S2, NSIPA or IPA.
      Words<4> w = keep_defined(p, type == EventType::f_tlb_conflict ? kEvtFTlbConflictDefined : kEvtFCfgConflictDefined,
                                vsid);
      clear_field<event::TlbConflictReason>(w);
      clear_field<event::S2>(w);
      clear_field<event::Nsipa>(w);
      clear_field<event::Ipa>(w);
      return forward(w, false, "conflict: forwarded without host details");
    }
    case EventType::f_walk_eabt:
      // §7.3.12: S2 == 1 is an abort on a stage 2 descriptor fetch: the host's own tables.
      if (event::S2::get(p) != 0) return detail::host_only(false, "F_WALK_EABT on a stage 2 descriptor: the host's");
      [[fallthrough]];
    case EventType::f_cd_fetch: {
      // The hardware's FetchAddr is a host physical address; Reason and GPCF describe host
      // memory. The guest learns that the fetch aborted.
      Words<4> w = keep_defined(p, type == EventType::f_cd_fetch ? kEvtFCdFetchDefined : kEvtFWalkEabtDefined, vsid);
      clear_field<event::FetchAddr>(w);
      clear_field<event::Reason>(w);
      clear_field<event::Gpcf>(w);
      clear_field<event::Nsipa>(w);
      clear_field<event::S2>(w);
      return forward(w, false, "fetch abort: forwarded without the host physical FetchAddr");
    }
    case EventType::c_bad_ste:
      return GuestEvent{GuestEventVerdict::check_ste, Words<4>{}, false, "C_BAD_STE: ask the guest's Stream table"};
    default: return detail::host_only(stalled, "a host structure's event (or PRI, IMPDEF, unknown): kept by the host");
  }
}

/// The event the guest's SMMU records for a transaction on `vsid` whose physical STE the device
/// blocked, given what the guest's Stream table holds for it now (§7.3.3-§7.3.5). `ssv`,
/// `substream_id` are the physical C_BAD_STE's. `record_invalid_sid` is SMMU_CR2.RECINVSID:
/// without it an out-of-range StreamID is not recorded (§6.3.12), and `host_only` comes back.
constexpr GuestEvent ste_fault_event(const SteFetch& fetch, std::uint32_t vsid, bool ssv, std::uint32_t substream_id,
                                     bool record_invalid_sid) noexcept {
  using namespace smmuv3;
  switch (fetch.verdict) {
    case SteFetchVerdict::bad_streamid: {
      if (!record_invalid_sid) return detail::host_only(false, "C_BAD_STREAMID not recorded: SMMU_CR2.RECINVSID == 0");
      const Encoded<4> e = encode(EvtCBadStreamid{ssv, substream_id, vsid});
      return detail::forward(e.words, false, "C_BAD_STREAMID");
    }
    case SteFetchVerdict::ste_fetch: {
      EvtFSteFetch f{};
      f.ssv = ssv;
      f.substream_id = substream_id;
      f.stream_id = vsid;
      // FetchAddr[55:3]: the 8-byte aligned address; an address above bit 55 cannot be
      // expressed and is reported as its bits [55:3].
      f.fetch_addr = fetch.fetch_addr & 0x00FF'FFFF'FFFF'FFF8;
      return detail::forward(encode(f).words, false, "F_STE_FETCH");
    }
    case SteFetchVerdict::found: break;
  }
  return detail::forward(encode(EvtCBadSte{ssv, substream_id, vsid}).words, false, "C_BAD_STE");
}

}  // namespace vsmmu
