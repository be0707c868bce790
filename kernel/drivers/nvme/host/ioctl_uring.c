// SPDX-License-Identifier: GPL-2.0
/*
 * NVMe passthrough over io_uring (IORING_OP_URING_CMD) for the generic char
 * devices /dev/ngXnY (I/O commands) and the controller device /dev/nvmeX
 * (admin commands).
 *
 * Every command form ends up in the same path: a struct nvme_command plus a
 * struct nvme_uring_data built from one READ_ONCE() of each field, checked,
 * issued without blocking (-EIOCBQUEUED), completed by the NVMe interrupt
 * (or poll) path in nvme_uring_cmd_end_io(), which defers everything that
 * touches user memory to the submitter's task (nvme_uring_task_cb()).
 *
 * The forms (docs/abi.md has the byte maps):
 * - upstream's struct nvme_uring_cmd in a 128-byte SQE, result in
 *   cqe->big_cqe[0] (NVME_URING_CMD_{IO,ADMIN}[_VEC]);
 * - nvme-ucmd's 40-byte overlay of an ordinary 64-byte SQE: the inline
 *   I/O form (NVME_URING_CMD_IO_COMPACT) and the indirect forms
 *   (NVME_URING_CMD_{IO,ADMIN}_INDIRECT[_VEC]) that point at a struct
 *   nvme_passthru_cmd64 and get the result written back into it.
 */
#include <linux/blk-mq.h>
#include <linux/io_uring.h>
#include <linux/nvme_ioctl.h>
#include <linux/ptrace.h>
#include <linux/sched/mm.h>
#include <linux/uio.h>
#include <uapi/linux/io_uring.h>
#include "nvme.h"

/* Not in 5.10's <linux/nvme.h>; values from the NVMe base specification. */
#define NVME_ID_CNS_NS_CS_INDEP		0x08
#define NVME_CMD_VENDOR_START		0x80
#define NVME_CMD_COPY			0x19
#define NVME_CMD_EFFECTS_SCOPE_MASK	GENMASK(31, 20)

/* The command, as taken from any form (the user buffers and limits). */
struct nvme_uring_data {
	u64	metadata;
	u64	addr;
	u32	data_len;	/* bytes, or iovec count for vectored forms */
	u32	metadata_len;
	u32	timeout_ms;
	bool	vec;
	bool	compat;		/* a 32-bit task's ring (IO_URING_F_COMPAT) */
	u64 __user *result;	/* indirect forms: the user command's result */
	u64	xfer;		/* bytes the device will move; 0: unknown */
	u32	meta_xfer;	/* separate metadata bytes; 0: unknown */
};

/*
 * User memory the task callback writes besides the CQE: separate metadata
 * (a bounce buffer that remembers the user's) and the indirect forms'
 * result field in the user's command.
 */
struct nvme_uring_meta {
	void __user	*ubuf;
	u64 __user	*result;
	void		*buf;
	u32		len;
	bool		read;
};

/*
 * Driver state in ioucmd->pdu, from issue to io_uring_cmd_done(). The
 * request itself is freed by end_io.
 * @bio: the mapped data, saved at issue: req->bio is NULL after completion.
 * @meta: what the task callback writes to user memory, or NULL.
 * @result: the completion's result (dwords 0-1), set by end_io.
 * @cookie: IOPOLL rings: the poll cookie while in flight, BLK_QC_T_NONE
 *	once end_io ran (store-release: @result and @status are set), then
 *	NVME_URING_QC_TASK once the completion went to the submitter's task.
 * @status: 0, a positive NVMe status or -errno, set by end_io.
 *
 * On IOPOLL rings ioucmd->cookie holds the submitter's mm (compared, never
 * dereferenced): the poller finishes a command itself only in that address
 * space (the submitter, its io-wq workers, its SQPOLL thread). The command
 * holds a reference to the mm_struct (mmgrab()) until the poller has
 * compared it, so that no other process's mm can have that address
 * meanwhile.
 */
#define NVME_URING_QC_TASK	((blk_qc_t)-2)

struct nvme_uring_cmd_pdu {
	struct bio		*bio;
	struct nvme_uring_meta	*meta;
	u64			result;
	blk_qc_t		cookie;
	int			status;
};

static inline struct nvme_uring_cmd_pdu *
nvme_uring_cmd_pdu(struct io_uring_cmd *ioucmd)
{
	return (struct nvme_uring_cmd_pdu *)&ioucmd->pdu;
}

/* A 32-bit task's pointers are 32 bits, as in its ioctls (nvme_to_user_ptr()). */
static void __user *nvme_uring_user_ptr(u64 val, bool compat)
{
	if (compat)
		val = lower_32_bits(val);
	return (void __user *)(uintptr_t)val;
}

/*
 * The ABI: upstream's layouts and our overlay views of SQE bytes 8..63
 * (ioucmd->cmd on 64-byte SQE rings points at SQE byte 8).
 */
