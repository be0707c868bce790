#!/usr/bin/env bash
# make bench's second back end: an NVMe-oF loop target (nvme-loop) on a
# null_blk device, inside the guest. Nothing is emulated: the commands go
# from the NVMe host driver through nvmet to null_blk, which completes them
# in a softirq, so the kernel's software path is all that is measured.
#
# usage: loop-target.sh up     set it up, print "NG BLK" of its namespace
#        loop-target.sh down   tear it down (also after a failed up)
# Needs root, configfs, null_blk and nvme-loop (our vm.config builds both in;
# Debian's 6.1 ships no nvme-loop). Exits 77 with a reason when one is absent.
set -uo pipefail
cfg=/sys/kernel/config
nqn=nqn.2024-01.io.nvme-ucmd:bench-loop
sub=$cfg/nvmet/subsystems/$nqn
port=$cfg/nvmet/ports/7
nullb=$cfg/nullb/bench

absent() { echo "loop-target: $*" >&2; exit 77; }
die() { echo "loop-target: $*" >&2; down; exit 1; }

down() {
	[[ -e /dev/nvme-fabrics ]] && for c in /sys/class/nvme/nvme*; do
		[[ $(cat "$c/subsysnqn" 2>/dev/null) == "$nqn" ]] &&
			echo 1 >"$c/delete_controller" 2>/dev/null
	done
	rm -f "$port/subsystems/$nqn" 2>/dev/null
	rmdir "$port" 2>/dev/null
	[[ -d $sub/namespaces/1 ]] && echo 0 >"$sub/namespaces/1/enable" 2>/dev/null
	rmdir "$sub/namespaces/1" "$sub" 2>/dev/null
	[[ -d $nullb ]] && echo 0 >"$nullb/power" 2>/dev/null
	rmdir "$nullb" 2>/dev/null
	return 0
}

# put VALUE into configfs attribute FILE or die
put() { echo "$2" >"$1" 2>/dev/null || die "writing '$2' to ${1#"$cfg"/}"; }

# The namespace's nodes, "ng blk", once both exist: the controller's own
# (nvme_core.multipath=0, as make bench boots) or else the multipath head's,
# named after the subsystem.
nodes() {
	local c d x
	for c in /sys/class/nvme/nvme*; do
		[[ $(cat "$c/subsysnqn" 2>/dev/null) == "$nqn" ]] || continue
		x=${c##*/nvme}
		[[ -e $c/nvme${x}n1 && -c /dev/ng${x}n1 && -b /dev/nvme${x}n1 ]] &&
			echo "/dev/ng${x}n1 /dev/nvme${x}n1" && return 0
	done
	for d in /sys/class/nvme-subsystem/nvme-subsys*; do
		[[ $(cat "$d/subsysnqn" 2>/dev/null) == "$nqn" ]] || continue
		x=${d##*nvme-subsys}
		[[ -c /dev/ng${x}n1 && -b /dev/nvme${x}n1 ]] &&
			echo "/dev/ng${x}n1 /dev/nvme${x}n1" && return 0
	done
	return 1
}

up() {
	((EUID == 0)) || absent "needs root"
	[[ -d $cfg/nvmet ]] || mount -t configfs none "$cfg" 2>/dev/null
	[[ -d $cfg/nvmet ]] || modprobe nvme-loop 2>/dev/null
	[[ -d $cfg/nvmet ]] || absent "no NVMe target (nvmet) in this kernel"
	[[ -d $cfg/nullb ]] || modprobe null_blk nr_devices=0 2>/dev/null
	[[ -d $cfg/nullb ]] || absent "no null_blk configfs in this kernel"
	[[ -e /dev/nvme-fabrics ]] || absent "no /dev/nvme-fabrics (nvme-fabrics)"
	down
	# 1 GiB, 512-byte blocks, nothing stored, softirq completion, one
	# queue per CPU and tags for QD 128 and more
	mkdir "$nullb" 2>/dev/null || die "mkdir ${nullb#"$cfg"/}"
	put "$nullb/size" 1024
	put "$nullb/blocksize" 512
	put "$nullb/irqmode" 1
	put "$nullb/hw_queue_depth" 256
	put "$nullb/submit_queues" "$(nproc)"
	put "$nullb/power" 1
	local dev
	dev=/dev/nullb$(cat "$nullb/index")
	[[ -b $dev ]] || die "no $dev after powering the null_blk device on"
	mkdir "$sub" || die "mkdir ${sub#"$cfg"/}"
	put "$sub/attr_allow_any_host" 1
	mkdir "$sub/namespaces/1" || die "mkdir the target namespace"
	put "$sub/namespaces/1/device_path" "$dev"
	put "$sub/namespaces/1/enable" 1
	mkdir "$port" || die "mkdir ${port#"$cfg"/}"
	put "$port/addr_trtype" loop
	ln -s "$sub" "$port/subsystems/$nqn" || die "linking the subsystem to the port"
	echo "transport=loop,nqn=$nqn,queue_size=256" >/dev/nvme-fabrics 2>/dev/null ||
		die "connecting to $nqn over nvme-loop"
	local n
	for n in $(seq 50); do
		nodes && return 0
		sleep 0.1
	done
	die "no ng and block node for $nqn after $((n / 10)) s"
}

case ${1:-} in
up) up ;;
down) down ;;
*) echo "usage: loop-target.sh up|down" >&2; exit 2 ;;
esac
