// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The fake backend: an emulation of the nvme-ucmd kernel and an NVMe device
 * that answers from a table of expected commands. Every SQE and ioctl that
 * reaches it is captured byte for byte, then decoded as the kernel would
 * (form and ring checks, reserved fields, registered buffer bounds),
 * matched against the next expectation, and completed with its reply.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

struct nvmeu_fake {
	const struct nvmeu_fake_cmd *table;
	unsigned int	n, next;
	struct nvmeu_fake_params p;
	struct nvmeu_fake_capture *caps;
	unsigned int	ncaps, maxcaps;
	bool		failed;
	char		why[192];
	pthread_mutex_t	lock;
	unsigned int	refs;		/* handles on this emulated device */
};

/* A command as the emulated kernel decoded it. */
struct fake_req {
	struct nvme_passthru_cmd64 cmd;
	bool		admin, vec, fixed;
	__u16		buf_index;
	struct nvme_passthru_cmd64 *user;	/* indirect: result goes here */
};

/* Remember the first problem; the command completes with -EPROTO. */
static int fake_fail(struct nvmeu_fake *f, const char *fmt, ...)
{
	va_list ap;

	if (!f->failed) {
		va_start(ap, fmt);
		vsnprintf(f->why, sizeof(f->why), fmt, ap);
		va_end(ap);
		f->failed = true;
	}
	return -EPROTO;
}

static struct nvmeu_fake_capture *fake_capture(struct nvmeu_fake *f,
					       enum nvmeu_form form, __u32 op,
					       const void *sqe,
					       unsigned int len)
{
	struct nvmeu_fake_capture *c;

	if (f->ncaps == f->maxcaps) {
		unsigned int m = f->maxcaps ? 2 * f->maxcaps : 16;

		c = realloc(f->caps, m * sizeof(*c));
		if (!c)
			return NULL;
		f->caps = c;
		f->maxcaps = m;
	}
	c = &f->caps[f->ncaps++];
	memset(c, 0, sizeof(*c));
	c->form = form;
	c->op = op;
	c->sqe_len = len;
	if (len)
		memcpy(c->sqe, sqe, len);
	return c;
}

/* The data buffer as an iovec array (one entry unless vectored). */
static void fake_iov(const struct fake_req *rq, struct iovec *one,
		     const struct iovec **iov, unsigned int *cnt, __u64 *total)
{
	unsigned int i;

	*iov = one;
	*cnt = 1;
	one->iov_base = (void *)(uintptr_t)rq->cmd.addr;
	one->iov_len = rq->cmd.data_len;
	if (rq->vec) {
		*iov = (const struct iovec *)(uintptr_t)rq->cmd.addr;
		*cnt = rq->cmd.data_len;
	}
	for (*total = 0, i = 0; i < *cnt; i++)
		*total += (*iov)[i].iov_len;
}

static bool iov_equal(const struct iovec *iov, unsigned int cnt,
		      const unsigned char *want)
{
	for (unsigned int i = 0; i < cnt; want += iov[i].iov_len, i++)
		if (memcmp(iov[i].iov_base, want, iov[i].iov_len))
			return false;
	return true;
}

static void iov_fill(const struct iovec *iov, unsigned int cnt,
		     const unsigned char *src)
{
	for (unsigned int i = 0; i < cnt; src += iov[i].iov_len, i++)
		memcpy(iov[i].iov_base, src, iov[i].iov_len);
}

/* Compare every field the table holds; the first difference fails. */
static int fake_fields(struct nvmeu_fake *f, const struct nvmeu_fake_cmd *e,
		       const struct fake_req *rq, __u64 total)
{
	const struct nvme_passthru_cmd64 *c = &rq->cmd;
	const struct { const char *name; __u64 want, got; } v[] = {
		{ "opcode", e->opcode, c->opcode },
		{ "admin", e->admin, rq->admin },
		{ "nsid", e->nsid, c->nsid },
		{ "cdw2", e->cdw2, c->cdw2 },
		{ "cdw3", e->cdw3, c->cdw3 },
		{ "cdw10", e->cdw10, c->cdw10 },
		{ "cdw11", e->cdw11, c->cdw11 },
		{ "cdw12", e->cdw12, c->cdw12 },
		{ "cdw13", e->cdw13, c->cdw13 },
		{ "cdw14", e->cdw14, c->cdw14 },
		{ "cdw15", e->cdw15, c->cdw15 },
		{ "data_len", e->data_len, total },
		{ "metadata_len", e->metadata_len, c->metadata_len },
	};

	for (unsigned int i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i].want != v[i].got)
			return fake_fail(f, "command %u: %s is 0x%llx, expected 0x%llx",
					 f->next, v[i].name,
					 (unsigned long long)v[i].got,
					 (unsigned long long)v[i].want);
	return 0;
}

