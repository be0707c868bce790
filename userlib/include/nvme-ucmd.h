/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nvme-ucmd.h - libnvme-ucmd: NVMe passthrough over io_uring's
 * IORING_OP_URING_CMD, with a synchronous ioctl fallback.
 *
 * This header is the API's documentation (kernel-doc comments; the man pages
 * in section 3 say the same). Conventions that hold for every function:
 *
 * - Return value: 0 on success, a negative errno on failure, or a positive
 *   NVMe status when the device completed the command with an error. The
 *   status is the Status Field of the completion queue entry without the
 *   phase bit: bits 7:0 SC, 10:8 SCT, 12:11 CRD, 13 More, 14 DNR.
 * - Arguments are checked before anything is submitted: a bad length, a NULL
 *   buffer, a size that is not a multiple of the LBA size or a block count
 *   over 65536 gives -EINVAL.
 * - The library never prints and never exits.
 * - Thread safety is stated per function: "MT-safe" functions may be called
 *   concurrently on the same handle; "not MT-safe on the same queue" means
 *   one thread at a time per struct nvmeu_queue (different queues of one
 *   device may be used from different threads).
 *
 * Command forms (enum nvmeu_form) describe how a command reaches the kernel;
 * the library picks one per device by probing once (see nvmeu_get_form()).
 *
 * Do not include <libnvme.h> or <nvme/ioctl.h> in the same file: they define
 * struct nvme_passthru_cmd, as <linux/nvme_ioctl.h> (used here) does.
 * <nvme/types.h> is fine and gives the identify and log structures.
 */
#ifndef NVME_UCMD_H
#define NVME_UCMD_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/uio.h>

#include <liburing.h>
#include <linux/nvme_ioctl.h>

/*
 * The version of this header; nvmeu_version() gives the library's. They
 * agree with the Makefile's VERSION and the newest node of the library's
 * version script (make lint checks).
 */
#define NVMEU_VERSION_MAJOR	0
#define NVMEU_VERSION_MINOR	2
#define NVMEU_VERSION_PATCH	0
#define NVMEU_VERSION_STRING	"0.2.0"
/* NVMEU_VERSION_CODE >= NVMEU_VERSION(0, 2, 0): the API of 0.2.0 */
#define NVMEU_VERSION(a, b, c)	(((a) << 16) | ((b) << 8) | (c))
#define NVMEU_VERSION_CODE \
	NVMEU_VERSION(NVMEU_VERSION_MAJOR, NVMEU_VERSION_MINOR, NVMEU_VERSION_PATCH)

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The uapi of kernels without NVMe uring_cmd (before 5.19) lacks the
 * upstream command; only nvme-ucmd kernels have the 64-byte SQE overlay.
 * Both are ABI, so they are repeated here when the system header lacks them
 * (the in-tree build always uses kernel/include/uapi/linux/nvme_ioctl.h).
 */
#ifndef NVME_URING_CMD_IO
struct nvme_uring_cmd {
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
	__u32	rsvd2;
};
#define NVME_URING_CMD_IO	_IOWR('N', 0x80, struct nvme_uring_cmd)
#endif
/*
 * Each command number on its own: libnvme 1.3's <nvme/ioctl.h> defines
 * the struct and the two I/O numbers but not the admin ones.
 */
#ifndef NVME_URING_CMD_IO_VEC
#define NVME_URING_CMD_IO_VEC	_IOWR('N', 0x81, struct nvme_uring_cmd)
#endif
#ifndef NVME_URING_CMD_ADMIN
#define NVME_URING_CMD_ADMIN	_IOWR('N', 0x82, struct nvme_uring_cmd)
#endif
#ifndef NVME_URING_CMD_ADMIN_VEC
#define NVME_URING_CMD_ADMIN_VEC _IOWR('N', 0x83, struct nvme_uring_cmd)
#endif
/*
 * libnvme 1.3's <nvme/ioctl.h> keeps its copy of the kernel's uapi, and two
 * macros of its own, under the uapi header's include guard: with the
 * kernel's header already included (as by this file) it skips them all,
 * then uses the two. Define them as libnvme does, so that <libnvme.h>
 * compiles after this header too.
 */
#ifndef NVME_DEFAULT_IOCTL_TIMEOUT
#define NVME_DEFAULT_IOCTL_TIMEOUT 0
#endif
#ifndef NVME_LOG_PAGE_PDU_SIZE
#define NVME_LOG_PAGE_PDU_SIZE 4096
#endif

#ifndef NVME_URING_CMD_IO_COMPACT
struct nvme_uring_cmd_compact {
	__u32	cmd_op;
	__u8	opcode;
	__u8	flags;
	__u16	control;
	__u64	addr;
	__u32	data_len;
	__u32	uring_cmd_flags;
	__u64	__io_uring[2];
	__u64	slba;
	__u16	nlb;
	__u16	rsvd;
	__u32	cdw13;
};
struct nvme_uring_cmd_indirect {
	__u32	cmd_op;
	__u32	rsvd1;
	__u64	addr;
	__u32	len;
	__u32	uring_cmd_flags;
	__u64	__io_uring[2];
	__u64	rsvd2[2];
};
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
#endif

/* libnvme's structures (<nvme/types.h>), used through pointers only. */
struct nvme_id_ctrl;
struct nvme_id_ns;
struct nvme_smart_log;
struct nvme_error_log_page;
struct nvme_firmware_slot;
struct nvme_dsm_range;

/**
 * enum nvmeu_form - how a command reaches the kernel
 * @NVMEU_FORM_AUTO: probe once per device and use the best form available
 * @NVMEU_FORM_BIG: upstream's struct nvme_uring_cmd in a 128-byte SQE
 *	(ring set up with IORING_SETUP_SQE128 | IORING_SETUP_CQE32); the
 *	result comes back in cqe->big_cqe[0]. Linux 5.19+ and nvme-ucmd.
 * @NVMEU_FORM_COMPACT: nvme-ucmd's 64-byte SQE overlay: LBA I/O without
 *	separate metadata as struct nvme_uring_cmd_compact, everything else as
 *	struct nvme_uring_cmd_indirect. nvme-ucmd kernels only.
 * @NVMEU_FORM_INDIRECT: nvme-ucmd's overlay, always indirect: the SQE points
 *	to the caller's struct nvme_passthru_cmd64, whose result the kernel
 *	fills in. nvme-ucmd kernels only.
 * @NVMEU_FORM_IOCTL: synchronous NVME_IOCTL_{ADMIN,IO}64_CMD (or the 32-bit
 *	result NVME_IOCTL_{ADMIN,IO}_CMD where the 64-bit ones are missing);
 *	works on every kernel. Queues complete commands at submit time.
 * @NVMEU_FORM_COUNT: number of forms
 */
