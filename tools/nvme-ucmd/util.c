// SPDX-License-Identifier: GPL-2.0
/*
 * Small helpers: the one-line error messages, status names, 128-bit
 * counters as decimal strings, aligned buffers, file input and output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/nvme_ioctl.h>
#include <nvme/types.h>
#include <nvme/util.h>

#include "cli.h"

void cli_err(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", CLI_NAME);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* "Invalid Field in Command: ..." for an NVMe status (CQE status >> 1). */
const char *cli_status_name(int status)
{
	return nvme_status_to_string(status, false);
}

/*
 * Report a failed command on one line and return the exit status (1):
 * <dev>: <what>: NVMe status <name> (0x....) or <dev>: <what>: <strerror>.
 */
int cli_cmd_err(const struct cli_dev *d, const char *what, int ret)
{
	const char *dev = d ? d->path : "-";

	if (ret > 0) {
		cli_err("%s: %s: NVMe status: %s (0x%04x)", dev, what,
			cli_status_name(ret), ret);
	} else if (ret == -EACCES || ret == -EPERM) {
		cli_err("%s: %s: %s (admin commands and raw I/O need root)", dev,
			what, strerror(-ret));
	} else if ((ret == -EOPNOTSUPP || ret == -ENOTTY) && d &&
		   d->used_form != FORM_IOCTL) {
		cli_err("%s: %s: %s (the %s form: not supported by this kernel "
			"or node; try --form auto or ioctl)", dev, what,
			strerror(-ret), cli_form_names[d->used_form]);
	} else {
		cli_err("%s: %s: %s", dev, what, strerror(-ret));
	}
	return 1;
}

/* A little-endian 128-bit counter as a decimal string. */
char *cli_u128_str(const uint8_t v[16], char *buf, size_t len)
{
	unsigned __int128 x = 0;
	char tmp[48];
	int i = sizeof(tmp) - 1;

	for (int b = 15; b >= 0; b--)
		x = (x << 8) | v[b];
	tmp[i] = 0;
	do {
		tmp[--i] = (char)('0' + (int)(x % 10));
		x /= 10;
	} while (x);
	snprintf(buf, len, "%s", tmp + i);
	return buf;
}

/* Page-aligned, zeroed: good for O_DIRECT and for any transfer. */
void *cli_alloc(size_t len)
{
	void *p;

	if (!len)
		len = 1;
	len = (len + 4095) & ~(size_t)4095;
	if (posix_memalign(&p, 4096, len))
		return NULL;
	memset(p, 0, len);
	return p;
}

static int open_in(const char *path)
{
	if (!path || !strcmp(path, "-"))
		return STDIN_FILENO;
	return open(path, O_RDONLY);
}

/* Read up to @len bytes (short at end of file: the rest stays zero). */
int cli_read_file(const char *path, void *buf, size_t len)
{
	int fd = open_in(path);
	size_t got = 0;

	if (fd < 0)
		return -errno;
	while (got < len) {
		ssize_t r = read(fd, (char *)buf + got, len - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = -errno;

			if (fd != STDIN_FILENO)
				close(fd);
			return e;
		}
		if (!r)
			break;
		got += (size_t)r;
	}
	if (fd != STDIN_FILENO)
		close(fd);
	return (int)got;
}

/* Write all of @buf to @path, or to stdout when @path is NULL or "-". */
int cli_write_out(const char *path, const void *buf, size_t len)
{
	bool out = !path || !strcmp(path, "-");
	int fd = out ? STDOUT_FILENO : open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	size_t done = 0;
	int ret = 0;

	if (fd < 0)
		return -errno;
	while (done < len) {
		ssize_t w = write(fd, (const char *)buf + done, len - done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			ret = -errno;
			break;
		}
		done += (size_t)w;
	}
	if (!out && close(fd) && !ret)
		ret = -errno;
	return ret;
}

/* nvme-cli's hex dump layout: offset, 16 bytes, ASCII. */
void cli_hexdump(FILE *f, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	fprintf(f, "       0  1  2  3  4  5  6  7  8  9  a  b  c  d  e  f\n");
	for (size_t i = 0; i < len; i += 16) {
		fprintf(f, "%04zx:", i);
		for (size_t j = 0; j < 16; j++) {
			if (i + j < len)
				fprintf(f, " %02x", p[i + j]);
			else
				fputs("   ", f);
		}
		fputs(" \"", f);
		for (size_t j = 0; j < 16 && i + j < len; j++)
			fputc(p[i + j] >= 0x20 && p[i + j] < 0x7f ? p[i + j] : '.', f);
		fputs("\"\n", f);
	}
}
