/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Printers: for each structure nvme-cli prints, a JSON builder (nvme-cli
 * 2.3's keys and value types) and a human-readable printer.
 */
#ifndef NVME_UCMD_PRINT_H
#define NVME_UCMD_PRINT_H

#include <stdio.h>
#include <json-c/json.h>
#include <nvme/types.h>

struct json_object *cli_json_id_ctrl(const struct nvme_id_ctrl *c);
struct json_object *cli_json_id_ns(const struct nvme_id_ns *ns);
struct json_object *cli_json_smart_log(const struct nvme_smart_log *s);
struct json_object *cli_json_error_log(const struct nvme_error_log_page *e,
				       int n);

void cli_show_id_ctrl(FILE *f, const struct nvme_id_ctrl *c);
void cli_show_id_ns(FILE *f, const struct nvme_id_ns *ns, unsigned int nsid);
void cli_show_smart_log(FILE *f, const struct nvme_smart_log *s,
			const char *dev, unsigned int nsid);
void cli_show_error_log(FILE *f, const struct nvme_error_log_page *e, int n,
			const char *dev);
void cli_show_identify(FILE *f, const char *path, const char *ctrl,
		       const struct nvme_id_ctrl *c,
		       const struct nvme_id_ns *ns, unsigned int nsid);
struct json_object *cli_json_identify(const char *path, const char *ctrl,
				      const struct nvme_id_ctrl *c,
				      const struct nvme_id_ns *ns,
				      unsigned int nsid);

/* The namespace's current LBA format: data size, metadata size, extended. */
void cli_ns_format(const struct nvme_id_ns *ns, unsigned int *lbs,
		   unsigned int *ms, int *extended);

void cli_json_out(FILE *f, struct json_object *o);
char *cli_trim(char *dst, const char *src, size_t n);

#endif
