/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_PACE_H
#define DLFCGI_PACE_H

#include <sys/types.h>

#include <stdint.h>

#include "config.h"
#include "scoreboard.h"

/*
 * The per-download limits of one transfer: max_duration, min_rate over
 * min_rate_window, limit_rate after limit_rate_after, and a signed
 * link's rate. Its state lives here, apart from what the access log
 * records.
 */
struct pace {
	const struct dl_config *cfg;
	struct sb_slot *slot; /* progress is published here; NULL: none */
	int64_t start_ms;     /* the request began */
	int64_t win_ms;	      /* min_rate: start of the current window */
	off_t win_sent;	      /* min_rate: bytes sent when it started */
	int64_t thr_ms;	      /* limit_rate: when throttling began, or 0 */
	int64_t link_rate;    /* a signed link's rate, bytes/s; 0: none */
};

/* Starts the clocks of a request that began at start_ms. */
void pace_init(struct pace *p, const struct dl_config *cfg,
    struct sb_slot *slot, int64_t start_ms);

/*
 * A signed link's rate (bytes per second, >= 1): from the first byte,
 * the download goes no faster than rate. limit_rate still applies as
 * configured (after limit_rate_after), so the link's rate can only
 * lower the pace, never raise it above limit_rate.
 */
void pace_set_link_rate(struct pace *p, int64_t rate);

/*
 * When, in ms of the clock now is read on, the transfer may go on
 * after sent bytes in all: the later of what limit_rate (past
 * limit_rate_after, counted from when throttling began) and the link's
 * rate (counted from start_ms) allow; now when neither holds it back.
 * Sets p->thr_ms when limit_rate begins to throttle. No I/O.
 */
int64_t pace_due(struct pace *p, off_t sent, int64_t now);

/*
 * After each buffer, sent bytes in all: publishes the progress, checks
 * max_duration and min_rate, and sleeps until pace_due (this thread
 * serves only this download; never past max_duration). Returns 0, or
 * -1 with *why set if the download must be aborted.
 */
int pace_step(struct pace *p, off_t sent, const char **why);

/* max_duration's deadline in scoreboard_now_ms() time, or 0: none. */
int64_t pace_deadline(const struct pace *p);

#endif
