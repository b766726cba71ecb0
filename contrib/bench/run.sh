#!/usr/bin/env bash
# Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE.
# contrib/bench/run.sh: dlfcgi against other ways of serving downloads.
#
# One command. Everything runs on 127.0.0.1 from a fresh temporary
# directory (mktemp -d): the test files, every server with its own
# configuration, pid file, logs, sockets and temp dirs. Nothing under /etc
# is written and no system service is used; every process started here is
# stopped by its PID on exit (normal end, error or Ctrl-C).
#
#   A   nginx serving the files itself (sendfile on): the ceiling
#   B   nginx -> dlfcgi, sendfile = true      (workers 2, threads 32)
#   B2  nginx -> dlfcgi, sendfile = false     (workers 2, threads 32)
#   C   nginx -> php-fpm, readfile()          (pm static, 32 children)
#   C2  nginx -> php-fpm, echo file_get_contents()   (few clients only)
#   D   nginx -> Go net/http/fcgi + http.ServeContent (gofcgi/main.go)
#   E   lighttpd mod_fastcgi -> the dlfcgi of B (stream-response-body 2)
#   F   nginx -> dlfcgi in offload mode: dlfcgi answers X-Accel-Redirect,
#       nginx sends the file from an internal location (workers 2,
#       threads 32, offload_min_size 65536: the 4 KiB file stays direct)
#
# All nginx targets sit behind one nginx instance with identical FastCGI
# settings. See contrib/bench/README.md for what each column means.
#
# Knobs (environment):
#   RUNS=3       runs per figure; the median is printed (QUICK: 1)
#   QUICK=1      small files, short durations: a smoke test
#   TARGETS="A B B2 C C2 D E F"   subset to run, in that order
#   KEEP=1       keep the temporary directory (configs, logs)
#   PROFILE=1    after each target's figures, one more single stream under
#                perf record -a: where the CPU goes, per process and symbol
#   DLFCGI=path  dlfcgi binary (default: src/dlfcgi of this checkout)
#   DLFCGI_CONF="send_buffer = 262144;"   more lines for B's and B2's
#                dlfcgi.conf: compare settings
#   PHP_FPM=php-fpm8.2
#   FCGI_BUFFER=1m    nginx fastcgi_buffer_size (and fastcgi_buffers 4 x)
#                     of every FastCGI target: compare front-end settings
#   KEEPCONN=1   FastCGI connection reuse for every FastCGI target, as
#                contrib/nginx ships it: one nginx upstream per socket with
#                keepalive 32 and fastcgi_keep_conn on (the default);
#                KEEPCONN=0: a connection per request
#   SCRAPE=1     while a dlfcgi target (B, B2, E) runs, a scraper reads
#                its metrics_path and its status page (?json&full&clients)
#                every 100 ms: the cost of being watched
#
# Exit status: 0 when every setup step and every download check passed,
# 1 otherwise (a server that does not start, a wrong byte count or
# content, an HTTP error). Slow results never fail the benchmark.

set -u
set -o pipefail

# --- the command line as given, for the report ------------------------
cmd_env=""
for v in RUNS QUICK TARGETS KEEP DLFCGI DLFCGI_CONF PHP_FPM FCGI_BUFFER KEEPCONN PROFILE SCRAPE; do
	if [ -n "${!v+x}" ]; then
		cmd_env="$cmd_env$v=${!v} "
	fi
done
CMDLINE="${cmd_env}bash $0${*:+ $*}"

HERE=$(cd "$(dirname "$0")" && pwd -P)
TOP=$(cd "$HERE/../.." && pwd -P)

QUICK=${QUICK:-0}
[ "$QUICK" = 1 ] || QUICK=0
if [ "$QUICK" = 1 ]; then
	RUNS=${RUNS:-1}
else
	RUNS=${RUNS:-3}
fi
case $RUNS in
'' | *[!0-9]* | 0) echo "run.sh: RUNS must be a positive integer" >&2; exit 1 ;;
esac
TARGETS=${TARGETS:-A B B2 C C2 D E F}
KEEP=${KEEP:-0}
PROFILE=${PROFILE:-0}
SCRAPE=${SCRAPE:-0}
DLFCGI=${DLFCGI:-$TOP/src/dlfcgi}
PHP_FPM=${PHP_FPM:-php-fpm8.2}
FCGI_BUFFER=${FCGI_BUFFER:-1m}
KEEPCONN=${KEEPCONN:-1}
case $KEEPCONN in
0 | 1) ;;
*) echo "run.sh: KEEPCONN must be 0 or 1" >&2; exit 1 ;;
esac
case $FCGI_BUFFER in
[1-9]*[0-9kKmM]) ;;
*) echo "run.sh: FCGI_BUFFER must be an nginx size such as 64k or 1m" >&2; exit 1 ;;
esac

KIB=1024
MIB=$((1024 * 1024))
GIB=$((1024 * MIB))

# Sizes and durations. HUGE: single stream and slow clients; BIG: the
# concurrent downloads; SMALL: requests per second; MID: content check.
SMALL=$((4 * KIB))
MID=$MIB
if [ "$QUICK" = 1 ]; then
	BIG=$((16 * MIB))
	HUGE=$((64 * MIB))
	WRK_DUR=2       # s per wrk run
	MEM_DUR=4       # s the slow clients download
	RATE=2M         # curl --limit-rate of each slow client
else
	BIG=$((256 * MIB))
	HUGE=$GIB
	WRK_DUR=5
	MEM_DUR=10
	RATE=20M
fi
CONC=32          # concurrent BIG downloads
SLOW=64          # slow clients on HUGE
EARLY=2          # s: "served early" = first byte within this
C2_CLIENTS=8     # C2 holds the whole file in memory per client
WRK_THREADS=2
WRK_CONNS=32

# --- helpers -----------------------------------------------------------
T=""
declare -a SERVER_PIDS=() SERVER_NAMES=() CLIENT_PIDS=() FAILS=()

log() { printf '%s\n' "$*" >&2; }

