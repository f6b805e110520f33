// SPDX-License-Identifier: MIT
// vsmmu/sanitize_command.hpp: one guest Command queue entry -> the physical commands that
// implement it on the host SMMU, or the architected command error (IHI 0070 G.b chapter 4, §7.1).
//
// The guest sees a Non-secure, stage-1-only SMMUv3 (S1P = 1, S2P = 0, Hyp = 0, no Secure
// state, no DPT, no MPAM). Its commands name virtual StreamIDs and no VMID; the physical
// commands name the physical StreamIDs the hypervisor assigned (ctx.streams) and the host
// VMID of the guest (policy.vmid), so a guest can only ever invalidate, resume or prefetch
// what belongs to it. The rules, opcode by opcode, with the spec text they rest on, are in
// docs/sanitizer.md ("Commands").
//
// Order of decisions, as §4.1.3 requires ("If a command causes a CERROR_ILL this takes
// precedence over whether the command is IGNORED or not"): the opcode's action under the
// policy (illegal -> CERROR_ILL), then every RES0 bit and every ILLEGAL operand value
// (-> CERROR_ILL), and only then whether the command is ignored (policy 'ignore', PREFETCH_*,
// a StreamID the guest has no device on, an out-of-range parameter) or forwarded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/cerror.hpp"
#include "smmuv3/command.hpp"
#include "smmuv3/registers/idr.hpp"
#include "vsmmu/guest_ram.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/stream_map.hpp"

namespace vsmmu {

/// What a command is judged against besides the Policy: the guest's assigned streams and the
/// memory a CMD_SYNC MSI may be written to. Both are borrowed for the duration of the call.
template <StreamMap M, GuestRam R>
struct CommandContext {
  const M& streams;
  const R& ram;
};

template <StreamMap M, GuestRam R>
CommandContext(const M&, const R&) -> CommandContext<M, R>;

/// vSIDs whose guest STE the device must re-read, sanitize_ste and re-install BEFORE submitting
/// the physical commands produced (CFGI_STE / CFGI_STE_RANGE / CFGI_ALL). The device iterates
/// only the MAPPED vSIDs in [first, last] (bounded by streams.size()). `last` never exceeds
/// 2^SMMU_IDR1.SIDSIZE - 1 of the guest.
struct SteRefresh {
  bool needed = false;
  std::uint32_t first = 0, last = 0;
  friend constexpr bool operator==(const SteRefresh&, const SteRefresh&) = default;
};

/// The completion signal of a CMD_SYNC as it takes effect on the guest's SMMU (§4.7.3 CS):
/// SIG_SEV on an SMMU without SMMU_IDR0.SEV "is equivalent to SIG_NONE" and is reported as none.
enum class SyncSignal : std::uint8_t { none, irq, sev };

/// What the device does after the physical synchronisation, per §4.7.3 CMD_SYNC.
struct SyncCompletion {
  SyncSignal signal = SyncSignal::none;
  /// Write msi_data (32 bits) to msi_address: CS == SIG_IRQ, SMMU_IDR0.MSI == 1, MSIAddress
  /// != 0 (otherwise MSIAddress/MSIData are IGNORED, §4.7.3) and the address is guest RAM.
  bool msi = false;
  /// The guest asked for an MSI (as for `msi`) to an address outside ctx.ram: no write may
  /// happen (`msi` is false); the device reports the aborted CMD_SYNC MSI in
  /// SMMU_GERROR.MSI_CMDQ_ABT_ERR (§4.7.3: the MSI writes of a CMD_SYNC are "either visible
  /// ... or aborted and reported"; §7.5). The msi_* fields below still say what was asked.
  bool msi_abort = false;
  /// MSIAddress[55:2] truncated to the guest's OAS (§4.7.3, §3.4.3), 4-byte aligned.
  std::uint64_t msi_address = 0;
  std::uint32_t msi_data = 0;
  /// MSIAttr, encoded as STE.MemAttr (§4.7.3); the Reserved encodings 0b0100, 0b1000, 0b1100
  /// behave as Device-nGnRnE (§5.2 STE.MemAttr), so every value is accepted as written.
  std::uint8_t msi_attr = 0;
  /// MSH with the Reserved 0b01 already "treated as 0b00" (§4.7.3).
  std::uint8_t msh = 0;
  friend constexpr bool operator==(const SyncCompletion&, const SyncCompletion&) = default;
};

enum class CommandVerdict : std::uint8_t {
  forwarded,  ///< out[0..produced) hold the physical commands (encoded words)
  ignored,    ///< accepted, nothing reaches the host (PREFETCH_*, unmapped vSID, policy 'ignore')
  sync,       ///< CMD_SYNC: see `sync`; produces no physical command itself
  illegal,    ///< CERROR_ILL (§4.1.3, §7.1)
  no_space,   ///< NOT a guest error: out_capacity < `produced` (the number needed); nothing done
};

struct CommandOutcome {
  CommandVerdict verdict = CommandVerdict::ignored;
  std::uint32_t produced = 0;
  SteRefresh refresh{};
  SyncCompletion sync{};
  /// Static string naming the rule and field for illegal / ignored, nullptr otherwise.
  const char* reason = nullptr;

