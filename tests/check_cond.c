/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * Preconditions (cond_evaluate), If-Range (cond_if_range) and entity-tag
 * lists (etag_list_match) against Go's TestServeContent and TestScanETag,
 * nginx not_modified.t and range_if_range.t, and the evaluation order of
 * RFC 9110 §13.2.2. dlfcgi's own entity tags are always strong, so rows
 * where Go's server tag is weak use a strong tag with the same opaque
 * part.
 */
#include "autoconfig.h"

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "cond.h"
#include "etag.h"
#include "httpdate.h"

#define P COND_PROCEED
#define NM COND_NOT_MODIFIED
#define F COND_FAILED

/* An entity tag as etag_make writes it. */
#define ET "\"2a1-1f4-6553f100.3b9ac9ff\""

/* 2014-06-25 17:12:18 UTC: Go's range_with_modtime */
#define T 1403716338
#define T_IMF "Wed, 25 Jun 2014 17:12:18 GMT"
#define T_850 "Wednesday, 25-Jun-14 17:12:18 GMT"
#define T_ASC "Wed Jun 25 17:12:18 2014"
/* 2023-11-14 22:13:20 UTC */
#define NOW 1700000000
#define NOW_IMF "Tue, 14 Nov 2023 22:13:20 GMT"
/* 2040-01-01 00:00:00 UTC: after the 2038 vectors */
#define NOW2040 2208988800

struct cond_row {
	const char *im, *inm, *ims, *ius;
	bool get_or_head;
	const char *etag;
	time_t mtime, now;
	enum cond_result want;
};

