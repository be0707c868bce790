// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the libnvme-ucmd guest tests: see userlib_lib.h.
 */
#include <endian.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "userlib_lib.h"

int ul_failures;

static void ul_vprint(const char *tag, const char *fmt, va_list ap)
{
	fputs(tag, stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
}

void ul_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ul_vprint("SKIP: ", fmt, ap);
	va_end(ap);
	exit(UL_SKIP);
}

void ul_fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ul_vprint("FAIL: ", fmt, ap);
	va_end(ap);
	exit(1);
}

bool ul_check(bool ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ul_vprint(ok ? "ok: " : "FAIL: ", fmt, ap);
	va_end(ap);
	if (!ok)
		ul_failures++;
	return ok;
}

/* Returns are printed as numbers and in words (errno or NVMe status). */
bool ul_check_ret(int got, int want, const char *what)
{
	if (got == want)
		return ul_check(true, "%s: %d (%s)", what, got,
				nvmeu_strerror(got));
	return ul_check(false, "%s: got %d/%#x (%s), want %d (%s)", what, got,
			got, nvmeu_strerror(got), want, nvmeu_strerror(want));
}

void ul_skip_part(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	ul_vprint("# skipped: ", fmt, ap);
	va_end(ap);
}

bool ul_have_cap(int cap)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3] = { 0 };

	if (syscall(SYS_capget, &h, d))
		return false;
	return d[cap / 32].effective & (1U << (cap % 32));
}

bool ul_denied(int ret)
{
	return (ret == -EACCES || ret == -EPERM) && !ul_have_cap(CAP_SYS_ADMIN);
}

bool ul_memlock_refused(int ret)
{
	return ret == -ENOMEM && !ul_have_cap(CAP_IPC_LOCK);
}

int ul_done(void)
{
	if (ul_failures) {
		printf("FAIL: %d check(s) failed\n", ul_failures);
		return 1;
	}
	return 0;
}

enum nvmeu_form ul_form_from_name(const char *argv0)
{
	const char *dash = strrchr(argv0, '-');

	for (int f = NVMEU_FORM_BIG; dash && f < NVMEU_FORM_COUNT; f++)
		if (!strcmp(dash + 1, nvmeu_form_name(f)))
			return f;
	return NVMEU_FORM_AUTO;
}

/* A kernel that lacks a form answers one of these to a valid command. */
bool ul_refused(int ret)
{
	return ret == -EOPNOTSUPP || ret == -ENOTTY || ret == -EINVAL;
}

/* A side-effect free command in the handle's form: the library's probe's. */
static int ul_form_cmd(struct nvmeu_dev *dev)
{
	struct nvmeu_dev_info info;
	struct nvme_passthru_cmd64 cmd;
	void *buf = ul_buf(NVMEU_ID_SIZE), *meta = ul_buf(4096);
	int r;

	nvmeu_dev_get_info(dev, &info);
	if (info.is_ctrl) {
		r = nvmeu_identify_ctrl(dev, buf);
	} else {
		r = nvmeu_cmd_read(dev, &cmd, 0, 1, buf,
				   info.lba_size +
				   (info.meta_ext ? info.meta_size : 0));
		if (!r && info.meta_size && !info.meta_ext)
			r = nvmeu_cmd_set_meta(dev, &cmd, meta,
					       info.meta_size);
		if (!r)
			r = nvmeu_io_passthru(dev, &cmd);
	}
	free(meta);
	free(buf);
	return r;
}

/* Skip when @r, the form's probe command, was refused to this user. */
static void ul_form_denied(struct nvmeu_dev *dev, enum nvmeu_form form, int r)
{
	struct nvmeu_dev_info info;

	if (!ul_denied(r))
		return;
	nvmeu_dev_get_info(dev, &info);
	ul_skip("%s form: %s: %s: %s", nvmeu_form_name(form),
		info.is_ctrl ? "Identify Controller" : "a read of LBA 0",
		nvmeu_strerror(r), form == NVMEU_FORM_IOCTL ?
		"the NVMe passthrough ioctls need CAP_SYS_ADMIN" :
		"needs CAP_SYS_ADMIN on this kernel");
}

/*
 * Without CAP_SYS_ADMIN, try the form's probe command: the ioctl form and,
 * on kernels without unprivileged passthrough, every form is refused. With
 * it nothing is sent, as before.
 */
static void ul_form_allowed(struct nvmeu_dev *dev, enum nvmeu_form form)
{
	if (!ul_have_cap(CAP_SYS_ADMIN))
		ul_form_denied(dev, form, ul_form_cmd(dev));
}

/*
 * The overlay forms exist when the library's probe saw the kernel accept
 * its indirect command; the big form when a command sent in it is taken.
 * Where the overlay is accepted, COMPACT and INDIRECT must work: only a
 * refused probe is a skip, anything after it is a failure.
 */
