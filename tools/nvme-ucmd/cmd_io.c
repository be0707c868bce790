// SPDX-License-Identifier: GPL-2.0
/*
 * I/O commands on a namespace node: read, write, compare, flush,
 * write-zeroes, dsm (trim). Options and their meaning are nvme-cli's;
 * --block-count is 0's based like the NLB field.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <nvme-ucmd.h>

#include "cmds.h"
#include "print.h"

struct ns_fmt {
	unsigned int lbs, ms;
	int ext;
	uint64_t nsze;
};

static int ns_format(struct cli_dev *d, struct ns_fmt *f)
{
	struct nvme_id_ns *ns = cli_alloc(sizeof(*ns));
	int ret;

	if (!ns)
		return -ENOMEM;
	ret = cli_identify(d, NVME_IDENTIFY_CNS_NS, d->nsid, ns);
	if (!ret) {
		cli_ns_format(ns, &f->lbs, &f->ms, &f->ext);
		f->nsze = le64toh(ns->nsze);
	}
	free(ns);
	return ret;
}

static int check_range(struct cli_dev *d, const char *what, const struct ns_fmt *f,
		       uint64_t slba, uint64_t nlb)
{
	if (slba >= f->nsze || nlb > f->nsze - slba) {
		cli_err("%s: %s: blocks %llu..%llu are beyond the namespace's %llu "
			"blocks (LBA out of range)", d->path, what,
			(unsigned long long)slba, (unsigned long long)(slba + nlb - 1),
			(unsigned long long)f->nsze);
		return 1;
	}
	return 0;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* ---- read, write, compare ---- */

struct rw_cfg {
	uint64_t slba, nlb, data_size, meta_size, reftag, apptag, appmask;
	uint64_t prinfo, dtype, dspec, dsm;
	const char *data, *metadata;
	bool fua, lr, show, dry, latency;
};

#define RW(l, s, f, hi, h) O_NUM(l, s, struct rw_cfg, f, 0, hi, h)
static const struct cli_opt rw_opts[] = {
	RW("start-block", 's', slba, UINT64_MAX, "first LBA"),
	RW("block-count", 'c', nlb, 0xffff, "number of blocks, 0's based (0 = one block)"),
	O_SIZE("data-size", 'z', struct rw_cfg, data_size, 0, 1u << 31,
	       "data bytes (default: what the blocks hold)"),
	O_SIZE("metadata-size", 'y', struct rw_cfg, meta_size, 0, 1u << 31,
	       "separate metadata bytes (default: what the blocks hold)"),
	RW("ref-tag", 'r', reftag, U32_MAX_, "reference tag (protection information)"),
	RW("app-tag", 'a', apptag, 0xffff, "application tag"),
	RW("app-tag-mask", 'm', appmask, 0xffff, "application tag mask"),
	RW("prinfo", 'p', prinfo, 0xf, "protection information field"),
	RW("dir-type", 'T', dtype, 0x7, "directive type"),
	RW("dir-spec", 'S', dspec, 0xffff, "directive specific"),
	RW("dsm", 'D', dsm, 0xff, "dataset management attributes"),
	O_STR("data", 'd', struct rw_cfg, data,
	      "data file (read: default stdout, write: default stdin)"),
	O_STR("metadata", 'M', struct rw_cfg, metadata, "separate metadata file"),
	O_FLAG("force-unit-access", 'f', struct rw_cfg, fua, "set FUA"),
	O_FLAG("limited-retry", 'l', struct rw_cfg, lr, "set limited retry"),
	O_FLAG("show-command", 'v', struct rw_cfg, show, "print the command"),
	O_FLAG("dry-run", 'w', struct rw_cfg, dry, "do not send the command"),
	O_FLAG("latency", 't', struct rw_cfg, latency, "print the command's latency"),
	O_END
};

static int rw_buffers(struct rw_cfg *cf, const struct ns_fmt *f,
		      struct nvme_passthru_cmd64 *c, void **data, void **meta)
{
	uint64_t n = cf->nlb + 1;
	uint64_t dlen = n * (f->lbs + (f->ext ? f->ms : 0));
	uint64_t mlen = f->ext ? 0 : n * f->ms;

