/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Every default and hard bound of dlfcgi, named in one place: what a
 * configuration key is when not set (_DEFAULT), what it may be (_MIN,
 * _MAX, used by the key table of config.c), and every fixed bound of
 * the code (back-off, timeouts, table sizes, parse limits). Sizes are
 * bytes, times are seconds unless the name ends in _MS, _NS.
 *
 * Names: DL_ for the configuration and what several modules share; the
 * module's prefix (MASTER_, WORKER_, SB_, RANGE_, PATH_, OUTQ_, FCGI_)
 * for a bound that one module applies. This header includes nothing
 * and declares nothing, so a pure module may include it too. The
 * ranges of the keys are documented in dlfcgi.conf(5).
 *
 * Atomics: <stdatomic.h> everywhere (atomic_bool, _Atomic int, ...),
 * never the __atomic builtins nor volatile for threads. C11 atomics
 * are in the language the project is written in, and an _Atomic object
 * cannot be read or written non-atomically by mistake (a builtin on a
 * plain int can: every other access to it is a data race). Plain
 * atomic_load/atomic_store are sequentially consistent; the explicit
 * forms name a weaker order only where a comment says why (counters,
 * progress fields: relaxed). Signal handlers write volatile
 * sig_atomic_t flags (C11 7.14.1.1), the one exception: they are
 * never written by another thread.
 */
#ifndef DLFCGI_BOUNDS_H
#define DLFCGI_BOUNDS_H

#define DL_DEFAULT_CONFIG SYSCONFDIR "/dlfcgi.conf"

#define DL_THREADS_DEFAULT 16
#define DL_THREADS_MAX 1024

#define DL_BUFFER_SIZE_DEFAULT 65536
#define DL_BUFFER_SIZE_MIN 4096
#define DL_BUFFER_SIZE_MAX (16 * 1024 * 1024)

#define DL_REQUEST_TIMEOUT_DEFAULT 30
#define DL_SEND_TIMEOUT_DEFAULT 60
#define DL_TIMEOUT_MAX 86400

#define DL_MIME_TYPES_DEFAULT "/etc/mime.types"
#define DL_DEFAULT_TYPE_DEFAULT "application/octet-stream"

#define DL_DISPOSITION_DEFAULT "none"
#define DL_ETAG_FORMAT_DEFAULT "dlfcgi"

/*
 * Offload mode (dlfcgi(8) OFFLOAD). Files below offload_min_size are
 * sent by dlfcgi: the default is DL_BUFFER_SIZE_DEFAULT, so that a file
 * that fits one transfer buffer (one copy, one record) never costs the
 * web server a second round of open, fstat and sendfile.
 */
#define DL_OFFLOAD_DEFAULT "none"
#define DL_OFFLOAD_MIN_SIZE_DEFAULT 65536
/* Longest offload_prefix: it is a part of a header of DL_HEADER_MAX. */
#define DL_OFFLOAD_PREFIX_MAX 256
#define DL_ERROR_LOG_DEFAULT "syslog"
/*
 * slowlog_ttfb: the first byte of a file needs an open and one read;
 * seconds of that is a storage problem, not a slow client. 5 s.
 */
#define DL_SLOWLOG_TTFB_DEFAULT 5
/*
 * slowlog_stall: half of send_timeout's default (60 s), so that a
 * stalled download is in the slow log before send_timeout cuts it.
 */
#define DL_SLOWLOG_STALL_DEFAULT 30
/*
 * request_id_param: the FastCGI parameter of the front end's request
 * id: an X-Request-ID header arrives as HTTP_X_REQUEST_ID, and nginx
 * sets it with fastcgi_param HTTP_X_REQUEST_ID $request_id. A name of
 * at most 64 bytes of [A-Za-z0-9_].
 */
#define DL_REQUEST_ID_PARAM_DEFAULT "HTTP_X_REQUEST_ID"
#define DL_REQUEST_ID_PARAM_MAX 64

#define DL_WORKERS_DEFAULT 2
#define DL_WORKERS_MAX 256
#define DL_SHUTDOWN_TIMEOUT_DEFAULT 30
#define DL_QUEUE_TIMEOUT_DEFAULT 5
/* queue_timeout: a request waits at most an hour for a thread. */
#define DL_QUEUE_TIMEOUT_MAX 3600
/* Octal; DL_LISTEN_MODE_DEFAULT is the string a listen_mode key holds. */
#define DL_LISTEN_MODE_DEFAULT "0660"
/* allowed_peers when not set: the loopback networks, an initializer. */
#define DL_ALLOWED_PEERS_DEFAULT     \
	{                            \
		"127.0.0.0/8", "::1" \
	}
