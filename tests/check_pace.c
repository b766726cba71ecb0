/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Pacing (pace_due, src/serve/pace.h): when a download may go on after
 * sent bytes, for limit_rate after limit_rate_after, a signed link's
 * rate from the first byte, and both (the slower wins: a link never
 * makes a download faster than limit_rate). The clock is injected:
 * pace_due takes now and sleeps nowhere. The pieces paced before they
 * go out (pace_piece, pace_wake): cut at limit_rate_after and to
 * PACE_PIECE_MS of the slower rate, never waking past max_duration;
 * pace_step() and pace_end() on the real clock, with short sleeps.
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

struct piece_row {
	long long limit_rate, limit_rate_after;
	int64_t link_rate;
	int max_duration; /* s, from start_ms 0 */
	int64_t thr_ms;	  /* 0: limit_rate not yet begun */
	off_t sent;
	size_t want;
	int64_t now;
	size_t want_piece; /* pace_piece at now */
	int64_t want_wake; /* pace_wake at now */
};

static const struct piece_row pieces[] = {
    /* nothing limits: the whole step, at once */
    {0, 0, 0, 0, 0, 1 << 20, 122880, 500, 122880, 500},
    /* limit_rate_after without limit_rate cuts nothing */
    {0, 100000, 0, 0, 0, 90000, 65536, 500, 65536, 500},
    /* limit_rate 1 MB/s: 100 ms is 100000 bytes, 24 whole pages */
    {1000000, 0, 0, 0, 1, 0, 122880, 1, 98304, 1},
    /* a one-piece file smaller than that: whole, but paced before */
    {1000000, 0, 0, 0, 1, 0, 50000, 1, 50000, 1},
    /* not yet due: nothing may go out; wake when due */
    {1000, 0, 0, 0, 1000, 500, 4096, 1200, 0, 1500},
    /* due: the piece may go */
    {1000, 0, 0, 0, 1000, 500, 4096, 1500, 4096, 1500},
    /* limit_rate_after inside the piece: the unpaced part alone */
    {1000000, 100000, 0, 0, 0, 90000, 65536, 7, 10000, 7},
    /* at limit_rate_after: the first paced piece, sized by the rate */
    {1000000, 100000, 0, 0, 0, 100000, 122880, 7, 98304, 7},
    /* limit_rate_after inside a piece of a link's rate: both cuts */
    {1000000, 100000, 200000, 0, 0, 90000, 65536, 1000, 10000, 1000},
    {1000000, 1 << 20, 200000, 0, 0, 0, 65536, 0, 16384, 0},
    /* link and limit_rate both set: the slower sizes the piece */
    {500000, 0, 2000000, 0, 1, 0, 122880, 1, 49152, 1},
    {2000000, 0, 300000, 0, 1, 0, 122880, 1, 28672, 1},
    /* before limit_rate_after only the link's rate paces */
    {1000, 1 << 20, 300000, 0, 0, 0, 122880, 0, 28672, 0},
    /* a rate smaller than a page: one page, or less if that is all */
    {1000, 0, 0, 0, 1, 0, 65536, 1, 4096, 1},
    {1000, 0, 0, 0, 1, 0, 1000, 1, 1000, 1},
    {0, 0, 1, 0, 0, 0, 65536, 0, 4096, 0},
    /* huge rates: the whole step, no overflow */
    {1099511627776LL, 0, 0, 0, 1, 0, 122880, 1, 122880, 1},
    {0, 0, INT64_MAX, 0, 0, 0, 122880, 0, 122880, 0},
    /* max_duration earlier than the due time: wake at the deadline */
    {1000, 0, 0, 1, 1, 4096, 4096, 200, 0, 1000},
    /* max_duration later than the due time: wake when due */
    {1000, 0, 0, 10, 1, 4096, 4096, 200, 0, 4097},
    /* a link's rate past max_duration, too */
    {0, 0, 1000, 2, 0, 8192, 4096, 100, 0, 2000},
};

