/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_OUTQ_H
#define DLFCGI_OUTQ_H

#include <stdint.h>

enum outq_result {
	OUTQ_EMPTY,    /* every byte has left the socket */
	OUTQ_STALLED,  /* the queue did not shrink for stall_ms */
	OUTQ_DEADLINE, /* deadline_ms came first */
	OUTQ_ERROR,    /* ioctl failed: errno says why */
};

/*
 * Waits until every byte written to the stream socket fd has left it
 * (ioctl SIOCOUTQ is 0): read by the peer of a unix socket, or
 * acknowledged by the peer of a TCP one. Until then the kernel may still
 * hold references to the page-cache pages sendfile(2) queued. The kernel
 * has no wake-up for an empty send queue, so this sleeps between looks,
 * from 50 microseconds up to 10 ms. Gives up when the queue has not
 * shrunk for stall_ms, or at deadline_ms (CLOCK_MONOTONIC milliseconds;
 * 0 for none), whichever comes first.
 */
enum outq_result outq_drain(int fd, int stall_ms, int64_t deadline_ms);

#endif
