/*
 * A worker: `threads` threads, each owning one FastCGI connection slot,
 * one scoreboard slot and one transfer buffer, allocated once, before
 * serving. No allocation happens per request in dlfcgi's own code.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accesslog.h"
#include "fcgi.h"
#include "limits.h"
#include "listen.h"
#include "log.h"
#include "worker.h"

/* Threads need little stack: no recursion, fixed buffers under 16 KiB. */
#define WORKER_STACK_SIZE (256 * 1024)
/* The overflow thread's look at a full pool, milliseconds. */
#define WORKER_OVERFLOW_POLL_MS 50

volatile sig_atomic_t worker_stop;

struct worker {
	const struct request_env *env;
	int listen_fd;
	int gen;
	unsigned long requests; /* atomic: served by all threads */
	int failed;
};

struct worker_thread {
	pthread_t tid;
	struct worker *w;
	char *buf; /* the request, then the body */
	size_t buflen;
	struct fcgi_conn conn;
	struct sb_slot *slot;
};

static void
worker_count_request(struct worker *w)
{
	unsigned long n = __atomic_add_fetch(&w->requests, 1, __ATOMIC_RELAXED);
	int max = w->env->cfg->max_requests;

	if (max > 0 && n >= (unsigned long)max && !worker_stop) {
		log_info(
		    "max_requests (%d) served: recycling this worker", max);
		worker_stop = 1;
	}
}

static void *
worker_thread_main(void *arg)
{
	struct worker_thread *t = arg;
	struct worker *w = t->w;
	const struct dl_config *cfg = w->env->cfg;
	int rc;

	while (!worker_stop) {
		rc = fcgi_accept(&t->conn, w->listen_fd, &worker_stop, cfg,
		    (unsigned char *)t->buf, t->buflen);
		if (rc == -1) {
			log_warn("accept on the FastCGI socket");
			w->failed = 1;
			worker_stop = 1;
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
 * When no thread of the whole pool is idle and a connection has waited
 * in the listen queue for queue_timeout, take it and answer 503: a
 * request never waits unboundedly behind long downloads.
 */
static void *
worker_overflow_main(void *arg)
{
	struct worker_thread *t = arg;
	struct worker *w = t->w;
	const struct dl_config *cfg = w->env->cfg;
	struct pollfd pfd = {.fd = w->listen_fd, .events = POLLIN};
	int64_t since = 0, now;
	int rc;

	while (!worker_stop) {
		if (scoreboard_count(w->env->sb, SB_IDLE) > 0) {
			since = 0;
			poll(NULL, 0, WORKER_OVERFLOW_POLL_MS);
			continue;
		}
		rc = poll(&pfd, 1, WORKER_OVERFLOW_POLL_MS);
		if (rc <= 0) {
			since = 0;
			continue;
		}
		now = scoreboard_now_ms();
		if (since == 0)
			since = now;
		if (now - since < (int64_t)cfg->queue_timeout * 1000) {
			poll(NULL, 0, WORKER_OVERFLOW_POLL_MS);
			continue;
		}
		rc = fcgi_accept(&t->conn, w->listen_fd, &worker_stop, cfg,
		    (unsigned char *)t->buf, t->buflen);
		/*
		 * since stays: while the pool stays full and the queue
		 * non-empty, the next waiting request is answered at once.
		 */
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
	const struct request_env *env = arg;
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
			worker_stop = 1;
			break;
		case SIGQUIT:
			log_info("SIGQUIT: stopping now");
			if (env->cfg->workers == 0)
				listen_unlink_created();
			_exit(0);
		case SIGUSR1:
			log_reopen();
			accesslog_reopen();
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

int
worker_run(const struct request_env *env, int listen_fd, int gen)
{
	struct worker w = {.env = env, .listen_fd = listen_fd, .gen = gen};
	struct worker_thread *ts, over;
	pthread_attr_t attr;
	pthread_t sigtid;
	size_t buflen;
	int i, n = env->cfg->threads, started = 0, e, fl, over_ok = 0;

	worker_stop = 0;
	/* Idle threads poll, then accept without blocking. */
	if ((fl = fcntl(listen_fd, F_GETFL)) == -1 ||
	    fcntl(listen_fd, F_SETFL, fl | O_NONBLOCK) == -1) {
		log_warn("fcntl O_NONBLOCK on the FastCGI socket");
		return -1;
	}
	if (fcgi_global_init() == -1) {
		log_warnx("FCGX_Init failed");
		return -1;
	}
	if ((ts = calloc((size_t)n, sizeof(*ts))) == NULL) {
		log_warn("calloc");
		return -1;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, WORKER_STACK_SIZE);
	if ((e = pthread_create(&sigtid, &attr, worker_signals, (void *)env)) !=
	    0) {
		errno = e;
		log_warn("pthread_create");
		free(ts);
		return -1;
	}
	buflen = env->cfg->buffer_size > DL_REQUEST_MAX
	    ? (size_t)env->cfg->buffer_size
	    : DL_REQUEST_MAX;
	for (i = 0; i < n; i++) {
		if (worker_thread_init(&ts[i], &w, buflen) == -1)
			break;
		ts[i].slot = scoreboard_claim(env->sb, getpid(), gen);
		if (ts[i].slot == NULL) {
			log_warnx("no free scoreboard slot");
			free(ts[i].buf);
			break;
		}
		if ((e = pthread_create(
			 &ts[i].tid, &attr, worker_thread_main, &ts[i])) != 0) {
			errno = e;
			log_warn("pthread_create");
			scoreboard_release(env->sb, ts[i].slot);
			free(ts[i].buf);
			break;
		}
		started++;
	}
	if (started == n &&
	    worker_thread_init(&over, &w, DL_REQUEST_MAX) == 0) {
		if ((e = pthread_create(
			 &over.tid, &attr, worker_overflow_main, &over)) == 0)
			over_ok = 1;
		else
			free(over.buf);
	}
	pthread_attr_destroy(&attr);
	if (!over_ok) {
		log_warnx("started %d of %d threads; stopping", started, n);
		worker_stop = 1;
		w.failed = 1;
	} else
		log_info("serving with %d threads, %d-byte buffers", n,
		    env->cfg->buffer_size);
	for (i = 0; i < started; i++) {
		pthread_join(ts[i].tid, NULL);
		scoreboard_release(env->sb, ts[i].slot);
		fcgi_conn_destroy(&ts[i].conn);
		free(ts[i].buf);
	}
	if (over_ok) {
		pthread_join(over.tid, NULL);
		fcgi_conn_destroy(&over.conn);
		free(over.buf);
	}
	free(ts);
	/* The signal thread sleeps in sigwait: it ends with the process. */
	return w.failed ? -1 : 0;
}
