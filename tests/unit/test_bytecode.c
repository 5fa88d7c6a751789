/* bytecode: programs checked the way the kernel's inet_diag_bc_audit() checks
 * them, then run through a user-space interpreter of inet_diag_bc_run()'s
 * semantics against many sockets; the verdict must equal filter_match() for
 * the port and address filters (exact, so never dropping a matching row). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pnet/bytecode.h"

/* Is the offset 'target' reachable from the start by following yes steps? */
static bool on_yes_chain(const unsigned char *bc, int len, int target)
{
	int off = 0;

	while (off < len) {
		struct inet_diag_bc_op op;

		if (off == target)
			return true;
		memcpy(&op, bc + off, sizeof(op));
		if (op.yes < 4 || op.yes % 4)
			return false;
		off += op.yes;
	}
	return off == target;
}

/* The structural rules of the kernel audit (net/ipv4/inet_diag.c). */
static bool audit(const unsigned char *bc, int total)
{
	int off = 0;

	if (total < 4)
		return false;
	while (off < total) {
		struct inet_diag_bc_op op;
		int len = total - off, min = 4;

		memcpy(&op, bc + off, sizeof(op));
		switch (op.code) {
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND: {
			struct inet_diag_hostcond hc;
			int alen;

			min += (int)sizeof(hc);
			if (len < min)
				return false;
			memcpy(&hc, bc + off + 4, sizeof(hc));
			if (hc.family == AF_INET)
				alen = 4;
			else if (hc.family == AF_INET6)
				alen = 16;
			else if (hc.family == AF_UNSPEC)
				alen = 0;
			else
				return false;
			min += alen;
			if (len < min || hc.prefix_len > 8 * alen)
				return false;
			break;
		}
		case INET_DIAG_BC_S_GE:
		case INET_DIAG_BC_S_LE:
		case INET_DIAG_BC_D_GE:
		case INET_DIAG_BC_D_LE:
			min += 4;
			if (len < min)
				return false;
			break;
		case INET_DIAG_BC_JMP:
		case INET_DIAG_BC_NOP:
			break;
		default:
			return false;   /* the builder has no business emitting anything else */
		}
		if (op.code != INET_DIAG_BC_NOP) {
			if (op.no < min || op.no > len + 4 || op.no % 4)
				return false;
			if (op.no < len && !on_yes_chain(bc, total, off + op.no))
				return false;
		}
		if (op.yes < min || op.yes > len + 4 || op.yes % 4)
			return false;
		off += op.yes;
	}
	return off == total;
}

static bool prefix_eq(const uint8_t *a, const uint8_t *b, int bits)
{
	int i;

	for (i = 0; i < bits; i++) {
		int m = 0x80 >> (i % 8);

		if ((a[i / 8] & m) != (b[i / 8] & m))
			return false;
	}
	return true;
}

/* inet_diag_bc_run(): walk; accept when landing exactly on the end. */
static bool run(const unsigned char *bc, int total, const struct pnet_sock *s)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	int len = total, off = 0, steps = 0;

	while (len > 0) {
		struct inet_diag_bc_op op, arg;
		bool yes = true;

		assert_true(++steps < 1000);
		memcpy(&op, bc + off, sizeof(op));
		switch (op.code) {
		case INET_DIAG_BC_NOP:
			break;
		case INET_DIAG_BC_JMP:
			yes = false;
			break;
		case INET_DIAG_BC_S_GE:
		case INET_DIAG_BC_S_LE:
		case INET_DIAG_BC_D_GE:
		case INET_DIAG_BC_D_LE: {
			unsigned port = op.code <= INET_DIAG_BC_S_LE ? s->lport : s->rport;

			memcpy(&arg, bc + off + 4, sizeof(arg));
			yes = (op.code == INET_DIAG_BC_S_GE || op.code == INET_DIAG_BC_D_GE)
				      ? port >= arg.no : port <= arg.no;
			break;
		}
		case INET_DIAG_BC_S_COND:
		case INET_DIAG_BC_D_COND: {
			struct inet_diag_hostcond hc;
			const uint8_t *addr = op.code == INET_DIAG_BC_S_COND ? s->laddr : s->raddr;
			unsigned port = op.code == INET_DIAG_BC_S_COND ? s->lport : s->rport;
			const uint8_t *caddr = bc + off + 4 + sizeof(hc);

			memcpy(&hc, bc + off + 4, sizeof(hc));
			if (hc.port != -1 && (unsigned)hc.port != port) {
				yes = false;
				break;
			}
			if (hc.family != AF_UNSPEC && hc.family != s->family) {
				yes = s->family == AF_INET6 && hc.family == AF_INET &&
				      memcmp(addr, mapped, 12) == 0 &&
				      prefix_eq(addr + 12, caddr, hc.prefix_len);
				break;
			}
			yes = hc.prefix_len == 0 || prefix_eq(addr, caddr, hc.prefix_len);
			break;
		}
		default:
			fail_msg("unknown op %d", op.code);
		}
		if (yes) {
			len -= op.yes;
			off += op.yes;
		} else {
			len -= op.no;
			off += op.no;
		}
	}
	return len == 0;
}

