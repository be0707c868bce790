// SPDX-License-Identifier: GPL-2.0
/*
 * Guest tests of io_uring's uring_cmd core, through liburing. One binary;
 * the case runs by the name it is called by (uring-core-<case>), so each
 * case is one TAP line. Cases that need /dev/uring_cmd_test (our test
 * kernel's device) skip without it; the rest hold on upstream kernels too.
 * Exit: 0 pass, 1 fail, 77 skip (last line says why).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <liburing.h>
#include "uring_cmd_test.h"	/* kernel/drivers/misc/ */

#define TEST_DEV	"/dev/uring_cmd_test"
#define OP_URING_CMD	46

static int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		printf("FAIL %s:%d: ", __func__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		failures++;						\
	}								\
} while (0)

static void skip(const char *why)
{
	printf("SKIP: %s\n", why);
	exit(77);
}

static int test_dev(void)
{
	int fd = open(TEST_DEV, O_RDWR);

	if (fd < 0)
		skip(TEST_DEV " absent (not our test kernel)");
	return fd;
}

static void ring_init(struct io_uring *ring, unsigned int entries,
		      unsigned int flags)
{
	struct io_uring_params p = { .flags = flags };
	int ret = io_uring_queue_init_params(entries, ring, &p);

	if (ret) {
		printf("FAIL: io_uring setup flags %#x: %s\n", flags,
		       strerror(-ret));
		exit(1);
	}
}

/* an IORING_OP_URING_CMD SQE for the test device, command bytes zeroed */
static struct io_uring_sqe *cmd_sqe(struct io_uring *ring, int fd, __u32 op,
				    __u64 user_data)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	size_t len = ring->flags & IORING_SETUP_SQE128 ? 128 : 64;

	memset(sqe, 0, len);
	sqe->opcode = OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = op;
	sqe->user_data = user_data;
	return sqe;
}

/* the test args sit at SQE byte 48 in both SQE sizes */
static struct uring_cmd_test_args *args_of(struct io_uring_sqe *sqe)
{
	return (struct uring_cmd_test_args *)((char *)sqe + 48);
}

struct res {
	__u64 user_data;
	int res;
	__u64 big0, big1;
};

static int reap(struct io_uring *ring, struct res *r)
{
	struct io_uring_cqe *cqe;
	int ret = io_uring_wait_cqe(ring, &cqe);

	if (ret)
		return ret;
	r->user_data = cqe->user_data;
	r->res = cqe->res;
	r->big0 = r->big1 = 0;
	if (ring->flags & IORING_SETUP_CQE32) {
		r->big0 = cqe->big_cqe[0];
		r->big1 = cqe->big_cqe[1];
	}
	io_uring_cqe_seen(ring, cqe);
	return 0;
}

static int submit_reap(struct io_uring *ring, struct res *r)
{
	int ret = io_uring_submit(ring);

	if (ret < 0)
		return ret;
	/* SQPOLL: the count is what the thread has not taken yet */
	if (ret != 1 && !(ring->flags & IORING_SETUP_SQPOLL))
		return -EIO;
	return reap(ring, r);
}

/* --- cases that hold on any kernel with uring_cmd --- */

/* opcode 46 is supported; every opcode probe calls unsupported is -EINVAL */
static void case_probe(void)
{
	struct io_uring_probe *probe;
	struct io_uring ring;
	struct res r = { 0 };
	int op;

	ring_init(&ring, 8, 0);
	probe = io_uring_get_probe_ring(&ring);
	CHECK(probe, "IORING_REGISTER_PROBE failed");
	if (!probe)
		return;
	CHECK(io_uring_opcode_supported(probe, OP_URING_CMD),
	      "probe: IORING_OP_URING_CMD not supported");
	CHECK(probe->last_op >= OP_URING_CMD, "probe: last_op %u < 46",
	      probe->last_op);
	for (op = 0; op <= probe->last_op && op < 64; op++) {
		struct io_uring_sqe *sqe;

		if (io_uring_opcode_supported(probe, op))
			continue;
		sqe = io_uring_get_sqe(&ring);
		io_uring_prep_nop(sqe);
		sqe->opcode = op;
		sqe->fd = -1;
		sqe->user_data = op;
		CHECK(!submit_reap(&ring, &r), "submit op %d", op);
		CHECK(r.res == -EINVAL, "unsupported op %d: res %d, want -EINVAL",
		      op, r.res);
	}
	printf("probe: last_op %u, op 46 supported\n", probe->last_op);
	io_uring_free_probe(probe);
	io_uring_queue_exit(&ring);
}

