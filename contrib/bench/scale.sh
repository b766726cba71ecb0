#!/usr/bin/env bash
# Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE.
# contrib/bench/scale.sh: thousands of slow downloads through nginx.
#
# For each target and each N, a fresh backend and a fresh nginx (each
# with its own configuration in a temporary directory, 127.0.0.1 and
# free ports), then one slowclient process (slowclient.c, built here)
# opening N connections that each read RATE bytes/s of a large file.
# Once every client has its first byte and SETTLE seconds have passed
# (every queue on the way is full then), the servers are measured; the
# clients read on until DURATION. One table row per target and N.
#
#   A  nginx serving the file itself (sendfile): the ceiling
#   B  nginx -> dlfcgi (workers 4, threads N/4 + 16), the relay
#   D  nginx -> Go net/http/fcgi (gofcgi/main.go)
#   C  nginx -> php-fpm 8.2, readfile(), its usual pool (Debian's
#      www.conf: pm dynamic, max_children 5): most clients wait
#   F  nginx -> dlfcgi in offload mode (X-Accel-Redirect to an internal
#      location): dlfcgi decides, nginx sends the file (sendfile)
#
# Knobs (environment):
#   NS="500 2000 4000"   the numbers of clients
#   TARGETS="A B D C"    (F on request)
#   RATE=32768           bytes/s each client reads
#   DURATION=30          s each run lasts; SETTLE=5 s before measuring
#   FCGI_BUFFER=64k      nginx fastcgi_buffer_size of B, C, D
#   SIZE=256             MiB of the file (each client reads a few MiB)
#   DLFCGI_CONF=""       more lines for dlfcgi.conf (send_buffer = ...;)
#   NGINX_LISTEN=""      more parameters of nginx's listen (sndbuf=256k:
#                        a fixed send buffer for the client sockets)
#   KEEPCONN=1           FastCGI connection reuse as contrib/nginx ships
#                        it (upstream keepalive 32, fastcgi_keep_conn on);
#                        0: a connection per request
#   DLFCGI=path, PHP_FPM=php-fpm8.2, KEEP=1 (keep the temp directory)
#   QUICK=1              NS="50 200", DURATION=12, SETTLE=2: a smoke run
#   PROBE="command"      run (bash -c) once the servers are measured, with
#                        NGINX_PID, BACKEND_PID (process trees: their
#                        children too; A: nginx) and PROBE_N, PROBE_T set;
#                        its output goes to standard error. For perf or
#                        strace: it disturbs that run's CPU figures.
#   PROBE_AT=ready       or start: PROBE runs in the background from the
#                        moment the clients start (the queues filling)
#
# Columns (per download = divided by the clients served):
#   served       clients still receiving at the end / N
#   ttfb p50/p99 ms, from connect to the first byte of the response
#   RSS, PSS     KiB per download: backend processes (smaps_rollup),
#                at the measurement minus at rest before the clients
#   sock         KiB per download in the backend's unix sockets: the
#                send queues (ss -xm skmem t, i.e. wmem_alloc) of the
#                sockets bound to the backend's path; for A (no relay) 0
#   tcp          KiB per download of TCP memory (/proc/net/sockstat
#                "mem" pages, growth): nginx's client sockets and the
#                clients' receive queues, every target alike
#   ngx          MiB of nginx RSS growth (workers and master)
#   cpu/GiB      CPU seconds of the backend, of nginx, per GiB the
#                clients received (A: nginx is the backend, front 0);
#                B+N their sum (the issue's end-to-end figure)
#   stB, stN     the same in the steady state only: CPU from the
#                measurement (every queue full) to the end, per GiB the
#                clients read in that time (bytes - bytes_ready); the
#                whole-run figure also holds the start, when every
#                queue on the way fills at memory speed (tcp/dl) but
#                the clients have not read those bytes yet
#
# Exit status 1 if a server does not start; slow results never fail.

set -u
set -o pipefail

HERE=$(cd "$(dirname "$0")" && pwd -P)
TOP=$(cd "$HERE/../.." && pwd -P)
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
	NS=${NS:-50 200}
	DURATION=${DURATION:-12}
	SETTLE=${SETTLE:-2}
else
	NS=${NS:-500 2000 4000}
	DURATION=${DURATION:-30}
	SETTLE=${SETTLE:-5}
