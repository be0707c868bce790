// SPDX-License-Identifier: GPL-2.0
/*
 * uring-read: one NVME_URING_CMD_IO read of LBA 0 of a namespace's ng node,
 * for scripts that need to know whether a uring_cmd gets through (an LSM
 * policy, say). Prints the CQE's res; exits 0 when it is 0, else 1.
 *
 * usage: uring-read [/dev/ngXnY]   (default /dev/ng0n1)
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "nvme_lib.h"

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : NVME_NG1;
	struct nvme_uring_cmd c;
	struct io_uring ring;
	void *buf = t_buf(4096);
	struct tres r;
	int fd = t_open(path, O_RDONLY), nsid = ioctl(fd, NVME_IOCTL_ID);

	if (t_ring(&ring, 4, RING_BIG))
		t_fatal("io_uring_queue_init (SQE128|CQE32)");
	memset(&c, 0, sizeof(c));
	c.opcode = OP_READ;
	if (nsid <= 0)
		t_fatal("%s: NVME_IOCTL_ID", path);
	c.nsid = nsid;
	c.addr = (uintptr_t)buf;
	c.data_len = 4096;
	r = t_run_big(&ring, fd, NVME_URING_CMD_IO, &c);
	printf("res %d\n", r.res);
	return r.res ? 1 : 0;
}
