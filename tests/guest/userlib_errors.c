// SPDX-License-Identifier: GPL-2.0
/*
 * ul-50-errors-FORM: the error convention in one form. An LBA out of range
 * is the positive NVMe status LBA Out of Range (SCT 0, SC 0x80, DNR
 * allowed), an unknown opcode Invalid Opcode (SCT 0, SC 0x01), for I/O and
 * admin commands, synchronous and queued, and always the very value the
 * raw ioctl returns for the same command. Bad arguments are -EINVAL before
 * anything is sent; nvmeu_strerror() describes every kind of value.
 * Nothing here writes: out-of-range commands are reads, compares and
 * write zeroes past the end of the namespace.
 *
 * Without CAP_SYS_ADMIN the ioctl comparisons are left out, and so are the
 * unknown opcodes: the kernel refuses them to an unprivileged user.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userlib_lib.h"

static enum nvmeu_form form;

/* @r is NVMe status SCT 0 / @sc (DNR allowed, nothing else). */
static bool is_status(int r, unsigned int sc)
{
	return r > 0 && nvmeu_status_sct(r) == 0 && nvmeu_status_sc(r) == sc &&
	       !(r & ~0x40ff);
}

/* The same command: sync, queued, and by ioctl; all three must agree. */
static void expect(struct nvmeu_dev *dev, struct nvme_passthru_cmd64 *cmd,
		   unsigned int flags, unsigned int sc, const char *what)
{
	struct nvme_passthru_cmd64 c = *cmd;
	struct nvmeu_completion done;
	struct nvmeu_queue *q;
	int rs, rq = -EIO, ri;

	rs = nvmeu_exec(dev, &c, flags);
	c = *cmd;
	if (!nvmeu_queue_init(dev, 2, 0, &q)) {
		nvmeu_queue_cmd(q, &c, flags, 42);
		if (nvmeu_queue_reap(q, &done, 1, 1) == 1 && done.cookie == 42)
			rq = done.ret;
		nvmeu_queue_exit(q);
	}
	if (ul_denied(rs)) {
		ul_skip_part("%s: %s: needs CAP_SYS_ADMIN", what,
			     nvmeu_strerror(rs));
		return;
	}
	c = *cmd;
	ri = ul_ioctl(nvmeu_dev_fd(dev), flags & NVMEU_ADMIN, &c);
	if (ul_ioctl_denied(ri, what))
		ul_check(is_status(rs, sc) && rq == rs,
			 "%s: sync %#x, queued %#x (want SC %#x): %s", what,
			 rs, rq, sc, nvmeu_strerror(rs));
	else
		ul_check(is_status(rs, sc) && rq == rs && ri == rs,
			 "%s: sync %#x, queued %#x, ioctl %#x (want SC %#x): %s",
			 what, rs, rq, ri, sc, nvmeu_strerror(rs));
}

static void check_ns_status(unsigned int nsid)
{
	struct nvme_passthru_cmd64 cmd;
	struct ul_ns ns;
	void *buf, *m;
	char what[96];
	int r;

	ul_ns_open(&ns, nsid, form);
	buf = ul_buf(2 * ns.bs);
	m = ul_buf(2 * ns.ms + 1);
	ul_cmd_lba(&ns, &cmd, nvme_cmd_read, ns.nsze, 1, buf, m);
	snprintf(what, sizeof(what), "%s: read at LBA %llu (the end)", ns.ng,
		 (unsigned long long)ns.nsze);
	expect(ns.dev, &cmd, 0, 0x80, what);
	ul_cmd_lba(&ns, &cmd, nvme_cmd_read, ns.nsze - 1, 2, buf, m);
	snprintf(what, sizeof(what), "%s: read across the end", ns.ng);
	expect(ns.dev, &cmd, 0, 0x80, what);
	ul_cmd_lba(&ns, &cmd, nvme_cmd_compare, ns.nsze + 100, 1, buf, m);
	snprintf(what, sizeof(what), "%s: compare past the end", ns.ng);
	expect(ns.dev, &cmd, 0, 0x80, what);
	nvmeu_cmd_write_zeroes(ns.dev, &cmd, ns.nsze, 8, 0);
	snprintf(what, sizeof(what), "%s: write zeroes past the end", ns.ng);
	expect(ns.dev, &cmd, 0, 0x80, what);
	if (!ns.ms) {
		r = nvmeu_read(ns.dev, ns.nsze, 1, buf, ns.bs);
		ul_check(is_status(r, 0x80), "%s: nvmeu_read past the end: %#x",
			 ns.ng, r);
	}
	nvmeu_cmd_init(&cmd, 0x7c, ns.info.nsid, NULL, 0);
	snprintf(what, sizeof(what), "%s: I/O opcode 0x7c", ns.ng);
	expect(ns.dev, &cmd, 0, 0x01, what);
	nvmeu_cmd_init(&cmd, 0x3c, 0, NULL, 0);
	snprintf(what, sizeof(what), "%s: admin opcode 0x3c (by ioctl)", ns.ng);
	r = nvmeu_admin_passthru(ns.dev, &cmd);
	if (ul_denied(r))
		ul_skip_part("%s: %s: needs CAP_SYS_ADMIN", what,
			     nvmeu_strerror(r));
	else
		ul_check(is_status(r, 0x01), "%s: %#x", what, r);
	free(buf);
	free(m);
	ul_ns_close(&ns);
}

