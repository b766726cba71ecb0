/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * fcgi_guard: what reaches libfcgi. Inputs are built record by record;
 * the hostile ones are those that break libfcgi 2.4.2.
 *
 * - Core: a request is DONE at its last byte, every prefix is MORE, any
 *   split into pieces (every piece size, one byte at a time with each
 *   byte overwritten once fed) gives the same verdict and pairs.
 * - Padding: 1, 7 or 255 bytes on every record type, filled with zeros,
 *   0xff or a management record, is skipped: same pairs, same canonical
 *   request as without.
 * - Management records in every position are rejected (after the last
 *   record they are not read at all).
 * - Canonical: exact bytes; shortest length encodings; canonical(x) is
 *   accepted and re-frames to itself.
 * - Limits: pairs over the buffer give 431 with the pairs that fitted,
 *   STDIN over stdin_max 413, both read to the end; more than hard_max
 *   bytes is rejected.
 * - Strings: fcgi_guard_param after fcgi_guard_strings, with libfcgi's
 *   lookup rules.
 */
#include "autoconfig.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "fcgi_guard.h"

#define BUFLEN 32768
#define STDIN_MAX 32768
#define HARD_MAX (1024 * 1024)

enum { T_BEGIN = 1, T_ABORT = 2, T_PARAMS = 4, T_STDIN = 5, T_GETV = 9 };

struct msg {
	unsigned char b[4 * BUFLEN];
	size_t len;
};

/* The guard under test and its buffer. */
struct run {
	struct fcgi_guard g;
	unsigned char buf[BUFLEN];
	enum fcgi_guard_result r;
	size_t used;
};

static void
rec_pad(struct msg *m, int type, unsigned id, const void *content, size_t clen,
    const void *pad, size_t plen)
{
	unsigned char *p = m->b + m->len;

	ck_assert_uint_le(m->len + 8 + clen + plen, sizeof(m->b));
	ck_assert_uint_le(clen, 65535);
	ck_assert_uint_le(plen, 255);
	p[0] = 1;
	p[1] = (unsigned char)type;
	p[2] = (unsigned char)(id >> 8);
	p[3] = (unsigned char)id;
	p[4] = (unsigned char)(clen >> 8);
	p[5] = (unsigned char)clen;
	p[6] = (unsigned char)plen;
	p[7] = 0;
	if (clen > 0)
		memcpy(p + 8, content, clen);
	if (pad != NULL)
		memcpy(p + 8 + clen, pad, plen);
	else
		memset(p + 8 + clen, 0, plen);
	m->len += 8 + clen + plen;
}

static void
rec(struct msg *m, int type, unsigned id, const void *content, size_t clen,
    size_t pad)
{
	rec_pad(m, type, id, content, clen, NULL, pad);
}

static void
begin(struct msg *m, unsigned id, unsigned role)
{
	unsigned char body[8] = {
	    (unsigned char)(role >> 8), (unsigned char)role, 0, 0, 0, 0, 0, 0};

	rec(m, T_BEGIN, id, body, sizeof(body), 0);
}

static size_t
put_len(unsigned char *out, size_t n, int longform)
{
	if (n < 128 && !longform) {
		out[0] = (unsigned char)n;
		return 1;
	}
	out[0] = (unsigned char)(0x80 | n >> 24);
	out[1] = (unsigned char)(n >> 16);
	out[2] = (unsigned char)(n >> 8);
	out[3] = (unsigned char)n;
	return 4;
}

/* A pair with name and value of given lengths (may hold NULs). */
static size_t
pairn(unsigned char *out, const void *n, size_t nl, const void *v, size_t vl,
    int longform)
{
	size_t o = put_len(out, nl, longform);

	o += put_len(out + o, vl, longform);
	memcpy(out + o, n, nl);
	memcpy(out + o + nl, v, vl);
	return o + nl + vl;
}

static size_t
pair(unsigned char *out, const char *n, const char *v)
{
	return pairn(out, n, strlen(n), v, strlen(v), 0);
}

static size_t
good_pairs(unsigned char *p)
{
	size_t n = 0;

	n += pair(p + n, "REQUEST_METHOD", "GET");
	n += pair(p + n, "PATH_INFO", "/a.txt");
	n += pair(p + n, "REMOTE_ADDR", "192.0.2.1");
	return n;
}

