// SPDX-License-Identifier: GPL-2.0
/*
 * get-feature, set-feature and the two raw passthrough commands.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nvme-ucmd.h>

#include "cmds.h"
#include "print.h"

struct feature {
	unsigned char fid;
	const char *name;
	uint32_t data_len;	/* bytes of data Get/Set Features moves */
};

static const struct feature features[] = {
	{ 0x01, "Arbitration", 0 },
	{ 0x02, "Power Management", 0 },
	{ 0x03, "LBA Range Type", 4096 },
	{ 0x04, "Temperature Threshold", 0 },
	{ 0x05, "Error Recovery", 0 },
	{ 0x06, "Volatile Write Cache", 0 },
	{ 0x07, "Number of Queues", 0 },
	{ 0x08, "Interrupt Coalescing", 0 },
	{ 0x09, "Interrupt Vector Configuration", 0 },
	{ 0x0a, "Write Atomicity Normal", 0 },
	{ 0x0b, "Async Event Configuration", 0 },
	{ 0x0c, "Autonomous Power State Transition", 256 },
	{ 0x0d, "Host Memory Buffer", 4096 },
	{ 0x0e, "Timestamp", 8 },
	{ 0x0f, "Keep Alive Timer", 0 },
	{ 0x10, "Host Controlled Thermal Management", 0 },
	{ 0x11, "Non-Operational Power State Config", 0 },
	{ 0x12, "Read Recovery Level", 0 },
	{ 0x13, "Predictable Latency Mode Config", 512 },
	{ 0x14, "Predictable Latency Mode Window", 0 },
	{ 0x16, "Host Behavior Support", 512 },
	{ 0x17, "Sanitize", 0 },
	{ 0x18, "Endurance Group Event Configuration", 0 },
	{ 0x19, "I/O Command Set Profile", 0 },
	{ 0x1a, "Spinup Control", 0 },
	{ 0x7d, "Enhanced Controller Metadata", 4096 },
	{ 0x7e, "Controller Metadata", 4096 },
	{ 0x7f, "Namespace Metadata", 4096 },
	{ 0x80, "Software Progress", 0 },
	{ 0x81, "Host Identifier", 8 },
	{ 0x82, "Reservation Notification Mask", 0 },
	{ 0x83, "Reservation Persistence", 0 },
	{ 0x84, "Namespace Write Protection Config", 0 },
};

static const struct feature *find_feature(unsigned int fid)
{
	for (size_t i = 0; i < sizeof(features) / sizeof(features[0]); i++)
		if (features[i].fid == fid)
			return &features[i];
	return NULL;
}

const char *cli_feature_name(unsigned int fid)
{
	const struct feature *f = find_feature(fid);

	if (f)
		return f->name;
	return fid >= 0xc0 ? "Vendor Specific" : "Unknown";
}

uint32_t cli_feature_data_len(unsigned int fid)
{
	const struct feature *f = find_feature(fid);

	return f ? f->data_len : 0;
}

static const char *const sel_names[] = {
	"Current", "Default", "Saved", "Supported capabilities",
};

/* Namespace defaults as nvme-cli's: the node's own, else all (0xffffffff). */
static uint32_t default_nsid(const struct cli_dev *d, uint64_t given)
{
	if (given)
		return (uint32_t)given;
	return d->nsid ? d->nsid : NSID_ALL;
}

/* ---- get-feature ---- */

struct get_feat_cfg {
	uint64_t fid, nsid, sel, data_len, cdw11, uuid;
	bool raw, human;
};

