/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Signed links: the published vectors (tests/sign-vectors.txt, the ones
 * of dlfcgi(8) and of contrib/sign/), every malformed token class, the
 * expiry edges, IPv4/IPv6 masking, path normalization, base64url, and
 * that the MAC is compared by CRYPTO_memcmp.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <check.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "sign.h"
#include "signkeys.h"

/* CRYPTO_memcmp interposed: the last comparison sign_verify made. */
static const void *memcmp_b;
static size_t memcmp_n;
static int memcmp_calls;

int CRYPTO_memcmp(const void *a, const void *b, size_t n);

int
CRYPTO_memcmp(const void *a, const void *b, size_t n)
{
	static int (*real)(const void *, const void *, size_t);

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "CRYPTO_memcmp");
	memcmp_b = b;
	memcmp_n = n;
	memcmp_calls++;
	return real(a, b, n);
}

/* The vector file's fields. */
struct vec {
	char name[32];
	struct sign_key key;
	char kid[SIGN_KID_MAX + 1];
	char path[256], pfx[256], ip[64], dl[256];
	char canon_hex[2 * SIGN_CANON_MAX];
	char link[1024];
	struct sign_params p;
};

static int
unhex(const char *h, unsigned char *out, size_t max)
{
	size_t i, n = strlen(h) / 2;
	unsigned v;

	if (strlen(h) % 2 != 0 || n > max)
		return -1;
	for (i = 0; i < n; i++) {
		if (sscanf(h + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return (int)n;
}

static void
field(char *dst, size_t len, const char *s)
{
	ck_assert_uint_lt(strlen(s), len);
	strcpy(dst, strcmp(s, "-") == 0 ? "" : s);
}

/* Reads the next vector of fp into v; 0 at the end. */
static int
vec_next(FILE *fp, struct vec *v)
{
	char line[4096], *f[12], *save = NULL, *tok;
	int n, len;

	while (fgets(line, sizeof(line), fp) != NULL) {
		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = '\0';
		memset(v, 0, sizeof(*v));
		for (n = 0, tok = strtok_r(line, "\t", &save);
		     tok != NULL && n < 12; tok = strtok_r(NULL, "\t", &save))
			f[n++] = tok;
		ck_assert_int_eq(n, 12);
		field(v->name, sizeof(v->name), f[0]);
		len = unhex(f[1], v->key.key, sizeof(v->key.key));
		ck_assert_int_ge(len, DL_SIGN_KEY_MIN);
		v->key.len = (size_t)len;
		field(v->kid, sizeof(v->kid), f[2]);
		strcpy(v->key.id, v->kid);
		field(v->path, sizeof(v->path), f[3]);
		field(v->pfx, sizeof(v->pfx), f[4]);
		v->p.exp = strtoll(f[5], NULL, 10);
		if ((v->p.has_nbf = strcmp(f[6], "-") != 0))
			v->p.nbf = strtoll(f[6], NULL, 10);
		field(v->ip, sizeof(v->ip), f[7]);
		field(v->dl, sizeof(v->dl), f[8]);
		if ((v->p.has_rate = strcmp(f[9], "-") != 0))
			v->p.rate = strtoll(f[9], NULL, 10);
		field(v->canon_hex, sizeof(v->canon_hex), f[10]);
		field(v->link, sizeof(v->link), f[11]);
		v->p.path = v->path;
		v->p.pfx = v->pfx;
		v->p.kid = v->kid;
		v->p.ip = v->ip;
		v->p.dl = v->dl;
		return 1;
	}
	return 0;
}

static FILE *
vec_open(void)
{
	const char *top = getenv("top_srcdir");
	char file[PATH_MAX];
	FILE *fp;

	snprintf(file, sizeof(file), "%s/tests/sign-vectors.txt",
	    top != NULL ? top : "..");
	fp = fopen(file, "re");
	ck_assert_msg(fp != NULL, "cannot open %s (set top_srcdir)", file);
	return fp;
}

/* The vectors: canonical string, sign_make's link, sign_verify. */
START_TEST(test_vectors)
{
	unsigned char canon[SIGN_CANON_MAX], want[SIGN_CANON_MAX];
	char link[SIGN_LINK_MAX], path[512];
	struct signkeys ks = {0};
	struct sign_query q;
	struct sign_policy pol;
	const char *qs, *client;
	FILE *fp = vec_open();
	struct vec v;
	int n, wn, count = 0;

	while (vec_next(fp, &v)) {
		n = sign_canonical(&v.p, (char *)canon, sizeof(canon));
		wn = unhex(v.canon_hex, want, sizeof(want));
		ck_assert_msg(n == wn && memcmp(canon, want, (size_t)n) == 0,
		    "%s: canonical string", v.name);
		n = sign_make(&v.key, &v.p, NULL, link, sizeof(link));
		ck_assert_msg(n > 0 && strcmp(link, v.link) == 0,
		    "%s: link %s, want %s", v.name, link, v.link);

		ks.k[0] = v.key;
		ks.n = 1;
		pol = (struct sign_policy){.keys = &ks,
		    .now = v.p.exp - 100,
		    .max_lifetime = 0,
		    .skew = 60000,
		    .prefix4 = 32,
		    .prefix6 = 128};
		qs = strchr(v.link, '?') + 1;
		/* the path as the web server decodes it; a file below pfx */
		snprintf(path, sizeof(path), "%s%s",
		    v.pfx[0] != '\0' ? v.pfx : v.path,
		    v.pfx[0] != '\0' ? "sub/file.bin" : "");
		client = v.ip[0] != '\0' ? v.ip : NULL;
		ck_assert_msg(sign_verify(&pol, path, qs, strlen(qs), client,
				  &q) == SIGN_OK,
		    "%s: verifies", v.name);
		ck_assert_str_eq(q.dl, v.dl);
		ck_assert_int_eq(q.p.has_rate, v.p.has_rate);
		count++;
	}
	fclose(fp);
	ck_assert_int_ge(count, 7);
}
END_TEST

/* One key and a link for /d/f.bin valid until T + 3600. */
#define T 1767225600LL
static struct signkeys one_key;
static char good_qs[SIGN_LINK_MAX];

static void
make_good(void)
{
	struct sign_params p = {.path = "/d/f.bin",
	    .pfx = "",
	    .exp = T + 3600,
	    .kid = "k1",
	    .ip = "",
	    .dl = ""};
	char link[SIGN_LINK_MAX];

	memset(&one_key, 0, sizeof(one_key));
	strcpy(one_key.k[0].id, "k1");
	memset(one_key.k[0].key, 0x5a, 32);
	one_key.k[0].len = 32;
	one_key.n = 1;
	ck_assert_int_gt(
	    sign_make(&one_key.k[0], &p, NULL, link, sizeof(link)), 0);
	strcpy(good_qs, strchr(link, '?') + 1);
}

static enum sign_result
verify(const char *path, const char *qs, const char *client, int64_t now)
{
	struct sign_policy pol = {.keys = &one_key,
	    .now = now,
	    .max_lifetime = 86400,
	    .skew = 60,
	    .prefix4 = 24,
	    .prefix6 = 56};
	struct sign_query q;

	return sign_verify(&pol, path, qs, strlen(qs), client, &q);
}

/* The good link's query with its sig replaced, or a parameter added. */
static const char *
with(const char *prefix, const char *suffix)
{
	static char buf[2 * SIGN_LINK_MAX];

	snprintf(buf, sizeof(buf), "%s%s%s", prefix, good_qs, suffix);
	return buf;
}

START_TEST(test_good_and_tampered)
{
	char qs[SIGN_LINK_MAX], *p;

	make_good();
	ck_assert_int_eq(verify("/d/f.bin", good_qs, NULL, T), SIGN_OK);
	/* the same path as the web server may pass it */
	ck_assert_int_eq(verify("d//./f.bin", good_qs, NULL, T), SIGN_OK);
	/* unsigned extra parameters are ignored */
	ck_assert_int_eq(
	    verify("/d/f.bin", with("utm=x&", "&z"), NULL, T), SIGN_OK);
	/* tampered path */
	ck_assert_int_eq(verify("/d/g.bin", good_qs, NULL, T), SIGN_MAC);
	ck_assert_int_eq(verify("/d/f.bin/", good_qs, NULL, T), SIGN_OK);
	ck_assert_int_eq(
	    verify("/d/../d/f.bin", good_qs, NULL, T), SIGN_MALFORMED);
	/* tampered exp */
	strcpy(qs, good_qs);
	p = strstr(qs, "exp=") + 4;
	*p = *p == '1' ? '2' : '1';
	ck_assert_int_eq(verify("/d/f.bin", qs, NULL, T), SIGN_MAC);
	/* unknown kid */
	strcpy(qs, good_qs);
	p = strstr(qs, "kid=k1") + 5;
	*p = '2';
	ck_assert_int_eq(verify("/d/f.bin", qs, NULL, T), SIGN_KID);
	/* a parameter added that the MAC covers */
	ck_assert_int_eq(
	    verify("/d/f.bin", with("", "&rate=100"), NULL, T), SIGN_MAC);
	ck_assert_int_eq(
	    verify("/d/f.bin", with("", "&dl=x"), NULL, T), SIGN_MAC);
	ck_assert_int_eq(
	    verify("/d/f.bin", with("", "&ip=10.0.0.1"), "10.0.0.1", T),
	    SIGN_MAC);
	ck_assert_int_eq(
	    verify("/d/f.bin", with("", "&pfx=/d/"), NULL, T), SIGN_MAC);
}
END_TEST

/* Every malformed token class: one status, SIGN_MALFORMED/MISSING. */
static const struct {
	const char *qs;
	enum sign_result want;
} bad_rows[] = {
    {"", SIGN_MISSING},
    {"exp=1&kid=k1", SIGN_MISSING}, /* no sig */
    {"kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", SIGN_MISSING},
    {"exp=1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", SIGN_MISSING},
    {"exp=1&exp=1&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* duplicate */
    {"exp=1&kid=k1&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED},
    {"exp=1&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&sig="
     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED},
    {"exp=1&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
	SIGN_MALFORMED}, /* padding */
    {"exp=1&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D",
	SIGN_MALFORMED}, /* padding, encoded */
    {"exp=1&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* 42 characters */
    {"exp=1&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* 44 characters */
    {"exp=1&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",
	SIGN_MALFORMED}, /* unused bits not zero */
    {"exp=1&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+",
	SIGN_MALFORMED}, /* base64, not base64url */
    {"exp=1&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/",
	SIGN_MALFORMED},
    {"exp=&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* empty */
    {"exp&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* no '=' */
    {"exp=01&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* leading zero */
    {"exp=+1&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* sign ('+' is a space) */
    {"exp=-1&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED},
    {"exp=1x&kid=k1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED},
    {"exp=9223372036854775808&kid=k1&sig="
     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* 2^63 */
    {"exp=10000000000000000000&kid=k1&sig="
     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* 20 digits */
    {"exp=1&kid=k%00&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* %00 */
    {"exp=1&kid=k%2&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* bad escape */
    {"exp=1&kid=k%zz&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED},
    {"exp=1&kid=k.1&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* kid alphabet */
    {"exp=1&kid=123456789012345678901234567890123&sig="
     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* kid of 33 */
    {"exp=1&kid=k1&rate=0&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED},
    {"exp=1&kid=k1&ip=10.0.0&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* not an address */
    {"exp=1&kid=k1&pfx=/a/../b/&sig="
     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* pfx with .. */
    {"exp=1&kid=k1&dl=a/b&sig=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED}, /* dl with '/' */
    {"exp=1&kid=k1&nbf=1&nbf=1&sig="
     "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	SIGN_MALFORMED},
};

START_TEST(test_malformed)
{
	struct sign_query q;
	const char *qs = bad_rows[_i].qs;

	ck_assert_msg(sign_parse_query(qs, strlen(qs), &q) == bad_rows[_i].want,
	    "row %d: %s", _i, qs);
}
END_TEST

/* Names are compared exactly; unknown ones ignored, even duplicated. */
START_TEST(test_parse_values)
{
	const char *qs = "x=1&x=2&EXP=5&exp=1767225600&kid=a-_Z9&sig="
			 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&dl=a+b%"
			 "2Bc&ip=2001%3adb8%3A%3A1&pfx=%2Fr%2F%2F.%2F1.0&&";
	struct sign_query q;

	ck_assert_int_eq(sign_parse_query(qs, strlen(qs), &q), SIGN_OK);
	ck_assert_int_eq(q.p.exp, 1767225600);
	ck_assert_str_eq(q.p.kid, "a-_Z9");
	ck_assert_str_eq(q.p.dl, "a b+c");
	ck_assert_str_eq(q.p.ip, "2001:db8::1");
	ck_assert_str_eq(q.p.pfx, "/r/1.0/");
	/* the length bounds the parse, not a NUL */
	ck_assert_int_eq(sign_parse_query(qs, 10, &q), SIGN_MISSING);
}
END_TEST

/* Expiry edges: exactly at exp, one second after; nbf and skew. */
static const struct {
	int64_t now, exp;
	bool has_nbf;
	int64_t nbf;
	int64_t maxlife, skew;
	enum sign_result want;
} time_rows[] = {
    {T, T, false, 0, 0, 0, SIGN_OK},	       /* exactly at exp */
    {T + 1, T, false, 0, 0, 60, SIGN_EXPIRED}, /* one second after */
    {T - 1, T, false, 0, 0, 0, SIGN_OK},
    {T, T + 10, true, T + 60, 0, 60, SIGN_OK},		 /* nbf at the skew */
    {T, T + 10, true, T + 61, 0, 60, SIGN_NOT_YET},	 /* beyond the skew */
    {T, T + 10, true, T + 1, 0, 0, SIGN_NOT_YET},	 /* no skew */
    {T, T + 10, true, T, 0, 0, SIGN_OK},		 /* nbf = now */
    {T, T + 10, true, 0, 0, 0, SIGN_OK},		 /* nbf long past */
    {T + 11, T + 10, true, T + 20, 0, 60, SIGN_EXPIRED}, /* exp first */
    {T, T + 3600, false, 0, 3600, 0, SIGN_OK},		 /* at the lifetime */
    {T, T + 3601, false, 0, 3600, 0, SIGN_LIFETIME},
    {T, T + 3660, false, 0, 3600, 60, SIGN_OK}, /* skew for the signer */
    {T, T + 3661, false, 0, 3600, 60, SIGN_LIFETIME},
    {T, INT64_MAX, false, 0, 0, 0, SIGN_OK}, /* no lifetime limit */
    {T, INT64_MAX, false, 0, 3600, 3600, SIGN_LIFETIME},
    {0, 0, false, 0, 0, 0, SIGN_OK},
};

START_TEST(test_time)
{
	struct sign_params p = {.path = "/f",
	    .pfx = "",
	    .kid = "k",
	    .ip = "",
	    .dl = "",
	    .exp = time_rows[_i].exp,
	    .has_nbf = time_rows[_i].has_nbf,
	    .nbf = time_rows[_i].nbf};

	ck_assert_msg(
	    sign_check_time(&p, time_rows[_i].now, time_rows[_i].maxlife,
		time_rows[_i].skew) == time_rows[_i].want,
	    "row %d", _i);
}
END_TEST

/* The same edges through sign_verify, with a real MAC. */
START_TEST(test_verify_time)
{
	make_good();
	ck_assert_int_eq(verify("/d/f.bin", good_qs, NULL, T + 3600), SIGN_OK);
	ck_assert_int_eq(
	    verify("/d/f.bin", good_qs, NULL, T + 3601), SIGN_EXPIRED);
	/* the MAC first: a forged expired link is a MAC failure */
	ck_assert_int_eq(verify("/d/x", good_qs, NULL, T + 3601), SIGN_MAC);
}
END_TEST

/* IPv4/IPv6 masking with prefix4 = 24, prefix6 = 56 unless noted. */
static const struct {
	const char *ip, *client;
	int p4, p6;
	enum sign_result want;
} ip_rows[] = {
    {"", NULL, 24, 56, SIGN_OK}, /* not bound */
    {"203.0.113.0", "203.0.113.77", 24, 56, SIGN_OK},
    {"203.0.113.9", "203.0.113.200", 24, 56, SIGN_OK}, /* host bits */
    {"203.0.113.0", "203.0.114.1", 24, 56, SIGN_IP},
    {"203.0.113.0", "203.0.113.1", 32, 56, SIGN_IP},
    {"203.0.113.1", "203.0.113.1", 32, 56, SIGN_OK},
    {"203.0.112.0", "203.0.113.1", 23, 56, SIGN_OK}, /* odd prefix */
    {"203.0.112.0", "203.0.113.1", 24, 56, SIGN_IP},
    {"128.0.0.0", "255.1.2.3", 1, 56, SIGN_OK},
    {"128.0.0.0", "127.1.2.3", 1, 56, SIGN_IP},
    {"203.0.113.0", "::ffff:203.0.113.5", 24, 56, SIGN_OK}, /* mapped */
    {"::ffff:203.0.113.0", "203.0.113.5", 24, 56, SIGN_OK},
    {"2001:db8:1234:5600::", "2001:db8:1234:56ff:a:b:c:d", 24, 56, SIGN_OK},
    {"2001:db8:1234:5600::", "2001:db8:1234:5700::1", 24, 56, SIGN_IP},
    {"2001:db8:1234:5600::", "2001:db8:1234:5601::1", 24, 64, SIGN_IP},
    {"2001:db8::1", "2001:db8::1", 24, 128, SIGN_OK},
    {"2001:db8::1", "2001:db8::2", 24, 128, SIGN_IP},
    {"fe80::1", "fe80::1%eth0", 24, 128, SIGN_OK},  /* zone dropped */
    {"2001:db8::", "203.0.113.1", 24, 56, SIGN_IP}, /* families differ */
    {"203.0.113.0", "2001:db8::1", 24, 56, SIGN_IP},
    {"203.0.113.0", NULL, 24, 56, SIGN_IP}, /* no client address */
    {"203.0.113.0", "unix:", 24, 56, SIGN_IP},
    {"203.0.113.0", "-", 24, 56, SIGN_IP},
};

START_TEST(test_ip)
{
	struct sign_params p = {.path = "/f",
	    .pfx = "",
	    .kid = "k",
	    .dl = "",
	    .ip = ip_rows[_i].ip};

	ck_assert_msg(sign_check_ip(&p, ip_rows[_i].client, ip_rows[_i].p4,
			  ip_rows[_i].p6) == ip_rows[_i].want,
	    "row %d: %s vs %s", _i, ip_rows[_i].ip,
	    ip_rows[_i].client ? ip_rows[_i].client : "NULL");
}
END_TEST

/* Normalization: the path signed is the one dlfcgi resolves. */
static const struct {
	const char *in;
	bool prefix;
	const char *want; /* NULL: refused */
} norm_rows[] = {
    {"/a/b", false, "/a/b"},
    {"a/b", false, "/a/b"},
    {"//a///b//", false, "/a/b"},
    {"/./a/./b/.", false, "/a/b"},
    {"/a/../b", false, NULL},
    {"/..", false, NULL},
    {"/a/..b/c", false, "/a/..b/c"}, /* a name, not .. */
    {"/a/.b", false, "/a/.b"},
    {"", false, "/"},
    {"/", false, "/"},
    {"/a", true, "/a/"},
    {"/a/", true, "/a/"},
    {"/", true, "/"},
    {"", true, "/"},
    {"/a//b/.", true, "/a/b/"},
};

START_TEST(test_normalize)
{
	char out[64];
	int n = sign_normalize_path(norm_rows[_i].in, strlen(norm_rows[_i].in),
	    norm_rows[_i].prefix, out, sizeof(out));

	if (norm_rows[_i].want == NULL)
		ck_assert_int_eq(n, -1);
	else {
		ck_assert_str_eq(out, norm_rows[_i].want);
		ck_assert_int_eq(n, (int)strlen(norm_rows[_i].want));
	}
}
END_TEST

START_TEST(test_normalize_bounds)
{
	char out[8];

	ck_assert_int_eq(sign_normalize_path("/abcdef", 7, false, out, 8), 7);
	ck_assert_int_eq(sign_normalize_path("/abcdefg", 8, false, out, 8), -1);
	ck_assert_int_eq(sign_normalize_path("/abcdef", 7, true, out, 8), -1);
	ck_assert_int_eq(sign_normalize_path("/a\0b", 4, false, out, 8), -1);
}
END_TEST

/* pfx: the whole prefix, nothing outside it. */
START_TEST(test_pfx_scope)
{
	struct sign_params p = {.path = "",
	    .pfx = "/rel/1.0/",
	    .exp = T + 60,
	    .kid = "k1",
	    .ip = "",
	    .dl = ""};
	char link[SIGN_LINK_MAX], qs[SIGN_LINK_MAX];

	make_good();
	ck_assert_int_gt(
	    sign_make(&one_key.k[0], &p, "/rel/1.0/a.iso", link, sizeof(link)),
	    0);
	ck_assert(strncmp(link, "/rel/1.0/a.iso?", 15) == 0);
	strcpy(qs, strchr(link, '?') + 1);
	ck_assert_int_eq(verify("/rel/1.0/a.iso", qs, NULL, T), SIGN_OK);
	ck_assert_int_eq(verify("/rel/1.0/x/y.iso", qs, NULL, T), SIGN_OK);
	ck_assert_int_eq(verify("/rel/1.0//b", qs, NULL, T), SIGN_OK);
	ck_assert_int_eq(verify("/rel/1.0", qs, NULL, T), SIGN_SCOPE);
	ck_assert_int_eq(verify("/rel/1.00/a", qs, NULL, T), SIGN_SCOPE);
	ck_assert_int_eq(verify("/rel/2.0/a", qs, NULL, T), SIGN_SCOPE);
	ck_assert_int_eq(
	    verify("/rel/1.0/../2.0/a", qs, NULL, T), SIGN_MALFORMED);
	/* an exact link cannot be widened to a prefix */
	ck_assert_int_eq(
	    verify("/d/f.bin/x", with("", "&pfx=/d/f.bin/"), NULL, T),
	    SIGN_MAC);
}
END_TEST

START_TEST(test_b64url)
{
	unsigned char in[SIGN_MAC_LEN], out[SIGN_MAC_LEN];
	char s[SIGN_SIG_LEN + 1];
	uint64_t seed = 13;
	int i, round;

	/* RFC 4648 §10 vectors, without padding */
	ck_assert_int_eq(
	    sign_b64url_encode((const unsigned char *)"foob", 4, s, sizeof(s)),
	    6);
	ck_assert_str_eq(s, "Zm9vYg");
	ck_assert_int_eq(
	    sign_b64url_encode((const unsigned char *)"fooba", 5, s, sizeof(s)),
	    7);
	ck_assert_str_eq(s, "Zm9vYmE");
	ck_assert_int_eq(sign_b64url_decode("Zm9vYmE", 7, out, 5), 0);
	ck_assert(memcmp(out, "fooba", 5) == 0);
	ck_assert_int_eq(sign_b64url_decode("Zm9vYmF", 7, out, 5), -1);
	ck_assert_int_eq(sign_b64url_encode(in, 32, s, 43), -1); /* no NUL */
	for (round = 0; round < 200; round++) {
		for (i = 0; i < SIGN_MAC_LEN; i++)
			in[i] = (unsigned char)check_rand(&seed);
		ck_assert_int_eq(
		    sign_b64url_encode(in, sizeof(in), s, sizeof(s)),
		    SIGN_SIG_LEN);
		ck_assert_int_eq(
		    sign_b64url_decode(s, SIGN_SIG_LEN, out, sizeof(out)), 0);
		ck_assert(memcmp(in, out, sizeof(in)) == 0);
	}
}
END_TEST

/* The MAC comparison goes through CRYPTO_memcmp, over all 32 bytes. */
START_TEST(test_constant_time)
{
	char qs[SIGN_LINK_MAX];
	struct sign_policy pol = {.now = T, .prefix4 = 24, .prefix6 = 56};
	struct sign_query q;
	char *sig;

	make_good();
	pol.keys = &one_key;
	strcpy(qs, good_qs);
	sig = strstr(qs, "sig=") + 4;
	sig[0] = sig[0] == 'A' ? 'B' : 'A'; /* differs in the first byte */
	memcmp_calls = 0;
	ck_assert_int_eq(
	    sign_verify(&pol, "/d/f.bin", qs, strlen(qs), NULL, &q), SIGN_MAC);
	ck_assert_int_gt(memcmp_calls, 0);
	ck_assert_ptr_eq(memcmp_b, q.mac);
	ck_assert_uint_eq(memcmp_n, SIGN_MAC_LEN);
	memcmp_calls = 0;
	ck_assert_int_eq(
	    sign_verify(&pol, "/d/f.bin", good_qs, strlen(good_qs), NULL, &q),
	    SIGN_OK);
	ck_assert_ptr_eq(memcmp_b, q.mac);
	ck_assert_uint_eq(memcmp_n, SIGN_MAC_LEN);
}
END_TEST

START_TEST(test_reasons)
{
	int i;

	for (i = 0; i < SIGN_RESULT_COUNT; i++)
		ck_assert(strncmp(sign_result_reason((enum sign_result)i),
			      "signature_", 10) == 0);
	ck_assert_str_eq(sign_result_reason(SIGN_MAC), "signature_mac");
}
END_TEST

/* Key files: size and mode checked. */
START_TEST(test_key_files)
{
	char dir[PATH_MAX], f[PATH_MAX + 16], buf[512];
	unsigned char bytes[DL_SIGN_KEY_MAX + 1];
	struct sign_key k;
	FILE *fp;

	memset(bytes, 0x42, sizeof(bytes));
	check_test_dir(dir, sizeof(dir));
	snprintf(f, sizeof(f), "%s/k", dir);
#define KEYFILE(n, mode)                                           \
	do {                                                       \
		ck_assert((fp = fopen(f, "we")) != NULL);          \
		ck_assert_uint_eq(fwrite(bytes, 1, (n), fp), (n)); \
		ck_assert_int_eq(fclose(fp), 0);                   \
		ck_assert_int_eq(chmod(f, (mode)), 0);             \
	} while (0)
	KEYFILE(32, 0600);
	ck_assert_ptr_null(signkeys_read("k1", f, &k, buf, sizeof(buf)));
	ck_assert_uint_eq(k.len, 32);
	KEYFILE(DL_SIGN_KEY_MAX, 0400);
	ck_assert_ptr_null(signkeys_read("k1", f, &k, buf, sizeof(buf)));
	ck_assert_uint_eq(k.len, DL_SIGN_KEY_MAX);
	KEYFILE(31, 0600);
	ck_assert_ptr_nonnull(signkeys_read("k1", f, &k, buf, sizeof(buf)));
	ck_assert(strstr(buf, "too few") != NULL);
	KEYFILE(DL_SIGN_KEY_MAX + 1, 0600);
	ck_assert_ptr_nonnull(signkeys_read("k1", f, &k, buf, sizeof(buf)));
	ck_assert(strstr(buf, "too many") != NULL);
	KEYFILE(32, 0640);
	ck_assert_ptr_nonnull(signkeys_read("k1", f, &k, buf, sizeof(buf)));
	ck_assert(strstr(buf, "group or others") != NULL);
	ck_assert_uint_eq(k.len, 0);
	KEYFILE(32, 0604);
	ck_assert_ptr_nonnull(signkeys_read("k1", f, &k, buf, sizeof(buf)));
	ck_assert_ptr_nonnull(signkeys_read("k1", dir, &k, buf, sizeof(buf)));
#undef KEYFILE
}
END_TEST

Suite *
suite_sign(void)
{
	Suite *s = suite_create("sign");
	TCase *tc = tcase_create("sign");

	tcase_add_checked_fixture(tc, check_case_setup, check_case_teardown);
	tcase_add_test(tc, test_vectors);
	tcase_add_test(tc, test_good_and_tampered);
	tcase_add_loop_test(tc, test_malformed, 0, (int)NELEM(bad_rows));
	tcase_add_test(tc, test_parse_values);
	tcase_add_loop_test(tc, test_time, 0, (int)NELEM(time_rows));
	tcase_add_test(tc, test_verify_time);
	tcase_add_loop_test(tc, test_ip, 0, (int)NELEM(ip_rows));
	tcase_add_loop_test(tc, test_normalize, 0, (int)NELEM(norm_rows));
	tcase_add_test(tc, test_normalize_bounds);
	tcase_add_test(tc, test_pfx_scope);
	tcase_add_test(tc, test_b64url);
	tcase_add_test(tc, test_constant_time);
	tcase_add_test(tc, test_reasons);
	tcase_add_test(tc, test_key_files);
	suite_add_tcase(s, tc);
	return s;
}