START_TEST(test_pace_piece_table)
{
	const struct piece_row *row = &pieces[_i];
	struct dl_config cfg = {0};
	struct pace p;

	cfg.limit_rate = row->limit_rate;
	cfg.limit_rate_after = row->limit_rate_after;
	cfg.max_duration = row->max_duration;
	pace_init(&p, &cfg, NULL, 0);
	p.thr_ms = row->thr_ms;
	if (row->link_rate > 0)
		pace_set_link_rate(&p, row->link_rate);
	ck_assert_uint_eq(
	    pace_piece(&p, row->sent, row->want, row->now), row->want_piece);
	ck_assert_int_eq(pace_wake(&p, row->sent, row->now), row->want_wake);
}
END_TEST

/*
 * body_copy() on an injected clock: wake, cut, send (taking no time);
 * returns when the last byte left, and checks every piece against the
 * rate.
 */
static int64_t
pace_simulate(
    struct pace *p, off_t size, size_t step, int64_t rate, int64_t *first)
{
	int64_t now = p->start_ms;
	size_t want, n;
	off_t sent = 0;
	int i;

	*first = -1;
	for (i = 0; sent < size && i < 100000; i++) {
		want = (off_t)step < size - sent ? step : (size_t)(size - sent);
		now = pace_wake(p, sent, now); /* the sleep, without sleeping */
		n = pace_piece(p, sent, want, now);
		ck_assert_uint_gt(n, 0);
		ck_assert_uint_le(n, want);
		if (sent >= p->cfg->limit_rate_after)
			ck_assert_int_le((int64_t)n,
			    rate * PACE_PIECE_MS / 1000 > PACE_PAGE
				? rate * PACE_PIECE_MS / 1000
				: PACE_PAGE);
		if (*first == -1)
			*first = now;
		sent += (off_t)n;
	}
	ck_assert_int_eq(sent, size);
	return now;
}

struct sched_row {
	long long limit_rate, limit_rate_after;
	int64_t link_rate;
	off_t size;
	size_t step;
	int64_t least_ms, most_ms; /* when the last piece leaves */
};

static const struct sched_row scheds[] = {
    /* one sendfile step of 122880 at 100 kB/s: still paced, ~1.2 s */
    {100000, 0, 0, 122880, 122880, 1228 - 100, 1228},
    /* one pread step of 64 KiB at 100 kB/s */
    {100000, 0, 0, 65536, 65536, 655 - 100, 655},
    /* 1 MiB at 1 MB/s in steps of 122880 */
    {1000000, 0, 0, 1 << 20, 122880, 1048 - 100, 1048},
    /* the first 100000 bytes unpaced, the rest at 100 kB/s */
    {100000, 100000, 0, 300000, 65536, 2000 - 100, 2000},
    /* a link's rate slower than limit_rate holds from the first byte */
    {1000000, 0, 100000, 300000, 122880, 3000 - 100, 3000},
    /* below a page a second: whole pages, one early at most */
    {1000, 0, 0, 20000, 65536, 20000 - 4096, 20000},
};

/*
 * The last piece leaves at about size / rate, at most one piece
 * earlier, and nothing waits after it: the first at once.
 */
START_TEST(test_pace_schedule)
{
	const struct sched_row *row = &scheds[_i];
	struct dl_config cfg = {0};
	struct pace p;
	int64_t first, last;

	cfg.limit_rate = row->limit_rate;
	cfg.limit_rate_after = row->limit_rate_after;
	pace_init(&p, &cfg, NULL, 1000);
	if (row->link_rate > 0)
		pace_set_link_rate(&p, row->link_rate);
	last = pace_simulate(&p, row->size, row->step,
	    row->link_rate > 0 && row->link_rate < row->limit_rate
		? row->link_rate
		: row->limit_rate,
	    &first);
	ck_assert_int_eq(first, 1000);
	ck_assert_int_ge(last - 1000, row->least_ms);
	ck_assert_int_le(last - 1000, row->most_ms);
}
END_TEST

