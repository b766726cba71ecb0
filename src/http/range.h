/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_RANGE_H
#define DLFCGI_RANGE_H

#include <sys/types.h>

#include <stddef.h>

#include "bounds.h" /* RANGE_PARSE_MAX, RANGE_COALESCE_GAP */

/* Bytes first..last inclusive, as in Content-Range. */
struct range {
	off_t first;
	off_t last;
};

enum range_result {
	RANGE_IGNORE,	     /* serve 200: absent, invalid, other unit, ... */
	RANGE_OK,	     /* serve 206 with *n ranges (1 = single part) */
	RANGE_UNSATISFIABLE, /* 416 with Content-Range: bytes *\/size */
};

/*
 * Parses the Range value s[0..len) (RFC 9110 §14.2) against a
 * representation of size bytes, as doc/DESIGN.md §3 decides: a unit other
 * than "bytes", a syntax error anywhere, a 0-byte representation, or
 * more than max ranges after coalescing (max 0 disables ranges) yield
 * RANGE_IGNORE. Unsatisfiable parts are dropped; if none remain,
 * RANGE_UNSATISFIABLE. Otherwise the ranges are sorted, overlapping or
 * nearby ones (gap < RANGE_COALESCE_GAP) merged, and stored in out
 * (RANGE_PARSE_MAX entries); *n is their count. Numbers above 2^63-1
 * are a syntax error. Pure: no allocation, no I/O, s is not modified.
 */
enum range_result range_parse(const char *s, size_t len, off_t size, size_t max,
    struct range out[RANGE_PARSE_MAX], size_t *n);

/* Total bytes of n ranges. */
off_t range_total(const struct range *r, size_t n);

#endif
