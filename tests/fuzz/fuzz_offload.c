/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * libFuzzer target for offload mode (offload.c). Input: byte 0 the
 * offload_path() flags and base, byte 1 the output buffer's size, the
 * rest the path (any bytes, NUL included). The same input also drives
 * offload_decide(): byte 2 the file size, byte 3 the method and the
 * mode, byte 4 offload_min_size and max_ranges, then from byte 5 up to
 * three header values separated by '\n' (Range, If-Range, and one
 * precondition, whose first byte picks which; empty: absent).
 *
 * offload_path, on every input: the verdict is that of a model written
 * here from the header's contract (CR, LF, NUL refused; with
 * OFFLOAD_PATH_UTF8 what RFC 3629 §4 does not allow; raw: controls and
 * a final space); a result fits the buffer, is NUL terminated, holds no
 * CR, LF or NUL, only unreserved bytes, '/' and %XX (upper-case hex)
 * when encoded, and decodes back to base/path exactly; TOO_LONG only
 * when the result does not fit. offload_decide: never hands over what
 * the direct decision would not answer 200/206 with the file's body for,
 * and a 206 only when a front end resolving the Range on its own (the
 * simple grammar of RFC 9110 §14.1.2) gets the very same range.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "decide.h"
#include "offload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fuzz_bases[4] = {
    "/_dlfcgi/", "/srv/downloads", "/", "/a.b/c~d//"};

static const off_t fuzz_sizes[8] = {
    0, 1, 100, 65535, 65536, 1 << 20, 5368709120LL, INT64_MAX};

static const long long fuzz_min[4] = {0, 1, 65536, 1LL << 40};

static const char *const fuzz_methods[4] = {"GET", "HEAD", "POST", "GET"};

/* RFC 3629 §4: the length of the UTF-8 sequence at s, 0 if invalid. */
static size_t
fuzz_utf8(const unsigned char *s, size_t n)
{
	unsigned lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/* What offload_path must answer for the joined name s, n bytes. */
static enum offload_why
fuzz_model(const unsigned char *s, size_t n, size_t plen, int flags)
{
	size_t i, u;

	for (i = 0; i < n; i++)
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
			return OFFLOAD_NAME;
	if (flags & OFFLOAD_PATH_UTF8)
		for (i = 0; i < n; i += u)
			if ((u = fuzz_utf8(s + i, n - i)) == 0)
				return OFFLOAD_NAME;
	if (flags & OFFLOAD_PATH_RAW) {
		for (i = 0; i < n; i++)
			if (s[i] < 0x20 || s[i] == 0x7f)
				return OFFLOAD_NAME;
		if (plen > 0 && s[n - 1] == ' ')
			return OFFLOAD_NAME;
	}
	return OFFLOAD_YES;
}

static int
fuzz_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1; /* lower case too: the encoder writes upper case */
}

static bool
fuzz_plain(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	    c == '~' || c == '/';
}

static void
fuzz_path(const uint8_t *data, size_t size)
{
	static unsigned char want[16384], dec[16384];
	const char *base = fuzz_bases[(data[0] >> 2) & 3];
	int flags = data[0] & 3;
	size_t blen = strlen(base), plen = size - 2, wlen = 0, i, n, len;
	size_t outlen = data[1] < 0xf0 ? data[1] : sizeof(want);
	const unsigned char *p;
	enum offload_why w, model;
	char *path, *out;
	int hi, lo;

	/* exact-size copies, so that ASan sees a read or write past them */
	if ((path = malloc(plen ? plen : 1)) == NULL ||
	    (out = malloc(outlen ? outlen : 1)) == NULL)
		abort();
	memcpy(path, data + 2, plen);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	memcpy(want, base, blen);
	wlen = blen;
	want[wlen++] = '/';
	for (p = (const unsigned char *)path, n = plen; n > 0 && *p == '/';
	     p++, n--)
		;
	memcpy(want + wlen, p, n);
	wlen += n;
	model = fuzz_model(want, wlen, n, flags);

	len = (size_t)-1;
	w = offload_path(base, path, plen, flags, out, outlen, &len);
	switch (w) {
	case OFFLOAD_YES:
		if (model != OFFLOAD_YES || len >= outlen || out[len] != '\0' ||
		    strlen(out) != len)
			abort();
		for (i = 0; i < len; i++)
			if (out[i] == '\r' || out[i] == '\n')
				abort();
		if (flags & OFFLOAD_PATH_RAW) {
			if (len != wlen || memcmp(out, want, len) != 0)
				abort();
			break;
		}
		/* decode once, as the front end does: the name, exactly */
		for (i = 0, n = 0; i < len; i++) {
			if (out[i] != '%') {
				if (!fuzz_plain((unsigned char)out[i]))
					abort();
				dec[n++] = (unsigned char)out[i];
				continue;
			}
			if (i + 2 >= len || (hi = fuzz_hex(out[i + 1])) < 0 ||
			    (lo = fuzz_hex(out[i + 2])) < 0)
				abort();
			/* an escape only where it was needed */
			if (fuzz_plain((unsigned char)(hi << 4 | lo)))
				abort();
			dec[n++] = (unsigned char)(hi << 4 | lo);
			i += 2;
		}
		if (n != wlen || memcmp(dec, want, n) != 0)
			abort();
		break;
	case OFFLOAD_NAME:
		if (model != OFFLOAD_NAME)
			abort();
		break;
	case OFFLOAD_TOO_LONG:
		/* with room it fits, or it was refused for its bytes */
		if (outlen >= sizeof(want))
			abort();
		free(out);
		if ((out = malloc(sizeof(want))) == NULL)
			abort();
		w = offload_path(
		    base, path, plen, flags, out, sizeof(want), &len);
		if (w != model || (w == OFFLOAD_YES && len + 1 <= outlen))
			abort();
		break;
	default:
		abort();
	}
	free(out);
	free(path);
}

