#!/bin/sh
# /init of the capture guest (busybox-static, arm64). Drives the Linux arm-smmu-v3 driver through
# probe, DMA, and domain changes, stopping at named checkpoints so that the host can dump the
# SMMU's in-memory structures. Protocol on the console (ttyAMA0):
#   guest prints  "VSMMU-CHECKPOINT <name>"  and waits for one line on stdin;
#   host stops the VM, dumps memory, resumes it, and sends a newline.
#   "VSMMU-RESULT <key> <value>" lines report what the guest saw; "VSMMU-DONE" precedes poweroff.
# Runs as PID 1: no init system, errors are reported and the run goes on to poweroff.
export PATH=/bin
/bin/busybox mkdir -p /proc /sys /dev /tmp
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev

step() { echo "VSMMU-STEP $*"; }
result() { echo "VSMMU-RESULT $*"; }
checkpoint() {
  echo "VSMMU-CHECKPOINT $1"
  read -r _ || true
}
fail() { echo "VSMMU-ERROR $*"; }

wait_for() {  # wait_for PATH: up to ~10 s
  i=0
  while [ ! -e "$1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  [ -e "$1" ] || fail "timeout waiting for $1"
}

# The PCI functions behind the SMMU, found by their virtio device IDs (0x1042 blk, 0x1041 net).
pci_by_device() {
  for d in /sys/bus/pci/devices/*; do
    [ "$(cat "$d/vendor")" = 0x1af4 ] && [ "$(cat "$d/device")" = "$1" ] && basename "$d"
  done
}

checkpoint boot    # SMMU probed, default domains attached, no device driver loaded yet

step "insmod"
for m in $(cat /modules/order); do
  insmod "/modules/$m.ko" || fail "insmod $m"
done
blk=$(pci_by_device 0x1042)
net=$(pci_by_device 0x1041)
result blk_bdf "$blk"
result net_bdf "$net"
for d in "$blk" "$net"; do
  result "iommu_group.$d" "$(basename "$(readlink "/sys/bus/pci/devices/$d/iommu_group")")"
  result "iommu_type.$d" "$(cat "/sys/bus/pci/devices/$d/iommu_group/type")"
done
wait_for /dev/vda
wait_for /sys/class/net/eth0

step "disk read"   # device writes to memory: 64 KiB through the page cache, then 8 KiB O_DIRECT
result disk_md5 "$(dd if=/dev/vda bs=4096 count=16 2>/dev/null | md5sum | cut -d' ' -f1)"
result disk_direct_md5 "$(dd if=/dev/vda bs=4096 count=2 skip=16 iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1)"

step "disk write"  # device reads from memory: 4 KiB O_DIRECT, then read back
dd if=/dev/zero bs=4096 count=1 2>/dev/null | tr '\000' 'V' > /tmp/block
dd if=/tmp/block of=/dev/vda bs=4096 seek=32 oflag=direct conv=fsync 2>/dev/null || fail "disk write"
result disk_write_readback_md5 "$(dd if=/dev/vda bs=4096 count=1 skip=32 iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1)"
result disk_write_expected_md5 "$(md5sum < /tmp/block | cut -d' ' -f1)"

step "net up/down" # rx buffers mapped at open, unmapped at close
ip link set eth0 up || fail "eth0 up"
sleep 1
ip link set eth0 down || fail "eth0 down"

checkpoint dma     # drivers bound, DMA done

# Rebind the network device with an identity (bypass) default domain, then back to DMA:
# detach/attach rewrite its STE (CFGI_STE) and free/allocate its CD and ASID (TLBI_NH_ASID, CFGI_CD).
grp=/sys/bus/pci/devices/$net/iommu_group
step "net unbind, identity domain"
echo "$net" > /sys/bus/pci/drivers/virtio-pci/unbind || fail "unbind $net"
echo identity > "$grp/type" || fail "set identity"
result "iommu_type.$net" "$(cat "$grp/type")"
echo "$net" > /sys/bus/pci/drivers/virtio-pci/bind || fail "bind $net"
wait_for /sys/class/net/eth0
ip link set eth0 up && sleep 1 && ip link set eth0 down || fail "eth0 up/down (identity)"

checkpoint identity

step "net unbind, DMA-FQ domain"   # lazy invalidation: unmaps are flushed per ASID, in batches
echo "$net" > /sys/bus/pci/drivers/virtio-pci/unbind || fail "unbind $net"
echo DMA-FQ > "$grp/type" || fail "set DMA-FQ"
result "iommu_type.$net" "$(cat "$grp/type")"
echo "$net" > /sys/bus/pci/drivers/virtio-pci/bind || fail "bind $net"
wait_for /sys/class/net/eth0
ip link set eth0 up && sleep 1 && ip link set eth0 down || fail "eth0 up/down (DMA-FQ)"
sleep 1   # let the flush queue's timer (10 ms) run

step "net unbind, DMA domain"
echo "$net" > /sys/bus/pci/drivers/virtio-pci/unbind || fail "unbind $net"
echo DMA > "$grp/type" || fail "set DMA"
result "iommu_type.$net" "$(cat "$grp/type")"
echo "$net" > /sys/bus/pci/drivers/virtio-pci/bind || fail "bind $net"
wait_for /sys/class/net/eth0
ip link set eth0 up && sleep 1 && ip link set eth0 down || fail "eth0 up/down (DMA)"

step "blk unbind/bind"  # virtqueue memory unmapped and mapped again, same domain
echo "$blk" > /sys/bus/pci/drivers/virtio-pci/unbind || fail "unbind $blk"
echo "$blk" > /sys/bus/pci/drivers/virtio-pci/bind || fail "bind $blk"
wait_for /dev/vda
result disk_md5_after_rebind "$(dd if=/dev/vda bs=4096 count=16 iflag=direct 2>/dev/null | md5sum | cut -d' ' -f1)"

checkpoint final

echo "VSMMU-DONE"
poweroff -f
