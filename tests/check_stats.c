/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The pool's counters (stats.c) and the counting of a request
 * (count.c):
 *
 * - codes: each listed status has its index and back, any other
 *   counts as "other";
 * - label names: lower case [a-z_], distinct, one per enum value;
 * - histograms: a value on a bound goes in that bucket, above the last
 *   into +Inf, the sum in microseconds;
 * - count_abort_errno, count_abort_text: each errno of a failed send to
 *   its reason and its log text;
 * - count_phase: status, served or aborted (why), refused (why),
 *   offloaded, duration, time to first byte;
 * - count_shutdown: the busy slots of a pid (or all) as shutdown
 *   aborts; the counters are shared with a forked child.
 */
#include "autoconfig.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"
#include "count.h"
#include "phase.h"
#include "scoreboard.h"
#include "stats.h"

static const struct {
	int status;
	size_t index;
} code_rows[] = {
    {200, 0},
    {206, 1},
    {304, 2},
    {400, 3},
    {404, 5},
    {416, 10},
    {429, 11},
    {503, 14},
    {204, STAT_CODE_OTHER}, /* OPTIONS: not listed */
    {414, STAT_CODE_OTHER},
    {0, STAT_CODE_OTHER},
    {-1, STAT_CODE_OTHER},
    {999, STAT_CODE_OTHER},
};

START_TEST(test_code_index)
{
	ck_assert_uint_eq(
	    stats_code_index(code_rows[_i].status), code_rows[_i].index);
	if (code_rows[_i].index != STAT_CODE_OTHER)
		ck_assert_int_eq(
		    stats_code(code_rows[_i].index), code_rows[_i].status);
}
END_TEST

/* Every listed status maps to its own index, and back. */
START_TEST(test_code_roundtrip)
{
	size_t i;

	for (i = 0; i < STAT_NCODES; i++) {
		ck_assert_int_gt(stats_code(i), 99);
		ck_assert_uint_eq(stats_code_index(stats_code(i)), i);
	}
	ck_assert_int_eq(stats_code(STAT_CODE_OTHER), 0);
}
END_TEST

static void
check_names(const char *(*name)(int), int n)
{
	const char *a, *b;
	int i, j;

	for (i = 0; i < n; i++) {
		a = name(i);
		ck_assert_ptr_nonnull(a);
		ck_assert_uint_gt(strlen(a), 0);
		ck_assert_msg(
		    strspn(a, "abcdefghijklmnopqrstuvwxyz_") == strlen(a),
		    "label value %s is not [a-z_]", a);
		ck_assert_str_ne(a, "unknown");
		for (j = 0; j < i; j++) {
			b = name(j);
			ck_assert_str_ne(a, b);
		}
	}
	ck_assert_str_eq(name(n), "unknown");
	ck_assert_str_eq(name(-1), "unknown");
}

static const char *
reject_name(int i)
{
	return stats_reject_name((enum stat_reject)i);
}

static const char *
abort_name(int i)
{
	return stats_abort_name((enum stat_abort)i);
}

static const char *
restart_name(int i)
{
	return stats_restart_name((enum stat_restart)i);
}

START_TEST(test_label_names)
{
	check_names(reject_name, STAT_REJ_COUNT);
	check_names(abort_name, STAT_ABT_COUNT);
	check_names(restart_name, STAT_RESTART_COUNT);
	ck_assert_str_eq(abort_name(STAT_ABT_CLIENT_CLOSED), "client_closed");
	ck_assert_str_eq(restart_name(STAT_RESTART_CRASH), "crash");
}
END_TEST

/* A value on a bound is in that bucket (le: less or equal). */
START_TEST(test_histogram)
{
	static struct dl_stats s;
	const int64_t *le = stats_duration_bounds();
	size_t i;

	memset(&s, 0, sizeof(s));
	stats_observe_duration(&s, 0);
	stats_observe_duration(&s, le[0]);
	stats_observe_duration(&s, le[0] + 1);
	stats_observe_duration(&s, le[STAT_HIST_MAX - 1]);
	stats_observe_duration(&s, le[STAT_HIST_MAX - 1] + 1);
	stats_observe_duration(&s, -5); /* a clock step back counts 0 */
	ck_assert_uint_eq(stats_get(&s.duration.le[0]), 3);
	ck_assert_uint_eq(stats_get(&s.duration.le[1]), 1);
	ck_assert_uint_eq(stats_get(&s.duration.le[STAT_HIST_MAX - 1]), 1);
	ck_assert_uint_eq(stats_get(&s.duration.inf), 1);
	ck_assert_uint_eq(stats_get(&s.duration.sum_us),
	    (uint64_t)(le[0] + le[0] + 1 + 2 * le[STAT_HIST_MAX - 1] + 1));
	/* bounds increase, both histograms */
	for (i = 1; i < STAT_HIST_MAX; i++) {
		ck_assert_int_gt(le[i], le[i - 1]);
		ck_assert_int_gt(
		    stats_ttfb_bounds()[i], stats_ttfb_bounds()[i - 1]);
	}
	stats_observe_ttfb(&s, stats_ttfb_bounds()[2]);
	ck_assert_uint_eq(stats_get(&s.ttfb.le[2]), 1);
	ck_assert_uint_eq(stats_get(&s.duration.le[2]), 0);
}
END_TEST

static const struct {
	int err;
	enum stat_abort why;
	const char *text;
} errno_rows[] = {
    {EPIPE, STAT_ABT_CLIENT_CLOSED, "web server closed the connection"},
    {ECONNRESET, STAT_ABT_CLIENT_CLOSED, "web server closed the connection"},
    {ETIMEDOUT, STAT_ABT_SEND_TIMEOUT, "send_timeout expired"},
    /* the file ended early */
    {ENODATA, STAT_ABT_FILE_CHANGED, "file shrank during transfer"},
    /* body_unchanged() failed */
    {ESTALE, STAT_ABT_FILE_CHANGED, "file changed during transfer"},
    {EIO, STAT_ABT_IO_ERROR, "read or write error"},
    {EBADF, STAT_ABT_IO_ERROR, "read or write error"},
    {0, STAT_ABT_IO_ERROR, "read or write error"},
};

