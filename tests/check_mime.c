/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * The mime table: mime.types(5) parsing (comments, blank lines, several
 * extensions a line, duplicates, bad and overlong lines) and lookups
 * (case, dotfiles, directories with dots). Files live in a temp dir.
 */
#include "autoconfig.h"

#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_suites.h"
#include "check_util.h"
#include "bounds.h"
#include "mime.h"

#define DEF "application/octet-stream"

static char mdir[96];
static char mfile[128];

static void
mime_setup(void)
{
	check_test_dir(mdir, sizeof(mdir));
	snprintf(mfile, sizeof(mfile), "%s/mime.types", mdir);
}

static void
mime_teardown(void)
{
	check_rm_rf(mdir);
}

/* Writes len bytes of text to mfile, loads it; *report is freed by the
 * caller. */
static struct mime_table *
load_n(const char *text, size_t len, char **report)
{
	struct mime_table *t;
	size_t rlen;
	FILE *fp, *ef;

	fp = fopen(mfile, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(text, 1, len, fp), len);
	ck_assert_int_eq(fclose(fp), 0);
	*report = NULL;
	ef = open_memstream(report, &rlen);
	ck_assert_ptr_nonnull(ef);
	t = mime_load(mfile, ef);
	ck_assert_int_eq(fclose(ef), 0);
	return t;
}

static struct mime_table *
load(const char *text, char **report)
{
	return load_n(text, strlen(text), report);
}

static const char sample[] = "# comment line\n"
			     "   # indented comment\n"
			     "\n"
			     "   \t  \n"
			     "text/plain\t\ttxt text conf\n"
			     "text/html html htm # trailing comment\n"
			     "image/png png\r\n"
			     "application/x-first dup\n"
			     "application/x-second dup other\n"
			     "application/x-third DUP\n"
			     "video/mp4 mp4 MP4V\n"
			     "application/x-empty\n"
			     "application/x-gzip gz#not-an-ext\n"
			     "  text/css   css  \n"
			     "application/x-last last";

static const struct {
	const char *name;
	const char *type;
} rows[] = {
    {"a.txt", "text/plain"},
    {"A.TXT", "text/plain"}, /* case-insensitive */
    {"a.Txt", "text/plain"},
    {"x.conf", "text/plain"}, /* third extension of a line */
    {"x.Html", "text/html"},
    {"dir/page.htm", "text/html"},
    {"/deep/dir.d/file.png", "image/png"}, /* CRLF line */
    {"movie.mp4v", "video/mp4"},	   /* listed uppercase */
    {"movie.MP4", "video/mp4"},
    {"x.dup", "application/x-first"}, /* the first line wins */
    {"x.DUP", "application/x-first"},
    {"x.other", "application/x-second"},
    {"a.gz", "application/x-gzip"},	/* comment right after an ext */
    {"style.css", "text/css"},		/* leading blanks */
    {"x.last", "application/x-last"},	/* no final newline */
    {"archive.tar.conf", "text/plain"}, /* the last dot */
    {"x.txt.unknown", DEF},
    {"noext", DEF},
    {"/dir/noext", DEF},
    {".bashrc", DEF}, /* a dotfile has no extension */
    {"/home/.bashrc", DEF},
    {".txt", DEF},
    {"/dir/.txt", DEF},
    {"..txt", "text/plain"}, /* the last dot is not the first char */
    {"trailing.", DEF},
    {"/dir.d/file", DEF}, /* a dot in a directory is not an ext */
    {"/dir.txt/file", DEF},
    {"/dir.txt/", DEF},
    {"x.unknown", DEF},
    {"", DEF},
    {"/", DEF},
    {".", DEF},
    {"x.comment", DEF},
    {"x.#", DEF},
    {"x.verylongextensionthatisnotinanytablebecauseitislong", DEF},
    {"x.not-an-ext", DEF},
};

START_TEST(test_lookup)
{
	struct mime_table *t;
	char *rep;

	t = load(sample, &rep);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(rep, "");
	ck_assert_msg(
	    strcmp(mime_lookup(t, rows[_i].name, DEF), rows[_i].type) == 0,
	    "\"%s\": got \"%s\", want \"%s\"", rows[_i].name,
	    mime_lookup(t, rows[_i].name, DEF), rows[_i].type);
	/* the default is returned as given */
	if (strcmp(rows[_i].type, DEF) == 0)
		ck_assert_str_eq(mime_lookup(t, rows[_i].name, "x/y"), "x/y");
	mime_free(t);
	free(rep);
}
END_TEST