static void check_ctrl_status(void)
{
	struct nvmeu_dev *dev = ul_ctrl_open(form);
	struct nvme_passthru_cmd64 cmd;
	void *buf = ul_buf(4096);

	nvmeu_cmd_init(&cmd, 0x3c, 0, NULL, 0);
	expect(dev, &cmd, NVMEU_ADMIN, 0x01, UL_CTRL ": admin opcode 0x3c");
	/* identify namespace of a namespace that does not exist */
	nvmeu_cmd_identify(&cmd, NVME_IDENTIFY_CNS_NS, 0x12345, buf);
	{
		struct nvme_passthru_cmd64 c = cmd;
		int r = nvmeu_admin_passthru(dev, &c);
		int ri = ul_ioctl(nvmeu_dev_fd(dev), true, &cmd);

		if (ul_ioctl_denied(ri, UL_CTRL ": identify of nsid 0x12345"))
			ul_check(r > 0, "%s: identify of nsid 0x12345: %#x: %s",
				 UL_CTRL, r, nvmeu_strerror(r));
		else
			ul_check(r > 0 && r == ri,
				 "%s: identify of nsid 0x12345: %#x (ioctl %#x): %s",
				 UL_CTRL, r, ri, nvmeu_strerror(r));
	}
	free(buf);
	nvmeu_close(dev);
}

