/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * One request: its state set up from the FastCGI parameters, then run
 * through the pipeline (phase.c). Nothing here allocates: the path,
 * headers and body go through fixed buffers.
 */
#include "autoconfig.h"

#include <string.h>

#include "phase.h"
#include "request.h"

_Static_assert(CLIENT_KEY_LEN <= SB_CLIENT_LEN,
    "a client key fits a scoreboard slot whole");

/* The request's strings and clocks; nothing decided yet. */
static void
request_init(struct request *r, const struct request_env *env,
    struct fcgi_conn *c, char *buf, size_t buflen, struct sb_slot *slot)
{
	const struct dl_config *cfg = env->cfg;

	r->env = env;
	r->c = c;
	r->buf = buf;
	r->buflen = buflen;
	r->slot = slot;
	r->fd = -1;
	r->reject = -1;
	r->abort_why = -1;
	r->body_len = -1;
	r->start_ms = scoreboard_now_ms();
	r->request_id = fcgi_param(c, cfg->request_id_param);
	c->slot = slot; /* its waits for room in the socket show there */
	stats_add(&scoreboard_stats(env->sb)->accepted, 1);
	r->method = fcgi_param(c, "REQUEST_METHOD");
	r->path = fcgi_param(c, "PATH_INFO");
	r->client = fcgi_param(c, "REMOTE_ADDR");
	if (r->method == NULL)
		r->method = "-";
	if (r->path == NULL)
		r->path = "";
	/* Known before admission: a HEAD refused by a limit gets no body. */
	r->head = strcmp(r->method, "HEAD") == 0;
	/* The limits count canonical addresses, which fit a slot whole. */
	client_key(r->client, r->key);
	if (r->client == NULL)
		r->client = "-";
	r->dcfg.max_ranges = cfg->max_ranges;
	r->dcfg.cache_control = cfg->cache_control;
	r->dcfg.disposition = cfg->disposition_type;
	r->dcfg.etag_nginx = cfg->etag_nginx;
	r->dcfg.type = cfg->default_type;
	pace_init(&r->pace, cfg, slot, r->start_ms);
}

void
request_first_byte(struct request *r)
{
	if (r->ttfb_ms != 0)
		return;
	r->ttfb_ms = scoreboard_now_ms();
	if (r->slot != NULL)
		scoreboard_first_byte(r->slot, r->ttfb_ms);
}

void
request_wait(struct request *r, enum sb_wait w)
{
	if (r->slot != NULL)
		scoreboard_wait(r->slot, w);
}

int
request_handle(const struct request_env *env, struct fcgi_conn *c, char *buf,
    size_t buflen, struct sb_slot *slot)
{
	struct request r = {0};

	request_init(&r, env, c, buf, buflen, slot);
	return phase_run(&r);
}

int
request_refuse(
    const struct request_env *env, struct fcgi_conn *c, const char *reason)
{
	struct request r = {0};

	request_init(&r, env, c, NULL, 0, NULL);
	r.status = 503;
	r.reason = reason;
	r.reject = STAT_REJ_QUEUE;
	r.retry_after = DL_RETRY_AFTER;
	r.answered = true;
	return phase_run(&r);
}
