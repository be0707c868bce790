#!/usr/bin/env bash
# Data written with nvme-ucmd write reads back through the block device
# (dd iflag=direct) and data written through the block device reads back
# with nvme-ucmd read, in every form the kernel has; separate metadata on
# namespace 2; compare, write-zeroes and dsm. Needs write access to the
# nodes; without CAP_SYS_ADMIN the ioctl form is left out.
. "$(dirname "$0")/cli-lib.inc"
need_cli
need_writable "$NG1"
need_writable "$NVME_NS1"
need_cli_identify "$NG1"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -c 65536 /dev/urandom >"$tmp/a"
head -c 65536 /dev/urandom >"$tmp/b"

forms=()
for f in auto big compact indirect ioctl; do
	if "$U" read $NG1 -s 0 -c 0 --form "$f" >/dev/null 2>&1; then
		forms+=("$f")
	else
		cli_denied "--form $f" "$U" read $NG1 -s 0 -c 0 --form "$f"
	fi
done
info "forms: ${forms[*]}"

lba=2048
for f in "${forms[@]}"; do
	"$U" write $NG1 -s $lba -c 127 -d "$tmp/a" --form "$f" 2>/dev/null || fail "$f: write"
	dd if=$NVME_NS1 bs=512 skip=$lba count=128 iflag=direct status=none |
		cmp - "$tmp/a" || fail "$f: dd reads other data than nvme-ucmd wrote"
	dd if="$tmp/b" of=$NVME_NS1 bs=512 seek=$lba count=128 oflag=direct status=none
	"$U" read $NG1 -s $lba -c 127 --form "$f" | cmp - "$tmp/b" ||
		fail "$f: nvme-ucmd reads other data than dd wrote"
	"$U" read $NG1 -s $lba -c 127 --form "$f" -d "$tmp/r" || fail "$f: read -d"
	cmp "$tmp/r" "$tmp/b" || fail "$f: read -d: other data"
	"$U" compare $NG1 -s $lba -c 127 -d "$tmp/b" --form "$f" 2>/dev/null ||
		fail "$f: compare of equal data failed"
	if "$U" compare $NG1 -s $lba -c 127 -d "$tmp/a" --form "$f" 2>"$tmp/err"; then
		fail "$f: compare of different data passed"
	fi
	grep -q "Compare Failure" "$tmp/err" || fail "$f: compare: $(cat "$tmp/err")"
	info "$f: write/dd, dd/read, compare: ok"
	lba=$((lba + 128))
done

# write from stdin
"$U" write $NG1 -s 4096 -c 15 <"$tmp/a" 2>/dev/null || fail "write from stdin"
dd if=$NVME_NS1 bs=512 skip=4096 count=16 iflag=direct status=none |
	cmp - <(head -c 8192 "$tmp/a") || fail "stdin data differ"

# namespace 2: 4096-byte blocks, 8 bytes of separate metadata
if [[ -e $NG2 ]]; then
	head -c 64 /dev/urandom >"$tmp/md"
	"$U" write $NG2 -s 10 -c 7 -d "$tmp/a" -M "$tmp/md" 2>/dev/null || fail "ns2 write"
	"$U" read $NG2 -s 10 -c 7 -d "$tmp/r" -M "$tmp/mr" || fail "ns2 read"
	cmp <(head -c 32768 "$tmp/a") "$tmp/r" || fail "ns2 data differ"
	cmp "$tmp/md" "$tmp/mr" || fail "ns2 metadata differ"
	dd if=$NVME_NS2 bs=4096 skip=10 count=8 iflag=direct status=none |
		cmp - <(head -c 32768 "$tmp/a") || fail "ns2: dd reads other data"
	info "ns2: data and separate metadata round trip"
fi

# write-zeroes and dsm
"$U" write-zeroes $NG1 -s 2048 -c 7 >/dev/null || fail "write-zeroes"
dd if=$NVME_NS1 bs=512 skip=2048 count=8 iflag=direct status=none |
	cmp - <(head -c 4096 /dev/zero) || fail "write-zeroes left data"
"$U" dsm $NG1 --slbs=2056,2064 --blocks=8,8 --ad >/dev/null || fail "dsm"
"$U" flush $NG1 >/dev/null || fail "flush"
info "write-zeroes, dsm, flush: ok"
