/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The status page: formatters (pure but for the struct out they write
 * to) and the gathering from the scoreboard (status_render). Nothing is
 * allocated: each row is formatted from one snapshot on the stack and
 * streamed out, so the page is bounded in memory whatever the pool.
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "metrics.h"
#include "status.h"
#include "status_page.h"

/* The longest escape of one byte is JSON's \u00XX. */
#define STATUS_ESC_LEN (SB_PATH_LEN * 6 + 1)

/* A word of the query: w (n bytes) equals s up to '=' or its end. */
static bool
status_word(const char *w, size_t n, const char *s)
{
	size_t k = strlen(s);

	return n >= k && memcmp(w, s, k) == 0 && (n == k || w[k] == '=');
}

void
status_query_parse(const char *qs, struct status_query *q)
{
	const char *w, *end;
	size_t n;

	q->format = STATUS_TEXT;
	q->full = q->clients = false;
	if (qs == NULL)
		return;
	for (w = qs; *w != '\0'; w = *end == '\0' ? end : end + 1) {
		end = w + strcspn(w, "&;");
		n = (size_t)(end - w);
		if (status_word(w, n, "json"))
			q->format = STATUS_JSON;
		else if (status_word(w, n, "html"))
			q->format = STATUS_HTML;
		else if (status_word(w, n, "openmetrics"))
			q->format = STATUS_OPENMETRICS;
		else if (status_word(w, n, "full"))
			q->full = true;
		else if (status_word(w, n, "clients"))
			q->clients = true;
	}
}

const char *
status_content_type(enum status_format f)
{
	switch (f) {
	case STATUS_JSON:
		return "application/json";
	case STATUS_HTML:
		return "text/html; charset=utf-8";
	case STATUS_OPENMETRICS:
		return metrics_content_type(true);
	case STATUS_TEXT:
		break;
	}
	return "text/plain; charset=utf-8";
}

const char *
status_state_name(enum sb_state s)
{
	switch (s) {
	case SB_FREE:
		return "free";
	case SB_IDLE:
		return "idle";
	case SB_READING:
		return "reading";
	case SB_SENDING:
		return "sending";
	case SB_RESERVED:
		return "reserved";
	case SB_STARTING:
		return "starting";
	case SB_STOPPING:
		return "stopping";
	}
	return "unknown";
}

/* s escaped for f (text: as a label value, one line of UTF-8). */
static const char *
status_esc(enum status_format f, const char *s, char *buf, size_t len)
{
	switch (f) {
	case STATUS_JSON:
		return escape_json(s, buf, len);
	case STATUS_HTML:
		return escape_html(s, buf, len);
	case STATUS_TEXT:
	case STATUS_OPENMETRICS:
		break;
	}
	return escape_label(s, buf, len);
}

/* One figure of the pool: "key: v" or "\"key\": v" (not the first). */
static void
status_num(struct out *o, enum status_format f, const char *key, int64_t v)
{
	if (f == STATUS_JSON)
		out_printf(o, ",\n\"%s\": %" PRId64, key, v);
	else
		out_printf(o, "%s: %" PRId64 "\n", key, v);
}

static void
status_unum(struct out *o, enum status_format f, const char *key, uint64_t v)
{
	if (f == STATUS_JSON)
		out_printf(o, ",\n\"%s\": %" PRIu64, key, v);
	else
		out_printf(o, "%s: %" PRIu64 "\n", key, v);
}

/* A group of counters by reason: {"a": 1, ...} or "key a: 1" lines. */
static void
status_group(struct out *o, enum status_format f, const char *key,
    const uint64_t *v, size_t n, const char *(*name)(int))
{
	size_t i;

	if (f == STATUS_JSON)
		out_printf(o, ",\n\"%s\": {", key);
	for (i = 0; i < n; i++)
		if (f == STATUS_JSON)
			out_printf(o, "%s\"%s\": %" PRIu64, i > 0 ? ", " : "",
			    name((int)i), v[i]);
		else
			out_printf(
			    o, "%s %s: %" PRIu64 "\n", key, name((int)i), v[i]);
	if (f == STATUS_JSON)
		out_puts(o, "}");
}

