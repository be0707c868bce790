// SPDX-License-Identifier: GPL-2.0
/*
 * libnvme-ucmd's command builders: the dwords of every command, and the
 * argument checks that must refuse a command (-EINVAL, command untouched)
 * before anything could be submitted.
 */
#include <endian.h>
#include <string.h>

#include <nvme/types.h>
#include <nvme-ucmd.h>

#include "internal.h"
#include "unit.h"

static unsigned char buf[64 * 1024] __attribute__((aligned(4096)));

/* A namespace: nsid 3, 512-byte LBAs, 64 KiB maximum transfer. */
static struct nvmeu_dev *ns_dev(__u32 meta, bool ext)
{
	struct nvmeu_fake_params p = {
		.fd = 9, .nsid = 3, .lba_size = 512, .meta_size = meta,
		.meta_ext = ext, .max_xfer = 64 * 1024,
		.form = NVMEU_FORM_IOCTL,
	};
	struct nvmeu_dev *dev = NULL;

	CU_ASSERT_FATAL(nvmeu_open_fake(NULL, 0, &p, &dev) == 0);
	return dev;
}

/* A command filled with a marker, to see that refusals leave it alone. */
static void poison(struct nvme_passthru_cmd64 *c)
{
	memset(c, 0xee, sizeof(*c));
}

static int poisoned(const struct nvme_passthru_cmd64 *c)
{
	const unsigned char *p = (const void *)c;

	for (size_t i = 0; i < sizeof(*c); i++)
		if (p[i] != 0xee)
			return 0;
	return 1;
}

static void test_identify(void)
{
	struct nvme_passthru_cmd64 c;

	poison(&c);
	CU_ASSERT_EQUAL(nvmeu_cmd_identify(&c, 0x02, 7, buf), 0);
	CU_ASSERT_EQUAL(c.opcode, 0x06);
	CU_ASSERT_EQUAL(c.nsid, 7);
	CU_ASSERT_EQUAL(c.cdw10, 0x02);
	CU_ASSERT_EQUAL(c.cdw11, 0);
	CU_ASSERT_EQUAL(c.data_len, 4096);
	CU_ASSERT_EQUAL(c.addr, (uintptr_t)buf);
	CU_ASSERT_EQUAL(c.flags | c.rsvd1 | c.cdw2 | c.cdw3 | c.cdw12 | c.cdw15,
			0);
	CU_ASSERT_EQUAL(c.metadata | c.result | c.timeout_ms, 0);
	poison(&c);
	CU_ASSERT_EQUAL(nvmeu_cmd_identify(&c, 1, 0, NULL), -EINVAL);
	CU_ASSERT(poisoned(&c));
}

/* NUMD = dwords - 1, NUMDL in CDW10 31:16, NUMDU in CDW11 15:0. */
static void test_get_log_numd_split(void)
{
	struct nvme_passthru_cmd64 c;

	CU_ASSERT_EQUAL(nvmeu_cmd_get_log(&c, 0xffffffff, 0x02, 0, false, 0,
					  buf, 512), 0);
	CU_ASSERT_EQUAL(c.opcode, 0x02);
	CU_ASSERT_EQUAL(c.nsid, 0xffffffff);
	CU_ASSERT_EQUAL(c.cdw10, 0x007f0002);		/* 127 dwords - 1 */
	CU_ASSERT_EQUAL(c.cdw11, 0);
	CU_ASSERT_EQUAL(c.data_len, 512);
	/* 0x40004 bytes = 0x10001 dwords: NUMD 0x10000 */
	CU_ASSERT_EQUAL(nvmeu_cmd_get_log(&c, 1, 0xc0, 0, false, 0, buf,
					  0x40004), 0);
	CU_ASSERT_EQUAL(c.cdw10, 0x000000c0);
	CU_ASSERT_EQUAL(c.cdw11, 0x00000001);
	/* 0x80000 bytes: NUMD 0x1ffff */
	CU_ASSERT_EQUAL(nvmeu_cmd_get_log(&c, 1, 0xc0, 0, false, 0, buf,
					  0x80000), 0);
	CU_ASSERT_EQUAL(c.cdw10, 0xffff00c0);
	CU_ASSERT_EQUAL(c.cdw11, 0x00000001);
}

