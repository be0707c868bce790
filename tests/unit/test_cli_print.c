// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-ucmd's printers, from canned structures: the JSON key sets are
 * exactly nvme-cli 2.3's (the lists below are its output on our QEMU
 * drives, the JSON files in build/nvmecli-ref/vm), in its order, with its value types;
 * the human output has the lines a reader looks for.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "print.h"
#include "unit.h"

static const char *const id_ctrl_keys[] = {
	"vid", "ssvid", "sn", "mn", "fr", "rab", "ieee", "cmic", "mdts", "cntlid",
	"ver", "rtd3r", "rtd3e", "oaes", "ctratt", "rrls", "cntrltype", "fguid",
	"crdt1", "crdt2", "crdt3", "nvmsr", "vwci", "mec", "oacs", "acl", "aerl",
	"frmw", "lpa", "elpe", "npss", "avscc", "apsta", "wctemp", "cctemp",
	"mtfa", "hmpre", "hmmin", "tnvmcap", "unvmcap", "rpmbs", "edstt", "dsto",
	"fwug", "kas", "hctma", "mntmt", "mxtmt", "sanicap", "hmminds", "hmmaxd",
	"nsetidmax", "endgidmax", "anatt", "anacap", "anagrpmax", "nanagrpid",
	"pels", "domainid", "megcap", "sqes", "cqes", "maxcmd", "nn", "oncs",
	"fuses", "fna", "vwc", "awun", "awupf", "icsvscc", "nwpc", "acwu", "ocfs",
	"sgls", "mnan", "maxdna", "maxcna", "subnqn", "ioccsz", "iorcsz",
	"icdoff", "fcatt", "msdbd", "ofcs", "psds", NULL
};

static const char *const psd_keys[] = {
	"max_power", "flags", "entry_lat", "exit_lat", "read_tput", "read_lat",
	"write_tput", "write_lat", "idle_power", "idle_scale", "active_power",
	"active_power_work", "active_scale", NULL
};

static const char *const id_ns_keys[] = {
	"nsze", "ncap", "nuse", "nsfeat", "nlbaf", "flbas", "mc", "dpc", "dps",
	"nmic", "rescap", "fpi", "dlfeat", "nawun", "nawupf", "nacwu", "nabsn",
	"nabo", "nabspf", "noiob", "nvmcap", "nsattr", "nvmsetid", "npwg",
	"npwa", "npdg", "npda", "nows", "mssrl", "mcl", "msrc", "nulbaf",
	"anagrpid", "endgid", "eui64", "nguid", "lbafs", NULL
};

static const char *const smart_keys[] = {
	"critical_warning", "temperature", "avail_spare", "spare_thresh",
	"percent_used", "endurance_grp_critical_warning_summary",
	"data_units_read", "data_units_written", "host_read_commands",
	"host_write_commands", "controller_busy_time", "power_cycles",
	"power_on_hours", "unsafe_shutdowns", "media_errors",
	"num_err_log_entries", "warning_temp_time", "critical_comp_time",
	"thm_temp1_trans_count", "thm_temp2_trans_count",
	"thm_temp1_total_time", "thm_temp2_total_time", NULL
};

static const char *const error_keys[] = {
	"error_count", "sqid", "cmdid", "status_field", "phase_tag",
	"parm_error_location", "lba", "nsid", "vs", "trtype", "cs",
	"trtype_spec_info", NULL
};

/* The object's keys are exactly @keys, in that order. */
static void check_keys(struct json_object *o, const char *const *keys)
{
	int i = 0;

	json_object_object_foreach(o, k, v) {
		(void)v;
		CU_ASSERT_PTR_NOT_NULL_FATAL(keys[i]);
		if (strcmp(k, keys[i]))
			fprintf(stderr, "# key %d: got %s, want %s\n", i, k, keys[i]);
		CU_ASSERT_STRING_EQUAL(k, keys[i]);
		i++;
	}
	CU_ASSERT_PTR_NULL(keys[i]);
}

