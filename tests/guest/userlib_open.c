// SPDX-License-Identifier: GPL-2.0
/*
 * ul-10-open: nvmeu_open() and what it learns on the default drives
 * (namespace id, LBA and metadata size, maximum transfer against MDTS and
 * sysfs), nvmeu_dev_fd(), and the probe: its facts, its decision, the
 * cached form, nvmeu_set_form() and nvmeu_form_name().
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "userlib_lib.h"

/* The first nvmeu_open() refused for want of a privilege, if any. */
static char open_refused[160];
static unsigned int opened;	/* opens that went through */

/* nvmeu_open() of @path gave @r: refused to this user? Then say so. */
static bool refused(const char *path, int r)
{
	opened += !r;
	if (!ul_denied(r))
		return false;
	ul_skip_part("nvmeu_open(%s): %s: the Identify it sends needs CAP_SYS_ADMIN on this kernel",
		     path, nvmeu_strerror(r));
	if (!open_refused[0])
		snprintf(open_refused, sizeof(open_refused),
			 "nvmeu_open(%s): %s: the Identify it sends needs CAP_SYS_ADMIN on this kernel",
			 path, nvmeu_strerror(r));
	return true;
}

/*
 * MDTS through the raw ioctl on the controller node, 0 when unknown.
 * Without CAP_SYS_ADMIN the ioctl is refused: then MDTS comes from the
 * library's Identify Controller on the controller node, in its form.
 */
static unsigned int raw_mdts(void)
{
	struct nvme_passthru_cmd64 cmd = { 0 };
	struct nvme_id_ctrl *id = ul_buf(sizeof(*id));
	int fd = open(UL_CTRL, O_RDONLY | O_CLOEXEC);
	unsigned int mdts = 0;
	struct nvmeu_dev *dev;
	int r = -EBADF;

	cmd.opcode = nvme_admin_identify;
	cmd.addr = (__u64)(uintptr_t)id;
	cmd.data_len = sizeof(*id);
	cmd.cdw10 = NVME_IDENTIFY_CNS_CTRL;
	if (fd >= 0)
		r = ul_ioctl(fd, true, &cmd);
	if (!r) {
		mdts = id->mdts;
	} else if (ul_denied(r) && !nvmeu_open(UL_CTRL, O_RDONLY, &dev)) {
		if (!nvmeu_identify_ctrl(dev, id))
			mdts = id->mdts;
		printf("note: MDTS %u from the library's Identify Controller in the %s form (the ioctl: %s)\n",
		       mdts, nvmeu_form_name(nvmeu_get_form(dev)),
		       nvmeu_strerror(r));
		nvmeu_close(dev);
	}
	if (fd >= 0)
		close(fd);
	free(id);
	return mdts;
}

static unsigned long long sysfs_max_bytes(const char *blkname)
{
	char path[128];
	unsigned long long kb = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/block/%s/queue/max_hw_sectors_kb",
		 blkname);
	f = fopen(path, "re");
	if (f && fscanf(f, "%llu", &kb) != 1)
		kb = 0;
	if (f)
		fclose(f);
	return kb * 1024;
}

/* What the documentation promises: min(2^MDTS * 4 KiB, sysfs), 128 KiB. */
static __u32 want_max_xfer(const char *blkname)
{
	unsigned int mdts = raw_mdts();
	unsigned long long m = mdts ? 4096ULL << mdts : 0;
	unsigned long long s = blkname ? sysfs_max_bytes(blkname) : 0;

	if (s && (!m || s < m))
		m = s;
	return m ? (__u32)m : 128 * 1024;
}

static void check_fd(struct nvmeu_dev *dev, const char *path)
{
	struct stat a, b;
	int fd = nvmeu_dev_fd(dev);

	ul_check(fd >= 0 && !fstat(fd, &a) && !stat(path, &b) &&
		 a.st_rdev == b.st_rdev, "%s: nvmeu_dev_fd() is the node",
		 path);
	ul_check(fcntl(fd, F_GETFD) & FD_CLOEXEC, "%s: O_CLOEXEC added", path);
}

