/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_PARK_H
#define DLFCGI_PARK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

/*
 * Where a worker's idle serving threads wait, and where its kept-alive
 * FastCGI connections wait between requests (FCGI_KEEP_CONN,
 * doc/DESIGN.md §1.4). One epoll set per worker holds the listen
 * socket and every parked connection, each EPOLLONESHOT: an event goes
 * to exactly one waiting thread, which takes that connection (or
 * accepts one) and re-arms nothing it does not own. So an idle kept
 * connection holds a descriptor and a park entry, never a thread.
 *
 * At most max connections are parked; beyond that a connection is not
 * kept (the caller closes it). A connection parked for timeout_ms is
 * closed by fcgi_park_sweep(), which the worker's reserve thread calls
 * on each of its looks (every WORKER_OVERFLOW_POLL_MS at most).
 *
 * Idle threads wait without a timeout: nothing wakes them but work.
 * Two eventfds in the set stand for the rest: one that stays readable
 * once the worker stops (fcgi_park_wake(): every waiter returns, at once
 * and from then on), and one that wakes a single waiter when a request
 * waits elsewhere for a thread (fcgi_park_nudge(): the reserve thread's
 * held requests, doc/DESIGN.md §1.2). A waiter that counts itself while
 * such work is pending returns without waiting, so a nudge is never
 * lost between a thread's last look for work and its wait.
 *
 * When no serving thread waits (fcgi_park_idle() is 0), the worker's
 * reserve thread watches the set too (poll(2) on epfd, then
 * fcgi_park_take()), so that a request on a kept connection never waits
 * unboundedly for a thread (doc/DESIGN.md §1.2). A listen event it takes
 * but does not accept on leaves the listen socket disarmed
 * (fcgi_park_leave_listen()) until a serving thread waits again: so the
 * set does not report the same queued connection to it over and over.
 */
struct fcgi_park_entry {
	int fd;	      /* -1: free */
	uint32_t seq; /* bumped on each use: stale events are ignored */
	/* parked at, CLOCK_MONOTONIC ms; INT64_MAX while being armed */
	_Atomic int64_t since;
	unsigned served; /* requests the connection carried so far */
	int prev, next;	 /* the parked list, oldest first; or free list */
};

struct fcgi_park {
	int epfd;
	int listen_fd;
	int wakefd;  /* eventfd: readable once stopping (level-triggered) */
	int nudgefd; /* eventfd: one waiter per nudge (EPOLLONESHOT) */
	int max;
	int64_t timeout_ms;
	atomic_int waiting;    /* threads inside fcgi_park_wait() */
	atomic_int listen_off; /* left disarmed: re-armed by the next waiter */
	atomic_int pending;    /* work waiting for a thread (fcgi_park_nudge) */
	pthread_mutex_t lock;
	/* Under lock: */
	int closed;
	int n;			   /* parked */
	int head, tail;		   /* oldest, newest parked; -1 if none */
	int free;		   /* first free entry, -1 if none */
	struct fcgi_park_entry *e; /* max entries */
};

/*
 * Sets up p for listen_fd (non-blocking): the epoll set and max entries,
 * allocated now. Returns 0, or -1 with errno set (nothing to undo).
 */
int fcgi_park_init(struct fcgi_park *p, int listen_fd, int max, int timeout_s);

/*
 * Waits up to ms (-1: no limit) for the listen socket or a parked
 * connection. Returns 1 with *fd -1 when the listen socket is readable
 * (accept one connection, non-blocking, then call fcgi_park_rearm()), 1
 * with *fd >= 0 and *served when a parked connection has bytes or hung
 * up (it is the caller's now), 0 after the timeout, when stopping
 * (fcgi_park_wake()) or when work is pending (fcgi_park_nudge(): look
 * for it, then wait again), -1 on error (errno set).
 */
int fcgi_park_wait(struct fcgi_park *p, int ms, int *fd, unsigned *served);

/*
 * As fcgi_park_wait() with no wait, for the reserve thread: takes one
 * event if the set has one, without counting as a waiting thread (a
 * nudge it takes is passed on to a waiting thread).
 */
int fcgi_park_take(struct fcgi_park *p, int *fd, unsigned *served);

/* How many threads wait in fcgi_park_wait() now (a hint: no lock). */
int fcgi_park_idle(struct fcgi_park *p);

/*
 * Stopping: every thread in fcgi_park_wait() returns 0, and so does
 * every later call. Safe from any thread until fcgi_park_destroy().
 */
void fcgi_park_wake(struct fcgi_park *p);

/*
 * Work now waits for a thread: counts it (the caller holds whatever
 * lock guards that work, so that the count and the work agree) and
 * wakes one waiting thread, or makes the next one return at once.
 * fcgi_park_nudged() uncounts it once a thread has taken it;
 * fcgi_park_pending() is the count (no lock: a hint for a fast path).
 */
void fcgi_park_nudge(struct fcgi_park *p);
void fcgi_park_nudged(struct fcgi_park *p);
int fcgi_park_pending(struct fcgi_park *p);

/* Closes the parked connections idle for the timeout, logged. */
void fcgi_park_sweep(struct fcgi_park *p);

/*
 * After a listen event taken by fcgi_park_take() that the caller does
 * not accept on (a thread elsewhere in the pool is idle): the listen
 * socket stays disarmed until a thread enters fcgi_park_wait(), which
 * arms it first; armed at once if one waits already. Returns 0, or -1
 * with errno set.
 */
int fcgi_park_leave_listen(struct fcgi_park *p);

/*
 * After the accept(2) that followed a listen event: arms the listen
 * socket again, so that a connection still queued wakes one other
 * thread (armed before the accept, it would wake one for the connection
 * being accepted). Returns 0, or -1 with errno set.
 */
int fcgi_park_rearm(struct fcgi_park *p);

/*
 * Parks fd, which carried served requests, until its next request.
 * *added says whether fd is in the set already (from an earlier
 * park); set to 1. Returns 0, or -1 (the park is full or closed, or
 * epoll failed): the caller still owns fd and closes it.
 */
int fcgi_park_put(struct fcgi_park *p, int fd, unsigned served, int *added);

/*
 * Closes every parked connection and the epoll set; fcgi_park_put()
 * refuses from then on. Call only when no thread is in
 * fcgi_park_wait(); the listen socket and the eventfds stay open.
 */
void fcgi_park_close(struct fcgi_park *p);

/* After fcgi_park_close(), when no thread uses p any more: closes the
 * eventfds. */
void fcgi_park_destroy(struct fcgi_park *p);

#endif
