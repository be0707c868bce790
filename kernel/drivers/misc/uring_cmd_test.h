/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * /dev/uring_cmd_test: a test-only device that exercises io_uring's
 * uring_cmd core (CONFIG_URING_CMD_TEST, which needs DEBUG_KERNEL; never in
 * a production kernel). Its ABI is for the tests that drive it, so this
 * header stays beside the driver instead of in the global uapi: tests
 * include it from here.
 */
#ifndef URING_CMD_TEST_H
#define URING_CMD_TEST_H

#include <linux/types.h>

/*
 * The arguments, at SQE byte 48 in both SQE sizes: the start of sqe->cmd
 * in a 128-byte SQE, view offset 40 of the overlay in a 64-byte SQE.
 */
struct uring_cmd_test_args {
	__u32	res;		/* the CQE's res */
	__u32	flags;		/* URING_CMD_TEST_F_* */
	__u64	arg;		/* res2 (F_RES2), or the ECHO buffer */
};

/* complete from an hrtimer (hard IRQ) 1 ms later */
#define URING_CMD_TEST_F_ASYNC		0x01
/* with F_ASYNC: 2 s later (teardown with commands in flight) */
#define URING_CMD_TEST_F_SLOW		0x02
/* return -EAGAIN while issued with IO_URING_F_NONBLOCK */
#define URING_CMD_TEST_F_EAGAIN		0x04
/* complete with res2 = arg (big_cqe[0] of a CQE32 ring) */
#define URING_CMD_TEST_F_RES2		0x08
/* complete with res = the issue flags the driver saw */
#define URING_CMD_TEST_F_ISSUE_FLAGS	0x10
/*
 * with F_ASYNC: complete with res = the flags the completion's task work
 * saw (URING_CMD_TEST_SAW_TASK_DEAD)
 */
#define URING_CMD_TEST_F_CB_FLAGS	0x20
/*
 * closing this file sleeps 3 s: holds a task that exits with the file
 * open in exit_task_work(), after exit_mm() (the command itself completes
 * inline with res)
 */
#define URING_CMD_TEST_F_SLOW_RELEASE	0x40
#define URING_CMD_TEST_F_ALL		0x7f

/* the issue flags F_ISSUE_FLAGS reports (the kernel's IO_URING_F_*) */
#define URING_CMD_TEST_SAW_SQE128	4
#define URING_CMD_TEST_SAW_CQE32	8
#define URING_CMD_TEST_SAW_IOPOLL	16
#define URING_CMD_TEST_SAW_TASK_DEAD	0x2000

/*
 * sqe->cmd_op. RUN: the other command bytes must be zero (-EINVAL).
 * ECHO: copies the command bytes the driver sees (56 bytes from SQE byte 8
 * in a 64-byte SQE, 80 bytes from SQE byte 48 in a 128-byte SQE) to the
 * user buffer at args.arg and completes with res = bytes copied; honours
 * F_ASYNC and F_EAGAIN.
 */
#define URING_CMD_TEST_RUN	0x75630001
#define URING_CMD_TEST_ECHO	0x75630002

#endif /* URING_CMD_TEST_H */
