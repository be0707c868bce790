// SPDX-License-Identifier: GPL-2.0
/*
 * ul-40-queue-FORM: the asynchronous queue API in one form, on both
 * namespaces and the controller: cookies and batches at queue depths
 * 1..128 (2 * depth in flight), -EBUSY and -EINVAL limits, registered
 * buffers, vectored commands, admin commands with their results, exit with
 * commands in flight, and the inline SQE helpers on a caller's own ring.
 * Data goes through the library and is checked through the block node.
 * Writes stay in 16..32 MiB of the ul- region of each namespace.
 *
 * Without CAP_SYS_ADMIN the admin commands other than Identify and the
 * comparisons with the ioctl are left out; without CAP_IPC_LOCK, buffer
 * registrations over RLIMIT_MEMLOCK.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "userlib_lib.h"

#define NBLK	256	/* blocks per depth round */
#define MAXQD	128

struct round {
	struct ul_ns	*ns;
	struct nvmeu_queue *q;
	struct nvme_passthru_cmd64 cmd[NBLK];
	unsigned char	*data, *meta;
	bool		seen[NBLK];
	__u64		slba;
};

static enum nvmeu_form form;

/* @r, a queue's set-up or buffer registration, went over RLIMIT_MEMLOCK. */
static bool memlock_refused(int r, const char *what)
{
	struct rlimit rl;

	if (!ul_memlock_refused(r))
		return false;
	getrlimit(RLIMIT_MEMLOCK, &rl);
	ul_skip_part("%s: %s: over RLIMIT_MEMLOCK (%llu KiB): needs CAP_IPC_LOCK",
		     what, nvmeu_strerror(r),
		     (unsigned long long)rl.rlim_cur / 1024);
	return true;
}

static __u64 cookie_of(unsigned int i)
{
	return 0xc0ffee0000000000ULL | (__u64)i << 8 | 0x5a;
}

/* Reap @n completions and check cookie, command and status of each. */
static bool reap_check(struct round *rd, unsigned int n, const char *what)
{
	struct nvmeu_completion c[2 * MAXQD];
	unsigned int got = 0, bad = 0;
	int r;

	while (got < n) {
		r = nvmeu_queue_reap(rd->q, c, n - got, n - got);
		if (r <= 0)
			return ul_check(false, "%s: reap: %d (%s)", what, r,
					nvmeu_strerror(r));
		for (int k = 0; k < r; k++) {
			__u64 i = (c[k].cookie >> 8) & 0xffff;

			if (cookie_of(i) != c[k].cookie || i >= NBLK ||
			    rd->seen[i] || c[k].cmd != &rd->cmd[i] ||
			    c[k].ret) {
				if (!bad++)
					printf("bad completion: cookie %#llx ret %d\n",
					       (unsigned long long)c[k].cookie,
					       c[k].ret);
				continue;
			}
			rd->seen[i] = true;
		}
		got += r;
	}
	return !bad || ul_check(false, "%s: %u bad completions", what, bad);
}

/* Queue one command for block @b of the round. */
static int queue_block(struct round *rd, unsigned int b, bool write)
{
	struct ul_ns *ns = rd->ns;
	int r;

	r = ul_cmd_lba(ns, &rd->cmd[b], write ? nvme_cmd_write : nvme_cmd_read,
		       rd->slba + b, 1, rd->data + (size_t)b * ns->bs,
		       rd->meta + (size_t)b * ns->ms);
	return r ? r : nvmeu_queue_cmd(rd->q, &rd->cmd[b], 0, cookie_of(b));
}

/*
 * All NBLK blocks, one command each: @qd queued and submitted with one
 * call, twice, so 2 * @qd are in flight; then reaped. Reads go backwards.
 */
static bool run_round(struct round *rd, unsigned int qd, bool write)
{
	unsigned int i = 0, n, k;
	int r;

	memset(rd->seen, 0, sizeof(rd->seen));
	while (i < NBLK) {
		n = 0;
		for (int half = 0; half < 2 && i < NBLK; half++) {
			for (k = 0; k < qd && i < NBLK; k++, i++, n++) {
				r = queue_block(rd, write ? i : NBLK - 1 - i,
						write);
				if (r)
					return ul_check(false, "queue: %s",
							nvmeu_strerror(r));
			}
			r = nvmeu_queue_submit(rd->q);
			if (r != (int)k)
				return ul_check(false, "submit %u: %d", k, r);
		}
		if (nvmeu_queue_inflight(rd->q) != n)
			return ul_check(false, "qd %u: %u in flight, want %u",
					qd, nvmeu_queue_inflight(rd->q), n);
		if (!reap_check(rd, n, rd->ns->ng))
			return false;
	}
	for (i = 0; i < NBLK; i++)
		if (!rd->seen[i])
			return ul_check(false, "block %u never completed", i);
	return true;
}

