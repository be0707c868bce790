# Helpers for guest test scripts: source it, then declare what you need.
# Tests exit 0 pass, 1 fail, 77 skip with a one-line reason.

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
info() { echo "$*"; }

need_root() { ((EUID == 0)) || skip "needs root"; }
need_cmd() { command -v "$1" >/dev/null || skip "$1 not installed"; }
need_node() { [[ -e $1 ]] || skip "$1 absent"; }

# The default VM drives: controller 0, namespace 1 (512-byte LBAs) and
# namespace 2 (4096-byte LBAs, 8 bytes of metadata).
NVME_CTRL=/dev/nvme0
NVME_NS1=/dev/nvme0n1
NVME_NS2=/dev/nvme0n2
