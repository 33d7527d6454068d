# A thin front end to CMake (as neovim's Makefile is).
#
#   make setup   install the build and test dependencies (Debian 12, apt-get)
#   make         build relc into build/release/relc
#   make demo    build relc, then build and check the example release
#   make test    the tests, on the release build
#   make check   the whole suite as CI runs it (gcc -Werror, ASan+UBSan,
#                libFuzzer, shellcheck)

BUILD ?= build/release
JOBS ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all relc setup demo test check clean

all: relc

relc:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build $(BUILD)

setup:
	scripts/install-deps.sh

demo: relc
	scripts/demo.sh $(BUILD)/relc

test: relc
	ctest --test-dir $(BUILD) -j $(JOBS) --output-on-failure

check:
	scripts/check.sh

clean:
	rm -rf build
