// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: nvme-ucmd's command line. The input is an argv of
 * NUL-separated strings, e.g. "identify\0/dev/ng0n1\0-o\0json". The first
 * string picks the command (cli_find_cmd(), names and aliases), the rest go
 * to cli_parse() on a config set to the command's defaults, as cli_main()
 * does it; "help X" and "man X" generate the usage and man text of X, as
 * does a parsed --help. Nothing is opened and no command runs: the run
 * functions would open the device and read or write the files named in
 * the arguments. Every string also goes through cli_parse_num() with one
 * of the bounds the option tables use.
 */
#include <errno.h>

#include "cli.h"
#include "fuzz.h"

#define MAX_ARGS 64

static const struct {
	uint64_t min, max;
} bounds[] = {
	{ 0, UINT64_MAX }, { 1, 0xfffffffeull }, { 0, 0xff }, { 1, 0xff },
	{ 512, 1 << 20 }, { 0, 1u << 31 }, { 4, 1 << 30 }, { 0, 0xffff },
};

/* cli_parse_num()'s promise: 0 with a value in bounds, else -EINVAL/-ERANGE. */
static void parse_num(const char *s, unsigned int i)
{
	unsigned int b = i % (sizeof(bounds) / sizeof(bounds[0]));
	uint64_t v = 0;
	int r = cli_parse_num(s, bounds[b].min, bounds[b].max, i & 1, &v);

	if (r == 0 && (v < bounds[b].min || v > bounds[b].max))
		abort();
	if (r != 0 && r != -EINVAL && r != -ERANGE)
		abort();
}

/* "help CMD" / "man CMD": the text cli_main() would print. */
static void help_text(bool man, int argc, char **argv)
{
	const struct cli_cmd *cmd = argc > 1 ? cli_find_cmd(argv[1]) : NULL;

	if (argc > 1 && !cmd)
		return;
	if (man && cmd)
		cli_man(fuzz_sink(), cmd);
	else if (man)
		cli_man_all(fuzz_sink());
	else if (cmd)
		cli_usage(fuzz_sink(), cmd);
	else
		cli_list_cmds(fuzz_sink());
}

static void parse_cmd(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_common co = { .fmt = FMT_NORMAL, .form = FORM_AUTO };
	void *cfg = calloc(1, cmd->cfg_size ? cmd->cfg_size : 1);
	char err[512];
	int r;

	if (!cfg)
		return;
	if (cmd->defaults)
		cmd->defaults(cfg);
	r = cli_parse(cmd, argc, argv, &co, cfg, err, sizeof(err));
	if (r && r != -EINVAL && r != -E2BIG)
		abort();
	if (r && !err[0] && r == -EINVAL)
		abort();	/* every refusal is explained */
	if (!r && co.help)
		cli_usage(fuzz_sink(), cmd);
	if (!r && !co.help && (cmd->flags & CMD_DEV) && !co.dev)
		abort();	/* a device command always has its <device> */
	if (!r && (co.fmt < FMT_NORMAL || co.fmt > FMT_BINARY ||
		   co.form < FORM_AUTO || co.form > FORM_BLOCK))
		abort();
	free(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[MAX_ARGS + 1];
	const struct cli_cmd *cmd;
	int argc = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;
	for (char *s = buf; s <= buf + size && argc < MAX_ARGS; s += strlen(s) + 1)
		argv[argc++] = s;
	argv[argc] = NULL;

	for (int i = 0; i < argc; i++)
		parse_num(argv[i], (unsigned int)i);
	if (!strcmp(argv[0], "help") || !strcmp(argv[0], "man")) {
		help_text(argv[0][0] == 'm', argc, argv);
	} else {
		cmd = cli_find_cmd(argv[0]);
		if (cmd)
			parse_cmd(cmd, argc, argv);
	}
	free(buf);
	return 0;
}
