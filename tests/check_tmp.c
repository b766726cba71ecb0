/*
 * Temp trees of the unit suites.
 */
#include "autoconfig.h"

#include <check.h>
#include <ftw.h>
#include <unistd.h>

#include "check_suites.h"

/* Removes one entry of the temp tree (nftw callback, depth first). */
static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void
check_rm_rf(const char *dir)
{
	ck_assert_int_eq(nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}
