#!/usr/bin/env python3
"""Host side of the SMMUv3 capture (python3 standard library only).

  capture.py run WORKDIR -- QEMU ARGV...
      Starts QEMU (whose command line must put the guest console on WORKDIR/console.sock and
      QMP on WORKDIR/qmp.sock, and trace into WORKDIR/qemu-trace.log), answers the guest's
      checkpoints by stopping the VM and dumping the SMMU's in-memory structures with pmemsave,
      and waits for the guest to power off. Raw results stay in WORKDIR.
  capture.py extract WORKDIR OUTDIR
      Turns WORKDIR into the committed test data in OUTDIR (format: tools/capture/README.md).
"""
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time

SMMU_MR = "arm-smmuv3"   # QEMU's MemoryRegion name of the SMMUv3 register frame (page 0 and 1)
SMMU_BASE = 0x09050000   # its guest physical address on -machine virt (VIRT_SMMU)

REGS = {
    0x0: "IDR0", 0x4: "IDR1", 0x8: "IDR2", 0xC: "IDR3", 0x10: "IDR4", 0x14: "IDR5",
    0x18: "IIDR", 0x1C: "AIDR", 0x20: "CR0", 0x24: "CR0ACK", 0x28: "CR1", 0x2C: "CR2",
    0x40: "STATUSR", 0x44: "GBPA", 0x48: "AGBPA", 0x50: "IRQ_CTRL", 0x54: "IRQ_CTRLACK",
    0x60: "GERROR", 0x64: "GERRORN", 0x68: "GERROR_IRQ_CFG0", 0x6C: "GERROR_IRQ_CFG0_HI",
    0x70: "GERROR_IRQ_CFG1", 0x74: "GERROR_IRQ_CFG2", 0x80: "STRTAB_BASE", 0x84: "STRTAB_BASE_HI",
    0x88: "STRTAB_BASE_CFG", 0x90: "CMDQ_BASE", 0x94: "CMDQ_BASE_HI", 0x98: "CMDQ_PROD",
    0x9C: "CMDQ_CONS", 0xA0: "EVENTQ_BASE", 0xA4: "EVENTQ_BASE_HI", 0xA8: "EVENTQ_PROD",
    0xAC: "EVENTQ_CONS", 0xB0: "EVENTQ_IRQ_CFG0", 0xB4: "EVENTQ_IRQ_CFG0_HI",
    0xB8: "EVENTQ_IRQ_CFG1", 0xBC: "EVENTQ_IRQ_CFG2", 0xC0: "PRIQ_BASE", 0xC4: "PRIQ_BASE_HI",
    0xC8: "PRIQ_PROD", 0xCC: "PRIQ_CONS", 0xD0: "PRIQ_IRQ_CFG0", 0xD4: "PRIQ_IRQ_CFG0_HI",
    0xD8: "PRIQ_IRQ_CFG1", 0xDC: "PRIQ_IRQ_CFG2",
    0x100A8: "EVENTQ_PROD(page1)", 0x100AC: "EVENTQ_CONS(page1)",
    0x100C8: "PRIQ_PROD(page1)", 0x100CC: "PRIQ_CONS(page1)",
}
for _i in range(8):
    REGS[0xFD0 + 4 * _i] = f"ID_REGS[{_i}]"  # PIDR4..7, PIDR0..3 region, for completeness
for _i in range(4):
    REGS[0xFF0 + 4 * _i] = f"CIDR{_i}"

MR_OPS = re.compile(r"memory_region_ops_(read|write) cpu (-?\d+) mr 0x[0-9a-f]+ addr 0x([0-9a-f]+) "
                    r"value 0x([0-9a-f]+) size (\d+) name '([^']*)'")
TRACE_PREFIX = re.compile(r"^(?:\d+@\d+\.\d+:)?")


def reg_name(off):
    if off in REGS:
        return REGS[off]
    base = off & ~3
    if base in REGS and off != base:
        return f"{REGS[base]}+{off - base}"
    return "?"


def bits(v, hi, lo):
    return (v >> lo) & ((1 << (hi - lo + 1)) - 1)


# ---------------------------------------------------------------------------------------------
# Trace parsing

