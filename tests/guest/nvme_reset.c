// SPDX-License-Identifier: GPL-2.0
/*
 * A controller reset (sysfs reset_controller) while 128 passthrough writes
 * are in flight: every command completes (success, or an NVMe status or
 * errno), the device works afterwards, and every write that completed with
 * success reads back intact. Each LBA range is written once, so a range
 * whose write failed is simply not checked.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvme_lib.h"

#define QD		128
#define SLOTS		2048
#define SLOT_BLOCKS	8
#define BASE_LBA	65536
#define RESET_ATTR	"/sys/class/nvme/nvme0/reset_controller"

static struct tns ns;
static char *data[SLOTS];
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
	int fd = open(RESET_ATTR, O_WRONLY);
	char msg[64];

	(void)arg;
	usleep(20000);
	kmsg("nvme-85-reset: resetting the controller\n");
	reset_rc = fd >= 0 && write(fd, "1", 1) == 1 ? 0 : -errno;
	snprintf(msg, sizeof(msg), "nvme-85-reset: reset done (%d)\n",
		 reset_rc);
	kmsg(msg);
	if (fd >= 0)
		close(fd);
	return NULL;
}

static void queue_write(struct io_uring *ring, unsigned int i)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct nvme_uring_cmd c;

	t_cmd_rw(&c, &ns, OP_WRITE, BASE_LBA + (__u64)i * SLOT_BLOCKS,
		 SLOT_BLOCKS, data[i], NULL);
	t_prep_big(ring, sqe, ns.fd, NVME_URING_CMD_IO, &c);
	sqe->user_data = i;
	state[i] = 1;
}

int main(void)
{
	unsigned int next = 0, inflight = 0, done = 0, failed = 0, i, bad = 0;
	__u32 len = SLOT_BLOCKS * 512;
	struct io_uring_cqe *cqe;
	struct __kernel_timespec ts = { .tv_sec = 120 };
	struct io_uring ring;
	pthread_t thr;
	char *back;
	bool started = false;

	t_need_uring_cmd();
	if (access(RESET_ATTR, W_OK))
		t_skip("%s not writable", RESET_ATTR);
	t_ns_open(&ns, NVME_NG1, O_RDWR);
	if (t_ring(&ring, QD, RING_BIG))
		t_skip("no IORING_SETUP_SQE128/CQE32 rings");
	for (i = 0; i < SLOTS; i++) {
		data[i] = t_buf(len);
		t_fill(data[i], len, 0x5e5e0000 + i);
	}
	while (done + failed < SLOTS) {
		while (inflight < QD && next < SLOTS) {
			queue_write(&ring, next++);
			inflight++;
		}
		if (io_uring_submit(&ring) < 0)
			t_fatal("io_uring_submit");
		if (!started && next >= QD) {
			started = true;
			if (pthread_create(&thr, NULL, do_reset, NULL))
				t_fatal("pthread_create");
		}
		if (io_uring_wait_cqe_timeout(&ring, &cqe, &ts))
			t_fatal("a command did not complete in 120 s (%u in flight)",
				inflight);
		i = cqe->user_data;
		if (cqe->res == 0) {
			state[i] = 2;
			done++;
		} else {
			if (failed < 4)
				printf("# write %u: res %d\n", i, cqe->res);
			state[i] = 3;
			failed++;
		}
		inflight--;
		io_uring_cqe_seen(&ring, cqe);
	}
	pthread_join(thr, NULL);
	t_check(reset_rc == 0, "reset_controller written (%d)", reset_rc);
	t_check(done + failed == SLOTS,
		"all %u writes completed: %u done, %u failed", SLOTS, done,
		failed);
	t_check(done > 0, "writes succeeded around the reset");

	back = t_buf(len);
	for (i = 0; i < SLOTS; i++) {
		struct nvme_uring_cmd c;
		struct tres r;

		if (state[i] != 2)
			continue;
		t_cmd_rw(&c, &ns, OP_READ, BASE_LBA + (__u64)i * SLOT_BLOCKS,
			 SLOT_BLOCKS, back, NULL);
		r = t_run_big(&ring, ns.fd, NVME_URING_CMD_IO, &c);
		if (r.res || memcmp(back, data[i], len)) {
			if (bad++ < 4)
				printf("# range %u: res %d or data differ\n", i,
				       r.res);
		}
	}
	t_check(!bad, "every acknowledged write reads back (%u bad)", bad);
	io_uring_queue_exit(&ring);
	return t_done();
}
