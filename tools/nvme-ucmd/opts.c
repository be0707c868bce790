// SPDX-License-Identifier: GPL-2.0
/*
 * Option parsing, --help and man pages, all generated from the command
 * table: a command's options are a struct cli_opt array whose entries say
 * where in the command's config struct each value lands.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *const cli_fmt_names[] = { "normal", "json", "binary", NULL };
const char *const cli_form_names[] = {
	"auto", "big", "compact", "indirect", "ioctl", "block", NULL
};

/* Options of every device command, stored in struct cli_common. */
static const struct cli_opt common_dev_opts[] = {
	O_CHOICE("form", 0, struct cli_common, form, cli_form_names,
		 "command form: auto (default), big (128-byte SQE, upstream), "
		 "compact or indirect (64-byte SQE), ioctl (synchronous)"),
	O_FLAG("verbose", 0, struct cli_common, verbose,
	       "say which form each command went through"),
	O_END
};

static const struct cli_opt common_out_opts[] = {
	O_CHOICE("output-format", 'o', struct cli_common, fmt, cli_fmt_names,
		 "output format: normal, json or binary"),
	O_END
};

static const struct cli_opt common_help_opts[] = {
	O_FLAG("help", 'h', struct cli_common, help, "show this help"),
	O_END
};

/*
 * Parse a number: decimal or 0x hex (a leading 0 is decimal, not octal),
 * no sign; with @size a k, m, g or t suffix multiplies by a power of 1024.
 * 0 or -EINVAL/-ERANGE.
 */
int cli_parse_num(const char *s, uint64_t min, uint64_t max, bool size,
		  uint64_t *out)
{
	unsigned long long v;
	int shift = 0, base = 10;
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	/* strtoull() would take a sign or blanks here */
	if (!(base == 16 ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s)))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (size && *end) {
		const char *u = strchr("kmgt", tolower((unsigned char)*end));

		if (!u)
			return -EINVAL;
		shift = 10 * (int)(u - "kmgt" + 1);
		end++;
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'b' || *end == 'B')
			end++;
	}
	if (*end)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	v <<= shift;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

static int parse_list(const char *s, uint64_t max, struct cli_list *l)
{
	char buf[4096], *tok, *save;
	int ret;

	if (strlen(s) >= sizeof(buf))
		return -E2BIG;
	strcpy(buf, s);
	l->n = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (l->n == CLI_LIST_MAX)
			return -E2BIG;
		ret = cli_parse_num(tok, 0, max, false, &l->v[l->n]);
		if (ret)
			return ret;
		l->n++;
	}
	return l->n ? 0 : -EINVAL;
}

static int parse_choice(const char *s, const char *const *choices)
{
	for (int i = 0; choices[i]; i++)
		if (!strcmp(s, choices[i]))
			return i;
	return -1;
}

