// SPDX-License-Identifier: MIT
// Tests for the lifecycle of vsmmu/device.hpp: reset values, reset(), save()/restore() (round
// trip, resumption of pending commands on another host, and every reason to refuse a state),
// two devices side by side, streams_changed(), and a Device used in a constant expression.
//
// The guest is a small model of the Linux arm-smmu-v3 driver (arm_smmu_device_reset(), the
// 2-level Stream table, commands posted at CMDQ_PROD, CMD_SYNC completion by MSI into the queue
// as with ARM_SMMU_OPT_MSIPOLL).
#include "vsmmu/device.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <sstream>
#include <string>
#include <vector>

#include "smmuv3/smmuv3.hpp"
#include "support/device_policies.hpp"
#include "support/test_traits.hpp"

namespace {

using smmuv3::Words;
using vsmmu::DeviceState;
using vsmmu::DeviceStatus;
using vsmmu::RestoreError;
using vsmmu_test::TestTraits;
namespace reg = smmuv3::reg;
namespace off = smmuv3::reg::offset;
namespace ste = smmuv3::ste;
using Dev = vsmmu::Device<TestTraits>;
using Cmd = Words<2>;

constexpr std::uint64_t kRam = TestTraits::kRamBase;

// ---------------------------------------------------------------------------------------------
// Policies
// ---------------------------------------------------------------------------------------------

using vsmmu_test::Features;
using vsmmu_test::guest_policy;
using vsmmu_test::kDefault;
using vsmmu_test::kFull;
using vsmmu_test::kNoMsiLinear;

constexpr std::uint32_t kVsid = 8, kPsid = 0x1008;
constexpr std::uint32_t kVsid2 = 0x105, kPsid2 = 0x2105;

TestTraits traits_with(std::initializer_list<vsmmu::StreamMapping> streams) {
  TestTraits t;
  for (const vsmmu::StreamMapping& m : streams) EXPECT_EQ(t.map.add(m.vsid, m.psid), vsmmu::FixedStreamMap<16>::AddResult::added);
  return t;
}

// ---------------------------------------------------------------------------------------------
// A Linux-like guest driver
// ---------------------------------------------------------------------------------------------

/// Where the guest put its structures (in its RAM, TestTraits::ram).
struct Layout {
  std::uint64_t cmdq = kRam + 0x1'0000;
  std::uint64_t eventq = kRam + 0x2'0000;
  std::uint64_t strtab = kRam + 0x3'0000;  ///< L1 table (2-level, SPLIT 8) or the linear table
  std::uint64_t l2 = kRam + 0x4'0000;      ///< one 256-STE table per L1 index, 16 KiB apart
  std::uint64_t cd = kRam + 0x10'0000;
  std::uint64_t msi_doorbell = 0x0800'0040;  ///< the GIC ITS GITS_TRANSLATER
  unsigned cmdq_log2 = 8;
  unsigned eventq_log2 = 7;
};

/// arm_smmu_make_cdtable_ste(): a stage 1 STE with a one-CD linear table at `cd`.
Words<8> linux_s1_ste(std::uint64_t cd) {
  smmuv3::Ste s{};
  s.v = true;
  s.config = smmuv3::SteConfig::s1_trans;
  s.s1_context_ptr = cd;
  s.s1_cir = s.s1_cor = smmuv3::S1ContextCacheability::wb_read_allocate;
  s.s1_csh = smmuv3::SteShareability::inner_shareable;
  return smmuv3::encode(s).words;
}

template <class C>
Cmd cmd(const C& c) {
  return smmuv3::encode(c).words;
}

/// The guest driver of one vSMMU: programs it as arm_smmu_device_reset() does, keeps its
/// Stream table and posts commands at its shadow of CMDQ_PROD.
template <class D>
class LinuxGuest {
 public:
  LinuxGuest(TestTraits& t, D& d, bool two_level, Layout l = {}) : t_(t), d_(d), two_level_(two_level), l_(l) {}

  const Layout& layout() const { return l_; }
  std::uint32_t prod() const { return prod_; }

  /// Writes the STE of `vsid` (and, 2-level, the L1STD covering it: Span 9, 256 STEs).
  void write_ste(std::uint32_t vsid, const Words<8>& ste) {
    if (!two_level_) {
      t_.poke(l_.strtab + std::uint64_t{vsid} * 64, ste);
      return;
    }
    const std::uint64_t l2 = l_.l2 + std::uint64_t{vsid >> 8} * 0x4000;
    t_.poke64(l_.strtab + std::uint64_t{vsid >> 8} * 8, l2 | 9);
    t_.poke(l2 + std::uint64_t{vsid & 0xFF} * 64, ste);
  }

  std::uint32_t strtab_cfg() const { return two_level_ ? (1u << 16) | (8u << 6) | 16u : 6u; }

  // arm_smmu_device_reset(), in stages so that two guests can be interleaved.
  void reset_disable_and_tables() {
    d_.write(off::kCr0, 0, 4);
    d_.write(off::kCr1, 0xD75, 4);  // TABLE/QUEUE: ISH, WB, WB
    d_.write(off::kCr2, 0x6, 4);    // PTM | RECINVSID
    d_.write(off::kStrtabBase, (std::uint64_t{1} << 62) | l_.strtab, 8);
    d_.write(off::kStrtabBaseCfg, strtab_cfg(), 4);
  }
  void reset_cmdq() {
    d_.write(off::kCmdqBase, (std::uint64_t{1} << 62) | l_.cmdq | l_.cmdq_log2, 8);
    d_.write(off::kCmdqProd, prod_, 4);
    d_.write(off::kCmdqCons, prod_, 4);
    d_.write(off::kCr0, 0x8, 4);
    // CMD_CFGI_ALL, then CMD_TLBI_NSNH_ALL, each followed by a CMD_SYNC.
    smmuv3::CmdCfgiAll all{};
    issue_with_sync({cmd(all)});
    issue_with_sync({cmd(smmuv3::CmdTlbiNsnhAll{})});
  }
  void reset_eventq() {
    d_.write(off::kEventqBase, (std::uint64_t{1} << 62) | l_.eventq | l_.eventq_log2, 8);
    d_.write(off::kEventqProd, 0, 4);
    d_.write(off::kEventqCons, 0, 4);
    d_.write(off::kCr0, 0xC, 4);
  }
  void reset_irqs(bool msi) {
    d_.write(off::kIrqCtrl, 0, 4);
    if (msi) {
      d_.write(off::kGerrorIrqCfg0, l_.msi_doorbell, 8);
      d_.write(off::kGerrorIrqCfg1, 0x20, 4);
      d_.write(off::kGerrorIrqCfg2, 0x1, 4);
      d_.write(off::kEventqIrqCfg0, l_.msi_doorbell, 8);
      d_.write(off::kEventqIrqCfg1, 0x21, 4);
      d_.write(off::kEventqIrqCfg2, 0x1, 4);
    }
    d_.write(off::kIrqCtrl, 0x5, 4);  // EVENTQ_IRQEN | GERROR_IRQEN
  }
  void reset_enable() { d_.write(off::kCr0, 0xD, 4); }

