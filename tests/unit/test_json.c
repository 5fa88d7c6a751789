/* json: the string escaper (RFC 8259 section 7 rules plus \ufffd for bytes
 * that are not UTF-8) and the row objects of the pnet(1) schema. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "pnet/json.h"

static const struct {
	const char *in;
	size_t len;             /* 0: strlen(in) */
	const char *out;
} esc_cases[] = {
	{ "plain text", 0, "plain text" },
	{ "", 0, "" },
	{ "a\"b", 0, "a\\\"b" },
	{ "back\\slash", 0, "back\\\\slash" },
	{ "\"\\", 0, "\\\"\\\\" },
	{ "nl\ntab\tcr\rbs\bff\f", 0, "nl\\ntab\\tcr\\rbs\\bff\\f" },
	{ "\x01\x1f\x7f", 0, "\\u0001\\u001f\\u007f" },
	{ "esc\x1b[31m", 0, "esc\\u001b[31m" },
	{ "nul\0in", 6, "nul\\u0000in" },
	{ "/slash", 0, "/slash" },
	/* well-formed UTF-8 passes through */
	{ "caf\xc3\xa9", 0, "caf\xc3\xa9" },
	{ "\xe2\x82\xac", 0, "\xe2\x82\xac" },
	{ "\xf0\x9f\x98\x80", 0, "\xf0\x9f\x98\x80" },
	{ "\xc2\xa0", 0, "\xc2\xa0" },
	/* C1 controls and the JavaScript line separators are escaped */
	{ "\xc2\x85", 0, "\\u0085" },
	{ "\xc2\x9b", 0, "\\u009b" },
	{ "\xe2\x80\xa8\xe2\x80\xa9", 0, "\\u2028\\u2029" },
	/* not UTF-8: one \ufffd per bad byte */
	{ "\xff", 0, "\\ufffd" },
	{ "a\x80z", 0, "a\\ufffdz" },
	{ "\xc0\xaf", 0, "\\ufffd\\ufffd" },                 /* overlong '/' */
	{ "\xe0\x80\xaf", 0, "\\ufffd\\ufffd\\ufffd" },      /* overlong, 3 bytes */
	{ "\xed\xa0\x80", 0, "\\ufffd\\ufffd\\ufffd" },      /* surrogate D800 */
	{ "\xf4\x90\x80\x80", 0, "\\ufffd\\ufffd\\ufffd\\ufffd" }, /* > U+10FFFF */
	{ "\xe2\x82", 0, "\\ufffd\\ufffd" },                 /* truncated */
	{ "\xe2\x82z", 0, "\\ufffd\\ufffdz" },
	{ "\xf5\x80\x80\x80", 0, "\\ufffd\\ufffd\\ufffd\\ufffd" },
};

static void test_escape_table(void **st)
{
	size_t i;

	(void)st;
	for (i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++) {
		size_t len = esc_cases[i].len ? esc_cases[i].len : strlen(esc_cases[i].in);
		char out[JSON_ESCAPE_MAX(64)];
		size_t n = json_escape(out, sizeof(out), esc_cases[i].in, len);

		if (strcmp(out, esc_cases[i].out) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, out, esc_cases[i].out);
		assert_int_equal(n, strlen(esc_cases[i].out));
	}
}

/* Every byte value: the output is valid JSON string content (no raw byte
 * below 0x20, no lone quote/backslash) and fits the advertised bound. */
static void test_escape_all_bytes(void **st)
{
	char in[256], out[JSON_ESCAPE_MAX(256)];
	size_t i, n;

	(void)st;
	for (i = 0; i < 256; i++)
		in[i] = (char)(255 - i);
	n = json_escape(out, sizeof(out), in, sizeof(in));
	assert_true(n < sizeof(out));
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		assert_true(c >= 0x20);
		assert_true(c < 0x80);  /* every byte >= 0x80 here is lone, so escaped */
		if (c == '\\') {
			assert_non_null(strchr("\"\\/bfnrtu", out[i + 1]));
			i++;
		} else {
			assert_int_not_equal(c, '"');
		}
	}
}

