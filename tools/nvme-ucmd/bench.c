// SPDX-License-Identifier: GPL-2.0
/*
 * bench: random or sequential reads or writes at a queue depth, through any
 * command form or the block device (O_DIRECT io_uring), with registered
 * buffers and polling if asked. Reports IOPS, bandwidth, latency
 * percentiles and CPU time per I/O; a live progress line on a terminal.
 *
 * Writes overwrite the namespace's data.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>
#include <nvme-ucmd.h>

#include "bench.h"
#include "cmds.h"
#include "print.h"

static const char *const rw_names[] = {
	"randread", "randwrite", "read", "write", NULL
};

struct bench_cfg {
	int rw;
	uint64_t bs, qd, batch, runtime, ios, size, offset;
	bool fixed, poll, json, quiet;
};

static const struct cli_opt bench_opts[] = {
	O_CHOICE("rw", 0, struct bench_cfg, rw, rw_names,
		 "pattern (default randread); writes destroy data"),
	O_SIZE("bs", 0, struct bench_cfg, bs, 512, 1 << 20,
	       "block size in bytes, a multiple of the LBA size (default 4k)"),
	O_NUM("qd", 0, struct bench_cfg, qd, 1, 4096, "queue depth (default 32)"),
	O_NUM("batch", 0, struct bench_cfg, batch, 1, 4096,
	      "submit and reap this many at a time (default 1)"),
	O_NUM("runtime", 0, struct bench_cfg, runtime, 0, 86400,
	      "seconds to run (default 5 unless --ios)"),
	O_NUM("ios", 0, struct bench_cfg, ios, 0, UINT64_MAX,
	      "stop after this many I/Os"),
	O_SIZE("size", 0, struct bench_cfg, size, 0, UINT64_MAX,
	       "bytes of the namespace to use (default all)"),
	O_SIZE("offset", 0, struct bench_cfg, offset, 0, UINT64_MAX,
	       "where the region starts, in bytes"),
	O_FLAG("fixed", 0, struct bench_cfg, fixed,
	       "registered buffers (IORING_URING_CMD_FIXED, read/write_fixed)"),
	O_FLAG("poll", 0, struct bench_cfg, poll,
	       "completion polling (IORING_SETUP_IOPOLL; needs poll queues)"),
	O_FLAG("json", 0, struct bench_cfg, json, "same as -o json"),
	O_FLAG("quiet", 'q', struct bench_cfg, quiet, "no progress line"),
	O_END
};

static void bench_defaults(void *cfg)
{
	struct bench_cfg *b = cfg;

	b->bs = 4096;
	b->qd = 32;
	b->batch = 1;
}

/* ---- latency histogram: 32 sub-buckets per power of two (~3%) ---- */

void bench_hist_add(struct bench_hist *h, uint64_t ns)
{
	unsigned int idx;

	if (!ns)
		ns = 1;
	if (ns < 32) {
		idx = (unsigned int)ns;
	} else {
		unsigned int msb = 63 - (unsigned int)__builtin_clzll(ns);

		idx = (msb - 4) * 32 + (unsigned int)((ns >> (msb - 5)) & 31);
	}
	if (idx >= BENCH_HIST_BUCKETS)
		idx = BENCH_HIST_BUCKETS - 1;
	h->b[idx]++;
	h->n++;
	h->sum += ns;
	if (ns > h->max)
		h->max = ns;
	if (!h->min || ns < h->min)
		h->min = ns;
}

/* The lower bound of bucket @idx, in ns. */
static uint64_t bucket_ns(unsigned int idx)
{
	unsigned int msb;

	if (idx < 64)
		return idx < 32 ? idx : 32 + (idx - 32);
	msb = idx / 32 + 4;
	return (1ull << msb) | (uint64_t)(idx % 32) << (msb - 5);
}

