/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_HANDLER_FILE_H
#define DLFCGI_HANDLER_FILE_H

#include "phase.h"

/*
 * CONTENT: a file beneath root. OPTIONS is answered 204 and methods
 * other than GET and HEAD 405, before anything is opened; then
 * PATH_INFO is resolved (path.c: 403/404/414/503/500 as the policy
 * says), max_conns_per_file_per_ip checked (503), and the answer
 * decided (decide.c: 200, 206, 304, 412, 416) and its headers
 * formatted. DONE with r->plan set, or ANSWER with a status.
 */
enum phase_rc handler_file_content(struct request *r);

/*
 * RESPOND for the file handler's answers: the headers, then the body
 * (body.c) and, after a 200 or 206, the check that the file did not
 * change. Declines anything else. DONE, or ABORT.
 */
enum phase_rc handler_file_respond(struct request *r);

#endif
