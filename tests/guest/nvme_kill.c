// SPDX-License-Identifier: GPL-2.0
/*
 * Commands in flight when their ring goes away: a process that exits
 * without reaping, one killed with SIGKILL while it waits, and one that
 * closes its ring with commands queued. The kernel must clean up without an
 * oops, a leak (kmemleak runs after the suite), a hang or a warning, and
 * the device must keep working. Large reads and metadata reads keep the
 * commands in flight; the overlay forms (indirect, with a result written
 * back at completion) run too where the kernel has them.
 *
 * Last, a process that exits while a controller reset freezes the queue
 * under its writes (polled, with poll queues, and interrupt-driven): its
 * io-wq workers wait in blk_queue_enter() for the freeze, and the freeze
 * waits for its requests. It once hung there for good (D state): the
 * requests were freed only by the exiting task's completion callbacks.
 * Polled, the device's completions then wait for a poller: the exiting
 * task cannot poll until its workers are gone, so the I/O timeout's poll
 * (30 s) ends the freeze, as upstream's polled block I/O does.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nvme_lib.h"

#define QD		128
#define NBLOCKS		64

enum how { H_EXIT, H_KILL, H_CLOSE };
static const char *const how_name[] = {
	"exit without reaping", "SIGKILL while waiting", "close the ring",
};

static void fill_ring(struct io_uring *ring, const struct tns *ns,
		      bool indirect)
{
	struct nvme_passthru_cmd64 *c64 = calloc(QD, sizeof(*c64));
	struct nvme_uring_cmd c;
	unsigned int i;

	for (i = 0; i < QD; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
		void *meta = ns->ms ? t_buf(NBLOCKS * ns->ms) : NULL;

		t_cmd_rw(&c, ns, OP_READ, (__u64)i * NBLOCKS, NBLOCKS,
			 t_buf(NBLOCKS * ns->lbs), meta);
		if (indirect) {
			t_cmd64_from(&c64[i], &c);
			t_prep_indirect(sqe, ns->fd, NVME_URING_CMD_IO_INDIRECT,
					&c64[i]);
		} else {
			t_prep_big(ring, sqe, ns->fd, NVME_URING_CMD_IO, &c);
		}
	}
	if (io_uring_submit(ring) != QD)
		_exit(3);
}

static void child(const char *path, enum how how, bool indirect)
{
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct tns ns;

	t_ns_open(&ns, path, O_RDWR);
	if (t_ring(&ring, QD, indirect ? 0 : RING_BIG))
		_exit(2);
	fill_ring(&ring, &ns, indirect);
	switch (how) {
	case H_EXIT:
		_exit(0);
	case H_KILL:
		/* signal the parent we are about to wait, then wait forever */
		if (write(1, "", 0) < 0)
			_exit(4);
		for (;;)
			io_uring_wait_cqe_nr(&ring, &cqe, QD + 1);
	case H_CLOSE:
		io_uring_queue_exit(&ring);
		close(ns.fd);
		_exit(0);
	}
}

static void run(const char *path, enum how how, bool indirect)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		child(path, how, indirect);
	if (how == H_KILL) {
		usleep(2000);
		kill(pid, SIGKILL);
	}
	waitpid(pid, &status, 0);
	t_check(how == H_KILL ? WIFSIGNALED(status) :
		WIFEXITED(status) && !WEXITSTATUS(status),
		"%s, %s%s: child gone (status %#x)", path, how_name[how],
		indirect ? ", IO_INDIRECT" : "", status);
}

#define RESET_LBA	600000		/* ns 1: clear of the other tests */

/*
 * Keep QD writes in flight; exit without reaping at the first stall
 * (no completion within 1 ms: the reset has the queue), or after 2 s.
 */
