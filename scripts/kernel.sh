#!/usr/bin/env bash
# The kernel side of nvme-ucmd's build: the pinned 5.10 base, the series, the
# configuration fragments and an out-of-tree bzImage.
#
# usage: scripts/kernel.sh COMMAND [FLAVOR]
#   fetch          obtain and verify the base, unpack it under build/base/
#   tree           bring build/src/ (base + series + new files) up to date
#   config FLAVOR  write build/obj-FLAVOR/.config from kernel/configs/
#                  (vm, debug: allnoconfig + fragments; distro: Debian's
#                  configuration trimmed, kernel/configs/distro.*)
#   build FLAVOR   build build/obj-FLAVOR/arch/x86/boot/bzImage (and the
#                  modules, for distro)
#   path FLAVOR    print the bzImage path
#   deb [FLAVOR]   Debian packages of the kernel (bindeb-pkg: linux-image,
#                  linux-headers, linux-libc-dev), distro by default, in
#                  build/deb-kernel/
#   tree-git       build/kernel-tree/: a git tree, one commit per patch
#   export         write build/kernel-tree/'s commits back to kernel/
#   series         build/series/: the series as git format-patch output, every
#                  file created or changed by the patch that introduces it,
#                  with a cover letter
#   fetch-orig     obtain and verify vanilla 5.10.223 (Debian's orig tarball)
#   series-check   git am build/series onto Debian's base and onto vanilla
#                  5.10.223 and compare with build/src
#   bisect-check [FLAVOR]  build every step of the series (vm by default)
#
# Environment: KERNEL_DEB=file.deb (the base package), KERNEL_SRC=dir (build
# your own tree: no base, no series), JOBS=n, V=1, NO_CCACHE=1 (compile
# without ccache), CCACHE_DIR and CCACHE_MAXSIZE (12G) as ccache reads them.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$TOP/build
BASE_VER=5.10.223
DEB_NAME=linux-source-5.10_5.10.223-1_all.deb
DEB_SHA=f733d27d239d65598d96d7a72f71ac50f49f2380192a1b3b4ca2f5ad5144dd63
TAR_SHA=4aa4fbb62e2d957ed78841347492e736cc88f00689b57dac09959bda6d2b6f0e
BASE=$B/base/linux-source-5.10
# vanilla 5.10.223: Debian's orig tarball of linux 5.10.223-1 (bullseye)
ORIG_NAME=linux_5.10.223.orig.tar.xz
ORIG_SHA=5272175427d036677539b9ef88a6bc30e455aca2d4fe9a942b2926ef7967ad20
ORIG=$B/base/linux-5.10.223
# Debian's own configuration of the base (bullseye's linux-config-5.10 of
# the same version), amd64 "none" flavour: where FLAVOR=distro starts
DCONF_NAME=linux-config-5.10_5.10.223-1_amd64.deb
DCONF_SHA=bae13f7451af3b274c3ea7dca2f6b1d99b095036a3e75614970eb484ca7a2e12
DCONF_FILE=config.amd64_none_amd64
SRC=$B/src
KDIR=$TOP/kernel
JOBS=${JOBS:-$(nproc)}

# ccache, when installed (scripts/deps.sh installs it) and NO_CCACHE is
# unset: every kernel build of every clone on this machine shares one cache
# (the user's, ccache's default place). Paths are hashed relative to the
# clone, so a fresh clone's first build hits what an earlier clone built.
KCC=()
if [[ -z ${NO_CCACHE:-} ]] && command -v ccache >/dev/null; then
	KCC=(CC="ccache gcc")
	export CCACHE_BASEDIR=$TOP CCACHE_NOHASHDIR=true
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-12G}
fi

say() { printf '  %-8s %s\n' "$1" "$2"; }
die() { echo "kernel: $*" >&2; exit 1; }

sha_ok() { [[ $(sha256sum "$1" | cut -d' ' -f1) == "$2" ]]; }

# apt_private NAME LINE...: a private apt source list of these lines and
# its state under build/dl/NAME, updated; the system's apt configuration
# and state stay untouched. Leaves the options in APT_OPTS.
apt_private() {
	local apt=$B/dl/$1
	shift
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	printf '%s\n' "$@" >"$apt/sources.list"
	APT_OPTS=(-o Dir::Etc::SourceList="$apt/sources.list"
		  -o Dir::Etc::SourceParts=/dev/null
		  -o Dir::State::Lists="$apt/lists"
		  -o Dir::Cache="$apt/cache"
		  -o APT::Sandbox::User=root)
	apt-get "${APT_OPTS[@]}" -qq update
}

download_deb() {
	say APT "bullseye linux-source-5.10=5.10.223-1"
	apt_private apt "deb http://deb.debian.org/debian bullseye main"
	(cd "$B/dl" && apt-get "${APT_OPTS[@]}" download "linux-source-5.10=5.10.223-1")
}

