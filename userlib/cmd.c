// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Command builders: fill a struct nvme_passthru_cmd64 for the common admin
 * and I/O commands, checking every argument first (-EINVAL, cmd untouched).
 */
#include <endian.h>

#include <nvme/types.h>

#include "internal.h"

int nvmeu_cmd_init(struct nvme_passthru_cmd64 *cmd, __u8 opcode, __u32 nsid,
		   void *buf, __u32 len)
{
	if (!cmd || (!buf && len))
		return -EINVAL;
	memset(cmd, 0, sizeof(*cmd));
	cmd->opcode = opcode;
	cmd->nsid = nsid;
	cmd->addr = (__u64)(uintptr_t)buf;
	cmd->data_len = len;
	return 0;
}

int nvmeu_cmd_identify(struct nvme_passthru_cmd64 *cmd, __u8 cns,
		       __u32 nsid, void *buf)
{
	int r;

	if (!buf)
		return -EINVAL;
	r = nvmeu_cmd_init(cmd, nvme_admin_identify, nsid, buf, NVMEU_ID_SIZE);
	if (!r)
		cmd->cdw10 = cns;
	return r;
}

int nvmeu_cmd_get_log(struct nvme_passthru_cmd64 *cmd, __u32 nsid, __u8 lid,
		      __u8 lsp, bool rae, __u64 offset, void *buf, __u32 len)
{
	__u32 numd = len / 4 - 1;
	int r;

	if (!buf || !len || len % 4 || offset % 4 || lsp > 0x7f)
		return -EINVAL;
	r = nvmeu_cmd_init(cmd, nvme_admin_get_log_page, nsid, buf, len);
	if (r)
		return r;
	cmd->cdw10 = lid | (__u32)lsp << 8 | (__u32)rae << 15 |
		     (numd & 0xffff) << 16;
	cmd->cdw11 = numd >> 16;
	cmd->cdw12 = (__u32)offset;
	cmd->cdw13 = (__u32)(offset >> 32);
	return 0;
}

int nvmeu_cmd_get_features(struct nvme_passthru_cmd64 *cmd, __u32 nsid,
			   __u8 fid, __u8 sel, __u32 cdw11, void *buf,
			   __u32 len)
{
	int r;

	if (sel > 7)
		return -EINVAL;
	r = nvmeu_cmd_init(cmd, nvme_admin_get_features, nsid, buf, len);
	if (r)
		return r;
	cmd->cdw10 = fid | (__u32)sel << 8;
	cmd->cdw11 = cdw11;
	return 0;
}

int nvmeu_cmd_set_features(struct nvme_passthru_cmd64 *cmd, __u32 nsid,
			   __u8 fid, bool save, __u32 cdw11, __u32 cdw12,
			   void *buf, __u32 len)
{
	int r = nvmeu_cmd_init(cmd, nvme_admin_set_features, nsid, buf, len);

	if (r)
		return r;
	cmd->cdw10 = fid | (__u32)save << 31;
	cmd->cdw11 = cdw11;
	cmd->cdw12 = cdw12;
	return 0;
}

/* Bytes per LBA in the data buffer: extended formats carry the metadata. */
__u32 nvmeu__block_bytes(const struct nvmeu_dev *dev)
{
	return dev->lba_size + (dev->meta_ext ? dev->meta_size : 0);
}

/* LBA range checks shared by every LBA command. */
static int lba_checks(const struct nvmeu_dev *dev, __u64 slba, __u32 nblocks)
{
	if (!dev || dev->is_ctrl || !dev->lba_size)
		return -EINVAL;
	if (!nblocks || nblocks > NVMEU_MAX_NLB)
		return -EINVAL;
	if (slba > UINT64_MAX - nblocks)
		return -EINVAL;
	return 0;
}

