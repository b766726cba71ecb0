/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The auto-tuned send buffer: a pure decision on the measured pace.
 */
#include "autoconfig.h"

#include "bounds.h"
#include "sndbuf.h"

void
sndbuf_start(
    struct sndbuf_tune *t, int low, int high, int64_t now_ms, uint64_t bytes)
{
	t->low = low;
	t->high = high > low ? high : low;
	t->cur = low;
	t->mark_ms = now_ms;
	t->mark_bytes = bytes;
}

int
sndbuf_after_wait(struct sndbuf_tune *t, int64_t now_ms, uint64_t bytes)
{
	int64_t ms = now_ms - t->mark_ms;
	uint64_t moved, want;

	if (bytes < t->mark_bytes || ms < 0) { /* not ours: start again */
		t->mark_ms = now_ms;
		t->mark_bytes = bytes;
		return 0;
	}
	moved = bytes - t->mark_bytes;
	if (moved < DL_SEND_TUNE_BYTES && ms < DL_SEND_TUNE_WINDOW_MS)
		return 0;
	t->mark_ms = now_ms;
	t->mark_bytes = bytes;
	/* bytes per DL_SEND_QUEUE_MS at the pace of the window */
	if (ms == 0 || moved > UINT64_MAX / DL_SEND_QUEUE_MS)
		want = (uint64_t)t->high;
	else
		want = moved * DL_SEND_QUEUE_MS / (uint64_t)ms;
	/*
	 * Up only after DL_SEND_TUNE_BYTES: the first megabytes of every
	 * download fill the web server's and the client's buffers at
	 * memory speed, however slowly the client reads.
	 */
	if (moved < DL_SEND_TUNE_BYTES && want > (uint64_t)t->cur)
		want = (uint64_t)t->cur;
	if (want < (uint64_t)t->low)
		want = (uint64_t)t->low;
	if (want > (uint64_t)t->high)
		want = (uint64_t)t->high;
	if ((int)want == t->cur)
		return 0;
	/* within a factor 2: no setsockopt for noise, but for a bound */
	if ((int)want != t->low && (int)want != t->high &&
	    want < 2 * (uint64_t)t->cur && 2 * want > (uint64_t)t->cur)
		return 0;
	t->cur = (int)want;
	return t->cur;
}