START_TEST(test_count)
{
	struct mime_table *t;
	char *rep;

	t = load(sample, &rep);
	ck_assert_ptr_nonnull(t);
	/*
	 * txt text conf html htm png dup other mp4 mp4v gz css last: the
	 * later "dup" and "DUP" are dropped.
	 */
	ck_assert_uint_eq(mime_count(t), 13);
	mime_free(t);
	free(rep);
}
END_TEST

START_TEST(test_empty_file)
{
	struct mime_table *t;
	char *rep;

	t = load("", &rep);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(rep, "");
	ck_assert_uint_eq(mime_count(t), 0);
	ck_assert_str_eq(mime_lookup(t, "a.txt", DEF), DEF);
	mime_free(t);
	free(rep);

	t = load("# only comments\n\n#\n", &rep);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(rep, "");
	ck_assert_uint_eq(mime_count(t), 0);
	mime_free(t);
	free(rep);
}
END_TEST

/* Many entries: the table grows past its first allocation. */
START_TEST(test_many_entries)
{
	struct mime_table *t;
	char *text, *rep, name[32], type[32];
	size_t n = 0, cap = 200000;
	int i;

	text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	for (i = 0; i < 5000; i++)
		n += (size_t)snprintf(
		    text + n, cap - n, "application/x-t%d e%d E%dx\n", i, i, i);
	t = load_n(text, n, &rep);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(rep, "");
	ck_assert_uint_eq(mime_count(t), 10000);
	for (i = 0; i < 5000; i += 97) {
		snprintf(name, sizeof(name), "f.E%d", i);
		snprintf(type, sizeof(type), "application/x-t%d", i);
		ck_assert_str_eq(mime_lookup(t, name, DEF), type);
		snprintf(name, sizeof(name), "f.e%dX", i);
		ck_assert_str_eq(mime_lookup(t, name, DEF), type);
	}
	mime_free(t);
	free(rep);
	free(text);
}
END_TEST

/*
 * More extensions than DL_MIME_ENTRIES_MAX: the first ones are kept
 * (first line wins, as always), the line of the first one left out is
 * reported, the rest ignored; the table is not dropped.
 */
START_TEST(test_too_many_entries)
{
	struct mime_table *t;
	char *text, *rep, name[32], type[32], want[256];
	size_t n = 0, cap = 4 * 1024 * 1024;
	int i, lines = DL_MIME_ENTRIES_MAX / 2 + 100;

	text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	/* two extensions a line: the limit falls inside a line */
	n += (size_t)snprintf(text + n, cap - n, "text/x-odd odd\n");
	for (i = 0; i < lines; i++)
		n += (size_t)snprintf(
		    text + n, cap - n, "application/x-t%d a%d b%d\n", i, i, i);
	ck_assert_uint_lt(n, cap);
	t = load_n(text, n, &rep);
	ck_assert_ptr_nonnull(t);
	/*
	 * Line 1 has one, then two a line: line k + 2 holds entries 2k + 2
	 * and 2k + 3, so entry 65537 is "b32767" on line 32769.
	 */
	snprintf(want, sizeof(want),
	    "dlfcgi: %s:%d: more than %d extensions: \"b%d\" and the rest of "
	    "the file are ignored\n",
	    mfile, DL_MIME_ENTRIES_MAX / 2 + 1, DL_MIME_ENTRIES_MAX,
	    DL_MIME_ENTRIES_MAX / 2 - 1);
	ck_assert_str_eq(rep, want);
	ck_assert_uint_eq(mime_count(t), DL_MIME_ENTRIES_MAX);
	ck_assert_str_eq(mime_lookup(t, "f.odd", DEF), "text/x-odd");
	ck_assert_str_eq(mime_lookup(t, "f.a0", DEF), "application/x-t0");
	i = DL_MIME_ENTRIES_MAX / 2 - 1;
	snprintf(name, sizeof(name), "f.a%d", i);
	snprintf(type, sizeof(type), "application/x-t%d", i);
	ck_assert_str_eq(mime_lookup(t, name, DEF), type);
	/* the one that did not fit, and everything after it */
	snprintf(name, sizeof(name), "f.b%d", i);
	ck_assert_str_eq(mime_lookup(t, name, DEF), DEF);
	snprintf(name, sizeof(name), "f.a%d", i + 1);
	ck_assert_str_eq(mime_lookup(t, name, DEF), DEF);
	snprintf(name, sizeof(name), "f.b%d", lines - 1);
	ck_assert_str_eq(mime_lookup(t, name, DEF), DEF);
	mime_free(t);
	free(rep);
	free(text);
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
	ck_assert_str_eq(mime_lookup(t, "A.TXT", DEF), "text/plain");
	ck_assert_str_eq(mime_lookup(t, "a.html", DEF), "text/html");
	ck_assert_str_eq(mime_lookup(t, "/x/y.pdf", DEF), "application/pdf");
	ck_assert_str_eq(mime_lookup(t, ".bashrc", DEF), DEF);
	mime_free(t);
}
END_TEST

