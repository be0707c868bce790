#!/usr/bin/env bash
# What `make run` shows inside the VM: the kernel, the NVMe devices, and
# nvme-ucmd identify on the first namespace's generic char device.
top=$(cd "$(dirname "$0")/../.." && pwd)
echo "== $(uname -sr)"
echo "== NVMe device nodes"
ls -l /dev/nvme* /dev/ng* 2>/dev/null
echo "== namespaces"
for b in /sys/block/nvme*; do
	[[ -e $b ]] || continue
	# sysfs counts 512-byte sectors whatever the LBA size
	printf '%s: %d MiB, %s-byte LBAs\n' "${b##*/}" \
		$(($(cat "$b/size") / 2048)) "$(cat "$b/queue/logical_block_size")"
done
if [[ -x $top/build/tools/nvme-ucmd ]]; then
	if [[ -e /dev/ng0n1 ]]; then
		echo "== nvme-ucmd identify /dev/ng0n1"
		"$top/build/tools/nvme-ucmd" identify /dev/ng0n1
	else
		echo "== /dev/ng0n1 absent: this kernel has no NVMe generic char devices"
	fi
else
	echo "== build/tools/nvme-ucmd not built yet"
fi