/* fdinfo's entry sizes, where the kernel reports them (ours does) */
static void check_fdinfo(struct io_uring *ring, unsigned int flags)
{
	char path[64], line[256];
	unsigned int sqe = 0, cqe = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ring->ring_fd);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "SqeSize: %u", &sqe);
		sscanf(line, "CqeSize: %u", &cqe);
	}
	fclose(f);
	if (sqe)
		CHECK(sqe == (flags & IORING_SETUP_SQE128 ? 128u : 64u),
		      "fdinfo SqeSize %u (flags %#x)", sqe, flags);
	if (cqe)
		CHECK(cqe == (flags & IORING_SETUP_CQE32 ? 32u : 16u),
		      "fdinfo CqeSize %u (flags %#x)", cqe, flags);
}

/* ordinary opcodes in big rings: same results, big_cqe[] zero */
static void bigring_ops(unsigned int flags)
{
	char path[] = "/tmp/uring-core-XXXXXX", wbuf[4096], rbuf[4096];
	struct __kernel_timespec ts = { .tv_nsec = 1000000 };
	struct iovec iov = { rbuf, sizeof(rbuf) };
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	struct res r = { 0 };
	int fd, efd, i;
	__u64 one = 1;

	fd = mkstemp(path);
	efd = eventfd(0, 0);
	CHECK(fd >= 0 && efd >= 0, "tmp file / eventfd");
	unlink(path);
	memset(wbuf, 0xa5, sizeof(wbuf));
	ring_init(&ring, 16, flags);
	check_fdinfo(&ring, flags);

	io_uring_prep_nop(io_uring_get_sqe(&ring));
	CHECK(!submit_reap(&ring, &r) && r.res == 0, "nop: %d", r.res);
	CHECK(!r.big0 && !r.big1, "nop: big_cqe %llx %llx",
	      (unsigned long long)r.big0, (unsigned long long)r.big1);

	io_uring_prep_write(io_uring_get_sqe(&ring), fd, wbuf, sizeof(wbuf), 0);
	CHECK(!submit_reap(&ring, &r) && r.res == 4096, "write: %d", r.res);
	io_uring_prep_fsync(io_uring_get_sqe(&ring), fd, 0);
	CHECK(!submit_reap(&ring, &r) && r.res == 0, "fsync: %d", r.res);
	io_uring_prep_readv(io_uring_get_sqe(&ring), fd, &iov, 1, 0);
	CHECK(!submit_reap(&ring, &r) && r.res == 4096, "readv: %d", r.res);
	CHECK(!memcmp(wbuf, rbuf, sizeof(rbuf)), "readv: data differs");

	io_uring_prep_timeout(io_uring_get_sqe(&ring), &ts, 0, 0);
	CHECK(!submit_reap(&ring, &r) && r.res == -ETIME, "timeout: %d", r.res);

	io_uring_prep_poll_add(io_uring_get_sqe(&ring), efd, POLLIN);
	io_uring_submit(&ring);
	CHECK(write(efd, &one, sizeof(one)) == sizeof(one), "eventfd write");
	CHECK(!reap(&ring, &r) && (r.res & POLLIN), "poll: %d", r.res);

	/* a link: write then read, in order */
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_write(sqe, fd, wbuf, 512, 4096);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, fd, rbuf, 512, 4096);
	sqe->user_data = 2;
	CHECK(io_uring_submit(&ring) == 2, "link submit");
	for (i = 0; i < 2; i++) {
		CHECK(!reap(&ring, &r), "link reap");
		CHECK(r.res == 512, "link %llu: %d",
		      (unsigned long long)r.user_data, r.res);
		CHECK(!r.big0 && !r.big1, "link: big_cqe not zero");
	}
	io_uring_queue_exit(&ring);
	close(fd);
	close(efd);
}

