/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_FCGI_H
#define DLFCGI_FCGI_H

#include <signal.h>
#include <sys/types.h>

#include <stdatomic.h>
#include <stddef.h>

#include "bounds.h"
#include "config.h"
#include "fcgi_guard.h"
#include "park.h"
#include "scoreboard.h"
#include "sndbuf.h"

/*
 * A FastCGI connection and the request it carries. dlfcgi accepts the
 * connection itself (so it can poll, time out and vet the peer), reads
 * and checks each request with fcgi_guard, which keeps its parameters
 * in the connection (never a byte of the peer's framing reaches any
 * other parser), writes STDOUT records itself, and ends the request
 * either cleanly (empty STDOUT and END_REQUEST) or by aborting the
 * connection. A request with FCGI_KEEP_CONN leaves its connection
 * parked after a clean end, for the next request (park.h).
 */
/* Pieces of output fcgi_hold() keeps back at a time. */
#define FCGI_HELD_MAX 2

struct fcgi_conn {
	struct fcgi_guard guard; /* the request as the guard read it */
	unsigned id;		 /* its request id */
	int keep;		 /* FCGI_KEEP_CONN: park after a clean end */
	unsigned served;	 /* requests this connection carried */
	int added;		 /* fd is in park's epoll set (disarmed) */
	struct fcgi_park *park;	 /* where it is kept, or NULL */
	int fd;			 /* the accepted socket, -1 when idle */
	int send_timeout_ms;	 /* longest wait for room in the socket */
	int accept_errors;	 /* accept(2) failures in a row */
	uint64_t sent;		 /* bytes written on this slot's connections */
	int tuned;		 /* fd's send buffer is auto-tuned (sndbuf.h) */
	int listen_unix; /* the listen socket is AF_UNIX; -1: not known */
	struct sndbuf_tune tune;
	/*
	 * Non-zero: the request must be answered with this status and
	 * nothing else (431 parameters too large, 413 body too large);
	 * refuse_reason says why, for the log. The parameters that fitted
	 * can be read with fcgi_param().
	 */
	int refuse_status;
	const char *refuse_reason;
	/* waits for room in the socket show here (SBW_SOCKET); or NULL */
	struct sb_slot *slot;
	/* dropped connections are counted here; NULL: not */
	struct dl_stats *stats;
	/* Output held back by fcgi_hold(), sent with the next write. */
	const void *held[FCGI_HELD_MAX];
	size_t held_len[FCGI_HELD_MAX];
	int nheld;
	/* The request's pairs as "name=value" strings (fcgi_guard). */
	unsigned char params[DL_REQUEST_MAX];
};

void fcgi_conn_init(struct fcgi_conn *c);
/* At thread exit (c holds nothing of its own between requests). */
void fcgi_conn_destroy(struct fcgi_conn *c);

/*
 * A serving thread of a worker: waits in park (park.h), without a
 * timeout, for a new connection on its listen socket (non-blocking), for
 * the next request on a parked one, for the worker to stop or for work
 * pending elsewhere (fcgi_park_nudge()), and reads that request within
 * request_timeout seconds from its first byte, keeping its parameters
 * in c; send_timeout (seconds) bounds each wait for room in the socket.
 * TCP peers outside allowed_peers are refused (logged). Returns 1 with
 * a request ready (check refuse_status), 0 if the wait ended without
 * one (*stop non-zero, or work pending: look for it), -1 on a listen
 * socket error (errno set). Transient accept(2) errors return 0
 * (logged once per burst, with a back-off). A request that is well formed but too large is read
 * to its end (up to DL_REQUEST_HARD_MAX bytes) and returned with
 * refuse_status set; a peer that sends a malformed, incomplete or
 * larger request is dropped and logged, and 0 is returned; so is a
 * parked connection that the web server closed (logged with the
 * requests it carried). A request with FCGI_KEEP_CONN that ends cleanly
 * parks its connection again (fcgi_finish()).
 */
int fcgi_next(struct fcgi_conn *c, struct fcgi_park *park,
    const atomic_bool *stop, const struct dl_config *cfg);

/*
 * For the reserve thread, which polls the listen socket itself: one
 * non-blocking accept on park's listen socket and the request read, as
 * fcgi_next() does (the connection may be parked in park after it).
 * Returns 1, 0 (nothing queued, or dropped) or -1 as fcgi_next().
 */
int fcgi_accept_now(
    struct fcgi_conn *c, struct fcgi_park *park, const struct dl_config *cfg);

/*
 * For the reserve thread: reads the next request of fd, a connection
 * that carried served requests, taken from park by fcgi_park_take(); c
 * owns fd from now on. Returns 1, or 0 if it was dropped (closed).
 */
int fcgi_take_parked(struct fcgi_conn *c, struct fcgi_park *park, int fd,
    unsigned served, const struct dl_config *cfg);

/* The value of a request parameter, or NULL. */
const char *fcgi_param(const struct fcgi_conn *c, const char *name);

/*
 * Sends len bytes as FCGI_STDOUT records of at most 61440 bytes each,
 * retrying EINTR and short writes. Returns 0, or -1 with errno set
 * (ETIMEDOUT when a write stalled for send_timeout).
 */
int fcgi_write(struct fcgi_conn *c, const void *buf, size_t len);

/*
 * Holds len bytes (at most one record's payload, DL_FCGI_RECORD_PAYLOAD)
 * back as one STDOUT record, to go out in the same writev(2) as the
 * next write, sendfile's next record header, or the end of the request
 * (fcgi_end()): a small response leaves in one system call, and its
 * END_REQUEST with its last bytes, so that the web server never sees a
 * complete body without it (nginx keeps the connection only if both
 * come; a client that closes first loses it otherwise). buf must stay
 * unchanged until then. Holds at most FCGI_HELD_MAX pieces (more are
 * sent first); of a longer len all but the last record is written at
 * once. Held bytes are dropped by fcgi_abort(). Returns 0, or -1 as
 * fcgi_write().
 */
int fcgi_hold(struct fcgi_conn *c, const void *buf, size_t len);

/*
 * Sends len bytes of fd from offset off as FCGI_STDOUT records: each
 * record's header is written, then its payload goes from the page
 * cache to the socket by sendfile(2), with no copy through user space.
 * Returns 0, or -1 with errno set: ETIMEDOUT (send_timeout), ENODATA
 * (the file ended before off + len), or the error of the write.
 */
int fcgi_sendfile(struct fcgi_conn *c, int fd, off_t off, size_t len);

/*
 * The bytes to hand fcgi_sendfile() per step for a buffer_size: rounded
 * up to whole records, so that no step ends in a short record (65536:
 * 122880, two records of 61440).
 */
size_t fcgi_sendfile_step(size_t buffer_size);

/*
 * Ends the request cleanly: sends what is held, the empty STDOUT and
 * END_REQUEST (bounded by send_timeout). Returns 0, then call
 * fcgi_finish(); or -1 with errno set, then call fcgi_abort().
 */
int fcgi_end(struct fcgi_conn *c);

/*
 * After fcgi_end() returned 0: parks the connection if its request
 * asked for FCGI_KEEP_CONN, sent nothing past its end and the park has
 * room; else closes it.
 */
void fcgi_finish(struct fcgi_conn *c);

/*
 * Closes the connection without END_REQUEST: the web server must treat
 * the response as broken and so must the client.
 */
void fcgi_abort(struct fcgi_conn *c);

#endif