uint64_t bench_hist_pct(const struct bench_hist *h, double pct)
{
	uint64_t want = (uint64_t)ceil(pct / 100.0 * (double)h->n - 1e-9), seen = 0;

	if (!h->n)
		return 0;
	if (!want)
		want = 1;
	for (unsigned int i = 0; i < BENCH_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen == h->n)
			return h->max;
		if (seen >= want) {
			uint64_t v = bucket_ns(i);

			return v > h->max ? h->max : v < h->min ? h->min : v;
		}
	}
	return h->max;
}

/* ---- the run ---- */

struct slot {
	void *buf, *meta;
	struct nvme_passthru_cmd64 cmd;	/* the library keeps a reference */
	uint64_t start_ns;
};

/*
 * The passthrough forms go through a libnvme-ucmd queue on the ng node;
 * --form block through a ring of our own on the block device.
 */
struct bench {
	struct bench_cfg *cf;
	struct cli_dev *d;
	int form, fd;		/* fd: the block device */
	bool write, rnd;
	unsigned int lbs, ms, qd;
	uint64_t first_lba, nr_bs, next, rng;
	struct nvmeu_queue *q;
	struct io_uring ring;
	bool ring_ok;
	struct slot *slots;
	unsigned int *free_slots, nfree;
	struct bench_result r;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t next_lba(struct bench *b)
{
	uint64_t i;

	if (b->rnd) {
		b->rng ^= b->rng << 13;
		b->rng ^= b->rng >> 7;
		b->rng ^= b->rng << 17;
		i = b->rng % b->nr_bs;
	} else {
		i = b->next++;
		if (b->next == b->nr_bs)
			b->next = 0;
	}
	return b->first_lba + i * (b->cf->bs / b->lbs);
}

static void prep_block(struct bench *b, unsigned int i, uint64_t lba)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&b->ring);
	struct slot *s = &b->slots[i];
	uint32_t len = (uint32_t)b->cf->bs;
	uint64_t off = lba * b->lbs;

	if (b->cf->fixed && b->write)
		io_uring_prep_write_fixed(sqe, b->fd, s->buf, len, off, (int)i);
	else if (b->cf->fixed)
		io_uring_prep_read_fixed(sqe, b->fd, s->buf, len, off, (int)i);
	else if (b->write)
		io_uring_prep_write(sqe, b->fd, s->buf, len, off);
	else
		io_uring_prep_read(sqe, b->fd, s->buf, len, off);
	io_uring_sqe_set_data64(sqe, i);
}

static int prep_cmd(struct bench *b, unsigned int i, uint64_t lba)
{
	struct slot *s = &b->slots[i];
	uint32_t len = (uint32_t)b->cf->bs, nlb = len / b->lbs;
	int ret;

	if (b->write)
		ret = nvmeu_cmd_write(b->d->h, &s->cmd, lba, nlb, s->buf, len);
	else
		ret = nvmeu_cmd_read(b->d->h, &s->cmd, lba, nlb, s->buf, len);
	if (!ret && s->meta)
		ret = nvmeu_cmd_set_meta(b->d->h, &s->cmd, s->meta, nlb * b->ms);
	if (ret)
		return ret;
	if (b->cf->fixed && b->form != FORM_IOCTL)
		return nvmeu_queue_cmd_fixed(b->q, &s->cmd, 0, (uint16_t)i, i);
	return nvmeu_queue_cmd(b->q, &s->cmd, 0, i);
}

static int prep_slot(struct bench *b, unsigned int i)
{
	uint64_t lba = next_lba(b);

	b->slots[i].start_ns = now_ns();
	b->r.issued++;
	if (b->form != FORM_BLOCK)
		return prep_cmd(b, i, lba);
	prep_block(b, i, lba);
	return 0;
}