enum nvmeu_form {
	NVMEU_FORM_AUTO = 0,
	NVMEU_FORM_BIG,
	NVMEU_FORM_COMPACT,
	NVMEU_FORM_INDIRECT,
	NVMEU_FORM_IOCTL,
	NVMEU_FORM_COUNT
};

/* Command flags (the @flags of the submit and prep functions). */
#define NVMEU_ADMIN	(1U << 0)	/* admin command, else I/O command */
#define NVMEU_VEC	(1U << 1)	/* cmd->addr: struct iovec[], data_len: count */

/* CDW12 bits of LBA commands (or into cmd->cdw12, or pass as flags). */
#define NVMEU_CDW12_FUA		(1U << 30)	/* force unit access */
#define NVMEU_CDW12_LR		(1U << 31)	/* limited retry */
#define NVMEU_CDW12_DEAC	(1U << 25)	/* write zeroes: deallocate */

/* Dataset Management attributes (cdw11). */
#define NVMEU_DSM_IDR		(1U << 0)	/* integral dataset for read */
#define NVMEU_DSM_IDW		(1U << 1)	/* integral dataset for write */
#define NVMEU_DSM_AD		(1U << 2)	/* deallocate */

#define NVMEU_MAX_NLB		65536U		/* blocks per LBA command */
#define NVMEU_ID_SIZE		4096U		/* identify data size */

/**
 * struct nvmeu_dev_info - what nvmeu_open() found out about a device node
 * @nsid: namespace id (NVME_IOCTL_ID), 0 on a controller node
 * @lba_size: LBA data size in bytes (current format), 0 on a controller node
 * @meta_size: metadata bytes per LBA (current format)
 * @max_xfer: largest data transfer in bytes (see nvmeu_open())
 * @meta_ext: metadata is transferred at the end of each LBA's data
 * @is_ctrl: the node is a controller node (/dev/nvmeX)
 * @oflags: the open(2) flags the node was opened with
 * @form: the form in use, NVMEU_FORM_AUTO if not decided yet
 */
struct nvmeu_dev_info {
	__u32	nsid;
	__u32	lba_size;
	__u32	meta_size;
	__u32	max_xfer;
	bool	meta_ext;
	bool	is_ctrl;
	int	oflags;
	enum nvmeu_form form;
};

/**
 * struct nvmeu_completion - one completed command
 * @cookie: the caller's cookie given when the command was queued
 * @cmd: the command (its result member is filled in as well)
 * @result: the command's 64-bit result (completion queue entry DW0/DW1);
 *	the 32-bit ioctl fallback gives DW0 only, the compact form none (0)
 * @ret: 0, a positive NVMe status or a negative errno
 */
struct nvmeu_completion {
	__u64	cookie;
	struct nvme_passthru_cmd64 *cmd;
	__u64	result;
	int	ret;
};

struct nvmeu_dev;
struct nvmeu_queue;

/* ---------------------------------------------------------------------- */
/* Devices                                                                 */

/**
 * nvmeu_open() - open an NVMe device node
 * @path: a namespace node (/dev/ngXnY, also /dev/nvmeXnY with the ioctl
 *	form) or a controller node (/dev/nvmeX)
 * @oflags: open(2) flags (O_RDWR is typical; O_CLOEXEC is always added)
 * @devp: the new handle
 *
 * Reads the namespace id (NVME_IOCTL_ID; -ENOTTY means a controller node),
 * Identify Namespace (current LBA format: LBA and metadata sizes) and
 * Identify Controller (MDTS) with the admin ioctl. The maximum transfer is
 * the smallest of 2^MDTS * 4 KiB (CAP.MPSMIN is not readable through the
 * driver, so the minimum page size 4 KiB is assumed) and, for namespace
 * nodes, the block queue's max_hw_sectors_kb in sysfs; 128 KiB when neither
 * is known. The command form is probed later, on first use.
 *
 * Privilege: on 5.10 the admin ioctl needs CAP_SYS_ADMIN. When it is
 * refused (-EACCES, -EPERM), each Identify goes by uring_cmd to the
 * controller node instead: on a controller node to the node itself (whose
 * form is probed then, and cached), on a namespace node to its /dev/nvmeX,
 * found through sysfs and opened read-only for that one command. Our
 * kernel takes Identify Controller and Namespace that way without
 * CAP_SYS_ADMIN, so a caller who may open @path with @oflags and, for a
 * namespace node, its controller node for reading needs no privilege.
 * Upstream 5.19 to 6.1 refuse every uring_cmd without CAP_SYS_ADMIN,
 * kernels before 5.19 have none: there the ioctl's error is returned.
 *
 * Context: MT-safe.
 * Return: 0, -errno (-EACCES or -EPERM: refused for privilege both ways),
 * or the NVMe status of a failed identify.
 */
int nvmeu_open(const char *path, int oflags, struct nvmeu_dev **devp);

/**
 * nvmeu_close() - close a handle (and its internal queue)
 * @dev: the handle, may be NULL
 *
 * Queues created on @dev must be freed first (nvmeu_queue_exit()).
 * Context: not MT-safe on the same handle.
 */
void nvmeu_close(struct nvmeu_dev *dev);

/**
 * nvmeu_dev_fd() - the file descriptor of the handle
 * @dev: the handle
 *
 * Context: MT-safe.
 * Return: the descriptor (the configured number for a fake handle).
 */
int nvmeu_dev_fd(const struct nvmeu_dev *dev);

/**
 * nvmeu_dev_get_info() - copy out what is known about the device
 * @dev: the handle
 * @info: filled in
 *
 * Context: MT-safe.
 * Return: 0 or -EINVAL.
 */
int nvmeu_dev_get_info(struct nvmeu_dev *dev, struct nvmeu_dev_info *info);

/**
 * nvmeu_open_ctrl() - open the controller node of a namespace handle
 * @dev: a namespace handle (/dev/ngXnY, or /dev/nvmeXnY)
 * @oflags: open(2) flags, as for nvmeu_open()
 * @ctrlp: the new controller handle (/dev/nvmeX, found through sysfs)
 *
 * For nvmeu_set_admin_dev(). A fake handle has no controller node.
 * Context: MT-safe.
 * Return: 0, -EINVAL (@dev is a controller handle), -ENODEV (no
 * controller node found) or what nvmeu_open() returns.
 */
int nvmeu_open_ctrl(const struct nvmeu_dev *dev, int oflags,
		    struct nvmeu_dev **ctrlp);

