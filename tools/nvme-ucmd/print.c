// SPDX-License-Identifier: GPL-2.0
/*
 * Printers for identify controller/namespace, SMART and error log pages.
 *
 * The identify structures are described field by field in tables (key,
 * offset, kind), in nvme-cli 2.3's order and with its JSON value types: the
 * JSON builder and the human printer both walk the same table.
 */
#include <endian.h>
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "print.h"

enum fkind {
	K_U8, K_LE16, K_LE32, K_LE64,
	K_U128,		/* little-endian 16 bytes: decimal string */
	K_STR,		/* space-padded char array, kept as is */
	K_IEEE,		/* 3 bytes, most significant last */
	K_UUID,		/* 16 bytes as 8-4-4-4-12 hex */
	K_HEXSTR,	/* bytes as one hex string (eui64, nguid) */
};

enum fcond { C_ALWAYS, C_NONEMPTY, C_OPTPERF };

struct field {
	const char *key;
	size_t off;
	enum fkind kind;
	unsigned short len;	/* K_STR, K_HEXSTR */
	unsigned char hex;	/* human output in hex */
	unsigned char cond;	/* enum fcond */
};

#define F(T, k, m, kd, h) { #k, offsetof(struct T, m), kd, sizeof(((struct T *)0)->m), h, C_ALWAYS }
#define FC(T, k, m, kd, h, c) { #k, offsetof(struct T, m), kd, sizeof(((struct T *)0)->m), h, c }
#define C(k, kd, h) F(nvme_id_ctrl, k, k, kd, h)

static const struct field id_ctrl_fields[] = {
	C(vid, K_LE16, 1), C(ssvid, K_LE16, 1), C(sn, K_STR, 0), C(mn, K_STR, 0),
	C(fr, K_STR, 0), C(rab, K_U8, 0), C(ieee, K_IEEE, 1), C(cmic, K_U8, 1),
	C(mdts, K_U8, 0), C(cntlid, K_LE16, 1), C(ver, K_LE32, 1),
	C(rtd3r, K_LE32, 1), C(rtd3e, K_LE32, 1), C(oaes, K_LE32, 1),
	C(ctratt, K_LE32, 1), C(rrls, K_LE16, 1), C(cntrltype, K_U8, 0),
	C(fguid, K_UUID, 0), C(crdt1, K_LE16, 0), C(crdt2, K_LE16, 0),
	C(crdt3, K_LE16, 0), C(nvmsr, K_U8, 0), C(vwci, K_U8, 0), C(mec, K_U8, 0),
	C(oacs, K_LE16, 1), C(acl, K_U8, 0), C(aerl, K_U8, 0), C(frmw, K_U8, 1),
	C(lpa, K_U8, 1), C(elpe, K_U8, 0), C(npss, K_U8, 0), C(avscc, K_U8, 1),
	C(apsta, K_U8, 1), C(wctemp, K_LE16, 0), C(cctemp, K_LE16, 0),
	C(mtfa, K_LE16, 0), C(hmpre, K_LE32, 0), C(hmmin, K_LE32, 0),
	C(tnvmcap, K_U128, 0), C(unvmcap, K_U128, 0), C(rpmbs, K_LE32, 1),
	C(edstt, K_LE16, 0), C(dsto, K_U8, 0), C(fwug, K_U8, 0), C(kas, K_LE16, 0),
	C(hctma, K_LE16, 1), C(mntmt, K_LE16, 0), C(mxtmt, K_LE16, 0),
	C(sanicap, K_LE32, 1), C(hmminds, K_LE32, 0), C(hmmaxd, K_LE16, 0),
	C(nsetidmax, K_LE16, 0), C(endgidmax, K_LE16, 0), C(anatt, K_U8, 0),
	C(anacap, K_U8, 0), C(anagrpmax, K_LE32, 0), C(nanagrpid, K_LE32, 0),
	C(pels, K_LE32, 0), C(domainid, K_LE16, 0), C(megcap, K_U128, 0),
	C(sqes, K_U8, 1), C(cqes, K_U8, 1), C(maxcmd, K_LE16, 0), C(nn, K_LE32, 0),
	C(oncs, K_LE16, 1), C(fuses, K_LE16, 1), C(fna, K_U8, 1), C(vwc, K_U8, 1),
	C(awun, K_LE16, 0), C(awupf, K_LE16, 0), C(icsvscc, K_U8, 0),
	C(nwpc, K_U8, 0), C(acwu, K_LE16, 0), C(ocfs, K_LE16, 1),
	C(sgls, K_LE32, 1), C(mnan, K_LE32, 0), C(maxdna, K_U128, 0),
	C(maxcna, K_LE32, 0),
	FC(nvme_id_ctrl, subnqn, subnqn, K_STR, 0, C_NONEMPTY),
	C(ioccsz, K_LE32, 0), C(iorcsz, K_LE32, 0), C(icdoff, K_LE16, 0),
	C(fcatt, K_U8, 0), C(msdbd, K_U8, 0), C(ofcs, K_LE16, 0),
	{ .key = NULL }
};

