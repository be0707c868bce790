// SPDX-License-Identifier: GPL-2.0
/*
 * Polled completions (IORING_SETUP_IOPOLL). With poll queues
 * (nvme.poll_queues=N, run-vm --poll-queues N): writes and reads at queue
 * depth 32 through upstream's form (and the inline overlay form where the
 * kernel has it) complete by polling and read back equal. Without poll
 * queues a polled command either fails cleanly (-EOPNOTSUPP, our kernel)
 * or completes by interrupt (upstream 6.1); the test then skips. Admin
 * commands are refused on polled rings in both.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvme_lib.h"

#define QD		32
#define NBLOCKS		8
#define BASE_LBA	32768

static int batch(struct io_uring *ring, const struct tns *ns, __u8 opcode,
		 char **bufs, bool compact)
{
	struct io_uring_cqe *cqe;
	struct nvme_uring_cmd c;
	int i, bad = 0;

	for (i = 0; i < QD; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
		__u64 slba = BASE_LBA + (__u64)i * NBLOCKS;

		if (compact) {
			t_prep_compact(sqe, ns->fd, opcode, slba, NBLOCKS - 1,
				       bufs[i], NBLOCKS * ns->lbs);
		} else {
			t_cmd_rw(&c, ns, opcode, slba, NBLOCKS, bufs[i], NULL);
			t_prep_big(ring, sqe, ns->fd, NVME_URING_CMD_IO, &c);
		}
		sqe->user_data = i;
	}
	if (io_uring_submit(ring) != QD)
		t_fatal("io_uring_submit");
	for (i = 0; i < QD; i++) {
		if (io_uring_wait_cqe(ring, &cqe))
			t_fatal("io_uring_wait_cqe");
		if (cqe->res) {
			if (bad < 4)
				printf("# tag %llu: res %d\n",
				       (unsigned long long)cqe->user_data,
				       cqe->res);
			bad++;
		}
		io_uring_cqe_seen(ring, cqe);
	}
	return bad;
}

static void run(const struct tns *ns, bool compact)
{
	const char *form = compact ? "IO_COMPACT" : "IO";
	__u32 len = NBLOCKS * ns->lbs;
	char *w[QD], *r[QD];
	struct io_uring ring;
	int i, same = 0;

	if (t_ring(&ring, QD, IORING_SETUP_IOPOLL | (compact ? 0 : RING_BIG)))
		t_fatal("io_uring_queue_init(IOPOLL)");
	for (i = 0; i < QD; i++) {
		w[i] = t_buf(len);
		r[i] = t_buf(len);
		t_fill(w[i], len, 4242 + i + (compact ? 1000 : 0));
	}
	t_check(!batch(&ring, ns, OP_WRITE, w, compact),
		"%s, polled: %d writes", form, QD);
	t_check(!batch(&ring, ns, OP_READ, r, compact),
		"%s, polled: %d reads", form, QD);
	for (i = 0; i < QD; i++) {
		same += !memcmp(w[i], r[i], len);
		free(w[i]);
		free(r[i]);
	}
	t_check(same == QD, "%s, polled: %d of %d ranges read back equal",
		form, same, QD);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	struct nvme_uring_cmd c;
	struct io_uring ring;
	struct tns ns;
	struct tres r;
	void *buf;
	int fd;

	t_need_uring_cmd();
	t_ns_open(&ns, NVME_NG1, O_RDWR);
	if (t_ring(&ring, 4, IORING_SETUP_IOPOLL | RING_BIG))
		t_skip("no IOPOLL rings with SQE128/CQE32");
	buf = t_buf(4096);

	fd = t_open(NVME_CTRL_DEV, O_RDONLY);
	t_cmd_identify(&c, 0, 1, buf);
	r = t_run_big(&ring, fd, NVME_URING_CMD_ADMIN, &c);
	t_check(r.res == -EOPNOTSUPP, "ADMIN on a polled ring: res %d", r.res);
	close(fd);

	if (!t_have_poll_queues()) {
		t_cmd_rw(&c, &ns, OP_READ, 0, 1, buf, NULL);
		r = t_run_big(&ring, ns.fd, NVME_URING_CMD_IO, &c);
		t_check(r.res == 0 || r.res == -EOPNOTSUPP,
			"IO on a polled ring without poll queues: res %d (0 or -EOPNOTSUPP)",
			r.res);
		io_uring_queue_exit(&ring);
		if (t_done())
			return 1;
		t_skip("no poll queues (boot with nvme.poll_queues=N: run-vm --poll-queues N)");
	}
	io_uring_queue_exit(&ring);
	run(&ns, false);
	if (t_have_overlay())
		run(&ns, true);
	else
		printf("# no overlay forms (upstream kernel): IO_COMPACT not run\n");
	return t_done();
}
