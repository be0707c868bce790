// SPDX-License-Identifier: GPL-2.0
/*
 * The edges of issuing without blocking, and timeout_ms:
 * - more passthrough reads in one submission than the queue has tags:
 *   the kernel issues what it can, io_uring retries the rest from its
 *   workers (-EAGAIN inside the kernel), and every command completes
 *   with success;
 * - timeout_ms: an Asynchronous Event Request (which the controller
 *   holds until an event occurs) sent with a 1 s timeout is cancelled by
 *   the driver's timeout handling (for the admin queue: a controller
 *   reset) and completes with -EINTR; the controller then works again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nvme_lib.h"

#define NR_REQUESTS	"/sys/block/nvme0n1/queue/nr_requests"
#define OP_ADMIN_AER	0x0c
#define EXTRA		64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int read_uint(const char *path, unsigned int *val)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fscanf(f, "%u", val) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

/* One CQE within @secs: false on timeout. */
static bool wait_cqe(struct io_uring *ring, int secs, int *res)
{
	struct io_uring_cqe *cqe;

	if (t_wait_cqe_secs(ring, &cqe, secs))
		return false;
	*res = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return true;
}

/* Threads of this process: io_uring's workers show up here. */
static unsigned int nr_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	unsigned int n = 0;

	if (!d)
		return 0;
	while (readdir(d))
		n++;
	closedir(d);
	return n - 2;	/* . and .. */
}

static void more_than_tags(struct tns *ns)
{
	unsigned int tags, total, i, done = 0, bad = 0, workers;
	struct io_uring ring;
	struct nvme_uring_cmd c;
	char *buf;

	if (read_uint(NR_REQUESTS, &tags))
		t_skip("no %s", NR_REQUESTS);
	total = tags + EXTRA;
	if (t_ring(&ring, 4096, RING_BIG))
		t_fatal("io_uring_queue_init(4096)");
	buf = t_buf((size_t)total * ns->lbs);
	for (i = 0; i < total; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		t_cmd_rw(&c, ns, OP_READ, i % 1024, 1,
			 buf + (size_t)i * ns->lbs, NULL);
		t_prep_big(&ring, sqe, ns->fd, NVME_URING_CMD_IO, &c);
		sqe->user_data = i;
	}
	t_check(io_uring_submit(&ring) == (int)total, "submit %u", total);
	workers = nr_threads() - 1;
	for (i = 0; i < total; i++) {
		int res;

		if (!wait_cqe(&ring, 30, &res))
			break;
		done++;
		if (res)
			bad++;
	}
	t_check(done == total && !bad,
		"%u reads with %u tags: %u completed, %u failed", total, tags,
		done, bad);
	printf("# %u reads, %u tags: all completed; %u io_uring worker(s) "
	       "retried what found no tag\n", total, tags, workers);
	io_uring_queue_exit(&ring);
	free(buf);
}

static void aer_timeout(void)
{
	int fd = t_open(NVME_CTRL_DEV, O_RDWR);
	struct nvme_uring_cmd c;
	struct io_uring ring;
	char *buf = t_buf(4096);
	double t0, waited;
	int ok = 0, res = 1;

	if (t_ring(&ring, 4, RING_BIG))
		t_fatal("io_uring_queue_init");
	memset(&c, 0, sizeof(c));
	c.opcode = OP_ADMIN_AER;
	c.timeout_ms = 1000;
	t0 = now();
	t_prep_big(&ring, io_uring_get_sqe(&ring), fd, NVME_URING_CMD_ADMIN,
		   &c);
	if (io_uring_submit(&ring) != 1)
		t_fatal("submit the AER");
	if (!wait_cqe(&ring, 90, &res))
		t_fatal("AER with timeout_ms 1000: no completion in 90 s");
	waited = now() - t0;
	t_check(res == -EINTR, "AER with timeout_ms 1000: res %d, want -EINTR",
		res);
	t_check(waited >= 0.9, "AER completed after %.1f s, not before its 1 s timeout",
		waited);
	printf("# AER with timeout_ms 1000: res %d after %.1f s\n", res, waited);
	/* the reset that cancelled it must bring the controller back */
	for (t0 = now(); now() - t0 < 30 && !ok; usleep(200000)) {
		t_cmd_identify(&c, 0, 1, buf);
		ok = t_run_big(&ring, fd, NVME_URING_CMD_ADMIN, &c).res == 0;
	}
	t_check(ok, "identify works again within 30 s of the timeout");
	io_uring_queue_exit(&ring);
	close(fd);
	free(buf);
}

int main(void)
{
	struct tns ns;

	t_need_uring_cmd();
	t_ns_open(&ns, NVME_NG1, O_RDONLY);
	{
		struct io_uring probe;

		if (t_ring(&probe, 4, RING_BIG))
			t_skip("no IORING_SETUP_SQE128/CQE32 rings");
		io_uring_queue_exit(&probe);
	}
	more_than_tags(&ns);
	if (t_have_admin_ioctl())
		aer_timeout();
	else
		printf("# AER timeout not run: admin commands need CAP_SYS_ADMIN\n");
	return t_done();
}
