// SPDX-License-Identifier: MIT
// src/vsmmu_c_api.cpp: the C ABI of include/vsmmu/c_api.h, over vsmmu::Device.
//
// A C hypervisor compiles this one file into its build, as C++20 with the flags of its kernel
// (-ffreestanding -fno-exceptions -fno-rtti): like the headers, it needs no C++ runtime, no
// heap and no libc beyond memcpy/memmove/memset/memcmp (tools/check-freestanding.sh checks the
// object's undefined symbols for aarch64).
//
// The device lives in the caller's vsmmu_device_storage: the traits (the caller's callbacks,
// the stream map and the stage 2 template) and the vsmmu::Device that refers to them. When the
// caller asks for tracing, a second Device type with the tracing hooks is used, because a
// device with hooks reads guest commands one at a time to report each (device.hpp); without
// them the device batches.
#include "vsmmu/c_api.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>

#include "smmuv3/bitfield.hpp"
#include "smmuv3/event.hpp"
#include "smmuv3/ste.hpp"
#include "vsmmu/device.hpp"
#include "vsmmu/device_state.hpp"
#include "vsmmu/guest_event.hpp"
#include "vsmmu/policy.hpp"
#include "vsmmu/sanitize_command.hpp"
#include "vsmmu/sanitize_ste.hpp"
#include "vsmmu/stream_map.hpp"
#include "vsmmu/stream_table.hpp"
#include "vsmmu/traits.hpp"

namespace {

constexpr std::size_t kMaxStreams = VSMMU_MAX_STREAMS;
using StreamTable = vsmmu::FixedStreamMap<kMaxStreams>;

// ----- The C enums carry the C++ enums' values ------------------------------------------------

template <class E>
constexpr int value_of(E e) noexcept {
  return static_cast<int>(e);
}

static_assert(value_of(vsmmu::GuestSignal::eventq_irq) == VSMMU_SIGNAL_EVENTQ_IRQ &&
              value_of(vsmmu::GuestSignal::gerror_irq) == VSMMU_SIGNAL_GERROR_IRQ &&
              value_of(vsmmu::GuestSignal::cmdq_sync_irq) == VSMMU_SIGNAL_CMDQ_SYNC_IRQ &&
              value_of(vsmmu::GuestSignal::sev) == VSMMU_SIGNAL_SEV);
static_assert(value_of(vsmmu::DeviceStatus::idle) == VSMMU_STATUS_IDLE &&
              value_of(vsmmu::DeviceStatus::more_work) == VSMMU_STATUS_MORE_WORK &&
              value_of(vsmmu::DeviceStatus::host_error) == VSMMU_STATUS_HOST_ERROR &&
              value_of(vsmmu::DeviceStatus::output_too_small) == VSMMU_STATUS_OUTPUT_TOO_SMALL);
static_assert(value_of(vsmmu::EventStatus::recorded) == VSMMU_EVENT_RECORDED &&
              value_of(vsmmu::EventStatus::not_this_guest) == VSMMU_EVENT_NOT_THIS_GUEST &&
              value_of(vsmmu::EventStatus::host_only) == VSMMU_EVENT_HOST_ONLY &&
              value_of(vsmmu::EventStatus::not_recorded) == VSMMU_EVENT_NOT_RECORDED &&
              value_of(vsmmu::EventStatus::overflow) == VSMMU_EVENT_OVERFLOW &&
              value_of(vsmmu::EventStatus::aborted) == VSMMU_EVENT_ABORTED);
static_assert(value_of(vsmmu::CommandVerdict::forwarded) == VSMMU_COMMAND_FORWARDED &&
              value_of(vsmmu::CommandVerdict::ignored) == VSMMU_COMMAND_IGNORED &&
              value_of(vsmmu::CommandVerdict::sync) == VSMMU_COMMAND_SYNC &&
              value_of(vsmmu::CommandVerdict::illegal) == VSMMU_COMMAND_ILLEGAL &&
              value_of(vsmmu::CommandVerdict::no_space) == VSMMU_COMMAND_NO_SPACE);
static_assert(value_of(vsmmu::SyncSignal::none) == VSMMU_SYNC_SIGNAL_NONE &&
              value_of(vsmmu::SyncSignal::irq) == VSMMU_SYNC_SIGNAL_IRQ &&
              value_of(vsmmu::SyncSignal::sev) == VSMMU_SYNC_SIGNAL_SEV);
static_assert(value_of(vsmmu::SteFetchVerdict::found) == VSMMU_STE_FETCH_FOUND &&
              value_of(vsmmu::SteFetchVerdict::bad_streamid) == VSMMU_STE_FETCH_BAD_STREAMID &&
              value_of(vsmmu::SteFetchVerdict::ste_fetch) == VSMMU_STE_FETCH_ABORT);
static_assert(value_of(vsmmu::SteVerdict::install) == VSMMU_STE_INSTALL &&
              value_of(vsmmu::SteVerdict::invalid) == VSMMU_STE_INVALID &&
              value_of(vsmmu::SteVerdict::bad_ste) == VSMMU_STE_BAD);

// ----- The C structs that mirror C++ ones have their layout -----------------------------------

#define VSMMU_C_SAME_FIELD(c_type, cpp_type, field)                       \
  static_assert(offsetof(c_type, field) == offsetof(cpp_type, field) && \
                sizeof(c_type::field) == sizeof(cpp_type::field), #field)

static_assert(sizeof(vsmmu_device_state) == sizeof(vsmmu::DeviceState));
static_assert(VSMMU_DEVICE_STATE_VERSION == vsmmu::kDeviceStateVersion);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, version);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, idr0);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, idr1);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, idr2);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, idr3);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, idr5);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, aidr);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, cr0);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, cr1);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, cr2);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, gbpa);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, irq_ctrl);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, gerror);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, gerrorn);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, gerror_irq_cfg0);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, gerror_irq_cfg1);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, gerror_irq_cfg2);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, strtab_base);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, strtab_base_cfg);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, reserved0);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, cmdq_base);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, cmdq_prod);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, cmdq_cons);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, eventq_base);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, eventq_prod);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, eventq_cons);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, eventq_irq_cfg0);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, eventq_irq_cfg1);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, eventq_irq_cfg2);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, priq_base);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, priq_prod);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, priq_cons);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, priq_irq_cfg0);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, priq_irq_cfg1);
VSMMU_C_SAME_FIELD(vsmmu_device_state, vsmmu::DeviceState, priq_irq_cfg2);