static void nvme_uring_check_layouts(void)
{
	BUILD_BUG_ON(sizeof(struct nvme_uring_cmd_pdu) >
		     sizeof_field(struct io_uring_cmd, pdu));
	BUILD_BUG_ON(sizeof(struct nvme_uring_cmd) != 72);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd, addr) != 24);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd, data_len) != 36);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd, cdw10) != 40);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd, timeout_ms) != 64);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd, rsvd2) != 68);
	BUILD_BUG_ON(sizeof(struct nvme_passthru_cmd64) != 80);
	BUILD_BUG_ON(offsetof(struct nvme_passthru_cmd64, result) != 72);
	BUILD_BUG_ON(IO_URING_CMD_OVERLAY_OFFSET != 8);
	BUILD_BUG_ON(sizeof(struct nvme_uring_cmd_compact) !=
		     IO_URING_CMD_OVERLAY_VIEW);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd_compact, opcode) != 12 - 8);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd_compact, addr) != 16 - 8);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd_compact, data_len) != 24 - 8);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd_compact, uring_cmd_flags) !=
		     28 - 8);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd_compact, slba) != 48 - 8);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd_compact, nlb) != 56 - 8);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd_compact, cdw13) != 60 - 8);
	BUILD_BUG_ON(sizeof(struct nvme_uring_cmd_indirect) !=
		     IO_URING_CMD_OVERLAY_VIEW);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd_indirect, addr) != 16 - 8);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd_indirect, len) != 24 - 8);
	BUILD_BUG_ON(offsetof(struct nvme_uring_cmd_indirect, rsvd2) != 48 - 8);
}

/*
 * May the caller run @c without CAP_SYS_ADMIN? Upstream's rules (6.2+):
 * Identify of the controller or a namespace, and I/O commands the
 * controller reports as supported without intrusive effects; commands that
 * write data or change logical blocks only on a file open for writing.
 */
static bool nvme_cmd_allowed_unprivileged(struct nvme_ns *ns,
					  struct nvme_command *c,
					  bool open_for_write)
{
	u8 opcode = c->common.opcode;
	u32 effects;

	if (opcode >= NVME_CMD_VENDOR_START || opcode == nvme_fabrics_command)
		return false;
	if (!ns) {
		if (opcode != nvme_admin_identify)
			return false;
		switch (c->identify.cns) {
		case NVME_ID_CNS_NS:
		case NVME_ID_CNS_CTRL:
		case NVME_ID_CNS_CS_NS:
		case NVME_ID_CNS_CS_CTRL:
		case NVME_ID_CNS_NS_CS_INDEP:
			return true;
		default:
			return false;
		}
	}
	if (!ns->head->effects)
		return false;
	effects = le32_to_cpu(ns->head->effects->iocs[opcode]);
	if (!(effects & NVME_CMD_EFFECTS_CSUPP))
		return false;
	if (effects & ~(NVME_CMD_EFFECTS_CSUPP | NVME_CMD_EFFECTS_LBCC |
			NVME_CMD_EFFECTS_UUID_SEL | NVME_CMD_EFFECTS_SCOPE_MASK))
		return false;
	if ((nvme_is_write(c) || (effects & NVME_CMD_EFFECTS_LBCC)) &&
	    !open_for_write)
		return false;
	return true;
}

/*
 * Does the kernel know how much data @c moves? A command with a data phase
 * (opcode bits 1:0) and no length the kernel can tell would have the
 * controller DMA to whatever the caller maps, bus address 0 included when
 * it maps nothing; one without a data phase must not map a buffer.
 */
static bool nvme_uring_data_sized(struct nvme_command *c,
				  const struct nvme_uring_data *d)
{
	bool data = c->common.opcode & 3;

	/* only one action of Zone Management Send has a data phase */
	if (c->common.opcode == nvme_cmd_zone_mgmt_send)
		data = (le32_to_cpu(c->common.cdw13) & 0xff) ==
			NVME_ZONE_SET_DESC_EXT;
	if (data)
		return d->xfer;
	return !d->data_len;
}

/*
 * A timeout shorter than the queue's default expires first: 5.10 aborts
 * an I/O command on its first expiry and resets the controller on the
 * second (an admin command: on the first), which every user of the
 * controller feels. Shorter timeouts are for CAP_SYS_ADMIN.
 */
static bool nvme_uring_timeout_short(struct request_queue *q,
				     const struct nvme_uring_data *d)
{
	return d->timeout_ms && msecs_to_jiffies(d->timeout_ms) < q->rq_timeout;
}

/*
 * capable() last: it is expensive (upstream measured 45% of peak IOPS).
 * Without CAP_SYS_ADMIN a command may move data only when the kernel knows
 * how much (@d->xfer), and may not shorten the driver's timeout.
 */
static bool nvme_cmd_allowed(struct nvme_ns *ns, struct nvme_command *c,
			     struct file *file, const struct nvme_uring_data *d,
			     struct request_queue *q)
{
	if (nvme_uring_data_sized(c, d) && !nvme_uring_timeout_short(q, d) &&
	    nvme_cmd_allowed_unprivileged(ns, c, file->f_mode & FMODE_WRITE))
		return true;
	return capable(CAP_SYS_ADMIN);
}

/* Does the command @cmd_op names fit the ring (@issue_flags)? */
static int nvme_uring_cmd_checks(u32 cmd_op, unsigned int issue_flags)
{
	switch (cmd_op) {
	case NVME_URING_CMD_IO:
	case NVME_URING_CMD_IO_VEC:
	case NVME_URING_CMD_ADMIN:
	case NVME_URING_CMD_ADMIN_VEC:
		/* upstream's command needs 128-byte SQEs and 32-byte CQEs */
		if ((issue_flags & (IO_URING_F_SQE128 | IO_URING_F_CQE32)) !=
		    (IO_URING_F_SQE128 | IO_URING_F_CQE32))
			return -EOPNOTSUPP;
		return 0;
	case NVME_URING_CMD_IO_COMPACT:
	case NVME_URING_CMD_IO_INDIRECT:
	case NVME_URING_CMD_IO_INDIRECT_VEC:
	case NVME_URING_CMD_ADMIN_INDIRECT:
	case NVME_URING_CMD_ADMIN_INDIRECT_VEC:
		/* the overlay is a view of a 64-byte SQE */
		if (issue_flags & IO_URING_F_SQE128)
			return -EOPNOTSUPP;
		return 0;
	default:
		return -ENOTTY;
	}
}

