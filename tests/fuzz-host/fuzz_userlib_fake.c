// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: libnvme-ucmd on its fake backend, with the device's
 * answers taken from the input. nvmeu_open_fake() takes the geometry as
 * parameters and sends no Identify, so the target does what nvmeu_open()
 * does with a real node, through the library: Identify Namespace and
 * Identify Controller go to the fake (whose replies are the input's two
 * pages and statuses), and the library's own decoders turn them into the
 * handle's LBA format (nvmeu__dev_set_format()) and maximum transfer
 * (nvmeu__max_xfer(), with a sysfs limit from the input). The commands
 * built on that geometry (read, with separate metadata too, write zeroes,
 * flush through a queue, DSM, Get Log Page) run in the form the input
 * picks, AUTO included (the probe runs against the fake), and
 * nvmeu_strerror(), the status field helpers, nvmeu_probe_decide() and
 * nvmeu_form_name() decode values from the input.
 *
 * Input: a header (struct hdr, in host byte order, zero-padded), then the
 * Identify Namespace page, then the Identify Controller page (4096 bytes
 * each, zero-padded).
 */
#include <nvme/types.h>

#include "internal.h"
#include "fuzz.h"

#define FD		9
#define MAX_BUF		(1U << 20)

/* What the device sends: zeroes, as long as any buffer the target makes. */
static const uint8_t zeroes[MAX_BUF];

struct hdr {
	uint8_t flags;		/* HDR_* */
	uint8_t form;		/* % NVMEU_FORM_COUNT */
	uint8_t nblocks;	/* read: 1 + nblocks % 8 */
	uint8_t qd;		/* queue entries: 1 + qd % 8 */
	uint32_t nsid;
	int32_t st_probe, st_ns, st_ctrl, st_read, st_flush;
	int32_t len_delta;	/* added to the read's length */
	uint64_t sysfs_max;
	uint64_t slba;
	uint32_t wz_nblocks, wz_flags;
	uint32_t log_len;
	uint64_t log_off;
	uint8_t lid, lsp;
	uint16_t dsm_nr;
	int32_t facts[4];	/* struct nvmeu_probe_facts */
	int32_t err;		/* one more value for nvmeu_strerror() */
};

#define HDR_CTRL	(1U << 0)	/* a controller node */
#define HDR_URING	(1U << 1)	/* the kernel has uring_cmd */
#define HDR_NO_IOCTL64	(1U << 2)	/* pre-5.5: 32-bit ioctls only */
#define HDR_NO_BIG	(1U << 3)	/* SQE128 rings cannot be set up */
#define HDR_RAE		(1U << 4)

struct run {
	struct hdr h;
	uint8_t *ns_page, *ctrl_page;	/* what the fake device returns */
	struct nvme_id_ns *ns;		/* what the library read */
	struct nvme_id_ctrl *ctrl;
	struct nvmeu_fake_cmd table[8];
	unsigned int n;
	struct nvmeu_dev *dev;
	uint32_t nsid;
};

static struct nvmeu_fake_cmd *expect(struct run *r, uint8_t opcode,
				     bool admin, uint32_t nsid, int status)
{
	struct nvmeu_fake_cmd *e = &r->table[r->n++];

	memset(e, 0, sizeof(*e));
	e->opcode = opcode;
	e->admin = admin;
	e->nsid = nsid;
	e->status = status;
	return e;
}

/* Every string the library gives back is a real, terminated string. */
static void strings(int ret)
{
	const char *s = nvmeu_strerror(ret);

	if (!s || strlen(s) > 4096)
		abort();
	if (ret > 0)
		fprintf(fuzz_sink(), "%u %u %d\n", nvmeu_status_sc(ret),
			nvmeu_status_sct(ret), nvmeu_status_dnr(ret));
}

static int learn_format(struct run *r)
{
	struct nvmeu_dev_info info;
	int ret = nvmeu_identify_ns(r->dev, r->nsid, r->ns);

	strings(ret);
	if (ret)
		return ret;
	ret = nvmeu__dev_set_format(r->dev, r->ns);
	if (ret)
		return ret;
	if (nvmeu_dev_get_info(r->dev, &info) || info.nsid != r->nsid)
		abort();
	if (info.lba_size < 512 || info.lba_size > (1U << 24) ||
	    (info.lba_size & (info.lba_size - 1)))
		abort();
	return 0;
}

