#ifndef DLFCGI_CHECK_SUITES_H
#define DLFCGI_CHECK_SUITES_H

#include <check.h>
#include <stddef.h>

Suite *suite_config(void);
Suite *suite_path(void);
Suite *suite_mime(void);
Suite *suite_httpdate(void);
Suite *suite_listen(void);
Suite *suite_etag(void);
Suite *suite_fcgi_guard(void);
Suite *suite_peer(void);
Suite *suite_range(void);
Suite *suite_cond(void);
Suite *suite_httpdate_parse(void);
Suite *suite_disposition(void);
Suite *suite_fcgi(void);
Suite *suite_client(void);
Suite *suite_outq(void);
Suite *suite_log(void);

/* rm -rf dir, without a shell (check_tmp.c); fails the test on error. */
void check_rm_rf(const char *dir);

/*
 * The test case's temp directory: check_case_setup and
 * check_case_teardown are its unchecked fixture (check_tmp.c).
 */
extern char check_case_dir[64];
void check_case_setup(void);
void check_case_teardown(void);
/* Makes a fresh directory inside check_case_dir; its path goes to dir. */
void check_test_dir(char *dir, size_t len);

/* Entries of /proc/self/fd: a test compares it before and after. */
int check_open_fds(void);

#endif