static const struct cond_row rows[] = {
    /* Go TestServeContent: no_last_modified, with_last_modified */
    {NULL, NULL, NULL, NULL, true, "\"foo\"", T, NOW, P},
    /* Go TestServeContent not_modified_modtime */
    {NULL, NULL, T_IMF, NULL, true, "\"foo\"", T, NOW, NM},
    /* Go TestServeContent not_modified_etag */
    {NULL, "\"foo\"", NULL, NULL, true, "\"foo\"", T, NOW, NM},
    /* Go TestServeContent not_modified_etag_no_seek (server tag strong) */
    {NULL, "\"baz\", W/\"foo\"", NULL, NULL, true, "\"foo\"", T, NOW, NM},
    /* Go TestServeContent if_none_match_mismatch: case-sensitive */
    {NULL, "\"Foo\"", NULL, NULL, true, "\"foo\"", T, NOW, P},
    /* Go TestServeContent if_none_match_malformed */
    {NULL, ",", NULL, NULL, true, "\"foo\"", T, NOW, P},
    /* Go TestServeContent unix_zero_modtime */
    {NULL, NULL, NULL, NULL, true, "\"foo\"", 0, NOW, P},
    /* Go TestServeContent ifmatch_matches */
    {"\"Z\", \"A\"", NULL, NULL, NULL, true, "\"A\"", T, NOW, P},
    {"*", NULL, NULL, NULL, true, "\"A\"", T, NOW, P}, /* Go ifmatch_star */
    /* Go TestServeContent ifmatch_failed */
    {"\"B\"", NULL, NULL, NULL, true, "\"A\"", T, NOW, F},
    /* Go TestServeContent ifmatch_fails_on_weak_etag (server tag strong) */
    {"W/\"A\"", NULL, NULL, NULL, true, "\"A\"", T, NOW, F},
    /* Go TestServeContent if_unmodified_since_true */
    {NULL, NULL, NULL, T_IMF, true, "\"A\"", T, NOW, P},
    /* Go TestServeContent if_unmodified_since_false: T-2s */
    {NULL, NULL, NULL, "Wed, 25 Jun 2014 17:12:16 GMT", true, "\"A\"", T, NOW,
	F},

    /* nginx not_modified.t: IMS at the 32-bit edge, now after 2038 */
    {NULL, NULL, "Wed, 08 Jul 2037 22:53:52 GMT", NULL, true, ET, NOW, NOW2040,
	NM},
    /* nginx not_modified.t */
    {NULL, NULL, "Tue, 19 Jan 2038 03:14:07 GMT", NULL, true, ET, NOW, NOW2040,
	NM},
    /* nginx not_modified.t: past 2^31-1 (64-bit time_t) */
    {NULL, NULL, "Tue, 19 Jan 2038 03:14:08 GMT", NULL, true, ET, NOW, NOW2040,
	NM},
    /* nginx not_modified.t: nginx 304; an IMS later than now is ignored */
    {NULL, NULL, "Tue, 19 Jan 2038 03:14:07 GMT", NULL, true, ET, NOW, NOW, P},
    {NULL, ET, NULL, NULL, true, ET, T, NOW, NM}, /* nginx not_modified.t */
    {NULL, "\"foo\"", NULL, NULL, true, ET, T, NOW, P}, /* nginx */
    /* nginx not_modified.t */
    {NULL, "\"foo\", \"bar\", " ET " , \"baz\"", NULL, NULL, true, ET, T, NOW,
	NM},
    {NULL, "*", NULL, NULL, true, ET, T, NOW, NM}, /* nginx not_modified.t */
    /* nginx not_modified.t: weak comparison */
    {NULL, "W/" ET, NULL, NULL, true, ET, T, NOW, NM},
    {ET, NULL, NULL, NULL, true, ET, T, NOW, P}, /* nginx not_modified.t */
    {"\"foo\"", NULL, NULL, NULL, true, ET, T, NOW, F}, /* nginx */
    /* nginx not_modified.t: list with tab whitespace */
    {"\"foo\",\t" ET "\t,\"bar\"", NULL, NULL, NULL, true, ET, T, NOW, P},
    {"*", NULL, NULL, NULL, true, ET, T, NOW, P}, /* nginx not_modified.t */
    /* nginx not_modified.t: strong comparison */
    {"W/" ET, NULL, NULL, NULL, true, ET, T, NOW, F},

    /* RFC 9110 §13.2.2: If-Match is step 1, before If-None-Match */
    {"\"B\"", ET, NULL, NULL, true, ET, T, NOW, F},
    {ET, ET, NULL, NULL, true, ET, T, NOW, NM}, /* RFC 9110 §13.2.2 */
    /* RFC 9110 §13.1.1: an unparsable If-Match fails closed (cond.c) */
    {"foo", NULL, NULL, NULL, true, ET, T, NOW, F},
    {"", NULL, NULL, NULL, true, ET, T, NOW, F}, /* cond.c: fail closed */
    /* RFC 9110 §13.1.3: If-None-Match present, If-Modified-Since ignored */
    {NULL, "\"foo\"", T_IMF, NULL, true, ET, T, NOW, P},
    /* RFC 9110 §13.1.3 "MUST ignore If-Modified-Since if the request
     * contains an If-None-Match header field"; Go (checkIfNoneMatch gives
     * condTrue for "If-None-Match: ,") and doc/DESIGN.md §3 agree */
    {NULL, ",", T_IMF, NULL, true, ET, T, NOW, P},
    {NULL, "\"foo\"", NULL, NULL, true, ET, T, NOW, P}, /* RFC 9110 §13.1.2 */
    /* If-Modified-Since: exact second, later, earlier, future, garbage */
    {NULL, NULL, T_IMF, NULL, true, ET, T, NOW, NM},   /* RFC 9110 §13.1.3 */
    {NULL, NULL, T_850, NULL, true, ET, T, NOW, NM},   /* RFC 850 form */
    {NULL, NULL, T_ASC, NULL, true, ET, T, NOW, NM},   /* asctime form */
    {NULL, NULL, NOW_IMF, NULL, true, ET, T, NOW, NM}, /* IMS == now */
    /* one second before Last-Modified: modified */
    {NULL, NULL, "Wed, 25 Jun 2014 17:12:17 GMT", NULL, true, ET, T, NOW, P},
    /* RFC 9110 §13.1.3: a date later than now is ignored */
    {NULL, NULL, "Tue, 14 Nov 2023 22:13:21 GMT", NULL, true, ET, T, NOW, P},
    {NULL, NULL, "yesterday", NULL, true, ET, T, NOW, P}, /* unparsable */
    {NULL, NULL, "", NULL, true, ET, T, NOW, P},	  /* unparsable */
    /* RFC 9110 §13.1.3: GET and HEAD only */
    {NULL, NULL, T_IMF, NULL, false, ET, T, NOW, P},
    /* RFC 9110 §13.1.2: If-None-Match match on other methods: 412 */
    {NULL, ET, NULL, NULL, false, ET, T, NOW, F},
    {NULL, "*", NULL, NULL, false, ET, T, NOW, F},	 /* RFC 9110 §13.1.2 */
    {NULL, "\"foo\"", NULL, NULL, false, ET, T, NOW, P}, /* §13.1.2 */
    {"*", NULL, NULL, NULL, false, ET, T, NOW, P},	 /* RFC 9110 §13.1.1 */
    {"\"foo\"", NULL, NULL, NULL, false, ET, T, NOW, F}, /* §13.1.1 */
    /* RFC 9110 §13.2.2 step 2: If-Unmodified-Since only without If-Match */
    {ET, NULL, NULL, "Wed, 25 Jun 2014 17:12:17 GMT", true, ET, T, NOW, P},
    {NULL, NULL, NULL, "Wed, 25 Jun 2014 17:12:17 GMT", true, ET, T, NOW, F},
    {NULL, NULL, NULL, T_850, true, ET, T, NOW, P},	/* RFC 850 form */
    {NULL, NULL, NULL, "garbage", true, ET, T, NOW, P}, /* §13.1.4 ignored */
    /* RFC 9110 §13.1.4: applies to every method */
    {NULL, NULL, NULL, "Wed, 25 Jun 2014 17:12:17 GMT", false, ET, T, NOW, F},
    /* If-Unmodified-Since passes, If-None-Match decides */
    {NULL, ET, NULL, T_IMF, true, ET, T, NOW, NM},
    /* If-Unmodified-Since fails first, before If-None-Match */
    {NULL, ET, NULL, "Wed, 25 Jun 2014 17:12:17 GMT", true, ET, T, NOW, F},
    /* all four: If-Match passes, If-None-Match decides, IMS ignored */
    {ET, "\"foo\"", T_IMF, "garbage", true, ET, T, NOW, P},
};

