/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The status page's formatters (status.c), read back:
 *
 * - the query words (a table);
 * - one row per slot state and per wait: its name, and what a slot in
 *   that state shows (the strings of a busy slot only);
 * - hostile strings (quotes, backslashes, markup, controls, invalid
 *   UTF-8, U+2028, the longest path a slot holds) in every format:
 *   the JSON is valid (a string-aware scanner: escapes, no raw control
 *   byte, UTF-8, brackets), the HTML holds no markup character, the
 *   text keeps one key per line, OpenMetrics never shows them;
 * - percent and rate edge cases: total unknown, a 0-byte body, more
 *   sent than announced, int64 extremes, a negative rate;
 * - the pool's figures: offloaded counted on its own, the limits with
 *   no placeholder key, "start time seconds";
 * - bounded output: a 4096-slot pool, every slot busy with the longest
 *   escape, through a counting struct out with a 32 KiB buffer: the
 *   page is streamed, its length bounded by rows x the longest row.
 */
#include "autoconfig.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "config.h"
#include "escape.h"
#include "scoreboard.h"
#include "stats.h"
#include "status.h"

#define PAGE_MAX (8 << 20) /* the whole 4096-slot page, for the scanner */

static char page[PAGE_MAX];
static struct dl_config cfg;

static void
status_setup(void)
{
	config_defaults(&cfg);
}

static void
status_teardown(void)
{
	config_free(&cfg);
}

/* Starts o on page (NUL-terminated by done()). */
static void
start(struct out *o)
{
	out_init(o, NULL, page, sizeof(page) - 1);
}

static size_t
done(struct out *o)
{
	ck_assert_int_eq(o->err, 0);
	ck_assert_uint_eq(o->total, o->len); /* nothing drained */
	page[o->len] = '\0';
	return o->len;
}

/* ------------------------------------------------------------ scanners */

/* Every byte of s[0..n) is valid UTF-8; returns the bad offset or -1. */
static long
utf8_bad(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		k = escape_utf8_len((const unsigned char *)s + i);
		if (k == 0 || i + k > n)
			return (long)i;
		i += k;
	}
	return -1;
}

/*
 * JSON as the page writes it: every string closed, only the escapes
 * of RFC 8259 §7, no byte below 0x20 and no raw U+2028/U+2029 in a
 * string, UTF-8 throughout, brackets balanced and matched. Returns
 * NULL, or what is wrong.
 */
static const char *
json_bad(const char *s)
{
	char stack[64];
	size_t depth = 0, i, k;
	const unsigned char *u = (const unsigned char *)s;
	bool in = false;

	if (utf8_bad(s, strlen(s)) >= 0)
		return "not UTF-8";
	for (i = 0; u[i] != '\0'; i++) {
		if (in) {
			if (u[i] < 0x20)
				return "a control byte in a string";
			if (u[i] == 0xe2 && u[i + 1] == 0x80 &&
			    (u[i + 2] == 0xa8 || u[i + 2] == 0xa9))
				return "raw U+2028/U+2029";
			if (u[i] == '"')
				in = false;
			else if (u[i] == '\\') {
				i++;
				if (u[i] == 'u') {
					for (k = 1; k <= 4; k++)
						if (strchr("0123456789abcdefABC"
							   "DEF",
							u[i + k]) == NULL ||
						    u[i + k] == '\0')
							return "bad \\u";
					i += 4;
				} else if (u[i] == '\0' ||
				    strchr("\"\\/bfnrt", u[i]) == NULL)
					return "bad escape";
			}
			continue;
		}
		switch (u[i]) {
		case '"':
			in = true;
			break;
		case '{':
		case '[':
			if (depth == sizeof(stack))
				return "too deep";
			stack[depth++] = (char)(u[i] == '{' ? '}' : ']');
			break;
		case '}':
		case ']':
			if (depth == 0 || stack[--depth] != (char)u[i])
				return "unbalanced";
			break;
		default:
			if (strchr(" \n,:-0123456789truefalsn", u[i]) == NULL)
				return "a stray byte outside strings";
		}
	}
	if (in)
		return "an unclosed string";
	return depth == 0 ? NULL : "unclosed brackets";
}

