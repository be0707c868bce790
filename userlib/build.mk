# libnvme-ucmd (userlib/): build/userlib/libnvme-ucmd.{a,so}, the example
# build/docs/examples/async-read, the unit tests' flags (tests/unit/
# test_userlib*.c), `make unit-asan` (the whole unit binary rebuilt with
# AddressSanitizer and UBSan: build/tests/unit/unit-tests-asan) and
# `make install-userlib` (part of `make install`).

ULIB_SRCS	:= $(wildcard userlib/*.c)
ULIB_OBJS	:= $(ULIB_SRCS:userlib/%.c=$(B)/userlib/obj/%.o)
ULIB_VERSION	:= $(VERSION)
ULIB_SONAME	:= libnvme-ucmd.so.0
ULIB_A		:= $(B)/userlib/libnvme-ucmd.a
ULIB_SO		:= $(B)/userlib/libnvme-ucmd.so.$(ULIB_VERSION)
ULIB_MAP	:= userlib/libnvme-ucmd.map
ULIB_INC	:= -I$(TOP)/userlib/include
ULIB_LDLIBS	:= -luring -lnvme -lpthread
ULIB_EXAMPLE	:= $(B)/docs/examples/async-read

all: $(ULIB_A) $(ULIB_SO) $(ULIB_EXAMPLE)

$(B)/userlib/obj/%.o: userlib/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(ALL_CFLAGS) $(ULIB_INC) -fPIC -c -o $@ $<

$(ULIB_A): $(ULIB_OBJS)
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(ULIB_SO): $(ULIB_OBJS) $(ULIB_MAP)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) -shared \
		-Wl,-soname,$(ULIB_SONAME) -Wl,--version-script=$(ULIB_MAP) \
		-Wl,--no-undefined -o $@ $(ULIB_OBJS) $(ULIB_LDLIBS)
	$(Q)ln -sf $(notdir $@) $(B)/userlib/$(ULIB_SONAME)
	$(Q)ln -sf $(ULIB_SONAME) $(B)/userlib/libnvme-ucmd.so

# Linked statically: it runs in the VM guest without an install.
$(ULIB_EXAMPLE): docs/examples/async-read.c $(ULIB_A)
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(ALL_CFLAGS) $(ULIB_INC) -o $@ $< \
		$(ULIB_A) $(ULIB_LDLIBS)

# Unit tests (tests/unit/build.mk's rule was read already: add the
# prerequisite here; the flags are expanded when its recipes run).
UNIT_LIBS	+= $(ULIB_A) $(ULIB_LDLIBS)
UNIT_DEPS	+= $(ULIB_A)
UNIT_CFLAGS	+= $(ULIB_INC) -I$(TOP)/userlib -DULIB_VERSION_MK='"$(ULIB_VERSION)"'
$(UNIT_BIN): $(ULIB_A)

-include $(ULIB_OBJS:.o=.d) $(ULIB_EXAMPLE).d

# The unit binary under ASan/UBSan: every unit test source, the library and
# whatever other libraries the tests link (their sources listed in
# CLI_SRCS), recompiled into build/asan/. A sub-make with secondary
# expansion, because those lists are complete only after every build.mk.
ASAN_FLAGS	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
ASAN_BIN	:= $(B)/tests/unit/unit-tests-asan

.PHONY: unit-asan install-userlib
unit-asan:
	$(Q)$(MAKE) --no-print-directory NVMEU_ASAN_PASS=1 $(ASAN_BIN)

ifeq ($(NVMEU_ASAN_PASS),1)
ASAN_OBJS	= $(patsubst %.c,$(B)/asan/%.o,$(UNIT_SRCS) $(ULIB_SRCS) $(CLI_SRCS))

.SECONDEXPANSION:
$(ASAN_BIN): $$(ASAN_OBJS)
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) -o $@ \
		$(ASAN_OBJS) $(filter-out %.a,$(UNIT_LIBS))

$(B)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(ALL_CFLAGS) $(ASAN_FLAGS) $(UNIT_CFLAGS) \
		$(CLI_CFLAGS) -c -o $@ $<

-include $(shell find $(B)/asan -name '*.d' 2>/dev/null)
endif

# make install: library (.a, .so with its links), header, pkg-config file,
# man pages (userlib/man/*.3; userlib/man/links lists the .so pages).
install: install-userlib
install-userlib: $(ULIB_A) $(ULIB_SO)
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCDIR) \
		$(DESTDIR)$(MANDIR)/man3
	install -m 0644 $(ULIB_A) $(DESTDIR)$(LIBDIR)/
	install -m 0755 $(ULIB_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf $(notdir $(ULIB_SO)) $(DESTDIR)$(LIBDIR)/$(ULIB_SONAME)
	ln -sf $(ULIB_SONAME) $(DESTDIR)$(LIBDIR)/libnvme-ucmd.so
	install -m 0644 userlib/include/nvme-ucmd.h $(DESTDIR)$(INCDIR)/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCDIR@|$(INCDIR)|' -e 's|@VERSION@|$(ULIB_VERSION)|' \
	    userlib/nvme-ucmd.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/nvme-ucmd.pc
	install -m 0644 userlib/man/*.3 $(DESTDIR)$(MANDIR)/man3/
	while read -r link page; do \
		echo ".so man3/$$page.3" >$(DESTDIR)$(MANDIR)/man3/$$link.3; \
	done <userlib/man/links
