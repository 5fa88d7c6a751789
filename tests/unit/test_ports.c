/* ports: IANA classes, the built-in services table, services(5) parsing.
 * Expected parse results for odd lines were checked against glibc 2.36's
 * getservent() (`getent services` with the text bind-mounted over
 * /etc/services) and, for duplicates, against netstat 2.10. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "pnet/ports.h"

extern const uint32_t pnet_builtin_services_src_cksum;
extern const uint64_t pnet_builtin_services_src_size;

static void test_class_boundaries(void **state)
{
	static const struct {
		unsigned port;
		enum pnet_port_class c;
		const char *word;
		unsigned lo, hi;
	} t[] = {
		{ 0, PNET_PORT_WELL_KNOWN, "well-known", 0, 1023 },
		{ 1, PNET_PORT_WELL_KNOWN, "well-known", 0, 1023 },
		{ 1023, PNET_PORT_WELL_KNOWN, "well-known", 0, 1023 },
		{ 1024, PNET_PORT_REGISTERED, "registered", 1024, 49151 },
		{ 32768, PNET_PORT_REGISTERED, "registered", 1024, 49151 },
		{ 49151, PNET_PORT_REGISTERED, "registered", 1024, 49151 },
		{ 49152, PNET_PORT_DYNAMIC, "dynamic", 49152, 65535 },
		{ 65535, PNET_PORT_DYNAMIC, "dynamic", 49152, 65535 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		unsigned lo = 1, hi = 1;
		enum pnet_port_class c = ports_class(t[i].port);

		assert_int_equal(c, t[i].c);
		assert_string_equal(ports_class_word(c), t[i].word);
		ports_class_range(c, &lo, &hi);
		assert_int_equal(lo, t[i].lo);
		assert_int_equal(hi, t[i].hi);
		assert_true(t[i].port >= lo && t[i].port <= hi);
	}
}

/* Every port belongs to exactly the class whose range holds it. */
static void test_class_all_ports(void **state)
{
	unsigned p, lo, hi;

	(void)state;
	for (p = 0; p <= 65535; p++) {
		ports_class_range(ports_class(p), &lo, &hi);
		assert_true(p >= lo && p <= hi);
	}
}

static const struct {
	unsigned port;
	enum pnet_proto proto;
	const char *name;
} classic[] = {
	{ 20, PNET_TCP, "ftp-data" }, { 21, PNET_TCP, "ftp" }, { 22, PNET_TCP, "ssh" },
	{ 23, PNET_TCP, "telnet" }, { 25, PNET_TCP, "smtp" }, { 53, PNET_TCP, "domain" },
	{ 53, PNET_UDP, "domain" }, { 67, PNET_UDP, "bootps" }, { 68, PNET_UDP, "bootpc" },
	{ 69, PNET_UDP, "tftp" }, { 80, PNET_TCP, "http" }, { 110, PNET_TCP, "pop3" },
	{ 161, PNET_UDP, "snmp" }, { 161, PNET_TCP, "snmp" }, { 443, PNET_TCP, "https" },
	{ 443, PNET_UDP, "https" }, { 3306, PNET_TCP, "mysql" }, { 1812, PNET_UDP, "radius" },
};

static void check_classic(const struct pnet_ports *p)
{
	size_t i;

	assert_non_null(p);
	for (i = 0; i < sizeof(classic) / sizeof(classic[0]); i++) {
		const char *s = ports_service(p, classic[i].port, classic[i].proto);

		assert_non_null(s);
		assert_string_equal(s, classic[i].name);
	}
	/* netbase has no udp ssh, tcp bootps, and nothing on 0 or 65535 */
	assert_null(ports_service(p, 22, PNET_UDP));
	assert_null(ports_service(p, 67, PNET_TCP));
	assert_null(ports_service(p, 0, PNET_TCP));
	assert_null(ports_service(p, 65535, PNET_UDP));
}

static void test_builtin_classic(void **state)
{
	struct pnet_ports *p = ports_builtin();

	(void)state;
	check_classic(p);
	assert_true(ports_is_builtin(p));
	assert_true(ports_count(p) > 300);
	/* the last entry of netbase 6.4 and an alias-bearing line */
	assert_string_equal(ports_service(p, 60179, PNET_TCP), "fido");
	assert_string_equal(ports_service(p, 88, PNET_UDP), "kerberos");
	ports_free(p);
}

