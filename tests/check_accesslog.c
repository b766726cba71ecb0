/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The access log (accesslog.c): the escaping of every field a peer sets
 * (accesslog_escape, accesslog_escape_token) and the lines
 * accesslog_write puts in a real file.
 *
 * - Escape: tables of hostile values (CR, LF, quotes, backslashes,
 *   control bytes, DEL, non-UTF-8) and the cut of a value that does not
 *   fit, never inside an escape; every byte value; random values of
 *   random lengths into buffers of every size, decoded back.
 * - JSON: accesslog_format_json (pure) with hostile fields: quotes,
 *   backslashes, control bytes, newlines, invalid UTF-8, U+2028; a long
 *   path cut at a whole escape; nulls for what is absent; the whole line
 *   of a row; a line for every byte value stays one line. The slow
 *   log's line (slowlog_format, pure) with the same hostile strings,
 *   and its wait= named as on the status page (scoreboard_wait_name).
 * - Line: the format of a line, one line per request whatever the
 *   fields hold, "-" for no range and no reason, a line too long cut but
 *   still ending in a newline, lines appended in order, and a reopen
 *   after the file was renamed (logrotate).
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <check.h>
#include <ctype.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accesslog.h"
#include "check_suites.h"
#include "slowlog.h"
#include "check_util.h"

static const struct {
	const char *in;
	size_t outlen;
	const char *field;
} rows[] = {
    {"GET", 64, "GET"},
    {"", 64, ""},
    {"127.0.0.1", 64, "127.0.0.1"},
    {"GET\r\n2026-01-01 forged", 64, "GET\\x0d\\x0a2026-01-01 forged"},
    {"a\"b", 64, "a\\x22b"},
    {"a\\b", 64, "a\\x5cb"},
    {"\x1b[31mred", 64, "\\x1b[31mred"},
    {"\x01\x1f\x7f", 64, "\\x01\\x1f\\x7f"},
    {"\t", 64, "\\x09"},
    {"caf\xc3\xa9", 64, "caf\\xc3\\xa9"},
    {"\xff\xfe", 64, "\\xff\\xfe"},
    {"\" 200 0 0 -\n", 64, "\\x22 200 0 0 -\\x0a"},
    /* cut at a whole character, never inside an escape */
    {"abcdef", 4, "abc"},
    {"ab\ncd", 6, "ab"},
    {"ab\ncd", 7, "ab\\x0a"},
    {"\n", 5, "\\x0a"},
    {"\n", 4, ""},
    {"x", 1, ""},
};

START_TEST(test_escape_field)
{
	char out[64];

	ck_assert_uint_le(rows[_i].outlen, sizeof(out));
	memset(out, '#', sizeof(out));
	ck_assert_ptr_eq(
	    accesslog_escape(rows[_i].in, out, rows[_i].outlen), out);
	ck_assert_str_eq(out, rows[_i].field);
}
END_TEST

/* Space-separated fields (client, method, range): spaces escaped too. */
static const struct {
	const char *in, *out;
} token_rows[] = {
    {"10.0.0.1", "10.0.0.1"},
    {"GET /forged", "GET\\x20/forged"},
    {"bytes=0-1, 5-6", "bytes=0-1,\\x205-6"},
    {" ", "\\x20"},
    {"a\"b\\c\n", "a\\x22b\\x5cc\\x0a"},
    {"\xc3\xa9", "\\xc3\\xa9"},
};

START_TEST(test_escape_token)
{
	char out[64];

	ck_assert_ptr_eq(
	    accesslog_escape_token(token_rows[_i].in, out, sizeof(out)), out);
	ck_assert_str_eq(out, token_rows[_i].out);
}
END_TEST