START_TEST(test_abort_errno)
{
	ck_assert_int_eq(
	    count_abort_errno(errno_rows[_i].err), errno_rows[_i].why);
	ck_assert_str_eq(
	    count_abort_text(errno_rows[_i].err), errno_rows[_i].text);
}
END_TEST

static struct scoreboard *sb;
static struct request_env env;

static void
count_setup(void)
{
	sb = scoreboard_create(4);
	ck_assert_ptr_nonnull(sb);
	memset(&env, 0, sizeof(env));
	env.sb = sb;
}

static void
count_teardown(void)
{
	scoreboard_destroy(sb);
	sb = NULL;
}

static void
request_fresh(struct request *r)
{
	memset(r, 0, sizeof(*r));
	r->env = &env;
	r->reject = -1;
	r->abort_why = -1;
	r->body_len = -1;
	r->start_ms = scoreboard_now_ms();
}

START_TEST(test_count_phase)
{
	struct dl_stats *s = scoreboard_stats(sb);
	struct request r;

	/* a 200 served, its first byte 1 ms in */
	request_fresh(&r);
	r.status = 200;
	r.ttfb_ms = r.start_ms + 1;
	ck_assert_int_eq(count_phase(&r), PHASE_GO_ON);
	ck_assert_uint_eq(stats_get(&s->codes[stats_code_index(200)]), 1);
	ck_assert_uint_eq(stats_get(&s->served), 1);
	ck_assert_uint_eq(
	    stats_get(&s->ttfb.le[0]), 1); /* 1000 us: the first bucket */

	/* a 429 refused by the rate: served (it ended cleanly), rejected */
	request_fresh(&r);
	r.status = 429;
	r.reject = STAT_REJ_RATE;
	count_phase(&r);
	ck_assert_uint_eq(stats_get(&s->codes[stats_code_index(429)]), 1);
	ck_assert_uint_eq(stats_get(&s->rejected[STAT_REJ_RATE]), 1);
	ck_assert_uint_eq(stats_get(&s->served), 2);

	/* a 200 cut when the client left */
	request_fresh(&r);
	r.status = 200;
	r.aborted = true;
	r.abort_why = STAT_ABT_CLIENT_CLOSED;
	count_phase(&r);
	ck_assert_uint_eq(stats_get(&s->aborted[STAT_ABT_CLIENT_CLOSED]), 1);
	ck_assert_uint_eq(stats_get(&s->served), 2);
	ck_assert_uint_eq(stats_get(&s->codes[stats_code_index(200)]), 2);

	/* aborted without a reason or a status: io_error, no code */
	request_fresh(&r);
	r.aborted = true;
	count_phase(&r);
	ck_assert_uint_eq(stats_get(&s->aborted[STAT_ABT_IO_ERROR]), 1);
	ck_assert_uint_eq(stats_get(&s->codes[STAT_CODE_OTHER]), 0);

	/* offloaded; no first byte: no TTFB */
	request_fresh(&r);
	r.status = 200;
	r.offloaded = true;
	count_phase(&r);
	ck_assert_uint_eq(stats_get(&s->offloaded), 1);

	/* every request has a duration, only two a first byte */
	ck_assert_uint_eq(stats_get(&s->duration.le[0]) +
		stats_get(&s->duration.le[1]) + stats_get(&s->duration.le[2]),
	    5);
	ck_assert_uint_eq(stats_get(&s->ttfb.le[0]), 1);
}
END_TEST

/* Busy slots of one worker, or of all, become shutdown aborts. */
START_TEST(test_count_shutdown)
{
	struct dl_stats *s = scoreboard_stats(sb);
	struct sb_slot *a, *b, *c;
	pid_t child;
	int st;

	a = scoreboard_claim(sb, 0, 100, 1);
	b = scoreboard_claim(sb, 0, 100, 1);
	c = scoreboard_claim(sb, 0, 200, 1);
	ck_assert_ptr_nonnull(c);
	atomic_store(&a->state, SB_SENDING);
	atomic_store(&b->state, SB_IDLE);
	atomic_store(&c->state, SB_READING);
	ck_assert_uint_eq(count_shutdown(sb, 100), 1);
	ck_assert_uint_eq(count_shutdown(sb, 300), 0);
	/* counted by a forked child: the counters are shared */
	child = fork();
	ck_assert_int_ne(child, -1);
	if (child == 0)
		_exit(count_shutdown(sb, 0) == 2 ? 0 : 1);
	ck_assert_int_eq(waitpid(child, &st, 0), child);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_uint_eq(stats_get(&s->aborted[STAT_ABT_SHUTDOWN]), 3);
}
END_TEST

Suite *
suite_stats(void)
{
	Suite *s = suite_create("stats");
	TCase *tc;

	tc = tcase_create("stats");
	tcase_add_loop_test(tc, test_code_index, 0, NELEM(code_rows));
	tcase_add_test(tc, test_code_roundtrip);
	tcase_add_test(tc, test_label_names);
	tcase_add_test(tc, test_histogram);
	tcase_add_loop_test(tc, test_abort_errno, 0, NELEM(errno_rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("count");
	tcase_add_checked_fixture(tc, count_setup, count_teardown);
	tcase_add_test(tc, test_count_phase);
	tcase_add_test(tc, test_count_shutdown);
	suite_add_tcase(s, tc);
	return s;
}
