// SPDX-License-Identifier: GPL-2.0
/* <nvme-ucmd.h>, then <libnvme.h> (Debian's 1.3): both compile and agree. */
#include <nvme-ucmd.h>
#include <libnvme.h>

#include "coexist.inc"

UNIT_SUITE(coexist_ucmd_first, NULL, NULL,
	   UNIT_TEST(coexist_identify))