static void errf(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

/* The option tables a command accepts, and the struct each one fills. */
struct opt_set {
	const struct cli_opt *opts;
	void *base;
};

static int opt_sets(const struct cli_cmd *cmd, struct cli_common *co, void *cfg,
		    struct opt_set sets[4])
{
	int n = 0;

	if (cmd->opts)
		sets[n++] = (struct opt_set){ cmd->opts, cfg };
	if (cmd->flags & CMD_OUTPUT)
		sets[n++] = (struct opt_set){ common_out_opts, co };
	if (cmd->flags & CMD_DEV)
		sets[n++] = (struct opt_set){ common_dev_opts, co };
	sets[n++] = (struct opt_set){ common_help_opts, co };
	return n;
}

static int store_opt(const struct cli_opt *o, void *base, const char *arg,
		     char *err, size_t errlen)
{
	void *dst = (char *)base + o->off;
	int ret = 0, i;

	switch (o->type) {
	case OPT_FLAG:
		*(bool *)dst = true;
		return 0;
	case OPT_NUM:
	case OPT_SIZE:
		ret = cli_parse_num(arg, o->min, o->max, o->type == OPT_SIZE,
				    (uint64_t *)dst);
		if (ret == -ERANGE) {
			errf(err, errlen, "--%s: %s out of range (%" PRIu64
			     "..%" PRIu64 ")", o->name, arg, o->min, o->max);
			return ret;
		}
		break;
	case OPT_STR:
		*(const char **)dst = arg;
		return 0;
	case OPT_LIST:
		ret = parse_list(arg, o->max, (struct cli_list *)dst);
		break;
	case OPT_CHOICE:
		i = parse_choice(arg, o->choices);
		if (i < 0) {
			errf(err, errlen, "--%s: '%s' is not one of", o->name, arg);
			for (i = 0; o->choices[i]; i++) {
				size_t l = strlen(err);

				snprintf(err + l, errlen - l, "%s%s", i ? "|" : " ",
					 o->choices[i]);
			}
			return -EINVAL;
		}
		*(int *)dst = i;
		return 0;
	}
	if (ret)
		errf(err, errlen, "--%s: invalid number '%s'", o->name, arg);
	return ret;
}

/*
 * Parse argv (argv[0] is the command name) into @co and @cfg, which the
 * caller has set to their defaults. 0, or -EINVAL with a message in @err.
 * co->help set means: print the usage, ignore the rest.
 */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv,
	      struct cli_common *co, void *cfg, char *err, size_t errlen)
{
	struct opt_set sets[4];
	const struct cli_opt *map[128];
	void *mapbase[128];
	struct option lo[129];
	char shorts[3 * 128 + 2] = ":";
	bool seen[128] = { false };
	int nsets = opt_sets(cmd, co, cfg, sets), n = 0, c, idx;

	for (int s = 0; s < nsets; s++) {
		for (const struct cli_opt *o = sets[s].opts; o->name; o++) {
			if (n == 128)
				return -E2BIG;
			map[n] = o;
			mapbase[n] = sets[s].base;
			lo[n] = (struct option){ o->name,
				o->type == OPT_FLAG ? no_argument : required_argument,
				NULL, 1000 + n };
			if (o->short_name) {
				size_t l = strlen(shorts);

				shorts[l++] = o->short_name;
				if (o->type != OPT_FLAG)
					shorts[l++] = ':';
				shorts[l] = 0;
			}
			n++;
		}
	}
	lo[n] = (struct option){ 0, 0, 0, 0 };

	optind = 0;	/* glibc: full re-initialisation */
	opterr = 0;
	*err = 0;
	while ((c = getopt_long(argc, argv, shorts, lo, &idx)) != -1) {
		int i = -1;

		if (c == '?') {
			if (optopt)
				errf(err, errlen, "unknown option '-%c'", optopt);
			else
				errf(err, errlen, "unknown option '%s'", argv[optind - 1]);
			return -EINVAL;
		}
		if (c == ':') {
			errf(err, errlen, "option '%s' needs a value", argv[optind - 1]);
			return -EINVAL;
		}
		if (c >= 1000) {
			i = c - 1000;
		} else {
			for (int k = 0; k < n; k++)
				if (map[k]->short_name == c)
					i = k;
		}
		if (i < 0)
			return -EINVAL;
		if (store_opt(map[i], mapbase[i], optarg, err, errlen))
			return -EINVAL;
		seen[i] = true;
	}
	if (co->help)
		return 0;

