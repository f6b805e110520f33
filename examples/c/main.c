/*
 * probe-sequence-c: the main example (examples/probe-sequence) again, written as a C hypervisor
 * would write it, through the C ABI of vsmmu/c_api.h. A simulated guest runs the Linux
 * arm-smmu-v3 driver's probe and first device attach against a vSMMU whose toy "physical SMMU"
 * prints what the hardware would receive.
 *
 *   probe-sequence-c [--hostile]
 *
 * Every line says who acts:
 *   [guest] what the guest driver does: MMIO register accesses and commands, in Linux's order
 *   [vsmmu] what the vSMMU (the sanitizer) decided about it
 *   [host ] what reaches the physical SMMU: sanitized commands and STEs
 * The [vsmmu] and [host ] lines are the C++ example's, line for line (a CTest compares them).
 * --hostile adds a command no guest may send and shows the architected error path.
 *
 * The hypervisor's side is the vsmmu_callbacks table (toy host, below); the guest's side only
 * calls vsmmu_read / vsmmu_write, as a trap handler would for the guest's MMIO accesses, and
 * writes its own RAM. Records are built from their fields' bit positions in IHI 0070 G.b.
 *
 * Exit status: 0 when everything went as a Linux guest expects; 1 otherwise; 2 on a usage
 * error.
 */
#include <vsmmu/c_api.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ----- The SMMU's registers (§6.2, §6.3), the ones the Linux probe touches -------------------- */

enum {
  SMMU_IDR0 = 0x0000, SMMU_IDR1 = 0x0004, SMMU_IDR3 = 0x000C, SMMU_IDR5 = 0x0014, SMMU_IIDR = 0x0018,
  SMMU_CR0 = 0x0020, SMMU_CR0ACK = 0x0024, SMMU_CR1 = 0x0028, SMMU_CR2 = 0x002C,
  SMMU_IRQ_CTRL = 0x0050, SMMU_IRQ_CTRLACK = 0x0054, SMMU_GERROR = 0x0060, SMMU_GERRORN = 0x0064,
  SMMU_GERROR_IRQ_CFG0 = 0x0068, SMMU_STRTAB_BASE = 0x0080, SMMU_STRTAB_BASE_CFG = 0x0088,
  SMMU_CMDQ_BASE = 0x0090, SMMU_CMDQ_PROD = 0x0098, SMMU_CMDQ_CONS = 0x009C, SMMU_EVENTQ_BASE = 0x00A0,
  SMMU_EVENTQ_IRQ_CFG0 = 0x00B0, SMMU_EVENTQ_PROD = 0x100A8, SMMU_EVENTQ_CONS = 0x100AC
};

struct reg_info {
  uint32_t offset;
  const char *name;
  unsigned bytes;
};

static const struct reg_info kRegisters[] = {
    {SMMU_IDR0, "SMMU_IDR0", 4}, {SMMU_IDR1, "SMMU_IDR1", 4}, {SMMU_IDR3, "SMMU_IDR3", 4},
    {SMMU_IDR5, "SMMU_IDR5", 4}, {SMMU_IIDR, "SMMU_IIDR", 4}, {SMMU_CR0, "SMMU_CR0", 4},
    {SMMU_CR0ACK, "SMMU_CR0ACK", 4}, {SMMU_CR1, "SMMU_CR1", 4}, {SMMU_CR2, "SMMU_CR2", 4},
    {SMMU_IRQ_CTRL, "SMMU_IRQ_CTRL", 4}, {SMMU_IRQ_CTRLACK, "SMMU_IRQ_CTRLACK", 4},
    {SMMU_GERROR, "SMMU_GERROR", 4}, {SMMU_GERRORN, "SMMU_GERRORN", 4},
    {SMMU_GERROR_IRQ_CFG0, "SMMU_GERROR_IRQ_CFG0", 8}, {SMMU_STRTAB_BASE, "SMMU_STRTAB_BASE", 8},
    {SMMU_STRTAB_BASE_CFG, "SMMU_STRTAB_BASE_CFG", 4}, {SMMU_CMDQ_BASE, "SMMU_CMDQ_BASE", 8},
    {SMMU_CMDQ_PROD, "SMMU_CMDQ_PROD", 4}, {SMMU_CMDQ_CONS, "SMMU_CMDQ_CONS", 4},
    {SMMU_EVENTQ_BASE, "SMMU_EVENTQ_BASE", 8}, {SMMU_EVENTQ_IRQ_CFG0, "SMMU_EVENTQ_IRQ_CFG0", 8},
    {SMMU_EVENTQ_PROD, "SMMU_EVENTQ_PROD", 4}, {SMMU_EVENTQ_CONS, "SMMU_EVENTQ_CONS", 4},
};

static const struct reg_info *reg(uint32_t offset) {
  for (size_t i = 0; i < sizeof kRegisters / sizeof kRegisters[0]; ++i)
    if (kRegisters[i].offset == offset) return &kRegisters[i];
  return NULL;
}

/* Register fields. */
#define IDR0_S2P (1u << 0)
#define IDR0_HYP (1u << 9)
#define IDR0_ST_LEVEL(v) (((v) >> 27) & 3u) /* 0b01: 2-level Stream table */
#define IDR1_SIDSIZE(v) ((v) & 0x3Fu)
#define IDR1_EVENTQS(v) (((v) >> 16) & 0x1Fu)
#define IDR1_CMDQS(v) (((v) >> 21) & 0x1Fu)
#define IDR5_OAS(v) ((v) & 7u)
#define CR0_SMMUEN (1u << 0)
#define CR0_EVENTQEN (1u << 2)
#define CR0_CMDQEN (1u << 3)
#define CR2_E2H (1u << 0)
#define CR2_RECINVSID (1u << 1)
#define CR2_PTM (1u << 2)
#define IRQ_CTRL_GERROR_IRQEN (1u << 0)
#define IRQ_CTRL_EVENTQ_IRQEN (1u << 2)
#define GERROR_CMDQ_ERR (1u << 0)
#define BASE_RA_WA ((uint64_t)1 << 62) /* STRTAB_BASE.RA, CMDQ_BASE.RA, EVENTQ_BASE.WA */
#define CMDQ_CONS_ERR(v) (((v) >> 24) & 0x7Fu)
#define QUEUE_POINTER 0xFFFFFu /* RD/WR [19:0], with the wrap bit above the index */

struct flag {
  uint32_t mask;
  const char *name;
};
/* The single-bit fields of a register, in the order the spec's figures list them. */
static const struct flag kCr0Flags[] = {
    {CR0_CMDQEN, "CMDQEN"}, {CR0_EVENTQEN, "EVENTQEN"}, {CR0_SMMUEN, "SMMUEN"}, {0, NULL}};
static const struct flag kCr2Flags[] = {{CR2_PTM, "PTM"}, {CR2_RECINVSID, "RECINVSID"}, {CR2_E2H, "E2H"}, {0, NULL}};
static const struct flag kIrqCtrlFlags[] = {
    {IRQ_CTRL_EVENTQ_IRQEN, "EVENTQ_IRQEN"}, {IRQ_CTRL_GERROR_IRQEN, "GERROR_IRQEN"}, {0, NULL}};
static const struct flag kGerrorFlags[] = {{GERROR_CMDQ_ERR, "CMDQ_ERR"}, {0, NULL}};

/* ----- Text ------------------------------------------------------------------------------------ */

struct text {
  char s[1024];
  size_t len;
};

static void add(struct text *t, const char *fmt, ...) {
  if (t->len + 1 >= sizeof t->s) return;
  va_list ap;
  va_start(ap, fmt);
  const int n = vsnprintf(t->s + t->len, sizeof t->s - t->len, fmt, ap);
  va_end(ap);
  if (n > 0) t->len += (size_t)n < sizeof t->s - t->len ? (size_t)n : sizeof t->s - t->len - 1;
}

/* One line of output: "[who  ] text". */
static void say(const char *who, const struct text *t) { printf("[%-5s] %s\n", who, t->s); }

static void sayf(const char *who, const char *fmt, ...) {
  struct text t = {.len = 0};
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(t.s, sizeof t.s, fmt, ap);
  va_end(ap);
  say(who, &t);
}

/* A step of the driver, named after the Linux function that does it. */
static void step(const char *title) { printf("== %s\n", title); }

