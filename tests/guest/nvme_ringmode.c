// SPDX-License-Identifier: GPL-2.0
/*
 * A ring's mode is the mode it was set up in: a ring created by a 32-bit
 * system call (here io_uring_setup through int $0x80 from a 64-bit
 * program, as a 32-bit task does) holds 32-bit commands, whoever submits
 * them. The io_uring core reads its own iovecs by the ring's mode
 * (ctx->compat); a uring_cmd driver must too (IO_URING_F_COMPAT), not by
 * the mode of the system call that happens to issue the command.
 *
 * The command: NVME_URING_CMD_IO_VEC reading two blocks of /dev/ng0n1
 * into two buffers, its iovec array in the 32-bit layout (struct
 * compat_iovec: two 32-bit words) and every pointer below 4 GiB, submitted
 * by 64-bit io_uring_enter(): issued inline (in that 64-bit syscall),
 * from io-wq (IOSQE_ASYNC: a worker the 64-bit syscall created) and, with
 * CAP_SYS_ADMIN, by the SQPOLL thread. 5.10's io threads keep the
 * TS_COMPAT of the syscall that created them, so the SQPOLL thread (made
 * by the 32-bit setup) reads 32-bit without help. Before the series'
 * "io_uring: tell uring_cmd drivers that the ring is a 32-bit task's" the
 * other two read the iovecs as 64-bit and failed with -EFAULT.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nvme_lib.h"

#define LBS		512
#define NBLK		2
#define SLBA		4100
#define NR_SETUP_32	425	/* io_uring_setup in the i386 table */

struct compat_iovec32 {
	uint32_t	base;
	uint32_t	len;
};

struct raw_ring {
	int		fd;
	unsigned int	*sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail,
			*cq_mask;
	char		*sqes, *cqes;
};

/* Memory below 4 GiB, for what a 32-bit task's command points at. */
static void *low(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (p == MAP_FAILED)
		t_fatal("mmap(MAP_32BIT): %s", strerror(errno));
	return p;
}

/* io_uring_setup as the i386 system call: -errno or the ring's fd. */
static int setup32(unsigned int entries, struct io_uring_params *p)
{
	long ret;

	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(NR_SETUP_32), "b"(entries),
			   "c"((uint32_t)(uintptr_t)p)
			 : "memory");
	return (int)ret;
}

static void *map(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, fd, off);

	if (p == MAP_FAILED)
		t_fatal("mmap ring: %s", strerror(errno));
	return p;
}

/* A SQE128/CQE32 ring set up by a 32-bit system call. */
static int ring32(struct raw_ring *r, unsigned int flags)
{
	struct io_uring_params *p = low(sizeof(*p));
	char *sq, *cq;

	memset(p, 0, sizeof(*p));
	p->flags = RING_BIG | flags;
	p->sq_thread_idle = 1000;
	r->fd = setup32(4, p);
	if (r->fd < 0)
		return r->fd;
	sq = map(r->fd, p->sq_off.array + p->sq_entries * 4, IORING_OFF_SQ_RING);
	cq = map(r->fd, p->cq_off.cqes + p->cq_entries * 32, IORING_OFF_CQ_RING);
	r->sqes = map(r->fd, p->sq_entries * 128, IORING_OFF_SQES);
	r->sq_tail = (unsigned int *)(sq + p->sq_off.tail);
	r->sq_mask = (unsigned int *)(sq + p->sq_off.ring_mask);
	r->sq_array = (unsigned int *)(sq + p->sq_off.array);
	r->cq_head = (unsigned int *)(cq + p->cq_off.head);
	r->cq_tail = (unsigned int *)(cq + p->cq_off.tail);
	r->cq_mask = (unsigned int *)(cq + p->cq_off.ring_mask);
	r->cqes = cq + p->cq_off.cqes;
	return 0;
}

