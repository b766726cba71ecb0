/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * libFuzzer target for etag_list_match, cond_if_range and cond_evaluate.
 * Input: one flag byte (bit 0 Last-Modified 0 instead of 1994, bit 1
 * GET/HEAD, bit 2 the input names the current entity tag before its
 * first '\n'), then the header value. The list is copied into a buffer
 * of exactly its length; the C string APIs get a NUL-terminated copy.
 */
#include "autoconfig.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cond.h"
#include "etag.h"
#include "httpdate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ETAG "\"2a1-1f4-6553f100.3b9ac9ff\""
#define FUZZ_MTIME 784111777 /* Sun, 06 Nov 1994 08:49:37 GMT */
#define FUZZ_NOW 1700000000

static void
check_list(const char *list, size_t len, const char *etag)
{
	enum etag_match strong, weak;

	strong = etag_list_match(list, len, etag, 0);
	weak = etag_list_match(list, len, etag, 1);
	if (strong > ETAG_MATCH_INVALID || weak > ETAG_MATCH_INVALID)
		abort();
	/* validity does not depend on the comparison */
	if ((strong == ETAG_MATCH_INVALID) != (weak == ETAG_MATCH_INVALID))
		abort();
	/* a strong match is also a weak one */
	if (strong == ETAG_MATCH && weak != ETAG_MATCH)
		abort();
	if (etag_list_match(list, len, etag, 0) != strong)
		abort();
}

static void
check_cond(const char *v, const struct cond_resource *rs, bool get)
{
	struct cond_request rq;
	const char *p = v;
	size_t len;
	time_t t;
	enum cond_result r;
	int i;

	/* If-Range: true only for the strong current tag or the exact date */
	if (cond_if_range(v, rs, FUZZ_NOW)) {
		while (*p == ' ' || *p == '\t')
			p++;
		len = strlen(p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (etag_list_match(p, len, rs->etag, 0) != ETAG_MATCH &&
		    !(httpdate_parse(p, len, FUZZ_NOW, &t) == 0 &&
			t == rs->mtime))
			abort();
		if (len >= 2 && p[0] == 'W' && p[1] == '/')
			abort();
	}
	if (!cond_if_range(NULL, rs, FUZZ_NOW))
		abort();

	/* the value in each precondition header, alone and all together */
	for (i = 0; i < 5; i++) {
		memset(&rq, 0, sizeof(rq));
		rq.get_or_head = get;
		if (i == 0 || i == 4)
			rq.if_match = v;
		if (i == 1 || i == 4)
			rq.if_none_match = v;
		if (i == 2 || i == 4)
			rq.if_modified_since = v;
		if (i == 3 || i == 4)
			rq.if_unmodified_since = v;
		r = cond_evaluate(&rq, rs, FUZZ_NOW);
		if (r > COND_FAILED)
			abort();
		/* 304 only for GET and HEAD */
		if (!get && r == COND_NOT_MODIFIED)
			abort();
		/* If-Modified-Since alone never fails a request */
		if (i == 2 && r == COND_FAILED)
			abort();
		/* If-Match alone never answers 304 */
		if (i == 0 && r == COND_NOT_MODIFIED)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cond_resource rs = {FUZZ_ETAG, FUZZ_MTIME};
	const uint8_t *nl;
	char *etag = NULL, *list, *str;
	size_t len;
	int flags;

	if (size < 1)
		return 0;
	flags = data[0];
	if ((flags & 1) != 0)
		rs.mtime = 0;
	data++;
	size--;
	if ((flags & 4) != 0 && (nl = memchr(data, '\n', size)) != NULL) {
		len = (size_t)(nl - data);
		if ((etag = malloc(len + 1)) == NULL)
			abort();
		memcpy(etag, data, len);
		etag[len] = '\0';
		rs.etag = etag;
		size -= len + 1;
		data = nl + 1;
	}
	if ((list = malloc(size > 0 ? size : 1)) == NULL ||
	    (str = malloc(size + 1)) == NULL)
		abort();
	memcpy(list, data, size);
	memcpy(str, data, size);
	str[size] = '\0';

	check_list(list, size, rs.etag);
	check_cond(str, &rs, (flags & 2) != 0);

	free(str);
	free(list);
	free(etag);
	return 0;
}
