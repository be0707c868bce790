/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the libnvme-ucmd guest tests (ul-*): a check/report
 * vocabulary, the LBA regions these tests own, the form a test runs in
 * (taken from its name, ul-NN-what-FORM), the raw ioctl path used as the
 * reference, and O_DIRECT reads through the block nodes.
 *
 * Every test exits 0 (pass), 1 (fail) or 77 (skip, "SKIP: reason" last).
 *
 * Run without privileges (tests/guest/run -u), a test does what that user
 * may and leaves out the rest: all of it with ul_skip(), a part with
 * ul_skip_part() (a "# skipped: what: why" line). What is refused is found
 * by trying it (ul_denied()), not from the uid or the kernel version; with
 * CAP_SYS_ADMIN nothing counts as refused, so as root every check stays.
 */
#ifndef USERLIB_LIB_H
#define USERLIB_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <linux/capability.h>	/* CAP_* for ul_have_cap() */
#include <nvme-ucmd.h>
#include <nvme/types.h>

#define UL_SKIP		77

#define UL_CTRL		"/dev/nvme0"

/*
 * A namespace under test and the LBA region the ul- tests own on it:
 * ng0n1 256..320 MiB, ng0n2 128..160 MiB.
 */
struct ul_ns {
	const char	*ng;		/* /dev/ng0nY */
	const char	*blk;		/* /dev/nvme0nY */
	struct nvmeu_dev *dev;
	struct nvmeu_dev_info info;
	__u32		bs;		/* data bytes per block in the buffer */
	__u32		ms;		/* separate metadata bytes per block */
	__u64		base;		/* first LBA of the region */
	__u64		nlbas;		/* LBAs in the region */
	__u64		nsze;		/* namespace size in LBAs */
};

extern int ul_failures;

void ul_skip(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
void ul_fatal(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
bool ul_check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
bool ul_check_ret(int got, int want, const char *what);
int ul_done(void);

/* A part of the test left out: prints "# skipped: <what>: <why>". */
void ul_skip_part(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* @cap (linux/capability.h) is in the effective set. */
bool ul_have_cap(int cap);
/* @ret is -EACCES or -EPERM and we lack CAP_SYS_ADMIN: not allowed. */
bool ul_denied(int ret);
/*
 * @ret is -ENOMEM from io_uring buffer registration and we lack
 * CAP_IPC_LOCK: the pages went over RLIMIT_MEMLOCK.
 */
bool ul_memlock_refused(int ret);

/* The form in the program's name (ul-NN-what-FORM); AUTO if none. */
enum nvmeu_form ul_form_from_name(const char *argv0);
/*
 * Put @dev in @form, or skip when the kernel lacks it (a library probe) or
 * refuses it to this user (a probe command).
 */
void ul_use_form(struct nvmeu_dev *dev, enum nvmeu_form form);
bool ul_refused(int ret);

/*
 * Open namespace 1 or 2 in @form (skips when the node is missing, or when
 * opening it, which sends Identify, is refused).
 */
void ul_ns_open(struct ul_ns *ns, unsigned int nsid, enum nvmeu_form form);
void ul_ns_close(struct ul_ns *ns);
/* Open the controller node in @form. */
struct nvmeu_dev *ul_ctrl_open(enum nvmeu_form form);
/*
 * Open the controller node and set @form without trying it: for argument
 * checks, where nothing reaches the kernel.
 */
struct nvmeu_dev *ul_ctrl_open_unsent(enum nvmeu_form form);

void *ul_buf(size_t len);
void ul_fill(void *buf, size_t len, unsigned int seed);
/* Build an LBA command with its separate metadata (if the format has it). */
int ul_cmd_lba(struct ul_ns *ns, struct nvme_passthru_cmd64 *cmd, __u8 op,
	       __u64 slba, __u32 nblocks, void *buf, void *meta);

/*
 * The reference path: NVME_IOCTL_{ADMIN,IO}64_CMD on @fd, as the ioctl says.
 * It needs CAP_SYS_ADMIN: check its answer with ul_denied().
 */
int ul_ioctl(int fd, bool admin, struct nvme_passthru_cmd64 *cmd);
/*
 * True, with a "# skipped" line for @what, when the reference ioctl's
 * answer @rr was refused: the comparison cannot be made.
 */
bool ul_ioctl_denied(int rr, const char *what);
/* O_DIRECT read of the block node: 0, -errno, or -ENODATA (no capacity). */
int ul_blk_read(const struct ul_ns *ns, __u64 slba, void *buf, size_t len);
/* @len bytes at LBA @slba read through the block node equal @want? */
bool ul_blk_check(const struct ul_ns *ns, __u64 slba, const void *want,
		  size_t len, const char *what);

#endif
