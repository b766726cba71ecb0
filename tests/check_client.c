/* Copyright (c) 2026 the dlfcgi authors. ISC license: see LICENSE. */
/*
 * REMOTE_ADDR to client key: canonical addresses, zones, IPv4-mapped
 * IPv6, and everything that is not an address.
 */
#include "autoconfig.h"

#include <check.h>
#include <string.h>

#include "check_suites.h"
#include "check_util.h"
#include "client.h"

#define LONG46 "0123456789012345678901234567890123456789012345"

static const struct {
	const char *in;
	bool addr;
	const char *key;
} rows[] = {
    {"127.0.0.1", true, "127.0.0.1"},
    {"192.0.2.255", true, "192.0.2.255"},
    {"0.0.0.0", true, "0.0.0.0"},
    {"::1", true, "::1"},
    {"2001:DB8::1", true, "2001:db8::1"},
    {"2001:0db8:0000:0000:0000:0000:0000:0001", true, "2001:db8::1"},
    {"fe80::1%eth0", true, "fe80::1"},
    {"fe80::1%" LONG46, true, "fe80::1"},
    {"::ffff:192.0.2.1", true, "192.0.2.1"},
    {"::FFFF:c000:0201", true, "192.0.2.1"},
    /* the longest text form, 45 bytes, and its variants */
    {"ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", true,
	"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"},
    {"0000:0000:0000:0000:0000:ffff:255.255.255.255%zone", true,
	"255.255.255.255"},
    /* not addresses: one key */
    {NULL, false, CLIENT_KEY_OTHER},
    {"", false, CLIENT_KEY_OTHER},
    {"unix:", false, CLIENT_KEY_OTHER},
    {"localhost", false, CLIENT_KEY_OTHER},
    {"-", false, CLIENT_KEY_OTHER},
    {"1.2.3", false, CLIENT_KEY_OTHER},
    {"01.2.3.4", false, CLIENT_KEY_OTHER},
    {"1.2.3.4 ", false, CLIENT_KEY_OTHER},
    {" 1.2.3.4", false, CLIENT_KEY_OTHER},
    {"1.2.3.4%eth0", false, CLIENT_KEY_OTHER},
    {"fe80::1%", false, CLIENT_KEY_OTHER},
    {"%eth0", false, CLIENT_KEY_OTHER},
    {"[::1]", false, CLIENT_KEY_OTHER},
    {"::1:", false, CLIENT_KEY_OTHER},
    {LONG46, false, CLIENT_KEY_OTHER},
    {LONG46 "A", false, CLIENT_KEY_OTHER},
    {"1.2.3.4\n5", false, CLIENT_KEY_OTHER},
};

START_TEST(test_key)
{
	char key[CLIENT_KEY_LEN];

	memset(key, 'x', sizeof(key));
	ck_assert_msg(client_key(rows[_i].in, key) == rows[_i].addr,
	    "\"%s\": address %d", rows[_i].in ? rows[_i].in : "(null)",
	    !rows[_i].addr);
	ck_assert_str_eq(key, rows[_i].key);
}
END_TEST

/* Two REMOTE_ADDR values longer than a slot never share a key. */
START_TEST(test_long_not_truncated)
{
	char a[CLIENT_KEY_LEN], b[CLIENT_KEY_LEN];

	client_key("1111:2222:3333:4444:5555:6666:7777:8888%zone-a", a);
	client_key("1111:2222:3333:4444:5555:6666:7777:8889%zone-a", b);
	ck_assert_str_ne(a, b);
	ck_assert_str_eq(a, "1111:2222:3333:4444:5555:6666:7777:8888");
}
END_TEST

Suite *
suite_client(void)
{
	Suite *s = suite_create("client");
	TCase *tc = tcase_create("Core");

	tcase_add_loop_test(tc, test_key, 0, NELEM(rows));
	tcase_add_test(tc, test_long_not_truncated);
	suite_add_tcase(s, tc);
	return s;
}
