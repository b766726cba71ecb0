/*
 * HTTP-date formatting (IMF-fixdate): fixed vectors, limits, a property
 * check against gmtime_r, and independence from TZ and locale.
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

static const struct {
	long long t;
	const char *want; /* "" = refused */
} rows[] = {
    {0, "Thu, 01 Jan 1970 00:00:00 GMT"},
    {784111777, "Sun, 06 Nov 1994 08:49:37 GMT"},
    {2147483647LL, "Tue, 19 Jan 2038 03:14:07 GMT"},
    {2147483648LL, "Tue, 19 Jan 2038 03:14:08 GMT"},
    {1709164800LL, "Thu, 29 Feb 2024 00:00:00 GMT"},
    {951782400LL, "Tue, 29 Feb 2000 00:00:00 GMT"},
    {-1, "Wed, 31 Dec 1969 23:59:59 GMT"},
    {253402300799LL, "Fri, 31 Dec 9999 23:59:59 GMT"},
    {253402300800LL, ""},
    {-62167219200LL, "Sat, 01 Jan 0000 00:00:00 GMT"},
    {-62167219201LL, ""},
};

START_TEST(test_vectors)
{
	char out[HTTPDATE_LEN];
	int rc = httpdate_format((time_t)rows[_i].t, out);

	ck_assert_int_eq(rc, rows[_i].want[0] ? 0 : -1);
	ck_assert_str_eq(out, rows[_i].want);
}
END_TEST

/* The same date built from gmtime_r and English names. */
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

START_TEST(test_random_against_gmtime)
{
	char out[HTTPDATE_LEN], want[64];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	int i;

	for (i = 0; i < 10000; i++) {
		time_t t;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t = (time_t)(x % (1ULL << 33));
		ck_assert_int_eq(httpdate_format(t, out), 0);
		reference(t, want, sizeof(want));
		ck_assert_str_eq(out, want);
	}
}
END_TEST

START_TEST(test_tz_and_locale)
{
	char a[HTTPDATE_LEN], b[HTTPDATE_LEN];

	ck_assert_int_eq(httpdate_format(784111777, a), 0);
	setenv("TZ", "America/New_York", 1);
	tzset();
	setlocale(LC_ALL, "de_DE.UTF-8"); /* may fail: then C stays */
	ck_assert_int_eq(httpdate_format(784111777, b), 0);
	ck_assert_str_eq(a, b);
	ck_assert_str_eq(b, "Sun, 06 Nov 1994 08:49:37 GMT");
	setlocale(LC_ALL, "C");
	unsetenv("TZ");
	tzset();
}
END_TEST

Suite *
suite_httpdate(void)
{
	Suite *s = suite_create("httpdate");
	TCase *tc = tcase_create("Core");

	tcase_add_loop_test(
	    tc, test_vectors, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_random_against_gmtime);
	tcase_add_test(tc, test_tz_and_locale);
	suite_add_tcase(s, tc);
	return s;
}