/*
 * Limits
 */

/* A line of exactly n bytes before its '\n' (a type and one ext). */
static char *
line_of(size_t n, const char *ext)
{
	char *s = malloc(n + 2);
	size_t hl;

	ck_assert_ptr_nonnull(s);
	memset(s, ' ', n);
	hl = (size_t)snprintf(s, n + 1, "text/x-long %s", ext);
	ck_assert_uint_le(hl, n);
	s[hl] = ' ';
	s[n] = '\n';
	s[n + 1] = '\0';
	return s;
}

/* A line that fills the DL_MIME_LINE_MAX buffer with its newline and
 * NUL is kept. */
START_TEST(test_line_fits)
{
	struct mime_table *t;
	char *rep, *l;

	l = line_of(DL_MIME_LINE_MAX - 2, "fits");
	t = load(l, &rep);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(rep, "");
	ck_assert_str_eq(mime_lookup(t, "a.fits", DEF), "text/x-long");
	mime_free(t);
	free(rep);
	free(l);
}
END_TEST

START_TEST(test_long_line_skipped)
{
	struct mime_table *t;
	char *rep, *text, *l, want[512];
	size_t n;

	/* 3000 bytes: three buffers' worth, all of it skipped */
	l = line_of(3000, "lost");
	n = strlen(l) + 200;
	text = malloc(n);
	ck_assert_ptr_nonnull(text);
	snprintf(text, n, "text/plain txt\n%simage/png png\n", l);
	t = load(text, &rep);
	ck_assert_ptr_nonnull(t);
	snprintf(want, sizeof(want), "dlfcgi: %s:2: line too long, skipped\n",
	    mfile);
	ck_assert_str_eq(rep, want);
	ck_assert_str_eq(mime_lookup(t, "a.txt", DEF), "text/plain");
	ck_assert_str_eq(mime_lookup(t, "a.lost", DEF), DEF);
	/* the line after the long one was read, and counted as line 3 */
	ck_assert_str_eq(mime_lookup(t, "a.png", DEF), "image/png");
	ck_assert_uint_eq(mime_count(t), 2);
	mime_free(t);
	free(rep);
	free(text);
	free(l);
}
END_TEST

