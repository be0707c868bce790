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

# The pinned package: Debian bookworm's 6.1 kernel image, fetched from the
# archive's pool by URL and checked against its sha256. When the archive
# drops it (a security update supersedes it), take the current one's
# Filename and SHA256 from `apt-cache show linux-image-6.1.0-NN-amd64`.
REF_PKG=linux-image-6.1.0-57-amd64
REF_DEB_VER=6.1.192-3
REF_URL=http://deb.debian.org/debian-security/pool/updates/main/l/linux-signed-amd64/${REF_PKG}_${REF_DEB_VER}_amd64.deb
REF_SHA=14d219d01e1283261817d961dbb3895cb5b4288d0de10e0ba0632a0d993e15bf

fetch() {
	local stamp="$REF_PKG $REF_DEB_VER $REF_SHA" deb=$R/dl/ref.deb
	[[ -f $R/version && -f $R/pin && $(cat "$R/pin") == "$stamp" ]] && return 0
	rm -rf "$R"
	mkdir -p "$R/dl"
	echo "  FETCH    $REF_PKG $REF_DEB_VER (sha256 ${REF_SHA:0:8}...)"
	/usr/lib/apt/apt-helper -o APT::Sandbox::User=root download-file \
		"$REF_URL" "$deb" "SHA256:$REF_SHA" >"$R/dl/log" 2>&1 ||
		die "$REF_URL: $(tail -n 1 "$R/dl/log") (gone from the archive? see REF_* in $0)"
	dpkg-deb -x "$deb" "$R/root"
	rm -rf "$R/dl"
	local ver
	ver=$(ls "$R/root/lib/modules" | head -n 1)
	[[ -f $R/root/boot/vmlinuz-$ver ]] || die "no vmlinuz in $REF_PKG"
	depmod -b "$R/root" "$ver" || die "depmod failed"
	echo "$ver" >"$R/version"
	echo "$stamp" >"$R/pin"
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
