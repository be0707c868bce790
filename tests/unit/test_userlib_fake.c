// SPDX-License-Identifier: GPL-2.0
/*
 * libnvme-ucmd end to end against its fake backend: the synchronous API in
 * every form (each command checked by the fake's expectation table, the
 * SQEs checked at the uapi's byte offsets), queues and cookies, status and
 * errno mapping, the ioctl fallback, registered buffers, vectored commands;
 * nvmeu_open()'s learning with and without the privilege the admin ioctl
 * needs.
 */
#include <endian.h>
#include <stdio.h>
#include <string.h>

#include <nvme/types.h>
#include <nvme-ucmd.h>

#include "internal.h"
#include "unit.h"

#define FD	7

static const enum nvmeu_form uring_forms[] = {
	NVMEU_FORM_BIG, NVMEU_FORM_COMPACT, NVMEU_FORM_INDIRECT,
};

static unsigned char pat[8192], pat2[8192], buf[8192];

/* What nvmeu_open() learns from: LBA format 1 (4096 + 8), MDTS 7. */
static struct nvme_id_ns learn_ns;
static struct nvme_id_ctrl learn_ctrl;

static int fake_init(void)
{
	for (unsigned int i = 0; i < sizeof(pat); i++) {
		pat[i] = (unsigned char)(i * 13 + 1);
		pat2[i] = (unsigned char)(i * 7 + 3);
	}
	learn_ns.nlbaf = 1;
	learn_ns.flbas = 1;
	learn_ns.lbaf[1].ds = 12;
	learn_ns.lbaf[1].ms = htole16(8);
	learn_ctrl.mdts = 7;
	return 0;
}

/* A fake namespace (nsid 1, 512-byte LBAs) or controller (@nsid 0). */
static struct nvmeu_dev *fake(const struct nvmeu_fake_cmd *t, unsigned int n,
			      __u32 nsid, enum nvmeu_form form)
{
	struct nvmeu_fake_params p = {
		.fd = FD, .nsid = nsid, .lba_size = 512, .uring = 1,
		.form = form,
	};
	struct nvmeu_dev *dev = NULL;

	CU_ASSERT_FATAL(nvmeu_open_fake(t, n, &p, &dev) == 0);
	return dev;
}

/* Every expectation met? Print why not. */
static int fake_ok(const struct nvmeu_dev *dev)
{
	const char *why;
	int r = nvmeu_fake_check(dev, &why);

	if (r)
		printf("# fake: %s\n", why);
	return r == 0;
}