static_assert(sizeof(vsmmu_counters) == sizeof(vsmmu::DeviceCounters));
VSMMU_C_SAME_FIELD(vsmmu_counters, vsmmu::DeviceCounters, commands_consumed);
VSMMU_C_SAME_FIELD(vsmmu_counters, vsmmu::DeviceCounters, commands_submitted);
VSMMU_C_SAME_FIELD(vsmmu_counters, vsmmu::DeviceCounters, syncs);
VSMMU_C_SAME_FIELD(vsmmu_counters, vsmmu::DeviceCounters, command_errors);
VSMMU_C_SAME_FIELD(vsmmu_counters, vsmmu::DeviceCounters, ste_installs);
VSMMU_C_SAME_FIELD(vsmmu_counters, vsmmu::DeviceCounters, events_recorded);
VSMMU_C_SAME_FIELD(vsmmu_counters, vsmmu::DeviceCounters, events_lost);

#undef VSMMU_C_SAME_FIELD

// Records cross the ABI as arrays of words: a Words<N> is exactly its N words.
static_assert(sizeof(smmuv3::Words<2>) == 2 * sizeof(std::uint64_t) && std::is_standard_layout_v<smmuv3::Words<2>>);

template <std::size_t N>
constexpr smmuv3::Words<N> words_from(const std::uint64_t* w) noexcept {
  smmuv3::Words<N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = w[i];
  return out;
}

// ----- The traits: every DeviceTraits call forwards to the caller's callback ------------------

class CTraits {
 public:
  CTraits(const vsmmu_config& c, const smmuv3::Ste& stage2) noexcept
      : callbacks_(c.callbacks), context_(c.context), stage2_(stage2) {
    set_streams(c.streams, c.stream_count);
  }

