// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz-uring: a deterministic, seed-driven fuzzer for NVMe passthrough over
 * IORING_OP_URING_CMD (issue 7). It sends random and mutated uring_cmds in
 * every form (upstream's 128-byte SQE, the compact and indirect overlays)
 * to the scratch namespace (/dev/ng0n3: any command), /dev/ng0n1 and
 * /dev/ng0n2 (reads only; ng0n2 has separate metadata) and /dev/nvme0 (an
 * admin allowlist), on ordinary, CQE32, big, IOPOLL and SQPOLL rings, and
 * checks that every completion is 0, an NVMe status or an errno from a
 * known set, that nothing hangs, that no metadata buffer comes back with
 * bytes the device did not move (md_check()), and that the device still
 * works at the end.
 *
 * usage: fuzz-uring --seed S --seconds N [--iterations K] [-v]
 *		     [--ns /dev/ngXnY --lba FIRST:COUNT] [--no-drain]
 * The same seed gives the same SQEs (own PRNG; no choice depends on a
 * result). Exit 0, 1 (a bad completion, a hang, a broken device) or 77.
 *
 * SAFETY: every SQE goes through sanitize_sqe() after it is built and
 * before it is submitted, and so does the struct nvme_passthru_cmd64 an
 * indirect SQE points at. By the device the SQE reaches (fd or fixed file):
 * - ng0n1, ng0n2: only flush, read, compare and verify;
 * - scratch: any opcode; LBA ranges in CDW10-12 are clamped into the
 *   scratch range; a command with another nsid may only read; DSM, copy,
 *   vendor and unknown opcodes only when the scratch is a whole namespace;
 * - nvme0: only identify, get log page, get features, keep alive and the
 *   unsupported opcode 0x7f;
 * - anything else: keep alive (no data; an unsupported I/O opcode).
 * The data the device moves (by opcode and CDWs) never exceeds what the
 * kernel maps (data_len, the iovecs, metadata_len): otherwise the
 * controller reads PRP lists from data pages and DMAs anywhere. Nor may
 * it be shorter where the kernel cannot size the mapping (Get Features):
 * see fit_admin(). Commands
 * and iovec arrays live in an arena that no data pointer may reach, and a
 * slab of them is reused only once every command that used it completed.
 * The same holds for the checked metadata buffers (md_take()).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <liburing.h>
#include <linux/nvme_ioctl.h>

#ifndef IORING_URING_CMD_FIXED
#define IORING_URING_CMD_FIXED	(1U << 0)
#endif

#define EXIT_SKIP	77
#define WAIT_MS		30000
#define KERNEL_PTR	0xffff888000000000ull
#define USER_END	0x0000800000000000ull
#define XFER_UNKNOWN	UINT64_MAX
#define MAX_BATCH	16
#define MAX_REPORTS	20

#define PAGE		4096ul
#define POOL_SIZE	(4ul << 20)
#define DOOM_SLOTS	64
#define DOOM_SIZE	(64ul << 10)
#define ARENA_SIZE	(64ul << 20)
#define SLAB_SIZE	(128ul << 10)
#define SLOT_STRIDE	128
#define NSLOTS		512
#define ZONE_OFF	(NSLOTS * SLOT_STRIDE)
#define ZONE_END	(SLAB_SIZE - PAGE)	/* then a PROT_NONE page */
#define NSLABS		(ARENA_SIZE / SLAB_SIZE)
#define GEN_MAX		400			/* SQEs per ring, < NSLOTS */
#define MD_SLOT		(64ul << 10)		/* a checked metadata buffer */
#define MD_STRIDE	(MD_SLOT + PAGE)	/* then a PROT_NONE page */
#define MD_SLOTS	2048
#define MD_NS		"/dev/ng0n2"		/* the metadata target */

/* NVMe opcodes */
enum {
	OP_FLUSH = 0x00, OP_WRITE = 0x01, OP_READ = 0x02, OP_WUNC = 0x04,
	OP_COMPARE = 0x05, OP_WZ = 0x08, OP_DSM = 0x09, OP_VERIFY = 0x0c,
	OP_COPY = 0x19,
	ADM_GET_LOG = 0x02, ADM_IDENTIFY = 0x06, ADM_GET_FEAT = 0x0a,
	ADM_KEEP_ALIVE = 0x18, ADM_BOGUS = 0x7f,
};

/* ---- PRNG: splitmix64 seeds xorshift64* ---- */

static uint64_t rng;

static void rnd_seed(uint64_t seed)
{
	uint64_t z = seed + 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	rng = (z ^ (z >> 31)) | 1;
}

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static uint32_t below(uint64_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool pct(unsigned int p)
{
	return below(100) < p;
}

/* ---- options, devices, statistics ---- */

static struct {
	uint64_t seed;
	unsigned int seconds;
	uint64_t iterations;
	int verbose;
	const char *ns;
	uint64_t lba_first, lba_count;
	bool lba_set, no_drain, need_overlay, no_fixed;
	unsigned int stall_ms;
} opt = { .seed = 1, .seconds = 60, .ns = "/dev/ng0n3", .stall_ms = 90000 };

enum cls { C_RO, C_SCR, C_ADM, C_MD, C_NONE };
static const char *const cls_name[] = {
	"ng0n1", "scratch", "nvme0", "ng0n2", "none",
};
#define NFILES	(C_NONE + 1)	/* registered: every device and a hole */

struct dev {
	const char *path;
	int fd;
	uint32_t nsid, lbs, ms;
	bool ext;		/* metadata at the end of each LBA's data */
	uint64_t nsze;
	uint64_t lo, hi;	/* the LBAs writes may touch: [lo, hi) */
	bool partial;		/* a range of a namespace, not all of it */
};

static struct dev devs[C_NONE];
static uint32_t acs[256], iocs[256];	/* commands supported and effects */
static bool have_effects;

struct hist {
	int res;
	uint64_t n;
};

static struct {
	uint64_t tried, submitted, completions, abandoned, bad, submit_err;
	uint64_t reg_fail;
	uint64_t threads, early_close, doomed, fixed, vec, indirect, compact;
	uint64_t big_form, odd_op, conv;
	uint64_t md_checked, md_reads, md_room, md_bad, md_foreign;
	uint64_t md_noslot, md_retired;
	struct hist res[512];
	unsigned int nres;
} st;

static struct timespec t0;

static uint64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)(t.tv_sec - t0.tv_sec) * 1000 +
	       (t.tv_nsec - t0.tv_nsec) / 1000000;
}

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	printf("FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" (seed %" PRIu64 ")\n", opt.seed);
	exit(1);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
skip(const char *fmt, ...)
{
	va_list ap;

	printf("SKIP: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(EXIT_SKIP);
}

/* ---- memory: data pool, doomed buffers, the command arena ---- */

static char *pool, *ro_data, *hole, *doom_zone, *arena, *md_zone;
static char *ro_cmd[C_NONE];		/* one read-only command per class */
static char *slab_free[NSLABS];
static unsigned int nslab_free, doom_next;
static size_t arena_used;

static char *reserve(size_t len)
{
	void *p = mmap(NULL, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap %zu: %s", len, strerror(errno));
	return p;
}

static void set_prot(void *p, size_t len, int prot)
{
	if (mprotect(p, len, prot))
		die("mprotect: %s", strerror(errno));
}

static void mem_init(void)
{
	size_t i;

	pool = reserve(POOL_SIZE + 2 * PAGE) + PAGE;
	set_prot(pool, POOL_SIZE, PROT_READ | PROT_WRITE);
	for (i = 0; i < POOL_SIZE / 8; i++)
		((uint64_t *)pool)[i] = i * 0x9e3779b97f4a7c15ull;
	ro_data = reserve(3 * PAGE) + PAGE;
	set_prot(ro_data, PAGE, PROT_READ | PROT_WRITE);
	memset(ro_data, 0xa5, PAGE);
	set_prot(ro_data, PAGE, PROT_READ);
	hole = reserve(PAGE);
	doom_zone = reserve(DOOM_SLOTS * DOOM_SIZE + PAGE);
	arena = reserve(ARENA_SIZE);
	arena_used = (C_NONE + 1) * PAGE;	/* canonical commands, a guard */
	for (i = 0; i < C_NONE; i++)
		ro_cmd[i] = arena + i * PAGE;
	md_zone = reserve(MD_SLOTS * MD_STRIDE);
}

/* Does [a, a + len) touch [base, base + size)? */
static bool overlaps(uint64_t a, uint64_t len, const char *base,
		     uint64_t size)
{
	uint64_t lo = (uintptr_t)base, hi = lo + size;
	uint64_t e = a + len;

	if (!len)
		return false;
	if (e < a)
		e = UINT64_MAX;
	return a < hi && e > lo;
}

/* Does [a, a + len) touch the arena (commands, iovec arrays)? */
static bool in_arena(uint64_t a, uint64_t len)
{
	return overlaps(a, len, arena, ARENA_SIZE);
}

/* May no data buffer be there: the arena, the checked metadata slots? */
static bool data_forbidden(uint64_t a, uint64_t len)
{
	return in_arena(a, len) ||
	       overlaps(a, len, md_zone, MD_SLOTS * MD_STRIDE);
}

/* A pointer the kernel can only fail on. */
static bool safe_bad(uint64_t a)
{
	uint64_t h = (uintptr_t)hole;

	return a < PAGE || (a >= h && a < h + PAGE) || a >= USER_END;
}

static char *slab_get(void)
{
	char *s;

	if (nslab_free) {
		s = slab_free[--nslab_free];
	} else {
		if (arena_used + SLAB_SIZE > ARENA_SIZE)
			return NULL;
		s = arena + arena_used;
		arena_used += SLAB_SIZE;
		set_prot(s, ZONE_END, PROT_READ | PROT_WRITE);
	}
	memset(s, 0, ZONE_END);
	return s;
}

static unsigned int slabs_left(void)
{
	return nslab_free + (ARENA_SIZE - arena_used) / SLAB_SIZE;
}

/* A buffer that is unmapped right after the submit (see doom_all()). */
static char *doom_get(void)
{
	char *p = doom_zone + (doom_next++ % DOOM_SLOTS) * DOOM_SIZE;

	if (mmap(p, DOOM_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
		die("mmap doom: %s", strerror(errno));
	memset(p, 0x3c, DOOM_SIZE);
	st.doomed++;
	return p;
}

/* Unmap, keeping the address range ours (PROT_NONE) so it is not reused. */
static void doom_put(char *p)
{
	if (mmap(p, DOOM_SIZE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		 -1, 0) == MAP_FAILED)
		die("munmap doom: %s", strerror(errno));
}

/*
 * Checked separate-metadata buffers (md_check()): 64 KiB slots in a zone
 * of their own, each followed by a PROT_NONE page, so that a kernel
 * copying past a long buffer faults there instead of writing into the
 * next slot. No data pointer may reach the zone (data_forbidden()), and
 * only the command a slot was given to points into it: a slot is one
 * command's from its generation to its CQE, then free again. A command
 * abandoned in a closed ring may still complete into its slot, so that
 * slot is retired (unmapped, never reused), like the ring's slab. Slots
 * are mapped when first needed; with none left a command gets an
 * unchecked buffer (counted).
 */
struct md_buf {
	char *slot;		/* NULL: no checked buffer */
	uint32_t off, len;	/* the metadata pointer is slot + off */
	uint8_t pat;		/* every byte of the slot at the submit */
	/* the command as the kernel will read it (md_arm()) */
	bool seen;		/* it carries the pointer */
	bool back;		/* it may copy metadata back: zeroes are fine */
	uint8_t opcode;
	uint32_t nlb, ms;
	uint32_t keep;		/* bytes from the pointer the device may write */
	const char *form;
};

static uint32_t md_free[MD_SLOTS], nmd_free, md_next;

/*
 * The pattern changes with the SQE: a bounce buffer recycled from an
 * earlier command's metadata and copied back would otherwise show that
 * command's pattern and pass.
 */
static const uint8_t md_pats[] = {
	0xa5, 0x5a, 0xc3, 0x96, 0x69, 0xe1, 0x1e, 0x87,
};

/*
 * Where a buffer of @len starts in its slot (@o: a draw below 100):
 * mostly at the start; some misaligned (the kernel bounces metadata, it
 * needs no alignment); some ending right at the guard page.
 */
static uint32_t md_offset(uint32_t len, unsigned int o)
{
	if (o < 75 || !len || len > MD_SLOT)
		return 0;
	if (o < 90)
		return o - 74;
	return MD_SLOT - len;
}

/* A slot for SQE #@seq's metadata of @len bytes, filled with its pattern. */
static bool md_take(struct md_buf *m, uint64_t seq, uint32_t len,
		    unsigned int o)
{
	uint32_t i;

	if (nmd_free) {
		i = md_free[--nmd_free];
	} else if (md_next < MD_SLOTS) {
		i = md_next++;
		set_prot(md_zone + i * MD_STRIDE, MD_SLOT,
			 PROT_READ | PROT_WRITE);
	} else {
		st.md_noslot++;
		return false;
	}
	m->slot = md_zone + i * MD_STRIDE;
	m->pat = md_pats[seq % sizeof(md_pats)];
	m->len = len;
	m->off = md_offset(len, o);
	memset(m->slot, m->pat, MD_SLOT);
	return true;
}

/* The command completed: its slot is free. */
static void md_put(struct md_buf *m)
{
	md_free[nmd_free++] = (m->slot - md_zone) / MD_STRIDE;
	m->slot = NULL;
}

/* The command was abandoned: unmapped (a late copy faults), never reused. */
static void md_retire(struct md_buf *m)
{
	if (mmap(m->slot, MD_SLOT, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE,
		 -1, 0) == MAP_FAILED)
		die("munmap metadata slot: %s", strerror(errno));
	st.md_retired++;
	m->slot = NULL;
}

/* ---- rings ---- */

struct kind {
	const char *name;
	unsigned int flags;
	unsigned int weight;
	uint64_t made, failed;
};

#define BIG	(IORING_SETUP_SQE128 | IORING_SETUP_CQE32)
#define IOP	IORING_SETUP_IOPOLL
#define SQP	IORING_SETUP_SQPOLL
static struct kind kinds[] = {
	{ .name = "plain", .flags = 0, .weight = 24 },
	{ .name = "cqe32", .flags = IORING_SETUP_CQE32, .weight = 8 },
	{ .name = "big", .flags = BIG, .weight = 24 },
	{ .name = "sqe128", .flags = IORING_SETUP_SQE128, .weight = 4 },
	{ .name = "iopoll", .flags = IORING_SETUP_IOPOLL, .weight = 8 },
	{ .name = "iopoll-big", .flags = IOP | BIG, .weight = 8 },
	{ .name = "sqpoll", .flags = IORING_SETUP_SQPOLL, .weight = 12 },
	{ .name = "sqpoll-big", .flags = SQP | BIG, .weight = 12 },
};
#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

/* One SQE in flight: what sanitize_sqe() and a report need. */
struct rec {
	struct io_uring_sqe *sqe;	/* until submitted */
	char *slot;			/* its indirect command, if any */
	char *doom[4];
	unsigned int ndoom;
	enum cls cls;
	uint64_t seq;
	unsigned char bytes[128];	/* the SQE as submitted */
	unsigned char cmd[80];		/* the indirect command as submitted */
	struct md_buf md;		/* its checked metadata buffer, if any */
	bool done;			/* its CQE arrived */
};

struct fring {
	struct io_uring ring;
	struct kind *kind;
	bool big, iopoll, sqpoll;
	unsigned int entries;
	enum cls file_cls[NFILES];
	int nfiles;
	struct iovec bufs[4];
	unsigned int nbufs;
	char *slab;
	unsigned int slot_next, iov_next;
	uint64_t inflight, nsqes, ncqes;
	struct rec recs[MAX_BATCH];
	unsigned int nrecs;
	int thread_ret;
};

/* ---- the sanitizer ---- */

static bool op_supported(bool admin, uint8_t op)
{
	if (!have_effects)
		return true;
	return (admin ? acs[op] : iocs[op]) & 1;
}

static bool ro_op(uint8_t op)
{
	return op == OP_FLUSH || op == OP_READ || op == OP_COMPARE ||
	       op == OP_VERIFY;
}

/* Opcodes with an LBA range in CDW10-12 */
static bool lba_op(uint8_t op)
{
	switch (op) {
	case OP_WRITE: case OP_READ: case OP_WUNC: case OP_COMPARE:
	case OP_WZ: case OP_VERIFY:
		return true;
	default:
		return false;
	}
}

static bool admin_ok(uint8_t op)
{
	switch (op) {
	case ADM_IDENTIFY: case ADM_GET_LOG: case ADM_GET_FEAT:
	case ADM_KEEP_ALIVE:
		return true;
	case ADM_BOGUS:
		return !op_supported(true, op);
	default:
		return false;
	}
}

static uint8_t noop_op(enum cls k)
{
	return k == C_RO || k == C_SCR ? OP_FLUSH : ADM_KEEP_ALIVE;
}

/* Which of our devices does the SQE reach? */
static enum cls sqe_cls(const struct fring *fr,
			const struct io_uring_sqe *sqe)
{
	int i;

	if (sqe->flags & IOSQE_FIXED_FILE) {
		if (sqe->fd < 0 || sqe->fd >= fr->nfiles)
			return C_NONE;
		return fr->file_cls[sqe->fd];
	}
	for (i = 0; i < C_NONE; i++)
		if (devs[i].fd >= 0 && devs[i].fd == sqe->fd)
			return i;
	return C_NONE;
}

/* Bytes the kernel maps for a plain buffer; none in the arena or slots. */
static uint64_t data_mapped(struct nvme_uring_cmd *c)
{
	if (data_forbidden(c->addr, c->data_len))
		c->addr = 0;
	return c->data_len;
}

/*
 * Bytes the kernel maps for an iovec array: the array must be in this
 * ring's zone (whatever lies past our entries there is safe too), and
 * 0 when the kernel cannot map it at all.
 */
static uint64_t vec_mapped(struct nvme_uring_cmd *c, const struct fring *fr)
{
	uintptr_t slab = fr ? (uintptr_t)fr->slab : 0;
	uint64_t zlo = slab + ZONE_OFF;
	uint64_t zhi = slab + ZONE_END;
	uint64_t sum = 0, i;
	struct iovec v;

	if (!slab || c->addr < zlo || c->addr >= zhi) {
		if (!safe_bad(c->addr))
			c->addr = 0;
		return 0;
	}
	if (!c->data_len || c->data_len > 1024 ||
	    (uint64_t)c->data_len * sizeof(v) > zhi - c->addr)
		return 0;
	for (i = 0; i < c->data_len; i++) {
		memcpy(&v, (char *)(uintptr_t)c->addr + i * sizeof(v),
		       sizeof(v));
		if (data_forbidden((uintptr_t)v.iov_base, v.iov_len)) {
			c->addr = 0;
			return 0;
		}
		sum += v.iov_len;
		if (sum < v.iov_len)
			return UINT64_MAX;
	}
	return sum;
}

static void policy_opcode(struct nvme_uring_cmd *c, enum cls k)
{
	const struct dev *d = &devs[C_SCR];

	switch (k) {
	case C_RO: case C_MD:
		if (!ro_op(c->opcode))
			c->opcode = OP_READ;
		break;
	case C_SCR:
		/* our nsid check is the kernel's: do not rely on it */
		if (c->nsid != d->nsid && !ro_op(c->opcode))
			c->opcode = OP_READ;
		if (d->partial && !lba_op(c->opcode) && c->opcode != OP_FLUSH)
			c->opcode = OP_FLUSH;
		break;
	case C_ADM:
		if (!admin_ok(c->opcode))
			c->opcode = ADM_IDENTIFY;
		break;
	default:
		c->opcode = ADM_KEEP_ALIVE;
	}
}

static void clamp_lba(struct nvme_uring_cmd *c, const struct dev *d)
{
	uint64_t slba = (uint64_t)c->cdw11 << 32 | c->cdw10;
	uint32_t nlb = c->cdw12 & 0xffff;

	if (slba < d->lo || slba >= d->hi)
		slba = d->lo + slba % (d->hi - d->lo);
	if (slba + nlb >= d->hi)
		nlb = d->hi - slba - 1;
	c->cdw10 = (uint32_t)slba;
	c->cdw11 = slba >> 32;
	c->cdw12 = (c->cdw12 & 0xffff0000u) | nlb;
}

/* Fit NLB (data and separate metadata) into what the kernel maps. */
static void fit_rw(struct nvme_uring_cmd *c, const struct dev *d,
		   uint64_t mapped)
{
	uint64_t max = mapped / d->lbs;
	uint32_t nlb = c->cdw12 & 0xffff;

	if (d->ms) {
		uint64_t mmax = c->metadata ? c->metadata_len / d->ms : 0;

		if (mmax < max)
			max = mmax;
	}
	if (!max) {
		c->opcode = OP_FLUSH;
		return;
	}
	if (nlb + 1 > max)
		c->cdw12 = (c->cdw12 & 0xffff0000u) | (uint32_t)(max - 1);
}

/* Fit a 0's based 8-bit range count in *w (bits 7:0) of @size each. */
static void fit_ranges(struct nvme_uring_cmd *c, __u32 *w, unsigned int size,
		       uint64_t mapped)
{
	uint64_t max = mapped / size;

	if (!max) {
		c->opcode = OP_FLUSH;
		return;
	}
	if ((*w & 0xff) + 1 > max)
		*w = (*w & ~0xffu) | (uint32_t)(max - 1);
}

static void fit_io(struct nvme_uring_cmd *c, const struct dev *d,
		   uint64_t mapped)
{
	switch (c->opcode) {
	case OP_WRITE: case OP_READ: case OP_COMPARE:
		fit_rw(c, d, mapped);
		break;
	case OP_DSM:
		fit_ranges(c, &c->cdw10, 16, mapped);
		break;
	case OP_COPY:	/* 32- or 40-byte source range descriptors */
		fit_ranges(c, &c->cdw12, 40, mapped);
		break;
	case OP_FLUSH: case OP_WUNC: case OP_WZ: case OP_VERIFY:
		break;
	default:
		/* unsupported: rejected before any transfer; else unknown */
		if (op_supported(false, c->opcode))
			c->opcode = OP_FLUSH;
	}
}

/* Features that move no data (the others may move up to 4 KiB). */
static bool feat_nodata(uint8_t fid)
{
	return (fid >= 0x01 && fid <= 0x0b && fid != 0x03) ||
	       fid == 0x0f || fid == 0x10 || fid == 0x11;
}

static void fit_admin(struct nvme_uring_cmd *c, uint64_t mapped)
{
	uint64_t numd;

	switch (c->opcode) {
	case ADM_IDENTIFY:
		if (mapped < 4096)
			c->opcode = ADM_KEEP_ALIVE;
		break;
	case ADM_GET_LOG:
		/*
		 * The device moves at most the log's own size, which may be
		 * less than NUMD: a mapping that needs a PRP list for a log
		 * that fits in two pages would have it write into the list
		 * (docs/abi.md). At most 4 KiB never needs a list.
		 */
		if (mapped > 4096)
			mapped = 4096;
		numd = (uint64_t)(c->cdw11 & 0xffff) << 16 | c->cdw10 >> 16;
		numd++;
		if (numd * 4 <= mapped)
			break;
		if (mapped < 4) {
			c->opcode = ADM_KEEP_ALIVE;
			break;
		}
		numd = mapped / 4 - 1;
		if (numd > 0xffffffffull)
			numd = 0xffffffffull;
		c->cdw10 &= 0xffff;
		c->cdw10 |= (uint32_t)(numd & 0xffff) << 16;
		c->cdw11 = (c->cdw11 & 0xffff0000u) | (uint32_t)(numd >> 16);
		break;
	case ADM_GET_FEAT:
		/*
		 * The kernel cannot size a Get Features transfer, so it maps
		 * the whole buffer: one that needs a PRP list while the
		 * feature's data fits in two pages would have the controller
		 * write into the list (see docs/abi.md). Features with data
		 * are left to the identify/log commands the kernel sizes.
		 */
		if (!feat_nodata(c->cdw10 & 0xff))
			c->cdw10 = (c->cdw10 & ~0xffu) | 0x07;
		break;
	default:
		break;
	}
}

/*
 * THE sanitizer, for a command in any form as the kernel will read it
 * (struct nvme_uring_cmd: the first 72 bytes of a nvme_passthru_cmd64 too).
 */
static void sanitize_cmd(struct nvme_uring_cmd *c, enum cls k,
			 const struct fring *fr, bool vec, bool fixed)
{
	uint64_t mapped;

	if (in_arena(c->metadata, c->metadata_len ? c->metadata_len : 1))
		c->metadata = 0;
	if (vec) {
		mapped = vec_mapped(c, fr);
		if (fixed && c->data_len < mapped)
			mapped = c->data_len;
	} else {
		mapped = data_mapped(c);
	}
	policy_opcode(c, k);
	if (k == C_SCR && lba_op(c->opcode))
		clamp_lba(c, &devs[C_SCR]);
	if (k == C_ADM)
		fit_admin(c, mapped);
	else if (k == C_RO || k == C_SCR || k == C_MD)
		fit_io(c, &devs[k], mapped);
}

static void sanitize_compact(struct io_uring_sqe *sqe, enum cls k,
			     const struct fring *fr, bool fixed)
{
	struct nvme_uring_cmd_compact *cc = (void *)&sqe->cmd_op;
	struct nvme_uring_cmd c;

	memset(&c, 0, sizeof(c));
	c.opcode = cc->opcode;
	c.nsid = k < C_NONE ? devs[k].nsid : 0;	/* the fd's namespace */
	c.addr = cc->addr;
	c.data_len = cc->data_len;
	c.cdw10 = (uint32_t)cc->slba;
	c.cdw11 = cc->slba >> 32;
	c.cdw12 = (uint32_t)cc->control << 16 | cc->nlb;
	c.cdw13 = cc->cdw13;
	sanitize_cmd(&c, k, fr, false, fixed);
	cc->opcode = c.opcode;
	cc->addr = c.addr;
	cc->slba = (uint64_t)c.cdw11 << 32 | c.cdw10;
	cc->nlb = c.cdw12 & 0xffff;
	cc->control = c.cdw12 >> 16;
	cc->cdw13 = c.cdw13;
}

/* The command of an indirect SQE: its own slot, sanitized again. */
static void sanitize_indirect(struct io_uring_sqe *sqe, struct rec *r,
			      const struct fring *fr, bool vec, bool fixed)
{
	struct nvme_uring_cmd_indirect *ic = (void *)&sqe->cmd_op;
	struct nvme_uring_cmd c;
	enum cls k = r->cls;

	if (r->slot && ic->addr == (uintptr_t)r->slot) {
		memcpy(&c, r->slot, sizeof(c));
		sanitize_cmd(&c, k, fr, vec, fixed);
		memcpy(r->slot, &c, sizeof(c));
	} else if (k < C_NONE && !vec && ic->addr == (uintptr_t)ro_cmd[k]) {
		/* a read-only page holding a command sanitized for @k */
	} else if (!safe_bad(ic->addr)) {
		ic->addr = 0;
	}
}

static bool big_op(uint32_t op)
{
	return op == NVME_URING_CMD_IO || op == NVME_URING_CMD_IO_VEC ||
	       op == NVME_URING_CMD_ADMIN || op == NVME_URING_CMD_ADMIN_VEC;
}

static bool indirect_op(uint32_t op)
{
	return op == NVME_URING_CMD_IO_INDIRECT ||
	       op == NVME_URING_CMD_IO_INDIRECT_VEC ||
	       op == NVME_URING_CMD_ADMIN_INDIRECT ||
	       op == NVME_URING_CMD_ADMIN_INDIRECT_VEC;
}

static bool vec_op(uint32_t op)
{
	return op == NVME_URING_CMD_IO_VEC || op == NVME_URING_CMD_ADMIN_VEC ||
	       op == NVME_URING_CMD_IO_INDIRECT_VEC ||
	       op == NVME_URING_CMD_ADMIN_INDIRECT_VEC;
}

static bool io_op(uint32_t op)
{
	return op == NVME_URING_CMD_IO || op == NVME_URING_CMD_IO_VEC ||
	       op == NVME_URING_CMD_IO_INDIRECT ||
	       op == NVME_URING_CMD_IO_INDIRECT_VEC;
}

static const char *form_name(uint32_t op)
{
	switch (op) {
	case NVME_URING_CMD_IO:
		return "io";
	case NVME_URING_CMD_IO_VEC:
		return "io-vec";
	case NVME_URING_CMD_ADMIN:
		return "admin";
	case NVME_URING_CMD_ADMIN_VEC:
		return "admin-vec";
	case NVME_URING_CMD_IO_COMPACT:
		return "compact";
	case NVME_URING_CMD_IO_INDIRECT:
		return "io-indirect";
	case NVME_URING_CMD_IO_INDIRECT_VEC:
		return "io-indirect-vec";
	case NVME_URING_CMD_ADMIN_INDIRECT:
		return "admin-indirect";
	case NVME_URING_CMD_ADMIN_INDIRECT_VEC:
		return "admin-indirect-vec";
	default:
		return "odd-cmd_op";
	}
}

/*
 * What the kernel may do to @r's metadata slot, by the command as it will
 * read it: after the sanitizer, which may have changed opcode and NLB, and
 * in the form the SQE now has. Only struct nvme_uring_cmd in a 128-byte
 * SQE and the indirect command carry a metadata pointer. The device moves
 * separate metadata to the host only for a read on an I/O form, ms bytes
 * per block of the namespace the SQE reaches (the kernel refuses any
 * other nsid). The kernel copies metadata back only for a command without
 * host-to-device data (opcode bit 0 clear): of a flush, say, the zeroes of
 * its bounce buffer. Nothing else may change the slot.
 */
static void md_arm(const struct fring *fr, struct rec *r)
{
	const struct io_uring_sqe *sqe = r->sqe;
	const struct nvme_uring_cmd_indirect *ic = (const void *)&sqe->cmd_op;
	struct md_buf *m = &r->md;
	uint32_t op = sqe->cmd_op;
	uintptr_t slot = (uintptr_t)m->slot;
	struct nvme_uring_cmd c;
	uint64_t keep = 0;

	memset(&c, 0, sizeof(c));
	if (big_op(op) && fr->big)
		memcpy(&c, sqe->cmd, sizeof(c));
	else if (indirect_op(op) && r->slot && ic->addr == (uintptr_t)r->slot)
		memcpy(&c, r->slot, sizeof(c));
	m->form = form_name(op);
	m->opcode = c.opcode;
	m->nlb = c.cdw12 & 0xffff;
	m->ms = r->cls == C_ADM || r->cls == C_NONE ? 0 : devs[r->cls].ms;
	m->seen = c.metadata >= slot && c.metadata < slot + MD_SLOT;
	m->back = m->seen && !(c.opcode & 1);
	if (!m->seen)
		return;
	m->off = c.metadata - slot;
	m->len = c.metadata_len;
	if (io_op(op) && c.opcode == OP_READ)
		keep = (uint64_t)(m->nlb + 1) * m->ms;
	m->keep = keep < m->len ? keep : m->len;
}

/*
 * Last step before the submit: whatever the SQE became, by the cmd_op it
 * carries now, it may only do what the device it reaches allows.
 */
static void sanitize_sqe(struct fring *fr, struct rec *r)
{
	struct io_uring_sqe *sqe = r->sqe;
	bool fixed = sqe->uring_cmd_flags & IORING_URING_CMD_FIXED;
	uint32_t op = sqe->cmd_op;
	struct nvme_uring_cmd c;

	r->cls = sqe_cls(fr, sqe);
	if (big_op(op)) {
		if (!fr->big) {
			/* the command would spill into the next SQE */
			sqe->cmd[0] = noop_op(r->cls);
		} else {
			memcpy(&c, sqe->cmd, sizeof(c));
			sanitize_cmd(&c, r->cls, fr, vec_op(op), fixed);
			memcpy(sqe->cmd, &c, sizeof(c));
		}
	} else if (op == NVME_URING_CMD_IO_COMPACT) {
		sanitize_compact(sqe, r->cls, fr, fixed);
	} else if (indirect_op(op)) {
		sanitize_indirect(sqe, r, fr, vec_op(op), fixed);
	}
	memcpy(r->bytes, sqe, fr->big ? 128 : 64);
	if (r->slot)
		memcpy(r->cmd, r->slot, sizeof(r->cmd));
	if (r->md.slot)
		md_arm(fr, r);
}

/* ---- generators ---- */

static uint32_t gen_len(uint32_t want)
{
	static const uint32_t odd[] = { 1, 3, 511, 513, 4095, 4097, 65537 };
	static const uint32_t huge[] = {
		512u << 10, (512u << 10) + 512, 1u << 20, 1u << 31,
		0xfffffe00u, 0xffffffffu,
	};

	switch (below(10)) {
	case 0:
		return 0;
	case 1:
		return odd[below(7)];
	case 2:
		return huge[below(6)];
	case 3:
		return (1 + below(128)) * 512;
	default:
		return want;
	}
}

/* A data pointer for @len bytes: mostly good, sometimes not. */
static uint64_t gen_ptr(uint32_t len, struct rec *r)
{
	uint64_t off;

	switch (below(40)) {
	case 0:
		return 0;
	case 1:
		return 0x10;
	case 2:
		return (uintptr_t)hole;
	case 3:
		return KERNEL_PTR + below(1 << 20) * PAGE;
	case 4:
		return USER_END + rnd() % (1ull << 40);
	case 5: case 6:
		return (uintptr_t)ro_data;	/* a read target: -EFAULT */
	case 7: case 8:
		if (r && r->ndoom < 4)
			return (uintptr_t)(r->doom[r->ndoom++] = doom_get());
		return (uintptr_t)pool;
	case 9:		/* runs into the guard page */
		return (uintptr_t)pool + POOL_SIZE - 1 - below(4096);
	case 10: case 11: case 12:
		return (uintptr_t)pool + below(POOL_SIZE / 2) + 1;
	default:
		off = below(POOL_SIZE / PAGE) * PAGE;
		if (len <= POOL_SIZE && off + len > POOL_SIZE)
			off = (POOL_SIZE - len) & ~(PAGE - 1);
		if (len > POOL_SIZE)
			off = 0;
		return (uintptr_t)pool + off;
	}
}

static uint64_t gen_slba(const struct dev *d)
{
	switch (below(12)) {
	case 0:
		return rnd();
	case 1:
		return d->nsze - 1 - below(8);
	case 2:
		return d->nsze + below(8);
	case 3:
		return d->hi - 1 - below(8);
	default:
		return d->lo + below(d->hi - d->lo);
	}
}

static uint32_t gen_nsid(uint32_t good)
{
	static const uint32_t other[] = { 0, 1, 2, 3, 4, 0xffffffffu };

	if (pct(88))
		return good;
	if (pct(70))
		return other[below(6)];
	return (uint32_t)rnd();
}

/* Bytes the command wants: for generating consistent lengths. */
static uint32_t want_io(const struct nvme_passthru_cmd64 *c,
			const struct dev *d)
{
	switch (c->opcode) {
	case OP_WRITE: case OP_READ: case OP_COMPARE:
		return ((c->cdw12 & 0xffff) + 1) * d->lbs;
	case OP_DSM:
		return ((c->cdw10 & 0xff) + 1) * 16;
	case OP_COPY:
		return ((c->cdw12 & 0xff) + 1) * 32;
	default:
		return pct(80) ? 0 : 512;
	}
}

/*
 * Separate metadata for an I/O command (on a namespace with it, reads,
 * writes and compares need it): lengths for what the blocks need, more
 * (where a bounce buffer copied back whole would show kernel memory),
 * less, odd and huge ones. Mostly in a checked slot (md_take(); @r is
 * NULL when the form carries no metadata), else in a pool page other
 * commands share or at any pointer gen_ptr() makes: unchecked, for the
 * error paths. The draws do not depend on whether a slot was free.
 */
static void gen_md(struct nvme_passthru_cmd64 *c, const struct dev *d,
		   struct rec *r, uint32_t nlb)
{
	uint32_t need = (nlb + 1) * (d->ms ? d->ms : 8);
	unsigned int w, o;

	if (!pct(d->ms ? 90 : 6))
		return;
	switch (below(10)) {
	case 0: case 1: case 2: case 3:
		c->metadata_len = need;
		break;
	case 4: case 5: case 6:
		c->metadata_len = need + 1 + below(pct(70) ? 64 : MD_SLOT);
		break;
	case 7:
		c->metadata_len = need / 2;
		break;
	default:
		c->metadata_len = gen_len(64);
	}
	w = below(10);
	o = below(100);
	if (w < 8 && r && md_take(&r->md, r->seq, c->metadata_len, o))
		c->metadata = (uintptr_t)r->md.slot + r->md.off;
	else if (w < 9)
		c->metadata = (uintptr_t)pool + POOL_SIZE - PAGE;
	else
		c->metadata = gen_ptr(c->metadata_len, NULL);
}

static void gen_io(struct nvme_passthru_cmd64 *c, const struct dev *d,
		   struct rec *r)
{
	static const uint8_t ops[] = {
		OP_READ, OP_READ, OP_READ, OP_WRITE, OP_WRITE, OP_WRITE,
		OP_COMPARE, OP_WZ, OP_WZ, OP_WUNC, OP_VERIFY, OP_FLUSH,
		OP_FLUSH, OP_DSM, OP_COPY,
	};
	uint64_t slba = gen_slba(d);
	uint32_t nlb;

	if (pct(88))
		c->opcode = ops[below(sizeof(ops))];
	else
		c->opcode = pct(30) ? 0x80 + below(0x80) : (uint8_t)rnd();
	nlb = pct(85) ? below(8) : pct(60) ? below(1024) : below(0x10000);
	c->nsid = gen_nsid(d->nsid);
	c->cdw10 = (uint32_t)slba;
	c->cdw11 = slba >> 32;
	c->cdw12 = nlb | (pct(10) ? (uint32_t)rnd() & 0xffff0000u : 0);
	if (c->opcode == OP_DSM) {
		c->cdw10 = below(4);
		c->cdw11 = pct(70) ? 4 : (uint32_t)rnd();	/* deallocate */
	}
	if (c->opcode == OP_COPY)
		c->cdw12 = below(3) | (pct(20) ? below(4) << 8 : 0);
	if (pct(15))
		c->cdw13 = (uint32_t)rnd();
	if (pct(10)) {
		c->cdw14 = (uint32_t)rnd();
		c->cdw15 = (uint32_t)rnd();
	}
	c->data_len = gen_len(want_io(c, d));
	gen_md(c, d, r, nlb);
}

static void gen_admin(struct nvme_passthru_cmd64 *c)
{
	static const uint8_t ops[] = {
		ADM_IDENTIFY, ADM_IDENTIFY, ADM_IDENTIFY, ADM_GET_LOG,
		ADM_GET_LOG, ADM_GET_FEAT, ADM_GET_FEAT, ADM_KEEP_ALIVE,
	};
	static const uint8_t cns[] = { 0, 1, 2, 3, 5, 6, 7, 8, 0x10, 0x13 };
	static const uint8_t lid[] = { 1, 2, 3, 4, 5, 6, 0x0c, 0x0d, 0x70 };
	static const uint32_t nsids[] = { 0, 1, 2, 3, 0xffffffffu };
	uint32_t numd;

	if (pct(92))
		c->opcode = ops[below(sizeof(ops))];
	else
		c->opcode = pct(40) ? ADM_BOGUS : (uint8_t)rnd();
	c->nsid = pct(90) ? nsids[below(5)] : (uint32_t)rnd();
	switch (c->opcode) {
	case ADM_IDENTIFY:
		c->cdw10 = pct(85) ? cns[below(sizeof(cns))] : (uint32_t)rnd();
		c->data_len = gen_len(4096);
		break;
	case ADM_GET_LOG:
		numd = pct(80) ? below(1024) : (uint32_t)rnd();
		c->cdw10 = (pct(85) ? lid[below(sizeof(lid))] : below(256)) |
			   (pct(5) ? (uint32_t)below(0x80) << 8 : 0) |
			   (numd & 0xffff) << 16;
		c->cdw11 = numd >> 16;
		if (pct(10))
			c->cdw12 = (uint32_t)rnd() & ~3u;
		c->data_len = gen_len((numd + 1) * 4);
		break;
	case ADM_GET_FEAT:
		c->cdw10 = (pct(85) ? 1 + below(0x0e) : below(256)) |
			   (pct(20) ? below(4) << 8 : 0);
		c->data_len = gen_len(pct(50) ? 4096 : 0);
		break;
	default:
		c->data_len = gen_len(0);
	}
}

/* An iovec array in the ring's zone; addr/data_len point at it. */
static void gen_vec(struct nvme_passthru_cmd64 *c, struct fring *fr,
		    struct rec *r, uint32_t want)
{
	unsigned int n = pct(80) ? 1 + below(4) : below(40), i;
	uint64_t zone = (uintptr_t)fr->slab + ZONE_OFF;
	unsigned int cap = (ZONE_END - ZONE_OFF) / sizeof(struct iovec);
	struct iovec *v;
	uint32_t part;

	st.vec++;
	if (!fr->slab || fr->iov_next + n > cap) {
		c->addr = 0;
		c->data_len = n;
		return;
	}
	v = (struct iovec *)(uintptr_t)zone + fr->iov_next;
	fr->iov_next += n;
	for (i = 0; i < n; i++) {
		part = n ? (want + n - 1) / n : 0;
		if (pct(20))
			part = gen_len(part);
		v[i].iov_len = part;
		v[i].iov_base = (void *)(uintptr_t)gen_ptr(part, r);
	}
	c->addr = (uintptr_t)v + (pct(3) ? 8 : 0);
	c->data_len = pct(85) ? n : pct(50) ? n + below(8) :
		      (uint32_t)(pct(50) ? 1025 : rnd());
}

/* Registered buffers: an address in one of them, or near one. */
static void gen_fixed(struct nvme_passthru_cmd64 *c, struct fring *fr,
		      struct io_uring_sqe *sqe)
{
	unsigned int bi = fr->nbufs ? below(fr->nbufs) : 0;
	uint64_t base = fr->nbufs ? (uintptr_t)fr->bufs[bi].iov_base :
			(uintptr_t)pool;
	uint64_t len = fr->nbufs ? fr->bufs[bi].iov_len : PAGE;

	st.fixed++;
	sqe->uring_cmd_flags |= IORING_URING_CMD_FIXED;
	sqe->buf_index = pct(85) ? bi : pct(50) ? fr->nbufs : (uint16_t)rnd();
	switch (below(8)) {
	case 0:
		c->addr = base + len - 512;	/* runs past the end */
		break;
	case 1:
		c->addr = base + 1 + below(511);	/* misaligned */
		break;
	case 2:
		c->addr = gen_ptr(c->data_len, NULL);
		break;
	default:
		if (c->data_len < len)
			c->addr = base + (below(len - c->data_len) & ~511u);
		else
			c->addr = base;
	}
}

static uint32_t pick_cmd_op(enum cls k, bool bigring)
{
	static const uint32_t io_small[] = {
		NVME_URING_CMD_IO_COMPACT, NVME_URING_CMD_IO_COMPACT,
		NVME_URING_CMD_IO_INDIRECT, NVME_URING_CMD_IO_INDIRECT_VEC,
	};
	static const uint32_t adm_small[] = {
		NVME_URING_CMD_ADMIN_INDIRECT,
		NVME_URING_CMD_ADMIN_INDIRECT_VEC,
	};
	static const uint32_t all[] = {
		NVME_URING_CMD_IO, NVME_URING_CMD_IO_VEC,
		NVME_URING_CMD_ADMIN, NVME_URING_CMD_ADMIN_VEC,
		NVME_URING_CMD_IO_COMPACT, NVME_URING_CMD_IO_INDIRECT,
		NVME_URING_CMD_IO_INDIRECT_VEC, NVME_URING_CMD_ADMIN_INDIRECT,
		NVME_URING_CMD_ADMIN_INDIRECT_VEC,
	};
	bool adm = k == C_ADM;
	unsigned int w = below(100);

	if (w < 75 && (bigring ? pct(90) : pct(10))) {
		if (adm)
			return pct(80) ? NVME_URING_CMD_ADMIN :
					 NVME_URING_CMD_ADMIN_VEC;
		return pct(80) ? NVME_URING_CMD_IO : NVME_URING_CMD_IO_VEC;
	}
	if (w < 75)
		return adm ? adm_small[below(2)] : io_small[below(4)];
	if (w < 92)
		return all[below(9)];
	st.odd_op++;
	if (w < 96)
		return all[below(9)] ^ (1u << below(32));
	return pct(50) ? (uint32_t)rnd() : _IOWR('N', below(256), char[80]);
}

/* The fd, as the SQE names it: mostly the device's own. */
static void pick_fd(struct io_uring_sqe *sqe, struct fring *fr, enum cls k)
{
	static const int bogus[] = { -1, 0, 2, 9999 };
	int i;

	sqe->fd = devs[k].fd;
	if (pct(90))
		return;
	if (pct(50)) {
		sqe->flags |= IOSQE_FIXED_FILE;
		sqe->fd = below(NFILES + 1);
		for (i = 0; i < fr->nfiles && pct(80); i++)
			if (fr->file_cls[i] == k)
				sqe->fd = i;
		return;
	}
	sqe->fd = pct(80) ? bogus[below(4)] : fr->ring.ring_fd;
}


/* Does this kernel know IOSQE_CQE_SKIP_SUCCESS (IORING_FEAT_CQE_SKIP)? */
static bool cqe_skip_known(void)
{
	static int known = -1;
	struct io_uring_params p;
	struct io_uring r;

	if (known < 0) {
		memset(&p, 0, sizeof(p));
		known = !io_uring_queue_init_params(2, &r, &p) &&
			(p.features & (1u << 11));
		if (p.sq_entries)
			io_uring_queue_exit(&r);
	}
	return known;
}

static void mutate_sqe(struct io_uring_sqe *sqe, struct fring *fr)
{
	static const uint8_t flags[] = {
		IOSQE_IO_LINK, IOSQE_IO_HARDLINK, IOSQE_IO_DRAIN,
		IOSQE_ASYNC, IOSQE_ASYNC, IOSQE_ASYNC, IOSQE_BUFFER_SELECT,
		1u << 6, 1u << 7,
	};

	uint8_t f = flags[below(sizeof(flags))];

	/*
	 * Bit 6 is IOSQE_CQE_SKIP_SUCCESS where the kernel knows it (6.1):
	 * a success posts no CQE there, and the hang guard would fire. Same
	 * draws either way.
	 */
	if (f == 1u << 6 && cqe_skip_known())
		f = 0;
	/* --no-drain: the same draws, without the known drain stall */
	if (pct(20) && !(opt.no_drain && f == IOSQE_IO_DRAIN))
		sqe->flags |= f;
	if (pct(3))
		sqe->ioprio = (uint16_t)rnd();
	if (pct(3))
		sqe->personality = (uint16_t)rnd();
	if (pct(3))
		sqe->file_index = (uint32_t)rnd();
	if (pct(3))
		sqe->uring_cmd_flags |= (uint32_t)rnd();
	if (fr->big && pct(3))
		sqe->__pad1 = (uint32_t)rnd();
	if (fr->big && pct(5))
		memset(sqe->cmd + 72, (int)rnd(), 8);
	if (!fr->big && sqe->cmd_op == NVME_URING_CMD_IO && pct(2))
		sqe->cmd[0] = (uint8_t)rnd();	/* sanitized away */
}

static void mutate_cmd(struct nvme_passthru_cmd64 *c)
{
	if (pct(3))
		c->flags = (uint8_t)rnd();
	if (pct(3))
		c->rsvd1 = (uint16_t)rnd();
	if (pct(3))
		c->rsvd2 = (uint32_t)rnd();
	if (pct(8)) {
		c->cdw2 = (uint32_t)rnd();
		c->cdw3 = (uint32_t)rnd();
	}
	if (pct(3))
		c->timeout_ms = 1 + below(pct(50) ? 10 : 5000);
}

static void put_compact(struct io_uring_sqe *sqe,
			const struct nvme_passthru_cmd64 *c)
{
	struct nvme_uring_cmd_compact *cc = (void *)&sqe->cmd_op;

	st.compact++;
	cc->opcode = c->opcode;
	cc->flags = pct(97) ? 0 : c->flags | 1;
	cc->control = c->cdw12 >> 16;
	cc->addr = c->addr;
	cc->data_len = c->data_len;
	cc->slba = (uint64_t)c->cdw11 << 32 | c->cdw10;
	cc->nlb = c->cdw12 & 0xffff;
	cc->rsvd = pct(97) ? 0 : (uint16_t)rnd();
	cc->cdw13 = c->cdw13;
}

static void put_indirect(struct io_uring_sqe *sqe, struct fring *fr,
			 struct rec *r, const struct nvme_passthru_cmd64 *c,
			 enum cls k)
{
	struct nvme_uring_cmd_indirect *ic = (void *)&sqe->cmd_op;
	static const uint32_t lens[] = { 0, 72, 79, 81, 128, 0xffffffffu };
	unsigned int w = below(40);

	st.indirect++;
	if (fr->slab && fr->slot_next < NSLOTS) {
		r->slot = fr->slab + fr->slot_next++ * SLOT_STRIDE +
			  (pct(5) ? 1 + below(7) : 0);
		memcpy(r->slot, c, sizeof(*c));
	}
	ic->addr = (uintptr_t)r->slot;
	if (w == 0)
		ic->addr = (uintptr_t)ro_cmd[k];
	else if (w == 1)
		ic->addr = gen_ptr(80, NULL);
	else if (w == 2)
		ic->addr = KERNEL_PTR;
	ic->len = pct(95) ? sizeof(*c) : lens[below(6)];
	if (pct(3))
		ic->rsvd1 = (uint32_t)rnd();
	if (pct(3))
		ic->rsvd2[below(2)] = rnd();
}

static void put_big(struct io_uring_sqe *sqe, struct fring *fr,
		    const struct nvme_passthru_cmd64 *c)
{
	st.big_form++;
	/* struct nvme_uring_cmd is the first 72 bytes of the cmd64 */
	memcpy(sqe->cmd, c, fr->big ? sizeof(struct nvme_uring_cmd) : 16);
}

/* Build one SQE (not yet sanitized). */
static void build_sqe(struct fring *fr, struct rec *r)
{
	static const enum cls pick[] = {
		C_SCR, C_SCR, C_SCR, C_SCR, C_RO, C_RO, C_RO, C_ADM, C_ADM,
		C_MD, C_MD,
	};
	struct io_uring_sqe *sqe = r->sqe;
	struct nvme_passthru_cmd64 c;
	enum cls k = pick[below(sizeof(pick) / sizeof(pick[0]))];
	uint32_t op;
	bool md;

	if (devs[k].fd < 0)	/* no metadata target */
		k = C_RO;
	memset(sqe, 0, fr->big ? 128 : 64);
	memset(&c, 0, sizeof(c));
	sqe->opcode = IORING_OP_URING_CMD;
	pick_fd(sqe, fr, k);
	op = pick_cmd_op(k, fr->big);
	sqe->cmd_op = op;
	/* the forms that carry metadata (a command in a 64-byte SQE: none) */
	md = indirect_op(op) || (big_op(op) && fr->big);
	if (k == C_ADM)
		gen_admin(&c);
	else
		gen_io(&c, &devs[k], md ? r : NULL);
	if (vec_op(op))
		gen_vec(&c, fr, r, c.data_len);
	else if (pct(12))
		gen_fixed(&c, fr, sqe);
	else
		c.addr = gen_ptr(c.data_len, r);
	mutate_cmd(&c);
	if (op == NVME_URING_CMD_IO_COMPACT)
		put_compact(sqe, &c);
	else if (indirect_op(op))
		put_indirect(sqe, fr, r, &c, k);
	else
		put_big(sqe, fr, &c);
	sqe->cmd_op = op;
	mutate_sqe(sqe, fr);
	sqe->user_data = r->seq;
}

/* ---- completions ---- */

static const struct {
	int err;
	const char *name;
} errnames[] = {
	{ EINVAL, "EINVAL" }, { EFAULT, "EFAULT" }, { ENOTTY, "ENOTTY" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { EACCES, "EACCES" },
	{ EAGAIN, "EAGAIN" }, { EINTR, "EINTR" }, { ENOMEM, "ENOMEM" },
	{ EBADF, "EBADF" }, { ECANCELED, "ECANCELED" }, { EIO, "EIO" },
	{ ENXIO, "ENXIO" }, { ENODEV, "ENODEV" }, { EBUSY, "EBUSY" },
	{ ETIME, "ETIME" }, { ENOSPC, "ENOSPC" }, { EOVERFLOW, "EOVERFLOW" },
};
#define NOK_ERRNOS	(sizeof(errnames) / sizeof(errnames[0]))

static const char *res_name(int res, char *buf, size_t len)
{
	size_t i;

	if (res >= 0) {
		snprintf(buf, len, res ? "nvme 0x%03x" : "0", res);
		return buf;
	}
	for (i = 0; i < NOK_ERRNOS; i++)
		if (errnames[i].err == -res)
			return errnames[i].name;
	snprintf(buf, len, "%d (%s)", res, strerror(-res));
	return buf;
}

static bool res_ok(int res)
{
	size_t i;

	if (res >= 0)
		return res < 0x8000;
	for (i = 0; i < NOK_ERRNOS; i++)
		if (errnames[i].err == -res)
			return true;
	return false;
}

static void hist_add(int res)
{
	unsigned int i;

	for (i = 0; i < st.nres; i++)
		if (st.res[i].res == res) {
			st.res[i].n++;
			return;
		}
	if (st.nres < sizeof(st.res) / sizeof(st.res[0]))
		st.res[st.nres++] = (struct hist){ res, 1 };
}

static void hexdump(const char *what, const unsigned char *p, size_t len)
{
	size_t i;

	printf("#   %s:", what);
	for (i = 0; i < len; i++)
		printf("%s%02x", i % 16 ? " " : "\n#     ", p[i]);
	printf("\n");
}

static void report(const struct fring *fr, const struct rec *r, int res)
{
	char buf[64];

	st.bad++;
	if (st.bad > MAX_REPORTS)
		return;
	printf("# BAD completion res %s: SQE #%" PRIu64 " to %s on a %s ring\n",
	       res_name(res, buf, sizeof(buf)), r->seq, cls_name[r->cls],
	       fr->kind->name);
	hexdump("sqe", r->bytes, fr->big ? 128 : 64);
	if (r->slot)
		hexdump("indirect command", r->cmd, sizeof(r->cmd));
}

/* ---- the metadata check ---- */

/* Bytes of a slot that are neither its pattern nor, where allowed, 0. */
struct foreign {
	uint64_t n;
	size_t first;
	unsigned char bytes[16];
};

static void md_scan(const struct md_buf *m, size_t from, size_t to,
		    bool zero_ok, struct foreign *f)
{
	const unsigned char *p = (const unsigned char *)m->slot;
	uint64_t pw = 0x0101010101010101ull * m->pat, w;
	size_t i = from;

	while (i < to) {
		/* eight bytes at a time while they are as expected */
		if (!(i & 7) && to - i >= 8) {
			memcpy(&w, p + i, 8);
			if (w == pw || (zero_ok && !w)) {
				i += 8;
				continue;
			}
		}
		if (p[i] != m->pat && (!zero_ok || p[i])) {
			if (!f->n)
				f->first = i;
			if (f->n < sizeof(f->bytes))
				f->bytes[f->n] = p[i];
			f->n++;
		}
		i++;
	}
}

static void md_report(const struct fring *fr, const struct rec *r, int res,
		      const struct foreign *f)
{
	const struct md_buf *m = &r->md;
	char buf[64], hex[sizeof(f->bytes) * 3 + 1] = "";
	size_t i;

	st.md_bad++;
	st.md_foreign += f->n;
	if (st.md_bad > MAX_REPORTS)
		return;
	for (i = 0; i < f->n && i < sizeof(f->bytes); i++)
		snprintf(hex + 3 * i, 4, " %02x", f->bytes[i]);
	printf("# BAD metadata: seed %" PRIu64 ", SQE #%" PRIu64
	       ", form %s%s to %s on a %s ring, opcode 0x%02x, nlb %u, ms %u, metadata_len %u at slot offset %u, res %s, device moves %u: first foreign byte at %+lld from the metadata pointer, %" PRIu64
	       " foreign bytes (pattern 0x%02x%s):%s\n",
	       opt.seed, r->seq, m->form, m->seen ? "" : " (pointer not passed)",
	       cls_name[r->cls], fr->kind->name, m->opcode, m->nlb, m->ms,
	       m->len, m->off, res_name(res, buf, sizeof(buf)), m->keep,
	       (long long)f->first - m->off, f->n, m->pat,
	       m->back ? " or 0 past the move" : "", hex);
}

/*
 * Separate metadata must come back as the device left it and nothing
 * else: before the pointer and past the buffer the slot's pattern; in
 * the buffer past what the device moves (md_arm()) the pattern, or 0
 * where the kernel copies a zeroed bounce buffer back. Anything else is
 * kernel memory (or another command's) disclosed, whatever the result.
 */
static void md_check(const struct fring *fr, struct rec *r, int res)
{
	struct md_buf *m = &r->md;
	size_t a = m->off, b = a + m->keep, e = a + m->len;
	struct foreign f = { 0 };

	if (b > MD_SLOT)
		b = MD_SLOT;
	if (e > MD_SLOT)
		e = MD_SLOT;
	md_scan(m, 0, a, false, &f);
	md_scan(m, b, e, m->back, &f);
	md_scan(m, e, MD_SLOT, false, &f);
	st.md_checked++;
	if (!res && m->keep) {
		st.md_reads++;
		st.md_room += m->keep < m->len;
	}
	if (f.n)
		md_report(fr, r, res, &f);
	md_put(m);
}

static struct rec *find_rec(struct fring *fr, uint64_t seq)
{
	unsigned int i;

	for (i = 0; i < fr->nrecs; i++)
		if (fr->recs[i].seq == seq)
			return &fr->recs[i];
	return NULL;
}

/* ---- the stall watchdog ---- */

/*
 * The hang guard (reap_all()) catches commands that never complete while
 * the fuzzer waits for them. A fuzzer blocked inside a system call or a
 * page fault never gets back to it, and an interruptible sleep is not
 * what the kernel's hung-task detector reports: such a stall would be
 * silent. This thread notices that no SQE was built and no CQE reaped for
 * --stall-ms (90 s; the hang guard's 30 s fire first), prints what each
 * thread of the process is doing (state, wchan, kernel stack where
 * readable), has the kernel log its blocked tasks (sysrq w, as root), and
 * exits 1.
 */
static uint64_t heartbeat_ms;		/* now_ms() of the last progress */
static const char *phase = "setup";	/* what the main thread is doing */
static const char *phase_ring = "no";	/* on which ring kind */

static void beat(const char *what)
{
	__atomic_store_n(&phase, what, __ATOMIC_RELAXED);
	__atomic_store_n(&heartbeat_ms, now_ms(), __ATOMIC_RELEASE);
}

/* Print /proc/self/task/@tid/@name, each line prefixed; or why not. */
static void print_task_file(const char *tid, const char *name)
{
	char path[96], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%s/%s", tid, name);
	f = fopen(path, "r");
	if (!f) {
		printf("#   %s %s: %s\n", tid, name, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		printf("#   %s %s: %s%s", tid, name, line,
		       strchr(line, '\n') ? "" : "\n");
	fclose(f);
}

/* "name (state)" of thread @tid, from its stat: "tid (comm) S ..." */
static void print_task_state(const char *tid)
{
	char path[96], buf[512] = "", *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%s/stat", tid);
	f = fopen(path, "r");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
	}
	p = strrchr(buf, ')');
	if (!p || !p[1] || !p[2])
		printf("#   %s: no state\n", tid);
	else
		printf("#   %.*s state %c\n", (int)(p + 1 - buf), buf, p[2]);
}

static void dump_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		print_task_state(e->d_name);
		print_task_file(e->d_name, "wchan");
		print_task_file(e->d_name, "stack");
	}
	if (d)
		closedir(d);
}

static void *watchdog(void *arg)
{
	int fd;

	for (;;) {
		uint64_t idle;

		sleep(5);
		idle = now_ms() - __atomic_load_n(&heartbeat_ms, __ATOMIC_ACQUIRE);
		if (idle < opt.stall_ms)
			continue;
		printf("# stall: no SQE built and no CQE reaped for %" PRIu64
		       " s; the fuzzer was in %s on a %s ring after SQE #%" PRIu64 "\n",
		       idle / 1000, __atomic_load_n(&phase, __ATOMIC_RELAXED),
		       __atomic_load_n(&phase_ring, __ATOMIC_RELAXED), st.tried);
		dump_threads();
		fd = open("/proc/sysrq-trigger", O_WRONLY);
		if (fd >= 0) {
			if (write(fd, "w", 1) == 1)
				printf("# stall: blocked tasks written to the kernel log (sysrq w)\n");
			close(fd);
		}
		printf("FAIL: stall: no progress for %" PRIu64 " s (seed %" PRIu64 ")\n",
		       idle / 1000, opt.seed);
		fflush(stdout);
		_exit(1);
	}
	return NULL;
}

static void watchdog_start(void)
{
	pthread_t th;

	beat("setup");
	if (pthread_create(&th, NULL, watchdog, NULL))
		die("pthread_create: the stall watchdog");
	pthread_detach(th);
}

static void reap_one(struct fring *fr, const struct io_uring_cqe *cqe)
{
	struct rec *r = find_rec(fr, cqe->user_data);

	st.completions++;
	beat("reaping");
	fr->ncqes++;
	fr->inflight--;
	hist_add(cqe->res);
	if (!r)
		die("CQE for unknown user_data %#llx on a %s ring",
		    (unsigned long long)cqe->user_data, fr->kind->name);
	r->done = true;
	if (!res_ok(cqe->res))
		report(fr, r, cqe->res);
	if (r->md.slot)
		md_check(fr, r, cqe->res);
	if (opt.verbose > 1)
		printf("#   sqe %" PRIu64 " -> %d\n", r->seq, cqe->res);
}

static void submit(struct fring *fr)
{
	int ret = io_uring_submit(&fr->ring);

	if (ret >= 0) {
		st.submitted += ret;
		return;
	}
	st.submit_err++;
	if (opt.verbose)
		printf("# io_uring_submit: %s\n", strerror(-ret));
}

static void __attribute__((noreturn)) hang(const struct fring *fr)
{
	const struct rec *r;
	unsigned int i;

	printf("# hang: %" PRIu64 " of %u commands not completed after %d s on a %s ring of %u entries (SQ ready %u):\n",
	       fr->inflight, fr->nrecs, WAIT_MS / 1000, fr->kind->name,
	       fr->entries, io_uring_sq_ready(&fr->ring));
	printf("# ring: sq khead %u ktail %u dropped %u, cq khead %u ktail %u overflow %u; this ring: %" PRIu64 " SQEs, %" PRIu64 " CQEs\n",
	       *fr->ring.sq.khead, *fr->ring.sq.ktail, *fr->ring.sq.kdropped,
	       *fr->ring.cq.khead, *fr->ring.cq.ktail, *fr->ring.cq.koverflow,
	       fr->nsqes, fr->ncqes);
	for (i = 0; i < fr->nrecs; i++) {
		r = &fr->recs[i];
		printf("# SQE #%" PRIu64 " to %s, %s\n", r->seq,
		       cls_name[r->cls],
		       r->done ? "completed" : "NOT completed");
		if (r->done)
			continue;
		hexdump("sqe", r->bytes, fr->big ? 128 : 64);
		if (r->slot)
			hexdump("indirect command", r->cmd, sizeof(r->cmd));
	}
	die("hang: %" PRIu64 " commands not completed after %d s, SQE #%"
	    PRIu64 "..%" PRIu64, fr->inflight, WAIT_MS / 1000,
	    fr->recs[0].seq, fr->recs[fr->nrecs - 1].seq);
}

/* Wait for every queued SQE's CQE, 30 s at most. */
static void reap_all(struct fring *fr)
{
	uint64_t deadline = now_ms() + WAIT_MS;
	struct io_uring_cqe *cqe;
	struct pollfd pfd = { .fd = fr->ring.ring_fd, .events = POLLIN };

	while (fr->inflight) {
		/* SQPOLL: only a wake-up (the count would be counted twice) */
		if (io_uring_sq_ready(&fr->ring) && fr->sqpoll)
			io_uring_submit(&fr->ring);
		else if (io_uring_sq_ready(&fr->ring))
			submit(fr);
		while (fr->inflight && !io_uring_peek_cqe(&fr->ring, &cqe)) {
			reap_one(fr, cqe);
			io_uring_cqe_seen(&fr->ring, cqe);
		}
		if (!fr->inflight)
			break;
		if (now_ms() > deadline)
			hang(fr);
		if (fr->iopoll)
			io_uring_enter(fr->ring.ring_fd, 0, 0,
				       IORING_ENTER_GETEVENTS, NULL);
		else
			poll(&pfd, 1, 10);
	}
}

/* ---- a ring's life ---- */

static struct kind *pick_kind(void)
{
	unsigned int total = 0, w, i;

	for (i = 0; i < NKINDS; i++)
		total += kinds[i].weight;
	w = below(total);
	for (i = 0; w >= kinds[i].weight; i++)
		w -= kinds[i].weight;
	return &kinds[i];
}

static void ring_register(struct fring *fr)
{
	static const unsigned int sizes[] = { 4096, 65536, 256 << 10, 1 << 20 };
	int fds[NFILES];
	unsigned int i, n = below(5);

	/* --no-fixed: the same draws, no buffer registered */
	if (opt.no_fixed)
		n = 0;
	fr->nbufs = n;
	for (i = 0; i < n; i++) {
		fr->bufs[i].iov_base = pool + i * (POOL_SIZE / 4) +
				       (pct(10) ? 512 : 0);
		fr->bufs[i].iov_len = sizes[below(4)];
	}
	if (n && io_uring_register_buffers(&fr->ring, fr->bufs, n))
		st.reg_fail++;	/* e.g. a buffer past the pool: kept as is */
	fr->nfiles = 0;
	if (pct(30))
		return;
	for (i = 0; i < NFILES; i++) {
		fds[i] = i < C_NONE ? devs[i].fd : -1;
		fr->file_cls[i] = fds[i] >= 0 ? (enum cls)i : C_NONE;
	}
	for (i = NFILES - 1; i > 0; i--) {
		unsigned int j = below(i + 1);
		enum cls tc = fr->file_cls[i];
		int tf = fds[i];

		fr->file_cls[i] = fr->file_cls[j];
		fds[i] = fds[j];
		fr->file_cls[j] = tc;
		fds[j] = tf;
	}
	if (!io_uring_register_files(&fr->ring, fds, NFILES))
		fr->nfiles = NFILES;
}

static void *thread_submit(void *arg)
{
	struct fring *fr = arg;

	fr->thread_ret = io_uring_submit(&fr->ring);
	return NULL;
}

static bool stop_now(void)
{
	if (opt.iterations && st.tried >= opt.iterations)
		return true;
	return !opt.iterations && now_ms() >= opt.seconds * 1000ull;
}

/* One batch: build, sanitize, submit (here or from a thread), reap. */
static bool run_batch(struct fring *fr, unsigned int n, unsigned int mode)
{
	pthread_t th;
	unsigned int i, j;

	fr->nrecs = 0;
	for (i = 0; i < n; i++) {
		struct rec *r = &fr->recs[fr->nrecs];

		memset(r, 0, sizeof(*r));
		r->sqe = io_uring_get_sqe(&fr->ring);
		if (!r->sqe)
			break;
		r->seq = st.tried++;
		fr->nrecs++;
		build_sqe(fr, r);
	}
	for (i = 0; i < fr->nrecs; i++)
		sanitize_sqe(fr, &fr->recs[i]);
	beat(mode == 1 ? "a thread's submit" : "submit");
	fr->inflight += fr->nrecs;
	fr->nsqes += fr->nrecs;
	if (mode == 1 && !pthread_create(&th, NULL, thread_submit, fr)) {
		st.threads++;
		pthread_join(th, NULL);
		if (fr->thread_ret > 0)
			st.submitted += fr->thread_ret;
	} else {
		submit(fr);
	}
	for (i = 0; i < fr->nrecs; i++)
		for (j = 0; j < fr->recs[i].ndoom; j++)
			doom_put(fr->recs[i].doom[j]);
	beat("reap");
	if (mode == 2) {
		st.early_close++;
		st.abandoned += fr->inflight;
		return false;
	}
	reap_all(fr);
	return true;
}

static void run_ring(void)
{
	static const unsigned int ents[] = { 4, 8, 16, 32, 64 };
	struct fring *fr = calloc(1, sizeof(*fr));
	unsigned int len, done = 0, n, mode, i;
	bool clean = true;

	if (!fr)
		die("calloc");
	fr->kind = pick_kind();
	__atomic_store_n(&phase_ring, fr->kind->name, __ATOMIC_RELAXED);
	beat("ring setup");
	fr->entries = ents[below(5)];
	len = 100 + below(GEN_MAX - 100);
	if (io_uring_queue_init(fr->entries, &fr->ring, fr->kind->flags)) {
		fr->kind->failed++;
		free(fr);
		return;
	}
	fr->kind->made++;
	fr->big = fr->kind->flags & IORING_SETUP_SQE128;
	fr->sqpoll = fr->kind->flags & IORING_SETUP_SQPOLL;
	fr->iopoll = (fr->kind->flags & IORING_SETUP_IOPOLL) && !fr->sqpoll;
	ring_register(fr);
	fr->slab = slab_get();
	if (opt.verbose)
		printf("# ring %s, %u entries, %u SQEs from #%" PRIu64 "\n",
		       fr->kind->name, fr->entries, len, st.tried);
	while (done < len && !stop_now()) {
		n = fr->entries < MAX_BATCH ? fr->entries : MAX_BATCH;
		n = 1 + below(n);
		if (opt.iterations && st.tried + n > opt.iterations)
			n = opt.iterations - st.tried;
		mode = below(100);
		mode = mode < 3 ? 1 : mode < 5 && slabs_left() > 2 ? 2 : 0;
		done += n;
		if (!run_batch(fr, n, mode)) {
			clean = false;
			break;
		}
	}
	beat(clean ? "ring exit" : "early ring close");
	io_uring_queue_exit(&fr->ring);
	/* an abandoned ring's commands may still be read: keep its slab */
	if (clean && fr->slab)
		slab_free[nslab_free++] = fr->slab;
	/* and their metadata may still be written */
	for (i = 0; i < fr->nrecs; i++)
		if (fr->recs[i].md.slot)
			md_retire(&fr->recs[i].md);
	free(fr);
}

/* ---- setup: devices, effects, canonical commands ---- */

static int one_cmd(struct io_uring *ring, int fd, uint32_t op,
		   const struct nvme_uring_cmd *c);

/*
 * A setup command on the controller: by the ioctl, or, where that needs
 * CAP_SYS_ADMIN we lack, in upstream's form (an unprivileged user may
 * still identify).
 */
static int admin_ioctl(struct nvme_passthru_cmd64 *c)
{
	int ret = ioctl(devs[C_ADM].fd, NVME_IOCTL_ADMIN64_CMD, c);
	struct nvme_uring_cmd u;
	struct io_uring ring;

	if (ret >= 0)
		return ret;
	ret = -errno;
	if ((ret != -EACCES && ret != -EPERM) ||
	    io_uring_queue_init(4, &ring, BIG))
		return ret;
	memset(&u, 0, sizeof(u));
	u.opcode = c->opcode;
	u.nsid = c->nsid;
	u.addr = c->addr;
	u.data_len = c->data_len;
	u.cdw10 = c->cdw10;
	u.cdw11 = c->cdw11;
	u.cdw12 = c->cdw12;
	u.cdw13 = c->cdw13;
	ret = one_cmd(&ring, devs[C_ADM].fd, NVME_URING_CMD_ADMIN, &u);
	io_uring_queue_exit(&ring);
	return ret;
}

static void identify_ns(struct dev *d)
{
	unsigned char *id = (unsigned char *)pool;
	struct nvme_passthru_cmd64 c = {
		.opcode = ADM_IDENTIFY, .nsid = d->nsid,
		.addr = (uintptr_t)id, .data_len = 4096,
	};
	unsigned int f;

	if (admin_ioctl(&c))
		die("identify namespace %u failed", d->nsid);
	memcpy(&d->nsze, id, 8);
	f = id[26] & 0xf;
	d->ext = id[26] & 0x10;
	d->ms = id[128 + 4 * f] | id[129 + 4 * f] << 8;
	d->lbs = 1u << id[130 + 4 * f];
	if (!d->nsze || d->lbs < 512)
		die("%s: odd identify data", d->path);
}

static void read_effects(void)
{
	struct nvme_passthru_cmd64 c = {
		.opcode = ADM_GET_LOG, .nsid = 0xffffffffu,
		.addr = (uintptr_t)pool, .data_len = 4096,
		.cdw10 = 0x05 | 1023u << 16,
	};

	if (admin_ioctl(&c))
		return;
	memcpy(acs, pool, sizeof(acs));
	memcpy(iocs, pool + 1024, sizeof(iocs));
	have_effects = true;
}

static void open_dev(enum cls k, const char *path, int flags)
{
	struct dev *d = &devs[k];
	int id;

	d->path = path;
	d->fd = open(path, flags);
	if (d->fd < 0) {
		if (errno == ENOENT)
			skip("%s absent", path);
		die("open %s: %s", path, strerror(errno));
	}
	if (k == C_ADM)
		return;
	id = ioctl(d->fd, NVME_IOCTL_ID);
	if (id <= 0)
		die("%s: NVME_IOCTL_ID: %s", path, strerror(errno));
	d->nsid = id;
}

/* No metadata target: say why; its commands go to ng0n1. */
static void md_none(struct dev *d, const char *why)
{
	printf("# no metadata target: %s %s; metadata checks only see buffers the kernel must leave alone\n",
	       MD_NS, why);
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

/*
 * The metadata target: namespace 2 of the default drives (4096-byte LBAs
 * with 8 bytes of separate metadata), read only, as ng0n1 is. Neither
 * ng0n1 nor the scratch has separate metadata, so without it the device
 * would never move metadata the checks could see. Optional: other drives
 * may have no such namespace.
 */
static void open_md(void)
{
	struct dev *d = &devs[C_MD];
	int id;

	d->path = MD_NS;
	d->fd = open(MD_NS, O_RDONLY);
	if (d->fd < 0) {
		md_none(d, strerror(errno));
		return;
	}
	id = ioctl(d->fd, NVME_IOCTL_ID);
	if (id <= 0) {
		md_none(d, "has no namespace ID");
		return;
	}
	d->nsid = id;
	identify_ns(d);
	if (!d->ms || d->ext) {
		md_none(d, "has no separate metadata");
		return;
	}
	d->lo = 0;
	d->hi = d->nsze;
}

static void setup_devs(void)
{
	struct dev *s = &devs[C_SCR];

	open_dev(C_ADM, "/dev/nvme0", O_RDWR);
	open_dev(C_RO, "/dev/ng0n1", O_RDONLY);
	open_dev(C_SCR, opt.ns, O_RDWR);
	identify_ns(&devs[C_RO]);
	identify_ns(s);
	open_md();
	devs[C_RO].lo = 0;
	devs[C_RO].hi = devs[C_RO].nsze;
	s->lo = 0;
	s->hi = s->nsze;
	if (opt.lba_set) {
		if (!opt.lba_count || opt.lba_first >= s->nsze ||
		    opt.lba_count > s->nsze - opt.lba_first)
			die("--lba outside %s (%" PRIu64 " LBAs)", opt.ns,
			    s->nsze);
		s->lo = opt.lba_first;
		s->hi = opt.lba_first + opt.lba_count;
		s->partial = s->lo || s->hi != s->nsze;
	}
	read_effects();
}

/* A command in a read-only page, sanitized for its class. */
static void make_ro_cmd(enum cls k)
{
	struct nvme_passthru_cmd64 c;
	struct nvme_uring_cmd u;

	memset(&c, 0, sizeof(c));
	c.nsid = devs[k].nsid;
	c.addr = (uintptr_t)pool + POOL_SIZE - 16 * PAGE;
	c.data_len = 4096;
	if (k == C_ADM) {
		c.opcode = ADM_IDENTIFY;
		c.cdw10 = 1;
	} else {
		c.opcode = k == C_SCR ? OP_WRITE : OP_READ;
		c.cdw10 = (uint32_t)devs[k].lo;
		c.cdw11 = devs[k].lo >> 32;
		c.data_len = devs[k].lbs;
	}
	memcpy(&u, &c, sizeof(u));
	sanitize_cmd(&u, k, NULL, false, false);
	set_prot(ro_cmd[k], PAGE, PROT_READ | PROT_WRITE);
	memcpy(ro_cmd[k], &c, sizeof(c));
	memcpy(ro_cmd[k], &u, sizeof(u));
	set_prot(ro_cmd[k], PAGE, PROT_READ);
}

static bool have_uring_cmd(void)
{
	struct io_uring_probe *p = io_uring_get_probe();
	bool ok;

	if (!p)
		return false;
	ok = io_uring_opcode_supported(p, IORING_OP_URING_CMD);
	io_uring_free_probe(p);
	return ok;
}

/* Does the kernel take the compact overlay form (a flush on @path)? */
static bool have_overlay(const char *path)
{
	struct nvme_uring_cmd_compact *cc;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	struct io_uring ring;
	int fd = open(path, O_RDONLY), res = -ENOTTY;

	if (fd < 0 || io_uring_queue_init(2, &ring, 0)) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	sqe = io_uring_get_sqe(&ring);
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	cc = (struct nvme_uring_cmd_compact *)&sqe->cmd_op;
	cc->cmd_op = NVME_URING_CMD_IO_COMPACT;
	cc->opcode = 0x00;	/* flush */
	if (io_uring_submit(&ring) == 1 && !io_uring_wait_cqe(&ring, &cqe)) {
		res = cqe->res;
		io_uring_cqe_seen(&ring, cqe);
	}
	io_uring_queue_exit(&ring);
	close(fd);
	return res != -ENOTTY && res != -EOPNOTSUPP && res != -EINVAL;
}

/* ---- the end: the device must still work ---- */

static int one_cmd(struct io_uring *ring, int fd, uint32_t op,
		   const struct nvme_uring_cmd *c)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
	struct io_uring_cqe *cqe;
	uint64_t deadline = now_ms() + WAIT_MS;
	int ret;

	if (!sqe)
		die("sanity: no SQE");
	memset(sqe, 0, 128);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd_op = op;
	memcpy(sqe->cmd, c, sizeof(*c));
	io_uring_submit(ring);
	while ((ret = io_uring_peek_cqe(ring, &cqe))) {
		struct pollfd pfd = { .fd = ring->ring_fd, .events = POLLIN };

		if (now_ms() > deadline)
			die("hang: sanity command %#x not completed", op);
		poll(&pfd, 1, 10);
	}
	ret = cqe->res;
	io_uring_cqe_seen(ring, cqe);
	return ret;
}

static void sanity(void)
{
	struct nvme_uring_cmd c;
	struct io_uring ring;
	int r1, r2;

	if (io_uring_queue_init(4, &ring, BIG))
		die("sanity: no SQE128/CQE32 ring");
	memset(&c, 0, sizeof(c));
	c.opcode = OP_READ;
	c.nsid = devs[C_RO].nsid;
	c.addr = (uintptr_t)pool;
	c.data_len = 8 * devs[C_RO].lbs;
	c.cdw12 = 7;
	r1 = one_cmd(&ring, devs[C_RO].fd, NVME_URING_CMD_IO, &c);
	memset(&c, 0, sizeof(c));
	c.opcode = ADM_IDENTIFY;
	c.addr = (uintptr_t)pool;
	c.data_len = 4096;
	c.cdw10 = 1;
	r2 = one_cmd(&ring, devs[C_ADM].fd, NVME_URING_CMD_ADMIN, &c);
	io_uring_queue_exit(&ring);
	printf("sanity: read of ng0n1 %d, identify on nvme0 %d\n", r1, r2);
	if (r1 || r2)
		die("the device does not work after fuzzing");
}

/* ---- report ---- */

static int cmp_hist(const void *a, const void *b)
{
	const struct hist *x = a, *y = b;

	return (x->res > y->res) - (x->res < y->res);
}

static void print_stats(void)
{
	char buf[64];
	unsigned int i;

	printf("fuzz-uring: seed %" PRIu64 ", %.1f s, scratch %s LBAs %" PRIu64
	       "..%" PRIu64 ", metadata target %s%s\n", opt.seed,
	       now_ms() / 1000.0, opt.ns, devs[C_SCR].lo, devs[C_SCR].hi - 1,
	       devs[C_MD].fd >= 0 ? MD_NS : "none",
	       have_effects ? "" : " (no effects log)");
	printf("SQEs tried %" PRIu64 ", submitted %" PRIu64 ", completions %"
	       PRIu64 ", abandoned in closed rings %" PRIu64
	       ", submit errors %" PRIu64 "\n", st.tried, st.submitted,
	       st.completions, st.abandoned, st.submit_err);
	printf("forms: big %" PRIu64 ", compact %" PRIu64 ", indirect %"
	       PRIu64 ", vec %" PRIu64 ", fixed %" PRIu64 ", odd cmd_op %"
	       PRIu64 "\n", st.big_form, st.compact, st.indirect, st.vec,
	       st.fixed, st.odd_op);
	printf("metadata checked: %" PRIu64 ", foreign bytes: %" PRIu64
	       " (in %" PRIu64 " buffers); reads that moved metadata %" PRIu64
	       ", %" PRIu64 " of them into a longer buffer; no slot free %"
	       PRIu64 ", slots retired %" PRIu64 "\n", st.md_checked,
	       st.md_foreign, st.md_bad, st.md_reads, st.md_room,
	       st.md_noslot, st.md_retired);
	printf("chaos: thread submits %" PRIu64 ", early closes %" PRIu64
	       ", unmapped buffers %" PRIu64 ", buffer registrations failed %"
	       PRIu64 "\n", st.threads, st.early_close, st.doomed,
	       st.reg_fail);
	printf("rings (made/failed):");
	for (i = 0; i < NKINDS; i++)
		printf(" %s %" PRIu64 "/%" PRIu64, kinds[i].name, kinds[i].made,
		       kinds[i].failed);
	printf("\nresults:\n");
	qsort(st.res, st.nres, sizeof(st.res[0]), cmp_hist);
	for (i = 0; i < st.nres; i++) {
		printf("  %-28s %" PRIu64 "%s\n",
		       res_name(st.res[i].res, buf, sizeof(buf)), st.res[i].n,
		       res_ok(st.res[i].res) ? "" : "  <- unexpected");
	}
}

/* ---- main ---- */

static void usage(int rc)
{
	printf("usage: fuzz-uring --seed S --seconds N [--iterations K] [-v]\n"
	       "                  [--ns /dev/ngXnY --lba FIRST:COUNT]\n"
	       "                  [--no-drain] [--need-overlay] [--no-fixed]\n"
	       "                  [--kinds K,...] [--stall-ms MS]\n"
	       "  --ns    scratch namespace (default /dev/ng0n3: all of it);\n"
	       "          another needs --lba, the only LBAs it may write\n"
	       "  --no-drain  never set IOSQE_IO_DRAIN (same SQEs otherwise)\n"
	       "  --need-overlay  skip (77) where the 40-byte overlay forms are absent\n"
	       "  --no-fixed  register no buffers (fixed-buffer SQEs then fail)\n"
	       "  --kinds K,...  only these ring kinds (plain, cqe32, big, sqe128,\n"
	       "          iopoll, iopoll-big, sqpoll, sqpoll-big); to bisect a finding\n"
	       "  --stall-ms MS  no SQE built and no CQE reaped for MS (90000):\n"
	       "          print each thread's state and kernel stack, exit 1\n");
	exit(rc);
}

/* --kinds: weight 0 for every ring kind not named in @list. */
static void only_kinds(const char *list)
{
	unsigned int i, n = 0;

	for (i = 0; i < NKINDS; i++) {
		const char *p = strstr(list, kinds[i].name);
		size_t len = strlen(kinds[i].name);

		while (p && ((p != list && p[-1] != ',') ||
			     (p[len] && p[len] != ',')))
			p = strstr(p + 1, kinds[i].name);
		if (!p)
			kinds[i].weight = 0;
		else
			n++;
	}
	if (!n) {
		fprintf(stderr, "fuzz-uring: --kinds %s names no ring kind\n",
			list);
		exit(2);
	}
}

static void parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", 1, NULL, 's' }, { "seconds", 1, NULL, 't' },
		{ "iterations", 1, NULL, 'i' }, { "ns", 1, NULL, 'n' },
		{ "lba", 1, NULL, 'l' }, { "verbose", 0, NULL, 'v' },
		{ "no-drain", 0, NULL, 'd' }, { "help", 0, NULL, 'h' },
		{ "need-overlay", 0, NULL, 'o' }, { "no-fixed", 0, NULL, 'F' },
		{ "kinds", 1, NULL, 'k' }, { "stall-ms", 1, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	bool ns_set = false;
	int o;

	while ((o = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		switch (o) {
		case 's':
			opt.seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			opt.seconds = strtoul(optarg, NULL, 0);
			break;
		case 'i':
			opt.iterations = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			opt.ns = optarg;
			ns_set = true;
			break;
		case 'l':
			if (sscanf(optarg, "%" SCNu64 ":%" SCNu64,
				   &opt.lba_first, &opt.lba_count) != 2)
				usage(2);
			opt.lba_set = true;
			break;
		case 'd':
			opt.no_drain = true;
			break;
		case 'o':
			opt.need_overlay = true;
			break;
		case 'F':
			opt.no_fixed = true;
			break;
		case 'k':
			only_kinds(optarg);
			break;
		case 'S':
			opt.stall_ms = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			opt.verbose++;
			break;
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (ns_set && strcmp(opt.ns, "/dev/ng0n3") && !opt.lba_set) {
		printf("fuzz-uring: --ns %s needs --lba FIRST:COUNT\n", opt.ns);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	enum cls k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	parse(argc, argv);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!have_uring_cmd())
		skip("io_uring has no IORING_OP_URING_CMD");
	if (opt.need_overlay && !have_overlay("/dev/ng0n1"))
		skip("no 40-byte overlay forms (an upstream kernel): the campaign is for nvme-ucmd's kernel");
	mem_init();
	setup_devs();
	for (k = C_RO; k < C_NONE; k++)
		if (devs[k].fd >= 0)
			make_ro_cmd(k);
	rnd_seed(opt.seed);
	printf("fuzz-uring: seed %" PRIu64 ", %s %" PRIu64 "\n", opt.seed,
	       opt.iterations ? "iterations" : "seconds",
	       opt.iterations ? opt.iterations : opt.seconds);
	watchdog_start();
	while (!stop_now())
		run_ring();
	beat("the sanity check");
	sanity();
	print_stats();
	if (st.md_bad)
		printf("FAIL: %" PRIu64 " metadata buffer(s) with %" PRIu64
		       " foreign byte(s) (seed %" PRIu64 ")\n", st.md_bad,
		       st.md_foreign, opt.seed);
	if (st.bad)
		printf("FAIL: %" PRIu64 " unexpected completion(s) (seed %"
		       PRIu64 ")\n", st.bad, opt.seed);
	return st.bad || st.md_bad;
}
