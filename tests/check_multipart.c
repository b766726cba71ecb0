/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The multipart/byteranges framing (multipart_part_header,
 * multipart_length, multipart_boundary_format; RFC 9110 §14.6): part headers
 * as lighttpd, nginx and Go write them, 64-bit offsets, buffers too
 * small, and a length that equals the body built in memory byte for
 * byte.
 */
#include "autoconfig.h"

#include <sys/random.h>

#include <check.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "multipart.h"

/* A boundary from fresh random bytes, as the file handler draws it. */
static void
test_boundary(char b[MULTIPART_BOUNDARY_LEN])
{
	unsigned char r[MULTIPART_BOUNDARY_RANDOM];

	ck_assert_int_eq(getrandom(r, sizeof(r), 0), (ssize_t)sizeof(r));
	multipart_boundary_format(r, b);
}

#define BND "0123456789abcdef0123456789abcdef"

/* lighttpd request.t: /100.txt, bytes=0-1,97-98 */
START_TEST(test_multipart_header)
{
	static const struct range r[] = {{0, 1}, {97, 98}};
	char out[MULTIPART_HEADER_MAX];
	int n;

	n = multipart_part_header(
	    out, sizeof(out), BND, "text/plain;charset=utf-8", &r[0], 100);
	ck_assert_str_eq(out,
	    "\r\n--" BND "\r\n"
	    "Content-Type: text/plain;charset=utf-8\r\n"
	    "Content-Range: bytes 0-1/100\r\n\r\n");
	ck_assert_int_eq(n, (int)strlen(out));
	n = multipart_part_header(
	    out, sizeof(out), BND, "text/plain;charset=utf-8", &r[1], 100);
	ck_assert_str_eq(out,
	    "\r\n--" BND "\r\n"
	    "Content-Type: text/plain;charset=utf-8\r\n"
	    "Content-Range: bytes 97-98/100\r\n\r\n");
	n = multipart_part_header(out, sizeof(out), BND, "x", NULL, 100);
	ck_assert_str_eq(out, "\r\n--" BND "--\r\n");
	ck_assert_int_eq(n, (int)strlen(out));
}
END_TEST

/* 64-bit offsets in Content-Range. */
START_TEST(test_multipart_header_large)
{
	const off_t size = 5LL * 1024 * 1024 * 1024;
	const struct range r = {4294967296LL, size - 1};
	char out[MULTIPART_HEADER_MAX];

	ck_assert_int_gt(multipart_part_header(out, sizeof(out), BND,
			     "application/octet-stream", &r, size),
	    0);
	ck_assert_ptr_nonnull(strstr(
	    out, "Content-Range: bytes 4294967296-5368709119/5368709120\r\n"));
}
END_TEST

/* Too small a buffer: -1; exactly enough: the length. */
START_TEST(test_multipart_header_small)
{
	static const struct range r = {0, 1};
	char out[MULTIPART_HEADER_MAX], big[MULTIPART_HEADER_MAX + 64];
	int n;

	n = multipart_part_header(out, sizeof(out), BND, "t/x", &r, 100);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(
	    multipart_part_header(out, (size_t)n + 1, BND, "t/x", &r, 100), n);
	ck_assert_int_eq(
	    multipart_part_header(out, (size_t)n, BND, "t/x", &r, 100), -1);
	ck_assert_int_eq(
	    multipart_part_header(out, 0, BND, "t/x", NULL, 100), -1);
	ck_assert_int_eq(
	    multipart_part_header(out, 8, BND, "t/x", NULL, 100), -1);

	/* a type too long for MULTIPART_HEADER_MAX */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(
	    multipart_part_header(out, sizeof(out), BND, big, &r, 100), -1);
	ck_assert_int_eq(multipart_length(BND, big, &r, 1, 100), -1);
}
END_TEST

struct mp_row {
	off_t size;
	size_t n;
	struct range r[4];
};

static const struct mp_row mp_rows[] = {
    {100, 2, {{0, 1}, {97, 98}}},	       /* lighttpd request.t */
    {1000, 2, {{0, 19}, {990, 999}}},	       /* nginx range.t, coalesced */
    {1000, 3, {{0, 9}, {990, 999}, {10, 19}}}, /* nginx range.t, as sent */
    {11, 2, {{0, 0}, {9, 10}}},		       /* Go ServeFileRangeTests */
    {11, 2, {{0, 1}, {5, 8}}},		       /* Go ServeFileRangeTests */
    {10000, 4, {{0, 0}, {500, 999}, {5000, 5000}, {9999, 9999}}},
    {1, 1, {{0, 0}}}, {10, 0, {{0}}}, /* no part: only the closing delimiter */
};

/* Occurrences of needle in s[0..len). */
static size_t
count(const char *s, size_t len, const char *needle)
{
	const char *p = s, *q;
	size_t c = 0, nl = strlen(needle);

	while ((q = memmem(p, len - (size_t)(p - s), needle, nl)) != NULL) {
		c++;
		p = q + 1;
	}
	return c;
}