static void add_flags(struct text *t, uint32_t value, const struct flag *flags) {
  bool first = true;
  for (const struct flag *f = flags; f->name != NULL; ++f) {
    if ((value & f->mask) == 0) continue;
    add(t, "%s%s", first ? " (" : " ", f->name);
    first = false;
  }
  if (!first) add(t, ")");
}

/* ----- Commands (chapter 4): names and fields, as the record layer prints them ------------------ */

enum field_kind { FLAG, NUMBER, HEX, SYNC_CS };

struct field {
  const char *name;
  unsigned lsb, width, shift; /* value = bits [lsb + width - 1 : lsb] << shift */
  enum field_kind kind;
};

struct command_layout {
  uint8_t opcode;
  const char *name;
  struct field fields[8];
};

#define F_SSEC {"SSec", 10, 1, 0, FLAG}
#define F_SSV {"SSV", 11, 1, 0, FLAG}
#define F_SUBSTREAMID {"SubstreamID", 12, 20, 0, NUMBER}
#define F_STREAMID {"StreamID", 32, 32, 0, HEX}
#define F_LEAF {"Leaf", 64, 1, 0, FLAG}
#define F_VMID {"VMID", 32, 16, 0, NUMBER}
#define F_ASID {"ASID", 48, 16, 0, NUMBER}
#define F_NUM {"NUM", 12, 5, 0, NUMBER}
#define F_SCALE {"SCALE", 20, 6, 0, NUMBER}
#define F_TTL {"TTL", 72, 2, 0, NUMBER}
#define F_TG {"TG", 74, 2, 0, NUMBER}
#define F_VA {"Address", 76, 52, 12, HEX}

enum {
  CMD_PREFETCH_CONFIG = 0x01, CMD_CFGI_STE = 0x03, CMD_CFGI_STE_RANGE = 0x04, CMD_CFGI_CD = 0x05,
  CMD_CFGI_CD_ALL = 0x06, CMD_TLBI_NH_ALL = 0x10, CMD_TLBI_NH_ASID = 0x11, CMD_TLBI_NH_VA = 0x12,
  CMD_TLBI_NH_VAA = 0x13, CMD_TLBI_EL2_ALL = 0x20, CMD_TLBI_S12_VMALL = 0x28, CMD_TLBI_NSNH_ALL = 0x30,
  CMD_SYNC = 0x46
};

static const struct command_layout kCommands[] = {
    {CMD_PREFETCH_CONFIG, "CMD_PREFETCH_CONFIG", {F_SSEC, F_SSV, F_SUBSTREAMID, F_STREAMID}},
    {CMD_CFGI_STE, "CMD_CFGI_STE", {F_SSEC, F_STREAMID, F_LEAF}},
    {CMD_CFGI_STE_RANGE, "CMD_CFGI_STE_RANGE", {F_SSEC, F_STREAMID, {"Range", 64, 5, 0, NUMBER}}},
    {CMD_CFGI_CD, "CMD_CFGI_CD", {F_SSEC, F_SUBSTREAMID, F_STREAMID, F_LEAF}},
    {CMD_CFGI_CD_ALL, "CMD_CFGI_CD_ALL", {F_SSEC, F_STREAMID}},
    {CMD_TLBI_NH_ALL, "CMD_TLBI_NH_ALL", {F_VMID}},
    {CMD_TLBI_NH_ASID, "CMD_TLBI_NH_ASID", {F_VMID, F_ASID}},
    {CMD_TLBI_NH_VA, "CMD_TLBI_NH_VA", {F_VMID, F_ASID, F_NUM, F_SCALE, F_LEAF, F_TTL, F_TG, F_VA}},
    {CMD_TLBI_NH_VAA, "CMD_TLBI_NH_VAA", {F_VMID, F_NUM, F_SCALE, F_LEAF, F_TTL, F_TG, F_VA}},
    {CMD_TLBI_EL2_ALL, "CMD_TLBI_EL2_ALL", {{NULL, 0, 0, 0, FLAG}}},
    {CMD_TLBI_S12_VMALL, "CMD_TLBI_S12_VMALL", {F_VMID}},
    {CMD_TLBI_NSNH_ALL, "CMD_TLBI_NSNH_ALL", {{NULL, 0, 0, 0, FLAG}}},
    {CMD_SYNC,
     "CMD_SYNC",
     {{"CS", 12, 2, 0, SYNC_CS}, {"MSH", 22, 2, 0, NUMBER}, {"MSIAttr", 24, 4, 0, HEX}, {"MSIData", 32, 32, 0, HEX},
      {"MSIAddress", 66, 54, 2, HEX}}},
};

/* Bits [lsb + width - 1 : lsb] of a record (never across a 64-bit word in the layouts above). */
static uint64_t bits(const uint64_t *w, unsigned lsb, unsigned width) {
  const uint64_t v = w[lsb / 64] >> (lsb % 64);
  return width == 64 ? v : v & (((uint64_t)1 << width) - 1);
}

#define CFGI_RANGE_ALL 31u /* CMD_CFGI_ALL is CMD_CFGI_STE_RANGE with Range 31 (§4.3.3) */

static uint8_t opcode(const uint64_t cmd[2]) { return (uint8_t)cmd[0]; }

static const struct command_layout *command_layout(const uint64_t cmd[2]) {
  for (size_t i = 0; i < sizeof kCommands / sizeof kCommands[0]; ++i)
    if (kCommands[i].opcode == opcode(cmd)) return &kCommands[i];
  return NULL;
}

static bool is_cfgi_all(const uint64_t cmd[2]) {
  return opcode(cmd) == CMD_CFGI_STE_RANGE && bits(cmd, 64, 5) == CFGI_RANGE_ALL;
}

static const char *command_name(const uint64_t cmd[2]) {
  if (is_cfgi_all(cmd)) return "CMD_CFGI_ALL";
  const struct command_layout *l = command_layout(cmd);
  return l != NULL ? l->name : NULL;
}

static const char *sync_cs_name(uint64_t cs) {
  switch (cs) {
    case 0: return "SIG_NONE";
    case 1: return "SIG_IRQ";
    case 2: return "SIG_SEV";
  }
  return "Reserved";
}

/* "CMD_TLBI_NH_VA VMID=7 ASID=1 Leaf TTL=3 TG=1 Address=0xffff8000": the non-zero fields. */
static void add_command(struct text *t, const uint64_t cmd[2]) {
  const struct command_layout *l = command_layout(cmd);
  if (l == NULL) {
    add(t, "opcode 0x%x (Reserved)", opcode(cmd));
    return;
  }
  add(t, "%s", command_name(cmd));
  if (is_cfgi_all(cmd)) return;
  for (const struct field *f = l->fields; f < l->fields + 8 && f->name != NULL; ++f) {
    const uint64_t v = bits(cmd, f->lsb, f->width) << f->shift;
    if (v == 0) continue;
    switch (f->kind) {
      case FLAG: add(t, " %s", f->name); break;
      case NUMBER: add(t, v < 1024 ? " %s=%" PRIu64 : " %s=0x%" PRIx64, f->name, v); break;
      case HEX: add(t, " %s=0x%" PRIx64, f->name, v); break;
      case SYNC_CS: add(t, " %s=%s", f->name, sync_cs_name(v)); break;
    }
  }
}

/* Commands the guest builds (Linux 6.1's arm_smmu_cmdq_build_cmd, with the values of the
 * capture in tests/data/linux-6.1.192-2/cmdq.txt). */
#define SYNC_CS_SIG_IRQ ((uint64_t)1 << 12)
#define SYNC_CS_SIG_SEV ((uint64_t)2 << 12)
#define SYNC_MSH_INNER_SHAREABLE ((uint64_t)3 << 22)
#define SYNC_MSIATTR_WB ((uint64_t)0xF << 24)

struct command {
  uint64_t w[2];
};

static struct command cmd_sync_sev(void) {
  const struct command c = {{CMD_SYNC | SYNC_CS_SIG_SEV | SYNC_MSH_INNER_SHAREABLE | SYNC_MSIATTR_WB, 0}};
  return c;
}

/* ARM_SMMU_OPT_MSIPOLL: CS = SIG_IRQ and an MSI of 0 to `slot`, which the driver polls. */
static struct command cmd_sync_msi(uint64_t slot) {
  const struct command c = {{CMD_SYNC | SYNC_CS_SIG_IRQ | SYNC_MSH_INNER_SHAREABLE | SYNC_MSIATTR_WB,
                             slot & 0x00FFFFFFFFFFFFFCull /* MSIAddress[55:2] */}};
  return c;
}

