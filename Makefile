# tsload - benchmark harness for time-series databases.
#
#   make [BUILD=dir] [SANITIZE=address,undefined] [WERROR=1] [DEVELOPER=1]
#        [V=1] [target]
#
# Out-of-tree build into $(BUILD)/; `make help` lists the targets.

BUILD    ?= build
# One spelling of the build directory (relative when inside the checkout):
# tests/cli/install.sh's `make BUILD=/abs/build install` must see the same
# flags as `make`, or it rebuilds everything in the middle of a test run.
override BUILD := $(patsubst $(CURDIR)/%,%,$(abspath $(BUILD)))
CFLAGS   ?= -O2 -g
DEPS_OK  := $(BUILD)/.deps-ok
# make install: PREFIX/bin/tsload, PREFIX/share/tsload/configs, the man page
PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR    = $(PREFIX)/bin
DATADIR   = $(PREFIX)/share/tsload
MAN1DIR   = $(PREFIX)/share/man/man1

WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wwrite-strings -Wvla -Wformat=2 -Wpointer-arith -fno-common
# Warnings are errors in CI (CI=true) or when asked for.
ifneq ($(filter true 1,$(CI) $(WERROR)),)
WARN += -Werror
endif

# ---- DEVELOPER=1: the stricter warning set, enabled by .ci/run ----
# After git's config.mak.dev, for C11 and gcc 12. Added here:
#   -pedantic               ISO C11 only: a GNU extension has to say so
#                           (__extension__), and does not slip in unseen.
#                           -D_GNU_SOURCE stays: it selects libc functions,
#                           not a dialect.
#   -Wold-style-definition  no K&R definitions, no `f()` for `f(void)`.
# Already in WARN above: -Wstrict-prototypes -Wmissing-prototypes
# -Wpointer-arith -Wvla -fno-common -Wextra, -Wformat-security (in
# -Wformat=2), -Wunused (in -Wall). -Woverflow is on by default.
# Left out: -Wdeclaration-after-statement (C89's rule; C11 code declares
# where it first assigns); git's -std=gnu99 (this is -std=c11); git's
# -Wno-empty-body -Wno-missing-field-initializers -Wno-sign-compare
# -Wno-unused-parameter (the code is clean with those warnings on).
DEV_WARN := -pedantic -Wold-style-definition
ifneq ($(filter true 1,$(DEVELOPER)),)
WARN += $(DEV_WARN)
endif

PKGS         := libcurl sqlite3 openssl zlib libpq rdkafka libzstd snappy
PKG_CFLAGS    = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS      = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# common/ is layered (docs/architecture.md; scripts/check-layers.sh):
# base <- net <- data <- plug-ins (models, formats, pacers, stages,
# targets) <- cli, query <- worker, coordinator.
LAYERS        := base net data models formats pacers stages targets cli
LAYER_DIRS    := $(addprefix common/,$(LAYERS))
ALL_CPPFLAGS  = -D_GNU_SOURCE -I. -I$(BUILD)/gen $(addprefix -I,$(LAYER_DIRS)) -Icommon -Icoordinator -Iworker -Iquery -I/usr/include/iniparser $(CPPFLAGS)
ALL_CFLAGS    = -std=c11 $(WARN) $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS   = $(LDFLAGS)
LIBS          = $(PKG_LIBS) -lnng -liniparser -lpthread -lm

ifdef SANITIZE
ALL_CFLAGS  += -fsanitize=$(SANITIZE) -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif
ifndef V
Q := @
endif

