/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvme-ucmd: the command-line tool. Subcommands are rows of one table
 * (cmds.c); each names its options (a table too, parsed by opts.c into the
 * command's own config struct), a run function, and the help text that
 * --help and the man pages are generated from.
 */
#ifndef NVME_UCMD_CLI_H
#define NVME_UCMD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_NAME "nvme-ucmd"

/* -------- options (opts.c) -------- */

enum cli_opt_type {
	OPT_FLAG,	/* bool, no argument */
	OPT_NUM,	/* uint64_t, decimal or 0x hex, checked against max */
	OPT_SIZE,	/* uint64_t, with an optional k/m/g (binary) suffix */
	OPT_STR,	/* const char * */
	OPT_LIST,	/* struct cli_list: comma-separated numbers */
	OPT_CHOICE,	/* int: index of the argument in choices[] */
};

#define OPT_REQUIRED	(1u << 0)

struct cli_opt {
	const char *name;		/* long name, without "--" */
	char short_name;		/* 0: none */
	enum cli_opt_type type;
	size_t off;			/* offset of the value in the config */
	uint64_t min, max;		/* OPT_NUM/OPT_SIZE/OPT_LIST bounds */
	const char *const *choices;	/* OPT_CHOICE, NULL-terminated */
	unsigned int flags;		/* OPT_REQUIRED */
	const char *help;
};

#define CLI_LIST_MAX 256
struct cli_list {
	unsigned int n;
	uint64_t v[CLI_LIST_MAX];
};

/* Helpers for option tables; T is the config struct type. */
#define O_FLAG(l, s, T, f, h) \
	{ .name = l, .short_name = s, .type = OPT_FLAG, .off = offsetof(T, f), .help = h }
#define O_NUM(l, s, T, f, lo, hi, h) \
	{ .name = l, .short_name = s, .type = OPT_NUM, .off = offsetof(T, f), \
	  .min = lo, .max = hi, .help = h }
#define O_SIZE(l, s, T, f, lo, hi, h) \
	{ .name = l, .short_name = s, .type = OPT_SIZE, .off = offsetof(T, f), \
	  .min = lo, .max = hi, .help = h }
#define O_STR(l, s, T, f, h) \
	{ .name = l, .short_name = s, .type = OPT_STR, .off = offsetof(T, f), .help = h }
#define O_LIST(l, s, T, f, hi, h) \
	{ .name = l, .short_name = s, .type = OPT_LIST, .off = offsetof(T, f), \
	  .max = hi, .help = h }
#define O_CHOICE(l, s, T, f, c, h) \
	{ .name = l, .short_name = s, .type = OPT_CHOICE, .off = offsetof(T, f), \
	  .choices = c, .help = h }
#define O_END { .name = NULL }

/* -------- commands (cmds.c) -------- */

enum cli_fmt { FMT_NORMAL, FMT_JSON, FMT_BINARY };

/* Command forms: how a command reaches the device (--form). */
enum cli_form {
	FORM_AUTO,	/* libnvme-ucmd's probe: compact, big or ioctl */
	FORM_BIG,	/* upstream: 128-byte SQE, struct nvme_uring_cmd */
	FORM_COMPACT,	/* ours: LBA I/O inline in a 64-byte SQE */
	FORM_INDIRECT,	/* ours: 64-byte SQE -> struct nvme_passthru_cmd64 */
	FORM_IOCTL,	/* synchronous NVME_IOCTL_{ADMIN,IO}64_CMD */
	FORM_BLOCK,	/* bench only: O_DIRECT io_uring on the block device */
};

/* Options every device command takes; parsed with the command's own. */
struct cli_common {
	const char *dev;	/* the positional argument */
	int fmt;		/* enum cli_fmt (-o) */
	int form;		/* enum cli_form (--form) */
	bool verbose;
	bool help;
};

#define CMD_DEV		(1u << 0)	/* takes <device> */
#define CMD_OUTPUT	(1u << 1)	/* takes -o normal|json|binary */
#define CMD_NS		(1u << 2)	/* needs a namespace node */
#define CMD_HIDDEN	(1u << 3)	/* not listed by `help` */

struct cli_dev;

struct cli_cmd {
	const char *name;
	const char *alias;		/* e.g. "trim" for dsm */
	const char *summary;		/* one line */
	const char *desc;		/* paragraph for --help and the man page */
	const struct cli_opt *opts;	/* O_END-terminated */
	size_t cfg_size;
	void (*defaults)(void *cfg);	/* may be NULL: config zeroed */
	unsigned int flags;		/* CMD_* */
	int (*run)(struct cli_dev *dev, struct cli_common *co, void *cfg);
	int (*run_nodev)(struct cli_common *co, void *cfg);
};

extern const struct cli_cmd *const cli_cmds[];	/* NULL-terminated */
extern const char *const cli_fmt_names[];
extern const char *const cli_form_names[];

const struct cli_cmd *cli_find_cmd(const char *name);
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv,
	      struct cli_common *co, void *cfg, char *err, size_t errlen);
int cli_parse_num(const char *s, uint64_t min, uint64_t max, bool size,
		  uint64_t *out);
void cli_usage(FILE *f, const struct cli_cmd *cmd);
void cli_man(FILE *f, const struct cli_cmd *cmd);
void cli_man_all(FILE *f);
void cli_list_cmds(FILE *f);
int cli_main(int argc, char **argv);

/* -------- devices (dev.c) -------- */

enum cli_dev_kind { DEV_CTRL, DEV_NS };

struct nvmeu_dev;

/* A node opened through libnvme-ucmd; every command goes through @h. */
struct cli_dev {
	const char *path;
	struct nvmeu_dev *h;	/* the library's handle */
	enum cli_dev_kind kind;
	char name[64];		/* ng0n1, nvme0 */
	char ctrl[64];		/* nvme0 */
	unsigned int nsid;	/* namespace nodes */
	int form;		/* requested enum cli_form */
	int used_form;		/* the form the last command went through */
	bool verbose;		/* report the form of every command */
	bool admin_tried;	/* routing admin commands to the controller */
};

int cli_dev_check(const char *path, struct cli_dev *d, char *err, size_t errlen);
int cli_dev_open(struct cli_dev *d, const char *path, int form, bool need_ns);
void cli_dev_close(struct cli_dev *d);

/*
 * Run one command: 0, a positive NVMe status (CQE status field without the
 * phase bit) or a negative errno; cmd->result holds the CQE result.
 */
struct nvme_passthru_cmd64;
int cli_admin(struct cli_dev *d, struct nvme_passthru_cmd64 *cmd);
int cli_io(struct cli_dev *d, struct nvme_passthru_cmd64 *cmd);

/* -------- errors and helpers (util.c) -------- */

void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_cmd_err(const struct cli_dev *d, const char *what, int ret);
const char *cli_status_name(int status);
char *cli_u128_str(const uint8_t v[16], char *buf, size_t len);
void *cli_alloc(size_t len);
int cli_read_file(const char *path, void *buf, size_t len);
int cli_write_out(const char *path, const void *buf, size_t len);
void cli_hexdump(FILE *f, const void *buf, size_t len);

#endif
