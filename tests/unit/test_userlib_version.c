// SPDX-License-Identifier: GPL-2.0
/*
 * The library's version: what nvmeu_version() returns, the header's macros
 * and the Makefile's VERSION (ULIB_VERSION_MK, passed by userlib/build.mk)
 * are one version.
 */
#include <stdio.h>
#include <string.h>

#include <nvme-ucmd.h>

#include "unit.h"

static void test_version_agrees(void)
{
	char code[32];

	CU_ASSERT_STRING_EQUAL(nvmeu_version(), NVMEU_VERSION_STRING);
	CU_ASSERT_STRING_EQUAL(nvmeu_version(), ULIB_VERSION_MK);
	snprintf(code, sizeof(code), "%d.%d.%d", NVMEU_VERSION_CODE >> 16,
		 (NVMEU_VERSION_CODE >> 8) & 0xff, NVMEU_VERSION_CODE & 0xff);
	CU_ASSERT_STRING_EQUAL(code, NVMEU_VERSION_STRING);
	CU_ASSERT(NVMEU_VERSION_CODE >= NVMEU_VERSION(0, 2, 0));
}

UNIT_SUITE(userlib_version, NULL, NULL,
	   UNIT_TEST(test_version_agrees))
