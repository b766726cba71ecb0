/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The config loader: defaults, every key, the bounds of every integer
 * key, and every class of error with its exact "dlfcgi: FILE:LINE:
 * message" report. Each test writes its files into a fresh temp dir;
 * "$D" in a table row stands for that dir.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"
#include "config.h"
#include "bounds.h"
#include "offload.h"

/* Long strings for the bounds of the keys that end up in headers. */
#define X8 "xxxxxxxx"
#define X16 X8 X8
#define X32 X16 X16
#define X64 X32 X32

/* check_offload_prefix()'s refusal */
#define PFX                                                                 \
	"offload_prefix must be a URI prefix such as \"/_dlfcgi/\": '/', "  \
	"segments of letters, digits, '-', '.', '_', '~', a final '/', at " \
	"most 256 bytes"

static char cfg_dir[96];
static char cfg_file[128];

static void
cfg_setup(void)
{
	check_test_dir(cfg_dir, sizeof(cfg_dir));
	snprintf(cfg_file, sizeof(cfg_file), "%s/t.conf", cfg_dir);
}

static void
cfg_teardown(void)
{
	check_rm_rf(cfg_dir);
}

/* Copies in to out, replacing each "$D" with the temp dir. */
static void
subst(const char *in, char *out, size_t outlen)
{
	size_t n = 0, dl = strlen(cfg_dir);

	for (; *in != '\0'; in++) {
		if (in[0] == '$' && in[1] == 'D') {
			ck_assert_uint_lt(n + dl, outlen);
			memcpy(out + n, cfg_dir, dl);
			n += dl;
			in++;
			continue;
		}
		ck_assert_uint_lt(n + 1, outlen);
		out[n++] = *in;
	}
	out[n] = '\0';
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(text, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
}

/* Loads file; returns the error count, the report in *report (freed by
 * the caller). */
static int
load_file(const char *file, struct dl_config *cfg, char **report)
{
	FILE *ef;
	size_t len;
	int n;

	*report = NULL;
	ef = open_memstream(report, &len);
	ck_assert_ptr_nonnull(ef);
	n = config_load(file, cfg, ef);
	ck_assert_int_eq(fclose(ef), 0);
	ck_assert_ptr_nonnull(*report);
	return n;
}

/* Writes text ("$D" substituted) to cfg_file and loads it. */
static int
load_text(const char *text, struct dl_config *cfg, char **report)
{
	char buf[4096];

	subst(text, buf, sizeof(buf));
	write_file(cfg_file, buf);
	return load_file(cfg_file, cfg, report);
}

/* On a failed load cfg holds nothing (config.h). */
static void
assert_empty(const struct dl_config *c)
{
	ck_assert_ptr_null(c->file);
	ck_assert_ptr_null(c->root);
	ck_assert_ptr_null(c->mime_types);
	ck_assert_ptr_null(c->default_type);
}

/*
 * Core
 */

START_TEST(test_defaults)
{
	struct dl_config c;
	char *rep;

	ck_assert_int_eq(load_text("root = \"$D\";\n", &c, &rep), 0);
	ck_assert_str_eq(rep, "");
	ck_assert_str_eq(c.file, cfg_file);
	ck_assert_str_eq(c.root, cfg_dir);
	ck_assert_ptr_null(c.listen);
	ck_assert_int_eq(c.threads, 16);
	ck_assert_int_eq(c.buffer_size, 65536);
	ck_assert_str_eq(c.mime_types, "/etc/mime.types");
	ck_assert_str_eq(c.default_type, "application/octet-stream");
	ck_assert(!c.follow_symlinks);
	ck_assert(!c.serve_hidden);
	ck_assert(!c.hide_forbidden);
	ck_assert(c.sendfile);
	ck_assert_int_eq(c.request_timeout, 30);
	ck_assert_int_eq(c.send_timeout, 60);
	ck_assert_int_eq(c.send_buffer, DL_SEND_BUFFER_AUTO);
	ck_assert_int_eq(c.max_ranges, 16);
	ck_assert_str_eq(c.disposition, "none");
	ck_assert_int_eq(c.disposition_type, DISPOSITION_NONE);
	ck_assert_ptr_null(c.cache_control);
	ck_assert_int_eq(c.workers, 2);
	ck_assert_int_eq(c.max_requests, 0);
	ck_assert_int_eq(c.shutdown_timeout, 30);
	ck_assert_int_eq(c.queue_timeout, 5);
	ck_assert_int_eq(c.keepalive_timeout, 75);
	ck_assert_int_eq(c.keepalive_max, 128);
	ck_assert_str_eq(c.listen_mode, "0660");
	ck_assert_uint_eq(c.listen_mode_bits, 0660);
	ck_assert_ptr_null(c.listen_owner);
	ck_assert_ptr_null(c.listen_group);
	ck_assert_ptr_null(c.user);
	ck_assert_ptr_null(c.group);
	ck_assert_uint_eq(c.nallowed_peers, 2);
	/* a fair share: 2 workers x 16 threads / DL_CLIENT_SHARE */
	ck_assert_int_eq(c.max_clients_per_ip, 8);
	ck_assert_int_eq(c.max_conns_per_file_per_ip, 0);
	ck_assert_int_eq(c.rate_per_ip, 0);
	ck_assert_int_eq(c.rate_burst, 10);
	ck_assert(c.limit_rate == 0);
	ck_assert(c.limit_rate_after == 0);
	ck_assert(c.min_rate == 0);
	ck_assert_int_eq(c.min_rate_window, 60);
	ck_assert_int_eq(c.max_duration, 0);
	ck_assert_str_eq(c.error_log, "syslog");
	ck_assert_ptr_null(c.access_log);
	ck_assert_ptr_null(c.status_path);
	ck_assert_ptr_null(c.metrics_path);
	ck_assert_ptr_null(c.ping_path);
	ck_assert_str_eq(c.ping_response, "pong");
	ck_assert_str_eq(c.access_log_format, "text");
	ck_assert(!c.access_log_json);
	ck_assert_ptr_null(c.slowlog);
	ck_assert_int_eq(c.slowlog_ttfb, 5);
	ck_assert_int_eq(c.slowlog_stall, 30);
	ck_assert_str_eq(c.request_id_param, "HTTP_X_REQUEST_ID");
	/* loopback only: 127.0.0.0/8 and ::1 */
	ck_assert_uint_eq(c.nstatus_allowed, 2);
	ck_assert_int_eq(c.status_allowed[0].prefix, 8);
	ck_assert_int_eq(c.status_allowed[1].prefix, 128);
	ck_assert_str_eq(c.etag_format, "dlfcgi");
	ck_assert(!c.etag_nginx);
	ck_assert_str_eq(c.offload, "none");
	ck_assert_int_eq(c.offload_mode, OFFLOAD_NONE);
	ck_assert_ptr_null(c.offload_prefix);
	ck_assert(c.offload_min_size == 65536);
	ck_assert(c.offload_encode);
	free(rep);
	config_free(&c);
}
END_TEST

/* Comments of all three libconfig kinds, blank lines, no semicolon. */
START_TEST(test_comments_and_layout)
{
	struct dl_config c;
	char *rep;

	ck_assert_int_eq(load_text("# a comment\n"
				   "// another\n"
				   "/* and a\n   block */\n"
				   "\n"
				   "root = \"$D\" # trailing\n"
				   "threads=0x10\n",
			     &c, &rep),
	    0);
	ck_assert_str_eq(rep, "");
	ck_assert_str_eq(c.root, cfg_dir);
	ck_assert_int_eq(c.threads, 16);
	free(rep);
	config_free(&c);
}
END_TEST

START_TEST(test_every_key)
{
	struct dl_config c;
	char *rep;

	ck_assert_int_eq(
	    load_text("root = \"$D\";\n"
		      "listen = \"[::1]:9000\";\n"
		      "threads = 4;\n"
		      "buffer_size = 131072;\n"
		      "mime_types = \"$D/t.conf\";\n"
		      "default_type = \"text/plain; charset=utf-8\";\n"
		      "follow_symlinks = true;\n"
		      "serve_hidden = true;\n"
		      "hide_forbidden = true;\n"
		      "sendfile = false;\n"
		      "request_timeout = 5;\n"
		      "send_timeout = 7;\n"
		      "max_ranges = 0;\n"
		      "disposition = \"attachment\";\n"
		      "cache_control = \"max-age=3600\";\n"
		      "workers = 0;\n"
		      "max_requests = 1000;\n"
		      "shutdown_timeout = 0;\n"
		      "queue_timeout = 2;\n"
		      "listen_mode = \"0600\";\n"
		      "listen_owner = \"root\";\n"
		      "listen_group = \"root\";\n"
		      "user = \"root\";\n"
		      "group = \"root\";\n"
		      "allowed_peers = [ \"10.0.0.0/8\", \"fd00::/8\", "
		      "\"192.0.2.1\" ];\n"
		      "max_clients_per_ip = 4;\n"
		      "max_conns_per_file_per_ip = 16;\n"
		      "rate_per_ip = 10;\n"
		      "rate_burst = 20;\n"
		      "limit_rate = 5000000000L;\n"
		      "limit_rate_after = 1048576;\n"
		      "min_rate = 1024;\n"
		      "min_rate_window = 30;\n"
		      "max_duration = 3600;\n"
		      "error_log = \"stderr\";\n"
		      "access_log = \"$D/access.log\";\n"
		      "access_log_format = \"json\";\n"
		      "slowlog = \"$D/slow.log\";\n"
		      "slowlog_ttfb = 2;\n"
		      "slowlog_stall = 0;\n"
		      "request_id_param = \"HTTP_X_TRACE_ID\";\n"
		      "status_path = \"/_status\";\n"
		      "metrics_path = \"/_metrics\";\n"
		      "ping_path = \"/_ping\";\n"
		      "ping_response = \"ok\";\n"
		      "status_allowed = [ \"192.0.2.0/24\" ];\n",
		&c, &rep),
	    0);
	ck_assert_str_eq(rep, "");
	ck_assert_str_eq(c.root, cfg_dir);
	ck_assert_str_eq(c.listen, "[::1]:9000");
	ck_assert_int_eq(c.threads, 4);
	ck_assert_int_eq(c.buffer_size, 131072);
	ck_assert_str_eq(c.mime_types, cfg_file);
	ck_assert_str_eq(c.default_type, "text/plain; charset=utf-8");
	ck_assert(c.follow_symlinks);
	ck_assert(c.serve_hidden);
	ck_assert(c.hide_forbidden);
	ck_assert(!c.sendfile);
	ck_assert_int_eq(c.request_timeout, 5);
	ck_assert_int_eq(c.send_timeout, 7);
	ck_assert_int_eq(c.max_ranges, 0);
	ck_assert_str_eq(c.disposition, "attachment");
	ck_assert_int_eq(c.disposition_type, DISPOSITION_ATTACHMENT);
	ck_assert_str_eq(c.cache_control, "max-age=3600");
	ck_assert_int_eq(c.workers, 0);
	ck_assert_int_eq(c.max_requests, 1000);
	ck_assert_int_eq(c.shutdown_timeout, 0);
	ck_assert_int_eq(c.queue_timeout, 2);
	ck_assert_str_eq(c.listen_mode, "0600");
	ck_assert_uint_eq(c.listen_mode_bits, 0600);
	ck_assert_str_eq(c.listen_owner, "root");
	ck_assert_str_eq(c.listen_group, "root");
	ck_assert_str_eq(c.user, "root");
	ck_assert_str_eq(c.group, "root");
	ck_assert_uint_eq(c.nallowed_peers, 3);
	ck_assert_int_eq(c.allowed_peers[0].prefix, 8);
	ck_assert_int_eq(c.allowed_peers[2].prefix, 32);
	ck_assert_str_eq(c.status_path, "/_status");
	ck_assert_str_eq(c.metrics_path, "/_metrics");
	ck_assert_str_eq(c.ping_path, "/_ping");
	ck_assert_str_eq(c.ping_response, "ok");
	ck_assert(c.access_log_json);
	ck_assert_int_eq(c.slowlog_ttfb, 2);
	ck_assert_int_eq(c.slowlog_stall, 0);
	ck_assert_str_eq(c.request_id_param, "HTTP_X_TRACE_ID");
	/* its own list: allowed_peers is left as set above */
	ck_assert_uint_eq(c.nstatus_allowed, 1);
	ck_assert_int_eq(c.status_allowed[0].prefix, 24);
	ck_assert_int_eq(c.max_clients_per_ip, 4);
	ck_assert_int_eq(c.max_conns_per_file_per_ip, 16);
	ck_assert_int_eq(c.rate_per_ip, 10);
	ck_assert_int_eq(c.rate_burst, 20);
	ck_assert(c.limit_rate == 5000000000LL);
	ck_assert(c.limit_rate_after == 1048576);
	ck_assert(c.min_rate == 1024);
	ck_assert_int_eq(c.min_rate_window, 30);
	ck_assert_int_eq(c.max_duration, 3600);
	ck_assert_str_eq(c.error_log, "stderr");
	ck_assert_ptr_nonnull(strstr(c.access_log, cfg_dir));
	ck_assert_str_eq(c.access_log + strlen(cfg_dir), "/access.log");
	free(rep);
	config_free(&c);
}
END_TEST

/*
 * Offload (dlfcgi.conf(5) OFFLOAD): good values of each key, and the
 * mode they derive.
 */
static const struct {
	const char *text; /* after root */
	int mode;
	const char *prefix;
	bool etag_nginx, encode;
	long long min_size;
} offload_rows[] = {
    {"offload = \"none\";\n", OFFLOAD_NONE, NULL, false, true, 65536},
    {"offload = \"x-accel-redirect\";\noffload_prefix = \"/_dlfcgi/\";\n"
     "etag_format = \"nginx\";\n",
	OFFLOAD_X_ACCEL, "/_dlfcgi/", true, true, 65536},
    {"etag_format = \"nginx\";\noffload_prefix = \"/a.b/c-d/_~x/\";\n"
     "offload = \"x-accel-redirect\";\noffload_min_size = 0;\n",
	OFFLOAD_X_ACCEL, "/a.b/c-d/_~x/", true, true, 0},
    {"offload = \"x-sendfile\";\n", OFFLOAD_X_SENDFILE, NULL, false, true,
	65536},
    {"offload = \"x-sendfile\";\noffload_encode = false;\n"
     "offload_min_size = 9223372036854775807L;\n",
	OFFLOAD_X_SENDFILE, NULL, false, false, 9223372036854775807LL},
    /* etag_format alone: direct mode with nginx's validators */
    {"etag_format = \"nginx\";\n", OFFLOAD_NONE, NULL, true, true, 65536},
    {"etag_format = \"dlfcgi\";\noffload_prefix = \"/x/\";\n", OFFLOAD_NONE,
	"/x/", false, true, 65536},
};

START_TEST(test_offload_keys)
{
	struct dl_config c;
	char *rep, text[512];

	snprintf(
	    text, sizeof(text), "root = \"$D\";\n%s", offload_rows[_i].text);
	ck_assert_int_eq(load_text(text, &c, &rep), 0);
	ck_assert_str_eq(rep, "");
	ck_assert_int_eq(c.offload_mode, offload_rows[_i].mode);
	if (offload_rows[_i].prefix == NULL)
		ck_assert_ptr_null(c.offload_prefix);
	else
		ck_assert_str_eq(c.offload_prefix, offload_rows[_i].prefix);
	ck_assert(c.etag_nginx == offload_rows[_i].etag_nginx);
	ck_assert(c.offload_encode == offload_rows[_i].encode);
	ck_assert(c.offload_min_size == offload_rows[_i].min_size);
	free(rep);
	config_free(&c);
}
END_TEST

/*
 * The start-up warning: offload on and a limit that holds a thread for
 * a transfer (the default max_clients_per_ip among them); none when
 * every such limit is 0 or offload is off.
 */
static const struct {
	const char *text; /* after root */
	const char *has;  /* NULL: no warning */
} warn_rows[] = {
    {"offload = \"x-sendfile\";\n", "max_clients_per_ip (8)"},
    {"offload = \"x-sendfile\";\nmax_clients_per_ip = 0;\n", NULL},
    {"offload = \"none\";\n", NULL},
    {"offload = \"none\";\nmax_clients_per_ip = 4;\nmin_rate = 10;\n", NULL},
    {"offload = \"x-sendfile\";\nmax_clients_per_ip = 0;\n"
     "max_conns_per_file_per_ip = 2;\n",
	"max_conns_per_file_per_ip (2)"},
    {"offload = \"x-sendfile\";\nmax_clients_per_ip = 0;\nmin_rate = 10;\n",
	"min_rate (10)"},
    {"offload = \"x-sendfile\";\nmax_clients_per_ip = 0;\n"
     "max_duration = 60;\n",
	"max_duration (60)"},
    {"offload = \"x-accel-redirect\";\noffload_prefix = \"/p/\";\n"
     "etag_format = \"nginx\";\nmax_clients_per_ip = 3;\n",
	"offload = x-accel-redirect: max_clients_per_ip (3)"},
    /* limit_rate and rate_per_ip do reach or precede the transfer */
    {"offload = \"x-sendfile\";\nmax_clients_per_ip = 0;\n"
     "limit_rate = 1000;\nrate_per_ip = 5;\n",
	NULL},
};

START_TEST(test_offload_warning)
{
	struct dl_config c;
	char *rep, text[512], buf[512];
	const char *w;

	snprintf(text, sizeof(text), "root = \"$D\";\n%s", warn_rows[_i].text);
	ck_assert_int_eq(load_text(text, &c, &rep), 0);
	ck_assert_str_eq(rep, "");
	w = config_offload_warning(&c, buf, sizeof(buf));
	if (warn_rows[_i].has == NULL)
		ck_assert_ptr_null(w);
	else {
		ck_assert_ptr_nonnull(w);
		ck_assert_msg(strstr(w, warn_rows[_i].has) != NULL &&
			strstr(w, "nginx limit_conn") != NULL,
		    "%s", w);
	}
	free(rep);
	config_free(&c);
}
END_TEST

/* The longest strings that go into headers are accepted. */
START_TEST(test_header_strings_at_bound)
{
	struct dl_config c;
	char *rep;

	ck_assert_int_eq(
	    load_text("root = \"$D\";\n"
		      "default_type = \"text/" X64 X32 X16 X8 "xx\";\n"
		      "cache_control = \"" X64 X64 X64 X64 "\";\n",
		&c, &rep),
	    0);
	ck_assert_str_eq(rep, "");
	ck_assert_uint_eq(strlen(c.default_type), DL_MEDIA_TYPE_MAX);
	ck_assert_uint_eq(strlen(c.cache_control), DL_HEADER_VALUE_MAX);
	free(rep);
	config_free(&c);
}
END_TEST

START_TEST(test_inline_disposition)
{
	struct dl_config c;
	char *rep;

	ck_assert_int_eq(load_text("root = \"$D\";\n"
				   "disposition = \"inline\";\n"
				   "listen = \"unix:/run/dlfcgi.sock\";\n"
				   "allowed_peers = [];\n",
			     &c, &rep),
	    0);
	ck_assert_str_eq(rep, "");
	ck_assert_int_eq(c.disposition_type, DISPOSITION_INLINE);
	ck_assert_str_eq(c.listen, "unix:/run/dlfcgi.sock");
	ck_assert_uint_eq(c.nallowed_peers, 0);
	free(rep);
	config_free(&c);
}
END_TEST

START_TEST(test_defaults_free)
{
	struct dl_config c;

	config_defaults(&c);
	ck_assert_ptr_null(c.file);
	ck_assert_ptr_null(c.root);
	ck_assert_ptr_null(c.listen);
	ck_assert_int_eq(c.threads, 16);
	ck_assert_int_eq(c.buffer_size, 65536);
	ck_assert_str_eq(c.mime_types, "/etc/mime.types");
	ck_assert_str_eq(c.default_type, "application/octet-stream");
	ck_assert_int_eq(c.request_timeout, 30);
	ck_assert_int_eq(c.send_timeout, 60);
	ck_assert(!c.follow_symlinks && !c.serve_hidden && !c.hide_forbidden);
	ck_assert_int_eq(c.max_clients_per_ip, DL_MAX_CLIENTS_PER_IP_AUTO);
	config_free(&c);
	ck_assert_ptr_null(c.mime_types);
	ck_assert_ptr_null(c.default_type);
	ck_assert_ptr_null(c.error_log);
	config_free(&c); /* a second free is harmless: all NULL */
}
END_TEST

/* A loaded config can be loaded again into the same struct after free. */
START_TEST(test_load_twice)
{
	struct dl_config c;
	char *rep;
	int i;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(
		    load_text("root = \"$D\";\nthreads = 3;\n", &c, &rep), 0);
		ck_assert_int_eq(c.threads, 3);
		free(rep);
		config_free(&c);
	}
}
END_TEST