static unsigned long long le(const unsigned char *p, int n)
{
	unsigned long long v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static struct nvmeu_fake_capture cap(const struct nvmeu_dev *dev,
				     unsigned int i)
{
	struct nvmeu_fake_capture c;

	memset(&c, 0, sizeof(c));
	CU_ASSERT_EQUAL(nvmeu_fake_get_capture(dev, i, &c), 0);
	return c;
}

static const unsigned char dsm_range[16] = {
	0, 0, 0, 0, 8, 0, 0, 0, 0x40, 0, 0, 0, 0, 0, 0, 0,
};

static const struct nvmeu_fake_cmd io_table[] = {
	{ .opcode = 0x01, .nsid = 1, .cdw10 = 0x10, .cdw12 = 1,
	  .data_len = 1024, .out_data = pat },
	{ .opcode = 0x02, .nsid = 1, .cdw10 = 0x20, .data_len = 512,
	  .in_data = pat2 },
	{ .opcode = 0x00, .nsid = 1 },
	{ .opcode = 0x08, .nsid = 1, .cdw10 = 5, .cdw12 = 0x02000002 },
	{ .opcode = 0x09, .nsid = 1, .cdw11 = 4, .data_len = 16,
	  .out_data = dsm_range },
	{ .opcode = 0x05, .nsid = 1, .cdw10 = 0x30, .data_len = 512,
	  .status = 0x4285 },
};

/* The read (command 1) at the uapi's offsets in the form it went in. */
static void check_read_sqe(const struct nvmeu_fake_capture *c)
{
	const unsigned char *s = c->sqe;

	if (c->form == NVMEU_FORM_IOCTL) {
		CU_ASSERT_EQUAL(c->op, NVME_IOCTL_IO64_CMD);
		CU_ASSERT_EQUAL(c->sqe_len, 0);
		return;
	}
	CU_ASSERT_EQUAL(s[0], 46);
	CU_ASSERT_EQUAL(le(s + 4, 4), FD);
	if (c->form == NVMEU_FORM_BIG) {
		CU_ASSERT_EQUAL(c->sqe_len, 128);
		CU_ASSERT_EQUAL(le(s + 8, 4), 0xC0484E80);
		CU_ASSERT_EQUAL(s[48], 0x02);
		CU_ASSERT_EQUAL(le(s + 52, 4), 1);		/* nsid */
		CU_ASSERT_EQUAL(le(s + 72, 8), (uintptr_t)buf);
		CU_ASSERT_EQUAL(le(s + 84, 4), 512);	/* data_len */
		CU_ASSERT_EQUAL(le(s + 88, 4), 0x20);	/* cdw10 */
		CU_ASSERT_EQUAL(le(s + 96, 4), 0);		/* cdw12 */
	} else if (c->form == NVMEU_FORM_COMPACT) {
		CU_ASSERT_EQUAL(c->sqe_len, 64);
		CU_ASSERT_EQUAL(le(s + 8, 4), 0xC0384EC0);
		CU_ASSERT_EQUAL(s[12], 0x02);
		CU_ASSERT_EQUAL(le(s + 16, 8), (uintptr_t)buf);
		CU_ASSERT_EQUAL(le(s + 24, 4), 512);
		CU_ASSERT_EQUAL(le(s + 48, 8), 0x20);	/* slba */
		CU_ASSERT_EQUAL(le(s + 56, 2), 0);		/* nlb */
	} else {
		CU_ASSERT_EQUAL(c->sqe_len, 64);
		CU_ASSERT_EQUAL(le(s + 8, 4), 0xC0504EC1);
		CU_ASSERT_EQUAL(le(s + 24, 4), 80);
		CU_ASSERT_EQUAL(le(s + 48, 8) | le(s + 56, 8), 0);
	}
}

/* The form each io_table command must arrive in. */
static enum nvmeu_form io_form(enum nvmeu_form form, unsigned int i)
{
	if (form == NVMEU_FORM_COMPACT && io_table[i].opcode == 0x09)
		return NVMEU_FORM_INDIRECT;	/* DSM has no compact form */
	return form;
}

static void run_io(enum nvmeu_form form)
{
	struct nvmeu_dev *dev = fake(io_table, 6, 1, form);
	struct nvmeu_fake_capture rd;
	struct nvme_dsm_range r;

	nvmeu_dsm_range_set(&r, 0x40, 8, 0);
	memset(buf, 0, sizeof(buf));
	CU_ASSERT_EQUAL(nvmeu_write(dev, 0x10, 2, pat, 1024), 0);
	CU_ASSERT_EQUAL(nvmeu_read(dev, 0x20, 1, buf, 512), 0);
	CU_ASSERT_EQUAL(memcmp(buf, pat2, 512), 0);
	CU_ASSERT_EQUAL(nvmeu_flush(dev), 0);
	CU_ASSERT_EQUAL(nvmeu_write_zeroes(dev, 5, 3, NVMEU_CDW12_DEAC), 0);
	CU_ASSERT_EQUAL(nvmeu_dsm(dev, NVMEU_DSM_AD, &r, 1), 0);
	CU_ASSERT_EQUAL(nvmeu_compare(dev, 0x30, 1, pat, 512), 0x4285);
	CU_ASSERT(fake_ok(dev));
	CU_ASSERT_EQUAL_FATAL(nvmeu_fake_ncaptured(dev), 6);
	for (unsigned int i = 0; i < 6; i++)
		CU_ASSERT_EQUAL(cap(dev, i).form, io_form(form, i));
	rd = cap(dev, 1);
	check_read_sqe(&rd);
	nvmeu_close(dev);
}

static void test_io_big(void)
{
	run_io(NVMEU_FORM_BIG);
}

static void test_io_compact(void)
{
	run_io(NVMEU_FORM_COMPACT);
}

static void test_io_indirect(void)
{
	run_io(NVMEU_FORM_INDIRECT);
}

static void test_io_ioctl(void)
{
	run_io(NVMEU_FORM_IOCTL);
}

static const struct nvmeu_fake_cmd admin_table[] = {
	{ .opcode = 0x06, .admin = true, .cdw10 = 1, .data_len = 4096,
	  .in_data = pat },
	{ .opcode = 0x0a, .admin = true, .cdw10 = 0x07,
	  .result = 0x0000000500000003ULL },
};

/* Admin commands on a controller node; the 64-bit result comes back. */
static void run_admin(enum nvmeu_form form, __u32 op, unsigned int len)
{
	struct nvmeu_dev *dev = fake(admin_table, 2, 0, form);
	struct nvme_passthru_cmd64 c;
	static struct nvme_id_ctrl id;

	memset(&id, 0, sizeof(id));
	CU_ASSERT_EQUAL(nvmeu_identify_ctrl(dev, &id), 0);
	CU_ASSERT_EQUAL(memcmp(&id, pat, sizeof(id)), 0);
	nvmeu_cmd_get_features(&c, 0, 0x07, 0, 0, NULL, 0);
	CU_ASSERT_EQUAL(nvmeu_admin_passthru(dev, &c), 0);
	CU_ASSERT_EQUAL(c.result, 0x0000000500000003ULL);
	CU_ASSERT(fake_ok(dev));
	CU_ASSERT_EQUAL(cap(dev, 0).op, op);
	CU_ASSERT_EQUAL(cap(dev, 0).sqe_len, len);
	CU_ASSERT_TRUE(cap(dev, 1).admin);
	nvmeu_close(dev);
}

static void test_admin_every_form(void)
{
	run_admin(NVMEU_FORM_BIG, 0xC0484E82, 128);
	run_admin(NVMEU_FORM_COMPACT, 0xC0504EC3, 64);
	run_admin(NVMEU_FORM_INDIRECT, 0xC0504EC3, 64);
	run_admin(NVMEU_FORM_IOCTL, NVME_IOCTL_ADMIN64_CMD, 0);
}

/* Admin on a namespace node: the ioctl, whatever the form. */
static void test_admin_on_ns_node(void)
{
	for (unsigned int i = 0; i < 3; i++) {
		struct nvmeu_dev *dev = fake(admin_table, 1, 1, uring_forms[i]);
		static struct nvme_id_ctrl id;

		CU_ASSERT_EQUAL(nvmeu_identify_ctrl(dev, &id), 0);
		CU_ASSERT(fake_ok(dev));
		CU_ASSERT_EQUAL(cap(dev, 0).form, NVMEU_FORM_IOCTL);
		nvmeu_close(dev);
	}
}

/*
 * Routed to a controller handle (nvmeu_set_admin_dev()): the controller
 * gets the command in the namespace handle's form, not its own.
 */
static void test_admin_via_ctrl(void)
{
	struct nvme_passthru_cmd64 c;
	static struct nvme_id_ctrl id;

	nvmeu_cmd_identify(&c, 1, 0, &id);
	for (unsigned int i = 0; i < 3; i++) {
		enum nvmeu_form want = uring_forms[i] == NVMEU_FORM_BIG ?
			NVMEU_FORM_BIG : NVMEU_FORM_INDIRECT;
		struct nvmeu_dev *ns = fake(NULL, 0, 1, uring_forms[i]);
		struct nvmeu_dev *ctrl = fake(admin_table, 1, 0,
					      NVMEU_FORM_IOCTL);

		CU_ASSERT_EQUAL(nvmeu_exec_form(ns, &c, NVMEU_ADMIN),
				NVMEU_FORM_IOCTL);
		CU_ASSERT_EQUAL(nvmeu_set_admin_dev(ns, ctrl), 0);
		CU_ASSERT_EQUAL(nvmeu_exec_form(ns, &c, NVMEU_ADMIN), want);
		CU_ASSERT_EQUAL(nvmeu_identify_ctrl(ns, &id), 0);
		CU_ASSERT(fake_ok(ctrl));
		CU_ASSERT(fake_ok(ns));
		CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(ns), 0);
		CU_ASSERT_EQUAL_FATAL(nvmeu_fake_ncaptured(ctrl), 1);
		CU_ASSERT_EQUAL(cap(ctrl, 0).form, want);
		nvmeu_close(ns);	/* closes ctrl as well */
	}
}

