#!/usr/bin/env bash
# The pipeline works end to end: the default drives appear with the LBA
# sizes run-vm gave them, and a block written with O_DIRECT reads back equal.
# Needs write access to the block node, no privilege.
. "$(dirname "$0")/../lib.sh"
need_node "$NVME_CTRL"
need_node "$NVME_NS1"
need_node "$NVME_NS2"
need_writable "$NVME_NS1"

lbs() { cat "/sys/block/$(basename "$1")/queue/logical_block_size"; }
[[ $(lbs $NVME_NS1) == 512 ]] || fail "$NVME_NS1: LBA size $(lbs $NVME_NS1), want 512"
[[ $(lbs $NVME_NS2) == 4096 ]] || fail "$NVME_NS2: LBA size $(lbs $NVME_NS2), want 4096"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c 65536 /dev/urandom >"$tmp/pattern"
dd if="$tmp/pattern" of=$NVME_NS1 bs=4096 count=16 seek=100 oflag=direct status=none ||
	fail "O_DIRECT write to $NVME_NS1"
dd if=$NVME_NS1 of="$tmp/back" bs=4096 count=16 skip=100 iflag=direct status=none ||
	fail "O_DIRECT read from $NVME_NS1"
cmp "$tmp/pattern" "$tmp/back" || fail "$NVME_NS1: data read back differs"
info "$NVME_NS1: 64 KiB at LBA 800 written and read back with O_DIRECT"
