# SPDX-License-Identifier: GPL-2.0-only
#
# xdptop build. `make` builds build/xdptop; `sudo make test` and `sudo make run`
# first install what is missing (make deps), so each is the one command it says.

VERSION := 0.1.0
PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share

CC ?= cc
B := build
WERROR ?= 0

CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wcast-qual -Wvla
ifeq ($(WERROR),1)
WARN += -Werror
endif
CPPFLAGS_ALL := -Iinclude -Iuser -D_GNU_SOURCE -DXDT_VERSION='"$(VERSION)"' \
	-DXDT_DATADIR='"$(DATADIR)/xdptop"'
SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

-include $(B)/config.mk

# Kernel programs: clang for the BPF target, bpftool for the skeletons.
CLANG ?= clang
BPFTOOL ?= bpftool
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null)
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -Wall -Iinclude -Ikern -I/usr/include/$(MULTIARCH)
BPF_PROGS := xdp_flow tc_flow sock_attr egress_lock sock_iter
BPF_SKELS := $(patsubst %,$(B)/kern/%.skel.h,$(BPF_PROGS))
# Keep the objects the skeletons embed: they are what bpftool and tests inspect.
.SECONDARY: $(patsubst %,$(B)/kern/%.bpf.o,$(BPF_PROGS))

