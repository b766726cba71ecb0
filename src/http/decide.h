/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_DECIDE_H
#define DLFCGI_DECIDE_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "disposition.h"
#include "etag.h"
#include "multipart.h"
#include "range.h"

/*
 * The HTTP decision: what a request for a file gets (status, ranges,
 * validators, exact Content-Length, and the body piece by piece), as a
 * function of the method, the header strings, the file facts and the
 * configuration. Pure: no I/O, no clock (now is an input), no FastCGI
 * connection; it can be tested with whole requests and fuzzed.
 */

/* The header strings of the request; NULL when absent. */
struct decide_request {
	const char *method; /* REQUEST_METHOD; NULL counts as none */
	const char *range;
	const char *if_match;
	const char *if_none_match;
	const char *if_modified_since;
	const char *if_unmodified_since;
	const char *if_range;
};

/* What of the configuration the decision and its headers read. */
struct decide_config {
	int max_ranges;		   /* 0: Range is ignored */
	const char *type;	   /* Content-Type of the file (mime_lookup) */
	const char *cache_control; /* NULL: none */
	enum disposition_type disposition;
	/*
	 * A signed link's dl: Content-Disposition attachment with this
	 * file name, whatever disposition says; NULL: none.
	 */
	const char *filename;
	bool etag_nginx; /* etag_format = "nginx": etag_make_nginx() */
};

enum decide_kind {
	/*
	 * A short text/plain answer of the status alone ("%d %s\n"; none
	 * for 204), as every refusal and error gets: 204, 405, 412, 500.
	 */
	DECIDE_STATUS,
	/* The file's headers: 200, 206 (single or multipart), 304, 416. */
	DECIDE_FILE,
};

/* What the response will carry, decided before the first byte. */
struct decide_plan {
	enum decide_kind kind;
	int status;
	bool head;	  /* HEAD: the same headers, no body */
	const char *type; /* Content-Type of the file, or of each part */
	const char *why;  /* a 500: why, for the log */
	char etag[ETAG_LEN];
	/*
	 * A multipart body: the boundary is drawn by the caller
	 * (multipart_boundary_format) after the decision; its length is fixed
	 * (MULTIPART_BOUNDARY_LEN - 1), and the Content-Length depends on
	 * nothing else of it.
	 */
	bool multipart;
	char boundary[MULTIPART_BOUNDARY_LEN];
	struct range ranges[RANGE_PARSE_MAX];
	size_t nranges; /* 206: 1 single part, > 1 multipart */
	off_t size;	/* of the file */
	time_t mtime;	/* Last-Modified, seconds */
	off_t length;	/* Content-Length (none is sent for 204 and 304) */
};

/*
 * GET and HEAD go on (0); OPTIONS is answered 204, anything else 405:
 * decided before the file is opened. Pure.
 */
int decide_method(const char *method);

/*
 * Decides the answer to rq for the file st describes (size, mtime and
 * the ETag's inputs: inode, size, mtime) at time now: the method, then
 * the preconditions in RFC 9110 §13.2.2 order, then Range (§14.2) if
 * If-Range lets it apply. Returns pl->status. The only 500 is a
 * multipart part header that would overflow (pl->why says so), which
 * the bounds of `dlfcgi -t` rule out. Pure.
 */
int decide(const struct decide_request *rq, const struct stat *st,
    const struct decide_config *cfg, time_t now, struct decide_plan *pl);

/*
 * The same decision for a status answer decided elsewhere (a refusal,
 * a path error): kind DECIDE_STATUS, and its Content-Length. Pure.
 */
void decide_status(int status, bool head, struct decide_plan *pl);

/* One piece of a body: literal framing, or an extent of the file. */
struct decide_piece {
	const char *lit; /* NULL: the file's bytes [off, off + len) */
	off_t off;
	off_t len;
};

/*
 * The i-th piece (from 0) of the body pl describes, in the order the
 * body writer sends them: the whole file (200), one range (206), or
 * each part's header and range then the closing delimiter
 * (multipart), the text of a 416 or of a status answer. Literal pieces
 * are formatted into buf (buflen bytes, at least MULTIPART_HEADER_MAX).
 * Returns 1 with *p set, 0 after the last piece (at once for HEAD, 204
 * and 304), -1 if a literal does not fit buf. The sum of the lengths
 * is the Content-Length. Pure.
 */
int decide_piece(const struct decide_plan *pl, size_t i, char *buf,
    size_t buflen, struct decide_piece *p);

#endif
