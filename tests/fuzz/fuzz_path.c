/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * libFuzzer target for path_open against a small document root made
 * once in LLVMFuzzerInitialize under $TMPDIR: files, a dotfile, nested
 * directories, a FIFO, and symlinks pointing inside, outside, to an
 * absolute path, to themselves and up the tree. Input: one flag byte
 * (bit 0 follow_symlinks, bit 1 serve_hidden, bit 2 force the openat
 * walk instead of openat2), then PATH_INFO up to the first NUL.
 *
 * After each call: a returned fd is a regular file whose real path lies
 * beneath the root, opened O_RDONLY|O_NONBLOCK|O_CLOEXEC; without
 * symlinks it is the lexical resolution of the request; no descriptor
 * is left open (the lowest free fd, probed with dup, is unchanged).
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "path.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fz_top[PATH_MAX];  /* the temp dir, removed at exit */
static char fz_root[PATH_MAX]; /* realpath of the document root */
static size_t fz_rootlen;
static int fz_rootfd = -1;

static int
fz_rm(const char *p, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		rmdir(p);
	else
		unlink(p);
	return 0;
}

static void
fz_cleanup(void)
{
	if (fz_top[0] != '\0')
		nftw(fz_top, fz_rm, 16, FTW_DEPTH | FTW_PHYS);
}

static void
fz_file(const char *rel, const char *content)
{
	char p[PATH_MAX];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", fz_top, rel);
	if ((f = fopen(p, "w")) == NULL || fputs(content, f) == EOF ||
	    fclose(f) != 0)
		abort();
}

static void
fz_dir(const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", fz_top, rel);
	if (mkdir(p, 0755) == -1)
		abort();
}

static void
fz_link(const char *target, const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", fz_top, rel);
	if (symlink(target, p) == -1)
		abort();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *tmp = getenv("TMPDIR");
	char p[PATH_MAX];

	(void)argc;
	(void)argv;
	snprintf(fz_top, sizeof(fz_top), "%s/dlfcgi-fuzz-path.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(fz_top) == NULL)
		abort();
	atexit(fz_cleanup);
	fz_file("secret", "outside the root\n");
	fz_dir("root");
	fz_file("root/a.txt", "a\n");
	fz_file("root/.hidden", "hidden\n");
	fz_file("root/x..y", "dots\n");
	fz_dir("root/dir");
	fz_file("root/dir/b.txt", "b\n");
	fz_file("root/dir/.h2", "hidden\n");
	fz_dir("root/dir/sub");
	fz_file("root/dir/sub/c.txt", "c\n");
	fz_dir("root/empty");
	fz_dir("root/.git");
	fz_file("root/.git/config", "hidden\n");
	fz_link("a.txt", "root/in");
	fz_link("dir", "root/dirlink");
	fz_link("dir/sub/c.txt", "root/deep");
	fz_link(".hidden", "root/hid");
	fz_link("../secret", "root/out");
	fz_link("/etc/passwd", "root/etc");
	fz_link("loop", "root/loop");
	fz_link("missing", "root/dangling");
	fz_link("..", "root/dir/up");
	fz_link("../..", "root/dir/upup");
	fz_link("../b.txt", "root/dir/sub/b");
	snprintf(p, sizeof(p), "%s/secret", fz_top);
	fz_link(p, "root/abs");
	snprintf(p, sizeof(p), "%s/root/fifo", fz_top);
	if (mkfifo(p, 0644) == -1)
		abort();

	snprintf(p, sizeof(p), "%s/root", fz_top);
	if ((fz_rootfd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    realpath(p, fz_root) == NULL)
		abort();
	fz_rootlen = strlen(fz_root);
	return 0;
}

/*
 * The lexical resolution of path ("", "." skipped, ".." pops) into out;
 * -1 if it climbs above the root.
 */
static int
fz_lexical(const char *path, char *out, size_t outlen)
{
	size_t o = 0, len;
	const char *p = path, *end;

	out[0] = '\0';
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			return 0;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len == 1 && p[0] == '.') {
			/* nothing */
		} else if (len == 2 && p[0] == '.' && p[1] == '.') {
			if (o == 0)
				return -1;
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			out[o] = '\0';
		} else {
			if (o + len + 2 > outlen)
				return -1;
			if (o > 0)
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
			out[o] = '\0';
		}
		p = end;
	}
}

static void
fz_verify(int fd, const struct stat *st, const char *path,
    const struct path_policy *pol, bool fallback)
{
	char proc[64], real[PATH_MAX], lex[PATH_MAX + 8];
	const char *rel, *c;
	struct stat st2;
	ssize_t n;
	int fl;

	if (fd < 0 || fstat(fd, &st2) == -1 || !S_ISREG(st2.st_mode) ||
	    st2.st_ino != st->st_ino || st2.st_dev != st->st_dev)
		abort();
	if ((fl = fcntl(fd, F_GETFL)) == -1 || (fl & O_ACCMODE) != O_RDONLY ||
	    (fl & O_NONBLOCK) == 0)
		abort();
	if ((fl = fcntl(fd, F_GETFD)) == -1 || (fl & FD_CLOEXEC) == 0)
		abort();

	/* beneath the root */
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((n = readlink(proc, real, sizeof(real) - 1)) == -1)
		abort();
	real[n] = '\0';
	if ((size_t)n <= fz_rootlen + 1 ||
	    strncmp(real, fz_root, fz_rootlen) != 0 || real[fz_rootlen] != '/')
		abort();
	rel = real + fz_rootlen + 1;

	/* no symlink followed: what was asked for, resolved by name */
	if (!pol->follow_symlinks || fallback) {
		if (fz_lexical(path, lex, sizeof(lex)) == -1 ||
		    strcmp(lex, rel) != 0)
			abort();
		if (!pol->serve_hidden)
			for (c = rel; *c != '\0'; c++)
				if (*c == '.' && (c == rel || c[-1] == '/'))
					abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct path_policy pol;
	struct stat st;
	enum path_result r;
	bool fallback;
	char *path;
	int fd, probe0, probe1;

	if (size < 1)
		return 0;
	pol.follow_symlinks = (data[0] & 1) != 0;
	pol.serve_hidden = (data[0] & 2) != 0;
	fallback = (data[0] & 4) != 0;
	path_force_fallback(fallback);
	if ((path = malloc(size)) == NULL)
		abort();
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';

	if ((probe0 = dup(fz_rootfd)) == -1)
		abort();
	close(probe0);

	fd = -2;
	r = path_open(fz_rootfd, path, &pol, &fd, &st);
	switch (r) {
	case PATH_OK:
		fz_verify(fd, &st, path, &pol, fallback);
		close(fd);
		break;
	case PATH_TOO_LONG:
		if (strlen(path) <= DL_PATH_MAX)
			abort();
		/* FALLTHROUGH */
	case PATH_NOT_FOUND:
	case PATH_FORBIDDEN:
	case PATH_BUSY: /* a lease or a ".." race: no descriptor either */
	case PATH_ERROR:
		if (fd != -1)
			abort();
		break;
	default:
		abort();
	}
	if (strlen(path) > DL_PATH_MAX && r != PATH_TOO_LONG)
		abort();

	/* no descriptor leaked */
	if ((probe1 = dup(fz_rootfd)) == -1)
		abort();
	close(probe1);
	if (probe1 != probe0)
		abort();
	free(path);
	return 0;
}