static void test_get_log_fields(void)
{
	struct nvme_passthru_cmd64 c;

	CU_ASSERT_EQUAL(nvmeu_cmd_get_log(&c, 1, 0x0d, 0x12, true,
					  0x0000000500000008ULL, buf, 8), 0);
	/* LID 0x0d, LSP 0x12 at 14:8, RAE bit 15, NUMDL 1 */
	CU_ASSERT_EQUAL(c.cdw10, 0x0001920d);
	CU_ASSERT_EQUAL(c.cdw12, 8);			/* LPOL */
	CU_ASSERT_EQUAL(c.cdw13, 5);			/* LPOU */
}

static void test_get_log_invalid(void)
{
	struct nvme_passthru_cmd64 c;

	poison(&c);
	CU_ASSERT_EQUAL(nvmeu_cmd_get_log(&c, 1, 2, 0, 0, 0, buf, 0), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_get_log(&c, 1, 2, 0, 0, 0, buf, 6), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_get_log(&c, 1, 2, 0, 0, 2, buf, 8), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_get_log(&c, 1, 2, 0x80, 0, 0, buf, 8),
			-EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_get_log(&c, 1, 2, 0, 0, 0, NULL, 8), -EINVAL);
	CU_ASSERT(poisoned(&c));
}

static void test_features(void)
{
	struct nvme_passthru_cmd64 c;

	CU_ASSERT_EQUAL(nvmeu_cmd_get_features(&c, 0, 0x07, 3, 0x55, NULL, 0),
			0);
	CU_ASSERT_EQUAL(c.opcode, 0x0a);
	CU_ASSERT_EQUAL(c.cdw10, 0x307);
	CU_ASSERT_EQUAL(c.cdw11, 0x55);
	CU_ASSERT_EQUAL(c.data_len, 0);
	CU_ASSERT_EQUAL(c.addr, 0);
	CU_ASSERT_EQUAL(nvmeu_cmd_set_features(&c, 1, 0x08, true, 0x1234,
					       0x99, buf, 16), 0);
	CU_ASSERT_EQUAL(c.opcode, 0x09);
	CU_ASSERT_EQUAL(c.nsid, 1);
	CU_ASSERT_EQUAL(c.cdw10, 0x80000008);
	CU_ASSERT_EQUAL(c.cdw11, 0x1234);
	CU_ASSERT_EQUAL(c.cdw12, 0x99);
	CU_ASSERT_EQUAL(c.data_len, 16);
	poison(&c);
	CU_ASSERT_EQUAL(nvmeu_cmd_get_features(&c, 0, 7, 8, 0, NULL, 0),
			-EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_set_features(&c, 0, 7, 0, 0, 0, NULL, 4),
			-EINVAL);
	CU_ASSERT(poisoned(&c));
}

static void test_read_write_compare(void)
{
	struct nvmeu_dev *dev = ns_dev(0, false);
	struct nvme_passthru_cmd64 c;

	CU_ASSERT_EQUAL(nvmeu_cmd_read(dev, &c, 0x123456789ULL, 8, buf, 4096),
			0);
	CU_ASSERT_EQUAL(c.opcode, 0x02);
	CU_ASSERT_EQUAL(c.nsid, 3);
	CU_ASSERT_EQUAL(c.cdw10, 0x23456789);
	CU_ASSERT_EQUAL(c.cdw11, 0x1);
	CU_ASSERT_EQUAL(c.cdw12, 7);
	CU_ASSERT_EQUAL(c.data_len, 4096);
	CU_ASSERT_EQUAL(c.metadata_len, 0);
	CU_ASSERT_EQUAL(nvmeu_cmd_write(dev, &c, 0, 1, buf, 512), 0);
	CU_ASSERT_EQUAL(c.opcode, 0x01);
	CU_ASSERT_EQUAL(c.cdw12, 0);
	CU_ASSERT_EQUAL(nvmeu_cmd_compare(dev, &c, 4, 2, buf, 1024), 0);
	CU_ASSERT_EQUAL(c.opcode, 0x05);
	CU_ASSERT_EQUAL(c.cdw10, 4);
	CU_ASSERT_EQUAL(c.cdw12, 1);
	nvmeu_close(dev);
}

