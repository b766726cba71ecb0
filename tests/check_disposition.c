/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Content-Disposition (disposition_format, RFC 6266 + RFC 8187). Every
 * value is also run through a small strict parser: one value, a type, a
 * quoted ASCII filename and an optional filename*, with no control
 * character anywhere. (The multipart/byteranges framing has its own
 * suite: check_multipart.c.)
 */
#include "autoconfig.h"

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "disposition.h"

#define A DISPOSITION_ATTACHMENT
#define IN DISPOSITION_INLINE

struct disp_row {
	enum disposition_type type;
	const char *name;
	const char *want;
};

static const struct disp_row rows[] = {
    {A, "report.pdf", "attachment; filename=\"report.pdf\""}, /* plain ASCII */
    {IN, "report.pdf", "inline; filename=\"report.pdf\""},    /* inline */
    {A, "my file v2.txt", "attachment; filename=\"my file v2.txt\""},
    {A, "a!#$&+-.^_`|~b", "attachment; filename=\"a!#$&+-.^_`|~b\""},
    {A, "it's (1), [x] = y", "attachment; filename=\"it's (1), [x] = y\""},
    /* RFC 6266 §4.3: '"' and '\\' never reach the quoted-string */
    {A, "a\"b.txt",
	"attachment; filename=\"a_b.txt\"; filename*=UTF-8''a%22b.txt"},
    {A, "\"", "attachment; filename=\"_\"; filename*=UTF-8''%22"},
    {A, "a\\b", "attachment; filename=\"a_b\"; filename*=UTF-8''a%5Cb"},
    {A, "100%.txt",
	"attachment; filename=\"100_.txt\"; filename*=UTF-8''100%25.txt"},
    {A, "%C3%A9",
	"attachment; filename=\"_C3_A9\"; filename*=UTF-8''%25C3%25A9"},
    {A, "a;b", "attachment; filename=\"a_b\"; filename*=UTF-8''a%3Bb"},
    /* header injection: CR, LF, tab, other controls, DEL */
    {A, "a\rb", "attachment; filename=\"a_b\"; filename*=UTF-8''a%0Db"},
    {A, "a\nb", "attachment; filename=\"a_b\"; filename*=UTF-8''a%0Ab"},
    {A, "a\r\nSet-Cookie: x=y",
	"attachment; filename=\"a__Set-Cookie: x=y\"; "
	"filename*=UTF-8''a%0D%0ASet-Cookie%3A%20x%3Dy"},
    {A, "a\tb", "attachment; filename=\"a_b\"; filename*=UTF-8''a%09b"},
    {A, "\x01\x1f\x7f",
	"attachment; filename=\"___\"; filename*=UTF-8''%01%1F%7F"},
    /* UTF-8: '_' per byte, and the exact bytes in filename* */
    {A, "r\xc3\xa9sum\xc3\xa9.pdf",
	"attachment; filename=\"r__sum__.pdf\"; "
	"filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"},
    {IN, "\xe2\x82\xac 5.txt",
	"inline; filename=\"___ 5.txt\"; filename*=UTF-8''%E2%82%AC%205.txt"},
    {A, "\xf0\x9f\x98\x80.png",
	"attachment; filename=\"____.png\"; filename*=UTF-8''%F0%9F%98%80.png"},
    {A, "\xc3\xa9'x",
	"attachment; filename=\"__'x\"; filename*=UTF-8''%C3%A9%27x"},
    /* invalid UTF-8 bytes: encoded as they are (disposition.h) */
    {A, "\xff\xfe.bin",
	"attachment; filename=\"__.bin\"; filename*=UTF-8''%FF%FE.bin"},
    {A, "\xc3(", "attachment; filename=\"_(\"; filename*=UTF-8''%C3%28"},
    /* only the last path component */
    {A, "dir/sub/file.txt", "attachment; filename=\"file.txt\""},
    {A, "/abs/path/x", "attachment; filename=\"x\""},
    {A, "d\xc3\xa9/x\"y",
	"attachment; filename=\"x_y\"; filename*=UTF-8''x%22y"},
    /* no name: the type alone */
    {A, "", "attachment"},
    {IN, "", "inline"},
    {A, "dir/", "attachment"},
    {A, "/", "attachment"},
};

