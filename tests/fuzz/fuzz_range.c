/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * libFuzzer target for range_parse. Input: one byte choosing the file
 * size, one byte choosing max_ranges, then the Range value. The value is
 * copied into a buffer of exactly its length, so any read past len is an
 * ASan error. Every result is checked against the contract of range.h.
 */
#include "autoconfig.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const off_t fuzz_sizes[16] = {
    0,
    1,
    6,
    10,
    11,
    22,
    80,
    100,
    1000,
    10000,
    1 << 20,
    4294967295LL,
    4294967296LL,
    5368709120LL,
    INT64_MAX - 1,
    INT64_MAX,
};

static void
check(const char *s, size_t len, off_t fsize, size_t max)
{
	struct range out[RANGE_PARSE_MAX], again[RANGE_PARSE_MAX];
	enum range_result res, res2;
	size_t n, n2, i;
	off_t total = 0;

	res = range_parse(s, len, fsize, max, out, &n);
	switch (res) {
	case RANGE_IGNORE:
	case RANGE_UNSATISFIABLE:
		if (n != 0)
			abort();
		/* a 0-byte file or max 0 is never 416 */
		if (res == RANGE_UNSATISFIABLE && (fsize == 0 || max == 0))
			abort();
		break;
	case RANGE_OK:
		if (n == 0 || n > max || n > RANGE_PARSE_MAX || fsize == 0)
			abort();
		for (i = 0; i < n; i++) {
			if (out[i].first < 0 || out[i].first > out[i].last ||
			    out[i].last >= fsize)
				abort();
			/* sorted, apart, the gap at least RANGE_COALESCE_GAP */
			if (i > 0 &&
			    out[i].first - out[i - 1].last - 1 <
				RANGE_COALESCE_GAP)
				abort();
			total += out[i].last - out[i].first + 1;
		}
		if (range_total(out, n) != total || total > fsize)
			abort();
		/* max_ranges decides only after coalescing */
		if (range_parse(s, len, fsize, n, again, &n2) != RANGE_OK ||
		    n2 != n || memcmp(again, out, n * sizeof(out[0])) != 0)
			abort();
		if (range_parse(s, len, fsize, n - 1, again, &n2) !=
		    RANGE_IGNORE)
			abort();
		break;
	default:
		abort();
	}
	/* pure: the same answer twice */
	res2 = range_parse(s, len, fsize, max, again, &n2);
	if (res2 != res || n2 != n ||
	    (n > 0 && memcmp(again, out, n * sizeof(out[0])) != 0))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	off_t fsize;
	size_t max;
	char *s;

	if (size < 2)
		return 0;
	fsize = fuzz_sizes[data[0] % 16];
	max = data[1] == 0xff ? RANGE_PARSE_MAX : data[1] >= 20 ? 16 : data[1];
	size -= 2;
	if ((s = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	memcpy(s, data + 2, size);
	check(s, size, fsize, max);
	free(s);
	return 0;
}