/**
 * nvmeu_set_admin_dev() - send a namespace handle's admin commands to its
 *	controller
 * @dev: a namespace handle
 * @ctrl: a controller handle (nvmeu_open_ctrl()), or NULL to go back to
 *	the default
 *
 * Kernels take admin uring_cmds only on controller nodes, so by default the
 * synchronous API sends admin commands of a namespace handle by ioctl on
 * the namespace node. With @ctrl they go to @ctrl in @dev's form (when that
 * is a uring form; @ctrl's own form is not used), through @ctrl's internal
 * queue. From the first time @ctrl refuses the form (-EOPNOTSUPP or
 * -ENOTTY: a kernel without the form on controller nodes) they go by ioctl
 * again, that command included. @dev owns @ctrl from now on: nvmeu_close()
 * of @dev, or another call of this function, closes it.
 *
 * Context: not MT-safe on the same handle.
 * Return: 0, or -EINVAL (@dev is not a namespace handle, @ctrl not a
 * controller handle; @ctrl then stays the caller's).
 */
int nvmeu_set_admin_dev(struct nvmeu_dev *dev, struct nvmeu_dev *ctrl);

/* ---------------------------------------------------------------------- */
/* Forms and probing                                                       */

/* A probe result that was not measured. */
#define NVMEU_PROBE_NOT_RUN	INT32_MIN

/**
 * struct nvmeu_probe_facts - what the probe measured
 * @uring: 1 if io_uring supports IORING_OP_URING_CMD (io_uring_get_probe()),
 *	0 if not or if io_uring is unavailable
 * @overlay_res: cqe->res of the probe command in the indirect form on an
 *	ordinary ring, or NVMEU_PROBE_NOT_RUN
 * @big_setup: 0 if a ring with IORING_SETUP_SQE128 | IORING_SETUP_CQE32 could
 *	be set up, else its -errno (NVMEU_PROBE_NOT_RUN if not tried)
 * @big_res: cqe->res of the probe command in the big form, or
 *	NVMEU_PROBE_NOT_RUN
 *
 * The probe command is side-effect free: Identify Controller on a controller
 * node, a read of LBA 0 (one block) on a namespace node.
 */
struct nvmeu_probe_facts {
	int	uring;
	int	overlay_res;
	int	big_setup;
	int	big_res;
};

/**
 * nvmeu_probe_decide() - choose a form from probe results (pure function)
 * @facts: the measurements
 *
 * A probe command counts as accepted when the kernel passed it to the
 * device or refused it for lack of privilege: res >= 0, -EACCES or -EPERM.
 * Anything else (-EOPNOTSUPP: nvme-ucmd for a form the ring does not fit,
 * and upstream for the overlay on 64-byte SQEs; -EINVAL or -ENOTTY: a
 * kernel that does not know the command) rejects the form. Order of
 * preference: COMPACT (the overlay: ordinary rings, no copy of the
 * command), then BIG, then IOCTL.
 *
 * Context: MT-safe.
 * Return: NVMEU_FORM_COMPACT, NVMEU_FORM_BIG or NVMEU_FORM_IOCTL.
 */
enum nvmeu_form nvmeu_probe_decide(const struct nvmeu_probe_facts *facts);

/**
 * nvmeu_probe() - measure what the kernel accepts for this device
 * @dev: the handle
 * @facts: filled in (may be NULL)
 *
 * Runs the probe described at struct nvmeu_probe_facts now (the overlay
 * probe first, the big form only if the overlay is refused) without
 * caching the answer.
 *
 * Context: MT-safe.
 * Return: the form nvmeu_probe_decide() picks, or -EINVAL.
 */
int nvmeu_probe(struct nvmeu_dev *dev, struct nvmeu_probe_facts *facts);

/**
 * nvmeu_get_form() - the form used for a device
 * @dev: the handle
 *
 * Probes on the first call (nvmeu_probe()) unless a form was set with
 * nvmeu_set_form(), and caches the answer in the handle.
 *
 * Context: MT-safe.
 * Return: a form other than NVMEU_FORM_AUTO, or -EINVAL.
 */
int nvmeu_get_form(struct nvmeu_dev *dev);

/**
 * nvmeu_set_form() - force a form (or NVMEU_FORM_AUTO to probe again)
 * @dev: the handle
 * @form: the form
 *
 * Context: MT-safe, but queues already created keep their form.
 * Return: 0 or -EINVAL.
 */
int nvmeu_set_form(struct nvmeu_dev *dev, enum nvmeu_form form);

/**
 * nvmeu_form_name() - "auto", "big", "compact", "indirect" or "ioctl"
 * @form: the form
 *
 * Context: MT-safe.
 * Return: a static string, "?" for an unknown value.
 */
const char *nvmeu_form_name(enum nvmeu_form form);

/* ---------------------------------------------------------------------- */
/* Status                                                                  */

/**
 * nvmeu_strerror() - describe a return value of this library
 * @ret: 0, a negative errno or a positive NVMe status
 *
 * Uses strerrordesc_np() for errnos and libnvme's nvme_status_to_string()
 * for NVMe statuses.
 *
 * Context: MT-safe.
 * Return: a static string.
 */
const char *nvmeu_strerror(int ret);

/**
 * nvmeu_version() - the version of the library in use
 *
 * Compare with NVMEU_VERSION_STRING, the header's, to tell a program built
 * against an older header from one that runs on an older library.
 *
 * Context: MT-safe.
 * Return: a static string, "MAJOR.MINOR.PATCH".
 */
const char *nvmeu_version(void);

/* Fields of a positive NVMe status (Status Field without the phase bit). */
static inline unsigned int nvmeu_status_sc(int status)
{
	return status & 0xff;
}

static inline unsigned int nvmeu_status_sct(int status)
{
	return (status >> 8) & 0x7;
}

static inline bool nvmeu_status_dnr(int status)
{
	return (status >> 14) & 1;
}

/* ---------------------------------------------------------------------- */
/* Building commands (struct nvme_passthru_cmd64; all MT-safe)              */

/**
 * nvmeu_cmd_init() - zero a command and set opcode, nsid and data buffer
 * @cmd: the command
 * @opcode: NVMe opcode
 * @nsid: namespace id
 * @buf: data buffer (NULL when @len is 0)
 * @len: data length in bytes
 *
 * Return: 0, or -EINVAL for a NULL @cmd or a NULL @buf with @len > 0.
 */
int nvmeu_cmd_init(struct nvme_passthru_cmd64 *cmd, __u8 opcode, __u32 nsid,
		   void *buf, __u32 len);

/**
 * nvmeu_cmd_identify() - Identify (admin 0x06), 4096 bytes of data
 * @cmd: the command
 * @cns: Controller or Namespace Structure (CDW10 bits 7:0)
 * @nsid: namespace id (0 when the CNS does not use it)
 * @buf: NVMEU_ID_SIZE bytes
 *
 * CNTID and CSI stay 0; or them into cdw10/cdw11 afterwards if needed.
 * Return: 0 or -EINVAL.
 */
int nvmeu_cmd_identify(struct nvme_passthru_cmd64 *cmd, __u8 cns,
		       __u32 nsid, void *buf);

