/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * log_sanitize(), which every error log or syslog line goes through:
 * CR, LF, control bytes, DEL and non-UTF-8 shown as \xHH so that a line
 * stays one line, and the cut of a value that does not fit. (The
 * access log's escaping of the fields a peer sets has its own suite:
 * check_accesslog.c.)
 */
#include "autoconfig.h"

#include <check.h>
#include <string.h>

#include "accesslog.h"
#include "check_suites.h"
#include "check_util.h"
#include "log.h"

static const struct {
	const char *in;
	size_t outlen;
	const char *line;
} rows[] = {
    {"GET", 64, "GET"},
    {"", 64, ""},
    {"127.0.0.1", 64, "127.0.0.1"},
    {"GET\r\n2026-01-01 forged", 64, "GET\\x0d\\x0a2026-01-01 forged"},
    {"a\"b", 64, "a\"b"},
    {"a\\b", 64, "a\\b"},
    {"\x1b[31mred", 64, "\\x1b[31mred"},
    {"\x01\x1f\x7f", 64, "\\x01\\x1f\\x7f"},
    {"\t", 64, "\\x09"},
    {"caf\xc3\xa9", 64, "caf\\xc3\\xa9"},
    {"\xff\xfe", 64, "\\xff\\xfe"},
    {"\" 200 0 0 -\n", 64, "\" 200 0 0 -\\x0a"},
    /* cut at a whole character, never inside an escape */
    {"abcdef", 4, "abc"},
    {"ab\ncd", 6, "ab"},
    {"ab\ncd", 7, "ab\\x0a"},
    {"\n", 5, "\\x0a"},
    {"\n", 4, ""},
    {"x", 1, ""},
};

START_TEST(test_sanitize_line)
{
	char out[64];

	ck_assert_uint_le(rows[_i].outlen, sizeof(out));
	memset(out, '#', sizeof(out));
	ck_assert_ptr_eq(log_sanitize(rows[_i].in, out, rows[_i].outlen), out);
	ck_assert_str_eq(out, rows[_i].line);
}
END_TEST

/* Sanitized output holds only printable ASCII, for every byte value. */
START_TEST(test_every_byte)
{
	char in[2], b[8];
	const char *p;
	int c;

	for (c = 1; c < 256; c++) {
		in[0] = (char)c;
		in[1] = '\0';
		log_sanitize(in, b, sizeof(b));
		for (p = b; *p != '\0'; p++)
			ck_assert(*p >= 0x20 && *p < 0x7f);
		ck_assert_uint_eq(strlen(b), c >= 0x20 && c < 0x7f ? 1 : 4);
	}
}
END_TEST

/* Escaping a field, then the line, keeps the field as it was escaped. */
START_TEST(test_field_then_line)
{
	char f[64], l[64];

	accesslog_escape("GET\n\"x\\", f, sizeof(f));
	log_sanitize(f, l, sizeof(l));
	ck_assert_str_eq(l, "GET\\x0a\\x22x\\x5c");
}
END_TEST

Suite *
suite_log(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("Escape");

	tcase_add_loop_test(tc, test_sanitize_line, 0, NELEM(rows));
	tcase_add_test(tc, test_every_byte);
	tcase_add_test(tc, test_field_then_line);
	suite_add_tcase(s, tc);
	return s;
}