static const char *
status_reject_name(int i)
{
	return stats_reject_name((enum stat_reject)i);
}
static const char *
status_abort_name(int i)
{
	return stats_abort_name((enum stat_abort)i);
}
static const char *
status_restart_name(int i)
{
	return stats_restart_name((enum stat_restart)i);
}

static void
status_time(int64_t t, char *buf, size_t len)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "-");
}

/* The configured limits, 0 where a limit is off. */
static void
status_limits(struct out *o, enum status_format f, const struct dl_config *c)
{
	const struct {
		const char *name;
		int64_t v;
	} lim[] = {
	    {"max_clients_per_ip", c->max_clients_per_ip},
	    {"max_conns_per_file_per_ip", c->max_conns_per_file_per_ip},
	    {"rate_per_ip", c->rate_per_ip},
	    {"rate_burst", c->rate_burst},
	    {"limit_rate", c->limit_rate},
	    {"limit_rate_after", c->limit_rate_after},
	    {"min_rate", c->min_rate},
	    {"min_rate_window", c->min_rate_window},
	    {"max_duration", c->max_duration},
	    {"queue_timeout", c->queue_timeout},
	    {"request_timeout", c->request_timeout},
	    {"send_timeout", c->send_timeout},
	    {"max_requests", c->max_requests},
	};
	size_t i;

	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++)
		if (f == STATUS_JSON)
			out_printf(o, "%s\"%s\": %" PRId64,
			    i == 0 ? ",\n\"limits\": {" : ", ", lim[i].name,
			    lim[i].v);
		else
			out_printf(o, "limit %s: %" PRId64 "\n", lim[i].name,
			    lim[i].v);
	if (f == STATUS_JSON)
		out_puts(o, "}");
}

void
status_format_begin(struct out *o, const struct status_query *q,
    const struct status_pool *p, const struct dl_config *cfg)
{
	enum status_format f = q->format;
	char t[32], v[64];

	status_time(p->start_time, t, sizeof(t));
	if (f == STATUS_OPENMETRICS || f == STATUS_HTML)
		return; /* the counters are the metrics' */
	if (f == STATUS_JSON)
		out_printf(o, "{\"pool\": {\"version\": \"%s\"",
		    escape_json(p->version, v, sizeof(v)));
	else
		out_printf(
		    o, "version: %s\n", escape_label(p->version, v, sizeof(v)));
	if (f == STATUS_JSON)
		out_printf(o, ",\n\"start_time\": \"%s\"", t);
	else
		out_printf(o, "start time: %s\n", t);
	status_num(o, f,
	    f == STATUS_JSON ? "start_time_seconds" : "start time seconds",
	    p->start_time);
	status_num(o, f, f == STATUS_JSON ? "uptime_seconds" : "uptime",
	    p->now - p->start_time);
	status_num(o, f, "generation", p->generation);
	status_num(o, f, "workers", p->workers);
	status_num(o, f, "threads", p->threads);
	status_unum(
	    o, f, f == STATUS_JSON ? "slots_busy" : "slots busy", p->busy);
	status_unum(
	    o, f, f == STATUS_JSON ? "slots_idle" : "slots idle", p->idle);
	status_unum(o, f, f == STATUS_JSON ? "slots_max" : "slots max", p->max);
	if (p->listen_queue >= 0)
		status_num(o, f,
		    f == STATUS_JSON ? "listen_queue" : "listen queue",
		    p->listen_queue);
	else if (f == STATUS_JSON)
		out_puts(o, ",\n\"listen_queue\": null");
	else
		out_puts(o, "listen queue: unknown\n");
	if (p->listen_backlog >= 0)
		status_num(o, f,
		    f == STATUS_JSON ? "listen_backlog" : "listen backlog",
		    p->listen_backlog);
	else if (f == STATUS_JSON)
		out_puts(o, ",\n\"listen_backlog\": null");
	else
		out_puts(o, "listen backlog: unknown\n");
	status_unum(o, f, "accepted", p->accepted);
	status_unum(o, f, "served", p->served);
	status_unum(o, f, "offloaded", p->offloaded);
	status_unum(o, f, f == STATUS_JSON ? "sent_bytes" : "sent bytes",
	    p->sent_bytes);
	status_group(
	    o, f, "refused", p->rejected, STAT_REJ_COUNT, status_reject_name);
	status_group(
	    o, f, "aborted", p->aborted, STAT_ABT_COUNT, status_abort_name);
	status_group(o, f, "restarts", p->restarts, STAT_RESTART_COUNT,
	    status_restart_name);
	status_unum(o, f, f == STATUS_JSON ? "reloads_ok" : "reloads ok",
	    p->reloads_ok);
	status_unum(o, f,
	    f == STATUS_JSON ? "reloads_failed" : "reloads failed",
	    p->reloads_failed);
	status_limits(o, f, cfg);
	if (f == STATUS_JSON)
		out_puts(o, "}");
	if (q->full && f == STATUS_JSON)
		out_puts(o, ",\n\"slots\": [");
}

