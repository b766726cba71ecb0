/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Conditional requests, RFC 9110 §13.
 */
#include "autoconfig.h"

#include <string.h>

#include "cond.h"
#include "etag.h"
#include "httpdate.h"

enum cond_result
cond_evaluate(
    const struct cond_request *rq, const struct cond_resource *rs, time_t now)
{
	time_t t;

	/*
	 * §13.2.2 step 1: If-Match, strong comparison. An unparsable value
	 * matches nothing: a client that set a precondition wants it to
	 * hold, so fail closed.
	 */
	if (rq->if_match != NULL) {
		if (etag_list_match(rq->if_match, strlen(rq->if_match),
			rs->etag, 0) != ETAG_MATCH)
			return COND_FAILED;
	} else if (rq->if_unmodified_since != NULL &&
	    httpdate_parse(rq->if_unmodified_since,
		strlen(rq->if_unmodified_since), now, &t) == 0 &&
	    rs->mtime > t) {
		/* step 2: an invalid date is ignored (§13.1.4) */
		return COND_FAILED;
	}

	/*
	 * Step 3: If-None-Match, weak comparison; an unparsable value
	 * matches nothing (Go: "If-None-Match: ," gives 200), and being
	 * present it still makes If-Modified-Since ignored.
	 */
	if (rq->if_none_match != NULL) {
		if (etag_list_match(rq->if_none_match,
			strlen(rq->if_none_match), rs->etag, 1) == ETAG_MATCH)
			return rq->get_or_head ? COND_NOT_MODIFIED
					       : COND_FAILED;
		/* If-Modified-Since is then ignored (§13.1.3) */
		return COND_PROCEED;
	}

	/* Step 4: If-Modified-Since, GET and HEAD only. */
	if (rq->if_modified_since != NULL && rq->get_or_head &&
	    httpdate_parse(rq->if_modified_since, strlen(rq->if_modified_since),
		now, &t) == 0 &&
	    t <= now && rs->mtime <= t)
		return COND_NOT_MODIFIED;
	return COND_PROCEED;
}

bool
cond_if_range(const char *if_range, const struct cond_resource *rs, time_t now)
{
	const char *p = if_range;
	size_t len;
	time_t t;

	if (if_range == NULL)
		return true;
	while (*p == ' ' || *p == '\t')
		p++;
	len = strlen(p);
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len > 0 && (*p == '"' || (len > 1 && p[0] == 'W' && p[1] == '/'))) {
		/* exactly one strong tag, compared strongly */
		if (*p == 'W' || len < 2 || p[len - 1] != '"' ||
		    memchr(p + 1, '"', len - 2) != NULL)
			return false;
		/* one quoted string: the list parser sees one tag at most */
		return etag_list_match(p, len, rs->etag, 0) == ETAG_MATCH;
	}
	return httpdate_parse(p, len, now, &t) == 0 && t == rs->mtime;
}
