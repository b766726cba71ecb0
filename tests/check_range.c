/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * range_parse and range_total against the public vectors of Go, nginx and
 * lighttpd (their sources: doc/DESIGN.md §3.4), adapted where
 * doc/DESIGN.md §3 decides differently: syntax errors and other units are
 * ignored (200) where Go and nginx answer 416, ranges are sorted and
 * coalesced when they overlap or the gap is under 80 bytes, and a
 * Range on a 0-byte file is ignored.
 */
#include "autoconfig.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "range.h"

#define I RANGE_IGNORE
#define OK RANGE_OK
#define U RANGE_UNSATISFIABLE
#define GIB (1024LL * 1024 * 1024)
#define MAXOFF ((off_t)INT64_MAX)

struct range_row {
	const char *hdr;
	off_t size;
	size_t max;
	enum range_result want;
	size_t n;
	struct range r[3];
};

static const struct range_row rows[] = {
    /* Go ServeFileRangeTests: 11-byte file "0123456789\n" */
    {"", 11, 16, I, 0, {{0}}}, /* Go ServeFileRangeTests: no Range */
    {"bytes=0-4", 11, 16, OK, 1, {{0, 4}}}, /* Go ServeFileRangeTests */
    {"bytes=2-", 11, 16, OK, 1, {{2, 10}}}, /* Go ServeFileRangeTests */
    {"bytes=-5", 11, 16, OK, 1, {{6, 10}}}, /* Go ServeFileRangeTests */
    {"bytes=3-7", 11, 16, OK, 1, {{3, 7}}}, /* Go ServeFileRangeTests */
    /* Go ServeFileRangeTests: multipart 0-0, 9-10; gap < 80 coalesces */
    {"bytes=0-0,-2", 11, 16, OK, 1, {{0, 10}}},
    /* Go ServeFileRangeTests: multipart 0-1, 5-8; coalesced */
    {"bytes=0-1,5-8", 11, 16, OK, 1, {{0, 8}}},
    /* Go ServeFileRangeTests: multipart 0-1, 5-10; coalesced */
    {"bytes=0-1,5-", 11, 16, OK, 1, {{0, 10}}},
    {"bytes=5-1000", 11, 16, OK, 1, {{5, 10}}}, /* Go ServeFileRangeTests */
    /* Go ServeFileRangeTests: Go 200 ("wasteful"); dlfcgi coalesces */
    {"bytes=0-,1-,2-,3-,4-", 11, 16, OK, 1, {{0, 10}}},
    {"bytes=0-9", 11, 16, OK, 1, {{0, 9}}},	/* Go ServeFileRangeTests */
    {"bytes=0-10", 11, 16, OK, 1, {{0, 10}}},	/* Go ServeFileRangeTests */
    {"bytes=0-11", 11, 16, OK, 1, {{0, 10}}},	/* Go ServeFileRangeTests */
    {"bytes=10-11", 11, 16, OK, 1, {{10, 10}}}, /* Go ServeFileRangeTests */
    {"bytes=10-", 11, 16, OK, 1, {{10, 10}}},	/* Go ServeFileRangeTests */
    {"bytes=11-", 11, 16, U, 0, {{0}}},		/* Go ServeFileRangeTests */
    {"bytes=11-12", 11, 16, U, 0, {{0}}},	/* Go ServeFileRangeTests */
    {"bytes=12-12", 11, 16, U, 0, {{0}}},	/* Go ServeFileRangeTests */
    {"bytes=11-100", 11, 16, U, 0, {{0}}},	/* Go ServeFileRangeTests */
    {"bytes=12-100", 11, 16, U, 0, {{0}}},	/* Go ServeFileRangeTests */
    {"bytes=100-", 11, 16, U, 0, {{0}}},	/* Go ServeFileRangeTests */
    {"bytes=100-1000", 11, 16, U, 0, {{0}}},	/* Go ServeFileRangeTests */

    /* Go TestServeFileRejectsInvalidSuffixLengths: 22-byte file */
    {"bytes=--6", 22, 16, I, 0, {{0}}},	     /* Go 416; invalid syntax: 200 */
    {"bytes=--0", 22, 16, I, 0, {{0}}},	     /* Go 416; invalid syntax: 200 */
    {"bytes=---0", 22, 16, I, 0, {{0}}},     /* Go 416; invalid syntax: 200 */
    {"bytes=-6", 22, 16, OK, 1, {{16, 21}}}, /* Go ...InvalidSuffixLengths */
    {"bytes=6-", 22, 16, OK, 1, {{6, 21}}},  /* Go ...InvalidSuffixLengths */
    {"bytes=-6-", 22, 16, I, 0, {{0}}},	     /* Go 416; invalid syntax: 200 */
    {"bytes=-0", 22, 16, U, 0, {{0}}},	     /* Go 206 empty (go#81262): 416 */
    {"bytes=", 22, 16, I, 0, {{0}}},	     /* Go ...InvalidSuffixLengths */
    /* Go TestServeContentWithEmptyContentIgnoreRanges */
    {"bytes=0-128", 0, 16, I, 0, {{0}}},
    {"bytes=1-", 0, 16, I, 0, {{0}}}, /* Go ...EmptyContentIgnoreRanges */
    /* Go testServeContentHeadersWithError: 7 bytes */
    {"bytes=100-10000", 7, 16, U, 0, {{0}}},
    /* Go TestServeContent range_good, range_match: 8 bytes */
    {"bytes=0-4", 8, 16, OK, 1, {{0, 4}}},
    {"bytes=10-20", 8, 16, U, 0, {{0}}}, /* Go TestServeContent no_overlap */

    /* Go ParseRangeTests, invalid: all ignored (200) */
    {"foo", 10, 16, I, 0, {{0}}},		     /* Go ParseRangeTests */
    {"bytes=", 0, 16, I, 0, {{0}}},		     /* Go ParseRangeTests */
    {"bytes=7", 10, 16, I, 0, {{0}}},		     /* Go ParseRangeTests */
    {"bytes= 7 ", 10, 16, I, 0, {{0}}},		     /* Go ParseRangeTests */
    {"bytes=1-", 0, 16, I, 0, {{0}}},		     /* Go ParseRangeTests */
    {"bytes=5-4", 10, 16, I, 0, {{0}}},		     /* Go ParseRangeTests */
    {"bytes=0-2,5-4", 10, 16, I, 0, {{0}}},	     /* Go ParseRangeTests */
    {"bytes=2-5,4-3", 10, 16, I, 0, {{0}}},	     /* Go ParseRangeTests */
    {"bytes=--5,4--3", 10, 16, I, 0, {{0}}},	     /* Go ParseRangeTests */
    {"bytes=A-", 10, 16, I, 0, {{0}}},		     /* Go ParseRangeTests */
    {"bytes=A- ", 10, 16, I, 0, {{0}}},		     /* Go ParseRangeTests */
    {"bytes=A-Z", 10, 16, I, 0, {{0}}},		     /* Go ParseRangeTests */
    {"bytes= -Z", 10, 16, I, 0, {{0}}},		     /* Go ParseRangeTests */
    {"bytes=5-Z", 10, 16, I, 0, {{0}}},		     /* Go ParseRangeTests */
    {"bytes=Ran-dom, garbage", 10, 16, I, 0, {{0}}}, /* Go ParseRangeTests */
    {"bytes=0x01-0x02", 10, 16, I, 0, {{0}}},	     /* Go ParseRangeTests */
    {"bytes=         ", 10, 16, I, 0, {{0}}},	     /* Go ParseRangeTests */
    {"bytes= , , ,   ", 10, 16, I, 0, {{0}}},	     /* Go ParseRangeTests */
    /* Go ParseRangeTests (newer): unsatisfiable part skipped */
    {"bytes=15-,0-5", 10, 16, OK, 1, {{0, 5}}},
    /* Go ParseRangeTests, valid */
    {"bytes=0-9", 10, 16, OK, 1, {{0, 9}}},  /* Go ParseRangeTests */
    {"bytes=0-", 10, 16, OK, 1, {{0, 9}}},   /* Go ParseRangeTests */
    {"bytes=5-", 10, 16, OK, 1, {{5, 9}}},   /* Go ParseRangeTests */
    {"bytes=0-20", 10, 16, OK, 1, {{0, 9}}}, /* Go ParseRangeTests */
    /* Go ParseRangeTests {1,2},{5,5}: coalesced */
    {"bytes=1-2,5-", 10, 16, OK, 1, {{1, 9}}},
    /* Go ParseRangeTests {9,2},{7,4}: sorted and coalesced */
    {"bytes=-2 , 7-", 11, 16, OK, 1, {{7, 10}}},
    /* Go ParseRangeTests {0,1},{2,1},{7,4}: coalesced */
    {"bytes=0-0 ,2-2, 7-", 11, 16, OK, 1, {{0, 10}}},
    {"bytes=-5", 10, 16, OK, 1, {{5, 9}}},	       /* Go ParseRangeTests */
    {"bytes=-15", 10, 16, OK, 1, {{0, 9}}},	       /* Go ParseRangeTests */
    {"bytes=0-499", 10000, 16, OK, 1, {{0, 499}}},     /* Go ParseRangeTests */
    {"bytes=500-999", 10000, 16, OK, 1, {{500, 999}}}, /* Go ParseRangeTests */
    {"bytes=-500", 10000, 16, OK, 1, {{9500, 9999}}},  /* Go ParseRangeTests */
    {"bytes=9500-", 10000, 16, OK, 1, {{9500, 9999}}}, /* Go ParseRangeTests */
    /* Go ParseRangeTests */
    {"bytes=0-0,-1", 10000, 16, OK, 2, {{0, 0}, {9999, 9999}}},
    /* Go ParseRangeTests {500,101},{601,399}: adjacent, coalesced */
    {"bytes=500-600,601-999", 10000, 16, OK, 1, {{500, 999}}},
    /* Go ParseRangeTests {500,201},{601,399} (overlap kept): coalesced */
    {"bytes=500-700,601-999", 10000, 16, OK, 1, {{500, 999}}},
    /* Go ParseRangeTests, Apache-lax whitespace: {1,2},{4,2},{7,2} */
    {"bytes=   1 -2   ,  4- 5, 7 - 8 , ,,", 11, 16, OK, 1, {{1, 8}}},

    /* nginx range.t: 1000-byte file, no max_ranges (dlfcgi: 16) */
    {"bytes=0-8", 1000, 16, OK, 1, {{0, 8}}},	       /* nginx range.t */
    {"bytes=-10", 1000, 16, OK, 1, {{990, 999}}},      /* nginx range.t */
    {"bytes=990-", 1000, 16, OK, 1, {{990, 999}}},     /* nginx range.t */
    {"bytes=990-1990", 1000, 16, OK, 1, {{990, 999}}}, /* nginx range.t */
    /* nginx range.t: 3 parts in request order; sorted and coalesced */
    {"bytes=0-9, -10, 10-19", 1000, 16, OK, 2, {{0, 19}, {990, 999}}},
    /* nginx range.t: unsatisfiable part dropped */
    {"bytes=0-9, -10, 100000-, 10-19", 1000, 16, OK, 2, {{0, 19}, {990, 999}}},
    {"bytes=100000-", 1000, 16, U, 0, {{0}}},	    /* nginx range.t */
    {"bytes=alpha", 1000, 16, I, 0, {{0}}},	    /* nginx 416; syntax: 200 */
    {"bytes=10-alpha", 1000, 16, I, 0, {{0}}},	    /* nginx 416; syntax: 200 */
    {"bytes=10", 1000, 16, I, 0, {{0}}},	    /* nginx 416; syntax: 200 */
    {"bytes=10-11 12-", 1000, 16, I, 0, {{0}}},	    /* nginx 416; syntax: 200 */
    {"bytes=0-10001", 1000, 16, OK, 1, {{0, 999}}}, /* nginx range.t */
    /* nginx range.t: 200 ("malicious"); dlfcgi coalesces to one range */
    {"bytes=0-10001, 0-0", 1000, 16, OK, 1, {{0, 999}}},
    /* nginx range.t max_ranges 2 */
    {"bytes=0-9, -10", 1000, 2, OK, 2, {{0, 9}, {990, 999}}},
    /* nginx range.t max_ranges 2: unsatisfiable part does not count */
    {"bytes=0-9, -10, 10000-", 1000, 2, OK, 2, {{0, 9}, {990, 999}}},
    /* nginx range.t max_ranges 2: nginx 200; 0-9,10-19 coalesce to 2 */
    {"bytes=0-9, -10, 10-19", 1000, 2, OK, 2, {{0, 19}, {990, 999}}},
    /* nginx range.t max_ranges 2, with 3 parts that stay apart */
    {"bytes=0-9, -10, 500-509", 1000, 2, I, 0, {{0}}},
    {"bytes=0-9", 1000, 0, I, 0, {{0}}}, /* nginx range.t max_ranges 0 */
    {"bytes=-0", 1000, 0, I, 0, {{0}}},	 /* max_ranges 0: never 416 */

    /* lighttpd request.t: /12345.txt, 6 bytes */
    {"bytes=0-3", 6, 16, OK, 1, {{0, 3}}},     /* lighttpd request.t */
    {"bytes=-3", 6, 16, OK, 1, {{3, 5}}},      /* lighttpd request.t */
    {"bytes=3-", 6, 16, OK, 1, {{3, 5}}},      /* lighttpd request.t */
    {"bytes=0-1,3-4", 6, 16, OK, 1, {{0, 4}}}, /* lighttpd: merged */
    /* lighttpd request.t /100.txt: gap 95 >= 80, two parts */
    {"bytes=0-1,97-98", 100, 16, OK, 2, {{0, 1}, {97, 98}}},
    {"bytes=0-", 6, 16, OK, 1, {{0, 5}}}, /* lighttpd request.t */
    {"bytes=0--", 6, 16, I, 0, {{0}}},	  /* lighttpd 416; syntax: 200 */
    {"bytes=-2-3", 6, 16, I, 0, {{0}}},	  /* lighttpd 416; syntax: 200 */
    {"bytes=-0", 6, 16, U, 0, {{0}}},	  /* lighttpd request.t */
    {"bytes=25-", 6, 16, U, 0, {{0}}},	  /* lighttpd request.t */
    {"0", 6, 16, I, 0, {{0}}},		  /* lighttpd request.t: "Range: 0" */

    /* doc/DESIGN.md §3: other units, case, whitespace */
    {"items=0-1", 10, 16, I, 0, {{0}}},	    /* b.6: Go 416, nginx 200 */
    {"byte=0-1", 10, 16, I, 0, {{0}}},	    /* doc/DESIGN.md §3 */
    {"bytes0-1", 10, 16, I, 0, {{0}}},	    /* doc/DESIGN.md §3 */
    {"bytesx=0-1", 10, 16, I, 0, {{0}}},    /* doc/DESIGN.md §3 */
    {"bytes =0-1", 10, 16, I, 0, {{0}}},    /* no OWS around "=" */
    {"BYTES=0-4", 10, 16, OK, 1, {{0, 4}}}, /* range-unit is case-insensitive */
    {"Bytes=-3", 10, 16, OK, 1, {{7, 9}}},  /* range-unit is case-insensitive */
    {" bytes=0-4", 10, 16, OK, 1, {{0, 4}}},	      /* leading OWS */
    {"bytes=0-4 ", 10, 16, OK, 1, {{0, 4}}},	      /* trailing OWS */
    {"\tbytes=\t0\t-\t4\t", 10, 16, OK, 1, {{0, 4}}}, /* tabs */
    {"bytes= - 3", 10, 16, OK, 1, {{7, 9}}},	      /* OWS in a suffix */
    {"bytes=,0-1", 10, 16, OK, 1, {{0, 1}}},	      /* empty elements */
    {"bytes=0-1,,", 10, 16, OK, 1, {{0, 1}}},	      /* empty elements */
    {"bytes=,,,,", 10, 16, I, 0, {{0}}},	      /* no element at all */
    {"bytes=1 2-3", 10, 16, I, 0, {{0}}},	      /* doc/DESIGN.md §3 */
    {"bytes=0-1;2-3", 10, 16, I, 0, {{0}}},	      /* doc/DESIGN.md §3 */
    {"bytes=+1-2", 10, 16, I, 0, {{0}}},	      /* doc/DESIGN.md §3 */
    {"bytes=1-+2", 10, 16, I, 0, {{0}}},	      /* doc/DESIGN.md §3 */
    {"bytes=-+2", 10, 16, I, 0, {{0}}},		      /* doc/DESIGN.md §3 */
    {"bytes=0-1\r\n", 10, 16, I, 0, {{0}}},	      /* CR LF is no OWS */
    {"bytes=abc", 10, 16, I, 0, {{0}}},		      /* doc/DESIGN.md §3 */
    {"bytes=0-1,abc", 10, 16, I, 0, {{0}}},	      /* error anywhere */
    {"bytes=0-1,100-", 10, 16, OK, 1, {{0, 1}}},      /* doc/DESIGN.md §3 */
    {"bytes=0-0,-0", 11, 16, OK, 1, {{0, 0}}},	      /* -0 dropped */
    {"bytes=-0,-0", 11, 16, U, 0, {{0}}},	      /* doc/DESIGN.md §3 */
    {"bytes=-0", 0, 16, I, 0, {{0}}},	   /* 0-byte file: 200, not 416 */
    {"bytes=0-0", 0, 16, I, 0, {{0}}},	   /* 0-byte file: 200, not 416 */
    {"bytes=abc", 0, 16, I, 0, {{0}}},	   /* 0-byte file */
    {"bytes=0-0", 1, 16, OK, 1, {{0, 0}}}, /* 1-byte file */
    {"bytes=-1", 1, 16, OK, 1, {{0, 0}}},  /* 1-byte file */
    {"bytes=1-1", 1, 16, U, 0, {{0}}},	   /* 1-byte file */

    /* coalescing: sorted, overlapping merged, gap < 80 merged */
    {"bytes=0-0,80-80", 1000, 16, OK, 1, {{0, 80}}},		  /* gap 79 */
    {"bytes=0-0,81-81", 1000, 16, OK, 2, {{0, 0}, {81, 81}}},	  /* gap 80 */
    {"bytes=81-81,0-0", 1000, 16, OK, 2, {{0, 0}, {81, 81}}},	  /* sorted */
    {"bytes=500-509,0-9", 1000, 16, OK, 2, {{0, 9}, {500, 509}}}, /* sorted */
    {"bytes=0-99,10-20", 1000, 16, OK, 1, {{0, 99}}}, /* contained */
    {"bytes=5-5,5-5", 1000, 16, OK, 1, {{5, 5}}},     /* duplicate */
    {"bytes=900-,0-9,400-409", 1000, 16, OK, 3,
	{{0, 9}, {400, 409}, {900, 999}}},		 /* three parts */
    {"bytes=0-9,100-109,200-209", 1000, 2, I, 0, {{0}}}, /* 3 > max 2 */
    {"bytes=0-9,50-109,200-209", 1000, 2, OK, 2,
	{{0, 109}, {200, 209}}}, /* 2 after coalescing */

    /* 64-bit numbers: at and beyond 2^63-1 */
    {"bytes=9223372036854775807-", 11, 16, U, 0, {{0}}},
    {"bytes=9223372036854775808-", 11, 16, I, 0, {{0}}}, /* > 2^63-1 */
    {"bytes=-9223372036854775808", 11, 16, I, 0, {{0}}}, /* > 2^63-1 */
    {"bytes=-9223372036854775807", 11, 16, OK, 1, {{0, 10}}},
    {"bytes=0-9223372036854775807", 11, 16, OK, 1, {{0, 10}}},
    {"bytes=0-9223372036854775808", 11, 16, I, 0, {{0}}}, /* > 2^63-1 */
    {"bytes=0-99999999999999999999", 11, 16, I, 0, {{0}}},
    {"bytes=18446744073709551617-", 11, 16, I, 0, {{0}}}, /* 2^64+1 */
    {"bytes=0000000000000000000000000001-2", 11, 16, OK, 1, {{1, 2}}},
    {"bytes=9223372036854775806-", MAXOFF, 16, OK, 1,
	{{MAXOFF - 1, MAXOFF - 1}}},
    {"bytes=9223372036854775807-", MAXOFF, 16, U, 0, {{0}}},
    {"bytes=-1", MAXOFF, 16, OK, 1, {{MAXOFF - 1, MAXOFF - 1}}},
    {"bytes=0-", MAXOFF, 16, OK, 1, {{0, MAXOFF - 1}}},
    {"bytes=0-0,-1", MAXOFF, 16, OK, 2, {{0, 0}, {MAXOFF - 1, MAXOFF - 1}}},

    /* files larger than 4 GiB: 64-bit offsets (5 GiB file) */
    {"bytes=4294967296-4294967300", 5 * GIB, 16, OK, 1,
	{{4294967296LL, 4294967300LL}}},
    {"bytes=4294967295-4294967296", 5 * GIB, 16, OK, 1,
	{{4294967295LL, 4294967296LL}}},
    {"bytes=-1073741824", 5 * GIB, 16, OK, 1, {{4 * GIB, 5 * GIB - 1}}},
    {"bytes=5368709119-", 5 * GIB, 16, OK, 1, {{5 * GIB - 1, 5 * GIB - 1}}},
    {"bytes=5368709120-", 5 * GIB, 16, U, 0, {{0}}},
    {"bytes=0-0,4294967296-", 5 * GIB, 16, OK, 2,
	{{0, 0}, {4 * GIB, 5 * GIB - 1}}},
    {"bytes=4294967296-4294967296,4294967300-", 5 * GIB, 16, OK, 1,
	{{4 * GIB, 5 * GIB - 1}}},
    {"bytes=0-99999999999", 5 * GIB, 16, OK, 1, {{0, 5 * GIB - 1}}},
};

