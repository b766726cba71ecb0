/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_SNDBUF_H
#define DLFCGI_SNDBUF_H

#include <stdint.h>

/*
 * The auto-tuned send buffer of a unix connection (doc/DESIGN.md
 * §1.5): SO_SNDBUF starts at low and follows the pace at which the web
 * server takes the bytes, so that the kernel holds about
 * DL_SEND_QUEUE_MS of it, between low and high. The pace is measured
 * over windows that end at a wait for room (a queue that never fills
 * needs no larger buffer) once DL_SEND_TUNE_BYTES were written or
 * DL_SEND_TUNE_WINDOW_MS passed; only a window of DL_SEND_TUNE_BYTES
 * may raise the buffer. So a slow download (a slow client behind the
 * web server's relay) keeps low from its first byte, a fast one gets
 * high after its first DL_SEND_TUNE_BYTES, and one that slows down
 * comes back to low within a window.
 */
struct sndbuf_tune {
	int cur;	     /* SO_SNDBUF set now, bytes */
	int low, high;	     /* its bounds */
	int64_t mark_ms;     /* start of the measuring window */
	uint64_t mark_bytes; /* bytes written by then */
};

/*
 * Starts measuring at now_ms with bytes written so far; cur = low.
 * Pure.
 */
void sndbuf_start(
    struct sndbuf_tune *t, int low, int high, int64_t now_ms, uint64_t bytes);

/*
 * After a wait for room that ended at now_ms, with bytes written so far:
 * the SO_SNDBUF to set now (t->cur is then that), or 0 to keep it. A
 * want within a factor 2 of cur keeps cur (no setsockopt for noise),
 * unless it is low or high. Pure.
 */
int sndbuf_after_wait(struct sndbuf_tune *t, int64_t now_ms, uint64_t bytes);

#endif
