#!/usr/bin/env bash
# liburing 2.3's own test suite (Debian's source package, built statically
# on the host by tests/liburing/build.sh) on this kernel: the io_uring core
# as liburing's authors test it. Host side: tests/liburing/run.
#
# Needs run-vm --scratch (namespace 6, 256 MiB: the 64 MiB namespace 3 is
# too small for the 128 MiB that file-verify and sq-poll-* read), root and
# the build; skips otherwise. Our kernels have no disk file system (no
# ext4: kernel/configs), so the working directory, where the tests create
# their files, is a tmpfs (no O_DIRECT there on 5.10), and the NVMe side is
# liburing's own TEST_FILES way: every test that takes a file as its
# argument (argv[1] in its source) runs a second time with the scratch
# namespace's block device, as "NAME@scratch" (read-write, iopoll,
# file-verify, ... with O_DIRECT on NVMe). io_uring_passthrough runs only
# with /dev/ng0n1, the generic device it needs (it writes namespace 1: this
# test sorts last). Each run has a limit of LIBURING_TIMEOUT seconds
# (default 60, as liburing's runtests.sh), with the loopback up. liburing's
# harness skips only its config.local's TEST_EXCLUDE, empty by default, so
# nothing is left out. Not a test of tests/guest/run's (it needs the
# scratch drive and most of an hour): tests/liburing/run boots a VM for it.
#
# Results: one line per run, "NAME RESULT SECONDS", RESULT pass, skip, fail
# or timeout (a kernel splat logged while a test ran makes it "fail"), in
# the run's output folder (liburing/results; failures' output in
# liburing/logs/) and on stdout, then a summary. The verdict:
#   - on our kernels (5.10 with the series' generic char devices: debug,
#     vm, distro), against tests/liburing/expected-base (the unpatched 5.10):
#     a test that passes there must pass here, and a test that skips here
#     must skip there. Until that table exists nothing is enforced but the
#     absence of kernel splats (said so in the output);
#   - on any other kernel (upstream 6.1, the base itself), against its own
#     table tests/liburing/expected-KERNEL: what passed there must pass.
# Differences from this kernel's own table are always listed. The table's
# name comes from the kernel (5.10 with the series: debug, vm or distro; 5.10
# without it: base; else MAJOR.MINOR); LIBURING_KERNEL=NAME overrides it.
. "$(dirname "$0")/lib.sh"
TOP=${NVME_UCMD_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
EXP=$TOP/tests/liburing
BIN=$TOP/build/liburing/liburing-2.3/test
LIMIT=${LIBURING_TIMEOUT:-60}
SCRATCH_NSID=6

need_root
[[ -f $BIN/../.nvme-ucmd-built ]] || skip "liburing's tests not built (tests/liburing/build.sh)"
need_cmd timeout
need_cmd ip

# the scratch namespace, by its NSID (names follow probe order, not NSIDs)
dev=
for d in /sys/block/nvme0n*; do
	[[ $(cat "$d/nsid" 2>/dev/null) == "$SCRATCH_NSID" ]] && dev=/dev/${d##*/}
done
[[ -n $dev ]] || skip "no scratch namespace $SCRATCH_NSID on nvme0 (run-vm --scratch; tests/liburing/run)"

# Which table is this kernel's? Ours are 5.10 with the series (its generic
# char devices); the unpatched base is 5.10 without them.
kernel_key() {
	local r
	r=$(uname -r)
	case $r in
	5.10.*)
		if [[ ! -d /sys/class/nvme-generic ]]; then echo base
		elif [[ $r == *-nvme-ucmd* ]]; then echo distro
		elif [[ -e /sys/kernel/debug/kmemleak ]]; then echo debug
		else echo vm
		fi ;;
	*) echo "$r" | cut -d. -f1-2 ;;
	esac
}
key=${LIBURING_KERNEL:-$(kernel_key)}
ours=0
[[ $key == debug || $key == vm || $key == distro ]] && ours=1

# results go to the run's output folder (shared with the host) if there is one
vmout=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^vmrun\.out=//p' | tail -n 1)
if [[ -n $vmout && -d $vmout && -w $vmout ]]; then
	res=$vmout/liburing
else
	res=/tmp/liburing
fi
rm -rf "$res"
mkdir -p "$res/logs"
results=$res/results

ip link set lo up || fail "cannot bring the loopback up"
work=$(mktemp -d /tmp/liburing-work.XXXXXX)
trap 'cd / && rm -rf "$work"' EXIT
chmod 1777 "$work"
cd "$work" || fail "cd $work"

