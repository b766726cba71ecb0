#ifndef DLFCGI_ETAG_H
#define DLFCGI_ETAG_H

#include <sys/stat.h>

/* '"' + 3 x 16 hex + '-' '-' '.' + 8 hex + '"' + NUL, rounded up. */
#define ETAG_LEN 80

/*
 * Writes the strong entity tag of the file st describes into out:
 * "INODE-SIZE-MTIME.NSEC" in hex, quoted. Any change of inode, size or
 * mtime (nanoseconds) changes it.
 */
void etag_make(const struct stat *st, char out[ETAG_LEN]);

#endif
