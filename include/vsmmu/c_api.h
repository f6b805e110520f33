/* SPDX-License-Identifier: MIT */
/*
 * vsmmu/c_api.h: the C ABI of the vSMMU device, for a hypervisor written in C.
 *
 * One guest's virtual SMMUv3 (the C++ vsmmu::Device of vsmmu/device.hpp) behind plain C11
 * functions. The hypervisor compiles one C++ source, src/vsmmu_c_api.cpp, into its build (or
 * links the CMake target vsmmu::c); that file needs no C++ runtime (-ffreestanding
 * -fno-exceptions -fno-rtti; it calls nothing but memcpy/memmove/memset/memcmp), so a kernel
 * links it as it links its C.
 *
 *   - The device lives in memory the caller owns (vsmmu_device_storage, a fixed-size byte
 *     array that can be static); the library never allocates and keeps no globals.
 *   - The hypervisor's side is a table of callbacks (vsmmu_callbacks) with a context pointer,
 *     the C form of the DeviceTraits of vsmmu/traits.hpp: guest memory access, the physical
 *     SMMU's STEs and queues, and the guest's interrupts. The device calls them only from
 *     inside the vsmmu_* call that needs them, synchronously.
 *   - The guest's vSID -> pSID assignments are copied into the device (vsmmu_create,
 *     vsmmu_streams_changed), so they cannot change under a call.
 *   - Errors are vsmmu_error values. Nothing here reports a guest's misbehaviour as an error:
 *     the guest gets the architected outcome (CERROR_ILL, GERROR, C_BAD_STE, ...) and the host
 *     a vsmmu_status.
 *
 * Concurrency: none inside. The hypervisor serialises all calls on one device (e.g. a lock per
 * vSMMU); independent devices share nothing. docs/device.md describes the device itself.
 */
#ifndef VSMMU_C_API_H
#define VSMMU_C_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The most streams (devices) one vSMMU can have assigned. Each costs 24 bytes of device storage
 * (the map entry and room for the one physical CMD_CFGI_STE a guest CMD_CFGI_ALL expands to).
 * A hypervisor that needs more defines it, identically, for its C code and for
 * src/vsmmu_c_api.cpp (e.g. -DVSMMU_MAX_STREAMS=512); vsmmu_create checks the storage size, so
 * a mismatch is an error, not memory corruption.
 */
#ifndef VSMMU_MAX_STREAMS
#define VSMMU_MAX_STREAMS 64
#endif
#if VSMMU_MAX_STREAMS < 1
#error "VSMMU_MAX_STREAMS must be at least 1"
#endif

/* Bytes of storage one device needs: an upper bound for 64-bit and 32-bit targets (a pointer
 * is the only member whose size varies), checked by a static_assert in src/vsmmu_c_api.cpp.
 * vsmmu_device_size() is the exact figure (1936 + 24 * VSMMU_MAX_STREAMS on x86-64 and
 * AArch64). */
#define VSMMU_DEVICE_STORAGE_SIZE (2304u + 24u * (VSMMU_MAX_STREAMS))

/* Memory for one device. Embed it (statically, in the hypervisor's per-domain structure) or
 * allocate it with at least the alignment of uint64_t and of a pointer. A device refers to
 * itself: once created it must stay where it is (copy its state with vsmmu_save instead). */
typedef union vsmmu_device_storage {
  unsigned char bytes[VSMMU_DEVICE_STORAGE_SIZE];
  uint64_t align_u64;
  void *align_ptr;
} vsmmu_device_storage;

/* A created device (it lives in a vsmmu_device_storage). Every function below that takes one
 * needs a device vsmmu_create returned; only those that return a vsmmu_error check for NULL. */
typedef struct vsmmu_device vsmmu_device;

/* ----- Errors ---------------------------------------------------------------------------- */