# the tests that take a file (liburing's TEST_FILES), from their source
mapfile -t takes_file < <(cd "$BIN" && grep -l 'argv\[1\]' ./*.c | sed 's|^\./||; s|\.c$||' |
	grep -vx io_uring_passthrough)
((${#takes_file[@]})) || fail "found no test that takes a file in $BIN/*.c"

info "liburing 2.3 (Debian 2.3-3) on $(uname -r) (table: $key), ${LIMIT}s per test"
info "working directory $work (tmpfs); ${#takes_file[@]} tests again with $dev (namespace $SCRATCH_NSID): NAME@scratch"
info "results: $results"
{
	echo "# liburing 2.3 (Debian 2.3-3) on $(uname -r) (table: $key)"
	echo "# NAME RESULT SECONDS"
} >"$results"

kmsg() { echo "$*" >/dev/kmsg 2>/dev/null || true; }
declare -A got
npass=0 nskip=0 nfail=0 ntime=0 splats=0
runs=()
for t in "$BIN"/*.t; do
	name=$(basename "$t" .t)
	if [[ $name == io_uring_passthrough ]]; then
		runs+=("$name /dev/ng0n1")
		continue
	fi
	runs+=("$name")
	for f in "${takes_file[@]}"; do
		[[ $f == "$name" ]] && runs+=("$name@scratch $dev")
	done
done
for run in "${runs[@]}"; do
	read -r name arg <<<"$run"
	t=$BIN/${name%@scratch}.t
	args=()
	[[ -n $arg ]] && args=("$arg")
	marker="liburing-test: begin $name"
	kmsg "$marker"
	start=$SECONDS
	timeout -s INT -k 10 "$LIMIT" "$t" "${args[@]}" >"$res/logs/$name.log" 2>&1 </dev/null
	rc=$?
	secs=$((SECONDS - start))
	kmsg "liburing-test: end $name rc=$rc"
	case $rc in
	0) r=pass ;;
	77) r=skip ;;
	124 | 137) r=timeout ;;
	*) r=fail ;;
	esac
	note=
	splat=$(dmesg | sed -n "/$marker\$/,\$p" | grep -F -f "$TOP/tests/vm/splat-patterns" | head -n 5)
	if [[ -n $splat ]]; then
		r=fail note=" (kernel splat)" splats=$((splats + 1))
		echo "$splat" >>"$res/logs/$name.log"
	fi
	# what a test leaves behind must not fill the tmpfs
	find "$work" -mindepth 1 -maxdepth 1 -exec rm -rf {} + 2>/dev/null
	case $r in
	pass) npass=$((npass + 1)); rm -f "$res/logs/$name.log" ;;
	skip) nskip=$((nskip + 1)) ;;
	fail) nfail=$((nfail + 1)) ;;
	timeout) ntime=$((ntime + 1)) ;;
	esac
	got[$name]=$r
	echo "$name $r $secs" >>"$results"
	echo "liburing: $name $r ${secs}s${args[*]:+ (${args[*]})}$note"
	if [[ $r == fail || $r == timeout ]]; then
		grep -v '^[[:space:]]*$' "$res/logs/$name.log" | tail -n 4 | sed 's/^/liburing:     | /'
	fi
done
total=$((npass + nskip + nfail + ntime))
summary="$total tests: $npass pass, $nskip skip, $nfail fail, $ntime timeout"
echo "# $summary" >>"$results"
info "liburing: $summary (on $(uname -r), table $key)"

# load TABLE into the associative array named by $2: "NAME RESULT" lines
load() {
	local -n into=$2
	local n r _
	while read -r n r _; do
		[[ -z $n || $n == "#"* ]] && continue
		# shellcheck disable=SC2034 # a nameref: the caller's array
		into[$n]=$r
	done <"$1"
}

# differences from this kernel's own table (information only)
declare -A own
if [[ -f $EXP/expected-$key ]]; then
	load "$EXP/expected-$key" own
	ndiff=0
	for n in $(printf '%s\n' "${!got[@]}" "${!own[@]}" | sort -u); do
		[[ ${own[$n]:-absent} == "${got[$n]:-absent}" ]] && continue
		info "liburing: differs from expected-$key: $n: ${own[$n]:-absent} there, ${got[$n]:-absent} here"
		ndiff=$((ndiff + 1))
	done
	info "liburing: $ndiff difference(s) from tests/liburing/expected-$key"
else
	info "liburing: no tests/liburing/expected-$key: nothing to compare with for this kernel"
fi

bad=0
if ((splats)); then
	info "liburing: FAIL: $splats test(s) logged a kernel splat (logs in $res/logs/)"
	bad=1
fi
if ((ours)); then
	if [[ -f $EXP/expected-base ]]; then
		declare -A base
		load "$EXP/expected-base" base
		nv=0
		for n in "${!got[@]}"; do
			b=${base[$n]:-absent}
			if [[ $b == pass && ${got[$n]} != pass ]]; then
				info "liburing: VIOLATION: $n passes on the base, ${got[$n]} here"
				nv=$((nv + 1))
			elif [[ ${got[$n]} == skip && $b != skip ]]; then
				info "liburing: VIOLATION: $n skips here, $b on the base"
				nv=$((nv + 1))
			fi
		done
		info "liburing: the base rule against tests/liburing/expected-base: $nv violation(s)"
		((nv)) && bad=1
	else
		info "liburing: NOT ENFORCED: no tests/liburing/expected-base yet (the unpatched"
		info "liburing: 5.10's results): pass/skip/fail are reported only; this test fails"
		info "liburing: only on a kernel splat"
	fi
elif ((${#own[@]})); then
	nv=0
	for n in "${!own[@]}"; do
		[[ ${own[$n]} == pass && ${got[$n]:-absent} != pass ]] || continue
		info "liburing: REGRESSION: $n passes in expected-$key, ${got[$n]:-absent} here"
		nv=$((nv + 1))
	done
	info "liburing: against tests/liburing/expected-$key (what passed must pass): $nv regression(s)"
	((nv)) && bad=1
fi
((bad)) && fail "liburing: see above"
info "liburing: ok"
exit 0