/*
 * max_clients_per_ip: not set, a fair share of workers x threads (at
 * least 1); set, what the file says, 0 (off) included.
 */
static const struct {
	const char *text; /* after root */
	int want;
} share_rows[] = {
    {"", 8},
    {"workers = 0;\nthreads = 1;\n", 1},
    {"workers = 0;\nthreads = 16;\n", 4},
    {"workers = 1;\nthreads = 3;\n", 1},
    {"workers = 1;\nthreads = 4;\n", 1},
    {"workers = 2;\nthreads = 4;\n", 2},
    {"threads = 5;\nworkers = 3;\n", 3},
    {"workers = 4;\nthreads = 64;\n", 64},
    {"workers = 256;\nthreads = 1024;\n", 65536},
    {"max_clients_per_ip = 0;\n", 0},
    {"max_clients_per_ip = 0;\nworkers = 8;\n", 0},
    {"max_clients_per_ip = 100;\n", 100},
    {"workers = 1;\nthreads = 1;\nmax_clients_per_ip = 3;\n", 3},
};

START_TEST(test_fair_share)
{
	struct dl_config c;
	char *rep, text[256];

	snprintf(text, sizeof(text), "root = \"$D\";\n%s", share_rows[_i].text);
	ck_assert_int_eq(load_text(text, &c, &rep), 0);
	ck_assert_str_eq(rep, "");
	ck_assert_int_eq(c.max_clients_per_ip, share_rows[_i].want);
	ck_assert_int_eq(config_fair_share(&c),
	    (c.workers ? c.workers : 1) * c.threads / DL_CLIENT_SHARE ?: 1);
	free(rep);
	config_free(&c);
}
END_TEST