static void test_missing_file_uses_builtin(void **state)
{
	struct pnet_ports *p = ports_load("/nonexistent/pnet/services");

	(void)state;
	check_classic(p);
	assert_true(ports_is_builtin(p));
	ports_free(p);
	p = ports_load("/");            /* a directory cannot be read as a file */
	check_classic(p);
	ports_free(p);
}

/* An empty file, or one with only comments and other protocols, is treated
 * as hidden: the built-in names still appear. */
static void test_empty_file_uses_builtin(void **state)
{
	static const char *const texts[] = { "", "# nothing\n\n", "amqp 5672/sctp\nx 1/ddp\n" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char path[] = "/tmp/pnet-test-services-XXXXXX";
		int fd = mkstemp(path);
		struct pnet_ports *p;

		assert_true(fd >= 0);
		assert_int_equal(write(fd, texts[i], strlen(texts[i])), (ssize_t)strlen(texts[i]));
		close(fd);
		p = ports_load(path);
		unlink(path);
		check_classic(p);
		assert_true(ports_is_builtin(p));
		ports_free(p);
	}
}

static void test_file_is_used(void **state)
{
	char path[] = "/tmp/pnet-test-services-XXXXXX";
	static const char text[] = "myssh 22/tcp\n";
	int fd = mkstemp(path);
	struct pnet_ports *p;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	p = ports_load(path);
	unlink(path);
	assert_non_null(p);
	assert_false(ports_is_builtin(p));
	assert_string_equal(ports_service(p, 22, PNET_TCP), "myssh");
	assert_null(ports_service(p, 80, PNET_TCP));    /* no merging with the built-in table */
	ports_free(p);
}

static struct pnet_ports *parse(const char *text, size_t len)
{
	struct pnet_ports *p = ports_from_text(text, len);

	assert_non_null(p);
	return p;
}

#define S(x) x, sizeof(x) - 1

static void expect(const struct pnet_ports *p, unsigned port, enum pnet_proto proto,
		   const char *name)
{
	const char *s = ports_service(p, port, proto);

	if (!name) {
		if (s)
			fail_msg("port %u/%d: expected no name, got '%s'", port, proto, s);
		return;
	}
	if (!s)
		fail_msg("port %u/%d: expected '%s', got none", port, proto, name);
	assert_string_equal(s, name);
}

static void test_parse_comments_aliases(void **state)
{
	struct pnet_ports *p = parse(S(
		"# a comment line\n"
		"\n"
		"   \t\n"
		"   # indented comment\n"
		"alias1 2001/tcp al1 al2 # trailing comment\n"
		"hashc 2002/tcp#comment right after the protocol\n"
		"tabs\t2003/tcp\t\tx\n"
		"crlf 2004/tcp\r\n"
		"crlfu 2004/udp alias\r\n"
		"   spaced 2015/tcp\n"
		"nam#e 2022/tcp\n"
		"ws 2021/tcp\v\n"
		"last 2030/udp"));              /* no final newline */

	(void)state;
	expect(p, 2001, PNET_TCP, "alias1");
	expect(p, 2002, PNET_TCP, "hashc");
	expect(p, 2003, PNET_TCP, "tabs");
	expect(p, 2004, PNET_TCP, "crlf");
	expect(p, 2004, PNET_UDP, "crlfu");
	expect(p, 2015, PNET_TCP, "spaced");
	expect(p, 2022, PNET_TCP, NULL);        /* the line ends at '#': "nam" alone */
	expect(p, 2021, PNET_TCP, "ws");
	expect(p, 2030, PNET_UDP, "last");
	expect(p, 2001, PNET_UDP, NULL);
	assert_int_equal(ports_count(p), 8);
	ports_free(p);
}

/* netstat keeps the last getservent() entry for a port and protocol. */
static void test_parse_duplicates(void **state)
{
	struct pnet_ports *p = parse(S(
		"dupa 2000/tcp\n"
		"dupb 2000/tcp\n"
		"first 2001/udp\n"
		"second 2001/udp\n"
		"tcponly 2002/tcp\n"
		"udponly 2002/udp\n"
		"old 2003/tcp\n"
		"bad 2003/sctp\n"));            /* other protocols do not replace */

	(void)state;
	expect(p, 2000, PNET_TCP, "dupb");
	expect(p, 2000, PNET_UDP, NULL);
	expect(p, 2001, PNET_UDP, "second");
	expect(p, 2002, PNET_TCP, "tcponly");
	expect(p, 2002, PNET_UDP, "udponly");
	expect(p, 2003, PNET_TCP, "old");
	ports_free(p);
}

