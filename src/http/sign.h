/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_SIGN_H
#define DLFCGI_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Signed, expiring links (dlfcgi(8), SIGNED LINKS): the pure part. No
 * I/O, no allocation; the MAC itself is computed by signkeys.c
 * (libcrypto), which also holds sign_make() and sign_verify().
 *
 * A link is the file's path plus a query:
 *   /iso/x.iso?exp=1767225600&kid=k1&sig=<43 base64url characters>
 * with the optional signed parameters nbf, ip, pfx, dl, rate. Any other
 * parameter is ignored (and not signed).
 *
 * The string to sign, version 1: eight fields, each followed by one
 * NUL byte (0x00, which no field can hold: decoded values with %00 are
 * refused), in this order:
 *   "dlfcgi-sign-1"  the version
 *   path             the normalized path of the file, or "" with pfx
 *   pfx              the normalized prefix (ends in '/'), or ""
 *   exp              decimal, no leading zero
 *   nbf              decimal, or ""
 *   kid              the key id
 *   ip               the ip parameter as sent (decoded), or ""
 *   dl               the dl parameter (decoded), or ""
 *   rate             decimal, or ""
 * and sig = base64url(HMAC-SHA256(key, that string)), no padding.
 */

#define SIGN_VERSION "dlfcgi-sign-1"
#define SIGN_MAC_LEN 32	    /* HMAC-SHA256 */
#define SIGN_SIG_LEN 43	    /* base64url of 32 bytes, no padding */
#define SIGN_KID_MAX 32	    /* [A-Za-z0-9_-]{1,32} */
#define SIGN_VALUE_MAX 1024 /* a decoded parameter (path, pfx, dl, ip) */
#define SIGN_DL_MAX 255	    /* a dl file name, bytes */
#define SIGN_NUM_DIGITS 19  /* exp, nbf, rate: at most 2^63-1 */
/* The largest string to sign: the version and 8 fields with NULs. */
#define SIGN_CANON_MAX                               \
	(sizeof(SIGN_VERSION) + 5 * SIGN_VALUE_MAX + \
	    3 * (SIGN_NUM_DIGITS + 1) + SIGN_KID_MAX + 1 + 8)
/* A link's path and query as sign_format() writes it, with its NUL. */
#define SIGN_LINK_MAX (3 * SIGN_VALUE_MAX * 4 + 256)

/* Why a link is refused: every one gives the same status (sign_status). */
enum sign_result {
	SIGN_OK,
	SIGN_MISSING,	/* no sig, exp or kid where a link is needed */
	SIGN_MALFORMED, /* a bad value, duplicate, padding, %00, ... */
	SIGN_KID,	/* no key has this id */
	SIGN_MAC,	/* the MAC does not match */
	SIGN_EXPIRED,	/* now > exp */
	SIGN_NOT_YET,	/* nbf > now + clock skew */
	SIGN_LIFETIME,	/* exp > now + max lifetime + clock skew */
	SIGN_IP,	/* the client is not in the signed network */
	SIGN_SCOPE,	/* the path is not the one signed, or not below pfx */
	SIGN_RESULT_COUNT
};

/*
 * The reason for the log and the metrics ("signature_expired", ...),
 * never NULL. Pure.
 */
const char *sign_result_reason(enum sign_result r);

/*
 * What a link carries, decoded. Strings point into caller storage
 * (struct sign_query's buffers, or the caller's for sign_make) and are
 * NUL-terminated; "has_" says whether an optional one was present.
 */
struct sign_params {
	const char *path; /* normalized file path; "" when pfx is set */
	const char *pfx;  /* normalized prefix ending in '/', or "" */
	int64_t exp;
	bool has_nbf;
	int64_t nbf;
	const char *kid;
	const char *ip; /* "" when not bound */
	const char *dl; /* "" when not set */
	bool has_rate;
	int64_t rate; /* bytes per second, >= 1 */
};

/* A parsed query: the parameters and the storage they point into. */
struct sign_query {
	struct sign_params p;
	unsigned char mac[SIGN_MAC_LEN]; /* sig, decoded */
	bool has_sig, has_exp, has_kid;
	char kid[SIGN_KID_MAX + 1];
	char ip[SIGN_VALUE_MAX + 1];
	char pfx[SIGN_VALUE_MAX + 2];
	char dl[SIGN_DL_MAX + 1];
};

