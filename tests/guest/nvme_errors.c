// SPDX-License-Identifier: GPL-2.0
/*
 * Every malformed command gets a clean errno in cqe->res and leaves the
 * device working: wrong nsid, reserved fields and flags, unknown cmd_op,
 * forms on the wrong node, rings without the SQE/CQE size a form needs, bad
 * user pointers, oversized lengths, registered buffers out of range. The
 * first part is upstream's behaviour (it runs on both kernels); the second
 * covers the overlay forms where the kernel has them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

#include "nvme_lib.h"

#define BAD_PTR		0x10ull
#define KERNEL_PTR	0xffff888000000000ull
#define NVME_URING_CMD_UNKNOWN	_IOWR('N', 0x8f, struct nvme_uring_cmd)

static struct io_uring big, small;
static struct tns ns1;
static int ctrl_fd;
static void *buf;

static void expect(int res, int want, const char *what)
{
	t_check(res == want, "%s: res %d, want %d", what, res, want);
}

static struct tres run_on(unsigned int flags, int fd, __u32 op,
			  const struct nvme_uring_cmd *c)
{
	struct io_uring ring;
	struct tres r;

	if (t_ring(&ring, 4, flags))
		t_fatal("io_uring_queue_init(%#x)", flags);
	r = t_run_big(&ring, fd, op, c);
	io_uring_queue_exit(&ring);
	return r;
}

static void upstream_cases(void)
{
	struct nvme_uring_cmd c;
	struct io_uring_sqe *sqe;
	struct iovec iov[2];
	struct tres r;

	t_cmd_rw(&c, &ns1, OP_READ, 0, 1, buf, NULL);
	c.nsid = ns1.nsid + 1;
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO, &c).res, -EINVAL,
	       "IO with another namespace's nsid");

	t_cmd_rw(&c, &ns1, OP_READ, 0, 1, buf, NULL);
	c.flags = 1;
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO, &c).res, -EINVAL,
	       "IO with flags set");

	t_cmd_rw(&c, &ns1, OP_READ, 0, 1, buf, NULL);
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_UNKNOWN, &c).res,
	       -ENOTTY, "unknown cmd_op");
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_ADMIN, &c).res, -ENOTTY,
	       "ADMIN on a namespace node");
	expect(t_run_big(&big, ctrl_fd, NVME_URING_CMD_IO, &c).res, -ENOTTY,
	       "IO on the controller node");

	expect(run_on(0, ns1.fd, NVME_URING_CMD_IO, &c).res, -EOPNOTSUPP,
	       "IO on a ring with 64-byte SQEs and 16-byte CQEs");
	expect(run_on(IORING_SETUP_SQE128, ns1.fd, NVME_URING_CMD_IO, &c).res,
	       -EOPNOTSUPP, "IO on a ring without 32-byte CQEs");
	expect(run_on(IORING_SETUP_CQE32, ns1.fd, NVME_URING_CMD_IO, &c).res,
	       -EOPNOTSUPP, "IO on a ring without 128-byte SQEs");
	expect(run_on(IORING_SETUP_CQE32, ctrl_fd, NVME_URING_CMD_ADMIN,
		      &c).res, -EOPNOTSUPP,
	       "ADMIN on a ring without 128-byte SQEs");

	t_cmd_rw(&c, &ns1, OP_READ, 0, 8, (void *)(uintptr_t)BAD_PTR, NULL);
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO, &c).res, -EFAULT,
	       "read into an unmapped address");
	t_cmd_rw(&c, &ns1, OP_WRITE, 0, 8, (void *)(uintptr_t)KERNEL_PTR,
		 NULL);
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO, &c).res, -EFAULT,
	       "write from a kernel address");
	t_cmd_rw(&c, &ns1, OP_READ, 0, 8, buf, NULL);
	c.addr = BAD_PTR;
	c.data_len = 2;
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO_VEC, &c).res, -EFAULT,
	       "IO_VEC with an unmapped iovec array");
	/*
	 * A write: on a read the block layer may bounce the buffer, and
	 * upstream drops the copy-out error (we report -EFAULT).
	 */
	t_cmd_rw(&c, &ns1, OP_WRITE, 0, 8, buf, NULL);
	iov[0] = (struct iovec){ buf, 2048 };
	iov[1] = (struct iovec){ (void *)(uintptr_t)BAD_PTR, 2048 };
	c.addr = (uintptr_t)iov;
	c.data_len = 2;
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO_VEC, &c).res, -EFAULT,
	       "IO_VEC write from an unmapped buffer");

	/* beyond MDTS (512 KiB) */
	t_cmd_rw(&c, &ns1, OP_READ, 0, 1024 + 8, buf, NULL);
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO, &c).res, -EINVAL,
	       "read beyond the controller's maximum transfer");

	t_cmd_rw(&c, &ns1, OP_READ, 0, 8, buf, NULL);
	sqe = io_uring_get_sqe(&big);
	t_prep_big(&big, sqe, ns1.fd, NVME_URING_CMD_IO, &c);
	t_sqe_fixed(sqe, 5);
	expect(t_wait_one(&big).res, -EFAULT, "fixed buffer index out of range");
	c.addr = (uintptr_t)buf + 1024 * 1024;
	sqe = io_uring_get_sqe(&big);
	t_prep_big(&big, sqe, ns1.fd, NVME_URING_CMD_IO, &c);
	t_sqe_fixed(sqe, 0);
	expect(t_wait_one(&big).res, -EFAULT,
	       "fixed range outside the registered buffer");

	/* an unaligned buffer is bounced by the block layer: it works */
	t_cmd_rw(&c, &ns1, OP_READ, 0, 1, (char *)buf + 1, NULL);
	r = t_run_big(&big, ns1.fd, NVME_URING_CMD_IO, &c);
	expect(r.res, 0, "read into an unaligned buffer");
	/* a misaligned registered buffer: refused, or done right */
	t_cmd_rw(&c, &ns1, OP_READ, 0, 1, (char *)buf + 2, NULL);
	sqe = io_uring_get_sqe(&big);
	t_prep_big(&big, sqe, ns1.fd, NVME_URING_CMD_IO, &c);
	t_sqe_fixed(sqe, 0);
	r = t_wait_one(&big);
	t_check(r.res == 0 || r.res == -EINVAL,
		"read into a misaligned registered buffer: res %d (0 or -EINVAL)",
		r.res);

	/* the device still works */
	t_cmd_rw(&c, &ns1, OP_READ, 0, 8, buf, NULL);
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO, &c).res, 0,
	       "a good read after all that");
}

