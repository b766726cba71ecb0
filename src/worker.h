#ifndef DLFCGI_WORKER_H
#define DLFCGI_WORKER_H

#include <signal.h>

#include "request.h"

/*
 * Serves listen_fd with env->cfg->threads threads, each holding one
 * scoreboard slot, plus one overflow thread that answers 503 when every
 * thread of the pool has been busy for queue_timeout. Signals (blocked
 * by the caller in every thread) are taken by a signal thread: TERM and
 * INT stop accepting and let running requests finish, QUIT exits at
 * once, USR1 reopens the logs. Returns when stopped, or after
 * max_requests requests: 0, or -1 if the threads could not start or
 * the listen socket failed.
 */
int worker_run(const struct request_env *env, int listen_fd, int gen);

/* The signals a worker takes: TERM, INT, QUIT, HUP, USR1. */
void worker_sigset(sigset_t *set);

/* Set by worker_run's signal thread; cleared by worker_run. */
extern volatile sig_atomic_t worker_stop;

#endif