static int setup(struct bench *b)
{
	struct io_uring_params p = { 0 };
	struct iovec *iov;
	unsigned int qd = b->qd;
	int ret;

	if (b->form == FORM_BLOCK) {
		if (b->cf->poll)
			p.flags |= IORING_SETUP_IOPOLL;
		ret = io_uring_queue_init_params(qd, &b->ring, &p);
		b->ring_ok = !ret;
	} else {
		ret = nvmeu_queue_init(b->d->h, qd, b->cf->poll ?
				       NVMEU_QUEUE_IOPOLL : 0, &b->q);
	}
	if (ret)
		return ret;
	b->slots = calloc(qd, sizeof(*b->slots));
	b->free_slots = calloc(qd, sizeof(*b->free_slots));
	iov = calloc(qd, sizeof(*iov));
	if (!b->slots || !b->free_slots || !iov) {
		free(iov);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < qd; i++) {
		b->slots[i].buf = cli_alloc(b->cf->bs);
		if (b->ms && b->form != FORM_BLOCK)
			b->slots[i].meta = cli_alloc(b->cf->bs / b->lbs * b->ms);
		if (!b->slots[i].buf)
			return -ENOMEM;
		memset(b->slots[i].buf, 0xa5 ^ (int)i, b->cf->bs);
		iov[i] = (struct iovec){ b->slots[i].buf, b->cf->bs };
		b->free_slots[i] = qd - 1 - i;
	}
	b->nfree = qd;
	if (b->cf->fixed && b->form == FORM_BLOCK)
		ret = io_uring_register_buffers(&b->ring, iov, qd);
	else if (b->cf->fixed && b->form != FORM_IOCTL)
		ret = nvmeu_queue_register_buffers(b->q, iov, qd);
	free(iov);
	return ret;
}

static void progress(struct bench *b, uint64_t t0, uint64_t *last_ns,
		     uint64_t *last_ios)
{
	uint64_t t = now_ns();
	double dt = (double)(t - *last_ns) / 1e9;
	double iops = (double)(b->r.done - *last_ios) / dt;

	if (dt < 1.0)
		return;
	fprintf(stderr, "\r%5.0fs: %10.0f IOPS %10.1f MiB/s  ",
		(double)(t - t0) / 1e9, iops, iops * (double)b->cf->bs / 1048576.0);
	*last_ns = t;
	*last_ios = b->r.done;
}

/* Slot @i completed at @t: @err is 0, -errno or an NVMe status. */
static void complete(struct bench *b, unsigned int i, int err, uint64_t t)
{
	if (err) {
		b->r.err = err;
		b->r.errors++;
	}
	bench_hist_add(&b->r.lat, t - b->slots[i].start_ns);
	b->r.done++;
	b->free_slots[b->nfree++] = i;
}

/* Wait for @wait completions (at most 64), take what is there. */
static int reap(struct bench *b, unsigned int wait)
{
	struct nvmeu_completion c[64];
	struct io_uring_cqe *cqes[64];
	unsigned int n;
	uint64_t t;
	int ret;

	if (b->form != FORM_BLOCK) {
		ret = nvmeu_queue_reap(b->q, c, 64, wait);
		t = now_ns();
		for (int k = 0; k < ret; k++)
			complete(b, (unsigned int)c[k].cookie, c[k].ret, t);
		return ret == -EINTR ? 0 : ret;
	}
	ret = io_uring_wait_cqes(&b->ring, &(struct io_uring_cqe *){ NULL },
				 wait, NULL, NULL);
	if (ret < 0 && ret != -EINTR && ret != -ETIME)
		return ret;
	n = io_uring_peek_batch_cqe(&b->ring, cqes, 64);
	t = now_ns();
	for (unsigned int k = 0; k < n; k++) {
		int res = cqes[k]->res;

		complete(b, (unsigned int)io_uring_cqe_get_data64(cqes[k]),
			 res == (int)b->cf->bs ? 0 : res < 0 ? res : -EIO, t);
	}
	io_uring_cq_advance(&b->ring, n);
	return (int)n;
}

static int submit(struct bench *b)
{
	if (b->form == FORM_BLOCK)
		return io_uring_submit(&b->ring);
	return nvmeu_queue_submit(b->q);
}

