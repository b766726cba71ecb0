/*
 * Entity tags: format, and that every validator change changes them.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_suites.h"
#include "etag.h"

static struct stat
base(void)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_ino = 0xa720b3;
	st.st_size = 1000;
	st.st_mtim.tv_sec = 0x6b0a71c2;
	st.st_mtim.tv_nsec = 0xaa7a99e;
	return st;
}

START_TEST(test_format)
{
	struct stat st = base();
	char e[ETAG_LEN];

	etag_make(&st, e);
	ck_assert_str_eq(e, "\"a720b3-3e8-6b0a71c2.aa7a99e\"");
	/* strong: no W/, quoted, only etagc characters */
	ck_assert_int_eq(e[0], '"');
	ck_assert_int_eq(e[strlen(e) - 1], '"');
	ck_assert_ptr_null(strchr(e + 1, ' '));
}
END_TEST

START_TEST(test_changes)
{
	struct stat a = base(), b;
	char ea[ETAG_LEN], eb[ETAG_LEN];
	int i;

	etag_make(&a, ea);
	for (i = 0; i < 4; i++) {
		b = a;
		if (i == 0)
			b.st_ino++;
		else if (i == 1)
			b.st_size++;
		else if (i == 2)
			b.st_mtim.tv_sec++;
		else
			b.st_mtim.tv_nsec++;
		etag_make(&b, eb);
		ck_assert_str_ne(ea, eb);
	}
	b = a;
	etag_make(&b, eb);
	ck_assert_str_eq(ea, eb);
}
END_TEST

START_TEST(test_max_values_fit)
{
	struct stat st;
	char e[ETAG_LEN];

	memset(&st, 0xff, sizeof(st));
	st.st_size = INT64_MAX;
	st.st_mtim.tv_sec = INT64_MAX;
	st.st_mtim.tv_nsec = 999999999;
	etag_make(&st, e);
	ck_assert_uint_lt(strlen(e), ETAG_LEN);
	ck_assert_int_eq(e[strlen(e) - 1], '"');
}
END_TEST

Suite *
suite_etag(void)
{
	Suite *s = suite_create("etag");
	TCase *tc = tcase_create("Core");

	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_changes);
	tcase_add_test(tc, test_max_values_fit);
	suite_add_tcase(s, tc);
	return s;
}