static struct command cmd_stream(uint8_t op, uint32_t sid, bool leaf) {
  const struct command c = {{op | (uint64_t)sid << 32, leaf ? 1u : 0u}};
  return c;
}

static struct command cmd_cfgi_all(void) {
  const struct command c = {{CMD_CFGI_STE_RANGE, CFGI_RANGE_ALL /* Range [68:64] */}};
  return c;
}

static struct command cmd_tlbi(uint8_t op, uint16_t vmid, uint16_t asid) {
  const struct command c = {{op | (uint64_t)vmid << 32 | (uint64_t)asid << 48, 0}};
  return c;
}

/* ----- STEs (§5.2) ----------------------------------------------------------------------------- */

#define STE0_V 1ull
#define STE0_CONFIG(c) ((uint64_t)(c) << 1)
#define STE_CONFIG(w0) (((w0) >> 1) & 7u)
#define STE0_S1CONTEXTPTR(w0) ((w0) & 0x00FFFFFFFFFFFFC0ull) /* [55:6] */
#define STE1_MEV (1ull << 19)                               /* bit 83 */
#define STE2_S2VMID(w2) ((w2) & 0xFFFFu)                     /* [143:128] */
#define STE2_S2T0SZ(w2) (((w2) >> 32) & 0x3Fu)              /* [165:160] */
#define STE3_S2TTB(w3) ((w3) & 0x00FFFFFFFFFFFFF0ull)       /* [247:196] */

enum { STE_ABORT = 0, STE_BYPASS = 4, STE_S1_TRANS = 5, STE_S2_TRANS = 6, STE_NESTED = 7 };

static const char *ste_config_name(uint64_t config) {
  switch (config) {
    case STE_ABORT: return "abort";
    case STE_BYPASS: return "bypass";
    case STE_S1_TRANS: return "S1-translate";
    case STE_S2_TRANS: return "S2-translate";
    case STE_NESTED: return "nested(S1+S2)";
  }
  return "abort(Reserved)";
}

/* A guest STE: the fields a stage-1-only guest uses. */
static void add_guest_ste(struct text *t, const uint64_t *w) {
  if ((w[0] & STE0_V) == 0) {
    add(t, "V=0");
    return;
  }
  add(t, "V=1 Config=%s", ste_config_name(STE_CONFIG(w[0])));
  if (STE_CONFIG(w[0]) == STE_S1_TRANS)
    add(t, " S1ContextPtr=0x%" PRIx64 " S1DSS=%u S1CIR=%u S1COR=%u S1CSH=%u", STE0_S1CONTEXTPTR(w[0]),
        (unsigned)bits(w, 64, 2), (unsigned)bits(w, 66, 2), (unsigned)bits(w, 68, 2), (unsigned)bits(w, 70, 2));
}

/* A physical STE, as the host installs it. */
static void add_physical_ste(struct text *t, const uint64_t *w) {
  if ((w[0] & STE0_V) == 0) {
    add(t, "V=0 (invalid: the SMMU aborts the stream's DMA and records C_BAD_STE)");
    return;
  }
  const uint64_t config = STE_CONFIG(w[0]);
  add(t, "Config=%s", ste_config_name(config));
  if (config == STE_NESTED)
    add(t, " S1ContextPtr=0x%" PRIx64 "(IPA) S1DSS=%u S1CSH=%u", STE0_S1CONTEXTPTR(w[0]), (unsigned)bits(w, 64, 2),
        (unsigned)bits(w, 70, 2));
  if (config == STE_S2_TRANS || config == STE_NESTED)
    add(t, " S2VMID=%u S2TTB=0x%" PRIx64 " S2T0SZ=%u%s", (unsigned)STE2_S2VMID(w[2]), STE3_S2TTB(w[3]),
        (unsigned)STE2_S2T0SZ(w[2]), (w[1] & STE1_MEV) != 0 ? " MEV" : "");
}

/* ----- The toy host: the hypervisor's side, as vsmmu_callbacks -------------------------------- */

/* The guest's RAM: 1 MiB at IPA 0x4000'0000 (a hypervisor maps guest memory; the toy keeps a
 * byte array). */
#define RAM_BASE 0x40000000ull
#define RAM_BYTES (1u << 20)

/* The physical SMMU (what the host driver read from it): SMMUv3.1 with stage 1 and stage 2,
 * 2-level Stream table, 16-bit ASIDs and StreamIDs, RIL, 44-bit OAS: QEMU's ID registers with
 * SMMU_IDR0.S2P added. */
static const vsmmu_host_idrs kPhysicalSmmu = {0x0d40101b, 0x02730010, 0x00001404, 0x00000074, 0x1};

#define GUEST_VMID 7
#define STAGE2_TTB 0x880000000ull /* the guest's stage 2 tables, a host physical address */

/* Two devices, as in the capture (virtio-blk at StreamID 0x8, virtio-net at 0x10); the guest
 * attaches the first. */
static const vsmmu_stream_mapping kDevices[] = {{0x8, 0x1008}, {0x10, 0x1010}};
#define DEVICE_COUNT (sizeof kDevices / sizeof kDevices[0])

struct toy_host {
  unsigned char ram[RAM_BYTES];
  /* What happened, for the guest's checks and the summary. */
  unsigned sevs, sync_irqs, gerror_irqs, eventq_irqs, msi_writes;
  unsigned ste_installs, physical_commands, physical_syncs, guest_syncs, refused;
  unsigned refusals_allowed; /* refusals the example is about to provoke (--hostile) */
  unsigned problems;
};

static void problem(struct toy_host *h, const char *what) {
  ++h->problems;
  sayf("host", "  UNEXPECTED: %s", what);
}

static bool in_ram(uint64_t ipa, size_t bytes) {
  return ipa >= RAM_BASE && bytes <= RAM_BYTES && ipa - RAM_BASE <= RAM_BYTES - bytes;
}

static bool own_psid(uint32_t psid) {
  for (size_t i = 0; i < DEVICE_COUNT; ++i)
    if (kDevices[i].psid == psid) return true;
  return false;
}

static uint32_t psid_of(uint32_t vsid) {
  for (size_t i = 0; i < DEVICE_COUNT; ++i)
    if (kDevices[i].vsid == vsid) return kDevices[i].psid;
  return 0;
}

/* The host's stage 2 for this guest: a 40-bit IPA space (the guest's SMMU_IDR5.OAS), 4 KiB
 * granule starting at level 1, walks Inner Shareable Write-Back, 44-bit PA, faults recorded. */
static void stage2_template(uint64_t ste[8]) {
  memset(ste, 0, 8 * sizeof ste[0]);
  ste[0] = STE0_V | STE0_CONFIG(STE_S2_TRANS);
  ste[2] = GUEST_VMID                       /* S2VMID [143:128] */
           | (uint64_t)(64 - 40) << 32      /* S2T0SZ [165:160] */
           | (uint64_t)1 << 38              /* S2SL0 [167:166]: level 1 */
           | (uint64_t)1 << 40              /* S2IR0 [169:168]: WB read/write-allocate */
           | (uint64_t)1 << 42              /* S2OR0 [171:170] */
           | (uint64_t)3 << 44              /* S2SH0 [173:172]: Inner Shareable */
           | (uint64_t)0 << 46              /* S2TG [175:174]: 4 KiB */
           | (uint64_t)4 << 48              /* S2PS [178:176]: 44 bits */
           | (uint64_t)1 << 51              /* S2AA64 [179] */
           | (uint64_t)1 << 58;             /* S2R [186]: record stage 2 faults */
  ste[3] = STAGE2_TTB;                      /* S2TTB [247:196] */
}

static bool read_guest(void *context, uint64_t ipa, unsigned char *dst, size_t bytes) {
  struct toy_host *h = context;
  if (!in_ram(ipa, bytes)) return false;
  memcpy(dst, &h->ram[ipa - RAM_BASE], bytes);
  return true;
}

