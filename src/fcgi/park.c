/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The parked connections of a worker and the wait of its idle threads
 * (park.h). Events carry an entry's index and sequence number: a
 * connection closed for idleness while its event was on the way to a
 * thread is recognised as gone, even if its entry was used again.
 */
#include "autoconfig.h"

#include <sys/epoll.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "park.h"
#include "scoreboard.h"

#define PARK_LISTEN UINT64_MAX

static int
park_arm_listen(struct fcgi_park *p, int op)
{
	struct epoll_event ev = {
	    .events = EPOLLIN | EPOLLONESHOT, .data.u64 = PARK_LISTEN};

	return epoll_ctl(p->epfd, op, p->listen_fd, &ev);
}

int
fcgi_park_init(struct fcgi_park *p, int listen_fd, int max, int timeout_s)
{
	int i, e;

	p->listen_fd = listen_fd;
	p->max = max;
	p->timeout_ms = (int64_t)timeout_s * 1000;
	p->closed = 0;
	p->n = 0;
	atomic_init(&p->waiting, 0);
	atomic_init(&p->listen_off, 0);
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
	    park_arm_listen(p, EPOLL_CTL_ADD) == -1) {
		e = errno;
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
		if (now - x->since < p->timeout_ms)
			break;
		log_info("closed an idle FastCGI connection "
			 "(keepalive_timeout) after %u requests",
		    x->served);
		close(x->fd);
		park_unlink(p, p->head);
	}
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
		/* Counted before the flag is read (fcgi_park_leave_listen). */
		atomic_fetch_add(&p->waiting, 1);
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
	pthread_mutex_lock(&p->lock);
	if (rc == 1 && ev.data.u64 != PARK_LISTEN) {
		i = (uint32_t)ev.data.u64;
		x = i < (uint32_t)p->max ? &p->e[i] : NULL;
		if (x != NULL && x->fd != -1 &&
		    x->seq == (uint32_t)(ev.data.u64 >> 32)) {
			*fd = x->fd;
			*served = x->served;
			park_unlink(p, (int)i);
		}
		/* else: closed as idle on the way here */
	}
	if (p->n > 0)
		park_sweep(p, scoreboard_now_ms());
	pthread_mutex_unlock(&p->lock);
	return rc == 1 && (ev.data.u64 == PARK_LISTEN || *fd != -1);
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

int
fcgi_park_put(struct fcgi_park *p, int fd, unsigned served, int *added)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT};
	struct fcgi_park_entry *x;
	int i, rc = -1;

	pthread_mutex_lock(&p->lock);
	if (p->closed || (i = p->free) == -1)
		goto out;
	x = &p->e[i];
	ev.data.u64 = (uint64_t)x->seq << 32 | (uint32_t)i;
	x->fd = fd;
	x->served = served;
	x->since = scoreboard_now_ms();
	/* Armed under the lock: its event cannot find the entry unset. */
	if (epoll_ctl(p->epfd, *added ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd,
		&ev) == -1) {
		log_warn("epoll_ctl: parking a FastCGI connection");
		x->fd = -1;
		goto out;
	}
	*added = 1;
	p->free = x->next;
	x->prev = p->tail;
	x->next = -1;
	if (p->tail != -1)
		p->e[p->tail].next = i;
	else
		p->head = i;
	p->tail = i;
	p->n++;
	rc = 0;
out:
	pthread_mutex_unlock(&p->lock);
	return rc;
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
	pthread_mutex_destroy(&p->lock);
	free(p->e);
	p->e = NULL;
}
