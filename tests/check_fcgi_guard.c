/*
 * fcgi_guard_scan: what reaches libfcgi. Inputs are built record by
 * record; the hostile ones are those that break libfcgi 2.4.2.
 */
#include "autoconfig.h"

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_suites.h"
#include "fcgi_guard.h"

#define MAX 32768

struct msg {
	unsigned char b[2 * MAX];
	size_t len;
};

static void
rec(struct msg *m, int type, unsigned id, const void *content, size_t clen,
    size_t pad)
{
	unsigned char *p = m->b + m->len;

	ck_assert_uint_le(m->len + 8 + clen + pad, sizeof(m->b));
	p[0] = 1;
	p[1] = (unsigned char)type;
	p[2] = (unsigned char)(id >> 8);
	p[3] = (unsigned char)id;
	p[4] = (unsigned char)(clen >> 8);
	p[5] = (unsigned char)clen;
	p[6] = (unsigned char)pad;
	p[7] = 0;
	if (clen > 0)
		memcpy(p + 8, content, clen);
	memset(p + 8 + clen, 0, pad);
	m->len += 8 + clen + pad;
}

static void
begin(struct msg *m, unsigned id, unsigned role)
{
	unsigned char body[8] = {
	    (unsigned char)(role >> 8), (unsigned char)role, 0, 0, 0, 0, 0, 0};

	rec(m, 1, id, body, sizeof(body), 0);
}

/* One name-value pair with 1- or 4-byte lengths as needed. */
static size_t
pair(unsigned char *out, const char *n, const char *v)
{
	size_t nl = strlen(n), vl = strlen(v), o = 0;
	size_t ls[2] = {nl, vl};
	int i;

	for (i = 0; i < 2; i++) {
		if (ls[i] < 128)
			out[o++] = (unsigned char)ls[i];
		else {
			out[o++] = (unsigned char)(0x80 | ls[i] >> 24);
			out[o++] = (unsigned char)(ls[i] >> 16);
			out[o++] = (unsigned char)(ls[i] >> 8);
			out[o++] = (unsigned char)ls[i];
		}
	}
	memcpy(out + o, n, nl);
	memcpy(out + o + nl, v, vl);
	return o + nl + vl;
}

static void
good(struct msg *m, unsigned id)
{
	unsigned char p[256];
	size_t n = 0;

	n += pair(p + n, "REQUEST_METHOD", "GET");
	n += pair(p + n, "PATH_INFO", "/a.txt");
	begin(m, id, 1);
	rec(m, 4, id, p, n, 3);
	rec(m, 4, id, NULL, 0, 0);
	rec(m, 5, id, NULL, 0, 0);
}

static enum fcgi_guard_result
scan(const struct msg *m, size_t len, size_t *used, const char **why)
{
	return fcgi_guard_scan(m->b, len, MAX, used, why);
}

START_TEST(test_good_request)
{
	struct msg m = {.len = 0};
	const char *why;
	size_t used, i;

	good(&m, 1);
	ck_assert_int_eq(scan(&m, m.len, &used, &why), FCGI_GUARD_DONE);
	ck_assert_uint_eq(used, m.len);
	/* Every proper prefix is incomplete, never rejected. */
	for (i = 0; i < m.len; i++)
		ck_assert_msg(scan(&m, i, &used, &why) == FCGI_GUARD_MORE,
		    "prefix %zu", i);
}
END_TEST

START_TEST(test_trailing_bytes_not_used)
{
	struct msg m = {.len = 0};
	const char *why;
	size_t used, len1;

	good(&m, 7);
	len1 = m.len;
	good(&m, 8); /* a second request on the same connection */
	ck_assert_int_eq(scan(&m, m.len, &used, &why), FCGI_GUARD_DONE);
	ck_assert_uint_eq(used, len1);
}
END_TEST

START_TEST(test_params_split_across_records)
{
	struct msg m = {.len = 0};
	unsigned char p[512];
	const char *why;
	size_t n = 0, used, cut;

	n += pair(p + n, "HTTP_COOKIE", "a=1; b=2; c=3");
	n += pair(p + n, "PATH_INFO", "/x");
	begin(&m, 1, 1);
	for (cut = 0; cut < n; cut += 5)
		rec(&m, 4, 1, p + cut, n - cut < 5 ? n - cut : 5, 0);
	rec(&m, 4, 1, NULL, 0, 0);
	rec(&m, 5, 1, "body", 4, 4);
	rec(&m, 5, 1, NULL, 0, 0);
	ck_assert_int_eq(scan(&m, m.len, &used, &why), FCGI_GUARD_DONE);
}
END_TEST

