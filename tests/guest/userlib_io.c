// SPDX-License-Identifier: GPL-2.0
/*
 * ul-30-io-FORM: the synchronous I/O functions in one form, on both
 * namespaces: write, read, compare (equal and miscompare), write zeroes,
 * dataset management, flush, FUA, a maximum-size transfer, and
 * nvmeu_io_passthru() against the raw ioctl. Data is checked by reading it
 * back through the library and, with O_DIRECT, through the block node.
 *
 * Namespace 1 (no metadata) uses nvmeu_read/write/compare(); namespace 2
 * (8 bytes of separate metadata, which those functions cannot carry) uses
 * the builders with nvmeu_cmd_set_meta() and nvmeu_io_passthru(), and its
 * metadata is checked too. Writes stay in the first 16 MiB of the ul-
 * region of each namespace.
 *
 * Without CAP_SYS_ADMIN all of this is allowed through uring_cmd on a node
 * opened read-write, except the comparisons with the ioctl (left out).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userlib_lib.h"

#define MIB(n)	((__u64)(n) << 20)

/* @rr, the same command by ioctl, was refused: "# skipped" for @what. */
static bool ioctl_refused(const struct ul_ns *ns, int rr, const char *what)
{
	char w[96];

	snprintf(w, sizeof(w), "%s: %s", ns->ng, what);
	return ul_ioctl_denied(rr, w);
}

/* One LBA command the way this namespace takes it (see above). */
static int io(struct ul_ns *ns, __u8 op, __u64 slba, __u32 nb, void *buf,
	      void *meta)
{
	struct nvme_passthru_cmd64 cmd;
	__u32 len = nb * ns->bs;
	int r;

	if (!ns->ms) {
		switch (op) {
		case nvme_cmd_write:
			return nvmeu_write(ns->dev, slba, nb, buf, len);
		case nvme_cmd_compare:
			return nvmeu_compare(ns->dev, slba, nb, buf, len);
		default:
			return nvmeu_read(ns->dev, slba, nb, buf, len);
		}
	}
	r = ul_cmd_lba(ns, &cmd, op, slba, nb, buf, meta);
	return r ? r : nvmeu_io_passthru(ns->dev, &cmd);
}

static __u64 lba_at(const struct ul_ns *ns, __u64 bytes)
{
	return ns->base + bytes / ns->info.lba_size;
}

/* Write @nb blocks of a pattern at @slba, read them back, check both ways. */
static bool write_check(struct ul_ns *ns, __u64 slba, __u32 nb,
			unsigned int seed, const char *what)
{
	size_t len = (size_t)nb * ns->bs, mlen = (size_t)nb * ns->ms;
	void *w = ul_buf(len), *r = ul_buf(len);
	void *wm = ul_buf(mlen), *rm = ul_buf(mlen);
	bool ok;
	int ret;

	ul_fill(w, len, seed);
	ul_fill(wm, mlen, seed + 1);
	ret = io(ns, nvme_cmd_write, slba, nb, w, wm);
	ok = ul_check(!ret, "%s: %s: write %u blocks: %s", ns->ng, what, nb,
		      nvmeu_strerror(ret));
	ret = io(ns, nvme_cmd_read, slba, nb, r, rm);
	ok &= ul_check(!ret && !memcmp(w, r, len),
		       "%s: %s: read back equal (%s)", ns->ng, what,
		       nvmeu_strerror(ret));
	if (ns->ms)
		ok &= ul_check(!memcmp(wm, rm, mlen),
			       "%s: %s: metadata read back equal", ns->ng,
			       what);
	ok &= ul_blk_check(ns, slba, w, len, what);
	free(w);
	free(r);
	free(wm);
	free(rm);
	return ok;
}

