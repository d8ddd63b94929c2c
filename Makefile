# The front door. `make run` and `make test` install what is missing, build, and run.
BUILD   ?= build
JOBS    ?= $(shell nproc)
ARGS    ?=
CMAKE_FLAGS ?=

.PHONY: all deps build run test unit bench format lint clean

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
# browser (Chromium). One ctest run, non-zero exit on any failure.
test: build
	cd $(BUILD) && ctest --output-on-failure --timeout 1500 -j2

unit: build
	cd $(BUILD) && ctest --output-on-failure -L unit -j$(JOBS)

bench: build
	scripts/bench.sh $(BUILD)

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'bench/*.cc')

# clang-tidy 16: version 14 cannot parse GCC 12's <expected>. CMake writes -std=c++23, which
# clang 16 spells c++2b.
lint: build
	clang-format --dry-run --Werror $$(git ls-files 'src/*.cc' 'src/*.h' 'bench/*.cc')
	run-clang-tidy-16 -p $(BUILD) -quiet -j$(JOBS) -extra-arg=-std=c++2b \
	  -extra-arg=-Wno-unknown-warning-option $$(git ls-files 'src/*.cc')

clean:
	rm -rf $(BUILD)
