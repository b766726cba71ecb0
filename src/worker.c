/*
 * A worker: `threads` threads, each owning one FastCGI connection slot
 * and one transfer buffer, allocated once, before serving.
 */
#include "autoconfig.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fcgi.h"
#include "limits.h"
#include "log.h"
#include "worker.h"

/* Threads need little stack: no recursion, fixed buffers under 16 KiB. */
#define WORKER_STACK_SIZE (256 * 1024)

struct worker_thread {
	pthread_t tid;
	const struct request_env *env;
	int listen_fd;
	volatile sig_atomic_t *stop;
	char *buf; /* the request, then the body */
	size_t buflen;
	struct fcgi_conn conn;
	int failed;
};

static void *
worker_thread_main(void *arg)
{
	struct worker_thread *t = arg;
	const struct dl_config *cfg = t->env->cfg;
	int rc;

	while (!*t->stop) {
		rc = fcgi_accept(&t->conn, t->listen_fd, t->stop,
		    cfg->request_timeout, cfg->send_timeout,
		    (unsigned char *)t->buf, t->buflen);
		if (rc == -1) {
			log_warn("accept on the FastCGI socket");
			t->failed = 1;
			*t->stop = 1;
			break;
		}
		if (rc == 1)
			request_handle(
			    t->env, &t->conn, t->buf, (size_t)cfg->buffer_size);
	}
	return NULL;
}

int
worker_run(
    const struct request_env *env, int listen_fd, volatile sig_atomic_t *stop)
{
	struct worker_thread *ts;
	pthread_attr_t attr;
	int i, n = env->cfg->threads, started = 0, failed = 0, e, fl;

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
	for (i = 0; i < n; i++) {
		ts[i].env = env;
		ts[i].listen_fd = listen_fd;
		ts[i].stop = stop;
		fcgi_conn_init(&ts[i].conn);
		ts[i].buflen = env->cfg->buffer_size > DL_REQUEST_MAX
		    ? (size_t)env->cfg->buffer_size
		    : DL_REQUEST_MAX;
		if ((ts[i].buf = malloc(ts[i].buflen)) == NULL) {
			log_warn("malloc %zu bytes", ts[i].buflen);
			break;
		}
		if ((e = pthread_create(
			 &ts[i].tid, &attr, worker_thread_main, &ts[i])) != 0) {
			errno = e;
			log_warn("pthread_create");
			free(ts[i].buf);
			break;
		}
		started++;
	}
	pthread_attr_destroy(&attr);
	if (started < n) {
		log_warnx("started %d of %d threads; stopping", started, n);
		*stop = 1;
		failed = 1;
	} else
		log_info("serving with %d threads, %d-byte buffers", n,
		    env->cfg->buffer_size);
	for (i = 0; i < started; i++) {
		pthread_join(ts[i].tid, NULL);
		failed |= ts[i].failed;
		free(ts[i].buf);
	}
	free(ts);
	return failed ? -1 : 0;
}
