/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * allowed_peers: parsing and matching of addresses and networks.
 */
#include "autoconfig.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/un.h>

#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "peer.h"

static const struct {
	const char *in;
	int ok;
} parse_rows[] = {
    {"127.0.0.1", 1},
    {"127.0.0.0/8", 1},
    {"0.0.0.0/0", 1},
    {"10.1.2.3/32", 1},
    {"::1", 1},
    {"fd00::/8", 1},
    {"::/0", 1},
    {"10.0.0.0/33", 0},
    {"::1/129", 0},
    {"10.0.0.0/", 0},
    {"10.0.0.0/-1", 0},
    {"10.0.0.0/8x", 0},
    {"localhost", 0},
    {"", 0},
    {"/8", 0},
    {"1.2.3", 0},
    {"1.2.3.4.5", 0},
};

START_TEST(test_parse)
{
	struct peer_net n;

	ck_assert_msg(
	    (peer_parse(parse_rows[_i].in, &n) == 0) == parse_rows[_i].ok,
	    "\"%s\"", parse_rows[_i].in);
}
END_TEST

static struct sockaddr_storage
addr(const char *s)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, s, &a4->sin_addr) == 1)
		a4->sin_family = AF_INET;
	else {
		ck_assert_int_eq(inet_pton(AF_INET6, s, &a6->sin6_addr), 1);
		a6->sin6_family = AF_INET6;
	}
	return ss;
}

static const struct {
	const char *peer;
	int allowed;
} match_rows[] = {
    {"127.0.0.1", 1},
    {"127.255.1.2", 1},
    {"128.0.0.1", 0},
    {"10.200.3.4", 1}, /* 10.200.0.0/13 */
    {"10.207.255.255", 1},
    {"10.208.0.0", 0},
    {"::1", 1},
    {"::2", 0},
    {"::ffff:127.0.0.1", 1}, /* IPv4-mapped: compared as IPv4 */
    {"::ffff:192.0.2.1", 0},
    {"fd12:3456::1", 1}, /* fd12::/16 */
    {"fd13::1", 0},
    {"192.0.2.77", 1}, /* exact host */
    {"192.0.2.78", 0},
};

START_TEST(test_match)
{
	const char *nets[] = {
	    "127.0.0.0/8", "::1", "10.200.0.0/13", "fd12::/16", "192.0.2.77"};
	struct peer_net pn[5];
	struct sockaddr_storage ss = addr(match_rows[_i].peer);
	size_t i;

	for (i = 0; i < 5; i++)
		ck_assert_int_eq(peer_parse(nets[i], &pn[i]), 0);
	ck_assert_msg(peer_allowed(pn, 5, (struct sockaddr *)&ss) ==
		(match_rows[_i].allowed != 0),
	    "%s", match_rows[_i].peer);
}
END_TEST

START_TEST(test_unix_always_allowed)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char out[64];

	ck_assert(peer_allowed(NULL, 0, (struct sockaddr *)&sun));
	peer_format((struct sockaddr *)&sun, out, sizeof(out));
	ck_assert_str_eq(out, "-");
}
END_TEST

START_TEST(test_empty_list_refuses_tcp)
{
	struct sockaddr_storage ss = addr("127.0.0.1");
	char out[64];

	ck_assert(!peer_allowed(NULL, 0, (struct sockaddr *)&ss));
	peer_format((struct sockaddr *)&ss, out, sizeof(out));
	ck_assert_str_eq(out, "127.0.0.1");
}
END_TEST

Suite *
suite_peer(void)
{
	Suite *s = suite_create("peer");
	TCase *tc = tcase_create("Core");

	tcase_add_loop_test(tc, test_parse, 0, NELEM(parse_rows));
	tcase_add_loop_test(tc, test_match, 0, NELEM(match_rows));
	tcase_add_test(tc, test_unix_always_allowed);
	tcase_add_test(tc, test_empty_list_refuses_tcp);
	suite_add_tcase(s, tc);
	return s;
}