/**
 * nvmeu_cmd_get_log() - Get Log Page (admin 0x02)
 * @cmd: the command
 * @nsid: namespace id (0xffffffff: controller-wide)
 * @lid: log page id (CDW10 7:0)
 * @lsp: log specific field (CDW10 14:8, at most 0x7f)
 * @rae: retain asynchronous event (CDW10 15)
 * @offset: byte offset into the log (CDW12 LPOL, CDW13 LPOU), a multiple
 *	of 4
 * @buf: the log buffer
 * @len: bytes to read, a multiple of 4; NUMD = @len / 4 - 1 is split into
 *	NUMDL (CDW10 31:16) and NUMDU (CDW11 15:0)
 *
 * Return: 0 or -EINVAL.
 */
int nvmeu_cmd_get_log(struct nvme_passthru_cmd64 *cmd, __u32 nsid, __u8 lid,
		      __u8 lsp, bool rae, __u64 offset, void *buf, __u32 len);

/**
 * nvmeu_cmd_get_features() - Get Features (admin 0x0a)
 * @cmd: the command
 * @nsid: namespace id
 * @fid: feature id (CDW10 7:0)
 * @sel: select (CDW10 10:8): 0 current, 1 default, 2 saved, 3 capabilities
 * @cdw11: feature specific
 * @buf: data buffer for features that return data, else NULL
 * @len: its length
 *
 * Return: 0 or -EINVAL (@sel > 7).
 */
int nvmeu_cmd_get_features(struct nvme_passthru_cmd64 *cmd, __u32 nsid,
			   __u8 fid, __u8 sel, __u32 cdw11, void *buf,
			   __u32 len);

/**
 * nvmeu_cmd_set_features() - Set Features (admin 0x09)
 * @cmd: the command
 * @nsid: namespace id
 * @fid: feature id (CDW10 7:0)
 * @save: save across power cycles (CDW10 31)
 * @cdw11: feature specific
 * @cdw12: feature specific
 * @buf: data buffer for features that take data, else NULL
 * @len: its length
 *
 * Return: 0 or -EINVAL.
 */
int nvmeu_cmd_set_features(struct nvme_passthru_cmd64 *cmd, __u32 nsid,
			   __u8 fid, bool save, __u32 cdw11, __u32 cdw12,
			   void *buf, __u32 len);

/**
 * nvmeu_cmd_read() - Read (I/O 0x02) on the handle's namespace
 * @dev: the handle (namespace id, LBA size, maximum transfer)
 * @cmd: the command
 * @slba: first LBA (CDW10/11)
 * @nblocks: number of blocks, 1..65536 (CDW12 15:0 = @nblocks - 1)
 * @buf: data buffer
 * @len: @nblocks * LBA size (plus metadata per LBA for extended formats),
 *	at most the maximum transfer
 *
 * For a separate metadata buffer call nvmeu_cmd_set_meta() afterwards; for
 * FUA and friends or NVMEU_CDW12_* into cmd->cdw12.
 * Return: 0 or -EINVAL.
 */
int nvmeu_cmd_read(const struct nvmeu_dev *dev,
		   struct nvme_passthru_cmd64 *cmd, __u64 slba,
		   __u32 nblocks, void *buf, __u32 len);

/**
 * nvmeu_cmd_write() - Write (I/O 0x01); arguments as nvmeu_cmd_read()
 */
int nvmeu_cmd_write(const struct nvmeu_dev *dev,
		    struct nvme_passthru_cmd64 *cmd, __u64 slba,
		    __u32 nblocks, const void *buf, __u32 len);

/**
 * nvmeu_cmd_compare() - Compare (I/O 0x05); arguments as nvmeu_cmd_read()
 */
int nvmeu_cmd_compare(const struct nvmeu_dev *dev,
		      struct nvme_passthru_cmd64 *cmd, __u64 slba,
		      __u32 nblocks, const void *buf, __u32 len);

/**
 * nvmeu_cmd_set_meta() - attach a separate metadata buffer to an LBA command
 * @dev: the handle
 * @cmd: a command built by nvmeu_cmd_read/write/compare()
 * @meta: metadata buffer
 * @len: (CDW12 15:0 + 1) * metadata size; the namespace must use separate
 *	(not extended) metadata
 *
 * Return: 0 or -EINVAL.
 */
int nvmeu_cmd_set_meta(const struct nvmeu_dev *dev,
		       struct nvme_passthru_cmd64 *cmd, void *meta, __u32 len);

/**
 * nvmeu_cmd_write_zeroes() - Write Zeroes (I/O 0x08), no data
 * @dev: the handle
 * @cmd: the command
 * @slba: first LBA
 * @nblocks: number of blocks, 1..65536
 * @cdw12_flags: CDW12 bits 31:16 (NVMEU_CDW12_DEAC, _FUA, _LR)
 *
 * Return: 0 or -EINVAL (also for flags in CDW12 15:0).
 */
int nvmeu_cmd_write_zeroes(const struct nvmeu_dev *dev,
			   struct nvme_passthru_cmd64 *cmd, __u64 slba,
			   __u32 nblocks, __u32 cdw12_flags);

/**
 * nvmeu_cmd_flush() - Flush (I/O 0x00) of the handle's namespace
 * @dev: the handle
 * @cmd: the command
 *
 * Return: 0 or -EINVAL.
 */
int nvmeu_cmd_flush(const struct nvmeu_dev *dev,
		    struct nvme_passthru_cmd64 *cmd);

/**
 * nvmeu_cmd_dsm() - Dataset Management (I/O 0x09)
 * @dev: the handle
 * @cmd: the command
 * @attrs: NVMEU_DSM_* (CDW11), NVMEU_DSM_AD to deallocate
 * @ranges: 1..256 ranges (little-endian, see nvmeu_dsm_range_set())
 * @nr: number of ranges (CDW10 7:0 = @nr - 1)
 *
 * Return: 0 or -EINVAL.
 */
int nvmeu_cmd_dsm(const struct nvmeu_dev *dev,
		  struct nvme_passthru_cmd64 *cmd, __u32 attrs,
		  const struct nvme_dsm_range *ranges, unsigned int nr);

/**
 * nvmeu_dsm_range_set() - fill one Dataset Management range
 * @range: the range (16 bytes, little-endian on the wire)
 * @slba: first LBA
 * @nblocks: number of blocks (not 0's based)
 * @cattr: context attributes
 */
void nvmeu_dsm_range_set(struct nvme_dsm_range *range, __u64 slba,
			 __u32 nblocks, __u32 cattr);

/* ---------------------------------------------------------------------- */
/* SQE preparation for liburing users (inline; MT-safe)                    */