static void
good(struct msg *m, unsigned id)
{
	unsigned char p[256];
	size_t n = good_pairs(p);

	begin(m, id, 1);
	rec(m, T_PARAMS, id, p, n, 0);
	rec(m, T_PARAMS, id, NULL, 0, 0);
	rec(m, T_STDIN, id, NULL, 0, 0);
}

/* An FCGI_GET_VALUES record with 16 names: 248 bytes, fits a padding. */
static size_t
getvalues(unsigned char *out)
{
	unsigned char p[256];
	struct msg m = {.len = 0};
	size_t n = 0;
	int i;

	for (i = 0; i < 16; i++)
		n += pair(p + n, "FCGI_MAX_REQS", "");
	rec(&m, T_GETV, 0, p, n, 0);
	memcpy(out, m.b, m.len);
	return m.len;
}

/* Feeds m->b[0..len) in pieces of step bytes (0: all at once). */
static void
feed(struct run *r, const unsigned char *b, size_t len, size_t step)
{
	size_t off = 0, k, u;

	fcgi_guard_init(&r->g, r->buf, sizeof(r->buf), STDIN_MAX, HARD_MAX);
	r->r = FCGI_GUARD_MORE;
	r->used = 0;
	if (len == 0) {
		r->r = fcgi_guard_feed(&r->g, b, 0, &u);
		ck_assert_uint_eq(u, 0);
		return;
	}
	while (off < len && r->r == FCGI_GUARD_MORE) {
		k = step == 0 || step > len - off ? len - off : step;
		r->r = fcgi_guard_feed(&r->g, b + off, k, &u);
		ck_assert_uint_le(u, k);
		if (r->r == FCGI_GUARD_MORE)
			ck_assert_uint_eq(u, k);
		r->used += u;
		off += k;
	}
}

/* The canonical request of a DONE run, copied out. */
static size_t
canon(struct run *r, unsigned char *out)
{
	const unsigned char *c;
	size_t n;

	ck_assert_int_eq(r->r, FCGI_GUARD_DONE);
	c = fcgi_guard_canonical(&r->g, &n);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_le(n, sizeof(r->buf));
	memcpy(out, c, n);
	return n;
}

static void
same_pairs(const struct run *a, const struct run *b)
{
	ck_assert_uint_eq(a->g.kept, b->g.kept);
	ck_assert_mem_eq(a->buf + 24, b->buf + 24, a->g.kept);
}

START_TEST(test_good_request)
{
	static struct msg m;
	static struct run r, all;
	const unsigned char *n, *v;
	uint32_t nl, vl;
	size_t i, off = 0;

	m.len = 0;
	good(&m, 1);
	feed(&all, m.b, m.len, 0);
	ck_assert_int_eq(all.r, FCGI_GUARD_DONE);
	ck_assert_uint_eq(all.used, m.len);
	ck_assert_uint_eq(all.g.id, 1);
	ck_assert_int_eq(all.g.refuse, 0);
	ck_assert_int_eq(fcgi_guard_pair(&all.g, &off, &n, &nl, &v, &vl), 1);
	ck_assert_uint_eq(nl, 14);
	ck_assert_mem_eq(n, "REQUEST_METHOD", 14);
	ck_assert_uint_eq(vl, 3);
	ck_assert_mem_eq(v, "GET", 3);
	ck_assert_int_eq(fcgi_guard_pair(&all.g, &off, &n, &nl, &v, &vl), 1);
	ck_assert_int_eq(fcgi_guard_pair(&all.g, &off, &n, &nl, &v, &vl), 1);
	ck_assert_mem_eq(v, "192.0.2.1", 9);
	ck_assert_int_eq(fcgi_guard_pair(&all.g, &off, &n, &nl, &v, &vl), 0);
	/* Every proper prefix is incomplete, never rejected. */
	for (i = 0; i < m.len; i++) {
		feed(&r, m.b, i, 0);
		ck_assert_msg(r.r == FCGI_GUARD_MORE, "prefix %zu", i);
	}
	/* Any split gives the same request. */
	for (i = 1; i <= m.len; i++) {
		feed(&r, m.b, m.len, i);
		ck_assert_msg(r.r == FCGI_GUARD_DONE, "pieces of %zu", i);
		ck_assert_uint_eq(r.used, m.len);
		same_pairs(&r, &all);
	}
}
END_TEST

