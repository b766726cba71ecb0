/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_COND_H
#define DLFCGI_COND_H

#include <stdbool.h>
#include <time.h>

/* The request's conditional headers; NULL when absent. */
struct cond_request {
	const char *if_match;
	const char *if_none_match;
	const char *if_modified_since;
	const char *if_unmodified_since;
	const char *if_range;
	bool get_or_head;
};

/* The selected representation's validators. */
struct cond_resource {
	const char *etag; /* strong, as etag_make writes it */
	time_t mtime;	  /* Last-Modified, seconds */
};

enum cond_result {
	COND_PROCEED,	   /* serve the representation (200/206) */
	COND_NOT_MODIFIED, /* 304 */
	COND_FAILED,	   /* 412 */
};

/*
 * Evaluates the preconditions in RFC 9110 §13.2.2 order: If-Match
 * (strong) else If-Unmodified-Since; then If-None-Match (weak; for
 * GET/HEAD 304, else 412) else If-Modified-Since (GET/HEAD only; a date
 * that is invalid or later than now is ignored). Pure.
 */
enum cond_result cond_evaluate(
    const struct cond_request *rq, const struct cond_resource *rs, time_t now);

/*
 * If-Range (RFC 9110 §13.1.5): true if the Range header applies, i.e.
 * If-Range is absent, or is a strong entity tag equal to the current
 * one, or is an HTTP-date equal to Last-Modified to the second. A weak
 * tag or anything else means "send the whole representation". Pure.
 */
bool cond_if_range(
    const char *if_range, const struct cond_resource *rs, time_t now);

#endif
