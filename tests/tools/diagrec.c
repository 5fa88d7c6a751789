/* diagrec: record sock_diag dump replies into fixture files for the unit tests.
 *
 *   diagrec tcp|udp 4|6 [info] OUT.bin
 *       One SOCK_DIAG_BY_FAMILY dump (all states, 0xfff; tcp_info with "info").
 *       Every datagram received up to and including the one holding NLMSG_DONE
 *       (or NLMSG_ERROR) is written to OUT.bin, each preceded by its length as a
 *       4-byte little-endian integer.
 *   diagrec mix DIR
 *       Opens the known socket mix described in tests/fixtures/README.md (run it
 *       in a fresh network namespace, see tests/fixtures/record.sh), records
 *       DIR/{tcp4,tcp6,udp4,udp6,tcp4-info}.bin, prints "ready" on stdout and
 *       keeps every socket open until standard input reaches end of file, so
 *       netstat can be run on the same sockets.
 *
 * Plain socket()/send()/recv(): a test tool, independent of the code under test. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	fputs("diagrec: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
	exit(1);
}

static void put_le32(FILE *f, uint32_t v)
{
	unsigned char b[4] = { v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, v >> 24 };

	if (fwrite(b, 1, 4, f) != 4)
		die("write");
}

/* One dump into path. Returns the number of datagrams written. */
static int record(int proto, int family, int info, const char *path)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;
	static char buf[32768];        /* the receive size pnet uses (SOCKDIAG_RCVBUF) */
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd, ndgram = 0, done = 0;
	FILE *out;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		die("netlink socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("netlink bind");
	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = 1;
	req.r.sdiag_family = (uint8_t)family;
	req.r.sdiag_protocol = (uint8_t)proto;
	req.r.idiag_states = 0xfff;
	if (info)
		req.r.idiag_ext = 1u << (INET_DIAG_INFO - 1);
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("netlink send");
	out = fopen(path, "wb");
	if (!out)
		die("%s", path);
	while (!done) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		const struct nlmsghdr *h;
		size_t left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("netlink recv");
		}
		put_le32(out, (uint32_t)n);
		if (fwrite(buf, 1, (size_t)n, out) != (size_t)n)
			die("%s", path);
		ndgram++;
		left = (size_t)n;
		for (h = (const struct nlmsghdr *)buf; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left))
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR)
				done = 1;
		if (n == 0)
			done = 1;
	}
	if (fclose(out) != 0)
		die("%s", path);
	close(fd);
	return ndgram;
}

/* ---- the socket mix ---------------------------------------------------- */

static socklen_t mkaddr(struct sockaddr_storage *ss, int family, const char *ip, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, ip, &a->sin_addr) != 1)
			die("bad address %s", ip);
		return sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, ip, &a->sin6_addr) != 1)
			die("bad address %s", ip);
		return sizeof(*a);
	}
}

/* A socket bound to ip:port, created with file-system uid `uid` (the socket's owner). */
static int sock_bound(int family, int type, const char *ip, int port, int v6only, uid_t uid)
{
	struct sockaddr_storage ss;
	socklen_t sl = mkaddr(&ss, family, ip, port);
	int one = 1, fd;

	setfsuid(uid);
	fd = socket(family, type | SOCK_CLOEXEC, 0);
	setfsuid(0);
	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only)))
		die("IPV6_V6ONLY");
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		die("bind %s:%d", ip, port);
	return fd;
}

static int tcp_listen(int family, const char *ip, int port, int v6only, uid_t uid)
{
	int fd = sock_bound(family, SOCK_STREAM, ip, port, v6only, uid);

	if (listen(fd, 16) < 0)
		die("listen %s:%d", ip, port);
	return fd;
}

static void do_connect(int fd, int family, const char *ip, int port)
{
	struct sockaddr_storage ss;
	socklen_t sl = mkaddr(&ss, family, ip, port);

	if (connect(fd, (struct sockaddr *)&ss, sl) < 0)
		die("connect %s:%d", ip, port);
}

static int tcp_client(int family, const char *lip, int lport, const char *rip, int rport)
{
	int fd = sock_bound(family, SOCK_STREAM, lip, lport, 0, 0);

	do_connect(fd, family, rip, rport);
	return fd;
}

static int udp_client(int family, const char *lip, int lport, const char *rip, int rport)
{
	int fd = sock_bound(family, SOCK_DGRAM, lip, lport, 0, 0);

	do_connect(fd, family, rip, rport);
	return fd;
}

static int xaccept(int lfd)
{
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		die("accept");
	return fd;
}

static void send_n(int fd, size_t n, int count)
{
	static char data[65000];
	int i;

	memset(data, 'x', sizeof(data));
	for (i = 0; i < count; i++)
		if (send(fd, data, n, 0) != (ssize_t)n)
			die("send");
}

static void settle(void)
{
	struct timespec ts = { 0, 300 * 1000000L };

	nanosleep(&ts, NULL);
}

/* Write to a TCP socket whose peer never reads until the peer's window and our
 * 2 MiB send buffer are full, so the data stays queued. */
static void fill(int fd)
{
	static char data[65536];
	int sz = 2 << 20, round;

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		die("SO_SNDBUFFORCE");
	for (round = 0; round < 3; round++) {
		while (send(fd, data, sizeof(data), MSG_DONTWAIT) > 0)
			;
		if (errno != EAGAIN)
			die("send");
		settle();
	}
}

