#!/usr/bin/env bash
# The benchmark matrix, run inside the VM (make bench): every configuration
# in a random order, each repeated, one JSON line per run appended to OUT,
# on each back end named (default qemu-nvme):
#   qemu-nvme  the VM's NVMe controller, /dev/ng0n1 and /dev/nvme0n1
#   nvme-loop  an NVMe-oF loop target on null_blk (tests/bench/loop-target.sh):
#              no device emulation, so the kernel's software path dominates
#
# usage: tests/bench/suite.sh OUT.jsonl [BACKEND...]
# env:   BENCH_RUNTIME (s per run, 2), BENCH_REPEATS (5), BENCH_SEED (1),
#        BENCH_KERNEL (a label for the report)
# Forms: big, compact (uring_cmd on the ng node), block (io_uring O_DIRECT
# on the block node), ioctl (synchronous passthrough, QD 1) from nvme-ucmd
# bench, and libaio (fio, O_DIRECT on the block node). A form or back end
# the kernel lacks is probed and left out, and said so.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cli=$top/build/tools/nvme-ucmd
out=${1:?usage: suite.sh OUT.jsonl [BACKEND...]}
shift
rt=${BENCH_RUNTIME:-2} reps=${BENCH_REPEATS:-5} seed=${BENCH_SEED:-1}
label=${BENCH_KERNEL:-$(uname -r)}

# the runs of one back end in a random order (fixed seed): "bs qd form fixed poll rep"
plan() {
	local forms=(block ioctl) polled=() f bs qd r c configs=() runs=()
	for f in big compact; do
		if "$cli" bench "$ng" --form "$f" --ios 64 --qd 4 -q --json >/dev/null 2>&1; then
			forms+=("$f")
		else
			echo "bench: $backend: form $f not available on $label: left out" >&2
		fi
	done
	command -v fio >/dev/null && forms+=(libaio)
	# polling, form by form: a queue without poll support makes the
	# passthrough forms -EOPNOTSUPP, while io_uring's block reads spin on
	# it, waiting for interrupts: not a polled run, so left out too
	for f in big compact block; do
		[[ " ${forms[*]} " == *" $f "* ]] || continue
		if [[ $f == block && $(cat "/sys/block/${blk#/dev/}/queue/io_poll" 2>/dev/null) != 1 ]]; then
			echo "bench: $backend: $blk has no poll queues: block polled runs left out" >&2
			continue
		fi
		if "$cli" bench "$ng" --form "$f" --poll --ios 64 --qd 4 -q --json >/dev/null 2>&1; then
			polled+=("$f")
		else
			echo "bench: $backend: $f cannot poll here: its polled runs left out" >&2
		fi
	done
	for bs in 512 4096; do
		for qd in 1 32 128; do
			for f in "${forms[@]}"; do
				[[ $f == ioctl && $qd != 1 ]] && continue
				configs+=("$bs $qd $f 0 0")
			done
		done
	done
	for f in big compact block; do
		[[ " ${forms[*]} " == *" $f "* ]] || continue
		for qd in 32 128; do
			configs+=("4096 $qd $f 1 0")
			[[ " ${polled[*]} " == *" $f "* ]] && configs+=("4096 $qd $f 0 1")
		done
	done
	for ((r = 1; r <= reps; r++)); do
		for c in "${configs[@]}"; do runs+=("$c $r"); done
	done
	printf '%s\n' "${runs[@]}" | shuf --random-source=<(yes "$seed")
}