/* A controller that refuses the form: the ioctl on the namespace node. */
static void test_admin_ctrl_refuses(void)
{
	const struct nvmeu_fake_cmd t[] = { admin_table[0], admin_table[0] };
	struct nvmeu_fake_params p = {
		.fd = FD, .uring = 1, .form = NVMEU_FORM_INDIRECT,
		.form_errno[NVMEU_FORM_INDIRECT] = -EOPNOTSUPP,
	};
	struct nvmeu_dev *ns = fake(t, 2, 1, NVMEU_FORM_INDIRECT), *ctrl;
	struct nvme_passthru_cmd64 c;
	static struct nvme_id_ctrl id;

	CU_ASSERT_FATAL(nvmeu_open_fake(NULL, 0, &p, &ctrl) == 0);
	CU_ASSERT_EQUAL(nvmeu_set_admin_dev(ns, ctrl), 0);
	CU_ASSERT_EQUAL(nvmeu_identify_ctrl(ns, &id), 0);
	nvmeu_cmd_identify(&c, 1, 0, &id);
	CU_ASSERT_EQUAL(nvmeu_exec_form(ns, &c, NVMEU_ADMIN), NVMEU_FORM_IOCTL);
	CU_ASSERT_EQUAL(nvmeu_identify_ctrl(ns, &id), 0);
	CU_ASSERT(fake_ok(ns));
	CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(ctrl), 1);	/* refused once */
	CU_ASSERT_EQUAL_FATAL(nvmeu_fake_ncaptured(ns), 2);
	CU_ASSERT_EQUAL(cap(ns, 0).form, NVMEU_FORM_IOCTL);
	CU_ASSERT_EQUAL(cap(ns, 1).form, NVMEU_FORM_IOCTL);
	CU_ASSERT_EQUAL(nvmeu_set_admin_dev(ns, NULL), 0);	/* closes ctrl */
	nvmeu_close(ns);
}

static void test_admin_dev_args(void)
{
	struct nvmeu_dev *ns = fake(NULL, 0, 1, NVMEU_FORM_COMPACT);
	struct nvmeu_dev *ns2 = fake(NULL, 0, 1, NVMEU_FORM_COMPACT);
	struct nvmeu_dev *ctrl = fake(NULL, 0, 0, NVMEU_FORM_COMPACT);
	struct nvmeu_dev *out = NULL;
	struct nvme_passthru_cmd64 c;

	CU_ASSERT_EQUAL(nvmeu_set_admin_dev(NULL, ctrl), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_set_admin_dev(ctrl, ns), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_set_admin_dev(ns, ns2), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_open_ctrl(ctrl, 0, &out), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_open_ctrl(ns, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_open_ctrl(ns, 0, &out), -ENODEV);
	CU_ASSERT_PTR_NULL(out);
	CU_ASSERT_EQUAL(nvmeu_exec_form(NULL, &c, 0), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_exec_form(ns, NULL, 0), -EINVAL);
	/* compact: LBA I/O on the node's own namespace only */
	nvmeu_cmd_read(ns, &c, 0, 1, buf, 512);
	CU_ASSERT_EQUAL(nvmeu_exec_form(ns, &c, 0), NVMEU_FORM_COMPACT);
	c.nsid = 2;
	CU_ASSERT_EQUAL(nvmeu_exec_form(ns, &c, 0), NVMEU_FORM_INDIRECT);
	CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(ns), 0);
	nvmeu_close(ns);
	nvmeu_close(ns2);
	nvmeu_close(ctrl);
}