/* Match the next expectation, move the data, return its status. */
static int fake_run(struct nvmeu_fake *f, const struct fake_req *rq,
		    __u64 *result)
{
	const struct nvmeu_fake_cmd *e;
	const struct iovec *iov;
	void *meta = (void *)(uintptr_t)rq->cmd.metadata;
	struct iovec one;
	unsigned int cnt;
	__u64 total;
	int r;

	if (f->next >= f->n)
		return fake_fail(f, "command %u (opcode 0x%02x) not expected",
				 f->next, rq->cmd.opcode);
	e = &f->table[f->next];
	fake_iov(rq, &one, &iov, &cnt, &total);
	r = fake_fields(f, e, rq, total);
	f->next++;
	if (r)
		return r;
	if (e->out_data && !iov_equal(iov, cnt, e->out_data))
		return fake_fail(f, "command %u: data differs", f->next - 1);
	if (e->out_meta && memcmp(meta, e->out_meta, e->metadata_len))
		return fake_fail(f, "command %u: metadata differs", f->next - 1);
	if (e->in_data)
		iov_fill(iov, cnt, e->in_data);
	if (e->in_meta)
		memcpy(meta, e->in_meta, e->metadata_len);
	*result = e->result;
	return e->status;
}

/* The form and direction a cmd_op stands for; AUTO if unknown. */
static enum nvmeu_form fake_op_form(__u32 op, struct fake_req *rq)
{
	switch (op) {
	case NVME_URING_CMD_ADMIN_VEC:
		rq->vec = true;
		/* fall through */
	case NVME_URING_CMD_ADMIN:
		rq->admin = true;
		/* fall through */
	case NVME_URING_CMD_IO:
		return NVMEU_FORM_BIG;
	case NVME_URING_CMD_IO_VEC:
		rq->vec = true;
		return NVMEU_FORM_BIG;
	case NVME_URING_CMD_IO_COMPACT:
		return NVMEU_FORM_COMPACT;
	case NVME_URING_CMD_ADMIN_INDIRECT_VEC:
		rq->vec = true;
		/* fall through */
	case NVME_URING_CMD_ADMIN_INDIRECT:
		rq->admin = true;
		return NVMEU_FORM_INDIRECT;
	case NVME_URING_CMD_IO_INDIRECT_VEC:
		rq->vec = true;
		/* fall through */
	case NVME_URING_CMD_IO_INDIRECT:
		return NVMEU_FORM_INDIRECT;
	default:
		return NVMEU_FORM_AUTO;
	}
}

static int fake_decode_big(const unsigned char *sqe, struct fake_req *rq)
{
	struct nvme_uring_cmd uc;
	__u32 pad1;

	/* as upstream, rsvd1 and rsvd2 are not checked */
	memcpy(&pad1, sqe + 12, 4);
	memcpy(&uc, sqe + 48, sizeof(uc));
	if (pad1)
		return -EINVAL;
	memcpy(&rq->cmd, &uc, sizeof(uc));
	return 0;
}

/* The LBA commands the compact form carries. */
static bool fake_compact_opcode(__u8 opcode)
{
	static const __u8 ok[] = { 0x00, 0x01, 0x02, 0x04, 0x05, 0x08, 0x0c };

	return memchr(ok, opcode, sizeof(ok)) != NULL;
}

static int fake_decode_compact(const struct nvmeu_dev *dev,
			       const unsigned char *sqe, struct fake_req *rq)
{
	struct nvme_uring_cmd_compact cc;

	memcpy(&cc, sqe + 8, sizeof(cc));
	if (cc.flags || cc.rsvd || !fake_compact_opcode(cc.opcode))
		return -EINVAL;
	/* separate metadata: only flush may use the compact form */
	if (dev->meta_size && !dev->meta_ext && cc.opcode)
		return -EINVAL;
	rq->cmd.opcode = cc.opcode;
	rq->cmd.nsid = dev->nsid;
	rq->cmd.addr = cc.addr;
	rq->cmd.data_len = cc.data_len;
	rq->cmd.cdw10 = (__u32)cc.slba;
	rq->cmd.cdw11 = (__u32)(cc.slba >> 32);
	rq->cmd.cdw12 = cc.nlb | (__u32)cc.control << 16;
	rq->cmd.cdw13 = cc.cdw13;
	return 0;
}

