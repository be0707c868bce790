// SPDX-License-Identifier: GPL-2.0
/*
 * ul-20-admin-FORM: the synchronous admin functions in one form, on the
 * controller node (where admin commands take the form's path) and on
 * /dev/ng0n1 (where the library sends them by ioctl): identify controller,
 * namespace, active namespace list and a raw CNS; the SMART, error,
 * firmware slot logs and a raw log read at an offset; get and set features
 * (set, read back, restore); nvmeu_admin_passthru(). Every answer is
 * compared byte for byte with the same command sent by the raw ioctl.
 *
 * Without CAP_SYS_ADMIN only Identify (controller, namespace) is allowed,
 * and only through uring_cmd on the controller node: the other commands,
 * the ng0n1 half (admin by ioctl) and the ioctl comparisons are left out;
 * Identify Controller is compared with sysfs instead.
 */
#include <endian.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "userlib_lib.h"

static const char *where;	/* the node the checks run on */

/* The library's command @what was refused to this user: leave it out. */
static bool refused(int r, const char *what)
{
	if (!ul_denied(r))
		return false;
	ul_skip_part("%s: %s: %s: needs CAP_SYS_ADMIN", where, what,
		     nvmeu_strerror(r));
	return true;
}

/* The reference ioctl's answer @rr was refused: no comparison. */
static bool ioctl_refused(int rr, const char *what)
{
	char w[128];

	snprintf(w, sizeof(w), "%s: %s", where, what);
	return ul_ioctl_denied(rr, w);
}

/* The same admin command through NVME_IOCTL_ADMIN64_CMD into @buf. */
static int raw_admin(struct nvmeu_dev *dev, __u8 op, __u32 nsid, __u32 c10,
		     __u32 c11, __u32 c12, void *buf, __u32 len, __u64 *res)
{
	struct nvme_passthru_cmd64 cmd = { 0 };
	int r;

	cmd.opcode = op;
	cmd.nsid = nsid;
	cmd.addr = (__u64)(uintptr_t)buf;
	cmd.data_len = len;
	cmd.cdw10 = c10;
	cmd.cdw11 = c11;
	cmd.cdw12 = c12;
	r = ul_ioctl(nvmeu_dev_fd(dev), true, &cmd);
	if (res)
		*res = cmd.result;
	return r;
}

/* @got (the library's, returned @r) equals the raw ioctl's @want (@rr). */
static void same(int r, const void *got, int rr, const void *want, size_t len,
		 const char *what)
{
	if (refused(r, what))
		return;
	if (ioctl_refused(rr, what)) {
		ul_check(!r, "%s: %s: %s", where, what, nvmeu_strerror(r));
		return;
	}
	if (!ul_check(r == rr, "%s: %s: library %#x, ioctl %#x", where, what,
		      r, rr))
		return;
	ul_check(r || !memcmp(got, want, len), "%s: %s: %zu bytes as the ioctl's",
		 where, what, len);
}

/* @len bytes of @s without the trailing spaces and NULs: their length. */
static size_t trimmed(const char *s, size_t len)
{
	while (len && (s[len - 1] == ' ' || !s[len - 1]))
		len--;
	return len;
}

/*
 * A space-padded identify string equals the controller's sysfs @attr
 * (padded too on 5.10, trimmed on later kernels).
 */
static void same_as_sysfs(const char *attr, const char *field, size_t len)
{
	char path[64], val[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/sys/class/nvme/%s/%s",
		 strrchr(UL_CTRL, '/') + 1, attr);
	f = fopen(path, "re");
	if (f && fgets(val, sizeof(val), f))
		val[strcspn(val, "\n")] = 0;
	if (f)
		fclose(f);
	val[trimmed(val, strlen(val))] = 0;
	len = trimmed(field, len);
	ul_check(strlen(val) == len && !memcmp(val, field, len),
		 "%s: identify controller %s \"%.*s\", sysfs \"%s\"", where,
		 attr, (int)len, field, val);
}