void ul_use_form(struct nvmeu_dev *dev, enum nvmeu_form form)
{
	struct nvmeu_probe_facts f;
	const char *name = nvmeu_form_name(form);
	int r;

	if (form == NVMEU_FORM_AUTO) {
		r = nvmeu_get_form(dev);
		printf("form auto: the probe picks %s\n", nvmeu_form_name(r));
		ul_form_allowed(dev, r);
		return;
	}
	if (form != NVMEU_FORM_IOCTL) {
		r = nvmeu_probe(dev, &f);
		if (r < 0)
			ul_fatal("nvmeu_probe: %s", nvmeu_strerror(r));
		if (f.uring <= 0)
			ul_skip("%s form: io_uring has no IORING_OP_URING_CMD",
				name);
		if (form != NVMEU_FORM_BIG && !(f.overlay_res >= 0 ||
		    f.overlay_res == -EACCES || f.overlay_res == -EPERM))
			ul_skip("%s form: the kernel refuses NVMe uring_cmds on 64-byte SQEs (%s)",
				name, nvmeu_strerror(f.overlay_res));
	}
	r = nvmeu_set_form(dev, form);
	if (r)
		ul_fatal("nvmeu_set_form(%s): %s", name, nvmeu_strerror(r));
	if (form != NVMEU_FORM_BIG) {
		ul_form_allowed(dev, form);
		return;
	}
	r = ul_form_cmd(dev);
	if (ul_refused(r))
		ul_skip("big form: the kernel refuses NVMe uring_cmds on 128-byte SQEs (%s)",
			nvmeu_strerror(r));
	ul_form_denied(dev, form, r);
}

/* The node is there and its mode lets this user open it read-write. */
static void ul_need_node(const char *path)
{
	if (access(path, F_OK))
		ul_skip("%s absent", path);
	if (access(path, R_OK | W_OK) && errno == EACCES)
		ul_skip("%s: no read-write access to the node", path);
}

/* Open @path read-write; skip when its Identify is refused to this user. */
static struct nvmeu_dev *ul_open(const char *path)
{
	struct nvmeu_dev *dev;
	int r;

	ul_need_node(path);
	r = nvmeu_open(path, O_RDWR, &dev);
	if (ul_denied(r))
		ul_skip("nvmeu_open(%s): %s: the Identify it sends needs CAP_SYS_ADMIN on this kernel",
			path, nvmeu_strerror(r));
	if (r)
		ul_fatal("nvmeu_open(%s): %s", path, nvmeu_strerror(r));
	return dev;
}

/*
 * Identify Namespace of @ns. The library sends a namespace handle's admin
 * commands by ioctl, which needs CAP_SYS_ADMIN; without it, ask through
 * the controller node in its own form, where Identify may be allowed.
 */
static int ul_ns_identify(struct ul_ns *ns, struct nvme_id_ns *id)
{
	struct nvmeu_dev *ctrl;
	int r = nvmeu_identify_ns(ns->dev, ns->info.nsid, id);

	if (!ul_denied(r))
		return r;
	printf("note: %s: Identify Namespace by ioctl: %s (needs CAP_SYS_ADMIN); through the controller node\n",
	       ns->ng, nvmeu_strerror(r));
	if (nvmeu_open_ctrl(ns->dev, O_RDONLY, &ctrl))
		return r;
	r = nvmeu_identify_ns(ctrl, ns->info.nsid, id);
	nvmeu_close(ctrl);
	if (ul_denied(r))
		ul_skip("%s: Identify Namespace, by ioctl and through the controller node: %s: needs CAP_SYS_ADMIN on this kernel",
			ns->ng, nvmeu_strerror(r));
	return r;
}

void ul_ns_open(struct ul_ns *ns, unsigned int nsid, enum nvmeu_form form)
{
	static const char *const ng[] = { "/dev/ng0n1", "/dev/ng0n2" };
	static const char *const blk[] = { "/dev/nvme0n1", "/dev/nvme0n2" };
	/* the regions the ul- tests own, in MiB: start, size */
	static const unsigned int mib[][2] = { { 256, 64 }, { 128, 32 } };
	struct nvme_id_ns *id = ul_buf(sizeof(*id));
	int r;

	memset(ns, 0, sizeof(*ns));
	ns->ng = ng[nsid - 1];
	ns->blk = blk[nsid - 1];
	ns->dev = ul_open(ns->ng);
	if (access(ns->blk, R_OK) && errno == EACCES)
		ul_skip("%s: no read access to the block node (data is checked through it)",
			ns->blk);
	nvmeu_dev_get_info(ns->dev, &ns->info);
	ns->bs = ns->info.lba_size +
		 (ns->info.meta_ext ? ns->info.meta_size : 0);
	ns->ms = ns->info.meta_ext ? 0 : ns->info.meta_size;
	ns->base = ((__u64)mib[nsid - 1][0] << 20) / ns->info.lba_size;
	ns->nlbas = ((__u64)mib[nsid - 1][1] << 20) / ns->info.lba_size;
	r = ul_ns_identify(ns, id);
	if (r)
		ul_fatal("%s: identify namespace: %s", ns->ng,
			 nvmeu_strerror(r));
	ns->nsze = le64toh(id->nsze);
	free(id);
	if (ns->base + ns->nlbas > ns->nsze)
		ul_skip("%s: %llu LBAs, too small for the test region", ns->ng,
			(unsigned long long)ns->nsze);
	ul_use_form(ns->dev, form);
}

