/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The file handler: PATH_INFO to a file beneath root, its answer
 * decided by decide.c, its body sent by body.c.
 */
#include "autoconfig.h"

#include <sys/random.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accesslog.h"
#include "body.h"
#include "count.h"
#include "handler_file.h"
#include "log.h"
#include "mime.h"
#include "multipart.h"
#include "offload.h"
#include "path.h"
#include "response.h"
#include "sign.h"

static int
handler_file_status(enum path_result r, bool hide)
{
	switch (r) {
	case PATH_OK:
		return 200;
	case PATH_NOT_FOUND:
		return 404;
	case PATH_FORBIDDEN:
		return hide ? 404 : 403;
	case PATH_TOO_LONG:
		return 414;
	case PATH_BUSY:
		return 503;
	case PATH_ERROR:
		break;
	}
	return 500;
}

/* A random multipart boundary (getrandom(2)). Returns 0 or -1. */
static int
file_boundary(char b[MULTIPART_BOUNDARY_LEN])
{
	unsigned char r[MULTIPART_BOUNDARY_RANDOM];
	ssize_t n;

	do
		n = getrandom(r, sizeof(r), 0);
	while (n == -1 && errno == EINTR);
	if (n != (ssize_t)sizeof(r))
		return -1;
	multipart_boundary_format(r, b);
	return 0;
}

/*
 * With follow_symlinks, the file a symlink led to is judged by signed
 * links as well as the name asked for: a pfx link must not lead out of
 * its prefix, and an unsigned name must not lead into what sign_paths
 * protects. Returns the result to refuse with, or SIGN_OK. Fails
 * closed if the names cannot be read.
 */
static enum sign_result
handler_file_sign_scope(const struct request *r)
{
	const struct dl_config *cfg = r->env->cfg;
	char buf[PATH_MAX];
	const char *real;

	if (!cfg->follow_symlinks ||
	    (r->sign_ok ? r->sign.p.pfx[0] == '\0' : cfg->nsign_paths == 0))
		return SIGN_OK;
	if ((real = path_real(r->env->rootfd, r->fd, buf)) == NULL)
		return r->sign_ok ? SIGN_SCOPE : SIGN_MISSING;
	if (r->sign_ok)
		return sign_path_below(real, r->sign.p.pfx) ? SIGN_OK
							    : SIGN_SCOPE;
	return config_sign_needed(cfg, real) ? SIGN_MISSING : SIGN_OK;
}

/* Resolves PATH_INFO into r->fd and r->st; 0, or the status to answer. */
static int
handler_file_open(struct request *r)
{
	const struct dl_config *cfg = r->env->cfg;
	struct path_policy pol = {
	    .follow_symlinks = cfg->follow_symlinks,
	    .serve_hidden = cfg->serve_hidden,
	};
	enum path_result pr;
	enum sign_result sr;
	const char *news;
	char esc[512];
	int status;

	if (r->slot != NULL) { /* a slow open shows what it opens */
		scoreboard_set_path(r->slot, r->path);
		scoreboard_describe(r->slot, r->method, NULL, 0, -1, 0);
	}
	request_wait(r, SBW_OPEN);
	pr = path_open(r->env->rootfd, r->path, &pol, &r->fd, &r->st);
	request_wait(r, SBW_NONE);
	if ((news = path_resolver_news()) != NULL)
		log_info("%s", news);
	status = handler_file_status(pr, cfg->hide_forbidden);
	if (pr == PATH_OK && (sr = handler_file_sign_scope(r)) != SIGN_OK) {
		/* the same answer as any other failed link */
		status = cfg->sign_status;
		r->reason = sign_result_reason(sr);
		r->reject = STAT_REJ_SIGNATURE;
	} else if (pr == PATH_ERROR) {
		log_warn(
		    "open %s", accesslog_escape(r->path, esc, sizeof(esc)));
		r->reason = "open failed";
	} else if (pr == PATH_BUSY) {
		/* a lease being broken: the holder has lease-break-time */
		r->retry_after = DL_RETRY_AFTER;
		r->reason = "file busy (a lease): open would block";
		r->reject = STAT_REJ_PATH_BUSY;
	}
	return status == 200 ? 0 : status;
}

/* The rate the front end is to keep: the lower of limit_rate and a link's. */
static int64_t
handler_file_offload_rate(const struct request *r)
{
	int64_t lim = r->env->cfg->limit_rate, link = r->pace.link_rate;

	if (lim > 0 && (link == 0 || lim < link))
		return lim;
	return link;
}

/*
 * Offload mode: if the web server may send this answer (offload.c),
 * the headers that hand it the file into r->hdr, and true. Else false:
 * dlfcgi sends the answer itself, as without offload.
 */
