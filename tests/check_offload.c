/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Offload mode (offload.c, doc/DESIGN.md §3.5): which answers a front
 * end may send (offload_decide on the plans decide() makes for whole
 * requests), the path in the offload header (offload_path: every byte
 * class of a file name, RFC 3986 §2.1 / §2.3, UTF-8 per RFC 3629 §3/§4,
 * the buffer bound byte by byte) and the header block
 * (offload_headers).
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
#include "offload.h"

/* 2014-06-25 17:12:18 UTC, as check_decide.c */
#define T 1403716338
#define NOW 1700000000
#define ET "=ETAG" /* stands for the file's own (nginx) ETag */

#define GET "GET"
#define HEAD "HEAD"
#define N NULL
#define XA OFFLOAD_X_ACCEL
#define XS OFFLOAD_X_SENDFILE

struct decide_offload_row {
	const char *src;
	enum offload_mode mode;
	const char *method;
	const char *range, *im, *inm, *ims, *ius, *ir;
	off_t size;
	long long min_size;
	int max_ranges;
	enum offload_why want;
};

/*
 * A 100000-byte file, offload_min_size 65536 unless the row says. Only
 * a GET of a 200 without Range and preconditions, or of a 206 of one
 * range in the simple form, is handed over (offload.h): every other
 * row is an answer a front end would make otherwise (nginx, lighttpd
 * and mod_xsendfile each parse Range and judge preconditions their own
 * way), so dlfcgi keeps it.
 */