/* The port field is read like strtoul(s, &end, 0): hex and octal, "+", "-0";
 * above 0xffffffff (including any other negative number) the line is
 * dropped, below it the low 16 bits are the port. */
static void test_parse_numbers(void **state)
{
	struct pnet_ports *p = parse(S(
		"big 67538/tcp\n"               /* 67538 & 0xffff = 2002 */
		"wrap2 131094/tcp\n"            /* -> 22 */
		"wrap 65536/udp\n"              /* -> 0 */
		"hex 0x7db/tcp\n"               /* 2011 */
		"hexu 0X10/tcp\n"               /* 16 */
		"oct 010/tcp\n"                 /* 8 */
		"plus +2006/tcp\n"
		"negz -0/udp\n"
		"max 4294967295/udp\n"          /* -> 65535 */
		"h 4294901782/udp\n"            /* 0xffff0016 -> 22 */
		"neg -1/tcp\n"
		"neg2 -65514/tcp\n"
		"huge 4294967296/tcp\n"
		"huge2 99999999999999999999999/tcp\n"
		"oct2 08/tcp\n"
		"oct3 09/udp\n"
		"hexe 0x/tcp\n"
		"hexg 0xg/tcp\n"
		"dot 2020.5/tcp\n"
		"exp 1e3/tcp\n"
		"sign + 5/tcp\n"
		"lead 00022/udp\n"));         /* octal: 18 */

	(void)state;
	expect(p, 2002, PNET_TCP, "big");
	expect(p, 22, PNET_TCP, "wrap2");
	expect(p, 0, PNET_UDP, "negz");         /* later than "wrap" */
	expect(p, 2011, PNET_TCP, "hex");
	expect(p, 16, PNET_TCP, "hexu");
	expect(p, 8, PNET_TCP, "oct");
	expect(p, 2006, PNET_TCP, "plus");
	expect(p, 65535, PNET_UDP, "max");
	expect(p, 22, PNET_UDP, "h");
	expect(p, 18, PNET_UDP, "lead");
	expect(p, 65535, PNET_TCP, NULL);       /* -1 is not 65535 */
	expect(p, 0, PNET_TCP, NULL);
	expect(p, 9, PNET_UDP, NULL);
	expect(p, 2020, PNET_TCP, NULL);
	expect(p, 1, PNET_TCP, NULL);
	expect(p, 5, PNET_TCP, NULL);
	assert_int_equal(ports_count(p), 11);
	ports_free(p);
}

static void test_parse_protocols_and_bad_lines(void **state)
{
	struct pnet_ports *p = parse(S(
		"sctpx 3007/sctp\n"
		"ddp 3008/ddp\n"
		"noproto 3009\n"
		"noproto2 3010/\n"
		"TCPU 3011/TCP\n"
		"tcpx 3012/tcpx\n"
		"slash 3016//tcp\n"             /* several slashes are one separator */
		"sp2 3017 /tcp\n"
		"sp3 3018/ tcp\n"
		"trail 3019/tcp/\n"
		"comma 3020/udp,\n"
		"3021/tcp\n"
		"onlyname\n"
		"x\n"
		"/tcp 3022\n"
		"nul\0x 3023/tcp\n"
		"after 3024/tcp\n"));

	(void)state;
	for (unsigned port = 3007; port <= 3023; port++) {
		if (port == 3016)
			continue;
		expect(p, port, PNET_TCP, NULL);
		expect(p, port, PNET_UDP, NULL);
	}
	expect(p, 3016, PNET_TCP, "slash");
	expect(p, 3024, PNET_TCP, "after");
	assert_int_equal(ports_count(p), 2);
	ports_free(p);
}

