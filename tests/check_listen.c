/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The listen value: parsing (exact reasons), and sockets really created
 * in a temp dir (mode, owner, live and stale unix sockets, TCP on the
 * loopback). The log of listen_open goes to a file in the temp dir.
 */
#include "autoconfig.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"
#include "listen.h"
#include "log.h"

#define SYNTAX "expected \"unix:/path\", \"HOST:PORT\" or \"[V6]:PORT\""
#define ABS "a unix socket path must be absolute"
#define LONG "a unix socket path is limited to 107 bytes"
#define PORT "port must be a number from 1 to 65535"

static const struct {
	const char *spec;
	const char *err; /* NULL: accepted */
	int kind;
	const char *where; /* path or host */
	unsigned port;
} rows[] = {
    {"unix:/run/x.sock", NULL, LISTEN_UNIX, "/run/x.sock", 0},
    {"unix:/", NULL, LISTEN_UNIX, "/", 0},
    {"unix:/a b:c", NULL, LISTEN_UNIX, "/a b:c", 0},
    {"unix:relative.sock", ABS, 0, NULL, 0},
    {"unix:relative", ABS, 0, NULL, 0},
    {"unix:", ABS, 0, NULL, 0},
    {"unix:./x.sock", ABS, 0, NULL, 0},
    {"127.0.0.1:9000", NULL, LISTEN_TCP, "127.0.0.1", 9000},
    {"[::1]:9000", NULL, LISTEN_TCP, "::1", 9000},
    {"[fe80::1%lo]:80", NULL, LISTEN_TCP, "fe80::1%lo", 80},
    {"localhost:80", NULL, LISTEN_TCP, "localhost", 80},
    {"0.0.0.0:1", NULL, LISTEN_TCP, "0.0.0.0", 1},
    {"127.0.0.1:65535", NULL, LISTEN_TCP, "127.0.0.1", 65535},
    {"127.0.0.1", SYNTAX, 0, NULL, 0},
    {"127.0.0.1:", PORT, 0, NULL, 0},
    {"1.2.3.4:", PORT, 0, NULL, 0},
    {"127.0.0.1:0", PORT, 0, NULL, 0},
    {"127.0.0.1:65536", PORT, 0, NULL, 0},
    {"127.0.0.1:99999999999999999999999", PORT, 0, NULL, 0},
    {"127.0.0.1:abc", PORT, 0, NULL, 0},
    {"127.0.0.1:80x", PORT, 0, NULL, 0},
    {"127.0.0.1:-1", PORT, 0, NULL, 0},
    {"127.0.0.1:+80", PORT, 0, NULL, 0},
    {"127.0.0.1: 80", PORT, 0, NULL, 0},
    {"UNIX:/x.sock", PORT, 0, NULL, 0}, /* the prefix is lower case */
    {"abc", SYNTAX, 0, NULL, 0},
    {":80", SYNTAX, 0, NULL, 0},
    {"::1:9000", SYNTAX, 0, NULL, 0}, /* a bare IPv6 needs brackets */
    {"::1", SYNTAX, 0, NULL, 0},
    {"[::1]9000", SYNTAX, 0, NULL, 0},
    {"[::1]", SYNTAX, 0, NULL, 0},
    {"[::1:9000", SYNTAX, 0, NULL, 0},
    {"[]:80", SYNTAX, 0, NULL, 0},
    {"[::1]:", PORT, 0, NULL, 0},
    {"[::1]:0", PORT, 0, NULL, 0},
    {"", SYNTAX, 0, NULL, 0},
};

START_TEST(test_parse)
{
	struct listen_addr a;
	char err[128] = "";
	int rc = listen_parse(rows[_i].spec, &a, err, sizeof(err));

	if (rows[_i].err != NULL) {
		ck_assert_msg(rc == -1, "\"%s\" accepted", rows[_i].spec);
		ck_assert_str_eq(err, rows[_i].err);
		return;
	}
	ck_assert_msg(rc == 0, "\"%s\": %s", rows[_i].spec, err);
	ck_assert_int_eq(a.kind, rows[_i].kind);
	if (a.kind == LISTEN_UNIX)
		ck_assert_str_eq(a.path, rows[_i].where);
	else {
		ck_assert_str_eq(a.host, rows[_i].where);
		ck_assert_uint_eq(a.port, rows[_i].port);
	}
}
END_TEST