/* Without the 64-bit ioctls: one -ENOTTY, then the 32-bit ones only. */
static void test_ioctl32_fallback(void)
{
	const struct nvmeu_fake_cmd t[] = { admin_table[1], admin_table[1] };
	struct nvmeu_fake_params p = {
		.fd = FD, .form = NVMEU_FORM_IOCTL, .no_ioctl64 = true,
	};
	struct nvmeu_dev *dev;
	__u32 dw0 = 0;

	CU_ASSERT_FATAL(nvmeu_open_fake(t, 2, &p, &dev) == 0);
	CU_ASSERT_EQUAL(nvmeu_get_features(dev, 0, 7, 0, 0, NULL, 0, &dw0), 0);
	CU_ASSERT_EQUAL(dw0, 3);
	CU_ASSERT_EQUAL(nvmeu_get_features(dev, 0, 7, 0, 0, NULL, 0, &dw0), 0);
	CU_ASSERT(fake_ok(dev));
	CU_ASSERT_EQUAL_FATAL(nvmeu_fake_ncaptured(dev), 3);
	CU_ASSERT_EQUAL(cap(dev, 0).op, NVME_IOCTL_ADMIN64_CMD);
	CU_ASSERT_EQUAL(cap(dev, 1).op, NVME_IOCTL_ADMIN_CMD);
	CU_ASSERT_EQUAL(cap(dev, 2).op, NVME_IOCTL_ADMIN_CMD);
	nvmeu_close(dev);
}

static void test_mismatch_reported(void)
{
	const struct nvmeu_fake_cmd t[] = {
		{ .opcode = 0x02, .nsid = 1, .cdw10 = 1, .data_len = 512 },
		{ .opcode = 0x01, .nsid = 1, .data_len = 512, .out_data = pat },
	};
	struct nvmeu_dev *dev = fake(t, 2, 1, NVMEU_FORM_COMPACT);
	const char *why = NULL;

	CU_ASSERT_EQUAL(nvmeu_read(dev, 2, 1, buf, 512), -EPROTO);
	CU_ASSERT_EQUAL(nvmeu_fake_check(dev, &why), -EPROTO);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "cdw10"));
	nvmeu_close(dev);
	dev = fake(t + 1, 1, 1, NVMEU_FORM_BIG);
	CU_ASSERT_EQUAL(nvmeu_write(dev, 0, 1, pat2, 512), -EPROTO);
	nvmeu_fake_check(dev, &why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "data differs"));
	nvmeu_close(dev);
	dev = fake(t, 2, 1, NVMEU_FORM_IOCTL);
	CU_ASSERT_EQUAL(nvmeu_fake_check(dev, NULL), -EPROTO);	/* unsent */
	nvmeu_close(dev);
}

static void test_status_and_errno(void)
{
	const struct nvmeu_fake_cmd t[] = {
		{ .opcode = 0x00, .nsid = 1, .status = -EIO },
		{ .opcode = 0x00, .nsid = 1, .status = 0x0002 },
	};

	for (unsigned int i = 0; i < 3; i++) {
		struct nvmeu_dev *dev = fake(t, 2, 1, uring_forms[i]);

		CU_ASSERT_EQUAL(nvmeu_flush(dev), -EIO);
		CU_ASSERT_EQUAL(nvmeu_flush(dev), 0x0002);
		CU_ASSERT(fake_ok(dev));
		nvmeu_close(dev);
	}
	CU_ASSERT_STRING_EQUAL(nvmeu_strerror(0), "Success");
	CU_ASSERT_STRING_EQUAL(nvmeu_strerror(-EIO), "Input/output error");
	CU_ASSERT_EQUAL(strncmp(nvmeu_strerror(2), "Invalid Field", 13), 0);
	CU_ASSERT_PTR_NOT_NULL(nvmeu_strerror(-4095));
}

/* Cookies and results come back with the right command, in any batch. */
static void test_queue_cookies(void)
{
	struct nvmeu_fake_cmd t[6];
	struct nvme_passthru_cmd64 c[6];
	struct nvmeu_completion out[8];
	struct nvmeu_queue *q;
	struct nvmeu_dev *dev;
	int n;

	memset(t, 0, sizeof(t));
	for (unsigned int i = 0; i < 6; i++) {
		t[i] = (struct nvmeu_fake_cmd){ .opcode = 0x02, .nsid = 1,
			.cdw10 = i, .data_len = 512, .result = 0x100 + i,
			.status = i == 3 ? 0x2 : 0 };
	}
	dev = fake(t, 6, 1, NVMEU_FORM_BIG);
	CU_ASSERT_FATAL(nvmeu_queue_init(dev, 4, 0, &q) == 0);
	for (unsigned int i = 0; i < 4; i++) {
		nvmeu_cmd_read(dev, &c[i], i, 1, buf + 512 * i, 512);
		CU_ASSERT_EQUAL(nvmeu_queue_cmd(q, &c[i], 0, 0xc0ffee00 + i), 0);
	}
	nvmeu_cmd_read(dev, &c[4], 4, 1, buf, 512);
	CU_ASSERT_EQUAL(nvmeu_queue_cmd(q, &c[4], 0, 1), -EBUSY); /* SQ full */
	CU_ASSERT_EQUAL(nvmeu_queue_submit(q), 4);
	for (unsigned int i = 4; i < 6; i++) {
		nvmeu_cmd_read(dev, &c[i], i, 1, buf + 512 * i, 512);
		CU_ASSERT_EQUAL(nvmeu_queue_cmd(q, &c[i], 0, 0xc0ffee00 + i), 0);
	}
	CU_ASSERT_EQUAL(nvmeu_queue_inflight(q), 6);
	CU_ASSERT_EQUAL(nvmeu_queue_reap(q, out, 8, 7), -EINVAL);
	n = nvmeu_queue_reap(q, out, 8, 6);
	CU_ASSERT_EQUAL_FATAL(n, 6);
	for (int k = 0; k < n; k++) {
		__u64 i = out[k].cookie - 0xc0ffee00;

		CU_ASSERT_FATAL(i < 6);
		CU_ASSERT_PTR_EQUAL(out[k].cmd, &c[i]);
		CU_ASSERT_EQUAL(out[k].result, 0x100 + i);
		CU_ASSERT_EQUAL(c[i].result, 0x100 + i);
		CU_ASSERT_EQUAL(out[k].ret, i == 3 ? 0x2 : 0);
	}
	CU_ASSERT_EQUAL(nvmeu_queue_inflight(q), 0);
	CU_ASSERT_EQUAL(nvmeu_queue_reap(q, out, 8, 0), 0);
	CU_ASSERT(fake_ok(dev));
	nvmeu_queue_exit(q);
	nvmeu_close(dev);
}

