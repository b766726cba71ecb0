/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Entity tags from etag_make: the strong quoted "INO-SIZE-MTIME.NSEC"
 * format in hex, a change of every validator changes the tag, equal
 * stats give equal tags, and the largest values fit in ETAG_LEN.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <check.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"
#include "etag.h"

static struct stat
mkstat(unsigned long long ino, long long size, long long sec, long nsec)
{
	struct stat st;

	memset(&st, 0, sizeof(st));
	st.st_ino = (ino_t)ino;
	st.st_size = (off_t)size;
	st.st_mtim.tv_sec = (time_t)sec;
	st.st_mtim.tv_nsec = nsec;
	return st;
}

static const struct {
	unsigned long long ino;
	long long size, sec;
	long nsec;
	const char *want;
} rows[] = {
    {0xa720b3, 1000, 0x6b0a71c2, 0xaa7a99e, "\"a720b3-3e8-6b0a71c2.aa7a99e\""},
    {0, 0, 0, 0, "\"0-0-0.0\""},
    {1, 1, 1, 1, "\"1-1-1.1\""},
    {2, 4096, 1700000000, 999999999, "\"2-1000-6553f100.3b9ac9ff\""},
    {UINT64_MAX, INT64_MAX, INT64_MAX, 999999999,
	"\"ffffffffffffffff-7fffffffffffffff-7fffffffffffffff.3b9ac9ff\""},
};

/* etagc (RFC 9110 §8.8.3): %x21 / %x23-7E / obs-text. */
static void
assert_strong(const char *e)
{
	size_t n = strlen(e), i;

	ck_assert_uint_ge(n, 2);
	ck_assert_uint_lt(n, ETAG_LEN);
	ck_assert_int_eq(e[0], '"'); /* no W/ */
	ck_assert_int_eq(e[n - 1], '"');
	for (i = 1; i < n - 1; i++)
		ck_assert_msg(
		    (unsigned char)e[i] == 0x21 || (unsigned char)e[i] >= 0x23,
		    "%s: byte %zu", e, i);
}

START_TEST(test_format)
{
	struct stat st =
	    mkstat(rows[_i].ino, rows[_i].size, rows[_i].sec, rows[_i].nsec);
	char e[ETAG_LEN];

	etag_make(&st, e);
	ck_assert_str_eq(e, rows[_i].want);
	assert_strong(e);
}
END_TEST

/* The tag reads back as the four numbers it was made from. */
START_TEST(test_round_trip)
{
	struct stat st = mkstat(0x123456789abcULL, 0x7654321, 1709164800, 5);
	unsigned long long ino, size, sec;
	unsigned long nsec;
	char e[ETAG_LEN], tail;

	etag_make(&st, e);
	ck_assert_int_eq(sscanf(e, "\"%llx-%llx-%llx.%lx%c", &ino, &size, &sec,
			     &nsec, &tail),
	    5);
	ck_assert_int_eq(tail, '"');
	ck_assert(ino == 0x123456789abcULL);
	ck_assert(size == 0x7654321);
	ck_assert(sec == 1709164800);
	ck_assert_uint_eq(nsec, 5);
}
END_TEST

START_TEST(test_changes)
{
	struct stat a = mkstat(0xa720b3, 1000, 0x6b0a71c2, 0xaa7a99e), b;
	char ea[ETAG_LEN], eb[ETAG_LEN];
	int i;

	etag_make(&a, ea);
	for (i = 0; i < 8; i++) {
		b = a;
		switch (i) {
		case 0:
			b.st_ino++;
			break;
		case 1:
			b.st_size++;
			break;
		case 2:
			b.st_mtim.tv_sec++;
			break;
		case 3:
			b.st_mtim.tv_nsec++;
			break;
		case 4:
			b.st_size = 0; /* truncated */
			break;
		case 5:
			b.st_mtim.tv_sec--; /* mtime set back */
			break;
		case 6:
			b.st_mtim.tv_nsec = 0;
			break;
		case 7:
			b.st_ino = 0;
			break;
		}
		etag_make(&b, eb);
		ck_assert_msg(
		    strcmp(ea, eb) != 0, "change %d: same tag %s", i, ea);
	}
}
END_TEST

