// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-ucmd's option parsing, on the real command tables: numbers in
 * decimal and hex with range checks, sizes, lists, choices, required
 * options, unknown options, the device argument; and the --help and man
 * text generated from the same tables.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "unit.h"

static char err[512];

/* The end of parse()'s argument list (a typed null pointer). */
#define END ((char *)NULL)

/* Parse "cmd args..." (a NULL-terminated list) into a fresh config. */
static int parse(const char *name, struct cli_common *co, void **cfg, ...)
{
	const struct cli_cmd *cmd = cli_find_cmd(name);
	char *argv[32];
	int argc = 0;
	va_list ap;

	CU_ASSERT_PTR_NOT_NULL_FATAL(cmd);
	argv[argc++] = (char *)name;
	va_start(ap, cfg);
	for (char *a; (a = va_arg(ap, char *)) && argc < 31;)
		argv[argc++] = a;
	va_end(ap);
	argv[argc] = NULL;
	memset(co, 0, sizeof(*co));
	*cfg = calloc(1, cmd->cfg_size ? cmd->cfg_size : 1);
	if (cmd->defaults)
		cmd->defaults(*cfg);
	return cli_parse(cmd, argc, argv, co, *cfg, err, sizeof(err));
}

static void test_parse_num(void)
{
	uint64_t v = 0;

	CU_ASSERT_EQUAL(cli_parse_num("42", 0, 100, false, &v), 0);
	CU_ASSERT_EQUAL(v, 42);
	CU_ASSERT_EQUAL(cli_parse_num("0x1F", 0, 100, false, &v), 0);
	CU_ASSERT_EQUAL(v, 31);
	CU_ASSERT_EQUAL(cli_parse_num("0xffffffffffffffff", 0, UINT64_MAX, false, &v), 0);
	CU_ASSERT_EQUAL(v, UINT64_MAX);
	CU_ASSERT_EQUAL(cli_parse_num("0x10000000000000000", 0, UINT64_MAX, false, &v), -ERANGE);
	CU_ASSERT_EQUAL(cli_parse_num("101", 0, 100, false, &v), -ERANGE);
	CU_ASSERT_EQUAL(cli_parse_num("0", 1, 100, false, &v), -ERANGE);
	CU_ASSERT_EQUAL(cli_parse_num("-1", 0, 100, false, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_num("", 0, 100, false, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_num("12abc", 0, 100, false, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_num("0x", 0, 100, false, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_num("4k", 0, 1 << 20, false, &v), -EINVAL);
	/* decimal or hex only, as --help says: no octal */
	CU_ASSERT_EQUAL(cli_parse_num("010", 0, 100, false, &v), 0);
	CU_ASSERT_EQUAL(v, 10);
	CU_ASSERT_EQUAL(cli_parse_num("08", 0, 100, false, &v), 0);
	CU_ASSERT_EQUAL(v, 8);
	CU_ASSERT_EQUAL(cli_parse_num("0x-1", 0, 100, false, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_num("0x 1", 0, 100, false, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_num("0X1f", 0, 100, false, &v), 0);
	CU_ASSERT_EQUAL(v, 31);
}

static void test_parse_size(void)
{
	uint64_t v = 0;

	CU_ASSERT_EQUAL(cli_parse_num("4k", 0, UINT64_MAX, true, &v), 0);
	CU_ASSERT_EQUAL(v, 4096);
	CU_ASSERT_EQUAL(cli_parse_num("1M", 0, UINT64_MAX, true, &v), 0);
	CU_ASSERT_EQUAL(v, 1 << 20);
	CU_ASSERT_EQUAL(cli_parse_num("2GiB", 0, UINT64_MAX, true, &v), 0);
	CU_ASSERT_EQUAL(v, 2ull << 30);
	CU_ASSERT_EQUAL(cli_parse_num("0x200", 0, UINT64_MAX, true, &v), 0);
	CU_ASSERT_EQUAL(v, 512);
	CU_ASSERT_EQUAL(cli_parse_num("3q", 0, UINT64_MAX, true, &v), -EINVAL);
	CU_ASSERT_EQUAL(cli_parse_num("20000000t", 0, UINT64_MAX, true, &v), -ERANGE);
}

struct rw_view {		/* the head of cmd_io.c's struct rw_cfg */
	uint64_t slba, nlb, data_size, meta_size;
};

static void test_parse_read(void)
{
	struct cli_common co;
	void *cfg;
	struct rw_view *rw;

	CU_ASSERT_EQUAL_FATAL(parse("read", &co, &cfg, "/dev/ng0n1", "-s", "0x10",
			      "--block-count=7", "-z", "4k", "--form", "compact",
			      END), 0);
	rw = cfg;
	CU_ASSERT_STRING_EQUAL(co.dev, "/dev/ng0n1");
	CU_ASSERT_EQUAL(rw->slba, 16);
	CU_ASSERT_EQUAL(rw->nlb, 7);
	CU_ASSERT_EQUAL(rw->data_size, 4096);
	CU_ASSERT_EQUAL(co.form, FORM_COMPACT);
	free(cfg);

	/* options before the device, the short form glued to its value */
	CU_ASSERT_EQUAL(parse("read", &co, &cfg, "-s5", "-c", "0", "/dev/ng1n2",
			      END), 0);
	CU_ASSERT_EQUAL(((struct rw_view *)cfg)->slba, 5);
	CU_ASSERT_STRING_EQUAL(co.dev, "/dev/ng1n2");
	free(cfg);
}

static void test_parse_errors(void)
{
	struct cli_common co;
	void *cfg;

	CU_ASSERT_EQUAL(parse("read", &co, &cfg, "/dev/ng0n1", "--bogus", END), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown option '--bogus'"));
	free(cfg);
	CU_ASSERT_EQUAL(parse("read", &co, &cfg, "/dev/ng0n1", "-Q", END), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown option '-Q'"));
	free(cfg);
	CU_ASSERT_EQUAL(parse("read", &co, &cfg, END), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "missing <device>"));
	free(cfg);
	CU_ASSERT_EQUAL(parse("read", &co, &cfg, "/dev/a", "/dev/b", END), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unexpected argument '/dev/b'"));
	free(cfg);
	CU_ASSERT_EQUAL(parse("read", &co, &cfg, "/dev/a", "--block-count=65536",
			      END), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "out of range"));
	free(cfg);
	CU_ASSERT_EQUAL(parse("read", &co, &cfg, "/dev/a", "-s", "ten", END), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "invalid number 'ten'"));
	free(cfg);
	CU_ASSERT_EQUAL(parse("read", &co, &cfg, "/dev/a", "-s", END), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "needs a value"));
	free(cfg);
	CU_ASSERT_EQUAL(parse("id-ctrl", &co, &cfg, "/dev/a", "-o", "xml", END), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "normal|json|binary"));
	free(cfg);
	CU_ASSERT_EQUAL(parse("id-ctrl", &co, &cfg, "/dev/a", "--form=fast", END), -EINVAL);
	free(cfg);
	/* read has no -o */
	CU_ASSERT_EQUAL(parse("read", &co, &cfg, "/dev/a", "-o", "json", END), -EINVAL);
	free(cfg);
	/* list takes no device */
	CU_ASSERT_EQUAL(parse("list", &co, &cfg, "/dev/a", END), -EINVAL);
	free(cfg);
}

static void test_parse_required(void)
{
	struct cli_common co;
	void *cfg;
	uint64_t *fid;

	CU_ASSERT_EQUAL(parse("get-feature", &co, &cfg, "/dev/nvme0", END), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--feature-id"));
	free(cfg);
	CU_ASSERT_EQUAL(parse("get-feature", &co, &cfg, "/dev/nvme0", "-f", "256",
			      END), -EINVAL);
	free(cfg);
	CU_ASSERT_EQUAL(parse("get-feature", &co, &cfg, "/dev/nvme0", "-f", "0x7",
			      "-o", "json", END), 0);
	fid = cfg;
	CU_ASSERT_EQUAL(*fid, 7);
	CU_ASSERT_EQUAL(co.fmt, FMT_JSON);
	free(cfg);
	CU_ASSERT_EQUAL(parse("admin-passthru", &co, &cfg, "/dev/nvme0", "-4", "1",
			      END), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "--opcode"));
	free(cfg);
	/* --help needs neither the device nor the required options */
	CU_ASSERT_EQUAL(parse("get-feature", &co, &cfg, "--help", END), 0);
	CU_ASSERT(co.help);
	free(cfg);
}

static void test_parse_defaults(void)
{
	struct cli_common co;
	void *cfg;

	/* smart-log's namespace defaults to 0xffffffff, as nvme-cli's */
	CU_ASSERT_EQUAL(parse("smart-log", &co, &cfg, "/dev/nvme0", END), 0);
	CU_ASSERT_EQUAL(*(uint64_t *)cfg, 0xffffffffu);
	CU_ASSERT_EQUAL(co.fmt, FMT_NORMAL);
	CU_ASSERT_EQUAL(co.form, FORM_AUTO);
	free(cfg);
	CU_ASSERT_EQUAL(parse("error-log", &co, &cfg, "/dev/nvme0", END), 0);
	CU_ASSERT_EQUAL(*(uint64_t *)cfg, 64);
	free(cfg);
}

struct dsm_view {		/* the head of cmd_io.c's struct dsm_cfg */
	uint64_t nsid, cdw11;
	struct cli_list ctx, blocks, slbs;
};

static void test_parse_list(void)
{
	struct cli_common co;
	void *cfg;
	struct dsm_view *d;

	CU_ASSERT_EQUAL(parse("trim", &co, &cfg, "/dev/ng0n1", "--slbs=0,0x100,7",
			      "-b", "8,8,1", END), 0);
	d = cfg;
	CU_ASSERT_EQUAL(d->slbs.n, 3);
	CU_ASSERT_EQUAL(d->slbs.v[1], 256);
	CU_ASSERT_EQUAL(d->blocks.n, 3);
	CU_ASSERT_EQUAL(d->blocks.v[2], 1);
	free(cfg);
	CU_ASSERT_EQUAL(parse("dsm", &co, &cfg, "/dev/ng0n1", "--slbs=0,,x", END),
			-EINVAL);
	free(cfg);
}

static char *capture(void (*fn)(FILE *, const struct cli_cmd *),
		     const struct cli_cmd *cmd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, cmd);
	fclose(f);
	return buf;
}

/* Every option of every command is in its --help and its man page; short
 * option letters are unique within a command. */
static void test_help_from_table(void)
{
	for (const struct cli_cmd *const *c = cli_cmds; *c; c++) {
		char *help = capture(cli_usage, *c);
		char *man = capture(cli_man, *c);
		char seen[256] = { 0 };
		char want[96];

		CU_ASSERT_PTR_NOT_NULL(strstr(help, (*c)->name));
		CU_ASSERT_PTR_NOT_NULL(strstr(help, "--help"));
		CU_ASSERT_EQUAL(strncmp(man, ".TH NVME\\-UCMD\\-", 16), 0);
		for (const struct cli_opt *o = (*c)->opts; o && o->name; o++) {
			snprintf(want, sizeof(want), "--%s", o->name);
			CU_ASSERT_PTR_NOT_NULL(strstr(help, want));
			CU_ASSERT_PTR_NOT_NULL(o->help);
			if (o->short_name) {
				CU_ASSERT_FALSE(seen[(unsigned char)o->short_name]);
				CU_ASSERT_NOT_EQUAL(o->short_name, 'o');
				CU_ASSERT_NOT_EQUAL(o->short_name, 'h');
				seen[(unsigned char)o->short_name] = 1;
			}
		}
		free(help);
		free(man);
	}
}

static void test_find_cmd(void)
{
	CU_ASSERT_PTR_EQUAL(cli_find_cmd("trim"), cli_find_cmd("dsm"));
	CU_ASSERT_PTR_NOT_NULL(cli_find_cmd("identify"));
	CU_ASSERT_PTR_NOT_NULL(cli_find_cmd("bench"));
	CU_ASSERT_PTR_NULL(cli_find_cmd("id-ctr"));
}

UNIT_SUITE(cli_opts, NULL, NULL,
	   UNIT_TEST(test_parse_num),
	   UNIT_TEST(test_parse_size),
	   UNIT_TEST(test_parse_read),
	   UNIT_TEST(test_parse_errors),
	   UNIT_TEST(test_parse_required),
	   UNIT_TEST(test_parse_defaults),
	   UNIT_TEST(test_parse_list),
	   UNIT_TEST(test_help_from_table),
	   UNIT_TEST(test_find_cmd))
