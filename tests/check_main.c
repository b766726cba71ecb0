/*
 * One runner for every unit suite. Output is TAP (CK_TAP_LOG_FILE_NAME
 * is set to "-" by the test harness) so each test counts on its own.
 */
#include "autoconfig.h"

#include <stdlib.h>

#include "check_suites.h"

int
main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(suite_config());
	srunner_add_suite(sr, suite_path());
	srunner_add_suite(sr, suite_mime());
	srunner_add_suite(sr, suite_httpdate());
	srunner_add_suite(sr, suite_listen());
	srunner_add_suite(sr, suite_etag());
	srunner_add_suite(sr, suite_fcgi_guard());
	srunner_add_suite(sr, suite_peer());
	srunner_add_suite(sr, suite_range());
	srunner_add_suite(sr, suite_cond());
	srunner_add_suite(sr, suite_httpdate_parse());
	srunner_add_suite(sr, suite_disposition());
	srunner_add_suite(sr, suite_fcgi());
	srunner_add_suite(sr, suite_client());
	srunner_add_suite(sr, suite_outq());
	srunner_add_suite(sr, suite_log());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
