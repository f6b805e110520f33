#!/usr/bin/env bash
# Captures what the unmodified Linux arm-smmu-v3 driver does against QEMU's emulated SMMUv3:
# boots Debian's arm64 kernel under qemu-system-aarch64 (TCG) with two virtio PCI devices behind
# the SMMU, records every SMMU register access and dumps the command queue, stream table and
# context descriptors from guest memory. See tools/capture/README.md.
#
#   tools/capture/capture.sh [OUTDIR]
#
# OUTDIR defaults to tests/data/linux-<kernel package version>. Environment:
#   KERNEL_PKG    arm64 kernel image package to apt-get download (default: what linux-image-arm64
#                 depends on in the configured suites, e.g. linux-image-6.1.0-56-arm64)
#   KERNEL_DEB    a linux-image-*.deb already on disk (overrides KERNEL_PKG)
#   CAPTURE_CACHE where downloads, the initramfs and the raw run go
#                 (default: ${XDG_CACHE_HOME:-~/.cache}/vsmmu-capture)
#   CAPTURE_TIMEOUT  seconds the guest may run (default 1800)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${CAPTURE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vsmmu-capture}
t_start=$(date +%s)
log() { printf '[capture] %s\n' "$*" >&2; }

as_root=()
apt_sandbox=(-o APT::Sandbox::User=root)  # as root, apt's _apt user could not write into the cache
if [ "$(id -u)" -ne 0 ]; then
  apt_sandbox=()
  command -v sudo >/dev/null || { log "run as root or install sudo"; exit 1; }
  as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

# --- host packages -----------------------------------------------------------------------------
updated=0
apt_update() { [ $updated = 1 ] || { "${as_root[@]}" apt-get update -qq; updated=1; }; }
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  log "adding dpkg architecture arm64 (for apt-get download of the arm64 kernel and busybox)"
  "${as_root[@]}" dpkg --add-architecture arm64
  updated=0; apt_update
fi
missing=()
command -v qemu-system-aarch64 >/dev/null || missing+=(qemu-system-arm)
command -v cpio >/dev/null || missing+=(cpio)
command -v python3 >/dev/null || missing+=(python3)
command -v xz >/dev/null || missing+=(xz-utils)
command -v zstd >/dev/null || missing+=(zstd)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt_update
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- guest packages ----------------------------------------------------------------------------
mkdir -p "$cache/debs"
cached_deb() { ls "$cache/debs/$1"_*_arm64.deb 2>/dev/null | head -n1 || true; }
fetch_deb() {  # fetch_deb NAME: the cached .deb of NAME:arm64, downloaded if missing
  local f
  f=$(cached_deb "$1")
  if [ -z "$f" ]; then
    apt_update
    (cd "$cache/debs" && apt-get download -q "${apt_sandbox[@]}" "$1:arm64" >&2)
    f=$(cached_deb "$1")
  fi
  [ -n "$f" ] || { log "could not download $1:arm64"; exit 1; }
  deb=$f
}
if [ -n "${KERNEL_DEB:-}" ]; then
  kdeb=$(realpath "$KERNEL_DEB")
else
  if [ -z "${KERNEL_PKG:-}" ]; then
    apt_update
    KERNEL_PKG=$(apt-cache depends linux-image-arm64:arm64 | sed -n 's/^ *Depends: \(linux-image-[^ :]*\).*/\1/p' | head -n1)
    [ -n "$KERNEL_PKG" ] || { log "cannot resolve linux-image-arm64:arm64; set KERNEL_PKG"; exit 1; }
  fi
  fetch_deb "$KERNEL_PKG"; kdeb=$deb
fi
fetch_deb busybox-static; bbdeb=$deb
kpkg=$(dpkg-deb -f "$kdeb" Package)
kver=$(dpkg-deb -f "$kdeb" Version)
log "kernel: $kpkg $kver"

kdir="$cache/$kpkg-$kver"
if [ ! -d "$kdir/boot" ]; then
  rm -rf "$kdir.tmp"; mkdir -p "$kdir.tmp"
  dpkg-deb -x "$kdeb" "$kdir.tmp"
  mv "$kdir.tmp" "$kdir"