static void check_compare(struct ul_ns *ns)
{
	__u64 slba = lba_at(ns, 0);
	__u32 nb = 8;
	size_t len = (size_t)nb * ns->bs;
	void *d = ul_buf(len), *m = ul_buf((size_t)nb * ns->ms + 1);
	struct nvme_passthru_cmd64 cmd;
	int r, rr;

	write_check(ns, slba, nb, 11, "compare set-up");
	ul_fill(d, len, 11);
	ul_fill(m, (size_t)nb * ns->ms, 12);
	r = io(ns, nvme_cmd_compare, slba, nb, d, m);
	ul_check_ret(r, 0, "compare, equal data");
	((unsigned char *)d)[len - 1] ^= 0x01;
	r = io(ns, nvme_cmd_compare, slba, nb, d, m);
	ul_check(r > 0 && nvmeu_status_sct(r) == 2 && nvmeu_status_sc(r) == 0x85,
		 "%s: miscompare is NVMe status %#x (%s)", ns->ng, r,
		 nvmeu_strerror(r));
	ul_cmd_lba(ns, &cmd, nvme_cmd_compare, slba, nb, d, m);
	rr = ul_ioctl(nvmeu_dev_fd(ns->dev), false, &cmd);
	if (!ioctl_refused(ns, rr, "miscompare"))
		ul_check(r == rr, "%s: miscompare: library %#x, ioctl %#x",
			 ns->ng, r, rr);
	free(d);
	free(m);
}

static void check_max_xfer(struct ul_ns *ns)
{
	__u32 nb = ns->info.max_xfer / ns->bs;
	struct nvme_passthru_cmd64 cmd;
	void *buf = ul_buf((size_t)(nb + 1) * ns->bs);

	/*
	 * A transfer of max_xfer itself is not checked: with 127 segments
	 * (upstream 6.1) it needs physically contiguous user pages, and
	 * separate metadata of over 64 blocks read back wrong on both kernels
	 * under QEMU 7.2 (to be understood under the NVMe issue). 64 blocks.
	 */
	write_check(ns, lba_at(ns, MIB(4)), nb < 64 ? nb : 64, 21,
		    "large transfer");
	ul_check_ret(nvmeu_cmd_read(ns->dev, &cmd, lba_at(ns, MIB(4)), nb + 1,
				    buf, (nb + 1) * ns->bs),
		     -EINVAL, "builder refuses one block over the maximum");
	free(buf);
}

static bool all_zero(const void *p, size_t len)
{
	const unsigned char *c = p;

	return !len || (!c[0] && !memcmp(c, c + 1, len - 1));
}

static void check_write_zeroes(struct ul_ns *ns)
{
	__u64 slba = lba_at(ns, MIB(8));
	__u32 nb = 64, zb = 16;
	size_t len = (size_t)nb * ns->bs;
	void *buf = ul_buf(len), *m = ul_buf((size_t)nb * ns->ms + 1);
	void *want = ul_buf(len);
	int r;

	write_check(ns, slba, nb, 31, "write zeroes set-up");
	ul_fill(want, len, 31);
	r = nvmeu_write_zeroes(ns->dev, slba + 8, zb, 0);
	ul_check_ret(r, 0, "write zeroes 16 blocks");
	memset((char *)want + 8 * ns->bs, 0, (size_t)zb * ns->bs);
	r = io(ns, nvme_cmd_read, slba, nb, buf, m);
	ul_check(!r && !memcmp(buf, want, len),
		 "%s: zeroes exactly where written", ns->ng);
	ul_blk_check(ns, slba, want, len, "write zeroes");
	r = nvmeu_write_zeroes(ns->dev, slba + 32, zb, NVMEU_CDW12_DEAC);
	ul_check_ret(r, 0, "write zeroes with DEAC");
	r = io(ns, nvme_cmd_read, slba + 32, zb, buf, m);
	ul_check(!r && all_zero(buf, (size_t)zb * ns->bs),
		 "%s: deallocated zeroes read as zeroes", ns->ng);
	ul_check_ret(nvmeu_write_zeroes(ns->dev, slba, 1, 1), -EINVAL,
		     "write zeroes with flags in CDW12 15:0");
	free(buf);
	free(m);
	free(want);
}