#define N(k, kd, h) F(nvme_id_ns, k, k, kd, h)
#define NP(k) FC(nvme_id_ns, k, k, K_LE16, 0, C_OPTPERF)

static const struct field id_ns_fields[] = {
	N(nsze, K_LE64, 1), N(ncap, K_LE64, 1), N(nuse, K_LE64, 1),
	N(nsfeat, K_U8, 1), N(nlbaf, K_U8, 0), N(flbas, K_U8, 1), N(mc, K_U8, 1),
	N(dpc, K_U8, 1), N(dps, K_U8, 1), N(nmic, K_U8, 0), N(rescap, K_U8, 1),
	N(fpi, K_U8, 1), N(dlfeat, K_U8, 0), N(nawun, K_LE16, 0),
	N(nawupf, K_LE16, 0), N(nacwu, K_LE16, 0), N(nabsn, K_LE16, 0),
	N(nabo, K_LE16, 0), N(nabspf, K_LE16, 0), N(noiob, K_LE16, 0),
	N(nvmcap, K_U128, 0), N(nsattr, K_U8, 0), N(nvmsetid, K_LE16, 0),
	NP(npwg), NP(npwa), NP(npdg), NP(npda), NP(nows),
	N(mssrl, K_LE16, 0), N(mcl, K_LE32, 0), N(msrc, K_U8, 0),
	N(nulbaf, K_U8, 0), N(anagrpid, K_LE32, 0), N(endgid, K_LE16, 0),
	N(eui64, K_HEXSTR, 0), N(nguid, K_HEXSTR, 0),
	{ .key = NULL }
};

static uint64_t fnum(const void *base, const struct field *f)
{
	const uint8_t *p = (const uint8_t *)base + f->off;
	uint16_t v16;
	uint32_t v32;
	uint64_t v64;

	switch (f->kind) {
	case K_U8:
		return *p;
	case K_LE16:
		memcpy(&v16, p, 2);
		return le16toh(v16);
	case K_LE32:
		memcpy(&v32, p, 4);
		return le32toh(v32);
	case K_LE64:
		memcpy(&v64, p, 8);
		return le64toh(v64);
	case K_IEEE:
		return (uint64_t)p[2] << 16 | p[1] << 8 | p[0];
	default:
		return 0;
	}
}

/* String forms of the non-numeric kinds. */
static const char *fstr(const void *base, const struct field *f, char *buf,
			size_t len)
{
	const uint8_t *p = (const uint8_t *)base + f->off;
	size_t n = 0;

	switch (f->kind) {
	case K_U128:
		return cli_u128_str(p, buf, len);
	case K_STR:
		n = strnlen((const char *)p, f->len);
		snprintf(buf, len, "%.*s", (int)n, (const char *)p);
		return buf;
	case K_UUID:
		for (int i = 0; i < 16; i++)
			n += snprintf(buf + n, len - n, "%s%02x",
				      i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "",
				      p[i]);
		return buf;
	case K_HEXSTR:
		for (int i = 0; i < f->len; i++)
			n += snprintf(buf + n, len - n, "%02x", p[i]);
		return buf;
	default:
		return NULL;
	}
}

static bool fshown(const void *base, const struct field *f)
{
	const struct nvme_id_ns *ns = base;

	switch (f->cond) {
	case C_NONEMPTY:
		return strnlen((const char *)base + f->off, f->len) > 0;
	case C_OPTPERF:
		return ns->nsfeat & 0x10;
	default:
		return true;
	}
}

