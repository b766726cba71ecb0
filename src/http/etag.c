/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Entity tags (RFC 9110 §8.8.3).
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "etag.h"

void
etag_make(const struct stat *st, char out[ETAG_LEN])
{
	snprintf(out, ETAG_LEN, "\"%llx-%llx-%llx.%lx\"",
	    (unsigned long long)st->st_ino, (unsigned long long)st->st_size,
	    (unsigned long long)st->st_mtim.tv_sec,
	    (unsigned long)st->st_mtim.tv_nsec);
}

void
etag_make_nginx(const struct stat *st, char out[ETAG_LEN])
{
	snprintf(out, ETAG_LEN, "\"%llx-%llx\"",
	    (unsigned long long)st->st_mtim.tv_sec,
	    (unsigned long long)st->st_size);
}

/*
 * entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE
 * etagc      = %x21 / %x23-7E / obs-text
 * Returns the length of the tag at p (end e), 0 if there is none; *weakp
 * says whether it had the W/ prefix.
 */
static size_t
etag_scan(const char *p, const char *e, int *weakp)
{
	const char *q = p;

	*weakp = 0;
	if (e - q >= 2 && q[0] == 'W' && q[1] == '/') {
		*weakp = 1;
		q += 2;
	}
	if (q == e || *q != '"')
		return 0;
	for (q++; q < e && *q != '"'; q++) {
		unsigned char ch = (unsigned char)*q;

		if (ch < 0x21 || ch == 0x7f)
			return 0;
	}
	if (q == e)
		return 0;
	return (size_t)(q + 1 - p);
}

enum etag_match
etag_list_match(const char *s, size_t len, const char *etag, int weak)
{
	const char *p = s, *e = s + len;
	size_t n, elen = strlen(etag);
	int w, matched = 0, tags = 0;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	if (e - p == 1 && *p == '*')
		return ETAG_MATCH;
	while (p < e) {
		if (*p == ',' || *p == ' ' || *p == '\t') {
			p++;
			continue;
		}
		if ((n = etag_scan(p, e, &w)) == 0)
			return ETAG_MATCH_INVALID;
		tags++;
		if (weak || !w) {
			/* compare the opaque-tag, quotes included */
			const char *o = w ? p + 2 : p;
			size_t olen = w ? n - 2 : n;

			if (olen == elen && memcmp(o, etag, elen) == 0)
				matched = 1;
		}
		p += n;
		if (p < e && *p != ',' && *p != ' ' && *p != '\t')
			return ETAG_MATCH_INVALID;
	}
	if (tags == 0)
		return ETAG_MATCH_INVALID;
	return matched ? ETAG_MATCH : ETAG_MATCH_NONE;
}
