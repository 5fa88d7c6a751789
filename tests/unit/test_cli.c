/* cli_parse() on good and bad argument vectors. Usage errors print to stderr;
 * that noise is expected here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "pnet/cli.h"

#define MAXARGS 16

/* argv must be writable for getopt; copy the literals. */
static int parse(struct pnet_opts *o, const char *const *args)
{
	static char store[MAXARGS][64];
	static char *argv[MAXARGS + 1];
	int argc = 0;

	argv[argc] = strcpy(store[argc], "pnet");
	argc++;
	for (; *args; args++, argc++) {
		assert_true(argc < MAXARGS && strlen(*args) < sizeof(store[0]));
		argv[argc] = strcpy(store[argc], *args);
	}
	argv[argc] = NULL;
	return cli_parse(argc, argv, o);
}

#define PARSE(o, ...) parse(o, (const char *const[]){ __VA_ARGS__, NULL })
#define PARSE0(o) parse(o, (const char *const[]){ NULL })

static void test_defaults(void **state)
{
	struct pnet_opts o;

	(void)state;
	assert_int_equal(PARSE0(&o), 0);
	assert_int_equal(o.cmd, PNET_CMD_LIST);
	assert_true(o.tcp && o.udp);
	assert_true(o.inet4 && o.inet6);
	assert_false(o.all || o.listening || o.wide || o.programs || o.timers || o.classify);
	assert_false(o.num_hosts || o.num_ports || o.num_users);
	assert_int_equal(o.extend, 0);
	assert_false(o.continuous);
}

static void test_protocol_and_family(void **state)
{
	struct pnet_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "-t"), 0);
	assert_true(o.tcp);
	assert_false(o.udp);
	assert_true(o.inet4 && o.inet6);

	assert_int_equal(PARSE(&o, "--udp"), 0);
	assert_false(o.tcp);
	assert_true(o.udp);

	assert_int_equal(PARSE(&o, "-tu"), 0);
	assert_true(o.tcp && o.udp);

	assert_int_equal(PARSE(&o, "-4"), 0);
	assert_true(o.inet4);
	assert_false(o.inet6);
	assert_true(o.tcp && o.udp);

	assert_int_equal(PARSE(&o, "--inet6", "-u"), 0);
	assert_false(o.inet4);
	assert_true(o.inet6);
	assert_false(o.tcp);
}

static void test_numeric(void **state)
{
	struct pnet_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "-n"), 0);
	assert_true(o.num_hosts && o.num_ports && o.num_users);
	assert_int_equal(PARSE(&o, "--numeric"), 0);
	assert_true(o.num_hosts && o.num_ports && o.num_users);

	assert_int_equal(PARSE(&o, "--numeric-ports"), 0);
	assert_true(o.num_ports);
	assert_false(o.num_hosts || o.num_users);
	assert_int_equal(PARSE(&o, "--numeric-hosts"), 0);
	assert_true(o.num_hosts);
	assert_false(o.num_ports || o.num_users);
	assert_int_equal(PARSE(&o, "--numeric-users"), 0);
	assert_true(o.num_users);
	assert_false(o.num_ports || o.num_hosts);
}

static void test_flags(void **state)
{
	struct pnet_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "-tuanWpoc"), 0);
	assert_true(o.all && o.wide && o.programs && o.timers && o.continuous);
	assert_false(o.listening);
	assert_true(o.delay == 1.0);

	assert_int_equal(PARSE(&o, "-e"), 0);
	assert_int_equal(o.extend, 1);
	assert_int_equal(PARSE(&o, "-ee"), 0);
	assert_int_equal(o.extend, 2);
	assert_int_equal(PARSE(&o, "-e", "--extend", "-e"), 0);
	assert_int_equal(o.extend, 3);

	assert_int_equal(PARSE(&o, "-l"), 0);
	assert_true(o.listening);
	assert_false(o.all);
}

