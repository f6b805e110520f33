// SPDX-License-Identifier: MIT
// vsmmu/sanitize_ste.hpp: a guest-written Stream Table Entry (IHI 0070 G.b §5.2) and Level 1
// Stream Table Descriptor (§5.1) turned into what the physical SMMU may see.
//
// The guest's SMMU is stage-1-only (SMMU_IDR0.S1P == 1, S2P == 0, Hyp == 0) with a Non-secure
// Stream table; the hypervisor owns stage 2. So every guest STE becomes one of:
//   - an ILLEGAL or invalid STE (C_BAD_STE, §5.2 "Use of an ILLEGAL STE behaves as described
//     for STE.V == 0"): the physical STE is all-zero (V == 0), so the physical SMMU itself
//     aborts the stream's traffic and records C_BAD_STE, as real hardware would for the guest;
//   - abort (Config 0b0xx): the physical STE is V == 1, Config == 0b000;
//   - bypass (Config 0b100): the guest's "physical" addresses are IPAs, so the physical STE is
//     the host's stage-2-only template;
//   - stage 1 translate (Config 0b101): the physical STE is nested (0b111), the guest's stage 1
//     fields merged into the host's stage 2 template.
//
// Every guest field is in exactly one class (docs/sanitizer.md has the table, with reasons):
//   guest-controlled:  validated, then copied into a nested STE (S1ContextPtr, S1Fmt, S1CDMax,
//                      S1DSS, S1CIR, S1COR, S1CSH, S1STALLD, EATS, PPAR, S1PIE, DRE, DCP);
//   must-be-zero:      RES0 in the guest's SMMU; non-zero is C_BAD_STE;
//   IGNORED:           the guest's value has no effect, and never reaches the hardware.
// Nothing the guest writes outside the first class can reach the physical STE.
#pragma once

#include <cstddef>
#include <cstdint>

#include "smmuv3/l1_descriptor.hpp"
#include "smmuv3/registers/idr.hpp"
#include "smmuv3/ste.hpp"
#include "vsmmu/policy.hpp"

namespace vsmmu {

/// What the guest's STE amounts to.
enum class SteVerdict : std::uint8_t {
  install,  ///< `physical` is a valid STE to install for the pSID (possibly an abort STE).
  invalid,  ///< guest STE.V == 0.
  bad_ste,  ///< C_BAD_STE (§7.3.5): the guest STE is ILLEGAL in the guest's SMMU.
};

struct SteResult {
  SteVerdict verdict = SteVerdict::bad_ste;
  /// Always what the host installs for the stream. For invalid and bad_ste, an all-zero STE
  /// (V == 0): "Device transactions that select an STE with this field configured to 0 are
  /// terminated with an abort ... and a C_BAD_STE event is recorded" (§5.2 V), which the device
  /// maps back to the vSID, so the guest sees exactly what its own V == 0 or ILLEGAL STE gives
  /// on real hardware (ILLEGAL behaves as V == 0, §5.2; ATS requests get CA, no event, in both).
  smmuv3::Words<smmuv3::kSteWords> physical{};
  /// nullptr for install; otherwise the rule and spec field, e.g. "STE.S1CDMax > SMMU_IDR1.SSIDSIZE".
  const char* reason = nullptr;

