#!/usr/bin/env bash
# A namespace whose LBA data size (LBADS) is outside 9..31 gets only its
# generic char device: no block device, the kernel says so ("LBA data size
# 2^N unsupported, generic device only"), NVME_IOCTL_SUBMIT_IO refuses it
# with EOPNOTSUPP (lba_shift 0: no length to compute), and uring_cmd takes a
# read as given only with CAP_SYS_ADMIN (the kernel cannot size it; without
# it: EACCES, nothing read). A namespace with 512-byte LBAs on the same
# controller is the control: block device, ng node, SUBMIT_IO and uring_cmd
# all read the controller's data.
# No emulated drive presents such a format (QEMU's nvme-ns: 512 B..2 MiB,
# nvmet: 2^9..2^12), so the controller is our own fake on NVMe/TCP over
# loopback (build/tests/guest/nvme-tcp-ctrl). Connecting needs root.
. "$(dirname "$0")/../lib.sh"
top=${NVME_UCMD_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
fake=$top/build/tests/guest/nvme-tcp-ctrl
io=$top/build/tests/guest/lbads-io
[[ -x $fake && -x $io ]] || skip "$fake or $io not built (make)"
need_cmd ip
need_cmd setpriv

fabrics=/dev/nvme-fabrics
if [[ ! -c $fabrics ]]; then
	denied modprobe nvme-tcp &&
		skip "loading nvme-tcp: $(denied_err): needs CAP_SYS_MODULE"
	modprobe nvme-tcp 2>/dev/null
fi
[[ -c $fabrics ]] || skip "no NVMe over Fabrics host ($fabrics) in this kernel"
if ! err=$({ : <>"$fabrics"; } 2>&1); then
	refused "$err" &&
		skip "connecting an NVMe/TCP controller through $fabrics: ${err##*: }: needs root"
	fail "open $fabrics: $err"
fi
[[ -d /sys/class/nvme-generic ]] || skip "no nvme-generic class (kernel without generic char devices)"
if ! (($(cat /sys/class/net/lo/flags) & 1)); then
	denied ip link set lo up &&
		skip "bringing lo up: $(denied_err): needs CAP_NET_ADMIN"
	ip link set lo up || fail "ip link set lo up"
fi

nqn=nqn.2024-01.io.nvme-ucmd:lbads
hostnqn=nqn.2024-01.io.nvme-ucmd:host-lbads
lbads=(9 8 32 63)	# nsid 1.. in order; nsid 1 is the control
tmp=$(mktemp -d)
fakepid=""
ctrl=""

cleanup() {
	[[ -n $ctrl && -e /sys/class/nvme/$ctrl/delete_controller ]] &&
		echo 1 >"/sys/class/nvme/$ctrl/delete_controller" 2>/dev/null
	[[ -n $fakepid ]] && kill "$fakepid" 2>/dev/null && wait "$fakepid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

args=()
for l in "${lbads[@]}"; do args+=(-n "$l"); done
"$fake" -p 0 -N "$nqn" -r "$tmp/port" "${args[@]}" 2>"$tmp/fake.log" &
fakepid=$!
port=
for _ in $(seq 50); do
	port=$(cat "$tmp/port" 2>/dev/null)
	[[ $port =~ ^[0-9]+$ ]] && break
	kill -0 "$fakepid" 2>/dev/null || fail "nvme-tcp-ctrl exited: $(tail -n 1 "$tmp/fake.log")"
	sleep 0.1
done
[[ $port =~ ^[0-9]+$ ]] || fail "nvme-tcp-ctrl did not start listening"

klines=$(dmesg | wc -l)
# ctrl_loss_tmo=0: should the fake go away, the host gives up at once
opts="transport=tcp,traddr=127.0.0.1,trsvcid=$port,nqn=$nqn,hostnqn=$hostnqn"
opts+=",nr_io_queues=1,ctrl_loss_tmo=0"
exec {fab}<>"$fabrics"
err=$({ printf '%s' "$opts" >&"$fab"; } 2>&1) ||
	fail "connect to the fake controller on 127.0.0.1:$port: ${err##*: } ($(tail -n 1 "$tmp/fake.log"))"
read -r reply <&"$fab"
exec {fab}<&-
[[ $reply =~ ^instance=([0-9]+), ]] || fail "$fabrics answered '$reply'"
ctrl=nvme${BASH_REMATCH[1]}
sys=/sys/class/nvme/$ctrl
[[ $(cat "$sys/subsysnqn") == "$nqn" ]] || fail "$ctrl is not the fake's controller"
info "fake controller on 127.0.0.1:$port: $ctrl, namespaces with LBADS ${lbads[*]}"

# the scan: one ng node per namespace
declare -A ng=()
for _ in $(seq 100); do
	ng=()
	for d in "$sys"/ng*n*; do
		[[ -c /dev/${d##*/} ]] || continue
		n=$("$io" nsid "/dev/${d##*/}" 2>/dev/null) && ng[$n]=/dev/${d##*/}
	done
	((${#ng[@]} == ${#lbads[@]})) && break
	sleep 0.1
done
for ((n = 1; n <= ${#lbads[@]}; n++)); do
	[[ -n ${ng[$n]:-} ]] || fail "no generic char device for nsid $n (LBADS ${lbads[n - 1]}): ${ng[*]}"
done

# bdev NSID: the namespace's block device (a disk with a device number;
# the scan adds a namespace's disk before its ng node)
bdev() {
	local d
	for d in "$sys"/nvme*n*; do
		[[ -e $d/dev && $(cat "$d/nsid" 2>/dev/null) == "$1" ]] && echo "${d##*/}"
	done
}
klog() { dmesg | tail -n +"$((klines + 1))"; }

# our kernel (the series' overlay forms) or upstream (-EOPNOTSUPP)?
probe=$("$io" overlay "${ng[1]}" 2>&1)
case $probe in
"overlay yes"*) ours=1 ;;
"overlay no (res -95)") ours=0 ;;
*) fail "${ng[1]}: Flush in the overlay form: $probe" ;;
esac

# the control namespace: 512-byte LBAs
blk=$(bdev 1)
[[ -n $blk && -b /dev/$blk ]] || fail "nsid 1 (LBADS 9): no block device"
[[ $(cat "/sys/class/block/$blk/size") == 2048 ]] ||
	fail "/dev/$blk: $(cat "/sys/class/block/$blk/size") sectors, want 2048"
got=$(dd if="/dev/$blk" bs=512 skip=5 count=1 iflag=direct 2>/dev/null | od -An -tx1 -N8)
[[ $got == " 05 06 07 08 09 0a 0b 0c" ]] || fail "/dev/$blk LBA 5 reads '$got'"
for how in submit uring; do
	out=$("$io" "$how" "${ng[1]}" 5 2 1024 512) || fail "lbads-io $how ${ng[1]}"
	[[ $out == "res 0 "*"pattern ok" ]] || fail "${ng[1]}: $how read of LBAs 5-6: $out"
done
info "nsid 1 (LBADS 9): /dev/$blk and ${ng[1]} (SUBMIT_IO, uring_cmd) read the controller's pattern"

# the namespaces the driver cannot shift by
seen=()
for ((n = 2; n <= ${#lbads[@]}; n++)); do
	l=${lbads[n - 1]} g=${ng[$n]}
	blk=$(bdev "$n")
	sub=$("$io" submit "$g" 0 1 65536 2>&1)
	if ((!ours)); then
		# upstream: note what it does
		if [[ -n $blk ]]; then
			blk="/dev/$blk of $(cat "/sys/class/block/$blk/size") sectors"
		else
			blk="no block device"
		fi
		seen+=("LBADS $l: $blk, SUBMIT_IO ${sub%% head*}")
		continue
	fi
	[[ -z $blk ]] || fail "nsid $n (LBADS $l): block device /dev/$blk ($(cat "/sys/class/block/$blk/size") sectors)"
	klog | grep -qF "$ctrl: nsid $n: LBA data size 2^$l unsupported, generic device only" ||
		fail "nsid $n (LBADS $l): no 'LBA data size 2^$l unsupported' in the kernel log"
	[[ $sub == "res -95 (EOPNOTSUPP) moved 0 "* ]] ||
		fail "$g (LBADS $l): SUBMIT_IO read: $sub, want EOPNOTSUPP and nothing read"
	# uring_cmd: the kernel cannot size the transfer, so only CAP_SYS_ADMIN
	# may send it, as given: the controller moves what its format says
	# (256 bytes of a 2^8 block; nothing of 2^32 or more: Data SGL Length
	# Invalid, DNR, for the 4 KiB buffer)
	out=$(setpriv --inh-caps=-sys_admin --bounding-set=-sys_admin -- "$io" uring "$g" 0 1 4096 2>&1)
	[[ $out == "res -13 (EACCES) moved 0 "* ]] ||
		fail "$g (LBADS $l): uring_cmd read without CAP_SYS_ADMIN: $out, want EACCES and nothing read"
	if ((l < 32)); then
		out=$("$io" uring "$g" 0 1 4096 $((1 << l)) 2>&1)
		want="res 0 moved $((1 << l)) *pattern ok"
	else
		out=$("$io" uring "$g" 0 1 4096 2>&1)
		want="res $((0x400f)) moved 0 *"
	fi
	# shellcheck disable=SC2053 # $want is a pattern
	[[ $out == $want ]] ||
		fail "$g (LBADS $l): uring_cmd read as given (CAP_SYS_ADMIN), 4 KiB buffer: $out, want '$want'"
	info "nsid $n (LBADS $l): $g only; SUBMIT_IO EOPNOTSUPP; uring_cmd EACCES without CAP_SYS_ADMIN, with it as given (${out%% head*})"
done

# disconnect: the controller, its nodes and the fake all go
echo 1 >"$sys/delete_controller" || fail "delete $ctrl"
for _ in $(seq 100); do
	kill -0 "$fakepid" 2>/dev/null || break
	sleep 0.1
done
kill -0 "$fakepid" 2>/dev/null && fail "nvme-tcp-ctrl still running 10 s after the disconnect"
wait "$fakepid"
rc=$?
fakepid=""
((rc == 0)) || fail "nvme-tcp-ctrl exited $rc: $(tail -n 1 "$tmp/fake.log")"
[[ -e $sys ]] && fail "$ctrl still present after delete_controller"
for c in /sys/class/nvme/nvme*; do
	[[ $(cat "$c/subsysnqn" 2>/dev/null) == "$nqn" ]] && fail "stale controller ${c##*/} of $nqn"
done
for g in "${ng[@]}"; do
	[[ -e $g ]] && fail "$g still present after the disconnect"
done
info "disconnected: $ctrl gone with its nodes; the fake exited 0"
ctrl=

if ((!ours)); then
	skip "upstream $(uname -r) does not refuse these LBA data sizes: $(printf '%s; ' "${seen[@]}" | sed 's/; $//')"
fi