/* Escaped output holds only printable ASCII, for every byte value. */
START_TEST(test_every_byte)
{
	char in[2], a[8], t[8];
	const char *p;
	int c;

	for (c = 1; c < 256; c++) {
		in[0] = (char)c;
		in[1] = '\0';
		accesslog_escape(in, a, sizeof(a));
		accesslog_escape_token(in, t, sizeof(t));
		for (p = a; *p != '\0'; p++)
			ck_assert(*p >= 0x20 && *p < 0x7f && *p != '"');
		for (p = t; *p != '\0'; p++)
			ck_assert(*p > 0x20 && *p < 0x7f && *p != '"');
		ck_assert_uint_eq(strlen(a),
		    c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? 1 : 4);
		ck_assert_uint_eq(strlen(t),
		    c > 0x20 && c < 0x7f && c != '"' && c != '\\' ? 1 : 4);
	}
}
END_TEST

/* An empty buffer is left alone; it is still the value returned. */
START_TEST(test_escape_empty_buffer)
{
	char out[4] = "###";

	ck_assert_ptr_eq(accesslog_escape("abc", out, 0), out);
	ck_assert_ptr_eq(accesslog_escape_token("a b", out, 0), out);
	ck_assert_str_eq(out, "###");
}
END_TEST

/* Decodes \xHH escapes of s into out; returns its length. */
static size_t
unescape(const char *s, char *out)
{
	size_t n = 0;
	unsigned v;

	while (*s != '\0') {
		if (*s == '\\') {
			/* ck_abort, not ck_assert: this runs per byte */
			if (s[1] != 'x' || !isxdigit((unsigned char)s[2]) ||
			    !isxdigit((unsigned char)s[3]) ||
			    sscanf(s + 2, "%2x", &v) != 1)
				ck_abort_msg("not a \\xHH escape: %.4s", s);
			out[n++] = (char)v;
			s += 4;
		} else
			out[n++] = *s++;
	}
	return n;
}

/*
 * Random values, random buffer sizes: the output is terminated inside
 * the buffer, holds only printable ASCII and whole escapes, decodes to
 * a prefix of the value, and to the whole value when the buffer was
 * large enough.
 */
START_TEST(test_escape_random)
{
	uint64_t seed = 0x5851f42d4c957f2dULL;
	char in[48], out[256], dec[256];
	size_t len, outlen, n, i, need;
	const char *p;
	int iter;
	bool token;

	for (iter = 0; iter < 20000; iter++) {
		len = (size_t)(check_rand(&seed) % (sizeof(in) - 1));
		for (i = 0; i < len; i++)
			in[i] = (char)(check_rand(&seed) % 255 + 1);
		in[len] = '\0';
		outlen = (size_t)(check_rand(&seed) % sizeof(out)) + 1;
		token = iter % 2 == 1;
		memset(out, '#', sizeof(out));
		if (token)
			accesslog_escape_token(in, out, outlen);
		else
			accesslog_escape(in, out, outlen);
		if (strlen(out) >= outlen)
			ck_abort_msg("iteration %d: output overflows", iter);
		/*
		 * No ck_assert in the loop: each one is a write to Check's
		 * pipe, which under ASan made this test outlive its timeout.
		 */
		for (p = out; *p != '\0'; p++)
			if (!(*p > (token ? 0x20 : 0x1f) && *p < 0x7f &&
				*p != '"'))
				break;
		if (*p != '\0')
			ck_abort_msg("iteration %d: byte 0x%02x left unescaped",
			    iter, (unsigned char)*p);
		n = unescape(out, dec);
		if (n > len || memcmp(dec, in, n) != 0)
			ck_abort_msg(
			    "iteration %d: does not decode back", iter);
		for (i = 0, need = 1; i < len; i++) {
			unsigned char c = (unsigned char)in[i];

			need += c > (token ? 0x20 : 0x1f) && c < 0x7f &&
				c != '"' && c != '\\'
			    ? 1
			    : 4;
		}
		if ((need <= outlen) != (n == len))
			ck_abort_msg("iteration %d: cut %s", iter,
			    n == len ? "too late" : "although it fits");
	}
}
END_TEST

