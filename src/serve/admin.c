/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The admin pages (admin.h): status, metrics and ping, answered before
 * the limits; the page itself is status.c's or metrics.c's.
 */
#include "autoconfig.h"

#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdio.h>
#include <string.h>

#include "accesslog.h"
#include "admin.h"
#include "log.h"
#include "metrics.h"
#include "out.h"
#include "status.h"

enum admin_page
admin_match(const struct dl_config *cfg, const char *path)
{
	if (path == NULL)
		return ADMIN_NONE;
	if (cfg->status_path != NULL && strcmp(path, cfg->status_path) == 0)
		return ADMIN_STATUS;
	if (cfg->metrics_path != NULL && strcmp(path, cfg->metrics_path) == 0)
		return ADMIN_METRICS;
	if (cfg->ping_path != NULL && strcmp(path, cfg->ping_path) == 0)
		return ADMIN_PING;
	return ADMIN_NONE;
}

bool
admin_allowed(const struct dl_config *cfg, const char *client)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6};

	if (client == NULL)
		return false;
	if (inet_pton(AF_INET, client, &sin.sin_addr) == 1)
		return peer_allowed(cfg->status_allowed, cfg->nstatus_allowed,
		    (struct sockaddr *)&sin);
	if (inet_pton(AF_INET6, client, &sin6.sin6_addr) == 1)
		return peer_allowed(cfg->status_allowed, cfg->nstatus_allowed,
		    (struct sockaddr *)&sin6);
	return false; /* fail closed: "-", a name, garbage */
}

bool
admin_wants_openmetrics(const char *accept)
{
	return accept != NULL &&
	    strcasestr(accept, "application/openmetrics-text") != NULL;
}

enum phase_rc
admin_phase(struct request *r)
{
	const struct dl_config *cfg = r->env->cfg;
	enum admin_page page = admin_match(cfg, r->path);
	char esc[64];

	if (page == ADMIN_NONE)
		return PHASE_GO_ON;
	/* r->key is canonical: an IPv4-mapped address counts as IPv4 */
	if (!admin_allowed(cfg, r->key)) {
		/* exactly what a missing file gets */
		log_info("%s: status_allowed: client %s not allowed",
		    accesslog_escape(r->path, esc, sizeof(esc)), r->key);
		r->status = 404;
		r->reason = "status_allowed: client not allowed";
		r->reject = STAT_REJ_STATUS_DENIED;
		return PHASE_ANSWER;
	}
	if (strcmp(r->method, "GET") != 0 && !r->head) {
		r->status = 405;
		r->reason = "admin page: only GET and HEAD";
		return PHASE_ANSWER;
	}
	if (page == ADMIN_PING && r->env->stopping != NULL &&
	    atomic_load(r->env->stopping)) {
		r->status = 503;
		r->retry_after = DL_RETRY_AFTER;
		r->reason = "ping: this worker is stopping";
		return PHASE_ANSWER;
	}
	r->admin = page;
	r->status = 200;
	return PHASE_ANSWER;
}

enum phase_rc
admin_respond(struct request *r)
{
	const struct dl_config *cfg = r->env->cfg;
	struct status_query q;
	struct out o;
	const char *type;
	bool om = false;
	int64_t lq, lb;
	int n;

	if (r->admin == ADMIN_NONE)
		return PHASE_GO_ON;
	status_query_parse(fcgi_param(r->c, "QUERY_STRING"), &q);
	switch (r->admin) {
	case ADMIN_STATUS:
		type = status_content_type(q.format);
		break;
	case ADMIN_METRICS:
		om = q.format == STATUS_OPENMETRICS ||
		    admin_wants_openmetrics(fcgi_param(r->c, "HTTP_ACCEPT"));
		type = metrics_content_type(om);
		break;
	default:
		type = "text/plain; charset=utf-8";
		break;
	}
	n = snprintf(r->hdr, sizeof(r->hdr),
	    "Status: 200 OK\r\nContent-Type: %s\r\n"
	    "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n"
	    "\r\n",
	    type);
	if (n < 0 || (size_t)n >= sizeof(r->hdr) ||
	    fcgi_hold(r->c, r->hdr, (size_t)n) == -1)
		goto fail;
	r->hdrlen = (size_t)n;
	if (r->head)
		return PHASE_DONE;
	out_init(&o, r->c, r->buf, r->buflen);
	if (r->admin == ADMIN_PING || r->env->listen_queue == NULL ||
	    r->env->listen_queue(&lq, &lb) == -1)
		lq = lb = -1;
	switch (r->admin) {
	case ADMIN_STATUS:
		status_render(&o, r->env->sb, cfg, &q, lq, lb);
		break;
	case ADMIN_METRICS:
		metrics_render(&o, r->env->sb, cfg, om, lq, lb);
		break;
	default:
		out_printf(&o, "%s\n", cfg->ping_response);
		break;
	}
	r->sent = (off_t)o.total;
	if (out_flush(&o) == -1)
		goto fail;
	return PHASE_DONE;
fail:
	r->reason = "could not send the admin page";
	return PHASE_ABORT;
}
