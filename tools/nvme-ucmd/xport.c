// SPDX-License-Identifier: GPL-2.0
/*
 * The transport: one command at a time through the form the user chose.
 *
 * Adapter until userlib's synchronous API covers what the CLI needs
 * (build/cli-needs.txt); it builds the SQEs itself with the uapi header.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/nvme_ioctl.h>
#include <liburing.h>

#include "cli.h"
#include "xport.h"

struct xp {
	struct io_uring ring;
	bool ring_ok;
	bool big;		/* ring has SQE128|CQE32 */
	int form;		/* resolved: never FORM_AUTO */
	int admin_form;		/* for admin commands: may differ (see below) */
	int ctrl_fd;		/* the controller node, for admin via uring_cmd */
};

/* Does this kernel know IORING_OP_URING_CMD? Probed once. */
bool xp_have_uring_cmd(void)
{
	static int have = -1;
	struct io_uring_probe *p;

	if (have < 0) {
		p = io_uring_get_probe();
		have = p && io_uring_opcode_supported(p, XP_OP_URING_CMD);
		if (p)
			io_uring_free_probe(p);
	}
	return have;
}

/* Commands the compact form can carry: LBA I/O without separate metadata. */
bool xp_compact_ok(bool admin, const struct nvme_passthru_cmd64 *c)
{
	if (admin || c->metadata_len || c->cdw2 || c->cdw3 || c->cdw14 || c->cdw15)
		return false;
	switch (c->opcode) {
	case 0x00: case 0x01: case 0x02: case 0x04: case 0x05: case 0x08:
	case 0x0c:
		return true;
	default:
		return false;
	}
}

/*
 * Fill @sqe for @form; @sqe is zeroed, 128 bytes for FORM_BIG. For the
 * indirect form @c must stay put until the completion.
 */
void xp_prep(struct io_uring_sqe *sqe, int form, int fd, bool admin,
	     struct nvme_passthru_cmd64 *c)
{
	sqe->opcode = XP_OP_URING_CMD;
	sqe->fd = fd;
	if (form == FORM_BIG) {
		struct nvme_uring_cmd *u = (void *)sqe->cmd;

		sqe->cmd_op = admin ? NVME_URING_CMD_ADMIN : NVME_URING_CMD_IO;
		u->opcode = c->opcode;
		u->nsid = c->nsid;
		u->cdw2 = c->cdw2;
		u->cdw3 = c->cdw3;
		u->metadata = c->metadata;
		u->addr = c->addr;
		u->metadata_len = c->metadata_len;
		u->data_len = c->data_len;
		u->cdw10 = c->cdw10;
		u->cdw11 = c->cdw11;
		u->cdw12 = c->cdw12;
		u->cdw13 = c->cdw13;
		u->cdw14 = c->cdw14;
		u->cdw15 = c->cdw15;
		u->timeout_ms = c->timeout_ms;
	} else if (form == FORM_COMPACT) {
		struct nvme_uring_cmd_compact *k = (void *)&sqe->cmd_op;

		k->cmd_op = NVME_URING_CMD_IO_COMPACT;
		k->opcode = c->opcode;
		k->control = (uint16_t)(c->cdw12 >> 16);
		k->addr = c->addr;
		k->data_len = c->data_len;
		k->slba = (uint64_t)c->cdw11 << 32 | c->cdw10;
		k->nlb = (uint16_t)c->cdw12;
		k->cdw13 = c->cdw13;
	} else {
		struct nvme_uring_cmd_indirect *k = (void *)&sqe->cmd_op;

		k->cmd_op = admin ? NVME_URING_CMD_ADMIN_INDIRECT :
				    NVME_URING_CMD_IO_INDIRECT;
		k->addr = (uintptr_t)c;
		k->len = sizeof(*c);
	}
}

static int ring_init(struct xp *x, bool big)
{
	int ret;

	if (x->ring_ok && x->big == big)
		return 0;
	if (x->ring_ok)
		io_uring_queue_exit(&x->ring);
	x->ring_ok = false;
	ret = io_uring_queue_init(4, &x->ring, big ? IORING_SETUP_SQE128 |
				  IORING_SETUP_CQE32 : 0);
	if (ret)
		return ret;
	x->ring_ok = true;
	x->big = big;
	return 0;
}

static int exec_ring(struct cli_dev *d, struct xp *x, int form, bool admin,
		     struct nvme_passthru_cmd64 *c)
{
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int ret = ring_init(x, form == FORM_BIG);

	if (ret)
		return ret;
	sqe = io_uring_get_sqe(&x->ring);
	memset(sqe, 0, form == FORM_BIG ? 128 : 64);
	xp_prep(sqe, form, d->fd, admin, c);
	ret = io_uring_submit_and_wait(&x->ring, 1);
	if (ret < 0)
		return ret;
	ret = io_uring_wait_cqe(&x->ring, &cqe);
	if (ret)
		return ret;
	ret = cqe->res;
	if (form == FORM_BIG)
		c->result = cqe->big_cqe[0];
	io_uring_cqe_seen(&x->ring, cqe);
	return ret;
}

