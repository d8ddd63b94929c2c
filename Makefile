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

lint: build
	clang-format --dry-run --Werror $$(git ls-files 'src/*.cc' 'src/*.h' 'bench/*.cc')
	run-clang-tidy -p $(BUILD) -quiet $$(git ls-files 'src/*.cc') >/dev/null

clean:
	rm -rf $(BUILD)
