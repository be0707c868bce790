# NVMe uring_cmd guest tests (issue 4): each tests/guest/nvme_<name>.c is a
# program linked with nvme_lib.c and liburing, installed as
# build/tests/guest/t/nvme-<NN>-<name> so tests/guest/run picks it up in
# that order.

NVME_T_DIR	:= $(B)/tests/guest/t
NVME_T_OBJDIR	:= $(B)/tests/guest/obj
NVME_T_LIB	:= $(NVME_T_OBJDIR)/nvme_lib.o
# name:number pairs: the number orders the tests
NVME_TESTS	:= identify:20 rw:30 qd:40 status:50 errors:60 perm:70 security:72 \
		   poll:80 pollbatch:81 pollsched:82 pollmm:83 reset:85 limits:86 kill:87 faults:88 ringmode:75
NVME_T_BINS	:= $(foreach t,$(NVME_TESTS),\
		     $(NVME_T_DIR)/nvme-$(word 2,$(subst :, ,$(t)))-$(word 1,$(subst :, ,$(t))))

all: $(NVME_T_BINS)

$(NVME_T_OBJDIR)/%.o: tests/guest/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(ALL_CFLAGS) -c -o $@ $<

define nvme_test_rule
$(NVME_T_DIR)/nvme-$(2)-$(1): $(NVME_T_OBJDIR)/nvme_$(1).o $(NVME_T_LIB)
	@mkdir -p $$(dir $$@)
	$$(call quiet,LD,$$@)$$(CC) $$(ALL_CFLAGS) -o $$@ $$^ -luring
endef
$(foreach t,$(NVME_TESTS),$(eval $(call nvme_test_rule,$(word 1,$(subst :, ,$(t))),$(word 2,$(subst :, ,$(t))))))

-include $(wildcard $(NVME_T_OBJDIR)/*.d)

# The compat test is a 32-bit program (gcc-multilib), static: the guest has
# no 32-bit libraries.
NVME_COMPAT_T	:= $(NVME_T_DIR)/nvme-74-compat

all: $(NVME_COMPAT_T)

$(NVME_COMPAT_T): tests/guest/compat_vec.c
	@mkdir -p $(dir $@)
	$(call quiet,CC32,$<)$(CC) $(filter-out -MMD -MP,$(ALL_CFLAGS)) -m32 -static -o $@ $<

# A helper for scripts (not a test): one uring_cmd read, prints its res.
URING_READ	:= $(B)/tests/guest/uring-read

all: $(URING_READ)

$(URING_READ): $(NVME_T_OBJDIR)/uring_read.o $(NVME_T_LIB)
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $^ -luring

# Tools for tests/guest/t/nvme-84-lbads.sh (not tests): a fake NVMe/TCP
# controller presenting LBA formats no emulated drive can (plain C, no
# libraries), and one SUBMIT_IO or uring_cmd read through a node.
NVME_TCP_CTRL	:= $(B)/tests/guest/nvme-tcp-ctrl
LBADS_IO	:= $(B)/tests/guest/lbads-io

all: $(NVME_TCP_CTRL) $(LBADS_IO)

$(NVME_TCP_CTRL): $(NVME_T_OBJDIR)/nvme_tcp_ctrl.o
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $^

$(LBADS_IO): $(NVME_T_OBJDIR)/lbads_io.o $(NVME_T_LIB)
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $^ -luring
