// SPDX-License-Identifier: GPL-2.0
/*
 * Passthrough never enters the I/O scheduler (issue 16, item 9). 5.10
 * sends passthrough requests straight to the hardware queue's dispatch
 * list, past any scheduler: error handling relies on it. The series'
 * first batching of uring passthrough put plugged requests through the
 * scheduler's insert at unplug, where kyber holds "other" requests to 16
 * per hardware queue and mq-deadline and bfq reorder them.
 *
 * Polled commands make that visible without timing: a polled command
 * stays dispatched (/sys/block/nvme0n1/inflight) until someone polls. On
 * each scheduler, 64 polled reads are submitted in one io_uring_enter()
 * (io_uring plugs a submission of more than two) and, before anything
 * polls, all 64 must have reached the driver. Then they are reaped and
 * must have succeeded. Upstream 6.1 sends plugged passthrough through
 * the scheduler too (fixed in 6.4) and oopses in bio_poll() polling a
 * command kyber holds: the test skips there (docs/testing.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nvme_lib.h"

#define N		64
#define NBLOCKS		8
#define BASE_LBA	65536
#define SCHED_ATTR	"/sys/block/nvme0n1/queue/scheduler"
#define INFLIGHT_ATTR	"/sys/block/nvme0n1/inflight"

static char old_sched[64];

static int read_attr(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static int write_attr(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* The scheduler in force, "[name]" in the attribute. */
static void current_sched(char *name, size_t len)
{
	char buf[256], *l, *r;

	name[0] = '\0';
	if (read_attr(SCHED_ATTR, buf, sizeof(buf)))
		return;
	l = strchr(buf, '[');
	r = l ? strchr(l, ']') : NULL;
	if (l && r && (size_t)(r - l) < len) {
		memcpy(name, l + 1, r - l - 1);
		name[r - l - 1] = '\0';
	}
}

static void restore_sched(void)
{
	if (old_sched[0])
		write_attr(SCHED_ATTR, old_sched);
}

/* Reads dispatched to the driver and not yet completed on nvme0n1's queue. */
static long inflight_reads(void)
{
	char buf[64];

	if (read_attr(INFLIGHT_ATTR, buf, sizeof(buf)))
		t_fatal("%s: %s", INFLIGHT_ATTR, strerror(errno));
	return strtol(buf, NULL, 10);
}

/* Wait up to a second for @want dispatched reads: the most seen. */
static long wait_inflight(long want)
{
	struct timespec ms = { 0, 10 * 1000 * 1000 };
	long seen = 0, now;
	int i;

	for (i = 0; i < 100 && seen < want; i++) {
		now = inflight_reads();
		if (now > seen)
			seen = now;
		if (seen < want)
			nanosleep(&ms, NULL);
	}
	return seen;
}

static void run(const struct tns *ns, const char *sched, char **bufs)
{
	struct io_uring_cqe *cqe;
	struct nvme_uring_cmd c;
	struct io_uring ring;
	long seen;
	int i, bad = 0, got;

	if (write_attr(SCHED_ATTR, sched))
		t_fatal("%s: cannot set %s", SCHED_ATTR, sched);
	if (t_ring(&ring, N, IORING_SETUP_IOPOLL | RING_BIG))
		t_fatal("io_uring_queue_init(IOPOLL)");
	for (i = 0; i < N; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		t_cmd_rw(&c, ns, OP_READ, BASE_LBA + (__u64)i * NBLOCKS,
			 NBLOCKS, bufs[i], NULL);
		t_prep_big(&ring, sqe, ns->fd, NVME_URING_CMD_IO, &c);
		sqe->user_data = i;
	}
	/*
	 * One io_uring_enter() without GETEVENTS: it submits and never polls.
	 * liburing asks for events on every enter of an IOPOLL ring, so it
	 * is told, for this call only, that the ring does not poll.
	 */
	ring.flags &= ~IORING_SETUP_IOPOLL;
	got = io_uring_submit(&ring);
	ring.flags |= IORING_SETUP_IOPOLL;
	if (got != N)
		t_fatal("%s: io_uring_submit: %d", sched, got);
	seen = wait_inflight(N);
	if (seen >= N) {
		t_check(true, "%s: %d polled reads submitted in one call all reached the driver",
			sched, N);
	} else {
		t_check(false, "%s: %d polled reads submitted in one call: only %ld reached the driver (the scheduler held the rest)",
			sched, N, seen);
	}
	for (i = 0; i < N; i++) {
		if (io_uring_wait_cqe(&ring, &cqe))
			t_fatal("%s: io_uring_wait_cqe", sched);
		if (cqe->res && bad++ < 4)
			printf("# %s: read %llu: res %d\n", sched,
			       (unsigned long long)cqe->user_data, cqe->res);
		io_uring_cqe_seen(&ring, cqe);
	}
	t_check(!bad, "%s: the %d reads completed by polling, res 0", sched, N);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	static const char *const scheds[] = { "kyber", "mq-deadline", "bfq" };
	char avail[256], *bufs[N];
	unsigned int i, ran = 0;
	cpu_set_t one;
	struct tns ns;

	t_need_uring_cmd();
	if (!t_have_poll_queues())
		t_skip("nvme0n1 has no poll queues (run-vm --poll-queues N)");
	if (read_attr(SCHED_ATTR, avail, sizeof(avail)))
		t_skip("no %s", SCHED_ATTR);
	if (access(SCHED_ATTR, W_OK))
		t_skip("setting a queue's I/O scheduler needs root");
	if (!t_have_overlay())
		t_skip("upstream 6.1 oopses in bio_poll() polling passthrough a scheduler holds (docs/testing.md)");
	current_sched(old_sched, sizeof(old_sched));
	atexit(restore_sched);
	/* one CPU: every command goes to the same poll queue */
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		t_fatal("sched_setaffinity: %s", strerror(errno));
	t_ns_open(&ns, NVME_NG1, O_RDONLY);
	for (i = 0; i < N; i++)
		bufs[i] = t_buf(NBLOCKS * ns.lbs);
	for (i = 0; i < sizeof(scheds) / sizeof(scheds[0]); i++) {
		/*
		 * The list names only the schedulers already loaded; setting
		 * one loads its module (a distribution kernel's kyber and bfq).
		 * Every flavor of ours has all three.
		 */
		if (!strstr(avail, scheds[i]) && write_attr(SCHED_ATTR, scheds[i])) {
			t_check(false, "%s: not in this kernel", scheds[i]);
			continue;
		}
		run(&ns, scheds[i], bufs);
		ran++;
	}
	if (!ran)
		t_skip("none of kyber, mq-deadline, bfq in this kernel");
	return t_done();
}