static void check_identify(struct nvmeu_dev *dev)
{
	void *a = ul_buf(NVMEU_ID_SIZE), *b = ul_buf(NVMEU_ID_SIZE);
	struct nvme_id_ctrl *id = a;
	__u32 *list = a;
	int r, rr;

	r = nvmeu_identify_ctrl(dev, a);
	rr = raw_admin(dev, nvme_admin_identify, 0, NVME_IDENTIFY_CNS_CTRL, 0,
		       0, b, NVMEU_ID_SIZE, NULL);
	same(r, a, rr, b, NVMEU_ID_SIZE, "identify controller");
	/* without the ioctl's answer, what the driver put in sysfs */
	if (!r && ul_denied(rr)) {
		same_as_sysfs("model", id->mn, sizeof(id->mn));
		same_as_sysfs("serial", id->sn, sizeof(id->sn));
		same_as_sysfs("firmware_rev", id->fr, sizeof(id->fr));
	}
	for (__u32 nsid = 1; nsid <= 2; nsid++) {
		memset(a, 0, NVMEU_ID_SIZE);
		r = nvmeu_identify_ns(dev, nsid, a);
		rr = raw_admin(dev, nvme_admin_identify, nsid,
			       NVME_IDENTIFY_CNS_NS, 0, 0, b, NVMEU_ID_SIZE,
			       NULL);
		same(r, a, rr, b, NVMEU_ID_SIZE, "identify namespace");
	}
	r = nvmeu_identify_active_ns(dev, 0, a);
	rr = raw_admin(dev, nvme_admin_identify, 0,
		       NVME_IDENTIFY_CNS_NS_ACTIVE_LIST, 0, 0, b,
		       NVMEU_ID_SIZE, NULL);
	same(r, a, rr, b, NVMEU_ID_SIZE, "active namespace list");
	if (!ul_denied(r))
		ul_check(!r && le32toh(list[0]) == 1 && le32toh(list[1]) == 2 &&
			 le32toh(list[2]) == 3 && !list[3],
			 "%s: active namespaces 1, 2 and 3", where);
	r = nvmeu_identify_active_ns(dev, 1, a);
	if (!refused(r, "active namespace list after 1"))
		ul_check(!r && le32toh(list[0]) == 2 &&
			 le32toh(list[1]) == 3 && !list[2],
			 "%s: active namespaces after 1: 2 and 3", where);
	r = nvmeu_identify(dev, NVME_IDENTIFY_CNS_NS_DESC_LIST, 1, a);
	rr = raw_admin(dev, nvme_admin_identify, 1,
		       NVME_IDENTIFY_CNS_NS_DESC_LIST, 0, 0, b, NVMEU_ID_SIZE,
		       NULL);
	same(r, a, rr, b, NVMEU_ID_SIZE, "identify CNS 3 (descriptors)");
	free(a);
	free(b);
}

static void check_logs(struct nvmeu_dev *dev)
{
	void *a = ul_buf(4096), *b = ul_buf(4096);
	struct nvme_firmware_slot *fw = a;
	__u32 numd = 512 / 4 - 1;
	unsigned int slot;
	int r, rr;

	r = nvmeu_get_log_smart(dev, NVME_NSID_ALL, a);
	rr = raw_admin(dev, nvme_admin_get_log_page, NVME_NSID_ALL,
		       NVME_LOG_LID_SMART | numd << 16, 0, 0, b, 512, NULL);
	same(r, a, rr, b, 512, "SMART log");
	/* the second half of the SMART log, by offset, as the ioctl's */
	memset(a, 0xff, 4096);
	r = nvmeu_get_log(dev, NVME_NSID_ALL, NVME_LOG_LID_SMART, 0, false,
			  256, a, 256);
	same(r, a, ul_denied(rr) ? rr : 0, (char *)b + 256, 256,
	     "SMART log at offset 256");
	/* a device may return fewer entries than asked: start from zeroes */
	memset(a, 0, 4096);
	memset(b, 0, 4096);
	r = nvmeu_get_log_error(dev, a, 4);
	numd = 4 * 64 / 4 - 1;
	rr = raw_admin(dev, nvme_admin_get_log_page, NVME_NSID_ALL,
		       NVME_LOG_LID_ERROR | numd << 16, 0, 0, b, 256, NULL);
	same(r, a, rr, b, 256, "error log (4 entries)");
	memset(a, 0, 4096);
	memset(b, 0, 4096);
	r = nvmeu_get_log_fw_slot(dev, a);
	numd = 512 / 4 - 1;
	rr = raw_admin(dev, nvme_admin_get_log_page, NVME_NSID_ALL,
		       NVME_LOG_LID_FW_SLOT | numd << 16, 0, 0, b, 512, NULL);
	same(r, a, rr, b, 512, "firmware slot log");
	/* QEMU's slot revision is not its identify FR: only check it is set */
	slot = fw->afi & 7;
	if (!r)
		ul_check(slot >= 1 && fw->frs[slot ? slot - 1 : 0][0],
			 "%s: active firmware slot %u holds revision %.8s",
			 where, slot, fw->frs[slot ? slot - 1 : 0]);
	free(a);
	free(b);
}

