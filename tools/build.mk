# nvme-ucmd, the CLI (tools/nvme-ucmd/): build/tools/nvme-ucmd, its man pages
# (generated from the command table: build/tools/man/*.1), and
# build/tools/libnvme-ucmd-cli.a, everything but main.c, which the unit
# tests (tests/unit/test_cli*.c) link.

CLI_DIR		:= tools/nvme-ucmd
CLI_SRCS	:= $(filter-out $(CLI_DIR)/main.c,$(wildcard $(CLI_DIR)/*.c))
CLI_OBJS	:= $(CLI_SRCS:$(CLI_DIR)/%.c=$(B)/tools/obj/%.o)
CLI_MAIN_OBJ	:= $(B)/tools/obj/main.o
CLI_LIB		:= $(B)/tools/libnvme-ucmd-cli.a
CLI_BIN		:= $(B)/tools/nvme-ucmd
CLI_MAN_STAMP	:= $(B)/tools/man/.stamp
CLI_VERSION	?= 0.1
# Every command goes through libnvme-ucmd (userlib/build.mk, read before
# this file), linked statically: the CLI runs in the VM guest as built.
CLI_USERLIB_CFLAGS	= $(ULIB_INC)
CLI_USERLIB_LIBS	= $(ULIB_A)
CLI_USERLIB_DEPS	= $(ULIB_A)
CLI_CFLAGS	= -DNVME_UCMD_VERSION='"$(CLI_VERSION)"' $(CLI_USERLIB_CFLAGS)
CLI_LDLIBS	= $(CLI_USERLIB_LIBS) -luring -lnvme -ljson-c -lm -lpthread

all: $(CLI_BIN) $(CLI_MAN_STAMP)

$(B)/tools/obj/%.o: $(CLI_DIR)/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(ALL_CFLAGS) $(CLI_CFLAGS) -c -o $@ $<

$(CLI_LIB): $(CLI_OBJS)
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(CLI_BIN): $(CLI_MAIN_OBJ) $(CLI_LIB) $(CLI_USERLIB_DEPS)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $(CLI_MAIN_OBJ) $(CLI_LIB) $(CLI_LDLIBS)

# One page for the tool (a section per command) and one per command.
$(CLI_MAN_STAMP): $(CLI_BIN)
	@mkdir -p $(dir $@)
	$(call quiet,MAN,$(dir $@))$(CLI_BIN) man >$(dir $@)nvme-ucmd.1 && \
	for c in $$($(CLI_BIN) help | sed -n 's/^  \([a-z-]*\) .*/\1/p'); do \
		$(CLI_BIN) man $$c >$(dir $@)nvme-ucmd-$$c.1 || exit 1; \
	done && touch $@

# The unit tests link the CLI's library (the prerequisite is added here:
# tests/unit/build.mk has already expanded UNIT_DEPS in its own rule).
UNIT_LIBS	+= $(CLI_LIB) $(CLI_LDLIBS)
UNIT_DEPS	+= $(CLI_LIB)
UNIT_CFLAGS	+= -I$(TOP)/$(CLI_DIR)
$(UNIT_BIN): $(CLI_LIB)

.PHONY: install-tools
install: install-tools
install-tools: $(CLI_BIN) $(CLI_MAN_STAMP)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(CLI_BIN) $(DESTDIR)$(BINDIR)/nvme-ucmd
	install -m 0644 $(dir $(CLI_MAN_STAMP))*.1 $(DESTDIR)$(MANDIR)/man1/

-include $(CLI_OBJS:.o=.d) $(CLI_MAIN_OBJ:.o=.d)