static void check_dsm_flush(struct ul_ns *ns)
{
	struct nvme_dsm_range *rg = ul_buf(2 * sizeof(*rg));
	__u64 slba = lba_at(ns, MIB(12));
	void *buf = ul_buf(16 * ns->bs), *m = ul_buf(16 * ns->ms + 1);
	int r;

	write_check(ns, slba, 16, 41, "dsm set-up");
	nvmeu_dsm_range_set(&rg[0], slba, 4, 0);
	nvmeu_dsm_range_set(&rg[1], slba + 8, 4, 0);
	r = nvmeu_dsm(ns->dev, NVMEU_DSM_AD, rg, 2);
	ul_check_ret(r, 0, "dsm deallocate, 2 ranges");
	r = io(ns, nvme_cmd_read, slba, 16, buf, m);
	ul_check_ret(r, 0, "read after deallocate");
	ul_check_ret(nvmeu_dsm(ns->dev, NVMEU_DSM_AD, rg, 0), -EINVAL,
		     "dsm with 0 ranges");
	ul_check_ret(nvmeu_dsm(ns->dev, NVMEU_DSM_AD, rg, 257), -EINVAL,
		     "dsm with 257 ranges");
	ul_check_ret(nvmeu_flush(ns->dev), 0, "flush");
	free(rg);
	free(buf);
	free(m);
}

/* FUA through the builder, and a raw read against the ioctl's. */
static void check_passthru(struct ul_ns *ns)
{
	__u64 slba = lba_at(ns, MIB(1));
	__u32 nb = 4;
	size_t len = (size_t)nb * ns->bs, mlen = (size_t)nb * ns->ms + 1;
	void *w = ul_buf(len), *a = ul_buf(len), *b = ul_buf(len);
	void *wm = ul_buf(mlen), *am = ul_buf(mlen), *bm = ul_buf(mlen);
	struct nvme_passthru_cmd64 cmd;
	int r, rr;

	ul_fill(w, len, 51);
	ul_fill(wm, mlen, 52);
	ul_cmd_lba(ns, &cmd, nvme_cmd_write, slba, nb, w, wm);
	cmd.cdw12 |= NVMEU_CDW12_FUA;
	r = nvmeu_io_passthru(ns->dev, &cmd);
	ul_check_ret(r, 0, "FUA write");
	ul_blk_check(ns, slba, w, len, "FUA write");
	/* a hand-built read, then the same through the ioctl */
	nvmeu_cmd_init(&cmd, nvme_cmd_read, ns->info.nsid, a, len);
	cmd.cdw10 = (__u32)slba;
	cmd.cdw11 = (__u32)(slba >> 32);
	cmd.cdw12 = nb - 1;
	if (ns->ms) {
		cmd.metadata = (__u64)(uintptr_t)am;
		cmd.metadata_len = nb * ns->ms;
	}
	r = nvmeu_exec(ns->dev, &cmd, 0);
	cmd.addr = (__u64)(uintptr_t)b;
	if (ns->ms)
		cmd.metadata = (__u64)(uintptr_t)bm;
	rr = ul_ioctl(nvmeu_dev_fd(ns->dev), false, &cmd);
	if (ioctl_refused(ns, rr, "io passthru read"))
		ul_check(!r && !memcmp(a, w, len) &&
			 !memcmp(am, wm, (size_t)nb * ns->ms),
			 "%s: io passthru read: %s, the data written", ns->ng,
			 nvmeu_strerror(r));
	else
		ul_check(!r && !rr && !memcmp(a, b, len) &&
			 !memcmp(a, w, len) && !memcmp(am, bm, mlen),
			 "%s: io passthru read: %s, same data as the ioctl's",
			 ns->ng, nvmeu_strerror(r));
	free(w);
	free(a);
	free(b);
	free(wm);
	free(am);
	free(bm);
}

static void run_ns(unsigned int nsid, enum nvmeu_form form)
{
	struct ul_ns ns;

	ul_ns_open(&ns, nsid, form);
	printf("%s: LBA %u + %u metadata, max transfer %u, region LBA %llu+%llu\n",
	       ns.ng, ns.info.lba_size, ns.info.meta_size, ns.info.max_xfer,
	       (unsigned long long)ns.base, (unsigned long long)ns.nlbas);
	write_check(&ns, lba_at(&ns, 0), 65536 / ns.bs, 1, "64 KiB");
	write_check(&ns, lba_at(&ns, 0) + 200, 1, 2, "one block");
	check_compare(&ns);
	check_max_xfer(&ns);
	check_write_zeroes(&ns);
	check_dsm_flush(&ns);
	check_passthru(&ns);
	ul_ns_close(&ns);
}

int main(int argc, char **argv)
{
	enum nvmeu_form form = ul_form_from_name(argv[0]);

	run_ns(1, form);
	run_ns(2, form);
	return ul_done();
}
