// SPDX-License-Identifier: GPL-2.0
/*
 * lbads-io: one read through an NVMe namespace node, for
 * tests/guest/t/nvme-84-lbads.sh, into a buffer filled with 0xa5 first.
 *
 * usage: lbads-io submit|uring NODE SLBA BLOCKS BUFLEN [LBS]
 *        lbads-io overlay|nsid NODE
 *   submit   NVME_IOCTL_SUBMIT_IO (the transfer length is the kernel's:
 *            BLOCKS << its LBA shift)
 *   uring    NVME_URING_CMD_IO (upstream's form) with data_len BUFLEN
 *   overlay  a Flush in the 64-byte overlay form on an ordinary ring: our
 *            kernel takes it, upstream refuses any NVMe uring_cmd there
 *   nsid     NVME_IOCTL_ID: print the node's namespace ID
 * Prints "res R [(ERRNO)] moved M head HEX", R the ioctl's return (-errno
 * or NVMe status) or the CQE's res, M the offset after the last byte that
 * is no longer 0xa5 (0: nothing read), HEX the first 8 bytes; with LBS, also "pattern ok" or "pattern bad at N": the
 * first BLOCKS * LBS bytes against the fake controller's pattern
 * (nvme_tcp_ctrl.c: byte i of LBA L is (L + i) & 0xff). For overlay:
 * "overlay yes|no (res R)". Exit 0 once it printed, 2 on setup errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "nvme_lib.h"

#define POISON	0xa5

static int overlay(const char *path)
{
	struct io_uring ring;
	struct tres r;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || t_ring(&ring, 4, 0)) {
		fprintf(stderr, "lbads-io: %s: %s\n", path, strerror(errno));
		return 2;
	}
	t_prep_compact(io_uring_get_sqe(&ring), fd, OP_FLUSH, 0, 0, NULL, 0);
	r = t_wait_one(&ring);
	printf("overlay %s (res %d)\n", r.res ? "no" : "yes", r.res);
	return 0;
}

static int nsid(const char *path)
{
	int fd = open(path, O_RDONLY), id = fd < 0 ? -1 : ioctl(fd, NVME_IOCTL_ID);

	if (id <= 0) {
		fprintf(stderr, "lbads-io: %s: NVME_IOCTL_ID: %s\n", path,
			strerror(errno));
		return 2;
	}
	printf("%d\n", id);
	return 0;
}

static unsigned long long num(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	if (end == s || *end) {
		fprintf(stderr, "lbads-io: not a number: %s\n", s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long long slba, blocks, len, lbs = 0, i;
	unsigned char *buf;
	int fd, res;
	size_t moved = 0;

	if (argc == 3 && !strcmp(argv[1], "overlay"))
		return overlay(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "nsid"))
		return nsid(argv[2]);
	if (argc < 6 || argc > 7 ||
	    (strcmp(argv[1], "submit") && strcmp(argv[1], "uring"))) {
		fprintf(stderr, "usage: lbads-io submit|uring NODE SLBA BLOCKS BUFLEN [LBS]\n"
			"       lbads-io overlay|nsid NODE\n");
		return 2;
	}
	slba = num(argv[3]);
	blocks = num(argv[4]);
	len = num(argv[5]);
	if (argc == 7)
		lbs = num(argv[6]);
	if (!blocks || blocks > 0x10000 || !len || len > 1 << 24 ||
	    blocks * lbs > len) {
		fprintf(stderr, "lbads-io: BLOCKS 1..65536, BUFLEN 1..16 MiB, BLOCKS * LBS <= BUFLEN\n");
		return 2;
	}
	fd = open(argv[2], O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "lbads-io: %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	buf = t_buf(len);
	memset(buf, POISON, len);
	if (!strcmp(argv[1], "submit")) {
		struct nvme_user_io io = {
			.opcode = OP_READ,
			.nblocks = blocks - 1,
			.addr = (uintptr_t)buf,
			.slba = slba,
		};

		res = ioctl(fd, NVME_IOCTL_SUBMIT_IO, &io);
		if (res < 0)
			res = -errno;
	} else {
		struct nvme_uring_cmd c = {
			.opcode = OP_READ,
			.addr = (uintptr_t)buf,
			.data_len = len,
			.cdw10 = slba,
			.cdw11 = slba >> 32,
			.cdw12 = blocks - 1,
		};
		struct io_uring ring;

		c.nsid = ioctl(fd, NVME_IOCTL_ID);
		if ((int)c.nsid <= 0) {
			fprintf(stderr, "lbads-io: %s: NVME_IOCTL_ID: %s\n",
				argv[2], strerror(errno));
			return 2;
		}
		if (t_ring(&ring, 4, RING_BIG)) {
			fprintf(stderr, "lbads-io: io_uring_queue_init (SQE128|CQE32)\n");
			return 2;
		}
		res = t_run_big(&ring, fd, NVME_URING_CMD_IO, &c).res;
	}
	for (i = 0; i < len; i++)
		if (buf[i] != POISON)
			moved = i + 1;
	printf("res %d", res);
	if (res < 0)
		printf(" (%s)", strerrorname_np(-res) ?: "?");
	printf(" moved %zu head", moved);
	for (i = 0; i < 8 && i < len; i++)
		printf(" %02x", buf[i]);
	if (lbs) {
		for (i = 0; i < blocks * lbs; i++)
			if (buf[i] != ((slba + i / lbs + i % lbs) & 0xff))
				break;
		if (i == blocks * lbs)
			printf(" pattern ok");
		else
			printf(" pattern bad at %llu", i);
	}
	printf("\n");
	return 0;
}