/*
 * The helpers below fill one SQE the way liburing's io_uring_prep_*()
 * helpers do: opcode, flags, ioprio, fd and the command; buf_index,
 * personality and file_index are cleared; sqe->user_data is never touched
 * (set it with io_uring_sqe_set_data64() before or after). The command
 * bytes are copied with memcpy() from a local struct, which keeps the
 * compiler's aliasing rules out of the picture.
 */

/**
 * nvmeu_cmd_op() - the cmd_op of a command in a form
 * @form: NVMEU_FORM_BIG, _COMPACT (the compact I/O command) or _INDIRECT
 * @flags: NVMEU_ADMIN, NVMEU_VEC
 *
 * Return: the NVME_URING_CMD_* number, 0 when the form has none.
 */
static inline __u32 nvmeu_cmd_op(enum nvmeu_form form, unsigned int flags)
{
	bool admin = flags & NVMEU_ADMIN, vec = flags & NVMEU_VEC;

	switch (form) {
	case NVMEU_FORM_BIG:
		if (admin)
			return vec ? NVME_URING_CMD_ADMIN_VEC :
				     NVME_URING_CMD_ADMIN;
		return vec ? NVME_URING_CMD_IO_VEC : NVME_URING_CMD_IO;
	case NVMEU_FORM_INDIRECT:
		if (admin)
			return vec ? NVME_URING_CMD_ADMIN_INDIRECT_VEC :
				     NVME_URING_CMD_ADMIN_INDIRECT;
		return vec ? NVME_URING_CMD_IO_INDIRECT_VEC :
			     NVME_URING_CMD_IO_INDIRECT;
	case NVMEU_FORM_COMPACT:
		return (admin || vec) ? 0 : NVME_URING_CMD_IO_COMPACT;
	default:
		return 0;
	}
}

/* SQE bytes 0..11 and 28..31 and 40..47: io_uring's, for URING_CMD. */
static inline void nvmeu__prep_head(struct io_uring_sqe *sqe, int fd,
				    __u32 cmd_op)
{
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->flags = 0;
	sqe->ioprio = 0;
	sqe->fd = fd;
	sqe->cmd_op = cmd_op;
	sqe->uring_cmd_flags = 0;
	sqe->buf_index = 0;
	sqe->personality = 0;
	sqe->file_index = 0;
}

/**
 * nvmeu_prep_big() - upstream form: struct nvme_uring_cmd at sqe->cmd
 * @sqe: a 128-byte SQE (IORING_SETUP_SQE128 ring)
 * @fd: the device (or registered file index with IOSQE_FIXED_FILE)
 * @flags: NVMEU_ADMIN, NVMEU_VEC
 * @cmd: the command; copied, its result is not used (cqe->big_cqe[0])
 */
static inline void nvmeu_prep_big(struct io_uring_sqe *sqe, int fd,
				  unsigned int flags,
				  const struct nvme_passthru_cmd64 *cmd)
{
	struct nvme_uring_cmd uc;

	nvmeu__prep_head(sqe, fd, nvmeu_cmd_op(NVMEU_FORM_BIG, flags));
	sqe->__pad1 = 0;
	sqe->addr = 0;
	sqe->len = 0;
	memcpy(&uc, cmd, sizeof(uc));	/* same layout up to timeout_ms */
	uc.rsvd2 = 0;
	/* sqe->cmd: SQE bytes 48..127, the command then 8 bytes of zeroes */
	memset((char *)sqe + 48, 0, 80);
	memcpy((char *)sqe + 48, &uc, sizeof(uc));
}

/**
 * nvmeu_prep_indirect() - overlay form pointing at @cmd
 * @sqe: a 64-byte SQE
 * @fd: the device
 * @flags: NVMEU_ADMIN, NVMEU_VEC
 * @cmd: the command; must stay valid until the CQE is reaped: the kernel
 *	reads it at submission and writes the result into cmd->result
 */
static inline void nvmeu_prep_indirect(struct io_uring_sqe *sqe, int fd,
				       unsigned int flags,
				       struct nvme_passthru_cmd64 *cmd)
{
	struct nvme_uring_cmd_indirect ic;

	memset(&ic, 0, sizeof(ic));
	ic.addr = (__u64)(uintptr_t)cmd;
	ic.len = sizeof(*cmd);
	nvmeu__prep_head(sqe, fd, nvmeu_cmd_op(NVMEU_FORM_INDIRECT, flags));
	/* SQE 12..27 and 48..63; cmd_op, uring_cmd_flags, 32..47 are io_uring's */
	memcpy((char *)sqe + 12, &ic.rsvd1, 16);
	memcpy((char *)sqe + 48, &ic.rsvd2, 16);
}

/**
 * nvmeu_compact_ok() - can a command use the compact form?
 * @cmd: the command
 * @flags: NVMEU_ADMIN, NVMEU_VEC
 *
 * True for I/O flush, write, read, write uncorrectable, compare, write
 * zeroes and verify that use nothing but CDW10..13 and a data buffer. The
 * namespace is the node's own: the caller checks cmd->nsid.
 */
static inline bool nvmeu_compact_ok(const struct nvme_passthru_cmd64 *cmd,
				    unsigned int flags)
{
	if (flags & (NVMEU_ADMIN | NVMEU_VEC))
		return false;
	switch (cmd->opcode) {
	case 0x00: case 0x01: case 0x02: case 0x04: case 0x05: case 0x08:
	case 0x0c:
		break;
	default:
		return false;
	}
	return !cmd->flags && !cmd->rsvd1 && !cmd->cdw2 && !cmd->cdw3 &&
	       !cmd->metadata && !cmd->metadata_len && !cmd->cdw14 &&
	       !cmd->cdw15 && !cmd->timeout_ms;
}

/**
 * nvmeu_prep_compact() - compact form: an inline LBA command
 * @sqe: a 64-byte SQE
 * @fd: a namespace node
 * @cmd: the command (copied): SLBA from CDW10/11, NLB and control from
 *	CDW12, CDW13, data buffer
 *
 * Return: 0, or -EINVAL if !nvmeu_compact_ok(@cmd, 0) (SQE untouched).
 */
static inline int nvmeu_prep_compact(struct io_uring_sqe *sqe, int fd,
				     const struct nvme_passthru_cmd64 *cmd)
{
	struct nvme_uring_cmd_compact cc;

	if (!nvmeu_compact_ok(cmd, 0))
		return -EINVAL;
	memset(&cc, 0, sizeof(cc));
	cc.opcode = cmd->opcode;
	cc.control = cmd->cdw12 >> 16;
	cc.addr = cmd->addr;
	cc.data_len = cmd->data_len;
	cc.slba = (__u64)cmd->cdw11 << 32 | cmd->cdw10;
	cc.nlb = cmd->cdw12 & 0xffff;
	cc.cdw13 = cmd->cdw13;
	nvmeu__prep_head(sqe, fd, NVME_URING_CMD_IO_COMPACT);
	memcpy((char *)sqe + 12, &cc.opcode, 16);
	memcpy((char *)sqe + 48, &cc.slba, 16);
	return 0;
}

