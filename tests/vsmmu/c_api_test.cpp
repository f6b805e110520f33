// SPDX-License-Identifier: MIT
// Tests for the C ABI, include/vsmmu/c_api.h (src/vsmmu_c_api.cpp): every entry point, its
// errors, and that a device driven through it behaves exactly as a vsmmu::Device driven
// directly. The C callbacks forward to a TestTraits, so a C device and a C++
// Device<TestTraits> can run the same guest (tests/support/guest_driver.hpp) side by side and
// their hosts' records be compared.
#include "vsmmu/c_api.h"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/command.hpp"
#include "smmuv3/event.hpp"
#include "smmuv3/registers/control.hpp"
#include "smmuv3/registers/irq.hpp"
#include "smmuv3/registers/offsets.hpp"
#include "smmuv3/ste.hpp"
#include "support/guest_driver.hpp"
#include "support/test_traits.hpp"
#include "vsmmu/device.hpp"
#include "vsmmu/policy.hpp"

namespace {

using smmuv3::Words;
using vsmmu::DeviceStatus;
using vsmmu_test::GuestDriver;
using vsmmu_test::kQemuHost;
using vsmmu_test::TestTraits;
namespace off = smmuv3::reg::offset;

constexpr std::uint64_t R = TestTraits::kRamBase;
constexpr std::uint32_t kVsid = 8, kPsid = 0x1008;
constexpr std::uint32_t kVsid2 = 0x10, kPsid2 = 0x1010;
constexpr std::uint64_t kCd = R + 0x38'0000;

// ----- The C host: callbacks over a TestTraits --------------------------------------------------

/// What the callbacks see, beyond what TestTraits records.
struct CHost {
  TestTraits t;
  std::vector<std::array<std::uint64_t, 2>> traced_commands;
  std::vector<vsmmu_command_trace> command_traces;
  std::vector<vsmmu_ste_trace> ste_traces;
  std::set<const void*> contexts;  ///< every `context` a callback received
};

CHost& host_of(void* context) {
  CHost& h = *static_cast<CHost*>(context);
  h.contexts.insert(context);
  return h;
}

bool c_read_guest(void* context, std::uint64_t ipa, unsigned char* dst, std::size_t bytes) {
  return host_of(context).t.read_guest(ipa, dst, bytes);
}
bool c_write_guest(void* context, std::uint64_t ipa, const unsigned char* src, std::size_t bytes) {
  return host_of(context).t.write_guest(ipa, src, bytes);
}
void c_install_ste(void* context, std::uint32_t psid, const std::uint64_t ste[8]) {
  Words<8> w{};
  for (std::size_t i = 0; i < 8; ++i) w[i] = ste[i];
  host_of(context).t.install_ste(psid, w);
}
bool c_submit_commands(void* context, const std::uint64_t* commands, std::size_t count) {
  std::vector<Words<2>> cmds(count);
  for (std::size_t i = 0; i < count; ++i) cmds[i] = Words<2>{{commands[2 * i], commands[2 * i + 1]}};
  return host_of(context).t.submit_commands(cmds.data(), count);
}
bool c_sync_commands(void* context) { return host_of(context).t.sync_commands(); }
void c_signal(void* context, vsmmu_signal s) { host_of(context).t.signal(static_cast<vsmmu::GuestSignal>(s)); }
bool c_write_msi(void* context, std::uint64_t ipa, std::uint32_t data, std::uint8_t memattr) {
  return host_of(context).t.write_msi(ipa, data, memattr);
}
void c_trace_command(void* context, const std::uint64_t guest[2], const vsmmu_command_trace* trace) {
  CHost& h = host_of(context);
  h.traced_commands.push_back({guest[0], guest[1]});
  h.command_traces.push_back(*trace);
}
void c_trace_ste(void* context, const vsmmu_ste_trace* trace) { host_of(context).ste_traces.push_back(*trace); }

constexpr vsmmu_callbacks kCallbacks{c_read_guest, c_write_guest, c_install_ste, c_submit_commands, c_sync_commands,
                                     c_signal,     c_write_msi,   nullptr,       nullptr};

vsmmu_host_idrs c_idrs(const vsmmu::HostIdrs& h) { return {h.idr0, h.idr1, h.idr3, h.idr5, h.aidr}; }

/// A config for `host` as TestTraits' C++ rig has it: kQemuHost, default guest, TestTraits'
/// stage 2, and `streams`.
vsmmu_config c_config(CHost& host, const std::vector<vsmmu_stream_mapping>& streams) {
  vsmmu_config c;
  vsmmu_config_init(&c);
  c.host = c_idrs(kQemuHost);
  const Words<8> s2 = smmuv3::encode(host.t.stage2).words;
  for (std::size_t i = 0; i < 8; ++i) c.stage2[i] = s2[i];
  c.streams = streams.data();
  c.stream_count = static_cast<std::uint32_t>(streams.size());
  c.callbacks = kCallbacks;
  c.context = &host;
  return c;
}

const std::vector<vsmmu_stream_mapping> kStreams{{kVsid, kPsid}, {kVsid2, kPsid2}};

/// A C device in its own storage, with the read/write/poll members GuestDriver uses.
struct CDevice {
  vsmmu_device_storage storage{};
  vsmmu_device* dev = nullptr;

