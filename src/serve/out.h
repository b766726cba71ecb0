/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_OUT_H
#define DLFCGI_OUT_H

#include <stddef.h>

#include "fcgi.h"

/*
 * A generated response body (status page, metrics) written through a
 * fixed buffer: whatever its length, it goes out in pieces of at most
 * cap bytes as STDOUT records, so the output is bounded in memory
 * however large the pool is. After the first error every call does
 * nothing; out_flush() reports it.
 */
struct out {
	struct fcgi_conn *c; /* NULL: only count (tests, Content-Length) */
	char *buf;
	size_t cap, len;
	size_t total; /* bytes written so far, sent or buffered */
	int err;      /* a write failed: the rest is dropped */
};

void out_init(struct out *o, struct fcgi_conn *c, char *buf, size_t cap);
void out_write(struct out *o, const void *p, size_t n);
void out_puts(struct out *o, const char *s);
void out_printf(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Sends what is buffered. 0, or -1 if any write failed. */
int out_flush(struct out *o);

#endif