fi
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* | head -n1)
krel=${vmlinuz##*/vmlinuz-}
mdir="$kdir/lib/modules/$krel"
config="$kdir/boot/config-$krel"
grep -q '^CONFIG_ARM_SMMU_V3=[ym]' "$config" || { log "$kpkg has no CONFIG_ARM_SMMU_V3"; exit 1; }

# --- initramfs ---------------------------------------------------------------------------------
work="$cache/run-$kpkg-$kver"
rm -rf "$work"; mkdir -p "$work"
root="$work/initramfs"
mkdir -p "$root/bin" "$root/modules"
dpkg-deb --fsys-tarfile "$bbdeb" | tar -x -O ./bin/busybox > "$root/bin/busybox"
chmod 755 "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$here/guest-init.sh" "$root/init"
chmod 755 "$root/init"

# Modules the guest needs, dependencies first. Built-in ones (modules.builtin) are skipped.
declare -A added=()
order=()
ko_path() { find "$mdir/kernel" -name "$1.ko" -o -name "$1.ko.xz" -o -name "$1.ko.zst" -o -name "$1.ko.gz" | head -n1; }
add_module() {
  local m=${1//-/_} f deps d
  [ -z "${added[$m]:-}" ] || return 0
  added[$m]=1
  f=$(ko_path "$m")
  if [ -z "$f" ]; then
    # not a module: built in (modules.builtin lists paths with - or _)
    grep -q "/${m}.ko\$\|/${m//_/-}.ko\$" "$mdir/modules.builtin" && return 0
    log "module $m not found in $kpkg"; exit 1
  fi
  case $f in
    *.xz) xz -dc "$f" > "$root/modules/$m.ko" ;;
    *.zst) zstd -qdc "$f" > "$root/modules/$m.ko" ;;
    *.gz) gzip -dc "$f" > "$root/modules/$m.ko" ;;
    *) cp "$f" "$root/modules/$m.ko" ;;
  esac
  deps=$(grep -ao 'depends=[A-Za-z0-9_,-]*' "$root/modules/$m.ko" | head -n1 | cut -d= -f2 | tr ',' ' ')
  for d in $deps; do add_module "$d"; done
  order+=("$m")
}
for m in virtio_blk virtio_net virtio_pci; do add_module "$m"; done
printf '%s\n' "${order[@]}" > "$root/modules/order"
log "guest modules: ${order[*]}"
(cd "$root" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet --reproducible) | gzip -9n > "$work/initramfs.cpio.gz"

