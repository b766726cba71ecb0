/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_RESPONSE_H
#define DLFCGI_RESPONSE_H

#include <stddef.h>

#include "decide.h"

/*
 * Response framing: reason phrases, the short text body of a status
 * answer, and the CGI header block (Status: first) of every answer.
 * Pure: formatting into the caller's buffers only.
 */

/* "Not Found" for 404; "Internal Server Error" for any unknown status. */
const char *response_reason(int status);

/*
 * The body of a status answer, "404 Not Found\n", into out (outlen
 * bytes). Returns its length, or -1 if out is too small.
 */
int response_status_body(int status, char *out, size_t outlen);

/*
 * Formats the headers of the answer pl describes into h (DL_HEADER_MAX
 * bytes) and sets *len: for a status answer, Allow (204, 405),
 * Retry-After (429, 503: retry_after seconds), its Content-Type and
 * Content-Length (not for 204) and Cache-Control: no-store; for a file
 * answer, Content-Type (or multipart/byteranges with pl->boundary),
 * Content-Length (not for 304), Content-Range (206 single part, 416),
 * Last-Modified, ETag, Accept-Ranges, Cache-Control and
 * Content-Disposition (for path's last component, or attachment for
 * cfg->filename when set; not for 304 and 416) as cfg says. Returns 0, or -1 with *why set if they do not fit, which
 * the bounds of `dlfcgi -t` rule out (RESPONSE_HEADERS_MAX).
 */
int response_headers(const struct decide_plan *pl,
    const struct decide_config *cfg, const char *path, int retry_after, char *h,
    size_t *len, const char **why);

#endif