static const char *const addrs4[] = {
	"127.0.0.1", "127.0.0.2", "10.0.0.1", "10.0.255.255", "10.1.0.0", "0.0.0.0",
	"192.168.1.77", "255.255.255.255",
};
static const char *const addrs6[] = {
	"::1", "::", "fe80::1", "fe80::ffff:1", "2001:db8::5", "2001:db8:8000::1",
	"::ffff:127.0.0.1", "::ffff:10.0.3.4", "::ffff:0.0.0.0", "fec0::1",
};
static const unsigned ports[] = { 0, 1, 21, 22, 23, 79, 80, 81, 1023, 1024, 8079, 8080,
				  8081, 49151, 49152, 65534, 65535 };

static const char *const addr_filters[] = {
	"127.0.0.1", "127.0.0.0/8", "10.0.0.0/16", "10.0.0.0/15", "0.0.0.0/0", "0.0.0.0",
	"192.168.1.64/26", "::1", "::/0", "fe80::/10", "2001:db8::/33", "::ffff:10.0.0.0/112",
	"::", "255.255.255.255/32",
};
static const char *const port_filters[] = {
	"0", "22", "80", "0-1023", "1024-65535", "8080-8081", "0-65535", "65535", "22-23", "1-1",
};

#define NSOCKS 600

static void make_socks(struct pnet_sock *s, int n)
{
	int i;

	srand(12345);
	for (i = 0; i < n; i++) {
		bool v6 = rand() % 2;
		const char *const *tab = v6 ? addrs6 : addrs4;
		size_t tn = v6 ? sizeof(addrs6) / sizeof(addrs6[0]) : sizeof(addrs4) / sizeof(addrs4[0]);

		memset(&s[i], 0, sizeof(s[i]));
		s[i].proto = (uint8_t)(rand() % 2);
		s[i].family = v6 ? AF_INET6 : AF_INET;
		s[i].state = PNET_ST_ESTABLISHED;
		assert_int_equal(inet_pton(s[i].family, tab[rand() % tn], s[i].laddr), 1);
		assert_int_equal(inet_pton(s[i].family, tab[rand() % tn], s[i].raddr), 1);
		s[i].lport = (uint16_t)ports[rand() % (sizeof(ports) / sizeof(ports[0]))];
		s[i].rport = (uint16_t)ports[rand() % (sizeof(ports) / sizeof(ports[0]))];
	}
}

/* Build, audit, and compare with filter_match() over every socket. */
static int check(const struct pnet_filter *f, const struct pnet_sock *s, int n)
{
	unsigned char bc[BYTECODE_MAX];
	int len = bytecode_build(f, bc, sizeof(bc)), i, matched = 0;

	assert_true(len >= 0);
	assert_true(len % 4 == 0);
	if (len > 0 && !audit(bc, len))
		fail_msg("audit rejects the program (have 0x%x)", f->have);
	for (i = 0; i < n; i++) {
		bool want = filter_match(f, &s[i], -1);
		bool got = len == 0 || run(bc, len, &s[i]);

		if (want != got)
			fail_msg("socket %d: filter says %d, bytecode %d (have 0x%x)", i, want, got,
				 f->have);
		matched += want;
	}
	return matched;
}

