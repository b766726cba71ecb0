/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Offload mode: which answers the web server may send, the path in its
 * header (RFC 3986 §2.1 percent-encoding, per segment), and the header
 * block. Nothing here does I/O.
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "disposition.h"
#include "httpdate.h"
#include "offload.h"

bool
offload_range_simple(const char *range)
{
	const char *p;
	size_t first = 0, last = 0;

	if (range == NULL || strncmp(range, "bytes=", 6) != 0)
		return false;
	for (p = range + 6; *p >= '0' && *p <= '9'; p++)
		first++;
	if (*p++ != '-')
		return false;
	for (; *p >= '0' && *p <= '9'; p++)
		last++;
	/* "bytes=-" is no range; 19 digits stay below 2^63 */
	return *p == '\0' && (first > 0 || last > 0) && first <= 18 &&
	    last <= 18;
}

enum offload_why
offload_decide(const struct offload_request *rq)
{
	const struct decide_plan *pl = rq->pl;

	if (rq->mode == OFFLOAD_NONE)
		return OFFLOAD_OFF;
	if (pl->kind != DECIDE_FILE || (pl->status != 200 && pl->status != 206))
		return OFFLOAD_NOT_BODY;
	if (pl->head)
		return OFFLOAD_HEAD;
	if ((long long)pl->size < rq->min_size)
		return OFFLOAD_SMALL;
	if (rq->conditional)
		return OFFLOAD_CONDITIONAL;
	if (rq->range == NULL)
		return pl->status == 200 ? OFFLOAD_YES : OFFLOAD_RANGE;
	/* a Range that dlfcgi ignored, merged or split: it answers */
	if (pl->status != 206 || pl->multipart || pl->nranges != 1 ||
	    !offload_range_simple(rq->range))
		return OFFLOAD_RANGE;
	if (rq->if_range != NULL && strcmp(rq->if_range, pl->etag) != 0)
		return OFFLOAD_RANGE;
	return OFFLOAD_YES;
}

/* RFC 3986 §2.3 unreserved, and the segment separator. */
static bool
offload_plain(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~' || c == '/';
}

/* Length of the UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t
offload_utf8_len(const unsigned char *s, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

/* Appends s[0..n) encoded (or raw); OFFLOAD_YES, NAME or TOO_LONG. */
static enum offload_why
offload_encode(const unsigned char *s, size_t n, int flags, char *out,
    size_t outlen, size_t *off)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, u, cont = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
			return OFFLOAD_NAME;
		if ((flags & OFFLOAD_PATH_UTF8) && cont > 0)
			cont--;
		else if ((flags & OFFLOAD_PATH_UTF8) && s[i] >= 0x80) {
			if ((u = offload_utf8_len(s + i, n - i)) == 0)
				return OFFLOAD_NAME;
			cont = u - 1;
		}
		if ((flags & OFFLOAD_PATH_RAW) &&
		    (s[i] < 0x20 || s[i] == 0x7f ||
			(i == n - 1 && s[i] == ' ')))
			return OFFLOAD_NAME;
		if (offload_plain(s[i]) || (flags & OFFLOAD_PATH_RAW)) {
			if (*off + 1 >= outlen)
				return OFFLOAD_TOO_LONG;
			out[(*off)++] = (char)s[i];
			continue;
		}
		if (*off + 3 >= outlen)
			return OFFLOAD_TOO_LONG;
		out[(*off)++] = '%';
		out[(*off)++] = hex[s[i] >> 4];
		out[(*off)++] = hex[s[i] & 0xf];
	}
	return OFFLOAD_YES;
}

enum offload_why
offload_path(const char *base, const char *path, size_t plen, int flags,
    char *out, size_t outlen, size_t *len)
{
	size_t blen = strlen(base), off = 0;
	enum offload_why w;

	if (outlen == 0)
		return OFFLOAD_TOO_LONG;
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	while (plen > 0 && path[0] == '/')
		path++, plen--;
	if ((w = offload_encode((const unsigned char *)base, blen, flags, out,
		 outlen, &off)) != OFFLOAD_YES ||
	    (w = offload_encode((const unsigned char *)"/", 1, flags, out,
		 outlen, &off)) != OFFLOAD_YES ||
	    (w = offload_encode((const unsigned char *)path, plen, flags, out,
		 outlen, &off)) != OFFLOAD_YES)
		return w;
	out[off] = '\0';
	*len = off;
	return OFFLOAD_YES;
}

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

