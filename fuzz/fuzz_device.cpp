// SPDX-License-Identifier: MIT
// libFuzzer target: the vSMMU Device (include/vsmmu/device.hpp) driven by a script of guest and
// host actions, against a shadow model of what the guest may observe.
//
// The input is an 8-byte header (the guest's SMMU, the host's stage 2, the work budget and the
// first stream map) and then a script: an action byte and that action's fixed-size operands,
// repeated (fuzz/README.md, "fuzz_device", has the tables). Actions are MMIO reads and writes of
// any offset and width, guest memory writes (commands at the guest's producer index, STEs and
// L1STDs where the guest's own Stream table puts them, raw bytes), CMDQ_PROD bumps, poll(),
// physical events, host failures (submit, sync, MSI, read and write aborts), save -> restore
// into a new Device, reset, stream map changes, a Linux-like probe and its error recovery.
//
// The shadow model is written from IHI 0070 G.b, not from device.hpp: the register file
// (§6.3: which bits each register holds, which enable guards it, what reads back), the queues
// (§3.5.1 pointer arithmetic, §6.3.26-§6.3.31 bases and sizes), the Command queue's consumption
// and errors (§4.1.3, §4.7.3, §7.1), the Event queue (§7.2, §7.4), global errors and their
// interrupts (§3.18, §7.5) and the Stream table walk (§3.3.2, §5.1, §6.3.24-§6.3.25). Where the
// model needs a judgement that is the sanitizer's (is this command legal for this guest, what
// physical commands implement it, what physical STE a guest STE becomes, what event the guest
// sees), it asks sanitize_command, sanitize_ste and guest_event one record at a time
// (fuzz_sanitizer checks those): so the device's batching, budgeting, re-reading and ordering
// are checked, not re-derived.
//
// After every action: every register reads as the model says (and the ID registers never
// change); the SMMU-written fields (CMDQ_CONS, GERROR, EVENTQ_PROD) moved only as the
// architecture allows, and exactly as the model predicts from what the device was given; the
// physical commands are, in order, the sanitizer's translation of the guest commands between the
// old and new CMDQ_CONS, only for the map's pSIDs and the guest's VMID; every installed STE is
// the sanitizer's result for the STE the guest's table holds (or SMMU_GBPA's), never bypasses
// stage 2 and carries the host's stage 2; every read_guest / write_guest / write_msi is a
// structure, queue slot or MSI target the guest programmed, inside guest RAM; every interrupt
// and MSI is one the model expects, in order; the work per call is within a bound derived from
// DeviceOptions::work_budget; and save() -> restore() into a fresh Device reads back the same.
// A violation prints the step, the action and the property, then traps, so libFuzzer saves the
// input. VSMMU_FUZZ_TRACE=1 prints every action (to write or read a seed).
#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "smmuv3/smmuv3.hpp"
#include "support/test_traits.hpp"
#include "vsmmu/vsmmu.hpp"

namespace {

namespace reg = smmuv3::reg;
namespace off = smmuv3::reg::offset;
using smmuv3::Opcode;
using smmuv3::Words;
using vsmmu::DeviceStatus;
using vsmmu::EventStatus;
using vsmmu::GuestSignal;
using vsmmu_test::TestTraits;
using W2 = Words<2>;
using W4 = Words<4>;
using W8 = Words<8>;

constexpr std::uint64_t kRam = TestTraits::kRamBase;
constexpr std::uint64_t kRamBytes = TestTraits::kRamBytes;

// =============================================================================================
// Failure reporting
// =============================================================================================

std::size_t g_step = 0;
const char* g_action = "setup";
bool g_trace = false;

[[noreturn]] void fail(int line, const char* what) {
  std::fprintf(stderr, "fuzz_device.cpp:%d: step %zu (%s): property violated: %s\n", line, g_step, g_action, what);
  __builtin_trap();
}
#define CHECK(cond, what) ((cond) ? void() : fail(__LINE__, what))

/// Reads the input front to back; past the end every byte reads as zero.
struct Reader {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t at = 0;
  bool done() const noexcept { return at >= size; }
  std::uint8_t u8() noexcept { return at < size ? data[at++] : 0; }
  std::uint64_t le(unsigned bytes) noexcept {
    std::uint64_t v = 0;
    for (unsigned i = 0; i < bytes; ++i) v |= std::uint64_t{u8()} << (8 * i);
    return v;
  }
};

// =============================================================================================
// The register file as IHI 0070 G.b §6.3 defines it for this guest's ID registers
// =============================================================================================

constexpr std::uint32_t kSmmuEn = 1u << 0, kPriqEn = 1u << 1, kEventqEn = 1u << 2, kCmdqEn = 1u << 3;  // §6.3.9
constexpr std::uint32_t kAtsChk = 1u << 4, kVmw = 7u << 6;
constexpr std::uint32_t kCr1Queue = 0x03F, kCr1Table = 0xFC0;  // §6.3.11 QUEUE_{IC,OC,SH}, TABLE_{IC,OC,SH}
constexpr std::uint32_t kRecInvSid = 1u << 1, kPtm = 1u << 2, kRecCfgAts = 1u << 3;  // §6.3.12
// §6.3.14 SMMU_GBPA: MemAttr [3:0], MTCFG [4], ALLOCCFG [11:8], SHCFG [13:12], PRIVCFG [17:16],
// INSTCFG [19:18], ABORT [20], Update [31].
constexpr std::uint32_t kGbpaFields = 0x001F'3F1F, kGbpaAbort = 1u << 20, kGbpaUpdate = 1u << 31;
constexpr std::uint32_t kGbpaShcfgIncoming = 1u << 12;  // SHCFG == 0b01, "use incoming"
constexpr std::uint32_t kGerrorIrqEn = 1u << 0, kPriqIrqEn = 1u << 1, kEventqIrqEn = 1u << 2;  // §6.3.16
// §6.3.19 SMMU_GERROR.
constexpr std::uint32_t kCmdqErr = 1u << 0, kEventqAbtErr = 1u << 2, kPriqAbtErr = 1u << 3, kMsiCmdqAbtErr = 1u << 4,
                        kMsiEventqAbtErr = 1u << 5, kMsiPriqAbtErr = 1u << 6, kMsiGerrorAbtErr = 1u << 7,
                        kSfmErr = 1u << 8;
constexpr std::uint64_t kIrqCfg0Addr = 0x00FF'FFFF'FFFF'FFFC;       // §6.3.21 ADDR [55:2]
constexpr std::uint32_t kIrqCfg2Fields = 0x3F;                      // §6.3.23 SH [5:4], MemAttr [3:0]
constexpr std::uint32_t kPriqIrqCfg2Lo = 1u << 31;                  // §6.3.36 LO
constexpr std::uint64_t kStrtabBaseFields = 0x40FF'FFFF'FFFF'FFC0;  // §6.3.24 RA [62], ADDR [55:6]
constexpr std::uint32_t kStrtabLog2Size = 0x3F, kStrtabSplit = 0x1F << 6, kStrtabFmt = 3u << 16;  // §6.3.25
constexpr std::uint64_t kQueueBaseFields = 0x40FF'FFFF'FFFF'FFFF;  // §6.3.26 RA/WA [62], ADDR [55:5], LOG2SIZE [4:0]
constexpr std::uint64_t kQueueAddr = 0x00FF'FFFF'FFFF'FFE0;
constexpr std::uint32_t kWrRd = 0x000F'FFFF;                                    // §6.3.27-§6.3.28 WR / RD [19:0]
constexpr std::uint32_t kConsErrShift = 24, kConsErr = 0x7Fu << kConsErrShift;  // §6.3.28 ERR [30:24]
constexpr std::uint32_t kOvFlg = 1u << 31;                                      // §6.3.95-§6.3.96 OVFLG / OVACKFLG
constexpr std::uint32_t kCerrorIll = 1, kCerrorAbt = 2;                         // §7.1

/// The bits of each register this guest's SMMU implements: the fields §6.3 defines, minus the
/// ones that are RES0 for the features its ID registers do not show.
struct Masks {
  std::uint32_t cr0 = 0, cr2 = 0, irq_ctrl = 0, gerror = 0, irq_cfg1 = 0, irq_cfg2 = 0, priq_irq_cfg2 = 0;
  std::uint32_t strtab_base_cfg = 0;
  std::uint64_t irq_cfg0 = 0;
  bool pri = false, msi = false;
};

Masks masks_for(const vsmmu::GuestIdrs& idr) {
  Masks m{};
  m.pri = idr.idr0.pri;
  m.msi = idr.idr0.msi;
  // §6.3.9: PRIQEN RES0 without PRI, ATSCHK without ATS, VMW without SMMU_IDR0.VMW.
  m.cr0 =
      kSmmuEn | kEventqEn | kCmdqEn | (m.pri ? kPriqEn : 0) | (idr.idr0.ats ? kAtsChk : 0) | (idr.idr0.vmw ? kVmw : 0);
  // §6.3.12: E2H needs SMMU_IDR0.Hyp (a stage-1-only guest never has it), PTM needs BTM,
  // REC_CFG_ATS needs ATSRECERR.
  m.cr2 = kRecInvSid | (idr.idr0.btm ? kPtm : 0) | (idr.idr0.ats_rec_err ? kRecCfgAts : 0);
  m.irq_ctrl = kGerrorIrqEn | kEventqIrqEn | (m.pri ? kPriqIrqEn : 0);
  // §6.3.19: PRIQ bits need PRI, MSI_* bits need MSI.
  m.gerror = kCmdqErr | kEventqAbtErr | kSfmErr | (m.pri ? kPriqAbtErr : 0) |
             (m.msi ? kMsiCmdqAbtErr | kMsiEventqAbtErr | kMsiGerrorAbtErr : 0) | (m.msi && m.pri ? kMsiPriqAbtErr : 0);
  // §6.3.21-§6.3.23, §6.3.30-§6.3.36: the IRQ_CFG registers are RES0 without MSI.
  m.irq_cfg0 = m.msi ? kIrqCfg0Addr : 0;
  m.irq_cfg1 = m.msi ? 0xFFFF'FFFFu : 0;
  m.irq_cfg2 = m.msi ? kIrqCfg2Fields : 0;
  m.priq_irq_cfg2 = m.msi && m.pri ? kIrqCfg2Fields | kPriqIrqCfg2Lo : 0;
  // §6.3.25: FMT and SPLIT are RES0 with a linear-only Stream table.
  m.strtab_base_cfg = kStrtabLog2Size | (idr.idr0.st_level == reg::StLevel::two_level ? kStrtabSplit | kStrtabFmt : 0);
  return m;
}

/// Everything the guest can read back from Pages 0 and 1 besides the ID registers.
struct Shadow {
  std::uint32_t cr0 = 0, cr1 = 0, cr2 = 0, gbpa = 0, irq_ctrl = 0, gerror = 0, gerrorn = 0;
  std::uint64_t gerror_irq_cfg0 = 0;
  std::uint32_t gerror_irq_cfg1 = 0, gerror_irq_cfg2 = 0;
  std::uint64_t strtab_base = 0;
  std::uint32_t strtab_base_cfg = 0;
  std::uint64_t cmdq_base = 0;
  std::uint32_t cmdq_prod = 0, cmdq_cons = 0;
  std::uint64_t eventq_base = 0;
  std::uint32_t eventq_prod = 0, eventq_cons = 0;
  std::uint64_t eventq_irq_cfg0 = 0;
  std::uint32_t eventq_irq_cfg1 = 0, eventq_irq_cfg2 = 0;
  std::uint64_t priq_base = 0;
  std::uint32_t priq_prod = 0, priq_cons = 0;
  std::uint64_t priq_irq_cfg0 = 0;
  std::uint32_t priq_irq_cfg1 = 0, priq_irq_cfg2 = 0;
};

std::uint32_t active(const Shadow& s) { return s.gerror ^ s.gerrorn; }

// §3.5.1 queue arithmetic, from the register values.
/// QS: LOG2SIZE capped at SMMU_IDR1.xQS (§6.3.26) and at 19 (the widest WR/RD index).
unsigned queue_qs(std::uint64_t base, unsigned idr_max) {
  const unsigned l = static_cast<unsigned>(base & 31);
  return std::min({l, idr_max, 19u});
}
std::uint32_t ptr_mask(unsigned qs) { return (2u << qs) - 1; }  // WR/RD [QS:0]: index and wrap
std::uint32_t idx_mask(unsigned qs) { return (1u << qs) - 1; }
/// Entries from cons to prod reading {wrap, index} as one number: at most 2^QS when consistent.
std::uint32_t q_used(std::uint32_t prod, std::uint32_t cons, unsigned qs) { return (prod - cons) & ptr_mask(qs); }
/// §6.3.26: ADDR with the bits below the larger of the queue's size and 32 bytes ignored.
std::uint64_t queue_addr(std::uint64_t base, unsigned qs, unsigned entry_bytes) {
  const std::uint64_t bytes = std::uint64_t{entry_bytes} << qs;
  return base & kQueueAddr & ~(std::max<std::uint64_t>(bytes, 32) - 1);
}
/// §6.3.28, §6.3.95: in a pointer the SMMU writes, bits [19:QS+1] read as zero.
std::uint32_t smmu_written(std::uint32_t v, unsigned qs) { return v & ~(kWrRd & ~ptr_mask(qs)); }

// =============================================================================================
// The case: the guest's SMMU, the host, the options, the first stream map (the 8-byte header)
// =============================================================================================

struct Case {
  vsmmu::Policy policy{};
  vsmmu::DeviceOptions options{};
  smmuv3::Ste stage2{};
  Masks masks{};
  unsigned cmdq_qs_max = 0, eventq_qs_max = 0, priq_qs_max = 0;
  std::uint64_t oas_mask = 0;
  std::uint32_t idr[6] = {};     // IDR0, IDR1, IDR2, IDR3, IDR5, AIDR as read
  W8 stage2_only{};              ///< the host's stage 2 alone, with the guest's VMID (Config 0b110)
  bool template_usable = false;  ///< sanitize_ste can use the stage 2 template (else every stream is blocked)
  bool ok = false;
};

template <class R>
std::uint32_t raw(const R& r) {
  return static_cast<std::uint32_t>(reg::encode(r).words[0]);
}

/// A host with nesting and every feature a guest can be shown (header bytes toggle them).
vsmmu::HostIdrs host_idrs(std::uint8_t h0, std::uint8_t h2, std::uint8_t h3) {
  reg::Idr0 i0{};
  i0.s1p = i0.s2p = true;
  i0.ttf = reg::Ttf::vmsav8_64;
  i0.st_level = reg::StLevel::two_level;
  i0.tt_endian = reg::TtEndian::little;
  i0.cohacc = i0.btm = i0.cd2l = i0.asid16 = true;
  i0.ats = i0.pri = true;
  i0.vmid16 = (h3 & 0x80) == 0;
  constexpr reg::StallModel kStall[] = {reg::StallModel::terminate_only, reg::StallModel::stall_and_terminate,
                                        reg::StallModel::stall_and_terminate, reg::StallModel::stall_forced};
  i0.stall_model = kStall[(h0 >> 6) & 3];
  reg::Idr1 i1{};
  i1.cmdqs = i1.eventqs = i1.priqs = 19;
  i1.ssidsize = 20;
  i1.sidsize = 32;
  reg::Idr3 i3{};
  i3.ril = (h2 & 0x80) == 0;
  reg::Idr5 i5{};
  i5.gran4k = i5.gran64k = true;
  i5.oas = reg::Oas::pa48;
  reg::Aidr a{};
  constexpr reg::ArchMinorRev kRev[] = {reg::ArchMinorRev::smmuv3_1, reg::ArchMinorRev::smmuv3_0,
                                        reg::ArchMinorRev::smmuv3_2, reg::ArchMinorRev::smmuv3_3};
  a.arch_minor_rev = kRev[(h2 >> 5) & 3];
  return vsmmu::HostIdrs{raw(i0), raw(i1), raw(i3), raw(i5), raw(a)};
}

struct InitialStream {
  std::uint32_t vsid, psid;
};
constexpr std::uint32_t kVsidPool[16] = {0x8,  0x10,  0x0,   0x1,    0x2,     0x3F,       0x40, 0x100,
                                         0xFF, 0x101, 0x7FF, 0xFFFF, 0x10000, 0x12345678, 0x3,  0xFFFFFFFF};

/// Header: see fuzz/README.md ("fuzz_device", "Header"). All zero: a 2-level, MSI-capable
/// guest with 2^8 commands, 2^7 events, 16-bit StreamIDs, VMID 7, budget 256, vSIDs 0x8 and 0x10.
Case make_case(Reader& in, std::vector<InitialStream>& streams) {
  const std::uint8_t h[8] = {in.u8(), in.u8(), in.u8(), in.u8(), in.u8(), in.u8(), in.u8(), in.u8()};
  Case c{};
  vsmmu::GuestConfig g{};
  g.msi = (h[0] & 0x01) == 0;
  g.two_level_stream_table = (h[0] & 0x02) == 0;
  g.ats = (h[0] & 0x04) != 0;
  g.pri = g.ats && (h[0] & 0x08) != 0;
  g.sev = (h[0] & 0x10) != 0;
  g.btm = (h[0] & 0x20) != 0;
  g.stall = ((h[0] >> 6) & 3) >= 2;  // host stall model 1 hides stalls from the guest
  constexpr std::uint8_t kCmdq[] = {8, 1, 2, 3, 4, 5, 6, 0};
  constexpr std::uint8_t kEventq[] = {7, 1, 2, 3, 4, 5, 6, 0};
  g.cmdq_log2 = kCmdq[h[1] & 7];
  g.eventq_log2 = kEventq[(h[1] >> 3) & 7];
  constexpr unsigned kIpa[] = {40, 32, 36, 48};
  g.ipa_bits = kIpa[(h[1] >> 6) & 3];
  constexpr std::uint8_t kSid[] = {16, 8, 4, 12, 20, 32, 1, 0};
  g.sid_bits = kSid[h[2] & 7];
  constexpr std::uint8_t kSsid[] = {0, 20, 8, 1};
  g.ssid_bits = kSsid[(h[2] >> 3) & 3];
  g.vmid = h[5] == 0 ? 7 : h[5];
  const vsmmu::PolicyResult pr = vsmmu::make_policy(host_idrs(h[0], h[2], h[3]), g);
  if (!pr.ok()) return c;
  c.policy = pr.policy;
  // One entry of the opcode table tightened (a policy may only lower an action).
  if (const unsigned a = h[7] & 3; a != 0) c.policy.commands[h[6]] = static_cast<vsmmu::CommandAction>(a - 1);
  const unsigned budget = h[3] & 0x3F;
  c.options.work_budget = budget == 0 ? 256 : budget - 1;
  c.options.gbpa_abort_at_reset = (h[3] & 0x40) != 0;

  // The host's stage 2 for every stream: TestTraits' template, made to cover the guest's OAS
  // (a hypervisor's stage 2 covers the guest's IPA space), with the header's choices. Header
  // byte 7 bit 6 breaks it (S2AA64 == 0): every stream then fails closed.
  static const smmuv3::Ste kTestTemplate = TestTraits{}.stage2;  // built once: TestTraits holds 4 MiB of RAM
  c.stage2 = kTestTemplate;
  const unsigned guest_oas = reg::oas_bits(c.policy.idr.idr5.oas);
  c.stage2.s2_t0sz = static_cast<std::uint8_t>(64 - guest_oas);
  c.stage2.s2_sl0 = guest_oas > 39 ? 2 : 1;  // 4 KB granule: start at level 0 above 39 bits
  c.stage2.s2_ps = guest_oas > 44 ? smmuv3::S2Ps::pa_48 : smmuv3::S2Ps::pa_44;
  const reg::StallModel host_stall = c.policy.host_stall_model;
  c.stage2.s2_s = host_stall == reg::StallModel::stall_forced;  // §5.2 S2S: required when stalls are forced
  c.stage2.s1_stalld = (h[7] & 0x04) != 0 && host_stall == reg::StallModel::stall_and_terminate;
  c.stage2.eats = (h[7] & 0x08) != 0 ? smmuv3::Eats::full : smmuv3::Eats::abort;
  c.stage2.dre = (h[7] & 0x10) != 0;
  c.stage2.dcp = (h[7] & 0x20) != 0;
  c.stage2.s2_aa64 = (h[7] & 0x40) == 0;
  c.stage2.s2_vmid = c.policy.vmid;
  // The host's stage 2 alone (Config 0b110), what SMMU_GBPA bypass and a guest bypass STE
  // become: MEV set, EATS 0 (the guest's "bypass" is stage 1 bypass).
  smmuv3::Ste s2 = c.stage2;
  s2.mev = true;
  s2.eats = smmuv3::Eats::abort;
  c.stage2_only = smmuv3::encode(s2).words;
  c.template_usable = vsmmu::host_ste_problem(c.policy, c.stage2) == nullptr;

  constexpr unsigned kCount[] = {2, 0, 1, 3, 4, 7, 11, 16};
  const unsigned n = kCount[h[4] & 7];
  for (unsigned i = 0; i < n; ++i) streams.push_back({kVsidPool[((h[4] >> 3) + i) % 16], 0x1000 + 0x11 * i});

  const vsmmu::GuestIdrs& idr = c.policy.idr;
  c.masks = masks_for(idr);
  c.cmdq_qs_max = idr.idr1.cmdqs;
  c.eventq_qs_max = idr.idr1.eventqs;
  c.priq_qs_max = idr.idr1.priqs;
  const unsigned oas = reg::oas_bits(idr.idr5.oas);
  c.oas_mask = oas >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << oas) - 1;
  c.idr[0] = raw(idr.idr0);
  c.idr[1] = raw(idr.idr1);
  c.idr[2] = raw(idr.idr2);
  c.idr[3] = raw(idr.idr3);
  c.idr[4] = raw(idr.idr5);
  c.idr[5] = raw(idr.aidr);
  c.ok = true;
  return c;
}

