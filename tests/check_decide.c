/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The HTTP decision (decide.c) with whole requests: method, header
 * strings and file facts in, the whole plan out (status, kind, ranges,
 * Content-Length) and the headers response.c frames from it. The cases
 * are those of Go's net/http ServeContent tests (fs_test.go), nginx's
 * range.t, not_modified.t and range_if_range.t, and lighttpd's range
 * and request tests, which check_range.c and check_cond.c hold as
 * parser tables, here taken to the decision they lead to. Every row
 * also checks that the body decide_piece() lists (what body.c sends)
 * adds up to the Content-Length and stays inside the file.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "check_suites.h"
#include "check_util.h"
#include "decide.h"
#include "httpdate.h"
#include "multipart.h"
#include "response.h"

/* A boundary of pseudo-random bytes: a new one on every call. */
static void
test_boundary(char b[MULTIPART_BOUNDARY_LEN])
{
	static uint64_t x = 0x9e3779b97f4a7c15ULL;
	unsigned char r[MULTIPART_BOUNDARY_RANDOM];
	size_t i;

	for (i = 0; i < sizeof(r); i++)
		r[i] = (unsigned char)check_rand(&x);
	multipart_boundary_format(r, b);
}

/* 2014-06-25 17:12:18 UTC: Go's range_with_modtime */
#define T 1403716338
#define T_IMF "Wed, 25 Jun 2014 17:12:18 GMT"
#define T_M1 "Wed, 25 Jun 2014 17:12:17 GMT"
#define T_P1 "Wed, 25 Jun 2014 17:12:19 GMT"
#define NOW 1700000000

/* Stand-ins the test replaces with the file's own validators. */
#define ET "=ETAG"   /* the ETag dlfcgi computes */
#define WET "=WETAG" /* the same, weak */

struct decide_row {
	const char *src;
	const char *method;
	const char *range, *im, *inm, *ims, *ius, *ir;
	off_t size;
	int max_ranges;
	int status;
	size_t n; /* ranges of a 206 */
	struct range r[3];
	off_t length;	 /* Content-Length; -1: multipart, computed */
	const char *has; /* a header line the answer must carry */
};

#define GET "GET"
#define HEAD "HEAD"
#define N NULL