static int cmd_lba(const struct nvmeu_dev *dev,
		   struct nvme_passthru_cmd64 *cmd, __u8 opcode, __u64 slba,
		   __u32 nblocks, const void *buf, __u32 len)
{
	int r = lba_checks(dev, slba, nblocks);

	if (r)
		return r;
	if (buf || len) {
		/* data commands: exactly nblocks blocks, within the limit */
		if (!buf || (__u64)len != (__u64)nblocks * nvmeu__block_bytes(dev))
			return -EINVAL;
		if (len > dev->max_xfer)
			return -EINVAL;
	}
	r = nvmeu_cmd_init(cmd, opcode, dev->nsid, (void *)buf, len);
	if (r)
		return r;
	cmd->cdw10 = (__u32)slba;
	cmd->cdw11 = (__u32)(slba >> 32);
	cmd->cdw12 = nblocks - 1;
	return 0;
}

/* Read, write and compare move data: a NULL buffer is an error. */
static int cmd_data(const struct nvmeu_dev *dev,
		    struct nvme_passthru_cmd64 *cmd, __u8 opcode, __u64 slba,
		    __u32 nblocks, const void *buf, __u32 len)
{
	if (!buf || !len)
		return -EINVAL;
	return cmd_lba(dev, cmd, opcode, slba, nblocks, buf, len);
}

int nvmeu_cmd_read(const struct nvmeu_dev *dev,
		   struct nvme_passthru_cmd64 *cmd, __u64 slba,
		   __u32 nblocks, void *buf, __u32 len)
{
	return cmd_data(dev, cmd, nvme_cmd_read, slba, nblocks, buf, len);
}

int nvmeu_cmd_write(const struct nvmeu_dev *dev,
		    struct nvme_passthru_cmd64 *cmd, __u64 slba,
		    __u32 nblocks, const void *buf, __u32 len)
{
	return cmd_data(dev, cmd, nvme_cmd_write, slba, nblocks, buf, len);
}

int nvmeu_cmd_compare(const struct nvmeu_dev *dev,
		      struct nvme_passthru_cmd64 *cmd, __u64 slba,
		      __u32 nblocks, const void *buf, __u32 len)
{
	return cmd_data(dev, cmd, nvme_cmd_compare, slba, nblocks, buf, len);
}

int nvmeu_cmd_set_meta(const struct nvmeu_dev *dev,
		       struct nvme_passthru_cmd64 *cmd, void *meta, __u32 len)
{
	if (!dev || !cmd || !meta || !dev->meta_size || dev->meta_ext)
		return -EINVAL;
	if ((__u64)len != ((cmd->cdw12 & 0xffff) + 1ULL) * dev->meta_size)
		return -EINVAL;
	cmd->metadata = (__u64)(uintptr_t)meta;
	cmd->metadata_len = len;
	return 0;
}

int nvmeu_cmd_write_zeroes(const struct nvmeu_dev *dev,
			   struct nvme_passthru_cmd64 *cmd, __u64 slba,
			   __u32 nblocks, __u32 cdw12_flags)
{
	int r;

	if (cdw12_flags & 0xffff)
		return -EINVAL;
	r = cmd_lba(dev, cmd, nvme_cmd_write_zeroes, slba, nblocks, NULL, 0);
	if (!r)
		cmd->cdw12 |= cdw12_flags;
	return r;
}

int nvmeu_cmd_flush(const struct nvmeu_dev *dev,
		    struct nvme_passthru_cmd64 *cmd)
{
	if (!dev || dev->is_ctrl)
		return -EINVAL;
	return nvmeu_cmd_init(cmd, nvme_cmd_flush, dev->nsid, NULL, 0);
}

int nvmeu_cmd_dsm(const struct nvmeu_dev *dev,
		  struct nvme_passthru_cmd64 *cmd, __u32 attrs,
		  const struct nvme_dsm_range *ranges, unsigned int nr)
{
	int r;

	if (!dev || dev->is_ctrl || !ranges || !nr || nr > 256)
		return -EINVAL;
	r = nvmeu_cmd_init(cmd, nvme_cmd_dsm, dev->nsid, (void *)ranges,
			   nr * sizeof(*ranges));
	if (r)
		return r;
	cmd->cdw10 = nr - 1;
	cmd->cdw11 = attrs;
	return 0;
}

void nvmeu_dsm_range_set(struct nvme_dsm_range *range, __u64 slba,
			 __u32 nblocks, __u32 cattr)
{
	range->cattr = htole32(cattr);
	range->nlb = htole32(nblocks);
	range->slba = htole64(slba);
}
