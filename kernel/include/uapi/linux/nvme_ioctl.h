/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Definitions for the NVM Express ioctl interface
 * Copyright (c) 2011-2014, Intel Corporation.
 */

#ifndef _UAPI_LINUX_NVME_IOCTL_H
#define _UAPI_LINUX_NVME_IOCTL_H

#include <linux/types.h>

struct nvme_user_io {
	__u8	opcode;
	__u8	flags;
	__u16	control;
	__u16	nblocks;
	__u16	rsvd;
	__u64	metadata;
	__u64	addr;
	__u64	slba;
	__u32	dsmgmt;
	__u32	reftag;
	__u16	apptag;
	__u16	appmask;
};

struct nvme_passthru_cmd {
	__u8	opcode;
	__u8	flags;
	__u16	rsvd1;
	__u32	nsid;
	__u32	cdw2;
	__u32	cdw3;
	__u64	metadata;
	__u64	addr;
	__u32	metadata_len;
	__u32	data_len;
	__u32	cdw10;
	__u32	cdw11;
	__u32	cdw12;
	__u32	cdw13;
	__u32	cdw14;
	__u32	cdw15;
	__u32	timeout_ms;
	__u32	result;
};

struct nvme_passthru_cmd64 {
	__u8	opcode;
	__u8	flags;
	__u16	rsvd1;
	__u32	nsid;
	__u32	cdw2;
	__u32	cdw3;
	__u64	metadata;
	__u64	addr;
	__u32	metadata_len;
	__u32	data_len;
	__u32	cdw10;
	__u32	cdw11;
	__u32	cdw12;
	__u32	cdw13;
	__u32	cdw14;
	__u32	cdw15;
	__u32	timeout_ms;
	__u32   rsvd2;
	__u64	result;
};

/*
 * struct nvme_uring_cmd - an NVMe command for io_uring's IORING_OP_URING_CMD
 *
 * Upstream's layout (Linux 5.19+), byte for byte: it lives at sqe->cmd of a
 * ring set up with IORING_SETUP_SQE128 and IORING_SETUP_CQE32. It is struct
 * nvme_passthru_cmd64 without the result: the 64-bit command result is
 * returned in cqe->big_cqe[0]. For the _VEC commands @addr points to a
 * struct iovec array and @data_len is the number of entries.
 */
struct nvme_uring_cmd {
	__u8	opcode;
	__u8	flags;		/* must be 0 */
	__u16	rsvd1;		/* must be 0 */
	__u32	nsid;
	__u32	cdw2;
	__u32	cdw3;
	__u64	metadata;
	__u64	addr;
	__u32	metadata_len;
	__u32	data_len;
	__u32	cdw10;
	__u32	cdw11;
	__u32	cdw12;
	__u32	cdw13;
	__u32	cdw14;
	__u32	cdw15;
	__u32	timeout_ms;
	__u32	rsvd2;		/* must be 0 */
};

/*
 * nvme-ucmd extension: commands for ordinary rings (64-byte SQEs).
 *
 * In a ring set up without IORING_SETUP_SQE128, the command of an
 * IORING_OP_URING_CMD SQE is the 40-byte overlay made of SQE bytes 8..31 and
 * 48..63. The structures below describe SQE bytes 8..63: the members named
 * cmd_op and uring_cmd_flags are io_uring's own sqe->cmd_op and
 * sqe->uring_cmd_flags, and __io_uring covers sqe->user_data, buf_index,
 * personality and file_index, which always keep their io_uring meaning.
 * Fill the SQE through its own fields first, then the command through a
 * pointer to &sqe->cmd_op. docs/abi.md has the byte map.
 *
 * In every form cqe->res is 0, a positive NVMe status (the status field of
 * the completion queue entry without the phase bit), or a negative errno.
 */

/*
 * struct nvme_uring_cmd_compact - NVME_URING_CMD_IO_COMPACT: an inline
 * LBA-based I/O command (read, write, compare, write zeroes, verify, write
 * uncorrectable, flush) on the namespace of the char device it is sent to.
 * Command dwords: CDW10/11 = @slba, CDW12 = @control << 16 | @nlb,
 * CDW13 = @cdw13. @addr/@data_len describe the data buffer, or with
 * IORING_URING_CMD_FIXED a range of the registered buffer sqe->buf_index.
 * Not for namespaces with separate metadata (-EINVAL): use the indirect
 * form or struct nvme_uring_cmd for those.
 */
