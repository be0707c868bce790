// SPDX-License-Identifier: GPL-2.0
/*
 * nvme-tcp-ctrl: a fake NVMe/TCP controller on 127.0.0.1, for tests that
 * need Identify data no emulated drive presents (an LBA data size outside
 * what QEMU's nvme-ns or nvmet accept). One process, poll()-driven, plain
 * sockets: enough of NVMe/TCP (no digests, no in-capsule data offset) and
 * of the admin and NVM command sets for the Linux host to connect, scan
 * and read. Reads return a pattern: byte i of LBA L is (L + i) & 0xff.
 * Writes are accepted and dropped. Namespaces have one LBA format, no
 * metadata. The asynchronous event request is held, never completed.
 *
 * The layouts are the NVMe base and NVMe/TCP transport specifications', as
 * the Linux host has them (include/linux/nvme.h, include/linux/nvme-tcp.h);
 * offsets are spelled out here rather than taken from a library.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_NS		16
#define MAX_CONN	32
#define MAX_IOQ		8		/* I/O queues granted at most */
#define MQES		128		/* entries per queue (CAP.MQES + 1) */
#define MDTS		5		/* 2^5 4 KiB pages: 128 KiB transfers */
#define MAX_XFER	(4096u << MDTS)
#define INLINE_DATA	8192		/* I/O queue in-capsule data */
#define CMD_LEN		64
#define DEF_NQN		"nqn.2024-01.io.nvme-ucmd:fake-tcp"
#define DEF_BLOCKS	2048

/* NVMe/TCP PDU types, flags and header lengths */
enum {
	PDU_ICREQ = 0x0, PDU_ICRESP = 0x1, PDU_H2C_TERM = 0x2,
	PDU_C2H_TERM = 0x3, PDU_CMD = 0x4, PDU_RSP = 0x5,
	PDU_H2C_DATA = 0x6, PDU_C2H_DATA = 0x7, PDU_R2T = 0x9,
};
#define F_DATA_LAST	(1 << 2)
#define HDR_LEN		8
#define IC_LEN		128
#define CMD_PDU_LEN	(HDR_LEN + CMD_LEN)	/* 72 */
#define RSP_PDU_LEN	(HDR_LEN + 16)		/* 24 */
#define DATA_PDU_LEN	24			/* C2HData, H2CData, R2T */
#define TERM_PDU_LEN	24
#define RBUF_LEN	(DATA_PDU_LEN + MAX_XFER + CMD_PDU_LEN + INLINE_DATA)

/* status codes: (SCT << 8 | SC), DNR */
enum {
	SC_INVALID_OPCODE = 0x01, SC_INVALID_FIELD = 0x02,
	SC_INVALID_NS = 0x0b, SC_SGL_INVALID_DATA = 0x0f,
	SC_LBA_RANGE = 0x80, SC_CONNECT_INVALID_PARAM = 0x182,
	SC_DNR = 0x4000,
};

/* registers (properties) */
enum { REG_CAP = 0x00, REG_VS = 0x08, REG_CC = 0x14, REG_CSTS = 0x1c };
#define VS_1_3		0x00010300u

struct ns {
	unsigned int	lbads;
	uint64_t	blocks;
};

/* a write waiting for its H2CData: the transfer tag is its index */
struct pending {
	bool		used;
	uint16_t	cid;
	uint32_t	left;
};

struct conn {
	int		fd;
	bool		ic_done;
	int		qid;		/* -1 until Connect */
	uint8_t		*rbuf;
	size_t		rlen;
	struct pending	pend[MQES];
};

static struct ns nss[MAX_NS];
static unsigned int nr_ns;
static const char *nqn = DEF_NQN;
static int verbose;
static struct conn conns[MAX_CONN];
static uint32_t cc, kato, aec;
static unsigned int ioq_granted;
static bool admin_seen;
static volatile sig_atomic_t stop;
static uint8_t *xbuf;			/* data to send: MAX_XFER + 4096 */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

