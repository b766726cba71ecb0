/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The keys of signed links and their MAC: HMAC-SHA256 by libcrypto 3
 * (EVP_MAC "HMAC", RFC 2104), the comparison by CRYPTO_memcmp, so the
 * time it takes says nothing about where a forged MAC differs.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "signkeys.h"

const char *
signkeys_read(const char *id, const char *file, struct sign_key *k, char *buf,
    size_t buflen)
{
	struct stat st;
	ssize_t n;
	size_t len = 0;
	int fd, e;
	const char *why = NULL;

	memset(k, 0, sizeof(*k));
	if (strlen(id) > SIGN_KID_MAX) {
		snprintf(buf, buflen, "key id \"%s\" is longer than %d", id,
		    SIGN_KID_MAX);
		return buf;
	}
	memcpy(k->id, id, strlen(id) + 1);
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd == -1) {
		snprintf(buf, buflen, "key file %s: %s", file, strerror(errno));
		return buf;
	}
	if (fstat(fd, &st) == -1) {
		e = errno;
		snprintf(buf, buflen, "key file %s: %s", file, strerror(e));
		why = buf;
		goto done;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(
		    buf, buflen, "key file %s is not a regular file", file);
		why = buf;
		goto done;
	}
	if ((st.st_mode & 077) != 0) {
		snprintf(buf, buflen,
		    "key file %s is accessible by group or others (mode %04o): "
		    "chmod 600 it",
		    file, (unsigned)(st.st_mode & 07777));
		why = buf;
		goto done;
	}
	/* one byte more than the largest key, to see a file too long */
	while (len <= sizeof(k->key)) {
		unsigned char extra;
		void *dst = len < sizeof(k->key) ? (void *)(k->key + len)
						 : (void *)&extra;
		size_t want = len < sizeof(k->key) ? sizeof(k->key) - len : 1;

		n = read(fd, dst, want);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(buf, buflen, "key file %s: %s", file,
			    strerror(errno));
			why = buf;
			goto done;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		explicit_bzero(&extra, sizeof(extra));
	}
	if (len < DL_SIGN_KEY_MIN || len > DL_SIGN_KEY_MAX) {
		snprintf(buf, buflen,
		    "key file %s has %s bytes: a key has %d to %d", file,
		    len > DL_SIGN_KEY_MAX ? "too many" : "too few",
		    DL_SIGN_KEY_MIN, DL_SIGN_KEY_MAX);
		why = buf;
		goto done;
	}
	k->len = len;
done:
	close(fd);
	if (why != NULL)
		explicit_bzero(k, sizeof(*k));
	return why;
}

void
signkeys_clear(struct signkeys *ks)
{
	explicit_bzero(ks->k, sizeof(ks->k));
	ks->n = 0;
}

const struct sign_key *
signkeys_find(const struct signkeys *ks, const char *kid)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		if (strcmp(ks->k[i].id, kid) == 0)
			return &ks->k[i];
	return NULL;
}

/*
 * Per thread: one keyed HMAC context per key it has used, made at the
 * first use and reset (EVP_MAC_init without a key) for each MAC. A key
 * is known by its address and its bytes' digest-free identity: the
 * context is remade when another key sits at that address (a reload in
 * a process that serves without workers).
 */
struct sign_tls {
	const struct sign_key *key[DL_SIGN_KEYS_MAX];
	unsigned char kcopy[DL_SIGN_KEYS_MAX][DL_SIGN_KEY_MAX];
	size_t klen[DL_SIGN_KEYS_MAX];
	EVP_MAC_CTX *ctx[DL_SIGN_KEYS_MAX];
};

static pthread_key_t sign_tls_key;
static pthread_once_t sign_tls_once = PTHREAD_ONCE_INIT;
static EVP_MAC *sign_hmac;
static int sign_tls_ok;

static void
sign_tls_free(void *p)
{
	struct sign_tls *t = p;
	size_t i;

	for (i = 0; i < DL_SIGN_KEYS_MAX; i++)
		EVP_MAC_CTX_free(t->ctx[i]);
	explicit_bzero(t, sizeof(*t));
	free(t);
}

static void
sign_tls_init(void)
{
	sign_hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (sign_hmac != NULL &&
	    pthread_key_create(&sign_tls_key, sign_tls_free) == 0)
		sign_tls_ok = 1;
}