/* An extension of DL_MIME_EXT_MAX bytes or more is not kept. */
START_TEST(test_long_ext)
{
	struct mime_table *t;
	char *rep, text[256], ok[DL_MIME_EXT_MAX], big[DL_MIME_EXT_MAX + 1];
	char name[128];

	memset(ok, 'k', sizeof(ok) - 1);
	ok[sizeof(ok) - 1] = '\0';
	memset(big, 'b', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	snprintf(text, sizeof(text), "text/x-ext %s %s short\n", ok, big);
	t = load(text, &rep);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(rep, "");
	ck_assert_uint_eq(mime_count(t), 2);
	snprintf(name, sizeof(name), "f.%s", ok);
	ck_assert_str_eq(mime_lookup(t, name, DEF), "text/x-ext");
	snprintf(name, sizeof(name), "f.%s", big);
	ck_assert_str_eq(mime_lookup(t, name, DEF), DEF);
	ck_assert_str_eq(mime_lookup(t, "f.short", DEF), "text/x-ext");
	mime_free(t);
	free(rep);
}
END_TEST

/*
 * Errors
 */

START_TEST(test_bad_lines)
{
	struct mime_table *t;
	char *rep, want[2048], type[DL_MIME_TYPE_MAX + 8];
	char text[2048];

	memset(type, 'x', sizeof(type) - 1);
	memcpy(type, "text/", 5);
	type[sizeof(type) - 1] = '\0';
	snprintf(text, sizeof(text),
	    "notatype foo\n"
	    "text/plain txt\n"
	    "bad\"type/x y\n"
	    "/nosub z\n"
	    "nosub/ w\n"
	    "text/x;charset=utf-8 v\n"
	    "%s u\n"
	    "image/png png\n",
	    type);
	t = load(text, &rep);
	ck_assert_ptr_nonnull(t);
	snprintf(want, sizeof(want),
	    "dlfcgi: %1$s:1: \"notatype\" is not a media type, skipped\n"
	    "dlfcgi: %1$s:3: \"bad\"type/x\" is not a media type, skipped\n"
	    "dlfcgi: %1$s:4: \"/nosub\" is not a media type, skipped\n"
	    "dlfcgi: %1$s:5: \"nosub/\" is not a media type, skipped\n"
	    "dlfcgi: %1$s:6: \"text/x;charset=utf-8\" is not a media type, "
	    "skipped\n"
	    "dlfcgi: %1$s:7: media type of %2$zu characters, at most %3$d, "
	    "skipped\n",
	    mfile, strlen(type), DL_MEDIA_TYPE_MAX);
	ck_assert_str_eq(rep, want);
	ck_assert_uint_eq(mime_count(t), 2);
	ck_assert_str_eq(mime_lookup(t, "a.txt", DEF), "text/plain");
	ck_assert_str_eq(mime_lookup(t, "a.png", DEF), "image/png");
	ck_assert_str_eq(mime_lookup(t, "a.foo", DEF), DEF);
	ck_assert_str_eq(mime_lookup(t, "a.y", DEF), DEF);
	ck_assert_str_eq(mime_lookup(t, "a.v", DEF), DEF);
	mime_free(t);
	free(rep);
}
END_TEST

START_TEST(test_null_file)
{
	struct mime_table *t;
	char *rep = NULL;
	size_t len;
	FILE *ef = open_memstream(&rep, &len);

	ck_assert_ptr_nonnull(ef);
	t = mime_load(NULL, ef);
	ck_assert_int_eq(fclose(ef), 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_str_eq(rep, "");
	ck_assert_uint_eq(mime_count(t), 0);
	ck_assert_str_eq(mime_lookup(t, "a.txt", DEF), DEF);
	ck_assert_str_eq(mime_lookup(t, "a.txt", "text/x-def"), "text/x-def");
	mime_free(t);
	mime_free(NULL); /* harmless */
	free(rep);
}
END_TEST

START_TEST(test_missing_file)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/none", mdir);
	errno = 0;
	ck_assert_ptr_null(mime_load(path, stderr));
	ck_assert_int_eq(errno, ENOENT);
	errno = 0;
	ck_assert_ptr_null(mime_load("/nonexistent/mime.types", stderr));
	ck_assert_int_eq(errno, ENOENT);
	/* a directory cannot be read as a table */
	errno = 0;
	ck_assert_ptr_null(mime_load(mdir, stderr));
	ck_assert_int_eq(errno, EISDIR);
}
END_TEST

Suite *
suite_mime(void)
{
	Suite *s = suite_create("mime");
	TCase *tc = tcase_create("Core");
	TCase *tl = tcase_create("Limits");
	TCase *te = tcase_create("Errors");

	tcase_add_unchecked_fixture(tc, check_case_setup, check_case_teardown);
	tcase_add_checked_fixture(tc, mime_setup, mime_teardown);
	tcase_add_unchecked_fixture(tl, check_case_setup, check_case_teardown);
	tcase_add_checked_fixture(tl, mime_setup, mime_teardown);
	tcase_add_unchecked_fixture(te, check_case_setup, check_case_teardown);
	tcase_add_checked_fixture(te, mime_setup, mime_teardown);
	tcase_set_timeout(tc, 10);
	tcase_set_timeout(tl, 10);
	tcase_set_timeout(te, 10);

	tcase_add_loop_test(tc, test_lookup, 0, NELEM(rows));
	tcase_add_test(tc, test_count);
	tcase_add_test(tc, test_empty_file);
	tcase_add_test(tc, test_many_entries);
	tcase_add_test(tc, test_too_many_entries);
	tcase_add_test(tc, test_system_table);

	tcase_add_test(tl, test_line_fits);
	tcase_add_test(tl, test_long_line_skipped);
	tcase_add_test(tl, test_long_ext);

	tcase_add_test(te, test_bad_lines);
	tcase_add_test(te, test_null_file);
	tcase_add_test(te, test_missing_file);

	suite_add_tcase(s, tc);
	suite_add_tcase(s, tl);
	suite_add_tcase(s, te);
	return s;
}
