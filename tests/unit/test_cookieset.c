/* cookieset: membership, growth past the initial size, reset per dump. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pnet/cookieset.h"

static void test_add_and_dup(void **st)
{
	struct cookieset cs = { 0 };
	uint64_t i;

	(void)st;
	assert_int_equal(cookieset_add(&cs, 0), 1);     /* unknown: never a duplicate */
	assert_int_equal(cookieset_add(&cs, 0), 1);
	for (i = 1; i <= 100000; i++)
		assert_int_equal(cookieset_add(&cs, i * 4096), 1);
	for (i = 1; i <= 100000; i++)
		assert_int_equal(cookieset_add(&cs, i * 4096), 0);
	assert_int_equal(cookieset_add(&cs, 4097), 1);
	assert_int_equal(cs.n, 100001);
	assert_true(cs.cap >= 2 * cs.n);
	cookieset_clear(&cs);
	assert_int_equal(cs.n, 0);
	assert_int_equal(cookieset_add(&cs, 4096), 1);
	assert_int_equal(cookieset_add(&cs, UINT64_MAX), 1);
	assert_int_equal(cookieset_add(&cs, UINT64_MAX), 0);
	cookieset_free(&cs);
	assert_null(cs.slot);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_dup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
