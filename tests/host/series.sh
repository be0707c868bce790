#!/usr/bin/env bash
# The kernel series as a maintainer takes it (issue 17): make kernel-series
# writes build/series/, and git am of it onto a clean copy of Debian's
# 5.10.223 gives exactly build/src (the tree make kernel builds), and onto
# vanilla 5.10.223 (Debian's orig tarball, pinned by sha256) the same
# files, with Debian's own changes to them applied on top. No kernel build.
# One TAP line per check; exit 0 or 1.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
"$TOP/scripts/kernel.sh" series-check 2>&1 | sed -e '/^\(not \)\{0,1\}ok /!s/^/# /'
exit "${PIPESTATUS[0]}"