/* The device writes guest RAM for CMD_SYNC MSIs (4 bytes) and Event queue records (32). */
static bool write_guest(void *context, uint64_t ipa, const unsigned char *src, size_t bytes) {
  struct toy_host *h = context;
  if (!in_ram(ipa, bytes)) return false;
  memcpy(&h->ram[ipa - RAM_BASE], src, bytes);
  if (bytes == 4) {
    const uint32_t data = (uint32_t)src[0] | (uint32_t)src[1] << 8 | (uint32_t)src[2] << 16 | (uint32_t)src[3] << 24;
    ++h->msi_writes;
    sayf("vsmmu", "  MSI write: 0x%08" PRIx32 " -> guest RAM 0x%" PRIx64, data, ipa);
  } else {
    sayf("vsmmu", "  %zu-byte record -> guest RAM 0x%" PRIx64, bytes, ipa);
  }
  return true;
}

/* A real host writes the pSID's 64-byte STE and issues CMD_CFGI_STE + CMD_SYNC on the physical
 * queue (or its own equivalent). */
static void install_ste(void *context, uint32_t psid, const uint64_t ste[8]) {
  struct toy_host *h = context;
  ++h->ste_installs;
  struct text t = {.len = 0};
  add(&t, "  STE pSID 0x%" PRIx32 " <- ", psid);
  add_physical_ste(&t, ste);
  say("host", &t);
  if (!own_psid(psid)) problem(h, "STE installed for a pSID that is not the guest's");
  const uint64_t config = STE_CONFIG(ste[0]);
  const bool s2 = config == STE_S2_TRANS || config == STE_NESTED;
  if ((ste[0] & STE0_V) != 0 && s2 && (STE2_S2VMID(ste[2]) != GUEST_VMID || STE3_S2TTB(ste[3]) != STAGE2_TTB))
    problem(h, "an STE does not carry the host's stage 2 / VMID");
}

/* Everything that reaches the physical queue names the guest's own streams and VMID. */
static void check_physical(struct toy_host *h, const uint64_t cmd[2]) {
  switch (opcode(cmd)) {
    case CMD_CFGI_STE:
    case CMD_CFGI_CD:
    case CMD_CFGI_CD_ALL:
      if (!own_psid((uint32_t)(cmd[0] >> 32))) problem(h, "a physical command names a pSID that is not the guest's");
      return;
    case CMD_TLBI_NH_ALL:
    case CMD_TLBI_NH_ASID:
    case CMD_TLBI_NH_VA:
    case CMD_TLBI_NH_VAA:
      if (bits(cmd, 32, 16) != GUEST_VMID) problem(h, "a physical TLBI without the guest's VMID");
      return;
  }
  problem(h, "an unexpected physical command");
}

/* A real host copies the commands to the physical Command queue and moves its PROD. */
static bool submit_commands(void *context, const uint64_t *commands, size_t count) {
  struct toy_host *h = context;
  for (size_t i = 0; i < count; ++i) {
    const uint64_t *cmd = &commands[2 * i];
    ++h->physical_commands;
    struct text t = {.len = 0};
    add(&t, "  ");
    add_command(&t, cmd);
    say("host", &t);
    check_physical(h, cmd);
  }
  return true;
}

/* A real host issues its own CMD_SYNC and waits for it. */
static bool sync_commands(void *context) {
  struct toy_host *h = context;
  ++h->physical_syncs;
  sayf("host", "  CMD_SYNC (the host's own), completed");
  return true;
}

/* The vSMMU's wired interrupts and SEV, towards the guest's vCPUs / virtual GIC. */
static void signal_guest(void *context, vsmmu_signal s) {
  struct toy_host *h = context;
  switch (s) {
    case VSMMU_SIGNAL_SEV: ++h->sevs; break;
    case VSMMU_SIGNAL_CMDQ_SYNC_IRQ: ++h->sync_irqs; break;
    case VSMMU_SIGNAL_GERROR_IRQ:
      ++h->gerror_irqs;
      sayf("vsmmu", "  -> guest: gerror interrupt (wired)");
      break;
    case VSMMU_SIGNAL_EVENTQ_IRQ:
      ++h->eventq_irqs;
      sayf("vsmmu", "  -> guest: eventq interrupt (wired)");
      break;
  }
}

/* An MSI programmed in a *_IRQ_CFG0 register: a real host injects it into the virtual ITS. */
static bool write_msi(void *context, uint64_t ipa, uint32_t data, uint8_t memattr) {
  (void)context;
  (void)memattr;
  sayf("vsmmu", "  -> guest: MSI 0x%08" PRIx32 " to 0x%" PRIx64, data, ipa);
  return true;
}

/* ----- Tracing: what the sanitizer decided (optional callbacks) -------------------------------- */

static void add_forward_note(struct text *t, const uint64_t guest[2], const vsmmu_command_trace *o) {
  const uint32_t vsid = (uint32_t)(guest[0] >> 32);
  switch (opcode(guest)) {
    case CMD_CFGI_STE_RANGE:
      add(t, " as %" PRIu32 " x CMD_CFGI_STE, one per assigned stream; their STEs are re-read first", o->produced);
      return;
    case CMD_CFGI_STE:
      add(t, ", vSID 0x%" PRIx32 " -> pSID 0x%" PRIx32 "; the STE is re-read first", vsid, psid_of(vsid));
      return;
    case CMD_CFGI_CD:
    case CMD_CFGI_CD_ALL: add(t, ", vSID 0x%" PRIx32 " -> pSID 0x%" PRIx32, vsid, psid_of(vsid)); return;
    case CMD_TLBI_NSNH_ALL:
      add(t, " as CMD_TLBI_NH_ALL of VMID %d: NSNH_ALL would flush every VM", GUEST_VMID);
      return;
    case CMD_TLBI_NH_ALL:
    case CMD_TLBI_NH_ASID:
    case CMD_TLBI_NH_VA:
    case CMD_TLBI_NH_VAA: add(t, " with VMID %d, the guest's VMID (stage 2 owner)", GUEST_VMID); return;
  }
}

static void add_completion(struct text *t, const vsmmu_command_trace *o) {
  if (o->sync_msi) {
    add(t, "writes the MSI (0x%08" PRIx32 " to 0x%" PRIx64 ")", o->sync_msi_data, o->sync_msi_address);
    return;
  }
  if (o->sync_msi_abort) {
    add(t, "refuses the MSI (not guest RAM): GERROR.MSI_CMDQ_ABT_ERR");
    return;
  }
  switch (o->sync_signal) {
    case VSMMU_SYNC_SIGNAL_SEV: add(t, "signals SEV"); return;
    case VSMMU_SYNC_SIGNAL_IRQ: add(t, "raises the cmdq-sync interrupt"); return;
  }
  add(t, "nothing to signal");
}

static void trace_command(void *context, const uint64_t guest[2], const vsmmu_command_trace *o) {
  struct toy_host *h = context;
  struct text t = {.len = 0};
  const char *name = command_name(guest);
  if (name != NULL) add(&t, "%s", name);
  else add(&t, "opcode 0x%x", opcode(guest));
  switch (o->verdict) {
    case VSMMU_COMMAND_FORWARDED:
      add(&t, ": forwarded");
      add_forward_note(&t, guest, o);
      break;
    case VSMMU_COMMAND_IGNORED: {
      static const char kPrefix[] = "ignored: ";
      const bool prefixed = strncmp(o->reason, kPrefix, sizeof kPrefix - 1) == 0;
      add(&t, ": ignored, nothing reaches the host: %s", o->reason + (prefixed ? sizeof kPrefix - 1 : 0));
      break;
    }
    case VSMMU_COMMAND_SYNC:
      ++h->guest_syncs;
      add(&t, ": waits for a host CMD_SYNC, then ");
      add_completion(&t, o);
      break;
    case VSMMU_COMMAND_ILLEGAL:
      ++h->refused;
      add(&t, ": REFUSED, %s", o->reason);
      break;
    default:
      problem(h, "the device's output buffer is too small");
      return;
  }
  say("vsmmu", &t);
  if (o->verdict == VSMMU_COMMAND_ILLEGAL) {
    if (h->refusals_allowed == 0) problem(h, "the vSMMU refused a command the example expected it to accept");
    else --h->refusals_allowed;
  }
}