/* Names keep at most PORTS_NAME_MAX bytes; control characters become '?'. */
static void test_parse_long_and_hostile_names(void **state)
{
	size_t n = 3000, i;
	char *text = malloc(n + 64);
	struct pnet_ports *p;
	const char *s;

	(void)state;
	assert_non_null(text);
	memset(text, 'x', n);
	i = n + (size_t)sprintf(text + n, " 4000/tcp\nesc\x1b[31m 4001/udp\n");
	p = parse(text, i);
	s = ports_service(p, 4000, PNET_TCP);
	assert_non_null(s);
	assert_int_equal(strlen(s), PORTS_NAME_MAX);
	assert_int_equal(strspn(s, "x"), PORTS_NAME_MAX);
	expect(p, 4001, PNET_UDP, "esc?[31m");
	ports_free(p);
	free(text);
	p = parse("", 0);
	assert_int_equal(ports_count(p), 0);
	expect(p, 22, PNET_TCP, NULL);
	ports_free(p);
}

static void test_service_bounds(void **state)
{
	struct pnet_ports *p = ports_builtin();

	(void)state;
	assert_null(ports_service(p, 65536, PNET_TCP));
	assert_null(ports_service(p, 22 + 65536, PNET_TCP));
	assert_null(ports_service(p, 22, (enum pnet_proto)2));
	assert_null(ports_service(NULL, 22, PNET_TCP));
	ports_free(p);
	ports_free(NULL);
}

/* POSIX cksum(1) CRC of a file; -1 when unreadable. */
static int64_t posix_cksum(const char *path, uint64_t *size)
{
	FILE *f = fopen(path, "rb");
	uint32_t crc = 0;
	uint64_t n = 0, len;
	int c, i;

	if (!f)
		return -1;
	while ((c = getc(f)) != EOF) {
		crc ^= (uint32_t)c << 24;
		for (i = 0; i < 8; i++)
			crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
		n++;
	}
	fclose(f);
	for (len = n; len; len >>= 8) {
		crc ^= (uint32_t)(len & 0xff) << 24;
		for (i = 0; i < 8; i++)
			crc = crc & 0x80000000u ? (crc << 1) ^ 0x04c11db7u : crc << 1;
	}
	*size = n;
	return (int64_t)(uint32_t)~crc;
}

/* When this machine's /etc/services is the netbase file the built-in table was
 * generated from, both give the same name for all 65536 x 2 lookups. */
static void test_builtin_matches_etc_services(void **state)
{
	struct pnet_ports *b, *f;
	uint64_t size = 0;
	int64_t crc = posix_cksum("/etc/services", &size);
	unsigned port, diffs = 0;
	int proto;

	(void)state;
	if (crc < 0 || (uint32_t)crc != pnet_builtin_services_src_cksum ||
	    size != pnet_builtin_services_src_size) {
		printf("skip: /etc/services is not the netbase file src/services_builtin.c was made from\n");
		skip();
	}
	b = ports_builtin();
	f = ports_load("/etc/services");
	assert_non_null(b);
	assert_non_null(f);
	assert_false(ports_is_builtin(f));
	assert_int_equal(ports_count(b), ports_count(f));
	for (port = 0; port <= 65535; port++) {
		for (proto = PNET_TCP; proto <= PNET_UDP; proto++) {
			const char *x = ports_service(b, port, (enum pnet_proto)proto);
			const char *y = ports_service(f, port, (enum pnet_proto)proto);

			if ((x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0)) {
				if (diffs++ < 10)
					printf("port %u/%s: built-in '%s', /etc/services '%s'\n", port,
					       proto ? "udp" : "tcp", x ? x : "-", y ? y : "-");
			}
		}
	}
	assert_int_equal(diffs, 0);
	ports_free(b);
	ports_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_class_boundaries),
		cmocka_unit_test(test_class_all_ports),
		cmocka_unit_test(test_builtin_classic),
		cmocka_unit_test(test_missing_file_uses_builtin),
		cmocka_unit_test(test_empty_file_uses_builtin),
		cmocka_unit_test(test_file_is_used),
		cmocka_unit_test(test_parse_comments_aliases),
		cmocka_unit_test(test_parse_duplicates),
		cmocka_unit_test(test_parse_numbers),
		cmocka_unit_test(test_parse_protocols_and_bad_lines),
		cmocka_unit_test(test_parse_long_and_hostile_names),
		cmocka_unit_test(test_service_bounds),
		cmocka_unit_test(test_builtin_matches_etc_services),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
