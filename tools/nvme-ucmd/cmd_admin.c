// SPDX-License-Identifier: GPL-2.0
/*
 * Admin commands: identify, id-ctrl, id-ns, smart-log, error-log, get-log.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <nvme-ucmd.h>

#include "cmds.h"
#include "print.h"

int cli_identify(struct cli_dev *d, uint8_t cns, uint32_t nsid, void *buf)
{
	struct nvme_passthru_cmd64 c;
	int ret = nvmeu_cmd_identify(&c, cns, nsid, buf);

	return ret ? ret : cli_admin(d, &c);
}

/* Get Log Page, in pieces of at most 64 KiB (under any sane MDTS). */
int cli_get_log(struct cli_dev *d, uint8_t lid, uint32_t nsid, uint64_t lpo,
		uint8_t lsp, bool rae, void *buf, uint32_t len)
{
	uint32_t done = 0;

	while (done < len) {
		uint32_t n = len - done > 65536 ? 65536 : len - done;
		struct nvme_passthru_cmd64 c;
		int ret = nvmeu_cmd_get_log(&c, nsid, lid, lsp,
					    rae || done + n < len, lpo + done,
					    (uint8_t *)buf + done, n);

		if (!ret)
			ret = cli_admin(d, &c);
		if (ret)
			return ret;
		done += n;
	}
	return 0;
}

/* Print @buf in the format asked for; JSON comes from @json. */
static int emit(struct cli_common *co, bool raw, const void *buf, size_t len,
		struct json_object *json, void (*show)(const void *, void *),
		void *arg)
{
	if (raw || co->fmt == FMT_BINARY) {
		if (json)
			json_object_put(json);
		return cli_write_out(NULL, buf, len) ? 1 : 0;
	}
	if (co->fmt == FMT_JSON) {
		cli_json_out(stdout, json);
		return 0;
	}
	if (json)
		json_object_put(json);
	show(buf, arg);
	return 0;
}

/* ---- identify ---- */

struct identify_cfg {
	uint64_t nsid;
};

static const struct cli_opt identify_opts[] = {
	O_NUM("namespace-id", 'n', struct identify_cfg, nsid, 1, U32_MAX_ - 1,
	      "namespace to describe (default: the device's)"),
	O_END
};

static int run_identify(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	struct identify_cfg *cf = cfg;
	struct nvme_id_ctrl *c = cli_alloc(sizeof(*c));
	struct nvme_id_ns *ns = NULL;
	uint32_t nsid = cf->nsid ? (uint32_t)cf->nsid : d->nsid;
	int ret;

	ret = cli_identify(d, NVME_IDENTIFY_CNS_CTRL, 0, c);
	if (ret) {
		ret = cli_cmd_err(d, "identify controller", ret);
		goto out;
	}
	if (nsid) {
		ns = cli_alloc(sizeof(*ns));
		ret = cli_identify(d, NVME_IDENTIFY_CNS_NS, nsid, ns);
		if (ret) {
			ret = cli_cmd_err(d, "identify namespace", ret);
			goto out;
		}
	}
	if (co->fmt == FMT_JSON) {
		cli_json_out(stdout, cli_json_identify(d->path, d->ctrl, c, ns, nsid));
	} else if (co->fmt == FMT_BINARY) {
		ret = cli_write_out(NULL, c, sizeof(*c)) ||
		      (ns && cli_write_out(NULL, ns, sizeof(*ns)));
	} else {
		cli_show_identify(stdout, d->path, d->ctrl, c, ns, nsid);
		if (d->verbose)
			printf("  command form   %s\n", cli_form_names[d->used_form]);
	}
out:
	free(c);
	free(ns);
	return ret;
}

