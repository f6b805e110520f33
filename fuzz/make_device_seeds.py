#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the hand-made seeds of fuzz_device to fuzz/corpus/device/ (or the directory given).

Each seed is an 8-byte header and a script of actions in the layout fuzz/fuzz_device.cpp reads
(fuzz/README.md, "fuzz_device", has the tables). Run it from anywhere:

    python3 fuzz/make_device_seeds.py [out_dir]

VSMMU_FUZZ_TRACE=1 ./fuzz_device <seed> prints what a seed does, step by step.
"""
import os
import struct
import sys

# Actions (the byte before each action's operands).
W32, W64, RAW, CMD, CMD_LINUX, PUBLISH, STE, GOOD_STE, L1STD, MEM, POLL, POLL_IDLE, EVENT, GOOD_EVENT, \
    INJECT, MIGRATE, RESET, REMAP, PROBE, SKIP_ERR, DRAIN, RESTORE_EDIT = range(22)

# CMD_LINUX kinds.
CFGI_STE, CFGI_ALL, CFGI_STE_RANGE, CFGI_CD, TLBI_NH_VA, TLBI_NH_ASID, TLBI_NSNH_ALL, SYNC, SYNC_MSI, \
    SYNC_SEV, PREFETCH_CONFIG, CFGI_CD_ALL, ATC_INV, RESUME, STALL_TERM, PRI_RESP = range(16)

# GOOD_EVENT kinds.
EV_S1_FAULT, EV_S2_FAULT, EV_BAD_STE, EV_CD_FETCH, EV_STALL, EV_WALK_EABT = range(6)

# INJECT kinds.
FAIL_SUBMIT, FAIL_SYNC, FAIL_MSI, READ_ABORT, WRITE_ABORT, CLEAR_ABORTS, CMD_READ_ABORT, EVENT_WRITE_ABORT = range(8)

# Indices into kRegs (W32 / W64).
REG = {name: i for i, name in enumerate([
    "CR0", "CR1", "CR2", "GBPA", "IRQ_CTRL", "GERRORN", "GERROR_IRQ_CFG0", "GERROR_IRQ_CFG1", "GERROR_IRQ_CFG2",
    "STRTAB_BASE", "STRTAB_BASE_CFG", "CMDQ_BASE", "CMDQ_PROD", "CMDQ_CONS", "EVENTQ_BASE", "EVENTQ_PROD",
    "EVENTQ_CONS", "EVENTQ_IRQ_CFG0", "EVENTQ_IRQ_CFG1", "EVENTQ_IRQ_CFG2", "PRIQ_BASE", "PRIQ_PROD", "PRIQ_CONS",
    "PRIQ_IRQ_CFG0", "PRIQ_IRQ_CFG1", "PRIQ_IRQ_CFG2", "EVENTQ_PROD_P0", "EVENTQ_CONS_P0", "PRIQ_PROD_P0",
    "PRIQ_CONS_P0", "GERROR_IRQ_CFG0_HI", "STRTAB_BASE_HI", "CMDQ_BASE_HI", "EVENTQ_BASE_HI",
    "EVENTQ_IRQ_CFG0_HI", "PRIQ_BASE_HI", "PRIQ_IRQ_CFG0_HI", "IDR0", "IDR1", "CR0ACK", "IRQ_CTRLACK", "GERROR",
    "STATUSR", "AGBPA"])}

RAM = 0x4000_0000


def header(h0=0, h1=0, h2=0, h3=0, h4=0, h5=0, h6=0, h7=0):
    return bytes([h0, h1, h2, h3, h4, h5, h6, h7])


def w32(reg, v):
    return bytes([W32, REG[reg]]) + struct.pack("<I", v & 0xFFFF_FFFF)


def w64(reg, v):
    return bytes([W64, REG[reg]]) + struct.pack("<Q", v)


def raw(offset, width, value=0, write=False):
    return bytes([RAW]) + struct.pack("<I", offset)[:3] + bytes([(0x80 if write else 0) | (width - 1)]) + \
        struct.pack("<Q", value)


def cmd(w0, w1=0):
    return bytes([CMD]) + struct.pack("<QQ", w0, w1)


def linux(kind, a=0):
    return bytes([CMD_LINUX, kind]) + struct.pack("<I", a)


def ste(sel, words):
    words = list(words) + [0] * (8 - len(words))
    return bytes([STE, sel]) + struct.pack("<8Q", *words)


def good_ste(sel, kind):
    return bytes([GOOD_STE, sel, kind])


def l1std(sel, word):
    return bytes([L1STD, sel]) + struct.pack("<Q", word)


def mem(offset, data):
    return bytes([MEM]) + struct.pack("<I", offset)[:3] + bytes([len(data)]) + data


def event(sel, words):
    words = list(words) + [0] * (4 - len(words))
    return bytes([EVENT, sel]) + struct.pack("<4Q", *words)


def good_event(kind, sel, a=0):
    return bytes([GOOD_EVENT, kind, sel]) + struct.pack("<I", a)


def inject(kind, a=0, length=0):
    return bytes([INJECT, kind]) + struct.pack("<H", a) + bytes([length])


def remap(v, p, remove=False, from_pool=False):
    return bytes([REMAP]) + struct.pack("<I", v) + bytes([p, (1 if remove else 0) | (2 if from_pool else 0)])


def probe(sel=0):
    return bytes([PROBE, sel])


def restore_edit(field, x):
    return bytes([RESTORE_EDIT, field]) + struct.pack("<Q", x)


def op(x):
    return bytes([x])


SEEDS = {
    # Linux's probe, then what its driver does once devices are attached: an STE invalidation,
    # TLB invalidations, CMD_SYNCs with an MSI to its memory, a fault it reads and acknowledges.
    "linux-probe": header() + probe(0) + linux(CFGI_STE, 0) + linux(SYNC_MSI, 0x10) + op(PUBLISH)
    + linux(TLBI_NH_VA, 0x1234) + linux(TLBI_NH_ASID, 3) + linux(CFGI_CD, 1) + linux(SYNC_MSI, 0x20) + op(PUBLISH)
    + good_event(EV_S1_FAULT, 0, 0x55) + good_event(EV_S1_FAULT, 1, 0x66) + op(DRAIN) + op(POLL),
    # The same on a linear Stream table without MSIs; bypass STEs; wired interrupts only.
    "linux-probe-linear-nomsi": header(h0=0x03) + probe(0x10) + linux(CFGI_ALL) + linux(SYNC) + op(PUBLISH)
    + good_event(EV_S2_FAULT, 0, 0x47) + good_event(EV_CD_FETCH, 1, 0x1000) + op(DRAIN),
    # MSIs for the global error and Event queue interrupts, SPLIT 6, then CMD_SYNCs whose MSI goes
    # to guest RAM, to address 0 (none), past the end of RAM and to a doorbell outside it.
    "msi-targets": header() + probe(0x05) + linux(SYNC_MSI, 0x00000040) + linux(SYNC_MSI, 0x10000000)
    + linux(SYNC_MSI, 0x20000010) + linux(SYNC_MSI, 0x30000080) + op(PUBLISH) + good_event(EV_S1_FAULT, 0)
    + inject(FAIL_MSI) + linux(SYNC_MSI, 0x30000000) + op(PUBLISH) + good_event(EV_S1_FAULT, 0) + op(SKIP_ERR),
    # An illegal command stops the queue (CERROR_ILL); Linux replaces it with a CMD_SYNC and
    # acknowledges GERROR; the rest is consumed.
    "cmdq-illegal-skip-err": header() + probe(0) + linux(TLBI_NH_ASID, 1) + cmd(0x3F) + linux(SYNC_MSI, 0x40)
    + op(PUBLISH) + op(POLL) + op(SKIP_ERR) + op(POLL),
    # A RES0 bit, an SSec command and an EL2 TLBI, each stopping the queue in turn.
    "cmdq-illegal-fields": header() + probe(0) + cmd(0x11 | (1 << 10)) + cmd(0x03 | (1 << 10), 0) + cmd(0x21)
    + op(PUBLISH) + op(SKIP_ERR) + op(SKIP_ERR) + op(SKIP_ERR),
    # The command read aborts (CERROR_ABT); the guest clears it and acknowledges.
    "cmdq-read-abort": header() + probe(0) + inject(CMD_READ_ABORT, 1) + linux(TLBI_NSNH_ALL) + linux(SYNC)
    + linux(SYNC) + op(PUBLISH) + inject(CLEAR_ABORTS) + op(SKIP_ERR) + op(POLL),
    # A work budget of 1 and a queue of 16 commands: more_work until the queue is drained.
    "cmdq-budget1": header(h3=2) + probe(0) + b"".join(linux(k, 0x100 * k) for k in [0, 4, 5, 3, 1, 6, 7, 2, 11, 10])
    + op(PUBLISH) + op(POLL) + op(POLL_IDLE),
    # A 4-entry Command queue that wraps several times, with CFGI_ALL over 7 streams.
    "cmdq-wrap": header(h1=0x02, h4=0x05) + probe(0) + (linux(CFGI_ALL) + linux(TLBI_NH_VA, 7) + linux(SYNC)
                                                         + op(PUBLISH)) * 4,
    # The host refuses commands, then syncs: host_error, nothing lost, poll() retries.
    "host-failures": header() + probe(0) + inject(FAIL_SUBMIT) + linux(CFGI_STE, 1) + linux(SYNC_MSI, 4)
    + op(PUBLISH) + op(POLL) + inject(FAIL_SUBMIT) + inject(FAIL_SYNC) + op(POLL) + inject(FAIL_SYNC) + op(POLL),
    # Seven assigned streams, STEs of every kind, then CFGI_STE_RANGE / CFGI_ALL re-install them.
    "ste-kinds": header(h4=0x05) + probe(0) + good_ste(0, 0) + good_ste(1, 1) + good_ste(2, 2) + good_ste(3, 3)
    + good_ste(4, 0x0C) + good_ste(5, 0x30) + good_ste(6, 0xC0) + linux(CFGI_STE_RANGE, 0x05000000)
    + linux(CFGI_ALL) + linux(SYNC) + op(PUBLISH),
    # A hostile STE (stage 2 fields, a huge CD pointer) and L1STDs with bad Spans, then C_BAD_STE.
    "ste-hostile": header() + probe(0) + ste(0, [0x7FF0_0000_0000_000B, 0xFFFF_FFFF, 0x1234, 0x99, 0, 0, 0, 1])
    + l1std(1, 0x4020_0000 | 31) + l1std(1, 0x4020_0000 | 0x20 | 9) + linux(CFGI_STE, 0) + linux(CFGI_STE, 1)
    + linux(SYNC) + op(PUBLISH) + good_event(EV_BAD_STE, 0) + good_event(EV_BAD_STE, 1) + op(DRAIN),
    # A 2-entry Event queue: records until it is full, the overflow flag, then the guest drains
    # and acknowledges.
    "eventq-overflow": header(h1=0x08) + probe(0) + good_event(EV_S1_FAULT, 0) + good_event(EV_S1_FAULT, 1)
    + good_event(EV_S1_FAULT, 0) + good_event(EV_S2_FAULT, 1, 0x7FFF) + op(DRAIN) + good_event(EV_S1_FAULT, 0),
    # The record write aborts: EVENTQ_ABT_ERR, nothing recorded until acknowledged.
    "eventq-abort": header() + probe(0x04) + inject(EVENT_WRITE_ABORT) + good_event(EV_S1_FAULT, 0)
    + good_event(EV_S1_FAULT, 1) + inject(CLEAR_ABORTS) + op(SKIP_ERR) + good_event(EV_S1_FAULT, 0),
    # Events of unassigned pSIDs, IMPLEMENTATION DEFINED and stage 2 client faults (host only),
    # and raw records.
    "events-host-only": header() + probe(0) + event(0xF0, [0x10]) + event(0, [0xE3, 1, 2, 3])
    + event(1, [0x33, 0, 0, 0]) + good_event(EV_S2_FAULT, 0, 0x40) + event(0, [0x02])
    + event(0, [0x24, 0xFFFF_FFFF]),
    # A guest shown stalls: a stalled fault it must resume, and CMD_RESUME / CMD_STALL_TERM.
    "stall": header(h0=0x80) + probe(0) + good_event(EV_STALL, 0, 0x00120000) + linux(RESUME, 0x00120000)
    + linux(STALL_TERM, 1) + linux(SYNC) + op(PUBLISH) + op(DRAIN),
    # Stalls the guest is not shown: the host must terminate them.
    "stall-hidden": header(h0=0x40, h7=0x04) + probe(0) + good_event(EV_STALL, 0, 0x00340000)
    + good_event(EV_STALL, 1),
    # ATS and PRI: ATC_INV and PRI_RESP forwarded.
    "ats-pri": header(h0=0x0C, h7=0x08) + probe(0) + good_ste(0, 0x08) + linux(CFGI_STE, 0)
    + linux(ATC_INV, 0x00340000) + linux(PRI_RESP, 0x00050000) + linux(SYNC_SEV) + op(PUBLISH),
    # save -> restore into a new Device with commands pending, then restores of edited states.
    "migrate": header() + probe(0) + linux(TLBI_NH_ASID, 9) + linux(SYNC) + op(MIGRATE) + op(PUBLISH)
    + op(MIGRATE) + op(POLL) + restore_edit(6, 0x10) + restore_edit(1, 1) + restore_edit(18, 0x03000000)
    + restore_edit(30, 1 << 63) + restore_edit(16, 1) + op(MIGRATE),
    # SMMU_GBPA: abort at reset, then updates (with and without Update) while SMMUEN == 0.
    "gbpa": header(h3=0x40) + w32("GBPA", 0x0010_0000) + w32("GBPA", 0x8000_1000) + w32("GBPA", 0x8010_3F1F)
    + probe(0x20) + w32("GBPA", 0x8000_0000) + w32("CR0", 0x0D) + w32("GBPA", 0x8010_0000) + op(RESET),
    # Every kind of register access: widths 1..8, misaligned, both halves of 64-bit registers,
    # Page 1 and its Page 0 aliases, guarded registers while their enables are set.
    "registers": header() + raw(0x20, 2, 0xFF, True) + raw(0x22, 4, 0xFF, True) + raw(0x80, 4, 0x4004_0000, True)
    + raw(0x84, 4, 0x4000_0000, True) + raw(0x88, 8, 0x10210, True) + raw(0x100A8, 4) + raw(0x100AC, 4, 5, True)
    + raw(0x20000, 4, 1, True) + raw(0x1FFFC, 4) + w64("CMDQ_BASE", 0xFFFF_FFFF_FFFF_FFFF)
    + w32("CMDQ_BASE_HI", 0xFFFF_FFFF) + w64("STRTAB_BASE_CFG", 0x10210) + w32("IRQ_CTRL", 0xFFFF_FFFF)
    + w64("GERROR_IRQ_CFG0", 0x4000_0000) + w32("GERROR_IRQ_CFG1", 7) + w32("CR2", 0xF) + w32("CR1", 0xFFF)
    + w32("CR0", 0xFFFF_FFFF) + w32("CR1", 0) + w32("CMDQ_CONS", 3) + w32("EVENTQ_PROD", 0x8000_0001)
    + w32("PRIQ_BASE", 5) + w32("IDR0", 0) + w32("GERROR", 1) + raw(0xFD0, 4) + raw(0xFF0, 8),
    # Streams assigned and removed while the guest runs, each followed by streams_changed().
    "remap": header(h4=0x02) + probe(0) + remap(0x21, 0x40) + remap(0x10, 0x41) + remap(0, 0, remove=True)
    + remap(5, 0x42, from_pool=True) + linux(CFGI_ALL) + linux(SYNC) + op(PUBLISH) + op(RESET),
    # A policy that makes CMD_SYNC illegal and TLBI_NH_VA ignored (header bytes 6, 7), 16 streams.
    "policy-tightened": header(h4=0x07, h6=0x46, h7=0x01) + probe(0) + linux(TLBI_NH_VA, 5) + linux(SYNC)
    + op(PUBLISH) + op(SKIP_ERR),
    # A stage 2 template the sanitizer must refuse: every stream fails closed.
    "bad-template": header(h7=0x40) + probe(0) + linux(CFGI_ALL) + linux(SYNC) + op(PUBLISH),
    # Raw guest memory over the queues and tables, and a PROD more than a lap ahead.
    "memory-garbage": header(h1=0x02) + probe(0) + mem(0x40000, bytes(range(1, 65))) + mem(0x0, b"\xff" * 64)
    + w32("CMDQ_PROD", 0x1F) + op(POLL) + w32("CMDQ_PROD", 0x5) + op(POLL) + op(SKIP_ERR),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus",
                                                              "device")
    os.makedirs(out, exist_ok=True)
    for name, data in SEEDS.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print(f"{len(SEEDS)} seeds written to {out}")


if __name__ == "__main__":
    main()