/* 2 * entries commands may be in flight, no more. */
static void test_queue_slots(void)
{
	struct nvme_passthru_cmd64 c[5];
	struct nvmeu_completion out[4];
	struct nvmeu_fake_cmd t = { .opcode = 0x00, .nsid = 1 };
	struct nvmeu_fake_cmd tt[4] = { t, t, t, t };
	struct nvmeu_dev *dev = fake(tt, 4, 1, NVMEU_FORM_INDIRECT);
	struct nvmeu_queue *q;

	CU_ASSERT_FATAL(nvmeu_queue_init(dev, 2, 0, &q) == 0);
	for (unsigned int i = 0; i < 5; i++)
		nvmeu_cmd_flush(dev, &c[i]);
	CU_ASSERT_EQUAL(nvmeu_queue_cmd(q, &c[0], 0, 0), 0);
	CU_ASSERT_EQUAL(nvmeu_queue_cmd(q, &c[1], 0, 1), 0);
	CU_ASSERT_EQUAL(nvmeu_queue_submit(q), 2);
	CU_ASSERT_EQUAL(nvmeu_queue_cmd(q, &c[2], 0, 2), 0);
	CU_ASSERT_EQUAL(nvmeu_queue_cmd(q, &c[3], 0, 3), 0);
	CU_ASSERT_EQUAL(nvmeu_queue_cmd(q, &c[4], 0, 4), -EBUSY);
	CU_ASSERT_EQUAL(nvmeu_queue_reap(q, out, 4, 4), 4);
	CU_ASSERT_EQUAL(nvmeu_queue_cmd(q, &c[4], 0, 4), 0);
	CU_ASSERT_EQUAL(nvmeu_queue_cmd(q, NULL, 0, 4), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_queue_cmd(q, &c[4], 0x80, 4), -EINVAL);
	nvmeu_queue_exit(q);		/* reaps the one in flight */
	nvmeu_close(dev);
}

/* Registered buffers: FIXED and buf_index in the SQE, bounds enforced. */
static void test_fixed_buffers(void)
{
	const struct nvmeu_fake_cmd t[] = {
		{ .opcode = 0x02, .nsid = 1, .cdw10 = 2, .data_len = 512,
		  .in_data = pat },
	};
	struct iovec iov = { buf, 4096 };
	struct nvme_passthru_cmd64 c;
	struct nvmeu_completion out;
	struct nvmeu_queue *q;
	struct nvmeu_dev *dev = fake(t, 1, 1, NVMEU_FORM_COMPACT);

	CU_ASSERT_FATAL(nvmeu_queue_init(dev, 4, 0, &q) == 0);
	CU_ASSERT_EQUAL(nvmeu_queue_register_buffers(q, &iov, 1), 0);
	nvmeu_cmd_read(dev, &c, 2, 1, buf + 1024, 512);
	CU_ASSERT_EQUAL(nvmeu_queue_cmd_fixed(q, &c, 0, 0, 1), 0);
	CU_ASSERT_EQUAL(nvmeu_queue_cmd_fixed(q, &c, NVMEU_VEC, 0, 1),
			-EINVAL);
	CU_ASSERT_EQUAL(nvmeu_queue_reap(q, &out, 1, 1), 1);
	CU_ASSERT_EQUAL(out.ret, 0);
	CU_ASSERT_EQUAL(memcmp(buf + 1024, pat, 512), 0);
	CU_ASSERT_EQUAL(cap(dev, 0).sqe[28], 1);	/* IORING_URING_CMD_FIXED */
	CU_ASSERT_EQUAL(le(cap(dev, 0).sqe + 40, 2), 0);
	nvmeu_cmd_read(dev, &c, 2, 1, buf + 4096, 512);	/* outside */
	nvmeu_queue_cmd_fixed(q, &c, 0, 0, 2);
	CU_ASSERT_EQUAL(nvmeu_queue_reap(q, &out, 1, 1), 1);
	CU_ASSERT_EQUAL(out.ret, -EFAULT);
	nvmeu_cmd_read(dev, &c, 2, 1, buf, 512);
	nvmeu_queue_cmd_fixed(q, &c, 0, 1, 3);		/* unregistered */
	CU_ASSERT_EQUAL(nvmeu_queue_reap(q, &out, 1, 1), 1);
	CU_ASSERT_EQUAL(out.ret, -EFAULT);
	CU_ASSERT_EQUAL(le(cap(dev, 2).sqe + 40, 2), 1);
	CU_ASSERT(fake_ok(dev));
	nvmeu_queue_exit(q);
	nvmeu_close(dev);
	dev = fake(t, 0, 1, NVMEU_FORM_IOCTL);
	CU_ASSERT_FATAL(nvmeu_queue_init(dev, 4, 0, &q) == 0);
	CU_ASSERT_EQUAL(nvmeu_queue_register_buffers(q, &iov, 1), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(nvmeu_queue_cmd_fixed(q, &c, 0, 0, 1), -EOPNOTSUPP);
	nvmeu_queue_exit(q);
	nvmeu_close(dev);
}

/* Vectored: addr is an iovec array, data_len its count. */
static void run_vec(enum nvmeu_form form, __u32 op)
{
	const struct nvmeu_fake_cmd t[] = {
		{ .opcode = 0x02, .nsid = 1, .data_len = 768, .in_data = pat },
	};
	struct iovec iov[2] = { { buf, 256 }, { buf + 4096, 512 } };
	struct nvmeu_dev *dev = fake(t, 1, 1, form);
	struct nvme_passthru_cmd64 c;

	memset(buf, 0, sizeof(buf));
	nvmeu_cmd_init(&c, 0x02, 1, iov, 2);
	CU_ASSERT_EQUAL(nvmeu_exec(dev, &c, NVMEU_VEC),
			form == NVMEU_FORM_IOCTL ? -EOPNOTSUPP : 0);
	if (form == NVMEU_FORM_IOCTL) {
		CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(dev), 0);
		nvmeu_close(dev);
		return;
	}
	CU_ASSERT_EQUAL(memcmp(buf, pat, 256), 0);
	CU_ASSERT_EQUAL(memcmp(buf + 4096, pat + 256, 512), 0);
	CU_ASSERT_EQUAL(cap(dev, 0).op, op);
	CU_ASSERT(fake_ok(dev));
	nvmeu_close(dev);
}

