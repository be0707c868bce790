// SPDX-License-Identifier: GPL-2.0
/*
 * Admin commands through every uring_cmd form on /dev/nvme0 return the same
 * bytes and the same result as the ioctl path: Identify Controller,
 * Identify Namespace (both namespaces), Get Features (Number of Queues, a
 * non-zero result). Upstream's forms on a SQE128/CQE32 ring everywhere; the
 * overlay (indirect) forms where the kernel has them.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "nvme_lib.h"

struct tcase {
	const char	*name;
	__u32		nsid;
	__u8		opcode;
	__u32		cdw10;
	__u32		len;
};

static const struct tcase cases[] = {
	{ "identify controller", 0, OP_ADMIN_IDENTIFY, 1, 4096 },
	{ "identify namespace 1", 1, OP_ADMIN_IDENTIFY, 0, 4096 },
	{ "identify namespace 2", 2, OP_ADMIN_IDENTIFY, 0, 4096 },
	{ "get features: number of queues", 0, OP_ADMIN_GET_FEATURES, 7, 0 },
};

static void build(struct nvme_uring_cmd *c, const struct tcase *tc, void *buf)
{
	memset(c, 0, sizeof(*c));
	c->opcode = tc->opcode;
	c->nsid = tc->nsid;
	c->cdw10 = tc->cdw10;
	if (tc->len) {
		c->addr = (uintptr_t)buf;
		c->data_len = tc->len;
	}
}

/* The same command as an iovec pair: addr/data_len become iov/count. */
static void make_vec(struct nvme_uring_cmd *c, struct iovec *iov, void *buf,
		     __u32 len)
{
	iov[0].iov_base = buf;
	iov[0].iov_len = len / 2;
	iov[1].iov_base = (char *)buf + len / 2;
	iov[1].iov_len = len - len / 2;
	c->addr = (uintptr_t)iov;
	c->data_len = len ? 2 : 0;
}

static void check_same(const struct tcase *tc, const char *form,
		       int res, __u64 result, const void *buf,
		       int ref_res, __u64 ref_result, const void *ref)
{
	t_check(res == ref_res, "%s, %s: res %d (ioctl %d)", tc->name, form,
		res, ref_res);
	t_check(result == ref_result, "%s, %s: result %#llx (ioctl %#llx)",
		tc->name, form, (unsigned long long)result,
		(unsigned long long)ref_result);
	t_check(!tc->len || !memcmp(buf, ref, tc->len),
		"%s, %s: data equal to the ioctl's", tc->name, form);
}

static void run_case(int fd, struct io_uring *big, bool overlay,
		     struct io_uring *small, const struct tcase *tc)
{
	unsigned char *ref = t_buf(4096), *buf = t_buf(4096);
	struct nvme_passthru_cmd64 c64;
	struct nvme_uring_cmd c;
	struct iovec iov[2];
	__u64 ref_result = 0;
	struct tres r;
	int ref_res;

	build(&c, tc, ref);
	ref_res = t_ioctl_admin(fd, &c, &ref_result);
	t_check(ref_res == 0, "%s: ioctl status %d", tc->name, ref_res);

	build(&c, tc, buf);
	r = t_run_big(big, fd, NVME_URING_CMD_ADMIN, &c);
	check_same(tc, "ADMIN", r.res, r.res2, buf, ref_res, ref_result, ref);

	memset(buf, 0, 4096);
	build(&c, tc, buf);
	make_vec(&c, iov, buf, tc->len);
	r = t_run_big(big, fd, NVME_URING_CMD_ADMIN_VEC, &c);
	check_same(tc, "ADMIN_VEC", r.res, r.res2, buf, ref_res, ref_result,
		   ref);

	if (overlay) {
		memset(buf, 0, 4096);
		build(&c, tc, buf);
		t_cmd64_from(&c64, &c);
		c64.result = 0xdeadbeefdeadbeefull;
		r = t_run_indirect(small, fd, NVME_URING_CMD_ADMIN_INDIRECT,
				   &c64);
		check_same(tc, "ADMIN_INDIRECT", r.res, c64.result, buf,
			   ref_res, ref_result, ref);

		memset(buf, 0, 4096);
		build(&c, tc, buf);
		make_vec(&c, iov, buf, tc->len);
		t_cmd64_from(&c64, &c);
		c64.result = 0xdeadbeefdeadbeefull;
		r = t_run_indirect(small, fd, NVME_URING_CMD_ADMIN_INDIRECT_VEC,
				   &c64);
		check_same(tc, "ADMIN_INDIRECT_VEC", r.res, c64.result, buf,
			   ref_res, ref_result, ref);
	}
	free(ref);
	free(buf);
}

int main(void)
{
	struct io_uring big, small;
	bool overlay;
	size_t i;
	int fd;

	t_need_uring_cmd();
	t_need_admin_ioctl("compares every form with the ioctl");
	fd = t_open(NVME_CTRL_DEV, O_RDONLY);
	if (t_ring(&big, 8, RING_BIG))
		t_skip("no IORING_SETUP_SQE128/CQE32 rings");
	overlay = t_have_overlay();
	if (t_ring(&small, 8, 0))
		t_fatal("io_uring_queue_init");
	if (!overlay)
		printf("# no overlay forms (upstream kernel): indirect forms not run\n");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(fd, &big, overlay, &small, &cases[i]);
	io_uring_queue_exit(&big);
	io_uring_queue_exit(&small);
	close(fd);
	return t_done();
}
