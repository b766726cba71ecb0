/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The metrics page (metrics.c), in both formats, read back line by
 * line:
 *
 * - every family has one HELP and one TYPE, before its samples; every
 *   sample belongs to the family declared last; names start dlfcgi_;
 * - Prometheus 0.0.4: counter families end in _total, no UNIT, no
 *   "# EOF"; OpenMetrics 1.0.0: counter families without _total, their
 *   samples with it, a UNIT only on a name that ends in it, "# EOF" the
 *   last line and nowhere else;
 * - histograms: buckets cumulative, +Inf equal to _count, from counts
 *   set in the shared counters; seconds exactly;
 * - the metrics the issue names are there, with every label value of
 *   their fixed sets; label keys only from a fixed list (no client or
 *   path);
 * - the length does not depend on the pool size;
 * - the content types.
 */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "config.h"
#include "metrics.h"
#include "scoreboard.h"
#include "stats.h"

#define METRICS_BUF (256 * 1024)
#define FAMILIES_MAX 128

static char buf[METRICS_BUF];
static struct dl_config cfg;

/* Renders into buf (NUL-terminated); returns its length. */
static size_t
render(struct scoreboard *sb, bool om)
{
	struct out o;

	out_init(&o, NULL, buf, sizeof(buf) - 1);
	metrics_render(&o, sb, &cfg, om, -1, -1);
	ck_assert_uint_lt(o.total, sizeof(buf) - 1); /* nothing drained */
	ck_assert_int_eq(o.err, 0);
	buf[o.len] = '\0';
	return o.len;
}

static void
metrics_setup(void)
{
	config_defaults(&cfg);
}

static void
metrics_teardown(void)
{
	config_free(&cfg);
}

struct family {
	char name[128];
	char type[16];
	bool help;
};

static bool
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* The sample name of line (before '{' or ' '). */
static void
sample_name(const char *line, char *name, size_t len)
{
	size_t n = strcspn(line, "{ ");

	ck_assert_uint_lt(n, len);
	memcpy(name, line, n);
	name[n] = '\0';
}

/* True if sample belongs to family f in format om. */
static bool
sample_of(const struct family *f, const char *sample, bool om)
{
	char want[128];
	const char *suffixes[4] = {"", NULL, NULL, NULL};
	size_t i;

	if (strcmp(f->type, "counter") == 0)
		suffixes[0] = om ? "_total" : "";
	else if (strcmp(f->type, "histogram") == 0) {
		suffixes[0] = "_bucket";
		suffixes[1] = "_count";
		suffixes[2] = "_sum";
	} else if (strcmp(f->type, "info") == 0)
		suffixes[0] = "_info";
	for (i = 0; i < 4 && suffixes[i] != NULL; i++) {
		snprintf(want, sizeof(want), "%s%s", f->name, suffixes[i]);
		if (strcmp(want, sample) == 0)
			return true;
	}
	return false;
}

/* Label keys allowed: fixed sets only, never a client or a path. */
static void
check_labels(const char *line)
{
	static const char *const keys[] = {
	    "code", "reason", "state", "result", "version", "le"};
	const char *p = strchr(line, '{');
	size_t i, n;
	bool ok;

	if (p == NULL)
		return;
	p++;
	while (*p != '}' && *p != '\0') {
		n = strcspn(p, "=");
		ok = false;
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			ok |=
			    strlen(keys[i]) == n && strncmp(p, keys[i], n) == 0;
		ck_assert_msg(ok, "unexpected label in %s", line);
		p = strchr(p, '"');
		ck_assert_ptr_nonnull(p);
		p = strchr(p + 1, '"'); /* label values hold no quote */
		ck_assert_ptr_nonnull(p);
		p++;
		if (*p == ',')
			p++;
	}
	ck_assert_int_eq(*p, '}');
}

/*
 * Walks the page: families, samples, histograms. Returns how many
 * families it declared.
 */
