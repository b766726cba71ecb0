/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The access-log record of a request, and its error-log line.
 */
#include "autoconfig.h"

#include <inttypes.h>
#include <unistd.h>

#include "accesslog.h"
#include "log.h"
#include "reqlog.h"
#include "scoreboard.h"
#include "stats.h"

void
reqlog_write(const struct reqlog *rl)
{
	struct access_entry e = {
	    .client = rl->client,
	    .method = rl->method,
	    .path = rl->path,
	    .status = rl->status,
	    .range = rl->range,
	    .sent = rl->sent,
	    .ms = (long)(scoreboard_now_ms() - rl->start_ms),
	    .reason = rl->reason,
	};
	struct access_detail d = {
	    .body_len = rl->body_len,
	    .complete = !rl->aborted,
	    .ttfb_ms =
		rl->ttfb_ms > 0 ? (long)(rl->ttfb_ms - rl->start_ms) : -1,
	    .reason_kind = rl->reason == NULL ? NULL
		: rl->aborted		      ? "aborted"
					      : "refused",
	    .reason_code = rl->abort_why >= 0
		? stats_abort_name((enum stat_abort)rl->abort_why)
		: rl->reject >= 0
		? stats_reject_name((enum stat_reject)rl->reject)
		: NULL,
	    .pid = rl->json ? getpid() : 0, /* only the JSON line has it */
	    .request_id = rl->request_id,
	};
	char path[512], client[192], method[96];

	if (rl->json)
		accesslog_write_json(&e, &d);
	else
		accesslog_write(&e);
	/* Peer-supplied fields escaped as in the access log. */
	accesslog_escape_token(rl->client, client, sizeof(client));
	accesslog_escape_token(rl->method, method, sizeof(method));
	if (rl->reason != NULL)
		log_info("%s \"%s %s\" %d: %s", client, method,
		    accesslog_escape(rl->path, path, sizeof(path)), rl->status,
		    rl->reason);
	else if (!accesslog_enabled())
		log_debug("%s \"%s %s\" %d %jd", client, method,
		    accesslog_escape(rl->path, path, sizeof(path)), rl->status,
		    (intmax_t)rl->sent);
}

enum phase_rc
reqlog_phase(struct request *r)
{
	struct reqlog rl = {
	    .method = r->method,
	    .path = r->path,
	    .client = r->client,
	    .status = r->status,
	    .sent = r->sent,
	    .range = r->range,
	    .reason = r->reason,
	    .start_ms = r->start_ms,
	    .json = r->env->cfg->access_log_json,
	    .aborted = r->aborted,
	    .body_len = r->body_len,
	    .ttfb_ms = r->ttfb_ms,
	    .reject = r->reject,
	    .abort_why = r->abort_why,
	    .request_id = r->request_id,
	};

	reqlog_write(&rl);
	return PHASE_GO_ON;
}