#define DL_RATE_BURST_DEFAULT 10
/* rate_per_ip (requests per second) and rate_burst (requests). */
#define DL_RATE_PER_IP_MAX 1000000
#define DL_RATE_BURST_MAX 1000000
#define DL_MIN_RATE_WINDOW_DEFAULT 60
/* Entries of allowed_peers. */
#define DL_PEERS_MAX 64
/* status_allowed when not set: loopback only (an initializer). */
#define DL_STATUS_ALLOWED_DEFAULT    \
	{                            \
		"127.0.0.0/8", "::1" \
	}
/*
 * status_path, metrics_path, ping_path: compared whole with PATH_INFO,
 * which is at most DL_PATH_MAX; 255 is ample for a fixed name.
 */
#define DL_ADMIN_PATH_MAX 255
/* ping_response: the body of the 200, a short word ("pong"). */
#define DL_PING_RESPONSE_DEFAULT "pong"
#define DL_PING_RESPONSE_MAX 255
/* Largest limit_rate and min_rate, bytes/s (1 TiB/s): no overflow. */
#define DL_RATE_MAX (1LL << 40)
/* Seconds a client is told to wait (Retry-After) after a 503. */
#define DL_RETRY_AFTER 5

/* Ranges of one request served as 206 (more: 200). */
#define DL_MAX_RANGES_DEFAULT 16

/*
 * Longest strings of the configuration that end up in a response
 * header, checked by `dlfcgi -t` (and mime.types lines longer are
 * skipped), so that DL_HEADER_MAX and MULTIPART_HEADER_MAX can be sized
 * from them: DL_MEDIA_TYPE_MAX for default_type and every type of the
 * mime.types file (Content-Type, also in each multipart part header),
 * DL_HEADER_VALUE_MAX for cache_control.
 */
#define DL_MEDIA_TYPE_MAX 127
#define DL_HEADER_VALUE_MAX 256

/*
 * max_clients_per_ip when not set: a fair share of the pool, workers x
 * threads (workers = 0 counts as 1) divided by DL_CLIENT_SHARE, at
 * least 1, so that one client address can never hold more than a
 * quarter of the threads. Computed when the configuration is loaded.
 */
#define DL_MAX_CLIENTS_PER_IP_AUTO (-1)
#define DL_CLIENT_SHARE 4

/* listen(2) backlog of a socket dlfcgi opens itself. */
#define DL_LISTEN_BACKLOG 1024

/* Longest PATH_INFO accepted; longer requests get 414. */
#define DL_PATH_MAX 4096
/* Path components walked by the fallback resolver. */
#define DL_PATH_DEPTH_MAX 256

/* mime.types: longest line, extension and type we keep. */
#define DL_MIME_LINE_MAX 1024
#define DL_MIME_EXT_MAX 32
#define DL_MIME_TYPE_MAX (DL_MEDIA_TYPE_MAX + 1) /* with its NUL */
/* Extensions kept from mime.types; later lines are ignored (warned). */
#define DL_MIME_ENTRIES_MAX 65536

/* Response headers of one request are formatted into this buffer. */
#define DL_HEADER_MAX 4096

/*
 * The request's parameters are kept in its connection's buffer
 * (struct fcgi_conn.params, this size): at most DL_REQUEST_MAX - 40
 * bytes of name-value pairs (FCGI_GUARD_OVERHEAD: the framing of the
 * guard's canonical request, the bound since libfcgi parsed it, kept
 * so that the 431 limit did not move); more is answered 431. A body (STDIN) of more than
 * DL_REQUEST_STDIN_MAX bytes is read and discarded, then answered 413.
 * A request of more than DL_REQUEST_HARD_MAX bytes in all is dropped
 * without an answer, as is one that does not arrive within
 * request_timeout.
 */
#define DL_REQUEST_MAX (32 * 1024)
#define DL_REQUEST_STDIN_MAX (32 * 1024)
#define DL_REQUEST_HARD_MAX (16 * 1024 * 1024)

/* Largest FastCGI record payload (FastCGI v1.0 §3.3: contentLength). */
#define DL_FCGI_RECORD_MAX 65535

/*
 * Payload of the STDOUT records dlfcgi sends: the largest multiple of
 * 4096 that fits a record. Records of 65535 bytes cut every 64 KiB step
 * into 65535 + 1 bytes: twice the records and system calls, and every
 * sendfile(2) starting inside a page. Measured behind nginx (buffer_size
 * 65536 vs 61440, contrib/bench): 0.25 vs 0.17 CPU s/GiB in dlfcgi and
 * 0.52 vs 0.40 in nginx. The framing table (contrib/bench/README.md:
 * 16384, 32768, 61440 and 65535 at fastcgi_buffer_size 64k, 256k, 1m)
 * has 61440 cheapest end to end at each buffer size.
 */