static int fake_decode_indirect(const unsigned char *sqe, struct fake_req *rq)
{
	struct nvme_uring_cmd_indirect ic;

	memcpy(&ic, sqe + 8, sizeof(ic));
	if (ic.rsvd1 || ic.rsvd2[0] || ic.rsvd2[1] ||
	    ic.len != sizeof(struct nvme_passthru_cmd64))
		return -EINVAL;
	if (!ic.addr)
		return -EFAULT;
	rq->user = (struct nvme_passthru_cmd64 *)(uintptr_t)ic.addr;
	rq->cmd = *rq->user;
	return rq->cmd.rsvd1 || rq->cmd.rsvd2 ? -EINVAL : 0;
}

/* io_uring's checks, then the NVMe driver's, in the kernel's order. */
static int fake_decode(struct nvmeu_queue *q, const struct io_uring_sqe *s,
		       enum nvmeu_form form, struct fake_req *rq)
{
	const struct nvmeu_dev *dev = q->dev;
	const struct nvmeu_fake_params *p = &dev->fake->p;

	if (s->opcode != IORING_OP_URING_CMD || p->uring <= 0 ||
	    (s->uring_cmd_flags & ~IORING_URING_CMD_FIXED))
		return -EINVAL;
	rq->fixed = s->uring_cmd_flags & IORING_URING_CMD_FIXED;
	rq->buf_index = s->buf_index;
	if (rq->fixed && rq->buf_index >= q->nbufs)
		return -EFAULT;
	if (form == NVMEU_FORM_AUTO)
		return -ENOTTY;
	if ((form == NVMEU_FORM_BIG) != (q->sqe_size == 128))
		return -EOPNOTSUPP;
	if (p->form_errno[form])
		return p->form_errno[form];
	if (rq->admin != dev->is_ctrl)
		return -ENOTTY;
	if (form == NVMEU_FORM_BIG)
		return fake_decode_big((const void *)s, rq);
	if (form == NVMEU_FORM_COMPACT)
		return fake_decode_compact(dev, (const void *)s, rq);
	return fake_decode_indirect((const void *)s, rq);
}

/* A registered buffer must contain the whole transfer. */
static int fake_fixed_check(const struct nvmeu_queue *q,
			    const struct fake_req *rq)
{
	const struct iovec *b;
	__u64 start = rq->cmd.addr, end = start + rq->cmd.data_len;

	if (!rq->fixed)
		return 0;
	if (rq->vec)
		return -EINVAL;
	b = &q->bufs[rq->buf_index];
	if (start < (uintptr_t)b->iov_base ||
	    end > (uintptr_t)b->iov_base + b->iov_len)
		return -EFAULT;
	return 0;
}

int nvmeu__fake_sqe(struct nvmeu_queue *q, const void *sqe,
		    struct nvmeu_pcqe *c)
{
	struct nvmeu_fake *f = q->dev->fake;
	const struct io_uring_sqe *s = sqe;
	struct nvmeu_fake_capture *cap;
	struct fake_req rq = { 0 };
	enum nvmeu_form form = fake_op_form(s->cmd_op, &rq);
	__u64 result = 0;
	int r;

	pthread_mutex_lock(&f->lock);
	cap = fake_capture(f, form, s->cmd_op, sqe, q->sqe_size);
	r = fake_decode(q, s, form, &rq);
	if (!r)
		r = rq.cmd.flags ? -EINVAL : fake_fixed_check(q, &rq);
	if (cap) {
		cap->admin = rq.admin;
		cap->cmd = rq.cmd;
	}
	if (!r)
		r = fake_run(f, &rq, &result);
	if (r >= 0 && rq.user)
		rq.user->result = result;
	c->big0 = r >= 0 && form == NVMEU_FORM_BIG ? result : 0;
	c->res = r;
	pthread_mutex_unlock(&f->lock);
	return r;
}

/*
 * NVME_IOCTL_ID (the node's namespace, -ENOTTY on a controller node; never
 * refused, not captured), the 64-bit and the 32-bit passthrough ioctls.
 */
