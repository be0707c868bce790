#!/usr/bin/env bash
# make lint: checkpatch.pl --strict --no-tree on every patch of the generated
# series (build/series) and every new kernel file; shellcheck on our scripts; cppcheck on userspace C.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
cd "$TOP" || exit 1
"$TOP/scripts/kernel.sh" fetch || exit 1
CP=$TOP/build/base/linux-source-5.10/scripts/checkpatch.pl
bad=0
say() { printf '  %-8s %s\n' "$1" "$2"; }

# from the base tree: inside our git checkout checkpatch misreads blank
# context lines of a patch as added whitespace
checkpatch() {
	(cd "$TOP/build/base/linux-source-5.10" &&
		perl "$CP" --strict --no-tree --quiet --show-types "$@")
}

# the series as a maintainer gets it (make kernel-series): every patch with
# the new files it adds
"$TOP/scripts/kernel.sh" series || exit 1
for p in "$TOP"/build/series/0*.patch; do
	[[ $(basename "$p") == 0000-cover-letter.patch ]] && continue
	say CHECK "build/series/$(basename "$p")"
	checkpatch "$p" || bad=1
done
while read -r f; do
	say CHECK "kernel/$f"
	# uapi headers keep upstream's own style where they copy upstream
	checkpatch -f "$TOP/kernel/$f" || bad=1
done < <(cd kernel && find . -type f \( -name '*.c' -o -name '*.h' \) | sed 's|^\./||' | sort)

if command -v shellcheck >/dev/null; then
	say SHELL "scripts, tests, .ci"
	shellcheck -S warning scripts/*.sh tests/run-all tests/vm/run-vm \
		tests/vm/ref-kernel.sh tests/vm/distro-kernel.sh tests/vm/modules.sh \
		tests/vm/guest-init tests/vm/demo.sh \
		tests/guest/run tests/guest/t/*.sh tests/bench/suite.sh tests/bench/run \
		tests/host/*.sh tests/fuzz-host/run tests/liburing/build.sh tests/liburing/run tests/guest/liburing.sh \
		.ci/run || bad=1
fi
if command -v cppcheck >/dev/null; then
	say CPPCHECK "userlib tools tests"
	mapfile -t dirs < <(ls -d userlib tools tests/unit tests/guest 2>/dev/null)
	cppcheck -q --error-exitcode=1 --enable=warning,portability \
		--inline-suppr -I kernel/include/uapi "${dirs[@]}" || bad=1
fi
# one version everywhere: the Makefile's VERSION, the header's macros, the
# newest node of the library's version script, debian/changelog
say VERSION "Makefile, nvme-ucmd.h, libnvme-ucmd.map, debian/changelog"
v=$(sed -n 's/^VERSION[[:space:]]*:= *//p' Makefile)
h=$(sed -n 's/^#define NVMEU_VERSION_STRING[[:space:]]*"\(.*\)"/\1/p' userlib/include/nvme-ucmd.h)
hn=$(awk '/^#define NVMEU_VERSION_(MAJOR|MINOR|PATCH)/ { printf "%s%s", s, $3; s = "." }' userlib/include/nvme-ucmd.h)
m=$(sed -n 's/^LIBNVME_UCMD_\([0-9.]*\) {/\1/p' userlib/libnvme-ucmd.map | tail -n 1)
c=$(sed -n '1s/^nvme-ucmd (\([^)]*\)).*/\1/p' debian/changelog)
for w in "$h" "$hn" "$m.${v##*.}" "$c"; do
	[[ $w == "$v" ]] && continue
	echo "version mismatch: Makefile $v, header $h ($hn), map node $m, changelog $c" >&2
	bad=1
	break
done
((bad == 0)) && say LINT clean
exit $bad