/* pace_step() sleeps before the piece, in SBW_PACE, and cuts it. */
START_TEST(test_pace_step_sleeps_before)
{
	struct dl_config cfg = {0};
	struct pace p;
	const char *why = NULL;
	size_t want = 65536;
	int64_t t0;

	cfg.limit_rate = 100000; /* 100 ms: 10000 bytes, 2 pages */
	t0 = scoreboard_now_ms();
	pace_init(&p, &cfg, NULL, t0);
	p.thr_ms = t0;
	/* 5000 bytes out: the next piece is due 50 ms after t0 */
	ck_assert_int_eq(pace_step(&p, 5000, &want, &why), 0);
	ck_assert_int_ge(scoreboard_now_ms() - t0, 50);
	ck_assert_uint_eq(want, 8192);
	ck_assert_ptr_null(why);
	/* unpaced: at once, whole */
	cfg.limit_rate = 0;
	want = 65536;
	t0 = scoreboard_now_ms();
	ck_assert_int_eq(pace_step(&p, 1 << 20, &want, &why), 0);
	ck_assert_int_lt(scoreboard_now_ms() - t0, 40);
	ck_assert_uint_eq(want, 65536);
}
END_TEST

/* max_duration earlier than the due time: the sleep ends at the cap. */
START_TEST(test_pace_step_max_duration)
{
	struct dl_config cfg = {0};
	struct pace p;
	const char *why = NULL;
	size_t want = 4096;
	int64_t t0 = scoreboard_now_ms(), took;

	cfg.limit_rate = 1000;
	cfg.max_duration = 1;
	pace_init(&p, &cfg, NULL, t0 - 900); /* the cap is 100 ms away */
	p.thr_ms = t0;
	/* 4096 bytes are due 4 s after t0 */
	ck_assert_int_eq(pace_step(&p, 4096, &want, &why), -1);
	took = scoreboard_now_ms() - t0;
	ck_assert_int_ge(took, 100);
	ck_assert_int_lt(took, 1000);
	ck_assert_str_eq(why, "max_duration reached");
	/* past the cap: refused at once */
	why = NULL;
	ck_assert_int_eq(pace_step(&p, 4096, &want, &why), -1);
	ck_assert_str_eq(why, "max_duration reached");
}
END_TEST

/* pace_end() after the last piece never sleeps, but checks the caps. */
START_TEST(test_pace_end)
{
	struct dl_config cfg = {0};
	struct pace p;
	const char *why = NULL;
	int64_t t0 = scoreboard_now_ms();

	cfg.limit_rate = 1000;
	pace_init(&p, &cfg, NULL, t0);
	p.thr_ms = t0;
	/* 50000 bytes are due 50 s after t0: no wait for them */
	ck_assert_int_eq(pace_end(&p, 50000, &why), 0);
	ck_assert_int_lt(scoreboard_now_ms() - t0, 40);
	ck_assert_ptr_null(why);
	cfg.max_duration = 1;
	pace_init(&p, &cfg, NULL, t0 - 1000);
	ck_assert_int_eq(pace_end(&p, 50000, &why), -1);
	ck_assert_str_eq(why, "max_duration reached");
	cfg.max_duration = 0;
	cfg.min_rate = 1000;
	cfg.min_rate_window = 1;
	pace_init(&p, &cfg, NULL, t0 - 1000);
	why = NULL;
	ck_assert_int_eq(pace_end(&p, 10, &why), -1);
	ck_assert_str_eq(why, "slower than min_rate");
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
	tc = tcase_create("pace_piece");
	tcase_add_loop_test(tc, test_pace_piece_table, 0, NELEM(pieces));
	tcase_add_loop_test(tc, test_pace_schedule, 0, NELEM(scheds));
	tcase_add_test(tc, test_pace_step_sleeps_before);
	tcase_add_test(tc, test_pace_step_max_duration);
	tcase_add_test(tc, test_pace_end);
	suite_add_tcase(s, tc);
	return s;
}