static void case_bigring(void)
{
	bigring_ops(IORING_SETUP_SQE128);
	bigring_ops(IORING_SETUP_CQE32);
	bigring_ops(IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	printf("nop, write, fsync, readv, timeout, poll, links in big rings\n");
}

/* a file without ->uring_cmd: -EOPNOTSUPP, in both SQE sizes */
static void case_enotsupp(void)
{
	unsigned int flags[] = { 0, IORING_SETUP_SQE128 | IORING_SETUP_CQE32 };
	int fd = open("/proc/self/status", O_RDONLY);

	for (size_t i = 0; i < 2; i++) {
		struct io_uring ring;
		struct res r = { 0 };

		ring_init(&ring, 4, flags[i]);
		cmd_sqe(&ring, fd, 0, 1);
		CHECK(!submit_reap(&ring, &r), "submit");
		CHECK(r.res == -EOPNOTSUPP, "flags %#x: res %d, want -EOPNOTSUPP",
		      flags[i], r.res);
		io_uring_queue_exit(&ring);
	}
	close(fd);
}

/* NOPs overflowing a CQE32 ring keep big_cqe[] zero (any kernel) */
static void case_overflow(void)
{
	struct io_uring_params p = {
		.flags = IORING_SETUP_CQE32 | IORING_SETUP_CQSIZE,
		.cq_entries = 4,
	};
	struct io_uring ring;
	int i, fd = open(TEST_DEV, O_RDWR), n = 16, seen = 0;
	__u64 mask = 0;

	i = io_uring_queue_init_params(4, &ring, &p);
	CHECK(!i, "setup: %s", strerror(-i));
	if (i)
		return;
	for (i = 0; i < n; i++) {
		struct io_uring_sqe *sqe;

		if (fd >= 0 && (i & 1)) {
			sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_RUN, i);
			args_of(sqe)->res = i;
			args_of(sqe)->flags = URING_CMD_TEST_F_RES2;
			args_of(sqe)->arg = 0x1000 + i;
		} else {
			sqe = io_uring_get_sqe(&ring);
			io_uring_prep_nop(sqe);
			sqe->user_data = i;
		}
		CHECK(io_uring_submit(&ring) == 1, "submit %d", i);
	}
	/* 4 CQEs in the ring, the rest on the overflow list */
	for (i = 0; i < n; i++) {
		struct res r = { 0 };

		if (reap(&ring, &r))
			break;
		seen++;
		mask |= 1ull << r.user_data;
		if (r.user_data & 1 && fd >= 0)
			CHECK(r.res == (int)r.user_data &&
			      r.big0 == 0x1000 + r.user_data && !r.big1,
			      "cmd %llu: res %d big_cqe %#llx %#llx",
			      (unsigned long long)r.user_data, r.res,
			      (unsigned long long)r.big0,
			      (unsigned long long)r.big1);
		else
			CHECK(!r.res && !r.big0 && !r.big1, "nop %llu: res %d",
			      (unsigned long long)r.user_data, r.res);
	}
	CHECK(seen == n && mask == (1ull << n) - 1, "%d of %d CQEs after overflow",
	      seen, n);
	printf("%d CQEs through a 4-entry CQE32 ring%s\n", seen,
	       fd >= 0 ? ", half of them uring_cmds with res2" : "");
	io_uring_queue_exit(&ring);
	if (fd >= 0)
		close(fd);
}

/* --- cases that need the test device --- */

static void run_one(struct io_uring *ring, int fd, __u32 op, __u32 res,
		    __u32 flags, __u64 arg, int want, __u64 want_big0,
		    const char *what)
{
	struct io_uring_sqe *sqe = cmd_sqe(ring, fd, op, 7);
	struct res r = { 0 };

	args_of(sqe)->res = res;
	args_of(sqe)->flags = flags;
	args_of(sqe)->arg = arg;
	CHECK(!submit_reap(ring, &r), "%s: submit", what);
	CHECK(r.res == want, "%s (ring %#x): res %d, want %d", what,
	      ring->flags, r.res, want);
	if (ring->flags & IORING_SETUP_CQE32)
		CHECK(r.big0 == want_big0 && !r.big1,
		      "%s: big_cqe %#llx %#llx, want %#llx", what,
		      (unsigned long long)r.big0, (unsigned long long)r.big1,
		      (unsigned long long)want_big0);
}