static int learn_max_xfer(struct run *r)
{
	int ret = nvmeu_identify_ctrl(r->dev, r->ctrl);

	strings(ret);
	if (ret)
		return ret;
	r->dev->max_xfer = nvmeu__max_xfer(r->ctrl->mdts, r->h.sysfs_max);
	if (r->dev->max_xfer < 4096 && r->dev->max_xfer != r->h.sysfs_max)
		abort();
	if (r->dev->max_xfer > 0x80000000U)
		abort();
	return 0;
}

/* A read of the input's size: by the sync helper, or raw with metadata. */
static void read_blocks(struct run *r, struct nvmeu_fake_cmd *e)
{
	const struct nvmeu_dev *d = r->dev;
	uint32_t nb = 1 + r->h.nblocks % 8;
	uint64_t len = (uint64_t)nb * nvmeu__block_bytes(d) + r->h.len_delta;
	uint64_t mlen = d->meta_ext ? 0 : (uint64_t)nb * d->meta_size;
	struct nvme_passthru_cmd64 cmd;
	uint8_t *buf, *meta;
	int ret;

	if (!len || len > MAX_BUF || mlen > MAX_BUF)
		return;
	buf = malloc(len);
	meta = malloc(mlen ? mlen : 1);
	if (!buf || !meta)
		abort();
	e->cdw10 = (uint32_t)r->h.slba;
	e->cdw11 = (uint32_t)(r->h.slba >> 32);
	e->cdw12 = nb - 1;
	e->data_len = (uint32_t)len;
	e->in_data = zeroes;
	ret = nvmeu_read(r->dev, r->h.slba, nb, buf, (uint32_t)len);
	strings(ret);
	if (ret == -EINVAL && mlen &&
	    !nvmeu_cmd_read(d, &cmd, r->h.slba, nb, buf, (uint32_t)len) &&
	    !nvmeu_cmd_set_meta(d, &cmd, meta, (uint32_t)mlen)) {
		e->metadata_len = (uint32_t)mlen;
		e->in_meta = zeroes;
		strings(nvmeu_io_passthru(r->dev, &cmd));
	}
	free(buf);
	free(meta);
}

/* A flush through a queue: queue, submit, reap. */
static void queued_flush(struct run *r)
{
	struct nvmeu_completion c[2];
	struct nvme_passthru_cmd64 cmd;
	struct nvmeu_queue *q;
	int ret;

	if (nvmeu_cmd_flush(r->dev, &cmd) ||
	    nvmeu_queue_init(r->dev, 1 + r->h.qd % 8, 0, &q))
		return;
	ret = nvmeu_queue_cmd(q, &cmd, 0, 0x5eed);
	if (!ret)
		ret = nvmeu_queue_submit(q);
	if (ret >= 0) {
		ret = nvmeu_queue_reap(q, c, 2, 1);
		if (ret == 1 && (c[0].cookie != 0x5eed || c[0].cmd != &cmd))
			abort();
		if (ret == 1)
			strings(c[0].ret);
	}
	if (nvmeu_queue_inflight(q) > 1)
		abort();
	nvmeu_queue_exit(q);
}

/* Builders only: nothing of these is sent. */
static void build_more(struct run *r)
{
	const struct hdr *h = &r->h;
	unsigned int nr = h->dsm_nr % 300;
	struct nvme_dsm_range *ranges = calloc(nr ? nr : 1, sizeof(*ranges));
	struct nvme_passthru_cmd64 cmd;
	uint32_t numd;
	int form;

	if (!ranges)
		abort();
	for (unsigned int i = 0; i < nr; i++)
		nvmeu_dsm_range_set(&ranges[i], h->slba + i, h->wz_nblocks, i);
	if (!nvmeu_cmd_dsm(r->dev, &cmd, h->wz_flags, ranges, nr) &&
	    (cmd.cdw10 != nr - 1 || cmd.data_len != nr * sizeof(*ranges)))
		abort();
	free(ranges);
	if (!nvmeu_cmd_write_zeroes(r->dev, &cmd, h->slba, h->wz_nblocks,
				    h->wz_flags)) {
		if ((cmd.cdw12 & 0xffff) != h->wz_nblocks - 1)
			abort();
		form = nvmeu_exec_form(r->dev, &cmd, 0);
		if (form <= NVMEU_FORM_AUTO || form >= NVMEU_FORM_COUNT)
			abort();
	}
	/* the buffer is not touched by the builder: any non-NULL pointer */
	if (!nvmeu_cmd_get_log(&cmd, NVME_NSID_ALL, h->lid, h->lsp,
			       h->flags & HDR_RAE, h->log_off, (void *)zeroes,
			       h->log_len)) {
		numd = (cmd.cdw10 >> 16) | (cmd.cdw11 & 0xffff) << 16;
		if ((uint64_t)numd + 1 != h->log_len / 4)
			abort();
	}
}

