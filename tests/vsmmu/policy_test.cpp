// Tests for include/vsmmu/policy.hpp: make_policy never advertises more than the host has,
// and a policy's command table can only tighten the library's ceiling.
#include "vsmmu/policy.hpp"

#include <gtest/gtest.h>

#include <cstdint>

#include "smmuv3/registers/idr.hpp"

namespace {

using smmuv3::Opcode;
using vsmmu::CommandAction;
using vsmmu::GuestConfig;
using vsmmu::HostIdrs;
using vsmmu::make_policy;
using vsmmu::PolicyError;
namespace reg = smmuv3::reg;

constexpr std::uint32_t raw(const smmuv3::Encoded<1>& e) { return static_cast<std::uint32_t>(e.words[0]); }

/// A capable host SMMU (every feature the guest could be offered, and several it never is).
constexpr reg::Idr0 kHostIdr0 = {
    .st_level = reg::StLevel::two_level, .term_model = true, .stall_model = reg::StallModel::stall_and_terminate,
    .tt_endian = reg::TtEndian::little, .vatos = true, .cd2l = true, .vmid16 = true, .vmw = true, .pri = true,
    .atos = true, .sev = true, .msi = true, .asid16 = true, .ns1ats = true, .ats = true, .hyp = true,
    .httu = reg::Httu::access_dirty, .btm = true, .cohacc = true, .ttf = reg::Ttf::vmsav8_32_lpae_and_vmsav8_64,
    .s1p = true, .s2p = true};
constexpr reg::Idr1 kHostIdr1 = {.ecmdq = true, .rel = true, .attr_types_ovr = true, .attr_perms_ovr = true,
                                 .cmdqs = 19, .eventqs = 19, .priqs = 19, .ssidsize = 20, .sidsize = 32};
constexpr reg::Idr3 kHostIdr3 = {.s1pi = true, .e0pd = true, .ril = true, .stt = true, .fwb = true, .mpam = true, .had = true};
constexpr reg::Idr5 kHostIdr5 = {.stall_max = 64, .vax = reg::Vax::va52, .ds = true, .gran64k = true,
                                 .gran16k = false, .gran4k = true, .oas = reg::Oas::pa48};
constexpr HostIdrs kHost = {raw(encode(kHostIdr0)), raw(encode(kHostIdr1)), raw(encode(kHostIdr3)),
                            raw(encode(kHostIdr5)), raw(encode(reg::Aidr{.arch_minor_rev = reg::ArchMinorRev::smmuv3_2}))};

constexpr HostIdrs with_idr0(reg::Idr0 idr0) {
  HostIdrs h = kHost;
  h.idr0 = raw(encode(idr0));
  return h;
}

// make_policy is usable at compile time, so a hypervisor can fix a guest's policy statically.
constexpr vsmmu::PolicyResult kDefault = make_policy(kHost, GuestConfig{});
static_assert(kDefault.ok());
static_assert(kDefault.policy.idr.idr0.s1p && !kDefault.policy.idr.idr0.s2p);

TEST(MakePolicy, GuestSeesStage1OnlyWithAarch64Tables) {
  const reg::Idr0& g = kDefault.policy.idr.idr0;
  EXPECT_TRUE(g.s1p);
  EXPECT_FALSE(g.s2p);
  EXPECT_FALSE(g.hyp);
  EXPECT_EQ(g.ttf, reg::Ttf::vmsav8_64);
  EXPECT_FALSE(g.vmid16);
  EXPECT_FALSE(g.vmw);
}

TEST(MakePolicy, NeverShowsFeaturesTheDeviceDoesNotEmulate) {
  const vsmmu::GuestIdrs& g = kDefault.policy.idr;
  EXPECT_FALSE(g.idr0.atos);
  EXPECT_FALSE(g.idr0.vatos);
  EXPECT_FALSE(g.idr0.ns1ats);
  EXPECT_FALSE(g.idr0.rme_impl);
  EXPECT_FALSE(g.idr1.ecmdq);
  EXPECT_FALSE(g.idr1.rel);
  EXPECT_FALSE(g.idr1.tables_preset);
  EXPECT_FALSE(g.idr1.queues_preset);
  // The host owns the attribute overrides of every physical STE (docs/sanitizer.md).
  EXPECT_FALSE(g.idr1.attr_types_ovr);
  EXPECT_FALSE(g.idr1.attr_perms_ovr);
  EXPECT_EQ(g.idr1.priqs, 0);
  EXPECT_FALSE(g.idr3.fwb);
  EXPECT_FALSE(g.idr3.mpam);
  EXPECT_FALSE(g.idr3.s1pi);
  EXPECT_FALSE(g.idr5.d128);
  EXPECT_EQ(g.idr2.ba_vatos, 0);
}

TEST(MakePolicy, AtsPriAndStallAreOffByDefault) {
  const reg::Idr0& g = kDefault.policy.idr.idr0;
  EXPECT_FALSE(g.ats);
  EXPECT_FALSE(g.pri);
  EXPECT_EQ(g.stall_model, reg::StallModel::terminate_only);
  EXPECT_EQ(kDefault.policy.idr.idr5.stall_max, 0);
}

TEST(MakePolicy, AtsPriAndStallOnlyWhenHostHasThem) {
  const GuestConfig all = {.ats = true, .pri = true, .stall = true};
  const auto on = make_policy(kHost, all);
  ASSERT_TRUE(on.ok());
  EXPECT_TRUE(on.policy.idr.idr0.ats);
  EXPECT_TRUE(on.policy.idr.idr0.pri);
  EXPECT_EQ(on.policy.idr.idr0.stall_model, reg::StallModel::stall_and_terminate);

  reg::Idr0 poor = kHostIdr0;
  poor.ats = false;
  poor.pri = false;
  poor.stall_model = reg::StallModel::terminate_only;
  const auto off = make_policy(with_idr0(poor), all);
  ASSERT_TRUE(off.ok());
  EXPECT_FALSE(off.policy.idr.idr0.ats);
  EXPECT_FALSE(off.policy.idr.idr0.pri);
  EXPECT_EQ(off.policy.idr.idr0.stall_model, reg::StallModel::terminate_only);
}

TEST(MakePolicy, PriNeedsAts) {
  const auto p = make_policy(kHost, GuestConfig{.ats = false, .pri = true});
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p.policy.idr.idr0.pri);
}

