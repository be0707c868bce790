// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: nvme-ucmd's printers on device-provided data. The
 * input, padded with zeroes or truncated to 4096 bytes, is Identify
 * Controller and Identify Namespace data at once; its first 512 bytes are a
 * SMART log, and the page is an Error Information log of 1..64 entries. It
 * goes through every JSON builder (cli_json_identify() builds the id_ctrl
 * and id_ns objects; they are printed and freed) and
 * every normal-output printer, `identify`'s summary with and without a
 * namespace, the hex dump, and the status and feature names. Each
 * structure sits in a heap block of exactly its size, so a read past its
 * end is an AddressSanitizer report.
 */
#include <endian.h>

#include <linux/nvme_ioctl.h>
#include <nvme/types.h>

#include "cmds.h"
#include "fuzz.h"
#include "print.h"

#define PAGE 4096

/* A heap copy of @len bytes of @page, exactly @len bytes long. */
static void *dup_exact(const uint8_t *page, size_t len)
{
	void *p = malloc(len);

	if (!p)
		abort();
	return memcpy(p, page, len);
}

static void identify(FILE *f, const uint8_t *page)
{
	struct nvme_id_ctrl *c = dup_exact(page, sizeof(*c));
	struct nvme_id_ns *ns = dup_exact(page, sizeof(*ns));
	unsigned int nsid = le32toh(c->nn), lbs, ms;
	char mn[sizeof(c->mn) + 1];
	int ext;

	cli_show_id_ctrl(f, c);
	cli_show_id_ns(f, ns, nsid);
	cli_json_out(f, cli_json_identify("/dev/nvme0", "nvme0", c, NULL, 0));
	cli_json_out(f, cli_json_identify("/dev/ng0n1", "nvme0", c, ns, nsid));
	cli_show_identify(f, "/dev/nvme0", "nvme0", c, NULL, 0);
	cli_show_identify(f, "/dev/ng0n1", "nvme0", c, ns, nsid);
	cli_ns_format(ns, &lbs, &ms, &ext);
	if (lbs < 512 || (lbs & (lbs - 1)))
		abort();	/* cli_ns_format() promises a power of two */
	fprintf(f, "%s\n", cli_trim(mn, c->mn, sizeof(c->mn)));
	free(c);
	free(ns);
}

static void logs(FILE *f, const uint8_t *page)
{
	struct nvme_smart_log *s = dup_exact(page, sizeof(*s));
	int n = 1 + page[PAGE - 1] % (PAGE / sizeof(struct nvme_error_log_page));
	struct nvme_error_log_page *e = dup_exact(page, n * sizeof(*e));

	cli_json_out(f, cli_json_smart_log(s));
	cli_show_smart_log(f, s, "nvme0", page[PAGE - 2] ? 1 : 0xffffffffu);
	cli_json_out(f, cli_json_error_log(e, n));
	cli_show_error_log(f, e, n, "nvme0");
	free(s);
	free(e);
}

/* The command dump of --show-command, names of statuses and features. */
static void names(FILE *f, const uint8_t *page, size_t size)
{
	struct nvme_passthru_cmd64 *cmd = dup_exact(page, sizeof(*cmd));
	uint16_t sf;

	cli_show_command(f, cmd);
	memcpy(&sf, page + 80, sizeof(sf));
	fprintf(f, "%s %s %u\n", cli_status_name(le16toh(sf)),
		cli_feature_name(page[82]), cli_feature_data_len(page[82]));
	cli_hexdump(f, page, size < 256 ? size : 256);
	free(cmd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t page[PAGE];
	FILE *f = fuzz_sink();

	memset(page, 0, sizeof(page));
	memcpy(page, data, size < PAGE ? size : PAGE);
	identify(f, page);
	logs(f, page);
	names(f, page, size);
	return 0;
}
