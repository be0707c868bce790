// SPDX-License-Identifier: GPL-2.0
/*
 * The holes a user without CAP_SYS_ADMIN could use through the passthrough
 * paths (issue 16), each as the check that failed before its fix:
 * - separate metadata longer than what the device writes came back with
 *   kernel memory in it (uring_cmd as any user, NVME_IOCTL_IO_CMD as root);
 * - a timeout shorter than the driver's, which aborts and then resets the
 *   controller for everyone, was the caller's to choose;
 * - a command with a data phase and no length the kernel knows (Copy, with
 *   data_len 0) had the controller DMA to bus address 0;
 * - NVME_IOCTL_SUBMIT_IO wrote through a read-only file;
 * - a namespace kept only as a generic device had its transfers sized by a
 *   format the kernel never set up;
 * - Format NVM over uring_cmd ran without the freeze and rescan the ioctl
 *   does, leaving every later length check on the old format;
 * - with PRACT on an extended-LBA format whose metadata is only the
 *   protection information, the device moves the data alone, but the
 *   kernel sized (and mapped) data plus metadata;
 * - separate metadata by NVME_IOCTL_IO_CMD (root) on a namespace without
 *   an integrity profile oopsed at completion, and a buffer shorter than
 *   the metadata of the transfer was advanced past its end (a WARN in
 *   bio_integrity_advance()); uring_cmd gets the same answers.
 * As root the test checks the root-only paths, then forks a child that
 * runs the rest as nobody with the nodes opened to mode 0666; run as
 * nobody (tests/guest/run -u) it runs the rest directly. On a kernel
 * without the overlay forms (upstream) a hole upstream shares is noted,
 * not failed (docs/testing.md lists them).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nvme_lib.h"

#define NOBODY		65534
#define NG3		"/dev/ng0n3"
#define BLK3		"/dev/nvme0n3"	/* the same namespace's block device */
#define NG4		"/dev/ng0n4"
#define NG5		"/dev/ng0n5"	/* run-vm --pi: 512+8, PI in extended LBAs */
#define PRACT		(1u << 29)	/* CDW12: protection information action */
#define META_LEN	65536
#define PATTERN		0xa5
#define OP_COPY		0x19
#define OP_ADMIN_FORMAT	0x80

static bool ours;	/* our kernel (the overlay forms), else upstream */

/* A hole upstream has too: fail on ours, note it on upstream. */
static void check_ours(bool ok, const char *what, int res)
{
	if (ours || ok)
		t_check(ok, "%s (res %d)", what, res);
	else
		printf("# upstream has this hole too: %s (res %d)\n", what, res);
}

/* Bytes of @meta past the @moved the device wrote: not the pattern, not 0. */
static size_t foreign_bytes(const unsigned char *meta, size_t moved)
{
	size_t i, n = 0;

	for (i = moved; i < META_LEN; i++)
		n += meta[i] != PATTERN && meta[i] != 0;
	return n;
}

/*
 * A 1-block read of namespace 2 with a META_LEN metadata buffer full of
 * PATTERN, by NVME_IOCTL_IO64_CMD (@ring NULL) or by uring_cmd: nothing
 * past the ms bytes the device wrote may come back as anything but the
 * pattern or zero.
 */
static void check_meta(struct io_uring *ring)
{
	const char *how = ring ? "uring_cmd" : "ioctl";
	unsigned char *meta = t_buf(META_LEN), *data;
	struct nvme_uring_cmd c;
	struct tns ns;
	int res;

	t_ns_open(&ns, NVME_NG2, ring ? O_RDONLY : O_RDWR);
	if (!ns.ms)
		t_fatal("%s: no separate metadata", NVME_NG2);
	data = t_buf(ns.lbs);
	memset(meta, PATTERN, META_LEN);
	t_cmd_rw(&c, &ns, OP_READ, 0, 1, data, meta);
	c.metadata_len = META_LEN;
	if (ring)
		res = t_run_big(ring, ns.fd, NVME_URING_CMD_IO, &c).res;
	else
		res = t_ioctl_io(ns.fd, &c, NULL);
	t_check(res == 0, "metadata %s: 1-block read with a %d-byte metadata buffer (res %d)",
		how, META_LEN, res);
	if (!res) {
		size_t n = foreign_bytes(meta, ns.ms);

		t_check(n == 0, "metadata %s: %zu bytes past the %u transferred are neither the pattern nor zero",
			how, n, ns.ms);
	}
	free(data);
	free(meta);
	close(ns.fd);
}

