/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The ACCESS handler of signed links (dlfcgi(8) SIGNED LINKS): it only
 * gathers the facts (path, query, client, clock, keys) for sign_verify,
 * and hands what a valid link carries to the phases after it: dl to the
 * headers, rate to the pacing, pfx to the file handler.
 */
#include "autoconfig.h"

#include <string.h>
#include <time.h>

#include "access_sign.h"
#include "signkeys.h"

enum phase_rc
access_sign_phase(struct request *r)
{
	const struct dl_config *cfg = r->env->cfg;
	struct sign_policy pol = {
	    .keys = &cfg->sign_keys,
	    .max_lifetime = cfg->sign_max_lifetime,
	    .skew = cfg->sign_clock_skew,
	    .prefix4 = cfg->sign_ip_prefix4,
	    .prefix6 = cfg->sign_ip_prefix6,
	};
	struct sign_query *q = &r->sign;
	enum sign_result res;
	const char *qs;

	if (!config_sign_needed(cfg, r->path))
		return PHASE_GO_ON;
	qs = fcgi_param(r->c, "QUERY_STRING");
	pol.now = (int64_t)time(NULL);
	res = sign_verify(
	    &pol, r->path, qs, qs != NULL ? strlen(qs) : 0, r->client, q);
	if (res == SIGN_OK) {
		r->sign_ok = true;
		if (q->p.dl != NULL && q->p.dl[0] != '\0')
			r->dcfg.filename = q->p.dl;
		if (q->p.has_rate)
			pace_set_link_rate(&r->pace, q->p.rate);
		return PHASE_GO_ON;
	}
	r->status = cfg->sign_status;
	r->reason = sign_result_reason(res);
	r->reject = STAT_REJ_SIGNATURE;
	r->retry_after = 0;
	return PHASE_ANSWER;
}