const struct cli_cmd cmd_identify = {
	.name = "identify",
	.summary = "Summarise the controller and namespace behind a device",
	.desc = "For a namespace node (/dev/ngXnY): the controller's model, serial, "
		"firmware, version and limits, then the namespace's size and LBA "
		"format. For a controller node (/dev/nvmeX): the controller only. "
		"-o json gives the full Identify structures under id_ctrl and id_ns "
		"with nvme-cli's keys.",
	.opts = identify_opts,
	.cfg_size = sizeof(struct identify_cfg),
	.flags = CMD_DEV | CMD_OUTPUT,
	.run = run_identify,
};

/* ---- id-ctrl ---- */

struct id_ctrl_cfg {
	bool raw;
};

static const struct cli_opt id_ctrl_opts[] = {
	O_FLAG("raw-binary", 'b', struct id_ctrl_cfg, raw, "print the raw 4096 bytes"),
	O_END
};

static void show_ctrl(const void *buf, void *arg)
{
	cli_show_id_ctrl(stdout, buf);
}

static int run_id_ctrl(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	struct id_ctrl_cfg *cf = cfg;
	struct nvme_id_ctrl *c = cli_alloc(sizeof(*c));
	int ret = cli_identify(d, NVME_IDENTIFY_CNS_CTRL, 0, c);

	if (ret)
		ret = cli_cmd_err(d, "identify controller", ret);
	else
		ret = emit(co, cf->raw, c, sizeof(*c),
			   co->fmt == FMT_JSON ? cli_json_id_ctrl(c) : NULL,
			   show_ctrl, NULL);
	free(c);
	return ret;
}

const struct cli_cmd cmd_id_ctrl = {
	.name = "id-ctrl",
	.summary = "Send Identify Controller and print the result",
	.desc = "Works on a controller node or on any namespace node of the "
		"controller. JSON keys and value types are nvme-cli's.",
	.opts = id_ctrl_opts,
	.cfg_size = sizeof(struct id_ctrl_cfg),
	.flags = CMD_DEV | CMD_OUTPUT,
	.run = run_id_ctrl,
};

/* ---- id-ns ---- */

struct id_ns_cfg {
	uint64_t nsid;
	bool raw;
	bool force;
};

static const struct cli_opt id_ns_opts[] = {
	O_NUM("namespace-id", 'n', struct id_ns_cfg, nsid, 1, U32_MAX_,
	      "namespace to identify (default: the device's)"),
	O_FLAG("force", 0, struct id_ns_cfg, force,
	       "identify an allocated but inactive namespace (CNS 0x11)"),
	O_FLAG("raw-binary", 'b', struct id_ns_cfg, raw, "print the raw 4096 bytes"),
	O_END
};

static void show_ns(const void *buf, void *arg)
{
	cli_show_id_ns(stdout, buf, *(unsigned int *)arg);
}

static int run_id_ns(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	struct id_ns_cfg *cf = cfg;
	unsigned int nsid = cf->nsid ? (unsigned int)cf->nsid : d->nsid;
	struct nvme_id_ns *ns;
	int ret;

	if (!nsid) {
		cli_err("%s: id-ns: a controller node needs --namespace-id", d->path);
		return 2;
	}
	ns = cli_alloc(sizeof(*ns));
	ret = cli_identify(d, cf->force ? NVME_IDENTIFY_CNS_ALLOCATED_NS :
			   NVME_IDENTIFY_CNS_NS, nsid, ns);
	if (ret)
		ret = cli_cmd_err(d, "identify namespace", ret);
	else
		ret = emit(co, cf->raw, ns, sizeof(*ns),
			   co->fmt == FMT_JSON ? cli_json_id_ns(ns) : NULL,
			   show_ns, &nsid);
	free(ns);
	return ret;
}

const struct cli_cmd cmd_id_ns = {
	.name = "id-ns",
	.summary = "Send Identify Namespace and print the result",
	.desc = "The namespace is the device's own, or --namespace-id's (needed "
		"on a controller node). JSON keys and value types are nvme-cli's.",
	.opts = id_ns_opts,
	.cfg_size = sizeof(struct id_ns_cfg),
	.flags = CMD_DEV | CMD_OUTPUT,
	.run = run_id_ns,
};

/* ---- smart-log ---- */

