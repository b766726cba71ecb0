# shellcheck shell=bash
# Helpers for dlfcgi's shell integration tests. Source it from a bash
# script:   . "${0%/*}/lib.sh"
#
# It creates a private temp dir ($T), and on EXIT/INT/TERM kills, by PID,
# every process the test started through these helpers (and their
# children), then removes $T. Output is TAP: ok/not_ok/is/done_testing.
#
# Environment (set by automake's AM_TESTS_ENVIRONMENT, defaults here):
#   DLFCGI        the binary under test (default ../../src/dlfcgi from here)
#   LIGHTTPD      lighttpd binary (default: lighttpd on PATH)
#   LIGHTTPD_MODULES  its module dir (default /usr/lib/lighttpd if present)
#   srcdir, top_srcdir, top_builddir   as automake sets them

set -u

case ${BASH_SOURCE[0]} in
*/*) LIB_DIR=${BASH_SOURCE[0]%/*} ;;
*) LIB_DIR=. ;;
esac
LIB_DIR=$(cd "$LIB_DIR" && pwd) || { echo "Bail out! no $LIB_DIR"; exit 1; }
: "${DLFCGI:=$LIB_DIR/../../src/dlfcgi}"
: "${srcdir:=$LIB_DIR/..}"
: "${top_srcdir:=$LIB_DIR/../..}"
: "${top_builddir:=$top_srcdir}"
: "${LIGHTTPD:=lighttpd}"
if [ -z "${LIGHTTPD_MODULES:-}" ] && [ -d /usr/lib/lighttpd ]; then
	LIGHTTPD_MODULES=/usr/lib/lighttpd
fi
export DLFCGI

# Keep curl and friends away from any proxy the environment may name.
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy='*' NO_PROXY='*'

# ---------------------------------------------------------------- TAP

TAP_N=0
TAP_FAILED=0

ok() {
	TAP_N=$((TAP_N + 1))
	printf 'ok %d - %s\n' "$TAP_N" "$*"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	printf 'not ok %d - %s\n' "$TAP_N" "$*"
}

# check DESC CMD...: ok if CMD succeeds, else not ok.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# is GOT EXPECTED DESC
is() {
	if [ "$1" = "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "  got:      '$1'"
		diag "  expected: '$2'"
	fi
}

# isnt GOT UNEXPECTED DESC
isnt() {
	if [ "$1" != "$2" ]; then
		ok "$3"
	else
		not_ok "$3"
		diag "  got '$1', which it must not be"
	fi
}

# like GOT ERE DESC: GOT matches the extended regular expression ERE
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok "$3"
	else
		not_ok "$3"
		diag "  got:      '$1'"
		diag "  expected: /$2/"
	fi
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# Prints the plan and exits: 0 if every check passed, else 1.
done_testing() {
	printf '1..%d\n' "$TAP_N"
	if [ "$TAP_FAILED" -gt 0 ]; then
		diag "$TAP_FAILED of $TAP_N checks failed"
		exit 1
	fi
	exit 0
}

# A fatal problem in the set-up: the test errors out, it never skips.
bail_out() {
	printf 'Bail out! %s\n' "$*"
	exit 1
}

# A missing tool is a failure, not a skip.
require() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 ||
		    bail_out "$tool is required but not installed"
	done
}

# ---------------------------------------------------- processes, cleanup

T=$(mktemp -d "${TMPDIR:-/tmp}/dlfcgi-it.XXXXXXXX") ||
    bail_out "cannot create a temp dir"
PIDS=()
CLEANED=0

# Remembers a PID to kill on exit.
track() {
	PIDS+=("$1")
}

# Prints PID and all its descendants, children first found via /proc.
descendants() {
	local pid=$1 kids c
	kids=$(cat /proc/"$pid"/task/*/children 2>/dev/null)
	for c in $kids; do
		descendants "$c"
	done
	echo "$pid"
}

alive() {
	[ -n "$1" ] && kill -0 "$1" 2>/dev/null &&
	    ! grep -q '^State:.*Z' /proc/"$1"/status 2>/dev/null
}

# run_tracked CMD...: runs CMD in the background, tracked, and waits for
# it, so that a signal to the test interrupts a long step at once (bash
# runs traps only between foreground commands). Returns CMD's status.
run_tracked() {
	local pid
	# <&0: an asynchronous command would otherwise read /dev/null
	"$@" <&0 &
	pid=$!
	track "$pid"
	wait "$pid"
}