static const struct decide_row rows[] = {
    /* Go TestServeContent, an 8-byte file with ETag "A" (here dlfcgi's) */
    {"Go no_last_modified", GET, N, N, N, N, N, N, 8, 16, 200, 0, {{0}}, 8,
	"Accept-Ranges: bytes\r\n"},
    {"Go range_good", GET, "bytes=0-4", N, N, N, N, N, 8, 16, 206, 1, {{0, 4}},
	5, "Content-Range: bytes 0-4/8\r\n"},
    {"Go range_match", GET, "bytes=0-4", N, N, N, N, ET, 8, 16, 206, 1,
	{{0, 4}}, 5, "Content-Range: bytes 0-4/8\r\n"},
    {"Go range_match_weak_etag", GET, "bytes=0-4", N, N, N, N, WET, 8, 16, 200,
	0, {{0}}, 8, N},
    {"Go range_no_overlap", GET, "bytes=10-20", N, N, N, N, N, 8, 16, 416, 0,
	{{0}}, 26, "Content-Range: bytes */8\r\n"},
    {"Go range_no_match", GET, "bytes=0-4", N, N, N, N, "\"B\"", 8, 16, 200, 0,
	{{0}}, 8, N},
    {"Go range_with_modtime", GET, "bytes=0-4", N, N, N, N, T_IMF, 8, 16, 206,
	1, {{0, 4}}, 5, N},
    {"Go range_with_modtime_mismatch", GET, "bytes=0-4", N, N, N, N, T_P1, 8,
	16, 200, 0, {{0}}, 8, N},
    {"Go not_modified_modtime", GET, N, N, N, T_IMF, N, N, 8, 16, 304, 0, {{0}},
	0, "ETag: "},
    {"Go not_modified_modtime_with_contenttype", GET, N, N, N, T_IMF, N, N, 8,
	16, 304, 0, {{0}}, 0, N},
    {"Go not_modified_etag", GET, N, N, ET, N, N, N, 8, 16, 304, 0, {{0}}, 0,
	N},
    {"Go not_modified_etag_no_seek", GET, N, N, "\"baz\", " WET, N, N, N, 8, 16,
	304, 0, {{0}}, 0, N},
    {"Go if_none_match_mismatch", GET, N, N, "\"Foo\"", N, N, N, 8, 16, 200, 0,
	{{0}}, 8, N},
    {"Go if_none_match_malformed", GET, N, N, ",", N, N, N, 8, 16, 200, 0,
	{{0}}, 8, N},
    {"Go ifmatch_matches", GET, N, "\"Z\", " ET, N, N, N, N, 8, 16, 200, 0,
	{{0}}, 8, N},
    {"Go ifmatch_star", GET, N, "*", N, N, N, N, 8, 16, 200, 0, {{0}}, 8, N},
    {"Go ifmatch_failed", GET, N, "\"B\"", N, N, N, N, 8, 16, 412, 0, {{0}}, 24,
	"Cache-Control: no-store\r\n"},
    {"Go ifmatch_fails_on_weak_etag", GET, N, WET, N, N, N, N, 8, 16, 412, 0,
	{{0}}, 24, N},
    {"Go if_unmodified_since_true", GET, N, N, N, N, T_IMF, N, 8, 16, 200, 0,
	{{0}}, 8, N},
    {"Go if_unmodified_since_false", GET, N, N, N, N, T_M1, N, 8, 16, 412, 0,
	{{0}}, 24, N},
    /* Go: preconditions before Range: a 304 carries no range */
    {"Go not_modified_etag with Range", GET, "bytes=0-4", N, ET, N, N, N, 8, 16,
	304, 0, {{0}}, 0, N},
    {"Go ifmatch_failed with Range", GET, "bytes=0-4", "\"B\"", N, N, N, N, 8,
	16, 412, 0, {{0}}, 24, N},
    /* Go ServeFileRangeTests on "0123456789\n" */
    {"Go ServeFileRangeTests 0-4", GET, "bytes=0-4", N, N, N, N, N, 11, 16, 206,
	1, {{0, 4}}, 5, "Content-Range: bytes 0-4/11\r\n"},
    {"Go ServeFileRangeTests -5", GET, "bytes=-5", N, N, N, N, N, 11, 16, 206,
	1, {{6, 10}}, 5, "Content-Range: bytes 6-10/11\r\n"},
    {"Go ServeFileRangeTests 11-", GET, "bytes=11-", N, N, N, N, N, 11, 16, 416,
	0, {{0}}, 26, "Content-Range: bytes */11\r\n"},
    {"Go ServeFileRangeTests 0-0,-2 (coalesced)", GET, "bytes=0-0,-2", N, N, N,
	N, N, 11, 16, 206, 1, {{0, 10}}, 11, N},
    /* Go TestServeFileRejectsInvalidSuffixLengths: syntax error, 200 */
    {"Go bytes=--6 (dlfcgi 200)", GET, "bytes=--6", N, N, N, N, N, 22, 16, 200,
	0, {{0}}, 22, N},
    {"Go bytes=-0 (dlfcgi 416)", GET, "bytes=-0", N, N, N, N, N, 22, 16, 416, 0,
	{{0}}, 26, "Content-Range: bytes */22\r\n"},
    /* Go TestServeContentWithEmptyContentIgnoreRanges */
    {"Go empty content ignores Range", GET, "bytes=0-128", N, N, N, N, N, 0, 16,
	200, 0, {{0}}, 0, "Content-Length: 0\r\n"},

    /* nginx range.t: a 1000-byte file */
    {"nginx range.t 0-8", GET, "bytes=0-8", N, N, N, N, N, 1000, 16, 206, 1,
	{{0, 8}}, 9, "Content-Range: bytes 0-8/1000\r\n"},
    {"nginx range.t -10", GET, "bytes=-10", N, N, N, N, N, 1000, 16, 206, 1,
	{{990, 999}}, 10, "Content-Range: bytes 990-999/1000\r\n"},
    {"nginx range.t 990-1990", GET, "bytes=990-1990", N, N, N, N, N, 1000, 16,
	206, 1, {{990, 999}}, 10, N},
    {"nginx range.t multipart", GET, "bytes=0-9, -10, 10-19", N, N, N, N, N,
	1000, 16, 206, 2, {{0, 19}, {990, 999}}, -1,
	"Content-Type: multipart/byteranges; boundary="},
    {"nginx range.t unsatisfiable part", GET, "bytes=0-9, -10, 100000-, 10-19",
	N, N, N, N, N, 1000, 16, 206, 2, {{0, 19}, {990, 999}}, -1, N},
    {"nginx range.t 100000-", GET, "bytes=100000-", N, N, N, N, N, 1000, 16,
	416, 0, {{0}}, 26, "Content-Range: bytes */1000\r\n"},
    {"nginx range.t alpha (dlfcgi 200)", GET, "bytes=alpha", N, N, N, N, N,
	1000, 16, 200, 0, {{0}}, 1000, N},
    {"nginx range.t max_ranges 2", GET, "bytes=0-9, -10, 500-509", N, N, N, N,
	N, 1000, 2, 200, 0, {{0}}, 1000, N},
    {"nginx range.t max_ranges 0", GET, "bytes=0-9", N, N, N, N, N, 1000, 0,
	200, 0, {{0}}, 1000, "Accept-Ranges: none\r\n"},
    {"max_ranges 0: -0 is no 416", GET, "bytes=-0", N, N, N, N, N, 1000, 0, 200,
	0, {{0}}, 1000, N},
    /* nginx not_modified.t */
    {"nginx not_modified.t IMS", GET, N, N, N, T_IMF, N, N, 1000, 16, 304, 0,
	{{0}}, 0, N},
    {"nginx not_modified.t INM", GET, N, N, ET, N, N, N, 1000, 16, 304, 0,
	{{0}}, 0, N},
    {"nginx not_modified.t INM list", GET, N, N,
	"\"foo\", \"bar\", " ET " , \"baz\"", N, N, N, 1000, 16, 304, 0, {{0}},
	0, N},
    {"nginx not_modified.t INM *", GET, N, N, "*", N, N, N, 1000, 16, 304, 0,
	{{0}}, 0, N},
    {"nginx not_modified.t INM other", GET, N, N, "\"foo\"", N, N, N, 1000, 16,
	200, 0, {{0}}, 1000, N},
    {"nginx not_modified.t IM other", GET, N, "\"foo\"", N, N, N, N, 1000, 16,
	412, 0, {{0}}, 24, N},
    {"nginx not_modified.t IM weak", GET, N, WET, N, N, N, N, 1000, 16, 412, 0,
	{{0}}, 24, N},
    /* nginx range_if_range.t */
    {"nginx range_if_range.t etag", GET, "bytes=0-9", N, N, N, N, ET, 1000, 16,
	206, 1, {{0, 9}}, 10, "Content-Range: bytes 0-9/1000\r\n"},
    {"nginx range_if_range.t wrong", GET, "bytes=0-9", N, N, N, N, "wrong",
	1000, 16, 200, 0, {{0}}, 1000, N},
    {"nginx range_if_range.t date", GET, "bytes=0-9", N, N, N, N, T_IMF, 1000,
	16, 206, 1, {{0, 9}}, 10, N},
    {"nginx range_if_range.t old date", GET, "bytes=0-9", N, N, N, N, T_M1,
	1000, 16, 200, 0, {{0}}, 1000, N},
    {"nginx range_if_range.t multipart", GET, "bytes=0-9,500-509", N, N, N, N,
	ET, 1000, 16, 206, 2, {{0, 9}, {500, 509}}, -1, N},

    /* lighttpd request.t on /12345.txt (6 bytes), and /100.txt */
    {"lighttpd request.t 0-3", GET, "bytes=0-3", N, N, N, N, N, 6, 16, 206, 1,
	{{0, 3}}, 4, "Content-Range: bytes 0-3/6\r\n"},
    {"lighttpd request.t -3", GET, "bytes=-3", N, N, N, N, N, 6, 16, 206, 1,
	{{3, 5}}, 3, N},
    {"lighttpd request.t 3-", GET, "bytes=3-", N, N, N, N, N, 6, 16, 206, 1,
	{{3, 5}}, 3, N},
    {"lighttpd request.t 0-1,3-4 merged", GET, "bytes=0-1,3-4", N, N, N, N, N,
	6, 16, 206, 1, {{0, 4}}, 5, N},
    {"lighttpd request.t 0-1,97-98", GET, "bytes=0-1,97-98", N, N, N, N, N, 100,
	16, 206, 2, {{0, 1}, {97, 98}}, -1, N},
    {"lighttpd request.t 25-", GET, "bytes=25-", N, N, N, N, N, 6, 16, 416, 0,
	{{0}}, 26, "Content-Range: bytes */6\r\n"},
    {"lighttpd request.t 0-- (dlfcgi 200)", GET, "bytes=0--", N, N, N, N, N, 6,
	16, 200, 0, {{0}}, 6, N},
    {"lighttpd request.t Range: 0", GET, "0", N, N, N, N, N, 6, 16, 200, 0,
	{{0}}, 6, N},
    /* lighttpd test_http_range.c: three parts stay apart */
    {"lighttpd three parts", GET, "bytes=0-0,200-200,-1", N, N, N, N, N, 1000,
	16, 206, 3, {{0, 0}, {200, 200}, {999, 999}}, -1, N},

    /* methods, HEAD */
    {"HEAD 200: same headers, no body", HEAD, N, N, N, N, N, N, 1000, 16, 200,
	0, {{0}}, 1000, "Content-Length: 1000\r\n"},
    {"HEAD 206", HEAD, "bytes=0-9", N, N, N, N, N, 1000, 16, 206, 1, {{0, 9}},
	10, N},
    {"HEAD 416", HEAD, "bytes=5000-", N, N, N, N, N, 1000, 16, 416, 0, {{0}},
	26, N},
    {"OPTIONS", "OPTIONS", N, N, N, N, N, N, 1000, 16, 204, 0, {{0}}, 0,
	"Allow: GET, HEAD, OPTIONS\r\n"},
    {"POST", "POST", "bytes=0-9", N, N, N, N, N, 1000, 16, 405, 0, {{0}}, 23,
	"Allow: GET, HEAD, OPTIONS\r\n"},
    {"get is case-sensitive", "get", N, N, N, N, N, N, 1000, 16, 405, 0, {{0}},
	23, N},
    {"no method", N, N, N, N, N, N, N, 1000, 16, 405, 0, {{0}}, 23, N},
};