/* Lengths, counts and buffers that must be refused before submission. */
static void test_lba_invalid(void)
{
	struct nvmeu_dev *dev = ns_dev(0, false);
	struct nvme_passthru_cmd64 c;

	poison(&c);
	CU_ASSERT_EQUAL(nvmeu_cmd_read(dev, &c, 0, 0, buf, 0), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_read(dev, &c, 0, 1, buf, 0), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_read(dev, &c, 0, 1, buf, 511), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_read(dev, &c, 0, 2, buf, 512), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_read(dev, &c, 0, 1, NULL, 512), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_write(dev, &c, 0, 1, NULL, 512), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_read(dev, &c, 0, 65537, buf, 65537 * 512),
			-EINVAL);
	/* 129 blocks: over the 64 KiB maximum transfer */
	CU_ASSERT_EQUAL(nvmeu_cmd_read(dev, &c, 0, 129, buf, 129 * 512),
			-EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_read(dev, &c, UINT64_MAX, 2, buf, 1024),
			-EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_read(NULL, &c, 0, 1, buf, 512), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_read(dev, NULL, 0, 1, buf, 512), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_write_zeroes(dev, &c, 0, 0, 0), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_write_zeroes(dev, &c, 0, 65537, 0), -EINVAL);
	CU_ASSERT(poisoned(&c));
	/* the limits themselves are fine */
	CU_ASSERT_EQUAL(nvmeu_cmd_read(dev, &c, 0, 128, buf, 128 * 512), 0);
	CU_ASSERT_EQUAL(nvmeu_cmd_write_zeroes(dev, &c, 0, 65536, 0), 0);
	CU_ASSERT_EQUAL(c.cdw12, 0xffff);
	nvmeu_close(dev);
}

/* A controller node has no namespace: LBA commands are refused. */
static void test_lba_on_ctrl(void)
{
	struct nvmeu_fake_params p = { .form = NVMEU_FORM_IOCTL };
	struct nvme_passthru_cmd64 c;
	struct nvmeu_dev *dev;

	CU_ASSERT_FATAL(nvmeu_open_fake(NULL, 0, &p, &dev) == 0);
	CU_ASSERT_EQUAL(nvmeu_cmd_read(dev, &c, 0, 1, buf, 512), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_flush(dev, &c), -EINVAL);
	nvmeu_close(dev);
}

static void test_extended_and_separate_meta(void)
{
	struct nvmeu_dev *ext = ns_dev(8, true), *sep = ns_dev(8, false);
	struct nvme_passthru_cmd64 c;
	unsigned char meta[64];

	/* extended LBAs carry the metadata in the data buffer */
	CU_ASSERT_EQUAL(nvmeu_cmd_read(ext, &c, 0, 2, buf, 1024), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_read(ext, &c, 0, 2, buf, 1040), 0);
	CU_ASSERT_EQUAL(nvmeu_cmd_set_meta(ext, &c, meta, 16), -EINVAL);
	/* separate metadata: 8 bytes per block in its own buffer */
	CU_ASSERT_EQUAL(nvmeu_cmd_read(sep, &c, 0, 2, buf, 1024), 0);
	CU_ASSERT_EQUAL(nvmeu_cmd_set_meta(sep, &c, meta, 8), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_set_meta(sep, &c, NULL, 16), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_set_meta(sep, &c, meta, 16), 0);
	CU_ASSERT_EQUAL(c.metadata, (uintptr_t)meta);
	CU_ASSERT_EQUAL(c.metadata_len, 16);
	nvmeu_close(ext);
	nvmeu_close(sep);
}

static void test_write_zeroes_flush(void)
{
	struct nvmeu_dev *dev = ns_dev(0, false);
	struct nvme_passthru_cmd64 c;

	CU_ASSERT_EQUAL(nvmeu_cmd_write_zeroes(dev, &c, 0x10, 16,
					       NVMEU_CDW12_DEAC), 0);
	CU_ASSERT_EQUAL(c.opcode, 0x08);
	CU_ASSERT_EQUAL(c.cdw10, 0x10);
	CU_ASSERT_EQUAL(c.cdw12, 0x0200000f);
	CU_ASSERT_EQUAL(c.data_len, 0);
	CU_ASSERT_EQUAL(c.addr, 0);
	CU_ASSERT_EQUAL(nvmeu_cmd_write_zeroes(dev, &c, 0, 1, 0x8000),
			-EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_flush(dev, &c), 0);
	CU_ASSERT_EQUAL(c.opcode, 0x00);
	CU_ASSERT_EQUAL(c.nsid, 3);
	CU_ASSERT_EQUAL(c.cdw10 | c.cdw12 | c.data_len, 0);
	nvmeu_close(dev);
}