static const struct cli_opt get_feat_opts[] = {
	{ .name = "feature-id", .short_name = 'f', .type = OPT_NUM,
	  .off = offsetof(struct get_feat_cfg, fid), .min = 1, .max = 0xff,
	  .flags = OPT_REQUIRED, .help = "feature identifier" },
	O_NUM("namespace-id", 'n', struct get_feat_cfg, nsid, 1, U32_MAX_,
	      "namespace (default: the device's, or 0xffffffff)"),
	O_NUM("sel", 's', struct get_feat_cfg, sel, 0, 3,
	      "0 current, 1 default, 2 saved, 3 supported capabilities"),
	O_SIZE("data-len", 'l', struct get_feat_cfg, data_len, 0, 1 << 20,
	       "data buffer length (default: what the feature returns)"),
	O_NUM("cdw11", 'c', struct get_feat_cfg, cdw11, 0, U32_MAX_,
	      "feature specific dword 11"),
	O_NUM("uuid-index", 'U', struct get_feat_cfg, uuid, 0, 0x7f,
	      "UUID index"),
	O_FLAG("raw-binary", 'b', struct get_feat_cfg, raw,
	       "print the data buffer in binary"),
	O_FLAG("human-readable", 'H', struct get_feat_cfg, human,
	       "accepted for nvme-cli compatibility"),
	O_END
};

static int run_get_feature(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	struct get_feat_cfg *cf = cfg;
	uint32_t len = cf->data_len ? (uint32_t)cf->data_len :
		       cli_feature_data_len((unsigned int)cf->fid);
	void *buf = len ? cli_alloc(len) : NULL;
	struct nvme_passthru_cmd64 c;
	int ret = nvmeu_cmd_get_features(&c, default_nsid(d, cf->nsid),
					 (uint8_t)cf->fid, (uint8_t)cf->sel,
					 (uint32_t)cf->cdw11, buf, len);

	c.cdw14 = (uint32_t)cf->uuid;
	if (!ret)
		ret = cli_admin(d, &c);
	if (ret) {
		ret = cli_cmd_err(d, "get-feature", ret);
	} else if (co->fmt == FMT_JSON) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "feature_id", json_object_new_int((int)cf->fid));
		json_object_object_add(o, "feature_name", json_object_new_string(
				       cli_feature_name((unsigned int)cf->fid)));
		json_object_object_add(o, "sel", json_object_new_string(sel_names[cf->sel]));
		json_object_object_add(o, "value", json_object_new_uint64(c.result & 0xffffffff));
		cli_json_out(stdout, o);
	} else if (cf->raw || co->fmt == FMT_BINARY) {
		ret = cli_write_out(NULL, buf, len) ? 1 : 0;
	} else {
		printf("get-feature:%#04x (%s), %s value:%#010x\n",
		       (unsigned int)cf->fid, cli_feature_name((unsigned int)cf->fid),
		       sel_names[cf->sel], (unsigned int)c.result);
		if (len)
			cli_hexdump(stdout, buf, len);
	}
	free(buf);
	return ret;
}

const struct cli_cmd cmd_get_feature = {
	.name = "get-feature",
	.summary = "Get a feature's value (Get Features)",
	.desc = "Prints nvme-cli's line, e.g. 'get-feature:0x07 (Number of "
		"Queues), Current value:0x003f003f', then the data buffer of "
		"features that have one. -o json gives feature_id, feature_name, "
		"sel and value.",
	.opts = get_feat_opts,
	.cfg_size = sizeof(struct get_feat_cfg),
	.flags = CMD_DEV | CMD_OUTPUT,
	.run = run_get_feature,
};

/* ---- set-feature ---- */

struct set_feat_cfg {
	uint64_t fid, nsid, value, cdw12, uuid, data_len;
	const char *data;
	bool save;
};

static const struct cli_opt set_feat_opts[] = {
	{ .name = "feature-id", .short_name = 'f', .type = OPT_NUM,
	  .off = offsetof(struct set_feat_cfg, fid), .min = 1, .max = 0xff,
	  .flags = OPT_REQUIRED, .help = "feature identifier" },
	O_NUM("namespace-id", 'n', struct set_feat_cfg, nsid, 1, U32_MAX_,
	      "namespace (default: the device's, or 0xffffffff)"),
	O_NUM("value", 'v', struct set_feat_cfg, value, 0, U32_MAX_,
	      "new value (command dword 11)"),
	O_NUM("cdw12", 'c', struct set_feat_cfg, cdw12, 0, U32_MAX_,
	      "feature specific dword 12"),
	O_NUM("uuid-index", 'U', struct set_feat_cfg, uuid, 0, 0x7f, "UUID index"),
	O_SIZE("data-len", 'l', struct set_feat_cfg, data_len, 0, 1 << 20,
	       "data buffer length"),
	O_STR("data", 'd', struct set_feat_cfg, data,
	      "file with the data buffer ('-' for stdin)"),
	O_FLAG("save", 's', struct set_feat_cfg, save,
	       "keep the value across power cycles"),
	O_END
};

