// Tests for the Command queue of include/vsmmu/device.hpp, driven by a simulated guest driver
// (tests/support/guest_driver.hpp) through MMIO: consumption between CMDQ_CONS and CMDQ_PROD
// (§3.5.1, §6.3.27-§6.3.28), the command error path end to end (§4.1.3, §7.1, §7.5), the work
// budget, CMD_CFGI_STE ordering (§4.3), CMD_SYNC completion (§4.7.3) and host failures. What
// the real Linux driver sent is replayed in linux_replay_test.cpp.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <vector>

#include "smmuv3/cerror.hpp"
#include "smmuv3/command.hpp"
#include "smmuv3/queue.hpp"
#include "smmuv3/registers/irq.hpp"
#include "smmuv3/registers/offsets.hpp"
#include "smmuv3/ste.hpp"
#include "support/guest_driver.hpp"
#include "support/test_traits.hpp"
#include "vsmmu/device.hpp"

namespace {

using namespace smmuv3::reg::offset;
using smmuv3::CmdqError;
using smmuv3::Words;
using vsmmu::DeviceStatus;
using vsmmu::GuestSignal;
using vsmmu_test::GuestDriver;
using vsmmu_test::GuestLayout;
using vsmmu_test::TestTraits;

constexpr std::uint64_t R = TestTraits::kRamBase;
constexpr std::uint32_t kCmdqErr = static_cast<std::uint32_t>(smmuv3::reg::gerror::CmdqErr::mask);
constexpr std::uint32_t kMsiCmdqAbtErr = static_cast<std::uint32_t>(smmuv3::reg::gerror::MsiCmdqAbtErr::mask);
constexpr std::uint32_t kGerrorIrqEn = static_cast<std::uint32_t>(smmuv3::reg::irq_ctrl::GerrorIrqEn::mask);
constexpr std::uint32_t kCmdqEn = static_cast<std::uint32_t>(smmuv3::reg::cr0::CmdqEn::mask);

Words<2> tlbi_asid(std::uint16_t asid, std::uint16_t guest_vmid = 0) {
  return smmuv3::encode(smmuv3::CmdTlbiNhAsid{guest_vmid, asid}).words;
}
Words<2> physical_tlbi_asid(std::uint16_t asid, std::uint16_t vmid) {
  return smmuv3::encode(smmuv3::CmdTlbiNhAsid{vmid, asid}).words;
}
Words<2> sync_cmd(smmuv3::SyncCs cs, std::uint64_t msi_address = 0, std::uint32_t msi_data = 0) {
  smmuv3::CmdSync s{};
  s.cs = cs;
  s.msi_address = msi_address;
  s.msi_data = msi_data;
  return smmuv3::encode(s).words;
}
Words<2> cfgi_ste(std::uint32_t sid) { return smmuv3::encode(smmuv3::CmdCfgiSte{false, sid, true}).words; }
constexpr Words<2> kIllegalOpcode{{0xFF, 0}};

// A TestTraits that also logs, in one sequence, every call whose order the device must keep.
struct LoggingTraits : TestTraits {
  enum class Kind { install, submit, sync, signal, guest_write, msi };
  struct Entry {
    Kind kind;
    std::uint64_t value;  // pSID, the physical command's opcode, the signal, the write address
    friend bool operator==(const Entry&, const Entry&) = default;
  };
  std::vector<Entry> log;
  std::size_t fail_submit_call = static_cast<std::size_t>(-1);  // this submit_commands call (0-based) fails

  void install_ste(std::uint32_t psid, const Words<8>& ste) noexcept {
    log.push_back({Kind::install, psid});
    TestTraits::install_ste(psid, ste);
  }
  bool submit_commands(const Words<2>* cmds, std::size_t count) noexcept {
    const bool fail = submit_calls == fail_submit_call;
    if (fail) {
      ++submit_calls;
      return false;
    }
    for (std::size_t i = 0; i < count; ++i) log.push_back({Kind::submit, cmds[i][0] & 0xFF});
    return TestTraits::submit_commands(cmds, count);
  }
  bool sync_commands() noexcept {
    const bool ok = TestTraits::sync_commands();
    if (ok) log.push_back({Kind::sync, 0});
    return ok;
  }
  void signal(GuestSignal s) noexcept {
    log.push_back({Kind::signal, static_cast<std::uint64_t>(s)});
    TestTraits::signal(s);
  }
  bool write_guest(std::uint64_t ipa, const unsigned char* src, std::size_t bytes) noexcept {
    log.push_back({Kind::guest_write, ipa});
    return TestTraits::write_guest(ipa, src, bytes);
  }
  bool write_msi(std::uint64_t address, std::uint32_t data, std::uint8_t memattr) noexcept {
    log.push_back({Kind::msi, address});
    return TestTraits::write_msi(address, data, memattr);
  }
};
static_assert(vsmmu::DeviceTraits<LoggingTraits>);

// Guest RAM big enough for a 2^19-entry Command queue (8 MiB).
struct BigRamTraits : TestTraits {
  static constexpr std::size_t kBigRamBytes = 9u << 20;
  BigRamTraits() { ram.resize(kBigRamBytes); }
  bool in_big_ram(std::uint64_t ipa, std::size_t bytes) const {
    return ipa >= kRamBase && bytes <= kBigRamBytes && ipa - kRamBase <= kBigRamBytes - bytes;
  }
  bool read_guest(std::uint64_t ipa, unsigned char* dst, std::size_t bytes) noexcept {
    reads.emplace_back(ipa, bytes);
    if (!in_big_ram(ipa, bytes) || hits(read_aborts, ipa, bytes)) return false;
    std::memcpy(dst, &ram[ipa - kRamBase], bytes);
    return true;
  }
  bool write_guest(std::uint64_t ipa, const unsigned char* src, std::size_t bytes) noexcept {
    writes.emplace_back(ipa, bytes);
    if (!in_big_ram(ipa, bytes) || hits(write_aborts, ipa, bytes)) return false;
    std::memcpy(&ram[ipa - kRamBase], src, bytes);
    return true;
  }
};
static_assert(vsmmu::DeviceTraits<BigRamTraits>);

// One guest: traits (guest RAM + host), its vSMMU and the guest driver. Streams: vSID 8 ->
// pSID 0x1008, vSID 0x10 -> pSID 0x1010 (as in the Linux capture).
template <class Traits = TestTraits, std::size_t Out = 64>
struct Rig {
  Traits t;
  vsmmu::Device<Traits, Out> dev;
  GuestDriver<vsmmu::Device<Traits, Out>, Traits> g;

  static Traits make_traits() {
    Traits t;
    t.map.add(8, 0x1008);
    t.map.add(0x10, 0x1010);
    return t;
  }
  explicit Rig(const vsmmu::GuestConfig& cfg = {}, const vsmmu::DeviceOptions& opt = {}, const GuestLayout& layout = {})
      : t(make_traits()), dev(t, vsmmu_test::guest_policy(cfg), opt), g(dev, t, layout) {}

