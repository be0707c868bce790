# The uring_cmd fuzzer (issue 7): build/tests/guest/fuzz-uring, run by
# tests/guest/t/zz-fuzz-10-uring.sh (fixed seed, FUZZ_SECONDS) in make check,
# and by hand in the debug VM:
#   make fuzz SECONDS=N SEED=S [FUZZ_ARGS='--ns /dev/ng0n2 --lba 1000:64']
# N seconds of seed S; fails on a bad completion, a hang or a kernel splat
# (run-vm exits 126 on a splat in the console). FUZZ_VM_ARGS go to run-vm
# (default: a poll queue, so that IOPOLL rings really poll).

FUZZ_BIN	:= $(B)/tests/guest/fuzz-uring
SECONDS		?= 300
SEED		?= 1
FUZZ_ARGS	?=
FUZZ_VM_ARGS	?= --poll-queues 1

.PHONY: fuzz

all: $(FUZZ_BIN)

$(FUZZ_BIN): tests/guest/fuzz_uring.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(ALL_CFLAGS) -pthread -o $@ $< -luring

fuzz: $(FUZZ_BIN)
	$(Q)$(TOP)/tests/vm/run-vm --kernel "$(BZIMAGE)" $(FUZZ_VM_ARGS) \
		--timeout $$(($(SECONDS) + 600)) -- \
		$(FUZZ_BIN) --seed $(SEED) --seconds $(SECONDS) $(FUZZ_ARGS)

-include $(FUZZ_BIN).d
