/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The path resolver: traversal forms, symlinks in and out of root,
 * dotfiles, FIFOs, sockets, long and deep names. Every row of the table
 * runs under the four policies, each with openat2 and with the fallback
 * walk (path_force_fallback), and checks that nothing but the returned
 * descriptor is left open.
 *
 * Intended differences between the modes:
 * - follow_symlinks: openat2 follows symlinks whose resolution stays
 *   beneath root (absolute or escaping links fail with EXDEV, 403); the
 *   walk refuses every symlink (ELOOP, 403), so it is given the
 *   expectations of follow_symlinks = false.
 * - depth: the walk gives up after DL_PATH_DEPTH_MAX directories (404);
 *   openat2 has no such limit below PATH_MAX.
 * serve_hidden = false also holds through symlinks: with
 * follow_symlinks, a symlink in root to a dotfile, or to a directory
 * beginning with '.', is refused like the dotfile itself.
 */
#include "autoconfig.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "check_suites.h"
#include "check_util.h"
#include "bounds.h"
#include "path.h"

static char root[96];
static int rootfd = -1;
static bool have_openat2;

static void
mk(const char *rel, const char *content)
{
	char p[512];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	fp = fopen(p, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(content, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
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

/* Whether the kernel has openat2 (else both modes are the walk). */
static bool
probe_openat2(void)
{
#if defined(HAVE_LINUX_OPENAT2_H) && HAVE_DECL_SYS_OPENAT2
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
	how.resolve = RESOLVE_BENEATH;
	fd = syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof(how));
	if (fd >= 0) {
		close((int)fd);
		return true;
	}
	return errno != ENOSYS;
#else
	return false;
#endif
}

static void
path_setup(void)
{
	struct sockaddr_un sun;
	char p[512], name[300];
	int s;

	have_openat2 = probe_openat2();
	check_test_dir(root, sizeof(root));
	mk("a.txt", "hello\n");
	mkd("sub");
	mk("sub/b.txt", "bee\n");
	mk("sub/.h", "hidden in sub\n");
	mkd("sub/deeper");
	mk("sub/deeper/c.txt", "sea\n");
	mk(".secret", "s\n");
	mkd(".git");
	mk(".git/config", "cfg\n");
	mk("%2e%2e", "literal\n");
	mkl("a.txt", "link-in");
	mkl("sub", "dirlink-in");
	mkl("/etc/passwd", "link-out");
	mkl("/etc", "dirlink-out");
	mkl("../../../../etc/passwd", "link-up");
	mkl("loop2", "loop1");
	mkl("loop1", "loop2");
	mkl("sub/../a.txt", "link-dotdot");
	mkl("../a.txt", "sub/link-rel");
	mkl("nothere", "dangling");
	mkl(".secret", "tohidden");
	mkl(".git", "tohiddendir");
	mkl("sub/.h", "tosubhidden");
	snprintf(p, sizeof(p), "%s/fifo", root);
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
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
	close(rootfd);
	rootfd = -1;
	path_force_fallback(false);
	check_rm_rf(root);
}

#define OK PATH_OK
#define NF PATH_NOT_FOUND
#define FB PATH_FORBIDDEN

/* Policies, the index into want[]. */
enum { P_STRICT, P_HIDDEN, P_FOLLOW, P_LAX, NPOL };

static const struct {
	const char *path;
	enum path_result want[NPOL]; /* openat2: strict hidden follow lax */
	enum path_result walk[2];    /* walk: serve_hidden false, true */
	const char *target;	     /* the file opened, when OK */
} rows[] = {
    /* plain names and slashes */
    {"/a.txt", {OK, OK, OK, OK}, {OK, OK}, "a.txt"},
    {"a.txt", {OK, OK, OK, OK}, {OK, OK}, "a.txt"},
    {"//a.txt", {OK, OK, OK, OK}, {OK, OK}, "a.txt"},
    {"/sub/b.txt", {OK, OK, OK, OK}, {OK, OK}, "sub/b.txt"},
    {"/sub//b.txt", {OK, OK, OK, OK}, {OK, OK}, "sub/b.txt"},
    {"///sub///deeper//c.txt", {OK, OK, OK, OK}, {OK, OK}, "sub/deeper/c.txt"},
    {"/sub/deeper/c.txt", {OK, OK, OK, OK}, {OK, OK}, "sub/deeper/c.txt"},
    {"/missing", {NF, NF, NF, NF}, {NF, NF}, NULL},
    {"/sub/missing/x", {NF, NF, NF, NF}, {NF, NF}, NULL},
    {"/A.TXT", {NF, NF, NF, NF}, {NF, NF}, NULL},
    {"/a.txt ", {NF, NF, NF, NF}, {NF, NF}, NULL},
    {"/a.txt/", {NF, NF, NF, NF}, {NF, NF}, NULL}, /* not a directory */
    {"/a.txt/x", {NF, NF, NF, NF}, {NF, NF}, NULL},
    {"/sub\\..\\a.txt", {NF, NF, NF, NF}, {NF, NF}, NULL}, /* one name */
    /* no percent-decoding: these are literal names */
    {"/%2e%2e", {OK, OK, OK, OK}, {OK, OK}, "%2e%2e"},
    {"/%2e%2e/x", {NF, NF, NF, NF}, {NF, NF}, NULL},
    {"%2e%2e/x", {NF, NF, NF, NF}, {NF, NF}, NULL},
    {"/%2e%2e%2fetc%2fpasswd", {NF, NF, NF, NF}, {NF, NF}, NULL},
    /* not regular files */
    {"", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"///", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/sub", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/sub/", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/sub/deeper//", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/fifo", {FB, FB, FB, FB}, {FB, FB}, NULL}, /* must not block */
    {"/sock", {FB, FB, FB, FB}, {FB, FB}, NULL},
    /* hidden names, "." and ".." */
    {"/.secret", {FB, OK, FB, OK}, {FB, OK}, ".secret"},
    {"/.git/config", {FB, OK, FB, OK}, {FB, OK}, ".git/config"},
    {"/.git", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/sub/.h", {FB, OK, FB, OK}, {FB, OK}, "sub/.h"},
    {"/.secret/", {FB, NF, FB, NF}, {FB, NF}, NULL},
    {"/.nothere", {FB, NF, FB, NF}, {FB, NF}, NULL},
    {"/./a.txt", {FB, OK, FB, OK}, {FB, OK}, "a.txt"},
    {"/sub/./b.txt", {FB, OK, FB, OK}, {FB, OK}, "sub/b.txt"},
    {"/sub/.", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/sub/..", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/sub/../a.txt", {FB, OK, FB, OK}, {FB, OK}, "a.txt"},
    {"/sub/deeper/../../a.txt", {FB, OK, FB, OK}, {FB, OK}, "a.txt"},
    {"/sub/../sub/../sub/b.txt", {FB, OK, FB, OK}, {FB, OK}, "sub/b.txt"},
    {"/a.txt/..", {FB, NF, FB, NF}, {FB, NF}, NULL},
    {"/a.txt/.", {FB, NF, FB, NF}, {FB, NF}, NULL},
    /* containment: never out of root, whatever the policy */
    {"/..", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"..", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/../etc/passwd", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"../etc/passwd", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/sub/../../etc/passwd", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/sub/deeper/../../../a.txt", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/./../a.txt", {FB, FB, FB, FB}, {FB, FB}, NULL},
    /* symlinks */
    {"/link-in", {FB, FB, OK, OK}, {FB, FB}, "a.txt"},
    {"/dirlink-in/b.txt", {FB, FB, OK, OK}, {FB, FB}, "sub/b.txt"},
    {"/dirlink-in", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/link-dotdot", {FB, FB, OK, OK}, {FB, FB}, "a.txt"},
    {"/sub/link-rel", {FB, FB, OK, OK}, {FB, FB}, "a.txt"},
    {"/link-out", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/dirlink-out/passwd", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/link-up", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/loop1", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/loop1/x", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/dangling", {FB, FB, NF, NF}, {FB, FB}, NULL},
    {"/tohidden", {FB, FB, FB, OK}, {FB, FB}, ".secret"},
    {"/tohiddendir/config", {FB, FB, FB, OK}, {FB, FB}, ".git/config"},
    {"/tosubhidden", {FB, FB, FB, OK}, {FB, FB}, "sub/.h"},
    /*
     * A symlink named with a trailing slash. openat2 refuses it like
     * any symlink (ELOOP, 403); the walk is documented to refuse
     * symlinks the same way ("refused like openat2 does"), but opens
     * the last component with O_NOFOLLOW|O_DIRECTORY, which fails
     * with ENOTDIR on a symlink, and answers 404.
     */
    {"/dirlink-in/", {FB, FB, FB, FB}, {FB, FB}, NULL},
    {"/link-in/", {FB, FB, NF, NF}, {FB, FB}, NULL},
};

/* Runs row i under policy pol in mode walk. */
static void
check_row(int i, int pol, bool walk)
{
	struct path_policy p;
	enum path_result want, got;
	struct stat st, st2;
	int fd = 12345, before, fl;

	p.follow_symlinks = pol == P_FOLLOW || pol == P_LAX;
	p.serve_hidden = pol == P_HIDDEN || pol == P_LAX;
	if (walk || !have_openat2)
		want = rows[i].walk[p.serve_hidden];
	else
		want = rows[i].want[pol];
	path_force_fallback(walk);
	before = check_open_fds();
	got = path_open(rootfd, rows[i].path, &p, &fd, &st);
	ck_assert_msg(got == want,
	    "\"%s\" (%s, follow %d, hidden %d): got %d, want %d", rows[i].path,
	    walk ? "walk" : "openat2", p.follow_symlinks, p.serve_hidden, got,
	    want);
	if (got != PATH_OK) {
		ck_assert_int_eq(fd, -1);
		ck_assert_int_eq(check_open_fds(), before);
		return;
	}
	ck_assert_int_eq(check_open_fds(), before + 1);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(fstat(fd, &st2), 0);
	ck_assert(S_ISREG(st2.st_mode));
	ck_assert_uint_eq(st2.st_ino, st.st_ino);
	ck_assert_int_eq(st2.st_size, st.st_size);
	/* the right file */
	ck_assert_ptr_nonnull(rows[i].target);
	ck_assert_int_eq(fstatat(rootfd, rows[i].target, &st2, 0), 0);
	ck_assert_uint_eq(st.st_ino, st2.st_ino);
	ck_assert_uint_eq(st.st_dev, st2.st_dev);
	ck_assert_int_eq(st.st_size, st2.st_size);
	/* the flags path.h promises */
	fl = fcntl(fd, F_GETFD);
	ck_assert(fl != -1 && (fl & FD_CLOEXEC));
	fl = fcntl(fd, F_GETFL);
	ck_assert(fl != -1 && (fl & O_ACCMODE) == O_RDONLY);
	ck_assert(fl & O_NONBLOCK);
	close(fd);
	ck_assert_int_eq(check_open_fds(), before);
}

/* _i = row * 2 + mode (0: openat2, 1: walk). */
START_TEST(test_strict)
{
	check_row(_i / 2, P_STRICT, _i % 2);
}
END_TEST

START_TEST(test_hidden)
{
	check_row(_i / 2, P_HIDDEN, _i % 2);
}
END_TEST

START_TEST(test_follow)
{
	check_row(_i / 2, P_FOLLOW, _i % 2);
}
END_TEST

START_TEST(test_lax)
{
	check_row(_i / 2, P_LAX, _i % 2);
}
END_TEST

/*
 * Limits
 */

static const struct path_policy all_policies[NPOL] = {
    {false, false}, {false, true}, {true, false}, {true, true}};

/* Expects want for path under every policy, in the mode walk. */
static void
expect_all(bool walk, const char *path, enum path_result want, off_t size)
{
	struct stat st;
	int fd, before, pol;

	path_force_fallback(walk);
	for (pol = 0; pol < NPOL; pol++) {
		fd = 12345;
		before = check_open_fds();
		ck_assert_msg(path_open(rootfd, path, &all_policies[pol], &fd,
				  &st) == want,
		    "%zu-byte path (%s, policy %d): want %d", strlen(path),
		    walk ? "walk" : "openat2", pol, want);
		if (want == PATH_OK) {
			ck_assert_int_eq(st.st_size, size);
			close(fd);
		} else
			ck_assert_int_eq(fd, -1);
		ck_assert_int_eq(check_open_fds(), before);
	}
}

/* NAME_MAX: a 255-byte name exists, a 256-byte one cannot. _i: mode. */
START_TEST(test_name_max)
{
	char name[600];

	memset(name, 'n', 255);
	name[255] = '\0';
	expect_all(_i, name, PATH_OK, 5);
	snprintf(name, sizeof(name), "/sub/../");
	memset(name + 8, 'n', 255);
	name[8 + 255] = '\0';
	/* ".." is hidden: only the lax policies get there */
	path_force_fallback(_i);
	{
		struct stat st;
		int fd;

		ck_assert_int_eq(
		    path_open(rootfd, name, &all_policies[P_LAX], &fd, &st),
		    PATH_OK);
		close(fd);
	}
	memset(name, 'n', 256);
	name[256] = '\0';
	expect_all(_i, name, PATH_NOT_FOUND, 0);
	/* as a directory component */
	memcpy(name + 256, "/x", 3);
	expect_all(_i, name, PATH_NOT_FOUND, 0);
	name[0] = '/';
	memset(name + 1, 'n', 300);
	name[301] = '\0';
	expect_all(_i, name, PATH_NOT_FOUND, 0);
}
END_TEST

/* DL_PATH_MAX bytes are looked up, one more is 414. _i: mode. */
START_TEST(test_path_max)
{
	char *p;
	size_t n;

	p = malloc(DL_PATH_MAX + 2);
	ck_assert_ptr_nonnull(p);
	/* "/sub////...////b.txt", exactly DL_PATH_MAX bytes */
	memset(p, '/', DL_PATH_MAX);
	memcpy(p + 1, "sub", 3);
	memcpy(p + DL_PATH_MAX - 5, "b.txt", 6);
	ck_assert_uint_eq(strlen(p), DL_PATH_MAX);
	expect_all(_i, p, PATH_OK, 4);
	/* one byte more */
	memset(p, '/', DL_PATH_MAX + 1);
	memcpy(p + 1, "sub", 3);
	memcpy(p + DL_PATH_MAX + 1 - 5, "b.txt", 6);
	ck_assert_uint_eq(strlen(p), DL_PATH_MAX + 1);
	expect_all(_i, p, PATH_TOO_LONG, 0);
	/* a too long escape is 414 too: length is checked first */
	for (n = 0; n + 3 <= DL_PATH_MAX + 1; n += 3)
		memcpy(p + n, "/..", 3);
	memset(p + n, 'x', DL_PATH_MAX + 1 - n);
	p[DL_PATH_MAX + 1] = '\0';
	expect_all(_i, p, PATH_TOO_LONG, 0);
	/* a single DL_PATH_MAX-byte name: not there (ENAMETOOLONG) */
	memset(p, 'a', DL_PATH_MAX);
	p[DL_PATH_MAX] = '\0';
	expect_all(_i, p, PATH_NOT_FOUND, 0);
	free(p);
}
END_TEST

/*
 * Directories nested DL_PATH_DEPTH_MAX + 1 deep: "f" in the deepest
 * directory the walk can reach, "g" one level further.
 */
START_TEST(test_depth)
{
	char *p;
	size_t n;
	int fd, nfd, i;

	fd = dup(rootfd);
	ck_assert_int_ge(fd, 0);
	for (i = 1; i <= DL_PATH_DEPTH_MAX + 1; i++) {
		ck_assert_int_eq(mkdirat(fd, "d", 0755), 0);
		nfd = openat(fd, "d", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ck_assert_int_ge(nfd, 0);
		close(fd);
		fd = nfd;
		if (i >= DL_PATH_DEPTH_MAX) {
			nfd = openat(fd, i == DL_PATH_DEPTH_MAX ? "f" : "g",
			    O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
			ck_assert_int_ge(nfd, 0);
			ck_assert_int_eq(write(nfd, "deep\n", 5), 5);
			close(nfd);
		}
	}
	close(fd);

	p = malloc(2 * (DL_PATH_DEPTH_MAX + 1) + 3);
	ck_assert_ptr_nonnull(p);
	for (n = 0, i = 0; i < DL_PATH_DEPTH_MAX; i++, n += 2)
		memcpy(p + n, "/d", 2);
	memcpy(p + n, "/f", 3);
	expect_all(_i, p, PATH_OK, 5);
	memcpy(p + n, "/d/g", 5);
	/* openat2 has no depth limit; the walk stops (documented) */
	expect_all(_i, p, _i || !have_openat2 ? PATH_NOT_FOUND : PATH_OK, 5);
	free(p);
}
END_TEST

/* Many calls, every outcome: still no descriptor left behind. */
START_TEST(test_no_leak_repeated)
{
	struct stat st;
	int before, fd, k, r, pol;

	path_force_fallback(_i);
	before = check_open_fds();
	for (k = 0; k < 50; k++)
		for (r = 0; r < NELEM(rows); r++)
			for (pol = 0; pol < NPOL; pol++)
				if (path_open(rootfd, rows[r].path,
					&all_policies[pol], &fd,
					&st) == PATH_OK)
					close(fd);
	ck_assert_int_eq(check_open_fds(), before);
}
END_TEST

Suite *
suite_path(void)
{
	const struct {
		const char *name;
		const TTest *fn;
	} pols[] = {
	    {"Strict", test_strict},
	    {"Hidden", test_hidden},
	    {"Follow", test_follow},
	    {"Lax", test_lax},
	};
	Suite *s = suite_create("path");
	TCase *tc, *tl;
	int i;

	for (i = 0; i < NELEM(pols); i++) {
		tc = tcase_create(pols[i].name);
		tcase_add_unchecked_fixture(
		    tc, check_case_setup, check_case_teardown);
		tcase_add_checked_fixture(tc, path_setup, path_teardown);
		tcase_set_timeout(tc, 5); /* a FIFO must not block */
		tcase_add_loop_test(tc, pols[i].fn, 0, 2 * NELEM(rows));
		suite_add_tcase(s, tc);
	}
	tl = tcase_create("Limits");
	tcase_add_unchecked_fixture(tl, check_case_setup, check_case_teardown);
	tcase_add_checked_fixture(tl, path_setup, path_teardown);
	tcase_set_timeout(tl, 30);
	tcase_add_loop_test(tl, test_name_max, 0, 2);
	tcase_add_loop_test(tl, test_path_max, 0, 2);
	tcase_add_loop_test(tl, test_depth, 0, 2);
	tcase_add_loop_test(tl, test_no_leak_repeated, 0, 2);
	suite_add_tcase(s, tl);
	return s;
}