  /// The SMMU_CMDQ_CONS.ERR code the guest sees: CERROR_ILL iff illegal.
  constexpr smmuv3::CmdqError cerror() const noexcept {
    return verdict == CommandVerdict::illegal ? smmuv3::CmdqError::cerror_ill : smmuv3::CmdqError::cerror_none;
  }
};

/// The most physical commands one guest command can produce: CFGI_STE_RANGE / CFGI_ALL emit one
/// CMD_CFGI_STE per mapped stream, everything else at most one command. An output buffer of
/// this many entries (streams.size() + 1 is always enough) never yields no_space.
template <StreamMap M>
constexpr std::size_t max_produced_per_command(const M& streams) noexcept {
  const std::size_t n = static_cast<std::size_t>(streams.size());
  return n > 1 ? n : 1;
}

namespace detail {

/// True when v < 2^bits (bits may be 0..63 from a 6-bit ID field; >= 64 always fits).
constexpr bool fits_width(std::uint64_t v, unsigned bits) noexcept { return bits >= 64 || (v >> bits) == 0; }

constexpr CommandOutcome illegal(const char* reason) noexcept {
  CommandOutcome o{};
  o.verdict = CommandVerdict::illegal;
  o.reason = reason;
  return o;
}

constexpr CommandOutcome ignored(const char* reason) noexcept {
  CommandOutcome o{};
  o.verdict = CommandVerdict::ignored;
  o.reason = reason;
  return o;
}

constexpr CommandOutcome no_space(std::uint32_t needed) noexcept {
  CommandOutcome o{};
  o.verdict = CommandVerdict::no_space;
  o.produced = needed;
  return o;
}

inline constexpr const char* kPolicyIgnore = "ignored: the policy ignores this opcode";
inline constexpr const char* kSsec = "CERROR_ILL: SSec == 1 on the Non-secure Command queue (§4.1.6)";
inline constexpr const char* kSidOutOfRange =
    "ignored: StreamID >= 2^SMMU_IDR1.SIDSIZE, out of range: no effect (§4.1.7)";
inline constexpr const char* kSidUnmapped = "ignored: no device is assigned to this StreamID";
inline constexpr const char* kSsidOutOfRange =
    "ignored: SubstreamID >= 2^SMMU_IDR1.SSIDSIZE, out of range: no effect (§4.1.7, §4.3.3)";

/// The largest physical address an address operand can carry for the guest's SMMU revision:
/// Address[55:52] are RES0 in SMMUv3.1 to SMMUv3.3 and Address[55:48] in SMMUv3.0 (§4.1.6).
constexpr unsigned pa_operand_bits(smmuv3::reg::ArchMinorRev rev) noexcept {
  switch (rev) {
    case smmuv3::reg::ArchMinorRev::smmuv3_0: return 48;
    case smmuv3::reg::ArchMinorRev::smmuv3_1:
    case smmuv3::reg::ArchMinorRev::smmuv3_2:
    case smmuv3::reg::ArchMinorRev::smmuv3_3: return 52;
    case smmuv3::reg::ArchMinorRev::smmuv3_4: break;
  }
  return 56;
}

/// The operands of an address-based TLBI that only range invalidation (SMMU_IDR3.RIL) gives
/// meaning to: NUM, SCALE, TTL, TTL128, TG (§4.4.1.1). nullptr when they are legal.
template <class T>
constexpr const char* tlbi_range_error(const Policy& p, const T& c) noexcept {
  const bool any_range_field = c.num != 0 || c.scale != 0 || c.ttl != 0 || c.ttl128 || c.tg != smmuv3::TlbiTg::any;
  if (!any_range_field) return nullptr;
  if (!p.idr.idr3.ril)
    return "CERROR_ILL: NUM/SCALE/TTL/TTL128/TG != 0 without SMMU_IDR3.RIL: RES0 (§4.4.1.1, §4.1.5)";
  if (c.tg == smmuv3::TlbiTg::any)
    return "CERROR_ILL: NUM/SCALE/TTL/TTL128 != 0 with TG == 0b00: RES0 (§4.4.1.1, §4.1.5)";
  if (!p.idr.idr5.ds && (c.scale & 0x20u) != 0)
    return "CERROR_ILL: SCALE[5] (bit 25) set without SMMU_IDR5.DS: RES0 (§4.4.1.1)";
  if (c.ttl128 && c.ttl == 0) return "CERROR_ILL: TTL128 == 1 with TTL == 0b00: RES0 (§4.4.1.1)";
  if (c.ttl128 && !p.idr.idr5.d128)
    return "CERROR_ILL: TTL128 == 1 without 128-bit descriptors (SMMU_IDR5.D128 == 0): RES0 (§4.4.1.1)";
  if (smmuv3::tlbi_range_params_reserved(c.tg, c.num, c.scale, c.ttl, p.idr.idr5.ds))
    return "CERROR_ILL: TG != 0b00 with NUM == 0, SCALE == 0 and TTL == 0b00 is Reserved (§4.4.1.1)";
  return nullptr;
}

/// ASID[15:8] is RES0 when SMMU_IDR0.ASID16 == 0 (§4.4).
constexpr const char* asid_error(const Policy& p, std::uint16_t asid) noexcept {
  if (!p.idr.idr0.asid16 && asid > 0xFF)
    return "CERROR_ILL: ASID[15:8] != 0 without SMMU_IDR0.ASID16: RES0 (§4.4, §4.1.5)";
  return nullptr;
}

/// Writes one physical command when it fits.
template <class T>
constexpr CommandOutcome forward_one(const T& physical, smmuv3::Words<2>* out, std::size_t out_capacity,
                                     SteRefresh refresh = {}) noexcept {
  if (out_capacity < 1) return no_space(1);
  out[0] = smmuv3::encode(physical).words;
  CommandOutcome o{};
  o.verdict = CommandVerdict::forwarded;
  o.produced = 1;
  o.refresh = refresh;
  return o;
}

/// The physical StreamID for a guest StreamID, or why the command has no effect.
struct SidResult {
  bool ok = false;
  std::uint32_t psid = 0;
  const char* reason = nullptr;
};

template <StreamMap M>
constexpr SidResult translate_sid(const Policy& p, const M& streams, std::uint32_t vsid) noexcept {
  if (!fits_width(vsid, p.idr.idr1.sidsize)) return {false, 0, kSidOutOfRange};
  const StreamLookup l = streams.lookup(vsid);
  if (!l.mapped) return {false, 0, kSidUnmapped};
  return {true, l.psid, nullptr};
}

/// CMD_CFGI_STE_RANGE / CMD_CFGI_ALL over [first, last] (guest vSIDs, inclusive): one
/// CMD_CFGI_STE(Leaf = 0) per mapped stream in the range, as §4.3.7 recommends for CFGI_ALL
/// ("For each S in (GUEST_STREAMS) { CMD_CFGI_STE(S); }"). Leaf = 0 keeps the range commands'
/// scope, which includes intermediate L1ST descriptors (§4.3.2). Work: two passes over the map.
template <StreamMap M>
constexpr CommandOutcome expand_ste_range(const M& streams, std::uint32_t first, std::uint32_t last,
                                          smmuv3::Words<2>* out, std::size_t out_capacity) noexcept {
  const std::size_t n = static_cast<std::size_t>(streams.size());
  std::size_t needed = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const StreamMapping s = streams[i];
    if (s.vsid >= first && s.vsid <= last) ++needed;
  }
  if (needed == 0) return ignored("ignored: no device is assigned to a StreamID in the range");
  if (out_capacity < needed) return no_space(static_cast<std::uint32_t>(needed));
  std::size_t k = 0;
  for (std::size_t i = 0; i < n && k < needed; ++i) {
    const StreamMapping s = streams[i];
    if (s.vsid >= first && s.vsid <= last) out[k++] = smmuv3::encode(smmuv3::CmdCfgiSte{false, s.psid, false}).words;
  }
  CommandOutcome o{};
  o.verdict = CommandVerdict::forwarded;
  o.produced = static_cast<std::uint32_t>(k);
  o.refresh = {true, first, last};
  return o;
}

/// The highest guest StreamID: 2^SIDSIZE - 1 (SIDSIZE <= 32 in any valid policy).
constexpr std::uint32_t max_sid(const Policy& p) noexcept {
  const unsigned bits = p.idr.idr1.sidsize;
  return bits >= 32 ? 0xFFFFFFFFu : static_cast<std::uint32_t>((std::uint64_t{1} << bits) - 1);
}

/// The completion of a legal, forwarded CMD_SYNC with CS == SIG_IRQ (§4.7.3): the MSI, if any.
template <GuestRam R>
constexpr SyncCompletion sync_irq_completion(const Policy& p, const R& ram, smmuv3::SyncMsh msh,
                                             std::uint8_t msi_attr, std::uint32_t msi_data,
                                             std::uint64_t msi_address) noexcept {
  SyncCompletion s{};
  s.signal = SyncSignal::irq;
  // The MSI is made only when MSIs are supported and MSIAddress != 0, checked over the whole
  // field, not the OAS-truncated address (§4.7.3).
  if (p.idr.idr0.msi && msi_address != 0) {
    const unsigned oas = smmuv3::reg::oas_bits(p.idr.idr5.oas);
    const std::uint64_t oas_mask = oas >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << oas) - 1;
    s.msi_address = msi_address & oas_mask;
    s.msi_data = msi_data;
    s.msi_attr = msi_attr;
    s.msh = msh == static_cast<smmuv3::SyncMsh>(1) ? 0 : static_cast<std::uint8_t>(msh);
    s.msi = ram.contains(s.msi_address, 4);
    s.msi_abort = !s.msi;
  }
  return s;
}

