#!/usr/bin/env bash
# liburing's own test suite, built statically on the host for the guest
# (which runs it from the shared host root: tests/guest/liburing.sh).
#
# usage: tests/liburing/build.sh          fetch, unpack, build (idempotent)
#        tests/liburing/build.sh path     print the folder of the test binaries
#
# The source is Debian bookworm's liburing 2.3-3 source package (upstream
# 2.3 with a man page fix), fetched through a private deb-src list under
# build/dl/liburing-src/ (the system's apt configuration stays untouched)
# and pinned by sha256. It unpacks to build/liburing/liburing-2.3/; the
# tests are test/*.t there, linked with -static. Environment: JOBS=n, V=1.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
B=$TOP/build
DL=$B/dl
VER=2.3
DEB_VER=2.3-3
DSC=liburing_$DEB_VER.dsc
DSC_SHA=1eefd4e81c0c3c767ccc95adcb6a37d184418ea127dd9e8b68624ae911f2f66d
ORIG=liburing_$VER.orig.tar.gz
ORIG_SHA=2eac26f880125d83f75ba8641fde5d88226dd352d3cee95d45a9128758a8f1be
DEBTAR=liburing_$DEB_VER.debian.tar.xz
DEBTAR_SHA=5fe4c5ba2a1b7dadc4b132db15cb11647a201ba25e5d96acce7ca7eb54dde510
SRC=$B/liburing/liburing-$VER
STAMP=$SRC/.nvme-ucmd-built
JOBS=${JOBS:-$(nproc)}

say() { printf '  %-8s %s\n' "$1" "$2"; }
die() { echo "liburing: $*" >&2; exit 1; }
sha_ok() { [[ -f $1 && $(sha256sum "$1" | cut -d' ' -f1) == "$2" ]]; }

if [[ ${1:-} == path ]]; then
	echo "$SRC/test"
	exit 0
fi
[[ $# == 0 ]] || die "usage: tests/liburing/build.sh [path]"

[[ -f $STAMP ]] && { say OK "build/liburing/liburing-$VER (tests built)"; exit 0; }

for c in apt-get dpkg-source gcc make; do
	command -v "$c" >/dev/null || die "$c missing (make deps)"
done

fetch() {
	sha_ok "$DL/$DSC" "$DSC_SHA" && sha_ok "$DL/$ORIG" "$ORIG_SHA" &&
		sha_ok "$DL/$DEBTAR" "$DEBTAR_SHA" && return 0
	local apt=$DL/liburing-src
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	echo "deb-src http://deb.debian.org/debian bookworm main" >"$apt/sources.list"
	local opts=(-o Dir::Etc::SourceList="$apt/sources.list"
		    -o Dir::Etc::SourceParts=/dev/null
		    -o Dir::State::Lists="$apt/lists"
		    -o Dir::Cache="$apt/cache"
		    -o APT::Sandbox::User=root)
	say APT "bookworm liburing=$DEB_VER (source)"
	apt-get "${opts[@]}" -qq update || die "apt-get update (private deb-src list) failed"
	(cd "$DL" && apt-get "${opts[@]}" -qq source --download-only "liburing=$DEB_VER") ||
		die "apt-get source liburing=$DEB_VER failed"
}
mkdir -p "$DL" "$B/liburing"
fetch
sha_ok "$DL/$DSC" "$DSC_SHA" || die "$DL/$DSC: sha256 mismatch (want $DSC_SHA)"
sha_ok "$DL/$ORIG" "$ORIG_SHA" || die "$DL/$ORIG: sha256 mismatch (want $ORIG_SHA)"
sha_ok "$DL/$DEBTAR" "$DEBTAR_SHA" || die "$DL/$DEBTAR: sha256 mismatch (want $DEBTAR_SHA)"

say UNPACK "$DSC"
rm -rf "$SRC"
# --no-check: the files are pinned above (no keyring needed)
(cd "$B/liburing" && dpkg-source --no-check -x "$DL/$DSC" "liburing-$VER" >/dev/null) ||
	die "dpkg-source -x $DSC failed"

log=$B/liburing/build.log
: >"$log"
run() {	# run WHAT CMD...: quiet unless V=1; the log's tail on failure
	say "$1" "build/liburing/liburing-$VER${2:+ ($2)}"
	shift 2
	if [[ ${V:-0} == 1 ]]; then
		(cd "$SRC" && "$@") 2>&1 | tee -a "$log"
	else
		(cd "$SRC" && "$@") >>"$log" 2>&1
	fi || { tail -n 30 "$log" >&2; die "failed: $* (log: ${log#"$TOP"/})"; }
}
run CONFIG "" ./configure --cc=gcc --cxx=g++
run MAKE "liburing.a" make -j"$JOBS" -C src
# static: the guest runs them from the host root, whatever its libraries
run MAKE "tests, -static" make -j"$JOBS" -C test LDFLAGS=-static

n=$(find "$SRC/test" -maxdepth 1 -name '*.t' -type f | wc -l)
((n > 0)) || die "no test binaries in $SRC/test"
bad=$(cd "$SRC/test" && for t in *.t; do file -b "$t" | grep -q 'statically linked' || echo "$t"; done)
[[ -z $bad ]] || die "not statically linked: $bad"
touch "$STAMP"
say OK "$n tests in build/liburing/liburing-$VER/test"
