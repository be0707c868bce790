// SPDX-License-Identifier: GPL-2.0
/*
 * uring_cmd_test: a misc device whose ->uring_cmd exercises every path of
 * io_uring's uring_cmd core, so the core is tested on its own: inline
 * completion, completion from hard IRQ through io_uring_cmd_complete_in_task(),
 * res2, -EAGAIN under IO_URING_F_NONBLOCK, IOPOLL, and an echo of the
 * command bytes the driver sees. See uring_cmd_test.h beside this file.
 */
#include <linux/delay.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/io_uring.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "uring_cmd_test.h"

/* the args live at SQE byte 48: where each command area has them */
#define UCT_ARGS_SQE128		0
#define UCT_ARGS_OVERLAY	(48 - IO_URING_CMD_OVERLAY_OFFSET)

struct uct_req {
	struct hrtimer		timer;
	struct io_uring_cmd	*ioucmd;
	s32			res;
	u64			res2;
	bool			iopoll;
	bool			cb_flags;
	bool			done;
};

/* per open file: file->private_data */
struct uct_file {
	bool			slow_release;
};

/* what the driver keeps in ioucmd->pdu */
struct uct_pdu {
	struct uct_req		*req;
};

static struct uct_pdu *uct_pdu(struct io_uring_cmd *ioucmd)
{
	return (struct uct_pdu *)&ioucmd->pdu;
}

static const struct uring_cmd_test_args *uct_args(struct io_uring_cmd *ioucmd,
						  unsigned int issue_flags)
{
	const u8 *cmd = ioucmd->cmd;

	if (issue_flags & IO_URING_F_SQE128)
		return (const void *)(cmd + UCT_ARGS_SQE128);
	return (const void *)(cmd + UCT_ARGS_OVERLAY);
}

static size_t uct_cmd_size(unsigned int issue_flags)
{
	if (issue_flags & IO_URING_F_SQE128)
		return IO_URING_CMD_SQE128_SIZE;
	return IO_URING_CMD_OVERLAY_VIEW;
}

/* RUN: every command byte but cmd_op, uring_cmd_flags and the args is 0 */
static bool uct_reserved_clear(struct io_uring_cmd *ioucmd,
			       unsigned int issue_flags)
{
	const u8 *cmd = ioucmd->cmd;
	size_t args = sizeof(struct uring_cmd_test_args);

	if (issue_flags & IO_URING_F_SQE128)
		return !memchr_inv(cmd + args, 0, IO_URING_CMD_SQE128_SIZE - args);
	/* view 4..19: SQE 12..27 */
	return !memchr_inv(cmd + 4, 0, 16);
}

static void uct_task_cb(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	struct uct_req *r = uct_pdu(ioucmd)->req;

	if (r->cb_flags)
		r->res = issue_flags & IO_URING_F_TASK_DEAD;
	io_uring_cmd_done(ioucmd, r->res, r->res2, issue_flags);
	kfree(r);
}

static enum hrtimer_restart uct_timer_fn(struct hrtimer *timer)
{
	struct uct_req *r = container_of(timer, struct uct_req, timer);

	if (r->iopoll) {
		/* pairs with uct_uring_cmd_iopoll(): res and res2 are set */
		smp_store_release(&r->done, true);
	} else {
		io_uring_cmd_complete_in_task(r->ioucmd, uct_task_cb);
	}
	return HRTIMER_NORESTART;
}