static struct json_object *get(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	CU_ASSERT_TRUE(json_object_object_get_ex(o, k, &v));
	return v;
}

static int64_t num(struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);

	CU_ASSERT_TRUE(json_object_is_type(v, json_type_int));
	return json_object_get_int64(v);
}

static const char *str(struct json_object *o, const char *k)
{
	struct json_object *v = get(o, k);

	CU_ASSERT_TRUE(json_object_is_type(v, json_type_string));
	return json_object_get_string(v);
}

/* The QEMU controller of our VM, as far as the tests look. */
static struct nvme_id_ctrl *qemu_ctrl(void)
{
	struct nvme_id_ctrl *c = calloc(1, sizeof(*c));

	c->vid = htole16(0x1b36);
	c->ssvid = htole16(0x1af4);
	memcpy(c->sn, "nvmeucmd0           ", 20);
	memcpy(c->mn, "QEMU NVMe Ctrl                          ", 40);
	memcpy(c->fr, "7.2.22  ", 8);
	c->rab = 6;
	c->ieee[0] = 0x00;
	c->ieee[1] = 0x54;
	c->ieee[2] = 0x52;
	c->mdts = 7;
	c->ver = htole32(0x10400);
	c->oacs = htole16(266);
	c->wctemp = htole16(343);
	c->nn = htole32(256);
	c->tnvmcap[8] = 1;	/* 2^64 */
	c->tnvmcap[0] = 5;
	strcpy(c->subnqn, "nqn.2019-08.org.qemu:nvmeucmd0");
	c->psd[0].mp = htole16(2500);
	c->psd[0].enlat = htole32(16);
	c->psd[0].exlat = htole32(4);
	c->psd[0].ips = 2 << 6;
	c->psd[0].apws = 1 << 6 | 3;
	return c;
}

static void test_json_id_ctrl(void)
{
	struct nvme_id_ctrl *c = qemu_ctrl();
	struct json_object *o = cli_json_id_ctrl(c), *psds, *p;

	check_keys(o, id_ctrl_keys);
	CU_ASSERT_EQUAL(num(o, "vid"), 6966);
	CU_ASSERT_EQUAL(num(o, "ssvid"), 6900);
	CU_ASSERT_STRING_EQUAL(str(o, "sn"), "nvmeucmd0           ");
	CU_ASSERT_STRING_EQUAL(str(o, "mn"), "QEMU NVMe Ctrl                          ");
	CU_ASSERT_STRING_EQUAL(str(o, "fr"), "7.2.22  ");
	CU_ASSERT_EQUAL(num(o, "ieee"), 5395456);
	CU_ASSERT_EQUAL(num(o, "ver"), 66560);
	CU_ASSERT_EQUAL(num(o, "oacs"), 266);
	CU_ASSERT_EQUAL(num(o, "wctemp"), 343);
	CU_ASSERT_STRING_EQUAL(str(o, "tnvmcap"), "18446744073709551621");
	CU_ASSERT_STRING_EQUAL(str(o, "unvmcap"), "0");
	CU_ASSERT_STRING_EQUAL(str(o, "fguid"), "00000000-0000-0000-0000-000000000000");
	CU_ASSERT_STRING_EQUAL(str(o, "subnqn"), "nqn.2019-08.org.qemu:nvmeucmd0");
	psds = get(o, "psds");
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(psds), 1);	/* npss 0 */
	p = json_object_array_get_idx(psds, 0);
	check_keys(p, psd_keys);
	CU_ASSERT_EQUAL(num(p, "max_power"), 2500);
	CU_ASSERT_EQUAL(num(p, "entry_lat"), 16);
	CU_ASSERT_EQUAL(num(p, "idle_scale"), 2);
	CU_ASSERT_EQUAL(num(p, "active_scale"), 1);
	CU_ASSERT_EQUAL(num(p, "active_power_work"), 3);
	json_object_put(o);

	/* nvme-cli leaves subnqn out when it is empty */
	memset(c->subnqn, 0, sizeof(c->subnqn));
	c->npss = 2;
	o = cli_json_id_ctrl(c);
	CU_ASSERT_FALSE(json_object_object_get_ex(o, "subnqn", NULL));
	CU_ASSERT_EQUAL(json_object_array_length(get(o, "psds")), 3);
	json_object_put(o);
	free(c);
}

