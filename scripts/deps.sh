#!/usr/bin/env bash
# Install, with apt-get, the Debian packages nvme-ucmd needs that are missing.
# Idempotent: does nothing (and needs no root) when everything is present.
#
# usage: scripts/deps.sh [--print]     --print lists the missing packages only
set -euo pipefail

PKGS=(
	# kernel build
	build-essential bc bison flex libelf-dev libssl-dev cpio xz-utils ccache
	rsync kmod perl python3 shellcheck cppcheck
	# VM
	qemu-system-x86 busybox-static
	# userspace build and tests
	pkg-config liburing-dev libnvme-dev libjson-c-dev libcunit1-dev
	libaio-dev nvme-cli fio gnuplot-nox
	# 32-bit test binaries (compat: tests/guest/compat_vec.c)
	gcc-multilib
	# the SELinux policy of the LSM hook's test (nvme-48-selinux)
	checkpolicy
	# host fuzzing (tests/fuzz-host): libFuzzer is in libclang-rt-dev,
	# which clang only recommends
	clang libclang-rt-dev
	# Debian packages of the userspace (make deb-userspace, debian/)
	debhelper dpkg-dev lintian
)

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	[[ $st == ii* ]] || missing+=("$p")
done

if [[ ${1:-} == --print ]]; then
	printf '%s\n' "${missing[@]}"
	exit 0
fi

if ((${#missing[@]} == 0)); then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if ((EUID != 0)); then
	echo "deps: missing packages: ${missing[*]}" >&2
	echo "deps: not root; run this as root, then re-run make:" >&2
	echo "    sudo sh -c '$cmd'" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
