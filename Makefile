# Fjord's entry points. `make test` is what CI runs (through .ci/run): it installs the
# Debian packages, builds the Release flavour (g++) and the sanitizer flavour (clang:
# ASan + UBSan, which also builds the libFuzzer targets), and runs every test of both in
# one ctest invocation so the output ends with ctest's summary line.
SHELL := /bin/bash
BUILD := build
JOBS ?= $(shell nproc)
CTEST_JOBS ?= $(JOBS)
CMAKE_COMMON := -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
# Let ccache share results between clones in different folders (CI clones afresh).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

.PHONY: all deps build release asan test test-release bench run clean

all: build

deps:
	@scripts/install-deps

$(BUILD)/release/build.ninja:
	cmake -S . -B $(BUILD)/release $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ -DFJORD_BENCH=ON

$(BUILD)/asan/build.ninja:
	cmake -S . -B $(BUILD)/asan $(CMAKE_COMMON) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
	  -DFJORD_SANITIZE=ON -DFJORD_FUZZ=ON -DFJORD_BENCH=OFF -DFJORD_TEST_SUFFIX=.asan

release: $(BUILD)/release/build.ninja
	cmake --build $(BUILD)/release -j $(JOBS)

asan: $(BUILD)/asan/build.ninja
	cmake --build $(BUILD)/asan -j $(JOBS)

build: release asan
	@printf 'subdirs("release")\nsubdirs("asan")\n' > $(BUILD)/CTestTestfile.cmake

# Every test of both flavours, one summary line.
test: deps
	@$(MAKE) --no-print-directory build
	cd $(BUILD) && ctest --output-on-failure -j $(CTEST_JOBS) $(CTEST_ARGS)

# Quick loop while developing: the Release flavour only.
test-release: release
	cd $(BUILD)/release && ctest --output-on-failure -j $(CTEST_JOBS) $(CTEST_ARGS)

bench: release
	scripts/run-benchmarks
	scripts/bench-end-to-end
	scripts/bench-groups
	scripts/bench-streams

# A single broker on localhost:9092 in the foreground, data under ./var/ (Ctrl-C stops it).
run: deps
	@$(MAKE) --no-print-directory release
	@mkdir -p var
	exec $(BUILD)/release/broker/app/fjord-broker --config config/broker.properties

clean:
	rm -rf $(BUILD)