static void cmd_cases(unsigned int ring_flags)
{
	unsigned int big = ring_flags & (IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	int saw = (ring_flags & IORING_SETUP_SQE128 ? URING_CMD_TEST_SAW_SQE128 : 0) |
		  (ring_flags & IORING_SETUP_CQE32 ? URING_CMD_TEST_SAW_CQE32 : 0) |
		  (ring_flags & IORING_SETUP_IOPOLL ? URING_CMD_TEST_SAW_IOPOLL : 0);
	int fd = test_dev();
	struct io_uring ring;
	__u64 r2 = ring_flags & IORING_SETUP_CQE32 ? 0xfeedbeefcafe : 0;

	ring_init(&ring, 8, ring_flags);
	run_one(&ring, fd, URING_CMD_TEST_RUN, 42, 0, 0, 42, 0, "inline");
	run_one(&ring, fd, URING_CMD_TEST_RUN, (__u32)-EIO, 0, 0, -EIO, 0,
		"inline error");
	run_one(&ring, fd, URING_CMD_TEST_RUN, 7, URING_CMD_TEST_F_RES2,
		0xfeedbeefcafe, 7, r2, "res2");
	run_one(&ring, fd, URING_CMD_TEST_RUN, 9, URING_CMD_TEST_F_ASYNC |
		URING_CMD_TEST_F_RES2, 0xfeedbeefcafe, 9, r2, "irq completion");
	run_one(&ring, fd, URING_CMD_TEST_RUN, 11, URING_CMD_TEST_F_EAGAIN, 0,
		11, 0, "-EAGAIN retried");
	run_one(&ring, fd, URING_CMD_TEST_RUN, 0, URING_CMD_TEST_F_ISSUE_FLAGS,
		0, saw, 0, "issue flags");
	run_one(&ring, fd, 0x1234, 0, 0, 0, -ENOTTY, 0, "unknown cmd_op");
	run_one(&ring, fd, URING_CMD_TEST_RUN, 0, 0x80000000u, 0, -EINVAL, 0,
		"unknown test flag");
	io_uring_queue_exit(&ring);
	close(fd);
	(void)big;
}

static void case_cmd(void)
{
	cmd_cases(0);
	cmd_cases(IORING_SETUP_CQE32);
	cmd_cases(IORING_SETUP_SQE128);
	cmd_cases(IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	printf("inline, error, res2, IRQ completion, -EAGAIN retry, flags, "
	       "-ENOTTY, -EINVAL in 4 ring kinds\n");
}

/* reserved bytes, unknown uring_cmd_flags, bad buf_index, __pad1 */
static void case_badsqe(void)
{
	int fd = test_dev();
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct res r = { 0 };

	ring_init(&ring, 8, 0);
	sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_RUN, 1);
	sqe->len = 1;			/* overlay byte the device reserves */
	CHECK(!submit_reap(&ring, &r) && r.res == -EINVAL,
	      "reserved overlay byte: %d", r.res);
	sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_RUN, 1);
	sqe->uring_cmd_flags = 1u << 5;
	CHECK(!submit_reap(&ring, &r) && r.res == -EINVAL,
	      "unknown uring_cmd_flags: %d", r.res);
	sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_RUN, 1);
	sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
	sqe->buf_index = 3;
	CHECK(!submit_reap(&ring, &r) && r.res == -EFAULT,
	      "FIXED without buffers: %d", r.res);
	io_uring_queue_exit(&ring);

	ring_init(&ring, 8, IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_RUN, 1);
	sqe->__pad1 = 1;
	CHECK(!submit_reap(&ring, &r) && r.res == -EINVAL, "__pad1: %d", r.res);
	sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_RUN, 1);
	((char *)sqe)[100] = 1;		/* device-reserved command byte */
	CHECK(!submit_reap(&ring, &r) && r.res == -EINVAL,
	      "reserved command byte: %d", r.res);
	io_uring_queue_exit(&ring);
	close(fd);
}