/**
 * nvmeu_prep_cmd() - fill an SQE for any command in a form
 * @sqe: an SQE of the ring's size (128 bytes for NVMEU_FORM_BIG)
 * @form: NVMEU_FORM_BIG, _COMPACT (compact when nvmeu_compact_ok(), else
 *	indirect) or _INDIRECT
 * @fd: the device
 * @flags: NVMEU_ADMIN, NVMEU_VEC
 * @cmd: the command (kept by reference in the overlay forms)
 *
 * Return: 0, or -EINVAL for NVMEU_FORM_AUTO and NVMEU_FORM_IOCTL.
 */
static inline int nvmeu_prep_cmd(struct io_uring_sqe *sqe,
				 enum nvmeu_form form, int fd,
				 unsigned int flags,
				 struct nvme_passthru_cmd64 *cmd)
{
	switch (form) {
	case NVMEU_FORM_BIG:
		nvmeu_prep_big(sqe, fd, flags, cmd);
		return 0;
	case NVMEU_FORM_COMPACT:
		if (nvmeu_compact_ok(cmd, flags))
			return nvmeu_prep_compact(sqe, fd, cmd);
		/* fall through */
	case NVMEU_FORM_INDIRECT:
		nvmeu_prep_indirect(sqe, fd, flags, cmd);
		return 0;
	default:
		return -EINVAL;
	}
}

/**
 * nvmeu_sqe_set_fixed() - use registered buffer @buf_index for the data
 * @sqe: a prepared SQE (big or compact form; the address and length stay
 *	those of the command and must lie inside the registered buffer)
 * @buf_index: index given to io_uring_register_buffers()
 */
static inline void nvmeu_sqe_set_fixed(struct io_uring_sqe *sqe,
				       __u16 buf_index)
{
	sqe->uring_cmd_flags |= IORING_URING_CMD_FIXED;
	sqe->buf_index = buf_index;
}

/**
 * nvmeu_cqe_decode() - turn a CQE of an NVMe uring_cmd into a completion
 * @cqe: the CQE
 * @cqe32: the ring has 32-byte CQEs (big form): the result is big_cqe[0]
 *	and is also stored in @cmd->result; otherwise the result is read from
 *	@cmd->result (indirect form; the compact form leaves it alone)
 * @cmd: the command the CQE completes (may be NULL)
 * @out: filled in; out->cookie is cqe->user_data
 */
static inline void nvmeu_cqe_decode(const struct io_uring_cqe *cqe,
				    bool cqe32,
				    struct nvme_passthru_cmd64 *cmd,
				    struct nvmeu_completion *out)
{
	out->cookie = cqe->user_data;
	out->cmd = cmd;
	out->ret = cqe->res;
	out->result = cmd ? cmd->result : 0;
	if (cqe32) {
		out->result = cqe->big_cqe[0];
		if (cmd)
			cmd->result = out->result;
	}
}

/* ---------------------------------------------------------------------- */
/* Queues: asynchronous submission with cookies                            */

/* nvmeu_queue_init() flags */
#define NVMEU_QUEUE_IOPOLL	(1U << 0)	/* IORING_SETUP_IOPOLL ring */

/**
 * nvmeu_queue_init() - create a queue (an io_uring ring) for a device
 * @dev: the handle; its form (nvmeu_get_form()) decides the ring type:
 *	SQE128 | CQE32 for NVMEU_FORM_BIG, an ordinary ring for the overlay
 *	forms, no ring at all for NVMEU_FORM_IOCTL and fake handles
 * @entries: submission queue size (1..4096); up to 2 * @entries commands
 *	may be in flight
 * @flags: NVMEU_QUEUE_IOPOLL for a polled ring (ignored without a ring)
 * @qp: the new queue
 *
 * Context: MT-safe.
 * Return: 0 or -errno (io_uring_queue_init_params()'s).
 */
int nvmeu_queue_init(struct nvmeu_dev *dev, unsigned int entries,
		     unsigned int flags, struct nvmeu_queue **qp);

/**
 * nvmeu_queue_exit() - free a queue
 * @q: the queue, may be NULL
 *
 * Commands still in flight are waited for (their completions dropped).
 * Context: not MT-safe on the same queue.
 */
void nvmeu_queue_exit(struct nvmeu_queue *q);

/**
 * nvmeu_queue_ring() - the queue's io_uring ring
 * @q: the queue
 *
 * For registering files or for io_uring_register_*(). Do not submit other
 * requests on it: nvmeu_queue_reap() takes every CQE as one of its own.
 * Context: not MT-safe on the same queue.
 * Return: the ring, or NULL when the queue has none.
 */
struct io_uring *nvmeu_queue_ring(struct nvmeu_queue *q);

/**
 * nvmeu_queue_form() - the form a queue submits in
 * @q: the queue
 *
 * Return: the form.
 */
enum nvmeu_form nvmeu_queue_form(const struct nvmeu_queue *q);

/**
 * nvmeu_queue_register_buffers() - register fixed buffers
 * @q: the queue
 * @iov: the buffers
 * @nr: their number
 *
 * Context: not MT-safe on the same queue.
 * Return: 0 or -errno (-EOPNOTSUPP for the ioctl form).
 */
int nvmeu_queue_register_buffers(struct nvmeu_queue *q,
				 const struct iovec *iov, unsigned int nr);

/**
 * nvmeu_queue_cmd() - queue a command (not yet submitted)
 * @q: the queue
 * @cmd: the command; must stay valid until its completion is reaped
 * @flags: NVMEU_ADMIN, NVMEU_VEC
 * @cookie: returned in the completion
 *
 * Context: not MT-safe on the same queue.
 * Return: 0, -EINVAL, or -EBUSY when the submission queue is full or
 * 2 * entries commands are in flight (submit and reap, then retry).
 */
int nvmeu_queue_cmd(struct nvmeu_queue *q, struct nvme_passthru_cmd64 *cmd,
		    unsigned int flags, __u64 cookie);

/**
 * nvmeu_queue_cmd_fixed() - queue a command using a registered buffer
 * @q: the queue
 * @cmd: the command; cmd->addr and data_len must lie inside the buffer
 * @flags: NVMEU_ADMIN (NVMEU_VEC is not allowed with fixed buffers)
 * @buf_index: the registered buffer
 * @cookie: returned in the completion
 *
 * Context: not MT-safe on the same queue.
 * Return: as nvmeu_queue_cmd(); -EOPNOTSUPP for the ioctl form.
 */
int nvmeu_queue_cmd_fixed(struct nvmeu_queue *q,
			  struct nvme_passthru_cmd64 *cmd, unsigned int flags,
			  __u16 buf_index, __u64 cookie);

