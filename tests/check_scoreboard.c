/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The scoreboard (scoreboard.c): the slots a master reserves and its
 * workers' threads claim, the per-client counters and the per-client
 * token bucket that admission reads.
 *
 * - Slots: create, reserve all or none, assign, claim, release,
 *   reclaim, retire, count; shared with a forked child.
 * - Admit: max_per_ip counts a client's requests being read or sent on
 *   other slots; max_per_file its downloads of the same file; what a
 *   refused or an admitted request leaves on its slot.
 * - Rate: the bucket's burst, its refill at rate_per_ip tokens a
 *   second up to the burst, Retry-After, buckets per client, and many
 *   more clients than buckets.
 * - Names: scoreboard_wait_name, the one name of each wait (status
 *   page and slow log): every value named, no two alike, the names the
 *   manuals give.
 */
#include "autoconfig.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"
#include "scoreboard.h"

#define NSLOTS 8

static struct scoreboard *sb;

static void
sb_setup(void)
{
	sb = scoreboard_create(NSLOTS);
	ck_assert_ptr_nonnull(sb);
}

static void
sb_teardown(void)
{
	scoreboard_destroy(sb);
	sb = NULL;
}

/* A slot claimed without a master (owner 0), like workers = 0. */
static struct sb_slot *
claim(pid_t pid)
{
	struct sb_slot *s = scoreboard_claim(sb, 0, pid, 1);

	ck_assert_ptr_nonnull(s);
	scoreboard_done(sb, s); /* the thread is up: SB_IDLE */
	ck_assert_int_eq(s->state, SB_IDLE);
	return s;
}

START_TEST(test_create)
{
	size_t i;

	ck_assert_uint_eq(scoreboard_nslots(sb), NSLOTS);
	ck_assert_uint_eq(scoreboard_count(sb, SB_FREE), NSLOTS);
	for (i = 0; i < NSLOTS; i++) {
		ck_assert_ptr_nonnull(scoreboard_slot(sb, i));
		ck_assert_int_eq(scoreboard_slot(sb, i)->pid, 0);
	}
	ck_assert_ptr_null(scoreboard_slot(sb, NSLOTS));
	ck_assert_int_eq(scoreboard_proc_get(sb, 0), SBP_STARTING);
}
END_TEST

/* A reservation takes n free slots or none. */
START_TEST(test_reserve)
{
	ck_assert_int_eq(scoreboard_reserve(sb, -1, 1, 5), 0);
	ck_assert_uint_eq(scoreboard_count(sb, SB_RESERVED), 5);
	ck_assert_uint_eq(scoreboard_count(sb, SB_FREE), 3);
	ck_assert_int_eq(scoreboard_reserve(sb, -2, 1, 4), -1);
	ck_assert_uint_eq(scoreboard_count(sb, SB_RESERVED), 5);
	ck_assert_uint_eq(scoreboard_count(sb, SB_FREE), 3);
	ck_assert_int_eq(scoreboard_reserve(sb, -2, 2, 3), 0);
	ck_assert_uint_eq(scoreboard_count(sb, SB_FREE), 0);
	ck_assert_int_eq(scoreboard_reserve(sb, -3, 2, 1), -1);
	ck_assert_int_eq(scoreboard_reserve(sb, -3, 2, 0), 0);
	/* a dead placeholder's slots come back */
	ck_assert_uint_eq(scoreboard_reclaim(sb, -1), 5);
	ck_assert_uint_eq(scoreboard_count(sb, SB_FREE), 5);
	ck_assert_uint_eq(scoreboard_reclaim(sb, -1), 0);
}
END_TEST

/*
 * The worker's threads claim the slots reserved for it, by placeholder
 * before the assignment or by pid after, never anyone else's.
 */
