/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Range header (RFC 9110 §14.1.2, §14.2):
 *   ranges-specifier = range-unit "=" range-set
 *   range-set        = 1#range-spec
 *   range-spec       = int-range / suffix-range
 *   int-range        = first-pos "-" [ last-pos ]
 *   suffix-range     = "-" suffix-length
 * Whitespace around list elements and empty elements are accepted
 * (§5.6.1 list rules), as Apache and Go do.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <strings.h>

#include "range.h"

struct range_cur {
	const char *p, *end;
};

static void
range_ows(struct range_cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* 1*DIGIT into *v; -1 if none or above INT64_MAX. */
static int
range_number(struct range_cur *c, int64_t *v)
{
	int64_t x = 0;
	int digits = 0;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		int d = *c->p - '0';

		if (x > (INT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
		c->p++;
		digits++;
	}
	if (digits == 0)
		return -1;
	*v = x;
	return 0;
}

static int
range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return (x->last > y->last) - (x->last < y->last);
}

enum range_result
range_parse(const char *s, size_t len, off_t size, size_t max,
    struct range out[RANGE_PARSE_MAX], size_t *n)
{
	struct range_cur c = {s, s + len};
	int64_t a, b;
	size_t cnt = 0, elems = 0, i, j;

	*n = 0;
	range_ows(&c);
	if (c.end - c.p < 6 || strncasecmp(c.p, "bytes=", 6) != 0)
		return RANGE_IGNORE;
	c.p += 6;
	for (;;) {
		range_ows(&c);
		if (c.p == c.end)
			break;
		if (*c.p == ',') {
			c.p++;
			continue;
		}
		elems++;
		if (*c.p == '-') {
			c.p++;
			range_ows(&c);
			if (range_number(&c, &b) == -1)
				return RANGE_IGNORE;
			/* suffix-range; "-0" is valid but unsatisfiable */
			if (b == 0 || size == 0)
				a = -1;
			else {
				a = b >= size ? 0 : size - b;
				b = size - 1;
			}
		} else {
			if (range_number(&c, &a) == -1)
				return RANGE_IGNORE;
			range_ows(&c);
			if (c.p == c.end || *c.p != '-')
				return RANGE_IGNORE;
			c.p++;
			range_ows(&c);
			if (c.p < c.end && *c.p >= '0' && *c.p <= '9') {
				if (range_number(&c, &b) == -1 || b < a)
					return RANGE_IGNORE;
			} else
				b = INT64_MAX;
			if (a >= size)
				a = -1; /* unsatisfiable */
			else if (b >= size)
				b = size - 1;
		}
		range_ows(&c);
		if (c.p != c.end && *c.p != ',')
			return RANGE_IGNORE;
		if (a == -1)
			continue;
		if (cnt == RANGE_PARSE_MAX)
			return RANGE_IGNORE;
		out[cnt].first = (off_t)a;
		out[cnt].last = (off_t)b;
		cnt++;
	}
	/* RFC 9110 §14.2: a Range on an empty representation is ignored. */
	if (elems == 0 || size == 0 || max == 0)
		return RANGE_IGNORE;
	if (cnt == 0)
		return RANGE_UNSATISFIABLE;

	qsort(out, cnt, sizeof(*out), range_cmp);
	for (i = 0, j = 1; j < cnt; j++) {
		/* out[j].first >= out[i].first: merge if near enough */
		if (out[j].first - out[i].last <= RANGE_COALESCE_GAP) {
			if (out[j].last > out[i].last)
				out[i].last = out[j].last;
		} else
			out[++i] = out[j];
	}
	cnt = i + 1;
	if (cnt > max)
		return RANGE_IGNORE;
	*n = cnt;
	return RANGE_OK;
}

off_t
range_total(const struct range *r, size_t n)
{
	off_t t = 0;
	size_t i;

	for (i = 0; i < n; i++)
		t += r[i].last - r[i].first + 1;
	return t;
}
