// SPDX-License-Identifier: GPL-2.0
/*
 * A controller reset (sysfs reset_controller) while 128 passthrough writes
 * are in flight, once per command form: upstream's IO, IO_VEC, IO with a
 * registered buffer and IO on a polled ring (with poll queues), and our
 * IO_COMPACT and IO_INDIRECT (where the kernel has them). Every command
 * completes (success, or an NVMe status or errno), the device works
 * afterwards, and every write that completed with success reads back
 * intact. Each LBA range is written once, so a range whose write failed
 * is simply not checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "nvme_lib.h"

#define QD		128
#define SLOTS		2048
#define SLOT_BLOCKS	8
#define SLOT_LEN	(SLOT_BLOCKS * 512)
/* registered in 64 KiB pieces: upstream 6.1 counts every page of a
 * registered buffer as a segment, so it refuses larger ones */
#define REG_SLOTS	16
#define NREGS		(SLOTS / REG_SLOTS)
#define BASE_LBA	262144	/* clear of the other tests' ranges */

enum form { F_IO, F_IO_VEC, F_IO_FIXED, F_IO_POLL, F_COMPACT, F_INDIRECT,
	    F_NR };
static const char *const form_name[F_NR] = {
	"IO", "IO_VEC", "IO fixed", "IO polled", "IO_COMPACT", "IO_INDIRECT",
};

static struct tns ns;
static char *arena;		/* SLOTS * SLOT_LEN, registered in NREGS pieces */
static struct iovec iov[SLOTS][2];
static struct nvme_passthru_cmd64 c64[SLOTS];
static int state[SLOTS];	/* 0 not sent, 1 in flight, 2 done, 3 failed */
static volatile int reset_rc = 1;

/* Leave a mark in the kernel log, to read the test next to the driver. */
static void kmsg(const char *msg)
{
	int fd = open("/dev/kmsg", O_WRONLY);

	if (fd >= 0) {
		/* best effort: the log is only for reading along */
		(void)!write(fd, msg, strlen(msg));
		close(fd);
	}
}

static void *do_reset(void *arg)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "nvme-85-reset: resetting the controller (%s)\n",
		 (const char *)arg);
	usleep(20000);
	kmsg(msg);
	reset_rc = t_reset_controller();
	snprintf(msg, sizeof(msg), "nvme-85-reset: reset done (%d)\n",
		 reset_rc);
	kmsg(msg);
	return NULL;
}

static char *slot_data(unsigned int i)
{
	return arena + (size_t)i * SLOT_LEN;
}

static __u64 slot_lba(enum form f, unsigned int i)
{
	return BASE_LBA + ((__u64)f * SLOTS + i) * SLOT_BLOCKS;
}

static void queue_write(struct io_uring *ring, enum form f, unsigned int i)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct nvme_uring_cmd c;

	t_cmd_rw(&c, &ns, OP_WRITE, slot_lba(f, i), SLOT_BLOCKS, slot_data(i),
		 NULL);
	switch (f) {
	case F_IO_VEC:
		iov[i][0] = (struct iovec){ slot_data(i), 1536 };
		iov[i][1] = (struct iovec){ slot_data(i) + 1536,
					    SLOT_LEN - 1536 };
		c.addr = (uintptr_t)iov[i];
		c.data_len = 2;
		t_prep_big(ring, sqe, ns.fd, NVME_URING_CMD_IO_VEC, &c);
		break;
	case F_COMPACT:
		t_prep_compact(sqe, ns.fd, OP_WRITE, slot_lba(f, i),
			       SLOT_BLOCKS - 1, slot_data(i), SLOT_LEN);
		break;
	case F_INDIRECT:
		t_cmd64_from(&c64[i], &c);
		t_prep_indirect(sqe, ns.fd, NVME_URING_CMD_IO_INDIRECT,
				&c64[i]);
		break;
	default:
		t_prep_big(ring, sqe, ns.fd, NVME_URING_CMD_IO, &c);
		if (f == F_IO_FIXED)
			t_sqe_fixed(sqe, i / REG_SLOTS);
	}
	sqe->user_data = i;
	state[i] = 1;
}

static unsigned int ring_flags(enum form f)
{
	if (f == F_COMPACT || f == F_INDIRECT)
		return 0;
	return RING_BIG | (f == F_IO_POLL ? IORING_SETUP_IOPOLL : 0);
}

/*
 * How a command the reset caught may end: with the controller's status
 * (positive, e.g. 0x371 aborted by host), cancelled (-EINTR) or failed
 * as the queue went away (-EIO). Anything else (-ENOMEM, -EINVAL ...) is
 * a failure of the path, not of the reset.
 */
static bool reset_result(int res)
{
	return res > 0 || res == -EINTR || res == -EIO || res == -ECANCELED;
}