/**
 * nvmeu_queue_submit() - submit every queued command (one system call)
 * @q: the queue
 *
 * With the ioctl form (and fake handles) the commands run here, one by one,
 * and their completions wait to be reaped.
 * Context: not MT-safe on the same queue.
 * Return: the number of commands submitted, or -errno.
 */
int nvmeu_queue_submit(struct nvmeu_queue *q);

/**
 * nvmeu_queue_reap() - collect completions
 * @q: the queue
 * @out: array for the completions
 * @max: its size
 * @wait_nr: wait until at least this many are available (queued commands
 *	are submitted first); 0 does not wait
 *
 * Context: not MT-safe on the same queue.
 * Return: the number of completions stored (0..@max), or -errno (-EINVAL
 * when @wait_nr > @max or more than the commands in flight).
 */
int nvmeu_queue_reap(struct nvmeu_queue *q, struct nvmeu_completion *out,
		     unsigned int max, unsigned int wait_nr);

/**
 * nvmeu_queue_inflight() - commands queued or submitted but not reaped
 * @q: the queue
 *
 * Return: the count.
 */
unsigned int nvmeu_queue_inflight(const struct nvmeu_queue *q);

/* ---------------------------------------------------------------------- */
/* Synchronous commands (all MT-safe; in the handle's form)                */

/**
 * nvmeu_exec() - run one command and wait for it
 * @dev: the handle
 * @cmd: the command; cmd->result receives the result
 * @flags: NVMEU_ADMIN, NVMEU_VEC (vectored commands need a uring form)
 *
 * Uses the handle's form: ioctl, or the handle's internal queue (submit and
 * wait; calls on one handle are serialized). Admin commands on a namespace
 * node go by ioctl (kernels take admin uring_cmds on controller nodes only,
 * -ENOTTY elsewhere), or to the controller handle set with
 * nvmeu_set_admin_dev().
 * Return: 0, a positive NVMe status or -errno.
 */
int nvmeu_exec(struct nvmeu_dev *dev, struct nvme_passthru_cmd64 *cmd,
	       unsigned int flags);

/**
 * nvmeu_exec_form() - the form nvmeu_exec() sends a command in
 * @dev: the handle
 * @cmd: the command
 * @flags: NVMEU_ADMIN, NVMEU_VEC
 *
 * The handle's form (probed if need be), refined per command as
 * nvmeu_exec() does it: NVMEU_FORM_INDIRECT for a command the compact form
 * cannot carry, NVMEU_FORM_IOCTL for an admin command of a namespace
 * handle that goes by ioctl (see nvmeu_set_admin_dev()). Asked after the
 * command, it tells the form the command went in.
 *
 * Context: MT-safe.
 * Return: a form other than NVMEU_FORM_AUTO, or -EINVAL.
 */
int nvmeu_exec_form(struct nvmeu_dev *dev,
		    const struct nvme_passthru_cmd64 *cmd, unsigned int flags);

/** nvmeu_admin_passthru() - nvmeu_exec(@dev, @cmd, NVMEU_ADMIN) */
int nvmeu_admin_passthru(struct nvmeu_dev *dev,
			 struct nvme_passthru_cmd64 *cmd);

/** nvmeu_io_passthru() - nvmeu_exec(@dev, @cmd, 0) */
int nvmeu_io_passthru(struct nvmeu_dev *dev, struct nvme_passthru_cmd64 *cmd);

/**
 * nvmeu_identify() - Identify with any CNS
 * @dev: the handle
 * @cns: the CNS
 * @nsid: namespace id
 * @buf: NVMEU_ID_SIZE bytes
 *
 * Return: 0, a positive NVMe status or -errno.
 */
int nvmeu_identify(struct nvmeu_dev *dev, __u8 cns, __u32 nsid, void *buf);

/** nvmeu_identify_ctrl() - Identify Controller (CNS 0x01) */
int nvmeu_identify_ctrl(struct nvmeu_dev *dev, struct nvme_id_ctrl *id);

/** nvmeu_identify_ns() - Identify Namespace (CNS 0x00) of @nsid */
int nvmeu_identify_ns(struct nvmeu_dev *dev, __u32 nsid,
		      struct nvme_id_ns *id);

/**
 * nvmeu_identify_active_ns() - Active Namespace ID list (CNS 0x02)
 * @dev: the handle
 * @nsid: list the active namespaces with ids greater than this
 * @list: 1024 namespace ids (zero-terminated when shorter)
 */
int nvmeu_identify_active_ns(struct nvmeu_dev *dev, __u32 nsid, __u32 *list);

/**
 * nvmeu_get_log() - Get Log Page; arguments as nvmeu_cmd_get_log()
 */
int nvmeu_get_log(struct nvmeu_dev *dev, __u32 nsid, __u8 lid, __u8 lsp,
		  bool rae, __u64 offset, void *buf, __u32 len);

/** nvmeu_get_log_smart() - SMART / Health log (LID 0x02), 512 bytes */
int nvmeu_get_log_smart(struct nvmeu_dev *dev, __u32 nsid,
			struct nvme_smart_log *log);

/** nvmeu_get_log_error() - Error Information log (LID 0x01), @nr entries */
int nvmeu_get_log_error(struct nvmeu_dev *dev,
			struct nvme_error_log_page *log, unsigned int nr);

/** nvmeu_get_log_fw_slot() - Firmware Slot Information log (LID 0x03) */
int nvmeu_get_log_fw_slot(struct nvmeu_dev *dev,
			  struct nvme_firmware_slot *log);

/**
 * nvmeu_get_features() - Get Features; arguments as nvmeu_cmd_get_features()
 * @result: if not NULL, receives completion DW0
 */
int nvmeu_get_features(struct nvmeu_dev *dev, __u32 nsid, __u8 fid,
		       __u8 sel, __u32 cdw11, void *buf, __u32 len,
		       __u32 *result);

/**
 * nvmeu_set_features() - Set Features; arguments as nvmeu_cmd_set_features()
 * @result: if not NULL, receives completion DW0
 */
int nvmeu_set_features(struct nvmeu_dev *dev, __u32 nsid, __u8 fid,
		       bool save, __u32 cdw11, __u32 cdw12, void *buf,
		       __u32 len, __u32 *result);

/*
 * nvmeu_read(), nvmeu_write() and nvmeu_compare() take no metadata buffer:
 * on a namespace with separate (not extended) metadata they return -EINVAL
 * before anything is sent; build the command with nvmeu_cmd_read() (or
 * _write(), _compare()) and nvmeu_cmd_set_meta(), then nvmeu_io_passthru().
 */

/** nvmeu_read() - Read; arguments as nvmeu_cmd_read() */
int nvmeu_read(struct nvmeu_dev *dev, __u64 slba, __u32 nblocks, void *buf,
	       __u32 len);