  constexpr bool ok() const noexcept { return verdict == SteVerdict::install; }
};

namespace detail {

using SteWords = smmuv3::Words<smmuv3::kSteWords>;

/// Reads a field (Bits or Addr) of an STE.
template <class F>
constexpr std::uint64_t ste_get(const SteWords& w) noexcept {
  return F::get(w);
}

/// Replaces a field of an STE; the value is masked to the field, so it cannot spill.
template <class F>
constexpr void ste_put(SteWords& w, std::uint64_t v) noexcept {
  if constexpr (requires { F::addr_lo; }) {
    using B = typename F::Field;
    w[B::word] = (w[B::word] & ~B::mask) | (((v & F::addr_mask) >> F::addr_lo) << B::shift);
  } else {
    w[F::word] = (w[F::word] & ~F::mask) | ((v & F::max) << F::shift);
  }
}

/// The address bits at and above bit `bits` (none for 64 or more).
constexpr std::uint64_t address_bits_from(unsigned bits) noexcept {
  return bits >= 64 ? 0 : ~std::uint64_t{0} << bits;
}

/// The guest's OAS in bits (SMMU_IDR5.OAS, §6.3.6): the guest's physical addresses, which are
/// the host's IPAs.
constexpr unsigned guest_oas_bits(const Policy& p) noexcept { return smmuv3::reg::oas_bits(p.idr.idr5.oas); }

/// SMMUv3.0 (SMMU_AIDR == 0, §6.3.8): some STE fields are RES0 there.
constexpr bool guest_is_smmuv3_0(const Policy& p) noexcept {
  return p.idr.aidr.arch_major_rev == 0 && p.idr.aidr.arch_minor_rev == smmuv3::reg::ArchMinorRev::smmuv3_0;
}

/// The abort STE: V == 1, Config == 0b000, every other field zero. §5.2.1: "If V == 1 and
/// Config == 0b000 ... the CONT field is permitted to be obeyed. The remaining fields ... are
/// IGNORED"; CONT == 0 so the physical SMMU cannot apply it to neighbouring pSIDs.
constexpr SteWords abort_ste() noexcept {
  SteWords w{};
  ste_put<smmuv3::ste::V>(w, 1);
  ste_put<smmuv3::ste::Config>(w, static_cast<std::uint8_t>(smmuv3::SteConfig::abort));
  return w;
}

constexpr SteResult ste_bad(const char* reason) noexcept { return SteResult{SteVerdict::bad_ste, SteWords{}, reason}; }

/// Fields that are RES0 in the guest's SMMU whatever the guest's Config (bypass or stage 1),
/// and so must be zero (IHI 0070 ch. 5: an implementation may "detect non-zero values ... and
/// consider the structure invalid"; this one does, for every RES0 bit). nullptr if all are zero.
constexpr const char* guest_res0_problem(const Policy& p, const SteWords& g) noexcept {
  namespace ste = smmuv3::ste;
  // §5.2 STRW: "If SMMU_IDR0.Hyp == 0 and the STE is in the Non-secure Stream table this
  // field is RES0" (host_ste_problem guarantees the guest is shown Hyp == 0).
  if (ste_get<ste::Strw>(g) != 0) return "STE.STRW != 0 with SMMU_IDR0.Hyp == 0 (RES0)";
  // §5.2 PPAR: "If SMMU_IDR0.PRI == 0 or SMMU_IDR1.SSIDSIZE == 0, this field is RES0."
  if (ste_get<ste::Ppar>(g) != 0 && (!p.idr.idr0.pri || p.idr.idr1.ssidsize == 0))
    return "STE.PPAR != 0 with SMMU_IDR0.PRI == 0 or SMMU_IDR1.SSIDSIZE == 0 (RES0)";
  // §5.2 DRE, DCP: "In SMMUv3.0 this field is RES0."
  if (guest_is_smmuv3_0(p) && ste_get<ste::Dre>(g) != 0) return "STE.DRE != 0 in SMMUv3.0 (RES0)";
  if (guest_is_smmuv3_0(p) && ste_get<ste::Dcp>(g) != 0) return "STE.DCP != 0 in SMMUv3.0 (RES0)";
  // §5.2 PARTID, PMG: "If MPAM is not supported in the corresponding Security state, then this
  // field is RES0" (host_ste_problem guarantees SMMU_IDR3.MPAM == 0).
  if (ste_get<ste::Partid>(g) != 0) return "STE.PARTID != 0 without MPAM (RES0)";
  if (ste_get<ste::Pmg>(g) != 0) return "STE.PMG != 0 without MPAM (RES0)";
  // §5.2 MPAM_NS: "For a Non-secure STE this field is RES0."
  if (ste_get<ste::MpamNs>(g) != 0) return "STE.MPAM_NS != 0 in a Non-secure STE (RES0)";
  // §5.2 MECID: "For STEs fetched for Non-secure or Secure streams this field is RES0."
  if (ste_get<ste::Mecid>(g) != 0) return "STE.MECID != 0 in a Non-secure STE (RES0)";
  // §5.2 VMSPtr: "Prior to SMMUv3.2 and when the VMS is not supported, this field is RES0";
  // the guest has no VMS (no MPAM, no stage 2).
  if (ste_get<ste::VmsPtr>(g) != 0) return "STE.VMSPtr != 0 without VMS support (RES0)";
  // §5.2 AssuredOnly, TL0, TL1: "If SMMU_IDR3.THE == 0, this field is RES0."
  if (!p.idr.idr3.the) {
    if (ste_get<ste::AssuredOnly>(g) != 0) return "STE.AssuredOnly != 0 with SMMU_IDR3.THE == 0 (RES0)";
    if (ste_get<ste::Tl0>(g) != 0) return "STE.TL0 != 0 with SMMU_IDR3.THE == 0 (RES0)";
    if (ste_get<ste::Tl1>(g) != 0) return "STE.TL1 != 0 with SMMU_IDR3.THE == 0 (RES0)";
  }
  // §5.2 DPT_VMATCH: "If SMMU_(R_)IDR3.DPT == 0 or STE.EATS != 0b11, then this field is RES0"
  // (host_ste_problem guarantees SMMU_IDR3.DPT == 0).
  if (ste_get<ste::DptVmatch>(g) != 0) return "STE.DPT_VMATCH != 0 with SMMU_IDR3.DPT == 0 (RES0)";
  // §5.2 S_S2T0SZ, S_S2SL0, S_S2TG, S_S2TTB, S_S2SKL: "When the STE is not in the Secure Stream
  // table this field is RES0"; S_S2SL0_2 is RES0 for the same reason (and stage 2 is not
  // implemented, SMMU_IDR0.S2P == 0).
  if (ste_get<ste::SS2T0sz>(g) != 0 || ste_get<ste::SS2Sl0>(g) != 0 || ste_get<ste::SS2Tg>(g) != 0 ||
      ste_get<ste::SS2Sl0_2>(g) != 0 || ste_get<ste::SS2Ttb>(g) != 0 || ste_get<ste::SS2Skl>(g) != 0)
    return "STE.S_S2* != 0 in a Non-secure STE (RES0)";
  return nullptr;
}

/// The stage 1 checks of §5.2.2 SteIllegal for Config == 0b101, plus the stage-1 fields that
/// are RES0 in the guest's SMMU. nullptr if the stage 1 configuration is legal.
constexpr const char* guest_s1_problem(const Policy& p, const SteWords& g) noexcept {
  namespace ste = smmuv3::ste;
  const std::uint8_t ssidsize = p.idr.idr1.ssidsize;
  const std::uint64_t cd_max = ste_get<ste::S1CdMax>(g);
  // §5.2 S1CDMax: "The allowable range is 0 to SMMU_IDR1.SSIDSIZE inclusive. Other values are
  // ILLEGAL" (SteIllegal checks it only when SSIDSIZE != 0; otherwise S1CDMax is IGNORED).
  if (ssidsize != 0 && cd_max > ssidsize) return "STE.S1CDMax > SMMU_IDR1.SSIDSIZE";
  // §5.2 S1Fmt: "If substreams are supported and enabled and stage 1 is enabled and
  // SMMU_IDR0.CD2L == 0, it is ILLEGAL to set this field != 0b00" (0b11 behaves as 0b00).
  const auto fmt = static_cast<smmuv3::S1Fmt>(ste_get<ste::S1Fmt>(g));
  if (ssidsize != 0 && cd_max != 0 && !p.idr.idr0.cd2l &&
      (fmt == smmuv3::S1Fmt::two_level_4k || fmt == smmuv3::S1Fmt::two_level_64k))
    return "STE.S1Fmt selects a 2-level CD table with SMMU_IDR0.CD2L == 0";
  // §5.2 S1ContextPtr: with stage 2 disabled "this pointer is a PA ... and must be within the
  // range of the OAS"; "Bits above the implemented OA size, reported in SMMU_IDR5.OAS, are
  // RES0"; SMMUv3.1+ raise C_BAD_STE (§3.4.3 note 1, SteIllegal STES1ContextPtrOutOfRange).
  if ((ste_get<ste::S1ContextPtr>(g) & address_bits_from(guest_oas_bits(p))) != 0)
    return "STE.S1ContextPtr above SMMU_IDR5.OAS";
  // §5.2 S1STALLD: "if stage 1 is enabled and SMMU_(*_)IDR0.STALL_MODEL is not 0b00, it is
  // ILLEGAL to set this field to 1".
  if (ste_get<ste::S1Stalld>(g) != 0 && p.idr.idr0.stall_model != smmuv3::reg::StallModel::stall_and_terminate)
    return "STE.S1STALLD == 1 with SMMU_IDR0.STALL_MODEL != 0b00";
  // §5.2 S1PIE: "If SMMU_IDR3.S1PI == 0 this field is RES0."
  if (ste_get<ste::S1Pie>(g) != 0 && !p.idr.idr3.s1pi) return "STE.S1PIE != 0 with SMMU_IDR3.S1PI == 0 (RES0)";
  // §5.2 S1MPAM: "Prior to SMMUv3.2, and if MPAM is not supported ..., this field is RES0"
  // (host_ste_problem guarantees SMMU_IDR3.MPAM == 0).
  if (ste_get<ste::S1Mpam>(g) != 0) return "STE.S1MPAM != 0 without MPAM (RES0)";
  // §5.2 EATS 0b10 (split-stage): "If any of the following hold, the STE is ILLEGAL (if it is
  // not IGNORED): STE.Config != 0b111 ..."; the guest cannot have Config 0b111. EATS is
  // IGNORED when SMMU_IDR0.ATS == 0 (SteIllegal checks it only when ATS == 1).
  if (p.idr.idr0.ats && ste_get<ste::Eats>(g) == static_cast<std::uint8_t>(smmuv3::Eats::split_stage))
    return "STE.EATS == 0b10 (split-stage ATS) with STE.Config != 0b111";
  return nullptr;
}

/// The physical EATS for a guest stage 1 STE. §5.2 EATS: IGNORED when SMMU_IDR0.ATS == 0 (no
/// ATS for the stream: 0b00); 0b11 without SMMU_IDR3.DPT "is Reserved for Non-secure STEs and
/// behaves as 0b00"; 0b01 (Full ATS) translates at all enabled stages, which in the nested
/// STE includes the host's stage 2. The host's template EATS is a ceiling: a device the host
/// does not trust with ATS (translated requests bypass the SMMU unless SMMU_CR0.ATSCHK) gets
/// none, whatever the guest asks.
constexpr std::uint8_t physical_eats(const Policy& p, const SteWords& g, const smmuv3::Ste& host) noexcept {
  const auto eats = static_cast<std::uint8_t>(ste_get<smmuv3::ste::Eats>(g));
  const bool full = eats == static_cast<std::uint8_t>(smmuv3::Eats::full);
  return p.idr.idr0.ats && full && host.eats == smmuv3::Eats::full ? eats : 0;
}

/// host_ste_problem with the template's encoding, which sanitize_ste reuses as its output.
constexpr const char* host_ste_problem(const Policy& policy, const smmuv3::Ste& host,
                                       const smmuv3::Encoded<smmuv3::kSteWords>& enc) noexcept {
  using namespace smmuv3;
  // What the guest is shown must be what this sanitizer implements: a stage-1-only,
  // Non-secure, VMSAv8-64 SMMU without the features whose STE fields it does not model.
  const auto& idr = policy.idr;
  if (!idr.idr0.s1p) return "policy: SMMU_IDR0.S1P == 0 (the guest must be given stage 1)";
  if (idr.idr0.s2p) return "policy: SMMU_IDR0.S2P == 1 (the guest must not be given stage 2)";
  if (idr.idr0.hyp) return "policy: SMMU_IDR0.Hyp == 1 (the guest must not be given EL2 StreamWorlds)";
  if (idr.idr1.attr_types_ovr || idr.idr1.attr_perms_ovr)
    return "policy: SMMU_IDR1.ATTR_TYPES_OVR/ATTR_PERMS_OVR == 1 (attribute overrides are the host's)";
  if (idr.idr1.ssidsize > 20) return "policy: SMMU_IDR1.SSIDSIZE > 20";
  if (idr.idr0.stall_model != reg::StallModel::terminate_only && idr.idr0.stall_model != policy.host_stall_model)
    return "policy: the guest's SMMU_IDR0.STALL_MODEL is neither terminate-only nor the host's";
  if (idr.idr3.mpam) return "policy: SMMU_IDR3.MPAM == 1 (MPAM is not offered to guests)";
  if (idr.idr3.dpt) return "policy: SMMU_IDR3.DPT == 1 (DPT is not offered to guests)";
  if (idr.idr5.d128) return "policy: SMMU_IDR5.D128 == 1 (VMSAv9-128 is not offered to guests)";
  // The template must itself be encodable: every member fits its field.
  if (!enc.ok()) return "host template: a field does not fit the STE (see encode(host).bad_field)";
  if (!host.v) return "host template: STE.V == 0";
  if (host.config != SteConfig::s2_trans) return "host template: STE.Config != 0b110 (stage 2 translate)";
  // §5.2 S2AA64: VMSAv8-64 stage 2 (VMSAv8-32 LPAE forbids S2FWB and HTTU, and D128 is not
  // offered).
  if (!host.s2_aa64) return "host template: STE.S2AA64 == 0 (VMSAv8-64 stage 2 required)";
  // The physical STE is per stream and holds the guest's stage 1 fields, so no neighbour is
  // identical to it (§5.2 CONT).
  if (host.cont != 0) return "host template: STE.CONT != 0";
  if (host.s2_ttb == 0) return "host template: STE.S2TTB == 0";
  if ((host.s2_ttb & ~ste::kS2TtbVmsav8AddrMask) != 0) return "host template: STE.S2TTB above bit 51";
  // §5.2.1: "a S2TTB base address outside the range indicated by the effective STE.S2PS value
  // makes the STE ILLEGAL".
  if ((host.s2_ttb & detail::address_bits_from(s2_ps_bits(host.s2_ps))) != 0)
    return "host template: STE.S2TTB above STE.S2PS";
  // Stage 2 must cover every address the guest can emit: its OAS is the stage 2 input size.
  if (host.s2_t0sz > 64 || detail::guest_oas_bits(policy) > 64u - host.s2_t0sz)
    return "host template: stage 2 input range (64 - STE.S2T0SZ) smaller than the guest's SMMU_IDR5.OAS";
  // §5.2 EATS 0b01: "ILLEGAL if ... STE.Config == 0b11x and STE.S2S == 1".
  if (idr.idr0.ats && host.s2_s) return "host template: STE.S2S == 1 while the guest is offered ATS";
  // §5.2 S1STALLD: ILLEGAL as 1 in a stage 1 STE when the hardware's STALL_MODEL != 0b00.
  if (host.s1_stalld && policy.host_stall_model != reg::StallModel::stall_and_terminate)
    return "host template: STE.S1STALLD == 1 with the host's STALL_MODEL != 0b00";
  // §5.2 S2S: on an SMMU that forces stalls, a stage 2 STE with S2S == 0 is ILLEGAL.
  if (policy.host_stall_model == reg::StallModel::stall_forced && !host.s2_s)
    return "host template: STE.S2S == 0 with the host's STALL_MODEL == 0b10";
  // A guest shown a stall model may CMD_RESUME / CMD_STALL_TERM the stalls of its streams
  // (§4.7.1, §4.7.2): where the host can choose (STALL_MODEL 0b00), those are all the guest's
  // own stage 1 stalls, never the host's stage 2 ones. (A stall-forcing host has no choice;
  // a guest resuming a stage 2 stall early only faults its own device's transaction again.)
  if (policy.host_stall_model == reg::StallModel::stall_and_terminate &&
      idr.idr0.stall_model != reg::StallModel::terminate_only && host.s2_s)
    return "host template: STE.S2S == 1 while the guest is offered stalls";
  return nullptr;
}

}  // namespace detail

/// nullptr if `host` is a usable stage 2 template for `policy`, else why not. sanitize_ste
/// checks this on every call and fails closed (bad_ste, physical V == 0) on a bad template, so
/// a hypervisor should check once when it builds the template.
constexpr const char* host_ste_problem(const Policy& policy, const smmuv3::Ste& host) noexcept {
  return detail::host_ste_problem(policy, host, smmuv3::encode(host));
}

/// The physical STE for a guest-written STE of a stream mapped to this guest (see the header
/// comment for the outcomes). `host` is the hypervisor's stage 2 template for the stream
/// (Config == 0b110, host_ste_problem == nullptr); S2VMID always comes from `policy.vmid`.
constexpr SteResult sanitize_ste(const Policy& policy, const smmuv3::Words<8>& guest,
                                 const smmuv3::Ste& host) noexcept {
  namespace ste = smmuv3::ste;
  using detail::ste_get;
  using detail::ste_put;
  // Every decision is taken on this copy. `guest` must itself be the hypervisor's private copy
  // of the STE, never a reference into memory the guest can still write.
  const smmuv3::Words<8> g = guest;

  const smmuv3::Encoded<smmuv3::kSteWords> host_words = smmuv3::encode(host);
  if (const char* why = detail::host_ste_problem(policy, host, host_words)) return detail::ste_bad(why);

  // §5.2 V: "0b0: Structure contents are invalid. Other STE fields are IGNORED."
  if (ste_get<ste::V>(g) == 0) return SteResult{SteVerdict::invalid, {}, "STE.V == 0"};

  // IHI 0070 ch. 5: "All non-specified fields are RES0 ... An implementation either: detects
  // non-zero values in non-specified fields and considers the structure invalid [or ignores
  // them]". This implementation detects them (kSteRes0: [58:56], [107:105], [252:248], [255],
  // [301:296], [383:376], [387], [444:440], [447]).
  if (smmuv3::any(smmuv3::ste_res0_bits(g))) return detail::ste_bad("STE reserved bits (RES0) set");

  const std::uint64_t config = ste_get<ste::Config>(g);
  // §5.2 Config: 0b000 aborts with no event; "0b0xx Reserved (behaves as 0b000)"; §5.2.1 "The
  // remaining fields contain no relevant configuration and are IGNORED" (SteIllegal returns
  // FALSE for Config == 0b0xx before any other check).
  if ((config & 0b100) == 0) return SteResult{SteVerdict::install, detail::abort_ste(), nullptr};
  // §5.2 Config: "If stage 2 is not implemented (SMMU_IDR0.S2P == 0), it is ILLEGAL to set
  // STE.Config == 0b11x."
  if ((config & 0b010) != 0) return detail::ste_bad("STE.Config == 0b11x (stage 2) with SMMU_IDR0.S2P == 0");

  if (const char* why = detail::guest_res0_problem(policy, g)) return detail::ste_bad(why);

  // The host's stage 2 template, tagged with this guest's VMID. Fields the guest does not
  // control stay the host's: S2*, MEV, SW_RESERVED, S2FWB, MTCFG/MemAttr/ALLOCCFG/SHCFG,
  // NSCFG, PRIVCFG, INSTCFG, the IMPLEMENTATION DEFINED fields, PARTID/PMG, MECID, VMSPtr.
  smmuv3::Words<8> phys = host_words.words;
  ste_put<ste::S2Vmid>(phys, policy.vmid);
  // §5.2 MEV: the guest can make its device fault at will, and every fault of its streams is
  // recorded in the host's event queue first; MEV = 1 lets the hardware merge them (as
  // Linux's nested STEs do). The guest's own MEV is a hint "a hypervisor might not honour".
  ste_put<ste::Mev>(phys, 1);
  // §5.2 Config 0b100: "STE.EATS value effectively 0b00"; the guest's bypass never gets ATS.
  ste_put<ste::Eats>(phys, 0);

  if (config == static_cast<std::uint8_t>(smmuv3::SteConfig::bypass)) {
    // §5.2.1: with Config == 0b100 "the S1* and S2* fields are IGNORED". The guest's output
    // addresses are IPAs, so its bypass is the host's stage 2 alone (Config stays 0b110).
    return SteResult{SteVerdict::install, phys, nullptr};
  }

  // Config == 0b101: stage 1 translate, stage 2 bypass in the guest's view.
  if (const char* why = detail::guest_s1_problem(policy, g)) return detail::ste_bad(why);

  const std::uint8_t ssidsize = policy.idr.idr1.ssidsize;
  // §5.2 S1CDMax: "If SMMU_IDR1.SSIDSIZE == 0, this field is IGNORED" (one CD, no substreams).
  const std::uint8_t cd_max = ssidsize == 0 ? 0 : static_cast<std::uint8_t>(ste_get<ste::S1CdMax>(g));
  // §5.2 S1Fmt, S1DSS: IGNORED when S1CDMax == 0 or SSIDSIZE == 0. Reserved S1Fmt 0b11 and
  // S1DSS 0b11 "behave as 0b00"; the physical STE gets that effective value.
  const smmuv3::S1Fmt fmt =
      cd_max == 0 ? smmuv3::S1Fmt::linear
                  : smmuv3::effective_s1_fmt(static_cast<smmuv3::S1Fmt>(ste_get<ste::S1Fmt>(g)));
  const smmuv3::S1Dss dss =
      cd_max == 0 ? smmuv3::S1Dss::terminate
                  : smmuv3::effective_s1_dss(static_cast<smmuv3::S1Dss>(ste_get<ste::S1Dss>(g)));
  // §5.2 S1Fmt: S1ContextPtr bits that are RES0 because of S1CDMax, if not zero, are CONSTRAINED
  // UNPREDICTABLE: "The SMMU treats the bits as zero" or fetches some CD (L1CD) of the table.
  // C_BAD_STE is not among the permitted behaviours; this implementation treats them as zero.
  const std::uint64_t ctx_ptr =
      ste_get<ste::S1ContextPtr>(g) & ~smmuv3::s1_context_ptr_res0_mask(fmt, cd_max);
  // §5.2 S1CSH: "0b01 Reserved (behaves as 0b00)".
  std::uint64_t csh = ste_get<ste::S1Csh>(g);
  if (csh == 0b01) csh = 0b00;

  ste_put<ste::Config>(phys, static_cast<std::uint8_t>(smmuv3::SteConfig::nested));
  // Stage 1 is the guest's. S1ContextPtr becomes an IPA ("If STE.Config == 0b11x ... this
  // pointer is an IPA translated by stage 2", §5.2), inside the guest's OAS checked above.
  ste_put<ste::S1Fmt>(phys, static_cast<std::uint8_t>(fmt));
  ste_put<ste::S1ContextPtr>(phys, ctx_ptr);
  ste_put<ste::S1CdMax>(phys, cd_max);
  ste_put<ste::S1Dss>(phys, static_cast<std::uint8_t>(dss));
  // §5.2 S1CIR/S1COR: every encoding is defined; with stage 2 they combine with the stage 2
  // attributes of the page holding the CD.
  ste_put<ste::S1Cir>(phys, ste_get<ste::S1Cir>(g));
  ste_put<ste::S1Cor>(phys, ste_get<ste::S1Cor>(g));
  ste_put<ste::S1Csh>(phys, csh);
  // §5.2 S1STALLD: the guest may disallow stage 1 stalls; the host may too (its template's
  // S1STALLD, IGNORED in its Config 0b110 template, is honoured here). When the hardware can
  // stall (host STALL_MODEL 0b00) but the guest was shown terminate-only, stalls are always
  // disallowed: a guest CD with S == 1 then gets C_BAD_CD from the hardware (§5.4.2
  // CdIllegal), as on the guest's own SMMU, instead of a stall the guest could never resume
  // (CMD_RESUME is CERROR_ILL for it).
  const bool stalls_hidden = policy.host_stall_model == smmuv3::reg::StallModel::stall_and_terminate &&
                             policy.idr.idr0.stall_model != smmuv3::reg::StallModel::stall_and_terminate;
  ste_put<ste::S1Stalld>(phys, ste_get<ste::S1Stalld>(g) | (host.s1_stalld || stalls_hidden ? 1u : 0u));
  ste_put<ste::Eats>(phys, detail::physical_eats(policy, g, host));
  // §5.2 PPAR: not RES0 here (checked above), it only shapes PRI auto-responses of the stream.
  ste_put<ste::Ppar>(phys, ste_get<ste::Ppar>(g));
  // §5.2 S1PIE: allowed only with SMMU_IDR3.S1PI (checked above); stage 1 permissions only.
  ste_put<ste::S1Pie>(phys, ste_get<ste::S1Pie>(g));
  // §5.2 S1MPAM: RES0 for the guest (checked above); MPAM IDs stay the host's STE.PARTID/PMG.
  ste_put<ste::S1Mpam>(phys, 0);
  // §5.2 DRE, DCP: permissions still bound these transactions (§3.22.2); either side may
  // forbid them, neither can enable them alone.
  ste_put<ste::Dre>(phys, ste_get<ste::Dre>(g) & (host.dre ? 1u : 0u));
  ste_put<ste::Dcp>(phys, ste_get<ste::Dcp>(g) & (host.dcp ? 1u : 0u));
  // §5.2 STRW: IGNORED when Config == 0b11x (effective StreamWorld NS-EL1); written as EL1.
  ste_put<ste::Strw>(phys, 0);
  return SteResult{SteVerdict::install, phys, nullptr};
}

// =============================================================================================
// Level 1 Stream Table Descriptor (§5.1) of a guest's 2-level Stream table
// =============================================================================================

enum class L1StdVerdict : std::uint8_t {
  /// The descriptor locates `ste_count` STEs at `l2_table` (a guest PA, i.e. an IPA).
  valid,
  /// §5.1.1: "Incoming StreamIDs that select a descriptor with Span == 0, or a Span set to a
  /// Reserved value, or a Span set to an out of bounds value given the split point ... are
  /// deemed invalid. A transaction causing a Stream table lookup that does not reach a valid
  /// STE is terminated with an abort ... and optionally records an event, see
  /// SMMU_(*_)CR2.RECINVSID and C_BAD_STREAMID."
  bad_streamid,
  /// §3.4.3 note 5: an STE fetch address above the OAS is truncated or raises F_STE_FETCH
  /// (CONSTRAINED UNPREDICTABLE); this implementation raises F_STE_FETCH.
  ste_fetch,
};

struct L1StdResult {
  L1StdVerdict verdict = L1StdVerdict::bad_streamid;
  /// Byte address of the Level 2 array (L2Ptr with the bits the SMMU treats as zero cleared);
  /// 0 unless valid.
  std::uint64_t l2_table = 0;
  /// STEs in the Level 2 array, 2^(Span-1); 0 unless valid. StreamIDs whose
  /// StreamID[SPLIT-1:0] >= ste_count are still invalid (C_BAD_STREAMID, §5.1.1).
  std::uint32_t ste_count = 0;
  /// nullptr when valid; otherwise the rule and spec field.
  const char* reason = nullptr;

