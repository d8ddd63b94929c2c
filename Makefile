# The front door. `make run` and `make test` install what is missing, build, and run.
BUILD   ?= build
JOBS    ?= $(shell nproc)
ARGS    ?=
CMAKE_FLAGS ?=

.PHONY: all deps build run test unit bench format lint sanitize clean

all: build

deps:
	@scripts/install-deps.sh
	@scripts/npm-install.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

# Starts the server on the embedded SQLite database in ./ordo-data.
run: build
	$(BUILD)/ordo serve $(ARGS)

# Every test: unit (GoogleTest), black-box API (pytest against the real binary), OpenAPI lint,
# browser (Chromium) in one ctest run; then the unit and API tests again on the sanitizer build
# (about 4 more minutes on 2 cores: it caught a use-after-free no other test could see).
# Non-zero exit on any failure.
test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 1500 -j2
	$(MAKE) sanitize

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit -j$(JOBS)

# Issue 8: Ordo side by side with nginx, Caddy and Node and the goals it must show
# (docs/benchmark.md); about 8 minutes. BENCH_ARGS=--smoke: a 15-second check that it runs.
bench: build
	scripts/bench.sh $(BUILD) $(BENCH_ARGS)

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'bench/*.cc')

# clang-tidy 16: version 14 cannot parse GCC 12's <expected>. CMake writes -std=c++23, which
# clang 16 spells c++2b; and GCC 12's <expected> is hidden unless __cpp_concepts says C++20
# concepts, which clang 16 implements but announces with an older value.
lint: build
	clang-format --dry-run --Werror $$(git ls-files 'src/*.cc' 'src/*.h' 'bench/*.cc')
	run-clang-tidy-16 -p $(BUILD) -quiet -j$(JOBS) -extra-arg=-std=c++2b \
	  -extra-arg=-Wno-unknown-warning-option -extra-arg=-D__cpp_concepts=202002L $$(git ls-files 'src/*.cc')

# Unit and black-box API tests on an AddressSanitizer + UBSan build (vptr off: SOCI's
# libraries carry no RTTI for UBSan to check against). A sanitizer report aborts the server,
# which the API tests see (each checks the server's exit status). Part of `make test`.
sanitize: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DORDO_WERROR=OFF \
	  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
	cmake --build build-asan -j$(JOBS)
	cd build-asan && ctest --output-on-failure -L unit -j$(JOBS)
	ORDO_BINARY=build-asan/ordo /usr/bin/python3 -m pytest -q -p no:cacheprovider tests/api

clean:
	rm -rf $(BUILD)
