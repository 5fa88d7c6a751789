/* filter: option value parsing (accepted and rejected values), the
 * user-space match and the kernel state masks. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "pnet/filter.h"

static void test_ports(void **st)
{
	static const struct {
		const char *in;
		int ok;
		unsigned lo, hi;
	} c[] = {
		{ "0", 1, 0, 0 }, { "22", 1, 22, 22 }, { "65535", 1, 65535, 65535 },
		{ "8000-8080", 1, 8000, 8080 }, { "0-65535", 1, 0, 65535 }, { "7-7", 1, 7, 7 },
		{ "65536", 0, 0, 0 }, { "70000", 0, 0, 0 }, { "", 0, 0, 0 }, { "-1", 0, 0, 0 },
		{ "80-", 0, 0, 0 }, { "-80", 0, 0, 0 }, { "90-80", 0, 0, 0 }, { "8o", 0, 0, 0 },
		{ " 80", 0, 0, 0 }, { "80 ", 0, 0, 0 }, { "+80", 0, 0, 0 }, { "1-2-3", 0, 0, 0 },
		{ "99999999999999999999", 0, 0, 0 }, { "http", 0, 0, 0 }, { "0x50", 0, 0, 0 },
	};
	size_t i;

	(void)st;
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pnet_port_range r = { 1, 1 };
		int rc = filter_parse_ports(c[i].in, &r);

		if ((rc == 0) != c[i].ok)
			fail_msg("'%s': rc %d", c[i].in, rc);
		if (c[i].ok) {
			assert_int_equal(r.lo, c[i].lo);
			assert_int_equal(r.hi, c[i].hi);
		} else {
			assert_true(errno == EINVAL || errno == ERANGE);
		}
	}
}

static void test_states(void **st)
{
	uint32_t m = 0;

	(void)st;
	assert_int_equal(filter_parse_states("listen", &m), 0);
	assert_int_equal(m, 1u << PNET_ST_LISTEN);
	assert_int_equal(filter_parse_states("LISTEN,Established", &m), 0);
	assert_int_equal(m, (1u << PNET_ST_LISTEN) | (1u << PNET_ST_ESTABLISHED));
	assert_int_equal(filter_parse_states("syn_recv", &m), 0);
	assert_int_equal(m, (1u << PNET_ST_SYN_RECV) | (1u << PNET_ST_NEW_SYN_RECV));
	assert_int_equal(filter_parse_states("time_wait,close_wait,close,closing,last_ack,"
					     "fin_wait1,fin_wait2,syn_sent", &m), 0);
	assert_int_equal(m, (1u << PNET_ST_TIME_WAIT) | (1u << PNET_ST_CLOSE_WAIT) |
				    (1u << PNET_ST_CLOSE) | (1u << PNET_ST_CLOSING) |
				    (1u << PNET_ST_LAST_ACK) | (1u << PNET_ST_FIN_WAIT1) |
				    (1u << PNET_ST_FIN_WAIT2) | (1u << PNET_ST_SYN_SENT));
	m = 42;
	assert_int_equal(filter_parse_states("bogus", &m), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(m, 42);
	assert_int_equal(filter_parse_states("", &m), -1);
	assert_int_equal(filter_parse_states("listen,", &m), -1);
	assert_int_equal(filter_parse_states(",listen", &m), -1);
	assert_int_equal(filter_parse_states("listenx", &m), -1);
	assert_int_equal(filter_parse_states("liste", &m), -1);
	assert_int_equal(filter_parse_states("close_wai", &m), -1);
}

static void test_addr_parse(void **st)
{
	struct pnet_addr_prefix a;
	uint8_t want[16];

	(void)st;
	assert_int_equal(filter_parse_addr("127.0.0.1", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.bits, 32);
	inet_pton(AF_INET, "127.0.0.1", want);
	assert_memory_equal(a.addr, want, 4);

	assert_int_equal(filter_parse_addr("10.1.2.3/8", &a), 0);
	assert_int_equal(a.bits, 8);
	inet_pton(AF_INET, "10.0.0.0", want);
	assert_memory_equal(a.addr, want, 4);   /* host bits cleared */

	assert_int_equal(filter_parse_addr("192.168.77.1/20", &a), 0);
	inet_pton(AF_INET, "192.168.64.0", want);
	assert_memory_equal(a.addr, want, 4);

	assert_int_equal(filter_parse_addr("0.0.0.0/0", &a), 0);
	assert_int_equal(a.bits, 0);

	assert_int_equal(filter_parse_addr("fe80::1/64", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.bits, 64);
	inet_pton(AF_INET6, "fe80::", want);
	assert_memory_equal(a.addr, want, 16);

	assert_int_equal(filter_parse_addr("[::1]", &a), 0);
	assert_int_equal(a.family, AF_INET6);
	assert_int_equal(a.bits, 128);

	assert_int_equal(filter_parse_addr("2001:db8::/33", &a), 0);
	assert_int_equal(a.bits, 33);

	/* v4-mapped with /96 or more is the IPv4 prefix */
	assert_int_equal(filter_parse_addr("::ffff:10.9.8.7/120", &a), 0);
	assert_int_equal(a.family, AF_INET);
	assert_int_equal(a.bits, 24);
	inet_pton(AF_INET, "10.9.8.0", want);
	assert_memory_equal(a.addr, want, 4);
	assert_int_equal(filter_parse_addr("::ffff:0:0/95", &a), 0);
	assert_int_equal(a.family, AF_INET6);

	static const char *const bad[] = {
		"1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/33", "1.2.3.4/", "1.2.3.4/-1",
		"::1/129", "", "/8", "localhost", "1.2.3.4/8/8", "[1.2.3.4", "::g", "1.2.3.4 ",
		"1.2.3.4/ 8", "1.2.3.4/0x8",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (filter_parse_addr(bad[i], &a) != -1)
			fail_msg("'%s' accepted", bad[i]);
}

static void test_pid_user(void **st)
{
	int pid = 0;
	uint32_t uid = 7;

	(void)st;
	assert_int_equal(filter_parse_pid("1", &pid), 0);
	assert_int_equal(pid, 1);
	assert_int_equal(filter_parse_pid("4194304", &pid), 0);
	assert_int_equal(pid, 4194304);
	assert_int_equal(filter_parse_pid("0", &pid), -1);
	assert_int_equal(filter_parse_pid("-5", &pid), -1);
	assert_int_equal(filter_parse_pid("2147483648", &pid), -1);
	assert_int_equal(filter_parse_pid("12a", &pid), -1);
	assert_int_equal(filter_parse_user("0", &uid), 0);
	assert_int_equal(uid, 0);
	assert_int_equal(filter_parse_user("65534", &uid), 0);
	assert_int_equal(uid, 65534);
	assert_int_equal(filter_parse_user("root", &uid), 0);  /* every passwd has root = 0 */
	assert_int_equal(uid, 0);
	assert_int_equal(filter_parse_user("no-such-user-pnet-test", &uid), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(filter_parse_user("", &uid), -1);
	assert_int_equal(filter_parse_user("4294967295", &uid), -1);   /* (uid_t)-1 */
}

static struct pnet_sock mk(int proto, int family, int state, const char *la, unsigned lp,
			   const char *ra, unsigned rp)
{
	struct pnet_sock s = { .proto = (uint8_t)proto, .family = (uint8_t)family,
			       .state = (uint8_t)state, .lport = (uint16_t)lp, .rport = (uint16_t)rp };

	inet_pton(family, la, s.laddr);
	inet_pton(family, ra, s.raddr);
	return s;
}

static void test_match(void **st)
{
	struct pnet_filter f;
	struct pnet_sock est = mk(PNET_TCP, AF_INET, PNET_ST_ESTABLISHED, "127.0.0.1", 8080,
				  "127.0.0.2", 40000);
	struct pnet_sock lis = mk(PNET_TCP, AF_INET6, PNET_ST_LISTEN, "::", 22, "::", 0);
	struct pnet_sock map = mk(PNET_TCP, AF_INET6, PNET_ST_ESTABLISHED, "::ffff:10.0.0.5", 22,
				  "::ffff:10.0.0.9", 50000);
	struct pnet_sock u = mk(PNET_UDP, AF_INET, PNET_ST_CLOSE, "0.0.0.0", 53, "0.0.0.0", 0);
	struct pnet_sock uc = mk(PNET_UDP, AF_INET, PNET_ST_ESTABLISHED, "127.0.0.1", 5000,
				 "127.0.0.1", 53);
	struct pnet_sock syn = mk(PNET_TCP, AF_INET, PNET_ST_NEW_SYN_RECV, "127.0.0.1", 80,
				  "127.0.0.1", 33333);

	(void)st;
	memset(&f, 0, sizeof(f));
	assert_true(filter_match(&f, &est, -1));        /* no filter */

	f.have = PNET_F_PORT;
	filter_parse_ports("8080", &f.port);
	assert_true(filter_match(&f, &est, -1));
	filter_parse_ports("40000", &f.port);
	assert_true(filter_match(&f, &est, -1));        /* remote side */
	filter_parse_ports("8081-39999", &f.port);
	assert_false(filter_match(&f, &est, -1));

	f.have = PNET_F_SPORT;
	filter_parse_ports("40000", &f.sport);
	assert_false(filter_match(&f, &est, -1));
	f.have = PNET_F_DPORT;
	filter_parse_ports("40000", &f.dport);
	assert_true(filter_match(&f, &est, -1));
	filter_parse_ports("0", &f.dport);
	assert_true(filter_match(&f, &lis, -1));
	assert_false(filter_match(&f, &est, -1));

	f.have = PNET_F_STATE;
	filter_parse_states("listen", &f.states);
	assert_true(filter_match(&f, &lis, -1));
	assert_false(filter_match(&f, &est, -1));
	assert_true(filter_match(&f, &u, -1));          /* unconnected UDP: netstat -l row */
	assert_false(filter_match(&f, &uc, -1));
	filter_parse_states("established", &f.states);
	assert_true(filter_match(&f, &uc, -1));
	assert_false(filter_match(&f, &u, -1));
	filter_parse_states("syn_recv", &f.states);
	assert_true(filter_match(&f, &syn, -1));

	f.have = PNET_F_ADDR;
	filter_parse_addr("10.0.0.0/24", &f.addr);
	assert_true(filter_match(&f, &map, -1));        /* v4-mapped local */
	assert_false(filter_match(&f, &est, -1));
	filter_parse_addr("10.0.0.9", &f.addr);
	assert_true(filter_match(&f, &map, -1));        /* remote side */
	filter_parse_addr("::/0", &f.addr);
	assert_true(filter_match(&f, &lis, -1));
	assert_true(filter_match(&f, &map, -1));        /* an IPv6 socket */
	assert_false(filter_match(&f, &est, -1));       /* IPv6 prefix never matches IPv4 */
	filter_parse_addr("0.0.0.0/0", &f.addr);
	assert_true(filter_match(&f, &est, -1));
	assert_true(filter_match(&f, &map, -1));
	assert_false(filter_match(&f, &lis, -1));       /* "::" is not v4-mapped */
	filter_parse_addr("127.0.0.2/31", &f.addr);
	assert_true(filter_match(&f, &est, -1));

	f.have = PNET_F_PID;
	f.pid = 42;
	assert_false(filter_match(&f, &est, -1));
	assert_false(filter_match(&f, &est, 41));
	assert_true(filter_match(&f, &est, 42));

	f.have = PNET_F_USER;
	f.uid = 1000;
	est.uid = 1000;
	assert_true(filter_match(&f, &est, -1));
	assert_false(filter_match(&f, &lis, -1));

	/* AND of everything */
	f.have = PNET_F_USER | PNET_F_STATE | PNET_F_SPORT | PNET_F_ADDR;
	filter_parse_states("established", &f.states);
	filter_parse_ports("8000-9000", &f.sport);
	filter_parse_addr("127.0.0.0/8", &f.addr);
	assert_true(filter_match(&f, &est, -1));
	filter_parse_ports("8000-8079", &f.sport);
	assert_false(filter_match(&f, &est, -1));
}

static void test_state_mask(void **st)
{
	struct pnet_filter f = { 0 };

	(void)st;
	assert_int_equal(filter_state_mask(&f, PNET_TCP), ~0u);
	assert_int_equal(filter_state_mask(&f, PNET_UDP), ~0u);
	f.have = PNET_F_STATE;
	filter_parse_states("listen", &f.states);
	assert_int_equal(filter_state_mask(&f, PNET_TCP), 1u << PNET_ST_LISTEN);
	assert_int_equal(filter_state_mask(&f, PNET_UDP), 1u << PNET_ST_CLOSE);
	filter_parse_states("established,time_wait", &f.states);
	assert_int_equal(filter_state_mask(&f, PNET_UDP), 1u << PNET_ST_ESTABLISHED);
	filter_parse_states("time_wait", &f.states);
	assert_int_equal(filter_state_mask(&f, PNET_UDP), 0);   /* no UDP dump at all */
	assert_int_equal(filter_state_mask(&f, PNET_TCP), 1u << PNET_ST_TIME_WAIT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ports),
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_pid_user),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_state_mask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
