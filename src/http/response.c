/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Response framing: the status line, reason phrases, the header builder
 * and the bodies of status answers. Nothing here does I/O.
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>

#include "bounds.h"
#include "disposition.h"
#include "httpdate.h"
#include "response.h"
#include "sign.h"

_Static_assert(SIGN_DL_MAX <= NAME_MAX, "a signed dl fits the header bound");

#define ALLOW_METHODS "GET, HEAD, OPTIONS"

/*
 * The longest headers response_headers() can format, from the bounds of
 * what goes into them; DL_HEADER_MAX must hold them. Numbers are at
 * most 19 digits (off_t, intmax_t), a file name at most NAME_MAX bytes
 * (the kernel opened it, or a signed dl: SIGN_DL_MAX), and in Content-Disposition every byte of the
 * name may take 1 byte in filename and 3 in filename*.
 */
#define RESPONSE_NUM_MAX 19
#define RESPONSE_DISPOSITION_MAX                                      \
	(sizeof("attachment; filename=\"\"; filename*=UTF-8''") - 1 + \
	    4 * NAME_MAX)
#define RESPONSE_HEADERS_MAX                                                   \
	(sizeof("Status: 206 Partial Content\r\n") - 1 +                       \
	    sizeof("Content-Type: multipart/byteranges; boundary=\r\n") - 1 +  \
	    MULTIPART_BOUNDARY_LEN + DL_MEDIA_TYPE_MAX +                       \
	    sizeof("Content-Length: \r\n") - 1 + RESPONSE_NUM_MAX +            \
	    sizeof("Content-Range: bytes -/\r\n") - 1 + 3 * RESPONSE_NUM_MAX + \
	    sizeof("Last-Modified: \r\n") - 1 + HTTPDATE_LEN +                 \
	    sizeof("ETag: \r\nAccept-Ranges: bytes\r\n") - 1 + ETAG_LEN +      \
	    sizeof("Cache-Control: \r\n") - 1 + DL_HEADER_VALUE_MAX +          \
	    sizeof("Content-Disposition: \r\n") - 1 +                          \
	    RESPONSE_DISPOSITION_MAX +                                         \
	    sizeof("X-Content-Type-Options: nosniff\r\n"                       \
		   "X-Accel-Buffering: no\r\n\r\n"))
_Static_assert(RESPONSE_HEADERS_MAX <= DL_HEADER_MAX,
    "DL_HEADER_MAX holds the longest headers the configuration allows");

const char *
response_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 204:
		return "No Content";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 206:
		return "Partial Content";
	case 304:
		return "Not Modified";
	case 412:
		return "Precondition Failed";
	case 416:
		return "Range Not Satisfiable";
	case 429:
		return "Too Many Requests";
	case 431:
		return "Request Header Fields Too Large";
	case 503:
		return "Service Unavailable";
	default:
		return "Internal Server Error";
	}
}

int
response_status_body(int status, char *out, size_t outlen)
{
	int n;

	n = snprintf(out, outlen, "%d %s\n", status, response_reason(status));
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	return n;
}

/* Appends to a header buffer; returns -1 once it would overflow. */
static int hdr_add(char *h, size_t *off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
hdr_add(char *h, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= DL_HEADER_MAX)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(h + *off, DL_HEADER_MAX - *off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= DL_HEADER_MAX - *off) {
		*off = DL_HEADER_MAX;
		return -1;
	}
	*off += (size_t)n;
	return 0;
}

/* A short text/plain answer for every status without a file body. */
static int
response_status_headers(const struct decide_plan *pl, int retry_after, char *h,
    size_t *len, const char **why)
{
	size_t off = 0;

	hdr_add(h, &off, "Status: %d %s\r\n", pl->status,
	    response_reason(pl->status));
	if (pl->status == 405 || pl->status == 204)
		hdr_add(h, &off, "Allow: " ALLOW_METHODS "\r\n");
	if (pl->status == 429 || pl->status == 503)
		hdr_add(h, &off, "Retry-After: %d\r\n", retry_after);
	if (pl->status != 204)
		hdr_add(h, &off,
		    "Content-Type: text/plain; charset=utf-8\r\n"
		    "Content-Length: %jd\r\n",
		    (intmax_t)pl->length);
	if (hdr_add(h, &off,
		"X-Content-Type-Options: nosniff\r\n"
		"Cache-Control: no-store\r\n\r\n") == -1) {
		*why = "response headers too long";
		return -1;
	}
	*len = off;
	return 0;
}

/* The headers of a file answer: 200, 206, 304, 416. */
static int
response_file_headers(const struct decide_plan *pl,
    const struct decide_config *cfg, const char *path, char *h, size_t *len,
    const char **why)
{
	char date[HTTPDATE_LEN], disp[RESPONSE_DISPOSITION_MAX + 1];
	enum disposition_type type = cfg->disposition;
	size_t off = 0;

	hdr_add(h, &off, "Status: %d %s\r\n", pl->status,
	    response_reason(pl->status));
	if (pl->status == 206 && pl->multipart)
		hdr_add(h, &off,
		    "Content-Type: multipart/byteranges; boundary=%s\r\n",
		    pl->boundary);
	else if (pl->status == 416)
		hdr_add(h, &off, "Content-Type: text/plain; charset=utf-8\r\n");
	else if (pl->status != 304)
		hdr_add(h, &off, "Content-Type: %s\r\n", pl->type);
	if (pl->status != 304)
		hdr_add(
		    h, &off, "Content-Length: %jd\r\n", (intmax_t)pl->length);
	if (pl->status == 206 && !pl->multipart)
		hdr_add(h, &off, "Content-Range: bytes %jd-%jd/%jd\r\n",
		    (intmax_t)pl->ranges[0].first, (intmax_t)pl->ranges[0].last,
		    (intmax_t)pl->size);
	else if (pl->status == 416)
		hdr_add(h, &off, "Content-Range: bytes */%jd\r\n",
		    (intmax_t)pl->size);
	if (httpdate_format(pl->mtime, date) == 0)
		hdr_add(h, &off, "Last-Modified: %s\r\n", date);
	hdr_add(h, &off, "ETag: %s\r\nAccept-Ranges: %s\r\n", pl->etag,
	    cfg->max_ranges > 0 ? "bytes" : "none");
	if (cfg->cache_control != NULL)
		hdr_add(h, &off, "Cache-Control: %s\r\n", cfg->cache_control);
	if (cfg->filename != NULL) {
		type = DISPOSITION_ATTACHMENT;
		path = cfg->filename;
	}
	if (type != DISPOSITION_NONE && pl->status != 304 &&
	    pl->status != 416) {
		if (disposition_format(type, path, disp, sizeof(disp)) == -1) {
			*why = "Content-Disposition too long";
			return -1;
		}
		hdr_add(h, &off, "Content-Disposition: %s\r\n", disp);
	}
	if (hdr_add(h, &off,
		"X-Content-Type-Options: nosniff\r\n"
		"X-Accel-Buffering: no\r\n\r\n") == -1) {
		*why = "response headers too long";
		return -1;
	}
	*len = off;
	return 0;
}

int
response_headers(const struct decide_plan *pl, const struct decide_config *cfg,
    const char *path, int retry_after, char *h, size_t *len, const char **why)
{
	if (pl->kind == DECIDE_STATUS)
		return response_status_headers(pl, retry_after, h, len, why);
	return response_file_headers(pl, cfg, path, h, len, why);
}