static void check_ns(unsigned int nsid, __u32 lba, __u32 ms)
{
	char ng[32], blk[32];
	struct nvmeu_dev_info info;
	struct nvmeu_dev *dev;
	int r;

	snprintf(ng, sizeof(ng), "/dev/ng0n%u", nsid);
	snprintf(blk, sizeof(blk), "nvme0n%u", nsid);
	r = nvmeu_open(ng, O_RDWR, &dev);
	if (refused(ng, r) || !ul_check_ret(r, 0, ng))
		return;
	check_fd(dev, ng);
	ul_check_ret(nvmeu_dev_get_info(dev, &info), 0, "nvmeu_dev_get_info");
	ul_check(info.nsid == nsid, "%s: nsid %u", ng, info.nsid);
	ul_check(info.lba_size == lba, "%s: LBA size %u (want %u)", ng,
		 info.lba_size, lba);
	ul_check(info.meta_size == ms && !info.meta_ext,
		 "%s: metadata %u bytes, %s (want %u, separate)", ng,
		 info.meta_size, info.meta_ext ? "extended" : "separate", ms);
	ul_check(info.max_xfer == want_max_xfer(blk),
		 "%s: max transfer %u (MDTS %u, sysfs %llu)", ng,
		 info.max_xfer, raw_mdts(), sysfs_max_bytes(blk));
	ul_check(!info.is_ctrl && info.oflags == O_RDWR,
		 "%s: namespace node opened O_RDWR", ng);
	ul_check(info.form == NVMEU_FORM_AUTO, "%s: form undecided at open",
		 ng);
	nvmeu_close(dev);
}

static void check_ctrl(void)
{
	struct nvmeu_dev_info info;
	struct nvmeu_dev *dev;
	int r = nvmeu_open(UL_CTRL, O_RDONLY, &dev);

	if (refused(UL_CTRL, r) || !ul_check_ret(r, 0, UL_CTRL))
		return;
	check_fd(dev, UL_CTRL);
	nvmeu_dev_get_info(dev, &info);
	ul_check(info.is_ctrl && !info.nsid && !info.lba_size,
		 "%s: controller node (nsid %u, LBA size %u)", UL_CTRL,
		 info.nsid, info.lba_size);
	ul_check(info.max_xfer == want_max_xfer(NULL),
		 "%s: max transfer %u from MDTS %u", UL_CTRL, info.max_xfer,
		 raw_mdts());
	nvmeu_close(dev);
}

/*
 * The block node works in the ioctl form and knows the same namespace.
 * Without CAP_SYS_ADMIN the open identifies through the controller node
 * (our kernel); where that is refused too (upstream 6.1), it fails.
 */
static void check_blk_node(void)
{
	struct nvmeu_dev_info info;
	struct nvmeu_dev *dev;
	int r = nvmeu_open("/dev/nvme0n1", O_RDWR, &dev);

	if (ul_denied(r)) {
		ul_skip_part("nvmeu_open(/dev/nvme0n1): %s: its Identify needs CAP_SYS_ADMIN on this kernel",
			     nvmeu_strerror(r));
		return;
	}
	if (!ul_check_ret(r, 0, "/dev/nvme0n1"))
		return;
	nvmeu_dev_get_info(dev, &info);
	ul_check(info.nsid == 1 && info.lba_size == 512,
		 "/dev/nvme0n1: nsid %u, LBA size %u", info.nsid,
		 info.lba_size);
	nvmeu_close(dev);
}

static void check_bad_open(void)
{
	struct nvmeu_dev *dev = NULL;

	ul_check_ret(nvmeu_open("/dev/nvme-ucmd-none", O_RDWR, &dev), -ENOENT,
		     "open of a missing node");
	ul_check(nvmeu_open("/dev/null", O_RDWR, &dev) < 0,
		 "open of /dev/null fails");
	ul_check_ret(nvmeu_open(NULL, O_RDWR, &dev), -EINVAL, "NULL path");
	ul_check_ret(nvmeu_dev_get_info(NULL, NULL), -EINVAL,
		     "nvmeu_dev_get_info(NULL)");
	nvmeu_close(NULL);
}

static bool uring_cmd_supported(void)
{
	struct io_uring_probe *p = io_uring_get_probe();
	bool ok = p && io_uring_opcode_supported(p, IORING_OP_URING_CMD);

	if (p)
		io_uring_free_probe(p);
	return ok;
}