class MmioLog:
    """SMMU register accesses read from QEMU's trace log as it grows."""

    def __init__(self, path):
        self.path = path
        self.pos = 0
        self.accesses = []   # (dir 'R'/'W', offset, size, value, cpu)
        self.regs = {}       # offset (4-byte aligned) -> last 32-bit value written by the guest

    def update(self):
        with open(self.path, "rb") as f:
            f.seek(self.pos)
            data = f.read()
        end = data.rfind(b"\n") + 1
        self.pos += end
        for line in data[:end].decode("utf-8", "replace").splitlines():
            m = MR_OPS.search(line)
            if not m or m.group(6) != SMMU_MR:
                continue
            # QEMU traces the absolute address (the region's base plus the offset).
            d, cpu, off, val, size = m.group(1), int(m.group(2)), int(m.group(3), 16) - SMMU_BASE, int(m.group(4), 16), int(m.group(5))
            if not 0 <= off < 0x20000:
                raise RuntimeError(f"SMMU access outside 0x{SMMU_BASE:x} + 128 KiB: {line}")
            self.accesses.append(("R" if d == "read" else "W", off, size, val, cpu))
            if d == "write" and cpu >= 0:
                for i in range(0, size, 4):
                    self.regs[(off & 0xFFFF) + i] = (val >> (8 * i)) & 0xFFFFFFFF

    def reg64(self, off):
        return self.regs.get(off, 0) | (self.regs.get(off + 4, 0) << 32)

    def reg32(self, off):
        return self.regs.get(off, 0)


# ---------------------------------------------------------------------------------------------
# QMP and console

class Qmp:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self._recv()  # greeting
        self.cmd("qmp_capabilities")

    def _recv(self):
        while True:
            while b"\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise RuntimeError("QMP connection closed")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            msg = json.loads(line)
            if "event" in msg:
                continue
            return msg

    def cmd(self, name, **args):
        req = {"execute": name}
        if args:
            req["arguments"] = args
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        msg = self._recv()
        if "error" in msg:
            raise RuntimeError(f"QMP {name}: {msg['error']}")
        return msg.get("return")

    def hmp(self, line):
        return self.cmd("human-monitor-command", **{"command-line": line})


def connect_unix(path, deadline, proc):
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"QEMU exited with status {proc.returncode} before {path} was up")
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.time() > deadline:
                raise RuntimeError(f"timed out connecting to {path}")
            time.sleep(0.1)


# ---------------------------------------------------------------------------------------------
# Dumping the SMMU structures the guest programmed

def read_gpa(qmp, workdir, gpa, size, name):
    """pmemsave [gpa, gpa+size) to WORKDIR/name and return its bytes."""
    path = os.path.join(workdir, name)
    qmp.cmd("pmemsave", val=gpa, size=size, filename=path)
    with open(path, "rb") as f:
        data = f.read()
    if len(data) != size:
        raise RuntimeError(f"pmemsave {name}: got {len(data)} bytes, expected {size}")
    return data


def read_reg(qmp, off):
    """One 32-bit read of an SMMU register by the host (a cpu -1 access in the trace)."""
    out = qmp.hmp(f"xp /1wx {SMMU_BASE + off:#x}")
    return int(out.split(":")[1].split()[0], 16)


def queue_used(base_reg, prod):
    """(gpa, log2size, bytes to dump) of a queue: entries [0, PROD.index), or the whole ring once it wrapped."""
    gpa = base_reg & 0x000FFFFFFFFFFFE0  # Q_BASE.ADDR [51:5]
    log2 = bits(base_reg, 4, 0)
    idx = prod & ((1 << log2) - 1)
    wrapped = (prod >> log2) & 1
    return gpa, log2, idx, wrapped


