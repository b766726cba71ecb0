/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * A worker: `threads` threads, each owning one FastCGI connection slot,
 * one scoreboard slot and one transfer buffer, allocated once, before
 * serving. No allocation happens per request in dlfcgi's own code. The
 * connection slots (struct fcgi_conn: a request's parameters live in
 * it) are one array with those of the reserve thread and its holds: a
 * serving thread that takes a held request swaps its slot for the
 * hold's, so the request moves whole and the hold is free at once.
 *
 * Life cycle: everything is allocated and every thread started before
 * any thread accepts; then the worker reports ready to the master. When
 * it stops accepting, for whatever reason, it waits until no thread is
 * waiting for a request, closes the listen socket and the park (its
 * epoll set and kept connections), marks its slots as stopping and
 * tells the master,
 * which starts a replacement at once; then it finishes its requests.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "accesslog.h"
#include "admin.h"
#include "count.h"
#include "fcgi.h"
#include "bounds.h"
#include "listen.h"
#include "slowlog.h"
#include "log.h"
#include "worker.h"

atomic_bool worker_stop;

struct worker_thread {
	pthread_t tid;
	struct worker *w;
	char *buf; /* buffer_size: the body, or a generated page */
	size_t buflen;
	struct fcgi_conn *conn; /* one of worker.conns; swapped on a take */
	struct sb_slot *slot;
};

/*
 * A request the reserve thread holds for a serving thread: its own
 * connection slot (the parameters live there), so that the reserve
 * thread goes on accepting (admin pages) while it waits. state, and
 * conn while the hold is waiting, are under the lock.
 */
enum worker_hold_state {
	HOLD_FREE,    /* the reserve thread may accept into it */
	HOLD_WAITING, /* held: a serving thread may take it */
	HOLD_TAKEN,   /* being refused by the reserve thread */
};

struct worker_hold {
	struct fcgi_conn *conn; /* one of worker.conns */
	int state;		/* enum worker_hold_state */
	int64_t since;		/* accepted at (CLOCK_MONOTONIC ms) */
};

struct worker {
	const struct request_env *env;
	int listen_fd; /* -1 once closed */
	int gen;
	int proc;	       /* scoreboard record, -1 without a master */
	pid_t master;	       /* the master, told about ready and stop */
	atomic_ulong requests; /* served by all threads */
	/* Threads waiting for a request (worker_enter); 0 is told on cond. */
	atomic_int accepting;
	/* Under lock: */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int go;	       /* every thread started: accept */
	int park_live; /* park set up and not destroyed: worker_halt wakes it */
	int failed;
	struct worker_thread *ts; /* n threads, then the reserve thread */
	int n;
	/* n + 1 + WORKER_HOLD_MAX connection slots, owned as said above */
	struct fcgi_conn *conns;
	/* Requests the reserve thread holds (worker_reserve_answer). */
	struct worker_hold holds[WORKER_HOLD_MAX];
	/* Idle threads and kept connections wait here (fcgi/park.h). */
	struct fcgi_park park;
};

/* One per process; the signal thread outlives worker_run(). */
static struct worker worker;