#ifndef DL_FCGI_RECORD_PAYLOAD /* -D for contrib/bench's framing table */
#define DL_FCGI_RECORD_PAYLOAD 61440
#endif
_Static_assert(
    DL_FCGI_RECORD_PAYLOAD > 0 && DL_FCGI_RECORD_PAYLOAD <= DL_FCGI_RECORD_MAX,
    "DL_FCGI_RECORD_PAYLOAD must fit a FastCGI record");

/*
 * send_buffer when not set: SO_SNDBUF of each connection on a unix
 * socket, bytes. The kernel default (net.core.wmem_default, 208 KiB)
 * caps how much one recv(2) of the web server can take; with 1 MiB nginx
 * spent about a fifth less CPU per GiB and 32 downloads went from 1.7 to
 * 2.4 GB/s (contrib/bench). On TCP the kernel's automatic sizing did
 * better than a fixed 1 MiB (dlfcgi 0.28 against 0.32 CPU s/GiB on
 * loopback), so TCP connections keep it. With sendfile the queued bytes
 * are page-cache pages, not copies.
 */
#define DL_SEND_BUFFER_AUTO (-1)
#define DL_SEND_BUFFER_UNIX (1024 * 1024)
#define DL_SEND_BUFFER_MAX (64 * 1024 * 1024)

/*
 * send_buffer not set, unix socket: the buffer is auto-tuned
 * (src/fcgi/sndbuf.h). It starts at DL_SEND_BUFFER_LOW and is set to
 * DL_SEND_QUEUE_MS of the pace measured, up to DL_SEND_BUFFER_UNIX; up
 * only after a window of DL_SEND_TUNE_BYTES (the first 4-5 MiB of every
 * download fill nginx's and the client's TCP buffers at memory speed,
 * on loopback with the default tcp_wmem), down after at most
 * DL_SEND_TUNE_WINDOW_MS. A download slower than 256 KiB/s keeps the
 * low buffer, one faster than 4 MiB/s gets the whole MiB. A fixed 1 MiB
 * was 1.3-1.5 MiB of kernel memory per slow download (ss -xm skmem t,
 * contrib/bench/scale.sh): 5 GiB at 4000 downloads.
 */
#ifndef DL_SEND_BUFFER_LOW /* -D for contrib/bench */
#define DL_SEND_BUFFER_LOW (64 * 1024)
#endif
#define DL_SEND_QUEUE_MS 250
#define DL_SEND_TUNE_BYTES (32 * 1024 * 1024)
#define DL_SEND_TUNE_WINDOW_MS 1000

/*
 * Kept FastCGI connections (FCGI_KEEP_CONN), per worker. The timeout is
 * longer than nginx's upstream keepalive_timeout (60 s), so that the web
 * server, which knows when it will send, closes first and never sends a
 * request on a connection dlfcgi is closing. 128 kept connections per
 * worker are eight times nginx's usual `keepalive 16` per nginx worker.
 */
#define DL_KEEPALIVE_TIMEOUT_DEFAULT 75
#define DL_KEEPALIVE_MAX_DEFAULT 128
#define DL_KEEPALIVE_MAX_MAX 65536

/* The wait after accept(2) ran out of descriptors, milliseconds. */
#define DL_ACCEPT_POLL_MS 500

/*
 * The pool (master.c, worker.c, scoreboard.c).
 */

/*
 * Scoreboard slots per thread of the pool: the serving generation and
 * the one a reload starts next to it (main.c sizes the scoreboard).
 */
#define DL_POOL_GENERATIONS 2

/*
 * A worker that dies, failing, sooner than MASTER_QUICK_DEATH_MS after
 * its start counts towards the back-off, as does a worker that could
 * not be started (fork): MASTER_BACKOFF_FIRST_MS after the first
 * failure, doubling (at most MASTER_BACKOFF_SHIFT_MAX times) up to
 * MASTER_BACKOFF_MAX_MS.
 */
#define MASTER_QUICK_DEATH_MS 1000
#define MASTER_BACKOFF_FIRST_MS 100
#define MASTER_BACKOFF_MAX_MS 10000
#define MASTER_BACKOFF_SHIFT_MAX 7
/* How long a new generation may take to report ready (reload). */
#define MASTER_READY_TIMEOUT_MS 10000

