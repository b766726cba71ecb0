/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_CHECK_SUITES_H
#define DLFCGI_CHECK_SUITES_H

/*
 * The unit suites, one per module (check_<module>.c). check_dlfcgi runs
 * them all but suite_fcgi, which runs alone in check_fcgi_io: it links
 * with write(2), writev(2) and sendfile(2) wrapped (Makefile.am).
 */
#include <check.h>

#include "check_util.h"

Suite *suite_config(void);
Suite *suite_sign(void);
Suite *suite_path(void);
Suite *suite_mime(void);
Suite *suite_httpdate(void);
Suite *suite_listen(void);
Suite *suite_etag(void);
Suite *suite_fcgi_guard(void);
Suite *suite_peer(void);
Suite *suite_range(void);
Suite *suite_cond(void);
Suite *suite_disposition(void);
Suite *suite_fcgi(void);
Suite *suite_client(void);
Suite *suite_escape(void);
Suite *suite_outq(void);
Suite *suite_log(void);
Suite *suite_multipart(void);
Suite *suite_accesslog(void);
Suite *suite_scoreboard(void);
Suite *suite_decide(void);
Suite *suite_pace(void);
Suite *suite_stats(void);
Suite *suite_metrics(void);
Suite *suite_offload(void);
Suite *suite_sndbuf(void);
Suite *suite_status(void);

#endif
