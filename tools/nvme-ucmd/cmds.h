/* SPDX-License-Identifier: GPL-2.0 */
/* The subcommands (one struct cli_cmd each) and their shared helpers. */
#ifndef NVME_UCMD_CMDS_H
#define NVME_UCMD_CMDS_H

#include <linux/nvme_ioctl.h>
#include <nvme/types.h>

#include "cli.h"

extern const struct cli_cmd cmd_identify, cmd_id_ctrl, cmd_id_ns,
	cmd_smart_log, cmd_error_log, cmd_get_log, cmd_get_feature,
	cmd_set_feature, cmd_admin_passthru, cmd_io_passthru, cmd_read,
	cmd_write, cmd_compare, cmd_flush, cmd_write_zeroes, cmd_dsm,
	cmd_list, cmd_bench;

int cli_identify(struct cli_dev *d, uint8_t cns, uint32_t nsid, void *buf);
int cli_get_log(struct cli_dev *d, uint8_t lid, uint32_t nsid, uint64_t lpo,
		uint8_t lsp, bool rae, void *buf, uint32_t len);
const char *cli_feature_name(unsigned int fid);
uint32_t cli_feature_data_len(unsigned int fid);
void cli_show_command(FILE *f, const struct nvme_passthru_cmd64 *c);

#define NSID_ALL 0xffffffffu
#define U8_MAX_ 0xffull
#define U16_MAX_ 0xffffull
#define U32_MAX_ 0xffffffffull

#endif
