// SPDX-License-Identifier: MIT
// libFuzzer target: the sanitizer (include/vsmmu/) against a hostile guest, under many policies.
//
// Input: header[0] picks what is judged, header[1..8] build the Policy, then come the bytes
// of that mode (see each reader below) and the guest record:
//   0 STE (sanitize_ste), 1 CD (validate_cd), 2 L1CD (validate_l1_cd_descriptor),
//   3 a run of commands (sanitize_commands, checked against sanitize_command one command at a
//     time, and sanitize_command's fast path against its reference path),
//   4 L1STD (check_l1std).
// Each header bit changes one thing relative to the Linux capture in tests/data/linux-6.1.192-2
// (QEMU's SMMUv3 plus stage 2, VMID 7, StreamIDs 0x8 and 0x10, 8 output slots, budget 32), so an
// all-zero header is that capture's setup: Linux-shaped seeds start from a policy they are
// valid under, and each mutation of the header is one feature more or less.
//
// What is checked is what the headers and docs/sanitizer.md promise a hypervisor: no guest
// record reaches the hardware except as a safe physical record, the architected error is
// reported as such, work and output stay within their bounds, and the answers are
// deterministic. A violated property prints the rule to stderr and traps, so libFuzzer saves
// the input. No allocation per input: buffers are static or allocated once.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <type_traits>

#include "smmuv3/smmuv3.hpp"
#include "vsmmu/guest_ram.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_command.hpp"
#include "vsmmu/sanitize_commands.hpp"
#include "vsmmu/sanitize_ste.hpp"
#include "vsmmu/stream_map.hpp"
#include "vsmmu/validate_cd.hpp"

