/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * A worker: `threads` threads, each owning one FastCGI connection slot,
 * one scoreboard slot and one transfer buffer, allocated once, before
 * serving. No allocation happens per request in dlfcgi's own code.
 *
 * Life cycle: everything is allocated and every thread started before
 * any thread accepts; then the worker reports ready to the master. When
 * it stops accepting, for whatever reason, it waits until no thread is
 * inside fcgi_accept(), closes the listen socket (and the threads'
 * epoll sets on it), marks its slots as stopping and tells the master,
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
#include <unistd.h>

#include "accesslog.h"
#include "fcgi.h"
#include "bounds.h"
#include "listen.h"
#include "log.h"
#include "worker.h"

atomic_bool worker_stop;

struct worker_thread {
	pthread_t tid;
	struct worker *w;
	char *buf; /* the request, then the body */
	size_t buflen;
	struct fcgi_conn conn;
	struct sb_slot *slot;
};

struct worker {
	const struct request_env *env;
	int listen_fd; /* -1 once closed */
	int gen;
	int proc;	       /* scoreboard record, -1 without a master */
	pid_t master;	       /* the master, told about ready and stop */
	atomic_ulong requests; /* served by all threads */
	/* Under lock: */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int go;	       /* every thread started: accept */
	int accepting; /* threads inside fcgi_accept() */
	int failed;
	struct worker_thread *ts; /* n threads, then the overflow thread */
	int n;
	/* Idle threads and kept connections wait here (fcgi/park.h). */
	struct fcgi_park park;
};

/* One per process; the signal thread outlives worker_run(). */
static struct worker worker;

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

/* Enters fcgi_accept() unless stopping: the listen socket stays open. */
static int
worker_enter(struct worker *w)
{
	int ok;

	pthread_mutex_lock(&w->lock);
	if ((ok = !atomic_load(&worker_stop) && w->listen_fd != -1))
		w->accepting++;
	pthread_mutex_unlock(&w->lock);
	return ok;
}

static void
worker_leave(struct worker *w)
{
	pthread_mutex_lock(&w->lock);
	if (--w->accepting == 0 && atomic_load(&worker_stop))
		pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
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
	while (worker_enter(w)) {
		rc = fcgi_next(&t->conn, &w->park, &worker_stop, cfg);
		worker_leave(w);
		if (rc == -1) {
			log_warn("accept on the FastCGI socket");
			worker_halt(w, 1);
			break;
		}
		if (rc == 1) {
			request_handle(w->env, &t->conn, t->buf,
			    (size_t)cfg->buffer_size, t->slot);
			worker_count_request(w);
		}
	}
	return NULL;
}

/*
 * One look of the overflow thread (inside worker_enter()): 1 with a
 * connection accepted in t->conn, to be refused.
 */
static int
worker_overflow_step(struct worker_thread *t, int64_t *since)
{
	struct worker *w = t->w;
	const struct dl_config *cfg = w->env->cfg;
	struct pollfd pfd = {.fd = w->listen_fd, .events = POLLIN};
	int64_t now;

	if (scoreboard_count(w->env->sb, SB_IDLE) > 0) {
		*since = 0;
		poll(NULL, 0, WORKER_OVERFLOW_POLL_MS);
		return 0;
	}
	if (poll(&pfd, 1, WORKER_OVERFLOW_POLL_MS) <= 0) {
		*since = 0;
		return 0;
	}
	now = scoreboard_now_ms();
	if (*since == 0)
		*since = now;
	if (now - *since < (int64_t)cfg->queue_timeout * 1000) {
		poll(NULL, 0, WORKER_OVERFLOW_POLL_MS);
		return 0;
	}
	/*
	 * since stays: while the pool stays full and the queue
	 * non-empty, the next waiting request is answered at once.
	 */
	return fcgi_accept(&t->conn, w->listen_fd, &worker_stop, cfg) == 1;
}

/*
 * When no thread of the whole pool is idle and a connection has waited
 * in the listen queue for queue_timeout, take it and answer 503: a
 * request never waits unboundedly behind long downloads.
 */
static void *
worker_overflow_main(void *arg)
{
	struct worker_thread *t = arg;
	struct worker *w = t->w;
	int64_t since = 0;
	int rc;

	if (!worker_wait_go(w))
		return NULL;
	while (worker_enter(w)) {
		rc = worker_overflow_step(t, &since);
		worker_leave(w);
		if (rc == 1)
			request_refuse(w->env, &t->conn,
			    "all threads busy for queue_timeout");
	}
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

/* Takes the signals blocked in every thread, synchronously. */
static void *
worker_signals(void *arg)
{
	struct worker *w = arg;
	sigset_t set;
	int sig;

	worker_sigset(&set);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
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
			if (w->proc < 0)
				listen_unlink_created();
			_exit(0);
		case SIGUSR1:
			/* Logged, so that a rotation can tell it took effect. */
			if ((log_reopen() | accesslog_reopen()) == 0)
				log_info("logs reopened");
			break;
		default:
			break;
		}
	}
	return NULL;
}

