// SPDX-License-Identifier: MIT
// vsmmu/policy.hpp: what one guest's virtual SMMUv3 advertises and permits.
//
// A Policy is the single source of truth for the sanitizer: the ID registers the guest reads
// are exactly the features the sanitizer accepts (an STE, CD or command that uses a feature
// the guest was not shown is refused as real hardware without that feature would refuse it),
// plus the host VMID that tags everything this guest's traffic touches, plus the per-opcode
// decisions a hypervisor may tighten.
//
// `make_policy(host, config)` derives a Policy from the physical SMMU's ID registers and the
// hypervisor's wishes for this guest, and never advertises more than the hardware has.
#pragma once

#include <cstddef>
#include <cstdint>

#include "smmuv3/command/opcode.hpp"
#include "smmuv3/registers/idr.hpp"

namespace vsmmu {

/// What the sanitizer does with a guest command, ordered from strictest to most permissive:
/// a Policy may lower an opcode's action (tighten) but never raise it above the library's
/// ceiling, `kCommandCeiling` (see `command_action`).
enum class CommandAction : std::uint8_t {
  /// CERROR_ILL (IHI 0070 §4.1.3 / §7.1): the command is refused and the queue stops on it.
  illegal = 0,
  /// Accepted and completed without reaching the host (e.g. CMD_PREFETCH_*, which an SMMU may
  /// treat as a no-op, §4.2). Dropping a command only ever affects the guest's own view.
  ignore = 1,
  /// Accepted and forwarded after the opcode's fixed rewrite (vSID -> pSID, host VMID).
  /// For CMD_SYNC, "forward" means: the device synchronises with the host, then signals the
  /// guest's completion; a CMD_SYNC itself is never copied to the physical queue.
  forward = 2,
};

/// One action per opcode byte (all 256, so any guest byte indexes it safely).
struct CommandRules {
  CommandAction action[256]{};