# Core: links libc, libm and libcrypto (QUIC Initial keys) only, so unit tests and
# benchmarks need no privilege.
# The screen's pure parts (no curses) are in the core, so unit tests reach them.
UI_CORE_SRCS := $(wildcard ui/filter.c ui/sort.c ui/fmt.c ui/jsonview.c ui/rowset.c)
CORE_SRCS := user/pkt/parse.c user/pkt/frag.c user/flow/table.c user/flow/tcp.c \
	user/engine.c $(wildcard user/export/*.c) user/util/log.c user/util/hash.c user/cli.c \
	user/capture/iface.c user/capture/ifwatch.c $(wildcard user/dpi/*.c) $(wildcard user/proc/*.c) \
	$(wildcard user/view/*.c) $(UI_CORE_SRCS) user/sandbox/resolv.c $(wildcard user/enrich/*.c) \
	user/config.c
APP_SRCS := user/main.c user/capture/pcap.c user/capture/kflow.c user/capture/xsk.c loader/loader.c \
	loader/probe.c loader/attr.c loader/cgroup.c loader/egress.c loader/sockiter.c \
	$(filter-out user/sandbox/resolv.c,$(wildcard user/sandbox/*.c)) $(filter-out $(UI_CORE_SRCS),$(wildcard ui/*.c))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
HDRS := $(wildcard include/xdptop/*.h user/*.h user/*/*.h loader/*.h ui/*.h)
BPF_HDRS := $(wildcard include/xdptop/*.h kern/lib/*.h)

# libFuzzer harnesses: clang, ASan + UBSan, one binary per parser.
FUZZ_PARSERS := http ssh dns tls quic dhcp ntp stun bittorrent
FUZZ_TARGETS := $(B)/fuzz/fuzz_pkt $(B)/fuzz/fuzz_flow $(B)/fuzz/fuzz_proc $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ_PARSERS))
FUZZ_CFLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	$(CPPFLAGS_ALL)
FUZZ_SECONDS ?= 60

# Variant "" is the normal build in build/; "asan/" is ASan+UBSan in build/asan/.
obj = $(patsubst %.c,$(B)/$(1)obj/%.o,$(2))

.PHONY: all deps configure test check check-unit check-replay check-valgrind check-e2e check-live check-hostile check-bpf check-kern check-dpi check-proc check-enrich check-sandbox check-export check-iface check-ui check-flood check-signals check-fuzz fuzz run bench soak \
	install uninstall clean asan format
.DEFAULT_GOAL := all

all: $(B)/xdptop

$(B)/config.mk: mk/configure.sh
	@CC="$(CC)" sh mk/configure.sh $(B)

configure:
	@CC="$(CC)" sh mk/configure.sh $(B)

deps:
	@sh mk/deps.sh

# --- kernel programs -------------------------------------------------------------
$(B)/kern/%.bpf.o: kern/%.bpf.c $(BPF_HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(B)/kern/%.skel.h: $(B)/kern/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# --- objects -------------------------------------------------------------------
$(B)/obj/%.o: %.c $(HDRS) $(B)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(PCAP_CFLAGS) $(CRYPTO_CFLAGS) $(MMDB_CFLAGS) $(YAML_CFLAGS) $(CFLAGS) \
		$(WARN) -c -o $@ $<

$(B)/asan/obj/%.o: %.c $(HDRS) $(B)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(PCAP_CFLAGS) $(CRYPTO_CFLAGS) $(MMDB_CFLAGS) $(YAML_CFLAGS) -O1 -g \
		$(WARN) $(SAN) -c -o $@ $<

# Only ui/ includes curses.
$(B)/obj/ui/%.o $(B)/asan/obj/ui/%.o: CPPFLAGS_ALL += $(CURSES_CFLAGS)

# Only the loader includes skeletons.
$(B)/obj/loader/%.o $(B)/asan/obj/loader/%.o: CPPFLAGS_ALL += -I$(B)/kern
# bpftool's generated skeletons cast away const; that code is not ours to change.
$(B)/obj/loader/%.o $(B)/asan/obj/loader/%.o: WARN += -Wno-cast-qual
$(B)/obj/loader/loader.o $(B)/asan/obj/loader/loader.o: $(BPF_SKELS)
$(B)/obj/loader/attr.o $(B)/asan/obj/loader/attr.o: $(BPF_SKELS)
$(B)/obj/loader/egress.o $(B)/asan/obj/loader/egress.o: $(BPF_SKELS)
$(B)/obj/loader/sockiter.o $(B)/asan/obj/loader/sockiter.o: $(BPF_SKELS)
# Only the sandbox includes libseccomp and libcap.
$(B)/obj/user/sandbox/%.o $(B)/asan/obj/user/sandbox/%.o: CPPFLAGS_ALL += $(SECCOMP_CFLAGS) $(CAP_CFLAGS)

$(B)/tests/obj/%.o: %.c $(HDRS) $(B)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CRITERION_CFLAGS) $(CFLAGS) $(WARN) -Wno-missing-prototypes \
		-c -o $@ $<

$(B)/asan/tests/obj/%.o: %.c $(HDRS) $(B)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CRITERION_CFLAGS) -O1 -g $(WARN) -Wno-missing-prototypes \
		$(SAN) -c -o $@ $<

# --- binaries ------------------------------------------------------------------
$(B)/libxdt-core.a: $(call obj,,$(CORE_SRCS))
	$(AR) rcs $@ $^

$(B)/asan/libxdt-core.a: $(call obj,asan/,$(CORE_SRCS))
	$(AR) rcs $@ $^

CORE_LIBS = $(CRYPTO_LIBS) $(MMDB_LIBS) $(YAML_LIBS) -lm -pthread
APP_LIBS = $(PCAP_LIBS) $(BPF_LIBS) $(CURSES_LIBS) $(SECCOMP_LIBS) $(CAP_LIBS) $(CORE_LIBS)

$(B)/xdptop: $(call obj,,$(APP_SRCS)) $(B)/libxdt-core.a
	$(CC) $(CFLAGS) -o $@ $^ $(APP_LIBS)

$(B)/asan/xdptop: $(call obj,asan/,$(APP_SRCS)) $(B)/asan/libxdt-core.a
	$(CC) $(SAN) -o $@ $^ $(APP_LIBS)

asan: $(B)/asan/xdptop

# The test build: the same program plus the escape attempts tests/sandbox makes from
# inside the confined process (user/sandbox/selftest.c, on SIGUSR2) and a switch
# that fakes a missing layer. Never installed.
SELFTEST_SRCS := user/main.c user/cli.c user/sandbox/selftest.c
$(B)/selftest/obj/%.o: %.c $(HDRS) $(B)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -DXDT_SELFTEST $(PCAP_CFLAGS) $(CRYPTO_CFLAGS) $(SECCOMP_CFLAGS) \
		$(CAP_CFLAGS) $(CFLAGS) $(WARN) -c -o $@ $<

$(B)/xdptop-selftest: $(patsubst %.c,$(B)/selftest/obj/%.o,$(SELFTEST_SRCS)) \
		$(call obj,,$(filter-out $(SELFTEST_SRCS),$(APP_SRCS))) $(B)/libxdt-core.a
	$(CC) $(CFLAGS) -o $@ $^ $(APP_LIBS)

$(B)/tests/unit: $(patsubst %.c,$(B)/tests/obj/%.o,$(UNIT_SRCS)) $(B)/libxdt-core.a
	$(CC) -o $@ $^ $(CRITERION_LIBS) $(CORE_LIBS)

$(B)/asan/tests/unit: $(patsubst %.c,$(B)/asan/tests/obj/%.o,$(UNIT_SRCS)) \
		$(B)/asan/libxdt-core.a
	$(CC) $(SAN) -o $@ $^ $(CRITERION_LIBS) $(CORE_LIBS)

# BPF unit tests: crafted frames through the real programs (BPF_PROG_TEST_RUN).
# loader/sockiter.c is driven whole: it logs nothing, so it needs no libxdt-core.
BPF_TEST_SRCS := $(wildcard tests/bpf/test_*.c) loader/sockiter.c
# The hostile corpus (tests/hostile/gen.py) as a C array, for tests/bpf/test_hostile.c.
$(B)/tests/hostile_corpus.h: tests/hostile/gen.py
	@mkdir -p $(dir $@)
	python3 tests/hostile/gen.py --c-header $@.tmp && mv $@.tmp $@

$(B)/tests/bpf: $(BPF_TEST_SRCS) $(BPF_SKELS) $(HDRS) $(wildcard tests/bpf/*.h) $(B)/config.mk \
		$(B)/tests/hostile_corpus.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -I$(B)/kern -I$(B)/tests -Itests/unit $(CRITERION_CFLAGS) $(CFLAGS) $(WARN) \
		-Wno-missing-prototypes -Wno-cast-qual -o $@ $(BPF_TEST_SRCS) $(CRITERION_LIBS) \
		$(BPF_LIBS)

check-bpf: $(B)/tests/bpf
	$(B)/tests/bpf

check-kern: $(B)/xdptop
	XDPTOP=$(B)/xdptop bash tests/kern/run.sh

check-dpi: $(B)/xdptop
	XDPTOP=$(B)/xdptop bash tests/dpi/run.sh

check-proc: $(B)/xdptop
	XDPTOP=$(B)/xdptop bash tests/proc/run.sh

# GeoIP, reverse DNS and the configuration file, live.
check-enrich: $(B)/xdptop
	XDPTOP=$(B)/xdptop bash tests/enrich/run.sh

# The lock-down, proved from inside the running process (the test build).
check-sandbox: $(B)/xdptop $(B)/xdptop-selftest
	XDPTOP=$(B)/xdptop XDPTOP_SELFTEST=$(B)/xdptop-selftest bash tests/sandbox/run.sh

# Logs and exports, read back by tshark, nfdump, node_exporter.
check-export: $(B)/xdptop
	XDPTOP=$(B)/xdptop bash tests/export/run.sh

# The monitored interface going down, away and back while xdptop runs.
check-iface: $(B)/xdptop
	XDPTOP=$(B)/xdptop bash tests/iface/run.sh

# The screen driven through tmux.
check-ui: $(B)/xdptop
	XDPTOP=$(B)/xdptop bash tests/ui/run.sh

# Floods of new flows (bench/xdp_bench flood), prefix ring and AF_XDP ring exhaustion.
check-flood: $(B)/xdptop $(B)/bench/xdp_bench
	XDPTOP=$(B)/xdptop XDP_BENCH=$(B)/bench/xdp_bench bash tests/flood/run.sh

# SIGTERM/SIGINT flush and detach, SIGHUP reopens the logs, a second instance.
check-signals: $(B)/xdptop
	XDPTOP=$(B)/xdptop bash tests/signals/run.sh

# Not in `make test`: ten minutes of churning traffic, RSS, fds and flow ages watched
# (SOAK_SECONDS to change; docs/SOAK.md has the figures).
SOAK_SECONDS ?= 600
soak: $(B)/xdptop
	XDPTOP=$(B)/xdptop SOAK_SECONDS=$(SOAK_SECONDS) bash tests/soak/run.sh

$(B)/bench/engine_bench: bench/engine_bench.c $(B)/libxdt-core.a $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(PCAP_CFLAGS) $(CFLAGS) $(WARN) -o $@ $< $(B)/libxdt-core.a \
		$(PCAP_LIBS) $(CORE_LIBS)

# --- tests ---------------------------------------------------------------------
# Every suite runs even if an earlier one failed; the summary line is last.
SAN_ENV := ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

test: deps
	@$(MAKE) --no-print-directory WERROR=1 check

check: $(B)/xdptop $(B)/xdptop-selftest $(B)/asan/xdptop $(B)/tests/unit $(B)/asan/tests/unit $(B)/tests/bpf \
		$(B)/bench/xdp_bench $(FUZZ_TARGETS)
	@sh tests/run-all.sh $(B)

check-unit: $(B)/tests/unit $(B)/asan/tests/unit
	$(B)/tests/unit
	$(SAN_ENV) $(B)/asan/tests/unit

check-replay: $(B)/xdptop $(B)/asan/xdptop
	XDPTOP=$(B)/xdptop XDPTOP_ASAN=$(B)/asan/xdptop bash tests/replay/run.sh

# The unit suite and xdptop -r (every replay case, the offline exports) under
# valgrind's memcheck: normal build, no error and no leak allowed.
check-valgrind: $(B)/xdptop $(B)/tests/unit
	XDPTOP=$(B)/xdptop UNIT=$(B)/tests/unit bash tests/valgrind/run.sh

check-e2e: $(B)/xdptop
	XDPTOP=$(B)/xdptop bash tests/e2e/run.sh

check-live: $(B)/xdptop
	XDPTOP=$(B)/xdptop bash tests/live/run.sh

# Hostile frames: replayed (both binaries), live through the xdp and pcap backends.
check-hostile: $(B)/xdptop $(B)/asan/xdptop
	XDPTOP=$(B)/xdptop XDPTOP_ASAN=$(B)/asan/xdptop bash tests/hostile/run.sh

# --- run, bench, install -------------------------------------------------------
# The screen on a terminal; JSON lines every 2 s when the output goes elsewhere.
run: deps
	@$(MAKE) --no-print-directory all
	@if [ -t 1 ]; then $(B)/xdptop; else $(B)/xdptop --json --interval 2; fi


$(B)/fuzz/fuzz_pkt: tests/fuzz/fuzz_pkt.c $(CORE_SRCS) $(HDRS)
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRCS) $(CORE_LIBS)

$(B)/fuzz/fuzz_flow: tests/fuzz/fuzz_flow.c $(CORE_SRCS) $(HDRS) $(B)/config.mk
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) $(CRYPTO_CFLAGS) -o $@ $< $(CORE_SRCS) $(CORE_LIBS)

$(B)/fuzz/fuzz_proc: tests/fuzz/fuzz_proc.c $(wildcard user/proc/*.c) $(HDRS) $(B)/config.mk
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -o $@ $< $(CORE_SRCS) $(CORE_LIBS)

# A parser with its own harness file (tests/fuzz/fuzz_NAME.c) uses it; the others
# share fuzz_dpi.c, built with -DFUZZ_NAME.
$(B)/fuzz/fuzz_quic: tests/fuzz/fuzz_quic.c $(wildcard user/dpi/*.c) $(HDRS) $(B)/config.mk
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) $(CRYPTO_CFLAGS) -o $@ $< $(wildcard user/dpi/*.c) $(CORE_LIBS)

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_dpi.c $(wildcard user/dpi/*.c) $(HDRS) $(B)/config.mk
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_CFLAGS) -DFUZZ_$(shell echo $* | tr a-z A-Z) -o $@ $< \
		$(wildcard user/dpi/*.c) $(CORE_LIBS)

fuzz: $(FUZZ_TARGETS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh $(B)

check-fuzz: $(FUZZ_TARGETS)
	FUZZ_SECONDS=5 bash tests/fuzz/run.sh $(B)

# The flood generator's XDP program (bench/xdp_gen.bpf.c): xdp_bench's, not xdptop's.
$(B)/bench/%.bpf.o: bench/%.bpf.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BPF_CFLAGS) -c -o $@ $<

$(B)/bench/%.skel.h: $(B)/bench/%.bpf.o
	$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@
.SECONDARY: $(B)/bench/xdp_gen.bpf.o

$(B)/bench/xdp_bench: bench/xdp_bench.c $(BPF_SKELS) $(B)/bench/xdp_gen.skel.h $(HDRS) \
		$(B)/config.mk
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -I$(B)/kern -I$(B)/bench $(CFLAGS) $(WARN) -Wno-cast-qual -o $@ $< \
		$(BPF_LIBS)

bench: deps
	@$(MAKE) --no-print-directory $(B)/xdptop $(B)/bench/engine_bench $(B)/bench/xdp_bench
	@bash bench/run.sh $(B)

install: $(B)/xdptop
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(B)/xdptop $(DESTDIR)$(SBINDIR)/xdptop
	install -m 0644 man/xdptop.8 $(DESTDIR)$(MANDIR)/man8/xdptop.8
	install -d $(DESTDIR)$(DATADIR)/xdptop
	install -m 0644 data/services $(DESTDIR)$(DATADIR)/xdptop/services

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/xdptop $(DESTDIR)$(MANDIR)/man8/xdptop.8 \
		$(DESTDIR)$(DATADIR)/xdptop/services
	-rmdir $(DESTDIR)$(DATADIR)/xdptop

format:
	clang-format -i $(CORE_SRCS) $(APP_SRCS) $(HDRS) $(UNIT_SRCS)

clean:
	rm -rf $(B)