/// What the device signals to the guest for a legal, forwarded CMD_SYNC once the physical
/// synchronisation is done (§4.7.3). Shared by both paths of `sanitize_command`; always inlined,
/// so that SIG_NONE / SIG_SEV (no MSI) cost a test and no copy of the completion.
template <GuestRam R>
[[gnu::always_inline]] constexpr SyncCompletion sync_completion(const Policy& p, const R& ram, smmuv3::SyncCs cs,
                                                                smmuv3::SyncMsh msh, std::uint8_t msi_attr,
                                                                std::uint32_t msi_data,
                                                                std::uint64_t msi_address) noexcept {
  if (cs == smmuv3::SyncCs::sig_irq) return sync_irq_completion(p, ram, msh, msi_attr, msi_data, msi_address);
  // SIG_SEV on an SMMU without SMMU_IDR0.SEV "is equivalent to SIG_NONE" (§4.7.3).
  return SyncCompletion{cs == smmuv3::SyncCs::sig_sev && p.idr.idr0.sev ? SyncSignal::sev : SyncSignal::none};
}

constexpr CommandOutcome sync_outcome(const SyncCompletion& s) noexcept {
  CommandOutcome o{};
  o.verdict = CommandVerdict::sync;
  o.sync = s;
  return o;
}

/// Applies one decoded command. `forward` is false when the policy says 'ignore': every
/// CERROR_ILL check still runs first (§4.1.3).
template <StreamMap M, GuestRam R>
struct CommandSanitizer {
  const Policy& p;
  const CommandContext<M, R>& ctx;
  bool forward;
  smmuv3::Words<2>* out;
  std::size_t cap;

