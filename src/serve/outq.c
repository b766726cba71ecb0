/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Waiting for a socket's send queue to empty (SIOCOUTQ).
 */
#include "autoconfig.h"

#include <sys/ioctl.h>

#include <linux/sockios.h>

#include <errno.h>
#include <time.h>

#include "bounds.h"
#include "outq.h"
#include "scoreboard.h"

enum outq_result
outq_drain(int fd, int stall_ms, int64_t deadline_ms)
{
	struct timespec ts = {0, 0};
	long sleep_ns = OUTQ_SLEEP_MIN;
	int64_t now, moved;
	int q, last = -1;

	for (moved = scoreboard_now_ms();;) {
		if (ioctl(fd, SIOCOUTQ, &q) == -1)
			return OUTQ_ERROR;
		if (q <= 0)
			return OUTQ_EMPTY;
		now = scoreboard_now_ms();
		if (last == -1 || q < last) {
			last = q;
			moved = now;
		} else if (now - moved >= stall_ms)
			return OUTQ_STALLED;
		if (deadline_ms > 0 && now >= deadline_ms)
			return OUTQ_DEADLINE;
		ts.tv_nsec = sleep_ns;
		/* EINTR: the next look comes a little early, no harm */
		(void)nanosleep(&ts, NULL);
		if (sleep_ns < OUTQ_SLEEP_MAX)
			sleep_ns = sleep_ns * 2 < OUTQ_SLEEP_MAX
			    ? sleep_ns * 2
			    : OUTQ_SLEEP_MAX;
	}
}
