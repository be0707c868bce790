# Guest tests of the io_uring uring_cmd core: one binary, linked under one
# name per case (build/tests/guest/t/uring-core-<case>), one TAP line each.

URING_CORE_CASES := probe bigring enotsupp overflow cmd badsqe fixed overlay \
		    deferred link batch drain iopoll sqpoll teardown taskdead
URING_CORE_BIN	 := $(B)/tests/guest/uring-core
URING_CORE_LINKS := $(URING_CORE_CASES:%=$(B)/tests/guest/t/uring-core-%)

all: $(URING_CORE_LINKS)

$(URING_CORE_BIN): tests/guest/uring_core.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(ALL_CFLAGS) -I$(TOP)/kernel/drivers/misc -o $@ $< -luring

$(URING_CORE_LINKS): $(URING_CORE_BIN)
	@mkdir -p $(dir $@)
	$(Q)ln -sf ../uring-core $@