def snapshot(qmp, mmio, workdir, name):
    """Dumps cmdq, eventq, stream table and CD tables; returns the snapshot's manifest entry."""
    sdir = os.path.join(workdir, "snap-" + name)
    os.makedirs(sdir, exist_ok=True)
    regions = []

    def dump(kind, gpa, size, fname, **extra):
        data = read_gpa(qmp, sdir, gpa, size, fname)
        regions.append(dict(kind=kind, file=f"snap-{name}/{fname}", gpa=gpa, size=size, **extra))
        return data

    # Registers as the guest last wrote them, and those the SMMU updates, read back by the host.
    guest_regs = {reg_name(off): f"0x{mmio.reg64(off) if off in (0x80, 0x90, 0xA0) else mmio.reg32(off):x}"
                  for off in (0x20, 0x28, 0x2C, 0x44, 0x50, 0x80, 0x88, 0x90, 0x98, 0xA0) if off in mmio.regs}
    device_regs = {reg_name(off): read_reg(qmp, off) for off in (0x24, 0x54, 0x60, 0x9C, 0x100A8, 0x100AC)}
    cmdq_base, cmdq_prod, cmdq_cons = mmio.reg64(0x90), mmio.reg32(0x98), device_regs["CMDQ_CONS"]
    gpa, log2, idx, wrapped = queue_used(cmdq_base, cmdq_prod)
    n = (1 << log2) if wrapped else idx
    if n:
        dump("cmdq", gpa, 16 * n, "cmdq.bin", entries=n, log2size=log2, wrapped=bool(wrapped))

    evtq_base, evtq_prod = mmio.reg64(0xA0), device_regs["EVENTQ_PROD(page1)"]
    egpa, elog2, eidx, ewrapped = queue_used(evtq_base, evtq_prod)
    en = (1 << elog2) if ewrapped else eidx
    if en:
        dump("eventq", egpa, 32 * en, "eventq.bin", entries=en, log2size=elog2, wrapped=bool(ewrapped))

    st_base, st_cfg = mmio.reg64(0x80), mmio.reg32(0x88)
    st_gpa = st_base & 0x000FFFFFFFFFFFC0   # STRTAB_BASE.ADDR [51:6]
    fmt, split, log2 = bits(st_cfg, 17, 16), bits(st_cfg, 10, 6), bits(st_cfg, 5, 0)
    stes = []  # (sid, gpa of STE, 8 words)
    if fmt == 1:
        n_l1 = 1 << max(log2 - split, 0)
        l1 = dump("strtab_l1", st_gpa, 8 * n_l1, "strtab-l1.bin", entries=n_l1, split=split)
        for i in range(n_l1):
            desc = struct.unpack_from("<Q", l1, 8 * i)[0]
            span = bits(desc, 4, 0)
            if span == 0:
                continue
            l2_gpa = desc & 0x000FFFFFFFFFFFC0
            n_l2 = 1 << (span - 1)
            l2 = dump("strtab_l2", l2_gpa, 64 * n_l2, f"strtab-l2-{i:04x}.bin", entries=n_l2, first_sid=i << split)
            for j in range(n_l2):
                stes.append(((i << split) + j, l2_gpa + 64 * j, struct.unpack_from("<8Q", l2, 64 * j)))
    else:
        n_ste = 1 << log2
        st = dump("strtab_linear", st_gpa, 64 * n_ste, "strtab.bin", entries=n_ste)
        for j in range(n_ste):
            stes.append((j, st_gpa + 64 * j, struct.unpack_from("<8Q", st, 64 * j)))

    seen_cd = set()
    for sid, _, w in stes:
        if not (w[0] & 1) or bits(w[0], 3, 1) not in (0b101, 0b111):
            continue
        cd_gpa = w[0] & 0x000FFFFFFFFFFFC0      # S1ContextPtr [51:6]
        s1fmt, cdmax = bits(w[0], 5, 4), bits(w[0], 63, 59)
        if cd_gpa in seen_cd:
            continue
        seen_cd.add(cd_gpa)
        if s1fmt == 0:
            dump("cd_linear", cd_gpa, 64 << cdmax, f"cd-{cd_gpa:x}.bin", entries=1 << cdmax, sid=sid)
        else:  # two-level: L1 of 2^(cdmax - split) descriptors, L2 tables of 2^split CDs
            cd_split = 6 if s1fmt == 1 else 10
            n_l1 = 1 << max(cdmax - cd_split, 0)
            l1 = dump("cd_l1", cd_gpa, 8 * n_l1, f"cd-l1-{cd_gpa:x}.bin", entries=n_l1, sid=sid)
            for i in range(n_l1):
                desc = struct.unpack_from("<Q", l1, 8 * i)[0]
                if desc & 1:
                    l2_gpa = desc & 0x000FFFFFFFFFF000
                    dump("cd_l2", l2_gpa, 64 << cd_split, f"cd-l2-{l2_gpa:x}.bin", entries=1 << cd_split, sid=sid, first_ssid=i << cd_split)

    return dict(name=name, mmio_count=len(mmio.accesses), guest_written=guest_regs,
                device=({k: f"0x{v:x}" for k, v in device_regs.items()}), cmdq_prod=cmdq_prod,
                cmdq_cons=cmdq_cons, regions=regions)


