/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The parked connections of a worker and the wait of its idle threads
 * (park.h). Events carry an entry's index and sequence number: a
 * connection closed for idleness while its event was on the way to a
 * thread is recognised as gone, even if its entry was used again.
 */
#include "autoconfig.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "park.h"
#include "scoreboard.h"

/* Event tags besides parked entries (index | seq << 32). */
#define PARK_LISTEN UINT64_MAX
#define PARK_WAKE (UINT64_MAX - 1)
#define PARK_NUDGE (UINT64_MAX - 2)

static int
park_arm_listen(struct fcgi_park *p, int op)
{
	struct epoll_event ev = {
	    .events = EPOLLIN | EPOLLONESHOT, .data.u64 = PARK_LISTEN};

	return epoll_ctl(p->epfd, op, p->listen_fd, &ev);
}

static int
park_arm_nudge(struct fcgi_park *p, int op)
{
	struct epoll_event ev = {
	    .events = EPOLLIN | EPOLLONESHOT, .data.u64 = PARK_NUDGE};

	return epoll_ctl(p->epfd, op, p->nudgefd, &ev);
}

/* Adds 1 to an eventfd; it cannot block or fail short of overflow. */
static void
park_signal(int fd)
{
	uint64_t one = 1;

	while (write(fd, &one, sizeof(one)) == -1 && errno == EINTR)
		;
}