void ul_ns_close(struct ul_ns *ns)
{
	nvmeu_close(ns->dev);
	ns->dev = NULL;
}

struct nvmeu_dev *ul_ctrl_open(enum nvmeu_form form)
{
	struct nvmeu_dev *dev = ul_open(UL_CTRL);

	ul_use_form(dev, form);
	return dev;
}

struct nvmeu_dev *ul_ctrl_open_unsent(enum nvmeu_form form)
{
	struct nvmeu_dev *dev = ul_open(UL_CTRL);
	int r = nvmeu_set_form(dev, form);

	if (r)
		ul_fatal("nvmeu_set_form(%s): %s", nvmeu_form_name(form),
			 nvmeu_strerror(r));
	return dev;
}

void *ul_buf(size_t len)
{
	void *p;

	if (posix_memalign(&p, 4096, len ? len : 1))
		ul_fatal("out of memory (%zu bytes)", len);
	memset(p, 0, len);
	return p;
}

/* A pattern that differs in every block and every seed. */
void ul_fill(void *buf, size_t len, unsigned int seed)
{
	unsigned char *p = buf;
	unsigned int x = seed * 2654435761U + 1;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245U + 12345;
		p[i] = x >> 16;
	}
}

int ul_cmd_lba(struct ul_ns *ns, struct nvme_passthru_cmd64 *cmd, __u8 op,
	       __u64 slba, __u32 nblocks, void *buf, void *meta)
{
	__u32 len = nblocks * ns->bs;
	int r;

	switch (op) {
	case nvme_cmd_write:
		r = nvmeu_cmd_write(ns->dev, cmd, slba, nblocks, buf, len);
		break;
	case nvme_cmd_compare:
		r = nvmeu_cmd_compare(ns->dev, cmd, slba, nblocks, buf, len);
		break;
	default:
		r = nvmeu_cmd_read(ns->dev, cmd, slba, nblocks, buf, len);
		break;
	}
	if (!r && ns->ms)
		r = nvmeu_cmd_set_meta(ns->dev, cmd, meta, nblocks * ns->ms);
	return r;
}

int ul_ioctl(int fd, bool admin, struct nvme_passthru_cmd64 *cmd)
{
	int r = ioctl(fd, admin ? NVME_IOCTL_ADMIN64_CMD : NVME_IOCTL_IO64_CMD,
		      cmd);

	return r < 0 ? -errno : r;
}

bool ul_ioctl_denied(int rr, const char *what)
{
	if (!ul_denied(rr))
		return false;
	ul_skip_part("%s: compared with the NVMe passthrough ioctl, which needs CAP_SYS_ADMIN (%s)",
		     what, nvmeu_strerror(rr));
	return true;
}

int ul_blk_read(const struct ul_ns *ns, __u64 slba, void *buf, size_t len)
{
	int fd = open(ns->blk, O_RDONLY | O_DIRECT | O_CLOEXEC);
	off_t off = (off_t)(slba * ns->info.lba_size);
	ssize_t n;
	int r = 0;

	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, off);
	if (n < 0)
		r = -errno;
	else if (n == 0 && lseek(fd, 0, SEEK_END) == 0)
		r = -ENODATA;
	else if ((size_t)n != len)
		r = -EIO;
	close(fd);
	return r;
}

bool ul_blk_check(const struct ul_ns *ns, __u64 slba, const void *want,
		  size_t len, const char *what)
{
	void *got = ul_buf(len);
	int r = ul_blk_read(ns, slba, got, len);
	bool ok;

	if (r == -ENODATA) {
		printf("note: %s has no capacity (metadata without block integrity): %s not cross-checked\n",
		       ns->blk, what);
		free(got);
		return true;
	}
	if (r)
		ok = ul_check(false, "%s: O_DIRECT read of %s: %s", what,
			      ns->blk, strerror(-r));
	else
		ok = ul_check(!memcmp(got, want, len),
			      "%s: %zu bytes at LBA %llu equal through %s",
			      what, len, (unsigned long long)slba, ns->blk);
	free(got);
	return ok;
}