  // --- §4.2 prefetch: accepted, never forwarded (an SMMU "is not required to prefetch any, or
  // all, of the configuration requested", §4.2.1/§4.2.2).
  constexpr CommandOutcome operator()(const smmuv3::CmdPrefetchConfig& c) const noexcept {
    if (c.ssec) return illegal(kSsec);
    return ignored("ignored: CMD_PREFETCH_CONFIG need not prefetch anything (§4.2.1)");
  }
  constexpr CommandOutcome operator()(const smmuv3::CmdPrefetchAddr& c) const noexcept {
    if (c.ssec) return illegal(kSsec);
    if (c.ns) return illegal("CERROR_ILL: CMD_PREFETCH_ADDR NS on the Non-secure Command queue: RES0 (§4.2.2)");
    if (c.stride != 0 && p.idr.aidr.arch_minor_rev == smmuv3::reg::ArchMinorRev::smmuv3_0)
      return illegal("CERROR_ILL: CMD_PREFETCH_ADDR Stride != 0 in SMMUv3.0: RES0 (§4.2.2)");
    return ignored("ignored: CMD_PREFETCH_ADDR need not prefetch anything (§4.2.2)");
  }

  // --- §4.3 configuration invalidation.
  constexpr CommandOutcome operator()(const smmuv3::CmdCfgiSte& c) const noexcept {
    if (c.ssec) return illegal(kSsec);
    if (!forward) return ignored(kPolicyIgnore);
    const SidResult s = translate_sid(p, ctx.streams, c.stream_id);
    if (!s.ok) return ignored(s.reason);
    // Leaf = 0 whatever the guest's Leaf (§4.3.1): the guest's L1STD is not the host's, and the
    // host may have rewritten its own L1STD for the pSID while re-installing the STE.
    return forward_one(smmuv3::CmdCfgiSte{false, s.psid, false}, out, cap, {true, c.stream_id, c.stream_id});
  }
  constexpr CommandOutcome operator()(const smmuv3::CmdCfgiSteRange& c) const noexcept {
    if (c.ssec) return illegal(kSsec);
    if (!forward) return ignored(kPolicyIgnore);
    // The bottom Range+1 bits of StreamID are IGNORED, aligning the range (§4.3.2).
    const std::uint32_t first = smmuv3::cfgi_ste_range_first(c.stream_id, c.range);
    const std::uint64_t end = std::uint64_t{first} + smmuv3::cfgi_ste_range_count(c.range) - 1;
    const std::uint32_t top = max_sid(p);
    if (first > top) return ignored(kSidOutOfRange);
    const std::uint32_t last = end > top ? top : static_cast<std::uint32_t>(end);
    return expand_ste_range(ctx.streams, first, last, out, cap);
  }
  constexpr CommandOutcome operator()(const smmuv3::CmdCfgiAll& c) const noexcept {
    // StreamID is IGNORED (§4.3.6); SSec follows the common rule.
    if (c.ssec) return illegal(kSsec);
    if (!forward) return ignored(kPolicyIgnore);
    return expand_ste_range(ctx.streams, 0, max_sid(p), out, cap);
  }
  constexpr CommandOutcome operator()(const smmuv3::CmdCfgiCd& c) const noexcept {
    if (c.ssec) return illegal(kSsec);
    if (!forward) return ignored(kPolicyIgnore);
    const SidResult s = translate_sid(p, ctx.streams, c.stream_id);
    if (!s.ok) return ignored(s.reason);
    if (!fits_width(c.substream_id, p.idr.idr1.ssidsize)) return ignored(kSsidOutOfRange);
    // "SubstreamID is the same in guest and host" (§4.3.7).
    return forward_one(smmuv3::CmdCfgiCd{false, c.substream_id, s.psid, c.leaf}, out, cap);
  }
  constexpr CommandOutcome operator()(const smmuv3::CmdCfgiCdAll& c) const noexcept {
    if (c.ssec) return illegal(kSsec);
    if (!forward) return ignored(kPolicyIgnore);
    const SidResult s = translate_sid(p, ctx.streams, c.stream_id);
    if (!s.ok) return ignored(s.reason);
    return forward_one(smmuv3::CmdCfgiCdAll{false, s.psid}, out, cap);
  }

