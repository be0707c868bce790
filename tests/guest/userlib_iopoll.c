// SPDX-License-Identifier: GPL-2.0
/*
 * ul-45-iopoll: a polled queue (NVMEU_QUEUE_IOPOLL, an IORING_SETUP_IOPOLL
 * ring) in the form the probe picks: 64 queued reads of data written
 * before, checked. Needs NVMe poll queues (run-vm --poll-queues N) and an
 * io_uring form; the default VM has neither poll queues nor, on kernels
 * without NVMe uring_cmd, a ring: both are skips. Needs no privilege.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userlib_lib.h"

#define NR	64

static bool have_poll_queues(void)
{
	FILE *f = fopen("/sys/block/nvme0n1/queue/io_poll", "re");
	int on = 0;

	if (f && fscanf(f, "%d", &on) != 1)
		on = 0;
	if (f)
		fclose(f);
	return on;
}

int main(void)
{
	struct nvme_passthru_cmd64 cmd[NR];
	struct nvmeu_completion c[NR];
	struct nvmeu_queue *q;
	unsigned char *w, *r, *m;
	struct ul_ns ns;
	__u64 slba;
	int ret, got = 0, bad = 0;

	if (!have_poll_queues())
		ul_skip("no NVMe poll queues (nvme.poll_queues=0): no IOPOLL ring to test");
	ul_ns_open(&ns, 1, NVMEU_FORM_AUTO);
	if (nvmeu_get_form(ns.dev) == NVMEU_FORM_IOCTL)
		ul_skip("no io_uring NVMe passthrough on this kernel: no IOPOLL ring");
	slba = ns.base + (40ULL << 20) / ns.info.lba_size;
	w = ul_buf(NR * ns.bs);
	r = ul_buf(NR * ns.bs);
	m = ul_buf(NR * ns.ms + 1);
	ul_fill(w, NR * ns.bs, 45);
	ul_check_ret(nvmeu_write(ns.dev, slba, NR, w, NR * ns.bs), 0,
		     "write the pattern");
	ret = nvmeu_queue_init(ns.dev, NR, NVMEU_QUEUE_IOPOLL, &q);
	if (!ul_check_ret(ret, 0, "IOPOLL queue init"))
		return ul_done();
	for (int i = 0; i < NR; i++) {
		ul_cmd_lba(&ns, &cmd[i], nvme_cmd_read, slba + i, 1,
			   r + i * ns.bs, m);
		nvmeu_queue_cmd(q, &cmd[i], 0, i);
	}
	ul_check_ret(nvmeu_queue_submit(q), NR, "submit 64 polled reads");
	while (got < NR && (ret = nvmeu_queue_reap(q, c, NR, 1)) > 0) {
		for (int k = 0; k < ret; k++)
			bad += c[k].ret || c[k].cmd != &cmd[c[k].cookie];
		got += ret;
	}
	ul_check(got == NR && !bad && !memcmp(w, r, NR * ns.bs),
		 "%s: %d polled reads, %d bad, data equal", ns.ng, got, bad);
	nvmeu_queue_exit(q);
	free(w);
	free(r);
	free(m);
	ul_ns_close(&ns);
	return ul_done();
}
