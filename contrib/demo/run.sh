#!/usr/bin/env bash
# Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE.
# dlfcgi demo for a fresh Debian 12 machine, in one command:
#
#     contrib/demo/run.sh
#
# Installs the build dependencies, lighttpd and curl (apt-get, through
# sudo when not root), builds dlfcgi in this checkout, then runs dlfcgi
# and a private lighttpd on http://127.0.0.1:8080/dl/ serving a demo
# directory under /tmp. Ctrl-C stops both and removes the directory.
#
# Nothing is written outside this checkout and /tmp. The system's
# lighttpd service is not used or touched: a second lighttpd runs from a
# config in the demo directory, on 127.0.0.1 only.
#
# Environment: DEMO_PORT (default 8080), SKIP_APT=1 to skip apt-get.

set -u

PORT=${DEMO_PORT:-8080}
PKGS="build-essential autoconf automake libtool pkg-config libfcgi-dev libssl-dev
      libconfig-dev check lighttpd curl media-types"

say() { printf '==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

as_root() {
	if [ "$(id -u)" = 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "not root and no sudo: cannot run $*"
	fi
}

top=$(cd "$(dirname "$0")/../.." && pwd) || die "no checkout"
cd "$top" || die "cd $top"
[ -f configure.ac ] || die "$top is not a dlfcgi checkout"

# ---- 1. packages
if [ -z "${SKIP_APT:-}" ]; then
	say "installing packages (apt-get)"
	as_root apt-get update || die "apt-get update failed"
	# shellcheck disable=SC2086 # a list of package names
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y $PKGS ||
	    die "apt-get install failed"
fi
for tool in lighttpd curl make; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done

# ---- 2. build (in-tree; steps already done are skipped, make always runs)
if [ ! -x configure ]; then
	say "autoreconf -fi"
	autoreconf -fi || die "autoreconf failed"
fi
if [ ! -f Makefile ]; then
	say "./configure"
	./configure || die "configure failed"
fi
say "make"
make -j"$(nproc 2>/dev/null || echo 2)" || die "make failed"
DLFCGI=$top/src/dlfcgi
[ -x "$DLFCGI" ] || die "no $DLFCGI after make"

# ---- 3. the demo directory
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
	die "127.0.0.1:$PORT is already in use (set DEMO_PORT=another port)"
fi

DIR=$(mktemp -d /tmp/dlfcgi-demo.XXXXXX) || die "mktemp failed"
DL_PID=
LT_PID=
cleaned=

stop() { # PID: TERM, wait up to 10 s, then KILL
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

cleanup() {
	[ -n "$cleaned" ] && return
	cleaned=1
	echo
	say "stopping lighttpd ($LT_PID) and dlfcgi ($DL_PID)"
	stop "$LT_PID"
	stop "$DL_PID"
	rm -rf "$DIR"
	say "removed $DIR"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$DIR/files/docs" "$DIR/htdocs" "$DIR/uploads"
printf 'Hello from dlfcgi!\n' >"$DIR/files/hello.txt"
printf 'A file in a subdirectory.\n' >"$DIR/files/docs/readme.txt"
printf 'not served: dotfiles are refused\n' >"$DIR/files/.secret"
truncate -s 100M "$DIR/files/big.bin"
printf 'dlfcgi demo' | dd of="$DIR/files/big.bin" conv=notrunc status=none

cat >"$DIR/dlfcgi.conf" <<EOF
# dlfcgi demo configuration (see etc/dlfcgi.conf for every key)
root = "$DIR/files";
listen = "unix:$DIR/dlfcgi.sock";
threads = 16;
buffer_size = 65536;
access_log = "$DIR/access.log";
EOF

cat >"$DIR/lighttpd.conf" <<EOF
# private lighttpd for the dlfcgi demo: not the system service
server.bind = "127.0.0.1"
server.port = $PORT
server.document-root = "$DIR/htdocs"
server.errorlog = "$DIR/lighttpd-error.log"
server.upload-dirs = ( "$DIR/uploads" )
server.modules = ( "mod_fastcgi" )
server.stream-response-body = 2
fastcgi.server = ( "/dl" => ((
	"socket" => "$DIR/dlfcgi.sock",
	"check-local" => "disable"
)) )
EOF

"$DLFCGI" -t -c "$DIR/dlfcgi.conf" || die "dlfcgi rejects its config"
mods=()
[ -d /usr/lib/lighttpd ] && mods=(-m /usr/lib/lighttpd)
lighttpd -tt -f "$DIR/lighttpd.conf" "${mods[@]}" ||
    die "lighttpd rejects its config"

# ---- 4. run
say "starting dlfcgi (log: this terminal)"
"$DLFCGI" -f -c "$DIR/dlfcgi.conf" &
DL_PID=$!
for ((i = 0; i < 100; i++)); do # up to 10 s
	[ -S "$DIR/dlfcgi.sock" ] && break
	kill -0 "$DL_PID" 2>/dev/null || die "dlfcgi exited"
	sleep 0.1
done
[ -S "$DIR/dlfcgi.sock" ] || die "dlfcgi did not create its socket"

say "starting lighttpd on 127.0.0.1:$PORT"
lighttpd -D -f "$DIR/lighttpd.conf" "${mods[@]}" &
LT_PID=$!
for ((i = 0; i < 100; i++)); do
	(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
	kill -0 "$LT_PID" 2>/dev/null || die "lighttpd exited: $(cat "$DIR/lighttpd-error.log")"
	sleep 0.1
done

base=http://127.0.0.1:$PORT/dl
cat <<EOF

dlfcgi is serving $DIR/files at $base/

Try, in another terminal:
  curl $base/hello.txt
  curl -I $base/big.bin                  # headers only: 100 MiB, ETag, ...
  curl -O $base/big.bin                  # download (writes ./big.bin)
  curl -o /dev/null --limit-rate 5M $base/big.bin
  curl -r 0-10 $base/big.bin             # a byte range
  curl -i $base/.secret                  # 403: dotfiles are refused
  curl -i $base/missing                  # 404
  curl -i -X POST $base/hello.txt        # 405
  tail -f $DIR/access.log

Press Ctrl-C to stop dlfcgi and lighttpd and remove $DIR.
EOF

# Until Ctrl-C, or until one of the two exits on its own.
wait -n "$DL_PID" "$LT_PID"
say "a server exited; shutting down"