START_TEST(test_long_value)
{
	struct msg m = {.len = 0};
	static unsigned char p[9000];
	static char v[8000];
	const char *why;
	size_t n, used;

	memset(v, 'v', sizeof(v) - 1);
	n = pair(p, "HTTP_X", v);
	begin(&m, 1, 1);
	rec(&m, 4, 1, p, n, 0);
	rec(&m, 4, 1, NULL, 0, 0);
	rec(&m, 5, 1, NULL, 0, 0);
	ck_assert_int_eq(scan(&m, m.len, &used, &why), FCGI_GUARD_DONE);
}
END_TEST

struct bad {
	const char *name;
	int kind;
	const char *why;
};

/* Each row builds one hostile or broken request. */
static const struct bad bad[] = {
    {"lengths summing past INT_MAX", 0, "name-value pair longer"},
    {"FCGI_GET_VALUES with 10 names", 1, "management record"},
    {"management record between PARAMS", 2, "management record"},
    {"first record is PARAMS", 3, "first record is not BEGIN_REQUEST"},
    {"role AUTHORIZER", 4, "role is not RESPONDER"},
    {"version 2", 5, "record version is not 1"},
    {"second request id", 6, "second request id"},
    {"ABORT_REQUEST", 7, "request aborted"},
    {"STDIN before PARAMS end", 8, "unexpected record type"},
    {"PARAMS end inside a pair", 9, "PARAMS end inside"},
    {"request over the limit", 10, "larger than the limit"},
    {"BEGIN_REQUEST of 9 bytes", 11, "first record is not BEGIN_REQUEST"},
};

static void
build_bad(struct msg *m, int kind)
{
	unsigned char p[64], big[8192];
	size_t n;
	int i;

	switch (kind) {
	case 0:
		begin(m, 1, 1);
		/* name and value lengths of 0x7fffff00 each */
		p[0] = p[4] = 0xff;
		p[1] = p[5] = 0xff;
		p[2] = p[6] = 0xff;
		p[3] = p[7] = 0x00;
		rec(m, 4, 1, p, 8, 0);
		break;
	case 1:
		for (i = 0, n = 0; i < 10; i++)
			n += pair(big + n, "FCGI_MAX_CONNS", "");
		rec(m, 9, 0, big, n, 0);
		break;
	case 2:
		begin(m, 1, 1);
		n = pair(p, "A", "b");
		rec(m, 4, 1, p, n, 0);
		rec(m, 9, 0, p, n, 0);
		break;
	case 3:
		rec(m, 4, 1, NULL, 0, 0);
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
		rec(m, 4, 2, NULL, 0, 0);
		break;
	case 7:
		begin(m, 1, 1);
		rec(m, 2, 1, NULL, 0, 0);
		break;
	case 8:
		begin(m, 1, 1);
		rec(m, 5, 1, NULL, 0, 0);
		break;
	case 9:
		begin(m, 1, 1);
		n = pair(p, "NAME", "value");
		rec(m, 4, 1, p, n - 2, 0);
		rec(m, 4, 1, NULL, 0, 0);
		break;
	case 10:
		begin(m, 1, 1);
		memset(big, 0, sizeof(big));
		for (i = 0; i < 5; i++)
			rec(m, 4, 1, big, 8000, 0);
		break;
	case 11:
		rec(m, 1, 1, "\0\1\0\0\0\0\0\0\0", 9, 0);
		break;
	}
}

START_TEST(test_hostile)
{
	struct msg m = {.len = 0};
	const char *why = NULL;
	size_t used;

	build_bad(&m, bad[_i].kind);
	ck_assert_msg(scan(&m, m.len, &used, &why) == FCGI_GUARD_REJECT,
	    "%s: not rejected", bad[_i].name);
	ck_assert_ptr_nonnull(why);
	ck_assert_msg(strstr(why, bad[_i].why) != NULL, "%s: why \"%s\"",
	    bad[_i].name, why);
}
END_TEST

START_TEST(test_half_header_is_more)
{
	struct msg m = {.len = 0};
	const char *why;
	size_t used;

	begin(&m, 1, 1);
	/* half a record header: wait (the caller's deadline ends it) */
	ck_assert_int_eq(scan(&m, 12, &used, &why), FCGI_GUARD_MORE);
	ck_assert_int_eq(scan(&m, 0, &used, &why), FCGI_GUARD_MORE);
}
END_TEST

Suite *
suite_fcgi_guard(void)
{
	Suite *s = suite_create("fcgi_guard");
	TCase *tc = tcase_create("Core");
	TCase *th = tcase_create("Hostile");

	tcase_add_test(tc, test_good_request);
	tcase_add_test(tc, test_trailing_bytes_not_used);
	tcase_add_test(tc, test_params_split_across_records);
	tcase_add_test(tc, test_long_value);
	tcase_add_test(tc, test_half_header_is_more);
	tcase_add_loop_test(
	    th, test_hostile, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	suite_add_tcase(s, tc);
	suite_add_tcase(s, th);
	return s;
}