static void test_vectored(void)
{
	run_vec(NVMEU_FORM_BIG, 0xC0484E81);
	run_vec(NVMEU_FORM_COMPACT, 0xC0504EC2);
	run_vec(NVMEU_FORM_INDIRECT, 0xC0504EC2);
	run_vec(NVMEU_FORM_IOCTL, 0);
}

/* Separate metadata or another nsid: the compact form falls back. */
static void test_compact_fallbacks(void)
{
	unsigned char meta[16] = { 0 }, want_meta[16] = { 1, 2, 3, 4, 5 };
	const struct nvmeu_fake_cmd t[] = {
		{ .opcode = 0x02, .nsid = 1, .cdw12 = 1, .data_len = 1024,
		  .metadata_len = 16, .in_meta = want_meta },
		{ .opcode = 0x02, .nsid = 2, .data_len = 512 },
		{ .opcode = 0x02, .nsid = 1, .data_len = 512 },
	};
	struct nvmeu_fake_params p = {
		.fd = FD, .nsid = 1, .lba_size = 512, .meta_size = 8,
		.uring = 1, .form = NVMEU_FORM_COMPACT,
	};
	struct nvme_passthru_cmd64 c;
	struct nvmeu_dev *dev;

	CU_ASSERT_FATAL(nvmeu_open_fake(t, 3, &p, &dev) == 0);
	nvmeu_cmd_read(dev, &c, 0, 2, buf, 1024);
	nvmeu_cmd_set_meta(dev, &c, meta, 16);
	CU_ASSERT_EQUAL(nvmeu_io_passthru(dev, &c), 0);
	CU_ASSERT_EQUAL(memcmp(meta, want_meta, 16), 0);
	nvmeu_cmd_init(&c, 0x02, 2, buf, 512);
	CU_ASSERT_EQUAL(nvmeu_io_passthru(dev, &c), 0);
	/* the sync helper has no metadata buffer: refused, nothing sent */
	CU_ASSERT_EQUAL(nvmeu_read(dev, 0, 1, buf, 512), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_write(dev, 0, 1, buf, 512), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_compare(dev, 0, 1, buf, 512), -EINVAL);
	/* raw, without metadata (PRACT): still not compact on this namespace */
	nvmeu_cmd_read(dev, &c, 0, 1, buf, 512);
	CU_ASSERT_EQUAL(nvmeu_io_passthru(dev, &c), 0);
	CU_ASSERT(fake_ok(dev));
	CU_ASSERT_EQUAL(cap(dev, 0).form, NVMEU_FORM_INDIRECT);
	CU_ASSERT_EQUAL(cap(dev, 1).form, NVMEU_FORM_INDIRECT);
	CU_ASSERT_EQUAL(cap(dev, 2).form, NVMEU_FORM_INDIRECT);
	nvmeu_close(dev);
}