/* Where a physical STE came from: the guest's Stream table or SMMU_GBPA, and the verdict. */
static void trace_ste(void *context, const vsmmu_ste_trace *f) {
  (void)context;
  struct text t = {.len = 0};
  add(&t, "  vSID 0x%" PRIx32 " (pSID 0x%" PRIx32 "): ", f->vsid, f->psid);
  switch (f->fetch) {
    case VSMMU_STE_FETCH_FOUND:
      /* fetch_addr 0: the device made the STE from SMMU_GBPA (SMMUEN == 0), read nothing. */
      if (f->fetch_addr == 0) {
        add(&t, "SMMUEN=0, SMMU_GBPA says %s", ste_config_name(STE_CONFIG(f->guest_ste[0])));
      } else {
        add(&t, "guest STE @0x%" PRIx64 ": ", f->fetch_addr);
        add_guest_ste(&t, f->guest_ste);
      }
      break;
    case VSMMU_STE_FETCH_BAD_STREAMID: add(&t, "C_BAD_STREAMID (%s)", f->fetch_reason); break;
    case VSMMU_STE_FETCH_ABORT: add(&t, "F_STE_FETCH (%s)", f->fetch_reason); break;
  }
  if (f->verdict == VSMMU_STE_INVALID) add(&t, ": blocked");
  if (f->verdict == VSMMU_STE_BAD) add(&t, ": C_BAD_STE (%s), blocked", f->reason);
  say("vsmmu", &t);
}

/* ----- The guest: Linux 6.1's arm-smmu-v3 driver, step by step --------------------------------- */

/* Where the guest driver allocates its structures ("DMA memory" in guest RAM, IPAs). */
#define GUEST_CMDQ 0x40010000ull      /* 256 x 16 B */
#define GUEST_EVENTQ 0x40020000ull    /* 128 x 32 B */
#define GUEST_STRTAB_L1 0x40030000ull /* 256 L1STDs x 8 B */
#define GUEST_STRTAB_L2 0x40040000ull /* StreamIDs 0x0-0xff: 256 STEs x 64 B */
#define GUEST_CD_TABLE 0x40050000ull  /* one CD (no SubstreamIDs) */
#define GUEST_PGD 0x40060000ull       /* the domain's stage 1 page table */

#define STRTAB_SPLIT 8           /* Linux's STRTAB_SPLIT */
#define ASID 1                   /* the first ASID Linux allocates */
#define IOVA 0xffff8000ull       /* an IOVA the DMA layer unmaps (cmdq.txt) */
#define STE_BYTES 64
#define CMDQ_ENTRY_BYTES 16
#define MAX_QUEUED 256

struct guest {
  vsmmu_device *smmu;
  struct toy_host *host;
  uint32_t idr0, idr1, idr5;
  unsigned cmdq_shift, evtq_shift;
  uint32_t prod; /* CMDQ_PROD (this example never wraps the queue) */
  struct command queued[MAX_QUEUED];
  unsigned syncs_issued, syncs_completed, syncs_by_msi, gerrors_handled;
};

/* The guest writes and reads its own RAM directly: no trap. */
static void guest_write64(struct guest *g, uint64_t ipa, uint64_t v) {
  if (!in_ram(ipa, 8)) {
    problem(g->host, "the guest wrote outside its RAM");
    return;
  }
  for (int i = 0; i < 8; ++i) g->host->ram[ipa - RAM_BASE + (uint64_t)i] = (unsigned char)(v >> (8 * i));
}

static uint64_t guest_read64(struct guest *g, uint64_t ipa) {
  if (!in_ram(ipa, 8)) {
    problem(g->host, "the guest read outside its RAM");
    return 0;
  }
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= (uint64_t)g->host->ram[ipa - RAM_BASE + (uint64_t)i] << (8 * i);
  return v;
}

static void guest_write_words(struct guest *g, uint64_t ipa, const uint64_t *w, size_t n) {
  for (size_t i = 0; i < n; ++i) guest_write64(g, ipa + 8 * i, w[i]);
}

static void expect_idle(struct guest *g, vsmmu_status s) {
  if (s != VSMMU_STATUS_IDLE) problem(g->host, "the device did not finish a write");
}

static void add_value(struct text *t, uint64_t v, unsigned bytes) {
  if (bytes == 8) add(t, "0x%" PRIx64, v);
  else add(t, "0x%08" PRIx64, v);
}

static uint64_t read_reg(struct guest *g, uint32_t offset, const struct flag *flags) {
  const uint64_t v = vsmmu_read(g->smmu, offset, 4);
  struct text t = {.len = 0};
  add(&t, "read  %s = 0x%08" PRIx64, reg(offset)->name, v);
  if (flags != NULL) add_flags(&t, (uint32_t)v, flags);
  say("guest", &t);
  return v;
}

/* writel / writeq; reports what the register holds if the vSMMU kept less than was written (a
 * bit the guest's SMMU does not implement). */
static void write_reg(struct guest *g, uint32_t offset, uint64_t value, const struct flag *flags) {
  const struct reg_info *r = reg(offset);
  struct text t = {.len = 0};
  add(&t, "write %s = ", r->name);
  add_value(&t, value, r->bytes);
  if (flags != NULL) add_flags(&t, (uint32_t)value, flags);
  say("guest", &t);
  expect_idle(g, vsmmu_write(g->smmu, offset, value, r->bytes));
  const uint64_t held = vsmmu_read(g->smmu, offset, r->bytes);
  if (held != value && offset != SMMU_CMDQ_CONS)
    sayf("vsmmu", "  %s holds 0x%08" PRIx64 ": the rest is RES0 for this guest%s", r->name, held,
         offset == SMMU_CR2 ? " (PTM needs SMMU_IDR0.BTM)" : "");
}

/* Two registers Linux writes back to back (a queue's PROD and CONS, two IRQ_CFG0s). */
static void write_two(struct guest *g, uint32_t offset1, uint64_t v1, uint32_t offset2, uint64_t v2) {
  const unsigned bytes = reg(offset1)->bytes;
  struct text t = {.len = 0};
  add(&t, "write %s = ", reg(offset1)->name);
  add_value(&t, v1, bytes);
  add(&t, ", %s = ", reg(offset2)->name);
  add_value(&t, v2, bytes);
  say("guest", &t);
  expect_idle(g, vsmmu_write(g->smmu, offset1, v1, bytes));
  expect_idle(g, vsmmu_write(g->smmu, offset2, v2, bytes));
}

/* arm_smmu_write_reg_sync(): write, then poll the ACK register until it matches. */
static void write_reg_sync(struct guest *g, uint32_t offset, uint32_t ack_offset, uint32_t value,
                           const struct flag *flags) {
  expect_idle(g, vsmmu_write(g->smmu, offset, value, 4));
  const uint64_t ack = vsmmu_read(g->smmu, ack_offset, 4);
  struct text t = {.len = 0};
  add(&t, "write %s = 0x%08" PRIx32, reg(offset)->name, value);
  add_flags(&t, value, flags);
  add(&t, ", %s = 0x%08" PRIx64, reg(ack_offset)->name, ack);
  say("guest", &t);
  if (ack != value) problem(g->host, "an ACK register did not follow");
}

static uint64_t slot_address(const struct guest *g, uint32_t index) {
  return GUEST_CMDQ + CMDQ_ENTRY_BYTES * (index & ((1u << g->cmdq_shift) - 1));
}

static void gerror_handler(struct guest *g);

/* arm_smmu_cmdq_issue_cmdlist(): copy the commands into the queue, move PROD, and when there is
 * a CMD_SYNC wait for it (SEV: until CMDQ_CONS passes it; MSI: until the MSI has zeroed the
 * CMD_SYNC's first word). */
