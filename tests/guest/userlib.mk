# Guest tests of libnvme-ucmd on the VM's drives (issue 5). Each
# tests/guest/userlib_<name>.c is linked with userlib_lib.c and the static
# library into build/tests/guest/ul/<name>; tests/guest/run sees it in
# build/tests/guest/t/ under one name per form it runs in,
# ul-<NN>-<name>[-<form>] (the program reads its form from that name).
# tests/guest/t/ul-90-example.sh runs docs/examples/async-read.
#
# Read by the top-level Makefile (-include tests/guest/userlib.mk), after
# userlib/build.mk; guarded, so `make -f Makefile -f tests/guest/userlib.mk`
# reads it only once.

ifndef UL_GUEST_MK
UL_GUEST_MK	:= 1

UL_T_DIR	:= $(B)/tests/guest/t
UL_BIN_DIR	:= $(B)/tests/guest/ul
UL_OBJ_DIR	:= $(B)/tests/guest/ul-obj
UL_FORMS	:= auto ioctl big compact indirect
# name:number pairs; the number orders the tests
UL_PLAIN	:= open:10 iopoll:45
UL_FORMED	:= admin:20 io:30 queue:40 errors:50

ul_name	= $(word 1,$(subst :, ,$(1)))
ul_num	= $(word 2,$(subst :, ,$(1)))

UL_BINS		:= $(foreach t,$(UL_PLAIN) $(UL_FORMED),$(UL_BIN_DIR)/$(call ul_name,$(t)))
UL_LINKS	:= $(foreach t,$(UL_PLAIN),\
		     $(UL_T_DIR)/ul-$(call ul_num,$(t))-$(call ul_name,$(t))) \
		   $(foreach t,$(UL_FORMED),$(foreach f,$(UL_FORMS),\
		     $(UL_T_DIR)/ul-$(call ul_num,$(t))-$(call ul_name,$(t))-$(f)))

all: $(UL_LINKS)

$(UL_OBJ_DIR)/%.o: tests/guest/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(ALL_CFLAGS) -I userlib/include -c -o $@ $<

$(UL_BIN_DIR)/%: $(UL_OBJ_DIR)/userlib_%.o $(UL_OBJ_DIR)/userlib_lib.o $(ULIB_A)
	@mkdir -p $(dir $@)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $(filter %.o,$^) \
		$(ULIB_A) $(ULIB_LDLIBS)

# t/ul-NN-name[-form] -> ../ul/name
define ul_link_rule
$(UL_T_DIR)/ul-$(2)-$(1)$(3): $(UL_BIN_DIR)/$(1)
	@mkdir -p $$(dir $$@)
	$$(Q)ln -sf ../ul/$(1) $$@
endef
$(foreach t,$(UL_PLAIN),$(eval $(call ul_link_rule,$(call ul_name,$(t)),$(call ul_num,$(t)),)))
$(foreach t,$(UL_FORMED),$(foreach f,$(UL_FORMS),\
  $(eval $(call ul_link_rule,$(call ul_name,$(t)),$(call ul_num,$(t)),-$(f)))))

.SECONDARY: $(UL_BINS) $(UL_OBJ_DIR)/userlib_lib.o \
	    $(UL_BINS:$(UL_BIN_DIR)/%=$(UL_OBJ_DIR)/userlib_%.o)

-include $(wildcard $(UL_OBJ_DIR)/*.d)

endif