find_deb() {
	if [[ -n ${KERNEL_DEB:-} ]]; then
		[[ -f $KERNEL_DEB ]] || die "KERNEL_DEB=$KERNEL_DEB: no such file"
		echo "$KERNEL_DEB"
	elif [[ -f $TOP/../shared/cache/$DEB_NAME ]]; then
		echo "$TOP/../shared/cache/$DEB_NAME"
	else
		[[ -f $B/dl/$DEB_NAME ]] || download_deb >&2
		echo "$B/dl/$DEB_NAME"
	fi
}

cmd_fetch() {
	[[ -f $BASE/.nvme-ucmd-base ]] && return 0
	mkdir -p "$B/dl" "$B/base"
	local deb
	deb=$(find_deb)
	sha_ok "$deb" "$DEB_SHA" || die "$deb: sha256 mismatch (want $DEB_SHA)"
	say UNPACK "$(basename "$deb")"
	rm -rf "$BASE" "$B/dl/linux-source-5.10.tar.xz"
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xO ./usr/src/linux-source-5.10.tar.xz >"$B/dl/linux-source-5.10.tar.xz"
	sha_ok "$B/dl/linux-source-5.10.tar.xz" "$TAR_SHA" ||
		die "linux-source-5.10.tar.xz: sha256 mismatch"
	tar -xJf "$B/dl/linux-source-5.10.tar.xz" -C "$B/base"
	rm -f "$B/dl/linux-source-5.10.tar.xz"
	grep -q "^SUBLEVEL = ${BASE_VER##*.}$" "$BASE/Makefile" ||
		die "unpacked tree is not $BASE_VER"
	chmod -R a-w "$BASE"
	touch "$BASE/.nvme-ucmd-base" 2>/dev/null ||
		{ chmod u+w "$BASE"; touch "$BASE/.nvme-ucmd-base"; chmod u-w "$BASE"; }
}

# vanilla 5.10.223 for series-check: apt-get source from bullseye (the .dsc
# and Debian's own patches come along, unused).
download_orig() {
	say APT "bullseye source linux=5.10.223-1 ($ORIG_NAME)"
	apt_private apt-src "deb-src http://deb.debian.org/debian bullseye main" \
		"deb-src http://deb.debian.org/debian-security bullseye-security main"
	(cd "$B/dl" && apt-get "${APT_OPTS[@]}" -qq source --download-only "linux=5.10.223-1")
}

cmd_fetch_orig() {
	[[ -f $ORIG/.nvme-ucmd-base ]] && return 0
	mkdir -p "$B/dl" "$B/base"
	local tar=$TOP/../shared/cache/$ORIG_NAME
	if [[ ! -f $tar ]]; then
		tar=$B/dl/$ORIG_NAME
		[[ -f $tar ]] || download_orig >&2
	fi
	sha_ok "$tar" "$ORIG_SHA" || die "$tar: sha256 mismatch (want $ORIG_SHA)"
	say UNPACK "$ORIG_NAME"
	rm -rf "$ORIG"
	tar -xJf "$tar" -C "$B/base"
	grep -q "^SUBLEVEL = ${BASE_VER##*.}$" "$ORIG/Makefile" ||
		die "$ORIG_NAME is not $BASE_VER"
	chmod -R a-w "$ORIG"
	chmod u+w "$ORIG"
	touch "$ORIG/.nvme-ucmd-base"
	chmod u-w "$ORIG"
}

# New files: everything under kernel/ but the series and the configs.
overlay_files() {
	(cd "$KDIR" && find . -type f ! -path './patches/*' ! -path './configs/*' \
		! -name '*~' ! -name '.*' | sed 's|^\./||' | LC_ALL=C sort)
}

series() {
	[[ -f $KDIR/patches/series ]] || return 0
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$KDIR/patches/series"
}

patched_files() {
	local p
	for p in $(series); do
		# (a patch without a diff has none)
		{ grep -E '^\+\+\+ b/' "$KDIR/patches/$p" || true; } |
			sed -e 's|^+++ b/||' -e 's/\t.*//'
	done | LC_ALL=C sort -u
}

# A patch of the series may carry no diff: its message, and "Adds: path"
# lines naming the whole files under kernel/ that it creates (or, for a
# base file kept whole, such as include/uapi/linux/nvme_ioctl.h, replaces).
has_diff() { grep -q '^+++ ' "$1"; }
adds_of() { sed -n 's/^Adds: //p' "$1"; }

added_files() {
	local p
	for p in $(series); do adds_of "$KDIR/patches/$p"; done | LC_ALL=C sort -u
}

# copy_base_files DIR FILE...: the base's version of each FILE in DIR
# (written only where it differs); a file the base lacks is removed.
copy_base_files() {
	local dir=$1 f
	shift
	for f in "$@"; do
		if [[ -f $BASE/$f ]]; then
			copy_if_changed "$BASE/$f" "$dir/$f"
		else
			rm -f "$dir/$f"
		fi
	done
}