/* Bad arguments are refused before the fake kernel sees anything. */
static void test_nothing_submitted_on_einval(void)
{
	struct nvmeu_dev *dev = fake(NULL, 0, 1, NVMEU_FORM_COMPACT);
	struct nvmeu_queue *q;

	CU_ASSERT_EQUAL(nvmeu_read(dev, 0, 1, buf, 500), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_write(dev, 0, 0, buf, 0), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_get_log(dev, 1, 2, 0, false, 0, buf, 3), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_dsm(dev, NVMEU_DSM_AD, NULL, 1), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_get_log_error(dev, (void *)buf, 0), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_exec(dev, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_exec(NULL, (void *)buf, 0), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_queue_init(dev, 0, 0, &q), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_queue_init(dev, 4097, 0, &q), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_queue_init(dev, 4, 0x100, &q), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(dev), 0);
	CU_ASSERT(fake_ok(dev));
	nvmeu_close(dev);
}

/* Identify Controller (also the probe's command), Identify Namespace 1. */
static const struct nvmeu_fake_cmd id_ctrl = {
	.opcode = 0x06, .admin = true, .cdw10 = 1, .data_len = 4096,
	.in_data = &learn_ctrl,
};
static const struct nvmeu_fake_cmd id_ns = {
	.opcode = 0x06, .admin = true, .nsid = 1, .data_len = 4096,
	.in_data = &learn_ns,
};

/*
 * A fake node (controller if @nsid is 0) in @form whose admin ioctl fails
 * with @ioctl_errno (0: it works), as nvmeu_open() finds it after open(2);
 * its learning must return @want and meet every expectation of @t.
 */
static struct nvmeu_dev *learn(const struct nvmeu_fake_cmd *t,
			       unsigned int n, __u32 nsid,
			       enum nvmeu_form form, int ioctl_errno,
			       int want)
{
	struct nvmeu_fake_params p = {
		.fd = FD, .nsid = nsid, .lba_size = 512, .uring = 1,
		.form = form, .form_errno[NVMEU_FORM_IOCTL] = ioctl_errno,
	};
	struct nvmeu_dev *dev = NULL;

	CU_ASSERT_FATAL(nvmeu_open_fake(t, n, &p, &dev) == 0);
	CU_ASSERT_EQUAL(nvmeu__dev_learn(dev), want);
	CU_ASSERT(fake_ok(dev));
	return dev;
}

/* learn_ns's format and learn_ctrl's MDTS (2^7 x 4 KiB) were learned. */
static void check_learned(struct nvmeu_dev *dev)
{
	struct nvmeu_dev_info info;

	CU_ASSERT_FATAL(nvmeu_dev_get_info(dev, &info) == 0);
	CU_ASSERT_EQUAL(info.max_xfer, 512 * 1024);
	if (info.is_ctrl)
		return;
	CU_ASSERT_EQUAL(info.nsid, 1);
	CU_ASSERT_EQUAL(info.lba_size, 4096);
	CU_ASSERT_EQUAL(info.meta_size, 8);
	CU_ASSERT_FALSE(info.meta_ext);
}

/* With the privilege: two Identify ioctls, nothing else, no probe. */
static void test_learn_privileged(void)
{
	const struct nvmeu_fake_cmd t[] = { id_ns, id_ctrl };
	struct nvmeu_dev *dev = learn(t, 2, 1, NVMEU_FORM_AUTO, 0, 0);
	struct nvmeu_dev_info info;

	check_learned(dev);
	CU_ASSERT_EQUAL_FATAL(nvmeu_fake_ncaptured(dev), 2);
	CU_ASSERT_EQUAL(cap(dev, 0).op, NVME_IOCTL_ADMIN64_CMD);
	CU_ASSERT_EQUAL(cap(dev, 1).op, NVME_IOCTL_ADMIN64_CMD);
	nvmeu_dev_get_info(dev, &info);
	CU_ASSERT_EQUAL(info.form, NVMEU_FORM_AUTO);
	nvmeu_close(dev);
	dev = learn(&id_ctrl, 1, 0, NVMEU_FORM_AUTO, 0, 0);
	check_learned(dev);
	CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(dev), 1);
	nvmeu_close(dev);
}

/*
 * A controller node without the privilege (-EACCES or -EPERM): Identify
 * Controller by uring_cmd on the node itself, in the form its probe (one
 * more Identify Controller) picks, which stays the handle's form.
 */
static void test_learn_unpriv_ctrl(void)
{
	const struct nvmeu_fake_cmd t[] = { id_ctrl, id_ctrl };
	const int errnos[] = { -EACCES, -EPERM };

	for (unsigned int i = 0; i < 2; i++) {
		struct nvmeu_dev *dev = learn(t, 2, 0, NVMEU_FORM_AUTO,
					      errnos[i], 0);

		check_learned(dev);
		CU_ASSERT_EQUAL_FATAL(nvmeu_fake_ncaptured(dev), 3);
		CU_ASSERT_EQUAL(cap(dev, 0).op, NVME_IOCTL_ADMIN64_CMD);
		CU_ASSERT_EQUAL(cap(dev, 1).form, NVMEU_FORM_INDIRECT);
		CU_ASSERT_EQUAL(cap(dev, 2).form, NVMEU_FORM_INDIRECT);
		CU_ASSERT_EQUAL(cap(dev, 2).cmd.cdw10, 1);
		CU_ASSERT_EQUAL(nvmeu_get_form(dev), NVMEU_FORM_COMPACT);
		nvmeu_close(dev);
	}
}

/*
 * A namespace node without the privilege: each Identify by uring_cmd on
 * the controller node (the same fake device), in the namespace handle's
 * form (admin commands: big or indirect), or the controller's probed one.
 */