  bool read_guest(std::uint64_t ipa, unsigned char* dst, std::size_t bytes) noexcept {
    return callbacks_.read_guest(context_, ipa, dst, bytes);
  }
  bool write_guest(std::uint64_t ipa, const unsigned char* src, std::size_t bytes) noexcept {
    return callbacks_.write_guest(context_, ipa, src, bytes);
  }
  const StreamTable& streams() const noexcept { return streams_; }
  const smmuv3::Ste& stage2_template(std::uint32_t) const noexcept { return stage2_; }
  void install_ste(std::uint32_t psid, const smmuv3::Words<8>& ste) noexcept {
    callbacks_.install_ste(context_, psid, ste.w);
  }
  bool submit_commands(const smmuv3::Words<2>* cmds, std::size_t count) noexcept {
    return callbacks_.submit_commands(context_, cmds->w, count);
  }
  bool sync_commands() noexcept { return callbacks_.sync_commands(context_); }
  void signal(vsmmu::GuestSignal s) noexcept { callbacks_.signal(context_, static_cast<vsmmu_signal>(s)); }
  bool write_msi(std::uint64_t ipa, std::uint32_t data, std::uint8_t memattr) noexcept {
    return callbacks_.write_msi(context_, ipa, data, memattr);
  }

  /// Replaces the map with `streams`, which stream_problem accepted (so every add succeeds).
  void set_streams(const vsmmu_stream_mapping* streams, std::uint32_t count) noexcept {
    streams_ = StreamTable{};
    for (std::uint32_t i = 0; i < count; ++i) streams_.add(streams[i].vsid, streams[i].psid);
  }

 protected:
  vsmmu_callbacks callbacks_;
  void* context_;

 private:
  smmuv3::Ste stage2_;
  StreamTable streams_;
};

/// The same, with the optional tracing hooks (device.hpp: TracesCommands, TracesStes).
class TracingCTraits : public CTraits {
 public:
  using CTraits::CTraits;

  void trace_command(const smmuv3::Words<2>& guest, const vsmmu::CommandOutcome& o) noexcept {
    if (callbacks_.trace_command == nullptr) return;
    vsmmu_command_trace t{};
    t.verdict = static_cast<std::uint8_t>(o.verdict);
    t.produced = o.produced;
    t.refresh = o.refresh.needed;
    t.refresh_first = o.refresh.first;
    t.refresh_last = o.refresh.last;
    t.sync_signal = static_cast<std::uint8_t>(o.sync.signal);
    t.sync_msi = o.sync.msi;
    t.sync_msi_abort = o.sync.msi_abort;
    t.sync_msi_address = o.sync.msi_address;
    t.sync_msi_data = o.sync.msi_data;
    t.sync_msi_attr = o.sync.msi_attr;
    t.sync_msh = o.sync.msh;
    t.reason = o.reason;
    callbacks_.trace_command(context_, guest.w, &t);
  }

  void trace_ste(std::uint32_t vsid, std::uint32_t psid, const vsmmu::SteFetch& f, const vsmmu::SteResult& r) noexcept {
    if (callbacks_.trace_ste == nullptr) return;
    vsmmu_ste_trace t{};
    t.vsid = vsid;
    t.psid = psid;
    t.fetch = static_cast<std::uint8_t>(f.verdict);
    t.verdict = static_cast<std::uint8_t>(r.verdict);
    for (std::size_t i = 0; i < smmuv3::kSteWords; ++i) t.guest_ste[i] = f.ste[i];
    t.fetch_addr = f.fetch_addr;
    t.fetch_reason = f.reason;
    t.reason = r.reason;
    callbacks_.trace_ste(context_, &t);
  }
};

static_assert(vsmmu::DeviceTraits<CTraits> && !vsmmu::TracesCommands<CTraits> && !vsmmu::TracesStes<CTraits>);
static_assert(vsmmu::TracesCommands<TracingCTraits> && vsmmu::TracesStes<TracingCTraits>);

/// One device with its traits. The output buffer holds kMaxStreams commands, what the largest
/// guest command (a CMD_CFGI_ALL) expands to, so DeviceStatus::output_too_small cannot happen.
template <class Traits>
struct Instance {
  Instance(const vsmmu_config& c, const smmuv3::Ste& stage2, const vsmmu::Policy& policy,
           const vsmmu::DeviceOptions& options) noexcept
      : traits(c, stage2), device(traits, policy, options) {}