/* Text: UTF-8, every line "key: value" or empty. NULL or the problem. */
static const char *
text_bad(const char *s)
{
	const char *line, *nl;

	if (utf8_bad(s, strlen(s)) >= 0)
		return "not UTF-8";
	for (line = s; *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			return "no final newline";
		if (nl == line)
			continue;
		if (memmem(line, (size_t)(nl - line), ": ", 2) == NULL)
			return "a line without a key";
	}
	return NULL;
}

/* HTML text: no markup character, every & an entity, no control. */
static const char *
html_bad(const char *s)
{
	static const char *const ent[] = {
	    "&amp;", "&lt;", "&gt;", "&quot;", "&#39;"};
	size_t i, k;
	bool ok;

	if (utf8_bad(s, strlen(s)) >= 0)
		return "not UTF-8";
	for (i = 0; s[i] != '\0'; i++) {
		if (strchr("<>\"'", s[i]) != NULL)
			return "a markup character";
		if ((unsigned char)s[i] < 0x20 && s[i] != '\n')
			return "a control byte";
		if (s[i] != '&')
			continue;
		for (ok = false, k = 0; k < NELEM(ent); k++)
			ok |= strncmp(s + i, ent[k], strlen(ent[k])) == 0;
		if (!ok)
			return "a bare &";
	}
	return NULL;
}

/* ---------------------------------------------------------- the query */

static const struct {
	const char *qs;
	enum status_format format;
	bool full, clients;
} queries[] = {
    {NULL, STATUS_TEXT, false, false},
    {"", STATUS_TEXT, false, false},
    {"json", STATUS_JSON, false, false},
    {"json=1", STATUS_JSON, false, false},
    {"html", STATUS_HTML, false, false},
    {"openmetrics", STATUS_OPENMETRICS, false, false},
    {"full", STATUS_TEXT, true, false},
    {"clients", STATUS_TEXT, false, true},
    {"json&full&clients", STATUS_JSON, true, true},
    {"full;html", STATUS_HTML, true, false},
    {"json&html", STATUS_HTML, false, false}, /* the last one wins */
    {"jsonx&fullness&client", STATUS_TEXT, false, false},
    {"&&json&&", STATUS_JSON, false, false},
    {"JSON", STATUS_TEXT, false, false}, /* words are lower case */
    {"x=json", STATUS_TEXT, false, false},
};

START_TEST(test_query)
{
	struct status_query q;

	status_query_parse(queries[_i].qs, &q);
	ck_assert_msg(q.format == queries[_i].format &&
		q.full == queries[_i].full && q.clients == queries[_i].clients,
	    "query \"%s\"", queries[_i].qs ? queries[_i].qs : "(null)");
}
END_TEST

START_TEST(test_content_type)
{
	ck_assert_str_eq(
	    status_content_type(STATUS_TEXT), "text/plain; charset=utf-8");
	ck_assert_str_eq(status_content_type(STATUS_JSON), "application/json");
	ck_assert_str_eq(
	    status_content_type(STATUS_HTML), "text/html; charset=utf-8");
	ck_assert_ptr_nonnull(strstr(
	    status_content_type(STATUS_OPENMETRICS), "openmetrics-text"));
}
END_TEST

/* ---------------------------------------------------- states and waits */

static const struct {
	enum sb_state state;
	const char *name;
	bool busy; /* its strings shown */
} states[] = {
    {SB_FREE, "free", false},
    {SB_IDLE, "idle", false},
    {SB_READING, "reading", true},
    {SB_SENDING, "sending", true},
    {SB_RESERVED, "reserved", false},
    {SB_STARTING, "starting", false},
    {SB_STOPPING, "stopping", false},
};

/* A busy-looking snapshot; the caller changes what it tests. */
static void
snap(struct sb_snapshot *s, enum sb_state st)
{
	memset(s, 0, sizeof(*s));
	s->pid = 4242;
	s->state = st;
	s->wait = SBW_SOCKET;
	snprintf(s->client, sizeof(s->client), "192.0.2.7");
	snprintf(s->path, sizeof(s->path), "/iso/debian.iso");
	snprintf(s->method, sizeof(s->method), "GET");
	snprintf(s->range, sizeof(s->range), "bytes=0-99");
	s->status = 206;
	s->sent = 50;
	s->total = 100;
	s->limit_rate = 1000;
	s->start_ms = 10000;
	s->first_ms = 10010;
	s->progress_ms = 19000;
	s->rate = 2048;
	s->requests = 7;
}

