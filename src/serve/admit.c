/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The ADMIT phase: refusals flagged while reading, per-client limits.
 */
#include "autoconfig.h"

#include "admit.h"

enum phase_rc
admit_refused(struct request *r)
{
	if (r->c->refuse_status == 0)
		return PHASE_GO_ON;
	r->status = r->c->refuse_status;
	r->reason = r->c->refuse_reason;
	/* fcgi_read_request() flags only these two */
	r->reject = r->status == 431 ? STAT_REJ_PARAMS : STAT_REJ_BODY;
	r->retry_after = DL_RETRY_AFTER;
	return PHASE_ANSWER;
}

enum phase_rc
admit_limits(struct request *r)
{
	const struct dl_config *cfg = r->env->cfg;

	switch (scoreboard_admit(r->env->sb, r->slot, r->key,
	    cfg->max_clients_per_ip, cfg->rate_per_ip, cfg->rate_burst,
	    r->start_ms, &r->retry_after)) {
	case SB_GATE_OK:
		break;
	case SB_GATE_BUSY:
		r->status = 503;
		r->retry_after = DL_RETRY_AFTER;
		r->reason = "max_clients_per_ip reached";
		r->reject = STAT_REJ_CLIENT_SLOTS;
		return PHASE_ANSWER;
	case SB_GATE_RATE:
		r->status = 429;
		r->reason = "rate_per_ip exceeded";
		r->reject = STAT_REJ_RATE;
		return PHASE_ANSWER;
	}
	return PHASE_GO_ON;
}