/* Upstream's struct nvme_uring_cmd, inline in a 128-byte SQE. */
static int nvme_uring_cmd_get(struct io_uring_cmd *ioucmd,
			      struct nvme_command *c,
			      struct nvme_uring_data *d)
{
	const struct nvme_uring_cmd *cmd = ioucmd->cmd;

	c->common.opcode = READ_ONCE(cmd->opcode);
	c->common.flags = READ_ONCE(cmd->flags);
	/* stricter than upstream, which ignores the reserved fields */
	if (c->common.flags || READ_ONCE(cmd->rsvd1) || READ_ONCE(cmd->rsvd2))
		return -EINVAL;
	c->common.command_id = 0;
	c->common.nsid = cpu_to_le32(READ_ONCE(cmd->nsid));
	c->common.cdw2[0] = cpu_to_le32(READ_ONCE(cmd->cdw2));
	c->common.cdw2[1] = cpu_to_le32(READ_ONCE(cmd->cdw3));
	c->common.metadata = 0;
	memset(&c->common.dptr, 0, sizeof(c->common.dptr));
	c->common.cdw10 = cpu_to_le32(READ_ONCE(cmd->cdw10));
	c->common.cdw11 = cpu_to_le32(READ_ONCE(cmd->cdw11));
	c->common.cdw12 = cpu_to_le32(READ_ONCE(cmd->cdw12));
	c->common.cdw13 = cpu_to_le32(READ_ONCE(cmd->cdw13));
	c->common.cdw14 = cpu_to_le32(READ_ONCE(cmd->cdw14));
	c->common.cdw15 = cpu_to_le32(READ_ONCE(cmd->cdw15));

	d->metadata = READ_ONCE(cmd->metadata);
	d->addr = READ_ONCE(cmd->addr);
	d->data_len = READ_ONCE(cmd->data_len);
	d->metadata_len = READ_ONCE(cmd->metadata_len);
	d->timeout_ms = READ_ONCE(cmd->timeout_ms);
	d->vec = ioucmd->cmd_op == NVME_URING_CMD_IO_VEC ||
		 ioucmd->cmd_op == NVME_URING_CMD_ADMIN_VEC;
	d->result = NULL;
	return 0;
}

/*
 * The indirect forms: the SQE overlay points at a struct
 * nvme_passthru_cmd64 in user memory, read once here.
 */
static int nvme_uring_cmd_get_indirect(struct io_uring_cmd *ioucmd,
				       struct nvme_command *c,
				       struct nvme_uring_data *d)
{
	const struct nvme_uring_cmd_indirect *ind = ioucmd->cmd;
	struct nvme_passthru_cmd64 __user *ucmd;
	struct nvme_passthru_cmd64 cmd;

	if (READ_ONCE(ind->rsvd1) || READ_ONCE(ind->rsvd2[0]) ||
	    READ_ONCE(ind->rsvd2[1]))
		return -EINVAL;
	if (READ_ONCE(ind->len) != sizeof(cmd))
		return -EINVAL;
	ucmd = nvme_uring_user_ptr(READ_ONCE(ind->addr), d->compat);
	if (copy_from_user(&cmd, ucmd, sizeof(cmd)))
		return -EFAULT;
	if (cmd.flags || cmd.rsvd1 || cmd.rsvd2)
		return -EINVAL;

	memset(c, 0, sizeof(*c));
	c->common.opcode = cmd.opcode;
	c->common.nsid = cpu_to_le32(cmd.nsid);
	c->common.cdw2[0] = cpu_to_le32(cmd.cdw2);
	c->common.cdw2[1] = cpu_to_le32(cmd.cdw3);
	c->common.cdw10 = cpu_to_le32(cmd.cdw10);
	c->common.cdw11 = cpu_to_le32(cmd.cdw11);
	c->common.cdw12 = cpu_to_le32(cmd.cdw12);
	c->common.cdw13 = cpu_to_le32(cmd.cdw13);
	c->common.cdw14 = cpu_to_le32(cmd.cdw14);
	c->common.cdw15 = cpu_to_le32(cmd.cdw15);

	d->metadata = cmd.metadata;
	d->addr = cmd.addr;
	d->data_len = cmd.data_len;
	d->metadata_len = cmd.metadata_len;
	d->timeout_ms = cmd.timeout_ms;
	d->vec = ioucmd->cmd_op == NVME_URING_CMD_IO_INDIRECT_VEC ||
		 ioucmd->cmd_op == NVME_URING_CMD_ADMIN_INDIRECT_VEC;
	d->result = &ucmd->result;
	return 0;
}