tail_logs() {
	local f
	[ -n "$T" ] && [ -d "$T/log" ] || return 0
	for f in "$T"/log/*; do
		[ -s "$f" ] || continue
		log "--- last lines of $f:"
		tail -n 8 "$f" >&2
	done
}

die() {
	log "run.sh: SETUP FAILED: $*"
	tail_logs
	exit 1
}

# A failed check: recorded, reported at the end, exit status 1.
fail() {
	log "run.sh: CHECK FAILED: $*"
	FAILS+=("$*")
}

now() { printf '%s\n' "$EPOCHREALTIME"; }

# Every descendant of the given PIDs, and those PIDs, if alive.
tree_pids() {
	ps -e -o pid=,ppid= | awk -v roots="$*" '
		BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1 }
		{ parent[$1] = $2 }
		END {
			do {
				more = 0
				for (p in parent)
					if (!(p in want) && (parent[p] in want)) { want[p] = 1; more = 1 }
			} while (more)
			for (p in want) if (p in parent) print p
		}'
}

# CPU time (clock ticks) of a process tree: utime + stime of every live
# process plus cutime + cstime (children already reaped).
cpu_ticks() {
	local p
	for p in $(tree_pids "$@"); do
		cat "/proc/$p/stat" 2>/dev/null
	done | sed 's/^.*) //' | awk '{ s += $12 + $13 + $14 + $15 } END { printf "%d\n", s }'
}

# Summed RSS and PSS (KiB) of a process tree.
mem_kib() {
	local p
	for p in $(tree_pids "$@"); do
		cat "/proc/$p/smaps_rollup" 2>/dev/null
	done | awk '/^Rss:/ { r += $2 } /^Pss:/ { s += $2 } END { printf "%d %d\n", r, s }'
}

median() {
	printf '%s\n' "$@" | grep -v '^$' | sort -g | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "nan"; exit }
			if (NR % 2) print v[(NR + 1) / 2]
			else printf "%.6f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2
		}'
}

# calcf FORMAT EXPRESSION, calc EXPRESSION (6 decimals), is CONDITION.
calcf() { local f=$1; shift; awk "BEGIN { printf \"$f\\n\", $* }"; }
calc() { calcf %.6f "$@"; }
is() { awk "BEGIN { exit !($*) }"; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
	local i p
	for i in $(seq 1 200); do
		p=$((20000 + RANDOM % 30000))
		[ "$p" = "${1:-0}" ] && continue
		port_open "$p" || { echo "$p"; return 0; }
	done
	return 1
}

# wait_up DESCRIPTION PID COMMAND...: polls COMMAND for at most 15 s.
wait_up() {
	local desc=$1 pid=$2 i
	shift 2
	for i in $(seq 1 150); do
		"$@" && return 0
		kill -0 "$pid" 2>/dev/null || die "$desc exited during start-up"
		sleep 0.1
	done
	die "$desc not up after 15 s"
}

count_in_log() { grep -c -- "$2" "$1" 2>/dev/null || true; }

register() { SERVER_PIDS+=("$1"); SERVER_NAMES+=("$2"); }

cleanup() {
	local rc=$? p i all alive
	trap - EXIT INT TERM HUP
	for p in ${CLIENT_PIDS[@]+"${CLIENT_PIDS[@]}"}; do
		kill -TERM "$p" 2>/dev/null
	done
	# Remember every descendant before asking the masters to stop.
	all=""
	if [ ${#SERVER_PIDS[@]} -gt 0 ]; then
		all=$(tree_pids "${SERVER_PIDS[@]}")
		for p in "${SERVER_PIDS[@]}"; do
			kill -TERM "$p" 2>/dev/null
		done
	fi
	for i in $(seq 1 100); do        # at most 10 s
		alive=""
		for p in $all; do
			kill -0 "$p" 2>/dev/null && alive="$alive $p"
		done
		[ -z "$alive" ] && break
		sleep 0.1
	done
	for p in $all; do
		kill -0 "$p" 2>/dev/null && { log "run.sh: PID $p still running, killing it"; kill -KILL "$p" 2>/dev/null; }
	done
	for p in ${CLIENT_PIDS[@]+"${CLIENT_PIDS[@]}"}; do
		kill -KILL "$p" 2>/dev/null
	done
	wait 2>/dev/null
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ "$KEEP" = 1 ]; then
			log "run.sh: kept $T"
		else
			rm -rf "$T"
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# --- preflight -----------------------------------------------------------
for tool in nginx lighttpd "$PHP_FPM" php go wrk curl ps awk sed sort cmp head; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found (apt-get install nginx-light lighttpd php-fpm golang-go wrk curl)"
done
if [ "$PROFILE" = 1 ]; then
	command -v perf >/dev/null 2>&1 || die "PROFILE=1: perf not found (apt-get install linux-perf)"
fi
[ -x "$DLFCGI" ] || die "$DLFCGI not built (run ./configure && make in $TOP)"
[ -r /proc/self/smaps_rollup ] || die "/proc/PID/smaps_rollup not available (kernel >= 4.14 needed)"
for t in $TARGETS; do
	case $t in
	A | B | B2 | C | C2 | D | E | F) ;;
	*) die "unknown target $t in TARGETS (A B B2 C C2 D E F)" ;;
	esac
done
want() { case " $TARGETS " in *" $1 "*) return 0 ;; esac; return 1; }
CLK_TCK=$(getconf CLK_TCK)
IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1

T=$(mktemp -d "${TMPDIR:-/tmp}/dlfcgi-bench.XXXXXX") || die "mktemp -d failed"
mkdir -p "$T/files" "$T/log" "$T/run" "$T/nginx/tmp" "$T/lighttpd/tmp" \
	"$T/dlfcgi-b" "$T/dlfcgi-b2" "$T/dlfcgi-f" "$T/php-c" "$T/php-c2" "$T/go" \
	"$T/clients" || die "mkdir in $T failed"
FILES=$(cd "$T/files" && pwd -P)
log "run.sh: working in $T"

# --- files ---------------------------------------------------------------
log "run.sh: creating test files (random data)"
mkfile() {
	head -c "$2" /dev/urandom >"$FILES/$1" || die "cannot write $FILES/$1"
	[ "$(stat -c %s "$FILES/$1")" = "$2" ] || die "$FILES/$1 has the wrong size"
}
mkfile small.bin "$SMALL"
mkfile mid.bin "$MID"
mkfile big.bin "$BIG"
mkfile huge.bin "$HUGE"
warm_cache() { cat "$FILES"/*.bin >/dev/null; }
warm_cache

human() { # bytes -> "4 KiB", "256 MiB", "1 GiB"
	awk -v b="$1" 'BEGIN {
		if (b >= 1073741824 && b % 1073741824 == 0) printf "%d GiB\n", b / 1073741824
		else if (b >= 1048576) printf "%g MiB\n", b / 1048576
		else printf "%g KiB\n", b / 1024 }'
}

# --- dlfcgi (B, B2, F) ---------------------------------------------------
DLFCGI_B_PID="" DLFCGI_B2_PID="" DLFCGI_F_PID=""
start_dlfcgi() { # id sendfile [more configuration lines]
	local id=$1 sf=$2 more=${3:-} dir="$T/dlfcgi-$1" pid
	cat >"$dir/dlfcgi.conf" <<-EOF
		# dlfcgi target $id of contrib/bench/run.sh
		root = "$FILES";
		listen = "unix:$T/run/$id.sock";
		workers = 2;
		threads = 32;
		buffer_size = 65536;
		sendfile = $sf;
		# every client of the bench is 127.0.0.1: no per-client share
		max_clients_per_ip = 0;
		error_log = "stderr";
		shutdown_timeout = 2;
		metrics_path = "/_metrics";
		status_path = "/_status";
		$more
		${DLFCGI_CONF:-}
	EOF
	"$DLFCGI" -t -c "$dir/dlfcgi.conf" >"$T/log/dlfcgi-$id.check" 2>&1 ||
		die "dlfcgi -t -c $dir/dlfcgi.conf: $(cat "$T/log/dlfcgi-$id.check")"
	"$DLFCGI" -f -c "$dir/dlfcgi.conf" </dev/null >/dev/null 2>"$T/log/dlfcgi-$id.log" &
	pid=$!
	register "$pid" "dlfcgi $id"
	wait_up "dlfcgi $id" "$pid" test -S "$T/run/$id.sock"
	wait_up "dlfcgi $id workers" "$pid" \
		eval '[ "$(count_in_log "$T/log/dlfcgi-'"$id"'.log" "serving with")" -ge 2 ]'
	eval "DLFCGI_$(echo "$id" | tr a-z A-Z)_PID=$pid"
}
if want B || want B2 || want E; then
	want B || want E && start_dlfcgi b true
	want B2 && start_dlfcgi b2 false
fi
# F: offload mode, as contrib/nginx/dlfcgi-offload.conf sets it up (the
# transfer is nginx's: no per-client limit in dlfcgi).
want F && start_dlfcgi f true 'offload = "x-accel-redirect"; offload_prefix = "/_f/"; etag_format = "nginx";'

# --- php-fpm (C, C2) -----------------------------------------------------
PHP_C_PID="" PHP_C2_PID=""
start_php() { # id script memory_limit
	local id=$1 script=$2 mem=$3 dir="$T/php-$1" pid asroot="" user=""
	if [ "$IS_ROOT" = 1 ]; then
		asroot=-R
		user="user = root
group = root"
	fi
	cp "$HERE/php/$script" "$dir/$script" || die "cannot copy $HERE/php/$script"
	cat >"$dir/php-fpm.conf" <<-EOF
		; php-fpm for target $id of contrib/bench/run.sh (no system pool)
		[global]
		pid = $dir/php-fpm.pid
		error_log = $T/log/php-$id.log
		daemonize = no
		process.max = 64

		[dl]
		$user
		listen = $T/run/php-$id.sock
		listen.mode = 0660
		listen.backlog = 511
		pm = static
		pm.max_children = 32
		request_terminate_timeout = 0
		catch_workers_output = yes
		clear_env = yes
		env[DL_ROOT] = $FILES
		php_admin_value[memory_limit] = $mem
		php_admin_value[max_execution_time] = 0
		php_admin_value[error_log] = $T/log/php-$id.log
		php_admin_flag[log_errors] = on
	EOF
	"$PHP_FPM" -t -y "$dir/php-fpm.conf" -p "$dir" $asroot >"$T/log/php-$id.check" 2>&1 ||
		die "$PHP_FPM -t: $(cat "$T/log/php-$id.check")"
	"$PHP_FPM" -F -y "$dir/php-fpm.conf" -p "$dir" $asroot </dev/null >/dev/null 2>>"$T/log/php-$id.log" &
	pid=$!
	register "$pid" "php-fpm $id"
	wait_up "php-fpm $id" "$pid" test -S "$T/run/php-$id.sock"
	wait_up "php-fpm $id children" "$pid" \
		eval '[ "$(tree_pids '"$pid"' | wc -l)" -ge 33 ]'
	eval "PHP_$(echo "$id" | tr a-z A-Z)_PID=$pid"
}
want C && start_php c readfile.php 128M
want C2 && start_php c2 file_get_contents.php -1

# --- Go (D) --------------------------------------------------------------
GO_PID=""
if want D; then
	log "run.sh: building gofcgi (offline, stdlib only)"
	(cd "$HERE/gofcgi" && GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$T/go/cache" \
		GOPATH="$T/go/path" go build -o "$T/go/gofcgi" .) >"$T/log/go-build.log" 2>&1 ||
		die "go build of $HERE/gofcgi failed: $(cat "$T/log/go-build.log")"
	"$T/go/gofcgi" -root "$FILES" -listen "$T/run/go.sock" -prefix /d \
		</dev/null >/dev/null 2>"$T/log/gofcgi.log" &
	GO_PID=$!
	register "$GO_PID" "gofcgi"
	wait_up "gofcgi" "$GO_PID" test -S "$T/run/go.sock"
fi

# --- nginx (A, B, B2, C, C2, D) -----------------------------------------
NPORT=$(pick_port) || die "no free port for nginx"
LPORT=$(pick_port "$NPORT") || die "no free port for lighttpd"
NGINX_PID=""
cat >"$T/nginx/fastcgi_params" <<'EOF'
fastcgi_param  QUERY_STRING       $query_string;
fastcgi_param  REQUEST_METHOD     $request_method;
fastcgi_param  CONTENT_TYPE       $content_type;
fastcgi_param  CONTENT_LENGTH     $content_length;
fastcgi_param  SCRIPT_NAME        $fastcgi_script_name;
fastcgi_param  REQUEST_URI        $request_uri;
fastcgi_param  DOCUMENT_URI       $document_uri;
fastcgi_param  DOCUMENT_ROOT      $document_root;
fastcgi_param  SERVER_PROTOCOL    $server_protocol;
fastcgi_param  REQUEST_SCHEME     $scheme;
fastcgi_param  HTTPS              $https if_not_empty;
fastcgi_param  GATEWAY_INTERFACE  CGI/1.1;
fastcgi_param  SERVER_SOFTWARE    nginx/$nginx_version;
fastcgi_param  REMOTE_ADDR        $remote_addr;
fastcgi_param  REMOTE_PORT        $remote_port;
fastcgi_param  SERVER_ADDR        $server_addr;
fastcgi_param  SERVER_PORT        $server_port;
fastcgi_param  SERVER_NAME        $server_name;
fastcgi_param  REDIRECT_STATUS    200;
fastcgi_param  PATH_INFO          $fastcgi_path_info;
EOF
# The settings every FastCGI location shares, word for word.
cat >"$T/nginx/fcgi_common.conf" <<EOF
include fastcgi_params;
fastcgi_buffering off;
fastcgi_buffer_size $FCGI_BUFFER;
fastcgi_buffers 4 $FCGI_BUFFER;
fastcgi_keep_conn $([ "$KEEPCONN" = 1 ] && echo on || echo off);
fastcgi_read_timeout 300s;
fastcgi_send_timeout 60s;
EOF
fcgi_location() { # prefix socket script_filename
	local pass="unix:$2"
	[ "$KEEPCONN" = 1 ] && pass="up_${1#/}"
	cat <<-EOF
		        location $1/ {
		            include fcgi_common.conf;
		            fastcgi_split_path_info ^($1)(/.*)\$;
		            fastcgi_param SCRIPT_FILENAME $3;
		            fastcgi_pass $pass;
		        }
	EOF
}
fcgi_upstream() { # prefix socket: the keep-alive pool of KEEPCONN=1
	[ "$KEEPCONN" = 1 ] || return 0
	printf '    upstream up_%s { server unix:%s; keepalive 32; }\n' "${1#/}" "$2"
}
{
	[ "$IS_ROOT" = 1 ] && echo "user root root;"
	cat <<-EOF
		# nginx of contrib/bench/run.sh: every target behind one instance
		worker_processes $(nproc);
		worker_rlimit_nofile 8192;
		pid $T/nginx/nginx.pid;
		error_log $T/log/nginx-error.log warn;
		events { worker_connections 4096; }
		http {
		    default_type application/octet-stream;
		    access_log off;
		    sendfile on;
		    client_body_temp_path $T/nginx/tmp/body;
		    fastcgi_temp_path $T/nginx/tmp/fastcgi;
		    proxy_temp_path $T/nginx/tmp/proxy;
		    scgi_temp_path $T/nginx/tmp/scgi;
		    uwsgi_temp_path $T/nginx/tmp/uwsgi;
	EOF
	fcgi_upstream /b "$T/run/b.sock"
	fcgi_upstream /b2 "$T/run/b2.sock"
	fcgi_upstream /c "$T/run/php-c.sock"
	fcgi_upstream /c2 "$T/run/php-c2.sock"
	fcgi_upstream /d "$T/run/go.sock"
	fcgi_upstream /f "$T/run/f.sock"
	cat <<-EOF
		    server {
		        listen 127.0.0.1:$NPORT;
		        server_name localhost;
		        root $FILES;
		        location /a/ { alias $FILES/; }
	EOF
	fcgi_location /b "$T/run/b.sock" '$document_root$fastcgi_script_name'
	fcgi_location /b2 "$T/run/b2.sock" '$document_root$fastcgi_script_name'
	fcgi_location /c "$T/run/php-c.sock" "$T/php-c/readfile.php"
	fcgi_location /c2 "$T/run/php-c2.sock" "$T/php-c2/file_get_contents.php"
	fcgi_location /d "$T/run/go.sock" '$document_root$fastcgi_script_name'
	fcgi_location /f "$T/run/f.sock" '$document_root$fastcgi_script_name'
	# F's internal location: what X-Accel-Redirect: /_f/... names
	echo "        location /_f/ { internal; alias $FILES/; }"
	echo "    }"
	echo "}"
} >"$T/nginx/nginx.conf"
NGINX_ARGS=(-p "$T/nginx/" -c "$T/nginx/nginx.conf" -e "$T/log/nginx-error.log")
nginx "${NGINX_ARGS[@]}" -t >"$T/log/nginx.check" 2>&1 ||
	die "nginx -t: $(cat "$T/log/nginx.check")"
nginx "${NGINX_ARGS[@]}" -g 'daemon off;' </dev/null >/dev/null 2>>"$T/log/nginx-error.log" &
NGINX_PID=$!
register "$NGINX_PID" "nginx"
wait_up "nginx" "$NGINX_PID" port_open "$NPORT"

# --- lighttpd (E) --------------------------------------------------------
LIGHTTPD_PID=""
if want E; then
	cat >"$T/lighttpd/lighttpd.conf" <<-EOF
		# lighttpd of contrib/bench/run.sh: target E -> the dlfcgi of B
		server.modules = ( "mod_fastcgi" )
		server.bind = "127.0.0.1"
		server.port = $LPORT
		server.document-root = "$FILES"
		server.pid-file = "$T/lighttpd/lighttpd.pid"
		server.errorlog = "$T/log/lighttpd.log"
		server.upload-dirs = ( "$T/lighttpd/tmp" )
		server.max-fds = 8192
		server.max-connections = 4096
		server.stream-response-body = 2
		fastcgi.server = ( "/e" => ((
		    "socket" => "$T/run/b.sock",
		    "check-local" => "disable",
		)) )
	EOF
	lighttpd -tt -f "$T/lighttpd/lighttpd.conf" >"$T/log/lighttpd.check" 2>&1 ||
		die "lighttpd -tt: $(cat "$T/log/lighttpd.check")"
	lighttpd -D -f "$T/lighttpd/lighttpd.conf" </dev/null >/dev/null 2>>"$T/log/lighttpd.log" &
	LIGHTTPD_PID=$!
	register "$LIGHTTPD_PID" "lighttpd"
	wait_up "lighttpd" "$LIGHTTPD_PID" port_open "$LPORT"
fi

# --- targets -------------------------------------------------------------
declare -A NAME URL BACKEND FRONT R
NAME[A]="A  nginx static"
NAME[B]="B  dlfcgi sendfile"
NAME[B2]="B2 dlfcgi no sendfile"
NAME[C]="C  php-fpm readfile"
NAME[C2]="C2 php-fpm file_get_cont."
NAME[D]="D  Go net/http/fcgi"
NAME[E]="E  lighttpd -> dlfcgi B"
NAME[F]="F  nginx X-Accel -> dlfcgi"
for t in A B B2 C C2 D F; do URL[$t]="http://127.0.0.1:$NPORT/$(echo "$t" | tr A-Z a-z)"; done
URL[E]="http://127.0.0.1:$LPORT/e"
BACKEND[A]=$NGINX_PID
BACKEND[B]=$DLFCGI_B_PID
BACKEND[B2]=$DLFCGI_B2_PID
BACKEND[C]=$PHP_C_PID
BACKEND[C2]=$PHP_C2_PID
BACKEND[D]=$GO_PID
BACKEND[E]=$DLFCGI_B_PID
BACKEND[F]=$DLFCGI_F_PID
for t in A B B2 C C2 D F; do FRONT[$t]=$NGINX_PID; done
FRONT[E]=$LIGHTTPD_PID

# One download with curl: prints "speed_bytes_per_s size http_code exit".
# Always run in a subshell ($(...) or &): it becomes curl, so that the PID
# of "get ... &" is curl's own.
get() { # url [curl options...]
	local url=$1
	shift
	exec curl -s -o /dev/null --max-time 900 "$@" \
		-w '%{speed_download} %{size_download} %{http_code} %{exitcode}\n' "$url"
}

check_dl() { # target what expected_size "speed size code exit"
	local t=$1 what=$2 want=$3 size code ex
	read -r _ size code ex <<<"$4"
	if [ "$code" != 200 ] || [ "$size" != "$want" ] || [ "$ex" != 0 ]; then
		fail "$t: $what: HTTP $code, $size bytes of $want, curl exit $ex"
		return 1
	fi
	return 0
}

# Content check: the bytes must be the file's.
check_content() { # target file
	local t=$1 f=$2 code
	code=$(curl -s --max-time 60 -o "$T/clients/check.out" -w '%{http_code}' "${URL[$t]}/$f")
	if [ "$code" != 200 ] || ! cmp -s "$T/clients/check.out" "$FILES/$f"; then
		fail "$t: GET /$f: HTTP $code, content differs from the file"
		return 1
	fi
	rm -f "$T/clients/check.out"
}

wrk_once() { # url -> "req_per_s p99_ms errors"
	local out rps p99 non2xx sockerr
	out=$(timeout $((WRK_DUR + 60)) wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"${WRK_DUR}s" --latency "$1" 2>&1)
	rps=$(printf '%s\n' "$out" | awk '/^Requests\/sec:/ { print $2 }')
	p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {
		v = $2; u = v; sub(/[a-z]+$/, "", v); sub(/^[0-9.]+/, "", u)
		if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000
		printf "%.3f\n", v }')
	non2xx=$(printf '%s\n' "$out" | awk '/Non-2xx or 3xx/ { print $NF }')
	sockerr=$(printf '%s\n' "$out" | awk '/Socket errors:/ { s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+,?$/) s += $i; print s }')
	printf '%s %s %s\n' "${rps:-nan}" "${p99:-nan}" "$(( ${non2xx:-0} + ${sockerr:-0} ))"
	[ -n "$rps" ]
}

run_target() {
	local t=$1 url=${URL[$1]} n conc slow i r line speeds=() aggs=() rpss=() p99s=()
	local c0 c1 f0 f1 bytes t0 t1 sum ok tot early peak_r peak_s idle m deadline pids a b c e
	log ""
	log "=== ${NAME[$t]}  ($url)"
	warm_cache

	# Sanity: the exact bytes, for the small and the 1 MiB file.
	check_content "$t" small.bin || return 0
	check_content "$t" mid.bin || return 0

	conc=$CONC
	slow=$SLOW
	if [ "$t" = C2 ]; then
		conc=$C2_CLIENTS
		slow=$C2_CLIENTS
		# Each C2 client holds the file about twice (the string and
		# PHP's output buffer): shrink the count if memory is short.
		local avail need
		avail=$(awk '/^MemAvailable:/ { printf "%.0f\n", $2 * 1024 }' /proc/meminfo)
		need=$(calcf %.0f "2.2 * $HUGE")
		while [ "$slow" -gt 1 ] && ! is "$slow * $need + $GIB < $avail"; do
			slow=$((slow - 1))
		done
		[ "$slow" -lt "$C2_CLIENTS" ] && log "[$t] only $slow slow clients: MemAvailable $((avail / MIB)) MiB"
	fi
	R[$t.conc]=$conc
	R[$t.slow]=$slow

	# 1 + 2, with the CPU time of the backend (and front end) around them.
	c0=$(cpu_ticks "${BACKEND[$t]}")
	f0=$(cpu_ticks "${FRONT[$t]}")
	bytes=0
	for r in $(seq 1 "$RUNS"); do
		line=$(get "$url/huge.bin")
		if check_dl "$t" "single GET /huge.bin" "$HUGE" "$line"; then
			speeds+=("$(calc "${line%% *} / 1e6")")
		fi
		bytes=$((bytes + $(echo "$line" | awk '{ print $2 + 0 }')))
		log "[$t] single $r/$RUNS: $(calcf %.0f "${line%% *} / 1e6") MB/s"
	done
	for r in $(seq 1 "$RUNS"); do
		rm -f "$T"/clients/p2.*
		pids=()
		t0=$(now)
		for i in $(seq 1 "$conc"); do
			get "$url/big.bin" >"$T/clients/p2.$i" &
			pids+=($!)
			CLIENT_PIDS+=($!)
		done
		wait "${pids[@]}"
		t1=$(now)
		CLIENT_PIDS=()
		sum=0
		ok=1
		for i in $(seq 1 "$conc"); do
			line=$(cat "$T/clients/p2.$i")
			check_dl "$t" "$conc x GET /big.bin, client $i" "$BIG" "$line" || ok=0
			sum=$((sum + $(echo "$line" | awk '{ print $2 + 0 }')))
		done
		bytes=$((bytes + sum))
		[ "$ok" = 1 ] && aggs+=("$(calc "$sum / ($t1 - $t0) / 1e6")")
		log "[$t] ${conc}x $r/$RUNS: $(calcf %.0f "$sum / ($t1 - $t0) / 1e6") MB/s ($sum bytes in $(calcf %.2f "$t1 - $t0") s)"
	done
	c1=$(cpu_ticks "${BACKEND[$t]}")
	f1=$(cpu_ticks "${FRONT[$t]}")
	R[$t.single]=$(median ${speeds[@]+"${speeds[@]}"})
	R[$t.agg]=$(median ${aggs[@]+"${aggs[@]}"})
	R[$t.cpu]=$(calc "($c1 - $c0) / $CLK_TCK / ($bytes / $GIB)")
	R[$t.fcpu]=$(calc "($f1 - $f0) / $CLK_TCK / ($bytes / $GIB)")
	[ "$PROFILE" = 1 ] && profile_single "$t" "$url"

	# 3. small files: wrk.
	R[$t.wrkerr]=0
	for r in $(seq 1 "$RUNS"); do
		if line=$(wrk_once "$url/small.bin"); then
			read -r a b e <<<"$line"
			rpss+=("$a")
			p99s+=("$b")
			R[$t.wrkerr]=$((${R[$t.wrkerr]} + e))
			log "[$t] wrk $r/$RUNS: $a req/s, p99 $b ms, $e errors"
		else
			fail "$t: wrk on $url/small.bin gave no result"
		fi
	done
	[ "${R[$t.wrkerr]}" -gt 0 ] && fail "$t: wrk: ${R[$t.wrkerr]} non-2xx responses or socket errors"
	R[$t.rps]=$(median ${rpss[@]+"${rpss[@]}"})
	R[$t.p99]=$(median ${p99s[@]+"${p99s[@]}"})

	# 5. memory: idle, then peak under slow clients on the huge file.
	sleep 1
	read -r idle m <<<"$(mem_kib "${BACKEND[$t]}")"
	R[$t.rss_idle]=$(calc "$idle / 1024")
	peak_r=$idle
	peak_s=$m
	rm -f "$T"/clients/p5.*
	pids=()
	for i in $(seq 1 "$slow"); do
		curl -s -o /dev/null --limit-rate "$RATE" --max-time "$MEM_DUR" \
			-w '%{time_starttransfer} %{size_download} %{http_code} %{exitcode}\n' \
			"$url/huge.bin" >"$T/clients/p5.$i" 2>/dev/null &
		pids+=($!)
		CLIENT_PIDS+=($!)
	done
	deadline=$(calc "$(now) + $MEM_DUR + 10")
	while :; do
		read -r r m <<<"$(mem_kib "${BACKEND[$t]}")"
		[ "$r" -gt "$peak_r" ] && peak_r=$r
		[ "$m" -gt "$peak_s" ] && peak_s=$m
		n=0
		for i in "${pids[@]}"; do kill -0 "$i" 2>/dev/null && n=$((n + 1)); done
		[ "$n" = 0 ] && break
		if is "$(now) > $deadline"; then
			log "[$t] slow clients still running after $((MEM_DUR + 10)) s: killing them"
			for i in "${pids[@]}"; do kill -TERM "$i" 2>/dev/null; done
		fi
		sleep 0.2
	done
	wait "${pids[@]}" 2>/dev/null
	CLIENT_PIDS=()
	early=0
	tot=0
	for i in $(seq 1 "$slow"); do
		read -r a b c e <"$T/clients/p5.$i" || { a=0; b=0; c=000; e=-1; }
		tot=$((tot + b))
		if [ "${b:-0}" -gt 0 ] && is "$a <= $EARLY"; then
			early=$((early + 1))
		fi
		case $c in
		200 | 000) ;;
		*) fail "$t: slow client $i: HTTP $c" ;;
		esac
	done
	R[$t.rss_peak]=$(calc "$peak_r / 1024")
	R[$t.pss_peak]=$(calc "$peak_s / 1024")
	R[$t.early]="$early/$slow"
	log "[$t] memory: RSS $(calcf %.1f "$idle / 1024") -> $(calcf %.1f "$peak_r / 1024") MiB, PSS peak $(calcf %.1f "$peak_s / 1024") MiB; $early of $slow clients got bytes within ${EARLY} s; $((tot / MIB)) MiB delivered"
	# Let the backend notice the closed connections before the next target.
	sleep 2
}

# PROFILE=1: one more single stream of huge.bin, the whole machine
# sampled by perf (cpu-clock works in VMs too). Not part of any figure.
profile_single() { # target url
	local t=$1 url=$2 data="$T/perf.$1.data"
	if ! perf record -a -F 999 -e cpu-clock -o "$data" -- \
		curl -s -o /dev/null --max-time 900 "$url/huge.bin" \
		>/dev/null 2>"$T/log/perf-$t.err"; then
		fail "$t: perf record failed: $(tail -n 1 "$T/log/perf-$t.err")"
		return
	fi
	{
		echo "  by process (share of all samples of both CPUs; swapper = idle):"
		perf report -i "$data" --sort comm --stdio 2>/dev/null |
			grep -E '^ +[0-9]' | head -n 6 | sed 's/^/  /'
		echo "  top symbols:"
		perf report -i "$data" --sort comm,sym --stdio 2>/dev/null |
			grep -E '^ +[0-9]' | grep -v swapper | head -n 10 | cut -c1-100 | sed 's/^/  /'
	} >"$T/profile.$t"
	rm -f "$data"
	log "[$t] profiled one single stream (perf)"
}

# SCRAPE=1: a Prometheus-like reader of the target's metrics and its status
# page every 100 ms (curl through nginx, as a scraper would), stopped by its
# PID.
SCRAPER_PID=""
scraper_start() { # target
	local t=$1 url
	case $t in
	B | E) url="${URL[B]}" ;;
	B2) url="${URL[B2]}" ;;
	*) return 0 ;;
	esac
	: >"$T/log/scrape.$t"
	(
		while :; do
			curl -s --max-time 5 -o /dev/null -o /dev/null \
				-w '%{http_code}\n' "$url/_metrics" \
				"$url/_status?json&full&clients" >>"$T/log/scrape.$t"
			sleep 0.1
		done
	) &
	SCRAPER_PID=$!
	CLIENT_PIDS+=("$SCRAPER_PID")
}
scraper_stop() { # target
	local t=$1 n ok
	[ -n "$SCRAPER_PID" ] || return 0
	kill -TERM "$SCRAPER_PID" 2>/dev/null
	wait "$SCRAPER_PID" 2>/dev/null
	SCRAPER_PID=""
	n=$(wc -l <"$T/log/scrape.$t")
	ok=$(grep -c '^200$' "$T/log/scrape.$t" || true)
	log "[$t] scraper: $n reads of /_metrics and /_status?json&full&clients (every 100 ms), $ok answered 200"
	[ "$n" -gt 0 ] && [ "$ok" = "$n" ] || fail "$t: metrics scraper got $ok of $n answers 200"
	R[$t.scrapes]=$n
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(now)
LOAD_TARGETS=""
for t in $TARGETS; do
	l0=$(cut -d' ' -f1 /proc/loadavg)
	[ "$SCRAPE" = 1 ] && scraper_start "$t"
	run_target "$t"
	[ "$SCRAPE" = 1 ] && scraper_stop "$t"
	LOAD_TARGETS="$LOAD_TARGETS $t $l0->$(cut -d' ' -f1 /proc/loadavg),"
done
LOAD_TARGETS=${LOAD_TARGETS%,}
END=$(now)

# --- report --------------------------------------------------------------
fmt() { # printf-format value: "-" for a missing value
	case ${2:-} in
	'' | nan | -nan | inf) printf '%s\n' - ;;
	*) printf "$1\n" "$2" ;;
	esac
}

echo
echo "dlfcgi benchmark ($( [ "$QUICK" = 1 ] && echo "QUICK smoke test, " )median of $RUNS run(s) per figure)"
echo
echo "machine:  $(nproc) CPUs, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(awk '/^MemTotal:/ { printf "%.1f GiB RAM\n", $2 / 1048576 }' /proc/meminfo)"
echo "kernel:   $(uname -srm)"
echo "nginx:    $(nginx -v 2>&1 | sed 's/^nginx version: //')"
echo "front:    nginx fastcgi_buffering off; fastcgi_buffer_size $FCGI_BUFFER (FCGI_BUFFER), fastcgi_keep_conn $([ "$KEEPCONN" = 1 ] && echo "on, upstream keepalive 32" || echo off) (KEEPCONN) for B B2 C C2 D F"
echo "lighttpd: $(lighttpd -v 2>&1 | head -n 1 | sed 's/ - a light.*//')"
echo "php:      $(php -v | head -n 1)"
echo "php-fpm:  $("$PHP_FPM" -v | head -n 1); output_buffering=$("$PHP_FPM" -i 2>/dev/null | awk -F' => ' '/^output_buffering/ { print $2; exit }')"
echo "go:       $(go version)"
echo "dlfcgi:   $("$DLFCGI" -V 2>&1 | head -n 1)"
echo "clients:  $(curl --version | head -n 1 | cut -d' ' -f1-2), $(wrk --version 2>&1 | head -n 1 | cut -d' ' -f1-2)"
echo "command:  cd $TOP && $CMDLINE"
echo "took:     $(calcf %.0f "$END - $START") s of measurements"
echo "load:     $LOAD_BEFORE before, $(cut -d' ' -f1-3 /proc/loadavg) after (1, 5, 15 min; other work on the machine skews results)"
echo "          per target (1 min, start->end):$LOAD_TARGETS; targets run one after"
echo "          the other, so a ratio of two is skewed when the load changed between them"
echo "          (compare with TARGETS in the other order)"
echo
echo "files in the page cache: $(human "$SMALL") (req/s), $(human "$BIG") (${CONC}x), $(human "$HUGE") (single, slow clients)"
echo "single = 1 stream of $(human "$HUGE"); ${CONC}x = $CONC concurrent $(human "$BIG") downloads, total bytes / wall time;"
echo "4K = wrk -t$WRK_THREADS -c$WRK_CONNS -d${WRK_DUR}s --latency; CPU = backend utime+stime per GiB during single+${CONC}x;"
echo "RSS/PSS = backend processes summed, idle -> peak under $SLOW clients at --limit-rate $RATE on $(human "$HUGE") for ${MEM_DUR} s;"
echo "early = clients with bytes within ${EARLY} s. MB = 10^6 bytes, MiB = 2^20."
echo
hdr='%-27s %9s %9s %9s %8s %9s %17s %9s %7s\n'
printf "$hdr" target "single" "${CONC}x" "4K" "p99" "CPU" "RSS idle->peak" "PSS peak" "early"
printf "$hdr" "" "MB/s" "MB/s" "req/s" "ms" "s/GiB" "MiB" "MiB" "clients"
printf '%s\n' "$(printf '%.0s-' $(seq 1 112))"

for t in $TARGETS; do
	agg=$(fmt '%.0f' "${R[$t.agg]:-}")
	early=${R[$t.early]:--}
	if [ "${R[$t.conc]:-$CONC}" != "$CONC" ]; then
		agg="$agg*"
	fi
	if [ "${R[$t.slow]:-$SLOW}" != "$SLOW" ]; then
		early="$early*"
	fi
	printf "$hdr" "${NAME[$t]}" \
		"$(fmt '%.0f' "${R[$t.single]:-}")" "$agg" \
		"$(fmt '%.0f' "${R[$t.rps]:-}")" "$(fmt '%.2f' "${R[$t.p99]:-}")" \
		"$(fmt '%.2f' "${R[$t.cpu]:-}")" \
		"$(fmt '%.1f' "${R[$t.rss_idle]:-}")->$(fmt '%.1f' "${R[$t.rss_peak]:-}")" \
		"$(fmt '%.1f' "${R[$t.pss_peak]:-}")" "$early"
done
echo
want A && echo "A: the CPU and memory columns are nginx's own (master + workers): it is the server."
want E && echo "E: clients talk to lighttpd; CPU and memory are those of the dlfcgi of B (shared)."
want F && echo "F: CPU and memory are dlfcgi's (it answers, nginx sends the bytes); front + backend below is the figure to compare with A."
want C2 && echo "C2 (*): ${R[C2.conc]:-$C2_CLIENTS} concurrent clients instead of $CONC, ${R[C2.slow]:-$C2_CLIENTS} slow clients instead of $SLOW: each holds the whole file in memory."
echo
echo "front-end CPU during single+${CONC}x (s/GiB; nginx, lighttpd for E), and front + backend:"
for t in $TARGETS; do
	if [ "$t" = A ]; then
		printf '  %-27s %6s   total %6s\n' "${NAME[$t]}" "$(fmt '%.2f' "${R[$t.fcpu]:-}")" "$(fmt '%.2f' "${R[$t.fcpu]:-}")"
	else
		printf '  %-27s %6s   total %6s\n' "${NAME[$t]}" "$(fmt '%.2f' "${R[$t.fcpu]:-}")" \
			"$(fmt '%.2f' "$(calc "${R[$t.fcpu]:-0} + ${R[$t.cpu]:-0}")")"
	fi
done

ratio() { # a b
	local a=${1:-} b=${2:-}
	case "$a$b" in *nan* | '') echo -; return ;; esac
	[ -z "$a" ] || [ -z "$b" ] && { echo -; return; }
	if is "$b == 0"; then echo -; return; fi
	calcf %.2f "$a / $b"
}
if want B; then
	echo
	echo "ratios B / X (throughput: > 1 means B is faster; p99, CPU, RSS: < 1 means B needs less):"
	rhdr='  %-8s %7s %7s %7s %7s %9s %9s\n'
	printf "$rhdr" "" single "${CONC}x" "4K" p99 "CPU/GiB" "RSS peak"
	want A || want C || want D || echo "  (A, C and D were not run)"
	for x in A C D F; do
		want "$x" || continue
		printf "$rhdr" "B / $x" \
			"$(ratio "${R[B.single]:-}" "${R[$x.single]:-}")" \
			"$(ratio "${R[B.agg]:-}" "${R[$x.agg]:-}")" \
			"$(ratio "${R[B.rps]:-}" "${R[$x.rps]:-}")" \
			"$(ratio "${R[B.p99]:-}" "${R[$x.p99]:-}")" \
			"$(ratio "${R[B.cpu]:-}" "${R[$x.cpu]:-}")" \
			"$(ratio "${R[B.rss_peak]:-}" "${R[$x.rss_peak]:-}")"
	done