/* The whole access log file, read back (at most len - 1 bytes). */
static size_t
slurp(const char *path, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	ck_assert_int_ge(fd, 0);
	while (n + 1 < len && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += (size_t)r;
	ck_assert_int_eq(close(fd), 0);
	buf[n] = '\0';
	return n;
}

/* Lines (newlines) in s. */
static size_t
lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/*
 * Checks that line starts with an ISO time, "2026-11-28T06:25:48Z",
 * then a space; returns what follows.
 */
static const char *
after_time(const char *line)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:ddZ ";
	size_t i;

	for (i = 0; shape[i] != '\0'; i++)
		ck_assert_msg(shape[i] == 'd' ? isdigit((unsigned char)line[i])
					      : line[i] == shape[i],
		    "no ISO time at the start of \"%s\"", line);
	return line + sizeof(shape) - 1;
}

static char log_path[160];

/* A fresh access log in the case's temp dir, opened. */
static void
log_setup(void)
{
	char dir[128];

	check_test_dir(dir, sizeof(dir));
	snprintf(log_path, sizeof(log_path), "%s/access.log", dir);
	ck_assert(!accesslog_enabled());
	ck_assert_int_eq(accesslog_open(log_path), 0);
	ck_assert(accesslog_enabled());
}

static const struct {
	struct access_entry e;
	const char *want; /* the line after the time */
} line_rows[] = {
    {{"10.0.0.1", "GET", "/a b.txt", 206, "bytes=0-1", 2, 5, NULL},
	"10.0.0.1 \"GET /a b.txt\" 206 bytes=0-1 2 5 -\n"},
    {{"::1", "HEAD", "/x", 200, NULL, 0, 0, NULL},
	"::1 \"HEAD /x\" 200 - 0 0 -\n"},
    {{"10.0.0.2", "GET", "/big", 0, NULL, 5368709120LL, 123456, "client gone"},
	"10.0.0.2 \"GET /big\" 0 - 5368709120 123456 client gone\n"},
    /* a reason goes through accesslog_escape: its spaces stay */
    {{"10.0.0.3", "GET", "/f", 503, NULL, 0, 1, "busy (max_clients)"},
	"10.0.0.3 \"GET /f\" 503 - 0 1 busy (max_clients)\n"},
    /* a forged second line, a closed quote, spaces in tokens */
    {{"1.2.3.4", "GET", "/x\" 200 0 0 -\n2026-01-01T00:00:00Z 6.6.6.6 \"GET /",
	 404, NULL, 0, 0, NULL},
	"1.2.3.4 \"GET /x\\x22 200 0 0 -\\x0a2026-01-01T00:00:00Z 6.6.6.6 "
	"\\x22GET /\" 404 - 0 0 -\n"},
    {{"a b", "GE T", "/\r\n", 416, "bytes=5-1, 7-8", 0, 0, "bad\nrange"},
	"a\\x20b \"GE\\x20T /\\x0d\\x0a\" 416 bytes=5-1,\\x207-8 0 0 "
	"bad\\x0arange\n"},
    {{"10.0.0.4", "GET", "/caf\xc3\xa9\\", 200, NULL, 1, 2, NULL},
	"10.0.0.4 \"GET /caf\\xc3\\xa9\\x5c\" 200 - 1 2 -\n"},
};

START_TEST(test_line)
{
	char buf[2048];

	log_setup();
	accesslog_write(&line_rows[_i].e);
	slurp(log_path, buf, sizeof(buf));
	ck_assert_uint_eq(lines(buf), 1);
	ck_assert_str_eq(after_time(buf), line_rows[_i].want);
}
END_TEST

/*
 * Fields too long are cut, each at a whole character, and the line
 * still ends in its newline: the next line starts on a line of its own.
 */
