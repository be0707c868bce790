#!/usr/bin/env bash
# nvme-ucmd identify: what `make run` shows. On a namespace node it names
# the controller and the namespace; on the controller node the controller;
# every form this kernel has gives the same answer. Identify needs no
# privilege through uring_cmd; the ioctl form needs CAP_SYS_ADMIN, so
# without it the forms are compared with --form auto instead.
. "$(dirname "$0")/cli-lib.inc"
need_cli
need_cli_identify "$NG1" "$NVME_CTRL"

out=$("$U" identify $NG1) || fail "identify $NG1 failed"
info "$out"
grep -q "^$NG1: namespace 1 of controller nvme0$" <<<"$out" || fail "no namespace line"
grep -q "^  model          QEMU NVMe Ctrl$" <<<"$out" || fail "no model line"
grep -q "^  size           512 MiB (1048576 blocks)" <<<"$out" || fail "no size line"
grep -q "^  LBA format     .*512-byte blocks$" <<<"$out" || fail "no format line"

out=$("$U" identify $NG2) || fail "identify $NG2 failed"
grep -q "4096-byte blocks, 8 bytes of metadata (separate buffer)" <<<"$out" ||
	fail "$NG2: format line: $out"

out=$("$U" identify $NVME_CTRL) || fail "identify $NVME_CTRL failed"
grep -q "^$NVME_CTRL: controller nvme0$" <<<"$out" || fail "controller line: $out"
grep -q "size" <<<"$out" && fail "controller node printed a namespace"

ref=ioctl
if cli_denied "--form ioctl" "$U" identify $NG1 --form ioctl; then
	ref=auto
	info "the forms are compared with --form auto"
fi
want=$("$U" identify $NG1 --form $ref) || fail "identify --form $ref failed"
for form in auto big compact indirect; do
	[[ $form == "$ref" ]] && continue
	if got=$("$U" identify $NG1 --form "$form" 2>/dev/null); then
		[[ $got == "$want" ]] || fail "--form $form differs from $ref"
		info "--form $form: same as $ref"
	elif ! cli_denied "--form $form" "$U" identify $NG1 --form "$form"; then
		info "--form $form: not supported by this kernel"
	fi
done
