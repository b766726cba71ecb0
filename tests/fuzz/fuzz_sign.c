/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * libFuzzer target for signed links: the input is a request path, a
 * newline, a client address, a newline and a QUERY_STRING. The first
 * byte chooses whether the query's parameters are first signed with
 * the key (so that the fuzzer reaches the checks after the MAC).
 * Invariant: sign_verify accepts only if the MAC of the query equals
 * HMAC-SHA256 (OpenSSL's one-shot HMAC(), computed here apart) of the
 * string to sign of the parameters and the request's normalized path,
 * the link is in time, and the path is below its pfx.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "sign.h"
#include "signkeys.h"

#define NOW 1767225600

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct signkeys ks = {.n = 1};
	struct sign_policy pol = {.keys = &ks,
	    .now = NOW,
	    .max_lifetime = 86400,
	    .skew = 60,
	    .prefix4 = 24,
	    .prefix6 = 56};
	char path[SIGN_VALUE_MAX + 1], client[64], norm[SIGN_VALUE_MAX + 1];
	char canon[SIGN_CANON_MAX], link[SIGN_LINK_MAX], *qs;
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	const uint8_t *nl1, *nl2;
	struct sign_query q, signq;
	size_t qslen;
	int n, resign;

	if (size < 1)
		return 0;
	if (ks.k[0].len == 0) {
		strcpy(ks.k[0].id, "k1");
		memset(ks.k[0].key, 0x5a, 32);
		ks.k[0].len = 32;
	}
	resign = data[0] & 1;
	data++, size--;
	if ((nl1 = memchr(data, '\n', size)) == NULL ||
	    (size_t)(nl1 - data) >= sizeof(path))
		return 0;
	if ((nl2 = memchr(nl1 + 1, '\n', size - (size_t)(nl1 + 1 - data))) ==
		NULL ||
	    (size_t)(nl2 - nl1 - 1) >= sizeof(client))
		return 0;
	memcpy(path, data, (size_t)(nl1 - data));
	path[nl1 - data] = '\0';
	memcpy(client, nl1 + 1, (size_t)(nl2 - nl1 - 1));
	client[nl2 - nl1 - 1] = '\0';
	qslen = size - (size_t)(nl2 + 1 - data);
	/* exactly its length, so ASan sees any read past it */
	if ((qs = malloc(qslen + (qslen == 0))) == NULL)
		return 0;
	memcpy(qs, nl2 + 1, qslen);

	if (resign && sign_parse_query(qs, qslen, &signq) == SIGN_OK &&
	    sign_normalize_path(
		path, strlen(path), false, norm, sizeof(norm)) != -1) {
		signq.p.path = signq.pfx[0] != '\0' ? "" : norm;
		n = sign_make(&ks.k[0], &signq.p, NULL, link, sizeof(link));
		if (n > 0) {
			free(qs);
			qslen = strlen(strchr(link, '?') + 1);
			if ((qs = malloc(qslen + (qslen == 0))) == NULL)
				return 0;
			memcpy(qs, strchr(link, '?') + 1, qslen);
		}
	}

	if (sign_verify(&pol, path, qs, qslen, client, &q) == SIGN_OK) {
		if (sign_normalize_path(
			path, strlen(path), false, norm, sizeof(norm)) == -1)
			abort();
		q.p.path = q.pfx[0] != '\0' ? "" : norm;
		if (q.pfx[0] != '\0' && !sign_path_below(norm, q.pfx))
			abort();
		if ((n = sign_canonical(&q.p, canon, sizeof(canon))) < 0)
			abort();
		if (HMAC(EVP_sha256(), ks.k[0].key, (int)ks.k[0].len,
			(unsigned char *)canon, (size_t)n, mac,
			&maclen) == NULL ||
		    maclen != SIGN_MAC_LEN ||
		    memcmp(mac, q.mac, SIGN_MAC_LEN) != 0)
			abort(); /* accepted without the MAC */
		if (sign_check_time(&q.p, NOW, 86400, 60) != SIGN_OK ||
		    sign_check_ip(&q.p, client, 24, 56) != SIGN_OK)
			abort();
	}
	free(qs);
	return 0;
}
