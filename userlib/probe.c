// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Choosing the command form: probe the kernel once per handle with a
 * side-effect free command, decide with a pure function, cache the answer.
 */
#include <stdlib.h>

#include <nvme/types.h>

#include "internal.h"

static const char *const form_names[NVMEU_FORM_COUNT] = {
	[NVMEU_FORM_AUTO]	= "auto",
	[NVMEU_FORM_BIG]	= "big",
	[NVMEU_FORM_COMPACT]	= "compact",
	[NVMEU_FORM_INDIRECT]	= "indirect",
	[NVMEU_FORM_IOCTL]	= "ioctl",
};

const char *nvmeu_form_name(enum nvmeu_form form)
{
	if ((unsigned int)form >= NVMEU_FORM_COUNT)
		return "?";
	return form_names[form];
}

/* The kernel took the command to the device, or refused only for privilege. */
bool nvmeu__accepted(int res)
{
	return res >= 0 || res == -EACCES || res == -EPERM;
}

enum nvmeu_form nvmeu_probe_decide(const struct nvmeu_probe_facts *facts)
{
	if (!facts || facts->uring <= 0)
		return NVMEU_FORM_IOCTL;
	if (nvmeu__accepted(facts->overlay_res))
		return NVMEU_FORM_COMPACT;
	if (facts->big_setup == 0 && nvmeu__accepted(facts->big_res))
		return NVMEU_FORM_BIG;
	return NVMEU_FORM_IOCTL;
}

/* Does io_uring know IORING_OP_URING_CMD at all? */
static int probe_uring(const struct nvmeu_dev *dev)
{
	struct io_uring_probe *p;
	int ok;

	if (dev->fake)
		return nvmeu__fake_uring(dev);
	p = io_uring_get_probe();
	if (!p)
		return 0;
	ok = io_uring_opcode_supported(p, IORING_OP_URING_CMD);
	io_uring_free_probe(p);
	return ok;
}

/* Identify Controller on a controller node, read LBA 0 on a namespace. */
static int probe_cmd(struct nvmeu_queue *q)
{
	struct nvmeu_dev *dev = q->dev;
	__u32 len = dev->is_ctrl ? NVMEU_ID_SIZE : nvmeu__block_bytes(dev);
	struct nvme_passthru_cmd64 cmd;
	void *buf = NULL, *meta = NULL;
	int r;

	if (posix_memalign(&buf, 4096, len))
		return -ENOMEM;
	if (dev->is_ctrl)
		r = nvmeu_cmd_identify(&cmd, NVME_IDENTIFY_CNS_CTRL, 0, buf);
	else
		r = nvmeu_cmd_read(dev, &cmd, 0, 1, buf, len);
	if (!r && dev->meta_size && !dev->meta_ext) {
		meta = calloc(1, dev->meta_size);
		r = meta ? nvmeu_cmd_set_meta(dev, &cmd, meta, dev->meta_size) :
			   -ENOMEM;
	}
	if (!r)
		r = nvmeu__queue_exec(q, &cmd, dev->is_ctrl ? NVMEU_ADMIN : 0);
	free(meta);
	free(buf);
	return r;
}

/* cqe->res of the probe command in @form; *@setup: the ring set-up's. */
static int probe_form(struct nvmeu_dev *dev, enum nvmeu_form form,
		      int *setup)
{
	struct nvmeu_queue *q;
	int r;

	r = nvmeu__queue_new(dev, form, 2, 0, &q);
	if (setup)
		*setup = r;
	if (r)
		return setup ? NVMEU_PROBE_NOT_RUN : r;
	r = probe_cmd(q);
	nvmeu_queue_exit(q);
	return r;
}

int nvmeu_probe(struct nvmeu_dev *dev, struct nvmeu_probe_facts *facts)
{
	struct nvmeu_probe_facts f = {
		.overlay_res = NVMEU_PROBE_NOT_RUN,
		.big_setup = NVMEU_PROBE_NOT_RUN,
		.big_res = NVMEU_PROBE_NOT_RUN,
	};

	if (!dev)
		return -EINVAL;
	f.uring = probe_uring(dev);
	if (f.uring > 0)
		f.overlay_res = probe_form(dev, NVMEU_FORM_INDIRECT, NULL);
	if (f.uring > 0 && !nvmeu__accepted(f.overlay_res))
		f.big_res = probe_form(dev, NVMEU_FORM_BIG, &f.big_setup);
	if (facts)
		*facts = f;
	return nvmeu_probe_decide(&f);
}

int nvmeu_get_form(struct nvmeu_dev *dev)
{
	int form;

	if (!dev)
		return -EINVAL;
	pthread_mutex_lock(&dev->lock);
	if (dev->form == NVMEU_FORM_AUTO)
		dev->form = nvmeu_probe(dev, NULL);
	form = dev->form;
	pthread_mutex_unlock(&dev->lock);
	return form;
}

int nvmeu_set_form(struct nvmeu_dev *dev, enum nvmeu_form form)
{
	if (!dev || (unsigned int)form >= NVMEU_FORM_COUNT)
		return -EINVAL;
	pthread_mutex_lock(&dev->lock);
	dev->form = form;
	if (dev->syncq && dev->syncq->form != form) {
		nvmeu_queue_exit(dev->syncq);
		dev->syncq = NULL;
	}
	pthread_mutex_unlock(&dev->lock);
	return 0;
}