  Traits traits;
  vsmmu::Device<Traits, kMaxStreams> device;
};

// ----- Argument checks ---------------------------------------------------------------------

struct Problem {
  vsmmu_error error = VSMMU_OK;
  const char* why = nullptr;
};

constexpr vsmmu_error error_of(vsmmu::PolicyError e) noexcept {
  switch (e) {
    case vsmmu::PolicyError::none: return VSMMU_OK;
    case vsmmu::PolicyError::host_without_nesting: return VSMMU_ERROR_HOST_WITHOUT_NESTING;
    case vsmmu::PolicyError::host_without_aarch64: return VSMMU_ERROR_HOST_WITHOUT_AARCH64;
    case vsmmu::PolicyError::host_without_granule: return VSMMU_ERROR_HOST_WITHOUT_GRANULE;
    case vsmmu::PolicyError::host_forces_stall: return VSMMU_ERROR_HOST_FORCES_STALL;
    case vsmmu::PolicyError::vmid_zero: return VSMMU_ERROR_VMID_ZERO;
    case vsmmu::PolicyError::vmid_too_wide: return VSMMU_ERROR_VMID_TOO_WIDE;
    case vsmmu::PolicyError::ipa_too_small: return VSMMU_ERROR_IPA_TOO_SMALL;
    case vsmmu::PolicyError::sid_bits_too_wide: return VSMMU_ERROR_SID_BITS_TOO_WIDE;
    case vsmmu::PolicyError::ssid_bits_too_wide: return VSMMU_ERROR_SSID_BITS_TOO_WIDE;
    case vsmmu::PolicyError::queue_too_large: return VSMMU_ERROR_QUEUE_TOO_LARGE;
  }
  return VSMMU_ERROR_HOST_WITHOUT_NESTING;
}

constexpr vsmmu_error error_of(vsmmu::RestoreError e) noexcept {
  switch (e) {
    case vsmmu::RestoreError::none: return VSMMU_OK;
    case vsmmu::RestoreError::bad_version: return VSMMU_ERROR_STATE_BAD_VERSION;
    case vsmmu::RestoreError::idr_mismatch: return VSMMU_ERROR_STATE_IDR_MISMATCH;
    case vsmmu::RestoreError::bad_register: return VSMMU_ERROR_STATE_BAD_REGISTER;
    case vsmmu::RestoreError::bad_cmdq_error: return VSMMU_ERROR_STATE_BAD_CMDQ_ERROR;
  }
  return VSMMU_ERROR_STATE_BAD_REGISTER;
}

/// The checks FixedStreamMap::add makes, made before anything changes, plus the guest's
/// StreamID range (SMMU_IDR1.SIDSIZE, §6.3.2): a vSID beyond it is a host bug, since the guest
/// could never name the stream. O(count^2) comparisons, count <= VSMMU_MAX_STREAMS.
constexpr Problem stream_problem(const vsmmu_stream_mapping* streams, std::uint32_t count, unsigned sid_bits) noexcept {
  if (count > kMaxStreams) return {VSMMU_ERROR_TOO_MANY_STREAMS, "more streams than VSMMU_MAX_STREAMS"};
  if (count != 0 && streams == nullptr) return {VSMMU_ERROR_NULL_ARGUMENT, "streams is NULL with stream_count != 0"};
  for (std::uint32_t i = 0; i < count; ++i) {
    if (sid_bits < 32 && (streams[i].vsid >> sid_bits) != 0)
      return {VSMMU_ERROR_VSID_OUT_OF_RANGE, "a vSID does not fit the guest's SMMU_IDR1.SIDSIZE"};
    for (std::uint32_t j = 0; j < i; ++j) {
      if (streams[j].vsid == streams[i].vsid) return {VSMMU_ERROR_DUPLICATE_VSID, "a vSID is mapped twice"};
      if (streams[j].psid == streams[i].psid) return {VSMMU_ERROR_DUPLICATE_PSID, "a pSID is mapped twice"};
    }
  }
  return {};
}