static const struct decide_offload_row drows[] = {
    {"whole file", XA, GET, N, N, N, N, N, N, 100000, 65536, 16, OFFLOAD_YES},
    {"whole file, x-sendfile", XS, GET, N, N, N, N, N, N, 100000, 65536, 16,
	OFFLOAD_YES},
    {"offload = none", OFFLOAD_NONE, GET, N, N, N, N, N, N, 100000, 65536, 16,
	OFFLOAD_OFF},
    {"HEAD: nothing to move", XA, HEAD, N, N, N, N, N, N, 100000, 65536, 16,
	OFFLOAD_HEAD},
    {"HEAD of a range", XS, HEAD, "bytes=0-9", N, N, N, N, N, 100000, 65536, 16,
	OFFLOAD_HEAD},
    {"OPTIONS: 204", XA, "OPTIONS", N, N, N, N, N, N, 100000, 65536, 16,
	OFFLOAD_NOT_BODY},
    {"POST: 405", XA, "POST", N, N, N, N, N, N, 100000, 65536, 16,
	OFFLOAD_NOT_BODY},
    {"below offload_min_size", XA, GET, N, N, N, N, N, N, 4096, 65536, 16,
	OFFLOAD_SMALL},
    {"one byte below offload_min_size", XA, GET, N, N, N, N, N, N, 65535, 65536,
	16, OFFLOAD_SMALL},
    {"exactly offload_min_size", XA, GET, N, N, N, N, N, N, 65536, 65536, 16,
	OFFLOAD_YES},
    {"offload_min_size 0, empty file", XA, GET, N, N, N, N, N, N, 0, 0, 16,
	OFFLOAD_YES},
    /* RFC 9110 §13.2.2: dlfcgi's order; nginx's filter differs */
    {"If-None-Match matching: 304", XA, GET, N, N, ET, N, N, N, 100000, 65536,
	16, OFFLOAD_NOT_BODY},
    {"If-None-Match other: 200 judged again", XA, GET, N, N, "\"x\"", N, N, N,
	100000, 65536, 16, OFFLOAD_CONDITIONAL},
    {"If-Match failing: 412", XA, GET, N, "\"x\"", N, N, N, N, 100000, 65536,
	16, OFFLOAD_NOT_BODY},
    {"If-Match matching: 200 judged again", XS, GET, N, ET, N, N, N, N, 100000,
	65536, 16, OFFLOAD_CONDITIONAL},
    {"If-Modified-Since older: 200 judged again", XA, GET, N, N, N,
	"Wed, 25 Jun 2014 17:12:17 GMT", N, N, 100000, 65536, 16,
	OFFLOAD_CONDITIONAL},
    {"If-Modified-Since equal: 304", XA, GET, N, N, N,
	"Wed, 25 Jun 2014 17:12:18 GMT", N, N, 100000, 65536, 16,
	OFFLOAD_NOT_BODY},
    {"If-Unmodified-Since later: 200 judged again", XA, GET, N, N, N, N,
	"Wed, 25 Jun 2014 17:12:19 GMT", N, 100000, 65536, 16,
	OFFLOAD_CONDITIONAL},
    {"If-Unmodified-Since earlier: 412", XA, GET, N, N, N, N,
	"Wed, 25 Jun 2014 17:12:17 GMT", N, 100000, 65536, 16,
	OFFLOAD_NOT_BODY},
    /* Range: RFC 9110 §14.1.2 forms every front end parses alike */
    {"bytes=A-B", XA, GET, "bytes=0-99", N, N, N, N, N, 100000, 65536, 16,
	OFFLOAD_YES},
    {"bytes=0-0", XS, GET, "bytes=0-0", N, N, N, N, N, 100000, 65536, 16,
	OFFLOAD_YES},
    {"bytes=A-", XA, GET, "bytes=1000-", N, N, N, N, N, 100000, 65536, 16,
	OFFLOAD_YES},
    {"bytes=-N", XA, GET, "bytes=-500", N, N, N, N, N, 100000, 65536, 16,
	OFFLOAD_YES},
    {"bytes=A-B past the end (clamped alike)", XA, GET, "bytes=99000-200000", N,
	N, N, N, N, 100000, 65536, 16, OFFLOAD_YES},
    {"bytes=-N longer than the file", XA, GET, "bytes=-200000", N, N, N, N, N,
	100000, 65536, 16, OFFLOAD_YES},
    {"two ranges far apart: multipart", XA, GET, "bytes=0-9,50000-50009", N, N,
	N, N, N, 100000, 65536, 16, OFFLOAD_RANGE},
    {"two nearby ranges, coalesced by dlfcgi", XA, GET, "bytes=0-9,20-29", N, N,
	N, N, N, 100000, 65536, 16, OFFLOAD_RANGE},
    {"overlapping, merged into one", XA, GET, "bytes=0-9,5-15", N, N, N, N, N,
	100000, 65536, 16, OFFLOAD_RANGE},
    {"a space after '='", XA, GET, "bytes= 0-9", N, N, N, N, N, 100000, 65536,
	16, OFFLOAD_RANGE},
    {"upper-case unit", XA, GET, "Bytes=0-9", N, N, N, N, N, 100000, 65536, 16,
	OFFLOAD_RANGE},
    {"another unit: ignored, 200", XA, GET, "items=0-9", N, N, N, N, N, 100000,
	65536, 16, OFFLOAD_RANGE},
    {"garbage: ignored, 200", XA, GET, "bytes=x", N, N, N, N, N, 100000, 65536,
	16, OFFLOAD_RANGE},
    {"max_ranges 0: Range ignored, 200", XA, GET, "bytes=0-9", N, N, N, N, N,
	100000, 65536, 0, OFFLOAD_RANGE},
    {"unsatisfiable: 416", XA, GET, "bytes=200000-", N, N, N, N, N, 100000,
	65536, 16, OFFLOAD_NOT_BODY},
    {"19-digit last-pos", XA, GET, "bytes=0-9999999999999999999", N, N, N, N, N,
	100000, 65536, 16, OFFLOAD_RANGE},
    {"Range on a small file", XA, GET, "bytes=0-9", N, N, N, N, N, 4096, 65536,
	16, OFFLOAD_SMALL},
    /* If-Range, RFC 9110 §13.1.5 */
    {"If-Range with the strong ETag: 206", XA, GET, "bytes=0-99", N, N, N, N,
	ET, 100000, 65536, 16, OFFLOAD_YES},
    {"If-Range with another ETag: 200", XA, GET, "bytes=0-99", N, N, N, N,
	"\"other\"", 100000, 65536, 16, OFFLOAD_RANGE},
    {"If-Range weak: 200", XA, GET, "bytes=0-99", N, N, N, N, "W/" ET, 100000,
	65536, 16, OFFLOAD_RANGE},
    {"If-Range with the date: 206 by dlfcgi", XS, GET, "bytes=0-99", N, N, N, N,
	"Wed, 25 Jun 2014 17:12:18 GMT", 100000, 65536, 16, OFFLOAD_RANGE},
    {"If-Range without Range: ignored, plain 200", XA, GET, N, N, N, N, N,
	"\"other\"", 100000, 65536, 16, OFFLOAD_YES},
};