static void json_fields(struct json_object *o, const void *base,
			const struct field *fields)
{
	char buf[512];

	for (const struct field *f = fields; f->key; f++) {
		struct json_object *v;

		if (!fshown(base, f))
			continue;
		if (f->kind <= K_LE64 || f->kind == K_IEEE)
			v = json_object_new_uint64(fnum(base, f));
		else
			v = json_object_new_string(fstr(base, f, buf, sizeof(buf)));
		json_object_object_add(o, f->key, v);
	}
}

static void show_fields(FILE *out, const void *base, const struct field *fields)
{
	char buf[512];

	for (const struct field *f = fields; f->key; f++) {
		if (!fshown(base, f))
			continue;
		fprintf(out, "%-10s: ", f->key);
		if (f->kind == K_IEEE)
			fprintf(out, "%06" PRIx64 "\n", fnum(base, f));
		else if (f->kind > K_LE64)
			fprintf(out, "%s\n", fstr(base, f, buf, sizeof(buf)));
		else if (f->hex)
			fprintf(out, "%#" PRIx64 "\n", fnum(base, f));
		else
			fprintf(out, "%" PRIu64 "\n", fnum(base, f));
	}
}

static void add_int(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_uint64(v));
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static unsigned int psd_scale(uint8_t b)
{
	return (b >> 6) & 0x3;
}

struct json_object *cli_json_id_ctrl(const struct nvme_id_ctrl *c)
{
	struct json_object *o = json_object_new_object();
	struct json_object *psds = json_object_new_array();

	json_fields(o, c, id_ctrl_fields);
	for (int i = 0; i <= c->npss && i < 32; i++) {
		const struct nvme_id_psd *p = &c->psd[i];
		struct json_object *e = json_object_new_object();

		add_int(e, "max_power", le16toh(p->mp));
		add_int(e, "flags", p->flags);
		add_int(e, "entry_lat", le32toh(p->enlat));
		add_int(e, "exit_lat", le32toh(p->exlat));
		add_int(e, "read_tput", p->rrt);
		add_int(e, "read_lat", p->rrl);
		add_int(e, "write_tput", p->rwt);
		add_int(e, "write_lat", p->rwl);
		add_int(e, "idle_power", le16toh(p->idlp));
		add_int(e, "idle_scale", psd_scale(p->ips));
		add_int(e, "active_power", le16toh(p->actp));
		add_int(e, "active_power_work", p->apws & 0x7);
		add_int(e, "active_scale", psd_scale(p->apws));
		json_object_array_add(psds, e);
	}
	json_object_object_add(o, "psds", psds);
	return o;
}

void cli_show_id_ctrl(FILE *f, const struct nvme_id_ctrl *c)
{
	fprintf(f, "NVME Identify Controller:\n");
	show_fields(f, c, id_ctrl_fields);
	for (int i = 0; i <= c->npss && i < 32; i++) {
		const struct nvme_id_psd *p = &c->psd[i];
		unsigned int mp = le16toh(p->mp);

		fprintf(f, "ps %4d : mp:%u.%02uW %soperational enlat:%u exlat:%u "
			"rrt:%u rrl:%u\n          rwt:%u rwl:%u idle_power:%u "
			"active_power:%u\n", i,
			(p->flags & 1) ? mp / 10000 : mp / 100,
			(p->flags & 1) ? mp % 10000 / 100 : mp % 100,
			(p->flags & 2) ? "non-" : "", le32toh(p->enlat),
			le32toh(p->exlat), p->rrt, p->rrl, p->rwt, p->rwl,
			le16toh(p->idlp), le16toh(p->actp));
	}
}

/* Active LBA format index: FLBAS bits 3:0, and 6:5 as the high bits. */
static unsigned int ns_flbas(const struct nvme_id_ns *ns)
{
	return (ns->flbas & 0xf) | ((ns->flbas >> 5) & 0x3) << 4;
}

void cli_ns_format(const struct nvme_id_ns *ns, unsigned int *lbs,
		   unsigned int *ms, int *extended)
{
	const struct nvme_lbaf *l = &ns->lbaf[ns_flbas(ns) & 63];

	*lbs = l->ds >= 9 && l->ds < 32 ? 1u << l->ds : 512;
	*ms = le16toh(l->ms);
	*extended = !!(ns->flbas & 0x10);
}

struct json_object *cli_json_id_ns(const struct nvme_id_ns *ns)
{
	struct json_object *o = json_object_new_object();
	struct json_object *lbafs = json_object_new_array();
	int n = ns->nlbaf + ns->nulbaf + 1;

