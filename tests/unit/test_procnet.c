/* procnet: /proc/net/{tcp,udp}{,6} line parser and table reader. Lines are
 * built with the kernel's formats (tcp4_seq_show, get_timewait4_sock,
 * tcp6_seq_show, udp4_format_sock), addresses as native 32-bit words. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pnet/procnet.h"

/* "%08X" of the 32-bit word whose memory holds the 4 given bytes, as the kernel prints. */
static void word_hex(char *out, const uint8_t *bytes)
{
	uint32_t w;

	memcpy(&w, bytes, 4);
	sprintf(out, "%08X", w);
}

static void v4_hex(char *out, const char *dotted)
{
	uint8_t b[4];

	assert_int_equal(inet_pton(AF_INET, dotted, b), 1);
	word_hex(out, b);
}

static void v6_hex(char *out, const char *text)
{
	uint8_t b[16];
	int i;

	assert_int_equal(inet_pton(AF_INET6, text, b), 1);
	for (i = 0; i < 4; i++)
		word_hex(out + 8 * i, b + 4 * i);
}

static int parse(const char *line, enum pnet_proto p, int fam, struct pnet_sock *s)
{
	return procnet_parse_line(line, strlen(line), p, fam, s);
}

static void test_tcp4_listen(void **st)
{
	char l[16], line[300];
	struct pnet_sock s;

	(void)st;
	v4_hex(l, "127.0.0.1");
	snprintf(line, sizeof(line),
		 "   0: %s:1F90 00000000:0000 0A 00000000:00000003 00:00000000 00000000  1000"
		 "        0 12345 1 00000000a5b1c97a 100 0 0 10 0                      \n", l);
	assert_int_equal(parse(line, PNET_TCP, AF_INET, &s), 0);
	assert_int_equal(s.proto, PNET_TCP);
	assert_int_equal(s.family, AF_INET);
	assert_int_equal(s.state, PNET_ST_LISTEN);
	assert_int_equal(s.lport, 8080);
	assert_int_equal(s.rport, 0);
	assert_memory_equal(s.laddr, "\x7f\0\0\x01", 4);
	assert_memory_equal(s.raddr, "\0\0\0\0", 4);
	assert_int_equal(s.rqueue, 3);
	assert_int_equal(s.wqueue, 0);
	assert_int_equal(s.uid, 1000);
	assert_int_equal(s.inode, 12345);
	assert_int_equal(s.timer, 0);
	assert_true(s.has_tcpinfo);
	assert_true(s.cookie != 0);
}

static void test_tcp4_established_timer(void **st)
{
	char l[16], r[16], line[300];
	struct pnet_sock s;

	(void)st;
	v4_hex(l, "10.1.2.3");
	v4_hex(r, "192.168.200.7");
	/* retransmit timer on, 5.00 s (500 ticks), 2 retransmits, 1 probe */
	snprintf(line, sizeof(line),
		 "  17: %s:D431 %s:01BB 01 0000A000:00000010 01:000001F4 00000002     0"
		 "        1 777 2 0000000000000000 20 4 1 10 -1\n", l, r);
	assert_int_equal(parse(line, PNET_TCP, AF_INET, &s), 0);
	assert_memory_equal(s.laddr, "\x0a\x01\x02\x03", 4);
	assert_memory_equal(s.raddr, "\xc0\xa8\xc8\x07", 4);
	assert_int_equal(s.lport, 0xD431);
	assert_int_equal(s.rport, 443);
	assert_int_equal(s.state, PNET_ST_ESTABLISHED);
	assert_int_equal(s.wqueue, 0xA000);
	assert_int_equal(s.rqueue, 16);
	assert_int_equal(s.timer, 1);
	assert_int_equal(s.expires_ms, 5000);
	assert_int_equal(s.tcpi_retransmits, 2);
	assert_int_equal(s.tcpi_probes, 1);
	assert_int_equal(s.inode, 777);
	assert_true(s.cookie != 0);         /* from the inode: no kernel address needed */
}

