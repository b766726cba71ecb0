/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_OFFLOAD_H
#define DLFCGI_OFFLOAD_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decide.h"

/*
 * Offload mode (dlfcgi(8) OFFLOAD, doc/DESIGN.md §3.5): dlfcgi decides
 * whether and what, the web server sends the bytes. Pure: the decision,
 * the encoding of the path into the header and the header block, no
 * I/O, no allocation.
 */

enum offload_mode {
	OFFLOAD_NONE,	    /* dlfcgi sends every body itself */
	OFFLOAD_X_ACCEL,    /* nginx: X-Accel-Redirect: PREFIX/path */
	OFFLOAD_X_SENDFILE, /* lighttpd, Apache: X-Sendfile: ROOT/path */
};

/* Why an answer is, or is not, offloaded (the log says it). */
enum offload_why {
	OFFLOAD_YES,
	OFFLOAD_OFF,	     /* offload = "none" */
	OFFLOAD_NOT_BODY,    /* not a 200 or 206: dlfcgi answers itself */
	OFFLOAD_HEAD,	     /* no body to move: dlfcgi answers itself */
	OFFLOAD_SMALL,	     /* below offload_min_size */
	OFFLOAD_CONDITIONAL, /* a precondition the front end would judge again */
	OFFLOAD_RANGE,	     /* a Range the front end could answer otherwise */
	OFFLOAD_NAME,	     /* a byte the header cannot carry */
	OFFLOAD_TOO_LONG,    /* the encoded path does not fit the header */
};

/* The facts of one request that the decision reads. */
struct offload_request {
	enum offload_mode mode;
	long long min_size;	      /* files smaller are served directly */
	const struct decide_plan *pl; /* decide()'s plan of the answer */
	const char *range;	      /* the request's Range, or NULL */
	const char *if_range;	      /* its If-Range, or NULL */
	/* If-Match, If-None-Match, If-Modified-Since or If-Unmodified-Since */
	bool conditional;
};

/*
 * Offloads only an answer the front end reproduces exactly, whatever
 * it is (nginx, lighttpd, Apache): a GET of a 200 without Range and
 * without preconditions, or a 206 of one range written in the simple
 * form every front end parses alike ("bytes=A-B", "bytes=A-",
 * "bytes=-N"), with an If-Range only if it is exactly the strong ETag
 * of the answer. Everything else (304, 412, 416, multipart, a Range
 * dlfcgi ignored, a date in If-Range, HEAD, small files) dlfcgi answers
 * itself. Returns OFFLOAD_YES or why not. Pure.
 */
enum offload_why offload_decide(const struct offload_request *rq);

/* True if range is one range-spec in the simple form above. Pure. */
bool offload_range_simple(const char *range);

/* offload_path() flags */
#define OFFLOAD_PATH_UTF8 0x1 /* refuse what is not UTF-8 (lighttpd: 502) */
#define OFFLOAD_PATH_RAW 0x2  /* no encoding (mod_xsendfile 0.12) */

/*
 * Writes base and path, joined by one '/', into out (outlen bytes, NUL
 * terminated), each byte outside RFC 3986 unreserved and '/' as %XX
 * (upper-case hex): the front end decodes the value once, so every
 * byte a file name may hold survives, '%', '?', '#', '+', spaces and
 * quotes included. base is the nginx prefix or root (trailing '/'
 * ignored), path the real path below it (starting with '/'), plen
 * bytes. CR, LF and NUL are always refused (OFFLOAD_NAME): no header
 * may carry them raw, and decoded a front end would put them into its
 * URI and logs. OFFLOAD_PATH_UTF8 refuses a path that is not valid
 * UTF-8 as well. OFFLOAD_PATH_RAW copies the bytes as they are, for a
 * front end that does not decode, and refuses every control byte and a
 * final space (a header parser trims it). Returns OFFLOAD_YES with
 * *len set, OFFLOAD_NAME, or OFFLOAD_TOO_LONG. Pure.
 */
enum offload_why offload_path(const char *base, const char *path, size_t plen,
    int flags, char *out, size_t outlen, size_t *len);

/*
 * The header block of an offloaded answer into h (DL_HEADER_MAX bytes):
 * Status: 200 (the front end answers Range itself), Content-Type,
 * Last-Modified, ETag, Accept-Ranges (unless offload_accept_ranges()
 * says the front end adds its own), Cache-Control and
 * Content-Disposition as response_headers() would write them for the
 * 200, X-Content-Type-Options, then the offload header with target (an
 * offload_path() result) and, when rate > 0 (bytes/s), the front end's
 * rate header: X-Accel-Limit-Rate (bytes/s) for nginx,
 * X-LIGHTTPD-KBytes-per-second (KiB/s, rounded down, at least 1) for
 * X-Sendfile. No Content-Length and no body. Returns 0, or -1 with *why
 * set if it does not fit.
 */
int offload_headers(enum offload_mode mode, const struct decide_plan *pl,
    const struct decide_config *cfg, const char *path, const char *target,
    int64_t rate, char *h, size_t *len, const char **why);

/*
 * Whether the header block carries dlfcgi's Accept-Ranges, so that the
 * client gets exactly one: not for a 200 offloaded to nginx, which adds
 * its own "bytes" to it (but none to a 206); always for X-Sendfile
 * (lighttpd and mod_xsendfile pass ours on, adding no second); always
 * with max_ranges = 0 ("none": dlfcgi answers every Range itself; the
 * internal nginx location then needs "max_ranges 0;" to add none).
 * Pure.
 */
bool offload_accept_ranges(enum offload_mode mode, const struct decide_plan *pl,
    const struct decide_config *cfg);

/* "offload = none" ... for the log: why an answer was served directly. */
const char *offload_why_text(enum offload_why why);

#endif