  constexpr bool ok() const noexcept { return verdict == L1StdVerdict::valid; }
};

/// Checks a guest's L1STD read from its Level 1 Stream table, whose SMMU_STRTAB_BASE_CFG.SPLIT
/// is `split` (the caller has validated SPLIT, §6.3.25).
constexpr L1StdResult check_l1std(const Policy& policy, const smmuv3::Words<smmuv3::kL1StdWords>& guest,
                                  unsigned split) noexcept {
  using namespace smmuv3;
  const auto bad = [](L1StdVerdict v, const char* why) { return L1StdResult{v, 0, 0, why}; };
  // IHI 0070 ch. 5: non-zero RES0 bits (bit [5], bits [63:56]) make the structure invalid in
  // this implementation, as for the STE; the StreamIDs it covers are then invalid.
  if (any(l1std_res0_bits(guest))) return bad(L1StdVerdict::bad_streamid, "L1STD reserved bits (RES0) set");
  const auto span = static_cast<std::uint8_t>(l1std::Span::get(guest));
  // §5.1 Span: "0: L1STD.L2Ptr is invalid. The StreamIDs matching this descriptor are all
  // invalid."
  if (span == kL1StdSpanInvalid) return bad(L1StdVerdict::bad_streamid, "L1STD.Span == 0");
  // §5.1 Span: "12-31 Reserved, behaves as 0."
  if (l1std_span_is_reserved(span)) return bad(L1StdVerdict::bad_streamid, "L1STD.Span > 11 (Reserved)");
  // §5.1.1: "a Span set to an out of bounds value given the split point".
  if (!l1std_span_fits_split(span, split))
    return bad(L1StdVerdict::bad_streamid, "L1STD.Span - 1 > SMMU_STRTAB_BASE_CFG.SPLIT");
  // §5.1 L2Ptr: "Bits L2Ptr[N:0] are treated as 0 by the SMMU, where N == 5 + (Span - 1)".
  const std::uint64_t l2 = l1std::L2Ptr::get(guest) & ~l1std_l2ptr_ignored_mask(span);
  // §5.1 L2Ptr: "Bits above the implemented OA size ... are RES0"; see §3.4.3 (F_STE_FETCH).
  if ((l2 & detail::address_bits_from(detail::guest_oas_bits(policy))) != 0)
    return bad(L1StdVerdict::ste_fetch, "L1STD.L2Ptr above SMMU_IDR5.OAS");
  return L1StdResult{L1StdVerdict::valid, l2, l1std_ste_count(span), nullptr};
}

}  // namespace vsmmu