struct smart_cfg {
	uint64_t nsid;
	bool raw;
};

static const struct cli_opt smart_opts[] = {
	O_NUM("namespace-id", 'n', struct smart_cfg, nsid, 1, U32_MAX_,
	      "namespace of the log (default 0xffffffff: the controller)"),
	O_FLAG("raw-binary", 'b', struct smart_cfg, raw, "print the raw 512 bytes"),
	O_END
};

static void smart_defaults(void *cfg)
{
	((struct smart_cfg *)cfg)->nsid = NSID_ALL;
}

struct show_arg {
	const char *name;
	unsigned int n;
};

static void show_smart(const void *buf, void *arg)
{
	struct show_arg *a = arg;

	cli_show_smart_log(stdout, buf, a->name, a->n);
}

static int run_smart_log(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	struct smart_cfg *cf = cfg;
	struct nvme_smart_log *s = cli_alloc(sizeof(*s));
	struct show_arg a = { d->ctrl, (unsigned int)cf->nsid };
	int ret = cli_get_log(d, NVME_LOG_LID_SMART, (uint32_t)cf->nsid, 0, 0,
			      false, s, sizeof(*s));

	if (ret)
		ret = cli_cmd_err(d, "smart-log", ret);
	else
		ret = emit(co, cf->raw, s, sizeof(*s),
			   co->fmt == FMT_JSON ? cli_json_smart_log(s) : NULL,
			   show_smart, &a);
	free(s);
	return ret;
}

const struct cli_cmd cmd_smart_log = {
	.name = "smart-log",
	.summary = "Get the SMART / Health Information log page",
	.desc = "Temperatures are in Kelvin in JSON (as nvme-cli prints them); "
		"the 128-bit counters are decimal strings.",
	.opts = smart_opts,
	.cfg_size = sizeof(struct smart_cfg),
	.defaults = smart_defaults,
	.flags = CMD_DEV | CMD_OUTPUT,
	.run = run_smart_log,
};

/* ---- error-log ---- */

struct errlog_cfg {
	uint64_t entries;
	bool raw;
};

static const struct cli_opt errlog_opts[] = {
	O_NUM("log-entries", 'e', struct errlog_cfg, entries, 1, 4096,
	      "number of entries to read (default 64, at most ELPE+1)"),
	O_FLAG("raw-binary", 'b', struct errlog_cfg, raw, "print the raw log"),
	O_END
};

static void errlog_defaults(void *cfg)
{
	((struct errlog_cfg *)cfg)->entries = 64;
}

static void show_errlog(const void *buf, void *arg)
{
	struct show_arg *a = arg;

	cli_show_error_log(stdout, buf, (int)a->n, a->name);
}

static int run_error_log(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	struct errlog_cfg *cf = cfg;
	struct nvme_id_ctrl *c = cli_alloc(sizeof(*c));
	struct nvme_error_log_page *e = NULL;
	struct show_arg a = { d->ctrl, (unsigned int)cf->entries };
	int ret = cli_identify(d, NVME_IDENTIFY_CNS_CTRL, 0, c);

	if (ret) {
		ret = cli_cmd_err(d, "identify controller", ret);
		goto out;
	}
	if (a.n > (unsigned int)c->elpe + 1)
		a.n = c->elpe + 1u;
	e = cli_alloc(a.n * sizeof(*e));
	ret = cli_get_log(d, NVME_LOG_LID_ERROR, NSID_ALL, 0, 0, false, e,
			  a.n * (uint32_t)sizeof(*e));
	if (ret)
		ret = cli_cmd_err(d, "error-log", ret);
	else
		ret = emit(co, cf->raw, e, a.n * sizeof(*e), co->fmt == FMT_JSON ?
			   cli_json_error_log(e, (int)a.n) : NULL, show_errlog, &a);
out:
	free(c);
	free(e);
	return ret;
}