  /// Only the Command queue: CMDQ_BASE, PROD = CONS = 0, CMDQEN = 1.
  void enable_cmdq() {
    g.program_cmdq();
    g.set_cr0(kCmdqEn);
  }
  std::uint16_t vmid() const { return dev.policy().vmid; }
  /// How many times each queue entry was read since `from` (index -> count).
  std::map<std::uint32_t, int> entry_reads(std::size_t from = 0) const {
    std::map<std::uint32_t, int> n;
    const std::uint64_t base = g.layout().cmdq;
    const std::uint64_t bytes = std::uint64_t{smmuv3::kCmdqEntryBytes} << g.layout().cmdq_log2;
    for (std::size_t i = from; i < t.reads.size(); ++i) {
      const auto [addr, len] = t.reads[i];
      if (addr < base || addr >= base + bytes) continue;
      for (std::size_t k = 0; k < len / smmuv3::kCmdqEntryBytes; ++k)
        ++n[static_cast<std::uint32_t>((addr - base) / smmuv3::kCmdqEntryBytes + k)];
    }
    return n;
  }
};

GuestLayout small_queue(unsigned log2) {
  GuestLayout l{};
  l.cmdq_log2 = log2;
  return l;
}

// ----- Consumption ----------------------------------------------------------------------------

// §3.5.1 / §6.3.27: the SMMU consumes the entries from CONS up to PROD; each is read from guest
// memory once, sanitized (VMID -> the guest's host VMID) and submitted; CONS follows.
TEST(DeviceCommandQueue, CommandsBetweenConsAndProdAreReadOnceSanitizedAndSubmitted) {
  Rig<> r({}, {}, small_queue(3));
  r.enable_cmdq();
  const std::size_t reads_before = r.t.reads.size();
  for (std::uint16_t a = 1; a <= 5; ++a) r.g.post(tlbi_asid(a, 0x55));
  EXPECT_EQ(r.g.publish(), DeviceStatus::idle);
  EXPECT_EQ(r.g.cons(), 5u);
  ASSERT_EQ(r.t.submitted.size(), 5u);
  for (std::uint16_t a = 1; a <= 5; ++a) EXPECT_EQ(r.t.submitted[a - 1u], physical_tlbi_asid(a, r.vmid()));
  const auto n = r.entry_reads(reads_before);
  ASSERT_EQ(n.size(), 5u);
  for (const auto& [index, count] : n) {
    EXPECT_LT(index, 5u);
    EXPECT_EQ(count, 1) << "entry " << index;
  }
  // Nothing else was read: every read of this run was of a queue entry.
  for (std::size_t i = reads_before; i < r.t.reads.size(); ++i) {
    EXPECT_GE(r.t.reads[i].first, r.g.layout().cmdq);
  }
  EXPECT_EQ(r.dev.counters().commands_consumed, 5u);
  EXPECT_EQ(r.dev.counters().commands_submitted, 5u);
  EXPECT_FALSE(r.dev.commands_pending());
}

// The same with batches that stop early inside one read (a CMD_CFGI_STE's refresh, a CMD_SYNC,
// a CMD_CFGI_ALL): the commands after the stop come from the copy already read, not from a
// second read of guest memory.
TEST(DeviceCommandQueue, EveryEntryIsReadOnceEvenWhenBatchesStopEarly) {
  Rig<> r({}, {}, small_queue(6));
  ASSERT_TRUE(r.g.probe());
  const std::size_t reads_before = r.t.reads.size();
  const std::uint32_t first = r.g.prod();
  const auto all = smmuv3::encode(smmuv3::CmdCfgiAll{}).words;
  const auto sig = sync_cmd(smmuv3::SyncCs::sig_none);
  for (const auto& c : {tlbi_asid(1), cfgi_ste(8), tlbi_asid(2), sig, all, tlbi_asid(3), cfgi_ste(0x10), sig,
                        tlbi_asid(4), sig, sig, cfgi_ste(8), cfgi_ste(0x10), tlbi_asid(5), sig})
    r.g.post(c);
  EXPECT_EQ(r.g.publish(), DeviceStatus::idle);
  EXPECT_EQ(r.g.cons(), r.g.prod());
  const auto n = r.entry_reads(reads_before);
  ASSERT_EQ(n.size(), 15u);
  for (const auto& [index, count] : n) {
    EXPECT_GE(index, first);
    EXPECT_EQ(count, 1) << "entry " << index;
  }
}

// §3.5.1: a queue of 2^3 entries; PROD and CONS carry a wrap flag in bit 3. Many laps of
// different lengths (a full queue included): CONS always catches up with PROD, wrap bit
// included, every command is submitted once and in order, no read crosses the end of the ring.
TEST(DeviceCommandQueue, WrapFlagIsHonouredOverManyLaps) {
  Rig<> r({}, {}, small_queue(3));
  r.enable_cmdq();
  std::uint16_t asid = 0;
  std::vector<Words<2>> expected;
  bool saw_wrap_set = false;
  for (int round = 0; round < 60; ++round) {
    const int k = 1 + (round * 5) % 8;  // 1..8 commands, 8 == a full queue
    for (int i = 0; i < k; ++i) {
      ++asid;
      r.g.post(tlbi_asid(asid));
      expected.push_back(physical_tlbi_asid(asid, r.vmid()));
    }
    ASSERT_EQ(r.g.publish(), DeviceStatus::idle);
    ASSERT_EQ(r.g.cons(), r.g.prod()) << "round " << round;
    saw_wrap_set |= (r.g.cons() & 0x8) != 0;
    EXPECT_EQ(r.g.cons() & ~0xFu, 0u) << "CONS bits above the wrap flag are RAZ";
  }
  EXPECT_TRUE(saw_wrap_set);
  EXPECT_EQ(r.t.submitted, expected);
  const std::uint64_t base = r.g.layout().cmdq;
  for (const auto& [addr, len] : r.t.reads)
    if (addr >= base) {
      EXPECT_LE(addr + len, base + 8 * smmuv3::kCmdqEntryBytes);
    }
}

// §6.3.26 LOG2SIZE: "Except for the purposes of readback of this register, any use of the value
// of this field is capped at the maximum, SMMU_IDR1.CMDQS". A guest shown CMDQS == 3 that
// writes LOG2SIZE 12 reads 12 back and gets a queue of 2^3 entries: the wrap flag is bit 3.
TEST(DeviceCommandQueue, Log2SizeAboveCmdqsIsCappedExceptForReadback) {
  Rig<> r({.cmdq_log2 = 3}, {}, small_queue(3));
  const std::uint64_t base = r.g.layout().cmdq;
  r.g.write64(kCmdqBase, base | 12);
  r.g.write32(kCmdqProd, 0);
  r.g.write32(kCmdqCons, 0);
  r.g.set_cr0(kCmdqEn);
  EXPECT_EQ(r.g.read64(kCmdqBase) & 0x1F, 12u);
  for (std::uint16_t a = 0; a < 8; ++a) r.g.post(tlbi_asid(a));  // the driver's ring is 2^3
  EXPECT_EQ(r.g.publish(), DeviceStatus::idle);
  EXPECT_EQ(r.g.cons(), 0x8u);
  for (std::uint16_t a = 8; a < 11; ++a) r.g.post(tlbi_asid(a));
  EXPECT_EQ(r.g.publish(), DeviceStatus::idle);
  EXPECT_EQ(r.g.cons(), 0x8u | 3);
  ASSERT_EQ(r.t.submitted.size(), 11u);
  EXPECT_EQ(r.t.submitted[8], physical_tlbi_asid(8, r.vmid()));
  for (const auto& [addr, len] : r.t.reads) {
    EXPECT_LT(addr + len, base + 8 * smmuv3::kCmdqEntryBytes + 1) << "read outside the 2^3-entry ring";
  }
}

// §6.3.9 CR0.CMDQEN: commands are consumed only while the queue is enabled.
TEST(DeviceCommandQueue, NothingIsConsumedWhileCmdqenIsZero) {
  Rig<> r({}, {}, small_queue(3));
  r.g.program_cmdq();
  r.g.post(tlbi_asid(1));
  r.g.post(tlbi_asid(2));
  r.g.post(tlbi_asid(3));
  const std::size_t reads_before = r.t.reads.size();
  EXPECT_EQ(r.g.publish(), DeviceStatus::idle);
  EXPECT_EQ(r.dev.poll(), DeviceStatus::idle);
  EXPECT_EQ(r.g.cons(), 0u);
  EXPECT_EQ(r.t.reads.size(), reads_before);
  EXPECT_TRUE(r.t.submitted.empty());
  EXPECT_FALSE(r.dev.commands_pending());
  // CMDQEN 0 -> 1 with commands waiting: they are processed by the CR0 write.
  EXPECT_EQ(r.g.set_cr0(kCmdqEn), DeviceStatus::idle);
  EXPECT_EQ(r.g.cons(), 3u);
  ASSERT_EQ(r.t.submitted.size(), 3u);
  EXPECT_EQ(r.t.submitted[2], physical_tlbi_asid(3, r.vmid()));
}

// §6.3.26: "The effective base address is aligned by the SMMU to the larger of the queue size
// in bytes or 32 bytes, ignoring the least-significant bits of ADDR as required." A queue of
// 2^3 commands is 128 bytes: ADDR[6:5] are ignored.
TEST(DeviceCommandQueue, QueueBaseIsAlignedToTheQueueSize) {
  Rig<> r({}, {}, small_queue(3));
  const std::uint64_t base = r.g.layout().cmdq;  // 128-byte aligned
  r.g.write64(kCmdqBase, (base + 0x40) | 3);
  r.g.write32(kCmdqProd, 0);
  r.g.write32(kCmdqCons, 0);
  r.g.set_cr0(kCmdqEn);
  r.t.poke(base, tlbi_asid(7));
  r.t.poke(base + 0x40, kIllegalOpcode);  // where a device that does not align would look
  r.g.write32(kCmdqProd, 1);
  EXPECT_EQ(r.g.cons(), 1u);
  EXPECT_EQ(r.g.active_gerrors(), 0u);
  ASSERT_EQ(r.t.submitted.size(), 1u);
  EXPECT_EQ(r.t.submitted[0], physical_tlbi_asid(7, r.vmid()));
}

// ----- The error path -------------------------------------------------------------------------

// §7.1: "Command consumption stops"; "Older commands ... have been consumed";
// "SMMU_(*_)CMDQ_CONS.RD remains pointing to the erroneous command"; "The SMMU_(*_)CMDQ_CONS.ERR
// field is updated"; "SMMU_(*_)GERROR.CMDQ_ERR is activated"; "Commands newer than the
// erroneous command have no effect"; "Commands at or after the CMDQ_CONS.RD position are fetched
// or re-fetched after command processing is restarted by acknowledging CMDQ_ERR". Linux's
// recovery (arm_smmu_cmdq_skip_err) overwrites an illegal command with a CMD_SYNC. The gerror
// interrupt is the wired one (GERROR_IRQ_CFG0 == 0, §3.18.2).
TEST(DeviceCommandQueue, IllegalCommandEndToEndWithWiredInterrupt) {
  Rig<> r({}, {}, small_queue(4));
  r.enable_cmdq();
  r.g.write32(kIrqCtrl, kGerrorIrqEn);
  r.g.post(tlbi_asid(1));
  r.g.post(tlbi_asid(2));
  r.g.post(kIllegalOpcode);
  r.g.post(tlbi_asid(4));
  r.g.post(tlbi_asid(5));
  EXPECT_EQ(r.g.publish(), DeviceStatus::idle);

  EXPECT_EQ(r.g.cons_rd(), 2u);
  EXPECT_EQ(r.g.cons_err(), CmdqError::cerror_ill);
  EXPECT_EQ(r.g.gerror(), kCmdqErr);
  EXPECT_EQ(r.g.gerrorn(), 0u);
  EXPECT_EQ(r.g.active_gerrors(), kCmdqErr);
  EXPECT_EQ(r.t.signals, (std::vector<GuestSignal>{GuestSignal::gerror_irq}));
  EXPECT_TRUE(r.t.msis.empty());
  ASSERT_EQ(r.t.submitted.size(), 2u);
  EXPECT_EQ(r.t.submitted[1], physical_tlbi_asid(2, r.vmid()));
  EXPECT_EQ(r.dev.counters().command_errors, 1u);
  EXPECT_FALSE(r.dev.commands_pending());

  // Halted: more commands, more PROD writes and polls consume nothing and raise nothing.
  r.g.post(tlbi_asid(6));
  const std::size_t reads_before = r.t.reads.size();
  EXPECT_EQ(r.g.publish(), DeviceStatus::idle);
  EXPECT_EQ(r.dev.poll(), DeviceStatus::idle);
  EXPECT_EQ(r.g.cons_rd(), 2u);
  EXPECT_EQ(r.g.gerror(), kCmdqErr);
  EXPECT_EQ(r.t.signals.size(), 1u);
  EXPECT_EQ(r.t.submitted.size(), 2u);
  EXPECT_EQ(r.t.reads.size(), reads_before);

  // The guest replaces the bad command with a CMD_SYNC and acknowledges: processing resumes at
  // CONS, the CMD_SYNC included.
  EXPECT_EQ(r.g.skip_cmdq_error(), DeviceStatus::idle);
  EXPECT_EQ(r.g.active_gerrors(), 0u);
  EXPECT_EQ(r.g.gerrorn(), kCmdqErr);
  // CONS.ERR is UNKNOWN once CMDQ_ERR is no longer active (§6.3.28): only RD is checked.
  EXPECT_EQ(r.g.cons_rd(), r.g.prod());
  EXPECT_EQ(r.g.cons_rd(), 6u);
  ASSERT_EQ(r.t.submitted.size(), 5u);
  EXPECT_EQ(r.t.submitted[2], physical_tlbi_asid(4, r.vmid()));
  EXPECT_EQ(r.t.submitted[4], physical_tlbi_asid(6, r.vmid()));
  EXPECT_EQ(r.t.physical_syncs, 1u);
  EXPECT_EQ(r.dev.counters().syncs, 1u);
  EXPECT_EQ(r.t.signals.size(), 1u);
}

// §4.1.5: a RES0 bit set in a command may be treated as malformed: this device always does
// (CERROR_ILL). Word 1 of CMD_TLBI_NH_ASID is entirely RES0.
TEST(DeviceCommandQueue, Res0BitIsCerrorIllAtThatCommand) {
  Rig<> r({}, {}, small_queue(3));
  r.enable_cmdq();
  Words<2> bad = tlbi_asid(2);
  bad[1] |= 1;
  r.g.post(tlbi_asid(1));
  r.g.post(bad);
  r.g.post(tlbi_asid(3));
  r.g.publish();
  EXPECT_EQ(r.g.cons_rd(), 1u);
  EXPECT_EQ(r.g.cons_err(), CmdqError::cerror_ill);
  EXPECT_EQ(r.g.active_gerrors(), kCmdqErr);
  EXPECT_EQ(r.t.submitted.size(), 1u);
  // IRQ_CTRL.GERROR_IRQEN == 0: the error is recorded, nothing is signalled.
  EXPECT_TRUE(r.t.signals.empty());
}

// §3.18 / §6.3.21: with SMMU_IDR0.MSI and GERROR_IRQ_CFG0.ADDR != 0 the gerror interrupt is an
// MSI of GERROR_IRQ_CFG1 to that address with GERROR_IRQ_CFG2.MemAttr.
TEST(DeviceCommandQueue, GerrorInterruptIsAnMsiWhenConfigured) {
  Rig<> r({}, {}, small_queue(3));
  r.enable_cmdq();
  const std::uint64_t doorbell = 0x0809'0040;  // the guest's ITS doorbell: not RAM
  r.g.write64(kGerrorIrqCfg0, doorbell);
  r.g.write32(kGerrorIrqCfg1, 0x2A);
  r.g.write32(kGerrorIrqCfg2, 0x1);  // MemAttr Device-nGnRE
  r.g.write32(kIrqCtrl, kGerrorIrqEn);
  r.g.issue({kIllegalOpcode});
  EXPECT_EQ(r.g.active_gerrors(), kCmdqErr);
  EXPECT_TRUE(r.t.signals.empty());
  EXPECT_EQ(r.t.msis, (std::vector<vsmmu_test::Msi>{{doorbell, 0x2A, 0x1}}));
}

// §6.3.21: without SMMU_IDR0.MSI the IRQ_CFG registers are RES0: the wired interrupt is used
// whatever the guest wrote.
TEST(DeviceCommandQueue, GerrorInterruptIsWiredWithoutIdr0Msi) {
  Rig<> r({.msi = false}, {}, small_queue(3));
  r.enable_cmdq();
  r.g.write64(kGerrorIrqCfg0, 0x0809'0040);
  EXPECT_EQ(r.g.read64(kGerrorIrqCfg0), 0u);
  r.g.write32(kIrqCtrl, kGerrorIrqEn);
  r.g.issue({kIllegalOpcode});
  EXPECT_EQ(r.t.signals, (std::vector<GuestSignal>{GuestSignal::gerror_irq}));
  EXPECT_TRUE(r.t.msis.empty());
}

// §7.5.1: "A GERROR interrupt is triggered when the SMMU activates an error, with the exception
// of ... MSI_GERROR_ABT_ERR": the gerror MSI itself aborted; recorded, nothing more is sent.
TEST(DeviceCommandQueue, GerrorMsiAbortIsMsiGerrorAbtErr) {
  Rig<> r({}, {}, small_queue(3));
  r.enable_cmdq();
  r.g.write64(kGerrorIrqCfg0, 0x0809'0040);
  r.g.write32(kIrqCtrl, kGerrorIrqEn);
  r.t.fail_msi = true;
  r.g.issue({kIllegalOpcode});
  const auto msi_gerror_abt = static_cast<std::uint32_t>(smmuv3::reg::gerror::MsiGerrorAbtErr::mask);
  EXPECT_EQ(r.g.gerror(), kCmdqErr | msi_gerror_abt);
  EXPECT_TRUE(r.t.msis.empty());
  EXPECT_TRUE(r.t.signals.empty());
}

// §7.5: "The SMMU does not toggle bit[x] if the error is already active. If one or more new
// errors occur while a previous error of the same type is active, the new error is not
// logged": a second occurrence while the first is unacknowledged toggles and signals nothing. Here: two CMD_SYNC MSIs
// aborted back to back (MSI_CMDQ_ABT_ERR), and further PROD writes while CMDQ_ERR is active.
TEST(DeviceCommandQueue, SecondErrorWhileActiveDoesNotToggleAgain) {
  Rig<> r({}, {}, small_queue(4));
  r.enable_cmdq();
  r.g.write32(kIrqCtrl, kGerrorIrqEn);
  const std::uint64_t outside = 0x1000;  // not guest RAM, and the hypervisor's MSI path refuses it
  r.t.fail_msi = true;
  r.g.issue({sync_cmd(smmuv3::SyncCs::sig_irq, outside, 1), sync_cmd(smmuv3::SyncCs::sig_irq, outside, 2)});
  EXPECT_EQ(r.g.cons(), 2u);
  EXPECT_EQ(r.g.gerror(), kMsiCmdqAbtErr);
  EXPECT_EQ(r.t.count(GuestSignal::gerror_irq), 1u);

  r.g.issue({kIllegalOpcode});
  EXPECT_EQ(r.g.gerror(), kMsiCmdqAbtErr | kCmdqErr);
  EXPECT_EQ(r.t.count(GuestSignal::gerror_irq), 2u);
  r.g.issue({tlbi_asid(1)});
  r.dev.poll();
  r.dev.poll();
  EXPECT_EQ(r.g.gerror(), kMsiCmdqAbtErr | kCmdqErr);
  EXPECT_EQ(r.t.count(GuestSignal::gerror_irq), 2u);
  EXPECT_EQ(r.dev.counters().command_errors, 1u);
}

// §7.1: acknowledging CMDQ_ERR without fixing the command makes the SMMU meet it again: a new
// error, so GERROR.CMDQ_ERR toggles again (back to 0, != GERRORN) and the interrupt fires again.
TEST(DeviceCommandQueue, AcknowledgingWithoutFixingRaisesTheErrorAgain) {
  Rig<> r({}, {}, small_queue(3));
  r.enable_cmdq();
  r.g.write32(kIrqCtrl, kGerrorIrqEn);
  r.g.issue({tlbi_asid(1), kIllegalOpcode});
  EXPECT_EQ(r.g.gerror(), kCmdqErr);
  r.g.ack_gerrors();
  EXPECT_EQ(r.g.gerror(), 0u);
  EXPECT_EQ(r.g.gerrorn(), kCmdqErr);
  EXPECT_EQ(r.g.active_gerrors(), kCmdqErr);
  EXPECT_EQ(r.g.cons_rd(), 1u);
  EXPECT_EQ(r.t.count(GuestSignal::gerror_irq), 2u);
  EXPECT_EQ(r.dev.counters().command_errors, 2u);
  EXPECT_EQ(r.t.submitted.size(), 1u);
}

// §7.1: "While the error is active, additional commands might be submitted and CMDQ_PROD might
// be moved backwards as far as the CMDQ_CONS position so that previously-submitted but
// non-consumed commands are removed from the queue."
TEST(DeviceCommandQueue, ProdMayMoveBackToConsWhileTheErrorIsActive) {
  Rig<> r({}, {}, small_queue(3));
  r.enable_cmdq();
  r.g.issue({tlbi_asid(1), tlbi_asid(2), kIllegalOpcode, tlbi_asid(4)});
  ASSERT_EQ(r.g.cons_rd(), 2u);
  ASSERT_EQ(r.g.active_gerrors(), kCmdqErr);
  r.g.set_prod(2);  // the bad command and the one after it are withdrawn
  EXPECT_EQ(r.g.publish(), DeviceStatus::idle);
  EXPECT_EQ(r.g.ack_gerrors(), DeviceStatus::idle);
  EXPECT_EQ(r.g.active_gerrors(), 0u);
  EXPECT_EQ(r.g.cons_rd(), 2u);
  EXPECT_EQ(r.t.submitted.size(), 2u);
  r.g.issue({tlbi_asid(5), tlbi_asid(6)});
  EXPECT_EQ(r.g.cons_rd(), 4u);
  ASSERT_EQ(r.t.submitted.size(), 4u);
  EXPECT_EQ(r.t.submitted[2], physical_tlbi_asid(5, r.vmid()));
}

// §7.1 CERROR_ABT: "an external abort was returned for a read of the command queue"; "The CONS
// index is not permitted to increment in the case where a command fetch experiences an external
// abort": CONS points at the command whose read aborted, also when it sits in the middle of a
// run the device reads at once (Device::kCommandChunk == 32). Linux retries CERROR_ABT as it is:
// acknowledging with the abort gone resumes at that command.
TEST(DeviceCommandQueue, CommandReadAbortIsCerrorAbtAtExactlyThatCommand) {
  for (const std::uint32_t bad : {0u, 5u, 31u, 33u, 39u}) {
    SCOPED_TRACE(bad);
    Rig<> r({}, {}, small_queue(6));
    r.enable_cmdq();
    const std::uint64_t addr = r.g.cmdq_entry(bad);
    r.t.read_aborts.push_back({addr + 8, addr + 8});  // one byte of the command
    for (std::uint16_t a = 0; a < 40; ++a) r.g.post(tlbi_asid(a));
    r.g.publish();
    EXPECT_EQ(r.g.cons_rd(), bad);
    EXPECT_EQ(r.g.cons_err(), CmdqError::cerror_abt);
    EXPECT_EQ(r.g.active_gerrors(), kCmdqErr);
    ASSERT_EQ(r.t.submitted.size(), bad);
    for (std::uint16_t a = 0; a < bad; ++a) EXPECT_EQ(r.t.submitted[a], physical_tlbi_asid(a, r.vmid()));

    r.t.read_aborts.clear();
    r.g.skip_cmdq_error();  // CERROR_ABT: nothing is overwritten
    EXPECT_EQ(r.g.active_gerrors(), 0u);
    EXPECT_EQ(r.g.cons_rd(), 40u);
    ASSERT_EQ(r.t.submitted.size(), 40u);
    for (std::uint16_t a = 0; a < 40; ++a) EXPECT_EQ(r.t.submitted[a], physical_tlbi_asid(a, r.vmid()));
  }
}

// ----- Work budget ----------------------------------------------------------------------------

// The commands the budget tests post: TLBIs, CFGI_ALL (1 + streams work units), CFGI_STE and
// CMD_SYNCs, in a fixed mix.
std::vector<Words<2>> budget_mix(std::size_t n) {
  std::vector<Words<2>> v;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 11 == 10) v.push_back(sync_cmd(smmuv3::SyncCs::sig_none));
    else if (i % 13 == 6) v.push_back(smmuv3::encode(smmuv3::CmdCfgiAll{}).words);
    else if (i % 7 == 3) v.push_back(cfgi_ste(i % 2 ? 8 : 0x10));
    else v.push_back(tlbi_asid(static_cast<std::uint16_t>(i)));
  }
  return v;
}

// Device: "a CMDQ_PROD write (or poll()) consumes at most DeviceOptions::work_budget work
// units ... then returns DeviceStatus::more_work"; poll() continues. The output is exactly that
// of an unbudgeted run.
TEST(DeviceCommandQueue, WorkBudgetBoundsEachCallAndPollResumes) {
  for (const std::size_t work_budget : {0u, 1u, 3u, 5u, 8u}) {
    SCOPED_TRACE(work_budget);
    const std::size_t budget = work_budget != 0 ? work_budget : 1;  // "0 counts as 1"

    const auto cmds = budget_mix(64);  // 2^6 commands
    Rig<> whole({}, {}, small_queue(7));
    whole.enable_cmdq();
    for (const auto& c : cmds) whole.g.post(c);
    ASSERT_EQ(whole.g.publish(), DeviceStatus::idle);
    ASSERT_EQ(whole.g.cons(), 64u);

    Rig<> r({}, {.work_budget = work_budget}, small_queue(7));
    r.enable_cmdq();
    for (const auto& c : cmds) r.g.post(c);
    DeviceStatus s = r.g.publish();
    EXPECT_EQ(s, DeviceStatus::more_work);
    std::uint32_t cons = r.g.cons_rd();
    EXPECT_GT(cons, 0u);
    EXPECT_LE(cons, budget + 0u) << "budget exceeded by the PROD write (CFGI_ALL costs 3 here)";
    std::size_t calls = 0;
    while (s == DeviceStatus::more_work && calls < 1000) {
      EXPECT_TRUE(r.dev.commands_pending());
      const std::size_t reads_before = r.t.reads.size();
      s = r.dev.poll();
      ++calls;
      std::size_t entries_read = 0;
      for (const auto& [index, count] : r.entry_reads(reads_before)) entries_read += static_cast<std::size_t>(count);
      EXPECT_LE(entries_read, budget) << "a call reads no more entries than its budget";
      const std::uint32_t now = r.g.cons_rd();
      EXPECT_GT(now, cons) << "no progress";
      // A call consumes at most `budget` commands (one CFGI_ALL may exceed the units, never
      // the count).
      EXPECT_LE(now - cons, budget);
      cons = now;
    }
    EXPECT_EQ(s, DeviceStatus::idle);
    EXPECT_EQ(r.g.cons(), 64u);
    EXPECT_EQ(r.t.submitted, whole.t.submitted);
    EXPECT_EQ(r.t.physical_syncs, whole.t.physical_syncs);
    EXPECT_EQ(r.t.installed, whole.t.installed);
    EXPECT_EQ(r.dev.counters().commands_consumed, 64u);
    EXPECT_FALSE(r.dev.commands_pending());
    // A call whose budget runs out inside the run it read leaves the rest of that run for the
    // next call, which reads it again (nothing outlives a call): an entry is read at most once
    // per call that could have consumed it, never more often than the budget allows.
    for (const auto& [index, count] : r.entry_reads()) EXPECT_LE(count, static_cast<int>(budget)) << "entry " << index;
  }
}

// §3.5.1 / SMMU_IDR1.CMDQS == 19: a 2^19-entry queue holding 2^19 - 1 commands (starting near
// the end of the ring, so it wraps), posted with one PROD write: every call does bounded work
// (at most work_budget commands and a bounded number of guest reads), and poll() completes it.
TEST(DeviceCommandQueue, HugeQueueCompletesWithBoundedPolls) {
  GuestLayout l{};
  l.cmdq = BigRamTraits::kRamBase;
  l.cmdq_log2 = 19;
  Rig<BigRamTraits> r({.cmdq_log2 = 19}, {}, l);
  ASSERT_EQ(r.dev.policy().idr.idr1.cmdqs, 19u);
  const std::uint32_t start = (1u << 19) - 100;
  r.g.write64(kCmdqBase, l.cmdq | 19);
  r.g.write32(kCmdqProd, start);
  r.g.write32(kCmdqCons, start);
  r.g.set_prod(start);
  r.g.set_cr0(kCmdqEn);
  constexpr std::uint32_t kCount = (1u << 19) - 1;
  std::size_t syncs = 0;
  for (std::uint32_t i = 0; i < kCount; ++i) {
    if (i % 1000 == 999) {
      r.g.post(sync_cmd(smmuv3::SyncCs::sig_none));
      ++syncs;
    } else {
      r.g.post(tlbi_asid(static_cast<std::uint16_t>(i & 0xFF)));
    }
  }
  const std::size_t budget = vsmmu::DeviceOptions{}.work_budget;
  const std::size_t max_reads = budget / vsmmu::Device<BigRamTraits>::kCommandChunk + 2;
  std::size_t reads_before = r.t.reads.size();
  DeviceStatus s = r.g.publish();
  EXPECT_EQ(s, DeviceStatus::more_work);
  EXPECT_LE(r.t.reads.size() - reads_before, max_reads);
  std::size_t calls = 0;
  std::uint64_t consumed = r.dev.counters().commands_consumed;
  while (s == DeviceStatus::more_work && calls < 10000) {
    reads_before = r.t.reads.size();
    s = r.dev.poll();
    ++calls;
    ASSERT_LE(r.t.reads.size() - reads_before, max_reads);
    ASSERT_LE(r.dev.counters().commands_consumed - consumed, budget);
    consumed = r.dev.counters().commands_consumed;
  }
  EXPECT_EQ(s, DeviceStatus::idle);
  EXPECT_GE(calls, kCount / budget - 1);
  EXPECT_EQ(r.g.cons(), r.g.prod());
  EXPECT_EQ(r.g.prod(), (start + kCount) & 0xFFFFF);
  EXPECT_EQ(r.dev.counters().commands_consumed, kCount);
  EXPECT_EQ(r.t.submitted.size(), kCount - syncs);
  EXPECT_EQ(r.t.physical_syncs, syncs);
}

// ----- CMD_CFGI_STE and CMD_SYNC ordering -----------------------------------------------------

// §4.3.1: after CMD_CFGI_STE the SMMU uses the new STE. The device re-reads the guest's STE,
// sanitizes and installs it BEFORE the physical CMD_CFGI_STE reaches the host (which then
// invalidates the physical STE it caches), and the CMD_SYNC's physical sync comes after both.
TEST(DeviceCommandQueue, CfgiSteInstallsTheGuestSteBeforeSubmittingTheCfgi) {
  using K = LoggingTraits::Kind;
  Rig<LoggingTraits> r;
  r.g.write_ste(8, GuestDriver<vsmmu::Device<LoggingTraits>, LoggingTraits>::s1_ste(R + 0x38'0000));
  ASSERT_TRUE(r.g.probe());
  const auto before = smmuv3::decode_ste(r.t.installed.at(0x1008));
  EXPECT_EQ(before.s1_context_ptr, R + 0x38'0000);

  r.g.write_ste(8, GuestDriver<vsmmu::Device<LoggingTraits>, LoggingTraits>::s1_ste(R + 0x38'1000));
  r.t.log.clear();
  r.g.issue({cfgi_ste(8), sync_cmd(smmuv3::SyncCs::sig_irq)});
  const std::vector<LoggingTraits::Entry> want = {
      {K::install, 0x1008},
      {K::submit, static_cast<std::uint64_t>(smmuv3::Opcode::cfgi_ste)},
      {K::sync, 0},
      {K::signal, static_cast<std::uint64_t>(GuestSignal::cmdq_sync_irq)},
  };
  EXPECT_EQ(r.t.log, want);
  const auto after = smmuv3::decode_ste(r.t.installed.at(0x1008));
  EXPECT_EQ(after.s1_context_ptr, R + 0x38'1000);
  EXPECT_EQ(after.s2_vmid, r.vmid());
  // The physical CFGI_STE names the pSID.
  EXPECT_EQ(r.t.submitted.back(), smmuv3::encode(smmuv3::CmdCfgiSte{false, 0x1008, false}).words);
}

// §4.7.3: "This command waits for completion of all prior commands ... Commands in the Command
// queue that are more recent than a CMD_SYNC do not begin processing until the CMD_SYNC
// completes": the physical sync follows the submission of the commands before it and precedes
// the guest's completion signal; commands after the CMD_SYNC are submitted after it.
TEST(DeviceCommandQueue, CmdSyncPhysicalSyncComesBeforeTheGuestCompletion) {
  using K = LoggingTraits::Kind;
  Rig<LoggingTraits> r({}, {}, small_queue(3));
  r.enable_cmdq();
  r.t.log.clear();
  r.g.issue({tlbi_asid(1), tlbi_asid(2), sync_cmd(smmuv3::SyncCs::sig_irq), tlbi_asid(3)});
  const auto asid = static_cast<std::uint64_t>(smmuv3::Opcode::tlbi_nh_asid);
  const std::vector<LoggingTraits::Entry> want = {
      {K::submit, asid}, {K::submit, asid}, {K::sync, 0},
      {K::signal, static_cast<std::uint64_t>(GuestSignal::cmdq_sync_irq)}, {K::submit, asid},
  };
  EXPECT_EQ(r.t.log, want);
  EXPECT_EQ(r.dev.counters().syncs, 1u);
}

// §4.7.3: CS == SIG_IRQ with SMMU_IDR0.MSI and MSIAddress != 0: a 32-bit write of MSIData to
// MSIAddress, after the sync; "on implementations that support wired interrupts, an event on a
// unique wired interrupt output is asserted on this signal, regardless of the value of
// MSIAddress". Linux points MSIAddress at the CMD_SYNC's own queue entry and polls it for the 0
// it writes.
TEST(DeviceCommandQueue, CmdSyncMsiWritesMsiDataToGuestRam) {
  using K = LoggingTraits::Kind;
  Rig<LoggingTraits> r({}, {}, small_queue(3));
  r.enable_cmdq();
  const std::uint64_t target = R + 0x38'0000;
  r.t.poke64(target, 0x1111'1111'1111'1111);
  r.t.log.clear();
  r.g.issue({tlbi_asid(1), sync_cmd(smmuv3::SyncCs::sig_irq, target, 0xDEAD'BEEF)});
  const std::vector<LoggingTraits::Entry> want = {
      {K::submit, static_cast<std::uint64_t>(smmuv3::Opcode::tlbi_nh_asid)},
      {K::sync, 0},
      {K::guest_write, target},
      {K::signal, static_cast<std::uint64_t>(GuestSignal::cmdq_sync_irq)}};
  EXPECT_EQ(r.t.log, want);
  ASSERT_FALSE(r.t.writes.empty());
  EXPECT_EQ(r.t.writes.back(), (std::pair<std::uint64_t, std::size_t>{target, 4}));
  EXPECT_EQ(r.t.peek64(target), 0x1111'1111'DEAD'BEEFull);
  EXPECT_TRUE(r.t.msis.empty());
  EXPECT_EQ(r.g.active_gerrors(), 0u);

  // Linux's CMD_SYNC: MSI of 0 to itself.
  const std::uint32_t at = r.g.prod();
  r.g.post_sync(true);
  EXPECT_NE(r.t.peek64(r.g.cmdq_entry(at)) & 0xFFFF'FFFF, 0u);
  r.g.publish();
  EXPECT_EQ(r.g.cons(), r.g.prod());
  EXPECT_EQ(r.t.peek64(r.g.cmdq_entry(at)) & 0xFFFF'FFFF, 0u);
}

// §4.7.3 Note: "The MSI write might be directed towards an interrupt controller to generate an
// interrupt, or towards a shared memory location": an MSIAddress outside guest RAM (the
// guest's ITS doorbell) goes to the hypervisor's MSI path, write_msi.
TEST(DeviceCommandQueue, CmdSyncMsiOutsideGuestRamGoesToWriteMsi) {
  Rig<> r({}, {}, small_queue(3));
  r.enable_cmdq();
  r.g.write32(kIrqCtrl, kGerrorIrqEn);
  smmuv3::CmdSync s{};
  s.cs = smmuv3::SyncCs::sig_irq;
  s.msi_address = 0x0809'0040;
  s.msi_data = 7;
  s.msi_attr = 0x1;
  r.g.issue({smmuv3::encode(s).words});
  EXPECT_EQ(r.g.cons(), 1u);
  EXPECT_EQ(r.t.msis, (std::vector<vsmmu_test::Msi>{{0x0809'0040, 7, 0x1}}));
  EXPECT_EQ(r.t.signals, (std::vector<GuestSignal>{GuestSignal::cmdq_sync_irq}));
  EXPECT_EQ(r.g.active_gerrors(), 0u);
}

// §4.7.3: the MSI writes of a CMD_SYNC are "either visible ... or aborted and reported" in
// SMMU_GERROR.MSI_CMDQ_ABT_ERR (§7.5); the CMD_SYNC itself completes (not a command error).
TEST(DeviceCommandQueue, CmdSyncMsiNobodyTakesIsMsiCmdqAbtErr) {
  Rig<> r({}, {}, small_queue(3));
  r.enable_cmdq();
  r.g.write32(kIrqCtrl, kGerrorIrqEn);
  r.t.fail_msi = true;
  r.g.issue({sync_cmd(smmuv3::SyncCs::sig_irq, 0x1000, 7), tlbi_asid(1)});
  EXPECT_EQ(r.g.cons(), 2u);
  EXPECT_EQ(r.g.cons_err(), CmdqError::cerror_none);
  EXPECT_EQ(r.g.gerror(), kMsiCmdqAbtErr);
  EXPECT_EQ(r.t.count(GuestSignal::gerror_irq), 1u);
  EXPECT_EQ(r.t.count(GuestSignal::cmdq_sync_irq), 1u);
  EXPECT_EQ(r.t.submitted.size(), 1u);
  EXPECT_EQ(r.dev.counters().command_errors, 0u);
  EXPECT_EQ(r.dev.counters().syncs, 1u);
}

// §4.7.3 CS: SIG_NONE signals nothing (MSI fields IGNORED); SIG_IRQ asserts the wired cmdq-sync
// interrupt whatever MSIAddress holds, and writes the MSI when SMMU_IDR0.MSI and MSIAddress != 0;
// SIG_SEV is SIG_NONE without SMMU_IDR0.SEV and an SEV with it.
TEST(DeviceCommandQueue, CmdSyncCompletionSignalFollowsCs) {
  struct Case {
    const char* name;
    vsmmu::GuestConfig cfg;
    Words<2> cmd;
    std::vector<GuestSignal> signals;
    std::size_t writes;
  };
  const std::uint64_t in_ram = R + 0x38'0000;
  const Case cases[] = {
      {"SIG_NONE", {}, sync_cmd(smmuv3::SyncCs::sig_none, in_ram, 1), {}, 0},
      {"SIG_IRQ, MSIAddress 0", {}, sync_cmd(smmuv3::SyncCs::sig_irq), {GuestSignal::cmdq_sync_irq}, 0},
      {"SIG_IRQ without IDR0.MSI", {.msi = false}, sync_cmd(smmuv3::SyncCs::sig_irq, in_ram, 1),
       {GuestSignal::cmdq_sync_irq}, 0},
      {"SIG_SEV without IDR0.SEV", {}, sync_cmd(smmuv3::SyncCs::sig_sev), {}, 0},
      {"SIG_SEV with IDR0.SEV", {.sev = true}, sync_cmd(smmuv3::SyncCs::sig_sev), {GuestSignal::sev}, 0},
      {"SIG_IRQ MSI", {}, sync_cmd(smmuv3::SyncCs::sig_irq, in_ram, 1), {GuestSignal::cmdq_sync_irq}, 1},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Rig<> r(c.cfg, {}, small_queue(3));
    r.enable_cmdq();
    const std::size_t writes_before = r.t.writes.size();
    r.g.issue({c.cmd});
    EXPECT_EQ(r.g.cons(), 1u);
    EXPECT_EQ(r.t.signals, c.signals);
    EXPECT_EQ(r.t.writes.size() - writes_before, c.writes);
    EXPECT_EQ(r.t.physical_syncs, 1u);
    EXPECT_EQ(r.g.active_gerrors(), 0u);
  }
}

// ----- Host failures --------------------------------------------------------------------------

// DeviceTraits: "submit_commands ... false: the device keeps the guest's CMDQ_CONS before them
// and retries on the next poll()".
TEST(DeviceCommandQueue, SubmitFailureIsHostErrorAndPollRetries) {
  Rig<> r({}, {}, small_queue(3));
  r.enable_cmdq();
  r.t.fail_submit = true;
  EXPECT_EQ(r.g.issue({tlbi_asid(1), tlbi_asid(2), sync_cmd(smmuv3::SyncCs::sig_irq)}), DeviceStatus::host_error);
  EXPECT_EQ(r.g.cons(), 0u);
  EXPECT_TRUE(r.t.submitted.empty());
  EXPECT_EQ(r.t.physical_syncs, 0u);
  EXPECT_TRUE(r.t.signals.empty());
  EXPECT_EQ(r.g.active_gerrors(), 0u) << "a host failure is not the guest's error";
  EXPECT_TRUE(r.dev.commands_pending());
  EXPECT_EQ(r.dev.poll(), DeviceStatus::host_error);
  EXPECT_EQ(r.g.cons(), 0u);

  r.t.fail_submit = false;
  EXPECT_EQ(r.dev.poll(), DeviceStatus::idle);
  EXPECT_EQ(r.g.cons(), 3u);
  EXPECT_EQ(r.t.submitted, (std::vector<Words<2>>{physical_tlbi_asid(1, r.vmid()), physical_tlbi_asid(2, r.vmid())}));
  EXPECT_EQ(r.t.signals, (std::vector<GuestSignal>{GuestSignal::cmdq_sync_irq}));
}

// A failure in the second batch of a call: the first batch stays consumed, CONS stops before
// the failed batch, and the retry submits each command exactly once.
TEST(DeviceCommandQueue, SubmitFailureMidwayKeepsConsBeforeTheFailedBatch) {
  Rig<LoggingTraits> r({}, {}, small_queue(4));
  r.enable_cmdq();
  r.t.fail_submit_call = r.t.submit_calls + 1;
  const auto sig = sync_cmd(smmuv3::SyncCs::sig_none);
  EXPECT_EQ(r.g.issue({tlbi_asid(1), tlbi_asid(2), tlbi_asid(3), sig, tlbi_asid(5), tlbi_asid(6), tlbi_asid(7), sig}),
            DeviceStatus::host_error);
  EXPECT_EQ(r.g.cons(), 4u);
  EXPECT_EQ(r.t.submitted.size(), 3u);
  EXPECT_EQ(r.t.physical_syncs, 1u);
  EXPECT_EQ(r.dev.poll(), DeviceStatus::idle);
  EXPECT_EQ(r.g.cons(), 8u);
  ASSERT_EQ(r.t.submitted.size(), 6u);
  EXPECT_EQ(r.t.submitted[3], physical_tlbi_asid(5, r.vmid()));
  EXPECT_EQ(r.t.physical_syncs, 2u);
  EXPECT_EQ(r.dev.counters().commands_consumed, 8u);
  EXPECT_EQ(r.dev.counters().commands_submitted, 6u);
}

// DeviceTraits: sync_commands false -> "CONS stays on [the CMD_SYNC], and the next poll() tries
// again"; the commands before it are not submitted twice and the guest is signalled once.
TEST(DeviceCommandQueue, SyncFailureKeepsConsOnTheCmdSync) {
  Rig<> r({}, {}, small_queue(3));
  r.enable_cmdq();
  r.t.fail_sync = true;
  EXPECT_EQ(r.g.issue({tlbi_asid(1), tlbi_asid(2), tlbi_asid(3), sync_cmd(smmuv3::SyncCs::sig_irq), tlbi_asid(5)}),
            DeviceStatus::host_error);
  EXPECT_EQ(r.g.cons(), 3u);
  EXPECT_EQ(r.t.submitted.size(), 3u);
  EXPECT_TRUE(r.t.signals.empty());
  EXPECT_EQ(r.dev.poll(), DeviceStatus::host_error);
  EXPECT_EQ(r.g.cons(), 3u);
  EXPECT_EQ(r.t.submitted.size(), 3u);
  EXPECT_EQ(r.dev.counters().syncs, 0u);

  r.t.fail_sync = false;
  EXPECT_EQ(r.dev.poll(), DeviceStatus::idle);
  EXPECT_EQ(r.g.cons(), 5u);
  EXPECT_EQ(r.t.submitted.size(), 4u);
  EXPECT_EQ(r.t.physical_syncs, 1u);
  EXPECT_EQ(r.t.signals, (std::vector<GuestSignal>{GuestSignal::cmdq_sync_irq}));
  EXPECT_EQ(r.dev.counters().syncs, 1u);
  EXPECT_EQ(r.dev.counters().commands_consumed, 5u);
}

// §3.5.1: PROD more than a lap ahead of CONS is an inconsistent state (CONSTRAINED
// UNPREDICTABLE); this device consumes nothing until PROD is consistent again.
TEST(DeviceCommandQueue, InconsistentProdConsumesNothing) {
  Rig<> r({}, {}, small_queue(3));
  r.enable_cmdq();
  for (std::uint16_t a = 0; a < 8; ++a) r.g.post(tlbi_asid(a));
  const std::size_t reads_before = r.t.reads.size();
  // CONS = 0 (wrap 0); PROD = index 2 with the wrap flag: 10 entries, more than 8.
  EXPECT_EQ(r.g.write32(kCmdqProd, 0x8 | 2), DeviceStatus::idle);
  EXPECT_EQ(r.dev.poll(), DeviceStatus::idle);
  EXPECT_EQ(r.g.cons(), 0u);
  EXPECT_EQ(r.t.reads.size(), reads_before);
  EXPECT_TRUE(r.t.submitted.empty());
  EXPECT_FALSE(r.dev.commands_pending());
  EXPECT_EQ(r.g.active_gerrors(), 0u);
  // A consistent PROD again: processed.
  EXPECT_EQ(r.g.write32(kCmdqProd, 0x8), DeviceStatus::idle);  // full queue
  EXPECT_EQ(r.g.cons(), 0x8u);
  EXPECT_EQ(r.t.submitted.size(), 8u);
}

// Device::counters(): what each counter counts.
TEST(DeviceCommandQueue, CountersCountWhatHappened) {
  Rig<> r;
  ASSERT_TRUE(r.g.probe());  // CFGI_ALL + SYNC, TLBI_NSNH_ALL + SYNC
  auto c = r.dev.counters();
  EXPECT_EQ(c.commands_consumed, 4u);
  EXPECT_EQ(c.commands_submitted, 3u);  // CFGI_STE x2 (two streams) + TLBI_NH_ALL
  EXPECT_EQ(c.syncs, 2u);
  EXPECT_EQ(c.command_errors, 0u);
  // Reset (2) + CFGI_ALL (2) + SMMUEN 0 -> 1 (2).
  EXPECT_EQ(c.ste_installs, 6u);
  EXPECT_EQ(c.ste_installs, r.t.installs);

  r.g.issue({smmuv3::encode(smmuv3::CmdPrefetchConfig{}).words, cfgi_ste(0x10), cfgi_ste(0x99), kIllegalOpcode});
  c = r.dev.counters();
  EXPECT_EQ(c.commands_consumed, 7u);   // the illegal command is not consumed
  EXPECT_EQ(c.commands_submitted, 4u);  // PREFETCH ignored, CFGI_STE of an unmapped vSID ignored
  EXPECT_EQ(c.command_errors, 1u);
  EXPECT_EQ(c.ste_installs, 7u);
  EXPECT_EQ(c.syncs, 2u);
}

// Device: OutCapacity < streams().size() is a host sizing bug: one CMD_CFGI_ALL expands to a
// CMD_CFGI_STE per stream and cannot fit; the device says so and consumes nothing.
TEST(DeviceCommandQueue, OutputBufferSmallerThanTheStreamsIsOutputTooSmall) {
  Rig<TestTraits, 1> r({}, {}, small_queue(3));
  r.enable_cmdq();
  EXPECT_EQ(r.g.issue({tlbi_asid(1), smmuv3::encode(smmuv3::CmdCfgiAll{}).words}), DeviceStatus::output_too_small);
  EXPECT_EQ(r.g.cons(), 1u);
  EXPECT_EQ(r.t.submitted.size(), 1u);
  EXPECT_EQ(r.dev.poll(), DeviceStatus::output_too_small);
  EXPECT_EQ(r.g.cons(), 1u);
  EXPECT_EQ(r.g.active_gerrors(), 0u);
}

}  // namespace