fi
TARGETS=${TARGETS:-A B D C}
RATE=${RATE:-32768}
FCGI_BUFFER=${FCGI_BUFFER:-64k}
SIZE=${SIZE:-256}
DLFCGI=${DLFCGI:-$TOP/src/dlfcgi}
DLFCGI_CONF=${DLFCGI_CONF:-}
NGINX_LISTEN=${NGINX_LISTEN:-}
KEEPCONN=${KEEPCONN:-1}
PHP_FPM=${PHP_FPM:-php-fpm8.2}
KEEP=${KEEP:-0}
CMDLINE="NS=\"$NS\" TARGETS=\"$TARGETS\" RATE=$RATE DURATION=$DURATION SETTLE=$SETTLE FCGI_BUFFER=$FCGI_BUFFER SIZE=$SIZE DLFCGI_CONF=\"$DLFCGI_CONF\" NGINX_LISTEN=\"$NGINX_LISTEN\" KEEPCONN=$KEEPCONN bash $0"

T=""
declare -a PIDS=()
log() { printf '%s\n' "$*" >&2; }
die() {
	log "scale.sh: SETUP FAILED: $*"
	[ -n "$T" ] && for f in "$T"/log/*; do [ -s "$f" ] && { log "--- $f"; tail -n 5 "$f" >&2; }; done
	exit 1
}

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
cpu_ticks() {
	local p
	for p in $(tree_pids "$@"); do cat "/proc/$p/stat" 2>/dev/null; done |
		sed 's/^.*) //' | awk '{ s += $12 + $13 + $14 + $15 } END { printf "%d\n", s }'
}
mem_kib() { # RSS PSS of a process tree
	local p
	for p in $(tree_pids "$@"); do cat "/proc/$p/smaps_rollup" 2>/dev/null; done |
		awk '/^Rss:/ { r += $2 } /^Pss:/ { s += $2 } END { printf "%d %d\n", r, s }'
}
# Bytes queued in the unix sockets bound to path $1: skmem t (wmem_alloc).
sock_bytes() {
	ss -xmH src "$1" 2>/dev/null | grep -o 'skmem:([^)]*)' |
		sed 's/.*,t\([0-9]*\),.*/\1/' | awk '{ s += $1 } END { printf "%d\n", s }'
}
tcp_pages() { awk '$1 == "TCP:" { for (i = 2; i < NF; i++) if ($i == "mem") print $(i + 1) }' /proc/net/sockstat; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
	local i p
	for i in $(seq 1 200); do
		p=$((20000 + RANDOM % 30000))
		port_open "$p" || { echo "$p"; return 0; }
	done
	return 1
}
wait_for() { # description pid command...: at most 15 s
	local desc=$1 pid=$2 i
	shift 2
	for i in $(seq 1 150); do
		"$@" && return 0
		kill -0 "$pid" 2>/dev/null || die "$desc exited during start-up"
		sleep 0.1
	done
	die "$desc not up after 15 s"
}
stop_all() {
	local all p i alive
	[ ${#PIDS[@]} -gt 0 ] || return 0
	all=$(tree_pids "${PIDS[@]}")
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for i in $(seq 1 100); do
		alive=""
		for p in $all; do kill -0 "$p" 2>/dev/null && alive="$alive $p"; done
		[ -z "$alive" ] && break
		sleep 0.1
	done
	for p in $alive; do kill -KILL "$p" 2>/dev/null; done
	wait 2>/dev/null
	PIDS=()
}
cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	stop_all
	if [ -n "$T" ] && [ -d "$T" ]; then
		if [ "$KEEP" = 1 ]; then log "scale.sh: kept $T"; else rm -rf "$T"; fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

for tool in nginx cc ss awk ps; do
	command -v "$tool" >/dev/null 2>&1 || die "$tool not found"
done
for t in $TARGETS; do
	case $t in
	A) ;;
	B | F) [ -x "$DLFCGI" ] || die "$DLFCGI not built" ;;
	C) command -v "$PHP_FPM" >/dev/null || die "$PHP_FPM not found" ;;
	D) command -v go >/dev/null || die "go not found" ;;
	*) die "unknown target $t (A B C D F)" ;;
	esac
done
maxn=0
for n in $NS; do
	case $n in '' | *[!0-9]*) die "NS: $n is not a number" ;; esac
	[ "$n" -gt "$maxn" ] && maxn=$n
done
[ "$maxn" -le 4096 ] || die "NS: at most 4096 (dlfcgi: 4 workers x 1024 threads)"
ulimit -n $((3 * maxn + 1024)) 2>/dev/null || ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -ge $((2 * maxn + 64)) ] || die "ulimit -n $(ulimit -n) is too low for $maxn clients"
IS_ROOT=0
[ "$(id -u)" = 0 ] && IS_ROOT=1
CLK_TCK=$(getconf CLK_TCK)