START_TEST(test_claim_reserved)
{
	struct sb_slot *a, *b, *c;

	ck_assert_int_eq(scoreboard_reserve(sb, -1, 7, 2), 0);
	ck_assert_int_eq(scoreboard_reserve(sb, -2, 7, 1), 0);
	a = scoreboard_claim(sb, -1, 100, 7);
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(a->pid, 100);
	ck_assert_int_eq(a->gen, 7);
	ck_assert_int_eq(a->state, SB_STARTING);
	scoreboard_reserve_assign(sb, -1, 100);
	b = scoreboard_claim(sb, -1, 100, 7);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_ne(a, b);
	/* both of -1's slots are taken; -2's is not 100's */
	ck_assert_ptr_null(scoreboard_claim(sb, -1, 100, 7));
	ck_assert_uint_eq(scoreboard_count(sb, SB_RESERVED), 1);
	ck_assert_uint_eq(scoreboard_count(sb, SB_STARTING), 2);
	/* without a master: any free slot, never a reserved one */
	c = scoreboard_claim(sb, 0, 200, 1);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(scoreboard_count(sb, SB_RESERVED), 1);
	scoreboard_release(sb, c);
	ck_assert_int_eq(c->pid, 0);
	ck_assert_int_eq(c->state, SB_FREE);
	ck_assert_uint_eq(scoreboard_reclaim(sb, 100), 2);
	ck_assert_uint_eq(scoreboard_count(sb, SB_FREE), NSLOTS - 1);
}
END_TEST

/* Without a master every slot can be claimed, then none. */
START_TEST(test_claim_all)
{
	int i;

	for (i = 0; i < NSLOTS; i++)
		ck_assert_ptr_nonnull(scoreboard_claim(sb, 0, 1, 1));
	ck_assert_ptr_null(scoreboard_claim(sb, 0, 1, 1));
	ck_assert_uint_eq(scoreboard_count(sb, SB_STARTING), NSLOTS);
	ck_assert_uint_eq(scoreboard_reclaim(sb, 1), NSLOTS);
	ck_assert_uint_eq(scoreboard_count(sb, SB_FREE), NSLOTS);
}
END_TEST

/*
 * A worker that stops accepting: its idle and starting threads stop at
 * once, a busy one when its request ends, and a request it still
 * admits (already accepted) leaves it stopping if refused.
 */
START_TEST(test_retire)
{
	struct sb_slot *idle, *busy, *starting, *other;
	int ra = 0;

	idle = claim(100);
	busy = claim(100);
	starting = scoreboard_claim(sb, 0, 100, 1);
	other = claim(200);
	ck_assert_ptr_nonnull(starting);
	ck_assert_int_eq(
	    scoreboard_admit(sb, busy, "a", 0, 0, 0, 0, &ra), SB_GATE_OK);
	ck_assert_int_eq(busy->state, SB_READING);
	scoreboard_retire(sb, 100);
	ck_assert_int_eq(idle->state, SB_STOPPING);
	ck_assert_int_eq(starting->state, SB_STOPPING);
	ck_assert_int_eq(busy->state, SB_READING);
	ck_assert_int_eq(other->state, SB_IDLE);
	scoreboard_done(sb, busy);
	ck_assert_int_eq(busy->state, SB_STOPPING);
	ck_assert_int_eq(
	    scoreboard_admit(sb, idle, "a", 0, 1, 1, 0, &ra), SB_GATE_OK);
	ck_assert_int_eq(
	    scoreboard_admit(sb, idle, "a", 0, 1, 1, 0, &ra), SB_GATE_RATE);
	ck_assert_int_eq(idle->state, SB_STOPPING);
	scoreboard_done(sb, other);
	ck_assert_int_eq(other->state, SB_IDLE);
	ck_assert_uint_eq(scoreboard_count(sb, SB_STOPPING), 3);
	ck_assert_uint_eq(scoreboard_count(sb, SB_IDLE), 1);
}
END_TEST

