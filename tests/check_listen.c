/*
 * The listen value: parsing, and sockets really created (mode, owner,
 * stale and live unix sockets, TCP on loopback).
 */
#include "autoconfig.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <netinet/in.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "listen.h"

static const struct {
	const char *spec;
	int ok;
	int kind;
	const char *where; /* path or host */
	unsigned port;
} rows[] = {
    {"unix:/run/x.sock", 1, LISTEN_UNIX, "/run/x.sock", 0},
    {"unix:relative.sock", 0, 0, NULL, 0},
    {"unix:", 0, 0, NULL, 0},
    {"127.0.0.1:9000", 1, LISTEN_TCP, "127.0.0.1", 9000},
    {"[::1]:9000", 1, LISTEN_TCP, "::1", 9000},
    {"[fe80::1%lo]:80", 1, LISTEN_TCP, "fe80::1%lo", 80},
    {"localhost:80", 1, LISTEN_TCP, "localhost", 80},
    {"127.0.0.1:65535", 1, LISTEN_TCP, "127.0.0.1", 65535},
    {"127.0.0.1", 0, 0, NULL, 0},
    {"127.0.0.1:", 0, 0, NULL, 0},
    {"127.0.0.1:0", 0, 0, NULL, 0},
    {"127.0.0.1:65536", 0, 0, NULL, 0},
    {"127.0.0.1:abc", 0, 0, NULL, 0},
    {"127.0.0.1:80x", 0, 0, NULL, 0},
    {"127.0.0.1:-1", 0, 0, NULL, 0},
    {":80", 0, 0, NULL, 0},
    {"::1:9000", 0, 0, NULL, 0}, /* a bare IPv6 needs brackets */
    {"[::1]9000", 0, 0, NULL, 0},
    {"[::1]", 0, 0, NULL, 0},
    {"", 0, 0, NULL, 0},
};

START_TEST(test_parse)
{
	struct listen_addr a;
	char err[128] = "";
	int rc = listen_parse(rows[_i].spec, &a, err, sizeof(err));

	ck_assert_msg((rc == 0) == rows[_i].ok, "\"%s\": rc %d (%s)",
	    rows[_i].spec, rc, err);
	if (rc != 0) {
		ck_assert_str_ne(err, "");
		return;
	}
	ck_assert_int_eq(a.kind, rows[_i].kind);
	if (a.kind == LISTEN_UNIX)
		ck_assert_str_eq(a.path, rows[_i].where);
	else {
		ck_assert_str_eq(a.host, rows[_i].where);
		ck_assert_uint_eq(a.port, rows[_i].port);
	}
}
END_TEST

START_TEST(test_unix_path_too_long)
{
	struct listen_addr a;
	char spec[200], err[128];

	memset(spec, 'p', sizeof(spec) - 1);
	spec[sizeof(spec) - 1] = '\0';
	memcpy(spec, "unix:/", 6);
	ck_assert_int_eq(listen_parse(spec, &a, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "limited to 107 bytes"));
}
END_TEST

START_TEST(test_unix_socket)
{
	char dir[64], spec[160], path[128];
	struct stat st;
	int fd, fd2;

	snprintf(dir, sizeof(dir), "/tmp/dlfcgi-listen-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/s.sock", dir);
	snprintf(spec, sizeof(spec), "unix:%s", path);

	fd = listen_open(spec, 0660, (uid_t)-1, (gid_t)-1);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 0777, 0660);

	/* a live socket is not stolen */
	errno = 0;
	ck_assert_int_eq(listen_open(spec, 0660, (uid_t)-1, (gid_t)-1), -1);
	ck_assert_int_eq(errno, EADDRINUSE);

	/* a stale one is replaced, with the mode asked for */
	close(fd);
	fd2 = listen_open(spec, 0600, getuid(), getgid());
	ck_assert_int_ge(fd2, 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_uint_eq(st.st_uid, getuid());

	listen_unlink_created();
	ck_assert_int_eq(stat(path, &st), -1);
	close(fd2);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(test_tcp_socket)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof(sin);
	char spec[64];
	int probe, fd, type;

	/* a free port: bind to 0, read it, let it go */
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	probe = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(bind(probe, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_eq(getsockname(probe, (struct sockaddr *)&sin, &len), 0);
	close(probe);
	snprintf(spec, sizeof(spec), "127.0.0.1:%u", ntohs(sin.sin_port));
	fd = listen_open(spec, 0660, (uid_t)-1, (gid_t)-1);
	ck_assert_int_ge(fd, 0);
	len = sizeof(type);
	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len), 0);
	ck_assert_int_eq(type, SOCK_STREAM);
	close(fd);
	/* an address this host does not have */
	ck_assert_int_eq(
	    listen_open("192.0.2.1:9", 0660, (uid_t)-1, (gid_t)-1), -1);
}
END_TEST

Suite *
suite_listen(void)
{
	Suite *s = suite_create("listen");
	TCase *tc = tcase_create("Core");
	TCase *ts = tcase_create("Sockets");

	tcase_add_loop_test(
	    tc, test_parse, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_unix_path_too_long);
	tcase_add_test(ts, test_unix_socket);
	tcase_add_test(ts, test_tcp_socket);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, ts);
	return s;
}
