/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * outq_drain on a unix socket pair: an empty queue at once, a queue the
 * peer never reads (stall, bounded), a deadline, a queue the peer reads
 * in another thread, and a descriptor that is not a socket.
 */
#include "autoconfig.h"

#include <sys/socket.h>

#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"
#include "outq.h"

static int sv[2] = {-1, -1};

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
outq_setup(void)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
}

static void
outq_teardown(void)
{
	close(sv[0]);
	close(sv[1]);
}

static void
put(size_t n)
{
	char b[4096];

	memset(b, 'q', sizeof(b));
	while (n > 0) {
		size_t k = n < sizeof(b) ? n : sizeof(b);

		ck_assert_int_eq(write(sv[0], b, k), (ssize_t)k);
		n -= k;
	}
}

START_TEST(test_empty)
{
	ck_assert_int_eq(outq_drain(sv[0], 1000, 0), OUTQ_EMPTY);
}
END_TEST

START_TEST(test_stalled)
{
	int64_t t0;
	int d;

	put(10000);
	t0 = now_ms();
	ck_assert_int_eq(outq_drain(sv[0], 200, 0), OUTQ_STALLED);
	d = (int)(now_ms() - t0);
	ck_assert_msg(d >= 200 && d < 1000, "stalled after %d ms", d);
}
END_TEST

START_TEST(test_deadline)
{
	int64_t t0 = now_ms();
	int d;

	put(10000);
	ck_assert_int_eq(outq_drain(sv[0], 60000, t0 + 150), OUTQ_DEADLINE);
	d = (int)(now_ms() - t0);
	ck_assert_msg(d >= 150 && d < 1000, "deadline after %d ms", d);
}
END_TEST

static void *
reader(void *arg)
{
	char b[1000];
	size_t left = *(size_t *)arg;
	struct timespec ts = {0, 2000000};
	ssize_t n;

	while (left > 0) {
		nanosleep(&ts, NULL); /* a slow reader: the queue shrinks */
		n = read(sv[1], b, sizeof(b));
		if (n <= 0)
			break;
		left -= (size_t)n;
	}
	return NULL;
}

START_TEST(test_read_by_peer)
{
	size_t n = 50000;
	pthread_t t;

	put(n);
	ck_assert_int_eq(pthread_create(&t, NULL, reader, &n), 0);
	/* slower in all than stall_ms, but never still for that long */
	ck_assert_int_eq(outq_drain(sv[0], 50, 0), OUTQ_EMPTY);
	pthread_join(t, NULL);
}
END_TEST

START_TEST(test_not_a_socket)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(outq_drain(fd, 100, 0), OUTQ_ERROR);
	close(fd);
}
END_TEST

Suite *
suite_outq(void)
{
	Suite *s = suite_create("outq");
	TCase *tc = tcase_create("Core");

	tcase_add_checked_fixture(tc, outq_setup, outq_teardown);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_stalled);
	tcase_add_test(tc, test_deadline);
	tcase_add_test(tc, test_read_by_peer);
	tcase_add_test(tc, test_not_a_socket);
	suite_add_tcase(s, tc);
	return s;
}
