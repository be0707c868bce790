/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the host libFuzzer targets (tests/fuzz-host/fuzz_*.c):
 * the entry point's prototype, a reader that takes bytes from the front of
 * the input (zeroes once it runs out), and a sink for the printers' output.
 */
#ifndef NVME_UCMD_FUZZ_H
#define NVME_UCMD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_in {
	const uint8_t *p;
	size_t n;
};

/* Copy @len bytes out of the input; what is missing reads as zero. */
static inline void fuzz_take(struct fuzz_in *in, void *dst, size_t len)
{
	size_t k = in->n < len ? in->n : len;

	memcpy(dst, in->p, k);
	memset((uint8_t *)dst + k, 0, len - k);
	in->p += k;
	in->n -= k;
}

/* Where the printers write: /dev/null, opened once (stdout if it fails). */
static inline FILE *fuzz_sink(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	return f ? f : stdout;
}

#endif
