/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * libFuzzer target for httpdate_parse and httpdate_format. Input: one
 * byte choosing "now", then the date, copied into a buffer of exactly
 * its length. A parsed time inside years 0000..9999 must format to an
 * IMF-fixdate that parses back to the same time; the first 8 bytes, read
 * as a time_t, must survive format -> parse too.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "httpdate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIRST (-62167219200LL) /* 0000-01-01 00:00:00 */
#define LAST (253402300799LL)  /* 9999-12-31 23:59:59 */

static const time_t fuzz_nows[8] = {
    1700000000,			/* 2023 */
    0,				/* 1970 */
    946641600,			/* 1999-12-31 */
    3799958400LL,		/* 2090 */
    -1, FIRST, LAST, INT64_MAX, /* gmtime_r fails: RFC 850 dates are refused */
};

/* t formats, and the result parses back to t. */
static void
roundtrip(time_t t)
{
	char buf[HTTPDATE_LEN];
	time_t back;

	if (t < FIRST || t > LAST) {
		if (httpdate_format(t, buf) != -1 || buf[0] != '\0')
			abort();
		return;
	}
	if (httpdate_format(t, buf) != 0 || strlen(buf) != HTTPDATE_LEN - 1)
		abort();
	if (httpdate_parse(buf, strlen(buf), 0, &back) != 0 || back != t)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	time_t now, t, t2;
	char *s;
	int rc;

	if (size < 1)
		return 0;
	now = fuzz_nows[data[0] % 8];
	if (size >= 9) {
		memcpy(&t, data + 1, sizeof(t));
		roundtrip(t);
	}
	size--;
	if ((s = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	memcpy(s, data + 1, size);
	rc = httpdate_parse(s, size, now, &t);
	if (rc != 0 && rc != -1)
		abort();
	if (rc == 0) {
		/* the three forms cover years 0000..9999 (+1 s leap second) */
		if (t < FIRST - 100LL * 366 * 86400 || t > LAST + 1)
			abort();
		roundtrip(t);
		/* pure */
		if (httpdate_parse(s, size, now, &t2) != 0 || t2 != t)
			abort();
	}
	free(s);
	return 0;
}
