# nvme-ucmd: asynchronous NVMe passthrough for Linux 5.10 (kernel series,
# library, CLI and tests). Plain GNU make; `make help` lists the targets.

TOP	:= $(CURDIR)
B	:= $(TOP)/build

V	?= 0
ifeq ($(V),1)
Q	:=
quiet	=
else
Q	:= @
quiet	= @printf '  %-8s %s\n' $(1) $(2);
endif

CC	?= cc
# The project's version: the Debian packages' (debian/changelog must agree:
# make deb-userspace checks) and the CLI's --version.
VERSION	:= 0.2.0
CLI_VERSION ?= $(VERSION)
# make install: LIBDIR=/usr/lib/x86_64-linux-gnu for a multiarch layout (the
# pkg-config file follows it).
PREFIX	?= /usr/local
LIBDIR	?= $(PREFIX)/lib
INCDIR	?= $(PREFIX)/include
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DESTDIR	?=

# Warnings are errors in CI (and whenever WERROR=1).
WERROR	?= $(if $(CI),1,0)
CWARN	:= -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wno-unused-parameter $(if $(filter 1,$(WERROR)),-Werror)
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=gnu11 -D_GNU_SOURCE $(CWARN) $(CFLAGS) -MMD -MP \
	     -I$(TOP)/kernel/include/uapi

# Kernel: FLAVOR=debug (KASAN, lockdep, kmemleak: what make check uses) or
# FLAVOR=vm (minimal, for speed). KERNEL_SRC=dir builds your own tree.
FLAVOR	?= debug
BISECT_FLAVOR ?= vm
KERNEL_SH := $(TOP)/scripts/kernel.sh
BZIMAGE	= $(shell $(KERNEL_SH) path $(FLAVOR))

.PHONY: all deps kernel kernel-config kernel-tree kernel-export kernel-series kernel-bisect-check ref-kernel \
	run check check-unit check-vm bench lint install userspace deb deb-kernel deb-userspace \
	clean distclean help

all:

include tests/unit/build.mk
-include userlib/build.mk
-include tools/build.mk
-include tests/fuzz-host/build.mk
-include tests/guest/build.mk
-include tests/guest/nvme.mk
-include tests/guest/uring.mk
-include tests/guest/userlib.mk
-include tests/guest/fuzz.mk

deps:
	$(Q)$(TOP)/scripts/deps.sh

kernel:
	$(Q)$(KERNEL_SH) build $(FLAVOR)

kernel-config:
	$(Q)$(KERNEL_SH) config $(FLAVOR)

kernel-tree:
	$(Q)$(KERNEL_SH) tree-git

kernel-export:
	$(Q)$(KERNEL_SH) export

kernel-series:
	$(Q)$(KERNEL_SH) series

# Build the series one patch at a time (slow: up to a kernel build per
# patch); one line per patch. Not part of make check.
kernel-bisect-check:
	$(Q)$(KERNEL_SH) bisect-check $(BISECT_FLAVOR)

ref-kernel:
	$(Q)$(TOP)/tests/vm/ref-kernel.sh fetch

# Boot our kernel with the default NVMe drives and show what a user sees:
# the vm flavor unless FLAVOR is given (the quickest to build and boot).
RUN_FLAVOR = $(if $(filter command line environment,$(origin FLAVOR)),$(FLAVOR),vm)
run: deps
	$(Q)$(MAKE) -s --no-print-directory all
	$(Q)$(KERNEL_SH) build $(RUN_FLAVOR)
	$(Q)$(TOP)/tests/vm/run-vm --kernel "$$($(KERNEL_SH) path $(RUN_FLAVOR))" --show -- \
		$(TOP)/tests/vm/demo.sh
	@echo
	@echo "Next: make check (every test, 45-60 minutes), build/tools/nvme-ucmd --help,"
	@echo "      tests/vm/run-vm --show -- nvme list (any command in the VM; README)."

check: deps
	$(Q)$(MAKE) -s --no-print-directory all unit-asan kernel
	$(Q)$(TOP)/tests/run-all --flavor $(FLAVOR) $(if $(NO_REF),--no-ref)

check-unit: all unit-asan
	$(Q)$(TOP)/tests/run-all --unit-only

check-vm: all
	$(Q)$(TOP)/tests/run-all --vm-only --flavor $(FLAVOR) $(if $(NO_REF),--no-ref)

# The benchmark suite (our kernel without debug options, and upstream 6.1):
# updates docs/performance.md and docs/performance.png. Not a test.
bench: deps
	$(Q)$(MAKE) -s --no-print-directory all
	$(Q)$(MAKE) -s --no-print-directory kernel FLAVOR=vm
	$(Q)$(TOP)/tests/bench/run $(if $(NO_REF),--no-ref)

lint:
	$(Q)$(TOP)/scripts/lint.sh

# make install builds and installs what it installs (userlib/build.mk,
# tools/build.mk): the library, its header, pkg-config file and man pages,
# the CLI and its man pages; no test binaries. make userspace builds just that.
install:
userspace: $(ULIB_A) $(ULIB_SO) $(CLI_BIN) $(CLI_MAN_STAMP)

# Debian packages of the userspace (debian/: libnvme-ucmd0, libnvme-ucmd-dev,
# nvme-ucmd), built by dpkg-buildpackage in a copy of the working tree
# (build/deb-src/nvme-ucmd: dpkg-buildpackage writes to the parent
# directory of the tree it builds, never ours), then checked by lintian.
# The packages land in build/deb/.
DEB_SRC	:= $(B)/deb-src
DEB_OUT	:= $(B)/deb
# Debian packages: the kernel's (FLAVOR=distro, bindeb-pkg: build/deb-kernel/)
# and the userspace's (build/deb/).
deb: deb-kernel deb-userspace

deb-kernel: deps
	$(Q)$(KERNEL_SH) deb distro

deb-userspace:
	$(Q)v=$$(dpkg-parsechangelog -S Version); [ "$$v" = "$(VERSION)" ] || \
		{ echo "deb-userspace: debian/changelog has $$v, the Makefile's VERSION is $(VERSION)" >&2; exit 1; }
	$(Q)rm -rf $(DEB_SRC) $(DEB_OUT) && mkdir -p $(DEB_SRC)/nvme-ucmd $(DEB_OUT)
	$(Q)git ls-files -z --cached --others --exclude-standard | \
		tar -c --null -T - --ignore-failed-read -f - 2>/dev/null | \
		tar -x -C $(DEB_SRC)/nvme-ucmd
	$(Q)cd $(DEB_SRC)/nvme-ucmd && dpkg-buildpackage -us -uc -b
	$(Q)cd $(DEB_SRC) && for f in *.deb *.ddeb *.buildinfo *.changes; do \
		[ ! -e "$$f" ] || mv -- "$$f" $(DEB_OUT)/; done
	$(Q)rm -rf $(DEB_SRC)
	$(Q)left=$$(ls -d $(TOP)/../*nvme-ucmd*_* 2>/dev/null); [ -z "$$left" ] || \
		echo "deb-userspace: not ours, from an earlier build in place: $$left" >&2
	$(Q)ls -1 $(DEB_OUT)
	$(Q)lintian -I --fail-on error,warning $(DEB_OUT)/*.changes

clean:
	$(Q)rm -rf $(B)/userlib $(B)/tools $(B)/tests $(B)/asan $(B)/docs \
		$(B)/vm-out $(B)/deb-src $(B)/deb

distclean:
	$(Q)rm -rf $(B)

help:
	@sed -n 's/^## //p' $(TOP)/README.md
