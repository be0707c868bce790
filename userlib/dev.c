// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Device handles: open a node, learn its namespace id, current LBA format
 * and maximum transfer size (by uring_cmd on the controller node when the
 * Identify ioctl is refused for privilege); close it again.
 */
#include <endian.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <nvme/types.h>

#include "internal.h"

struct nvmeu_dev *nvmeu__dev_alloc(int fd, int oflags)
{
	struct nvmeu_dev *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->fd = fd;
	dev->oflags = oflags;
	dev->form = NVMEU_FORM_AUTO;
	dev->max_xfer = NVMEU_DEF_MAX_XFER;
	pthread_mutex_init(&dev->lock, NULL);
	return dev;
}

void nvmeu__dev_free(struct nvmeu_dev *dev)
{
	nvmeu_queue_exit(dev->syncq);
	nvmeu_close(dev->admin_dev);
	nvmeu__fake_free(dev->fake);
	pthread_mutex_destroy(&dev->lock);
	free(dev);
}

/* The current LBA format: FLBAS bits 3:0, and 6:5 as bits 5:4 (NVMe 2.0). */
int nvmeu__dev_set_format(struct nvmeu_dev *dev, const struct nvme_id_ns *ns)
{
	unsigned int idx = (ns->flbas & NVME_NS_FLBAS_LOWER_MASK) |
			   (ns->flbas & NVME_NS_FLBAS_HIGHER_MASK) >> 1;
	const struct nvme_lbaf *f = &ns->lbaf[idx];

	if (idx > ns->nlbaf || f->ds < 9 || f->ds > 24)
		return -EIO;
	dev->lba_size = 1U << f->ds;
	dev->meta_size = le16toh(f->ms);
	dev->meta_ext = ns->flbas & NVME_NS_FLBAS_META_EXT;
	return 0;
}

/*
 * The largest transfer: 2^MDTS minimum-size pages (CAP.MPSMIN cannot be read
 * through the driver, so 4 KiB is assumed), capped by what sysfs says the
 * block queue takes; NVMEU_DEF_MAX_XFER when neither is known (0).
 */
__u32 nvmeu__max_xfer(__u8 mdts, __u64 sysfs_bytes)
{
	__u64 best = mdts ? 4096ULL << (mdts > 20 ? 20 : mdts) : 0;

	if (sysfs_bytes && (!best || sysfs_bytes < best))
		best = sysfs_bytes;
	if (!best)
		return NVMEU_DEF_MAX_XFER;
	return best > 0x80000000ULL ? 0x80000000U : (__u32)best;
}

/* Parse the sysfs attribute @path with @fmt: the items read, 0 on error. */
static int __attribute__((format(scanf, 2, 3)))
dev_sysfs_scan(const char *path, const char *fmt, ...)
{
	FILE *f = fopen(path, "re");
	va_list ap;
	int n;

	if (!f)
		return 0;
	va_start(ap, fmt);
	n = vfscanf(f, fmt, ap);
	va_end(ap);
	fclose(f);
	return n > 0 ? n : 0;
}

/*
 * "/dev/nvmeX" for the controller of a namespace node, from sysfs, and
 * (if @devt) the device number sysfs gives that controller.
 */
