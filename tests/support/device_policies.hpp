// Guest policies for the device tests: one host SMMU with nesting and every feature a guest can
// be given (ATS, PRI, BTM), and guests shown a chosen subset of it.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/registers/idr.hpp"
#include "smmuv3/ste.hpp"
#include "vsmmu/policy.hpp"

namespace vsmmu_test {

struct Features {
  bool msi = true;
  bool two_level = true;
  bool ats = false;
  bool pri = false;
  bool btm = false;
  std::uint8_t queue_log2 = 8;  ///< SMMU_IDR1.CMDQS and EVENTQS
  std::uint16_t vmid = 0x42;
};

/// A host SMMU with nesting, VMSAv8-64, 2-level tables, ATS (SMMU_IDR0 bit 10), PRI (bit 16)
/// and BTM (bit 5), as in include/smmuv3/registers/idr.hpp.
constexpr vsmmu::HostIdrs full_host_idrs() {
  namespace reg = smmuv3::reg;
  reg::Idr0 h0{};
  h0.s1p = h0.s2p = true;
  h0.ttf = reg::Ttf::vmsav8_64;
  h0.st_level = reg::StLevel::two_level;
  h0.stall_model = reg::StallModel::terminate_only;
  h0.ats = h0.pri = h0.btm = true;
  h0.vmid16 = h0.asid16 = true;
  h0.tt_endian = reg::TtEndian::little;
  h0.cohacc = true;
  reg::Idr1 h1{};
  h1.cmdqs = h1.eventqs = h1.priqs = 19;
  h1.ssidsize = 20;
  h1.sidsize = 16;
  reg::Idr5 h5{};
  h5.gran4k = h5.gran64k = true;
  h5.oas = reg::Oas::pa48;
  reg::Aidr aidr{};
  aidr.arch_minor_rev = reg::ArchMinorRev::smmuv3_2;
  vsmmu::HostIdrs raw{};
  raw.idr0 = static_cast<std::uint32_t>(reg::encode(h0).words[0]);
  raw.idr1 = static_cast<std::uint32_t>(reg::encode(h1).words[0]);
  raw.idr5 = static_cast<std::uint32_t>(reg::encode(h5).words[0]);
  raw.aidr = static_cast<std::uint32_t>(reg::encode(aidr).words[0]);
  return raw;
}

constexpr vsmmu::GuestConfig guest_config(const Features& f) {
  vsmmu::GuestConfig c{};
  c.vmid = f.vmid;
  c.msi = f.msi;
  c.two_level_stream_table = f.two_level;
  c.ats = f.ats;
  c.pri = f.pri;
  c.btm = f.btm;
  c.cmdq_log2 = c.eventq_log2 = f.queue_log2;
  return c;
}

/// The guest's Policy; fails the test if the host cannot give the guest what `f` asks.
inline vsmmu::Policy guest_policy(const Features& f) {
  const vsmmu::PolicyResult r = vsmmu::make_policy(full_host_idrs(), guest_config(f));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.policy.idr.idr0.msi, f.msi);
  EXPECT_EQ(r.policy.idr.idr0.ats, f.ats);
  EXPECT_EQ(r.policy.idr.idr0.pri, f.pri);
  EXPECT_EQ(r.policy.idr.idr0.btm, f.btm);
  return r.policy;
}

inline constexpr Features kDefault{};
inline constexpr Features kNoMsiLinear{.msi = false, .two_level = false};
inline constexpr Features kFull{.ats = true, .pri = true, .btm = true};

/// The physical STE the device installs for a guest stream while SMMU_GBPA says bypass: the
/// host's stage 2 template with the guest's VMID (sanitize_ste, Config 0b100).
inline smmuv3::Words<8> stage2_only_ste(const smmuv3::Ste& stage2_template, const vsmmu::Policy& p) {
  smmuv3::Ste s = stage2_template;
  s.s2_vmid = p.vmid;
  s.mev = true;
  s.eats = smmuv3::Eats::abort;
  return smmuv3::encode(s).words;
}

/// V == 1, Config == 0b000 and nothing else (sanitize_ste's abort STE, §5.2.1).
inline smmuv3::Words<8> abort_ste() {
  smmuv3::Words<8> w{};
  w[0] = 1;
  return w;
}

}  // namespace vsmmu_test
