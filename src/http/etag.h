/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_ETAG_H
#define DLFCGI_ETAG_H

#include <sys/stat.h>

#include <stddef.h>

/* '"' + 3 x 16 hex + '-' '-' '.' + 8 hex + '"' + NUL, rounded up. */
#define ETAG_LEN 80

/*
 * Writes the strong entity tag of the file st describes into out:
 * "INODE-SIZE-MTIME.NSEC" in hex, quoted. Any change of inode, size or
 * mtime (nanoseconds) changes it.
 */
void etag_make(const struct stat *st, char out[ETAG_LEN]);

/*
 * The entity tag nginx makes for the same file (ngx_http_set_etag):
 * "MTIME-SIZE" in hex, seconds only, quoted. etag_format = "nginx"
 * uses it, so that validators stay the same when X-Accel-Redirect
 * hands the file to nginx, which replaces the backend's ETag by its
 * own. A rewrite within the same second that keeps the size keeps it.
 */
void etag_make_nginx(const struct stat *st, char out[ETAG_LEN]);

enum etag_match {
	ETAG_MATCH_NONE,    /* valid list, no member matches */
	ETAG_MATCH,	    /* "*" or a member matches */
	ETAG_MATCH_INVALID, /* not a valid If-Match / If-None-Match value */
};

/*
 * Compares the entity tag etag (as etag_make writes it, strong) with
 * the list s[0..len) of an If-Match or If-None-Match header: "*" or
 * 1#entity-tag (RFC 9110 §8.8.3, §13.1.1). weak selects the weak
 * comparison (W/ prefixes ignored), else strong (a weak tag never
 * matches). Opaque tags compare byte by byte. Pure.
 */
enum etag_match etag_list_match(
    const char *s, size_t len, const char *etag, int weak);

#endif