/* registered buffers: FIXED with a good index works, a bad one is -EFAULT */
static void case_fixed(void)
{
	static char buf[8192] __attribute__((aligned(4096)));
	struct iovec iov = { buf, sizeof(buf) };
	int fd = test_dev();
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct res r = { 0 };

	ring_init(&ring, 8, 0);
	r.res = io_uring_register_buffers(&ring, &iov, 1);
	CHECK(!r.res, "register: %s", strerror(-r.res));
	sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_RUN, 1);
	sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
	args_of(sqe)->res = 5;
	CHECK(!submit_reap(&ring, &r) && r.res == 5, "FIXED index 0: %d", r.res);
	sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_RUN, 1);
	sqe->uring_cmd_flags = IORING_URING_CMD_FIXED;
	sqe->buf_index = 1;
	CHECK(!submit_reap(&ring, &r) && r.res == -EFAULT,
	      "FIXED index 1 of 1: %d", r.res);
	io_uring_queue_exit(&ring);
	close(fd);
}

/* the driver sees exactly the bytes written: overlay and sqe->cmd */
static void echo_check(unsigned int ring_flags, unsigned int sqe_flags,
		       __u32 test_flags, int scribble)
{
	size_t len = ring_flags & IORING_SETUP_SQE128 ? 80 : 56;
	size_t from = ring_flags & IORING_SETUP_SQE128 ? 48 : 8;
	unsigned char want[128], got[128];
	int fd = test_dev();
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct res r = { 0 };
	size_t i;

	memset(got, 0, sizeof(got));
	ring_init(&ring, 8, ring_flags);
	sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_ECHO, 0x5151);
	for (i = 12; i < (ring_flags & IORING_SETUP_SQE128 ? 128 : 64); i++)
		if ((i >= 12 && i < 28) || i >= 56)
			((unsigned char *)sqe)[i] = (unsigned char)(i * 7 + 3);
	if (ring_flags & IORING_SETUP_SQE128)
		sqe->__pad1 = 0;
	sqe->flags |= sqe_flags;
	args_of(sqe)->flags = test_flags;
	args_of(sqe)->arg = (__u64)(uintptr_t)got;
	memcpy(want, (unsigned char *)sqe + from, len);
	CHECK(io_uring_submit(&ring) == 1, "submit");
	if (scribble)	/* the slot is free once submitted: reuse it */
		memset(sqe, 0xff, ring_flags & IORING_SETUP_SQE128 ? 128 : 64);
	CHECK(!reap(&ring, &r), "reap");
	CHECK(r.res == (int)len, "echo (ring %#x sqe %#x): res %d, want %zu",
	      ring_flags, sqe_flags, r.res, len);
	CHECK(!memcmp(want, got, len), "echo (ring %#x sqe %#x flags %#x): "
	      "bytes differ", ring_flags, sqe_flags, test_flags);
	io_uring_queue_exit(&ring);
	close(fd);
}

static void case_overlay(void)
{
	echo_check(0, 0, 0, 0);
	echo_check(IORING_SETUP_CQE32, 0, 0, 0);
	echo_check(IORING_SETUP_SQE128, 0, 0, 0);
	echo_check(IORING_SETUP_SQE128 | IORING_SETUP_CQE32, 0, 0, 0);
	printf("56 overlay bytes (64-byte SQE) and 80 command bytes "
	       "(128-byte SQE) arrive unchanged\n");
}

static void case_deferred(void)
{
	unsigned int rings[] = { 0, IORING_SETUP_SQE128 | IORING_SETUP_CQE32 };

	for (size_t i = 0; i < 2; i++) {
		echo_check(rings[i], IOSQE_ASYNC, 0, 1);
		echo_check(rings[i], 0, URING_CMD_TEST_F_EAGAIN, 1);
		echo_check(rings[i], IOSQE_IO_DRAIN, 0, 1);
		echo_check(rings[i], IOSQE_ASYNC, URING_CMD_TEST_F_ASYNC, 1);
	}
	printf("IOSQE_ASYNC, -EAGAIN punt, drain: the command survives "
	       "the SQE slot's reuse\n");
}