/* sun_path holds 107 bytes and the NUL. */
START_TEST(test_unix_path_length)
{
	struct listen_addr a;
	char spec[200], err[128];
	size_t max = sizeof(a.path) - 1;

	ck_assert_uint_eq(max, 107);
	memset(spec, 'p', sizeof(spec));
	memcpy(spec, "unix:/", 6);
	spec[5 + max] = '\0'; /* path of exactly 107 bytes */
	ck_assert_int_eq(listen_parse(spec, &a, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(a.path), max);
	spec[5 + max] = 'p';
	spec[5 + max + 1] = '\0'; /* 108 */
	ck_assert_int_eq(listen_parse(spec, &a, err, sizeof(err)), -1);
	ck_assert_str_eq(err, LONG);
	spec[sizeof(spec) - 1] = '\0';
	ck_assert_int_eq(listen_parse(spec, &a, err, sizeof(err)), -1);
	ck_assert_str_eq(err, LONG);
}
END_TEST

/* host[64] holds 63 bytes. */
START_TEST(test_host_length)
{
	struct listen_addr a;
	char spec[128], err[128];

	memset(spec, 'h', 63);
	memcpy(spec + 63, ":80", 4);
	ck_assert_int_eq(listen_parse(spec, &a, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(a.host), 63);
	memset(spec, 'h', 64);
	memcpy(spec + 64, ":80", 4);
	ck_assert_int_eq(listen_parse(spec, &a, err, sizeof(err)), -1);
	ck_assert_str_eq(err, SYNTAX);
}
END_TEST

/* A short err buffer is truncated, not overrun. */
START_TEST(test_short_err_buffer)
{
	struct listen_addr a;
	char err[8];

	memset(err, 'Z', sizeof(err));
	ck_assert_int_eq(listen_parse("nope", &a, err, 5), -1);
	ck_assert_str_eq(err, "expe");
	ck_assert_int_eq(err[5], 'Z');
}
END_TEST

/*
 * Sockets
 */

static char sdir[96];
static char logpath[128];

static void
sock_setup(void)
{
	check_test_dir(sdir, sizeof(sdir));
	snprintf(logpath, sizeof(logpath), "%s/log", sdir);
	ck_assert_int_eq(log_open(logpath), 0);
}

static void
sock_teardown(void)
{
	listen_unlink_created();
	log_init(LOG_DEST_STDERR);
	check_rm_rf(sdir);
}

/* True if the log so far holds s. */
static bool
logged(const char *s)
{
	char buf[8192];
	size_t n;
	FILE *fp = fopen(logpath, "r");

	ck_assert_ptr_nonnull(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return strstr(buf, s) != NULL;
}

/* A listening socket: SO_ACCEPTCONN, close-on-exec, SOCK_STREAM. */
static void
assert_listening(int fd)
{
	socklen_t len;
	int v;

	ck_assert_int_ge(fd, 0);
	len = sizeof(v);
	ck_assert_int_eq(
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len), 0);
	ck_assert_int_eq(v, 1);
	len = sizeof(v);
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len), 0);
	ck_assert_int_eq(v, SOCK_STREAM);
	v = fcntl(fd, F_GETFD);
	ck_assert(v != -1 && (v & FD_CLOEXEC));
}

/* Connects to the unix socket at path: 0 or -1. */
static int
unix_connect(const char *path)
{
	struct sockaddr_un sun;
	int c, rc;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(c, 0);
	rc = connect(c, (struct sockaddr *)&sun, sizeof(sun));
	close(c);
	return rc;
}