# copy_if_changed FROM TO: keep TO's mtime (kbuild) when it already matches.
copy_if_changed() {
	cmp -s "$1" "$2" && return 0
	mkdir -p "$(dirname "$2")"
	cp "$1" "$2"
	chmod u+w "$2"
}

# A git identity for the commits the series is replayed into (committer
# only: the patches carry their authors).
git_env() {
	export GIT_COMMITTER_NAME="nvme-ucmd series" \
		GIT_COMMITTER_EMAIL="series@localhost" \
		GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
}

# base_commit DIR: DIR (a copy of a base tree) as a git repository, its
# content committed and tagged nvme-ucmd-base. Debian's top-level
# .gitignore ignores everything: the base commit takes every file.
base_commit() {
	git_env
	git -C "$1" init -q
	# no background gc: it would race with the next run's rm -rf
	git -C "$1" config gc.auto 0
	git -C "$1" add -f -A .
	GIT_AUTHOR_NAME=base GIT_AUTHOR_EMAIL=base@localhost \
		git -C "$1" commit -q -m "base: $BASE_VER"
	git -C "$1" tag nvme-ucmd-base
}

# A patch without a diff becomes a commit of its message alone.
commit_message_only() {
	local g=$1 p=$2 msg info
	msg=$(mktemp)
	info=$(mktemp)
	git -C "$g" mailinfo "$msg" /dev/null <"$p" >"$info"
	{ sed -n 's/^Subject: //p' "$info"; echo; cat "$msg"; } |
		GIT_AUTHOR_NAME=$(sed -n 's/^Author: //p' "$info") \
		GIT_AUTHOR_EMAIL=$(sed -n 's/^Email: //p' "$info") \
		GIT_AUTHOR_DATE=$(sed -n 's/^Date: //p' "$info") \
		git -C "$g" commit -q --allow-empty -F -
	rm -f "$msg" "$info"
}

# replay_series DIR: on top of DIR's base commit, one commit per patch of
# the series, each with the whole files its "Adds:" lines name. Every file
# under kernel/ must be named by exactly one patch.
replay_series() {
	local g=$1 p f
	git_env
	for p in $(series); do
		if has_diff "$KDIR/patches/$p"; then
			git -C "$g" am -q --keep-cr "$KDIR/patches/$p" ||
				die "git am $p failed"
		else
			commit_message_only "$g" "$KDIR/patches/$p"
		fi
		for f in $(adds_of "$KDIR/patches/$p"); do
			[[ -f $KDIR/$f ]] || die "$p: Adds: $f, but there is no kernel/$f"
			mkdir -p "$g/$(dirname "$f")"
			cp "$KDIR/$f" "$g/$f"
			git -C "$g" add -f "$f"
		done
		git -C "$g" diff --cached --quiet ||
			git -C "$g" commit -q --amend --no-edit
	done
	f=$(comm -23 <(overlay_files) <(added_files))
	[[ -z $f ]] || die "named by no patch's \"Adds:\" line: $(echo $f)"
	f=$(for p in $(series); do adds_of "$KDIR/patches/$p"; done |
		LC_ALL=C sort | uniq -d)
	[[ -z $f ]] || die "named by more than one patch: $(echo $f)"
}

inputs_hash() {
	{
		series | while read -r p; do sha256sum "$KDIR/patches/$p"; done
		overlay_files | while read -r f; do (cd "$KDIR" && sha256sum "$f"); done
	} | sha256sum | cut -d' ' -f1
}

# Bring build/src up to date touching only files whose content changes, so
# kbuild rebuilds only what depends on them.
cmd_tree() {
	cmd_fetch
	local want stage f
	want=$(inputs_hash)
	if [[ -f $SRC/.nvme-ucmd-tree && $(cat "$SRC/.nvme-ucmd-tree") == "$want" ]]; then
		return 0
	fi
	if [[ ! -f $SRC/.nvme-ucmd-files ]]; then
		say COPY "base -> build/src"
		rm -rf "$SRC"
		cp -a "$BASE" "$SRC"
		chmod -R u+w "$SRC"
		rm -f "$SRC/.nvme-ucmd-base"
		: >"$SRC/.nvme-ucmd-files"
	fi
	rm -rf "$B"/stage.*	# left by an earlier run that failed
	stage=$(mktemp -d "$B/stage.XXXXXX")
	for f in $(patched_files); do
		if [[ -f $BASE/$f ]]; then
			mkdir -p "$stage/$(dirname "$f")"
			cp "$BASE/$f" "$stage/$f"
		fi
	done
	local p
	for p in $(series); do
		has_diff "$KDIR/patches/$p" || continue
		patch -d "$stage" -p1 -s --no-backup-if-mismatch -i "$KDIR/patches/$p" ||
			die "patch $p does not apply"
	done
	overlay_files | while read -r f; do
		mkdir -p "$stage/$(dirname "$f")"
		cp "$KDIR/$f" "$stage/$f"
	done
	local changed=0
	for f in $( (cat "$SRC/.nvme-ucmd-files"; cd "$stage" && find . -type f | sed 's|^\./||') | LC_ALL=C sort -u); do
		local from=$stage/$f
		[[ -f $from ]] || from=$BASE/$f
		if [[ -f $from ]]; then
			if ! cmp -s "$from" "$SRC/$f"; then
				mkdir -p "$SRC/$(dirname "$f")"
				cp "$from" "$SRC/$f"
				chmod u+w "$SRC/$f"
				changed=$((changed + 1))
			fi
		elif [[ -f $SRC/$f ]]; then
			rm -f "$SRC/$f"
			changed=$((changed + 1))
		fi
	done
	(cd "$stage" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) >"$SRC/.nvme-ucmd-files"
	echo "$want" >"$SRC/.nvme-ucmd-tree"
	rm -rf "$stage"
	say TREE "build/src: $changed file(s) updated"
}