static const char *
subst_etag(const char *v, const char *etag, char *buf, size_t len)
{
	const char *p;

	if (v == NULL || (p = strstr(v, ET)) == NULL)
		return v;
	ck_assert_int_lt(snprintf(buf, len, "%.*s%s%s", (int)(p - v), v, etag,
			     p + strlen(ET)),
	    (int)len);
	return buf;
}

START_TEST(test_decide_table)
{
	const struct decide_offload_row *row = &drows[_i];
	struct decide_config cfg = {
	    .max_ranges = row->max_ranges,
	    .type = "application/octet-stream",
	    .etag_nginx = true,
	};
	char etag[ETAG_LEN], b[3][256];
	struct decide_request rq;
	struct offload_request orq;
	struct decide_plan pl;
	struct stat st;
	enum offload_why w;

	memset(&st, 0, sizeof(st));
	st.st_size = row->size;
	st.st_mtim.tv_sec = T;
	st.st_ino = 0x2a1;
	etag_make_nginx(&st, etag);
	rq.method = row->method;
	rq.range = row->range;
	rq.if_match = subst_etag(row->im, etag, b[0], sizeof(b[0]));
	rq.if_none_match = subst_etag(row->inm, etag, b[1], sizeof(b[1]));
	rq.if_modified_since = row->ims;
	rq.if_unmodified_since = row->ius;
	rq.if_range = subst_etag(row->ir, etag, b[2], sizeof(b[2]));
	decide(&rq, &st, &cfg, NOW, &pl);
	/* what handler_file_offload() gathers */
	orq.mode = row->mode;
	orq.min_size = row->min_size;
	orq.pl = &pl;
	orq.range = rq.range;
	orq.if_range = rq.if_range;
	orq.conditional = rq.if_match != NULL || rq.if_none_match != NULL ||
	    rq.if_modified_since != NULL || rq.if_unmodified_since != NULL;
	w = offload_decide(&orq);
	ck_assert_msg(w == row->want,
	    "%s: got %d (%s), want %d (%s); status %d", row->src, w,
	    offload_why_text(w), row->want, offload_why_text(row->want),
	    pl.status);
	if (w == OFFLOAD_YES)
		ck_assert_msg(pl.status == 200 || pl.status == 206, "%s: %d",
		    row->src, pl.status);
}
END_TEST

static const struct {
	const char *range;
	bool want;
} simple_rows[] = {
    {"bytes=0-9", true},
    {"bytes=0-", true},
    {"bytes=-5", true},
    {"bytes=123456789012345678-", true},   /* 18 digits */
    {"bytes=1234567890123456789-", false}, /* 19: may overflow elsewhere */
    {"bytes=-", false},
    {"bytes=", false},
    {"bytes=0-9,", false},
    {"bytes=0-9 ", false},
    {" bytes=0-9", false},
    {"bytes=0--9", false},
    {"bytes=+1-2", false},
    {"bytes=0x1-2", false},
    {"bytes 0-9", false},
    {"BYTES=0-9", false},
    {"", false},
    {NULL, false},
};

START_TEST(test_range_simple)
{
	ck_assert_msg(
	    offload_range_simple(simple_rows[_i].range) == simple_rows[_i].want,
	    "\"%s\"", simple_rows[_i].range ? simple_rows[_i].range : "NULL");
}
END_TEST

/*
 * offload_path: one row per byte class. plen -1: strlen(path). The
 * output is what the front end decodes once back to base/path.
 */
#define RAW OFFLOAD_PATH_RAW
#define U8 OFFLOAD_PATH_UTF8
#define P "/_dlfcgi/"
#define YES OFFLOAD_YES
#define NAME OFFLOAD_NAME