  void probe(bool msi = true) {
    reset_disable_and_tables();
    reset_cmdq();
    reset_eventq();
    reset_irqs(msi);
    reset_enable();
  }

  /// CMD_SYNC as Linux builds it with ARM_SMMU_OPT_MSIPOLL: CS = SIG_IRQ, the MSI writes 0 over
  /// the CMD_SYNC's own queue entry (which the driver polls).
  Cmd sync_at(std::uint32_t prod) const {
    smmuv3::CmdSync s{};
    s.cs = smmuv3::SyncCs::sig_irq;
    s.msh = smmuv3::SyncMsh::inner_shareable;
    s.msi_attr = 0xF;  // Normal, Inner/Outer Write-Back
    s.msi_address = entry(prod);
    return cmd(s);
  }

  /// Writes `cmds` at PROD (a CMD_SYNC built by `sync_at` where `with_sync`), then one PROD
  /// write, as arm_smmu_cmdq_issue_cmdlist(); returns the device's status for that write.
  DeviceStatus post(std::initializer_list<Cmd> cmds, bool with_sync = false) {
    for (const Cmd& c : cmds) put(c);
    if (with_sync) put(sync_at(prod_));
    return d_.write(off::kCmdqProd, prod_, 4);
  }

  /// Posts and waits for the CMD_SYNC as the hypervisor would: poll() while more_work.
  DeviceStatus issue_with_sync(std::initializer_list<Cmd> cmds) {
    DeviceStatus s = post(cmds, true);
    for (int i = 0; i < 1000 && s == DeviceStatus::more_work; ++i) s = d_.poll();
    return s;
  }

  std::uint64_t entry(std::uint32_t p) const {
    return l_.cmdq + std::uint64_t{p & ((1u << l_.cmdq_log2) - 1)} * smmuv3::kCmdqEntryBytes;
  }

 private:
  void put(const Cmd& c) {
    t_.poke(entry(prod_), c);
    prod_ = (prod_ + 1) & ((2u << l_.cmdq_log2) - 1);  // index and wrap flag
  }

