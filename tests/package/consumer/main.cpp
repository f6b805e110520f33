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

}  // namespace

int main() { return decode_example() && sanitize_example() ? 0 : 1; }