START_TEST(test_cond_table)
{
	const struct cond_row *t = &rows[_i];
	struct cond_request rq;
	struct cond_resource rs;
	enum cond_result res;

	memset(&rq, 0, sizeof(rq));
	rq.if_match = t->im;
	rq.if_none_match = t->inm;
	rq.if_modified_since = t->ims;
	rq.if_unmodified_since = t->ius;
	rq.get_or_head = t->get_or_head;
	rs.etag = t->etag;
	rs.mtime = t->mtime;
	res = cond_evaluate(&rq, &rs, t->now);
	ck_assert_msg(res == t->want,
	    "row %d: If-Match %s, If-None-Match %s, IMS %s, IUS %s, %s: "
	    "got %d, want %d",
	    _i, t->im ? t->im : "-", t->inm ? t->inm : "-",
	    t->ims ? t->ims : "-", t->ius ? t->ius : "-",
	    t->get_or_head ? "GET" : "POST", res, t->want);
}
END_TEST

struct if_range_row {
	const char *if_range;
	const char *etag;
	time_t mtime;
	bool want;
};

static const struct if_range_row if_range_rows[] = {
    {NULL, "\"A\"", T, true},	 /* RFC 9110 §13.1.5: absent */
    {"\"A\"", "\"A\"", T, true}, /* Go TestServeContent range_match */
    /* Go TestServeContent range_match_weak_etag */
    {"W/\"A\"", "\"A\"", T, false},
    {"\"B\"", "\"A\"", T, false}, /* Go TestServeContent range_no_match */
    {T_IMF, "\"A\"", T, true},	  /* Go TestServeContent range_with_modtime */
    /* Go TestServeContent range_with_modtime_mismatch */
    {"Wed, 25 Jun 2014 17:12:19 GMT", "\"A\"", T, false},
    {"Wed, 25 Jun 2014 17:12:17 GMT", "\"A\"", T, false}, /* one second off */
    /* Go TestServeContent range_with_modtime_nanos: dlfcgi keeps whole
     * seconds in cond_resource, so the nanoseconds never reach it */
    {T_IMF, "\"A\"", T, true},
    {"wrong", ET, T, false}, /* nginx range_if_range.t */
    {T_IMF, ET, T, true},    /* nginx range_if_range.t */
    /* nginx range_if_range.t: fixed Last-Modified */
    {"Mon, 28 Sep 1970 06:00:00 GMT", ET, 23349600, true},
    {"wrong", ET, 23349600, false},  /* nginx range_if_range.t */
    {T_850, ET, T, true},	     /* RFC 9110 §5.6.7: any HTTP-date form */
    {T_ASC, ET, T, true},	     /* RFC 9110 §5.6.7 */
    {"  " T_IMF "\t", ET, T, true},  /* OWS */
    {"  \"A\"  ", "\"A\"", T, true}, /* OWS */
    {T_IMF " x", ET, T, false},	     /* garbage after the date */
    {"", ET, T, false},		     /* garbage */
    {"*", ET, T, false},	     /* not an entity tag */
    {"\"A", "\"A\"", T, false},	     /* unterminated */
    {"W/", "\"A\"", T, false},
    {"w/\"A\"", "\"A\"", T, false},	 /* W/ is case-sensitive */
    {"\"a\"", "\"A\"", T, false},	 /* opaque tags are case-sensitive */
    {"\"A\", \"A\"", "\"A\"", T, false}, /* one entity-tag, not a list */
    {"\"B\" \"A\"", "\"A\"", T, false},	 /* one entity-tag, not a list */
    {"\"A\" \"B\"", "\"A\"", T, false},	 /* one entity-tag, not a list */
    {"\"A\" x", "\"A\"", T, false},	 /* garbage after the tag */
    {"1403716338", ET, T, false},	 /* not an HTTP-date */
    {"Wed, 25 Jun 2014 17:12:18 UTC", ET, T, false}, /* not GMT */
};