static void issue(struct guest *g, const struct command *cmds, size_t n) {
  const uint32_t first = g->prod;
  struct text t = {.len = 0};
  for (size_t i = 0; i < n; ++i) {
    if (g->prod + 1 >= (1u << g->cmdq_shift) || g->prod >= MAX_QUEUED) {
      problem(g->host, "the example would wrap the Command queue");
      return;
    }
    guest_write_words(g, slot_address(g, g->prod), cmds[i].w, 2);
    g->queued[g->prod] = cmds[i];
    if (i != 0) add(&t, " ; ");
    add_command(&t, cmds[i].w);
    ++g->prod;
  }
  add(&t, "; CMDQ_PROD = 0x%" PRIx32, g->prod);
  say("guest", &t);
  const unsigned sevs_before = g->host->sevs;
  expect_idle(g, vsmmu_write(g->smmu, SMMU_CMDQ_PROD, g->prod, 4));
  while (g->host->gerror_irqs > g->gerrors_handled) gerror_handler(g);

  /* The queue may have changed under the error path (a command replaced by CMD_SYNC). */
  unsigned sev_syncs = 0, msi_syncs = 0;
  for (uint32_t i = first; i < g->prod; ++i) {
    const struct command *c = &g->queued[i];
    if (opcode(c->w) != CMD_SYNC) continue;
    ++g->syncs_issued;
    if ((c->w[0] & (3u << 12)) == SYNC_CS_SIG_SEV) ++sev_syncs;
    else ++msi_syncs;
  }
  if (sev_syncs == 0 && msi_syncs == 0) return; /* no CMD_SYNC: Linux does not wait */

  const uint64_t cons = vsmmu_read(g->smmu, SMMU_CMDQ_CONS, 4);
  struct text how = {.len = 0};
  if (g->host->sevs - sevs_before == sev_syncs) {
    g->syncs_completed += sev_syncs;
    if (sev_syncs != 0) add(&how, "woken by SEV");
    if (sev_syncs > 1) add(&how, " x%u", sev_syncs);
  } else {
    problem(g->host, "a CMD_SYNC with CS=SIG_SEV completed without SEV");
  }
  for (uint32_t i = first; i < g->prod; ++i) {
    const struct command *c = &g->queued[i];
    if (opcode(c->w) != CMD_SYNC || (c->w[0] & (3u << 12)) == SYNC_CS_SIG_SEV) continue;
    const uint64_t word = guest_read64(g, bits(c->w, 66, 54) << 2) & 0xFFFFFFFFu;
    if (word == bits(c->w, 32, 32)) {
      ++g->syncs_completed;
      ++g->syncs_by_msi;
      add(&how, "%sMSI seen: the CMD_SYNC's first word now 0x%08" PRIx64, how.len != 0 ? ", " : "", word);
    } else {
      problem(g->host, "the CMD_SYNC MSI did not land");
    }
  }
  /* CMDQ_CONS.ERR is UNKNOWN once CMDQ_ERR is acknowledged (§6.3.28): only RD (and its wrap
   * bit) says how far the queue was consumed, as in Linux's queue_consumed(). */
  const bool consumed = (cons & QUEUE_POINTER) == g->prod;
  add(&how, "; CMDQ_CONS = 0x%08" PRIx64 "%s%s", cons, consumed ? ", RD = PROD: done" : ": NOT CONSUMED",
      CMDQ_CONS_ERR(cons) != 0 ? " (ERR is UNKNOWN once acknowledged, §6.3.28)" : "");
  say("guest", &how);
  if (!consumed) problem(g->host, "the Command queue did not drain");
}

static void issue1(struct guest *g, struct command a) { issue(g, &a, 1); }

static void issue2(struct guest *g, struct command a, struct command b) {
  const struct command cmds[2] = {a, b};
  issue(g, cmds, 2);
}

/* arm_smmu_cmdq_skip_err(): report the error, and for CERROR_ILL overwrite the command in error
 * with a CMD_SYNC so that the queue can go on. */
static void cmdq_skip_err(struct guest *g) {
  static const char *const kCerrorStr[] = {"No error", "Illegal command", "Abort on command fetch",
                                           "ATC invalidate timeout"};
  const uint64_t cons = vsmmu_read(g->smmu, SMMU_CMDQ_CONS, 4);
  const uint64_t err = CMDQ_CONS_ERR(cons);
  sayf("guest", "read  SMMU_CMDQ_CONS = 0x%08" PRIx64 " (ERR=%" PRIu64 " RD=0x%" PRIx64 ")", cons, err,
       cons & QUEUE_POINTER);
  sayf("guest", "\"CMDQ error (cons 0x%08" PRIx64 "): %s\"", cons, err < 4 ? kCerrorStr[err] : "Unknown");
  if (err != 1) return; /* CERROR_ILL */
  const uint32_t at = (uint32_t)cons & ((1u << g->cmdq_shift) - 1);
  const uint64_t addr = slot_address(g, at);
  const uint64_t bad[2] = {guest_read64(g, addr), guest_read64(g, addr + 8)};
  struct text t = {.len = 0};
  add(&t, "\"skipping command in error state\": ");
  add_command(&t, bad);
  add(&t, ", rewritten as CMD_SYNC");
  say("guest", &t);
  const struct command sync = cmd_sync_sev();
  guest_write_words(g, addr, sync.w, 2);
  if (at < MAX_QUEUED) g->queued[at] = sync;
}

/* arm_smmu_gerror_handler(): an error is active while GERROR[x] != GERRORN[x]. */
static void gerror_handler(struct guest *g) {
  ++g->gerrors_handled;
  const uint64_t gerror = read_reg(g, SMMU_GERROR, kGerrorFlags);
  const uint64_t gerrorn = read_reg(g, SMMU_GERRORN, kGerrorFlags);
  const uint64_t active = gerror ^ gerrorn;
  sayf("guest", "\"unexpected global error reported (0x%08" PRIx64 "), this could be serious\"", active);
  if ((active & GERROR_CMDQ_ERR) != 0) cmdq_skip_err(g);
  sayf("guest", "acknowledge: GERRORN = GERROR; the vSMMU resumes at CMDQ_CONS:");
  write_reg(g, SMMU_GERRORN, gerror, kGerrorFlags);
}

/* arm_smmu_device_hw_probe(): what this SMMU can do. */
static void hw_probe(struct guest *g) {
  step("arm_smmu_device_hw_probe(): read the ID registers");
  g->idr0 = (uint32_t)read_reg(g, SMMU_IDR0, NULL);
  g->idr1 = (uint32_t)read_reg(g, SMMU_IDR1, NULL);
  read_reg(g, SMMU_IDR3, NULL);
  g->idr5 = (uint32_t)read_reg(g, SMMU_IDR5, NULL);
  read_reg(g, SMMU_IIDR, NULL);
  /* Queue sizes: min(the driver's maximum, SMMU_IDR1.CMDQS / EVENTQS); both maxima are larger. */
  g->cmdq_shift = IDR1_CMDQS(g->idr1);
  g->evtq_shift = IDR1_EVENTQS(g->idr1);
  const bool two_level = IDR0_ST_LEVEL(g->idr0) == 1 && IDR1_SIDSIZE(g->idr1) > STRTAB_SPLIT;
  sayf("guest", "=> stage 1%s, %s Stream table, %u-bit StreamIDs, queues of 2^%u commands and 2^%u events",
       (g->idr0 & IDR0_S2P) != 0 ? "+2" : " only", two_level ? "2-level" : "linear", IDR1_SIDSIZE(g->idr1),
       g->cmdq_shift, g->evtq_shift);
  if (!two_level || IDR1_SIDSIZE(g->idr1) != 16)
    problem(g->host, "the example expects a 2-level table of 16-bit StreamIDs");
  if (g->cmdq_shift > 8) problem(g->host, "the example expects a Command queue of at most 2^8 entries");
}

/* arm_smmu_init_queues() and arm_smmu_init_strtab_2lvl(): memory for the queues and the Level 1
 * Stream table (all descriptors invalid, Span 0). */
static void init_structures(struct guest *g) {
  step("arm_smmu_init_queues(), arm_smmu_init_strtab_2lvl(): allocate in guest RAM");
  const uint32_t l1_entries = 1u << (IDR1_SIDSIZE(g->idr1) - STRTAB_SPLIT);
  for (uint32_t i = 0; i < l1_entries; ++i) guest_write64(g, GUEST_STRTAB_L1 + 8 * i, 0);
  sayf("guest", "Command queue 0x%llx, Event queue 0x%llx, L1 Stream table 0x%llx (%" PRIu32 " L1STDs, Span 0)",
       GUEST_CMDQ, GUEST_EVENTQ, GUEST_STRTAB_L1, l1_entries);
}

/* arm_smmu_device_reset(): disable, program the tables and queues, invalidate, enable. The
 * values are the ones Linux 6.1 wrote against QEMU (tests/data/linux-6.1.192-2/mmio.tsv). */