/* One read of @blocks blocks (@nlb in CDW12) with @mlen bytes of metadata. */
static int meta_read(struct io_uring *ring, const struct tns *ns,
		     __u32 blocks, __u32 nlb, __u32 mlen)
{
	void *data = t_buf((size_t)blocks * ns->lbs), *meta = t_buf(4096);
	struct nvme_uring_cmd c;
	int res;

	t_cmd_rw(&c, ns, OP_READ, 0, blocks, data, meta);
	c.cdw12 = nlb - 1;
	c.metadata_len = mlen;
	if (ring)
		res = t_run_big(ring, ns->fd, NVME_URING_CMD_IO, &c).res;
	else
		res = t_ioctl_io(ns->fd, &c, NULL);
	free(data);
	free(meta);
	return res;
}

/*
 * Separate metadata the block layer cannot size: on a namespace without
 * an integrity profile, or shorter than the metadata of the blocks the
 * data buffer spans. Each is -EINVAL before anything is mapped; the old
 * code oopsed or warned at completion, so on an upstream kernel (same
 * code) the cases are not run.
 */
static void check_meta_short(struct io_uring *ring)
{
	const char *how = ring ? "uring_cmd" : "ioctl";
	struct stat st;
	struct tns ns;
	int res;

	if (!ours) {
		printf("# upstream: short or profile-less metadata %s not run (5.10's unchecked code)\n",
		       how);
		return;
	}
	t_ns_open(&ns, NVME_NG2, ring ? O_RDONLY : O_RDWR);
	res = meta_read(ring, &ns, 16, 16, 8);
	t_check(res == -EINVAL, "metadata %s: 8 bytes for a 16-block read of %s: -EINVAL (res %d)",
		how, NVME_NG2, res);
	/* uring_cmd maps only the block NLB names; the ioctl maps the buffer */
	res = meta_read(ring, &ns, 16, 1, 8);
	if (ring)
		t_check(res == 0, "metadata %s: 8 bytes, 16 blocks of data, NLB 1: one block mapped (res %d)",
			how, res);
	else
		t_check(res == -EINVAL, "metadata %s: 8 bytes, 16 blocks of data, NLB 1: -EINVAL (res %d)",
			how, res);
	res = meta_read(ring, &ns, 2, 2, 16);
	t_check(res == 0, "metadata %s: 16 bytes for a 2-block read: allowed (res %d)", how, res);
	close(ns.fd);
	t_ns_open(&ns, NVME_NG1, ring ? O_RDONLY : O_RDWR);
	res = meta_read(ring, &ns, 1, 1, 8);
	t_check(res == -EINVAL, "metadata %s: 8 bytes on %s (no metadata): -EINVAL (res %d)",
		how, NVME_NG1, res);
	close(ns.fd);
	if (stat(NG5, &st))
		return;
	t_ns_open(&ns, NG5, ring ? O_RDONLY : O_RDWR);
	res = meta_read(ring, &ns, 1, 1, 8);
	t_check(res == -EINVAL, "metadata %s: 8 bytes on %s (metadata in extended LBAs): -EINVAL (res %d)",
		how, NG5, res);
	close(ns.fd);
}

static void check_timeout(struct io_uring *ring)
{
	struct nvme_uring_cmd c;
	struct tns ns;
	struct tres r;
	void *buf;

	t_ns_open(&ns, NVME_NG1, O_RDONLY);
	buf = t_buf(ns.lbs);
	t_cmd_rw(&c, &ns, OP_READ, 0, 1, buf, NULL);
	c.timeout_ms = 1;
	r = t_run_big(ring, ns.fd, NVME_URING_CMD_IO, &c);
	t_check(r.res == -EACCES, "timeout_ms 1 without CAP_SYS_ADMIN: -EACCES (res %d)",
		r.res);
	c.timeout_ms = 600000;
	r = t_run_big(ring, ns.fd, NVME_URING_CMD_IO, &c);
	t_check(r.res == 0, "timeout_ms 600000 (above the default): allowed (res %d)",
		r.res);
	free(buf);
	close(ns.fd);
}