/*
 * One byte at a time, each byte overwritten as soon as it was fed: a
 * guard that looked at an earlier byte again (a rescan, quadratic on a
 * trickling peer) would see the poison.
 */
START_TEST(test_no_rescan)
{
	static struct msg m, copy;
	static struct run r, all;
	unsigned char p[4096];
	size_t n = 0, i, u;
	int k;

	m.len = 0;
	for (k = 0; k < 300; k++)
		n += pair(p + n, "N", "v");
	begin(&m, 3, 1);
	for (i = 0; i < n; i += 7)
		rec(&m, T_PARAMS, 3, p + i, n - i < 7 ? n - i : 7, 3);
	rec(&m, T_PARAMS, 3, NULL, 0, 1);
	rec(&m, T_STDIN, 3, "body", 4, 2);
	rec(&m, T_STDIN, 3, NULL, 0, 5);
	feed(&all, m.b, m.len, 0);
	ck_assert_int_eq(all.r, FCGI_GUARD_DONE);
	copy = m;
	fcgi_guard_init(&r.g, r.buf, sizeof(r.buf), STDIN_MAX, HARD_MAX);
	for (i = 0; i < copy.len; i++) {
		r.r = fcgi_guard_feed(&r.g, copy.b + i, 1, &u);
		copy.b[i] = 0xa5;
		if (i + 1 < copy.len)
			ck_assert_int_eq(r.r, FCGI_GUARD_MORE);
	}
	ck_assert_int_eq(r.r, FCGI_GUARD_DONE);
	ck_assert_uint_eq(r.g.total, m.len);
	same_pairs(&r, &all);
}
END_TEST

START_TEST(test_trailing_bytes_not_used)
{
	static struct msg m;
	static struct run r;
	size_t len1;

	m.len = 0;
	good(&m, 7);
	len1 = m.len;
	good(&m, 8); /* a second request on the same connection */
	feed(&r, m.b, m.len, 0);
	ck_assert_int_eq(r.r, FCGI_GUARD_DONE);
	ck_assert_uint_eq(r.used, len1);
	/* A later feed changes nothing. */
	ck_assert_int_eq(
	    fcgi_guard_feed(&r.g, m.b + len1, 8, &r.used), FCGI_GUARD_DONE);
	ck_assert_uint_eq(r.used, 0);
}
END_TEST

START_TEST(test_params_split_across_records)
{
	static struct msg m;
	static struct run r;
	unsigned char p[512];
	size_t n = 0, cut;

	m.len = 0;
	n += pair(p + n, "HTTP_COOKIE", "a=1; b=2; c=3");
	n += pair(p + n, "PATH_INFO", "/x");
	begin(&m, 1, 1);
	for (cut = 0; cut < n; cut += 5)
		rec(&m, T_PARAMS, 1, p + cut, n - cut < 5 ? n - cut : 5, 0);
	rec(&m, T_PARAMS, 1, NULL, 0, 0);
	rec(&m, T_STDIN, 1, "body", 4, 4);
	rec(&m, T_STDIN, 1, NULL, 0, 0);
	feed(&r, m.b, m.len, 0);
	ck_assert_int_eq(r.r, FCGI_GUARD_DONE);
	ck_assert_uint_eq(r.g.kept, n);
	ck_assert_mem_eq(r.buf + 24, p, n);
	ck_assert_uint_eq(r.g.stdin_len, 4);
}
END_TEST

/* Where padding goes: the record of the good request that carries it. */
static const char *const pad_where[] = {
    "BEGIN_REQUEST", "PARAMS", "empty PARAMS", "STDIN", "empty STDIN"};
static const size_t pad_lens[] = {1, 7, 248, 255};
enum { PAD_ZERO, PAD_FF, PAD_MGMT, PAD_KINDS };

/* The good request with a STDIN record, padding on record `where`. */
static void
padded(struct msg *m, int where, size_t plen, int kind)
{
	unsigned char p[256], pad[256], body[8] = {0, 1, 1, 0, 0, 0, 0, 0};
	size_t n = good_pairs(p), g;

	memset(pad, kind == PAD_FF ? 0xff : 0, sizeof(pad));
	if (kind == PAD_MGMT) {
		g = getvalues(pad);
		ck_assert_uint_le(g, plen);
	}
	m->len = 0;
	rec_pad(m, T_BEGIN, 9, body, 8, pad, where == 0 ? plen : 0);
	rec_pad(m, T_PARAMS, 9, p, n, pad, where == 1 ? plen : 0);
	rec_pad(m, T_PARAMS, 9, NULL, 0, pad, where == 2 ? plen : 0);
	rec_pad(m, T_STDIN, 9, "xy", 2, pad, where == 3 ? plen : 0);
	rec_pad(m, T_STDIN, 9, NULL, 0, pad, where == 4 ? plen : 0);
}