static const struct {
	const char *src;
	const char *base;
	const char *path;
	int plen;
	int flags;
	enum offload_why want;
	const char *out;
} prows[] = {
    {"plain", P, "/a/b.bin", -1, 0, YES, "/_dlfcgi/a/b.bin"},
    {"base without its final '/'", "/_dlfcgi", "/a", -1, 0, YES, "/_dlfcgi/a"},
    {"base with several final '/'", "/_dlfcgi//", "/a", -1, 0, YES,
	"/_dlfcgi/a"},
    {"path without a leading '/'", P, "a", -1, 0, YES, "/_dlfcgi/a"},
    {"path with several leading '/'", P, "//a", -1, 0, YES, "/_dlfcgi/a"},
    {"X-Sendfile: root as base", "/srv/downloads", "/x/y.iso", -1, U8, YES,
	"/srv/downloads/x/y.iso"},
    {"unreserved (RFC 3986 §2.3)", P,
	"/ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~",
	-1, 0, YES,
	"/_dlfcgi/"
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"},
    {"gen-delims (RFC 3986 §2.2)", P, "/:?#[]@", -1, 0, YES,
	"/_dlfcgi/%3A%3F%23%5B%5D%40"},
    {"sub-delims (RFC 3986 §2.2)", P, "/!$&'()*+,;=", -1, 0, YES,
	"/_dlfcgi/%21%24%26%27%28%29%2A%2B%2C%3B%3D"},
    {"'%' itself, and what looks encoded", P, "/100% %41%2F", -1, 0, YES,
	"/_dlfcgi/100%25%20%2541%252F"},
    {"'?' (else a query to nginx)", P, "/a?b=1", -1, 0, YES,
	"/_dlfcgi/a%3Fb%3D1"},
    {"'#' (else a fragment)", P, "/a#b", -1, 0, YES, "/_dlfcgi/a%23b"},
    {"space", P, "/a b", -1, 0, YES, "/_dlfcgi/a%20b"},
    {"'+' (never a space once decoded)", P, "/c+d", -1, 0, YES,
	"/_dlfcgi/c%2Bd"},
    {"quotes", P, "/q'uo\"te", -1, 0, YES, "/_dlfcgi/q%27uo%22te"},
    {"backslash, '<', '>', '^', '`', '{', '|', '}'", P, "/\\<>^`{|}", -1, 0,
	YES, "/_dlfcgi/%5C%3C%3E%5E%60%7B%7C%7D"},
    {"tab and other controls encoded", P, "/a\tb\x01\x1f\x7f", -1, 0, YES,
	"/_dlfcgi/a%09b%01%1F%7F"},
    {"UTF-8, 2 and 3 bytes", P, "/\xc3\xbc\xe2\x82\xac", -1, 0, YES,
	"/_dlfcgi/%C3%BC%E2%82%AC"},
    {"UTF-8, 4 bytes, checked", "/r", "/\xf0\x9f\x98\x80", -1, U8, YES,
	"/r/%F0%9F%98%80"},
    {"UTF-8 checked: U+10FFFF, U+E000, U+FFFF", "/r",
	"/\xf4\x8f\xbf\xbf\xee\x80\x80\xef\xbf\xbf", -1, U8, YES,
	"/r/%F4%8F%BF%BF%EE%80%80%EF%BF%BF"},
    {"invalid UTF-8, not checked: encoded", P, "/\xff\xfe\xc0\xaf", -1, 0, YES,
	"/_dlfcgi/%FF%FE%C0%AF"},
    {"invalid UTF-8 checked: 0xFF", "/r", "/a\xff", -1, U8, NAME, N},
    {"invalid UTF-8 checked: lone continuation", "/r", "/\x80", -1, U8, NAME,
	N},
    {"invalid UTF-8 checked: overlong '/' (C0 AF)", "/r", "/\xc0\xaf", -1, U8,
	NAME, N},
    {"invalid UTF-8 checked: overlong 3 bytes", "/r", "/\xe0\x80\xaf", -1, U8,
	NAME, N},
    {"invalid UTF-8 checked: overlong 4 bytes", "/r", "/\xf0\x80\x80\xaf", -1,
	U8, NAME, N},
    {"invalid UTF-8 checked: surrogate U+D800", "/r", "/\xed\xa0\x80", -1, U8,
	NAME, N},
    {"invalid UTF-8 checked: beyond U+10FFFF", "/r", "/\xf4\x90\x80\x80", -1,
	U8, NAME, N},
    {"invalid UTF-8 checked: cut at the end", "/r", "/a\xe2\x82", -1, U8, NAME,
	N},
    {"invalid UTF-8 checked: continuation missing", "/r",
	"/\xc3"
	"a",
	-1, U8, NAME, N},
    {"CR", P, "/a\rb", -1, 0, NAME, N},
    {"LF", P, "/a\nb", -1, 0, NAME, N},
    {"CR LF header injection", P, "/a\r\nX-Evil: 1", -1, 0, NAME, N},
    {"NUL inside the length", P, "/a\0b", 4, 0, NAME, N},
    {"LF, checked UTF-8", "/r", "/a\nb", -1, U8, NAME, N},
    {"LF, raw", "/r", "/a\nb", -1, RAW, NAME, N},
    {"NUL, raw", "/r", "/a\0b", 4, RAW, NAME, N},
    {"raw: bytes as they are", "/r", "/100% a?b#c+d\"e\xc3\xbc", -1, RAW, YES,
	"/r/100% a?b#c+d\"e\xc3\xbc"},
    {"raw: tab refused", "/r", "/a\tb", -1, RAW, NAME, N},
    {"raw: DEL refused", "/r", "/a\x7f", -1, RAW, NAME, N},
    {"raw: a final space (a header parser trims it)", "/r", "/a ", -1, RAW,
	NAME, N},
    {"encoded: a final space survives", "/r", "/a ", -1, 0, YES, "/r/a%20"},
    {"plen shorter than the string", P, "/abc/def", 4, 0, YES, "/_dlfcgi/abc"},
};

START_TEST(test_path_table)
{
	char out[512];
	size_t len = 12345;
	size_t plen = prows[_i].plen < 0 ? strlen(prows[_i].path)
					 : (size_t)prows[_i].plen;
	enum offload_why w;

	memset(out, 'Z', sizeof(out));
	w = offload_path(prows[_i].base, prows[_i].path, plen, prows[_i].flags,
	    out, sizeof(out), &len);
	ck_assert_msg(w == prows[_i].want, "%s: got %s", prows[_i].src,
	    offload_why_text(w));
	if (w != OFFLOAD_YES)
		return;
	ck_assert_msg(strcmp(out, prows[_i].out) == 0, "%s: got \"%s\"",
	    prows[_i].src, out);
	ck_assert_uint_eq(len, strlen(out));
}
END_TEST

/* Decodes %XX once, as a front end does; -1 on a malformed escape. */
static int
pct_decode(const char *in, char *out, size_t outlen, size_t *len)
{
	size_t n = 0;
	unsigned v;

	for (; *in != '\0'; in++) {
		if (n + 1 >= outlen)
			return -1;
		if (*in != '%') {
			out[n++] = *in;
			continue;
		}
		if (sscanf(in + 1, "%2X", &v) != 1 || in[1] == '\0' ||
		    in[2] == '\0')
			return -1;
		out[n++] = (char)v;
		in += 2;
	}
	out[n] = '\0';
	*len = n;
	return 0;
}

/*
 * Every byte but CR, LF and NUL, in a name of its own: the output holds
 * only unreserved, '/' and %XX (upper-case hex) and decodes back.
 */
START_TEST(test_path_every_byte)
{
	char path[8], out[64], dec[64], want[64];
	size_t len, dlen;
	const char *p;
	int c;

	for (c = 1; c < 256; c++) {
		snprintf(path, sizeof(path), "/x%cy", c);
		if (c == '\r' || c == '\n') {
			ck_assert_int_eq(
			    offload_path(P, path, 4, 0, out, sizeof(out), &len),
			    OFFLOAD_NAME);
			continue;
		}
		ck_assert_int_eq(
		    offload_path(P, path, 4, 0, out, sizeof(out), &len),
		    OFFLOAD_YES);
		for (p = out; *p != '\0'; p++)
			ck_assert_msg(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					     "abcdefghijklmnopqrstuvwxyz"
					     "0123456789-._~/%",
					  *p) != NULL &&
				(*p != '%' ||
				    (strchr("0123456789ABCDEF", p[1]) &&
					strchr("0123456789ABCDEF", p[2]))),
			    "byte %#x: output \"%s\"", c, out);
		ck_assert_int_eq(pct_decode(out, dec, sizeof(dec), &dlen), 0);
		snprintf(want, sizeof(want), "/_dlfcgi/x%cy", c);
		ck_assert_msg(
		    dlen == strlen(want) && memcmp(dec, want, dlen) == 0,
		    "byte %#x does not decode back", c);
	}
}
END_TEST

