/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * libFuzzer target for the HTTP decision (decide.c) and its framing
 * (response.c). Input: one byte choosing the file size, one the mtime,
 * one max_ranges, one the method, then up to six header values
 * separated by '\n' (Range, If-Match, If-None-Match, If-Modified-Since,
 * If-Unmodified-Since, If-Range; an empty value is an absent header).
 * On every input: the Content-Length of the framed headers equals the
 * bytes of the body decide_piece() lists, the pieces body.c sends, with
 * a boundary drawn from the input (so the length cannot depend on it);
 * a 206's parts lie inside the file, sorted and apart; 304 and 412 send
 * none of the file, 304 no body at all; 416 carries Content-Range:
 * bytes *\/size; HEAD the headers of GET and no body.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "decide.h"
#include "response.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const off_t fuzz_sizes[16] = {
    0,
    1,
    6,
    8,
    11,
    100,
    1000,
    10000,
    1 << 20,
    4294967295LL,
    4294967296LL,
    5368709120LL,
    1000000000000LL,
    INT64_MAX - 1,
    INT64_MAX,
    22,
};

static const char *const fuzz_methods[8] = {
    "GET", "HEAD", "OPTIONS", "POST", "get", "", NULL, "GET"};

/* Content-Length of the headers h, or -1 if they carry none. */
static long long
fuzz_header_length(const char *h)
{
	const char *p = strstr(h, "\r\nContent-Length: ");

	return p == NULL ? -1 : strtoll(p + 18, NULL, 10);
}

/* Bytes of the body pl lists, and of those the file's; aborts on a lie. */
static off_t
fuzz_pieces(const struct decide_plan *pl, off_t *file)
{
	struct decide_piece p;
	char buf[MULTIPART_HEADER_MAX];
	off_t total = 0;
	size_t i;
	int rc;

	*file = 0;
	for (i = 0; (rc = decide_piece(pl, i, buf, sizeof(buf), &p)) == 1;
	     i++) {
		if (p.len < 0 || i > 2 * RANGE_PARSE_MAX + 1)
			abort();
		if (p.lit == NULL) {
			/* inside the file */
			if (p.off < 0 || p.off > pl->size ||
			    p.len > pl->size - p.off)
				abort();
			*file += p.len;
		} else if (memchr(p.lit, '\0', (size_t)p.len) != NULL)
			abort();
		if (__builtin_add_overflow(total, p.len, &total))
			abort();
	}
	if (rc != 0)
		abort();
	return total;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char copy[8192];
	struct decide_config cfg = {
	    .type = "application/octet-stream",
	    .cache_control = "max-age=3600",
	    .disposition = DISPOSITION_ATTACHMENT,
	};
	const char *v[6] = {NULL}, *why;
	char h[DL_HEADER_MAX + 1], want416[64];
	struct decide_request rq;
	struct decide_plan pl, get;
	struct stat st;
	off_t body, file;
	size_t i, k, hlen;
	char *p, *nl;
	int status;

	if (size < 4 || size - 4 >= sizeof(copy))
		return 0;
	memset(&st, 0, sizeof(st));
	st.st_ino = 0x2a1;
	st.st_size = fuzz_sizes[data[0] & 15];
	st.st_mtim.tv_sec = 1403716338 + (data[1] & 3) - 1;
	st.st_mtim.tv_nsec = data[1] >> 2;
	cfg.max_ranges = data[2] % (RANGE_PARSE_MAX + 2);
	if (cfg.max_ranges > RANGE_PARSE_MAX)
		cfg.max_ranges = 16;
	memcpy(copy, data + 4, size - 4);
	copy[size - 4] = '\0';
	for (p = copy, k = 0; p != NULL && k < 6; k++, p = nl) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		v[k] = *p != '\0' ? p : NULL;
	}
	rq.method = fuzz_methods[data[3] & 7];
	rq.range = v[0];
	rq.if_match = v[1];
	rq.if_none_match = v[2];
	rq.if_modified_since = v[3];
	rq.if_unmodified_since = v[4];
	rq.if_range = v[5];

	status = decide(&rq, &st, &cfg, 1700000000, &pl);
	if (status != pl.status)
		abort();
	switch (pl.status) {
	case 200:
	case 206:
	case 304:
	case 416:
		if (pl.kind != DECIDE_FILE)
			abort();
		break;
	case 204:
	case 405:
	case 412:
	case 500:
		if (pl.kind != DECIDE_STATUS)
			abort();
		break;
	default:
		abort();
	}
	if (pl.head != (rq.method != NULL && strcmp(rq.method, "HEAD") == 0) &&
	    pl.status != 204 && pl.status != 405)
		abort();
	if (pl.size != st.st_size)
		abort();
	/* 206: parts inside the file, sorted, apart, within max_ranges */
	if (pl.status == 206) {
		if (pl.nranges == 0 || pl.nranges > (size_t)cfg.max_ranges ||
		    pl.multipart != (pl.nranges > 1))
			abort();
		for (i = 0; i < pl.nranges; i++)
			if (pl.ranges[i].first < 0 ||
			    pl.ranges[i].first > pl.ranges[i].last ||
			    pl.ranges[i].last >= pl.size ||
			    (i > 0 &&
				pl.ranges[i].first <=
				    pl.ranges[i - 1].last + 1))
				abort();
	} else if (pl.nranges != 0 || pl.multipart)
		abort();
	/* a boundary from the input: the length must not depend on it */
	if (pl.multipart) {
		for (i = 0; i < MULTIPART_BOUNDARY_LEN - 1; i++)
			pl.boundary[i] =
			    "0123456789abcdef"[(data[i % size] + i) & 15];
		pl.boundary[MULTIPART_BOUNDARY_LEN - 1] = '\0';
	}

	if (response_headers(&pl, &cfg, "/dir/file.bin", 5, h, &hlen, &why) ==
	    -1)
		abort(); /* the bounds of dlfcgi -t rule it out */
	if (hlen > DL_HEADER_MAX)
		abort();
	h[hlen] = '\0';
	if (strlen(h) != hlen || strstr(h, "\r\n\r\n") != h + hlen - 4)
		abort();

	/* Content-Length: what the body writer sends for GET */
	get = pl;
	get.head = false;
	body = fuzz_pieces(&get, &file);
	if (body != pl.length)
		abort();
	if (pl.status == 304 || pl.status == 204) {
		if (fuzz_header_length(h) != -1 || body != 0)
			abort();
	} else if (fuzz_header_length(h) != (long long)body)
		abort();
	/* the file's bytes: all of it, the ranges, or none */
	if (file !=
	    (pl.status == 200	       ? pl.size
		    : pl.status == 206 ? range_total(pl.ranges, pl.nranges)
				       : 0))
		abort();
	/* HEAD: no body */
	if (pl.head && fuzz_pieces(&pl, &file) != 0)
		abort();
	if (pl.status == 416) {
		snprintf(want416, sizeof(want416),
		    "\r\nContent-Range: bytes */%jd\r\n", (intmax_t)pl.size);
		if (strstr(h, want416) == NULL)
			abort();
	}
	if (pl.status == 206 && !pl.multipart &&
	    strstr(h, "\r\nContent-Range: bytes ") == NULL)
		abort();
	return 0;
}
