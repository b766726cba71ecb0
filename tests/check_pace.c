/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Pacing (pace_due, src/serve/pace.h): when a download may go on after
 * sent bytes, for limit_rate after limit_rate_after, a signed link's
 * rate from the first byte, and both (the slower wins: a link never
 * makes a download faster than limit_rate). The clock is injected:
 * pace_due takes now and sleeps nowhere.
 */
#include "autoconfig.h"

#include <check.h>
#include <stdint.h>

#include "check_suites.h"
#include "check_util.h"
#include "pace.h"

struct pace_row {
	long long limit_rate, limit_rate_after;
	int64_t link_rate;
	int64_t start_ms, thr_ms; /* thr_ms 0: limit_rate not yet begun */
	off_t sent;
	int64_t now, want, want_thr;
};

static const struct pace_row rows[] = {
    /* nothing limits: due now */
    {0, 0, 0, 1000, 0, 1 << 20, 1500, 1500, 0},
    /* limit_rate 1000 B/s from the start: 500 bytes are due at 500 ms */
    {1000, 0, 0, 1000, 1000, 500, 1200, 1500, 1000},
    /* throttling begins on the first step past limit_rate_after */
    {1000, 4096, 0, 0, 0, 5096, 7000, 8000, 7000},
    /* under limit_rate_after: not held back, no throttle started */
    {1000, 4096, 0, 0, 0, 4096, 7000, 7000, 0},
    /* behind schedule: due is in the past, now wins */
    {1000, 0, 0, 0, 100, 100, 5000, 5000, 100},
    /* a link's rate from the first byte (start_ms), no limit_rate */
    {0, 0, 100000, 1000, 0, 200000, 1100, 3000, 0},
    {0, 0, 100000, 1000, 0, 0, 1000, 1000, 0},
    /* both: the link is slower, it holds */
    {1000000, 0, 1000, 0, 1, 2000, 10, 2000, 1},
    /* both: limit_rate is slower than a generous link, it holds */
    {100000, 0, 100000000, 0, 1, 200000, 10, 2001, 1},
    /* limit_rate_after does not exempt the first bytes from the link */
    {100000, 1 << 20, 1000, 0, 0, 1000, 10, 1000, 0},
    /* huge numbers saturate instead of wrapping */
    {0, 0, 1, 0, 0, (off_t)INT64_MAX, 0, INT64_MAX, 0},
};

START_TEST(test_pace_due_table)
{
	const struct pace_row *row = &rows[_i];
	struct dl_config cfg = {0};
	struct pace p;

	cfg.limit_rate = row->limit_rate;
	cfg.limit_rate_after = row->limit_rate_after;
	pace_init(&p, &cfg, NULL, row->start_ms);
	p.thr_ms = row->thr_ms;
	if (row->link_rate > 0)
		pace_set_link_rate(&p, row->link_rate);
	ck_assert_int_eq(pace_due(&p, row->sent, row->now), row->want);
	ck_assert_int_eq(p.thr_ms, row->want_thr);
}
END_TEST

/* A whole download at a link's rate: never ahead of rate x elapsed. */
START_TEST(test_pace_link_schedule)
{
	struct dl_config cfg = {0};
	struct pace p;
	int64_t now = 1000;
	off_t sent = 0;
	int i;

	cfg.limit_rate = 65536;
	pace_init(&p, &cfg, NULL, now);
	pace_set_link_rate(&p, 16384);
	for (i = 0; i < 64; i++) {
		sent += 8192;
		now = pace_due(&p, sent, now); /* the sleep, without sleeping */
		ck_assert_int_ge((now - 1000) * 16384, (int64_t)sent * 1000);
	}
	ck_assert_int_eq(now, 1000 + 32000); /* 512 KiB at 16 KiB/s */
}
END_TEST

Suite *
suite_pace(void)
{
	Suite *s = suite_create("pace");
	TCase *tc;

	tc = tcase_create("pace_due");
	tcase_add_loop_test(tc, test_pace_due_table, 0, NELEM(rows));
	tcase_add_test(tc, test_pace_link_schedule);
	suite_add_tcase(s, tc);
	return s;
}
