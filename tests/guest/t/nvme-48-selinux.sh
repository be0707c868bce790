#!/usr/bin/env bash
# The uring_cmd LSM hook (security_uring_cmd(), SELinux class io_uring,
# permission cmd): with a policy that does not grant cmd, in enforcing
# mode, a uring_cmd read fails with -EACCES and an AVC denial is logged;
# with one that grants it, the same read works. Loads a minimal policy
# (tests/guest/selinux/uring-cmd.conf.in, everything else allowed) and
# leaves the allowing one loaded (permissive where the kernel can switch)
# for the tests after it.
. "$(dirname "$0")/../lib.sh"
need_node /dev/ng0n1
top=${NVME_UCMD_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
probe=$top/build/tests/guest/uring-read
[[ -x $probe ]] || skip "$probe not built"
need_cmd checkpolicy
sel=/sys/fs/selinux
[[ -d $sel ]] || skip "SELinux is not enabled in this kernel (no $sel)"
if [[ ! -e $sel/load ]]; then
	mount -t selinuxfs selinuxfs $sel 2>/dev/null ||
		skip "mounting selinuxfs needs root"
fi
[[ -w $sel/load ]] || skip "loading an SELinux policy needs root (CAP_MAC_ADMIN)"
"$probe" >/dev/null || skip "a uring_cmd read of /dev/ng0n1 fails without a policy"

tmp=$(mktemp -d)
policy() {	# NAME PERMS: build $tmp/NAME.pol
	sed "s/@CMD@/$2/" "$top/tests/guest/selinux/uring-cmd.conf.in" >"$tmp/$1.conf"
	checkpolicy -U allow -c 31 -o "$tmp/$1.pol" "$tmp/$1.conf" >/dev/null ||
		fail "checkpolicy $1"
}
load() {
	cat "$tmp/$1.pol" >$sel/load || fail "loading the $1 policy"
}
finish() {
	echo 0 >$sel/enforce 2>/dev/null
	rm -rf "$tmp"
}
trap finish EXIT
policy deny ""
policy allow cmd

load deny
# without CONFIG_SECURITY_SELINUX_DEVELOP a loaded policy is enforced
# and the mode cannot be set
echo 1 >$sel/enforce 2>/dev/null || [[ $(cat $sel/enforce) == 1 ]] ||
	fail "cannot set enforcing mode"
mark="nvme-48-selinux $$ $RANDOM"
echo "$mark" >/dev/kmsg
out=$("$probe" 2>&1) && fail "denied by the policy, the read still worked ($out)"
[[ $out == "res -13" ]] || fail "denied by the policy: want res -13 (-EACCES), got: $out"
info "io_uring { cmd } not granted: $out"
avc=$(dmesg | sed -n "/$mark/,\$p" | grep -m1 'avc: *denied *{ cmd }.*tclass=io_uring') ||
	fail "no AVC record for the denied uring_cmd"
info "logged: ${avc#*audit: }"

load allow
out=$("$probe" 2>&1) || fail "granted by the policy, the read failed ($out)"
info "io_uring { cmd } granted: $out"