typedef enum vsmmu_error {
  VSMMU_OK = 0,
  /* The call's arguments. */
  VSMMU_ERROR_NULL_ARGUMENT = 1,       /* a required pointer is NULL */
  VSMMU_ERROR_STORAGE_TOO_SMALL = 2,   /* storage_size < vsmmu_device_size() */
  VSMMU_ERROR_STORAGE_MISALIGNED = 3,  /* storage not aligned for uint64_t and pointers */
  VSMMU_ERROR_MISSING_CALLBACK = 4,    /* a required member of vsmmu_callbacks is NULL */
  /* make_policy refused the guest configuration (vsmmu::PolicyError, vsmmu/policy.hpp). */
  VSMMU_ERROR_HOST_WITHOUT_NESTING = 10, /* host SMMU_IDR0.S1P or S2P is 0 */
  VSMMU_ERROR_HOST_WITHOUT_AARCH64 = 11, /* host SMMU_IDR0.TTF lacks VMSAv8-64 */
  VSMMU_ERROR_HOST_WITHOUT_GRANULE = 12, /* host SMMU_IDR5 advertises no granule */
  VSMMU_ERROR_HOST_FORCES_STALL = 13,    /* host STALL_MODEL 0b10 but guest.stall is false */
  VSMMU_ERROR_VMID_ZERO = 14,            /* guest.vmid == 0 */
  VSMMU_ERROR_VMID_TOO_WIDE = 15,        /* guest.vmid > 255 without host SMMU_IDR0.VMID16 */
  VSMMU_ERROR_IPA_TOO_SMALL = 16,        /* guest.ipa_bits < 32 */
  VSMMU_ERROR_SID_BITS_TOO_WIDE = 17,    /* guest.sid_bits > 32 */
  VSMMU_ERROR_SSID_BITS_TOO_WIDE = 18,   /* guest.ssid_bits above the host's SSIDSIZE or 20 */
  VSMMU_ERROR_QUEUE_TOO_LARGE = 19,      /* guest.cmdq_log2 or eventq_log2 > 19 */
  /* The host's stage 2 and stream assignments. */
  VSMMU_ERROR_BAD_STAGE2_TEMPLATE = 20,  /* see the `why` string of vsmmu_create */
  VSMMU_ERROR_TOO_MANY_STREAMS = 21,     /* more than VSMMU_MAX_STREAMS */
  VSMMU_ERROR_DUPLICATE_VSID = 22,       /* one vSID mapped twice */
  VSMMU_ERROR_DUPLICATE_PSID = 23,       /* one pSID mapped twice */
  VSMMU_ERROR_VSID_OUT_OF_RANGE = 24,    /* vSID >= 2^guest.sid_bits: the guest cannot name it */
  /* vsmmu_restore refused the state (vsmmu::RestoreError, vsmmu/device_state.hpp). */
  VSMMU_ERROR_STATE_BAD_VERSION = 30,    /* version != VSMMU_DEVICE_STATE_VERSION */
  VSMMU_ERROR_STATE_IDR_MISMATCH = 31,   /* saved for other ID registers than this device's */
  VSMMU_ERROR_STATE_BAD_REGISTER = 32,   /* a register holds bits this device can never hold */
  VSMMU_ERROR_STATE_BAD_CMDQ_ERROR = 33  /* CMDQ_CONS.ERR is not a CERROR code it reports */
} vsmmu_error;

/* A static, human-readable description of `error` ("unknown vsmmu_error" for other values). */
const char *vsmmu_error_string(vsmmu_error error);

/* ----- What the hypervisor provides ------------------------------------------------------ */

/* The physical SMMU's ID registers, raw, as the host driver read them (vsmmu::HostIdrs). */
typedef struct vsmmu_host_idrs {
  uint32_t idr0, idr1, idr3, idr5, aidr;
} vsmmu_host_idrs;

/* What to show one guest (vsmmu::GuestConfig); every request is clamped to the host.
 * vsmmu_config_init fills in the defaults given here. */
typedef struct vsmmu_guest_config {
  uint32_t ipa_bits;        /* guest physical address space; its SMMU_IDR5.OAS (default 40) */
  uint16_t vmid;            /* host VMID of this guest, never 0, never shared (default 1) */
  uint8_t sid_bits;         /* SMMU_IDR1.SIDSIZE: virtual StreamID width (default 16) */
  uint8_t ssid_bits;        /* SMMU_IDR1.SSIDSIZE, 0: no SubstreamIDs (default 0) */
  uint8_t cmdq_log2;        /* SMMU_IDR1.CMDQS (default 8) */
  uint8_t eventq_log2;      /* SMMU_IDR1.EVENTQS (default 7) */
  bool two_level_stream_table; /* SMMU_IDR0.ST_LEVEL 2-level (default true) */
  bool msi;                 /* SMMU_IDR0.MSI, emulated by the device (default true) */
  bool sev;                 /* SMMU_IDR0.SEV: CMD_SYNC may wake the guest's WFE (default false) */
  bool btm;                 /* SMMU_IDR0.BTM, if the host has it (default false) */
  bool ats;                 /* SMMU_IDR0.ATS, if the host has it (default false) */
  bool pri;                 /* SMMU_IDR0.PRI, if the host and `ats` have it (default false) */
  bool stall;               /* a stall model, if the host stalls (default false) */
} vsmmu_guest_config;