static void test_tcp4_timewait(void **st)
{
	char l[16], line[300];
	struct pnet_sock s;

	(void)st;
	v4_hex(l, "127.0.0.1");
	/* get_timewait4_sock(): no uid/inode, "%5d %8d %d %d %pK" */
	snprintf(line, sizeof(line),
		 "   3: %s:9C40 %s:1F90 06 00000000:00000000 03:00001770 00000000     0"
		 "        0 0 3 0000000012345678\n", l, l);
	assert_int_equal(parse(line, PNET_TCP, AF_INET, &s), 0);
	assert_int_equal(s.state, PNET_ST_TIME_WAIT);
	assert_int_equal(s.timer, 3);
	assert_int_equal(s.expires_ms, 60000);
	assert_int_equal(s.inode, 0);
}

/* Identity for de-duplication: the inode; for inode-0 rows the address pair
 * and state (two timewait rows with one pair are one connection). */
static void test_identity(void **st)
{
	const char *a = "   0: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000"
			" 00000000     0        0 500 1 00000000000000aa\n";
	const char *a2 = "   9: 0100007F:1F91 0100007F:D432 08 00000000:00000000 00:00000000"
			 " 00000000     0        0 500 1 00000000000000bb\n";
	const char *b = "   1: 0100007F:1F90 0100007F:D431 01 00000000:00000000 00:00000000"
			" 00000000     0        0 501 1 00000000000000aa\n";
	const char *tw1 = "   2: 0100007F:D431 0100007F:1F90 06 00000000:00000000 03:00000100"
			  " 00000000     0        0 0 3 00000000000000cc\n";
	const char *tw2 = "   7: 0100007F:D431 0100007F:1F90 06 00000000:00000000 03:00001000"
			  " 00000000     0        0 0 3 00000000000000dd\n";
	const char *tw3 = "   8: 0100007F:D432 0100007F:1F90 06 00000000:00000000 03:00001000"
			  " 00000000     0        0 0 3 00000000000000cc\n";
	struct pnet_sock s;
	uint64_t ca, ca2, cb, c1, c2, c3;

	(void)st;
	assert_int_equal(parse(a, PNET_TCP, AF_INET, &s), 0);
	ca = s.cookie;
	assert_int_equal(parse(a2, PNET_TCP, AF_INET, &s), 0);
	ca2 = s.cookie;
	assert_int_equal(parse(b, PNET_TCP, AF_INET, &s), 0);
	cb = s.cookie;
	assert_int_equal(parse(tw1, PNET_TCP, AF_INET, &s), 0);
	c1 = s.cookie;
	assert_int_equal(parse(tw2, PNET_TCP, AF_INET, &s), 0);
	c2 = s.cookie;
	assert_int_equal(parse(tw3, PNET_TCP, AF_INET, &s), 0);
	c3 = s.cookie;
	assert_true(ca && cb && c1 && c3);
	assert_true(ca == ca2);     /* same inode, whatever else changed */
	assert_true(ca != cb);
	assert_true(c1 == c2);      /* same pair in timewait */
	assert_true(c1 != c3);
	assert_true(c1 != ca && c1 != cb);
}

static void test_tcp6(void **st)
{
	char l[40], r[40], line[400];
	struct pnet_sock s;
	uint8_t want[16];

	(void)st;
	v6_hex(l, "::ffff:127.0.0.1");
	v6_hex(r, "2001:db8::1:2");
	snprintf(line, sizeof(line),
		 "   1: %s:0016 %s:C350 01 00000000:00000000 02:00000BB8 00000000     0"
		 "        0 4242 1 00000000deadbeef 20 4 30 10 -1\n", l, r);
	assert_int_equal(parse(line, PNET_TCP, AF_INET6, &s), 0);
	inet_pton(AF_INET6, "::ffff:127.0.0.1", want);
	assert_memory_equal(s.laddr, want, 16);
	inet_pton(AF_INET6, "2001:db8::1:2", want);
	assert_memory_equal(s.raddr, want, 16);
	assert_int_equal(s.family, AF_INET6);
	assert_int_equal(s.lport, 22);
	assert_int_equal(s.rport, 50000);
	assert_int_equal(s.timer, 2);
	assert_int_equal(s.expires_ms, 30000);
	/* the same line is not an IPv4 row */
	assert_int_equal(parse(line, PNET_TCP, AF_INET, &s), -1);
}