START_TEST(test_state_row)
{
	struct sb_snapshot s;
	struct out o;
	char want[64];
	bool busy = states[_i].busy;

	ck_assert_str_eq(status_state_name(states[_i].state), states[_i].name);
	snap(&s, states[_i].state);
	start(&o);
	status_format_slot(&o, STATUS_JSON, 3, &s, 20000, 1700000000, true);
	done(&o);
	ck_assert_msg(json_bad(page) == NULL, "%s: %s", json_bad(page), page);
	snprintf(want, sizeof(want), "\"state\": \"%s\"", states[_i].name);
	ck_assert_ptr_nonnull(strstr(page, want));
	ck_assert_ptr_nonnull(strstr(page, "\"slot\": 3, \"pid\": 4242"));
	/* strings and figures of a request only while it is busy */
	ck_assert_msg((strstr(page, "/iso/debian.iso") != NULL) == busy,
	    "%s: path", states[_i].name);
	ck_assert((strstr(page, "192.0.2.7") != NULL) == busy);
	ck_assert((strstr(page, "\"percent\": 50,") != NULL) == busy);
	ck_assert((strstr(page, "\"duration_ms\": 10000,") != NULL) == busy);
	ck_assert(
	    (strstr(page, "\"since_progress_ms\": 1000,") != NULL) == busy);
	ck_assert((strstr(page, "\"wait\": \"socket\"") != NULL) == busy);
	if (!busy)
		ck_assert_ptr_nonnull(strstr(
		    page, "\"sent\": 0, \"total\": -1, \"percent\": -1"));
	ck_assert_ptr_nonnull(strstr(page, "\"requests\": 7}"));

	start(&o);
	status_format_slot(&o, STATUS_TEXT, 3, &s, 20000, 1700000000, false);
	done(&o);
	ck_assert_msg(text_bad(page) == NULL, "%s", text_bad(page));
	snprintf(want, sizeof(want), "\nstate: %s\n", states[_i].name);
	ck_assert_ptr_nonnull(strstr(page, want));
	ck_assert((strstr(page, "\npath: /iso/debian.iso\n") != NULL) == busy);

	start(&o);
	status_format_slot(
	    &o, STATUS_OPENMETRICS, 3, &s, 20000, 1700000000, false);
	done(&o);
	snprintf(want, sizeof(want),
	    "dlfcgi_slot_sent_bytes{slot=\"3\",pid=\"4242\",state=\"%s\"} %d\n",
	    states[_i].name, busy ? 50 : 0);
	ck_assert_str_eq(page, want);
}
END_TEST

START_TEST(test_wait_row)
{
	struct sb_snapshot s;
	struct out o;
	char want[64];

	ck_assert_str_eq(scoreboard_wait_name(check_wait_names[_i].wait),
	    check_wait_names[_i].name);
	snap(&s, SB_SENDING);
	s.wait = check_wait_names[_i].wait;
	start(&o);
	status_format_slot(&o, STATUS_JSON, 0, &s, 20000, 1700000000, true);
	done(&o);
	snprintf(
	    want, sizeof(want), "\"wait\": \"%s\"", check_wait_names[_i].name);
	ck_assert_ptr_nonnull(strstr(page, want));
	start(&o);
	status_format_slot(&o, STATUS_TEXT, 0, &s, 20000, 1700000000, true);
	done(&o);
	snprintf(want, sizeof(want), "\nwait: %s\n", check_wait_names[_i].name);
	ck_assert_ptr_nonnull(strstr(page, want));
}
END_TEST

START_TEST(test_names_total)
{
	/* every enum value has a name; out of range is "unknown" */
	ck_assert_int_eq(check_nwait_names, SBW_COUNT);
	ck_assert_str_eq(scoreboard_wait_name(SBW_COUNT), "unknown");
	ck_assert_str_eq(status_state_name((enum sb_state)99), "unknown");
}
END_TEST

/* ---------------------------------------------------- hostile strings */

/* The longest escape of each format, the whole field long (setup). */
static char longest[3][SB_PATH_LEN];