/*
 * Parses a QUERY_STRING (len bytes, not NUL-terminated) into q: pairs
 * separated by '&', name=value, values percent-decoded ('+' is a
 * space), unknown names ignored. Strict for the names dlfcgi knows: a
 * duplicate, an empty or undecodable value, %00, a number with a sign
 * or a leading zero or more than SIGN_NUM_DIGITS digits, a kid outside
 * [A-Za-z0-9_-]{1,32}, a sig that is not exactly SIGN_SIG_LEN base64url
 * characters (no padding, unused bits zero), rate 0, a dl with '/' or
 * longer than SIGN_DL_MAX, a pfx that does not normalize: all are
 * SIGN_MALFORMED. A query without sig, exp or kid is SIGN_MISSING.
 * q->p.path is left "" (the caller sets it from the request's path).
 * Returns SIGN_OK, SIGN_MISSING or SIGN_MALFORMED. Pure.
 */
enum sign_result sign_parse_query(
    const char *qs, size_t len, struct sign_query *q);

/*
 * Normalizes a decoded path below root into out (outlen bytes): one
 * leading '/', runs of '/' collapsed, "." components dropped, a
 * trailing '/' dropped (kept if prefix is true, and added: a prefix
 * always ends in '/'; "/" is every file). A ".." component, a NUL
 * inside len or a result longer than outlen - 1 is refused. Returns
 * the length of out, or -1. Pure.
 */
int sign_normalize_path(
    const char *path, size_t len, bool prefix, char *out, size_t outlen);

/*
 * True if the normalized path lies below the normalized prefix pfx
 * (which ends in '/'), compared byte by byte. Pure.
 */
bool sign_path_below(const char *path, const char *pfx);

/*
 * Writes the string to sign of p (version 1, above) into out. Returns
 * its length (NULs included), or -1 if outlen is too small or a field
 * holds a NUL it cannot. SIGN_CANON_MAX always suffices for parameters
 * sign_parse_query() accepts. Pure.
 */
int sign_canonical(const struct sign_params *p, char *out, size_t outlen);

/*
 * base64url without padding (RFC 4648 §5): sign_b64url_encode writes
 * 4n/3 rounded up characters and a NUL, returns their count or -1 if
 * outlen is too small; sign_b64url_decode accepts exactly the
 * canonical encoding of outlen bytes (length, alphabet, unused bits
 * zero) and returns 0 or -1. Pure.
 */
int sign_b64url_encode(
    const unsigned char *in, size_t len, char *out, size_t outlen);
int sign_b64url_decode(
    const char *in, size_t len, unsigned char *out, size_t outlen);

/*
 * The time checks, in this order: SIGN_EXPIRED if now > exp (a link is
 * valid through the second exp itself), SIGN_NOT_YET if nbf > now +
 * skew, SIGN_LIFETIME if max_lifetime > 0 and exp > now + max_lifetime
 * + skew. Else SIGN_OK. Pure.
 */
enum sign_result sign_check_time(const struct sign_params *p, int64_t now,
    int64_t max_lifetime, int64_t skew);

/*
 * The IP binding: SIGN_OK if p->ip is "", or if the client address
 * (REMOTE_ADDR text; an IPv4-mapped IPv6 address counts as IPv4) and
 * the address in p->ip are of one family and equal in their first
 * prefix4 (IPv4) or prefix6 (IPv6) bits. Else SIGN_IP (a client or an
 * ip that is not an address included). Pure.
 */
enum sign_result sign_check_ip(
    const struct sign_params *p, const char *client, int prefix4, int prefix6);

/*
 * Formats the path and query of a link into out: the path (or, with a
 * pfx, the file path given in path_for_pfx), then exp, nbf, kid, ip,
 * pfx, dl, rate (those set) and sig = base64url(mac), each value
 * percent-encoded (everything but unreserved RFC 3986 characters; the
 * path keeps its '/'). Returns the length, or -1 if outlen is too small.
 * Pure.
 */
int sign_format(const struct sign_params *p, const char *path_for_pfx,
    const unsigned char mac[SIGN_MAC_LEN], char *out, size_t outlen);

#endif