constexpr bool callbacks_complete(const vsmmu_callbacks& c) noexcept {
  return c.read_guest != nullptr && c.write_guest != nullptr && c.install_ste != nullptr &&
         c.submit_commands != nullptr && c.sync_commands != nullptr && c.signal != nullptr && c.write_msi != nullptr;
}

constexpr vsmmu::GuestConfig guest_config_of(const vsmmu_guest_config& g) noexcept {
  vsmmu::GuestConfig c{};
  c.vmid = g.vmid;
  c.ipa_bits = g.ipa_bits;
  c.sid_bits = g.sid_bits;
  c.ssid_bits = g.ssid_bits;
  c.cmdq_log2 = g.cmdq_log2;
  c.eventq_log2 = g.eventq_log2;
  c.two_level_stream_table = g.two_level_stream_table;
  c.msi = g.msi;
  c.sev = g.sev;
  c.btm = g.btm;
  c.ats = g.ats;
  c.pri = g.pri;
  c.stall = g.stall;
  return c;
}

}  // namespace

/// The device in the caller's storage: whichever of the two Instance types the callbacks asked
/// for (`tracing`), constructed in place.
struct vsmmu_device {
  vsmmu_device(const vsmmu_config& c, const smmuv3::Ste& stage2, const vsmmu::Policy& policy,
               const vsmmu::DeviceOptions& options) noexcept
      : tracing(c.callbacks.trace_command != nullptr || c.callbacks.trace_ste != nullptr) {
    if (tracing)
      ::new (static_cast<void*>(&body.traced)) Instance<TracingCTraits>(c, stage2, policy, options);
    else
      ::new (static_cast<void*>(&body.plain)) Instance<CTraits>(c, stage2, policy, options);
  }

  /// f(instance) for the instance this device holds.
  template <class F>
  decltype(auto) visit(F&& f) noexcept {
    return tracing ? f(body.traced) : f(body.plain);
  }
  template <class F>
  decltype(auto) visit(F&& f) const noexcept {
    return tracing ? f(body.traced) : f(body.plain);
  }

  const bool tracing;
  union Body {
    Body() noexcept {}
    Instance<CTraits> plain;
    Instance<TracingCTraits> traced;
  } body;
};

static_assert(sizeof(vsmmu_device) <= sizeof(vsmmu_device_storage),
              "VSMMU_DEVICE_STORAGE_SIZE in vsmmu/c_api.h is too small for this target");
static_assert(alignof(vsmmu_device) <= alignof(vsmmu_device_storage));
// Nothing to destroy: the storage can be reused without a destructor call.
static_assert(std::is_trivially_destructible_v<vsmmu_device>);

const char* vsmmu_error_string(vsmmu_error error) {
  switch (error) {
    case VSMMU_OK: return "no error";
    case VSMMU_ERROR_NULL_ARGUMENT: return "a required pointer is NULL";
    case VSMMU_ERROR_STORAGE_TOO_SMALL: return "storage_size is smaller than vsmmu_device_size()";
    case VSMMU_ERROR_STORAGE_MISALIGNED: return "the storage is not aligned as vsmmu_device_storage";
    case VSMMU_ERROR_MISSING_CALLBACK: return "a required callback is NULL";
    case VSMMU_ERROR_HOST_WITHOUT_NESTING: return "the host SMMU lacks stage 1 or stage 2 (SMMU_IDR0.S1P/S2P)";
    case VSMMU_ERROR_HOST_WITHOUT_AARCH64: return "the host SMMU lacks VMSAv8-64 tables (SMMU_IDR0.TTF)";
    case VSMMU_ERROR_HOST_WITHOUT_GRANULE: return "the host SMMU advertises no translation granule (SMMU_IDR5)";
    case VSMMU_ERROR_HOST_FORCES_STALL:
      return "the host SMMU forces stalls (STALL_MODEL 0b10) but guest.stall is false";
    case VSMMU_ERROR_VMID_ZERO: return "guest.vmid is 0, the VMID of the host's own stage-1-only STEs";
    case VSMMU_ERROR_VMID_TOO_WIDE: return "guest.vmid > 255 on a host without SMMU_IDR0.VMID16";
    case VSMMU_ERROR_IPA_TOO_SMALL: return "guest.ipa_bits < 32";
    case VSMMU_ERROR_SID_BITS_TOO_WIDE: return "guest.sid_bits > 32";
    case VSMMU_ERROR_SSID_BITS_TOO_WIDE: return "guest.ssid_bits above the host's SMMU_IDR1.SSIDSIZE or 20";
    case VSMMU_ERROR_QUEUE_TOO_LARGE: return "guest.cmdq_log2 or guest.eventq_log2 > 19";
    case VSMMU_ERROR_BAD_STAGE2_TEMPLATE: return "the stage 2 template is not a usable stage 2 STE";
    case VSMMU_ERROR_TOO_MANY_STREAMS: return "more streams than VSMMU_MAX_STREAMS";
    case VSMMU_ERROR_DUPLICATE_VSID: return "a vSID is mapped twice";
    case VSMMU_ERROR_DUPLICATE_PSID: return "a pSID is mapped twice";
    case VSMMU_ERROR_VSID_OUT_OF_RANGE: return "a vSID does not fit the guest's SMMU_IDR1.SIDSIZE";
    case VSMMU_ERROR_STATE_BAD_VERSION: return "the saved state has another version";
    case VSMMU_ERROR_STATE_IDR_MISMATCH: return "the saved state is for other ID registers";
    case VSMMU_ERROR_STATE_BAD_REGISTER: return "the saved state holds register bits this device cannot hold";
    case VSMMU_ERROR_STATE_BAD_CMDQ_ERROR: return "the saved SMMU_CMDQ_CONS.ERR is not a CERROR this device reports";
  }
  return "unknown vsmmu_error";
}

