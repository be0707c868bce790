/* SPDX-License-Identifier: GPL-2.0 */
/* bench's results and latency histogram (unit-tested). */
#ifndef NVME_UCMD_BENCH_H
#define NVME_UCMD_BENCH_H

#include <stdint.h>

#define BENCH_HIST_BUCKETS (60 * 32)

struct bench_hist {
	uint64_t b[BENCH_HIST_BUCKETS];
	uint64_t n, sum, min, max;
};

struct bench_result {
	uint64_t issued, done, errors, elapsed_ns;
	int err;		/* first error: -errno or NVMe status */
	double cpu_user_ns, cpu_sys_ns;
	struct bench_hist lat;
};

void bench_hist_add(struct bench_hist *h, uint64_t ns);
uint64_t bench_hist_pct(const struct bench_hist *h, double pct);

#endif