/* The row's value, with the stand-ins for the file's validators. */
static const char *
value(const char *v, const char *etag, char *buf, size_t len)
{
	const char *p;

	if (v == NULL)
		return NULL;
	if ((p = strstr(v, WET)) != NULL) {
		snprintf(buf, len, "%.*sW/%s%s", (int)(p - v), v, etag,
		    p + strlen(WET));
		return buf;
	}
	if ((p = strstr(v, ET)) != NULL) {
		snprintf(buf, len, "%.*s%s%s", (int)(p - v), v, etag,
		    p + strlen(ET));
		return buf;
	}
	return v;
}

/*
 * The body decide_piece() lists, as body.c sends it, checked against
 * the plan: the lengths add up to the Content-Length, file extents lie
 * inside the file, nothing for HEAD and 304.
 */
static void
check_pieces(const struct decide_plan *pl, const char *src)
{
	struct decide_plan get = *pl;
	struct decide_piece p;
	char buf[MULTIPART_HEADER_MAX];
	off_t total = 0, file = 0;
	size_t i;
	int rc;

	if (pl->head) {
		ck_assert_msg(decide_piece(pl, 0, buf, sizeof(buf), &p) == 0,
		    "%s: HEAD has a body", src);
		get.head = false;
	}
	for (i = 0; (rc = decide_piece(&get, i, buf, sizeof(buf), &p)) == 1;
	     i++) {
		ck_assert_msg(p.len >= 0, "%s: piece %zu", src, i);
		if (p.lit == NULL) {
			ck_assert_msg(p.off >= 0 && p.off + p.len <= pl->size,
			    "%s: piece %zu [%jd, +%jd) outside %jd", src, i,
			    (intmax_t)p.off, (intmax_t)p.len,
			    (intmax_t)pl->size);
			file += p.len;
		}
		total += p.len;
		ck_assert_uint_lt(i, 2 * RANGE_PARSE_MAX + 2);
	}
	ck_assert_msg(rc == 0, "%s: piece overflow", src);
	ck_assert_msg(total == pl->length, "%s: body %jd, Content-Length %jd",
	    src, (intmax_t)total, (intmax_t)pl->length);
	if (pl->status == 200 || pl->status == 206)
		ck_assert_int_eq(file,
		    pl->status == 200 ? pl->size
				      : range_total(pl->ranges, pl->nranges));
	else
		ck_assert_msg(
		    file == 0, "%s: %d sends file bytes", src, pl->status);
}