/* Only the four validators count: other fields leave the tag alone. */
START_TEST(test_identical)
{
	struct stat a = mkstat(77, 88, 99, 11), b;
	char ea[ETAG_LEN], eb[ETAG_LEN];

	etag_make(&a, ea);
	b = a;
	etag_make(&b, eb);
	ck_assert_str_eq(ea, eb);
	b.st_atim.tv_sec = 12345;
	b.st_ctim.tv_sec = 67890;
	b.st_mode = S_IFREG | 0644;
	b.st_nlink = 3;
	b.st_blocks = 8;
	etag_make(&b, eb);
	ck_assert_str_eq(ea, eb);
	etag_make(&a, eb); /* the same stat, again */
	ck_assert_str_eq(ea, eb);
}
END_TEST

/* Fields run together without ambiguity: the separators keep apart
 * stats whose hex digits concatenate alike. */
START_TEST(test_no_collision)
{
	static const long long v[][4] = {
	    {0x1, 0x23, 0x4, 0x5},
	    {0x12, 0x3, 0x4, 0x5},
	    {0x1, 0x2, 0x34, 0x5},
	    {0x1, 0x23, 0x45, 0x0},
	    {0x1, 0x234, 0x5, 0x0},
	};
	char e[NELEM(v)][ETAG_LEN];
	int i, j;

	for (i = 0; i < NELEM(v); i++) {
		struct stat st = mkstat((unsigned long long)v[i][0], v[i][1],
		    v[i][2], (long)v[i][3]);

		etag_make(&st, e[i]);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(e[i], e[j]);
	}
}
END_TEST

/* The longest tag there can be, and negative values, fit. */
START_TEST(test_max_values_fit)
{
	struct stat st;
	char e[ETAG_LEN];

	memset(&st, 0xff, sizeof(st));
	etag_make(&st, e); /* every field all ones: negative size and time */
	assert_strong(e);
	ck_assert_uint_eq(strlen(e), 1 + 16 + 1 + 16 + 1 + 16 + 1 + 16 + 1);

	st = mkstat(UINT64_MAX, INT64_MAX, INT64_MAX, 999999999);
	memset(e, 'Z', sizeof(e));
	etag_make(&st, e);
	assert_strong(e);
	ck_assert_uint_eq(strlen(e), 1 + 16 + 1 + 16 + 1 + 16 + 1 + 8 + 1);
}
END_TEST

/*
 * A real file, in a directory of the test case (an unchecked fixture,
 * so that it goes even when the test fails).
 */
static char case_file[96];

static void
case_setup(void)
{
	check_case_setup();
	snprintf(case_file, sizeof(case_file), "%s/f", check_case_dir);
}

static void
case_teardown(void)
{
	unlink(case_file); /* may not exist */
	ck_assert_int_eq(rmdir(check_case_dir), 0);
}

/* The tag follows a write. */
START_TEST(test_real_file)
{
	char e1[ETAG_LEN], e2[ETAG_LEN];
	struct stat st;
	struct timespec ts[2];
	int fd;

	fd = open(case_file, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	etag_make(&st, e1);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	/* a distinct mtime even on a coarse clock */
	ts[0].tv_sec = ts[1].tv_sec = 1000000000;
	ts[0].tv_nsec = ts[1].tv_nsec = 123;
	ck_assert_int_eq(futimens(fd, ts), 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	etag_make(&st, e2);
	ck_assert_str_ne(e1, e2);
	ck_assert_ptr_nonnull(strstr(e2, "-1-3b9aca00.7b\""));
	close(fd);
}
END_TEST

Suite *
suite_etag(void)
{
	Suite *s = suite_create("etag");
	TCase *tc = tcase_create("Core");
	TCase *tl = tcase_create("Limits");

	tcase_add_unchecked_fixture(tc, case_setup, case_teardown);
	tcase_set_timeout(tc, 5);
	tcase_set_timeout(tl, 5);
	tcase_add_loop_test(tc, test_format, 0, NELEM(rows));
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_changes);
	tcase_add_test(tc, test_identical);
	tcase_add_test(tc, test_no_collision);
	tcase_add_test(tc, test_real_file);
	tcase_add_test(tl, test_max_values_fit);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tl);
	return s;
}
