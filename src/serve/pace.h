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
 * While pacing holds, a piece carries at most what the rate allows in
 * PACE_PIECE_MS, in whole pages, and at least one page: pacing before
 * each piece then sends no piece more than that ahead of its time, and
 * the last one is followed at once by the end of the request.
 */
#define PACE_PIECE_MS 100
#define PACE_PAGE 4096

/*
 * How many of the want bytes that follow sent bytes may go out at now:
 * 0 if pace_due is later than now; else want, cut at limit_rate_after
 * (so the first paced piece is sized by the rate) and, while
 * limit_rate or a link's rate paces, to PACE_PIECE_MS of the slower
 * rate. No I/O.
 */
size_t pace_piece(struct pace *p, off_t sent, size_t want, int64_t now);

/*
 * When the piece after sent bytes may start, at now: pace_due, but
 * never later than max_duration's deadline. No I/O.
 */
int64_t pace_wake(struct pace *p, off_t sent, int64_t now);

/*
 * Before each piece, sent bytes in all: publishes the progress, checks
 * max_duration and min_rate, sleeps until pace_wake (this thread serves
 * only this download) and cuts *want to pace_piece. Returns 0, or -1
 * with *why set if the download must be aborted (max_duration reached
 * while sleeping, too).
 */
int pace_step(struct pace *p, off_t sent, size_t *want, const char **why);

/*
 * After the last piece of a part, sent bytes in all: publishes the
 * progress and checks max_duration and min_rate, without sleeping: the
 * end of the request follows at once. Returns 0 or -1 with *why set.
 */
int pace_end(struct pace *p, off_t sent, const char **why);

/* max_duration's deadline in scoreboard_now_ms() time, or 0: none. */
int64_t pace_deadline(const struct pace *p);

#endif