START_TEST(test_padding_everywhere)
{
	static struct msg m, plain;
	static struct run r, ref;
	static unsigned char c1[BUFLEN], c2[BUFLEN];
	size_t n1, n2, li, step;
	int kind, where = _i;

	padded(&plain, where, 0, PAD_ZERO);
	feed(&ref, plain.b, plain.len, 0);
	n1 = canon(&ref, c1);
	for (li = 0; li < (size_t)NELEM(pad_lens); li++)
		for (kind = 0; kind < PAD_KINDS; kind++) {
			if (kind == PAD_MGMT && pad_lens[li] < 248)
				continue;
			padded(&m, where, pad_lens[li], kind);
			for (step = 0; step <= 3; step++) {
				feed(&r, m.b, m.len, step);
				ck_assert_msg(r.r == FCGI_GUARD_DONE,
				    "%zu bytes of padding (kind %d) on %s: %s",
				    pad_lens[li], kind, pad_where[where],
				    r.g.why ? r.g.why : "not done");
				ck_assert_uint_eq(r.used, m.len);
				n2 = canon(&r, c2);
				ck_assert_uint_eq(n1, n2);
				ck_assert_mem_eq(c1, c2, n1);
			}
		}
}
END_TEST

/* Positions of a management record in the good request. */
static const char *const mgmt_where[] = {"before BEGIN_REQUEST",
    "after BEGIN_REQUEST", "between PARAMS", "after the empty PARAMS",
    "between STDIN", "after the empty STDIN"};

START_TEST(test_management_everywhere)
{
	static struct msg m;
	static struct run r;
	unsigned char p[256], gv[256], body[8] = {0, 1, 0, 0, 0, 0, 0, 0};
	size_t n = good_pairs(p), g = getvalues(gv), end = 0;
	int where = _i;

	m.len = 0;
#define MGMT(k)                                     \
	do {                                        \
		if (where == (k)) {                 \
			memcpy(m.b + m.len, gv, g); \
			m.len += g;                 \
		}                                   \
	} while (0)
	MGMT(0);
	rec(&m, T_BEGIN, 2, body, 8, 0);
	MGMT(1);
	rec(&m, T_PARAMS, 2, p, 10, 0);
	MGMT(2);
	rec(&m, T_PARAMS, 2, p + 10, n - 10, 0);
	rec(&m, T_PARAMS, 2, NULL, 0, 0);
	MGMT(3);
	rec(&m, T_STDIN, 2, "a", 1, 0);
	MGMT(4);
	rec(&m, T_STDIN, 2, NULL, 0, 0);
	end = m.len;
	MGMT(5);
#undef MGMT
	feed(&r, m.b, m.len, 0);
	if (where == 5) {
		/* Never read: the request ended before it. */
		ck_assert_int_eq(r.r, FCGI_GUARD_DONE);
		ck_assert_uint_eq(r.used, end);
		return;
	}
	ck_assert_msg(
	    r.r == FCGI_GUARD_REJECT, "%s: not rejected", mgmt_where[where]);
	ck_assert_str_eq(r.g.why, "management record");
}
END_TEST