run_fio() {	# bs qd
	local batch=$(($2 >= 32 ? 32 : 1))
	fio --name=bench --filename="$blk" --ioengine=libaio --direct=1 \
		--rw=randread --bs="$1" --iodepth="$2" \
		--iodepth_batch_submit="$batch" --iodepth_batch_complete_max="$batch" \
		--runtime="$rt" --time_based --size=256M --output-format=json 2>/dev/null |
	python3 -c '
import json, sys
j = json.load(sys.stdin)["jobs"][0]; r = j["read"]; p = r["clat_ns"].get("percentile", {})
ios = max(r["total_ios"], 1); secs = j["job_runtime"] / 1000
print(json.dumps({"form": "libaio", "iops": round(r["iops"]),
  "lat_p50_ns": p.get("50.000000", 0), "lat_p99_ns": p.get("99.000000", 0),
  "cpu_ns_per_io": round((j["usr_cpu"] + j["sys_cpu"]) / 100 * secs * 1e9 / ios),
  "ios": r["total_ios"], "errors": j["error"]}))'
}

# what the numbers depend on: CPUs, the block queue's hardware queues and
# I/O scheduler (passthrough requests bypass a scheduler's sorting)
describe() {
	local q=/sys/block/${blk#/dev/} sched
	sched=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$q/queue/scheduler" 2>/dev/null)
	echo "bench: $backend: $(nproc) CPUs; $blk: $(ls "$q/mq" 2>/dev/null | wc -l)" \
		"hardware queues, scheduler ${sched:-?}, $(cat "$q/queue/nr_requests") requests"
}

# one back end: its nodes in $ng and $blk
bench_backend() {
	local runs run bs qd f fixed polled rep n=0 batch res args
	describe
	mapfile -t runs < <(plan)
	for run in "${runs[@]}"; do
		read -r bs qd f fixed polled rep <<<"$run"
		n=$((n + 1))
		batch=$((qd >= 32 ? 32 : 1))
		if [[ $f == libaio ]]; then
			res=$(run_fio "$bs" "$qd")
		else
			args=(--form "$f" --rw randread --bs "$bs" --qd "$qd" --batch "$batch"
			      --runtime "$rt" --size 256M -q --json)
			((fixed)) && args+=(--fixed)
			((polled)) && args+=(--poll)
			res=$("$cli" bench "$ng" "${args[@]}" 2>&1 | tr -d '\n')
		fi
		if [[ $res != "{"* ]]; then
			echo "bench: $backend: $run: ${res:-no output}"
			continue
		fi
		python3 -c '
import json, sys
d = json.loads(sys.argv[1])
d.update(kernel=sys.argv[2], backend=sys.argv[3], bs=int(sys.argv[4]), qd=int(sys.argv[5]),
         form=sys.argv[6], fixed=sys.argv[7] == "1", poll=sys.argv[8] == "1", rep=int(sys.argv[9]))
print(json.dumps(d, sort_keys=True))' "$res" "$label" "$backend" "$bs" "$qd" "$f" \
			"$fixed" "$polled" "$rep" >>"$out"
		printf 'bench: %s %3d/%d %-7s bs=%-4s qd=%-3s fixed=%s poll=%s: %s IOPS\n' "$backend" "$n" \
			"${#runs[@]}" "$f" "$bs" "$qd" "$fixed" "$polled" \
			"$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["iops"])' "$res")"
	done
}

: >>"$out"
rc=77
for backend in "${@:-qemu-nvme}"; do
	case $backend in
	qemu-nvme)
		ng=/dev/ng0n1 blk=/dev/nvme0n1
		if [[ ! -e $ng || ! -e $blk ]]; then
			echo "bench: $backend: $ng or $blk absent: left out"
			continue
		fi
		bench_backend
		;;
	nvme-loop)
		if ! nodes=$("$top/tests/bench/loop-target.sh" up); then
			echo "bench: $backend: no loop target: left out"
			continue
		fi
		read -r ng blk <<<"$nodes"
		mp=$(cat /sys/module/nvme_core/parameters/multipath 2>/dev/null)
		echo "bench: $backend: $ng and $blk (nvme-loop on null_blk; nvme_core.multipath=${mp:-?})"
		bench_backend
		"$top/tests/bench/loop-target.sh" down
		;;
	*)
		echo "bench: unknown back end $backend" >&2
		exit 2
		;;
	esac
	rc=0
done
exit $rc
