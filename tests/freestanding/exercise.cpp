// Compiled by tools/check-freestanding.sh as kernel code would be (-ffreestanding -nostdlib
// -fno-exceptions -fno-rtti -O2): each extern "C" function forces real code for one part of
// the record layer or the sanitizer, so "no undefined symbols" says something about the
// generated code, not only about headers that declare inline functions nobody calls.
#include <smmuv3/smmuv3.hpp>
#include <vsmmu/vsmmu.hpp>

namespace {

// Encodes a decoded record back to bytes: 0, or -2 when a field did not fit.
template <class Record>
int reencode(const Record& r, unsigned char* out) {
  const auto e = smmuv3::encode(r);
  if (!e.ok()) return -2;
  smmuv3::store_le(e.words, out);
  return 0;
}

}  // namespace

extern "C" {

int vsmmu_fs_command(const unsigned char* in, unsigned char* out) {
  const auto w = smmuv3::load_le<2>(in);
  if (smmuv3::any(smmuv3::command_res0_bits(w))) return -3;
  return smmuv3::visit_command(w, [&](const auto& cmd) -> int {
    using T = std::remove_cvref_t<decltype(cmd)>;
    if constexpr (std::is_same_v<T, smmuv3::CmdUnknown>) {
      return -1;
    } else {
      const int rc = reencode(cmd, out);
      return rc != 0 ? rc : static_cast<int>(smmuv3::command_opcode(w));
    }
  });
}

int vsmmu_fs_event(const unsigned char* in, unsigned char* out) {
  const auto w = smmuv3::load_le<4>(in);
  return smmuv3::visit_event(w, [&](const auto& evt) -> int {
    using T = std::remove_cvref_t<decltype(evt)>;
    if constexpr (std::is_same_v<T, smmuv3::EvtUnknown>) {
      return -1;
    } else {
      const int rc = reencode(evt, out);
      return rc != 0 ? rc : static_cast<int>(smmuv3::event_type(w));
    }
  });
}

int vsmmu_fs_ste(const unsigned char* in, unsigned char* out) {
  const auto w = smmuv3::load_le<8>(in);
  if (smmuv3::any(smmuv3::ste_res0_bits(w))) return -3;
  const smmuv3::Ste ste = smmuv3::decode_ste(w);
  if (!smmuv3::ste_config_is_valid(ste.config)) return -1;
  return reencode(ste, out);
}

int vsmmu_fs_cd(const unsigned char* in, unsigned char* out) {
  const auto w = smmuv3::load_le<8>(in);
  if (smmuv3::any(smmuv3::cd_res0_bits(w))) return -3;
  return reencode(smmuv3::decode_cd(w), out);
}

int vsmmu_fs_l1std(const unsigned char* in, unsigned char* out) {
  const auto d = smmuv3::decode_l1std(smmuv3::load_le<1>(in));
  return reencode(d, out);
}

unsigned long long vsmmu_fs_cr0_roundtrip(unsigned long long value) {
  const auto e = smmuv3::reg::encode(smmuv3::reg::decode_cr0(smmuv3::Words<1>{{value}}));
  return e.ok() ? e.words[0] : ~0ull;
}

int vsmmu_fs_register_width(unsigned long long offset) {
  const auto at = smmuv3::reg::find_register(offset);
  return at.info != nullptr ? static_cast<int>(at.info->width) : -1;
}

// Entries a consumer may read between CONS and PROD, and the next CONS after taking them all.
unsigned vsmmu_fs_queue(unsigned prod_reg, unsigned cons_reg, unsigned log2size) {
  const auto prod = smmuv3::queue_pointer(prod_reg, log2size);
  const auto cons = smmuv3::queue_pointer(cons_reg, log2size);
  const auto used = smmuv3::queue_used(prod, cons, log2size);
  const auto next = smmuv3::queue_advance(cons, used, log2size);
  return used ^ smmuv3::with_queue_pointer(cons_reg, next, log2size);
}

}  // extern "C"