START_TEST(test_canonical_bytes)
{
	static struct msg m;
	static struct run r, r2;
	static unsigned char c[BUFLEN], c2[BUFLEN];
	unsigned char p[256], body[8] = {0, 1, 1, 0, 0, 0, 0, 0};
	static const unsigned char want[] = {1, 1, 0, 5, 0, 8, 0, 0, /* BEGIN */
	    0, 1, 0, 0, 0, 0, 0, 0,   /* no keep */
	    1, 4, 0, 5, 0, 6, 0, 0,   /* PARAMS */
	    1, 3, 'A', 'b', 'c', 'd', /* A=bcd */
	    1, 4, 0, 5, 0, 0, 0, 0,   /* end */
	    1, 5, 0, 5, 0, 0, 0, 0};
	static const unsigned char empty[] = {1, 1, 0, 5, 0, 8, 0, 0, 0, 1, 0,
	    0, 0, 0, 0, 0, 1, 4, 0, 5, 0, 0, 0, 0, 1, 5, 0, 5, 0, 0, 0, 0};
	size_t n, cn;

	/* Long-form lengths, padding, a body: all gone. */
	m.len = 0;
	rec(&m, T_BEGIN, 5, body, 8, 3);
	n = pairn(p, "A", 1, "bcd", 3, 1);
	rec(&m, T_PARAMS, 5, p, n, 2);
	rec(&m, T_PARAMS, 5, NULL, 0, 0);
	rec(&m, T_STDIN, 5, "body", 4, 0);
	rec(&m, T_STDIN, 5, NULL, 0, 0);
	feed(&r, m.b, m.len, 0);
	cn = canon(&r, c);
	ck_assert_uint_eq(cn, sizeof(want));
	ck_assert_mem_eq(c, want, sizeof(want));
	ck_assert_uint_eq(r.g.flags, 1);
	/* canonical(canonical(x)) == canonical(x) */
	feed(&r2, c, cn, 0);
	ck_assert_uint_eq(r2.used, cn);
	ck_assert_uint_eq(canon(&r2, c2), cn);
	ck_assert_mem_eq(c2, c, cn);
	/* No pairs: no PARAMS record but the empty one. */
	m.len = 0;
	rec(&m, T_BEGIN, 5, body, 8, 0);
	rec(&m, T_PARAMS, 5, NULL, 0, 0);
	rec(&m, T_STDIN, 5, NULL, 0, 0);
	feed(&r, m.b, m.len, 0);
	cn = canon(&r, c);
	ck_assert_uint_eq(cn, sizeof(empty));
	ck_assert_mem_eq(c, empty, sizeof(empty));
}
END_TEST

/* Pairs over the buffer: 431, the pairs that fitted kept. */
START_TEST(test_params_too_large)
{
	static struct msg m;
	static struct run r, r2;
	static unsigned char p[80000], c[BUFLEN];
	static char v[40000];
	size_t n = 0, cn, off = 0, i;
	const unsigned char *nm, *val;
	uint32_t nl, vl;

	memset(v, 'c', sizeof(v) - 1);
	m.len = 0;
	n += pair(p + n, "REQUEST_METHOD", "HEAD");
	n += pair(p + n, "HTTP_COOKIE", v); /* 40 KB: does not fit */
	n += pair(p + n, "PATH_INFO", "/later");
	begin(&m, 1, 1);
	for (i = 0; i < n; i += 65535)
		rec(&m, T_PARAMS, 1, p + i, n - i < 65535 ? n - i : 65535, 0);
	rec(&m, T_PARAMS, 1, NULL, 0, 0);
	rec(&m, T_STDIN, 1, NULL, 0, 0);
	feed(&r, m.b, m.len, 0);
	ck_assert_int_eq(r.r, FCGI_GUARD_DONE);
	ck_assert_uint_eq(r.used, m.len);
	ck_assert_int_eq(r.g.refuse, 431);
	ck_assert_int_eq(fcgi_guard_pair(&r.g, &off, &nm, &nl, &val, &vl), 1);
	ck_assert_mem_eq(val, "HEAD", 4);
	/* Kept: the pairs before the first that did not fit. */
	ck_assert_int_eq(fcgi_guard_pair(&r.g, &off, &nm, &nl, &val, &vl), 0);
	cn = canon(&r, c);
	feed(&r2, c, cn, 0);
	ck_assert_int_eq(r2.r, FCGI_GUARD_DONE);
	ck_assert_int_eq(r2.g.refuse, 0);
	/* Small pairs exactly up to the limit, then one more. */
	m.len = 0;
	n = 0;
	while (n < sizeof(r.buf) - FCGI_GUARD_OVERHEAD)
		n += pair(p + n, "N", "v"); /* 4 bytes each */
	ck_assert_uint_eq(n, sizeof(r.buf) - FCGI_GUARD_OVERHEAD);
	begin(&m, 1, 1);
	rec(&m, T_PARAMS, 1, p, n, 0);
	rec(&m, T_PARAMS, 1, NULL, 0, 0);
	rec(&m, T_STDIN, 1, NULL, 0, 0);
	feed(&r, m.b, m.len, 0);
	ck_assert_int_eq(r.r, FCGI_GUARD_DONE);
	ck_assert_int_eq(r.g.refuse, 0);
	ck_assert_uint_eq(r.g.kept, n);
	cn = canon(&r, c);
	ck_assert_uint_eq(cn, sizeof(r.buf));
	n += pair(p + n, "N", "v");
	m.len = 0;
	begin(&m, 1, 1);
	rec(&m, T_PARAMS, 1, p, n, 0);
	rec(&m, T_PARAMS, 1, NULL, 0, 0);
	rec(&m, T_STDIN, 1, NULL, 0, 0);
	feed(&r, m.b, m.len, 0);
	ck_assert_int_eq(r.r, FCGI_GUARD_DONE);
	ck_assert_int_eq(r.g.refuse, 431);
}
END_TEST