static const char *const hostile[] = {
    "q\"uote", "back\\slash", "<script>alert(1)</script>&lt;",
    "new\nline\r\ttab", "bad\xff\xfeutf8\xc0\xaf",
    "ls\xe2\x80\xa8sep\xe2\x80\xa9", "\x01\x02\x1f\x7f",
    "'single' & \"double\"", "} ], \"x\": {", "# EOF\nfake_metric 1",
    longest[0], /* JSON: \u0001 */
    longest[1], /* HTML: &quot; */
    longest[2], /* label: U+FFFD */
};

static void
hostile_setup(void)
{
	status_setup();
	memset(longest[0], '\x01', sizeof(longest[0]) - 1);
	memset(longest[1], '"', sizeof(longest[1]) - 1);
	memset(longest[2], '\xff', sizeof(longest[2]) - 1);
}

/* Fills every string of s with h, cut to its field. */
static void
snap_hostile(struct sb_snapshot *s, const char *h)
{
	snap(s, SB_SENDING);
	snprintf(s->client, sizeof(s->client), "%s", h);
	snprintf(s->path, sizeof(s->path), "%s", h);
	snprintf(s->method, sizeof(s->method), "%s", h);
	snprintf(s->range, sizeof(s->range), "%s", h);
}

START_TEST(test_hostile_json)
{
	struct sb_snapshot s;
	struct status_client c = {.active = 1, .rate = 5, .refused = 2};
	struct out o;
	char esc[SB_PATH_LEN * 6 + 1];

	snap_hostile(&s, hostile[_i]);
	start(&o);
	out_puts(&o, "[");
	status_format_slot(&o, STATUS_JSON, 1, &s, 20000, 1700000000, true);
	status_format_slot(&o, STATUS_JSON, 2, &s, 20000, 1700000000, false);
	c.client = s.client;
	status_format_client(&o, STATUS_JSON, &c, false);
	out_puts(&o, "]");
	done(&o);
	ck_assert_msg(json_bad(page) == NULL, "row %d: %s in %s", _i,
	    json_bad(page), page);
	/* the whole path, escaped, is there: nothing cut */
	escape_json(s.path, esc, sizeof(esc));
	ck_assert_ptr_nonnull(strstr(page, esc));
	ck_assert_ptr_nonnull(strstr(page, "\"requests\": 7}"));
	ck_assert_ptr_nonnull(strstr(page, "\"refused\": 2}"));
}
END_TEST

START_TEST(test_hostile_text)
{
	struct sb_snapshot s;
	struct status_client c = {.active = 1, .rate = 5, .refused = 2};
	struct out o;
	const char *p;
	int lines = 0;

	snap_hostile(&s, hostile[_i]);
	start(&o);
	status_format_slot(&o, STATUS_TEXT, 1, &s, 20000, 1700000000, true);
	c.client = s.client;
	status_format_client(&o, STATUS_TEXT, &c, false);
	done(&o);
	ck_assert_msg(text_bad(page) == NULL, "row %d: %s", _i, text_bad(page));
	for (p = page; (p = strchr(p, '\n')) != NULL; p++)
		lines++;
	/* slot: blank + 18 keys; client: blank + 4 keys */
	ck_assert_int_eq(lines, 19 + 5);
	ck_assert_ptr_nonnull(strstr(page, "\nrequests: 7\n"));
}
END_TEST

START_TEST(test_hostile_html)
{
	struct sb_snapshot s;
	struct out o;
	const char *p, *q;
	char v[SB_PATH_LEN * 6 + 1];

	/* the page's strings come from ?json (textContent); what status.c
	 * escapes for HTML is each string of a row */
	snap_hostile(&s, hostile[_i]);
	start(&o);
	status_format_slot(&o, STATUS_HTML, 1, &s, 20000, 1700000000, true);
	done(&o);
	/* each value after "key: " up to its line end is HTML text */
	for (p = page; (p = strstr(p, ": ")) != NULL; p = q) {
		p += 2;
		q = strchr(p, '\n');
		ck_assert_ptr_nonnull(q);
		ck_assert_uint_lt((size_t)(q - p), sizeof(v));
		memcpy(v, p, (size_t)(q - p));
		v[q - p] = '\0';
		ck_assert_msg(
		    html_bad(v) == NULL, "row %d: %s: %s", _i, html_bad(v), v);
	}
}
END_TEST