/*
 * Limits: each integer key at and beyond its bounds.
 */

/* clang-format off */
#define I(k, v, w) {#k, v, offsetof(struct dl_config, k), 0, w, NULL, NULL}
#define L(k, v, w) {#k, v, offsetof(struct dl_config, k), 1, w, NULL, NULL}
#define E(k, v, r, s) {#k, v, offsetof(struct dl_config, k), 0, 0, r, s}
/* clang-format on */

static const struct {
	const char *key;
	const char *val;
	size_t off;	   /* of the field */
	int is64;	   /* long long field, else int */
	long long want;	   /* when accepted */
	const char *range; /* "between A and B" of the message */
	const char *shown; /* value as the message shows it */
} limit_rows[] = {
    I(threads, "1", 1),
    I(threads, "1024", 1024),
    I(threads, "0x10", 16),
    E(threads, "0", "1 and 1024", "0"),
    E(threads, "1025", "1 and 1024", "1025"),
    E(threads, "-1", "1 and 1024", "-1"),
    E(threads, "5000000000L", "1 and 1024", "5000000000"),
    I(buffer_size, "4096", 4096),
    I(buffer_size, "16777216", 16777216),
    E(buffer_size, "100", "4096 and 16777216", "100"),
    E(buffer_size, "4095", "4096 and 16777216", "4095"),
    E(buffer_size, "16777217", "4096 and 16777216", "16777217"),
    I(request_timeout, "1", 1),
    I(request_timeout, "86400", 86400),
    E(request_timeout, "0", "1 and 86400", "0"),
    E(request_timeout, "86401", "1 and 86400", "86401"),
    I(send_timeout, "86400", 86400),
    I(send_buffer, "0", 0),
    I(send_buffer, "67108864", 67108864),
    E(send_buffer, "-1", "0 and 67108864", "-1"),
    E(send_buffer, "67108865", "0 and 67108864", "67108865"),
    E(send_timeout, "0", "1 and 86400", "0"),
    I(max_ranges, "256", 256),
    E(max_ranges, "257", "0 and 256", "257"),
    E(max_ranges, "-1", "0 and 256", "-1"),
    I(workers, "256", 256),
    E(workers, "257", "0 and 256", "257"),
    I(max_requests, "2147483647", 2147483647),
    E(max_requests, "-1", "0 and 2147483647", "-1"),
    I(shutdown_timeout, "86400", 86400),
    E(shutdown_timeout, "86401", "0 and 86400", "86401"),
    I(queue_timeout, "3600", 3600),
    E(queue_timeout, "0", "1 and 3600", "0"),
    E(queue_timeout, "3601", "1 and 3600", "3601"),
    I(keepalive_timeout, "1", 1),
    I(keepalive_timeout, "86400", 86400),
    E(keepalive_timeout, "0", "1 and 86400", "0"),
    E(keepalive_timeout, "86401", "1 and 86400", "86401"),
    I(keepalive_max, "0", 0),
    I(keepalive_max, "65536", 65536),
    E(keepalive_max, "-1", "0 and 65536", "-1"),
    E(keepalive_max, "65537", "0 and 65536", "65537"),
    I(rate_per_ip, "1000000", 1000000),
    E(rate_per_ip, "1000001", "0 and 1000000", "1000001"),
    I(rate_burst, "1", 1),
    E(rate_burst, "0", "1 and 1000000", "0"),
    I(min_rate_window, "86400", 86400),
    E(min_rate_window, "0", "1 and 86400", "0"),
    I(max_duration, "2147483647", 2147483647),
    I(max_clients_per_ip, "2147483647", 2147483647),
    E(max_clients_per_ip, "-1", "0 and 2147483647", "-1"),
    E(max_duration, "-1", "0 and 2147483647", "-1"),
    L(limit_rate, "1099511627776L", 1099511627776LL),
    L(limit_rate, "7", 7),
    E(limit_rate, "1099511627777L", "0 and 1099511627776", "1099511627777"),
    E(limit_rate, "-1", "0 and 1099511627776", "-1"),
    L(limit_rate_after, "9223372036854775807L", 9223372036854775807LL),
    E(limit_rate_after, "-1", "0 and 9223372036854775807", "-1"),
    L(min_rate, "1099511627776L", 1099511627776LL),
    E(min_rate, "-5", "0 and 1099511627776", "-5"),
    I(slowlog_ttfb, "0", 0),
    I(slowlog_ttfb, "86400", 86400),
    E(slowlog_ttfb, "86401", "0 and 86400", "86401"),
    E(slowlog_ttfb, "-1", "0 and 86400", "-1"),
    I(slowlog_stall, "0", 0),
    I(slowlog_stall, "86400", 86400),
    E(slowlog_stall, "86401", "0 and 86400", "86401"),
    L(offload_min_size, "0", 0),
    L(offload_min_size, "9223372036854775807L", 9223372036854775807LL),
    E(offload_min_size, "-1", "0 and 9223372036854775807", "-1"),
#undef I
#undef L
#undef E
};