# --- disk: 1 MiB, every 4 KiB block filled with its own text, so reads are checkable ----------
python3 - "$work/disk.img" <<'EOF'
import sys
with open(sys.argv[1], "wb") as f:
    for i in range(256):
        line = f"vsmmu capture disk block {i:4d}\n".encode()
        f.write((line * (4096 // len(line) + 1))[:4096])
EOF
cp "$work/disk.img" "$work/disk.img.orig"

# --- QEMU --------------------------------------------------------------------------------------
cat > "$work/trace-events" <<'EOF'
memory_region_ops_read
memory_region_ops_write
smmuv3_read_mmio
smmuv3_write_mmio
smmuv3_trigger_irq
smmuv3_write_gerror
smmuv3_write_gerrorn
smmuv3_unhandled_cmd
smmuv3_cmdq_consume
smmuv3_cmdq_opcode
smmuv3_cmdq_consume_out
smmuv3_cmdq_consume_error
smmuv3_record_event
smmuv3_cmdq_cfgi_ste
smmuv3_cmdq_cfgi_ste_range
smmuv3_cmdq_cfgi_cd
smmuv3_s1_range_inval
smmuv3_cmdq_tlbi_nh
smmuv3_cmdq_tlbi_nh_asid
smmuv3_config_cache_inv
smmu_iotlb_inv_all
smmu_iotlb_inv_asid
smmu_iotlb_inv_iova
EOF
qemu=(
  qemu-system-aarch64
  -machine virt,iommu=smmuv3 -accel tcg -cpu max,pauth-impdef=on -smp 1 -m 512M
  -nodefaults -display none -no-reboot -nic none
  -kernel "$vmlinuz" -initrd "$work/initramfs.cpio.gz"
  -append "console=ttyAMA0 rdinit=/init panic=-1 iommu.passthrough=0 iommu.strict=1"
  -chardev "socket,id=con0,path=$work/console.sock,server=on,wait=on" -serial chardev:con0
  -qmp "unix:$work/qmp.sock,server=on,wait=off"
  -drive "if=none,id=disk0,file=$work/disk.img,format=raw"
  -device virtio-blk-pci,drive=disk0,disable-legacy=on,iommu_platform=on,romfile=
  -device virtio-net-pci,disable-legacy=on,iommu_platform=on,romfile=,mac=52:54:00:12:34:56
  -trace "events=$work/trace-events" -D "$work/qemu-trace.log"
)
log "booting $krel under $(qemu-system-aarch64 --version | head -n1)"
t_guest=$(date +%s)
python3 "$here/capture.py" run "$work" -- "${qemu[@]}" > "$work/run.log" || {
  log "guest run failed; last console lines:"; tail -n 30 "$work/console.log" >&2 || true; exit 1; }
t_end_guest=$(date +%s)

# --- check the guest's DMA results against the host's view of the disk ------------------------
result() { sed -n "s/^VSMMU-RESULT $1 \([^[:space:]]*\).*/\1/p" "$work/console.log" | tr -d '\r' | tail -n1; }
expect_md5() {  # expect_md5 KEY SKIP_BLOCKS COUNT
  local want got
  want=$(dd if="$work/disk.img.orig" bs=4096 skip="$2" count="$3" 2>/dev/null | md5sum | cut -d' ' -f1)
  got=$(result "$1")
  [ "$want" = "$got" ] || { log "guest $1 = '$got', expected $want: DMA through the SMMU went wrong"; exit 1; }
}
expect_md5 disk_md5 0 16
expect_md5 disk_direct_md5 16 2
expect_md5 disk_md5_after_rebind 0 16
[ "$(result disk_write_readback_md5)" = "$(result disk_write_expected_md5)" ] || { log "disk write readback mismatch"; exit 1; }
[ "$(dd if="$work/disk.img" bs=4096 skip=32 count=1 2>/dev/null | tr -d V | wc -c)" = 0 ] || { log "guest write did not reach the disk"; exit 1; }
if grep -q 'VSMMU-ERROR' "$work/console.log"; then
  log "the guest reported errors:"; grep 'VSMMU-ERROR' "$work/console.log" >&2; exit 1
fi

# --- provenance and extraction -----------------------------------------------------------------
out=${1:-$repo/tests/data/linux-$kver}
qemu_shown=()
for a in "${qemu[@]}"; do
  a=${a//$work/\$WORK}; a=${a//$kdir/\$KERNEL}; qemu_shown+=("$a")
done
K_PKG=$kpkg K_VER=$kver K_REL=$krel K_SHA=$(sha256sum "$kdeb" | cut -d' ' -f1) \
BB_VER=$(dpkg-deb -f "$bbdeb" Version) \
Q_PKG=$(dpkg-query -W -f='${Version}' qemu-system-arm 2>/dev/null || echo unknown) \
Q_VER=$(qemu-system-aarch64 --version | head -n1) MODS="${order[*]}" \
HOST="$(. /etc/os-release && echo "$PRETTY_NAME") $(uname -m), $(nproc) cores" \
GUEST_S=$((t_end_guest - t_guest)) \
python3 - "$work/provenance.json" "${qemu_shown[@]}" <<'EOF'
import json, os, shlex, sys, time
e = os.environ
json.dump(dict(
    kernel_package=e["K_PKG"], kernel_version=e["K_VER"], kernel_release=e["K_REL"],
    kernel_deb_sha256=e["K_SHA"], busybox_package="busybox-static:arm64 " + e["BB_VER"],
    qemu_package="qemu-system-arm " + e["Q_PKG"], qemu_version=e["Q_VER"],
    qemu_command_line=shlex.join(sys.argv[2:]),
    qemu_command_line_note="$WORK is the run directory (initramfs, disk image, sockets, trace); "
                           "$KERNEL the extracted kernel package",
    guest_modules=e["MODS"], host=e["HOST"], guest_seconds=int(e["GUEST_S"]),
    date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
), open(sys.argv[1], "w"), indent=1)
EOF
python3 "$here/capture.py" extract "$work" "$out"
tr -d '\r' < "$work/console.log" > "$out/console.log"
log "wrote $out ($(du -sh "$out" | cut -f1)); total $(( $(date +%s) - t_start )) s, guest $((t_end_guest - t_guest)) s"
