/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Registration helpers for the CUnit unit tests: each test file declares
 * its suite with UNIT_SUITE() and needs no entry anywhere else.
 */
#ifndef NVME_UCMD_UNIT_H
#define NVME_UCMD_UNIT_H

#include <CUnit/CUnit.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

struct unit_suite {
	const char *name;
	int (*init)(void);
	int (*fini)(void);
	const struct unit_test *tests;
	struct unit_suite *next;
};

void unit_register(struct unit_suite *s);
/* The running test is a TAP skip for @reason (unless it also failed). */
void unit_skip(const char *reason);

#define UNIT_TEST(fn) { #fn, fn }

/* UNIT_SUITE(name, init, fini, { UNIT_TEST(a), UNIT_TEST(b) }) */
#define UNIT_SUITE(sname, sinit, sfini, ...)				\
	static const struct unit_test sname##_tests[] = {		\
		__VA_ARGS__, { 0, 0 } };				\
	static struct unit_suite sname##_suite = {			\
		#sname, sinit, sfini, sname##_tests, 0 };		\
	__attribute__((constructor)) static void sname##_reg(void)	\
	{ unit_register(&sname##_suite); }

#endif
