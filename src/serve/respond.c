/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The RESPOND phase for answers by a status alone.
 */
#include "autoconfig.h"

#include <errno.h>

#include "count.h"
#include "respond.h"
#include "response.h"

enum phase_rc
respond_status(struct request *r)
{
	struct decide_plan *pl = &r->plan;
	struct decide_piece p;
	char body[64];
	const char *why;
	int rc;

	errno = 0;
	decide_status(r->status, r->head, pl);
	r->body_len = pl->head || pl->status == 204 ? 0 : pl->length;
	if (response_headers(pl, &r->dcfg, r->path, r->retry_after, r->hdr,
		&r->hdrlen, &why) == -1 ||
	    fcgi_hold(r->c, r->hdr, r->hdrlen) == -1)
		goto fail;
	request_first_byte(r);
	/* one piece at most: the text of the status */
	rc = decide_piece(pl, 0, body, sizeof(body), &p);
	if (rc == -1 ||
	    (rc == 1 && fcgi_write(r->c, p.lit, (size_t)p.len) == -1))
		goto fail;
	return PHASE_DONE;
fail:
	r->reason = "could not send the answer";
	r->abort_why = (int)count_abort_errno(errno);
	return PHASE_ABORT;
}