namespace {

namespace ste = smmuv3::ste;
namespace reg = smmuv3::reg;
using smmuv3::Opcode;
using smmuv3::Words;
using W2 = Words<2>;
using W8 = Words<8>;

[[noreturn]] void fail(int line, const char* what, const char* reason = nullptr) {
  if (reason != nullptr)
    std::fprintf(stderr, "fuzz_sanitizer.cpp:%d: property violated: %s (reason: %s)\n", line, what, reason);
  else
    std::fprintf(stderr, "fuzz_sanitizer.cpp:%d: property violated: %s\n", line, what);
  __builtin_trap();
}
#define CHECK(cond, what) ((cond) ? void() : fail(__LINE__, what))
#define CHECK_R(cond, what, reason) ((cond) ? void() : fail(__LINE__, what, reason))

/// Reads the input front to back; past the end every byte reads as zero (the default).
struct Reader {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t at = 0;
  std::uint8_t byte() noexcept { return at < size ? data[at++] : 0; }
  std::size_t left() const noexcept { return size - at; }
  const std::uint8_t* here() const noexcept { return data + at; }
};

// ---------------------------------------------------------------------------------------------
// Policy from the header.
// ---------------------------------------------------------------------------------------------

/// The host of the Linux capture (tests/vsmmu/linux_capture_test.cpp): QEMU 7.2's SMMUv3
/// (IDR0 0x0d40101a, IDR1 0x02730010, IDR3 0x1404, IDR5 0x74, AIDR 1) plus S2P. Its IDR1 has
/// no SubstreamIDs; the host here gets SSIDSIZE 20 so the guest may be given 0..20.
constexpr vsmmu::HostIdrs kQemuHost{0x0d40101b, 0x02730010, 0x00001404, 0x00000074, 0x1};

template <class R>
std::uint32_t raw(const R& r) noexcept {
  return static_cast<std::uint32_t>(reg::encode(r).words[0]);
}

/// header[1] host A, header[2] host B, header[3] host IDR5, header[4] guest A, header[5]
/// guest B, header[6] idr overrides, header[7..8] one per-opcode table entry.
vsmmu::Policy build_policy(Reader& in) noexcept {
  const std::uint8_t a = in.byte();
  const std::uint8_t b = in.byte();
  const std::uint8_t c = in.byte();
  const std::uint8_t ga = in.byte();
  const std::uint8_t gb = in.byte();
  const std::uint8_t ov = in.byte();
  const std::uint8_t tweak_opcode = in.byte();
  const std::uint8_t tweak_action = in.byte();

  reg::Idr0 h0 = reg::decode_idr0(Words<1>{{kQemuHost.idr0}});
  reg::Idr1 h1 = reg::decode_idr1(Words<1>{{kQemuHost.idr1}});
  reg::Idr3 h3 = reg::decode_idr3(Words<1>{{kQemuHost.idr3}});
  reg::Idr5 h5 = reg::decode_idr5(Words<1>{{kQemuHost.idr5}});
  reg::Aidr aidr = reg::decode_aidr(Words<1>{{kQemuHost.aidr}});
  h1.ssidsize = 20;
  // Host A: each bit toggles one feature of the QEMU host.
  h3.ril ^= (a & 0x01) != 0;
  h0.asid16 ^= (a & 0x02) != 0;
  h0.vmid16 ^= (a & 0x04) != 0;
  h0.ats ^= (a & 0x08) != 0;
  h0.pri ^= (a & 0x10) != 0;
  constexpr reg::StallModel kStall[] = {reg::StallModel::stall_and_terminate, reg::StallModel::stall_forced,
                                        reg::StallModel::terminate_only};
  if (const unsigned k = (a >> 5) & 3; k != 0) h0.stall_model = kStall[k - 1];
  h0.cd2l ^= (a & 0x80) != 0;
  // Host B.
  h5.ds ^= (b & 0x01) != 0;
  h0.term_model ^= (b & 0x02) != 0;
  h0.httu = static_cast<reg::Httu>(static_cast<unsigned>(h0.httu) ^ ((b >> 2) & 3));
  constexpr reg::TtEndian kEndian[] = {reg::TtEndian::mixed, reg::TtEndian::little, reg::TtEndian::big};
  if (const unsigned k = (b >> 4) & 3; k != 0) h0.tt_endian = kEndian[k - 1];
  aidr.arch_minor_rev = static_cast<reg::ArchMinorRev>(static_cast<unsigned>(aidr.arch_minor_rev) ^ ((b >> 6) & 3));
  // Host IDR5.
  h5.gran4k ^= (c & 0x01) != 0;
  h5.gran16k ^= (c & 0x02) != 0;
  h5.gran64k ^= (c & 0x04) != 0;
  if (!h5.gran4k && !h5.gran16k && !h5.gran64k) h5.gran4k = true;  // make_policy needs one
  if (const unsigned k = (c >> 3) & 7; k != 0) h5.oas = static_cast<reg::Oas>(k - 1);  // pa32..pa52
  h3.stt ^= (c & 0x40) != 0;
  if ((c & 0x80) != 0) h5.vax = h5.vax == reg::Vax::va48 ? reg::Vax::va52 : reg::Vax::va48;

  const vsmmu::HostIdrs host{raw(h0), raw(h1), raw(h3), raw(h5), raw(aidr)};

  // Guest A: VMID, SSIDSIZE, SIDSIZE, stream table levels, ATS.
  vsmmu::GuestConfig g{};
  constexpr std::uint16_t kVmid16[] = {7, 0x1234, 0xFFFF, 0x100};
  constexpr std::uint16_t kVmid8[] = {7, 0xAB, 0xFF, 0x80};
  g.vmid = h0.vmid16 ? kVmid16[ga & 3] : kVmid8[ga & 3];
  constexpr std::uint8_t kSsid[] = {0, 20, 8, 1};
  g.ssid_bits = kSsid[(ga >> 2) & 3];
  constexpr std::uint8_t kSid[] = {16, 8, 32, 0};
  g.sid_bits = kSid[(ga >> 4) & 3];
  g.two_level_stream_table = (ga & 0x40) == 0;
  g.ats = (ga & 0x80) != 0;
  // Guest B: PRI, stall, SEV, MSI, BTM, IPA size. The capture's queues.
  g.pri = (gb & 0x01) != 0;
  // A stall-forcing host requires a guest that handles stalls (PolicyError::host_forces_stall).
  g.stall = (gb & 0x02) != 0 || h0.stall_model == reg::StallModel::stall_forced;
  g.sev = (gb & 0x04) != 0;
  g.msi = (gb & 0x08) == 0;
  g.btm = (gb & 0x10) != 0;
  constexpr unsigned kIpa[] = {44, 48, 40, 32, 36, 42, 52, 64};
  g.ipa_bits = kIpa[gb >> 5];
  g.cmdq_log2 = 19;
  g.eventq_log2 = 19;

  const vsmmu::PolicyResult r = vsmmu::make_policy(host, g);
  // Every knob above picks a combination make_policy accepts; a refusal is a bug here.
  CHECK(r.ok(), "make_policy refused a header-built host/guest combination");
  vsmmu::Policy p = r.policy;

  // Overrides a hand-made Policy may carry beyond make_policy: features whose STE/CD fields
  // the sanitizer must refuse (MPAM, D128: every STE fails closed) or judge (S1PI, THE, ...).
  reg::Idr3& i3 = p.idr.idr3;
  i3.s1pi = (ov & 0x01) != 0;
  i3.the = (ov & 0x02) != 0;
  i3.epan = (ov & 0x04) != 0;
  i3.aie = (ov & 0x08) != 0;
  p.idr.idr5.d128 = (ov & 0x10) != 0;
  i3.mpam = (ov & 0x20) != 0;
  if ((ov & 0x40) != 0) p.idr.idr0.httu = reg::Httu::access_dirty_table_access;
  i3.pbha = (ov & 0x80) != 0;

  // One per-opcode table entry: tighten a forwarded opcode, or try to raise one above the
  // ceiling (command_action must never let that through).
  constexpr vsmmu::CommandAction kAction[] = {vsmmu::CommandAction::illegal, vsmmu::CommandAction::ignore,
                                              vsmmu::CommandAction::forward};
  if (const unsigned k = tweak_action & 3; k != 0) p.commands[tweak_opcode] = kAction[k - 1];
  return p;
}

// ---------------------------------------------------------------------------------------------
// STE.
// ---------------------------------------------------------------------------------------------

template <class F>
std::uint64_t get(const W8& w) noexcept {
  return F::get(w);
}
template <class F>
void put(W8& w, std::uint64_t v) noexcept {
  vsmmu::detail::ste_put<F>(w, v);
}

// The masks of tests/vsmmu/sanitize_ste_test.cpp: every S2 field of the host template (S2VMID
// apart); the fields a guest can influence (plus those the sanitizer writes itself, and MEV,
// which it forces to 1); the guest fields the sanitizer IGNORES for bypass and stage 1.
constexpr W8 kStage2Mask =
    smmuv3::mask_of<8, ste::S2Hwu59, ste::S2Hwu60, ste::S2Hwu61, ste::S2Hwu62, ste::S2Fwb, ste::S2T0sz,
                    ste::S2Sl0, ste::S2Ir0, ste::S2Or0, ste::S2Sh0, ste::S2Tg, ste::S2Ps, ste::S2Aa64,
                    ste::S2Endi, ste::S2Affd, ste::S2Ptw, ste::S2Hd, ste::S2Ha, ste::S2S, ste::S2R,
                    ste::S2Haft, ste::S2Pie, ste::S2Poe, ste::S2Nsw, ste::S2Nsa, ste::S2Sl0_2, ste::S2Ds,
                    ste::S2Ttb::Field, ste::S2Skl, ste::S2Sw, ste::S2Sa, ste::S2Poi>();
constexpr W8 kWrittenMask =
    smmuv3::mask_of<8, ste::V, ste::Config, ste::S1Fmt, ste::S1ContextPtr::Field, ste::S1CdMax, ste::S1Dss,
                    ste::S1Cir, ste::S1Cor, ste::S1Csh, ste::S1Stalld, ste::Eats, ste::Ppar, ste::S1Pie,
                    ste::S1Mpam, ste::Dre, ste::Dcp, ste::Strw, ste::S2Vmid, ste::Mev>();
constexpr W8 kGuestIgnoredMask =
    smmuv3::mask_of<8, ste::S2Hwu59, ste::S2Hwu60, ste::S2Hwu61, ste::S2Hwu62, ste::Cont, ste::Mev,
                    ste::SwReserved, ste::S2Fwb, ste::MemAttr, ste::Mtcfg, ste::Alloccfg, ste::Shcfg,
                    ste::Nscfg, ste::Privcfg, ste::Instcfg, ste::ImplDef127_116, ste::S2Vmid,
                    ste::ImplDef159_144, ste::S2T0sz, ste::S2Sl0, ste::S2Ir0, ste::S2Or0, ste::S2Sh0,
                    ste::S2Tg, ste::S2Ps, ste::S2Aa64, ste::S2Endi, ste::S2Affd, ste::S2Ptw, ste::S2Hd,
                    ste::S2Ha, ste::S2S, ste::S2R, ste::S2Haft, ste::S2Pie, ste::S2Poe, ste::S2Nsw,
                    ste::S2Nsa, ste::S2Sl0_2, ste::S2Ds, ste::S2Ttb::Field, ste::S2Skl,
                    ste::ImplDef271_256, ste::S2Sw, ste::S2Sa, ste::S2Poi>();

/// The host's stage 2 template for the policy, as a hypervisor builds it (covering the guest's
/// OAS, S2S as the host's stall model demands), with host-owned values a guest must never
/// change. header[9] varies the host's own choices; header[10] bit 7 flips one bit of words
/// 2-3 (the stage 2 fields), which may make the template unusable: sanitize_ste must then fail
/// closed.
smmuv3::Ste host_template(const vsmmu::Policy& p, Reader& in, bool& mutated) noexcept {
  const std::uint8_t k = in.byte();
  const std::uint8_t m = in.byte();
  smmuv3::Ste h{};
  h.v = true;
  h.config = smmuv3::SteConfig::s2_trans;
  h.s2_vmid = 0x0999;  // never the guest's: S2VMID must come from the policy
  h.s2_t0sz = static_cast<std::uint8_t>(64 - reg::oas_bits(p.idr.idr5.oas));
  h.s2_sl0 = 2;
  h.s2_ir0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
  h.s2_or0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
  h.s2_sh0 = smmuv3::SteShareability::inner_shareable;
  h.s2_tg = smmuv3::S2Tg::granule_4k;
  h.s2_ps = smmuv3::S2Ps::pa_48;
  h.s2_aa64 = true;
  h.s2_r = true;
  h.s2_ttb = 0x0000'0080'4000'0000;
  h.s2_s = p.host_stall_model == reg::StallModel::stall_forced;
  h.shcfg = smmuv3::SteShcfg::incoming;
  h.sw_reserved = 0x5;
  h.impl_def_127_116 = 0xABC;
  h.impl_def_159_144 = 0x1357;
  h.impl_def_271_256 = 0x2468;
  h.eats = (k & 0x01) != 0 ? smmuv3::Eats::abort : smmuv3::Eats::full;
  h.dre = (k & 0x02) == 0;
  h.dcp = (k & 0x04) == 0;
  // The host may disallow stalls only where its hardware would take S1STALLD == 1.
  h.s1_stalld = (k & 0x08) != 0 && p.host_stall_model == reg::StallModel::stall_and_terminate;
  h.s2_ptw = (k & 0x10) == 0;
  h.s2_affd = (k & 0x20) != 0;
  h.s2_endi = (k & 0x40) != 0;
  h.mev = (k & 0x80) != 0;
  mutated = (m & 0x80) != 0;
  if (mutated) {
    W8 w = smmuv3::encode(h).words;
    w[2 + ((m >> 6) & 1)] ^= std::uint64_t{1} << (m & 0x3F);
    h = smmuv3::decode_ste(w);
  }
  return h;
}

constexpr bool stalls_hidden(const vsmmu::Policy& p) noexcept {
  return p.host_stall_model == reg::StallModel::stall_and_terminate &&
         p.idr.idr0.stall_model != reg::StallModel::stall_and_terminate;
}

void check_ste(const vsmmu::Policy& p, Reader& in) {
  bool mutated = false;
  const smmuv3::Ste h = host_template(p, in, mutated);
  const char* const template_problem = vsmmu::host_ste_problem(p, h);
  // Without a mutation or a feature the guest must not be shown (MPAM, D128, stall + ATS on a
  // stall-forcing host: S2S == 1 then conflicts with ATS), the template must be usable.
  const bool policy_unsupported = p.idr.idr3.mpam || p.idr.idr5.d128 ||
                                  (p.host_stall_model == reg::StallModel::stall_forced && p.idr.idr0.ats);
  CHECK_R(template_problem == nullptr || mutated || policy_unsupported,
          "host_template() builds an unusable template", template_problem);
  if (in.left() < smmuv3::kSteBytes) return;
  const W8 g = smmuv3::load_le<8>(in.here());

  const vsmmu::SteResult r = vsmmu::sanitize_ste(p, g, h);
  CHECK((r.verdict == vsmmu::SteVerdict::install) == (r.reason == nullptr), "reason non-null iff not install");
  // IGNORED guest fields never change the outcome (and the call is deterministic).
  const W8 cleared = smmuv3::bits_in(g, smmuv3::complement(kGuestIgnoredMask));
  const vsmmu::SteResult again = vsmmu::sanitize_ste(p, cleared, h);
  CHECK(again.verdict == r.verdict && again.physical == r.physical && again.reason == r.reason,
        "IGNORED guest STE fields changed the outcome");

  if (template_problem != nullptr) {
    CHECK(r.verdict == vsmmu::SteVerdict::bad_ste && r.reason == template_problem,
          "an unusable host template did not fail closed");
  }
  if (r.verdict != vsmmu::SteVerdict::install) {
    CHECK(r.physical == W8{}, "invalid/bad STE: physical STE not all-zero");
    CHECK((r.verdict == vsmmu::SteVerdict::invalid) == (template_problem == nullptr && get<ste::V>(g) == 0),
          "verdict invalid iff guest V == 0 (with a usable template)");
    return;
  }
  CHECK(get<ste::V>(g) == 1, "install from a guest STE with V == 0");
  const W8& phys = r.physical;
  CHECK(get<ste::V>(phys) == 1, "install: physical V != 1");
  CHECK(!smmuv3::any(smmuv3::ste_res0_bits(phys)), "install: physical STE has RES0 bits");
  const auto config = static_cast<smmuv3::SteConfig>(get<ste::Config>(phys));
  if (config == smmuv3::SteConfig::abort) {
    CHECK((get<ste::Config>(g) & 0b100) == 0, "abort STE for a guest Config other than 0b0xx");
    CHECK(phys == W8{{1}}, "abort STE: a field other than V is set");
    return;
  }
  // Never bypass, never stage-1-only: the guest's addresses always go through stage 2.
  CHECK(config == smmuv3::SteConfig::s2_trans || config == smmuv3::SteConfig::nested,
        "install: physical Config is neither abort, stage 2 nor nested");
  CHECK(get<ste::S2Vmid>(phys) == p.vmid, "install: S2VMID != policy.vmid");
  CHECK(get<ste::Mev>(phys) == 1, "install: MEV != 1");
  const W8 host = smmuv3::encode(h).words;
  CHECK(smmuv3::bits_in(phys, kStage2Mask) == smmuv3::bits_in(host, kStage2Mask),
        "install: a stage 2 field differs from the host template");
  CHECK(smmuv3::bits_in(phys, smmuv3::complement(kWrittenMask)) ==
            smmuv3::bits_in(host, smmuv3::complement(kWrittenMask)),
        "install: a bit outside the guest-controlled fields differs from the host template");
  const unsigned eats_ceiling = p.idr.idr0.ats && h.eats == smmuv3::Eats::full ? 1u : 0u;
  CHECK(get<ste::Eats>(phys) <= eats_ceiling, "install: EATS above the template's and the policy's");
  if (config == smmuv3::SteConfig::s2_trans) {
    CHECK(get<ste::Config>(g) == static_cast<std::uint8_t>(smmuv3::SteConfig::bypass),
          "stage-2-only STE for a guest Config other than bypass");
    W8 want = host;
    put<ste::S2Vmid>(want, p.vmid);
    put<ste::Mev>(want, 1);
    put<ste::Eats>(want, 0);
    CHECK(phys == want, "guest bypass: physical STE is not the host template (VMID, MEV, EATS 0)");
    return;
  }
  CHECK(get<ste::Config>(g) == static_cast<std::uint8_t>(smmuv3::SteConfig::s1_trans),
        "nested STE for a guest Config other than stage 1");
  // Nested: the stage 1 fields are legal ones, the context pointer an IPA inside the guest's OAS.
  const unsigned oas = reg::oas_bits(p.idr.idr5.oas);
  CHECK((get<ste::S1ContextPtr>(phys) >> oas) == 0, "nested: S1ContextPtr above the guest's OAS");
  CHECK((get<ste::S1ContextPtr>(phys) & ~get<ste::S1ContextPtr>(g)) == 0,
        "nested: S1ContextPtr has a bit the guest did not write");
  CHECK(get<ste::S1CdMax>(phys) <= p.idr.idr1.ssidsize, "nested: S1CDMax > SSIDSIZE");
  CHECK(get<ste::S1Fmt>(phys) != 3 && get<ste::S1Dss>(phys) != 3 && get<ste::S1Csh>(phys) != 1,
        "nested: a Reserved S1Fmt/S1DSS/S1CSH encoding reached the hardware");
  CHECK(get<ste::Strw>(phys) == 0 && get<ste::S1Mpam>(phys) == 0, "nested: STRW or S1MPAM != 0");
  if (h.s1_stalld || stalls_hidden(p)) CHECK(get<ste::S1Stalld>(phys) == 1, "nested: stalls not disallowed");
  if (!h.dre) CHECK(get<ste::Dre>(phys) == 0, "nested: DRE without the host's");
  if (!h.dcp) CHECK(get<ste::Dcp>(phys) == 0, "nested: DCP without the host's");
}

// ---------------------------------------------------------------------------------------------
// CD, L1CD, L1STD.
// ---------------------------------------------------------------------------------------------

/// header[9]: S1STALLD, S1PIE, S1MPAM, and S1Fmt XOR 0b10 (0: Linux's 64KB L2 tables).
vsmmu::CdStreamContext cd_context(Reader& in) noexcept {
  const std::uint8_t k = in.byte();
  vsmmu::CdStreamContext c{};
  c.s1stalld = (k & 0x01) != 0;
  c.s1pie = (k & 0x02) != 0;
  c.s1mpam = (k & 0x04) != 0;
  c.s1fmt = static_cast<smmuv3::S1Fmt>(((k >> 3) & 3) ^ 2);
  return c;
}

bool granule_shown(const reg::Idr5& idr5, smmuv3::cd::Granule g) noexcept {
  switch (g) {
    case smmuv3::cd::Granule::size_4kb: return idr5.gran4k;
    case smmuv3::cd::Granule::size_16kb: return idr5.gran16k;
    case smmuv3::cd::Granule::size_64kb: return idr5.gran64k;
    case smmuv3::cd::Granule::reserved: break;
  }
  return false;
}

void check_cd(const vsmmu::Policy& p, Reader& in) {
  const vsmmu::CdStreamContext ctx = cd_context(in);
  if (in.left() < smmuv3::kCdBytes) return;
  const W8 w = smmuv3::load_le<8>(in.here());
  const vsmmu::CdResult r = vsmmu::validate_cd(p, ctx, w);
  const vsmmu::CdResult again = vsmmu::validate_cd(p, ctx, w);
  CHECK(again.verdict == r.verdict && again.reason == r.reason, "validate_cd is not deterministic");
  CHECK(r.ok() == (r.reason == nullptr), "CD: reason non-null iff not valid");
  CHECK(r.verdict != vsmmu::CdVerdict::bad_substreamid, "CD: verdict bad_substreamid");
  const smmuv3::Cd c = smmuv3::decode_cd(w);
  CHECK((r.verdict == vsmmu::CdVerdict::invalid) == !c.v, "CD: verdict invalid iff V == 0");
  if (!r.ok()) return;
  // A valid CD has no RES0 bit set, so it is a fixed point of decode -> encode: nothing the
  // guest wrote is dropped, and the re-encoded CD is judged the same.
  CHECK(!smmuv3::any(smmuv3::cd_res0_bits(w)), "valid CD with RES0 bits");
  const smmuv3::Encoded<8> e = smmuv3::encode(c);
  CHECK(e.ok() && e.words == w, "valid CD does not re-encode to itself");
  CHECK(vsmmu::validate_cd(p, ctx, e.words).ok(), "re-encoded valid CD is not valid");
  // A few of the §5.4.2 rules, restated independently.
  const vsmmu::GuestIdrs& idr = p.idr;
  CHECK(c.impl_def == 0 && c.amair0 == 0 && c.amair1 == 0, "valid CD with IMPDEF or AMAIR bits");
  CHECK(idr.idr0.asid16 || c.asid <= 0xFF, "valid CD with a 16-bit ASID on an 8-bit-ASID SMMU");
  CHECK(!idr.idr0.term_model || c.a, "valid CD with A == 0 and TERM_MODEL == 1");
  CHECK(idr.idr0.stall_model != reg::StallModel::terminate_only || !c.s, "valid CD with S == 1, terminate-only");
  CHECK(idr.idr0.stall_model != reg::StallModel::stall_forced || c.s, "valid CD with S == 0, stall forced");
  CHECK(c.aa64 || idr.idr5.d128 || (static_cast<unsigned>(idr.idr0.ttf) & 1u) != 0,
        "valid AArch32 CD without SMMU_IDR0.TTF LPAE");
  if (c.aa64 && !c.epd0)
    CHECK(granule_shown(idr.idr5, smmuv3::cd::tg0_granule(c.tg0)), "valid CD with an unadvertised TG0");
  if (c.aa64 && !c.epd1)
    CHECK(granule_shown(idr.idr5, smmuv3::cd::tg1_granule(c.tg1)), "valid CD with an unadvertised TG1");
}

void check_l1cd(const vsmmu::Policy& p, Reader& in) {
  const vsmmu::CdStreamContext ctx = cd_context(in);
  if (in.left() < 8) return;
  const Words<1> w = smmuv3::load_le<1>(in.here());
  const vsmmu::CdResult r = vsmmu::validate_l1_cd_descriptor(p, ctx, w);
  const vsmmu::CdResult again = vsmmu::validate_l1_cd_descriptor(p, ctx, w);
  CHECK(again.verdict == r.verdict && again.reason == r.reason, "validate_l1_cd_descriptor is not deterministic");
  CHECK(r.ok() == (r.reason == nullptr), "L1CD: reason non-null iff not valid");
  CHECK(r.verdict != vsmmu::CdVerdict::bad_cd, "L1CD: verdict bad_cd");
  const smmuv3::L1CdTableDescriptor d = smmuv3::decode_l1cd(w);
  CHECK((r.verdict == vsmmu::CdVerdict::invalid) == !d.v, "L1CD: verdict invalid iff V == 0");
  if (!r.ok()) return;
  CHECK(!smmuv3::any(smmuv3::l1cd_res0_bits(w)), "valid L1CD with RES0 bits");
  const unsigned oas = reg::oas_bits(p.idr.idr5.oas);
  CHECK(oas >= 64 || (d.l2_ptr >> oas) == 0, "valid L1CD with L2Ptr above the OAS");
  CHECK((d.l2_ptr & smmuv3::l1cd_l2ptr_res0_mask(ctx.s1fmt)) == 0, "valid L1CD with RES0 L2Ptr bits");
}

/// header[9]: SMMU_STRTAB_BASE_CFG.SPLIT, 8 (Linux) XOR-defaulted, else 6 or 10.
void check_l1std(const vsmmu::Policy& p, Reader& in) {
  constexpr unsigned kSplit[] = {8, 6, 10};
  const unsigned split = kSplit[in.byte() % 3];
  if (in.left() < 8) return;
  const Words<1> w = smmuv3::load_le<1>(in.here());
  const vsmmu::L1StdResult r = vsmmu::check_l1std(p, w, split);
  CHECK(r.ok() == (r.reason == nullptr), "L1STD: reason non-null iff not valid");
  if (!r.ok()) {
    CHECK(r.l2_table == 0 && r.ste_count == 0, "refused L1STD with a table");
    return;
  }
  const smmuv3::L1StreamTableDescriptor d = smmuv3::decode_l1std(w);
  CHECK(!smmuv3::any(smmuv3::l1std_res0_bits(w)), "valid L1STD with RES0 bits");
  CHECK(d.span >= 1 && d.span - 1u <= split, "valid L1STD with a Span beyond SPLIT");
  CHECK(r.ste_count == std::uint32_t{1} << (d.span - 1), "valid L1STD: ste_count != 2^(Span-1)");
  CHECK((r.l2_table & smmuv3::l1std_l2ptr_ignored_mask(d.span)) == 0, "valid L1STD: unaligned L2 table");
  CHECK((r.l2_table & ~d.l2_ptr) == 0, "valid L1STD: L2 table has a bit the guest did not write");
  CHECK((r.l2_table >> reg::oas_bits(p.idr.idr5.oas)) == 0, "valid L1STD: L2 table above the OAS");
}

// ---------------------------------------------------------------------------------------------
// Commands.
// ---------------------------------------------------------------------------------------------

constexpr std::size_t kMaxCommands = 256;
constexpr std::size_t kMaxCapacity = 64;
constexpr std::size_t kMaxStreams = 8;

/// StreamIDs a guest may be given: the capture's first, then edges of every SIDSIZE.
constexpr std::uint32_t kVsidPool[] = {0x8,  0x10,   0x0,     0x1,        0x3,        0x4,    0x1F, 0x20,
                                       0xFF, 0x100, 0xFFFF, 0x10000, 0x7FFFFFFF, 0xFFFFFFFF, 0x1000, 0x5};
constexpr std::uint32_t kPsidBase = 0xA000'0000;

/// header[9]: number of streams (XOR 2) and first vSID in kVsidPool. pSIDs are kPsidBase + i.
vsmmu::FixedStreamMap<kMaxStreams> stream_map(std::uint8_t k) noexcept {
  vsmmu::FixedStreamMap<kMaxStreams> m;
  const unsigned n = (k & 7) ^ 2;
  const unsigned first = k >> 3;
  for (unsigned i = 0; i < n; ++i) {
    const auto added = m.add(kVsidPool[(first + i) % 16], kPsidBase + i);
    CHECK(added == vsmmu::FixedStreamMap<kMaxStreams>::AddResult::added, "stream map: add refused");
  }
  return m;
}

/// header[12]: the capture's RAM, and optionally a page ending at 2^44 (the capture's OAS, so
/// an MSI address truncated to the OAS lands at its edge) and a 16-byte region.
vsmmu::GuestRamRegions<3> guest_ram(std::uint8_t k) noexcept {
  vsmmu::GuestRamRegions<3> ram;
  if ((k & 1) == 0) ram.region[ram.count++] = {0x4000'0000, 0x2000'0000};
  if ((k & 2) != 0) ram.region[ram.count++] = {0xFFF'FFFF'F000, 0x1000};
  if ((k & 4) != 0) ram.region[ram.count++] = {0x8'0000'0000, 0x10};
  return ram;
}

bool is_psid(const vsmmu::FixedStreamMap<kMaxStreams>& m, std::uint32_t psid) noexcept {
  for (std::size_t i = 0; i < m.size(); ++i)
    if (m[i].psid == psid) return true;
  return false;
}

/// The physical opcode a forwarded guest opcode becomes (docs/sanitizer.md, "Commands"); 0 for
/// opcodes that are never forwarded.
constexpr std::uint8_t physical_opcode(std::uint8_t guest) noexcept {
  switch (static_cast<Opcode>(guest)) {
    case Opcode::cfgi_ste:
    case Opcode::cfgi_ste_range: return static_cast<std::uint8_t>(Opcode::cfgi_ste);
    case Opcode::tlbi_nsnh_all: return static_cast<std::uint8_t>(Opcode::tlbi_nh_all);
    case Opcode::cfgi_cd:
    case Opcode::cfgi_cd_all:
    case Opcode::tlbi_nh_all:
    case Opcode::tlbi_nh_asid:
    case Opcode::tlbi_nh_va:
    case Opcode::tlbi_nh_vaa:
    case Opcode::atc_inv:
    case Opcode::pri_resp:
    case Opcode::resume:
    case Opcode::stall_term: return guest;
    default: return 0;
  }
}

std::uint8_t opcode_of(const W2& w) noexcept { return static_cast<std::uint8_t>(smmuv3::command_opcode(w)); }

/// One physical command produced for the guest command `guest`.
void check_physical(const vsmmu::Policy& p, const vsmmu::FixedStreamMap<kMaxStreams>& streams, const W2& guest,
                    const W2& phys) {
  const std::uint8_t op = opcode_of(phys);
  CHECK(op != static_cast<std::uint8_t>(Opcode::sync), "a CMD_SYNC reached the physical queue");
  CHECK(op == physical_opcode(opcode_of(guest)), "physical opcode is not the one its guest opcode maps to");
  CHECK(vsmmu::command_ceiling(p.idr, op) == vsmmu::CommandAction::forward,
        "physical opcode the library ceiling does not forward for this guest");
  CHECK(!smmuv3::any(smmuv3::command_res0_bits(phys)), "physical command with RES0 bits");
  smmuv3::visit_command(phys, [&]<class T>(const T& c) {
    if constexpr (requires { c.stream_id; }) CHECK(is_psid(streams, c.stream_id), "physical StreamID not a pSID of the map");
    if constexpr (requires { c.vmid; }) CHECK(c.vmid == p.vmid, "physical VMID != policy.vmid");
    if constexpr (requires { c.ssec; }) CHECK(!c.ssec, "physical SSec == 1");
    if constexpr (std::is_same_v<T, smmuv3::CmdCfgiSte>) CHECK(!c.leaf, "physical CMD_CFGI_STE with Leaf == 1");
    if constexpr (std::is_same_v<T, smmuv3::CmdCfgiAll> || std::is_same_v<T, smmuv3::CmdCfgiSteRange>)
      fail(__LINE__, "a range CFGI reached the physical queue");
    if constexpr (std::is_same_v<T, smmuv3::CmdUnknown>) fail(__LINE__, "physical command of unknown opcode");
  });
}

/// One guest command's outcome, as sanitize_command gave it with `cap` entries of room.
void check_outcome(const vsmmu::Policy& p, const vsmmu::FixedStreamMap<kMaxStreams>& streams,
                   const vsmmu::GuestRamRegions<3>& ram, const W2& guest, const vsmmu::CommandOutcome& o,
                   std::size_t cap) {
  using vsmmu::CommandVerdict;
  const std::uint8_t op = opcode_of(guest);
  const vsmmu::CommandAction action = vsmmu::command_action(p, op);
  CHECK(static_cast<unsigned>(action) <= static_cast<unsigned>(vsmmu::command_ceiling(p.idr, op)),
        "command_action above the ceiling");
  CHECK((o.verdict == CommandVerdict::illegal) == (o.cerror() == smmuv3::CmdqError::cerror_ill),
        "CERROR_ILL iff illegal");
  switch (o.verdict) {
    case CommandVerdict::illegal:
    case CommandVerdict::ignored:
      CHECK(o.reason != nullptr && o.produced == 0, "illegal/ignored without a reason, or with output");
      break;
    case CommandVerdict::forwarded:
    case CommandVerdict::sync:
    case CommandVerdict::no_space:
      CHECK(o.reason == nullptr, "forwarded/sync/no_space with a reason");
      break;
  }
  if (action == vsmmu::CommandAction::illegal) CHECK(o.verdict == CommandVerdict::illegal, "illegal opcode accepted");
  if (action == vsmmu::CommandAction::ignore)
    CHECK(o.verdict == CommandVerdict::ignored || o.verdict == CommandVerdict::illegal, "policy-ignored opcode acted on");
  if (o.verdict == CommandVerdict::forwarded) {
    CHECK(action == vsmmu::CommandAction::forward && physical_opcode(op) != 0, "forwarded an opcode not to forward");
    CHECK(o.produced >= 1 && o.produced <= cap, "forwarded: produced outside [1, capacity]");
    CHECK(o.produced <= vsmmu::max_produced_per_command(streams), "forwarded more than max_produced_per_command");
  }
  if (o.verdict == CommandVerdict::no_space)
    CHECK(o.produced > cap && o.produced <= vsmmu::max_produced_per_command(streams), "no_space: needed <= capacity");
  if (o.refresh.needed) {
    CHECK(o.verdict == CommandVerdict::forwarded &&
              physical_opcode(op) == static_cast<std::uint8_t>(Opcode::cfgi_ste),
          "STE refresh from a command that is not a forwarded CFGI_STE*");
    CHECK(o.refresh.first <= o.refresh.last && o.refresh.last <= vsmmu::detail::max_sid(p),
          "STE refresh range empty or beyond SIDSIZE");
  }
  if (o.verdict == CommandVerdict::sync) {
    CHECK(op == static_cast<std::uint8_t>(Opcode::sync) && action == vsmmu::CommandAction::forward,
          "sync verdict for a command that is not a forwarded CMD_SYNC");
    const vsmmu::SyncCompletion& s = o.sync;
    CHECK(!(s.msi && s.msi_abort), "CMD_SYNC: both msi and msi_abort");
    if (s.msi) CHECK(ram.contains(s.msi_address, 4), "CMD_SYNC MSI outside guest RAM");
    if (s.msi_abort) CHECK(!ram.contains(s.msi_address, 4), "CMD_SYNC MSI aborted inside guest RAM");
    if (s.msi || s.msi_abort) {
      CHECK(s.signal == vsmmu::SyncSignal::irq && p.idr.idr0.msi, "CMD_SYNC MSI without SIG_IRQ or IDR0.MSI");
      CHECK((s.msi_address & 3) == 0 && (s.msi_address >> reg::oas_bits(p.idr.idr5.oas)) == 0,
            "CMD_SYNC MSI address unaligned or above the OAS");
    }
    if (s.signal == vsmmu::SyncSignal::sev) CHECK(p.idr.idr0.sev, "CMD_SYNC SEV without IDR0.SEV");
  } else {
    CHECK(o.sync == vsmmu::SyncCompletion{}, "sync completion on a verdict other than sync");
  }
}

// Output buffers, allocated once. Each call gets the LAST `cap` entries, so a write past its
// capacity lands in AddressSanitizer's redzone.
W2* const g_out = new W2[kMaxCapacity];
W2* const g_scratch = new W2[kMaxCapacity];
W2* const g_scratch_ref = new W2[kMaxCapacity];
W2 g_guest[kMaxCommands];
W2 g_model[kMaxCapacity];

constexpr W2 kSentinel{{0xA5A5'A5A5'A5A5'A5A5ull, 0x5A5A'5A5A'5A5A'5A5Aull}};

/// What one run of guest commands is judged against.
struct CommandEnv {
  const vsmmu::Policy& p;
  const vsmmu::FixedStreamMap<kMaxStreams>& streams;
  const vsmmu::GuestRamRegions<3>& ram;
  std::size_t cap;
  std::size_t budget;
};

/// One sanitize_commands call on guest[0..count), checked against its promises and against
/// the same run made one sanitize_command at a time.
vsmmu::BatchResult check_batch(const CommandEnv& e, const W2* guest, std::size_t count) {
  const vsmmu::Policy& p = e.p;
  const vsmmu::CommandContext ctx{e.streams, e.ram};
  W2* const out = g_out + (kMaxCapacity - e.cap);
  const vsmmu::BatchResult r = vsmmu::sanitize_commands(p, guest, count, ctx, out, e.cap, e.budget);

  // The batch's own promises (sanitize_commands.hpp).
  const std::size_t n = e.streams.size();
  CHECK(r.produced <= e.cap, "batch: produced > capacity");
  CHECK(r.work <= (e.budget > 1 + n ? e.budget : 1 + n), "batch: work > max(budget, 1 + streams.size())");
  CHECK(r.consumed <= count, "batch: consumed > count");
  if (r.stop == vsmmu::BatchStop::error) {
    CHECK(r.cerror == smmuv3::CmdqError::cerror_ill && r.reason != nullptr, "batch error without CERROR_ILL and reason");
    CHECK(r.consumed < count, "batch error with consumed == count");
  } else {
    CHECK(r.cerror == smmuv3::CmdqError::cerror_none && r.reason == nullptr, "batch: cerror or reason without error");
  }
  if (vsmmu::output_too_small(r))
    CHECK(e.cap < vsmmu::max_produced_per_command(e.streams), "output_too_small with a large enough buffer");
  if (r.stop == vsmmu::BatchStop::budget) CHECK(r.consumed > 0, "batch stopped on budget before its first command");
  for (std::size_t i = 0; i < r.produced; ++i)
    CHECK(opcode_of(out[i]) != static_cast<std::uint8_t>(Opcode::sync), "batch: CMD_SYNC in the output");

  // The same run, one sanitize_command at a time: the batch must be exactly that sequence.
  std::size_t work = 0, produced = 0, consumed = 0;
  vsmmu::BatchStop stop = vsmmu::BatchStop::drained;
  const char* reason = nullptr;
  vsmmu::SteRefresh refresh{};
  vsmmu::SyncCompletion sync{};
  for (std::size_t i = 0; i < count; ++i) {
    const W2& cmd = guest[i];
    const std::size_t cost = vsmmu::command_cost(cmd, e.streams);
    if (i > 0 && (work >= e.budget || cost > e.budget - work)) {
      stop = vsmmu::BatchStop::budget;
      break;
    }
    work += cost;
    const std::size_t room = e.cap - produced;
    W2* const scratch = g_scratch + (kMaxCapacity - room);
    const std::size_t watch = room < n + 1 ? room : n + 1;
    for (std::size_t k = 0; k < watch; ++k) scratch[k] = kSentinel;
    const vsmmu::CommandOutcome o = vsmmu::sanitize_command(p, cmd, ctx, room != 0 ? scratch : nullptr, room);
    check_outcome(p, e.streams, e.ram, cmd, o, room);
    // sanitize_command's fast path must answer exactly as the reference path (every rule, in
    // §4.1.3 order) does for the same command.
    W2* const scratch_ref = g_scratch_ref + (kMaxCapacity - room);
    const vsmmu::CommandOutcome ref =
        vsmmu::detail::sanitize_command_reference(p, cmd, ctx, room != 0 ? scratch_ref : nullptr, room);
    CHECK(o.verdict == ref.verdict && o.produced == ref.produced && o.refresh == ref.refresh &&
              o.sync == ref.sync && o.reason == ref.reason,
          "sanitize_command differs from sanitize_command_reference");
    if (o.verdict == vsmmu::CommandVerdict::forwarded)
      for (std::size_t k = 0; k < o.produced; ++k)
        CHECK(scratch[k] == scratch_ref[k], "sanitize_command output differs from sanitize_command_reference");
    if (o.verdict == vsmmu::CommandVerdict::no_space) {
      for (std::size_t k = 0; k < watch; ++k) CHECK(scratch[k] == kSentinel, "no_space, yet the output was written");
      stop = vsmmu::BatchStop::out_full;
      break;
    }
    if (o.verdict == vsmmu::CommandVerdict::illegal) {
      stop = vsmmu::BatchStop::error;
      reason = o.reason;
      break;
    }
    consumed = i + 1;
    if (o.verdict == vsmmu::CommandVerdict::sync) {
      stop = vsmmu::BatchStop::sync;
      sync = o.sync;
      break;
    }
    if (o.verdict == vsmmu::CommandVerdict::forwarded) {
      for (std::size_t k = 0; k < o.produced; ++k) {
        check_physical(p, e.streams, cmd, scratch[k]);
        g_model[produced + k] = scratch[k];
      }
      produced += o.produced;
      if (o.refresh.needed) {
        stop = vsmmu::BatchStop::refresh;
        refresh = o.refresh;
        break;
      }
    }
  }
  CHECK(r.stop == stop, "batch stop differs from the command-by-command run");
  CHECK(r.consumed == consumed && r.produced == produced && r.work == work,
        "batch consumed/produced/work differ from the command-by-command run");
  CHECK(r.reason == reason && r.refresh == refresh && r.sync == sync,
        "batch reason/refresh/sync differ from the command-by-command run");
  for (std::size_t i = 0; i < produced; ++i)
    CHECK(out[i] == g_model[i], "batch output differs from the command-by-command run");
  return r;
}

/// header[9] stream map, [10] output capacity (XOR 8), [11] budget (XOR 32; 0xFF: unlimited),
/// [12] guest RAM; then 16-byte commands. The queue is driven as a device drives it: after
/// every stop but a command error (the guest's queue halts) or an output buffer too small for
/// one command (no progress is possible), the next call starts at the first unconsumed
/// command, so every command of the input is judged, not only those before the first CMD_SYNC.
void check_commands(const vsmmu::Policy& p, Reader& in) {
  const auto streams = stream_map(in.byte());
  const std::size_t cap = (in.byte() ^ 8u) % (kMaxCapacity + 1);
  const std::uint8_t b = in.byte() ^ 32u;
  const std::size_t budget = b == 0xFF ? SIZE_MAX : b;
  const auto ram = guest_ram(in.byte());
  std::size_t count = in.left() / smmuv3::kCommandBytes;
  if (count > kMaxCommands) count = kMaxCommands;
  for (std::size_t i = 0; i < count; ++i) g_guest[i] = smmuv3::load_le<2>(in.here() + i * smmuv3::kCommandBytes);
  const CommandEnv env{p, streams, ram, cap, budget};
  std::size_t at = 0;
  while (at < count) {
    const vsmmu::BatchResult r = check_batch(env, g_guest + at, count - at);
    if (r.stop == vsmmu::BatchStop::error || vsmmu::output_too_small(r)) break;
    // Every other stop has consumed at least one command (the progress guarantee).
    CHECK(r.consumed > 0, "batch made no progress without an error or a too-small buffer");
    at += r.consumed;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader in{data, size};
  const std::uint8_t mode = in.byte();
  const vsmmu::Policy p = build_policy(in);
  switch (mode % 5) {
    case 0: check_ste(p, in); break;
    case 1: check_cd(p, in); break;
    case 2: check_l1cd(p, in); break;
    case 3: check_commands(p, in); break;
    case 4: check_l1std(p, in); break;
  }
  return 0;
}
