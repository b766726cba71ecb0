/*
 * Entity tags (RFC 9110 §8.8.3).
 */
#include "autoconfig.h"

#include <stdio.h>

#include "etag.h"

void
etag_make(const struct stat *st, char out[ETAG_LEN])
{
	snprintf(out, ETAG_LEN, "\"%llx-%llx-%llx.%lx\"",
	    (unsigned long long)st->st_ino, (unsigned long long)st->st_size,
	    (unsigned long long)st->st_mtim.tv_sec,
	    (unsigned long)st->st_mtim.tv_nsec);
}