static int
worker_thread_init(struct worker_thread *t, struct worker *w, size_t buflen)
{
	t->w = w;
	t->buflen = buflen;
	fcgi_conn_init(&t->conn);
	if ((t->buf = malloc(buflen)) == NULL) {
		log_warn("malloc %zu bytes", buflen);
		return -1;
	}
	return 0;
}

/*
 * Once no thread is inside fcgi_accept() any more: closes the listen
 * socket, the park (its epoll set and the kept connections waiting
 * there: the web server retries a request on another) and the overflow
 * thread's epoll set, so that nothing queues behind this worker and,
 * once the master is gone too, a new dlfcgi can bind the address; then
 * tells the master.
 */
static void
worker_unlisten(struct worker *w, int nthreads)
{
	int i, fd;

	scoreboard_retire(w->env->sb, getpid());
	pthread_mutex_lock(&w->lock);
	while (w->accepting > 0)
		pthread_cond_wait(&w->cond, &w->lock);
	fd = w->listen_fd;
	w->listen_fd = -1;
	pthread_mutex_unlock(&w->lock);
	/*
	 * No thread uses an epoll set outside fcgi_accept(), and none will
	 * enter it again: they can be closed under the serving threads.
	 */
	fcgi_park_close(&w->park);
	for (i = 0; i < nthreads; i++)
		if (w->ts[i].conn.epfd != -1) {
			close(w->ts[i].conn.epfd);
			w->ts[i].conn.epfd = -1;
		}
	if (fd != -1 && close(fd) == -1)
		log_warn("close the FastCGI socket");
	/* Without a master, the socket file goes now: a new dlfcgi may
	 * take the path while the downloads finish. */
	if (w->proc < 0)
		listen_unlink_created();
	log_info("stopped accepting; running requests finish");
	worker_notify(w, w->failed ? SBP_FAILED : SBP_STOPPED);
}

int
worker_run(const struct request_env *env, int listen_fd, int gen, int proc)
{
	struct worker *w = &worker;
	struct worker_thread *ts;
	pthread_attr_t attr;
	pthread_t sigtid;
	size_t buflen;
	int i, n = env->cfg->threads, nalloc = 0, started = 0, e, fl;
	int over_ok = 0;
	pid_t owner = proc < 0 ? 0 : -(pid_t)(proc + 1);

	atomic_store(&worker_stop, false);
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
	/* n serving threads, then the overflow thread */
	if ((ts = calloc((size_t)n + 1, sizeof(*ts))) == NULL) {
		log_warn("calloc");
		fcgi_park_close(&w->park);
		fcgi_park_destroy(&w->park);
		goto early;
	}
	w->ts = ts;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
	if ((e = pthread_create(&sigtid, &attr, worker_signals, w)) != 0) {
		errno = e;
		log_warn("pthread_create");
		pthread_attr_destroy(&attr);
		free(ts);
		fcgi_park_close(&w->park);
		fcgi_park_destroy(&w->park);
		goto early;
	}
	/* Every allocation before any thread accepts. */
	buflen = env->cfg->buffer_size > DL_REQUEST_MAX
	    ? (size_t)env->cfg->buffer_size
	    : DL_REQUEST_MAX;
	for (nalloc = 0; nalloc < n; nalloc++) {
		if (worker_thread_init(&ts[nalloc], w, buflen) == -1)
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
	if (started == n &&
	    worker_thread_init(&ts[n], w, DL_REQUEST_MAX) == 0) {
		if ((e = pthread_create(
			 &ts[n].tid, &attr, worker_overflow_main, &ts[n])) == 0)
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
	worker_unlisten(w, over_ok ? n + 1 : started);

	for (i = 0; i < nalloc; i++) {
		if (i < started)
			pthread_join(ts[i].tid, NULL);
		scoreboard_release(env->sb, ts[i].slot);
		fcgi_conn_destroy(&ts[i].conn);
		free(ts[i].buf);
	}
	if (over_ok) {
		pthread_join(ts[n].tid, NULL);
		fcgi_conn_destroy(&ts[n].conn);
		free(ts[n].buf);
	}
	w->ts = NULL;
	free(ts);
	fcgi_park_destroy(&w->park);
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
