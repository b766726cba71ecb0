/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Pacing one download: max_duration (a hard cap), min_rate, limit_rate
 * and a signed link's rate.
 */
#include "autoconfig.h"

#include <errno.h>
#include <time.h>

#include "pace.h"

void
pace_init(struct pace *p, const struct dl_config *cfg, struct sb_slot *slot,
    int64_t start_ms)
{
	p->cfg = cfg;
	p->slot = slot;
	p->start_ms = p->win_ms = start_ms;
	p->win_sent = 0;
	p->thr_ms = 0;
	p->link_rate = 0;
}

void
pace_set_link_rate(struct pace *p, int64_t rate)
{
	p->link_rate = rate > 0 ? rate : 0;
}

int64_t
pace_deadline(const struct pace *p)
{
	if (p->cfg->max_duration > 0)
		return p->start_ms + (int64_t)p->cfg->max_duration * 1000;
	return 0;
}

/* base + bytes at rate bytes/s, in ms, saturating instead of wrapping. */
static int64_t
pace_after(int64_t base, off_t bytes, int64_t rate)
{
	int64_t ms;

	if (bytes <= 0)
		return base;
	if ((int64_t)bytes <= INT64_MAX / 1000)
		ms = (int64_t)bytes * 1000 / rate;
	else if ((int64_t)bytes / rate <= INT64_MAX / 1000)
		ms = (int64_t)bytes / rate * 1000;
	else
		ms = INT64_MAX;
	return ms > INT64_MAX - base ? INT64_MAX : base + ms;
}

int64_t
pace_due(struct pace *p, off_t sent, int64_t now)
{
	const struct dl_config *cfg = p->cfg;
	int64_t due = now, d;

	if (cfg->limit_rate > 0 && sent > cfg->limit_rate_after) {
		if (p->thr_ms == 0)
			p->thr_ms = now;
		d = pace_after(
		    p->thr_ms, sent - cfg->limit_rate_after, cfg->limit_rate);
		if (d > due)
			due = d;
	}
	if (p->link_rate > 0) {
		d = pace_after(p->start_ms, sent, p->link_rate);
		if (d > due)
			due = d;
	}
	return due;
}

/* The rate that paces the bytes after sent, bytes/s, or 0: none. */
static int64_t
pace_rate(const struct pace *p, off_t sent)
{
	int64_t r = p->link_rate;

	if (p->cfg->limit_rate > 0 && sent >= p->cfg->limit_rate_after &&
	    (r == 0 || p->cfg->limit_rate < r))
		r = p->cfg->limit_rate;
	return r;
}

size_t
pace_piece(struct pace *p, off_t sent, size_t want, int64_t now)
{
	const struct dl_config *cfg = p->cfg;
	int64_t rate, cap;

	if (pace_due(p, sent, now) > now)
		return 0;
	/* the bytes up to limit_rate_after go unpaced, and no more */
	if (cfg->limit_rate > 0 && sent < cfg->limit_rate_after &&
	    (uint64_t)(cfg->limit_rate_after - sent) < want)
		want = (size_t)(cfg->limit_rate_after - sent);
	if ((rate = pace_rate(p, sent)) == 0)
		return want;
	cap = rate > INT64_MAX / PACE_PIECE_MS ? INT64_MAX
					       : rate * PACE_PIECE_MS / 1000;
	cap -= cap % PACE_PAGE;
	if (cap < PACE_PAGE)
		cap = PACE_PAGE;
	return (uint64_t)cap < want ? (size_t)cap : want;
}

int64_t
pace_wake(struct pace *p, off_t sent, int64_t now)
{
	int64_t due = pace_due(p, sent, now), end = pace_deadline(p);

	/* max_duration is a hard cap: never sleep past it */
	return end > 0 && due > end ? end : due;
}

/* The progress, max_duration and min_rate, at now. */
static int
pace_check(struct pace *p, off_t sent, int64_t now, const char **why)
{
	const struct dl_config *cfg = p->cfg;
	int64_t end = pace_deadline(p);

	if (p->slot != NULL)
		scoreboard_progress(p->slot, (int64_t)sent, now);
	if (end > 0 && now >= end) {
		*why = "max_duration reached";
		return -1;
	}
	if (cfg->min_rate > 0 &&
	    now - p->win_ms >= (int64_t)cfg->min_rate_window * 1000) {
		if (sent - p->win_sent < cfg->min_rate * cfg->min_rate_window) {
			*why = "slower than min_rate";
			return -1;
		}
		p->win_ms = now;
		p->win_sent = sent;
	}
	return 0;
}

int
pace_step(struct pace *p, off_t sent, size_t *want, const char **why)
{
	int64_t now = scoreboard_now_ms(), due, end;
	struct timespec ts;

	if (pace_check(p, sent, now, why) == -1)
		return -1;
	due = pace_wake(p, sent, now);
	if (due > now) {
		ts.tv_sec = (due - now) / 1000;
		ts.tv_nsec = (long)((due - now) % 1000) * 1000000;
		if (p->slot != NULL)
			scoreboard_wait(p->slot, SBW_PACE);
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			;
		if (p->slot != NULL)
			scoreboard_wait(p->slot, SBW_NONE);
		end = pace_deadline(p);
		if (end > 0 && due >= end) {
			*why = "max_duration reached";
			return -1;
		}
	}
	/* due: the time the sleep ended, without reading the clock again */
	*want = pace_piece(p, sent, *want, due > now ? due : now);
	return 0;
}

int
pace_end(struct pace *p, off_t sent, const char **why)
{
	return pace_check(p, sent, scoreboard_now_ms(), why);
}
