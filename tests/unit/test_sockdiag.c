/* sockdiag_parse() on recorded dumps (the .bin files in tests/fixtures: see README.md there)
 * and on synthetic messages. Expected values come from the netstat snapshots
 * taken on the same sockets (netstat-*.txt beside them). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pnet/sockdiag.h"

#define MAXSOCK 64

struct collect {
	struct pnet_sock s[MAXSOCK];
	size_t n;
	int fail_at;            /* callback fails on this call (1-based), 0 never */
	int fail_errno;
};

static int collect_cb(const struct pnet_sock *s, void *data)
{
	struct collect *c = data;

	if (c->fail_at && (int)c->n + 1 == c->fail_at) {
		c->n++;
		errno = c->fail_errno;
		return -1;
	}
	if (c->n < MAXSOCK)
		c->s[c->n] = *s;
	c->n++;
	return 0;
}

/* ---- fixtures ------------------------------------------------------------ */

struct fixture {
	unsigned char *data;
	size_t len;
};

static void load(const char *name, struct fixture *f)
{
	char path[1024];
	FILE *fp;
	long sz;

	snprintf(path, sizeof(path), "%s/%s", PNET_FIXTURES, name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	sz = ftell(fp);
	assert_true(sz > 0);
	rewind(fp);
	f->data = malloc((size_t)sz);
	assert_non_null(f->data);
	assert_int_equal(fread(f->data, 1, (size_t)sz, fp), (size_t)sz);
	fclose(fp);
	f->len = (size_t)sz;
}

/* Feed every datagram of a fixture to sockdiag_parse(); every one but the last
 * must return 1, the last 0. Returns the number of datagrams. */
static int replay(const char *name, enum pnet_proto proto, struct collect *c)
{
	struct fixture f;
	size_t off = 0;
	int ndgram = 0, ret = 1;

	load(name, &f);
	while (off < f.len) {
		uint32_t n;

		assert_true(off + 4 <= f.len);
		n = (uint32_t)f.data[off] | (uint32_t)f.data[off + 1] << 8 |
		    (uint32_t)f.data[off + 2] << 16 | (uint32_t)f.data[off + 3] << 24;
		off += 4;
		assert_true(off + n <= f.len);
		assert_int_equal(ret, 1);       /* nothing may follow the end of the dump */
		ret = sockdiag_parse(f.data + off, n, 1, 0, proto, collect_cb, c);
		off += n;
		ndgram++;
	}
	assert_int_equal(ret, 0);
	free(f.data);
	return ndgram;
}

static const struct pnet_sock *find(const struct collect *c, uint16_t lport, uint16_t rport)
{
	const struct pnet_sock *hit = NULL;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->s[i].lport == lport && c->s[i].rport == rport) {
			assert_null(hit);       /* (lport, rport) is unique in the mix */
			hit = &c->s[i];
		}
	assert_non_null(hit);
	return hit;
}

static void assert_addr(int family, const uint8_t *got, const char *text)
{
	uint8_t want[16] = { 0 };

	assert_int_equal(inet_pton(family, text, want), 1);
	assert_memory_equal(got, want, family == AF_INET ? 4 : 16);
}

static void check_common(const struct collect *c, enum pnet_proto proto, int family)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		assert_int_equal(c->s[i].proto, proto);
		assert_int_equal(c->s[i].family, family);
		if (family == AF_INET)  /* IPv4 fills only the first 4 bytes */
			assert_memory_equal(c->s[i].laddr + 4, (uint8_t[12]){ 0 }, 12);
	}
}

