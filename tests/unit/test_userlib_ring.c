// SPDX-License-Identifier: GPL-2.0
/*
 * libnvme-ucmd's real io_uring path without an NVMe device: a handle on a
 * pipe, which has no ->uring_cmd, so every command completes with
 * -EOPNOTSUPP from the io_uring core (-EINVAL for reserved bytes that the
 * 64-byte overlay uses, or before 5.19). That exercises
 * ring set-up per form, submission, reaping and cookies, and a probe that
 * must end in the ioctl form. Tests that need a ring are TAP skips when
 * io_uring itself is unavailable (seccomp, io_uring_disabled).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <nvme-ucmd.h>

#include "internal.h"
#include "unit.h"

static unsigned char buf[4096];

/* A pipe: no ->uring_cmd (/dev/null has one that takes anything). */
static struct nvmeu_dev *pipe_dev(void)
{
	struct nvmeu_dev *dev;
	int fd[2];

	CU_ASSERT_FATAL(pipe2(fd, O_CLOEXEC) == 0);
	close(fd[1]);
	dev = nvmeu__dev_alloc(fd[0], O_RDONLY);
	CU_ASSERT_FATAL(dev != NULL);
	dev->nsid = 1;
	dev->lba_size = 512;
	return dev;
}

static int have_io_uring(void)
{
	struct io_uring ring;

	int r = io_uring_queue_init(2, &ring, 0);

	if (r) {
		char why[80];

		snprintf(why, sizeof(why), "io_uring unavailable (%s)", strerror(-r));
		unit_skip(why);
		return 0;
	}
	io_uring_queue_exit(&ring);
	return 1;
}

/* Three commands, one submit, completions matched back by cookie. */
static void run_ring(enum nvmeu_form form, unsigned int qflags)
{
	struct nvmeu_dev *dev = pipe_dev();
	struct nvme_passthru_cmd64 c[3];
	struct nvmeu_completion out[4];
	struct nvmeu_queue *q;
	int n, r;

	nvmeu_set_form(dev, form);
	r = nvmeu_queue_init(dev, 4, qflags, &q);
	if (r) {
		printf("# %s ring: %s\n", nvmeu_form_name(form),
		       nvmeu_strerror(r));
		CU_ASSERT(form == NVMEU_FORM_BIG && r == -EINVAL);
		nvmeu_close(dev);
		return;
	}
	CU_ASSERT_PTR_NOT_NULL(nvmeu_queue_ring(q));
	CU_ASSERT_EQUAL(nvmeu_queue_form(q), form);
	for (unsigned int i = 0; i < 3; i++) {
		nvmeu_cmd_read(dev, &c[i], i, 1, buf, 512);
		CU_ASSERT_EQUAL(nvmeu_queue_cmd(q, &c[i], 0, 500 + i), 0);
	}
	CU_ASSERT_EQUAL(nvmeu_queue_submit(q), 3);
	n = nvmeu_queue_reap(q, out, 4, 3);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	for (int k = 0; k < n; k++) {
		CU_ASSERT_FATAL(out[k].cookie >= 500 && out[k].cookie < 503);
		CU_ASSERT_PTR_EQUAL(out[k].cmd, &c[out[k].cookie - 500]);
		CU_ASSERT(out[k].ret == -EOPNOTSUPP || out[k].ret == -EINVAL);
	}
	CU_ASSERT_EQUAL(nvmeu_queue_inflight(q), 0);
	nvmeu_queue_exit(q);
	nvmeu_close(dev);
}

static void test_ring_forms(void)
{
	if (!have_io_uring())
		return;
	run_ring(NVMEU_FORM_BIG, 0);
	run_ring(NVMEU_FORM_COMPACT, 0);
	run_ring(NVMEU_FORM_INDIRECT, 0);
	run_ring(NVMEU_FORM_INDIRECT, NVMEU_QUEUE_IOPOLL);
}

/* Reaping through the sync path: nvmeu_exec() on the internal queue. */
static void test_ring_exec(void)
{
	struct nvmeu_dev *dev;
	int r;

	if (!have_io_uring())
		return;
	dev = pipe_dev();
	nvmeu_set_form(dev, NVMEU_FORM_COMPACT);
	r = nvmeu_read(dev, 0, 1, buf, 512);
	CU_ASSERT(r == -EOPNOTSUPP || r == -EINVAL);
	r = nvmeu_flush(dev);
	CU_ASSERT(r == -EOPNOTSUPP || r == -EINVAL);
	nvmeu_close(dev);
}

/* Nothing takes a uring_cmd on a pipe: the probe settles on ioctl. */
static void test_probe_pipe(void)
{
	struct nvmeu_dev *dev = pipe_dev();
	struct nvmeu_probe_facts f;

	CU_ASSERT_EQUAL(nvmeu_probe(dev, &f), NVMEU_FORM_IOCTL);
	if (f.uring > 0) {
		CU_ASSERT(f.overlay_res == -EOPNOTSUPP ||
			  f.overlay_res == -EINVAL);
		CU_ASSERT(f.big_setup != 0 || f.big_res == -EOPNOTSUPP ||
			  f.big_res == -EINVAL);
	}
	CU_ASSERT_EQUAL(nvmeu_get_form(dev), NVMEU_FORM_IOCTL);
	/* and the ioctl on a pipe is refused as such */
	CU_ASSERT_EQUAL(nvmeu_flush(dev), -ENOTTY);
	nvmeu_close(dev);
}

/* nvmeu_open() on something that is not an NVMe node fails cleanly. */
static void test_open_not_nvme(void)
{
	struct nvmeu_dev *dev = NULL;

	CU_ASSERT_EQUAL(nvmeu_open("/dev/null", O_RDWR, &dev), -ENOTTY);
	CU_ASSERT_PTR_NULL(dev);
	CU_ASSERT_EQUAL(nvmeu_open("/nonexistent/ng0n1", O_RDWR, &dev),
			-ENOENT);
	CU_ASSERT_EQUAL(nvmeu_open(NULL, O_RDWR, &dev), -EINVAL);
}

UNIT_SUITE(userlib_ring, NULL, NULL,
	   UNIT_TEST(test_ring_forms),
	   UNIT_TEST(test_ring_exec),
	   UNIT_TEST(test_probe_pipe),
	   UNIT_TEST(test_open_not_nvme))