# stop_pid PID [TIMEOUT]: TERM, wait up to TIMEOUT s (default 10), then
# KILL; also its descendants (a master's workers). Returns the exit status
# when PID is a child of this shell, else 0.
stop_pid() {
	local pid=$1 timeout=${2:-10} all p i rc=0
	[ -n "$pid" ] || return 0
	all=$(descendants "$pid")
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < timeout * 20; i++)); do
		alive "$pid" || break
		sleep 0.05
	done
	for p in $all; do
		alive "$p" && kill -KILL "$p" 2>/dev/null
	done
	wait "$pid" 2>/dev/null || rc=$?
	return $rc
}

cleanup() {
	local pid
	[ "$CLEANED" = 1 ] && return
	CLEANED=1
	# Last started first: clients, then lighttpd, then dlfcgi.
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
		pid=${PIDS[$i]}
		alive "$pid" && stop_pid "$pid" 5 >/dev/null 2>&1
	done
	if [ -n "${KEEP_TMP:-}" ]; then
		diag "kept $T"
	else
		rm -rf "$T"
	fi
}

trap 'cleanup' EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM

# ------------------------------------------------------- waiting, ports

# wait_for_socket PATH TIMEOUT [PID]: polls until PATH is a socket that
# accepts a connection; gives up after TIMEOUT s or when PID has died.
wait_for_socket() {
	local path=$1 timeout=$2 pid=${3:-} i
	for ((i = 0; i < timeout * 20; i++)); do
		if [ -S "$path" ] && connectable_unix "$path"; then
			return 0
		fi
		if [ -n "$pid" ] && ! alive "$pid"; then
			return 1
		fi
		sleep 0.05
	done
	return 1
}

connectable_unix() {
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$1" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(1)
s.connect(sys.argv[1])
EOF
	else
		[ -S "$1" ]
	fi
}

# wait_for_port PORT TIMEOUT [PID] [HOST]: polls until HOST:PORT (default
# 127.0.0.1) accepts a TCP connection.
wait_for_port() {
	local port=$1 timeout=$2 pid=${3:-} host=${4:-127.0.0.1} i
	for ((i = 0; i < timeout * 20; i++)); do
		if timeout 1 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null
		then
			return 0
		fi
		if [ -n "$pid" ] && ! alive "$pid"; then
			return 1
		fi
		sleep 0.05
	done
	return 1
}

# Prints a TCP port on 127.0.0.1 that nobody listens on right now.
free_port() {
	local p i
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' && return 0
	fi
	for ((i = 0; i < 200; i++)); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if ! timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p" \
		    2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# ------------------------------------------------------ dlfcgi, lighttpd

# write_dlfcgi_conf FILE LISTEN [EXTRA LINES...]: root is $T/docroot.
write_dlfcgi_conf() {
	local file=$1 listen=$2 line
	shift 2
	{
		printf 'root = "%s";\n' "$T/docroot"
		[ -n "$listen" ] && printf 'listen = "%s";\n' "$listen"
		for line in "$@"; do
			printf '%s\n' "$line"
		done
	} >"$file"
}

# start_dlfcgi CONF: runs "$DLFCGI" -f -c CONF in the background, stderr
# to $T/<conf name>.log; waits for its listen socket. Sets DLFCGI_PID,
# DLFCGI_LOG, DLFCGI_SOCK (unix path, or empty) and DLFCGI_PORT (or
# empty). Bails out if it does not come up within 10 s.
start_dlfcgi() {
	local conf=$1 listen name
	name=$(basename "$conf" .conf)
	DLFCGI_LOG=$T/$name.log
	[ -x "$DLFCGI" ] || bail_out "no dlfcgi binary at $DLFCGI"
	listen=$(sed -n 's/^[[:space:]]*listen[[:space:]]*=[[:space:]]*"\(.*\)".*/\1/p' \
	    "$conf" | tail -n 1)
	DLFCGI_SOCK=
	DLFCGI_PORT=
	case $listen in
	unix:*) DLFCGI_SOCK=${listen#unix:} ;;
	*:*) DLFCGI_PORT=${listen##*:} ;;
	*) bail_out "start_dlfcgi: $conf has no listen" ;;
	esac
	"$DLFCGI" -f -c "$conf" >>"$DLFCGI_LOG" 2>&1 &
	DLFCGI_PID=$!
	track "$DLFCGI_PID"
	if [ -n "$DLFCGI_SOCK" ]; then
		wait_for_socket "$DLFCGI_SOCK" 10 "$DLFCGI_PID"
	else
		wait_for_port "$DLFCGI_PORT" 10 "$DLFCGI_PID"
	fi || {
		diag "dlfcgi log:"
		diag "$(cat "$DLFCGI_LOG")"
		bail_out "dlfcgi -c $conf did not come up"
	}
}

