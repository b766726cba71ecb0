/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * A generated body through a fixed buffer.
 */
#include "autoconfig.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "out.h"

void
out_init(struct out *o, struct fcgi_conn *c, char *buf, size_t cap)
{
	o->c = c;
	o->buf = buf;
	o->cap = cap;
	o->len = 0;
	o->total = 0;
	o->err = 0;
}

static void
out_drain(struct out *o)
{
	if (o->len > 0 && o->c != NULL && !o->err &&
	    fcgi_write(o->c, o->buf, o->len) == -1)
		o->err = 1;
	o->len = 0;
}

void
out_write(struct out *o, const void *p, size_t n)
{
	const char *s = p;
	size_t k;

	o->total += n;
	while (n > 0 && !o->err) {
		if (o->len == o->cap)
			out_drain(o);
		k = o->cap - o->len < n ? o->cap - o->len : n;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
}

void
out_puts(struct out *o, const char *s)
{
	out_write(o, s, strlen(s));
}

void
out_printf(struct out *o, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	/* A line longer than this is a bug of the caller: cut, counted. */
	out_write(
	    o, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

int
out_flush(struct out *o)
{
	out_drain(o);
	return o->err ? -1 : 0;
}