static void case_link(void)
{
	int fd = test_dev();
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct res r = { 0 };
	int i;

	ring_init(&ring, 8, IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_RUN, 1);
	args_of(sqe)->flags = URING_CMD_TEST_F_ASYNC;
	args_of(sqe)->res = (__u32)-EIO;
	sqe->flags |= IOSQE_IO_LINK;
	sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_RUN, 2);
	args_of(sqe)->res = 3;
	CHECK(io_uring_submit(&ring) == 2, "submit");
	for (i = 0; i < 2; i++) {
		CHECK(!reap(&ring, &r), "reap");
		if (r.user_data == 1)
			CHECK(r.res == -EIO, "head: %d", r.res);
		else
			CHECK(r.res == -ECANCELED, "failed link: %d", r.res);
	}
	io_uring_queue_exit(&ring);
	close(fd);
}

/*
 * 32 commands whose timers fire together, so their task work runs as one
 * batch and the core posts their CQEs together: each must come out once,
 * with its own res and big_cqe[0]; a failed one still cancels its link.
 */
static void batch_ring(unsigned int ring_flags)
{
	bool cqe32 = ring_flags & IORING_SETUP_CQE32;
	int fd = test_dev(), seen[33] = { 0 };
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	struct res r = { 0 };
	int i;

	ring_init(&ring, 64, ring_flags);
	for (i = 0; i < 32; i++) {
		sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_RUN, i);
		args_of(sqe)->res = i == 5 ? (__u32)-EIO : (__u32)i;
		args_of(sqe)->flags = URING_CMD_TEST_F_ASYNC |
				      URING_CMD_TEST_F_RES2;
		args_of(sqe)->arg = 0xb0000000ull + i;
		if (i % 8 == 3)
			sqe->flags |= IOSQE_ASYNC;	/* issued from io-wq */
		if (i != 5)
			continue;
		sqe->flags |= IOSQE_IO_LINK;	/* the next SQE: #32 */
		sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_RUN, 32);
		args_of(sqe)->res = 32;
	}
	CHECK(io_uring_submit(&ring) == 33, "submit 33");
	for (i = 0; i < 33; i++) {
		if (reap(&ring, &r)) {
			CHECK(0, "reap %d of 33", i + 1);
			break;
		}
		if (r.user_data > 32 || seen[r.user_data]++) {
			CHECK(0, "CQE %llu again or unknown",
			      (unsigned long long)r.user_data);
			continue;
		}
		if (r.user_data == 32) {
			CHECK(r.res == -ECANCELED, "link behind a failure: %d",
			      r.res);
			continue;
		}
		CHECK(r.res == (r.user_data == 5 ? -EIO : (int)r.user_data),
		      "command %llu: res %d", (unsigned long long)r.user_data,
		      r.res);
		if (cqe32)
			CHECK(r.big0 == 0xb0000000ull + r.user_data && !r.big1,
			      "command %llu: big_cqe %#llx %#llx",
			      (unsigned long long)r.user_data,
			      (unsigned long long)r.big0,
			      (unsigned long long)r.big1);
	}
	CHECK(io_uring_cq_ready(&ring) == 0, "%u CQEs too many",
	      io_uring_cq_ready(&ring));
	io_uring_queue_exit(&ring);
	close(fd);
}

static void case_batch(void)
{
	batch_ring(0);
	batch_ring(IORING_SETUP_SQE128 | IORING_SETUP_CQE32);
	printf("32 commands completed together, one failed with a link behind "
	       "it, in 2 ring kinds\n");
}

/*
 * IOSQE_IO_DRAIN followed by an SQE that fails before it is issued (a bad
 * fd): the drained request must still run, after its predecessors. 5.10's
 * io_uring posted the failure at once; when the predecessors' CQEs were
 * then flushed together the CQ tail stepped over the drained NOP's
 * sequence and it waited forever.
 */
