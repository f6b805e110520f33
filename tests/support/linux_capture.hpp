// The setting of the Linux captures in tests/data/linux-* (tools/capture/): QEMU 7.2's SMMUv3
// as the Linux guest saw it (manifest.json: IDR0 0x0d40101a, IDR1 0x02730010, IDR3 0x1404,
// IDR5 0x74, AIDR 1, SMMUv3.1), plus stage 2 (IDR0 bit 0, S2P), which nesting needs. Shared by
// the tests and benchmarks that replay a capture, so they all judge it under one policy.
#pragma once

#include "smmuv3/ste.hpp"
#include "vsmmu/policy.hpp"

namespace vsmmu_test {

inline constexpr vsmmu::HostIdrs kCaptureHost{0x0d40101b, 0x02730010, 0x00001404, 0x00000074, 0x1};

/// The guest is shown QEMU's 16-bit StreamIDs, its 44-bit OAS and its queue sizes: what Linux
/// saw, minus nothing Linux used.
constexpr vsmmu::GuestConfig kCaptureGuest{.vmid = 7, .ipa_bits = 44, .sid_bits = 16, .cmdq_log2 = 19,
                                           .eventq_log2 = 19};

constexpr vsmmu::Policy capture_policy() { return vsmmu::make_policy(kCaptureHost, kCaptureGuest).policy; }
static_assert(vsmmu::make_policy(kCaptureHost, kCaptureGuest).ok());

/// The hypervisor's stage 2 template for the capture's streams: 44-bit IPA, 4 KiB granule.
constexpr smmuv3::Ste capture_stage2(const vsmmu::Policy& p) {
  smmuv3::Ste s{};
  s.v = true;
  s.config = smmuv3::SteConfig::s2_trans;
  s.s2_vmid = p.vmid;
  s.s2_t0sz = 64 - 44;
  s.s2_sl0 = 2;
  s.s2_ir0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
  s.s2_or0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
  s.s2_sh0 = smmuv3::SteShareability::inner_shareable;
  s.s2_tg = smmuv3::S2Tg::granule_4k;
  s.s2_ps = smmuv3::S2Ps::pa_44;
  s.s2_aa64 = true;
  s.s2_r = true;
  s.s2_ttb = 0x8'0000'0000;
  return s;
}

}  // namespace vsmmu_test