/* QD 128 of SLOTS writes with one reset in the middle. */
static void write_all(enum form f)
{
	unsigned int next = 0, inflight = 0, done = 0, failed = 0, odd = 0, i;
	int ret;
	static struct iovec reg[NREGS];
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	bool started = false;
	pthread_t thr;

	if (t_ring(&ring, QD, ring_flags(f)))
		t_fatal("%s: io_uring_queue_init", form_name[f]);
	for (i = 0; i < NREGS; i++)
		reg[i] = (struct iovec){ slot_data(i * REG_SLOTS),
					 REG_SLOTS * SLOT_LEN };
	if (f == F_IO_FIXED && io_uring_register_buffers(&ring, reg, NREGS))
		t_fatal("io_uring_register_buffers");
	for (i = 0; i < SLOTS; i++) {
		t_fill(slot_data(i), SLOT_LEN, 0x5e5e0000 + (f << 16) + i);
		state[i] = 0;
	}
	reset_rc = 1;
	while (done + failed < SLOTS) {
		while (inflight < QD && next < SLOTS) {
			queue_write(&ring, f, next++);
			inflight++;
		}
		ret = io_uring_submit(&ring);
		if (ret < 0)
			t_fatal("%s: io_uring_submit: %d", form_name[f], ret);
		if (!started && next >= QD) {
			started = true;
			if (pthread_create(&thr, NULL, do_reset,
					   (void *)form_name[f]))
				t_fatal("pthread_create");
		}
		if (t_wait_cqe_secs(&ring, &cqe, 120))
			t_fatal("%s: a command did not complete in 120 s (%u in flight)",
				form_name[f], inflight);
		i = cqe->user_data;
		if (cqe->res == 0) {
			state[i] = 2;
			done++;
		} else {
			if (failed < 4)
				printf("# %s write %u: res %d\n", form_name[f],
				       i, cqe->res);
			state[i] = 3;
			failed++;
			odd += !reset_result(cqe->res);
		}
		inflight--;
		io_uring_cqe_seen(&ring, cqe);
	}
	pthread_join(thr, NULL);
	io_uring_queue_exit(&ring);
	t_check(reset_rc == 0, "%s: reset_controller written (%d)",
		form_name[f], reset_rc);
	t_check(done > 0, "%s: %u of %u writes succeeded around the reset, %u failed",
		form_name[f], done, SLOTS, failed);
	/* only the commands in flight when the controller went down may fail */
	t_check(failed <= QD, "%s: %u failed writes, at most the %u in flight",
		form_name[f], failed, QD);
	t_check(!odd, "%s: every failure is the reset's (%u others)",
		form_name[f], odd);
}

/* Read every acknowledged range back through @check: how many differ. */
static unsigned int verify(struct io_uring *check, enum form f)
{
	char *back = t_buf(SLOT_LEN);
	unsigned int i, bad = 0;

	for (i = 0; i < SLOTS; i++) {
		struct nvme_uring_cmd c;
		struct tres r;

		if (state[i] != 2)
			continue;
		t_cmd_rw(&c, &ns, OP_READ, slot_lba(f, i), SLOT_BLOCKS, back,
			 NULL);
		r = t_run_big(check, ns.fd, NVME_URING_CMD_IO, &c);
		if (r.res || memcmp(back, slot_data(i), SLOT_LEN)) {
			if (bad++ < 4)
				printf("# %s range %u: res %d or data differ\n",
				       form_name[f], i, r.res);
		}
	}
	free(back);
	return bad;
}

static bool form_runs(enum form f, bool overlay, bool poll)
{
	if (f == F_COMPACT || f == F_INDIRECT)
		return overlay;
	return f != F_IO_POLL || poll;
}

int main(void)
{
	bool overlay, poll;
	struct io_uring check;
	unsigned int bad;
	enum form f;

	t_need_uring_cmd();
	if (access(NVME_RESET_ATTR, W_OK))
		t_skip("%s not writable", NVME_RESET_ATTR);
	t_ns_open(&ns, NVME_NG1, O_RDWR);
	if (ns.lbs != 512)
		t_skip("%s: %u-byte LBAs, the test wants 512", ns.path, ns.lbs);
	if (t_ring(&check, 8, RING_BIG))
		t_skip("no IORING_SETUP_SQE128/CQE32 rings");
	overlay = t_have_overlay();
	poll = t_have_poll_queues();
	if (!overlay)
		printf("# no overlay forms (upstream kernel): IO_COMPACT and IO_INDIRECT not run\n");
	if (!poll)
		printf("# no poll queues (nvme.poll_queues=0): IO polled not run\n");
	arena = t_buf((size_t)SLOTS * SLOT_LEN);
	for (f = 0; f < F_NR; f++) {
		if (!form_runs(f, overlay, poll))
			continue;
		write_all(f);
		bad = verify(&check, f);
		t_check(!bad, "%s: every acknowledged write reads back (%u bad)",
			form_name[f], bad);
	}
	io_uring_queue_exit(&check);
	return t_done();
}