int64_t
status_percent(int64_t sent, int64_t total)
{
	if (total < 0 || sent < 0)
		return -1; /* unknown */
	if (sent >= total)
		return 100; /* a 0-byte body is done; more than promised too */
	return (int64_t)((__int128)sent * 100 / total); /* exact */
}

/*
 * "key": "escaped" (JSON) or "key: escaped" (text), the strings written
 * on their own: an escaped path may be longer than a line of
 * out_printf().
 */
static void
status_str(struct out *o, enum status_format f, const char *key, const char *s,
    bool comma)
{
	char esc[STATUS_ESC_LEN];

	status_esc(f, s, esc, sizeof(esc));
	if (f == STATUS_JSON) {
		out_printf(o, "%s\"%s\": \"", comma ? ", " : "", key);
		out_puts(o, esc);
		out_puts(o, "\"");
	} else {
		out_printf(o, "%s: ", key);
		out_puts(o, esc);
		out_puts(o, "\n");
	}
}

void
status_format_slot(struct out *o, enum status_format f, size_t index,
    const struct sb_snapshot *s, int64_t now_ms, int64_t now, bool first)
{
	char start[32];
	bool busy = s->state == SB_READING || s->state == SB_SENDING;
	int64_t dur = busy && s->start_ms > 0 ? now_ms - s->start_ms : 0;
	int64_t stall =
	    busy && s->progress_ms > 0 ? now_ms - s->progress_ms : dur;
	int64_t sent = busy && s->sent > 0 ? s->sent : 0;
	int64_t total = busy && s->total >= 0 ? s->total : -1;
	int64_t rate = busy && s->rate > 0 ? s->rate : 0;
	int64_t pct = busy ? status_percent(sent, total) : -1;

	if (dur < 0)
		dur = 0;
	if (stall < 0)
		stall = 0;
	if (f == STATUS_OPENMETRICS) {
		/* labels bounded: slot index, pid, state; never a string
		 * of a client */
		out_printf(o,
		    "dlfcgi_slot_sent_bytes{slot=\"%zu\",pid=\"%d\","
		    "state=\"%s\"} %" PRId64 "\n",
		    index, (int)s->pid, status_state_name(s->state), sent);
		return;
	}
	status_time(busy ? now - dur / 1000 : 0, start, sizeof(start));
	if (f == STATUS_JSON)
		out_printf(o,
		    "%s\n{\"slot\": %zu, \"pid\": %d, \"state\": \"%s\", ",
		    first ? "" : ",", index, (int)s->pid,
		    status_state_name(s->state));
	else
		out_printf(o, "\nslot: %zu\npid: %d\nstate: %s\n", index,
		    (int)s->pid, status_state_name(s->state));
	status_str(o, f, "client", busy ? s->client : "", false);
	status_str(o, f, "method", busy ? s->method : "", true);
	status_str(o, f, "path", busy ? s->path : "", true);
	status_str(o, f, "range", busy ? s->range : "", true);
	if (f == STATUS_JSON) {
		out_printf(o,
		    ", \"status\": %d, \"sent\": %" PRId64
		    ", \"total\": %" PRId64 ", \"percent\": %" PRId64
		    ", \"start\": \"%s\", \"duration_ms\": %" PRId64
		    ", \"rate\": %" PRId64 ", \"since_progress_ms\": %" PRId64
		    ", \"limit_rate\": %" PRId64 ", \"wait\": \"%s\", "
		    "\"requests\": %" PRIu64 "}",
		    busy ? s->status : 0, sent, total, pct, busy ? start : "",
		    dur, rate, stall, busy ? s->limit_rate : 0,
		    scoreboard_wait_name(busy ? s->wait : SBW_NONE),
		    s->requests);
		return;
	}
	out_printf(o,
	    "status: %d\nsent: %" PRId64 "\ntotal: %" PRId64
	    "\npercent: %" PRId64 "\nstart: %s\nduration ms: %" PRId64
	    "\nrate: %" PRId64 "\nsince progress ms: %" PRId64
	    "\nlimit_rate: %" PRId64 "\nwait: %s\nrequests: %" PRIu64 "\n",
	    busy ? s->status : 0, sent, total, pct, busy ? start : "-", dur,
	    rate, stall, busy ? s->limit_rate : 0,
	    scoreboard_wait_name(busy ? s->wait : SBW_NONE), s->requests);
}