	if (cf->data_size && cf->data_size < dlen) {
		cli_err("--data-size %llu is less than the %llu bytes of %llu blocks",
			(unsigned long long)cf->data_size, (unsigned long long)dlen,
			(unsigned long long)n);
		return -EINVAL;
	}
	if (cf->data_size)
		dlen = cf->data_size;
	if (cf->meta_size)
		mlen = cf->meta_size;
	*data = cli_alloc(dlen);
	*meta = mlen ? cli_alloc(mlen) : NULL;
	if (!*data || (mlen && !*meta))
		return -ENOMEM;
	c->addr = (uintptr_t)*data;
	c->data_len = (uint32_t)dlen;
	c->metadata = (uintptr_t)*meta;
	c->metadata_len = (uint32_t)mlen;
	return 0;
}

static int run_rw(struct cli_dev *d, struct cli_common *co, struct rw_cfg *cf,
		  uint8_t opcode, const char *what)
{
	bool wr = opcode != nvme_cmd_read;
	struct nvme_passthru_cmd64 c = {
		.opcode = opcode,
		.nsid = d->nsid,
		.cdw10 = (uint32_t)cf->slba,
		.cdw11 = (uint32_t)(cf->slba >> 32),
		.cdw12 = (uint32_t)cf->nlb | (uint32_t)cf->dtype << 20 |
			 (uint32_t)cf->prinfo << 26 | (uint32_t)cf->fua << 30 |
			 (uint32_t)cf->lr << 31,
		.cdw13 = (uint32_t)cf->dspec << 16 | (uint32_t)cf->dsm,
		.cdw14 = (uint32_t)cf->reftag,
		.cdw15 = (uint32_t)cf->appmask << 16 | (uint32_t)cf->apptag,
	};
	void *data = NULL, *meta = NULL;
	struct ns_fmt f;
	double t0;
	int ret = ns_format(d, &f);

	if (ret)
		return cli_cmd_err(d, "identify namespace", ret);
	if (check_range(d, what, &f, cf->slba, cf->nlb + 1))
		return 1;
	ret = rw_buffers(cf, &f, &c, &data, &meta);
	if (ret) {
		ret = cli_cmd_err(d, what, ret);
		goto out;
	}
	if (wr) {
		ret = cli_read_file(cf->data, data, c.data_len);
		if (ret >= 0 && meta && cf->metadata)
			ret = cli_read_file(cf->metadata, meta, c.metadata_len);
		if (ret < 0) {
			cli_err("%s: %s", cf->data ? cf->data : "stdin", strerror(-ret));
			ret = 1;
			goto out;
		}
	}
	if (cf->show || cf->dry)
		cli_show_command(stderr, &c);
	ret = 0;
	if (cf->dry)
		goto out;
	t0 = now_us();
	ret = cli_io(d, &c);
	if (cf->latency)
		fprintf(stderr, "latency: %s: %.0f us\n", what, now_us() - t0);
	if (ret) {
		ret = cli_cmd_err(d, what, ret);
		goto out;
	}
	if (!wr) {
		ret = cli_write_out(cf->data, data, c.data_len);
		if (!ret && meta && cf->metadata)
			ret = cli_write_out(cf->metadata, meta, c.metadata_len);
		if (ret)
			ret = cli_cmd_err(d, cf->data ? cf->data : "stdout", ret);
	} else if (co->fmt != FMT_BINARY) {
		fprintf(stderr, "%s: Success\n", what);
	}
out:
	free(data);
	free(meta);
	return ret;
}

static int run_read(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	return run_rw(d, co, cfg, nvme_cmd_read, "read");
}

static int run_write(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	return run_rw(d, co, cfg, nvme_cmd_write, "write");
}

static int run_compare(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	return run_rw(d, co, cfg, nvme_cmd_compare, "compare");
}