/* A body over stdin_max: 413 once it has been read to its end. */
START_TEST(test_stdin_too_large)
{
	static struct msg m;
	static struct run r;
	static unsigned char junk[60000];
	unsigned char p[256];
	size_t n = good_pairs(p);

	m.len = 0;
	begin(&m, 1, 1);
	rec(&m, T_PARAMS, 1, p, n, 0);
	rec(&m, T_PARAMS, 1, NULL, 0, 0);
	rec(&m, T_STDIN, 1, junk, STDIN_MAX, 0);
	feed(&r, m.b, m.len, 0);
	ck_assert_int_eq(r.r, FCGI_GUARD_MORE);
	rec(&m, T_STDIN, 1, NULL, 0, 0);
	feed(&r, m.b, m.len, 0);
	ck_assert_int_eq(r.g.refuse, 0); /* exactly the limit */
	m.len -= 8;
	rec(&m, T_STDIN, 1, junk, 1, 0);
	rec(&m, T_STDIN, 1, NULL, 0, 0);
	feed(&r, m.b, m.len, 1000);
	ck_assert_int_eq(r.r, FCGI_GUARD_DONE);
	ck_assert_int_eq(r.g.refuse, 413);
	ck_assert_uint_eq(r.g.kept, n);
	ck_assert_uint_eq(r.g.stdin_len, STDIN_MAX + 1);
}
END_TEST

/* More than hard_max bytes in all: rejected as soon as it shows. */
START_TEST(test_hard_limit)
{
	static struct msg m;
	static struct run r;
	static unsigned char junk[65535];
	unsigned char p[256];
	size_t n = good_pairs(p), sent = 0;

	m.len = 0;
	begin(&m, 1, 1);
	rec(&m, T_PARAMS, 1, p, n, 0);
	rec(&m, T_PARAMS, 1, NULL, 0, 0);
	fcgi_guard_init(&r.g, r.buf, sizeof(r.buf), STDIN_MAX, HARD_MAX);
	ck_assert_int_eq(
	    fcgi_guard_feed(&r.g, m.b, m.len, &r.used), FCGI_GUARD_MORE);
	/* STDIN records of 64 KiB until the hard limit. */
	m.len = 0;
	rec(&m, T_STDIN, 1, junk, 65535, 0);
	do {
		r.r = fcgi_guard_feed(&r.g, m.b, m.len, &r.used);
		sent += r.used;
		ck_assert_uint_le(sent, HARD_MAX);
	} while (r.r == FCGI_GUARD_MORE);
	ck_assert_int_eq(r.r, FCGI_GUARD_REJECT);
	ck_assert_ptr_nonnull(strstr(r.g.why, "hard limit"));
	/* Rejected at the header that would pass it, not at its end. */
	ck_assert_uint_gt(sent + 65535, HARD_MAX - 65535);
	ck_assert_int_eq(r.g.refuse, 413);
}
END_TEST