static void test_udp(void **st)
{
	char l[16], line[300];
	struct pnet_sock s;

	(void)st;
	v4_hex(l, "0.0.0.0");
	/* udp4_format_sock(): tx = wmem, rx = rqueue, timers always 0, then drops */
	snprintf(line, sizeof(line),
		 "  120: %s:0035 00000000:0000 07 00000100:00000200 00:00000000 00000000   101"
		 "        0 999 2 00000000cafef00d 0\n", l);
	assert_int_equal(parse(line, PNET_UDP, AF_INET, &s), 0);
	assert_int_equal(s.proto, PNET_UDP);
	assert_int_equal(s.state, PNET_ST_CLOSE);
	assert_int_equal(s.lport, 53);
	assert_int_equal(s.wqueue, 256);
	assert_int_equal(s.rqueue, 512);
	assert_int_equal(s.uid, 101);
	assert_false(s.has_tcpinfo);
}

/* Each of these must be rejected: header, truncation, bad digits, widths, ranges. */
static void test_malformed(void **st)
{
	static const char *const bad[] = {
		"",
		"\n",
		"  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0\n",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0\n",
		"   0: 0100007G:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n",
		"   0: 100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n",
		"   0: 0100007F:1F9 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n",
		"   0: 0100007F:1F900 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n",
		"   0: 0100007F-1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n",
		"   0: 0100007F:1F90 00000000:0000 00 00000000:00000000 00:00000000 00000000     0        0 1\n",
		"   0: 0100007F:1F90 00000000:0000 10 00000000:00000000 00:00000000 00000000     0        0 1\n",
		"   0: 0100007F:1F90 00000000:0000 A 00000000:00000000 00:00000000 00000000     0        0 1\n",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:000000000 00:00000000 00000000     0        0 1\n",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000 00:00000000 00000000     0        0 1 2\n",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000000000000 00000000     0        0 1\n",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00: 00000000     0        0 1 2\n",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 0000000     0        0 1\n",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 4294967296        0 1\n",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4294967296\n",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 -1\n",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000    +0        0 1\n",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        x 1\n",
		"   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0 2147483648 1\n",
		"   0  0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n",
		"   x: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n",
		"   0:\t0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n",
	};
	struct pnet_sock s;
	size_t i;

	(void)st;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (parse(bad[i], PNET_TCP, AF_INET, &s) != -1)
			fail_msg("accepted bad line %zu: %s", i, bad[i]);
		assert_int_equal(errno, EINVAL);
	}
	/* the good twin of the lines above is accepted */
	assert_int_equal(parse("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000"
			       " 00000000     0        0 1\n", PNET_TCP, AF_INET, &s), 0);
}

static void test_embedded_nul_and_length(void **st)
{
	char line[PROCNET_LINE_MAX + 64];
	const char *good = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000"
			   " 00000000     0        0 1";
	struct pnet_sock s;
	size_t n = strlen(good);

	(void)st;
	memcpy(line, good, n);
	assert_int_equal(procnet_parse_line(line, n, PNET_TCP, AF_INET, &s), 0);
	line[3] = '\0';
	assert_int_equal(procnet_parse_line(line, n, PNET_TCP, AF_INET, &s), -1);
	memcpy(line, good, n);
	memset(line + n, ' ', sizeof(line) - n);
	assert_int_equal(procnet_parse_line(line, PROCNET_LINE_MAX, PNET_TCP, AF_INET, &s), 0);
	assert_int_equal(procnet_parse_line(line, PROCNET_LINE_MAX + 1, PNET_TCP, AF_INET, &s), -1);
	assert_int_equal(procnet_parse_line(NULL, 0, PNET_TCP, AF_INET, &s), -1);
	assert_int_equal(procnet_parse_line(line, n, PNET_TCP, AF_UNIX, &s), -1);
}