/* "Content-Length: N\r\n" as the headers say, or -1 without one. */
static long long
header_length(const char *h)
{
	const char *p = strstr(h, "\r\nContent-Length: ");

	return p == NULL ? -1 : strtoll(p + 18, NULL, 10);
}

START_TEST(test_decide_table)
{
	const struct decide_row *t = &rows[_i];
	struct decide_config cfg = {
	    .max_ranges = t->max_ranges,
	    .type = "text/plain; charset=utf-8",
	    .cache_control = NULL,
	    .disposition = DISPOSITION_NONE,
	};
	char etag[ETAG_LEN], b[6][3 * ETAG_LEN], h[DL_HEADER_MAX + 1];
	struct decide_request rq;
	struct decide_plan pl;
	struct stat st;
	const char *why = NULL;
	size_t k, hlen;
	off_t want;

	memset(&st, 0, sizeof(st));
	st.st_ino = 0x2a1;
	st.st_size = t->size;
	st.st_mtim.tv_sec = T;
	st.st_mtim.tv_nsec = 123456789;
	etag_make(&st, etag);
	rq.method = t->method;
	rq.range = value(t->range, etag, b[0], sizeof(b[0]));
	rq.if_match = value(t->im, etag, b[1], sizeof(b[1]));
	rq.if_none_match = value(t->inm, etag, b[2], sizeof(b[2]));
	rq.if_modified_since = value(t->ims, etag, b[3], sizeof(b[3]));
	rq.if_unmodified_since = value(t->ius, etag, b[4], sizeof(b[4]));
	rq.if_range = value(t->ir, etag, b[5], sizeof(b[5]));

	ck_assert_msg(decide(&rq, &st, &cfg, NOW, &pl) == t->status,
	    "%s: status %d, want %d", t->src, pl.status, t->status);
	ck_assert_int_eq(pl.status, t->status);
	ck_assert_int_eq(pl.kind,
	    t->status == 200 || t->status == 206 || t->status == 304 ||
		    t->status == 416
		? DECIDE_FILE
		: DECIDE_STATUS);
	ck_assert_int_eq(
	    pl.head, t->method != NULL && !strcmp(t->method, HEAD));
	ck_assert_msg(pl.nranges == t->n, "%s: %zu ranges, want %zu", t->src,
	    pl.nranges, t->n);
	for (k = 0; k < t->n; k++)
		ck_assert_msg(pl.ranges[k].first == t->r[k].first &&
			pl.ranges[k].last == t->r[k].last,
		    "%s: range %zu %jd-%jd", t->src, k,
		    (intmax_t)pl.ranges[k].first, (intmax_t)pl.ranges[k].last);
	ck_assert_int_eq(pl.multipart, t->n > 1);
	if (pl.kind == DECIDE_FILE)
		ck_assert_str_eq(pl.etag, etag);
	if (pl.multipart)
		test_boundary(pl.boundary);
	want = t->length;
	if (want == -1)
		want = multipart_length(
		    pl.boundary, cfg.type, t->r, t->n, t->size);
	ck_assert_msg(pl.length == want, "%s: length %jd, want %jd", t->src,
	    (intmax_t)pl.length, (intmax_t)want);
	check_pieces(&pl, t->src);

	/* the headers response.c frames from the plan */
	ck_assert_int_eq(
	    response_headers(&pl, &cfg, "/f.txt", 5, h, &hlen, &why), 0);
	h[hlen] = '\0';
	ck_assert_msg(
	    strncmp(h, "Status: ", 8) == 0 && atoi(h + 8) == t->status,
	    "%s: %s", t->src, h);
	ck_assert_int_eq(header_length(h),
	    t->status == 304 || t->status == 204 ? -1 : (long long)want);
	ck_assert_msg(hlen >= 4 && strcmp(h + hlen - 4, "\r\n\r\n") == 0 &&
		strstr(h, "\r\n\r\n") == h + hlen - 4,
	    "%s: headers end once", t->src);
	if (t->has != NULL)
		ck_assert_msg(strstr(h, t->has) != NULL, "%s: no [%s] in\n%s",
		    t->src, t->has, h);
	if (t->status == 206 && t->n > 1)
		ck_assert_ptr_null(strstr(h, "Content-Range:"));
	if (t->status == 304)
		ck_assert_ptr_null(strstr(h, "Content-Type:"));
}
END_TEST

