// Uses the public headers the way a hypervisor would, through the vsmmu::vsmmu target alone.
#include <smmuv3/bitfield.hpp>

int main() {
  smmuv3::Words<1> w{};
  const bool ok = smmuv3::Bits<7, 4>::set(w, 0xA) && w[0] == 0xA0;
  return ok ? 0 : 1;
}
