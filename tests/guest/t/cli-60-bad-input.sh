#!/usr/bin/env bash
# Bad input gets one line on stderr and a non-zero exit: no device, a
# missing node, a block device, a partition, an unknown command or option,
# an LBA past the end, an admin command from a user without the privilege.
# Most cases fail before a device is opened; those that need it opened (or
# an admin command) are left out where that is refused, since their one
# line would be the refusal rather than the error under test.
. "$(dirname "$0")/cli-lib.inc"
need_cli

e=expect_one_line_error
# A case that opens the device (Identify) or sends an admin command.
e_dev() {
	cli_denied "$1" "${@:2}" || $e "$@"
}
$e "no device" "$U" identify
$e "missing node" "$U" identify /dev/ng9n9
$e "block device" "$U" identify $NVME_NS1
$e "not nvme" "$U" id-ctrl /dev/null
$e "unknown command" "$U" frobnicate $NG1
$e "unknown option" "$U" id-ctrl $NG1 --frobnicate
$e "bad number" "$U" read $NG1 -s 12x
$e "number out of range" "$U" get-feature $NG1 -f 0x100
$e "missing required option" "$U" get-feature $NG1
$e "controller for an I/O command" "$U" read $NVME_CTRL -s 0
e_dev "LBA out of range" "$U" read $NG1 -s 1048576
e_dev "LBA range past the end" "$U" read $NG1 -s 1048575 -c 1
$e "bad output format" "$U" id-ctrl $NG1 -o yaml
e_dev "NVMe status" "$U" get-log $NG1 -i 0xbf -l 4 -n 1

# With CAP_SYS_ADMIN, drop to nobody for the case; without it this is
# already a user that Get Features (admin) is refused to.
if ! have_cap $CAP_SYS_ADMIN; then
	denied "$U" get-feature $NVME_CTRL -f 7 ||
		fail "not privileged: get-feature was not refused for want of privilege"
	$e "not privileged" "$U" get-feature $NVME_CTRL -f 7
elif command -v setpriv >/dev/null; then
	$e "not root" setpriv --reuid=65534 --regid=65534 --clear-groups "$U" id-ctrl $NVME_CTRL
else
	info "setpriv missing: non-root case not run"
fi

if command -v sfdisk >/dev/null && command -v blockdev >/dev/null; then
	if denied blockdev --rereadpt $NVME_NS1; then
		skipped "partition" "re-reading the partition table (BLKRRPART): $(denied_err): needs CAP_SYS_ADMIN"
	else
		echo ',64M' | sfdisk -q $NVME_NS1 >/dev/null 2>&1
		blockdev --rereadpt $NVME_NS1 2>/dev/null
		for _ in 1 2 3 4 5; do [[ -e ${NVME_NS1}p1 ]] && break; sleep 0.2; done
		if [[ -e ${NVME_NS1}p1 ]]; then
			$e "partition" "$U" identify ${NVME_NS1}p1
		else
			info "no partition node appeared: partition case not run"
		fi
		dd if=/dev/zero of=$NVME_NS1 bs=4096 count=256 oflag=direct status=none
		blockdev --rereadpt $NVME_NS1 2>/dev/null
	fi
else
	info "sfdisk missing: partition case not run"
fi
exit 0