  constexpr CommandAction operator[](std::uint8_t opcode) const noexcept { return action[opcode]; }
  constexpr CommandAction& operator[](std::uint8_t opcode) noexcept { return action[opcode]; }
  friend constexpr bool operator==(const CommandRules&, const CommandRules&) = default;
};

/// The most any guest may get, per opcode, before feature gating (`command_ceiling`):
///   forward: CFGI_STE, CFGI_STE_RANGE/CFGI_ALL, CFGI_CD, CFGI_CD_ALL (vSID -> pSID);
///            TLBI_NH_ALL/ASID/VA/VAA (host VMID); TLBI_NSNH_ALL (becomes TLBI_NH_ALL of the
///            host VMID); CMD_SYNC; ATC_INV, PRI_RESP, RESUME, STALL_TERM (feature-gated).
///   ignore:  PREFETCH_CONFIG, PREFETCH_ADDR.
///   illegal: everything else: the EL2/EL3/secure TLBIs, TLBI_S2_IPA, TLBI_S12_VMALL,
///            CFGI_VMS_PIDM, DPTI_*, and every Reserved or IMPLEMENTATION DEFINED opcode.
/// The reasoning for each row, with spec references, is in docs/sanitizer.md.
inline constexpr CommandRules kCommandCeiling = [] {
  using smmuv3::Opcode;
  CommandRules r{};
  const auto set = [&r](Opcode op, CommandAction a) { r[static_cast<std::uint8_t>(op)] = a; };
  set(Opcode::prefetch_config, CommandAction::ignore);
  set(Opcode::prefetch_addr, CommandAction::ignore);
  constexpr Opcode kForwarded[] = {Opcode::cfgi_ste,     Opcode::cfgi_ste_range, Opcode::cfgi_cd,
                                   Opcode::cfgi_cd_all,  Opcode::tlbi_nh_all,    Opcode::tlbi_nh_asid,
                                   Opcode::tlbi_nh_va,   Opcode::tlbi_nh_vaa,    Opcode::tlbi_nsnh_all,
                                   Opcode::atc_inv,      Opcode::pri_resp,       Opcode::resume,
                                   Opcode::stall_term,   Opcode::sync};
  for (Opcode op : kForwarded) set(op, CommandAction::forward);
  return r;
}();

/// The virtual ID registers a guest reads (§6.3.1–§6.3.6, §6.3.8). Only these are presented;
/// SMMU_IDR4 is IMPLEMENTATION DEFINED and reads as zero, SMMU_IIDR is the device's business.
struct GuestIdrs {
  smmuv3::reg::Idr0 idr0{};
  smmuv3::reg::Idr1 idr1{};
  smmuv3::reg::Idr2 idr2{};
  smmuv3::reg::Idr3 idr3{};
  smmuv3::reg::Idr5 idr5{};
  smmuv3::reg::Aidr aidr{};
  friend constexpr bool operator==(const GuestIdrs&, const GuestIdrs&) = default;
};

/// Everything the sanitizer needs to judge one guest's records. Build it with `make_policy`
/// and tighten `commands` if you like; a hand-made Policy that shows the guest a feature the
/// host lacks (RIL, DS, ASID16, a VMID wider than the host's) gets commands past the sanitizer
/// that the physical SMMU then refuses on the shared queue.
struct Policy {
  /// What the guest sees, and therefore what it may use.
  GuestIdrs idr{};
  /// The host VMID of this guest: every physical STE and TLBI produced for the guest carries
  /// it, whatever the guest wrote. Must fit the host's VMID width (8 or 16 bits), must not be
  /// 0, and must belong to this guest alone: the physical SMMU tags the guest's stage 1 TLB
  /// entries with it and a guest TLBI_NH_ALL invalidates everything tagged with it.
  std::uint16_t vmid = 0;
  /// The physical SMMU's SMMU_IDR0.STALL_MODEL. The guest may be shown a stricter model
  /// (terminate-only); the sanitizer then has to keep the hardware from stalling the guest's
  /// streams (sanitize_ste forces STE.S1STALLD), because the guest could never resume them.
  smmuv3::reg::StallModel host_stall_model = smmuv3::reg::StallModel::terminate_only;
  /// Per-opcode decisions; `command_action` applies them under the ceiling.
  CommandRules commands = kCommandCeiling;
  friend constexpr bool operator==(const Policy&, const Policy&) = default;
};

/// The ceiling for this policy's advertised features: ATC_INV needs SMMU_IDR0.ATS, PRI_RESP
/// needs SMMU_IDR0.PRI, RESUME and STALL_TERM need a STALL_MODEL other than terminate-only
/// (§4.7: the commands are ILLEGAL on an SMMU without the feature).
constexpr CommandAction command_ceiling(const GuestIdrs& idr, std::uint8_t opcode) noexcept {
  using smmuv3::Opcode;
  switch (static_cast<Opcode>(opcode)) {
    case Opcode::atc_inv:
      if (!idr.idr0.ats) return CommandAction::illegal;
      break;
    case Opcode::pri_resp:
      if (!idr.idr0.pri) return CommandAction::illegal;
      break;
    case Opcode::resume:
    case Opcode::stall_term:
      if (idr.idr0.stall_model == smmuv3::reg::StallModel::terminate_only) return CommandAction::illegal;
      break;
    default:
      break;
  }
  return kCommandCeiling[opcode];
}

/// The action the sanitizer takes for `opcode` under `p`: the stricter of the policy's
/// decision and the ceiling, so a policy table can only tighten.
constexpr CommandAction command_action(const Policy& p, std::uint8_t opcode) noexcept {
  const CommandAction ceiling = command_ceiling(p.idr, opcode);
  const CommandAction wanted = p.commands[opcode];
  return static_cast<std::uint8_t>(wanted) < static_cast<std::uint8_t>(ceiling) ? wanted : ceiling;
}

/// The physical SMMU's ID registers, as raw register values (what the host driver read).
struct HostIdrs {
  std::uint32_t idr0 = 0;
  std::uint32_t idr1 = 0;
  std::uint32_t idr3 = 0;
  std::uint32_t idr5 = 0;
  std::uint32_t aidr = 0;
};

/// What the hypervisor wants to give one guest. Every request is clamped to the host.
struct GuestConfig {
  std::uint16_t vmid = 1;          ///< host VMID for this guest (the stage 2 owner)
  unsigned ipa_bits = 40;          ///< size of the guest's physical address space (stage 2 input)
  std::uint8_t sid_bits = 16;      ///< SMMU_IDR1.SIDSIZE shown to the guest (virtual StreamIDs)
  std::uint8_t ssid_bits = 0;      ///< SMMU_IDR1.SSIDSIZE (0: no substreams / PASIDs)
  std::uint8_t cmdq_log2 = 8;      ///< SMMU_IDR1.CMDQS: largest guest command queue, log2 entries
  std::uint8_t eventq_log2 = 7;    ///< SMMU_IDR1.EVENTQS
  bool two_level_stream_table = true;  ///< SMMU_IDR0.ST_LEVEL
  bool msi = true;   ///< SMMU_IDR0.MSI: emulated (the device writes the MSI), needs no host support
  bool sev = false;  ///< SMMU_IDR0.SEV: the hypervisor then wakes the guest's WFE on a CMD_SYNC
  bool btm = false;  ///< SMMU_IDR0.BTM, only if the host has it (needs the CPU's VMID == `vmid`)
  bool ats = false;  ///< SMMU_IDR0.ATS (and ATC_INV), only if the host has it
  bool pri = false;  ///< SMMU_IDR0.PRI (and PRI_RESP), only if the host and `ats` have it
  /// SMMU_IDR0.STALL_MODEL other than terminate-only, only if the host stalls. Required on a
  /// host that forces stalls (STALL_MODEL 0b10): its guests must handle them.
  bool stall = false;
};

/// Why `make_policy` refused.
enum class PolicyError : std::uint8_t {
  none,
  host_without_nesting,   ///< nesting needs SMMU_IDR0.S1P and S2P
  host_without_aarch64,   ///< the guest is offered VMSAv8-64 tables only (SMMU_IDR0.TTF)
  host_without_granule,   ///< SMMU_IDR5 advertises no translation granule
  host_forces_stall,      ///< STALL_MODEL 0b10 on the host but `stall` not asked for
  vmid_zero,              ///< VMID 0 tags the host's own stage-1-only STEs (§5.2 S2VMID)
  vmid_too_wide,          ///< vmid > 255 on a host without SMMU_IDR0.VMID16
  ipa_too_small,          ///< fewer than 32 IPA bits: no OAS encoding fits (§6.3.6)
  sid_bits_too_wide,      ///< SIDSIZE > 32 (§6.3.2)
  ssid_bits_too_wide,     ///< SSIDSIZE above the host's (substreams reach the hardware)
  queue_too_large,        ///< CMDQS / EVENTQS > 19 (§6.3.2)
};

struct PolicyResult {
  Policy policy{};
  PolicyError error = PolicyError::none;
  constexpr bool ok() const noexcept { return error == PolicyError::none; }
};

namespace detail {
/// The largest OAS encoding whose size is at most `bits` (§6.3.6); pa32 if none is smaller.
constexpr smmuv3::reg::Oas oas_at_most(unsigned bits) noexcept {
  std::uint8_t best = 0;
  for (std::uint8_t e = 0; e < 8; ++e)
    if (smmuv3::reg::oas_bits(static_cast<smmuv3::reg::Oas>(e)) <= bits) best = e;
  return static_cast<smmuv3::reg::Oas>(best);
}
}  // namespace detail

/// Derive a guest's Policy from the host SMMU's ID registers and `config`. The guest sees a
/// stage-1-only SMMUv3 of the host's revision with VMSAv8-64 tables: stage 2, HYP,
/// ATOS/VATOS, ECMDQ, MPAM, RME, DPT and D128 are never shown, nor are the attribute
/// overrides (ATTR_TYPES_OVR / ATTR_PERMS_OVR: the host's). Features the guest's stage 1
/// walks rely on (granules, VAX, DS, RIL, STT, BBML, HAD, E0PD, HTTU, COHACC, TTENDIAN,
/// TERM_MODEL, ASID16) are the host's, because the physical SMMU walks the guest's CDs and
/// tables; OAS is the smaller of the host's OAS and the guest's IPA size, because the guest's
/// output addresses are stage 2 inputs.
constexpr PolicyResult make_policy(const HostIdrs& host_raw, const GuestConfig& config) noexcept {
  using namespace smmuv3::reg;
  const Idr0 h0 = decode_idr0(smmuv3::Words<1>{{host_raw.idr0}});
  const Idr1 h1 = decode_idr1(smmuv3::Words<1>{{host_raw.idr1}});
  const Idr3 h3 = decode_idr3(smmuv3::Words<1>{{host_raw.idr3}});
  const Idr5 h5 = decode_idr5(smmuv3::Words<1>{{host_raw.idr5}});

  PolicyResult r{};
  const auto fail = [&r](PolicyError e) {
    r.error = e;
    return r;
  };
  if (!h0.s1p || !h0.s2p) return fail(PolicyError::host_without_nesting);
  if (h0.ttf != Ttf::vmsav8_64 && h0.ttf != Ttf::vmsav8_32_lpae_and_vmsav8_64)
    return fail(PolicyError::host_without_aarch64);
  if (!h5.gran4k && !h5.gran16k && !h5.gran64k) return fail(PolicyError::host_without_granule);
  // A guest shown terminate-only writes CD.S == 0, which is ILLEGAL on a stall-forced SMMU
  // (§5.4.2 CdIllegal): every one of its CDs would be C_BAD_CD on the hardware.
  if (h0.stall_model == StallModel::stall_forced && !config.stall) return fail(PolicyError::host_forces_stall);
  // §5.2 S2VMID: with stage 2 implemented, stage-1-only STEs are tagged with their S2VMID too;
  // a host (Linux) leaves it 0 for its own, so a guest on VMID 0 would share their TLB tag.
  if (config.vmid == 0) return fail(PolicyError::vmid_zero);
  if (!h0.vmid16 && config.vmid > 0xFF) return fail(PolicyError::vmid_too_wide);
  if (config.ipa_bits < 32) return fail(PolicyError::ipa_too_small);
  if (config.sid_bits > 32) return fail(PolicyError::sid_bits_too_wide);
  if (config.ssid_bits > h1.ssidsize || config.ssid_bits > 20) return fail(PolicyError::ssid_bits_too_wide);
  if (config.cmdq_log2 > 19 || config.eventq_log2 > 19) return fail(PolicyError::queue_too_large);

  Policy& p = r.policy;
  p.vmid = config.vmid;
  p.host_stall_model = h0.stall_model;

  Idr0& g0 = p.idr.idr0;
  g0.st_level = config.two_level_stream_table ? StLevel::two_level : StLevel::linear;
  g0.term_model = h0.term_model;
  const bool stall = config.stall && h0.stall_model != StallModel::terminate_only;
  g0.stall_model = stall ? h0.stall_model : StallModel::terminate_only;
  g0.tt_endian = h0.tt_endian;
  g0.cd2l = config.ssid_bits != 0 && h0.cd2l;
  g0.pri = config.pri && config.ats && h0.pri && h0.ats;
  g0.sev = config.sev;
  g0.msi = config.msi;
  g0.asid16 = h0.asid16;
  g0.ats = config.ats && h0.ats;
  // Not a choice: the hardware walks the guest's CDs and would honour CD.HA/HD anyway.
  g0.httu = h0.httu;
  g0.btm = config.btm && h0.btm;
  g0.cohacc = h0.cohacc;
  g0.ttf = Ttf::vmsav8_64;
  g0.s1p = true;

  Idr1& g1 = p.idr.idr1;
  g1.cmdqs = config.cmdq_log2;
  g1.eventqs = config.eventq_log2;
  g1.priqs = 0;
  g1.ssidsize = config.ssid_bits;
  g1.sidsize = config.sid_bits;

  Idr3& g3 = p.idr.idr3;
  g3.e0pd = h3.e0pd;
  g3.bbml = h3.bbml;
  g3.ril = h3.ril;
  g3.stt = h3.stt;
  g3.had = h3.had;

  Idr5& g5 = p.idr.idr5;
  // VAX 56-bit needs VMSAv9-128 (D128), which the guest is not offered.
  g5.vax = h5.vax == Vax::va56 ? Vax::va52 : h5.vax;
  g5.ds = h5.ds;
  g5.gran64k = h5.gran64k;
  g5.gran16k = h5.gran16k;
  g5.gran4k = h5.gran4k;
  const unsigned host_oas = oas_bits(h5.oas);
  g5.oas = detail::oas_at_most(config.ipa_bits < host_oas ? config.ipa_bits : host_oas);
  // OAS 56 is only meaningful with D128; 52 is the most a VMSAv8-64 guest can use.
  if (g5.oas == Oas::pa56) g5.oas = Oas::pa52;

  // The guest runs on the host's SMMU revision: the features above are that revision's.
  p.idr.aidr = decode_aidr(smmuv3::Words<1>{{host_raw.aidr}});
  return r;
}

}  // namespace vsmmu