/* netstat -tuane (tests/fixtures/netstat-tuane.txt), tcp rows */
static void tcp4_expect(const struct collect *c, bool info)
{
	const struct pnet_sock *s;
	size_t i;

	assert_int_equal(c->n, 13);
	check_common(c, PNET_TCP, AF_INET);

	/* tcp 1 0 0.0.0.0:22 0.0.0.0:* LISTEN 0 1713266 */
	s = find(c, 22, 0);
	assert_int_equal(s->state, PNET_ST_LISTEN);
	assert_addr(AF_INET, s->laddr, "0.0.0.0");
	assert_int_equal(s->rqueue, 1);
	assert_int_equal(s->wqueue, 0);         /* diag reports the backlog; netstat 0 */
	assert_int_equal(s->uid, 0);
	assert_int_equal(s->inode, 1713266);
	assert_int_not_equal(s->cookie, 0);

	/* tcp 0 0 0.0.0.0:3000 0.0.0.0:* LISTEN 65534 1726233 */
	s = find(c, 3000, 0);
	assert_int_equal(s->uid, 65534);
	assert_int_equal(s->inode, 1726233);
	assert_int_equal(s->wqueue, 0);

	/* tcp 0 0 127.0.0.1:8080 0.0.0.0:* LISTEN 0 1713268 */
	s = find(c, 8080, 0);
	assert_addr(AF_INET, s->laddr, "127.0.0.1");
	assert_addr(AF_INET, s->raddr, "0.0.0.0");
	assert_int_equal(s->inode, 1713268);

	/* tcp 100 0 127.0.0.1:8080 127.0.0.1:41002 ESTABLISHED 0 1713270 */
	s = find(c, 8080, 41002);
	assert_int_equal(s->state, PNET_ST_ESTABLISHED);
	assert_int_equal(s->rqueue, 100);
	assert_int_equal(s->wqueue, 0);
	assert_addr(AF_INET, s->raddr, "127.0.0.1");
	assert_int_equal(s->inode, 1713270);

	/* tcp 0 0 127.0.0.1:41002 127.0.0.1:8080 ESTABLISHED 0 1713269 */
	s = find(c, 41002, 8080);
	assert_int_equal(s->rqueue, 0);
	assert_int_equal(s->inode, 1713269);

	/* tcp 1 0 127.0.0.1:8080 127.0.0.1:41003 CLOSE_WAIT 0 1713272 */
	s = find(c, 8080, 41003);
	assert_int_equal(s->state, PNET_ST_CLOSE_WAIT);
	assert_int_equal(s->rqueue, 1);
	assert_int_equal(s->inode, 1713272);

	/* tcp 0 0 127.0.0.1:41003 127.0.0.1:8080 FIN_WAIT2 0 1713271 */
	s = find(c, 41003, 8080);
	assert_int_equal(s->state, PNET_ST_FIN_WAIT2);
	assert_int_equal(s->inode, 1713271);

	/* tcp 0 0 127.0.0.1:41004 127.0.0.1:8080 TIME_WAIT 0 0 */
	s = find(c, 41004, 8080);
	assert_int_equal(s->state, PNET_ST_TIME_WAIT);
	assert_int_equal(s->inode, 0);
	assert_int_equal(s->timer, 3);          /* netstat -o: timewait (...) */
	assert_true(s->expires_ms > 50000 && s->expires_ms <= 60000);   /* TCP_TIMEWAIT_LEN 60 s */
	assert_false(s->has_tcpinfo);           /* timewait sockets carry no tcp_info */

	/* tcp 0 0 127.0.0.1:22 127.0.0.1:41001 ESTABLISHED 0 0 (never accepted) */
	s = find(c, 22, 41001);
	assert_int_equal(s->state, PNET_ST_ESTABLISHED);
	assert_int_equal(s->inode, 0);

	/* tcp 0 0 127.0.0.1:41001 127.0.0.1:22 ESTABLISHED 0 1713267 */
	assert_int_equal(find(c, 41001, 22)->inode, 1713267);
	/* tcp 0 0 127.0.0.1:41005 127.0.0.1:80 ESTABLISHED 0 1726235 */
	assert_int_equal(find(c, 41005, 80)->inode, 1726235);

	/* tcp 128512 0 127.0.0.1:8080 127.0.0.1:41007 ESTABLISHED 0 1713994 */
	s = find(c, 8080, 41007);
	assert_int_equal(s->rqueue, 128512);
	assert_int_equal(s->wqueue, 0);
	assert_int_equal(s->inode, 1713994);
	/* tcp 0 4163072 127.0.0.1:41007 127.0.0.1:8080 ESTABLISHED 0 1713993,
	 * netstat -o: probe (48.17/0/0): the zero-window probe timer runs */
	s = find(c, 41007, 8080);
	assert_int_equal(s->rqueue, 0);
	assert_int_equal(s->wqueue, 4163072);
	assert_int_equal(s->inode, 1713993);
	assert_int_equal(s->timer, 4);
	assert_true(s->expires_ms > 0);
	/* inet_diag puts icsk_probes_out in idiag_retrans for this timer */
	assert_int_equal(s->retrans, 1);
	if (info)
		assert_int_equal(s->tcpi_probes, 1);

	for (i = 0; i < c->n; i++) {
		s = &c->s[i];
		if (s->state == PNET_ST_TIME_WAIT)
			continue;
		assert_int_equal(s->has_tcpinfo, info);
		assert_int_equal(s->tcpi_retransmits, 0);
		/* only the probing socket has a probe out */
		if (s->lport != 41007)
			assert_int_equal(s->tcpi_probes, 0);
	}
}

