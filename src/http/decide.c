/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The HTTP decision (doc/DESIGN.md §3): method, preconditions, Range,
 * and the exact body that follows, from strings and file facts only.
 */
#include "autoconfig.h"

#include <stdio.h>
#include <string.h>

#include "cond.h"
#include "decide.h"
#include "response.h"

/*
 * Stands for the boundary while the length is computed: every boundary
 * the file handler draws has this length, and the part headers
 * depend on nothing else of it.
 */
static const char decide_any_boundary[MULTIPART_BOUNDARY_LEN] =
    "00000000000000000000000000000000";
_Static_assert(sizeof(decide_any_boundary) == MULTIPART_BOUNDARY_LEN,
    "the stand-in boundary has the length of a drawn one");

int
decide_method(const char *method)
{
	if (method == NULL)
		return 405;
	if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
		return 0;
	if (strcmp(method, "OPTIONS") == 0)
		return 204;
	return 405;
}

void
decide_status(int status, bool head, struct decide_plan *pl)
{
	char body[64];
	int n;

	pl->kind = DECIDE_STATUS;
	pl->status = status;
	pl->head = head;
	pl->multipart = false;
	pl->nranges = 0;
	n = status == 204 ? 0
			  : response_status_body(status, body, sizeof(body));
	pl->length = n > 0 ? n : 0;
}

/* A file answer without a Range: 200, 304, or a precondition's 412. */
static int
decide_file(struct decide_plan *pl, int status)
{
	pl->kind = DECIDE_FILE;
	pl->status = status;
	pl->length = pl->size;
	return status;
}

int
decide(const struct decide_request *rq, const struct stat *st,
    const struct decide_config *cfg, time_t now, struct decide_plan *pl)
{
	struct cond_request cr = {
	    .if_match = rq->if_match,
	    .if_none_match = rq->if_none_match,
	    .if_modified_since = rq->if_modified_since,
	    .if_unmodified_since = rq->if_unmodified_since,
	    .if_range = rq->if_range,
	    .get_or_head = true,
	};
	struct cond_resource rs;
	char body[64];
	bool head = rq->method != NULL && strcmp(rq->method, "HEAD") == 0;
	int m;

	pl->why = NULL;
	pl->type = cfg->type;
	pl->size = st->st_size;
	pl->mtime = st->st_mtim.tv_sec;
	pl->multipart = false;
	pl->nranges = 0;
	pl->boundary[0] = '\0';
	if (cfg->etag_nginx)
		etag_make_nginx(st, pl->etag);
	else
		etag_make(st, pl->etag);
	if ((m = decide_method(rq->method)) != 0) {
		decide_status(m, head, pl);
		return pl->status;
	}
	pl->head = head;
	rs.etag = pl->etag;
	rs.mtime = pl->mtime;
	switch (cond_evaluate(&cr, &rs, now)) {
	case COND_FAILED:
		decide_status(412, head, pl);
		return pl->status;
	case COND_NOT_MODIFIED:
		decide_file(pl, 304);
		pl->length = 0;
		return pl->status;
	case COND_PROCEED:
		break;
	}
	decide_file(pl, 200);
	if (rq->range == NULL || !cond_if_range(rq->if_range, &rs, now))
		return pl->status;
	switch (range_parse(rq->range, strlen(rq->range), pl->size,
	    (size_t)(cfg->max_ranges > 0 ? cfg->max_ranges : 0), pl->ranges,
	    &pl->nranges)) {
	case RANGE_IGNORE:
		pl->nranges = 0;
		break;
	case RANGE_UNSATISFIABLE:
		pl->status = 416;
		pl->nranges = 0;
		pl->length = response_status_body(416, body, sizeof(body));
		break;
	case RANGE_OK:
		pl->status = 206;
		if (pl->nranges == 1) {
			pl->length = range_total(pl->ranges, 1);
			break;
		}
		pl->multipart = true;
		pl->length = multipart_length(decide_any_boundary, pl->type,
		    pl->ranges, pl->nranges, pl->size);
		if (pl->length == -1) {
			pl->why = "multipart part header too long";
			decide_status(500, head, pl);
		}
		break;
	}
	return pl->status;
}

int
decide_piece(const struct decide_plan *pl, size_t i, char *buf, size_t buflen,
    struct decide_piece *p)
{
	const struct range *r;
	int n;

	if (pl->head)
		return 0;
	p->lit = NULL;
	p->off = 0;
	if (pl->kind == DECIDE_STATUS || pl->status == 416) {
		if (i > 0 || pl->status == 204)
			return 0;
		if ((n = response_status_body(pl->status, buf, buflen)) == -1)
			return -1;
		p->lit = buf;
		p->len = n;
		return 1;
	}
	switch (pl->status) {
	case 200:
		if (i > 0)
			return 0;
		p->len = pl->size;
		return 1;
	case 206:
		if (!pl->multipart) {
			if (i > 0)
				return 0;
			p->off = pl->ranges[0].first;
			p->len = range_total(pl->ranges, 1);
			return 1;
		}
		/* part k: header 2k, bytes 2k + 1; then the close */
		if (i > 2 * pl->nranges)
			return 0;
		r = i / 2 < pl->nranges ? &pl->ranges[i / 2] : NULL;
		if (r != NULL && i % 2 == 1) {
			p->off = r->first;
			p->len = r->last - r->first + 1;
			return 1;
		}
		if ((n = multipart_part_header(buf, buflen, pl->boundary,
			 pl->type, r, pl->size)) == -1)
			return -1;
		p->lit = buf;
		p->len = n;
		return 1;
	default: /* 304 */
		return 0;
	}
}
