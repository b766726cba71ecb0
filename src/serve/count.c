/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The LOG handler that counts each request into the shared counters:
 * relaxed atomic adds, no lock (stats.h).
 */
#include "autoconfig.h"

#include <errno.h>

#include "count.h"

enum stat_abort
count_abort_errno(int e)
{
	switch (e) {
	case EPIPE:
	case ECONNRESET:
		return STAT_ABT_CLIENT_CLOSED;
	case ETIMEDOUT:
		return STAT_ABT_SEND_TIMEOUT;
	case ENODATA:
	case ESTALE:
		return STAT_ABT_FILE_CHANGED;
	default:
		return STAT_ABT_IO_ERROR;
	}
}

const char *
count_abort_text(int e)
{
	switch (e) {
	case EPIPE:
	case ECONNRESET:
		return "web server closed the connection";
	case ETIMEDOUT:
		return "send_timeout expired";
	case ENODATA:
		return "file shrank during transfer";
	case ESTALE:
		return "file changed during transfer";
	default:
		return "read or write error";
	}
}

enum phase_rc
count_phase(struct request *r)
{
	struct dl_stats *s = scoreboard_stats(r->env->sb);
	int64_t now = scoreboard_now_ms();

	if (r->status != 0)
		stats_add(&s->codes[stats_code_index(r->status)], 1);
	if (r->aborted)
		stats_add(&s->aborted[r->abort_why >= 0 &&
				      r->abort_why < STAT_ABT_COUNT
				  ? r->abort_why
				  : STAT_ABT_IO_ERROR],
		    1);
	else
		stats_add(&s->served, 1);
	if (r->reject >= 0 && r->reject < STAT_REJ_COUNT) {
		stats_add(&s->rejected[r->reject], 1);
		/* per client, for the status page's ?clients */
		scoreboard_refused(r->env->sb, r->key, now);
	}
	if (r->offloaded)
		stats_add(&s->offloaded, 1);
	stats_observe_duration(s, (now - r->start_ms) * 1000);
	if (r->ttfb_ms > 0)
		stats_observe_ttfb(s, (r->ttfb_ms - r->start_ms) * 1000);
	return PHASE_GO_ON;
}

size_t
count_shutdown(struct scoreboard *sb, pid_t pid)
{
	struct sb_slot *slot;
	size_t i, n = 0;
	int st;

	for (i = 0; i < scoreboard_nslots(sb); i++) {
		slot = scoreboard_slot(sb, i);
		st = atomic_load_explicit(&slot->state, memory_order_relaxed);
		if ((st == SB_READING || st == SB_SENDING) &&
		    (pid == 0 || slot->pid == pid))
			n++;
	}
	if (n > 0)
		stats_add(&scoreboard_stats(sb)->aborted[STAT_ABT_SHUTDOWN], n);
	return n;
}