static void test_fixture_tcp4(void **state)
{
	struct collect c = { 0 };

	(void)state;
	assert_int_equal(replay("tcp4.bin", PNET_TCP, &c), 2);
	tcp4_expect(&c, false);
}

static void test_fixture_tcp4_info(void **state)
{
	struct collect c = { 0 };

	(void)state;
	/* with tcp_info the same sockets need three datagrams */
	assert_int_equal(replay("tcp4-info.bin", PNET_TCP, &c), 3);
	tcp4_expect(&c, true);
}

static void test_fixture_tcp6(void **state)
{
	struct collect c = { 0 };
	const struct pnet_sock *s;

	(void)state;
	replay("tcp6.bin", PNET_TCP, &c);
	assert_int_equal(c.n, 6);
	check_common(&c, PNET_TCP, AF_INET6);

	/* tcp6 0 0 :::80 :::* LISTEN 0 1726234 */
	s = find(&c, 80, 0);
	assert_int_equal(s->state, PNET_ST_LISTEN);
	assert_addr(AF_INET6, s->laddr, "::");
	assert_int_equal(s->inode, 1726234);
	assert_int_equal(s->wqueue, 0);

}

static void test_fixture_tcp6_addrs(void **state)
{
	struct collect c = { 0 };
	size_t i;
	int seen = 0;

	(void)state;
	replay("tcp6.bin", PNET_TCP, &c);
	for (i = 0; i < c.n; i++) {
		const struct pnet_sock *s = &c.s[i];

		if (s->inode == 1726240) {
			/* tcp6 0 0 2001:db8:aaaa:bbbb:cccc:dddd:eeee:1:8443 :::* LISTEN
			 * (netstat -tuanW; -tuane truncates it) */
			assert_int_equal(s->lport, 8443);
			assert_int_equal(s->state, PNET_ST_LISTEN);
			assert_addr(AF_INET6, s->laddr, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1");
			seen |= 1;
		} else if (s->inode == 1726239) {
			/* tcp6 0 0 ::1:8443 :::* LISTEN 0 1726239 */
			assert_int_equal(s->lport, 8443);
			assert_addr(AF_INET6, s->laddr, "::1");
			seen |= 2;
		} else if (s->inode == 1726236) {
			/* tcp6 0 0 127.0.0.1:80 127.0.0.1:41005 ESTABLISHED 0 1726236 */
			assert_int_equal(s->lport, 80);
			assert_int_equal(s->rport, 41005);
			assert_addr(AF_INET6, s->laddr, "::ffff:127.0.0.1");
			assert_addr(AF_INET6, s->raddr, "::ffff:127.0.0.1");
			assert_int_equal(s->state, PNET_ST_ESTABLISHED);
			seen |= 4;
		} else if (s->inode == 1726237) {
			/* tcp6 0 0 ::1:41006 ::1:80 ESTABLISHED 0 1726237 */
			assert_int_equal(s->lport, 41006);
			assert_int_equal(s->rport, 80);
			assert_addr(AF_INET6, s->raddr, "::1");
			seen |= 8;
		} else if (s->inode == 1726238) {
			assert_int_equal(s->lport, 80);
			assert_int_equal(s->rport, 41006);
			seen |= 16;
		}
	}
	assert_int_equal(seen, 31);
}

static void test_fixture_udp4(void **state)
{
	struct collect c = { 0 };
	const struct pnet_sock *s;

	(void)state;
	replay("udp4.bin", PNET_UDP, &c);
	assert_int_equal(c.n, 5);
	check_common(&c, PNET_UDP, AF_INET);

	/* udp 2496 0 0.0.0.0:5353 0.0.0.0:* 0 1726241 (3 unread datagrams) */
	s = find(&c, 5353, 0);
	assert_int_equal(s->state, PNET_ST_CLOSE);
	assert_int_equal(s->rqueue, 2496);
	assert_int_equal(s->wqueue, 0);
	assert_int_equal(s->inode, 1726241);
	/* udp 0 0 0.0.0.0:6000 0.0.0.0:* 4242 1726243 */
	s = find(&c, 6000, 0);
	assert_int_equal(s->uid, 4242);
	assert_int_equal(s->inode, 1726243);
	/* udp 1216640 0 127.0.0.1:7000 0.0.0.0:* 0 1726244 */
	s = find(&c, 7000, 0);
	assert_int_equal(s->rqueue, 1216640);
	assert_addr(AF_INET, s->laddr, "127.0.0.1");
	/* udp 0 0 127.0.0.9:7777 0.0.0.0:* 0 1726246 */
	s = find(&c, 7777, 0);
	assert_addr(AF_INET, s->laddr, "127.0.0.9");
	assert_int_equal(s->inode, 1726246);
	/* udp 0 0 127.0.0.1:41010 127.0.0.1:5353 ESTABLISHED 0 1726242 */
	s = find(&c, 41010, 5353);
	assert_int_equal(s->state, PNET_ST_ESTABLISHED);
	assert_addr(AF_INET, s->raddr, "127.0.0.1");
	assert_int_equal(s->rqueue, 0);
	assert_int_equal(s->wqueue, 0);
	assert_int_equal(s->inode, 1726242);
}

static void test_fixture_udp6(void **state)
{
	struct collect c = { 0 };
	const struct pnet_sock *s;

	(void)state;
	replay("udp6.bin", PNET_UDP, &c);
	assert_int_equal(c.n, 3);
	check_common(&c, PNET_UDP, AF_INET6);

	/* udp6 1664 0 :::123 :::* 0 1726247 */
	s = find(&c, 123, 0);
	assert_int_equal(s->state, PNET_ST_CLOSE);
	assert_int_equal(s->rqueue, 1664);
	assert_addr(AF_INET6, s->laddr, "::");
	assert_int_equal(s->inode, 1726247);
	/* udp6 0 0 ::1:41012 ::1:123 ESTABLISHED 0 1726248 */
	s = find(&c, 41012, 123);
	assert_int_equal(s->state, PNET_ST_ESTABLISHED);
	assert_addr(AF_INET6, s->laddr, "::1");
	assert_int_equal(s->inode, 1726248);
	/* udp6 0 0 127.0.0.1:41013 127.0.0.1:5353 ESTABLISHED 0 1726249 */
	s = find(&c, 41013, 5353);
	assert_addr(AF_INET6, s->laddr, "::ffff:127.0.0.1");
	assert_addr(AF_INET6, s->raddr, "::ffff:127.0.0.1");
	assert_int_equal(s->inode, 1726249);
}

/* The fixtures were recorded with sequence number 1 from a non-zero port id. */
static void test_fixture_wrong_seq_and_portid(void **state)
{
	struct fixture f;
	struct collect c = { 0 };
	uint32_t n, pid;

	(void)state;
	load("udp4.bin", &f);
	n = (uint32_t)f.data[0] | (uint32_t)f.data[1] << 8 | (uint32_t)f.data[2] << 16 |
	    (uint32_t)f.data[3] << 24;
	errno = 0;
	assert_int_equal(sockdiag_parse(f.data + 4, n, 2, 0, PNET_UDP, collect_cb, &c), -1);
	assert_int_equal(errno, EPROTO);
	assert_int_equal(c.n, 0);

	memcpy(&pid, f.data + 4 + offsetof(struct nlmsghdr, nlmsg_pid), 4);
	assert_int_not_equal(pid, 0);
	errno = 0;
	assert_int_equal(sockdiag_parse(f.data + 4, n, 1, pid + 1, PNET_UDP, collect_cb, &c), -1);
	assert_int_equal(errno, ESRCH);
	assert_int_equal(c.n, 0);
	assert_int_equal(sockdiag_parse(f.data + 4, n, 1, pid, PNET_UDP, collect_cb, &c), 1);
	assert_int_equal(c.n, 5);
	free(f.data);
}

/* Every prefix of a recorded datagram, in a buffer of exactly that size (so
 * ASan sees any read past the end): parsing never reports more sockets than
 * the whole datagram holds and never crashes. */
static void test_fixture_truncated(void **state)
{
	struct fixture f;
	struct collect full = { 0 };
	uint32_t n, cut;

	(void)state;
	load("tcp4-info.bin", &f);
	n = (uint32_t)f.data[0] | (uint32_t)f.data[1] << 8 | (uint32_t)f.data[2] << 16 |
	    (uint32_t)f.data[3] << 24;
	assert_int_equal(sockdiag_parse(f.data + 4, n, 1, 0, PNET_TCP, collect_cb, &full), 1);
	assert_true(full.n > 0);
	for (cut = 0; cut < n; cut++) {
		struct collect c = { 0 };
		unsigned char *p = malloc(cut ? cut : 1);
		int ret;

		assert_non_null(p);
		memcpy(p, f.data + 4, cut);
		ret = sockdiag_parse(p, cut, 1, 0, PNET_TCP, collect_cb, &c);
		assert_true(ret == -1 || ret == 1);
		assert_true(c.n <= full.n);
		free(p);
	}
	free(f.data);
}

/* ---- synthetic messages --------------------------------------------------- */

struct msgbuf {
	unsigned char b[4096] __attribute__((aligned(4)));
	size_t len;
};

static struct nlmsghdr *put_msg(struct msgbuf *m, uint16_t type, uint32_t seq, const void *payload,
				size_t plen)
{
	struct nlmsghdr *h = (struct nlmsghdr *)(m->b + m->len);

	assert_true(m->len + NLMSG_SPACE(plen) <= sizeof(m->b));
	memset(h, 0, NLMSG_SPACE(plen));
	h->nlmsg_len = (uint32_t)NLMSG_LENGTH(plen);
	h->nlmsg_type = type;
	h->nlmsg_flags = NLM_F_MULTI;
	h->nlmsg_seq = seq;
	h->nlmsg_pid = 4321;
	if (plen)
		memcpy(NLMSG_DATA(h), payload, plen);
	m->len += NLMSG_SPACE(plen);
	return h;
}

static struct inet_diag_msg diag_msg(int family, int state, uint16_t sport, uint16_t dport,
				     uint32_t rq, uint32_t wq, uint32_t inode)
{
	struct inet_diag_msg d;

	memset(&d, 0, sizeof(d));
	d.idiag_family = (uint8_t)family;
	d.idiag_state = (uint8_t)state;
	d.idiag_timer = 1;
	d.idiag_retrans = 2;
	d.id.idiag_sport = htons(sport);
	d.id.idiag_dport = htons(dport);
	d.id.idiag_if = 3;
	d.id.idiag_cookie[0] = 0x11223344;
	d.id.idiag_cookie[1] = 0x55667788;
	d.idiag_expires = 1234;
	d.idiag_rqueue = rq;
	d.idiag_wqueue = wq;
	d.idiag_uid = 1000;
	d.idiag_inode = inode;
	if (family == AF_INET) {
		d.id.idiag_src[0] = htonl(0x0a000001);
		d.id.idiag_dst[0] = htonl(0xc0a80102);
	} else {
		inet_pton(AF_INET6, "2001:db8::1", d.id.idiag_src);
		inet_pton(AF_INET6, "fe80::2", d.id.idiag_dst);
	}
	return d;
}

static void put_done(struct msgbuf *m, uint32_t seq, int err)
{
	put_msg(m, NLMSG_DONE, seq, &err, sizeof(err));
}

static void test_multi_message_datagram(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct collect c = { 0 };
	struct inet_diag_msg d;

	(void)state;
	d = diag_msg(AF_INET, PNET_ST_LISTEN, 22, 0, 5, 128, 100);
	put_msg(&m, SOCK_DIAG_BY_FAMILY, 7, &d, sizeof(d));
	d = diag_msg(AF_INET6, PNET_ST_ESTABLISHED, 443, 50000, 7, 9, 101);
	put_msg(&m, SOCK_DIAG_BY_FAMILY, 7, &d, sizeof(d));
	put_msg(&m, NLMSG_NOOP, 7, NULL, 0);            /* ignored */
	d = diag_msg(AF_UNIX, PNET_ST_ESTABLISHED, 1, 2, 0, 0, 102);
	put_msg(&m, SOCK_DIAG_BY_FAMILY, 7, &d, sizeof(d));     /* not inet: skipped */
	d = diag_msg(AF_INET, PNET_ST_SYN_SENT, 40000, 80, 0, 1, 103);
	put_msg(&m, SOCK_DIAG_BY_FAMILY, 7, &d, sizeof(d));

	/* without NLMSG_DONE more datagrams are expected */
	assert_int_equal(sockdiag_parse(m.b, m.len, 7, 4321, PNET_TCP, collect_cb, &c), 1);
	assert_int_equal(c.n, 3);
	put_done(&m, 7, 0);
	c.n = 0;
	assert_int_equal(sockdiag_parse(m.b, m.len, 7, 4321, PNET_TCP, collect_cb, &c), 0);
	assert_int_equal(c.n, 3);

	assert_int_equal(c.s[0].family, AF_INET);
	assert_int_equal(c.s[0].proto, PNET_TCP);
	assert_int_equal(c.s[0].state, PNET_ST_LISTEN);
	assert_int_equal(c.s[0].lport, 22);
	assert_int_equal(c.s[0].rport, 0);
	assert_int_equal(c.s[0].rqueue, 5);
	assert_int_equal(c.s[0].wqueue, 0);     /* LISTEN: netstat prints 0 Send-Q */
	assert_addr(AF_INET, c.s[0].laddr, "10.0.0.1");
	assert_addr(AF_INET, c.s[0].raddr, "192.168.1.2");
	assert_int_equal(c.s[0].uid, 1000);
	assert_int_equal(c.s[0].inode, 100);
	assert_int_equal(c.s[0].ifindex, 3);
	assert_int_equal(c.s[0].timer, 1);
	assert_int_equal(c.s[0].retrans, 2);
	assert_int_equal(c.s[0].expires_ms, 1234);
	assert_true(c.s[0].cookie == 0x5566778811223344ull);
	assert_false(c.s[0].has_tcpinfo);

	assert_int_equal(c.s[1].family, AF_INET6);
	assert_int_equal(c.s[1].lport, 443);
	assert_int_equal(c.s[1].rport, 50000);
	assert_int_equal(c.s[1].rqueue, 7);
	assert_int_equal(c.s[1].wqueue, 9);
	assert_addr(AF_INET6, c.s[1].laddr, "2001:db8::1");
	assert_addr(AF_INET6, c.s[1].raddr, "fe80::2");

	assert_int_equal(c.s[2].state, PNET_ST_SYN_SENT);
	assert_int_equal(c.s[2].wqueue, 1);
	assert_int_equal(c.s[2].inode, 103);

	/* the protocol comes from the caller, not from the message */
	c.n = 0;
	assert_int_equal(sockdiag_parse(m.b, m.len, 7, 4321, PNET_UDP, collect_cb, &c), 0);
	assert_int_equal(c.s[0].proto, PNET_UDP);
}

static void test_wrong_sequence_rejected(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct collect c = { 0 };
	struct inet_diag_msg d = diag_msg(AF_INET, PNET_ST_ESTABLISHED, 1, 2, 0, 0, 5);

	(void)state;
	put_msg(&m, SOCK_DIAG_BY_FAMILY, 7, &d, sizeof(d));
	put_done(&m, 7, 0);
	errno = 0;
	assert_int_equal(sockdiag_parse(m.b, m.len, 8, 0, PNET_TCP, collect_cb, &c), -1);
	assert_int_equal(errno, EPROTO);
	assert_int_equal(c.n, 0);
	/* seq 0 accepts any */
	assert_int_equal(sockdiag_parse(m.b, m.len, 0, 0, PNET_TCP, collect_cb, &c), 0);
	assert_int_equal(c.n, 1);
}

static void test_done_enoent(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct collect c = { 0 };

	(void)state;
	put_done(&m, 1, -ENOENT);
	errno = 0;
	assert_int_equal(sockdiag_parse(m.b, m.len, 1, 0, PNET_UDP, collect_cb, &c), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_done_short_payload_is_end(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct collect c = { 0 };

	(void)state;
	put_msg(&m, NLMSG_DONE, 1, NULL, 0);    /* old kernels: no error code */
	assert_int_equal(sockdiag_parse(m.b, m.len, 1, 0, PNET_TCP, collect_cb, &c), 0);
}

static void test_error_eperm(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct collect c = { 0 };
	struct nlmsgerr e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.error = -EPERM;
	put_msg(&m, NLMSG_ERROR, 1, &e, sizeof(e));
	errno = 0;
	assert_int_equal(sockdiag_parse(m.b, m.len, 1, 0, PNET_TCP, collect_cb, &c), -1);
	assert_int_equal(errno, EPERM);

	/* an error message too short for struct nlmsgerr */
	m.len = 0;
	put_msg(&m, NLMSG_ERROR, 1, &e, 2);
	errno = 0;
	assert_int_equal(sockdiag_parse(m.b, m.len, 1, 0, PNET_TCP, collect_cb, &c), -1);
	assert_int_equal(errno, EBADMSG);
}

static void test_short_payload_ebadmsg(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct collect c = { 0 };
	struct inet_diag_msg d = diag_msg(AF_INET, PNET_ST_ESTABLISHED, 1, 2, 0, 0, 5);

	(void)state;
	put_msg(&m, SOCK_DIAG_BY_FAMILY, 1, &d, sizeof(d) - 1);
	put_done(&m, 1, 0);
	errno = 0;
	assert_int_equal(sockdiag_parse(m.b, m.len, 1, 0, PNET_TCP, collect_cb, &c), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(c.n, 0);
}

static void test_callback_abort(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct collect c = { .fail_at = 2, .fail_errno = ENOMEM };
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		struct inet_diag_msg d = diag_msg(AF_INET, PNET_ST_ESTABLISHED, (uint16_t)(1000 + i),
						  2, 0, 0, (uint32_t)i + 1);

		put_msg(&m, SOCK_DIAG_BY_FAMILY, 1, &d, sizeof(d));
	}
	put_done(&m, 1, 0);
	errno = 0;
	assert_int_equal(sockdiag_parse(m.b, m.len, 1, 0, PNET_TCP, collect_cb, &c), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(c.n, 2);               /* nothing after the failing call */
}

/* INET_DIAG_INFO: retransmits and probes are bytes 2 and 3 of struct tcp_info. */
static void test_tcp_info_attribute(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct collect c = { 0 };
	struct {
		struct inet_diag_msg d;
		struct nlattr a;
		uint8_t ti[8];
	} p;
	struct nlmsghdr *h;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.d = diag_msg(AF_INET, PNET_ST_ESTABLISHED, 1, 2, 0, 0, 5);
	p.a.nla_type = INET_DIAG_INFO;
	p.a.nla_len = NLA_HDRLEN + 8;
	p.ti[0] = 1;
	p.ti[2] = 4;            /* retransmits */
	p.ti[3] = 6;            /* probes */
	put_msg(&m, SOCK_DIAG_BY_FAMILY, 1, &p, sizeof(p));
	/* an INFO attribute shorter than 4 bytes is not used */
	p.a.nla_len = NLA_HDRLEN + 2;
	h = put_msg(&m, SOCK_DIAG_BY_FAMILY, 1, &p, sizeof(p.d) + NLA_HDRLEN + 4);
	(void)h;
	put_done(&m, 1, 0);
	assert_int_equal(sockdiag_parse(m.b, m.len, 1, 0, PNET_TCP, collect_cb, &c), 0);
	assert_int_equal(c.n, 2);
	assert_true(c.s[0].has_tcpinfo);
	assert_int_equal(c.s[0].tcpi_retransmits, 4);
	assert_int_equal(c.s[0].tcpi_probes, 6);
	assert_false(c.s[1].has_tcpinfo);
	assert_int_equal(c.s[1].tcpi_retransmits, 0);
}

static void test_overrun(void **state)
{
	struct msgbuf m = { .len = 0 };
	struct collect c = { 0 };

	(void)state;
	put_msg(&m, NLMSG_OVERRUN, 1, NULL, 0);
	errno = 0;
	assert_int_equal(sockdiag_parse(m.b, m.len, 1, 0, PNET_TCP, collect_cb, &c), -1);
	assert_int_equal(errno, ENOBUFS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_tcp4),
		cmocka_unit_test(test_fixture_tcp4_info),
		cmocka_unit_test(test_fixture_tcp6),
		cmocka_unit_test(test_fixture_tcp6_addrs),
		cmocka_unit_test(test_fixture_udp4),
		cmocka_unit_test(test_fixture_udp6),
		cmocka_unit_test(test_fixture_wrong_seq_and_portid),
		cmocka_unit_test(test_fixture_truncated),
		cmocka_unit_test(test_multi_message_datagram),
		cmocka_unit_test(test_wrong_sequence_rejected),
		cmocka_unit_test(test_done_enoent),
		cmocka_unit_test(test_done_short_payload_is_end),
		cmocka_unit_test(test_error_eperm),
		cmocka_unit_test(test_short_payload_ebadmsg),
		cmocka_unit_test(test_callback_abort),
		cmocka_unit_test(test_tcp_info_attribute),
		cmocka_unit_test(test_overrun),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