START_TEST(test_if_range_table)
{
	const struct if_range_row *t = &if_range_rows[_i];
	struct cond_resource rs = {t->etag, t->mtime};

	ck_assert_msg(cond_if_range(t->if_range, &rs, NOW) == t->want,
	    "If-Range [%s] etag %s mtime %lld: want %d",
	    t->if_range ? t->if_range : "(null)", t->etag, (long long)t->mtime,
	    t->want);
}
END_TEST

/* If-Range with the exact Last-Modified dlfcgi sends, for many times. */
START_TEST(test_if_range_last_modified)
{
	static const time_t times[] = {
	    0, 1, T, NOW, 2147483647, 2147483648LL, 253402300799LL};
	struct cond_resource rs = {ET, 0};
	char lm[HTTPDATE_LEN];
	size_t i;

	for (i = 0; i < (size_t)NELEM(times); i++) {
		rs.mtime = times[i];
		ck_assert_int_eq(httpdate_format(times[i], lm), 0);
		ck_assert_msg(cond_if_range(lm, &rs, NOW), "%s", lm);
		rs.mtime = times[i] + 1;
		ck_assert_msg(!cond_if_range(lm, &rs, NOW), "%s + 1", lm);
		rs.mtime = times[i] - 1;
		ck_assert_msg(!cond_if_range(lm, &rs, NOW), "%s - 1", lm);
	}
}
END_TEST

#define M ETAG_MATCH
#define N ETAG_MATCH_NONE
#define X ETAG_MATCH_INVALID

struct etag_row {
	const char *list;
	const char *etag;
	int weak;
	enum etag_match want;
};

static const struct etag_row etag_rows[] = {
    {"W/\"etag-1\"", "\"etag-1\"", 1, M}, /* Go TestScanETag */
    {"W/\"etag-1\"", "\"etag-1\"", 0, N}, /* Go TestScanETag: strong */
    {"\"etag-2\"", "\"etag-2\"", 0, M},	  /* Go TestScanETag */
    {"\"etag-2\"", "\"etag-2\"", 1, M},	  /* Go TestScanETag */
    {"\"etag-1\", \"etag-2\"", "\"etag-2\"", 0, M},	  /* Go TestScanETag */
    {"\"etag-1\", \"etag-2\"", "\"etag-3\"", 0, N},	  /* Go TestScanETag */
    {"W/", "\"etag-1\"", 1, X},				  /* Go TestScanETag */
    {"W/\"truc", "\"truc\"", 1, X},			  /* Go TestScanETag */
    {"w/\"case-sensitive\"", "\"case-sensitive\"", 1, X}, /* Go TestScanETag */
    {"\"spaced etag\"", "\"spaced etag\"", 1, X},	  /* Go TestScanETag */
    {",", ET, 1, X}, /* Go TestServeContent if_none_match_malformed */
    {"\"Foo\"", "\"foo\"", 1, N}, /* Go if_none_match_mismatch */
    /* Go TestServeContent not_modified_etag_no_seek */
    {"\"baz\", W/\"foo\"", "\"foo\"", 1, M},
    {"\"Z\", \"A\"", "\"A\"", 0, M}, /* Go TestServeContent ifmatch_matches */
    {"*", "\"A\"", 0, M},	     /* Go TestServeContent ifmatch_star */
    {"W/\"A\"", "\"A\"", 0, N},	     /* Go ifmatch_fails_on_weak_etag */
    {ET, ET, 1, M},		     /* nginx not_modified.t */
    {"\"foo\", \"bar\", " ET " , \"baz\"", ET, 1, M}, /* nginx */
    {"W/" ET, ET, 1, M},			      /* nginx not_modified.t */
    {"W/" ET, ET, 0, N},			      /* nginx not_modified.t */
    {"\"foo\",\t" ET, ET, 0, M},		      /* nginx not_modified.t */
    {" * ", ET, 0, M},	    /* RFC 9110 §13.1.1: OWS around "*" */
    {"*, \"a\"", ET, 0, X}, /* "*" stands alone */
    {"**", ET, 0, X},
    {"", ET, 0, X},	      /* 1#entity-tag: at least one */
    {" \t ", ET, 0, X},	      /* RFC 9110 §5.6.1 */
    {" , ,, ", ET, 0, X},     /* RFC 9110 §5.6.1: no element */
    {",," ET ",,", ET, 0, M}, /* RFC 9110 §5.6.1: empty elements */
    {"\"\"", ET, 0, N},	      /* empty opaque-tag is valid */
    {"\"a\"\"b\"", ET, 0, X},
    {"\"a\"x", ET, 0, X},
    {"x\"a\"", ET, 0, X},
    {"W/ \"a\"", "\"a\"", 1, X},
    {"\"a\x01\"", ET, 0, X},		    /* etagc excludes CTLs */
    {"\"a\x7f\"", ET, 0, X},		    /* etagc excludes DEL */
    {"\"\x80\xff\"", "\"\x80\xff\"", 0, M}, /* obs-text is etagc */
    {"\"abc\"", "\"ab\"", 0, N},	    /* byte by byte, whole tag */
    {"\"ab\"", "\"abc\"", 0, N},
    {"\"abc\" , W/\"abc\"", "\"abc\"", 0, M},
    /* space-separated, as Go's scanETag loop also accepts */
    {"\"a\" \"b\"", "\"b\"", 0, M},
};

