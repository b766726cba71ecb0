/*
 * The config loader: defaults, every key, and every class of error with
 * its exact "dlfcgi: FILE:LINE: message".
 */
#include "autoconfig.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "config.h"

static char cfg_dir[64];

static void
cfg_setup(void)
{
	snprintf(cfg_dir, sizeof(cfg_dir), "/tmp/dlfcgi-check-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(cfg_dir));
}

static void
cfg_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cfg_dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Writes text to a file in cfg_dir, loads it; returns the error count
 * and the report in *report (caller frees). */
static int
load(const char *text, struct dl_config *cfg, char **report, char *path,
    size_t pathlen)
{
	FILE *fp, *ef;
	size_t len;
	int n;

	snprintf(path, pathlen, "%s/t.conf", cfg_dir);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	ef = open_memstream(report, &len);
	ck_assert_ptr_nonnull(ef);
	n = config_load(path, cfg, ef);
	fclose(ef);
	return n;
}

START_TEST(test_defaults)
{
	struct dl_config c;
	char *rep, path[128], text[128];

	snprintf(text, sizeof(text), "root = \"%s\";\n", cfg_dir);
	ck_assert_int_eq(load(text, &c, &rep, path, sizeof(path)), 0);
	ck_assert_str_eq(rep, "");
	ck_assert_str_eq(c.root, cfg_dir);
	ck_assert_ptr_null(c.listen);
	ck_assert_int_eq(c.threads, 16);
	ck_assert_int_eq(c.buffer_size, 65536);
	ck_assert_str_eq(c.mime_types, "/etc/mime.types");
	ck_assert_str_eq(c.default_type, "application/octet-stream");
	ck_assert(!c.follow_symlinks && !c.serve_hidden && !c.hide_forbidden);
	ck_assert(c.sendfile);
	ck_assert_int_eq(c.request_timeout, 30);
	ck_assert_int_eq(c.send_timeout, 60);
	ck_assert_int_eq(c.max_ranges, 16);
	ck_assert_int_eq(c.disposition_type, DISPOSITION_NONE);
	ck_assert_ptr_null(c.cache_control);
	ck_assert_int_eq(c.workers, 2);
	ck_assert_int_eq(c.max_requests, 0);
	ck_assert_int_eq(c.shutdown_timeout, 30);
	ck_assert_int_eq(c.queue_timeout, 5);
	ck_assert_uint_eq(c.listen_mode_bits, 0660);
	ck_assert_uint_eq(c.nallowed_peers, 2);
	ck_assert_int_eq(c.rate_burst, 10);
	ck_assert_int_eq(c.min_rate_window, 60);
	ck_assert_str_eq(c.error_log, "syslog");
	ck_assert_ptr_null(c.access_log);
	free(rep);
	config_free(&c);
}
END_TEST

START_TEST(test_every_key)
{
	struct dl_config c;
	char *rep, path[128], text[2048];

	snprintf(text, sizeof(text),
	    "root = \"%s\";\n"
	    "listen = \"[::1]:9000\";\n"
	    "threads = 4;\n"
	    "buffer_size = 131072;\n"
	    "mime_types = \"%s/t.conf\";\n"
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
	    "allowed_peers = [ \"10.0.0.0/8\", \"fd00::/8\", \"192.0.2.1\" ];\n"
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
	    "access_log = \"%s/access.log\";\n",
	    cfg_dir, cfg_dir, cfg_dir);
	ck_assert_int_eq(load(text, &c, &rep, path, sizeof(path)), 0);
	ck_assert_str_eq(rep, "");
	ck_assert_str_eq(c.listen, "[::1]:9000");
	ck_assert_int_eq(c.threads, 4);
	ck_assert_int_eq(c.buffer_size, 131072);
	ck_assert_str_eq(c.default_type, "text/plain; charset=utf-8");
	ck_assert(c.follow_symlinks && c.serve_hidden && c.hide_forbidden);
	ck_assert(!c.sendfile);
	ck_assert_int_eq(c.request_timeout, 5);
	ck_assert_int_eq(c.send_timeout, 7);
	ck_assert_int_eq(c.max_ranges, 0);
	ck_assert_int_eq(c.disposition_type, DISPOSITION_ATTACHMENT);
	ck_assert_str_eq(c.cache_control, "max-age=3600");
	ck_assert_int_eq(c.workers, 0);
	ck_assert_int_eq(c.max_requests, 1000);
	ck_assert_int_eq(c.shutdown_timeout, 0);
	ck_assert_int_eq(c.queue_timeout, 2);
	ck_assert_uint_eq(c.listen_mode_bits, 0600);
	ck_assert_str_eq(c.user, "root");
	ck_assert_uint_eq(c.nallowed_peers, 3);
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
	free(rep);
	config_free(&c);
}
END_TEST

/* One bad line after a good root; the report must be exactly this. */
static const struct {
	const char *line;
	const char *msg; /* after "dlfcgi: FILE:2: " */
} bad_rows[] = {
    {"threads = 0;", "threads must be between 1 and 1024, not 0"},
    {"threads = 1025;", "threads must be between 1 and 1024, not 1025"},
    {"threads = \"many\";", "threads must be an integer"},
    {"threads = 1.5;", "threads must be an integer"},
    {"buffer_size = 100;",
	"buffer_size must be between 4096 and 16777216, not 100"},
    {"buffer_size = 16777217;",
	"buffer_size must be between 4096 and 16777216, not 16777217"},
    {"follow_symlinks = 1;", "follow_symlinks must be true or false"},
    {"sendfile = \"yes\";", "sendfile must be true or false"},
    {"default_type = 5;", "default_type must be a string"},
    {"rooot = \"/tmp\";", "unknown key \"rooot\""},
    {"x = { a = 1; };", "unknown key \"x\""},
    {"listen = \"foo\";",
	"listen \"foo\": expected \"unix:/path\", \"HOST:PORT\" or "
	"\"[V6]:PORT\""},
    {"listen = \"unix:rel.sock\";",
	"listen \"unix:rel.sock\": a unix socket path must be absolute"},
    {"listen = \"127.0.0.1:0\";",
	"listen \"127.0.0.1:0\": port must be a number from 1 to 65535"},
    {"mime_types = \"/nonexistent/mime.types\";",
	"mime_types \"/nonexistent/mime.types\": No such file or directory"},
    {"default_type = \"nonsense\";",
	"default_type \"nonsense\" is not a media type such as "
	"\"application/octet-stream\""},
    {"max_ranges = 257;", "max_ranges must be between 0 and 256, not 257"},
    {"disposition = \"download\";",
	"disposition must be \"none\", \"attachment\" or \"inline\", not "
	"\"download\""},
    {"cache_control = \"a\\nb\";",
	"cache_control must be printable ASCII on one line"},
    {"workers = 257;", "workers must be between 0 and 256, not 257"},
    {"queue_timeout = 0;", "queue_timeout must be between 1 and 3600, not 0"},
    {"listen_mode = \"0999\";",
	"listen_mode must be an octal mode such as \"0660\", not \"0999\""},
    {"user = \"no-such-user-dlfcgi\";", "no such user \"no-such-user-dlfcgi\""},
    {"group = \"no-such-group-dlfcgi\";",
	"no such group \"no-such-group-dlfcgi\""},
    {"allowed_peers = [ \"10.0.0.0/33\" ];",
	"allowed_peers entries must be addresses or networks such as "
	"\"10.0.0.0/8\""},
    {"allowed_peers = \"10.0.0.1\";",
	"allowed_peers must be a list of "
	"strings"},
    {"rate_burst = 0;", "rate_burst must be between 1 and 1000000, not 0"},
    {"limit_rate = -1;",
	"limit_rate must be between 0 and 1099511627776, not -1"},
    {"error_log = \"relative.log\";",
	"error_log must be \"syslog\", \"stderr\" or an absolute path, not "
	"\"relative.log\""},
    {"access_log = \"stderr\";",
	"a log file must be an absolute path, not \"stderr\""},
};

START_TEST(test_bad_value)
{
	struct dl_config c;
	char *rep, path[128], text[512], want[512];

	snprintf(text, sizeof(text), "root = \"%s\";\n%s\n", cfg_dir,
	    bad_rows[_i].line);
	ck_assert_int_eq(load(text, &c, &rep, path, sizeof(path)), 1);
	snprintf(
	    want, sizeof(want), "dlfcgi: %s:2: %s\n", path, bad_rows[_i].msg);
	ck_assert_str_eq(rep, want);
	free(rep);
}
END_TEST

START_TEST(test_root_errors)
{
	struct dl_config c;
	char *rep, path[128], want[512], text[256];

	ck_assert_int_eq(
	    load("threads = 2;\n", &c, &rep, path, sizeof(path)), 1);
	snprintf(want, sizeof(want),
	    "dlfcgi: %s: root is not set (the directory to serve)\n", path);
	ck_assert_str_eq(rep, want);
	free(rep);

	ck_assert_int_eq(load("root = \"/nonexistent-dlfcgi\";\n", &c, &rep,
			     path, sizeof(path)),
	    1);
	snprintf(want, sizeof(want),
	    "dlfcgi: %s:1: root \"/nonexistent-dlfcgi\": No such file or "
	    "directory\n",
	    path);
	ck_assert_str_eq(rep, want);
	free(rep);

	ck_assert_int_eq(
	    load("root = \"relative\";\n", &c, &rep, path, sizeof(path)), 1);
	snprintf(want, sizeof(want),
	    "dlfcgi: %s:1: root must be an absolute path\n", path);
	ck_assert_str_eq(rep, want);
	free(rep);

	/* a regular file is not a directory */
	snprintf(text, sizeof(text), "\nroot = \"%s/t.conf\";\n", cfg_dir);
	ck_assert_int_eq(load(text, &c, &rep, path, sizeof(path)), 1);
	snprintf(want, sizeof(want),
	    "dlfcgi: %s:2: root \"%s/t.conf\": Not a directory\n", path,
	    cfg_dir);
	ck_assert_str_eq(rep, want);
	free(rep);
}
END_TEST

START_TEST(test_syntax_error)
{
	struct dl_config c;
	char *rep, path[128], want[256];

	ck_assert_int_eq(load("root = \"/tmp\";\nthreads = ;\n", &c, &rep, path,
			     sizeof(path)),
	    1);
	snprintf(want, sizeof(want), "dlfcgi: %s:2: syntax error\n", path);
	ck_assert_str_eq(rep, want);
	free(rep);
}
END_TEST

START_TEST(test_every_error_reported)
{
	struct dl_config c;
	char *rep, path[128];

	ck_assert_int_eq(load("threads = 0;\n"
			      "bogus = 1;\n"
			      "buffer_size = \"big\";\n"
			      "listen = \"nowhere\";\n",
			     &c, &rep, path, sizeof(path)),
	    5);
	ck_assert_ptr_nonnull(strstr(rep, ":1: threads must be between"));
	ck_assert_ptr_nonnull(strstr(rep, ":2: unknown key \"bogus\""));
	ck_assert_ptr_nonnull(
	    strstr(rep, ":3: buffer_size must be an integer"));
	ck_assert_ptr_nonnull(strstr(rep, ":4: listen \"nowhere\""));
	ck_assert_ptr_nonnull(strstr(rep, ": root is not set"));
	free(rep);
}
END_TEST

START_TEST(test_missing_file)
{
	struct dl_config c;
	char *rep;
	size_t len;
	FILE *ef = open_memstream(&rep, &len);

	ck_assert_int_eq(config_load("/nonexistent/dlfcgi.conf", &c, ef), 1);
	fclose(ef);
	ck_assert_str_eq(rep,
	    "dlfcgi: /nonexistent/dlfcgi.conf: No such file "
	    "or directory\n");
	free(rep);
}
END_TEST

START_TEST(test_defaults_free)
{
	struct dl_config c;

	config_defaults(&c);
	ck_assert_ptr_nonnull(c.mime_types);
	config_free(&c);
	ck_assert_ptr_null(c.mime_types);
	config_free(&c); /* idempotent */
}
END_TEST

Suite *
suite_config(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("Core");
	TCase *te = tcase_create("Errors");

	tcase_add_checked_fixture(tc, cfg_setup, cfg_teardown);
	tcase_add_checked_fixture(te, cfg_setup, cfg_teardown);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_every_key);
	tcase_add_test(tc, test_defaults_free);
	tcase_add_loop_test(te, test_bad_value, 0,
	    (int)(sizeof(bad_rows) / sizeof(bad_rows[0])));
	tcase_add_test(te, test_root_errors);
	tcase_add_test(te, test_syntax_error);
	tcase_add_test(te, test_every_error_reported);
	tcase_add_test(te, test_missing_file);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, te);
	return s;
}
