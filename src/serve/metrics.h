/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_METRICS_H
#define DLFCGI_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "out.h"
#include "scoreboard.h"

/*
 * The metrics page: the pool's counters (struct dl_stats), the slots
 * by state and the configured limits, in the Prometheus text format
 * 0.0.4, or in OpenMetrics 1.0.0 (ending in "# EOF") when openmetrics
 * is set. Names are in base units (bytes, seconds) with one "dlfcgi_"
 * prefix; every label value is one of a fixed set of names (no client
 * or path), escaped all the same. The output has the same length
 * whatever the pool size (the slots are counted, not listed) and goes
 * out through o, in pieces. Reads the scoreboard without a lock.
 */
/*
 * listen_queue and listen_backlog: the listen socket's accept queue as
 * the kernel tells it (listen_queue()), -1 where it does not: the gauges
 * dlfcgi_listen_queue and dlfcgi_listen_backlog, left out when unknown.
 */
void metrics_render(struct out *o, struct scoreboard *sb,
    const struct dl_config *cfg, bool openmetrics, int64_t listen_queue,
    int64_t listen_backlog);

/* The Content-Type of the page, with its version. */
const char *metrics_content_type(bool openmetrics);

#endif