TEST(MakePolicy, BtmAndHttuOnlyAsTheHostAllows) {
  EXPECT_FALSE(kDefault.policy.idr.idr0.btm);  // off unless asked: it needs VMID sharing with the CPU
  EXPECT_EQ(kDefault.policy.idr.idr0.httu, reg::Httu::access_dirty);
  EXPECT_TRUE(make_policy(kHost, GuestConfig{.btm = true}).policy.idr.idr0.btm);

  reg::Idr0 poor = kHostIdr0;
  poor.btm = false;
  poor.httu = reg::Httu::none;
  const auto p = make_policy(with_idr0(poor), GuestConfig{.btm = true});
  EXPECT_FALSE(p.policy.idr.idr0.btm);
  EXPECT_EQ(p.policy.idr.idr0.httu, reg::Httu::none);
}

TEST(MakePolicy, WalkFeaturesAreTheHosts) {
  const vsmmu::GuestIdrs& g = kDefault.policy.idr;
  EXPECT_TRUE(g.idr0.asid16);
  EXPECT_TRUE(g.idr0.cohacc);
  EXPECT_TRUE(g.idr0.term_model);
  EXPECT_EQ(g.idr0.tt_endian, reg::TtEndian::little);
  EXPECT_TRUE(g.idr3.ril);
  EXPECT_TRUE(g.idr3.stt);
  EXPECT_TRUE(g.idr3.had);
  EXPECT_TRUE(g.idr3.e0pd);
  EXPECT_TRUE(g.idr5.gran4k);
  EXPECT_FALSE(g.idr5.gran16k);
  EXPECT_TRUE(g.idr5.gran64k);
  EXPECT_TRUE(g.idr5.ds);
  EXPECT_EQ(g.idr5.vax, reg::Vax::va52);
  EXPECT_EQ(g.aidr.arch_minor_rev, reg::ArchMinorRev::smmuv3_2);
}

TEST(MakePolicy, OasIsTheSmallerOfHostOasAndGuestIpaSize) {
  EXPECT_EQ(kDefault.policy.idr.idr5.oas, reg::Oas::pa40);  // default ipa_bits = 40 < host 48
  EXPECT_EQ(make_policy(kHost, GuestConfig{.ipa_bits = 52}).policy.idr.idr5.oas, reg::Oas::pa48);
  // An IPA size between two encodings rounds down: the guest must never name an IPA above it.
  EXPECT_EQ(make_policy(kHost, GuestConfig{.ipa_bits = 39}).policy.idr.idr5.oas, reg::Oas::pa36);
  EXPECT_EQ(make_policy(kHost, GuestConfig{.ipa_bits = 32}).policy.idr.idr5.oas, reg::Oas::pa32);
}