static void check_depths(struct ul_ns *ns, __u64 slba)
{
	size_t len = (size_t)NBLK * ns->bs, mlen = (size_t)NBLK * ns->ms;
	struct round *rd = calloc(1, sizeof(*rd));
	unsigned char *want = ul_buf(len), *wantm = ul_buf(mlen + 1);
	bool none = false;	/* not even the first round could be set up */
	int r;

	rd->ns = ns;
	rd->slba = slba;
	rd->data = ul_buf(len);
	rd->meta = ul_buf(mlen + 1);
	for (unsigned int qd = 1; qd <= MAXQD; qd *= 2) {
		r = nvmeu_queue_init(ns->dev, qd, 0, &rd->q);
		if (memlock_refused(r, "queue init")) {
			none = qd == 1;
			break;
		}
		if (!ul_check_ret(r, 0, "queue init"))
			break;
		ul_check((int)nvmeu_queue_form(rd->q) == nvmeu_get_form(ns->dev) &&
			 !nvmeu_queue_ring(rd->q) ==
			 (nvmeu_queue_form(rd->q) == NVMEU_FORM_IOCTL),
			 "%s qd %u: queue form %s", ns->ng, qd,
			 nvmeu_form_name(nvmeu_queue_form(rd->q)));
		ul_fill(want, len, qd);
		ul_fill(wantm, mlen, qd + 1000);
		memcpy(rd->data, want, len);
		memcpy(rd->meta, wantm, mlen);
		if (run_round(rd, qd, true)) {
			memset(rd->data, 0, len);
			memset(rd->meta, 0, mlen);
			if (run_round(rd, qd, false))
				ul_check(!memcmp(rd->data, want, len) &&
					 !memcmp(rd->meta, wantm, mlen),
					 "%s qd %u: %u writes and reads, data%s equal",
					 ns->ng, qd, NBLK,
					 ns->ms ? " and metadata" : "");
		}
		nvmeu_queue_exit(rd->q);
		if (ul_failures)
			break;
	}
	if (!none)
		ul_blk_check(ns, slba, want, len, "queued writes");
	free(rd->data);
	free(rd->meta);
	free(rd);
	free(want);
	free(wantm);
}

/* The limits: a full SQ, 2 * entries in flight, bad reap arguments. */
static void check_limits(struct ul_ns *ns, __u64 slba)
{
	struct nvme_passthru_cmd64 cmd[9];
	struct nvmeu_completion c[16];
	unsigned char *buf = ul_buf(9 * ns->bs), *m = ul_buf(9 * ns->ms + 1);
	struct nvmeu_queue *q;
	int r, i, got = 0;

	if (!ul_check_ret(nvmeu_queue_init(ns->dev, 4, 0, &q), 0,
			  "queue init 4"))
		return;
	for (i = 0; i < 9; i++)
		ul_cmd_lba(ns, &cmd[i], nvme_cmd_read, slba + i, 1,
			   buf + i * ns->bs, m + i * ns->ms);
	for (i = 0; i < 4; i++)
		nvmeu_queue_cmd(q, &cmd[i], 0, i);
	ul_check_ret(nvmeu_queue_cmd(q, &cmd[4], 0, 4), -EBUSY,
		     "5th command in a 4-entry SQ");
	ul_check_ret(nvmeu_queue_submit(q), 4, "submit 4");
	for (i = 4; i < 8; i++)
		nvmeu_queue_cmd(q, &cmd[i], 0, i);
	ul_check_ret(nvmeu_queue_cmd(q, &cmd[8], 0, 8), -EBUSY,
		     "9th command in flight on a 4-entry queue");
	ul_check(nvmeu_queue_inflight(q) == 8, "8 in flight");
	ul_check_ret(nvmeu_queue_reap(q, c, 16, 9), -EINVAL,
		     "reap waiting for more than in flight");
	ul_check_ret(nvmeu_queue_reap(q, c, 4, 5), -EINVAL,
		     "reap waiting for more than max");
	ul_check_ret(nvmeu_queue_cmd(q, &cmd[8], 1U << 7, 8), -EINVAL,
		     "unknown command flag");
	while (got < 8 && (r = nvmeu_queue_reap(q, c, 16, 1)) > 0)
		got += r;
	ul_check(got == 8 && !nvmeu_queue_inflight(q),
		 "%s: all 8 reaped (%d)", ns->ng, got);
	ul_check_ret(nvmeu_queue_reap(q, c, 16, 0), 0, "reap on an idle queue");
	/* exit with commands in flight: it waits for them */
	for (i = 0; i < 4; i++)
		nvmeu_queue_cmd(q, &cmd[i], 0, i);
	nvmeu_queue_submit(q);
	nvmeu_queue_exit(q);
	ul_check(true, "%s: exit with 4 commands in flight", ns->ng);
	free(buf);
	free(m);
}

