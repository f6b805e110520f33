// SPDX-License-Identifier: MIT
// Tests for the register file of vsmmu/device.hpp: the access semantics of every register of
// Pages 0 and 1 (IHI 0070 G.b §6.2, §6.3) as the guest sees them, one test per rule, then a
// sweep of every 4-byte (and 8-byte) aligned offset that writes all-ones and checks that exactly
// the expected registers change, to the expected values, with no side effect other than the
// documented ones (installs on SMMUEN / GBPA changes).
//
// Expected values are written out by hand from the spec's field layouts (not derived from the
// device's masks), so a wrong mask in the device fails here.
#include "vsmmu/device.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
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
using vsmmu_test::TestTraits;
namespace reg = smmuv3::reg;
namespace off = smmuv3::reg::offset;
using Dev = vsmmu::Device<TestTraits>;

constexpr std::uint64_t kRam = TestTraits::kRamBase;
constexpr std::uint32_t kAllOnes = 0xFFFF'FFFF;

// ---------------------------------------------------------------------------------------------
// Policies: one host SMMU with every feature a guest can be given (ATS, PRI, BTM), and guests
// that are shown a subset of it.
// ---------------------------------------------------------------------------------------------

using vsmmu_test::Features;
using vsmmu_test::guest_policy;
using vsmmu_test::kDefault;
using vsmmu_test::kFull;
using vsmmu_test::kNoMsiLinear;

// Two assigned streams: vSID 8 (in the first L2 table) and vSID 0x105 (in the second).
constexpr std::uint32_t kVsid = 8, kPsid = 0x1008;
constexpr std::uint32_t kVsid2 = 0x105, kPsid2 = 0x2105;

TestTraits traits_with_streams(bool two = false) {
  TestTraits t;
  t.map.add(kVsid, kPsid);
  if (two) t.map.add(kVsid2, kPsid2);
  return t;
}

/// One guest's vSMMU with its test double.
struct Rig {
  TestTraits t;
  vsmmu::Policy policy;
  Dev d;
  explicit Rig(const Features& f = kDefault, bool two_streams = false, const vsmmu::DeviceOptions& o = {})
      : t(traits_with_streams(two_streams)), policy(guest_policy(f)), d(t, policy, o) {}

  std::uint32_t r32(std::uint32_t offset) const { return static_cast<std::uint32_t>(d.read(offset, 4)); }
  std::uint64_t r64(std::uint32_t offset) const { return d.read(offset, 8); }
  DeviceStatus w32(std::uint32_t offset, std::uint32_t v) { return d.write(offset, v, 4); }
  DeviceStatus w64(std::uint32_t offset, std::uint64_t v) { return d.write(offset, v, 8); }
};

// ---------------------------------------------------------------------------------------------
// A Linux-like guest (drivers/iommu/arm/arm-smmu-v3): its memory layout, Stream table and the
// register programming of arm_smmu_device_reset().
// ---------------------------------------------------------------------------------------------

constexpr std::uint64_t kCmdq = kRam + 0x1'0000;
constexpr std::uint64_t kEventq = kRam + 0x2'0000;
constexpr std::uint64_t kStrtab = kRam + 0x3'0000;  // L1 table (2-level) or the linear table
constexpr std::uint64_t kL2 = kRam + 0x4'0000;      // one 256-STE L2 table per L1 index, 16 KiB each
constexpr std::uint64_t kCd = kRam + 0x10'0000;
constexpr std::uint64_t kMsiDoorbell = 0x0800'0040;  // a GIC ITS GITS_TRANSLATER

/// arm_smmu_make_cdtable_ste(): a stage 1 STE with a one-CD linear table.
Words<8> linux_s1_ste() {
  smmuv3::Ste s{};
  s.v = true;
  s.config = smmuv3::SteConfig::s1_trans;
  s.s1_context_ptr = kCd;
  s.s1_cir = s.s1_cor = smmuv3::S1ContextCacheability::wb_read_allocate;
  s.s1_csh = smmuv3::SteShareability::inner_shareable;
  return smmuv3::encode(s).words;
}

/// STRTAB_BASE_CFG as Linux writes it: 2-level, SPLIT 8, 16 StreamID bits; or linear, 32 STEs.
std::uint32_t strtab_cfg(bool two_level) {
  return two_level ? (1u << 16) | (8u << 6) | 16u : 5u;
}

/// The guest writes the STE of `vsid` into its Stream table (and the L1STD covering it).
void write_ste(TestTraits& t, bool two_level, std::uint32_t vsid, const Words<8>& ste) {
  if (!two_level) {
    t.poke(kStrtab + std::uint64_t{vsid} * 64, ste);
    return;
  }
  const std::uint64_t l2 = kL2 + std::uint64_t{vsid >> 8} * 0x4000;
  t.poke64(kStrtab + std::uint64_t{vsid >> 8} * 8, l2 | 9);  // Span 9: 256 STEs
  t.poke(l2 + std::uint64_t{vsid & 0xFF} * 64, ste);
}

Words<8> stage2_only_ste(const TestTraits& t, const vsmmu::Policy& p) { return vsmmu_test::stage2_only_ste(t.stage2, p); }
using vsmmu_test::abort_ste;

/// Stream table and queue bases, as arm_smmu_device_reset() programs them before any enable.
void program_bases(Rig& r, const Features& f, unsigned queue_log2) {
  write_ste(r.t, f.two_level, kVsid, linux_s1_ste());
  r.w32(off::kCr1, 0xD75);  // TABLE/QUEUE: ISH, WB, WB
  r.w32(off::kCr2, 0x6);    // PTM | RECINVSID
  r.w64(off::kStrtabBase, kStrtab);
  r.w32(off::kStrtabBaseCfg, strtab_cfg(f.two_level));
  r.w64(off::kCmdqBase, (std::uint64_t{1} << 62) | kCmdq | queue_log2);
  r.w32(off::kCmdqProd, 0);
  r.w32(off::kCmdqCons, 0);
  r.w64(off::kEventqBase, (std::uint64_t{1} << 62) | kEventq | queue_log2);
  r.w32(off::kEventqProd, 0);
  r.w32(off::kEventqCons, 0);
}

