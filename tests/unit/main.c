// SPDX-License-Identifier: GPL-2.0
/*
 * CUnit unit-test runner with TAP output.
 *
 * usage: unit-tests [-l] [FILTER]
 *   -l      list the tests and exit
 *   FILTER  run only tests whose "suite/test" name contains FILTER
 * Exit status: 0 all passed, 1 a test failed, 77 nothing ran (skip).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/TestRun.h>

#include "unit.h"

static struct unit_suite *suites;
static unsigned int tap_n, tap_fail, tap_skip;
static char skip_reason[200];	/* set by unit_skip() in the running test */

void unit_skip(const char *reason)
{
	snprintf(skip_reason, sizeof(skip_reason), "%s", reason);
}

void unit_register(struct unit_suite *s)
{
	struct unit_suite **p = &suites;

	/* keep file order stable: append */
	while (*p)
		p = &(*p)->next;
	*p = s;
}

static int wanted(const char *suite, const char *test, const char *filter)
{
	char full[256];

	if (!filter)
		return 1;
	snprintf(full, sizeof(full), "%s/%s", suite, test);
	return strstr(full, filter) != NULL;
}

static void on_complete(const CU_pTest test, const CU_pSuite suite,
			const CU_pFailureRecord fail)
{
	tap_n++;
	if (!fail && skip_reason[0]) {
		tap_skip++;
		printf("ok %u - %s/%s # SKIP %s\n", tap_n, suite->pName,
		       test->pName, skip_reason);
		skip_reason[0] = 0;
		return;
	}
	skip_reason[0] = 0;
	if (!fail) {
		printf("ok %u - %s/%s\n", tap_n, suite->pName, test->pName);
		return;
	}
	tap_fail++;
	printf("not ok %u - %s/%s\n", tap_n, suite->pName, test->pName);
	for (CU_pFailureRecord f = fail; f; f = f->pNext)
		printf("#   %s:%u: %s\n", f->strFileName, f->uiLineNumber,
		       f->strCondition);
}

static void on_suite_init_fail(const CU_pSuite suite)
{
	tap_n++;
	tap_fail++;
	printf("not ok %u - %s (suite set-up failed)\n", tap_n, suite->pName);
}

static unsigned int count(const char *filter, int list)
{
	unsigned int n = 0;

	for (struct unit_suite *s = suites; s; s = s->next)
		for (const struct unit_test *t = s->tests; t->name; t++)
			if (wanted(s->name, t->name, filter)) {
				if (list)
					printf("%s/%s\n", s->name, t->name);
				n++;
			}
	return n;
}

static int add_all(const char *filter)
{
	for (struct unit_suite *s = suites; s; s = s->next) {
		CU_pSuite cs = NULL;

		for (const struct unit_test *t = s->tests; t->name; t++) {
			if (!wanted(s->name, t->name, filter))
				continue;
			if (!cs)
				cs = CU_add_suite(s->name, s->init, s->fini);
			if (!cs || !CU_add_test(cs, t->name, t->fn))
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *filter = NULL;
	unsigned int planned;
	int list = 0;

	if (argc > 1 && !strcmp(argv[1], "-l")) {
		list = 1;
		argc--, argv++;
	}
	if (argc > 1)
		filter = argv[1];
	planned = count(filter, list);
	if (list)
		return 0;
	if (!planned) {
		printf("1..0 # SKIP no unit test matches '%s'\n",
		       filter ? filter : "");
		return 77;
	}
	if (CU_initialize_registry() != CUE_SUCCESS || add_all(filter)) {
		fprintf(stderr, "unit-tests: CUnit set-up failed\n");
		return 1;
	}
	printf("TAP version 13\n1..%u\n", planned);
	fflush(stdout);
	CU_set_test_complete_handler(on_complete);
	CU_set_suite_init_failure_handler(on_suite_init_fail);
	CU_run_all_tests();
	printf("# %u passed, %u failed, %u skipped\n",
	       tap_n - tap_fail - tap_skip, tap_fail, tap_skip);
	CU_cleanup_registry();
	return tap_fail ? 1 : 0;
}