int
worker_listen_queue(int64_t *queue, int64_t *backlog)
{
	struct worker *w = &worker;
	int rc;

	pthread_mutex_lock(&w->lock);
	rc = listen_queue(w->listen_fd, queue, backlog);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

/* Tells the master to look at this worker's record. */
static void
worker_notify(struct worker *w, enum sb_proc_state st)
{
	if (w->proc < 0)
		return;
	scoreboard_proc_set(w->env->sb, w->proc, st);
	/* An orphan's parent is init or a subreaper: never signal it. */
	if (getppid() == w->master && kill(w->master, SIGUSR2) == -1)
		log_warn("kill SIGUSR2 (master %d)", (int)w->master);
}

/* Stops accepting, from any thread. */
static void
worker_halt(struct worker *w, int failed)
{
	pthread_mutex_lock(&w->lock);
	atomic_store(&worker_stop, true);
	if (failed)
		w->failed = 1;
	/* idle threads wait without a timeout: wake them all */
	if (w->park_live)
		fcgi_park_wake(&w->park);
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Waits for the go; 0 if the worker stops instead. */
static int
worker_wait_go(struct worker *w)
{
	int go;

	pthread_mutex_lock(&w->lock);
	while (!w->go && !atomic_load(&worker_stop))
		pthread_cond_wait(&w->cond, &w->lock);
	go = !atomic_load(&worker_stop);
	pthread_mutex_unlock(&w->lock);
	return go;
}

/* Leaves the wait; the last one out of a stopping worker says so. */
static void
worker_leave(struct worker *w)
{
	if (atomic_fetch_sub(&w->accepting, 1) == 1 &&
	    atomic_load(&worker_stop)) {
		pthread_mutex_lock(&w->lock);
		pthread_cond_broadcast(&w->cond);
		pthread_mutex_unlock(&w->lock);
	}
}

/*
 * Enters a wait for a request unless stopping: the sockets stay open
 * while any thread is inside. No lock on this path, taken once per
 * request: counted first, then the flag read; worker_unlisten() sets
 * the flag first, then waits for the count to be 0 (one of the two
 * sees the other).
 */
static int
worker_enter(struct worker *w)
{
	atomic_fetch_add(&w->accepting, 1);
	if (!atomic_load(&worker_stop))
		return 1;
	worker_leave(w);
	return 0;
}

static void
worker_count_request(struct worker *w)
{
	/* A count, ordering nothing: relaxed. */
	unsigned long n =
	    atomic_fetch_add_explicit(&w->requests, 1, memory_order_relaxed) +
	    1;
	int max = w->env->cfg->max_requests;

	if (max > 0 && n == (unsigned long)max) {
		log_info(
		    "max_requests (%d) served: recycling this worker", max);
		worker_halt(w, 0);
	}
}

/*
 * Marks the oldest waiting request as taken if it was accepted at or
 * before until (ms; -1: whenever), and returns it; NULL if none. Under
 * the lock.
 */
static struct worker_hold *
worker_hold_take(struct worker *w, int64_t until)
{
	struct worker_hold *h, *old = NULL;
	int i;

	for (i = 0; i < WORKER_HOLD_MAX; i++) {
		h = &w->holds[i];
		if (h->state == HOLD_WAITING &&
		    (old == NULL || h->since < old->since))
			old = h;
	}
	if (old == NULL || (until >= 0 && old->since > until))
		return NULL;
	old->state = HOLD_TAKEN;
	fcgi_park_nudged(&w->park);
	return old;
}

static void
worker_hold_free(struct worker *w, struct worker_hold *h)
{
	pthread_mutex_lock(&w->lock);
	h->state = HOLD_FREE;
	pthread_mutex_unlock(&w->lock);
}

/*
 * A serving thread that is free takes the oldest request the reserve
 * thread holds, if any: it swaps its idle connection slot for the
 * hold's (the request, its parameters, its socket and where it is kept
 * move whole; nothing points into a slot from outside it), so the hold
 * is free again at once, and serves it on its own slot and buffer. 1 if
 * it did.
 */
static int
worker_take_held(struct worker_thread *t)
{
	struct worker *w = t->w;
	struct worker_hold *h;
	struct fcgi_conn *c;

	/* the fast path of every request: nothing held, no lock */
	if (fcgi_park_pending(&w->park) == 0)
		return 0;
	pthread_mutex_lock(&w->lock);
	if ((h = worker_hold_take(w, -1)) != NULL) {
		c = h->conn;
		h->conn = t->conn;
		t->conn = c;
		h->state = HOLD_FREE;
	}
	pthread_mutex_unlock(&w->lock);
	if (h == NULL)
		return 0;
	request_handle(
	    w->env, t->conn, t->buf, (size_t)w->env->cfg->buffer_size, t->slot);
	worker_count_request(w);
	return 1;
}

static void *
worker_thread_main(void *arg)
{
	struct worker_thread *t = arg;
	struct worker *w = t->w;
	const struct dl_config *cfg = w->env->cfg;
	int rc;

	if (!worker_wait_go(w))
		return NULL;
	scoreboard_done(w->env->sb, t->slot); /* SB_IDLE: accepting */
	for (;;) {
		if (worker_take_held(t))
			continue;
		if (!worker_enter(w))
			break;
		rc = fcgi_next(t->conn, &w->park, &worker_stop, cfg);
		worker_leave(w);
		if (rc == -1) {
			log_warn("accept on the FastCGI socket");
			worker_halt(w, 1);
			break;
		}
		if (rc == 1) {
			request_handle(w->env, t->conn, t->buf,
			    (size_t)cfg->buffer_size, t->slot);
			worker_count_request(w);
		}
	}
	return NULL;
}

/*
 * Refuses with 503 the held requests that have waited queue_timeout
 * since their own accept, or all of them once the worker stops. Returns
 * the milliseconds until the next one is due (WORKER_OVERFLOW_POLL_MS
 * at most), so that the reserve thread's wait ends in time for it.
 */
static int
worker_reserve_expire(struct worker *w)
{
	int64_t qt = (int64_t)w->env->cfg->queue_timeout * 1000, now, due;
	bool stop = atomic_load(&worker_stop);
	struct worker_hold *h;
	int i, ms = WORKER_OVERFLOW_POLL_MS;

	for (;;) {
		now = scoreboard_now_ms();
		pthread_mutex_lock(&w->lock);
		h = worker_hold_take(w, stop ? -1 : now - qt);
		pthread_mutex_unlock(&w->lock);
		if (h == NULL)
			break;
		request_refuse(w->env, h->conn,
		    stop ? "all threads busy, and the worker is stopping"
			 : "all threads busy for queue_timeout");
		worker_hold_free(w, h);
	}
	pthread_mutex_lock(&w->lock);
	for (i = 0; i < WORKER_HOLD_MAX; i++)
		if (w->holds[i].state == HOLD_WAITING) {
			due = w->holds[i].since + qt - now;
			if (due < ms)
				ms = due < 1 ? 1 : (int)due;
		}
	pthread_mutex_unlock(&w->lock);
	return ms;
}

/* A free hold, or NULL. Only the reserve thread fills holds: no race. */
static struct worker_hold *
worker_hold_free_one(struct worker *w)
{
	struct worker_hold *h = NULL;
	int i;

	pthread_mutex_lock(&w->lock);
	for (i = 0; i < WORKER_HOLD_MAX && h == NULL; i++)
		if (w->holds[i].state == HOLD_FREE)
			h = &w->holds[i];
	pthread_mutex_unlock(&w->lock);
	return h;
}

/*
 * A request on a kept connection, taken from the park while no serving
 * thread of this worker waited there: read into a free hold (*hp), or
 * into t's own slot if every hold is in use. If a thread has come to
 * wait meanwhile, the connection goes back to the park for it. Returns
 * the connection with a request read, or NULL.
 */
static struct fcgi_conn *
worker_reserve_parked(
    struct worker_thread *t, int fd, unsigned served, struct worker_hold **hp)
{
	struct worker *w = t->w;
	struct fcgi_conn *c;
	int added = 1;

	if (fcgi_park_idle(&w->park) > 0 &&
	    fcgi_park_put(&w->park, fd, served, &added) == 0)
		return NULL;
	*hp = worker_hold_free_one(w);
	c = *hp != NULL ? (*hp)->conn : t->conn;
	return fcgi_take_parked(c, &w->park, fd, served, w->env->cfg) == 1
	    ? c
	    : NULL;
}

/*
 * One look of the reserve thread (inside worker_enter()), waiting at
 * most ms. When no serving thread of this worker waits in the park, it
 * watches the park too (a request on a kept connection); when no slot
 * of the whole pool is idle, the listen socket. Takes one request into
 * a free hold (*hp), or into t's own slot if every hold is in use (*hp
 * NULL). Returns the connection with a request read, or NULL; *since is
 * when the request arrived.
 */
static struct fcgi_conn *
worker_reserve_step(
    struct worker_thread *t, int ms, struct worker_hold **hp, int64_t *since)
{
	struct worker *w = t->w;
	struct pollfd pfd[2];
	struct fcgi_conn *c;
	unsigned served;
	int n = 0, lis = -1, prk = -1, fd;

	*hp = NULL;
	if (fcgi_park_idle(&w->park) == 0) {
		pfd[prk = n++] =
		    (struct pollfd){.fd = w->park.epfd, .events = POLLIN};
		if (scoreboard_count(w->env->sb, SB_IDLE) == 0)
			pfd[lis = n++] = (struct pollfd){
			    .fd = w->listen_fd, .events = POLLIN};
	}
	if (poll(n > 0 ? pfd : NULL, (nfds_t)n, ms) <= 0)
		return NULL;
	*since = scoreboard_now_ms();
	if (prk != -1 && pfd[prk].revents != 0 &&
	    fcgi_park_take(&w->park, &fd, &served) == 1) {
		if (fd != -1)
			return worker_reserve_parked(t, fd, served, hp);
		/* the listen socket: taken below, or by an idle thread */
		if (fcgi_park_leave_listen(&w->park) == -1)
			log_warn("epoll_ctl: the listen socket in the park");
	}
	/* a thread that became idle meanwhile takes the connection */
	if (lis == -1 || pfd[lis].revents == 0 ||
	    scoreboard_count(w->env->sb, SB_IDLE) > 0)
		return NULL;
	*hp = worker_hold_free_one(w);
	c = *hp != NULL ? (*hp)->conn : t->conn;
	return fcgi_accept_now(c, &w->park, w->env->cfg) == 1 ? c : NULL;
}

/*
 * The reserve thread's answer to what it accepted: an admin page (or a
 * request flagged while reading) at once, without a slot; any other
 * request is held (h) for a serving thread that frees up
 * (worker_take_held) and refused with 503 once it has waited
 * queue_timeout from its own accept (worker_reserve_expire); with
 * every hold in use (h NULL) it is refused at once.
 */
static void
worker_reserve_answer(struct worker_thread *t, struct fcgi_conn *c,
    struct worker_hold *h, int64_t since)
{
	struct worker *w = t->w;

	if (c->refuse_status != 0 ||
	    admin_match(w->env->cfg, fcgi_param(c, "PATH_INFO")) !=
		ADMIN_NONE) {
		request_handle(w->env, c, t->buf, t->buflen, NULL);
		return;
	}
	if (h == NULL) {
		request_refuse(w->env, c,
		    "all threads busy, and as many requests as the reserve "
		    "thread holds already wait");
		return;
	}
	pthread_mutex_lock(&w->lock);
	h->since = since;
	h->state = HOLD_WAITING;
	/* a serving thread idle meanwhile takes it (worker_take_held) */
	fcgi_park_nudge(&w->park);
	pthread_mutex_unlock(&w->lock);
}

/*
 * The reserve thread: when no thread of the whole pool is idle it
 * takes each waiting connection at once, so that the status page, the
 * metrics and the ping are answered however busy the pool is, even
 * while it holds other requests; those wait at most queue_timeout each,
 * then get 503. Once the worker stops, the requests still held get 503
 * (the serving threads, joined first, finish those they took).
 */
static void *
worker_reserve_main(void *arg)
{
	struct worker_thread *t = arg;
	struct worker *w = t->w;
	struct worker_hold *h;
	struct fcgi_conn *c;
	int64_t since = 0;
	int ms = WORKER_OVERFLOW_POLL_MS;

	if (!worker_wait_go(w))
		return NULL;
	while (worker_enter(w)) {
		c = worker_reserve_step(t, ms, &h, &since);
		worker_leave(w);
		if (c != NULL)
			worker_reserve_answer(t, c, h, since);
		ms = worker_reserve_expire(w);
		/* idle threads wait without a timeout: the sweep is here */
		fcgi_park_sweep(&w->park);
	}
	worker_reserve_expire(w);
	return NULL;
}

void
worker_sigset(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGQUIT);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGUSR1);
}

