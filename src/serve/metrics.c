/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The metrics page: Prometheus text exposition 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/) or
 * OpenMetrics 1.0.0 (https://openmetrics.io, "the text format"), from
 * the pool's counters and the scoreboard. The two differ in what this
 * file writes only in the family lines: OpenMetrics names a counter
 * family without "_total" (its samples have it), an info family
 * without "_info", gives a UNIT line, and ends with "# EOF".
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <stdio.h>

#include "escape.h"
#include "metrics.h"
#include "stats.h"

/* A label value is one of the fixed names; escaped all the same. */
#define METRICS_LABEL_MAX 128

enum metrics_type {
	MT_COUNTER,
	MT_GAUGE,
	MT_HISTOGRAM,
	MT_INFO,
};

static const char *const metrics_type_names[] = {
    [MT_COUNTER] = "counter",
    [MT_GAUGE] = "gauge",
    [MT_HISTOGRAM] = "histogram",
    [MT_INFO] = "info",
};

/* dlfcgi_slots{state}: the states a status reader can tell apart. */
static const struct {
	enum sb_state state;
	const char *name;
} metrics_states[] = {
    {SB_IDLE, "idle"},
    {SB_READING, "reading"},
    {SB_SENDING, "sending"},
    {SB_STARTING, "starting"},
    {SB_STOPPING, "stopping"},
    {SB_RESERVED, "reserved"},
    {SB_FREE, "free"},
};

const char *
metrics_content_type(bool openmetrics)
{
	return openmetrics
	    ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
	    : "text/plain; version=0.0.4; charset=utf-8";
}

/*
 * The HELP and TYPE (and UNIT) lines of a family. name is the sample
 * name without "_total" for a counter and without "_info" for an info;
 * unit, if not NULL, is the suffix name already ends with.
 */
static void
metrics_family(struct out *o, bool om, const char *name, enum metrics_type t,
    const char *unit, const char *help)
{
	const char *suffix = "";
	const char *type = metrics_type_names[t];

	if (t == MT_COUNTER && !om)
		suffix = "_total";
	if (t == MT_INFO && !om) {
		suffix = "_info";
		type = "gauge"; /* 0.0.4 has no info type */
	}
	out_printf(o, "# HELP %s%s %s\n", name, suffix, help);
	out_printf(o, "# TYPE %s%s %s\n", name, suffix, type);
	if (om && unit != NULL)
		out_printf(o, "# UNIT %s %s\n", name, unit);
}

/* One sample: name, suffix, an optional label, a value. */
static void
metrics_sample(struct out *o, const char *name, const char *suffix,
    const char *label, const char *value, uint64_t v)
{
	char esc[METRICS_LABEL_MAX];

	if (label == NULL)
		out_printf(o, "%s%s %" PRIu64 "\n", name, suffix, v);
	else
		out_printf(o, "%s%s{%s=\"%s\"} %" PRIu64 "\n", name, suffix,
		    label, escape_label(value, esc, sizeof(esc)), v);
}

static void
metrics_counter(struct out *o, bool om, const char *name, const char *unit,
    const char *help, const _Atomic uint64_t *c)
{
	metrics_family(o, om, name, MT_COUNTER, unit, help);
	metrics_sample(o, name, "_total", NULL, NULL, stats_get(c));
}

static void
metrics_gauge(struct out *o, bool om, const char *name, const char *unit,
    const char *help, int64_t v)
{
	metrics_family(o, om, name, MT_GAUGE, unit, help);
	out_printf(o, "%s %" PRId64 "\n", name, v);
}

/* Counters by one label, whose values name() gives. */
static void
metrics_by(struct out *o, bool om, const char *name, const char *help,
    const char *label, const _Atomic uint64_t *c, size_t n,
    const char *(*label_name)(size_t))
{
	size_t i;

	metrics_family(o, om, name, MT_COUNTER, NULL, help);
	for (i = 0; i < n; i++)
		metrics_sample(
		    o, name, "_total", label, label_name(i), stats_get(&c[i]));
}

static const char *
metrics_reject_name(size_t i)
{
	return stats_reject_name((enum stat_reject)i);
}

static const char *
metrics_abort_name(size_t i)
{
	return stats_abort_name((enum stat_abort)i);
}

static const char *
metrics_restart_name(size_t i)
{
	return stats_restart_name((enum stat_restart)i);
}

/* Microseconds as seconds, exactly (bounds and sums are whole us). */
static const char *
metrics_seconds(int64_t us, char *buf, size_t len)
{
	int64_t frac = us % 1000000;
	int n;

	if (frac == 0)
		snprintf(buf, len, "%" PRId64, us / 1000000);
	else {
		n = snprintf(
		    buf, len, "%" PRId64 ".%06" PRId64, us / 1000000, frac);
		/* trailing zeros of the fraction go */
		while (n > 0 && (size_t)n < len && buf[n - 1] == '0')
			buf[--n] = '\0';
	}
	return buf;
}

/*
 * A histogram: cumulative buckets from the per-bucket counts, read once
 * each, so that +Inf is the count of what was read and the buckets
 * never decrease even while requests are counted.
 */
static void
metrics_histogram(struct out *o, bool om, const char *name, const char *help,
    const struct stat_hist *h, const int64_t *bounds)
{
	char num[32], esc[METRICS_LABEL_MAX];
	uint64_t cum = 0;
	size_t i;

	metrics_family(o, om, name, MT_HISTOGRAM, "seconds", help);
	for (i = 0; i < STAT_HIST_MAX; i++) {
		cum += stats_get(&h->le[i]);
		out_printf(o, "%s_bucket{le=\"%s\"} %" PRIu64 "\n", name,
		    escape_label(metrics_seconds(bounds[i], num, sizeof(num)),
			esc, sizeof(esc)),
		    cum);
	}
	cum += stats_get(&h->inf);
	out_printf(o, "%s_bucket{le=\"+Inf\"} %" PRIu64 "\n", name, cum);
	out_printf(o, "%s_count %" PRIu64 "\n", name, cum);
	out_printf(o, "%s_sum %s\n", name,
	    metrics_seconds((int64_t)stats_get(&h->sum_us), num, sizeof(num)));
}

static void
metrics_slots(struct out *o, bool om, struct scoreboard *sb)
{
	size_t i, j, n = scoreboard_nslots(sb);
	uint64_t count[sizeof(metrics_states) / sizeof(metrics_states[0])];
	int st;

	for (j = 0; j < sizeof(count) / sizeof(count[0]); j++)
		count[j] = 0;
	/* one pass, each state read once: the counts add up to n */
	for (i = 0; i < n; i++) {
		st = atomic_load_explicit(
		    &scoreboard_slot(sb, i)->state, memory_order_relaxed);
		for (j = 0; j < sizeof(count) / sizeof(count[0]); j++)
			if ((int)metrics_states[j].state == st) {
				count[j]++;
				break;
			}
	}
	metrics_family(o, om, "dlfcgi_slots", MT_GAUGE, NULL,
	    "Scoreboard slots by state (a reload may use up to twice "
	    "dlfcgi_slots_max).");
	for (j = 0; j < sizeof(count) / sizeof(count[0]); j++)
		metrics_sample(o, "dlfcgi_slots", "", "state",
		    metrics_states[j].name, count[j]);
}

/* The configured limits, in base units; 0 is off. */
static void
metrics_limits(struct out *o, bool om, const struct dl_config *cfg)
{
	const struct {
		const char *name, *unit, *help;
		int64_t v;
	} lim[] = {
	    {"dlfcgi_config_max_requests", NULL,
		"max_requests: requests a worker serves before it is "
		"replaced (0: never).",
		cfg->max_requests},
	    {"dlfcgi_config_max_clients_per_ip", NULL,
		"max_clients_per_ip: concurrent requests per client.",
		cfg->max_clients_per_ip},
	    {"dlfcgi_config_max_conns_per_file_per_ip", NULL,
		"max_conns_per_file_per_ip: concurrent downloads of one "
		"file per client.",
		cfg->max_conns_per_file_per_ip},
	    {"dlfcgi_config_rate_per_ip", NULL,
		"rate_per_ip: new requests per second per client.",
		cfg->rate_per_ip},
	    {"dlfcgi_config_rate_burst", NULL,
		"rate_burst: requests a client may send at once.",
		cfg->rate_burst},
	    {"dlfcgi_config_limit_rate_bytes_per_second", NULL,
		"limit_rate: bytes per second per download.", cfg->limit_rate},
	    {"dlfcgi_config_limit_rate_after_bytes", "bytes",
		"limit_rate_after: bytes sent before limit_rate applies.",
		cfg->limit_rate_after},
	    {"dlfcgi_config_min_rate_bytes_per_second", NULL,
		"min_rate: slowest download kept, bytes per second.",
		cfg->min_rate},
	    {"dlfcgi_config_min_rate_window_seconds", "seconds",
		"min_rate_window: the window min_rate is measured over.",
		cfg->min_rate_window},
	    {"dlfcgi_config_max_duration_seconds", "seconds",
		"max_duration: longest download.", cfg->max_duration},
	    {"dlfcgi_config_send_timeout_seconds", "seconds",
		"send_timeout: longest stall of one write.", cfg->send_timeout},
	    {"dlfcgi_config_request_timeout_seconds", "seconds",
		"request_timeout: time to receive a request.",
		cfg->request_timeout},
	    {"dlfcgi_config_queue_timeout_seconds", "seconds",
		"queue_timeout: longest wait for a free thread.",
		cfg->queue_timeout},
	    {"dlfcgi_config_shutdown_timeout_seconds", "seconds",
		"shutdown_timeout: time running downloads get at a stop.",
		cfg->shutdown_timeout},
	    {"dlfcgi_config_buffer_size_bytes", "bytes",
		"buffer_size: bytes per transfer buffer.", cfg->buffer_size},
	};
	size_t i;

	for (i = 0; i < sizeof(lim) / sizeof(lim[0]); i++)
		metrics_gauge(
		    o, om, lim[i].name, lim[i].unit, lim[i].help, lim[i].v);
}

void
metrics_render(struct out *o, struct scoreboard *sb,
    const struct dl_config *cfg, bool om, int64_t listen_queue,
    int64_t listen_backlog)
{
	struct dl_stats *s = scoreboard_stats(sb);
	int64_t cap;
	size_t i;

	metrics_family(o, om, "dlfcgi_build", MT_INFO, NULL,
	    "The running version of dlfcgi.");
	metrics_sample(
	    o, "dlfcgi_build", "_info", "version", PACKAGE_VERSION, 1);
	metrics_gauge(o, om, "dlfcgi_start_time_seconds", "seconds",
	    "When the master started (Unix time); counters start at 0 "
	    "then.",
	    s->start_time);
	metrics_gauge(o, om, "dlfcgi_generation", NULL,
	    "The configuration generation serving (0 at start, +1 per "
	    "reload that took over).",
	    atomic_load_explicit(&s->generation, memory_order_relaxed));
	metrics_gauge(o, om, "dlfcgi_workers", NULL,
	    "Configured worker processes (0: one process serves).",
	    cfg->workers);
	metrics_gauge(o, om, "dlfcgi_threads", NULL,
	    "Configured serving threads per worker.", cfg->threads);
	cap = (int64_t)cfg->threads * (cfg->workers > 0 ? cfg->workers : 1);
	metrics_gauge(o, om, "dlfcgi_slots_max", NULL,
	    "Requests the pool serves at once (workers x threads).", cap);
	metrics_slots(o, om, sb);
	if (listen_queue >= 0)
		metrics_gauge(o, om, "dlfcgi_listen_queue", NULL,
		    "Connections waiting in the listen socket's accept queue "
		    "(this worker's view of it).",
		    listen_queue);
	if (listen_backlog >= 0)
		metrics_gauge(o, om, "dlfcgi_listen_backlog", NULL,
		    "The most connections the accept queue holds.",
		    listen_backlog);

	metrics_counter(o, om, "dlfcgi_accepted", NULL,
	    "Requests read, and connections dropped while reading one.",
	    &s->accepted);
	metrics_counter(o, om, "dlfcgi_served", NULL,
	    "Requests ended cleanly (END_REQUEST sent).", &s->served);
	metrics_counter(o, om, "dlfcgi_offloaded", NULL,
	    "Requests answered by an offload header.", &s->offloaded);
	metrics_counter(o, om, "dlfcgi_sent_bytes", "bytes",
	    "Body bytes sent, counted as they leave.", &s->sent_bytes);

	metrics_family(o, om, "dlfcgi_requests", MT_COUNTER, NULL,
	    "Requests ended, by HTTP status (\"other\": any status not "
	    "listed).");
	for (i = 0; i <= STAT_NCODES; i++) {
		char code[16];

		if (i == STAT_CODE_OTHER)
			snprintf(code, sizeof(code), "other");
		else
			snprintf(code, sizeof(code), "%d", stats_code(i));
		metrics_sample(o, "dlfcgi_requests", "_total", "code", code,
		    stats_get(&s->codes[i]));
	}
	metrics_by(o, om, "dlfcgi_rejected",
	    "Requests refused, and connections dropped, by reason.", "reason",
	    s->rejected, STAT_REJ_COUNT, metrics_reject_name);
	metrics_by(o, om, "dlfcgi_aborted",
	    "Responses cut before their end (no END_REQUEST), by reason.",
	    "reason", s->aborted, STAT_ABT_COUNT, metrics_abort_name);
	metrics_by(o, om, "dlfcgi_worker_restarts",
	    "Workers started again by the master, by cause.", "reason",
	    s->restarts, STAT_RESTART_COUNT, metrics_restart_name);
	metrics_family(o, om, "dlfcgi_config_reloads", MT_COUNTER, NULL,
	    "Configuration reloads (SIGHUP), by result.");
	metrics_sample(o, "dlfcgi_config_reloads", "_total", "result", "ok",
	    stats_get(&s->reloads_ok));
	metrics_sample(o, "dlfcgi_config_reloads", "_total", "result", "failed",
	    stats_get(&s->reloads_failed));

	metrics_histogram(o, om, "dlfcgi_request_duration_seconds",
	    "Time from a request read to its end.", &s->duration,
	    stats_duration_bounds());
	metrics_histogram(o, om, "dlfcgi_time_to_first_byte_seconds",
	    "Time from a request read to the first byte of its answer.",
	    &s->ttfb, stats_ttfb_bounds());

	metrics_limits(o, om, cfg);
	if (om)
		out_puts(o, "# EOF\n");
}
