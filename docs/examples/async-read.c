// SPDX-License-Identifier: GPL-2.0
/*
 * async-read: write a pattern to the first 128 blocks of a namespace, read
 * them back with 128 asynchronous reads submitted at once, and compare.
 *
 * usage: async-read [DEVICE [auto|big|compact|indirect|ioctl]]
 *	DEVICE defaults to /dev/ng0n1; the form defaults to auto, which skips
 *	when only the synchronous ioctl fallback is available.
 * Exit status: 0 pass, 1 fail, 77 skip (a one-line reason is printed).
 * WARNING: overwrites LBAs 0..127 of the namespace.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nvme-ucmd.h>

#define NR	128

struct batch {
	struct nvmeu_dev *dev;
	struct nvmeu_queue *q;
	struct nvme_passthru_cmd64 cmd[NR];
	unsigned char *data, *meta;
	__u32 bs, ms;		/* data and separate metadata bytes per block */
};

static int skip(const char *why)
{
	printf("SKIP: %s\n", why);
	return 77;
}

static int fail(const char *what, int ret)
{
	printf("FAIL: %s: %s\n", what, nvmeu_strerror(ret));
	return 1;
}

static int parse_form(const char *s, enum nvmeu_form *form)
{
	for (int f = 0; f < NVMEU_FORM_COUNT; f++)
		if (!strcmp(s, nvmeu_form_name(f))) {
			*form = f;
			return 0;
		}
	return -1;
}

/* Build block @i's command: one block at LBA @i. */
static int build(struct batch *b, bool write, unsigned int i)
{
	struct nvme_passthru_cmd64 *c = &b->cmd[i];
	unsigned char *d = b->data + (size_t)i * b->bs;
	int r;

	r = write ? nvmeu_cmd_write(b->dev, c, i, 1, d, b->bs) :
		    nvmeu_cmd_read(b->dev, c, i, 1, d, b->bs);
	if (!r && b->ms)
		r = nvmeu_cmd_set_meta(b->dev, c, b->meta + (size_t)i * b->ms,
				       b->ms);
	return r;
}

/* Queue NR commands, submit them with one call, reap them all. */
static int run_batch(struct batch *b, bool write)
{
	struct nvmeu_completion c[NR];
	unsigned int got = 0;
	int r, n;

	for (unsigned int i = 0; i < NR; i++) {
		r = build(b, write, i);
		if (!r)
			r = nvmeu_queue_cmd(b->q, &b->cmd[i], 0, i);
		if (r)
			return r;
	}
	r = nvmeu_queue_submit(b->q);
	while (r >= 0 && got < NR) {
		n = nvmeu_queue_reap(b->q, c, NR - got, 1);
		if (n < 0)
			return n;
		for (int k = 0; k < n; k++) {
			if (c[k].ret)
				return c[k].ret;
			if (c[k].cookie >= NR || c[k].cmd != &b->cmd[c[k].cookie])
				return -EPROTO;
		}
		got += n;
	}
	return r < 0 ? r : 0;
}

static int check(const struct batch *b, const unsigned char *want)
{
	for (unsigned int i = 0; i < NR; i++)
		if (memcmp(b->data + (size_t)i * b->bs,
			   want + (size_t)i * b->bs, b->bs)) {
			printf("FAIL: block %u differs after read-back\n", i);
			return 1;
		}
	return 0;
}

/* Write the pattern, read it back, compare: the exit status. */
static int write_read(struct batch *b, const unsigned char *want, bool forced)
{
	size_t len = (size_t)NR * b->bs;
	int r;

	memcpy(b->data, want, len);
	r = run_batch(b, true);
	if (forced && (r == -EOPNOTSUPP || r == -ENOTTY || r == -EINVAL))
		return skip("this kernel does not take the requested form");
	if (r)
		return fail("write batch", r);
	memset(b->data, 0, len);
	r = run_batch(b, false);
	if (r)
		return fail("read batch", r);
	r = check(b, want);
	if (!r)
		printf("PASS: %d async reads, form %s\n", NR,
		       nvmeu_form_name(nvmeu_queue_form(b->q)));
	return r;
}

static int run(struct batch *b, bool forced)
{
	size_t len = (size_t)NR * b->bs;
	unsigned char *want = malloc(len);
	int r;

	if (!want || posix_memalign((void **)&b->data, 4096, len)) {
		free(want);
		return fail("allocate", -ENOMEM);
	}
	for (size_t i = 0; i < len; i++)
		want[i] = (unsigned char)(i * 7 + i / b->bs) ^ 0x5a;
	r = write_read(b, want, forced);
	free(want);
	free(b->data);
	return r;
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/ng0n1";
	enum nvmeu_form form = NVMEU_FORM_AUTO;
	struct nvmeu_dev_info info;
	struct batch b = { 0 };
	int r;

	if (argc > 2 && parse_form(argv[2], &form))
		return fail("usage: async-read [DEVICE [FORM]]", -EINVAL);
	r = nvmeu_open(path, O_RDWR, &b.dev);
	if (r == -ENOENT || r == -ENODEV || r == -ENXIO)
		return skip("no NVMe namespace node");
	if (r)
		return fail(path, r);
	nvmeu_dev_get_info(b.dev, &info);
	if (info.is_ctrl)
		return skip("not a namespace node");
	if (form != NVMEU_FORM_AUTO)
		nvmeu_set_form(b.dev, form);
	else if (nvmeu_get_form(b.dev) == NVMEU_FORM_IOCTL)
		return skip("no io_uring NVMe passthrough on this kernel");
	b.bs = info.lba_size + (info.meta_ext ? info.meta_size : 0);
	b.ms = info.meta_ext ? 0 : info.meta_size;
	b.meta = b.ms ? calloc(NR, b.ms) : NULL;
	r = nvmeu_queue_init(b.dev, NR, 0, &b.q);
	if (r)
		return fail("queue set-up", r);
	r = run(&b, form != NVMEU_FORM_AUTO);
	nvmeu_queue_exit(b.q);
	free(b.meta);
	nvmeu_close(b.dev);
	return r;
}
