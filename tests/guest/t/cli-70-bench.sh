#!/usr/bin/env bash
# nvme-ucmd bench runs in every form the kernel has (and the block path),
# with registered buffers, and its JSON has the numbers issue 8 builds on.
# Without CAP_SYS_ADMIN the ioctl form is left out; without CAP_IPC_LOCK a
# registration over RLIMIT_MEMLOCK is.
. "$(dirname "$0")/cli-lib.inc"
need_cli
need_cmd python3
need_writable "$NG1"
need_writable "$NVME_NS1"
need_cli_identify "$NG1"

check() {	# form, extra args...
	local f=$1 out err rc
	shift
	err=$(mktemp)
	out=$("$U" bench $NG1 --form "$f" --ios 2000 --qd 16 --batch 4 -o json "$@" 2>"$err")
	rc=$?
	cat "$err" >&2
	if ((rc)) && [[ " $* " == *" --fixed "* ]] && memlock_refused "$(cat "$err")"; then
		skipped "bench --form $f $*" "registering the buffers goes over RLIMIT_MEMLOCK ($(ulimit -l) KiB): needs CAP_IPC_LOCK"
		rm -f "$err"
		return
	fi
	rm -f "$err"
	((rc == 0)) || fail "bench --form $f $*"
	python3 -c '
import json, sys
r = json.loads(sys.argv[1])
need = ["iops", "bw", "lat_p50_ns", "lat_p99_ns", "lat_p999_ns", "cpu_ns_per_io",
        "ios", "errors", "form", "rw", "bs", "qd", "batch"]
miss = [k for k in need if k not in r]
assert not miss, "missing %s" % miss
assert r["ios"] == 2000 and r["errors"] == 0, r
assert r["iops"] > 0 and r["bw"] > 0, r
assert 0 < r["lat_p50_ns"] <= r["lat_p99_ns"] <= r["lat_p999_ns"] <= r["lat_max_ns"], r
' "$out" || fail "bench --form $f $*: bad JSON: $out"
	info "bench --form $f $*: ok"
}

for f in big compact indirect; do
	if "$U" bench $NG1 --form $f --ios 1 -q >/dev/null 2>&1; then
		check $f --rw randread
		check $f --rw write --fixed
	elif ! cli_denied "--form $f" "$U" bench $NG1 --form $f --ios 1 -q; then
		info "--form $f: not supported by this kernel"
	fi
done
cli_denied "--form ioctl" "$U" bench $NG1 --form ioctl --ios 1 -q ||
	check ioctl --rw read
check block --rw randwrite
check block --rw randread --fixed
