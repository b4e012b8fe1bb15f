# kamailio-rs: `make` builds build/modules/{tcpops,keepalive}.so against the installed Kamailio.
# `make run` starts Kamailio with the modules on examples/kamailio.cfg (127.0.0.1:5060);
# `make test` runs every test against a real Kamailio. Both install what they need first
# (scripts/deps): `make run` what building and running need, `make test` the test tools too,
# and both a Rust toolchain from Debian's packages when there is no cargo at least as new as
# rust-version (Cargo.toml) on the PATH (scripts/cargo then runs Debian's).
# `make test-debian13` / `make test-forky` run `make test` in a Debian 13 / Debian testing chroot
# (see .ci/chroot-test); `make test-matrix` runs `make test` here, then both.

MODULES      := tcpops keepalive
CARGO        ?= scripts/cargo
KAMAILIO     ?= kamailio
MODULES_DIR  ?= $(shell dirname "$$(dpkg -L kamailio 2>/dev/null | grep '/modules/tm.so$$' | head -n1)" 2>/dev/null)
# What building and running need (with KAMAILIO_BIN, a Kamailio of your own, not the Debian
# package; dpkg-dev unpacks a source package where no vendored header series fits,
# kamailio-headers/README.md); bindgen needs libclang, the C shim a C compiler.
RUN_PACKAGES  := $(if $(KAMAILIO_BIN),,kamailio) dpkg-dev libclang-dev gcc
# What the tests add: Lua, xmlrpc and websocket modules, ss/ip, ps, the package's lintian, a Prometheus.
TEST_PACKAGES := kamailio-lua-modules kamailio-xml-modules kamailio-websocket-modules iproute2 procps lintian prometheus
# `make deps` installs the run set; `make test`, `bench` and `deb` the test set too; `make lint`
# the run set and, with Debian's toolchain, its clippy and rustfmt.
DEPS_FOR     ?= $(RUN_PACKAGES)
test bench deb: DEPS_FOR = $(RUN_PACKAGES) $(TEST_PACKAGES)
lint: DEPS_LINT = --lint

.PHONY: all deps headers check-headers build run test test-debian13 test-forky test-matrix bench \
	unit lint install uninstall deb clean

all: build

# Installs the system packages (and the Rust toolchain) the target needs; idempotent.
deps:
	@scripts/deps $(DEPS_LINT) $(DEPS_FOR)

# Says which Kamailio headers the build uses (kamailio-headers/README.md): the vendored series of
# the installed release, or its Debian source package fetched into kamailio-headers/src.
headers: deps
	@./kamailio-headers/fetch.sh >/dev/null

# Checks the vendored header series against the Debian source packages they come from.
check-headers: deps
	./kamailio-headers/check.sh

build: headers
	$(CARGO) build --release --workspace
	@mkdir -p build/modules
	@for m in $(MODULES); do cp target/release/lib$$m.so build/modules/$$m.so; done
	@mkdir -p build/test-modules && for f in kaapi tcphold tcpwatch; do cp target/release/lib$$f.so build/test-modules/$$f.so; done
	@echo "built: $(addprefix build/modules/,$(addsuffix .so,$(MODULES)))"

run: build
	$(KAMAILIO) -f examples/kamailio.cfg -DD -E -L "$(CURDIR)/build/modules:$(MODULES_DIR)"

unit: headers
	$(CARGO) test --release --workspace --lib

test: build
	$(CARGO) test --release --workspace -- --test-threads=2

# `make test` on Debian 13 (Kamailio 6.0) or Debian testing (forky, Kamailio 6.1) in a
# debootstrapped chroot cached under /var/tmp (needs root); see .ci/chroot-test.
test-debian13:
	.ci/chroot-test trixie make test

test-forky:
	.ci/chroot-test forky make test

test-matrix: test test-debian13 test-forky

# Side-by-side benchmark against the package's C modules (BENCH_QUICK=1: under 2 minutes).
bench: build
	$(CARGO) run --release -p kamailio-bench

lint: headers
	$(CARGO) fmt --all --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings
	$(CARGO) check --manifest-path fuzz/Cargo.toml --bins

# The Debian package kamailio-rs-modules (packaging/, docs/migrating.md): build/*.deb,
# checked with lintian.
deb: build
	./packaging/build-deb.sh

# `make install` and the package are one or the other: both refuse while the package is installed.
DEB_INSTALLED = dpkg-query -W -f='$${db:Status-Status}' kamailio-rs-modules 2>/dev/null | grep -qx installed
NOT_WITH_DEB  = if $(DEB_INSTALLED); then \
	  echo "the kamailio-rs-modules package is installed and owns $(MODULES_DIR)/{tcpops,keepalive}.so:" >&2; \
	  echo "  use apt (apt-get remove kamailio-rs-modules), not make install/uninstall" >&2; exit 1; fi

# Installs the modules into Kamailio's module directory, keeping the stock ones as *.so.stock
# (again after a kamailio upgrade wrote new stock files over ours: a file whose md5sum the
# kamailio package records is the stock one).
install: build
	@$(NOT_WITH_DEB)
	@sums=$$(dpkg-query --control-show kamailio md5sums 2>/dev/null); \
	for m in $(MODULES); do \
	  f="$(MODULES_DIR)/$$m.so"; \
	  own=$$(echo "$$sums" | awk -v p="$${f#/}" '$$2 == p {print $$1}'); \
	  if [ -f "$$f" ] && { [ ! -f "$$f.stock" ] || [ "$$(md5sum <"$$f" | cut -d' ' -f1)" = "$$own" ]; }; then \
	    cp -p "$$f" "$$f.stock"; fi; \
	  install -m 0644 build/modules/$$m.so "$(MODULES_DIR)/$$m.so"; \
	  echo "installed $(MODULES_DIR)/$$m.so"; done

uninstall:
	@$(NOT_WITH_DEB)
	@for m in $(MODULES); do \
	  if [ -f "$(MODULES_DIR)/$$m.so.stock" ]; then mv "$(MODULES_DIR)/$$m.so.stock" "$(MODULES_DIR)/$$m.so"; \
	  echo "restored the stock $(MODULES_DIR)/$$m.so"; fi; done

clean:
	$(CARGO) clean
	rm -rf build

# Fuzzes the modules' pure parsers (fuzz/: its own workspace, see fuzz/README.md): every target
# `cargo fuzz list` names, FUZZ_S seconds each; fails on any crash. Needs the nightly toolchain;
# installs cargo-fuzz if missing. Not part of `make test`.
FUZZ_S       ?= 60
FUZZ_MAX_LEN ?= 8192

.PHONY: fuzz
fuzz:
	@cargo +nightly fuzz --version >/dev/null 2>&1 || $(CARGO) install cargo-fuzz --locked
	@cd fuzz && mkdir -p logs && targets=$$(cargo +nightly fuzz list) && \
	for t in $$targets; do \
	  echo "fuzz: $$t for $(FUZZ_S) s"; \
	  cargo +nightly fuzz run --sanitizer none --debug-assertions $$t -- \
	    -max_total_time=$(FUZZ_S) -max_len=$(FUZZ_MAX_LEN) -print_final_stats=1 \
	    >logs/$$t.log 2>&1 || { tail -n 40 logs/$$t.log; \
	    echo "fuzz: $$t FAILED (log fuzz/logs/$$t.log, input in fuzz/artifacts/$$t/)"; exit 1; }; \
	done && \
	for t in $$targets; do printf 'fuzz: %-12s %s\n' $$t "$$(grep -m1 '^Done ' logs/$$t.log)"; done
