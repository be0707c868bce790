// SPDX-License-Identifier: GPL-2.0
/* Helpers for the NVMe uring_cmd guest tests: see nvme_lib.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "nvme_lib.h"

int t_failures;

void t_skip(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	printf("SKIP: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(EXIT_SKIP);
}

void t_fatal(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

void t_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		t_failures++;
}

int t_done(void)
{
	if (t_failures)
		printf("FAIL: %d check(s) failed\n", t_failures);
	return t_failures ? 1 : 0;
}

void *t_buf(size_t len)
{
	void *p;

	if (posix_memalign(&p, 4096, len ? len : 1))
		t_fatal("posix_memalign(%zu)", len);
	memset(p, 0, len);
	return p;
}

/* A pattern that differs per seed and per 8-byte word. */
void t_fill(void *buf, size_t len, unsigned int seed)
{
	uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		w[i] = ((uint64_t)seed << 32) ^ (i * 0x9e3779b97f4a7c15ull);
}

int t_open(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd < 0) {
		if (errno == ENOENT)
			t_skip("%s absent", path);
		t_fatal("open %s: %s", path, strerror(errno));
	}
	return fd;
}

bool t_have_uring_cmd(void)
{
	struct io_uring_probe *p = io_uring_get_probe();
	bool ok;

	if (!p)
		return false;
	ok = io_uring_opcode_supported(p, IORING_OP_URING_CMD);
	io_uring_free_probe(p);
	return ok;
}

void t_need_uring_cmd(void)
{
	if (!t_have_uring_cmd())
		t_skip("io_uring has no IORING_OP_URING_CMD");
}

int t_ring(struct io_uring *ring, unsigned int entries, unsigned int flags)
{
	return io_uring_queue_init(entries, ring, flags);
}

/* Reset controller 0 through sysfs (returns when it is done): 0 or -errno. */
int t_reset_controller(void)
{
	int fd = open(NVME_RESET_ATTR, O_WRONLY), ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, "1", 1) == 1 ? 0 : -errno;
	close(fd);
	return ret;
}

/* Does namespace 1's queue poll (nvme.poll_queues=N)? */
bool t_have_poll_queues(void)
{
	char v = '0';
	int fd = open("/sys/block/nvme0n1/queue/io_poll", O_RDONLY);

	if (fd >= 0) {
		if (read(fd, &v, 1) != 1)
			v = '0';
		close(fd);
	}
	return v == '1';
}

/*
 * Our kernel takes the overlay forms on an ordinary ring; upstream refuses
 * any NVMe uring_cmd there (-EOPNOTSUPP). A flush is harmless.
 */
bool t_have_overlay(void)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct tres r;
	int fd = open(NVME_NG1, O_RDWR);

	if (fd < 0 || !t_have_uring_cmd() || t_ring(&ring, 4, 0)) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	sqe = io_uring_get_sqe(&ring);
	t_prep_compact(sqe, fd, OP_FLUSH, 0, 0, NULL, 0);
	r = t_wait_one(&ring);
	io_uring_queue_exit(&ring);
	close(fd);
	return r.res == 0;
}

/*
 * May this process send admin passthrough through the ioctl (needs
 * CAP_SYS_ADMIN)? Probed once, with an Identify Controller.
 */
static int have_admin_ioctl = -1;

/* After a change of credentials: probe the admin ioctl again. */
void t_reprobe_privileges(void)
{
	have_admin_ioctl = -1;
}

bool t_have_admin_ioctl(void)
{
	int have = have_admin_ioctl;
	struct nvme_uring_cmd c;
	void *id;
	int fd;

	if (have >= 0)
		return have;
	id = t_buf(4096);
	fd = t_open(NVME_CTRL_DEV, O_RDONLY);
	t_cmd_identify(&c, 0, 1, id);
	have = t_ioctl_admin(fd, &c, NULL) == 0;
	have_admin_ioctl = have;
	close(fd);
	free(id);
	return have;
}

/* The ioctl where it is allowed, else upstream's form through io_uring. */
static int identify_any(struct nvme_uring_cmd *c)
{
	int fd = t_open(NVME_CTRL_DEV, O_RDONLY), ret;
	struct io_uring ring;

	if (t_have_admin_ioctl()) {
		ret = t_ioctl_admin(fd, c, NULL);
	} else if (t_ring(&ring, 4, RING_BIG)) {
		ret = -EACCES;
	} else {
		ret = t_run_big(&ring, fd, NVME_URING_CMD_ADMIN, c).res;
		io_uring_queue_exit(&ring);
	}
	close(fd);
	return ret;
}

