/* SPDX-License-Identifier: GPL-2.0 */
/* The transport's SQE helpers, shared with bench. */
#ifndef NVME_UCMD_XPORT_H
#define NVME_UCMD_XPORT_H

#include <stdbool.h>
#include <liburing.h>

struct nvme_passthru_cmd64;

#define XP_OP_URING_CMD 46	/* IORING_OP_URING_CMD */

bool xp_have_uring_cmd(void);
bool xp_compact_ok(bool admin, const struct nvme_passthru_cmd64 *c);
void xp_prep(struct io_uring_sqe *sqe, int form, int fd, bool admin,
	     struct nvme_passthru_cmd64 *c);

#endif
