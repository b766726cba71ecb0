/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_SLOWLOG_H
#define DLFCGI_SLOWLOG_H

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scoreboard.h"

/*
 * The slow log (slowlog, slowlog_ttfb, slowlog_stall): one line for a
 * download whose first byte took longer than slowlog_ttfb seconds, one
 * for a download that made no progress for slowlog_stall seconds, each
 * at most once per request, with the slot's snapshot. The watcher is
 * the master (workers = 0: the worker's signal thread), which looks at
 * every slot of the scoreboard once a second: one place watches the
 * whole pool, and a look takes no lock, so it never holds up a
 * download (doc/DESIGN.md section 1.3).
 */
enum slowlog_event {
	SLOWLOG_TTFB,  /* the first byte is late, or came late */
	SLOWLOG_STALL, /* no progress for slowlog_stall */
};

/* How often the watcher looks: the granularity of both thresholds. */
#define SLOWLOG_SCAN_MS 1000

/* The longest line slowlog_format() writes, '\n' included. */
#define SLOWLOG_LINE_MAX 1536

/* Opens (O_APPEND, 0640) the slow log; NULL path: none. 0 or -1. */
int slowlog_open(const char *path);
/* Reopens it after logrotate (SIGUSR1); 0 or -1 (logged). */
int slowlog_reopen(void);
/* Gives it to uid:gid, before root is dropped. */
int slowlog_chown(uid_t uid, gid_t gid);
bool slowlog_enabled(void);

/*
 * Allocates the watcher's marker of each of nslots slots (which request
 * was already logged for what), once, before the first scan. 0 or -1.
 */
int slowlog_watch_init(size_t nslots);

/*
 * Looks at every busy slot of sb at now_ms (CLOCK_MONOTONIC) and logs
 * what is slow: ttfb_s and stall_s in seconds, 0 turns one off. Does
 * nothing before the next look is due. Returns when the next look is
 * due (now_ms + SLOWLOG_SCAN_MS at most), or 0 with no slow log.
 */
int64_t slowlog_scan(
    struct scoreboard *sb, int ttfb_s, int stall_s, int64_t now_ms);

/*
 * The line of event ev for snapshot s at now_ms, after the timestamp
 * ts, in logfmt: event, pid, client, method, path, range, status,
 * sent, total (-1 unknown), rate (bytes/s), wait, duration_ms, ttfb_ms
 * ("-" before the first byte), idle_ms (since the last progress),
 * limit_rate. Strings escaped with log_escape(): printable ASCII only,
 * quotes and backslashes as \xHH, spaces too in the unquoted ones.
 * Writes at most SLOWLOG_LINE_MAX bytes into buf (len at least that),
 * ending in '\n'; returns their count. Pure.
 */
size_t slowlog_format(const struct sb_snapshot *s, enum slowlog_event ev,
    int64_t now_ms, const char *ts, char *buf, size_t len);

#endif
