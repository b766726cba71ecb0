/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * check_dlfcgi: every unit suite but suite_fcgi (check_fcgi_io.c). A new
 * suite is one check_<module>.c, one line in check_suites.h and one row
 * here.
 */
#include "autoconfig.h"

#include "check_suites.h"

static Suite *(*const suites[])(void) = {
    suite_config,
    suite_path,
    suite_mime,
    suite_httpdate,
    suite_listen,
    suite_etag,
    suite_fcgi_guard,
    suite_peer,
    suite_range,
    suite_cond,
    suite_disposition,
    suite_multipart,
    suite_client,
    suite_escape,
    suite_outq,
    suite_log,
    suite_accesslog,
    suite_scoreboard,
    suite_decide,
    suite_sign,
    suite_pace,
    suite_stats,
    suite_metrics,
    suite_offload,
    suite_sndbuf,
    suite_status,
};

int
main(void)
{
	return check_run(suites, sizeof(suites) / sizeof(suites[0]));
}
