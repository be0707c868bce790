/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libnvme-ucmd internals: the handle, the queue and the functions the
 * library's files share. Every non-static name starts with nvmeu__ (two
 * underscores) and is kept out of the shared library by the version script.
 */
#ifndef NVMEU_INTERNAL_H
#define NVMEU_INTERNAL_H

#include <pthread.h>

#include "nvme-ucmd.h"

#define NVMEU_DEF_MAX_XFER	(128U * 1024)
#define NVMEU_MAX_ENTRIES	4096U

struct nvmeu_fake;

/* A device handle. @lock guards @form and @syncq. */
struct nvmeu_dev {
	int		fd;
	int		oflags;
	__u32		nsid;
	__u32		lba_size;
	__u32		meta_size;
	__u32		max_xfer;
	bool		meta_ext;
	bool		is_ctrl;
	bool		no_admin64;	/* NVME_IOCTL_ADMIN64_CMD gave -ENOTTY */
	bool		no_io64;	/* NVME_IOCTL_IO64_CMD gave -ENOTTY */
	enum nvmeu_form	form;		/* AUTO until probed or set */
	pthread_mutex_t	lock;
	struct nvmeu_queue *syncq;	/* nvmeu_exec()'s queue, lazily */
	struct nvmeu_dev *admin_dev;	/* controller for admin commands */
	bool		admin_refused;	/* admin_dev refused the form: ioctl */
	struct nvmeu_dev *learn_ctrl;	/* nvmeu__dev_learn()'s controller */
	struct nvmeu_fake *fake;	/* NULL for a real device */
};

/* A command between nvmeu_queue_cmd() and its completion. */
struct nvmeu_slot {
	__u64		cookie;
	struct nvme_passthru_cmd64 *cmd;	/* NULL: free */
	unsigned int	flags;
	int		next_free;	/* free list link, -1 ends it */
};

/* A completion waiting in a private completion queue. */
struct nvmeu_pcqe {
	__u64		user_data;	/* slot index */
	int		res;
	__u64		big0;		/* what cqe->big_cqe[0] would hold */
};

/*
 * A queue. With a ring (real device, uring form) SQEs go to the ring and
 * user_data is the slot index. Without one (ioctl form, fake handle) the
 * queued commands wait in @pend (and, for the fake's uring forms, their
 * SQEs in @psq), run at submit time and complete into @pcq.
 */
struct nvmeu_queue {
	struct nvmeu_dev *dev;
	enum nvmeu_form	form;
	unsigned int	entries;
	unsigned int	sqe_size;	/* 64 or 128 */
	bool		has_ring;
	struct io_uring	ring;
	struct nvmeu_slot *slots;	/* 2 * entries */
	unsigned int	nslots;
	int		free_head;
	unsigned int	inflight;
	unsigned int	*pend;		/* private SQ: slot per entry */
	unsigned char	*psq;		/* private SQ: SQE bytes per entry */
	unsigned int	npend;
	struct nvmeu_pcqe *pcq;		/* private CQ, nslots entries */
	unsigned int	pcq_head, pcq_n;
	struct iovec	*bufs;		/* registered buffers (fake) */
	unsigned int	nbufs;
};

/* dev.c */
struct nvmeu_dev *nvmeu__dev_alloc(int fd, int oflags);
void nvmeu__dev_free(struct nvmeu_dev *dev);
int nvmeu__dev_set_format(struct nvmeu_dev *dev, const struct nvme_id_ns *ns);
__u32 nvmeu__max_xfer(__u8 mdts, __u64 sysfs_bytes);
int nvmeu__dev_learn(struct nvmeu_dev *dev);

/* xport.c: synchronous ioctls (real or fake) */
int nvmeu__ioctl(struct nvmeu_dev *dev, unsigned long req, void *arg);
int nvmeu__ioctl_cmd(struct nvmeu_dev *dev, struct nvme_passthru_cmd64 *cmd,
		     unsigned int flags);

/* queue.c */
int nvmeu__queue_new(struct nvmeu_dev *dev, enum nvmeu_form form,
		     unsigned int entries, unsigned int flags,
		     struct nvmeu_queue **qp);
int nvmeu__queue_exec(struct nvmeu_queue *q, struct nvme_passthru_cmd64 *cmd,
		      unsigned int flags);
enum nvmeu_form nvmeu__cmd_form(const struct nvmeu_dev *dev,
				enum nvmeu_form form,
				const struct nvme_passthru_cmd64 *cmd,
				unsigned int flags);

/* cmd.c */
__u32 nvmeu__block_bytes(const struct nvmeu_dev *dev);

/* probe.c */
bool nvmeu__accepted(int res);

/* fake.c: the emulated kernel */
int nvmeu__fake_ioctl(struct nvmeu_dev *dev, unsigned long req, void *arg);
int nvmeu__fake_sqe(struct nvmeu_queue *q, const void *sqe,
		    struct nvmeu_pcqe *cqe);
int nvmeu__fake_uring(const struct nvmeu_dev *dev);
int nvmeu__fake_big_setup(const struct nvmeu_dev *dev);
struct nvmeu_fake *nvmeu__fake_get(struct nvmeu_fake *fake);
void nvmeu__fake_free(struct nvmeu_fake *fake);

#endif
