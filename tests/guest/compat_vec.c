// SPDX-License-Identifier: GPL-2.0
/*
 * A 32-bit task's vectored passthrough (NVME_URING_CMD_IO_VEC), built -m32:
 * its iovec array has 8-byte entries and its pointers are 32 bits. Issued
 * inline from io_uring_enter() the kernel is in a compat syscall and reads
 * it right; issued from io-wq (IOSQE_ASYNC) or by the SQPOLL thread it is
 * not, and only the ring's own compat mode (IO_URING_F_COMPAT) says how
 * to read the command. Each way must read back what was written.
 *
 * Raw system calls (no liburing: the test machine has no 32-bit one).
 * Exits 0, 1 or 77 like every guest test.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <linux/io_uring.h>
#include <linux/nvme_ioctl.h>

#define NG1		"/dev/ng0n1"
#define LBS		512
#define NBLK		2
#define SLBA		4000
#define RING_FLAGS	(IORING_SETUP_SQE128 | IORING_SETUP_CQE32)

struct ring {
	int		fd;
	unsigned int	*sq_tail, *sq_mask, *sq_array;
	unsigned int	*cq_head, *cq_tail, *cq_mask;
	char		*sqes;
	char		*cqes;
	unsigned int	sqe_size, cqe_size;
	bool		sqpoll;
};

static int failures;
static bool ours;	/* our kernel (the overlay forms), else upstream */

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	failures += !ok;
}

/* A hole upstream has too: fail on ours, note it on upstream. */
static void check_ours(bool ok, const char *what, int res)
{
	if (ours || ok)
		check(ok, "%s (res %d)", what, res);
	else
		printf("# upstream has this hole too: %s (res %d)\n", what, res);
}

static void skip(const char *why)
{
	printf("SKIP: %s\n", why);
	exit(77);
}

static void *map(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, off);

	if (p == MAP_FAILED) {
		printf("FAIL: mmap: %s\n", strerror(errno));
		exit(1);
	}
	return p;
}

/* Returns -errno of io_uring_setup(). */
static int ring_init(struct ring *r, unsigned int flags)
{
	struct io_uring_params p;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	p.flags = flags;
	p.sq_thread_idle = 1000;
	r->fd = syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -errno;
	r->sqpoll = flags & IORING_SETUP_SQPOLL;
	r->sqe_size = flags & IORING_SETUP_SQE128 ? 128 : 64;
	r->cqe_size = flags & IORING_SETUP_CQE32 ? 32 : 16;
	sq = map(r->fd, p.sq_off.array + p.sq_entries * 4, IORING_OFF_SQ_RING);
	cq = map(r->fd, p.cq_off.cqes + p.cq_entries * r->cqe_size,
		 IORING_OFF_CQ_RING);
	r->sqes = map(r->fd, p.sq_entries * r->sqe_size, IORING_OFF_SQES);
	r->sq_tail = (unsigned int *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned int *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned int *)(sq + p.sq_off.array);
	r->cq_head = (unsigned int *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned int *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned int *)(cq + p.cq_off.ring_mask);
	r->cqes = cq + p.cq_off.cqes;
	return 0;
}

