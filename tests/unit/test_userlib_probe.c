// SPDX-License-Identifier: GPL-2.0
/*
 * libnvme-ucmd's form probe: the pure decision over probe results, then the
 * whole probe against fake kernels (nvme-ucmd, upstream 5.19+, pre-5.19,
 * no SQE128), its probe commands, caching and overrides.
 */
#include <stdio.h>
#include <string.h>

#include <nvme-ucmd.h>

#include "unit.h"

#define NOT_RUN	NVMEU_PROBE_NOT_RUN

static void test_decide(void)
{
	static const struct {
		struct nvmeu_probe_facts f;
		enum nvmeu_form want;
	} cases[] = {
		/* io_uring without URING_CMD, or no io_uring at all */
		{ { 0, NOT_RUN, NOT_RUN, NOT_RUN }, NVMEU_FORM_IOCTL },
		/* nvme-ucmd: the overlay reached the device */
		{ { 1, 0, NOT_RUN, NOT_RUN }, NVMEU_FORM_COMPACT },
		{ { 1, 0x4002, NOT_RUN, NOT_RUN }, NVMEU_FORM_COMPACT },
		{ { 1, -EACCES, NOT_RUN, NOT_RUN }, NVMEU_FORM_COMPACT },
		{ { 1, -EPERM, NOT_RUN, NOT_RUN }, NVMEU_FORM_COMPACT },
		/* upstream: 64-byte SQEs refused, big form works */
		{ { 1, -EOPNOTSUPP, 0, 0 }, NVMEU_FORM_BIG },
		{ { 1, -EINVAL, 0, 0x2 }, NVMEU_FORM_BIG },
		{ { 1, -ENOTTY, 0, -EACCES }, NVMEU_FORM_BIG },
		/* big ring refused or big command refused: ioctl */
		{ { 1, -EOPNOTSUPP, -EINVAL, NOT_RUN }, NVMEU_FORM_IOCTL },
		{ { 1, -EOPNOTSUPP, 0, -EOPNOTSUPP }, NVMEU_FORM_IOCTL },
		{ { 1, -ENOTTY, 0, -ENOTTY }, NVMEU_FORM_IOCTL },
		{ { 1, -EIO, 0, NOT_RUN }, NVMEU_FORM_IOCTL },
		{ { 1, NOT_RUN, NOT_RUN, NOT_RUN }, NVMEU_FORM_IOCTL },
	};

	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum nvmeu_form got = nvmeu_probe_decide(&cases[i].f);

		if (got != cases[i].want)
			printf("# case %u: %s, expected %s\n", i,
			       nvmeu_form_name(got),
			       nvmeu_form_name(cases[i].want));
		CU_ASSERT_EQUAL(got, cases[i].want);
	}
	CU_ASSERT_EQUAL(nvmeu_probe_decide(NULL), NVMEU_FORM_IOCTL);
}

/* The probe command on a namespace node: read LBA 0, one block. */
static const struct nvmeu_fake_cmd read0 = {
	.opcode = 0x02, .nsid = 1, .data_len = 512,
};

static struct nvmeu_dev *probe_dev(const struct nvmeu_fake_cmd *t,
				   unsigned int n,
				   struct nvmeu_fake_params *p)
{
	struct nvmeu_dev *dev = NULL;

	p->fd = 5;
	if (!p->lba_size)
		p->lba_size = 512;
	CU_ASSERT_FATAL(nvmeu_open_fake(t, n, p, &dev) == 0);
	return dev;
}

static int fake_ok(const struct nvmeu_dev *dev)
{
	const char *why;
	int r = nvmeu_fake_check(dev, &why);

	if (r)
		printf("# fake: %s\n", why);
	return r == 0;
}

static __u32 cap_op(const struct nvmeu_dev *dev, unsigned int i)
{
	struct nvmeu_fake_capture c = { 0 };

	nvmeu_fake_get_capture(dev, i, &c);
	return c.op;
}