START_TEST(test_hostile_openmetrics)
{
	struct sb_snapshot s;
	struct status_client c = {.active = 1, .rate = 5, .refused = 2};
	struct out o;

	snap_hostile(&s, hostile[_i]);
	start(&o);
	status_format_slot(
	    &o, STATUS_OPENMETRICS, 1, &s, 20000, 1700000000, true);
	c.client = s.client;
	status_format_client(&o, STATUS_OPENMETRICS, &c, false);
	done(&o);
	/* never a client's string: only slot, pid and state labels */
	ck_assert_str_eq(page,
	    "dlfcgi_slot_sent_bytes{slot=\"1\",pid=\"4242\","
	    "state=\"sending\"} 50\n");
}
END_TEST

/* A hostile version string (the one string of the pool's part). */
START_TEST(test_hostile_pool)
{
	struct status_pool p = {
	    .version = hostile[_i], .listen_queue = -1, .listen_backlog = -1};
	struct status_query q = {.format = STATUS_JSON};
	struct out o;

	start(&o);
	status_format_begin(&o, &q, &p, &cfg);
	status_format_end(&o, &q);
	done(&o);
	ck_assert_msg(json_bad(page) == NULL, "%s", json_bad(page));
	q.format = STATUS_TEXT;
	start(&o);
	status_format_begin(&o, &q, &p, &cfg);
	done(&o);
	ck_assert_msg(text_bad(page) == NULL, "%s", text_bad(page));
}
END_TEST

/* ------------------------------------------------ percent and rates */

static const struct {
	int64_t sent, total, percent;
} percents[] = {
    {0, -1, -1},		     /* total unknown */
    {12345, -1, -1},		     /* ... whatever was sent */
    {0, 0, 100},		     /* a 0-byte file is done */
    {0, 100, 0},		     /* nothing yet */
    {1, 3, 33},			     /* rounded down */
    {99, 100, 99},		     /* not 100 before the end */
    {100, 100, 100},		     /* the end */
    {150, 100, 100},		     /* more than announced: capped */
    {5, 0, 100},		     /* ... also of a 0-byte one */
    {-1, 100, -1},		     /* a broken figure: unknown */
    {INT64_MAX / 2, INT64_MAX, 49},  /* no overflow */
    {INT64_MAX - 1, INT64_MAX, 99},  /* no overflow, not 100 */
    {INT64_MAX, INT64_MAX, 100},     /* the largest */
    {INT64_MAX / 100, INT64_MAX, 0}, /* 0.99...%: 0 */
    {1 << 30, 4LL << 30, 25},	     /* a 4 GiB file */
};

START_TEST(test_percent)
{
	ck_assert_int_eq(status_percent(percents[_i].sent, percents[_i].total),
	    percents[_i].percent);
}
END_TEST

START_TEST(test_percent_row)
{
	struct sb_snapshot s;
	struct out o;
	char want[96];

	snap(&s, SB_SENDING);
	s.sent = percents[_i].sent;
	s.total = percents[_i].total;
	start(&o);
	status_format_slot(&o, STATUS_JSON, 0, &s, 20000, 1700000000, true);
	done(&o);
	/* a negative sent shows as 0: then the percent is that of 0 */
	snprintf(want, sizeof(want), "\"percent\": %lld,",
	    (long long)status_percent(
		percents[_i].sent < 0 ? 0 : percents[_i].sent,
		percents[_i].total));
	ck_assert_msg(strstr(page, want) != NULL, "%s in %s", want, page);
	ck_assert_ptr_nonnull(strstr(page, "\"sent\": "));
	ck_assert_ptr_null(strstr(page, "\"sent\": -"));
}
END_TEST

/* Clocks that went backwards, a negative rate, no progress yet. */
START_TEST(test_rate_edges)
{
	struct sb_snapshot s;
	struct out o;

	snap(&s, SB_SENDING);
	s.rate = -5;
	s.start_ms = 30000; /* after now_ms */
	s.progress_ms = 40000;
	start(&o);
	status_format_slot(&o, STATUS_JSON, 0, &s, 20000, 1700000000, true);
	done(&o);
	ck_assert_ptr_nonnull(strstr(page,
	    "\"duration_ms\": 0, \"rate\": 0, "
	    "\"since_progress_ms\": 0,"));
	snap(&s, SB_READING);
	s.progress_ms = 0; /* nothing sent yet: stalled since its start */
	s.total = -1;
	start(&o);
	status_format_slot(&o, STATUS_TEXT, 0, &s, 20000, 1700000000, true);
	done(&o);
	ck_assert_ptr_nonnull(strstr(page, "\ntotal: -1\npercent: -1\n"));
	ck_assert_ptr_nonnull(strstr(page,
	    "\nduration ms: 10000\nrate: 2048\n"
	    "since progress ms: 10000\n"));
}
END_TEST

