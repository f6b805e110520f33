// probe-sequence: the Linux arm-smmu-v3 driver's probe and first device attach, run by a
// simulated guest against a vsmmu::Device, with a toy "physical SMMU" that prints what the
// hardware would receive.
//
//   probe-sequence [--hostile]
//
// Every line says who acts:
//   [guest] what the guest driver does: MMIO register accesses and commands, in Linux's order
//   [vsmmu] what the vSMMU (the sanitizer) decided about it
//   [host ] what reaches the physical SMMU: sanitized commands and STEs
// --hostile adds a command no guest may send and shows the architected error path.
//
// Exit status: 0 when everything went as a Linux guest expects (no command refused except the
// hostile one, every CMD_SYNC completed, everything the host received names the guest's own
// streams and VMID); 1 otherwise; 2 on a usage error.
#include <vsmmu/vsmmu.hpp>

#include <cstdio>
#include <string>
#include <string_view>

#include "guest_linux.hpp"
#include "print.hpp"
#include "toy_host.hpp"

namespace {

// The physical SMMU (what the host driver read from it): SMMUv3.1 with stage 1 and stage 2
// (nesting), 2-level Stream table, 16-bit ASIDs, 16-bit StreamIDs, RIL, 44-bit OAS. These are
// QEMU's ID registers with SMMU_IDR0.S2P added.
constexpr vsmmu::HostIdrs kPhysicalSmmu{0x0d40101b, 0x02730010, 0x00001404, 0x00000074, 0x1};

constexpr std::uint16_t kGuestVmid = 7;

struct Assignment {
  std::uint32_t vsid, psid;
};
// Two devices, as in the capture (virtio-blk at StreamID 0x8, virtio-net at 0x10); the guest
// attaches the first.
constexpr Assignment kDevices[] = {{0x8, 0x1008}, {0x10, 0x1010}};

int usage() {
  std::fprintf(stderr, "usage: probe-sequence [--hostile]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using probe::hex;
  using probe::say;
  bool hostile = false;
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--hostile") hostile = true;
    else return usage();
  }

  // ----- The hypervisor's side: one guest, its policy, its devices, its vSMMU -------------------
  vsmmu::GuestConfig config{};
  config.vmid = kGuestVmid;
  config.sev = true;  // the guest's CMD_SYNC CS=SIG_SEV wakes its WFE
  const vsmmu::PolicyResult policy = vsmmu::make_policy(kPhysicalSmmu, config);
  if (!policy.ok()) {
    std::fprintf(stderr, "probe-sequence: make_policy refused (error %d)\n", static_cast<int>(policy.error));
    return 1;
  }
  probe::ToyHost host(kGuestVmid);
  std::string devices;
  for (const Assignment& d : kDevices) {
    if (!host.assign(d.vsid, d.psid)) return 1;
    devices += (devices.empty() ? "" : ", ") + std::string("vSID ") + hex(d.vsid) + " = pSID " + hex(d.psid);
  }
  if (const char* why = vsmmu::host_ste_problem(policy.policy, host.stage2_template(0))) {
    std::fprintf(stderr, "probe-sequence: %s\n", why);
    return 1;
  }

  std::printf("probe-sequence: Linux 6.1's arm-smmu-v3 probe, run by a simulated guest against a vSMMU\n");
  std::printf("  the guest sees a stage-1-only SMMUv3; the host owns stage 2 (VMID %u) and the streams\n",
              static_cast<unsigned>(kGuestVmid));
  std::printf("  devices: %s\n", devices.c_str());
  std::printf("  [guest] the driver's accesses  [vsmmu] the sanitizer's decisions  [host ] what the SMMU receives\n");

  probe::step("the hypervisor creates the vSMMU: reset, SMMUEN=0, the streams follow SMMU_GBPA");
  probe::Smmu smmu(host, policy.policy);

  // ----- The guest: Linux's probe, then the first device -----------------------------------------
  probe::GuestLinux linux_driver(smmu, host);
  linux_driver.hw_probe();
  linux_driver.init_structures();
  linux_driver.device_reset();
  linux_driver.probe_device(kDevices[0].vsid);
  linux_driver.attach_device(kDevices[0].vsid);
  linux_driver.flush_asid();
  linux_driver.unmap_page();
  linux_driver.cd_update_with_msi_sync(kDevices[0].vsid);
  if (hostile) linux_driver.hostile_command();

  // ----- What happened ---------------------------------------------------------------------------
  const vsmmu::DeviceCounters& c = smmu.counters();
  probe::step("summary");
  std::printf("guest commands consumed %llu, refused %u; physical commands %u, physical syncs %u, STE installs %u\n",
              static_cast<unsigned long long>(c.commands_consumed), host.refused, host.physical_commands,
              host.physical_syncs, host.ste_installs);
  if (linux_driver.syncs_completed() == linux_driver.syncs_issued() && host.guest_syncs == linux_driver.syncs_issued())
    std::printf("every CMD_SYNC completed: %u of %u (%u by MSI, the rest by SEV)\n", linux_driver.syncs_completed(),
                linux_driver.syncs_issued(), linux_driver.syncs_by_msi());
  else
    host.problem("CMD_SYNCs issued " + std::to_string(linux_driver.syncs_issued()) + ", completed " +
                 std::to_string(linux_driver.syncs_completed()));
  if (hostile && (c.command_errors != 1 || linux_driver.gerrors_handled() != 1 || host.refusals_allowed != 0))
    host.problem("the hostile command did not take the error path exactly once");
  if (!hostile && (c.command_errors != 0 || host.gerror_irqs != 0)) host.problem("a global error without a hostile guest");
  if (smmu.commands_pending()) host.problem("guest commands left unconsumed");

  if (!host.problems.empty()) {
    std::printf("FAILED: %zu unexpected event(s)\n", host.problems.size());
    return 1;
  }
  std::printf("OK%s\n", hostile ? ": the hostile command was refused, the guest recovered" : "");
  return 0;
}