/* decide_method: before anything is opened. */
START_TEST(test_decide_method)
{
	ck_assert_int_eq(decide_method("GET"), 0);
	ck_assert_int_eq(decide_method("HEAD"), 0);
	ck_assert_int_eq(decide_method("OPTIONS"), 204);
	ck_assert_int_eq(decide_method("POST"), 405);
	ck_assert_int_eq(decide_method("PUT"), 405);
	ck_assert_int_eq(decide_method("GETX"), 405);
	ck_assert_int_eq(decide_method(""), 405);
	ck_assert_int_eq(decide_method(NULL), 405);
}
END_TEST

/* Status answers: their text, length, and headers. */
START_TEST(test_decide_status)
{
	static const int statuses[] = {
	    204, 400, 403, 404, 405, 412, 413, 414, 429, 431, 500, 503};
	struct decide_config cfg = {.max_ranges = 16, .type = "x/y"};
	char h[DL_HEADER_MAX + 1], body[64];
	struct decide_plan pl;
	const char *why;
	size_t i, hlen;

	for (i = 0; i < (size_t)NELEM(statuses); i++) {
		int s = statuses[i];

		decide_status(s, false, &pl);
		ck_assert_int_eq(pl.kind, DECIDE_STATUS);
		snprintf(body, sizeof(body), "%d %s\n", s, response_reason(s));
		ck_assert_int_eq(pl.length, s == 204 ? 0 : (off_t)strlen(body));
		check_pieces(&pl, "status");
		ck_assert_int_eq(
		    response_headers(&pl, &cfg, "/x", 7, h, &hlen, &why), 0);
		h[hlen] = '\0';
		ck_assert_int_eq(strstr(h, "Retry-After: 7\r\n") != NULL,
		    s == 429 || s == 503);
		ck_assert_int_eq(
		    strstr(h, "Allow: ") != NULL, s == 204 || s == 405);
		ck_assert_ptr_nonnull(strstr(h, "Cache-Control: no-store\r\n"));
		ck_assert_int_eq(header_length(h), s == 204 ? -1 : pl.length);
		decide_status(s, true, &pl);
		check_pieces(&pl, "status HEAD");
	}
	ck_assert_str_eq(response_reason(299), "Internal Server Error");
}
END_TEST