/* How the device works (vsmmu::DeviceOptions). */
typedef struct vsmmu_device_options {
  /* Work units (about one per guest command) one vsmmu_write or vsmmu_poll may consume before
   * it returns VSMMU_STATUS_MORE_WORK; 0 counts as 1 (default 256). */
  uint32_t work_budget;
  /* SMMU_GBPA.ABORT after reset (IHI 0070 §6.3.14: IMPLEMENTATION DEFINED). false keeps an
   * SMMU-unaware guest's DMA working through stage 2 (default false). */
  bool gbpa_abort_at_reset;
} vsmmu_device_options;

/* One assigned stream: the StreamID the guest uses and the one the physical SMMU sees. Every
 * pSID must belong to this guest alone, and its physical STE slot must already exist. */
typedef struct vsmmu_stream_mapping {
  uint32_t vsid, psid;
} vsmmu_stream_mapping;

/* The vSMMU's outputs towards the guest other than memory writes (vsmmu::GuestSignal). */
typedef enum vsmmu_signal {
  VSMMU_SIGNAL_EVENTQ_IRQ = 0,     /* an Event queue record was written */
  VSMMU_SIGNAL_GERROR_IRQ = 1,     /* a global error became active */
  VSMMU_SIGNAL_CMDQ_SYNC_IRQ = 2,  /* a CMD_SYNC with CS == SIG_IRQ and no MSI completed */
  VSMMU_SIGNAL_SEV = 3             /* a CMD_SYNC with CS == SIG_SEV completed */
} vsmmu_signal;

/* What the sanitizer decided about one guest command (vsmmu::CommandVerdict). */
typedef enum vsmmu_command_verdict {
  VSMMU_COMMAND_FORWARDED = 0,  /* physical commands were produced */
  VSMMU_COMMAND_IGNORED = 1,    /* accepted; nothing reaches the host */
  VSMMU_COMMAND_SYNC = 2,       /* CMD_SYNC: completed after a host sync */
  VSMMU_COMMAND_ILLEGAL = 3,    /* CERROR_ILL: the guest's queue stops on it */
  VSMMU_COMMAND_NO_SPACE = 4    /* not reported by this shim (its output always fits) */
} vsmmu_command_verdict;

/* How a CMD_SYNC signals its completion (vsmmu::SyncSignal). */
typedef enum vsmmu_sync_signal {
  VSMMU_SYNC_SIGNAL_NONE = 0,
  VSMMU_SYNC_SIGNAL_IRQ = 1,
  VSMMU_SYNC_SIGNAL_SEV = 2
} vsmmu_sync_signal;

/* trace_command's report (vsmmu::CommandOutcome). */
typedef struct vsmmu_command_trace {
  uint8_t verdict;          /* vsmmu_command_verdict */
  uint8_t sync_signal;      /* vsmmu_sync_signal; VSMMU_COMMAND_SYNC only */
  bool sync_msi;            /* the CMD_SYNC writes sync_msi_data to sync_msi_address */
  bool sync_msi_abort;      /* it asked for an MSI the device aborts (GERROR.MSI_CMDQ_ABT_ERR) */
  bool refresh;             /* a CMD_CFGI_STE*: the STEs of vSIDs [refresh_first, refresh_last]
                               are re-read before the physical commands are submitted */
  uint8_t sync_msi_attr;
  uint8_t sync_msh;
  uint32_t produced;        /* physical commands made from it */
  uint32_t refresh_first, refresh_last;
  uint32_t sync_msi_data;
  uint64_t sync_msi_address;
  const char *reason;       /* static; the rule, for IGNORED and ILLEGAL; NULL otherwise */
} vsmmu_command_trace;

/* Where a guest STE was looked for (vsmmu::SteFetchVerdict). */
typedef enum vsmmu_ste_fetch {
  VSMMU_STE_FETCH_FOUND = 0,         /* guest_ste holds it (or SMMU_GBPA's, fetch_addr == 0) */
  VSMMU_STE_FETCH_BAD_STREAMID = 1,  /* C_BAD_STREAMID: out of range or no valid L1STD */
  VSMMU_STE_FETCH_ABORT = 2          /* F_STE_FETCH: a table read aborted */
} vsmmu_ste_fetch;

