/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The auto-tuned send buffer (sndbuf_after_wait, src/fcgi/sndbuf.h):
 * what SO_SNDBUF a unix connection gets after a wait for room, from the
 * bytes written and the time since the window began. The clock is
 * injected. doc/DESIGN.md §1.5 says why a slow download must keep the
 * low buffer.
 */
#include "autoconfig.h"

#include <check.h>
#include <stdint.h>

#include "bounds.h"
#include "check_suites.h"
#include "check_util.h"
#include "sndbuf.h"

#define LOW DL_SEND_BUFFER_LOW
#define HIGH DL_SEND_BUFFER_UNIX
#define MIB (1024 * 1024)

struct sndbuf_row {
	int cur;       /* SO_SNDBUF before the wait */
	int64_t ms;    /* since the window began */
	uint64_t sent; /* bytes written in it */
	int want;      /* what sndbuf_after_wait returns */
	int after;     /* t.cur then */
	int closed;    /* the window ends (mark moved) */
};

static const struct sndbuf_row rows[] = {
    /* a short window decides nothing */
    {LOW, 10, 4 * MIB, 0, LOW, 0},
    {HIGH, DL_SEND_TUNE_WINDOW_MS - 1, 1000, 0, HIGH, 0},
    /* the fill of nginx's and the client's buffers: 5 MiB in 20 ms
     * looks fast but is not volume enough to raise */
    {LOW, 20, 5 * MIB, 0, LOW, 0},
    /* ... nor after a second: a slow client stays low */
    {LOW, 1000, 5 * MIB, 0, LOW, 1},
    /* 32 MiB in 25 ms (1.3 GB/s): the whole MiB */
    {LOW, 25, DL_SEND_TUNE_BYTES, HIGH, HIGH, 1},
    /* 32 MiB in 0 ms: no division by zero, high */
    {LOW, 0, DL_SEND_TUNE_BYTES, HIGH, HIGH, 1},
    /* 32 MiB at 2 MiB/s (16 s): 512 KiB, a quarter second of it */
    {LOW, 16000, DL_SEND_TUNE_BYTES, 512 * 1024, 512 * 1024, 1},
    /* a fast download slowed to 32 KiB/s: back to low after a second */
    {HIGH, 1000, 32768, LOW, LOW, 1},
    /* slower than the low buffer's pace: clamped to low, kept */
    {LOW, 5000, 65536, 0, LOW, 1},
    /* within a factor 2 of cur: no setsockopt for noise */
    {512 * 1024, 16000, 40 * MIB, 0, 512 * 1024, 1},
    /* but the bound itself is set even when close */
    {768 * 1024, 8000, DL_SEND_TUNE_BYTES, HIGH, HIGH, 1},
    /* already high and fast: nothing to do */
    {HIGH, 25, DL_SEND_TUNE_BYTES, 0, HIGH, 1},
    /* huge numbers saturate instead of wrapping */
    {LOW, 1, UINT64_MAX / 2, HIGH, HIGH, 1},
};

START_TEST(test_sndbuf_table)
{
	const struct sndbuf_row *row = &rows[_i];
	struct sndbuf_tune t;
	int64_t t0 = 5000;
	uint64_t b0 = 12345;

	sndbuf_start(&t, LOW, HIGH, t0, b0);
	ck_assert_int_eq(t.cur, LOW);
	t.cur = row->cur;
	ck_assert_int_eq(
	    sndbuf_after_wait(&t, t0 + row->ms, b0 + row->sent), row->want);
	ck_assert_int_eq(t.cur, row->after);
	ck_assert_int_eq(t.mark_ms == t0 + row->ms, row->closed);
	ck_assert_int_eq(t.cur >= LOW && t.cur <= HIGH, 1);
}
END_TEST

/*
 * A download at 32 KiB/s for ten minutes, then at 1 GB/s: low all
 * along the slow part (the first window included), high soon after.
 */
START_TEST(test_sndbuf_slow_then_fast)
{
	struct sndbuf_tune t;
	int64_t now = 0;
	uint64_t sent = 4 * MIB; /* the fill, at once */
	int i, sets = 0;

	sndbuf_start(&t, LOW, HIGH, now, 0);
	for (i = 0; i < 600 * 2; i++) { /* a wait every half second */
		now += 500;
		sent += 16384;
		if (sndbuf_after_wait(&t, now, sent) != 0)
			sets++;
		ck_assert_int_eq(t.cur, LOW);
	}
	ck_assert_int_eq(sets, 0);
	for (i = 0; i < 100 && t.cur != HIGH; i++) { /* 1 MB per ms */
		now += 1;
		sent += 1000000;
		(void)sndbuf_after_wait(&t, now, sent);
	}
	ck_assert_int_eq(t.cur, HIGH);
	ck_assert_int_le(i, 40);
}
END_TEST

/* A counter that went back (another connection's): start again. */
START_TEST(test_sndbuf_restart)
{
	struct sndbuf_tune t;

	sndbuf_start(&t, LOW, HIGH, 1000, 100 * MIB);
	ck_assert_int_eq(sndbuf_after_wait(&t, 900, 200 * MIB), 0);
	ck_assert_int_eq(t.mark_ms, 900);
	ck_assert_int_eq(sndbuf_after_wait(&t, 2000, MIB), 0);
	ck_assert_int_eq(t.mark_bytes, MIB);
	ck_assert_int_eq(t.cur, LOW);
}
END_TEST

Suite *
suite_sndbuf(void)
{
	Suite *s = suite_create("sndbuf");
	TCase *tc;

	tc = tcase_create("sndbuf_after_wait");
	tcase_add_loop_test(tc, test_sndbuf_table, 0, NELEM(rows));
	tcase_add_test(tc, test_sndbuf_slow_then_fast);
	tcase_add_test(tc, test_sndbuf_restart);
	suite_add_tcase(s, tc);
	return s;
}