  // --- §4.4.2 stage 1 TLB invalidation. VMID is RES0 on an SMMU without stage 2 and "the SMMU
  // is permitted to perform the invalidation on an UNKNOWN VMID value"; "a stage 1-only
  // implementation is not required to check that the VMID parameter is zero" (§4.4.2). The
  // guest's VMID is therefore not checked and the host VMID of the guest is used.
  constexpr CommandOutcome operator()(const smmuv3::CmdTlbiNhAll&) const noexcept {
    if (!forward) return ignored(kPolicyIgnore);
    return forward_one(smmuv3::CmdTlbiNhAll{p.vmid}, out, cap);
  }
  constexpr CommandOutcome operator()(const smmuv3::CmdTlbiNhAsid& c) const noexcept {
    if (const char* e = asid_error(p, c.asid)) return illegal(e);
    if (!forward) return ignored(kPolicyIgnore);
    return forward_one(smmuv3::CmdTlbiNhAsid{p.vmid, c.asid}, out, cap);
  }
  constexpr CommandOutcome operator()(const smmuv3::CmdTlbiNhVa& c) const noexcept {
    if (const char* e = asid_error(p, c.asid)) return illegal(e);
    if (const char* e = tlbi_range_error(p, c)) return illegal(e);
    if (!forward) return ignored(kPolicyIgnore);
    smmuv3::CmdTlbiNhVa phys = c;
    phys.vmid = p.vmid;
    return forward_one(phys, out, cap);
  }
  constexpr CommandOutcome operator()(const smmuv3::CmdTlbiNhVaa& c) const noexcept {
    if (const char* e = tlbi_range_error(p, c)) return illegal(e);
    if (!forward) return ignored(kPolicyIgnore);
    smmuv3::CmdTlbiNhVaa phys = c;
    phys.vmid = p.vmid;
    return forward_one(phys, out, cap);
  }
  // §4.4.4.1: NSNH_ALL invalidates every Non-secure non-EL2 entry of every VM; the guest's
  // entries are exactly the stage 1 (and nested) entries of its VMID, which CMD_TLBI_NH_ALL of
  // that VMID invalidates (§4.4.2.1; "a stage 1-only Non-secure SMMU with SMMU_IDR0.Hyp == 0
  // can also be initialized with CMD_TLBI_NH_ALL", §4.4.4.1).
  constexpr CommandOutcome operator()(const smmuv3::CmdTlbiNsnhAll&) const noexcept {
    if (!forward) return ignored(kPolicyIgnore);
    return forward_one(smmuv3::CmdTlbiNhAll{p.vmid}, out, cap);
  }

  // --- §4.5 ATS and PRI (reach here only when SMMU_IDR0.ATS / PRI is advertised).
  /// SSV == 1 with SMMU_IDR1.SSIDSIZE == 0: "the command behaves as though SSV == 0 ... or has
  /// no effect" (§4.5.1, §4.5.2); an out-of-range SubstreamID: no effect (§4.1.7). Both: ignored.
  constexpr const char* substream_ignore(bool ssv, std::uint32_t ssid) const noexcept {
    if (!ssv) return nullptr;
    if (p.idr.idr1.ssidsize == 0) return "ignored: SSV == 1 without SubstreamIDs: no effect (§4.5.1, §4.5.2)";
    if (!fits_width(ssid, p.idr.idr1.ssidsize)) return kSsidOutOfRange;
    return nullptr;
  }
  constexpr CommandOutcome operator()(const smmuv3::CmdAtcInv& c) const noexcept {
    if (c.size > smmuv3::kAtcInvSizeAll)
      return illegal("CERROR_ILL: CMD_ATC_INV Size > 52 (§4.5.1 permits CERROR_ILL)");
    if (!forward) return ignored(kPolicyIgnore);
    const SidResult s = translate_sid(p, ctx.streams, c.stream_id);
    if (!s.ok) return ignored(s.reason);
    if (const char* why = substream_ignore(c.ssv, c.substream_id)) return ignored(why);
    // Global and SubstreamID are IGNORED when SSV == 0 (§4.5.1): not passed on.
    smmuv3::CmdAtcInv phys{};
    phys.global = c.ssv && c.global;
    phys.ssv = c.ssv;
    phys.substream_id = c.ssv ? c.substream_id : 0;
    phys.stream_id = s.psid;
    phys.size = c.size;
    phys.address = c.address;
    return forward_one(phys, out, cap);
  }
  constexpr CommandOutcome operator()(const smmuv3::CmdPriResp& c) const noexcept {
    if (static_cast<std::uint8_t>(c.resp) > static_cast<std::uint8_t>(smmuv3::PriResp::success))
      return illegal("CERROR_ILL: CMD_PRI_RESP Resp == 0b11 is Reserved: ILLEGAL (§4.5.2)");
    if (!forward) return ignored(kPolicyIgnore);
    const SidResult s = translate_sid(p, ctx.streams, c.stream_id);
    if (!s.ok) return ignored(s.reason);
    if (const char* why = substream_ignore(c.ssv, c.substream_id)) return ignored(why);
    return forward_one(smmuv3::CmdPriResp{c.ssv, c.ssv ? c.substream_id : 0u, s.psid, c.prg_index, c.resp}, out,
                       cap);
  }