/* What the guest STE amounts to (vsmmu::SteVerdict). */
typedef enum vsmmu_ste_verdict {
  VSMMU_STE_INSTALL = 0,  /* the physical STE is built from it */
  VSMMU_STE_INVALID = 1,  /* STE.V == 0 (or not found): the stream is blocked */
  VSMMU_STE_BAD = 2       /* C_BAD_STE, ILLEGAL for the guest's SMMU: the stream is blocked */
} vsmmu_ste_verdict;

/* trace_ste's report, just before install_ste for the same pSID. */
typedef struct vsmmu_ste_trace {
  uint32_t vsid, psid;
  uint8_t fetch;            /* vsmmu_ste_fetch */
  uint8_t verdict;          /* vsmmu_ste_verdict */
  uint64_t guest_ste[8];    /* FOUND: the guest's STE as read once (words, word 0 first) */
  uint64_t fetch_addr;      /* FOUND: its address, 0 when SMMUEN == 0 made it from SMMU_GBPA;
                               ABORT: the address whose read failed */
  const char *fetch_reason; /* static; why not FOUND, or NULL */
  const char *reason;       /* static; why INVALID or BAD, or NULL */
} vsmmu_ste_trace;

/*
 * The hypervisor's side (vsmmu/traits.hpp says the same for C++). `context` is
 * vsmmu_config.context. Every callback must be bounded: the device calls them from the MMIO
 * trap path. Records are passed as 64-bit words, word 0 first, in host byte order (a command
 * is 2 words, an STE 8); guest memory is passed as bytes in memory order.
 */
typedef struct vsmmu_callbacks {
  /* Copy `bytes` of guest physical memory at `ipa` to `dst`. Return false unless the whole
   * range is RAM the guest may give its SMMU: a failure is the architected external abort
   * (CERROR_ABT for a command, F_STE_FETCH for an STE or L1STD). Required. */
  bool (*read_guest)(void *context, uint64_t ipa, unsigned char *dst, size_t bytes);
  /* Copy `bytes` from `src` to guest RAM at `ipa` (Event queue records, 32 bytes; CMD_SYNC
   * MSIs, 4 bytes), with the same bounds. false: GERROR.EVENTQ_ABT_ERR or the CMD_SYNC MSI goes
   * to write_msi. Required. */
  bool (*write_guest)(void *context, uint64_t ipa, const unsigned char *src, size_t bytes);
  /* Write the 8-word physical STE of `psid` (one of the mapping's pSIDs) and make the physical
   * SMMU observe it (CMD_CFGI_STE + CMD_SYNC on the physical queue). All-zero (V == 0) blocks
   * the stream: the hardware's C_BAD_STE comes back through vsmmu_report_event. Must not
   * fail. Called from vsmmu_create too. Required. */
  void (*install_ste)(void *context, uint32_t psid, const uint64_t ste[8]);
  /* Put `count` sanitized physical commands (commands[2*i], commands[2*i + 1]) on the physical
   * Command queue. false: the device keeps the guest's CMDQ_CONS before them, returns
   * VSMMU_STATUS_HOST_ERROR and retries on the next vsmmu_poll. Required. */
  bool (*submit_commands)(void *context, const uint64_t *commands, size_t count);
  /* Issue a physical CMD_SYNC and wait for it, then drain the physical Event queue into
   * vsmmu_report_event (allowed from inside this callback). false as for submit_commands.
   * Required. */
  bool (*sync_commands)(void *context);
  /* Assert the vSMMU's wired interrupt towards the guest (one call, one edge) or SEV.
   * Required. */
  void (*signal)(void *context, vsmmu_signal signal);
  /* An MSI of the vSMMU: 32-bit `data` to guest physical `ipa` (an *_IRQ_CFG0 doorbell, or a
   * CMD_SYNC MSI outside guest RAM), `memattr` as STE.MemAttr. false: aborted,
   * GERROR.MSI_*_ABT_ERR. Required. */
  bool (*write_msi)(void *context, uint64_t ipa, uint32_t data, uint8_t memattr);
  /* Optional (NULL: none). Every guest command and the sanitizer's decision. With either trace
   * hook set the device reads the guest's commands one at a time, to report each in turn. */
  void (*trace_command)(void *context, const uint64_t guest_command[2], const vsmmu_command_trace *trace);
  /* Optional (NULL: none). Where each physical STE came from, before install_ste. */
  void (*trace_ste)(void *context, const vsmmu_ste_trace *trace);
} vsmmu_callbacks;