/*
 * Without a master: one look of the slow log at the slots, then a
 * signal or the next look, whichever comes first. The signal, or -1.
 */
static int
worker_slow_wait(struct worker *w, const sigset_t *set)
{
	const struct dl_config *cfg = w->env->cfg;
	int64_t now = scoreboard_now_ms(), due;
	struct timespec ts = {0, 0};

	due = slowlog_scan(
	    w->env->sb, cfg->slowlog_ttfb, cfg->slowlog_stall, now);
	if (due > now) {
		ts.tv_sec = (due - now) / 1000;
		ts.tv_nsec = (long)((due - now) % 1000) * 1000000;
	} else
		ts.tv_sec = 1;
	return sigtimedwait(set, NULL, &ts);
}

/* Takes the signals blocked in every thread, synchronously. */
static void *
worker_signals(void *arg)
{
	struct worker *w = arg;
	sigset_t set;
	int sig;

	worker_sigset(&set);
	for (;;) {
		if (w->proc < 0 && slowlog_enabled()) {
			/* no master: this thread is the slow log's watcher */
			if ((sig = worker_slow_wait(w, &set)) == -1)
				continue;
		} else if (sigwait(&set, &sig) != 0)
			continue;
		switch (sig) {
		case SIGTERM:
		case SIGINT:
			log_info(
			    "signal %d: stopping after running requests", sig);
			worker_halt(w, 0);
			break;
		case SIGQUIT:
			log_info("SIGQUIT: stopping now");
			/* with a master, it counts what its kill cuts */
			if (w->proc < 0) {
				count_shutdown(w->env->sb, getpid());
				listen_unlink_created();
			}
			_exit(0);
		case SIGUSR1:
			/* Logged, so that a rotation can tell it took effect. */
			if ((log_reopen() | accesslog_reopen() |
				slowlog_reopen()) == 0)
				log_info("logs reopened");
			break;
		default:
			break;
		}
	}
	return NULL;
}