START_TEST(test_strings)
{
	static struct msg m;
	static struct run r;
	unsigned char p[512];
	size_t n = 0;

	m.len = 0;
	n += pair(p + n, "REQUEST_METHOD", "GET");
	n += pairn(p + n, "A\0B", 3, "hidden", 6, 0); /* name with a NUL */
	n += pairn(p + n, "V", 1, "ab\0cd", 5, 1);    /* value with a NUL */
	n += pair(p + n, "E", "");
	n += pair(p + n, "X=Y", "z");
	n += pairn(p + n, "=q\0r", 4, "s", 1, 0);   /* as in libfcgi: "=q" */
	n += pair(p + n, "REQUEST_METHOD", "POST"); /* the first one wins */
	n += pair(p + n, "FCGI_ROLE", "FILTER");    /* libfcgi's comes first */
	begin(&m, 1, 1);
	rec(&m, T_PARAMS, 1, p, n, 0);
	rec(&m, T_PARAMS, 1, NULL, 0, 0);
	rec(&m, T_STDIN, 1, NULL, 0, 0);
	feed(&r, m.b, m.len, 0);
	ck_assert_int_eq(r.r, FCGI_GUARD_DONE);
	ck_assert_ptr_null(fcgi_guard_param(&r.g, "REQUEST_METHOD"));
	fcgi_guard_strings(&r.g);
	ck_assert_str_eq(fcgi_guard_param(&r.g, "REQUEST_METHOD"), "GET");
	ck_assert_ptr_null(fcgi_guard_param(&r.g, "A"));
	ck_assert_str_eq(fcgi_guard_param(&r.g, "V"), "ab");
	ck_assert_str_eq(fcgi_guard_param(&r.g, "E"), "");
	ck_assert_str_eq(fcgi_guard_param(&r.g, "X"), "Y=z");
	ck_assert_str_eq(fcgi_guard_param(&r.g, ""), "q");
	ck_assert_str_eq(fcgi_guard_param(&r.g, "FCGI_ROLE"), "RESPONDER");
	ck_assert_ptr_null(fcgi_guard_param(&r.g, "PATH_INFO"));
	ck_assert_ptr_null(fcgi_guard_param(&r.g, "REQUEST"));
	fcgi_guard_strings(&r.g); /* twice: no change */
	ck_assert_str_eq(fcgi_guard_param(&r.g, "V"), "ab");
}
END_TEST

struct bad {
	const char *name;
	int kind;
	const char *why;
};

/* Each row builds one hostile or broken request. */
static const struct bad bad[] = {
    {"lengths summing past INT_MAX", 0, "hard limit"},
    {"FCGI_GET_VALUES with 16 names", 1, "management record"},
    {"management record between PARAMS", 2, "management record"},
    {"first record is PARAMS", 3, "first record is not BEGIN_REQUEST"},
    {"role AUTHORIZER", 4, "role is not RESPONDER"},
    {"version 2", 5, "record version is not 1"},
    {"second request id", 6, "second request id"},
    {"ABORT_REQUEST", 7, "request aborted"},
    {"STDIN before PARAMS end", 8, "unexpected record type"},
    {"PARAMS end inside a pair", 9, "PARAMS end inside"},
    {"PARAMS end inside a length", 10, "PARAMS end inside"},
    {"BEGIN_REQUEST of 9 bytes", 11, "first record is not BEGIN_REQUEST"},
    {"second BEGIN_REQUEST", 12, "unexpected record type"},
    {"FCGI_DATA", 13, "unexpected record type"},
    {"PARAMS after the empty PARAMS", 14, "unexpected record type"},
    {"version 0 in a later record", 15, "record version is not 1"},
    {"a pair longer than the hard limit", 16, "hard limit"},
};

