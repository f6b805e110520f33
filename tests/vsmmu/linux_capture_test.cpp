// The sanitizer against what the unmodified Linux arm-smmu-v3 driver really wrote (the captures
// in tests/data/linux-*, made by tools/capture/capture.sh against QEMU's SMMUv3): every command
// must be accepted, every STE must sanitize, every CD must validate, under a policy with the
// features QEMU advertised to that driver.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include "smmuv3/command.hpp"
#include "smmuv3/ste.hpp"
#include "vsmmu/guest_ram.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_commands.hpp"
#include "vsmmu/sanitize_ste.hpp"
#include "vsmmu/stream_map.hpp"
#include "vsmmu/validate_cd.hpp"

#include "support/linux_capture.hpp"

namespace {

namespace fs = std::filesystem;

using vsmmu_test::read_bytes;
using vsmmu_test::records;

std::vector<fs::path> captures() { return vsmmu_test::capture_dirs(VSMMU_TEST_DATA_DIR); }

std::vector<fs::path> files_named(const fs::path& capture, const std::string& prefix) {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(capture))
    if (e.is_regular_file() && e.path().filename().string().rfind(prefix, 0) == 0 && e.path().extension() == ".bin")
      files.push_back(e.path());
  return files;
}

using vsmmu_test::capture_policy;
using vsmmu_test::capture_stage2;

// The two devices of the capture: virtio-blk on StreamID 0x8, virtio-net on 0x10.
vsmmu::FixedStreamMap<2> capture_streams() {
  vsmmu::FixedStreamMap<2> m;
  m.add(0x8, 0x1008);
  m.add(0x10, 0x1010);
  return m;
}

TEST(LinuxCapture, ThereIsAtLeastOneCapture) { EXPECT_FALSE(captures().empty()); }

TEST(LinuxCapture, EveryCommandLinuxSentIsAccepted) {
  const vsmmu::Policy policy = capture_policy();
  const auto streams = capture_streams();
  vsmmu::GuestRamRegions<1> ram;
  ram.region[0] = {0x4000'0000, 0x2000'0000};
  ram.count = 1;
  const vsmmu::CommandContext ctx{streams, ram};

  for (const fs::path& cap : captures()) {
    SCOPED_TRACE(cap.string());
    const auto cmds = records<2>(read_bytes(cap / "cmdq.bin"));
    ASSERT_GT(cmds.size(), 100u);
    smmuv3::Words<2> out[8];
    std::size_t at = 0;
    std::size_t syncs = 0;
    std::size_t refreshes = 0;
    std::size_t physical = 0;
    while (at < cmds.size()) {
      const vsmmu::BatchResult r =
          vsmmu::sanitize_commands(policy, cmds.data() + at, cmds.size() - at, ctx, out, std::size(out), 32);
      ASSERT_NE(r.stop, vsmmu::BatchStop::error)
          << "command " << at + r.consumed << " (" << smmuv3::opcode_name(static_cast<std::uint8_t>(
                                                          smmuv3::command_opcode(cmds[at + r.consumed])))
          << "): " << r.reason;
      ASSERT_FALSE(vsmmu::output_too_small(r));
      ASSERT_GT(r.consumed, 0u);
      syncs += r.stop == vsmmu::BatchStop::sync;
      refreshes += r.stop == vsmmu::BatchStop::refresh;
      for (std::size_t i = 0; i < r.produced; ++i) {
        ++physical;
        smmuv3::visit_command(out[i], [&]<class T>(const T& c) {
          if constexpr (requires { c.vmid; }) {
            EXPECT_EQ(c.vmid, policy.vmid);
          }
          if constexpr (requires { c.stream_id; }) {
            EXPECT_TRUE(c.stream_id == 0x1008 || c.stream_id == 0x1010);
          }
        });
      }
      at += r.consumed;
    }
    // Linux ends every batch with a CMD_SYNC and re-installs STEs with CFGI_STE.
    EXPECT_GT(syncs, 100u);
    EXPECT_GT(refreshes, 0u);
    EXPECT_GT(physical, 100u);
  }
}

TEST(LinuxCapture, EveryStreamTableEntryLinuxWroteSanitizes) {
  const vsmmu::Policy policy = capture_policy();
  const smmuv3::Ste host = capture_stage2(policy);
  ASSERT_EQ(vsmmu::host_ste_problem(policy, host), nullptr);
  for (const fs::path& cap : captures()) {
    std::size_t nested = 0;
    std::size_t stage2_only = 0;
    std::size_t aborts = 0;
    for (const fs::path& table : files_named(cap, "strtab-l2-")) {
      const auto stes = records<8>(read_bytes(table));
      ASSERT_FALSE(stes.empty());
      for (std::size_t sid = 0; sid < stes.size(); ++sid) {
        SCOPED_TRACE(table.string() + " STE " + std::to_string(sid));
        const vsmmu::SteResult r = vsmmu::sanitize_ste(policy, stes[sid], host);
        const smmuv3::Ste guest = smmuv3::decode_ste(stes[sid]);
        if (!guest.v) {
          EXPECT_EQ(r.verdict, vsmmu::SteVerdict::invalid);
          continue;
        }
        ASSERT_EQ(r.verdict, vsmmu::SteVerdict::install) << r.reason;
        const smmuv3::Ste phys = smmuv3::decode_ste(r.physical);
        switch (phys.config) {
          case smmuv3::SteConfig::nested:
            ++nested;
            EXPECT_EQ(phys.s1_context_ptr, guest.s1_context_ptr);
            EXPECT_EQ(phys.s2_vmid, policy.vmid);
            break;
          case smmuv3::SteConfig::s2_trans:
            ++stage2_only;
            EXPECT_EQ(guest.config, smmuv3::SteConfig::bypass);
            EXPECT_EQ(phys.s2_vmid, policy.vmid);
            break;
          case smmuv3::SteConfig::abort:
            ++aborts;
            EXPECT_EQ(guest.config, smmuv3::SteConfig::abort);
            break;
          default:
            ADD_FAILURE() << "physical Config " << static_cast<int>(phys.config);
        }
      }
    }
    // The capture has stage-1 devices (dma, final), a bypass device (identity), and Linux's
    // abort STEs for every other StreamID of the L2 table.
    EXPECT_GT(nested, 0u) << cap;
    EXPECT_GT(stage2_only, 0u) << cap;
    EXPECT_GT(aborts, 200u) << cap;
  }
}

TEST(LinuxCapture, EveryContextDescriptorLinuxWroteIsValid) {
  const vsmmu::Policy policy = capture_policy();
  for (const fs::path& cap : captures()) {
    std::size_t valid = 0;
    for (const fs::path& file : files_named(cap, "cd-")) {
      for (const auto& cd : records<8>(read_bytes(file))) {
        const vsmmu::CdResult r = vsmmu::validate_cd(policy, cd);
        EXPECT_EQ(r.verdict, vsmmu::CdVerdict::valid) << file << ": " << (r.reason ? r.reason : "");
        valid += r.ok();
      }
    }
    EXPECT_GT(valid, 0u) << cap;
  }
}

}  // namespace