static bool
attr_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$&+-.^_`|~", c));
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1; /* lower case: RFC 8187 allows it, dlfcgi writes upper */
}

/*
 * A strict reading of one Content-Disposition value as dlfcgi writes it:
 *   type [ "; filename=" quoted-string [ "; filename*=UTF-8''" value ] ]
 * Fills fallback and ext (decoded, *extlen bytes); -1 on any deviation.
 */
static int
disp_parse(const char *v, const char **type, char *fallback, char *ext,
    size_t *extlen, bool *has_ext)
{
	const char *p;
	size_t o;
	int hi, lo;

	*has_ext = false;
	*extlen = 0;
	fallback[0] = '\0';
	for (p = v; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			return -1;
	if (strncmp(v, "attachment", 10) == 0) {
		*type = "attachment";
		p = v + 10;
	} else if (strncmp(v, "inline", 6) == 0) {
		*type = "inline";
		p = v + 6;
	} else
		return -1;
	if (*p == '\0')
		return 0;
	if (strncmp(p, "; filename=\"", 12) != 0)
		return -1;
	for (p += 12, o = 0; *p != '"'; p++) {
		/* qdtext, and no quoted-pair: dlfcgi never needs one */
		if (*p == '\0' || *p == '\\')
			return -1;
		fallback[o++] = *p;
	}
	fallback[o] = '\0';
	p++;
	if (*p == '\0')
		return 0;
	if (strncmp(p, "; filename*=UTF-8''", 19) != 0)
		return -1;
	*has_ext = true;
	for (p += 19; *p != '\0'; p++) {
		if (*p == '%') {
			if ((hi = hexval(p[1])) == -1 ||
			    (lo = hexval(p[2])) == -1)
				return -1;
			ext[(*extlen)++] = (char)(hi << 4 | lo);
			p += 2;
		} else if (attr_char((unsigned char)*p))
			ext[(*extlen)++] = *p;
		else
			/* '"', ';', ' ', ... would end or break it */
			return -1;
	}
	return *extlen > 0 ? 0 : -1;
}

static bool
plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '%' &&
	    c != ';';
}

/*
 * The invariants of one formatted value for name: it parses, the type is
 * right, the fallback is the last component byte for byte or '_', and
 * filename* is present exactly when needed and decodes to the name.
 */
static void
check_value(enum disposition_type type, const char *name, const char *v)
{
	char fallback[1024], ext[1024];
	const char *base = strrchr(name, '/'), *t;
	size_t extlen, i, blen;
	bool has_ext, need_ext = false;

	base = base != NULL ? base + 1 : name;
	blen = strlen(base);
	ck_assert_msg(disp_parse(v, &t, fallback, ext, &extlen, &has_ext) == 0,
	    "unparsable: [%s]", v);
	ck_assert_str_eq(
	    t, type == DISPOSITION_INLINE ? "inline" : "attachment");
	if (blen == 0) {
		ck_assert_str_eq(v, t);
		return;
	}
	ck_assert_uint_eq(strlen(fallback), blen);
	for (i = 0; i < blen; i++) {
		if (plain((unsigned char)base[i]))
			ck_assert_int_eq(fallback[i], base[i]);
		else {
			ck_assert_int_eq(fallback[i], '_');
			need_ext = true;
		}
	}
	ck_assert_msg(has_ext == need_ext, "[%s]: filename* %d", v, has_ext);
	if (has_ext) {
		ck_assert_uint_eq(extlen, blen);
		ck_assert_msg(memcmp(ext, base, blen) == 0, "[%s]", v);
	}
}

START_TEST(test_disp_table)
{
	const struct disp_row *r = &rows[_i];
	char out[512];

	ck_assert_int_eq(
	    disposition_format(r->type, r->name, out, sizeof(out)), 0);
	ck_assert_str_eq(out, r->want);
	check_value(r->type, r->name, out);
}
END_TEST

/* Every buffer shorter than the value plus NUL: -1, and no byte beyond. */
START_TEST(test_disp_small)
{
	const struct disp_row *r = &rows[_i];
	size_t need = strlen(r->want) + 1, len;
	char *buf;

	for (len = 0; len <= need; len++) {
		/* exactly len bytes on the heap, so ASan sees an overflow */
		buf = malloc(len > 0 ? len : 1);
		ck_assert_ptr_nonnull(buf);
		if (len < need)
			ck_assert_msg(disposition_format(
					  r->type, r->name, buf, len) == -1,
			    "[%s] fits in %zu", r->want, len);
		else {
			ck_assert_int_eq(
			    disposition_format(r->type, r->name, buf, len), 0);
			ck_assert_str_eq(buf, r->want);
		}
		free(buf);
	}
}
END_TEST

/* The seed of check_rand, so that failures reproduce. */
static uint64_t rng_state = 0xd1b54a32d192ed03ULL;

/* Random NUL-free names, with '/' now and then: the invariants hold. */
START_TEST(test_disp_random)
{
	static const char pick[] =
	    "aZ9 ._-/\"\\%;'\r\n\t\x01\x7f\x80\xc3\xa9\xff";
	char name[64], out[1024];
	size_t len, i;
	int iter;

	for (iter = 0; iter < 5000; iter++) {
		len = (size_t)(check_rand(&rng_state) % 40);
		for (i = 0; i < len; i++) {
			if (check_rand(&rng_state) % 2)
				name[i] = pick[check_rand(&rng_state) %
				    (sizeof(pick) - 1)];
			else
				name[i] =
				    (char)(check_rand(&rng_state) % 255 + 1);
		}
		name[len] = '\0';
		ck_assert_int_eq(disposition_format(
				     iter % 2 ? A : IN, name, out, sizeof(out)),
		    0);
		check_value(iter % 2 ? A : IN, name, out);
	}
}
END_TEST

Suite *
suite_disposition(void)
{
	Suite *s = suite_create("disposition");
	TCase *tc;

	tc = tcase_create("content_disposition");
	tcase_add_loop_test(tc, test_disp_table, 0, NELEM(rows));
	tcase_add_loop_test(tc, test_disp_small, 0, NELEM(rows));
	tcase_add_test(tc, test_disp_random);
	suite_add_tcase(s, tc);
	return s;
}