void vsmmu_config_init(vsmmu_config* config) {
  if (config == nullptr) return;
  *config = vsmmu_config{};
  // The defaults are the C++ structs' own, so the two APIs cannot drift apart.
  const vsmmu::GuestConfig g{};
  vsmmu_guest_config& c = config->guest;
  c.ipa_bits = g.ipa_bits;
  c.vmid = g.vmid;
  c.sid_bits = g.sid_bits;
  c.ssid_bits = g.ssid_bits;
  c.cmdq_log2 = g.cmdq_log2;
  c.eventq_log2 = g.eventq_log2;
  c.two_level_stream_table = g.two_level_stream_table;
  c.msi = g.msi;
  c.sev = g.sev;
  c.btm = g.btm;
  c.ats = g.ats;
  c.pri = g.pri;
  c.stall = g.stall;
  const vsmmu::DeviceOptions o{};
  config->options.work_budget = static_cast<std::uint32_t>(o.work_budget);
  config->options.gbpa_abort_at_reset = o.gbpa_abort_at_reset;
}

size_t vsmmu_device_size(void) { return sizeof(vsmmu_device); }

vsmmu_error vsmmu_create(vsmmu_device_storage* storage, size_t storage_size, const vsmmu_config* config,
                         vsmmu_device** device, const char** why) {
  const auto fail = [why](vsmmu_error e, const char* reason) {
    if (why != nullptr) *why = reason != nullptr ? reason : vsmmu_error_string(e);
    return e;
  };
  if (storage == nullptr || config == nullptr || device == nullptr)
    return fail(VSMMU_ERROR_NULL_ARGUMENT, "storage, config or device is NULL");
  if (storage_size < sizeof(vsmmu_device)) return fail(VSMMU_ERROR_STORAGE_TOO_SMALL, nullptr);
  if (reinterpret_cast<std::uintptr_t>(storage) % alignof(vsmmu_device) != 0)
    return fail(VSMMU_ERROR_STORAGE_MISALIGNED, nullptr);
  if (!callbacks_complete(config->callbacks)) return fail(VSMMU_ERROR_MISSING_CALLBACK, nullptr);

  const vsmmu::HostIdrs host{config->host.idr0, config->host.idr1, config->host.idr3, config->host.idr5,
                             config->host.aidr};
  const vsmmu::PolicyResult policy = vsmmu::make_policy(host, guest_config_of(config->guest));
  if (!policy.ok()) return fail(error_of(policy.error), nullptr);

  // The template arrives encoded: bits outside every STE field would be dropped by the decode
  // and never reach the hardware, which is not what the host wrote (§5.2: RES0).
  const smmuv3::Words<smmuv3::kSteWords> stage2_words = words_from<smmuv3::kSteWords>(config->stage2);
  if (smmuv3::ste_res0_bits(stage2_words) != smmuv3::Words<smmuv3::kSteWords>{})
    return fail(VSMMU_ERROR_BAD_STAGE2_TEMPLATE, "host template: a RES0 bit of the STE is set");
  const smmuv3::Ste stage2 = smmuv3::decode_ste(stage2_words);
  if (const char* problem = vsmmu::host_ste_problem(policy.policy, stage2))
    return fail(VSMMU_ERROR_BAD_STAGE2_TEMPLATE, problem);

  const Problem p = stream_problem(config->streams, config->stream_count, policy.policy.idr.idr1.sidsize);
  if (p.error != VSMMU_OK) return fail(p.error, p.why);

  vsmmu::DeviceOptions options{};
  options.work_budget = config->options.work_budget;
  options.gbpa_abort_at_reset = config->options.gbpa_abort_at_reset;
  *device = ::new (static_cast<void*>(storage)) vsmmu_device(*config, stage2, policy.policy, options);
  if (why != nullptr) *why = nullptr;
  return VSMMU_OK;
}

