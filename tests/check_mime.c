/*
 * The mime table: mime.types(5) parsing, lookups, bad lines.
 */
#include "autoconfig.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "mime.h"

#define DEF "application/octet-stream"

static char mfile[64];

static struct mime_table *
load(const char *text, char **report)
{
	struct mime_table *t;
	size_t len;
	FILE *fp, *ef;
	int fd;

	snprintf(mfile, sizeof(mfile), "/tmp/dlfcgi-mime-XXXXXX");
	fd = mkstemp(mfile);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	ef = open_memstream(report, &len);
	t = mime_load(mfile, ef);
	fclose(ef);
	unlink(mfile);
	return t;
}

static const char sample[] = "# comment line\n"
			     "\n"
			     "text/plain\t\ttxt text conf\n"
			     "text/html html htm # trailing comment\n"
			     "image/png png\n"
			     "application/x-first dup\n"
			     "application/x-second dup\n"
			     "video/mp4 mp4 MP4V\n"
			     "application/x-empty\n";

static const struct {
	const char *name;
	const char *type;
} rows[] = {
    {"a.txt", "text/plain"},
    {"A.TXT", "text/plain"}, /* case-insensitive */
    {"x.Html", "text/html"},
    {"dir/page.htm", "text/html"},
    {"/deep/dir.d/file.png", "image/png"},
    {"movie.mp4v", "video/mp4"},
    {"x.dup", "application/x-first"},	/* the first line wins */
    {"archive.tar.conf", "text/plain"}, /* the last dot */
    {"noext", DEF},
    {".bashrc", DEF}, /* a dotfile has no extension */
    {"trailing.", DEF},
    {"/dir.d/file", DEF}, /* a dot in a directory is not an ext */
    {"x.unknown", DEF},
    {"", DEF},
    {"x.verylongextensionthatisnotinanytablebecauseitislong", DEF},
};

START_TEST(test_lookup)
{
	struct mime_table *t;
	char *rep;

	t = load(sample, &rep);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(rep, "");
	ck_assert_str_eq(mime_lookup(t, rows[_i].name, DEF), rows[_i].type);
	mime_free(t);
	free(rep);
}
END_TEST

START_TEST(test_count)
{
	struct mime_table *t;
	char *rep;

	t = load(sample, &rep);
	/* txt text conf html htm png dup mp4 mp4v: duplicates dropped */
	ck_assert_uint_eq(mime_count(t), 9);
	mime_free(t);
	free(rep);
}
END_TEST

START_TEST(test_bad_lines)
{
	struct mime_table *t;
	char *rep, want[512], longline[3000];

	memset(longline, 'x', sizeof(longline) - 2);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	{
		char text[4096];

		snprintf(text, sizeof(text),
		    "notatype foo\n"
		    "%s"
		    "text/plain txt\n"
		    "bad\"type/x y\n",
		    longline);
		t = load(text, &rep);
	}
	ck_assert_ptr_nonnull(t);
	snprintf(want, sizeof(want),
	    "dlfcgi: %s:1: \"notatype\" is not a media type, skipped\n"
	    "dlfcgi: %s:2: line too long, skipped\n"
	    "dlfcgi: %s:4: \"bad\"type/x\" is not a media type, skipped\n",
	    mfile, mfile, mfile);
	ck_assert_str_eq(rep, want);
	/* the line after the long one was still read */
	ck_assert_str_eq(mime_lookup(t, "a.txt", DEF), "text/plain");
	ck_assert_str_eq(mime_lookup(t, "a.foo", DEF), DEF);
	mime_free(t);
	free(rep);
}
END_TEST

START_TEST(test_empty_and_missing)
{
	struct mime_table *t = mime_load(NULL, stderr);

	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(mime_count(t), 0);
	ck_assert_str_eq(mime_lookup(t, "a.txt", DEF), DEF);
	mime_free(t);
	errno = 0;
	ck_assert_ptr_null(mime_load("/nonexistent/mime.types", stderr));
	ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_system_table)
{
	struct mime_table *t;

	if (access("/etc/mime.types", R_OK) != 0)
		return; /* media-types not installed: nothing to compare */
	t = mime_load("/etc/mime.types", stderr);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_gt(mime_count(t), 500);
	ck_assert_str_eq(mime_lookup(t, "a.txt", DEF), "text/plain");
	ck_assert_str_eq(mime_lookup(t, "a.html", DEF), "text/html");
	ck_assert_str_eq(mime_lookup(t, "a.pdf", DEF), "application/pdf");
	mime_free(t);
}
END_TEST

Suite *
suite_mime(void)
{
	Suite *s = suite_create("mime");
	TCase *tc = tcase_create("Core");
	TCase *te = tcase_create("Errors");

	tcase_add_loop_test(
	    tc, test_lookup, 0, (int)(sizeof(rows) / sizeof(rows[0])));
	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_system_table);
	tcase_add_test(te, test_bad_lines);
	tcase_add_test(te, test_empty_and_missing);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, te);
	return s;
}
