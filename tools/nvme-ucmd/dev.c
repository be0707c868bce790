// SPDX-License-Identifier: GPL-2.0
/*
 * Device nodes: what a path is (controller char device /dev/nvmeX, namespace
 * generic char device /dev/ngXnY, or something we refuse), found through
 * sysfs; opening it as a libnvme-ucmd handle in the form asked for, and
 * running commands through that handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <nvme-ucmd.h>

#include "cli.h"

/* --form maps onto the library's forms (block: bench's own; auto probes). */
_Static_assert(FORM_AUTO == (int)NVMEU_FORM_AUTO &&
	       FORM_BIG == (int)NVMEU_FORM_BIG &&
	       FORM_COMPACT == (int)NVMEU_FORM_COMPACT &&
	       FORM_INDIRECT == (int)NVMEU_FORM_INDIRECT &&
	       FORM_IOCTL == (int)NVMEU_FORM_IOCTL, "enum cli_form");

static int sysfs_base(const char *sub, const char *node, char *out, size_t len)
{
	char link[PATH_MAX], real[PATH_MAX];

	snprintf(link, sizeof(link), "/sys/dev/%s/%s", sub, node);
	if (!realpath(link, real))
		return -errno;
	snprintf(out, len, "%s", basename(real));
	return 0;
}

static void block_err(const struct stat *st, const char *path, char *err,
		      size_t errlen)
{
	char p[PATH_MAX], name[64] = "";

	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/partition",
		 major(st->st_rdev), minor(st->st_rdev));
	if (!access(p, F_OK)) {
		snprintf(err, errlen, "%s: is a partition; nvme-ucmd needs a "
			 "namespace's generic char device (/dev/ngXnY) or a "
			 "controller (/dev/nvmeX)", path);
		return;
	}
	snprintf(p, sizeof(p), "%u:%u", major(st->st_rdev), minor(st->st_rdev));
	sysfs_base("block", p, name, sizeof(name));
	if (!strncmp(name, "nvme", 4) && strchr(name + 4, 'n'))
		snprintf(err, errlen, "%s: is a block device; use its generic "
			 "char device /dev/ng%s", path, name + 4);
	else
		snprintf(err, errlen, "%s: is a block device, not an NVMe "
			 "generic char device or controller", path);
}

/*
 * Classify @path into @d (kind, name, controller name). 0, or a negative
 * errno with a one-line message in @err.
 */
int cli_dev_check(const char *path, struct cli_dev *d, char *err, size_t errlen)
{
	char node[32], p[PATH_MAX], sub[64];
	struct stat st;

	memset(d, 0, sizeof(*d));
	d->path = path;
	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	if (S_ISBLK(st.st_mode)) {
		block_err(&st, path, err, errlen);
		return -ENOTBLK;
	}
	if (!S_ISCHR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a device node", path);
		return -ENODEV;
	}
	snprintf(node, sizeof(node), "%u:%u", major(st.st_rdev), minor(st.st_rdev));
	snprintf(p, sizeof(p), "char/%s/subsystem", node);
	if (sysfs_base("", p + 0, sub, sizeof(sub)) ||
	    sysfs_base("char", node, d->name, sizeof(d->name))) {
		snprintf(err, errlen, "%s: not an NVMe device (no sysfs entry)", path);
		return -ENODEV;
	}
	if (!strcmp(sub, "nvme-generic")) {
		d->kind = DEV_NS;
		snprintf(p, sizeof(p), "%s/device", node);
		if (sysfs_base("char", p, d->ctrl, sizeof(d->ctrl)))
			snprintf(d->ctrl, sizeof(d->ctrl), "?");
	} else if (!strcmp(sub, "nvme")) {
		d->kind = DEV_CTRL;
		snprintf(d->ctrl, sizeof(d->ctrl), "%s", d->name);
	} else {
		snprintf(err, errlen, "%s: not an NVMe device (a %s char device)",
			 path, sub);
		return -ENODEV;
	}
	return 0;
}

/* Open the handle, read-only where read-write is refused. */
static int open_handle(struct cli_dev *d, const char *path)
{
	int ret = nvmeu_open(path, O_RDWR, &d->h);

	if (ret == -EACCES || ret == -EROFS || ret == -EPERM) {
		if (!nvmeu_open(path, O_RDONLY, &d->h))
			return 0;
		cli_err("%s: %s%s", path, strerror(-ret),
			geteuid() ? " (needs root)" : "");
	} else if (ret > 0) {
		cli_cmd_err(d, "identify", ret);
		ret = -EIO;
	} else if (ret) {
		cli_err("%s: %s", path, strerror(-ret));
	}
	return ret;
}

/*
 * Check and open @path. Reports its own errors (one line); returns 0 or
 * a negative errno.
 */
int cli_dev_open(struct cli_dev *d, const char *path, int form, bool need_ns)
{
	struct nvmeu_dev_info info;
	char err[512];
	int ret = cli_dev_check(path, d, err, sizeof(err));

	if (ret) {
		cli_err("%s", err);
		return ret;
	}
	if (need_ns && d->kind != DEV_NS) {
		cli_err("%s: is a controller; this command needs a namespace "
			"(/dev/ngXnY)", path);
		return -EINVAL;
	}
	d->form = form;
	ret = open_handle(d, path);
	if (ret)
		return ret;
	if (form != FORM_AUTO && form != FORM_BLOCK)
		nvmeu_set_form(d->h, (enum nvmeu_form)form);
	nvmeu_dev_get_info(d->h, &info);
	d->nsid = info.nsid;
	return 0;
}

void cli_dev_close(struct cli_dev *d)
{
	nvmeu_close(d->h);
	d->h = NULL;
}

/*
 * Kernels take admin uring_cmds only on controller nodes: a namespace
 * node's admin commands go to its controller's node in the same form
 * (through the library), or by ioctl when that node cannot be opened.
 */
static void route_admin(struct cli_dev *d)
{
	struct nvmeu_dev_info info;
	struct nvmeu_dev *ctrl;

	d->admin_tried = true;
	if (d->kind != DEV_NS || nvmeu_get_form(d->h) == NVMEU_FORM_IOCTL ||
	    nvmeu_dev_get_info(d->h, &info) ||
	    nvmeu_open_ctrl(d->h, info.oflags, &ctrl))
		return;
	if (nvmeu_set_admin_dev(d->h, ctrl))
		nvmeu_close(ctrl);
}

static int exec(struct cli_dev *d, unsigned int flags,
		struct nvme_passthru_cmd64 *c)
{
	int ret, form;

	if ((flags & NVMEU_ADMIN) && !d->admin_tried)
		route_admin(d);
	ret = nvmeu_exec(d->h, c, flags);
	form = nvmeu_exec_form(d->h, c, flags);
	d->used_form = form > 0 ? form : FORM_AUTO;
	if (d->verbose)
		fprintf(stderr, "%s: %s: %s opcode 0x%02x via the %s form: %d\n",
			CLI_NAME, d->path, flags & NVMEU_ADMIN ? "admin" : "I/O",
			c->opcode, cli_form_names[d->used_form], ret);
	return ret;
}

int cli_admin(struct cli_dev *d, struct nvme_passthru_cmd64 *cmd)
{
	return exec(d, NVMEU_ADMIN, cmd);
}

int cli_io(struct cli_dev *d, struct nvme_passthru_cmd64 *cmd)
{
	return exec(d, 0, cmd);
}