static int run_set_feature(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	struct set_feat_cfg *cf = cfg;
	uint32_t len = cf->data_len ? (uint32_t)cf->data_len :
		       cf->data ? cli_feature_data_len((unsigned int)cf->fid) : 0;
	void *buf = len ? cli_alloc(len) : NULL;
	struct nvme_passthru_cmd64 c;
	int ret = nvmeu_cmd_set_features(&c, default_nsid(d, cf->nsid),
					 (uint8_t)cf->fid, cf->save,
					 (uint32_t)cf->value,
					 (uint32_t)cf->cdw12, buf, len);

	if (ret) {
		free(buf);
		return cli_cmd_err(d, "set-feature", ret);
	}
	c.cdw14 = (uint32_t)cf->uuid;
	if (len && cf->data) {
		ret = cli_read_file(cf->data, buf, len);
		if (ret < 0) {
			cli_err("%s: %s", cf->data, strerror(-ret));
			free(buf);
			return 1;
		}
	}
	ret = cli_admin(d, &c);
	if (ret) {
		ret = cli_cmd_err(d, "set-feature", ret);
	} else if (co->fmt == FMT_JSON) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "feature_id", json_object_new_int((int)cf->fid));
		json_object_object_add(o, "feature_name", json_object_new_string(
				       cli_feature_name((unsigned int)cf->fid)));
		json_object_object_add(o, "value", json_object_new_uint64(cf->value));
		json_object_object_add(o, "cdw12", json_object_new_uint64(cf->cdw12));
		json_object_object_add(o, "save", json_object_new_boolean(cf->save));
		json_object_object_add(o, "result", json_object_new_uint64(c.result & 0xffffffff));
		cli_json_out(stdout, o);
	} else {
		printf("set-feature:%#04x (%s), value:%#010x, cdw12:%#010x, save:%d\n",
		       (unsigned int)cf->fid, cli_feature_name((unsigned int)cf->fid),
		       (unsigned int)cf->value, (unsigned int)cf->cdw12, cf->save);
	}
	free(buf);
	return ret;
}

const struct cli_cmd cmd_set_feature = {
	.name = "set-feature",
	.summary = "Set a feature's value (Set Features)",
	.opts = set_feat_opts,
	.cfg_size = sizeof(struct set_feat_cfg),
	.flags = CMD_DEV | CMD_OUTPUT,
	.run = run_set_feature,
};

/* ---- admin-passthru, io-passthru ---- */

struct passthru_cfg {
	uint64_t opcode, flags, rsvd, nsid, data_len, metadata_len, timeout;
	uint64_t cdw2, cdw3, cdw10, cdw11, cdw12, cdw13, cdw14, cdw15, prefill;
	const char *input, *metadata;
	bool raw, show, dry, read, write;
};

