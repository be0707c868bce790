# Host libFuzzer harnesses for the parsers of the CLI and of libnvme-ucmd
# (issue 7): one binary per tests/fuzz-host/fuzz_*.c in build/fuzz-host/,
# built by clang with libFuzzer, ASan and UBSan from the product's sources
# (recompiled into build/fuzz-host/obj/; the gcc build is not touched).
# Read after userlib/build.mk and tools/build.mk (their source lists).
#   make fuzz-host                      build the targets
#   make fuzz-host-run [SECONDS=N] [SEED=S] [FUZZ_HOST_TARGETS=...]
#                                       N seconds each (default 60), seed S
#                                       (default 1), corpus in
#                                       build/fuzz-host/corpus/<target>
# make check runs each for 15 s through tests/host/fuzz-host.sh.

FZH_CC		?= clang
FZH_DIR		:= $(B)/fuzz-host
FZH_SRCS	:= $(wildcard tests/fuzz-host/fuzz_*.c)
FZH_NAMES	:= $(notdir $(FZH_SRCS:.c=))
FZH_BINS	:= $(addprefix $(FZH_DIR)/,$(FZH_NAMES))
FZH_OBJS	:= $(patsubst %.c,$(FZH_DIR)/obj/%.o,$(FZH_SRCS))
FZH_PROD_SRCS	= $(ULIB_SRCS) $(CLI_SRCS)
FZH_PROD_OBJS	= $(patsubst %.c,$(FZH_DIR)/obj/%.o,$(FZH_PROD_SRCS))
FZH_SAN		:= -fsanitize=fuzzer,address,undefined \
		   -fno-sanitize-recover=all -fno-omit-frame-pointer
FZH_CFLAGS	= -std=gnu11 -D_GNU_SOURCE $(CWARN) -g -O1 $(FZH_SAN) -MMD -MP \
		  -I$(TOP)/kernel/include/uapi $(CLI_CFLAGS) \
		  -I$(TOP)/userlib -I$(TOP)/$(CLI_DIR)
FZH_LDLIBS	:= -luring -lnvme -ljson-c -lm -lpthread
# make fuzz-host-run's defaults differ from make fuzz's (tests/guest/fuzz.mk)
FZH_SECONDS	= $(if $(filter command line environment,$(origin SECONDS)),$(SECONDS),60)
FZH_SEED	= $(if $(filter command line environment,$(origin SEED)),$(SEED),1)
FUZZ_HOST_TARGETS ?= $(FZH_NAMES)

.PHONY: fuzz-host fuzz-host-run

fuzz-host: $(FZH_BINS)

fuzz-host-run: fuzz-host
	$(Q)$(TOP)/tests/fuzz-host/run --seconds $(FZH_SECONDS) \
		--seed $(FZH_SEED) $(FUZZ_HOST_TARGETS)

$(FZH_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(call quiet,CLANG,$<)$(FZH_CC) $(FZH_CFLAGS) -c -o $@ $<

# Every target links all of the library and the CLI (cli_cmds[] reaches
# every command's file anyway).
$(FZH_DIR)/fuzz_%: $(FZH_DIR)/obj/tests/fuzz-host/fuzz_%.o $(FZH_PROD_OBJS)
	$(call quiet,LD,$@)$(FZH_CC) $(FZH_SAN) -o $@ $^ $(FZH_LDLIBS)

# built by pattern rules only: keep them for the next incremental build
.SECONDARY: $(FZH_OBJS) $(FZH_PROD_OBJS)

-include $(shell find $(FZH_DIR)/obj -name '*.d' 2>/dev/null)
