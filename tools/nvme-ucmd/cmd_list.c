// SPDX-License-Identifier: GPL-2.0
/*
 * list: every NVMe namespace with its block and generic char nodes, from
 * sysfs, with nvme-cli's JSON keys ("Devices": NameSpace, DevicePath, ...)
 * plus GenericPath and Controller. Sizes come from sysfs; UsedBytes from
 * Identify Namespace when the ng node can be opened, else the size.
 */
#include <ctype.h>
#include <dirent.h>
#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "print.h"

struct ns_entry {
	char key[32];		/* "0n1": what nvme0n1 and ng0n1 share */
	char block[300], generic[300], ctrl[300];
	char model[64], serial[32], fw[16];
	unsigned int nsid, lbs;
	uint64_t bytes, used;
};

static int read_attr(const char *dir, const char *name, char *buf, size_t len)
{
	char p[512];
	FILE *f;
	size_t n;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "r");
	if (!f) {
		buf[0] = 0;
		return -1;
	}
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	while (n && isspace((unsigned char)buf[n - 1]))
		n--;
	buf[n] = 0;
	return 0;
}

static uint64_t attr_u64(const char *dir, const char *name)
{
	char b[64];

	return read_attr(dir, name, b, sizeof(b)) ? 0 : strtoull(b, NULL, 0);
}

/* nvme0n1 -> "0n1"; ng0n1 -> "0n1"; hidden paths (nvme0c0n1) -> no. */
static bool ns_key(const char *name, const char *prefix, char *key, size_t len)
{
	size_t pl = strlen(prefix);
	const char *p = name + pl;
	unsigned int a, b;
	int used = 0;

	if (strncmp(name, prefix, pl) || sscanf(p, "%un%u%n", &a, &b, &used) != 2 ||
	    p[used])
		return false;
	snprintf(key, len, "%un%u", a, b);
	return true;
}

static struct ns_entry *find_or_add(struct ns_entry **v, int *n, const char *key)
{
	for (int i = 0; i < *n; i++)
		if (!strcmp((*v)[i].key, key))
			return &(*v)[i];
	*v = realloc(*v, (size_t)(*n + 1) * sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	snprintf((*v)[*n].key, sizeof((*v)[*n].key), "%s", key);
	return &(*v)[(*n)++];
}

static void fill_ctrl(struct ns_entry *e, const char *devdir)
{
	char real[512];

	if (!e->model[0]) {
		read_attr(devdir, "model", e->model, sizeof(e->model));
		read_attr(devdir, "serial", e->serial, sizeof(e->serial));
		read_attr(devdir, "firmware_rev", e->fw, sizeof(e->fw));
	}
	if (!e->ctrl[0] && realpath(devdir, real))
		snprintf(e->ctrl, sizeof(e->ctrl), "%s", strrchr(real, '/') + 1);
}

static void scan(const char *dir, const char *prefix, bool block,
		 struct ns_entry **v, int *n)
{
	DIR *dh = opendir(dir);
	struct dirent *de;
	char key[32], p[512];

	if (!dh)
		return;
	while ((de = readdir(dh))) {
		struct ns_entry *e;

		if (!ns_key(de->d_name, prefix, key, sizeof(key)))
			continue;
		e = find_or_add(v, n, key);
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (block) {
			snprintf(e->block, sizeof(e->block), "/dev/%s", de->d_name);
			e->nsid = (unsigned int)attr_u64(p, "nsid");
			e->bytes = attr_u64(p, "size") * 512;
			snprintf(p, sizeof(p), "%s/%s/queue", dir, de->d_name);
			e->lbs = (unsigned int)attr_u64(p, "logical_block_size");
		} else {
			snprintf(e->generic, sizeof(e->generic), "/dev/%s", de->d_name);
		}
		snprintf(p, sizeof(p), "%s/%s/device", dir, de->d_name);
		fill_ctrl(e, p);
	}
	closedir(dh);
}

/* Identify Namespace through the ng node: nsid, size and use where sysfs lacks. */
static void fill_from_identify(struct ns_entry *e, int form)
{
	struct cli_dev d;
	struct nvme_id_ns *ns;
	unsigned int lbs, ms;
	int ext;
	char err[256];

	if (!e->generic[0] || cli_dev_check(e->generic, &d, err, sizeof(err)) ||
	    access(e->generic, R_OK))
		return;
	if (cli_dev_open(&d, e->generic, form, true))
		return;
	ns = cli_alloc(sizeof(*ns));
	if (ns && !cli_identify(&d, NVME_IDENTIFY_CNS_NS, d.nsid, ns)) {
		cli_ns_format(ns, &lbs, &ms, &ext);
		e->nsid = d.nsid;
		e->lbs = lbs;
		e->used = le64toh(ns->nuse) * lbs;
		e->bytes = le64toh(ns->nsze) * lbs;
	}
	free(ns);
	cli_dev_close(&d);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct ns_entry *x = a, *y = b;
	unsigned int xa = 0, xb = 0, ya = 0, yb = 0;

	sscanf(x->key, "%un%u", &xa, &xb);
	sscanf(y->key, "%un%u", &ya, &yb);
	return xa != ya ? (xa > ya) - (xa < ya) : (xb > yb) - (xb < yb);
}

static void list_json(const struct ns_entry *v, int n)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();

