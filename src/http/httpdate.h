/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_HTTPDATE_H
#define DLFCGI_HTTPDATE_H

#include <stddef.h>
#include <time.h>

/* "Sun, 06 Nov 1994 08:49:37 GMT" plus NUL. */
#define HTTPDATE_LEN 30

/*
 * Formats t as an IMF-fixdate (RFC 9110 §5.6.7) into out, which holds
 * HTTPDATE_LEN bytes; no locale or timezone is consulted. Returns 0, or
 * -1 if t is outside years 0000..9999 (out is then "").
 */
int httpdate_format(time_t t, char out[HTTPDATE_LEN]);

/*
 * Parses an HTTP-date in any of the three forms of RFC 9110 §5.6.7:
 * IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the obsolete RFC 850
 * form ("Sunday, 06-Nov-94 08:49:37 GMT") and asctime ("Sun Nov  6
 * 08:49:37 1994"), from s[0..len). Pure: no locale, no timezone; now is
 * used only for the 50-year rule of two-digit RFC 850 years. Leading and
 * trailing whitespace is allowed. Returns 0 and sets *t, or -1.
 */
int httpdate_parse(const char *s, size_t len, time_t now, time_t *t);

#endif
