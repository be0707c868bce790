# nvme-ucmd: asynchronous NVMe passthrough for Linux 5.10 (kernel series,
# library, CLI and tests). Plain GNU make; `make help` lists the targets.

TOP	:= $(CURDIR)
B	:= $(TOP)/build

V	?= 0
ifeq ($(V),1)
Q	:=
quiet	= @:
else
Q	:= @
quiet	= @printf '  %-8s %s\n' $(1) $(2);
endif

CC	?= cc
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
	run check check-unit check-vm bench lint install clean distclean help

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

# Boot our kernel with the default NVMe drives and show what a user sees.
run: deps
	$(Q)$(MAKE) -s --no-print-directory all kernel
	$(Q)$(TOP)/tests/vm/run-vm --kernel "$(BZIMAGE)" --show -- \
		$(TOP)/tests/vm/demo.sh

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

install: all

clean:
	$(Q)rm -rf $(B)/userlib $(B)/tools $(B)/tests $(B)/asan $(B)/docs \
		$(B)/vm-out

distclean:
	$(Q)rm -rf $(B)

help:
	@sed -n 's/^## //p' $(TOP)/README.md
