// SPDX-License-Identifier: GPL-2.0
/* nvme-ucmd's main(): everything else is in the library the unit tests link. */
#include "cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
