/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * libFuzzer target for fcgi_guard: the bytes a hostile FastCGI peer
 * sends. Checks the contract of fcgi_guard.h for every input:
 *
 * - a verdict, a reason with every REJECT, used <= the bytes fed;
 * - the same verdict, request id, kept pairs and refusal whether the
 *   bytes come at once or in pieces (the first byte picks their size);
 * - after DONE, the canonical request is accepted by a fresh guard,
 *   whole, without refusal, and re-frames to the same bytes;
 * - fcgi_guard_param() after fcgi_guard_strings() finds, for every kept
 *   name without a NUL, the value of its first pair up to a NUL
 *   (FCGI_ROLE: RESPONDER, as libfcgi).
 *
 * The second byte picks the buffer and STDIN limits, so that 431 and
 * 413 are reached with short inputs.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi_guard.h"

#define BUF_MAX 16384
#define HARD_MAX (1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char buf1[BUF_MAX], buf2[BUF_MAX], buf3[BUF_MAX];
static unsigned char canon1[BUF_MAX], names[BUF_MAX];

static enum fcgi_guard_result
run(struct fcgi_guard *g, unsigned char *buf, size_t buflen, size_t stdin_max,
    const uint8_t *p, size_t n, size_t step, size_t *used)
{
	enum fcgi_guard_result r = FCGI_GUARD_MORE;
	size_t off = 0, k, u;

	fcgi_guard_init(g, buf, buflen, stdin_max, HARD_MAX);
	*used = 0;
	if (n == 0)
		return fcgi_guard_feed(g, p, 0, &u);
	while (off < n && r == FCGI_GUARD_MORE) {
		k = step == 0 || step > n - off ? n - off : step;
		r = fcgi_guard_feed(g, p + off, k, &u);
		if (u > k || (r == FCGI_GUARD_MORE && u != k))
			abort();
		*used += u;
		off += k;
	}
	return r;
}

/* The value of the first kept pair named name[0..nlen), or NULL. */
static const unsigned char *
first_value(const struct fcgi_guard *g, const unsigned char *name,
    uint32_t nlen, uint32_t *vlen)
{
	const unsigned char *n, *v;
	uint32_t nl, vl;
	size_t off = 0;

	while (fcgi_guard_pair(g, &off, &n, &nl, &v, &vl))
		if (nl == nlen && memcmp(n, name, nl) == 0) {
			*vlen = vl;
			return v;
		}
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fcgi_guard g1, g2, g3;
	enum fcgi_guard_result r1, r2, r3;
	const unsigned char *c, *n, *v, *fv;
	const char *got;
	size_t used1, used2, used3, buflen, stdin_max, clen, c2len, off;
	size_t step = 0;
	uint32_t nl, vl, fvl;

	if (size < 2)
		return 0;
	step = data[0] % 17; /* 0: all at once */
	buflen = FCGI_GUARD_OVERHEAD + (size_t)data[1] * 64;
	stdin_max = (size_t)data[1] * 32;
	data += 2;
	size -= 2;
	r1 = run(&g1, buf1, buflen, stdin_max, data, size, 0, &used1);
	r2 = run(
	    &g2, buf2, buflen, stdin_max, data, size, step ? step : 1, &used2);
	if (r1 != r2 || used1 > size || used2 > size)
		abort();
	/* How far a REJECT got depends on the pieces; DONE does not. */
	if (r1 == FCGI_GUARD_DONE && used1 != used2)
		abort();
	if (r1 == FCGI_GUARD_REJECT) {
		if (g1.why == NULL || g2.why == NULL)
			abort();
		return 0;
	}
	if (r1 != FCGI_GUARD_DONE)
		return 0;
	if (g1.id != g2.id || g1.id == 0 || g1.refuse != g2.refuse ||
	    g1.kept != g2.kept || g1.kept > buflen - FCGI_GUARD_OVERHEAD ||
	    memcmp(buf1 + 24, buf2 + 24, g1.kept) != 0)
		abort();
	if (g1.refuse != 0 && g1.refuse != 431 && g1.refuse != 413)
		abort();
	c = fcgi_guard_canonical(&g1, &clen);
	if (clen > buflen || clen != g1.kept + (g1.kept ? 40 : 32))
		abort();
	memcpy(canon1, c, clen);
	/* canonical(canonical(x)) == canonical(x) */
	r3 = run(&g3, buf3, buflen, stdin_max, canon1, clen, 0, &used3);
	if (r3 != FCGI_GUARD_DONE || used3 != clen || g3.refuse != 0 ||
	    g3.id != g1.id || g3.kept != g1.kept)
		abort();
	c = fcgi_guard_canonical(&g3, &c2len);
	if (c2len != clen || memcmp(c, canon1, clen) != 0)
		abort();
	/*
	 * Lookups after the rewrite into strings (g2 keeps the pairs). A
	 * name with '=' can be found as another name's value (as in
	 * libfcgi: fuzz_fcgi_libfcgi compares those): not checked here.
	 */
	fcgi_guard_strings(&g1);
	off = 0;
	while (fcgi_guard_pair(&g2, &off, &n, &nl, &v, &vl))
		if (memchr(n, '=', nl) != NULL)
			return 0;
	off = 0;
	while (fcgi_guard_pair(&g2, &off, &n, &nl, &v, &vl)) {
		if (memchr(n, '\0', nl) != NULL)
			continue;
		memcpy(names, n, nl);
		names[nl] = '\0';
		got = fcgi_guard_param(&g1, (const char *)names);
		fv = first_value(&g2, n, nl, &fvl);
		if (strcmp((const char *)names, "FCGI_ROLE") == 0) {
			/* libfcgi's own entry comes first */
			if (got == NULL || strcmp(got, "RESPONDER") != 0)
				abort();
			continue;
		}
		if (got == NULL || fv == NULL ||
		    strlen(got) != strnlen((const char *)fv, fvl) ||
		    memcmp(got, fv, strlen(got)) != 0)
			abort();
	}
	return 0;
}
