// SPDX-License-Identifier: GPL-2.0
/*
 * One submission on an IOPOLL ring that holds a read the ring cannot poll
 * (a buffered file, here /dev/zero) and, behind it, a polled uring_cmd
 * read of namespace 1. Upstream submits both: the first fails at issue
 * with -EOPNOTSUPP in its CQE, the second completes with its data. 5.10
 * failed the first at prep, which ended the submission: io_uring_enter()
 * submitted one SQE and left the other in the ring (liburing's
 * io_uring_passthrough test stops there with "still had 1 sqes to
 * submit"). Needs poll queues (run-vm --poll-queues N).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvme_lib.h"

#define TAG_ZERO	1
#define TAG_NVME	2

int main(void)
{
	struct io_uring_params p = { .flags = IORING_SETUP_IOPOLL | RING_BIG };
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	struct nvme_uring_cmd c;
	int zero, i, ret, res[3] = { 1, 1, 1 };
	char *zbuf, *data;
	struct tns ns;

	t_need_uring_cmd();
	if (!t_have_poll_queues())
		t_skip("nvme0n1 has no poll queues (run-vm --poll-queues N)");
	ret = io_uring_queue_init_params(4, &ring, &p);
	if (ret)
		t_fatal("io_uring_queue_init_params (IOPOLL|SQE128|CQE32): %s",
			strerror(-ret));
	t_ns_open(&ns, NVME_NG1, O_RDONLY);
	zero = t_open("/dev/zero", O_RDONLY);
	zbuf = t_buf(4096);
	data = t_buf(ns.lbs);

	sqe = io_uring_get_sqe(&ring);
	io_uring_prep_read(sqe, zero, zbuf, 4096, 0);
	sqe->user_data = TAG_ZERO;
	sqe = io_uring_get_sqe(&ring);
	t_cmd_rw(&c, &ns, OP_READ, 0, 1, data, NULL);
	t_prep_big(&ring, sqe, ns.fd, NVME_URING_CMD_IO, &c);
	sqe->user_data = TAG_NVME;

	ret = io_uring_submit(&ring);
	t_check(ret == 2, "one io_uring_enter() submits both SQEs (submitted %d)", ret);
	for (i = 0; i < ret && i < 2; i++) {
		if (t_wait_cqe_secs(&ring, &cqe, 10))
			t_fatal("no CQE within 10 s");
		if (cqe->user_data == TAG_ZERO || cqe->user_data == TAG_NVME)
			res[cqe->user_data] = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	t_check(res[TAG_ZERO] == -EOPNOTSUPP,
		"read of /dev/zero on an IOPOLL ring: -EOPNOTSUPP in its CQE (res %d)",
		res[TAG_ZERO]);
	if (ret == 2)
		t_check(res[TAG_NVME] == 0, "polled uring_cmd read behind it: completed (res %d)",
			res[TAG_NVME]);
	else
		printf("# the polled uring_cmd read behind it was left in the SQ ring\n");

	free(zbuf);
	free(data);
	close(zero);
	close(ns.fd);
	io_uring_queue_exit(&ring);
	return t_done();
}