void
status_format_clients_begin(struct out *o, enum status_format f)
{
	if (f == STATUS_JSON)
		out_puts(o, ",\n\"clients\": [");
}

void
status_format_client(struct out *o, enum status_format f,
    const struct status_client *c, bool first)
{
	char client[SB_CLIENT_LEN * 6 + 1];

	if (f == STATUS_OPENMETRICS)
		return; /* a client is an unbounded label: never a series */
	status_esc(f, c->client, client, sizeof(client));
	if (f == STATUS_JSON)
		out_printf(o,
		    "%s\n{\"client\": \"%s\", \"active\": %" PRIu64
		    ", \"rate\": %" PRId64 ", \"refused\": %" PRIu64 "}",
		    first ? "" : ",", client, c->active, c->rate, c->refused);
	else
		out_printf(o,
		    "\nclient: %s\nactive: %" PRIu64 "\nrate: %" PRId64
		    "\nrefused: %" PRIu64 "\n",
		    client, c->active, c->rate, c->refused);
}

void
status_format_end(struct out *o, const struct status_query *q)
{
	if (q->format != STATUS_JSON)
		return;
	out_puts(o, "\n}\n");
}

/* Counts the slots and reads the counters: no lock. */
static void
status_gather(
    struct scoreboard *sb, const struct dl_config *cfg, struct status_pool *p)
{
	struct dl_stats *st = scoreboard_stats(sb);
	size_t i, n = scoreboard_nslots(sb);
	int state;

	memset(p, 0, sizeof(*p));
	p->version = PACKAGE_VERSION;
	p->start_time = st->start_time;
	p->now = (int64_t)time(NULL);
	p->generation =
	    atomic_load_explicit(&st->generation, memory_order_relaxed);
	p->workers = cfg->workers;
	p->threads = cfg->threads;
	for (i = 0; i < n; i++) {
		state = atomic_load_explicit(
		    &scoreboard_slot(sb, i)->state, memory_order_relaxed);
		if (state == SB_READING || state == SB_SENDING)
			p->busy++;
		else if (state == SB_IDLE)
			p->idle++;
	}
	p->max = (uint64_t)(cfg->workers > 0 ? cfg->workers : 1) *
	    (uint64_t)cfg->threads;
	p->accepted = stats_get(&st->accepted);
	p->served = stats_get(&st->served);
	p->offloaded = stats_get(&st->offloaded);
	p->sent_bytes = stats_get(&st->sent_bytes);
	for (i = 0; i < STAT_REJ_COUNT; i++)
		p->rejected[i] = stats_get(&st->rejected[i]);
	for (i = 0; i < STAT_ABT_COUNT; i++)
		p->aborted[i] = stats_get(&st->aborted[i]);
	for (i = 0; i < STAT_RESTART_COUNT; i++)
		p->restarts[i] = stats_get(&st->restarts[i]);
	p->reloads_ok = stats_get(&st->reloads_ok);
	p->reloads_failed = stats_get(&st->reloads_failed);
}

static bool
status_busy(const struct sb_snapshot *s)
{
	return s->state == SB_READING || s->state == SB_SENDING;
}