/* ------------------------------------------------------ the pool part */

START_TEST(test_pool)
{
	struct status_pool p = {.version = "1.2.3",
	    .start_time = 1700000000,
	    .now = 1700000100,
	    .workers = 2,
	    .threads = 16,
	    .busy = 3,
	    .idle = 29,
	    .max = 32,
	    .listen_queue = 4,
	    .listen_backlog = 128,
	    .accepted = 11,
	    .served = 9,
	    .offloaded = 5,
	    .sent_bytes = 1234};
	struct status_query q = {.format = STATUS_JSON};
	struct out o;

	p.rejected[STAT_REJ_COUNT - 1] = 6;
	cfg.limit_rate = 1000;
	start(&o);
	status_format_begin(&o, &q, &p, &cfg);
	status_format_end(&o, &q);
	done(&o);
	ck_assert_msg(json_bad(page) == NULL, "%s", json_bad(page));
	ck_assert_ptr_nonnull(strstr(page,
	    "\n\"served\": 9,\n"
	    "\"offloaded\": 5,\n"));
	ck_assert_ptr_nonnull(
	    strstr(page, "\"limits\": {\"max_clients_per_ip\": "));
	ck_assert_ptr_null(strstr(page, "\"_\""));
	ck_assert_ptr_nonnull(strstr(page, "\"limit_rate\": 1000, "));
	ck_assert_ptr_nonnull(
	    strstr(page, "\"start_time_seconds\": 1700000000"));
	ck_assert_ptr_nonnull(strstr(page, "\"uptime_seconds\": 100"));
	ck_assert_ptr_nonnull(strstr(page, "\"listen_queue\": 4"));

	q.format = STATUS_TEXT;
	start(&o);
	status_format_begin(&o, &q, &p, &cfg);
	done(&o);
	ck_assert_msg(text_bad(page) == NULL, "%s", text_bad(page));
	ck_assert_ptr_nonnull(strstr(page, "\nserved: 9\noffloaded: 5\n"));
	ck_assert_ptr_nonnull(strstr(page,
	    "start time: 2023-11-14T22:13:20Z\n"
	    "start time seconds: 1700000000\nuptime: 100\n"));
	ck_assert_ptr_null(strstr(page, "since"));
	ck_assert_ptr_nonnull(strstr(page, "\nlimit limit_rate: 1000\n"));
	ck_assert_ptr_nonnull(strstr(page, "\nlisten queue: 4\n"));

	p.listen_queue = p.listen_backlog = -1;
	start(&o);
	status_format_begin(&o, &q, &p, &cfg);
	done(&o);
	ck_assert_ptr_nonnull(
	    strstr(page, "\nlisten queue: unknown\nlisten backlog: unknown\n"));
	q.format = STATUS_JSON;
	start(&o);
	status_format_begin(&o, &q, &p, &cfg);
	status_format_end(&o, &q);
	done(&o);
	ck_assert_ptr_nonnull(
	    strstr(page, "\"listen_queue\": null,\n\"listen_backlog\": null"));
}
END_TEST

/* ------------------------------------------------------- bounded page */

#define BIG_POOL 4096
#define SMALL_BUF (32 * 1024)

/* A pool of n slots, all sending the longest escape, 4 clients. */
static struct scoreboard *
busy_pool(size_t n)
{
	struct scoreboard *sb = scoreboard_create(n);
	struct sb_slot *slot;
	char client[16];
	size_t i;
	int ra;

	ck_assert_ptr_nonnull(sb);
	for (i = 0; i < n; i++) {
		slot = scoreboard_claim(sb, 0, 1000 + (pid_t)(i / 256), 0);
		ck_assert_ptr_nonnull(slot);
		scoreboard_done(sb, slot);
		snprintf(client, sizeof(client), "192.0.2.%zu", i % 4);
		ck_assert_int_eq(scoreboard_admit(sb, slot, client, 0, 0, 0,
				     scoreboard_now_ms(), &ra),
		    SB_GATE_OK);
		scoreboard_set_path(slot, longest[0]);
		scoreboard_describe(slot, "GET", "bytes=0-1", 206, 1 << 30, 0);
		atomic_store(&slot->state, SB_SENDING);
		scoreboard_progress(slot, (int64_t)i, scoreboard_now_ms());
	}
	return sb;
}

