// The hot path never allocates: sanitize_commands, sanitize_command, sanitize_ste and
// validate_cd over the Linux capture (tests/data/linux-*) and over a synthetic mix of every
// opcode, and a vsmmu::Device replaying the capture's MMIO traffic, are run while every global
// operator new of the program is counted.
//
// The replacement operators below are the program's (vsmmu_tests links every tests/**/*_test.cpp
// into one executable), so they count only between AllocationCounter::start() and stop(), and
// otherwise behave as the library's: malloc / free, std::bad_alloc on failure. All the variants
// are replaced (plain, array, nothrow, sized, aligned), so no allocation can bypass the count and
// an ASan runtime's own operators are never linked in beside these.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "smmuv3/cerror.hpp"
#include "smmuv3/command.hpp"
#include "smmuv3/event.hpp"
#include "smmuv3/registers/offsets.hpp"
#include "smmuv3/ste.hpp"
#include "support/linux_capture.hpp"
#include "support/splitmix64.hpp"
#include "vsmmu/device.hpp"
#include "vsmmu/guest_ram.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_command.hpp"
#include "vsmmu/sanitize_commands.hpp"
#include "vsmmu/sanitize_ste.hpp"
#include "vsmmu/stream_map.hpp"
#include "vsmmu/validate_cd.hpp"