const struct cli_cmd cmd_read = {
	.name = "read",
	.summary = "Read blocks into a file or standard output",
	.desc = "Reads --block-count + 1 blocks from --start-block. The data "
		"size defaults to what the blocks hold (with extended-LBA "
		"metadata); separate metadata goes to --metadata.",
	.opts = rw_opts,
	.cfg_size = sizeof(struct rw_cfg),
	.flags = CMD_DEV | CMD_NS,
	.run = run_read,
};

const struct cli_cmd cmd_write = {
	.name = "write",
	.summary = "Write blocks from a file or standard input",
	.desc = "Writes --block-count + 1 blocks at --start-block; input shorter "
		"than the blocks is padded with zeroes.",
	.opts = rw_opts,
	.cfg_size = sizeof(struct rw_cfg),
	.flags = CMD_DEV | CMD_NS,
	.run = run_write,
};

const struct cli_cmd cmd_compare = {
	.name = "compare",
	.summary = "Compare blocks with a file or standard input",
	.desc = "Fails with NVMe status Compare Failure when the data differ.",
	.opts = rw_opts,
	.cfg_size = sizeof(struct rw_cfg),
	.flags = CMD_DEV | CMD_NS,
	.run = run_compare,
};

/* ---- flush ---- */

struct flush_cfg {
	uint64_t nsid;
};

static const struct cli_opt flush_opts[] = {
	O_NUM("namespace-id", 'n', struct flush_cfg, nsid, 1, U32_MAX_,
	      "namespace (default: the device's)"),
	O_END
};

static int run_flush(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	struct flush_cfg *cf = cfg;
	struct nvme_passthru_cmd64 c;
	int ret = nvmeu_cmd_flush(d->h, &c);

	if (cf->nsid)
		c.nsid = (uint32_t)cf->nsid;
	if (!ret)
		ret = cli_io(d, &c);
	if (ret)
		return cli_cmd_err(d, "flush", ret);
	printf("NVMe Flush: success\n");
	return 0;
}

const struct cli_cmd cmd_flush = {
	.name = "flush",
	.summary = "Flush the namespace's volatile write cache",
	.opts = flush_opts,
	.cfg_size = sizeof(struct flush_cfg),
	.flags = CMD_DEV | CMD_NS,
	.run = run_flush,
};

/* ---- write-zeroes ---- */

struct wz_cfg {
	uint64_t slba, nlb, reftag, apptag, appmask, prinfo;
	bool deac, fua, lr;
};

static const struct cli_opt wz_opts[] = {
	O_NUM("start-block", 's', struct wz_cfg, slba, 0, UINT64_MAX, "first LBA"),
	O_NUM("block-count", 'c', struct wz_cfg, nlb, 0, 0xffff,
	      "number of blocks, 0's based"),
	O_FLAG("deac", 'd', struct wz_cfg, deac, "deallocate the blocks"),
	O_FLAG("force-unit-access", 'f', struct wz_cfg, fua, "set FUA"),
	O_FLAG("limited-retry", 'l', struct wz_cfg, lr, "set limited retry"),
	O_NUM("ref-tag", 'r', struct wz_cfg, reftag, 0, U32_MAX_, "reference tag"),
	O_NUM("app-tag", 'a', struct wz_cfg, apptag, 0, 0xffff, "application tag"),
	O_NUM("app-tag-mask", 'm', struct wz_cfg, appmask, 0, 0xffff,
	      "application tag mask"),
	O_NUM("prinfo", 'p', struct wz_cfg, prinfo, 0, 0xf, "protection information"),
	O_END
};

static int run_write_zeroes(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	struct wz_cfg *cf = cfg;
	struct nvme_passthru_cmd64 c;
	struct ns_fmt f;
	int ret = ns_format(d, &f);

	if (ret)
		return cli_cmd_err(d, "identify namespace", ret);
	if (check_range(d, "write-zeroes", &f, cf->slba, cf->nlb + 1))
		return 1;
	ret = nvmeu_cmd_write_zeroes(d->h, &c, cf->slba, (uint32_t)cf->nlb + 1,
				     (uint32_t)cf->deac << 25 |
				     (uint32_t)cf->prinfo << 26 |
				     (uint32_t)cf->fua << 30 |
				     (uint32_t)cf->lr << 31);
	c.cdw14 = (uint32_t)cf->reftag;
	c.cdw15 = (uint32_t)cf->appmask << 16 | (uint32_t)cf->apptag;
	if (!ret)
		ret = cli_io(d, &c);
	if (ret)
		return cli_cmd_err(d, "write-zeroes", ret);
	printf("NVMe Write Zeroes Success\n");
	return 0;
}