/* Submit one command and wait for its CQE: returns cqe->res. */
static int ring_run(struct ring *r, int fd, __u32 cmd_op, __u8 sqe_flags,
		    const struct nvme_uring_cmd *cmd)
{
	unsigned int tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	struct io_uring_sqe *sqe = (void *)(r->sqes + idx * r->sqe_size);
	unsigned int enter = IORING_ENTER_GETEVENTS;
	int res, ret;

	memset(sqe, 0, r->sqe_size);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->flags = sqe_flags;
	sqe->cmd_op = cmd_op;
	if (cmd)
		memcpy(sqe->cmd, cmd, sizeof(*cmd));
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (r->sqpoll)
		enter |= IORING_ENTER_SQ_WAKEUP;
	do {
		ret = syscall(__NR_io_uring_enter, r->fd, r->sqpoll ? 0 : 1, 1,
			      enter, NULL, 0);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -1000 - errno;
	head = *r->cq_head;
	while (__atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) == head)
		syscall(__NR_io_uring_enter, r->fd, 0, 1, IORING_ENTER_GETEVENTS,
			NULL, 0);
	res = ((struct io_uring_cqe *)(r->cqes +
				       (head & *r->cq_mask) * r->cqe_size))->res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

static void rw_cmd(struct nvme_uring_cmd *c, __u8 opcode, void *addr,
		   __u32 len)
{
	memset(c, 0, sizeof(*c));
	c->opcode = opcode;
	c->nsid = 1;
	c->addr = (uintptr_t)addr;
	c->data_len = len;
	c->cdw10 = SLBA;
	c->cdw12 = NBLK - 1;
}

/* Read the blocks into two separate buffers through one IO_VEC command. */
static void read_vec(struct ring *r, int fd, __u8 sqe_flags, const char *how,
		     const unsigned char *want)
{
	unsigned char *a = aligned_alloc(4096, LBS), *b = aligned_alloc(4096, LBS);
	struct iovec iov[NBLK] = { { a, LBS }, { b, LBS } };
	struct nvme_uring_cmd c;
	char what[96];
	int res;

	memset(a, 0, LBS);
	memset(b, 0, LBS);
	rw_cmd(&c, 0x02, iov, NBLK);
	res = ring_run(r, fd, NVME_URING_CMD_IO_VEC, sqe_flags, &c);
	snprintf(what, sizeof(what), "32-bit IO_VEC read, %s", how);
	check_ours(res == 0, what, res);
	if (!res)
		check(!memcmp(a, want, LBS) && !memcmp(b, want + LBS, LBS),
		      "32-bit IO_VEC read, %s: the data written", how);
	free(a);
	free(b);
}

int main(void)
{
	unsigned char *data = aligned_alloc(4096, NBLK * LBS);
	struct nvme_uring_cmd c;
	struct ring r, sq;
	int fd, ret, i;

	if (sizeof(void *) != 4)
		skip("built without -m32: nothing to test");
	fd = open(NG1, O_RDWR);
	if (fd < 0)
		skip(NG1 ": cannot open (no generic char device, or no access)");
	ret = ring_init(&r, 0);
	if (ret)
		skip("no io_uring for a 32-bit task");
	/* the overlay's inline flush is ours only (upstream: -EOPNOTSUPP) */
	ours = ring_run(&r, fd, NVME_URING_CMD_IO_COMPACT, 0, NULL) == 0;
	close(r.fd);
	ret = ring_init(&r, RING_FLAGS);
	if (ret)
		skip("no SQE128/CQE32 rings for a 32-bit task");
	for (i = 0; i < NBLK * LBS; i++)
		data[i] = (unsigned char)(i * 7 + 3);
	rw_cmd(&c, 0x01, data, NBLK * LBS);
	ret = ring_run(&r, fd, NVME_URING_CMD_IO, 0, &c);
	if (ret == -EACCES)
		skip("uring_cmd needs CAP_SYS_ADMIN on this kernel (5.19-6.1 model)");
	if (ret == -EOPNOTSUPP || ret == -EINVAL)
		skip("no NVMe uring_cmd on " NG1);
	check(ret == 0, "32-bit write of %d blocks (res %d)", NBLK, ret);
	read_vec(&r, fd, 0, "issued inline", data);
	read_vec(&r, fd, IOSQE_ASYNC, "issued from io-wq (IOSQE_ASYNC)", data);
	ret = ring_init(&sq, RING_FLAGS | IORING_SETUP_SQPOLL);
	if (ret == -EPERM)
		printf("# SQPOLL needs CAP_SYS_ADMIN on this kernel: not run\n");
	else if (ret)
		check(false, "SQPOLL ring for a 32-bit task: %s", strerror(-ret));
	else
		read_vec(&sq, fd, 0, "issued by the SQPOLL thread", data);
	if (failures) {
		printf("FAIL: %d check(s) failed\n", failures);
		return 1;
	}
	return 0;
}