static int dev_ctrl_path(const struct nvmeu_dev *dev, char *path, size_t len,
			 dev_t *devt)
{
	char link[PATH_MAX], real[PATH_MAX], attr[PATH_MAX + 8], *name;
	unsigned int n, maj, min;
	struct stat st;
	int used = 0;

	if (dev->fake || fstat(dev->fd, &st) ||
	    !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
		return -ENODEV;
	snprintf(link, sizeof(link), "/sys/dev/%s/%u:%u/device",
		 S_ISCHR(st.st_mode) ? "char" : "block", major(st.st_rdev),
		 minor(st.st_rdev));
	if (!realpath(link, real))
		return -ENODEV;
	snprintf(attr, sizeof(attr), "%s/dev", real);
	name = basename(real);
	if (sscanf(name, "nvme%u%n", &n, &used) != 1 || name[used])
		return -ENODEV;
	snprintf(path, len, "/dev/%s", name);
	if (!devt)
		return 0;
	if (dev_sysfs_scan(attr, "%u:%u", &maj, &min) != 2)
		return -ENODEV;
	*devt = makedev(maj, min);
	return 0;
}

/*
 * The controller node of namespace node @dev, opened read-only for one
 * command; -ENODEV if /dev/nvmeX is not the device sysfs names.
 */
static int dev_ctrl_open(const struct nvmeu_dev *dev)
{
	char path[PATH_MAX];
	struct stat st;
	dev_t devt;
	int fd, r = dev_ctrl_path(dev, path, sizeof(path), &devt);

	if (r)
		return r;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (!fstat(fd, &st) && S_ISCHR(st.st_mode) && st.st_rdev == devt)
		return fd;
	close(fd);
	return -ENODEV;
}

/*
 * A controller handle for @dev's admin uring_cmds: @dev itself on a
 * controller node, else one on its controller node (for a fake namespace
 * handle: on the same emulated device), in @dev's form if set. That one is
 * opened and probed once and kept in @dev->learn_ctrl until
 * nvmeu__dev_learn() is done with it.
 */
static int dev_ctrl_get(struct nvmeu_dev *dev, struct nvmeu_dev **ctrlp)
{
	struct nvmeu_dev *ctrl;
	int fd;

	*ctrlp = dev->learn_ctrl ? dev->learn_ctrl : dev;
	if (dev->is_ctrl || dev->learn_ctrl)
		return 0;
	fd = dev->fake ? dev->fd : dev_ctrl_open(dev);
	if (fd < 0)
		return fd;
	ctrl = nvmeu__dev_alloc(fd, O_RDONLY);
	if (!ctrl) {
		if (!dev->fake)
			close(fd);
		return -ENOMEM;
	}
	ctrl->is_ctrl = true;
	ctrl->form = dev->form;
	ctrl->fake = nvmeu__fake_get(dev->fake);
	dev->learn_ctrl = ctrl;
	*ctrlp = ctrl;
	return 0;
}

/*
 * @cmd by uring_cmd on @dev's controller node, in the form it probes to.
 * Our kernel takes Identify Controller and Namespace there from any user
 * who can open the node; namespace nodes take no admin uring_cmds.
 */
static int dev_identify_uring(struct nvmeu_dev *dev,
			      struct nvme_passthru_cmd64 *cmd)
{
	struct nvmeu_dev *ctrl;
	int r = dev_ctrl_get(dev, &ctrl);

	if (r)
		return r;
	r = nvmeu_get_form(ctrl);
	if (r == NVMEU_FORM_IOCTL)
		r = -EOPNOTSUPP;
	else if (r >= 0)
		r = nvmeu_exec(ctrl, cmd, NVMEU_ADMIN);
	return r;
}

/*
 * Identify by the admin ioctl; refused for privilege (5.10 wants
 * CAP_SYS_ADMIN for every passthrough ioctl), by uring_cmd on the
 * controller node. When that fails too (upstream 5.19 to 6.1 refuse every
 * unprivileged uring_cmd), the ioctl's error stands.
 */
static int dev_identify(struct nvmeu_dev *dev, __u8 cns, void *buf)
{
	struct nvme_passthru_cmd64 cmd;
	int r, u;

	nvmeu_cmd_identify(&cmd, cns, cns ? 0 : dev->nsid, buf);
	r = nvmeu__ioctl_cmd(dev, &cmd, NVMEU_ADMIN);
	if (r != -EACCES && r != -EPERM)
		return r;
	u = dev_identify_uring(dev, &cmd);
	return u >= 0 ? u : r;
}

/* NVME_IOCTL_ID: the namespace of a namespace node; -ENOTTY: a controller. */
static int dev_read_nsid(struct nvmeu_dev *dev)
{
	int r = nvmeu__ioctl(dev, NVME_IOCTL_ID, NULL);

	if (r > 0) {
		dev->nsid = r;
		return 0;
	}
	if (r == -ENOTTY) {
		dev->is_ctrl = true;
		return 0;
	}
	return r < 0 ? r : -ENODEV;
}

static int dev_read_format(struct nvmeu_dev *dev)
{
	struct nvme_id_ns *ns = malloc(sizeof(*ns));
	int r;

	if (!ns)
		return -ENOMEM;
	r = dev_identify(dev, NVME_IDENTIFY_CNS_NS, ns);
	if (!r)
		r = nvmeu__dev_set_format(dev, ns);
	free(ns);
	return r;
}

/* /sys/block/nvmeXnY/queue/max_hw_sectors_kb of a namespace node, or 0. */
static __u64 dev_sysfs_max(const struct nvmeu_dev *dev)
{
	char link[PATH_MAX], path[PATH_MAX + 64], *name;
	unsigned long long kb = 0;
	struct stat st;
	ssize_t n;

	if (dev->is_ctrl || dev->fake || fstat(dev->fd, &st) ||
	    !S_ISCHR(st.st_mode))
		return 0;
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return 0;
	link[n] = 0;
	name = basename(link);
	if (strncmp(name, "ng", 2))
		return 0;
	snprintf(path, sizeof(path),
		 "/sys/block/nvme%s/queue/max_hw_sectors_kb", name + 2);
	if (dev_sysfs_scan(path, "%llu", &kb) != 1)
		kb = 0;
	return kb * 1024;
}

/* Identify Controller for MDTS; its result is returned too. */
static int dev_set_max_xfer(struct nvmeu_dev *dev)
{
	struct nvme_id_ctrl *id = malloc(sizeof(*id));
	__u8 mdts = 0;
	int r = -ENOMEM;

	if (id)
		r = dev_identify(dev, NVME_IDENTIFY_CNS_CTRL, id);
	if (!r)
		mdts = id->mdts;
	free(id);
	dev->max_xfer = nvmeu__max_xfer(mdts, dev_sysfs_max(dev));
	return r;
}

/*
 * A namespace node must answer Identify Namespace, a controller node
 * Identify Controller: that is also what tells an NVMe node from any
 * other file. Everything nvmeu_open() does after open(2); the unit tests
 * run it on fake handles.
 */
int nvmeu__dev_learn(struct nvmeu_dev *dev)
{
	int r = dev_read_nsid(dev);

	if (!r && !dev->is_ctrl)
		r = dev_read_format(dev);
	if (!r) {
		r = dev_set_max_xfer(dev);
		if (!dev->is_ctrl)
			r = 0;
	}
	nvmeu_close(dev->learn_ctrl);
	dev->learn_ctrl = NULL;
	return r;
}

int nvmeu_open(const char *path, int oflags, struct nvmeu_dev **devp)
{
	struct nvmeu_dev *dev;
	int fd, r;

	if (!path || !devp)
		return -EINVAL;
	fd = open(path, oflags | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	dev = nvmeu__dev_alloc(fd, oflags);
	r = dev ? nvmeu__dev_learn(dev) : -ENOMEM;
	if (r) {
		if (dev)
			nvmeu__dev_free(dev);
		close(fd);
		return r;
	}
	*devp = dev;
	return 0;
}

int nvmeu_open_ctrl(const struct nvmeu_dev *dev, int oflags,
		    struct nvmeu_dev **ctrlp)
{
	char path[PATH_MAX];
	int r;

	if (!dev || !ctrlp || dev->is_ctrl)
		return -EINVAL;
	r = dev_ctrl_path(dev, path, sizeof(path), NULL);
	return r ? r : nvmeu_open(path, oflags, ctrlp);
}

int nvmeu_set_admin_dev(struct nvmeu_dev *dev, struct nvmeu_dev *ctrl)
{
	struct nvmeu_dev *old;

	if (!dev || dev->is_ctrl || (ctrl && !ctrl->is_ctrl))
		return -EINVAL;
	pthread_mutex_lock(&dev->lock);
	old = dev->admin_dev;
	dev->admin_dev = ctrl;
	dev->admin_refused = false;
	pthread_mutex_unlock(&dev->lock);
	if (old != ctrl)
		nvmeu_close(old);
	return 0;
}

void nvmeu_close(struct nvmeu_dev *dev)
{
	if (!dev)
		return;
	if (!dev->fake)
		close(dev->fd);
	nvmeu__dev_free(dev);
}

int nvmeu_dev_fd(const struct nvmeu_dev *dev)
{
	return dev ? dev->fd : -EINVAL;
}

int nvmeu_dev_get_info(struct nvmeu_dev *dev, struct nvmeu_dev_info *info)
{
	if (!dev || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->nsid = dev->nsid;
	info->lba_size = dev->lba_size;
	info->meta_size = dev->meta_size;
	info->max_xfer = dev->max_xfer;
	info->meta_ext = dev->meta_ext;
	info->is_ctrl = dev->is_ctrl;
	info->oflags = dev->oflags;
	pthread_mutex_lock(&dev->lock);
	info->form = dev->form;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}