static void device_reset(struct guest *g) {
  step("arm_smmu_device_reset(): disable, program tables and queues, invalidate, enable");
  read_reg(g, SMMU_CR0, kCr0Flags);
  uint32_t cr0 = 0;
  write_reg_sync(g, SMMU_CR0, SMMU_CR0ACK, cr0, kCr0Flags); /* arm_smmu_device_disable() */

  /* CR1: table and queue accesses Inner Shareable, Write-Back. CR2: PTM | RECINVSID, and E2H
   * with SMMU_IDR0.Hyp. */
  write_reg(g, SMMU_CR1, 0xd75, NULL);
  write_reg(g, SMMU_CR2, CR2_PTM | CR2_RECINVSID | ((g->idr0 & IDR0_HYP) != 0 ? CR2_E2H : 0), kCr2Flags);

  write_reg(g, SMMU_STRTAB_BASE, BASE_RA_WA | GUEST_STRTAB_L1, NULL);
  /* FMT 2-level [17:16], SPLIT [10:6], LOG2SIZE = SIDSIZE [5:0]. */
  write_reg(g, SMMU_STRTAB_BASE_CFG, 1u << 16 | STRTAB_SPLIT << 6 | IDR1_SIDSIZE(g->idr1), NULL);

  write_reg(g, SMMU_CMDQ_BASE, BASE_RA_WA | GUEST_CMDQ | g->cmdq_shift, NULL);
  write_two(g, SMMU_CMDQ_PROD, 0, SMMU_CMDQ_CONS, 0);
  cr0 |= CR0_CMDQEN;
  write_reg_sync(g, SMMU_CR0, SMMU_CR0ACK, cr0, kCr0Flags);

  issue2(g, cmd_cfgi_all(), cmd_sync_sev());
  if ((g->idr0 & IDR0_HYP) != 0) issue2(g, cmd_tlbi(CMD_TLBI_EL2_ALL, 0, 0), cmd_sync_sev());
  else sayf("guest", "(no SMMU_IDR0.Hyp: no CMD_TLBI_EL2_ALL)");
  issue2(g, cmd_tlbi(CMD_TLBI_NSNH_ALL, 0, 0), cmd_sync_sev());

  write_reg(g, SMMU_EVENTQ_BASE, BASE_RA_WA | GUEST_EVENTQ | g->evtq_shift, NULL);
  write_two(g, SMMU_EVENTQ_PROD, 0, SMMU_EVENTQ_CONS, 0);
  cr0 |= CR0_EVENTQEN;
  write_reg_sync(g, SMMU_CR0, SMMU_CR0ACK, cr0, kCr0Flags);

  /* arm_smmu_setup_irqs(): interrupts off, no MSI doorbells (QEMU's virt machine gives the SMMU
   * no msi-parent: "falling back to wired irqs"), then EVTQ_IRQEN | GERROR_IRQEN. */
  write_reg_sync(g, SMMU_IRQ_CTRL, SMMU_IRQ_CTRLACK, 0, kIrqCtrlFlags);
  write_two(g, SMMU_GERROR_IRQ_CFG0, 0, SMMU_EVENTQ_IRQ_CFG0, 0);
  write_reg_sync(g, SMMU_IRQ_CTRL, SMMU_IRQ_CTRLACK, IRQ_CTRL_EVENTQ_IRQEN | IRQ_CTRL_GERROR_IRQEN, kIrqCtrlFlags);

  cr0 |= CR0_SMMUEN;
  write_reg_sync(g, SMMU_CR0, SMMU_CR0ACK, cr0, kCr0Flags);
}

/* arm_smmu_write_strtab_ent() for a StreamID with no domain, disable_bypass = 1 (what
 * arm_smmu_init_bypass_stes() fills a new Level 2 table with): abort, SHCFG incoming. */
static void abort_ste(uint64_t ste[8]) {
  memset(ste, 0, 8 * sizeof ste[0]);
  ste[0] = STE0_V | STE0_CONFIG(STE_ABORT);
  ste[1] = 1ull << 44; /* SHCFG [109:108]: use incoming */
}

/* arm_smmu_write_strtab_ent() for a stage 1 domain without SubstreamIDs. */
static void s1_ste(uint64_t ste[8], uint64_t cd_table) {
  memset(ste, 0, 8 * sizeof ste[0]);
  ste[0] = STE0_V | STE0_CONFIG(STE_S1_TRANS) | STE0_S1CONTEXTPTR(cd_table); /* S1Fmt linear */
  ste[1] = 2u                                                              /* S1DSS [65:64]: SSID 0 */
           | 1u << 2                                                       /* S1CIR: WB read-allocate */
           | 1u << 4                                                       /* S1COR */
           | 3u << 6;                                                      /* S1CSH: Inner Shareable; STRW EL1 */
}

/* arm_smmu_write_ctx_desc() for an io-pgtable ARM_64_LPAE_S1 domain (§5.4): 48-bit VA, 4 KiB
 * granule, walks Inner Shareable Write-Back, TTB1 disabled, IPS = the SMMU's output size. */
static void s1_cd(uint64_t cd[8], uint16_t asid, uint64_t ttb0, unsigned ips) {
  memset(cd, 0, 8 * sizeof cd[0]);
  cd[0] = 16u                   /* T0SZ [5:0] */
          | 1ull << 8           /* IR0 [9:8]: WB read/write-allocate */
          | 1ull << 10          /* OR0 [11:10] */
          | 3ull << 12          /* SH0 [13:12]: Inner Shareable */
          | 1ull << 30          /* EPD1 */
          | 1ull << 31          /* V */
          | (uint64_t)ips << 32 /* IPS [34:32] */
          | 1ull << 41          /* AA64 */
          | 1ull << 45          /* R */
          | 1ull << 46          /* A */
          | 1ull << 47          /* ASET */
          | (uint64_t)asid << 48;
  cd[1] = ttb0;                     /* TTB0 */
  cd[3] = 0xfffffffff404ff44ull;    /* MAIR0, MAIR1 */
}

/* arm_smmu_probe_device() -> arm_smmu_init_l2_strtab(): the Level 2 table that holds `sid`,
 * every STE aborting (disable_bypass), then the L1STD pointing at it. No command: Linux 6.1
 * issues none here. */
static void probe_device(struct guest *g, uint32_t sid) {
  struct text title = {.len = 0};
  add(&title, "arm_smmu_probe_device(vSID 0x%" PRIx32 "): arm_smmu_init_l2_strtab()", sid);
  step(title.s);
  uint64_t abort[8];
  abort_ste(abort);
  const uint32_t l2_ste_count = 1u << STRTAB_SPLIT;
  for (uint32_t i = 0; i < l2_ste_count; ++i) guest_write_words(g, GUEST_STRTAB_L2 + STE_BYTES * i, abort, 8);
  const uint64_t l1std = GUEST_STRTAB_L2 | (STRTAB_SPLIT + 1); /* L2Ptr [51:6], Span [4:0] */
  guest_write64(g, GUEST_STRTAB_L1 + 8 * (sid >> STRTAB_SPLIT), l1std);
  struct text t = {.len = 0};
  add(&t, "%" PRIu32 " STEs at 0x%llx (", l2_ste_count, GUEST_STRTAB_L2);
  add_guest_ste(&t, abort);
  add(&t, "), L1STD[%" PRIu32 "] = Span=%d L2Ptr=0x%llx", sid >> STRTAB_SPLIT, STRTAB_SPLIT + 1, GUEST_STRTAB_L2);
  say("guest", &t);
  sayf("vsmmu", "(no command, no trap: the vSMMU reads the new L1STD at the next CMD_CFGI_STE)");
}

/* arm_smmu_attach_dev(): the domain's CD, then the device's STE. */
static void attach_device(struct guest *g, uint32_t sid) {
  struct text title = {.len = 0};
  add(&title, "arm_smmu_attach_dev(vSID 0x%" PRIx32 "): arm_smmu_domain_finalise_s1() -> arm_smmu_write_ctx_desc()",
      sid);
  step(title.s);
  /* The guest's SMMU_IDR5.OAS encodings are CD.IPS's (§5.4). */
  uint64_t cd[8];
  s1_cd(cd, ASID, GUEST_PGD, IDR5_OAS(g->idr5));
  guest_write_words(g, GUEST_CD_TABLE + 8, cd + 1, 7);
  sayf("guest", "CD 0 @0x%llx: T0SZ=16 IR0=1 OR0=1 SH0=3 EPD1 V IPS=%u AA64 R A ASET ASID=%d TTB0=0x%llx "
       "MAIR0=0xf404ff44 MAIR1=0xffffffff", GUEST_CD_TABLE, IDR5_OAS(g->idr5), ASID, GUEST_PGD);
  sayf("guest", "words 1-3 first; no device in the domain yet, so arm_smmu_sync_cd() is a bare CMD_SYNC:");
  issue1(g, cmd_sync_sev());
  guest_write64(g, GUEST_CD_TABLE, cd[0]);
  sayf("guest", "word 0 (V=1), then again:");
  issue1(g, cmd_sync_sev());

  struct text install_title = {.len = 0};
  add(&install_title, "arm_smmu_install_ste_for_dev() -> arm_smmu_write_strtab_ent(vSID 0x%" PRIx32 ")", sid);
  step(install_title.s);
  uint64_t ste[8];
  s1_ste(ste, GUEST_CD_TABLE);
  const uint64_t at = GUEST_STRTAB_L2 + STE_BYTES * (sid & ((1u << STRTAB_SPLIT) - 1));
  guest_write_words(g, at + 8, ste + 1, 7);
  sayf("guest", "STE words 1-7 (S1DSS, S1CIR/COR/CSH) while word 0 still aborts; arm_smmu_sync_ste_for_sid():");
  issue2(g, cmd_stream(CMD_CFGI_STE, sid, true), cmd_sync_sev());
  guest_write64(g, at, ste[0]);
  struct text t = {.len = 0};
  add(&t, "STE word 0: ");
  add_guest_ste(&t, ste);
  add(&t, "; again:");
  say("guest", &t);
  issue2(g, cmd_stream(CMD_CFGI_STE, sid, true), cmd_sync_sev());
  /* "It's likely that we'll want to use the new STE soon" */
  issue1(g, cmd_stream(CMD_PREFETCH_CONFIG, sid, false));
}

