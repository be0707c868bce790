#!/usr/bin/env bash
# Our kernel as a distribution ships it: the linux-image package that
# `make deb` builds (FLAVOR=distro: Debian's configuration, modular NVMe),
# unpacked for run-vm --distro. The initramfs loads only what mounting the
# root needs (virtio, 9p), as Debian's would; the guest loads the rest by
# modalias from the package's /lib/modules (tests/vm/guest-init).
#
# usage: tests/vm/distro-kernel.sh unpack  unpack build/deb-kernel's
#                                          linux-image into build/distro-root
#        tests/vm/distro-kernel.sh env     print DISTRO_KERNEL,
#                                          DISTRO_VERSION, DISTRO_MODDIR and
#                                          DISTRO_MODULES (bash) for run-vm
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
D=$TOP/build/distro-root
# what the root file system needs before /lib/modules is there
ROOT_MODULES=(virtio_pci 9pnet_virtio 9p)

die() { echo "distro-kernel: $*" >&2; exit 1; }

# closure()
# shellcheck source=tests/vm/modules.sh
. "$TOP/tests/vm/modules.sh"

unpack() {
	local debs=() ver f
	for f in "$TOP"/build/deb-kernel/linux-image-*.deb; do
		[[ -f $f && $f != *-dbg_* ]] && debs+=("$f")
	done
	((${#debs[@]} == 1)) || die "want one linux-image package in build/deb-kernel (make deb)"
	if [[ -f $D/package && $(cat "$D/package") == "$(sha256sum "${debs[0]}")" ]]; then
		return 0
	fi
	rm -rf "$D"
	mkdir -p "$D"
	dpkg-deb -x "${debs[0]}" "$D"
	ver=$(ls "$D/lib/modules" | head -n 1)
	[[ -f $D/boot/vmlinuz-$ver ]] || die "no vmlinuz in ${debs[0]}"
	depmod -b "$D" "$ver" || die "depmod failed"
	echo "$ver" >"$D/version"
	sha256sum "${debs[0]}" >"$D/package"
	echo "  DISTRO   $ver ($(basename "${debs[0]}"))"
}

env_() {
	[[ -f $D/version ]] || die "not unpacked: make deb, then $0 unpack"
	local ver
	ver=$(cat "$D/version")
	echo "DISTRO_VERSION=$ver"
	echo "DISTRO_KERNEL=$D/boot/vmlinuz-$ver"
	echo "DISTRO_MODDIR=$D/lib/modules"
	echo "DISTRO_MODULES=("
	closure "$D/lib/modules/$ver" "${ROOT_MODULES[@]}" | sed 's/.*/  "&"/'
	echo ")"
}

case ${1:-} in
unpack) unpack ;;
env) env_ ;;
*) sed -n '2,/^set -e/p' "$0" | sed -e '/^set -e/d' -e 's/^# \{0,1\}//'; exit 2 ;;
esac
