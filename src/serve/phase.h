/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_PHASE_H
#define DLFCGI_PHASE_H

#include <sys/stat.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bounds.h"
#include "client.h"
#include "decide.h"
#include "fcgi.h"
#include "pace.h"
#include "request.h"
#include "scoreboard.h"
#include "sign.h"

/*
 * The request pipeline. A request passes through a fixed list of
 * phases; each phase is a list of handlers (phase.c's table), tried in
 * order until one of them decides:
 *
 *   ADMIT    may this request be served now? Refusals that
 *            fcgi_accept() flagged (431, 413, 503), per-client limits
 *            and rate (admit.c). Handlers pass (GO_ON) or refuse
 *            (ANSWER with r->status).
 *   ACCESS   may this client have what it asks for? (none today)
 *   CONTENT  which handler answers: the first that does not decline
 *            decides r->status and r->plan, or refuses (ANSWER); the
 *            file handler (handler_file.c) is the last row.
 *   RESPOND  sends the answer: the file handler's headers and body, or
 *            the short text answer of a status (respond.c) for every
 *            request answered by a status.
 *   LOG      always: the access-log record (reqlog.c).
 *
 * Then one unwind (phase_run): close what the phases opened, release
 * the slot, end the request cleanly or abort it.
 */
enum phase {
	PHASE_ADMIT,
	PHASE_ACCESS,
	PHASE_CONTENT,
	PHASE_RESPOND,
	PHASE_LOG,
	PHASE_COUNT
};

enum phase_rc {
	PHASE_GO_ON,  /* declined or passed: the next handler decides */
	PHASE_DONE,   /* this phase is decided: on to the next phase */
	PHASE_ANSWER, /* answered by r->status (a refusal): on to RESPOND */
	PHASE_ABORT,  /* the response cannot complete: LOG, then abort */
};

/* What the phases of one request share. */
struct request {
	const struct request_env *env;
	struct fcgi_conn *c;
	char *buf; /* the thread's transfer buffer */
	size_t buflen;
	struct sb_slot *slot; /* NULL: refused before a thread took it */

	/* the request, as the peer sent it (never NULL) */
	const char *method; /* "-" when absent */
	const char *path;   /* "" when absent */
	const char *client; /* "-" when absent */
	bool head;
	char key[CLIENT_KEY_LEN]; /* client's key for the limits */
	int64_t start_ms;

	/* the answer */
	int status;	    /* 0 until decided; logged as is when aborted */
	const char *reason; /* why refused or aborted, or NULL */
	int retry_after;    /* seconds, for 429 and 503 */
	const char *range;  /* Range header of a 206, for the log */
	bool answered;	    /* by a status alone (PHASE_ANSWER) */
	bool aborted;	    /* PHASE_ABORT: no END_REQUEST */
	struct decide_config dcfg;
	struct decide_plan plan; /* of a file answer */
	char hdr[DL_HEADER_MAX]; /* its headers, formatted */
	size_t hdrlen;

	/* the transfer */
	int fd; /* the file, or -1; closed by the unwind */
	struct stat st;
	struct pace pace;
	off_t sent; /* body bytes of the file */

	/* for the counters (stats.h) and the logs */
	int reject;		/* enum stat_reject, -1: not refused */
	int abort_why;		/* enum stat_abort, -1: not aborted */
	int64_t ttfb_ms;	/* CLOCK_MONOTONIC of the first byte, 0 */
	off_t body_len;		/* body bytes the answer promised, -1 */
	bool offloaded;		/* answered by an offload header */
	const char *request_id; /* the front end's request id, or NULL */
	int admin;		/* enum admin_page: answered by admin.c */

	/* a verified signed link (access_sign), for CONTENT */
	bool sign_ok;
	struct sign_query sign;
};

/*
 * The first byte of r's response goes out now: r->ttfb_ms and the
 * slot's first_ms (the first call counts). request.c.
 */
void request_first_byte(struct request *r);
/* What r waits on now, for the slow log and the status page. */
void request_wait(struct request *r, enum sb_wait w);

struct phase_handler {
	const char *name;
	enum phase_rc (*run)(struct request *r);
};

/*
 * Runs r through the phases, then unwinds. r must have been set up by
 * request.c (env, c, buf, slot, the request's strings, start_ms, fd
 * -1); a refusal decided before the pipeline (request_refuse) comes in
 * with answered, status and reason set. Returns the status sent, or 0
 * if the request was aborted.
 */
int phase_run(struct request *r);

/* The handlers of phase p, NULL-terminated (for tests and docs). */
const struct phase_handler *phase_handlers(enum phase p);
const char *phase_name(enum phase p);

#endif
