# restock: build, run, test, bench, fuzz, install.
.SUFFIXES:

PREFIX ?= /usr/local
DESTDIR ?=
PORT ?= 8080
ifeq ($(origin CC),default)
CC = cc
endif
PKGS = libxml-2.0 yajl libcurl libcrypto libcrypt
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
WARN = -Wall -Wextra -Werror
CFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Isrc $(PKG_CFLAGS) -MMD -MP \
	-DMSG_TEMPLATES_DEFAULT='"$(PREFIX)/share/restock/templates"'
LIBS = -lfcgi -lgdbm $(PKG_LIBS)
SAN = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRC := $(sort $(wildcard src/core/*.c src/store/*.c src/feed/*.c src/tmpl/*.c src/mail/*.c src/http/*.c src/bis/*.c))
WEB_SRC := $(sort $(wildcard src/web/*.c))
CLI_SRC := $(sort $(wildcard src/cli/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC))

LIB_OBJ := $(LIB_SRC:%.c=build/%.o)
WEB_OBJ := $(WEB_SRC:%.c=build/%.o)
CLI_OBJ := $(CLI_SRC:%.c=build/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
ASAN_LIB_OBJ := $(LIB_SRC:%.c=build-asan/%.o)
ASAN_UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build-asan/tests/%)
REPLAY_BIN := $(FUZZ_NAMES:%=build-asan/fuzz/replay_%)

all: cgi-bin/restock.fcgi bin/restockctl bin/noop.fcgi

deps:
	@scripts/deps.sh build

build/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c $< -o $@

build-asan/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC asan $<"
	@$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c $< -o $@

build/librestock.a: $(LIB_OBJ)
	@rm -f $@ && ar rcs $@ $(LIB_OBJ)

build-asan/librestock.a: $(ASAN_LIB_OBJ)
	@rm -f $@ && ar rcs $@ $(ASAN_LIB_OBJ)

cgi-bin/restock.fcgi: $(WEB_OBJ) build/librestock.a
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $(WEB_OBJ) build/librestock.a $(LIBS)

bin/restockctl: $(CLI_OBJ) build/librestock.a
	@mkdir -p bin
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ $(CLI_OBJ) build/librestock.a $(LIBS)

bin/noop.fcgi: build/bench/noop.o
	@mkdir -p bin
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -o $@ build/bench/noop.o -lfcgi

build/tests/%: tests/unit/%.c build/librestock.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(ALL_CFLAGS) -o $@ $< build/librestock.a -lcmocka $(LIBS)

build-asan/tests/%: tests/unit/%.c build-asan/librestock.a
	@mkdir -p $(@D)
	@echo "  LD asan $@"
	@$(CC) $(ALL_CFLAGS) -O1 $(SAN) -o $@ $< build-asan/librestock.a -lcmocka $(LIBS)

build-asan/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c build-asan/librestock.a
	@mkdir -p $(@D)
	@echo "  LD asan $@"
	@$(CC) $(ALL_CFLAGS) -O1 $(SAN) -o $@ $< tests/fuzz/replay.c build-asan/librestock.a $(LIBS)

# libFuzzer builds (clang), run each for FUZZ_SECONDS over its corpus
FUZZ_SECONDS ?= 60
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC)
	@mkdir -p $(@D)
	clang -std=c11 -D_GNU_SOURCE -g -O1 -Isrc $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(LIB_SRC) $(LIBS)

fuzz: $(FUZZ_NAMES:%=build-fuzz/fuzz_%)
	@for n in $(FUZZ_NAMES); do \
		mkdir -p tests/fuzz/corpus/$$n build-fuzz/new/$$n; \
		echo "fuzz $$n for $(FUZZ_SECONDS)s"; \
		build-fuzz/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
			-print_final_stats=1 build-fuzz/new/$$n tests/fuzz/corpus/$$n 2>&1 | tail -n 3 || exit 1; \
		build-fuzz/fuzz_$$n -merge=1 tests/fuzz/corpus/$$n build-fuzz/new/$$n 2>&1 | \
			grep -E 'MERGE-OUTER: [0-9]+ new files' || true; \
		rm -rf build-fuzz/new/$$n; \
	done

unit: $(UNIT_BIN) $(ASAN_UNIT_BIN) $(REPLAY_BIN)

# End-to-end tests that start a web server run behind each server users run; the rest once.
E2E_ALL := $(sort $(wildcard tests/e2e/*.t))
E2E_SERVER := $(shell grep -l 'start_server\|start_lighttpd' $(E2E_ALL) 2>/dev/null | grep -v 'fcgid_concurrency\|fault_kill\|admin_browser')
E2E_ONCE := $(filter-out $(E2E_SERVER),$(E2E_ALL))
TEST_ENV = CMOCKA_MESSAGE_OUTPUT=TAP MUSTACHE_SPEC_DIR=$(CURDIR)/../shared/data/mustache-spec

test:
	@scripts/deps.sh test
	@if command -v npm >/dev/null && [ ! -d tests/browser/node_modules ]; then \
		(cd tests/browser && npm ci --no-audit --no-fund >/dev/null 2>&1) || echo "npm ci failed: the browser test will skip"; fi
	@$(MAKE) --no-print-directory all unit
	@$(TEST_ENV) scripts/prove-all.sh "$(UNIT_BIN) $(ASAN_UNIT_BIN) tests/fuzz/replay.t $(E2E_ONCE)" "$(E2E_SERVER)"

run:
	@scripts/deps.sh run
	@$(MAKE) --no-print-directory all
	@PORT=$(PORT) scripts/run.sh

bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all
	bench/run.sh

bundle: all
	scripts/bundle.sh

valgrind:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory all
	scripts/valgrind.sh

soak:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all
	scripts/soak.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/restock/cgi-bin \
		$(DESTDIR)$(PREFIX)/share/restock/templates/email \
		$(DESTDIR)$(PREFIX)/share/restock/templates/admin \
		$(DESTDIR)$(PREFIX)/share/restock/etc $(DESTDIR)$(PREFIX)/share/restock/examples
	install -m 755 bin/restockctl $(DESTDIR)$(PREFIX)/bin/restockctl
	install -m 755 cgi-bin/restock.fcgi $(DESTDIR)$(PREFIX)/lib/restock/cgi-bin/restock.fcgi
	for f in templates/email/* templates/admin/*; do [ -f "$$f" ] && install -m 644 "$$f" $(DESTDIR)$(PREFIX)/share/restock/$$f; done; true
	for f in etc/*; do install -m 644 "$$f" $(DESTDIR)$(PREFIX)/share/restock/$$f; done
	for f in examples/*; do install -m 644 "$$f" $(DESTDIR)$(PREFIX)/share/restock/$$f; done

clean:
	rm -rf build build-asan build-fuzz bin cgi-bin/restock.fcgi

.PHONY: all deps unit test run bench fuzz install clean valgrind soak bundle
-include $(LIB_OBJ:.o=.d) $(WEB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(ASAN_LIB_OBJ:.o=.d)
