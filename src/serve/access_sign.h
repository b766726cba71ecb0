/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_ACCESS_SIGN_H
#define DLFCGI_ACCESS_SIGN_H

#include "phase.h"

/*
 * ACCESS: signed links. A request whose path needs a link (sign_required,
 * or below a prefix of sign_paths) passes only with a valid link in its
 * QUERY_STRING (sign_verify: MAC, then time, then IP binding); every
 * failure is answered sign_status with the reason ("signature_mac", ...)
 * for the logs, decided before the file is looked at, so the answer
 * never says whether the file exists. Other requests pass (GO_ON).
 */
enum phase_rc access_sign_phase(struct request *r);

#endif