START_TEST(test_unix_socket)
{
	char spec[160], path[128];
	struct stat st;
	int fd, fd2, c;

	snprintf(path, sizeof(path), "%s/s.sock", sdir);
	snprintf(spec, sizeof(spec), "unix:%s", path);

	fd = listen_open(spec, 0660, (uid_t)-1, (gid_t)-1);
	assert_listening(fd);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0660);
	ck_assert_int_eq(unix_connect(path), 0);
	c = accept(fd, NULL, NULL);
	ck_assert_int_ge(c, 0);
	close(c);

	/* a live socket is not stolen */
	errno = 0;
	ck_assert_int_eq(listen_open(spec, 0660, (uid_t)-1, (gid_t)-1), -1);
	ck_assert_int_eq(errno, EADDRINUSE);
	ck_assert(logged("another server is listening there"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0660);
	ck_assert_int_eq(unix_connect(path), 0); /* still the first one */

	/* a stale one is replaced, with the mode and owner asked for */
	close(fd);
	ck_assert_int_eq(stat(path, &st), 0); /* the file stays behind */
	ck_assert_int_eq(unix_connect(path), -1);
	fd2 = listen_open(spec, 0600, getuid(), getgid());
	assert_listening(fd2);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_uint_eq(st.st_uid, getuid());
	ck_assert_uint_eq(st.st_gid, getgid());
	ck_assert_int_eq(unix_connect(path), 0);

	/* cleanup removes the file, once */
	listen_unlink_created();
	ck_assert_int_eq(lstat(path, &st), -1);
	ck_assert_int_eq(errno, ENOENT);
	listen_unlink_created();
	close(fd2);
}
END_TEST

/* The mode is exactly what is asked, whatever the umask. */
START_TEST(test_unix_modes)
{
	static const unsigned modes[] = {0600, 0660, 0666, 0700, 0};
	char spec[160], path[128];
	struct stat st;
	mode_t old;
	int i, fd;

	old = umask(022);
	for (i = 0; i < NELEM(modes); i++) {
		snprintf(path, sizeof(path), "%s/m%d.sock", sdir, i);
		snprintf(spec, sizeof(spec), "unix:%s", path);
		fd = listen_open(spec, modes[i], (uid_t)-1, (gid_t)-1);
		assert_listening(fd);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_uint_eq(st.st_mode & 07777, modes[i]);
		listen_unlink_created();
		close(fd);
	}
	ck_assert_uint_eq(umask(old), 022); /* restored */
}
END_TEST

/* A directory that does not exist: an error, no file. */
START_TEST(test_unix_missing_dir)
{
	char spec[160];

	snprintf(spec, sizeof(spec), "unix:%s/no/such/dir.sock", sdir);
	errno = 0;
	ck_assert_int_eq(listen_open(spec, 0660, (uid_t)-1, (gid_t)-1), -1);
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/*
 * Only a stale *socket* may be replaced. connect(2) to a regular file
 * fails with ECONNREFUSED just as on a stale socket, and listen_unix()
 * then unlinks whatever is there: `listen = "unix:/some/file"` deletes
 * that file and puts a socket in its place.
 */
START_TEST(test_unix_regular_file_kept)
{
	char spec[160], path[128], buf[32];
	struct stat st;
	FILE *fp;
	int fd;

	snprintf(path, sizeof(path), "%s/precious", sdir);
	snprintf(spec, sizeof(spec), "unix:%s", path);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("data\n", fp);
	ck_assert_int_eq(fclose(fp), 0);

	fd = listen_open(spec, 0660, (uid_t)-1, (gid_t)-1);
	if (fd >= 0)
		close(fd);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_msg(S_ISREG(st.st_mode),
	    "listen_open replaced a regular file with a socket");
	fp = fopen(path, "r");
	ck_assert_ptr_nonnull(fp);
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	ck_assert_str_eq(buf, "data\n");
	ck_assert_int_eq(fd, -1);
}
END_TEST

START_TEST(test_bad_spec)
{
	errno = 0;
	ck_assert_int_eq(
	    listen_open("nowhere", 0660, (uid_t)-1, (gid_t)-1), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert(logged("listen \"nowhere\": " SYNTAX));
	errno = 0;
	ck_assert_int_eq(
	    listen_open("127.0.0.1:0", 0660, (uid_t)-1, (gid_t)-1), -1);
	ck_assert_int_eq(errno, EINVAL);
}
END_TEST

/* A port nobody uses right now: bind to port 0, read it, let it go. */
static unsigned
free_port(int family)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len = sizeof(ss);
	unsigned port = 0;
	int probe;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	else
		sin6->sin6_addr = in6addr_loopback;
	probe = socket(family, SOCK_STREAM, 0);
	if (probe == -1)
		return 0;
	if (bind(probe, (struct sockaddr *)&ss,
		family == AF_INET ? sizeof(*sin) : sizeof(*sin6)) == 0 &&
	    getsockname(probe, (struct sockaddr *)&ss, &len) == 0)
		port =
		    ntohs(family == AF_INET ? sin->sin_port : sin6->sin6_port);
	close(probe);
	return port;
}

static int
tcp_connect(int family, unsigned port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	int c, rc;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET) {
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons((unsigned short)port);
	} else {
		sin6->sin6_addr = in6addr_loopback;
		sin6->sin6_port = htons((unsigned short)port);
	}
	c = socket(family, SOCK_STREAM, 0);
	ck_assert_int_ge(c, 0);
	rc = connect(c, (struct sockaddr *)&ss,
	    family == AF_INET ? sizeof(*sin) : sizeof(*sin6));
	close(c);
	return rc;
}