/* A short buffer never gets half an escape, and is always terminated. */
static void test_escape_truncation(void **st)
{
	char out[8];

	(void)st;
	assert_int_equal(json_escape(out, sizeof(out), "ab\x01", 3), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(json_escape(out, sizeof(out), "abcdefghij", 10), 7);
	assert_string_equal(out, "abcdefg");
	assert_int_equal(json_escape(out, 1, "abc", 3), 0);
	assert_string_equal(out, "");
	assert_int_equal(json_escape(out, sizeof(out), "abcde\xc3\xa9", 7), 7);
	assert_int_equal(json_escape(out, 7, "abcde\xc3\xa9", 7), 5); /* no split of é */
}

static char obmem[8192];

static const char *run_rows(const struct pnet_opts *o, bool lines, const struct pnet_sock *s,
			    int nrows, const struct pnet_names *n)
{
	struct outbuf ob;
	struct json_out j = { .lines = lines };
	int i;

	ob_init(&ob, -1, obmem, sizeof(obmem) - 1);
	json_begin(&ob, &j);
	for (i = 0; i < nrows; i++)
		json_row(&ob, &j, o, &s[i], n);
	json_end(&ob, &j);
	obmem[ob.len] = '\0';
	return obmem;
}

static void test_empty_stream(void **st)
{
	struct pnet_opts o = { .num_hosts = true };

	(void)st;
	assert_string_equal(run_rows(&o, false, NULL, 0, NULL), "[]\n");
	assert_string_equal(run_rows(&o, true, NULL, 0, NULL), "");
}

static void test_row_tcp4_numeric(void **st)
{
	struct pnet_opts o = { .num_hosts = true, .num_ports = true, .num_users = true };
	struct pnet_sock s = {
		.proto = PNET_TCP, .family = AF_INET, .state = PNET_ST_ESTABLISHED,
		.lport = 8080, .rport = 51000, .rqueue = 3, .wqueue = 70000,
		.uid = 1000, .inode = 4294967295u,
	};

	(void)st;
	inet_pton(AF_INET, "127.0.0.1", s.laddr);
	inet_pton(AF_INET, "10.1.2.3", s.raddr);
	assert_string_equal(run_rows(&o, false, &s, 1, NULL),
		"[\n{\"proto\":\"tcp\",\"family\":4,\"state\":\"ESTABLISHED\","
		"\"local\":{\"address\":\"127.0.0.1\",\"port\":8080,\"service\":null,\"class\":\"registered\"},"
		"\"remote\":{\"address\":\"10.1.2.3\",\"port\":51000,\"service\":null,\"class\":\"dynamic\"},"
		"\"recv_q\":3,\"send_q\":70000,\"uid\":1000,\"user\":null,\"inode\":4294967295}\n]\n");
}

/* UDP unconnected: state null; wildcard remote: port 0 with null service and class;
 * host names on: "host" present; -p and -o members; v6 address untruncated. */
static void test_row_udp6_names(void **st)
{
	struct pnet_opts o = { .programs = true, .timers = true };
	struct pnet_names n = {
		.lhost = "h\"o\\st", .rhost = NULL, .lserv = "dom\x01", .rserv = "x",
		.user = "r\xffot", .program = "1234/na\"me", .program_name = "na\"me", .pid = 1234,
	};
	struct pnet_sock s[2] = {
		{ .proto = PNET_UDP, .family = AF_INET6, .state = PNET_ST_CLOSE, .lport = 53 },
		{ .proto = PNET_UDP, .family = AF_INET6, .state = PNET_ST_CLOSE, .lport = 53 },
	};

	(void)st;
	inet_pton(AF_INET6, "2001:db8:1234:5678:9abc:def0:1234:5678", s[0].laddr);
	inet_pton(AF_INET6, "::ffff:192.0.2.7", s[1].laddr);
	assert_string_equal(run_rows(&o, true, s, 2, &n),
		"{\"proto\":\"udp\",\"family\":6,\"state\":null,"
		"\"local\":{\"address\":\"2001:db8:1234:5678:9abc:def0:1234:5678\",\"port\":53,"
		"\"service\":\"dom\\u0001\",\"class\":\"well-known\",\"host\":\"h\\\"o\\\\st\"},"
		"\"remote\":{\"address\":\"::\",\"port\":0,\"service\":null,\"class\":null,\"host\":null},"
		"\"recv_q\":0,\"send_q\":0,\"uid\":0,\"user\":\"r\\ufffdot\",\"inode\":0,"
		"\"pid\":1234,\"program\":\"na\\\"me\","
		"\"timer\":{\"kind\":\"off\",\"expires\":0.00,\"retrans\":0,\"probes\":0}}\n"
		"{\"proto\":\"udp\",\"family\":6,\"state\":null,"
		"\"local\":{\"address\":\"192.0.2.7\",\"port\":53,"
		"\"service\":\"dom\\u0001\",\"class\":\"well-known\",\"host\":\"h\\\"o\\\\st\"},"
		"\"remote\":{\"address\":\"::\",\"port\":0,\"service\":null,\"class\":null,\"host\":null},"
		"\"recv_q\":0,\"send_q\":0,\"uid\":0,\"user\":\"r\\ufffdot\",\"inode\":0,"
		"\"pid\":1234,\"program\":\"na\\\"me\","
		"\"timer\":{\"kind\":\"off\",\"expires\":0.00,\"retrans\":0,\"probes\":0}}\n");
}

/* -p without a known process: pid and program null. TCP keepalive timer. */
static void test_row_timer_noproc(void **st)
{
	struct pnet_opts o = { .num_hosts = true, .programs = true, .timers = true };
	struct pnet_sock s = {
		.proto = PNET_TCP, .family = AF_INET, .state = PNET_ST_TIME_WAIT,
		.timer = 3, .expires_ms = 59990, .lport = 1, .rport = 2,
	};
	const char *out;

	(void)st;
	out = run_rows(&o, true, &s, 1, NULL);
	assert_non_null(strstr(out, "\"state\":\"TIME_WAIT\""));
	assert_non_null(strstr(out, "\"pid\":null,\"program\":null,"));
	assert_non_null(strstr(out, "\"timer\":{\"kind\":\"timewait\",\"expires\":59.99,"
				    "\"retrans\":0,\"probes\":0}}\n"));
}

static void test_rows_separated(void **st)
{
	struct pnet_opts o = { .num_hosts = true };
	struct pnet_sock s[3] = { { .proto = PNET_TCP, .family = AF_INET },
				  { .proto = PNET_TCP, .family = AF_INET },
				  { .proto = PNET_TCP, .family = AF_INET } };
	const char *out, *p;
	int commas = 0;

	(void)st;
	out = run_rows(&o, false, s, 3, NULL);
	assert_int_equal(out[0], '[');
	for (p = out; (p = strstr(p, "},\n{")) != NULL; p++)
		commas++;
	assert_int_equal(commas, 2);
	assert_string_equal(out + strlen(out) - 3, "}\n]\n" + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_table),
		cmocka_unit_test(test_escape_all_bytes),
		cmocka_unit_test(test_escape_truncation),
		cmocka_unit_test(test_empty_stream),
		cmocka_unit_test(test_row_tcp4_numeric),
		cmocka_unit_test(test_row_udp6_names),
		cmocka_unit_test(test_row_timer_noproc),
		cmocka_unit_test(test_rows_separated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
