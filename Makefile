# chalni — the two commands of the Quickstart are `make run` and `make test`.
# Everything else builds on `setup` (idempotent: installs only what is missing) and `build`.
SHELL := /bin/bash
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
CHALNI := $(BUILD)/chalni

.PHONY: all setup setup-test build run test test-unit test-golden test-all test-asan bench golden-update format eval-langid clean setup-fuzz fuzz-build fuzz-smoke fuzz-campaign

all: build

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

build: setup $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The main job on the bundled sample corpus with the default configuration.
# The sample holds two truncated files on purpose, so chalni exits 1 ("finished, but an input
# was truncated"); that is the expected outcome here, anything else fails.
run: build
	@rm -rf out/sample
	@$(CHALNI) run -i data/sample -o out/sample; rc=$$?; \
	  if [ $$rc -ne 0 ] && [ $$rc -ne 1 ]; then exit $$rc; fi; \
	  [ $$rc -eq 1 ] && echo "(exit 1 is expected: data/sample/bad/ holds two truncated files)"; true
	@python3 scripts/make_sample/check_run.py out/sample
	@echo "output: out/sample (kept/, removed/, errors/, stats.json, run.json, timings.json)"

# Unit + golden tests (everything but the `slow` label).
test: setup-test build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE slow

test-all: setup-test build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer, in its own build tree.
# -O1: sanitizer runs stay fast, and simdjson's developer-only assertions (on when a build does
# not optimize) stay off; chalni's own DCHECKs stay on (no NDEBUG).
test-asan: setup-test
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DCHALNI_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -LE slow

# libFuzzer targets (docs/FUZZING.md): clang-14, ASan + UBSan, own tree build-fuzz/.
setup-fuzz:
	@scripts/setup.sh --fuzz

fuzz-build: setup-fuzz
	cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DCHALNI_FUZZ=ON -DCHALNI_BUILD_TESTS=OFF $(CMAKE_FLAGS)
	cmake --build build-fuzz -j $(JOBS) --target fuzz_targets

# Every target ~25 s over its committed corpus; fails on any crash, leak or timeout.
fuzz-smoke: fuzz-build
	@scripts/fuzz/run.sh smoke 25

# make fuzz-campaign TARGET=normalize SECONDS=1800 (log: build-fuzz/campaign/TARGET.log)
fuzz-campaign: fuzz-build
	@scripts/fuzz/run.sh campaign $(TARGET) $(or $(SECONDS),1800)

golden-update: build
	CHALNI_GOLDEN_UPDATE=1 python3 tests/golden/run_golden.py $(CHALNI) .
	git status --short tests/golden; git diff --stat tests/golden

bench: build
	@bench/run.sh

eval-langid: build
	@scripts/eval_langid.sh

format:
	find include src tools tests bench fuzz -name '*.h' -o -name '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD) build-asan out