static int exec_ioctl(struct cli_dev *d, bool admin, struct nvme_passthru_cmd64 *c)
{
	int ret = ioctl(d->fd, admin ? NVME_IOCTL_ADMIN64_CMD : NVME_IOCTL_IO64_CMD, c);

	return ret < 0 ? -errno : ret;
}

/* FORM_AUTO: upstream's big form when the kernel has it, else the ioctl. */
static int resolve_auto(struct xp *x)
{
	if (xp_have_uring_cmd() && !ring_init(x, true))
		return FORM_BIG;
	return FORM_IOCTL;
}

/*
 * Upstream's namespace nodes take only I/O uring_cmds (admin ones get
 * -ENOTTY): send admin commands of a namespace node through its
 * controller's node, in the same form, or else through the ioctl.
 */
static int admin_via_ctrl(struct cli_dev *d, struct xp *x, int form,
			  struct nvme_passthru_cmd64 *c)
{
	char path[128];
	struct cli_dev cd = *d;
	int ret;

	if (x->ctrl_fd < 0) {
		snprintf(path, sizeof(path), "/dev/%s", d->ctrl);
		x->ctrl_fd = open(path, O_RDWR);
	}
	if (x->ctrl_fd < 0) {
		x->admin_form = FORM_IOCTL;
		d->used_form = FORM_IOCTL;
		return exec_ioctl(d, true, c);
	}
	cd.fd = x->ctrl_fd;
	ret = exec_ring(&cd, x, form, true, c);
	if (ret == -EOPNOTSUPP || ret == -ENOTTY) {
		x->admin_form = FORM_IOCTL;
		d->used_form = FORM_IOCTL;
		return exec_ioctl(d, true, c);
	}
	return ret;
}

static struct xp *xp_get(struct cli_dev *d)
{
	struct xp *x = d->xp;

	if (x)
		return x;
	x = calloc(1, sizeof(*x));
	if (!x)
		return NULL;
	d->xp = x;
	x->ctrl_fd = -1;
	x->form = d->form;
	if (x->form == FORM_AUTO || x->form == FORM_BLOCK)
		x->form = resolve_auto(x);
	x->admin_form = x->form;
	return x;
}

int xp_exec(struct cli_dev *d, bool admin, struct nvme_passthru_cmd64 *c)
{
	struct xp *x = xp_get(d);
	int form, ret;

	if (!x)
		return -ENOMEM;
	form = admin ? x->admin_form : x->form;
	if (form == FORM_COMPACT && !xp_compact_ok(admin, c))
		form = FORM_INDIRECT;
	d->used_form = form;
	if (form == FORM_IOCTL)
		return exec_ioctl(d, admin, c);
	if (admin && d->kind == DEV_NS && x->ctrl_fd >= 0)
		return admin_via_ctrl(d, x, form, c);
	ret = exec_ring(d, x, form, admin, c);
	if (admin && d->kind == DEV_NS && ret == -ENOTTY)
		return admin_via_ctrl(d, x, form, c);
	/* auto (and block bench set-up): a node without uring_cmd still has
	 * the ioctl */
	if ((d->form == FORM_AUTO || d->form == FORM_BLOCK) &&
	    (ret == -EOPNOTSUPP || ret == -ENOTTY)) {
		if (admin)
			x->admin_form = FORM_IOCTL;
		else
			x->form = FORM_IOCTL;
		d->used_form = FORM_IOCTL;
		return exec_ioctl(d, admin, c);
	}
	return ret;
}

void xp_close(struct cli_dev *d)
{
	struct xp *x = d->xp;

	if (!x)
		return;
	if (x->ring_ok)
		io_uring_queue_exit(&x->ring);
	if (x->ctrl_fd >= 0)
		close(x->ctrl_fd);
	free(x);
	d->xp = NULL;
}

static int exec_verbose(struct cli_dev *d, bool admin,
			struct nvme_passthru_cmd64 *c)
{
	int ret = xp_exec(d, admin, c);

	if (d->verbose)
		fprintf(stderr, "%s: %s: %s opcode 0x%02x via the %s form: %d\n",
			CLI_NAME, d->path, admin ? "admin" : "I/O", c->opcode,
			cli_form_names[d->used_form], ret);
	return ret;
}

int cli_admin(struct cli_dev *d, struct nvme_passthru_cmd64 *cmd)
{
	return exec_verbose(d, true, cmd);
}

int cli_io(struct cli_dev *d, struct nvme_passthru_cmd64 *cmd)
{
	return exec_verbose(d, false, cmd);
}
