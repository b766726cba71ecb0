/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_RESPOND_H
#define DLFCGI_RESPOND_H

#include "phase.h"

/*
 * RESPOND, the last row: a request answered by a status alone (a
 * refusal, an error, 204, 405, 412) gets its short text answer (no body
 * for HEAD). DONE, or ABORT if it could not be sent.
 */
enum phase_rc respond_status(struct request *r);

#endif