/* Two registered buffers: write from one, read into the other. */
static void check_fixed(struct ul_ns *ns, __u64 slba)
{
	enum { NB = 64, PER = 8 };
	size_t len = (size_t)NB * ns->bs;
	unsigned char *w = ul_buf(len), *rbuf = ul_buf(len);
	unsigned char *m = ul_buf(NB * ns->ms + 1);
	struct iovec iov[2] = { { w, len }, { rbuf, len } };
	struct nvme_passthru_cmd64 cmd[NB / PER];
	struct nvmeu_completion c[NB / PER];
	struct nvmeu_queue *q;
	int r, got, bad = 0;

	if (!ul_check_ret(nvmeu_queue_init(ns->dev, 8, 0, &q), 0, "queue init"))
		goto out;
	r = nvmeu_queue_register_buffers(q, iov, 2);
	if (memlock_refused(r, "register 2 buffers"))
		goto exit;
	if (nvmeu_queue_form(q) == NVMEU_FORM_IOCTL) {
		ul_check_ret(r, -EOPNOTSUPP, "register buffers, ioctl form");
		ul_check_ret(nvmeu_queue_cmd_fixed(q, &cmd[0], 0, 0, 0),
			     -EOPNOTSUPP, "fixed command, ioctl form");
		goto exit;
	}
	if (!ul_check_ret(r, 0, "register 2 buffers"))
		goto exit;
	ul_fill(w, len, 61);
	for (int pass = 0; pass < 2; pass++) {
		unsigned char *base = pass ? rbuf : w;

		for (int i = 0; i < NB / PER; i++) {
			ul_cmd_lba(ns, &cmd[i], pass ? nvme_cmd_read :
				   nvme_cmd_write, slba + i * PER, PER,
				   base + (size_t)i * PER * ns->bs,
				   m + i * PER * ns->ms);
			r = nvmeu_queue_cmd_fixed(q, &cmd[i], 0, pass, i);
			bad += !!r;
		}
		nvmeu_queue_submit(q);
		got = nvmeu_queue_reap(q, c, NB / PER, NB / PER);
		for (int k = 0; k < got; k++)
			bad += c[k].ret != 0 || c[k].cmd != &cmd[c[k].cookie];
		ul_check(!bad && got == NB / PER,
			 "%s: %d fixed-buffer %s, %d bad (first ret %s)",
			 ns->ng, got, pass ? "reads" : "writes", bad,
			 got > 0 ? nvmeu_strerror(c[0].ret) : "-");
	}
	ul_check(!memcmp(w, rbuf, len), "%s: fixed-buffer data read back",
		 ns->ng);
	ul_blk_check(ns, slba, w, len, "fixed-buffer writes");
	/* a buffer index that was never registered */
	ul_cmd_lba(ns, &cmd[0], nvme_cmd_read, slba, 1, rbuf, m);
	nvmeu_queue_cmd_fixed(q, &cmd[0], 0, 7, 99);
	got = nvmeu_queue_reap(q, c, 1, 1);
	ul_check(got == 1 && c[0].ret < 0 && c[0].cookie == 99,
		 "%s: unregistered buffer index: %s", ns->ng,
		 got == 1 ? nvmeu_strerror(c[0].ret) : "no completion");
exit:
	nvmeu_queue_exit(q);
out:
	free(w);
	free(rbuf);
	free(m);
}

