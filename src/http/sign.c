/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Signed links, the pure part: the query (RFC 3986 §3.4, pairs as
 * application/x-www-form-urlencoded, WHATWG URL §5.1), the string to
 * sign (dlfcgi(8) SIGNED LINKS), base64url (RFC 4648 §5), the time and
 * IP checks. Strict where a lax parser could let two readings of one
 * link disagree.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <string.h>

#include "sign.h"

static const char *const sign_reasons[SIGN_RESULT_COUNT] = {
    [SIGN_OK] = "signature_ok",
    [SIGN_MISSING] = "signature_missing",
    [SIGN_MALFORMED] = "signature_malformed",
    [SIGN_KID] = "signature_kid",
    [SIGN_MAC] = "signature_mac",
    [SIGN_EXPIRED] = "signature_expired",
    [SIGN_NOT_YET] = "signature_not_yet",
    [SIGN_LIFETIME] = "signature_lifetime",
    [SIGN_IP] = "signature_ip",
    [SIGN_SCOPE] = "signature_scope",
};

const char *
sign_result_reason(enum sign_result r)
{
	if ((unsigned)r >= SIGN_RESULT_COUNT)
		return "signature_unknown";
	return sign_reasons[r];
}

static int
sign_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Percent-decodes v (len bytes) into out, '+' as a space. Returns the
 * length, or -1 for a bad escape, %00, or more than outlen - 1 bytes.
 */
static int
sign_decode(const char *v, size_t len, char *out, size_t outlen)
{
	size_t i, n = 0;
	int hi, lo;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = (unsigned char)v[i];
		if (c == '%') {
			if (len - i < 3 ||
			    (hi = sign_hex((unsigned char)v[i + 1])) < 0 ||
			    (lo = sign_hex((unsigned char)v[i + 2])) < 0)
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+')
			c = ' ';
		if (c == '\0' || n + 1 >= outlen)
			return -1;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return (int)n;
}

/* A decimal without sign or leading zero, at most INT64_MAX. */
static int
sign_number(const char *s, size_t len, int64_t *v)
{
	uint64_t n = 0;
	size_t i;

	if (len == 0 || len > SIGN_NUM_DIGITS || (s[0] == '0' && len > 1))
		return -1;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		n = n * 10 + (uint64_t)(s[i] - '0');
	}
	if (n > (uint64_t)INT64_MAX)
		return -1;
	*v = (int64_t)n;
	return 0;
}

static bool
sign_kid_valid(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > SIGN_KID_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
			s[i] == '_'))
			return false;
	return true;
}

/* Parses an IPv4 or IPv6 address (zone dropped, mapped IPv4 as IPv4). */
static int
sign_addr(const char *s, unsigned char a[16], int *family)
{
	static const unsigned char mapped[12] = {
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	char buf[INET6_ADDRSTRLEN];
	size_t n;

	if (s == NULL)
		return -1;
	if (inet_pton(AF_INET, s, a) == 1) {
		*family = AF_INET;
		return 0;
	}
	n = strcspn(s, "%");
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, a) != 1)
		return -1;
	if (memcmp(a, mapped, sizeof(mapped)) == 0) {
		memmove(a, a + 12, 4);
		*family = AF_INET;
	} else
		*family = AF_INET6;
	return 0;
}

enum {
	SQ_EXP,
	SQ_NBF,
	SQ_KID,
	SQ_SIG,
	SQ_IP,
	SQ_PFX,
	SQ_DL,
	SQ_RATE,
	SQ_COUNT
};

static const char *const sign_names[SQ_COUNT] = {
    [SQ_EXP] = "exp",
    [SQ_NBF] = "nbf",
    [SQ_KID] = "kid",
    [SQ_SIG] = "sig",
    [SQ_IP] = "ip",
    [SQ_PFX] = "pfx",
    [SQ_DL] = "dl",
    [SQ_RATE] = "rate",
};

