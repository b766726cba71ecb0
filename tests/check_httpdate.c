/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * HTTP dates (httpdate.c), both ways.
 *
 * Formatting (IMF-fixdate): fixed vectors, the limits of years
 * 0000..9999, a property check against gmtime_r with English names, and
 * independence from TZ and the locale.
 *
 * httpdate_parse: the three forms of RFC 9110 §5.6.7, the 2038 vectors
 * of nginx not_modified.t, calendar and syntax errors, the 50-year rule
 * of two-digit RFC 850 years, and a format -> parse round trip of random
 * times in all three forms.
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
#include "check_util.h"
#include "httpdate.h"

static const struct {
	long long t;
	const char *want; /* "" = refused */
} format_rows[] = {
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
	rc = httpdate_format((time_t)format_rows[_i].t, out);
	ck_assert_msg(rc == (format_rows[_i].want[0] != '\0' ? 0 : -1),
	    "%lld: rc %d", format_rows[_i].t, rc);
	ck_assert_str_eq(out, format_rows[_i].want);
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

/* 10000 pseudo-random times in [0, 2^33). */
START_TEST(test_random_against_gmtime)
{
	char out[HTTPDATE_LEN], want[64];
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	time_t t;
	int i;

	for (i = 0; i < 10000; i++) {
		t = (time_t)(check_rand(&x) % (1ULL << 33));
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
		    (long long)(check_rand(&x) % (uint64_t)(hi - lo + 1)));
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
	for (i = 0; i < (size_t)NELEM(locales); i++) {
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

/* 2023-11-14 22:13:20 UTC */
#define NOW 1700000000
/* 1999-12-31 12:00:00 UTC */
#define NOW1999 946641600
/* 2090-06-01 00:00:00 UTC */
#define NOW2090 3799958400LL

struct date_row {
	const char *s;
	time_t now;
	int ok;
	time_t want;
};

static const struct date_row parse_rows[] = {
    /* RFC 9110 §5.6.7: the same instant in all three forms */
    {"Sun, 06 Nov 1994 08:49:37 GMT", NOW, 1, 784111777},
    {"Sunday, 06-Nov-94 08:49:37 GMT", NOW, 1, 784111777}, /* RFC 9110 */
    {"Sun Nov  6 08:49:37 1994", NOW, 1, 784111777},	   /* RFC 9110 */
    {"Sun Nov 16 08:49:37 1994", NOW, 1, 784975777},	   /* asctime DD */
    /* leading and trailing whitespace (httpdate.h) */
    {"  Sun, 06 Nov 1994 08:49:37 GMT\t ", NOW, 1, 784111777},
    {"\tSun Nov  6 08:49:37 1994 ", NOW, 1, 784111777},
    /* nginx not_modified.t: the 32-bit time_t edge */
    {"Wed, 08 Jul 2037 22:53:52 GMT", NOW, 1, 2130706432},
    {"Tue, 19 Jan 2038 03:14:07 GMT", NOW, 1, 2147483647},   /* nginx */
    {"Tue, 19 Jan 2038 03:14:08 GMT", NOW, 1, 2147483648LL}, /* 2^31 */
    {"Tue Jan 19 03:14:08 2038", NOW, 1, 2147483648LL},	     /* 2^31 */
    /* Go TestServeContent range_with_modtime */
    {"Wed, 25 Jun 2014 17:12:18 GMT", NOW, 1, 1403716338},
    /* nginx range_if_range.t */
    {"Mon, 28 Sep 1970 06:00:00 GMT", NOW, 1, 23349600},
    {"Thu, 01 Jan 1970 00:00:00 GMT", NOW, 1, 0},	       /* the epoch */
    {"Wed, 31 Dec 1969 23:59:59 GMT", NOW, 1, -1},	       /* before it */
    {"Fri, 31 Dec 9999 23:59:59 GMT", NOW, 1, 253402300799LL}, /* last */
    {"Sat, 01 Jan 0000 00:00:00 GMT", NOW, 1, -62167219200LL}, /* first */
    /* leap years: 2000 is one, 1900 is not, 2004 is, 2003 is not */
    {"Tue, 29 Feb 2000 00:00:00 GMT", NOW, 1, 951782400},
    {"Thu, 29 Feb 1900 00:00:00 GMT", NOW, 0, 0},
    {"Sun, 29 Feb 2004 00:00:00 GMT", NOW, 1, 1078012800},
    {"Sat, 29 Feb 2003 00:00:00 GMT", NOW, 0, 0},
    {"Tue Feb 29 00:00:00 2000", NOW, 1, 951782400}, /* asctime */
    {"Thu Feb 29 00:00:00 1900", NOW, 0, 0},	     /* asctime */
    {"Fri, 01 Mar 2024 00:00:00 GMT", NOW, 1, 1709251200},
    /* impossible days and times */
    {"Tue, 31 Feb 2004 00:00:00 GMT", NOW, 0, 0},
    {"Tue, 30 Feb 2004 00:00:00 GMT", NOW, 0, 0},
    {"Thu, 31 Apr 2004 00:00:00 GMT", NOW, 0, 0},
    {"Fri, 30 Apr 2004 00:00:00 GMT", NOW, 1, 1083283200},
    {"Thu, 00 Jan 2004 00:00:00 GMT", NOW, 0, 0},
    {"Thu, 32 Jan 2004 00:00:00 GMT", NOW, 0, 0},
    {"Thu, 01 Jan 2004 24:00:00 GMT", NOW, 0, 0},
    {"Thu, 01 Jan 2004 23:60:00 GMT", NOW, 0, 0},
    /* a leap second reads as the next second's start (httpdate.c) */
    {"Sat, 31 Dec 2016 23:59:60 GMT", NOW, 1, 1483228800},
    {"Sat, 31 Dec 2016 23:59:61 GMT", NOW, 0, 0},
    /* case: month and day names are case-sensitive (RFC 9110 §5.6.7) */
    {"Sun, 06 nov 1994 08:49:37 GMT", NOW, 0, 0},
    {"Sun, 06 NOV 1994 08:49:37 GMT", NOW, 0, 0},
    {"sun, 06 Nov 1994 08:49:37 GMT", NOW, 0, 0},
    {"SUNDAY, 06-Nov-94 08:49:37 GMT", NOW, 0, 0},
    {"Sun nov  6 08:49:37 1994", NOW, 0, 0},
    {"Sun, 06 Nov 1994 08:49:37 gmt", NOW, 0, 0},
    {"Sun, 06 Xyz 1994 08:49:37 GMT", NOW, 0, 0},
    /* the zone is GMT and nothing else */
    {"Sun, 06 Nov 1994 08:49:37", NOW, 0, 0},
    {"Sun, 06 Nov 1994 08:49:37 UTC", NOW, 0, 0},
    {"Sun, 06 Nov 1994 08:49:37 +0000", NOW, 0, 0},
    {"Sun, 06 Nov 1994 08:49:37 GMT+1", NOW, 0, 0},
    {"Sunday, 06-Nov-94 08:49:37", NOW, 0, 0},
    {"Sun Nov  6 08:49:37 1994 GMT", NOW, 0, 0}, /* asctime has no zone */
    /* trailing garbage */
    {"Sun, 06 Nov 1994 08:49:37 GMT x", NOW, 0, 0},
    {"Sun, 06 Nov 1994 08:49:37 GMTx", NOW, 0, 0},
    {"Sun, 06 Nov 1994 08:49:37 GMT,", NOW, 0, 0},
    {"Sun Nov  6 08:49:37 19945", NOW, 0, 0},
    {"Sun, 06 Nov 1994 08:49:37 GMT\r\n", NOW, 0, 0},
    /* wrong shapes */
    {"", NOW, 0, 0},
    {"   ", NOW, 0, 0},
    {"0", NOW, 0, 0},
    {"784111777", NOW, 0, 0},
    {"Sun", NOW, 0, 0},
    {"Sun,", NOW, 0, 0},
    {"Sun, 6 Nov 1994 08:49:37 GMT", NOW, 0, 0},   /* 1-digit day */
    {"Sun, 06 Nov 94 08:49:37 GMT", NOW, 0, 0},	   /* 2-digit year */
    {"Sun, 06 Nov 01994 08:49:37 GMT", NOW, 0, 0}, /* 5-digit year */
    {"Sun, 06 Nov 1994 8:49:37 GMT", NOW, 0, 0},   /* 1-digit hour */
    {"Sun, 06 Nov 1994 08:49 GMT", NOW, 0, 0},	   /* no seconds */
    {"Sun, 06 Nov 1994 08-49-37 GMT", NOW, 0, 0},
    {"Sun,  06 Nov 1994 08:49:37 GMT", NOW, 0, 0},
    {"Sun, 06  Nov 1994 08:49:37 GMT", NOW, 0, 0},
    {"Sun 06 Nov 1994 08:49:37 GMT", NOW, 0, 0},
    {"Sun, 06-Nov-94 08:49:37 GMT", NOW, 0, 0},	     /* RFC 850 short day */
    {"Sunday, 06 Nov 1994 08:49:37 GMT", NOW, 0, 0}, /* IMF long day */
    {"Sunday, 06-Nov-1994 08:49:37 GMT", NOW, 0, 0}, /* 4-digit 850 year */
    {"Sunday,06-Nov-94 08:49:37 GMT", NOW, 0, 0},
    {"Sun Nov 6 08:49:37 1994", NOW, 0, 0}, /* asctime needs SP D */
    {"Sun Nov   6 08:49:37 1994", NOW, 0, 0},
    {"Sun Nov  6 08:49:37 94", NOW, 0, 0},
    {"Sun,\t06 Nov 1994 08:49:37 GMT", NOW, 0, 0},
    {"Sun, -6 Nov 1994 08:49:37 GMT", NOW, 0, 0},
    {"Sun, 06 Nov +994 08:49:37 GMT", NOW, 0, 0},
    {"Sun, 06 Nov 1994 08:49:3 GMT", NOW, 0, 0},
    {"Xyz, 06 Nov 1994 08:49:37 GMT", NOW, 0, 0},
    /* RFC 9110 §5.6.7: two-digit years, relative to now (2023) */
    {"Sunday, 06-Nov-94 08:49:37 GMT", NOW, 1, 784111777},	 /* 1994 */
    {"Monday, 06-Nov-00 08:49:37 GMT", NOW, 1, 973500577},	 /* 2000 */
    {"Monday, 06-Nov-73 08:49:37 GMT", NOW, 1, 3277183777LL},	 /* 2073 */
    {"Wednesday, 06-Nov-74 08:49:37 GMT", NOW, 1, 152959777},	 /* 1974 */
    {"Thursday, 06-Nov-75 08:49:37 GMT", NOW, 1, 184495777},	 /* 1975 */
    {"Wednesday, 01-Jan-70 00:00:00 GMT", NOW, 1, 3155760000LL}, /* 2070 */
    /* RFC 9110 §5.6.7 (RFC 2616 §19.3: "helps solve the year 2000
     * problem"): on 1999-12-31, "00" is 2000, one year ahead, not 1900 */
    {"Monday, 06-Nov-00 08:49:37 GMT", NOW1999, 1, 973500577},
    {"Thursday, 06-Nov-75 08:49:37 GMT", NOW1999, 1, 184495777}, /* 1975 */
    /* RFC 9110 §5.6.7: in 2090, "10" is 2110, 20 years ahead, not 2010 */
    {"Thursday, 06-Nov-10 08:49:37 GMT", NOW2090, 1, 4444706977LL},
    /* in 2090, "45" is 2045: 2145 would be more than 50 years ahead */
    {"Monday, 06-Nov-45 08:49:37 GMT", NOW2090, 1, 2393570977LL},
};

START_TEST(test_date_table)
{
	const struct date_row *r = &parse_rows[_i];
	time_t t = 12345;
	int rc;

	rc = httpdate_parse(r->s, strlen(r->s), r->now, &t);
	if (r->ok) {
		ck_assert_msg(rc == 0, "\"%s\": rejected", r->s);
		ck_assert_msg(t == r->want, "\"%s\": %lld, want %lld", r->s,
		    (long long)t, (long long)r->want);
	} else
		ck_assert_msg(
		    rc == -1, "\"%s\": accepted as %lld", r->s, (long long)t);
}
END_TEST

/* len bounds the input: an embedded NUL, a prefix, no NUL at all. */
START_TEST(test_date_len)
{
	static const char s[] = "Sun, 06 Nov 1994 08:49:37 GMT\0 garbage";
	char exact[29];
	time_t t;

	ck_assert_int_eq(httpdate_parse(s, 29, NOW, &t), 0);
	ck_assert_int_eq(t, 784111777);
	ck_assert_int_eq(httpdate_parse(s, sizeof(s) - 1, NOW, &t), -1);
	ck_assert_int_eq(httpdate_parse(s, 28, NOW, &t), -1);
	ck_assert_int_eq(httpdate_parse(s, 0, NOW, &t), -1);
	memcpy(exact, s, sizeof(exact));
	ck_assert_int_eq(httpdate_parse(exact, sizeof(exact), NOW, &t), 0);
	ck_assert_int_eq(t, 784111777);
}
END_TEST

static const char wday[7][4] = {
    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char wday_long[7][10] = {"Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday"};
static const char mon[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
    "Aug", "Sep", "Oct", "Nov", "Dec"};

/* The seed of check_rand, so that failures reproduce. */
static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

/*
 * 10000 random times from year 0 to 9999: httpdate_format, then parse;
 * and the RFC 850 and asctime forms of the same instant, written here
 * from gmtime_r, give the same time_t.
 */
START_TEST(test_date_roundtrip)
{
	const int64_t lo = -62167219200LL, hi = 253402300799LL;
	char buf[64], imf[HTTPDATE_LEN];
	struct tm tm;
	time_t t, got;
	int i;

	for (i = 0; i < 10000; i++) {
		t = (time_t)(lo +
		    (int64_t)(check_rand(&rng_state) %
			(uint64_t)(hi - lo + 1)));
		if (i < 4)
			t = i < 2 ? (time_t)lo + i : (time_t)hi - (i - 2);
		ck_assert_int_eq(httpdate_format(t, imf), 0);
		ck_assert_msg(
		    httpdate_parse(imf, strlen(imf), NOW, &got) == 0 &&
			got == t,
		    "%lld: \"%s\" -> %lld", (long long)t, imf, (long long)got);

		ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
		snprintf(buf, sizeof(buf),
		    "%s, %02d %s %04d %02d:%02d:%02d GMT", wday[tm.tm_wday],
		    tm.tm_mday, mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour,
		    tm.tm_min, tm.tm_sec);
		ck_assert_str_eq(imf, buf);

		snprintf(buf, sizeof(buf), "%s %s %2d %02d:%02d:%02d %04d",
		    wday[tm.tm_wday], mon[tm.tm_mon], tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, tm.tm_year + 1900);
		ck_assert_msg(
		    httpdate_parse(buf, strlen(buf), NOW, &got) == 0 &&
			got == t,
		    "%lld: \"%s\" -> %lld", (long long)t, buf, (long long)got);

		/* with now = t the two-digit year means t's own year */
		snprintf(buf, sizeof(buf),
		    "%s, %02d-%s-%02d %02d:%02d:%02d GMT",
		    wday_long[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon],
		    (tm.tm_year + 1900) % 100, tm.tm_hour, tm.tm_min,
		    tm.tm_sec);
		ck_assert_msg(
		    httpdate_parse(buf, strlen(buf), t, &got) == 0 && got == t,
		    "%lld: \"%s\" -> %lld", (long long)t, buf, (long long)got);
	}
}
END_TEST

/* Agrees with timegm(3) on every day of 1600..2400 at a random second. */
START_TEST(test_date_timegm)
{
	static const int mdays[12] = {
	    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	char buf[64];
	struct tm tm;
	time_t got;
	int y, m, d, leap;

	for (y = 1600; y <= 2400; y++) {
		leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		for (m = 0; m < 12; m++)
			for (d = 1; d <= mdays[m] + (m == 1 && leap); d++) {
				memset(&tm, 0, sizeof(tm));
				tm.tm_year = y - 1900;
				tm.tm_mon = m;
				tm.tm_mday = d;
				tm.tm_hour = (int)(check_rand(&rng_state) % 24);
				tm.tm_min = (int)(check_rand(&rng_state) % 60);
				tm.tm_sec = (int)(check_rand(&rng_state) % 60);
				snprintf(buf, sizeof(buf),
				    "Sun, %02d %s %04d %02d:%02d:%02d GMT", d,
				    mon[m], y, tm.tm_hour, tm.tm_min,
				    tm.tm_sec);
				ck_assert_msg(httpdate_parse(buf, strlen(buf),
						  NOW, &got) == 0 &&
					got == timegm(&tm),
				    "\"%s\"", buf);
			}
		/* and the day after the last one is refused */
		snprintf(buf, sizeof(buf), "Sun, %02d Feb %04d 00:00:00 GMT",
		    29 + leap, y);
		ck_assert_msg(httpdate_parse(buf, strlen(buf), NOW, &got) == -1,
		    "\"%s\"", buf);
	}
}
END_TEST

/*
 * RFC 9110 §5.6.7: a two-digit RFC 850 year that appears more than 50
 * years in the future is the most recent past year with those digits;
 * so every year falls in [now - 50, now + 50] by calendar year (both
 * ends, as the rule works on whole dates).
 */
static const time_t window_nows[] = {
    NOW1999,	  /* 1999 */
    NOW,	  /* 2023 */
    2524608000LL, /* 2050-01-01 */
    NOW2090,	  /* 2090 */
    4102444800LL, /* 2100-01-01 */
};

START_TEST(test_date_two_digit_window)
{
	time_t now = window_nows[_i], got;
	struct tm tm;
	char buf[64];
	int yy, year, nowyear;

	ck_assert_ptr_nonnull(gmtime_r(&now, &tm));
	nowyear = tm.tm_year + 1900;
	for (yy = 0; yy < 100; yy++) {
		snprintf(
		    buf, sizeof(buf), "Monday, 01-Jul-%02d 12:00:00 GMT", yy);
		ck_assert_int_eq(
		    httpdate_parse(buf, strlen(buf), now, &got), 0);
		ck_assert_ptr_nonnull(gmtime_r(&got, &tm));
		year = tm.tm_year + 1900;
		ck_assert_int_eq(year % 100, yy);
		ck_assert_msg(year >= nowyear - 50 && year <= nowyear + 50,
		    "now %d, \"%s\": year %d", nowyear, buf, year);
	}
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
	tcase_add_loop_test(tc, test_vectors, 0, NELEM(format_rows));
	tcase_add_test(tc, test_tz_and_locale);
	tcase_add_test(tl, test_random_against_gmtime);
	tcase_add_test(tl, test_random_full_range);
	tcase_add_test(tl, test_every_second_of_new_year);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tl);

	tc = tcase_create("parse_vectors");
	tcase_add_loop_test(tc, test_date_table, 0, NELEM(parse_rows));
	tcase_add_test(tc, test_date_len);
	suite_add_tcase(s, tc);

	tc = tcase_create("parse_properties");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_date_roundtrip);
	tcase_add_test(tc, test_date_timegm);
	tcase_add_loop_test(
	    tc, test_date_two_digit_window, 0, NELEM(window_nows));
	suite_add_tcase(s, tc);
	return s;
}