START_TEST(test_range_table)
{
	const struct range_row *t = &rows[_i];
	struct range out[RANGE_PARSE_MAX];
	size_t n = 99, k;
	enum range_result res;

	res = range_parse(t->hdr, strlen(t->hdr), t->size, t->max, out, &n);
	ck_assert_msg(res == t->want,
	    "\"%s\" size %jd max %zu: got %d, want %d", t->hdr,
	    (intmax_t)t->size, t->max, res, t->want);
	ck_assert_msg(n == t->n, "\"%s\": n %zu, want %zu", t->hdr, n, t->n);
	for (k = 0; k < t->n; k++)
		ck_assert_msg(out[k].first == t->r[k].first &&
			out[k].last == t->r[k].last,
		    "\"%s\" [%zu]: %jd-%jd, want %jd-%jd", t->hdr, k,
		    (intmax_t)out[k].first, (intmax_t)out[k].last,
		    (intmax_t)t->r[k].first, (intmax_t)t->r[k].last);
}
END_TEST

/*
 * Writes "bytes=" and count parts of len bytes, step apart, into buf;
 * returns the length.
 */
static size_t
build(char *buf, size_t cap, size_t count, off_t step, off_t len)
{
	size_t o, i;

	o = (size_t)snprintf(buf, cap, "bytes=");
	for (i = 0; i < count; i++)
		o += (size_t)snprintf(buf + o, cap - o, "%s%jd-%jd",
		    i > 0 ? "," : "", (intmax_t)((off_t)i * step),
		    (intmax_t)((off_t)i * step + len - 1));
	ck_assert_uint_lt(o, cap);
	return o;
}

