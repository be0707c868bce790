#!/usr/bin/env bash
# Every namespace has its generic char device /dev/ngXnY (class
# nvme-generic), a child of its controller, and the NVMe ioctls work on it
# as on the block device: NVME_IOCTL_ID, identify namespace, passthrough
# read of the data the block device wrote. NVME_IOCTL_ID needs no
# privilege; nvme-cli's identify and read go through the admin ioctl, which
# needs CAP_SYS_ADMIN: without it those parts are left out.
. "$(dirname "$0")/../lib.sh"
need_cmd nvme
need_node "$NVME_CTRL"
[[ -d /sys/class/nvme-generic ]] || skip "no nvme-generic class (kernel without generic char devices)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for blk in "$NVME_NS1" "$NVME_NS2"; do
	need_node "$blk"
	name=$(basename "$blk")		# nvme0n1
	ng=/dev/ng${name#nvme}		# /dev/ng0n1
	[[ -c $ng ]] || fail "$ng: no char device for $blk"
	[[ -e /sys/class/nvme-generic/$(basename "$ng") ]] ||
		fail "$ng: not in class nvme-generic"
	parent=$(basename "$(readlink -f "/sys/class/nvme-generic/$(basename "$ng")/..")")
	[[ $parent == nvme0 ]] || fail "$ng: parent device $parent, want nvme0"
	need_access "$ng"

	nsid=$(nvme get-ns-id "$ng" | sed -n 's/.*namespace-id:\([0-9]*\).*/\1/p')
	want=${name##*n}
	[[ $nsid == "$want" ]] || fail "$ng: NVME_IOCTL_ID says '$nsid', want $want"

	if admin_ioctl_denied "$ng"; then
		skipped "$ng: nvme id-ns and nvme read" "nvme-cli identifies through the admin ioctl (NVME_IOCTL_ADMIN_CMD): needs CAP_SYS_ADMIN"
		info "$ng: nsid $nsid through NVME_IOCTL_ID"
		continue
	fi
	nvme id-ns "$ng" -b >"$tmp/ng.id" || fail "$ng: identify namespace"
	nvme id-ns "$blk" -b >"$tmp/blk.id" || fail "$blk: identify namespace"
	cmp -s "$tmp/ng.id" "$tmp/blk.id" || fail "$ng: identify differs from $blk's"

	need_writable "$blk"
	lbs=$(cat "/sys/block/$name/queue/logical_block_size")
	head -c $((8 * lbs)) /dev/urandom >"$tmp/pattern"
	dd if="$tmp/pattern" of="$blk" bs="$lbs" seek=300 oflag=direct status=none ||
		fail "$blk: O_DIRECT write"
	md=()
	[[ $lbs == 4096 ]] && md=(-y 64)	# 8 blocks x 8 bytes of metadata
	nvme read "$ng" -s 300 -c 7 -z $((8 * lbs)) "${md[@]}" -d "$tmp/back" >/dev/null 2>&1 ||
		fail "$ng: passthrough read"
	cmp -s "$tmp/pattern" "$tmp/back" || fail "$ng: data differs from what $blk wrote"
	info "$ng: nsid $nsid, identify and passthrough read agree with $blk"
done