/* The mapping is shared: a forked child's claims are seen, and reclaimed. */
START_TEST(test_shared_with_child)
{
	pid_t pid;
	int st, ra = 0;

	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct sb_slot *s = scoreboard_claim(sb, 0, getpid(), 3);

		if (s == NULL ||
		    scoreboard_admit(sb, s, "10.0.0.9", 0, 0, 0, 0, &ra) !=
			SB_GATE_OK)
			_exit(1);
		scoreboard_proc_set(sb, 5, SBP_READY);
		_exit(0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	ck_assert_uint_eq(scoreboard_count(sb, SB_READING), 1);
	ck_assert_int_eq(scoreboard_proc_get(sb, 5), SBP_READY);
	ck_assert_uint_eq(scoreboard_reclaim(sb, pid), 1);
	ck_assert_uint_eq(scoreboard_count(sb, SB_FREE), NSLOTS);
}
END_TEST

/* Worker records: set and read back; out of range ignored. */
START_TEST(test_proc_records)
{
	scoreboard_proc_set(sb, 0, SBP_READY);
	scoreboard_proc_set(sb, SB_PROCS - 1, SBP_FAILED);
	scoreboard_proc_set(sb, SB_PROCS, SBP_STOPPED);
	scoreboard_proc_set(sb, -1, SBP_STOPPED);
	ck_assert_int_eq(scoreboard_proc_get(sb, 0), SBP_READY);
	ck_assert_int_eq(scoreboard_proc_get(sb, 1), SBP_STARTING);
	ck_assert_int_eq(scoreboard_proc_get(sb, SB_PROCS - 1), SBP_FAILED);
	ck_assert_int_eq(scoreboard_proc_get(sb, SB_PROCS), SBP_STARTING);
	ck_assert_int_eq(scoreboard_proc_get(sb, -1), SBP_STARTING);
	scoreboard_proc_set(sb, 0, SBP_STOPPED);
	ck_assert_int_eq(scoreboard_proc_get(sb, 0), SBP_STOPPED);
}
END_TEST

/*
 * max_per_ip: the client's requests being read or sent on other slots
 * count; idle slots, other clients and the slot itself do not.
 */
START_TEST(test_admit_per_ip)
{
	struct sb_slot *s[NSLOTS];
	int i, ra = 0;

	for (i = 0; i < NSLOTS; i++)
		s[i] = claim(100);
	ck_assert_int_eq(
	    scoreboard_admit(sb, s[0], "a", 2, 0, 0, 0, &ra), SB_GATE_OK);
	ck_assert_int_eq(
	    scoreboard_admit(sb, s[1], "a", 2, 0, 0, 0, &ra), SB_GATE_OK);
	ck_assert_int_eq(
	    scoreboard_admit_file(sb, s[1], 1, 2, "/f", 0), SB_GATE_OK);
	ck_assert_int_eq(s[1]->state, SB_SENDING);
	ck_assert_int_eq(
	    scoreboard_admit(sb, s[2], "a", 2, 0, 0, 0, &ra), SB_GATE_BUSY);
	ck_assert_int_eq(s[2]->state, SB_IDLE);
	/* another client, and no limit */
	ck_assert_int_eq(
	    scoreboard_admit(sb, s[3], "b", 2, 0, 0, 0, &ra), SB_GATE_OK);
	ck_assert_int_eq(
	    scoreboard_admit(sb, s[4], "a", 0, 0, 0, 0, &ra), SB_GATE_OK);
	ck_assert_int_eq(
	    scoreboard_admit(sb, s[5], "a", 4, 0, 0, 0, &ra), SB_GATE_OK);
	/* the slot's own previous request is not counted */
	ck_assert_int_eq(
	    scoreboard_admit(sb, s[5], "a", 4, 0, 0, 0, &ra), SB_GATE_OK);
	ck_assert_int_eq(
	    scoreboard_admit(sb, s[6], "a", 4, 0, 0, 0, &ra), SB_GATE_BUSY);
	/* a request that ends frees its place */
	scoreboard_done(sb, s[0]);
	ck_assert_int_eq(s[0]->state, SB_IDLE);
	ck_assert_int_eq(
	    scoreboard_admit(sb, s[6], "a", 4, 0, 0, 0, &ra), SB_GATE_OK);
	ck_assert_uint_eq(scoreboard_count(sb, SB_READING), 4);
	ck_assert_uint_eq(scoreboard_count(sb, SB_SENDING), 1);
}
END_TEST

/* What admission leaves on the slot, admitted or refused. */
START_TEST(test_admit_slot_fields)
{
	struct sb_slot *s = claim(100), *o = claim(100);
	char longc[SB_CLIENT_LEN + 20];
	int ra = 0;

	s->sent = 99;
	ck_assert_int_eq(
	    scoreboard_admit(sb, s, "10.1.2.3", 0, 0, 0, 1234, &ra),
	    SB_GATE_OK);
	ck_assert_str_eq(s->client, "10.1.2.3");
	ck_assert_int_eq(s->sent, 0);
	ck_assert_int_eq(s->start_ms, 1234);
	ck_assert_int_eq(s->progress_ms, 1234);
	ck_assert_str_eq(s->path, "");
	ck_assert_uint_eq(s->requests, 1);
	ck_assert_int_eq(
	    scoreboard_admit(sb, o, "10.1.2.3", 1, 0, 0, 1300, &ra),
	    SB_GATE_BUSY);
	ck_assert_str_eq(o->client, "10.1.2.3");
	ck_assert_uint_eq(o->requests, 1); /* refused ones count too */
	ck_assert_int_eq(o->start_ms, 1300);
	memset(longc, 'x', sizeof(longc) - 1);
	longc[sizeof(longc) - 1] = '\0';
	scoreboard_done(sb, o);
	scoreboard_admit(sb, o, longc, 0, 0, 0, 0, &ra);
	ck_assert_uint_eq(strlen(o->client), SB_CLIENT_LEN - 1);
	ck_assert_uint_eq(o->requests, 2);
}
END_TEST

/*
 * max_per_file: the same client's downloads of the same (dev, ino) on
 * other slots; other files and other clients do not count.
 */
START_TEST(test_admit_file)
{
	struct sb_slot *s[5];
	char longp[SB_PATH_LEN + 50];
	int i, ra = 0;

	for (i = 0; i < 5; i++) {
		s[i] = claim(100);
		ck_assert_int_eq(scoreboard_admit(sb, s[i], i == 4 ? "b" : "a",
				     0, 0, 0, 0, &ra),
		    SB_GATE_OK);
	}
	ck_assert_int_eq(
	    scoreboard_admit_file(sb, s[0], 1, 10, "/x", 1), SB_GATE_OK);
	ck_assert_int_eq(s[0]->state, SB_SENDING);
	ck_assert_str_eq(s[0]->path, "/x");
	ck_assert_int_eq(
	    scoreboard_admit_file(sb, s[1], 1, 10, "/x", 1), SB_GATE_BUSY);
	ck_assert_int_eq(s[1]->state, SB_READING); /* left to the caller */
	ck_assert_str_eq(s[1]->path, "");
	ck_assert_int_eq(
	    scoreboard_admit_file(sb, s[1], 1, 10, "/x", 2), SB_GATE_OK);
	ck_assert_int_eq(
	    scoreboard_admit_file(sb, s[2], 1, 11, "/y", 1), SB_GATE_OK);
	ck_assert_int_eq(
	    scoreboard_admit_file(sb, s[3], 2, 10, "/z", 1), SB_GATE_OK);
	ck_assert_int_eq(
	    scoreboard_admit_file(sb, s[4], 1, 10, "/x", 1), SB_GATE_OK);
	ck_assert_int_eq(
	    scoreboard_admit(sb, s[3], "a", 0, 0, 0, 0, &ra), SB_GATE_OK);
	ck_assert_int_eq(
	    scoreboard_admit_file(sb, s[3], 1, 10, "/x", 0), SB_GATE_OK);
	memset(longp, 'p', sizeof(longp) - 1);
	longp[sizeof(longp) - 1] = '\0';
	scoreboard_done(sb, s[2]);
	scoreboard_admit(sb, s[2], "c", 0, 0, 0, 0, &ra);
	ck_assert_int_eq(
	    scoreboard_admit_file(sb, s[2], 9, 9, longp, 1), SB_GATE_OK);
	ck_assert_uint_eq(strlen(s[2]->path), SB_PATH_LEN - 1);
}
END_TEST

/*
 * The bucket: rate tokens a second, burst at most; each admitted
 * request takes one, a refused one none. Steps of (ms since the
 * start, admits in a row expected to pass, then one refused with this
 * Retry-After).
 */
struct rate_step {
	int64_t at_ms;
	int pass;
	int retry_after;
};

static const struct {
	int rate, burst;
	struct rate_step steps[6];
	int nsteps;
} rate_rows[] = {
    /* a full burst at first, then one token per 1/rate second */
    {2, 3, {{0, 3, 1}, {250, 0, 1}, {500, 1, 1}, {1500, 2, 1}}, 4},
    /* refill is capped at the burst, however long the pause */
    {2, 3, {{0, 3, 1}, {3600000, 3, 1}}, 2},
    /* rate 1, burst 1: Retry-After 2 (whole seconds, rounded up + 1) */
    {1, 1, {{0, 1, 2}, {500, 0, 1}, {1000, 1, 2}}, 3},
    /* half a token: Retry-After 1, a whole one at the next second */
    {1, 5, {{0, 5, 2}, {500, 0, 1}, {1000, 1, 2}}, 3},
    /* a fast rate refills within the same second */
    {100, 10, {{0, 10, 1}, {10, 1, 1}, {100, 9, 1}}, 3},
};

START_TEST(test_rate_bucket)
{
	const int base = 1000000;
	struct sb_slot *s = claim(100);
	int i, k, ra;

	for (i = 0; i < rate_rows[_i].nsteps; i++) {
		const struct rate_step *st = &rate_rows[_i].steps[i];

		for (k = 0; k < st->pass; k++) {
			ra = -1;
			ck_assert_msg(
			    scoreboard_admit(sb, s, "10.0.0.1", 0,
				rate_rows[_i].rate, rate_rows[_i].burst,
				base + st->at_ms, &ra) == SB_GATE_OK,
			    "step %d: admit %d of %d refused", i, k + 1,
			    st->pass);
			ck_assert_int_eq(ra, -1); /* untouched */
			scoreboard_done(sb, s);
		}
		ra = -1;
		ck_assert_int_eq(
		    scoreboard_admit(sb, s, "10.0.0.1", 0, rate_rows[_i].rate,
			rate_rows[_i].burst, base + st->at_ms, &ra),
		    SB_GATE_RATE);
		ck_assert_int_eq(ra, st->retry_after);
		ck_assert_int_eq(s->state, SB_IDLE);
	}
}
END_TEST

/* After Retry-After seconds the client is admitted again. */
START_TEST(test_rate_retry_after_honoured)
{
	struct sb_slot *s = claim(100);
	int64_t now = 5000;
	int i, ra = 0;

	for (i = 0; i < 200; i++) {
		int rate = 1 + i % 7, burst = 1 + i % 3;

		while (scoreboard_admit(sb, s, "r", 0, rate, burst, now, &ra) ==
		    SB_GATE_OK)
			scoreboard_done(sb, s);
		ck_assert_int_ge(ra, 1);
		now += (int64_t)ra * 1000;
		ck_assert_int_eq(
		    scoreboard_admit(sb, s, "r", 0, rate, burst, now, &ra),
		    SB_GATE_OK);
		scoreboard_done(sb, s);
	}
}
END_TEST

/* One bucket per client: one client's requests never drain another's. */
START_TEST(test_rate_per_client)
{
	struct sb_slot *s = claim(100);
	int ra = 0;

	ck_assert_int_eq(
	    scoreboard_admit(sb, s, "a", 0, 1, 1, 0, &ra), SB_GATE_OK);
	ck_assert_int_eq(
	    scoreboard_admit(sb, s, "a", 0, 1, 1, 0, &ra), SB_GATE_RATE);
	ck_assert_int_eq(
	    scoreboard_admit(sb, s, "b", 0, 1, 1, 0, &ra), SB_GATE_OK);
	ck_assert_int_eq(
	    scoreboard_admit(sb, s, "a", 0, 1, 1, 0, &ra), SB_GATE_RATE);
	/* rate 0: no bucket at all */
	ck_assert_int_eq(
	    scoreboard_admit(sb, s, "a", 0, 0, 0, 0, &ra), SB_GATE_OK);
	/* a refusal by rate comes before the concurrency count */
	ck_assert_int_eq(
	    scoreboard_admit(sb, s, "a", 1, 1, 1, 0, &ra), SB_GATE_RATE);
}
END_TEST

/*
 * Many more clients than buckets: every new client gets a full burst
 * (the stalest bucket of its window is given to it), and the bucket of
 * a client just seen is still its own.
 */
START_TEST(test_rate_many_clients)
{
	struct sb_slot *s = claim(100);
	char c[32], prev[32] = "";
	int i, ra = 0;

	for (i = 0; i < 4 * SB_BUCKETS; i++) {
		snprintf(c, sizeof(c), "10.%d.%d.%d", i >> 16, (i >> 8) & 255,
		    i & 255);
		ck_assert_msg(
		    scoreboard_admit(sb, s, c, 0, 1, 1, i, &ra) == SB_GATE_OK,
		    "new client %s refused", c);
		scoreboard_done(sb, s);
		if (prev[0] != '\0')
			ck_assert_int_eq(
			    scoreboard_admit(sb, s, prev, 0, 1, 1, i, &ra),
			    SB_GATE_RATE);
		snprintf(prev, sizeof(prev), "%s", c);
	}
}
END_TEST

/* ------------------------------------------------------------ names */

START_TEST(test_wait_name)
{
	ck_assert_str_eq(scoreboard_wait_name(check_wait_names[_i].wait),
	    check_wait_names[_i].name);
}
END_TEST

START_TEST(test_wait_names_all)
{
	int a, b;

	ck_assert_int_eq(check_nwait_names, SBW_COUNT);
	for (a = 0; a < SBW_COUNT; a++) {
		const char *na = scoreboard_wait_name((enum sb_wait)a);

		ck_assert_ptr_nonnull(na);
		ck_assert_str_ne(na, "unknown");
		ck_assert_uint_gt(strlen(na), 0);
		/* one token: it goes into key=value lines unescaped */
		ck_assert_uint_eq(
		    strspn(na, "abcdefghijklmnopqrstuvwxyz_"), strlen(na));
		for (b = 0; b < a; b++)
			ck_assert_str_ne(
			    na, scoreboard_wait_name((enum sb_wait)b));
	}
	ck_assert_str_eq(scoreboard_wait_name(SBW_COUNT), "unknown");
	ck_assert_str_eq(scoreboard_wait_name((enum sb_wait) - 1), "unknown");
	ck_assert_str_eq(scoreboard_wait_name((enum sb_wait)1000), "unknown");
}
END_TEST

Suite *
suite_scoreboard(void)
{
	Suite *s = suite_create("scoreboard");
	TCase *tc;

	tc = tcase_create("Slots");
	tcase_add_checked_fixture(tc, sb_setup, sb_teardown);
	tcase_add_test(tc, test_create);
	tcase_add_test(tc, test_reserve);
	tcase_add_test(tc, test_claim_reserved);
	tcase_add_test(tc, test_claim_all);
	tcase_add_test(tc, test_retire);
	tcase_add_test(tc, test_shared_with_child);
	tcase_add_test(tc, test_proc_records);
	suite_add_tcase(s, tc);

	tc = tcase_create("Admit");
	tcase_add_checked_fixture(tc, sb_setup, sb_teardown);
	tcase_add_test(tc, test_admit_per_ip);
	tcase_add_test(tc, test_admit_slot_fields);
	tcase_add_test(tc, test_admit_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("Rate");
	tcase_add_checked_fixture(tc, sb_setup, sb_teardown);
	tcase_add_loop_test(tc, test_rate_bucket, 0, NELEM(rate_rows));
	tcase_add_test(tc, test_rate_retry_after_honoured);
	tcase_add_test(tc, test_rate_per_client);
	tcase_add_test(tc, test_rate_many_clients);
	suite_add_tcase(s, tc);

	tc = tcase_create("Names");
	tcase_add_loop_test(tc, test_wait_name, 0, check_nwait_names);
	tcase_add_test(tc, test_wait_names_all);
	suite_add_tcase(s, tc);
	return s;
}