static void decode_values(const struct hdr *h)
{
	struct nvmeu_probe_facts f = {
		h->facts[0], h->facts[1], h->facts[2], h->facts[3],
	};
	enum nvmeu_form form = nvmeu_probe_decide(&f);

	if (form != NVMEU_FORM_COMPACT && form != NVMEU_FORM_BIG &&
	    form != NVMEU_FORM_IOCTL)
		abort();
	if (!nvmeu_form_name((enum nvmeu_form)h->facts[0]))
		abort();
	strings(h->err);
	strings(h->facts[1]);
}

static void captures(const struct nvmeu_dev *dev)
{
	struct nvmeu_fake_capture c;
	const char *why = NULL;
	unsigned int n = nvmeu_fake_ncaptured(dev);

	for (unsigned int i = 0; i < n; i++)
		if (nvmeu_fake_get_capture(dev, i, &c) ||
		    c.sqe_len > sizeof(c.sqe))
			abort();
	if (nvmeu_fake_get_capture(dev, n, &c) != -EINVAL)
		abort();
	nvmeu_fake_check(dev, &why);
	if (!why || strlen(why) > 4096)
		abort();
}

static void run_device(struct run *r)
{
	struct nvmeu_fake_params p = {
		.fd = FD,
		.nsid = r->nsid,
		.lba_size = r->nsid ? 512 : 0,
		.form = (enum nvmeu_form)(r->h.form % NVMEU_FORM_COUNT),
		.uring = !!(r->h.flags & HDR_URING),
		.big_setup = (r->h.flags & HDR_NO_BIG) ? -EINVAL : 0,
		.no_ioctl64 = !!(r->h.flags & HDR_NO_IOCTL64),
	};
	struct nvmeu_fake_cmd *rd = NULL;
	struct nvmeu_fake_cmd *e;
	int ret = 0;

	/* the probe's command: a read of LBA 0, or Identify Controller */
	if (p.form == NVMEU_FORM_AUTO && p.uring) {
		e = expect(r, r->nsid ? 0x02 : 0x06, !r->nsid, r->nsid,
			   r->h.st_probe);
		e->data_len = r->nsid ? 512 : NVMEU_ID_SIZE;
		e->cdw10 = r->nsid ? 0 : NVME_IDENTIFY_CNS_CTRL;
		e->in_data = zeroes;
	}
	if (r->nsid) {
		e = expect(r, 0x06, true, r->nsid, r->h.st_ns);
		e->data_len = NVMEU_ID_SIZE;
		e->in_data = r->ns_page;
	}
	e = expect(r, 0x06, true, 0, r->h.st_ctrl);
	e->cdw10 = NVME_IDENTIFY_CNS_CTRL;
	e->data_len = NVMEU_ID_SIZE;
	e->in_data = r->ctrl_page;
	if (r->nsid) {
		rd = expect(r, 0x02, false, r->nsid, r->h.st_read);
		expect(r, 0x00, false, r->nsid, r->h.st_flush);
	}

	if (nvmeu_open_fake(r->table, r->n, &p, &r->dev) ||
	    nvmeu_dev_fd(r->dev) != FD)
		abort();
	if (r->nsid)
		ret = learn_format(r);
	if (!ret)
		ret = learn_max_xfer(r);
	/* where nvmeu_open() would fail, only the builders below run */
	if (!ret && rd) {
		read_blocks(r, rd);
		queued_flush(r);
	}
	build_more(r);
	captures(r->dev);
	nvmeu_close(r->dev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct run r;

	memset(&r, 0, sizeof(r));
	fuzz_take(&in, &r.h, sizeof(r.h));
	if (!(r.h.flags & HDR_CTRL))
		r.nsid = r.h.nsid ? r.h.nsid : 1;
	r.ns_page = malloc(NVMEU_ID_SIZE);
	r.ctrl_page = malloc(NVMEU_ID_SIZE);
	r.ns = malloc(sizeof(*r.ns));
	r.ctrl = malloc(sizeof(*r.ctrl));
	if (!r.ns_page || !r.ctrl_page || !r.ns || !r.ctrl)
		abort();
	fuzz_take(&in, r.ns_page, NVMEU_ID_SIZE);
	fuzz_take(&in, r.ctrl_page, NVMEU_ID_SIZE);
	decode_values(&r.h);
	run_device(&r);
	free(r.ns_page);
	free(r.ctrl_page);
	free(r.ns);
	free(r.ctrl);
	return 0;
}
