/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_REQUEST_H
#define DLFCGI_REQUEST_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "fcgi.h"
#include "mime.h"
#include "scoreboard.h"

/* What every request of a process shares, read-only while serving. */
struct request_env {
	const struct dl_config *cfg;
	const struct mime_table *mime;
	int rootfd; /* O_DIRECTORY descriptor of cfg->root */
	struct scoreboard *sb;
	const atomic_bool *stopping; /* the worker stopped accepting, or NULL */
	/* the listen socket's queue and backlog (listen_queue()), or NULL */
	int (*listen_queue)(int64_t *queue, int64_t *backlog);
};

/*
 * Answers the request waiting on c, using buf (buflen bytes, the
 * thread's transfer buffer) for the body, and ends it: cleanly, or by
 * aborting the connection if the body could not be sent whole. Logs
 * one line. Returns the HTTP status sent (0 if aborted before any).
 */
int request_handle(const struct request_env *env, struct fcgi_conn *c,
    char *buf, size_t buflen, struct sb_slot *slot);

/*
 * Answers the request waiting on c with 503 and Retry-After without
 * looking at it (every thread is busy), and ends it. Logs reason.
 */
int request_refuse(
    const struct request_env *env, struct fcgi_conn *c, const char *reason);

#endif