static struct tres compact(int fd, __u8 opcode, __u16 nlb, void *data,
			   __u32 len, __u8 flags, __u16 rsvd)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&small);
	struct nvme_uring_cmd_compact *cc;

	t_prep_compact(sqe, fd, opcode, 0, nlb, data, len);
	cc = (struct nvme_uring_cmd_compact *)&sqe->cmd_op;
	cc->flags = flags;
	cc->rsvd = rsvd;
	return t_wait_one(&small);
}

/*
 * A buffer longer than the transfer, placed so that it needs a PRP list
 * while the transfer fits in two controller pages: the device would take
 * PRP2 for data and write into nvme-pci's PRP list (the fuzzer's finding:
 * a PRP pool page zeroed by an Identify, later two commands sharing a
 * list). The kernel maps only what the command moves: the data lands in
 * the buffer, the rest of it is untouched.
 */
#define POISON	0xa5

/*
 * Run @c (its buffer at @off in the poisoned @area, @len bytes long, moving
 * @xfer) on @fd: the first @xfer bytes must equal @ref, the rest stay
 * poisoned.
 */
static void check_longer(int fd, __u32 cmd_op, struct nvme_uring_cmd *c,
			 char *area, size_t off, __u32 len, const void *ref,
			 size_t xfer, const char *what)
{
	size_t i, stray = 0;

	c->addr = (uintptr_t)(area + off);
	c->data_len = len;
	expect(t_run_big(&big, fd, cmd_op, c).res, 0, what);
	t_check(!memcmp(area + off, ref, xfer),
		"%s: the data equals the ioctl's", what);
	for (i = off + xfer; i < off + len; i++)
		stray += (unsigned char)area[i] != POISON;
	t_check(!stray, "%s: %zu bytes written past the transfer", what, stray);
}