/*
 * The file headers carry what the configuration says: Cache-Control,
 * Content-Disposition (not for 304 and 416), the exact Last-Modified.
 */
START_TEST(test_decide_headers_config)
{
	struct decide_config cfg = {
	    .max_ranges = 16,
	    .type = "application/pdf",
	    .cache_control = "max-age=60",
	    .disposition = DISPOSITION_ATTACHMENT,
	};
	struct decide_request rq = {.method = "GET"};
	char h[DL_HEADER_MAX + 1], lm[HTTPDATE_LEN], want[64];
	struct decide_plan pl;
	struct stat st;
	const char *why;
	size_t hlen;

	memset(&st, 0, sizeof(st));
	st.st_size = 100;
	st.st_mtim.tv_sec = T;
	ck_assert_int_eq(decide(&rq, &st, &cfg, NOW, &pl), 200);
	ck_assert_int_eq(
	    response_headers(&pl, &cfg, "/d/r.pdf", 0, h, &hlen, &why), 0);
	h[hlen] = '\0';
	ck_assert_ptr_nonnull(strstr(h, "Content-Type: application/pdf\r\n"));
	ck_assert_ptr_nonnull(strstr(h, "Cache-Control: max-age=60\r\n"));
	ck_assert_ptr_nonnull(strstr(
	    h, "Content-Disposition: attachment; filename=\"r.pdf\"\r\n"));
	ck_assert_int_eq(httpdate_format(T, lm), 0);
	snprintf(want, sizeof(want), "Last-Modified: %s\r\n", lm);
	ck_assert_ptr_nonnull(strstr(h, want));
	ck_assert_ptr_nonnull(strstr(h, "X-Accel-Buffering: no\r\n"));

	rq.range = "bytes=500-";
	ck_assert_int_eq(decide(&rq, &st, &cfg, NOW, &pl), 416);
	ck_assert_int_eq(
	    response_headers(&pl, &cfg, "/d/r.pdf", 0, h, &hlen, &why), 0);
	h[hlen] = '\0';
	ck_assert_ptr_null(strstr(h, "Content-Disposition"));
	ck_assert_ptr_nonnull(
	    strstr(h, "Content-Type: text/plain; charset=utf-8\r\n"));
}
END_TEST