fi
if want F && want A; then
	echo
	echo "offload against nginx static (issue 14: single and ${CONC}x >= 0.95, front + backend CPU <= 1.1):"
	printf '  %-8s %7s %7s %7s %13s\n' "" single "${CONC}x" "4K" "front+back CPU"
	printf '  %-8s %7s %7s %7s %13s\n' "F / A" \
		"$(ratio "${R[F.single]:-}" "${R[A.single]:-}")" \
		"$(ratio "${R[F.agg]:-}" "${R[A.agg]:-}")" \
		"$(ratio "${R[F.rps]:-}" "${R[A.rps]:-}")" \
		"$(ratio "$(calc "${R[F.fcpu]:-0} + ${R[F.cpu]:-0}")" "${R[A.fcpu]:-}")"
fi

# --- logs: anything beyond the start-up chatter --------------------------
# Timestamps, PIDs and connection numbers are stripped so that equal
# messages count together.
log_digest() {
	sed -E \
		-e 's/^\[[0-9]{2}-[A-Za-z]{3}-[0-9]{4} [0-9:.]+\] //' \
		-e 's/^[0-9]{4}\/[0-9]{2}\/[0-9]{2} [0-9:]+ //' \
		-e 's/^([0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]+: )//' \
		-e 's/[0-9]+#[0-9]+: \*[0-9]+ /#: /' \
		-e 's/\[worker [0-9]+\.[0-9]+\]/[worker]/' \
		-e 's/(child|pid) [0-9]+/\1 N/g' \
		-e 's/port [0-9]+/port N/g' "$1" |
		grep -v -E '^$|serving (with|/)|workers x|running as|fpm is running|ready to handle|systemd monitor interval|test is successful|server started|gofcgi serving|syntax is ok'
}
echo
echo "logs (messages other than start-up, with counts):"
for f in "$T"/log/*.log; do
	[ -e "$f" ] || continue
	n=$(log_digest "$f" | grep -c . || true)
	printf '  %-20s %s\n' "$(basename "$f")" "$n"
	if [ "$n" -gt 0 ]; then
		log_digest "$f" | sort | uniq -c | sort -rn | head -n 6 | cut -c1-150 | sed 's/^/    /'
	fi
done
echo "  (dlfcgi: \"GET /huge.bin\" ... web server closed the connection is expected once per"
echo "   slow client of B, B2 and E: they are cut off after ${MEM_DUR} s on purpose.)"

if [ "$PROFILE" = 1 ]; then
	for t in $TARGETS; do
		[ -s "$T/profile.$t" ] || continue
		echo
		echo "profile of one single stream of $(human "$HUGE"), ${NAME[$t]} (perf record -a -e cpu-clock):"
		cat "$T/profile.$t"
	done
fi

if [ ${#FAILS[@]} -gt 0 ]; then
	echo
	echo "FAILED CHECKS (${#FAILS[@]}):"
	printf '  %s\n' "${FAILS[@]}" | head -n 30
	exit 1
fi
exit 0