# shellcheck disable=SC2034 # globals for the caller
# start_lighttpd BACKEND [PREFIX]: BACKEND is a unix socket path or
# HOST:PORT. Writes $T/lighttpd.conf, starts lighttpd -D on 127.0.0.1 and
# a free port. Sets LIGHTTPD_PID, LIGHTTPD_PORT, BASE_URL (ending in
# PREFIX, default /dl), LIGHTTPD_LOG.
start_lighttpd() {
	local backend=$1 prefix=${2:-/dl} conf=$T/lighttpd.conf srv i
	require "$LIGHTTPD"
	mkdir -p "$T/htdocs" "$T/uploads"
	LIGHTTPD_LOG=$T/lighttpd-error.log
	case $backend in
	/*) srv="\"socket\" => \"$backend\"" ;;
	*) srv="\"host\" => \"${backend%:*}\", \"port\" => ${backend##*:}" ;;
	esac
	# The port is free when picked, but another process may take it
	# before lighttpd binds: retry a few times with a new one.
	for ((i = 0; i < 5; i++)); do
		LIGHTTPD_PORT=$(free_port) || bail_out "no free TCP port"
		cat >"$conf" <<EOF
# written by tests/integration/lib.sh
server.bind = "127.0.0.1"
server.port = $LIGHTTPD_PORT
# an empty document root: nothing but /dl is served
server.document-root = "$T/htdocs"
server.errorlog = "$LIGHTTPD_LOG"
server.upload-dirs = ( "$T/uploads" )
server.modules = ( "mod_fastcgi" )
# stream the backend's response with back-pressure: never spool it
server.stream-response-body = 2
fastcgi.server = ( "$prefix" => ((
	$srv,
	"check-local" => "disable"
)) )
EOF
		"$LIGHTTPD" -tt -f "$conf" ${LIGHTTPD_MODULES:+-m "$LIGHTTPD_MODULES"} \
		    >>"$LIGHTTPD_LOG" 2>&1 || {
			diag "$(cat "$LIGHTTPD_LOG")"
			bail_out "lighttpd rejects $conf"
		}
		"$LIGHTTPD" -D -f "$conf" \
		    ${LIGHTTPD_MODULES:+-m "$LIGHTTPD_MODULES"} \
		    >>"$LIGHTTPD_LOG" 2>&1 &
		LIGHTTPD_PID=$!
		track "$LIGHTTPD_PID"
		if wait_for_port "$LIGHTTPD_PORT" 10 "$LIGHTTPD_PID"; then
			BASE_URL=http://127.0.0.1:$LIGHTTPD_PORT$prefix
			return 0
		fi
		stop_pid "$LIGHTTPD_PID" 5
	done
	diag "$(cat "$LIGHTTPD_LOG")"
	bail_out "lighttpd did not come up"
}

# Sum of VmRSS (KiB) of PID and its descendants.
rss_kib() {
	local p sum=0 v
	for p in $(descendants "$1"); do
		v=$(awk '/^VmRSS:/ {print $2}' /proc/"$p"/status 2>/dev/null)
		sum=$((sum + ${v:-0}))
	done
	echo "$sum"
}

# header NAME FILE: the value of the last NAME: header in a curl -D
# dump, CR stripped, empty if absent.
header() {
	tr -d '\r' <"$2" | awk -v n="$1" '
		BEGIN { n = tolower(n) }
		{ i = index($0, ":"); if (i == 0) next
		  if (tolower(substr($0, 1, i - 1)) == n) {
			v = substr($0, i + 1); sub(/^[ \t]+/, "", v)
			sub(/[ \t]+$/, "", v); last = v } }
		END { print last }'
}

# has_header NAME FILE
has_header() {
	tr -d '\r' <"$2" | grep -qi "^$1:"
}