static struct nvme_id_ns *ns_4k_md8(void)
{
	struct nvme_id_ns *ns = calloc(1, sizeof(*ns));

	ns->nsze = ns->ncap = ns->nuse = htole64(65408);
	ns->nsfeat = 0x14;
	ns->nlbaf = 7;
	ns->flbas = 5;
	for (int i = 0; i < 8; i++) {
		static const unsigned short ms[] = { 0, 8, 16, 64 };

		ns->lbaf[i].ms = htole16(ms[i % 4]);
		ns->lbaf[i].ds = i < 4 ? 9 : 12;
	}
	ns->eui64[0] = 0xab;
	ns->eui64[7] = 0x01;
	ns->nguid[15] = 0xff;
	return ns;
}

static void test_json_id_ns(void)
{
	struct nvme_id_ns *ns = ns_4k_md8();
	struct json_object *o = cli_json_id_ns(ns), *l;
	unsigned int lbs, ms;
	int ext;

	check_keys(o, id_ns_keys);
	CU_ASSERT_EQUAL(num(o, "nsze"), 65408);
	CU_ASSERT_EQUAL(num(o, "flbas"), 5);
	CU_ASSERT_STRING_EQUAL(str(o, "nvmcap"), "0");
	CU_ASSERT_STRING_EQUAL(str(o, "eui64"), "ab00000000000001");
	CU_ASSERT_STRING_EQUAL(str(o, "nguid"), "000000000000000000000000000000ff");
	l = get(o, "lbafs");
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(l), 8);
	CU_ASSERT_EQUAL(num(json_object_array_get_idx(l, 5), "ms"), 8);
	CU_ASSERT_EQUAL(num(json_object_array_get_idx(l, 5), "ds"), 12);
	json_object_put(o);

	cli_ns_format(ns, &lbs, &ms, &ext);
	CU_ASSERT_EQUAL(lbs, 4096);
	CU_ASSERT_EQUAL(ms, 8);
	CU_ASSERT_EQUAL(ext, 0);

	/* without optimal performance fields (NSFEAT bit 4) npwg..nows go */
	ns->nsfeat = 0x04;
	o = cli_json_id_ns(ns);
	CU_ASSERT_FALSE(json_object_object_get_ex(o, "npwg", NULL));
	CU_ASSERT_FALSE(json_object_object_get_ex(o, "nows", NULL));
	CU_ASSERT_TRUE(json_object_object_get_ex(o, "mssrl", NULL));
	json_object_put(o);
	free(ns);
}

static void test_json_smart_log(void)
{
	struct nvme_smart_log s;
	struct json_object *o;

	memset(&s, 0, sizeof(s));
	s.temperature[0] = 323 & 0xff;
	s.temperature[1] = 323 >> 8;
	s.avail_spare = 100;
	s.data_units_read[0] = 0x01;
	s.data_units_read[15] = 0x01;	/* 2^120 + 1 */
	s.host_reads[0] = 8;
	s.warning_temp_time = htole32(7);
	o = cli_json_smart_log(&s);
	check_keys(o, smart_keys);
	CU_ASSERT_EQUAL(num(o, "temperature"), 323);
	CU_ASSERT_EQUAL(num(o, "avail_spare"), 100);
	CU_ASSERT_STRING_EQUAL(str(o, "data_units_read"),
			       "1329227995784915872903807060280344577");
	CU_ASSERT_STRING_EQUAL(str(o, "host_read_commands"), "8");
	CU_ASSERT_STRING_EQUAL(str(o, "power_on_hours"), "0");
	CU_ASSERT_EQUAL(num(o, "warning_temp_time"), 7);
	json_object_put(o);

	/* sensors appear only when they report */
	s.temp_sensor[1] = htole16(310);
	o = cli_json_smart_log(&s);
	CU_ASSERT_EQUAL(num(o, "temperature_sensor_2"), 310);
	CU_ASSERT_FALSE(json_object_object_get_ex(o, "temperature_sensor_1", NULL));
	json_object_put(o);
}