static void reset_child(int tell, bool polled)
{
	struct __kernel_timespec ms = { .tv_nsec = 1000000 };
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	struct nvme_uring_cmd c;
	unsigned int n = 0, inflight = 0;
	void *buf = t_buf(8 * 512);
	struct timespec t0, t;
	struct tns ns;

	t_ns_open(&ns, NVME_NG1, O_RDWR);
	if (t_ring(&ring, QD, RING_BIG | (polled ? IORING_SETUP_IOPOLL : 0)))
		_exit(2);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		for (; inflight < QD; inflight++, n++) {
			t_cmd_rw(&c, &ns, OP_WRITE,
				 RESET_LBA + (__u64)(n % 4096) * 8, 8, buf, NULL);
			t_prep_big(&ring, io_uring_get_sqe(&ring), ns.fd,
				   NVME_URING_CMD_IO, &c);
		}
		if (io_uring_submit(&ring) < 0)
			_exit(3);
		if (n == QD && write(tell, "g", 1) != 1)
			_exit(4);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= 2 ||
		    io_uring_wait_cqe_timeout(&ring, &cqe, &ms))
			_exit(0);
		io_uring_cqe_seen(&ring, cqe);
		inflight--;
	}
}

static void *do_reset(void *arg)
{
	*(int *)arg = t_reset_controller();
	return NULL;
}

/* Exit during a controller reset: the child must be gone within 90 s. */
static void run_reset(bool polled)
{
	const char *what = polled ? "polled" : "interrupt-driven";
	int p[2], status = 0, reset_rc = 1, s;
	pthread_t thr;
	char go;
	pid_t pid;

	if (pipe(p))
		t_fatal("pipe");
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		reset_child(p[1], polled);
	}
	close(p[1]);
	if (read(p[0], &go, 1) != 1)
		t_fatal("%s: the writer did not start", what);
	close(p[0]);
	if (pthread_create(&thr, NULL, do_reset, &reset_rc))
		t_fatal("pthread_create");
	for (s = 0; s < 900; s++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(100000);
	}
	if (s == 900)
		t_fatal("exit during a reset, %s: the child is still there after 90 s (hung in exit)",
			what);
	pthread_join(thr, NULL);
	t_check(WIFEXITED(status) && !WEXITSTATUS(status),
		"exit during a reset, %s writes: child gone after %.1f s (status %#x)",
		what, s / 10.0, status);
	t_check(reset_rc == 0, "exit during a reset, %s: reset done (%d)", what,
		reset_rc);
}

static void still_works(const char *path)
{
	struct io_uring ring;
	struct nvme_uring_cmd c;
	struct tns ns;
	struct tres r;
	void *buf, *meta;

	t_ns_open(&ns, path, O_RDWR);
	buf = t_buf(NBLOCKS * ns.lbs);
	meta = ns.ms ? t_buf(NBLOCKS * ns.ms) : NULL;
	if (t_ring(&ring, 4, RING_BIG))
		t_fatal("io_uring_queue_init");
	t_cmd_rw(&c, &ns, OP_READ, 0, NBLOCKS, buf, meta);
	r = t_run_big(&ring, ns.fd, NVME_URING_CMD_IO, &c);
	t_check(r.res == 0, "%s: a read afterwards works (res %d)", path,
		r.res);
	io_uring_queue_exit(&ring);
	close(ns.fd);
	free(buf);
	free(meta);
}

int main(void)
{
	const char *paths[] = { NVME_NG1, NVME_NG2 };
	struct io_uring probe;
	bool overlay;
	int i, h;

	t_need_uring_cmd();
	if (t_ring(&probe, 4, RING_BIG))
		t_skip("no IORING_SETUP_SQE128/CQE32 rings");
	io_uring_queue_exit(&probe);
	overlay = t_have_overlay();
	for (i = 0; i < 2; i++) {
		for (h = H_EXIT; h <= H_CLOSE; h++) {
			run(paths[i], h, false);
			if (overlay)
				run(paths[i], h, true);
		}
		still_works(paths[i]);
	}
	if (access(NVME_RESET_ATTR, W_OK)) {
		printf("# exit during a reset not run: %s not writable\n",
		       NVME_RESET_ATTR);
		return t_done();
	}
	run_reset(false);
	if (t_have_poll_queues())
		run_reset(true);
	else
		printf("# exit during a reset, polled: no poll queues\n");
	still_works(NVME_NG1);
	return t_done();
}