START_TEST(test_limit)
{
	struct dl_config c;
	char *rep, text[256], want[512];
	const char *base;
	long long got;

	snprintf(text, sizeof(text), "root = \"$D\";\n%s = %s;\n",
	    limit_rows[_i].key, limit_rows[_i].val);
	if (limit_rows[_i].range == NULL) {
		ck_assert_int_eq(load_text(text, &c, &rep), 0);
		ck_assert_str_eq(rep, "");
		base = (const char *)&c + limit_rows[_i].off;
		if (limit_rows[_i].is64)
			got = *(const long long *)(const void *)base;
		else
			got = *(const int *)(const void *)base;
		ck_assert_msg(got == limit_rows[_i].want,
		    "%s = %s: got %lld, want %lld", limit_rows[_i].key,
		    limit_rows[_i].val, got, limit_rows[_i].want);
		config_free(&c);
	} else {
		ck_assert_int_eq(load_text(text, &c, &rep), 1);
		snprintf(want, sizeof(want),
		    "dlfcgi: %s:2: %s must be between %s, not %s\n", cfg_file,
		    limit_rows[_i].key, limit_rows[_i].range,
		    limit_rows[_i].shown);
		ck_assert_str_eq(rep, want);
		assert_empty(&c);
	}
	free(rep);
}
END_TEST

/*
 * Errors: one file, exactly one error, exactly this report.
 */