srcdir() {
	if [[ -n ${KERNEL_SRC:-} ]]; then
		(cd "$KERNEL_SRC" && pwd)
	else
		echo "$SRC"
	fi
}

objdir() {
	if [[ -n ${KERNEL_SRC:-} ]]; then
		echo "$B/obj-custom-$1"
	else
		echo "$B/obj-$1"
	fi
}

fragments() {
	case $1 in
	vm) echo "$KDIR/configs/vm.config" ;;
	debug) echo "$KDIR/configs/vm.config $KDIR/configs/debug.config" ;;
	distro) echo "$KDIR/configs/distro.config" ;;
	*) die "unknown FLAVOR '$1' (vm, debug or distro)" ;;
	esac
}

# distro_config: the path of Debian's configuration, unpacked from the
# pinned linux-config-5.10 (../shared/cache, or bullseye by a private apt
# list) into build/dl/.
distro_config() {
	local out=$B/dl/$DCONF_FILE deb=$TOP/../shared/cache/$DCONF_NAME
	if [[ ! -f $out ]]; then
		mkdir -p "$B/dl"
		if [[ ! -f $deb ]]; then
			deb=$B/dl/$DCONF_NAME
			if [[ ! -f $deb ]]; then
				say APT "bullseye linux-config-5.10=5.10.223-1" >&2
				apt_private apt "deb http://deb.debian.org/debian bullseye main" >&2
				(cd "$B/dl" && apt-get "${APT_OPTS[@]}" -qq download \
					"linux-config-5.10=5.10.223-1") >&2
			fi
		fi
		sha_ok "$deb" "$DCONF_SHA" || die "$deb: sha256 mismatch (want $DCONF_SHA)"
		dpkg-deb --fsys-tarfile "$deb" |
			tar -xO "./usr/src/linux-config-5.10/$DCONF_FILE.xz" | xz -d >"$out.tmp"
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

# check_fragment FLAVOR OBJ FILE: every option FILE sets is so in OBJ/.config.
check_fragment() {
	local bad=0 line sym val
	while read -r line; do
		case $line in
		CONFIG_*=*)
			sym=${line%%=*} val=${line#*=}
			if ! grep -qxF "$sym=$val" "$2/.config"; then
				echo "kernel: $1: $sym=$val did not take" >&2
				bad=1
			fi ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# } sym=${sym%% *}
			if grep -q "^$sym=" "$2/.config"; then
				echo "kernel: $1: $sym should be unset" >&2
				bad=1
			fi ;;
		esac
	done <"$3"
	((bad == 0)) || die "$1: configuration fragments do not apply cleanly"
}

# The distro flavor's configuration: Debian's, then localmodconfig keeps
# only the modules kernel/configs/distro.modules names (the test VMs' needs;
# built-in code stays as Debian has it), then kernel/configs/distro.config
# (what a build outside Debian's packaging must change, and what the tests
# need that Debian leaves out).
config_distro() {
	local obj=$1 dconf=$2 want=$3
	say CONFIG "distro: Debian's $DCONF_FILE, localmodconfig (distro.modules), distro.config"
	cp "$dconf" "$obj/.config"
	kmake "$obj" olddefconfig >/dev/null
	kmake "$obj" LSMOD="$KDIR/configs/distro.modules" localmodconfig \
		>"$obj/localmodconfig.log" 2>&1 || die "distro: localmodconfig failed ($obj/localmodconfig.log)"
	# a later assignment of a symbol in .config wins
	cat "$KDIR/configs/distro.config" >>"$obj/.config"
	kmake "$obj" olddefconfig >/dev/null 2>&1
	check_fragment distro "$obj" "$KDIR/configs/distro.config"
	echo "$want" >"$obj/.nvme-ucmd-config"
}

kmake() {
	local v=()
	[[ ${V:-0} == 1 ]] && v=(V=1)
	make -s -C "$(srcdir)" O="$1" -j"$JOBS" "${KCC[@]}" "${v[@]}" "${@:2}"
}

# allnoconfig plus our fragments; then check every requested option took.
cmd_config() {
	local flavor=$1 obj frags want
	obj=$(objdir "$flavor")
	frags=$(fragments "$flavor")
	mkdir -p "$obj"
	local dconf=""
	if [[ $flavor == distro ]]; then
		dconf=$(distro_config)
		frags="$dconf $KDIR/configs/distro.modules $frags"
	fi
	want=$(cat $frags | sha256sum | cut -d' ' -f1)
	if [[ -f $obj/.config && -f $obj/.nvme-ucmd-config &&
	      $(cat "$obj/.nvme-ucmd-config") == "$want" ]]; then
		return 0
	fi
	if [[ $flavor == distro ]]; then
		config_distro "$obj" "$dconf" "$want"
		return 0
	fi
	say CONFIG "$flavor: $(for f in $frags; do basename "$f"; done | xargs)"
	cat $frags >"$obj/fragments.config"
	kmake "$obj" KCONFIG_ALLCONFIG="$obj/fragments.config" allnoconfig >/dev/null
	check_fragment "$flavor" "$obj" "$obj/fragments.config"
	echo "$want" >"$obj/.nvme-ucmd-config"
}

# build_progress PID FLAVOR OBJ T0: a line a minute while the build runs.
build_progress() {
	local n=0
	while kill -0 "$1" 2>/dev/null; do
		sleep 1
		n=$((n + 1))
		((n % 60)) && continue
		say ... "$2: $((SECONDS - $4)) s, $(find "$3" -name '*.o' -newer "$3/.nvme-ucmd-start" | wc -l) objects built"
	done
}

cmd_build() {
	local flavor=${1:-debug} obj
	[[ -z ${KERNEL_SRC:-} ]] && cmd_tree
	obj=$(objdir "$flavor")
	exec 9>"$B/.kbuild.lock"
	if ! flock -n 9; then
		say WAIT "another kernel build holds build/.kbuild.lock"
		flock 9
	fi
	cmd_config "$flavor"
	local stamp=$obj/.nvme-ucmd-built want
	want="$( [[ -z ${KERNEL_SRC:-} ]] && cat "$SRC/.nvme-ucmd-tree")$(cat "$obj/.nvme-ucmd-config")"
	if [[ -z ${KERNEL_SRC:-} && -f $stamp && -f $obj/arch/x86/boot/bzImage &&
	      $(cat "$stamp") == "$want" ]]; then
		say KERNEL "$flavor: up to date"
		return 0
	fi
	say KBUILD "$flavor (make -j$JOBS, build/obj-$flavor/build.log)"
	local t0=$SECONDS
	local targets=(bzImage) pid rc=0
	[[ $flavor == distro ]] && targets+=(modules)
	touch "$obj/.nvme-ucmd-start"
	kmake "$obj" "${targets[@]}" >"$obj/build.log" 2>&1 &
	pid=$!
	build_progress "$pid" "$flavor" "$obj" "$t0"
	wait "$pid" || rc=$?
	if ((rc != 0)); then
		grep -E 'error|Error' "$obj/build.log" | head -40 >&2
		die "$flavor: build failed, see $obj/build.log"
	fi
	grep -E 'warning:' "$obj/build.log" | head -20 >&2 || true
	echo "$want" >"$stamp"
	say KERNEL "$flavor: $(cmd_path "$flavor") ($((SECONDS - t0)) s)"
}

# The version of our kernel packages: the base's, our local version, and
# Debian revision 1 (fixed, not kbuild's build counter).
deb_version() {
	echo "$BASE_VER-nvme-ucmd-1"
}

cmd_deb() {
	local flavor=${1:-distro} obj out=$B/deb-kernel t0=$SECONDS
	[[ $flavor == distro ]] || die "deb: only the distro flavor is packaged"
	cmd_build "$flavor"
	obj=$(objdir "$flavor")
	if [[ -f $out/.nvme-ucmd-built && $(cat "$out/.nvme-ucmd-built") == "$(cat "$obj/.nvme-ucmd-built")" ]]; then
		say DEB "build/deb-kernel: up to date"
		return 0
	fi
	say DEB "linux-image, linux-headers, linux-libc-dev $(deb_version) (bindeb-pkg)"
	rm -f "$B"/linux-*.deb "$B"/linux-*.buildinfo "$B"/linux-*.changes
	if ! kmake "$obj" KDEB_PKGVERSION="$(deb_version)" bindeb-pkg >"$obj/deb.log" 2>&1; then
		tail -n 20 "$obj/deb.log" >&2
		die "bindeb-pkg failed, see $obj/deb.log"
	fi
	rm -rf "$out"
	mkdir -p "$out"
	mv "$B"/linux-*.deb "$out/"
	cp "$obj/.nvme-ucmd-built" "$out/.nvme-ucmd-built"
	rm -f "$B"/linux-*.buildinfo "$B"/linux-*.changes
	local debs=("$out"/*.deb)
	say DEB "${#debs[@]} packages in build/deb-kernel ($((SECONDS - t0)) s)"
}

cmd_path() {
	echo "$(objdir "${1:-debug}")/arch/x86/boot/bzImage"
}

# A git work tree of the base with one commit per patch, for editing the
# series with git; new files under kernel/ are committed with the patch whose
# message names them on an "Adds: path" line.
cmd_tree_git() {
	cmd_fetch
	local g=$B/kernel-tree
	[[ -d $g/.git ]] && die "$g exists: export it (make kernel-export) or remove it"
	say COPY "base -> build/kernel-tree"
	cp -a "$BASE" "$g"
	chmod -R u+w "$g"
	rm -f "$g/.nvme-ucmd-base"
	# Debian's tarball ignores everything at the top level: drop that rule
	# in the base commit so new files show up in git status
	sed -i '/^# Debian packaging/,/^!\/debian\//d' "$g/.gitignore"
	base_commit "$g"
	replay_series "$g"
	say TREE "build/kernel-tree ready: commit on top of nvme-ucmd-base, then make kernel-export"
}

# The series as a maintainer takes it: build/series/, git format-patch output
# of the series replayed on the files it touches, every new file in the
# patch whose "Adds:" line names it, and a cover letter whose subject and
# text are kernel/patches/cover-letter.
cmd_series() {
	cmd_fetch
	local g=$B/series-tree out=$B/series
	rm -rf "$g" "$out"
	mkdir -p "$g" "$out"
	# shellcheck disable=SC2046 # one path per word
	copy_base_files "$g" $(patched_files) $(added_files)
	base_commit "$g"
	replay_series "$g"
	# the cover letter's author: the series' own
	GIT_COMMITTER_NAME=$(git -C "$g" log -1 --format=%an) \
	GIT_COMMITTER_EMAIL=$(git -C "$g" log -1 --format=%ae) \
		git -C "$g" format-patch -q --zero-commit --no-signature \
		--cover-letter -o "$out" nvme-ucmd-base..HEAD
	write_cover "$out/0000-cover-letter.patch"
	rm -rf "$g"
	say SERIES "build/series: $(($(find "$out" -name '*.patch' | wc -l) - 1)) patches and a cover letter"
}

# Fill git's cover-letter template: the first line of kernel/patches/
# cover-letter is the subject, the rest the text above git's shortlog.
write_cover() {
	local cover=$1 text=$KDIR/patches/cover-letter subj tmp
	[[ -f $text ]] || die "no kernel/patches/cover-letter"
	subj=$(head -n 1 "$text")
	tmp=$(mktemp)
	tail -n +3 "$text" >"$tmp"
	sed -i -e "s|\*\*\* SUBJECT HERE \*\*\*|${subj//|/\\|}|" \
		-e "/\*\*\* BLURB HERE \*\*\*/{
r $tmp
d
}" "$cover"
	rm -f "$tmp"
}

# series_am NAME BASE: BASE copied whole to build/series-check/NAME, made a
# git repository, and build/series applied to it with git am.
series_am() {
	local t=$B/series-check/$1 p
	rm -rf "$t"
	mkdir -p "$(dirname "$t")"
	cp -a "$2" "$t"
	chmod -R u+w "$t"
	rm -f "$t/.nvme-ucmd-base"
	base_commit "$t" >/dev/null
	for p in "$B"/series/0*.patch; do
		[[ $(basename "$p") == 0000-cover-letter.patch ]] && continue
		git -C "$t" am -q --keep-cr "$p" ||
			{ echo "not ok - git am $(basename "$p") onto $1"; return 1; }
	done
	echo "ok - git am build/series onto $1 ($(git -C "$t" rev-list --count nvme-ucmd-base..HEAD) commits)"
}

# The files the series changes or adds, as git lists them in the result.
series_files() {
	git -C "$1" diff --name-only nvme-ucmd-base HEAD | LC_ALL=C sort
}

# series_docs TREE: in the git tree of base + series, no line the series
# adds holds a broken Documentation/ reference, and its C files and headers
# have no kernel-doc warning.
series_docs() {
	local t=$1 files d
	files=$(series_files "$t")
	# broken references on lines the series adds (the base has its own)
	d=$(cd "$t" && perl scripts/documentation-file-ref-check 2>&1 |
		grep -F "$files" | while IFS= read -r line; do
			git diff nvme-ucmd-base HEAD -- "${line%%: *}" | grep '^+' |
				grep -qF "${line#*: }" && echo "$line"
		done || true)
	if [[ -n $d ]]; then
		echo "not ok - Documentation/ references of the series: $(echo $d)"
		return 1
	fi
	echo "ok - no broken Documentation/ reference in the $(echo "$files" | wc -l) files of the series"
	# kernel-doc: the warnings the series adds (base files have their own)
	local f tmp
	tmp=$(mktemp -d)
	d=$(for f in $(echo "$files" | grep '\.[ch]$'); do
		kdoc_warnings "$t" "$f" >"$tmp/new"
		: >"$tmp/old"
		if git -C "$t" cat-file -e "nvme-ucmd-base:$f" 2>/dev/null; then
			mkdir -p "$tmp/base/$(dirname "$f")"
			git -C "$t" show "nvme-ucmd-base:$f" >"$tmp/base/$f"
			kdoc_warnings "$tmp/base" "$f" >"$tmp/old"
		fi
		comm -13 "$tmp/old" "$tmp/new"
	done)
	rm -rf "$tmp"
	if [[ -n $d ]]; then
		echo "not ok - kernel-doc warnings the series adds:"
		echo "$d" | head -20 | sed 's/^/#   /'
		return 1
	fi
	echo "ok - kernel-doc: no warning added in the series' C files and headers"
}

# kdoc_warnings DIR FILE: kernel-doc's warnings on DIR/FILE, without line
# numbers, sorted.
kdoc_warnings() {
	(cd "$1" && perl "$t/scripts/kernel-doc" -none "$2" 2>&1) |
		sed 's/:[0-9]*: /: /' | LC_ALL=C sort
}

cmd_series_check() {
	cmd_tree
	cmd_series
	cmd_fetch_orig
	local bad=0 f t d n=0 v
	series_am debian "$BASE" || return 1
	t=$B/series-check/debian
	# the whole tree against build/src (symlinks as links)
	# (diff exits 1 on a difference: reported below, not fatal here)
	d=$(diff -rq --no-dereference -x .git -x '.nvme-ucmd-*' "$t" "$SRC" 2>&1) || true
	if [[ -n $d ]]; then
		echo "not ok - Debian 5.10.223 + build/series differs from build/src:"
		echo "$d" | head -20 | sed 's/^/#   /'
		bad=1
	else
		echo "ok - Debian 5.10.223 + build/series is build/src ($(git -C "$t" ls-files | wc -l) files)"
	fi
	series_docs "$t" || bad=1
	series_am vanilla "$ORIG" || return 1
	v=$B/series-check/vanilla
	# vanilla differs from Debian's base by Debian's own patches: where
	# they touch a file of the series, the two changes must commute
	d=""
	for f in $(series_files "$v"); do
		n=$((n + 1))
		if cmp -s "$ORIG/$f" "$BASE/$f" 2>/dev/null ||
		   [[ ! -e $ORIG/$f && ! -e $BASE/$f ]]; then
			cmp -s "$v/$f" "$SRC/$f" || d+=" $f"
		elif ! { diff -u "$ORIG/$f" "$BASE/$f" || true; } |
			patch -s -o "$v.tmp" "$v/$f" >/dev/null 2>&1 ||
		     ! cmp -s "$v.tmp" "$SRC/$f"; then
			d+=" $f"
		fi
		rm -f "$v.tmp"
	done
	if [[ -n $d ]]; then
		echo "not ok - vanilla 5.10.223 + build/series differs from build/src in:$d"
		bad=1
	else
		echo "ok - vanilla 5.10.223 + build/series is build/src in all $n files it touches (Debian's own changes to them applied on top)"
	fi
	((bad == 0)) && rm -rf "$B/series-check"
	return "$bad"
}

# Write build/kernel-tree back: patches for base files, new files to kernel/.
cmd_export() {
	local g=$B/kernel-tree
	[[ -d $g/.git ]] || die "no build/kernel-tree (make kernel-tree first)"
	local out n=0 c f
	out=$(mktemp -d)
	mkdir -p "$KDIR/patches"
	(cd "$g" && git diff --quiet && git diff --cached --quiet) ||
		die "build/kernel-tree has uncommitted changes"
	: >"$out/series"
	for c in $(cd "$g" && git rev-list --reverse nvme-ucmd-base..HEAD); do
		local base_files=() new_files=()
		while read -r f; do
			if [[ -e $BASE/$f && ! -f $KDIR/$f ]]; then
				base_files+=("$f")
			else
				new_files+=("$f")
			fi
		done < <(cd "$g" && git diff-tree --no-commit-id --name-only -r "$c")
		for f in "${new_files[@]}"; do
			if (cd "$g" && git cat-file -e "HEAD:$f" 2>/dev/null); then
				mkdir -p "$KDIR/$(dirname "$f")"
				(cd "$g" && git show "HEAD:$f") >"$KDIR/$f"
			else
				rm -f "$KDIR/$f"
			fi
		done
		n=$((n + 1))
		if ((${#base_files[@]} == 0)); then
			# whole files only: the message (with its "Adds:" lines)
			name=$(printf '%04d-%s.patch' "$n" \
				"$(cd "$g" && git log -1 --format=%f "$c" | cut -c1-52)")
			{
				echo "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
				(cd "$g" && git log -1 --format='From: %an <%ae>%nDate: %aD%nSubject: [PATCH] %s%n%n%b' "$c")
			} >"$out/$name"
			echo "$name" >>"$out/series"
			continue
		fi
		local name
		name=$(cd "$g" && git format-patch -1 --zero-commit --no-signature \
			--start-number "$n" -o "$out" "$c" -- "${base_files[@]}")
		basename "$name" >>"$out/series"
	done
	rm -f "$KDIR"/patches/*.patch
	cp "$out"/*.patch "$KDIR/patches/" 2>/dev/null || true
	cp "$out/series" "$KDIR/patches/series"
	rm -rf "$out"
	say EXPORT "$n patch(es) to kernel/patches, new files to kernel/"
}

# bisect-check [FLAVOR]: build the series one patch at a time, incrementally,
# in build/bisect/ (its own source and object trees), and
# print one line per patch: whether the kernel builds, and whether the C
# files the patch touches compile cleanly with W=1 (the count of warnings
# located in them; base code has some). BISECT_STEPS=n stops after n
# patches. Not run by make check: it rebuilds the kernel up to once per patch.
cmd_bisect_check() {
	cmd_fetch
	local flavor=${1:-vm} src=$B/bisect/src obj=$B/bisect/obj-${1:-vm}
	local log=$B/bisect/log-${1:-vm} p k=0 bad=0 t0 files f st w frags n
	mkdir -p "$B/bisect" "$obj"
	if [[ ! -d $src ]]; then
		say COPY "base -> build/bisect/src"
		cp -a "$BASE" "$src"
		chmod -R u+w "$src"
		rm -f "$src/.nvme-ucmd-base"
	fi
	: >"$log"
	# back to the base: the files this series touches, and those an
	# earlier run's series touched (build/bisect/files)
	local earlier=()
	[[ -f $B/bisect/files ]] && mapfile -t earlier <"$B/bisect/files"
	# shellcheck disable=SC2046 # one path per word
	copy_base_files "$src" "${earlier[@]}" $(patched_files) $(added_files)
	{ patched_files; added_files; } >"$B/bisect/files"
	local all=()
	mapfile -t all < <(series)
	for p in "${all[@]}"; do
		k=$((k + 1))
		bisect_apply "$src" "$p"
		t0=$SECONDS
		st=ok w=""
		frags=$(fragments "$flavor")
		cat $frags >"$obj/fragments.config"
		if ! make -s -C "$src" O="$obj" -j"$JOBS" "${KCC[@]}" \
			KCONFIG_ALLCONFIG="$obj/fragments.config" allnoconfig >>"$log" 2>&1 ||
		   ! make -s -C "$src" O="$obj" -j"$JOBS" "${KCC[@]}" bzImage >>"$log" 2>&1; then
			st=FAIL
			bad=1
		else
			files=$({ grep -E '^\+\+\+ b/' "$KDIR/patches/$p" |
				sed -e 's|^+++ b/||' -e 's/\t.*//'; adds_of "$KDIR/patches/$p"; } |
				grep '\.c$' || true)
			# W=1 on the C files the patch touches that this config
			# builds: count the warnings located in those files
			for f in $files; do
				[[ -f $obj/${f%.c}.o ]] || continue
				rm -f "$obj/${f%.c}.o"
				n=$(make -s -C "$src" O="$obj" "${KCC[@]}" W=1 "${f%.c}.o" 2>&1 |
					tee -a "$log" | grep -c "/$f:[0-9]*:[0-9]*: warning:" || true)
				((n == 0)) || w+=" $f ($n)"
			done
		fi
		printf '%04d %-62.62s %-4s %4d s%s\n' "$k" \
			"$(sed -n 's/^Subject: \[PATCH\] //p' "$KDIR/patches/$p")" "$st" \
			"$((SECONDS - t0))" "${w:+  W=1 warnings:$w}"
		[[ -n ${BISECT_STEPS:-} ]] && ((k >= BISECT_STEPS)) && break
	done
	return "$bad"
}

# bisect_apply SRC PATCH: one more patch of the series on SRC, with the
# whole files it adds (each written only if it changes).
bisect_apply() {
	local f
	if has_diff "$KDIR/patches/$2"; then
		patch -d "$1" -p1 -s --no-backup-if-mismatch -i "$KDIR/patches/$2" ||
			die "patch $2 does not apply"
	fi
	for f in $(adds_of "$KDIR/patches/$2"); do
		copy_if_changed "$KDIR/$f" "$1/$f"
	done
}

cmd=${1:-}
shift || true
case $cmd in
fetch) cmd_fetch ;;
tree) cmd_tree ;;
config) [[ -z ${KERNEL_SRC:-} ]] && cmd_tree; cmd_config "${1:-debug}" ;;
build) cmd_build "${1:-debug}" ;;
path) cmd_path "${1:-debug}" ;;
deb) cmd_deb "${1:-distro}" ;;
tree-git) cmd_tree_git ;;
export) cmd_export ;;
series) cmd_series ;;
fetch-orig) cmd_fetch_orig ;;
series-check) cmd_series_check ;;
bisect-check) cmd_bisect_check "${1:-vm}" ;;
*) sed -n '2,/^set -e/p' "$0" | sed -e '/^set -e/d' -e 's/^# \{0,1\}//'; exit 2 ;;
esac