/* Whether a slot of the pool is busy for client. */
static bool
status_client_busy(struct scoreboard *sb, const char *client, int64_t now_ms)
{
	struct sb_snapshot b;
	size_t j, n = scoreboard_nslots(sb);

	for (j = 0; j < n; j++) {
		scoreboard_snapshot(scoreboard_slot(sb, j), now_ms, &b);
		if (status_busy(&b) && strcmp(b.client, client) == 0)
			return true;
	}
	return false;
}

/*
 * One row per client address of the busy slots: a client is listed at
 * its first busy slot, summed over the later ones, with the refusals
 * its bucket of the client table counted; then one row per client that
 * only has refusals. Quadratic in the busy slots (and buckets x slots)
 * but allocation-free; the pool and SB_BUCKETS bound it.
 */
static void
status_clients(
    struct out *o, struct scoreboard *sb, enum status_format f, int64_t now_ms)
{
	struct sb_snapshot a, b;
	struct status_client c;
	size_t i, j, n = scoreboard_nslots(sb);
	bool first = true, seen;

	status_format_clients_begin(o, f);
	for (i = 0; i < n; i++) {
		scoreboard_snapshot(scoreboard_slot(sb, i), now_ms, &a);
		if (!status_busy(&a))
			continue;
		for (seen = false, j = 0; j < i && !seen; j++) {
			scoreboard_snapshot(scoreboard_slot(sb, j), now_ms, &b);
			seen =
			    status_busy(&b) && strcmp(a.client, b.client) == 0;
		}
		if (seen)
			continue;
		c.client = a.client;
		c.active = 1;
		c.rate = a.rate;
		for (j = i + 1; j < n; j++) {
			scoreboard_snapshot(scoreboard_slot(sb, j), now_ms, &b);
			if (status_busy(&b) &&
			    strcmp(a.client, b.client) == 0) {
				c.active++;
				c.rate += b.rate;
			}
		}
		c.refused = scoreboard_client_refused(sb, a.client);
		status_format_client(o, f, &c, first);
		first = false;
	}
	for (i = 0; i < SB_BUCKETS; i++) {
		c.refused = scoreboard_bucket_refused(
		    sb, i, a.client, sizeof(a.client));
		if (c.refused == 0 || status_client_busy(sb, a.client, now_ms))
			continue;
		c.client = a.client;
		c.active = 0;
		c.rate = 0;
		status_format_client(o, f, &c, first);
		first = false;
	}
	if (f == STATUS_JSON)
		out_puts(o, "]");
}

void
status_render(struct out *o, struct scoreboard *sb, const struct dl_config *cfg,
    const struct status_query *q, int64_t listen_queue, int64_t listen_backlog)
{
	struct status_pool p;
	struct sb_snapshot s;
	size_t i, n = scoreboard_nslots(sb);
	int64_t now_ms = scoreboard_now_ms();
	bool first = true;

	if (q->format == STATUS_HTML) {
		out_puts(o, status_page_html);
		return;
	}
	status_gather(sb, cfg, &p);
	p.listen_queue = listen_queue;
	p.listen_backlog = listen_backlog;
	if (q->format == STATUS_OPENMETRICS && q->full) {
		out_puts(o,
		    "# TYPE dlfcgi_slot_sent_bytes gauge\n"
		    "# HELP dlfcgi_slot_sent_bytes Body bytes sent "
		    "by the request on a slot.\n");
		for (i = 0; i < n; i++) {
			scoreboard_snapshot(scoreboard_slot(sb, i), now_ms, &s);
			if (s.state != SB_FREE)
				status_format_slot(
				    o, q->format, i, &s, now_ms, p.now, false);
		}
	}
	if (q->format == STATUS_OPENMETRICS) {
		/* the counters and the listen queue, then "# EOF" */
		metrics_render(o, sb, cfg, true, listen_queue, listen_backlog);
		return;
	}
	status_format_begin(o, q, &p, cfg);
	if (q->full) {
		for (i = 0; i < n; i++) {
			scoreboard_snapshot(scoreboard_slot(sb, i), now_ms, &s);
			if (s.state == SB_FREE)
				continue;
			status_format_slot(
			    o, q->format, i, &s, now_ms, p.now, first);
			first = false;
		}
		if (q->format == STATUS_JSON)
			out_puts(o, "]");
	}
	if (q->clients)
		status_clients(o, sb, q->format, now_ms);
	status_format_end(o, q);
}