  // --- §4.7.1/§4.7.2 stall responses (reach here only with a stall model advertised). The SMMU
  // checks that STAG belongs to StreamID, otherwise the command is a no-op (§4.7.1), so a guest
  // can only resume its own stalled transactions.
  constexpr CommandOutcome operator()(const smmuv3::CmdResume& c) const noexcept {
    if (c.ssec) return illegal(kSsec);
    if (!forward) return ignored(kPolicyIgnore);
    const SidResult s = translate_sid(p, ctx.streams, c.stream_id);
    if (!s.ok) return ignored(s.reason);
    return forward_one(smmuv3::CmdResume{false, c.ac, c.ab, s.psid, c.stag}, out, cap);
  }
  constexpr CommandOutcome operator()(const smmuv3::CmdStallTerm& c) const noexcept {
    if (c.ssec) return illegal(kSsec);
    if (!forward) return ignored(kPolicyIgnore);
    const SidResult s = translate_sid(p, ctx.streams, c.stream_id);
    if (!s.ok) return ignored(s.reason);
    return forward_one(smmuv3::CmdStallTerm{false, s.psid}, out, cap);
  }

  // --- §4.7.3 CMD_SYNC: never copied to the physical queue; the device synchronises with the
  // host and then signals the guest as `sync` says.
  constexpr CommandOutcome operator()(const smmuv3::CmdSync& c) const noexcept {
    if (static_cast<std::uint8_t>(c.cs) > static_cast<std::uint8_t>(smmuv3::SyncCs::sig_sev))
      return illegal("CERROR_ILL: CMD_SYNC CS == 0b11 is Reserved (§4.7.3)");
    if (c.msi_ns) return illegal("CERROR_ILL: CMD_SYNC MSI_NS on the Non-secure Command queue: RES0 (§4.7.3)");
    if (!fits_width(c.msi_address, pa_operand_bits(p.idr.aidr.arch_minor_rev)))
      return illegal("CERROR_ILL: CMD_SYNC MSIAddress bits above this SMMU revision's PA operand: RES0 (§4.1.6)");
    if (!forward) return ignored(kPolicyIgnore);
    return sync_outcome(sync_completion(p, ctx.ram, c.cs, c.msh, c.msi_attr, c.msi_data, c.msi_address));
  }

  /// Every other opcode: the EL2/EL3/Secure TLBIs, stage 2 TLBIs, CFGI_VMS_PIDM, DPTI_*, and
  /// Reserved / IMPLEMENTATION DEFINED opcodes. `command_action` already refuses them (the
  /// library's ceiling); this keeps the visitor total should a ceiling ever admit one.
  template <class T>
  constexpr CommandOutcome operator()(const T&) const noexcept {
    return illegal("CERROR_ILL: command not supported by the guest's SMMU (§4.1.3, §7.1)");
  }
};

/// The reference path after the opcode's action (see below): the command decoded into its type,
/// its RES0 bits, then the visitor's rules. Out of line, so that a caller's loop over the fast
/// path keeps the command in registers instead of a copy for this call.
template <StreamMap M, GuestRam R>
[[gnu::noinline]] constexpr CommandOutcome sanitize_decoded(const Policy& policy, const smmuv3::Words<2>& guest,
                                                            const CommandContext<M, R>& ctx, smmuv3::Words<2>* out,
                                                            std::size_t out_capacity, CommandAction action) noexcept {
  // `guest` must already be the hypervisor's private copy of the queue entry, never a reference
  // into memory the guest can still write: a compiler may read a non-volatile object again
  // instead of keeping a copy.
  const smmuv3::Words<2> cmd = guest;
  const CommandSanitizer<M, R> s{policy, ctx, action == CommandAction::forward, out, out_capacity};
  // One decode: the RES0 check uses the layout the visitor picked. §4.1.5: an implementation
  // may detect non-zero RES0 fields as a malformed command; this one always does, so a guest
  // cannot smuggle bits to the host. (Reserved opcodes never get here: command_action.)
  return smmuv3::visit_command(cmd, [&cmd, &s]<class T>(const T& c) noexcept {
    if constexpr (!std::is_same_v<T, smmuv3::CmdUnknown>) {
      if (smmuv3::any(smmuv3::command_res0_bits_as<T>(cmd))) return illegal("CERROR_ILL: RES0 bit set (§4.1.5)");
    }
    return s(c);
  });
}

/// The reference path: every opcode, every rule of the visitor above, in the order §4.1.3
/// requires, on the command decoded into its type. `sanitize_command` sends here everything the
/// fast path does not take; the tests compare the two.
template <StreamMap M, GuestRam R>
constexpr CommandOutcome sanitize_command_reference(const Policy& policy, const smmuv3::Words<2>& guest,
                                                    const CommandContext<M, R>& ctx, smmuv3::Words<2>* out,
                                                    std::size_t out_capacity) noexcept {
  const CommandAction action = command_action(policy, static_cast<std::uint8_t>(smmuv3::cmd::Op::get(guest)));
  if (action == CommandAction::illegal)
    return illegal(
        "CERROR_ILL: opcode Reserved, IMPLEMENTATION DEFINED, or not available on the guest's SMMU (§4.1.1, "
        "§4.1.3)");
  return sanitize_decoded(policy, guest, ctx, out, out_capacity, action);
}

