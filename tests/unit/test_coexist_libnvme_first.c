// SPDX-License-Identifier: GPL-2.0
/* <libnvme.h> (Debian's 1.3), then <nvme-ucmd.h>: both compile and agree. */
#include <libnvme.h>
#include <nvme-ucmd.h>

#include "coexist.inc"

UNIT_SUITE(coexist_libnvme_first, NULL, NULL,
	   UNIT_TEST(coexist_identify))