T=$(mktemp -d "${TMPDIR:-/tmp}/dlfcgi-scale.XXXXXX") || die "mktemp -d failed"
mkdir -p "$T/files" "$T/log" "$T/run" "$T/nginx/tmp" "$T/dlfcgi" "$T/php" "$T/go"
FILES=$T/files
log "scale.sh: working in $T"
cc -O2 -o "$T/slowclient" "$HERE/slowclient.c" 2>"$T/log/cc.log" || die "cc slowclient.c: $(cat "$T/log/cc.log")"
head -c $((SIZE * 1024 * 1024)) /dev/urandom >"$FILES/huge.bin" || die "cannot write the test file"
cat "$FILES/huge.bin" >/dev/null

if [[ " $TARGETS " == *" D "* ]]; then
	(cd "$HERE/gofcgi" && GOFLAGS=-mod=mod GOPROXY=off GOCACHE="$T/go/cache" \
		GOPATH="$T/go/path" go build -o "$T/go/gofcgi" .) >"$T/log/go-build.log" 2>&1 ||
		die "go build: $(cat "$T/log/go-build.log")"
fi

# --- backends ---------------------------------------------------------------
BPID="" BSOCK=""
start_backend() { # target n
	local t=$1 n=$2 asroot="" user="" offload=""
	BPID="" BSOCK=""
	[ "$t" = F ] && offload='offload = "x-accel-redirect"; offload_prefix = "/_f/"; etag_format = "nginx";'
	case $t in
	B | F)
		BSOCK=$T/run/dlfcgi.sock
		cat >"$T/dlfcgi/dlfcgi.conf" <<-EOF
			root = "$FILES";
			listen = "unix:$BSOCK";
			workers = 4;
			threads = $(((n + 3) / 4 + 16 > 1024 ? 1024 : (n + 3) / 4 + 16));
			max_clients_per_ip = 0;
			shutdown_timeout = 2;
			$offload
			$DLFCGI_CONF
		EOF
		"$DLFCGI" -t -c "$T/dlfcgi/dlfcgi.conf" >"$T/log/dlfcgi.check" 2>&1 ||
			die "dlfcgi -t: $(cat "$T/log/dlfcgi.check")"
		"$DLFCGI" -f -c "$T/dlfcgi/dlfcgi.conf" </dev/null >/dev/null 2>"$T/log/dlfcgi.log" &
		BPID=$!
		wait_for dlfcgi "$BPID" test -S "$BSOCK"
		wait_for "dlfcgi workers" "$BPID" \
			eval '[ "$(grep -c "serving with" "$T/log/dlfcgi.log")" -ge 4 ]'
		;;
	C)
		BSOCK=$T/run/php.sock
		if [ "$IS_ROOT" = 1 ]; then asroot=-R; user="user = root
group = root"; fi
		cp "$HERE/php/readfile.php" "$T/php/readfile.php"
		# Debian's www.conf, apart from the paths
		cat >"$T/php/php-fpm.conf" <<-EOF
			[global]
			pid = $T/php/php-fpm.pid
			error_log = $T/log/php.log
			daemonize = no
			[www]
			$user
			listen = $BSOCK
			listen.mode = 0660
			pm = dynamic
			pm.max_children = 5
			pm.start_servers = 2
			pm.min_spare_servers = 1
			pm.max_spare_servers = 3
			clear_env = yes
			env[DL_ROOT] = $FILES
		EOF
		"$PHP_FPM" -F -y "$T/php/php-fpm.conf" -p "$T/php" $asroot </dev/null >/dev/null 2>&1 &
		BPID=$!
		wait_for php-fpm "$BPID" test -S "$BSOCK"
		;;
	D)
		BSOCK=$T/run/go.sock
		"$T/go/gofcgi" -root "$FILES" -listen "$BSOCK" -prefix /x \
			</dev/null >/dev/null 2>"$T/log/gofcgi.log" &
		BPID=$!
		wait_for gofcgi "$BPID" test -S "$BSOCK"
		;;
	esac
	[ -n "$BPID" ] && PIDS+=("$BPID")
	return 0
}