// --- The fast path. The commands a Linux guest sends nearly all the time (CMD_TLBI_NH_VA,
// CMD_TLBI_NH_ASID, CMD_CFGI_STE, CMD_CFGI_CD, CMD_SYNC) are judged on the raw words: the RES0
// mask of the opcode's layout, then only the operands a rule reads. Their physical command is
// the guest's words with the VMID or StreamID field replaced: for a command whose RES0 bits
// are clear, decoding, changing one field and encoding again gives exactly that. The fast path
// only ever accepts: a refusal, an ignore, a full output buffer or anything it does not know
// goes to the reference path, which decides and names the rule. Both must agree on every
// command (tests/vsmmu/sanitize_command_test.cpp compares them on random and mutated ones).

/// True when no RES0 bit of T's layout is set (§4.1.5).
template <class T>
constexpr bool res0_clear(const smmuv3::Words<2>& w) noexcept {
  constexpr smmuv3::Words<2> m = smmuv3::cmd::detail::kRes0<T>;
  return ((w[0] & m[0]) | (w[1] & m[1])) == 0;
}

/// True when the policy forwards opcode Op; command_ceiling folds for a constant opcode.
template <smmuv3::Opcode Op>
constexpr bool policy_forwards(const Policy& p) noexcept {
  return command_action(p, static_cast<std::uint8_t>(Op)) == CommandAction::forward;
}

/// asid_error(p, ASID) == nullptr, from word 0 of a TLBI.
constexpr bool asid_ok(const Policy& p, std::uint64_t w0) noexcept {
  return p.idr.idr0.asid16 || (smmuv3::cmd::Asid::get(w0) >> 8) == 0;
}

/// When true, tlbi_range_error would return nullptr for this address-based TLBI. It may say
/// false for a legal command (TTL128 == 1; NUM == 0 and SCALE == 0 with TTL == 0b01, whose
/// meaning depends on TG and DS): the reference path decides those.
constexpr bool tlbi_range_ok(const Policy& p, const smmuv3::Words<2>& w) noexcept {
  namespace f = smmuv3::cmd;
  static_assert(f::Num::word == 0 && f::Scale::word == 0 && f::Ttl128::word == 1 && f::Ttl::word == 1 &&
                f::Tg::word == 1);
  constexpr std::uint64_t kScale5 = std::uint64_t{0x20} << f::Scale::shift;  // SCALE[5], bit 25
  constexpr std::uint64_t kTtl1 = std::uint64_t{0b10} << f::Ttl::shift;      // TTL >= 0b10
  // No range operand at all: nothing for RIL to give meaning to.
  if (((w[0] & (f::Num::mask | f::Scale::mask)) | (w[1] & (f::Ttl128::mask | f::Ttl::mask | f::Tg::mask))) == 0)
    return true;
  // Otherwise legal when RIL is shown, TG != 0b00, TTL128 == 0, SCALE[5] only with DS, and the
  // combination is not the Reserved one: NUM != 0, SCALE != 0 or a level hint TTL >= 0b10 each
  // rule that out (tlbi_range_params_reserved).
  return p.idr.idr3.ril && (w[1] & f::Tg::mask) != 0 && (w[1] & f::Ttl128::mask) == 0 &&
         ((w[0] & kScale5) == 0 || p.idr.idr5.ds) &&
         ((w[0] & (f::Num::mask | f::Scale::mask)) != 0 || (w[1] & kTtl1) != 0);
}

/// translate_sid's accepting answer, all the fast path needs: the pSID of a vSID that is in
/// range and mapped; anything else goes to the reference path, which says why it is ignored.
template <StreamMap M>
[[gnu::always_inline]] constexpr StreamLookup mapped_stream(const Policy& p, const M& streams,
                                                            std::uint32_t vsid) noexcept {
  if (!fits_width(vsid, p.idr.idr1.sidsize)) return {};
  return streams.lookup(vsid);
}

/// Writes one physical command.
constexpr void put(smmuv3::Words<2>* out, std::uint64_t w0, std::uint64_t w1) noexcept {
  out[0][0] = w0;
  out[0][1] = w1;
}

constexpr CommandOutcome forwarded_one(SteRefresh refresh) noexcept {
  CommandOutcome o{};
  o.verdict = CommandVerdict::forwarded;
  o.produced = 1;
  o.refresh = refresh;
  return o;
}

/// What the fast path decided, in few enough bytes for a caller that inlines it to keep in
/// registers. `none`: the reference path decides, and nothing has been written.
struct FastOutcome {
  enum class Kind : std::uint8_t { none, forwarded, sync };
  Kind kind = Kind::none;
  /// forwarded: exactly one physical command, in out[0]; a CFGI_STE's refresh.
  SteRefresh refresh{};
  /// sync: what to signal.
  SyncCompletion sync{};
};