static void longer_buffers(void)
{
	char *big_buf = t_buf(64 * 1024), *ref = t_buf(4096);
	struct nvme_uring_cmd c;

	t_cmd_identify(&c, 0, 1, ref);
	if (t_ioctl_admin(ctrl_fd, &c, NULL))
		t_fatal("identify through the ioctl");
	memset(big_buf, POISON, 64 * 1024);
	check_longer(ctrl_fd, NVME_URING_CMD_ADMIN, &c, big_buf, 3072, 48640,
		     ref, 4096, "Identify into 47.5 KiB at page offset 3072");

	t_cmd_rw(&c, &ns1, OP_READ, 0, 2, ref, NULL);
	if (t_ioctl_io(ns1.fd, &c, NULL))
		t_fatal("read through the ioctl");
	memset(big_buf, POISON, 64 * 1024);
	check_longer(ns1.fd, NVME_URING_CMD_IO, &c, big_buf, 3584, 12288, ref,
		     1024, "read of 2 blocks into 12 KiB at page offset 3584");
	free(big_buf);
	free(ref);
}

/*
 * nvme-ucmd checks what upstream leaves to CAP_SYS_ADMIN: the device takes
 * a read's length from its block count, so a shorter buffer would let it
 * DMA past what the kernel mapped (docs/abi.md, "Transfer lengths").
 */
static void xfer_cases(void)
{
	struct nvme_passthru_cmd64 c64;
	struct nvme_uring_cmd c;
	struct io_uring_sqe *sqe;
	struct iovec iov[2];
	struct tns ns2;
	void *meta = t_buf(4096);

	t_cmd_rw(&c, &ns1, OP_READ, 0, 8, buf, NULL);
	c.data_len -= 512;
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO, &c).res, -EINVAL,
	       "read of 8 blocks into 7 blocks' buffer");
	t_cmd64_from(&c64, &c);
	expect(t_run_indirect(&small, ns1.fd, NVME_URING_CMD_IO_INDIRECT,
			      &c64).res, -EINVAL,
	       "IO_INDIRECT read of 8 blocks into 7 blocks' buffer");
	c.data_len = 0;
	c.addr = 0;
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO, &c).res, -EINVAL,
	       "read of 8 blocks with no buffer");
	t_cmd_rw(&c, &ns1, OP_WRITE, 0, 2, buf, NULL);
	c.data_len = 512;
	sqe = io_uring_get_sqe(&big);
	t_prep_big(&big, sqe, ns1.fd, NVME_URING_CMD_IO, &c);
	t_sqe_fixed(sqe, 0);
	expect(t_wait_one(&big).res, -EINVAL,
	       "write of 2 blocks from 1 block of a registered buffer");
	t_cmd_rw(&c, &ns1, OP_READ, 0, 8, buf, NULL);
	iov[0] = (struct iovec){ buf, 2048 };
	iov[1] = (struct iovec){ (char *)buf + 8192, 1024 };
	c.addr = (uintptr_t)iov;
	c.data_len = 2;
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO_VEC, &c).res, -EINVAL,
	       "IO_VEC read of 8 blocks into 6 blocks of iovecs");
	iov[1].iov_len = 2048;
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO_VEC, &c).res, 0,
	       "IO_VEC read of 8 blocks into 8 blocks of iovecs");

	t_cmd_identify(&c, 0, 1, buf);
	c.data_len = 512;
	expect(t_run_big(&big, ctrl_fd, NVME_URING_CMD_ADMIN, &c).res, -EINVAL,
	       "Identify into 512 bytes");

	longer_buffers();

	t_ns_open(&ns2, NVME_NG2, O_RDWR);
	if (!ns2.ms) {
		printf("# %s has no separate metadata: its cases not run\n",
		       NVME_NG2);
		close(ns2.fd);
		return;
	}
	t_cmd_rw(&c, &ns2, OP_READ, 0, 2, buf, meta);
	c.metadata_len = ns2.ms;
	expect(t_run_big(&big, ns2.fd, NVME_URING_CMD_IO, &c).res, -EINVAL,
	       "read of 2 blocks with 1 block's metadata");
	t_cmd_rw(&c, &ns2, OP_READ, 0, 2, buf, NULL);
	expect(t_run_big(&big, ns2.fd, NVME_URING_CMD_IO, &c).res, -EINVAL,
	       "read on separate metadata without a metadata buffer");
	t_cmd_rw(&c, &ns2, OP_READ, 0, 2, buf, meta);
	expect(t_run_big(&big, ns2.fd, NVME_URING_CMD_IO, &c).res, 0,
	       "read of 2 blocks with their metadata");
	close(ns2.fd);
}

