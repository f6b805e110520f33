// Uses the public headers the way a hypervisor would, through the vsmmu::vsmmu target alone.
// Every line of the README's code examples is in here (ctest package.readme_snippets checks),
// so the README cannot drift from what compiles.
#include <smmuv3/smmuv3.hpp>
#include <vsmmu/vsmmu.hpp>

// A CMD_TLBI_NH_VA for ASID 5 in VMID 1, encoded at compile time.
constexpr auto tlbi = smmuv3::encode(smmuv3::CmdTlbiNhVa{.vmid = 1, .asid = 5, .leaf = true, .address = 0x8000'0000});
static_assert(tlbi.ok());

namespace {

// Decode it back at run time through the visitor, as a command queue consumer does.
bool decode_example() {
  const int opcode = smmuv3::visit_command(tlbi.words, [](const auto& cmd) -> int {
    if constexpr (requires { cmd.asid; }) {
      if (cmd.asid != 5) return -1;
    }
    return static_cast<int>(smmuv3::command_opcode(tlbi.words));
  });
  return opcode == 0x12;
}

// The README's sanitizer example: a guest's CMD_TLBI_NH_ASID reaches the host with the
// guest's host VMID in place of whatever VMID the guest wrote.
bool sanitize_example() {
  // A host SMMU with nesting: SMMU_IDR0 VMID16 (bit 18), TTF = VMSAv8-64 (bits [3:2] = 0b10),
  // S1P (bit 1), S2P (bit 0); SIDSIZE 16; SMMU_IDR5 GRAN4K (bit 4), OAS 44 bits (0b100); SMMUv3.1.
  const vsmmu::HostIdrs host{.idr0 = (1u << 18) | (2u << 2) | (1u << 1) | 1u,
                             .idr1 = 16,
                             .idr3 = 0,
                             .idr5 = (1u << 4) | 0b100,
                             .aidr = 1};
  const smmuv3::Words<2> guest_command = smmuv3::encode(smmuv3::CmdTlbiNhAsid{.vmid = 99, .asid = 3}).words;

  // host: the physical SMMU's SMMU_IDR0/1/3/5 and AIDR; the guest gets VMID 7 and a 40-bit IPA space.
  const vsmmu::PolicyResult policy = vsmmu::make_policy(host, vsmmu::GuestConfig{.vmid = 7, .ipa_bits = 40});
  vsmmu::FixedStreamMap<8> streams;    // the guest's devices: virtual StreamID -> physical StreamID
  streams.add(0x10, 0x2010);
  vsmmu::GuestRamRegions<1> ram{{{0x4000'0000, 1ull << 30}}, 1};  // where a CMD_SYNC MSI may write
  smmuv3::Words<2> physical[9];        // room for max_produced_per_command(streams) + 1
  const vsmmu::CommandOutcome o = vsmmu::sanitize_command(policy.policy, guest_command,
                                                          vsmmu::CommandContext{streams, ram}, physical, 9);
  // o.verdict: forwarded (submit physical[0..o.produced)), ignored, sync, or illegal (CERROR_ILL)

  if (!policy.ok() || o.verdict != vsmmu::CommandVerdict::forwarded || o.produced != 1) return false;
  const auto sent = smmuv3::decode_command_as<smmuv3::CmdTlbiNhAsid>(physical[0]);
  return sent.vmid == 7 && sent.asid == 3;
}

// The smallest DeviceTraits: 64 KiB of "guest RAM" at 0x4000'0000, one assigned stream, and a
// "physical SMMU" that only counts what it is given.
struct MyTraits {
  unsigned char ram[0x10000] = {};
  vsmmu::FixedStreamMap<4> map;
  smmuv3::Ste s2{.v = true, .config = smmuv3::SteConfig::s2_trans, .s2_t0sz = 24, .s2_aa64 = true,
                 .s2_ttb = 0x8000'0000};
  int submitted = 0;

  bool read_guest(std::uint64_t ipa, unsigned char* dst, std::size_t n) noexcept {
    if (ipa < 0x4000'0000 || n > sizeof ram || ipa - 0x4000'0000 > sizeof ram - n) return false;
    for (std::size_t i = 0; i < n; ++i) dst[i] = ram[ipa - 0x4000'0000 + i];
    return true;
  }
  bool write_guest(std::uint64_t ipa, const unsigned char* src, std::size_t n) noexcept {
    if (ipa < 0x4000'0000 || n > sizeof ram || ipa - 0x4000'0000 > sizeof ram - n) return false;
    for (std::size_t i = 0; i < n; ++i) ram[ipa - 0x4000'0000 + i] = src[i];
    return true;
  }
  const vsmmu::FixedStreamMap<4>& streams() const noexcept { return map; }
  smmuv3::Ste stage2_template(std::uint32_t) const noexcept { return s2; }
  void install_ste(std::uint32_t, const smmuv3::Words<8>&) noexcept {}
  bool submit_commands(const smmuv3::Words<2>*, std::size_t n) noexcept {
    submitted += static_cast<int>(n);
    return true;
  }
  bool sync_commands() noexcept { return true; }
  void signal(vsmmu::GuestSignal) noexcept {}
  bool write_msi(std::uint64_t, std::uint32_t, std::uint8_t) noexcept { return true; }
};

int polls_scheduled = 0;
void schedule_poll() { ++polls_scheduled; }

// The README's device example: the guest enables its Command queue at 0x4000'0000 and posts a
// CMD_TLBI_NH_ASID and a CMD_SYNC; the host receives the TLBI.
bool device_example() {
  const vsmmu::HostIdrs host{.idr0 = (1u << 18) | (2u << 2) | (1u << 1) | 1u,
                             .idr1 = 16,
                             .idr3 = 0,
                             .idr5 = (1u << 4) | 0b100,
                             .aidr = 1};
  const vsmmu::PolicyResult policy = vsmmu::make_policy(host, vsmmu::GuestConfig{.vmid = 7, .ipa_bits = 40});
  static MyTraits traits;
  traits.map.add(0x10, 0x2010);
  smmuv3::store_le(smmuv3::encode(smmuv3::CmdTlbiNhAsid{.asid = 3}).words, traits.ram);
  smmuv3::store_le(smmuv3::encode(smmuv3::CmdSync{}).words, traits.ram + 16);

  // One guest's vSMMU; `traits` is your DeviceTraits type (docs/device.md).
  vsmmu::Device<MyTraits> smmu(traits, policy.policy);
  smmu.write(smmuv3::reg::offset::kCmdqBase, 0x4000'0000 | 4, 8);  // the guest's writes, as trapped
  smmu.write(smmuv3::reg::offset::kCr0, 1u << 3, 4);               // CMDQEN
  const std::uint32_t offset = smmuv3::reg::offset::kCmdqProd;
  const std::uint64_t value = 2;
  const unsigned size = 4;
  // In the MMIO trap handler of the vSMMU's 128 KiB window:
  const vsmmu::DeviceStatus status = smmu.write(offset, value, size);  // or smmu.read(offset, size)
  if (status == vsmmu::DeviceStatus::more_work) schedule_poll();          // later: smmu.poll()

  return policy.ok() && status == vsmmu::DeviceStatus::idle && traits.submitted == 1 &&
         smmu.read(smmuv3::reg::offset::kCmdqCons, 4) == 2;
}

}  // namespace

int main() { return decode_example() && sanitize_example() && device_example() ? 0 : 1; }
