# CUnit unit tests: every tests/unit/test_*.c is linked into one binary,
# build/tests/unit/unit-tests (TAP output; exit 0 pass, 1 fail, 77 skip).
# Test files that need a library add it to UNIT_LIBS / UNIT_DEPS.

UNIT_SRCS	:= tests/unit/main.c $(wildcard tests/unit/test_*.c)
UNIT_OBJS	:= $(UNIT_SRCS:%.c=$(B)/%.o)
UNIT_BIN	:= $(B)/tests/unit/unit-tests
UNIT_LIBS	+= -lcunit
UNIT_DEPS	+=

all: $(UNIT_BIN)

$(B)/tests/unit/%.o: tests/unit/%.c
	@mkdir -p $(dir $@)
	$(call quiet,CC,$<)$(CC) $(ALL_CFLAGS) $(UNIT_CFLAGS) -c -o $@ $<

$(UNIT_BIN): $(UNIT_OBJS) $(UNIT_DEPS)
	$(call quiet,LD,$@)$(CC) $(ALL_CFLAGS) -o $@ $(UNIT_OBJS) $(UNIT_LDFLAGS) $(UNIT_LIBS)

-include $(UNIT_OBJS:.o=.d)
