/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The slow log: the watcher's scan of the scoreboard and its lines.
 * The scan runs in the master, which never serves: it reads each slot
 * with scoreboard_snapshot() (no lock), so a download is never held
 * up by it, and it writes with one non-blocking write(2) per line.
 */
#include "autoconfig.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "logfile.h"
#include "slowlog.h"

#define SLOWLOG_DONE_TTFB 0x1
#define SLOWLOG_DONE_STALL 0x2

/* Which request of a slot was logged for what: the watcher's alone. */
struct slowlog_mark {
	pid_t pid;
	uint64_t requests; /* the slot's request count names the request */
	int64_t start_ms;
	unsigned done;
};

static struct logfile slow_file = LOGFILE_INIT;
static struct slowlog_mark *marks;
static size_t nmarks;
static int64_t next_scan;

int
slowlog_open(const char *path)
{
	return path == NULL ? 0 : logfile_open(&slow_file, path);
}

int
slowlog_reopen(void)
{
	if (logfile_reopen(&slow_file) == -1) {
		log_warnx("reopen %s: %s; still writing to the previous file",
		    slow_file.path, logfile_strerror(errno));
		return -1;
	}
	return 0;
}

int
slowlog_chown(uid_t uid, gid_t gid)
{
	if (logfile_chown(&slow_file, uid, gid) == -1) {
		log_warn("chown %s", slow_file.path);
		return -1;
	}
	return 0;
}

bool
slowlog_enabled(void)
{
	return slow_file.fd != -1;
}

int
slowlog_watch_init(size_t nslots)
{
	if (slow_file.fd == -1 || marks != NULL)
		return 0;
	if ((marks = calloc(nslots, sizeof(*marks))) == NULL)
		return -1;
	nmarks = nslots;
	return 0;
}

size_t
slowlog_format(const struct sb_snapshot *s, enum slowlog_event ev,
    int64_t now_ms, const char *ts, char *buf, size_t len)
{
	char client[4 * SB_CLIENT_LEN], method[4 * SB_METHOD_LEN];
	char path[4 * SB_PATH_LEN], range[4 * SB_RANGE_LEN], ttfb[24];
	int n;

	_Static_assert(
	    4 * (SB_CLIENT_LEN + SB_METHOD_LEN + SB_PATH_LEN + SB_RANGE_LEN) +
		    384 <=
		SLOWLOG_LINE_MAX,
	    "a slow-log line fits SLOWLOG_LINE_MAX");
	if (s->first_ms > 0)
		snprintf(
		    ttfb, sizeof(ttfb), "%" PRId64, s->first_ms - s->start_ms);
	else
		snprintf(ttfb, sizeof(ttfb), "-");
	n = snprintf(buf, len,
	    "%s event=%s pid=%d client=%s method=%s path=\"%s\" range=%s "
	    "status=%d sent=%" PRId64 " total=%" PRId64 " rate=%" PRId64
	    " wait=%s duration_ms=%" PRId64 " ttfb_ms=%s idle_ms=%" PRId64
	    " limit_rate=%" PRId64 "\n",
	    ts, ev == SLOWLOG_TTFB ? "slow_first_byte" : "stalled", (int)s->pid,
	    s->client[0] ? log_escape(s->client, client, sizeof(client),
			       LOG_ESC_QUOTES | LOG_ESC_SPACE)
			 : "-",
	    s->method[0] ? log_escape(s->method, method, sizeof(method),
			       LOG_ESC_QUOTES | LOG_ESC_SPACE)
			 : "-",
	    log_escape(s->path, path, sizeof(path), LOG_ESC_QUOTES),
	    s->range[0] ? log_escape(s->range, range, sizeof(range),
			      LOG_ESC_QUOTES | LOG_ESC_SPACE)
			: "-",
	    s->status, s->sent, s->total, s->rate,
	    scoreboard_wait_name(s->wait), now_ms - s->start_ms, ttfb,
	    now_ms - s->progress_ms, s->limit_rate);
	if (n < 0) {
		buf[0] = '\0';
		return 0;
	}
	if ((size_t)n >= len) { /* cannot happen: the fields fit */
		n = (int)len - 1;
		buf[n - 1] = '\n';
	}
	return (size_t)n;
}

/* The events of s not logged yet for its request, as done bits. */
static unsigned
slowlog_due(const struct sb_snapshot *s, struct slowlog_mark *m, int ttfb_s,
    int stall_s, int64_t now_ms)
{
	int64_t ttfb = (int64_t)ttfb_s * 1000, stall = (int64_t)stall_s * 1000;
	unsigned due = 0;

	if (m->pid != s->pid || m->requests != s->requests ||
	    m->start_ms != s->start_ms) {
		m->pid = s->pid;
		m->requests = s->requests;
		m->start_ms = s->start_ms;
		m->done = 0;
	}
	if (ttfb > 0 && !(m->done & SLOWLOG_DONE_TTFB) &&
	    (s->first_ms > 0 ? s->first_ms - s->start_ms
			     : now_ms - s->start_ms) > ttfb)
		due |= SLOWLOG_DONE_TTFB;
	/* a pace sleep is no stall: limit_rate is on purpose */
	if (stall > 0 && !(m->done & SLOWLOG_DONE_STALL) &&
	    s->state == SB_SENDING && s->wait != SBW_PACE &&
	    now_ms - s->progress_ms >= stall)
		due |= SLOWLOG_DONE_STALL;
	return due;
}

static void
slowlog_emit(const struct sb_snapshot *s, enum slowlog_event ev, int64_t now_ms,
    const char *ts)
{
	char line[SLOWLOG_LINE_MAX];
	size_t n = slowlog_format(s, ev, now_ms, ts, line, sizeof(line));

	logfile_write(&slow_file, line, n);
}

int64_t
slowlog_scan(struct scoreboard *sb, int ttfb_s, int stall_s, int64_t now_ms)
{
	struct sb_snapshot s;
	char ts[32];
	size_t i, n = scoreboard_nslots(sb);
	unsigned due;

	if (slow_file.fd == -1 || marks == NULL)
		return 0;
	if (now_ms < next_scan)
		return next_scan;
	next_scan = now_ms + SLOWLOG_SCAN_MS;
	if (n > nmarks)
		n = nmarks;
	ts[0] = '\0';
	for (i = 0; i < n; i++) {
		const struct sb_slot *slot = scoreboard_slot(sb, i);
		int st =
		    atomic_load_explicit(&slot->state, memory_order_relaxed);

		if (st != SB_READING && st != SB_SENDING)
			continue;
		scoreboard_snapshot(slot, now_ms, &s);
		if (s.torn || (s.state != SB_READING && s.state != SB_SENDING))
			continue;
		if ((due = slowlog_due(
			 &s, &marks[i], ttfb_s, stall_s, now_ms)) == 0)
			continue;
		if (ts[0] == '\0')
			logfile_timestamp(ts);
		if (due & SLOWLOG_DONE_TTFB)
			slowlog_emit(&s, SLOWLOG_TTFB, now_ms, ts);
		if (due & SLOWLOG_DONE_STALL)
			slowlog_emit(&s, SLOWLOG_STALL, now_ms, ts);
		marks[i].done |= due;
	}
	return next_scan;
}
