/* -c / --continuous[=DELAY] / trailing DELAY: what cli_parse() accepts. The
 * operand forms are covered in test_cli.c; this is the long option's value and
 * its interplay with short-option clusters. Usage errors print to stderr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pnet/cli.h"

static int parse(struct pnet_opts *o, const char *const *args)
{
	static char store[8][64];
	static char *argv[9];
	int argc = 0;

	argv[argc] = strcpy(store[argc], "pnet");
	argc++;
	for (; *args; args++, argc++)
		argv[argc] = strcpy(store[argc], *args);
	argv[argc] = NULL;
	return cli_parse(argc, argv, o);
}

#define PARSE(o, ...) parse(o, (const char *const[]){ __VA_ARGS__, NULL })

static void test_good(void **state)
{
	struct pnet_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "-tn", "-c"), 0);
	assert_true(o.continuous && o.delay == 1.0);
	/* -c takes no value: a cluster after it is more options (netstat -ctn) */
	assert_int_equal(PARSE(&o, "-ctn"), 0);
	assert_true(o.continuous && o.tcp && o.num_hosts && o.delay == 1.0);
	assert_int_equal(PARSE(&o, "-c", "2"), 0);
	assert_true(o.continuous && o.delay == 2.0);
	assert_int_equal(PARSE(&o, "--continuous=2.5", "-t"), 0);
	assert_true(o.continuous && o.delay == 2.5);
	assert_int_equal(PARSE(&o, "--continuous", "-t"), 0);
	assert_true(o.continuous && o.delay == 1.0);
	assert_int_equal(PARSE(&o, "--continuous=.5"), 0);
	assert_true(o.delay == 0.5);
	/* a trailing operand wins over the option's value, like a later option */
	assert_int_equal(PARSE(&o, "--continuous=4", "3"), 0);
	assert_true(o.delay == 3.0);
}

static void test_bad(void **state)
{
	static const char *const bad[] = {
		"--continuous=", "--continuous=0", "--continuous=abc", "--continuous=-1",
		"--continuous=1e2", "--continuous=86401", "--continuous=1.2.3",
	};
	struct pnet_opts o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (PARSE(&o, "-t", bad[i]) != 2)
			fail_msg("'%s' accepted", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