/* Submit one command by 64-bit io_uring_enter() and wait: cqe->res. */
static int run(struct raw_ring *r, int fd, __u32 cmd_op, __u8 sqe_flags,
	       const struct nvme_uring_cmd *cmd, bool sqpoll)
{
	unsigned int tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	struct io_uring_sqe *sqe = (void *)(r->sqes + idx * 128);
	unsigned int enter = IORING_ENTER_GETEVENTS;
	int res, i;

	memset(sqe, 0, 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->flags = sqe_flags;
	sqe->cmd_op = cmd_op;
	memcpy(sqe->cmd, cmd, sizeof(*cmd));
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (sqpoll)
		enter |= IORING_ENTER_SQ_WAKEUP;
	if (syscall(__NR_io_uring_enter, r->fd, sqpoll ? 0 : 1, 1, enter,
		    NULL, 0) < 0)
		return -1000 - errno;
	head = *r->cq_head;
	for (i = 0; __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE) == head; i++) {
		if (i == 3000)
			t_fatal("no completion in 30 s");
		usleep(10000);
	}
	res = ((struct io_uring_cqe *)(r->cqes +
				       (head & *r->cq_mask) * 32))->res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

static bool ours;	/* our kernel (the overlay forms), else upstream */

static void rw(struct nvme_uring_cmd *c, __u32 nsid, __u8 opcode,
	       void *addr, __u32 len)
{
	memset(c, 0, sizeof(*c));
	c->opcode = opcode;
	c->nsid = nsid;
	c->addr = (uintptr_t)addr;
	c->data_len = len;
	c->cdw10 = SLBA;
	c->cdw12 = NBLK - 1;
}

static void read_vec(struct raw_ring *r, int fd, __u32 nsid, __u8 flags,
		     bool sqpoll, const char *how, const unsigned char *want)
{
	struct compat_iovec32 *iov = low(4096);
	unsigned char *buf = low(2 * 4096);
	struct nvme_uring_cmd c;
	int res;

	memset(buf, 0, 2 * 4096);
	iov[0].base = (uint32_t)(uintptr_t)buf;
	iov[0].len = LBS;
	iov[1].base = (uint32_t)(uintptr_t)(buf + 4096);
	iov[1].len = LBS;
	rw(&c, nsid, OP_READ, iov, NBLK);
	res = run(r, fd, NVME_URING_CMD_IO_VEC, flags, &c, sqpoll);
	if (ours || !res)
		t_check(res == 0, "32-bit ring, IO_VEC with 32-bit iovecs, %s (res %d)",
			how, res);
	else	/* upstream reads them by the syscall's mode */
		printf("# upstream has this hole too: 32-bit ring, IO_VEC, %s (res %d)\n",
		       how, res);
	if (!res)
		t_check(!memcmp(buf, want, LBS) &&
			!memcmp(buf + 4096, want + LBS, LBS),
			"32-bit ring, %s: the data written", how);
	munmap(iov, 4096);
	munmap(buf, 2 * 4096);
}

int main(void)
{
	unsigned char *data = low(NBLK * LBS);
	struct nvme_uring_cmd c;
	struct raw_ring r, sq;
	int fd, ret, i, nsid;

	t_need_uring_cmd();
	ours = t_have_overlay();
	fd = t_open(NVME_NG1, O_RDWR);
	nsid = ioctl(fd, NVME_IOCTL_ID);
	if (nsid <= 0)
		t_fatal("NVME_IOCTL_ID");
	ret = ring32(&r, 0);
	if (ret == -ENOSYS)
		t_skip("no 32-bit system calls (CONFIG_IA32_EMULATION)");
	if (ret)
		t_fatal("io_uring_setup by int $0x80: %d", ret);
	for (i = 0; i < NBLK * LBS; i++)
		data[i] = (unsigned char)(i * 13 + 5);
	rw(&c, nsid, OP_WRITE, data, NBLK * LBS);
	ret = run(&r, fd, NVME_URING_CMD_IO, 0, &c, false);
	if (ret == -EACCES)
		t_skip("uring_cmd needs CAP_SYS_ADMIN on this kernel (5.19-6.1 model)");
	t_check(ret == 0, "32-bit ring: write of %d blocks (res %d)", NBLK, ret);
	read_vec(&r, fd, nsid, 0, false, "issued inline by a 64-bit syscall", data);
	read_vec(&r, fd, nsid, IOSQE_ASYNC, false, "issued from io-wq", data);
	ret = ring32(&sq, IORING_SETUP_SQPOLL);
	if (ret == -EPERM)
		printf("# SQPOLL needs CAP_SYS_ADMIN on this kernel: not run\n");
	else if (ret)
		t_check(false, "32-bit SQPOLL ring: %d", ret);
	else
		read_vec(&sq, fd, nsid, 0, true, "issued by the SQPOLL thread", data);
	return t_done();
}