/* The opcodes the inline form may carry, and whether they move data. */
static int nvme_uring_compact_opcode(u8 opcode, bool *has_data)
{
	switch (opcode) {
	case nvme_cmd_read:
	case nvme_cmd_write:
	case nvme_cmd_compare:
		*has_data = true;
		return 0;
	case nvme_cmd_flush:
	case nvme_cmd_write_zeroes:
	case nvme_cmd_write_uncor:
	case nvme_cmd_verify:
		*has_data = false;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * Can the kernel size @ns's transfers? Not when the namespace is kept only
 * as a generic device (its format was never set up: ms, PI and features are
 * not known), nor when its LBA data size is one the block layer refuses.
 */
static bool nvme_uring_ns_sized(struct nvme_ns *ns)
{
	return nvme_ns_csi_has_bdev(ns) && ns->lba_shift >= SECTOR_SHIFT &&
	       ns->lba_shift <= PAGE_SHIFT;
}

/*
 * Data and separate metadata bytes a read, write, compare or zone append
 * moves. With PRACT set on a format whose metadata is only the protection
 * information the controller inserts or strips it: no metadata moves, in
 * the data (extended LBAs) or beside it. A format that has no separate
 * metadata to move cannot take a metadata buffer.
 */
static int nvme_uring_rw_xfer(struct nvme_ns *ns, struct nvme_command *c,
			      struct nvme_uring_data *d)
{
	u64 nlb = (u64)le16_to_cpu(c->rw.length) + 1;
	bool pract = le16_to_cpu(c->rw.control) & NVME_RW_PRINFO_PRACT;
	u64 ms = ns->ms;

	if (!nvme_uring_ns_sized(ns))
		return 0;
	if (pract && nvme_ns_has_pi(ns))
		ms = 0;
	d->xfer = nlb << ns->lba_shift;
	if (ns->features & NVME_NS_EXT_LBAS) {
		d->xfer += nlb * ms;
		ms = 0;
	}
	if (d->metadata_len && !ms)
		return -EINVAL;
	if (d->metadata_len < nlb * ms)
		return -EINVAL;
	d->meta_xfer = nlb * ms;
	return 0;
}

/*
 * The inline I/O form on the namespace @ns: data length must match the
 * block count exactly, and namespaces with separate metadata need a form
 * that can carry a metadata buffer.
 */
static int nvme_uring_cmd_get_compact(struct io_uring_cmd *ioucmd,
				      struct nvme_ns *ns,
				      struct nvme_command *c,
				      struct nvme_uring_data *d)
{
	const struct nvme_uring_cmd_compact *cmd = ioucmd->cmd;
	u8 opcode = READ_ONCE(cmd->opcode);
	bool has_data;

	if (READ_ONCE(cmd->flags) || READ_ONCE(cmd->rsvd))
		return -EINVAL;
	if (nvme_uring_compact_opcode(opcode, &has_data))
		return -EINVAL;
	if (ns->ms && !(ns->features & NVME_NS_EXT_LBAS) &&
	    opcode != nvme_cmd_flush)
		return -EINVAL;

	memset(c, 0, sizeof(*c));
	c->rw.opcode = opcode;
	c->rw.nsid = cpu_to_le32(ns->head->ns_id);
	if (opcode != nvme_cmd_flush) {
		c->rw.slba = cpu_to_le64(READ_ONCE(cmd->slba));
		c->rw.length = cpu_to_le16(READ_ONCE(cmd->nlb));
		c->rw.control = cpu_to_le16(READ_ONCE(cmd->control));
		c->rw.dsmgmt = cpu_to_le32(READ_ONCE(cmd->cdw13));
	}

	d->addr = READ_ONCE(cmd->addr);
	d->data_len = READ_ONCE(cmd->data_len);
	d->metadata = 0;
	d->metadata_len = 0;
	d->timeout_ms = 0;
	d->vec = false;
	d->result = NULL;
	d->xfer = 0;
	d->meta_xfer = 0;
	if (!has_data)
		return d->data_len ? -EINVAL : 0;
	if (nvme_uring_rw_xfer(ns, c, d) || !d->addr)
		return -EINVAL;
	/* a namespace the kernel cannot size: as given (CAP_SYS_ADMIN only) */
	if (d->xfer && d->data_len != d->xfer)
		return -EINVAL;
	return 0;
}

/* The bytes an admin command moves, for those the kernel can tell. */
static u64 nvme_uring_admin_xfer(struct nvme_command *c)
{
	u32 numdl = le32_to_cpu(c->common.cdw10) >> 16;
	u32 numdu = le32_to_cpu(c->common.cdw11) & 0xffff;

	switch (c->common.opcode) {
	case nvme_admin_identify:
		return NVME_IDENTIFY_DATA_SIZE;
	case nvme_admin_get_log_page:
		return (((u64)numdu << 16 | numdl) + 1) * 4;
	default:
		return 0;
	}
}

/*
 * Copy's source range list: NR (CDW12 bits 7:0) + 1 entries of the
 * descriptor format in CDW12 bits 11:8 (0: 32 bytes, 1: 40 bytes).
 */
static u64 nvme_uring_copy_xfer(u32 cdw12)
{
	u64 nr = (cdw12 & 0xff) + 1;

	switch ((cdw12 >> 8) & 0xf) {
	case 0:
		return nr * 32;
	case 1:
		return nr * 40;
	default:
		return 0;
	}
}

/* The bytes an I/O command moves, for those the kernel can tell. */
static int nvme_uring_io_xfer(struct nvme_ns *ns, struct nvme_command *c,
			      struct nvme_uring_data *d)
{
	u32 cdw10 = le32_to_cpu(c->common.cdw10);

	switch (c->common.opcode) {
	case nvme_cmd_read:
	case nvme_cmd_write:
	case nvme_cmd_compare:
	case nvme_cmd_zone_append:
		return nvme_uring_rw_xfer(ns, c, d);
	case nvme_cmd_dsm:
		d->xfer = ((cdw10 & 0xff) + 1) * sizeof(struct nvme_dsm_range);
		return 0;
	case NVME_CMD_COPY:
		d->xfer = nvme_uring_copy_xfer(le32_to_cpu(c->common.cdw12));
		return 0;
	case nvme_cmd_zone_mgmt_recv:
		d->xfer = ((u64)le32_to_cpu(c->common.cdw12) + 1) * 4;
		return 0;
	default:
		return 0;
	}
}

/*
 * The device takes a command's transfer length from the command, not from
 * the buffer. A shorter buffer would let it DMA past what is mapped; a
 * longer one makes nvme-pci describe more pages than the device uses, and
 * when the buffer needs a PRP list but the transfer fits in two pages the
 * device takes PRP2 for data and writes into the list. So, where the
 * kernel can tell the length (d->xfer): a shorter buffer is -EINVAL and
 * only d->xfer bytes of a longer one are mapped. Upstream leaves both to
 * the caller.
 */
static int nvme_uring_check_xfer(struct nvme_ns *ns, struct nvme_command *c,
				 struct nvme_uring_data *d)
{
	int ret = 0;

	d->xfer = 0;
	d->meta_xfer = 0;
	if (ns)
		ret = nvme_uring_io_xfer(ns, c, d);
	else
		d->xfer = nvme_uring_admin_xfer(c);
	if (ret)
		return ret;
	/* vectored: checked once the iovecs are imported */
	if (!d->vec && d->data_len < d->xfer)
		return -EINVAL;
	return 0;
}

/* Bytes to map of a plain or registered buffer of @d->data_len bytes. */
static u32 nvme_uring_map_len(const struct nvme_uring_data *d)
{
	return d->xfer ? d->xfer : d->data_len;
}

/* Map the data of a registered buffer: a bio over its pinned pages. */
static int nvme_map_user_fixed(struct request *req, struct iov_iter *iter)
{
	struct request_queue *q = req->q;
	const struct bio_vec *bv = iter->bvec;
	size_t skip = iter->iov_offset;
	size_t left = iov_iter_count(iter);
	struct bio *bio;
	int ret;

	if (!iov_iter_is_bvec(iter))
		return -EINVAL;
	/* nr_segs runs to the end of the registered buffer: count pages */
	bio = bio_kmalloc(GFP_KERNEL, iov_iter_npages(iter, UIO_MAXIOV));
	if (!bio)
		return -ENOMEM;
	bio->bi_opf = req_op(req);
	for (; left; bv++) {
		size_t len = min_t(size_t, bv->bv_len - skip, left);

		if (bio_add_pc_page(q, bio, bv->bv_page, len,
				    bv->bv_offset + skip) != len) {
			ret = -EINVAL;
			goto out_put_bio;
		}
		left -= len;
		skip = 0;
	}
	ret = blk_rq_append_bio(req, &bio);
	if (ret)
		goto out_put_bio;
	return 0;

out_put_bio:
	bio_put(bio);
	return ret;
}

/* Map the user data buffer of @d into @req, by the form's rules. */
static int nvme_uring_map_data(struct io_uring_cmd *ioucmd,
			       struct request *req,
			       struct nvme_uring_data *d)
{
	struct request_queue *q = req->q;
	void __user *ubuf = nvme_uring_user_ptr(d->addr, d->compat);
	int rw = nvme_is_write(nvme_req(req)->cmd) ? WRITE : READ;
	struct iovec fast_iov[UIO_FASTIOV], *iov = fast_iov;
	u32 len = nvme_uring_map_len(d);
	struct iov_iter iter;
	int ret;

	if (ioucmd->flags & IORING_URING_CMD_FIXED) {
		/* a vectored command has no single range to import */
		if (d->vec)
			return -EINVAL;
		if (len > (queue_max_hw_sectors(q) << SECTOR_SHIFT))
			return -EINVAL;
		/* registered pages are mapped as they are: no bounce */
		if (((uintptr_t)ubuf | len) & queue_dma_alignment(q))
			return -EINVAL;
		ret = io_uring_cmd_import_fixed((uintptr_t)ubuf, len, rw, &iter,
						ioucmd);
		if (ret < 0)
			return ret;
		return nvme_map_user_fixed(req, &iter);
	}
	if (!d->vec) {
		if (len > (queue_max_hw_sectors(q) << SECTOR_SHIFT))
			return -EINVAL;
		return blk_rq_map_user(q, req, NULL, ubuf, len, GFP_KERNEL);
	}
	/* in the ring's mode: SQPOLL and io-wq are not in a compat syscall */
	ret = __import_iovec(rw, ubuf, d->data_len, UIO_FASTIOV, &iov, &iter,
			     d->compat);
	if (ret < 0)
		return ret;
	if (d->xfer && iov_iter_count(&iter) >= d->xfer)
		iov_iter_truncate(&iter, d->xfer);
	if (iov_iter_count(&iter) > (queue_max_hw_sectors(q) << SECTOR_SHIFT) ||
	    iov_iter_count(&iter) < d->xfer)
		ret = -EINVAL;
	else
		ret = blk_rq_map_user_iov(q, req, NULL, &iter, GFP_KERNEL);
	kfree(iov);
	return ret;
}

/* Undo nvme_uring_map_data() for the bio chain @bio. */
static int nvme_uring_unmap_data(struct io_uring_cmd *ioucmd, struct bio *bio)
{
	if (!bio)
		return 0;
	if (ioucmd->flags & IORING_URING_CMD_FIXED) {
		/* the registered buffer keeps its pages pinned */
		bio_put(bio);
		return 0;
	}
	return blk_rq_unmap_user(bio);
}

/*
 * The most separate metadata a command on @ns can move: that of the
 * largest transfer of its queue in the smallest blocks, and never more
 * than one bio's worth.
 */
static u32 nvme_uring_meta_max(struct nvme_ns *ns)
{
	u64 max = (u64)queue_max_hw_sectors(ns->queue) * ns->ms;

	return min_t(u64, max, PAGE_SIZE * BIO_MAX_PAGES);
}

/*
 * Attach a bounce buffer for the separate metadata of @d to @req: the
 * metadata the command moves when the kernel can tell (@d->meta_xfer),
 * else the caller's whole buffer, bounded. It is only as long as what is
 * copied back, and starts zeroed (nvme_add_user_metadata()).
 */
static struct nvme_uring_meta *nvme_uring_map_meta(struct nvme_ns *ns,
						   struct request *req,
						   struct nvme_uring_data *d)
{
	struct nvme_uring_meta *meta;
	u32 len = d->meta_xfer ? d->meta_xfer : d->metadata_len;
	void *buf;

	/* bounced: the user buffer needs no alignment */
	if (!req->bio || !d->metadata || len > nvme_uring_meta_max(ns))
		return ERR_PTR(-EINVAL);
	meta = kzalloc(sizeof(*meta), GFP_KERNEL | __GFP_ACCOUNT);
	if (!meta)
		return ERR_PTR(-ENOMEM);
	meta->ubuf = nvme_uring_user_ptr(d->metadata, d->compat);
	meta->len = len;
	meta->read = req_op(req) == REQ_OP_DRV_IN;
	buf = nvme_add_user_metadata(req->bio, meta->ubuf, len, 0,
				     req_op(req) == REQ_OP_DRV_OUT);
	if (IS_ERR(buf)) {
		kfree(meta);
		return buf;
	}
	meta->buf = buf;
	req->cmd_flags |= REQ_INTEGRITY;
	return meta;
}

static void nvme_uring_free_meta(struct nvme_uring_meta *meta)
{
	kfree(meta->buf);
	kfree(meta);
}

/*
 * What the task callback will write to user memory for @d: the metadata
 * bounce buffer, the indirect forms' result pointer; NULL if neither.
 */
static struct nvme_uring_meta *nvme_uring_prep_meta(struct nvme_ns *ns,
						    struct request *req,
						    struct nvme_uring_data *d)
{
	struct nvme_uring_meta *meta;

	if (d->metadata_len) {
		meta = nvme_uring_map_meta(ns, req, d);
		if (IS_ERR(meta))
			return meta;
	} else if (d->result) {
		meta = kzalloc(sizeof(*meta), GFP_KERNEL);
		if (!meta)
			return ERR_PTR(-ENOMEM);
	} else {
		return NULL;
	}
	meta->result = d->result;
	return meta;
}

/* Task context: copy out what the command read into the user's memory. */
static int nvme_uring_finish_meta(struct nvme_uring_meta *meta, u64 result,
				  int status)
{
	if (!status && meta->read && meta->len &&
	    copy_to_user(meta->ubuf, meta->buf, meta->len))
		status = -EFAULT;
	if (meta->result && status >= 0 && put_user(result, meta->result))
		status = -EFAULT;
	return status;
}

/*
 * Task context (the submitter's, via io_uring_cmd_complete_in_task()):
 * everything that touches user memory, then the CQE.
 */
static void nvme_uring_task_cb(struct io_uring_cmd *ioucmd,
			       unsigned int issue_flags)
{
	struct nvme_uring_cmd_pdu *pdu = nvme_uring_cmd_pdu(ioucmd);
	/* an exiting submitter's memory is not ours to write */
	bool user = !(issue_flags & IO_URING_F_TASK_DEAD) && current->mm;
	int status = pdu->status;
	int ret;

	ret = nvme_uring_unmap_data(ioucmd, pdu->bio);
	if (ret && !status)
		status = ret;
	if (pdu->meta) {
		if (!user)
			status = -EINTR;
		else
			status = nvme_uring_finish_meta(pdu->meta, pdu->result,
							status);
		nvme_uring_free_meta(pdu->meta);
	}
	io_uring_cmd_done(ioucmd, status, pdu->result, issue_flags);
}

/*
 * Completion, from the NVMe interrupt path (or, polled, under the poll
 * queue's lock): record status and result, free the request, and leave
 * the rest to task context. Nothing here touches user memory. A polled
 * command is finished by the poller (nvme_ns_chr_uring_cmd_iopoll()),
 * which the ring calls until it is.
 *
 * 5.10's end_io owns the request. It is freed here, not in the task
 * callback: a queue freeze (controller reset, namespace rescan) waits for
 * every request, and the submitter may be unable to run its callback
 * until the freeze ends, e.g. exiting while its io-wq workers wait in
 * blk_queue_enter() for that freeze.
 */
static void nvme_uring_cmd_end_io(struct request *req, blk_status_t err)
{
	struct io_uring_cmd *ioucmd = req->end_io_data;
	struct nvme_uring_cmd_pdu *pdu = nvme_uring_cmd_pdu(ioucmd);
	bool polled = req->cmd_flags & REQ_HIPRI;

	if (nvme_req(req)->flags & NVME_REQ_CANCELLED)
		pdu->status = -EINTR;
	else if (nvme_req(req)->status)
		pdu->status = nvme_req(req)->status;
	else
		pdu->status = blk_status_to_errno(err);
	pdu->result = le64_to_cpu(nvme_req(req)->result.u64);
	blk_mq_free_request(req);
	if (polled) {
		/* pairs with smp_load_acquire() in the poller */
		smp_store_release(&pdu->cookie, BLK_QC_T_NONE);
		return;
	}
	io_uring_cmd_complete_in_task(ioucmd, nvme_uring_task_cb);
}

/* Allocate the request: -EAGAIN, never sleep, under IO_URING_F_NONBLOCK. */
static struct request *nvme_uring_alloc_request(struct request_queue *q,
						struct nvme_command *c,
						unsigned int issue_flags)
{
	blk_mq_req_flags_t blk_flags = 0;
	unsigned int rq_flags = 0;
	struct request *req;

	if (issue_flags & IO_URING_F_NONBLOCK) {
		rq_flags |= REQ_NOWAIT;
		blk_flags |= BLK_MQ_REQ_NOWAIT;
	}
	if (issue_flags & IO_URING_F_IOPOLL)
		rq_flags |= REQ_HIPRI;
	req = nvme_alloc_user_request(q, c, rq_flags, blk_flags);
	/* 5.10: a frozen or pm-only queue is -EBUSY under NOWAIT: retry */
	if (req == ERR_PTR(-EBUSY) && (issue_flags & IO_URING_F_NONBLOCK))
		return ERR_PTR(-EAGAIN);
	return req;
}

/*
 * Admin commands that change the format or the set of namespaces, or the
 * controller's capabilities (Format NVM, Sanitize, Namespace Management
 * and Attachment, Firmware Commit, ...), need every queue frozen around
 * them and the namespaces rescanned after: the ioctl runs them between
 * nvme_passthru_start() and nvme_passthru_end(). An asynchronous command
 * cannot hold a freeze until it completes, and without the rescan every
 * length the kernel computes afterwards (lba_shift, ms) is stale. They
 * are refused here: use the ioctl.
 */
static bool nvme_uring_admin_needs_sync(struct nvme_ctrl *ctrl, u8 opcode)
{
	switch (opcode) {
	case nvme_admin_format_nvm:
	case nvme_admin_sanitize_nvm:
	case nvme_admin_ns_mgmt:
	case nvme_admin_ns_attach:
		return true;
	default:
		return nvme_command_effects(ctrl, NULL, opcode) &
			(NVME_CMD_EFFECTS_LBCC | NVME_CMD_EFFECTS_NCC |
			 NVME_CMD_EFFECTS_NIC | NVME_CMD_EFFECTS_CCC |
			 NVME_CMD_EFFECTS_CSE_MASK);
	}
}

/* Issue command @c with buffers @d on @ns (an I/O queue) or @ctrl's admin. */
static int nvme_uring_cmd_issue(struct nvme_ctrl *ctrl, struct nvme_ns *ns,
				struct io_uring_cmd *ioucmd,
				unsigned int issue_flags,
				struct nvme_command *c,
				struct nvme_uring_data *d)
{
	struct nvme_uring_cmd_pdu *pdu = nvme_uring_cmd_pdu(ioucmd);
	struct request_queue *q = ns ? ns->queue : ctrl->admin_q;
	struct nvme_uring_meta *meta;
	struct request *req;
	int ret;

	if (d->metadata_len && (!ns || !ns->ms || !d->data_len))
		return -EINVAL;
	ret = nvme_uring_check_xfer(ns, c, d);
	if (ret)
		return ret;
	if (!ns && nvme_uring_admin_needs_sync(ctrl, c->common.opcode))
		return -EOPNOTSUPP;
	if (!nvme_cmd_allowed(ns, c, ioucmd->file, d, q))
		return -EACCES;
	if ((issue_flags & IO_URING_F_IOPOLL) &&
	    !test_bit(QUEUE_FLAG_POLL, &q->queue_flags))
		return -EOPNOTSUPP;

	req = nvme_uring_alloc_request(q, c, issue_flags);
	if (IS_ERR(req))
		return PTR_ERR(req);
	if (d->timeout_ms)
		req->timeout = msecs_to_jiffies(d->timeout_ms);

	if (d->data_len) {
		ret = nvme_uring_map_data(ioucmd, req, d);
		if (ret)
			goto out_free_req;
		if (ns)
			req->bio->bi_disk = ns->disk;
	}
	meta = nvme_uring_prep_meta(ns, req, d);
	if (IS_ERR(meta)) {
		ret = PTR_ERR(meta);
		goto out_unmap;
	}

	pdu->bio = req->bio;
	pdu->meta = meta;
	pdu->result = 0;
	pdu->status = 0;
	pdu->cookie = BLK_QC_T_NONE;
	if (issue_flags & IO_URING_F_IOPOLL) {
		pdu->cookie = request_to_qc_t(req->mq_hctx, req);
		mmgrab(current->mm);
		WRITE_ONCE(ioucmd->cookie, current->mm);
	}
	req->end_io_data = ioucmd;
	blk_execute_rq_batched(q, ns ? ns->disk : NULL, req,
			       nvme_uring_cmd_end_io);
	return -EIOCBQUEUED;

out_unmap:
	nvme_uring_unmap_data(ioucmd, req->bio);
out_free_req:
	blk_mq_free_request(req);
	return ret;
}

/* Build the command from whichever form @ioucmd carries, then issue it. */
static int nvme_uring_cmd_io(struct nvme_ctrl *ctrl, struct nvme_ns *ns,
			     struct io_uring_cmd *ioucmd,
			     unsigned int issue_flags)
{
	struct nvme_uring_data d;
	struct nvme_command c;
	int ret;

	d.compat = IS_ENABLED(CONFIG_COMPAT) && (issue_flags & IO_URING_F_COMPAT);
	switch (ioucmd->cmd_op) {
	case NVME_URING_CMD_IO_COMPACT:
		ret = nvme_uring_cmd_get_compact(ioucmd, ns, &c, &d);
		break;
	case NVME_URING_CMD_IO_INDIRECT:
	case NVME_URING_CMD_IO_INDIRECT_VEC:
	case NVME_URING_CMD_ADMIN_INDIRECT:
	case NVME_URING_CMD_ADMIN_INDIRECT_VEC:
		ret = nvme_uring_cmd_get_indirect(ioucmd, &c, &d);
		break;
	default:
		ret = nvme_uring_cmd_get(ioucmd, &c, &d);
		break;
	}
	if (ret)
		return ret;
	/* an I/O command goes to the namespace of the device it is sent to */
	if (ns && le32_to_cpu(c.common.nsid) != ns->head->ns_id)
		return -EINVAL;
	return nvme_uring_cmd_issue(ctrl, ns, ioucmd, issue_flags, &c, &d);
}

static bool nvme_uring_cmd_is_io(u32 cmd_op)
{
	switch (cmd_op) {
	case NVME_URING_CMD_IO:
	case NVME_URING_CMD_IO_VEC:
	case NVME_URING_CMD_IO_COMPACT:
	case NVME_URING_CMD_IO_INDIRECT:
	case NVME_URING_CMD_IO_INDIRECT_VEC:
		return true;
	default:
		return false;
	}
}

static int nvme_ns_uring_cmd(struct nvme_ns *ns, struct io_uring_cmd *ioucmd,
			     unsigned int issue_flags)
{
	int ret;

	nvme_uring_check_layouts();
	ret = nvme_uring_cmd_checks(ioucmd->cmd_op, issue_flags);
	if (ret)
		return ret;
	if (!nvme_uring_cmd_is_io(ioucmd->cmd_op))
		return -ENOTTY;
	return nvme_uring_cmd_io(ns->ctrl, ns, ioucmd, issue_flags);
}

/**
 * nvme_ns_chr_uring_cmd - ->uring_cmd of a namespace's generic char device
 * @ioucmd:	the command
 * @issue_flags: IO_URING_F_*
 *
 * Return: -EIOCBQUEUED when the command was issued, else -errno.
 */
int nvme_ns_chr_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct nvme_ns *ns = container_of(file_inode(ioucmd->file)->i_cdev,
					  struct nvme_ns, cdev);

	return nvme_ns_uring_cmd(ns, ioucmd, issue_flags);
}

/**
 * nvme_ns_chr_uring_cmd_iopoll - ->uring_cmd_iopoll of a namespace's ng device
 * @ioucmd:	a command issued on an IOPOLL ring
 * @spin:	keep polling until a completion is found
 *
 * Polls the command's queue and, once its end_io ran (it cannot touch
 * user memory: 5.10 calls it under the poll queue's spinlock), finishes
 * the command here when the poller is in the submitter's address space;
 * otherwise in the submitter's task. The ring serializes
 * the calls for one command (uring_lock) and stops once it is done.
 *
 * Return: the number of completions found.
 */
int nvme_ns_chr_uring_cmd_iopoll(struct io_uring_cmd *ioucmd, bool spin)
{
	struct nvme_uring_cmd_pdu *pdu = nvme_uring_cmd_pdu(ioucmd);
	struct nvme_ns *ns = container_of(file_inode(ioucmd->file)->i_cdev,
					  struct nvme_ns, cdev);
	/* pairs with smp_store_release() in nvme_uring_cmd_end_io() */
	blk_qc_t cookie = smp_load_acquire(&pdu->cookie);
	struct mm_struct *mm;
	int found = 0;
	bool mine;

	if (cookie == NVME_URING_QC_TASK)
		return 0;
	if (blk_qc_t_valid(cookie)) {
		if (blk_qc_t_to_queue_num(cookie) < ns->queue->nr_hw_queues)
			found = blk_poll(ns->queue, cookie, spin);
		/* as above: once end_io ran, @req and @status are visible */
		if (blk_qc_t_valid(smp_load_acquire(&pdu->cookie)))
			return found;
	}
	mm = READ_ONCE(ioucmd->cookie);
	mine = mm == current->mm;
	mmdrop(mm);
	if (mine) {
		nvme_uring_task_cb(ioucmd, 0);
		return 1;
	}
	WRITE_ONCE(pdu->cookie, NVME_URING_QC_TASK);
	io_uring_cmd_complete_in_task(ioucmd, nvme_uring_task_cb);
	return found;
}

#ifdef CONFIG_NVME_MULTIPATH
/**
 * nvme_ns_head_chr_uring_cmd - ->uring_cmd of a multipath node's ng device
 * @ioucmd:	the command
 * @issue_flags: IO_URING_F_*
 *
 * The command goes to the current path; polled rings are not supported
 * (the path may change between issue and poll).
 *
 * Return: -EIOCBQUEUED when the command was issued, else -errno.
 */
int nvme_ns_head_chr_uring_cmd(struct io_uring_cmd *ioucmd,
			       unsigned int issue_flags)
{
	struct nvme_ns_head *head = container_of(file_inode(ioucmd->file)->i_cdev,
						 struct nvme_ns_head, cdev);
	int srcu_idx, ret = -EINVAL;
	struct nvme_ns *ns;

	if (issue_flags & IO_URING_F_IOPOLL)
		return -EOPNOTSUPP;
	srcu_idx = srcu_read_lock(&head->srcu);
	ns = nvme_find_path(head);
	if (ns)
		ret = nvme_ns_uring_cmd(ns, ioucmd, issue_flags);
	srcu_read_unlock(&head->srcu, srcu_idx);
	return ret;
}
#endif

/**
 * nvme_dev_uring_cmd - ->uring_cmd of the controller char device
 * @ioucmd:	the command
 * @issue_flags: IO_URING_F_*
 *
 * Admin commands only; polled rings are not supported (the admin queue has
 * no poll queue).
 *
 * Return: -EIOCBQUEUED when the command was issued, else -errno.
 */
int nvme_dev_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct nvme_ctrl *ctrl = ioucmd->file->private_data;
	int ret;

	nvme_uring_check_layouts();
	ret = nvme_uring_cmd_checks(ioucmd->cmd_op, issue_flags);
	if (ret)
		return ret;
	switch (ioucmd->cmd_op) {
	case NVME_URING_CMD_ADMIN:
	case NVME_URING_CMD_ADMIN_VEC:
	case NVME_URING_CMD_ADMIN_INDIRECT:
	case NVME_URING_CMD_ADMIN_INDIRECT_VEC:
		break;
	default:
		return -ENOTTY;
	}
	if (issue_flags & IO_URING_F_IOPOLL)
		return -EOPNOTSUPP;
	return nvme_uring_cmd_io(ctrl, NULL, ioucmd, issue_flags);
}
