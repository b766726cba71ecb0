/*
 * HTTP dates, by hand: strftime(3) would follow LC_TIME.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <time.h>

#include "httpdate.h"

static const char httpdate_wday[7][4] = {
    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char httpdate_mon[12][4] = {"Jan", "Feb", "Mar", "Apr", "May",
    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int
httpdate_format(time_t t, char out[HTTPDATE_LEN])
{
	struct tm tm;

	out[0] = '\0';
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 ||
	    tm.tm_year > 9999 - 1900)
		return -1;
	snprintf(out, HTTPDATE_LEN, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    httpdate_wday[tm.tm_wday], tm.tm_mday, httpdate_mon[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 0;
}