bool
offload_accept_ranges(enum offload_mode mode, const struct decide_plan *pl,
    const struct decide_config *cfg)
{
	/*
	 * nginx's range filter adds its own "Accept-Ranges: bytes" to the
	 * 200 it serves from the internal location, and passes ours on
	 * too; it adds none to a 206 or where its max_ranges is 0.
	 * lighttpd and mod_xsendfile pass ours on, adding no second
	 * (tests/integration/offload.test counts them per front end).
	 */
	return mode != OFFLOAD_X_ACCEL || pl->status != 200 ||
	    cfg->max_ranges == 0;
}

int
offload_headers(enum offload_mode mode, const struct decide_plan *pl,
    const struct decide_config *cfg, const char *path, const char *target,
    int64_t rate, char *h, size_t *len, const char **why)
{
	char date[HTTPDATE_LEN], disp[DL_HEADER_MAX];
	enum disposition_type type = cfg->disposition;
	size_t off = 0;

	hdr_add(h, &off, "Status: 200 OK\r\nContent-Type: %s\r\n", pl->type);
	if (httpdate_format(pl->mtime, date) == 0)
		hdr_add(h, &off, "Last-Modified: %s\r\n", date);
	hdr_add(h, &off, "ETag: %s\r\n", pl->etag);
	if (offload_accept_ranges(mode, pl, cfg))
		hdr_add(h, &off, "Accept-Ranges: %s\r\n",
		    cfg->max_ranges > 0 ? "bytes" : "none");
	if (cfg->cache_control != NULL)
		hdr_add(h, &off, "Cache-Control: %s\r\n", cfg->cache_control);
	if (cfg->filename != NULL) {
		type = DISPOSITION_ATTACHMENT;
		path = cfg->filename;
	}
	if (type != DISPOSITION_NONE) {
		if (disposition_format(type, path, disp, sizeof(disp)) == -1) {
			*why = "Content-Disposition too long";
			return -1;
		}
		hdr_add(h, &off, "Content-Disposition: %s\r\n", disp);
	}
	hdr_add(h, &off, "X-Content-Type-Options: nosniff\r\n%s: %s\r\n",
	    mode == OFFLOAD_X_ACCEL ? "X-Accel-Redirect" : "X-Sendfile",
	    target);
	if (rate > 0 && mode == OFFLOAD_X_ACCEL)
		hdr_add(h, &off, "X-Accel-Limit-Rate: %" PRId64 "\r\n", rate);
	else if (rate > 0)
		hdr_add(h, &off,
		    "X-LIGHTTPD-KBytes-per-second: %" PRId64 "\r\n",
		    rate >= 1024 ? rate / 1024 : 1);
	if (hdr_add(h, &off, "\r\n") == -1) {
		*why = "offload headers too long";
		return -1;
	}
	*len = off;
	return 0;
}

const char *
offload_why_text(enum offload_why why)
{
	switch (why) {
	case OFFLOAD_YES:
		return "offloaded";
	case OFFLOAD_OFF:
		return "offload is off";
	case OFFLOAD_NOT_BODY:
		return "not a 200 or 206";
	case OFFLOAD_HEAD:
		return "HEAD";
	case OFFLOAD_SMALL:
		return "below offload_min_size";
	case OFFLOAD_CONDITIONAL:
		return "a precondition the front end would evaluate again";
	case OFFLOAD_RANGE:
		return "a Range the front end could answer otherwise";
	case OFFLOAD_NAME:
		return "a name the offload header cannot carry";
	case OFFLOAD_TOO_LONG:
		return "the offload header would be too long";
	}
	return "?";
}
