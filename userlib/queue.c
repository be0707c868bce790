// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Queues: commands with cookies, submitted in batches, reaped later.
 *
 * A queue of a real device in a uring form owns an io_uring ring (SQE128 |
 * CQE32 for the big form) and puts the slot index of each command in
 * sqe->user_data. Queues in the ioctl form, and every queue of a fake handle,
 * keep a private submission and completion queue: commands run at submit
 * time (the fake's SQEs are prepared exactly as for a ring, then decoded).
 */
#include <stdlib.h>

#include "internal.h"

static void queue_free(struct nvmeu_queue *q)
{
	if (q->has_ring)
		io_uring_queue_exit(&q->ring);
	free(q->slots);
	free(q->pend);
	free(q->psq);
	free(q->pcq);
	free(q->bufs);
	free(q);
}

static int queue_alloc_slots(struct nvmeu_queue *q)
{
	unsigned int i;

	q->nslots = 2 * q->entries;
	q->slots = calloc(q->nslots, sizeof(*q->slots));
	if (!q->slots)
		return -ENOMEM;
	for (i = 0; i < q->nslots; i++)
		q->slots[i].next_free = i + 1 < q->nslots ? (int)i + 1 : -1;
	q->free_head = 0;
	return 0;
}

/* The private submission and completion queues (no ring). */
static int queue_alloc_private(struct nvmeu_queue *q)
{
	q->pend = calloc(q->entries, sizeof(*q->pend));
	q->psq = calloc(q->entries, q->sqe_size);
	q->pcq = calloc(q->nslots, sizeof(*q->pcq));
	return q->pend && q->psq && q->pcq ? 0 : -ENOMEM;
}

static int queue_ring_init(struct nvmeu_queue *q, unsigned int flags)
{
	struct io_uring_params p = { 0 };
	int r;

	p.flags = IORING_SETUP_CQSIZE;
	p.cq_entries = q->nslots;
	if (q->form == NVMEU_FORM_BIG)
		p.flags |= IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	if (flags & NVMEU_QUEUE_IOPOLL)
		p.flags |= IORING_SETUP_IOPOLL;
	r = io_uring_queue_init_params(q->entries, &q->ring, &p);
	q->has_ring = !r;
	return r;
}

int nvmeu__queue_new(struct nvmeu_dev *dev, enum nvmeu_form form,
		     unsigned int entries, unsigned int flags,
		     struct nvmeu_queue **qp)
{
	struct nvmeu_queue *q;
	int r;

	if (!entries || entries > NVMEU_MAX_ENTRIES || form == NVMEU_FORM_AUTO ||
	    form >= NVMEU_FORM_COUNT || (flags & ~NVMEU_QUEUE_IOPOLL))
		return -EINVAL;
	if (dev->fake && form == NVMEU_FORM_BIG && nvmeu__fake_big_setup(dev))
		return nvmeu__fake_big_setup(dev);
	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	q->dev = dev;
	q->form = form;
	q->entries = entries;
	q->sqe_size = form == NVMEU_FORM_BIG ? 128 : 64;
	r = queue_alloc_slots(q);
	if (!r && (dev->fake || form == NVMEU_FORM_IOCTL))
		r = queue_alloc_private(q);
	else if (!r)
		r = queue_ring_init(q, flags);
	if (r) {
		queue_free(q);
		return r;
	}
	*qp = q;
	return 0;
}

int nvmeu_queue_init(struct nvmeu_dev *dev, unsigned int entries,
		     unsigned int flags, struct nvmeu_queue **qp)
{
	int form;

	if (!dev || !qp)
		return -EINVAL;
	form = nvmeu_get_form(dev);
	if (form < 0)
		return form;
	return nvmeu__queue_new(dev, form, entries, flags, qp);
}

void nvmeu_queue_exit(struct nvmeu_queue *q)
{
	struct nvmeu_completion c[16];

	if (!q)
		return;
	while (q->inflight)
		if (nvmeu_queue_reap(q, c, 16, 1) < 0)
			break;
	queue_free(q);
}

struct io_uring *nvmeu_queue_ring(struct nvmeu_queue *q)
{
	return q && q->has_ring ? &q->ring : NULL;
}

enum nvmeu_form nvmeu_queue_form(const struct nvmeu_queue *q)
{
	return q ? q->form : NVMEU_FORM_AUTO;
}

unsigned int nvmeu_queue_inflight(const struct nvmeu_queue *q)
{
	return q ? q->inflight : 0;
}

int nvmeu_queue_register_buffers(struct nvmeu_queue *q,
				 const struct iovec *iov, unsigned int nr)
{
	if (!q || !iov || !nr)
		return -EINVAL;
	if (q->form == NVMEU_FORM_IOCTL)
		return -EOPNOTSUPP;
	if (q->has_ring)
		return io_uring_register_buffers(&q->ring, iov, nr);
	free(q->bufs);
	q->bufs = malloc(nr * sizeof(*iov));
	if (!q->bufs)
		return -ENOMEM;
	memcpy(q->bufs, iov, nr * sizeof(*iov));
	q->nbufs = nr;
	return 0;
}

/*
 * The form one command goes in on @dev when the queue's form is @form:
 * compact only for LBA I/O on the node's own namespace.
 */
enum nvmeu_form nvmeu__cmd_form(const struct nvmeu_dev *dev,
				enum nvmeu_form form,
				const struct nvme_passthru_cmd64 *cmd,
				unsigned int flags)
{
	if (form != NVMEU_FORM_COMPACT)
		return form;
	if (!nvmeu_compact_ok(cmd, flags) || cmd->nsid != dev->nsid ||
	    dev->is_ctrl || (dev->meta_size && !dev->meta_ext))
		return NVMEU_FORM_INDIRECT;
	return NVMEU_FORM_COMPACT;
}

/* The next free SQE: the ring's, or the private queue's. */
static struct io_uring_sqe *queue_sqe(struct nvmeu_queue *q)
{
	if (q->has_ring)
		return io_uring_get_sqe(&q->ring);
	if (q->npend >= q->entries)
		return NULL;
	return (struct io_uring_sqe *)(q->psq + q->npend * q->sqe_size);
}

static int queue_add(struct nvmeu_queue *q, struct nvme_passthru_cmd64 *cmd,
		     unsigned int flags, int buf_index, __u64 cookie)
{
	struct io_uring_sqe *sqe;
	struct nvmeu_slot *s;
	int slot = q->free_head;

	if (slot < 0 || !(sqe = queue_sqe(q)))
		return -EBUSY;
	s = &q->slots[slot];
	q->free_head = s->next_free;
	s->cookie = cookie;
	s->cmd = cmd;
	s->flags = flags;
	cmd->result = 0;
	if (q->form != NVMEU_FORM_IOCTL) {
		enum nvmeu_form f = nvmeu__cmd_form(q->dev, q->form, cmd,
						    flags);

		nvmeu_prep_cmd(sqe, f, q->dev->fd, flags, cmd);
		io_uring_sqe_set_data64(sqe, slot);
		if (buf_index >= 0)
			nvmeu_sqe_set_fixed(sqe, buf_index);
	}
	if (!q->has_ring)
		q->pend[q->npend++] = slot;
	q->inflight++;
	return 0;
}

int nvmeu_queue_cmd(struct nvmeu_queue *q, struct nvme_passthru_cmd64 *cmd,
		    unsigned int flags, __u64 cookie)
{
	if (!q || !cmd || (flags & ~(NVMEU_ADMIN | NVMEU_VEC)))
		return -EINVAL;
	return queue_add(q, cmd, flags, -1, cookie);
}

int nvmeu_queue_cmd_fixed(struct nvmeu_queue *q,
			  struct nvme_passthru_cmd64 *cmd, unsigned int flags,
			  __u16 buf_index, __u64 cookie)
{
	if (!q || !cmd || (flags & ~NVMEU_ADMIN))
		return -EINVAL;
	if (q->form == NVMEU_FORM_IOCTL)
		return -EOPNOTSUPP;
	return queue_add(q, cmd, flags, buf_index, cookie);
}

/* Run the private queue's commands, completing each into the private CQ. */
static int queue_run_private(struct nvmeu_queue *q)
{
	unsigned int i, n = q->npend;

	for (i = 0; i < n; i++) {
		unsigned int slot = q->pend[i];
		struct nvmeu_pcqe *c;

		c = &q->pcq[(q->pcq_head + q->pcq_n++) % q->nslots];
		c->user_data = slot;
		c->big0 = 0;
		if (q->form == NVMEU_FORM_IOCTL)
			c->res = nvmeu__ioctl_cmd(q->dev, q->slots[slot].cmd,
						  q->slots[slot].flags);
		else
			nvmeu__fake_sqe(q, q->psq + i * q->sqe_size, c);
	}
	q->npend = 0;
	return n;
}

/*
 * The kernel stops at the first SQE that fails its checks (it completes
 * that one with the error) and leaves the rest queued: go on until the
 * submission queue is empty or the kernel takes nothing.
 */
static int queue_submit_ring(struct nvmeu_queue *q)
{
	int total = 0, r;

	while (io_uring_sq_ready(&q->ring)) {
		r = io_uring_submit(&q->ring);
		if (r <= 0)
			return total ? total : r;
		total += r;
	}
	return total;
}

int nvmeu_queue_submit(struct nvmeu_queue *q)
{
	if (!q)
		return -EINVAL;
	if (q->has_ring)
		return queue_submit_ring(q);
	return queue_run_private(q);
}

/* Turn one completion into @out and free its slot; -EIO for a stray one. */
static int queue_complete(struct nvmeu_queue *q, __u64 user_data, int res,
			  __u64 big0, struct nvmeu_completion *out)
{
	struct nvmeu_slot *s;

	if (user_data >= q->nslots || !q->slots[user_data].cmd)
		return -EIO;
	s = &q->slots[user_data];
	if (q->form == NVMEU_FORM_BIG)
		s->cmd->result = big0;
	out->cookie = s->cookie;
	out->cmd = s->cmd;
	out->result = s->cmd->result;
	out->ret = res;
	s->cmd = NULL;
	s->next_free = q->free_head;
	q->free_head = user_data;
	q->inflight--;
	return 0;
}

static int queue_reap_ring(struct nvmeu_queue *q, struct nvmeu_completion *out,
			   unsigned int max, unsigned int wait_nr)
{
	struct io_uring_cqe *cqe;
	unsigned int n = 0;
	__u64 big0;
	int r;

	if (wait_nr && io_uring_sq_ready(&q->ring)) {
		r = queue_submit_ring(q);
		if (r < 0)
			return r;
	}
	while (n < max) {
		if (n < wait_nr)
			r = io_uring_wait_cqe(&q->ring, &cqe);
		else
			r = io_uring_peek_cqe(&q->ring, &cqe);
		if (r < 0)
			return n || r == -EAGAIN ? (int)n : r;
		big0 = q->form == NVMEU_FORM_BIG ? cqe->big_cqe[0] : 0;
		if (!queue_complete(q, cqe->user_data, cqe->res, big0, &out[n]))
			n++;
		io_uring_cqe_seen(&q->ring, cqe);
	}
	return n;
}

static int queue_reap_private(struct nvmeu_queue *q,
			      struct nvmeu_completion *out, unsigned int max,
			      unsigned int wait_nr)
{
	unsigned int n = 0;

	if (wait_nr && q->npend)
		queue_run_private(q);
	while (n < max && q->pcq_n) {
		struct nvmeu_pcqe *c = &q->pcq[q->pcq_head];

		q->pcq_head = (q->pcq_head + 1) % q->nslots;
		q->pcq_n--;
		if (!queue_complete(q, c->user_data, c->res, c->big0, &out[n]))
			n++;
	}
	return n;
}

int nvmeu_queue_reap(struct nvmeu_queue *q, struct nvmeu_completion *out,
		     unsigned int max, unsigned int wait_nr)
{
	if (!q || !out || !max || wait_nr > max || wait_nr > q->inflight)
		return -EINVAL;
	if (q->has_ring)
		return queue_reap_ring(q, out, max, wait_nr);
	return queue_reap_private(q, out, max, wait_nr);
}

int nvmeu__queue_exec(struct nvmeu_queue *q, struct nvme_passthru_cmd64 *cmd,
		      unsigned int flags)
{
	struct nvmeu_completion c;
	int r;

	r = nvmeu_queue_cmd(q, cmd, flags, 0);
	if (r)
		return r;
	r = nvmeu_queue_reap(q, &c, 1, 1);
	if (r < 0)
		return r;
	return r == 1 ? c.ret : -EIO;
}
