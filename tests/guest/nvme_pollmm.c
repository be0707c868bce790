// SPDX-License-Identifier: GPL-2.0
/*
 * A polled command's bounce copies reach its submitter only (issue 16,
 * item 7). A polled command is finished by whoever polls the ring; the
 * driver copies a separate-metadata bounce buffer out only when the
 * poller is in the submitter's address space, and it tells address
 * spaces apart by their mm_struct. A task that exits does not wait for
 * its uring_cmds (only for requests that hold files), so its mm can be
 * freed, and its address reused by the next fork(), while its command is
 * still in flight: unless the command holds a reference to the mm, a new
 * process sharing the ring then receives the dead submitter's metadata.
 *
 * Per round, as nobody with fds opened by root (on upstream 6.1, which
 * needs CAP_SYS_ADMIN for any uring_cmd, as root): a child submits a polled
 * 1-block read of namespace 2 (4096+8, separate metadata) with its
 * metadata buffer at an address the parent filled with a pattern, and
 * exits without polling; a second child, forked right after (so that it
 * is the likeliest to get the freed mm's address), polls the command to
 * completion and then checks that its copy of that buffer still holds
 * the pattern. Upstream 6.1 finishes every polled command in whichever
 * task polls (fixed later): there a change is noted, not failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nvme_lib.h"

#define ROUNDS		32
#define LBA		4096
#define PATTERN		0xa5
#define DEVICE_META	0x3c
#define NOBODY		65534

enum { CHILD_OK = 0, CHILD_LEAK = 3, CHILD_ERR = 4 };

static bool ours;
static struct tns ns;
static struct io_uring ring;
static unsigned char *data, *meta;

/* Write the block and its 8 bytes of metadata the reads will fetch. */
static void prepare_block(void)
{
	struct io_uring big;
	struct nvme_uring_cmd c;
	struct tres r;

	memset(data, 0x5e, ns.lbs);
	memset(meta, DEVICE_META, ns.ms);
	if (t_ring(&big, 4, RING_BIG))
		t_fatal("io_uring_queue_init");
	t_cmd_rw(&c, &ns, OP_WRITE, LBA, 1, data, meta);
	r = t_run_big(&big, ns.fd, NVME_URING_CMD_IO, &c);
	if (r.res)
		t_fatal("write with metadata: res %d", r.res);
	io_uring_queue_exit(&big);
}

/* The submitter: queue the polled read and exit without polling. */
static void submitter(void)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
	struct nvme_uring_cmd c;

	t_cmd_rw(&c, &ns, OP_READ, LBA, 1, data, meta);
	t_prep_big(&ring, sqe, ns.fd, NVME_URING_CMD_IO, &c);
	sqe->user_data = 1;
	/* liburing asks for events on every enter of an IOPOLL ring */
	ring.flags &= ~IORING_SETUP_IOPOLL;
	_exit(io_uring_submit(&ring) == 1 ? CHILD_OK : CHILD_ERR);
}

/* The next process: poll the command home, then look at the buffer. */
static void poller(void)
{
	struct io_uring_cqe *cqe;
	unsigned int i;

	alarm(30);
	if (io_uring_wait_cqe(&ring, &cqe))
		_exit(CHILD_ERR);
	io_uring_cqe_seen(&ring, cqe);
	for (i = 0; i < ns.ms; i++)
		if (meta[i] != PATTERN)
			_exit(CHILD_LEAK);
	_exit(CHILD_OK);
}

static int run_child(void (*fn)(void))
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		t_fatal("fork: %s", strerror(errno));
	if (pid == 0)
		fn();
	if (waitpid(pid, &status, 0) != pid)
		t_fatal("waitpid: %s", strerror(errno));
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(void)
{
	int leaks = 0, errs = 0, round, rc;
	cpu_set_t one;

	t_need_uring_cmd();
	if (!t_have_poll_queues())
		t_skip("nvme0n1 has no poll queues (run-vm --poll-queues N)");
	ours = t_have_overlay();
	t_ns_open(&ns, NVME_NG2, O_RDWR);
	if (ns.ms != 8)
		t_skip("%s has %u bytes of metadata, not 8 (run-vm's namespace 2)",
		       NVME_NG2, ns.ms);
	data = t_buf(ns.lbs);
	meta = t_buf(4096);
	prepare_block();
	/* upstream 6.1 allows uring_cmd only with CAP_SYS_ADMIN */
	if (ours && geteuid() == 0 &&
	    (setresgid(NOBODY, NOBODY, NOBODY) ||
	     setresuid(NOBODY, NOBODY, NOBODY)))
		t_fatal("setresuid(nobody): %s", strerror(errno));
	/* one CPU: the freed mm_struct is the next one fork() takes */
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		t_fatal("sched_setaffinity: %s", strerror(errno));
	if (t_ring(&ring, 8, IORING_SETUP_IOPOLL | RING_BIG))
		t_fatal("io_uring_queue_init(IOPOLL)");
	/* the same read, submitted and polled here, brings the metadata */
	memset(meta, PATTERN, 4096);
	{
		struct nvme_uring_cmd c;
		struct tres r;

		t_cmd_rw(&c, &ns, OP_READ, LBA, 1, data, meta);
		r = t_run_big(&ring, ns.fd, NVME_URING_CMD_IO, &c);
		t_check(!r.res && meta[0] == DEVICE_META && meta[ns.ms] == PATTERN,
			"polled read with metadata as %s: res %d, metadata copied",
			geteuid() ? "nobody" : "root", r.res);
	}
	for (round = 0; round < ROUNDS; round++) {
		memset(meta, PATTERN, 4096);
		/* the children's submissions moved the shared tail, not ours */
		ring.sq.sqe_head = ring.sq.sqe_tail = *ring.sq.ktail;
		rc = run_child(submitter);
		if (rc != CHILD_OK)
			t_fatal("round %d: the submitter exited %d", round, rc);
		rc = run_child(poller);
		if (rc == CHILD_LEAK)
			leaks++;
		else if (rc != CHILD_OK && errs++ < 4)
			printf("# round %d: the poller exited %d\n", round, rc);
	}
	t_check(!errs, "%d rounds: every command polled home by the next process",
		ROUNDS);
	if (!leaks || ours)
		t_check(!leaks, "%d rounds: no poller received the exited submitter's metadata (%d did)",
			ROUNDS, leaks);
	else
		printf("# upstream has this too: %d of %d pollers received another process's metadata\n",
		       leaks, ROUNDS);
	for (rc = 0; rc < 4096; rc++)
		if (meta[rc] != PATTERN)
			break;
	t_check(rc == 4096, "the parent's own buffer is untouched");
	io_uring_queue_exit(&ring);
	return t_done();
}
