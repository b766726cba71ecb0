/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
#ifndef DLFCGI_CHECK_UTIL_H
#define DLFCGI_CHECK_UTIL_H

/*
 * What every unit suite shares (check_util.c): a table's length, a
 * seeded PRNG so that a failure reproduces, temp trees and a
 * descriptor count.
 */
#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "scoreboard.h"

/* The number of rows of a table, as an int (tcase_add_loop_test). */
#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/*
 * xorshift64 (13, 7, 17): the next value of the stream whose state is
 * *x. Seed it with a nonzero constant: the same seed, the same stream,
 * so a failing input is the same on every run.
 */
static inline uint64_t
check_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* rm -rf dir, without a shell; fails the test on error. */
void check_rm_rf(const char *dir);

/*
 * Temp trees: each test case that needs files gets a directory,
 * check_case_dir, made and removed by check_case_setup and
 * check_case_teardown as its unchecked fixture (in the runner's
 * process, so that it goes even when a test fails), and each test a
 * fresh one inside it.
 */
extern char check_case_dir[64];
void check_case_setup(void);
void check_case_teardown(void);
/* Makes a fresh directory inside check_case_dir; its path goes to dir. */
void check_test_dir(char *dir, size_t len);

/* Entries of /proc/self/fd: a test compares it before and after. */
int check_open_fds(void);

/*
 * The documented name of each wait state (enum sb_wait), one row per
 * value in order: what the scoreboard's table, the status page and the
 * slow log are checked against (check_scoreboard.c, check_status.c,
 * check_accesslog.c).
 */
struct check_wait_name {
	enum sb_wait wait;
	const char *name;
};
extern const struct check_wait_name check_wait_names[];
extern const int check_nwait_names;

/*
 * Runs the suites of a check program, n of them, and returns its exit
 * status. Output is TAP (CK_TAP_LOG_FILE_NAME is set to "-" by the test
 * harness) so each test counts on its own.
 */
int check_run(Suite *(*const suites[])(void), size_t n);

#endif