NPID="" NPORT=""
start_nginx() { # target n
	local t=$1 n=$2 loc script
	NPORT=$(pick_port) || die "no free port"
	case $t in
	A) loc="location /x/ { alias $FILES/; }" ;;
	*)
		script='$document_root$fastcgi_script_name'
		[ "$t" = C ] && script=$T/php/readfile.php
		loc="location /x/ {
		    include fastcgi_params;
		    fastcgi_split_path_info ^(/x)(/.*)\$;
		    fastcgi_param SCRIPT_FILENAME $script;
		    fastcgi_pass $([ "$KEEPCONN" = 1 ] && echo up || echo "unix:$BSOCK");
		    fastcgi_keep_conn $([ "$KEEPCONN" = 1 ] && echo on || echo off);
		    fastcgi_buffering off;
		    fastcgi_buffer_size $FCGI_BUFFER;
		    fastcgi_buffers 4 $FCGI_BUFFER;
		    fastcgi_read_timeout 300s;
		}"
		[ "$t" = F ] && loc="$loc
		location /_f/ { internal; alias $FILES/; }"
		;;
	esac
	# the same fastcgi_params as run.sh
	sed -n '/^fastcgi_param /p' "$HERE/run.sh" >"$T/nginx/fastcgi_params"
	{
		[ "$IS_ROOT" = 1 ] && echo "user root root;"
		cat <<-EOF
			worker_processes 2;
			worker_rlimit_nofile $((3 * n + 1024));
			pid $T/nginx/nginx.pid;
			error_log $T/log/nginx-error.log warn;
			events { worker_connections $((2 * n + 512)); }
			http {
			    default_type application/octet-stream;
			    access_log off;
			    sendfile on;
			    client_body_temp_path $T/nginx/tmp/body;
			    fastcgi_temp_path $T/nginx/tmp/fastcgi;
			    proxy_temp_path $T/nginx/tmp/proxy;
			    scgi_temp_path $T/nginx/tmp/scgi;
			    uwsgi_temp_path $T/nginx/tmp/uwsgi;
			    $([ "$KEEPCONN" = 1 ] && [ "$t" != A ] && echo "upstream up { server unix:$BSOCK; keepalive 32; }")
			    server {
			        listen 127.0.0.1:$NPORT backlog=4096 $NGINX_LISTEN;
			        root $FILES;
			        $loc
			    }
			}
		EOF
	} >"$T/nginx/nginx.conf"
	nginx -p "$T/nginx/" -c "$T/nginx/nginx.conf" -e "$T/log/nginx-error.log" -t \
		>"$T/log/nginx.check" 2>&1 || die "nginx -t: $(cat "$T/log/nginx.check")"
	nginx -p "$T/nginx/" -c "$T/nginx/nginx.conf" -e "$T/log/nginx-error.log" \
		-g 'daemon off;' </dev/null >/dev/null 2>&1 &
	NPID=$!
	PIDS+=("$NPID")
	wait_for nginx "$NPID" port_open "$NPORT"
}