/* Threads need little stack: no recursion, fixed buffers under 16 KiB. */
#define WORKER_STACK_SIZE (256 * 1024)
/* The reserve thread's look at a full pool, milliseconds. */
#define WORKER_OVERFLOW_POLL_MS 50
/*
 * Requests a worker's reserve thread holds for a thread to free up,
 * each up to queue_timeout from its own accept; with this many held, a
 * further one is refused at once (it had to be read to tell it from an
 * admin page). Each is one struct fcgi_conn (its parameters inside) of
 * the worker's connection array, allocated at start; a thread that
 * frees up swaps its idle one for the hold's, so the hold is free again
 * at once.
 */
#define WORKER_HOLD_MAX 8

/* Client token buckets of the scoreboard (rate_per_ip), shared. */
#define SB_BUCKETS 4096
/* How many buckets a client's hash may probe before evicting. */
#define SB_PROBE 8
/* Worker records: workers of all generations alive at once. */
#define SB_PROCS 1024
/* Bytes of a request's path kept in its slot (truncated). */
#define SB_PATH_LEN 128
/* Bytes of its method and of its Range (truncated), for the status. */
#define SB_METHOD_LEN 16
#define SB_RANGE_LEN 64
/* Tries of a reader to copy a slot whose strings keep changing. */
#define SB_SNAPSHOT_TRIES 4

/*
 * Serving (range.c, path.c, outq.c).
 */

/*
 * Byte ranges parsed from one Range header value before coalescing.
 * More satisfiable parts than this and the header is ignored (200): a
 * real client asks for a few, an attacker for thousands.
 */
#define RANGE_PARSE_MAX 256
/* Gaps shorter than this between two ranges are served, not split. */
#define RANGE_COALESCE_GAP 80

/*
 * Attempts of one openat2(2) while it answers EAGAIN or EINTR. With
 * RESOLVE_BENEATH the kernel answers EAGAIN when a rename raced a ".."
 * lookup, which a retry resolves; a lease (or an NFS delegation, a Samba
 * oplock) answers EAGAIN to every O_NONBLOCK open until it is broken:
 * that must not become a loop, so after these attempts the file is
 * reported busy (PATH_BUSY).
 */
#define PATH_OPEN_ATTEMPTS 4

/* Sleeps between two looks at the send queue: doubling, nanoseconds. */
#define OUTQ_SLEEP_MIN 50000L
#define OUTQ_SLEEP_MAX 10000000L

/*
 * FastCGI (fcgi.c, fcgi_guard.c).
 */

/* Bytes of the request read per recv(2). */
#define FCGI_RECV_CHUNK 4096
/*
 * accept(2) errors in a row: the back-off doubles from 1 ms up to
 * FCGI_ACCEPT_BACKOFF_MAX_MS; the count stops at
 * FCGI_ACCEPT_ERRORS_MAX (the shift stays defined).
 */
#define FCGI_ACCEPT_BACKOFF_MAX_MS 256
#define FCGI_ACCEPT_ERRORS_MAX 16
/* Bytes of buf that the canonical framing takes around the pairs. */
#define FCGI_GUARD_OVERHEAD 40
/* Largest guard buffer: the pairs go out as one PARAMS record. */
#define FCGI_GUARD_BUF_MAX (DL_FCGI_RECORD_MAX + FCGI_GUARD_OVERHEAD)

/*
 * Signed links (doc/DESIGN.md, dlfcgi(8) SIGNED LINKS). Keys: at least
 * 256 bits (the HMAC-SHA256 output size, RFC 2104 §3: shorter keys
 * weaken it); at most 1024 bytes (longer ones are hashed by HMAC
 * anyway). 16 keys are enough for any rotation; 64 prefixes as
 * allowed_peers.
 */
#define DL_SIGN_KEY_MIN 32
#define DL_SIGN_KEY_MAX 1024
#define DL_SIGN_KEYS_MAX 16
#define DL_SIGN_PATHS_MAX 64
/* sign_max_lifetime: a week by default (a leaked link dies); a year. */
#define DL_SIGN_MAX_LIFETIME_DEFAULT (7 * 86400)
#define DL_SIGN_MAX_LIFETIME_MAX (366 * 86400)
/* sign_clock_skew: NTP keeps clocks far closer; an hour at most. */
#define DL_SIGN_CLOCK_SKEW_DEFAULT 60
#define DL_SIGN_CLOCK_SKEW_MAX 3600
/* sign_status: one status for every failure (403, or 404/410/401). */
#define DL_SIGN_STATUS_DEFAULT 403
/* sign_ip_prefix4/6: a /24 and a /56 survive CGNAT pools and privacy
 * addresses (RFC 8981) of one customer site (RIPE-690 §4.2: /56). */
#define DL_SIGN_IP_PREFIX4_DEFAULT 24
#define DL_SIGN_IP_PREFIX6_DEFAULT 56

#endif
