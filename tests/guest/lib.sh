# shellcheck shell=bash disable=SC2034 # NVME_*: used by the tests that source it
# Helpers for guest test scripts: source it, then declare what you need.
# Tests exit 0 pass, 1 fail, 77 skip with a one-line reason.
#
# Run as an unprivileged user (tests/guest/run -u: nobody, no capabilities,
# the NVMe nodes mode 0666), a test does what that user may do and skips
# the rest: all of it with `skip "what: needs PRIVILEGE"`, a part of it with
# `skipped WHAT WHY` (a "# skipped: WHAT: WHY" line). What is allowed is
# found by trying the operation (denied, admin_ioctl_denied), not from the
# uid or the kernel version. With CAP_SYS_ADMIN the probes do not run at all
# (they answer "not denied"), so as root a test does exactly what it did
# before and a refusal fails it instead of skipping.

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
info() { echo "$*"; }
skipped() { echo "# skipped: $1: $2"; }

# Prefer a probe (denied, refused) and a reason naming the privilege.
need_root() { ((EUID == 0)) || skip "needs root"; }
need_cmd() { command -v "$1" >/dev/null || skip "$1 not installed"; }
need_node() { [[ -e $1 ]] || skip "$1 absent"; }

# Capability numbers (linux/capability.h) for have_cap.
CAP_IPC_LOCK=14
CAP_SYS_ADMIN=21

# have_cap N: capability N is in this shell's effective set.
have_cap() {
	local key val
	while read -r key val; do
		[[ $key == CapEff: ]] && (((16#$val >> $1) & 1)) && return 0
	done </proc/self/status
	return 1
}

# refused ERR: ERR, the message of an operation that failed, says it was
# for want of a privilege (EACCES, EPERM, "must be superuser"), and this
# shell lacks CAP_SYS_ADMIN. Leaves the line in $DENIED.
DENIED=
refused() {
	DENIED=
	have_cap $CAP_SYS_ADMIN && return 1
	DENIED=$(grep -m1 -iE 'permission denied|operation not permitted|must be superuser|only root' <<<"$1")
	[[ -n $DENIED ]]
}

# denied CMD...: run CMD (its output is discarded) and tell whether it was
# refused (see refused). With CAP_SYS_ADMIN, CMD is not run at all. A CMD
# that succeeds has run: probe with operations the test does anyway, or
# that change nothing.
denied() {
	local err
	have_cap $CAP_SYS_ADMIN && return 1
	err=$("$@" 2>&1 >/dev/null) && return 1
	refused "$err"
}

# The error in $DENIED without the tool's prefixes and any " (hint)".
denied_err() {
	local e=${DENIED##*: }
	echo "${e%% (*}"
}

# admin_ioctl_denied NODE: Identify Controller through NVME_IOCTL_ADMIN_CMD
# on NODE (how nvme-cli and fio's io_uring_cmd engine identify a device) is
# refused with EACCES or EPERM, and this shell lacks CAP_SYS_ADMIN.
admin_ioctl_denied() {
	have_cap $CAP_SYS_ADMIN && return 1
	command -v python3 >/dev/null || return 1
	python3 - "$1" <<'PY'
import ctypes, errno, fcntl, os, struct, sys
NVME_IOCTL_ADMIN_CMD = 0xC0484E41	# _IOWR('N', 0x41, 72 bytes)
buf = ctypes.create_string_buffer(4096)
# struct nvme_passthru_cmd: opcode 0x06 (Identify), addr, data_len, CDW10 CNS 1
cmd = bytearray(struct.pack('=BBHIIIQQII6III', 0x06, 0, 0, 0, 0, 0, 0,
                            ctypes.addressof(buf), 0, 4096, 1, 0, 0, 0, 0, 0,
                            0, 0))
try:
    fd = os.open(sys.argv[1], os.O_RDONLY)
except OSError:
    sys.exit(1)
try:
    fcntl.ioctl(fd, NVME_IOCTL_ADMIN_CMD, cmd)
except OSError as e:
    sys.exit(2 if e.errno in (errno.EACCES, errno.EPERM) else 1)
PY
	(($? == 2))
}

# need_access NODE, need_writable FILE: the node's mode lets this user open
# it (for writing, as the test will); skip when the open is refused. Any
# other open error is left to the test, which then fails on it.
need_access() {
	local err
	err=$({ : <"$1"; } 2>&1) || open_refused "$1" "$err" "read"
}
need_writable() {
	local err
	err=$({ : <>"$1"; } 2>&1) || open_refused "$1" "$err" "write"
}
open_refused() {
	[[ $2 == *"Permission denied" || $2 == *"Operation not permitted" ]] &&
		skip "$1: ${2##*: }: no $3 access to the node for uid $EUID"
	return 0
}

# memlock_refused MESSAGE: an io_uring buffer registration (or ring) was
# refused with ENOMEM while this shell lacks CAP_IPC_LOCK: it went over
# RLIMIT_MEMLOCK, which only that capability lifts.
memlock_refused() {
	! have_cap $CAP_IPC_LOCK && grep -q 'Cannot allocate memory' <<<"$1"
}

# The default VM drives: controller 0, namespace 1 (512-byte LBAs) and
# namespace 2 (4096-byte LBAs, 8 bytes of metadata).
NVME_CTRL=/dev/nvme0
NVME_NS1=/dev/nvme0n1
NVME_NS2=/dev/nvme0n2