  vsmmu_error create(const vsmmu_config& c, const char** why = nullptr) {
    return vsmmu_create(&storage, sizeof storage, &c, &dev, why);
  }
  std::uint64_t read(std::uint32_t offset, unsigned bytes) const { return vsmmu_read(dev, offset, bytes); }
  DeviceStatus write(std::uint32_t offset, std::uint64_t value, unsigned bytes) {
    return static_cast<DeviceStatus>(vsmmu_write(dev, offset, value, bytes));
  }
  DeviceStatus poll() { return static_cast<DeviceStatus>(vsmmu_poll(dev)); }
  vsmmu_device_state save() const {
    vsmmu_device_state s{};
    vsmmu_save(dev, &s);
    return s;
  }
  vsmmu_counters counters() const {
    vsmmu_counters c{};
    vsmmu_get_counters(dev, &c);
    return c;
  }
};

/// A created C device over CHost, with a probed guest unless told otherwise.
struct CRig {
  CHost host;
  CDevice dev;
  GuestDriver<CDevice, TestTraits> g{dev, host.t};

  explicit CRig(bool tracing = false, std::uint32_t work_budget = 256, bool probe = true) {
    vsmmu_config c = c_config(host, kStreams);
    c.options.work_budget = work_budget;
    if (tracing) {
      c.callbacks.trace_command = c_trace_command;
      c.callbacks.trace_ste = c_trace_ste;
    }
    EXPECT_EQ(dev.create(c), VSMMU_OK);
    g.write_ste(kVsid, GuestDriver<CDevice, TestTraits>::s1_ste(kCd));
    if (probe) {
      EXPECT_TRUE(g.probe());
    }
  }
};

vsmmu_error create_with(CHost& host, const vsmmu_config& c, const char** why = nullptr) {
  static vsmmu_device_storage storage;
  vsmmu_device* dev = nullptr;
  const vsmmu_error e = vsmmu_create(&storage, sizeof storage, &c, &dev, why);
  EXPECT_EQ(e == VSMMU_OK, dev != nullptr);
  if (e != VSMMU_OK) {
    EXPECT_EQ(host.t.installs, 0u) << "a refused vsmmu_create called install_ste";
  }
  return e;
}

// ----- Configuration ----------------------------------------------------------------------------

TEST(CApi, ConfigInitHasTheCppDefaults) {
  vsmmu_config c;
  std::memset(&c, 0xA5, sizeof c);
  vsmmu_config_init(&c);
  const vsmmu::GuestConfig g{};
  EXPECT_EQ(c.guest.vmid, g.vmid);
  EXPECT_EQ(c.guest.ipa_bits, g.ipa_bits);
  EXPECT_EQ(c.guest.sid_bits, g.sid_bits);
  EXPECT_EQ(c.guest.ssid_bits, g.ssid_bits);
  EXPECT_EQ(c.guest.cmdq_log2, g.cmdq_log2);
  EXPECT_EQ(c.guest.eventq_log2, g.eventq_log2);
  EXPECT_EQ(c.guest.two_level_stream_table, g.two_level_stream_table);
  EXPECT_EQ(c.guest.msi, g.msi);
  EXPECT_EQ(c.guest.sev, g.sev);
  EXPECT_EQ(c.guest.btm, g.btm);
  EXPECT_EQ(c.guest.ats, g.ats);
  EXPECT_EQ(c.guest.pri, g.pri);
  EXPECT_EQ(c.guest.stall, g.stall);
  const vsmmu::DeviceOptions o{};
  EXPECT_EQ(c.options.work_budget, o.work_budget);
  EXPECT_EQ(c.options.gbpa_abort_at_reset, o.gbpa_abort_at_reset);
  // Everything else is zero: no streams, no callbacks, no context.
  EXPECT_EQ(c.host.idr0, 0u);
  EXPECT_EQ(c.stage2[0], 0u);
  EXPECT_EQ(c.streams, nullptr);
  EXPECT_EQ(c.stream_count, 0u);
  EXPECT_EQ(c.callbacks.read_guest, nullptr);
  EXPECT_EQ(c.callbacks.trace_ste, nullptr);
  EXPECT_EQ(c.context, nullptr);
}

TEST(CApi, StorageSizeIsChecked) {
  EXPECT_EQ(sizeof(vsmmu_device_storage), std::size_t{VSMMU_DEVICE_STORAGE_SIZE});
  const std::size_t need = vsmmu_device_size();
  EXPECT_GT(need, 0u);
  EXPECT_LE(need, sizeof(vsmmu_device_storage));

  CHost host;
  const vsmmu_config c = c_config(host, kStreams);
  // A buffer that is larger than needed and aligned as vsmmu_device_storage.
  std::vector<vsmmu_device_storage> buffer(2);
  auto* storage = buffer.data();
  vsmmu_device* dev = nullptr;
  const char* why = "unset";
  EXPECT_EQ(vsmmu_create(storage, need - 1, &c, &dev, &why), VSMMU_ERROR_STORAGE_TOO_SMALL);
  EXPECT_EQ(dev, nullptr);
  EXPECT_STREQ(why, vsmmu_error_string(VSMMU_ERROR_STORAGE_TOO_SMALL));
  EXPECT_EQ(vsmmu_create(storage, 0, &c, &dev, nullptr), VSMMU_ERROR_STORAGE_TOO_SMALL);
  EXPECT_EQ(host.t.installs, 0u);

  // Misaligned: 4 bytes into the buffer.
  auto* misaligned = reinterpret_cast<vsmmu_device_storage*>(reinterpret_cast<unsigned char*>(storage) + 4);
  EXPECT_EQ(vsmmu_create(misaligned, need, &c, &dev, &why), VSMMU_ERROR_STORAGE_MISALIGNED);
  EXPECT_EQ(dev, nullptr);

  // Exactly the size it needs is enough; the device lives at the start of the storage.
  EXPECT_EQ(vsmmu_create(storage, need, &c, &dev, &why), VSMMU_OK);
  EXPECT_EQ(why, nullptr);
  EXPECT_EQ(static_cast<void*>(dev), static_cast<void*>(storage));
  EXPECT_EQ(host.t.installs, kStreams.size());
}

TEST(CApi, CreateRefusesNullArguments) {
  CHost host;
  const vsmmu_config c = c_config(host, kStreams);
  vsmmu_device_storage storage;
  vsmmu_device* dev = nullptr;
  EXPECT_EQ(vsmmu_create(nullptr, sizeof storage, &c, &dev, nullptr), VSMMU_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(vsmmu_create(&storage, sizeof storage, nullptr, &dev, nullptr), VSMMU_ERROR_NULL_ARGUMENT);
  const char* why = nullptr;
  EXPECT_EQ(vsmmu_create(&storage, sizeof storage, &c, nullptr, &why), VSMMU_ERROR_NULL_ARGUMENT);
  EXPECT_NE(why, nullptr);
  EXPECT_EQ(host.t.installs, 0u);
}

TEST(CApi, EveryRequiredCallbackIsRequired) {
  const auto clear = [](vsmmu_callbacks& cb, int which) {
    switch (which) {
      case 0: cb.read_guest = nullptr; break;
      case 1: cb.write_guest = nullptr; break;
      case 2: cb.install_ste = nullptr; break;
      case 3: cb.submit_commands = nullptr; break;
      case 4: cb.sync_commands = nullptr; break;
      case 5: cb.signal = nullptr; break;
      case 6: cb.write_msi = nullptr; break;
    }
  };
  for (int which = 0; which < 7; ++which) {
    CHost host;
    vsmmu_config c = c_config(host, kStreams);
    clear(c.callbacks, which);
    EXPECT_EQ(create_with(host, c), VSMMU_ERROR_MISSING_CALLBACK) << "callback " << which;
  }
  // The trace hooks are optional (kCallbacks has neither).
  CHost host;
  EXPECT_EQ(create_with(host, c_config(host, kStreams)), VSMMU_OK);
}

TEST(CApi, CreateReportsMakePolicyErrors) {
  struct Case {
    const char* name;
    void (*change)(vsmmu_config&);
    vsmmu_error expected;
  };
  const Case cases[] = {
      {"no nesting", [](vsmmu_config& c) { c.host.idr0 &= ~3u; }, VSMMU_ERROR_HOST_WITHOUT_NESTING},
      {"no AArch64 tables", [](vsmmu_config& c) { c.host.idr0 &= ~(3u << 2); }, VSMMU_ERROR_HOST_WITHOUT_AARCH64},
      {"no granule", [](vsmmu_config& c) { c.host.idr5 &= ~0x70u; }, VSMMU_ERROR_HOST_WITHOUT_GRANULE},
      {"forced stall", [](vsmmu_config& c) { c.host.idr0 = (c.host.idr0 & ~(3u << 24)) | 2u << 24; },
       VSMMU_ERROR_HOST_FORCES_STALL},
      {"VMID 0", [](vsmmu_config& c) { c.guest.vmid = 0; }, VSMMU_ERROR_VMID_ZERO},
      {"VMID 256", [](vsmmu_config& c) { c.guest.vmid = 256; }, VSMMU_ERROR_VMID_TOO_WIDE},
      {"IPA 31 bits", [](vsmmu_config& c) { c.guest.ipa_bits = 31; }, VSMMU_ERROR_IPA_TOO_SMALL},
      {"SIDSIZE 33", [](vsmmu_config& c) { c.guest.sid_bits = 33; }, VSMMU_ERROR_SID_BITS_TOO_WIDE},
      {"SSIDSIZE 21", [](vsmmu_config& c) { c.guest.ssid_bits = 21; }, VSMMU_ERROR_SSID_BITS_TOO_WIDE},
      {"CMDQS 20", [](vsmmu_config& c) { c.guest.cmdq_log2 = 20; }, VSMMU_ERROR_QUEUE_TOO_LARGE},
  };
  for (const Case& k : cases) {
    CHost host;
    vsmmu_config c = c_config(host, kStreams);
    k.change(c);
    const char* why = nullptr;
    EXPECT_EQ(create_with(host, c, &why), k.expected) << k.name;
    EXPECT_STREQ(why, vsmmu_error_string(k.expected)) << k.name;
  }
}

TEST(CApi, CreateChecksTheStage2Template) {
  {
    CHost host;
    vsmmu_config c = c_config(host, kStreams);
    c.stage2[0] &= ~std::uint64_t{1};  // V = 0
    const char* why = nullptr;
    EXPECT_EQ(create_with(host, c, &why), VSMMU_ERROR_BAD_STAGE2_TEMPLATE);
    EXPECT_STREQ(why, "host template: STE.V == 0");
  }
  {
    // Bit 56 is RES0 in every STE (§5.2); the decode would drop it silently.
    CHost host;
    vsmmu_config c = c_config(host, kStreams);
    c.stage2[0] |= std::uint64_t{1} << 56;
    const char* why = nullptr;
    EXPECT_EQ(create_with(host, c, &why), VSMMU_ERROR_BAD_STAGE2_TEMPLATE);
    EXPECT_NE(std::string(why).find("RES0"), std::string::npos) << why;
  }
  {
    // A 32-bit stage 2 input range cannot hold the guest's 40-bit IPA space.
    CHost host;
    vsmmu_config c = c_config(host, kStreams);
    host.t.stage2.s2_t0sz = 32;
    const Words<8> s2 = smmuv3::encode(host.t.stage2).words;
    for (std::size_t i = 0; i < 8; ++i) c.stage2[i] = s2[i];
    const char* why = nullptr;
    EXPECT_EQ(create_with(host, c, &why), VSMMU_ERROR_BAD_STAGE2_TEMPLATE);
    EXPECT_NE(std::string(why).find("S2T0SZ"), std::string::npos) << why;
  }
}

TEST(CApi, CreateChecksTheStreams) {
  struct Case {
    const char* name;
    std::vector<vsmmu_stream_mapping> streams;
    vsmmu_error expected;
  };
  std::vector<vsmmu_stream_mapping> too_many;
  for (std::uint32_t i = 0; i <= VSMMU_MAX_STREAMS; ++i) too_many.push_back({i, 0x1000 + i});
  std::vector<vsmmu_stream_mapping> most = too_many;
  most.pop_back();
  const Case cases[] = {
      {"none", {}, VSMMU_OK},
      {"VSMMU_MAX_STREAMS", most, VSMMU_OK},
      {"one too many", too_many, VSMMU_ERROR_TOO_MANY_STREAMS},
      {"vSID twice", {{1, 0x1001}, {2, 0x1002}, {1, 0x1003}}, VSMMU_ERROR_DUPLICATE_VSID},
      {"pSID twice", {{1, 0x1001}, {2, 0x1002}, {3, 0x1001}}, VSMMU_ERROR_DUPLICATE_PSID},
      {"vSID beyond SIDSIZE 16", {{1, 0x1001}, {0x10000, 0x1002}}, VSMMU_ERROR_VSID_OUT_OF_RANGE},
      {"largest vSID of SIDSIZE 16", {{0xFFFF, 0x1001}}, VSMMU_OK},
  };
  for (const Case& k : cases) {
    CHost host;
    const char* why = "unset";
    EXPECT_EQ(create_with(host, c_config(host, k.streams), &why), k.expected) << k.name;
    if (k.expected == VSMMU_OK) {
      EXPECT_EQ(why, nullptr);
      EXPECT_EQ(host.t.installs, k.streams.size()) << k.name;
    } else {
      EXPECT_NE(why, nullptr);
    }
  }
  CHost host;
  vsmmu_config c = c_config(host, kStreams);
  c.streams = nullptr;
  EXPECT_EQ(create_with(host, c), VSMMU_ERROR_NULL_ARGUMENT);
}

TEST(CApi, ErrorStringsNameEveryError) {
  const vsmmu_error all[] = {
      VSMMU_OK, VSMMU_ERROR_NULL_ARGUMENT, VSMMU_ERROR_STORAGE_TOO_SMALL, VSMMU_ERROR_STORAGE_MISALIGNED,
      VSMMU_ERROR_MISSING_CALLBACK, VSMMU_ERROR_HOST_WITHOUT_NESTING, VSMMU_ERROR_HOST_WITHOUT_AARCH64,
      VSMMU_ERROR_HOST_WITHOUT_GRANULE, VSMMU_ERROR_HOST_FORCES_STALL, VSMMU_ERROR_VMID_ZERO,
      VSMMU_ERROR_VMID_TOO_WIDE, VSMMU_ERROR_IPA_TOO_SMALL, VSMMU_ERROR_SID_BITS_TOO_WIDE,
      VSMMU_ERROR_SSID_BITS_TOO_WIDE, VSMMU_ERROR_QUEUE_TOO_LARGE, VSMMU_ERROR_BAD_STAGE2_TEMPLATE,
      VSMMU_ERROR_TOO_MANY_STREAMS, VSMMU_ERROR_DUPLICATE_VSID, VSMMU_ERROR_DUPLICATE_PSID,
      VSMMU_ERROR_VSID_OUT_OF_RANGE, VSMMU_ERROR_STATE_BAD_VERSION, VSMMU_ERROR_STATE_IDR_MISMATCH,
      VSMMU_ERROR_STATE_BAD_REGISTER, VSMMU_ERROR_STATE_BAD_CMDQ_ERROR};
  std::set<std::string> seen;
  for (const vsmmu_error e : all) {
    const char* s = vsmmu_error_string(e);
    ASSERT_NE(s, nullptr);
    EXPECT_NE(std::string(s), "unknown vsmmu_error") << e;
    EXPECT_TRUE(seen.insert(s).second) << "two errors share \"" << s << "\"";
  }
}

// ----- The same device as vsmmu::Device ----------------------------------------------------------

/// A C++ Device<TestTraits> with the C rig's policy, streams and stage 2.
struct CppRig {
  TestTraits t;
  vsmmu::Device<TestTraits, VSMMU_MAX_STREAMS> dev;
  GuestDriver<vsmmu::Device<TestTraits, VSMMU_MAX_STREAMS>, TestTraits> g{dev, t};

  static TestTraits make_traits() {
    TestTraits t;
    for (const vsmmu_stream_mapping& m : kStreams) t.map.add(m.vsid, m.psid);
    return t;
  }
  explicit CppRig(bool probe = true) : t(make_traits()), dev(t, vsmmu_test::guest_policy()) {
    g.write_ste(kVsid, GuestDriver<vsmmu::Device<TestTraits, VSMMU_MAX_STREAMS>, TestTraits>::s1_ste(kCd));
    if (probe) {
      EXPECT_TRUE(g.probe());
    }
  }
};

/// The same guest work on both: attach vSID 8, invalidate, a CMD_SYNC completed by MSI, a
/// stage 1 fault on each device, an illegal command and Linux's recovery.
template <class Rig>
void guest_work(Rig& r) {
  r.g.post_cmd(smmuv3::CmdCfgiSte{.stream_id = kVsid, .leaf = true});
  r.g.post_cmd(smmuv3::CmdTlbiNhAsid{.asid = 3});
  r.g.post_cmd(smmuv3::CmdCfgiCd{.stream_id = kVsid, .leaf = true});
  r.g.post_cmd(smmuv3::CmdPrefetchConfig{.stream_id = kVsid});
  r.g.post_sync(/*msi=*/true);
  EXPECT_EQ(r.g.publish(), DeviceStatus::idle);
  r.g.issue({smmuv3::encode(smmuv3::CmdTlbiS12Vmall{.vmid = 1}).words, smmuv3::encode(smmuv3::CmdSync{}).words});
  EXPECT_EQ(r.g.skip_cmdq_error(), DeviceStatus::idle);
  EXPECT_TRUE(r.g.cmdq_drained());
}

smmuv3::Words<4> stage1_fault(std::uint32_t psid) {
  smmuv3::EvtFTranslation f{};
  f.stream_id = psid;
  f.input_addr = 0xffff'1000;
  return smmuv3::encode(f).words;
}

TEST(CApi, DrivesTheSameTrafficAsTheCppDevice) {
  CRig c;
  CppRig cpp;
  guest_work(c);
  guest_work(cpp);

  // Events: one of the guest's streams, one that is not.
  for (const std::uint32_t psid : {kPsid, kPsid2, 0x9999u}) {
    const Words<4> e = stage1_fault(psid);
    const vsmmu_event_result cr = vsmmu_report_event(c.dev.dev, e.w);
    const vsmmu::EventResult r = cpp.dev.report_event(e);
    EXPECT_EQ(cr.status, static_cast<std::uint8_t>(r.status)) << psid;
    EXPECT_EQ(cr.host_must_terminate_stall, r.host_must_terminate_stall);
    EXPECT_STREQ(cr.reason, r.reason);
  }
  EXPECT_EQ(vsmmu_report_event(c.dev.dev, stage1_fault(kPsid).w).status, VSMMU_EVENT_RECORDED);
  EXPECT_EQ(vsmmu_report_event(c.dev.dev, stage1_fault(0x9999).w).status, VSMMU_EVENT_NOT_THIS_GUEST);
  cpp.dev.report_event(stage1_fault(kPsid));

  // The hosts saw the same calls with the same arguments.
  const TestTraits& a = c.host.t;
  const TestTraits& b = cpp.t;
  EXPECT_EQ(a.installed, b.installed);
  EXPECT_EQ(a.installs, b.installs);
  EXPECT_EQ(a.submitted, b.submitted);
  EXPECT_EQ(a.submit_calls, b.submit_calls);
  EXPECT_EQ(a.physical_syncs, b.physical_syncs);
  EXPECT_EQ(a.signals, b.signals);
  EXPECT_EQ(a.msis, b.msis);
  EXPECT_EQ(a.reads, b.reads);
  EXPECT_EQ(a.writes, b.writes);
  EXPECT_EQ(a.ram, b.ram);
  EXPECT_EQ(c.host.contexts, std::set<const void*>{&c.host});
  // Something happened: the attach, the TLBI, the CFGI_CD, and the recorded events.
  EXPECT_EQ(a.installed.at(kPsid)[0] & 0xE, 0xEu) << "nested STE";
  EXPECT_GE(a.submitted.size(), 3u);
  EXPECT_EQ(a.count(vsmmu::GuestSignal::gerror_irq), 1u);

  // Every register reads the same, and the state and counters are the C++ ones.
  for (std::uint32_t offset = 0; offset < 2 * smmuv3::reg::kPageSize; offset += 4) {
    ASSERT_EQ(c.dev.read(offset, 4), cpp.dev.read(offset, 4)) << std::hex << offset;
  }
  const vsmmu_device_state cs = c.dev.save();
  const vsmmu::DeviceState s = cpp.dev.save();
  EXPECT_EQ(std::memcmp(&cs, &s, sizeof s), 0);
  const vsmmu_counters cc = c.dev.counters();
  const vsmmu::DeviceCounters& k = cpp.dev.counters();
  EXPECT_EQ(cc.commands_consumed, k.commands_consumed);
  EXPECT_EQ(cc.commands_submitted, k.commands_submitted);
  EXPECT_EQ(cc.syncs, k.syncs);
  EXPECT_EQ(cc.command_errors, 1u);
  EXPECT_EQ(cc.command_errors, k.command_errors);
  EXPECT_EQ(cc.ste_installs, k.ste_installs);
  EXPECT_EQ(cc.events_recorded, 3u);
  EXPECT_EQ(cc.events_recorded, k.events_recorded);
  EXPECT_EQ(cc.events_lost, k.events_lost);
}

TEST(CApi, CallbacksGetTheRecordsAsWords) {
  CRig c;
  c.host.t.submitted.clear();
  c.g.issue({smmuv3::encode(smmuv3::CmdTlbiNhVa{.asid = 5, .leaf = true, .address = 0x8000'0000}).words,
             smmuv3::encode(smmuv3::CmdTlbiNhAsid{.asid = 6}).words});
  // Two commands in one submit_commands call, word 0 then word 1 of each, with the host VMID.
  ASSERT_EQ(c.host.t.submitted.size(), 2u);
  const auto va = smmuv3::decode_command_as<smmuv3::CmdTlbiNhVa>(c.host.t.submitted[0]);
  EXPECT_EQ(va.vmid, 1u);  // GuestConfig's default VMID
  EXPECT_EQ(va.asid, 5u);
  EXPECT_TRUE(va.leaf);
  EXPECT_EQ(va.address, 0x8000'0000u);
  EXPECT_EQ(smmuv3::decode_command_as<smmuv3::CmdTlbiNhAsid>(c.host.t.submitted[1]).asid, 6u);

  // install_ste got the 8 words of the physical STE for the pSID.
  c.host.t.installed.clear();
  c.g.issue({smmuv3::encode(smmuv3::CmdCfgiSte{.stream_id = kVsid, .leaf = true}).words});
  ASSERT_EQ(c.host.t.installed.count(kPsid), 1u);
  const smmuv3::Ste ste = smmuv3::decode_ste(c.host.t.installed.at(kPsid));
  EXPECT_EQ(ste.config, smmuv3::SteConfig::nested);
  EXPECT_EQ(ste.s1_context_ptr, kCd);
  EXPECT_EQ(ste.s2_ttb, c.host.t.stage2.s2_ttb);
  EXPECT_EQ(ste.s2_vmid, 1u);
}

TEST(CApi, WriteMsiGetsTheGerrorInterrupt) {
  CRig c;
  constexpr std::uint64_t kDoorbell = 0x0800'0040;
  // The IRQ_CFG registers take writes while their interrupt is disabled (§6.3.21).
  c.g.write32(off::kIrqCtrl, 0);
  c.g.write64(off::kGerrorIrqCfg0, kDoorbell);
  c.g.write32(off::kGerrorIrqCfg1, 0x1234);
  c.g.write32(off::kGerrorIrqCfg2, 0x1);  // MemAttr Device-nGnRE
  c.g.write32(off::kIrqCtrl, GuestDriver<CDevice, TestTraits>::kIrqGerror);
  c.g.issue({smmuv3::encode(smmuv3::CmdTlbiS12Vmall{.vmid = 1}).words});
  ASSERT_EQ(c.host.t.msis.size(), 1u);
  EXPECT_EQ(c.host.t.msis[0], (vsmmu_test::Msi{kDoorbell, 0x1234, 0x1}));
  EXPECT_EQ(c.host.t.count(vsmmu::GuestSignal::gerror_irq), 0u);
}

TEST(CApi, SignalsCarryTheirKind) {
  CRig c;
  c.host.t.signals.clear();
  c.g.post_cmd(smmuv3::CmdSync{.cs = smmuv3::SyncCs::sig_irq});
  EXPECT_EQ(c.g.publish(), DeviceStatus::idle);
  EXPECT_EQ(c.host.t.signals, std::vector<vsmmu::GuestSignal>{vsmmu::GuestSignal::cmdq_sync_irq});
  EXPECT_EQ(vsmmu_report_event(c.dev.dev, stage1_fault(kPsid).w).status, VSMMU_EVENT_RECORDED);
  EXPECT_EQ(c.host.t.signals.back(), vsmmu::GuestSignal::eventq_irq);
}

// ----- Work budget, host errors ------------------------------------------------------------------

TEST(CApi, WorkBudgetReturnsMoreWorkAndPollFinishes) {
  CRig c(/*tracing=*/false, /*work_budget=*/1, /*probe=*/false);
  c.g.program_cmdq();
  c.g.set_cr0(static_cast<std::uint32_t>(smmuv3::reg::cr0::CmdqEn::mask));
  c.g.post_cmd(smmuv3::CmdTlbiNhAsid{.asid = 1});
  c.g.post_cmd(smmuv3::CmdTlbiNhAsid{.asid = 2});
  c.g.post_cmd(smmuv3::CmdTlbiNhAsid{.asid = 3});
  EXPECT_EQ(vsmmu_write(c.dev.dev, off::kCmdqProd, c.g.prod(), 4), VSMMU_STATUS_MORE_WORK);
  EXPECT_TRUE(vsmmu_commands_pending(c.dev.dev));
  EXPECT_EQ(vsmmu_poll(c.dev.dev), VSMMU_STATUS_MORE_WORK);
  EXPECT_EQ(vsmmu_poll(c.dev.dev), VSMMU_STATUS_IDLE);
  EXPECT_FALSE(vsmmu_commands_pending(c.dev.dev));
  EXPECT_TRUE(c.g.cmdq_drained());
}

TEST(CApi, HostErrorIsRetriedByPoll) {
  CRig c;
  c.host.t.fail_submit = true;
  c.g.post_cmd(smmuv3::CmdTlbiNhAsid{.asid = 1});
  EXPECT_EQ(vsmmu_write(c.dev.dev, off::kCmdqProd, c.g.prod(), 4), VSMMU_STATUS_HOST_ERROR);
  EXPECT_TRUE(vsmmu_commands_pending(c.dev.dev));
  c.host.t.fail_submit = false;
  EXPECT_EQ(vsmmu_poll(c.dev.dev), VSMMU_STATUS_IDLE);
  EXPECT_TRUE(c.g.cmdq_drained());
  EXPECT_EQ(c.host.t.submitted.back(), smmuv3::encode(smmuv3::CmdTlbiNhAsid{.vmid = 1, .asid = 1}).words);
}

TEST(CApi, ReadsAndWritesOfBadSizesAreHarmless) {
  CRig c;
  EXPECT_EQ(vsmmu_read(c.dev.dev, off::kCr0, 2), 0u);
  EXPECT_EQ(vsmmu_read(c.dev.dev, off::kCr0 + 1, 4), 0u);
  EXPECT_EQ(vsmmu_read(c.dev.dev, 0xFFFF'FFF0u, 4), 0u);
  const std::uint64_t cr0 = vsmmu_read(c.dev.dev, off::kCr0, 4);
  EXPECT_EQ(vsmmu_write(c.dev.dev, off::kCr0, 0, 1), VSMMU_STATUS_IDLE);
  EXPECT_EQ(vsmmu_write(c.dev.dev, 0xFFFF'FFF0u, 0, 4), VSMMU_STATUS_IDLE);
  EXPECT_EQ(vsmmu_read(c.dev.dev, off::kCr0, 4), cr0);
}

// ----- Lifecycle ----------------------------------------------------------------------------

TEST(CApi, SaveRestoreRoundTrip) {
  CRig src;
  guest_work(src);
  const vsmmu_device_state saved = src.dev.save();
  EXPECT_EQ(saved.version, VSMMU_DEVICE_STATE_VERSION);

  CRig dst(/*tracing=*/false, 256, /*probe=*/false);
  dst.host.t.ram = src.host.t.ram;  // memory migrates with the guest
  const std::size_t installs = dst.host.t.installs;
  EXPECT_EQ(vsmmu_restore(dst.dev.dev, &saved), VSMMU_OK);
  const vsmmu_device_state restored = dst.dev.save();
  EXPECT_EQ(std::memcmp(&restored, &saved, sizeof saved), 0);
  // Every assigned stream is installed again, from the guest's tables.
  EXPECT_EQ(dst.host.t.installs, installs + kStreams.size());
  EXPECT_EQ(dst.host.t.installed.at(kPsid), src.host.t.installed.at(kPsid));
  EXPECT_EQ(dst.dev.read(off::kCmdqCons, 4), src.dev.read(off::kCmdqCons, 4));
}

TEST(CApi, RestoreRefusesBadStatesAndChangesNothing) {
  CRig src;
  const vsmmu_device_state good = src.dev.save();
  struct Case {
    const char* name;
    void (*change)(vsmmu_device_state&);
    vsmmu_error expected;
  };
  const Case cases[] = {
      {"version", [](vsmmu_device_state& s) { s.version = 2; }, VSMMU_ERROR_STATE_BAD_VERSION},
      {"IDR0", [](vsmmu_device_state& s) { s.idr0 ^= 1u << 13; }, VSMMU_ERROR_STATE_IDR_MISMATCH},
      {"reserved0", [](vsmmu_device_state& s) { s.reserved0 = 1; }, VSMMU_ERROR_STATE_BAD_REGISTER},
      {"CR0 RES0", [](vsmmu_device_state& s) { s.cr0 |= 1u << 31; }, VSMMU_ERROR_STATE_BAD_REGISTER},
      {"CMDQ_CONS.ERR 5", [](vsmmu_device_state& s) { s.cmdq_cons |= 5u << 24; }, VSMMU_ERROR_STATE_BAD_CMDQ_ERROR},
  };
  for (const Case& k : cases) {
    CRig dst(false, 256, /*probe=*/false);
    const vsmmu_device_state before = dst.dev.save();
    const std::size_t installs = dst.host.t.installs;
    vsmmu_device_state bad = good;
    k.change(bad);
    EXPECT_EQ(vsmmu_restore(dst.dev.dev, &bad), k.expected) << k.name;
    const vsmmu_device_state after = dst.dev.save();
    EXPECT_EQ(std::memcmp(&after, &before, sizeof before), 0) << k.name;
    EXPECT_EQ(dst.host.t.installs, installs) << k.name;
  }
  CRig dst(false, 256, false);
  EXPECT_EQ(vsmmu_restore(dst.dev.dev, nullptr), VSMMU_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(vsmmu_restore(nullptr, &good), VSMMU_ERROR_NULL_ARGUMENT);
}

TEST(CApi, ResetReturnsToTheResetState) {
  CHost fresh_host;
  CDevice fresh;
  ASSERT_EQ(fresh.create(c_config(fresh_host, kStreams)), VSMMU_OK);
  const vsmmu_device_state reset_state = fresh.save();

  CRig c;
  guest_work(c);
  const std::size_t installs = c.host.t.installs;
  vsmmu_reset(c.dev.dev);
  const vsmmu_device_state s = c.dev.save();
  EXPECT_EQ(std::memcmp(&s, &reset_state, sizeof s), 0);
  EXPECT_EQ(c.host.t.installs, installs + kStreams.size());
  // SMMUEN == 0 and GBPA bypass: every stream gets the stage-2-only STE.
  EXPECT_EQ(smmuv3::decode_ste(c.host.t.installed.at(kPsid)).config, smmuv3::SteConfig::s2_trans);
}

TEST(CApi, StreamsChangedReplacesTheMapOrChangesNothing) {
  CRig c;
  const std::vector<vsmmu_stream_mapping> bad{{1, 0x2001}, {1, 0x2002}};
  const std::size_t installs = c.host.t.installs;
  EXPECT_EQ(vsmmu_streams_changed(c.dev.dev, bad.data(), static_cast<std::uint32_t>(bad.size())),
            VSMMU_ERROR_DUPLICATE_VSID);
  EXPECT_EQ(vsmmu_streams_changed(c.dev.dev, nullptr, 1), VSMMU_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(vsmmu_streams_changed(nullptr, kStreams.data(), 1), VSMMU_ERROR_NULL_ARGUMENT);
  EXPECT_EQ(c.host.t.installs, installs);
  EXPECT_EQ(vsmmu_report_event(c.dev.dev, stage1_fault(kPsid2).w).status, VSMMU_EVENT_RECORDED);

  // vSID 0x10 moves from pSID 0x1010 to 0x3010; vSID 8 stays.
  const std::vector<vsmmu_stream_mapping> moved{{kVsid, kPsid}, {kVsid2, 0x3010}};
  EXPECT_EQ(vsmmu_streams_changed(c.dev.dev, moved.data(), static_cast<std::uint32_t>(moved.size())), VSMMU_OK);
  EXPECT_EQ(c.host.t.installs, installs + 2);
  EXPECT_EQ(c.host.t.installed.count(0x3010), 1u);
  EXPECT_EQ(vsmmu_report_event(c.dev.dev, stage1_fault(kPsid2).w).status, VSMMU_EVENT_NOT_THIS_GUEST);
  EXPECT_EQ(vsmmu_report_event(c.dev.dev, stage1_fault(0x3010).w).status, VSMMU_EVENT_RECORDED);
  EXPECT_EQ(vsmmu_streams_changed(c.dev.dev, nullptr, 0), VSMMU_OK);
  EXPECT_EQ(vsmmu_report_event(c.dev.dev, stage1_fault(kPsid).w).status, VSMMU_EVENT_NOT_THIS_GUEST);
}

// ----- Tracing -------------------------------------------------------------------------------

TEST(CApi, TraceHooksReportEveryDecision) {
  CRig traced(/*tracing=*/true);
  CRig plain;
  ASSERT_FALSE(traced.host.ste_traces.empty());
  // The device's creation: SMMUEN == 0, the STEs come from SMMU_GBPA (bypass).
  const vsmmu_ste_trace& first = traced.host.ste_traces.front();
  EXPECT_EQ(first.vsid, kVsid);
  EXPECT_EQ(first.psid, kPsid);
  EXPECT_EQ(first.fetch, VSMMU_STE_FETCH_FOUND);
  EXPECT_EQ(first.verdict, VSMMU_STE_INSTALL);
  EXPECT_EQ(first.fetch_addr, 0u);

  traced.host.traced_commands.clear();
  traced.host.command_traces.clear();
  traced.host.ste_traces.clear();
  const std::uint32_t first_slot = traced.g.prod();
  guest_work(traced);
  guest_work(plain);
  // Tracing changes nothing the host receives.
  EXPECT_EQ(traced.host.t.submitted, plain.host.t.submitted);
  EXPECT_EQ(traced.host.t.installed, plain.host.t.installed);
  EXPECT_EQ(traced.host.t.msis, plain.host.t.msis);

  // One trace per guest command, in queue order: CFGI_STE, TLBI, CFGI_CD, PREFETCH, SYNC (MSI),
  // the illegal TLBI_S12_VMALL, then Linux's replacement CMD_SYNC and the CMD_SYNC after it.
  const auto& t = traced.host.command_traces;
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t[0].verdict, VSMMU_COMMAND_FORWARDED);
  EXPECT_TRUE(t[0].refresh);
  EXPECT_EQ(t[0].refresh_first, kVsid);
  EXPECT_EQ(t[0].refresh_last, kVsid);
  EXPECT_EQ(t[1].verdict, VSMMU_COMMAND_FORWARDED);
  EXPECT_EQ(t[1].produced, 1u);
  EXPECT_EQ(t[3].verdict, VSMMU_COMMAND_IGNORED);
  EXPECT_NE(t[3].reason, nullptr);
  EXPECT_EQ(t[4].verdict, VSMMU_COMMAND_SYNC);
  EXPECT_EQ(t[4].sync_signal, VSMMU_SYNC_SIGNAL_IRQ);
  EXPECT_TRUE(t[4].sync_msi);
  EXPECT_EQ(t[4].sync_msi_data, 0u);
  EXPECT_EQ(t[4].sync_msi_address, traced.g.cmdq_entry(first_slot + 4));
  EXPECT_EQ(t[5].verdict, VSMMU_COMMAND_ILLEGAL);
  EXPECT_NE(std::string(t[5].reason).find("CERROR_ILL"), std::string::npos) << t[5].reason;
  EXPECT_EQ(traced.host.traced_commands[5][0] & 0xFF, 0x28u);  // the guest's own words
  EXPECT_EQ(t[6].verdict, VSMMU_COMMAND_SYNC);
  // Linux's CS = SIG_SEV on a guest without SMMU_IDR0.SEV is SIG_NONE (§4.7.3).
  EXPECT_EQ(t[6].sync_signal, VSMMU_SYNC_SIGNAL_NONE);
  EXPECT_EQ(t[7].verdict, VSMMU_COMMAND_SYNC);

  // The CFGI_STE re-read vSID 8's STE from the guest's table.
  ASSERT_EQ(traced.host.ste_traces.size(), 1u);
  const vsmmu_ste_trace& s = traced.host.ste_traces[0];
  EXPECT_EQ(s.vsid, kVsid);
  EXPECT_EQ(s.psid, kPsid);
  EXPECT_EQ(s.fetch, VSMMU_STE_FETCH_FOUND);
  EXPECT_EQ(s.verdict, VSMMU_STE_INSTALL);
  EXPECT_EQ(s.fetch_addr, traced.g.ste_address(kVsid));
  EXPECT_EQ(s.guest_ste[0], smmuv3::encode(GuestDriver<CDevice, TestTraits>::s1_ste(kCd)).words[0]);
  EXPECT_EQ(s.reason, nullptr);
}

TEST(CApi, TraceSteReportsBlockedStreams) {
  CRig c(/*tracing=*/true);
  c.host.ste_traces.clear();
  // vSID 0x10's STE in the guest's table is still all zero: V == 0, blocked.
  c.g.issue({smmuv3::encode(smmuv3::CmdCfgiSte{.stream_id = kVsid2, .leaf = true}).words});
  ASSERT_EQ(c.host.ste_traces.size(), 1u);
  EXPECT_EQ(c.host.ste_traces[0].vsid, kVsid2);
  EXPECT_EQ(c.host.ste_traces[0].psid, kPsid2);
  EXPECT_EQ(c.host.ste_traces[0].fetch, VSMMU_STE_FETCH_FOUND);
  EXPECT_EQ(c.host.ste_traces[0].verdict, VSMMU_STE_INVALID);
  EXPECT_NE(c.host.ste_traces[0].reason, nullptr);
  EXPECT_EQ(c.host.t.installed.at(kPsid2), Words<8>{});

  // The guest's Level 1 descriptor of vSID 8 goes invalid: C_BAD_STREAMID, blocked.
  c.host.ste_traces.clear();
  c.g.write_l1std(kVsid >> c.g.layout().split, 0, 0);
  c.g.issue({smmuv3::encode(smmuv3::CmdCfgiSte{.stream_id = kVsid, .leaf = true}).words});
  ASSERT_EQ(c.host.ste_traces.size(), 1u);
  EXPECT_EQ(c.host.ste_traces[0].fetch, VSMMU_STE_FETCH_BAD_STREAMID);
  EXPECT_EQ(c.host.ste_traces[0].verdict, VSMMU_STE_INVALID);
  EXPECT_NE(c.host.ste_traces[0].fetch_reason, nullptr);
  EXPECT_EQ(c.host.t.installed.at(kPsid), Words<8>{});
}

}  // namespace