/* Copy one block of namespace 3 from LBA 100 to 200: ranges in @ranges. */
static void copy_cmd(struct nvme_uring_cmd *c, void *ranges, __u32 len)
{
	memset(c, 0, sizeof(*c));
	c->opcode = OP_COPY;
	c->nsid = 3;
	c->cdw10 = 200;		/* SDLBA */
	c->addr = (uintptr_t)ranges;
	c->data_len = len;
}

static void check_data_phase(struct io_uring *ring)
{
	unsigned char *ranges = t_buf(4096);
	struct nvme_uring_cmd c;
	struct tres r;
	__u64 slba = 100;
	int fd = t_open(NG3, O_RDWR);

	memset(ranges, 0, 4096);
	memcpy(ranges + 8, &slba, 8);	/* format 0: SLBA at 8, NLB 0 at 16 */
	copy_cmd(&c, ranges, 0);
	r = t_run_big(ring, fd, NVME_URING_CMD_IO, &c);
	t_check(r.res == -EACCES || r.res == -EINVAL,
		"copy with data_len 0 (a data phase of unknown length to the device): refused (res %d)",
		r.res);
	copy_cmd(&c, ranges, 32);
	r = t_run_big(ring, fd, NVME_URING_CMD_IO, &c);
	t_check(r.res != -EACCES && r.res >= 0,
		"copy with its 32-byte range list: allowed (res %d)", r.res);
	free(ranges);
	close(fd);
}

/* NVME_IOCTL_SUBMIT_IO of one block at LBA 300 of namespace 3. */
static int submit_io(int fd, __u8 opcode, void *buf)
{
	struct nvme_user_io io;

	memset(&io, 0, sizeof(io));
	io.opcode = opcode;
	io.slba = 300;
	io.addr = (uintptr_t)buf;
	return ioctl(fd, NVME_IOCTL_SUBMIT_IO, &io) < 0 ? -errno : 0;
}

static void check_submit_io_on(const char *node)
{
	void *buf = t_buf(4096);
	int ro = t_open(node, O_RDONLY), rw = t_open(node, O_RDWR), ret;
	char what[128];

	memset(buf, 0x3c, 4096);
	ret = submit_io(ro, OP_READ, buf);
	t_check(ret == 0, "%s: submit-io read, read-only file: allowed (%d)",
		node, ret);
	ret = submit_io(rw, OP_WRITE, buf);
	t_check(ret == 0, "%s: submit-io write, read-write file: allowed (%d)",
		node, ret);
	ret = submit_io(ro, OP_WRITE, buf);
	snprintf(what, sizeof(what),
		 "%s: submit-io write, read-only file, no CAP_SYS_ADMIN: -EACCES",
		 node);
	check_ours(ret == -EACCES, what, ret);
	free(buf);
	close(ro);
	close(rw);
}

/* The generic node, and the block device 5.10 already had. */
static void check_submit_io(void)
{
	check_submit_io_on(NG3);
	if (access(BLK3, F_OK))
		printf("# %s absent: the block device's case not run\n", BLK3);
	else
		check_submit_io_on(BLK3);
}

/* Namespace 4 of run-vm --zoned, when this kernel keeps it as ng only. */
static void check_generic_only(struct io_uring *ring)
{
	struct nvme_uring_cmd c;
	struct tns ns = { .lbs = 4096, .ms = 0, .nsid = 4 };
	struct stat st;
	struct tres r;
	void *buf;
	FILE *f;
	unsigned long long size = 0;

	if (stat(NG4, &st)) {
		printf("# no %s (run-vm --zoned): generic-only case not run\n", NG4);
		return;
	}
	f = fopen("/sys/block/nvme0n4/size", "r");
	if (f) {
		if (fscanf(f, "%llu", &size) != 1)
			size = 0;
		fclose(f);
	}
	if (size) {
		printf("# %s has a block device here: generic-only case not run\n", NG4);
		return;
	}
	ns.fd = t_open(NG4, O_RDONLY);
	buf = t_buf(ns.lbs);
	t_cmd_rw(&c, &ns, OP_READ, 0, 1, buf, NULL);
	r = t_run_big(ring, ns.fd, NVME_URING_CMD_IO, &c);
	t_check(r.res == -EACCES,
		"read of a generic-only namespace (lengths unknown) without CAP_SYS_ADMIN: -EACCES (res %d)",
		r.res);
	free(buf);
	close(ns.fd);
}