static void case_drain(void)
{
	struct __kernel_timespec ts = { .tv_sec = 5 };
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int i, pos[4] = { -1, -1, -1, -1 }, res[4] = { 0 };

	ring_init(&ring, 8, 0);
	for (i = 0; i < 4; i++) {
		sqe = io_uring_get_sqe(&ring);
		if (i < 3)
			io_uring_prep_nop(sqe);
		else
			io_uring_prep_read(sqe, -1, NULL, 0, 0);
		sqe->user_data = i;
		if (i == 2)
			sqe->flags |= IOSQE_IO_DRAIN;
	}
	CHECK(io_uring_submit(&ring) == 4, "submit");
	for (i = 0; i < 4; i++) {
		if (io_uring_wait_cqe_timeout(&ring, &cqe, &ts)) {
			CHECK(0, "only %d of 4 CQEs in 5 s (the drained NOP %s)",
			      i, pos[2] < 0 ? "never ran" : "ran");
			break;
		}
		if (cqe->user_data < 4) {
			pos[cqe->user_data] = i;
			res[cqe->user_data] = cqe->res;
		}
		io_uring_cqe_seen(&ring, cqe);
	}
	CHECK(res[0] == 0 && res[1] == 0 && res[2] == 0,
	      "NOPs: %d %d %d", res[0], res[1], res[2]);
	CHECK(pos[3] < 0 || res[3] == -EBADF, "bad fd: %d", res[3]);
	/*
	 * The drained NOP after both NOPs; the failure (after it in the SQ,
	 * without a drain of its own) may complete before or after it, but
	 * not before the NOPs the drain waits for: posted earlier, it would
	 * count towards the drained NOP's sequence.
	 */
	CHECK(pos[2] > pos[0] && pos[2] > pos[1] && pos[3] > pos[0] &&
	      pos[3] > pos[1],
	      "order: NOPs at %d %d, drained NOP at %d, failure at %d",
	      pos[0], pos[1], pos[2], pos[3]);
	io_uring_queue_exit(&ring);
	printf("a drained request runs after its predecessors even when a later SQE fails to submit\n");
}

static void case_iopoll(void)
{
	int fd = open("/proc/self/status", O_RDONLY);
	struct io_uring ring;
	struct res r = { 0 };

	cmd_cases(IORING_SETUP_IOPOLL);
	cmd_cases(IORING_SETUP_IOPOLL | IORING_SETUP_SQE128 |
		  IORING_SETUP_CQE32);
	ring_init(&ring, 4, IORING_SETUP_IOPOLL);
	cmd_sqe(&ring, fd, 0, 1);
	CHECK(!submit_reap(&ring, &r) && r.res == -EOPNOTSUPP,
	      "IOPOLL on a file without uring_cmd: %d", r.res);
	io_uring_queue_exit(&ring);
	close(fd);
	printf("IOPOLL rings complete through ->uring_cmd_iopoll\n");
}