/*
 * Keep the slots busy: queue every free one, submit --batch at a time, wait
 * for --batch completions. The ioctl form has one slot: each command runs
 * synchronously when it is submitted.
 */
static int run(struct bench *b)
{
	unsigned int batch = (unsigned int)b->cf->batch;
	unsigned int inflight = 0, pending = 0, wait;
	uint64_t t0 = now_ns(), last = t0, last_ios = 0;
	uint64_t end = b->cf->runtime ? t0 + b->cf->runtime * 1000000000ull : 0;
	bool tty = !b->cf->quiet && isatty(STDERR_FILENO);
	int ret = 0;

	if (batch > b->qd)
		batch = b->qd;
	for (;;) {
		bool stop = (end && now_ns() >= end) ||
			    (b->cf->ios && b->r.issued >= b->cf->ios) || b->r.errors;

		while (!stop && b->nfree && (!b->cf->ios || b->r.issued < b->cf->ios)) {
			ret = prep_slot(b, b->free_slots[--b->nfree]);
			if (ret)
				goto out;
			pending++;
		}
		if (pending && (pending >= batch || !inflight || stop)) {
			ret = submit(b);
			if (ret < 0)
				break;
			inflight += pending;
			pending = 0;
		}
		if (!inflight)
			break;
		wait = stop ? 1 : inflight < batch ? inflight : batch;
		if (b->q) {	/* the library submits what is queued first */
			inflight += pending;
			pending = 0;
		}
		ret = reap(b, wait > 64 ? 64 : wait);
		if (ret < 0)
			break;
		inflight -= (unsigned int)ret;
		ret = 0;
		if (tty)
			progress(b, t0, &last, &last_ios);
	}
out:
	b->r.elapsed_ns = now_ns() - t0;
	if (tty)
		fprintf(stderr, "\r%60s\r", "");
	return ret;
}

static double tv_ns(const struct timeval *a, const struct timeval *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e9 +
	       (double)(b->tv_usec - a->tv_usec) * 1e3;
}

/* A JSON number printed with @fmt rather than 17 digits. */
static struct json_object *dbl(double v, const char *fmt)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, v);
	return json_object_new_double_s(strtod(buf, NULL), buf);
}

