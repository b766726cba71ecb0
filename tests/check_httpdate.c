/*
 * HTTP-date formatting (IMF-fixdate): fixed vectors, the limits of years
 * 0000..9999, a property check against gmtime_r with English names, and
 * independence from TZ and the locale.
 */
#include "autoconfig.h"

#include <check.h>
#include <locale.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check_suites.h"
#include "httpdate.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	long long t;
	const char *want; /* "" = refused */
} rows[] = {
    {0, "Thu, 01 Jan 1970 00:00:00 GMT"},
    {784111777, "Sun, 06 Nov 1994 08:49:37 GMT"}, /* RFC 9110's example */
    {2147483647LL, "Tue, 19 Jan 2038 03:14:07 GMT"},
    {2147483648LL, "Tue, 19 Jan 2038 03:14:08 GMT"},
    {1709164800LL, "Thu, 29 Feb 2024 00:00:00 GMT"}, /* leap day */
    {1709208000LL, "Thu, 29 Feb 2024 12:00:00 GMT"},
    {1709251199LL, "Thu, 29 Feb 2024 23:59:59 GMT"},
    {951782400LL, "Tue, 29 Feb 2000 00:00:00 GMT"},
    {4107542399LL, "Sun, 28 Feb 2100 23:59:59 GMT"}, /* 2100: no leap */
    {4107542400LL, "Mon, 01 Mar 2100 00:00:00 GMT"},
    {-1, "Wed, 31 Dec 1969 23:59:59 GMT"},
    {-2203891200LL, "Thu, 01 Mar 1900 00:00:00 GMT"},
    {-11644473600LL, "Mon, 01 Jan 1601 00:00:00 GMT"},
    {-30595964277LL, "Sun, 15 Jun 1000 01:02:03 GMT"},
    {-62135596800LL, "Mon, 01 Jan 0001 00:00:00 GMT"},
    {-62167219200LL, "Sat, 01 Jan 0000 00:00:00 GMT"},
    {253402300799LL, "Fri, 31 Dec 9999 23:59:59 GMT"},
    /* outside years 0000..9999 */
    {253402300800LL, ""},
    {-62167219201LL, ""},
    {INT64_MAX, ""},
    {INT64_MIN, ""},
};

START_TEST(test_vectors)
{
	char out[HTTPDATE_LEN];
	int rc;

	memset(out, 'X', sizeof(out)); /* a refusal must clear it */
	rc = httpdate_format((time_t)rows[_i].t, out);
	ck_assert_msg(rc == (rows[_i].want[0] != '\0' ? 0 : -1), "%lld: rc %d",
	    rows[_i].t, rc);
	ck_assert_str_eq(out, rows[_i].want);
	if (rc == 0)
		ck_assert_uint_eq(strlen(out), HTTPDATE_LEN - 1);
}
END_TEST

/* The same date built from gmtime_r and fixed English names. */
static void
reference(time_t t, char *out, size_t len)
{
	static const char *wd[] = {
	    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char *mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
	snprintf(out, len, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static uint64_t
xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* 10000 pseudo-random times in [0, 2^33). */
START_TEST(test_random_against_gmtime)
{
	char out[HTTPDATE_LEN], want[64];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	time_t t;
	int i;

	for (i = 0; i < 10000; i++) {
		t = (time_t)(xorshift(&x) % (1ULL << 33));
		ck_assert_int_eq(httpdate_format(t, out), 0);
		reference(t, want, sizeof(want));
		ck_assert_msg(strcmp(out, want) == 0, "%lld: \"%s\" != \"%s\"",
		    (long long)t, out, want);
	}
}
END_TEST

/* The whole range, years 0000..9999, before 1970 included. */
START_TEST(test_random_full_range)
{
	const long long lo = -62167219200LL, hi = 253402300799LL;
	char out[HTTPDATE_LEN], want[64];
	uint64_t x = 0x2545f4914f6cdd1dULL;
	time_t t;
	int i;

	for (i = 0; i < 10000; i++) {
		t = (time_t)(lo +
		    (long long)(xorshift(&x) % (uint64_t)(hi - lo + 1)));
		ck_assert_int_eq(httpdate_format(t, out), 0);
		reference(t, want, sizeof(want));
		ck_assert_msg(strcmp(out, want) == 0, "%lld: \"%s\" != \"%s\"",
		    (long long)t, out, want);
	}
}
END_TEST

/* Every second of one day, across a month and a year boundary. */
START_TEST(test_every_second_of_new_year)
{
	char out[HTTPDATE_LEN], want[64];
	time_t t, start = 1704067200 - 43200; /* 2023-12-31 12:00 */

	for (t = start; t < start + 86400; t++) {
		ck_assert_int_eq(httpdate_format(t, out), 0);
		reference(t, want, sizeof(want));
		ck_assert_str_eq(out, want);
	}
}
END_TEST

START_TEST(test_tz_and_locale)
{
	static const char *locales[] = {
	    "de_DE", "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8", "C.UTF-8"};
	char a[HTTPDATE_LEN], b[HTTPDATE_LEN];
	size_t i;

	ck_assert_int_eq(httpdate_format(784111777, a), 0);
	ck_assert_str_eq(a, "Sun, 06 Nov 1994 08:49:37 GMT");
	ck_assert_int_eq(setenv("TZ", "America/New_York", 1), 0);
	tzset();
	for (i = 0; i < sizeof(locales) / sizeof(locales[0]); i++) {
		/* may fail when the locale is not installed: then C stays */
		setlocale(LC_ALL, locales[i]);
		ck_assert_int_eq(setenv("LC_ALL", locales[i], 1), 0);
		ck_assert_int_eq(httpdate_format(784111777, b), 0);
		ck_assert_str_eq(a, b);
		ck_assert_int_eq(httpdate_format(1709164800, b), 0);
		ck_assert_str_eq(b, "Thu, 29 Feb 2024 00:00:00 GMT");
	}
	setlocale(LC_ALL, "C");
	unsetenv("LC_ALL");
	unsetenv("TZ");
	tzset();
}
END_TEST

Suite *
suite_httpdate(void)
{
	Suite *s = suite_create("httpdate");
	TCase *tc = tcase_create("Core");
	TCase *tl = tcase_create("Property");

	tcase_set_timeout(tc, 30);
	tcase_set_timeout(tl, 30);
	tcase_add_loop_test(tc, test_vectors, 0, NELEM(rows));
	tcase_add_test(tc, test_tz_and_locale);
	tcase_add_test(tl, test_random_against_gmtime);
	tcase_add_test(tl, test_random_full_range);
	tcase_add_test(tl, test_every_second_of_new_year);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tl);
	return s;
}