static const struct {
	const char *text; /* the whole file, "$D" = temp dir */
	int line;	  /* 0: "dlfcgi: FILE: msg" */
	const char *msg;  /* "$D" = temp dir */
} bad_rows[] = {
    /* libconfig syntax errors: parsing stops at the first one */
    {"root = \"$D\";\n\nthreads = ;\n", 3, "syntax error"},
    {"root = \"$D\";\nthreads = 2;\nthreads = 3;\n", 3,
	"duplicate setting name"},
    {"root = \"$D\n", 2, "syntax error"},
    {"root = \"$D\";\nthreads = 1; bogus = ;\nalso = ;\n", 2, "syntax error"},
    /* unknown keys, groups and lists included */
    {"root = \"$D\";\nrooot = \"/tmp\";\n", 2, "unknown key \"rooot\""},
    {"root = \"$D\";\n\n\nx = { a = 1; };\n", 4, "unknown key \"x\""},
    {"root = \"$D\";\nx = ( 1, \"two\" );\n", 2, "unknown key \"x\""},
    {"root = \"$D\";\nThreads = 2;\n", 2, "unknown key \"Threads\""},
    /* wrong types */
    {"root = \"$D\";\nthreads = \"many\";\n", 2, "threads must be an integer"},
    {"root = \"$D\";\nthreads = 1.5;\n", 2, "threads must be an integer"},
    {"root = \"$D\";\nthreads = true;\n", 2, "threads must be an integer"},
    {"root = \"$D\";\nthreads = [ 1 ];\n", 2, "threads must be an integer"},
    {"root = \"$D\";\nthreads = { n = 1; };\n", 2,
	"threads must be an integer"},
    {"root = \"$D\";\nlimit_rate = \"fast\";\n", 2,
	"limit_rate must be an integer"},
    {"root = \"$D\";\nfollow_symlinks = 1;\n", 2,
	"follow_symlinks must be true or false"},
    {"root = \"$D\";\nfollow_symlinks = \"true\";\n", 2,
	"follow_symlinks must be true or false"},
    {"root = \"$D\";\nserve_hidden = \"yes\";\n", 2,
	"serve_hidden must be true or false"},
    {"root = \"$D\";\nsendfile = 0;\n", 2, "sendfile must be true or false"},
    {"root = 5;\n", 1, "root must be a string"},
    {"\nroot = true;\n", 2, "root must be a string"},
    {"root = [ \"$D\" ];\n", 1, "root must be a string"},
    {"root = \"$D\";\nlisten = 9000;\n", 2, "listen must be a string"},
    {"root = \"$D\";\ndefault_type = 5;\n", 2, "default_type must be a string"},
    {"root = \"$D\";\nallowed_peers = \"10.0.0.1\";\n", 2,
	"allowed_peers must be a list of strings"},
    {"root = \"$D\";\nallowed_peers = [ 10 ];\n", 2,
	"allowed_peers entries must be addresses or networks such as "
	"\"10.0.0.0/8\""},
    {"root = \"$D\";\nallowed_peers = [ \"10.0.0.0/33\" ];\n", 2,
	"allowed_peers entries must be addresses or networks such as "
	"\"10.0.0.0/8\""},
    /* monitoring (dlfcgi.conf(5) status_path ... status_allowed) */
    {"root = \"$D\";\nstatus_allowed = [ \"localhost\" ];\n", 2,
	"status_allowed entries must be addresses or networks such as "
	"\"10.0.0.0/8\""},
    {"root = \"$D\";\nstatus_allowed = \"::1\";\n", 2,
	"status_allowed must be a list of strings"},
    {"root = \"$D\";\nstatus_path = \"_status\";\n", 2,
	"status_path must be a path such as \"/_status\" of 2 to 255 "
	"characters"},
    {"root = \"$D\";\nmetrics_path = \"/\";\n", 2,
	"metrics_path must be a path such as \"/_status\" of 2 to 255 "
	"characters"},
    {"root = \"$D\";\nping_path = \"/a b\";\n", 2,
	"ping_path must be visible ASCII without '%' or '?'"},
    {"root = \"$D\";\nping_path = \"/ping?x\";\n", 2,
	"ping_path must be visible ASCII without '%' or '?'"},
    {"root = \"$D\";\nstatus_path = 1;\n", 2, "status_path must be a string"},
    {"root = \"$D\";\nping_response = \"a\\nb\";\n", 2,
	"ping_response must be printable ASCII on one line"},
    {"root = \"$D\";\nstatus_path = \"/s\";\nping_path = \"/s\";\n", 0,
	"status_path and ping_path are both \"/s\": each page needs its own "
	"path"},
    /* logs (dlfcgi.conf(5) access_log_format, slowlog, request_id_param) */
    {"root = \"$D\";\naccess_log_format = \"JSON\";\n", 2,
	"access_log_format must be \"text\" or \"json\", not \"JSON\""},
    {"root = \"$D\";\naccess_log_format = 1;\n", 2,
	"access_log_format must be a string"},
    {"root = \"$D\";\nslowlog = \"slow.log\";\n", 2,
	"slowlog must be an absolute path, not \"slow.log\""},
    {"root = \"$D\";\nslowlog = \"/dev/null\";\n", 2,
	"slowlog \"/dev/null\" is a character device, not a regular file (a "
	"log that is not a regular file could block dlfcgi)"},
    {"root = \"$D\";\nslowlog_stall = \"30\";\n", 2,
	"slowlog_stall must be an integer"},
    {"root = \"$D\";\nrequest_id_param = \"X-Request-ID\";\n", 2,
	"request_id_param must be a parameter name of 1 to 64 letters, "
	"digits or '_' (as HTTP_X_REQUEST_ID)"},
    {"root = \"$D\";\nrequest_id_param = \"\";\n", 2,
	"request_id_param must be a parameter name of 1 to 64 letters, "
	"digits or '_' (as HTTP_X_REQUEST_ID)"},
    /* root */
    {"threads = 2;\n", 0, "root is not set (the directory to serve)"},
    {"", 0, "root is not set (the directory to serve)"},
    {"root = \"relative/dir\";\n", 1, "root must be an absolute path"},
    {"root = \"\";\n", 1, "root must be an absolute path"},
    {"\n\nroot = \"/nonexistent-dlfcgi\";\n", 3,
	"root \"/nonexistent-dlfcgi\": No such file or directory"},
    {"root = \"$D/t.conf\";\n", 1, "root \"$D/t.conf\": Not a directory"},
    {"root = \"$D/t.conf/x\";\n", 1, "root \"$D/t.conf/x\": Not a directory"},
    /* listen */
    {"root = \"$D\";\nlisten = \"foo\";\n", 2,
	"listen \"foo\": expected \"unix:/path\", \"HOST:PORT\" or "
	"\"[V6]:PORT\""},
    {"root = \"$D\";\nlisten = \"::1:9000\";\n", 2,
	"listen \"::1:9000\": expected \"unix:/path\", \"HOST:PORT\" or "
	"\"[V6]:PORT\""},
    {"root = \"$D\";\nlisten = \"unix:rel.sock\";\n", 2,
	"listen \"unix:rel.sock\": a unix socket path must be absolute"},
    {"root = \"$D\";\nlisten = \"127.0.0.1:0\";\n", 2,
	"listen \"127.0.0.1:0\": port must be a number from 1 to 65535"},
    {"root = \"$D\";\nlisten = \"127.0.0.1:65536\";\n", 2,
	"listen \"127.0.0.1:65536\": port must be a number from 1 to 65535"},
    /* mime_types: must be readable when set */
    {"root = \"$D\";\nmime_types = \"/nonexistent/mime.types\";\n", 2,
	"mime_types \"/nonexistent/mime.types\": No such file or directory"},
    {"root = \"$D\";\nmime_types = \"$D/none\";\n", 2,
	"mime_types \"$D/none\": No such file or directory"},
    /*
     * A directory opens O_RDONLY but cannot be read as a file: mime_load
     * then fails with EISDIR at start-up (main.c only warns), so the
     * config check has to refuse it (dlfcgi.conf(5): "If this key is
     * set and the file cannot be read, that is a configuration error").
     */
    {"root = \"$D\";\nmime_types = \"$D\";\n", 2,
	"mime_types \"$D\": Is a directory"},
    /* default_type */
    {"root = \"$D\";\ndefault_type = \"nonsense\";\n", 2,
	"default_type \"nonsense\" is not a media type such as "
	"\"application/octet-stream\""},
    {"root = \"$D\";\ndefault_type = \"/plain\";\n", 2,
	"default_type \"/plain\" is not a media type such as "
	"\"application/octet-stream\""},
    {"root = \"$D\";\ndefault_type = \"text/\";\n", 2,
	"default_type \"text/\" is not a media type such as "
	"\"application/octet-stream\""},
    {"root = \"$D\";\ndefault_type = \"\";\n", 2,
	"default_type \"\" is not a media type such as "
	"\"application/octet-stream\""},
    {"root = \"$D\";\ndefault_type = \"text/plain\\n\";\n", 2,
	"default_type \"text/plain\n\" is not a media type such as "
	"\"application/octet-stream\""},
    /* strings that end up in a header: bounded (DL_MEDIA_TYPE_MAX) */
    {"root = \"$D\";\ndefault_type = \"text/" X64 X32 X16 X8 "xxx\";\n", 2,
	"default_type is 128 characters long, at most 127"},
    {"root = \"$D\";\ndefault_type = \"text/" X64 X64 X64 X64 X64 X64 X64 X64
     "\";\n",
	2, "default_type is 517 characters long, at most 127"},
    {"root = \"$D\";\ncache_control = \"" X64 X64 X64 X64 "x\";\n", 2,
	"cache_control must be 1 to 256 characters"},
    /* the other string checks */
    {"root = \"$D\";\ndisposition = \"download\";\n", 2,
	"disposition must be \"none\", \"attachment\" or \"inline\", not "
	"\"download\""},
    {"root = \"$D\";\ncache_control = \"a\\nb\";\n", 2,
	"cache_control must be printable ASCII on one line"},
    {"root = \"$D\";\ncache_control = \"\";\n", 2,
	"cache_control must be 1 to 256 characters"},
    {"root = \"$D\";\nlisten_mode = \"0999\";\n", 2,
	"listen_mode must be an octal mode such as \"0660\", not \"0999\""},
    {"root = \"$D\";\nlisten_mode = \"01777\";\n", 2,
	"listen_mode must be an octal mode such as \"0660\", not \"01777\""},
    {"root = \"$D\";\nuser = \"no-such-user-dlfcgi\";\n", 2,
	"user \"no-such-user-dlfcgi\": no such user"},
    {"root = \"$D\";\nlisten_group = \"no-such-group-dlfcgi\";\n", 2,
	"listen_group \"no-such-group-dlfcgi\": no such group"},
    {"root = \"$D\";\nerror_log = \"relative.log\";\n", 2,
	"error_log must be \"syslog\", \"stderr\" or an absolute path, not "
	"\"relative.log\""},
    {"root = \"$D\";\naccess_log = \"stderr\";\n", 2,
	"access_log must be an absolute path, not \"stderr\""},
    /* offload (dlfcgi.conf(5) OFFLOAD) */
    {"root = \"$D\";\noffload = \"nginx\";\n", 2,
	"offload must be \"none\", \"x-accel-redirect\" or \"x-sendfile\", "
	"not \"nginx\""},
    {"root = \"$D\";\noffload = \"X-Sendfile\";\n", 2,
	"offload must be \"none\", \"x-accel-redirect\" or \"x-sendfile\", "
	"not \"X-Sendfile\""},
    {"root = \"$D\";\noffload = true;\n", 2, "offload must be a string"},
    {"root = \"$D\";\netag_format = \"apache\";\n", 2,
	"etag_format must be \"dlfcgi\" or \"nginx\", not \"apache\""},
    {"root = \"$D\";\netag_format = \"\";\n", 2,
	"etag_format must be \"dlfcgi\" or \"nginx\", not \"\""},
    {"root = \"$D\";\noffload_encode = \"no\";\n", 2,
	"offload_encode must be true or false"},
    {"root = \"$D\";\noffload_min_size = \"64k\";\n", 2,
	"offload_min_size must be an integer"},
    {"root = \"$D\";\noffload_prefix = \"_dlfcgi/\";\n", 2, PFX},
    {"root = \"$D\";\noffload_prefix = \"/_dlfcgi\";\n", 2, PFX},
    {"root = \"$D\";\noffload_prefix = \"/\";\n", 2, PFX},
    {"root = \"$D\";\noffload_prefix = \"/a//b/\";\n", 2, PFX},
    {"root = \"$D\";\noffload_prefix = \"/a/../b/\";\n", 2, PFX},
    {"root = \"$D\";\noffload_prefix = \"/./\";\n", 2, PFX},
    {"root = \"$D\";\noffload_prefix = \"/a b/\";\n", 2, PFX},
    {"root = \"$D\";\noffload_prefix = \"/a%20b/\";\n", 2, PFX},
    {"root = \"$D\";\noffload_prefix = \"/a?b/\";\n", 2, PFX},
    {"root = \"$D\";\noffload_prefix = \"/a\\nb/\";\n", 2, PFX},
    {"root = \"$D\";\noffload_prefix = \"/\xc3\xbc/\";\n", 2, PFX},
    {"root = \"$D\";\noffload_prefix = \"/" X64 X64 X64 X64 "/\";\n", 2, PFX},
    /* x-accel-redirect needs its prefix and nginx's ETag: the offload line */
    {"root = \"$D\";\n\noffload = \"x-accel-redirect\";\n"
     "etag_format = \"nginx\";\n",
	3,
	"offload = \"x-accel-redirect\" needs offload_prefix, the URI of "
	"nginx's internal location (\"/_dlfcgi/\")"},
    {"root = \"$D\";\noffload_prefix = \"/_dlfcgi/\";\n"
     "offload = \"x-accel-redirect\";\n",
	3,
	"offload = \"x-accel-redirect\" needs etag_format = \"nginx\": nginx "
	"replaces the ETag of an offloaded answer by its own, and validators "
	"must not change when offload is turned on or off"},
    {"root = \"$D\";\noffload_prefix = \"/_dlfcgi/\";\n"
     "offload = \"x-accel-redirect\";\netag_format = \"dlfcgi\";\n",
	3,
	"offload = \"x-accel-redirect\" needs etag_format = \"nginx\": nginx "
	"replaces the ETag of an offloaded answer by its own, and validators "
	"must not change when offload is turned on or off"},
};