/* Everything vsmmu_create needs. Start from vsmmu_config_init. */
typedef struct vsmmu_config {
  vsmmu_host_idrs host;
  vsmmu_guest_config guest;
  vsmmu_device_options options;
  /* The host's stage 2 for this guest, an encoded STE (8 words, word 0 first): V = 1,
   * Config = 0b110 (stage 2 translate), S2AA64 = 1, S2TTB, S2T0SZ covering the guest's IPA
   * size, EATS as the ceiling for the guest's devices, no RES0 bit set. Every physical STE is
   * built on it, with S2VMID = guest.vmid whatever it holds. Checked by vsmmu_create. */
  uint64_t stage2[8];
  /* The guest's assigned streams, copied by vsmmu_create; NULL if stream_count is 0. */
  const vsmmu_stream_mapping *streams;
  uint32_t stream_count;
  vsmmu_callbacks callbacks;
  void *context;  /* passed to every callback */
} vsmmu_config;

/* ----- Lifecycle -------------------------------------------------------------------------- */

/* Zeroes `config` and sets guest and options to their defaults (above). */
void vsmmu_config_init(vsmmu_config *config);

/* The bytes of storage this build of the shim needs (<= VSMMU_DEVICE_STORAGE_SIZE). */
size_t vsmmu_device_size(void);

/*
 * Creates a device in `storage` (`storage_size` bytes, normally sizeof *storage) in its reset
 * state, and installs every assigned stream's physical STE as SMMU_GBPA says (install_ste is
 * called once per stream before this returns). On success *device is the device and
 * VSMMU_OK is returned. On an error nothing was created and no callback was called; if `why`
 * is not NULL it receives a static string naming the rule that failed (NULL on success).
 *
 * There is no destroy: the device holds nothing but its storage. Stop calling it, and the
 * storage is the caller's again.
 */
vsmmu_error vsmmu_create(vsmmu_device_storage *storage, size_t storage_size, const vsmmu_config *config,
                         vsmmu_device **device, const char **why);

/* The host changed the guest's assigned streams: `streams` replaces the mapping (copied, as
 * in vsmmu_create) and every assigned stream's physical STE is installed again as the guest's
 * configuration says. A removed pSID is the host's to clear. On an error nothing changes.
 * Not from inside a callback: the mapping must not change under a call. */
vsmmu_error vsmmu_streams_changed(vsmmu_device *device, const vsmmu_stream_mapping *streams, uint32_t count);

/* Architectural reset: every register to its reset value, the queues disabled, every assigned
 * stream installed as SMMU_GBPA says. */
void vsmmu_reset(vsmmu_device *device);

/* ----- MMIO (from the trap handler of the vSMMU's 128 KiB window, Pages 0 and 1) ----------- */

/* What the hypervisor should do after vsmmu_write or vsmmu_poll (vsmmu::DeviceStatus). */
typedef enum vsmmu_status {
  VSMMU_STATUS_IDLE = 0,             /* nothing left to do */
  VSMMU_STATUS_MORE_WORK = 1,        /* the work budget ran out: call vsmmu_poll later */
  VSMMU_STATUS_HOST_ERROR = 2,       /* submit_commands or sync_commands failed; poll retries */
  VSMMU_STATUS_OUTPUT_TOO_SMALL = 3  /* not returned by this shim (its output holds
                                        VSMMU_MAX_STREAMS commands) */
} vsmmu_status;

/* A guest read of `bytes` (4 or 8) at `offset` from the SMMU base. Reserved or unimplemented
 * offsets and bad sizes or alignments read as zero (§6.2). */
uint64_t vsmmu_read(const vsmmu_device *device, uint32_t offset, uint32_t bytes);

/* A guest write. Writes to read-only, reserved or unimplemented offsets are ignored (§6.2). A
 * CMDQ_PROD write processes guest commands within the work budget. */
vsmmu_status vsmmu_write(vsmmu_device *device, uint32_t offset, uint64_t value, uint32_t bytes);

/* Continue command processing after VSMMU_STATUS_MORE_WORK or VSMMU_STATUS_HOST_ERROR. */
vsmmu_status vsmmu_poll(vsmmu_device *device);

