/* cookieset: duplicates within the window, bounded memory (the oldest cookies
 * are forgotten), deletion keeping probe runs intact, restart resync. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pnet/cookieset.h"

#define W COOKIESET_WINDOW

static void test_dup_and_unknown(void **st)
{
	struct cookieset cs = { 0 };
	uint64_t i;

	(void)st;
	assert_int_equal(cookieset_add(&cs, 0), 1);     /* unknown: never a duplicate */
	assert_int_equal(cookieset_add(&cs, 0), 1);
	for (i = 1; i <= 1000; i++)
		assert_int_equal(cookieset_add(&cs, i), 1);
	for (i = 1; i <= 1000; i++)
		assert_int_equal(cookieset_add(&cs, i), 0);
	assert_int_equal(cookieset_add(&cs, UINT64_MAX), 1);
	assert_int_equal(cookieset_add(&cs, UINT64_MAX), 0);
	cookieset_clear(&cs);
	assert_int_equal(cookieset_add(&cs, 5), 1);     /* a new dump forgets */
	cookieset_free(&cs);
	assert_null(cs.slot);
}

/* Memory is bounded: after many cookies only the last W are remembered, and
 * every one of those still is (erasing the oldest must not break probe runs). */
static void test_window(void **st)
{
	struct cookieset cs = { 0 };
	const uint64_t total = 10 * W + 123;
	uint64_t i;

	(void)st;
	for (i = 1; i <= total; i++)
		assert_int_equal(cookieset_add(&cs, i * 0x10001ull), 1);
	assert_int_equal(cs.n, W);
	for (i = total - W + 1; i <= total; i++)
		assert_int_equal(cookieset_add(&cs, i * 0x10001ull), 0);
	/* the one just before the window was forgotten */
	assert_int_equal(cookieset_add(&cs, (total - W) * 0x10001ull), 1);
	cookieset_free(&cs);
}

/* Cookies that share a home slot form long probe runs; evicting them in
 * arrival order must keep every younger one findable. */
static void test_collisions(void **st)
{
	struct cookieset cs = { 0 };
	uint64_t seq[3 * W], i;
	size_t n = 0;

	(void)st;
	/* multiples of 2^32 all hash to slot 0 with the multiplicative hash */
	for (i = 1; n < sizeof(seq) / sizeof(seq[0]); i++) {
		seq[n++] = i << 32;
		if (n % 7 == 0 && n < sizeof(seq) / sizeof(seq[0]))
			seq[n++] = i;   /* interleave some spread cookies */
	}
	for (i = 0; i < n; i++) {
		assert_int_equal(cookieset_add(&cs, seq[i]), 1);
		if (i % 997 == 0) {
			size_t k, lo = i + 1 > W ? i + 1 - W : 0;

			for (k = lo; k <= i; k++)
				assert_int_equal(cookieset_add(&cs, seq[k]), 0);
		}
	}
	cookieset_free(&cs);
}

/* After a restart the dump comes again from the start: what was listed is
 * suppressed (also beyond the window), then new rows are listed once. */
static void test_restart(void **st)
{
	struct cookieset cs = { 0 };
	const uint64_t listed = 3 * W;
	uint64_t i;

	(void)st;
	for (i = 1; i <= listed; i++)
		assert_int_equal(cookieset_add(&cs, i), 1);
	cookieset_restart(&cs);
	for (i = 1; i <= listed; i++)
		assert_int_equal(cookieset_add(&cs, i), 0);
	for (i = listed + 1; i <= listed + 10; i++)
		assert_int_equal(cookieset_add(&cs, i), 1);
	for (i = listed + 1; i <= listed + 10; i++)
		assert_int_equal(cookieset_add(&cs, i), 0);
	cookieset_free(&cs);
}

/* A restart before anything was listed suppresses nothing; a restart after
 * which no remembered socket comes back suppresses (never repeats) the rest. */
static void test_restart_edges(void **st)
{
	struct cookieset cs = { 0 };
	uint64_t i;

	(void)st;
	cookieset_restart(&cs);
	assert_int_equal(cookieset_add(&cs, 1), 1);
	cookieset_clear(&cs);
	for (i = 1; i <= 10; i++)
		assert_int_equal(cookieset_add(&cs, i), 1);
	cookieset_restart(&cs);
	for (i = 100; i < 110; i++)
		assert_int_equal(cookieset_add(&cs, i), 0);
	cookieset_clear(&cs);                           /* next dump is normal */
	assert_int_equal(cookieset_add(&cs, 100), 1);
	cookieset_free(&cs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dup_and_unknown),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_collisions),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_restart_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