/*
 * Every string validator names the key it checks, whichever key uses
 * it: one bad value per key, the shared checks (user for user and
 * listen_owner, group for group and listen_group, log files for
 * error_log and access_log) under each of their keys.
 */
static const struct {
	const char *key, *value, *msg;
} key_rows[] = {
    {"root", "rel", "root must be an absolute path"},
    {"root", "$D/t.conf", "root \"$D/t.conf\": Not a directory"},
    {"listen", "foo",
	"listen \"foo\": expected \"unix:/path\", \"HOST:PORT\" or "
	"\"[V6]:PORT\""},
    {"mime_types", "$D/none",
	"mime_types \"$D/none\": No such file or directory"},
    {"default_type", "nonsense",
	"default_type \"nonsense\" is not a media type such as "
	"\"application/octet-stream\""},
    {"default_type", "text/" X64 X32 X16 X8 "xxx",
	"default_type is 128 characters long, at most 127"},
    {"disposition", "download",
	"disposition must be \"none\", \"attachment\" or \"inline\", not "
	"\"download\""},
    {"cache_control", "a\\tb\\nc",
	"cache_control must be printable ASCII on one line"},
    {"cache_control", "", "cache_control must be 1 to 256 characters"},
    {"listen_mode", "0999",
	"listen_mode must be an octal mode such as \"0660\", not \"0999\""},
    {"user", "no-such-user-dlfcgi",
	"user \"no-such-user-dlfcgi\": no such user"},
    {"listen_owner", "no-such-user-dlfcgi",
	"listen_owner \"no-such-user-dlfcgi\": no such user"},
    {"group", "no-such-group-dlfcgi",
	"group \"no-such-group-dlfcgi\": no such group"},
    {"listen_group", "no-such-group-dlfcgi",
	"listen_group \"no-such-group-dlfcgi\": no such group"},
    {"error_log", "rel.log",
	"error_log must be \"syslog\", \"stderr\" or an absolute path, not "
	"\"rel.log\""},
    {"access_log", "rel.log",
	"access_log must be an absolute path, not \"rel.log\""},
    {"offload", "sendfile",
	"offload must be \"none\", \"x-accel-redirect\" or \"x-sendfile\", "
	"not \"sendfile\""},
    {"etag_format", "weak",
	"etag_format must be \"dlfcgi\" or \"nginx\", not \"weak\""},
    {"offload_prefix", "x", PFX},
    {"error_log", "$D",
	"error_log \"$D\" is a directory, not a regular file (a log that "
	"is not a regular file could block dlfcgi)"},
    {"access_log", "$D",
	"access_log \"$D\" is a directory, not a regular file (a log that "
	"is not a regular file could block dlfcgi)"},
};