static void report(struct bench *b, struct cli_common *co)
{
	struct bench_result *r = &b->r;
	double secs = (double)r->elapsed_ns / 1e9;
	double iops = secs > 0 ? (double)r->done / secs : 0;
	double bw = iops * (double)b->cf->bs;
	double cpu = r->done ? (r->cpu_user_ns + r->cpu_sys_ns) / (double)r->done : 0;
	const char *form = cli_form_names[b->form];

	if (co->fmt == FMT_JSON || b->cf->json) {
		struct json_object *o = json_object_new_object();

#define J(k, v) json_object_object_add(o, k, v)
		J("device", json_object_new_string(b->d->path));
		J("form", json_object_new_string(form));
		J("rw", json_object_new_string(rw_names[b->cf->rw]));
		J("bs", json_object_new_uint64(b->cf->bs));
		J("qd", json_object_new_uint64(b->form == FORM_IOCTL ? 1 : b->cf->qd));
		J("batch", json_object_new_uint64(b->cf->batch));
		J("fixed", json_object_new_boolean(b->cf->fixed));
		J("poll", json_object_new_boolean(b->cf->poll));
		J("runtime_s", dbl(secs, "%.3f"));
		J("ios", json_object_new_uint64(r->done));
		J("errors", json_object_new_uint64(r->errors));
		J("iops", dbl(round(iops), "%.0f"));
		J("bw", json_object_new_uint64((uint64_t)bw));
		J("bw_mib", dbl(bw / 1048576.0, "%.1f"));
		J("lat_min_ns", json_object_new_uint64(r->lat.min));
		J("lat_avg_ns", json_object_new_uint64(r->lat.n ? r->lat.sum / r->lat.n : 0));
		J("lat_p50_ns", json_object_new_uint64(bench_hist_pct(&r->lat, 50)));
		J("lat_p99_ns", json_object_new_uint64(bench_hist_pct(&r->lat, 99)));
		J("lat_p999_ns", json_object_new_uint64(bench_hist_pct(&r->lat, 99.9)));
		J("lat_max_ns", json_object_new_uint64(r->lat.max));
		J("cpu_ns_per_io", json_object_new_uint64((uint64_t)cpu));
		J("cpu_user_ns", json_object_new_uint64((uint64_t)r->cpu_user_ns));
		J("cpu_sys_ns", json_object_new_uint64((uint64_t)r->cpu_sys_ns));
#undef J
		cli_json_out(stdout, o);
		return;
	}
	printf("%s: %s bs=%llu qd=%llu batch=%llu form=%s%s%s\n", b->d->path,
	       rw_names[b->cf->rw], (unsigned long long)b->cf->bs,
	       (unsigned long long)(b->form == FORM_IOCTL ? 1 : b->cf->qd),
	       (unsigned long long)b->cf->batch, form,
	       b->cf->fixed ? " fixed" : "", b->cf->poll ? " poll" : "");
	printf("  ios        %llu in %.2f s\n", (unsigned long long)r->done, secs);
	printf("  IOPS       %.0f\n", iops);
	printf("  bandwidth  %.1f MiB/s\n", bw / 1048576.0);
	printf("  latency    min %.1f, avg %.1f, p50 %.1f, p99 %.1f, p99.9 %.1f, "
	       "max %.1f us\n", r->lat.min / 1e3,
	       r->lat.n ? (double)r->lat.sum / (double)r->lat.n / 1e3 : 0,
	       bench_hist_pct(&r->lat, 50) / 1e3, bench_hist_pct(&r->lat, 99) / 1e3,
	       bench_hist_pct(&r->lat, 99.9) / 1e3, r->lat.max / 1e3);
	printf("  cpu        %.2f us per I/O (user %.2f, sys %.2f)\n", cpu / 1e3,
	       r->done ? r->cpu_user_ns / (double)r->done / 1e3 : 0,
	       r->done ? r->cpu_sys_ns / (double)r->done / 1e3 : 0);
}

/* Geometry: LBA size and count from Identify; the region to use. */
static int geometry(struct bench *b)
{
	struct nvme_id_ns *ns = cli_alloc(sizeof(*ns));
	uint64_t nsze, first, len;
	int ext, ret;

	if (!ns)
		return -ENOMEM;
	ret = cli_identify(b->d, NVME_IDENTIFY_CNS_NS, b->d->nsid, ns);
	if (ret) {
		free(ns);
		return cli_cmd_err(b->d, "identify namespace", ret);
	}
	cli_ns_format(ns, &b->lbs, &b->ms, &ext);
	nsze = le64toh(ns->nsze);
	free(ns);
	if (ext && b->ms) {
		cli_err("%s: bench: extended-LBA metadata is not supported", b->d->path);
		return 2;
	}
	if (b->cf->bs % b->lbs || b->cf->offset % b->lbs) {
		cli_err("%s: bench: --bs and --offset must be multiples of the %u-byte "
			"LBA size", b->d->path, b->lbs);
		return 2;
	}
	first = b->cf->offset / b->lbs;
	len = b->cf->size ? b->cf->size / b->lbs : nsze - (first < nsze ? first : nsze);
	if (first >= nsze || len > nsze - first || len < b->cf->bs / b->lbs) {
		cli_err("%s: bench: region beyond the namespace's %llu blocks", b->d->path,
			(unsigned long long)nsze);
		return 2;
	}
	b->first_lba = first;
	b->nr_bs = len / (b->cf->bs / b->lbs);
	return 0;
}

