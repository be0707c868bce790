#!/usr/bin/env bash
# A multipath namespace (NVMe-oF loop target in the guest: its subsystem
# allows several controllers, so the host builds a multipath node) gets one
# generic char device, ng<subsystem>n<namespace>, with the ioctls and
# uring_cmd (fio io_uring_cmd) working on it. Then the namespace and the
# controller go away while fio has commands in flight: fio fails cleanly,
# the kernel neither oopses nor warns (the runner checks the log).
# Setting up the target (configfs, modprobe, nvme connect) needs root.
. "$(dirname "$0")/../lib.sh"
need_cmd nvme
need_cmd fio
cfg=/sys/kernel/config
if [[ ! -d $cfg/nvmet ]]; then
	denied mount -t configfs none "$cfg" &&
		skip "mounting configfs for the NVMe target: $(denied_err): needs CAP_SYS_ADMIN"
	mount -t configfs none "$cfg" 2>/dev/null
fi
if [[ ! -d $cfg/nvmet ]]; then
	denied modprobe nvme-loop &&
		skip "loading nvme-loop: $(denied_err): needs CAP_SYS_MODULE"
	modprobe nvme-loop 2>/dev/null
fi
[[ -d $cfg/nvmet ]] || skip "no NVMe target (nvmet) in this kernel"
[[ -d /sys/class/nvme-generic ]] || skip "no nvme-generic class"

nqn=nqn.2024-01.io.nvme-ucmd:loop-mpath
hostnqn=nqn.2024-01.io.nvme-ucmd:host
img=/tmp/nvmet-loop.img
sub=$cfg/nvmet/subsystems/$nqn
port=$cfg/nvmet/ports/9
fiopid=

cleanup() {
	[[ -n $fiopid ]] && kill "$fiopid" 2>/dev/null && wait "$fiopid" 2>/dev/null
	nvme disconnect -n "$nqn" >/dev/null 2>&1
	rm -f "$port/subsystems/$nqn"
	rmdir "$port" 2>/dev/null
	[[ -d $sub/namespaces/1 ]] && echo 0 >"$sub/namespaces/1/enable" 2>/dev/null
	rmdir "$sub/namespaces/1" "$sub" 2>/dev/null
	rm -f "$img"
}
trap cleanup EXIT

truncate -s 64M "$img"
if ! err=$(mkdir "$sub" 2>&1); then
	refused "$err" &&
		skip "creating an NVMe target subsystem in configfs: $(denied_err): needs root"
	fail "mkdir $sub: $err"
fi
echo 1 >"$sub/attr_allow_any_host"
mkdir "$sub/namespaces/1"
echo -n "$img" >"$sub/namespaces/1/device_path"
echo 1 >"$sub/namespaces/1/buffered_io"	# /tmp is tmpfs: no O_DIRECT
echo 1 >"$sub/namespaces/1/enable" || fail "enable the target namespace"
mkdir "$port"
echo loop >"$port/addr_trtype"
ln -s "$sub" "$port/subsystems/$nqn"
nvme connect -t loop -n "$nqn" -q "$hostnqn" >/dev/null || fail "nvme connect -t loop"

ctrl=
for _ in $(seq 50); do
	for c in /sys/class/nvme/nvme*; do
		[[ $(cat "$c/subsysnqn" 2>/dev/null) == "$nqn" ]] && ctrl=$(basename "$c")
	done
	[[ -n $ctrl ]] && break
	sleep 0.1
done
[[ -n $ctrl ]] || fail "no controller for $nqn"
# the multipath node is named after the subsystem: ng<subsystem>n<ns>
ng=
for _ in $(seq 50); do
	for d in /sys/class/nvme-subsystem/nvme-subsys*; do
		[[ $(cat "$d/subsysnqn" 2>/dev/null) == "$nqn" ]] &&
			ng=/dev/ng${d##*nvme-subsys}n1
	done
	[[ -n $ng && -c $ng ]] && break
	sleep 0.1
done
[[ -n $ng && -c $ng ]] || fail "no generic char device for the loop namespace ($ctrl, ${ng:-no subsystem})"
nng=0
for d in /sys/class/nvme-generic/*; do nng=$((nng + 1)); done
info "loop controller $ctrl: multipath node char device $ng ($nng ng devices in all)"

nsid=$(nvme get-ns-id "$ng" | sed -n 's/.*namespace-id:\([0-9]*\).*/\1/p')
[[ $nsid == 1 ]] || fail "$ng: NVME_IOCTL_ID '$nsid'"
nvme id-ns "$ng" >/dev/null || fail "$ng: identify namespace"

cd /tmp || fail "no /tmp"
fio --thread --name=mpath --filename="$ng" --ioengine=io_uring_cmd --cmd_type=nvme \
	--rw=randwrite --bs=4k --size=8m --iodepth=16 --verify=crc32c \
	--do_verify=1 --verify_fatal=1 --verify_state_save=0 \
	--output-format=terse >/dev/null 2>&1 || fail "fio io_uring_cmd on $ng"
info "$ng: fio io_uring_cmd verified 8 MiB"

# commands in flight while the namespace goes away
fio --thread --name=gone --filename="$ng" --ioengine=io_uring_cmd --cmd_type=nvme \
	--rw=randread --bs=4k --size=32m --iodepth=32 --time_based --runtime=30 \
	--output-format=terse >/dev/null 2>&1 &
fiopid=$!
sleep 2
echo 0 >"$sub/namespaces/1/enable"
for _ in $(seq 100); do
	kill -0 "$fiopid" 2>/dev/null || break
	sleep 0.2
done
kill -0 "$fiopid" 2>/dev/null && { kill "$fiopid"; wait "$fiopid"; fail "fio still running 20 s after the namespace went away"; }
wait "$fiopid"
info "namespace disabled under load: fio ended with $?"
fiopid=

# and the controller, with the char device still open
exec 7<"$ng" || true
nvme disconnect -n "$nqn" >/dev/null || fail "nvme disconnect"
exec 7<&-
[[ -e $ng ]] && fail "$ng still present after the controller went away"
info "controller deleted with $ng open: node gone"