/// Everything on: MSIs configured, IRQs enabled, queues and translation enabled.
void enable_everything(Rig& r, const Features& f) {
  r.w64(off::kGerrorIrqCfg0, kMsiDoorbell);
  r.w32(off::kGerrorIrqCfg1, 0x21);
  r.w32(off::kGerrorIrqCfg2, 0x1);
  r.w64(off::kEventqIrqCfg0, kMsiDoorbell);
  r.w32(off::kEventqIrqCfg1, 0x22);
  r.w32(off::kEventqIrqCfg2, 0x1);
  if (f.pri) {
    r.w64(off::kPriqBase, kRam + 0x5'0000);
    r.w64(off::kPriqIrqCfg0, kMsiDoorbell);
    r.w32(off::kPriqIrqCfg1, 0x23);
  }
  r.w32(off::kIrqCtrl, 0x7);
  r.w32(off::kCr0, kAllOnes);
}

// ---------------------------------------------------------------------------------------------
// The register file as a table: where each register lives in DeviceState, and what a write of
// all-ones leaves in it.
// ---------------------------------------------------------------------------------------------

/// A 32-bit register, or one half of a 64-bit one, inside DeviceState.
struct Slot {
  std::uint32_t DeviceState::*r32 = nullptr;
  std::uint64_t DeviceState::*r64 = nullptr;
  bool high = false;
};
Slot s32(std::uint32_t DeviceState::*m) { return {m, nullptr, false}; }
Slot lo(std::uint64_t DeviceState::*m) { return {nullptr, m, false}; }
Slot hi(std::uint64_t DeviceState::*m) { return {nullptr, m, true}; }

std::uint32_t get(const DeviceState& s, const Slot& x) {
  if (x.r32 != nullptr) return s.*x.r32;
  return static_cast<std::uint32_t>(x.high ? (s.*x.r64) >> 32 : s.*x.r64);
}
void set(DeviceState& s, const Slot& x, std::uint32_t v) {
  if (x.r32 != nullptr) {
    s.*x.r32 = v;
  } else if (x.high) {
    s.*x.r64 = (s.*x.r64 & 0xFFFF'FFFFu) | (std::uint64_t{v} << 32);
  } else {
    s.*x.r64 = (s.*x.r64 & ~std::uint64_t{0xFFFF'FFFF}) | v;
  }
}

/// Every field of DeviceState, for diagnostics.
struct Field {
  const char* name;
  std::uint32_t DeviceState::*r32;
  std::uint64_t DeviceState::*r64;
};
#define F32(n) Field{#n, &DeviceState::n, nullptr}
#define F64(n) Field{#n, nullptr, &DeviceState::n}
const Field kFields[] = {
    F32(version),        F32(idr0),           F32(idr1),         F32(idr2),          F32(idr3),
    F32(idr5),           F32(aidr),           F32(cr0),          F32(cr1),           F32(cr2),
    F32(gbpa),           F32(irq_ctrl),       F32(gerror),       F32(gerrorn),       F64(gerror_irq_cfg0),
    F32(gerror_irq_cfg1), F32(gerror_irq_cfg2), F64(strtab_base), F32(strtab_base_cfg), F32(reserved0), F64(cmdq_base),
    F32(cmdq_prod),      F32(cmdq_cons),      F64(eventq_base),  F32(eventq_prod),   F32(eventq_cons),
    F64(eventq_irq_cfg0), F32(eventq_irq_cfg1), F32(eventq_irq_cfg2), F64(priq_base), F32(priq_prod),
    F32(priq_cons),      F64(priq_irq_cfg0),  F32(priq_irq_cfg1), F32(priq_irq_cfg2),
};
#undef F32
#undef F64

std::string diff(const DeviceState& got, const DeviceState& want) {
  std::ostringstream o;
  o << std::hex;
  for (const Field& f : kFields) {
    const std::uint64_t g = f.r32 != nullptr ? got.*f.r32 : got.*f.r64;
    const std::uint64_t w = f.r32 != nullptr ? want.*f.r32 : want.*f.r64;
    if (g != w) o << f.name << ": got 0x" << g << ", want 0x" << w << "; ";
  }
  return o.str();
}

/// A register offset the guest can change, and what a 32-bit all-ones write leaves there.
struct Row {
  std::uint32_t offset;
  const char* name;
  Slot slot;
  std::uint32_t all_ones;  ///< the stored value after writing 0xFFFFFFFF while its guard is clear
  bool guarded;            ///< the write is ignored while the guarding enable is set
  /// What a read shows of the stored value: the SMMU-written pointers read their bits above the
  /// wrap flag as zero (§6.3.28, §6.3.95, §6.3.97: "If QS < 19, bits [19:QS + 1] are RAZ").
  std::uint32_t read_mask = 0xFFFF'FFFF;
};

/// The writable registers of a guest with features `f` (IHI 0070 G.b §6.3; absent registers
/// are in the table with the value 0, so they must stay zero).
std::vector<Row> writable_rows(const Features& f) {
  const std::uint32_t msi_lo = f.msi ? 0xFFFF'FFFC : 0;    // IRQ_CFG0.ADDR [31:2]
  const std::uint32_t msi_hi = f.msi ? 0x00FF'FFFF : 0;    // IRQ_CFG0.ADDR [55:32]
  const std::uint32_t msi_data = f.msi ? 0xFFFF'FFFF : 0;  // IRQ_CFG1.DATA
  const std::uint32_t msi_attr = f.msi ? 0x3F : 0;         // IRQ_CFG2.SH [5:4], MemAttr [3:0]
  const std::uint32_t pri_msi = f.pri && f.msi;
  const std::uint32_t base_lo = 0xFFFF'FFFF;  // queue ADDR [31:5], LOG2SIZE [4:0]
  const std::uint32_t base_hi = 0x40FF'FFFF;  // RA/WA [62], ADDR [55:32]
  const std::uint32_t ptr = 0x800F'FFFF;      // OVFLG/OVACKFLG [31], WR/RD [19:0]
  return {
      // §6.3.9: SMMUEN, PRIQEN (PRI), EVENTQEN, CMDQEN, ATSCHK (ATS); VMW and DPT_WALK_EN absent.
      {off::kCr0, "CR0", s32(&DeviceState::cr0), 0xDu | (f.pri ? 0x2u : 0u) | (f.ats ? 0x10u : 0u), false},
      {off::kCr1, "CR1", s32(&DeviceState::cr1), 0xFFF, true},
      // §6.3.12: RECINVSID; PTM only with BTM; E2H (no Hyp) and REC_CFG_ATS (no ATSRECERR) RES0.
      {off::kCr2, "CR2", s32(&DeviceState::cr2), 0x2u | (f.btm ? 0x4u : 0u), true},
      // §6.3.14: every field but Update, which reads 0 once the update completed.
      {off::kGbpa, "GBPA", s32(&DeviceState::gbpa), 0x001F'3F1F, false},
      {off::kIrqCtrl, "IRQ_CTRL", s32(&DeviceState::irq_ctrl), 0x5u | (f.pri ? 0x2u : 0u), false},
      // §6.3.20: CMDQ_ERR, EVENTQ_ABT_ERR, SFM_ERR; MSI_*_ABT_ERR with MSI; PRIQ_* with PRI.
      {off::kGerrorn, "GERRORN", s32(&DeviceState::gerrorn),
       0x105u | (f.msi ? 0xB0u : 0u) | (f.pri ? 0x8u : 0u) | (pri_msi ? 0x40u : 0u), false},
      {off::kGerrorIrqCfg0, "GERROR_IRQ_CFG0", lo(&DeviceState::gerror_irq_cfg0), msi_lo, true},
      {off::kGerrorIrqCfg0 + 4, "GERROR_IRQ_CFG0[63:32]", hi(&DeviceState::gerror_irq_cfg0), msi_hi, true},
      {off::kGerrorIrqCfg1, "GERROR_IRQ_CFG1", s32(&DeviceState::gerror_irq_cfg1), msi_data, true},
      {off::kGerrorIrqCfg2, "GERROR_IRQ_CFG2", s32(&DeviceState::gerror_irq_cfg2), msi_attr, true},
      // §6.3.24: RA [62], ADDR [55:6].
      {off::kStrtabBase, "STRTAB_BASE", lo(&DeviceState::strtab_base), 0xFFFF'FFC0, true},
      {off::kStrtabBase + 4, "STRTAB_BASE[63:32]", hi(&DeviceState::strtab_base), 0x40FF'FFFF, true},
      // §6.3.25: FMT [17:16] and SPLIT [10:6] only with ST_LEVEL == 2-level; LOG2SIZE [5:0].
      {off::kStrtabBaseCfg, "STRTAB_BASE_CFG", s32(&DeviceState::strtab_base_cfg), f.two_level ? 0x3'07FFu : 0x3Fu,
       true},
      {off::kCmdqBase, "CMDQ_BASE", lo(&DeviceState::cmdq_base), base_lo, true},
      {off::kCmdqBase + 4, "CMDQ_BASE[63:32]", hi(&DeviceState::cmdq_base), base_hi, true},
      {off::kCmdqProd, "CMDQ_PROD", s32(&DeviceState::cmdq_prod), 0xF'FFFF, false},
      {off::kCmdqCons, "CMDQ_CONS", s32(&DeviceState::cmdq_cons), 0xF'FFFF, true},  // ERR never written
      {off::kEventqBase, "EVENTQ_BASE", lo(&DeviceState::eventq_base), base_lo, true},
      {off::kEventqBase + 4, "EVENTQ_BASE[63:32]", hi(&DeviceState::eventq_base), base_hi, true},
      {off::kEventqProdPage0Alias, "EVENTQ_PROD (Page 0)", s32(&DeviceState::eventq_prod), ptr, true},
      {off::kEventqProd, "EVENTQ_PROD", s32(&DeviceState::eventq_prod), ptr, true},
      {off::kEventqConsPage0Alias, "EVENTQ_CONS (Page 0)", s32(&DeviceState::eventq_cons), ptr, false},
      {off::kEventqCons, "EVENTQ_CONS", s32(&DeviceState::eventq_cons), ptr, false},
      {off::kEventqIrqCfg0, "EVENTQ_IRQ_CFG0", lo(&DeviceState::eventq_irq_cfg0), msi_lo, true},
      {off::kEventqIrqCfg0 + 4, "EVENTQ_IRQ_CFG0[63:32]", hi(&DeviceState::eventq_irq_cfg0), msi_hi, true},
      {off::kEventqIrqCfg1, "EVENTQ_IRQ_CFG1", s32(&DeviceState::eventq_irq_cfg1), msi_data, true},
      {off::kEventqIrqCfg2, "EVENTQ_IRQ_CFG2", s32(&DeviceState::eventq_irq_cfg2), msi_attr, true},
      // §6.3.33-§6.3.36, §6.3.97-§6.3.98: the PRI queue exists only with SMMU_IDR0.PRI.
      {off::kPriqBase, "PRIQ_BASE", lo(&DeviceState::priq_base), f.pri ? base_lo : 0, true},
      {off::kPriqBase + 4, "PRIQ_BASE[63:32]", hi(&DeviceState::priq_base), f.pri ? base_hi : 0, true},
      // The guest is shown PRIQS == 0: a one-entry PRI queue, whose WR_WRAP is bit 0.
      {off::kPriqProdPage0Alias, "PRIQ_PROD (Page 0)", s32(&DeviceState::priq_prod), f.pri ? ptr : 0, true,
       0x8000'0001},
      {off::kPriqProd, "PRIQ_PROD", s32(&DeviceState::priq_prod), f.pri ? ptr : 0, true, 0x8000'0001},
      {off::kPriqConsPage0Alias, "PRIQ_CONS (Page 0)", s32(&DeviceState::priq_cons), f.pri ? ptr : 0, false},
      {off::kPriqCons, "PRIQ_CONS", s32(&DeviceState::priq_cons), f.pri ? ptr : 0, false},
      {off::kPriqIrqCfg0, "PRIQ_IRQ_CFG0", lo(&DeviceState::priq_irq_cfg0), pri_msi ? msi_lo : 0, true},
      {off::kPriqIrqCfg0 + 4, "PRIQ_IRQ_CFG0[63:32]", hi(&DeviceState::priq_irq_cfg0), pri_msi ? msi_hi : 0, true},
      {off::kPriqIrqCfg1, "PRIQ_IRQ_CFG1", s32(&DeviceState::priq_irq_cfg1), pri_msi ? msi_data : 0, true},
      // §6.3.36: PRIQ_IRQ_CFG2 adds LO [31]; present only with MSI and PRI.
      {off::kPriqIrqCfg2, "PRIQ_IRQ_CFG2", s32(&DeviceState::priq_irq_cfg2), pri_msi ? 0x8000'003Fu : 0u, true},
  };
}

/// Read-only offsets that show state: the ID registers, the ACK mirrors and GERROR.
const Row kReadOnlyRows[] = {
    {off::kIdr0, "IDR0", s32(&DeviceState::idr0), 0, false},
    {off::kIdr1, "IDR1", s32(&DeviceState::idr1), 0, false},
    {off::kIdr2, "IDR2", s32(&DeviceState::idr2), 0, false},
    {off::kIdr3, "IDR3", s32(&DeviceState::idr3), 0, false},
    {off::kIdr5, "IDR5", s32(&DeviceState::idr5), 0, false},
    {off::kAidr, "AIDR", s32(&DeviceState::aidr), 0, false},
    {off::kCr0Ack, "CR0ACK", s32(&DeviceState::cr0), 0, false},
    {off::kIrqCtrlAck, "IRQ_CTRLACK", s32(&DeviceState::irq_ctrl), 0, false},
    {off::kGerror, "GERROR", s32(&DeviceState::gerror), 0, false},
};

/// What a 32-bit read of `offset` returns in state `s` (0 for every offset not in a table).
std::uint32_t expected_read32(std::uint32_t offset, const DeviceState& s, const std::vector<Row>& rows) {
  for (const Row& r : rows)
    if (r.offset == offset) return get(s, r.slot) & r.read_mask;
  for (const Row& r : kReadOnlyRows)
    if (r.offset == offset) return get(s, r.slot);
  switch (offset) {
    case off::kCidr0: return 0x0D;
    case off::kCidr1: return 0xF0;
    case off::kCidr2: return 0x05;
    case off::kCidr3: return 0xB1;
    default: return 0;
  }
}

/// What the test double recorded, to check that an access had no side effect.
struct Effects {
  std::size_t installs, submitted, syncs, signals, msis, reads, writes;
  explicit Effects(const TestTraits& t)
      : installs(t.installs),
        submitted(t.submitted.size()),
        syncs(t.physical_syncs),
        signals(t.signals.size()),
        msis(t.msis.size()),
        reads(t.reads.size()),
        writes(t.writes.size()) {}
  friend bool operator==(const Effects&, const Effects&) = default;
};

// =============================================================================================
// ID registers
// =============================================================================================

// §6.3.1-§6.3.8: the ID registers hold the Policy's values; they are read-only.
TEST(DeviceRegisters, IdRegistersReadThePolicysEncodedValues) {
  for (const Features& f : {kDefault, kNoMsiLinear, kFull}) {
    Rig r(f);
    const vsmmu::GuestIdrs& idr = r.policy.idr;
    EXPECT_EQ(r.r32(off::kIdr0), reg::encode(idr.idr0).words[0]);
    EXPECT_EQ(r.r32(off::kIdr1), reg::encode(idr.idr1).words[0]);
    EXPECT_EQ(r.r32(off::kIdr2), reg::encode(idr.idr2).words[0]);
    EXPECT_EQ(r.r32(off::kIdr3), reg::encode(idr.idr3).words[0]);
    EXPECT_EQ(r.r32(off::kIdr5), reg::encode(idr.idr5).words[0]);
    EXPECT_EQ(r.r32(off::kAidr), reg::encode(idr.aidr).words[0]);
    // The values mean what the policy says: a spot check of the raw bits.
    EXPECT_EQ((r.r32(off::kIdr0) >> 13) & 1, f.msi ? 1u : 0u);          // MSI
    EXPECT_EQ((r.r32(off::kIdr0) >> 27) & 3, f.two_level ? 1u : 0u);    // ST_LEVEL
    EXPECT_EQ((r.r32(off::kIdr0) >> 16) & 1, f.pri ? 1u : 0u);          // PRI
    EXPECT_EQ(r.r32(off::kIdr0) & 3, 2u);                              // S1P, not S2P
    EXPECT_EQ((r.r32(off::kIdr1) >> 21) & 0x1F, unsigned{f.queue_log2});  // CMDQS
    EXPECT_EQ(r.r32(off::kAidr), 2u);                                   // SMMUv3.2, as the host
  }
}

TEST(DeviceRegisters, IdRegistersIgnoreWrites) {
  Rig r(kFull);
  const DeviceState before = r.d.save();
  for (std::uint32_t o : {off::kIdr0, off::kIdr1, off::kIdr2, off::kIdr3, off::kIdr4, off::kIdr5, off::kIidr,
                          off::kAidr}) {
    EXPECT_EQ(r.w32(o, kAllOnes), DeviceStatus::idle);
    EXPECT_EQ(r.w32(o, 0), DeviceStatus::idle);
  }
  EXPECT_EQ(r.w64(off::kIdr0, ~std::uint64_t{0}), DeviceStatus::idle);
  EXPECT_TRUE(r.d.save() == before) << diff(r.d.save(), before);
  EXPECT_EQ(r.r32(off::kIdr0), reg::encode(r.policy.idr.idr0).words[0]);
  EXPECT_EQ(r.r32(off::kIdr4), 0u);
}

// §6.3.5 SMMU_IDR4 and §6.3.7 SMMU_IIDR are IMPLEMENTATION DEFINED: this device claims no
// implementer, and no PIDR (ID_REGS, §6.3.170) names one either.
TEST(DeviceRegisters, ImplementationDefinedIdRegistersReadZero) {
  Rig r(kFull);
  for (std::uint32_t o : {off::kIidr, off::kIdr4, off::kPidr0, off::kPidr1, off::kPidr2, off::kPidr3, off::kPidr4,
                          off::kPidr5, off::kPidr6, off::kPidr7}) {
    EXPECT_EQ(r.r32(o), 0u) << std::hex << o;
    r.w32(o, kAllOnes);
    EXPECT_EQ(r.r32(o), 0u) << std::hex << o;
  }
}

// CoreSight component identification: CIDR0-3 hold the preamble 0x0D, 0xF0 (class 0xF), 0x05,
// 0xB1, and are read-only.
TEST(DeviceRegisters, ComponentIdRegistersReadTheCoreSightPreamble) {
  Rig r;
  const std::uint32_t want[] = {0x0D, 0xF0, 0x05, 0xB1};
  const std::uint32_t at[] = {off::kCidr0, off::kCidr1, off::kCidr2, off::kCidr3};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(r.r32(at[i]), want[i]);
    r.w32(at[i], 0);
    EXPECT_EQ(r.r32(at[i]), want[i]);
    EXPECT_EQ(r.r64(at[i] & ~7u), 0u) << "a 64-bit access to 32-bit registers reads zero";
  }
}

// =============================================================================================
// SMMU_CR0 / CR0ACK, CR1, CR2
// =============================================================================================

// §6.3.10: CR0ACK reflects CR0 once an update completed; this device completes at once.
TEST(DeviceRegisters, Cr0AckFollowsCr0AtOnce) {
  Rig r;
  for (std::uint32_t v : {0x8u, 0xCu, 0xDu, 0x4u, 0x0u}) {
    EXPECT_EQ(r.w32(off::kCr0, v), DeviceStatus::idle);
    EXPECT_EQ(r.r32(off::kCr0), v);
    EXPECT_EQ(r.r32(off::kCr0Ack), v);
  }
  // CR0ACK itself is read-only.
  r.w32(off::kCr0Ack, 0xD);
  EXPECT_EQ(r.r32(off::kCr0Ack), 0u);
  EXPECT_EQ(r.r32(off::kCr0), 0u);
}

// §6.3.9: bits [31:11], 9, 5 are RES0; DPT_WALK_EN needs SMMU_IDR3.DPT, VMW SMMU_IDR0.VMW,
// ATSCHK SMMU_IDR0.ATS, PRIQEN SMMU_IDR0.PRI. None of them is stored.
TEST(DeviceRegisters, Cr0DoesNotStoreRes0OrAbsentFeatureBits) {
  {
    Rig r;  // no ATS, no PRI, no VMW, no DPT
    r.w32(off::kCr0, kAllOnes);
    EXPECT_EQ(r.r32(off::kCr0), 0xDu);
    EXPECT_EQ(r.r32(off::kCr0Ack), 0xDu);
    r.w32(off::kCr0, 0);
    for (std::uint32_t bit : {1u << 1, 1u << 4, 1u << 5, 1u << 6, 1u << 7, 1u << 8, 1u << 9, 1u << 10, 1u << 11,
                              1u << 31}) {
      r.w32(off::kCr0, bit);
      EXPECT_EQ(r.r32(off::kCr0), 0u) << std::hex << bit;
    }
  }
  {
    Rig r(kFull);  // ATS and PRI: ATSCHK and PRIQEN exist; VMW and DPT_WALK_EN still do not
    r.w32(off::kCr0, kAllOnes);
    EXPECT_EQ(r.r32(off::kCr0), 0x1Fu);
    EXPECT_EQ(r.r32(off::kCr0Ack), 0x1Fu);
  }
}

// §6.3.9 SMMUEN: a change of SMMUEN switches every stream between the guest's Stream table and
// SMMU_GBPA, so each assigned stream is installed again, from the guest's STE.
TEST(DeviceRegisters, Cr0SmmuEnInstallsEveryStreamFromTheStreamTable) {
  Rig r(kDefault, /*two_streams=*/true);
  program_bases(r, kDefault, 8);
  write_ste(r.t, true, kVsid2, abort_ste());
  const std::size_t before = r.t.installs;
  r.w32(off::kCr0, 0x1);
  EXPECT_EQ(r.t.installs, before + 2);
  // vSID 8: a stage 1 STE, nested on the host's stage 2 (Config 0b111) with the guest's VMID.
  EXPECT_EQ(smmuv3::ste::Config::get(r.t.installed[kPsid]), 0b111u);
  EXPECT_EQ(smmuv3::ste::S2Vmid::get(r.t.installed[kPsid]), std::uint64_t{r.policy.vmid});
  EXPECT_EQ(smmuv3::ste::S1ContextPtr::get(r.t.installed[kPsid]), kCd);
  EXPECT_EQ(r.t.installed[kPsid2], abort_ste());
  // A write that leaves SMMUEN alone installs nothing.
  r.w32(off::kCr0, 0x1);
  r.w32(off::kCr0, 0x5);
  EXPECT_EQ(r.t.installs, before + 2);
  // SMMUEN 1 -> 0: back to GBPA (bypass at reset): stage 2 only.
  r.w32(off::kCr0, 0x4);
  EXPECT_EQ(r.t.installs, before + 4);
  EXPECT_EQ(r.t.installed[kPsid], stage2_only_ste(r.t, r.policy));
  EXPECT_EQ(r.t.installed[kPsid2], stage2_only_ste(r.t, r.policy));
}

// §6.3.11: CR1 has fields [11:0]. The TABLE_* fields [11:6] "are Guarded by SMMU_CR0.SMMUEN",
// the QUEUE_* fields [5:0] by EVENTQEN, PRIQEN and CMDQEN: "They must only change when access
// to all queues is disabled"; "The write to the fields is IGNORED" otherwise (SMMUv3.2+).
TEST(DeviceRegisters, Cr1TableFieldsAreGuardedBySmmuEnAndQueueFieldsByTheQueueEnables) {
  Rig r(kFull);
  r.w32(off::kCr1, kAllOnes);
  EXPECT_EQ(r.r32(off::kCr1), 0xFFFu);
  r.w32(off::kCr1, 0xD75);
  EXPECT_EQ(r.r32(off::kCr1), 0xD75u);
  r.w32(off::kCr0, 0x1);  // SMMUEN: TABLE_* read-only, QUEUE_* writable
  r.w32(off::kCr1, 0);
  EXPECT_EQ(r.r32(off::kCr1), 0xD40u);
  for (std::uint32_t queue_enable : {0x8u, 0x4u, 0x2u}) {  // CMDQEN, EVENTQEN, PRIQEN
    r.w32(off::kCr0, 0);
    r.w32(off::kCr1, 0xD40);
    r.w32(off::kCr0, queue_enable);
    ASSERT_EQ(r.r32(off::kCr0), queue_enable);
    r.w32(off::kCr1, 0x03F);  // TABLE_* writable, QUEUE_* read-only
    EXPECT_EQ(r.r32(off::kCr1), 0x000u) << queue_enable;
  }
  r.w32(off::kCr0, 0xF);  // everything: read-only
  r.w32(off::kCr1, 0xD75);
  EXPECT_EQ(r.r32(off::kCr1), 0x000u);
  r.w32(off::kCr0, 0x0);
  r.w32(off::kCr1, 0xD75);
  EXPECT_EQ(r.r32(off::kCr1), 0xD75u);
}

// §6.3.12: RECINVSID is always there; PTM only "When SMMU_IDR0.BTM == 1"; E2H only "When
// SMMU_IDR0.Hyp == 1" (never shown to a guest); "Otherwise, Reserved, RES0". RO while SMMUEN.
TEST(DeviceRegisters, Cr2StoresRecInvSidAlwaysAndPtmOnlyWithBtm) {
  {
    Rig r;
    r.w32(off::kCr2, 0x7);
    EXPECT_EQ(r.r32(off::kCr2), 0x2u);
  }
  {
    Rig r(Features{.btm = true});
    r.w32(off::kCr2, 0x7);
    EXPECT_EQ(r.r32(off::kCr2), 0x6u);
    r.w32(off::kCr2, 0x1);
    EXPECT_EQ(r.r32(off::kCr2), 0x0u) << "E2H is never stored";
  }
}

TEST(DeviceRegisters, Cr2IsReadOnlyWhileSmmuEn) {
  Rig r;
  r.w32(off::kCr2, 0x2);
  r.w32(off::kCr0, 0x1);
  r.w32(off::kCr2, 0x0);
  EXPECT_EQ(r.r32(off::kCr2), 0x2u);
  r.w32(off::kCr0, 0x0);
  r.w32(off::kCr2, 0x0);
  EXPECT_EQ(r.r32(off::kCr2), 0x0u);
}

// §6.3.12 REC_CFG_ATS, bit [3]: "When SMMU_IDR0.ATSRECERR == 1: Record Configuration-related
// errors for ATS and PRI ... Otherwise: Reserved, RES0." make_policy never shows ATSRECERR, so
// even a guest with ATS must not be able to set it.
TEST(DeviceRegisters, Cr2RecCfgAtsIsRes0WithoutAtsRecErr) {
  Rig r(kFull);
  ASSERT_FALSE(r.policy.idr.idr0.ats_rec_err);
  r.w32(off::kCr2, 0x8);
  EXPECT_EQ(r.r32(off::kCr2), 0x0u);
}

// =============================================================================================
// SMMU_GBPA
// =============================================================================================

// §6.3.14.1: "If this register is written without simultaneously setting Update to 1 ... The
// write is IGNORED. This is the only permitted behavior in SMMUv3.2 and later."
TEST(DeviceRegisters, GbpaWriteWithoutUpdateIsIgnored) {
  Rig r;
  const std::size_t installs = r.t.installs;
  r.w32(off::kGbpa, 0x0010'0000);  // ABORT, Update == 0
  EXPECT_EQ(r.r32(off::kGbpa), 0x1000u);
  r.w32(off::kGbpa, 0x7FFF'FFFF);
  EXPECT_EQ(r.r32(off::kGbpa), 0x1000u);
  EXPECT_EQ(r.t.installs, installs);
}

// §6.3.14: a write with Update == 1 takes the new fields; Update is cleared when the update
// completed, which here is before the write returns. RES0 bits are not stored.
TEST(DeviceRegisters, GbpaWriteWithUpdateAppliesAndReadsBackUpdateZero) {
  Rig r;
  r.w32(off::kGbpa, 0x8000'2F15);  // Update, SHCFG=2, ALLOCCFG=0xF, MTCFG, MemAttr=5
  EXPECT_EQ(r.r32(off::kGbpa), 0x0000'2F15u);
  r.w32(off::kGbpa, kAllOnes);
  EXPECT_EQ(r.r32(off::kGbpa), 0x001F'3F1Fu);
  r.w32(off::kGbpa, 0x8000'1000);
  EXPECT_EQ(r.r32(off::kGbpa), 0x0000'1000u);
}

// §6.3.14 ABORT: while SMMUEN == 0 GBPA decides every stream: each is installed again, as an
// abort STE.
TEST(DeviceRegisters, GbpaAbortWhileDisabledInstallsEveryStreamAsAbort) {
  Rig r(kDefault, /*two_streams=*/true);
  r.t.installed.clear();
  const std::size_t installs = r.t.installs;
  r.w32(off::kGbpa, 0x8010'0000);
  EXPECT_EQ(r.r32(off::kGbpa), 0x0010'0000u);
  EXPECT_EQ(r.t.installs, installs + 2);
  ASSERT_EQ(r.t.installed.size(), 2u);
  EXPECT_EQ(r.t.installed[kPsid], abort_ste());
  EXPECT_EQ(r.t.installed[kPsid2], abort_ste());
  EXPECT_TRUE(r.t.submitted.empty());
}

// §6.3.14 bypass: the guest's "physical" addresses are IPAs, so its bypass is the host's stage 2
// alone (sanitize_ste: Config 0b110, S2VMID = the guest's VMID).
TEST(DeviceRegisters, GbpaBypassInstallsTheStage2OnlyPhysicalSte) {
  Rig r(kDefault, /*two_streams=*/true);
  r.w32(off::kGbpa, 0x8010'0000);
  ASSERT_EQ(r.t.installed[kPsid], abort_ste());
  const std::size_t installs = r.t.installs;
  r.w32(off::kGbpa, 0x8000'1000);
  EXPECT_EQ(r.t.installs, installs + 2);
  const Words<8> want = stage2_only_ste(r.t, r.policy);
  EXPECT_EQ(r.t.installed[kPsid], want);
  EXPECT_EQ(r.t.installed[kPsid2], want);
  EXPECT_EQ(smmuv3::ste::Config::get(want), 0b110u);
  EXPECT_EQ(smmuv3::ste::S2Vmid::get(want), 0x42u);
}

// While SMMUEN == 1 GBPA does not decide any stream: the write is stored, nothing installed.
TEST(DeviceRegisters, GbpaWhileEnabledIsStoredButInstallsNothing) {
  Rig r;
  program_bases(r, kDefault, 8);
  r.w32(off::kCr0, 0x1);
  const Words<8> installed = r.t.installed[kPsid];
  const std::size_t installs = r.t.installs;
  r.w32(off::kGbpa, 0x8010'0000);
  EXPECT_EQ(r.r32(off::kGbpa), 0x0010'0000u);
  EXPECT_EQ(r.t.installs, installs);
  EXPECT_EQ(r.t.installed[kPsid], installed);
  // ... and takes effect when SMMUEN goes back to 0.
  r.w32(off::kCr0, 0x0);
  EXPECT_EQ(r.t.installed[kPsid], abort_ste());
}

// =============================================================================================
// IRQ_CTRL, GERROR, GERRORN, *_IRQ_CFG*
// =============================================================================================

// §6.3.16 / §6.3.18: IRQ_CTRLACK follows IRQ_CTRL at once; PRIQ_IRQEN is RES0 without PRI.
TEST(DeviceRegisters, IrqCtrlAckFollowsIrqCtrl) {
  {
    Rig r;
    r.w32(off::kIrqCtrl, kAllOnes);
    EXPECT_EQ(r.r32(off::kIrqCtrl), 0x5u);
    EXPECT_EQ(r.r32(off::kIrqCtrlAck), 0x5u);
    r.w32(off::kIrqCtrl, 0x4);
    EXPECT_EQ(r.r32(off::kIrqCtrlAck), 0x4u);
    r.w32(off::kIrqCtrlAck, 0);  // read-only
    EXPECT_EQ(r.r32(off::kIrqCtrlAck), 0x4u);
  }
  {
    Rig r(kFull);
    r.w32(off::kIrqCtrl, kAllOnes);
    EXPECT_EQ(r.r32(off::kIrqCtrl), 0x7u);
    EXPECT_EQ(r.r32(off::kIrqCtrlAck), 0x7u);
  }
}

// §6.3.19: SMMU_GERROR is read-only; only the SMMU toggles its bits.
TEST(DeviceRegisters, GerrorIsReadOnly) {
  Rig r(kFull);
  r.w32(off::kGerror, kAllOnes);
  EXPECT_EQ(r.r32(off::kGerror), 0u);
  EXPECT_EQ(r.d.save().gerror, 0u);
  EXPECT_TRUE(r.t.signals.empty());
  EXPECT_TRUE(r.t.msis.empty());
}

// §6.3.20: GERRORN has GERROR's fields; bits [31:11] and 1 are RES0, DPT_ERR (no DPT) and
// CMDQP_ERR (no ECMDQ) too, the MSI_* bits without MSI and the PRIQ bits without PRI.
TEST(DeviceRegisters, GerrornStoresOnlyTheDefinedBitsOfPresentFeatures) {
  struct Case {
    Features f;
    std::uint32_t want;
  };
  for (const Case& c : {Case{kDefault, 0x1B5}, Case{kNoMsiLinear, 0x105}, Case{kFull, 0x1FD},
                        Case{Features{.msi = false, .ats = true, .pri = true}, 0x10D}}) {
    Rig r(c.f);
    r.w32(off::kGerrorn, kAllOnes);
    EXPECT_EQ(r.r32(off::kGerrorn), c.want);
    EXPECT_EQ(r.r32(off::kGerror), 0u);
    r.w32(off::kGerrorn, 0);
    EXPECT_EQ(r.r32(off::kGerrorn), 0u);
  }
}

struct IrqRegs {
  std::uint32_t cfg0, cfg1, cfg2, irqen, cfg2_fields;
};
constexpr IrqRegs kGerrorIrq{off::kGerrorIrqCfg0, off::kGerrorIrqCfg1, off::kGerrorIrqCfg2, 0x1, 0x3F};
constexpr IrqRegs kEventqIrq{off::kEventqIrqCfg0, off::kEventqIrqCfg1, off::kEventqIrqCfg2, 0x4, 0x3F};
// §6.3.36: PRIQ_IRQ_CFG2 also has LO, bit [31].
constexpr IrqRegs kPriqIrq{off::kPriqIrqCfg0, off::kPriqIrqCfg1, off::kPriqIrqCfg2, 0x2, 0x8000'003F};

// §6.3.21: "SMMU_GERROR_IRQ_CFG0 is Guarded by SMMU_IRQ_CTRL.GERROR_IRQEN ... These update
// conditions are common for all SMMU_*_IRQ_CFG{0,1,2} register sets ... In SMMUv3.2 and later,
// a write while ... IRQEN == 1 is IGNORED." Each set is guarded by its own IRQEN only.
TEST(DeviceRegisters, IrqCfgRegistersAreWritableOnlyWhileTheirIrqEnIsClear) {
  for (const IrqRegs& q : {kGerrorIrq, kEventqIrq, kPriqIrq}) {
    Rig r(kFull);
    SCOPED_TRACE(q.cfg0);
    // ADDR [55:2]; bits [63:56], [1:0] RES0.
    r.w64(q.cfg0, 0xFF12'3456'789A'BCDF);
    EXPECT_EQ(r.r64(q.cfg0), 0x0012'3456'789A'BCDCu);
    r.w32(q.cfg1, 0xDEAD'BEEF);
    EXPECT_EQ(r.r32(q.cfg1), 0xDEAD'BEEFu);
    r.w32(q.cfg2, kAllOnes);  // SH [5:4], MemAttr [3:0] (and LO [31] for the PRI queue)
    EXPECT_EQ(r.r32(q.cfg2), q.cfg2_fields);
    // The other IRQENs do not guard this set.
    r.w32(off::kIrqCtrl, 0x7 & ~q.irqen);
    r.w64(q.cfg0, kMsiDoorbell);
    r.w32(q.cfg1, 0x11);
    r.w32(q.cfg2, 0x1);
    EXPECT_EQ(r.r64(q.cfg0), kMsiDoorbell);
    EXPECT_EQ(r.r32(q.cfg1), 0x11u);
    EXPECT_EQ(r.r32(q.cfg2), 0x1u);
    // Its own IRQEN does: 64-bit, both halves, CFG1 and CFG2 are all ignored.
    r.w32(off::kIrqCtrl, q.irqen);
    r.w64(q.cfg0, 0x1000);
    r.w32(q.cfg0, 0x2000);
    r.w32(q.cfg0 + 4, 0x3);
    r.w32(q.cfg1, 0x22);
    r.w32(q.cfg2, 0x2);
    EXPECT_EQ(r.r64(q.cfg0), kMsiDoorbell);
    EXPECT_EQ(r.r32(q.cfg1), 0x11u);
    EXPECT_EQ(r.r32(q.cfg2), 0x1u);
    // Clear again: writable again.
    r.w32(off::kIrqCtrl, 0);
    r.w32(q.cfg1, 0x33);
    EXPECT_EQ(r.r32(q.cfg1), 0x33u);
  }
}

// §6.3.21-§6.3.23: "This register is present only when SMMU_IDR0.MSI == 1. Otherwise, direct
// accesses ... are RES0." §6.3.36 says the same of PRIQ_IRQ_CFG2 ("present only when
// SMMU_IDR0.MSI == 1 and SMMU_IDR0.PRI == 1"), LO included: its note "The LO field applies to
// wired and MSI interrupts" is about an SMMU that has MSIs and uses the wired interrupt.
TEST(DeviceRegisters, IrqCfgRegistersAreRazWiWithoutMsi) {
  Rig r(Features{.msi = false, .ats = true, .pri = true});
  for (const IrqRegs& q : {kGerrorIrq, kEventqIrq, kPriqIrq}) {
    SCOPED_TRACE(::testing::Message() << "IRQ_CFG0 at 0x" << std::hex << q.cfg0);
    r.w64(q.cfg0, kMsiDoorbell);
    r.w32(q.cfg0, 0x40);
    r.w32(q.cfg0 + 4, 0x1);
    r.w32(q.cfg1, kAllOnes);
    r.w32(q.cfg2, kAllOnes);
    EXPECT_EQ(r.r64(q.cfg0), 0u);
    EXPECT_EQ(r.r32(q.cfg0), 0u);
    EXPECT_EQ(r.r32(q.cfg0 + 4), 0u);
    EXPECT_EQ(r.r32(q.cfg1), 0u);
    EXPECT_EQ(r.r32(q.cfg2), 0u);
  }
  const DeviceState s = r.d.save();
  EXPECT_EQ(s.gerror_irq_cfg0 | s.eventq_irq_cfg0 | s.priq_irq_cfg0, 0u);
}

// =============================================================================================
// Stream table and queue registers
// =============================================================================================

// §6.3.24 / §6.3.25: STRTAB_BASE (RA [62], ADDR [55:6]) and STRTAB_BASE_CFG are RW only while
// SMMUEN == 0.
TEST(DeviceRegisters, StrtabRegistersAreWritableOnlyWhileSmmuEnIsClear) {
  Rig r;
  r.w64(off::kStrtabBase, ~std::uint64_t{0});
  EXPECT_EQ(r.r64(off::kStrtabBase), 0x40FF'FFFF'FFFF'FFC0u);
  r.w32(off::kStrtabBaseCfg, kAllOnes);
  EXPECT_EQ(r.r32(off::kStrtabBaseCfg), 0x3'07FFu);
  r.w64(off::kStrtabBase, kStrtab);
  r.w32(off::kStrtabBaseCfg, strtab_cfg(true));
  write_ste(r.t, true, kVsid, linux_s1_ste());
  r.w32(off::kCr0, 0x1);
  r.w64(off::kStrtabBase, kRam);
  r.w32(off::kStrtabBase, 0x40);
  r.w32(off::kStrtabBase + 4, 0x1);
  r.w32(off::kStrtabBaseCfg, 0);
  EXPECT_EQ(r.r64(off::kStrtabBase), kStrtab);
  EXPECT_EQ(r.r32(off::kStrtabBaseCfg), strtab_cfg(true));
  r.w32(off::kCr0, 0x0);
  r.w64(off::kStrtabBase, kRam);
  r.w32(off::kStrtabBaseCfg, 0);
  EXPECT_EQ(r.r64(off::kStrtabBase), kRam);
  EXPECT_EQ(r.r32(off::kStrtabBaseCfg), 0u);
}

// §6.3.25: "FMT ... SPLIT ... When SMMU_IDR0.ST_LEVEL == 0b00 ... RES0".
TEST(DeviceRegisters, StrtabFmtAndSplitAreRes0ForALinearOnlyGuest) {
  Rig r(kNoMsiLinear);
  r.w32(off::kStrtabBaseCfg, (1u << 16) | (8u << 6) | 16u);
  EXPECT_EQ(r.r32(off::kStrtabBaseCfg), 16u);
  r.w32(off::kStrtabBaseCfg, kAllOnes);
  EXPECT_EQ(r.r32(off::kStrtabBaseCfg), 0x3Fu);
}

// §6.3.26: CMDQ_BASE (RA [62], ADDR [55:5], LOG2SIZE [4:0]) is Guarded by CMDQEN.
TEST(DeviceRegisters, CmdqBaseIsWritableOnlyWhileCmdqEnIsClear) {
  Rig r;
  r.w64(off::kCmdqBase, ~std::uint64_t{0});
  EXPECT_EQ(r.r64(off::kCmdqBase), 0x40FF'FFFF'FFFF'FFFFu);
  r.w64(off::kCmdqBase, kCmdq | 8);
  r.w32(off::kCr0, 0x8);
  r.w64(off::kCmdqBase, kRam | 4);
  r.w32(off::kCmdqBase, 0x20);
  r.w32(off::kCmdqBase + 4, 0x1);
  EXPECT_EQ(r.r64(off::kCmdqBase), kCmdq | 8);
  r.w32(off::kCr0, 0x1);  // SMMUEN alone does not guard it
  r.w64(off::kCmdqBase, kRam | 4);
  EXPECT_EQ(r.r64(off::kCmdqBase), kRam | 4);
}

// §6.3.28: CMDQ_CONS is Guarded by CMDQEN; RD [19:0] is the guest's to initialise.
TEST(DeviceRegisters, CmdqConsRdIsWritableOnlyWhileCmdqEnIsClear) {
  Rig r(Features{.queue_log2 = 19});
  r.w64(off::kCmdqBase, kCmdq | 19);
  r.w32(off::kCmdqCons, 0xF'FFFF);
  EXPECT_EQ(r.r32(off::kCmdqCons), 0xF'FFFFu);
  r.w32(off::kCmdqCons, 0x5);
  r.w32(off::kCmdqProd, 0x5);
  r.w32(off::kCr0, 0x8);
  r.w32(off::kCmdqCons, 0x3);
  EXPECT_EQ(r.r32(off::kCmdqCons), 0x5u);
  r.w32(off::kCr0, 0x0);
  r.w32(off::kCmdqCons, 0x3);
  EXPECT_EQ(r.r32(off::kCmdqCons), 0x3u);
}

// §6.3.28 ERR: written by the SMMU when a command error is detected. "Upon a write to this
// register, when SMMU_CR0.CMDQEN == 0, the ERR field is permitted to either take the written
// value or ignore the written value": this device ignores it, so a guest cannot forge or clear a
// CERROR code.
TEST(DeviceRegisters, CmdqConsErrIsNeverWritable) {
  Rig r;
  r.w32(off::kCmdqCons, 0x7F00'0000);
  EXPECT_EQ(r.r32(off::kCmdqCons), 0u);
  r.w32(off::kCmdqCons, 0xFFFF'FFFF);
  EXPECT_EQ(r.r32(off::kCmdqCons) & 0xFF00'0000u, 0u);
  // A CERROR_ILL set by the device survives a later guest write of CONS.
  r.w32(off::kCmdqCons, 0);
  r.w64(off::kCmdqBase, kCmdq | 8);
  r.w32(off::kCr0, 0x8);
  r.t.poke(kCmdq, Words<2>{{0xFF, 0}});  // an unknown opcode
  r.w32(off::kCmdqProd, 1);
  ASSERT_EQ(r.r32(off::kCmdqCons), 0x0100'0000u);
  r.w32(off::kCr0, 0x0);
  r.w32(off::kCmdqCons, 0x0000'0001);
  EXPECT_EQ(r.r32(off::kCmdqCons), 0x0100'0001u);
  r.w32(off::kCmdqCons, 0x7F00'0002);
  EXPECT_EQ(r.r32(off::kCmdqCons), 0x0100'0002u);
}

// §6.3.28 CMDQ_CONS, §6.3.95 EVENTQ_PROD, §6.3.97 PRIQ_PROD (the SMMU's pointers): "If
// QS < 19, bits [19:QS + 1] are RAZ." QS is LOG2SIZE capped at SMMU_IDR1.*QS.
TEST(DeviceRegisters, SmmuWrittenPointerBitsAboveTheWrapFlagReadAsZero) {
  Rig r(kFull);  // CMDQS 8, EVENTQS 8, PRIQS 0
  r.w64(off::kCmdqBase, kCmdq | 8);
  r.w32(off::kCmdqCons, 0xF'FFFF);
  EXPECT_EQ(r.r32(off::kCmdqCons), 0x1FFu);
  r.w64(off::kCmdqBase, kCmdq | 31);  // capped at CMDQS
  EXPECT_EQ(r.r32(off::kCmdqCons), 0x1FFu);
  r.w64(off::kCmdqBase, kCmdq | 3);
  EXPECT_EQ(r.r32(off::kCmdqCons), 0xFu);
  r.w64(off::kEventqBase, kEventq | 5);
  r.w32(off::kEventqProd, kAllOnes);
  EXPECT_EQ(r.r32(off::kEventqProd), 0x8000'003Fu);
  EXPECT_EQ(r.r32(off::kEventqProdPage0Alias), 0x8000'003Fu);
  r.w64(off::kPriqBase, (kRam + 0x5'0000) | 4);  // PRIQS 0: one entry, WR_WRAP is bit 0
  r.w32(off::kPriqProd, kAllOnes);
  EXPECT_EQ(r.r32(off::kPriqProd), 0x8000'0001u);
  // The guest's own pointers (CMDQ_PROD, EVENTQ_CONS, PRIQ_CONS) "might be stored".
  r.w32(off::kCmdqProd, 0xF'FFFF);
  EXPECT_EQ(r.r32(off::kCmdqProd) & 0x1FFu, 0x1FFu);
}

// §6.3.29 EVENTQ_BASE and §6.3.95 EVENTQ_PROD are Guarded by EVENTQEN; EVENTQ_PROD has OVFLG
// [31] and WR [19:0], bits [30:20] RES0.
TEST(DeviceRegisters, EventqBaseAndProdAreWritableOnlyWhileEventqEnIsClear) {
  Rig r(Features{.queue_log2 = 19});
  r.w64(off::kEventqBase, ~std::uint64_t{0});
  EXPECT_EQ(r.r64(off::kEventqBase), 0x40FF'FFFF'FFFF'FFFFu);
  r.w64(off::kEventqBase, kEventq | 19);
  r.w32(off::kEventqProd, kAllOnes);
  EXPECT_EQ(r.r32(off::kEventqProd), 0x800F'FFFFu);
  r.w64(off::kEventqBase, kEventq | 7);
  r.w32(off::kEventqProd, 0x3);
  r.w32(off::kCr0, 0x4);
  r.w64(off::kEventqBase, kRam);
  r.w32(off::kEventqProd, 0);
  r.w32(off::kEventqProdPage0Alias, 0);
  EXPECT_EQ(r.r64(off::kEventqBase), kEventq | 7);
  EXPECT_EQ(r.r32(off::kEventqProd), 0x3u);
  r.w32(off::kCr0, 0x9);  // SMMUEN and CMDQEN do not guard them
  r.w64(off::kEventqBase, kRam);
  r.w32(off::kEventqProd, 0);
  EXPECT_EQ(r.r64(off::kEventqBase), kRam);
  EXPECT_EQ(r.r32(off::kEventqProd), 0u);
}

// §6.3.96: EVENTQ_CONS (OVACKFLG [31], RD [19:0]) is the guest's at all times.
TEST(DeviceRegisters, EventqConsIsAlwaysWritable) {
  Rig r(Features{.queue_log2 = 19});
  program_bases(r, kDefault, 7);
  r.w32(off::kCr0, 0xD);
  r.w32(off::kIrqCtrl, 0x5);
  r.w32(off::kEventqCons, kAllOnes);
  EXPECT_EQ(r.r32(off::kEventqCons), 0x800F'FFFFu);
  r.w32(off::kEventqCons, 0x8000'0003);
  EXPECT_EQ(r.r32(off::kEventqCons), 0x8000'0003u);
  EXPECT_TRUE(r.t.signals.empty());
  EXPECT_TRUE(r.t.writes.empty());
}

// §6.2.1: 0xA8 / 0xAC are the Page 0 aliases of EVENTQ_PROD / EVENTQ_CONS (Page 1 0xA8 / 0xAC):
// the same registers.
TEST(DeviceRegisters, EventqPage0AliasesAreTheSameRegisters) {
  Rig r(Features{.queue_log2 = 19});
  r.w64(off::kEventqBase, kEventq | 19);
  r.w32(off::kEventqProdPage0Alias, 0x12);
  EXPECT_EQ(r.r32(off::kEventqProd), 0x12u);
  r.w32(off::kEventqProd, 0x34);
  EXPECT_EQ(r.r32(off::kEventqProdPage0Alias), 0x34u);
  r.w32(off::kEventqConsPage0Alias, 0x8000'0056);
  EXPECT_EQ(r.r32(off::kEventqCons), 0x8000'0056u);
  r.w32(off::kEventqCons, 0x78);
  EXPECT_EQ(r.r32(off::kEventqConsPage0Alias), 0x78u);
  EXPECT_EQ(r.d.save().eventq_prod, 0x34u);
  EXPECT_EQ(r.d.save().eventq_cons, 0x78u);
}

// §6.3.33-§6.3.36, §6.3.97-§6.3.98: the PRI queue registers exist only with SMMU_IDR0.PRI.
TEST(DeviceRegisters, PriqRegistersAreRazWiWithoutPri) {
  Rig r(Features{.ats = true});
  ASSERT_FALSE(r.policy.idr.idr0.pri);
  const DeviceState before = r.d.save();
  r.w64(off::kPriqBase, ~std::uint64_t{0});
  r.w64(off::kPriqIrqCfg0, ~std::uint64_t{0});
  for (std::uint32_t o : {off::kPriqBase, off::kPriqBase + 4, off::kPriqProdPage0Alias, off::kPriqConsPage0Alias,
                          off::kPriqIrqCfg0, off::kPriqIrqCfg0 + 4, off::kPriqIrqCfg1, off::kPriqIrqCfg2,
                          off::kPriqProd, off::kPriqCons})
    r.w32(o, kAllOnes);
  EXPECT_TRUE(r.d.save() == before) << diff(r.d.save(), before);
  for (std::uint32_t o : {off::kPriqBase, off::kPriqBase + 4, off::kPriqProdPage0Alias, off::kPriqConsPage0Alias,
                          off::kPriqIrqCfg0, off::kPriqIrqCfg0 + 4, off::kPriqIrqCfg1, off::kPriqIrqCfg2,
                          off::kPriqProd, off::kPriqCons})
    EXPECT_EQ(r.r32(o), 0u) << std::hex << o;
  EXPECT_EQ(r.r64(off::kPriqBase), 0u);
  EXPECT_EQ(r.r64(off::kPriqIrqCfg0), 0u);
}

// With PRI: PRIQ_BASE and PRIQ_PROD are Guarded by PRIQEN, PRIQ_CONS is always the guest's,
// and 0xC8 / 0xCC alias PRIQ_PROD / PRIQ_CONS.
TEST(DeviceRegisters, PriqRegistersAreStoredWithPri) {
  Rig r(kFull);
  r.w64(off::kPriqBase, ~std::uint64_t{0});
  EXPECT_EQ(r.r64(off::kPriqBase), 0x40FF'FFFF'FFFF'FFFFu);
  r.w64(off::kPriqBase, kRam + 0x5'0000);
  r.w32(off::kPriqProd, kAllOnes);
  EXPECT_EQ(r.d.save().priq_prod, 0x800F'FFFFu);
  EXPECT_EQ(r.r32(off::kPriqProd), 0x8000'0001u);  // PRIQS 0: bits [19:1] RAZ
  r.w32(off::kPriqProdPage0Alias, 0x1);
  EXPECT_EQ(r.r32(off::kPriqProd), 0x1u);
  r.w32(off::kPriqCons, kAllOnes);
  EXPECT_EQ(r.r32(off::kPriqConsPage0Alias), 0x800F'FFFFu);
  r.w32(off::kPriqConsPage0Alias, 0x0);
  EXPECT_EQ(r.r32(off::kPriqCons), 0x0u);
  // PRIQEN guards BASE and PROD, not CONS.
  r.w32(off::kCr0, 0x2);
  ASSERT_EQ(r.r32(off::kCr0), 0x2u);
  r.w64(off::kPriqBase, kRam);
  r.w32(off::kPriqProd, 0);
  r.w32(off::kPriqProdPage0Alias, 0);
  r.w32(off::kPriqCons, 0x1);
  EXPECT_EQ(r.r64(off::kPriqBase), kRam + 0x5'0000);
  EXPECT_EQ(r.r32(off::kPriqProd), 0x1u);
  EXPECT_EQ(r.r32(off::kPriqCons), 0x1u);
}

// =============================================================================================
// Access sizes, alignment and the address map
// =============================================================================================

struct Reg64 {
  std::uint32_t offset;
  std::uint64_t mask;
};
const Reg64 kReg64s[] = {
    {off::kGerrorIrqCfg0, 0x00FF'FFFF'FFFF'FFFC}, {off::kStrtabBase, 0x40FF'FFFF'FFFF'FFC0},
    {off::kCmdqBase, 0x40FF'FFFF'FFFF'FFFF},      {off::kEventqBase, 0x40FF'FFFF'FFFF'FFFF},
    {off::kEventqIrqCfg0, 0x00FF'FFFF'FFFF'FFFC}, {off::kPriqBase, 0x40FF'FFFF'FFFF'FFFF},
    {off::kPriqIrqCfg0, 0x00FF'FFFF'FFFF'FFFC},
};

// §6.2: a 64-bit register may be accessed whole or as two 32-bit halves; a 32-bit write to one
// half leaves the other half as it was.
TEST(DeviceRegisters, SixtyFourBitRegistersTakeWholeAndHalfAccesses) {
  Rig r(kFull);
  for (const Reg64& g : kReg64s) {
    SCOPED_TRACE(g.offset);
    // Bits 63 and [1:0] are RES0 in every one of them; bit 62 is RA/WA in the bases only.
    const std::uint64_t v = 0x0012'3456'789A'BCC0 | 0x8000'0000'0000'0003u;
    r.w64(g.offset, v);
    EXPECT_EQ(r.r64(g.offset), v & g.mask);
    EXPECT_EQ(r.r32(g.offset), static_cast<std::uint32_t>(v & g.mask));
    EXPECT_EQ(r.r32(g.offset + 4), 0x0012'3456u);
    r.w32(g.offset, 0x1111'1100);
    EXPECT_EQ(r.r64(g.offset), 0x0012'3456'1111'1100u);
    r.w32(g.offset + 4, 0x0000'4321);
    EXPECT_EQ(r.r64(g.offset), 0x0000'4321'1111'1100u);
    r.w32(g.offset + 4, kAllOnes);
    EXPECT_EQ(r.r32(g.offset + 4), static_cast<std::uint32_t>(g.mask >> 32));
    EXPECT_EQ(r.r32(g.offset), 0x1111'1100u);
  }
}

// 64-bit accesses to 32-bit registers (including an aligned pair) are CONSTRAINED UNPREDICTABLE;
// this device reads zero and ignores the write.
TEST(DeviceRegisters, SixtyFourBitAccessesToThirtyTwoBitRegistersAreRazWi) {
  Rig r;
  r.w32(off::kCr1, 0xD75);
  r.w32(off::kCr0, 0x4);
  const DeviceState before = r.d.save();
  const std::size_t installs = r.t.installs;
  for (std::uint32_t o : {off::kIdr0, off::kIdr2, off::kCr0, off::kCr1, off::kGbpa - 4, off::kIrqCtrl, off::kGerror,
                          off::kGerrorIrqCfg1, off::kStrtabBaseCfg, off::kCmdqProd, off::kEventqProdPage0Alias,
                          off::kEventqIrqCfg1, off::kEventqProd, off::kCidr0}) {
    EXPECT_EQ(r.r64(o), 0u) << std::hex << o;
    EXPECT_EQ(r.w64(o, ~std::uint64_t{0}), DeviceStatus::idle);
  }
  EXPECT_TRUE(r.d.save() == before) << diff(r.d.save(), before);
  EXPECT_EQ(r.t.installs, installs);
  EXPECT_EQ(r.r32(off::kCr0), 0x4u);
}

// Misaligned accesses (a 4-byte access not 4-byte aligned, an 8-byte access not 8-byte aligned,
// even to a 64-bit register's upper half) read zero and are ignored.
TEST(DeviceRegisters, MisalignedAccessesAreRazWi) {
  Rig r;
  r.w32(off::kCr1, 0xD75);
  r.w64(off::kCmdqBase, kCmdq | 8);
  const DeviceState before = r.d.save();
  for (std::uint32_t o : {off::kIdr0 + 1, off::kIdr0 + 2, off::kCr1 + 1, off::kCr1 + 3, off::kCmdqBase + 2}) {
    EXPECT_EQ(r.r32(o), 0u) << std::hex << o;
    r.w32(o, kAllOnes);
  }
  for (std::uint32_t o : {off::kCmdqBase + 4, off::kStrtabBase + 4, off::kCmdqBase + 1, off::kIdr1}) {
    EXPECT_EQ(r.r64(o), 0u) << std::hex << o;
    r.w64(o, ~std::uint64_t{0});
  }
  EXPECT_TRUE(r.d.save() == before) << diff(r.d.save(), before);
}

// Only 32- and 64-bit accesses are architected (§6.2); others read zero and are ignored.
TEST(DeviceRegisters, AccessSizesOtherThanFourOrEightAreRazWi) {
  Rig r;
  r.w32(off::kCr1, 0xD75);
  const DeviceState before = r.d.save();
  const std::size_t installs = r.t.installs;
  for (unsigned bytes : {0u, 1u, 2u, 3u, 5u, 6u, 7u, 16u, 32u}) {
    EXPECT_EQ(r.d.read(off::kIdr0, bytes), 0u) << bytes;
    EXPECT_EQ(r.d.read(off::kCr1, bytes), 0u) << bytes;
    EXPECT_EQ(r.d.read(off::kCidr0, bytes), 0u) << bytes;
    EXPECT_EQ(r.d.write(off::kCr1, 0, bytes), DeviceStatus::idle);
    r.d.write(off::kCr0, 0xD, bytes);
    r.d.write(off::kGbpa, 0x8010'0000, bytes);
    r.d.write(off::kCmdqBase, kCmdq, bytes);
  }
  EXPECT_TRUE(r.d.save() == before) << diff(r.d.save(), before);
  EXPECT_EQ(r.t.installs, installs);
}

// Pages 0 and 1 end at 0x20000; the OPTIONAL pages beyond are not implemented (IDR0.VATOS,
// IDR1.ECMDQ are 0), so every offset from 0x20000 on reads zero and ignores writes.
TEST(DeviceRegisters, OffsetsBeyondPage1AreRazWi) {
  Rig r;
  const DeviceState before = r.d.save();
  for (std::uint32_t o : {0x2'0000u, 0x2'0000u + off::kCr0, 0x2'0000u + off::kIdr0, 0x2'0000u + off::kEventqProd - 0x1'0000,
                          0x3'0A00u, 0x10'0000u, 0x8000'0000u, 0xFFFF'FFF8u, 0xFFFF'FFFCu}) {
    EXPECT_EQ(r.r32(o), 0u) << std::hex << o;
    EXPECT_EQ(r.r64(o & ~7u), 0u) << std::hex << o;
    r.w32(o, kAllOnes);
    r.w64(o & ~7u, ~std::uint64_t{0});
  }
  EXPECT_TRUE(r.d.save() == before) << diff(r.d.save(), before);
}

// §6.2.1: reserved offsets of Page 0 and everything of Page 1 but the queue pointers are RES0;
// registers of features the guest is not shown (S2PII, STATUSR.DORMANT, AGBPA, GATOS_*, MPAM,
// VATOS_SEL, IDR6, DPT_*, the Command queue control pages) read zero and ignore writes.
TEST(DeviceRegisters, ReservedAndUnimplementedOffsetsAreRazWi) {
  Rig r(kFull);
  const DeviceState before = r.d.save();
  const std::size_t installs = r.t.installs;
  const std::uint32_t offsets[] = {off::kS2pii,    off::kS2pii + 4, 0x38,          0x3C,          off::kStatusr,
                                   off::kAgbpa,    0x4C,            0x58,          0x5C,          0x78,
                                   0x7C,           0x8C,            0xE0,          0xFC,          off::kGatosCtrl,
                                   off::kGatosSid, off::kGatosAddr, off::kGatosPar, off::kMpamidr, off::kGmpam,
                                   off::kGbpmpam,  off::kVatosSel,  off::kIdr6,    off::kDptBase, off::kDptBaseCfg,
                                   off::kDptCfgFar, 0x0E00,         0x0FCC,        off::cmdq_control_page_base(0),
                                   off::cmdq_control_page_cfg(0), off::cmdq_control_page_status(255), 0x7FFC,
                                   0x1'0000,       0x1'0000 + off::kCr0, 0x1'0000 + off::kCmdqProd, 0x1'00A0,
                                   0x1'00B0,       0x1'0FFC,        0x1'FFFC};
  for (std::uint32_t o : offsets) {
    r.w32(o, kAllOnes);
    if (o % 8 == 0) r.w64(o, ~std::uint64_t{0});
  }
  for (std::uint32_t o : offsets) {
    EXPECT_EQ(r.r32(o), 0u) << std::hex << o;
    if (o % 8 == 0) {
      EXPECT_EQ(r.r64(o), 0u) << std::hex << o;
    }
  }
  EXPECT_TRUE(r.d.save() == before) << diff(r.d.save(), before);
  EXPECT_EQ(r.t.installs, installs);
}

// §6.2: the Secure registers (0x8000-0xDFFF) are for Secure accesses; the guest's accesses are
// Non-secure and the guest's SMMU has no Secure state: RAZ/WI. In particular S_IDR0 does not
// alias IDR0, and S_CR0 / S_GBPA / S_CMDQ_PROD have no effect.
TEST(DeviceRegisters, SecureRegisterOffsetsAreRazWi) {
  Rig r(kFull, /*two_streams=*/true);
  program_bases(r, kFull, 8);
  const DeviceState before = r.d.save();
  const Effects effects(r.t);
  for (std::uint32_t o = 0x8000; o < 0xE000; o += 4) {
    r.w32(o, kAllOnes);
    if (o % 8 == 0) r.w64(o, ~std::uint64_t{0});
  }
  for (std::uint32_t o : {off::kSIdr0, off::kSIdr1, off::kSCr0, off::kSCr0Ack, off::kSGbpa, off::kSInit,
                          off::kSGerrorn, off::kSStrtabBase, off::kSCmdqProd, off::kSEventqProd, off::kSIrqCtrl}) {
    EXPECT_EQ(r.r32(o), 0u) << std::hex << o;
  }
  for (std::uint32_t o = 0x8000; o < 0xE000; o += 4) {
    ASSERT_EQ(r.r32(o), 0u) << std::hex << o;
    if (o % 8 == 0) {
      ASSERT_EQ(r.r64(o), 0u) << std::hex << o;
    }
  }
  EXPECT_TRUE(r.d.save() == before) << diff(r.d.save(), before);
  EXPECT_TRUE(Effects(r.t) == effects);
}

// =============================================================================================
// The sweep: every offset of Pages 0 and 1, all-ones written, exactly the expected change.
// =============================================================================================

enum class Baseline { reset, enabled };

/// A device in `b` state: after reset with the tables and queue bases programmed (every enable
/// clear), or with everything enabled. Queues are as large as IDR1 allows (2^19), so that every
/// WR/RD bit is a pointer bit (SmmuWrittenPointerBitsAboveTheWrapFlagReadAsZero tests the others).
void prepare(Rig& r, const Features& f, Baseline b) {
  program_bases(r, f, 19);
  if (b == Baseline::enabled) enable_everything(r, f);
}

std::string describe(const Effects& got, const Effects& want) {
  std::ostringstream o;
  o << "installs " << got.installs << " (want " << want.installs << "), submitted " << got.submitted << " (want "
    << want.submitted << "), syncs " << got.syncs << ", signals " << got.signals << " (want " << want.signals
    << "), msis " << got.msis << " (want " << want.msis << "), guest reads " << got.reads << " (want " << want.reads
    << "), guest writes " << got.writes << " (want " << want.writes << ")";
  return o.str();
}

/// Sweeps stop reporting after this many bad offsets.
constexpr int kMaxReportedOffsets = 8;

void sweep32(Features f, Baseline b) {
  f.queue_log2 = 19;
  Rig r(f);
  prepare(r, f, b);
  const DeviceState base = r.d.save();
  if (b == Baseline::enabled) {
    ASSERT_EQ(base.cr0, 0xDu | (f.pri ? 0x2u : 0u) | (f.ats ? 0x10u : 0u));
    ASSERT_EQ(base.irq_ctrl, 0x5u | (f.pri ? 0x2u : 0u));
  }
  const std::vector<Row> rows = writable_rows(f);
  std::vector<const Row*> by_offset(0x2'0000 / 4, nullptr);
  for (const Row& row : rows) by_offset[row.offset / 4] = &row;

  int bad = 0;
  for (std::uint32_t o = 0; o < 0x2'0000 && bad < kMaxReportedOffsets; o += 4) {
    Dev d = r.d;  // the baseline, copied: no reset, no install
    const Effects before(r.t);
    DeviceState want = base;
    const Row* row = by_offset[o / 4];
    if (row != nullptr && !(b == Baseline::enabled && row->guarded)) set(want, row->slot, row->all_ones);

    std::ostringstream why;
    why << std::hex;
    if (d.write(o, kAllOnes, 4) != DeviceStatus::idle) why << "write status not idle; ";
    const DeviceState got = d.save();
    if (!(got == want)) why << diff(got, want);
    if (d.read(o, 4) != expected_read32(o, want, rows))
      why << "read 0x" << d.read(o, 4) << ", want 0x" << expected_read32(o, want, rows) << "; ";
    if (row != nullptr) {
      // Every register (and its aliases and ACK mirror) reads what the state says.
      for (const Row& x : rows)
        if (d.read(x.offset, 4) != (get(want, x.slot) & x.read_mask))
          why << "read of " << x.name << " 0x" << d.read(x.offset, 4) << "; ";
      for (const Row& x : kReadOnlyRows)
        if (d.read(x.offset, 4) != get(want, x.slot)) why << "read of " << x.name << " 0x" << d.read(x.offset, 4) << "; ";
    }
    // Side effects: only SMMUEN 0 -> 1 (CR0) and a GBPA update while SMMUEN == 0 install, one STE
    // per assigned stream, and only SMMUEN reads guest memory (the STE); nothing is ever
    // submitted, synchronised, signalled or written.
    Effects want_effects = before;
    const bool installs = b == Baseline::reset && (o == off::kCr0 || o == off::kGbpa);
    if (installs) want_effects.installs += 1;
    Effects got_effects(r.t);
    if (b == Baseline::reset && o == off::kCr0) {
      if (got_effects.reads == before.reads) why << "SMMUEN did not read the guest's STE; ";
      got_effects.reads = before.reads;
    }
    if (!(got_effects == want_effects)) why << std::dec << describe(got_effects, want_effects);
    if (!why.str().empty()) {
      ADD_FAILURE() << "32-bit all-ones at offset 0x" << std::hex << o << (row ? " (" : "") << (row ? row->name : "")
                    << (row ? ")" : "") << ": " << why.str();
      ++bad;
    }
  }
}

TEST(DeviceRegisters, SweepAllOnesFromResetChangesOnlyTheWrittenRegister) { sweep32(kDefault, Baseline::reset); }
TEST(DeviceRegisters, SweepAllOnesWhileEnabledChangesOnlyUnguardedRegisters) { sweep32(kDefault, Baseline::enabled); }
TEST(DeviceRegisters, SweepAllOnesWithoutMsiOnALinearOnlyGuest) { sweep32(kNoMsiLinear, Baseline::reset); }
TEST(DeviceRegisters, SweepAllOnesWithAtsPriAndBtmFromReset) { sweep32(kFull, Baseline::reset); }
TEST(DeviceRegisters, SweepAllOnesWithAtsPriAndBtmWhileEnabled) { sweep32(kFull, Baseline::enabled); }

/// The same with 64-bit writes at every 8-byte aligned offset: only the 64-bit registers change
/// (both halves), and nothing else happens.
void sweep64(Features f, Baseline b) {
  f.queue_log2 = 19;
  Rig r(f);
  prepare(r, f, b);
  const DeviceState base = r.d.save();
  const std::vector<Row> rows = writable_rows(f);
  int bad = 0;
  for (std::uint32_t o = 0; o < 0x2'0000 && bad < kMaxReportedOffsets; o += 8) {
    Dev d = r.d;
    const Effects before(r.t);
    DeviceState want = base;
    std::uint64_t want_read = 0;
    for (const Row& row : rows) {
      if (row.slot.r64 == nullptr || (row.offset & ~7u) != o) continue;
      if (!(b == Baseline::enabled && row.guarded)) set(want, row.slot, row.all_ones);
    }
    for (const Row& row : rows)
      if (row.slot.r64 != nullptr && row.offset == o) want_read = want.*row.slot.r64;
    std::ostringstream why;
    why << std::hex;
    if (d.write(o, ~std::uint64_t{0}, 8) != DeviceStatus::idle) why << "write status not idle; ";
    const DeviceState got = d.save();
    if (!(got == want)) why << diff(got, want);
    if (d.read(o, 8) != want_read) why << "read 0x" << d.read(o, 8) << ", want 0x" << want_read << "; ";
    if (!(Effects(r.t) == before)) why << std::dec << describe(Effects(r.t), before);
    if (!why.str().empty()) {
      ADD_FAILURE() << "64-bit all-ones at offset 0x" << std::hex << o << ": " << why.str();
      ++bad;
    }
  }
}

TEST(DeviceRegisters, Sweep64AllOnesFromResetChangesOnly64BitRegisters) { sweep64(kFull, Baseline::reset); }
TEST(DeviceRegisters, Sweep64AllOnesWhileEnabledChangesNothingGuarded) { sweep64(kFull, Baseline::enabled); }
TEST(DeviceRegisters, Sweep64AllOnesWithoutMsi) { sweep64(kNoMsiLinear, Baseline::reset); }

// The sweep's reads at reset: every offset of both pages reads its reset value.
TEST(DeviceRegisters, EveryOffsetReadsItsResetValue) {
  for (const Features& f : {kDefault, kFull}) {
    Rig r(f);
    const DeviceState s = r.d.save();
    const std::vector<Row> rows = writable_rows(f);
    for (std::uint32_t o = 0; o < 0x2'0000; o += 4) {
      std::uint32_t want = expected_read32(o, s, rows);
      if (o == off::kGbpa) {
        ASSERT_EQ(want, 0x1000u);
      }
      ASSERT_EQ(r.r32(o), want) << std::hex << o;
    }
  }
}

}  // namespace