static uint16_t get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* space-padded string field */
static void put_str(uint8_t *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	memset(p, ' ', len);
	memcpy(p, s, n < len ? n : len);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	fputs("nvme-tcp-ctrl: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void conn_close(struct conn *c, const char *why)
{
	if (why)
		fprintf(stderr, "nvme-tcp-ctrl: queue %d: %s, closing\n", c->qid,
			why);
	say("queue %d closed\n", c->qid);
	close(c->fd);
	free(c->rbuf);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* Blocking send of the whole buffer; false when the host went away. */
static bool send_all(struct conn *c, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = send(c->fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

static void put_hdr(uint8_t *p, uint8_t type, uint8_t flags, uint8_t hlen,
		    uint8_t pdo, uint32_t plen)
{
	p[0] = type;
	p[1] = flags;
	p[2] = hlen;
	p[3] = pdo;
	put32(p + 4, plen);
}

static bool send_rsp(struct conn *c, uint16_t cid, uint16_t status,
		     uint64_t result)
{
	uint8_t p[RSP_PDU_LEN] = { 0 };

	put_hdr(p, PDU_RSP, 0, RSP_PDU_LEN, 0, RSP_PDU_LEN);
	put64(p + HDR_LEN, result);		/* cqe.result */
	put16(p + HDR_LEN + 10, c->qid);	/* sq_id */
	put16(p + HDR_LEN + 12, cid);		/* command_id */
	put16(p + HDR_LEN + 14, status << 1);	/* status, phase 0 */
	if (status)
		say("queue %d cid %#x: status %#x\n", c->qid, cid, status);
	return send_all(c, p, sizeof(p));
}

/* @len bytes of xbuf to the host in one C2HData PDU, then the response. */
static bool send_data(struct conn *c, uint16_t cid, uint32_t len)
{
	uint8_t p[DATA_PDU_LEN] = { 0 };

	if (len) {
		put_hdr(p, PDU_C2H_DATA, F_DATA_LAST, DATA_PDU_LEN,
			DATA_PDU_LEN, DATA_PDU_LEN + len);
		put16(p + 8, cid);		/* cccid */
		put32(p + 12, 0);		/* data offset */
		put32(p + 16, len);		/* data length */
		if (!send_all(c, p, sizeof(p)) || !send_all(c, xbuf, len))
			return false;
	}
	return send_rsp(c, cid, 0, 0);
}

/* The host's buffer: the SGL descriptor's length (CDW6..9). */
static uint32_t sgl_len(const uint8_t *cmd)
{
	return get32(cmd + 32);
}

static void id_ctrl(uint8_t *d)
{
	put16(d + 0, 0xffff);			/* vid: none */
	put_str(d + 4, 20, "FAKETCP0001");	/* sn */
	put_str(d + 24, 40, "nvme-ucmd fake NVMe/TCP controller"); /* mn */
	put_str(d + 64, 8, "1.0");		/* fr */
	d[77] = MDTS;
	put16(d + 78, 1);			/* cntlid */
	put32(d + 80, VS_1_3);			/* ver */
	d[111] = 1;				/* cntrltype: I/O controller */
	d[258] = 3;				/* acl */
	d[259] = 3;				/* aerl */
	put16(d + 320, 10);			/* kas: 100 ms units */
	d[512] = 0x66;				/* sqes */
	d[513] = 0x44;				/* cqes */
	put16(d + 514, MQES);			/* maxcmd */
	put32(d + 516, nr_ns);			/* nn */
	/* sgls: SGLs supported (byte aligned), in-capsule data (bit 20) */
	put32(d + 536, 1u | 1u << 20);
	memcpy(d + 768, nqn, strlen(nqn));	/* subnqn */
	put32(d + 1792, (CMD_LEN + INLINE_DATA) / 16);	/* ioccsz */
	put32(d + 1796, 1);			/* iorcsz: 16 bytes */
	d[1803] = 1;				/* msdbd */
}

static void nguid(uint8_t *p, unsigned int nsid)
{
	memcpy(p, "nvme-ucmd-fk", 12);
	put32(p + 12, nsid);
}

static void id_ns(uint8_t *d, const struct ns *ns, unsigned int nsid)
{
	put64(d + 0, ns->blocks);		/* nsze */
	put64(d + 8, ns->blocks);		/* ncap */
	put64(d + 16, ns->blocks);		/* nuse */
	d[25] = 0;				/* nlbaf: one format */
	d[26] = 0;				/* flbas: format 0 */
	nguid(d + 104, nsid);
	d[128 + 2] = ns->lbads;			/* lbaf[0].ds, ms 0 */
}

static void admin_identify(struct conn *c, const uint8_t *cmd, uint16_t cid)
{
	uint32_t nsid = get32(cmd + 4), len = sgl_len(cmd), i, n = 0;
	uint8_t cns = cmd[40];

	memset(xbuf, 0, 4096);
	switch (cns) {
	case 0x00:
		if (nsid < 1 || nsid > nr_ns) {
			send_rsp(c, cid, SC_INVALID_NS | SC_DNR, 0);
			return;
		}
		id_ns(xbuf, &nss[nsid - 1], nsid);
		break;
	case 0x01:
		id_ctrl(xbuf);
		break;
	case 0x02:
		for (i = nsid + 1; i <= nr_ns && nsid < 0xfffffffe; i++)
			put32(xbuf + 4 * n++, i);
		break;
	case 0x03:
		if (nsid < 1 || nsid > nr_ns) {
			send_rsp(c, cid, SC_INVALID_NS | SC_DNR, 0);
			return;
		}
		xbuf[0] = 2;				/* NIDT: NGUID */
		xbuf[1] = 16;				/* NIDL */
		nguid(xbuf + 4, nsid);
		break;
	default:
		send_rsp(c, cid, SC_INVALID_FIELD | SC_DNR, 0);
		return;
	}
	send_data(c, cid, len < 4096 ? len : 4096);
}

static void admin_features(struct conn *c, const uint8_t *cmd, uint16_t cid,
			   bool set)
{
	uint8_t fid = cmd[40];
	uint32_t v = get32(cmd + 44), nsq, ncq;

	switch (fid) {
	case 0x07:				/* Number of Queues */
		if (set) {
			nsq = (v & 0xffff) + 1;
			ncq = (v >> 16) + 1;
			if (nsq == 0x10000 || ncq == 0x10000) {
				send_rsp(c, cid, SC_INVALID_FIELD | SC_DNR, 0);
				return;
			}
			ioq_granted = nsq < ncq ? nsq : ncq;
			if (ioq_granted > MAX_IOQ)
				ioq_granted = MAX_IOQ;
		}
		v = ioq_granted ? (ioq_granted - 1) * 0x10001u : 0;
		break;
	case 0x0b:				/* Asynchronous Event Config */
		if (set)
			aec = v;
		v = aec;
		break;
	case 0x0f:				/* Keep Alive Timer */
		if (set)
			kato = v;
		v = kato;
		break;
	default:
		send_rsp(c, cid, SC_INVALID_FIELD | SC_DNR, 0);
		return;
	}
	send_rsp(c, cid, 0, v);
}

static void admin_get_log(struct conn *c, const uint8_t *cmd, uint16_t cid)
{
	uint64_t numd = (get32(cmd + 40) >> 16 | (uint64_t)get16(cmd + 44) << 16) + 1;
	uint64_t len = numd * 4;

	if (len > sgl_len(cmd))
		len = sgl_len(cmd);
	if (len > MAX_XFER) {
		send_rsp(c, cid, SC_INVALID_FIELD | SC_DNR, 0);
		return;
	}
	memset(xbuf, 0, len);
	send_data(c, cid, len);
}

static uint64_t reg_read(uint32_t off, bool *ok)
{
	*ok = true;
	switch (off) {
	case REG_CAP:
		/* MQES, CQR, TO 7.5 s, CSS: NVM, MPSMIN = MPSMAX = 0 (4 KiB) */
		return (MQES - 1) | 1ull << 16 | 15ull << 24 | 1ull << 37;
	case REG_VS:
		return VS_1_3;
	case REG_CC:
		return cc;
	case REG_CSTS:
		/* RDY follows EN; a shutdown completes at once */
		return (cc & 1) | (((cc >> 14) & 3) ? 2u << 2 : 0);
	default:
		*ok = false;
		return 0;
	}
}

static void fabrics_connect(struct conn *c, const uint8_t *cmd, uint16_t cid,
			    const uint8_t *data, size_t dlen)
{
	uint16_t qid = get16(cmd + 42), cntlid;
	/* Invalid Parameter in the connect data: at subnqn (256) or cntlid */
	uint64_t bad_nqn = 256u << 16 | 1, bad_cntlid = 16u << 16 | 1;

	if (dlen < 1024 || c->qid >= 0) {
		send_rsp(c, cid, SC_INVALID_FIELD | SC_DNR, 0);
		return;
	}
	if (strncmp((const char *)data + 256, nqn, 256)) {
		fprintf(stderr, "nvme-tcp-ctrl: connect to unknown subsystem %.256s\n",
			data + 256);
		send_rsp(c, cid, SC_CONNECT_INVALID_PARAM | SC_DNR, bad_nqn);
		return;
	}
	cntlid = get16(data + 16);
	if (qid == 0) {
		if (cntlid != 0xffff) {
			send_rsp(c, cid, SC_CONNECT_INVALID_PARAM | SC_DNR,
				 bad_cntlid);
			return;
		}
		/* a new association: the controller starts disabled */
		cc = 0;
		admin_seen = true;
	} else if (cntlid != 1 || qid > ioq_granted) {
		send_rsp(c, cid, SC_CONNECT_INVALID_PARAM | SC_DNR,
			 cntlid != 1 ? bad_cntlid : 42u << 16);
		return;
	}
	c->qid = qid;
	say("queue %u connected (sqsize %u, kato %u)\n", qid,
	    get16(cmd + 44), get32(cmd + 48));
	send_rsp(c, cid, 0, 1);			/* result: cntlid */
}

static void fabrics_cmd(struct conn *c, const uint8_t *cmd, uint16_t cid,
			const uint8_t *data, size_t dlen)
{
	uint32_t off = get32(cmd + 44);
	uint64_t v;
	bool ok;

	if (cmd[4] == 0x01) {
		fabrics_connect(c, cmd, cid, data, dlen);
		return;
	}
	if (c->qid != 0) {
		send_rsp(c, cid, SC_INVALID_FIELD | SC_DNR, 0);
		return;
	}
	switch (cmd[4]) {
	case 0x00:				/* Property Set */
		if (off != REG_CC) {
			send_rsp(c, cid, SC_INVALID_FIELD | SC_DNR, 0);
			return;
		}
		cc = get64(cmd + 48);
		say("CC %#x\n", cc);
		send_rsp(c, cid, 0, 0);
		return;
	case 0x04:				/* Property Get */
		v = reg_read(off, &ok);
		send_rsp(c, cid, ok ? 0 : SC_INVALID_FIELD | SC_DNR, v);
		return;
	default:
		send_rsp(c, cid, SC_INVALID_FIELD | SC_DNR, 0);
	}
}

static void admin_cmd(struct conn *c, const uint8_t *cmd, uint16_t cid)
{
	switch (cmd[0]) {
	case 0x06:
		admin_identify(c, cmd, cid);
		break;
	case 0x09:
	case 0x0a:
		admin_features(c, cmd, cid, cmd[0] == 0x09);
		break;
	case 0x02:
		admin_get_log(c, cmd, cid);
		break;
	case 0x18:				/* Keep Alive */
		send_rsp(c, cid, 0, 0);
		break;
	case 0x0c:				/* Asynchronous Event Request */
		say("AER cid %#x held\n", cid);
		break;
	default:
		send_rsp(c, cid, SC_INVALID_OPCODE | SC_DNR, 0);
	}
}

/* The namespace of an I/O command, or NULL after a status was sent. */
static const struct ns *io_ns(struct conn *c, const uint8_t *cmd,
			      uint16_t cid)
{
	uint32_t nsid = get32(cmd + 4);

	if (nsid < 1 || nsid > nr_ns) {
		send_rsp(c, cid, SC_INVALID_NS | SC_DNR, 0);
		return NULL;
	}
	return &nss[nsid - 1];
}

static void io_read(struct conn *c, const uint8_t *cmd, uint16_t cid)
{
	const struct ns *ns = io_ns(c, cmd, cid);
	uint64_t slba = get64(cmd + 40), nlb = get16(cmd + 48) + 1ull, i;
	uint32_t len = sgl_len(cmd), bs;
	uint64_t xfer;

	if (!ns)
		return;
	/* the transfer the command asks for, in this namespace's blocks */
	xfer = ns->lbads < 32 ? nlb << ns->lbads : UINT64_MAX;
	say("read nsid %u slba %llu nlb %llu: %llu bytes, host buffer %u\n",
	    get32(cmd + 4), (unsigned long long)slba, (unsigned long long)nlb,
	    (unsigned long long)xfer, len);
	if (xfer > len || xfer > MAX_XFER) {
		send_rsp(c, cid, SC_SGL_INVALID_DATA | SC_DNR, 0);
		return;
	}
	if (slba >= ns->blocks || nlb > ns->blocks - slba) {
		send_rsp(c, cid, SC_LBA_RANGE | SC_DNR, 0);
		return;
	}
	bs = 1u << ns->lbads;
	for (i = 0; i < xfer; i++)
		xbuf[i] = (slba + i / bs + i % bs) & 0xff;
	send_data(c, cid, xfer);
}

/* A write: its data in the capsule, or asked for with an R2T. */
static void io_write(struct conn *c, const uint8_t *cmd, uint16_t cid,
		     size_t dlen)
{
	uint8_t p[DATA_PDU_LEN] = { 0 };
	uint32_t len = sgl_len(cmd);
	unsigned int t;

	if (!io_ns(c, cmd, cid))
		return;
	if (dlen || !len) {
		/* in-capsule (or nothing): dropped */
		send_rsp(c, cid, dlen == len ? 0 : SC_SGL_INVALID_DATA | SC_DNR,
			 0);
		return;
	}
	for (t = 0; t < MQES && c->pend[t].used; t++)
		;
	if (t == MQES || len > MAX_XFER) {
		send_rsp(c, cid, SC_INVALID_FIELD | SC_DNR, 0);
		return;
	}
	c->pend[t] = (struct pending){ .used = true, .cid = cid, .left = len };
	put_hdr(p, PDU_R2T, 0, DATA_PDU_LEN, 0, DATA_PDU_LEN);
	put16(p + 8, cid);
	put16(p + 10, t);			/* ttag */
	put32(p + 12, 0);			/* r2t offset */
	put32(p + 16, len);			/* r2t length */
	send_all(c, p, sizeof(p));
}

static void io_cmd(struct conn *c, const uint8_t *cmd, uint16_t cid,
		   size_t dlen)
{
	switch (cmd[0]) {
	case 0x00:				/* Flush */
		if (io_ns(c, cmd, cid))
			send_rsp(c, cid, 0, 0);
		break;
	case 0x01:
		io_write(c, cmd, cid, dlen);
		break;
	case 0x02:
		io_read(c, cmd, cid);
		break;
	default:
		send_rsp(c, cid, SC_INVALID_OPCODE | SC_DNR, 0);
	}
}

static bool h2c_data(struct conn *c, const uint8_t *pdu, uint32_t plen)
{
	uint16_t cid = get16(pdu + 8), ttag = get16(pdu + 10);
	uint32_t dlen = get32(pdu + 16);
	struct pending *w;

	if (ttag >= MQES || !c->pend[ttag].used || c->pend[ttag].cid != cid ||
	    pdu[3] < DATA_PDU_LEN || plen - pdu[3] != dlen ||
	    dlen > c->pend[ttag].left)
		return false;
	w = &c->pend[ttag];
	w->left -= dlen;
	if (!w->left) {
		w->used = false;
		return send_rsp(c, cid, 0, 0);
	}
	return true;
}

static bool ic_req(struct conn *c, const uint8_t *pdu, uint32_t plen)
{
	uint8_t p[IC_LEN] = { 0 };

	if (pdu[0] != PDU_ICREQ || plen != IC_LEN || get16(pdu + 8) != 0)
		return false;
	if (pdu[11])
		fprintf(stderr, "nvme-tcp-ctrl: host asks for digests (%#x): not offered\n",
			pdu[11]);
	put_hdr(p, PDU_ICRESP, 0, IC_LEN, 0, IC_LEN);
	put16(p + 8, 0);			/* pfv 1.0 */
	p[10] = 0;				/* cpda */
	p[11] = 0;				/* no digests */
	put32(p + 12, MAX_XFER);		/* maxh2cdata */
	c->ic_done = true;
	return send_all(c, p, sizeof(p));
}

/* One whole PDU of @plen bytes at c->rbuf: false to drop the connection. */
static bool handle_pdu(struct conn *c, uint32_t plen)
{
	const uint8_t *pdu = c->rbuf, *cmd = pdu + HDR_LEN, *data = NULL;
	size_t dlen = 0;
	uint16_t cid;

	if (!c->ic_done)
		return ic_req(c, pdu, plen);
	switch (pdu[0]) {
	case PDU_CMD:
		if (pdu[2] != CMD_PDU_LEN || plen < CMD_PDU_LEN)
			return false;
		if (pdu[3]) {
			if (pdu[3] < CMD_PDU_LEN || pdu[3] > plen)
				return false;
			data = pdu + pdu[3];
			dlen = plen - pdu[3];
		}
		cid = get16(cmd + 2);
		if (cmd[0] == 0x7f)
			fabrics_cmd(c, cmd, cid, data, dlen);
		else if (c->qid < 0)
			send_rsp(c, cid, SC_INVALID_OPCODE | SC_DNR, 0);
		else if (c->qid == 0)
			admin_cmd(c, cmd, cid);
		else
			io_cmd(c, cmd, cid, dlen);
		return true;
	case PDU_H2C_DATA:
		return h2c_data(c, pdu, plen);
	case PDU_H2C_TERM:
		fprintf(stderr, "nvme-tcp-ctrl: queue %d: host terminated (fes %#x)\n",
			c->qid, get16(pdu + 8));
		return false;
	default:
		return false;
	}
}

/* Read what the socket has and handle every whole PDU. */
static void conn_input(struct conn *c)
{
	ssize_t n = recv(c->fd, c->rbuf + c->rlen, RBUF_LEN - c->rlen, 0);
	uint32_t plen;

	if (n < 0 && errno == EINTR)
		return;
	if (n <= 0) {
		conn_close(c, n < 0 ? strerror(errno) : NULL);
		return;
	}
	c->rlen += n;
	while (c->rlen >= HDR_LEN) {
		plen = get32(c->rbuf + 4);
		if (plen < HDR_LEN || plen > RBUF_LEN || c->rbuf[2] > plen) {
			conn_close(c, "malformed PDU header");
			return;
		}
		if (c->rlen < plen)
			return;
		if (!handle_pdu(c, plen)) {
			conn_close(c, "protocol error");
			return;
		}
		c->rlen -= plen;
		memmove(c->rbuf, c->rbuf + plen, c->rlen);
	}
}

static void accept_conn(int lfd)
{
	int fd = accept(lfd, NULL, NULL), one = 1;
	unsigned int i;

	if (fd < 0)
		return;
	for (i = 0; i < MAX_CONN && conns[i].fd >= 0; i++)
		;
	if (i == MAX_CONN) {
		fprintf(stderr, "nvme-tcp-ctrl: too many connections\n");
		close(fd);
		return;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	conns[i].rbuf = malloc(RBUF_LEN);
	if (!conns[i].rbuf) {
		close(fd);
		return;
	}
	conns[i].fd = fd;
	conns[i].qid = -1;
	say("connection %u accepted\n", i);
}

static int listen_on(unsigned int port, unsigned int *bound)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0) {
		perror("nvme-tcp-ctrl: socket");
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons(port);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 16) ||
	    getsockname(fd, (struct sockaddr *)&a, &alen)) {
		fprintf(stderr, "nvme-tcp-ctrl: 127.0.0.1:%u: %s\n", port,
			strerror(errno));
		close(fd);
		return -1;
	}
	*bound = ntohs(a.sin_port);
	return fd;
}

static void on_signal(int sig)
{
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f,
"usage: nvme-tcp-ctrl [-p PORT] [-N NQN] [-b BLOCKS] [-r FILE] [-v] -n LBADS...\n"
"A fake NVMe/TCP controller (no digests) on 127.0.0.1 for tests: one\n"
"subsystem, one controller (cntlid 1), NVMe 1.3. Reads return byte\n"
"(LBA + offset in the block) & 0xff; writes are accepted and dropped.\n"
"  -n LBADS   add a namespace (nsid 1, 2, ... in order) with one LBA format\n"
"             of 2^LBADS bytes (0..255, any: that is the point), no\n"
"             metadata; at least one, at most %d\n"
"  -b BLOCKS  size of the namespaces added after it (default %d)\n"
"  -p PORT    TCP port (default 4420; 0: a free one)\n"
"  -N NQN     subsystem NQN (default %s)\n"
"  -r FILE    once listening, write the port to FILE; without -r, print\n"
"             \"ready PORT\" on stdout\n"
"  -v         log connections and commands on stderr\n"
"Exits 0 on SIGTERM or SIGINT, or when the host has connected and closed\n"
"every connection (disconnect); 1 on errors, 2 on bad usage.\n",
		MAX_NS, DEF_BLOCKS, DEF_NQN);
}

static bool parse_num(const char *s, unsigned long long max,
		      unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && end != s && !*end && *s != '-' && *v <= max;
}

int main(int argc, char **argv)
{
	unsigned long long v, blocks = DEF_BLOCKS;
	unsigned int port = 4420, bound, i, n;
	struct pollfd pfd[MAX_CONN + 1];
	struct conn *who[MAX_CONN + 1];
	const char *ready = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block, old;
	int opt, lfd;

	while ((opt = getopt(argc, argv, "n:b:p:N:r:vh")) != -1) {
		switch (opt) {
		case 'n':
			if (nr_ns == MAX_NS || !parse_num(optarg, 255, &v)) {
				fprintf(stderr, "nvme-tcp-ctrl: -n %s: want 0..255, at most %d namespaces\n",
					optarg, MAX_NS);
				return 2;
			}
			nss[nr_ns].lbads = v;
			nss[nr_ns++].blocks = blocks;
			break;
		case 'b':
			if (!parse_num(optarg, UINT32_MAX, &blocks) || !blocks) {
				fprintf(stderr, "nvme-tcp-ctrl: -b %s: want 1..2^32-1\n",
					optarg);
				return 2;
			}
			break;
		case 'p':
			if (!parse_num(optarg, 65535, &v)) {
				fprintf(stderr, "nvme-tcp-ctrl: -p %s: want 0..65535\n",
					optarg);
				return 2;
			}
			port = v;
			break;
		case 'N':
			if (!*optarg || strlen(optarg) > 223) {
				fprintf(stderr, "nvme-tcp-ctrl: -N: 1..223 characters\n");
				return 2;
			}
			nqn = optarg;
			break;
		case 'r':
			ready = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !nr_ns) {
		usage(stderr);
		return 2;
	}
	xbuf = malloc(MAX_XFER + 4096);
	if (!xbuf) {
		fprintf(stderr, "nvme-tcp-ctrl: out of memory\n");
		return 1;
	}
	for (i = 0; i < MAX_CONN; i++)
		conns[i].fd = -1;

	/* the signals arrive only inside ppoll(): no lost wakeup */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &old);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	lfd = listen_on(port, &bound);
	if (lfd < 0)
		return 1;
	if (ready) {
		FILE *f = fopen(ready, "w");

		if (!f || fprintf(f, "%u\n", bound) < 0 || fclose(f)) {
			fprintf(stderr, "nvme-tcp-ctrl: %s: %s\n", ready,
				strerror(errno));
			return 1;
		}
	} else {
		printf("ready %u\n", bound);
		fflush(stdout);
	}

	while (!stop) {
		unsigned int open = 0;

		n = 0;
		pfd[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (i = 0; i < MAX_CONN; i++) {
			if (conns[i].fd < 0)
				continue;
			who[n] = &conns[i];
			pfd[n++] = (struct pollfd){ .fd = conns[i].fd,
						    .events = POLLIN };
			open++;
		}
		if (admin_seen && !open) {
			say("host disconnected\n");
			break;
		}
		if (ppoll(pfd, n, NULL, &old) < 0) {
			if (errno == EINTR)
				continue;
			perror("nvme-tcp-ctrl: poll");
			return 1;
		}
		for (i = 1; i < n; i++)
			if (pfd[i].revents)
				conn_input(who[i]);
		if (pfd[0].revents & POLLIN)
			accept_conn(lfd);
	}
	for (i = 0; i < MAX_CONN; i++)
		if (conns[i].fd >= 0)
			conn_close(&conns[i], NULL);
	close(lfd);
	free(xbuf);
	return 0;
}