START_TEST(test_check_names_key)
{
	struct dl_config c;
	char *rep, text[1024], msg[512], want[1024];
	bool root = strcmp(key_rows[_i].key, "root") == 0;

	/* A bad root is the only root: it goes on line 1. */
	snprintf(text, sizeof(text), "%s%s = \"%s\";\n",
	    root ? "" : "root = \"$D\";\n", key_rows[_i].key,
	    key_rows[_i].value);
	subst(key_rows[_i].msg, msg, sizeof(msg));
	snprintf(want, sizeof(want), "dlfcgi: %s:%d: %s\n", cfg_file,
	    root ? 1 : 2, msg);
	ck_assert_int_eq(load_text(text, &c, &rep), 1);
	ck_assert_str_eq(rep, want);
	assert_empty(&c);
	free(rep);
}
END_TEST

START_TEST(test_bad)
{
	struct dl_config c;
	char *rep, msg[512], want[1024];

	subst(bad_rows[_i].msg, msg, sizeof(msg));
	if (bad_rows[_i].line > 0)
		snprintf(want, sizeof(want), "dlfcgi: %s:%d: %s\n", cfg_file,
		    bad_rows[_i].line, msg);
	else
		snprintf(want, sizeof(want), "dlfcgi: %s: %s\n", cfg_file, msg);
	ck_assert_int_eq(load_text(bad_rows[_i].text, &c, &rep), 1);
	ck_assert_str_eq(rep, want);
	assert_empty(&c);
	free(rep);
}
END_TEST

/* Every error of a file is reported, in file order, root last. */
START_TEST(test_every_error_reported)
{
	struct dl_config c;
	char *rep, want[2048];

	ck_assert_int_eq(load_text("threads = 0;\n"
				   "bogus = 1;\n"
				   "buffer_size = \"big\";\n"
				   "\n"
				   "listen = \"nowhere\";\n"
				   "follow_symlinks = 2;\n"
				   "mime_types = \"$D/none\";\n"
				   "x = { y = 1; };\n",
			     &c, &rep),
	    8);
	snprintf(want, sizeof(want),
	    "dlfcgi: %1$s:1: threads must be between 1 and 1024, not 0\n"
	    "dlfcgi: %1$s:2: unknown key \"bogus\"\n"
	    "dlfcgi: %1$s:3: buffer_size must be an integer\n"
	    "dlfcgi: %1$s:5: listen \"nowhere\": expected \"unix:/path\", "
	    "\"HOST:PORT\" or \"[V6]:PORT\"\n"
	    "dlfcgi: %1$s:6: follow_symlinks must be true or false\n"
	    "dlfcgi: %1$s:7: mime_types \"%2$s/none\": No such file or "
	    "directory\n"
	    "dlfcgi: %1$s:8: unknown key \"x\"\n"
	    "dlfcgi: %1$s: root is not set (the directory to serve)\n",
	    cfg_file, cfg_dir);
	ck_assert_str_eq(rep, want);
	assert_empty(&c);
	free(rep);
}
END_TEST

/* x-accel-redirect with neither prefix nor etag_format: both said. */
START_TEST(test_offload_both_missing)
{
	struct dl_config c;
	char *rep, want[1024];

	ck_assert_int_eq(
	    load_text(
		"root = \"$D\";\noffload = \"x-accel-redirect\";\n", &c, &rep),
	    2);
	snprintf(want, sizeof(want),
	    "dlfcgi: %1$s:2: offload = \"x-accel-redirect\" needs "
	    "offload_prefix, the URI of nginx's internal location "
	    "(\"/_dlfcgi/\")\n"
	    "dlfcgi: %1$s:2: offload = \"x-accel-redirect\" needs etag_format "
	    "= \"nginx\": nginx replaces the ETag of an offloaded answer by "
	    "its own, and validators must not change when offload is turned "
	    "on or off\n",
	    cfg_file);
	ck_assert_str_eq(rep, want);
	assert_empty(&c);
	free(rep);
}
END_TEST

/* A bad root counts once: no extra "root is not set". */
START_TEST(test_bad_root_counts_once)
{
	struct dl_config c;
	char *rep, want[1024];

	ck_assert_int_eq(
	    load_text("root = \"relative\";\n"
		      "threads = 0;\n"
		      "allowed_peers = ( \"x\", \"10.0.0.1\", 7 );\n",
		&c, &rep),
	    4);
	snprintf(want, sizeof(want),
	    "dlfcgi: %1$s:1: root must be an absolute path\n"
	    "dlfcgi: %1$s:2: threads must be between 1 and 1024, not 0\n"
	    "dlfcgi: %1$s:3: allowed_peers entries must be addresses or "
	    "networks such as \"10.0.0.0/8\"\n"
	    "dlfcgi: %1$s:3: allowed_peers entries must be addresses or "
	    "networks such as \"10.0.0.0/8\"\n",
	    cfg_file);
	ck_assert_str_eq(rep, want);
	free(rep);
}
END_TEST

START_TEST(test_too_many_peers)
{
	struct dl_config c;
	char *rep, text[2048], want[256];
	size_t n;
	int i;

	n = (size_t)snprintf(
	    text, sizeof(text), "root = \"$D\";\nallowed_peers = [");
	for (i = 0; i <= DL_PEERS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "%s\"10.0.0.%d\"", i ? ", " : " ", i);
	snprintf(text + n, sizeof(text) - n, " ];\n");
	ck_assert_int_eq(load_text(text, &c, &rep), 1);
	snprintf(want, sizeof(want),
	    "dlfcgi: %s:2: allowed_peers has %d entries, at most %d\n",
	    cfg_file, DL_PEERS_MAX + 1, DL_PEERS_MAX);
	ck_assert_str_eq(rep, want);
	free(rep);
}
END_TEST