static char big[64 * 1024];

/* More than RANGE_PARSE_MAX satisfiable parts: ignored, even if they merge. */
START_TEST(test_range_parse_max)
{
	struct range out[RANGE_PARSE_MAX];
	size_t len, n;

	len = build(big, sizeof(big), RANGE_PARSE_MAX, 0, 1);
	ck_assert_int_eq(range_parse(big, len, 11, 16, out, &n), RANGE_OK);
	ck_assert_uint_eq(n, 1);
	len = build(big, sizeof(big), RANGE_PARSE_MAX + 1, 0, 1);
	ck_assert_int_eq(range_parse(big, len, 11, 16, out, &n), RANGE_IGNORE);
	ck_assert_uint_eq(n, 0);

	/* 256 parts 100 bytes apart stay 256 ranges */
	len = build(big, sizeof(big), RANGE_PARSE_MAX, 100, 1);
	ck_assert_int_eq(
	    range_parse(big, len, 100000, RANGE_PARSE_MAX, out, &n), RANGE_OK);
	ck_assert_uint_eq(n, RANGE_PARSE_MAX);
	ck_assert_int_eq(out[255].first, 25500);
	ck_assert_int_eq(range_total(out, n), RANGE_PARSE_MAX);
	ck_assert_int_eq(
	    range_parse(big, len, 100000, RANGE_PARSE_MAX - 1, out, &n),
	    RANGE_IGNORE);

	/* default max_ranges 16: 16 separate parts pass, 17 do not */
	len = build(big, sizeof(big), 16, 100, 10);
	ck_assert_int_eq(range_parse(big, len, 100000, 16, out, &n), RANGE_OK);
	ck_assert_uint_eq(n, 16);
	len = build(big, sizeof(big), 17, 100, 10);
	ck_assert_int_eq(
	    range_parse(big, len, 100000, 16, out, &n), RANGE_IGNORE);
}
END_TEST