	json_fields(o, ns, id_ns_fields);
	for (int i = 0; i < n && i < 64; i++) {
		struct json_object *e = json_object_new_object();

		add_int(e, "ms", le16toh(ns->lbaf[i].ms));
		add_int(e, "ds", ns->lbaf[i].ds);
		add_int(e, "rp", ns->lbaf[i].rp & 0x3);
		json_object_array_add(lbafs, e);
	}
	json_object_object_add(o, "lbafs", lbafs);
	return o;
}

void cli_show_id_ns(FILE *f, const struct nvme_id_ns *ns, unsigned int nsid)
{
	static const char *const rp[] = { "Best", "Better", "Good", "Degraded" };
	int n = ns->nlbaf + ns->nulbaf + 1;
	unsigned int cur = ns_flbas(ns);

	fprintf(f, "NVME Identify Namespace %u:\n", nsid);
	show_fields(f, ns, id_ns_fields);
	for (int i = 0; i < n && i < 64; i++)
		fprintf(f, "lbaf %2d : ms:%-3u lbads:%-2u rp:%#x (%s)%s\n", i,
			le16toh(ns->lbaf[i].ms), ns->lbaf[i].ds,
			ns->lbaf[i].rp & 3, rp[ns->lbaf[i].rp & 3],
			(unsigned int)i == cur ? " (in use)" : "");
}

static void add_u128(struct json_object *o, const char *k, const uint8_t v[16])
{
	char buf[48];

	add_str(o, k, cli_u128_str(v, buf, sizeof(buf)));
}

static unsigned int smart_temp(const struct nvme_smart_log *s)
{
	return (unsigned int)s->temperature[1] << 8 | s->temperature[0];
}

struct json_object *cli_json_smart_log(const struct nvme_smart_log *s)
{
	struct json_object *o = json_object_new_object();
	char key[32];

	add_int(o, "critical_warning", s->critical_warning);
	add_int(o, "temperature", smart_temp(s));
	add_int(o, "avail_spare", s->avail_spare);
	add_int(o, "spare_thresh", s->spare_thresh);
	add_int(o, "percent_used", s->percent_used);
	add_int(o, "endurance_grp_critical_warning_summary",
		s->endu_grp_crit_warn_sumry);
	add_u128(o, "data_units_read", s->data_units_read);
	add_u128(o, "data_units_written", s->data_units_written);
	add_u128(o, "host_read_commands", s->host_reads);
	add_u128(o, "host_write_commands", s->host_writes);
	add_u128(o, "controller_busy_time", s->ctrl_busy_time);
	add_u128(o, "power_cycles", s->power_cycles);
	add_u128(o, "power_on_hours", s->power_on_hours);
	add_u128(o, "unsafe_shutdowns", s->unsafe_shutdowns);
	add_u128(o, "media_errors", s->media_errors);
	add_u128(o, "num_err_log_entries", s->num_err_log_entries);
	add_int(o, "warning_temp_time", le32toh(s->warning_temp_time));
	add_int(o, "critical_comp_time", le32toh(s->critical_comp_time));
	for (int i = 0; i < 8; i++) {
		unsigned int t = le16toh(s->temp_sensor[i]);

		if (!t)
			continue;
		snprintf(key, sizeof(key), "temperature_sensor_%d", i + 1);
		add_int(o, key, t);
	}
	add_int(o, "thm_temp1_trans_count", le32toh(s->thm_temp1_trans_count));
	add_int(o, "thm_temp2_trans_count", le32toh(s->thm_temp2_trans_count));
	add_int(o, "thm_temp1_total_time", le32toh(s->thm_temp1_total_time));
	add_int(o, "thm_temp2_total_time", le32toh(s->thm_temp2_total_time));
	return o;
}