START_TEST(test_tcp_socket)
{
	char spec[64];
	unsigned port = free_port(AF_INET);
	int fd;

	ck_assert_uint_ne(port, 0);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", port);
	fd = listen_open(spec, 0660, (uid_t)-1, (gid_t)-1);
	assert_listening(fd);
	ck_assert_int_eq(tcp_connect(AF_INET, port), 0);
	/* the port is taken now */
	errno = 0;
	ck_assert_int_eq(listen_open(spec, 0660, (uid_t)-1, (gid_t)-1), -1);
	ck_assert_int_eq(errno, EADDRINUSE);
	close(fd);
}
END_TEST

START_TEST(test_tcp6_socket)
{
	char spec[64];
	unsigned port = free_port(AF_INET6);
	int fd;

	if (port == 0)
		return; /* no IPv6 loopback here: nothing to test */
	snprintf(spec, sizeof(spec), "[::1]:%u", port);
	fd = listen_open(spec, 0660, (uid_t)-1, (gid_t)-1);
	assert_listening(fd);
	ck_assert_int_eq(tcp_connect(AF_INET6, port), 0);
	close(fd);
}
END_TEST

/* An address this host does not have (TEST-NET-1). */
START_TEST(test_tcp_foreign_address)
{
	errno = 0;
	ck_assert_int_eq(
	    listen_open("192.0.2.1:9", 0660, (uid_t)-1, (gid_t)-1), -1);
	ck_assert_int_eq(errno, EADDRNOTAVAIL);
	ck_assert(logged("listen 192.0.2.1:9"));
}
END_TEST

Suite *
suite_listen(void)
{
	Suite *s = suite_create("listen");
	TCase *tc = tcase_create("Core");
	TCase *tl = tcase_create("Limits");
	TCase *ts = tcase_create("Sockets");

	tcase_set_timeout(tc, 5);
	tcase_set_timeout(tl, 5);
	tcase_set_timeout(ts, 10);
	tcase_add_unchecked_fixture(ts, check_case_setup, check_case_teardown);
	tcase_add_checked_fixture(ts, sock_setup, sock_teardown);

	tcase_add_loop_test(tc, test_parse, 0, NELEM(rows));
	tcase_add_test(tl, test_unix_path_length);
	tcase_add_test(tl, test_host_length);
	tcase_add_test(tl, test_short_err_buffer);
	tcase_add_test(ts, test_unix_socket);
	tcase_add_test(ts, test_unix_modes);
	tcase_add_test(ts, test_unix_missing_dir);
	tcase_add_test(ts, test_unix_regular_file_kept);
	tcase_add_test(ts, test_bad_spec);
	tcase_add_test(ts, test_tcp_socket);
	tcase_add_test(ts, test_tcp6_socket);
	tcase_add_test(ts, test_tcp_foreign_address);

	suite_add_tcase(s, tc);
	suite_add_tcase(s, tl);
	suite_add_tcase(s, ts);
	return s;
}