static int uct_queue(struct io_uring_cmd *ioucmd, unsigned int issue_flags,
		     s32 res, u64 res2, u32 flags)
{
	struct uct_req *r;
	u64 delay_ns = NSEC_PER_MSEC;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->ioucmd = ioucmd;
	r->res = res;
	r->res2 = res2;
	r->iopoll = issue_flags & IO_URING_F_IOPOLL;
	r->cb_flags = flags & URING_CMD_TEST_F_CB_FLAGS;
	uct_pdu(ioucmd)->req = r;
	if (r->iopoll)
		WRITE_ONCE(ioucmd->cookie, r);
	if (flags & URING_CMD_TEST_F_SLOW)
		delay_ns = 2 * NSEC_PER_SEC;
	hrtimer_init(&r->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	r->timer.function = uct_timer_fn;
	hrtimer_start(&r->timer, ns_to_ktime(delay_ns), HRTIMER_MODE_REL_HARD);
	return -EIOCBQUEUED;
}

static int uct_complete(struct io_uring_cmd *ioucmd, unsigned int issue_flags,
			s32 res, u64 res2, u32 flags)
{
	if (flags & URING_CMD_TEST_F_ASYNC)
		return uct_queue(ioucmd, issue_flags, res, res2, flags);
	if (res2) {
		io_uring_cmd_done(ioucmd, res, res2, issue_flags);
		return -EIOCBQUEUED;
	}
	return res;
}

static int uct_run(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	const struct uring_cmd_test_args *args = uct_args(ioucmd, issue_flags);
	u32 flags = READ_ONCE(args->flags);
	s32 res = READ_ONCE(args->res);
	u64 res2 = 0;

	if (!uct_reserved_clear(ioucmd, issue_flags) ||
	    (flags & ~URING_CMD_TEST_F_ALL))
		return -EINVAL;
	if ((flags & URING_CMD_TEST_F_EAGAIN) &&
	    (issue_flags & IO_URING_F_NONBLOCK))
		return -EAGAIN;
	if (flags & URING_CMD_TEST_F_RES2)
		res2 = READ_ONCE(args->arg);
	if (flags & URING_CMD_TEST_F_ISSUE_FLAGS)
		res = issue_flags & (IO_URING_F_SQE128 | IO_URING_F_CQE32 |
				     IO_URING_F_IOPOLL);
	if (flags & URING_CMD_TEST_F_SLOW_RELEASE) {
		struct uct_file *f = ioucmd->file->private_data;

		WRITE_ONCE(f->slow_release, true);
	}
	return uct_complete(ioucmd, issue_flags, res, res2, flags);
}

static int uct_echo(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	const struct uring_cmd_test_args *args = uct_args(ioucmd, issue_flags);
	u32 flags = READ_ONCE(args->flags);
	u64 ubuf = READ_ONCE(args->arg);
	size_t len = uct_cmd_size(issue_flags);

	if ((flags & URING_CMD_TEST_F_EAGAIN) &&
	    (issue_flags & IO_URING_F_NONBLOCK))
		return -EAGAIN;
	if (copy_to_user(u64_to_user_ptr(ubuf), ioucmd->cmd, len))
		return -EFAULT;
	return uct_complete(ioucmd, issue_flags, len, 0, flags);
}

static int uct_uring_cmd(struct io_uring_cmd *ioucmd, unsigned int issue_flags)
{
	BUILD_BUG_ON(sizeof(struct uct_pdu) > sizeof(ioucmd->pdu));
	BUILD_BUG_ON(sizeof(struct uring_cmd_test_args) != 16);

	switch (ioucmd->cmd_op) {
	case URING_CMD_TEST_RUN:
		return uct_run(ioucmd, issue_flags);
	case URING_CMD_TEST_ECHO:
		return uct_echo(ioucmd, issue_flags);
	default:
		return -ENOTTY;
	}
}

static int uct_uring_cmd_iopoll(struct io_uring_cmd *ioucmd, bool spin)
{
	struct uct_req *r = READ_ONCE(ioucmd->cookie);

	/* pairs with uct_timer_fn(): done orders the reads of res, res2 */
	if (!r || !smp_load_acquire(&r->done))
		return 0;
	WRITE_ONCE(ioucmd->cookie, NULL);
	io_uring_cmd_done(ioucmd, r->res, r->res2, 0);
	kfree(r);
	return 1;
}

static int uct_open(struct inode *inode, struct file *file)
{
	struct uct_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	file->private_data = f;
	return 0;
}

static int uct_release(struct inode *inode, struct file *file)
{
	struct uct_file *f = file->private_data;

	if (READ_ONCE(f->slow_release))
		msleep(3000);
	kfree(f);
	return 0;
}

static const struct file_operations uct_fops = {
	.owner			= THIS_MODULE,
	.open			= uct_open,
	.release		= uct_release,
	.uring_cmd		= uct_uring_cmd,
	.uring_cmd_iopoll	= uct_uring_cmd_iopoll,
	.llseek			= noop_llseek,
};

static struct miscdevice uct_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "uring_cmd_test",
	.fops	= &uct_fops,
	.mode	= 0666,
};

module_misc_device(uct_misc);

MODULE_DESCRIPTION("io_uring uring_cmd test device");
MODULE_LICENSE("GPL");
