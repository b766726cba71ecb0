/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_PACE_H
#define DLFCGI_PACE_H

#include <sys/types.h>

#include <stdint.h>

#include "config.h"
#include "scoreboard.h"

/*
 * The per-download limits of one transfer: max_duration, min_rate over
 * min_rate_window, limit_rate after limit_rate_after. Its state lives
 * here, apart from what the access log records.
 */
struct pace {
	const struct dl_config *cfg;
	struct sb_slot *slot; /* progress is published here; NULL: none */
	int64_t start_ms;     /* the request began */
	int64_t win_ms;	      /* min_rate: start of the current window */
	off_t win_sent;	      /* min_rate: bytes sent when it started */
	int64_t thr_ms;	      /* limit_rate: when throttling began, or 0 */
};

/* Starts the clocks of a request that began at start_ms. */
void pace_init(struct pace *p, const struct dl_config *cfg,
    struct sb_slot *slot, int64_t start_ms);

/*
 * After each buffer, sent bytes in all: publishes the progress, checks
 * max_duration and min_rate, and sleeps for limit_rate (this thread
 * serves only this download; never past max_duration). Returns 0, or
 * -1 with *why set if the download must be aborted.
 */
int pace_step(struct pace *p, off_t sent, const char **why);

/* max_duration's deadline in scoreboard_now_ms() time, or 0: none. */
int64_t pace_deadline(const struct pace *p);

#endif