/* Temperature threshold: set one above the current, read back, restore. */
static void check_temp_thresh(struct nvmeu_dev *dev)
{
	__u32 cur = 0, now = 0, res = 0;
	__u64 raw = 0;
	int r, rr;

	r = nvmeu_get_features(dev, 0, NVME_FEAT_FID_TEMP_THRESH, 0, 0, NULL,
			       0, &cur);
	if (refused(r, "get temperature threshold"))
		return;
	rr = raw_admin(dev, nvme_admin_get_features, 0,
		       NVME_FEAT_FID_TEMP_THRESH, 0, 0, NULL, 0, &raw);
	if (ioctl_refused(rr, "get temperature threshold")) {
		if (!ul_check_ret(r, 0, "get temperature threshold"))
			return;
	} else if (!ul_check(!r && r == rr && cur == (__u32)raw,
			     "%s: get temperature threshold: %#x (%s), ioctl %#llx",
			     where, cur, nvmeu_strerror(r),
			     (unsigned long long)raw)) {
		return;
	}
	r = nvmeu_set_features(dev, 0, NVME_FEAT_FID_TEMP_THRESH, false,
			       (cur & 0xffff) + 1, 0, NULL, 0, &res);
	if (refused(r, "set temperature threshold"))
		return;
	ul_check_ret(r, 0, "set temperature threshold + 1");
	nvmeu_get_features(dev, 0, NVME_FEAT_FID_TEMP_THRESH, 0, 0, NULL, 0,
			   &now);
	ul_check((now & 0xffff) == (cur & 0xffff) + 1,
		 "%s: threshold reads back %#x", where, now);
	r = nvmeu_set_features(dev, 0, NVME_FEAT_FID_TEMP_THRESH, false,
			       cur & 0xffff, 0, NULL, 0, NULL);
	nvmeu_get_features(dev, 0, NVME_FEAT_FID_TEMP_THRESH, 0, 0, NULL, 0,
			   &now);
	ul_check(!r && now == cur, "%s: threshold restored to %#x", where,
		 now);
	/* SEL 1: the default, as the ioctl says */
	r = nvmeu_get_features(dev, 0, NVME_FEAT_FID_TEMP_THRESH, 1, 0, NULL,
			       0, &now);
	rr = raw_admin(dev, nvme_admin_get_features, 0,
		       NVME_FEAT_FID_TEMP_THRESH | 1 << 8, 0, 0, NULL, 0, &raw);
	if (!ioctl_refused(rr, "default temperature threshold"))
		ul_check(r == rr && (r || now == (__u32)raw),
			 "%s: default threshold %#x (%s) as the ioctl's", where,
			 now, nvmeu_strerror(r));
}

/* Number of queues: completion DW0 carries the answer, no data. */
static void check_num_queues(struct nvmeu_dev *dev)
{
	__u32 res = 0;
	__u64 raw = 0;
	int r, rr;

	r = nvmeu_get_features(dev, 0, NVME_FEAT_FID_NUM_QUEUES, 0, 0, NULL,
			       0, &res);
	if (refused(r, "get number of queues"))
		return;
	rr = raw_admin(dev, nvme_admin_get_features, 0,
		       NVME_FEAT_FID_NUM_QUEUES, 0, 0, NULL, 0, &raw);
	if (ioctl_refused(rr, "get number of queues"))
		ul_check(!r && res, "%s: number of queues %#x", where, res);
	else
		ul_check(!r && !rr && res && res == (__u32)raw,
		 "%s: number of queues %#x (ioctl %#llx)", where, res,
		 (unsigned long long)raw);
}