	for (int i = 0; i < n; i++) {
		const struct ns_entry *e = &v[i];
		struct json_object *x = json_object_new_object();

#define ADD(k, val) json_object_object_add(x, k, val)
		ADD("NameSpace", json_object_new_uint64(e->nsid));
		ADD("DevicePath", json_object_new_string(e->block));
		ADD("GenericPath", json_object_new_string(e->generic));
		ADD("Controller", json_object_new_string(e->ctrl));
		ADD("Firmware", json_object_new_string(e->fw));
		ADD("ModelNumber", json_object_new_string(e->model));
		ADD("SerialNumber", json_object_new_string(e->serial));
		ADD("UsedBytes", json_object_new_uint64(e->used));
		ADD("MaximumLBA", json_object_new_uint64(e->lbs ? e->bytes / e->lbs : 0));
		ADD("PhysicalSize", json_object_new_uint64(e->bytes));
		ADD("SectorSize", json_object_new_uint64(e->lbs));
#undef ADD
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "Devices", a);
	cli_json_out(stdout, o);
}

static void list_normal(const struct ns_entry *v, int n)
{
	printf("%-16s %-14s %-10s %-20s %-30s %-6s %-12s %-8s %s\n", "Node",
	       "Generic", "Controller", "SN", "Model", "NSID", "Size", "Format",
	       "FW Rev");
	printf("%-16s %-14s %-10s %-20s %-30s %-6s %-12s %-8s %s\n",
	       "----------------", "--------------", "----------",
	       "--------------------", "------------------------------", "------",
	       "------------", "--------", "--------");
	for (int i = 0; i < n; i++) {
		const struct ns_entry *e = &v[i];
		char size[32];

		snprintf(size, sizeof(size), "%.2f GB", (double)e->bytes / 1e9);
		printf("%-16s %-14s %-10s %-20s %-30s %-6u %-12s %-8u %s\n",
		       e->block[0] ? e->block : "-", e->generic[0] ? e->generic : "-",
		       e->ctrl, e->serial, e->model, e->nsid, size, e->lbs, e->fw);
	}
}

static int run_list(struct cli_common *co, void *cfg)
{
	struct ns_entry *v = NULL;
	int n = 0;

	scan("/sys/block", "nvme", true, &v, &n);
	scan("/sys/class/nvme-generic", "ng", false, &v, &n);
	for (int i = 0; i < n; i++) {
		if (!v[i].nsid)
			sscanf(v[i].key, "%*un%u", &v[i].nsid);
		fill_from_identify(&v[i], co->form);
		if (!v[i].used)
			v[i].used = v[i].bytes;
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_entry);
	if (co->fmt == FMT_JSON)
		list_json(v, n);
	else
		list_normal(v, n);
	free(v);
	return 0;
}

const struct cli_cmd cmd_list = {
	.name = "list",
	.summary = "List NVMe namespaces with their block and generic nodes",
	.desc = "Reads sysfs (/sys/block/nvme*, /sys/class/nvme-generic) and, "
		"where the ng node can be opened, Identify Namespace for the "
		"space in use. JSON keys are nvme-cli's (Devices, NameSpace, "
		"DevicePath, ...) plus GenericPath and Controller.",
	.flags = CMD_OUTPUT,
	.run_nodev = run_list,
};
