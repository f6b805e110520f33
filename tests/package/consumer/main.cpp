// Uses the public headers the way a hypervisor would, through the vsmmu::vsmmu target alone.
// The first lines are the README's example, so the README cannot drift from what compiles.
#include <smmuv3/smmuv3.hpp>

// A CMD_TLBI_NH_VA for ASID 5 in VMID 1, encoded at compile time.
constexpr auto tlbi = smmuv3::encode(smmuv3::CmdTlbiNhVa{.vmid = 1, .asid = 5, .leaf = true, .address = 0x8000'0000});
static_assert(tlbi.ok());

int main() {
  // Decode it back at run time through the visitor, as a command queue consumer does.
  const int opcode = smmuv3::visit_command(tlbi.words, [](const auto& cmd) -> int {
    if constexpr (requires { cmd.asid; }) {
      if (cmd.asid != 5) return -1;
    }
    return static_cast<int>(smmuv3::command_opcode(tlbi.words));
  });
  return opcode == 0x12 ? 0 : 1;
}
