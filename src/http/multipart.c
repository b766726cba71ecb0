/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * multipart/byteranges framing (RFC 9110 §14.6, RFC 2046 §5.1.1).
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>

#include "bounds.h"
#include "multipart.h"

/*
 * The longest part header: a media type of DL_MEDIA_TYPE_MAX bytes
 * (what `dlfcgi -t` and the mime.types reader let through) and three
 * 19-digit offsets. MULTIPART_HEADER_MAX must hold it and its NUL.
 */
#define MULTIPART_PART_MAX                                                    \
	(sizeof(                                                              \
	     "\r\n--\r\nContent-Type: \r\nContent-Range: bytes -/\r\n\r\n") + \
	    (MULTIPART_BOUNDARY_LEN - 1) + DL_MEDIA_TYPE_MAX + 3 * 19)
_Static_assert(MULTIPART_PART_MAX <= MULTIPART_HEADER_MAX,
    "MULTIPART_HEADER_MAX holds the longest part header");

void
multipart_boundary_format(const unsigned char r[MULTIPART_BOUNDARY_RANDOM],
    char b[MULTIPART_BOUNDARY_LEN])
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < MULTIPART_BOUNDARY_RANDOM; i++) {
		b[2 * i] = hex[r[i] >> 4];
		b[2 * i + 1] = hex[r[i] & 15];
	}
	b[2 * MULTIPART_BOUNDARY_RANDOM] = '\0';
}

int
multipart_part_header(char *out, size_t outlen, const char *boundary,
    const char *type, const struct range *r, off_t size)
{
	int n;

	if (r == NULL)
		n = snprintf(out, outlen, "\r\n--%s--\r\n", boundary);
	else
		n = snprintf(out, outlen,
		    "\r\n--%s\r\n"
		    "Content-Type: %s\r\n"
		    "Content-Range: bytes %jd-%jd/%jd\r\n\r\n",
		    boundary, type, (intmax_t)r->first, (intmax_t)r->last,
		    (intmax_t)size);
	if (n < 0 || (size_t)n >= outlen)
		return -1;
	return n;
}

off_t
multipart_length(const char *boundary, const char *type, const struct range *r,
    size_t n, off_t size)
{
	char buf[MULTIPART_HEADER_MAX];
	off_t total = 0;
	size_t i;
	int h;

	for (i = 0; i < n; i++) {
		h = multipart_part_header(
		    buf, sizeof(buf), boundary, type, &r[i], size);
		if (h == -1 ||
		    __builtin_add_overflow(total, (off_t)h, &total) ||
		    __builtin_add_overflow(
			total, r[i].last - r[i].first + 1, &total))
			return -1;
	}
	if ((h = multipart_part_header(
		 buf, sizeof(buf), boundary, type, NULL, size)) == -1 ||
	    __builtin_add_overflow(total, (off_t)h, &total))
		return -1;
	return total;
}