/* Timestamp: a feature with data, set then read (it keeps counting). */
static void check_timestamp(struct nvmeu_dev *dev)
{
	__u8 *ts = ul_buf(8), *back = ul_buf(8);
	__u64 ms = 0x0123456789ULL, got = 0;
	int r;

	r = nvmeu_get_features(dev, 0, NVME_FEAT_FID_TIMESTAMP, 0, 0, back, 8,
			       NULL);
	if (refused(r, "get timestamp"))
		goto out;
	if (r > 0) {
		printf("note: %s: no timestamp feature (%s)\n", where,
		       nvmeu_strerror(r));
		goto out;
	}
	for (int i = 0; i < 6; i++)
		ts[i] = ms >> (8 * i);
	r = nvmeu_set_features(dev, 0, NVME_FEAT_FID_TIMESTAMP, false, 0, 0,
			       ts, 8, NULL);
	if (refused(r, "set timestamp"))
		goto out;
	ul_check_ret(r, 0, "set timestamp");
	r = nvmeu_get_features(dev, 0, NVME_FEAT_FID_TIMESTAMP, 0, 0, back, 8,
			       NULL);
	for (int i = 0; i < 6; i++)
		got |= (__u64)back[i] << (8 * i);
	ul_check(!r && got >= ms && got < ms + 600000,
		 "%s: timestamp reads back %#llx (set %#llx)", where,
		 (unsigned long long)got, (unsigned long long)ms);
out:
	free(ts);
	free(back);
}

/* nvmeu_admin_passthru() and nvmeu_exec(NVMEU_ADMIN): result and data. */
static void check_passthru(struct nvmeu_dev *dev)
{
	struct nvme_passthru_cmd64 cmd;
	void *a = ul_buf(NVMEU_ID_SIZE), *b = ul_buf(NVMEU_ID_SIZE);
	__u64 raw = 0;
	int r, rr;

	nvmeu_cmd_init(&cmd, nvme_admin_identify, 2, a, NVMEU_ID_SIZE);
	cmd.cdw10 = NVME_IDENTIFY_CNS_NS;
	r = nvmeu_admin_passthru(dev, &cmd);
	rr = raw_admin(dev, nvme_admin_identify, 2, NVME_IDENTIFY_CNS_NS, 0, 0,
		       b, NVMEU_ID_SIZE, NULL);
	same(r, a, rr, b, NVMEU_ID_SIZE, "admin passthru identify ns 2");
	nvmeu_cmd_get_features(&cmd, 0, NVME_FEAT_FID_NUM_QUEUES, 0, 0, NULL,
			       0);
	cmd.result = ~0ULL;
	r = nvmeu_exec(dev, &cmd, NVMEU_ADMIN);
	rr = raw_admin(dev, nvme_admin_get_features, 0,
		       NVME_FEAT_FID_NUM_QUEUES, 0, 0, NULL, 0, &raw);
	if (refused(r, "exec get features"))
		goto out;
	if (ioctl_refused(rr, "exec get features"))
		ul_check(!r && cmd.result && cmd.result != ~0ULL,
			 "%s: exec get features: cmd.result %#llx", where,
			 (unsigned long long)cmd.result);
	else
		ul_check(!r && cmd.result == raw,
			 "%s: exec get features: cmd.result %#llx (ioctl %#llx)",
			 where, (unsigned long long)cmd.result,
			 (unsigned long long)raw);
out:
	free(a);
	free(b);
}

static void run_all(struct nvmeu_dev *dev, const char *node)
{
	where = node;
	check_identify(dev);
	check_logs(dev);
	check_temp_thresh(dev);
	check_num_queues(dev);
	check_timestamp(dev);
	check_passthru(dev);
}

/*
 * Without CAP_SYS_ADMIN: are a namespace handle's admin commands, which the
 * library sends by ioctl, refused? (With it nothing is sent, as before.)
 */
static bool ns_admin_refused(struct ul_ns *ns)
{
	void *id;
	int r;

	if (ul_have_cap(CAP_SYS_ADMIN))
		return false;
	id = ul_buf(NVMEU_ID_SIZE);
	r = nvmeu_identify_ctrl(ns->dev, id);
	free(id);
	if (!ul_denied(r))
		return false;
	ul_skip_part("admin commands on %s: the library sends them by ioctl, which needs CAP_SYS_ADMIN (%s)",
		     ns->ng, nvmeu_strerror(r));
	return true;
}

int main(int argc, char **argv)
{
	enum nvmeu_form form = ul_form_from_name(argv[0]);
	struct nvmeu_dev *ctrl;
	struct ul_ns ns;

	ctrl = ul_ctrl_open(form);
	run_all(ctrl, UL_CTRL);
	nvmeu_close(ctrl);
	ul_ns_open(&ns, 1, form);
	if (!ns_admin_refused(&ns))
		run_all(ns.dev, ns.ng);
	ul_ns_close(&ns);
	return ul_done();
}