static int
check_page(char *page, bool om)
{
	static struct family fam[FAMILIES_MAX];
	struct family *cur = NULL;
	char name[128], *line, *save = NULL, *next;
	uint64_t prev_bucket = 0, v;
	int nfam = 0, i;
	bool eof = false;

	ck_assert_msg(page[0] != '\0' && has_suffix(page, "\n"),
	    "the page ends in a newline");
	for (line = strtok_r(page, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		ck_assert_msg(!eof, "nothing after # EOF: %s", line);
		if (strcmp(line, "# EOF") == 0) {
			ck_assert_msg(om, "# EOF in Prometheus 0.0.4");
			eof = true;
			continue;
		}
		if (strncmp(line, "# HELP ", 7) == 0) {
			sample_name(line + 7, name, sizeof(name));
			for (i = 0; i < nfam; i++)
				ck_assert_msg(strcmp(fam[i].name, name) != 0,
				    "HELP of %s twice", name);
			ck_assert_int_lt(nfam, FAMILIES_MAX);
			cur = &fam[nfam++];
			snprintf(cur->name, sizeof(cur->name), "%s", name);
			cur->type[0] = '\0';
			cur->help = true;
			prev_bucket = 0;
			ck_assert_msg(strncmp(name, "dlfcgi_", 7) == 0 &&
				strncmp(name + 7, "dlfcgi_", 7) != 0,
			    "%s: one dlfcgi_ prefix", name);
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			sample_name(line + 7, name, sizeof(name));
			ck_assert_ptr_nonnull(cur);
			ck_assert_str_eq(cur->name, name);
			ck_assert_msg(cur->type[0] == '\0', "TYPE twice");
			snprintf(cur->type, sizeof(cur->type), "%s",
			    line + 8 + strlen(name));
			if (strcmp(cur->type, "counter") == 0)
				ck_assert_msg(has_suffix(name, "_total") == !om,
				    "counter family %s", name);
			if (!om)
				ck_assert_str_ne(cur->type, "info");
			continue;
		}
		if (strncmp(line, "# UNIT ", 7) == 0) {
			ck_assert_msg(om, "UNIT in Prometheus 0.0.4");
			ck_assert_ptr_nonnull(cur);
			sample_name(line + 7, name, sizeof(name));
			ck_assert_str_eq(cur->name, name);
			snprintf(name, sizeof(name), "_%s",
			    line + 8 + strlen(cur->name));
			ck_assert_msg(has_suffix(cur->name, name),
			    "%s ends in its unit %s", cur->name, name);
			continue;
		}
		ck_assert_msg(line[0] != '#', "unknown comment %s", line);
		/* a sample of the current family */
		ck_assert_msg(cur != NULL && cur->type[0] != '\0',
		    "sample before TYPE: %s", line);
		sample_name(line, name, sizeof(name));
		ck_assert_msg(sample_of(cur, name, om), "%s is not of %s %s",
		    line, cur->type, cur->name);
		check_labels(line);
		next = strrchr(line, ' ');
		ck_assert_ptr_nonnull(next);
		if (strcmp(cur->type, "histogram") != 0)
			continue;
		if (has_suffix(name, "_bucket")) {
			v = strtoull(next + 1, NULL, 10);
			ck_assert_msg(v >= prev_bucket, "%s: cumulative", line);
			prev_bucket = v;
		} else if (has_suffix(name, "_count")) {
			ck_assert_uint_eq(strtoull(next + 1, NULL, 10),
			    prev_bucket); /* the +Inf bucket, just before */
			prev_bucket = 0;
		}
	}
	ck_assert_msg(eof == om, "# EOF ends OpenMetrics only");
	for (i = 0; i < nfam; i++)
		ck_assert_msg(fam[i].help && fam[i].type[0] != '\0',
		    "%s has HELP and TYPE", fam[i].name);
	return nfam;
}

/* The families and samples the issue and the docs promise. */
static const char *const promised[] = {
    "dlfcgi_build_info{version=\"" PACKAGE_VERSION "\"} 1",
    "dlfcgi_start_time_seconds ",
    "dlfcgi_generation ",
    "dlfcgi_workers ",
    "dlfcgi_threads ",
    "dlfcgi_slots_max ",
    "dlfcgi_slots{state=\"idle\"} ",
    "dlfcgi_slots{state=\"reading\"} ",
    "dlfcgi_slots{state=\"sending\"} ",
    "dlfcgi_accepted_total ",
    "dlfcgi_served_total ",
    "dlfcgi_offloaded_total ",
    "dlfcgi_sent_bytes_total ",
    "dlfcgi_requests_total{code=\"200\"} ",
    "dlfcgi_requests_total{code=\"206\"} ",
    "dlfcgi_requests_total{code=\"503\"} ",
    "dlfcgi_requests_total{code=\"other\"} ",
    "dlfcgi_rejected_total{reason=\"rate_per_ip\"} ",
    "dlfcgi_rejected_total{reason=\"queue_timeout\"} ",
    "dlfcgi_rejected_total{reason=\"malformed_request\"} ",
    "dlfcgi_aborted_total{reason=\"client_closed\"} ",
    "dlfcgi_aborted_total{reason=\"shutdown\"} ",
    "dlfcgi_worker_restarts_total{reason=\"crash\"} ",
    "dlfcgi_worker_restarts_total{reason=\"reload\"} ",
    "dlfcgi_config_reloads_total{result=\"ok\"} ",
    "dlfcgi_config_reloads_total{result=\"failed\"} ",
    "dlfcgi_request_duration_seconds_bucket{le=\"0.001\"} ",
    "dlfcgi_request_duration_seconds_bucket{le=\"3600\"} ",
    "dlfcgi_request_duration_seconds_bucket{le=\"+Inf\"} ",
    "dlfcgi_request_duration_seconds_sum ",
    "dlfcgi_request_duration_seconds_count ",
    "dlfcgi_time_to_first_byte_seconds_bucket{le=\"0.001\"} ",
    "dlfcgi_time_to_first_byte_seconds_count ",
    "dlfcgi_config_limit_rate_bytes_per_second ",
    "dlfcgi_config_max_duration_seconds ",
    "dlfcgi_config_send_timeout_seconds ",
};

START_TEST(test_promised)
{
	struct scoreboard *sb = scoreboard_create(4);
	char want[160];
	size_t i;
	int om;

	ck_assert_ptr_nonnull(sb);
	for (om = 0; om <= 1; om++) {
		render(sb, om);
		for (i = 0; i < sizeof(promised) / sizeof(promised[0]); i++) {
			snprintf(want, sizeof(want), "\n%s", promised[i]);
			ck_assert_msg(strstr(buf, want) != NULL, "%s: no %s",
			    om ? "OpenMetrics" : "0.0.4", promised[i]);
		}
		/* every label value of the fixed sets */
		for (i = 0; i < STAT_ABT_COUNT; i++) {
			snprintf(want, sizeof(want),
			    "dlfcgi_aborted_total{reason=\"%s\"} 0\n",
			    stats_abort_name((enum stat_abort)i));
			ck_assert_ptr_nonnull(strstr(buf, want));
		}
		for (i = 0; i < STAT_REJ_COUNT; i++) {
			snprintf(want, sizeof(want),
			    "dlfcgi_rejected_total{reason=\"%s\"} 0\n",
			    stats_reject_name((enum stat_reject)i));
			ck_assert_ptr_nonnull(strstr(buf, want));
		}
	}
	scoreboard_destroy(sb);
}
END_TEST

/* Both formats pass the structure checks; OM families lose _total. */
START_TEST(test_structure)
{
	struct scoreboard *sb = scoreboard_create(4);
	int n0, n1;

	ck_assert_ptr_nonnull(sb);
	render(sb, false);
	ck_assert_ptr_nonnull(
	    strstr(buf, "# TYPE dlfcgi_requests_total counter\n"));
	ck_assert_ptr_nonnull(strstr(buf, "# TYPE dlfcgi_build_info gauge\n"));
	n0 = check_page(buf, false);
	render(sb, true);
	ck_assert_ptr_nonnull(strstr(buf, "# TYPE dlfcgi_requests counter\n"));
	ck_assert_ptr_nonnull(strstr(buf, "# TYPE dlfcgi_build info\n"));
	ck_assert_ptr_nonnull(strstr(buf, "# UNIT dlfcgi_sent_bytes bytes\n"));
	ck_assert_ptr_nonnull(
	    strstr(buf, "# UNIT dlfcgi_request_duration_seconds seconds\n"));
	ck_assert(has_suffix(buf, "\n# EOF\n"));
	n1 = check_page(buf, true);
	ck_assert_int_eq(n0, n1);
	ck_assert_int_gt(n0, 20);
	scoreboard_destroy(sb);
}
END_TEST

/* Histograms from the counters: cumulative, +Inf = count, sum in s. */
START_TEST(test_histogram_values)
{
	struct scoreboard *sb = scoreboard_create(4);
	struct dl_stats *s;
	int om;

	ck_assert_ptr_nonnull(sb);
	s = scoreboard_stats(sb);
	stats_observe_duration(s, 500);	       /* <= 0.001 */
	stats_observe_duration(s, 1000);       /* <= 0.001, on the bound */
	stats_observe_duration(s, 2000);       /* <= 0.005 */
	stats_observe_duration(s, 7200000000); /* +Inf: 2 h */
	stats_observe_ttfb(s, 2000);	       /* <= 0.0025 */
	stats_add(&s->codes[stats_code_index(206)], 3);
	stats_add(&s->sent_bytes, 123456789012ULL);
	for (om = 0; om <= 1; om++) {
		render(sb, om);
		ck_assert_ptr_nonnull(strstr(buf,
		    "\ndlfcgi_request_duration_seconds_bucket{le=\"0.001\"} 2\n"
		    "dlfcgi_request_duration_seconds_bucket{le=\"0.005\"} 3\n"
		    "dlfcgi_request_duration_seconds_bucket{le=\"0.025\"} "
		    "3\n"));
		ck_assert_ptr_nonnull(strstr(buf,
		    "\ndlfcgi_request_duration_seconds_bucket{le=\"3600\"} 3\n"
		    "dlfcgi_request_duration_seconds_bucket{le=\"+Inf\"} 4\n"
		    "dlfcgi_request_duration_seconds_count 4\n"
		    "dlfcgi_request_duration_seconds_sum 7200.0035\n"));
		ck_assert_ptr_nonnull(strstr(buf,
		    "\ndlfcgi_time_to_first_byte_seconds_bucket{le=\"0.001\"}"
		    " "
		    "0\ndlfcgi_time_to_first_byte_seconds_bucket{le=\"0.0025\"}"
		    " "
		    "1\n"));
		ck_assert_ptr_nonnull(strstr(
		    buf, "\ndlfcgi_time_to_first_byte_seconds_sum 0.002\n"));
		ck_assert_ptr_nonnull(
		    strstr(buf, "\ndlfcgi_requests_total{code=\"206\"} 3\n"));
		ck_assert_ptr_nonnull(
		    strstr(buf, "\ndlfcgi_sent_bytes_total 123456789012\n"));
		check_page(buf, om);
	}
	scoreboard_destroy(sb);
}
END_TEST

/* Slots by state add up to the pool; the length is the same for any. */
START_TEST(test_bounded)
{
	struct scoreboard *small = scoreboard_create(2);
	struct scoreboard *big = scoreboard_create(4096);
	struct sb_slot *slot;
	size_t a, b;
	char want[64];

	ck_assert_ptr_nonnull(small);
	ck_assert_ptr_nonnull(big);
	slot = scoreboard_claim(big, 0, 1234, 1);
	ck_assert_ptr_nonnull(slot);
	atomic_store(&slot->state, SB_SENDING);
	a = render(small, true);
	b = render(big, true);
	/* only the figures are wider (2 and 4095 free slots) */
	ck_assert_uint_ge(b, a);
	ck_assert_uint_lt(b - a, 16);
	snprintf(
	    want, sizeof(want), "\ndlfcgi_slots{state=\"free\"} %d\n", 4095);
	ck_assert_ptr_nonnull(strstr(buf, want));
	ck_assert_ptr_nonnull(
	    strstr(buf, "\ndlfcgi_slots{state=\"sending\"} 1\n"));
	ck_assert_uint_lt(b, 16384);
	scoreboard_destroy(small);
	scoreboard_destroy(big);
}
END_TEST

/* The listen queue's gauges: there when the kernel tells, else not. */
START_TEST(test_listen_queue)
{
	struct scoreboard *sb = scoreboard_create(4);
	struct out o;
	int om;

	ck_assert_ptr_nonnull(sb);
	for (om = 0; om <= 1; om++) {
		out_init(&o, NULL, buf, sizeof(buf) - 1);
		metrics_render(&o, sb, &cfg, om, 3, 4096);
		buf[o.len] = '\0';
		ck_assert_ptr_nonnull(strstr(buf,
		    "\n# TYPE dlfcgi_listen_queue gauge\n"
		    "dlfcgi_listen_queue 3\n"));
		ck_assert_ptr_nonnull(strstr(buf,
		    "\n# TYPE dlfcgi_listen_backlog gauge\n"
		    "dlfcgi_listen_backlog 4096\n"));
		check_page(buf, om);
		render(sb, om); /* -1: unknown */
		ck_assert_ptr_null(strstr(buf, "dlfcgi_listen_"));
	}
	scoreboard_destroy(sb);
}
END_TEST

START_TEST(test_content_type)
{
	ck_assert_str_eq(metrics_content_type(false),
	    "text/plain; version=0.0.4; charset=utf-8");
	ck_assert_str_eq(metrics_content_type(true),
	    "application/openmetrics-text; version=1.0.0; charset=utf-8");
}
END_TEST

Suite *
suite_metrics(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc;

	tc = tcase_create("metrics");
	tcase_add_checked_fixture(tc, metrics_setup, metrics_teardown);
	tcase_add_test(tc, test_promised);
	tcase_add_test(tc, test_structure);
	tcase_add_test(tc, test_histogram_values);
	tcase_add_test(tc, test_bounded);
	tcase_add_test(tc, test_listen_queue);
	tcase_add_test(tc, test_content_type);
	suite_add_tcase(s, tc);
	return s;
}