/*
 * Namespace 5 of run-vm --pi: with PRACT the controller inserts and strips
 * the 8 bytes of PI, so 8 blocks move 4096 bytes, which a buffer at page
 * offset 3072 spans in two pages (PRP1, PRP2). Sized with the metadata
 * (4160) it spans three, a PRP list that the device, moving 4096, would
 * take PRP2 of for data and write into.
 */
static void check_pract_ext(struct io_uring *ring)
{
	unsigned char *wbuf, *rbase, *rbuf;
	struct nvme_uring_cmd c;
	struct stat st;
	struct tns ns;
	struct tres r;
	int i;

	if (stat(NG5, &st)) {
		printf("# no %s (run-vm --pi): PRACT case not run\n", NG5);
		return;
	}
	t_ns_open(&ns, NG5, O_RDWR);
	if (ns.lbs != 512 || ns.ms != 8) {
		printf("# %s is not 512+8: PRACT case not run\n", NG5);
		close(ns.fd);
		return;
	}
	wbuf = t_buf(4096);
	rbase = t_buf(3 * 4096);
	rbuf = rbase + 3072;
	for (i = 0; i < 4096; i++)
		wbuf[i] = (unsigned char)(i * 11 + 1);
	memset(rbase, 0, 3 * 4096);
	t_cmd_rw(&c, &ns, OP_WRITE, 64, 8, wbuf, NULL);
	c.cdw12 |= PRACT;
	r = t_run_big(ring, ns.fd, NVME_URING_CMD_IO, &c);
	t_check(r.res == 0, "PRACT write of 8 blocks, PI in extended LBAs, a 4096-byte buffer (res %d)",
		r.res);
	t_cmd_rw(&c, &ns, OP_READ, 64, 8, rbuf, NULL);
	c.cdw12 |= PRACT;
	r = t_run_big(ring, ns.fd, NVME_URING_CMD_IO, &c);
	t_check(r.res == 0, "PRACT read of 8 blocks into 4096 bytes at page offset 3072 (res %d)",
		r.res);
	if (!r.res)
		t_check(!memcmp(rbuf, wbuf, 4096) && !rbase[3072 + 4096],
			"PRACT read: the data written, nothing past it");
	free(wbuf);
	free(rbase);
	close(ns.fd);
}

static void run_unprivileged(void)
{
	struct io_uring ring;
	struct nvme_uring_cmd c;
	void *id = t_buf(4096);
	int ctrl = t_open(NVME_CTRL_DEV, O_RDONLY);

	if (t_ring(&ring, 4, RING_BIG))
		t_fatal("io_uring_queue_init (SQE128|CQE32)");
	check_submit_io();
	t_cmd_identify(&c, 0, 1, id);
	if (t_run_big(&ring, ctrl, NVME_URING_CMD_ADMIN, &c).res) {
		printf("# uring_cmd needs CAP_SYS_ADMIN here (5.19-6.1 model): its cases do not apply\n");
		goto out;
	}
	check_meta(&ring);
	check_meta_short(&ring);
	check_timeout(&ring);
	check_data_phase(&ring);
	check_generic_only(&ring);
	check_pract_ext(&ring);
out:
	io_uring_queue_exit(&ring);
	close(ctrl);
	free(id);
}

/* Format NVM of namespace 3 (LBA format @lbaf) through @how. */
static int format_ns3(struct io_uring *ring, int ctrl, unsigned int lbaf,
		      bool uring)
{
	struct nvme_uring_cmd c;

	memset(&c, 0, sizeof(c));
	c.opcode = OP_ADMIN_FORMAT;
	c.nsid = 3;
	c.cdw10 = lbaf;
	c.timeout_ms = 120000;
	if (uring)
		return t_run_big(ring, ctrl, NVME_URING_CMD_ADMIN, &c).res;
	return t_ioctl_admin(ctrl, &c, NULL);
}