/* Stores the decoded value v (n bytes) of parameter which into q. */
static enum sign_result
sign_store(struct sign_query *q, int which, const char *v, size_t n)
{
	unsigned char a[16];
	int family;

	switch (which) {
	case SQ_EXP:
		q->has_exp = true;
		return sign_number(v, n, &q->p.exp) == 0 ? SIGN_OK
							 : SIGN_MALFORMED;
	case SQ_NBF:
		q->p.has_nbf = true;
		return sign_number(v, n, &q->p.nbf) == 0 ? SIGN_OK
							 : SIGN_MALFORMED;
	case SQ_RATE:
		q->p.has_rate = true;
		if (sign_number(v, n, &q->p.rate) == -1 || q->p.rate == 0)
			return SIGN_MALFORMED;
		return SIGN_OK;
	case SQ_KID:
		if (!sign_kid_valid(v, n))
			return SIGN_MALFORMED;
		memcpy(q->kid, v, n + 1);
		q->has_kid = true;
		return SIGN_OK;
	case SQ_SIG:
		if (sign_b64url_decode(v, n, q->mac, sizeof(q->mac)) == -1)
			return SIGN_MALFORMED;
		q->has_sig = true;
		return SIGN_OK;
	case SQ_IP:
		if (n >= sizeof(q->ip) || sign_addr(v, a, &family) == -1)
			return SIGN_MALFORMED;
		memcpy(q->ip, v, n + 1);
		return SIGN_OK;
	case SQ_PFX:
		if (sign_normalize_path(v, n, true, q->pfx, sizeof(q->pfx)) ==
		    -1)
			return SIGN_MALFORMED;
		return SIGN_OK;
	case SQ_DL:
		if (n > SIGN_DL_MAX || memchr(v, '/', n) != NULL)
			return SIGN_MALFORMED;
		memcpy(q->dl, v, n + 1);
		return SIGN_OK;
	}
	return SIGN_MALFORMED;
}

enum sign_result
sign_parse_query(const char *qs, size_t len, struct sign_query *q)
{
	char val[SIGN_VALUE_MAX + 1];
	const char *pair, *end, *eq;
	unsigned seen = 0;
	size_t nlen, i;
	int which, n;
	enum sign_result r;

	memset(q, 0, sizeof(*q));
	q->p.path = "";
	q->p.pfx = q->pfx;
	q->p.kid = q->kid;
	q->p.ip = q->ip;
	q->p.dl = q->dl;
	for (pair = qs; qs != NULL && pair < qs + len; pair = end + 1) {
		end = memchr(pair, '&', (size_t)(qs + len - pair));
		if (end == NULL)
			end = qs + len;
		eq = memchr(pair, '=', (size_t)(end - pair));
		nlen = (size_t)((eq != NULL ? eq : end) - pair);
		which = -1;
		for (i = 0; i < SQ_COUNT; i++)
			if (strlen(sign_names[i]) == nlen &&
			    memcmp(sign_names[i], pair, nlen) == 0)
				which = (int)i;
		if (which == -1)
			continue; /* not ours: ignored, not signed */
		if (seen & (1u << which) || eq == NULL)
			return SIGN_MALFORMED;
		seen |= 1u << which;
		n = sign_decode(
		    eq + 1, (size_t)(end - eq - 1), val, sizeof(val));
		if (n <= 0)
			return SIGN_MALFORMED;
		if ((r = sign_store(q, which, val, (size_t)n)) != SIGN_OK)
			return r;
	}
	if (!q->has_sig || !q->has_exp || !q->has_kid)
		return SIGN_MISSING;
	return SIGN_OK;
}

int
sign_normalize_path(
    const char *path, size_t len, bool prefix, char *out, size_t outlen)
{
	size_t i = 0, c, n = 0;

	if (outlen < 2 || memchr(path, '\0', len) != NULL)
		return -1;
	out[n++] = '/';
	while (i < len) {
		while (i < len && path[i] == '/')
			i++;
		for (c = i; c < len && path[c] != '/'; c++)
			;
		if (c - i == 1 && path[i] == '.') {
			i = c;
			continue;
		}
		if (c - i == 2 && path[i] == '.' && path[i + 1] == '.')
			return -1;
		if (c == i)
			break;
		/* room for the component, its '/' and the NUL */
		if (n > 1) {
			if (n + 1 >= outlen)
				return -1;
			out[n++] = '/';
		}
		if (c - i >= outlen - n)
			return -1;
		memcpy(out + n, path + i, c - i);
		n += c - i;
		i = c;
	}
	if (prefix && n > 1) {
		if (n + 1 >= outlen)
			return -1;
		out[n++] = '/';
	}
	out[n] = '\0';
	return (int)n;
}