void cli_show_smart_log(FILE *f, const struct nvme_smart_log *s,
			const char *dev, unsigned int nsid)
{
	char b[48];
	unsigned int t = smart_temp(s);

	fprintf(f, "Smart Log for NVME device:%s namespace-id:%x\n", dev, nsid);
	fprintf(f, "%-38s: %#x\n", "critical_warning", s->critical_warning);
	fprintf(f, "%-38s: %d°C (%u Kelvin)\n", "temperature", (int)t - 273, t);
	fprintf(f, "%-38s: %u%%\n", "available_spare", s->avail_spare);
	fprintf(f, "%-38s: %u%%\n", "available_spare_threshold", s->spare_thresh);
	fprintf(f, "%-38s: %u%%\n", "percentage_used", s->percent_used);
	fprintf(f, "%-38s: %u%%\n", "endurance group critical warning summary",
		s->endu_grp_crit_warn_sumry);
#define P128(name, m) fprintf(f, "%-38s: %s\n", name, cli_u128_str(s->m, b, sizeof(b)))
	P128("data_units_read", data_units_read);
	P128("data_units_written", data_units_written);
	P128("host_read_commands", host_reads);
	P128("host_write_commands", host_writes);
	P128("controller_busy_time", ctrl_busy_time);
	P128("power_cycles", power_cycles);
	P128("power_on_hours", power_on_hours);
	P128("unsafe_shutdowns", unsafe_shutdowns);
	P128("media_errors", media_errors);
	P128("num_err_log_entries", num_err_log_entries);
#undef P128
	fprintf(f, "%-38s: %u\n", "Warning Temperature Time",
		le32toh(s->warning_temp_time));
	fprintf(f, "%-38s: %u\n", "Critical Composite Temperature Time",
		le32toh(s->critical_comp_time));
	for (int i = 0; i < 8; i++) {
		unsigned int ts = le16toh(s->temp_sensor[i]);

		if (ts)
			fprintf(f, "Temperature Sensor %d%18s: %d°C (%u Kelvin)\n",
				i + 1, "", (int)ts - 273, ts);
	}
	fprintf(f, "%-38s: %u\n", "Thermal Management T1 Trans Count",
		le32toh(s->thm_temp1_trans_count));
	fprintf(f, "%-38s: %u\n", "Thermal Management T2 Trans Count",
		le32toh(s->thm_temp2_trans_count));
	fprintf(f, "%-38s: %u\n", "Thermal Management T1 Total Time",
		le32toh(s->thm_temp1_total_time));
	fprintf(f, "%-38s: %u\n", "Thermal Management T2 Total Time",
		le32toh(s->thm_temp2_total_time));
}

struct json_object *cli_json_error_log(const struct nvme_error_log_page *e, int n)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();

	for (int i = 0; i < n; i++) {
		struct json_object *x = json_object_new_object();
		unsigned int sf = le16toh(e[i].status_field);

		add_int(x, "error_count", le64toh(e[i].error_count));
		add_int(x, "sqid", le16toh(e[i].sqid));
		add_int(x, "cmdid", le16toh(e[i].cmdid));
		add_int(x, "status_field", sf >> 1);
		add_int(x, "phase_tag", sf & 1);
		add_int(x, "parm_error_location", le16toh(e[i].parm_error_location));
		add_int(x, "lba", le64toh(e[i].lba));
		add_int(x, "nsid", le32toh(e[i].nsid));
		add_int(x, "vs", e[i].vs);
		add_int(x, "trtype", e[i].trtype);
		add_int(x, "cs", le64toh(e[i].cs));
		add_int(x, "trtype_spec_info", le16toh(e[i].trtype_spec_info));
		json_object_array_add(a, x);
	}
	json_object_object_add(o, "errors", a);
	return o;
}

void cli_show_error_log(FILE *f, const struct nvme_error_log_page *e, int n,
			const char *dev)
{
	fprintf(f, "Error Log Entries for device:%s entries:%d\n", dev, n);
	fprintf(f, ".................\n");
	for (int i = 0; i < n; i++) {
		unsigned int sf = le16toh(e[i].status_field);

		fprintf(f, " Entry[%2d]   \n.................\n", i);
		fprintf(f, "error_count\t: %" PRIu64 "\n", (uint64_t)le64toh(e[i].error_count));
		fprintf(f, "sqid\t\t: %u\n", le16toh(e[i].sqid));
		fprintf(f, "cmdid\t\t: %#x\n", le16toh(e[i].cmdid));
		fprintf(f, "status_field\t: %#x (%s)\n", sf >> 1,
			cli_status_name((int)(sf >> 1)));
		fprintf(f, "phase_tag\t: %#x\n", sf & 1);
		fprintf(f, "parm_err_loc\t: %#x\n", le16toh(e[i].parm_error_location));
		fprintf(f, "lba\t\t: %#" PRIx64 "\n", (uint64_t)le64toh(e[i].lba));
		fprintf(f, "nsid\t\t: %#x\n", le32toh(e[i].nsid));
		fprintf(f, "vs\t\t: %u\n", e[i].vs);
		fprintf(f, "trtype\t\t: %u\n", e[i].trtype);
		fprintf(f, "cs\t\t: %#" PRIx64 "\n", (uint64_t)le64toh(e[i].cs));
		fprintf(f, "trtype_spec_info: %#x\n", le16toh(e[i].trtype_spec_info));
		fprintf(f, ".................\n");
	}
}