static bool
handler_file_offload(struct request *r, const struct decide_request *rq)
{
	const struct dl_config *cfg = r->env->cfg;
	struct offload_request orq = {
	    .mode = (enum offload_mode)cfg->offload_mode,
	    .min_size = cfg->offload_min_size,
	    .pl = &r->plan,
	    .range = rq->range,
	    .if_range = rq->if_range,
	    .conditional = rq->if_match != NULL || rq->if_none_match != NULL ||
		rq->if_modified_since != NULL ||
		rq->if_unmodified_since != NULL,
	};
	char real[PATH_MAX], target[DL_HEADER_MAX / 2], esc[512];
	enum offload_why w;
	const char *p;
	size_t tlen;

	if ((w = offload_decide(&orq)) != OFFLOAD_YES)
		goto direct;
	/* the file dlfcgi opened and checked, wherever symlinks led */
	if ((p = path_real(r->env->rootfd, r->fd, real)) == NULL) {
		w = OFFLOAD_NAME;
		goto direct;
	}
	w = offload_path(
	    orq.mode == OFFLOAD_X_ACCEL ? cfg->offload_prefix : cfg->root, p,
	    strlen(p),
	    orq.mode != OFFLOAD_X_SENDFILE ? 0
		: cfg->offload_encode	   ? OFFLOAD_PATH_UTF8
					   : OFFLOAD_PATH_RAW,
	    target, sizeof(target), &tlen);
	if (w != OFFLOAD_YES)
		goto direct;
	if (offload_headers(orq.mode, &r->plan, &r->dcfg, r->path, target,
		handler_file_offload_rate(r), r->hdr, &r->hdrlen,
		&r->reason) == -1) {
		w = OFFLOAD_TOO_LONG;
		goto direct;
	}
	r->offloaded = true;
	return true;
direct:
	if (w == OFFLOAD_NAME || w == OFFLOAD_TOO_LONG)
		log_info("%s: %s; served directly",
		    accesslog_escape(r->path, esc, sizeof(esc)),
		    offload_why_text(w));
	r->reason = NULL;
	return false;
}

enum phase_rc
handler_file_content(struct request *r)
{
	const struct dl_config *cfg = r->env->cfg;
	struct fcgi_conn *c = r->c;
	struct decide_request rq = {
	    .method = r->method,
	    .range = fcgi_param(c, "HTTP_RANGE"),
	    .if_match = fcgi_param(c, "HTTP_IF_MATCH"),
	    .if_none_match = fcgi_param(c, "HTTP_IF_NONE_MATCH"),
	    .if_modified_since = fcgi_param(c, "HTTP_IF_MODIFIED_SINCE"),
	    .if_unmodified_since = fcgi_param(c, "HTTP_IF_UNMODIFIED_SINCE"),
	    .if_range = fcgi_param(c, "HTTP_IF_RANGE"),
	};
	struct decide_plan *pl = &r->plan;

	if ((r->status = decide_method(r->method)) != 0)
		return PHASE_ANSWER;
	if ((r->status = handler_file_open(r)) != 0)
		return PHASE_ANSWER;
	if (scoreboard_admit_file(r->env->sb, r->slot, r->st.st_dev,
		r->st.st_ino, r->path,
		cfg->max_conns_per_file_per_ip) != SB_GATE_OK) {
		r->status = 503;
		r->retry_after = DL_RETRY_AFTER;
		r->reason = "max_conns_per_file_per_ip reached";
		r->reject = STAT_REJ_FILE_SLOTS;
		return PHASE_ANSWER;
	}
	r->dcfg.type = mime_lookup(r->env->mime, r->path, cfg->default_type);
	r->status = decide(&rq, &r->st, &r->dcfg, time(NULL), pl);
	if (pl->kind == DECIDE_STATUS) {
		r->reason = pl->why;
		return PHASE_ANSWER;
	}
	if (pl->multipart && file_boundary(pl->boundary) == -1) {
		r->status = 500;
		r->reason = "no random bytes for a multipart boundary";
		return PHASE_ANSWER;
	}
	if (handler_file_offload(r, &rq)) {
		r->range = pl->status == 206 ? rq.range : NULL;
		return PHASE_DONE;
	}
	if (response_headers(pl, &r->dcfg, r->path, 0, r->hdr, &r->hdrlen,
		&r->reason) == -1) {
		r->status = 500;
		return PHASE_ANSWER;
	}
	r->range = pl->status == 206 ? rq.range : NULL;
	r->body_len = pl->head || pl->status == 304 ? 0 : pl->length;
	/* what the status page shows of this slot */
	scoreboard_describe(r->slot, r->method, r->range, pl->status,
	    (int64_t)r->body_len, cfg->limit_rate);
	return PHASE_DONE;
}

enum phase_rc
handler_file_respond(struct request *r)
{
	const struct decide_plan *pl = &r->plan;
	struct body b = {
	    .c = r->c,
	    .fd = r->fd,
	    .st = &r->st,
	    .path = r->path,
	    .buf = r->buf,
	    .buflen = r->buflen,
	    .sendfile = r->env->cfg->sendfile,
	    .pace = &r->pace,
	    .stats = scoreboard_stats(r->env->sb),
	    .abort_why = -1,
	};
	enum phase_rc rc = PHASE_DONE;

	if (r->answered || r->fd == -1 || pl->kind != DECIDE_FILE)
		return PHASE_GO_ON;
	/* held: they leave with the first bytes of the body, or the end */
	if (fcgi_hold(r->c, r->hdr, r->hdrlen) == -1) {
		r->reason = "could not send headers";
		r->abort_why = (int)count_abort_errno(errno);
		return PHASE_ABORT;
	}
	request_first_byte(r);
	if (r->offloaded) {
		/* the web server sends the file: no body from dlfcgi */
		r->body_len = 0;
		r->sent = 0;
		return PHASE_DONE;
	}
	if (body_send(&b, pl) == -1 ||
	    ((pl->status == 200 || pl->status == 206) && !pl->head &&
		body_settle(&b) == -1)) {
		r->reason = b.why;
		r->abort_why = b.abort_why;
		rc = PHASE_ABORT;
	}
	r->sent = b.sent;
	return rc;
}