TEST(MakePolicy, Va56AndOas56NeedD128WhichTheGuestIsNotOffered) {
  reg::Idr5 big = kHostIdr5;
  big.vax = reg::Vax::va56;
  big.oas = reg::Oas::pa56;
  big.d128 = true;
  HostIdrs h = kHost;
  h.idr5 = raw(encode(big));
  const auto p = make_policy(h, GuestConfig{.ipa_bits = 64});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.policy.idr.idr5.vax, reg::Vax::va52);
  EXPECT_EQ(p.policy.idr.idr5.oas, reg::Oas::pa52);
  EXPECT_FALSE(p.policy.idr.idr5.d128);
}

TEST(MakePolicy, SizesComeFromTheConfig) {
  const auto p = make_policy(kHost, GuestConfig{.sid_bits = 20, .ssid_bits = 8, .cmdq_log2 = 12, .eventq_log2 = 9,
                                                .two_level_stream_table = false});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.policy.idr.idr1.sidsize, 20);
  EXPECT_EQ(p.policy.idr.idr1.ssidsize, 8);
  EXPECT_EQ(p.policy.idr.idr1.cmdqs, 12);
  EXPECT_EQ(p.policy.idr.idr1.eventqs, 9);
  EXPECT_EQ(p.policy.idr.idr0.st_level, reg::StLevel::linear);
  EXPECT_TRUE(p.policy.idr.idr0.cd2l);  // substreams on, host has 2-level CD tables
  EXPECT_FALSE(kDefault.policy.idr.idr0.cd2l);  // no substreams: no CD tables to split
}

TEST(MakePolicy, VmidIsTheConfigs) {
  EXPECT_EQ(make_policy(kHost, GuestConfig{.vmid = 0x1234}).policy.vmid, 0x1234);
}

TEST(MakePolicy, RefusesHostWithoutNesting) {
  reg::Idr0 s1_only = kHostIdr0;
  s1_only.s2p = false;
  EXPECT_EQ(make_policy(with_idr0(s1_only), {}).error, PolicyError::host_without_nesting);
  reg::Idr0 s2_only = kHostIdr0;
  s2_only.s1p = false;
  EXPECT_EQ(make_policy(with_idr0(s2_only), {}).error, PolicyError::host_without_nesting);
}

TEST(MakePolicy, RefusesHostWithoutAarch64Tables) {
  reg::Idr0 lpae = kHostIdr0;
  lpae.ttf = reg::Ttf::vmsav8_32_lpae;
  EXPECT_EQ(make_policy(with_idr0(lpae), {}).error, PolicyError::host_without_aarch64);
}

TEST(MakePolicy, RefusesHostWithoutGranule) {
  reg::Idr5 none = kHostIdr5;
  none.gran4k = none.gran16k = none.gran64k = false;
  HostIdrs h = kHost;
  h.idr5 = raw(encode(none));
  EXPECT_EQ(make_policy(h, {}).error, PolicyError::host_without_granule);
}

TEST(MakePolicy, RefusesVmidZero) {
  EXPECT_EQ(make_policy(kHost, GuestConfig{.vmid = 0}).error, PolicyError::vmid_zero);
}

TEST(MakePolicy, RecordsTheHostStallModel) {
  EXPECT_EQ(kDefault.policy.host_stall_model, reg::StallModel::stall_and_terminate);
  EXPECT_EQ(kDefault.policy.idr.idr0.stall_model, reg::StallModel::terminate_only);
}

TEST(MakePolicy, StallForcingHostNeedsAGuestThatHandlesStalls) {
  reg::Idr0 forced = kHostIdr0;
  forced.stall_model = reg::StallModel::stall_forced;
  EXPECT_EQ(make_policy(with_idr0(forced), {}).error, PolicyError::host_forces_stall);
  const auto p = make_policy(with_idr0(forced), GuestConfig{.stall = true});
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p.policy.idr.idr0.stall_model, reg::StallModel::stall_forced);
}

TEST(MakePolicy, RefusesVmidWiderThanHost) {
  reg::Idr0 vmid8 = kHostIdr0;
  vmid8.vmid16 = false;
  EXPECT_EQ(make_policy(with_idr0(vmid8), GuestConfig{.vmid = 0x100}).error, PolicyError::vmid_too_wide);
  EXPECT_TRUE(make_policy(with_idr0(vmid8), GuestConfig{.vmid = 0xFF}).ok());
}

