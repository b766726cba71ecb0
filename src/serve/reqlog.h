/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_REQLOG_H
#define DLFCGI_REQLOG_H

#include <sys/types.h>

#include <stdbool.h>
#include <stdint.h>

#include "phase.h"

/* What one request did, for its log line. */
struct reqlog {
	const char *method; /* "-" when absent */
	const char *path;   /* "" when absent */
	const char *client; /* "-" when absent */
	int status;	    /* 0 when aborted before any answer */
	off_t sent;	    /* body bytes */
	const char *range;  /* Range header of a 206, or NULL */
	const char *reason; /* why it was refused or aborted, or NULL */
	int64_t start_ms;   /* scoreboard_now_ms() when it began */
	/* for the JSON format (access_log_format) */
	bool json;
	bool aborted;		/* cut: no END_REQUEST */
	off_t body_len;		/* body bytes promised, -1 unknown */
	int64_t ttfb_ms;	/* CLOCK_MONOTONIC of the first byte, 0 */
	int reject;		/* enum stat_reject, -1 */
	int abort_why;		/* enum stat_abort, -1 */
	const char *request_id; /* or NULL */
};

/*
 * One line per request: the access log, and refusals and aborts (a
 * reason) to the error log, every peer-supplied field escaped; without
 * an access log, the rest at debug level.
 */
void reqlog_write(const struct reqlog *rl);

/* LOG: the record of r, written by reqlog_write(). Always GO_ON. */
enum phase_rc reqlog_phase(struct request *r);

#endif