static void case_sqpoll(void)
{
	struct io_uring probe;
	int ret = io_uring_queue_init(2, &probe, IORING_SETUP_SQPOLL);

	/* 5.10 before the io_uring backport wanted CAP_SYS_ADMIN for it */
	if (ret == -EPERM || ret == -EACCES)
		skip("creating an SQPOLL ring was refused: needs CAP_SYS_ADMIN on this kernel");
	if (!ret)
		io_uring_queue_exit(&probe);
	cmd_cases(IORING_SETUP_SQPOLL);
	cmd_cases(IORING_SETUP_SQPOLL | IORING_SETUP_SQE128 |
		  IORING_SETUP_CQE32);
	printf("SQPOLL rings carry uring_cmds\n");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* submit slow commands and leave: exit, SIGKILL, ring close */
static void inflight_child(int how)
{
	int fd = open(TEST_DEV, O_RDWR);
	struct io_uring ring;
	int i;

	ring_init(&ring, 32, how == 2 ? IORING_SETUP_SQE128 |
		  IORING_SETUP_CQE32 : 0);
	for (i = 0; i < 16; i++) {
		struct io_uring_sqe *sqe = cmd_sqe(&ring, fd,
						   URING_CMD_TEST_RUN, i);

		args_of(sqe)->flags = URING_CMD_TEST_F_ASYNC |
				      (i & 1 ? URING_CMD_TEST_F_SLOW : 0);
		if (i % 4 == 0)
			sqe->flags |= IOSQE_ASYNC;
	}
	io_uring_submit(&ring);
	if (how == 1)
		pause();	/* parent kills us */
	if (how == 2)
		io_uring_queue_exit(&ring);
	_exit(0);
}

static void case_teardown(void)
{
	double t0 = now();

	close(test_dev());
	for (int how = 0; how < 3; how++) {
		int status;
		pid_t pid = fork();

		if (!pid)
			inflight_child(how);
		if (how == 1) {
			usleep(200000);
			kill(pid, SIGKILL);
		}
		CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
	}
	CHECK(now() - t0 < 30, "teardown took %.1f s", now() - t0);
	printf("exit, SIGKILL and ring close with 16 commands in flight: "
	       "%.1f s\n", now() - t0);
}

/*
 * A task that exits with a command in flight runs the command's task work
 * from exit_task_work(), after exit_mm(): here it is held there by closing
 * a test-device file whose release sleeps 3 s (F_SLOW_RELEASE) while the
 * command (F_SLOW: 2 s) completes. The task work must see
 * IO_URING_F_TASK_DEAD (F_CB_FLAGS reports it): it is still the submitter,
 * but its memory is gone.
 */
static void case_taskdead(void)
{
	struct io_uring ring;
	struct res r;
	int status, i, got = 0, flags = -1;
	pid_t pid;

	close(test_dev());
	ring_init(&ring, 4, 0);
	pid = fork();
	if (!pid) {
		int slow = test_dev(), fd = test_dev();
		struct io_uring_sqe *sqe;

		sqe = cmd_sqe(&ring, slow, URING_CMD_TEST_RUN, 1);
		args_of(sqe)->flags = URING_CMD_TEST_F_SLOW_RELEASE;
		sqe = cmd_sqe(&ring, fd, URING_CMD_TEST_RUN, 2);
		args_of(sqe)->flags = URING_CMD_TEST_F_ASYNC |
				      URING_CMD_TEST_F_SLOW |
				      URING_CMD_TEST_F_CB_FLAGS;
		_exit(io_uring_submit(&ring) == 2 ? 0 : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      !WEXITSTATUS(status), "the child submitted both commands");
	for (i = 0; i < 2 && !reap(&ring, &r); i++) {
		if (r.user_data == 1) {
			CHECK(r.res == 0, "F_SLOW_RELEASE: res %d", r.res);
		} else {
			got = 1;
			flags = r.res;
			CHECK(r.res == URING_CMD_TEST_SAW_TASK_DEAD,
			      "task work after the submitter's exit_mm(): flags %#x, want IO_URING_F_TASK_DEAD (%#x)",
			      r.res, URING_CMD_TEST_SAW_TASK_DEAD);
		}
	}
	CHECK(got, "no CQE for the command in flight at exit");
	printf("task work in an exiting submitter after exit_mm(): flags %#x\n",
	       flags);
	io_uring_queue_exit(&ring);
}

static const struct {
	const char *name;
	void (*fn)(void);
} cases[] = {
	{ "probe", case_probe },
	{ "bigring", case_bigring },
	{ "enotsupp", case_enotsupp },
	{ "overflow", case_overflow },
	{ "cmd", case_cmd },
	{ "badsqe", case_badsqe },
	{ "fixed", case_fixed },
	{ "overlay", case_overlay },
	{ "deferred", case_deferred },
	{ "link", case_link },
	{ "batch", case_batch },
	{ "drain", case_drain },
	{ "iopoll", case_iopoll },
	{ "sqpoll", case_sqpoll },
	{ "teardown", case_teardown },
	{ "taskdead", case_taskdead },
};

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/');
	const char *which;
	size_t i;

	name = name ? name + 1 : argv[0];
	which = argc > 1 ? argv[1] : name;
	if (!strncmp(which, "uring-core-", 11))
		which += 11;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (strcmp(which, cases[i].name))
			continue;
		setvbuf(stdout, NULL, _IOLBF, 0);
		cases[i].fn();
		return failures ? 1 : 0;
	}
	printf("usage: uring-core-CASE or uring-core CASE; cases:");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		printf(" %s", cases[i].name);
	printf("\n");
	return 2;
}
