/*
 * PATH_INFO to file descriptor, contained beneath the document root by
 * the kernel (openat2 RESOLVE_BENEATH) or by a walk that opens one
 * component at a time with O_NOFOLLOW. No string filtering of "..":
 * containment is a property of how the file is opened.
 */
#include "autoconfig.h"

#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#endif

#include "limits.h"
#include "path.h"

#define PATH_OPEN_FLAGS (O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)

static atomic_bool path_no_openat2;

void
path_force_fallback(bool on)
{
	atomic_store(&path_no_openat2, on);
}

/* Maps the errno of a failed open to the HTTP outcome (one place). */
static enum path_result
path_errno(int e)
{
	switch (e) {
	case ENOENT:
	case ENOTDIR:
	case ENAMETOOLONG:
		return PATH_NOT_FOUND;
	case EXDEV: /* RESOLVE_BENEATH: would leave root */
	case ELOOP: /* a symlink where none is allowed */
	case EACCES:
	case EPERM:
	case ENXIO:  /* a socket file */
	case ENODEV: /* a device without a driver */
	case EISDIR:
		return PATH_FORBIDDEN;
	default:
		errno = e;
		return PATH_ERROR;
	}
}

/* Returns -1 with errno ENOSYS where the kernel lacks openat2. */
static int
path_openat2(int rootfd, const char *rel, bool follow)
{
#if defined(HAVE_LINUX_OPENAT2_H) && HAVE_DECL_SYS_OPENAT2
	struct open_how how;
	long fd;

	memset(&how, 0, sizeof(how));
	how.flags = PATH_OPEN_FLAGS;
	how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
	if (!follow)
		how.resolve |= RESOLVE_NO_SYMLINKS;
	do
		fd = syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	while (fd == -1 && (errno == EINTR || errno == EAGAIN));
	return (int)fd;
#else
	(void)rootfd;
	(void)rel;
	(void)follow;
	errno = ENOSYS;
	return -1;
#endif
}

static bool
path_is_symlink(int dir, const char *name)
{
	struct stat st;

	return fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISLNK(st.st_mode);
}

/*
 * The fallback: open each directory with O_NOFOLLOW|O_DIRECTORY and the
 * last component with O_NOFOLLOW, keeping the chain of directory fds so
 * that ".." pops one level and can never climb above rootfd. Symlinks
 * are refused (ELOOP) even with follow_symlinks: without openat2 the
 * kernel cannot contain where they point.
 */
static int
path_walk(int rootfd, const char *rel)
{
	int stack[DL_PATH_DEPTH_MAX];
	char comp[256];
	const char *p = rel, *end;
	size_t len;
	int last;
	int depth = 0, dir = rootfd, fd = -1, e = 0;

	for (;;) {
		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		last = *end == '\0' ? O_NOFOLLOW : O_NOFOLLOW | O_DIRECTORY;
		while (*end == '/')
			end++;
		if (len >= sizeof(comp)) {
			e = ENAMETOOLONG;
			break;
		}
		memcpy(comp, p, len);
		comp[len] = '\0';
		if (*end == '\0') {
			/* the last component */
			if (len == 0 || strcmp(comp, ".") == 0 ||
			    strcmp(comp, "..") == 0) {
				e = EISDIR;
				break;
			}
			do
				fd = openat(dir, comp, PATH_OPEN_FLAGS | last);
			while (fd == -1 && errno == EINTR);
			if (fd == -1) {
				e = errno;
				/* "link/": a symlink, refused as openat2 does */
				if (e == ENOTDIR && path_is_symlink(dir, comp))
					e = ELOOP;
			}
			break;
		}
		p = end;
		if (len == 0 || strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			if (depth == 0) {
				e = EXDEV;
				break;
			}
			close(stack[--depth]);
			dir = depth > 0 ? stack[depth - 1] : rootfd;
			continue;
		}
		if (depth == DL_PATH_DEPTH_MAX) {
			e = ENAMETOOLONG;
			break;
		}
		do
			fd = openat(dir, comp,
			    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		while (fd == -1 && errno == EINTR);
		if (fd == -1) {
			e = errno;
			/* a symlink to a directory: refused like openat2 does */
			if (e == ENOTDIR && path_is_symlink(dir, comp))
				e = ELOOP;
			break;
		}
		stack[depth++] = dir = fd;
		fd = -1;
	}
	while (depth > 0)
		close(stack[--depth]);
	if (fd == -1)
		errno = e;
	return fd;
}

/* True if some component of path begins with '.'. */
static bool
path_has_hidden(const char *path)
{
	const char *p;

	for (p = path; *p != '\0'; p++)
		if (*p == '.' && (p == path || p[-1] == '/'))
			return true;
	return false;
}

enum path_result
path_open(int rootfd, const char *path, const struct path_policy *pol, int *fdp,
    struct stat *st)
{
	const char *rel = path;
	int fd = -1, e;

	*fdp = -1;
	if (strlen(path) > DL_PATH_MAX)
		return PATH_TOO_LONG;
	if (!pol->serve_hidden && path_has_hidden(path))
		return PATH_FORBIDDEN;
	while (*rel == '/')
		rel++;
	if (*rel == '\0')
		return PATH_FORBIDDEN; /* the root directory itself */

	if (!atomic_load(&path_no_openat2)) {
		fd = path_openat2(rootfd, rel, pol->follow_symlinks);
		if (fd == -1 && errno == ENOSYS)
			atomic_store(&path_no_openat2, true);
	}
	if (fd == -1 && atomic_load(&path_no_openat2))
		fd = path_walk(rootfd, rel);
	if (fd == -1)
		return path_errno(errno);

	if (fstat(fd, st) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return PATH_ERROR;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return PATH_FORBIDDEN;
	}
	*fdp = fd;
	return PATH_OK;
}