const struct cli_cmd cmd_write_zeroes = {
	.name = "write-zeroes",
	.summary = "Set a range of blocks to zero",
	.opts = wz_opts,
	.cfg_size = sizeof(struct wz_cfg),
	.flags = CMD_DEV | CMD_NS,
	.run = run_write_zeroes,
};

/* ---- dsm / trim ---- */

struct dsm_cfg {
	uint64_t nsid, cdw11;
	struct cli_list ctx, blocks, slbs;
	bool ad, idw, idr;
};

static const struct cli_opt dsm_opts[] = {
	O_NUM("namespace-id", 'n', struct dsm_cfg, nsid, 1, U32_MAX_,
	      "namespace (default: the device's)"),
	O_LIST("ctx-attrs", 'a', struct dsm_cfg, ctx, U32_MAX_,
	       "context attributes, one per range"),
	O_LIST("blocks", 'b', struct dsm_cfg, blocks, U32_MAX_,
	       "range lengths in blocks (not 0's based)"),
	O_LIST("slbs", 's', struct dsm_cfg, slbs, UINT64_MAX, "range start LBAs"),
	O_FLAG("ad", 'd', struct dsm_cfg, ad, "attribute: deallocate"),
	O_FLAG("idw", 'w', struct dsm_cfg, idw, "attribute: integral dataset for write"),
	O_FLAG("idr", 'r', struct dsm_cfg, idr, "attribute: integral dataset for read"),
	O_NUM("cdw11", 'c', struct dsm_cfg, cdw11, 0, U32_MAX_,
	      "all of dword 11 (instead of --ad/--idw/--idr)"),
	O_END
};

static int run_dsm(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	struct dsm_cfg *cf = cfg;
	unsigned int n = cf->slbs.n;
	struct nvme_dsm_range *r;
	struct nvme_passthru_cmd64 c;
	int ret;

	if (!n || cf->blocks.n != n || (cf->ctx.n && cf->ctx.n != n)) {
		cli_err("dsm: --slbs and --blocks (and --ctx-attrs) need the same "
			"number of entries, at least one");
		return 2;
	}
	if (n > 256) {
		cli_err("dsm: at most 256 ranges");
		return 2;
	}
	r = cli_alloc(n * sizeof(*r));
	if (!r)
		return cli_cmd_err(d, "dsm", -ENOMEM);
	for (unsigned int i = 0; i < n; i++)
		nvmeu_dsm_range_set(&r[i], cf->slbs.v[i], (uint32_t)cf->blocks.v[i],
				    cf->ctx.n ? (uint32_t)cf->ctx.v[i] : 0);
	ret = nvmeu_cmd_dsm(d->h, &c, cf->cdw11 ? (uint32_t)cf->cdw11 :
			    (uint32_t)cf->ad << 2 | (uint32_t)cf->idw << 1 |
			    cf->idr, r, n);
	if (cf->nsid)
		c.nsid = (uint32_t)cf->nsid;
	if (!ret)
		ret = cli_io(d, &c);
	free(r);
	if (ret)
		return cli_cmd_err(d, "dsm", ret);
	printf("NVMe DSM: success\n");
	return 0;
}

const struct cli_cmd cmd_dsm = {
	.name = "dsm",
	.alias = "trim",
	.summary = "Dataset Management: deallocate (trim) or hint ranges",
	.desc = "Ranges are given as parallel lists: --slbs=0,100 --blocks=8,8 "
		"--ad deallocates blocks 0-7 and 100-107.",
	.opts = dsm_opts,
	.cfg_size = sizeof(struct dsm_cfg),
	.flags = CMD_DEV | CMD_NS,
	.run = run_dsm,
};