static void test_learn_unpriv_ns(void)
{
	const struct nvmeu_fake_cmd t[] = { id_ns, id_ctrl };
	const struct nvmeu_fake_cmd tp[] = { id_ctrl, id_ns, id_ctrl };
	struct nvmeu_dev *dev;

	for (unsigned int i = 0; i < 3; i++) {
		enum nvmeu_form want = uring_forms[i] == NVMEU_FORM_BIG ?
			NVMEU_FORM_BIG : NVMEU_FORM_INDIRECT;

		dev = learn(t, 2, 1, uring_forms[i], -EACCES, 0);
		check_learned(dev);
		CU_ASSERT_EQUAL_FATAL(nvmeu_fake_ncaptured(dev), 4);
		for (unsigned int k = 0; k < 4; k += 2) {
			CU_ASSERT_EQUAL(cap(dev, k).form, NVMEU_FORM_IOCTL);
			CU_ASSERT_EQUAL(cap(dev, k + 1).form, want);
			CU_ASSERT_TRUE(cap(dev, k + 1).admin);
		}
		CU_ASSERT_EQUAL(cap(dev, 1).cmd.nsid, 1);
		CU_ASSERT_EQUAL(cap(dev, 1).cmd.cdw10, 0);
		CU_ASSERT_EQUAL(cap(dev, 3).cmd.cdw10, 1);
		CU_ASSERT_EQUAL(nvmeu_get_form(dev), uring_forms[i]);
		nvmeu_close(dev);
	}
	/* the controller handle is opened and probed once for both */
	dev = learn(tp, 3, 1, NVMEU_FORM_AUTO, -EACCES, 0);
	check_learned(dev);
	CU_ASSERT_EQUAL_FATAL(nvmeu_fake_ncaptured(dev), 5);
	CU_ASSERT_EQUAL(cap(dev, 1).cmd.cdw10, 1);	/* the probe */
	CU_ASSERT_EQUAL(cap(dev, 2).cmd.cdw10, 0);
	CU_ASSERT_EQUAL(cap(dev, 3).form, NVMEU_FORM_IOCTL);
	CU_ASSERT_EQUAL(cap(dev, 4).cmd.cdw10, 1);
	nvmeu_close(dev);
}

/*
 * Refused both ways: upstream 6.1 without the privilege (the overlay
 * forms do not exist, the big form is -EACCES), or a kernel without
 * uring_cmd. The ioctl's errno comes back; nothing reached the device.
 */
static void test_learn_refused(void)
{
	struct nvmeu_fake_params p = {
		.fd = FD, .lba_size = 512, .uring = 1,
		.form_errno = { [NVMEU_FORM_IOCTL] = -EACCES,
				[NVMEU_FORM_COMPACT] = -EOPNOTSUPP,
				[NVMEU_FORM_INDIRECT] = -EOPNOTSUPP,
				[NVMEU_FORM_BIG] = -EACCES },
	};
	struct nvmeu_dev *dev;

	for (p.nsid = 0; p.nsid < 2; p.nsid++) {
		CU_ASSERT_FATAL(nvmeu_open_fake(NULL, 0, &p, &dev) == 0);
		CU_ASSERT_EQUAL(nvmeu__dev_learn(dev), -EACCES);
		/* the ioctl; the probe's indirect, then big; big */
		CU_ASSERT_EQUAL_FATAL(nvmeu_fake_ncaptured(dev), 4);
		CU_ASSERT_EQUAL(cap(dev, 3).form, NVMEU_FORM_BIG);
		CU_ASSERT_EQUAL(le(cap(dev, 3).sqe + 88, 4), p.nsid ? 0 : 1);
		nvmeu_close(dev);
	}
	p.uring = 0;
	p.form_errno[NVMEU_FORM_IOCTL] = -EPERM;
	CU_ASSERT_FATAL(nvmeu_open_fake(NULL, 0, &p, &dev) == 0);
	CU_ASSERT_EQUAL(nvmeu__dev_learn(dev), -EPERM);
	CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(dev), 1);
	nvmeu_close(dev);
}

/*
 * Other ioctl errors are final; an NVMe status from the uring_cmd is the
 * device's answer and comes back as it is.
 */
static void test_learn_errors(void)
{
	struct nvmeu_fake_cmd bad = id_ns;
	struct nvmeu_dev *dev;

	dev = learn(NULL, 0, 1, NVMEU_FORM_INDIRECT, -EIO, -EIO);
	CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(dev), 1);
	nvmeu_close(dev);
	bad.status = 0x4002;
	dev = learn(&bad, 1, 1, NVMEU_FORM_INDIRECT, -EACCES, 0x4002);
	CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(dev), 2);
	nvmeu_close(dev);
}

UNIT_SUITE(userlib_fake, fake_init, NULL,
	   UNIT_TEST(test_io_big),
	   UNIT_TEST(test_io_compact),
	   UNIT_TEST(test_io_indirect),
	   UNIT_TEST(test_io_ioctl),
	   UNIT_TEST(test_admin_every_form),
	   UNIT_TEST(test_admin_on_ns_node),
	   UNIT_TEST(test_admin_via_ctrl),
	   UNIT_TEST(test_admin_ctrl_refuses),
	   UNIT_TEST(test_admin_dev_args),
	   UNIT_TEST(test_ioctl32_fallback),
	   UNIT_TEST(test_mismatch_reported),
	   UNIT_TEST(test_status_and_errno),
	   UNIT_TEST(test_queue_cookies),
	   UNIT_TEST(test_queue_slots),
	   UNIT_TEST(test_fixed_buffers),
	   UNIT_TEST(test_vectored),
	   UNIT_TEST(test_compact_fallbacks),
	   UNIT_TEST(test_nothing_submitted_on_einval),
	   UNIT_TEST(test_learn_privileged),
	   UNIT_TEST(test_learn_unpriv_ctrl),
	   UNIT_TEST(test_learn_unpriv_ns),
	   UNIT_TEST(test_learn_refused),
	   UNIT_TEST(test_learn_errors))
