#ifndef DLFCGI_HTTPDATE_H
#define DLFCGI_HTTPDATE_H

#include <time.h>

/* "Sun, 06 Nov 1994 08:49:37 GMT" plus NUL. */
#define HTTPDATE_LEN 30

/*
 * Formats t as an IMF-fixdate (RFC 9110 §5.6.7) into out, which holds
 * HTTPDATE_LEN bytes; no locale or timezone is consulted. Returns 0, or
 * -1 if t is outside years 0000..9999 (out is then "").
 */
int httpdate_format(time_t t, char out[HTTPDATE_LEN]);

#endif
