#!/usr/bin/env bash
# Unmodified fio (io_uring_cmd engine, cmd_type=nvme: upstream's 128-byte
# SQE form) runs a verified random write/read job on /dev/ng0n1. The
# engine identifies the namespace through the admin ioctl: CAP_SYS_ADMIN.
. "$(dirname "$0")/../lib.sh"
need_cmd fio
need_node /dev/ng0n1
need_writable /dev/ng0n1
admin_ioctl_denied /dev/ng0n1 &&
	skip "fio's io_uring_cmd engine identifies the namespace through the admin ioctl (NVME_IOCTL_ADMIN_CMD): needs CAP_SYS_ADMIN"
fio --enghelp=io_uring_cmd >/dev/null 2>&1 || skip "fio has no io_uring_cmd engine"

cd /tmp || fail "no /tmp"
out=$(fio --thread --name=ucmd-verify --filename=/dev/ng0n1 --ioengine=io_uring_cmd \
	--cmd_type=nvme --rw=randwrite --bs=4k --offset=256m --size=16m \
	--iodepth=32 --verify=crc32c --do_verify=1 --verify_fatal=1 \
	--randrepeat=0 --verify_state_save=0 --output-format=terse 2>&1)
rc=$?
echo "$out" | tail -n 5
((rc == 0)) || fail "fio exited $rc"
info "fio io_uring_cmd: 16 MiB random write + crc32c verify on /dev/ng0n1"