/*
 * Multipart: the length decided with the stand-in boundary is the
 * length of the body with any drawn one, for the longest type and the
 * most ranges.
 */
START_TEST(test_decide_multipart_any_boundary)
{
	char type[DL_MEDIA_TYPE_MAX + 1], hdr[2048], buf[64];
	struct decide_config cfg = {.max_ranges = RANGE_PARSE_MAX};
	struct decide_request rq = {.method = "GET", .range = hdr};
	struct decide_plan pl;
	struct stat st;
	size_t o, i, k;

	memset(type, 'a', DL_MEDIA_TYPE_MAX);
	type[DL_MEDIA_TYPE_MAX] = '\0';
	type[1] = '/';
	cfg.type = type;
	memset(&st, 0, sizeof(st));
	st.st_size = 1000000000000LL;
	o = (size_t)snprintf(hdr, sizeof(hdr), "bytes=");
	for (i = 0; i < 40; i++) {
		snprintf(buf, sizeof(buf), "%s%llu-%llu", i ? "," : "",
		    i * 25000000000ULL, i * 25000000000ULL + 9);
		o += (size_t)snprintf(hdr + o, sizeof(hdr) - o, "%s", buf);
	}
	ck_assert_int_eq(decide(&rq, &st, &cfg, NOW, &pl), 206);
	ck_assert_uint_eq(pl.nranges, 40);
	for (k = 0; k < 3; k++) {
		test_boundary(pl.boundary);
		check_pieces(&pl, "multipart");
	}
}
END_TEST

Suite *
suite_decide(void)
{
	Suite *s = suite_create("decide");
	TCase *tc;

	tc = tcase_create("requests");
	tcase_add_loop_test(tc, test_decide_table, 0, NELEM(rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("framing");
	tcase_add_test(tc, test_decide_method);
	tcase_add_test(tc, test_decide_status);
	tcase_add_test(tc, test_decide_headers_config);
	tcase_add_test(tc, test_decide_multipart_any_boundary);
	suite_add_tcase(s, tc);
	return s;
}