TEST(MakePolicy, RefusesOutOfRangeSizes) {
  EXPECT_EQ(make_policy(kHost, GuestConfig{.ipa_bits = 31}).error, PolicyError::ipa_too_small);
  EXPECT_EQ(make_policy(kHost, GuestConfig{.sid_bits = 33}).error, PolicyError::sid_bits_too_wide);
  EXPECT_EQ(make_policy(kHost, GuestConfig{.cmdq_log2 = 20}).error, PolicyError::queue_too_large);
  EXPECT_EQ(make_policy(kHost, GuestConfig{.eventq_log2 = 20}).error, PolicyError::queue_too_large);
  HostIdrs h = kHost;
  reg::Idr1 small = kHostIdr1;
  small.ssidsize = 5;
  h.idr1 = raw(encode(small));
  EXPECT_EQ(make_policy(h, GuestConfig{.ssid_bits = 6}).error, PolicyError::ssid_bits_too_wide);
  EXPECT_TRUE(make_policy(h, GuestConfig{.ssid_bits = 5}).ok());
}

TEST(CommandCeiling, ForwardsOnlyTheStage1AndConfigurationCommands) {
  int forwarded = 0;
  int ignored = 0;
  for (unsigned op = 0; op < 256; ++op) {
    switch (vsmmu::kCommandCeiling[static_cast<std::uint8_t>(op)]) {
      case CommandAction::forward: ++forwarded; break;
      case CommandAction::ignore: ++ignored; break;
      case CommandAction::illegal: break;
    }
  }
  EXPECT_EQ(forwarded, 14);
  EXPECT_EQ(ignored, 2);
  for (Opcode op : {Opcode::tlbi_el2_all, Opcode::tlbi_el2_asid, Opcode::tlbi_el2_va, Opcode::tlbi_el2_vaa,
                    Opcode::tlbi_el3_all, Opcode::tlbi_el3_va, Opcode::tlbi_s12_vmall, Opcode::tlbi_s2_ipa,
                    Opcode::cfgi_vms_pidm, Opcode::dpti_all, Opcode::dpti_pa, Opcode::tlbi_snh_all,
                    Opcode::tlbi_s_el2_all, Opcode::tlbi_s_s12_vmall, Opcode::tlbi_s_s2_ipa})
    EXPECT_EQ(vsmmu::kCommandCeiling[static_cast<std::uint8_t>(op)], CommandAction::illegal)
        << smmuv3::opcode_name(static_cast<std::uint8_t>(op));
}

TEST(CommandAction, AtcInvPriRespResumeStallTermAreIllegalUnlessAdvertised) {
  const vsmmu::Policy& off = kDefault.policy;
  for (Opcode op : {Opcode::atc_inv, Opcode::pri_resp, Opcode::resume, Opcode::stall_term})
    EXPECT_EQ(command_action(off, static_cast<std::uint8_t>(op)), CommandAction::illegal);
  const vsmmu::Policy on = make_policy(kHost, GuestConfig{.ats = true, .pri = true, .stall = true}).policy;
  for (Opcode op : {Opcode::atc_inv, Opcode::pri_resp, Opcode::resume, Opcode::stall_term})
    EXPECT_EQ(command_action(on, static_cast<std::uint8_t>(op)), CommandAction::forward);
}

TEST(CommandAction, PolicyCanTightenButNeverLoosen) {
  vsmmu::Policy p = kDefault.policy;
  const auto tlbi = static_cast<std::uint8_t>(Opcode::tlbi_nh_va);
  const auto el2 = static_cast<std::uint8_t>(Opcode::tlbi_el2_all);
  const auto prefetch = static_cast<std::uint8_t>(Opcode::prefetch_config);
  p.commands[tlbi] = CommandAction::illegal;
  p.commands[el2] = CommandAction::forward;       // a hypervisor bug or attack: must not take
  p.commands[prefetch] = CommandAction::forward;  // above the ceiling (ignore): must not take
  EXPECT_EQ(command_action(p, tlbi), CommandAction::illegal);
  EXPECT_EQ(command_action(p, el2), CommandAction::illegal);
  EXPECT_EQ(command_action(p, prefetch), CommandAction::ignore);
  for (unsigned op = 0; op < 256; ++op) {
    const auto o = static_cast<std::uint8_t>(op);
    for (CommandAction wanted : {CommandAction::illegal, CommandAction::ignore, CommandAction::forward}) {
      p.commands[o] = wanted;
      EXPECT_LE(static_cast<int>(command_action(p, o)), static_cast<int>(vsmmu::kCommandCeiling[o]));
      EXPECT_LE(static_cast<int>(command_action(p, o)), static_cast<int>(wanted));
    }
  }
}

}  // namespace