/// The fast path, for the opcodes above; FastOutcome::Kind::none for everything it does not
/// accept. Always inlined: its answer must stay in the caller's registers, not go through memory.
template <StreamMap M, GuestRam R>
[[gnu::always_inline]] constexpr FastOutcome sanitize_command_fast(const Policy& p, const smmuv3::Words<2>& guest,
                                                                   const CommandContext<M, R>& ctx,
                                                                   smmuv3::Words<2>* out, std::size_t cap) noexcept {
  using smmuv3::Opcode;
  namespace f = smmuv3::cmd;
  using Kind = FastOutcome::Kind;
  const std::uint64_t w0 = guest[0];
  const std::uint64_t w1 = guest[1];
  const smmuv3::Words<2> cmd{{w0, w1}};
  const Opcode op = smmuv3::command_opcode(cmd);
  // The two commands a Linux guest sends most come first: with iommu.strict every unmap is a
  // CMD_TLBI_NH_VA and a CMD_SYNC (the capture in tests/data is 47 % and 50 % of them).
  if (op == Opcode::tlbi_nh_va) {
    if (!policy_forwards<Opcode::tlbi_nh_va>(p) || !res0_clear<smmuv3::CmdTlbiNhVa>(cmd) || !asid_ok(p, w0) ||
        !tlbi_range_ok(p, cmd) || cap == 0)
      return {};
    put(out, f::Vmid::insert(w0, p.vmid), w1);
    return {Kind::forwarded, {}, {}};
  }
  if (op == Opcode::sync) {
    if (!policy_forwards<Opcode::sync>(p) || !res0_clear<smmuv3::CmdSync>(cmd)) return {};
    const auto cs = static_cast<smmuv3::SyncCs>(f::SyncCs::get(w0));
    const std::uint64_t msi_address = f::SyncMsiAddress::get(cmd);
    // An MSIAddress of 0 (no MSI, as for SIG_NONE and SIG_SEV) fits every revision.
    if (cs > smmuv3::SyncCs::sig_sev || f::SyncMsiNs::get(cmd) != 0 ||
        (msi_address != 0 && !fits_width(msi_address, pa_operand_bits(p.idr.aidr.arch_minor_rev))))
      return {};
    return {Kind::sync, {},
            sync_completion(p, ctx.ram, cs, static_cast<smmuv3::SyncMsh>(f::SyncMsh::get(w0)),
                            static_cast<std::uint8_t>(f::SyncMsiAttr::get(w0)),
                            static_cast<std::uint32_t>(f::SyncMsiData::get(w0)), msi_address)};
  }
  switch (op) {
    case Opcode::tlbi_nh_asid:
      if (!policy_forwards<Opcode::tlbi_nh_asid>(p) || !res0_clear<smmuv3::CmdTlbiNhAsid>(cmd) || !asid_ok(p, w0) ||
          cap == 0)
        break;
      put(out, f::Vmid::insert(w0, p.vmid), w1);
      return {Kind::forwarded, {}, {}};
    case Opcode::cfgi_ste: {
      if (!policy_forwards<Opcode::cfgi_ste>(p) || !res0_clear<smmuv3::CmdCfgiSte>(cmd) || f::Ssec::get(w0) != 0 ||
          cap == 0)
        break;
      const auto vsid = static_cast<std::uint32_t>(f::StreamId::get(w0));
      const StreamLookup s = mapped_stream(p, ctx.streams, vsid);
      if (!s.mapped) break;
      // SSec and Leaf 0, as the reference path writes them.
      put(out, f::StreamId::insert(static_cast<std::uint64_t>(Opcode::cfgi_ste), s.psid), 0);
      return {Kind::forwarded, {true, vsid, vsid}, {}};
    }
    case Opcode::cfgi_cd: {
      if (!policy_forwards<Opcode::cfgi_cd>(p) || !res0_clear<smmuv3::CmdCfgiCd>(cmd) || f::Ssec::get(w0) != 0 ||
          !fits_width(f::SubstreamId::get(w0), p.idr.idr1.ssidsize) || cap == 0)
        break;
      const StreamLookup s = mapped_stream(p, ctx.streams, static_cast<std::uint32_t>(f::StreamId::get(w0)));
      if (!s.mapped) break;
      put(out, f::StreamId::insert(w0, s.psid), w1);
      return {Kind::forwarded, {}, {}};
    }
    default:
      break;
  }
  return {};
}

}  // namespace detail

/// Sanitizes one guest command. `guest` must be the caller's private copy of the queue entry
/// (read from guest memory once, by the caller); it is copied again and only the copy is
/// judged. On `forwarded`, out[0..produced) hold the physical commands; on `no_space` nothing is
/// written and `produced` is the capacity needed. Work is O(1), or O(streams.size()) for
/// CMD_CFGI_STE_RANGE / CMD_CFGI_ALL. Always inlined (the reference path is a call): the
/// fast path's outcome then stays in the caller's registers.
template <StreamMap M, GuestRam R>
[[gnu::always_inline]] constexpr CommandOutcome sanitize_command(const Policy& policy, const smmuv3::Words<2>& guest,
                                          const CommandContext<M, R>& ctx, smmuv3::Words<2>* out,
                                          std::size_t out_capacity) noexcept {
  // `guest` must already be the hypervisor's private copy of the queue entry, never a reference
  // into memory the guest can still write: a compiler may read a non-volatile object again
  // instead of keeping a copy.
  // The fast path reads the two words once and decides on those values; when it declines it
  // has written nothing, and the reference path judges its own copy.
  const detail::FastOutcome fast = detail::sanitize_command_fast(policy, guest, ctx, out, out_capacity);
  switch (fast.kind) {
    case detail::FastOutcome::Kind::forwarded: return detail::forwarded_one(fast.refresh);
    case detail::FastOutcome::Kind::sync: return detail::sync_outcome(fast.sync);
    case detail::FastOutcome::Kind::none: break;
  }
  return detail::sanitize_command_reference(policy, guest, ctx, out, out_capacity);
}

}  // namespace vsmmu
