/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The request pipeline: the table of phases and their handlers, the
 * loop that runs a request through them, and the one unwind.
 */
#include "autoconfig.h"

#include <errno.h>
#include <unistd.h>

#include "access_sign.h"
#include "admin.h"
#include "admit.h"
#include "count.h"
#include "handler_file.h"
#include "log.h"
#include "phase.h"
#include "reqlog.h"
#include "respond.h"

/*
 * Adding a feature: one module with its handler, one row here. Rows of
 * a phase are tried in order until one does not decline (GO_ON).
 */
static const struct phase_handler phase_admit[] = {
    {"refused", admit_refused}, /* flagged by fcgi_accept() */
    {"admin", admin_phase},	/* status, metrics, ping: never limited */
    {"limits", admit_limits},	/* per-client slots and rate */
    {NULL, NULL},
};
static const struct phase_handler phase_access[] = {
    {"sign", access_sign_phase}, /* signed links (sign_paths) */
    {NULL, NULL},
};
static const struct phase_handler phase_content[] = {
    {"file", handler_file_content}, /* a file beneath root */
    {NULL, NULL},
};
static const struct phase_handler phase_respond[] = {
    {"admin", admin_respond},	    /* status, metrics, ping */
    {"file", handler_file_respond}, /* headers, body, settle */
    {"status", respond_status},	    /* every answer by a status */
    {NULL, NULL},
};
static const struct phase_handler phase_log[] = {
    {"count", count_phase}, /* the shared counters (stats.h) */
    {"access", reqlog_phase},
    {NULL, NULL},
};

static const struct {
	const char *name;
	const struct phase_handler *handlers;
} phases[PHASE_COUNT] = {
    [PHASE_ADMIT] = {"admit", phase_admit},
    [PHASE_ACCESS] = {"access", phase_access},
    [PHASE_CONTENT] = {"content", phase_content},
    [PHASE_RESPOND] = {"respond", phase_respond},
    [PHASE_LOG] = {"log", phase_log},
};

const struct phase_handler *
phase_handlers(enum phase p)
{
	return phases[p].handlers;
}

const char *
phase_name(enum phase p)
{
	return phases[p].name;
}

/* The handlers of p in order until one decides; GO_ON if none did. */
static enum phase_rc
phase_step(enum phase p, struct request *r)
{
	const struct phase_handler *h;
	enum phase_rc rc = PHASE_GO_ON;

	for (h = phases[p].handlers; h->run != NULL; h++)
		if ((rc = h->run(r)) != PHASE_GO_ON)
			break;
	return rc;
}

int
phase_run(struct request *r)
{
	enum phase p;
	enum phase_rc rc;

	for (p = PHASE_ADMIT; p < PHASE_LOG && !r->aborted; p++) {
		if (r->answered && p < PHASE_RESPOND)
			continue;
		rc = phase_step(p, r);
		switch (rc) {
		case PHASE_GO_ON:
			/* every row declined */
			if (p == PHASE_CONTENT) {
				r->status = 404;
				r->reason = "no handler";
				r->answered = true;
			} else if (p == PHASE_RESPOND) {
				r->reason = "no responder";
				r->aborted = true;
			}
			break;
		case PHASE_DONE:
			break;
		case PHASE_ANSWER:
			r->answered = true;
			break;
		case PHASE_ABORT:
			r->aborted = true;
			break;
		}
	}

	/* The one unwind; params live until the request is freed: log first. */
	if (r->fd != -1) {
		close(r->fd);
		r->fd = -1;
	}
	/*
	 * The slot is free before the end goes out: a client that has the
	 * whole response may ask again at once, and must find its previous
	 * request gone from the per-client and per-file counts.
	 */
	if (r->slot != NULL)
		scoreboard_done(r->env->sb, r->slot);
	/*
	 * What is held goes out with END_REQUEST (fcgi_hold): a small
	 * response's every byte. Sent before the log, so that a web server
	 * gone by then is logged and counted as the abort it is.
	 */
	if (!r->aborted && fcgi_end(r->c) == -1) {
		r->aborted = true;
		r->abort_why = (int)count_abort_errno(errno);
		r->reason = count_abort_text(errno);
	}
	(void)phase_step(PHASE_LOG, r);
	if (r->aborted) {
		fcgi_abort(r->c);
		return 0;
	}
	fcgi_finish(r->c);
	return r->status;
}
