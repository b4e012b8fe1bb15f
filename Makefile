# kamailio-rs: `make` builds build/modules/{tcpops,keepalive}.so against the installed Kamailio.
# `make run` starts Kamailio with the modules on examples/kamailio.cfg (127.0.0.1:5060);
# `make test` runs every test against a real Kamailio. Both install what they need first.
# `make test-debian13` runs `make test` in a Debian 13 chroot (see .ci/chroot-test).

MODULES      := tcpops keepalive
CARGO        ?= cargo
KAMAILIO     ?= kamailio
MODULES_DIR  ?= $(shell dirname "$$(dpkg -L kamailio 2>/dev/null | grep '/modules/tm.so$$' | head -n1)" 2>/dev/null)
# with KAMAILIO_SRC (a Kamailio of your own) the Debian package and its source are not needed
APT_PACKAGES := $(if $(KAMAILIO_SRC),,kamailio dpkg-dev) clang libclang-dev iproute2 procps

.PHONY: all deps headers build run test test-debian13 bench unit lint install uninstall clean

all: build

# Installs the system packages the build and the tests need (idempotent: no apt run when present).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Fetches the installed Kamailio's source tree (headers) into kamailio-headers/src (git-ignored).
headers: deps
	@./kamailio-headers/fetch.sh >/dev/null

build: headers
	$(CARGO) build --release --workspace
	@mkdir -p build/modules
	@for m in $(MODULES); do cp target/release/lib$$m.so build/modules/$$m.so; done
	@mkdir -p build/test-modules && cp target/release/libkaapi.so build/test-modules/kaapi.so
	@echo "built: $(addprefix build/modules/,$(addsuffix .so,$(MODULES)))"

run: build
	$(KAMAILIO) -f examples/kamailio.cfg -DD -E -L "$(CURDIR)/build/modules:$(MODULES_DIR)"

unit: headers
	$(CARGO) test --release --workspace --lib

test: build
	$(CARGO) test --release --workspace -- --test-threads=2

# `make test` on Debian 13 (Kamailio 6.0) in a debootstrapped chroot cached under /var/tmp (needs root).
test-debian13:
	.ci/chroot-test trixie make test

# Side-by-side benchmark against the package's C modules (BENCH_QUICK=1: under 2 minutes).
bench: build
	$(CARGO) run --release -p kamailio-bench

lint: headers
	$(CARGO) fmt --all --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings

# Installs the modules into Kamailio's module directory, keeping the stock ones as *.so.stock.
install: build
	@for m in $(MODULES); do \
	  if [ -f "$(MODULES_DIR)/$$m.so" ] && [ ! -f "$(MODULES_DIR)/$$m.so.stock" ]; then \
	    cp -p "$(MODULES_DIR)/$$m.so" "$(MODULES_DIR)/$$m.so.stock"; fi; \
	  install -m 0644 build/modules/$$m.so "$(MODULES_DIR)/$$m.so"; \
	  echo "installed $(MODULES_DIR)/$$m.so"; done

uninstall:
	@for m in $(MODULES); do \
	  if [ -f "$(MODULES_DIR)/$$m.so.stock" ]; then mv "$(MODULES_DIR)/$$m.so.stock" "$(MODULES_DIR)/$$m.so"; \
	  echo "restored the stock $(MODULES_DIR)/$$m.so"; fi; done

clean:
	$(CARGO) clean
	rm -rf build
