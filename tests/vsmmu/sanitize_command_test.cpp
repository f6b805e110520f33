// Tests for include/vsmmu/sanitize_command.hpp: one test per rule (named after it), a RES0 sweep
// over every opcode the guest may use, the commands the stock Linux driver builds
// (arm_smmu_cmdq_build_cmd, __arm_smmu_tlb_inv_range, arm_smmu_atc_inv_to_cmd), a property
// test over random and mutated commands checking what every physical command may look like, and
// differential tests: the fast path (sanitize_command, sanitize_commands) against the reference
// path it falls back to, command by command and batch by batch.
#include "vsmmu/sanitize_command.hpp"

#include <gtest/gtest.h>

#include "support/splitmix64.hpp"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "smmuv3/command.hpp"
#include "smmuv3/registers/idr.hpp"
#include "vsmmu/guest_ram.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_commands.hpp"
#include "vsmmu/stream_map.hpp"

namespace {

using smmuv3::Opcode;
using smmuv3::Words;
using vsmmu::CommandVerdict;
using vsmmu::Policy;
using vsmmu::SyncSignal;
namespace reg = smmuv3::reg;

using Map = vsmmu::FixedStreamMap<8>;
using Ram = vsmmu::GuestRamRegions<2>;

constexpr std::uint16_t kVmid = 0x1234;

constexpr std::uint32_t raw(const smmuv3::Encoded<1>& e) { return static_cast<std::uint32_t>(e.words[0]); }

/// A host with everything the guest could be offered (SMMUv3.2, RIL, DS, ASID16, ATS, PRI, stall).
constexpr vsmmu::HostIdrs capable_host() {
  reg::Idr0 h0{};
  h0.st_level = reg::StLevel::two_level;
  h0.stall_model = reg::StallModel::stall_and_terminate;
  h0.tt_endian = reg::TtEndian::little;
  h0.cd2l = h0.vmid16 = h0.pri = h0.sev = h0.msi = h0.asid16 = h0.ats = h0.hyp = true;
  h0.httu = reg::Httu::access_dirty;
  h0.ttf = reg::Ttf::vmsav8_64;
  h0.s1p = h0.s2p = true;
  reg::Idr1 h1{};
  h1.cmdqs = h1.eventqs = 19;
  h1.ssidsize = 20;
  h1.sidsize = 32;
  reg::Idr3 h3{};
  h3.ril = true;
  reg::Idr5 h5{};
  h5.vax = reg::Vax::va52;
  h5.ds = true;
  h5.gran4k = h5.gran16k = h5.gran64k = true;
  h5.oas = reg::Oas::pa48;
  return {raw(encode(h0)), raw(encode(h1)), raw(encode(h3)), raw(encode(h5)),
          raw(encode(reg::Aidr{0, reg::ArchMinorRev::smmuv3_2}))};
}

/// The guest a hypervisor would typically build: 16-bit vSIDs, 8-bit SSIDs, ATS, PRI, stall, MSI.
constexpr Policy guest_policy() {
  vsmmu::GuestConfig c{};
  c.vmid = kVmid;
  c.sid_bits = 16;
  c.ssid_bits = 8;
  c.ats = c.pri = c.stall = true;
  c.msi = true;
  c.sev = false;
  return vsmmu::make_policy(capable_host(), c).policy;
}

/// A guest with none of the optional features: SMMUv3.0, no RIL/DS/ASID16/ATS/PRI/stall/MSI/SEV.
constexpr Policy minimal_policy() {
  Policy p = guest_policy();
  p.idr.idr0.asid16 = false;
  p.idr.idr0.ats = p.idr.idr0.pri = p.idr.idr0.msi = p.idr.idr0.sev = false;
  p.idr.idr0.stall_model = reg::StallModel::terminate_only;
  p.idr.idr1.ssidsize = 0;
  p.idr.idr3.ril = false;
  p.idr.idr5.ds = false;
  p.idr.aidr.arch_minor_rev = reg::ArchMinorRev::smmuv3_0;
  return p;
}

constexpr Map guest_map() {
  Map m{};
  (void)m.add(0x0010, 0x1010);
  (void)m.add(0x0011, 0x2011);
  (void)m.add(0x0020, 0x3020);
  (void)m.add(0x8000, 0x4000);
  (void)m.add(0x10000, 0x5000);  // beyond the guest's 16-bit SIDSIZE: never reachable
  return m;
}

constexpr Ram guest_ram() {
  Ram r{};
  r.region[0] = {0x4000'0000, 0x4000'0000};
  r.count = 1;
  return r;
}

const Policy kPolicy = guest_policy();
const Map kMap = guest_map();
const Ram kRam = guest_ram();

struct Result {
  vsmmu::CommandOutcome o;
  Words<2> out[16]{};
};

Result run(const Policy& p, const Words<2>& w, const Map& m = kMap, std::size_t cap = 16) {
  Result r{};
  const vsmmu::CommandContext ctx{m, kRam};
  r.o = vsmmu::sanitize_command(p, w, ctx, r.out, cap);
  return r;
}

template <class T>
Words<2> enc(const T& c) {
  const auto e = smmuv3::encode(c);
  EXPECT_TRUE(e.ok()) << e.bad_field;
  return e.words;
}

// --- Linux-shaped commands: bit positions from Linux arm-smmu-v3.h (CMDQ_*), written out here
// independently of the library's field definitions.
constexpr std::uint64_t op(std::uint8_t o) { return o; }
Words<2> linux_cfgi_ste(std::uint32_t sid) {  // arm_smmu_sync_ste_for_sid: leaf = true
  return {{op(0x03) | std::uint64_t{sid} << 32, 1}};
}
Words<2> linux_cfgi_cd(std::uint32_t sid, std::uint32_t ssid) {  // arm_smmu_sync_cd: leaf = true
  return {{op(0x05) | std::uint64_t{ssid} << 12 | std::uint64_t{sid} << 32, 1}};
}
Words<2> linux_cfgi_all() { return {{op(0x04), 31}}; }  // arm_smmu_device_reset
Words<2> linux_tlbi_nh_asid(std::uint16_t asid) {       // arm_smmu_tlb_inv_context: vmid 0
  return {{op(0x11) | std::uint64_t{asid} << 48, 0}};
}
Words<2> linux_tlbi_nsnh_all() { return {{op(0x30), 0}}; }
Words<2> linux_tlbi_nh_va(std::uint16_t asid, std::uint64_t va, bool leaf, unsigned num, unsigned scale,
                          unsigned ttl, unsigned tg) {
  return {{op(0x12) | std::uint64_t{num} << 12 | std::uint64_t{scale} << 20 | std::uint64_t{asid} << 48,
           std::uint64_t{leaf} | std::uint64_t{ttl} << 8 | std::uint64_t{tg} << 10 | (va & ~std::uint64_t{0xFFF})}};
}
Words<2> linux_sync_sev() {  // arm_smmu_cmdq_build_sync_cmd without msipoll: CS = SEV
  return {{op(0x46) | std::uint64_t{2} << 12 | std::uint64_t{3} << 22 | std::uint64_t{0xF} << 24, 0}};
}
Words<2> linux_sync_msi(std::uint64_t addr) {  // with ARM_SMMU_OPT_MSIPOLL: CS = IRQ, MSIData 0
  return {{op(0x46) | std::uint64_t{1} << 12 | std::uint64_t{3} << 22 | std::uint64_t{0xF} << 24,
           addr & 0x000F'FFFF'FFFF'FFFCull}};
}
Words<2> linux_prefetch_cfg(std::uint32_t sid) { return {{op(0x01) | std::uint64_t{sid} << 32, 0}}; }
Words<2> linux_atc_inv(std::uint32_t sid, std::uint32_t ssid, std::uint64_t addr, unsigned size) {
  // arm_smmu_atc_inv_to_cmd: substream_valid = (ssid != IOMMU_NO_PASID)
  return {{op(0x40) | std::uint64_t{ssid != 0} << 11 | std::uint64_t{ssid} << 12 | std::uint64_t{sid} << 32,
           std::uint64_t{size} | (addr & ~std::uint64_t{0xFFF})}};
}
Words<2> linux_pri_resp(std::uint32_t sid, std::uint32_t ssid, bool ssv, std::uint16_t grpid, unsigned resp) {
  return {{op(0x41) | std::uint64_t{ssv} << 11 | std::uint64_t{ssid} << 12 | std::uint64_t{sid} << 32,
           std::uint64_t{grpid} | std::uint64_t{resp} << 12}};
}
Words<2> linux_resume(std::uint32_t sid, unsigned resp, std::uint16_t stag) {  // arm_smmu_page_response
  return {{op(0x44) | std::uint64_t{resp} << 12 | std::uint64_t{sid} << 32, stag}};
}

/// The commands __arm_smmu_tlb_inv_range builds for [iova, iova + size) with the given leaf
/// granule and page size, with and without range invalidation (ARM_SMMU_FEAT_RANGE_INV).
std::size_t linux_tlb_inv_range(Words<2>* out, std::size_t cap, std::uint16_t asid, std::uint64_t iova,
                                std::uint64_t size, std::uint64_t granule, bool leaf, unsigned pg_shift, bool ril) {
  std::size_t n = 0;
  unsigned tg = 0, ttl = 0;
  std::uint64_t num_pages = 0;
  const std::uint64_t end = iova + size;
  if (ril) {
    num_pages = size >> pg_shift;
    tg = (pg_shift - 10) / 2;
    if (leaf)
      ttl = 4 - ((static_cast<unsigned>(std::bit_width(granule) - 1) - 3) / (pg_shift - 3));
    else if ((num_pages & 31) == 1)
      ++num_pages;
  }
  std::uint64_t inv_range = granule;
  while (iova < end && n < cap) {
    unsigned num = 0, scale = 0;
    if (ril) {
      scale = static_cast<unsigned>(std::countr_zero(num_pages));
      const std::uint64_t chunks = (num_pages >> scale) & 31;
      num = static_cast<unsigned>(chunks - 1);
      inv_range = chunks << (scale + pg_shift);
      num_pages -= chunks << scale;
    }
    out[n++] = linux_tlbi_nh_va(asid, iova, leaf, num, scale, ttl, tg);
    iova += inv_range;
  }
  return n;
}

// --- invariants every physical command must satisfy -----------------------------------------

bool psid_mapped(const Map& m, std::uint32_t psid) {
  for (std::size_t i = 0; i < m.size(); ++i)
    if (m[i].psid == psid) return true;
  return false;
}

/// The map a physical command lives in: pSID -> pSID, for re-sanitizing outputs.
Map identity_of(const Map& m) {
  Map id{};
  for (std::size_t i = 0; i < m.size(); ++i) (void)id.add(m[i].psid, m[i].psid);
  return id;
}

::testing::AssertionResult physical_ok(const Policy& p, const Map& m, const Words<2>& w) {
  const auto o = smmuv3::command_opcode(w);
  switch (o) {
    case Opcode::cfgi_ste:
    case Opcode::cfgi_cd:
    case Opcode::cfgi_cd_all:
    case Opcode::tlbi_nh_all:
    case Opcode::tlbi_nh_asid:
    case Opcode::tlbi_nh_va:
    case Opcode::tlbi_nh_vaa:
    case Opcode::atc_inv:
    case Opcode::pri_resp:
    case Opcode::resume:
    case Opcode::stall_term:
      break;
    default:
      return ::testing::AssertionFailure() << "opcode 0x" << std::hex << unsigned(o) << " reached the host";
  }
  if (smmuv3::any(smmuv3::command_res0_bits(w))) return ::testing::AssertionFailure() << "RES0 bit set";
  const bool has_vmid = o == Opcode::tlbi_nh_all || o == Opcode::tlbi_nh_asid || o == Opcode::tlbi_nh_va ||
                        o == Opcode::tlbi_nh_vaa;
  if (has_vmid && smmuv3::cmd::Vmid::get(w) != p.vmid) return ::testing::AssertionFailure() << "foreign VMID";
  if (!has_vmid) {
    if (!psid_mapped(m, static_cast<std::uint32_t>(smmuv3::cmd::StreamId::get(w))))
      return ::testing::AssertionFailure() << "StreamID not a mapped pSID";
    const bool has_ssec = o != Opcode::atc_inv && o != Opcode::pri_resp;
    if (has_ssec && smmuv3::cmd::Ssec::get(w) != 0) return ::testing::AssertionFailure() << "SSec set";
  }
  // Re-sanitizing a physical command in its own (pSID) namespace changes nothing.
  const Map id = identity_of(m);
  Words<2> again[16]{};
  const vsmmu::CommandContext ctx{id, kRam};
  const auto r = vsmmu::sanitize_command(p, w, ctx, again, 16);
  if (r.verdict != CommandVerdict::forwarded || r.produced != 1 || !(again[0] == w))
    return ::testing::AssertionFailure() << "does not re-sanitize to itself";
  return ::testing::AssertionSuccess();
}

// --- opcode gating ----------------------------------------------------------------------------

TEST(SanitizeCommand, OpcodeNotPermittedIsCerrorIll) {
  for (unsigned opc = 0; opc < 256; ++opc) {
    const auto b = static_cast<std::uint8_t>(opc);
    if (vsmmu::command_action(kPolicy, b) != vsmmu::CommandAction::illegal) continue;
    const Result r = run(kPolicy, Words<2>{{opc, 0}});
    EXPECT_EQ(r.o.verdict, CommandVerdict::illegal) << opc;
    EXPECT_EQ(r.o.cerror(), smmuv3::CmdqError::cerror_ill);
    EXPECT_NE(r.o.reason, nullptr);
  }
}

TEST(SanitizeCommand, El2El3Stage2SecureDptiAndVmsPidmAreCerrorIll) {
  // §4.4.2 (Hyp == 0; EL3 and S_* on the Non-secure queue), §4.4.3.1/2 (no stage 2),
  // §4.4.4.2, §4.3.5 (MPAM == 0), §4.6 (no DPT).
  constexpr Opcode kRefused[] = {Opcode::tlbi_el2_all,   Opcode::tlbi_el2_asid,   Opcode::tlbi_el2_va,
                                 Opcode::tlbi_el2_vaa,   Opcode::tlbi_el3_all,    Opcode::tlbi_el3_va,
                                 Opcode::tlbi_s2_ipa,    Opcode::tlbi_s12_vmall,  Opcode::cfgi_vms_pidm,
                                 Opcode::dpti_all,       Opcode::dpti_pa,         Opcode::tlbi_s_el2_all,
                                 Opcode::tlbi_s_el2_asid, Opcode::tlbi_s_el2_va,  Opcode::tlbi_s_el2_vaa,
                                 Opcode::tlbi_s_s12_vmall, Opcode::tlbi_s_s2_ipa, Opcode::tlbi_snh_all};
  for (Opcode o : kRefused) {
    const Result r = run(kPolicy, Words<2>{{static_cast<std::uint8_t>(o), 0}});
    EXPECT_EQ(r.o.verdict, CommandVerdict::illegal) << smmuv3::opcode_name(static_cast<std::uint8_t>(o));
  }
}

TEST(SanitizeCommand, ReservedAndImplementationDefinedOpcodesAreCerrorIll) {
  for (unsigned opc = 0; opc < 256; ++opc) {
    if (smmuv3::is_known_opcode(static_cast<std::uint8_t>(opc))) continue;
    EXPECT_EQ(run(kPolicy, Words<2>{{opc, 0}}).o.verdict, CommandVerdict::illegal) << opc;
  }
}

/// One good command per opcode the guest may use (kPolicy advertises ATS, PRI and stall).
std::size_t good_commands(Words<2>* out) {
  std::size_t n = 0;
  out[n++] = linux_prefetch_cfg(0x10);
  out[n++] = enc(smmuv3::CmdPrefetchAddr{false, false, 0, 0x10, 3, 0, false, 0x1000});
  out[n++] = linux_cfgi_ste(0x10);
  out[n++] = enc(smmuv3::CmdCfgiSteRange{false, 0x10, 3});
  out[n++] = linux_cfgi_all();
  out[n++] = linux_cfgi_cd(0x10, 5);
  out[n++] = enc(smmuv3::CmdCfgiCdAll{false, 0x10});
  out[n++] = enc(smmuv3::CmdTlbiNhAll{0});
  out[n++] = linux_tlbi_nh_asid(7);
  out[n++] = linux_tlbi_nh_va(7, 0x1234'5000, true, 1, 2, 3, 1);
  out[n++] = enc(smmuv3::CmdTlbiNhVaa{0, 0, 0, true, false, 0, smmuv3::TlbiTg::any, 0x8000});
  out[n++] = linux_tlbi_nsnh_all();
  out[n++] = linux_atc_inv(0x10, 3, 0x4000, 2);
  out[n++] = linux_pri_resp(0x10, 3, true, 9, 2);
  out[n++] = linux_resume(0x10, 1, 0x55);
  out[n++] = enc(smmuv3::CmdStallTerm{false, 0x10});
  out[n++] = linux_sync_msi(0x4000'1000);
  return n;
}

TEST(SanitizeCommand, EveryRes0BitIsCerrorIll) {
  Words<2> good[32]{};
  const std::size_t n = good_commands(good);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_NE(run(kPolicy, good[i]).o.verdict, CommandVerdict::illegal) << i;
    unsigned res0 = 0;
    for (unsigned bit = 8; bit < 128; ++bit) {
      Words<2> w = good[i];
      w[bit / 64] |= std::uint64_t{1} << (bit % 64);
      if (!smmuv3::any(smmuv3::command_res0_bits(w)) || w == good[i]) continue;
      ++res0;
      EXPECT_EQ(run(kPolicy, w).o.verdict, CommandVerdict::illegal) << "command " << i << " bit " << bit;
    }
    EXPECT_GT(res0, 0u) << i;
  }
}

TEST(SanitizeCommand, SsecOnNonSecureQueueIsCerrorIll) {
  // §4.1.6: "A command on the Non-secure Command queue with SSec == 1 is ILLEGAL".
  Words<2> good[32]{};
  const std::size_t n = good_commands(good);
  unsigned with_ssec = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const auto o = smmuv3::command_opcode(good[i]);
    if (o == Opcode::atc_inv || o == Opcode::pri_resp || o == Opcode::sync || (o >= Opcode::tlbi_nh_all && o <= Opcode::tlbi_nsnh_all))
      continue;  // no SSec field
    Words<2> w = good[i];
    w[0] |= std::uint64_t{1} << 10;
    ++with_ssec;
    const Result r = run(kPolicy, w);
    EXPECT_EQ(r.o.verdict, CommandVerdict::illegal) << i;
  }
  EXPECT_EQ(with_ssec, 9u);
}

TEST(SanitizeCommand, PolicyIgnoreStillRaisesCerrorIllFirst) {
  // §4.1.3: CERROR_ILL takes precedence over IGNORED.
  Policy p = kPolicy;
  p.commands[static_cast<std::uint8_t>(Opcode::cfgi_ste)] = vsmmu::CommandAction::ignore;
  EXPECT_EQ(run(p, linux_cfgi_ste(0x10)).o.verdict, CommandVerdict::ignored);
  Words<2> bad = linux_cfgi_ste(0x10);
  bad[0] |= 1u << 10;
  EXPECT_EQ(run(p, bad).o.verdict, CommandVerdict::illegal);
}

TEST(SanitizeCommand, PolicyIllegalOpcodeIsCerrorIll) {
  Policy p = kPolicy;
  p.commands[static_cast<std::uint8_t>(Opcode::tlbi_nh_asid)] = vsmmu::CommandAction::illegal;
  EXPECT_EQ(run(p, linux_tlbi_nh_asid(1)).o.verdict, CommandVerdict::illegal);
}

// --- §4.2 prefetch ----------------------------------------------------------------------------

TEST(SanitizeCommand, PrefetchIsIgnored) {
  const Result a = run(kPolicy, linux_prefetch_cfg(0x10));
  EXPECT_EQ(a.o.verdict, CommandVerdict::ignored);
  EXPECT_EQ(a.o.produced, 0u);
  EXPECT_EQ(run(kPolicy, enc(smmuv3::CmdPrefetchAddr{false, true, 0xFFFFF, 0xFFFFFFFF, 31, 31, false, 0}))
                .o.verdict,
            CommandVerdict::ignored);
}

TEST(SanitizeCommand, PrefetchAddrNsIsCerrorIll) {
  EXPECT_EQ(run(kPolicy, enc(smmuv3::CmdPrefetchAddr{false, false, 0, 0x10, 0, 0, true, 0})).o.verdict,
            CommandVerdict::illegal);
}

TEST(SanitizeCommand, PrefetchAddrStrideInSmmuV30IsCerrorIll) {
  const Words<2> w = enc(smmuv3::CmdPrefetchAddr{false, false, 0, 0x10, 0, 1, false, 0});
  EXPECT_EQ(run(kPolicy, w).o.verdict, CommandVerdict::ignored);
  Policy v30 = kPolicy;
  v30.idr.aidr.arch_minor_rev = reg::ArchMinorRev::smmuv3_0;
  EXPECT_EQ(run(v30, w).o.verdict, CommandVerdict::illegal);
}

// --- §4.3 configuration invalidation ----------------------------------------------------------

TEST(SanitizeCommand, CfgiSteOfMappedStreamBecomesCfgiSteOfPsidWithRefresh) {
  for (bool leaf : {false, true}) {
    const Result r = run(kPolicy, enc(smmuv3::CmdCfgiSte{false, 0x11, leaf}));
    ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
    ASSERT_EQ(r.o.produced, 1u);
    // Leaf = 0 whatever the guest said: the host may have changed its own L1STD for the pSID.
    EXPECT_EQ(smmuv3::decode_command_as<smmuv3::CmdCfgiSte>(r.out[0]), (smmuv3::CmdCfgiSte{false, 0x2011, false}));
    EXPECT_EQ(r.o.refresh, (vsmmu::SteRefresh{true, 0x11, 0x11}));
    EXPECT_EQ(r.o.reason, nullptr);
  }
}

TEST(SanitizeCommand, CfgiSteOfUnmappedStreamIsIgnored) {
  const Result r = run(kPolicy, linux_cfgi_ste(0x12));
  EXPECT_EQ(r.o.verdict, CommandVerdict::ignored);
  EXPECT_FALSE(r.o.refresh.needed);
  EXPECT_NE(r.o.reason, nullptr);
}

TEST(SanitizeCommand, StreamIdBeyondSidSizeIsIgnored) {
  // §4.1.7: an out-of-range StreamID may have no effect. 0x10000 is mapped, but the guest has
  // 16-bit StreamIDs, so it can never name it.
  for (const Words<2>& w : {linux_cfgi_ste(0x10000), linux_cfgi_cd(0x10000, 0),
                            enc(smmuv3::CmdCfgiCdAll{false, 0x10000}), linux_atc_inv(0x10000, 0, 0, 0),
                            linux_resume(0x10000, 1, 0), enc(smmuv3::CmdStallTerm{false, 0x10000})}) {
    const Result r = run(kPolicy, w);
    EXPECT_EQ(r.o.verdict, CommandVerdict::ignored);
  }
}

TEST(SanitizeCommand, CfgiSteRangeExpandsOverMappedStreamsOfTheAlignedRange) {
  // Range 4: 32 StreamIDs, base aligned: StreamID 0x2F covers 0x20..0x3F (§4.3.2).
  const Result r = run(kPolicy, enc(smmuv3::CmdCfgiSteRange{false, 0x2F, 4}));
  ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
  ASSERT_EQ(r.o.produced, 1u);
  EXPECT_EQ(smmuv3::decode_command_as<smmuv3::CmdCfgiSte>(r.out[0]), (smmuv3::CmdCfgiSte{false, 0x3020, false}));
  EXPECT_EQ(r.o.refresh, (vsmmu::SteRefresh{true, 0x20, 0x3F}));
  // Range 5: 0x00..0x3F holds three mapped streams.
  const Result r5 = run(kPolicy, enc(smmuv3::CmdCfgiSteRange{false, 0x1, 5}));
  ASSERT_EQ(r5.o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(r5.o.produced, 3u);
  EXPECT_EQ(r5.o.refresh, (vsmmu::SteRefresh{true, 0x00, 0x3F}));
}

TEST(SanitizeCommand, CfgiSteRangeIsClippedToSidSize) {
  // Range 30 covers 2^31 StreamIDs; the guest has 2^16, and the mapping at 0x10000 is not one.
  const Result r = run(kPolicy, enc(smmuv3::CmdCfgiSteRange{false, 0, 30}));
  ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(r.o.produced, 4u);
  EXPECT_EQ(r.o.refresh, (vsmmu::SteRefresh{true, 0, 0xFFFF}));
  for (std::uint32_t i = 0; i < r.o.produced; ++i) EXPECT_NE(smmuv3::cmd::StreamId::get(r.out[i]), 0x5000u);
  // Entirely beyond SIDSIZE: no effect (§4.1.7).
  EXPECT_EQ(run(kPolicy, enc(smmuv3::CmdCfgiSteRange{false, 0x10000, 3})).o.verdict, CommandVerdict::ignored);
}

TEST(SanitizeCommand, CfgiSteRangeWithoutMappedStreamIsIgnored) {
  EXPECT_EQ(run(kPolicy, enc(smmuv3::CmdCfgiSteRange{false, 0x100, 2})).o.verdict, CommandVerdict::ignored);
}

TEST(SanitizeCommand, CfgiAllBecomesCfgiSteOfEveryMappedStream) {
  // §4.3.7: "For each S in (GUEST_STREAMS) { CMD_CFGI_STE(S); }"; never a physical CFGI_ALL.
  Words<2> w = linux_cfgi_all();
  w[0] |= std::uint64_t{0xDEAD} << 32;  // StreamID is IGNORED (§4.3.6)
  const Result r = run(kPolicy, w);
  ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
  ASSERT_EQ(r.o.produced, 4u);
  const std::uint32_t expected[] = {0x1010, 0x2011, 0x3020, 0x4000};
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(smmuv3::command_opcode(r.out[i]), Opcode::cfgi_ste);
    EXPECT_EQ(smmuv3::decode_command_as<smmuv3::CmdCfgiSte>(r.out[i]), (smmuv3::CmdCfgiSte{false, expected[i], false}));
  }
  EXPECT_EQ(r.o.refresh, (vsmmu::SteRefresh{true, 0, 0xFFFF}));
}

TEST(SanitizeCommand, CfgiAllWithoutMappedStreamsIsIgnored) {
  const Map empty{};
  EXPECT_EQ(run(kPolicy, linux_cfgi_all(), empty).o.verdict, CommandVerdict::ignored);
}

TEST(SanitizeCommand, CfgiExpansionThatDoesNotFitIsNoSpaceAndWritesNothing) {
  Result r{};
  const vsmmu::CommandContext ctx{kMap, kRam};
  r.o = vsmmu::sanitize_command(kPolicy, linux_cfgi_all(), ctx, r.out, 3);
  EXPECT_EQ(r.o.verdict, CommandVerdict::no_space);
  EXPECT_EQ(r.o.produced, 4u);
  EXPECT_EQ(r.o.cerror(), smmuv3::CmdqError::cerror_none);
  for (const auto& w : r.out) EXPECT_EQ(w, (Words<2>{}));
  EXPECT_EQ(vsmmu::sanitize_command(kPolicy, linux_cfgi_ste(0x10), ctx, nullptr, 0).verdict, CommandVerdict::no_space);
  EXPECT_EQ(vsmmu::max_produced_per_command(kMap), 5u);
}

TEST(SanitizeCommand, CfgiCdTranslatesStreamAndKeepsSubstream) {
  // §4.3.7: "SubstreamID is the same in guest and host".
  const Result r = run(kPolicy, linux_cfgi_cd(0x20, 0xAB));
  ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(smmuv3::decode_command_as<smmuv3::CmdCfgiCd>(r.out[0]), (smmuv3::CmdCfgiCd{false, 0xAB, 0x3020, true}));
  EXPECT_FALSE(r.o.refresh.needed);
}

TEST(SanitizeCommand, CfgiCdSubstreamBeyondSsidSizeIsIgnored) {
  // §4.3.3: an out-of-range SubstreamID follows §4.1.7 (no effect).
  EXPECT_EQ(run(kPolicy, linux_cfgi_cd(0x20, 0x100)).o.verdict, CommandVerdict::ignored);
  EXPECT_EQ(run(minimal_policy(), linux_cfgi_cd(0x20, 1)).o.verdict, CommandVerdict::ignored);
  EXPECT_EQ(run(minimal_policy(), linux_cfgi_cd(0x20, 0)).o.verdict, CommandVerdict::forwarded);
}

TEST(SanitizeCommand, CfgiCdAllTranslatesStream) {
  const Result r = run(kPolicy, enc(smmuv3::CmdCfgiCdAll{false, 0x8000}));
  ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(smmuv3::decode_command_as<smmuv3::CmdCfgiCdAll>(r.out[0]), (smmuv3::CmdCfgiCdAll{false, 0x4000}));
  EXPECT_EQ(run(kPolicy, enc(smmuv3::CmdCfgiCdAll{false, 0x8001})).o.verdict, CommandVerdict::ignored);
}

// --- §4.4 TLB invalidation --------------------------------------------------------------------

TEST(SanitizeCommand, TlbiNhAllCarriesHostVmidWhateverTheGuestWrote) {
  // §4.4.2: without stage 2, VMID is RES0 and the SMMU may use an UNKNOWN VMID.
  for (std::uint16_t guest_vmid : {std::uint16_t{0}, std::uint16_t{0xFFFF}}) {
    const Result r = run(kPolicy, enc(smmuv3::CmdTlbiNhAll{guest_vmid}));
    ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
    EXPECT_EQ(r.out[0], enc(smmuv3::CmdTlbiNhAll{kVmid}));
  }
}

TEST(SanitizeCommand, TlbiNhAsidCarriesHostVmidAndGuestAsid) {
  const Result r = run(kPolicy, enc(smmuv3::CmdTlbiNhAsid{0x77, 0xBEEF}));
  ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(r.out[0], enc(smmuv3::CmdTlbiNhAsid{kVmid, 0xBEEF}));
}

TEST(SanitizeCommand, AsidUpperByteWithoutAsid16IsCerrorIll) {
  const Policy p = minimal_policy();
  EXPECT_EQ(run(p, linux_tlbi_nh_asid(0xFF)).o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(run(p, linux_tlbi_nh_asid(0x100)).o.verdict, CommandVerdict::illegal);
  EXPECT_EQ(run(p, linux_tlbi_nh_va(0x100, 0x1000, true, 0, 0, 0, 0)).o.verdict, CommandVerdict::illegal);
}

TEST(SanitizeCommand, TlbiNhVaKeepsEveryOperandButVmid) {
  smmuv3::CmdTlbiNhVa g{};
  g.num = 7;
  g.scale = 33;  // 6-bit SCALE: the guest has DS
  g.vmid = 0x42;
  g.asid = 0x9999;
  g.leaf = true;
  g.ttl = 2;
  g.tg = smmuv3::TlbiTg::granule_64kb;
  g.address = 0xFFFF'8000'1234'0000;
  const Result r = run(kPolicy, enc(g));
  ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
  smmuv3::CmdTlbiNhVa want = g;
  want.vmid = kVmid;
  EXPECT_EQ(smmuv3::decode_command_as<smmuv3::CmdTlbiNhVa>(r.out[0]), want);
}

TEST(SanitizeCommand, TlbiRangeFieldsWithoutRilAreCerrorIll) {
  const Policy p = minimal_policy();
  EXPECT_EQ(run(p, linux_tlbi_nh_va(1, 0x1000, true, 0, 0, 0, 0)).o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(run(p, linux_tlbi_nh_va(1, 0x1000, true, 1, 0, 0, 0)).o.verdict, CommandVerdict::illegal);
  EXPECT_EQ(run(p, linux_tlbi_nh_va(1, 0x1000, true, 0, 1, 0, 0)).o.verdict, CommandVerdict::illegal);
  EXPECT_EQ(run(p, linux_tlbi_nh_va(1, 0x1000, true, 0, 0, 3, 0)).o.verdict, CommandVerdict::illegal);
  EXPECT_EQ(run(p, linux_tlbi_nh_va(1, 0x1000, true, 0, 0, 3, 1)).o.verdict, CommandVerdict::illegal);
  smmuv3::CmdTlbiNhVaa vaa{};
  vaa.tg = smmuv3::TlbiTg::granule_4kb;
  vaa.ttl = 3;
  EXPECT_EQ(run(p, enc(vaa)).o.verdict, CommandVerdict::illegal);
  EXPECT_EQ(run(kPolicy, enc(vaa)).o.verdict, CommandVerdict::forwarded);
}

TEST(SanitizeCommand, TlbiNumScaleTtlWithTgZeroAreCerrorIll) {
  EXPECT_EQ(run(kPolicy, linux_tlbi_nh_va(1, 0x1000, true, 1, 0, 0, 0)).o.verdict, CommandVerdict::illegal);
  EXPECT_EQ(run(kPolicy, linux_tlbi_nh_va(1, 0x1000, true, 0, 1, 0, 0)).o.verdict, CommandVerdict::illegal);
  EXPECT_EQ(run(kPolicy, linux_tlbi_nh_va(1, 0x1000, true, 0, 0, 2, 0)).o.verdict, CommandVerdict::illegal);
}

TEST(SanitizeCommand, TlbiScaleBit5WithoutDsIsCerrorIll) {
  Policy p = kPolicy;
  p.idr.idr5.ds = false;
  EXPECT_EQ(run(p, linux_tlbi_nh_va(1, 0x1000, true, 0, 31, 3, 1)).o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(run(p, linux_tlbi_nh_va(1, 0x1000, true, 0, 32, 3, 1)).o.verdict, CommandVerdict::illegal);
  EXPECT_EQ(run(kPolicy, linux_tlbi_nh_va(1, 0x1000, true, 0, 32, 3, 1)).o.verdict, CommandVerdict::forwarded);
}

TEST(SanitizeCommand, TlbiReservedRangeCombinationIsCerrorIll) {
  // §4.4.1.1: TG != 0b00 with NUM == 0, SCALE == 0 and TTL == 0b00 is Reserved.
  EXPECT_EQ(run(kPolicy, linux_tlbi_nh_va(1, 0x1000, false, 0, 0, 0, 1)).o.verdict, CommandVerdict::illegal);
  // 16KB with TTL == 0b01 and DS == 0 counts as TTL == 0b00.
  Policy p = kPolicy;
  p.idr.idr5.ds = false;
  EXPECT_EQ(run(p, linux_tlbi_nh_va(1, 0x4000, true, 0, 0, 1, 2)).o.verdict, CommandVerdict::illegal);
  EXPECT_EQ(run(kPolicy, linux_tlbi_nh_va(1, 0x4000, true, 0, 0, 1, 2)).o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(run(p, linux_tlbi_nh_va(1, 0x4000, true, 1, 0, 1, 2)).o.verdict, CommandVerdict::forwarded);
}

TEST(SanitizeCommand, Ttl128WithoutD128IsCerrorIll) {
  smmuv3::CmdTlbiNhVa g{};
  g.tg = smmuv3::TlbiTg::granule_4kb;
  g.ttl = 3;
  g.ttl128 = true;
  EXPECT_EQ(run(kPolicy, enc(g)).o.verdict, CommandVerdict::illegal);
  Policy d128 = kPolicy;
  d128.idr.idr5.d128 = true;
  EXPECT_EQ(run(d128, enc(g)).o.verdict, CommandVerdict::forwarded);
  g.ttl = 0;
  g.num = 1;
  EXPECT_EQ(run(d128, enc(g)).o.verdict, CommandVerdict::illegal);  // TTL128 RES0 when TTL == 0b00
}

TEST(SanitizeCommand, TlbiNhVaaCarriesHostVmid) {
  smmuv3::CmdTlbiNhVaa g{};
  g.vmid = 3;
  g.leaf = true;
  g.address = 0x7000;
  const Result r = run(kPolicy, enc(g));
  ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
  g.vmid = kVmid;
  EXPECT_EQ(r.out[0], enc(g));
}

TEST(SanitizeCommand, TlbiNsnhAllBecomesTlbiNhAllOfHostVmid) {
  const Result r = run(kPolicy, linux_tlbi_nsnh_all());
  ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
  ASSERT_EQ(r.o.produced, 1u);
  EXPECT_EQ(r.out[0], enc(smmuv3::CmdTlbiNhAll{kVmid}));
}

// --- §4.5 ATS and PRI ---------------------------------------------------------------------------

TEST(SanitizeCommand, AtcInvTranslatesStreamAndKeepsSpan) {
  const Result r = run(kPolicy, linux_atc_inv(0x11, 4, 0x12'3456'7000, 3));
  ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
  smmuv3::CmdAtcInv want{};
  want.ssv = true;
  want.substream_id = 4;
  want.stream_id = 0x2011;
  want.size = 3;
  want.address = 0x12'3456'7000;
  EXPECT_EQ(smmuv3::decode_command_as<smmuv3::CmdAtcInv>(r.out[0]), want);
}

TEST(SanitizeCommand, AtcInvSizeAbove52IsCerrorIll) {
  EXPECT_EQ(run(kPolicy, linux_atc_inv(0x11, 0, 0, 52)).o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(run(kPolicy, linux_atc_inv(0x11, 0, 0, 53)).o.verdict, CommandVerdict::illegal);
  // CERROR_ILL wins over "unmapped: ignored" (§4.1.3).
  EXPECT_EQ(run(kPolicy, linux_atc_inv(0x12, 0, 0, 63)).o.verdict, CommandVerdict::illegal);
}

TEST(SanitizeCommand, AtcInvGlobalAndSubstreamWithoutSsvAreNotForwarded) {
  // §4.5.1: Global is IGNORED when SSV == 0.
  smmuv3::CmdAtcInv g{};
  g.global = true;
  g.substream_id = 0x55;
  g.stream_id = 0x10;
  const Result r = run(kPolicy, enc(g));
  ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
  const auto phys = smmuv3::decode_command_as<smmuv3::CmdAtcInv>(r.out[0]);
  EXPECT_FALSE(phys.global);
  EXPECT_EQ(phys.substream_id, 0u);
}

TEST(SanitizeCommand, SsvWithoutSubstreamsOrOutOfRangeSubstreamIsIgnored) {
  Policy p = kPolicy;
  p.idr.idr1.ssidsize = 0;
  EXPECT_EQ(run(p, linux_atc_inv(0x11, 1, 0, 0)).o.verdict, CommandVerdict::ignored);
  EXPECT_EQ(run(p, linux_pri_resp(0x11, 0, true, 1, 2)).o.verdict, CommandVerdict::ignored);
  EXPECT_EQ(run(kPolicy, linux_atc_inv(0x11, 0x100, 0, 0)).o.verdict, CommandVerdict::ignored);
}

TEST(SanitizeCommand, AtsPriStallCommandsWithoutTheFeatureAreCerrorIll) {
  const Policy p = minimal_policy();
  EXPECT_EQ(run(p, linux_atc_inv(0x11, 0, 0, 0)).o.verdict, CommandVerdict::illegal);
  EXPECT_EQ(run(p, linux_pri_resp(0x11, 0, false, 1, 2)).o.verdict, CommandVerdict::illegal);
  EXPECT_EQ(run(p, linux_resume(0x11, 1, 1)).o.verdict, CommandVerdict::illegal);
  EXPECT_EQ(run(p, enc(smmuv3::CmdStallTerm{false, 0x11})).o.verdict, CommandVerdict::illegal);
}

TEST(SanitizeCommand, PriRespReservedRespIsCerrorIll) {
  for (unsigned resp = 0; resp < 3; ++resp)
    EXPECT_EQ(run(kPolicy, linux_pri_resp(0x11, 0, false, 1, resp)).o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(run(kPolicy, linux_pri_resp(0x11, 0, false, 1, 3)).o.verdict, CommandVerdict::illegal);
}

TEST(SanitizeCommand, PriRespTranslatesStream) {
  const Result r = run(kPolicy, linux_pri_resp(0x20, 7, true, 0x1FF, 2));
  ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(smmuv3::decode_command_as<smmuv3::CmdPriResp>(r.out[0]),
            (smmuv3::CmdPriResp{true, 7, 0x3020, 0x1FF, smmuv3::PriResp::success}));
}

// --- §4.7 stall responses and CMD_SYNC ----------------------------------------------------------

TEST(SanitizeCommand, ResumeAndStallTermTranslateStream) {
  const Result r = run(kPolicy, linux_resume(0x8000, 2, 0xABCD));
  ASSERT_EQ(r.o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(smmuv3::decode_command_as<smmuv3::CmdResume>(r.out[0]),
            (smmuv3::CmdResume{false, smmuv3::ResumeAction::terminate, true, 0x4000, 0xABCD}));
  const Result t = run(kPolicy, enc(smmuv3::CmdStallTerm{false, 0x8000}));
  ASSERT_EQ(t.o.verdict, CommandVerdict::forwarded);
  EXPECT_EQ(t.out[0], enc(smmuv3::CmdStallTerm{false, 0x4000}));
  EXPECT_EQ(run(kPolicy, linux_resume(0x8001, 1, 0)).o.verdict, CommandVerdict::ignored);
}

TEST(SanitizeCommand, SyncIsNeverForwarded) {
  const Result r = run(kPolicy, linux_sync_sev());
  EXPECT_EQ(r.o.verdict, CommandVerdict::sync);
  EXPECT_EQ(r.o.produced, 0u);
  EXPECT_EQ(r.out[0], (Words<2>{}));
}

TEST(SanitizeCommand, SyncCsReservedIsCerrorIll) {
  Words<2> w = linux_sync_sev();
  w[0] |= std::uint64_t{3} << 12;
  EXPECT_EQ(run(kPolicy, w).o.verdict, CommandVerdict::illegal);
}

TEST(SanitizeCommand, SyncMsiNsIsCerrorIll) {
  Words<2> w = linux_sync_msi(0x4000'0000);
  w[1] |= std::uint64_t{1} << 63;
  EXPECT_EQ(run(kPolicy, w).o.verdict, CommandVerdict::illegal);
}

TEST(SanitizeCommand, SyncMsiAddressAboveThePaOperandOfTheRevisionIsCerrorIll) {
  // §4.1.6: Address[55:52] RES0 in SMMUv3.1-3.3, [55:48] in SMMUv3.0.
  smmuv3::CmdSync s{};
  s.cs = smmuv3::SyncCs::sig_irq;
  s.msi_address = std::uint64_t{1} << 52;
  EXPECT_EQ(run(kPolicy, enc(s)).o.verdict, CommandVerdict::illegal);
  s.msi_address = std::uint64_t{1} << 51;
  EXPECT_EQ(run(kPolicy, enc(s)).o.verdict, CommandVerdict::sync);
  EXPECT_EQ(run(minimal_policy(), enc(s)).o.verdict, CommandVerdict::illegal);
  Policy v34 = kPolicy;
  v34.idr.aidr.arch_minor_rev = reg::ArchMinorRev::smmuv3_4;
  s.msi_address = std::uint64_t{1} << 55;
  EXPECT_EQ(run(v34, enc(s)).o.verdict, CommandVerdict::sync);
}

TEST(SanitizeCommand, SyncIrqWithMsiReportsTheMsiWrite) {
  const Result r = run(kPolicy, linux_sync_msi(0x4000'1230));
  ASSERT_EQ(r.o.verdict, CommandVerdict::sync);
  const vsmmu::SyncCompletion& s = r.o.sync;
  EXPECT_EQ(s.signal, SyncSignal::irq);
  EXPECT_TRUE(s.msi);
  EXPECT_EQ(s.msi_address, 0x4000'1230u);
  EXPECT_EQ(s.msi_data, 0u);
  EXPECT_EQ(s.msi_attr, 0xFu);
  EXPECT_EQ(s.msh, 3u);
  EXPECT_FALSE(s.msi_abort);
}

TEST(SanitizeCommand, SyncMsiOutsideGuestRamIsAbortedNotWritten) {
  for (std::uint64_t a : {0x3FFF'FFFCull, 0x8000'0000ull, 0x7FFF'FFFEull & ~3ull}) {
    const Result r = run(kPolicy, linux_sync_msi(a));
    ASSERT_EQ(r.o.verdict, CommandVerdict::sync);
    const bool in_ram = a == 0x7FFF'FFFCull;
    EXPECT_EQ(r.o.sync.msi, in_ram) << a;
    EXPECT_EQ(r.o.sync.msi_abort, !in_ram) << a;
    EXPECT_EQ(r.o.sync.msi_address, a);
  }
}

TEST(SanitizeCommand, SyncMsiAddressIsTruncatedToTheGuestOas) {
  // §4.7.3 / §3.4.3: the non-zero check is on the whole field, the write goes to the OAS-truncated
  // address. The guest's OAS is 48 bits (the host's).
  smmuv3::CmdSync s{};
  s.cs = smmuv3::SyncCs::sig_irq;
  s.msi_address = (std::uint64_t{1} << 48) | 0x4000'0010;
  const Result r = run(kPolicy, enc(s));
  ASSERT_EQ(r.o.verdict, CommandVerdict::sync);
  EXPECT_TRUE(r.o.sync.msi);
  EXPECT_EQ(r.o.sync.msi_address, 0x4000'0010u);
  EXPECT_FALSE(r.o.sync.msi_abort);
  s.msi_address = std::uint64_t{1} << 48;  // non-zero field, truncated address 0: not RAM
  const Result z = run(kPolicy, enc(s));
  EXPECT_FALSE(z.o.sync.msi);
  EXPECT_TRUE(z.o.sync.msi_abort);
  EXPECT_EQ(z.o.sync.msi_address, 0u);
}

TEST(SanitizeCommand, SyncIrqWithZeroAddressOrWithoutMsiSupportWritesNoMsi) {
  const Result zero = run(kPolicy, enc(smmuv3::CmdSync{smmuv3::SyncCs::sig_irq, {}, 0, 5, 0, false}));
  EXPECT_EQ(zero.o.sync.signal, SyncSignal::irq);
  EXPECT_FALSE(zero.o.sync.msi);
  Policy p = kPolicy;
  p.idr.idr0.msi = false;
  const Result r = run(p, linux_sync_msi(0x4000'0000));
  EXPECT_EQ(r.o.sync.signal, SyncSignal::irq);
  EXPECT_FALSE(r.o.sync.msi);
  EXPECT_EQ(r.o.sync.msi_address, 0u);
  EXPECT_FALSE(r.o.sync.msi_abort);
}

TEST(SanitizeCommand, SyncSevWithoutIdr0SevIsAcceptedAsSigNone) {
  // Linux sends CS = SEV whenever it is not MSI-polling, whatever SMMU_IDR0.SEV says; §4.7.3
  // makes it equivalent to SIG_NONE then.
  const Result r = run(kPolicy, linux_sync_sev());
  ASSERT_EQ(r.o.verdict, CommandVerdict::sync);
  EXPECT_EQ(r.o.sync.signal, SyncSignal::none);
  EXPECT_FALSE(r.o.sync.msi);
  Policy p = kPolicy;
  p.idr.idr0.sev = true;
  EXPECT_EQ(run(p, linux_sync_sev()).o.sync.signal, SyncSignal::sev);
}

TEST(SanitizeCommand, SyncNoneIgnoresMsiFields) {
  const Result r = run(kPolicy, enc(smmuv3::CmdSync{smmuv3::SyncCs::sig_none, smmuv3::SyncMsh::inner_shareable, 0xF,
                                                    0x1234, 0x4000'0000, false}));
  ASSERT_EQ(r.o.verdict, CommandVerdict::sync);
  EXPECT_EQ(r.o.sync, vsmmu::SyncCompletion{});
}

TEST(SanitizeCommand, SyncMshReservedIsTreatedAsNonShareable) {
  Words<2> w = linux_sync_msi(0x4000'0000);
  w[0] = (w[0] & ~(std::uint64_t{3} << 22)) | (std::uint64_t{1} << 22);
  const Result r = run(kPolicy, w);
  ASSERT_EQ(r.o.verdict, CommandVerdict::sync);
  EXPECT_EQ(r.o.sync.msh, 0u);
}

TEST(SanitizeCommand, SyncEveryMsiAttrIsAccepted) {
  // MSIAttr is encoded as STE.MemAttr; its Reserved values behave as Device-nGnRnE (§5.2).
  for (std::uint8_t attr = 0; attr < 16; ++attr) {
    const Result r = run(kPolicy, enc(smmuv3::CmdSync{smmuv3::SyncCs::sig_irq, {}, attr, 1, 0x4000'0000, false}));
    ASSERT_EQ(r.o.verdict, CommandVerdict::sync);
    EXPECT_EQ(r.o.sync.msi_attr, attr);
  }
}

// --- Linux ------------------------------------------------------------------------------------

TEST(SanitizeCommand, LinuxShapedCommandsAreAccepted) {
  Words<2> cmds[256]{};
  std::size_t n = 0;
  cmds[n++] = linux_cfgi_all();
  cmds[n++] = linux_tlbi_nsnh_all();
  cmds[n++] = linux_cfgi_ste(0x10);
  cmds[n++] = linux_cfgi_cd(0x10, 0);
  cmds[n++] = linux_cfgi_cd(0x11, 0xFF);
  cmds[n++] = linux_tlbi_nh_asid(0xFFFF);
  cmds[n++] = linux_prefetch_cfg(0x20);
  cmds[n++] = linux_atc_inv(0x10, 0, 0, 52);
  cmds[n++] = linux_atc_inv(0x10, 5, 0x20'0000, 9);
  cmds[n++] = linux_pri_resp(0x10, 5, true, 3, 0);
  cmds[n++] = linux_resume(0x10, 1, 7);  // CMDQ_RESUME_0_RESP_RETRY
  cmds[n++] = linux_resume(0x10, 2, 7);  // CMDQ_RESUME_0_RESP_ABORT
  cmds[n++] = linux_sync_sev();
  cmds[n++] = linux_sync_msi(0x4000'8000);  // the CMD_SYNC's own slot in the guest's queue
  // __arm_smmu_tlb_inv_range, 4KB and 64KB pages, leaf and non-leaf, with and without RIL.
  for (bool ril : {false, true})
    for (bool leaf : {false, true}) {
      n += linux_tlb_inv_range(cmds + n, 256 - n, 3, 0x10'0000, 0x5000, 0x1000, leaf, 12, ril);
      n += linux_tlb_inv_range(cmds + n, 256 - n, 3, 0x40'0000, 0x21'0000, 0x10000, leaf, 16, ril);
    }
  ASSERT_LT(n, 256u);
  for (std::size_t i = 0; i < n; ++i) {
    const Result r = run(kPolicy, cmds[i]);
    EXPECT_NE(r.o.verdict, CommandVerdict::illegal) << i << ": " << (r.o.reason ? r.o.reason : "");
    for (std::uint32_t k = 0; r.o.verdict == CommandVerdict::forwarded && k < r.o.produced; ++k)
      EXPECT_TRUE(physical_ok(kPolicy, kMap, r.out[k])) << i;
  }
  // Without RIL, Linux writes no range fields, which a minimal guest accepts too.
  for (bool leaf : {false, true}) {
    Words<2> va[16]{};
    const std::size_t m = linux_tlb_inv_range(va, 16, 3, 0x10'0000, 0x3000, 0x1000, leaf, 12, false);
    for (std::size_t i = 0; i < m; ++i) EXPECT_EQ(run(minimal_policy(), va[i]).o.verdict, CommandVerdict::forwarded);
  }
}

// --- constant expression ---------------------------------------------------------------------

constexpr bool constexpr_sanitize() {
  const Policy p = guest_policy();
  const Map m = guest_map();
  const Ram ram = guest_ram();
  const vsmmu::CommandContext ctx{m, ram};
  Words<2> out[4]{};
  smmuv3::CmdTlbiNhVa va{};
  va.asid = 5;
  va.vmid = 9;
  va.leaf = true;
  va.address = 0x1000;
  const auto a = vsmmu::sanitize_command(p, smmuv3::encode(va).words, ctx, out, 4);
  if (a.verdict != CommandVerdict::forwarded || smmuv3::cmd::Vmid::get(out[0]) != kVmid) return false;
  const auto b = vsmmu::sanitize_command(p, smmuv3::encode(smmuv3::CmdCfgiSte{false, 0x10, true}).words, ctx, out, 4);
  return b.verdict == CommandVerdict::forwarded && smmuv3::cmd::StreamId::get(out[0]) == 0x1010 && b.refresh.needed;
}
static_assert(constexpr_sanitize());
static_assert(noexcept(vsmmu::sanitize_command(Policy{}, Words<2>{},
                                               std::declval<const vsmmu::CommandContext<Map, Ram>&>(), nullptr, 0)));

// --- property test -----------------------------------------------------------------------------

using vsmmu_test::SplitMix64;

/// A Linux-shaped command with random operands, a mutation of one, or random words.
Words<2> random_command(SplitMix64& g) {
  Words<2> good[32]{};
  const std::size_t n = good_commands(good);
  const std::uint32_t sid = g.below(4) == 0 ? static_cast<std::uint32_t>(g.next()) : 0x10 + g.below(0x20);
  Words<2> w{};
  switch (g.below(10)) {
    case 0: w = linux_cfgi_ste(sid); break;
    case 1: w = linux_cfgi_cd(sid, g.below(0x200)); break;
    case 2: w = linux_tlbi_nh_va(static_cast<std::uint16_t>(g.next()), g.next(), g.below(2), g.below(32), g.below(64),
                                 g.below(4), g.below(4));
      break;
    case 3: w = linux_sync_msi(g.next()); break;
    case 4: w = linux_atc_inv(sid, g.below(0x200), g.next(), g.below(64)); break;
    case 5: w = Words<2>{{g.next(), g.next()}}; break;
    case 6: w = Words<2>{{(g.next() & ~0xFFull) | g.below(0x80), g.next() & g.next()}}; break;
    default: w = good[g.below(static_cast<std::uint32_t>(n))]; break;
  }
  for (std::uint32_t flips = g.below(4); flips > 0; --flips) {
    const std::uint32_t bit = g.below(128);
    w[bit / 64] ^= std::uint64_t{1} << (bit % 64);
  }
  return w;
}

TEST(SanitizeCommand, PropertyRandomAndMutatedCommandsKeepTheInvariants) {
  SplitMix64 g{0x5EED'C0DE};
  const Policy policies[] = {kPolicy, minimal_policy()};
  std::size_t forwarded = 0, ignored = 0, illegal = 0, syncs = 0;
  for (int i = 0; i < 120000; ++i) {
    const Policy& p = policies[i & 1];
    const Words<2> w = random_command(g);
    const std::size_t cap = g.below(8);
    Result r{};
    const vsmmu::CommandContext ctx{kMap, kRam};
    r.o = vsmmu::sanitize_command(p, w, ctx, r.out, cap);
    switch (r.o.verdict) {
      case CommandVerdict::forwarded:
        ++forwarded;
        ASSERT_LE(r.o.produced, cap);
        ASSERT_GE(r.o.produced, 1u);
        for (std::uint32_t k = 0; k < r.o.produced; ++k) ASSERT_TRUE(physical_ok(p, kMap, r.out[k]));
        for (std::size_t k = r.o.produced; k < 16; ++k) ASSERT_EQ(r.out[k], (Words<2>{}));
        if (r.o.refresh.needed) {
          ASSERT_LE(r.o.refresh.first, r.o.refresh.last);
          ASSERT_LE(r.o.refresh.last, 0xFFFFu);
        }
        break;
      case CommandVerdict::no_space:
        ASSERT_GT(r.o.produced, cap);
        for (const auto& o : r.out) ASSERT_EQ(o, (Words<2>{}));
        break;
      case CommandVerdict::illegal:
        ++illegal;
        ASSERT_NE(r.o.reason, nullptr);
        ASSERT_EQ(r.o.cerror(), smmuv3::CmdqError::cerror_ill);
        ASSERT_EQ(r.o.produced, 0u);
        break;
      case CommandVerdict::ignored:
        ++ignored;
        ASSERT_NE(r.o.reason, nullptr);
        ASSERT_EQ(r.o.produced, 0u);
        ASSERT_FALSE(r.o.refresh.needed);
        break;
      case CommandVerdict::sync:
        ++syncs;
        ASSERT_EQ(r.o.produced, 0u);
        ASSERT_EQ(smmuv3::command_opcode(w), Opcode::sync);
        if (r.o.sync.msi) {
          ASSERT_TRUE(kRam.contains(r.o.sync.msi_address, 4));
          ASSERT_EQ(r.o.sync.signal, SyncSignal::irq);
        }
        ASSERT_FALSE(r.o.sync.msi && r.o.sync.msi_abort);
        break;
    }
    if (r.o.verdict != CommandVerdict::forwarded && r.o.verdict != CommandVerdict::no_space) {
      for (const auto& o : r.out) ASSERT_EQ(o, (Words<2>{}));
    }
  }
  // The generator reaches every verdict often enough to mean something.
  EXPECT_GT(forwarded, 8000u);
  EXPECT_GT(ignored, 5000u);
  EXPECT_GT(illegal, 10000u);
  EXPECT_GT(syncs, 2000u);
}

// --- differential tests: fast path == reference path ------------------------------------------

/// Policies that steer each rule of the fast path both ways: RIL and DS (kPolicy), neither, nor
/// ASID16 (minimal), RIL without DS and SMMUv3.1 (the capture's QEMU), 128-bit descriptors (TTL128
/// legal), SEV without MSI, and every fast-path opcode tightened to ignore or illegal.
std::vector<Policy> differential_policies() {
  std::vector<Policy> out{kPolicy, minimal_policy()};
  Policy qemu = kPolicy;
  qemu.idr.idr5.ds = false;
  qemu.idr.idr0.asid16 = false;
  qemu.idr.idr1.ssidsize = 0;
  qemu.idr.aidr.arch_minor_rev = reg::ArchMinorRev::smmuv3_1;
  out.push_back(qemu);
  Policy d128 = kPolicy;
  d128.idr.idr5.d128 = true;
  d128.idr.aidr.arch_minor_rev = reg::ArchMinorRev::smmuv3_4;
  out.push_back(d128);
  Policy sev = minimal_policy();
  sev.idr.idr0.sev = true;
  sev.idr.idr0.msi = false;
  out.push_back(sev);
  Policy tight = kPolicy;
  tight.commands[static_cast<std::uint8_t>(Opcode::tlbi_nh_va)] = vsmmu::CommandAction::ignore;
  tight.commands[static_cast<std::uint8_t>(Opcode::sync)] = vsmmu::CommandAction::ignore;
  tight.commands[static_cast<std::uint8_t>(Opcode::cfgi_ste)] = vsmmu::CommandAction::illegal;
  tight.commands[static_cast<std::uint8_t>(Opcode::cfgi_cd)] = vsmmu::CommandAction::ignore;
  tight.commands[static_cast<std::uint8_t>(Opcode::tlbi_nh_asid)] = vsmmu::CommandAction::illegal;
  out.push_back(tight);
  return out;
}

/// A command of one of the fast path's opcodes with every operand random (and, a quarter of the
/// time, a few bits flipped anywhere), so each of its checks is met and missed.
Words<2> fast_path_command(SplitMix64& g) {
  constexpr std::uint32_t kMapped[] = {0x10, 0x11, 0x20, 0x8000};
  const std::uint32_t sid = g.below(2) == 0 ? kMapped[g.below(4)] : static_cast<std::uint32_t>(g.next() >> g.below(64));
  // Half of the ASIDs fit 8 bits (legal without ASID16).
  const auto asid = static_cast<std::uint16_t>(g.below(2) == 0 ? g.below(0x100) : g.next());
  Words<2> w{};
  switch (g.below(5)) {
    case 0:
      if (g.below(2) == 0) {
        w = linux_tlbi_nh_va(asid, g.next(), g.below(2), 0, 0, 0, 0);
      } else {
        w = linux_tlbi_nh_va(asid, g.next(), g.below(2), g.below(32), g.below(64), g.below(4), g.below(4));
        w[1] |= std::uint64_t{g.below(8) == 0} << 7;  // TTL128
      }
      break;
    case 1: w = linux_tlbi_nh_asid(asid); break;
    case 2: w = linux_cfgi_ste(sid); break;
    case 3: w = linux_cfgi_cd(sid, g.below(4) == 0 ? g.below(1u << 20) : g.below(0x100)); break;
    default:
      w = Words<2>{{op(0x46) | std::uint64_t{g.below(4)} << 12 | std::uint64_t{g.below(4)} << 22 |
                        std::uint64_t{g.below(16)} << 24 | (g.next() & 0xFFFF'FFFF'0000'0000ull),
                    (g.next() >> g.below(64)) & ~std::uint64_t{3}}};
      break;
  }
  if (g.below(4) == 0)
    for (std::uint32_t flips = 1 + g.below(3); flips > 0; --flips) {
      const std::uint32_t bit = g.below(128);
      w[bit / 64] ^= std::uint64_t{1} << (bit % 64);
    }
  return w;
}

::testing::AssertionResult same_outcome(const vsmmu::CommandOutcome& a, const vsmmu::CommandOutcome& b) {
  if (a.verdict != b.verdict || a.produced != b.produced || !(a.refresh == b.refresh) || !(a.sync == b.sync) ||
      a.reason != b.reason)
    return ::testing::AssertionFailure() << "verdict " << int(a.verdict) << " vs " << int(b.verdict) << ", produced "
                                         << a.produced << " vs " << b.produced << ", reason "
                                         << (a.reason ? a.reason : "-") << " vs " << (b.reason ? b.reason : "-");
  return ::testing::AssertionSuccess();
}

constexpr Words<2> kUnwritten{{0xA5A5'A5A5'A5A5'A5A5ull, 0x5A5A'5A5A'5A5A'5A5Aull}};

TEST(SanitizeCommand, FastPathAgreesWithTheReferencePath) {
  SplitMix64 g{0xFA57'0BAD};
  const std::vector<Policy> policies = differential_policies();
  const vsmmu::CommandContext ctx{kMap, kRam};
  std::size_t decided = 0, forwarded = 0, syncs = 0;
  for (int i = 0; i < 240000; ++i) {
    const Policy& p = policies[static_cast<std::size_t>(i) % policies.size()];
    const Words<2> w = (i & 1) != 0 ? fast_path_command(g) : random_command(g);
    const std::size_t cap = g.below(4);
    Words<2> fast_out[4], ref_out[4], probe[4];
    for (std::size_t k = 0; k < 4; ++k) fast_out[k] = ref_out[k] = probe[k] = kUnwritten;
    const vsmmu::CommandOutcome fast = vsmmu::sanitize_command(p, w, ctx, fast_out, cap);
    const vsmmu::CommandOutcome ref = vsmmu::detail::sanitize_command_reference(p, w, ctx, ref_out, cap);
    ASSERT_TRUE(same_outcome(fast, ref)) << "command " << i << ": 0x" << std::hex << w[0] << " 0x" << w[1];
    for (std::size_t k = 0; k < 4; ++k) ASSERT_EQ(fast_out[k], ref_out[k]) << "command " << i << ", out[" << k << "]";
    // How often the fast path itself decided: it must, or this test compares the reference path
    // with itself.
    const auto kind = vsmmu::detail::sanitize_command_fast(p, w, ctx, probe, cap).kind;
    decided += kind != vsmmu::detail::FastOutcome::Kind::none;
    forwarded += kind == vsmmu::detail::FastOutcome::Kind::forwarded;
    syncs += kind == vsmmu::detail::FastOutcome::Kind::sync;
  }
  EXPECT_GT(decided, 30000u);
  EXPECT_GT(forwarded, 15000u);
  EXPECT_GT(syncs, 10000u);
}

/// sanitize_commands as it was written before it had a fast path: every command through the
/// reference path, the same stops and the same work accounting (sanitize_commands.hpp).
vsmmu::BatchResult reference_batch(const Policy& p, const Words<2>* guest, std::size_t count,
                                   const vsmmu::CommandContext<Map, Ram>& ctx, Words<2>* out, std::size_t cap,
                                   std::size_t budget) {
  vsmmu::BatchResult r{};
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t cost = vsmmu::command_cost(guest[i], ctx.streams);
    if (i > 0 && (r.work >= budget || cost > budget - r.work)) {
      r.stop = vsmmu::BatchStop::budget;
      return r;
    }
    r.work += cost;
    const vsmmu::CommandOutcome o = vsmmu::detail::sanitize_command_reference(
        p, guest[i], ctx, cap > r.produced ? out + r.produced : nullptr, cap > r.produced ? cap - r.produced : 0);
    switch (o.verdict) {
      case CommandVerdict::no_space: r.stop = vsmmu::BatchStop::out_full; return r;
      case CommandVerdict::illegal:
        r.stop = vsmmu::BatchStop::error;
        r.cerror = o.cerror();
        r.reason = o.reason;
        return r;
      case CommandVerdict::sync:
        r.consumed = i + 1;
        r.stop = vsmmu::BatchStop::sync;
        r.sync = o.sync;
        return r;
      case CommandVerdict::forwarded:
        r.produced += o.produced;
        r.consumed = i + 1;
        if (o.refresh.needed) {
          r.stop = vsmmu::BatchStop::refresh;
          r.refresh = o.refresh;
          return r;
        }
        break;
      case CommandVerdict::ignored: r.consumed = i + 1; break;
    }
  }
  r.stop = vsmmu::BatchStop::drained;
  return r;
}

TEST(SanitizeCommands, FastPathBatchAgreesWithTheReferenceBatch) {
  SplitMix64 g{0xBA7C'4FA5};
  const std::vector<Policy> policies = differential_policies();
  const vsmmu::CommandContext ctx{kMap, kRam};
  std::size_t commands = 0, stops[6]{};
  for (int i = 0; i < 40000; ++i) {
    const Policy& p = policies[static_cast<std::size_t>(i) % policies.size()];
    Words<2> guest[12];
    const std::size_t count = 1 + g.below(12);
    for (std::size_t k = 0; k < count; ++k) {
      // Mostly the fast path's commands, as a Linux guest sends them, with something else now and then.
      guest[k] = g.below(4) != 0 ? fast_path_command(g) : random_command(g);
    }
    const std::size_t cap = g.below(10);
    const std::size_t budget = g.below(16);
    Words<2> fast_out[10], ref_out[10];
    for (std::size_t k = 0; k < 10; ++k) fast_out[k] = ref_out[k] = kUnwritten;
    const vsmmu::BatchResult a = vsmmu::sanitize_commands(p, guest, count, ctx, fast_out, cap, budget);
    const vsmmu::BatchResult b = reference_batch(p, guest, count, ctx, ref_out, cap, budget);
    ASSERT_EQ(a.consumed, b.consumed) << i;
    ASSERT_EQ(a.produced, b.produced) << i;
    ASSERT_EQ(a.stop, b.stop) << i;
    ASSERT_EQ(a.cerror, b.cerror) << i;
    ASSERT_EQ(a.reason, b.reason) << i;
    ASSERT_EQ(a.refresh, b.refresh) << i;
    ASSERT_EQ(a.sync, b.sync) << i;
    ASSERT_EQ(a.work, b.work) << i;
    for (std::size_t k = 0; k < 10; ++k) ASSERT_EQ(fast_out[k], ref_out[k]) << i << ", out[" << k << "]";
    commands += a.consumed;
    ++stops[static_cast<std::size_t>(a.stop)];
  }
  // Every kind of stop happens, and batches get past their first command.
  for (std::size_t k = 0; k < 6; ++k) EXPECT_GT(stops[k], 500u) << "stop " << k;
  EXPECT_GT(commands, 20000u);
}

}  // namespace