START_TEST(test_line_too_long)
{
	struct access_entry e = {NULL, NULL, NULL, 200, NULL, 1, 1, NULL};
	char client[300], method[200], path[4000], range[300], reason[600];
	char buf[8192], want[2048], *second;
	size_t n;

	memset(client, 'c', sizeof(client) - 1);
	client[sizeof(client) - 1] = '\0';
	memset(method, 'M', sizeof(method) - 1);
	method[sizeof(method) - 1] = '\0';
	memset(path, '\n', sizeof(path) - 1); /* 4 bytes each once escaped */
	path[sizeof(path) - 1] = '\0';
	memset(range, '5', sizeof(range) - 1);
	range[sizeof(range) - 1] = '\0';
	memset(reason, 'r', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	e.client = client;
	e.method = method;
	e.path = path;
	e.range = range;
	e.reason = reason;
	log_setup();
	accesslog_write(&e);
	e = (struct access_entry){
	    "10.0.0.1", "GET", "/next", 200, NULL, 1, 1, NULL};
	accesslog_write(&e);
	n = slurp(log_path, buf, sizeof(buf));
	ck_assert_uint_eq(lines(buf), 2);
	second = strchr(buf, '\n') + 1;

	/* client 191 bytes, method 95, path 127 escapes, range 127, reason
	 * 159: what the buffers of accesslog_write hold */
	n = 0;
	memset(want + n, 'c', 191);
	n += 191;
	memcpy(want + n, " \"", 2);
	n += 2;
	memset(want + n, 'M', 95);
	n += 95;
	want[n++] = ' ';
	for (int i = 0; i < 127; i++, n += 4)
		memcpy(want + n, "\\x0a", 4);
	memcpy(want + n, "\" 200 ", 6);
	n += 6;
	memset(want + n, '5', 127);
	n += 127;
	memcpy(want + n, " 1 1 ", 5);
	n += 5;
	memset(want + n, 'r', 159);
	n += 159;
	want[n++] = '\n';
	want[n] = '\0';
	ck_assert_int_eq(strncmp(after_time(buf), want, n), 0);
	ck_assert_ptr_eq(after_time(buf) + n, second);
	ck_assert_str_eq(
	    after_time(second), "10.0.0.1 \"GET /next\" 200 - 1 1 -\n");
}
END_TEST

/* Lines are appended in order, each whole. */
START_TEST(test_lines_appended)
{
	struct access_entry e = {
	    "10.0.0.1", "GET", NULL, 200, NULL, 0, 0, NULL};
	char paths[50][16], buf[8192], want[64];
	const char *p;
	int i;

	log_setup();
	for (i = 0; i < NELEM(paths); i++) {
		snprintf(paths[i], sizeof(paths[i]), "/f%d", i);
		e.path = paths[i];
		e.sent = i;
		accesslog_write(&e);
	}
	slurp(log_path, buf, sizeof(buf));
	ck_assert_uint_eq(lines(buf), (size_t)NELEM(paths));
	for (i = 0, p = buf; i < NELEM(paths); i++) {
		snprintf(want, sizeof(want),
		    "10.0.0.1 \"GET /f%d\" 200 - %d 0 -\n", i, i);
		p = after_time(p);
		ck_assert_int_eq(strncmp(p, want, strlen(want)), 0);
		p += strlen(want);
	}
	ck_assert_str_eq(p, "");
}
END_TEST

/* After a rename (logrotate) and a reopen, lines go to the new file. */
START_TEST(test_reopen)
{
	struct access_entry e = {
	    "10.0.0.1", "GET", "/1", 200, NULL, 0, 0, NULL};
	char old[200], buf[1024];

	log_setup();
	accesslog_write(&e);
	snprintf(old, sizeof(old), "%s.1", log_path);
	ck_assert_int_eq(rename(log_path, old), 0);
	ck_assert_int_eq(accesslog_reopen(), 0);
	e.path = "/2";
	accesslog_write(&e);
	slurp(old, buf, sizeof(buf));
	ck_assert_str_eq(after_time(buf), "10.0.0.1 \"GET /1\" 200 - 0 0 -\n");
	slurp(log_path, buf, sizeof(buf));
	ck_assert_str_eq(after_time(buf), "10.0.0.1 \"GET /2\" 200 - 0 0 -\n");
}
END_TEST

/* No access log: nothing is written, nothing breaks. */
START_TEST(test_disabled)
{
	struct access_entry e = {"10.0.0.1", "GET", "/", 200, NULL, 0, 0, NULL};
	int fds = check_open_fds();

	ck_assert_int_eq(accesslog_open(NULL), 0);
	ck_assert(!accesslog_enabled());
	accesslog_write(&e);
	ck_assert_int_eq(check_open_fds(), fds);
}
END_TEST

/* 2026-11-28T06:39:11.042Z */
#define JSON_T0 1795847951042LL

static const struct access_detail detail0 = {
    .body_len = -1, .ttfb_ms = -1, .pid = 4711};

/* Each path as its "path" member must read (RFC 8259 section 7). */
static const struct {
	const char *path, *json;
} json_rows[] = {
    {"/a.iso", "\"/a.iso\""},
    {"/a\"b", "\"/a\\\"b\""},
    {"/a\\b", "\"/a\\\\b\""},
    {"/a\nb\r\t", "\"/a\\nb\\r\\t\""},
    {"/\x01\x1f\x7f", "\"/\\u0001\\u001f\\u007f\""},
    /* invalid UTF-8: each byte named, lossless */
    {"/\xff\xfe", "\"/\\u00ff\\u00fe\""},
    {"/\xc3", "\"/\\u00c3\""},
    {"/\xed\xa0\x80", "\"/\\u00ed\\u00a0\\u0080\""}, /* a surrogate */
    {"/\xc0\xaf", "\"/\\u00c0\\u00af\""},	     /* overlong '/' */
    /* valid UTF-8 passes, U+2028 and U+2029 escaped (JavaScript) */
    {"/caf\xc3\xa9", "\"/caf\xc3\xa9\""},
    {"/\xe2\x80\xa8\xe2\x80\xa9", "\"/\\u2028\\u2029\""},
    /* a forged second object */
    {"/x\"}\n{\"path\":\"/y", "\"/x\\\"}\\n{\\\"path\\\":\\\"/y\""},
    {"", "\"\""},
};

START_TEST(test_json_path)
{
	struct access_entry e = {
	    "10.0.0.1", "GET", json_rows[_i].path, 200, NULL, 0, 0, NULL};
	char line[ACCESSLOG_JSON_MAX], want[512];
	size_t n;

	n = accesslog_format_json(&e, &detail0, JSON_T0, line, sizeof(line));
	ck_assert_uint_eq(n, strlen(line));
	ck_assert_uint_eq(lines(line), 1);
	ck_assert(line[n - 1] == '\n' && line[0] == '{' && line[n - 2] == '}');
	snprintf(want, sizeof(want), ",\"path\":%s,\"status\":200,",
	    json_rows[_i].json);
	ck_assert_msg(strstr(line, want) != NULL, "%s lacks %s", line, want);
}
END_TEST

/* Every member of one line, in order; nulls for what is absent. */
START_TEST(test_json_line)
{
	struct access_entry e = {
	    "2001:db8::1", "GET", "/d/a.iso", 206, "bytes=0-99", 100, 3, NULL};
	struct access_entry a = {"192.0.2.8", "GET", "/b.iso", 0, NULL, 8126464,
	    60012, "send_timeout expired"};
	struct access_detail d = {100, true, 1, NULL, NULL, 4711, "rid-7"};
	struct access_detail da = {
	    734003200, false, -1, "aborted", "send_timeout", 12, NULL};
	char line[ACCESSLOG_JSON_MAX];

	accesslog_format_json(&e, &d, JSON_T0, line, sizeof(line));
	ck_assert_str_eq(line,
	    "{\"time\":\"2026-11-28T06:39:11.042Z\",\"client\":\"2001:db8::1\","
	    "\"method\":\"GET\",\"path\":\"/d/a.iso\",\"status\":206,"
	    "\"range\":\"bytes=0-99\",\"bytes_sent\":100,\"body_length\":100,"
	    "\"complete\":true,\"duration_ms\":3,\"ttfb_ms\":1,\"reason\":null,"
	    "\"reason_kind\":null,\"reason_code\":null,\"pid\":4711,"
	    "\"request_id\":\"rid-7\"}\n");
	accesslog_format_json(&a, &da, JSON_T0 + 958, line, sizeof(line));
	ck_assert_str_eq(line,
	    "{\"time\":\"2026-11-28T06:39:12.000Z\",\"client\":\"192.0.2.8\","
	    "\"method\":\"GET\",\"path\":\"/b.iso\",\"status\":null,"
	    "\"range\":null,\"bytes_sent\":8126464,\"body_length\":734003200,"
	    "\"complete\":false,\"duration_ms\":60012,\"ttfb_ms\":null,"
	    "\"reason\":\"send_timeout expired\",\"reason_kind\":\"aborted\","
	    "\"reason_code\":\"send_timeout\",\"pid\":12,\"request_id\":null}"
	    "\n");
}
END_TEST

/*
 * The longest fields: a path of newlines (two bytes each escaped) and
 * of \u00XX escapes is cut at a whole escape, never inside one, and the
 * line is still one whole object within ACCESSLOG_JSON_MAX.
 */
START_TEST(test_json_long)
{
	static char path[4097], id[1024], client[600];
	struct access_entry e = {client, "GET", path, 200, id, 0, 0, id};
	struct access_detail d = detail0;
	char line[ACCESSLOG_JSON_MAX + 64];
	const char *p, *q;
	size_t n, i;
	int shift;

	d.request_id = id;
	for (shift = 0; shift < 6; shift++) {
		/* 'a' shift times, then newlines or invalid bytes */
		memset(path, shift & 1 ? '\n' : '\xff', sizeof(path) - 1);
		memset(path, 'a', (size_t)shift);
		memset(id, '"', sizeof(id) - 1);
		memset(client, '\x01', sizeof(client) - 1);
		memset(line, '#', sizeof(line));
		n = accesslog_format_json(
		    &e, &d, JSON_T0, line, ACCESSLOG_JSON_MAX);
		ck_assert_uint_le(n, ACCESSLOG_JSON_MAX);
		ck_assert_uint_eq(n, strlen(line));
		ck_assert_uint_eq(lines(line), 1);
		ck_assert(line[n - 2] == '}');
		p = strstr(line, "\"path\":\"") + 8;
		q = strstr(p, "\",\"status\":200");
		ck_assert_ptr_nonnull(q);
		ck_assert_uint_le((size_t)(q - p), 2047);
		/* whole escapes only: no backslash cut from its escape */
		for (i = (size_t)shift; p + i < q; i += (shift & 1) ? 2 : 6)
			ck_assert_msg(p[i] == '\\' &&
				(shift & 1 ? p[i + 1] == 'n'
					   : strncmp(p + i, "\\u00ff", 6) == 0),
			    "cut inside an escape at %zu", i);
		ck_assert_ptr_nonnull(strstr(line, "\"request_id\":\"\\\""));
	}
}
END_TEST

/* Every byte value alone in a path: one line, one object. */
START_TEST(test_json_every_byte)
{
	struct access_entry e = {"-", "GET", NULL, 200, NULL, 0, 0, NULL};
	char line[ACCESSLOG_JSON_MAX], path[4];
	int b;

	e.path = path;
	for (b = 1; b < 256; b++) {
		path[0] = '/';
		path[1] = (char)b;
		path[2] = 'x';
		path[3] = '\0';
		accesslog_format_json(
		    &e, &detail0, JSON_T0, line, sizeof(line));
		ck_assert_uint_eq(lines(line), 1);
		ck_assert_msg(strchr(line, '\r') == NULL, "byte %d", b);
		ck_assert_ptr_nonnull(strstr(line, "x\",\"status\":200,"));
	}
}
END_TEST

/* The slow log's line: the snapshot, its strings escaped. */
START_TEST(test_slowlog_line)
{
	struct sb_snapshot s;
	char line[SLOWLOG_LINE_MAX];
	size_t n;

	memset(&s, 0, sizeof(s));
	s.pid = 4711;
	s.state = SB_SENDING;
	s.wait = SBW_SOCKET;
	snprintf(s.client, sizeof(s.client), "192.0.2.8");
	snprintf(s.method, sizeof(s.method), "GET");
	snprintf(s.path, sizeof(s.path), "/b.iso");
	s.status = 200;
	s.sent = 8126464;
	s.total = 734003200;
	s.start_ms = 1000;
	s.first_ms = 1002;
	s.progress_ms = 2008;
	n = slowlog_format(&s, SLOWLOG_STALL, 32012, "2026-11-28T06:41:02Z",
	    line, sizeof(line));
	ck_assert_uint_eq(n, strlen(line));
	ck_assert_str_eq(line,
	    "2026-11-28T06:41:02Z event=stalled pid=4711 client=192.0.2.8 "
	    "method=GET path=\"/b.iso\" range=- status=200 sent=8126464 "
	    "total=734003200 rate=0 wait=socket duration_ms=31012 ttfb_ms=2 "
	    "idle_ms=30004 limit_rate=0\n");
	/* hostile strings; no first byte yet */
	s.first_ms = 0;
	s.wait = SBW_OPEN;
	snprintf(s.client, sizeof(s.client), "a b");
	snprintf(s.path, sizeof(s.path), "/x\" wait=none\n\xff");
	snprintf(s.range, sizeof(s.range), "bytes=0-1, 3-4");
	slowlog_format(&s, SLOWLOG_TTFB, 7000, "T", line, sizeof(line));
	ck_assert_str_eq(line,
	    "T event=slow_first_byte pid=4711 client=a\\x20b method=GET "
	    "path=\"/x\\x22 wait=none\\x0a\\xff\" range=bytes=0-1,\\x203-4 "
	    "status=200 sent=8126464 total=734003200 rate=0 wait=open "
	    "duration_ms=6000 ttfb_ms=- idle_ms=4992 limit_rate=0\n");
	/* the longest strings fit */
	memset(s.client, '\x01', sizeof(s.client) - 1);
	memset(s.path, '"', sizeof(s.path) - 1);
	memset(s.method, '\n', sizeof(s.method) - 1);
	memset(s.range, ' ', sizeof(s.range) - 1);
	n = slowlog_format(
	    &s, SLOWLOG_TTFB, 7000, "2026-11-28T06:41:02Z", line, sizeof(line));
	ck_assert_uint_eq(lines(line), 1);
	ck_assert(line[n - 1] == '\n');
	ck_assert_ptr_nonnull(strstr(line, " limit_rate=0\n"));
}
END_TEST

/* The slow log names each wait as the status page does. */
START_TEST(test_slowlog_wait)
{
	struct sb_snapshot s;
	char line[SLOWLOG_LINE_MAX], want[64], field[64];

	ck_assert_int_eq(check_nwait_names, SBW_COUNT);
	memset(&s, 0, sizeof(s));
	s.pid = 1;
	s.state = SB_SENDING;
	s.wait = check_wait_names[_i].wait;
	slowlog_format(&s, SLOWLOG_STALL, 5000, "T", line, sizeof(line));
	snprintf(field, sizeof(field), " wait=%s ", check_wait_names[_i].name);
	ck_assert_msg(strstr(line, field) != NULL, "%s", line);
	snprintf(want, sizeof(want), " wait=%s ", scoreboard_wait_name(s.wait));
	ck_assert_ptr_nonnull(strstr(line, want));
}
END_TEST

Suite *
suite_accesslog(void)
{
	Suite *s = suite_create("accesslog");
	TCase *tc;

	tc = tcase_create("Escape");
	tcase_add_loop_test(tc, test_escape_field, 0, NELEM(rows));
	tcase_add_loop_test(tc, test_escape_token, 0, NELEM(token_rows));
	tcase_add_test(tc, test_every_byte);
	tcase_add_test(tc, test_escape_empty_buffer);
	tcase_add_test(tc, test_escape_random);
	suite_add_tcase(s, tc);

	tc = tcase_create("JSON");
	tcase_add_loop_test(tc, test_json_path, 0, NELEM(json_rows));
	tcase_add_test(tc, test_json_line);
	tcase_add_test(tc, test_json_long);
	tcase_add_test(tc, test_json_every_byte);
	tcase_add_test(tc, test_slowlog_line);
	tcase_add_loop_test(tc, test_slowlog_wait, 0, check_nwait_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("Line");
	tcase_add_unchecked_fixture(tc, check_case_setup, check_case_teardown);
	tcase_add_loop_test(tc, test_line, 0, NELEM(line_rows));
	tcase_add_test(tc, test_line_too_long);
	tcase_add_test(tc, test_lines_appended);
	tcase_add_test(tc, test_reopen);
	tcase_add_test(tc, test_disabled);
	suite_add_tcase(s, tc);
	return s;
}