static int
worker_thread_init(struct worker_thread *t, struct worker *w, size_t buflen,
    struct fcgi_conn *c)
{
	t->w = w;
	t->buflen = buflen;
	t->conn = c;
	if ((t->buf = malloc(buflen)) == NULL) {
		log_warn("malloc %zu bytes", buflen);
		return -1;
	}
	return 0;
}

/*
 * Once no thread waits for a request any more (fcgi_next(), the
 * reserve thread's look): closes the listen socket and the park (its
 * epoll set and the kept connections waiting there: the web server
 * retries a request on another), so that nothing queues behind this
 * worker and, once the master is gone too, a new dlfcgi can bind the
 * address; then tells the master.
 */
static void
worker_unlisten(struct worker *w)
{
	int fd;

	scoreboard_retire(w->env->sb, getpid());
	pthread_mutex_lock(&w->lock);
	while (atomic_load(&w->accepting) > 0)
		pthread_cond_wait(&w->cond, &w->lock);
	fd = w->listen_fd;
	w->listen_fd = -1;
	pthread_mutex_unlock(&w->lock);
	/*
	 * No thread waits in the park's epoll set now, and none will again:
	 * it can be closed under the serving threads (a request ending
	 * later is not parked: fcgi_park_put() refuses once closed).
	 */
	fcgi_park_close(&w->park);
	if (fd != -1 && close(fd) == -1)
		log_warn("close the FastCGI socket");
	/* Without a master, the socket file goes now: a new dlfcgi may
	 * take the path while the downloads finish. */
	if (w->proc < 0)
		listen_unlink_created();
	log_info("stopped accepting; running requests finish");
	worker_notify(w, w->failed ? SBP_FAILED : SBP_STOPPED);
}

