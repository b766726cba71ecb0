/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * What the unit suites share (check_util.h): temp trees, a descriptor
 * count, the runner of a check program and the wait-state names.
 *
 * Temp trees: each test case that needs files gets a
 * directory (an unchecked fixture: made and removed in the runner's
 * process, so that it goes even when a test fails) and each test a
 * fresh one inside it (made in the test's checked fixture).
 */
#include "autoconfig.h"

#include <check.h>
#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check_util.h"

const struct check_wait_name check_wait_names[] = {
    {SBW_NONE, "none"},
    {SBW_REQUEST, "request"},
    {SBW_OPEN, "open"},
    {SBW_FILE, "file"},
    {SBW_SOCKET, "socket"},
    {SBW_PACE, "limit_rate"},
    {SBW_DRAIN, "drain"},
};
const int check_nwait_names = NELEM(check_wait_names);

/* Removes one entry of the temp tree (nftw callback, depth first). */
static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void
check_rm_rf(const char *dir)
{
	ck_assert_int_eq(nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}

char check_case_dir[64];

void
check_case_setup(void)
{
	snprintf(
	    check_case_dir, sizeof(check_case_dir), "/tmp/dlfcgi-check-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(check_case_dir));
}

void
check_case_teardown(void)
{
	check_rm_rf(check_case_dir);
}

void
check_test_dir(char *dir, size_t len)
{
	snprintf(dir, len, "%s/t-XXXXXX", check_case_dir);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

int
check_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

int
check_run(Suite *(*const suites[])(void), size_t n)
{
	SRunner *sr;
	size_t i;
	int failed;

	if (n == 0)
		return EXIT_FAILURE;
	sr = srunner_create(suites[0]());
	for (i = 1; i < n; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
