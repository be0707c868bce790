#!/usr/bin/env bash
# admin-passthru and io-passthru with nvme-cli's options: Identify through
# admin-passthru is id-ctrl's data; a read through io-passthru is the
# block's data; --dry-run shows the command and sends nothing. Identify,
# read and write through uring_cmd need no privilege, only write access.
. "$(dirname "$0")/cli-lib.inc"
need_cli
need_writable "$NG1"
need_writable "$NVME_NS1"
need_cli_identify "$NG1" "$NVME_CTRL"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$U" id-ctrl $NVME_CTRL -b >"$tmp/idc" || fail "id-ctrl -b"
[[ $(stat -c %s "$tmp/idc") == 4096 ]] || fail "id-ctrl -b: not 4096 bytes"
"$U" admin-passthru $NVME_CTRL --opcode=0x06 --cdw10=1 --data-len=4096 --read \
	--raw-binary >"$tmp/pt" || fail "admin-passthru identify"
cmp "$tmp/idc" "$tmp/pt" || fail "admin-passthru data differ from id-ctrl -b"
out=$("$U" admin-passthru $NG1 -O 6 -4 1 -l 4096 -r) || fail "admin-passthru on ng"
grep -q "^NVMe command result:00000000$" <<<"$out" || fail "result line: $out"

head -c 4096 /dev/urandom >"$tmp/d"
dd if="$tmp/d" of=$NVME_NS1 bs=4096 seek=100 count=1 oflag=direct status=none
"$U" io-passthru $NG1 --opcode=0x02 --namespace-id=1 --cdw10=800 --cdw12=7 \
	--data-len=4096 --read -b >"$tmp/r" || fail "io-passthru read"
cmp "$tmp/d" "$tmp/r" || fail "io-passthru read other data"
head -c 4096 /dev/urandom >"$tmp/w"
"$U" io-passthru $NG1 -O 1 -n 1 -4 800 -6 7 -l 4096 -w -i "$tmp/w" >/dev/null ||
	fail "io-passthru write"
dd if=$NVME_NS1 bs=4096 skip=100 count=1 iflag=direct status=none | cmp - "$tmp/w" ||
	fail "io-passthru write: dd reads other data"

out=$("$U" io-passthru $NG1 -O 1 -n 1 -4 800 -6 7 -l 4096 -w -i /dev/zero --dry-run) ||
	fail "dry-run"
grep -q "^opcode       : 0x01$" <<<"$out" || fail "dry-run: $out"
grep -q "^cdw10        : 0x00000320$" <<<"$out" || fail "dry-run cdw10: $out"
dd if=$NVME_NS1 bs=4096 skip=100 count=1 iflag=direct status=none | cmp - "$tmp/w" ||
	fail "dry-run wrote"
info "admin-passthru, io-passthru, dry-run: ok"