/*
 * multipart_length equals the length of the body built in memory, part
 * headers, bytes and closing delimiter, as request.c sends it.
 */
START_TEST(test_multipart_length)
{
	const struct mp_row *t = &mp_rows[_i];
	static const char *const types[] = {
	    "text/plain;charset=utf-8", "application/octet-stream"};
	char file[10000], body[16384], b[MULTIPART_BOUNDARY_LEN], delim[64];
	size_t o, i, k;
	off_t j;
	int h;

	for (j = 0; j < t->size; j++)
		file[j] = (char)('a' + j % 26);
	test_boundary(b);
	for (k = 0; k < 2; k++) {
		o = 0;
		for (i = 0; i < t->n; i++) {
			h = multipart_part_header(body + o, sizeof(body) - o, b,
			    types[k], &t->r[i], t->size);
			ck_assert_int_gt(h, 0);
			o += (size_t)h;
			memcpy(body + o, file + t->r[i].first,
			    (size_t)(t->r[i].last - t->r[i].first + 1));
			o += (size_t)(t->r[i].last - t->r[i].first + 1);
		}
		h = multipart_part_header(
		    body + o, sizeof(body) - o, b, types[k], NULL, t->size);
		ck_assert_int_gt(h, 0);
		o += (size_t)h;
		ck_assert_int_eq(
		    multipart_length(b, types[k], t->r, t->n, t->size),
		    (off_t)o);
		/* and the body ends with the one closing delimiter */
		ck_assert_uint_ge(o, strlen(b) + 8);
		ck_assert_int_eq(
		    memcmp(body + o - strlen(b) - 8, "\r\n--", 4), 0);
		ck_assert_int_eq(
		    memcmp(body + o - strlen(b) - 4, b, strlen(b)), 0);
		ck_assert_int_eq(memcmp(body + o - 4, "--\r\n", 4), 0);
		/* one delimiter per part, then the close, nothing after */
		snprintf(delim, sizeof(delim), "\r\n--%s", b);
		ck_assert_uint_eq(count(body, o, delim), t->n + 1);
		snprintf(delim, sizeof(delim), "\r\n--%s--\r\n", b);
		ck_assert_uint_eq(count(body, o, delim), 1);
	}
}
END_TEST

/* A 5 GiB file: the length is 64-bit and counted independently here. */
START_TEST(test_multipart_length_large)
{
	const off_t size = 5LL * 1024 * 1024 * 1024;
	static const char type[] = "application/octet-stream";
	const struct range r[] = {
	    {0, 0}, {4294967296LL, 4294967296LL + 99}, {size - 10, size - 1}};
	char buf[MULTIPART_HEADER_MAX];
	off_t want = 0;
	size_t i;

	for (i = 0; i < 3; i++)
		want += snprintf(buf, sizeof(buf),
			    "\r\n--%s\r\nContent-Type: %s\r\n"
			    "Content-Range: bytes %" PRIdMAX "-%" PRIdMAX
			    "/%" PRIdMAX "\r\n\r\n",
			    BND, type, (intmax_t)r[i].first,
			    (intmax_t)r[i].last, (intmax_t)size) +
		    (r[i].last - r[i].first + 1);
	want += snprintf(buf, sizeof(buf), "\r\n--%s--\r\n", BND);
	ck_assert_int_eq(multipart_length(BND, type, r, 3, size), want);

	/* two halves of the file: the length exceeds 4 GiB */
	{
		const struct range h[] = {
		    {0, size / 2 - 1000}, {size / 2, size - 1}};

		ck_assert_int_gt(
		    multipart_length(BND, type, h, 2, size), size - 1000);
	}
}
END_TEST

START_TEST(test_multipart_boundary)
{
	static const unsigned char r[MULTIPART_BOUNDARY_RANDOM] = {0x00, 0x01,
	    0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98,
	    0x76, 0x54, 0x10};
	char a[MULTIPART_BOUNDARY_LEN], b[MULTIPART_BOUNDARY_LEN];
	size_t i;

	multipart_boundary_format(r, a);
	ck_assert_str_eq(a,
	    "00012345678"
	    "9abcdeffedcba98765410");
	test_boundary(a);
	test_boundary(b);
	ck_assert_uint_eq(strlen(a), MULTIPART_BOUNDARY_LEN - 1);
	for (i = 0; i < MULTIPART_BOUNDARY_LEN - 1; i++)
		ck_assert_ptr_nonnull(strchr("0123456789abcdef", a[i]));
	ck_assert_str_ne(a, b);
}
END_TEST

Suite *
suite_multipart(void)
{
	Suite *s = suite_create("multipart");
	TCase *tc;

	tc = tcase_create("multipart");
	tcase_add_test(tc, test_multipart_header);
	tcase_add_test(tc, test_multipart_header_large);
	tcase_add_test(tc, test_multipart_header_small);
	tcase_add_loop_test(tc, test_multipart_length, 0, NELEM(mp_rows));
	tcase_add_test(tc, test_multipart_length_large);
	tcase_add_test(tc, test_multipart_boundary);
	suite_add_tcase(s, tc);
	return s;
}