static void test_json_error_log(void)
{
	struct nvme_error_log_page e[2];
	struct json_object *o, *a, *x;

	memset(e, 0, sizeof(e));
	e[1].error_count = htole64(3);
	e[1].status_field = htole16(0x4002 << 1 | 1);
	e[1].lba = htole64(0x123456789ull);
	e[1].nsid = htole32(1);
	o = cli_json_error_log(e, 2);
	a = get(o, "errors");
	CU_ASSERT_EQUAL_FATAL(json_object_array_length(a), 2);
	x = json_object_array_get_idx(a, 1);
	check_keys(x, error_keys);
	CU_ASSERT_EQUAL(num(x, "error_count"), 3);
	CU_ASSERT_EQUAL(num(x, "status_field"), 0x4002);
	CU_ASSERT_EQUAL(num(x, "phase_tag"), 1);
	CU_ASSERT_EQUAL(num(x, "lba"), 0x123456789ll);
	json_object_put(o);
}

static void test_u128(void)
{
	uint8_t v[16];
	char b[48];

	memset(v, 0xff, sizeof(v));
	CU_ASSERT_STRING_EQUAL(cli_u128_str(v, b, sizeof(b)),
			       "340282366920938463463374607431768211455");
	memset(v, 0, sizeof(v));
	CU_ASSERT_STRING_EQUAL(cli_u128_str(v, b, sizeof(b)), "0");
	v[1] = 1;
	CU_ASSERT_STRING_EQUAL(cli_u128_str(v, b, sizeof(b)), "256");
}

static char *show_identify(const struct nvme_id_ctrl *c, const struct nvme_id_ns *ns)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cli_show_identify(f, "/dev/ng0n2", "nvme0", c, ns, 2);
	fclose(f);
	return buf;
}

static void test_human_identify(void)
{
	struct nvme_id_ctrl *c = qemu_ctrl();
	struct nvme_id_ns *ns = ns_4k_md8();
	char *out = show_identify(c, ns);

	CU_ASSERT_PTR_NOT_NULL(strstr(out, "/dev/ng0n2: namespace 2 of controller nvme0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  model          QEMU NVMe Ctrl\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  serial         nvmeucmd0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  firmware       7.2.22\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  NVMe version   1.4.0\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  max transfer   512 KiB\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "255.5 MiB (65408 blocks)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "4096-byte blocks, 8 bytes of metadata "
				      "(separate buffer)"));
	free(out);
	free(c);
	free(ns);
}

static void test_human_id_ctrl(void)
{
	struct nvme_id_ctrl *c = qemu_ctrl();
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cli_show_id_ctrl(f, c);
	fclose(f);
	CU_ASSERT_EQUAL(strncmp(buf, "NVME Identify Controller:\n", 26), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nvid       : 0x1b36\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nieee      : 525400\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nmdts      : 7\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\ntnvmcap   : 18446744073709551621\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "\nps    0 : mp:25.00W operational"));
	free(buf);
	free(c);
}

UNIT_SUITE(cli_print, NULL, NULL,
	   UNIT_TEST(test_json_id_ctrl),
	   UNIT_TEST(test_json_id_ns),
	   UNIT_TEST(test_json_smart_log),
	   UNIT_TEST(test_json_error_log),
	   UNIT_TEST(test_u128),
	   UNIT_TEST(test_human_identify),
	   UNIT_TEST(test_human_id_ctrl))
