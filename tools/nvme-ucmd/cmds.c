// SPDX-License-Identifier: GPL-2.0
/*
 * The command table and the dispatcher: find the command, parse its options,
 * open its device, run it. Exit status: 0 success, 1 failure (device or
 * system call), 2 bad usage.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"

const struct cli_cmd *const cli_cmds[] = {
	&cmd_identify, &cmd_list, &cmd_id_ctrl, &cmd_id_ns, &cmd_smart_log,
	&cmd_error_log, &cmd_get_log, &cmd_get_feature, &cmd_set_feature,
	&cmd_read, &cmd_write, &cmd_compare, &cmd_flush, &cmd_write_zeroes,
	&cmd_dsm, &cmd_admin_passthru, &cmd_io_passthru, &cmd_bench,
	NULL
};

const struct cli_cmd *cli_find_cmd(const char *name)
{
	for (const struct cli_cmd *const *c = cli_cmds; *c; c++)
		if (!strcmp((*c)->name, name) ||
		    ((*c)->alias && !strcmp((*c)->alias, name)))
			return *c;
	return NULL;
}

static int run_cmd(const struct cli_cmd *cmd, int argc, char **argv)
{
	struct cli_common co = { .fmt = FMT_NORMAL, .form = FORM_AUTO };
	struct cli_dev d;
	char err[512];
	void *cfg = calloc(1, cmd->cfg_size ? cmd->cfg_size : 1);
	int ret;

	if (!cfg)
		return 1;
	if (cmd->defaults)
		cmd->defaults(cfg);
	if (cli_parse(cmd, argc, argv, &co, cfg, err, sizeof(err))) {
		cli_err("%s: %s (see '%s %s --help')", cmd->name, err, CLI_NAME,
			cmd->name);
		ret = 2;
	} else if (co.help) {
		cli_usage(stdout, cmd);
		ret = 0;
	} else if (!(cmd->flags & CMD_DEV)) {
		ret = cmd->run_nodev(&co, cfg);
	} else if (cli_dev_open(&d, co.dev, co.form, cmd->flags & CMD_NS)) {
		ret = 1;
	} else {
		d.verbose = co.verbose;
		ret = cmd->run(&d, &co, cfg);
		cli_dev_close(&d);
	}
	free(cfg);
	return ret;
}

/* `nvme-ucmd help [command]`, and the hidden `nvme-ucmd man [command]`. */
static int help_or_man(bool man, int argc, char **argv)
{
	const struct cli_cmd *cmd = argc > 1 ? cli_find_cmd(argv[1]) : NULL;

	if (argc > 1 && !cmd) {
		cli_err("unknown command '%s' (see '%s help')", argv[1], CLI_NAME);
		return 2;
	}
	if (man && cmd)
		cli_man(stdout, cmd);
	else if (man)
		cli_man_all(stdout);
	else if (cmd)
		cli_usage(stdout, cmd);
	else
		cli_list_cmds(stdout);
	return 0;
}

int cli_main(int argc, char **argv)
{
	const struct cli_cmd *cmd;

	if (argc < 2) {
		cli_list_cmds(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h"))
		return help_or_man(false, argc - 1, argv + 1);
	if (!strcmp(argv[1], "man"))
		return help_or_man(true, argc - 1, argv + 1);
	if (!strcmp(argv[1], "version") || !strcmp(argv[1], "--version")) {
		printf("%s version %s\n", CLI_NAME, NVME_UCMD_VERSION);
		return 0;
	}
	cmd = cli_find_cmd(argv[1]);
	if (!cmd) {
		cli_err("unknown command '%s' (see '%s help')", argv[1], CLI_NAME);
		return 2;
	}
	return run_cmd(cmd, argc - 1, argv + 1);
}