const struct cli_cmd cmd_error_log = {
	.name = "error-log",
	.summary = "Get the Error Information log page",
	.opts = errlog_opts,
	.cfg_size = sizeof(struct errlog_cfg),
	.defaults = errlog_defaults,
	.flags = CMD_DEV | CMD_OUTPUT,
	.run = run_error_log,
};

/* ---- get-log ---- */

struct get_log_cfg {
	uint64_t lid, len, nsid, lpo, lsp;
	bool rae, raw;
};

static const struct cli_opt get_log_opts[] = {
	{ .name = "log-id", .short_name = 'i', .type = OPT_NUM,
	  .off = offsetof(struct get_log_cfg, lid), .max = 0xff,
	  .flags = OPT_REQUIRED, .help = "log page identifier (LID)" },
	{ .name = "log-len", .short_name = 'l', .type = OPT_SIZE,
	  .off = offsetof(struct get_log_cfg, len), .min = 4, .max = 1 << 30,
	  .flags = OPT_REQUIRED, .help = "bytes to read, a multiple of 4" },
	O_NUM("namespace-id", 'n', struct get_log_cfg, nsid, 0, U32_MAX_,
	      "namespace (default 0xffffffff)"),
	O_NUM("lpo", 'O', struct get_log_cfg, lpo, 0, UINT64_MAX,
	      "log page offset in bytes"),
	O_NUM("lsp", 's', struct get_log_cfg, lsp, 0, 0x7f, "log specific field"),
	O_FLAG("rae", 'r', struct get_log_cfg, rae, "retain an asynchronous event"),
	O_FLAG("raw-binary", 'b', struct get_log_cfg, raw, "print the raw log"),
	O_END
};

static void get_log_defaults(void *cfg)
{
	((struct get_log_cfg *)cfg)->nsid = NSID_ALL;
}

static int run_get_log(struct cli_dev *d, struct cli_common *co, void *cfg)
{
	struct get_log_cfg *cf = cfg;
	uint8_t *buf;
	int ret;

	if (cf->len % 4) {
		cli_err("get-log: --log-len %llu is not a multiple of 4",
			(unsigned long long)cf->len);
		return 2;
	}
	buf = cli_alloc(cf->len);
	if (!buf)
		return cli_cmd_err(d, "get-log", -ENOMEM);
	ret = cli_get_log(d, (uint8_t)cf->lid, (uint32_t)cf->nsid, cf->lpo,
			  (uint8_t)cf->lsp, cf->rae, buf, (uint32_t)cf->len);
	if (ret) {
		ret = cli_cmd_err(d, "get-log", ret);
	} else if (cf->raw || co->fmt == FMT_BINARY) {
		ret = cli_write_out(NULL, buf, cf->len) ? 1 : 0;
	} else if (co->fmt == FMT_JSON) {
		struct json_object *o = json_object_new_object();
		char *hex = malloc(cf->len * 2 + 1);

		for (uint64_t i = 0; i < cf->len; i++)
			sprintf(hex + 2 * i, "%02x", buf[i]);
		json_object_object_add(o, "log_id", json_object_new_int((int)cf->lid));
		json_object_object_add(o, "length", json_object_new_uint64(cf->len));
		json_object_object_add(o, "data", json_object_new_string_len(hex,
				       (int)cf->len * 2));
		free(hex);
		cli_json_out(stdout, o);
	} else {
		printf("Device:%s log-id:%llu namespace-id:%#x\n", d->ctrl,
		       (unsigned long long)cf->lid, (unsigned int)cf->nsid);
		cli_hexdump(stdout, buf, cf->len);
	}
	free(buf);
	return ret;
}

const struct cli_cmd cmd_get_log = {
	.name = "get-log",
	.summary = "Get any log page, by identifier, offset and length",
	.desc = "Prints a hex dump, the raw bytes (-b or -o binary) or a JSON "
		"object with the data as a hex string.",
	.opts = get_log_opts,
	.cfg_size = sizeof(struct get_log_cfg),
	.defaults = get_log_defaults,
	.flags = CMD_DEV | CMD_OUTPUT,
	.run = run_get_log,
};