vsmmu_error vsmmu_streams_changed(vsmmu_device* device, const vsmmu_stream_mapping* streams, uint32_t count) {
  if (device == nullptr) return VSMMU_ERROR_NULL_ARGUMENT;
  return device->visit([streams, count](auto& instance) {
    const Problem p = stream_problem(streams, count, instance.device.policy().idr.idr1.sidsize);
    if (p.error != VSMMU_OK) return p.error;
    instance.traits.set_streams(streams, count);
    instance.device.streams_changed();
    return VSMMU_OK;
  });
}

void vsmmu_reset(vsmmu_device* device) {
  device->visit([](auto& instance) { instance.device.reset(); });
}

uint64_t vsmmu_read(const vsmmu_device* device, uint32_t offset, uint32_t bytes) {
  return device->visit([offset, bytes](const auto& instance) { return instance.device.read(offset, bytes); });
}

vsmmu_status vsmmu_write(vsmmu_device* device, uint32_t offset, uint64_t value, uint32_t bytes) {
  return static_cast<vsmmu_status>(
      device->visit([offset, value, bytes](auto& instance) { return instance.device.write(offset, value, bytes); }));
}

vsmmu_status vsmmu_poll(vsmmu_device* device) {
  return static_cast<vsmmu_status>(device->visit([](auto& instance) { return instance.device.poll(); }));
}

bool vsmmu_commands_pending(const vsmmu_device* device) {
  return device->visit([](const auto& instance) { return instance.device.commands_pending(); });
}

vsmmu_event_result vsmmu_report_event(vsmmu_device* device, const uint64_t physical_event[4]) {
  const smmuv3::Words<smmuv3::kEventWords> record = words_from<smmuv3::kEventWords>(physical_event);
  const vsmmu::EventResult r =
      device->visit([&record](auto& instance) { return instance.device.report_event(record); });
  vsmmu_event_result out{};
  out.status = static_cast<std::uint8_t>(r.status);
  out.host_must_terminate_stall = r.host_must_terminate_stall;
  out.reason = r.reason;
  return out;
}

void vsmmu_save(const vsmmu_device* device, vsmmu_device_state* state) {
  const vsmmu::DeviceState s = device->visit([](const auto& instance) { return instance.device.save(); });
  *state = std::bit_cast<vsmmu_device_state>(s);
}

vsmmu_error vsmmu_restore(vsmmu_device* device, const vsmmu_device_state* state) {
  if (device == nullptr || state == nullptr) return VSMMU_ERROR_NULL_ARGUMENT;
  const auto s = std::bit_cast<vsmmu::DeviceState>(*state);
  return error_of(device->visit([&s](auto& instance) { return instance.device.restore(s); }));
}

void vsmmu_get_counters(const vsmmu_device* device, vsmmu_counters* counters) {
  const vsmmu::DeviceCounters c = device->visit([](const auto& instance) { return instance.device.counters(); });
  *counters = std::bit_cast<vsmmu_counters>(c);
}
