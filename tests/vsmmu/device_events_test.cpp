// Tests for Device::report_event (include/vsmmu/device.hpp): physical events of a guest's
// streams recorded in the guest's Event queue as its stage-1-only SMMU would record them
// (§7.2-§7.4, the event rewriting of guest_event.hpp), with the vSID, at EVENTQ_PROD, with the
// eventq interrupt; what the host keeps; overflow (§7.4); and the Event queue errors (§7.5).
// The guest is the simulated driver of tests/support/guest_driver.hpp after its probe.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "smmuv3/event.hpp"
#include "smmuv3/queue.hpp"
#include "smmuv3/registers/irq.hpp"
#include "smmuv3/registers/offsets.hpp"
#include "smmuv3/ste.hpp"
#include "support/guest_driver.hpp"
#include "support/test_traits.hpp"
#include "vsmmu/device.hpp"

namespace {

using namespace smmuv3::reg::offset;
using smmuv3::EventClass;
using smmuv3::Words;
using vsmmu::EventStatus;
using vsmmu::GuestSignal;
using vsmmu_test::GuestDriver;
using vsmmu_test::GuestLayout;
using vsmmu_test::TestTraits;

using Dev = vsmmu::Device<TestTraits>;
using Driver = GuestDriver<Dev, TestTraits>;

constexpr std::uint64_t R = TestTraits::kRamBase;
constexpr std::uint32_t kPsid = 0x1008, kVsid = 8;
constexpr std::uint32_t kOvFlg = 1u << 31;
constexpr std::uint32_t kEventqAbtErr = static_cast<std::uint32_t>(smmuv3::reg::gerror::EventqAbtErr::mask);
constexpr std::uint32_t kMsiEventqAbtErr = static_cast<std::uint32_t>(smmuv3::reg::gerror::MsiEventqAbtErr::mask);

// A probed guest: streams vSID 8 -> pSID 0x1008 and vSID 0x10 -> pSID 0x1010 with stage 1
// STEs, plus vSID 0x40 -> pSID 0x1040 whose STE the guest never wrote (V == 0).
struct Rig {
  TestTraits t;
  Dev dev;
  Driver g;