static int open_target(struct bench *b)
{
	char path[128];

	if (b->form != FORM_BLOCK) {
		if (b->form == FORM_COMPACT && b->ms) {
			cli_err("%s: bench: the compact form cannot carry separate "
				"metadata; use --form big or indirect", b->d->path);
			return 2;
		}
		return 0;
	}
	/* ngXnY -> nvmeXnY */
	snprintf(path, sizeof(path), "/dev/nvme%s", b->d->name + 2);
	b->fd = open(path, (b->write ? O_RDWR : O_RDONLY) | O_DIRECT);
	if (b->fd < 0) {
		cli_err("%s: bench --form block: %s", path, strerror(errno));
		return 1;
	}
	return 0;
}

static int run_bench(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	struct bench_cfg *cf = cfg;
	struct bench b = { .cf = cf, .d = d, .fd = -1, .form = co->form };
	struct rusage ru0, ru1;
	int ret;

	if (!cf->runtime && !cf->ios)
		cf->runtime = 5;
	b.write = cf->rw == 1 || cf->rw == 3;
	b.rnd = cf->rw <= 1;
	b.rng = 0x9e3779b97f4a7c15ull ^ (uint64_t)now_ns();
	ret = geometry(&b);
	if (ret)
		return ret;
	if (b.form == FORM_AUTO) {
		b.form = nvmeu_get_form(d->h);
		if (b.form < 0)
			return cli_cmd_err(d, "bench", b.form);
	}
	b.qd = b.form == FORM_IOCTL ? 1 : (unsigned int)cf->qd;
	ret = open_target(&b);
	if (ret)
		return ret;
	d->used_form = b.form == FORM_BLOCK ? FORM_IOCTL : b.form;
	ret = setup(&b);
	if (ret) {
		ret = cli_cmd_err(d, "bench: ring setup", ret);
		goto out;
	}
	getrusage(RUSAGE_SELF, &ru0);
	ret = run(&b);
	getrusage(RUSAGE_SELF, &ru1);
	b.r.cpu_user_ns = tv_ns(&ru0.ru_utime, &ru1.ru_utime);
	b.r.cpu_sys_ns = tv_ns(&ru0.ru_stime, &ru1.ru_stime);
	if (ret) {
		ret = cli_cmd_err(d, "bench", ret);
	} else if (b.r.errors) {
		ret = cli_cmd_err(d, b.form == FORM_BLOCK ? "bench (block I/O)" :
				  "bench", b.r.err);
	} else {
		report(&b, co);
	}
out:
	nvmeu_queue_exit(b.q);
	if (b.ring_ok)
		io_uring_queue_exit(&b.ring);
	for (unsigned int i = 0; b.slots && i < b.qd; i++) {
		free(b.slots[i].buf);
		free(b.slots[i].meta);
	}
	free(b.slots);
	free(b.free_slots);
	if (b.fd >= 0)
		close(b.fd);
	return ret;
}

const struct cli_cmd cmd_bench = {
	.name = "bench",
	.summary = "Measure IOPS, bandwidth and latency of reads or writes",
	.desc = "Keeps --qd commands in flight through the chosen --form (big, "
		"compact, indirect: uring_cmd on the ng node; ioctl: one "
		"synchronous command at a time; block: O_DIRECT io_uring reads "
		"and writes on the matching /dev/nvmeXnY), submitting and reaping "
		"--batch at a time, for --runtime seconds or --ios I/Os. Prints "
		"IOPS, bandwidth, latency percentiles (p50, p99, p99.9) and CPU "
		"time per I/O (getrusage); -o json or --json for scripts. A "
		"progress line is shown when standard error is a terminal. "
		"Writes destroy the namespace's data.",
	.opts = bench_opts,
	.cfg_size = sizeof(struct bench_cfg),
	.defaults = bench_defaults,
	.flags = CMD_DEV | CMD_OUTPUT | CMD_NS,
	.run = run_bench,
};
