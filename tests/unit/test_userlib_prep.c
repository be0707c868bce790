// SPDX-License-Identifier: GPL-2.0
/*
 * libnvme-ucmd's inline SQE helpers, byte for byte. The expected SQEs are
 * written from the byte offsets of the uapi (abi-facts.md 1.2, 1.4 and 6:
 * SQE fields, struct nvme_uring_cmd at SQE byte 48, the overlays at SQE
 * byte 8), never through the structures the library uses, so a wrong
 * offset in either shows up. SQEs start as 0xa5 garbage with a user_data
 * set, which the helpers must keep.
 */
#include <stdio.h>
#include <string.h>

#include <nvme-ucmd.h>

#include "unit.h"

#define UD	0x1122334455667788ULL
#define FD	0x0badf00d

static unsigned char sqe_buf[128] __attribute__((aligned(64)));
static unsigned char want[128];

static void put(unsigned char *p, size_t off, unsigned long long v, int n)
{
	for (int i = 0; i < n; i++)
		p[off + i] = (unsigned char)(v >> (8 * i));
}

static struct io_uring_sqe *garbage_sqe(void)
{
	struct io_uring_sqe *sqe = (void *)sqe_buf;

	memset(sqe_buf, 0xa5, sizeof(sqe_buf));
	io_uring_sqe_set_data64(sqe, UD);
	return sqe;
}

/* The bytes every URING_CMD SQE shares: 0..11, 28..47. */
static void want_head(size_t len, unsigned int cmd_op)
{
	memset(want, 0, sizeof(want));
	memset(want + len, 0xa5, sizeof(want) - len);
	put(want, 0, 46, 1);		/* IORING_OP_URING_CMD */
	put(want, 4, FD, 4);
	put(want, 8, cmd_op, 4);
	put(want, 32, UD, 8);
}

static int same(size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (sqe_buf[i] != want[i]) {
			printf("# SQE byte %zu is 0x%02x, expected 0x%02x\n", i,
			       sqe_buf[i], want[i]);
			return 0;
		}
	return 1;
}

/* Every member distinct, so a swapped field cannot go unnoticed. */
static void full_cmd(struct nvme_passthru_cmd64 *c)
{
	memset(c, 0, sizeof(*c));
	c->opcode = 0x81;
	c->nsid = 0x01020304;
	c->cdw2 = 0x11111112;
	c->cdw3 = 0x11111113;
	c->metadata = 0x2122232425262728ULL;
	c->addr = 0x3132333435363738ULL;
	c->metadata_len = 0x41424344;
	c->data_len = 0x51525354;
	c->cdw10 = 0xa0a0a0a1;
	c->cdw11 = 0xa0a0a0a2;
	c->cdw12 = 0xa0a0a0a3;
	c->cdw13 = 0xa0a0a0a4;
	c->cdw14 = 0xa0a0a0a5;
	c->cdw15 = 0xa0a0a0a6;
	c->timeout_ms = 0x61626364;
	c->result = 0x7172737475767778ULL;
}

/* struct nvme_uring_cmd at SQE byte 48 (abi-facts 1.4). */
static void want_big_cmd(const struct nvme_passthru_cmd64 *c)
{
	put(want, 48 + 0, c->opcode, 1);
	put(want, 48 + 4, c->nsid, 4);
	put(want, 48 + 8, c->cdw2, 4);
	put(want, 48 + 12, c->cdw3, 4);
	put(want, 48 + 16, c->metadata, 8);
	put(want, 48 + 24, c->addr, 8);
	put(want, 48 + 32, c->metadata_len, 4);
	put(want, 48 + 36, c->data_len, 4);
	put(want, 48 + 40, c->cdw10, 4);
	put(want, 48 + 44, c->cdw11, 4);
	put(want, 48 + 48, c->cdw12, 4);
	put(want, 48 + 52, c->cdw13, 4);
	put(want, 48 + 56, c->cdw14, 4);
	put(want, 48 + 60, c->cdw15, 4);
	put(want, 48 + 64, c->timeout_ms, 4);
}

static void test_big_io(void)
{
	struct nvme_passthru_cmd64 c;

	full_cmd(&c);
	c.rsvd2 = 0xdeadbeef;		/* must not reach the SQE */
	nvmeu_prep_big(garbage_sqe(), FD, 0, &c);
	want_head(128, 0xC0484E80);
	want_big_cmd(&c);
	CU_ASSERT(same(128));
}

