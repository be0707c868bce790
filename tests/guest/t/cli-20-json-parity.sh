#!/usr/bin/env bash
# -o json parity with Debian's nvme-cli: for id-ctrl, id-ns, smart-log,
# error-log, identify and list, every key both print has the same value
# (smart-log counters that move between the two calls: presence only).
# nvme-cli reads everything through the admin ioctl: needs CAP_SYS_ADMIN.
. "$(dirname "$0")/cli-lib.inc"
need_cli
need_cmd nvme
need_cmd python3
admin_ioctl_denied $NVME_CTRL &&
	skip "compares with nvme-cli, which reads through the admin ioctl (NVME_IOCTL_ADMIN_CMD): needs CAP_SYS_ADMIN"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
vol=data_units_read,data_units_written,host_read_commands,host_write_commands
vol+=,controller_busy_time,power_on_hours,temperature

pair() {	# name, nvme-ucmd args, nvme args, jcmp args...
	local name=$1 mine=$2 ref=$3
	shift 3
	# shellcheck disable=SC2086
	"$U" $mine -o json >"$tmp/$name.mine" || fail "nvme-ucmd $mine failed"
	# shellcheck disable=SC2086
	nvme $ref -o json >"$tmp/$name.ref" || fail "nvme $ref failed"
	jcmp "$tmp/$name.mine" "$tmp/$name.ref" "$@" ||
		fail "$name: nvme-ucmd $mine and nvme $ref differ"
	info "$name: nvme-ucmd $mine == nvme $ref"
}

pair id-ctrl-ng "id-ctrl $NG1" "id-ctrl $NVME_CTRL"
pair id-ctrl "id-ctrl $NVME_CTRL" "id-ctrl $NVME_CTRL"
pair id-ns1 "id-ns $NG1" "id-ns $NVME_NS1"
[[ -e $NG2 ]] && pair id-ns2 "id-ns $NG2" "id-ns $NVME_NS2"
pair id-ns-ctrl "id-ns $NVME_CTRL -n 1" "id-ns $NVME_NS1"
pair smart-log "smart-log $NG1" "smart-log $NVME_CTRL" --volatile "$vol"
pair error-log "error-log $NVME_CTRL" "error-log $NVME_CTRL"
pair identify-ctrl "identify $NG1" "id-ctrl $NVME_CTRL" --sub id_ctrl
pair identify-ns "identify $NG1" "id-ns $NVME_NS1" --sub id_ns

# list: match the entries by DevicePath, compare what both print
"$U" list -o json >"$tmp/list.mine" || fail "nvme-ucmd list failed"
nvme list -o json >"$tmp/list.ref" || fail "nvme list failed"
python3 - "$tmp/list.mine" "$tmp/list.ref" <<'PY' || fail "list differs"
import json, sys
mine = {d['DevicePath']: d for d in json.load(open(sys.argv[1]))['Devices']}
ref = {d['DevicePath']: d for d in json.load(open(sys.argv[2]))['Devices']}
bad = [p for p in ref if p not in mine]
for p in set(mine) & set(ref):
    for k in set(mine[p]) & set(ref[p]):
        if mine[p][k] != ref[p][k]:
            bad.append('%s.%s: %r vs %r' % (p, k, mine[p][k], ref[p][k]))
    missing = set(ref[p]) - set(mine[p])
    if missing:
        bad.append('%s: keys missing: %s' % (p, sorted(missing)))
print('\n'.join(bad))
sys.exit(1 if bad else 0)
PY
info "list: every nvme list entry and key matches"
