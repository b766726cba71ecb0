/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_FCGI_GUARD_H
#define DLFCGI_FCGI_GUARD_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h" /* FCGI_GUARD_OVERHEAD, FCGI_GUARD_BUF_MAX */

/*
 * A streaming, validating parser of the bytes a FastCGI peer sends for
 * one request, and the canonical re-framing of what it accepted. Bytes
 * are fed as they arrive and each is looked at once. It accepts only
 *
 *   BEGIN_REQUEST (role RESPONDER, request id != 0)
 *   PARAMS*  with well-formed name-value pairs, then an empty PARAMS
 *   STDIN*   then an empty STDIN
 *
 * all with version 1 and the same request id, each record with any
 * padding (0-255 bytes, FastCGI 1.0 §3.3), which is skipped unread. A
 * management record, a second request id, ABORT_REQUEST or any other
 * type is rejected. The pairs are kept, re-encoded in their shortest
 * form, in the caller's buffer while they fit; STDIN is counted and
 * discarded (dlfcgi never uses a body).
 *
 * What libfcgi then parses is fcgi_guard_canonical(): BEGIN_REQUEST,
 * one PARAMS record of the kept pairs, an empty PARAMS and an empty
 * STDIN, all without padding: never a byte of the peer's framing.
 * libfcgi 2.4.2 does not skip the padding of BEGIN_REQUEST and of the
 * empty PARAMS (it reads it as records: a management record hidden
 * there reaches its 64-byte stack buffer), aborts on PARAMS lengths
 * past INT_MAX and waits forever on half a record: none of that can
 * reach it.
 *
 * A request that is well formed but too large is still read to its end
 * (without keeping more) and then flagged: refuse is 431 when the pairs
 * did not fit (those that fitted are kept), 413 when STDIN was longer
 * than stdin_max. Only a request longer than hard_max bytes in all, or
 * malformed, is rejected.
 */
enum fcgi_guard_result {
	FCGI_GUARD_MORE,   /* well-formed so far, incomplete */
	FCGI_GUARD_DONE,   /* a whole request (check refuse) */
	FCGI_GUARD_REJECT, /* why says what is wrong */
};

struct fcgi_guard {
	/* Set by fcgi_guard_init(). */
	unsigned char *buf;
	size_t cap; /* bytes of pairs buf can keep */
	uint64_t stdin_max;
	uint64_t hard_max;
	/* The request, valid after DONE. */
	unsigned id;	    /* request id */
	unsigned flags;	    /* BEGIN_REQUEST flags */
	size_t kept;	    /* bytes of pairs kept */
	uint64_t total;	    /* bytes consumed */
	uint64_t stdin_len; /* STDIN content bytes */
	int refuse;	    /* 0, 431 or 413 */
	int strings;	    /* buf holds "name=value" strings */
	const char *why;    /* reason of a REJECT */
	/* Parser state. */
	int st;
	int type;
	int nrec;
	int params_done;
	unsigned nhdr;
	unsigned char hdr[8];
	unsigned nbody;
	unsigned char body[8];
	uint32_t clen; /* content left in this record */
	uint32_t plen; /* padding left in this record */
	int ps;	       /* pair decoder: name length, value length, data */
	unsigned nlb;
	unsigned char lb[4];
	uint32_t nlen;
	uint64_t left; /* name and value bytes left of this pair */
	int keep;      /* this pair is being kept */
};

/*
 * Starts a request. buf (buflen bytes, at most FCGI_GUARD_BUF_MAX)
 * receives the pairs and, later, the canonical request; up to buflen -
 * FCGI_GUARD_OVERHEAD bytes of pairs are kept.
 */
void fcgi_guard_init(struct fcgi_guard *g, unsigned char *buf, size_t buflen,
    uint64_t stdin_max, uint64_t hard_max);

/*
 * Feeds the next n bytes. *used is how many of them belong to the
 * request (less than n only with DONE: what follows is not read). Once
 * DONE or REJECT, the verdict stays. Pure: no I/O.
 */
enum fcgi_guard_result fcgi_guard_feed(
    struct fcgi_guard *g, const unsigned char *p, size_t n, size_t *used);

/*
 * After DONE: the canonical request, contiguous in buf (*len bytes,
 * at most the kept pairs + FCGI_GUARD_OVERHEAD). Not after
 * fcgi_guard_strings().
 */
const unsigned char *fcgi_guard_canonical(struct fcgi_guard *g, size_t *len);

/*
 * Iterates over the kept pairs: *off starts at 0. Returns 1 with the
 * next pair, 0 at the end. Not after fcgi_guard_strings().
 */
int fcgi_guard_pair(const struct fcgi_guard *g, size_t *off,
    const unsigned char **name, uint32_t *nlen, const unsigned char **value,
    uint32_t *vlen);

/*
 * After DONE: rewrites the kept pairs in place as "name=value" strings,
 * libfcgi's form, for fcgi_guard_param() (used when libfcgi cannot
 * parse the request). The canonical request is gone then.
 */
void fcgi_guard_strings(struct fcgi_guard *g);

/*
 * The value of a parameter after fcgi_guard_strings(), or NULL: what
 * FCGX_GetParam() finds in libfcgi's parse of the canonical request
 * (FCGI_ROLE is RESPONDER, the first pair of a name wins).
 */
const char *fcgi_guard_param(const struct fcgi_guard *g, const char *name);

#endif