/* iommu_flush_iotlb_all() -> arm_smmu_tlb_inv_context(): the whole ASID. */
static void flush_asid(struct guest *g) {
  step("arm_smmu_tlb_inv_context(): invalidate the domain's ASID");
  issue2(g, cmd_tlbi(CMD_TLBI_NH_ASID, 0, ASID), cmd_sync_sev());
}

/* arm_smmu_tlb_inv_range_domain(): one 4 KiB page, with the range operands SMMU_IDR3.RIL
 * allows (TG = 4 KiB, TTL = level 3, NUM = SCALE = 0: one page), as in cmdq.txt. */
static void unmap_page(struct guest *g) {
  step("arm_smmu_tlb_inv_range_domain(): a DMA unmap invalidates one page");
  struct command tlbi = cmd_tlbi(CMD_TLBI_NH_VA, 0, ASID);
  tlbi.w[1] = 1u              /* Leaf [64] */
              | 3u << 8       /* TTL [73:72]: level 3 */
              | 1u << 10      /* TG [75:74]: 4 KiB */
              | (IOVA & ~0xFFFull); /* Address[63:12] in [127:76] */
  issue2(g, tlbi, cmd_sync_sev());
}

/* Not in the 6.1 capture: what Linux sends when it rewrites the CD of an attached device
 * (arm_smmu_sync_cd() with the device in the domain), completed the way Linux completes every
 * CMD_SYNC on an SMMU with SMMU_IDR0.MSI that is coherent (ARM_SMMU_OPT_MSIPOLL). */
static void cd_update_with_msi_sync(struct guest *g, uint32_t sid) {
  step("CD update on a live stream: CMD_CFGI_CD + CMD_SYNC completed by MSI (ARM_SMMU_OPT_MSIPOLL)");
  issue2(g, cmd_stream(CMD_CFGI_CD, sid, true), cmd_sync_msi(slot_address(g, g->prod + 1))); /* its own slot */
}

/* A hostile guest: a stage 2 TLBI of VMID 1, which a stage-1-only SMMU does not implement.
 * Linux's error path follows: gerror interrupt -> arm_smmu_gerror_handler() ->
 * arm_smmu_cmdq_skip_err() replaces the command with a CMD_SYNC -> GERRORN ack -> resume. */
static void hostile_command(struct guest *g) {
  step("--hostile: CMD_TLBI_S12_VMALL, then Linux's error path (CERROR_ILL, GERROR, GERRORN ack, resume)");
  g->host->refusals_allowed = 1;
  const struct command cmds[3] = {cmd_tlbi(CMD_TLBI_S12_VMALL, 1, 0), cmd_tlbi(CMD_TLBI_NH_ASID, 0, ASID),
                                  cmd_sync_sev()};
  issue(g, cmds, 3);
}

static int usage(void) {
  fprintf(stderr, "usage: probe-sequence-c [--hostile]\n");
  return 2;
}

int main(int argc, char **argv) {
  bool hostile = false;
  for (int i = 1; i < argc; ++i) {
    if (strcmp(argv[i], "--hostile") == 0) hostile = true;
    else return usage();
  }

  /* ----- The hypervisor's side: one guest, its devices, its vSMMU ----------------------------- */
  static struct toy_host host;
  static vsmmu_device_storage storage; /* the vSMMU, in the guest's structure in a real host */
  vsmmu_config config;
  vsmmu_config_init(&config);
  config.host = kPhysicalSmmu;
  config.guest.vmid = GUEST_VMID;
  config.guest.sev = true; /* the guest's CMD_SYNC CS=SIG_SEV wakes its WFE */
  stage2_template(config.stage2);
  config.streams = kDevices;
  config.stream_count = DEVICE_COUNT;
  config.callbacks = (vsmmu_callbacks){.read_guest = read_guest,
                                       .write_guest = write_guest,
                                       .install_ste = install_ste,
                                       .submit_commands = submit_commands,
                                       .sync_commands = sync_commands,
                                       .signal = signal_guest,
                                       .write_msi = write_msi,
                                       .trace_command = trace_command,
                                       .trace_ste = trace_ste};
  config.context = &host;

  printf("probe-sequence-c: Linux 6.1's arm-smmu-v3 probe, run by a simulated guest against a vSMMU, in C\n");
  printf("  the guest sees a stage-1-only SMMUv3; the host owns stage 2 (VMID %d) and the streams\n", GUEST_VMID);
  printf("  devices:");
  for (size_t i = 0; i < DEVICE_COUNT; ++i)
    printf("%s vSID 0x%" PRIx32 " = pSID 0x%" PRIx32, i == 0 ? "" : ",", kDevices[i].vsid, kDevices[i].psid);
  printf("\n  [guest] the driver's accesses  [vsmmu] the sanitizer's decisions  [host ] what the SMMU receives\n");

  step("the hypervisor creates the vSMMU: reset, SMMUEN=0, the streams follow SMMU_GBPA");
  vsmmu_device *smmu = NULL;
  const char *why = NULL;
  const vsmmu_error error = vsmmu_create(&storage, sizeof storage, &config, &smmu, &why);
  if (error != VSMMU_OK) {
    fprintf(stderr, "probe-sequence-c: vsmmu_create: %s (%s)\n", vsmmu_error_string(error), why);
    return 1;
  }

  /* ----- The guest: Linux's probe, then the first device ------------------------------------- */
  struct guest g = {.smmu = smmu, .host = &host};
  hw_probe(&g);
  init_structures(&g);
  device_reset(&g);
  probe_device(&g, kDevices[0].vsid);
  attach_device(&g, kDevices[0].vsid);
  flush_asid(&g);
  unmap_page(&g);
  cd_update_with_msi_sync(&g, kDevices[0].vsid);
  if (hostile) hostile_command(&g);

  /* ----- What happened ----------------------------------------------------------------------- */
  vsmmu_counters c;
  vsmmu_get_counters(smmu, &c);
  step("summary");
  printf("guest commands consumed %" PRIu64 ", refused %u; physical commands %u, physical syncs %u, STE installs %u\n",
         c.commands_consumed, host.refused, host.physical_commands, host.physical_syncs, host.ste_installs);
  if (g.syncs_completed == g.syncs_issued && host.guest_syncs == g.syncs_issued)
    printf("every CMD_SYNC completed: %u of %u (%u by MSI, the rest by SEV)\n", g.syncs_completed, g.syncs_issued,
           g.syncs_by_msi);
  else
    problem(&host, "a CMD_SYNC did not complete");
  if (hostile && (c.command_errors != 1 || g.gerrors_handled != 1 || host.refusals_allowed != 0))
    problem(&host, "the hostile command did not take the error path exactly once");
  if (!hostile && (c.command_errors != 0 || host.gerror_irqs != 0))
    problem(&host, "a global error without a hostile guest");
  if (vsmmu_commands_pending(smmu)) problem(&host, "guest commands left unconsumed");

  if (host.problems != 0) {
    printf("FAILED: %u unexpected event(s)\n", host.problems);
    return 1;
  }
  printf("OK%s\n", hostile ? ": the hostile command was refused, the guest recovered" : "");
  return 0;
}
