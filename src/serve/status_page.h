/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_STATUS_PAGE_H
#define DLFCGI_STATUS_PAGE_H

/*
 * The ?html status page: one self-contained document (inline CSS and
 * script, no external asset) that reads ?json&full&clients from its own
 * address every two seconds and builds its table with textContent only.
 */
extern const char status_page_html[];

#endif
