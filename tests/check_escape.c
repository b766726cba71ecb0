/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * JSON, HTML and OpenMetrics-label escaping of any bytes (RFC 8259 §7,
 * RFC 3629 §3-4 for what is UTF-8, the OpenMetrics 1.0 ABNF for label
 * values), and cutting at a whole escape.
 */
#include "autoconfig.h"

#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "escape.h"

static const struct {
	const char *in, *json, *html, *label;
} rows[] = {
    {"", "", "", ""},
    {"/a/b.iso", "/a/b.iso", "/a/b.iso", "/a/b.iso"},
    {"\"q\"", "\\\"q\\\"", "&quot;q&quot;", "\\\"q\\\""},
    {"a\\b", "a\\\\b", "a\\b", "a\\\\b"},
    {"<script>&'", "<script>&'", "&lt;script&gt;&amp;&#39;", "<script>&'"},
    {"a\nb\rc\td", "a\\nb\\rc\\td",
	"a\xef\xbf\xbd"
	"b\xef\xbf\xbd"
	"c\xef\xbf\xbd"
	"d",
	"a\\nb\xef\xbf\xbd"
	"c\xef\xbf\xbd"
	"d"},
    {"\x01\x1f\x7f", "\\u0001\\u001f\\u007f",
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    /* valid UTF-8 passes: 2, 3 and 4 bytes */
    {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"},
    /* U+2028, U+2029: JSON escapes them (JavaScript line breaks) */
    {"a\xe2\x80\xa8"
     "b\xe2\x80\xa9",
	"a\\u2028b\\u2029",
	"a\xe2\x80\xa8"
	"b\xe2\x80\xa9",
	"a\xe2\x80\xa8"
	"b\xe2\x80\xa9"},
    /* not UTF-8: a lone continuation, a lone lead, overlongs,
     * surrogates, above U+10FFFF, a truncated sequence at the end */
    {"\x80", "\\u0080", "\xef\xbf\xbd", "\xef\xbf\xbd"},
    {"\xff", "\\u00ff", "\xef\xbf\xbd", "\xef\xbf\xbd"},
    {"\xc0\xaf", "\\u00c0\\u00af", "\xef\xbf\xbd\xef\xbf\xbd",
	"\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xe0\x80\xaf", "\\u00e0\\u0080\\u00af",
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xed\xa0\x80", "\\u00ed\\u00a0\\u0080",
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"\xf4\x90\x80\x80", "\\u00f4\\u0090\\u0080\\u0080",
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
	"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"a\xe2\x82", "a\\u00e2\\u0082", "a\xef\xbf\xbd\xef\xbf\xbd",
	"a\xef\xbf\xbd\xef\xbf\xbd"},
};

START_TEST(test_rows)
{
	char out[256];

	ck_assert_str_eq(
	    escape_json(rows[_i].in, out, sizeof(out)), rows[_i].json);
	ck_assert_str_eq(
	    escape_html(rows[_i].in, out, sizeof(out)), rows[_i].html);
	ck_assert_str_eq(
	    escape_label(rows[_i].in, out, sizeof(out)), rows[_i].label);
}
END_TEST

START_TEST(test_null)
{
	char out[8] = "x";

	ck_assert_str_eq(escape_json(NULL, out, sizeof(out)), "");
}
END_TEST

/* Cut before a whole escape or character, never inside one. */
static const struct {
	const char *in;
	size_t outlen;
	const char *json;
} cuts[] = {
    {"abc", 1, ""},
    {"abc", 3, "ab"},
    {"a\"b", 3, "a"},
    {"a\"b", 4, "a\\\""},
    {"a\x01", 7, "a"},
    {"a\x01", 8, "a\\u0001"},
    {"a\xc3\xa9", 3, "a"},
    {"a\xf0\x9f\x98\x80", 5, "a"},
    {"a\xf0\x9f\x98\x80", 6, "a\xf0\x9f\x98\x80"},
};

START_TEST(test_cut)
{
	char out[64];

	memset(out, 'x', sizeof(out));
	ck_assert_str_eq(
	    escape_json(cuts[_i].in, out, cuts[_i].outlen), cuts[_i].json);
}
END_TEST

static const struct {
	const char *in;
	size_t len;
} utf8[] = {
    {"", 0},
    {"a", 1},
    {"\x7f", 1},
    {"\xc2\x80", 2},
    {"\xc1\xbf", 0},
    {"\xdf\xbf", 2},
    {"\xe0\xa0\x80", 3},
    {"\xe0\x9f\xbf", 0},
    {"\xef\xbf\xbf", 3},
    {"\xed\x9f\xbf", 3},
    {"\xed\xa0\x80", 0},
    {"\xf0\x90\x80\x80", 4},
    {"\xf0\x8f\xbf\xbf", 0},
    {"\xf4\x8f\xbf\xbf", 4},
    {"\xf4\x90\x80\x80", 0},
    {"\xf5\x80\x80\x80", 0},
    {"\xc3", 0},
    {"\xe2\x82", 0},
    {"\xe2\x82x", 0},
};

START_TEST(test_utf8_len)
{
	ck_assert_uint_eq(
	    escape_utf8_len((const unsigned char *)utf8[_i].in), utf8[_i].len);
}
END_TEST

Suite *
suite_escape(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("Core");

	tcase_add_loop_test(tc, test_rows, 0, NELEM(rows));
	tcase_add_test(tc, test_null);
	tcase_add_loop_test(tc, test_cut, 0, NELEM(cuts));
	tcase_add_loop_test(tc, test_utf8_len, 0, NELEM(utf8));
	suite_add_tcase(s, tc);
	return s;
}
