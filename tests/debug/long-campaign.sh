#!/bin/bash
# The long fuzz campaign of issue 7, run inside the debug VM:
#   tests/vm/run-vm --poll-queues 1 --timeout 3000 -- \
#       tests/debug/long-campaign.sh [SECONDS [SEED]]
# fuzz-uring with -v, line-buffered and time-stamped: every ring it opens
# is logged, so a stall shows which ring kind it stopped on (the report
# alone is printed only at the end). Then 4 QD-16
# integrity runs, a reset test, a controller reset, a PCI remove (a leaked
# request or tag would hang it), a rescan and an identify.
secs=${1:-1800} seed=${2:-11}
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
# line by line: mawk reads a pipe in blocks, and the lines a stalled
# fuzzer wrote last stayed in its buffer for good
stamp() { while IFS= read -r l; do printf '%(%T)T %s\n' -1 "$l"; done; }
stdbuf -oL -eL build/tests/guest/fuzz-uring --seed "$seed" --seconds "$secs" -v 2>&1 |
	stamp
echo "fuzz rc=${PIPESTATUS[0]}"
f=0
for _ in 1 2 3 4; do
	build/tests/guest/t/nvme-40-qd >/tmp/qd.out 2>&1 || { f=$((f + 1)); grep "not ok" /tmp/qd.out | head -n 3; }
done
echo "qd failures: $f of 4"
build/tests/guest/t/nvme-85-reset >/tmp/r.out 2>&1
echo "nvme-85-reset after the campaign: rc=$?"
ctrl=/sys/class/nvme/nvme0
echo 1 >"$ctrl/reset_controller" && echo "reset: ok"
pci=$(readlink -f "$ctrl/device")
timeout 60 sh -c "echo 1 >'$pci/remove'" && echo "PCI remove: ok"
[[ -e /dev/ng0n1 ]] && echo "PCI remove: /dev/ng0n1 still there"
echo 1 >/sys/bus/pci/rescan
sleep 2
build/tools/nvme-ucmd identify /dev/ng0n1 >/dev/null && echo "identify after rescan: ok"