START_TEST(test_missing_file)
{
	struct dl_config c;
	char *rep, path[160], want[256];

	ck_assert_int_eq(load_file("/nonexistent/dlfcgi.conf", &c, &rep), 1);
	ck_assert_str_eq(rep,
	    "dlfcgi: /nonexistent/dlfcgi.conf: No such file or directory\n");
	assert_empty(&c);
	free(rep);

	snprintf(path, sizeof(path), "%s/absent.conf", cfg_dir);
	ck_assert_int_eq(load_file(path, &c, &rep), 1);
	snprintf(want, sizeof(want), "dlfcgi: %s: No such file or directory\n",
	    path);
	ck_assert_str_eq(rep, want);
	free(rep);
}
END_TEST

/*
 * The config file given is a directory (`dlfcgi -t -c /etc`, or a reload
 * after the file was replaced by one). fopen(3) succeeds on a directory
 * and libconfig's flex scanner then calls exit(2) ("input in flex scanner
 * failed"): this test's child exits early instead of getting an error.
 */
START_TEST(test_file_is_directory)
{
	struct dl_config c;
	char *rep, want[256];
	const char *fork = getenv("CK_FORK");

	/* the exit would end the whole runner without fork: not here */
	if (fork != NULL && strcmp(fork, "no") == 0)
		return;
	ck_assert_int_eq(load_file(cfg_dir, &c, &rep), 1);
	snprintf(want, sizeof(want), "dlfcgi: %s: Is a directory\n", cfg_dir);
	ck_assert_str_eq(rep, want);
	free(rep);
}
END_TEST

/*
 * A log that exists must be a regular file: a FIFO blocks open(2) (and
 * the master with it, at SIGUSR1), a FIFO, terminal or device can block
 * writes. A file that does not exist yet is fine: it is created.
 */
START_TEST(test_log_not_regular)
{
	struct dl_config c;
	char *rep, path[160], want[1024];

	snprintf(path, sizeof(path), "%s/fifo", cfg_dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(load_text("root = \"$D\";\n"
				   "error_log = \"$D/fifo\";\n"
				   "access_log = \"$D\";\n"
				   "\n"
				   "",
			     &c, &rep),
	    2);
	snprintf(want, sizeof(want),
	    "dlfcgi: %1$s:2: error_log \"%2$s/fifo\" is a FIFO, not a regular "
	    "file (a log that is not a regular file could block dlfcgi)\n"
	    "dlfcgi: %1$s:3: access_log \"%2$s\" is a directory, not a "
	    "regular file (a log that is not a regular file could block "
	    "dlfcgi)\n",
	    cfg_file, cfg_dir);
	ck_assert_str_eq(rep, want);
	free(rep);

	ck_assert_int_eq(load_text("root = \"$D\";\n"
				   "error_log = \"/dev/null\";\n"
				   "access_log = \"$D/fifo\";\n",
			     &c, &rep),
	    2);
	snprintf(want, sizeof(want),
	    "dlfcgi: %1$s:2: error_log \"/dev/null\" is a character device, "
	    "not a regular file (a log that is not a regular file could "
	    "block dlfcgi)\n"
	    "dlfcgi: %1$s:3: access_log \"%2$s/fifo\" is a FIFO, not a "
	    "regular file (a log that is not a regular file could block "
	    "dlfcgi)\n",
	    cfg_file, cfg_dir);
	ck_assert_str_eq(rep, want);
	free(rep);

	/* absent (created at start) or regular: fine */
	ck_assert_int_eq(load_text("root = \"$D\";\n"
				   "error_log = \"$D/new.log\";\n"
				   "access_log = \"$D/t.conf\";\n",
			     &c, &rep),
	    0);
	ck_assert_str_eq(rep, "");
	free(rep);
	config_free(&c);
}
END_TEST

/* chmod 000 does not stop root: only meaningful as another user. */
START_TEST(test_unreadable_files)
{
	struct dl_config c;
	char *rep, path[160], want[512];

	if (geteuid() == 0)
		return; /* root reads mode 000 files: nothing to check */
	snprintf(path, sizeof(path), "%s/mime.types", cfg_dir);
	write_file(path, "text/plain txt\n");
	ck_assert_int_eq(chmod(path, 0), 0);
	ck_assert_int_eq(
	    load_text(
		"root = \"$D\";\nmime_types = \"$D/mime.types\";\n", &c, &rep),
	    1);
	snprintf(want, sizeof(want),
	    "dlfcgi: %s:2: mime_types \"%s\": Permission denied\n", cfg_file,
	    path);
	ck_assert_str_eq(rep, want);
	free(rep);

	ck_assert_int_eq(chmod(cfg_file, 0), 0);
	ck_assert_int_eq(load_file(cfg_file, &c, &rep), 1);
	snprintf(
	    want, sizeof(want), "dlfcgi: %s: Permission denied\n", cfg_file);
	ck_assert_str_eq(rep, want);
	free(rep);
}
END_TEST

Suite *
suite_config(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("Core");
	TCase *tl = tcase_create("Limits");
	TCase *te = tcase_create("Errors");

	tcase_add_unchecked_fixture(tc, check_case_setup, check_case_teardown);
	tcase_add_checked_fixture(tc, cfg_setup, cfg_teardown);
	tcase_add_unchecked_fixture(tl, check_case_setup, check_case_teardown);
	tcase_add_checked_fixture(tl, cfg_setup, cfg_teardown);
	tcase_add_unchecked_fixture(te, check_case_setup, check_case_teardown);
	tcase_add_checked_fixture(te, cfg_setup, cfg_teardown);
	tcase_set_timeout(tc, 10);
	tcase_set_timeout(tl, 10);
	tcase_set_timeout(te, 10);

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_comments_and_layout);
	tcase_add_test(tc, test_every_key);
	tcase_add_test(tc, test_inline_disposition);
	tcase_add_test(tc, test_defaults_free);
	tcase_add_test(tc, test_load_twice);
	tcase_add_test(tc, test_header_strings_at_bound);
	tcase_add_loop_test(tc, test_fair_share, 0, NELEM(share_rows));
	tcase_add_loop_test(tc, test_offload_keys, 0, NELEM(offload_rows));
	tcase_add_loop_test(tc, test_offload_warning, 0, NELEM(warn_rows));

	tcase_add_loop_test(tl, test_limit, 0, NELEM(limit_rows));

	tcase_add_loop_test(te, test_bad, 0, NELEM(bad_rows));
	tcase_add_loop_test(te, test_check_names_key, 0, NELEM(key_rows));
	tcase_add_test(te, test_every_error_reported);
	tcase_add_test(te, test_bad_root_counts_once);
	tcase_add_test(te, test_offload_both_missing);
	tcase_add_test(te, test_too_many_peers);
	tcase_add_test(te, test_missing_file);
	tcase_add_test(te, test_file_is_directory);
	tcase_add_test(te, test_unreadable_files);
	tcase_add_test(te, test_log_not_regular);

	suite_add_tcase(s, tc);
	suite_add_tcase(s, tl);
	suite_add_tcase(s, te);
	return s;
}
