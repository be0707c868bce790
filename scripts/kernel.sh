#!/usr/bin/env bash
# The kernel side of nvme-ucmd's build: the pinned 5.10 base, the series, the
# configuration fragments and an out-of-tree bzImage.
#
# usage: scripts/kernel.sh COMMAND [FLAVOR]
#   fetch          obtain and verify the base, unpack it under build/base/
#   tree           bring build/src/ (base + series + new files) up to date
#   config FLAVOR  write build/obj-FLAVOR/.config from kernel/configs/
#   build FLAVOR   build build/obj-FLAVOR/arch/x86/boot/bzImage
#   path FLAVOR    print the bzImage path
#   tree-git       build/kernel-tree/: a git tree, one commit per patch
#   export         write build/kernel-tree/'s commits back to kernel/
#
# Environment: KERNEL_DEB=file.deb (the base package), KERNEL_SRC=dir (build
# your own tree: no base, no series), JOBS=n, V=1.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
B=$TOP/build
BASE_VER=5.10.223
DEB_NAME=linux-source-5.10_5.10.223-1_all.deb
DEB_SHA=f733d27d239d65598d96d7a72f71ac50f49f2380192a1b3b4ca2f5ad5144dd63
TAR_SHA=4aa4fbb62e2d957ed78841347492e736cc88f00689b57dac09959bda6d2b6f0e
BASE=$B/base/linux-source-5.10
SRC=$B/src
KDIR=$TOP/kernel
JOBS=${JOBS:-$(nproc)}

say() { printf '  %-8s %s\n' "$1" "$2"; }
die() { echo "kernel: $*" >&2; exit 1; }

sha_ok() { [[ $(sha256sum "$1" | cut -d' ' -f1) == "$2" ]]; }

# apt-get download with a private bullseye source list: the system's apt
# configuration and state stay untouched.
download_deb() {
	local apt=$B/dl/apt
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	echo "deb http://deb.debian.org/debian bullseye main" >"$apt/sources.list"
	local opts=(-o Dir::Etc::SourceList="$apt/sources.list"
		    -o Dir::Etc::SourceParts=/dev/null
		    -o Dir::State::Lists="$apt/lists"
		    -o Dir::Cache="$apt/cache"
		    -o APT::Sandbox::User=root)
	say APT "bullseye linux-source-5.10=5.10.223-1"
	apt-get "${opts[@]}" -qq update
	(cd "$B/dl" && apt-get "${opts[@]}" download "linux-source-5.10=5.10.223-1")
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
		grep -E '^\+\+\+ b/' "$KDIR/patches/$p" | sed -e 's|^+++ b/||' -e 's/\t.*//'
	done | LC_ALL=C sort -u
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
	*) die "unknown FLAVOR '$1' (vm or debug)" ;;
	esac
}

kmake() {
	local v=()
	[[ ${V:-0} == 1 ]] && v=(V=1)
	make -s -C "$(srcdir)" O="$1" -j"$JOBS" "${v[@]}" "${@:2}"
}

# allnoconfig plus our fragments; then check every requested option took.
cmd_config() {
	local flavor=$1 obj frags want
	obj=$(objdir "$flavor")
	frags=$(fragments "$flavor")
	mkdir -p "$obj"
	want=$(cat $frags | sha256sum | cut -d' ' -f1)
	if [[ -f $obj/.config && -f $obj/.nvme-ucmd-config &&
	      $(cat "$obj/.nvme-ucmd-config") == "$want" ]]; then
		return 0
	fi
	say CONFIG "$flavor: $(for f in $frags; do basename "$f"; done | xargs)"
	cat $frags >"$obj/fragments.config"
	kmake "$obj" KCONFIG_ALLCONFIG="$obj/fragments.config" allnoconfig >/dev/null
	local bad=0 line sym val
	while read -r line; do
		case $line in
		CONFIG_*=*)
			sym=${line%%=*} val=${line#*=}
			if ! grep -qx "$sym=$val" "$obj/.config"; then
				echo "kernel: $flavor: $sym=$val did not take" >&2
				bad=1
			fi ;;
		"# CONFIG_"*" is not set")
			sym=${line#\# } sym=${sym%% *}
			if grep -q "^$sym=" "$obj/.config"; then
				echo "kernel: $flavor: $sym should be unset" >&2
				bad=1
			fi ;;
		esac
	done <"$obj/fragments.config"
	((bad == 0)) || die "$flavor: configuration fragments do not apply cleanly"
	echo "$want" >"$obj/.nvme-ucmd-config"
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
	if ! kmake "$obj" bzImage >"$obj/build.log" 2>&1; then
		grep -E 'error|Error' "$obj/build.log" | head -40 >&2
		die "$flavor: build failed, see $obj/build.log"
	fi
	grep -E 'warning:' "$obj/build.log" | head -20 >&2 || true
	echo "$want" >"$stamp"
	say KERNEL "$flavor: $(cmd_path "$flavor") ($((SECONDS - t0)) s)"
}

cmd_path() {
	echo "$(objdir "${1:-debug}")/arch/x86/boot/bzImage"
}

# A git work tree of the base with one commit per patch, for editing the
# series with git; new files under kernel/ are committed with the patch whose
# message names them on an "Adds: path" line, the rest in a last commit.
cmd_tree_git() {
	cmd_fetch
	local g=$B/kernel-tree p f
	[[ -d $g/.git ]] && die "$g exists: export it (make kernel-export) or remove it"
	say COPY "base -> build/kernel-tree"
	cp -a "$BASE" "$g"
	chmod -R u+w "$g"
	rm -f "$g/.nvme-ucmd-base"
	(
		cd "$g"
		git init -q
		# Debian's tarball ignores everything at the top level: drop that
		# rule in the base commit so new files show up in git status
		sed -i '/^# Debian packaging/,/^!\/debian\//d' .gitignore
		git add -A
		git -c user.name=base -c user.email=base@localhost commit -q -m "base: Debian linux-source-5.10 $BASE_VER"
		git tag nvme-ucmd-base
		local claimed=()
		for p in $(series); do
			git am -q --keep-cr "$KDIR/patches/$p" || die "git am $p failed"
			for f in $(git log -1 --format=%B | sed -n 's/^Adds: //p'); do
				mkdir -p "$(dirname "$f")"
				cp "$KDIR/$f" "$f"
				git add "$f"
				claimed+=("$f")
			done
			git diff --cached --quiet || git commit -q --amend --no-edit
		done
		local rest=0
		while read -r f; do
			[[ " ${claimed[*]} " == *" $f "* ]] && continue
			mkdir -p "$(dirname "$f")"
			cp "$KDIR/$f" "$f"
			git add "$f"
			rest=1
		done < <(overlay_files)
		if ((rest)) && ! git diff --cached --quiet; then
			git commit -q -m "nvme-ucmd: new files not named by a patch"
		fi
	)
	say TREE "build/kernel-tree ready: commit on top of nvme-ucmd-base, then make kernel-export"
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
		((${#base_files[@]})) || continue
		n=$((n + 1))
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

cmd=${1:-}
shift || true
case $cmd in
fetch) cmd_fetch ;;
tree) cmd_tree ;;
config) [[ -z ${KERNEL_SRC:-} ]] && cmd_tree; cmd_config "${1:-debug}" ;;
build) cmd_build "${1:-debug}" ;;
path) cmd_path "${1:-debug}" ;;
tree-git) cmd_tree_git ;;
export) cmd_export ;;
*) sed -n '2,/^set -e/p' "$0" | sed -e '/^set -e/d' -e 's/^# \{0,1\}//'; exit 2 ;;
esac