/* The thread's context for k, keyed; NULL if libcrypto failed. */
static EVP_MAC_CTX *
sign_ctx(const struct sign_key *k)
{
	OSSL_PARAM params[2];
	struct sign_tls *t;
	size_t i, slot = DL_SIGN_KEYS_MAX;

	if (pthread_once(&sign_tls_once, sign_tls_init) != 0 || !sign_tls_ok)
		return NULL;
	if ((t = pthread_getspecific(sign_tls_key)) == NULL) {
		if ((t = calloc(1, sizeof(*t))) == NULL)
			return NULL;
		if (pthread_setspecific(sign_tls_key, t) != 0) {
			free(t);
			return NULL;
		}
	}
	for (i = 0; i < DL_SIGN_KEYS_MAX; i++) {
		if (t->key[i] == k && t->klen[i] == k->len &&
		    CRYPTO_memcmp(t->kcopy[i], k->key, k->len) == 0)
			return t->ctx[i];
		if (t->key[i] == NULL && slot == DL_SIGN_KEYS_MAX)
			slot = i;
	}
	if (slot == DL_SIGN_KEYS_MAX) {
		/* every slot taken by keys of an older load: start over */
		for (i = 0; i < DL_SIGN_KEYS_MAX; i++) {
			EVP_MAC_CTX_free(t->ctx[i]);
			t->ctx[i] = NULL;
			t->key[i] = NULL;
		}
		slot = 0;
	}
	EVP_MAC_CTX_free(t->ctx[slot]);
	t->key[slot] = NULL;
	if ((t->ctx[slot] = EVP_MAC_CTX_new(sign_hmac)) == NULL)
		return NULL;
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(t->ctx[slot], k->key, k->len, params) != 1) {
		EVP_MAC_CTX_free(t->ctx[slot]);
		t->ctx[slot] = NULL;
		return NULL;
	}
	t->key[slot] = k;
	t->klen[slot] = k->len;
	memcpy(t->kcopy[slot], k->key, k->len);
	return t->ctx[slot];
}

int
sign_mac(const struct sign_key *k, const void *msg, size_t len,
    unsigned char mac[SIGN_MAC_LEN])
{
	EVP_MAC_CTX *ctx;
	size_t out = 0;

	if ((ctx = sign_ctx(k)) == NULL)
		return -1;
	/* reset with the key it holds */
	if (EVP_MAC_init(ctx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(ctx, msg, len) != 1 ||
	    EVP_MAC_final(ctx, mac, &out, SIGN_MAC_LEN) != 1 ||
	    out != SIGN_MAC_LEN)
		return -1;
	return 0;
}

int
sign_make(const struct sign_key *k, const struct sign_params *p,
    const char *path_for_pfx, char *out, size_t len)
{
	char canon[SIGN_CANON_MAX];
	unsigned char mac[SIGN_MAC_LEN];
	struct sign_params q = *p;
	int n;

	q.kid = k->id;
	if ((q.path[0] == '\0') == (q.pfx[0] == '\0')) {
		errno = EINVAL; /* exactly one of path and pfx */
		return -1;
	}
	if ((n = sign_canonical(&q, canon, sizeof(canon))) == -1) {
		errno = EINVAL;
		return -1;
	}
	if (sign_mac(k, canon, (size_t)n, mac) == -1) {
		errno = EIO;
		return -1;
	}
	if ((n = sign_format(&q, path_for_pfx, mac, out, len)) == -1)
		errno = ENOSPC;
	explicit_bzero(canon, sizeof(canon));
	return n;
}

enum sign_result
sign_verify(const struct sign_policy *pol, const char *path, const char *qs,
    size_t qslen, const char *client, struct sign_query *q)
{
	char norm[SIGN_VALUE_MAX + 1], canon[SIGN_CANON_MAX];
	unsigned char mac[SIGN_MAC_LEN];
	const struct sign_key *k;
	enum sign_result r;
	int n;

	if ((r = sign_parse_query(qs, qslen, q)) != SIGN_OK)
		return r;
	if (sign_normalize_path(
		path, strlen(path), false, norm, sizeof(norm)) == -1)
		return SIGN_MALFORMED;
	q->p.path = q->pfx[0] != '\0' ? "" : norm;
	if ((k = signkeys_find(pol->keys, q->kid)) == NULL)
		return SIGN_KID;
	if ((n = sign_canonical(&q->p, canon, sizeof(canon))) == -1)
		return SIGN_MALFORMED;
	if (sign_mac(k, canon, (size_t)n, mac) == -1)
		return SIGN_MAC; /* fail closed */
	if (CRYPTO_memcmp(mac, q->mac, SIGN_MAC_LEN) != 0)
		return SIGN_MAC;
	if (q->pfx[0] != '\0' && !sign_path_below(norm, q->pfx))
		return SIGN_SCOPE;
	if ((r = sign_check_time(
		 &q->p, pol->now, pol->max_lifetime, pol->skew)) != SIGN_OK)
		return r;
	if ((r = sign_check_ip(&q->p, client, pol->prefix4, pol->prefix6)) !=
	    SIGN_OK)
		return r;
	q->p.path = ""; /* norm is ours: do not hand it out */
	return SIGN_OK;
}
