/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The pool's counters: relaxed atomic adds, histograms, label names.
 */
#include "autoconfig.h"

#include "stats.h"

_Static_assert(ATOMIC_LLONG_LOCK_FREE == 2,
    "lock-free 64-bit atomics for the shared counters");

static const int stat_codes[STAT_NCODES] = STAT_CODES;
static const int64_t stat_duration_le[STAT_HIST_MAX] = STAT_DURATION_BUCKETS;
static const int64_t stat_ttfb_le[STAT_HIST_MAX] = STAT_TTFB_BUCKETS;

static const char *const reject_names[STAT_REJ_COUNT] = {
    [STAT_REJ_PARAMS] = "params_too_large",
    [STAT_REJ_BODY] = "body_too_large",
    [STAT_REJ_QUEUE] = "queue_timeout",
    [STAT_REJ_CLIENT_SLOTS] = "max_clients_per_ip",
    [STAT_REJ_RATE] = "rate_per_ip",
    [STAT_REJ_FILE_SLOTS] = "max_conns_per_file_per_ip",
    [STAT_REJ_PATH_BUSY] = "file_busy",
    [STAT_REJ_SIGNATURE] = "signature",
    [STAT_REJ_STATUS_DENIED] = "status_denied",
    [STAT_REJ_PEER] = "peer_not_allowed",
    [STAT_REJ_MALFORMED] = "malformed_request",
};

static const char *const abort_names[STAT_ABT_COUNT] = {
    [STAT_ABT_CLIENT_CLOSED] = "client_closed",
    [STAT_ABT_SEND_TIMEOUT] = "send_timeout",
    [STAT_ABT_MIN_RATE] = "min_rate",
    [STAT_ABT_MAX_DURATION] = "max_duration",
    [STAT_ABT_FILE_CHANGED] = "file_changed",
    [STAT_ABT_SHUTDOWN] = "shutdown",
    [STAT_ABT_IO_ERROR] = "io_error",
};

static const char *const restart_names[STAT_RESTART_COUNT] = {
    [STAT_RESTART_CRASH] = "crash",
    [STAT_RESTART_EXIT] = "exit",
    [STAT_RESTART_MAX_REQUESTS] = "max_requests",
    [STAT_RESTART_RELOAD] = "reload",
};

void
stats_add(_Atomic uint64_t *counter, uint64_t n)
{
	atomic_fetch_add_explicit(counter, n, memory_order_relaxed);
}

uint64_t
stats_get(const _Atomic uint64_t *counter)
{
	return atomic_load_explicit(counter, memory_order_relaxed);
}

size_t
stats_code_index(int status)
{
	size_t i;

	for (i = 0; i < STAT_NCODES; i++)
		if (stat_codes[i] == status)
			return i;
	return STAT_CODE_OTHER;
}

int
stats_code(size_t i)
{
	return i < STAT_NCODES ? stat_codes[i] : 0;
}

static void
stats_observe(struct stat_hist *h, const int64_t *le, int64_t us)
{
	size_t i;

	if (us < 0)
		us = 0;
	stats_add(&h->sum_us, (uint64_t)us);
	for (i = 0; i < STAT_HIST_MAX; i++)
		if (us <= le[i]) {
			stats_add(&h->le[i], 1);
			return;
		}
	stats_add(&h->inf, 1);
}

void
stats_observe_duration(struct dl_stats *s, int64_t us)
{
	stats_observe(&s->duration, stat_duration_le, us);
}

void
stats_observe_ttfb(struct dl_stats *s, int64_t us)
{
	stats_observe(&s->ttfb, stat_ttfb_le, us);
}

const int64_t *
stats_duration_bounds(void)
{
	return stat_duration_le;
}

const int64_t *
stats_ttfb_bounds(void)
{
	return stat_ttfb_le;
}

const char *
stats_reject_name(enum stat_reject r)
{
	return (unsigned)r < STAT_REJ_COUNT ? reject_names[r] : "unknown";
}

const char *
stats_abort_name(enum stat_abort a)
{
	return (unsigned)a < STAT_ABT_COUNT ? abort_names[a] : "unknown";
}

const char *
stats_restart_name(enum stat_restart r)
{
	return (unsigned)r < STAT_RESTART_COUNT ? restart_names[r] : "unknown";
}