/*
 * The buffer bound, byte by byte: for each outlen below what the
 * result needs (its length + NUL) TOO_LONG and no byte written past
 * outlen; at exactly that size the whole result. An escape never cut.
 */
static const struct {
	const char *path;
	int flags;
} brows[] = {
    {"/abcdefghij", 0},
    {"/a%b%c", 0},
    {"/%%%%", 0},
    {"/\xc3\xbc\xc3\xbc", U8},
    {"/a b c", RAW},
};

START_TEST(test_path_bound)
{
	char full[128], out[128 + 8];
	size_t flen, len, outlen, k;
	enum offload_why w;

	ck_assert_int_eq(offload_path(P, brows[_i].path, strlen(brows[_i].path),
			     brows[_i].flags, full, sizeof(full), &flen),
	    OFFLOAD_YES);
	for (outlen = 0; outlen <= flen + 1; outlen++) {
		memset(out, 'Z', sizeof(out));
		w = offload_path(P, brows[_i].path, strlen(brows[_i].path),
		    brows[_i].flags, out, outlen, &len);
		for (k = outlen; k < sizeof(out); k++)
			ck_assert_msg(out[k] == 'Z', "outlen %zu: wrote [%zu]",
			    outlen, k);
		if (outlen <= flen) {
			ck_assert_msg(w == OFFLOAD_TOO_LONG, "outlen %zu: %s",
			    outlen, offload_why_text(w));
			continue;
		}
		ck_assert_int_eq(w, OFFLOAD_YES);
		ck_assert_uint_eq(len, flen);
		ck_assert_str_eq(out, full);
	}
}
END_TEST