def cmd_run(workdir, qemu_argv, timeout):
    trace_path = os.path.join(workdir, "qemu-trace.log")
    for f in ("console.sock", "qmp.sock", "qemu-trace.log"):
        try:
            os.unlink(os.path.join(workdir, f))
        except FileNotFoundError:
            pass
    start = time.time()
    deadline = start + timeout
    qemu_log = open(os.path.join(workdir, "qemu-stderr.log"), "wb")
    proc = subprocess.Popen(qemu_argv, stdin=subprocess.DEVNULL, stdout=qemu_log, stderr=subprocess.STDOUT)
    snapshots = []
    idr = {}
    try:
        con = connect_unix(os.path.join(workdir, "console.sock"), start + 60, proc)
        qmp = Qmp(connect_unix(os.path.join(workdir, "qmp.sock"), start + 60, proc))
        mmio = MmioLog(trace_path)
        console = open(os.path.join(workdir, "console.log"), "wb")
        con.settimeout(1.0)
        pending = b""
        done = False
        while True:
            if time.time() > deadline:
                raise RuntimeError(f"guest did not finish within {timeout} s")
            try:
                chunk = con.recv(65536)
            except socket.timeout:
                chunk = None
            if chunk == b"":
                break  # QEMU closed the console: it is exiting
            if chunk:
                console.write(chunk)
                console.flush()
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
                pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                text = line.decode("utf-8", "replace").strip()
                m = re.search(r"VSMMU-CHECKPOINT (\S+)", text)
                if m and not text.startswith("echo"):
                    qmp.cmd("stop")
                    if not snapshots:
                        idr = {reg_name(off): read_reg(qmp, off) for off in range(0, 0x20, 4)}
                    mmio.update()
                    snap = snapshot(qmp, mmio, workdir, m.group(1))
                    snapshots.append(snap)
                    print(f"\n[capture] checkpoint {m.group(1)}: {len(snap['regions'])} regions, "
                          f"{snap['mmio_count']} SMMU accesses so far, CMDQ_PROD={snap['cmdq_prod']:#x}", flush=True)
                    qmp.cmd("cont")
                    con.sendall(b"\n")
                elif "VSMMU-DONE" in text:
                    done = True
        proc.wait(timeout=max(deadline - time.time(), 1))
        if not done:
            raise RuntimeError("guest did not reach VSMMU-DONE (see console.log)")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    with open(os.path.join(workdir, "snapshots.json"), "w") as f:
        json.dump(dict(idr={k: f"0x{v:08x}" for k, v in idr.items()}, snapshots=snapshots, seconds=round(time.time() - start, 1)), f, indent=1)
    print(f"[capture] guest run took {time.time() - start:.0f} s; QEMU exit status {proc.returncode}")
    return 0 if proc.returncode == 0 else 1


# ---------------------------------------------------------------------------------------------
# Extraction into committed test data

def words_lines(data, per_line):
    out = []
    vals = struct.unpack(f"<{len(data) // 8}Q", data)
    for i in range(0, len(vals), per_line):
        out.append(" ".join(f"0x{v:016x}" for v in vals[i:i + per_line]))
    return "\n".join(out) + ("\n" if out else "")


def sid_ranges(sids):
    """[1, 2, 3, 7] -> '0x1-0x3,0x7'."""
    out, i = [], 0
    while i < len(sids):
        j = i
        while j + 1 < len(sids) and sids[j + 1] == sids[j] + 1:
            j += 1
        out.append(f"0x{sids[i]:x}" if i == j else f"0x{sids[i]:x}-0x{sids[j]:x}")
        i = j + 1
    return ",".join(out)


OUTPUT_FILES = ("manifest.json", "PROVENANCE.md", "mmio.tsv", "qemu-trace.tsv", "cmdq.bin", "cmdq.txt", "console.log")