/* A vectored read: two iovecs (uring forms only; 5.10 has no ioctl). */
static void check_vec(struct ul_ns *ns, __u64 slba)
{
	size_t half = (size_t)4 * ns->bs;
	unsigned char *a = ul_buf(half), *b = ul_buf(half);
	unsigned char *want = ul_buf(2 * half), *m = ul_buf(8 * ns->ms + 1);
	struct iovec iov[2] = { { a, half }, { b, half } };
	struct nvme_passthru_cmd64 cmd;
	struct nvmeu_completion c;
	struct nvmeu_queue *q;
	int r;

	if (nvmeu_queue_init(ns->dev, 2, 0, &q))
		return;
	ul_cmd_lba(ns, &cmd, nvme_cmd_read, slba, 8, want, m);
	nvmeu_io_passthru(ns->dev, &cmd);
	cmd.addr = (__u64)(uintptr_t)iov;
	cmd.data_len = 2;
	nvmeu_queue_cmd(q, &cmd, NVMEU_VEC, 7);
	r = nvmeu_queue_reap(q, &c, 1, 1);
	if (nvmeu_queue_form(q) == NVMEU_FORM_IOCTL)
		ul_check(r == 1 && c.ret == -EOPNOTSUPP,
			 "%s: vectored command, ioctl form: %s", ns->ng,
			 nvmeu_strerror(c.ret));
	else
		ul_check(r == 1 && !c.ret && !memcmp(a, want, half) &&
			 !memcmp(b, want + half, half),
			 "%s: vectored read of 2 iovecs: %s", ns->ng,
			 r == 1 ? nvmeu_strerror(c.ret) : "no completion");
	nvmeu_queue_exit(q);
	free(a);
	free(b);
	free(want);
	free(m);
}

/*
 * An admin command on a namespace queue goes as it is: the ioctl takes it,
 * kernels refuse admin uring_cmds on ng nodes (-ENOTTY).
 */
static void check_ns_admin(struct ul_ns *ns)
{
	struct nvme_passthru_cmd64 cmd;
	struct nvmeu_completion c;
	void *id = ul_buf(NVMEU_ID_SIZE);
	struct nvmeu_queue *q;
	int r;

	if (nvmeu_queue_init(ns->dev, 2, 0, &q))
		return;
	nvmeu_cmd_identify(&cmd, NVME_IDENTIFY_CNS_CTRL, 0, id);
	nvmeu_queue_cmd(q, &cmd, NVMEU_ADMIN, 1);
	r = nvmeu_queue_reap(q, &c, 1, 1);
	ul_check(r == 1 && c.ret == (nvmeu_queue_form(q) == NVMEU_FORM_IOCTL ?
				     0 : -ENOTTY),
		 "%s: queued admin command: %s", ns->ng,
		 r == 1 ? nvmeu_strerror(c.ret) : "no completion");
	nvmeu_queue_exit(q);
	free(id);
}

/* Admin commands on the controller: data and results as the ioctl's. */
static void check_ctrl(void)
{
	struct nvmeu_dev *dev = ul_ctrl_open(form);
	struct nvme_passthru_cmd64 cmd[3], raw;
	struct nvmeu_completion c[3];
	void *id = ul_buf(NVMEU_ID_SIZE), *idr = ul_buf(NVMEU_ID_SIZE);
	void *log = ul_buf(512), *logr = ul_buf(512);
	void *bufs[3] = { id, NULL, log }, *rbufs[3] = { idr, NULL, logr };
	__u32 lens[3] = { NVMEU_ID_SIZE, 0, 512 };
	struct nvmeu_queue *q;
	int r, got = 0;

	nvmeu_cmd_identify(&cmd[0], NVME_IDENTIFY_CNS_CTRL, 0, id);
	nvmeu_cmd_get_features(&cmd[1], 0, NVME_FEAT_FID_NUM_QUEUES, 0, 0,
			       NULL, 0);
	nvmeu_cmd_get_log(&cmd[2], NVME_NSID_ALL, NVME_LOG_LID_SMART, 0, false,
			  0, log, 512);
	r = nvmeu_queue_init(dev, 4, 0, &q);
	if (!ul_check_ret(r, 0, "controller queue init"))
		goto out;
	for (int i = 0; i < 3; i++)
		nvmeu_queue_cmd(q, &cmd[i], NVMEU_ADMIN, 100 + i);
	ul_check_ret(nvmeu_queue_submit(q), 3, "submit 3 admin commands");
	while (got < 3 && (r = nvmeu_queue_reap(q, c + got, 3 - got, 1)) > 0)
		got += r;
	for (int k = 0; k < got; k++) {
		int i = (int)c[k].cookie - 100;
		char what[64];

		snprintf(what, sizeof(what), "%s: admin %d", UL_CTRL, i);
		if (i >= 0 && i < 3 && c[k].cmd == &cmd[i] &&
		    ul_denied(c[k].ret)) {
			ul_skip_part("%s (opcode %#x): %s: needs CAP_SYS_ADMIN",
				     what, cmd[i].opcode,
				     nvmeu_strerror(c[k].ret));
			continue;
		}
		if (!ul_check(i >= 0 && i < 3 && c[k].cmd == &cmd[i] &&
			      !c[k].ret, "%s: admin completion %d: %s",
			      UL_CTRL, i, nvmeu_strerror(c[k].ret)))
			continue;
		raw = cmd[i];
		raw.addr = (__u64)(uintptr_t)rbufs[i];
		if (ul_ioctl_denied(ul_ioctl(nvmeu_dev_fd(dev), true, &raw),
				    what))
			continue;
		ul_check(c[k].result == raw.result && cmd[i].result == raw.result &&
			 (!bufs[i] || !memcmp(bufs[i], rbufs[i], lens[i])),
			 "%s: admin %d: result %#llx and data as the ioctl's",
			 UL_CTRL, i, (unsigned long long)c[k].result);
	}
	ul_check(got == 3, "%s: 3 admin completions", UL_CTRL);
	nvmeu_queue_exit(q);
out:
	nvmeu_close(dev);
	free(id);
	free(idr);
	free(log);
	free(logr);
}

