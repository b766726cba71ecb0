/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_MULTIPART_H
#define DLFCGI_MULTIPART_H

#include <sys/types.h>

#include <stddef.h>

#include "range.h"

/* A boundary: 16 random bytes as 32 hex digits, and a NUL. */
#define MULTIPART_BOUNDARY_RANDOM 16
#define MULTIPART_BOUNDARY_LEN (2 * MULTIPART_BOUNDARY_RANDOM + 1)

/* Largest part header or trailer multipart_part_header() writes. */
#define MULTIPART_HEADER_MAX 512

/*
 * Writes the boundary made of the random bytes r into b. Pure: the
 * caller draws r (the file handler, with getrandom(2)).
 */
void multipart_boundary_format(const unsigned char r[MULTIPART_BOUNDARY_RANDOM],
    char b[MULTIPART_BOUNDARY_LEN]);

/*
 * Writes into out the delimiter and headers that precede part r of a
 * multipart/byteranges body (RFC 9110 §14.6), or, with r NULL, the
 * closing delimiter. Returns the length, or -1 if out is too small.
 */
int multipart_part_header(char *out, size_t outlen, const char *boundary,
    const char *type, const struct range *r, off_t size);

/*
 * Exact Content-Length of the whole multipart body for ranges r[0..n),
 * computed before the first byte is sent. -1 if a header overflows.
 */
off_t multipart_length(const char *boundary, const char *type,
    const struct range *r, size_t n, off_t size);

#endif
