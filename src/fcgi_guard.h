#ifndef DLFCGI_FCGI_GUARD_H
#define DLFCGI_FCGI_GUARD_H

#include <stddef.h>

/*
 * A validating scan of the bytes a FastCGI peer sent, run on data
 * peeked from the socket before libfcgi reads any of it. libfcgi 2.4.2
 * aborts the process on PARAMS lengths whose sum exceeds INT_MAX,
 * overflows its stack on an FCGI_GET_VALUES record with 8 or more
 * names, waits forever on half a record header, and reads a management
 * record between PARAMS records as PARAMS. The scan accepts only:
 *
 *   BEGIN_REQUEST (role RESPONDER, request id != 0)
 *   PARAMS*  with well-formed name-value pairs, then an empty PARAMS
 *   STDIN*   then an empty STDIN
 *
 * all with version 1 and the same request id, within max bytes.
 */
enum fcgi_guard_result {
	FCGI_GUARD_MORE,   /* well-formed so far, incomplete */
	FCGI_GUARD_DONE,   /* a whole request; *used bytes */
	FCGI_GUARD_REJECT, /* *why says what is wrong */
};

/* Pure: reads buf[0..len) only. */
enum fcgi_guard_result fcgi_guard_scan(const unsigned char *buf, size_t len,
    size_t max, size_t *used, const char **why);

#endif