#define PT(l, s, f, lo, hi, h) O_NUM(l, s, struct passthru_cfg, f, lo, hi, h)
static const struct cli_opt passthru_opts[] = {
	{ .name = "opcode", .short_name = 'O', .type = OPT_NUM,
	  .off = offsetof(struct passthru_cfg, opcode), .max = 0xff,
	  .flags = OPT_REQUIRED, .help = "opcode" },
	PT("flags", 'f', flags, 0, 0xff, "command flags (must be 0 for uring_cmd)"),
	PT("rsvd", 'R', rsvd, 0, 0xffff, "reserved field"),
	PT("namespace-id", 'n', nsid, 0, U32_MAX_, "namespace id"),
	O_SIZE("data-len", 'l', struct passthru_cfg, data_len, 0, 1u << 31,
	       "data buffer length in bytes"),
	O_SIZE("metadata-len", 'm', struct passthru_cfg, metadata_len, 0, 1u << 31,
	       "metadata buffer length in bytes"),
	PT("timeout", 't', timeout, 0, U32_MAX_, "timeout in ms (0: the default)"),
	PT("cdw2", '2', cdw2, 0, U32_MAX_, "command dword 2"),
	PT("cdw3", '3', cdw3, 0, U32_MAX_, "command dword 3"),
	PT("cdw10", '4', cdw10, 0, U32_MAX_, "command dword 10"),
	PT("cdw11", '5', cdw11, 0, U32_MAX_, "command dword 11"),
	PT("cdw12", '6', cdw12, 0, U32_MAX_, "command dword 12"),
	PT("cdw13", '7', cdw13, 0, U32_MAX_, "command dword 13"),
	PT("cdw14", '8', cdw14, 0, U32_MAX_, "command dword 14"),
	PT("cdw15", '9', cdw15, 0, U32_MAX_, "command dword 15"),
	PT("prefill", 'p', prefill, 0, 0xff, "byte to fill the buffers with"),
	O_STR("input-file", 'i', struct passthru_cfg, input,
	      "data to write (default stdin with --write)"),
	O_STR("metadata", 'M', struct passthru_cfg, metadata,
	      "metadata file: read from it for --write, written to for --read"),
	O_FLAG("raw-binary", 'b', struct passthru_cfg, raw,
	       "print the data read in binary"),
	O_FLAG("show-command", 's', struct passthru_cfg, show,
	       "print the command before sending it"),
	O_FLAG("dry-run", 'd', struct passthru_cfg, dry, "do not send the command"),
	O_FLAG("read", 'r', struct passthru_cfg, read, "the command reads data"),
	O_FLAG("write", 'w', struct passthru_cfg, write, "the command writes data"),
	O_END
};

void cli_show_command(FILE *f, const struct nvme_passthru_cmd64 *c)
{
	fprintf(f, "opcode       : %#04x\n", c->opcode);
	fprintf(f, "flags        : %#04x\n", c->flags);
	fprintf(f, "rsvd1        : %#06x\n", c->rsvd1);
	fprintf(f, "nsid         : %#010x\n", c->nsid);
	fprintf(f, "cdw2         : %#010x\n", c->cdw2);
	fprintf(f, "cdw3         : %#010x\n", c->cdw3);
	fprintf(f, "data_len     : %#010x\n", c->data_len);
	fprintf(f, "metadata_len : %#010x\n", c->metadata_len);
	fprintf(f, "addr         : %#llx\n", (unsigned long long)c->addr);
	fprintf(f, "metadata     : %#llx\n", (unsigned long long)c->metadata);
	fprintf(f, "cdw10        : %#010x\n", c->cdw10);
	fprintf(f, "cdw11        : %#010x\n", c->cdw11);
	fprintf(f, "cdw12        : %#010x\n", c->cdw12);
	fprintf(f, "cdw13        : %#010x\n", c->cdw13);
	fprintf(f, "cdw14        : %#010x\n", c->cdw14);
	fprintf(f, "cdw15        : %#010x\n", c->cdw15);
	fprintf(f, "timeout_ms   : %#010x\n", c->timeout_ms);
}

static int passthru_result(struct cli_dev *d, struct cli_common *co,
			   struct passthru_cfg *cf, struct nvme_passthru_cmd64 *c,
			   void *data, void *meta)
{
	if (co->fmt == FMT_JSON) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "result", json_object_new_uint64(c->result));
		json_object_object_add(o, "status", json_object_new_int(0));
		cli_json_out(stdout, o);
		return 0;
	}
	if (cf->read && meta && cf->metadata &&
	    cli_write_out(cf->metadata, meta, c->metadata_len))
		return cli_cmd_err(d, cf->metadata, -errno);
	if (cf->read && data && (cf->raw || co->fmt == FMT_BINARY))
		return cli_write_out(NULL, data, c->data_len) ? 1 : 0;
	printf("NVMe command result:%08llx\n", (unsigned long long)c->result);
	if (cf->read && data)
		cli_hexdump(stdout, data, c->data_len);
	return 0;
}

