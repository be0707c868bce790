// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Synchronous commands: build, run in the handle's form, wait. Also the
 * description of return values.
 */
#include <string.h>

#include <nvme/types.h>
#include <nvme/util.h>

#include "internal.h"

/* The handle's internal queue, (re)created for the current form. */
static int sync_queue(struct nvmeu_dev *dev, enum nvmeu_form form)
{
	if (dev->syncq && dev->syncq->form == form)
		return 0;
	nvmeu_queue_exit(dev->syncq);
	dev->syncq = NULL;
	return nvmeu__queue_new(dev, form, 2, 0, &dev->syncq);
}

/* Run @cmd on @dev in @form: by ioctl, or through the handle's queue. */
static int sync_exec(struct nvmeu_dev *dev, enum nvmeu_form form,
		     struct nvme_passthru_cmd64 *cmd, unsigned int flags)
{
	int r;

	if (form == NVMEU_FORM_IOCTL)
		return nvmeu__ioctl_cmd(dev, cmd, flags);
	pthread_mutex_lock(&dev->lock);
	r = sync_queue(dev, form);
	if (!r)
		r = nvmeu__queue_exec(dev->syncq, cmd, flags);
	pthread_mutex_unlock(&dev->lock);
	return r;
}

/*
 * The controller handle an admin command of a namespace node goes to in a
 * uring form (nvmeu_set_admin_dev()), or NULL: the ioctl on the node.
 */
static struct nvmeu_dev *admin_route(struct nvmeu_dev *dev, int form)
{
	struct nvmeu_dev *ctrl = NULL;

	if (form == NVMEU_FORM_IOCTL)
		return NULL;
	pthread_mutex_lock(&dev->lock);
	if (!dev->admin_refused)
		ctrl = dev->admin_dev;
	pthread_mutex_unlock(&dev->lock);
	return ctrl;
}

/*
 * Admin commands on a namespace node go by ioctl in every form (the kernel
 * takes admin ioctls there, but admin uring_cmds only on controller nodes),
 * unless a controller handle takes them: then in the same form, and by
 * ioctl again from the first time the controller refuses that form.
 */
int nvmeu_exec(struct nvmeu_dev *dev, struct nvme_passthru_cmd64 *cmd,
	       unsigned int flags)
{
	struct nvmeu_dev *ctrl;
	int form, r;

	if (!dev || !cmd || (flags & ~(NVMEU_ADMIN | NVMEU_VEC)))
		return -EINVAL;
	form = nvmeu_get_form(dev);
	if (form < 0)
		return form;
	if (!(flags & NVMEU_ADMIN) || dev->is_ctrl)
		return sync_exec(dev, form, cmd, flags);
	ctrl = admin_route(dev, form);
	if (!ctrl)
		return nvmeu__ioctl_cmd(dev, cmd, flags);
	r = sync_exec(ctrl, form, cmd, flags);
	if (r != -EOPNOTSUPP && r != -ENOTTY)
		return r;
	pthread_mutex_lock(&dev->lock);
	dev->admin_refused = true;
	pthread_mutex_unlock(&dev->lock);
	return nvmeu__ioctl_cmd(dev, cmd, flags);
}

int nvmeu_exec_form(struct nvmeu_dev *dev,
		    const struct nvme_passthru_cmd64 *cmd, unsigned int flags)
{
	struct nvmeu_dev *target = dev;
	int form;

	if (!dev || !cmd || (flags & ~(NVMEU_ADMIN | NVMEU_VEC)))
		return -EINVAL;
	form = nvmeu_get_form(dev);
	if (form < 0 || form == NVMEU_FORM_IOCTL)
		return form;
	if ((flags & NVMEU_ADMIN) && !dev->is_ctrl) {
		target = admin_route(dev, form);
		if (!target)
			return NVMEU_FORM_IOCTL;
	}
	return nvmeu__cmd_form(target, form, cmd, flags);
}

int nvmeu_admin_passthru(struct nvmeu_dev *dev,
			 struct nvme_passthru_cmd64 *cmd)
{
	return nvmeu_exec(dev, cmd, NVMEU_ADMIN);
}

int nvmeu_io_passthru(struct nvmeu_dev *dev, struct nvme_passthru_cmd64 *cmd)
{
	return nvmeu_exec(dev, cmd, 0);
}

int nvmeu_identify(struct nvmeu_dev *dev, __u8 cns, __u32 nsid, void *buf)
{
	struct nvme_passthru_cmd64 cmd;
	int r = nvmeu_cmd_identify(&cmd, cns, nsid, buf);

	return r ? r : nvmeu_admin_passthru(dev, &cmd);
}

int nvmeu_identify_ctrl(struct nvmeu_dev *dev, struct nvme_id_ctrl *id)
{
	return nvmeu_identify(dev, NVME_IDENTIFY_CNS_CTRL, 0, id);
}

int nvmeu_identify_ns(struct nvmeu_dev *dev, __u32 nsid,
		      struct nvme_id_ns *id)
{
	return nvmeu_identify(dev, NVME_IDENTIFY_CNS_NS, nsid, id);
}

int nvmeu_identify_active_ns(struct nvmeu_dev *dev, __u32 nsid, __u32 *list)
{
	return nvmeu_identify(dev, NVME_IDENTIFY_CNS_NS_ACTIVE_LIST, nsid,
			      list);
}

