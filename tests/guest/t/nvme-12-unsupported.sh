#!/usr/bin/env bash
# A namespace the kernel cannot give a block device (here a zoned
# namespace on a kernel without CONFIG_BLK_DEV_ZONED) still gets its
# generic char device, and passthrough works on it: identify namespace
# through the ng node, and a read of zone 0 through uring_cmd (nvme-ucmd).
# Needs the zoned namespace of `run-vm --zoned` (tests/run-all boots it),
# and nvme-cli's admin ioctl, which needs CAP_SYS_ADMIN, to find it.
. "$(dirname "$0")/../lib.sh"
need_cmd nvme
need_node "$NVME_CTRL"
need_access "$NVME_CTRL"
admin_ioctl_denied $NVME_CTRL &&
	skip "finds and identifies the zoned namespace with nvme-cli (list-ns, id-ns: the admin ioctl): needs CAP_SYS_ADMIN"
[[ -d /sys/class/nvme-generic ]] || skip "no nvme-generic class (kernel without generic char devices)"
top=${NVME_UCMD_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
cli=$top/build/tools/nvme-ucmd

# a zoned namespace: nsid 4 in the identify active list, CSI 2 (ZNS)
nvme list-ns "$NVME_CTRL" 2>/dev/null | grep -q ':0x4$' ||
	skip "no namespace 4 (boot with run-vm --zoned)"
if [[ -b /dev/nvme0n4 ]] && (($(cat /sys/block/nvme0n4/size) > 0)); then
	skip "the kernel supports zoned namespaces: nothing unsupported to test"
fi
[[ -c /dev/ng0n4 ]] || fail "/dev/ng0n4: no generic char device for the zoned namespace"
info "/dev/ng0n4 present, block device $( [[ -b /dev/nvme0n4 ]] && echo 'with 0 sectors' || echo absent)"
nsid=$(nvme get-ns-id /dev/ng0n4 | sed -n 's/.*namespace-id:\([0-9]*\).*/\1/p')
[[ $nsid == 4 ]] || fail "/dev/ng0n4: NVME_IOCTL_ID says '$nsid', want 4"
nvme id-ns /dev/ng0n4 -o json >/dev/null || fail "/dev/ng0n4: identify namespace (ioctl)"
[[ -x $cli ]] || skip "$cli not built"
"$cli" read /dev/ng0n4 --start-block 0 --block-count 0 --data-size 4096 \
	--data /dev/null >/dev/null || fail "/dev/ng0n4: read of LBA 0 through nvme-ucmd"
info "/dev/ng0n4: NVME_IOCTL_ID, identify and a passthrough read work"
