#!/usr/bin/env bash
# The upstream reference kernel: Debian bookworm's linux-image-6.1.0-*-amd64,
# booted by run-vm --ref with the same drives, so that what our guest tests
# expect is checked against upstream's behaviour.
#
# usage: tests/vm/ref-kernel.sh fetch   download and unpack it under build/ref/
#        tests/vm/ref-kernel.sh env     print REF_KERNEL, REF_VERSION and
#                                       REF_MODULES (bash) for run-vm
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
R=$TOP/build/ref

# Crypto back ends nvme-core's t10-pi needs but modules.dep cannot name.
SOFT_FIRST=(crct10dif_generic crc64_rocksoft_generic)
# (Debian builds no nvme-loop: the loop target exists only on our kernel.
# nvme-tcp, and nvme-fabrics with it: the fake controller of nvme-84-lbads.)
WANT=(nvme nvme-tcp null_blk 9p 9pnet_virtio virtio_pci)

die() { echo "ref-kernel: $*" >&2; exit 1; }

ref_pkg() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-6\.1\.[0-9.-]*-amd64\)$/\1/p' | head -n 1
}

fetch() {
	[[ -f $R/version ]] && return 0
	local pkg
	pkg=$(ref_pkg)
	if [[ -z $pkg && $EUID == 0 ]]; then
		apt-get update -qq
		pkg=$(ref_pkg)
	fi
	[[ -n $pkg ]] || die "apt-cache knows no linux-image-amd64 (run apt-get update)"
	rm -rf "$R"
	mkdir -p "$R/dl"
	echo "  APT      $pkg"
	(cd "$R/dl" && apt-get -qq -o APT::Sandbox::User=root download "$pkg") ||
		die "apt-get download $pkg failed"
	dpkg-deb -x "$R"/dl/*.deb "$R/root"
	rm -rf "$R/dl"
	local ver
	ver=$(ls "$R/root/lib/modules" | head -n 1)
	[[ -f $R/root/boot/vmlinuz-$ver ]] || die "no vmlinuz in $pkg"
	depmod -b "$R/root" "$ver" || die "depmod failed"
	echo "$ver" >"$R/version"
	echo "  REF      $ver"
}

# closure()
# shellcheck source=tests/vm/modules.sh
. "$TOP/tests/vm/modules.sh"

env_() {
	[[ -f $R/version ]] || die "not fetched: make ref-kernel"
	local ver dir
	ver=$(cat "$R/version")
	dir=$R/root/lib/modules/$ver
	echo "REF_VERSION=$ver"
	echo "REF_KERNEL=$R/root/boot/vmlinuz-$ver"
	echo "REF_MODULES=("
	closure "$dir" "${SOFT_FIRST[@]}" "${WANT[@]}" | sed 's/.*/  "&"/'
	echo ")"
}

case ${1:-} in
fetch) fetch ;;
env) env_ ;;
*) sed -n '2,/^set -e/p' "$0" | sed -e '/^set -e/d' -e 's/^# \{0,1\}//'; exit 2 ;;
esac