bool
sign_path_below(const char *path, const char *pfx)
{
	size_t n = strlen(pfx);

	return n > 0 && pfx[n - 1] == '/' && strncmp(path, pfx, n) == 0;
}

/* Appends s (n bytes) and a NUL to out at *pos; -1 if no room or NUL. */
static int
sign_field(char *out, size_t outlen, size_t *pos, const char *s, size_t n)
{
	if (memchr(s, '\0', n) != NULL || n >= outlen - *pos)
		return -1;
	memcpy(out + *pos, s, n);
	*pos += n;
	out[(*pos)++] = '\0';
	return 0;
}

/* A non-negative number in decimal into buf; returns its length. */
static size_t
sign_itoa(int64_t v, char buf[SIGN_NUM_DIGITS + 1])
{
	char t[SIGN_NUM_DIGITS + 1];
	size_t n = 0, i;
	uint64_t u = v < 0 ? 0 : (uint64_t)v;

	do {
		t[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0 && n < sizeof(t));
	for (i = 0; i < n; i++)
		buf[i] = t[n - 1 - i];
	buf[n] = '\0';
	return n;
}

int
sign_canonical(const struct sign_params *p, char *out, size_t outlen)
{
	char num[SIGN_NUM_DIGITS + 1];
	size_t pos = 0, n;

#define FIELD(s, len)                                                \
	do {                                                         \
		if (sign_field(out, outlen, &pos, (s), (len)) == -1) \
			return -1;                                   \
	} while (0)
#define STR(s) FIELD((s), strlen(s))
	if (p->exp < 0 || (p->has_nbf && p->nbf < 0) ||
	    (p->has_rate && p->rate < 1))
		return -1;
	STR(SIGN_VERSION);
	STR(p->path);
	STR(p->pfx);
	n = sign_itoa(p->exp, num);
	FIELD(num, n);
	if (p->has_nbf) {
		n = sign_itoa(p->nbf, num);
		FIELD(num, n);
	} else
		FIELD("", 0);
	STR(p->kid);
	STR(p->ip);
	STR(p->dl);
	if (p->has_rate) {
		n = sign_itoa(p->rate, num);
		FIELD(num, n);
	} else
		FIELD("", 0);
#undef STR
#undef FIELD
	return (int)pos;
}

static const char sign_b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
sign_b64url_encode(
    const unsigned char *in, size_t len, char *out, size_t outlen)
{
	size_t i, n = 0, need = (len * 4 + 2) / 3;
	uint32_t v;

	if (need >= outlen)
		return -1;
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		out[n++] = sign_b64[v >> 18 & 63];
		out[n++] = sign_b64[v >> 12 & 63];
		out[n++] = sign_b64[v >> 6 & 63];
		out[n++] = sign_b64[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[n++] = sign_b64[v >> 18 & 63];
		out[n++] = sign_b64[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[n++] = sign_b64[v >> 18 & 63];
		out[n++] = sign_b64[v >> 12 & 63];
		out[n++] = sign_b64[v >> 6 & 63];
	}
	out[n] = '\0';
	return (int)n;
}

static int
sign_b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int
sign_b64url_decode(
    const char *in, size_t len, unsigned char *out, size_t outlen)
{
	size_t i, n = 0;
	uint32_t acc = 0;
	int bits = 0, d;

	if (len != (outlen * 4 + 2) / 3)
		return -1;
	for (i = 0; i < len; i++) {
		if ((d = sign_b64_value((unsigned char)in[i])) < 0)
			return -1;
		acc = acc << 6 | (uint32_t)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* the unused low bits of the last character must be zero */
	if (n != outlen || acc != 0)
		return -1;
	return 0;
}

enum sign_result
sign_check_time(const struct sign_params *p, int64_t now, int64_t max_lifetime,
    int64_t skew)
{
	if (now > p->exp)
		return SIGN_EXPIRED;
	if (p->has_nbf && p->nbf > now && p->nbf - now > skew)
		return SIGN_NOT_YET;
	if (max_lifetime > 0 && p->exp - now > max_lifetime &&
	    p->exp - now - max_lifetime > skew)
		return SIGN_LIFETIME;
	return SIGN_OK;
}

enum sign_result
sign_check_ip(
    const struct sign_params *p, const char *client, int prefix4, int prefix6)
{
	unsigned char a[16], b[16];
	int fa, fb, bits, i;
	unsigned char m;

	if (p->ip[0] == '\0')
		return SIGN_OK;
	if (sign_addr(client, a, &fa) == -1 || sign_addr(p->ip, b, &fb) == -1 ||
	    fa != fb)
		return SIGN_IP;
	bits = fa == AF_INET ? prefix4 : prefix6;
	if (bits < 0 || bits > (fa == AF_INET ? 32 : 128))
		return SIGN_IP;
	for (i = 0; bits > 0; i++, bits -= 8) {
		m = bits >= 8 ? 0xff : (unsigned char)(0xff << (8 - bits));
		if ((a[i] & m) != (b[i] & m))
			return SIGN_IP;
	}
	return SIGN_OK;
}

/* Appends s percent-encoded (unreserved kept, and '/' if path). */
static int
sign_escape(char *out, size_t outlen, size_t *pos, const char *s, bool path)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || (path && c == '/')) {
			if (outlen - *pos < 2)
				return -1;
			out[(*pos)++] = (char)c;
		} else {
			if (outlen - *pos < 4)
				return -1;
			out[(*pos)++] = '%';
			out[(*pos)++] = hex[c >> 4];
			out[(*pos)++] = hex[c & 15];
		}
	}
	out[*pos] = '\0';
	return 0;
}