/* Open every socket of the mix (tests/fixtures/README.md lists them). The
 * descriptors are deliberately kept open until the process exits. */
static void open_mix(void)
{
	int l22, l8080, l80, c, s, u, big;

	/* TCP/IPv4 */
	l22 = tcp_listen(AF_INET, "0.0.0.0", 22, 0, 0);
	tcp_client(AF_INET, "127.0.0.1", 41001, "127.0.0.1", 22);     /* never accepted */
	l8080 = tcp_listen(AF_INET, "127.0.0.1", 8080, 0, 0);
	c = tcp_client(AF_INET, "127.0.0.1", 41002, "127.0.0.1", 8080);
	xaccept(l8080);                                                /* 100 bytes unread */
	send_n(c, 100, 1);
	c = tcp_client(AF_INET, "127.0.0.1", 41003, "127.0.0.1", 8080);
	xaccept(l8080);                                                /* CLOSE_WAIT */
	shutdown(c, SHUT_WR);                                          /* FIN_WAIT2 */
	c = tcp_client(AF_INET, "127.0.0.1", 41004, "127.0.0.1", 8080);
	s = xaccept(l8080);
	close(c);                                                      /* TIME_WAIT */
	settle();
	close(s);
	c = tcp_client(AF_INET, "127.0.0.1", 41007, "127.0.0.1", 8080);
	xaccept(l8080);                                                /* never reads */
	fill(c);                                                       /* Send-Q > 999999 */
	tcp_listen(AF_INET, "0.0.0.0", 3000, 0, 65534);                /* owned by nobody */
	(void)l22;

	/* TCP/IPv6 */
	l80 = tcp_listen(AF_INET6, "::", 80, 0, 0);                    /* dual stack */
	tcp_client(AF_INET, "127.0.0.1", 41005, "127.0.0.1", 80);
	xaccept(l80);                                                  /* v4-mapped */
	tcp_client(AF_INET6, "::1", 41006, "::1", 80);
	xaccept(l80);
	tcp_listen(AF_INET6, "::1", 8443, 1, 0);
	tcp_listen(AF_INET6, "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", 8443, 1, 0);

	/* UDP/IPv4 */
	sock_bound(AF_INET, SOCK_DGRAM, "0.0.0.0", 5353, 0, 0);
	u = udp_client(AF_INET, "127.0.0.1", 41010, "127.0.0.1", 5353);
	send_n(u, 100, 3);                                             /* 3 unread datagrams */
	sock_bound(AF_INET, SOCK_DGRAM, "0.0.0.0", 6000, 0, 4242);     /* uid without a name */
	big = sock_bound(AF_INET, SOCK_DGRAM, "127.0.0.1", 7000, 0, 0);
	{
		int sz = 8 << 20;

		if (setsockopt(big, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0)
			die("SO_RCVBUFFORCE");
	}
	u = udp_client(AF_INET, "127.0.0.1", 41011, "127.0.0.1", 7000);
	send_n(u, 60000, 20);                                          /* Recv-Q > 999999 */
	close(u);
	sock_bound(AF_INET, SOCK_DGRAM, "127.0.0.9", 7777, 0, 0);      /* long names in netstat */

	/* UDP/IPv6 */
	sock_bound(AF_INET6, SOCK_DGRAM, "::", 123, 0, 0);             /* dual stack */
	u = udp_client(AF_INET6, "::1", 41012, "::1", 123);
	send_n(u, 50, 2);
	udp_client(AF_INET6, "::ffff:127.0.0.1", 41013, "::ffff:127.0.0.1", 5353);
	settle();
}

static void usage(void)
{
	fputs("usage: diagrec tcp|udp 4|6 [info] OUT.bin\n"
	      "       diagrec mix DIR\n", stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "mix") == 0) {
		static const struct {
			int proto, family, info;
			const char *name;
		} dumps[] = {
			{ IPPROTO_TCP, AF_INET, 0, "tcp4.bin" },
			{ IPPROTO_TCP, AF_INET6, 0, "tcp6.bin" },
			{ IPPROTO_UDP, AF_INET, 0, "udp4.bin" },
			{ IPPROTO_UDP, AF_INET6, 0, "udp6.bin" },
			{ IPPROTO_TCP, AF_INET, 1, "tcp4-info.bin" },
		};
		char path[4096];
		size_t i;
		int c;

		open_mix();
		for (i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", argv[2], dumps[i].name);
			fprintf(stderr, "diagrec: %s: %d datagrams\n", path,
				record(dumps[i].proto, dumps[i].family, dumps[i].info, path));
		}
		printf("ready\n");
		fflush(stdout);
		while ((c = getchar()) != EOF)
			;
		return 0;
	}
	if (argc == 4 || (argc == 5 && strcmp(argv[3], "info") == 0)) {
		int proto, family;

		if (strcmp(argv[1], "tcp") == 0)
			proto = IPPROTO_TCP;
		else if (strcmp(argv[1], "udp") == 0)
			proto = IPPROTO_UDP;
		else
			usage();
		if (strcmp(argv[2], "4") == 0)
			family = AF_INET;
		else if (strcmp(argv[2], "6") == 0)
			family = AF_INET6;
		else
			usage();
		record(proto, family, argc == 5, argv[argc - 1]);
		return 0;
	}
	usage();
	return 2;
}
