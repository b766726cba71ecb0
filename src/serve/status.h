/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_STATUS_H
#define DLFCGI_STATUS_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "out.h"
#include "scoreboard.h"
#include "stats.h"

/*
 * The status page (status_path): the pool's counters and limits, and
 * with ?full a row per slot, with ?clients a row per client address,
 * as text (key: value), JSON, OpenMetrics or the HTML page that shows
 * the JSON. The formatters below are pure but for what they write to a
 * struct out (which may only count: tests); status_render() gathers.
 * Every string that came from a client (path, client, method, range)
 * is escaped for its format (escape.h), whatever bytes it holds.
 */
enum status_format {
	STATUS_TEXT,
	STATUS_JSON,
	STATUS_HTML,
	STATUS_OPENMETRICS,
};

struct status_query {
	enum status_format format;
	bool full;    /* a row per slot */
	bool clients; /* a row per client address */
};

/*
 * Parses QUERY_STRING (NULL: none): "json", "html", "openmetrics" pick
 * the format (the last one wins), "full" and "clients" add rows; other
 * words, and values ("json=1" counts as json), are ignored. Pure.
 */
void status_query_parse(const char *qs, struct status_query *q);

/* The Content-Type of a format. Pure. */
const char *status_content_type(enum status_format f);

/* The pool's figures, gathered by status_render(). */
struct status_pool {
	const char *version;
	int64_t start_time, now; /* Unix seconds */
	int generation;
	int workers, threads;
	uint64_t busy, idle, max; /* slots */
	int64_t listen_queue;	  /* connections waiting; -1 unknown */
	int64_t listen_backlog;	  /* the most that may wait; -1 unknown */
	uint64_t accepted, served, sent_bytes;
	uint64_t offloaded; /* answered by an offload header */
	uint64_t rejected[STAT_REJ_COUNT];
	uint64_t aborted[STAT_ABT_COUNT];
	uint64_t restarts[STAT_RESTART_COUNT];
	uint64_t reloads_ok, reloads_failed;
};

/* One client address of the ?clients rows. */
struct status_client {
	const char *client;
	uint64_t active;  /* downloads running */
	int64_t rate;	  /* bytes per second, summed */
	uint64_t refused; /* refusals counted (scoreboard_refused) */
};

/*
 * The parts of a page, in this order: begin (the pool and the limits),
 * then slots (first true for the first), then clients, then end.
 * now_ms is CLOCK_MONOTONIC, like the snapshot's times.
 */
void status_format_begin(struct out *o, const struct status_query *q,
    const struct status_pool *p, const struct dl_config *cfg);
void status_format_slot(struct out *o, enum status_format f, size_t index,
    const struct sb_snapshot *s, int64_t now_ms, int64_t now, bool first);
void status_format_clients_begin(struct out *o, enum status_format f);
void status_format_client(struct out *o, enum status_format f,
    const struct status_client *c, bool first);
void status_format_end(struct out *o, const struct status_query *q);

/*
 * Percent of a body sent: -1 when the total is unknown (-1), 100 once
 * sent reaches it (a 0-byte body, or more sent than announced), else
 * rounded down; no overflow for any int64_t. Pure.
 */
int64_t status_percent(int64_t sent, int64_t total);

/*
 * Name of a slot's state (lower case). Pure. Its wait is named by
 * scoreboard_wait_name(), as in the slow log.
 */
const char *status_state_name(enum sb_state s);

/*
 * The whole page for q, read from sb without a lock (but for a bucket
 * of the client table at a time, for ?clients) and written to o;
 * listen_queue and listen_backlog as status_pool says. The HTML format is the page
 * (status_page.c) and reads the rest from ?json&full&clients.
 */
void status_render(struct out *o, struct scoreboard *sb,
    const struct dl_config *cfg, const struct status_query *q,
    int64_t listen_queue, int64_t listen_backlog);

#endif