/* Whether guest commands wait between CMDQ_CONS and CMDQ_PROD while the queue runs. */
bool vsmmu_commands_pending(const vsmmu_device *device);

/* ----- Faults from the physical SMMU ------------------------------------------------------- */

/* What vsmmu_report_event did with a physical event (vsmmu::EventStatus). */
typedef enum vsmmu_event_status {
  VSMMU_EVENT_RECORDED = 0,        /* written to the guest's Event queue */
  VSMMU_EVENT_NOT_THIS_GUEST = 1,  /* its StreamID is none of this guest's pSIDs */
  VSMMU_EVENT_HOST_ONLY = 2,       /* the guest's SMMU would not record it: the host's */
  VSMMU_EVENT_NOT_RECORDED = 3,    /* the guest's SMMU is not recording (SMMUEN/EVENTQEN) */
  VSMMU_EVENT_OVERFLOW = 4,        /* the guest's Event queue is full (PROD.OVFLG, §7.4) */
  VSMMU_EVENT_ABORTED = 5          /* write_guest failed (GERROR.EVENTQ_ABT_ERR, §7.2) */
} vsmmu_event_status;

typedef struct vsmmu_event_result {
  uint8_t status;                  /* vsmmu_event_status */
  /* The event stalled a transaction the guest will not resume: the host must terminate it. */
  bool host_must_terminate_stall;
  const char *reason;              /* static: what was done and why */
} vsmmu_event_result;

/* A record from the physical SMMU's Event queue (4 words, word 0 first). Events of other
 * guests' streams come back VSMMU_EVENT_NOT_THIS_GUEST, so a host may offer each event to
 * every vSMMU. */
vsmmu_event_result vsmmu_report_event(vsmmu_device *device, const uint64_t physical_event[4]);

/* ----- Live migration ---------------------------------------------------------------------- */

#define VSMMU_DEVICE_STATE_VERSION 1u

/* The complete guest-visible state (vsmmu::DeviceState, same layout, no padding): registers,
 * the ID registers they were valid for, and a version. Send it field by field, or as bytes
 * between hosts of the same byte order. */
typedef struct vsmmu_device_state {
  uint32_t version;
  uint32_t idr0, idr1, idr2, idr3, idr5, aidr;
  uint32_t cr0, cr1, cr2;
  uint32_t gbpa;
  uint32_t irq_ctrl;
  uint32_t gerror, gerrorn;
  uint64_t gerror_irq_cfg0;
  uint32_t gerror_irq_cfg1, gerror_irq_cfg2;
  uint64_t strtab_base;
  uint32_t strtab_base_cfg;
  uint32_t reserved0;  /* always 0 */
  uint64_t cmdq_base;
  uint32_t cmdq_prod, cmdq_cons;
  uint64_t eventq_base;
  uint32_t eventq_prod, eventq_cons;
  uint64_t eventq_irq_cfg0;
  uint32_t eventq_irq_cfg1, eventq_irq_cfg2;
  uint64_t priq_base;
  uint32_t priq_prod, priq_cons;
  uint64_t priq_irq_cfg0;
  uint32_t priq_irq_cfg1, priq_irq_cfg2;
} vsmmu_device_state;

/* Writes the device's state to *state. */
void vsmmu_save(const vsmmu_device *device, vsmmu_device_state *state);

/* Loads a saved state after checking it against this device (same ID registers, only bits the
 * device can hold), then installs every assigned stream's physical STE from the guest's tables;
 * commands pending in the guest's queue wait for the next vsmmu_poll. On an error nothing
 * changes. */
vsmmu_error vsmmu_restore(vsmmu_device *device, const vsmmu_device_state *state);

/* ----- Statistics -------------------------------------------------------------------------- */

/* Running totals (vsmmu::DeviceCounters). */
typedef struct vsmmu_counters {
  uint64_t commands_consumed;   /* guest commands accepted */
  uint64_t commands_submitted;  /* physical commands handed to submit_commands */
  uint64_t syncs;               /* guest CMD_SYNCs completed */
  uint64_t command_errors;      /* CMDQ_ERRs raised */
  uint64_t ste_installs;        /* install_ste calls */
  uint64_t events_recorded;     /* records written to the guest's Event queue */
  uint64_t events_lost;         /* overflow + aborted + not recorded */
} vsmmu_counters;

void vsmmu_get_counters(const vsmmu_device *device, vsmmu_counters *counters);

#ifdef __cplusplus
}
#endif

#endif /* VSMMU_C_API_H */