int
fcgi_park_init(struct fcgi_park *p, int listen_fd, int max, int timeout_s)
{
	struct epoll_event wake = {.events = EPOLLIN, .data.u64 = PARK_WAKE};
	int i, e;

	p->listen_fd = listen_fd;
	p->max = max;
	p->timeout_ms = (int64_t)timeout_s * 1000;
	p->closed = 0;
	p->n = 0;
	atomic_init(&p->waiting, 0);
	atomic_init(&p->listen_off, 0);
	atomic_init(&p->pending, 0);
	p->epfd = p->wakefd = p->nudgefd = -1;
	p->head = p->tail = -1;
	p->free = max > 0 ? 0 : -1;
	p->e = NULL;
	if (max > 0 && (p->e = calloc((size_t)max, sizeof(*p->e))) == NULL)
		return -1;
	for (i = 0; i < max; i++) {
		p->e[i].fd = -1;
		p->e[i].next = i + 1 < max ? i + 1 : -1;
	}
	if ((p->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
	    (p->wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1 ||
	    (p->nudgefd = eventfd(
		 0, EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE)) == -1 ||
	    epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->wakefd, &wake) == -1 ||
	    park_arm_nudge(p, EPOLL_CTL_ADD) == -1 ||
	    park_arm_listen(p, EPOLL_CTL_ADD) == -1) {
		e = errno;
		if (p->nudgefd != -1)
			close(p->nudgefd);
		if (p->wakefd != -1)
			close(p->wakefd);
		if (p->epfd != -1)
			close(p->epfd);
		free(p->e);
		errno = e;
		return -1;
	}
	pthread_mutex_init(&p->lock, NULL);
	return 0;
}

/* Takes entry i off the parked list and frees it. Under lock. */
static void
park_unlink(struct fcgi_park *p, int i)
{
	struct fcgi_park_entry *x = &p->e[i];

	if (x->prev != -1)
		p->e[x->prev].next = x->next;
	else
		p->head = x->next;
	if (x->next != -1)
		p->e[x->next].prev = x->prev;
	else
		p->tail = x->prev;
	x->fd = -1;
	x->seq++;
	x->next = p->free;
	p->free = i;
	p->n--;
}

/* Closes what has been idle for timeout_ms, oldest first. Under lock. */
static void
park_sweep(struct fcgi_park *p, int64_t now)
{
	struct fcgi_park_entry *x;
	int bound;

	for (bound = p->n; bound > 0 && p->head != -1; bound--) {
		x = &p->e[p->head];
		/* the oldest first; one being armed is the newest */
		if (now - atomic_load(&x->since) < p->timeout_ms)
			break;
		log_info("closed an idle FastCGI connection "
			 "(keepalive_timeout) after %u requests",
		    x->served);
		close(x->fd);
		park_unlink(p, p->head);
	}
}

/*
 * A nudge taken (PARK_NUDGE, now disarmed): one read (a semaphore: the
 * count goes down by one, so a second nudge still pending wakes the
 * next waiter once armed again), armed again. A
 * waiting serving thread takes it (counted: it looks for the work), or
 * the reserve thread, which passes it on if work is still pending and
 * a thread waits (one that counts itself later sees the count).
 */
static void
park_took_nudge(struct fcgi_park *p, int counted)
{
	uint64_t v;

	while (read(p->nudgefd, &v, sizeof(v)) == -1 && errno == EINTR)
		;
	if (park_arm_nudge(p, EPOLL_CTL_MOD) == -1)
		log_warn("epoll_ctl: the nudge eventfd");
	if (!counted && atomic_load(&p->pending) > 0 &&
	    atomic_load(&p->waiting) > 0)
		park_signal(p->nudgefd);
}

/*
 * One event of the set within ms: fcgi_park_wait() (counted, a serving
 * thread) or fcgi_park_take() (not counted, the reserve thread).
 */
static int
park_event(struct fcgi_park *p, int ms, int counted, int *fd, unsigned *served)
{
	struct epoll_event ev;
	struct fcgi_park_entry *x;
	uint32_t i;
	int rc, e;

	*fd = -1;
	*served = 0;
	if (counted) {
		/*
		 * Counted before the flags are read (fcgi_park_leave_listen,
		 * fcgi_park_nudge): one side always sees the other.
		 */
		atomic_fetch_add(&p->waiting, 1);
		if (atomic_load(&p->pending) > 0) {
			atomic_fetch_sub(&p->waiting, 1);
			return 0;
		}
		if (atomic_load(&p->listen_off) &&
		    atomic_exchange(&p->listen_off, 0) &&
		    park_arm_listen(p, EPOLL_CTL_MOD) == -1) {
			e = errno;
			atomic_fetch_sub(&p->waiting, 1);
			errno = e;
			return -1;
		}
	}
	rc = epoll_wait(p->epfd, &ev, 1, ms);
	e = errno;
	if (counted)
		atomic_fetch_sub(&p->waiting, 1);
	if (rc == -1) {
		errno = e;
		return e == EINTR ? 0 : -1;
	}
	if (rc == 0 || ev.data.u64 == PARK_WAKE)
		return 0;
	if (ev.data.u64 == PARK_NUDGE) {
		park_took_nudge(p, counted);
		return 0;
	}
	if (ev.data.u64 == PARK_LISTEN)
		return 1;
	pthread_mutex_lock(&p->lock);
	i = (uint32_t)ev.data.u64;
	x = i < (uint32_t)p->max ? &p->e[i] : NULL;
	if (x != NULL && x->fd != -1 &&
	    x->seq == (uint32_t)(ev.data.u64 >> 32)) {
		*fd = x->fd;
		*served = x->served;
		park_unlink(p, (int)i);
	}
	/* else: closed as idle on the way here */
	pthread_mutex_unlock(&p->lock);
	return *fd != -1;
}

int
fcgi_park_wait(struct fcgi_park *p, int ms, int *fd, unsigned *served)
{
	return park_event(p, ms, 1, fd, served);
}

int
fcgi_park_take(struct fcgi_park *p, int *fd, unsigned *served)
{
	return park_event(p, 0, 0, fd, served);
}

int
fcgi_park_idle(struct fcgi_park *p)
{
	return atomic_load_explicit(&p->waiting, memory_order_relaxed);
}

void
fcgi_park_wake(struct fcgi_park *p)
{
	park_signal(p->wakefd);
}

void
fcgi_park_nudge(struct fcgi_park *p)
{
	/* Counted before the signal: see park_event(). */
	atomic_fetch_add(&p->pending, 1);
	park_signal(p->nudgefd);
}

void
fcgi_park_nudged(struct fcgi_park *p)
{
	atomic_fetch_sub(&p->pending, 1);
}

int
fcgi_park_pending(struct fcgi_park *p)
{
	return atomic_load_explicit(&p->pending, memory_order_relaxed);
}

void
fcgi_park_sweep(struct fcgi_park *p)
{
	pthread_mutex_lock(&p->lock);
	if (p->n > 0)
		park_sweep(p, scoreboard_now_ms());
	pthread_mutex_unlock(&p->lock);
}

int
fcgi_park_leave_listen(struct fcgi_park *p)
{
	/*
	 * Set before the count is read; a waiter counts itself before it
	 * reads the flag (park_event): one of the two sees the other, so
	 * the socket is never left disarmed with a thread waiting.
	 */
	atomic_store(&p->listen_off, 1);
	if (atomic_load(&p->waiting) > 0 && atomic_exchange(&p->listen_off, 0))
		return park_arm_listen(p, EPOLL_CTL_MOD);
	return 0;
}

/*
 * The entry is filled and listed under the lock, but armed after it:
 * epoll_ctl(2) is the slowest step and would serialise every thread of
 * the worker behind it. An event that comes at once finds the entry
 * set. While it is armed its time is INT64_MAX, so the sweep cannot
 * close it under the call. If fcgi_park_close() closes it (and the
 * set) meanwhile, the call fails, or acts on a number already reused
 * in a set about to close; either way the entry is found gone and the
 * caller closes nothing.
 */
int
fcgi_park_put(struct fcgi_park *p, int fd, unsigned served, int *added)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT};
	struct fcgi_park_entry *x;
	int64_t arming = INT64_MAX;
	uint32_t seq;
	int i, epfd, e;

	pthread_mutex_lock(&p->lock);
	if (p->closed || (i = p->free) == -1) {
		pthread_mutex_unlock(&p->lock);
		return -1;
	}
	x = &p->e[i];
	seq = x->seq;
	x->fd = fd;
	x->served = served;
	atomic_store(&x->since, INT64_MAX);
	p->free = x->next;
	x->prev = p->tail;
	x->next = -1;
	if (p->tail != -1)
		p->e[p->tail].next = i;
	else
		p->head = i;
	p->tail = i;
	p->n++;
	epfd = p->epfd;
	pthread_mutex_unlock(&p->lock);

	ev.data.u64 = (uint64_t)seq << 32 | (uint32_t)i;
	if (epoll_ctl(epfd, *added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) ==
	    0) {
		*added = 1;
		/* unless taken and parked again meanwhile: then it is new */
		atomic_compare_exchange_strong(
		    &x->since, &arming, scoreboard_now_ms());
		return 0;
	}
	e = errno;
	pthread_mutex_lock(&p->lock);
	if (x->fd == fd && x->seq == seq) {
		park_unlink(p, i);
		pthread_mutex_unlock(&p->lock);
		errno = e;
		log_warn("epoll_ctl: parking a FastCGI connection");
		return -1;
	}
	/* closed with the park (fcgi_park_close) while being armed */
	pthread_mutex_unlock(&p->lock);
	return 0;
}

int
fcgi_park_rearm(struct fcgi_park *p)
{
	return park_arm_listen(p, EPOLL_CTL_MOD);
}

void
fcgi_park_close(struct fcgi_park *p)
{
	pthread_mutex_lock(&p->lock);
	if (!p->closed) {
		p->closed = 1;
		while (p->head != -1) {
			close(p->e[p->head].fd);
			park_unlink(p, p->head);
		}
		close(p->epfd);
		p->epfd = -1;
	}
	pthread_mutex_unlock(&p->lock);
}

void
fcgi_park_destroy(struct fcgi_park *p)
{
	close(p->nudgefd);
	close(p->wakefd);
	p->nudgefd = p->wakefd = -1;
	pthread_mutex_destroy(&p->lock);
	free(p->e);
	p->e = NULL;
}
