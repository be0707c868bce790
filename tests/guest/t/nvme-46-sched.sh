#!/usr/bin/env bash
# Passthrough under each I/O scheduler on the namespaces' block queues
# (mq-deadline, kyber, bfq): passthrough requests go straight to dispatch
# whatever the scheduler (only a queue without one batches them in the
# submitter's plug), so every form, status and error path must behave as
# with none. For each scheduler: QD 1-128 writes and reads with compare
# (nvme-40-qd), NVMe statuses (nvme-50-status), bad input (nvme-60-errors),
# a controller reset and a read/write pass after it (nvme-30-rw).
. "$(dirname "$0")/../lib.sh"
need_node "$NVME_CTRL"
top=${NVME_UCMD_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
t=$top/build/tests/guest/t
for b in nvme-30-rw nvme-40-qd nvme-50-status nvme-60-errors; do
	[[ -x $t/$b ]] || skip "$t/$b not built"
done
queues=()
for q in /sys/block/nvme0n[123]/queue/scheduler; do
	[[ -e $q ]] && queues+=("$q")
done
((${#queues[@]})) || skip "no namespace block devices (nvme0n1-3)"
[[ -w ${queues[0]} ]] || skip "setting a queue's I/O scheduler needs root"
reset=/sys/class/nvme/nvme0/reset_controller

# set_sched NAME: on every queue; fails the test when it does not take.
set_sched() {
	local q
	for q in "${queues[@]}"; do
		echo "$1" >"$q" 2>/dev/null || return 1
		grep -q "\[$1\]" "$q" || fail "$q: '$1' did not take: $(cat "$q")"
	done
}

# wait_live: the controller back in state live after a reset (60 s).
wait_live() {
	local i
	for ((i = 0; i < 600; i++)); do
		[[ $(cat /sys/class/nvme/nvme0/state) == live ]] && return 0
		sleep 0.1
	done
	fail "nvme0 not live 60 s after the reset: $(cat /sys/class/nvme/nvme0/state)"
}

run_sub() {
	local out rc=0
	out=$("$t/$1" 2>&1) || rc=$?
	if ((rc != 0 && rc != 77)); then
		echo "$out" | tail -20
		fail "$2: $1 exited $rc"
	fi
	info "$2: $1 passed${out:+ ($(echo "$out" | grep -c '^ok') checks)}"
}

# whatever happens, the tests after this one run on none again
restore() {
	local q
	for q in "${queues[@]}"; do echo none >"$q" 2>/dev/null; done
}
trap restore EXIT

ran=0
for s in mq-deadline kyber bfq; do
	if ! grep -qw "$s" "${queues[0]}"; then
		skipped "$s" "not built into this kernel"
		continue
	fi
	set_sched "$s" || fail "cannot set $s on ${queues[*]}"
	for b in nvme-40-qd nvme-50-status nvme-60-errors; do
		run_sub "$b" "$s"
	done
	echo 1 >"$reset" || fail "$s: reset_controller"
	wait_live
	run_sub nvme-30-rw "$s, after a reset"
	ran=$((ran + 1))
done
set_sched none || fail "cannot set the queues back to none"
trap - EXIT
((ran)) || skip "none of mq-deadline, kyber, bfq in this kernel"
info "passthrough under $ran scheduler(s): all passed"