/*
 * Names as long as Linux allows (NAME_MAX 255 per segment) into the
 * buffer the file handler uses (DL_HEADER_MAX / 2): 255 '%' encode to
 * 765 bytes and fit; a path whose encoding does not is TOO_LONG, never
 * cut.
 */
START_TEST(test_path_long_names)
{
	char path[4096], out[DL_HEADER_MAX / 2];
	size_t len, n, i;

	path[0] = '/';
	memset(path + 1, '%', 255);
	path[256] = '\0';
	ck_assert_int_eq(
	    offload_path(P, path, 256, 0, out, sizeof(out), &len), OFFLOAD_YES);
	ck_assert_uint_eq(len, strlen(P) + 3 * 255);
	/* segments of 255 '%' until the encoding exceeds the buffer */
	for (n = 1, i = 0; i < 3; i++) {
		path[n + 255] = '/';
		n += 256;
		memset(path + n, '%', 255);
		path[n + 255] = '\0';
	}
	n += 255;
	ck_assert_uint_gt(strlen(P) + 3 * (n - 4) + 4, sizeof(out));
	ck_assert_int_eq(offload_path(P, path, n, 0, out, sizeof(out), &len),
	    OFFLOAD_TOO_LONG);
	/* the same length plain fits */
	memset(path + 1, 'a', n - 1);
	for (i = 256; i < n; i += 256)
		path[i] = '/';
	ck_assert_int_eq(
	    offload_path(P, path, n, 0, out, sizeof(out), &len), OFFLOAD_YES);
	ck_assert_uint_eq(len, strlen(P) + n - 1);
}
END_TEST

/* The header block of an offloaded answer. */
static void
plan_of(struct decide_plan *pl, const struct decide_config *cfg,
    const char *range, off_t size)
{
	struct decide_request rq = {.method = "GET", .range = range};
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_size = size;
	st.st_mtim.tv_sec = T;
	decide(&rq, &st, cfg, NOW, pl);
}

static int
count(const char *h, const char *s)
{
	int n = 0;

	for (; (h = strstr(h, s)) != NULL; h++)
		n++;
	return n;
}

