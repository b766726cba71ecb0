#ifndef DLFCGI_WORKER_H
#define DLFCGI_WORKER_H

#include <signal.h>

#include "request.h"

/*
 * Serves listen_fd with env->cfg->threads threads until *stop becomes
 * non-zero, then lets running requests finish and returns. Returns 0,
 * or -1 if no thread could be started or the listen socket failed.
 */
int worker_run(
    const struct request_env *env, int listen_fd, volatile sig_atomic_t *stop);

#endif