objs = $(patsubst %.c,$(BUILD)/%.o,$(wildcard $(1)))
# The library holds everything but main.c, so that unit tests can link
# the ingest loop, the engine and the subcommands.
MAIN_OBJ   := $(BUILD)/coordinator/main.o
LIB_OBJ    := $(filter-out $(MAIN_OBJ),$(call objs,common/*.c \
	$(addsuffix /*.c,$(LAYER_DIRS)) query/*.c worker/*.c coordinator/*.c))
TEST_OBJ   := $(call objs,tests/unit/*.c)
TOOL_OBJ   := $(call objs,tests/tools/*.c)
LIB        := $(BUILD)/libtsload.a
TSLOAD     := $(BUILD)/bin/tsload
UNIT_TESTS := $(patsubst $(BUILD)/tests/unit/%.o,$(BUILD)/tests/%,$(TEST_OBJ))
TSFAKE     := $(BUILD)/tests/tsfake
SLOWSINK   := $(BUILD)/tests/slowsink
MOCKKAFKA  := $(BUILD)/tests/mockkafka
SPOOLBENCH := $(BUILD)/tests/spoolbench

all: $(TSLOAD)

$(BUILD)/%.o: %.c $(BUILD)/.flags
	@mkdir -p $(@D)
	@echo "  CC    $<"
	$(Q)$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

# The git description for --version, rewritten only when it changes; a
# tree without .git gets an empty one (--version shows the release only),
# even when unpacked inside another repository.
GITVERSION  := $(BUILD)/gen/gitversion.h
GIT_DESCRIBE = $(if $(wildcard .git),$(shell git describe --always --dirty 2>/dev/null))
$(GITVERSION): FORCE
	@mkdir -p $(@D)
	@echo '#define TSLOAD_GIT_DESCRIBE "$(GIT_DESCRIBE)"' | cmp -s - $@ \
		|| echo '#define TSLOAD_GIT_DESCRIBE "$(GIT_DESCRIBE)"' > $@
$(BUILD)/coordinator/main.o: $(GITVERSION)

$(LIB): $(LIB_OBJ)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(TSLOAD): $(MAIN_OBJ) $(LIB)
	@mkdir -p $(@D)
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB)
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) \
		$(LIBS) -lcmocka

# The fake Timestream endpoint: a program for the shell tests, a thread
# in test_timestream.
$(TSFAKE): $(BUILD)/tests/tools/tsfake_main.o $(BUILD)/tests/tools/tsfake.o $(LIB)
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LIBS)

# make bench's spool case: the spool stage's write and replay speed.
$(SPOOLBENCH): $(BUILD)/tests/tools/spoolbench.o $(LIB)
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB) $(LIBS)

# The test server of --batch-size auto (tests/e2e/batch-auto.sh).
$(SLOWSINK): $(BUILD)/tests/tools/slowsink.o
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ -lpthread

$(BUILD)/tests/test_timestream $(BUILD)/tests/test_aws_sinks: \
	$(BUILD)/tests/tools/tsfake.o

# librdkafka's mock cluster, for the Kafka tests and make bench.
$(MOCKKAFKA): $(BUILD)/tests/tools/mockkafka.o
	@echo "  LINK  $@"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

# Rebuild everything when the compiler or the flags change.
FLAGS_NOW = $(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS)
$(BUILD)/.flags: FORCE
	@mkdir -p $(@D)
	@echo '$(FLAGS_NOW)' | cmp -s - $@ || echo '$(FLAGS_NOW)' > $@

# Installs missing Debian packages once per build tree (quick when present).
$(DEPS_OK): scripts/install-deps.sh
	@bash scripts/install-deps.sh
	@mkdir -p $(@D) && touch $@

deps: $(DEPS_OK)

build: $(DEPS_OK)
	$(Q)$(MAKE) --no-print-directory all

unit: build
	$(Q)$(MAKE) --no-print-directory $(UNIT_TESTS) $(TSFAKE) $(SLOWSINK) $(MOCKKAFKA)
	@bash tests/run-unit.sh $(UNIT_TESTS)

test: build
	@bash scripts/check-layers.sh
	$(Q)$(MAKE) --no-print-directory $(UNIT_TESTS) $(TSFAKE) $(SLOWSINK) $(MOCKKAFKA)
	@TSLOAD=$(abspath $(TSLOAD)) TSFAKE=$(abspath $(TSFAKE)) \
		SLOWSINK=$(abspath $(SLOWSINK)) MOCKKAFKA=$(abspath $(MOCKKAFKA)) \
		bash tests/run-all.sh $(UNIT_TESTS)

# ---- make check: the quick tier. No apt (a missing package is one line
# naming it and `make deps`), no servers: unit, tests/cli, tests/e2e.
CHECK_TIERS := unit,cli,e2e
have-deps:
	@CC='$(CC)' CPPFLAGS='$(ALL_CPPFLAGS) $(PKG_CFLAGS)' \
		bash scripts/check-deps.sh

check: have-deps
	@bash scripts/check-layers.sh
	$(Q)$(MAKE) --no-print-directory all $(UNIT_TESTS) $(TSFAKE) $(SLOWSINK) $(MOCKKAFKA)
	@TSLOAD=$(abspath $(TSLOAD)) TSFAKE=$(abspath $(TSFAKE)) \
		SLOWSINK=$(abspath $(SLOWSINK)) MOCKKAFKA=$(abspath $(MOCKKAFKA)) \
		bash tests/run-all.sh --tiers=$(CHECK_TIERS) $(UNIT_TESTS)

demo: build
	@TSLOAD=$(abspath $(TSLOAD)) bash scripts/demo.sh

bench: build
	$(Q)$(MAKE) --no-print-directory $(TSFAKE) $(SPOOLBENCH) $(MOCKKAFKA)
	@TSLOAD=$(abspath $(TSLOAD)) TSFAKE=$(abspath $(TSFAKE)) \
		SPOOLBENCH=$(abspath $(SPOOLBENCH)) MOCKKAFKA=$(abspath $(MOCKKAFKA)) \
		bash scripts/bench.sh

SRC_FILES = $(wildcard common/*.[ch] $(addsuffix /*.[ch],$(LAYER_DIRS)) query/*.[ch] \
	coordinator/*.[ch] worker/*.[ch] tests/unit/*.[ch] tests/tools/*.[ch])
format:
	clang-format -i $(SRC_FILES)

format-check:
	clang-format --dry-run -Werror $(SRC_FILES)

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MAN1DIR)
	install -m 755 $(TSLOAD) $(DESTDIR)$(BINDIR)/tsload
	rm -rf $(DESTDIR)$(DATADIR)/configs
	cp -R configs $(DESTDIR)$(DATADIR)/configs
	chmod -R u=rwX,go=rX $(DESTDIR)$(DATADIR)/configs
	install -m 644 docs/tsload.1 $(DESTDIR)$(MAN1DIR)/tsload.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tsload $(DESTDIR)$(MAN1DIR)/tsload.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf $(BUILD)

check-layers:
	@bash scripts/check-layers.sh

help:
	@echo 'tsload make targets:'
	@echo '  make demo          install deps, build, run an ingest on the embedded'
	@echo '                     SQLite default, then the query workload on it,'
	@echo '                     and print where the results are; ends with'
	@echo '                     tsload report: an HTML page with plots'
	@echo '  make check         quick tier (a minute or two): build, then unit, CLI'
	@echo '                     and end-to-end tests on the embedded targets; no'
	@echo '                     apt (says when to run make deps), no servers'
	@echo '  make test          everything: install deps, build, run unit, CLI,'
	@echo '                     end-to-end, real-server (started on loopback) and'
	@echo '                     fault tests'
	@echo '  make unit          unit tests only (cmocka)'
	@echo '  make check-layers  fail on an #include that points up a layer'
	@echo '  make bench         data points/s per wall and CPU second, memory (3 runs'
	@echo '                     a case, median and spread; results/bench-*.csv);'
	@echo '                     tsload vs each real server'"'"'s own client replaying'
	@echo '                     the same bytes (BENCH_ONLY=server: only those),'
	@echo '                     fan-out to three servers at once, each at least'
	@echo '                     10M data points a minute, then one run with'
	@echo '                     VictoriaMetrics restarted mid-run: nothing lost'
	@echo '                     (BENCH_ONLY=fan-out),'
	@echo '                     tsload verify of a 10.4M-point run on PostgreSQL and'
	@echo '                     VictoriaMetrics vs writing it (goal: verify takes'
	@echo '                     less time; BENCH_ONLY=verify),'
	@echo '                     BENCH_OLD=PATH: alternate with an older binary,'
	@echo '                     tsload generate lines per CPU second (goal: 2M'
	@echo '                     apache; BENCH_ONLY=generate: only those),'
	@echo '                     tsload stream kafka FILE and generate | stream'
	@echo '                     into librdkafka'"'"'s mock cluster against kcat -P'
	@echo '                     (goals: 1M lines/s, ratio 0.9; BENCH_ONLY=stream)'
	@echo '                     and tsload query against pgbench on PostgreSQL,'
	@echo '                     open loop: --rate 1000000 into null:, 100000 into'
	@echo '                     sqlite:, 3 schedule steps (achieved %, lag p99;'
	@echo '                     BENCH_RATE_SECONDS=60 a case), and the spool'"'"'s'
	@echo '                     write and replay MB/s vs dd (BENCH_ONLY=spool),'
	@echo '                     the protocol matrix: one data set over line'
	@echo '                     protocol, remote write (when built in), Graphite,'
	@echo '                     OpenTSDB, Timestream JSON, PostgreSQL COPY and'
	@echo '                     ClickHouse TSV: bytes, tsload and receiver CPU per'
	@echo '                     data point, ack p50/p99 (BENCH_ONLY=matrix), and'
	@echo '                     remote workers: 3 network-namespace hosts x -p 1'
	@echo '                     -c 2 against -p 3 -c 2 on one host (goal: >= 90%;'
	@echo '                     root; BENCH_ONLY=remote)'
	@echo '  make               build $(TSLOAD) only'
	@echo '  make install       build, then install the binary to PREFIX/bin, configs/'
	@echo '                     to PREFIX/share/tsload/configs and the man page to'
	@echo '                     PREFIX/share/man/man1 (PREFIX=/usr/local; DESTDIR too)'
	@echo '  make uninstall     remove what make install installed'
	@echo '  make deps          install missing Debian packages (apt-get)'
	@echo '  make format        clang-format every source file in place'
	@echo '  make format-check  fail if a file is not formatted'
	@echo '  make clean         remove $(BUILD)/'
	@echo 'variables: BUILD=dir SANITIZE=address,undefined WERROR=1 V=1 CFLAGS=...'
	@echo '           DEVELOPER=1 (-pedantic and more warnings, as in CI)'
	@echo '           PREFIX=/usr/local DESTDIR='

.PHONY: check-layers all build deps unit test demo bench format format-check install \
	uninstall clean help FORCE
.PHONY: check have-deps
.SECONDARY:
-include $(patsubst %.o,%.d,$(LIB_OBJ) $(MAIN_OBJ) $(TEST_OBJ) $(TOOL_OBJ))
