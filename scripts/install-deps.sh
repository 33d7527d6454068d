#!/bin/sh
# Install everything relc needs to build, test and run its examples on
# Debian 12: the compilers and build tools, the four libraries, Erlang/OTP,
# Elixir and rebar3, the database driver of examples/book_app
# (erlang-p1-sqlite3), the shell script checker, and clang for the
# sanitizer and fuzz builds.  Runs apt-get
# as root (through sudo when not root), and only when something is
# missing.
set -eu

packages="build-essential cmake ninja-build pkg-config
libyaml-dev libarchive-dev zlib1g-dev libcmocka-dev
clang clang-format libclang-rt-14-dev cppcheck python3 shellcheck
erlang-nox erlang-dev elixir rebar3
erlang-jiffy erlang-cowlib erlang-lager erlang-p1-sqlite3
hyperfine time util-linux"

if [ "$(id -u)" -eq 0 ]; then
	sudo=""
else
	sudo="sudo"
fi

# shellcheck disable=SC2086 # the package list is split on purpose
if ! dpkg -s $packages >/dev/null 2>&1; then
	$sudo apt-get update
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y $packages
fi
echo "install-deps: the build and test dependencies are installed"
