#!/usr/bin/env bash
# The bounded uring_cmd fuzz campaign (issue 7): fuzz-uring with a fixed
# seed for FUZZ_SECONDS (default 120) on the scratch namespace /dev/ng0n3
# (any command), /dev/ng0n1 (reads only) and /dev/nvme0 (admin allowlist).
# Fails on a completion outside the known results, a hang, or a device that
# no longer reads or identifies afterwards; the runner fails it on any
# kernel splat. FUZZ_SEED picks another seed (default 7).
. "$(dirname "$0")/../lib.sh"
need_root
top=${NVME_UCMD_TOP:-$(cd "$(dirname "$0")/../../.." && pwd)}
bin=$top/build/tests/guest/fuzz-uring
[[ -x $bin ]] || skip "$bin not built (make)"
need_node "$NVME_CTRL"
need_node /dev/ng0n1
need_node /dev/ng0n3
# --no-drain: IOSQE_IO_DRAIN followed by an SQE that fails before it is
# queued (a bad fd) stalls the drained request forever in the base's
# io_uring (5.15-era, files resolved at init); upstream 6.1 resolves files
# at issue and completes it. Known, reproduced, not yet fixed.
# --need-overlay: on upstream kernels (no overlay forms) it skips; Debian's
# 6.1.192 hits "kernel BUG at mm/usercopy.c" in nvme_finish_user_metadata()
# from an SQPOLL ring within seconds of seed 7 (found by this fuzzer).
# Runs last (zz-): OPEN BUG, the campaign leaves the NVMe driver in a
# state where later 8-block commands at QD 2-128 on ng0n2 see another
# command's pages from the second block on (two commands sharing one PRP
# list, most likely a double free into nvme-pci's PRP pool during the
# campaign). Reproduce in the debug VM: build/tests/guest/fuzz-uring
# --seed 7 --seconds 60 --no-drain, then build/tests/guest/t/nvme-40-qd
# (fails nearly every time; registered buffers make it likelier).
# FUZZ_NO_FIXED=1 registers no buffers.
fixed=
[[ -n ${FUZZ_NO_FIXED:-} ]] && fixed=--no-fixed
exec "$bin" --seed "${FUZZ_SEED:-7}" --seconds "${FUZZ_SECONDS:-120}" --no-drain --need-overlay $fixed