static void test_long_options(void **state)
{
	struct pnet_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "--tcp", "--all", "--listening", "--wide", "--extend",
			       "--program", "--timers", "--continuous", "--classify"), 0);
	assert_true(o.tcp && !o.udp && o.all && o.listening && o.wide && o.programs &&
		    o.timers && o.continuous && o.classify);
	assert_int_equal(o.extend, 1);
	assert_int_equal(PARSE(&o, "--programs"), 0);      /* netstat's spelling */
	assert_true(o.programs);
	assert_int_equal(PARSE(&o, "--inet"), 0);
	assert_true(o.inet4 && !o.inet6);
	/* getopt_long accepts unambiguous abbreviations */
	assert_int_equal(PARSE(&o, "--numeric-p"), 0);
	assert_true(o.num_ports && !o.num_hosts);

	assert_int_equal(PARSE(&o, "--help"), 0);
	assert_int_equal(o.cmd, PNET_CMD_HELP);
	assert_int_equal(PARSE(&o, "-h"), 0);
	assert_int_equal(o.cmd, PNET_CMD_HELP);
	assert_int_equal(PARSE(&o, "--version"), 0);
	assert_int_equal(o.cmd, PNET_CMD_VERSION);
	assert_int_equal(PARSE(&o, "-V"), 0);
	assert_int_equal(o.cmd, PNET_CMD_VERSION);
}

static void test_delay(void **state)
{
	struct pnet_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "2"), 0);
	assert_true(o.continuous);
	assert_true(o.delay == 2.0);
	assert_true(o.tcp && o.udp);

	assert_int_equal(PARSE(&o, "-tn", "0.5"), 0);
	assert_true(o.continuous);
	assert_true(o.delay == 0.5);
	assert_true(o.tcp && !o.udp && o.num_hosts);

	/* the delay may come first: GNU getopt permutes operands */
	assert_int_equal(PARSE(&o, "3", "-u"), 0);
	assert_true(o.continuous && o.udp && !o.tcp);
	assert_true(o.delay == 3.0);

	assert_int_equal(PARSE(&o, "86400"), 0);
	assert_true(o.delay == 86400.0);
}

static void test_bad_input(void **state)
{
	static const char *const bad[][4] = {
		{ "-z" },                       /* unknown short option */
		{ "-tz" },                      /* unknown inside a cluster */
		{ "--bogus" },                  /* unknown long option */
		{ "--tcp=1" },                  /* argument to a flag */
		{ "--numeric-" },               /* ambiguous abbreviation */
		{ "abc" },                      /* not a delay */
		{ "0" },                        /* delay must be positive */
		{ "0.0" },
		{ "-5" },                       /* looks like an option: unknown -5 */
		{ "--", "-5" },                 /* an operand, not a positive number */
		{ "1e3" },
		{ "2s" },
		{ "." },
		{ "" },
		{ "86401" },                    /* more than a day */
		{ "1", "2" },                   /* two operands */
		{ "-t", "1", "x" },
		{ "--explain" },                /* needs at least one port */
		{ "-t", "--explain" },
		{ "x", "--explain", "80" },     /* operand before --explain */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *args[5] = { bad[i][0], bad[i][1], bad[i][2], bad[i][3], NULL };
		struct pnet_opts o;

		assert_int_equal(parse(&o, args), 2);
	}
}

static void test_explain(void **state)
{
	struct pnet_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "--explain", "80", "53/udp"), 0);
	assert_int_equal(o.cmd, PNET_CMD_EXPLAIN);
	assert_int_equal(o.explain_argc, 2);
	assert_string_equal(o.explain_argv[0], "80");
	assert_string_equal(o.explain_argv[1], "53/udp");

	/* everything after --explain is a PORT, even what looks like an option */
	assert_int_equal(PARSE(&o, "-n", "--explain", "-1", "--tcp"), 0);
	assert_int_equal(o.cmd, PNET_CMD_EXPLAIN);
	assert_true(o.num_ports);
	assert_int_equal(o.explain_argc, 2);
	assert_string_equal(o.explain_argv[0], "-1");
	assert_string_equal(o.explain_argv[1], "--tcp");
	assert_false(o.tcp);
}

/* A failed parse must not leak state into the next one: getopt keeps its
 * position inside a cluster of short options between calls. */
static void test_reparse_after_error(void **state)
{
	struct pnet_opts o;

	(void)state;
	assert_int_equal(PARSE(&o, "-zt"), 2);
	assert_int_equal(PARSE(&o, "-u"), 0);
	assert_true(o.udp);
	assert_false(o.tcp);

	assert_int_equal(PARSE(&o, "-hzl"), 0);         /* help returns at once */
	assert_int_equal(PARSE(&o, "-4"), 0);
	assert_false(o.listening);
	assert_true(o.inet4 && !o.inet6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_protocol_and_family),
		cmocka_unit_test(test_numeric),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_long_options),
		cmocka_unit_test(test_delay),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_reparse_after_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
