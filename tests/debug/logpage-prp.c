// SPDX-License-Identifier: GPL-2.0
/*
 * logpage-prp: reproduce QEMU's "PRP2 taken for data" write into a PRP list
 * with a Get Log Page whose NUMD exceeds the log (docs/testing.md).
 *
 * A Get Log Page of the Changed Namespace List (LID 4, 4 KiB in QEMU) with
 * NUMD for 64 KiB, into a buffer at page offset 3572: the kernel describes
 * 64 KiB, so PRP2 points at a PRP list. QEMU transfers only the log's
 * 4 KiB and interprets PRP2 for that length: as a data pointer to the
 * second page. When the list block is page aligned (the first block of a
 * dma_pool page) it writes 3572 bytes of log into the PRP list page.
 *
 * Plain admin ioctl, so stock 5.10 and upstream are affected alike. Only
 * for a scratch VM with tests/debug/prp-pool-instrumentation.patch, whose
 * free-chain check reports the damage ("XXX chain broken"). Root only.
 *
 * usage: logpage-prp [/dev/nvme0 [COUNT]]
 */
#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define LEN	65536u
#define OFF	3572u

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/nvme0";
	long count = argc > 2 ? strtol(argv[2], NULL, 0) : 64;
	char *base = aligned_alloc(4096, LEN + 8192);
	long i, bad = 0;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0 || !base) {
		perror(path);
		return 1;
	}
	for (i = 0; i < count; i++) {
		struct nvme_admin_cmd c;
		int ret;

		memset(&c, 0, sizeof(c));
		c.opcode = 0x02;
		c.nsid = 0xffffffffu;
		c.addr = (uintptr_t)(base + OFF);
		c.data_len = LEN;
		c.cdw10 = 0x04 | (LEN / 4 - 1) << 16;
		ret = ioctl(fd, NVME_IOCTL_ADMIN_CMD, &c);
		if (ret)
			bad++;
	}
	printf("%ld get log page commands, %ld failed\n", count, bad);
	close(fd);
	free(base);
	return 0;
}
