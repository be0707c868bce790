// SPDX-License-Identifier: GPL-2.0
/*
 * Queue depths 1 to 128: fill the ring with writes of distinct patterns to
 * distinct LBA ranges, reap them in any order, read everything back at the
 * same depth and compare. Upstream's form on both namespaces (with
 * metadata on namespace 2); the overlay forms where the kernel has them.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "nvme_lib.h"

#define SLOT_BLOCKS	8
#define BASE_LBA	16384

enum form { F_IO, F_COMPACT, F_INDIRECT };
static const char *const form_name[] = { "IO", "IO_COMPACT", "IO_INDIRECT" };

struct slot {
	char			*data;
	char			*meta;
	struct nvme_passthru_cmd64 c64;
};

static void prep(struct io_uring *ring, enum form f, const struct tns *ns,
		 __u8 opcode, struct slot *s, unsigned int i)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	__u64 slba = BASE_LBA + (__u64)i * SLOT_BLOCKS;
	struct nvme_uring_cmd c;

	t_cmd_rw(&c, ns, opcode, slba, SLOT_BLOCKS, s->data, s->meta);
	if (f == F_IO)
		t_prep_big(ring, sqe, ns->fd, NVME_URING_CMD_IO, &c);
	else if (f == F_COMPACT)
		t_prep_compact(sqe, ns->fd, opcode, slba, SLOT_BLOCKS - 1,
			       s->data, SLOT_BLOCKS * ns->lbs);
	else {
		t_cmd64_from(&s->c64, &c);
		t_prep_indirect(sqe, ns->fd, NVME_URING_CMD_IO_INDIRECT,
				&s->c64);
	}
	sqe->user_data = i;
}

/* Run @qd commands at once and reap them all: how many failed. */
static int batch(struct io_uring *ring, enum form f, const struct tns *ns,
		 __u8 opcode, struct slot *slots, unsigned int qd)
{
	struct io_uring_cqe *cqe;
	unsigned int i, bad = 0;

	for (i = 0; i < qd; i++)
		prep(ring, f, ns, opcode, &slots[i], i);
	if (io_uring_submit(ring) != (int)qd)
		t_fatal("io_uring_submit");
	for (i = 0; i < qd; i++) {
		if (io_uring_wait_cqe(ring, &cqe))
			t_fatal("io_uring_wait_cqe");
		if (cqe->res) {
			printf("# %s tag %llu: res %d\n", form_name[f],
			       (unsigned long long)cqe->user_data, cqe->res);
			bad++;
		}
		io_uring_cqe_seen(ring, cqe);
	}
	return bad;
}

static void run(enum form f, const struct tns *ns, unsigned int qd)
{
	unsigned int flags = f == F_IO ? RING_BIG : 0;
	__u32 len = SLOT_BLOCKS * ns->lbs, mlen = SLOT_BLOCKS * ns->ms;
	struct slot *w = calloc(qd, sizeof(*w)), *r = calloc(qd, sizeof(*r));
	bool meta = ns->ms && f != F_COMPACT;
	unsigned int i, same = 0;
	struct io_uring ring;
	int bad;

	if (t_ring(&ring, qd, flags))
		t_fatal("io_uring_queue_init(%u)", qd);
	for (i = 0; i < qd; i++) {
		w[i].data = t_buf(len);
		r[i].data = t_buf(len);
		t_fill(w[i].data, len, qd * 1000 + i + 100000 * f);
		if (meta) {
			w[i].meta = t_buf(mlen);
			r[i].meta = t_buf(mlen);
			t_fill(w[i].meta, mlen, ~(qd * 1000 + i));
		}
	}
	bad = batch(&ring, f, ns, OP_WRITE, w, qd);
	t_check(!bad, "%s, %s, QD %u: %u writes done (%d failed)", ns->path,
		form_name[f], qd, qd, bad);
	bad = batch(&ring, f, ns, OP_READ, r, qd);
	t_check(!bad, "%s, %s, QD %u: %u reads done (%d failed)", ns->path,
		form_name[f], qd, qd, bad);
	for (i = 0; i < qd; i++) {
		bool d = !memcmp(w[i].data, r[i].data, len);
		bool m = !meta || !memcmp(w[i].meta, r[i].meta, mlen);

		same += d && m;
		if (!d || !m) {
			uint64_t *a = (uint64_t *)w[i].data, *b = (uint64_t *)r[i].data;
			unsigned int k, n = 0;

			for (k = 0; k < len / 8; k++)
				n += a[k] != b[k];
			printf("# range %u (LBA %u): %s%s differ; %u of %u words; word 0 %#llx want %#llx; word 512 %#llx want %#llx\n",
			       i, BASE_LBA + i * SLOT_BLOCKS, d ? "" : "data ",
			       m ? "" : "metadata ", n, len / 8,
			       (unsigned long long)b[0], (unsigned long long)a[0],
			       (unsigned long long)b[512], (unsigned long long)a[512]);
		}
	}
	t_check(same == qd, "%s, %s, QD %u: %u of %u ranges read back equal",
		ns->path, form_name[f], qd, same, qd);
	for (i = 0; i < qd; i++) {
		free(w[i].data);
		free(r[i].data);
		free(w[i].meta);
		free(r[i].meta);
	}
	free(w);
	free(r);
	io_uring_queue_exit(&ring);
}

int main(void)
{
	static const unsigned int depths[] = { 1, 2, 16, 32, 128 };
	struct io_uring probe;
	struct tns ns[2];
	bool overlay;
	size_t d;
	int i;

	t_need_uring_cmd();
	t_ns_open(&ns[0], NVME_NG1, O_RDWR);
	t_ns_open(&ns[1], NVME_NG2, O_RDWR);
	if (t_ring(&probe, 4, RING_BIG))
		t_skip("no IORING_SETUP_SQE128/CQE32 rings");
	io_uring_queue_exit(&probe);
	overlay = t_have_overlay();
	for (i = 0; i < 2; i++) {
		for (d = 0; d < sizeof(depths) / sizeof(depths[0]); d++)
			run(F_IO, &ns[i], depths[d]);
		if (!overlay)
			continue;
		if (!ns[i].ms)
			run(F_COMPACT, &ns[i], 128);
		run(F_INDIRECT, &ns[i], 128);
	}
	if (!overlay)
		printf("# no overlay forms (upstream kernel): IO_COMPACT and IO_INDIRECT not run\n");
	return t_done();
}
