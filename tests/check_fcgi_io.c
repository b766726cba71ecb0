/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * check_fcgi_io: suite_fcgi (check_fcgi.c) alone, since only it needs
 * write(2), writev(2) and sendfile(2) wrapped (-Wl,--wrap in
 * Makefile.am): every other suite calls the real ones.
 */
#include "autoconfig.h"

#include "check_suites.h"

static Suite *(*const suites[])(void) = {
    suite_fcgi,
};

int
main(void)
{
	return check_run(suites, sizeof(suites) / sizeof(suites[0]));
}