/* Read one block of namespace 3 with a buffer of @len bytes. */
static int read_ns3(struct io_uring *ring, int fd, __u32 len)
{
	struct nvme_uring_cmd c;
	void *buf = t_buf(4096);
	int res;

	memset(&c, 0, sizeof(c));
	c.opcode = OP_READ;
	c.nsid = 3;
	c.addr = (uintptr_t)buf;
	c.data_len = len;
	res = t_run_big(ring, fd, NVME_URING_CMD_IO, &c).res;
	free(buf);
	return res;
}

/*
 * Format NVM with effects: refused over uring_cmd on ours; through the
 * ioctl (which freezes and rescans) namespace 3 goes to 4096-byte blocks
 * and uring_cmd reads are sized by the new format, then back to 512.
 */
static void check_format(void)
{
	struct io_uring ring;
	int ctrl = t_open(NVME_CTRL_DEV, O_RDWR);
	int ns3 = t_open(NG3, O_RDWR);
	int res;

	if (t_ring(&ring, 4, RING_BIG))
		t_fatal("io_uring_queue_init (SQE128|CQE32)");
	res = format_ns3(&ring, ctrl, 0, true);
	check_ours(res == -EOPNOTSUPP,
		   "Format NVM over uring_cmd (no freeze, no rescan): -EOPNOTSUPP", res);
	res = format_ns3(&ring, ctrl, 4, false);	/* QEMU's LBA format 4: 4096 */
	t_check(res == 0, "Format NVM to 4096-byte blocks by ioctl (%d)", res);
	if (!res) {
		res = read_ns3(&ring, ns3, 512);
		check_ours(res == -EINVAL,
			   "after it, a 512-byte buffer for one block: -EINVAL", res);
		res = read_ns3(&ring, ns3, 4096);
		t_check(res == 0, "after it, a 4096-byte buffer for one block: read (res %d)",
			res);
		res = format_ns3(&ring, ctrl, 0, false);
		t_check(res == 0, "Format NVM back to 512-byte blocks by ioctl (%d)", res);
		res = read_ns3(&ring, ns3, 512);
		t_check(res == 0, "after it, a 512-byte buffer for one block: read (res %d)",
			res);
	}
	io_uring_queue_exit(&ring);
	close(ns3);
	close(ctrl);
}

static const char *const nodes[] = {
	NVME_CTRL_DEV, NVME_NG1, NVME_NG2, NG3, NG4, NG5, BLK3,
};
#define NR_NODES	(sizeof(nodes) / sizeof(nodes[0]))

/* Run the unprivileged cases in a child, as nobody, nodes mode 0666. */
static void fork_nobody(void)
{
	struct stat st[NR_NODES];
	bool have[NR_NODES];
	int status;
	size_t i;
	pid_t pid;

	for (i = 0; i < NR_NODES; i++) {
		have[i] = !stat(nodes[i], &st[i]);
		if (have[i] && chmod(nodes[i], 0666))
			t_fatal("chmod %s", nodes[i]);
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		t_fatal("fork");
	if (pid == 0) {
		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			t_fatal("setresuid(nobody)");
		t_reprobe_privileges();
		run_unprivileged();
		exit(t_done());
	}
	waitpid(pid, &status, 0);
	for (i = 0; i < NR_NODES; i++)
		if (have[i])
			chmod(nodes[i], st[i].st_mode & 07777);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		t_failures++;
}

int main(void)
{
	t_need_uring_cmd();
	ours = t_have_overlay();
	if (geteuid() != 0) {
		printf("# as nobody: the unprivileged cases\n");
		run_unprivileged();
		return t_done();
	}
	if (!t_have_admin_ioctl())
		t_skip("uid 0 without CAP_SYS_ADMIN: run as root or as nobody");
	printf("# as root: the metadata ioctl and Format NVM\n");
	check_meta(NULL);
	check_meta_short(NULL);
	check_format();
	printf("# as nobody (forked), nodes mode 0666\n");
	fork_nobody();
	return t_done();
}
