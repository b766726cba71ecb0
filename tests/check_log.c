/*
 * The two escapers every log line goes through: accesslog_escape() for
 * the fields a peer sets (client, method, path, range), log_sanitize()
 * for a whole error log or syslog line. Tables of hostile values: CR,
 * LF, quotes, backslashes, control bytes, DEL, non-UTF-8, and the cut
 * of a value that does not fit.
 */
#include "autoconfig.h"

#include <check.h>
#include <string.h>

#include "accesslog.h"
#include "check_suites.h"
#include "log.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	const char *in;
	size_t outlen;
	const char *field; /* accesslog_escape */
	const char *line;  /* log_sanitize */
} rows[] = {
    {"GET", 64, "GET", "GET"},
    {"", 64, "", ""},
    {"127.0.0.1", 64, "127.0.0.1", "127.0.0.1"},
    {"GET\r\n2026-01-01 forged", 64, "GET\\x0d\\x0a2026-01-01 forged",
	"GET\\x0d\\x0a2026-01-01 forged"},
    {"a\"b", 64, "a\\x22b", "a\"b"},
    {"a\\b", 64, "a\\x5cb", "a\\b"},
    {"\x1b[31mred", 64, "\\x1b[31mred", "\\x1b[31mred"},
    {"\x01\x1f\x7f", 64, "\\x01\\x1f\\x7f", "\\x01\\x1f\\x7f"},
    {"\t", 64, "\\x09", "\\x09"},
    {"caf\xc3\xa9", 64, "caf\\xc3\\xa9", "caf\\xc3\\xa9"},
    {"\xff\xfe", 64, "\\xff\\xfe", "\\xff\\xfe"},
    {"\" 200 0 0 -\n", 64, "\\x22 200 0 0 -\\x0a", "\" 200 0 0 -\\x0a"},
    /* cut at a whole character, never inside an escape */
    {"abcdef", 4, "abc", "abc"},
    {"ab\ncd", 6, "ab", "ab"},
    {"ab\ncd", 7, "ab\\x0a", "ab\\x0a"},
    {"\n", 5, "\\x0a", "\\x0a"},
    {"\n", 4, "", ""},
    {"x", 1, "", ""},
};

START_TEST(test_escape_field)
{
	char out[64];

	ck_assert_uint_le(rows[_i].outlen, sizeof(out));
	memset(out, '#', sizeof(out));
	ck_assert_ptr_eq(
	    accesslog_escape(rows[_i].in, out, rows[_i].outlen), out);
	ck_assert_str_eq(out, rows[_i].field);
}
END_TEST

START_TEST(test_sanitize_line)
{
	char out[64];

	memset(out, '#', sizeof(out));
	ck_assert_ptr_eq(log_sanitize(rows[_i].in, out, rows[_i].outlen), out);
	ck_assert_str_eq(out, rows[_i].line);
}
END_TEST

/* Space-separated fields (client, method, range): spaces escaped too. */
static const struct {
	const char *in, *out;
} token_rows[] = {
    {"10.0.0.1", "10.0.0.1"},
    {"GET /forged", "GET\\x20/forged"},
    {"bytes=0-1, 5-6", "bytes=0-1,\\x205-6"},
    {" ", "\\x20"},
    {"a\"b\\c\n", "a\\x22b\\x5cc\\x0a"},
    {"\xc3\xa9", "\\xc3\\xa9"},
};

START_TEST(test_escape_token)
{
	char out[64];

	ck_assert_ptr_eq(
	    accesslog_escape_token(token_rows[_i].in, out, sizeof(out)), out);
	ck_assert_str_eq(out, token_rows[_i].out);
}
END_TEST

/* Escaped output holds only printable ASCII, for every byte value. */
START_TEST(test_every_byte)
{
	char in[2], a[8], b[8];
	const char *p;
	int c;

	for (c = 1; c < 256; c++) {
		in[0] = (char)c;
		in[1] = '\0';
		accesslog_escape(in, a, sizeof(a));
		log_sanitize(in, b, sizeof(b));
		for (p = a; *p != '\0'; p++)
			ck_assert(*p >= 0x20 && *p < 0x7f && *p != '"');
		for (p = b; *p != '\0'; p++)
			ck_assert(*p >= 0x20 && *p < 0x7f);
		ck_assert_uint_eq(strlen(a),
		    c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? 1 : 4);
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

	tcase_add_loop_test(tc, test_escape_field, 0, NELEM(rows));
	tcase_add_loop_test(tc, test_sanitize_line, 0, NELEM(rows));
	tcase_add_loop_test(tc, test_escape_token, 0, NELEM(token_rows));
	tcase_add_test(tc, test_every_byte);
	tcase_add_test(tc, test_field_then_line);
	suite_add_tcase(s, tc);
	return s;
}