/** nvmeu_write() - Write; arguments as nvmeu_cmd_write() */
int nvmeu_write(struct nvmeu_dev *dev, __u64 slba, __u32 nblocks,
		const void *buf, __u32 len);

/** nvmeu_compare() - Compare; a miscompare is NVMe status 0x285 */
int nvmeu_compare(struct nvmeu_dev *dev, __u64 slba, __u32 nblocks,
		  const void *buf, __u32 len);

/** nvmeu_write_zeroes() - Write Zeroes; as nvmeu_cmd_write_zeroes() */
int nvmeu_write_zeroes(struct nvmeu_dev *dev, __u64 slba, __u32 nblocks,
		       __u32 cdw12_flags);

/** nvmeu_flush() - Flush the handle's namespace */
int nvmeu_flush(struct nvmeu_dev *dev);

/** nvmeu_dsm() - Dataset Management; as nvmeu_cmd_dsm() */
int nvmeu_dsm(struct nvmeu_dev *dev, __u32 attrs,
	      const struct nvme_dsm_range *ranges, unsigned int nr);

/* ---------------------------------------------------------------------- */
/* Fake backend: a table of expected commands, for tests without a device  */

/**
 * struct nvmeu_fake_cmd - one expected command and its canned reply
 * @opcode: NVMe opcode
 * @admin: admin command (else I/O)
 * @nsid: namespace id
 * @cdw2: command dword 2 (likewise @cdw3, @cdw10 .. @cdw15)
 * @data_len: data length in bytes (for vectored commands: the sum of the
 *	iovec lengths)
 * @metadata_len: metadata length in bytes
 * @out_data: the exact bytes the host must send (@data_len), or NULL
 * @out_meta: the exact metadata the host must send, or NULL
 * @in_data: the bytes the device returns (@data_len), or NULL
 * @in_meta: the metadata the device returns, or NULL
 * @status: completion: 0, a positive NVMe status or a negative errno
 * @result: the command's 64-bit result
 */
struct nvmeu_fake_cmd {
	__u8		opcode;
	bool		admin;
	__u32		nsid;
	__u32		cdw2, cdw3;
	__u32		cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
	__u32		data_len;
	__u32		metadata_len;
	const void	*out_data;
	const void	*out_meta;
	const void	*in_data;
	const void	*in_meta;
	int		status;
	__u64		result;
};

/**
 * struct nvmeu_fake_params - the device and kernel a fake handle emulates
 * @fd: the number used as the SQE's fd (no file is opened)
 * @nsid: namespace id; 0 for a controller node
 * @lba_size: LBA data size (namespace nodes)
 * @meta_size: metadata size per LBA
 * @meta_ext: metadata is extended (inline) rather than separate
 * @max_xfer: maximum transfer in bytes, 0 for 128 KiB
 * @form: the handle's form; NVMEU_FORM_AUTO probes with the facts below
 * @uring: probe fact: the kernel supports IORING_OP_URING_CMD
 * @big_setup: 0, or the -errno that SQE128|CQE32 queue set-up fails with
 * @form_errno: per form, a negative errno with which the emulated kernel
 *	rejects every command sent in that form (0: accepted); rejected
 *	commands are captured but consume no expectation
 * @no_ioctl64: the 64-bit passthrough ioctls fail with -ENOTTY (pre-5.5
 *	kernels), so the library falls back to the 32-bit ones
 */
struct nvmeu_fake_params {
	int		fd;
	__u32		nsid;
	__u32		lba_size;
	__u32		meta_size;
	bool		meta_ext;
	__u32		max_xfer;
	enum nvmeu_form	form;
	int		uring;
	int		big_setup;
	int		form_errno[NVMEU_FORM_COUNT];
	bool		no_ioctl64;
};

/**
 * struct nvmeu_fake_capture - one command as it reached the fake kernel
 * @form: the form it came in
 * @op: sqe->cmd_op, or the ioctl request number for NVMEU_FORM_IOCTL
 * @admin: decoded as an admin command
 * @sqe_len: 64 or 128, 0 for ioctls
 * @sqe: the SQE bytes exactly as the library prepared them
 * @cmd: the command decoded the way the kernel decodes the form (for the
 *	compact form: nsid from the node, CDW10..13 from the overlay)
 */
struct nvmeu_fake_capture {
	enum nvmeu_form	form;
	__u32		op;
	bool		admin;
	unsigned int	sqe_len;
	__u8		sqe[128];
	struct nvme_passthru_cmd64 cmd;
};

/**
 * nvmeu_open_fake() - a handle backed by the fake device
 * @table: expected commands, consumed in order (the table is referenced,
 *	not copied: keep it alive)
 * @n: number of entries
 * @params: the emulated device and kernel
 * @devp: the new handle
 *
 * Queues of a fake handle never enter the kernel: SQEs are prepared in
 * a private array, decoded at submit time by an emulation of the nvme-ucmd
 * kernel (form checks, reserved fields, registered buffer bounds), matched
 * against the next table entry and completed with its status and result.
 * A mismatch completes with -EPROTO and is remembered (nvmeu_fake_check()).
 * The emulated kernel answers NVME_IOCTL_ID as well.
 * @params->form_errno[NVMEU_FORM_IOCTL] = -EACCES emulates a caller
 * without CAP_SYS_ADMIN on 5.10, which refuses it every passthrough ioctl.
 * Context: MT-safe.
 * Return: 0 or -errno.
 */
int nvmeu_open_fake(const struct nvmeu_fake_cmd *table, unsigned int n,
		    const struct nvmeu_fake_params *params,
		    struct nvmeu_dev **devp);

/**
 * nvmeu_fake_check() - did every expected command arrive, as expected?
 * @dev: a fake handle
 * @why: if not NULL, a static or handle-owned description of the first
 *	problem (valid until the handle is closed)
 *
 * Return: 0, -EPROTO (mismatch or expectations left), -EINVAL (not fake).
 */
int nvmeu_fake_check(const struct nvmeu_dev *dev, const char **why);

/**
 * nvmeu_fake_ncaptured() - number of commands the fake kernel received
 * @dev: a fake handle
 */
unsigned int nvmeu_fake_ncaptured(const struct nvmeu_dev *dev);

/**
 * nvmeu_fake_get_capture() - copy out one received command
 * @dev: a fake handle
 * @idx: 0 .. nvmeu_fake_ncaptured() - 1
 * @out: filled in
 *
 * Return: 0 or -EINVAL.
 */
int nvmeu_fake_get_capture(const struct nvmeu_dev *dev, unsigned int idx,
			   struct nvmeu_fake_capture *out);

#ifdef __cplusplus
}
#endif

#endif /* NVME_UCMD_H */