/* The park goes; the signal thread, which outlives it, stops waking it. */
static void
worker_park_destroy(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	w->park_live = 0;
	pthread_mutex_unlock(&w->lock);
	fcgi_park_destroy(&w->park);
}

int
worker_run(const struct request_env *env, int listen_fd, int gen, int proc)
{
	struct worker *w = &worker;
	struct worker_thread *ts;
	struct fcgi_conn *conns;
	pthread_attr_t attr;
	pthread_t sigtid;
	size_t buflen;
	int i, n = env->cfg->threads, nalloc = 0, started = 0, e, fl;
	int over_ok = 0;
	pid_t owner = proc < 0 ? 0 : -(pid_t)(proc + 1);

	atomic_store(&worker_stop, false);
	atomic_init(&w->accepting, 0);
	w->env = env;
	w->listen_fd = listen_fd;
	w->gen = gen;
	w->proc = proc;
	w->master = getppid();
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	/* Idle threads poll, then accept without blocking. */
	if ((fl = fcntl(listen_fd, F_GETFL)) == -1 ||
	    fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		log_warn("fcntl O_NONBLOCK on the FastCGI socket");
		goto early;
	}
	if (fcgi_park_init(&w->park, listen_fd, env->cfg->keepalive_max,
		env->cfg->keepalive_timeout) == -1) {
		log_warn("epoll set for %d kept connections",
		    env->cfg->keepalive_max);
		goto early;
	}
	w->park_live = 1;
	/* n serving threads, then the reserve thread; then the holds */
	ts = calloc((size_t)n + 1, sizeof(*ts));
	conns = calloc((size_t)n + 1 + WORKER_HOLD_MAX, sizeof(*conns));
	if (ts == NULL || conns == NULL) {
		log_warn("calloc");
		free(ts);
		free(conns);
		fcgi_park_close(&w->park);
		worker_park_destroy(w);
		goto early;
	}
	for (i = 0; i < n + 1 + WORKER_HOLD_MAX; i++) {
		fcgi_conn_init(&conns[i]);
		conns[i].stats = scoreboard_stats(env->sb);
	}
	for (i = 0; i < WORKER_HOLD_MAX; i++) {
		w->holds[i].conn = &conns[n + 1 + i];
		w->holds[i].state = HOLD_FREE;
	}
	w->ts = ts;
	w->conns = conns;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
	if ((e = pthread_create(&sigtid, &attr, worker_signals, w)) != 0) {
		errno = e;
		log_warn("pthread_create");
		pthread_attr_destroy(&attr);
		free(ts);
		free(conns);
		fcgi_park_close(&w->park);
		worker_park_destroy(w);
		goto early;
	}
	/*
	 * Every allocation before any thread accepts. The parameters live
	 * in the connection slots: the buffer is for bodies and pages only.
	 */
	buflen = (size_t)env->cfg->buffer_size;
	for (nalloc = 0; nalloc < n; nalloc++) {
		if (worker_thread_init(
			&ts[nalloc], w, buflen, &conns[nalloc]) == -1)
			break;
		ts[nalloc].slot =
		    scoreboard_claim(env->sb, owner, getpid(), gen);
		if (ts[nalloc].slot == NULL) {
			log_warnx("no free scoreboard slot");
			free(ts[nalloc].buf);
			break;
		}
	}
	for (; nalloc == n && started < n; started++)
		if ((e = pthread_create(&ts[started].tid, &attr,
			 worker_thread_main, &ts[started])) != 0) {
			errno = e;
			log_warn("pthread_create");
			break;
		}
	/* the reserve thread's buffer: for the admin pages it answers */
	if (started == n &&
	    worker_thread_init(&ts[n], w, buflen, &conns[n]) == 0) {
		if ((e = pthread_create(
			 &ts[n].tid, &attr, worker_reserve_main, &ts[n])) == 0)
			over_ok = 1;
		else {
			errno = e;
			log_warn("pthread_create");
			free(ts[n].buf);
		}
	}
	pthread_attr_destroy(&attr);
	if (!over_ok) {
		log_warnx("started %d of %d threads; stopping", started, n);
		worker_halt(w, 1);
	} else {
		pthread_mutex_lock(&w->lock);
		w->go = 1;
		pthread_cond_broadcast(&w->cond);
		pthread_mutex_unlock(&w->lock);
		log_info("serving with %d threads, %d-byte buffers", n,
		    env->cfg->buffer_size);
		worker_notify(w, SBP_READY);
	}

	pthread_mutex_lock(&w->lock);
	while (!atomic_load(&worker_stop))
		pthread_cond_wait(&w->cond, &w->lock);
	pthread_mutex_unlock(&w->lock);
	worker_unlisten(w);

	for (i = 0; i < nalloc; i++) {
		if (i < started)
			pthread_join(ts[i].tid, NULL);
		scoreboard_release(env->sb, ts[i].slot);
		free(ts[i].buf);
	}
	if (over_ok) {
		pthread_join(ts[n].tid, NULL);
		free(ts[n].buf);
	}
	for (i = 0; i < n + 1 + WORKER_HOLD_MAX; i++)
		fcgi_conn_destroy(&conns[i]);
	w->ts = NULL;
	w->conns = NULL;
	free(ts);
	free(conns);
	worker_park_destroy(w);
	/* The signal thread sleeps in sigwait: it ends with the process. */
	return w->failed ? -1 : 0;
early:
	w->failed = 1;
	w->listen_fd = -1;
	close(listen_fd);
	if (proc < 0)
		listen_unlink_created();
	worker_notify(w, SBP_FAILED);
	return -1;
}
