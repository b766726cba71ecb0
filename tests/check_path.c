/*
 * The path resolver: traversal forms, symlinks in and out of root,
 * dotfiles, FIFOs, sockets, long names; each case with openat2 and with
 * the fallback walk, and no descriptor left open on any path.
 */
#include "autoconfig.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "limits.h"
#include "path.h"

static char root[64];
static int rootfd = -1;

static void
mk(const char *rel, const char *content)
{
	char p[512];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(content, fp);
	fclose(fp);
}

static void
mkd(const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

static void
mkl(const char *target, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	ck_assert_int_eq(symlink(target, p), 0);
}

static void
path_setup(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char p[512], name[300];
	int s;

	snprintf(root, sizeof(root), "/tmp/dlfcgi-path-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	mk("a.txt", "hello\n");
	mkd("sub");
	mk("sub/b.txt", "bee\n");
	mkd("sub/deeper");
	mk("sub/deeper/c.txt", "sea\n");
	mk(".secret", "s\n");
	mkd(".git");
	mk(".git/config", "c\n");
	mk("%2e%2e", "literal\n");
	mkl("a.txt", "link-in");
	mkl("sub", "dirlink-in");
	mkl("/etc/passwd", "link-out");
	mkl("../../../../etc/passwd", "link-up");
	mkl("loop2", "loop1");
	mkl("loop1", "loop2");
	mkl("sub/../a.txt", "link-dotdot");
	snprintf(p, sizeof(p), "%s/fifo", root);
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/sock", root);
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(s);
	memset(name, 'n', 255);
	name[255] = '\0';
	mk(name, "long\n");
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(rootfd, 0);
}

static void
path_teardown(void)
{
	char cmd[128];

	close(rootfd);
	path_force_fallback(false);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

static int
open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

#define OK PATH_OK
#define NF PATH_NOT_FOUND
#define FB PATH_FORBIDDEN

static const struct {
	const char *path;
	enum path_result want;	      /* default policy */
	enum path_result want_lax;    /* follow_symlinks + serve_hidden */
	enum path_result want_lax_fb; /* the same, fallback walk */
	off_t size;		      /* when OK */
} rows[] = {
    {"/a.txt", OK, OK, OK, 6},
    {"a.txt", OK, OK, OK, 6},
    {"//a.txt", OK, OK, OK, 6},
    {"/sub/b.txt", OK, OK, OK, 4},
    {"/sub//b.txt", OK, OK, OK, 4},
    {"/sub/deeper/c.txt", OK, OK, OK, 4},
    {"/missing", NF, NF, NF, 0},
    {"/sub/missing/x", NF, NF, NF, 0},
    {"/a.txt/", NF, NF, NF, 0}, /* a file is not a directory */
    {"/a.txt/x", NF, NF, NF, 0},
    {"/%2e%2e", OK, OK, OK, 8}, /* no decoding: a literal name */
    {"/%2e%2e/x", NF, NF, NF, 0},
    {"/", FB, FB, FB, 0},
    {"", FB, FB, FB, 0},
    {"/sub", FB, FB, FB, 0}, /* a directory */
    {"/sub/", FB, FB, FB, 0},
    {"/fifo", FB, FB, FB, 0}, /* must not block */
    {"/sock", FB, FB, FB, 0},
    {"/.secret", FB, OK, OK, 2},       /* dotfile */
    {"/.git/config", FB, OK, OK, 2},   /* inside a dot directory */
    {"/../etc/passwd", FB, FB, FB, 0}, /* escape: never */
    {"/sub/../../etc/passwd", FB, FB, FB, 0},
    {"/sub/../a.txt", FB, OK, OK, 6}, /* ".." stays inside */
    {"/./a.txt", FB, OK, OK, 6},
    {"/..", FB, FB, FB, 0},
    {"/sub/deeper/../../../a.txt", FB, FB, FB, 0},
    {"/link-in", FB, OK, FB, 6}, /* symlink inside root */
    {"/dirlink-in/b.txt", FB, OK, FB, 4},
    {"/link-out", FB, FB, FB, 0}, /* symlink out of root */
    {"/link-up", FB, FB, FB, 0},
    {"/link-dotdot", FB, OK, FB, 6},
    {"/loop1", FB, FB, FB, 0},
};

static void
check_row(int i, bool fallback, bool lax)
{
	struct path_policy pol = {.follow_symlinks = lax, .serve_hidden = lax};
	enum path_result want, got;
	struct stat st;
	int fd = 12345, before = open_fds();

	path_force_fallback(fallback);
	want = !lax ? rows[i].want
		    : (fallback ? rows[i].want_lax_fb : rows[i].want_lax);
	got = path_open(rootfd, rows[i].path, &pol, &fd, &st);
	ck_assert_msg(got == want, "\"%s\" (%s, %s): got %d, want %d",
	    rows[i].path, fallback ? "walk" : "openat2", lax ? "lax" : "strict",
	    got, want);
	if (got == PATH_OK) {
		ck_assert(S_ISREG(st.st_mode));
		ck_assert_int_eq(st.st_size, rows[i].size);
		ck_assert_int_eq(open_fds(), before + 1);
		close(fd);
	} else {
		ck_assert_int_eq(fd, -1);
		ck_assert_int_eq(open_fds(), before);
	}
}

START_TEST(test_openat2_strict)
{
	check_row(_i, false, false);
}
END_TEST

START_TEST(test_walk_strict)
{
	check_row(_i, true, false);
}
END_TEST

START_TEST(test_openat2_lax)
{
	check_row(_i, false, true);
}
END_TEST

START_TEST(test_walk_lax)
{
	check_row(_i, true, true);
}
END_TEST

START_TEST(test_long_names)
{
	struct path_policy pol = {0};
	char name[600], *longpath;
	struct stat st;
	int fd, mode;

	for (mode = 0; mode < 2; mode++) {
		path_force_fallback(mode);
		memset(name, 'n', 255);
		name[255] = '\0';
		ck_assert_int_eq(
		    path_open(rootfd, name, &pol, &fd, &st), PATH_OK);
		close(fd);
		memset(name, 'n', 256); /* one byte over NAME_MAX */
		name[256] = '\0';
		ck_assert_int_eq(
		    path_open(rootfd, name, &pol, &fd, &st), PATH_NOT_FOUND);
		longpath = malloc(DL_PATH_MAX + 2);
		ck_assert_ptr_nonnull(longpath);
		memset(longpath, 'a', DL_PATH_MAX + 1);
		longpath[DL_PATH_MAX + 1] = '\0';
		ck_assert_int_eq(
		    path_open(rootfd, longpath, &pol, &fd, &st), PATH_TOO_LONG);
		ck_assert_int_eq(fd, -1);
		/* exactly DL_PATH_MAX is allowed (and simply not there) */
		longpath[DL_PATH_MAX] = '\0';
		ck_assert_int_ne(
		    path_open(rootfd, longpath, &pol, &fd, &st), PATH_TOO_LONG);
		free(longpath);
	}
}
END_TEST

Suite *
suite_path(void)
{
	Suite *s = suite_create("path");
	TCase *tc[4];
	const char *names[4] = {"openat2", "walk", "openat2-lax", "walk-lax"};
	const TTest *fns[4] = {test_openat2_strict, test_walk_strict,
	    test_openat2_lax, test_walk_lax};
	TCase *tl = tcase_create("Limits");
	int i;

	for (i = 0; i < 4; i++) {
		tc[i] = tcase_create(names[i]);
		tcase_add_checked_fixture(tc[i], path_setup, path_teardown);
		tcase_set_timeout(tc[i], 10); /* a FIFO must not block */
		tcase_add_loop_test(
		    tc[i], fns[i], 0, (int)(sizeof(rows) / sizeof(rows[0])));
		suite_add_tcase(s, tc[i]);
	}
	tcase_add_checked_fixture(tl, path_setup, path_teardown);
	tcase_add_test(tl, test_long_names);
	suite_add_tcase(s, tl);
	return s;
}