declare -A NAME=([A]="nginx static" [B]="dlfcgi" [C]="php-fpm (5)" [D]="Go net/http/fcgi" [F]="dlfcgi offload")
ROWS=()
run_one() { # target n
	local t=$1 n=$2 bidle nidle tcp0 c0b c0n out bnow nnow tcp1 sock c1b c1n served crb crn
	log "scale.sh: $t ${NAME[$t]}, N=$n"
	start_backend "$t" "$n"
	start_nginx "$t" "$n"
	# one request first, so that lazily started pieces are up
	"$T/slowclient" -p "$NPORT" -u /x/huge.bin -n 1 -r 100000000 -d 1 >/dev/null
	if [ "$t" = A ]; then bidle=$(mem_kib "$NPID"); else bidle=$(mem_kib "$BPID"); fi
	nidle=$(mem_kib "$NPID")
	tcp0=$(tcp_pages)
	c0b=0
	[ "$t" != A ] && c0b=$(cpu_ticks "$BPID")
	c0n=$(cpu_ticks "$NPID")
	rm -f "$T/ready"
	local ppid=""
	if [ -n "${PROBE:-}" ] && [ "${PROBE_AT:-ready}" = start ]; then
		local bp0=$BPID
		[ "$t" = A ] && bp0=$NPID
		NGINX_PID=$NPID BACKEND_PID=$bp0 PROBE_N=$n PROBE_T=$t bash -c "$PROBE" >&2 &
		ppid=$!
	fi
	"$T/slowclient" -p "$NPORT" -u /x/huge.bin -n "$n" -r "$RATE" -d "$DURATION" \
		-w $((DURATION / 2)) -s "$SETTLE" -f "$T/ready" >"$T/client.out" &
	local cpid=$! i
	for i in $(seq 1 $((DURATION * 10 + 100))); do
		[ -e "$T/ready" ] && break
		kill -0 "$cpid" 2>/dev/null || break
		sleep 0.1
	done
	crb=0
	[ "$t" != A ] && crb=$(cpu_ticks "$BPID")
	crn=$(cpu_ticks "$NPID")
	if [ "$t" = A ]; then bnow=$(mem_kib "$NPID"); else bnow=$(mem_kib "$BPID"); fi
	nnow=$(mem_kib "$NPID")
	tcp1=$(tcp_pages)
	sock=0
	[ -n "$BSOCK" ] && sock=$(sock_bytes "$BSOCK")
	if [ -n "${PROBE:-}" ] && [ "${PROBE_AT:-ready}" = ready ]; then
		local bp=$BPID
		[ "$t" = A ] && bp=$NPID
		NGINX_PID=$NPID BACKEND_PID=$bp PROBE_N=$n PROBE_T=$t bash -c "$PROBE" >&2
	fi
	wait "$cpid"
	[ -n "$ppid" ] && wait "$ppid"
	c1b=0
	[ "$t" != A ] && c1b=$(cpu_ticks "$BPID")
	c1n=$(cpu_ticks "$NPID")
	out=$(cat "$T/client.out")
	log "  $out"
	stop_all
	served=$(echo "$out" | sed 's/.*served=\([0-9]*\).*/\1/')
	ROWS+=("$(echo "$out" | awk -v t="$t" -v name="${NAME[$t]}" -v n="$n" -v s="$served" \
		-v bi="$bidle" -v bn="$bnow" -v ni="$nidle" -v nn="$nnow" \
		-v t0="$tcp0" -v t1="$tcp1" -v sock="$sock" -v c0b="$c0b" -v c1b="$c1b" \
		-v c0n="$c0n" -v c1n="$c1n" -v crb="$crb" -v crn="$crn" -v tck="$CLK_TCK" -v isA="$([ "$t" = A ] && echo 1 || echo 0)" '
		function kv(k,  i, a) { for (i = 1; i <= NF; i++) { split($i, a, "="); if (a[1] == k) return a[2] } return 0 }
		{
			split(bi, b0, " "); split(bn, b1, " "); split(ni, n0, " "); split(nn, n1, " ")
			d = s > 0 ? s : 1
			gib = kv("bytes") / 1073741824; if (gib <= 0) gib = 1e-9
			bc = (c1b - c0b) / tck; nc = (c1n - c0n) / tck
			if (isA) { bc = nc; nc = 0 }
			sgib = (kv("bytes") - kv("bytes_ready")) / 1073741824; if (sgib <= 0) sgib = 1e-9
			sb = (c1b - crb) / tck; sn = (c1n - crn) / tck
			if (isA) { sb = sn; sn = 0 }
			printf "%-2s %-17s %5d %5d/%-5d %7.1f %8.1f %7.1f %7.1f %7.1f %7.1f %6.1f %8.2f %8.2f %7.2f %7.2f %7.2f\n",
				t, name, n, s, n, kv("ttfb_p50_ms"), kv("ttfb_p99_ms"),
				(b1[1] - b0[1]) / d, (b1[2] - b0[2]) / d, sock / 1024 / d,
				(t1 - t0) * 4 / d, (n1[1] - n0[1]) / 1024, bc / gib, nc / gib,
				(bc + nc) / gib, sb / sgib, sn / sgib
		}')")
}

for n in $NS; do
	for t in $TARGETS; do
		run_one "$t" "$n"
	done
done

echo "# contrib/bench/scale.sh, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -r)"
echo "# $CMDLINE"
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-2s %-17s %5s %11s %7s %8s %7s %7s %7s %7s %6s %8s %8s %7s %7s %7s\n' \
	"" target N served "ttfb50" "ttfb99" "RSS/dl" "PSS/dl" "sock/dl" "tcp/dl" "ngxMiB" "cpuB/GiB" "cpuN/GiB" "B+N" "stB" "stN"
printf '%-2s %-17s %5s %11s %7s %8s %7s %7s %7s %7s %6s %8s %8s %7s %7s %7s\n' \
	"" "" "" "" ms ms KiB KiB KiB KiB "" s s s s s
printf '%s\n' "${ROWS[@]}"