/* The facts, the decision, the cache and the override, on one node. */
static void check_probe(const char *path)
{
	struct nvmeu_probe_facts f;
	struct nvmeu_dev_info info;
	struct nvmeu_dev *dev;
	enum nvmeu_form cached;
	int form, r = nvmeu_open(path, O_RDWR, &dev);

	if (refused(path, r) || !ul_check_ret(r, 0, path))
		return;
	/* an unprivileged open may have picked (and cached) a form already */
	nvmeu_dev_get_info(dev, &info);
	cached = info.form;
	form = nvmeu_probe(dev, &f);
	printf("%s: probe: uring %d, overlay %d (%s), big setup %d, big %d (%s) -> %s\n",
	       path, f.uring, f.overlay_res,
	       f.overlay_res == NVMEU_PROBE_NOT_RUN ? "not run" :
	       nvmeu_strerror(f.overlay_res), f.big_setup, f.big_res,
	       f.big_res == NVMEU_PROBE_NOT_RUN ? "not run" :
	       nvmeu_strerror(f.big_res), nvmeu_form_name(form));
	ul_check(f.uring == uring_cmd_supported(),
		 "%s: probe's uring fact matches io_uring_get_probe()", path);
	ul_check(form == (int)nvmeu_probe_decide(&f),
		 "%s: nvmeu_probe() returns nvmeu_probe_decide(facts)", path);
	ul_check(form == NVMEU_FORM_COMPACT || form == NVMEU_FORM_BIG ||
		 form == NVMEU_FORM_IOCTL, "%s: decided form %s", path,
		 nvmeu_form_name(form));
	nvmeu_dev_get_info(dev, &info);
	ul_check(info.form == cached, "%s: nvmeu_probe() caches nothing",
		 path);
	ul_check(nvmeu_get_form(dev) == form, "%s: nvmeu_get_form() = probe",
		 path);
	nvmeu_dev_get_info(dev, &info);
	ul_check(info.form == (enum nvmeu_form)form, "%s: form cached", path);
	ul_check_ret(nvmeu_set_form(dev, NVMEU_FORM_IOCTL), 0, "set ioctl");
	ul_check(nvmeu_get_form(dev) == NVMEU_FORM_IOCTL, "%s: form forced",
		 path);
	ul_check_ret(nvmeu_set_form(dev, NVMEU_FORM_AUTO), 0, "set auto");
	ul_check(nvmeu_get_form(dev) == form, "%s: auto probes again", path);
	ul_check_ret(nvmeu_set_form(dev, NVMEU_FORM_COUNT), -EINVAL,
		     "set an unknown form");
	nvmeu_close(dev);
}

static void check_names(void)
{
	static const char *const want[] = {
		"auto", "big", "compact", "indirect", "ioctl"
	};

	for (int f = 0; f < NVMEU_FORM_COUNT; f++)
		ul_check(!strcmp(nvmeu_form_name(f), want[f]),
			 "form %d is \"%s\"", f, nvmeu_form_name(f));
	ul_check(!strcmp(nvmeu_form_name(NVMEU_FORM_COUNT), "?"),
		 "an unknown form is \"?\"");
}

int main(void)
{
	if (access("/dev/ng0n1", F_OK) || access("/dev/ng0n2", F_OK) ||
	    access(UL_CTRL, F_OK))
		ul_skip("the default drives (/dev/nvme0, /dev/ng0n1, /dev/ng0n2) are absent");
	if ((access("/dev/ng0n1", R_OK | W_OK) ||
	     access("/dev/ng0n2", R_OK | W_OK) ||
	     access(UL_CTRL, R_OK | W_OK)) && errno == EACCES)
		ul_skip("no read-write access to /dev/nvme0, /dev/ng0n1 or /dev/ng0n2");
	check_ns(1, 512, 0);
	check_ns(2, 4096, 8);
	check_ctrl();
	check_blk_node();
	check_bad_open();
	check_probe("/dev/ng0n1");
	check_probe("/dev/ng0n2");
	check_probe(UL_CTRL);
	check_names();
	/* what is left when every open was refused is not the test */
	if (!ul_failures && !opened && open_refused[0])
		ul_skip("%s", open_refused);
	return ul_done();
}
