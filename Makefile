# netlibc: `make` builds the library, the header and the examples; `make demo` runs the examples against
# netlibc; `make test` runs every test. See README.md.
SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
CFLAGS ?= -O2 -g -Wall -Wextra
ROOT := $(CURDIR)
LIBDIR := $(ROOT)/target/release
BUILD := $(ROOT)/build
C_SOURCES := $(wildcard c_tests/*.c)
C_NAMES := $(notdir $(C_SOURCES:.c=))
GLIBC_BINS := $(addprefix $(BUILD)/glibc/,$(C_NAMES))
LINKED_BINS := $(addprefix $(BUILD)/linked/,$(C_NAMES))
# No test may query the machine's nameserver: netlibc's lookups go to loopback unless a test says otherwise.
export NETLIBC_RESOLV_CONF ?= $(ROOT)/tests/fixtures/resolv.loopback.conf
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)

.PHONY: all lib deps demo test check-fmt clippy cargo-test check-exports check-header check-install c-tests bench \
        fuzz fuzz-check c-tests-valgrind install clean programs check-static

all: lib $(GLIBC_BINS) $(LINKED_BINS)

lib:
	cargo build --release
	ln -sf libnetlibc.so $(LIBDIR)/libnetlibc.so.0

# What the tests need from Debian's packages, installed when missing.
deps:
	@scripts/install-deps.sh

$(BUILD)/glibc/%: c_tests/%.c c_tests/common.h | lib
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

$(BUILD)/linked/%: c_tests/%.c c_tests/common.h | lib
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Iinclude -include netlibc.h -o $@ $< -L$(LIBDIR) -lnetlibc -Wl,-rpath,$(LIBDIR)

# Tests of GNU extensions (accept4, sendmmsg, recvmmsg) need _GNU_SOURCE before any header, and
# `-include netlibc.h` comes first, so it is set on the command line.
$(BUILD)/glibc/socket_calls $(BUILD)/linked/socket_calls: CFLAGS += -D_GNU_SOURCE

demo: all
	@scripts/demo.sh

test: deps all check-fmt clippy check-exports check-header check-install cargo-test c-tests c-tests-valgrind \
      programs check-static fuzz-check
	@echo "make test: all checks passed"

check-fmt:
	cargo fmt --all -- --check

clippy:
	cargo clippy --release --all-targets -- -D warnings

check-exports: lib
	scripts/check-exports.sh $(LIBDIR)/libnetlibc.so

# The committed header must be what cbindgen generates now, and must agree with glibc's prototypes.
check-header: lib
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git diff --exit-code -- include/netlibc.h || { echo "include/netlibc.h is stale: commit it"; exit 1; }; fi
	$(CC) -O0 -Wall -Wextra -Werror -Iinclude -o /dev/null c_tests/compile/header_check.c
	$(CC) -O2 -Wall -Wextra -Werror -Iinclude -o /dev/null c_tests/compile/header_check.c
	$(CC) -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -o /dev/null c_tests/compile/header_check.c
	@echo "check-header: header is current and matches glibc's prototypes at -O0 and -O2"

cargo-test:
	cargo test --release

c-tests: all
	c_tests/run.sh $(BUILD)

# Every C case again, the -lnetlibc binaries under valgrind (memory errors, bytes lost).
c-tests-valgrind: all
	c_tests/run.sh --valgrind $(BUILD)

# libFuzzer + ASan on the stable toolchain (fuzz/run.sh). `make fuzz` runs each target for
# FUZZ_SECONDS; `make test` replays each target's corpus and regressions (seconds).
FUZZ_SECONDS ?= 600
fuzz:
	fuzz/run.sh $(FUZZ_SECONDS)

fuzz-check:
	fuzz/run.sh --check

# The whole run happens inside private network, mount, UTS and PID namespaces with a dnsmasq of our
# own on 127.0.0.1:53 (bench/netns.sh says why and how), so that the DNS cases can time glibc's
# resolver, which reads only /etc/resolv.conf, without it ever asking the machine's nameserver; one run
# still writes one results.md/results.csv with every group. Without root the DNS cases are skipped.
bench: lib
	@mkdir -p $(BUILD) docs/bench
	$(CC) -O2 -Wall -Wextra -o $(BUILD)/bench bench/*.c -ldl
	bench/netns.sh $(BUILD)/bench $(LIBDIR)/libnetlibc.so docs/bench
	bench/plot.py docs/bench/results.csv docs/bench/results.svg
	cargo build --release --no-default-features --target-dir target/notrace
	$(CC) -O2 -Wall -Wextra -o $(BUILD)/trace_cost bench/trace/trace_cost.c -ldl
	env -u NETLIBC_TRACE $(BUILD)/trace_cost $(LIBDIR)/libnetlibc.so target/notrace/release/libnetlibc.so \
	  docs/bench/trace.csv

install: lib
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(LIBDIR)/libnetlibc.so $(DESTDIR)$(PREFIX)/lib/libnetlibc.so.$(VERSION)
	ln -sf libnetlibc.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libnetlibc.so.0
	ln -sf libnetlibc.so.0 $(DESTDIR)$(PREFIX)/lib/libnetlibc.so
	install -m 644 $(LIBDIR)/libnetlibc.a $(DESTDIR)$(PREFIX)/lib/libnetlibc.a
	install -m 644 include/netlibc.h $(DESTDIR)$(PREFIX)/include/netlibc.h
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 scripts/netlibc-run $(DESTDIR)$(PREFIX)/bin/netlibc-run
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' netlibc.pc.in \
	  >$(DESTDIR)$(PREFIX)/lib/pkgconfig/netlibc.pc

clean:
	cargo clean
	rm -rf $(BUILD)

check-install: lib
	scripts/check-install.sh

# Real programs (getent, curl, wget, python3) with and without netlibc preloaded, compared.
programs: lib
	tests/programs/run.sh
	tests/programs/trace.sh
	tests/programs/netlibc_run.sh

# The guide's examples linked statically with libnetlibc.a, run with no NSS module.
check-static: all
	scripts/check-static.sh $(BUILD)