static void identify_ns(struct tns *ns)
{
	struct nvme_uring_cmd c;
	unsigned char *id = t_buf(4096);
	unsigned int lbaf;
	int ret;

	t_cmd_identify(&c, ns->nsid, 0, id);
	ret = identify_any(&c);
	if (ret == -EACCES || ret == -EPERM)
		t_skip("identify namespace %u: refused without CAP_SYS_ADMIN (%d)",
		       ns->nsid, ret);
	if (ret)
		t_fatal("identify namespace %u: %d", ns->nsid, ret);
	memcpy(&ns->nsze, id, 8);
	lbaf = id[26] & 0xf;
	ns->ms = id[128 + 4 * lbaf] | id[129 + 4 * lbaf] << 8;
	ns->lbs = 1u << id[130 + 4 * lbaf];
	free(id);
}

/* Skip the test unless the admin ioctl (the reference path) is allowed. */
void t_need_admin_ioctl(const char *what)
{
	if (!t_have_admin_ioctl())
		t_skip("%s: the admin ioctl needs CAP_SYS_ADMIN", what);
}

void t_ns_open(struct tns *ns, const char *path, int flags)
{
	int id;

	ns->path = path;
	ns->fd = t_open(path, flags);
	id = ioctl(ns->fd, NVME_IOCTL_ID);
	if (id <= 0)
		t_fatal("%s: NVME_IOCTL_ID: %s", path, strerror(errno));
	ns->nsid = id;
	identify_ns(ns);
}

static void sqe_base(struct io_uring_sqe *sqe, int fd, size_t size)
{
	if (!sqe)
		t_fatal("submission queue full");
	memset(sqe, 0, size);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->user_data = 0x5a5a0000u + (unsigned int)fd;
}

void t_prep_big(struct io_uring *ring, struct io_uring_sqe *sqe, int fd,
		__u32 cmd_op, const struct nvme_uring_cmd *cmd)
{
	bool big = ring->flags & IORING_SETUP_SQE128;

	sqe_base(sqe, fd, big ? 128 : 64);
	sqe->cmd_op = cmd_op;
	/* upstream's command spills into the second half of a 128-byte SQE */
	memcpy(sqe->cmd, cmd, big ? sizeof(*cmd) : 16);
}

void t_prep_compact(struct io_uring_sqe *sqe, int fd, __u8 opcode,
		    __u64 slba, __u16 nlb, void *buf, __u32 len)
{
	struct nvme_uring_cmd_compact *c;

	sqe_base(sqe, fd, 64);
	c = (struct nvme_uring_cmd_compact *)&sqe->cmd_op;
	c->cmd_op = NVME_URING_CMD_IO_COMPACT;
	c->opcode = opcode;
	c->addr = (uintptr_t)buf;
	c->data_len = len;
	c->slba = slba;
	c->nlb = nlb;
}

void t_prep_indirect(struct io_uring_sqe *sqe, int fd, __u32 cmd_op,
		     struct nvme_passthru_cmd64 *cmd)
{
	struct nvme_uring_cmd_indirect *c;

	sqe_base(sqe, fd, 64);
	c = (struct nvme_uring_cmd_indirect *)&sqe->cmd_op;
	c->cmd_op = cmd_op;
	c->addr = (uintptr_t)cmd;
	c->len = sizeof(*cmd);
}

void t_sqe_fixed(struct io_uring_sqe *sqe, __u16 buf_index)
{
	sqe->uring_cmd_flags |= IORING_URING_CMD_FIXED;
	sqe->buf_index = buf_index;
}

/*
 * Wait up to @secs for a CQE. An IOPOLL ring ignores the wait's timeout
 * (the kernel polls, then returns -ETIME at once): hence the deadline.
 */
