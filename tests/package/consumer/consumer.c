/*
 * Uses the C ABI the way a C hypervisor would, through the vsmmu::c target alone: a vSMMU in
 * static storage, 64 KiB of "guest RAM" at 0x4000'0000, one assigned stream, and a "physical
 * SMMU" that only counts what it is given. The guest enables its Command queue and posts a
 * CMD_TLBI_NH_ASID and a CMD_SYNC; the host must receive the TLBI with the guest's VMID.
 */
#include <vsmmu/c_api.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define RAM_BASE 0x40000000u

struct host {
  unsigned char ram[0x10000];
  unsigned installs, submitted, syncs;
  uint64_t last_command[2];
};

static bool in_ram(uint64_t ipa, size_t n) { return ipa >= RAM_BASE && n <= 0x10000 && ipa - RAM_BASE <= 0x10000 - n; }

static bool read_guest(void *context, uint64_t ipa, unsigned char *dst, size_t n) {
  struct host *h = context;
  if (!in_ram(ipa, n)) return false;
  memcpy(dst, h->ram + (ipa - RAM_BASE), n);
  return true;
}

static bool write_guest(void *context, uint64_t ipa, const unsigned char *src, size_t n) {
  struct host *h = context;
  if (!in_ram(ipa, n)) return false;
  memcpy(h->ram + (ipa - RAM_BASE), src, n);
  return true;
}

static void install_ste(void *context, uint32_t psid, const uint64_t ste[8]) {
  struct host *h = context;
  (void)ste;
  if (psid == 0x2010) ++h->installs;
}

static bool submit_commands(void *context, const uint64_t *commands, size_t count) {
  struct host *h = context;
  h->submitted += (unsigned)count;
  h->last_command[0] = commands[2 * count - 2];
  h->last_command[1] = commands[2 * count - 1];
  return true;
}

static bool sync_commands(void *context) {
  ++((struct host *)context)->syncs;
  return true;
}

static void signal_guest(void *context, vsmmu_signal s) {
  (void)context;
  (void)s;
}

static bool write_msi(void *context, uint64_t ipa, uint32_t data, uint8_t memattr) {
  (void)context;
  (void)ipa;
  (void)data;
  (void)memattr;
  return true;
}

static void store_le(unsigned char *p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = (unsigned char)(v >> (8 * i));
}

int main(void) {
  static struct host host;
  static vsmmu_device_storage storage;
  /* A host SMMU with nesting: SMMU_IDR0 VMID16, TTF = VMSAv8-64, S1P, S2P; SIDSIZE 16; SMMU_IDR5
   * GRAN4K, OAS 44 bits; SMMUv3.1. */
  const vsmmu_host_idrs idrs = {(1u << 18) | (2u << 2) | (1u << 1) | 1u, 16, 0, (1u << 4) | 4u, 1};
  const vsmmu_stream_mapping streams[] = {{0x10, 0x2010}};

  vsmmu_config config;
  vsmmu_config_init(&config);
  config.host = idrs;
  config.guest.vmid = 7;
  config.stage2[0] = 1 | 6u << 1;                                              /* V, Config = S2 translate */
  config.stage2[2] = (uint64_t)24 << 32 | (uint64_t)1 << 51;                   /* S2T0SZ = 24, S2AA64 */
  config.stage2[3] = 0x80000000u;                                              /* S2TTB */
  config.streams = streams;
  config.stream_count = 1;
  config.callbacks.read_guest = read_guest;
  config.callbacks.write_guest = write_guest;
  config.callbacks.install_ste = install_ste;
  config.callbacks.submit_commands = submit_commands;
  config.callbacks.sync_commands = sync_commands;
  config.callbacks.signal = signal_guest;
  config.callbacks.write_msi = write_msi;
  config.context = &host;

  vsmmu_device *smmu = NULL;
  if (vsmmu_create(&storage, sizeof storage, &config, &smmu, NULL) != VSMMU_OK || host.installs != 1) return 1;

  store_le(host.ram, 0x11 | (uint64_t)3 << 48); /* CMD_TLBI_NH_ASID ASID=3 */
  store_le(host.ram + 16, 0x46);                /* CMD_SYNC */
  vsmmu_write(smmu, 0x90, RAM_BASE | 4, 8);      /* SMMU_CMDQ_BASE, 2^4 entries */
  vsmmu_write(smmu, 0x20, 1u << 3, 4);           /* SMMU_CR0.CMDQEN */
  if (vsmmu_write(smmu, 0x98, 2, 4) != VSMMU_STATUS_IDLE) return 1; /* SMMU_CMDQ_PROD */

  vsmmu_counters counters;
  vsmmu_get_counters(smmu, &counters);
  const bool tlbi_sent = host.submitted == 1 && host.last_command[0] == (0x11 | (uint64_t)7 << 32 | (uint64_t)3 << 48);
  return tlbi_sent && host.syncs == 1 && vsmmu_read(smmu, 0x9C, 4) == 2 && counters.commands_consumed == 2 ? 0 : 1;
}
