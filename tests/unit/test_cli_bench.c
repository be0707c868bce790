// SPDX-License-Identifier: GPL-2.0
/* nvme-ucmd bench's latency histogram: percentiles within its 3% buckets. */
#include <string.h>

#include "bench.h"
#include "unit.h"

static void near(uint64_t got, uint64_t want)
{
	CU_ASSERT(got <= want && got >= want - want / 32 - 1);
}

static void test_hist_uniform(void)
{
	static struct bench_hist h;

	memset(&h, 0, sizeof(h));
	for (uint64_t us = 1; us <= 1000; us++)
		bench_hist_add(&h, us * 1000);
	CU_ASSERT_EQUAL(h.n, 1000);
	CU_ASSERT_EQUAL(h.min, 1000);
	CU_ASSERT_EQUAL(h.max, 1000000);
	near(bench_hist_pct(&h, 50), 500000);
	near(bench_hist_pct(&h, 99), 990000);
	near(bench_hist_pct(&h, 99.9), 999000);
	CU_ASSERT_EQUAL(bench_hist_pct(&h, 100), 1000000);
}

static void test_hist_edges(void)
{
	static struct bench_hist h;

	memset(&h, 0, sizeof(h));
	CU_ASSERT_EQUAL(bench_hist_pct(&h, 50), 0);
	bench_hist_add(&h, 7);
	CU_ASSERT_EQUAL(bench_hist_pct(&h, 50), 7);
	bench_hist_add(&h, UINT64_MAX);
	CU_ASSERT_EQUAL(bench_hist_pct(&h, 100), UINT64_MAX);
	for (int i = 0; i < 98; i++)
		bench_hist_add(&h, 40);
	CU_ASSERT_EQUAL(bench_hist_pct(&h, 50), 40);
}

UNIT_SUITE(cli_bench, NULL, NULL,
	   UNIT_TEST(test_hist_uniform),
	   UNIT_TEST(test_hist_edges))