// ---- include/vsmmu/: the sanitizer, as a kernel would call it -------------------------------

namespace {
vsmmu::Policy fs_policy(unsigned idr0, unsigned idr1, unsigned idr3, unsigned idr5) {
  return vsmmu::make_policy({idr0, idr1, idr3, idr5, 1}, vsmmu::GuestConfig{}).policy;
}
}  // namespace

extern "C" {

int vsmmu_fs_make_policy(unsigned idr0, unsigned idr1, unsigned idr3, unsigned idr5) {
  return static_cast<int>(vsmmu::make_policy({idr0, idr1, idr3, idr5, 1}, vsmmu::GuestConfig{}).error);
}

// Sanitizes `count` guest commands into `out` (room for `cap`); returns the number consumed.
unsigned long vsmmu_fs_sanitize_commands(unsigned idr0, const unsigned char* guest, unsigned long count,
                                         unsigned char* out, unsigned long cap, unsigned long budget) {
  const vsmmu::Policy p = fs_policy(idr0, 0x10u << 6, 0, 0x75);
  vsmmu::FixedStreamMap<4> streams;
  streams.add(0x10, 0x1010);
  vsmmu::GuestRamRegions<1> ram;
  ram.region[0] = {0x4000'0000, 0x4000'0000};
  ram.count = 1;
  smmuv3::Words<2> in[16];
  smmuv3::Words<2> phys[16];
  const unsigned long n = count < 16 ? count : 16;
  for (unsigned long i = 0; i < n; ++i) in[i] = smmuv3::load_le<2>(guest + 16 * i);
  const vsmmu::BatchResult r = vsmmu::sanitize_commands(p, in, n, vsmmu::CommandContext{streams, ram}, phys,
                                                        cap < 16 ? cap : 16, budget);
  for (unsigned long i = 0; i < r.produced; ++i) smmuv3::store_le(phys[i], out + 16 * i);
  return r.consumed;
}

int vsmmu_fs_sanitize_ste(unsigned idr0, const unsigned char* guest, unsigned char* out) {
  const vsmmu::Policy p = fs_policy(idr0, 0x10u << 6, 0, 0x75);
  smmuv3::Ste host{};
  host.v = true;
  host.config = smmuv3::SteConfig::s2_trans;
  host.s2_t0sz = 24;
  host.s2_aa64 = true;
  host.s2_ps = smmuv3::S2Ps::pa_44;
  host.s2_ttb = 0x8000'0000;
  const vsmmu::SteResult r = vsmmu::sanitize_ste(p, smmuv3::load_le<8>(guest), host);
  smmuv3::store_le(r.physical, out);
  return static_cast<int>(r.verdict);
}

int vsmmu_fs_validate_cd(unsigned idr0, const unsigned char* cd) {
  return static_cast<int>(vsmmu::validate_cd(fs_policy(idr0, 0x10u << 6, 0, 0x75), smmuv3::load_le<8>(cd)).verdict);
}

}  // extern "C"

namespace {

// DeviceTraits over caller-provided guest RAM, as a kernel would write them: plain memory,
// no containers; what reaches the "host" is counted into a caller-provided record.
struct FsHost {
  unsigned long long submitted, syncs, installs, signals;
};

struct FsTraits {
  unsigned char* ram;
  unsigned long long ram_base, ram_size;
  FsHost* host;
  vsmmu::FixedStreamMap<4> map;
  smmuv3::Ste s2;