static void overlay_cases(void)
{
	struct nvme_passthru_cmd64 c64;
	struct nvme_uring_cmd_indirect *ic;
	struct nvme_uring_cmd c;
	struct io_uring_sqe *sqe;
	struct io_uring r32;
	struct tres r;

	expect(compact(ns1.fd, OP_READ, 0, buf, 512, 1, 0).res, -EINVAL,
	       "IO_COMPACT with flags set");
	expect(compact(ns1.fd, OP_READ, 0, buf, 512, 0, 1).res, -EINVAL,
	       "IO_COMPACT with its reserved field set");
	expect(compact(ns1.fd, 0x09, 0, buf, 512, 0, 0).res, -EINVAL,
	       "IO_COMPACT with an opcode it does not carry");
	expect(compact(ns1.fd, OP_READ, 7, buf, 512, 0, 0).res, -EINVAL,
	       "IO_COMPACT with a length short of the block count");
	expect(compact(ns1.fd, OP_READ, 0, buf, 0, 0, 0).res, -EINVAL,
	       "IO_COMPACT read of zero bytes");
	expect(compact(ns1.fd, OP_READ, 0, (void *)(uintptr_t)BAD_PTR, 512, 0,
		       0).res, -EFAULT, "IO_COMPACT into an unmapped address");
	expect(compact(ns1.fd, OP_READ, 1031, buf, 1032 * 512, 0, 0).res,
	       -EINVAL, "IO_COMPACT beyond the maximum transfer");
	expect(compact(ctrl_fd, OP_READ, 0, buf, 512, 0, 0).res, -ENOTTY,
	       "IO_COMPACT on the controller node");

	t_cmd_rw(&c, &ns1, OP_READ, 0, 1, buf, NULL);
	t_cmd64_from(&c64, &c);
	sqe = io_uring_get_sqe(&small);
	t_prep_indirect(sqe, ns1.fd, NVME_URING_CMD_IO_INDIRECT, &c64);
	((struct nvme_uring_cmd_indirect *)&sqe->cmd_op)->rsvd1 = 1;
	expect(t_wait_one(&small).res, -EINVAL,
	       "IO_INDIRECT with SQE bytes 12..15 set");
	sqe = io_uring_get_sqe(&small);
	t_prep_indirect(sqe, ns1.fd, NVME_URING_CMD_IO_INDIRECT, &c64);
	((struct nvme_uring_cmd_indirect *)&sqe->cmd_op)->rsvd2[1] = 1;
	expect(t_wait_one(&small).res, -EINVAL,
	       "IO_INDIRECT with SQE bytes 56..63 set");
	sqe = io_uring_get_sqe(&small);
	t_prep_indirect(sqe, ns1.fd, NVME_URING_CMD_IO_INDIRECT, &c64);
	((struct nvme_uring_cmd_indirect *)&sqe->cmd_op)->len = 72;
	expect(t_wait_one(&small).res, -EINVAL,
	       "IO_INDIRECT with the length of the 32-bit-result struct");
	sqe = io_uring_get_sqe(&small);
	t_prep_indirect(sqe, ns1.fd, NVME_URING_CMD_IO_INDIRECT, &c64);
	ic = (struct nvme_uring_cmd_indirect *)&sqe->cmd_op;
	ic->addr = BAD_PTR;
	expect(t_wait_one(&small).res, -EFAULT,
	       "IO_INDIRECT pointing at an unmapped address");
	c64.rsvd2 = 1;
	expect(t_run_indirect(&small, ns1.fd, NVME_URING_CMD_IO_INDIRECT,
			      &c64).res, -EINVAL,
	       "IO_INDIRECT command with rsvd2 set");
	c64.rsvd2 = 0;
	c64.flags = 1;
	expect(t_run_indirect(&small, ns1.fd, NVME_URING_CMD_IO_INDIRECT,
			      &c64).res, -EINVAL,
	       "IO_INDIRECT command with flags set");
	c64.flags = 0;
	c64.nsid = 2;
	expect(t_run_indirect(&small, ns1.fd, NVME_URING_CMD_IO_INDIRECT,
			      &c64).res, -EINVAL,
	       "IO_INDIRECT with another namespace's nsid");
	c64.nsid = ns1.nsid;
	expect(t_run_indirect(&small, ns1.fd, NVME_URING_CMD_ADMIN_INDIRECT,
			      &c64).res, -ENOTTY,
	       "ADMIN_INDIRECT on a namespace node");
	expect(t_run_indirect(&small, ctrl_fd, NVME_URING_CMD_IO_INDIRECT,
			      &c64).res, -ENOTTY,
	       "IO_INDIRECT on the controller node");

	/* nvme-ucmd checks the reserved fields upstream ignores */
	t_cmd_rw(&c, &ns1, OP_READ, 0, 1, buf, NULL);
	c.rsvd1 = 1;
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO, &c).res, -EINVAL,
	       "IO with rsvd1 set");
	c.rsvd1 = 0;
	c.rsvd2 = 1;
	expect(t_run_big(&big, ns1.fd, NVME_URING_CMD_IO, &c).res, -EINVAL,
	       "IO with rsvd2 set");

	xfer_cases();

	/* the overlay is a view of a 64-byte SQE */
	sqe = io_uring_get_sqe(&big);
	t_prep_indirect(sqe, ns1.fd, NVME_URING_CMD_IO_INDIRECT, &c64);
	expect(t_wait_one(&big).res, -EOPNOTSUPP,
	       "IO_INDIRECT on a ring with 128-byte SQEs");

	/* registered buffers have no vectored form */
	c.addr = (uintptr_t)buf;
	c.data_len = 1;
	sqe = io_uring_get_sqe(&big);
	t_prep_big(&big, sqe, ns1.fd, NVME_URING_CMD_IO_VEC, &c);
	t_sqe_fixed(sqe, 0);
	expect(t_wait_one(&big).res, -EINVAL, "IO_VEC with a registered buffer");

	/* an ordinary ring with 32-byte CQEs also carries the result */
	if (t_ring(&r32, 4, IORING_SETUP_CQE32))
		t_fatal("io_uring_queue_init(CQE32)");
	t_prep_compact(io_uring_get_sqe(&r32), ns1.fd, OP_READ, 0, 0, buf, 512);
	r = t_wait_one(&r32);
	expect(r.res, 0, "IO_COMPACT on a ring with 32-byte CQEs");
	io_uring_queue_exit(&r32);
}

int main(void)
{
	struct iovec reg;

	t_need_uring_cmd();
	t_need_admin_ioctl("checks admin errors and compares with the ioctl");
	t_ns_open(&ns1, NVME_NG1, O_RDWR);
	ctrl_fd = t_open(NVME_CTRL_DEV, O_RDWR);
	if (t_ring(&big, 8, RING_BIG))
		t_skip("no IORING_SETUP_SQE128/CQE32 rings");
	if (t_ring(&small, 8, 0))
		t_fatal("io_uring_queue_init");
	buf = t_buf(1024 * 1024);
	reg = (struct iovec){ buf, 64 * 1024 };
	if (io_uring_register_buffers(&big, &reg, 1) ||
	    io_uring_register_buffers(&small, &reg, 1))
		t_fatal("io_uring_register_buffers");

	upstream_cases();
	if (t_have_overlay())
		overlay_cases();
	else
		printf("# no overlay forms (upstream kernel): their cases not run\n");
	io_uring_queue_exit(&big);
	io_uring_queue_exit(&small);
	return t_done();
}
