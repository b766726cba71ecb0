/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_WORKER_H
#define DLFCGI_WORKER_H

#include <signal.h>
#include <stdatomic.h>

#include "request.h"

/*
 * Serves listen_fd with env->cfg->threads threads, each holding one
 * scoreboard slot, plus one reserve thread that, when no thread of the
 * pool is idle, answers the admin pages at once and holds up to
 * WORKER_HOLD_MAX other requests for a thread that frees up, each
 * answered 503 after queue_timeout from its own accept (doc/DESIGN.md
 * §1.2). Every buffer,
 * slot and thread is set up before any thread accepts. Signals (blocked
 * by the caller in every thread) are taken by a signal thread: TERM and
 * INT stop accepting and let running requests finish, QUIT exits at
 * once, USR1 reopens the logs.
 *
 * proc is the worker's record in the scoreboard (its slots were
 * reserved by the master, see scoreboard_reserve()), or -1 without a
 * master. With a master, the worker sets its record to SBP_READY once
 * it accepts and to SBP_STOPPED or SBP_FAILED once it has stopped
 * accepting, each time followed by SIGUSR2 to its parent if that is
 * still the master.
 *
 * worker_run owns listen_fd: it closes it as soon as the worker stops
 * accepting (TERM, max_requests, orphaned, a failure), before the
 * running requests finish; without a master it also removes the unix
 * socket file it created then. Returns once every request is done: 0,
 * or -1 if the threads could not start or the listen socket failed.
 */
int worker_run(const struct request_env *env, int listen_fd, int gen, int proc);

/*
 * The accept queue of this worker's listen socket (listen_queue()),
 * read under the worker's lock so that it cannot be closed meanwhile:
 * 0, or -1 (both -1) when unknown or closed.
 */
int worker_listen_queue(int64_t *queue, int64_t *backlog);

/* The signals a worker takes: TERM, INT, QUIT, HUP, USR1. */
void worker_sigset(sigset_t *set);

/*
 * Set by any thread of the worker that stops it (the signal thread,
 * max_requests, a failure); cleared by worker_run.
 */
extern atomic_bool worker_stop;

#endif
