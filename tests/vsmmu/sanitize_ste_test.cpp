// SPDX-License-Identifier: MIT
// Tests for vsmmu/sanitize_ste.hpp: one test per rule (IHI 0070 G.b §5.1, §5.2), the STEs the
// Linux arm-smmu-v3 driver writes, and property tests of the safety invariants.
#include "vsmmu/sanitize_ste.hpp"

#include <gtest/gtest.h>

#include "support/splitmix64.hpp"

#include <cstdint>

namespace {

using smmuv3::Ste;
using smmuv3::SteConfig;
using smmuv3::Words;
using vsmmu::Policy;
using vsmmu::SteResult;
using vsmmu::SteVerdict;
namespace ste = smmuv3::ste;
namespace reg = smmuv3::reg;
using W8 = Words<8>;

// ---------------------------------------------------------------------------------------------
// Fixtures: a guest policy from make_policy, a host stage 2 template, field helpers.
// ---------------------------------------------------------------------------------------------

struct Features {
  bool ats = false;
  bool pri = false;
  bool stall = false;  // guest STALL_MODEL 0b00 (stall and terminate) instead of 0b01
  bool cd2l = true;
  std::uint8_t ssid_bits = 10;
  unsigned ipa_bits = 48;
  reg::ArchMinorRev rev = reg::ArchMinorRev::smmuv3_2;
};

constexpr vsmmu::PolicyResult make_guest_policy(const Features& f) {
  reg::Idr0 h0{};
  h0.s1p = h0.s2p = true;
  h0.ttf = reg::Ttf::vmsav8_64;
  h0.st_level = reg::StLevel::two_level;
  h0.stall_model = f.stall ? reg::StallModel::stall_and_terminate : reg::StallModel::terminate_only;
  h0.cd2l = f.cd2l;
  h0.ats = h0.pri = true;
  h0.vmid16 = h0.asid16 = true;
  h0.httu = reg::Httu::access_dirty;
  h0.cohacc = true;
  h0.tt_endian = reg::TtEndian::little;
  reg::Idr1 h1{};
  h1.ssidsize = 20;
  h1.sidsize = 16;
  h1.cmdqs = h1.eventqs = 19;
  reg::Idr3 h3{};
  reg::Idr5 h5{};
  h5.gran4k = h5.gran64k = true;
  h5.oas = reg::Oas::pa48;
  reg::Aidr aidr{};
  aidr.arch_minor_rev = f.rev;
  vsmmu::HostIdrs raw{};
  raw.idr0 = static_cast<std::uint32_t>(reg::encode(h0).words[0]);
  raw.idr1 = static_cast<std::uint32_t>(reg::encode(h1).words[0]);
  raw.idr3 = static_cast<std::uint32_t>(reg::encode(h3).words[0]);
  raw.idr5 = static_cast<std::uint32_t>(reg::encode(h5).words[0]);
  raw.aidr = static_cast<std::uint32_t>(reg::encode(aidr).words[0]);
  vsmmu::GuestConfig c{};
  c.vmid = 0x1234;
  c.ipa_bits = f.ipa_bits;
  c.ssid_bits = f.ssid_bits;
  c.ats = f.ats;
  c.pri = f.pri;
  c.stall = f.stall;
  return vsmmu::make_policy(raw, c);
}

Policy guest_policy(const Features& f = {}) {
  const vsmmu::PolicyResult r = make_guest_policy(f);
  EXPECT_TRUE(r.ok());
  return r.policy;
}

/// A stage 2 template as a hypervisor builds it: 48-bit IPA, 4KB granule, start level 0,
/// plus host-owned attribute, IMPDEF and SW_RESERVED values the guest must never change.
constexpr Ste host_template() {
  Ste h{};
  h.v = true;
  h.config = SteConfig::s2_trans;
  h.s2_vmid = 0x0999;  // replaced by policy.vmid
  h.s2_t0sz = 16;
  h.s2_sl0 = 2;
  h.s2_ir0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
  h.s2_or0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
  h.s2_sh0 = smmuv3::SteShareability::inner_shareable;
  h.s2_tg = smmuv3::S2Tg::granule_4k;
  h.s2_ps = smmuv3::S2Ps::pa_48;
  h.s2_aa64 = true;
  h.s2_ptw = true;
  h.s2_r = true;
  h.s2_ttb = 0x0000'0080'4000'0000;
  h.shcfg = smmuv3::SteShcfg::incoming;
  h.mev = true;
  h.sw_reserved = 0x5;
  h.impl_def_127_116 = 0xABC;
  h.impl_def_159_144 = 0x1357;
  h.impl_def_271_256 = 0x2468;
  h.dre = true;
  h.dcp = true;
  h.eats = smmuv3::Eats::full;  // the host trusts this device with ATS (a ceiling, not a grant)
  return h;
}

template <class F>
constexpr void set(W8& w, std::uint64_t v) {
  vsmmu::detail::ste_put<F>(w, v);
}
template <class F>
constexpr std::uint64_t get(const W8& w) {
  return F::get(w);
}

constexpr std::uint8_t u8(SteConfig c) { return static_cast<std::uint8_t>(c); }

// ---------------------------------------------------------------------------------------------
// The STEs the Linux driver writes (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c, v6.18), for a
// guest SMMU as make_policy shows it: no Hyp (so no ARM_SMMU_FEAT_E2H), no ATTR_TYPES_OVR.
// ---------------------------------------------------------------------------------------------

/// STRTAB_STE_1_S1DSS_* and STRTAB_STE_0_S1FMT_* values.
constexpr std::uint8_t kS1DssTerminate = 0, kS1DssBypass = 1, kS1DssSsid0 = 2;
constexpr std::uint8_t kS1FmtLinear = 0, kS1Fmt64kL2 = 2;

struct LinuxCdTable {
  std::uint8_t s1fmt = kS1FmtLinear;
  std::uint8_t s1cdmax = 0;
  std::uint64_t cdtab_dma = 0x4000'0000;
};

/// arm_smmu_make_cdtable_ste(): V, Config = S1_TRANS, S1Fmt, S1ContextPtr (& GENMASK(51, 6)),
/// S1CDMax; S1DSS; S1CIR = S1COR = WBRA; S1CSH = ISH; S1STALLD if ARM_SMMU_FEAT_STALLS and the
/// master is not stall-enabled; EATS = TRANS if ATS is enabled; STRW = NSEL1; S2VMID = 0.
constexpr W8 linux_cdtable_ste(const LinuxCdTable& t, bool ats_enabled, std::uint8_t s1dss,
                               bool feat_stalls = false, bool stall_enabled = false) {
  W8 w{};
  set<ste::V>(w, 1);
  set<ste::Config>(w, u8(SteConfig::s1_trans));
  set<ste::S1Fmt>(w, t.s1fmt);
  set<ste::S1ContextPtr>(w, t.cdtab_dma & 0x000F'FFFF'FFFF'FFC0);
  set<ste::S1CdMax>(w, t.s1cdmax);
  set<ste::S1Dss>(w, s1dss);
  set<ste::S1Cir>(w, 1);  // STRTAB_STE_1_S1C_CACHE_WBRA
  set<ste::S1Cor>(w, 1);
  set<ste::S1Csh>(w, 3);  // ARM_SMMU_SH_ISH
  set<ste::S1Stalld>(w, feat_stalls && !stall_enabled ? 1 : 0);
  set<ste::Eats>(w, ats_enabled ? 1 : 0);  // STRTAB_STE_1_EATS_TRANS
  set<ste::Strw>(w, 0);                     // STRTAB_STE_1_STRW_NSEL1
  set<ste::S2Vmid>(w, 0);
  return w;
}

/// arm_smmu_make_bypass_ste(): V, Config = BYPASS; SHCFG = INCOMING only with
/// ARM_SMMU_FEAT_ATTR_TYPES_OVR in v6.18, but unconditionally in older drivers
/// (arm_smmu_write_strtab_ent, v5.x), which also wrote it for the abort STE.
constexpr W8 linux_bypass_ste(bool old_driver_shcfg) {
  W8 w{};
  set<ste::V>(w, 1);
  set<ste::Config>(w, u8(SteConfig::bypass));
  if (old_driver_shcfg) set<ste::Shcfg>(w, 1);
  return w;
}

/// arm_smmu_make_abort_ste(): V, Config = ABORT.
constexpr W8 linux_abort_ste(bool old_driver_shcfg) {
  W8 w{};
  set<ste::V>(w, 1);
  set<ste::Config>(w, u8(SteConfig::abort));
  if (old_driver_shcfg) set<ste::Shcfg>(w, 1);
  return w;
}

/// A good guest stage 1 STE: linear table of 2^4 CDs with substreams.
constexpr W8 good_s1() { return linux_cdtable_ste({kS1FmtLinear, 4, 0x4000'0400}, false, kS1DssSsid0); }

/// What the physical STE must be for guest bypass: the template, VMID from the policy, no ATS.
W8 expected_stage2_only(const Policy& p, const Ste& h = host_template()) {
  W8 w = smmuv3::encode(h).words;
  set<ste::S2Vmid>(w, p.vmid);
  set<ste::Eats>(w, 0);
  return w;
}

// Every S2-prefixed stage 2 field of the host template (S2VMID apart), which must reach every
// non-abort physical STE unchanged.
constexpr W8 kStage2Mask =
    smmuv3::mask_of<8, ste::S2Hwu59, ste::S2Hwu60, ste::S2Hwu61, ste::S2Hwu62, ste::S2Fwb, ste::S2T0sz,
                    ste::S2Sl0, ste::S2Ir0, ste::S2Or0, ste::S2Sh0, ste::S2Tg, ste::S2Ps, ste::S2Aa64,
                    ste::S2Endi, ste::S2Affd, ste::S2Ptw, ste::S2Hd, ste::S2Ha, ste::S2S, ste::S2R,
                    ste::S2Haft, ste::S2Pie, ste::S2Poe, ste::S2Nsw, ste::S2Nsa, ste::S2Sl0_2, ste::S2Ds,
                    ste::S2Ttb::Field, ste::S2Skl, ste::S2Sw, ste::S2Sa, ste::S2Poi>();

// The physical bits a guest can influence: the stage 1 fields of a nested STE (and Config,
// S2VMID, EATS, STRW, which the sanitizer itself writes).
constexpr W8 kGuestControlledMask =
    smmuv3::mask_of<8, ste::V, ste::Config, ste::S1Fmt, ste::S1ContextPtr::Field, ste::S1CdMax, ste::S1Dss,
                    ste::S1Cir, ste::S1Cor, ste::S1Csh, ste::S1Stalld, ste::Eats, ste::Ppar, ste::S1Pie,
                    ste::S1Mpam, ste::Dre, ste::Dcp, ste::Strw, ste::S2Vmid>();

// Guest fields the sanitizer IGNORES in both bypass and stage 1 configurations.
constexpr W8 kGuestIgnoredMask =
    smmuv3::mask_of<8, ste::S2Hwu59, ste::S2Hwu60, ste::S2Hwu61, ste::S2Hwu62, ste::Cont, ste::Mev,
                    ste::SwReserved, ste::S2Fwb, ste::MemAttr, ste::Mtcfg, ste::Alloccfg, ste::Shcfg,
                    ste::Nscfg, ste::Privcfg, ste::Instcfg, ste::ImplDef127_116, ste::S2Vmid,
                    ste::ImplDef159_144, ste::S2T0sz, ste::S2Sl0, ste::S2Ir0, ste::S2Or0, ste::S2Sh0,
                    ste::S2Tg, ste::S2Ps, ste::S2Aa64, ste::S2Endi, ste::S2Affd, ste::S2Ptw, ste::S2Hd,
                    ste::S2Ha, ste::S2S, ste::S2R, ste::S2Haft, ste::S2Pie, ste::S2Poe, ste::S2Nsw,
                    ste::S2Nsa, ste::S2Sl0_2, ste::S2Ds, ste::S2Ttb::Field, ste::S2Skl,
                    ste::ImplDef271_256, ste::S2Sw, ste::S2Sa, ste::S2Poi>();

W8 masked(const W8& w, const W8& m) { return smmuv3::bits_in(w, m); }
W8 unmasked(const W8& w, const W8& m) { return smmuv3::bits_in(w, smmuv3::complement(m)); }

void expect_bad(const SteResult& r, const char* what) {
  EXPECT_EQ(r.verdict, SteVerdict::bad_ste) << what;
  EXPECT_EQ(r.physical, W8{}) << what;
  EXPECT_NE(r.reason, nullptr) << what;
}

// ---------------------------------------------------------------------------------------------
// Constant evaluation.
// ---------------------------------------------------------------------------------------------

constexpr SteResult kConstResult = [] {
  const vsmmu::PolicyResult p = make_guest_policy({});
  return vsmmu::sanitize_ste(p.policy, good_s1(), host_template());
}();
static_assert(kConstResult.ok());
static_assert(get<ste::Config>(kConstResult.physical) == u8(SteConfig::nested));
static_assert(get<ste::S2Vmid>(kConstResult.physical) == 0x1234);
static_assert(noexcept(vsmmu::sanitize_ste(Policy{}, W8{}, Ste{})));
static_assert(vsmmu::host_ste_problem(make_guest_policy({}).policy, host_template()) == nullptr);
static_assert(vsmmu::check_l1std(make_guest_policy({}).policy, Words<1>{{0x8000'0000ull | 9}}, 8).ste_count == 256);
static_assert(noexcept(vsmmu::check_l1std(Policy{}, Words<1>{}, 0)));

TEST(SanitizeSte, WorksInConstantExpressions) { EXPECT_TRUE(kConstResult.ok()); }

// ---------------------------------------------------------------------------------------------
// V and Config.
// ---------------------------------------------------------------------------------------------

TEST(SanitizeSte, GuestVZeroIsInvalidAndOtherFieldsAreIgnored) {
  const Policy p = guest_policy();
  W8 g{};
  for (auto& x : g.w) x = ~std::uint64_t{0};
  set<ste::V>(g, 0);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  EXPECT_EQ(r.verdict, SteVerdict::invalid);
  EXPECT_EQ(r.physical, W8{});
  EXPECT_EQ(get<ste::V>(r.physical), 0u);
  EXPECT_NE(r.reason, nullptr);
}

TEST(SanitizeSte, GuestAbortBecomesPhysicalAbort) {
  const Policy p = guest_policy();
  const SteResult r = vsmmu::sanitize_ste(p, linux_abort_ste(false), host_template());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.reason, nullptr);
  EXPECT_EQ(r.physical, linux_abort_ste(false));
}

TEST(SanitizeSte, GuestReservedConfigBehavesAsAbortWithOtherFieldsIgnored) {
  const Policy p = guest_policy();
  for (std::uint8_t c : {0b001, 0b010, 0b011}) {
    W8 g = good_s1();
    set<ste::Config>(g, c);
    set<ste::Strw>(g, 3);     // would be ILLEGAL if STRW were used
    set<ste::S1CdMax>(g, 31);  // would be ILLEGAL with stage 1
    const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
    ASSERT_TRUE(r.ok()) << int(c);
    EXPECT_EQ(r.physical, linux_abort_ste(false)) << int(c);
  }
}

TEST(SanitizeSte, GuestStage2ConfigsAreIllegalWithoutS2P) {
  const Policy p = guest_policy();
  for (SteConfig c : {SteConfig::s2_trans, SteConfig::nested}) {
    W8 g = good_s1();
    set<ste::Config>(g, u8(c));
    expect_bad(vsmmu::sanitize_ste(p, g, host_template()), "Config 0b11x");
  }
}

TEST(SanitizeSte, GuestBypassBecomesStage2Only) {
  const Policy p = guest_policy({.ats = true});
  const SteResult r = vsmmu::sanitize_ste(p, linux_bypass_ste(false), host_template());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.physical, expected_stage2_only(p));
  EXPECT_EQ(get<ste::Config>(r.physical), u8(SteConfig::s2_trans));
  EXPECT_EQ(get<ste::S2Vmid>(r.physical), p.vmid);
  // §5.2 Config 0b100: "STE.EATS value effectively 0b00", whatever the host template says.
  Ste h = host_template();
  h.eats = smmuv3::Eats::full;
  const SteResult with_ats_template = vsmmu::sanitize_ste(p, linux_bypass_ste(false), h);
  ASSERT_TRUE(with_ats_template.ok());
  EXPECT_EQ(get<ste::Eats>(with_ats_template.physical), 0u);
}

TEST(SanitizeSte, GuestBypassIgnoresStage1FieldsAndEats) {
  const Policy p = guest_policy({.ats = true});
  W8 g = linux_bypass_ste(false);
  set<ste::S1CdMax>(g, 31);
  set<ste::S1Fmt>(g, 3);
  set<ste::S1ContextPtr>(g, 0x00FF'FFFF'FFFF'FFC0);
  set<ste::S1Stalld>(g, 1);
  set<ste::S1Pie>(g, 1);
  set<ste::S1Mpam>(g, 1);
  set<ste::Eats>(g, 2);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(r.physical, expected_stage2_only(p));
}

TEST(SanitizeSte, GuestStage1BecomesNestedWithHostStage2) {
  const Policy p = guest_policy();
  const SteResult r = vsmmu::sanitize_ste(p, good_s1(), host_template());
  ASSERT_TRUE(r.ok());
  W8 want = expected_stage2_only(p);
  set<ste::Config>(want, u8(SteConfig::nested));
  set<ste::S1Fmt>(want, kS1FmtLinear);
  set<ste::S1ContextPtr>(want, 0x4000'0400);
  set<ste::S1CdMax>(want, 4);
  set<ste::S1Dss>(want, kS1DssSsid0);
  set<ste::S1Cir>(want, 1);
  set<ste::S1Cor>(want, 1);
  set<ste::S1Csh>(want, 3);
  set<ste::Dre>(want, 0);  // the guest did not allow destructive reads
  set<ste::Dcp>(want, 0);
  EXPECT_EQ(r.physical, want);
}

// ---------------------------------------------------------------------------------------------
// RES0 and feature-gated fields.
// ---------------------------------------------------------------------------------------------

TEST(SanitizeSte, EveryRes0BitAloneIsBadSte) {
  const Policy p = guest_policy();
  int count = 0;
  for (unsigned bit = 0; bit < 512; ++bit) {
    if ((smmuv3::kSteRes0[bit / 64] >> (bit % 64) & 1) == 0) continue;
    ++count;
    for (const W8& base : {good_s1(), linux_bypass_ste(false)}) {
      W8 g = base;
      g[bit / 64] |= std::uint64_t{1} << (bit % 64);
      expect_bad(vsmmu::sanitize_ste(p, g, host_template()), "RES0 bit");
    }
  }
  EXPECT_EQ(count, 3 + 3 + 5 + 1 + 6 + 8 + 1 + 5 + 1);
}

struct GatedField {
  const char* name;
  void (*apply)(W8&);
};

TEST(SanitizeSte, FieldsRes0InTheGuestSmmuAreBadSteInBypassAndStage1) {
  const Policy p = guest_policy({.rev = reg::ArchMinorRev::smmuv3_0});
  const GatedField fields[] = {
      {"STRW=EL2 without Hyp", [](W8& g) { set<ste::Strw>(g, 2); }},
      {"STRW=0b01", [](W8& g) { set<ste::Strw>(g, 1); }},
      {"STRW=0b11", [](W8& g) { set<ste::Strw>(g, 3); }},
      {"PPAR without PRI", [](W8& g) { set<ste::Ppar>(g, 1); }},
      {"DRE in SMMUv3.0", [](W8& g) { set<ste::Dre>(g, 1); }},
      {"DCP in SMMUv3.0", [](W8& g) { set<ste::Dcp>(g, 1); }},
      {"PARTID without MPAM", [](W8& g) { set<ste::Partid>(g, 1); }},
      {"PMG without MPAM", [](W8& g) { set<ste::Pmg>(g, 0x80); }},
      {"MPAM_NS in a Non-secure STE", [](W8& g) { set<ste::MpamNs>(g, 1); }},
      {"MECID in a Non-secure STE", [](W8& g) { set<ste::Mecid>(g, 1); }},
      {"VMSPtr without VMS", [](W8& g) { set<ste::VmsPtr>(g, 0x1000); }},
      {"AssuredOnly without THE", [](W8& g) { set<ste::AssuredOnly>(g, 1); }},
      {"TL0 without THE", [](W8& g) { set<ste::Tl0>(g, 1); }},
      {"TL1 without THE", [](W8& g) { set<ste::Tl1>(g, 1); }},
      {"DPT_VMATCH without DPT", [](W8& g) { set<ste::DptVmatch>(g, 1); }},
      {"S_S2T0SZ", [](W8& g) { set<ste::SS2T0sz>(g, 1); }},
      {"S_S2SL0", [](W8& g) { set<ste::SS2Sl0>(g, 1); }},
      {"S_S2TG", [](W8& g) { set<ste::SS2Tg>(g, 1); }},
      {"S_S2SL0_2", [](W8& g) { set<ste::SS2Sl0_2>(g, 1); }},
      {"S_S2TTB", [](W8& g) { set<ste::SS2Ttb>(g, 0x10); }},
      {"S_S2SKL", [](W8& g) { set<ste::SS2Skl>(g, 1); }},
  };
  for (const GatedField& f : fields) {
    for (const W8& base : {good_s1(), linux_bypass_ste(false)}) {
      W8 g = base;
      f.apply(g);
      expect_bad(vsmmu::sanitize_ste(p, g, host_template()), f.name);
    }
  }
}

TEST(SanitizeSte, PparIsGuestControlledWithPriAndSubstreams) {
  const Policy p = guest_policy({.ats = true, .pri = true});
  W8 g = good_s1();
  set<ste::Ppar>(g, 1);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(get<ste::Ppar>(r.physical), 1u);
  const Policy no_ssid = guest_policy({.ats = true, .pri = true, .ssid_bits = 0});
  expect_bad(vsmmu::sanitize_ste(no_ssid, g, host_template()), "PPAR without SSIDSIZE");
}

TEST(SanitizeSte, DreAndDcpNeedBothGuestAndHost) {
  const Policy p = guest_policy();
  W8 g = good_s1();
  set<ste::Dre>(g, 1);
  set<ste::Dcp>(g, 1);
  SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(get<ste::Dre>(r.physical), 1u);
  EXPECT_EQ(get<ste::Dcp>(r.physical), 1u);
  Ste h = host_template();
  h.dre = h.dcp = false;
  r = vsmmu::sanitize_ste(p, g, h);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(get<ste::Dre>(r.physical), 0u);
  EXPECT_EQ(get<ste::Dcp>(r.physical), 0u);
}

TEST(SanitizeSte, S1PieWithoutS1PiIsBadSte) {
  const Policy p = guest_policy();
  W8 g = good_s1();
  set<ste::S1Pie>(g, 1);
  expect_bad(vsmmu::sanitize_ste(p, g, host_template()), "S1PIE");
}

TEST(SanitizeSte, S1PieIsGuestControlledWhenS1PiIsAdvertised) {
  Policy p = guest_policy();
  p.idr.idr3.s1pi = true;
  W8 g = good_s1();
  set<ste::S1Pie>(g, 1);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(get<ste::S1Pie>(r.physical), 1u);
}

TEST(SanitizeSte, S1MpamWithoutMpamIsBadSte) {
  const Policy p = guest_policy();
  W8 g = good_s1();
  set<ste::S1Mpam>(g, 1);
  expect_bad(vsmmu::sanitize_ste(p, g, host_template()), "S1MPAM");
}

TEST(SanitizeSte, TheFieldsAreIgnoredWhenTheIsAdvertised) {
  Policy p = guest_policy();
  p.idr.idr3.the = true;
  W8 g = good_s1();
  set<ste::AssuredOnly>(g, 1);
  set<ste::Tl0>(g, 1);
  set<ste::Tl1>(g, 1);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.physical, vsmmu::sanitize_ste(p, good_s1(), host_template()).physical);
}

// ---------------------------------------------------------------------------------------------
// Stage 1 fields.
// ---------------------------------------------------------------------------------------------

TEST(SanitizeSte, S1CdMaxAboveSsidsizeIsBadSte) {
  const Policy p = guest_policy({.ssid_bits = 10});
  W8 g = good_s1();
  set<ste::S1CdMax>(g, 10);
  set<ste::S1ContextPtr>(g, 0x4000'0000);
  EXPECT_TRUE(vsmmu::sanitize_ste(p, g, host_template()).ok());
  set<ste::S1CdMax>(g, 11);
  expect_bad(vsmmu::sanitize_ste(p, g, host_template()), "S1CDMax");
}

TEST(SanitizeSte, S1CdMaxFmtAndDssAreIgnoredWithoutSubstreams) {
  const Policy p = guest_policy({.ssid_bits = 0});
  W8 g = good_s1();
  set<ste::S1CdMax>(g, 31);
  set<ste::S1Fmt>(g, 2);
  set<ste::S1Dss>(g, 1);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(get<ste::S1CdMax>(r.physical), 0u);
  EXPECT_EQ(get<ste::S1Fmt>(r.physical), 0u);
  EXPECT_EQ(get<ste::S1Dss>(r.physical), 0u);
  EXPECT_EQ(get<ste::S1ContextPtr>(r.physical), 0x4000'0400u);
}

TEST(SanitizeSte, S1FmtAndDssAreIgnoredWhenS1CdMaxIsZero) {
  const Policy p = guest_policy({.cd2l = false});
  W8 g = good_s1();
  set<ste::S1CdMax>(g, 0);
  set<ste::S1Fmt>(g, 1);  // 2-level without CD2L: not ILLEGAL, substreams are disabled
  set<ste::S1Dss>(g, 2);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(get<ste::S1Fmt>(r.physical), 0u);
  EXPECT_EQ(get<ste::S1Dss>(r.physical), 0u);
}

TEST(SanitizeSte, TwoLevelCdTableWithoutCd2lIsBadSte) {
  const Policy p = guest_policy({.cd2l = false});
  for (std::uint8_t fmt : {1, 2}) {
    W8 g = good_s1();
    set<ste::S1Fmt>(g, fmt);
    expect_bad(vsmmu::sanitize_ste(p, g, host_template()), "S1Fmt 2-level");
  }
}

TEST(SanitizeSte, TwoLevelCdTableWithCd2lIsCopied) {
  const Policy p = guest_policy();
  for (std::uint8_t fmt : {1, 2}) {
    W8 g = good_s1();
    set<ste::S1Fmt>(g, fmt);
    const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(get<ste::S1Fmt>(r.physical), fmt);
  }
}

TEST(SanitizeSte, ReservedS1FmtBehavesAsLinear) {
  const Policy p = guest_policy({.cd2l = false});
  W8 g = good_s1();
  set<ste::S1Fmt>(g, 3);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(get<ste::S1Fmt>(r.physical), 0u);
}

TEST(SanitizeSte, ReservedS1DssBehavesAsTerminate) {
  const Policy p = guest_policy();
  W8 g = good_s1();
  set<ste::S1Dss>(g, 3);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(get<ste::S1Dss>(r.physical), kS1DssTerminate);
}

TEST(SanitizeSte, ReservedS1CshBehavesAsNonShareable) {
  const Policy p = guest_policy();
  W8 g = good_s1();
  set<ste::S1Csh>(g, 1);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(get<ste::S1Csh>(r.physical), 0u);
}

TEST(SanitizeSte, S1CirCorAndCshAreCopied) {
  const Policy p = guest_policy();
  for (std::uint8_t v = 0; v < 4; ++v) {
    W8 g = good_s1();
    set<ste::S1Cir>(g, v);
    set<ste::S1Cor>(g, 3 - v);
    set<ste::S1Csh>(g, v == 1 ? 2 : v);
    const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(get<ste::S1Cir>(r.physical), v);
    EXPECT_EQ(get<ste::S1Cor>(r.physical), 3u - v);
    EXPECT_EQ(get<ste::S1Csh>(r.physical), v == 1 ? 2u : v);
  }
}

TEST(SanitizeSte, S1ContextPtrAboveOasIsBadSte) {
  const Policy p = guest_policy({.ipa_bits = 40});
  W8 g = good_s1();
  set<ste::S1ContextPtr>(g, (std::uint64_t{1} << 40) - 0x400);
  EXPECT_TRUE(vsmmu::sanitize_ste(p, g, host_template()).ok());
  for (unsigned bit = 40; bit <= 55; ++bit) {
    set<ste::S1ContextPtr>(g, std::uint64_t{1} << bit);
    expect_bad(vsmmu::sanitize_ste(p, g, host_template()), "S1ContextPtr");
  }
}

TEST(SanitizeSte, S1ContextPtrBitsRes0ForTheTableSizeAreTreatedAsZero) {
  const Policy p = guest_policy();
  struct Case {
    std::uint8_t fmt, cd_max;
    std::uint64_t ptr, want;
  };
  const Case cases[] = {
      {0, 4, 0x4000'07C0, 0x4000'0400},      // linear 16 CDs: bits [9:6] RES0
      {0, 10, 0x4001'FFC0, 0x4001'0000},     // linear 1024 CDs: bits [15:6]
      {1, 9, 0x4000'0FC0, 0x4000'0FC0},      // 4KB L2, S1CDMax <= 9: none
      {1, 10, 0x4000'0FC0, 0x4000'0F80},     // 4KB L2, S1CDMax 10: bit [6]
      {2, 10, 0x4000'0FC0, 0x4000'0FC0},     // 64KB L2, S1CDMax <= 13: none
  };
  for (const Case& c : cases) {
    W8 g = good_s1();
    set<ste::S1Fmt>(g, c.fmt);
    set<ste::S1CdMax>(g, c.cd_max);
    set<ste::S1ContextPtr>(g, c.ptr);
    const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(get<ste::S1ContextPtr>(r.physical), c.want) << int(c.fmt) << " " << int(c.cd_max);
  }
}

TEST(SanitizeSte, S1StalldWithStallModelOtherThan0b00IsBadSte) {
  W8 g = good_s1();
  set<ste::S1Stalld>(g, 1);
  expect_bad(vsmmu::sanitize_ste(guest_policy(), g, host_template()), "S1STALLD, terminate-only");
  const SteResult r = vsmmu::sanitize_ste(guest_policy({.stall = true}), g, host_template());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(get<ste::S1Stalld>(r.physical), 1u);
}

TEST(SanitizeSte, HostS1StalldForcesStage1StallsOff) {
  const Policy p = guest_policy({.stall = true});
  Ste h = host_template();
  h.s1_stalld = true;
  const SteResult r = vsmmu::sanitize_ste(p, good_s1(), h);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(get<ste::S1Stalld>(r.physical), 1u);
}

TEST(SanitizeSte, StallingHostDisallowsStallsOfAGuestShownTerminateOnly) {
  // make_policy on a STALL_MODEL 0b00 host without GuestConfig::stall: the guest is shown
  // 0b01, so its CDs may not stall; the hardware could, so the physical STE forbids it.
  Policy p = guest_policy({.stall = true});
  ASSERT_EQ(p.host_stall_model, reg::StallModel::stall_and_terminate);
  p.idr.idr0.stall_model = reg::StallModel::terminate_only;
  const SteResult r = vsmmu::sanitize_ste(p, good_s1(), host_template());
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(get<ste::S1Stalld>(r.physical), 1u);
  // The same guest STE on a guest shown the host's model keeps stalls allowed.
  const SteResult shown = vsmmu::sanitize_ste(guest_policy({.stall = true}), good_s1(), host_template());
  ASSERT_TRUE(shown.ok());
  EXPECT_EQ(get<ste::S1Stalld>(shown.physical), 0u);
}

TEST(SanitizeSte, EventMergingIsAlwaysAllowedOnTranslatingStes) {
  const Policy p = guest_policy();
  Ste h = host_template();
  h.mev = false;
  W8 bypass{};
  set<ste::V>(bypass, 1);
  set<ste::Config>(bypass, u8(SteConfig::bypass));
  for (const W8& g : {good_s1(), bypass}) {
    const SteResult r = vsmmu::sanitize_ste(p, g, h);
    ASSERT_TRUE(r.ok()) << r.reason;
    EXPECT_EQ(get<ste::Mev>(r.physical), 1u);
  }
}

TEST(SanitizeSte, EatsIsIgnoredWithoutAts) {
  const Policy p = guest_policy();
  for (std::uint8_t eats = 0; eats < 4; ++eats) {
    W8 g = good_s1();
    set<ste::Eats>(g, eats);
    const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
    ASSERT_TRUE(r.ok()) << int(eats);
    EXPECT_EQ(get<ste::Eats>(r.physical), 0u);
  }
}

TEST(SanitizeSte, EatsFullAtsIsCopiedWithAts) {
  const Policy p = guest_policy({.ats = true});
  W8 g = good_s1();
  set<ste::Eats>(g, 1);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(get<ste::Eats>(r.physical), 1u);
}

TEST(SanitizeSte, EatsIsDeniedByAHostTemplateWithoutAts) {
  const Policy p = guest_policy({.ats = true});
  W8 g = good_s1();
  set<ste::Eats>(g, 1);
  Ste h = host_template();
  h.eats = smmuv3::Eats::abort;
  const SteResult r = vsmmu::sanitize_ste(p, g, h);
  ASSERT_TRUE(r.ok()) << r.reason;
  EXPECT_EQ(get<ste::Eats>(r.physical), 0u);
}

TEST(SanitizeSte, EatsSplitStageIsBadSteWithoutConfigNested) {
  const Policy p = guest_policy({.ats = true});
  W8 g = good_s1();
  set<ste::Eats>(g, 2);
  expect_bad(vsmmu::sanitize_ste(p, g, host_template()), "EATS 0b10");
}

TEST(SanitizeSte, EatsDptWithoutDptBehavesAsNoAts) {
  const Policy p = guest_policy({.ats = true});
  W8 g = good_s1();
  set<ste::Eats>(g, 3);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(get<ste::Eats>(r.physical), 0u);
}

// ---------------------------------------------------------------------------------------------
// Ignored and host-owned fields.
// ---------------------------------------------------------------------------------------------

TEST(SanitizeSte, IgnoredGuestFieldsNeverReachPhysical) {
  const Policy p = guest_policy({.ats = true});
  for (const W8& base : {good_s1(), linux_bypass_ste(false)}) {
    const SteResult want = vsmmu::sanitize_ste(p, base, host_template());
    ASSERT_TRUE(want.ok());
    for (unsigned bit = 0; bit < 512; ++bit) {
      if ((kGuestIgnoredMask[bit / 64] >> (bit % 64) & 1) == 0) continue;
      W8 g = base;
      g[bit / 64] ^= std::uint64_t{1} << (bit % 64);
      const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
      ASSERT_TRUE(r.ok()) << bit;
      EXPECT_EQ(r.physical, want.physical) << bit;
    }
  }
}

TEST(SanitizeSte, S2VmidComesFromPolicyNeverFromGuestOrTemplate) {
  Policy p = guest_policy();
  for (std::uint16_t vmid : {std::uint16_t{1}, std::uint16_t{0x00FF}, std::uint16_t{0xFFFF}}) {
    p.vmid = vmid;
    W8 g = good_s1();
    set<ste::S2Vmid>(g, 0x4242);
    for (const W8& gg : {g, linux_bypass_ste(false)}) {
      const SteResult r = vsmmu::sanitize_ste(p, gg, host_template());
      ASSERT_TRUE(r.ok());
      EXPECT_EQ(get<ste::S2Vmid>(r.physical), vmid);
    }
  }
}

TEST(SanitizeSte, HostOwnedFieldsComeFromTheTemplate) {
  const Policy p = guest_policy();
  W8 g = good_s1();
  set<ste::Mev>(g, 0);
  set<ste::SwReserved>(g, 0xA);
  set<ste::Shcfg>(g, 0);
  set<ste::Nscfg>(g, 3);
  set<ste::Privcfg>(g, 2);
  set<ste::ImplDef127_116>(g, 0x123);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok());
  const Ste h = host_template();
  EXPECT_EQ(get<ste::Mev>(r.physical), 1u);
  EXPECT_EQ(get<ste::SwReserved>(r.physical), h.sw_reserved);
  EXPECT_EQ(get<ste::Shcfg>(r.physical), 1u);
  EXPECT_EQ(get<ste::Nscfg>(r.physical), 0u);
  EXPECT_EQ(get<ste::Privcfg>(r.physical), 0u);
  EXPECT_EQ(get<ste::ImplDef127_116>(r.physical), h.impl_def_127_116);
  EXPECT_EQ(get<ste::ImplDef159_144>(r.physical), h.impl_def_159_144);
  EXPECT_EQ(get<ste::ImplDef271_256>(r.physical), h.impl_def_271_256);
  EXPECT_EQ(masked(r.physical, kStage2Mask), masked(smmuv3::encode(h).words, kStage2Mask));
}

TEST(SanitizeSte, GuestContTheHintIsDropped) {
  const Policy p = guest_policy();
  W8 g = good_s1();
  set<ste::Cont>(g, 15);
  const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(get<ste::Cont>(r.physical), 0u);
}

// ---------------------------------------------------------------------------------------------
// Host template and policy checks (sanitize_ste fails closed on them).
// ---------------------------------------------------------------------------------------------

struct HostCase {
  const char* name;
  void (*apply)(Ste&, Policy&);
};

TEST(SanitizeSte, BadHostTemplateOrPolicyFailsClosed) {
  const HostCase cases[] = {
      {"V", [](Ste& h, Policy&) { h.v = false; }},
      {"Config bypass", [](Ste& h, Policy&) { h.config = SteConfig::bypass; }},
      {"Config nested", [](Ste& h, Policy&) { h.config = SteConfig::nested; }},
      {"S2AA64", [](Ste& h, Policy&) { h.s2_aa64 = false; }},
      {"CONT", [](Ste& h, Policy&) { h.cont = 1; }},
      {"S2TTB zero", [](Ste& h, Policy&) { h.s2_ttb = 0; }},
      {"S2TTB above 51", [](Ste& h, Policy&) { h.s2_ttb = std::uint64_t{1} << 52; }},
      {"S2TTB above S2PS", [](Ste& h, Policy&) { h.s2_ttb = std::uint64_t{1} << 48; }},
      {"S2T0SZ too small a range", [](Ste& h, Policy&) { h.s2_t0sz = 25; }},
      {"field does not fit", [](Ste& h, Policy&) { h.s1_cd_max = 32; }},
      {"S2S with ATS", [](Ste& h, Policy& p) { h.s2_s = true; p.idr.idr0.ats = true; }},
      {"S1STALLD with forced stall",
       [](Ste& h, Policy& p) {
         h.s1_stalld = true;
         p.host_stall_model = p.idr.idr0.stall_model = reg::StallModel::stall_forced;
       }},
      {"S1STALLD on a host that cannot stall",
       [](Ste& h, Policy& p) { h.s1_stalld = true; p.host_stall_model = reg::StallModel::terminate_only; }},
      {"S2S with guest stalls",
       [](Ste& h, Policy& p) {
         h.s2_s = true;
         p.host_stall_model = p.idr.idr0.stall_model = reg::StallModel::stall_and_terminate;
       }},
      {"policy stall model not the host's",
       [](Ste&, Policy& p) {
         p.host_stall_model = reg::StallModel::stall_and_terminate;
         p.idr.idr0.stall_model = reg::StallModel::stall_forced;
       }},
      {"policy S1P", [](Ste&, Policy& p) { p.idr.idr0.s1p = false; }},
      {"policy S2P", [](Ste&, Policy& p) { p.idr.idr0.s2p = true; }},
      {"policy Hyp", [](Ste&, Policy& p) { p.idr.idr0.hyp = true; }},
      {"policy ATTR_TYPES_OVR", [](Ste&, Policy& p) { p.idr.idr1.attr_types_ovr = true; }},
      {"policy ATTR_PERMS_OVR", [](Ste&, Policy& p) { p.idr.idr1.attr_perms_ovr = true; }},
      {"policy SSIDSIZE", [](Ste&, Policy& p) { p.idr.idr1.ssidsize = 21; }},
      {"policy MPAM", [](Ste&, Policy& p) { p.idr.idr3.mpam = true; }},
      {"policy DPT", [](Ste&, Policy& p) { p.idr.idr3.dpt = true; }},
      {"policy D128", [](Ste&, Policy& p) { p.idr.idr5.d128 = true; }},
  };
  for (const HostCase& c : cases) {
    Ste h = host_template();
    Policy p = guest_policy();
    c.apply(h, p);
    EXPECT_NE(vsmmu::host_ste_problem(p, h), nullptr) << c.name;
    for (const W8& g : {good_s1(), linux_bypass_ste(false), linux_abort_ste(false), W8{}})
      expect_bad(vsmmu::sanitize_ste(p, g, h), c.name);
  }
}

// ---------------------------------------------------------------------------------------------
// Every STE the Linux driver writes for a guest with these features is accepted.
// ---------------------------------------------------------------------------------------------

TEST(SanitizeSte, LinuxStage1StesAreAccepted) {
  // arm_smmu_alloc_cd_tables(): linear when the master's ssid_bits fit one L2 table
  // (CTXDESC_L2_ENTRIES = 1024) or without CD2L; otherwise STRTAB_STE_0_S1FMT_64K_L2 with an L1
  // table of 2^(s1cdmax - 10) descriptors (64-byte aligned at least).
  const LinuxCdTable tables[] = {
      {kS1FmtLinear, 0, 0x4000'0000},          // no PASIDs: one CD
      {kS1FmtLinear, 5, 0x4000'0800},          // 32 CDs, 2KB aligned
      {kS1FmtLinear, 10, 0x4001'0000},         // 1024 CDs, 64KB aligned
      {kS1Fmt64kL2, 11, 0x4000'0040},          // 2 L1CDs
      {kS1Fmt64kL2, 16, 0x4000'0200},          // 64 L1CDs, 512B
      {kS1Fmt64kL2, 20, 0x4000'2000},          // 1024 L1CDs, 8KB
  };
  for (bool ats : {false, true}) {
    for (bool stall : {false, true}) {
      const Policy p = guest_policy({.ats = ats, .pri = ats, .stall = stall, .ssid_bits = 20});
      for (const LinuxCdTable& t : tables) {
        for (std::uint8_t dss : {kS1DssTerminate, kS1DssBypass, kS1DssSsid0}) {
          for (bool stall_enabled : {false, true}) {
            // ARM_SMMU_FEAT_STALLS is set for STALL_MODEL 0b00 (and 0b10).
            const W8 g = linux_cdtable_ste(t, ats, dss, stall, stall_enabled);
            const SteResult r = vsmmu::sanitize_ste(p, g, host_template());
            ASSERT_TRUE(r.ok()) << r.reason;
            W8 want = expected_stage2_only(p);
            set<ste::Config>(want, u8(SteConfig::nested));
            set<ste::S1Fmt>(want, t.s1cdmax == 0 ? 0 : t.s1fmt);
            set<ste::S1ContextPtr>(want, t.cdtab_dma);
            set<ste::S1CdMax>(want, t.s1cdmax);
            set<ste::S1Dss>(want, t.s1cdmax == 0 ? 0 : dss);
            set<ste::S1Cir>(want, 1);
            set<ste::S1Cor>(want, 1);
            set<ste::S1Csh>(want, 3);
            set<ste::S1Stalld>(want, stall && !stall_enabled ? 1 : 0);
            set<ste::Eats>(want, ats ? 1 : 0);
            set<ste::Dre>(want, 0);
            set<ste::Dcp>(want, 0);
            EXPECT_EQ(r.physical, want);
          }
        }
      }
    }
  }
}

TEST(SanitizeSte, LinuxBypassAndAbortStesAreAccepted) {
  const Policy p = guest_policy();
  for (bool old_driver : {false, true}) {
    SteResult r = vsmmu::sanitize_ste(p, linux_bypass_ste(old_driver), host_template());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.physical, expected_stage2_only(p));
    r = vsmmu::sanitize_ste(p, linux_abort_ste(old_driver), host_template());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.physical, linux_abort_ste(false));
  }
}

TEST(SanitizeSte, LinuxStage1SteWithoutSubstreamSupportIsAccepted) {
  // A guest shown SSIDSIZE == 0: the driver's s1cdmax is 0 and it still writes S1DSS.
  const Policy p = guest_policy({.ssid_bits = 0});
  for (std::uint8_t dss : {kS1DssTerminate, kS1DssBypass, kS1DssSsid0}) {
    const SteResult r = vsmmu::sanitize_ste(p, linux_cdtable_ste({}, false, dss), host_template());
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(get<ste::S1Dss>(r.physical), 0u);
  }
}

// ---------------------------------------------------------------------------------------------
// Property tests.
// ---------------------------------------------------------------------------------------------

using vsmmu_test::SplitMix64;

void check_invariants(const Policy& p, const W8& g, const Ste& h, const SteResult& r) {
  // Deterministic.
  const SteResult again = vsmmu::sanitize_ste(p, g, h);
  ASSERT_EQ(again.verdict, r.verdict);
  ASSERT_EQ(again.physical, r.physical);
  ASSERT_EQ(again.reason, r.reason);
  ASSERT_EQ(r.ok(), r.reason == nullptr);
  if (!r.ok()) {
    ASSERT_EQ(r.physical, W8{});  // V == 0
    return;
  }
  ASSERT_EQ(vsmmu::host_ste_problem(p, h), nullptr);
  ASSERT_EQ(get<ste::V>(r.physical), 1u);
  const std::uint64_t config = get<ste::Config>(r.physical);
  if (config == u8(SteConfig::abort)) {
    ASSERT_EQ(r.physical, linux_abort_ste(false));
    return;
  }
  // Never bypass, never stage-1-only: the guest's addresses always go through stage 2.
  ASSERT_TRUE(config == u8(SteConfig::s2_trans) || config == u8(SteConfig::nested));
  ASSERT_EQ(get<ste::S2Vmid>(r.physical), p.vmid);
  ASSERT_EQ(get<ste::Cont>(r.physical), 0u);
  const W8 host = smmuv3::encode(h).words;
  ASSERT_EQ(masked(r.physical, kStage2Mask), masked(host, kStage2Mask));
  // No guest bit outside the guest-controlled fields reaches the physical STE.
  ASSERT_EQ(unmasked(r.physical, kGuestControlledMask), unmasked(host, kGuestControlledMask));
  ASSERT_EQ(smmuv3::ste_res0_bits(r.physical), W8{});
  if (config == u8(SteConfig::s2_trans)) {
    ASSERT_EQ(r.physical, expected_stage2_only(p, h));
    return;
  }
  // Nested: the context pointer is an IPA inside the guest's OAS, stage 1 fields are legal.
  const unsigned oas = reg::oas_bits(p.idr.idr5.oas);
  ASSERT_EQ(get<ste::S1ContextPtr>(r.physical) >> oas, 0u);
  ASSERT_LE(get<ste::S1CdMax>(r.physical), p.idr.idr1.ssidsize);
  ASSERT_NE(get<ste::S1Fmt>(r.physical), 3u);
  ASSERT_NE(get<ste::S1Dss>(r.physical), 3u);
  ASSERT_NE(get<ste::S1Csh>(r.physical), 1u);
  ASSERT_EQ(get<ste::Strw>(r.physical), 0u);
  ASSERT_EQ(get<ste::S1Mpam>(r.physical), 0u);
  ASSERT_LE(get<ste::Eats>(r.physical), p.idr.idr0.ats ? 1u : 0u);
  if (!h.dre) {
    ASSERT_EQ(get<ste::Dre>(r.physical), 0u);
  }
  if (!h.dcp) {
    ASSERT_EQ(get<ste::Dcp>(r.physical), 0u);
  }
}

TEST(SanitizeSte, PropertyInvariantsHoldForRandomAndMutatedStes) {
  const Policy policies[] = {
      guest_policy(),
      guest_policy({.ats = true, .pri = true, .stall = true, .ssid_bits = 20}),
      guest_policy({.cd2l = false, .ssid_bits = 0, .ipa_bits = 40, .rev = reg::ArchMinorRev::smmuv3_0}),
      guest_policy({.ats = true, .ssid_bits = 5, .ipa_bits = 36}),
  };
  const W8 seeds[] = {
      good_s1(),
      linux_cdtable_ste({kS1Fmt64kL2, 20, 0x4000'2000}, true, kS1DssBypass, true, false),
      linux_cdtable_ste({}, false, kS1DssTerminate),
      linux_bypass_ste(true),
      linux_abort_ste(true),
  };
  SplitMix64 rng{0x5EED'0005'7E00'0001ull};
  int installed = 0, nested = 0, bad = 0;
  constexpr int kIterations = 120000;
  for (int i = 0; i < kIterations; ++i) {
    const Policy& p = policies[rng.next() % 4];
    Ste h = host_template();
    W8 g{};
    const std::uint64_t mode = rng.next() % 16;
    if (mode == 0) {
      for (auto& x : g.w) x = rng.next();  // fully random
    } else {
      g = seeds[rng.next() % 5];
      const unsigned flips = 1 + rng.next() % 4;
      for (unsigned f = 0; f < flips; ++f) {
        const unsigned bit = static_cast<unsigned>(rng.next() % (mode < 8 ? 128 : 512));
        g[bit / 64] ^= std::uint64_t{1} << (bit % 64);
      }
    }
    if (rng.next() % 8 == 0) {
      // A mutated host template: random stage 2 words (S2TTB, S2T0SZ, ...), must fail closed
      // when unusable and otherwise be copied exactly.
      W8 hw = smmuv3::encode(h).words;
      hw[2 + rng.next() % 2] ^= std::uint64_t{1} << (rng.next() % 64);
      h = smmuv3::decode_ste(hw);
    }
    const SteResult r = vsmmu::sanitize_ste(p, g, h);
    check_invariants(p, g, h, r);
    if (::testing::Test::HasFatalFailure()) {
      ADD_FAILURE() << "iteration " << i << " mode " << mode;
      return;
    }
    if (r.ok()) ++installed;
    if (r.ok() && get<ste::Config>(r.physical) == u8(SteConfig::nested)) ++nested;
    if (r.verdict == SteVerdict::bad_ste) ++bad;
  }
  // The generator reaches every outcome often.
  EXPECT_GT(installed, kIterations / 4);
  EXPECT_GT(nested, kIterations / 8);
  EXPECT_GT(bad, kIterations / 10);
}

TEST(SanitizeSte, PropertyIgnoredGuestBitsNeverChangeTheOutcome) {
  const Policy p = guest_policy({.ats = true, .pri = true, .stall = true, .ssid_bits = 20});
  SplitMix64 rng{42};
  const W8 seeds[] = {good_s1(), linux_bypass_ste(false),
                      linux_cdtable_ste({kS1Fmt64kL2, 16, 0x4000'0200}, true, kS1DssSsid0, true, false)};
  for (int i = 0; i < 20000; ++i) {
    const W8 base = seeds[rng.next() % 3];
    W8 g = base;
    for (int k = 0; k < 8; ++k) {
      const unsigned w = static_cast<unsigned>(rng.next() % 8);
      g[w] ^= rng.next() & kGuestIgnoredMask[w];
    }
    const SteResult a = vsmmu::sanitize_ste(p, base, host_template());
    const SteResult b = vsmmu::sanitize_ste(p, g, host_template());
    ASSERT_TRUE(b.ok());
    ASSERT_EQ(a.physical, b.physical) << i;
  }
}

// ---------------------------------------------------------------------------------------------
// Level 1 Stream Table Descriptor (§5.1).
// ---------------------------------------------------------------------------------------------

Words<1> l1std(std::uint8_t span, std::uint64_t l2ptr) {
  Words<1> w{};
  EXPECT_TRUE(smmuv3::l1std::Span::set(w, span));
  EXPECT_TRUE(smmuv3::l1std::L2Ptr::set(w, l2ptr));
  return w;
}

TEST(CheckL1std, SpanZeroMakesStreamIdsInvalid) {
  const auto r = vsmmu::check_l1std(guest_policy(), l1std(0, 0x8000'0000), 8);
  EXPECT_EQ(r.verdict, vsmmu::L1StdVerdict::bad_streamid);
  EXPECT_EQ(r.ste_count, 0u);
  EXPECT_NE(r.reason, nullptr);
}

TEST(CheckL1std, ReservedSpanBehavesAsZero) {
  for (std::uint8_t span = 12; span < 32; ++span)
    EXPECT_EQ(vsmmu::check_l1std(guest_policy(), l1std(span, 0x8000'0000), 16).verdict,
              vsmmu::L1StdVerdict::bad_streamid);
}

TEST(CheckL1std, SpanBeyondSplitMakesStreamIdsInvalid) {
  EXPECT_TRUE(vsmmu::check_l1std(guest_policy(), l1std(9, 0x8000'0000), 8).ok());
  EXPECT_EQ(vsmmu::check_l1std(guest_policy(), l1std(10, 0x8000'0000), 8).verdict,
            vsmmu::L1StdVerdict::bad_streamid);
}

TEST(CheckL1std, ValidSpanGivesTableAndSteCount) {
  for (std::uint8_t span = 1; span <= 11; ++span) {
    const auto r = vsmmu::check_l1std(guest_policy(), l1std(span, 0x8000'0000), 10);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.ste_count, 1u << (span - 1));
    EXPECT_EQ(r.l2_table, 0x8000'0000u);
    EXPECT_EQ(r.reason, nullptr);
  }
}

TEST(CheckL1std, L2PtrBitsBelowTheArraySizeAreTreatedAsZero) {
  const auto r = vsmmu::check_l1std(guest_policy(), l1std(3, 0x8000'01C0), 8);  // 4 STEs, 256B
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.l2_table, 0x8000'0100u);
}

TEST(CheckL1std, L2PtrAboveOasIsSteFetchFault) {
  const Policy p = guest_policy({.ipa_bits = 40});
  EXPECT_TRUE(vsmmu::check_l1std(p, l1std(1, (std::uint64_t{1} << 40) - 64), 8).ok());
  const auto r = vsmmu::check_l1std(p, l1std(1, std::uint64_t{1} << 40), 8);
  EXPECT_EQ(r.verdict, vsmmu::L1StdVerdict::ste_fetch);
  EXPECT_EQ(r.l2_table, 0u);
}

TEST(CheckL1std, EveryRes0BitAloneMakesStreamIdsInvalid) {
  for (unsigned bit = 0; bit < 64; ++bit) {
    if ((smmuv3::kL1StdRes0[0] >> bit & 1) == 0) continue;
    Words<1> w = l1std(1, 0x8000'0000);
    w[0] |= std::uint64_t{1} << bit;
    EXPECT_EQ(vsmmu::check_l1std(guest_policy(), w, 8).verdict, vsmmu::L1StdVerdict::bad_streamid) << bit;
  }
}

TEST(CheckL1std, LinuxL1DescriptorsAreAccepted) {
  // arm_smmu_write_strtab_l1_desc(): Span = STRTAB_SPLIT + 1 (SPLIT 8: 256 STEs), L2Ptr the
  // 16KB-aligned DMA address of the Level 2 array.
  const auto r = vsmmu::check_l1std(guest_policy(), l1std(9, 0x4567'C000), 8);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.ste_count, 256u);
  EXPECT_EQ(r.l2_table, 0x4567'C000u);
}

}  // namespace