namespace {

std::atomic<bool> g_counting{false};
std::atomic<std::size_t> g_allocations{0};

void* allocate(std::size_t size, std::size_t align) noexcept {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;
  if (align <= alignof(std::max_align_t)) return std::malloc(size);
  // aligned_alloc needs a size that is a multiple of the alignment.
  return std::aligned_alloc(align, (size + align - 1) / align * align);
}

// Out of line: once g++ inlines a replacement operator delete next to a `new` expression it
// sees free() on a pointer from operator new and warns (-Wmismatched-new-delete), although the
// replacement operator new does come from malloc.
[[gnu::noinline]] void release(void* p) noexcept { std::free(p); }

void* allocate_or_throw(std::size_t size, std::size_t align) {
  void* p = allocate(size, align);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

}  // namespace

void* operator new(std::size_t n) { return allocate_or_throw(n, 0); }
void* operator new[](std::size_t n) { return allocate_or_throw(n, 0); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return allocate(n, 0); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return allocate(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return allocate_or_throw(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) { return allocate_or_throw(n, static_cast<std::size_t>(a)); }
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate(n, static_cast<std::size_t>(a));
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  return allocate(n, static_cast<std::size_t>(a));
}
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { release(p); }

namespace {

namespace fs = std::filesystem;

/// Counts the allocations made between start() and stop(), on any thread.
struct AllocationCounter {
  static void start() {
    g_allocations.store(0);
    g_counting.store(true);
  }
  static std::size_t stop() {
    g_counting.store(false);
    return g_allocations.load();
  }
};

// The counter itself: without this, a counter that never counts would pass every test below.
TEST(NoAllocation, TheCounterSeesAnAllocation) {
  AllocationCounter::start();
  // Direct calls of the replaceable functions, which a compiler may not elide as it may a
  // new-expression.
  void* p = ::operator new(16);
  void* q = ::operator new[](32, std::align_val_t{64});
  const std::size_t n = AllocationCounter::stop();
  ::operator delete[](q, std::align_val_t{64});
  ::operator delete(p);
  EXPECT_EQ(n, 2u);
}

/// Every record of a capture the sanitizer judges, loaded before anything is counted.
struct Capture {
  std::vector<smmuv3::Words<2>> commands;
  std::vector<smmuv3::Words<8>> stes;
  std::vector<smmuv3::Words<8>> cds;
};

std::vector<Capture> captures() {
  std::vector<Capture> out;
  for (const fs::path& dir : vsmmu_test::capture_dirs(VSMMU_TEST_DATA_DIR)) {
    Capture c;
    c.commands = vsmmu_test::records<2>(vsmmu_test::read_bytes(dir / "cmdq.bin"));
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (!e.is_regular_file() || e.path().extension() != ".bin") continue;
      auto& into = name.rfind("strtab-l2-", 0) == 0 ? c.stes : c.cds;
      if (name.rfind("strtab-l2-", 0) == 0 || name.rfind("cd-", 0) == 0) {
        const auto r = vsmmu_test::records<8>(vsmmu_test::read_bytes(e.path()));
        into.insert(into.end(), r.begin(), r.end());
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

using vsmmu_test::capture_policy;
using vsmmu_test::capture_stage2;

/// What a run judged, tallied while counting and checked after (a failing gtest assertion
/// allocates its message, so none runs while counting).
struct Tally {
  std::size_t commands = 0, forwarded_batches = 0, errors = 0, stes_installed = 0, cds_valid = 0;
};

TEST(NoAllocation, SanitizingTheLinuxCaptureAllocatesNothing) {
  const std::vector<Capture> all = captures();
  ASSERT_FALSE(all.empty());
  const vsmmu::Policy policy = capture_policy();
  const smmuv3::Ste host = capture_stage2(policy);
  vsmmu::FixedStreamMap<2> streams;
  ASSERT_EQ(streams.add(0x8, 0x1008), vsmmu::FixedStreamMap<2>::AddResult::added);
  ASSERT_EQ(streams.add(0x10, 0x1010), vsmmu::FixedStreamMap<2>::AddResult::added);
  vsmmu::GuestRamRegions<1> ram;
  ram.region[0] = {0x4000'0000, 0x2000'0000};
  ram.count = 1;
  const vsmmu::CommandContext ctx{streams, ram};
  smmuv3::Words<2> out[8];

  for (const Capture& cap : all) {
    ASSERT_GT(cap.commands.size(), 100u);
    ASSERT_FALSE(cap.stes.empty());
    ASSERT_FALSE(cap.cds.empty());
    Tally t;
    AllocationCounter::start();
    for (std::size_t at = 0; at < cap.commands.size();) {
      const vsmmu::BatchResult r =
          vsmmu::sanitize_commands(policy, cap.commands.data() + at, cap.commands.size() - at, ctx, out, 8, 32);
      if (r.stop == vsmmu::BatchStop::error || r.consumed == 0) {
        ++t.errors;
        break;
      }
      t.forwarded_batches += r.produced != 0;
      at += r.consumed;
      t.commands += r.consumed;
    }
    for (const auto& w : cap.commands)
      t.errors += vsmmu::sanitize_command(policy, w, ctx, out, 8).cerror() != smmuv3::CmdqError::cerror_none;
    for (const auto& ste : cap.stes) t.stes_installed += vsmmu::sanitize_ste(policy, ste, host).ok();
    for (const auto& cd : cap.cds) t.cds_valid += vsmmu::validate_cd(policy, cd).ok();
    const std::size_t allocations = AllocationCounter::stop();
    EXPECT_EQ(allocations, 0u);
    EXPECT_EQ(t.errors, 0u);
    EXPECT_EQ(t.commands, cap.commands.size());
    EXPECT_GT(t.forwarded_batches, 100u);
    EXPECT_GT(t.stes_installed, 200u);
    EXPECT_EQ(t.cds_valid, cap.cds.size());
  }
}

/// One command of the synthetic mix (see its test); `i` picks the opcode byte of the
/// zero-operand case, so that every byte value occurs.
smmuv3::Words<2> mix_command(vsmmu_test::SplitMix64& g, std::uint8_t i) {
  using namespace smmuv3;
  const std::uint32_t sid = 0x10 + g.below(5);  // 0x10..0x13 mapped, 0x14 not
  const auto asid = static_cast<std::uint16_t>(g.below(0x100));
  const std::uint64_t va = (g.next() & 0xFFFF'FFFF'F000ull);
  switch (g.below(16)) {
    case 0:
    case 1:
    case 2:
    case 3: return encode(CmdTlbiNhVa{0, 0, 0, asid, g.below(2) != 0, false, 0, TlbiTg::any, va}).words;
    case 4: return encode(CmdTlbiNhAsid{0, asid}).words;
    case 5: return encode(CmdCfgiSte{false, sid, true}).words;
    case 6: return encode(CmdCfgiCd{false, g.below(0x100), sid, true}).words;
    case 7:
    case 8: {
      CmdSync s{};
      s.cs = static_cast<SyncCs>(g.below(3));
      s.msi_address = g.below(2) == 0 ? 0x4000'1000 + 4 * g.below(0x1000) : 0x1000;  // in and out of RAM
      return encode(s).words;
    }
    case 9: return encode(CmdCfgiSteRange{false, sid, static_cast<std::uint8_t>(g.below(32))}).words;
    case 10: return encode(CmdAtcInv{false, g.below(2) != 0, g.below(0x100), sid, 0, va}).words;
    case 11: return encode(CmdPriResp{true, g.below(0x100), sid, 1, PriResp::success}).words;
    case 12: return encode(CmdResume{false, ResumeAction::retry, false, sid, 7}).words;
    case 13:
      return g.below(2) == 0 ? encode(CmdStallTerm{false, sid}).words
                             : encode(CmdPrefetchConfig{false, false, 0, sid}).words;
    case 14: return Words<2>{{i, 0}};
    default: return Words<2>{{g.next(), g.next()}};
  }
}

TEST(NoAllocation, SanitizingEveryOpcodeAndRandomRecordsAllocatesNothing) {
  // A guest with every optional feature (ATS, PRI, stall, substreams), so that every opcode's
  // rules run, over a map of four streams.
  vsmmu::Policy policy = capture_policy();
  policy.idr.idr0.msi = true;  // the capture's guest is shown no MSI; CMD_SYNC's MSI path must run
  policy.idr.idr0.ats = policy.idr.idr0.pri = true;
  policy.idr.idr0.stall_model = smmuv3::reg::StallModel::stall_and_terminate;
  policy.idr.idr1.ssidsize = 8;
  const smmuv3::Ste host = capture_stage2(policy);
  vsmmu::FixedStreamMap<4> streams;
  for (std::uint32_t i = 0; i < 4; ++i)
    ASSERT_EQ(streams.add(0x10 + i, 0x100 + i), vsmmu::FixedStreamMap<4>::AddResult::added);
  vsmmu::GuestRamRegions<1> ram;
  ram.region[0] = {0x4000'0000, 0x2000'0000};
  ram.count = 1;
  const vsmmu::CommandContext ctx{streams, ram};

  // 4096 commands: well-formed ones of every opcode the guest may use (mostly mapped streams,
  // so most are forwarded), every opcode byte with zero operands, and random words.
  vsmmu_test::SplitMix64 g{0xA110'CA7E};
  std::vector<smmuv3::Words<2>> commands(4096);
  for (std::size_t i = 0; i < commands.size(); ++i) commands[i] = mix_command(g, static_cast<std::uint8_t>(i));
  std::vector<smmuv3::Words<8>> stes(256), cds(256);
  for (auto* table : {&stes, &cds})
    for (auto& r : *table)
      for (std::size_t k = 0; k < 8; ++k) r[k] = (g.next() >> g.below(64)) | (k == 0 ? 1u : 0u);

  smmuv3::Words<2> out[8];
  std::size_t verdicts[5]{}, batch_stops[6]{};
  AllocationCounter::start();
  for (const auto& w : commands)
    ++verdicts[static_cast<std::size_t>(vsmmu::sanitize_command(policy, w, ctx, out, 8).verdict)];
  for (std::size_t at = 0; at < commands.size();) {
    const vsmmu::BatchResult r =
        vsmmu::sanitize_commands(policy, commands.data() + at, commands.size() - at, ctx, out, 8, 16);
    ++batch_stops[static_cast<std::size_t>(r.stop)];
    // A device skips an illegal command after reporting CERROR_ILL; so does this loop.
    at += r.consumed + (r.stop == vsmmu::BatchStop::error ? 1 : 0);
  }
  std::size_t ste_verdicts[3]{}, cd_verdicts[4]{};
  for (const auto& s : stes) ++ste_verdicts[static_cast<std::size_t>(vsmmu::sanitize_ste(policy, s, host).verdict)];
  for (const auto& c : cds) ++cd_verdicts[static_cast<std::size_t>(vsmmu::validate_cd(policy, c).verdict)];
  const std::size_t allocations = AllocationCounter::stop();

  EXPECT_EQ(allocations, 0u);
  // The run went through accepted, ignored, illegal and sync commands, and every kind of batch
  // stop a device sees, not only the cheapest refusals.
  EXPECT_GT(verdicts[static_cast<std::size_t>(vsmmu::CommandVerdict::forwarded)], 100u);
  EXPECT_GT(verdicts[static_cast<std::size_t>(vsmmu::CommandVerdict::ignored)], 10u);
  EXPECT_GT(verdicts[static_cast<std::size_t>(vsmmu::CommandVerdict::illegal)], 200u);
  EXPECT_GT(verdicts[static_cast<std::size_t>(vsmmu::CommandVerdict::sync)], 5u);
  for (const vsmmu::BatchStop s : {vsmmu::BatchStop::sync, vsmmu::BatchStop::refresh, vsmmu::BatchStop::error})
    EXPECT_GT(batch_stops[static_cast<std::size_t>(s)], 5u) << static_cast<int>(s);
  EXPECT_GT(ste_verdicts[static_cast<std::size_t>(vsmmu::SteVerdict::bad_ste)], 0u);
  EXPECT_GT(cd_verdicts[static_cast<std::size_t>(vsmmu::CdVerdict::bad_cd)], 0u);
}


/// Device traits that allocate nothing: guest memory is a fixed set of regions loaded before
/// anything is counted, and the host only counts what it is given.
struct CountingTraits {
  struct Region {
    std::uint64_t gpa = 0;
    unsigned char* bytes = nullptr;
    std::size_t size = 0;
  };
  std::array<Region, 8> regions{};
  std::size_t region_count = 0;
  vsmmu::FixedStreamMap<2> map;
  smmuv3::Ste s2{};
  std::size_t installs = 0, submitted = 0, syncs = 0, signals = 0, failed_accesses = 0;

  const Region* find(std::uint64_t ipa, std::size_t n) const noexcept {
    for (std::size_t i = 0; i < region_count; ++i) {
      const Region& r = regions[i];
      if (ipa >= r.gpa && n <= r.size && ipa - r.gpa <= r.size - n) return &r;
    }
    return nullptr;
  }
  bool read_guest(std::uint64_t ipa, unsigned char* dst, std::size_t n) noexcept {
    const Region* r = find(ipa, n);
    if (r == nullptr) return ++failed_accesses, false;
    std::memcpy(dst, r->bytes + (ipa - r->gpa), n);
    return true;
  }
  bool write_guest(std::uint64_t ipa, const unsigned char* src, std::size_t n) noexcept {
    const Region* r = find(ipa, n);
    if (r == nullptr) return ++failed_accesses, false;
    std::memcpy(r->bytes + (ipa - r->gpa), src, n);
    return true;
  }
  const vsmmu::FixedStreamMap<2>& streams() const noexcept { return map; }
  smmuv3::Ste stage2_template(std::uint32_t) const noexcept { return s2; }
  void install_ste(std::uint32_t, const smmuv3::Words<8>&) noexcept { ++installs; }
  bool submit_commands(const smmuv3::Words<2>*, std::size_t n) noexcept { return submitted += n, true; }
  bool sync_commands() noexcept { return ++syncs, true; }
  void signal(vsmmu::GuestSignal) noexcept { ++signals; }
  bool write_msi(std::uint64_t, std::uint32_t, std::uint8_t) noexcept { return ++signals, true; }
};
static_assert(vsmmu::DeviceTraits<CountingTraits>);

// The whole trap path, not only the sanitizer: every MMIO access Linux made in the capture,
// replayed through a Device (so every command, CFGI re-install and CMD_SYNC it sent), physical
// events offered along the way, then save, restore into a second device, and reset.
TEST(NoAllocation, DeviceReplayingTheLinuxCaptureAllocatesNothing) {
  for (const fs::path& dir : vsmmu_test::capture_dirs(VSMMU_TEST_DATA_DIR)) {
    // Guest memory as the capture left it (its final snapshot) at its real addresses, and an
    // Event queue wherever the guest put it.
    const vsmmu_test::CaptureManifest m = vsmmu_test::read_manifest(dir);
    const std::vector<vsmmu_test::MmioAccess> mmio = vsmmu_test::read_mmio(dir / "mmio.tsv");
    ASSERT_FALSE(m.snapshots.empty());
    std::vector<std::vector<unsigned char>> memory{vsmmu_test::read_bytes(dir / m.cmdq_file)};
    std::vector<std::uint64_t> gpas{m.cmdq_gpa};
    for (const vsmmu_test::CaptureRegion& r : m.snapshots.back().regions) {
      memory.push_back(vsmmu_test::read_bytes(dir / r.file));
      gpas.push_back(r.gpa);
    }
    for (const vsmmu_test::MmioAccess& a : mmio)
      if (a.write && a.offset == smmuv3::reg::offset::kEventqBase) {
        memory.emplace_back(std::size_t{32} << 15, 0);  // 2^15 records: what Linux 6.1 asks for
        gpas.push_back(a.value & 0x00FF'FFFF'FFFF'FFE0);
        break;
      }
    CountingTraits t;
    ASSERT_LE(memory.size(), t.regions.size());
    for (std::size_t i = 0; i < memory.size(); ++i) t.regions[i] = {gpas[i], memory[i].data(), memory[i].size()};
    t.region_count = memory.size();
    ASSERT_EQ(t.map.add(0x8, 0x1008), vsmmu::FixedStreamMap<2>::AddResult::added);
    ASSERT_EQ(t.map.add(0x10, 0x1010), vsmmu::FixedStreamMap<2>::AddResult::added);
    const vsmmu::Policy policy = capture_policy();
    t.s2 = capture_stage2(policy);
    smmuv3::EvtFTranslation fault{};
    fault.stream_id = 0x1008;
    fault.input_addr = 0x1000;
    const smmuv3::Words<4> event = smmuv3::encode(fault).words;

    std::size_t busy = 0, recorded = 0, restore_errors = 0;
    vsmmu::DeviceCounters counters{};
    AllocationCounter::start();
    {
      vsmmu::Device<CountingTraits> dev(t, policy);
      for (std::size_t i = 0; i < mmio.size(); ++i) {
        const vsmmu_test::MmioAccess& a = mmio[i];
        if (!a.write) {
          (void)dev.read(a.offset, a.size);
        } else {
          for (vsmmu::DeviceStatus st = dev.write(a.offset, a.value, a.size); st == vsmmu::DeviceStatus::more_work;
               st = dev.poll())
            ++busy;
        }
        if (i % 16 == 0) recorded += dev.report_event(event).status == vsmmu::EventStatus::recorded;
      }
      counters = dev.counters();
      vsmmu::Device<CountingTraits> twin(t, policy);
      restore_errors += twin.restore(dev.save()) != vsmmu::RestoreError::none;
      twin.reset();
    }
    const std::size_t allocations = AllocationCounter::stop();

    EXPECT_EQ(allocations, 0u) << dir;
    // The replay did the work that matters: every command consumed without an error, CFGIs
    // re-installed streams, syncs completed, events recorded.
    EXPECT_EQ(counters.commands_consumed, m.cmdq_entries);
    EXPECT_EQ(counters.command_errors, 0u);
    EXPECT_GT(counters.syncs, 100u);
    EXPECT_GT(t.submitted, 100u);
    EXPECT_GT(t.installs, 10u);
    EXPECT_GT(recorded, 0u);
    EXPECT_EQ(restore_errors, 0u);
    EXPECT_EQ(busy, 0u) << "Linux never posts more than the work budget at once";
  }
}

}  // namespace