START_TEST(test_etag_table)
{
	const struct etag_row *t = &etag_rows[_i];
	enum etag_match res;

	res = etag_list_match(t->list, strlen(t->list), t->etag, t->weak);
	ck_assert_msg(res == t->want, "[%s] vs %s (%s): got %d, want %d",
	    t->list, t->etag, t->weak ? "weak" : "strong", res, t->want);
}
END_TEST

/* len bounds the list: a prefix of a valid list, and an embedded NUL. */
START_TEST(test_etag_len)
{
	static const char s[] = "\"a\", \"b\"\0, \"c\"";

	ck_assert_int_eq(etag_list_match(s, 3, "\"a\"", 0), ETAG_MATCH);
	ck_assert_int_eq(etag_list_match(s, 2, "\"a\"", 0), ETAG_MATCH_INVALID);
	ck_assert_int_eq(etag_list_match(s, 8, "\"b\"", 0), ETAG_MATCH);
	ck_assert_int_eq(etag_list_match(s, 8, "\"c\"", 0), ETAG_MATCH_NONE);
	ck_assert_int_eq(
	    etag_list_match(s, sizeof(s) - 1, "\"c\"", 0), ETAG_MATCH_INVALID);
	ck_assert_int_eq(
	    etag_list_match("*", 0, "\"a\"", 0), ETAG_MATCH_INVALID);
}
END_TEST

/* Tags written by etag_make match themselves, strongly and weakly. */
START_TEST(test_etag_make_matches)
{
	struct stat st;
	char tag[ETAG_LEN], list[3 * ETAG_LEN];

	memset(&st, 0, sizeof(st));
	st.st_ino = (ino_t)-1;
	st.st_size = (off_t)0x7fffffffffffffffLL;
	st.st_mtim.tv_sec = (time_t)0x7fffffffffffffffLL;
	st.st_mtim.tv_nsec = 999999999;
	etag_make(&st, tag);
	ck_assert_uint_lt(strlen(tag), ETAG_LEN);
	ck_assert_int_eq(etag_list_match(tag, strlen(tag), tag, 0), ETAG_MATCH);
	snprintf(list, sizeof(list), "\"x\", W/%s", tag);
	ck_assert_int_eq(
	    etag_list_match(list, strlen(list), tag, 1), ETAG_MATCH);
	ck_assert_int_eq(
	    etag_list_match(list, strlen(list), tag, 0), ETAG_MATCH_NONE);
}
END_TEST

Suite *
suite_cond(void)
{
	Suite *s = suite_create("cond");
	TCase *tc;

	tc = tcase_create("evaluate");
	tcase_add_loop_test(tc, test_cond_table, 0, NELEM(rows));
	suite_add_tcase(s, tc);

	tc = tcase_create("if_range");
	tcase_add_loop_test(tc, test_if_range_table, 0, NELEM(if_range_rows));
	tcase_add_test(tc, test_if_range_last_modified);
	suite_add_tcase(s, tc);

	tc = tcase_create("etag_list_match");
	tcase_add_loop_test(tc, test_etag_table, 0, NELEM(etag_rows));
	tcase_add_test(tc, test_etag_len);
	tcase_add_test(tc, test_etag_make_matches);
	suite_add_tcase(s, tc);
	return s;
}
