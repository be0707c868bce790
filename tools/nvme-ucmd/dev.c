// SPDX-License-Identifier: GPL-2.0
/*
 * Device nodes: what a path is (controller char device /dev/nvmeX, namespace
 * generic char device /dev/ngXnY, or something we refuse), found through
 * sysfs, and opening it.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/nvme_ioctl.h>

#include "cli.h"

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
	d->fd = -1;
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

/*
 * Check and open @path. Reports its own errors (one line); returns 0 or
 * a negative errno.
 */
int cli_dev_open(struct cli_dev *d, const char *path, int form, bool need_ns)
{
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
	d->fd = open(path, O_RDWR);
	if (d->fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
		ret = -errno;
		d->fd = open(path, O_RDONLY);
		if (d->fd < 0) {
			cli_err("%s: %s%s", path, strerror(-ret),
				geteuid() ? " (needs root)" : "");
			return ret;
		}
	} else if (d->fd < 0) {
		ret = -errno;
		cli_err("%s: %s", path, strerror(errno));
		return ret;
	}
	if (d->kind == DEV_NS) {
		ret = ioctl(d->fd, NVME_IOCTL_ID);
		if (ret <= 0) {
			ret = ret < 0 ? -errno : -ENODEV;
			cli_err("%s: cannot get the namespace id: %s", path,
				strerror(-ret));
			close(d->fd);
			d->fd = -1;
			return ret;
		}
		d->nsid = (unsigned int)ret;
	}
	return 0;
}

void cli_dev_close(struct cli_dev *d)
{
	xp_close(d);
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}
