# Latent: `make demo` trains a VAE on Fashion-MNIST, `make test` runs the tests.
# Both install the Debian packages they need first (only those missing).

APT_PACKAGES := libopenblas-dev libpng-dev zlib1g-dev pkg-config dataset-fashion-mnist libdnnl-dev
# Let the compiler use the machine's vector units (AVX-512 where present).
CPU_FLAGS := $(shell if grep -q avx512f /proc/cpuinfo 2>/dev/null; then echo "-Xswiftc -target-cpu -Xswiftc skylake-avx512"; \
                     elif grep -q avx2 /proc/cpuinfo 2>/dev/null; then echo "-Xswiftc -target-cpu -Xswiftc haswell"; fi)
RELEASE := -c release $(CPU_FLAGS)
LATENT := .build/release/latent

.PHONY: deps build demo serve test test-cli-debug test-asan crash-test bench clean

deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
		echo "installing:$$missing"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# TRAITS=TensorBoard (or MPI, comma-separated) builds optional parts in: `make build TRAITS=TensorBoard`.
TRAITS ?=
TRAIT_FLAGS := $(if $(TRAITS),--traits $(TRAITS))
# The tests build every part that needs no extra system library (the TensorBoard writer included).
TEST_FLAGS := $(RELEASE) -Xswiftc -enable-testing --traits TensorBoard

build: deps
	swift build $(RELEASE) --product latent $(TRAIT_FLAGS)

demo: build
	$(LATENT) train vae --data fashion-mnist --epochs 5

# `make serve` (in a second terminal while `make demo` trains): the runs in a browser at http://127.0.0.1:8080/.
# Its own product, so `make build`/`make demo` never compile the server. SERVE_ARGS passes options
# (e.g. SERVE_ARGS="--port 9000"; `--host` needs or generates a --token).
serve: deps
	swift build $(RELEASE) --product latent-serve
	.build/release/latent-serve $(SERVE_ARGS)

test: deps
	swift test $(TEST_FLAGS) --disable-xctest

# Every command's --help (and --version) with a debug build of `latent`: only a debug build runs the
# argument parser's checks of each command's definition (e.g. two options with one name), which a
# release build skips. scripts/help-check.sh walks the commands from the help texts themselves.
test-cli-debug: deps
	swift build --product latent
	scripts/help-check.sh "$$(swift build --show-bin-path)/latent"

# The same suite under AddressSanitizer (its own build folder): any out-of-bounds access or
# use-after-free is a failure. Leak reports are off: Foundation keeps a few small allocations
# alive at exit, and a leak is not a memory-safety error. A request larger than memory returns null,
# as it does without the sanitizer, so the out-of-memory line is tested too.
test-asan: deps
	ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 swift test -c release --sanitize=address -Xswiftc -enable-testing --traits TensorBoard --disable-xctest --scratch-path .build-asan

# Kill a training run at random moments (SIGKILL, SIGINT, SIGTERM), resume it each time, compare with an uninterrupted run.
crash-test: build
	LATENT=$(LATENT) scripts/crash-test.sh $(or $(KILLS),12)

bench: build
	$(LATENT) bench all

clean:
	rm -rf .build

# `make fuzz`: libFuzzer + AddressSanitizer on every file reader for FUZZ_SECONDS each (scripts/fuzz.sh;
# crash inputs are kept in Tests/LatentTests/Fixtures/fuzz/regressions/), then the mutation tests with
# 5000 mutants per format. Fails when either finds a reader that crashes.
FUZZ_SECONDS ?= 60

.PHONY: fuzz
fuzz: deps
	@status=0; scripts/fuzz.sh $(FUZZ_SECONDS) || status=$$?; \
	LATENT_FUZZ_MUTANTS=5000 swift test $(TEST_FLAGS) --disable-xctest \
		--filter 'FuzzTests|FuzzMutatorTests' && exit $$status

# `make build-mpi`: `latent` with the package trait MPI (Open MPI), in its own build folder, so that
# `mpirun -np N .build-mpi/release/latent train …` trains one run on N processes (README: "Training on
# several processes"). `make build` never asks for MPI. `make test-mpi`: `mpirun -np 2` against one
# process on the same global batch (scripts/mpi-test.sh compares metrics.jsonl and the checkpoints).
MPI_APT_PACKAGES := libopenmpi-dev openmpi-bin
LATENT_MPI := .build-mpi/release/latent

.PHONY: build-mpi test-mpi
build-mpi: deps
	@$(MAKE) --no-print-directory deps APT_PACKAGES="$(MPI_APT_PACKAGES)"
	swift build $(RELEASE) --product latent --traits MPI --scratch-path .build-mpi

test-mpi: build-mpi
	LATENT=$(LATENT_MPI) scripts/mpi-test.sh

# `make test-tensorboard`: trains a tiny run with --tensorboard, resumes it, and reads the event files with the
# `tensorboard` package's own reader (event_accumulator), installed from PyPI into a venv under .build-venv:
# scalars and their steps against metrics.jsonl, the sample grids against the PNGs the trainer wrote, the options text.
TB_VENV := .build-venv

.PHONY: test-tensorboard
test-tensorboard: deps
	swift build $(TEST_FLAGS) --product latent
	@test -x $(TB_VENV)/bin/python || python3 -m venv $(TB_VENV)
	@$(TB_VENV)/bin/python -c "import tensorboard" 2>/dev/null || $(TB_VENV)/bin/pip install -q tensorboard
	$(TB_VENV)/bin/python scripts/tensorboard-check.py $(LATENT)

# `make test-browser`: headless Chromium (Debian's `chromium`, installed here if missing) loads the run page of a
# tiny run served by latent-serve on a free port and checks the rendered page has the loss chart and the pictures
# (scripts/browser-check.sh). SCREENSHOT=docs/images/serve-run.png also saves the page as the README shows it.
.PHONY: test-browser
test-browser: deps
	@dpkg -s chromium >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }
	swift build $(RELEASE) --product latent
	swift build $(RELEASE) --product latent-serve
	scripts/browser-check.sh $(LATENT) .build/release/latent-serve $(SCREENSHOT)