int nvmeu__fake_ioctl(struct nvmeu_dev *dev, unsigned long req, void *arg)
{
	struct nvmeu_fake *f = dev->fake;
	bool is64 = req == NVME_IOCTL_ADMIN64_CMD || req == NVME_IOCTL_IO64_CMD;
	struct nvmeu_fake_capture *cap;
	struct fake_req rq = { 0 };
	__u64 result = 0;
	int r;

	if (req == NVME_IOCTL_ID)
		return dev->is_ctrl ? -ENOTTY : (int)dev->nsid;
	if (!is64 && req != NVME_IOCTL_ADMIN_CMD && req != NVME_IOCTL_IO_CMD)
		return -ENOTTY;
	rq.admin = req == NVME_IOCTL_ADMIN64_CMD || req == NVME_IOCTL_ADMIN_CMD;
	memcpy(&rq.cmd, arg, is64 ? sizeof(rq.cmd) :
	       offsetof(struct nvme_passthru_cmd, result));
	pthread_mutex_lock(&f->lock);
	cap = fake_capture(f, NVMEU_FORM_IOCTL, req, NULL, 0);
	if (cap) {
		cap->admin = rq.admin;
		cap->cmd = rq.cmd;
	}
	if (is64 && f->p.no_ioctl64)
		r = -ENOTTY;
	else if (f->p.form_errno[NVMEU_FORM_IOCTL])
		r = f->p.form_errno[NVMEU_FORM_IOCTL];
	else
		r = rq.cmd.flags ? -EINVAL : fake_run(f, &rq, &result);
	if (r >= 0 && is64)
		((struct nvme_passthru_cmd64 *)arg)->result = result;
	else if (r >= 0)
		((struct nvme_passthru_cmd *)arg)->result = (__u32)result;
	pthread_mutex_unlock(&f->lock);
	return r;
}

int nvmeu__fake_uring(const struct nvmeu_dev *dev)
{
	return dev->fake->p.uring;
}

int nvmeu__fake_big_setup(const struct nvmeu_dev *dev)
{
	return dev->fake->p.big_setup;
}

/*
 * One more handle on the emulated device @f (NULL: none): the controller
 * handle of a fake namespace node shares its table, captures and params.
 */
struct nvmeu_fake *nvmeu__fake_get(struct nvmeu_fake *f)
{
	if (f)
		__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
	return f;
}

/* Drop a handle's reference; the last one frees the emulated device. */
void nvmeu__fake_free(struct nvmeu_fake *f)
{
	if (!f || __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL))
		return;
	pthread_mutex_destroy(&f->lock);
	free(f->caps);
	free(f);
}

static int fake_params_ok(const struct nvmeu_fake_params *p)
{
	if ((unsigned int)p->form >= NVMEU_FORM_COUNT)
		return 0;
	if (p->nsid && !p->lba_size)
		return 0;
	for (unsigned int i = 0; i < NVMEU_FORM_COUNT; i++)
		if (p->form_errno[i] > 0)
			return 0;
	return 1;
}

int nvmeu_open_fake(const struct nvmeu_fake_cmd *table, unsigned int n,
		    const struct nvmeu_fake_params *params,
		    struct nvmeu_dev **devp)
{
	struct nvmeu_dev *dev;
	struct nvmeu_fake *f;

	if ((!table && n) || !params || !devp || !fake_params_ok(params))
		return -EINVAL;
	f = calloc(1, sizeof(*f));
	dev = f ? nvmeu__dev_alloc(params->fd, O_RDWR) : NULL;
	if (!dev) {
		free(f);
		return -ENOMEM;
	}
	f->table = table;
	f->n = n;
	f->p = *params;
	f->refs = 1;
	pthread_mutex_init(&f->lock, NULL);
	dev->fake = f;
	dev->nsid = params->nsid;
	dev->is_ctrl = !params->nsid;
	dev->lba_size = params->nsid ? params->lba_size : 0;
	dev->meta_size = params->meta_size;
	dev->meta_ext = params->meta_ext;
	if (params->max_xfer)
		dev->max_xfer = params->max_xfer;
	dev->form = params->form;
	*devp = dev;
	return 0;
}

int nvmeu_fake_check(const struct nvmeu_dev *dev, const char **why)
{
	const struct nvmeu_fake *f = dev ? dev->fake : NULL;
	const char *w = NULL;

	if (!f)
		return -EINVAL;
	if (f->failed)
		w = f->why;
	else if (f->next < f->n)
		w = "expected commands were not sent";
	if (why)
		*why = w ? w : "ok";
	return w ? -EPROTO : 0;
}

unsigned int nvmeu_fake_ncaptured(const struct nvmeu_dev *dev)
{
	return dev && dev->fake ? dev->fake->ncaps : 0;
}

int nvmeu_fake_get_capture(const struct nvmeu_dev *dev, unsigned int idx,
			   struct nvmeu_fake_capture *out)
{
	if (!dev || !dev->fake || !out || idx >= dev->fake->ncaps)
		return -EINVAL;
	*out = dev->fake->caps[idx];
	return 0;
}
