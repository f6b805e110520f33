// A test double of vsmmu::DeviceTraits: guest RAM is a byte vector at `ram_base`, the
// "physical SMMU" records what it is given, and every call that can fail can be told to.
// Tests inspect the records; nothing here is constexpr (see device_test.cpp for that).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <utility>
#include <vector>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/ste.hpp"
#include "vsmmu/stream_map.hpp"
#include "vsmmu/traits.hpp"

namespace vsmmu_test {

struct Msi {
  std::uint64_t address = 0;
  std::uint32_t data = 0;
  std::uint8_t memattr = 0;
  friend bool operator==(const Msi&, const Msi&) = default;
};

struct TestTraits {
  static constexpr std::uint64_t kRamBase = 0x4000'0000;
  static constexpr std::size_t kRamBytes = 4u << 20;

  std::vector<unsigned char> ram = std::vector<unsigned char>(kRamBytes);
  vsmmu::FixedStreamMap<16> map;
  smmuv3::Ste stage2{};

  // What the "physical SMMU" received.
  std::map<std::uint32_t, smmuv3::Words<8>> installed;  // pSID -> last physical STE
  std::size_t installs = 0;
  std::vector<smmuv3::Words<2>> submitted;
  std::size_t submit_calls = 0;
  std::size_t physical_syncs = 0;
  std::vector<vsmmu::GuestSignal> signals;
  std::vector<Msi> msis;
  // Every guest-memory access the device made: (ipa, bytes), reads and writes.
  std::vector<std::pair<std::uint64_t, std::size_t>> reads, writes;

  // Failure injection.
  bool fail_submit = false;
  bool fail_sync = false;
  bool fail_msi = false;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> read_aborts, write_aborts;  // [first, last]

  /// Back to a host with no stream assigned, nothing received, no access logged and no
  /// failure injected; guest RAM and the stage 2 template are kept. (Reusing one TestTraits
  /// keeps its 4 MiB of RAM from being allocated again for every case of a long run.)
  void forget_host() {
    map = vsmmu::FixedStreamMap<16>{};
    installed.clear();
    installs = 0;
    submitted.clear();
    submit_calls = 0;
    physical_syncs = 0;
    signals.clear();
    msis.clear();
    reads.clear();
    writes.clear();
    fail_submit = fail_sync = fail_msi = false;
    read_aborts.clear();
    write_aborts.clear();
  }

  TestTraits() {
    stage2.v = true;
    stage2.config = smmuv3::SteConfig::s2_trans;
    stage2.s2_t0sz = 64 - 40;
    stage2.s2_sl0 = 1;
    stage2.s2_ir0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
    stage2.s2_or0 = smmuv3::S2TableCacheability::wb_read_write_allocate;
    stage2.s2_sh0 = smmuv3::SteShareability::inner_shareable;
    stage2.s2_tg = smmuv3::S2Tg::granule_4k;
    stage2.s2_ps = smmuv3::S2Ps::pa_44;
    stage2.s2_aa64 = true;
    stage2.s2_r = true;
    stage2.s2_ttb = 0x8'0000'0000;
  }

  static bool hits(const std::vector<std::pair<std::uint64_t, std::uint64_t>>& ranges, std::uint64_t ipa,
                   std::size_t bytes) {
    for (const auto& [first, last] : ranges)
      if (ipa <= last && ipa + bytes - 1 >= first) return true;
    return false;
  }
  bool in_ram(std::uint64_t ipa, std::size_t bytes) const {
    return ipa >= kRamBase && bytes <= kRamBytes && ipa - kRamBase <= kRamBytes - bytes;
  }

  bool read_guest(std::uint64_t ipa, unsigned char* dst, std::size_t bytes) noexcept {
    reads.emplace_back(ipa, bytes);
    if (!in_ram(ipa, bytes) || hits(read_aborts, ipa, bytes)) return false;
    std::memcpy(dst, &ram[ipa - kRamBase], bytes);
    return true;
  }
  bool write_guest(std::uint64_t ipa, const unsigned char* src, std::size_t bytes) noexcept {
    writes.emplace_back(ipa, bytes);
    if (!in_ram(ipa, bytes) || hits(write_aborts, ipa, bytes)) return false;
    std::memcpy(&ram[ipa - kRamBase], src, bytes);
    return true;
  }
  const vsmmu::FixedStreamMap<16>& streams() const noexcept { return map; }
  smmuv3::Ste stage2_template(std::uint32_t) const noexcept { return stage2; }
  void install_ste(std::uint32_t psid, const smmuv3::Words<8>& ste) noexcept {
    installed[psid] = ste;
    ++installs;
  }
  bool submit_commands(const smmuv3::Words<2>* cmds, std::size_t count) noexcept {
    ++submit_calls;
    if (fail_submit) return false;
    submitted.insert(submitted.end(), cmds, cmds + count);
    return true;
  }
  bool sync_commands() noexcept {
    if (fail_sync) return false;
    ++physical_syncs;
    return true;
  }
  void signal(vsmmu::GuestSignal s) noexcept { signals.push_back(s); }
  bool write_msi(std::uint64_t address, std::uint32_t data, std::uint8_t memattr) noexcept {
    if (fail_msi) return false;
    msis.push_back({address, data, memattr});
    return true;
  }

  // Guest-side helpers: what the guest driver does with its own memory.
  void poke64(std::uint64_t ipa, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) ram[ipa - kRamBase + i] = static_cast<unsigned char>(v >> (8 * i));
  }
  std::uint64_t peek64(std::uint64_t ipa) const {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= std::uint64_t{ram[ipa - kRamBase + i]} << (8 * i);
    return v;
  }
  template <std::size_t N>
  void poke(std::uint64_t ipa, const smmuv3::Words<N>& w) {
    for (std::size_t i = 0; i < N; ++i) poke64(ipa + 8 * i, w[i]);
  }
  template <std::size_t N>
  smmuv3::Words<N> peek(std::uint64_t ipa) const {
    smmuv3::Words<N> w{};
    for (std::size_t i = 0; i < N; ++i) w[i] = peek64(ipa + 8 * i);
    return w;
  }
  std::size_t count(vsmmu::GuestSignal s) const {
    std::size_t n = 0;
    for (auto x : signals) n += x == s;
    return n;
  }
};

static_assert(vsmmu::DeviceTraits<TestTraits>);

}  // namespace vsmmu_test
