// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The synchronous transport: NVME_IOCTL_{ADMIN,IO}64_CMD, and the older
 * NVME_IOCTL_{ADMIN,IO}_CMD (32-bit result) once a kernel has answered
 * -ENOTTY to the 64-bit request. Fake handles go to the emulated kernel.
 */
#include <sys/ioctl.h>

#include "internal.h"

/* One ioctl on the node (a fake's: its emulated kernel); r or -errno. */
int nvmeu__ioctl(struct nvmeu_dev *dev, unsigned long req, void *arg)
{
	int r;

	if (dev->fake)
		return nvmeu__fake_ioctl(dev, req, arg);
	r = ioctl(dev->fd, req, arg);
	return r < 0 ? -errno : r;
}

/* struct nvme_passthru_cmd is struct nvme_passthru_cmd64 up to timeout_ms. */
static int xport_cmd32(struct nvmeu_dev *dev, struct nvme_passthru_cmd64 *cmd,
		       bool admin)
{
	struct nvme_passthru_cmd c;
	int r;

	memcpy(&c, cmd, offsetof(struct nvme_passthru_cmd, result));
	c.result = 0;
	r = nvmeu__ioctl(dev, admin ? NVME_IOCTL_ADMIN_CMD : NVME_IOCTL_IO_CMD,
			 &c);
	cmd->result = c.result;
	return r;
}

int nvmeu__ioctl_cmd(struct nvmeu_dev *dev, struct nvme_passthru_cmd64 *cmd,
		     unsigned int flags)
{
	bool admin = flags & NVMEU_ADMIN;
	bool *no64 = admin ? &dev->no_admin64 : &dev->no_io64;
	int r;

	/* 5.10 has no vectored passthrough ioctl */
	if (flags & NVMEU_VEC)
		return -EOPNOTSUPP;
	if (!__atomic_load_n(no64, __ATOMIC_RELAXED)) {
		r = nvmeu__ioctl(dev, admin ? NVME_IOCTL_ADMIN64_CMD :
					      NVME_IOCTL_IO64_CMD, cmd);
		if (r != -ENOTTY)
			return r;
		__atomic_store_n(no64, true, __ATOMIC_RELAXED);
	}
	return xport_cmd32(dev, cmd, admin);
}