static const struct status_query bounded_q[] = {
    {STATUS_JSON, true, true},
    {STATUS_TEXT, true, true},
    {STATUS_OPENMETRICS, true, false},
    {STATUS_HTML, false, false},
};

START_TEST(test_bounded)
{
	static char small[SMALL_BUF];
	struct scoreboard *sb = busy_pool(BIG_POOL);
	struct scoreboard *one = busy_pool(1);
	const struct status_query *q = &bounded_q[_i];
	struct out o;
	size_t whole, full, row, head;

	/* the page streams through 32 KiB and counts the same bytes */
	out_init(&o, NULL, small, sizeof(small));
	status_render(&o, sb, &cfg, q, 1, 128);
	ck_assert_int_eq(out_flush(&o), 0);
	ck_assert_uint_le(o.len, sizeof(small));
	whole = o.total;
	start(&o);
	status_render(&o, sb, &cfg, q, 1, 128);
	/* the same rows but for the width of the times, a few ms later */
	full = done(&o);
	ck_assert_uint_le(
	    full > whole ? full - whole : whole - full, BIG_POOL * 6);
	if (q->format == STATUS_JSON) {
		ck_assert_msg(json_bad(page) == NULL, "%s", json_bad(page));
		ck_assert_ptr_nonnull(strstr(page, "\"slots_busy\": 4096,"));
	} else if (q->format == STATUS_TEXT)
		ck_assert_msg(text_bad(page) == NULL, "%s", text_bad(page));
	/* bounded: the head plus a row per slot, each as long as one */
	start(&o);
	status_render(&o, one, &cfg, q, 1, 128);
	head = done(&o);
	if (q->format == STATUS_HTML) {
		ck_assert_uint_eq(whole, head); /* the same page */
		ck_assert_uint_gt(whole, SMALL_BUF / 8);
	} else {
		ck_assert_uint_gt(
		    whole, SMALL_BUF);		  /* larger than the buffer */
		row = 2 * SB_PATH_LEN * 6 + 1024; /* a row's strings and keys */
		ck_assert_uint_le(whole, head + BIG_POOL * row);
		ck_assert_uint_ge(whole, head + (BIG_POOL - 1) * 40);
	}
	scoreboard_destroy(sb);
	scoreboard_destroy(one);
}
END_TEST

Suite *
suite_status(void)
{
	Suite *s = suite_create("status");
	TCase *tc;

	tc = tcase_create("query");
	tcase_add_loop_test(tc, test_query, 0, NELEM(queries));
	tcase_add_test(tc, test_content_type);
	suite_add_tcase(s, tc);

	tc = tcase_create("rows");
	tcase_add_checked_fixture(tc, status_setup, status_teardown);
	tcase_add_loop_test(tc, test_state_row, 0, NELEM(states));
	tcase_add_loop_test(tc, test_wait_row, 0, check_nwait_names);
	tcase_add_test(tc, test_names_total);
	tcase_add_loop_test(tc, test_percent, 0, NELEM(percents));
	tcase_add_loop_test(tc, test_percent_row, 0, NELEM(percents));
	tcase_add_test(tc, test_rate_edges);
	tcase_add_test(tc, test_pool);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_add_checked_fixture(tc, hostile_setup, status_teardown);
	tcase_add_loop_test(tc, test_hostile_json, 0, NELEM(hostile));
	tcase_add_loop_test(tc, test_hostile_text, 0, NELEM(hostile));
	tcase_add_loop_test(tc, test_hostile_html, 0, NELEM(hostile));
	tcase_add_loop_test(tc, test_hostile_openmetrics, 0, NELEM(hostile));
	tcase_add_loop_test(tc, test_hostile_pool, 0, NELEM(hostile));
	tcase_add_loop_test(tc, test_bounded, 0, NELEM(bounded_q));
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