/* 1000 tiny ranges: more than RANGE_PARSE_MAX parts, ignored. */
START_TEST(test_range_thousand)
{
	struct range out[RANGE_PARSE_MAX];
	size_t len, n;

	len = build(big, sizeof(big), 1000, 2, 1);
	ck_assert_int_eq(
	    range_parse(big, len, 10000, 16, out, &n), RANGE_IGNORE);
	len = build(big, sizeof(big), 1000, 0, 1);
	ck_assert_int_eq(
	    range_parse(big, len, 10000, 16, out, &n), RANGE_IGNORE);
}
END_TEST

/* Unsatisfiable parts do not count against RANGE_PARSE_MAX. */
START_TEST(test_range_unsatisfiable_uncounted)
{
	struct range out[RANGE_PARSE_MAX];
	size_t o, i, n;

	o = (size_t)snprintf(big, sizeof(big), "bytes=");
	for (i = 0; i < 1000; i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o, "100-,");
	o += (size_t)snprintf(big + o, sizeof(big) - o, "-0,3-4");
	ck_assert_int_eq(range_parse(big, o, 11, 16, out, &n), RANGE_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(out[0].first, 3);
	ck_assert_int_eq(out[0].last, 4);
	/* without the last part: 416 */
	ck_assert_int_eq(
	    range_parse(big, o - 4, 11, 16, out, &n), RANGE_UNSATISFIABLE);
}
END_TEST

/* len bounds the input: no NUL needed, nothing read past it. */
START_TEST(test_range_len)
{
	static const char s[] = "bytes=0-1\0,5-6";
	struct range out[RANGE_PARSE_MAX];
	char *heap;
	size_t n;

	ck_assert_int_eq(range_parse(s, sizeof(s) - 1, 11, 16, out, &n),
	    RANGE_IGNORE); /* NUL inside */
	ck_assert_int_eq(range_parse(s, 9, 11, 16, out, &n), RANGE_OK);
	ck_assert_int_eq(out[0].last, 1);
	ck_assert_int_eq(range_parse(s, 8, 11, 16, out, &n), RANGE_OK);
	ck_assert_int_eq(out[0].last, 10); /* "bytes=0-" */
	ck_assert_int_eq(range_parse(s, 5, 11, 16, out, &n), RANGE_IGNORE);
	ck_assert_int_eq(range_parse(s, 0, 11, 16, out, &n), RANGE_IGNORE);

	/* exactly sized heap copy, so ASan sees any over-read */
	heap = malloc(9);
	ck_assert_ptr_nonnull(heap);
	memcpy(heap, "bytes=3-4", 9);
	ck_assert_int_eq(range_parse(heap, 9, 11, 16, out, &n), RANGE_OK);
	ck_assert_int_eq(out[0].first, 3);
	ck_assert_int_eq(out[0].last, 4);
	memcpy(heap, "bytes=123", 9);
	ck_assert_int_eq(range_parse(heap, 9, 11, 16, out, &n), RANGE_IGNORE);
	free(heap);
}
END_TEST

START_TEST(test_range_total)
{
	static const struct range r[] = {
	    {0, 0}, {5, 9}, {4 * GIB, 5 * GIB - 1}};

	ck_assert_int_eq(range_total(r, 0), 0);
	ck_assert_int_eq(range_total(r, 1), 1);
	ck_assert_int_eq(range_total(r, 2), 6);
	ck_assert_int_eq(range_total(r, 3), 6 + GIB);
	ck_assert_int_eq(range_total(&r[2], 1), GIB);
}
END_TEST

/* The seed of check_rand, so that failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/*
 * Random range sets against a model: mark the selected bytes, take the
 * maximal runs, and merge runs whose gap is under RANGE_COALESCE_GAP.
 */
START_TEST(test_range_model)
{
	enum { SIZE = 600, PARTS = 6 };
	static unsigned char sel[SIZE];
	struct range out[RANGE_PARSE_MAX], want[SIZE];
	char hdr[512];
	size_t o, i, n, nw;
	int iter, any;

	for (iter = 0; iter < 3000; iter++) {
		off_t size = (off_t)(check_rand(&rng_state) % SIZE) + 1, a, b,
		      pos;
		size_t parts = (size_t)(check_rand(&rng_state) % PARTS) + 1;

		memset(sel, 0, sizeof(sel));
		any = 0;
		o = (size_t)snprintf(hdr, sizeof(hdr), "bytes=");
		for (i = 0; i < parts; i++) {
			a = (off_t)(check_rand(&rng_state) % (SIZE + 50));
			b = a + (off_t)(check_rand(&rng_state) % 200);
			switch (check_rand(&rng_state) % 3) {
			case 0: /* a-b */
				o += (size_t)snprintf(hdr + o, sizeof(hdr) - o,
				    "%s%jd-%jd", i ? ", " : "", (intmax_t)a,
				    (intmax_t)b);
				break;
			case 1: /* a- */
				b = size - 1;
				o += (size_t)snprintf(hdr + o, sizeof(hdr) - o,
				    "%s%jd-", i ? "," : "", (intmax_t)a);
				break;
			default: /* -len; "-0" is unsatisfiable */
				o += (size_t)snprintf(hdr + o, sizeof(hdr) - o,
				    "%s-%jd", i ? " ," : "", (intmax_t)a);
				b = size - 1;
				if (a == 0)
					a = size;
				else
					a = a >= size ? 0 : size - a;
				break;
			}
			for (pos = a; pos <= b && pos < size; pos++) {
				sel[pos] = 1;
				any = 1;
			}
		}
		/* the model */
		nw = 0;
		for (pos = 0; pos < size; pos++) {
			if (!sel[pos])
				continue;
			if (nw > 0 &&
			    pos - want[nw - 1].last - 1 < RANGE_COALESCE_GAP)
				want[nw - 1].last = pos;
			else {
				want[nw].first = want[nw].last = pos;
				nw++;
			}
		}
		if (!any) {
			ck_assert_msg(range_parse(hdr, o, size, 16, out, &n) ==
				RANGE_UNSATISFIABLE,
			    "\"%s\" size %jd", hdr, (intmax_t)size);
			continue;
		}
		ck_assert_msg(
		    range_parse(hdr, o, size, 16, out, &n) == RANGE_OK,
		    "\"%s\" size %jd", hdr, (intmax_t)size);
		ck_assert_msg(n == nw, "\"%s\" size %jd: n %zu, want %zu", hdr,
		    (intmax_t)size, n, nw);
		for (i = 0; i < n; i++)
			ck_assert_msg(out[i].first == want[i].first &&
				out[i].last == want[i].last,
			    "\"%s\" size %jd [%zu]: %jd-%jd, want %jd-%jd", hdr,
			    (intmax_t)size, i, (intmax_t)out[i].first,
			    (intmax_t)out[i].last, (intmax_t)want[i].first,
			    (intmax_t)want[i].last);
		/* max_ranges = n passes, n - 1 does not */
		ck_assert_int_eq(
		    range_parse(hdr, o, size, nw, out, &n), RANGE_OK);
		ck_assert_int_eq(
		    range_parse(hdr, o, size, nw - 1, out, &n), RANGE_IGNORE);
	}
}
END_TEST

Suite *
suite_range(void)
{
	Suite *s = suite_create("range");
	TCase *tc;

	tc = tcase_create("vectors");
	tcase_add_loop_test(tc, test_range_table, 0, NELEM(rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("limits");
	tcase_add_test(tc, test_range_parse_max);
	tcase_add_test(tc, test_range_thousand);
	tcase_add_test(tc, test_range_unsatisfiable_uncounted);
	tcase_add_test(tc, test_range_len);
	tcase_add_test(tc, test_range_total);
	tcase_add_test(tc, test_range_model);
	suite_add_tcase(s, tc);
	return s;
}