static int run_passthru(struct cli_dev *d, struct cli_common *co, void *cfg,
			bool admin)
{
	struct passthru_cfg *cf = cfg;
	void *data = NULL, *meta = NULL;
	struct nvme_passthru_cmd64 c = {
		.opcode = (uint8_t)cf->opcode, .flags = (uint8_t)cf->flags,
		.rsvd1 = (uint16_t)cf->rsvd, .nsid = (uint32_t)cf->nsid,
		.cdw2 = (uint32_t)cf->cdw2, .cdw3 = (uint32_t)cf->cdw3,
		.cdw10 = (uint32_t)cf->cdw10, .cdw11 = (uint32_t)cf->cdw11,
		.cdw12 = (uint32_t)cf->cdw12, .cdw13 = (uint32_t)cf->cdw13,
		.cdw14 = (uint32_t)cf->cdw14, .cdw15 = (uint32_t)cf->cdw15,
		.data_len = (uint32_t)cf->data_len,
		.metadata_len = (uint32_t)cf->metadata_len,
		.timeout_ms = (uint32_t)cf->timeout,
	};
	int ret = 0;

	if (cf->read && cf->write) {
		cli_err("%s-passthru: --read and --write exclude each other",
			admin ? "admin" : "io");
		return 2;
	}
	if (c.data_len) {
		data = cli_alloc(c.data_len);
		if (!data)
			return cli_cmd_err(d, "passthru", -ENOMEM);
		memset(data, (int)cf->prefill, c.data_len);
		c.addr = (uintptr_t)data;
	}
	if (c.metadata_len) {
		meta = cli_alloc(c.metadata_len);
		if (!meta) {
			free(data);
			return cli_cmd_err(d, "passthru", -ENOMEM);
		}
		memset(meta, (int)cf->prefill, c.metadata_len);
		c.metadata = (uintptr_t)meta;
	}
	if (cf->write && data)
		ret = cli_read_file(cf->input, data, c.data_len);
	if (ret >= 0 && cf->write && meta && cf->metadata)
		ret = cli_read_file(cf->metadata, meta, c.metadata_len);
	if (ret < 0) {
		cli_err("%s: %s", cf->input ? cf->input : "stdin", strerror(-ret));
		ret = 1;
		goto out;
	}
	if (cf->show || cf->dry)
		cli_show_command(stdout, &c);
	if (cf->dry) {
		ret = 0;
		goto out;
	}
	ret = admin ? cli_admin(d, &c) : cli_io(d, &c);
	if (ret)
		ret = cli_cmd_err(d, admin ? "admin-passthru" : "io-passthru", ret);
	else
		ret = passthru_result(d, co, cf, &c, data, meta);
out:
	free(data);
	free(meta);
	return ret;
}

static int run_admin_passthru(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	return run_passthru(d, co, cfg, true);
}

static int run_io_passthru(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	return run_passthru(d, co, cfg, false);
}

const struct cli_cmd cmd_admin_passthru = {
	.name = "admin-passthru",
	.summary = "Send any admin command",
	.desc = "The command is given dword by dword, as nvme-cli's. Prints the "
		"CQE result ('NVMe command result:XXXXXXXX') and, with --read, "
		"a hex dump of the data (or the raw bytes with -b).",
	.opts = passthru_opts,
	.cfg_size = sizeof(struct passthru_cfg),
	.flags = CMD_DEV | CMD_OUTPUT,
	.run = run_admin_passthru,
};

const struct cli_cmd cmd_io_passthru = {
	.name = "io-passthru",
	.summary = "Send any I/O command",
	.desc = "Like admin-passthru, on the I/O queues of a namespace node.",
	.opts = passthru_opts,
	.cfg_size = sizeof(struct passthru_cfg),
	.flags = CMD_DEV | CMD_OUTPUT | CMD_NS,
	.run = run_io_passthru,
};