static void test_dsm(void)
{
	struct nvmeu_dev *dev = ns_dev(0, false);
	struct nvme_dsm_range r[2];
	struct nvme_passthru_cmd64 c;
	const unsigned char *b = (const void *)&r[1];
	const unsigned char want[16] = {
		0x44, 0x33, 0x22, 0x11,		/* cattr */
		0x00, 0x01, 0x00, 0x00,		/* nlb 256, not 0's based */
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,	/* slba */
	};

	nvmeu_dsm_range_set(&r[0], 0, 8, 0);
	nvmeu_dsm_range_set(&r[1], 0x0102030405060708ULL, 256, 0x11223344);
	CU_ASSERT_EQUAL(memcmp(b, want, 16), 0);
	CU_ASSERT_EQUAL(nvmeu_cmd_dsm(dev, &c, NVMEU_DSM_AD, r, 2), 0);
	CU_ASSERT_EQUAL(c.opcode, 0x09);
	CU_ASSERT_EQUAL(c.cdw10, 1);
	CU_ASSERT_EQUAL(c.cdw11, 4);
	CU_ASSERT_EQUAL(c.data_len, 32);
	CU_ASSERT_EQUAL(c.addr, (uintptr_t)r);
	CU_ASSERT_EQUAL(nvmeu_cmd_dsm(dev, &c, NVMEU_DSM_AD, r, 0), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_dsm(dev, &c, NVMEU_DSM_AD, r, 257), -EINVAL);
	CU_ASSERT_EQUAL(nvmeu_cmd_dsm(dev, &c, NVMEU_DSM_AD, NULL, 1), -EINVAL);
	nvmeu_close(dev);
}

/* 2^MDTS * 4 KiB, capped by sysfs, 128 KiB when unknown. */
static void test_max_xfer(void)
{
	CU_ASSERT_EQUAL(nvmeu__max_xfer(0, 0), 128 * 1024);
	CU_ASSERT_EQUAL(nvmeu__max_xfer(5, 0), 128 * 1024);
	CU_ASSERT_EQUAL(nvmeu__max_xfer(7, 0), 512 * 1024);
	CU_ASSERT_EQUAL(nvmeu__max_xfer(7, 256 * 1024), 256 * 1024);
	CU_ASSERT_EQUAL(nvmeu__max_xfer(0, 2048 * 1024), 2048 * 1024);
	CU_ASSERT_EQUAL(nvmeu__max_xfer(2, 2048 * 1024), 16 * 1024);
	CU_ASSERT_EQUAL(nvmeu__max_xfer(30, 0), 0x80000000U);
}

/* FLBAS 3:0 plus 6:5 (as index bits 5:4) pick the LBA format in use. */
static void test_lba_format(void)
{
	static struct nvme_id_ns ns;
	struct nvmeu_dev dev;

	memset(&ns, 0, sizeof(ns));
	memset(&dev, 0, sizeof(dev));
	ns.nlbaf = 19;
	ns.lbaf[1].ds = 9;
	ns.lbaf[17].ds = 12;
	ns.lbaf[17].ms = htole16(16);
	ns.flbas = 0x20 | 0x10 | 0x01;		/* index 17, extended */
	CU_ASSERT_EQUAL(nvmeu__dev_set_format(&dev, &ns), 0);
	CU_ASSERT_EQUAL(dev.lba_size, 4096);
	CU_ASSERT_EQUAL(dev.meta_size, 16);
	CU_ASSERT_TRUE(dev.meta_ext);
	ns.flbas = 0x01;
	CU_ASSERT_EQUAL(nvmeu__dev_set_format(&dev, &ns), 0);
	CU_ASSERT_EQUAL(dev.lba_size, 512);
	CU_ASSERT_EQUAL(dev.meta_size, 0);
	CU_ASSERT_FALSE(dev.meta_ext);
	ns.flbas = 0x02;			/* LBA format 2 is all zero */
	CU_ASSERT_EQUAL(nvmeu__dev_set_format(&dev, &ns), -EIO);
	ns.nlbaf = 10;
	ns.flbas = 0x21;			/* 17 > NLBAF */
	CU_ASSERT_EQUAL(nvmeu__dev_set_format(&dev, &ns), -EIO);
}

UNIT_SUITE(userlib_cmd, NULL, NULL,
	   UNIT_TEST(test_identify),
	   UNIT_TEST(test_get_log_numd_split),
	   UNIT_TEST(test_get_log_fields),
	   UNIT_TEST(test_get_log_invalid),
	   UNIT_TEST(test_features),
	   UNIT_TEST(test_read_write_compare),
	   UNIT_TEST(test_lba_invalid),
	   UNIT_TEST(test_lba_on_ctrl),
	   UNIT_TEST(test_extended_and_separate_meta),
	   UNIT_TEST(test_write_zeroes_flush),
	   UNIT_TEST(test_dsm),
	   UNIT_TEST(test_max_xfer),
	   UNIT_TEST(test_lba_format))