/* nvme-ucmd: the indirect read is accepted, the big form never tried. */
static void test_probe_nvme_ucmd(void)
{
	struct nvmeu_fake_params p = { .nsid = 1, .uring = 1 };
	struct nvmeu_dev *dev = probe_dev(&read0, 1, &p);
	struct nvmeu_probe_facts f;

	CU_ASSERT_EQUAL(nvmeu_probe(dev, &f), NVMEU_FORM_COMPACT);
	CU_ASSERT_EQUAL(f.uring, 1);
	CU_ASSERT_EQUAL(f.overlay_res, 0);
	CU_ASSERT_EQUAL(f.big_setup, NOT_RUN);
	CU_ASSERT_EQUAL(f.big_res, NOT_RUN);
	CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(dev), 1);
	CU_ASSERT_EQUAL(cap_op(dev, 0), NVME_URING_CMD_IO_INDIRECT);
	CU_ASSERT(fake_ok(dev));
	nvmeu_close(dev);
}

/* Upstream: 64-byte SQEs get -EOPNOTSUPP, the big form works. */
static void test_probe_upstream(void)
{
	struct nvmeu_fake_params p = { .nsid = 1, .uring = 1 };
	struct nvmeu_probe_facts f;
	struct nvmeu_dev *dev;

	p.form_errno[NVMEU_FORM_COMPACT] = -EOPNOTSUPP;
	p.form_errno[NVMEU_FORM_INDIRECT] = -EOPNOTSUPP;
	dev = probe_dev(&read0, 1, &p);
	CU_ASSERT_EQUAL(nvmeu_probe(dev, &f), NVMEU_FORM_BIG);
	CU_ASSERT_EQUAL(f.overlay_res, -EOPNOTSUPP);
	CU_ASSERT_EQUAL(f.big_setup, 0);
	CU_ASSERT_EQUAL(f.big_res, 0);
	CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(dev), 2);
	CU_ASSERT_EQUAL(cap_op(dev, 1), NVME_URING_CMD_IO);
	CU_ASSERT(fake_ok(dev));
	nvmeu_close(dev);
}

/* Before 5.19: no URING_CMD, nothing submitted, ioctl. */
static void test_probe_old_kernel(void)
{
	struct nvmeu_fake_params p = { .nsid = 1, .uring = 0 };
	struct nvmeu_dev *dev = probe_dev(NULL, 0, &p);

	CU_ASSERT_EQUAL(nvmeu_get_form(dev), NVMEU_FORM_IOCTL);
	CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(dev), 0);
	nvmeu_close(dev);
}

/* No SQE128 ring and no overlay: ioctl. */
static void test_probe_no_big_ring(void)
{
	struct nvmeu_fake_params p = { .nsid = 1, .uring = 1,
				       .big_setup = -EINVAL };
	struct nvmeu_probe_facts f;
	struct nvmeu_dev *dev;

	p.form_errno[NVMEU_FORM_INDIRECT] = -ENOTTY;
	dev = probe_dev(NULL, 0, &p);
	CU_ASSERT_EQUAL(nvmeu_probe(dev, &f), NVMEU_FORM_IOCTL);
	CU_ASSERT_EQUAL(f.overlay_res, -ENOTTY);
	CU_ASSERT_EQUAL(f.big_setup, -EINVAL);
	CU_ASSERT_EQUAL(f.big_res, NOT_RUN);
	nvmeu_close(dev);
}

/* A controller node probes with Identify Controller. */
static void test_probe_ctrl_identify(void)
{
	const struct nvmeu_fake_cmd t = {
		.opcode = 0x06, .admin = true, .cdw10 = 1, .data_len = 4096,
	};
	struct nvmeu_fake_params p = { .nsid = 0, .uring = 1 };
	struct nvmeu_dev *dev = probe_dev(&t, 1, &p);

	CU_ASSERT_EQUAL(nvmeu_get_form(dev), NVMEU_FORM_COMPACT);
	CU_ASSERT_EQUAL(cap_op(dev, 0), NVME_URING_CMD_ADMIN_INDIRECT);
	CU_ASSERT(fake_ok(dev));
	nvmeu_close(dev);
}

/* Separate metadata: the probe read carries a metadata buffer. */
static void test_probe_separate_meta(void)
{
	const struct nvmeu_fake_cmd t = {
		.opcode = 0x02, .nsid = 1, .data_len = 4096,
		.metadata_len = 8,
	};
	struct nvmeu_fake_params p = { .nsid = 1, .uring = 1,
				       .lba_size = 4096, .meta_size = 8 };
	struct nvmeu_dev *dev = probe_dev(&t, 1, &p);

	CU_ASSERT_EQUAL(nvmeu_get_form(dev), NVMEU_FORM_COMPACT);
	CU_ASSERT(fake_ok(dev));
	nvmeu_close(dev);
}

