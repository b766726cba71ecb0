/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_COUNT_H
#define DLFCGI_COUNT_H

#include <sys/types.h>

#include <stddef.h>

#include "phase.h"
#include "scoreboard.h"
#include "stats.h"

/*
 * Counting requests into the pool's counters (stats.h). The refusal
 * and abort sites only set r->reject and r->abort_why; body bytes are
 * counted where they leave (body.c); this LOG handler, which runs once
 * per request, counts the rest: status, served or aborted (and why),
 * refused (and why), offloaded, duration and time to first byte.
 */

/* LOG: counts r into the scoreboard's counters. Always GO_ON. */
enum phase_rc count_phase(struct request *r);

/*
 * The abort reason of a failed write or send with errno e: EPIPE and
 * ECONNRESET client_closed, ETIMEDOUT send_timeout, ENODATA (the file
 * ended early) and ESTALE (it changed) file_changed, else io_error.
 * Pure.
 */
enum stat_abort count_abort_errno(int e);

/*
 * The same failure as the reason text of the log lines: "web server
 * closed the connection", "send_timeout expired", "file shrank during
 * transfer", "file changed during transfer", else "read or write
 * error". Pure.
 */
const char *count_abort_text(int e);

/*
 * Counts the requests of pid (every pid if 0) that a kill now cuts:
 * its busy slots (reading or sending) as aborted{shutdown}. Returns how
 * many. Takes no lock.
 */
size_t count_shutdown(struct scoreboard *sb, pid_t pid);

#endif