def clear_outdir(outdir):
    """Removes a previous capture from OUTDIR (only files this script writes); refuses other content."""
    if not os.path.isdir(outdir):
        os.makedirs(outdir)
        return
    entries = os.listdir(outdir)
    if entries and "manifest.json" not in entries:
        raise SystemExit(f"extract: {outdir} is not empty and holds no capture (manifest.json); not overwriting")
    for e in entries:
        path = os.path.join(outdir, e)
        if e.startswith("snap-") and os.path.isdir(path):
            for f in os.listdir(path):
                os.unlink(os.path.join(path, f))
            os.rmdir(path)
        elif e in OUTPUT_FILES:
            os.unlink(path)


def cmd_extract(workdir, outdir):
    clear_outdir(outdir)
    meta = json.load(open(os.path.join(workdir, "snapshots.json")))
    mmio = MmioLog(os.path.join(workdir, "qemu-trace.log"))
    mmio.update()

    # mmio.tsv: the guest's accesses (cpu >= 0), in order.
    guest = [a for a in mmio.accesses if a[4] >= 0]
    lines = ["# seq\tdir\toffset\tsize\tvalue\tregister"]
    for i, (d, off, size, val, _) in enumerate(guest):
        lines.append(f"{i}\t{d}\t0x{off:05x}\t{size}\t0x{val:0{2 * size}x}\t{reg_name(off)}")
    with open(os.path.join(outdir, "mmio.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")

    # qemu-trace.tsv: what the smmuv3 model did, each event tagged with the guest MMIO access
    # (mmio.tsv seq) during which it happened and, while executing a command, its cmdq index.
    # QEMU logs memory_region_ops_write before the write takes effect, so the events that follow
    # it (command execution on a CMDQ_PROD write) belong to it. The model's own
    # smmuv3_{read,write}_mmio events (which fold page 1 onto page 0) only cross-check mmio.tsv.
    own = []
    rows = ["# mmio_seq\tcmdq_index\tevent\targuments"]
    n_mr = n_guest = 0
    cur_seq, cur_cmd = "-", "-"
    skip = ("smmuv3_read_mmio", "smmuv3_write_mmio", "smmuv3_cmdq_consume", "smmuv3_cmdq_consume_out")
    with open(os.path.join(workdir, "qemu-trace.log"), encoding="utf-8", errors="replace") as f:
        for line in f:
            line = TRACE_PREFIX.sub("", line.rstrip("\n"))
            m = MR_OPS.search(line)
            if m:
                if m.group(6) == SMMU_MR:
                    cpu = mmio.accesses[n_mr][4]
                    n_mr += 1
                    if cpu >= 0:
                        cur_seq = str(n_guest)
                        n_guest += 1
                    else:
                        cur_seq = "host"
                continue
            m = re.match(r"smmuv3_(read|write)_mmio addr: 0x([0-9a-f]+) val:0x([0-9a-f]+) size: 0x([0-9a-f]+)", line)
            if m:
                own.append(("R" if m.group(1) == "read" else "W", int(m.group(2), 16), int(m.group(4), 16), int(m.group(3), 16)))
            m = re.match(r"smmuv3_cmdq_consume prod=\d+ cons=(\d+)", line)
            if m:
                cur_cmd = m.group(1)
            elif line.startswith("smmuv3_cmdq_consume_out"):
                cur_cmd = "-"
            event, _, args = line.partition(" ")
            if re.match(r"^(smmuv3_|smmu_iotlb_inv)", event) and event not in skip:
                rows.append(f"{cur_seq}\t{cur_cmd}\t{event}\t{args.strip()}")
    mr = [(d, off & 0xFFFF, size, val) for d, off, size, val, _ in mmio.accesses]
    if mr != own:
        raise SystemExit(f"extract: memory_region_ops and smmuv3_*_mmio traces disagree "
                         f"({len(mr)} vs {len(own)} accesses)")
    with open(os.path.join(outdir, "qemu-trace.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")

    # Snapshots: copy the dumped regions, write decoder input for valid STEs and the CDs.
    final = meta["snapshots"][-1]
    manifest_snaps = []
    host_reads = 0
    for snap in meta["snapshots"]:
        # mmio_count counted every access; host reads (cpu -1) are not in mmio.tsv.
        host_reads = sum(1 for a in mmio.accesses[:snap["mmio_count"]] if a[4] < 0)
        regions = []
        ste_lines, cd_lines = [], []
        for r in snap["regions"]:
            data = open(os.path.join(workdir, r["file"]), "rb").read()
            if r["kind"] == "cmdq":
                continue  # the final ring is written once below: the queue is append-only
            os.makedirs(os.path.join(outdir, os.path.dirname(r["file"])), exist_ok=True)
            with open(os.path.join(outdir, r["file"]), "wb") as f:
                f.write(data)
            regions.append(r)
            if r["kind"] in ("strtab_l2", "strtab_linear"):
                first = r.get("first_sid", 0)
                for j in range(r["entries"]):
                    rec = data[64 * j:64 * j + 64]
                    if struct.unpack_from("<Q", rec)[0] & 1:
                        ste_lines.append((first + j, words_lines(rec, 8)))
            elif r["kind"] == "eventq":
                with open(os.path.join(outdir, f"snap-{snap['name']}", "event.txt"), "w") as f:
                    f.write(words_lines(data, 4))
            elif r["kind"] in ("cd_linear", "cd_l2"):
                for j in range(r["entries"]):
                    rec = data[64 * j:64 * j + 64]
                    if struct.unpack_from("<Q", rec)[0] & (1 << 31):  # CD.V
                        cd_lines.append(words_lines(rec, 8))
        # ste.txt: each distinct valid STE once, in order of first SID; ste-sids.txt: line i
        # lists the SIDs (ranges) whose STE is record i of ste.txt.
        distinct = {}
        for sid, rec in ste_lines:
            distinct.setdefault(rec, []).append(sid)
        sdir = os.path.join(outdir, "snap-" + snap["name"])
        os.makedirs(sdir, exist_ok=True)
        with open(os.path.join(sdir, "ste.txt"), "w") as f:
            f.write("".join(distinct))
        with open(os.path.join(sdir, "ste-sids.txt"), "w") as f:
            f.write("".join(sid_ranges(sids) + "\n" for sids in distinct.values()))
        with open(os.path.join(sdir, "cd.txt"), "w") as f:
            f.write("".join(cd_lines))
        for r in regions:
            r["gpa"] = f"0x{r['gpa']:x}"
        manifest_snaps.append(dict(name=snap["name"], mmio_seq=snap["mmio_count"] - host_reads,
                                   registers_written=snap["guest_written"], registers_read=snap["device"],
                                   regions=regions))

    cmdq = [r for r in final["regions"] if r["kind"] == "cmdq"]
    cmdq_entry = None
    if cmdq:
        r = cmdq[0]
        data = open(os.path.join(workdir, r["file"]), "rb").read()
        with open(os.path.join(outdir, "cmdq.bin"), "wb") as f:
            f.write(data)
        with open(os.path.join(outdir, "cmdq.txt"), "w") as f:
            f.write(words_lines(data, 2))
        cmdq_entry = dict(file="cmdq.bin", gpa=f"0x{r['gpa']:x}", size=r["size"], entries=r["entries"],
                          log2size=r["log2size"], wrapped=r["wrapped"], snapshot=final["name"])

    manifest = dict(format="vsmmu-capture 1", smmu_gpa=f"0x{SMMU_BASE:x}", smmu_size="0x20000", idr=meta["idr"], cmdq=cmdq_entry,
                    snapshots=manifest_snaps, mmio_accesses=len(guest))
    extra = os.path.join(workdir, "provenance.json")
    if os.path.exists(extra):
        manifest["provenance"] = json.load(open(extra))
    with open(os.path.join(outdir, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    write_provenance(workdir, outdir, manifest)
    return 0


CMD_NAMES = {0x01: "PREFETCH_CONFIG", 0x02: "PREFETCH_ADDR", 0x03: "CFGI_STE", 0x04: "CFGI_STE_RANGE/CFGI_ALL",
             0x05: "CFGI_CD", 0x06: "CFGI_CD_ALL", 0x07: "CFGI_VMS_PIDM", 0x10: "TLBI_NH_ALL", 0x11: "TLBI_NH_ASID",
             0x12: "TLBI_NH_VA", 0x13: "TLBI_NH_VAA", 0x18: "TLBI_EL3_ALL", 0x1A: "TLBI_EL3_VA",
             0x20: "TLBI_EL2_ALL", 0x21: "TLBI_EL2_ASID", 0x22: "TLBI_EL2_VA", 0x23: "TLBI_EL2_VAA",
             0x28: "TLBI_S12_VMALL", 0x2A: "TLBI_S2_IPA", 0x30: "TLBI_NSNH_ALL", 0x40: "ATC_INV",
             0x41: "PRI_RESP", 0x44: "RESUME", 0x45: "STALL_TERM", 0x46: "SYNC"}


def write_provenance(workdir, outdir, manifest):
    prov = manifest.get("provenance", {})
    console = open(os.path.join(workdir, "console.log"), encoding="utf-8", errors="replace").read()
    steps = [l.strip() for l in console.splitlines() if re.match(r"\s*VSMMU-(STEP|CHECKPOINT|RESULT|DONE)", l)]
    counts = {}
    if manifest["cmdq"]:
        data = open(os.path.join(outdir, "cmdq.bin"), "rb").read()
        for i in range(0, len(data), 16):
            op = data[i]
            name = CMD_NAMES.get(op, f"opcode 0x{op:02x}")
            if op == 0x46:
                cs = (data[i] | data[i + 1] << 8) >> 12 & 3
                name += {0: " (CS=none)", 1: " (CS=IRQ/MSI)", 2: " (CS=SEV)"}.get(cs, " (CS=3)")
            counts[name] = counts.get(name, 0) + 1
    lines = ["# Provenance of this capture", "",
             "Made by `tools/capture/capture.sh` (format: `tools/capture/README.md`). "
             "Everything here is generated: rerun the script rather than editing it.", "",
             "| what | value |", "| --- | --- |"]
    for k in ("kernel_package", "kernel_version", "kernel_release", "kernel_deb_sha256", "busybox_package",
              "qemu_package", "qemu_version", "guest_modules", "host", "date", "guest_seconds"):
        if k in prov:
            lines.append(f"| {k} | `{prov[k]}` |")
    lines += ["", "QEMU command line (" + prov.get("qemu_command_line_note", "") + "):", "", "```",
              prov.get("qemu_command_line", "?"), "```", "",
              "## What the guest did", "",
              "`tools/capture/guest-init.sh`, as logged on its console (`console.log`):", "", "```"]
    lines += steps + ["```", "", "## Summary", "",
                      "IDR values QEMU advertised (read by the host at the first checkpoint):", ""]
    lines += [f"- {k} = {v}" for k, v in manifest["idr"].items()]
    lines += ["", f"{manifest['mmio_accesses']} guest MMIO accesses to the SMMU (`mmio.tsv`).", "",
              "Commands in the final command queue (`cmdq.bin`, entries [0, CMDQ_PROD)):", ""]
    lines += [f"- {n}: {c}" for n, c in sorted(counts.items(), key=lambda x: -x[1])]
    lines += ["", "Snapshots (VM stopped at the guest's checkpoint; `mmio_seq` = guest MMIO accesses before it):", "",
              "| snapshot | mmio_seq | CMDQ_PROD | STEs valid (non-abort) | CDs valid |", "| --- | --- | --- | --- | --- |"]
    for snap in manifest["snapshots"]:
        d = os.path.join(outdir, "snap-" + snap["name"])
        n_valid = n_live = n_cd = 0
        for r in snap["regions"]:
            data = open(os.path.join(outdir, r["file"]), "rb").read()
            if r["kind"] in ("strtab_l2", "strtab_linear"):
                for j in range(r["entries"]):
                    w0 = struct.unpack_from("<Q", data, 64 * j)[0]
                    n_valid += w0 & 1
                    n_live += (w0 & 1) and bits(w0, 3, 1) != 0
            elif r["kind"] in ("cd_linear", "cd_l2"):
                for j in range(r["entries"]):
                    n_cd += (struct.unpack_from("<Q", data, 64 * j)[0] >> 31) & 1
        lines.append(f"| {snap['name']} | {snap['mmio_seq']} | {snap['registers_written']['CMDQ_PROD']} | {n_valid} ({n_live}) | {n_cd} |")
    with open(os.path.join(outdir, "PROVENANCE.md"), "w") as f:
        f.write("\n".join(lines) + "\n")


def main(argv):
    if len(argv) >= 3 and argv[1] == "run" and "--" in argv:
        sep = argv.index("--")
        timeout = int(os.environ.get("CAPTURE_TIMEOUT", "1800"))
        return cmd_run(argv[2], argv[sep + 1:], timeout)
    if len(argv) == 4 and argv[1] == "extract":
        return cmd_extract(argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