/* -EINVAL before anything is sent. */
static void check_args(void)
{
	struct nvme_passthru_cmd64 cmd;
	struct nvmeu_dev *ctrl = ul_ctrl_open_unsent(NVMEU_FORM_IOCTL);
	struct nvmeu_queue *q = NULL;
	struct ul_ns n1, n2;
	__u32 max;
	void *buf;

	ul_ns_open(&n1, 1, form);
	ul_ns_open(&n2, 2, form);
	max = n1.info.max_xfer;
	buf = ul_buf(max + 4096);
	ul_check_ret(nvmeu_read(n1.dev, n1.base, 2, buf, 512), -EINVAL,
		     "read: length not nblocks * LBA size");
	ul_check_ret(nvmeu_read(n1.dev, n1.base, 0, buf, 0), -EINVAL,
		     "read: 0 blocks");
	ul_check_ret(nvmeu_cmd_read(n1.dev, &cmd, n1.base, 65537, buf,
				    65537 * 512), -EINVAL, "read: 65537 blocks");
	ul_check_ret(nvmeu_read(n1.dev, n1.base, 1, NULL, 512), -EINVAL,
		     "read: NULL buffer");
	ul_check_ret(nvmeu_write(n1.dev, n1.base, max / 512 + 1, buf,
				 max + 512), -EINVAL,
		     "write: over the maximum transfer");
	ul_check_ret(nvmeu_read(n2.dev, n2.base, 1, buf, n2.bs), -EINVAL,
		     "sync read on separate metadata (no metadata buffer)");
	ul_check_ret(nvmeu_write(n2.dev, n2.base, 1, buf, n2.bs), -EINVAL,
		     "sync write on separate metadata (no metadata buffer)");
	ul_check_ret(nvmeu_read(ctrl, 0, 1, buf, 512), -EINVAL,
		     "read on a controller node");
	ul_check_ret(nvmeu_flush(ctrl), -EINVAL, "flush on a controller node");
	ul_check_ret(nvmeu_get_log(ctrl, NVME_NSID_ALL, 2, 0, false, 0, buf,
				   6), -EINVAL, "get log: 6 bytes");
	ul_check_ret(nvmeu_get_log(ctrl, NVME_NSID_ALL, 2, 0, false, 2, buf,
				   8), -EINVAL, "get log: offset 2");
	ul_check_ret(nvmeu_cmd_get_log(&cmd, 0, 2, 0x80, false, 0, buf, 8),
		     -EINVAL, "get log: LSP 0x80");
	ul_check_ret(nvmeu_get_log_error(ctrl, buf, 0), -EINVAL,
		     "error log: 0 entries");
	ul_check_ret(nvmeu_cmd_get_features(&cmd, 0, 4, 8, 0, NULL, 0),
		     -EINVAL, "get features: SEL 8");
	ul_check_ret(nvmeu_exec(n1.dev, NULL, 0), -EINVAL, "exec: NULL");
	ul_check_ret(nvmeu_exec(n1.dev, &cmd, 1U << 5), -EINVAL,
		     "exec: unknown flag");
	nvmeu_cmd_read(n1.dev, &cmd, n1.base, 1, buf, 512);
	ul_check_ret(nvmeu_cmd_set_meta(n1.dev, &cmd, buf, 8), -EINVAL,
		     "metadata on a namespace without it");
	nvmeu_cmd_read(n2.dev, &cmd, n2.base, 2, buf, 8192);
	ul_check_ret(nvmeu_cmd_set_meta(n2.dev, &cmd, buf, 8), -EINVAL,
		     "metadata for 1 block on a 2-block read");
	ul_check_ret(nvmeu_queue_init(n1.dev, 0, 0, &q), -EINVAL,
		     "queue of 0 entries");
	ul_check_ret(nvmeu_queue_init(n1.dev, 4097, 0, &q), -EINVAL,
		     "queue of 4097 entries");
	ul_check_ret(nvmeu_queue_init(n1.dev, 4, 1U << 3, &q), -EINVAL,
		     "queue with an unknown flag");
	if (nvmeu_get_form(n1.dev) == NVMEU_FORM_IOCTL) {
		struct iovec iov = { buf, 512 };

		nvmeu_cmd_init(&cmd, nvme_cmd_read, 1, &iov, 1);
		cmd.cdw10 = (__u32)n1.base;
		ul_check_ret(nvmeu_exec(n1.dev, &cmd, NVMEU_VEC), -EOPNOTSUPP,
			     "vectored command in the ioctl form");
	}
	free(buf);
	ul_ns_close(&n1);
	ul_ns_close(&n2);
	nvmeu_close(ctrl);
}

static void check_strerror(void)
{
	const char *s = nvmeu_strerror(0x4080);

	ul_check(!strcmp(nvmeu_strerror(0), "Success"), "strerror(0)");
	ul_check(!strcmp(nvmeu_strerror(-EINVAL), "Invalid argument"),
		 "strerror(-EINVAL)");
	ul_check(s && strcasestr(s, "out of range"), "strerror(0x4080): %s", s);
	s = nvmeu_strerror(0x1);
	ul_check(s && strcasestr(s, "opcode"), "strerror(0x1): %s", s);
	ul_check(nvmeu_status_dnr(0x4080) && !nvmeu_status_dnr(0x80) &&
		 nvmeu_status_sct(0x285) == 2 && nvmeu_status_sc(0x285) == 0x85,
		 "status field helpers");
}

int main(int argc, char **argv)
{
	form = ul_form_from_name(argv[0]);
	check_ns_status(1);
	check_ns_status(2);
	check_ctrl_status();
	check_args();
	check_strerror();
	return ul_done();
}