static void test_big_admin_vec(void)
{
	struct nvme_passthru_cmd64 c;

	full_cmd(&c);
	nvmeu_prep_big(garbage_sqe(), FD, NVMEU_ADMIN | NVMEU_VEC, &c);
	want_head(128, 0xC0484E83);
	want_big_cmd(&c);
	CU_ASSERT(same(128));
	nvmeu_prep_big(garbage_sqe(), FD, NVMEU_ADMIN, &c);
	want_head(128, 0xC0484E82);
	want_big_cmd(&c);
	CU_ASSERT(same(128));
	nvmeu_prep_big(garbage_sqe(), FD, NVMEU_VEC, &c);
	want_head(128, 0xC0484E81);
	want_big_cmd(&c);
	CU_ASSERT(same(128));
}

/* struct nvme_uring_cmd_indirect: addr @16, len @24 = 80, rest zero. */
static void check_indirect(unsigned int flags, unsigned int cmd_op)
{
	struct nvme_passthru_cmd64 c;

	full_cmd(&c);
	nvmeu_prep_indirect(garbage_sqe(), FD, flags, &c);
	want_head(64, cmd_op);
	put(want, 16, (uintptr_t)&c, 8);
	put(want, 24, 80, 4);
	CU_ASSERT(same(64));
	CU_ASSERT_EQUAL(c.result, 0x7172737475767778ULL);	/* untouched */
}

static void test_indirect(void)
{
	check_indirect(0, 0xC0504EC1);
	check_indirect(NVMEU_VEC, 0xC0504EC2);
	check_indirect(NVMEU_ADMIN, 0xC0504EC3);
	check_indirect(NVMEU_ADMIN | NVMEU_VEC, 0xC0504EC4);
}

static void lba_cmd(struct nvme_passthru_cmd64 *c, unsigned char opcode)
{
	memset(c, 0, sizeof(*c));
	c->opcode = opcode;
	c->nsid = 1;
	c->addr = 0x0000700012345000ULL;
	c->data_len = 0x8000;
	c->cdw10 = 0x89abcdef;		/* SLBA low */
	c->cdw11 = 0x01234567;		/* SLBA high */
	c->cdw12 = 0x4000003f;		/* FUA, 64 blocks */
	c->cdw13 = 0x00000077;		/* DSM hints */
}

/* struct nvme_uring_cmd_compact, from SQE byte 8 (uapi header). */
static void test_compact(void)
{
	struct nvme_passthru_cmd64 c;

	lba_cmd(&c, 0x02);
	CU_ASSERT_EQUAL(nvmeu_prep_compact(garbage_sqe(), FD, &c), 0);
	want_head(64, 0xC0384EC0);
	put(want, 12, 0x02, 1);			/* opcode */
	put(want, 14, 0x4000, 2);		/* control = CDW12 31:16 */
	put(want, 16, c.addr, 8);
	put(want, 24, 0x8000, 4);
	put(want, 48, 0x0123456789abcdefULL, 8);	/* slba */
	put(want, 56, 0x3f, 2);			/* nlb, 0's based */
	put(want, 60, 0x77, 4);			/* cdw13 */
	CU_ASSERT(same(64));
}

/* Commands the compact form cannot carry: refused, SQE left alone. */
static void test_compact_refused(void)
{
	struct nvme_passthru_cmd64 c;
	struct io_uring_sqe *sqe;

	lba_cmd(&c, 0x09);			/* dataset management */
	sqe = garbage_sqe();
	CU_ASSERT_EQUAL(nvmeu_prep_compact(sqe, FD, &c), -EINVAL);
	CU_ASSERT_EQUAL(sqe_buf[0], 0xa5);
	lba_cmd(&c, 0x02);
	c.metadata_len = 8;
	CU_ASSERT_FALSE(nvmeu_compact_ok(&c, 0));
	lba_cmd(&c, 0x02);
	c.cdw14 = 1;
	CU_ASSERT_FALSE(nvmeu_compact_ok(&c, 0));
	lba_cmd(&c, 0x02);
	CU_ASSERT_TRUE(nvmeu_compact_ok(&c, 0));
	CU_ASSERT_FALSE(nvmeu_compact_ok(&c, NVMEU_ADMIN));
	CU_ASSERT_FALSE(nvmeu_compact_ok(&c, NVMEU_VEC));
	c.timeout_ms = 5;
	CU_ASSERT_FALSE(nvmeu_compact_ok(&c, 0));
}