// =============================================================================================
// The guest's Stream table as §3.3.2, §5.1, §6.3.24-§6.3.25 place it
// =============================================================================================

struct Table {
  bool two_level = false;
  unsigned split = 0, log2 = 0;
  std::uint64_t base = 0;
  bool above_oas = false;
};

Table table_of(const Case& c, const Shadow& s) {
  Table t{};
  const unsigned fmt = (s.strtab_base_cfg >> 16) & 3, split = (s.strtab_base_cfg >> 6) & 31,
                 log2 = s.strtab_base_cfg & 63;
  // FMT 0b01 is 2-level; the Reserved values behave as linear here (and FMT is RES0 without
  // ST_LEVEL, which the register mask already enforces).
  t.two_level = fmt == 1;
  // SPLIT: 6, 8 or 10; "other values are Reserved, behave as 6".
  t.split = t.two_level ? (split == 8 || split == 10 ? split : 6) : 0;
  // The effective LOG2SIZE is MIN(LOG2SIZE, SMMU_IDR1.SIDSIZE).
  t.log2 = std::min<unsigned>(log2, c.policy.idr.idr1.sidsize);
  // ADDR[LOG2SIZE + 5:0] (linear) or ADDR[MAX(5, LOG2SIZE - SPLIT + 2):0] (2-level) are zero,
  // with the literal LOG2SIZE: the SMMU ignores them.
  const int top =
      t.two_level ? std::max(5, static_cast<int>(log2) - static_cast<int>(t.split) + 2) : static_cast<int>(log2) + 5;
  const std::uint64_t addr = s.strtab_base & 0x00FF'FFFF'FFFF'FFC0;
  t.base = top >= 63 ? 0 : addr & ~((std::uint64_t{2} << top) - 1);
  t.above_oas = (t.base & ~c.oas_mask) != 0;
  return t;
}

bool readable(const TestTraits& t, std::uint64_t ipa, std::size_t bytes) {
  return t.in_ram(ipa, bytes) && !TestTraits::hits(t.read_aborts, ipa, bytes);
}
bool writable(const TestTraits& t, std::uint64_t ipa, std::size_t bytes) {
  return t.in_ram(ipa, bytes) && !TestTraits::hits(t.write_aborts, ipa, bytes);
}

/// Where the SMMU looks for one StreamID's STE, given guest memory now.
struct Walk {
  bool l1 = false, ste = false;
  std::uint64_t l1_addr = 0, ste_addr = 0;
};

