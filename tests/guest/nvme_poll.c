// SPDX-License-Identifier: GPL-2.0
/*
 * Polled completions (IORING_SETUP_IOPOLL). With poll queues
 * (nvme.poll_queues=N, run-vm --poll-queues N): writes and reads at queue
 * depth 32 through upstream's form (and the inline overlay form where the
 * kernel has it) complete by polling and read back equal. Without poll
 * queues a polled command either fails cleanly (-EOPNOTSUPP, our kernel)
 * or completes by interrupt (upstream 6.1); the test then skips. Admin
 * commands are refused on polled rings in both. A thread that exits with a
 * polled command in flight, and a request the kernel waits for at exit
 * linked behind it, must not sleep for good.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <time.h>
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

struct exit_arg {
	struct io_uring *ring;
	const struct tns *ns;
	void *buf;
	__u32 len;
	int submitted;
};

/*
 * Submit a polled read and, linked behind it, a uring_cmd on the ring's
 * own fd: a request on an io_uring file, which an exiting task waits for
 * (it fails with -EOPNOTSUPP once the read completes). Then exit, reaping
 * nothing: only polling completes the read.
 */
static void *submit_and_exit(void *p)
{
	struct exit_arg *a = p;
	struct io_uring_sqe *sqe = io_uring_get_sqe(a->ring);
	struct nvme_uring_cmd c;

	t_cmd_rw(&c, a->ns, OP_READ, BASE_LBA, a->len / a->ns->lbs, a->buf,
		 NULL);
	t_prep_big(a->ring, sqe, a->ns->fd, NVME_URING_CMD_IO, &c);
	sqe->flags |= IOSQE_IO_LINK;
	sqe->user_data = 1;
	sqe = io_uring_get_sqe(a->ring);
	t_prep_big(a->ring, sqe, a->ring->ring_fd, NVME_URING_CMD_IO, &c);
	sqe->user_data = 2;
	a->submitted = io_uring_submit(a->ring);
	return NULL;
}

/*
 * The exiting thread waits for the linked request, so it has to poll for
 * the read itself: nobody else will (here, the main thread joins it). A
 * kernel where it sleeps instead leaves it asleep for good; this test
 * then polls from the main thread to set it free, and reports.
 */
static void run_thread_exit(const struct tns *ns)
{
	struct exit_arg a = { .ns = ns, .len = 128 * 1024 };
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	struct timespec end;
	pthread_t th;
	int ret, n = 0, res[3] = { 1, 1, 1 };

	if (t_ring(&ring, 4, IORING_SETUP_IOPOLL | RING_BIG))
		t_fatal("io_uring_queue_init(IOPOLL)");
	a.ring = &ring;
	a.buf = t_buf(a.len);
	if (pthread_create(&th, NULL, submit_and_exit, &a))
		t_fatal("pthread_create");
	clock_gettime(CLOCK_REALTIME, &end);
	end.tv_sec += 10;
	ret = pthread_timedjoin_np(th, NULL, &end);
	if (ret == ETIMEDOUT) {
		/* set it free: poll from here */
		io_uring_enter(ring.ring_fd, 0, 1, IORING_ENTER_GETEVENTS, NULL);
		pthread_join(th, NULL);
	}
	while (n < 2 && !t_wait_cqe_secs(&ring, &cqe, 10)) {
		if (cqe->user_data < 3)
			res[cqe->user_data] = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
		n++;
	}
	t_check(a.submitted == 2, "thread exit: submitted %d of 2", a.submitted);
	t_check(ret == 0,
		"thread exit with a polled read in flight and a request on the ring fd linked behind it: the thread ended by itself (%s)",
		ret ? "no: still asleep after 10 s" : "yes");
	t_check(n == 2 && res[1] == 0 && res[2] == -EOPNOTSUPP,
		"thread exit: %d completions, read %d, linked %d (0, -EOPNOTSUPP)",
		n, res[1], res[2]);
	free(a.buf);
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
	if (t_have_overlay()) {
		run(&ns, true);
		run_thread_exit(&ns);
	} else {
		printf("# no overlay forms (upstream kernel): IO_COMPACT not run\n");
		/* 6.1.192: the thread sleeps, and polling it then oopses */
		printf("# thread exit with a polled command not run: upstream 6.1 leaves the thread asleep until another thread polls, then oopses in bio_poll() (docs/testing.md)\n");
	}
	return t_done();
}
