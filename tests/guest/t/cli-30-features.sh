#!/usr/bin/env bash
# get-feature prints nvme-cli's line with the same value as nvme's; a value
# set with set-feature is what nvme get-feature reads back. Get and Set
# Features need CAP_SYS_ADMIN in every form, and so does nvme-cli's ioctl.
. "$(dirname "$0")/cli-lib.inc"
need_cli
need_cmd nvme
denied "$U" get-feature $NVME_CTRL -f 7 &&
	skip "nvme-ucmd get-feature $NVME_CTRL: $(denied_err): Get Features needs CAP_SYS_ADMIN"
admin_ioctl_denied $NVME_CTRL &&
	skip "compares with nvme-cli, which uses the admin ioctl (NVME_IOCTL_ADMIN_CMD): needs CAP_SYS_ADMIN"

value() { sed -n 's/.*value:\(0x[0-9a-f]*\).*/\1/p' | head -1; }

for dev in $NVME_CTRL $NG1; do
	for fid in 0x04 0x06 0x07 0x08 0x0b; do
		mine=$("$U" get-feature "$dev" -f $fid | head -1) || fail "nvme-ucmd get-feature $dev -f $fid"
		ref=$(nvme get-feature $NVME_CTRL -f $fid | head -1) || fail "nvme get-feature -f $fid"
		[[ $(value <<<"$mine") == "$(value <<<"$ref")" ]] ||
			fail "$dev -f $fid: '$mine' vs '$ref'"
		info "$dev -f $fid: $mine"
	done
done
mine=$("$U" get-feature $NVME_CTRL -f 7 | head -1)
ref=$(nvme get-feature $NVME_CTRL -f 7 | head -1)
[[ $mine == "$ref" ]] || fail "get-feature line: '$mine' vs '$ref'"

v=$("$U" get-feature $NVME_CTRL -f 7 -o json |
	python3 -c 'import json,sys; print(hex(json.load(sys.stdin)["value"]))')
[[ $(printf '0x%08x' "$v") == "$(value <<<"$ref")" ]] || fail "json value $v vs $ref"

# Temperature threshold (fid 4): set through nvme-ucmd, read through nvme.
old=$(nvme get-feature $NVME_CTRL -f 4 | value)
"$U" set-feature $NVME_CTRL -f 4 -v 0x150 >/dev/null || fail "set-feature -f 4"
now=$(nvme get-feature $NVME_CTRL -f 4 | value)
[[ $now == 0x00000150 ]] || fail "set-feature -f 4 -v 0x150: nvme reads $now"
"$U" set-feature $NVME_CTRL -f 4 -v "$old" >/dev/null || fail "set-feature back"
info "set-feature -f 4: 0x150 read back by nvme, restored $old"
