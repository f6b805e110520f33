// SplitMix64 (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", 2014): the
// deterministic generator the property tests share, so a failure replays from its seed.
#pragma once

#include <cstdint>

namespace vsmmu_test {

struct SplitMix64 {
  std::uint64_t s;

  std::uint64_t next() {
    std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// A value in [0, n); n > 0. (The modulo bias is irrelevant for test input.)
  std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
};

}  // namespace vsmmu_test