  TestTraits& t_;
  D& d_;
  bool two_level_;
  Layout l_;
  std::uint32_t prod_ = 0;
};

/// One guest's vSMMU, its test double and its driver.
struct Rig {
  TestTraits t;
  vsmmu::Policy policy;
  Dev d;
  LinuxGuest<Dev> g;
  explicit Rig(const Features& f = kDefault, const vsmmu::DeviceOptions& o = {},
               std::initializer_list<vsmmu::StreamMapping> streams = {{kVsid, kPsid}, {kVsid2, kPsid2}},
               const Layout& l = {})
      : t(traits_with(streams)), policy(guest_policy(f)), d(t, policy, o), g(t, d, f.two_level, l) {
    g.write_ste(kVsid, linux_s1_ste(l.cd));
    g.write_ste(kVsid2, linux_s1_ste(l.cd + 0x1000));
  }
  std::uint32_t r32(std::uint32_t offset) const { return static_cast<std::uint32_t>(d.read(offset, 4)); }
};

Words<8> stage2_only_ste(const TestTraits& t, const vsmmu::Policy& p) { return vsmmu_test::stage2_only_ste(t.stage2, p); }
using vsmmu_test::abort_ste;

/// Every field of DeviceState.
struct Field {
  const char* name;
  std::uint32_t DeviceState::*r32;
  std::uint64_t DeviceState::*r64;
  constexpr std::uint64_t get(const DeviceState& s) const { return r32 != nullptr ? s.*r32 : s.*r64; }
  constexpr void set(DeviceState& s, std::uint64_t v) const {
    if (r32 != nullptr)
      s.*r32 = static_cast<std::uint32_t>(v);
    else
      s.*r64 = v;
  }
  constexpr std::size_t bytes() const { return r32 != nullptr ? 4 : 8; }
};
#define F32(n) Field{#n, &DeviceState::n, nullptr}
#define F64(n) Field{#n, nullptr, &DeviceState::n}
constexpr Field kIdFields[] = {F32(version), F32(idr0), F32(idr1), F32(idr2), F32(idr3), F32(idr5), F32(aidr)};
constexpr Field kRegisterFields[] = {
    F32(cr0),           F32(cr1),           F32(cr2),           F32(gbpa),           F32(irq_ctrl),
    F32(gerror),        F32(gerrorn),       F64(gerror_irq_cfg0), F32(gerror_irq_cfg1), F32(gerror_irq_cfg2),
    F64(strtab_base),   F32(strtab_base_cfg), F32(reserved0),   F64(cmdq_base),      F32(cmdq_prod),
    F32(cmdq_cons),     F64(eventq_base),   F32(eventq_prod),   F32(eventq_cons),    F64(eventq_irq_cfg0),
    F32(eventq_irq_cfg1), F32(eventq_irq_cfg2), F64(priq_base), F32(priq_prod),      F32(priq_cons),
    F64(priq_irq_cfg0), F32(priq_irq_cfg1), F32(priq_irq_cfg2),
};
#undef F32
#undef F64
constexpr std::size_t table_bytes() {
  std::size_t n = 0;
  for (const Field& f : kIdFields) n += f.bytes();
  for (const Field& f : kRegisterFields) n += f.bytes();
  return n;
}
// DeviceState has no padding (device_state.hpp asserts it), so its size is the sum of its
// fields': if this fires, a field was added that the tables (and the RES0 list) do not cover.
static_assert(sizeof(DeviceState) == table_bytes(), "DeviceState changed: update kRegisterFields and never_set()");

std::string diff(const DeviceState& got, const DeviceState& want) {
  std::ostringstream o;
  o << std::hex;
  for (const Field* table : {&kIdFields[0], &kRegisterFields[0]}) {
    const std::size_t n = table == &kIdFields[0] ? std::size(kIdFields) : std::size(kRegisterFields);
    for (std::size_t i = 0; i < n; ++i)
      if (table[i].get(got) != table[i].get(want))
        o << table[i].name << ": got 0x" << table[i].get(got) << ", want 0x" << table[i].get(want) << "; ";
  }
  return o.str();
}

std::string dump(const std::vector<Cmd>& cmds) {
  std::ostringstream o;
  o << std::hex;
  for (const Cmd& c : cmds) o << "  0x" << c[0] << " 0x" << c[1] << "\n";
  return o.str();
}

/// A physical C_BAD_CD event on `psid` (forwarded to the guest as is, with the vSID).
Words<4> physical_c_bad_cd(std::uint32_t psid) {
  Words<4> w{};
  w[0] = smmuv3::event::Type::insert(0, 0x0A);
  w[0] = smmuv3::event::StreamId::insert(w[0], psid);
  return w;
}

/// Drives a Rig into a state with a bit of everything: probed, an event recorded, commands
/// consumed, a command error outstanding (CONS.ERR = CERROR_ILL, GERROR.CMDQ_ERR), GBPA changed.
void make_busy(Rig& r) {
  r.g.probe();
  r.d.write(off::kGbpa, 0x8010'2000, 4);
  EXPECT_EQ(r.d.report_event(physical_c_bad_cd(kPsid)).status, vsmmu::EventStatus::recorded);
  smmuv3::CmdTlbiNhAsid asid{};
  asid.asid = 3;
  r.g.issue_with_sync({cmd(asid)});
  r.g.post({Cmd{{0xFF, 0}}});  // an unknown opcode: CERROR_ILL
  EXPECT_EQ(r.r32(off::kCmdqCons) >> 24, 1u);
  EXPECT_EQ(r.r32(off::kGerror) & 1u, 1u);
}

// =============================================================================================
// Reset
// =============================================================================================

/// What every offset reads after reset: the ID registers, CIDR0-3, GBPA, and zero elsewhere.
void expect_reset_reads(const Rig& r, std::uint32_t gbpa) {
  const vsmmu::GuestIdrs& idr = r.policy.idr;
  for (std::uint32_t o = 0; o < 0x2'0000; o += 4) {
    std::uint64_t want = 0;
    switch (o) {
      case off::kIdr0: want = reg::encode(idr.idr0).words[0]; break;
      case off::kIdr1: want = reg::encode(idr.idr1).words[0]; break;
      case off::kIdr2: want = reg::encode(idr.idr2).words[0]; break;
      case off::kIdr3: want = reg::encode(idr.idr3).words[0]; break;
      case off::kIdr5: want = reg::encode(idr.idr5).words[0]; break;
      case off::kAidr: want = reg::encode(idr.aidr).words[0]; break;
      case off::kGbpa: want = gbpa; break;
      case off::kCidr0: want = 0x0D; break;
      case off::kCidr1: want = 0xF0; break;
      case off::kCidr2: want = 0x05; break;
      case off::kCidr3: want = 0xB1; break;
      default: break;
    }
    ASSERT_EQ(r.d.read(o, 4), want) << std::hex << "offset 0x" << o;
    if (o % 8 == 0) {
      ASSERT_EQ(r.d.read(o, 8), 0u) << std::hex << "offset 0x" << o;
    }
  }
}

// §6.3.9: CR0 resets to 0 (every enable off); §6.3.14: GBPA's fields are IMPLEMENTATION DEFINED
// at reset: SHCFG = "Use incoming" (0b01) and ABORT = 0 here, so a guest without a driver keeps
// DMA through stage 2. Every assigned stream is installed accordingly: stage 2 only.
TEST(DeviceLifecycle, ResetValues) {
  for (const Features& f : {kDefault, kNoMsiLinear, kFull}) {
    Rig r(f);
    EXPECT_EQ(r.r32(off::kCr0), 0u);
    EXPECT_EQ(r.r32(off::kCr0Ack), 0u);
    EXPECT_EQ(r.r32(off::kGbpa), 0x1000u);
    expect_reset_reads(r, 0x1000);
    DeviceState want{};
    want.idr0 = static_cast<std::uint32_t>(reg::encode(r.policy.idr.idr0).words[0]);
    want.idr1 = static_cast<std::uint32_t>(reg::encode(r.policy.idr.idr1).words[0]);
    want.idr2 = static_cast<std::uint32_t>(reg::encode(r.policy.idr.idr2).words[0]);
    want.idr3 = static_cast<std::uint32_t>(reg::encode(r.policy.idr.idr3).words[0]);
    want.idr5 = static_cast<std::uint32_t>(reg::encode(r.policy.idr.idr5).words[0]);
    want.aidr = static_cast<std::uint32_t>(reg::encode(r.policy.idr.aidr).words[0]);
    want.gbpa = 0x1000;
    EXPECT_TRUE(r.d.save() == want) << diff(r.d.save(), want);
    EXPECT_EQ(r.t.installs, 2u);
    EXPECT_EQ(r.t.installed[kPsid], stage2_only_ste(r.t, r.policy));
    EXPECT_EQ(r.t.installed[kPsid2], stage2_only_ste(r.t, r.policy));
    EXPECT_TRUE(r.t.submitted.empty());
    EXPECT_TRUE(r.t.signals.empty());
    EXPECT_TRUE(r.t.reads.empty()) << "nothing of the guest's is read before SMMUEN";
    EXPECT_EQ(r.d.counters().ste_installs, 2u);
  }
}

// DeviceOptions::gbpa_abort_at_reset: §6.3.14 "An implementation can reset this field to 1, in
// order to implement a default deny policy on reset."
TEST(DeviceLifecycle, ResetValuesWithGbpaAbortAtReset) {
  Rig r(kDefault, vsmmu::DeviceOptions{.gbpa_abort_at_reset = true});
  EXPECT_EQ(r.r32(off::kGbpa), 0x0010'1000u);
  expect_reset_reads(r, 0x0010'1000);
  EXPECT_EQ(r.t.installs, 2u);
  EXPECT_EQ(r.t.installed[kPsid], abort_ste());
  EXPECT_EQ(r.t.installed[kPsid2], abort_ste());
}

// reset() after the guest programmed everything: the registers are back at their reset values
// (a fresh device's), and every stream is installed again as GBPA at reset says.
TEST(DeviceLifecycle, ResetAfterProgrammingRestoresResetValuesAndReinstallsStreams) {
  for (const bool abort_at_reset : {false, true}) {
    Rig r(kDefault, vsmmu::DeviceOptions{.gbpa_abort_at_reset = abort_at_reset});
    const DeviceState fresh = r.d.save();
    make_busy(r);
    ASSERT_FALSE(r.d.save() == fresh);
    ASSERT_EQ(smmuv3::ste::Config::get(r.t.installed[kPsid]), 0b111u);
    const std::size_t installs = r.t.installs;
    const std::size_t submitted = r.t.submitted.size();
    r.d.reset();
    EXPECT_TRUE(r.d.save() == fresh) << diff(r.d.save(), fresh);
    expect_reset_reads(r, abort_at_reset ? 0x0010'1000 : 0x1000);
    EXPECT_EQ(r.t.installs, installs + 2);
    const Words<8> want = abort_at_reset ? abort_ste() : stage2_only_ste(r.t, r.policy);
    EXPECT_EQ(r.t.installed[kPsid], want);
    EXPECT_EQ(r.t.installed[kPsid2], want);
    EXPECT_EQ(r.t.submitted.size(), submitted);
    // The queue is disabled: a PROD write consumes nothing.
    r.d.write(off::kCmdqProd, 5, 4);
    EXPECT_EQ(r.r32(off::kCmdqCons), 0u);
  }
}

// =============================================================================================
// save() / restore()
// =============================================================================================

/// A second host: a fresh TestTraits holding the same guest RAM and stream assignments.
TestTraits migrated(const TestTraits& from) {
  TestTraits t;
  t.ram = from.ram;
  t.map = from.map;
  return t;
}

// save() -> restore() into a fresh device with the same policy: the same state, every offset
// of both pages reads the same, and every stream is installed as on the source.
TEST(DeviceLifecycle, SaveRestoreRoundTripIntoAFreshDevice) {
  for (const Features& f : {kDefault, kNoMsiLinear, kFull}) {
    Rig a(f);
    make_busy(a);
    const DeviceState s = a.d.save();
    ASSERT_EQ(s.eventq_prod, 1u);
    ASSERT_NE(s.gerror, 0u);

    TestTraits tb = migrated(a.t);
    Dev b(tb, a.policy);
    tb.installed.clear();
    const std::size_t installs = tb.installs;
    ASSERT_EQ(b.restore(s), RestoreError::none);
    EXPECT_TRUE(b.save() == s) << diff(b.save(), s);
    for (std::uint32_t o = 0; o < 0x2'0000; o += 4) {
      ASSERT_EQ(b.read(o, 4), a.d.read(o, 4)) << std::hex << "offset 0x" << o;
      if (o % 8 == 0) {
        ASSERT_EQ(b.read(o, 8), a.d.read(o, 8)) << std::hex << "offset 0x" << o;
      }
    }
    // restore() installs every assigned stream from the guest's tables, as the source had them.
    EXPECT_EQ(tb.installs, installs + 2);
    EXPECT_EQ(tb.installed[kPsid], a.t.installed[kPsid]);
    EXPECT_EQ(tb.installed[kPsid2], a.t.installed[kPsid2]);
    // ... and nothing else: no command, no signal, no guest write.
    EXPECT_TRUE(tb.submitted.empty());
    EXPECT_TRUE(tb.signals.empty());
    EXPECT_TRUE(tb.msis.empty());
    EXPECT_TRUE(tb.writes.empty());
    EXPECT_EQ(tb.ram, a.t.ram);
    // A second round trip is the identity too.
    TestTraits tc = migrated(tb);
    Dev c(tc, a.policy);
    ASSERT_EQ(c.restore(b.save()), RestoreError::none);
    EXPECT_TRUE(c.save() == s) << diff(c.save(), s);
  }
}

// A batch posted with CMDQEN on and a small work budget stops part-way (more_work); the state
// saved then, restored into a new Device on another host (fresh TestTraits, same guest RAM
// bytes), finishes on poll(): the physical commands of both hosts together are exactly those one
// device produces for the same guest, and the guest ends in the same state.
TEST(DeviceLifecycle, RestoreResumesPendingCommandsOnPoll) {
  const vsmmu::DeviceOptions small{.work_budget = 3};
  // The guest's batch: TLBIs, configuration invalidations (one of them a CFGI_ALL, 1 + 2 work
  // units), CMD_SYNCs with MSI completion, 19 commands in all.
  const auto post_batch = [](LinuxGuest<Dev>& g) {
    std::vector<Cmd> batch;
    for (std::uint16_t i = 1; i <= 4; ++i) {
      smmuv3::CmdTlbiNhAsid asid{};
      asid.vmid = 0x77;  // the guest's VMID is replaced by the policy's
      asid.asid = i;
      smmuv3::CmdTlbiNhVa va{};
      va.asid = i;
      va.address = 0x1000u * i;
      va.leaf = true;
      smmuv3::CmdCfgiSte cfgi{};
      cfgi.stream_id = i % 2 == 0 ? kVsid : kVsid2;
      cfgi.leaf = true;
      batch.push_back(cmd(asid));
      batch.push_back(cmd(va));
      batch.push_back(cmd(cfgi));
      if (i == 2) batch.push_back(cmd(smmuv3::CmdCfgiAll{}));
      batch.push_back(g.sync_at(g.prod() + static_cast<std::uint32_t>(batch.size())));
    }
    return batch;
  };
  const auto post_all = [](LinuxGuest<Dev>& g, TestTraits& t, const std::vector<Cmd>& batch) {
    std::uint32_t p = g.prod();
    for (const Cmd& c : batch) {
      t.poke(g.entry(p), c);
      ++p;
    }
    return p;
  };

  // The reference: one device with the default budget.
  Rig ref(kDefault);
  ref.g.probe();
  const std::size_t ref_before = ref.t.submitted.size();
  const std::vector<Cmd> ref_batch = post_batch(ref.g);
  ASSERT_EQ(ref_batch.size(), 17u);
  const std::uint32_t end = post_all(ref.g, ref.t, ref_batch);
  ASSERT_EQ(ref.d.write(off::kCmdqProd, end, 4), DeviceStatus::idle);
  ASSERT_EQ(ref.r32(off::kCmdqCons), end);
  const std::vector<Cmd> want(ref.t.submitted.begin() + static_cast<std::ptrdiff_t>(ref_before), ref.t.submitted.end());
  ASSERT_EQ(want.size(), 4u * 3 + 2);  // 12 forwarded + CFGI_ALL's 2 CFGI_STEs; syncs are not copied

  // The source host: small budget, one poll, then migration.
  Rig a(kDefault, small);
  a.g.probe();
  ASSERT_EQ(a.r32(off::kCmdqCons), a.g.prod()) << "the probe's commands all completed";
  const std::size_t a_before = a.t.submitted.size();
  const std::vector<Cmd> batch = post_batch(a.g);
  ASSERT_TRUE(batch == ref_batch);
  ASSERT_EQ(post_all(a.g, a.t, batch), end);
  EXPECT_EQ(a.d.write(off::kCmdqProd, end, 4), DeviceStatus::more_work);
  EXPECT_EQ(a.d.poll(), DeviceStatus::more_work);
  EXPECT_TRUE(a.d.commands_pending());
  const DeviceState s = a.d.save();
  const std::uint32_t cons_at_save = s.cmdq_cons;
  EXPECT_GT(cons_at_save & 0xFF, a.g.prod() & 0xFF) << "some commands were consumed on the source";
  EXPECT_LT(cons_at_save, end) << "and some remain";

  // The destination host.
  TestTraits tb = migrated(a.t);
  Dev b(tb, a.policy, small);
  ASSERT_EQ(b.restore(s), RestoreError::none);
  EXPECT_TRUE(b.commands_pending());
  EXPECT_TRUE(tb.submitted.empty()) << "restore() itself processes nothing";
  DeviceStatus st = DeviceStatus::more_work;
  int polls = 0;
  for (; polls < 100 && st == DeviceStatus::more_work; ++polls) st = b.poll();
  EXPECT_EQ(st, DeviceStatus::idle);
  EXPECT_GT(polls, 1);
  EXPECT_EQ(static_cast<std::uint32_t>(b.read(off::kCmdqCons, 4)), end);
  EXPECT_FALSE(b.commands_pending());

  std::vector<Cmd> got(a.t.submitted.begin() + static_cast<std::ptrdiff_t>(a_before), a.t.submitted.end());
  EXPECT_FALSE(got.empty());
  EXPECT_FALSE(tb.submitted.empty());
  got.insert(got.end(), tb.submitted.begin(), tb.submitted.end());
  EXPECT_TRUE(got == want) << got.size() << " physical commands, want " << want.size();
  for (const Cmd& c : got) {
    if (smmuv3::command_opcode(c) == smmuv3::Opcode::tlbi_nh_asid ||
        smmuv3::command_opcode(c) == smmuv3::Opcode::tlbi_nh_va) {
      EXPECT_EQ(smmuv3::cmd::Vmid::get(c), 0x42u);
    }
  }
  // The guest sees the same: same registers, same memory (the CMD_SYNC MSIs), and the same
  // number of CMD_SYNC completions on the physical side.
  EXPECT_TRUE(b.save() == ref.d.save()) << diff(b.save(), ref.d.save());
  EXPECT_EQ(tb.ram, ref.t.ram);
  EXPECT_EQ(a.d.counters().syncs + b.counters().syncs, ref.d.counters().syncs);
  EXPECT_EQ(a.t.physical_syncs + tb.physical_syncs, ref.t.physical_syncs);
}

// device_state.hpp: a state of another format version (kDeviceStateVersion) is refused.
TEST(DeviceLifecycle, RestoreRejectsAnUnknownVersion) {
  Rig r;
  make_busy(r);
  const DeviceState before = r.d.save();
  const std::size_t installs = r.t.installs;
  for (std::uint32_t v : {0u, vsmmu::kDeviceStateVersion + 1, 0xFFFF'FFFFu}) {
    DeviceState s = before;
    s.version = v;
    EXPECT_EQ(r.d.restore(s), RestoreError::bad_version) << v;
    EXPECT_TRUE(r.d.save() == before) << diff(r.d.save(), before);
  }
  EXPECT_EQ(r.t.installs, installs);
}

// A state saved for an SMMU with other ID registers (another policy, or any one ID register
// changed) would change the hardware under a running driver.
TEST(DeviceLifecycle, RestoreRejectsAnotherSmmusIdRegisters) {
  Rig r;
  make_busy(r);
  const DeviceState before = r.d.save();
  const std::size_t installs = r.t.installs;
  for (const Features& f : {kNoMsiLinear, kFull, Features{.vmid = 7}, Features{.btm = true}}) {
    Rig other(f);
    const DeviceState s = other.d.save();
    const bool same_idrs = s.idr0 == before.idr0 && s.idr1 == before.idr1 && s.idr2 == before.idr2 &&
                           s.idr3 == before.idr3 && s.idr5 == before.idr5 && s.aidr == before.aidr;
    EXPECT_EQ(r.d.restore(s), same_idrs ? RestoreError::none : RestoreError::idr_mismatch);
    if (same_idrs) {
      r.d.restore(before);  // the same SMMU, only another VMID (not guest-visible): accepted; undo
      continue;
    }
    EXPECT_TRUE(r.d.save() == before) << diff(r.d.save(), before);
  }
  EXPECT_EQ(r.t.installs, installs + 4) << "only the accepted restore and its undo installed (2 streams each)";
  const std::size_t installs2 = r.t.installs;
  for (const Field& field : kIdFields) {
    if (std::string(field.name) == "version") continue;
    for (unsigned bit : {0u, 5u, 13u, 31u}) {
      DeviceState s = before;
      field.set(s, field.get(s) ^ (std::uint64_t{1} << bit));
      EXPECT_EQ(r.d.restore(s), RestoreError::idr_mismatch) << field.name << " bit " << bit;
      EXPECT_TRUE(r.d.save() == before) << diff(r.d.save(), before);
    }
  }
  EXPECT_EQ(r.t.installs, installs2);
}

/// Bits each register field can never hold for a guest with features `f` (RES0, or a feature
/// the guest is not shown), from the field layouts of IHI 0070 G.b §6.3.
std::vector<unsigned> never_set(const std::string& name, const Features& f) {
  const bool msi = f.msi, pri = f.pri;
  const auto when = [](bool cond, std::vector<unsigned> bits) { return cond ? bits : std::vector<unsigned>{}; };
  const auto join = [](std::vector<unsigned> a, const std::vector<unsigned>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  // §6.3.21-§6.3.23: the IRQ_CFG registers are RES0 without MSI (any bit), else ADDR [55:2],
  // DATA [31:0], SH/MemAttr [5:0].
  const std::vector<unsigned> cfg0 = msi ? std::vector<unsigned>{0, 1, 56, 60, 63} : std::vector<unsigned>{0, 2, 40, 63};
  const std::vector<unsigned> cfg1 = msi ? std::vector<unsigned>{} : std::vector<unsigned>{0, 31};
  const std::vector<unsigned> cfg2 = msi ? std::vector<unsigned>{6, 31} : std::vector<unsigned>{0, 5};
  // §6.3.36 PRIQ_IRQ_CFG2: LO [31] as well; "present only when SMMU_IDR0.MSI == 1 and
  // SMMU_IDR0.PRI == 1. Otherwise, direct accesses ... are RES0."
  const std::vector<unsigned> priq_cfg2 = msi ? std::vector<unsigned>{6, 30} : std::vector<unsigned>{0, 31};
  const std::vector<unsigned> queue_base = {56, 61, 63};
  const std::vector<unsigned> pointer = {20, 23, 30};
  if (name == "cr0") return join({5, 6, 7, 8, 9, 10, 11, 31}, join(when(!pri, {1}), when(!f.ats, {4})));
  if (name == "cr1") return {12, 20, 31};
  if (name == "cr2") return join({0, 3, 4, 31}, when(!f.btm, {2}));  // REC_CFG_ATS: no ATSRECERR
  if (name == "gbpa") return {5, 6, 7, 14, 15, 21, 30, 31};           // Update is never saved as 1
  if (name == "reserved0") return {0, 31};
  if (name == "irq_ctrl") return join({3, 31}, when(!pri, {1}));
  if (name == "gerror" || name == "gerrorn")
    return join({1, 9, 10, 11, 31}, join(when(!pri, {3}), join(when(!msi, {4, 5, 7}), when(!(msi && pri), {6}))));
  if (name == "gerror_irq_cfg0" || name == "eventq_irq_cfg0") return cfg0;
  if (name == "gerror_irq_cfg1" || name == "eventq_irq_cfg1") return cfg1;
  if (name == "gerror_irq_cfg2" || name == "eventq_irq_cfg2") return cfg2;
  if (name == "strtab_base") return {0, 5, 56, 61, 63};
  if (name == "strtab_base_cfg") return join({11, 15, 18, 31}, when(!f.two_level, {6, 10, 16, 17}));
  if (name == "cmdq_base" || name == "eventq_base") return queue_base;
  if (name == "cmdq_prod") return {20, 24, 31};
  if (name == "cmdq_cons") return {20, 23, 31};  // ERR [30:24] is checked by bad_cmdq_error
  if (name == "eventq_prod" || name == "eventq_cons") return pointer;
  if (!pri) return {0, 31};  // priq_*: the PRI queue does not exist
  if (name == "priq_base") return queue_base;
  if (name == "priq_prod" || name == "priq_cons") return pointer;
  if (name == "priq_irq_cfg0") return cfg0;
  if (name == "priq_irq_cfg1") return cfg1;
  if (name == "priq_irq_cfg2") return priq_cfg2;
  ADD_FAILURE() << "no RES0 bits listed for " << name;
  return {};
}

// restore() refuses any register holding a bit the device could never hold: for every field of
// DeviceState, every listed RES0 / absent-feature bit, under three policies. A refused restore
// changes nothing and installs nothing.
TEST(DeviceLifecycle, RestoreRejectsRes0AndAbsentFeatureBitsInEveryRegister) {
  for (const Features& f : {kDefault, kNoMsiLinear, kFull, Features{.msi = false, .ats = true, .pri = true}}) {
    Rig r(f);
    make_busy(r);
    const DeviceState good = r.d.save();
    std::size_t installs = r.t.installs;
    int checked_fields = 0;
    for (const Field& field : kRegisterFields) {
      const std::vector<unsigned> bits = never_set(field.name, f);
      checked_fields += !bits.empty();
      for (unsigned bit : bits) {
        if (field.r32 != nullptr && bit >= 32) continue;
        DeviceState s = good;
        field.set(s, field.get(s) | (std::uint64_t{1} << bit));
        ASSERT_NE(field.get(s), field.get(good)) << field.name << " bit " << bit << " is already set in a good state";
        const RestoreError e = r.d.restore(s);
        EXPECT_EQ(e, RestoreError::bad_register) << field.name << " bit " << bit;
        if (e == RestoreError::none) {  // wrongly accepted: back to the good state, go on
          r.d.restore(good);
          installs = r.t.installs;
        }
        EXPECT_TRUE(r.d.save() == good) << diff(r.d.save(), good);
      }
    }
    // Only the IRQ_CFG1 DATA registers of an MSI guest have no bit that can be wrong.
    EXPECT_EQ(checked_fields, static_cast<int>(std::size(kRegisterFields)) - (f.msi ? 2 + f.pri : 0));
    EXPECT_EQ(r.t.installs, installs);
    EXPECT_TRUE(r.t.submitted.size() > 0);
    // The good state itself is accepted.
    EXPECT_EQ(r.d.restore(good), RestoreError::none);
  }
}

// §6.3.28 ERR / §7.1: this device only ever reports CERROR_ILL (1) and CERROR_ABT (2); a state
// with any other non-zero code (3..127) is refused, and leaves the device as it was.
TEST(DeviceLifecycle, RestoreRejectsCmdqConsErrorCodesItNeverReports) {
  Rig r;
  make_busy(r);
  const DeviceState good = r.d.save();
  const std::size_t installs = r.t.installs;
  for (std::uint32_t err = 3; err <= 127; ++err) {
    DeviceState s = good;
    s.cmdq_cons = (s.cmdq_cons & ~0x7F00'0000u) | (err << 24);
    EXPECT_EQ(r.d.restore(s), RestoreError::bad_cmdq_error) << err;
    EXPECT_TRUE(r.d.save() == good) << diff(r.d.save(), good);
  }
  EXPECT_EQ(r.t.installs, installs);
  for (std::uint32_t err : {0u, 1u, 2u}) {
    DeviceState s = good;
    s.cmdq_cons = (s.cmdq_cons & ~0x7F00'0000u) | (err << 24);
    EXPECT_EQ(r.d.restore(s), RestoreError::none) << err;
    EXPECT_EQ(r.r32(off::kCmdqCons) >> 24, err);
  }
}

// =============================================================================================
// Two instances, streams_changed()
// =============================================================================================

// Two guests' vSMMUs in one hypervisor, driven in interleaved steps: each one's registers,
// commands and installs stay its own, and every physical TLBI carries its own VMID.
TEST(DeviceLifecycle, TwoDevicesSideBySideNeverMix) {
  Layout l2{};
  l2.cmdq = kRam + 0x8'0000;
  l2.eventq = kRam + 0x9'0000;
  l2.strtab = kRam + 0xA'0000;
  l2.l2 = kRam + 0xB'0000;
  l2.cd = kRam + 0x20'0000;
  l2.cmdq_log2 = 6;
  l2.eventq_log2 = 5;
  Rig one(Features{.vmid = 1}, {}, {{8, 0x108}, {0x105, 0x1105}});
  Rig two(Features{.two_level = false, .vmid = 2}, {}, {{8, 0x208}, {3, 0x203}}, l2);
  two.g.write_ste(3, linux_s1_ste(l2.cd + 0x3000));

  one.g.reset_disable_and_tables();
  two.g.reset_disable_and_tables();
  two.g.reset_cmdq();
  one.g.reset_cmdq();
  one.g.reset_eventq();
  two.g.reset_eventq();
  two.g.reset_irqs(true);
  one.g.reset_irqs(true);
  one.g.reset_enable();
  two.g.reset_enable();
  const std::size_t one_before = one.t.submitted.size(), two_before = two.t.submitted.size();

  const auto asid = [](std::uint16_t vmid, std::uint16_t a) {
    smmuv3::CmdTlbiNhAsid c{};
    c.vmid = vmid;  // what the guest writes; replaced
    c.asid = a;
    return cmd(c);
  };
  const auto cfgi = [](std::uint32_t sid) {
    smmuv3::CmdCfgiSte c{};
    c.stream_id = sid;
    c.leaf = true;
    return cmd(c);
  };
  EXPECT_EQ(one.g.post({asid(2, 11)}), DeviceStatus::idle);  // guest 1 names guest 2's VMID
  EXPECT_EQ(two.g.post({asid(1, 22)}), DeviceStatus::idle);
  EXPECT_EQ(one.g.issue_with_sync({cfgi(8), cmd(smmuv3::CmdTlbiNhAll{})}), DeviceStatus::idle);
  EXPECT_EQ(two.g.issue_with_sync({cfgi(3), cmd(smmuv3::CmdTlbiNsnhAll{})}), DeviceStatus::idle);
  EXPECT_EQ(two.g.issue_with_sync({cmd(smmuv3::CmdCfgiAll{})}), DeviceStatus::idle);
  EXPECT_EQ(one.g.issue_with_sync({cmd(smmuv3::CmdCfgiAll{})}), DeviceStatus::idle);
  EXPECT_EQ(two.g.issue_with_sync({}), DeviceStatus::idle);  // a lone CMD_SYNC

  const auto nh_all = [](std::uint16_t vmid) {
    smmuv3::CmdTlbiNhAll c{};
    c.vmid = vmid;
    return cmd(c);
  };
  const auto pcfgi = [](std::uint32_t psid) {
    smmuv3::CmdCfgiSte c{};
    c.stream_id = psid;
    return cmd(c);
  };
  // CFGI_STE goes out with Leaf = 0 whatever the guest's (sanitize_command: the guest's L1STD is
  // not the host's); CFGI_ALL as one CFGI_STE per assigned stream; TLBI_NSNH_ALL as TLBI_NH_ALL.
  const std::vector<Cmd> want_one = {asid(1, 11), pcfgi(0x108), nh_all(1), pcfgi(0x108), pcfgi(0x1105)};
  const std::vector<Cmd> want_two = {asid(2, 22), pcfgi(0x203), nh_all(2), pcfgi(0x203), pcfgi(0x208)};
  const std::vector<Cmd> got_one(one.t.submitted.begin() + static_cast<std::ptrdiff_t>(one_before), one.t.submitted.end());
  const std::vector<Cmd> got_two(two.t.submitted.begin() + static_cast<std::ptrdiff_t>(two_before), two.t.submitted.end());
  EXPECT_TRUE(got_one == want_one) << dump(got_one) << "want\n" << dump(want_one);
  EXPECT_TRUE(got_two == want_two) << dump(got_two) << "want\n" << dump(want_two);
  // Including the probes: every TLBI carries its device's VMID, every CFGI one of its pSIDs.
  for (const auto& [t, vmid, psids] : {std::tuple{&one.t, 1u, std::vector<std::uint32_t>{0x108, 0x1105}},
                                       std::tuple{&two.t, 2u, std::vector<std::uint32_t>{0x203, 0x208}}}) {
    for (const Cmd& c : t->submitted) {
      const smmuv3::Opcode op = smmuv3::command_opcode(c);
      if (op == smmuv3::Opcode::tlbi_nh_all || op == smmuv3::Opcode::tlbi_nh_asid) {
        EXPECT_EQ(smmuv3::cmd::Vmid::get(c), vmid);
      } else {
        ASSERT_EQ(op, smmuv3::Opcode::cfgi_ste);
        const auto sid = static_cast<std::uint32_t>(smmuv3::cmd::StreamId::get(c));
        EXPECT_TRUE(sid == psids[0] || sid == psids[1]) << std::hex << sid;
      }
    }
    for (const auto& [psid, ste_words] : t->installed) {
      EXPECT_TRUE(psid == psids[0] || psid == psids[1]) << std::hex << psid;
      EXPECT_EQ(ste::S2Vmid::get(ste_words), vmid);
      EXPECT_EQ(ste::Config::get(ste_words), 0b111u);
    }
  }
  // Each device's registers are what its own guest wrote.
  EXPECT_EQ(one.d.read(off::kCmdqBase, 8), (std::uint64_t{1} << 62) | (kRam + 0x1'0000) | 8);
  EXPECT_EQ(two.d.read(off::kCmdqBase, 8), (std::uint64_t{1} << 62) | (kRam + 0x8'0000) | 6);
  EXPECT_EQ(one.r32(off::kStrtabBaseCfg), one.g.strtab_cfg());
  EXPECT_EQ(two.r32(off::kStrtabBaseCfg), 6u);
  EXPECT_EQ(one.r32(off::kCmdqCons), one.g.prod());
  EXPECT_EQ(two.r32(off::kCmdqCons), two.g.prod());
  EXPECT_NE(one.g.prod(), two.g.prod());
  EXPECT_EQ(one.r32(off::kIdr0) & 0x1800'0000u, 0x0800'0000u);  // ST_LEVEL 2-level
  EXPECT_EQ(two.r32(off::kIdr0) & 0x1800'0000u, 0u);            // linear only
  // Each one's CMD_SYNC MSIs went to its own memory only.
  for (const auto& [ipa, bytes] : one.t.writes) EXPECT_TRUE(ipa >= kRam + 0x1'0000 && ipa < kRam + 0x2'0000);
  for (const auto& [ipa, bytes] : two.t.writes) EXPECT_TRUE(ipa >= kRam + 0x8'0000 && ipa < kRam + 0x9'0000);
  EXPECT_EQ(one.d.counters().syncs, 4u);
  EXPECT_EQ(two.d.counters().syncs, 5u);
  // An error on one stops only that one.
  one.g.post({Cmd{{0xFF, 0}}});
  EXPECT_EQ(one.r32(off::kGerror), 1u);
  EXPECT_EQ(two.r32(off::kGerror), 0u);
  EXPECT_EQ(two.g.issue_with_sync({asid(0, 5)}), DeviceStatus::idle);
  EXPECT_EQ(two.r32(off::kCmdqCons), two.g.prod());
}

// streams_changed(): the host assigned another device to the running guest; its stream is
// installed from the guest's Stream table straight away (and every other stream again).
TEST(DeviceLifecycle, StreamsChangedInstallsTheNewStream) {
  Rig r(kDefault, {}, {{kVsid, kPsid}});
  r.g.probe();
  ASSERT_EQ(r.t.installed.count(kPsid2), 0u);
  const std::size_t installs = r.t.installs;
  ASSERT_EQ(r.t.map.add(kVsid2, kPsid2), vsmmu::FixedStreamMap<16>::AddResult::added);
  r.d.streams_changed();
  EXPECT_EQ(r.t.installs, installs + 2);
  ASSERT_EQ(r.t.installed.count(kPsid2), 1u);
  const Words<8>& w = r.t.installed[kPsid2];
  EXPECT_EQ(ste::Config::get(w), 0b111u);
  EXPECT_EQ(ste::S2Vmid::get(w), 0x42u);
  EXPECT_EQ(ste::S1ContextPtr::get(w), Layout{}.cd + 0x1000);
  EXPECT_TRUE(r.t.submitted.size() > 0);
  // Its commands now reach the host with its pSID.
  const std::size_t before = r.t.submitted.size();
  smmuv3::CmdCfgiSte c{};
  c.stream_id = kVsid2;
  r.g.issue_with_sync({cmd(c)});
  ASSERT_EQ(r.t.submitted.size(), before + 1);
  EXPECT_EQ(smmuv3::cmd::StreamId::get(r.t.submitted.back()), kPsid2);
  // While SMMUEN == 0, a new stream follows GBPA.
  Rig off(kDefault, {}, {{kVsid, kPsid}});
  off.t.map.add(kVsid2, kPsid2);
  off.d.streams_changed();
  EXPECT_EQ(off.t.installed[kPsid2], stage2_only_ste(off.t, off.policy));
}

// =============================================================================================
// constexpr
// =============================================================================================

/// DeviceTraits with no std containers: a 4 KiB guest RAM array at 0x1000, counters.
struct CxTraits {
  static constexpr std::uint64_t kBase = 0x1000;
  static constexpr std::size_t kBytes = 0x1000;
  unsigned char ram[kBytes]{};
  vsmmu::FixedStreamMap<2> map{};
  std::size_t installs = 0, submitted = 0, syncs = 0, signals = 0, guest_writes = 0;
  Words<8> last_ste{};

  constexpr bool in_ram(std::uint64_t ipa, std::size_t n) const {
    return ipa >= kBase && n <= kBytes && ipa - kBase <= kBytes - n;
  }
  constexpr bool read_guest(std::uint64_t ipa, unsigned char* dst, std::size_t n) noexcept {
    if (!in_ram(ipa, n)) return false;
    for (std::size_t i = 0; i < n; ++i) dst[i] = ram[ipa - kBase + i];
    return true;
  }
  constexpr bool write_guest(std::uint64_t ipa, const unsigned char* src, std::size_t n) noexcept {
    if (!in_ram(ipa, n)) return false;
    for (std::size_t i = 0; i < n; ++i) ram[ipa - kBase + i] = src[i];
    ++guest_writes;
    return true;
  }
  constexpr const vsmmu::FixedStreamMap<2>& streams() const noexcept { return map; }
  constexpr smmuv3::Ste stage2_template(std::uint32_t) const noexcept {
    smmuv3::Ste s{};
    s.v = true;
    s.config = smmuv3::SteConfig::s2_trans;
    s.s2_t0sz = 64 - 40;
    s.s2_sl0 = 1;
    s.s2_tg = smmuv3::S2Tg::granule_4k;
    s.s2_ps = smmuv3::S2Ps::pa_44;
    s.s2_aa64 = true;
    s.s2_r = true;
    s.s2_ttb = 0x8'0000'0000;
    return s;
  }
  constexpr void install_ste(std::uint32_t, const Words<8>& ste) noexcept {
    ++installs;
    last_ste = ste;
  }
  constexpr bool submit_commands(const Words<2>*, std::size_t n) noexcept {
    submitted += n;
    return true;
  }
  constexpr bool sync_commands() noexcept {
    ++syncs;
    return true;
  }
  constexpr void signal(vsmmu::GuestSignal) noexcept { ++signals; }
  constexpr bool write_msi(std::uint64_t, std::uint32_t, std::uint8_t) noexcept { return true; }
};
static_assert(vsmmu::DeviceTraits<CxTraits>);

constexpr vsmmu::Policy kCxPolicy = vsmmu::make_policy(vsmmu_test::full_host_idrs(), vsmmu_test::guest_config(kDefault)).policy;

/// Construct, program (Stream table, Command queue), feed a CMD_SYNC (and a TLBI before it),
/// and report CMDQ_CONS.
constexpr std::uint32_t constexpr_device_run() {
  CxTraits t{};
  t.map.add(3, 0x33);
  vsmmu::Device<CxTraits, 4> d(t, kCxPolicy);
  // A linear Stream table of 4 STEs at 0x1400 (FMT linear is allowed on a 2-level SMMU).
  d.write(off::kStrtabBase, CxTraits::kBase + 0x400, 8);
  d.write(off::kStrtabBaseCfg, 2, 4);
  // A 4-entry Command queue at 0x1000.
  d.write(off::kCmdqBase, CxTraits::kBase | 2, 8);
  d.write(off::kCr0, 0x8, 4);
  smmuv3::CmdTlbiNhAsid asid{};
  asid.asid = 1;
  smmuv3::store_le(smmuv3::encode(asid).words, &t.ram[0]);
  smmuv3::store_le(smmuv3::encode(smmuv3::CmdSync{}).words, &t.ram[16]);
  if (d.write(off::kCmdqProd, 2, 4) != DeviceStatus::idle) return 0xDEAD;
  if (t.syncs != 1 || t.submitted != 1 || t.installs != 1) return 0xBAD;
  // The reset install: stage 2 only (Config 0b110) with the guest's VMID.
  if (ste::Config::get(t.last_ste) != 0b110 || ste::S2Vmid::get(t.last_ste) != 0x42) return 0xBAD5;
  return static_cast<std::uint32_t>(d.read(off::kCmdqCons, 4));
}

static_assert(constexpr_device_run() == 2, "a Device runs in a constant expression and consumes the CMD_SYNC");

TEST(DeviceLifecycle, ConstexprDeviceConsumesACmdSync) {
  // The same at run time (the static_assert above is the test; this keeps it visible in the
  // suite and under the sanitizers).
  EXPECT_EQ(constexpr_device_run(), 2u);
}

}  // namespace