/* Probed once and cached; set_form overrides; AUTO probes again. */
static void test_probe_cached_and_overridden(void)
{
	const struct nvmeu_fake_cmd t[] = { read0, read0 };
	struct nvmeu_fake_params p = { .nsid = 1, .uring = 1 };
	struct nvmeu_dev *dev = probe_dev(t, 2, &p);
	struct nvmeu_dev_info info;

	CU_ASSERT_EQUAL(nvmeu_dev_get_info(dev, &info), 0);
	CU_ASSERT_EQUAL(info.form, NVMEU_FORM_AUTO);
	CU_ASSERT_EQUAL(nvmeu_get_form(dev), NVMEU_FORM_COMPACT);
	CU_ASSERT_EQUAL(nvmeu_get_form(dev), NVMEU_FORM_COMPACT);
	CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(dev), 1);
	CU_ASSERT_EQUAL(nvmeu_set_form(dev, NVMEU_FORM_BIG), 0);
	CU_ASSERT_EQUAL(nvmeu_get_form(dev), NVMEU_FORM_BIG);
	CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(dev), 1);
	CU_ASSERT_EQUAL(nvmeu_set_form(dev, NVMEU_FORM_AUTO), 0);
	CU_ASSERT_EQUAL(nvmeu_get_form(dev), NVMEU_FORM_COMPACT);
	CU_ASSERT_EQUAL(nvmeu_fake_ncaptured(dev), 2);
	CU_ASSERT_EQUAL(nvmeu_set_form(dev, NVMEU_FORM_COUNT), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_set_form(dev, (enum nvmeu_form)-1), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_dev_get_info(dev, &info), 0);
	CU_ASSERT_EQUAL(info.form, NVMEU_FORM_COMPACT);
	CU_ASSERT_EQUAL(info.nsid, 1);
	CU_ASSERT_EQUAL(info.lba_size, 512);
	CU_ASSERT_EQUAL(info.max_xfer, 128 * 1024);
	CU_ASSERT_FALSE(info.is_ctrl);
	CU_ASSERT(fake_ok(dev));
	nvmeu_close(dev);
}

static void test_form_names(void)
{
	CU_ASSERT_STRING_EQUAL(nvmeu_form_name(NVMEU_FORM_AUTO), "auto");
	CU_ASSERT_STRING_EQUAL(nvmeu_form_name(NVMEU_FORM_BIG), "big");
	CU_ASSERT_STRING_EQUAL(nvmeu_form_name(NVMEU_FORM_COMPACT), "compact");
	CU_ASSERT_STRING_EQUAL(nvmeu_form_name(NVMEU_FORM_INDIRECT),
			       "indirect");
	CU_ASSERT_STRING_EQUAL(nvmeu_form_name(NVMEU_FORM_IOCTL), "ioctl");
	CU_ASSERT_STRING_EQUAL(nvmeu_form_name(NVMEU_FORM_COUNT), "?");
}

/* A fake with bad parameters is refused. */
static void test_fake_params_checked(void)
{
	struct nvmeu_fake_params p = { .nsid = 1 };	/* no LBA size */
	struct nvmeu_dev *dev;

	CU_ASSERT_EQUAL(nvmeu_open_fake(NULL, 0, &p, &dev), -EINVAL);
	p.lba_size = 512;
	p.form_errno[NVMEU_FORM_BIG] = 5;		/* not an errno */
	CU_ASSERT_EQUAL(nvmeu_open_fake(NULL, 0, &p, &dev), -EINVAL);
	p.form_errno[NVMEU_FORM_BIG] = 0;
	CU_ASSERT_EQUAL(nvmeu_open_fake(NULL, 1, &p, &dev), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_open_fake(NULL, 0, NULL, &dev), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_fake_check(NULL, NULL), -EINVAL);
}

UNIT_SUITE(userlib_probe, NULL, NULL,
	   UNIT_TEST(test_decide),
	   UNIT_TEST(test_probe_nvme_ucmd),
	   UNIT_TEST(test_probe_upstream),
	   UNIT_TEST(test_probe_old_kernel),
	   UNIT_TEST(test_probe_no_big_ring),
	   UNIT_TEST(test_probe_ctrl_identify),
	   UNIT_TEST(test_probe_separate_meta),
	   UNIT_TEST(test_probe_cached_and_overridden),
	   UNIT_TEST(test_form_names),
	   UNIT_TEST(test_fake_params_checked))