static void test_single_filters(void **st)
{
	static struct pnet_sock s[NSOCKS];
	struct pnet_filter f;
	size_t i;
	int k, total = 0;

	(void)st;
	make_socks(s, NSOCKS);
	for (i = 0; i < sizeof(port_filters) / sizeof(port_filters[0]); i++) {
		for (k = 0; k < 3; k++) {
			memset(&f, 0, sizeof(f));
			f.have = k == 0 ? PNET_F_PORT : k == 1 ? PNET_F_SPORT : PNET_F_DPORT;
			assert_int_equal(filter_parse_ports(port_filters[i], k == 0 ? &f.port
							    : k == 1 ? &f.sport : &f.dport), 0);
			total += check(&f, s, NSOCKS);
		}
	}
	for (i = 0; i < sizeof(addr_filters) / sizeof(addr_filters[0]); i++) {
		memset(&f, 0, sizeof(f));
		f.have = PNET_F_ADDR;
		assert_int_equal(filter_parse_addr(addr_filters[i], &f.addr), 0);
		total += check(&f, s, NSOCKS);
	}
	assert_true(total > 1000);      /* the cases do select something */
}

static void test_combined_filters(void **st)
{
	static struct pnet_sock s[NSOCKS];
	struct pnet_filter f;
	size_t a, p, q;
	int some = 0, none = 0;

	(void)st;
	make_socks(s, NSOCKS);
	for (a = 0; a < sizeof(addr_filters) / sizeof(addr_filters[0]); a++) {
		for (p = 0; p < sizeof(port_filters) / sizeof(port_filters[0]); p++) {
			for (q = 0; q < sizeof(port_filters) / sizeof(port_filters[0]); q += 3) {
				int m;

				memset(&f, 0, sizeof(f));
				f.have = PNET_F_ADDR | PNET_F_PORT | PNET_F_SPORT | PNET_F_DPORT;
				filter_parse_addr(addr_filters[a], &f.addr);
				filter_parse_ports(port_filters[p], &f.port);
				filter_parse_ports(port_filters[q], &f.sport);
				filter_parse_ports(port_filters[(p + q) % 10], &f.dport);
				m = check(&f, s, NSOCKS);
				some += m > 0;
				none += m == 0;
			}
		}
	}
	assert_true(some > 10);
	assert_true(none > 10);
}

/* Filters the kernel cannot run give no program; so do ranges that accept all. */
static void test_empty_programs(void **st)
{
	struct pnet_filter f = { 0 };
	unsigned char bc[BYTECODE_MAX];

	(void)st;
	assert_int_equal(bytecode_build(&f, bc, sizeof(bc)), 0);
	f.have = PNET_F_STATE | PNET_F_PID | PNET_F_USER;
	assert_int_equal(bytecode_build(&f, bc, sizeof(bc)), 0);
	f.have = PNET_F_PORT;
	f.port.lo = 0;
	f.port.hi = 65535;
	assert_int_equal(bytecode_build(&f, bc, sizeof(bc)), 0);
}

/* Exact layout of the simplest program: S_GE 22, S_LE 22, both failing to
 * "reject" (4 bytes past the end). */
static void test_layout(void **st)
{
	struct pnet_filter f = { .have = PNET_F_SPORT, .sport = { 22, 22 } };
	unsigned char bc[BYTECODE_MAX];
	struct inet_diag_bc_op op[4];

	(void)st;
	assert_int_equal(bytecode_build(&f, bc, sizeof(bc)), 16);
	memcpy(op, bc, sizeof(op));
	assert_int_equal(op[0].code, INET_DIAG_BC_S_GE);
	assert_int_equal(op[0].yes, 8);
	assert_int_equal(op[0].no, 16 + 4);
	assert_int_equal(op[1].no, 22);
	assert_int_equal(op[2].code, INET_DIAG_BC_S_LE);
	assert_int_equal(op[2].yes, 8);
	assert_int_equal(op[2].no, 8 + 4);
	assert_int_equal(op[3].no, 22);
}

static void test_too_small(void **st)
{
	struct pnet_filter f = { .have = PNET_F_PORT | PNET_F_ADDR, .port = { 1, 2 } };
	unsigned char bc[BYTECODE_MAX];

	(void)st;
	filter_parse_addr("2001:db8::/32", &f.addr);
	assert_int_equal(bytecode_build(&f, bc, 20), -1);
	assert_int_equal(errno, ENOSPC);
	assert_true(bytecode_build(&f, bc, sizeof(bc)) > 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single_filters),
		cmocka_unit_test(test_combined_filters),
		cmocka_unit_test(test_empty_programs),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
