#!/usr/bin/env bash
# Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE.
# Runs every test of dlfcgi on a fresh Debian 12 machine: installs what
# the build and the tests need (apt-get, as root or through sudo), builds
# with -Werror, runs the unit and integration tests, runs them again
# under ASan+UBSan, then `make distcheck`, and last builds, installs,
# upgrades and purges the Debian package (tests/package/run.sh). The
# last line is the totals:
# "N passed, M failed". Exit status 0 only if nothing failed.
set -u
# The deployment tests start nginx, Apache and spawn-fcgi, which drop
# privileges to www-data: they need root.
if [ "$(id -u)" != 0 ]; then
	exec sudo -E "$0" "$@"
fi
cd "$(dirname "$0")/.." || exit 1
top=$(pwd)

PKGS="build-essential autoconf automake libtool pkg-config
      libfcgi-dev libfcgi-bin libconfig-dev check media-types
      lighttpd nginx-light apache2 libapache2-mod-fcgid spawn-fcgi systemd
      curl aria2 wget python3 clang clang-format procps groff-base man-db
      libssl-dev php-cli golang-go nodejs chromium prometheus
      libapache2-mod-xsendfile fonts-dejavu-core"

as_root() {
	"$@"
}

step() { printf '\n==> %s\n' "$*"; }

step "installing packages"
# Tests start their own servers with their own configs: keep the
# packages' services from starting (policy-rc.d answers "forbidden").
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
	as_root chmod 755 /usr/sbin/policy-rc.d
	trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT
fi
as_root apt-get update -qq || exit 1
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends $PKGS >/dev/null || exit 1

step "autoreconf"
# An in-tree configure would make the out-of-tree builds below refuse.
[ -f config.status ] && make -s distclean >/dev/null 2>&1
autoreconf -fi || exit 1

passed=0
failed=0

step "clang-format"
# Every C file of the tree is formatted by .clang-format.
if clang-format --dry-run --Werror $(git ls-files '*.c' '*.h' 2>/dev/null ||
    find src tests -name '*.[ch]'); then
	echo "clang-format: clean"
	passed=$((passed + 1))
else
	echo "clang-format: the files above need clang-format -i"
	failed=$((failed + 1))
fi

# Adds the totals of one build's test-suite.log to passed/failed.
count() {
	local log=$1 p f e x
	if [ ! -f "$log" ]; then
		failed=$((failed + 1))
		echo "no $log: the test suite did not run"
		return
	fi
	p=$(awk '/^# PASS:/ {print $3}' "$log")
	f=$(awk '/^# FAIL:/ {print $3}' "$log")
	e=$(awk '/^# ERROR:/ {print $3}' "$log")
	x=$(awk '/^# XPASS:/ {print $3}' "$log")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${e:-0} + ${x:-0}))
}

# build NAME [configure args...]: configure, build and test in _build/NAME
build() {
	local name=$1 dir="$top/_build/$1"
	shift
	step "build $name: configure $*"
	rm -rf "$dir" && mkdir -p "$dir" && cd "$dir" || exit 1
	if ! "$top/configure" -q --enable-werror "$@" ||
	    ! make -s -j"$(nproc)"; then
		echo "build $name failed"
		failed=$((failed + 1))
		cd "$top"
		return
	fi
	step "test $name"
	if [ -n "${CHECK_TESTS:-}" ]; then
		make -s -j1 check TESTS="$CHECK_TESTS"
	else
		make -s -j1 check
	fi
	rc=$?
	if [ $rc -ne 0 ]; then
		# Show what failed: automake keeps the details in log files.
		for t in $(find tests -name '*.log' ! -name test-suite.log); do
			grep -q '^not ok\|^# FAIL\|^FAIL' "$t" 2>/dev/null &&
			    { echo "--- $t"; tail -n 60 "$t"; }
		done
	fi
	count "$dir/tests/test-suite.log"
	cd "$top"
}

build release
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
DLFCGI_ASAN=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    build asan CFLAGS="-O1 -g -fno-omit-frame-pointer $SAN" \
    LDFLAGS="$SAN"
export DLFCGI_ASAN=
# The libFuzzer targets, each for FUZZ_SECONDS (default 20).
CHECK_TESTS=fuzz/run-fuzzers.test build fuzz --enable-fuzz CC=clang

step "make distcheck"
if (cd "$top/_build/release" && make -s distcheck >distcheck.out 2>&1); then
	echo "distcheck passed"
	passed=$((passed + 1))
else
	tail -n 60 "$top/_build/release/distcheck.out"
	echo "distcheck FAILED"
	failed=$((failed + 1))
fi

# Last: it installs, upgrades and purges the Debian package
# (tests/package/run.sh), and leaves the machine as it found it.
step "Debian package"
if tests/package/run.sh; then
	echo "package test passed"
	passed=$((passed + 1))
else
	echo "package test FAILED"
	failed=$((failed + 1))
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