struct collect {
	int n;
	uint16_t ports[16];
	int stop_after;
};

static int collect_cb(const struct pnet_sock *s, void *data)
{
	struct collect *c = data;

	if (c->stop_after && c->n == c->stop_after) {
		errno = ENOSPC;
		return -1;
	}
	if (c->n < 16)
		c->ports[c->n] = s->lport;
	c->n++;
	return 0;
}

static char *write_tmp(const char *text, size_t len)
{
	static char path[64];
	int fd;

	strcpy(path, "/tmp/test_procnet.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

/* Whole table: header skipped, corrupt and overlong lines skipped, the lines
 * after them still read, last line without '\n' read, state mask applied. */
static void test_dump_file(void **st)
{
	const char *row = " 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1\n";
	static char text[40000];
	struct collect c = { 0 };
	size_t n = 0;
	char *path;

	(void)st;
	n += (size_t)sprintf(text + n, "  sl  local_address rem_address   st tx_queue rx_queue\n");
	n += (size_t)sprintf(text + n, "   0: 0100007F:0001%s", row);
	n += (size_t)sprintf(text + n, "   1: garbage\n");
	n += (size_t)sprintf(text + n, "   2: 0100007F:0002");
	memset(text + n, ' ', 20000);      /* overlong: longer than the read buffer */
	n += 20000;
	n += (size_t)sprintf(text + n, "%s", row);
	n += (size_t)sprintf(text + n, "   3: 0100007F:0003%s", row);
	/* an ESTABLISHED row, filtered out by the state mask below */
	n += (size_t)sprintf(text + n, "   4: 0100007F:0004 0100007F:0001 01 00000000:00000000"
			     " 00:00000000 00000000     0        0 1\n");
	n += (size_t)sprintf(text + n, "   5: 0100007F:0005%s", row);
	n--;                                /* no final newline */
	path = write_tmp(text, n);

	assert_int_equal(procnet_dump_file(path, PNET_TCP, AF_INET, 1u << PNET_ST_LISTEN,
					   collect_cb, &c), 0);
	assert_int_equal(c.n, 3);
	assert_int_equal(c.ports[0], 1);
	assert_int_equal(c.ports[1], 3);
	assert_int_equal(c.ports[2], 5);

	memset(&c, 0, sizeof(c));
	assert_int_equal(procnet_dump_file(path, PNET_TCP, AF_INET, 0xfff, collect_cb, &c), 0);
	assert_int_equal(c.n, 4);

	/* a callback's error aborts the dump with its errno */
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	assert_int_equal(procnet_dump_file(path, PNET_TCP, AF_INET, 0xfff, collect_cb, &c), -1);
	assert_int_equal(errno, ENOSPC);
	unlink(path);

	errno = 0;
	assert_int_equal(procnet_dump_file("/nonexistent/tcp", PNET_TCP, AF_INET, 0xfff,
					   collect_cb, &c), -1);
	assert_int_equal(errno, ENOENT);
}

/* The live kernel tables parse: every data line of /proc/net/tcp is accepted. */
static void test_live_tables(void **st)
{
	struct collect c = { 0 };

	(void)st;
	if (access("/proc/net/tcp", R_OK) != 0)
		skip();
	assert_int_equal(procnet_dump(PNET_TCP, AF_INET, 0xffff, collect_cb, &c), 0);
	assert_int_equal(procnet_dump(PNET_UDP, AF_INET6, 0xffff, collect_cb, &c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp4_listen),
		cmocka_unit_test(test_tcp4_established_timer),
		cmocka_unit_test(test_tcp4_timewait),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_tcp6),
		cmocka_unit_test(test_udp),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_embedded_nul_and_length),
		cmocka_unit_test(test_dump_file),
		cmocka_unit_test(test_live_tables),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