	if (cmd->flags & CMD_DEV) {
		if (optind >= argc) {
			errf(err, errlen, "missing <device> (e.g. /dev/ng0n1)");
			return -EINVAL;
		}
		co->dev = argv[optind++];
	}
	if (optind < argc) {
		errf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	for (int k = 0; k < n; k++) {
		if ((map[k]->flags & OPT_REQUIRED) && !seen[k]) {
			errf(err, errlen, "missing required option --%s", map[k]->name);
			return -EINVAL;
		}
	}
	return 0;
}

static const char *metavar(const struct cli_opt *o)
{
	switch (o->type) {
	case OPT_NUM:
		return "NUM";
	case OPT_SIZE:
		return "SIZE";
	case OPT_STR:
		return "STR";
	case OPT_LIST:
		return "LIST";
	default:
		return NULL;
	}
}

static void choices_str(const struct cli_opt *o, char *buf, size_t len)
{
	size_t l = 0;

	buf[0] = 0;
	for (int i = 0; o->choices[i] && l < len; i++)
		l += snprintf(buf + l, len - l, "%s%s", i ? "|" : "", o->choices[i]);
}

/* Print @text from column @col, wrapped before column 79. */
static void wrap(FILE *f, const char *text, int col, int first)
{
	int pos = first;

	while (*text) {
		int w = (int)strcspn(text, " ");

		if (pos > col && pos + 1 + w > 79) {
			fprintf(f, "\n%*s", col, "");
			pos = col;
		} else if (pos > col) {
			fputc(' ', f);
			pos++;
		}
		fprintf(f, "%.*s", w, text);
		pos += w;
		text += w;
		while (*text == ' ')
			text++;
	}
	fputc('\n', f);
}

static void usage_opts(FILE *f, const struct cli_opt *opts)
{
	for (const struct cli_opt *o = opts; o->name; o++) {
		char left[256], ch[96], help[512];
		const char *mv = metavar(o);
		int n;

		if (o->type == OPT_CHOICE) {
			choices_str(o, ch, sizeof(ch));
			mv = ch;
		}
		if (o->short_name)
			n = snprintf(left, sizeof(left), "  -%c, --%s%s%s", o->short_name,
				     o->name, mv ? "=" : "", mv ? mv : "");
		else
			n = snprintf(left, sizeof(left), "      --%s%s%s", o->name,
				     mv ? "=" : "", mv ? mv : "");
		snprintf(help, sizeof(help), "%s%s", o->help,
			 o->flags & OPT_REQUIRED ? " (required)" : "");
		if (n > 30) {
			fprintf(f, "%s\n%32s", left, "");
			n = 32;
		} else {
			fprintf(f, "%-32s", left);
			n = 32;
		}
		wrap(f, help, 32, n);
	}
}

/* --help of one command, from its table entry. */
void cli_usage(FILE *f, const struct cli_cmd *cmd)
{
	struct cli_common co;
	struct opt_set sets[4];
	int n = opt_sets(cmd, &co, NULL, sets);

	fprintf(f, "Usage: %s %s%s [OPTIONS]\n\n%s.\n", CLI_NAME, cmd->name,
		cmd->flags & CMD_DEV ? " <device>" : "", cmd->summary);
	if (cmd->desc) {
		fputc('\n', f);
		wrap(f, cmd->desc, 0, 0);
	}
	if (cmd->alias)
		fprintf(f, "\nAlias: %s\n", cmd->alias);
	fprintf(f, "\nOptions:\n");
	for (int s = 0; s < n; s++)
		usage_opts(f, sets[s].opts);
}

void cli_list_cmds(FILE *f)
{
	fprintf(f, "Usage: %s <command> [<device>] [OPTIONS]\n\n"
		"NVMe passthrough over io_uring (uring_cmd), with nvme-cli's option\n"
		"names and JSON keys. '%s <command> --help' describes a command.\n\n"
		"Commands:\n", CLI_NAME, CLI_NAME);
	for (const struct cli_cmd *const *c = cli_cmds; *c; c++)
		if (!((*c)->flags & CMD_HIDDEN))
			fprintf(f, "  %-15s %s\n", (*c)->name, (*c)->summary);
}

/* troff text: escape backslashes, hyphens and a leading dot. */
static void man_text(FILE *f, const char *s)
{
	if (*s == '.' || *s == '\'')
		fputs("\\&", f);
	for (; *s; s++) {
		if (*s == '-')
			fputs("\\-", f);
		else if (*s == '\\')
			fputs("\\e", f);
		else if (*s == '\n' && (s[1] == '.' || s[1] == '\''))
			fputs("\n\\&", f);
		else
			fputc(*s, f);
	}
}

static void man_opts(FILE *f, const struct cli_opt *opts)
{
	for (const struct cli_opt *o = opts; o->name; o++) {
		char ch[96];
		const char *mv = metavar(o);

		if (o->type == OPT_CHOICE) {
			choices_str(o, ch, sizeof(ch));
			mv = ch;
		}
		fputs(".TP\n", f);
		if (o->short_name)
			fprintf(f, "\\fB\\-%c\\fR, ", o->short_name);
		fputs("\\fB\\-\\-", f);
		man_text(f, o->name);
		fputs("\\fR", f);
		if (mv) {
			fputs("=\\fI", f);
			man_text(f, mv);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		man_text(f, o->help);
		fputs(o->flags & OPT_REQUIRED ? " (required)\n" : "\n", f);
	}
}

/* A command: its synopsis, text and options; @page: as a page of its own. */
static void man_cmd_body(FILE *f, const struct cli_cmd *cmd, bool page)
{
	struct cli_common co;
	struct opt_set sets[4];
	int n = opt_sets(cmd, &co, NULL, sets);

	fputs(page ? ".SH SYNOPSIS\n" : ".SS ", f);
	if (!page) {
		man_text(f, cmd->name);
		fputc('\n', f);
	}
	fputs(".B nvme\\-ucmd ", f);
	man_text(f, cmd->name);
	fprintf(f, "\n%s[\\fIOPTIONS\\fR]\n", cmd->flags & CMD_DEV ?
		".I device\n" : "");
	fputs(page ? ".SH DESCRIPTION\n" : ".PP\n", f);
	man_text(f, cmd->summary);
	fputs(".\n", f);
	if (cmd->desc) {
		fputs(".PP\n", f);
		man_text(f, cmd->desc);
		fputc('\n', f);
	}
	if (cmd->alias)
		fprintf(f, ".PP\nAlias: \\fB%s\\fR.\n", cmd->alias);
	if (page)
		fputs(".SH OPTIONS\n", f);
	for (int s = 0; s < n; s++)
		man_opts(f, sets[s].opts);
}

static const char man_exit[] =
	".SH EXIT STATUS\n"
	"0 on success; 1 when the device reports an NVMe status or a system call\n"
	"fails (the one-line message on standard error names the device, the\n"
	"status name and value, or the errno); 2 for bad usage.\n";

/* One page per command: nvme-ucmd-<cmd>(1). */
void cli_man(FILE *f, const struct cli_cmd *cmd)
{
	fputs(".TH NVME\\-UCMD\\-", f);
	for (const char *p = cmd->name; *p; p++)
		fputs(*p == '-' ? "\\-" : (char[2]){ (char)toupper((unsigned char)*p), 0 }, f);
	fputs(" 1 \"\" \"nvme-ucmd\" \"User Commands\"\n.SH NAME\nnvme\\-ucmd\\-", f);
	man_text(f, cmd->name);
	fputs(" \\- ", f);
	man_text(f, cmd->summary);
	fputc('\n', f);
	man_cmd_body(f, cmd, true);
	fputs(man_exit, f);
	fputs(".SH SEE ALSO\n.BR nvme\\-ucmd (1),\n.BR nvme (1)\n", f);
}

/* The overview page, nvme-ucmd(1), with a section per command. */
void cli_man_all(FILE *f)
{
	fputs(".TH NVME\\-UCMD 1 \"\" \"nvme-ucmd\" \"User Commands\"\n"
	      ".SH NAME\nnvme\\-ucmd \\- NVMe passthrough over io_uring uring_cmd\n"
	      ".SH SYNOPSIS\n.B nvme\\-ucmd\n.I command\n[\\fIdevice\\fR] "
	      "[\\fIOPTIONS\\fR]\n.SH DESCRIPTION\n"
	      "nvme\\-ucmd sends NVMe admin and I/O commands to the generic char\n"
	      "device of a namespace (/dev/ngXnY) or to a controller (/dev/nvmeX)\n"
	      "through io_uring's IORING_OP_URING_CMD, using libnvme\\-ucmd. Its\n"
	      "option names and JSON keys are nvme\\-cli's, so scripts can switch.\n"
	      "Numbers are decimal or 0x hexadecimal; sizes take k, m, g suffixes.\n"
	      "Block devices and partitions are refused: use the ng node.\n"
	      ".SH COMMANDS\n", f);
	for (const struct cli_cmd *const *c = cli_cmds; *c; c++)
		if (!((*c)->flags & CMD_HIDDEN))
			man_cmd_body(f, *c, false);
	fputs(man_exit, f);
	fputs(".SH SEE ALSO\n.BR nvme (1),\n.BR io_uring (7)\n", f);
}