static const struct {
	const char *src;
	enum offload_mode mode;
	const char *range;
	int max_ranges;
	const char *cache_control;
	enum disposition_type disp;
	const char *filename;
	int64_t rate;
	const char *has[4]; /* lines the block must carry */
	const char *lacks[3];
} hrows[] = {
    {"nginx, no rate", XA, N, 16, N, DISPOSITION_NONE, N, 0,
	{"X-Accel-Redirect: /_dlfcgi/d/a%20b.bin\r\n", N},
	{"X-Accel-Limit-Rate", "Content-Disposition", "Cache-Control"}},
    /* nginx adds its own Accept-Ranges to a 200: ours would be twice */
    {"nginx, a 200: no Accept-Ranges of ours", XA, N, 16, N, DISPOSITION_NONE,
	N, 0, {N}, {"Accept-Ranges", N}},
    /* ... and none to a 206: ours is the one */
    {"nginx, a 206: Accept-Ranges bytes", XA, "bytes=0-9", 16, N,
	DISPOSITION_NONE, N, 0, {"\r\nAccept-Ranges: bytes\r\n", N}, {N}},
    {"x-sendfile, a 200: Accept-Ranges bytes", XS, N, 16, N, DISPOSITION_NONE,
	N, 0, {"\r\nAccept-Ranges: bytes\r\n", N}, {N}},
    {"x-sendfile, a 206: Accept-Ranges bytes", XS, "bytes=0-9", 16, N,
	DISPOSITION_NONE, N, 0, {"\r\nAccept-Ranges: bytes\r\n", N}, {N}},
    {"x-sendfile, max_ranges 0: Accept-Ranges none", XS, N, 0, N,
	DISPOSITION_NONE, N, 0, {"\r\nAccept-Ranges: none\r\n", N}, {N}},
    {"nginx, a rate in bytes/s", XA, N, 16, N, DISPOSITION_NONE, N, 5000,
	{"X-Accel-Limit-Rate: 5000\r\n", N}, {"X-LIGHTTPD", "X-Sendfile", N}},
    {"x-sendfile, 5000 B/s: 4 KiB/s", XS, N, 16, N, DISPOSITION_NONE, N, 5000,
	{"X-Sendfile: /_dlfcgi/d/a%20b.bin\r\n",
	    "X-LIGHTTPD-KBytes-per-second: 4\r\n", N},
	{"X-Accel", N}},
    {"x-sendfile, 1000 B/s: at least 1", XS, N, 16, N, DISPOSITION_NONE, N,
	1000, {"X-LIGHTTPD-KBytes-per-second: 1\r\n", N}, {N}},
    {"x-sendfile, 2047 B/s: rounded down", XS, N, 16, N, DISPOSITION_NONE, N,
	2047, {"X-LIGHTTPD-KBytes-per-second: 1\r\n", N}, {N}},
    {"x-sendfile, 2048 B/s", XS, N, 16, N, DISPOSITION_NONE, N, 2048,
	{"X-LIGHTTPD-KBytes-per-second: 2\r\n", N}, {N}},
    {"x-sendfile, no rate", XS, N, 16, N, DISPOSITION_NONE, N, 0, {N},
	{"X-LIGHTTPD", N}},
    {"a 206 plan: Status 200, the front end makes the 206", XA, "bytes=0-9", 16,
	N, DISPOSITION_NONE, N, 0, {N}, {"Content-Range", "Status: 206", N}},
    {"nginx, max_ranges 0: Accept-Ranges none", XA, N, 0, N, DISPOSITION_NONE,
	N, 0, {"\r\nAccept-Ranges: none\r\n", N}, {"Accept-Ranges: bytes", N}},
    {"cache_control", XA, N, 16, "max-age=60", DISPOSITION_NONE, N, 0,
	{"Cache-Control: max-age=60\r\n", N}, {N}},
    {"disposition attachment: the path's name", XA, N, 16, N,
	DISPOSITION_ATTACHMENT, N, 0,
	{"Content-Disposition: attachment; filename=\"a b.bin\"\r\n", N}, {N}},
    {"a signed link's dl= name wins", XS, N, 16, N, DISPOSITION_INLINE,
	"report 1.bin", 0,
	{"Content-Disposition: attachment; filename=\"report 1.bin\"\r\n", N},
	{"inline", N}},
};

