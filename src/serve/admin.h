/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_ADMIN_H
#define DLFCGI_ADMIN_H

#include <stdbool.h>

#include "config.h"
#include "phase.h"

/*
 * The admin pages: status_path, metrics_path and ping_path, matched
 * whole against PATH_INFO before any file is looked up, answered in
 * ADMIT before the per-client limits (so a scraper is never refused by
 * them and never counted), with or without a slot (the reserve thread
 * of worker.c answers them when every thread is busy). A client
 * outside status_allowed gets the 404 of a missing file.
 */
enum admin_page {
	ADMIN_NONE,
	ADMIN_STATUS,
	ADMIN_METRICS,
	ADMIN_PING,
};

/* Which page path names (NULL: none). Pure. */
enum admin_page admin_match(const struct dl_config *cfg, const char *path);

/*
 * True if client (REMOTE_ADDR; canonical or not) is inside
 * status_allowed. Anything that is not an IP address is refused.
 */
bool admin_allowed(const struct dl_config *cfg, const char *client);

/*
 * True if an Accept header value asks for OpenMetrics (names
 * application/openmetrics-text). Pure.
 */
bool admin_wants_openmetrics(const char *accept);

/* ADMIT row: an admin page decided (answered), or GO_ON. */
enum phase_rc admin_phase(struct request *r);
/* RESPOND row: the page of r->admin, or GO_ON. */
enum phase_rc admin_respond(struct request *r);

#endif