/* Copy a space-padded identify string without the padding. */
char *cli_trim(char *dst, const char *src, size_t n)
{
	while (n && (src[n - 1] == ' ' || src[n - 1] == 0))
		n--;
	memcpy(dst, src, n);
	dst[n] = 0;
	return dst;
}

static void human_size(char *buf, size_t len, uint64_t bytes)
{
	static const char *const u[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	int i = 0;

	while (v >= 1024 && i < 5) {
		v /= 1024;
		i++;
	}
	snprintf(buf, len, i ? "%.4g %s" : "%.0f %s", v, u[i]);
}

/* `identify`: what a user wants to know first, in a dozen lines. */
void cli_show_identify(FILE *f, const char *path, const char *ctrl,
		       const struct nvme_id_ctrl *c,
		       const struct nvme_id_ns *ns, unsigned int nsid)
{
	char mn[41], sn[21], fr[9], sz[32], sz2[32];
	uint32_t ver = le32toh(c->ver);

	if (ns)
		fprintf(f, "%s: namespace %u of controller %s\n", path, nsid, ctrl);
	else
		fprintf(f, "%s: controller %s\n", path, ctrl);
	fprintf(f, "  model          %s\n", cli_trim(mn, c->mn, sizeof(c->mn)));
	fprintf(f, "  serial         %s\n", cli_trim(sn, c->sn, sizeof(c->sn)));
	fprintf(f, "  firmware       %s\n", cli_trim(fr, c->fr, sizeof(c->fr)));
	fprintf(f, "  NVMe version   %u.%u.%u\n", ver >> 16, (ver >> 8) & 0xff,
		ver & 0xff);
	fprintf(f, "  vendor         %#06x (subsystem %#06x)\n", le16toh(c->vid),
		le16toh(c->ssvid));
	if (c->mdts >= 52)	/* 2^MDTS pages of 4 KiB overflow 64 bits */
		snprintf(sz, sizeof(sz), "2^%u x 4 KiB", c->mdts);
	else if (c->mdts)
		human_size(sz, sizeof(sz), 4096ull << c->mdts);
	fprintf(f, "  max transfer   %s\n", c->mdts ? sz : "no limit");
	fprintf(f, "  namespaces     %u\n", le32toh(c->nn));
	if (!ns)
		return;

	unsigned int lbs, ms;
	int ext;

	cli_ns_format(ns, &lbs, &ms, &ext);
	human_size(sz, sizeof(sz), le64toh(ns->nsze) * lbs);
	human_size(sz2, sizeof(sz2), le64toh(ns->nuse) * lbs);
	fprintf(f, "  size           %s (%" PRIu64 " blocks), %s in use\n", sz,
		(uint64_t)le64toh(ns->nsze), sz2);
	fprintf(f, "  LBA format     %u: %u-byte blocks", ns_flbas(ns), lbs);
	if (ms)
		fprintf(f, ", %u bytes of metadata (%s)", ms,
			ext ? "extended LBA" : "separate buffer");
	fputc('\n', f);
	if (ns->dps & 7)
		fprintf(f, "  protection     type %u\n", ns->dps & 7);
}

struct json_object *cli_json_identify(const char *path, const char *ctrl,
				      const struct nvme_id_ctrl *c,
				      const struct nvme_id_ns *ns,
				      unsigned int nsid)
{
	struct json_object *o = json_object_new_object();

	add_str(o, "device", path);
	add_str(o, "controller", ctrl);
	if (ns)
		add_int(o, "nsid", nsid);
	json_object_object_add(o, "id_ctrl", cli_json_id_ctrl(c));
	if (ns)
		json_object_object_add(o, "id_ns", cli_json_id_ns(ns));
	return o;
}

void cli_json_out(FILE *f, struct json_object *o)
{
	fprintf(f, "%s\n", json_object_to_json_string_ext(o,
		JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}