int
sign_format(const struct sign_params *p, const char *path_for_pfx,
    const unsigned char mac[SIGN_MAC_LEN], char *out, size_t outlen)
{
	char num[SIGN_NUM_DIGITS + 1], sig[SIGN_SIG_LEN + 1];
	const char *path = p->pfx[0] != '\0' ? p->pfx : p->path;
	size_t pos = 0;
	bool first = true;

	if (outlen == 0)
		return -1;
	if (p->pfx[0] != '\0' && path_for_pfx != NULL)
		path = path_for_pfx;
	if (sign_escape(out, outlen, &pos, path, true) == -1)
		return -1;
#define PARAM(name, v)                                                     \
	do {                                                               \
		if (outlen - pos < 2)                                      \
			return -1;                                         \
		out[pos++] = first ? '?' : '&';                            \
		first = false;                                             \
		if (sign_escape(out, outlen, &pos, (name), false) == -1 || \
		    outlen - pos < 2)                                      \
			return -1;                                         \
		out[pos++] = '=';                                          \
		if (sign_escape(out, outlen, &pos, (v), false) == -1)      \
			return -1;                                         \
	} while (0)
	sign_itoa(p->exp, num);
	PARAM("exp", num);
	if (p->has_nbf) {
		sign_itoa(p->nbf, num);
		PARAM("nbf", num);
	}
	PARAM("kid", p->kid);
	if (p->ip[0] != '\0')
		PARAM("ip", p->ip);
	if (p->pfx[0] != '\0')
		PARAM("pfx", p->pfx);
	if (p->dl[0] != '\0')
		PARAM("dl", p->dl);
	if (p->has_rate) {
		sign_itoa(p->rate, num);
		PARAM("rate", num);
	}
	if (sign_b64url_encode(mac, SIGN_MAC_LEN, sig, sizeof(sig)) == -1)
		return -1;
	PARAM("sig", sig);
#undef PARAM
	return (int)pos;
}