/* A front end's own reading of a simple Range (offload_range_simple). */
static bool
fuzz_front_range(const char *range, off_t size, struct range *r)
{
	unsigned long long a = 0, b = 0;
	const char *p = range + 6;
	bool has_a = false, has_b = false;

	for (; *p >= '0' && *p <= '9'; p++, has_a = true)
		a = a * 10 + (unsigned)(*p - '0');
	p++; /* '-' */
	for (; *p >= '0' && *p <= '9'; p++, has_b = true)
		b = b * 10 + (unsigned)(*p - '0');
	if (!has_a) {
		/* suffix: the last b bytes */
		if (b == 0 || size == 0)
			return false;
		r->first = (unsigned long long)size > b ? size - (off_t)b : 0;
		r->last = size - 1;
		return true;
	}
	if (a >= (unsigned long long)size || (has_b && b < a))
		return false;
	r->first = (off_t)a;
	r->last = !has_b || b >= (unsigned long long)size ? size - 1 : (off_t)b;
	return true;
}

static void
fuzz_decide(const uint8_t *data, size_t size)
{
	static char copy[4096];
	struct decide_config cfg = {.type = "application/octet-stream"};
	const char *v[3] = {NULL, NULL, NULL};
	struct decide_request rq = {.method = NULL};
	struct offload_request orq;
	struct decide_plan pl;
	struct range fr;
	struct stat st;
	enum offload_why w;
	size_t k, i;
	char *p, *nl;
	int which = 0;

	if (size < 5 || size - 5 >= sizeof(copy))
		return;
	memset(&st, 0, sizeof(st));
	st.st_size = fuzz_sizes[data[2] & 7];
	st.st_mtim.tv_sec = 1403716338;
	cfg.etag_nginx = (data[2] & 8) != 0;
	cfg.max_ranges = (data[4] >> 2) & 1 ? 16 : (data[4] >> 3) & 3;
	memcpy(copy, data + 5, size - 5);
	copy[size - 5] = '\0';
	for (p = copy, k = 0; p != NULL && k < 3; k++, p = nl) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		v[k] = *p != '\0' ? p : NULL;
	}
	if (v[2] != NULL) {
		which = v[2][0] & 3;
		v[2]++;
	}
	rq.method = fuzz_methods[data[3] & 3];
	rq.range = v[0];
	rq.if_range = v[1];
	if (v[2] != NULL)
		*(which == 0	     ? &rq.if_match
			: which == 1 ? &rq.if_none_match
			: which == 2 ? &rq.if_modified_since
				     : &rq.if_unmodified_since) = v[2];
	decide(&rq, &st, &cfg, 1700000000, &pl);

	orq.mode = (enum offload_mode)((data[3] >> 2) % 3);
	orq.min_size = fuzz_min[data[4] & 3];
	orq.pl = &pl;
	orq.range = rq.range;
	orq.if_range = rq.if_range;
	orq.conditional = v[2] != NULL;
	w = offload_decide(&orq);
	if (w == OFFLOAD_YES) {
		/* the direct answer is the file's body, as the front end's */
		if (orq.mode == OFFLOAD_NONE || pl.kind != DECIDE_FILE ||
		    (pl.status != 200 && pl.status != 206) || pl.head ||
		    (long long)pl.size < orq.min_size || orq.conditional)
			abort();
		if (pl.status == 200 && rq.range != NULL)
			abort();
		if (pl.status == 206) {
			if (pl.nranges != 1 || pl.multipart ||
			    !offload_range_simple(rq.range) ||
			    !fuzz_front_range(rq.range, pl.size, &fr) ||
			    fr.first != pl.ranges[0].first ||
			    fr.last != pl.ranges[0].last)
				abort();
			/*
			 * If-Range: only the strong ETag, which the front
			 * end shares (nginx with etag_format = "nginx",
			 * lighttpd and Apache keep dlfcgi's)
			 */
			if (rq.if_range != NULL &&
			    strcmp(rq.if_range, pl.etag) != 0)
				abort();
		}
	} else if (w != OFFLOAD_OFF && w != OFFLOAD_NOT_BODY &&
	    w != OFFLOAD_HEAD && w != OFFLOAD_SMALL &&
	    w != OFFLOAD_CONDITIONAL && w != OFFLOAD_RANGE)
		abort();
	/* the decision is a function of its input */
	if (offload_decide(&orq) != w)
		abort();
	for (i = 0; i < pl.nranges; i++)
		if (pl.ranges[i].last >= pl.size)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	fuzz_path(data, size);
	fuzz_decide(data, size);
	return 0;
}
