/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_STATS_H
#define DLFCGI_STATS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The pool's counters, for the status page and the metrics. They live
 * in the scoreboard's shared mapping (scoreboard_stats()): created by
 * the master before it forks, so they survive worker restarts and
 * reloads and start at zero only with a new master. Every counter is a
 * relaxed atomic add (a count orders nothing); no lock is taken, so a
 * reader can never hold up a download. A reader sees each counter
 * whole, not all of them at one instant.
 *
 * Every label value of the metrics is one of the names below: the set
 * is fixed at compile time, never a client's or a path's.
 */

/* Why a request was refused (answered by a status, or dropped). */
enum stat_reject {
	STAT_REJ_PARAMS,	/* 431: parameters over 32 KiB */
	STAT_REJ_BODY,		/* 413: request body over 32 KiB */
	STAT_REJ_QUEUE,		/* 503: every thread busy for queue_timeout */
	STAT_REJ_CLIENT_SLOTS,	/* 503: max_clients_per_ip */
	STAT_REJ_RATE,		/* 429: rate_per_ip */
	STAT_REJ_FILE_SLOTS,	/* 503: max_conns_per_file_per_ip */
	STAT_REJ_PATH_BUSY,	/* 503: the file is leased */
	STAT_REJ_SIGNATURE,	/* sign_status: a signed link failed */
	STAT_REJ_STATUS_DENIED, /* 404: status/metrics outside status_allowed */
	STAT_REJ_PEER,		/* dropped: TCP peer outside allowed_peers */
	STAT_REJ_MALFORMED,	/* dropped: malformed or oversized FastCGI */
	STAT_REJ_COUNT
};

/* Why a response was cut (no END_REQUEST: the client sees it broken). */
enum stat_abort {
	STAT_ABT_CLIENT_CLOSED, /* the web server closed the connection */
	STAT_ABT_SEND_TIMEOUT,	/* a write stalled for send_timeout */
	STAT_ABT_MIN_RATE,	/* slower than min_rate */
	STAT_ABT_MAX_DURATION,	/* max_duration reached */
	STAT_ABT_FILE_CHANGED,	/* the file changed or shrank */
	STAT_ABT_SHUTDOWN,	/* shutdown_timeout or SIGQUIT */
	STAT_ABT_IO_ERROR,	/* any other read or write error */
	STAT_ABT_COUNT
};

/* Why the master started a worker again. */
enum stat_restart {
	STAT_RESTART_CRASH,	   /* killed by a signal */
	STAT_RESTART_EXIT,	   /* exited on its own (an error) */
	STAT_RESTART_MAX_REQUESTS, /* max_requests served */
	STAT_RESTART_RELOAD,	   /* replaced by a reload */
	STAT_RESTART_COUNT
};

/*
 * The statuses counted one by one (dlfcgi_requests_total{code}); any
 * other counts as "other". STAT_CODE_OTHER is the index of "other".
 */
#define STAT_CODES                                                          \
	{                                                                   \
		200, 206, 304, 400, 403, 404, 405, 410, 412, 413, 416, 429, \
		    431, 500, 503                                           \
	}
#define STAT_NCODES 15
#define STAT_CODE_OTHER STAT_NCODES

/*
 * Histogram buckets (upper bounds, microseconds); +Inf is implied. The
 * clocks of a request are read in milliseconds: no bound below 1 ms.
 */
#define STAT_DURATION_BUCKETS                                                  \
	{                                                                      \
		1000, 5000, 25000, 100000, 500000, 1000000, 5000000, 30000000, \
		    120000000, 600000000, 3600000000LL                         \
	}
#define STAT_TTFB_BUCKETS                                                      \
	{                                                                      \
		1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, \
		    1000000, 5000000                                           \
	}
#define STAT_HIST_MAX 11

struct stat_hist {
	_Atomic uint64_t le[STAT_HIST_MAX]; /* not cumulative: per bucket */
	_Atomic uint64_t inf;		    /* above the last bound */
	_Atomic uint64_t sum_us;
};

struct dl_stats {
	int64_t start_time; /* the master's start, Unix seconds */
	_Atomic int generation;
	_Atomic uint64_t accepted;   /* requests read (before admission) */
	_Atomic uint64_t served;     /* requests ended cleanly */
	_Atomic uint64_t offloaded;  /* answered by an offload header */
	_Atomic uint64_t sent_bytes; /* body bytes, counted as they leave */
	_Atomic uint64_t codes[STAT_NCODES + 1];
	_Atomic uint64_t rejected[STAT_REJ_COUNT];
	_Atomic uint64_t aborted[STAT_ABT_COUNT];
	_Atomic uint64_t restarts[STAT_RESTART_COUNT];
	_Atomic uint64_t reloads_ok, reloads_failed;
	struct stat_hist duration; /* request start to its end */
	struct stat_hist ttfb;	   /* request start to its first byte */
};

/* Adds n to a counter (relaxed). */
void stats_add(_Atomic uint64_t *counter, uint64_t n);
/* A counter's value (relaxed). */
uint64_t stats_get(const _Atomic uint64_t *counter);

/* The index of status in codes[] (STAT_CODE_OTHER if not listed). */
size_t stats_code_index(int status);
/* The status at index i < STAT_NCODES. */
int stats_code(size_t i);

/* Counts an observation of us microseconds in h (buckets of bounds). */
void stats_observe_duration(struct dl_stats *s, int64_t us);
void stats_observe_ttfb(struct dl_stats *s, int64_t us);
/* The bucket bounds of each histogram, STAT_HIST_MAX each. */
const int64_t *stats_duration_bounds(void);
const int64_t *stats_ttfb_bounds(void);

/* Label values: lower case, [a-z_] only. */
const char *stats_reject_name(enum stat_reject r);
const char *stats_abort_name(enum stat_abort a);
const char *stats_restart_name(enum stat_restart r);

#endif
