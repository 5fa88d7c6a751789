/* explain: --explain operand parsing and the ephemeral range file. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pnet/explain.h"

#define BOTH (EXPLAIN_TCP | EXPLAIN_UDP)

static void test_parse_good(void **state)
{
	static const struct {
		const char *arg;
		unsigned port, protos;
	} t[] = {
		{ "0", 0, BOTH },
		{ "22", 22, BOTH },
		{ "1023", 1023, BOTH },
		{ "1024", 1024, BOTH },
		{ "49151", 49151, BOTH },
		{ "49152", 49152, BOTH },
		{ "65535", 65535, BOTH },
		{ "80/tcp", 80, EXPLAIN_TCP },
		{ "53/udp", 53, EXPLAIN_UDP },
		{ "80/TCP", 80, EXPLAIN_TCP },
		{ "161/Udp", 161, EXPLAIN_UDP },
		{ "00080", 80, BOTH },                  /* decimal, never octal */
		{ "010/udp", 10, EXPLAIN_UDP },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unsigned port = 99999, protos = 99;

		if (explain_parse_arg(t[i].arg, &port, &protos) != 0)
			fail_msg("'%s' was rejected", t[i].arg);
		assert_int_equal(port, t[i].port);
		assert_int_equal(protos, t[i].protos);
	}
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"", "65536", "65535/", "99999", "100000", "123456", "-1", "+22", " 22", "22 ",
		"abc", "22abc", "80/xyz", "80/tcpx", "80/tc", "80/", "/tcp", "/", "22/tcp/",
		"22/tcp ", "22//tcp", "22/ tcp", "0x16", "1e3", "22.0", "22\n", "22/udp\n",
		"000080", "4294967318", "18446744073709551638", "２２",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		unsigned port = 7, protos = 7;

		if (explain_parse_arg(bad[i], &port, &protos) != EINVAL)
			fail_msg("'%s' was accepted", bad[i]);
		/* outputs untouched on error */
		assert_int_equal(port, 7);
		assert_int_equal(protos, 7);
	}
	assert_int_equal(explain_parse_arg(NULL, &(unsigned){ 0 }, &(unsigned){ 0 }), EINVAL);
}

static void test_parse_range(void **state)
{
	static const struct {
		const char *text;
		int ok;
		unsigned lo, hi;
	} t[] = {
		{ "32768\t60999\n", 1, 32768, 60999 },   /* the kernel's format */
		{ "1024 65535", 1, 1024, 65535 },
		{ "40000\t40000\n", 1, 40000, 40000 },
		{ "0\t0\n", 1, 0, 0 },
		{ "60999\t32768\n", 0, 0, 0 },
		{ "", 0, 0, 0 },
		{ "\n", 0, 0, 0 },
		{ "32768\n", 0, 0, 0 },
		{ "32768\t\n", 0, 0, 0 },
		{ "a b\n", 0, 0, 0 },
		{ "1 2 3\n", 0, 0, 0 },
		{ "70000\t80000\n", 0, 0, 0 },
		{ "1024\t65536\n", 0, 0, 0 },
		{ "-1\t5\n", 0, 0, 0 },
		{ "1024\t2048\n\n", 0, 0, 0 },
		{ "0000001024\t2048\n", 0, 0, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unsigned lo = 5, hi = 5;
		int rc = explain_parse_range(t[i].text, strlen(t[i].text), &lo, &hi);

		if (t[i].ok) {
			if (rc != 0)
				fail_msg("range '%s' was rejected", t[i].text);
			assert_int_equal(lo, t[i].lo);
			assert_int_equal(hi, t[i].hi);
		} else {
			if (rc != EINVAL)
				fail_msg("range '%s' was accepted", t[i].text);
			assert_int_equal(lo, 5);
			assert_int_equal(hi, 5);
		}
	}
}

static void test_read_range(void **state)
{
	char path[] = "/tmp/pnet-test-range-XXXXXX";
	unsigned lo = 0, hi = 0;
	int fd;

	(void)state;
	assert_int_equal(explain_read_range("/nonexistent/pnet/range", &lo, &hi), ENOENT);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "40000\t40100\n", 12), 12);
	close(fd);
	assert_int_equal(explain_read_range(path, &lo, &hi), 0);
	assert_int_equal(lo, 40000);
	assert_int_equal(hi, 40100);
	unlink(path);
	/* the running kernel's file parses, whatever its values */
	if (access(EXPLAIN_RANGE_FILE, R_OK) == 0) {
		assert_int_equal(explain_read_range(NULL, &lo, &hi), 0);
		assert_true(lo <= hi && hi <= 65535);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_range),
		cmocka_unit_test(test_read_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