int t_wait_cqe_secs(struct io_uring *ring, struct io_uring_cqe **cqe,
		    int secs)
{
	struct __kernel_timespec ts = { .tv_sec = 1 };
	struct timespec now, end;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += secs;
	do {
		ret = io_uring_wait_cqe_timeout(ring, cqe, &ts);
		if (ret != -ETIME && ret != -EINTR)
			return ret;
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec < end.tv_sec ||
		 (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
	return -ETIME;
}

struct tres t_wait_one(struct io_uring *ring)
{
	struct io_uring_cqe *cqe;
	struct tres r = { .res = -EIO };
	int ret;

	ret = io_uring_submit_and_wait(ring, 1);
	if (ret < 0) {
		r.res = ret;
		return r;
	}
	ret = io_uring_wait_cqe(ring, &cqe);
	if (ret < 0) {
		r.res = ret;
		return r;
	}
	r.res = cqe->res;
	if (ring->flags & IORING_SETUP_CQE32)
		r.res2 = cqe->big_cqe[0];
	io_uring_cqe_seen(ring, cqe);
	return r;
}

struct tres t_run_big(struct io_uring *ring, int fd, __u32 cmd_op,
		      const struct nvme_uring_cmd *cmd)
{
	t_prep_big(ring, io_uring_get_sqe(ring), fd, cmd_op, cmd);
	return t_wait_one(ring);
}

struct tres t_run_indirect(struct io_uring *ring, int fd, __u32 cmd_op,
			   struct nvme_passthru_cmd64 *cmd)
{
	t_prep_indirect(io_uring_get_sqe(ring), fd, cmd_op, cmd);
	return t_wait_one(ring);
}

void t_cmd_identify(struct nvme_uring_cmd *c, __u32 nsid, __u8 cns,
		    void *buf)
{
	memset(c, 0, sizeof(*c));
	c->opcode = OP_ADMIN_IDENTIFY;
	c->nsid = nsid;
	c->addr = (uintptr_t)buf;
	c->data_len = 4096;
	c->cdw10 = cns;
}

void t_cmd_rw(struct nvme_uring_cmd *c, const struct tns *ns, __u8 opcode,
	      __u64 slba, __u32 nblocks, void *buf, void *meta)
{
	memset(c, 0, sizeof(*c));
	c->opcode = opcode;
	c->nsid = ns->nsid;
	c->addr = (uintptr_t)buf;
	c->data_len = nblocks * ns->lbs;
	if (meta) {
		c->metadata = (uintptr_t)meta;
		c->metadata_len = nblocks * ns->ms;
	}
	c->cdw10 = (__u32)slba;
	c->cdw11 = (__u32)(slba >> 32);
	c->cdw12 = nblocks - 1;
}

void t_cmd64_from(struct nvme_passthru_cmd64 *c64,
		  const struct nvme_uring_cmd *c)
{
	memset(c64, 0, sizeof(*c64));
	memcpy(c64, c, offsetof(struct nvme_passthru_cmd64, rsvd2));
}

static int ioctl64(int fd, unsigned long op, const struct nvme_uring_cmd *c,
		   __u64 *result)
{
	struct nvme_passthru_cmd64 c64;
	int ret;

	t_cmd64_from(&c64, c);
	ret = ioctl(fd, op, &c64);
	if (ret < 0)
		ret = -errno;
	if (result)
		*result = c64.result;
	return ret;
}

int t_ioctl_admin(int fd, const struct nvme_uring_cmd *c, __u64 *result)
{
	return ioctl64(fd, NVME_IOCTL_ADMIN64_CMD, c, result);
}

int t_ioctl_io(int fd, const struct nvme_uring_cmd *c, __u64 *result)
{
	return ioctl64(fd, NVME_IOCTL_IO64_CMD, c, result);
}

/*
 * Both namespaces read-write, a big-SQE ring (skip without one) and an
 * ordinary ring, 8 entries each. Returns whether the overlay forms exist.
 */
bool t_setup_both(struct tns ns[2], struct io_uring *big,
		  struct io_uring *small)
{
	bool overlay;

	t_need_uring_cmd();
	t_ns_open(&ns[0], NVME_NG1, O_RDWR);
	t_ns_open(&ns[1], NVME_NG2, O_RDWR);
	if (t_ring(big, 8, RING_BIG))
		t_skip("no IORING_SETUP_SQE128/CQE32 rings");
	overlay = t_have_overlay();
	if (t_ring(small, 8, 0))
		t_fatal("io_uring_queue_init");
	return overlay;
}