int nvmeu_get_log(struct nvmeu_dev *dev, __u32 nsid, __u8 lid, __u8 lsp,
		  bool rae, __u64 offset, void *buf, __u32 len)
{
	struct nvme_passthru_cmd64 cmd;
	int r = nvmeu_cmd_get_log(&cmd, nsid, lid, lsp, rae, offset, buf, len);

	return r ? r : nvmeu_admin_passthru(dev, &cmd);
}

int nvmeu_get_log_smart(struct nvmeu_dev *dev, __u32 nsid,
			struct nvme_smart_log *log)
{
	return nvmeu_get_log(dev, nsid, NVME_LOG_LID_SMART, 0, false, 0, log,
			     sizeof(*log));
}

int nvmeu_get_log_error(struct nvmeu_dev *dev,
			struct nvme_error_log_page *log, unsigned int nr)
{
	if (!nr || nr > 4096)
		return -EINVAL;
	return nvmeu_get_log(dev, NVME_NSID_ALL, NVME_LOG_LID_ERROR, 0, false,
			     0, log, nr * sizeof(*log));
}

int nvmeu_get_log_fw_slot(struct nvmeu_dev *dev,
			  struct nvme_firmware_slot *log)
{
	return nvmeu_get_log(dev, NVME_NSID_ALL, NVME_LOG_LID_FW_SLOT, 0, false,
			     0, log, sizeof(*log));
}

/* Run a features command and hand back completion DW0. */
static int sync_features(struct nvmeu_dev *dev,
			 struct nvme_passthru_cmd64 *cmd, __u32 *result)
{
	int r = nvmeu_admin_passthru(dev, cmd);

	if (result)
		*result = (__u32)cmd->result;
	return r;
}

int nvmeu_get_features(struct nvmeu_dev *dev, __u32 nsid, __u8 fid,
		       __u8 sel, __u32 cdw11, void *buf, __u32 len,
		       __u32 *result)
{
	struct nvme_passthru_cmd64 cmd;
	int r = nvmeu_cmd_get_features(&cmd, nsid, fid, sel, cdw11, buf, len);

	return r ? r : sync_features(dev, &cmd, result);
}

int nvmeu_set_features(struct nvmeu_dev *dev, __u32 nsid, __u8 fid,
		       bool save, __u32 cdw11, __u32 cdw12, void *buf,
		       __u32 len, __u32 *result)
{
	struct nvme_passthru_cmd64 cmd;
	int r = nvmeu_cmd_set_features(&cmd, nsid, fid, save, cdw11, cdw12,
				       buf, len);

	return r ? r : sync_features(dev, &cmd, result);
}

/*
 * The sync read, write and compare helpers take no metadata buffer: on a
 * namespace with separate metadata the device would transfer the metadata
 * through a null pointer (nvmeu_cmd_set_meta() is the way there).
 */
static int sync_rw_check(const struct nvmeu_dev *dev)
{
	return dev && dev->meta_size && !dev->meta_ext ? -EINVAL : 0;
}

int nvmeu_read(struct nvmeu_dev *dev, __u64 slba, __u32 nblocks, void *buf,
	       __u32 len)
{
	struct nvme_passthru_cmd64 cmd;
	int r = sync_rw_check(dev);

	if (!r)
		r = nvmeu_cmd_read(dev, &cmd, slba, nblocks, buf, len);

	return r ? r : nvmeu_io_passthru(dev, &cmd);
}

int nvmeu_write(struct nvmeu_dev *dev, __u64 slba, __u32 nblocks,
		const void *buf, __u32 len)
{
	struct nvme_passthru_cmd64 cmd;
	int r = sync_rw_check(dev);

	if (!r)
		r = nvmeu_cmd_write(dev, &cmd, slba, nblocks, buf, len);

	return r ? r : nvmeu_io_passthru(dev, &cmd);
}

int nvmeu_compare(struct nvmeu_dev *dev, __u64 slba, __u32 nblocks,
		  const void *buf, __u32 len)
{
	struct nvme_passthru_cmd64 cmd;
	int r = sync_rw_check(dev);

	if (!r)
		r = nvmeu_cmd_compare(dev, &cmd, slba, nblocks, buf, len);

	return r ? r : nvmeu_io_passthru(dev, &cmd);
}

int nvmeu_write_zeroes(struct nvmeu_dev *dev, __u64 slba, __u32 nblocks,
		       __u32 cdw12_flags)
{
	struct nvme_passthru_cmd64 cmd;
	int r = nvmeu_cmd_write_zeroes(dev, &cmd, slba, nblocks, cdw12_flags);

	return r ? r : nvmeu_io_passthru(dev, &cmd);
}

int nvmeu_flush(struct nvmeu_dev *dev)
{
	struct nvme_passthru_cmd64 cmd;
	int r = nvmeu_cmd_flush(dev, &cmd);

	return r ? r : nvmeu_io_passthru(dev, &cmd);
}

int nvmeu_dsm(struct nvmeu_dev *dev, __u32 attrs,
	      const struct nvme_dsm_range *ranges, unsigned int nr)
{
	struct nvme_passthru_cmd64 cmd;
	int r = nvmeu_cmd_dsm(dev, &cmd, attrs, ranges, nr);

	return r ? r : nvmeu_io_passthru(dev, &cmd);
}

const char *nvmeu_version(void)
{
	return NVMEU_VERSION_STRING;
}

const char *nvmeu_strerror(int ret)
{
	const char *s;

	if (!ret)
		return "Success";
	if (ret > 0)
		return nvme_status_to_string(ret, false);
	/* errnos are small; -INT_MIN would overflow */
	s = ret >= -4095 ? strerrordesc_np(-ret) : NULL;
	return s ? s : "Unknown error";
}
