// SPDX-License-Identifier: GPL-2.0
/*
 * NVMe error statuses come back in cqe->res as the same positive value the
 * ioctl path returns (the status field without the phase bit): LBA out of
 * range, an invalid I/O opcode, an invalid admin opcode; through upstream's
 * forms and, where the kernel has them, the overlay forms.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvme_lib.h"

#define OP_RESERVED_IO		0x03
#define OP_RESERVED_ADMIN	0x3e

static void check_status(const char *what, int res, int ref)
{
	t_check(ref > 0, "%s: the ioctl returns an NVMe status (%#x)", what, ref);
	t_check(res == ref, "%s: cqe->res %#x, ioctl %#x", what, res, ref);
}

static void run_ns(struct io_uring *big, struct io_uring *small, bool overlay,
		   const struct tns *ns)
{
	void *buf = t_buf(4 * ns->lbs), *meta = t_buf(4 * 64);
	struct nvme_passthru_cmd64 c64;
	struct nvme_uring_cmd c;
	char what[96];
	struct tres r;
	int ref;

	/* one block past the end (with its metadata, where it has some) */
	t_cmd_rw(&c, ns, OP_READ, ns->nsze, 1, buf, ns->ms ? meta : NULL);
	ref = t_ioctl_io(ns->fd, &c, NULL);
	r = t_run_big(big, ns->fd, NVME_URING_CMD_IO, &c);
	snprintf(what, sizeof(what), "%s: read past the end, IO", ns->path);
	check_status(what, r.res, ref);
	if (overlay) {
		t_cmd64_from(&c64, &c);
		r = t_run_indirect(small, ns->fd, NVME_URING_CMD_IO_INDIRECT,
				   &c64);
		snprintf(what, sizeof(what), "%s: read past the end, IO_INDIRECT",
			 ns->path);
		check_status(what, r.res, ref);
		if (!ns->ms) {
			t_prep_compact(io_uring_get_sqe(small), ns->fd, OP_READ,
				       ns->nsze, 0, buf, ns->lbs);
			r = t_wait_one(small);
			snprintf(what, sizeof(what),
				 "%s: read past the end, IO_COMPACT", ns->path);
			check_status(what, r.res, ref);
		}
	}

	memset(&c, 0, sizeof(c));
	c.opcode = OP_RESERVED_IO;
	c.nsid = ns->nsid;
	ref = t_ioctl_io(ns->fd, &c, NULL);
	r = t_run_big(big, ns->fd, NVME_URING_CMD_IO, &c);
	snprintf(what, sizeof(what), "%s: invalid opcode %#x, IO", ns->path,
		 c.opcode);
	check_status(what, r.res, ref);
	if (overlay) {
		t_cmd64_from(&c64, &c);
		r = t_run_indirect(small, ns->fd, NVME_URING_CMD_IO_INDIRECT,
				   &c64);
		snprintf(what, sizeof(what), "%s: invalid opcode, IO_INDIRECT",
			 ns->path);
		check_status(what, r.res, ref);
	}
	free(buf);
	free(meta);
}

int main(void)
{
	struct io_uring big, small;
	struct nvme_passthru_cmd64 c64;
	struct nvme_uring_cmd c;
	struct tns ns[2];
	bool overlay;
	struct tres r;
	int fd, ref, i;

	t_need_admin_ioctl("compares statuses with the ioctl's");
	overlay = t_setup_both(ns, &big, &small);
	for (i = 0; i < 2; i++)
		run_ns(&big, &small, overlay, &ns[i]);

	fd = t_open(NVME_CTRL_DEV, O_RDWR);
	memset(&c, 0, sizeof(c));
	c.opcode = OP_RESERVED_ADMIN;
	ref = t_ioctl_admin(fd, &c, NULL);
	r = t_run_big(&big, fd, NVME_URING_CMD_ADMIN, &c);
	check_status("/dev/nvme0: invalid admin opcode, ADMIN", r.res, ref);
	if (overlay) {
		t_cmd64_from(&c64, &c);
		r = t_run_indirect(&small, fd, NVME_URING_CMD_ADMIN_INDIRECT,
				   &c64);
		check_status("/dev/nvme0: invalid admin opcode, ADMIN_INDIRECT",
			     r.res, ref);
	}
	close(fd);
	io_uring_queue_exit(&big);
	io_uring_queue_exit(&small);
	return t_done();
}