  static TestTraits make_traits() {
    TestTraits t;
    t.map.add(kVsid, kPsid);
    t.map.add(0x10, 0x1010);
    t.map.add(0x40, 0x1040);
    return t;
  }
  explicit Rig(const GuestLayout& layout = {}, const vsmmu::GuestConfig& cfg = {}, bool probe = true)
      : t(make_traits()), dev(t, vsmmu_test::guest_policy(cfg)), g(dev, t, layout) {
    g.write_ste(kVsid, Driver::s1_ste(R + 0x38'0000));
    g.write_ste(0x10, Driver::s1_ste(R + 0x38'0040));
    if (probe) {
      EXPECT_TRUE(g.probe());
    }
  }
  EventStatus report(const Words<4>& e) { return dev.report_event(e).status; }
};

GuestLayout small_eventq(unsigned log2 = 3) {
  GuestLayout l{};
  l.eventq_log2 = log2;
  return l;
}

smmuv3::EvtFTranslation translation_fault(std::uint32_t psid = kPsid) {
  smmuv3::EvtFTranslation e{};
  e.ssv = true;
  e.substream_id = 0;
  e.stream_id = psid;
  e.stag = 0;
  e.pnu = true;
  e.rnw = true;
  e.class_ = EventClass::in;
  e.input_addr = 0xFFFF'8000'1234'5678;
  return e;
}

Words<4> stage2_fault(EventClass cls, std::uint64_t ipa, bool stall = false) {
  smmuv3::EvtFTranslation e = translation_fault();
  e.s2 = true;
  e.class_ = cls;
  e.ipa = ipa;
  e.stall = stall;
  e.stag = stall ? 0x77 : 0;
  return smmuv3::encode(e).words;
}

Words<4> c_bad_ste(std::uint32_t psid, bool ssv = false, std::uint32_t ssid = 0) {
  return smmuv3::encode(smmuv3::EvtCBadSte{ssv, ssid, psid}).words;
}

// ----- What is recorded, where, and with what interrupt ---------------------------------------

// The device's contract: "Events of streams that are not this guest's are refused".
TEST(DeviceEvents, ForeignPsidIsNotThisGuest) {
  Rig r;
  const std::size_t writes = r.t.writes.size();
  const auto res = r.dev.report_event(smmuv3::encode(translation_fault(0x2000)).words);
  EXPECT_EQ(res.status, EventStatus::not_this_guest);
  EXPECT_FALSE(res.host_must_terminate_stall);
  EXPECT_EQ(r.t.writes.size(), writes);
  EXPECT_EQ(r.g.eventq_prod(), 0u);
  EXPECT_TRUE(r.t.signals.empty());
  EXPECT_EQ(r.dev.counters().events_recorded, 0u);
}

// §7.2: an event is written at EVENTQ_PROD, then PROD moves (§3.5.1) and the eventq interrupt
// is signalled (wired: EVENTQ_IRQ_CFG0 == 0). guest_event.hpp: the vSID replaces the pSID;
// IPA and NSIPA (valid only for S2 == 1, §7.3.13) and IMPL_DEF (the host's hardware) are
// cleared; everything else of the stage 1 fault is the guest's.
TEST(DeviceEvents, Stage1TranslationFaultIsRecordedWithTheVsid) {
  Rig r(small_eventq(3));
  smmuv3::EvtFTranslation p = translation_fault();
  p.substream_id = 0;
  p.impl_def = 0xABCD;
  p.ipa = 0x1234'5000;
  p.nsipa = true;
  const auto res = r.dev.report_event(smmuv3::encode(p).words);
  EXPECT_EQ(res.status, EventStatus::recorded);
  EXPECT_FALSE(res.host_must_terminate_stall);
  EXPECT_EQ(r.g.eventq_prod(), 1u);
  EXPECT_EQ(r.t.writes.back(), (std::pair<std::uint64_t, std::size_t>{r.g.layout().eventq, 32}));
  EXPECT_EQ(r.t.signals, (std::vector<GuestSignal>{GuestSignal::eventq_irq}));
  r.t.signals.clear();
  const auto events = r.g.read_events();
  ASSERT_EQ(events.size(), 1u);
  smmuv3::EvtFTranslation want = p;
  want.stream_id = kVsid;
  want.impl_def = 0;
  want.ipa = 0;
  want.nsipa = false;
  EXPECT_EQ(events[0], smmuv3::encode(want).words);
  EXPECT_EQ(r.dev.counters().events_recorded, 1u);

  // The next ones land at the next entries. §3.18.2: the interrupt's trigger is "Event queue
  // transitions from empty to non-empty": once the guest emptied the queue, the next record
  // signals, the one after it does not.
  EXPECT_EQ(r.report(smmuv3::encode(p).words), EventStatus::recorded);
  EXPECT_EQ(r.t.writes.back().first, r.g.layout().eventq + 32);
  EXPECT_EQ(r.g.eventq_prod(), 2u);
  EXPECT_EQ(r.report(smmuv3::encode(p).words), EventStatus::recorded);
  EXPECT_EQ(r.t.writes.back().first, r.g.layout().eventq + 64);
  EXPECT_EQ(r.g.eventq_prod(), 3u);
  EXPECT_EQ(r.t.count(GuestSignal::eventq_irq), 1u);
  EXPECT_EQ(r.g.read_events().size(), 2u);
  EXPECT_EQ(r.report(smmuv3::encode(p).words), EventStatus::recorded);
  EXPECT_EQ(r.t.count(GuestSignal::eventq_irq), 2u);
}

// §3.18 / §6.3.30: with SMMU_IDR0.MSI and EVENTQ_IRQ_CFG0.ADDR != 0 the eventq interrupt is
// an MSI of EVENTQ_IRQ_CFG1 with EVENTQ_IRQ_CFG2.MemAttr, and no wired interrupt.
TEST(DeviceEvents, EventqInterruptIsAnMsiWhenConfigured) {
  Rig r;
  const std::uint64_t doorbell = 0x0809'0040;
  r.g.write32(kIrqCtrl, Driver::kIrqGerror);  // the IRQ_CFG registers change only while disabled
  r.g.write64(kEventqIrqCfg0, doorbell);
  r.g.write32(kEventqIrqCfg1, 0x55);
  r.g.write32(kEventqIrqCfg2, 0xF);
  r.g.write32(kIrqCtrl, Driver::kIrqGerror | Driver::kIrqEventq);
  EXPECT_EQ(r.report(smmuv3::encode(translation_fault()).words), EventStatus::recorded);
  EXPECT_TRUE(r.t.signals.empty());
  EXPECT_EQ(r.t.msis, (std::vector<vsmmu_test::Msi>{{doorbell, 0x55, 0xF}}));
}

// SMMU_IRQ_CTRL.EVENTQ_IRQEN == 0: recorded, not signalled.
TEST(DeviceEvents, NoInterruptWhileEventqIrqenIsZero) {
  Rig r;
  r.g.write32(kIrqCtrl, Driver::kIrqGerror);
  EXPECT_EQ(r.report(smmuv3::encode(translation_fault()).words), EventStatus::recorded);
  EXPECT_TRUE(r.t.signals.empty());
  EXPECT_TRUE(r.t.msis.empty());
  EXPECT_EQ(r.g.eventq_prod(), 1u);
}

// §6.3.29: "The effective base address is aligned by the SMMU to the larger of the queue size
// in bytes or 32 bytes": with 2^3 records (256 bytes) ADDR[7:5] are ignored.
TEST(DeviceEvents, EventQueueBaseIsAlignedToTheQueueSize) {
  Rig r(small_eventq(3));
  r.g.set_cr0(static_cast<std::uint32_t>(smmuv3::reg::cr0::SmmuEn::mask | smmuv3::reg::cr0::CmdqEn::mask));
  r.g.write64(kEventqBase, (r.g.layout().eventq + 0x60) | 3);
  r.g.set_cr0(static_cast<std::uint32_t>(smmuv3::reg::cr0::SmmuEn::mask | smmuv3::reg::cr0::CmdqEn::mask |
                                         smmuv3::reg::cr0::EventqEn::mask));
  EXPECT_EQ(r.report(smmuv3::encode(translation_fault()).words), EventStatus::recorded);
  EXPECT_EQ(r.t.writes.back().first, r.g.layout().eventq);
}

// §6.3.29 LOG2SIZE: capped at SMMU_IDR1.EVENTQS except for readback. A guest shown EVENTQS == 1
// that writes LOG2SIZE 10 has a queue of two records.
TEST(DeviceEvents, Log2SizeAboveEventqsIsCappedExceptForReadback) {
  Rig r(small_eventq(1), {.eventq_log2 = 1});
  namespace cr0 = smmuv3::reg::cr0;
  const std::uint32_t on = static_cast<std::uint32_t>(cr0::SmmuEn::mask | cr0::CmdqEn::mask | cr0::EventqEn::mask);
  r.g.set_cr0(on & ~static_cast<std::uint32_t>(cr0::EventqEn::mask));
  r.g.write64(kEventqBase, r.g.layout().eventq | 10);
  r.g.set_cr0(on);
  EXPECT_EQ(r.g.read64(kEventqBase) & 0x1F, 10u);
  const Words<4> e = smmuv3::encode(translation_fault()).words;
  EXPECT_EQ(r.report(e), EventStatus::recorded);
  EXPECT_EQ(r.report(e), EventStatus::recorded);
  EXPECT_EQ(r.g.eventq_prod(), 0x2u);  // index 0, wrap flag bit 1
  EXPECT_EQ(r.report(e), EventStatus::overflow);
  EXPECT_EQ(r.t.writes.back().first, r.g.layout().eventq + 32);
}

// ----- Stage 2 faults: the guest's view of its own memory map ---------------------------------

// guest_event.hpp: a stage 2 fault at an IPA above the guest's OAS is the guest's stage 1
// producing an out-of-range output address: F_ADDR_SIZE, stage 1 (§3.4.1), no IPA.
TEST(DeviceEvents, Stage2FaultAboveTheGuestOasIsStage1AddrSize) {
  Rig r;
  ASSERT_EQ(smmuv3::reg::oas_bits(r.dev.policy().idr.idr5.oas), 40u);
  EXPECT_EQ(r.report(stage2_fault(EventClass::in, std::uint64_t{1} << 40)), EventStatus::recorded);
  const auto ev = r.g.read_events();
  ASSERT_EQ(ev.size(), 1u);
  const auto d = smmuv3::decode_event_as<smmuv3::EvtFAddrSize>(ev[0]);
  EXPECT_EQ(smmuv3::event_type(ev[0]), smmuv3::EventType::f_addr_size);
  EXPECT_EQ(d.stream_id, kVsid);
  EXPECT_FALSE(d.s2);
  EXPECT_EQ(d.ipa, 0u);
  EXPECT_EQ(d.class_, EventClass::in);
  EXPECT_EQ(d.input_addr, translation_fault().input_addr);
  EXPECT_TRUE(d.rnw);
  EXPECT_TRUE(d.pnu);
}

// §7.3.10: F_CD_FETCH "might be injected into a guest VM ... when a hypervisor receives a
// stage 2 Translation-related fault indicating CD fetch as a cause (with CLASS == CD)";
// FetchAddr is the (guest physical) address of the CD.
TEST(DeviceEvents, Stage2FaultOnCdFetchIsFCdFetchAtTheIpa) {
  Rig r;
  EXPECT_EQ(r.report(stage2_fault(EventClass::cd, 0x8765'4000)), EventStatus::recorded);
  const auto ev = r.g.read_events();
  ASSERT_EQ(ev.size(), 1u);
  smmuv3::EvtFCdFetch want{};
  want.ssv = true;
  want.stream_id = kVsid;
  want.fetch_addr = 0x8765'4000;
  EXPECT_EQ(ev[0], smmuv3::encode(want).words);
}

// §7.3.12 F_WALK_EABT for a stage 2 fault on a stage 1 table walk (CLASS == TT): FetchAddr
// is the IPA of the descriptor, CLASS TT, S2 == 0, InputAddr and the access kept.
TEST(DeviceEvents, Stage2FaultOnTableWalkIsFWalkEabtAtTheIpa) {
  Rig r;
  EXPECT_EQ(r.report(stage2_fault(EventClass::ttd, 0x8765'4000)), EventStatus::recorded);
  const auto ev = r.g.read_events();
  ASSERT_EQ(ev.size(), 1u);
  smmuv3::EvtFWalkEabt want{};
  want.ssv = true;
  want.stream_id = kVsid;
  want.pnu = true;
  want.rnw = true;
  want.class_ = EventClass::ttd;
  want.input_addr = translation_fault().input_addr;
  want.fetch_addr = 0x8765'4000;
  EXPECT_EQ(ev[0], smmuv3::encode(want).words);
}

// §16.7.4 (guest_event.hpp): a client access to an IPA the guest has no memory at is aborted
// without a guest event; a stalled one must be terminated by the host.
TEST(DeviceEvents, Stage2FaultOnClientAccessIsHostOnly) {
  Rig r;
  const std::size_t writes = r.t.writes.size();
  auto res = r.dev.report_event(stage2_fault(EventClass::in, 0x8765'4000));
  EXPECT_EQ(res.status, EventStatus::host_only);
  EXPECT_FALSE(res.host_must_terminate_stall);
  EXPECT_NE(res.reason, nullptr);
  res = r.dev.report_event(stage2_fault(EventClass::in, 0x8765'4000, true));
  EXPECT_EQ(res.status, EventStatus::host_only);
  EXPECT_TRUE(res.host_must_terminate_stall);
  EXPECT_EQ(r.t.writes.size(), writes);
  EXPECT_EQ(r.g.eventq_prod(), 0u);
  // Not a lost guest event: the guest's SMMU would not have recorded one.
  EXPECT_EQ(r.dev.counters().events_lost, 0u);
  EXPECT_EQ(r.dev.counters().events_recorded, 0u);
}

// A stalled stage 2 fault on a CD fetch is recorded as F_CD_FETCH, which has no Stall field:
// the guest cannot resume it, so the host must terminate it.
TEST(DeviceEvents, StalledStage2FaultRecordedAsFetchAbortMustBeTerminatedByTheHost) {
  Rig r;
  const auto res = r.dev.report_event(stage2_fault(EventClass::cd, 0x8765'4000, true));
  EXPECT_EQ(res.status, EventStatus::recorded);
  EXPECT_TRUE(res.host_must_terminate_stall);
}

// §6.3.1 STALL_MODEL: a guest shown terminate-only (this host's model) has no CMD_RESUME, so a
// stalled stage 1 fault reaches it without Stall/STAG and the host terminates the transaction.
TEST(DeviceEvents, StalledStage1FaultOfATerminateOnlyGuestIsTerminatedByTheHost) {
  Rig r;
  ASSERT_EQ(r.dev.policy().idr.idr0.stall_model, smmuv3::reg::StallModel::terminate_only);
  smmuv3::EvtFTranslation p = translation_fault();
  p.stall = true;
  p.stag = 0x1234;
  const auto res = r.dev.report_event(smmuv3::encode(p).words);
  EXPECT_EQ(res.status, EventStatus::recorded);
  EXPECT_TRUE(res.host_must_terminate_stall);
  const auto ev = r.g.read_events();
  ASSERT_EQ(ev.size(), 1u);
  const auto d = smmuv3::decode_event_as<smmuv3::EvtFTranslation>(ev[0]);
  EXPECT_FALSE(d.stall);
  EXPECT_EQ(d.stag, 0u);
}

// A guest shown the host's stall model gets the stall (Stall, STAG) and resumes it itself with
// CMD_RESUME (§4.7.1): the host must not terminate it. If the record cannot be written (queue
// full), the guest never learns of the stall and the host must terminate it.
TEST(DeviceEvents, StalledStage1FaultOfAStallingGuestIsTheGuests) {
  TestTraits t = Rig::make_traits();
  const vsmmu::HostIdrs stall_host{0x0c40101b, 0x02730010, 0x00001404, 0x00000074, 0x1};
  const auto pr = vsmmu::make_policy(stall_host, vsmmu::GuestConfig{.stall = true});
  ASSERT_TRUE(pr.ok());
  Dev dev(t, pr.policy);
  Driver g(dev, t, small_eventq(1));
  g.write_ste(kVsid, Driver::s1_ste(R + 0x38'0000));
  ASSERT_TRUE(g.probe());
  smmuv3::EvtFTranslation p = translation_fault();
  p.stall = true;
  p.stag = 0x1234;
  auto res = dev.report_event(smmuv3::encode(p).words);
  EXPECT_EQ(res.status, EventStatus::recorded);
  EXPECT_FALSE(res.host_must_terminate_stall);
  const auto ev = g.read_events();
  ASSERT_EQ(ev.size(), 1u);
  const auto d = smmuv3::decode_event_as<smmuv3::EvtFTranslation>(ev[0]);
  EXPECT_TRUE(d.stall);
  EXPECT_EQ(d.stag, 0x1234);
  EXPECT_EQ(d.stream_id, kVsid);

  EXPECT_EQ(dev.report_event(smmuv3::encode(p).words).status, EventStatus::recorded);
  EXPECT_EQ(dev.report_event(smmuv3::encode(p).words).status, EventStatus::recorded);  // 2 entries: full
  res = dev.report_event(smmuv3::encode(p).words);
  EXPECT_EQ(res.status, EventStatus::overflow);
  EXPECT_TRUE(res.host_must_terminate_stall);
  // §7.4: "Stall fault records do not cause an overflow condition": OVFLG stays.
  EXPECT_EQ(g.eventq_prod() & kOvFlg, 0u);
}

// Hardware F_CD_FETCH / F_WALK_EABT carry a host physical FetchAddr and host Reason/GPCF:
// forwarded without them (guest_event.hpp).
TEST(DeviceEvents, HardwareFetchAbortsLoseTheHostFetchAddr) {
  Rig r;
  smmuv3::EvtFCdFetch cd{};
  cd.stream_id = kPsid;
  cd.reason = 0x1234;
  cd.gpcf = true;
  cd.fetch_addr = 0x9'8765'4320;
  smmuv3::EvtFWalkEabt walk{};
  walk.stream_id = kPsid;
  walk.ssv = true;
  walk.substream_id = 0;
  walk.reason = 0x4321;
  walk.gpcf = true;
  walk.rnw = true;
  walk.class_ = EventClass::ttd;
  walk.input_addr = 0x1000;
  walk.fetch_addr = 0x9'8765'4328;
  EXPECT_EQ(r.report(smmuv3::encode(cd).words), EventStatus::recorded);
  EXPECT_EQ(r.report(smmuv3::encode(walk).words), EventStatus::recorded);
  const auto ev = r.g.read_events();
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0], smmuv3::encode(smmuv3::EvtFCdFetch{false, 0, kVsid, 0, false, 0}).words);
  smmuv3::EvtFWalkEabt want{};
  want.stream_id = kVsid;
  want.ssv = true;
  want.rnw = true;
  want.class_ = EventClass::ttd;
  want.input_addr = 0x1000;
  EXPECT_EQ(ev[1], smmuv3::encode(want).words);

  // §7.3.12: F_WALK_EABT with S2 == 1 is an abort on a stage 2 descriptor: the host's tables.
  walk.s2 = true;
  EXPECT_EQ(r.report(smmuv3::encode(walk).words), EventStatus::host_only);
}

// guest_event.hpp: events about host structures (F_STE_FETCH, F_VMS_FETCH, C_BAD_STREAMID),
// page requests (PRI is not offered) and IMPLEMENTATION DEFINED events stay with the host.
TEST(DeviceEvents, HostStructureAndImplementationDefinedEventsAreHostOnly) {
  Rig r;
  const Words<4> events[] = {
      smmuv3::encode(smmuv3::EvtFSteFetch{false, 0, kPsid, 1, false, 0x9'0000'0040}).words,
      smmuv3::encode(smmuv3::EvtFVmsFetch{false, 0, kPsid, 1, false, 0x9'0000'1000}).words,
      smmuv3::encode(smmuv3::EvtCBadStreamid{false, 0, kPsid}).words,
      smmuv3::encode(smmuv3::EvtEPageRequest{true, 1, kPsid, true, true, true, false, false, false, 1, 0x1000}).words,
      Words<4>{{0xE3 | (std::uint64_t{kPsid} << 32), 0x1234, 0x5678, 0x9ABC}},
      Words<4>{{0xEF | (std::uint64_t{kPsid} << 32), 0, 0, 0}},
      Words<4>{{0x7F | (std::uint64_t{kPsid} << 32), 0, 0, 0}},  // Reserved event number
  };
  for (const auto& e : events) {
    SCOPED_TRACE(static_cast<int>(e[0] & 0xFF));
    const auto res = r.dev.report_event(e);
    EXPECT_EQ(res.status, EventStatus::host_only);
    EXPECT_FALSE(res.host_must_terminate_stall);
  }
  EXPECT_EQ(r.g.eventq_prod(), 0u);
  EXPECT_TRUE(r.t.signals.empty());
}

// ----- C_BAD_STE: the device blocked the stream; the guest's table says why -------------------

// §7.3.3: a StreamID >= 2^LOG2SIZE is C_BAD_STREAMID, "recorded when SMMU_CR2.RECINVSID == 1".
TEST(DeviceEvents, OutOfRangeStreamIsCBadStreamidOnlyWithRecinvsid) {
  GuestLayout l{};
  l.strtab_log2 = 6;  // vSIDs 0..63: 0x40 is out of range
  l.split = 6;
  for (const bool recinvsid : {false, true}) {
    SCOPED_TRACE(recinvsid);
    TestTraits t = Rig::make_traits();
    Dev dev(t, vsmmu_test::guest_policy());
    Driver g(dev, t, l);
    g.cr2 = recinvsid ? static_cast<std::uint32_t>(smmuv3::reg::cr2::RecInvSid::mask) : 0;
    ASSERT_TRUE(g.probe());
    EXPECT_EQ(t.installed.at(0x1040), Words<8>{}) << "blocked: V == 0";
    const auto res = dev.report_event(c_bad_ste(0x1040, true, 0));
    if (!recinvsid) {
      EXPECT_EQ(res.status, EventStatus::host_only);
      EXPECT_EQ(g.eventq_prod(), 0u);
      continue;
    }
    EXPECT_EQ(res.status, EventStatus::recorded);
    const auto ev = g.read_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0], smmuv3::encode(smmuv3::EvtCBadStreamid{true, 0, 0x40}).words);
  }
}

// §7.3.3 case 2a: a 2-level table whose L1STD for the StreamID has Span == 0 is C_BAD_STREAMID
// as well (RECINVSID is set by the probe).
TEST(DeviceEvents, InvalidL1StdIsCBadStreamid) {
  Rig r;
  r.g.write_l1std(kVsid >> r.g.layout().split, 0, 0);
  EXPECT_EQ(r.report(c_bad_ste(kPsid)), EventStatus::recorded);
  const auto ev = r.g.read_events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0], smmuv3::encode(smmuv3::EvtCBadStreamid{false, 0, kVsid}).words);
}

// §7.3.4: F_STE_FETCH when the Stream table fetch aborts; FetchAddr is "the Physical Address
// used for the fetch" -- here the L1STD's.
TEST(DeviceEvents, L1StdFetchAbortIsFSteFetch) {
  Rig r;
  const std::uint64_t l1 = r.g.l1std_address(kVsid);
  r.t.read_aborts.push_back({l1, l1 + 7});
  EXPECT_EQ(r.report(c_bad_ste(kPsid)), EventStatus::recorded);
  const auto ev = r.g.read_events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0], smmuv3::encode(smmuv3::EvtFSteFetch{false, 0, kVsid, 0, false, l1}).words);
}

// §3.4.3 / §5.1: an L2Ptr above the OAS makes the STE fetch out of range: F_STE_FETCH.
TEST(DeviceEvents, L2PtrAboveTheOasIsFSteFetch) {
  Rig r;
  r.g.write_l1std(kVsid >> r.g.layout().split, std::uint64_t{1} << 41, static_cast<std::uint8_t>(r.g.layout().split + 1));
  EXPECT_EQ(r.report(c_bad_ste(kPsid)), EventStatus::recorded);
  const auto ev = r.g.read_events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(smmuv3::event_type(ev[0]), smmuv3::EventType::f_ste_fetch);
  EXPECT_EQ(smmuv3::decode_event_as<smmuv3::EvtFSteFetch>(ev[0]).stream_id, kVsid);
}

// §7.3.5: the guest's STE itself is invalid (here V == 0): C_BAD_STE with the vSID, SSV and
// SubstreamID of the transaction.
TEST(DeviceEvents, InvalidGuestSteIsCBadSte) {
  Rig r;
  EXPECT_EQ(r.t.installed.at(0x1040), Words<8>{});
  EXPECT_EQ(r.report(c_bad_ste(0x1040, true, 0)), EventStatus::recorded);
  const auto ev = r.g.read_events();
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0], smmuv3::encode(smmuv3::EvtCBadSte{true, 0, 0x40}).words);
}

// ----- Overflow (§7.4) ------------------------------------------------------------------------

// §7.4: an event that finds the queue full is lost; PROD.OVFLG is toggled to report it, once:
// it is not toggled again while an overflow is outstanding (OVFLG != CONS.OVACKFLG). The guest
// acknowledges by copying OVFLG into CONS.OVACKFLG; the next overflow toggles again.
TEST(DeviceEvents, OverflowTogglesOvflgOnceUntilAcknowledged) {
  Rig r(small_eventq(3));
  const Words<4> e = smmuv3::encode(translation_fault()).words;
  for (int i = 0; i < 8; ++i) ASSERT_EQ(r.report(e), EventStatus::recorded) << i;
  EXPECT_EQ(r.g.eventq_prod(), 0x8u);  // full: index 0, wrap 1
  const std::size_t writes = r.t.writes.size();
  EXPECT_EQ(r.report(e), EventStatus::overflow);
  EXPECT_EQ(r.g.eventq_prod(), kOvFlg | 0x8u);
  EXPECT_EQ(r.report(e), EventStatus::overflow);
  EXPECT_EQ(r.g.eventq_prod(), kOvFlg | 0x8u) << "toggled again while outstanding";
  EXPECT_EQ(r.t.writes.size(), writes);
  EXPECT_EQ(r.t.count(GuestSignal::eventq_irq), 1u) << "§3.18.2: empty -> non-empty only";

  // The guest consumes without acknowledging: room again, but the overflow stays outstanding,
  // so filling the queue again toggles nothing.
  EXPECT_EQ(r.g.read_events(false).size(), 8u);
  EXPECT_EQ(r.g.eventq_cons(), 0x8u);
  for (int i = 0; i < 8; ++i) ASSERT_EQ(r.report(e), EventStatus::recorded) << i;
  EXPECT_EQ(r.report(e), EventStatus::overflow);
  EXPECT_EQ(r.g.eventq_prod(), kOvFlg | 0x0u);

  // Acknowledged (CONS.OVACKFLG = 1): the next overflow toggles OVFLG back to 0.
  EXPECT_EQ(r.g.read_events(true).size(), 8u);
  EXPECT_EQ(r.g.eventq_cons(), kOvFlg | 0x0u);
  for (int i = 0; i < 8; ++i) ASSERT_EQ(r.report(e), EventStatus::recorded) << i;
  EXPECT_EQ(r.g.eventq_prod(), kOvFlg | 0x8u);
  EXPECT_EQ(r.report(e), EventStatus::overflow);
  EXPECT_EQ(r.g.eventq_prod(), 0x8u);
  EXPECT_EQ(r.report(e), EventStatus::overflow);
  EXPECT_EQ(r.g.eventq_prod(), 0x8u);
  EXPECT_EQ(r.dev.counters().events_recorded, 24u);
  EXPECT_EQ(r.dev.counters().events_lost, 5u);
  EXPECT_EQ(r.t.count(GuestSignal::eventq_irq), 3u);
}

// ----- Not recording, and Event queue errors (§7.2, §7.5) -------------------------------------

// §7.2: events are recorded only while SMMU_CR0.EVENTQEN == 1 (and SMMUEN == 1 for these
// events): otherwise they are lost without any error.
TEST(DeviceEvents, NothingIsRecordedWithEventqenOrSmmuenZero) {
  namespace cr0 = smmuv3::reg::cr0;
  const std::uint32_t all = static_cast<std::uint32_t>(cr0::SmmuEn::mask | cr0::CmdqEn::mask | cr0::EventqEn::mask);
  for (const std::uint32_t off : {static_cast<std::uint32_t>(cr0::EventqEn::mask), static_cast<std::uint32_t>(cr0::SmmuEn::mask)}) {
    SCOPED_TRACE(off);
    Rig r;
    r.g.set_cr0(all & ~off);
    const std::size_t writes = r.t.writes.size();
    const auto res = r.dev.report_event(smmuv3::encode(translation_fault()).words);
    EXPECT_EQ(res.status, EventStatus::not_recorded);
    EXPECT_EQ(r.t.writes.size(), writes);
    EXPECT_EQ(r.g.eventq_prod(), 0u);
    EXPECT_TRUE(r.t.signals.empty());
    EXPECT_EQ(r.g.active_gerrors(), 0u);
    EXPECT_EQ(r.dev.counters().events_lost, 1u);
  }
}

// §7.5 EVENTQ_ABT_ERR: "an external abort ... when writing an event record"; the Event queue
// then records nothing until the error is acknowledged in GERRORN.
TEST(DeviceEvents, WriteAbortIsEventqAbtErrAndStopsRecordingUntilAcknowledged) {
  Rig r(small_eventq(3));
  const Words<4> e = smmuv3::encode(translation_fault()).words;
  r.t.write_aborts.push_back({r.g.layout().eventq, r.g.layout().eventq + 31});
  EXPECT_EQ(r.report(e), EventStatus::aborted);
  EXPECT_EQ(r.g.active_gerrors(), kEventqAbtErr);
  EXPECT_EQ(r.g.eventq_prod(), 0u);
  EXPECT_EQ(r.t.signals, (std::vector<GuestSignal>{GuestSignal::gerror_irq}));

  r.t.write_aborts.clear();
  const std::size_t writes = r.t.writes.size();
  EXPECT_EQ(r.report(e), EventStatus::not_recorded);
  EXPECT_EQ(r.t.writes.size(), writes);
  EXPECT_EQ(r.g.active_gerrors(), kEventqAbtErr);
  EXPECT_EQ(r.t.count(GuestSignal::gerror_irq), 1u);

  r.g.ack_gerrors();
  EXPECT_EQ(r.g.active_gerrors(), 0u);
  EXPECT_EQ(r.report(e), EventStatus::recorded);
  EXPECT_EQ(r.g.eventq_prod(), 1u);
  EXPECT_EQ(r.dev.counters().events_lost, 2u);
}

// §7.5 MSI_EVENTQ_ABT_ERR: the eventq MSI aborted; the record itself was written. A second
// aborted MSI while the error is active toggles nothing (§7.5).
TEST(DeviceEvents, EventMsiAbortIsMsiEventqAbtErr) {
  Rig r;
  r.g.write32(kIrqCtrl, Driver::kIrqGerror);
  r.g.write64(kEventqIrqCfg0, 0x0809'0040);
  r.g.write32(kIrqCtrl, Driver::kIrqGerror | Driver::kIrqEventq);
  r.t.fail_msi = true;
  EXPECT_EQ(r.report(smmuv3::encode(translation_fault()).words), EventStatus::recorded);
  EXPECT_EQ(r.g.eventq_prod(), 1u);
  EXPECT_EQ(r.g.active_gerrors(), kMsiEventqAbtErr);
  // The gerror interrupt is wired (GERROR_IRQ_CFG0 == 0).
  EXPECT_EQ(r.t.count(GuestSignal::gerror_irq), 1u);
  EXPECT_TRUE(r.t.msis.empty());
  // The guest empties the queue; the next event's MSI aborts again.
  EXPECT_EQ(r.g.read_events().size(), 1u);
  EXPECT_EQ(r.report(smmuv3::encode(translation_fault()).words), EventStatus::recorded);
  EXPECT_EQ(r.g.gerror(), kMsiEventqAbtErr);
  EXPECT_EQ(r.t.count(GuestSignal::gerror_irq), 1u);
  // Acknowledged: the next abort is a new error.
  r.g.ack_gerrors();
  EXPECT_EQ(r.g.read_events().size(), 1u);
  EXPECT_EQ(r.report(smmuv3::encode(translation_fault()).words), EventStatus::recorded);
  EXPECT_EQ(r.g.gerror(), 0u);
  EXPECT_EQ(r.g.active_gerrors(), kMsiEventqAbtErr);
  EXPECT_EQ(r.t.count(GuestSignal::gerror_irq), 2u);
}

}  // namespace
