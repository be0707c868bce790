/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the NVMe uring_cmd guest tests: rings, one builder per
 * command form, one-shot submit-and-wait, the ioctl reference path and a
 * tiny check/report vocabulary. Every test exits 0 (pass), 1 (fail) or 77
 * (skip, the last line says why), and probes what it needs.
 */
#ifndef NVME_LIB_H
#define NVME_LIB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <liburing.h>
#include <linux/nvme_ioctl.h>

#define EXIT_SKIP	77

#define NVME_CTRL_DEV	"/dev/nvme0"
#define NVME_NG1	"/dev/ng0n1"	/* 512-byte LBAs */
#define NVME_NG2	"/dev/ng0n2"	/* 4096-byte LBAs + 8 bytes metadata */
#define NVME_RESET_ATTR	"/sys/class/nvme/nvme0/reset_controller"

/* NVMe opcodes and statuses the tests use */
enum {
	OP_FLUSH	= 0x00,
	OP_WRITE	= 0x01,
	OP_READ		= 0x02,
	OP_WRITE_ZEROES	= 0x08,
	OP_ADMIN_IDENTIFY = 0x06,
	OP_ADMIN_GET_LOG = 0x02,
	OP_ADMIN_GET_FEATURES = 0x0a,
};

/* The big-SQE ring flags upstream's form needs. */
#define RING_BIG	(IORING_SETUP_SQE128 | IORING_SETUP_CQE32)

/* A namespace under test: its ng node, nsid, LBA size and metadata size. */
struct tns {
	const char	*path;
	int		fd;
	unsigned int	nsid;
	unsigned int	lbs;
	unsigned int	ms;
	uint64_t	nsze;
};

/* The result of one command: cqe->res and, on CQE32 rings, big_cqe[0]. */
struct tres {
	int		res;
	uint64_t	res2;
};

extern int t_failures;

void t_skip(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void t_fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void t_check(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int t_done(void);

void *t_buf(size_t len);
void t_fill(void *buf, size_t len, unsigned int seed);

int t_open(const char *path, int flags);
bool t_have_uring_cmd(void);
void t_need_uring_cmd(void);
int t_ring(struct io_uring *ring, unsigned int entries, unsigned int flags);
bool t_have_overlay(void);
bool t_have_poll_queues(void);
int t_reset_controller(void);
bool t_have_admin_ioctl(void);
void t_reprobe_privileges(void);
void t_need_admin_ioctl(const char *what);
void t_ns_open(struct tns *ns, const char *path, int flags);
bool t_setup_both(struct tns ns[2], struct io_uring *big,
		  struct io_uring *small);

/* SQE builders: zero the SQE, set opcode/fd/user_data, then the form. */
void t_prep_big(struct io_uring *ring, struct io_uring_sqe *sqe, int fd,
		__u32 cmd_op, const struct nvme_uring_cmd *cmd);
void t_prep_compact(struct io_uring_sqe *sqe, int fd, __u8 opcode,
		    __u64 slba, __u16 nlb, void *buf, __u32 len);
void t_prep_indirect(struct io_uring_sqe *sqe, int fd, __u32 cmd_op,
		     struct nvme_passthru_cmd64 *cmd);
void t_sqe_fixed(struct io_uring_sqe *sqe, __u16 buf_index);

/* Submit what is queued and wait for one completion. */
struct tres t_wait_one(struct io_uring *ring);
int t_wait_cqe_secs(struct io_uring *ring, struct io_uring_cqe **cqe,
		    int secs);
struct tres t_run_big(struct io_uring *ring, int fd, __u32 cmd_op,
		      const struct nvme_uring_cmd *cmd);
struct tres t_run_indirect(struct io_uring *ring, int fd, __u32 cmd_op,
			   struct nvme_passthru_cmd64 *cmd);

/* Command builders: an identify, a read/write of @nlb blocks (1-based). */
void t_cmd_identify(struct nvme_uring_cmd *c, __u32 nsid, __u8 cns,
		    void *buf);
void t_cmd_rw(struct nvme_uring_cmd *c, const struct tns *ns, __u8 opcode,
	      __u64 slba, __u32 nblocks, void *buf, void *meta);
void t_cmd64_from(struct nvme_passthru_cmd64 *c64,
		  const struct nvme_uring_cmd *c);

/* The ioctl path, for reference: returns the ioctl's return value. */
int t_ioctl_admin(int fd, const struct nvme_uring_cmd *c, __u64 *result);
int t_ioctl_io(int fd, const struct nvme_uring_cmd *c, __u64 *result);

#endif
