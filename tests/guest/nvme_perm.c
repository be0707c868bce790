// SPDX-License-Identifier: GPL-2.0
/*
 * Who may send what, as an unprivileged user (nobody) with the nodes made
 * world-accessible. Two models exist upstream and the test probes which one
 * the kernel has, by an unprivileged Identify Controller:
 * - 5.19 to 6.1: every uring_cmd needs CAP_SYS_ADMIN (-EACCES);
 * - 6.2+ (nvme_cmd_allowed, what our kernel implements): Identify
 *   Controller/Namespace, and I/O commands the controller supports without
 *   intrusive effects; writes and LBA-changing commands only on a file
 *   opened for writing; everything else needs CAP_SYS_ADMIN.
 * Root may send everything in both.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nvme_lib.h"

#define NOBODY	65534

enum node { N_CTRL, N_NS_RO, N_NS_RW };

struct pcase {
	const char	*name;
	enum node	node;
	__u8		opcode;
	__u32		cdw10;
	__u32		len;
	bool		write;		/* data to the device */
	bool		allowed;	/* for nobody, 6.2+ model */
};

static const struct pcase cases[] = {
	{ "identify controller", N_CTRL, 0x06, 1, 4096, false, true },
	{ "identify namespace", N_CTRL, 0x06, 0, 4096, false, true },
	{ "identify active namespace list", N_CTRL, 0x06, 2, 4096, false, false },
	{ "get log page (SMART)", N_CTRL, 0x02, 0x02 | (127u << 16), 512,
	  false, false },
	{ "get features (number of queues)", N_CTRL, 0x0a, 7, 0, false, false },
	{ "read, read-only file", N_NS_RO, 0x02, 0, 512, false, true },
	{ "read, read-write file", N_NS_RW, 0x02, 0, 512, false, true },
	{ "write, read-only file", N_NS_RO, 0x01, 0, 512, true, false },
	{ "write, read-write file", N_NS_RW, 0x01, 0, 512, true, true },
	{ "write zeroes, read-only file", N_NS_RO, 0x08, 0, 0, false, false },
	{ "write zeroes, read-write file", N_NS_RW, 0x08, 0, 0, false, true },
	{ "vendor-specific I/O opcode", N_NS_RW, 0x81, 0, 0, false, false },
};

/* Send @pc; the I/O ones at LBA 2000 of namespace 1. */
static int send_case(struct io_uring *ring, const int *fds, const struct pcase *pc,
		void *buf)
{
	struct nvme_uring_cmd c;

	memset(&c, 0, sizeof(c));
	c.opcode = pc->opcode;
	c.cdw10 = pc->cdw10;
	if (pc->node == N_CTRL) {
		c.nsid = pc->cdw10 == 0 ? 1 : 0;
	} else {
		c.nsid = 1;
		c.cdw10 = 2000;
	}
	if (pc->len) {
		c.addr = (uintptr_t)buf;
		c.data_len = pc->len;
	}
	return t_run_big(ring, fds[pc->node], pc->node == N_CTRL ?
			 NVME_URING_CMD_ADMIN : NVME_URING_CMD_IO, &c).res;
}

static void run_all(bool root, bool *fine_grained)
{
	struct io_uring ring;
	void *buf = t_buf(4096);
	int fds[3], res;
	size_t i;

	fds[N_CTRL] = t_open(NVME_CTRL_DEV, O_RDONLY);
	fds[N_NS_RO] = t_open(NVME_NG1, O_RDONLY);
	fds[N_NS_RW] = t_open(NVME_NG1, O_RDWR);
	if (t_ring(&ring, 4, RING_BIG))
		t_fatal("io_uring_queue_init as %s", root ? "root" : "nobody");
	if (!root)
		*fine_grained = send_case(&ring, fds, &cases[0], buf) == 0;
	printf("# as %s%s\n", root ? "root" : "nobody", root ? "" :
	       *fine_grained ? ": fine-grained permissions (6.2+ model)" :
	       ": CAP_SYS_ADMIN for everything (5.19-6.1 model)");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pcase *pc = &cases[i];
		bool want = root || (*fine_grained && pc->allowed);

		res = send_case(&ring, fds, pc, buf);
		if (want)
			/* allowed: anything but -EACCES (e.g. vendor status) */
			t_check(res != -EACCES, "%s, %s: allowed (res %d)",
				root ? "root" : "nobody", pc->name, res);
		else
			t_check(res == -EACCES, "%s, %s: -EACCES (res %d)",
				root ? "root" : "nobody", pc->name, res);
	}
	io_uring_queue_exit(&ring);
}

int main(void)
{
	const char *nodes[] = { NVME_CTRL_DEV, NVME_NG1 };
	struct stat st[2];
	bool fine = false;
	int status, i;
	pid_t pid;

	t_need_uring_cmd();
	if (geteuid() != 0)
		t_skip("needs root (it switches to nobody itself)");
	run_all(true, &fine);
	for (i = 0; i < 2; i++) {
		if (stat(nodes[i], &st[i]))
			t_skip("%s absent", nodes[i]);
		if (chmod(nodes[i], 0666))
			t_fatal("chmod %s", nodes[i]);
	}
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			t_fatal("setresuid(nobody)");
		run_all(false, &fine);
		exit(t_done());
	}
	waitpid(pid, &status, 0);
	for (i = 0; i < 2; i++)
		chmod(nodes[i], st[i].st_mode & 07777);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		t_failures++;
	return t_done();
}