struct nvme_uring_cmd_compact {
	__u32	cmd_op;		/* SQE  8: io_uring's sqe->cmd_op */
	__u8	opcode;		/* SQE 12: NVMe opcode */
	__u8	flags;		/* SQE 13: must be 0 */
	__u16	control;	/* SQE 14: CDW12 bits 31:16 (FUA, LR, PRINFO) */
	__u64	addr;		/* SQE 16: data buffer */
	__u32	data_len;	/* SQE 24: data length in bytes */
	__u32	uring_cmd_flags;	/* SQE 28: io_uring's */
	__u64	__io_uring[2];	/* SQE 32: io_uring's user_data ... file_index */
	__u64	slba;		/* SQE 48: starting LBA */
	__u16	nlb;		/* SQE 56: number of logical blocks, 0's based */
	__u16	rsvd;		/* SQE 58: must be 0 */
	__u32	cdw13;		/* SQE 60: CDW13 (dataset management) */
};

/*
 * struct nvme_uring_cmd_indirect - NVME_URING_CMD_{IO,ADMIN}_INDIRECT[_VEC]:
 * any command, described by a struct nvme_passthru_cmd64 in user memory.
 * The kernel reads it once at submission; before the CQE is posted it writes
 * the 64-bit command result to its result member (and, on a CQE32 ring, also
 * to cqe->big_cqe[0]). For the _VEC commands the addr member of the command
 * points to a struct iovec array and its data_len is the number of entries.
 */
struct nvme_uring_cmd_indirect {
	__u32	cmd_op;		/* SQE  8: io_uring's sqe->cmd_op */
	__u32	rsvd1;		/* SQE 12: must be 0 */
	__u64	addr;		/* SQE 16: struct nvme_passthru_cmd64 * */
	__u32	len;		/* SQE 24: sizeof(struct nvme_passthru_cmd64) */
	__u32	uring_cmd_flags;	/* SQE 28: io_uring's */
	__u64	__io_uring[2];	/* SQE 32: io_uring's user_data ... file_index */
	__u64	rsvd2[2];	/* SQE 48: must be 0 */
};

#define nvme_admin_cmd nvme_passthru_cmd

#define NVME_IOCTL_ID		_IO('N', 0x40)
#define NVME_IOCTL_ADMIN_CMD	_IOWR('N', 0x41, struct nvme_admin_cmd)
#define NVME_IOCTL_SUBMIT_IO	_IOW('N', 0x42, struct nvme_user_io)
#define NVME_IOCTL_IO_CMD	_IOWR('N', 0x43, struct nvme_passthru_cmd)
#define NVME_IOCTL_RESET	_IO('N', 0x44)
#define NVME_IOCTL_SUBSYS_RESET	_IO('N', 0x45)
#define NVME_IOCTL_RESCAN	_IO('N', 0x46)
#define NVME_IOCTL_ADMIN64_CMD	_IOWR('N', 0x47, struct nvme_passthru_cmd64)
#define NVME_IOCTL_IO64_CMD	_IOWR('N', 0x48, struct nvme_passthru_cmd64)

/* io_uring commands (sqe->cmd_op) for 128-byte SQEs and 32-byte CQEs */
#define NVME_URING_CMD_IO	_IOWR('N', 0x80, struct nvme_uring_cmd)
#define NVME_URING_CMD_IO_VEC	_IOWR('N', 0x81, struct nvme_uring_cmd)
#define NVME_URING_CMD_ADMIN	_IOWR('N', 0x82, struct nvme_uring_cmd)
#define NVME_URING_CMD_ADMIN_VEC _IOWR('N', 0x83, struct nvme_uring_cmd)

/* nvme-ucmd extension: io_uring commands for ordinary 64-byte SQEs */
#define NVME_URING_CMD_IO_COMPACT \
	_IOWR('N', 0xc0, struct nvme_uring_cmd_compact)
#define NVME_URING_CMD_IO_INDIRECT \
	_IOWR('N', 0xc1, struct nvme_passthru_cmd64)
#define NVME_URING_CMD_IO_INDIRECT_VEC \
	_IOWR('N', 0xc2, struct nvme_passthru_cmd64)
#define NVME_URING_CMD_ADMIN_INDIRECT \
	_IOWR('N', 0xc3, struct nvme_passthru_cmd64)
#define NVME_URING_CMD_ADMIN_INDIRECT_VEC \
	_IOWR('N', 0xc4, struct nvme_passthru_cmd64)

#endif /* _UAPI_LINUX_NVME_IOCTL_H */
