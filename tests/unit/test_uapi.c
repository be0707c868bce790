// SPDX-License-Identifier: GPL-2.0
/*
 * The uapi header must match upstream Linux byte for byte (the numbers come
 * from upstream 6.1's headers, see ../shared/docs/abi-facts.md) and our own
 * overlay forms must sit where docs/abi.md says in a 64-byte SQE.
 */
#include <stddef.h>
#include <sys/ioctl.h>
#include <linux/nvme_ioctl.h>
#include <liburing.h>

#include "unit.h"

#define OFF(t, f) offsetof(struct t, f)

static void test_uring_cmd_layout(void)
{
	CU_ASSERT_EQUAL(sizeof(struct nvme_uring_cmd), 72);
	CU_ASSERT_EQUAL(OFF(nvme_uring_cmd, nsid), 4);
	CU_ASSERT_EQUAL(OFF(nvme_uring_cmd, metadata), 16);
	CU_ASSERT_EQUAL(OFF(nvme_uring_cmd, addr), 24);
	CU_ASSERT_EQUAL(OFF(nvme_uring_cmd, metadata_len), 32);
	CU_ASSERT_EQUAL(OFF(nvme_uring_cmd, data_len), 36);
	CU_ASSERT_EQUAL(OFF(nvme_uring_cmd, cdw10), 40);
	CU_ASSERT_EQUAL(OFF(nvme_uring_cmd, cdw15), 60);
	CU_ASSERT_EQUAL(OFF(nvme_uring_cmd, timeout_ms), 64);
	CU_ASSERT_EQUAL(OFF(nvme_uring_cmd, rsvd2), 68);
}

static void test_cmd_op_numbers(void)
{
	CU_ASSERT_EQUAL(NVME_URING_CMD_IO, 0xC0484E80u);
	CU_ASSERT_EQUAL(NVME_URING_CMD_IO_VEC, 0xC0484E81u);
	CU_ASSERT_EQUAL(NVME_URING_CMD_ADMIN, 0xC0484E82u);
	CU_ASSERT_EQUAL(NVME_URING_CMD_ADMIN_VEC, 0xC0484E83u);
	CU_ASSERT_EQUAL(NVME_IOCTL_ADMIN64_CMD, 0xC0504E47u);
	CU_ASSERT_EQUAL(NVME_IOCTL_IO64_CMD, 0xC0504E48u);
	CU_ASSERT_EQUAL(NVME_URING_CMD_IO_COMPACT, 0xC0384EC0u);
	CU_ASSERT_EQUAL(NVME_URING_CMD_ADMIN_INDIRECT, 0xC0504EC3u);
}

/* The overlay structs describe SQE bytes 8..63: io_uring's fields stay put. */
static void test_overlay_in_sqe(void)
{
	size_t base = OFF(io_uring_sqe, cmd_op);

	CU_ASSERT_EQUAL(base, 8);
	CU_ASSERT_EQUAL(sizeof(struct nvme_uring_cmd_compact), 64 - base);
	CU_ASSERT_EQUAL(sizeof(struct nvme_uring_cmd_indirect), 64 - base);
	CU_ASSERT_EQUAL(base + OFF(nvme_uring_cmd_compact, uring_cmd_flags),
			OFF(io_uring_sqe, uring_cmd_flags));
	CU_ASSERT_EQUAL(base + OFF(nvme_uring_cmd_compact, __io_uring),
			OFF(io_uring_sqe, user_data));
	CU_ASSERT_EQUAL(base + OFF(nvme_uring_cmd_compact, addr),
			OFF(io_uring_sqe, addr));
	CU_ASSERT_EQUAL(base + OFF(nvme_uring_cmd_compact, data_len),
			OFF(io_uring_sqe, len));
	CU_ASSERT_EQUAL(base + OFF(nvme_uring_cmd_compact, slba), 48);
	CU_ASSERT_EQUAL(base + OFF(nvme_uring_cmd_compact, cdw13), 60);
	CU_ASSERT_EQUAL(base + OFF(nvme_uring_cmd_indirect, uring_cmd_flags),
			OFF(io_uring_sqe, uring_cmd_flags));
	CU_ASSERT_EQUAL(base + OFF(nvme_uring_cmd_indirect, rsvd2), 48);
}

UNIT_SUITE(uapi, NULL, NULL,
	   UNIT_TEST(test_uring_cmd_layout),
	   UNIT_TEST(test_cmd_op_numbers),
	   UNIT_TEST(test_overlay_in_sqe))