/* The inline helpers on a ring of the caller's own: prep, submit, decode. */
static void check_inline(struct ul_ns *ns, __u64 slba)
{
	enum nvmeu_form f = nvmeu_get_form(ns->dev);
	struct io_uring_params p = { 0 };
	struct nvme_passthru_cmd64 cmd;
	unsigned char *buf = ul_buf(ns->bs), *want = ul_buf(ns->bs);
	unsigned char *m = ul_buf(ns->ms + 1);
	struct nvmeu_completion out;
	struct io_uring_cqe *cqe;
	struct io_uring_sqe *sqe;
	struct io_uring ring;
	int r;

	if (f == NVMEU_FORM_IOCTL)
		goto free;
	if (f == NVMEU_FORM_BIG)
		p.flags = IORING_SETUP_SQE128 | IORING_SETUP_CQE32;
	if (!ul_check_ret(io_uring_queue_init_params(4, &ring, &p), 0,
			  "own ring"))
		goto free;
	ul_cmd_lba(ns, &cmd, nvme_cmd_read, slba, 1, want, m);
	nvmeu_io_passthru(ns->dev, &cmd);
	ul_cmd_lba(ns, &cmd, nvme_cmd_read, slba, 1, buf, m);
	sqe = io_uring_get_sqe(&ring);
	r = nvmeu_prep_cmd(sqe, f, nvmeu_dev_fd(ns->dev), 0, &cmd);
	io_uring_sqe_set_data64(sqe, 0xfeed);
	ul_check(!r && sqe->cmd_op == nvmeu_cmd_op(f == NVMEU_FORM_COMPACT &&
				      (!nvmeu_compact_ok(&cmd, 0)) ?
				      NVMEU_FORM_INDIRECT : f, 0),
		 "%s: nvmeu_prep_cmd: cmd_op %#x", ns->ng, sqe->cmd_op);
	io_uring_submit(&ring);
	r = io_uring_wait_cqe(&ring, &cqe);
	if (ul_check_ret(r, 0, "own ring: wait")) {
		nvmeu_cqe_decode(cqe, f == NVMEU_FORM_BIG, &cmd, &out);
		io_uring_cqe_seen(&ring, cqe);
		ul_check(out.cookie == 0xfeed && out.cmd == &cmd && !out.ret &&
			 !memcmp(buf, want, ns->bs),
			 "%s: own ring read, decoded: %s", ns->ng,
			 nvmeu_strerror(out.ret));
	}
	io_uring_queue_exit(&ring);
free:
	free(buf);
	free(want);
	free(m);
}

int main(int argc, char **argv)
{
	struct ul_ns ns;

	form = ul_form_from_name(argv[0]);
	for (unsigned int nsid = 1; nsid <= 2; nsid++) {
		__u64 area;

		ul_ns_open(&ns, nsid, form);
		area = ns.base + (16ULL << 20) / ns.info.lba_size;
		check_depths(&ns, area);
		check_limits(&ns, area);
		check_fixed(&ns, area + NBLK);
		check_vec(&ns, area);
		check_ns_admin(&ns);
		check_inline(&ns, area);
		ul_ns_close(&ns);
	}
	check_ctrl();
	return ul_done();
}