/// §5.1 L1STD: the Level 2 table it locates for SPLIT, or nothing when it is invalid.
std::optional<std::pair<std::uint64_t, std::uint32_t>> l1std_target(const Case& c, std::uint64_t d, unsigned split) {
  // RES0 bit 5 and bits [63:56] (this implementation, as for every structure: invalid).
  if ((d & 0xFF00'0000'0000'0020) != 0) return std::nullopt;
  // Span 0 is invalid, 12..31 Reserved (behave as 0), and more than SPLIT + 1 out of bounds.
  const unsigned span = d & 31;
  if (span == 0 || span > 11 || span - 1 > split) return std::nullopt;
  // L2Ptr[5 + Span - 1:0] are treated as 0; bits above the OAS make the fetch fail.
  const std::uint64_t l2 = d & 0x00FF'FFFF'FFFF'FFC0 & ~((std::uint64_t{1} << (span + 5)) - 1);
  if ((l2 & ~c.oas_mask) != 0) return std::nullopt;
  return std::pair{l2, 1u << (span - 1)};
}

Walk walk(const Case& c, const Table& tb, const TestTraits& t, std::uint32_t vsid) {
  Walk w{};
  if (tb.log2 < 32 && (std::uint64_t{vsid} >> tb.log2) != 0) return w;  // C_BAD_STREAMID
  if (tb.above_oas) return w;                                           // F_STE_FETCH, nothing read
  if (!tb.two_level) {
    w.ste = true;
    w.ste_addr = tb.base + std::uint64_t{vsid} * 64;
    return w;
  }
  w.l1 = true;
  w.l1_addr = tb.base + std::uint64_t{vsid >> tb.split} * 8;
  if (!readable(t, w.l1_addr, 8)) return w;
  const auto l2 = l1std_target(c, t.peek64(w.l1_addr), tb.split);
  const std::uint32_t index = vsid & ((1u << tb.split) - 1);
  if (!l2 || index >= l2->second) return w;  // §5.1.1: beyond the Level 2 array's STEs
  w.ste = true;
  w.ste_addr = l2->first + std::uint64_t{index} * 64;
  return w;
}

// =============================================================================================
// What the device did during one call (in order) and what it may do
// =============================================================================================

enum class Call : std::uint8_t {
  none,      ///< nothing may reach guest memory, the host or the guest's interrupts
  installs,  ///< every assigned stream installed once (constructor, reset, restore, map change)
  mmio,      ///< a guest register write (installs / processes as the model says)
  poll,      ///< poll(): commands only
  event,     ///< report_event
};

enum class Fx : std::uint8_t { read, write, install, submit, sync, signal, msi };

struct Effect {
  Fx kind = Fx::read;
  bool ok = false;
  std::uint64_t addr = 0;   ///< guest address read or written; MSI address
  std::uint32_t bytes = 0;  ///< read / write length; installed pSID; commands submitted
  bool command = false;     ///< a read of Command queue entries (else of the Stream table)
  std::uint32_t data = 0;   ///< MSI data (write_msi, or a 4-byte CMD_SYNC MSI write)
  std::size_t first = 0;    ///< submit: index of its first command in Run::phys; sync: phys.size() then
  std::uint8_t attr = 0;    ///< MSI memory attributes
  GuestSignal sig = GuestSignal::eventq_irq;
  // Notifications: CMDQ_CONS, EVENTQ_PROD and GERROR as the guest would have read them then.
  std::uint32_t snap_cons = 0, snap_eventq_prod = 0, snap_gerror = 0;
};

/// A guest register read of the device under test (defined once the device type exists).
std::uint32_t device_read32(std::uint32_t offset);

/// One guest notification: a wired signal, an MSI (write_msi) or a CMD_SYNC MSI written to
/// guest RAM (Fx::write), with what must already be visible when it happens.
struct Note {
  enum class After : std::uint8_t {
    sync_consumed,   ///< CMDQ_CONS is past the CMD_SYNC at position `pos` (§4.7.3)
    record_visible,  ///< EVENTQ_PROD has moved (§7.2)
    gerror_raised,   ///< GERROR has bit `pos` toggled; for CMDQ_ERR, CONS.ERR is set (§7.1, §7.5)
  };
  Fx kind;
  GuestSignal sig;  ///< signals only
  std::uint64_t addr;
  std::uint32_t data;
  std::uint8_t attr;
  After after;
  std::uint32_t pos;
  bool is(const Effect& e) const {
    return kind == e.kind && (kind != Fx::signal || sig == e.sig) && addr == e.addr && data == e.data && attr == e.attr;
  }
};

struct Run {
  Case c{};
  TestTraits* t = nullptr;
  Shadow s{};                ///< the model: what the guest reads back (updated as each call ends)
  std::uint32_t g_prod = 0;  ///< the guest driver's own Command queue producer index

  // The call in progress.
  Call call = Call::none;
  bool may_install = false, may_process = false;
  Shadow pre{};  ///< the registers the call starts from, guest write applied
  std::uint32_t event_vsid = 0;
  std::vector<Effect> fx;
  std::vector<W2> phys;        ///< physical commands the host accepted in this call, in order
  std::array<W2, 256> seen{};  ///< command entries read in this call, by position from CMDQ_CONS
  std::array<bool, 256> seen_ok{};
  std::vector<std::uint64_t> sync_msi;                       ///< MSI targets of the CMD_SYNCs read in this call
  bool dev_ready = false;                                    ///< the device exists (not while it is being constructed)
  std::vector<std::pair<std::uint64_t, std::size_t>> dirty;  ///< guest RAM the script wrote
};

Run g_run;

bool processing(const Shadow& s) {
  return (s.cr0 & kCmdqEn) != 0 && (active(s) & kCmdqErr) == 0;  // §7.1
}

// =============================================================================================
// Physical records the host receives
// =============================================================================================

W8 abort_ste() {
  W8 w{};
  w[0] = 1;  // V = 1, Config = 0b000 (§5.2): abort, no event
  return w;
}

/// The STE the host must install for vsid: SMMU_GBPA's while SMMUEN == 0 (§6.3.14), else the
/// sanitizer's verdict on the STE the guest's table holds, all-zero when there is none.
W8 expected_ste(const Run& r, const Shadow& s, std::uint32_t vsid) {
  // A stage 2 template the sanitizer cannot use blocks every stream (it fails closed).
  if (!r.c.template_usable) return W8{};
  if ((s.cr0 & kSmmuEn) == 0) return (s.gbpa & kGbpaAbort) != 0 ? abort_ste() : r.c.stage2_only;
  const Walk w = walk(r.c, table_of(r.c, s), *r.t, vsid);
  if (!w.ste || !readable(*r.t, w.ste_addr, 64)) return W8{};
  return vsmmu::sanitize_ste(r.c.policy, r.t->peek<8>(w.ste_addr), r.c.stage2).physical;
}

/// What no physical STE may ever be (§5.2): stage 2 bypassed or another VM's, or not the host's.
void check_physical_ste(const Run& r, const W8& p) {
  namespace ste = smmuv3::ste;
  if (!smmuv3::any(p)) return;  // V == 0: the hardware blocks the stream (C_BAD_STE)
  CHECK(ste::V::get(p) == 1, "an installed STE with V == 0 but other bits set");
  const auto config = ste::Config::get(p);
  if (config == 0) {
    CHECK(p == abort_ste(), "an abort STE with other fields set");
    return;
  }
  CHECK(config == 0b110 || config == 0b111, "an installed STE bypasses stage 2 (Config not 0b000/0b11x)");
  const W8& h = r.c.stage2_only;
  if (config == 0b110) {
    CHECK(p == h, "a stage-2-only STE that is not exactly the host's stage 2");
    return;
  }
  for (std::size_t i = 2; i < 8; ++i) CHECK(p[i] == h[i], "a nested STE whose stage 2 words are not the host's");
  CHECK(ste::S2Vmid::get(p) == r.c.policy.vmid, "a nested STE with another VMID");
  CHECK(ste::Mev::get(p) == 1 && ste::Strw::get(p) == 0, "a nested STE with MEV == 0 or StreamWorld not NS-EL1");
  CHECK((ste::S1ContextPtr::get(p) & ~r.c.oas_mask) == 0, "a nested STE with S1ContextPtr above the guest's OAS");
}

bool forwards(const vsmmu::Policy& p, Opcode op) {
  return vsmmu::command_action(p, static_cast<std::uint8_t>(op)) == vsmmu::CommandAction::forward;
}

std::optional<std::uint32_t> vsid_of(const TestTraits& t, std::uint32_t psid) {
  for (std::size_t i = 0; i < t.map.size(); ++i)
    if (t.map[i].psid == psid) return t.map[i].vsid;
  return std::nullopt;
}

/// What no physical command may ever be (§4): an opcode the guest may not have forwarded,
/// Secure, another VM's VMID or a StreamID that is not this guest's.
void check_physical_command(const Run& r, const W2& w) {
  const vsmmu::Policy& p = r.c.policy;
  const Opcode op = smmuv3::command_opcode(w);
  bool ok_op = false;
  switch (op) {
    case Opcode::cfgi_ste: ok_op = forwards(p, Opcode::cfgi_ste) || forwards(p, Opcode::cfgi_ste_range); break;
    case Opcode::tlbi_nh_all: ok_op = forwards(p, Opcode::tlbi_nh_all) || forwards(p, Opcode::tlbi_nsnh_all); break;
    case Opcode::cfgi_cd:
    case Opcode::cfgi_cd_all:
    case Opcode::tlbi_nh_asid:
    case Opcode::tlbi_nh_va:
    case Opcode::tlbi_nh_vaa:
    case Opcode::atc_inv:
    case Opcode::pri_resp:
    case Opcode::resume:
    case Opcode::stall_term: ok_op = forwards(p, op); break;
    default: break;  // CMD_SYNC, ranges, EL2/EL3/stage 2 TLBIs, prefetches never reach the host
  }
  CHECK(ok_op, "a physical command with an opcode the policy does not forward");
  CHECK(!smmuv3::any(smmuv3::command_res0_bits(w)), "a physical command with a RES0 bit set");
  switch (op) {
    case Opcode::cfgi_ste:
      CHECK(smmuv3::cmd::Leaf::get(w) == 0, "a physical CFGI_STE with Leaf == 1 (the L1STD is the guest's)");
      [[fallthrough]];
    case Opcode::cfgi_cd:
    case Opcode::cfgi_cd_all:
    case Opcode::resume:
    case Opcode::stall_term:
      CHECK(smmuv3::cmd::Ssec::get(w) == 0, "a physical command with SSec == 1");
      [[fallthrough]];
    case Opcode::atc_inv:
    case Opcode::pri_resp:
      CHECK(vsid_of(*r.t, static_cast<std::uint32_t>(smmuv3::cmd::StreamId::get(w))).has_value(),
            "a physical command for a StreamID that is not one of the guest's pSIDs");
      break;
    default:
      CHECK(smmuv3::cmd::Vmid::get(w) == r.c.policy.vmid, "a physical TLBI with a VMID other than the guest's");
      break;
  }
}

// =============================================================================================
// The traits: TestTraits' guest RAM, map, stage 2 and failure injection, every call checked
// =============================================================================================

/// The MSI target a CMD_SYNC names (§4.7.3): MSIAddress[55:2], truncated to the OAS.
std::uint64_t sync_msi_address(const Case& c, const W2& w) { return smmuv3::cmd::SyncMsiAddress::get(w) & c.oas_mask; }

struct FuzzTraits {
  bool read_guest(std::uint64_t ipa, unsigned char* dst, std::size_t bytes) noexcept {
    Run& r = g_run;
    const Shadow& s = r.pre;
    bool command = false;
    std::uint32_t pos = 0;
    // A command read: a run of whole entries from CMDQ_CONS towards CMDQ_PROD, in one lap of the
    // ring (§3.5, §6.3.26), while the queue is consumed.
    if (r.may_process && processing(s)) {
      const unsigned qs = queue_qs(s.cmdq_base, r.c.cmdq_qs_max);
      const std::uint64_t base = queue_addr(s.cmdq_base, qs, 16);
      const std::uint32_t used = q_used(s.cmdq_prod, s.cmdq_cons, qs);
      if (ipa >= base && (ipa - base) % 16 == 0 && bytes != 0 && bytes % 16 == 0 && used <= (1u << qs)) {
        const std::uint64_t index = (ipa - base) / 16;
        const std::uint64_t entries = bytes / 16;
        if (index + entries <= (std::uint64_t{1} << qs)) {
          pos = static_cast<std::uint32_t>((index - s.cmdq_cons) & idx_mask(qs));
          command = pos + entries <= used;
        }
      }
    }
    bool table = false;
    if (!command) {
      // A Stream table read: the L1STD or the STE of an assigned vSID (of the event's vSID in
      // report_event), located from the guest's registers and memory.
      const Table tb = table_of(r.c, s);
      const auto is_walk_of = [&](std::uint32_t vsid) {
        const Walk w = walk(r.c, tb, *r.t, vsid);
        return (bytes == 8 && w.l1 && ipa == w.l1_addr) || (bytes == 64 && w.ste && ipa == w.ste_addr);
      };
      if (r.call == Call::event) {
        table = is_walk_of(r.event_vsid);
      } else if (r.may_install) {
        for (std::size_t i = 0; i < r.t->map.size() && !table; ++i) table = is_walk_of(r.t->map[i].vsid);
      }
    }
    CHECK(command || table, "read_guest of memory that is no command, L1STD or STE the guest programmed");
    const bool ok = r.t->read_guest(ipa, dst, bytes);
    CHECK(ok == readable(*r.t, ipa, bytes), "read_guest answered other than the guest's RAM");
    r.fx.push_back(
        {.kind = Fx::read, .ok = ok, .addr = ipa, .bytes = static_cast<std::uint32_t>(bytes), .command = command});
    if (ok && command) {
      for (std::size_t i = 0; i < bytes / 16; ++i) {
        const W2 w = smmuv3::load_le<2>(dst + 16 * i);
        r.seen[pos + i] = w;
        r.seen_ok[pos + i] = true;
        if (smmuv3::command_opcode(w) == Opcode::sync) r.sync_msi.push_back(sync_msi_address(r.c, w));
      }
    }
    return ok;
  }

  bool write_guest(std::uint64_t ipa, const unsigned char* src, std::size_t bytes) noexcept {
    Run& r = g_run;
    const Shadow& s = r.pre;
    bool ok_target = false;
    if (r.call == Call::event && bytes == 32) {
      // §7.2: a record goes at EVENTQ_PROD's entry of the queue the guest programmed.
      const unsigned qs = queue_qs(s.eventq_base, r.c.eventq_qs_max);
      ok_target = ipa == queue_addr(s.eventq_base, qs, 32) + std::uint64_t{s.eventq_prod & idx_mask(qs)} * 32;
    } else if (r.may_process && bytes == 4) {
      // §4.7.3: a CMD_SYNC's MSI, to the address of a CMD_SYNC read in this call.
      ok_target = std::find(r.sync_msi.begin(), r.sync_msi.end(), ipa) != r.sync_msi.end();
    }
    CHECK(ok_target, "write_guest to memory that is no Event queue slot or CMD_SYNC MSI target");
    const bool ok = r.t->write_guest(ipa, src, bytes);
    CHECK(ok == writable(*r.t, ipa, bytes), "write_guest answered other than the guest's RAM");
    Effect e{.kind = Fx::write, .ok = ok, .addr = ipa, .bytes = static_cast<std::uint32_t>(bytes)};
    for (std::size_t i = 0; i < 4 && i < bytes; ++i) e.data |= std::uint32_t{src[i]} << (8 * i);
    snapshot(r, e);
    r.fx.push_back(e);
    return ok;
  }

  const vsmmu::FixedStreamMap<16>& streams() const noexcept { return g_run.t->map; }
  smmuv3::Ste stage2_template(std::uint32_t) const noexcept { return g_run.c.stage2; }

  void install_ste(std::uint32_t psid, const W8& ste) noexcept {
    Run& r = g_run;
    CHECK(r.may_install, "install_ste in a call that has no reason to install");
    const std::optional<std::uint32_t> vsid = vsid_of(*r.t, psid);
    CHECK(vsid.has_value(), "install_ste for a pSID that is not the guest's");
    check_physical_ste(r, ste);
    if (const W8 want = expected_ste(r, r.pre, *vsid); ste != want) {
      std::fprintf(stderr,
                   "pSID 0x%x: installed %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64
                   ", expected %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %016" PRIx64 "\n",
                   psid, ste[0], ste[1], ste[2], ste[3], want[0], want[1], want[2], want[3]);
      fail(__LINE__, "the installed STE is not what the guest's Stream table (or SMMU_GBPA) says");
    }
    // A guest may place an STE inside its own Command queue: a 64-byte read there was taken for
    // four command entries, but the read just before an install is that stream's STE fetch.
    if ((r.pre.cr0 & kSmmuEn) != 0 && !r.fx.empty()) {
      Effect& last = r.fx.back();
      const Walk w = walk(r.c, table_of(r.c, r.pre), *r.t, *vsid);
      if (last.kind == Fx::read && last.bytes == 64 && w.ste && last.addr == w.ste_addr) last.command = false;
    }
    r.fx.push_back({.kind = Fx::install, .ok = true, .bytes = psid});
    r.t->install_ste(psid, ste);
  }

  bool submit_commands(const W2* cmds, std::size_t count) noexcept {
    Run& r = g_run;
    CHECK(r.may_process, "submit_commands outside command processing");
    CHECK(count != 0, "submit_commands of no command");
    for (std::size_t i = 0; i < count; ++i) check_physical_command(r, cmds[i]);
    const bool ok = !r.t->fail_submit;
    r.fx.push_back({.kind = Fx::submit, .ok = ok, .bytes = static_cast<std::uint32_t>(count), .first = r.phys.size()});
    if (ok) r.phys.insert(r.phys.end(), cmds, cmds + count);
    return ok;
  }

  bool sync_commands() noexcept {
    Run& r = g_run;
    CHECK(r.may_process, "sync_commands outside command processing");
    const bool ok = !r.t->fail_sync;
    r.fx.push_back({.kind = Fx::sync, .ok = ok, .first = r.phys.size()});
    return ok;
  }

  void signal(GuestSignal s) noexcept {
    Run& r = g_run;
    Effect e{.kind = Fx::signal, .ok = true, .sig = s};
    snapshot(r, e);
    r.fx.push_back(e);
  }

  bool write_msi(std::uint64_t ipa, std::uint32_t data, std::uint8_t memattr) noexcept {
    Run& r = g_run;
    CHECK(r.c.masks.msi, "write_msi although the guest's SMMU has no MSIs");
    const bool ok = !r.t->fail_msi;
    Effect e{.kind = Fx::msi, .ok = ok, .addr = ipa, .data = data, .attr = memattr};
    snapshot(r, e);
    r.fx.push_back(e);
    return ok;
  }

  /// The guest-visible registers at the moment of a notification, for the ordering rules
  /// checked when the call ends (§4.7.3, §7.1, §7.2).
  static void snapshot(const Run& r, Effect& e) {
    if (!r.dev_ready) return;
    e.snap_cons = device_read32(off::kCmdqCons);
    e.snap_eventq_prod = device_read32(off::kEventqProd);
    e.snap_gerror = device_read32(off::kGerror);
  }
};

static_assert(vsmmu::DeviceTraits<FuzzTraits>);
using Dev = vsmmu::Device<FuzzTraits>;

/// A host that has nothing: the destination of the save -> restore round trip, whose registers
/// are all that is compared.
struct NullTraits {
  vsmmu::FixedStreamMap<1> map;
  bool read_guest(std::uint64_t, unsigned char*, std::size_t) noexcept { return false; }
  bool write_guest(std::uint64_t, const unsigned char*, std::size_t) noexcept { return false; }
  const vsmmu::FixedStreamMap<1>& streams() const noexcept { return map; }
  smmuv3::Ste stage2_template(std::uint32_t) const noexcept { return {}; }
  void install_ste(std::uint32_t, const W8&) noexcept {}
  bool submit_commands(const W2*, std::size_t) noexcept { return false; }
  bool sync_commands() noexcept { return false; }
  void signal(GuestSignal) noexcept {}
  bool write_msi(std::uint64_t, std::uint32_t, std::uint8_t) noexcept { return false; }
};

// =============================================================================================
// The model's register file: reads, guest writes
// =============================================================================================

bool is_reg64(std::uint32_t o) {
  switch (o) {
    case off::kGerrorIrqCfg0:
    case off::kStrtabBase:
    case off::kCmdqBase:
    case off::kEventqBase:
    case off::kEventqIrqCfg0:
    case off::kPriqBase:
    case off::kPriqIrqCfg0: return true;
    default: return false;
  }
}

std::uint64_t model_read64(const Shadow& s, std::uint32_t o) {
  switch (o) {
    case off::kGerrorIrqCfg0: return s.gerror_irq_cfg0;
    case off::kStrtabBase: return s.strtab_base;
    case off::kCmdqBase: return s.cmdq_base;
    case off::kEventqBase: return s.eventq_base;
    case off::kEventqIrqCfg0: return s.eventq_irq_cfg0;
    case off::kPriqBase: return s.priq_base;
    case off::kPriqIrqCfg0: return s.priq_irq_cfg0;
    default: return 0;
  }
}

std::uint32_t model_read32(const Case& c, const Shadow& s, std::uint32_t o) {
  switch (o) {
    case off::kIdr0: return c.idr[0];
    case off::kIdr1: return c.idr[1];
    case off::kIdr2: return c.idr[2];
    case off::kIdr3: return c.idr[3];
    case off::kIdr5: return c.idr[4];
    case off::kAidr: return c.idr[5];
    // §6.3.10, §6.3.18: an update completes at once here, so the ACKs equal the registers.
    case off::kCr0:
    case off::kCr0Ack: return s.cr0;
    case off::kCr1: return s.cr1;
    case off::kCr2: return s.cr2;
    case off::kGbpa: return s.gbpa;  // Update reads 0: the update completed
    case off::kIrqCtrl:
    case off::kIrqCtrlAck: return s.irq_ctrl;
    case off::kGerror: return s.gerror;
    case off::kGerrorn: return s.gerrorn;
    case off::kGerrorIrqCfg1: return s.gerror_irq_cfg1;
    case off::kGerrorIrqCfg2: return s.gerror_irq_cfg2;
    case off::kStrtabBaseCfg: return s.strtab_base_cfg;
    case off::kCmdqProd: return s.cmdq_prod;
    case off::kCmdqCons: return smmu_written(s.cmdq_cons, queue_qs(s.cmdq_base, c.cmdq_qs_max));
    // Page 1 registers and their optional Page 0 aliases (§6.2.1), which this SMMU implements.
    case off::kEventqProd:
    case off::kEventqProdPage0Alias: return smmu_written(s.eventq_prod, queue_qs(s.eventq_base, c.eventq_qs_max));
    case off::kEventqCons:
    case off::kEventqConsPage0Alias: return s.eventq_cons;
    case off::kEventqIrqCfg1: return s.eventq_irq_cfg1;
    case off::kEventqIrqCfg2: return s.eventq_irq_cfg2;
    case off::kPriqProd:
    case off::kPriqProdPage0Alias: return smmu_written(s.priq_prod, queue_qs(s.priq_base, c.priq_qs_max));
    case off::kPriqCons:
    case off::kPriqConsPage0Alias: return s.priq_cons;
    case off::kPriqIrqCfg1: return s.priq_irq_cfg1;
    case off::kPriqIrqCfg2: return s.priq_irq_cfg2;
    // The CoreSight component identification preamble (SMMU_CIDR0-3).
    case off::kCidr0: return 0x0D;
    case off::kCidr1: return 0xF0;
    case off::kCidr2: return 0x05;
    case off::kCidr3: return 0xB1;
    default: return 0;  // RES0 / RAZ, the other ID registers, the unimplemented features
  }
}

bool access_ok(std::uint32_t o, unsigned bytes) {
  // §6.2: aligned 32-bit and 64-bit accesses to Pages 0 and 1. Anything else is CONSTRAINED
  // UNPREDICTABLE; this SMMU makes it RAZ/WI (device.hpp), as it does a 64-bit access to a
  // 32-bit register.
  return (bytes == 4 || bytes == 8) && o % bytes == 0 && o < 2 * reg::kPageSize;
}

std::uint64_t model_read(const Case& c, const Shadow& s, std::uint32_t o, unsigned bytes) {
  if (!access_ok(o, bytes)) return 0;
  const std::uint32_t r64 = o & ~7u;
  if (is_reg64(r64)) {
    const std::uint64_t v = model_read64(s, r64);
    return bytes == 8 ? v : (o & 4) != 0 ? v >> 32 : v & 0xFFFF'FFFF;
  }
  return bytes == 8 ? 0 : model_read32(c, s, o);
}

/// What a guest register write asks of the SMMU besides storing the value.
struct WriteEffect {
  bool process = false;      ///< consume commands (CR0, CMDQ_PROD, GERRORN)
  bool install_all = false;  ///< install every assigned stream (SMMUEN changed; GBPA updated while SMMUEN == 0)
};

/// §6.3: a guarded register ignores writes while its enable is set (CONSTRAINED UNPREDICTABLE;
/// this SMMU's documented choice, device.hpp).
void model_write64(const Case& c, Shadow& s, std::uint32_t o, std::uint64_t v) {
  const Masks& m = c.masks;
  switch (o) {
    case off::kGerrorIrqCfg0:
      if ((s.irq_ctrl & kGerrorIrqEn) == 0) s.gerror_irq_cfg0 = v & m.irq_cfg0;
      break;
    case off::kStrtabBase:
      if ((s.cr0 & kSmmuEn) == 0) s.strtab_base = v & kStrtabBaseFields;
      break;
    case off::kCmdqBase:
      if ((s.cr0 & kCmdqEn) == 0) s.cmdq_base = v & kQueueBaseFields;
      break;
    case off::kEventqBase:
      if ((s.cr0 & kEventqEn) == 0) s.eventq_base = v & kQueueBaseFields;
      break;
    case off::kEventqIrqCfg0:
      if ((s.irq_ctrl & kEventqIrqEn) == 0) s.eventq_irq_cfg0 = v & m.irq_cfg0;
      break;
    case off::kPriqBase:
      if (m.pri && (s.cr0 & kPriqEn) == 0) s.priq_base = v & kQueueBaseFields;
      break;
    case off::kPriqIrqCfg0:
      if (m.pri && (s.irq_ctrl & kPriqIrqEn) == 0) s.priq_irq_cfg0 = v & m.irq_cfg0;
      break;
    default: break;
  }
}

WriteEffect model_write32(const Case& c, Shadow& s, std::uint32_t o, std::uint32_t v) {
  const Masks& m = c.masks;
  WriteEffect e{};
  switch (o) {
    case off::kCr0: {
      const std::uint32_t old = s.cr0;
      s.cr0 = v & m.cr0;
      e.install_all = ((old ^ s.cr0) & kSmmuEn) != 0;
      e.process = true;
      break;
    }
    case off::kCr1: {
      // §6.3.11: TABLE_* may change only while SMMUEN == 0, QUEUE_* only while every queue is off.
      std::uint32_t w = 0;
      if ((s.cr0 & kSmmuEn) == 0) w |= kCr1Table;
      if ((s.cr0 & (kCmdqEn | kEventqEn | kPriqEn)) == 0) w |= kCr1Queue;
      s.cr1 = (s.cr1 & ~w) | (v & w);
      break;
    }
    case off::kCr2:
      if ((s.cr0 & kSmmuEn) == 0) s.cr2 = v & m.cr2;
      break;
    case off::kGbpa:
      // §6.3.14: the fields change only by a write with Update == 1.
      if ((v & kGbpaUpdate) != 0) {
        s.gbpa = v & kGbpaFields;
        e.install_all = (s.cr0 & kSmmuEn) == 0;
      }
      break;
    case off::kIrqCtrl: s.irq_ctrl = v & m.irq_ctrl; break;
    case off::kGerrorn:
      s.gerrorn = v & m.gerror;
      e.process = true;  // §7.1: acknowledging CMDQ_ERR restarts consumption
      break;
    case off::kGerrorIrqCfg1:
      if ((s.irq_ctrl & kGerrorIrqEn) == 0) s.gerror_irq_cfg1 = v & m.irq_cfg1;
      break;
    case off::kGerrorIrqCfg2:
      if ((s.irq_ctrl & kGerrorIrqEn) == 0) s.gerror_irq_cfg2 = v & m.irq_cfg2;
      break;
    case off::kStrtabBaseCfg:
      if ((s.cr0 & kSmmuEn) == 0) s.strtab_base_cfg = v & m.strtab_base_cfg;
      break;
    case off::kCmdqProd:
      s.cmdq_prod = v & kWrRd;
      e.process = true;
      break;
    case off::kCmdqCons:
      // §6.3.28: RD is the guest's only while CMDQEN == 0; ERR is the SMMU's.
      if ((s.cr0 & kCmdqEn) == 0) s.cmdq_cons = (s.cmdq_cons & ~kWrRd) | (v & kWrRd);
      break;
    case off::kEventqProd:
    case off::kEventqProdPage0Alias:
      if ((s.cr0 & kEventqEn) == 0) s.eventq_prod = v & (kWrRd | kOvFlg);
      break;
    case off::kEventqCons:
    case off::kEventqConsPage0Alias: s.eventq_cons = v & (kWrRd | kOvFlg); break;
    case off::kEventqIrqCfg1:
      if ((s.irq_ctrl & kEventqIrqEn) == 0) s.eventq_irq_cfg1 = v & m.irq_cfg1;
      break;
    case off::kEventqIrqCfg2:
      if ((s.irq_ctrl & kEventqIrqEn) == 0) s.eventq_irq_cfg2 = v & m.irq_cfg2;
      break;
    case off::kPriqProd:
    case off::kPriqProdPage0Alias:
      if (m.pri && (s.cr0 & kPriqEn) == 0) s.priq_prod = v & (kWrRd | kOvFlg);
      break;
    case off::kPriqCons:
    case off::kPriqConsPage0Alias:
      if (m.pri) s.priq_cons = v & (kWrRd | kOvFlg);
      break;
    case off::kPriqIrqCfg1:
      if (m.pri && (s.irq_ctrl & kPriqIrqEn) == 0) s.priq_irq_cfg1 = v & m.irq_cfg1;
      break;
    case off::kPriqIrqCfg2:
      if (m.pri && (s.irq_ctrl & kPriqIrqEn) == 0) s.priq_irq_cfg2 = v & m.priq_irq_cfg2;
      break;
    default: break;  // read-only, reserved, unimplemented: WI
  }
  return e;
}

WriteEffect model_write(const Case& c, Shadow& s, std::uint32_t o, std::uint64_t v, unsigned bytes) {
  if (!access_ok(o, bytes)) return {};
  const std::uint32_t r64 = o & ~7u;
  if (is_reg64(r64)) {
    // §6.2: a 32-bit write to one half of a 64-bit register leaves the other half.
    const std::uint64_t old = model_read64(s, r64);
    if (bytes == 4)
      v = (o & 4) != 0 ? (old & 0xFFFF'FFFF) | (v << 32) : (old & ~std::uint64_t{0xFFFF'FFFF}) | (v & 0xFFFF'FFFF);
    model_write64(c, s, r64, v);
    return {};
  }
  if (bytes == 8) return {};
  return model_write32(c, s, o, static_cast<std::uint32_t>(v));
}

Shadow reset_shadow(const Case& c) {
  Shadow s{};
  s.gbpa = kGbpaShcfgIncoming | (c.options.gbpa_abort_at_reset ? kGbpaAbort : 0);
  return s;
}

Shadow shadow_of(const vsmmu::DeviceState& d) {
  Shadow s{};
  s.cr0 = d.cr0, s.cr1 = d.cr1, s.cr2 = d.cr2, s.gbpa = d.gbpa, s.irq_ctrl = d.irq_ctrl;
  s.gerror = d.gerror, s.gerrorn = d.gerrorn;
  s.gerror_irq_cfg0 = d.gerror_irq_cfg0, s.gerror_irq_cfg1 = d.gerror_irq_cfg1, s.gerror_irq_cfg2 = d.gerror_irq_cfg2;
  s.strtab_base = d.strtab_base, s.strtab_base_cfg = d.strtab_base_cfg;
  s.cmdq_base = d.cmdq_base, s.cmdq_prod = d.cmdq_prod, s.cmdq_cons = d.cmdq_cons;
  s.eventq_base = d.eventq_base, s.eventq_prod = d.eventq_prod, s.eventq_cons = d.eventq_cons;
  s.eventq_irq_cfg0 = d.eventq_irq_cfg0, s.eventq_irq_cfg1 = d.eventq_irq_cfg1, s.eventq_irq_cfg2 = d.eventq_irq_cfg2;
  s.priq_base = d.priq_base, s.priq_prod = d.priq_prod, s.priq_cons = d.priq_cons;
  s.priq_irq_cfg0 = d.priq_irq_cfg0, s.priq_irq_cfg1 = d.priq_irq_cfg1, s.priq_irq_cfg2 = d.priq_irq_cfg2;
  return s;
}

/// Whether a register file holds only values this guest's SMMU could hold (what restore() must
/// refuse otherwise).
bool representable(const Case& c, const Shadow& s) {
  const Masks& m = c.masks;
  const auto within = [](std::uint64_t v, std::uint64_t mask) { return (v & ~mask) == 0; };
  const std::uint32_t pointer = kWrRd | kOvFlg;
  const std::uint32_t err = (s.cmdq_cons & kConsErr) >> kConsErrShift;
  return within(s.cr0, m.cr0) && within(s.cr1, kCr1Queue | kCr1Table) && within(s.cr2, m.cr2) &&
         within(s.gbpa, kGbpaFields) && within(s.irq_ctrl, m.irq_ctrl) && within(s.gerror, m.gerror) &&
         within(s.gerrorn, m.gerror) && within(s.gerror_irq_cfg0, m.irq_cfg0) &&
         within(s.gerror_irq_cfg1, m.irq_cfg1) && within(s.gerror_irq_cfg2, m.irq_cfg2) &&
         within(s.strtab_base, kStrtabBaseFields) && within(s.strtab_base_cfg, m.strtab_base_cfg) &&
         within(s.cmdq_base, kQueueBaseFields) && within(s.cmdq_prod, kWrRd) && within(s.cmdq_cons, kWrRd | kConsErr) &&
         err <= kCerrorAbt && within(s.eventq_base, kQueueBaseFields) && within(s.eventq_prod, pointer) &&
         within(s.eventq_cons, pointer) && within(s.eventq_irq_cfg0, m.irq_cfg0) &&
         within(s.eventq_irq_cfg1, m.irq_cfg1) && within(s.eventq_irq_cfg2, m.irq_cfg2) &&
         within(s.priq_base, m.pri ? kQueueBaseFields : 0) && within(s.priq_prod, m.pri ? pointer : 0) &&
         within(s.priq_cons, m.pri ? pointer : 0) && within(s.priq_irq_cfg0, m.pri ? m.irq_cfg0 : 0) &&
         within(s.priq_irq_cfg1, m.pri ? m.irq_cfg1 : 0) && within(s.priq_irq_cfg2, m.priq_irq_cfg2);
}

// Every register offset the guest may read, and a few it has no register at.
// clang-format off
constexpr std::uint32_t kReadBack[] = {
    off::kIdr0, off::kIdr1, off::kIdr2, off::kIdr3, off::kIdr4, off::kIdr5, off::kIidr, off::kAidr,
    off::kCr0, off::kCr0Ack, off::kCr1, off::kCr2, off::kStatusr, off::kGbpa, off::kAgbpa, off::kIrqCtrl,
    off::kIrqCtrlAck, off::kGerror, off::kGerrorn, off::kGerrorIrqCfg0, off::kGerrorIrqCfg0 + 4, off::kGerrorIrqCfg1,
    off::kGerrorIrqCfg2, off::kStrtabBase, off::kStrtabBase + 4, off::kStrtabBaseCfg, off::kCmdqBase,
    off::kCmdqBase + 4, off::kCmdqProd, off::kCmdqCons, off::kEventqBase, off::kEventqBase + 4,
    off::kEventqProdPage0Alias, off::kEventqConsPage0Alias, off::kEventqIrqCfg0, off::kEventqIrqCfg0 + 4,
    off::kEventqIrqCfg1, off::kEventqIrqCfg2, off::kPriqBase, off::kPriqBase + 4, off::kPriqProdPage0Alias,
    off::kPriqConsPage0Alias, off::kPriqIrqCfg0, off::kPriqIrqCfg0 + 4, off::kPriqIrqCfg1, off::kPriqIrqCfg2,
    off::kGatosCtrl, off::kIdr6, off::kPidr0, off::kCidr0, off::kCidr1, off::kCidr2, off::kCidr3, off::kSIdr0,
    off::kEventqProd, off::kEventqCons, off::kPriqProd, off::kPriqCons, reg::kPage1,
};
// clang-format on

// The registers a script action names by index (W32 / W64): every guest-writable one, the
// upper halves of the 64-bit ones, and read-only ones.
// clang-format off
constexpr std::uint32_t kRegs[] = {
    off::kCr0, off::kCr1, off::kCr2, off::kGbpa, off::kIrqCtrl, off::kGerrorn, off::kGerrorIrqCfg0,
    off::kGerrorIrqCfg1, off::kGerrorIrqCfg2, off::kStrtabBase, off::kStrtabBaseCfg, off::kCmdqBase,
    off::kCmdqProd, off::kCmdqCons, off::kEventqBase, off::kEventqProd, off::kEventqCons, off::kEventqIrqCfg0,
    off::kEventqIrqCfg1, off::kEventqIrqCfg2, off::kPriqBase, off::kPriqProd, off::kPriqCons, off::kPriqIrqCfg0,
    off::kPriqIrqCfg1, off::kPriqIrqCfg2, off::kEventqProdPage0Alias, off::kEventqConsPage0Alias,
    off::kPriqProdPage0Alias, off::kPriqConsPage0Alias, off::kGerrorIrqCfg0 + 4, off::kStrtabBase + 4,
    off::kCmdqBase + 4, off::kEventqBase + 4, off::kEventqIrqCfg0 + 4, off::kPriqBase + 4, off::kPriqIrqCfg0 + 4,
    off::kIdr0, off::kIdr1, off::kCr0Ack, off::kIrqCtrlAck, off::kGerror, off::kStatusr, off::kAgbpa,
};
// clang-format on

// =============================================================================================
// Predicting global errors and notifications (§3.18, §4.7.3, §7.5)
// =============================================================================================

/// Every CMD_SYNC MSI address is the device's to try (write_guest decides), as device.hpp
/// documents: the sanitizer is asked with this so that its answer is the device's.
struct AnyAddress {
  constexpr bool contains(std::uint64_t, std::uint64_t) const noexcept { return true; }
};

struct Predict {
  const Run& r;
  Shadow s;  ///< GERROR evolves as errors are raised
  std::vector<Note> notes{};

  /// §3.18: an interrupt is an MSI when the SMMU has MSIs and IRQ_CFG0.ADDR != 0, else the wired
  /// interrupt. Returns false when the MSI aborted.
  bool interrupt(std::uint64_t cfg0, std::uint32_t cfg1, std::uint32_t cfg2, GuestSignal wired, Note::After after,
                 std::uint32_t pos) {
    const std::uint64_t addr = cfg0 & kIrqCfg0Addr;
    if (r.c.masks.msi && addr != 0) {
      notes.push_back(
          {Fx::msi, GuestSignal::eventq_irq, addr, cfg1, static_cast<std::uint8_t>(cfg2 & 0xF), after, pos});
      return !r.t->fail_msi;
    }
    notes.push_back({Fx::signal, wired, 0, 0, 0, after, pos});
    return true;
  }

  /// §7.5: an error toggles GERROR[bit] while it is inactive, then interrupts; an aborted
  /// GERROR MSI is recorded in MSI_GERROR_ABT_ERR, which signals nothing more.
  void raise(std::uint32_t bit) {
    if ((bit & r.c.masks.gerror) == 0 || (active(s) & bit) != 0) return;
    s.gerror ^= bit;
    if ((s.irq_ctrl & kGerrorIrqEn) == 0) return;
    if (!interrupt(s.gerror_irq_cfg0, s.gerror_irq_cfg1, s.gerror_irq_cfg2, GuestSignal::gerror_irq,
                   Note::After::gerror_raised, bit) &&
        (active(s) & kMsiGerrorAbtErr) == 0)
      s.gerror ^= kMsiGerrorAbtErr;
  }

  /// §4.7.3: what the CMD_SYNC consumed at position `pos` signals once it completes.
  void sync_completion(const W2& w, std::uint32_t pos) {
    const auto cs = smmuv3::cmd::SyncCs::get(w);
    if (cs == 0b01) {  // SIG_IRQ
      // The MSI is written only with MSI support and MSIAddress != 0 (the whole field).
      const std::uint64_t field = smmuv3::cmd::SyncMsiAddress::get(w);
      if (r.c.masks.msi && field != 0) {
        const std::uint64_t addr = field & r.c.oas_mask;
        const auto data = static_cast<std::uint32_t>(smmuv3::cmd::SyncMsiData::get(w));
        // "towards an interrupt controller ... or towards a shared memory location": guest RAM
        // first, else the hypervisor's MSI path; aborted (MSI_CMDQ_ABT_ERR) if neither takes it.
        notes.push_back({Fx::write, GuestSignal::eventq_irq, addr, data, 0, Note::After::sync_consumed, pos});
        if (!writable(*r.t, addr, 4)) {
          notes.push_back({Fx::msi, GuestSignal::eventq_irq, addr, data,
                           static_cast<std::uint8_t>(smmuv3::cmd::SyncMsiAttr::get(w)), Note::After::sync_consumed,
                           pos});
          if (r.t->fail_msi) raise(kMsiCmdqAbtErr);
        }
      }
      // "an event on a unique wired interrupt output is asserted ... regardless of MSIAddress".
      notes.push_back({Fx::signal, GuestSignal::cmdq_sync_irq, 0, 0, 0, Note::After::sync_consumed, pos});
    } else if (cs == 0b10 && r.c.policy.idr.idr0.sev) {  // SIG_SEV; without SMMU_IDR0.SEV it is SIG_NONE
      notes.push_back({Fx::signal, GuestSignal::sev, 0, 0, 0, Note::After::sync_consumed, pos});
    }
  }
};

/// The notifications of the call are exactly the predicted ones, in order, and each came after
/// what it announces was visible to the guest.
void check_notes(const Run& r, const Predict& p) {
  std::vector<const Effect*> got;
  for (const Effect& e : r.fx)
    if (e.kind == Fx::signal || e.kind == Fx::msi || (e.kind == Fx::write && e.bytes == 4)) got.push_back(&e);
  CHECK(got.size() == p.notes.size(), "the interrupts / MSIs are not the ones the architecture requires");
  const unsigned qs = queue_qs(r.pre.cmdq_base, r.c.cmdq_qs_max);
  const unsigned eqs = queue_qs(r.pre.eventq_base, r.c.eventq_qs_max);
  const std::uint32_t final_err = device_read32(off::kCmdqCons) & kConsErr;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const Note& n = p.notes[i];
    const Effect& e = *got[i];
    CHECK(n.is(e), "an interrupt / MSI other than the one the architecture requires, or out of order");
    switch (n.after) {
      case Note::After::sync_consumed:
        CHECK(((e.snap_cons - r.pre.cmdq_cons) & ptr_mask(qs)) > n.pos,
              "a CMD_SYNC completion signalled before CMDQ_CONS passed the CMD_SYNC (§4.7.3)");
        break;
      case Note::After::record_visible:
        CHECK(e.snap_eventq_prod != smmu_written(r.pre.eventq_prod, eqs),
              "the Event queue interrupt came before EVENTQ_PROD showed the record (§7.2)");
        break;
      case Note::After::gerror_raised:
        CHECK(((e.snap_gerror ^ r.pre.gerror) & n.pos) != 0, "a GERROR interrupt before GERROR showed the error");
        if (n.pos == kCmdqErr)
          CHECK((e.snap_cons & kConsErr) == final_err, "GERROR.CMDQ_ERR signalled before CMDQ_CONS.ERR was set (§7.1)");
        break;
    }
  }
}

// =============================================================================================
// One call into the device, and the checks when it returns
// =============================================================================================

struct Harness {
  FuzzTraits traits{};
  std::optional<Dev> dev;
  vsmmu::DeviceState verified{};  ///< the last state whose save -> restore round trip was checked
  bool verified_valid = false;
};
Harness g_h;

std::uint32_t device_read32(std::uint32_t offset) { return static_cast<std::uint32_t>(g_h.dev->read(offset, 4)); }

void begin_call(Call call, bool may_install, bool may_process, const Shadow& pre) {
  Run& r = g_run;
  r.call = call;
  r.may_install = may_install;
  r.may_process = may_process;
  r.pre = pre;
  r.fx.clear();
  r.phys.clear();
  r.seen_ok.fill(false);
  r.sync_msi.clear();
}

void end_call() {
  Run& r = g_run;
  r.call = Call::none;
  r.may_install = r.may_process = false;
}

struct Counts {
  std::size_t cmd_reads = 0, entries = 0, table_reads = 0, writes = 0, installs = 0, submits = 0, syncs_ok = 0,
              syncs_failed = 0, notes = 0;
};

Counts count(const Run& r) {
  Counts k{};
  for (const Effect& e : r.fx) {
    switch (e.kind) {
      case Fx::read:
        if (e.command) {
          ++k.cmd_reads;
          if (e.ok) k.entries += e.bytes / 16;  // an aborted run delivered nothing
        } else {
          ++k.table_reads;
        }
        break;
      case Fx::write: ++k.writes; break;
      case Fx::install: ++k.installs; break;
      case Fx::submit: ++k.submits; break;
      case Fx::sync: ++(e.ok ? k.syncs_ok : k.syncs_failed); break;
      case Fx::signal:
      case Fx::msi: ++k.notes; break;
    }
  }
  return k;
}

bool installed_in_call(const Run& r, std::uint32_t psid, std::size_t before) {
  for (std::size_t i = 0; i < before && i < r.fx.size(); ++i)
    if (r.fx[i].kind == Fx::install && r.fx[i].bytes == psid) return true;
  return false;
}

/// A call that installs every assigned stream once (constructor, reset, restore,
/// streams_changed, GBPA) and does nothing else.
void check_installs_only(const Run& r) {
  const Counts k = count(r);
  CHECK(k.installs == r.t->map.size(), "not exactly one install per assigned stream");
  for (std::size_t i = 0; i < r.t->map.size(); ++i)
    CHECK(installed_in_call(r, r.t->map[i].psid, r.fx.size()), "an assigned stream was not installed");
  CHECK(k.table_reads <= 2 * k.installs && k.cmd_reads == 0 && k.writes == 0 && k.submits == 0 &&
            k.syncs_ok + k.syncs_failed == 0 && k.notes == 0,
        "installing the streams did more than read the guest's Stream table (W: at most an L1STD and an STE each)");
}

std::size_t command_cost(const W2& w, std::size_t n) {
  // Work units (device.hpp, sanitize_commands.hpp): 1 per command, 1 + streams for
  // CMD_CFGI_STE_RANGE / CMD_CFGI_ALL (opcode 0x04), whose expansion walks the map.
  return smmuv3::command_opcode(w) == Opcode::cfgi_ste_range ? 1 + n : 1;
}

/// Checks a call that may consume commands (CR0 / CMDQ_PROD / GERRORN write, poll()) and
/// returns the registers after it.
Shadow finish_processing(DeviceStatus st, bool install_all) {
  Run& r = g_run;
  const Case& c = r.c;
  const Shadow& pre = r.pre;
  const Dev& d = *g_h.dev;
  TestTraits& t = *r.t;
  const std::size_t n = t.map.size();
  const std::size_t B = std::max<std::size_t>(1, c.options.work_budget);
  const Counts k = count(r);
  Predict p{r, pre};
  Shadow after = pre;
  const unsigned qs = queue_qs(pre.cmdq_base, c.cmdq_qs_max);
  const std::uint32_t used = q_used(pre.cmdq_prod, pre.cmdq_cons, qs);
  const auto cons_read = static_cast<std::uint32_t>(d.read(off::kCmdqCons, 4));

  CHECK(st != DeviceStatus::output_too_small, "output_too_small although OutCapacity >= 16 streams");
  if (!processing(pre) || used == 0 || used > (1u << qs)) {
    // §7.1: nothing is consumed while CMDQEN == 0 or CMDQ_ERR is active; an empty queue has
    // nothing; §3.5.1: PROD more than a lap ahead of CONS is inconsistent and this SMMU waits.
    CHECK(k.cmd_reads == 0 && k.submits == 0 && k.syncs_ok + k.syncs_failed == 0,
          "commands processed while the queue is off, halted, empty or inconsistent");
    CHECK(cons_read == smmu_written(pre.cmdq_cons, qs), "CMDQ_CONS changed although nothing may be consumed");
    CHECK(st == DeviceStatus::idle, "not idle although nothing may be consumed");
  } else {
    const std::uint32_t adv = (cons_read - pre.cmdq_cons) & ptr_mask(qs);
    CHECK(adv <= used, "CMDQ_CONS moved past CMDQ_PROD (§3.5.1)");
    const bool errored = ((d.read(off::kGerror, 4) ^ pre.gerror) & kCmdqErr) != 0;
    // The commands consumed, in order, through the sanitizer: their physical commands are what
    // the host must have received, their CMD_SYNCs what must have completed.
    static W2 out[64];
    const AnyAddress any{};
    const vsmmu::CommandContext ctx{t.map, any};
    std::vector<W2> expected;
    std::vector<std::size_t> sync_after;  // physical commands that must precede each CMD_SYNC's sync
    struct Refresh {
      std::uint32_t first, last;
      std::size_t at;  // index of the command's first physical command
    };
    std::vector<Refresh> refreshes;
    std::size_t units = 0;
    for (std::uint32_t j = 0; j < adv; ++j) {
      CHECK(r.seen_ok[j], "a command was consumed without being read in this call");
      const W2& w = r.seen[j];
      units += command_cost(w, n);
      const vsmmu::CommandOutcome o = vsmmu::sanitize_command(c.policy, w, ctx, out, 64);
      CHECK(o.verdict != vsmmu::CommandVerdict::illegal, "an illegal command was consumed (§4.1.3: CONS stops on it)");
      CHECK(o.verdict != vsmmu::CommandVerdict::no_space, "the sanitizer wanted more than 64 output slots");
      if (o.verdict == vsmmu::CommandVerdict::forwarded) {
        if (o.refresh.needed) refreshes.push_back({o.refresh.first, o.refresh.last, expected.size()});
        expected.insert(expected.end(), out, out + o.produced);
      } else if (o.verdict == vsmmu::CommandVerdict::sync) {
        sync_after.push_back(expected.size());
        p.sync_completion(w, j);
      }
    }
    CHECK(r.phys == expected,
          "the host did not receive exactly the translation of the commands between the old and new CMDQ_CONS");
    CHECK(k.syncs_ok == sync_after.size(), "physical CMD_SYNCs do not match the guest's CMD_SYNCs consumed");
    {
      std::size_t i = 0;
      for (const Effect& e : r.fx)
        if (e.kind == Fx::sync && e.ok) {
          CHECK(e.first >= sync_after[i], "a CMD_SYNC completed before the commands ahead of it reached the host");
          ++i;
        }
    }
    if (k.syncs_failed != 0)
      CHECK(k.syncs_failed == 1 && st == DeviceStatus::host_error && t.fail_sync && adv < used && r.seen_ok[adv] &&
                smmuv3::command_opcode(r.seen[adv]) == Opcode::sync,
            "a failed physical sync that does not leave CMDQ_CONS on its CMD_SYNC");
    // §4.3: the guest's new STE is installed before its CFGI reaches the host.
    for (const Refresh& f : refreshes) {
      std::size_t submit_at = r.fx.size();
      for (std::size_t i = 0; i < r.fx.size(); ++i) {
        const Effect& e = r.fx[i];
        if (e.kind == Fx::submit && e.ok && f.at >= e.first && f.at < e.first + e.bytes) {
          submit_at = i;
          break;
        }
      }
      for (std::size_t i = 0; i < n; ++i)
        if (t.map[i].vsid >= f.first && t.map[i].vsid <= f.last)
          CHECK(installed_in_call(r, t.map[i].psid, submit_at),
                "a CFGI_STE reached the host before the stream's STE was installed again (§4.3)");
    }
    const std::uint32_t err_before = pre.cmdq_cons & kConsErr, err_after = cons_read & kConsErr;
    if (errored) {
      CHECK(st == DeviceStatus::idle && adv < used, "a command error that is not where consumption stopped");
      const std::uint64_t at =
          queue_addr(pre.cmdq_base, qs, 16) + std::uint64_t{(pre.cmdq_cons + adv) & idx_mask(qs)} * 16;
      if (readable(t, at, 16)) {
        CHECK(r.seen_ok[adv], "CMDQ_ERR on a command that was not read");
        const vsmmu::CommandOutcome o = vsmmu::sanitize_command(c.policy, r.seen[adv], ctx, out, 64);
        CHECK(o.verdict == vsmmu::CommandVerdict::illegal, "CMDQ_ERR on a command the guest's SMMU accepts");
        CHECK(err_after == kCerrorIll << kConsErrShift,
              "CMDQ_CONS.ERR is not CERROR_ILL for an illegal command (§7.1)");
        units += command_cost(r.seen[adv], n);
      } else {
        CHECK(err_after == kCerrorAbt << kConsErrShift, "CMDQ_CONS.ERR is not CERROR_ABT for an aborted read (§7.1)");
      }
      p.raise(kCmdqErr);
      after.cmdq_cons = (after.cmdq_cons & ~kConsErr) | err_after;
    } else {
      CHECK(err_after == err_before, "CMDQ_CONS.ERR changed without a command error");
      switch (st) {
        case DeviceStatus::idle: CHECK(adv == used, "idle with commands left, no error and no host failure"); break;
        case DeviceStatus::more_work:
          CHECK(adv >= 1 && adv < used, "more_work without progress or with nothing left");
          break;
        case DeviceStatus::host_error:
          CHECK((t.fail_submit || t.fail_sync) && adv < used, "host_error although the host did not fail");
          break;
        case DeviceStatus::output_too_small: break;
      }
    }
    if (adv != 0)
      after.cmdq_cons = (after.cmdq_cons & ~kWrRd) | ((pre.cmdq_cons + adv) & ptr_mask(qs));  // [19:QS+1] RAZ
    // W: the work of one call (device.hpp): at most the budget B in work units, where a command
    // costs 1 (1 + n for opcode 0x04) and a re-install 1; the first command of a call may start
    // with 1 unit left, so B + 2n in all. more_work only once the next command did not fit.
    const std::size_t refresh_installs = k.installs - (install_all ? std::min(n, k.installs) : 0);
    units += refresh_installs;
    CHECK(units <= B + 2 * n, "W: work units above the budget");
    if (st == DeviceStatus::more_work) CHECK(units + n + 1 > B, "W: more_work with budget left");
    // Entries delivered <= B; read calls <= B + 2: after an aborted run the device reads one
    // entry at a time, so at most the aborted run and one aborted entry come on top.
    CHECK(k.entries <= B && k.cmd_reads <= B + 2, "W: more command entries read than the budget allows");
    CHECK(k.submits <= B && k.syncs_ok + k.syncs_failed <= B, "W: more host calls than the budget allows");
    CHECK(k.installs <= B + 2 * n + (install_all ? n : 0), "W: more installs than the budget allows");
  }
  CHECK(k.table_reads <= 2 * k.installs, "W: more Stream table reads than two per install");
  if (install_all)
    for (std::size_t i = 0; i < n; ++i)
      CHECK(installed_in_call(r, t.map[i].psid, r.fx.size()), "SMMUEN changed but a stream was not installed again");
  check_notes(r, p);
  after.gerror = p.s.gerror;
  return after;
}

/// §7.3: what a Non-secure stage-1-only SMMU without PRI, VMS or IMPLEMENTATION DEFINED events
/// records.
bool guest_event_type(unsigned type) {
  return (type >= 0x01 && type <= 0x0B) || (type >= 0x10 && type <= 0x13) || type == 0x20 || type == 0x21;
}

bool stall_record(const W4& w) {
  return smmuv3::event_has_stall(static_cast<std::uint8_t>(smmuv3::event::Type::get(w))) &&
         smmuv3::event::Stall::get(w) != 0;
}

Shadow finish_event(const W4& physical, const vsmmu::EventResult& er) {
  Run& r = g_run;
  const Case& c = r.c;
  const Shadow& pre = r.pre;
  TestTraits& t = *r.t;
  const Counts k = count(r);
  Predict p{r, pre};
  Shadow after = pre;
  const auto psid = static_cast<std::uint32_t>(smmuv3::event::StreamId::get(physical));
  const std::optional<std::uint32_t> vsid = vsid_of(t, psid);
  const bool phys_stall = stall_record(physical);
  CHECK(!er.host_must_terminate_stall || phys_stall, "the host is told to terminate a stall that did not happen");
  if (!vsid) {
    CHECK(er.status == EventStatus::not_this_guest && r.fx.empty(),
          "an event of another guest's stream touched this one");
    return after;
  }
  CHECK(er.status != EventStatus::not_this_guest, "not_this_guest for one of the guest's pSIDs");
  CHECK(k.cmd_reads == 0 && k.installs == 0 && k.submits == 0 && k.syncs_ok + k.syncs_failed == 0,
        "report_event processed commands or installed STEs");
  CHECK(k.table_reads <= 2 && k.writes <= 1, "W: report_event read more than an L1STD and an STE, or wrote twice");
  const vsmmu::GuestEvent g = vsmmu::guest_event(c.policy, physical, *vsid);
  // §7.2: records are written only while SMMUEN == 1, EVENTQEN == 1 and EVENTQ_ABT_ERR is not
  // active.
  const bool on = (pre.cr0 & (kSmmuEn | kEventqEn)) == (kSmmuEn | kEventqEn) && (active(pre) & kEventqAbtErr) == 0;
  const unsigned eqs = queue_qs(pre.eventq_base, c.eventq_qs_max);
  const std::uint32_t used = q_used(pre.eventq_prod, pre.eventq_cons, eqs);
  const std::uint32_t room = used <= (1u << eqs) ? (1u << eqs) - used : 0;  // an inconsistent pair has none
  const Effect* write = nullptr;
  for (const Effect& e : r.fx)
    if (e.kind == Fx::write) write = &e;
  bool guest_resumes = false;
  switch (er.status) {
    case EventStatus::host_only:
      CHECK(g.verdict != vsmmu::GuestEventVerdict::forward, "host_only for an event the guest's SMMU records");
      CHECK(write == nullptr, "host_only but a record was written");
      break;
    case EventStatus::not_recorded:
      CHECK(!on && write == nullptr, "not_recorded although the guest's SMMU records events");
      CHECK(g.verdict != vsmmu::GuestEventVerdict::host_only, "not_recorded for an event the guest never sees");
      break;
    case EventStatus::overflow: {
      CHECK(on && room == 0 && write == nullptr, "overflow although the Event queue had room");
      // §7.4: a full queue loses the record and toggles OVFLG once until the guest acknowledges
      // (OVACKFLG == OVFLG); a stall record does not cause an overflow.
      const bool outstanding = ((pre.eventq_prod ^ pre.eventq_cons) & kOvFlg) != 0;
      const bool stall = g.verdict == vsmmu::GuestEventVerdict::forward && stall_record(g.record);
      if (!stall && !outstanding) after.eventq_prod ^= kOvFlg;
      break;
    }
    case EventStatus::aborted:
      CHECK(on && room != 0 && write != nullptr && !write->ok, "aborted without a refused record write");
      p.raise(kEventqAbtErr);  // §7.2: an abort on the record write
      break;
    case EventStatus::recorded: {
      CHECK(on && room != 0 && write != nullptr && write->ok, "recorded without room or a successful write");
      const W4 rec = t.peek<4>(write->addr);
      CHECK(smmuv3::event::StreamId::get(rec) == *vsid, "the record does not name the vSID");
      CHECK(guest_event_type(static_cast<unsigned>(smmuv3::event::Type::get(rec))),
            "the guest got an event type its SMMU never records");
      if (g.verdict == vsmmu::GuestEventVerdict::forward)
        CHECK(rec == g.record, "the record is not the guest's view of the physical event");
      guest_resumes = stall_record(rec);
      after.eventq_prod = (pre.eventq_prod & ~kWrRd) | ((pre.eventq_prod + 1) & ptr_mask(eqs));
      // The Event queue interrupt when the queue goes from empty to non-empty.
      if (used == 0 && (pre.irq_ctrl & kEventqIrqEn) != 0 &&
          !p.interrupt(pre.eventq_irq_cfg0, pre.eventq_irq_cfg1, pre.eventq_irq_cfg2, GuestSignal::eventq_irq,
                       Note::After::record_visible, 0))
        p.raise(kMsiEventqAbtErr);
      break;
    }
    case EventStatus::not_this_guest: break;
  }
  if (g.verdict == vsmmu::GuestEventVerdict::forward && phys_stall)
    CHECK(er.host_must_terminate_stall == !guest_resumes,
          "a stalled transaction neither resumed by the guest nor terminated by the host");
  check_notes(r, p);
  after.gerror = p.s.gerror;
  return after;
}

// =============================================================================================
// After every action: the register file as the model says, and the migration round trip
// =============================================================================================

void check_register(const Dev& d, const Shadow& s, std::uint32_t o, unsigned bytes) {
  const std::uint64_t got = d.read(o, bytes), want = model_read(g_run.c, s, o, bytes);
  if (got == want) return;
  static char msg[160];
  std::snprintf(msg, sizeof msg, "the register at 0x%05x (%u bytes) reads 0x%" PRIx64 ", the model says 0x%" PRIx64, o,
                bytes, got, want);
  fail(__LINE__, msg);
}

/// After every step: the registers the step can have changed read as the model says (the
/// SMMU-written ones, the ACKs, and the one written), and commands_pending() agrees.
void after_step(std::uint32_t written = off::kCr0) {
  Run& r = g_run;
  const Dev& d = *g_h.dev;
  if (g_trace)
    std::fprintf(stderr,
                 "    -> %zu host calls; CR0 0x%x GERROR 0x%x GERRORN 0x%x CMDQ_PROD 0x%x CONS 0x%x EVENTQ_PROD 0x%x "
                 "CONS 0x%x\n",
                 r.fx.size(), r.s.cr0, r.s.gerror, r.s.gerrorn, r.s.cmdq_prod, r.s.cmdq_cons, r.s.eventq_prod,
                 r.s.eventq_cons);
  for (std::uint32_t o :
       {off::kCr0Ack, off::kIrqCtrlAck, off::kGerror, off::kGerrorn, off::kCmdqCons, off::kEventqProd})
    check_register(d, r.s, o, 4);
  check_register(d, r.s, written & ~3u, 4);
  check_register(d, r.s, written & ~7u, 8);
  const unsigned qs = queue_qs(r.s.cmdq_base, r.c.cmdq_qs_max);
  const std::uint32_t used = q_used(r.s.cmdq_prod, r.s.cmdq_cons, qs);
  CHECK(d.commands_pending() == (processing(r.s) && used != 0 && used <= (1u << qs)),
        "commands_pending() disagrees with the queue registers");
}

/// After every action: every register reads as the model says, and save() -> restore() into a
/// fresh Device reads back the same, register by register.
void after_action() {
  Run& r = g_run;
  Harness& h = g_h;
  const Dev& d = *h.dev;
  for (std::uint32_t o : kReadBack) check_register(d, r.s, o, 4);
  for (std::uint32_t o : {off::kGerrorIrqCfg0, off::kStrtabBase, off::kCmdqBase, off::kEventqBase, off::kEventqIrqCfg0,
                          off::kPriqBase, off::kPriqIrqCfg0, off::kCr0, off::kCmdqProd})
    check_register(d, r.s, o, 8);
  check_register(d, r.s, off::kCr0 + 2, 4);  // misaligned
  check_register(d, r.s, off::kCr0, 2);      // a width the architecture does not have
  const vsmmu::DeviceState st = d.save();
  if (h.verified_valid && st == h.verified) return;
  NullTraits nt;
  vsmmu::Device<NullTraits> copy(nt, r.c.policy, r.c.options);
  CHECK(copy.restore(st) == vsmmu::RestoreError::none, "restore() refused what save() gave");
  for (std::uint32_t o : kReadBack) CHECK(copy.read(o, 4) == d.read(o, 4), "a register differs after save -> restore");
  CHECK(copy.save() == st, "save() after restore() differs");
  h.verified = st;
  h.verified_valid = true;
}

/// QS changed (a _BASE.LOG2SIZE write): the SMMU-written pointer's bits between the old and new
/// wrap flag were RAZ and are UNKNOWN now (§3.5.1); the model takes them from the device after
/// checking that every bit it knows is unchanged.
void adopt_pointer(std::uint32_t& model, std::uint32_t device_read, unsigned old_qs, unsigned new_qs,
                   std::uint32_t keep) {
  if (old_qs == new_qs) return;
  const std::uint32_t known = ptr_mask(std::min(old_qs, new_qs)) | keep;
  CHECK(((model ^ device_read) & known) == 0, "a queue pointer changed with its queue's size");
  model = (model & ~kWrRd) | (device_read & kWrRd);
}

// =============================================================================================
// Steps: one device call each
// =============================================================================================

void trace(const char* fmt, std::uint64_t a = 0, std::uint64_t b = 0, std::uint64_t c = 0) {
  if (!g_trace) return;
  std::fprintf(stderr, "  step %zu %s: ", g_step, g_action);
  std::fprintf(stderr, fmt, a, b, c);
  std::fprintf(stderr, "\n");
}

DeviceStatus step_write(std::uint32_t o, std::uint64_t v, unsigned bytes) {
  Run& r = g_run;
  trace("write [0x%05" PRIx64 "] %" PRIu64 " bytes = 0x%" PRIx64, o, bytes, v);
  Shadow s = r.s;
  const WriteEffect we = model_write(r.c, s, o, v, bytes);
  // A processing write may also re-install streams (CFGI_STE / _RANGE / CFGI_ALL).
  begin_call(Call::mmio, we.install_all || we.process, we.process, s);
  const DeviceStatus st = g_h.dev->write(o, v, bytes);
  if (we.process) trace("-> DeviceStatus %" PRIu64 " (0 idle, 1 more_work, 2 host_error)", static_cast<unsigned>(st));
  Shadow after = s;
  if (we.process) {
    after = finish_processing(st, we.install_all);
  } else {
    CHECK(st == DeviceStatus::idle, "a write that processes no commands returned other than idle");
    if (we.install_all)
      check_installs_only(r);
    else
      CHECK(r.fx.empty(), "a register write that has nothing to do reached the host or guest memory");
  }
  const Dev& d = *g_h.dev;
  adopt_pointer(after.cmdq_cons, static_cast<std::uint32_t>(d.read(off::kCmdqCons, 4)),
                queue_qs(r.s.cmdq_base, r.c.cmdq_qs_max), queue_qs(after.cmdq_base, r.c.cmdq_qs_max), kConsErr);
  adopt_pointer(after.eventq_prod, static_cast<std::uint32_t>(d.read(off::kEventqProd, 4)),
                queue_qs(r.s.eventq_base, r.c.eventq_qs_max), queue_qs(after.eventq_base, r.c.eventq_qs_max), kOvFlg);
  r.s = after;
  end_call();
  after_step(o);
  return st;
}

void step_read(std::uint32_t o, unsigned bytes) {
  Run& r = g_run;
  trace("read [0x%05" PRIx64 "] %" PRIu64 " bytes", o, bytes);
  begin_call(Call::none, false, false, r.s);
  const std::uint64_t v = g_h.dev->read(o, bytes);
  CHECK(r.fx.empty(), "a register read reached the host or guest memory");
  CHECK(v == model_read(r.c, r.s, o, bytes), "a register reads other than the model says");
  end_call();
}

DeviceStatus step_poll() {
  Run& r = g_run;
  trace("poll");
  begin_call(Call::poll, true, true, r.s);
  const DeviceStatus st = g_h.dev->poll();
  trace("-> DeviceStatus %" PRIu64 " (0 idle, 1 more_work, 2 host_error)", static_cast<unsigned>(st));
  r.s = finish_processing(st, false);
  end_call();
  after_step();
  return st;
}

void step_event(const W4& rec) {
  Run& r = g_run;
  trace("report_event %016" PRIx64 " %016" PRIx64 " %016" PRIx64, rec[0], rec[1], rec[2]);
  begin_call(Call::event, false, false, r.s);
  const auto vsid = vsid_of(*r.t, static_cast<std::uint32_t>(smmuv3::event::StreamId::get(rec)));
  r.event_vsid = vsid.value_or(0);
  // An event of an unassigned pSID must not touch guest memory at all.
  if (!vsid) r.call = Call::none;
  const vsmmu::EventResult er = g_h.dev->report_event(rec);
  trace("-> EventStatus %" PRIu64 " (0 recorded, 1 not this guest, 2 host only, 3 not recorded, 4 overflow, 5 aborted)",
        static_cast<unsigned>(er.status));
  r.s = finish_event(rec, er);
  end_call();
  after_step();
}

/// A new Device on the same traits (the constructor is a reset), then `state` restored.
void construct_device() {
  Run& r = g_run;
  r.dev_ready = false;  // no snapshots while the device is being built
  const Shadow reset = reset_shadow(r.c);
  begin_call(Call::installs, true, false, reset);
  g_h.dev.emplace(g_h.traits, r.c.policy, r.c.options);
  check_installs_only(r);
  r.dev_ready = true;
  r.s = reset;
  end_call();
}

void step_migrate() {
  Run& r = g_run;
  trace("save -> restore into a new Device");
  const vsmmu::DeviceState st = g_h.dev->save();
  const Shadow before = r.s;
  construct_device();
  begin_call(Call::installs, true, false, before);
  CHECK(g_h.dev->restore(st) == vsmmu::RestoreError::none, "restore() refused what save() gave (migration)");
  check_installs_only(r);
  r.s = before;
  end_call();
  after_step();
}

void step_reset() {
  Run& r = g_run;
  trace("reset");
  const Shadow reset = reset_shadow(r.c);
  begin_call(Call::installs, true, false, reset);
  g_h.dev->reset();
  check_installs_only(r);
  r.s = reset;
  end_call();
  after_step();
}

void step_streams_changed() {
  Run& r = g_run;
  trace("streams_changed (%" PRIu64 " streams)", r.t->map.size());
  begin_call(Call::installs, true, false, r.s);
  g_h.dev->streams_changed();
  check_installs_only(r);
  end_call();
  after_step();
}

/// A saved state with one field changed, restored into the live device: accepted only if the
/// guest's SMMU could hold it (then every register reads it), refused with nothing changed
/// otherwise.
void step_restore_edited(std::uint8_t field, std::uint64_t x) {
  Run& r = g_run;
  vsmmu::DeviceState st = g_h.dev->save();
  std::uint32_t* const f32[] = {&st.version,
                                &st.idr0,
                                &st.idr1,
                                &st.idr3,
                                &st.idr5,
                                &st.aidr,
                                &st.cr0,
                                &st.cr1,
                                &st.cr2,
                                &st.gbpa,
                                &st.irq_ctrl,
                                &st.gerror,
                                &st.gerrorn,
                                &st.gerror_irq_cfg1,
                                &st.gerror_irq_cfg2,
                                &st.strtab_base_cfg,
                                &st.reserved0,
                                &st.cmdq_prod,
                                &st.cmdq_cons,
                                &st.eventq_prod,
                                &st.eventq_cons,
                                &st.eventq_irq_cfg1,
                                &st.eventq_irq_cfg2,
                                &st.priq_prod,
                                &st.priq_cons,
                                &st.priq_irq_cfg1,
                                &st.priq_irq_cfg2,
                                &st.idr2};
  std::uint64_t* const f64[] = {&st.gerror_irq_cfg0, &st.strtab_base, &st.cmdq_base,    &st.eventq_base,
                                &st.eventq_irq_cfg0, &st.priq_base,   &st.priq_irq_cfg0};
  constexpr std::size_t n32 = sizeof f32 / sizeof f32[0], n64 = sizeof f64 / sizeof f64[0];
  const std::size_t i = field % (n32 + n64);
  if (i < n32)
    *f32[i] ^= static_cast<std::uint32_t>(x);
  else
    *f64[i - n32] ^= x;
  trace("restore a saved state with field %" PRIu64 " ^= 0x%" PRIx64, i, x);
  const Shadow cand = shadow_of(st);
  const bool valid = st.version == vsmmu::kDeviceStateVersion && st.idr0 == r.c.idr[0] && st.idr1 == r.c.idr[1] &&
                     st.idr2 == r.c.idr[2] && st.idr3 == r.c.idr[3] && st.idr5 == r.c.idr[4] && st.aidr == r.c.idr[5] &&
                     st.reserved0 == 0 && representable(r.c, cand);
  begin_call(Call::installs, true, false, cand);
  const vsmmu::RestoreError e = g_h.dev->restore(st);
  CHECK((e == vsmmu::RestoreError::none) == valid,
        valid ? "restore() refused a state the guest's SMMU can be in"
              : "restore() accepted a register value the guest's SMMU can never hold");
  if (valid) {
    check_installs_only(r);
    r.s = cand;
  } else {
    CHECK(r.fx.empty(), "a refused restore() reached the host or guest memory");
  }
  end_call();
  after_step();
}

// =============================================================================================
// The guest's side: its memory and its driver's bookkeeping
// =============================================================================================

// Where a Linux-like guest keeps its structures (PROBE, GOOD_STE): inside TestTraits' 4 MiB.
constexpr std::uint64_t kCmdqAt = kRam + 0x0'0000;     // up to 2^8 commands
constexpr std::uint64_t kEventqAt = kRam + 0x0'8000;   // up to 2^7 records
constexpr std::uint64_t kL1At = kRam + 0x4'0000;       // 2-level: L1 table
constexpr std::uint64_t kLinearAt = kRam + 0x10'0000;  // linear table, up to 2^12 STEs
constexpr std::uint64_t kL2Pool = kRam + 0x20'0000;    // 16 L2 tables of 64 KiB
constexpr std::uint64_t kCdsAt = kRam + 0x38'0000;
constexpr std::uint64_t kMsiAt = kRam + 0x3F'0000;

/// The guest writes its own RAM (the device sees it on its next read).
void poke(std::uint64_t addr, const unsigned char* bytes, std::size_t n) {
  Run& r = g_run;
  if (addr < kRam || addr >= kRam + kRamBytes) return;
  n = static_cast<std::size_t>(std::min<std::uint64_t>(n, kRam + kRamBytes - addr));
  std::memcpy(&r.t->ram[addr - kRam], bytes, n);
  r.dirty.emplace_back(addr, n);
}
template <std::size_t N>
void poke_words(std::uint64_t addr, const Words<N>& w) {
  unsigned char b[8 * N];
  smmuv3::store_le(w, b);
  poke(addr, b, sizeof b);
}

std::uint32_t pick_vsid(std::uint8_t sel) {
  const TestTraits& t = *g_run.t;
  if (t.map.size() != 0 && sel < 0xF0) return t.map[sel % t.map.size()].vsid;
  return kVsidPool[sel & 15];
}

std::uint32_t pick_psid(std::uint8_t sel) {
  const TestTraits& t = *g_run.t;
  if (t.map.size() != 0 && sel < 0xE0) return t.map[sel % t.map.size()].psid;
  return 0x1000 + 0x11 * 16 + sel;  // no initial stream has it (REMAP may assign it)
}

/// The guest's driver posts a command at its producer index (it does not publish it).
void post_command(const W2& w) {
  Run& r = g_run;
  const unsigned qs = queue_qs(r.s.cmdq_base, r.c.cmdq_qs_max);
  poke_words(queue_addr(r.s.cmdq_base, qs, 16) + std::uint64_t{r.g_prod & idx_mask(qs)} * 16, w);
  r.g_prod = (r.g_prod + 1) & ptr_mask(qs);
}

DeviceStatus publish() { return step_write(off::kCmdqProd, g_run.g_prod, 4); }

/// Where vsid's STE is in the guest's table as programmed; for a 2-level table without a usable
/// L1STD, the guest writes one pointing into its L2 pool first (`make_l1`).
std::optional<std::uint64_t> ste_slot(std::uint32_t vsid, bool make_l1) {
  Run& r = g_run;
  const Table tb = table_of(r.c, r.s);
  if (!tb.two_level) return tb.base + std::uint64_t{vsid} * 64;
  const std::uint64_t l1 = tb.base + std::uint64_t{vsid >> tb.split} * 8;
  const std::uint32_t index = vsid & ((1u << tb.split) - 1);
  if (readable(*r.t, l1, 8))
    if (const auto l2 = l1std_target(r.c, r.t->peek64(l1), tb.split); l2 && index < l2->second)
      return l2->first + std::uint64_t{index} * 64;
  if (!make_l1) return std::nullopt;
  const std::uint64_t l2 = kL2Pool + std::uint64_t{(vsid >> tb.split) % 16} * 0x1'0000;
  poke_words(l1, smmuv3::encode(smmuv3::L1StreamTableDescriptor{static_cast<std::uint8_t>(tb.split + 1), l2}).words);
  return l2 + std::uint64_t{index} * 64;
}

W8 good_ste(std::uint32_t vsid, std::uint8_t kind) {
  smmuv3::Ste s{};
  s.v = (kind & 3) != 3;
  switch (kind & 3) {
    case 0:
      s.config = smmuv3::SteConfig::s1_trans;
      s.s1_context_ptr = kCdsAt + 64 * (vsid & 0xFF);
      break;
    case 1: s.config = smmuv3::SteConfig::bypass; break;
    default: s.config = smmuv3::SteConfig::abort; break;
  }
  s.s1_stalld = (kind & 0x04) != 0;
  s.eats = (kind & 0x08) != 0 ? smmuv3::Eats::full : smmuv3::Eats::abort;
  s.s1_cd_max = (kind & 0x10) != 0 ? 1 : 0;
  s.s1_dss = (kind & 0x20) != 0 ? smmuv3::S1Dss::bypass : smmuv3::S1Dss::terminate;
  s.s1_fmt = (kind & 0x40) != 0 ? smmuv3::S1Fmt::two_level_4k : smmuv3::S1Fmt::linear;
  s.mev = (kind & 0x80) != 0;
  return smmuv3::encode(s).words;
}

/// Commands a Linux-like driver sends (k selects), with operands from `a`.
W2 linux_command(std::uint8_t k, std::uint32_t a) {
  using namespace smmuv3;
  const std::uint32_t vsid = (a & 0x8000'0000) == 0 ? pick_vsid(static_cast<std::uint8_t>(a)) : a & 0xFFFF;
  const bool bit = (a & 0x100) != 0;
  const std::uint32_t ssid = (a >> 9) & 3;
  switch (k % 16) {
    case 0: return encode(CmdCfgiSte{false, vsid, bit}).words;
    case 1: return encode(CmdCfgiAll{}).words;
    case 2: return encode(CmdCfgiSteRange{false, vsid, static_cast<std::uint8_t>((a >> 24) & 31)}).words;
    case 3: return encode(CmdCfgiCd{false, ssid, vsid, bit}).words;
    case 4: {
      CmdTlbiNhVa c{};
      c.vmid = static_cast<std::uint16_t>(a >> 16);
      c.asid = static_cast<std::uint16_t>(a & 0xFF);
      c.leaf = bit;
      c.address = std::uint64_t{a} << 12;
      return encode(c).words;
    }
    case 5:
      return encode(CmdTlbiNhAsid{static_cast<std::uint16_t>(a >> 16), static_cast<std::uint16_t>(a & 0xFF)}).words;
    case 6: return encode(CmdTlbiNsnhAll{}).words;
    case 7: return encode(CmdSync{}).words;
    case 8: {
      // Linux's CMD_SYNC with an MSI to a word of its own memory; some aim elsewhere.
      CmdSync s{};
      s.cs = SyncCs::sig_irq;
      s.msh = SyncMsh::inner_shareable;
      s.msi_attr = 0xF;
      s.msi_data = a;
      const unsigned where = (a >> 28) & 3;
      s.msi_address = where == 0   ? kMsiAt + (a & 0xFFC)
                      : where == 1 ? 0
                      : where == 2 ? kRam + kRamBytes - 4 * ((a >> 4) & 3)
                                   : 0x0800'0000 + (a & 0xFFC);  // outside RAM: the MSI doorbell path
      return encode(s).words;
    }
    case 9: {
      CmdSync s{};
      s.cs = SyncCs::sig_sev;
      return encode(s).words;
    }
    case 10: return encode(CmdPrefetchConfig{false, false, 0, vsid}).words;
    case 11: return encode(CmdCfgiCdAll{false, vsid}).words;
    case 12: {
      CmdAtcInv c{};
      c.stream_id = vsid;
      c.size = static_cast<std::uint8_t>((a >> 16) & 63);
      c.address = std::uint64_t{a & 0xFFFF} << 12;
      return encode(c).words;
    }
    case 13: return encode(CmdResume{false, ResumeAction::retry, bit, vsid, static_cast<std::uint16_t>(a >> 16)}).words;
    case 14: return encode(CmdStallTerm{false, vsid}).words;
    default:
      return encode(CmdPriResp{false, 0, vsid, static_cast<std::uint16_t>((a >> 16) & 511), PriResp::success}).words;
  }
}

W4 good_event(std::uint8_t k, std::uint32_t psid, std::uint32_t a) {
  using namespace smmuv3;
  switch (k % 6) {
    case 0:
    case 1:
    case 4: {
      // F_TRANSLATION / F_PERMISSION of stage 1 (0), of stage 2 at an IPA (1), stalled (4).
      EvtFTranslation e{};
      e.stream_id = psid;
      e.ssv = (a & 1) != 0;
      e.substream_id = (a >> 1) & 3;
      e.rnw = (a & 8) != 0;
      e.s2 = k % 6 == 1;
      e.class_ = static_cast<EventClass>((a >> 4) & 3);
      e.input_addr = std::uint64_t{a} << 12;
      e.ipa = (a & 0x40) != 0 ? (kRam + (std::uint64_t{a} << 12) % kRamBytes) : std::uint64_t{a} << 24;
      e.stall = k % 6 == 4;
      e.stag = static_cast<std::uint16_t>(a >> 16);
      W4 w = encode(e).words;
      if (k % 6 == 4) w[0] = (w[0] & ~std::uint64_t{0xFF}) | 0x13;  // F_PERMISSION
      return w;
    }
    case 2: return encode(EvtCBadSte{(a & 1) != 0, (a >> 1) & 3, psid}).words;
    case 3: {
      EvtFCdFetch e{};
      e.stream_id = psid;
      e.fetch_addr = (std::uint64_t{a} << 3) & 0x00FF'FFFF'FFFF'FFF8;
      return encode(e).words;
    }
    default: {
      EvtFWalkEabt e{};
      e.stream_id = psid;
      e.s2 = (a & 1) != 0;
      W4 w = encode(e).words;
      return w;
    }
  }
}

/// Linux's arm_smmu_device_reset, through the same checked steps as every other access.
void probe(std::uint8_t sel) {
  Run& r = g_run;
  const vsmmu::GuestIdrs& idr = r.c.policy.idr;
  const bool two_level = idr.idr0.st_level == reg::StLevel::two_level && (sel & 0x80) == 0;
  constexpr unsigned kSplit[] = {8, 6, 10, 8};
  const unsigned split = kSplit[sel & 3];
  const unsigned sid_bits = idr.idr1.sidsize;
  step_write(off::kCr0, 0, 4);
  step_write(off::kCr1, 0xD75, 4);  // Linux: queues and tables inner-shareable write-back
  step_write(off::kCr2, kRecInvSid | (idr.idr0.btm ? kPtm : 0), 4);
  const unsigned log2 = two_level ? std::min(sid_bits, 20u) : std::min(sid_bits, 12u);
  step_write(off::kStrtabBase, (two_level ? kL1At : kLinearAt) | (std::uint64_t{1} << 62), 8);
  step_write(off::kStrtabBaseCfg, (two_level ? (1u << 16) | (split << 6) : 0) | log2, 4);
  step_write(off::kCmdqBase, kCmdqAt | (std::uint64_t{1} << 62) | idr.idr1.cmdqs, 8);
  step_write(off::kCmdqProd, 0, 4);
  step_write(off::kCmdqCons, 0, 4);
  r.g_prod = 0;
  step_write(off::kCr0, kCmdqEn, 4);
  post_command(smmuv3::encode(smmuv3::CmdCfgiAll{}).words);
  post_command(smmuv3::encode(smmuv3::CmdSync{}).words);
  publish();
  post_command(smmuv3::encode(smmuv3::CmdTlbiNsnhAll{}).words);
  post_command(smmuv3::encode(smmuv3::CmdSync{}).words);
  publish();
  step_write(off::kEventqBase, kEventqAt | (std::uint64_t{1} << 62) | idr.idr1.eventqs, 8);
  step_write(off::kEventqProd, 0, 4);
  step_write(off::kEventqCons, 0, 4);
  step_write(off::kCr0, kCmdqEn | kEventqEn, 4);
  step_write(off::kIrqCtrl, 0, 4);
  const bool msi = (sel & 0x04) != 0;
  step_write(off::kGerrorIrqCfg0, msi ? kMsiAt + 0x100 : 0, 8);
  step_write(off::kGerrorIrqCfg1, 0x4747, 4);
  step_write(off::kEventqIrqCfg0, msi ? kMsiAt + 0x200 : 0, 8);
  step_write(off::kEventqIrqCfg1, 0xE7E7, 4);
  step_write(off::kIrqCtrl, (sel & 0x08) != 0 ? kGerrorIrqEn : kGerrorIrqEn | kEventqIrqEn, 4);
  // The STEs of the assigned devices (stage 1 with a CD, or bypass), as the driver writes them
  // when it attaches them.
  for (std::size_t i = 0; i < r.t->map.size(); ++i) {
    const std::uint32_t vsid = r.t->map[i].vsid;
    if (const auto at = ste_slot(vsid, true)) poke_words(*at, good_ste(vsid, (sel & 0x10) != 0 ? 1 : 0));
  }
  if ((sel & 0x20) == 0) step_write(off::kCr0, kCmdqEn | kEventqEn | kSmmuEn, 4);
}

// =============================================================================================
// The script
// =============================================================================================

enum Action : std::uint8_t {
  kW32,          // [r u8][v u32]        32-bit write of register kRegs[r]
  kW64,          // [r u8][v u64]        64-bit write at kRegs[r]
  kRaw,          // [off u24][w u8][v u64]  any access: w bit 7 write, (w & 7) + 1 bytes
  kCmd,          // [16 bytes]           a command at the guest's producer index
  kCmdLinux,     // [k u8][a u32]        a well-formed command at the producer index
  kPublish,      // []                   CMDQ_PROD = the guest's producer index
  kSte,          // [sel u8][64 bytes]   an STE where the guest's table puts vSID(sel)
  kGoodSte,      // [sel u8][kind u8]    a well-formed STE (and L1STD) for vSID(sel)
  kL1std,        // [sel u8][8 bytes]    the L1STD covering vSID(sel) (linear: its STE's word 0)
  kMem,          // [off u24][len u8][len % 65 bytes]  raw guest RAM
  kPoll,         // []
  kPollIdle,     // []                   poll() until not more_work (bounded)
  kEvent,        // [sel u8][32 bytes]   a physical event for pSID(sel)
  kGoodEvent,    // [k u8][sel u8][a u32]  a well-formed physical event
  kInject,       // [k u8][a u16][len u8]  host failures
  kMigrate,      // []                   save -> restore into a new Device
  kReset,        // []
  kRemap,        // [v u32][p u8][f u8]  assign (or remove) a stream, then streams_changed()
  kProbe,        // [sel u8]             Linux's probe sequence
  kSkipErr,      // []                   Linux's arm_smmu_cmdq_skip_err
  kDrain,        // []                   the guest consumes its Event queue
  kRestoreEdit,  // [field u8][x u64]    restore a saved state with a field changed
  kActions
};

constexpr const char* kActionNames[kActions] = {
    "W32",   "W64",   "RAW",   "CMD",       "CMD_LINUX", "PUBLISH",      "STE",    "GOOD_STE",
    "L1STD", "MEM",   "POLL",  "POLL_IDLE", "EVENT",     "GOOD_EVENT",   "INJECT", "MIGRATE",
    "RESET", "REMAP", "PROBE", "SKIP_ERR",  "DRAIN",     "RESTORE_EDIT",
};

void run_action(Reader& in) {
  Run& r = g_run;
  TestTraits& t = *r.t;
  const auto action = static_cast<Action>(in.u8() % kActions);
  g_action = kActionNames[action];
  switch (action) {
    case kW32: {
      const std::uint32_t o = kRegs[in.u8() % (sizeof kRegs / sizeof kRegs[0])];
      const auto v = static_cast<std::uint32_t>(in.le(4));
      if (o == off::kCmdqProd) r.g_prod = v & kWrRd;  // the driver's own idea of PROD follows
      step_write(o, v, 4);
      break;
    }
    case kW64: {
      const std::uint32_t o = kRegs[in.u8() % (sizeof kRegs / sizeof kRegs[0])];
      step_write(o, in.le(8), 8);
      break;
    }
    case kRaw: {
      const auto o = static_cast<std::uint32_t>(in.le(3));
      const std::uint8_t w = in.u8();
      const std::uint64_t v = in.le(8);
      if ((w & 0x80) != 0)
        step_write(o, v, (w & 7) + 1u);
      else
        step_read(o, (w & 7) + 1u);
      break;
    }
    case kCmd: {
      const std::uint64_t w0 = in.le(8), w1 = in.le(8);
      post_command(W2{{w0, w1}});
      break;
    }
    case kCmdLinux: {
      const std::uint8_t k = in.u8();
      post_command(linux_command(k, static_cast<std::uint32_t>(in.le(4))));
      break;
    }
    case kPublish: publish(); break;
    case kSte: {
      const std::uint32_t vsid = pick_vsid(in.u8());
      W8 w{};
      for (std::size_t i = 0; i < 8; ++i) w[i] = in.le(8);
      if (const auto at = ste_slot(vsid, true)) poke_words(*at, w);
      break;
    }
    case kGoodSte: {
      const std::uint32_t vsid = pick_vsid(in.u8());
      const std::uint8_t kind = in.u8();
      if (const auto at = ste_slot(vsid, true)) poke_words(*at, good_ste(vsid, kind));
      break;
    }
    case kL1std: {
      // 2-level: the L1STD covering vSID(sel); linear: word 0 of its STE (V, Config, S1ContextPtr).
      const std::uint32_t vsid = pick_vsid(in.u8());
      const Table tb = table_of(r.c, r.s);
      const std::uint64_t at =
          tb.two_level ? tb.base + std::uint64_t{vsid >> tb.split} * 8 : tb.base + std::uint64_t{vsid} * 64;
      poke_words(at, Words<1>{{in.le(8)}});
      break;
    }
    case kMem: {
      const std::uint64_t at = kRam + in.le(3) % kRamBytes;
      unsigned char b[64];
      const unsigned n = in.u8() % 65;
      for (unsigned i = 0; i < n; ++i) b[i] = in.u8();
      poke(at, b, n);
      break;
    }
    case kPoll: step_poll(); break;
    case kPollIdle: {
      // Each more_work call consumes at least one command, so a queue of 2^QS entries is done
      // within 2^QS + 1 calls.
      const unsigned qs = queue_qs(r.s.cmdq_base, r.c.cmdq_qs_max);
      const std::uint32_t bound = (1u << qs) + 1;
      std::uint32_t calls = 0;
      while (step_poll() == DeviceStatus::more_work) CHECK(++calls <= bound, "poll() until idle does not terminate");
      break;
    }
    case kEvent: {
      const std::uint32_t psid = pick_psid(in.u8());
      W4 w{};
      for (std::size_t i = 0; i < 4; ++i) w[i] = in.le(8);
      w[0] = (w[0] & 0xFFFF'FFFF) | (std::uint64_t{psid} << 32);
      step_event(w);
      break;
    }
    case kGoodEvent: {
      const std::uint8_t k = in.u8();
      const std::uint32_t psid = pick_psid(in.u8());
      step_event(good_event(k, psid, static_cast<std::uint32_t>(in.le(4))));
      break;
    }
    case kInject: {
      const std::uint8_t k = in.u8();
      const std::uint64_t a = in.le(2);
      const std::uint64_t len = in.u8();
      const std::uint64_t lo = kRam + a * 64;
      switch (k % 8) {
        case 0: t.fail_submit = !t.fail_submit; break;
        case 1: t.fail_sync = !t.fail_sync; break;
        case 2: t.fail_msi = !t.fail_msi; break;
        case 3: t.read_aborts.emplace_back(lo, lo + len * 16 + 15); break;
        case 4: t.write_aborts.emplace_back(lo, lo + len * 16 + 15); break;
        case 5:
          t.read_aborts.clear();
          t.write_aborts.clear();
          break;
        case 6: {
          // The entry a few places after CMDQ_CONS aborts when read.
          const unsigned qs = queue_qs(r.s.cmdq_base, r.c.cmdq_qs_max);
          const std::uint64_t at =
              queue_addr(r.s.cmdq_base, qs, 16) +
              std::uint64_t{(r.s.cmdq_cons + static_cast<std::uint32_t>(a % 8)) & idx_mask(qs)} * 16;
          t.read_aborts.emplace_back(at, at + 15);
          break;
        }
        default: {
          // The Event queue slot at EVENTQ_PROD aborts when written.
          const unsigned qs = queue_qs(r.s.eventq_base, r.c.eventq_qs_max);
          const std::uint64_t at =
              queue_addr(r.s.eventq_base, qs, 32) + std::uint64_t{r.s.eventq_prod & idx_mask(qs)} * 32;
          t.write_aborts.emplace_back(at, at + 31);
          break;
        }
      }
      trace("inject %" PRIu64 " [0x%" PRIx64 ", +%" PRIu64 "]", k % 8, lo, len);
      break;
    }
    case kMigrate: step_migrate(); break;
    case kReset: step_reset(); break;
    case kRemap: {
      const auto v = static_cast<std::uint32_t>(in.le(4));
      const std::uint8_t p = in.u8(), f = in.u8();
      if ((f & 1) != 0) {
        if (t.map.size() != 0) t.map.remove(t.map[v % t.map.size()].vsid);
      } else {
        (void)t.map.add((f & 2) != 0 ? kVsidPool[v & 15] : v, 0x1000 + p);
      }
      step_streams_changed();
      break;
    }
    case kProbe: probe(in.u8()); break;
    case kSkipErr: {
      // arm_smmu_cmdq_skip_err: on CERROR_ILL the bad command becomes a CMD_SYNC; then GERRORN
      // acknowledges every active error.
      if ((active(r.s) & kCmdqErr) != 0 && ((r.s.cmdq_cons & kConsErr) >> kConsErrShift) == kCerrorIll) {
        const unsigned qs = queue_qs(r.s.cmdq_base, r.c.cmdq_qs_max);
        poke_words(queue_addr(r.s.cmdq_base, qs, 16) + std::uint64_t{r.s.cmdq_cons & idx_mask(qs)} * 16,
                   smmuv3::encode(smmuv3::CmdSync{}).words);
      }
      step_write(off::kGerrorn, static_cast<std::uint32_t>(g_h.dev->read(off::kGerror, 4)), 4);
      break;
    }
    case kDrain: {
      // The guest reads every record up to EVENTQ_PROD and acknowledges an overflow.
      const auto prod = static_cast<std::uint32_t>(g_h.dev->read(off::kEventqProd, 4));
      step_write(off::kEventqCons, prod, 4);
      break;
    }
    case kRestoreEdit: {
      const std::uint8_t field = in.u8();
      step_restore_edited(field, in.le(8));
      break;
    }
    case kActions: break;
  }
}

/// Guest RAM is 4 MiB, allocated once; only what the last input wrote is cleared.
TestTraits& bench() {
  static TestTraits t;
  return t;
}

void start_input(const Case& c, const std::vector<InitialStream>& streams) {
  Run& r = g_run;
  TestTraits& t = bench();
  for (const auto& [a, n] : r.dirty)
    if (t.in_ram(a, n)) std::memset(&t.ram[a - kRam], 0, n);
  for (const auto& [a, n] : t.writes)
    if (t.in_ram(a, n)) std::memset(&t.ram[a - kRam], 0, n);
  r.dirty.clear();
  t.forget_host();
  t.stage2 = c.stage2;
  for (const InitialStream& s : streams) (void)t.map.add(s.vsid, s.psid);
  r.c = c;
  r.t = &t;
  r.g_prod = 0;
  g_h.verified_valid = false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const bool trace_env = [] {
    const char* v = std::getenv("VSMMU_FUZZ_TRACE");
    return v != nullptr && *v != '\0' && *v != '0';
  }();
  g_trace = trace_env;
  Reader in{data, size};
  std::vector<InitialStream> streams;
  g_step = 0;
  g_action = "setup";
  const Case c = make_case(in, streams);
  if (!c.ok) return 0;  // make_policy refused the header's configuration: nothing to drive
  start_input(c, streams);
  construct_device();
  after_step();
  after_action();
  while (!in.done()) {
    ++g_step;
    run_action(in);
    after_action();
  }
  g_run.dev_ready = false;
  g_h.dev.reset();
  return 0;
}