/* nvmeu_prep_cmd(): compact when it can, indirect otherwise. */
static void test_prep_cmd_dispatch(void)
{
	struct nvme_passthru_cmd64 c;

	lba_cmd(&c, 0x01);
	CU_ASSERT_EQUAL(nvmeu_prep_cmd(garbage_sqe(), NVMEU_FORM_COMPACT, FD,
				       0, &c), 0);
	CU_ASSERT_EQUAL(sqe_buf[8] | sqe_buf[9] << 8, 0x4EC0);
	lba_cmd(&c, 0x09);
	CU_ASSERT_EQUAL(nvmeu_prep_cmd(garbage_sqe(), NVMEU_FORM_COMPACT, FD,
				       0, &c), 0);
	want_head(64, 0xC0504EC1);
	put(want, 16, (uintptr_t)&c, 8);
	put(want, 24, 80, 4);
	CU_ASSERT(same(64));
	CU_ASSERT_EQUAL(nvmeu_prep_cmd(garbage_sqe(), NVMEU_FORM_IOCTL, FD, 0,
				       &c), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_prep_cmd(garbage_sqe(), NVMEU_FORM_AUTO, FD, 0,
				       &c), -EINVAL);
	CU_ASSERT_EQUAL(sqe_buf[0], 0xa5);
}

/* IORING_URING_CMD_FIXED in uring_cmd_flags @28, buf_index @40. */
static void test_fixed(void)
{
	struct nvme_passthru_cmd64 c;
	struct io_uring_sqe *sqe = garbage_sqe();

	lba_cmd(&c, 0x02);
	nvmeu_prep_compact(sqe, FD, &c);
	nvmeu_sqe_set_fixed(sqe, 0x1234);
	CU_ASSERT_EQUAL(sqe_buf[28], 1);
	CU_ASSERT_EQUAL(sqe_buf[29] | sqe_buf[30] | sqe_buf[31], 0);
	CU_ASSERT_EQUAL(sqe_buf[40] | sqe_buf[41] << 8, 0x1234);
	CU_ASSERT_EQUAL(sqe->user_data, UD);
}

static void test_cmd_op_table(void)
{
	CU_ASSERT_EQUAL(nvmeu_cmd_op(NVMEU_FORM_BIG, 0), 0xC0484E80u);
	CU_ASSERT_EQUAL(nvmeu_cmd_op(NVMEU_FORM_COMPACT, 0), 0xC0384EC0u);
	CU_ASSERT_EQUAL(nvmeu_cmd_op(NVMEU_FORM_COMPACT, NVMEU_ADMIN), 0);
	CU_ASSERT_EQUAL(nvmeu_cmd_op(NVMEU_FORM_INDIRECT, NVMEU_ADMIN),
			0xC0504EC3u);
	CU_ASSERT_EQUAL(nvmeu_cmd_op(NVMEU_FORM_IOCTL, 0), 0);
	CU_ASSERT_EQUAL(nvmeu_cmd_op(NVMEU_FORM_AUTO, 0), 0);
}

/* A 32-byte CQE carries the result in big_cqe[0]; a 16-byte one does not. */
static void test_cqe_decode(void)
{
	unsigned char raw[32] __attribute__((aligned(8))) = { 0 };
	struct io_uring_cqe *cqe = (void *)raw;
	struct nvme_passthru_cmd64 c = { .result = 5 };
	struct nvmeu_completion out;

	put(raw, 0, 0xfeedULL, 8);
	put(raw, 8, 0x4285, 4);
	put(raw, 16, 0x1122334455667788ULL, 8);
	nvmeu_cqe_decode(cqe, true, &c, &out);
	CU_ASSERT_EQUAL(out.cookie, 0xfeed);
	CU_ASSERT_EQUAL(out.ret, 0x4285);
	CU_ASSERT_EQUAL(out.result, 0x1122334455667788ULL);
	CU_ASSERT_EQUAL(c.result, 0x1122334455667788ULL);
	CU_ASSERT_PTR_EQUAL(out.cmd, &c);
	c.result = 9;
	put(raw, 8, (unsigned int)-EIO, 4);
	nvmeu_cqe_decode(cqe, false, &c, &out);
	CU_ASSERT_EQUAL(out.ret, -EIO);
	CU_ASSERT_EQUAL(out.result, 9);
}

static void test_status_fields(void)
{
	/* DNR | SCT 2 (media) | SC 0x85 (compare failure) */
	CU_ASSERT_EQUAL(nvmeu_status_sc(0x4285), 0x85);
	CU_ASSERT_EQUAL(nvmeu_status_sct(0x4285), 2);
	CU_ASSERT_TRUE(nvmeu_status_dnr(0x4285));
	CU_ASSERT_FALSE(nvmeu_status_dnr(0x0285));
}

UNIT_SUITE(userlib_prep, NULL, NULL,
	   UNIT_TEST(test_big_io),
	   UNIT_TEST(test_big_admin_vec),
	   UNIT_TEST(test_indirect),
	   UNIT_TEST(test_compact),
	   UNIT_TEST(test_compact_refused),
	   UNIT_TEST(test_prep_cmd_dispatch),
	   UNIT_TEST(test_fixed),
	   UNIT_TEST(test_cmd_op_table),
	   UNIT_TEST(test_cqe_decode),
	   UNIT_TEST(test_status_fields))