START_TEST(test_headers_table)
{
	struct decide_config cfg = {
	    .max_ranges = hrows[_i].max_ranges,
	    .type = "application/x-test",
	    .cache_control = hrows[_i].cache_control,
	    .disposition = hrows[_i].disp,
	    .filename = hrows[_i].filename,
	    .etag_nginx = true,
	};
	char h[DL_HEADER_MAX + 1], want[128];
	const char *why = NULL;
	struct decide_plan pl;
	size_t len = 0, k;

	plan_of(&pl, &cfg, hrows[_i].range, 100000);
	ck_assert_int_eq(
	    offload_headers(hrows[_i].mode, &pl, &cfg, "/d/a b.bin",
		"/_dlfcgi/d/a%20b.bin", hrows[_i].rate, h, &len, &why),
	    0);
	ck_assert_uint_le(len, DL_HEADER_MAX);
	h[len] = '\0';
	ck_assert_uint_eq(strlen(h), len);
	/* one block: starts with the status, ends once with CRLF CRLF */
	ck_assert_msg(strncmp(h, "Status: 200 OK\r\n", 16) == 0, "%s", h);
	ck_assert_ptr_eq(strstr(h, "\r\n\r\n"), h + len - 4);
	ck_assert_ptr_nonnull(
	    strstr(h, "\r\nContent-Type: application/x-test\r\n"));
	snprintf(want, sizeof(want), "\r\nETag: %s\r\n", pl.etag);
	ck_assert_ptr_nonnull(strstr(h, want));
	ck_assert_ptr_nonnull(
	    strstr(h, "\r\nLast-Modified: Wed, 25 Jun 2014 17:12:18 GMT\r\n"));
	ck_assert_ptr_nonnull(strstr(h, "\r\nX-Content-Type-Options: nosniff"));
	/* no length and no body: the front end frames the file */
	ck_assert_ptr_null(strstr(h, "Content-Length"));
	ck_assert_int_eq(count(h,
			     hrows[_i].mode == XA ? "\r\nX-Accel-Redirect: "
						  : "\r\nX-Sendfile: "),
	    1);
	/* ours at most once, and only where the front end adds none */
	ck_assert_int_eq(count(h, "\r\nAccept-Ranges: "),
	    offload_accept_ranges(hrows[_i].mode, &pl, &cfg) ? 1 : 0);
	for (k = 0; k < 4 && hrows[_i].has[k] != NULL; k++)
		ck_assert_msg(strstr(h, hrows[_i].has[k]) != NULL,
		    "%s: no \"%s\" in\n%s", hrows[_i].src, hrows[_i].has[k], h);
	for (k = 0; k < 3 && hrows[_i].lacks[k] != NULL; k++)
		ck_assert_msg(strstr(h, hrows[_i].lacks[k]) == NULL,
		    "%s: \"%s\" in\n%s", hrows[_i].src, hrows[_i].lacks[k], h);
}
END_TEST

/* A target that cannot fit DL_HEADER_MAX: -1 and why, never a cut block. */
START_TEST(test_headers_too_long)
{
	struct decide_config cfg = {.max_ranges = 16, .type = "a/b"};
	static char target[DL_HEADER_MAX + 1], h[DL_HEADER_MAX + 1];
	const char *why = NULL;
	struct decide_plan pl;
	size_t len = 0, n;

	plan_of(&pl, &cfg, NULL, 100000);
	memset(target, 'a', DL_HEADER_MAX);
	target[DL_HEADER_MAX] = '\0';
	ck_assert_int_eq(
	    offload_headers(XA, &pl, &cfg, "/a", target, 0, h, &len, &why), -1);
	ck_assert_ptr_nonnull(why);
	/* the longest target that fits, found by shrinking: a whole block */
	for (n = DL_HEADER_MAX; n > 0; n--) {
		target[n] = '\0';
		why = NULL;
		if (offload_headers(
			XA, &pl, &cfg, "/a", target, 5000, h, &len, &why) == 0)
			break;
		ck_assert_ptr_nonnull(why);
	}
	ck_assert_uint_gt(n, DL_HEADER_MAX / 2);
	ck_assert_uint_le(len, DL_HEADER_MAX);
	ck_assert_int_eq(memcmp(h + len - 4, "\r\n\r\n", 4), 0);
	ck_assert_ptr_nonnull(strstr(h, "X-Accel-Limit-Rate: 5000\r\n"));
}
END_TEST

START_TEST(test_why_text)
{
	enum offload_why w;

	for (w = OFFLOAD_YES; w <= OFFLOAD_TOO_LONG; w++)
		ck_assert_str_ne(offload_why_text(w), "?");
}
END_TEST

Suite *
suite_offload(void)
{
	Suite *s = suite_create("offload");
	TCase *tc;

	tc = tcase_create("decide");
	tcase_add_loop_test(tc, test_decide_table, 0, NELEM(drows));
	tcase_add_loop_test(tc, test_range_simple, 0, NELEM(simple_rows));
	suite_add_tcase(s, tc);
	tc = tcase_create("path");
	tcase_add_loop_test(tc, test_path_table, 0, NELEM(prows));
	tcase_add_test(tc, test_path_every_byte);
	tcase_add_loop_test(tc, test_path_bound, 0, NELEM(brows));
	tcase_add_test(tc, test_path_long_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("headers");
	tcase_add_loop_test(tc, test_headers_table, 0, NELEM(hrows));
	tcase_add_test(tc, test_headers_too_long);
	tcase_add_test(tc, test_why_text);
	suite_add_tcase(s, tc);
	return s;
}