static void
build_bad(struct msg *m, int kind)
{
	unsigned char p[300] = {0};
	size_t n;

	switch (kind) {
	case 0:
		begin(m, 1, 1);
		/* name and value lengths of 0x7fffff00 each */
		memcpy(p, "\xff\xff\xff\x00\xff\xff\xff\x00", 8);
		rec(m, T_PARAMS, 1, p, 8, 0);
		rec(m, T_PARAMS, 1, NULL, 0, 0);
		break;
	case 1:
		n = getvalues(p);
		memcpy(m->b, p, n);
		m->len = n;
		break;
	case 2:
		begin(m, 1, 1);
		n = pair(p, "A", "b");
		rec(m, T_PARAMS, 1, p, n, 0);
		rec(m, T_GETV, 0, p, n, 0);
		break;
	case 3:
		rec(m, T_PARAMS, 1, NULL, 0, 0);
		break;
	case 4:
		begin(m, 1, 2);
		break;
	case 5:
		begin(m, 1, 1);
		m->b[0] = 2;
		break;
	case 6:
		begin(m, 1, 1);
		rec(m, T_PARAMS, 2, NULL, 0, 0);
		break;
	case 7:
		begin(m, 1, 1);
		rec(m, T_ABORT, 1, NULL, 0, 0);
		break;
	case 8:
		begin(m, 1, 1);
		rec(m, T_STDIN, 1, NULL, 0, 0);
		break;
	case 9:
		begin(m, 1, 1);
		n = pair(p, "NAME", "value");
		rec(m, T_PARAMS, 1, p, n - 2, 0);
		rec(m, T_PARAMS, 1, NULL, 0, 0);
		break;
	case 10:
		begin(m, 1, 1);
		rec(m, T_PARAMS, 1, "\x80\x00", 2, 0);
		rec(m, T_PARAMS, 1, NULL, 0, 0);
		break;
	case 11:
		rec(m, T_BEGIN, 1, "\0\1\0\0\0\0\0\0\0", 9, 0);
		break;
	case 12:
		begin(m, 1, 1);
		begin(m, 1, 1);
		break;
	case 13:
		begin(m, 1, 1);
		rec(m, T_PARAMS, 1, NULL, 0, 0);
		rec(m, 8, 1, "x", 1, 0);
		break;
	case 14:
		begin(m, 1, 1);
		rec(m, T_PARAMS, 1, NULL, 0, 0);
		n = pair(p, "A", "b");
		rec(m, T_PARAMS, 1, p, n, 0);
		break;
	case 15:
		begin(m, 1, 1);
		rec(m, T_PARAMS, 1, NULL, 0, 0);
		m->b[m->len - 8] = 0;
		break;
	case 16:
		begin(m, 1, 1);
		memcpy(p, "\x01\x80\x10\x00\x00N", 6); /* value of 1 MiB */
		rec(m, T_PARAMS, 1, p, 6, 0);
		break;
	}
}

START_TEST(test_hostile)
{
	static struct msg m;
	static struct run r;
	size_t step;

	for (step = 0; step <= 1; step++) {
		m.len = 0;
		build_bad(&m, bad[_i].kind);
		feed(&r, m.b, m.len, step);
		ck_assert_msg(
		    r.r == FCGI_GUARD_REJECT, "%s: not rejected", bad[_i].name);
		ck_assert_ptr_nonnull(r.g.why);
		ck_assert_msg(strstr(r.g.why, bad[_i].why) != NULL,
		    "%s: why \"%s\"", bad[_i].name, r.g.why);
		/* The verdict stays. */
		ck_assert_int_eq(fcgi_guard_feed(&r.g, m.b, m.len, &r.used),
		    FCGI_GUARD_REJECT);
		ck_assert_uint_eq(r.used, 0);
	}
}
END_TEST

START_TEST(test_half_header_is_more)
{
	static struct msg m;
	static struct run r;

	m.len = 0;
	begin(&m, 1, 1);
	/* half a record header: wait (the caller's deadline ends it) */
	feed(&r, m.b, 12, 0);
	ck_assert_int_eq(r.r, FCGI_GUARD_MORE);
	feed(&r, m.b, 0, 0);
	ck_assert_int_eq(r.r, FCGI_GUARD_MORE);
}
END_TEST

Suite *
suite_fcgi_guard(void)
{
	Suite *s = suite_create("fcgi_guard");
	TCase *tc = tcase_create("Core");
	TCase *th = tcase_create("Hostile");

	tcase_add_test(tc, test_good_request);
	tcase_add_test(tc, test_no_rescan);
	tcase_add_test(tc, test_trailing_bytes_not_used);
	tcase_add_test(tc, test_params_split_across_records);
	tcase_add_test(tc, test_canonical_bytes);
	tcase_add_test(tc, test_params_too_large);
	tcase_add_test(tc, test_stdin_too_large);
	tcase_add_test(tc, test_hard_limit);
	tcase_add_test(tc, test_strings);
	tcase_add_test(tc, test_half_header_is_more);
	tcase_add_loop_test(th, test_padding_everywhere, 0, NELEM(pad_where));
	tcase_add_loop_test(
	    th, test_management_everywhere, 0, NELEM(mgmt_where));
	tcase_add_loop_test(th, test_hostile, 0, NELEM(bad));
	suite_add_tcase(s, tc);
	suite_add_tcase(s, th);
	return s;
}
