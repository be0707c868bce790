// SPDX-License-Identifier: GPL-2.0
/*
 * Fault campaigns on the passthrough path (issue 7):
 * - NVMe fault injection (debugfs <disk>/fault_inject): completions turned
 *   into an error status. Every command either succeeds or reports exactly
 *   the injected status, the number of failures is the number injected,
 *   and every write that reported success reads back intact;
 * - failslab and fail_page_alloc for this task while it submits: every
 *   command completes (success, -ENOMEM, -EFAULT, -EAGAIN or -ECANCELED:
 *   nothing else, no hang), and afterwards the device reads back what
 *   succeeded.
 * Skips (77) when the kernel has no fault injection in debugfs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nvme_lib.h"

#define DEBUGFS		"/sys/kernel/debug"
#define NS_FI		DEBUGFS "/nvme0n1/fault_inject"
#define NCMDS		64
#define NBLOCKS		8
#define BASE_LBA	131072		/* clear of the other tests' ranges */
#define INJECT		10
#define FI_STATUS	0x4002		/* Invalid Field in Command, DNR */

static struct tns ns;
static struct io_uring ring;
static char *wbuf[NCMDS], *rbuf;
static int wres[NCMDS];

static int put(const char *dir, const char *file, const char *val)
{
	char path[256];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

static void set(const char *dir, const char *file, const char *val)
{
	if (put(dir, file, val))
		t_fatal("write %s to %s/%s", val, dir, file);
}

/*
 * Submit @n prepared SQEs: under failslab io_uring may take fewer at a
 * time (-ENOMEM, -EAGAIN or a short count); the rest stay in the SQ.
 */
static void submit_all(unsigned int n)
{
	unsigned int done = 0, tries = 0;

	while (done < n) {
		int r = io_uring_submit(&ring);

		if (r > 0) {
			done += r;
			continue;
		}
		if ((r && r != -ENOMEM && r != -EAGAIN) || ++tries > 10000)
			t_fatal("submit: %d after %u of %u", r, done, n);
		usleep(100);
	}
}

/* Submit @NCMDS writes (one range each) and collect their results. */
static void write_all(unsigned int seed)
{
	struct nvme_uring_cmd c;
	unsigned int i;

	for (i = 0; i < NCMDS; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

		t_fill(wbuf[i], NBLOCKS * ns.lbs, seed + i);
		t_cmd_rw(&c, &ns, OP_WRITE, BASE_LBA + i * NBLOCKS, NBLOCKS,
			 wbuf[i], NULL);
		t_prep_big(&ring, sqe, ns.fd, NVME_URING_CMD_IO, &c);
		sqe->user_data = i;
		wres[i] = 1;
	}
	submit_all(NCMDS);
	for (i = 0; i < NCMDS; i++) {
		struct io_uring_cqe *cqe;

		if (t_wait_cqe_secs(&ring, &cqe, 30))
			t_fatal("write %u of %d: no completion in 30 s", i, NCMDS);
		if (cqe->user_data < NCMDS)
			wres[cqe->user_data] = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
}

/* Every write that reported success reads back intact. */
static unsigned int check_back(const char *what)
{
	struct nvme_uring_cmd c;
	unsigned int i, ok = 0, bad = 0;

	for (i = 0; i < NCMDS; i++) {
		if (wres[i])
			continue;
		t_cmd_rw(&c, &ns, OP_READ, BASE_LBA + i * NBLOCKS, NBLOCKS,
			 rbuf, NULL);
		if (t_run_big(&ring, ns.fd, NVME_URING_CMD_IO, &c).res ||
		    memcmp(rbuf, wbuf[i], NBLOCKS * ns.lbs))
			bad++;
		else
			ok++;
	}
	t_check(!bad, "%s: %u of %u acknowledged writes read back wrong", what,
		bad, ok + bad);
	return ok;
}

static void nvme_fault_inject(void)
{
	unsigned int i, failed = 0, other = 0, ok;
	char val[16];

	/* the probability last: it arms the attribute (see fail_alloc()) */
	set(NS_FI, "interval", "1");
	set(NS_FI, "verbose", "0");
	set(NS_FI, "space", "0");
	snprintf(val, sizeof(val), "%d", FI_STATUS);
	set(NS_FI, "status", val);
	snprintf(val, sizeof(val), "%d", INJECT);
	set(NS_FI, "times", val);
	set(NS_FI, "probability", "100");
	write_all(100);
	set(NS_FI, "probability", "0");
	set(NS_FI, "times", "0");
	for (i = 0; i < NCMDS; i++) {
		if (wres[i] == FI_STATUS)
			failed++;
		else if (wres[i])
			other++;
	}
	t_check(failed == INJECT && !other,
		"fault_inject times=%d: %u writes failed with %#x, %u otherwise",
		INJECT, failed, FI_STATUS, other);
	ok = check_back("fault_inject");
	printf("# fault_inject: %d injected, %u failed with the status, %u "
	       "acknowledged and read back\n", INJECT, failed, ok);
}

static void fail_alloc(const char *what, const char *dir)
{
	unsigned int i, seen[4] = { 0 }, odd = 0, ok;
	int self;

	/*
	 * The filters first and the probability last: with a probability set
	 * and task-filter still N, every task's allocations fail (with a
	 * stack dump while verbose is not 0) until the filter is on.
	 */
	set(dir, "task-filter", "Y");
	set(dir, "verbose", "0");
	set(dir, "space", "0");
	set(dir, "interval", "1");
	set(dir, "times", "-1");
	/* sleeping and single-page allocations too (the defaults spare them) */
	put(dir, "ignore-gfp-wait", "N");
	put(dir, "min-order", "0");
	set(dir, "probability", "20");
	self = open("/proc/self/make-it-fail", O_WRONLY);
	if (self < 0 || write(self, "1", 1) != 1)
		t_fatal("/proc/self/make-it-fail");
	write_all(200);
	if (lseek(self, 0, SEEK_SET) || write(self, "0", 1) != 1)
		t_fatal("/proc/self/make-it-fail off");
	close(self);
	set(dir, "probability", "0");
	for (i = 0; i < NCMDS; i++) {
		switch (wres[i]) {
		case 0:
			seen[0]++;
			break;
		case -ENOMEM:
			seen[1]++;
			break;
		case -EFAULT:
			seen[2]++;
			break;
		case -EAGAIN:
		case -ECANCELED:	/* io-wq could not start a worker */
			seen[3]++;
			break;
		default:
			odd++;
			printf("# %s: write %u: res %d\n", what, i, wres[i]);
		}
	}
	t_check(!odd, "%s: %u writes with a result other than 0, -ENOMEM, "
		"-EFAULT, -EAGAIN or -ECANCELED", what, odd);
	ok = check_back(what);
	printf("# %s (20%% of this task's allocations): %u ok (%u read back), "
	       "%u -ENOMEM, %u -EFAULT, %u -EAGAIN/-ECANCELED\n", what, seen[0], ok,
	       seen[1], seen[2], seen[3]);
}

int main(void)
{
	struct stat st;
	unsigned int i;

	if (geteuid())
		t_skip("fault injection needs root");
	if (stat(DEBUGFS "/failslab", &st))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	if (stat(NS_FI, &st))
		t_skip("no %s (CONFIG_FAULT_INJECTION_DEBUG_FS)", NS_FI);
	t_need_uring_cmd();
	t_ns_open(&ns, NVME_NG1, O_RDWR);
	if (t_ring(&ring, 2 * NCMDS, RING_BIG))
		t_skip("no IORING_SETUP_SQE128/CQE32 rings");
	if (ns.nsze < BASE_LBA + NCMDS * NBLOCKS)
		t_skip("%s too small", NVME_NG1);
	for (i = 0; i < NCMDS; i++)
		wbuf[i] = t_buf(NBLOCKS * ns.lbs);
	rbuf = t_buf(NBLOCKS * ns.lbs);

	nvme_fault_inject();
	if (!stat(DEBUGFS "/failslab", &st))
		fail_alloc("failslab", DEBUGFS "/failslab");
	else
		printf("# no failslab: its campaign not run\n");
	if (!stat(DEBUGFS "/fail_page_alloc", &st))
		fail_alloc("fail_page_alloc", DEBUGFS "/fail_page_alloc");
	else
		printf("# no fail_page_alloc: its campaign not run\n");
	io_uring_queue_exit(&ring);
	return t_done();
}
