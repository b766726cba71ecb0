/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * HTTP dates, by hand: strftime(3) would follow LC_TIME.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "httpdate.h"

static const char httpdate_wday[7][4] = {
    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char httpdate_mon[12][4] = {"Jan", "Feb", "Mar", "Apr", "May",
    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* n (0 <= n < 10^width) as exactly width decimal digits. */
static void
httpdate_digits(char *out, int n, int width)
{
	while (width-- > 0) {
		out[width] = (char)('0' + n % 10);
		n /= 10;
	}
}

int
httpdate_format(time_t t, char out[HTTPDATE_LEN])
{
	struct tm tm;

	out[0] = '\0';
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		return -1;
	/* Fixed width by construction: "Sun, 06 Nov 1994 08:49:37 GMT". */
	memcpy(out, httpdate_wday[tm.tm_wday], 3);
	memcpy(out + 3, ", ", 2);
	httpdate_digits(out + 5, tm.tm_mday, 2);
	out[7] = ' ';
	memcpy(out + 8, httpdate_mon[tm.tm_mon], 3);
	out[11] = ' ';
	httpdate_digits(out + 12, tm.tm_year + 1900, 4);
	out[16] = ' ';
	httpdate_digits(out + 17, tm.tm_hour, 2);
	out[19] = ':';
	httpdate_digits(out + 20, tm.tm_min, 2);
	out[22] = ':';
	httpdate_digits(out + 23, tm.tm_sec, 2);
	memcpy(out + 25, " GMT", 5); /* with the NUL */
	return 0;
}

/* Days from 1970-01-01 to y-m-d, proleptic Gregorian (m 1..12). */
static long long
httpdate_days(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
httpdate_leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* A cursor over the input; every reader fails past the end. */
struct httpdate_cur {
	const char *p, *end;
};

static int
cur_lit(struct httpdate_cur *c, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, lit, n) != 0)
		return -1;
	c->p += n;
	return 0;
}

/* Exactly n digits (n <= 4). */
static int
cur_digits(struct httpdate_cur *c, int n, int *v)
{
	int i;

	if (c->end - c->p < n)
		return -1;
	*v = 0;
	for (i = 0; i < n; i++) {
		if (c->p[i] < '0' || c->p[i] > '9')
			return -1;
		*v = *v * 10 + (c->p[i] - '0');
	}
	c->p += n;
	return 0;
}

/* Three-letter month name, case-sensitive as RFC 9110 requires. */
static int
cur_month(struct httpdate_cur *c, int *mon)
{
	int i;

	if (c->end - c->p < 3)
		return -1;
	for (i = 0; i < 12; i++)
		if (memcmp(c->p, httpdate_mon[i], 3) == 0) {
			*mon = i + 1;
			c->p += 3;
			return 0;
		}
	return -1;
}

/* "HH:MM:SS" */
static int
cur_time(struct httpdate_cur *c, int *h, int *m, int *s)
{
	if (cur_digits(c, 2, h) == -1 || cur_lit(c, ":") == -1 ||
	    cur_digits(c, 2, m) == -1 || cur_lit(c, ":") == -1 ||
	    cur_digits(c, 2, s) == -1)
		return -1;
	return 0;
}

static const char *const httpdate_day_long[7] = {"Sunday", "Monday", "Tuesday",
    "Wednesday", "Thursday", "Friday", "Saturday"};

int
httpdate_parse(const char *s, size_t len, time_t now, time_t *t)
{
	struct httpdate_cur c = {s, s + len};
	int i, wday = -1, day, mon, year, h, m, sec;
	struct tm tm;
	size_t n;

	while (c.p < c.end && (*c.p == ' ' || *c.p == '\t'))
		c.p++;
	while (c.end > c.p && (c.end[-1] == ' ' || c.end[-1] == '\t'))
		c.end--;

	for (i = 0; i < 7 && wday == -1; i++) {
		n = strlen(httpdate_day_long[i]);
		if ((size_t)(c.end - c.p) > n &&
		    memcmp(c.p, httpdate_day_long[i], n) == 0 &&
		    c.p[n] == ',') {
			c.p += n;
			wday = 7 + i; /* marks the RFC 850 form */
		} else if (c.end - c.p > 3 &&
		    memcmp(c.p, httpdate_wday[i], 3) == 0) {
			c.p += 3;
			wday = i;
		}
	}
	if (wday == -1)
		return -1;

	if (wday >= 7) {
		/* rfc850-date: day-name "," SP DD "-" Mon "-" YY SP time GMT */
		if (cur_lit(&c, ", ") == -1 || cur_digits(&c, 2, &day) == -1 ||
		    cur_lit(&c, "-") == -1 || cur_month(&c, &mon) == -1 ||
		    cur_lit(&c, "-") == -1 || cur_digits(&c, 2, &year) == -1 ||
		    cur_lit(&c, " ") == -1 ||
		    cur_time(&c, &h, &m, &sec) == -1 ||
		    cur_lit(&c, " GMT") == -1)
			return -1;
		/* RFC 9110 §5.6.7: more than 50 years ahead means the past. */
		if (gmtime_r(&now, &tm) == NULL)
			return -1;
		year += (tm.tm_year + 1900) / 100 * 100;
		if (year <= tm.tm_year + 1900 - 50)
			year += 100;
		if (year > tm.tm_year + 1900 + 50)
			year -= 100;
		if (year > 9999)
			return -1; /* HTTP dates have four-digit years */
	} else if (cur_lit(&c, ", ") == 0) {
		/* IMF-fixdate: day-name "," SP DD SP Mon SP YYYY SP time GMT */
		if (cur_digits(&c, 2, &day) == -1 || cur_lit(&c, " ") == -1 ||
		    cur_month(&c, &mon) == -1 || cur_lit(&c, " ") == -1 ||
		    cur_digits(&c, 4, &year) == -1 || cur_lit(&c, " ") == -1 ||
		    cur_time(&c, &h, &m, &sec) == -1 ||
		    cur_lit(&c, " GMT") == -1)
			return -1;
	} else {
		/* asctime-date: day-name SP Mon SP (DD | SP D) SP time SP YYYY */
		if (cur_lit(&c, " ") == -1 || cur_month(&c, &mon) == -1 ||
		    cur_lit(&c, " ") == -1)
			return -1;
		if (cur_lit(&c, " ") == 0) {
			if (cur_digits(&c, 1, &day) == -1)
				return -1;
		} else if (cur_digits(&c, 2, &day) == -1)
			return -1;
		if (cur_lit(&c, " ") == -1 ||
		    cur_time(&c, &h, &m, &sec) == -1 ||
		    cur_lit(&c, " ") == -1 || cur_digits(&c, 4, &year) == -1)
			return -1;
	}
	if (c.p != c.end)
		return -1;
	{
		static const int mdays[12] = {
		    31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
		int max = mdays[mon - 1] + (mon == 2 && httpdate_leap(year));

		/* sec 60: a leap second is read as the next second's start. */
		if (day < 1 || day > max || h > 23 || m > 59 || sec > 60)
			return -1;
	}
	*t = (time_t)(httpdate_days(year, mon, day) * 86400LL + h * 3600LL +
	    m * 60LL + sec);
	return 0;
}