  bool in_ram(std::uint64_t ipa, std::size_t bytes) const noexcept {
    return ipa >= ram_base && bytes <= ram_size && ipa - ram_base <= ram_size - bytes;
  }
  bool read_guest(std::uint64_t ipa, unsigned char* dst, std::size_t bytes) noexcept {
    if (!in_ram(ipa, bytes)) return false;
    for (std::size_t i = 0; i < bytes; ++i) dst[i] = ram[ipa - ram_base + i];
    return true;
  }
  bool write_guest(std::uint64_t ipa, const unsigned char* src, std::size_t bytes) noexcept {
    if (!in_ram(ipa, bytes)) return false;
    for (std::size_t i = 0; i < bytes; ++i) ram[ipa - ram_base + i] = src[i];
    return true;
  }
  const vsmmu::FixedStreamMap<4>& streams() const noexcept { return map; }
  const smmuv3::Ste& stage2_template(std::uint32_t) const noexcept { return s2; }
  void install_ste(std::uint32_t, const smmuv3::Words<8>&) noexcept { ++host->installs; }
  bool submit_commands(const smmuv3::Words<2>*, std::size_t count) noexcept {
    host->submitted += count;
    return true;
  }
  bool sync_commands() noexcept {
    ++host->syncs;
    return true;
  }
  void signal(vsmmu::GuestSignal) noexcept { ++host->signals; }
  bool write_msi(std::uint64_t, std::uint32_t, std::uint8_t) noexcept { return true; }
};

}  // namespace

extern "C" {

// One MMIO write trap on a vSMMU whose state lives in `state` between traps (save/restore),
// then a physical event offered to it. Returns the DeviceStatus of the write, or -1 when the
// state was refused.
int vsmmu_fs_device_trap(vsmmu::DeviceState* state, unsigned char* ram, unsigned long long ram_base,
                         unsigned long long ram_size, FsHost* host, unsigned offset, unsigned long long value,
                         unsigned bytes, const unsigned char* event) {
  FsTraits traits{ram, ram_base, ram_size, host, {}, {}};
  traits.map.add(0x10, 0x1010);
  traits.s2.v = true;
  traits.s2.config = smmuv3::SteConfig::s2_trans;
  traits.s2.s2_t0sz = 24;
  traits.s2.s2_aa64 = true;
  traits.s2.s2_ps = smmuv3::S2Ps::pa_44;
  traits.s2.s2_ttb = 0x8000'0000;
  const vsmmu::Policy p = fs_policy(0x0d40101b, 0x10u << 6, 0, 0x75);
  vsmmu::Device<FsTraits, 8> dev(traits, p);
  if (dev.restore(*state) != vsmmu::RestoreError::none) return -1;
  const vsmmu::DeviceStatus s = dev.write(offset, value, bytes);
  (void)dev.report_event(smmuv3::load_le<4>(event));
  *state = dev.save();
  return static_cast<int>(s);
}

}  // extern "C"

extern "C" {

// The firmware descriptions of one vSMMU (eventq/gerror/cmdq-sync SPIs, PCI RIDs 0..0xffff
// on StreamIDs `sid_base`..): the device-tree node, and the IORT. Each returns the bytes
// written, or -1 when the writer refused.
long vsmmu_fs_write_dt(unsigned long long base, unsigned sid_base, char* out, unsigned long capacity) {
  const vsmmu::firmware::RidMapping map[] = {{0, sid_base, 0x10000}};
  vsmmu::firmware::DeviceTreeConfig c{};
  c.base = base;
  c.eventq_spi = 74;
  c.gerror_spi = 75;
  c.cmdq_sync_spi = 76;
  c.rid_map = map;
  c.rid_map_count = 1;
  const vsmmu::firmware::FirmwareResult r = vsmmu::firmware::write_device_tree_node(c, out, capacity);
  return r.ok() ? static_cast<long>(r.size) : -1;
}

long vsmmu_fs_write_iort(unsigned long long base, unsigned sid_base, unsigned char* out, unsigned long capacity) {
  const vsmmu::firmware::RidMapping map[] = {{0, sid_base, 0x10000}};
  vsmmu::firmware::IortConfig c{};
  c.base = base;
  c.event_gsiv = 106;
  c.pri_gsiv = 107;
  c.gerr_gsiv = 108;
  c.sync_gsiv = 109;
  c.rid_map = map;
  c.rid_map_count = 1;
  const vsmmu::firmware::FirmwareResult r = vsmmu::firmware::write_iort(c, out, capacity);
  return r.ok() ? static_cast<long>(r.size) : -1;
}

}  // extern "C"
