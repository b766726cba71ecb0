/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_ADMIT_H
#define DLFCGI_ADMIT_H

#include "phase.h"

/*
 * ADMIT: a request that fcgi_accept() read but refused (too large, no
 * pipe: fcgi.h) is answered with that status (Retry-After for 503).
 */
enum phase_rc admit_refused(struct request *r);

/*
 * ADMIT: the per-client limits in the scoreboard: max_clients_per_ip
 * (503) and rate_per_ip / rate_burst (429 with the time to wait).
 */
enum phase_rc admit_limits(struct request *r);

#endif
