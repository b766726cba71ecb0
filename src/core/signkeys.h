/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_SIGNKEYS_H
#define DLFCGI_SIGNKEYS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bounds.h"
#include "sign.h"

/*
 * The keys of signed links (sign_keys) and their MAC: HMAC-SHA256 from
 * libcrypto 3 (EVP_MAC). The first key signs, every key verifies.
 */
struct sign_key {
	char id[SIGN_KID_MAX + 1];
	unsigned char key[DL_SIGN_KEY_MAX];
	size_t len; /* DL_SIGN_KEY_MIN..DL_SIGN_KEY_MAX bytes */
};

struct signkeys {
	struct sign_key k[DL_SIGN_KEYS_MAX];
	size_t n;
};

/*
 * Reads the key file file of key id into k: a regular file (no
 * symlink), not accessible by group or others (mode & 077 == 0), of
 * DL_SIGN_KEY_MIN to DL_SIGN_KEY_MAX bytes, taken whole as the key.
 * Returns NULL, or why not (a sentence naming file, in buf).
 */
const char *signkeys_read(const char *id, const char *file, struct sign_key *k,
    char *buf, size_t buflen);

/* Wipes the key material of ks (explicit_bzero). */
void signkeys_clear(struct signkeys *ks);

/* The key of ks whose id is kid, or NULL. */
const struct sign_key *signkeys_find(
    const struct signkeys *ks, const char *kid);

/*
 * HMAC-SHA256 of msg (len bytes) with k into mac. The MAC context is
 * made once per thread and key (EVP_MAC_CTX, kept in thread-local
 * storage until the thread ends); dlfcgi allocates nothing per call,
 * but libcrypto 3.0's reset of the context (EVP_MAC_init with no key)
 * duplicates the SHA-256 state: one malloc and free of about 112 bytes
 * inside each call.
 * Returns 0, or -1 if libcrypto failed.
 */
int sign_mac(const struct sign_key *k, const void *msg, size_t len,
    unsigned char mac[SIGN_MAC_LEN]);

/*
 * The link for p signed with k (p->kid is ignored: k->id is used):
 * the path and query as sign_format() writes them, with path_for_pfx
 * the file path a pfx link is written for (NULL: p->pfx itself). p's
 * path and pfx must be normalized (sign_normalize_path). Returns the
 * length written to out, or -1 (errno EINVAL: p cannot be signed,
 * ENOSPC: out too small, EIO: libcrypto failed).
 */
int sign_make(const struct sign_key *k, const struct sign_params *p,
    const char *path_for_pfx, char *out, size_t len);

/* What sign_verify needs besides the request. */
struct sign_policy {
	const struct signkeys *keys;
	int64_t now;	      /* seconds since the epoch */
	int64_t max_lifetime; /* sign_max_lifetime; 0: none */
	int64_t skew;	      /* sign_clock_skew */
	int prefix4, prefix6; /* sign_ip_prefix4, sign_ip_prefix6 */
};

/*
 * Verifies the link of a request: path (PATH_INFO, decoded), qs
 * (QUERY_STRING, qslen bytes) and client (REMOTE_ADDR, may be NULL).
 * In this order: parse (sign_parse_query), normalize path, the path
 * below pfx, the key, the MAC compared with CRYPTO_memcmp (constant
 * time), the time checks, the IP binding. SIGN_OK only when the MAC
 * was verified. On SIGN_OK, q holds the signed parameters (dl, rate).
 */
enum sign_result sign_verify(const struct sign_policy *pol, const char *path,
    const char *qs, size_t qslen, const char *client, struct sign_query *q);

#endif
