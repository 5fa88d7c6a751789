/* sockmix: open a fixed mix of TCP and UDP sockets on loopback in the current
 * network namespace, print "ready" once they are all in place, then hold them
 * until SIGTERM or SIGINT and exit 0. Used by the netstat compatibility test.
 *
 * The caller must have brought lo up and added 2001:db8:1234:5678:9abc:def0:1234:5678/128
 * to it (nodad). Needs root for the ports below 1024 and for the second user.
 * The one TIME_WAIT socket is made last, just before "ready", and expires about
 * 60 s later (TCP_TIMEWAIT_LEN); everything else holds still until the end.
 * Every failing call prints "sockmix: <what>: <why>" and exits 1. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LONG6 "2001:db8:1234:5678:9abc:def0:1234:5678"
#define OTHER_ID 65534          /* nobody/nogroup */

static void die(const char *what)
{
	fprintf(stderr, "sockmix: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void dief(const char *what, const char *why)
{
	fprintf(stderr, "sockmix: %s: %s\n", what, why);
	exit(1);
}

static int check(int rc, const char *what)
{
	if (rc < 0)
		die(what);
	return rc;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0)
		if (errno != EINTR)
			die("nanosleep");
}

/* Fill *ss with ADDR:PORT of FAMILY (ADDR must be a numeric address). */
static socklen_t mkaddr(struct sockaddr_storage *ss, int family, const char *addr, uint16_t port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
			dief(addr, "not an IPv4 address");
		return sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) != 1)
			dief(addr, "not an IPv6 address");
		return sizeof(*sin6);
	}
}

static int new_socket(int family, int type)
{
	return check(socket(family, type | SOCK_CLOEXEC, 0), "socket");
}

static void do_bind(int fd, int family, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, family, addr, port);
	char what[96];

	snprintf(what, sizeof(what), "bind %s port %u", addr, (unsigned)port);
	check(bind(fd, (struct sockaddr *)&ss, len), what);
}

static void do_connect(int fd, int family, const char *addr, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, family, addr, port);
	char what[96];

	snprintf(what, sizeof(what), "connect %s port %u", addr, (unsigned)port);
	check(connect(fd, (struct sockaddr *)&ss, len), what);
}

static void set_int(int fd, int level, int name, int val, const char *what)
{
	check(setsockopt(fd, level, name, &val, sizeof(val)), what);
}

/* A TCP listener on ADDR:PORT; RCVBUF > 0 sets the buffer its children inherit. */
static int tcp_listen(int family, const char *addr, uint16_t port, int rcvbuf)
{
	int fd = new_socket(family, SOCK_STREAM);

	set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt SO_REUSEADDR");
	if (rcvbuf > 0)
		set_int(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf, "setsockopt SO_RCVBUF");
	do_bind(fd, family, addr, port);
	check(listen(fd, 16), "listen");
	return fd;
}

/* A blocking TCP client to ADDR:PORT, bound first to SRC (any port) if SRC is set. */
static int tcp_client(int family, const char *src, const char *addr, uint16_t port, int sndbuf)
{
	int fd = new_socket(family, SOCK_STREAM);

	if (sndbuf > 0)
		set_int(fd, SOL_SOCKET, SO_SNDBUF, sndbuf, "setsockopt SO_SNDBUF");
	if (src)
		do_bind(fd, family, src, 0);
	do_connect(fd, family, addr, port);
	return fd;
}

static int tcp_accept(int lfd)
{
	return check(accept4(lfd, NULL, NULL, SOCK_CLOEXEC), "accept");
}

static int udp_socket(int family, const char *addr, uint16_t port)
{
	int fd = new_socket(family, SOCK_DGRAM);

	do_bind(fd, family, addr, port);
	return fd;
}

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("write");
		}
		p += n;
		len -= (size_t)n;
	}
}

/* Wait (at most 5 s) until FD is readable. */
static void wait_readable(int fd, const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n = check(poll(&pfd, 1, 5000), "poll");

	if (n == 0)
		dief(what, "timed out waiting for data");
}

static int queued(int fd, unsigned long req, const char *what)
{
	int v;

	check(ioctl(fd, req, &v), what);
	return v;
}

/* Fill the send queue of SND (its peer RCV never reads) until a write would
 * block, then wait until both queues hold still for half a second, so that
 * Send-Q and Recv-Q read the same in every listing. */
static void fill_and_settle(int snd, int rcv)
{
	static char chunk[4096];
	int flags = check(fcntl(snd, F_GETFL), "fcntl F_GETFL");
	int out = -1, in = -1, still = 0, tries;

	memset(chunk, 'x', sizeof(chunk));
	check(fcntl(snd, F_SETFL, flags | O_NONBLOCK), "fcntl F_SETFL");
	for (;;) {
		ssize_t n = write(snd, chunk, sizeof(chunk));

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (errno == EINTR)
				continue;
			die("write (filling the send queue)");
		}
	}
	for (tries = 0; tries < 200 && still < 10; tries++) {
		int o, i;

		sleep_ms(50);
		o = queued(snd, SIOCOUTQ, "ioctl SIOCOUTQ");
		i = queued(rcv, SIOCINQ, "ioctl SIOCINQ");
		still = (o == out && i == in) ? still + 1 : 0;
		out = o;
		in = i;
	}
	if (still < 10)
		dief("send queue", "did not settle within 10 s");
	if (out <= 0)
		dief("send queue", "is empty after filling it");
}

static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	if (sigprocmask(SIG_BLOCK, set, NULL) < 0)
		die("sigprocmask");
}

static void wait_for_stop(const sigset_t *set)
{
	for (;;) {
		int sig = sigwaitinfo(set, NULL);

		if (sig == SIGTERM || sig == SIGINT)
			return;
		if (sig < 0 && errno != EINTR)
			die("sigwaitinfo");
	}
}

/* The child: drops to OTHER_ID, opens its sockets, reports through READY_FD,
 * then holds them until SIGTERM/SIGINT (or its parent dies). */
static void other_user(int ready_fd, const sigset_t *set, pid_t parent)
{
	gid_t g = OTHER_ID;
	uid_t u = OTHER_ID;

	check(setgroups(0, NULL), "setgroups");
	check(setresgid(g, g, g), "setresgid");
	check(setresuid(u, u, u), "setresuid");
	/* set after the uid change, which clears it */
	check(prctl(PR_SET_PDEATHSIG, SIGTERM), "prctl PR_SET_PDEATHSIG");
	if (getppid() != parent)
		_exit(0);
	tcp_listen(AF_INET, "0.0.0.0", 5432, 0);        /* postgresql */
	udp_socket(AF_INET, "0.0.0.0", 1194);           /* openvpn */
	udp_socket(AF_INET6, "::1", 1194);
	write_all(ready_fd, "r", 1);
	check(close(ready_fd), "close");
	wait_for_stop(set);
	_exit(0);
}

static pid_t start_other_user(const sigset_t *set)
{
	int p[2];
	char c;
	ssize_t n;
	pid_t pid, self = getpid();

	check(pipe2(p, O_CLOEXEC), "pipe2");
	pid = check(fork(), "fork");
	if (pid == 0) {
		close(p[0]);
		other_user(p[1], set, self);
	}
	check(close(p[1]), "close");
	do
		n = read(p[0], &c, 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("read (child ready)");
	if (n == 0)
		dief("child for uid 65534", "exited before it was ready");
	check(close(p[0]), "close");
	return pid;
}

int main(void)
{
	static const char msg[123] = "unread data";
	static const char dgram[100] = "datagram";
	sigset_t set;
	pid_t child;
	int l22, l8080, l80, l3306, l2049, l7, l9, l443, l25, l111;
	int c, s, tw, u69, usnd, status;

	block_signals(&set);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		die("signal SIGPIPE");

	/* listeners (ports with names in /etc/services) */
	l22 = tcp_listen(AF_INET, "0.0.0.0", 22, 0);           /* ssh */
	l8080 = tcp_listen(AF_INET, "127.0.0.1", 8080, 0);     /* http-alt */
	l80 = tcp_listen(AF_INET6, "::", 80, 0);               /* http */
	l3306 = tcp_listen(AF_INET6, "::1", 3306, 0);          /* mysql */
	l2049 = tcp_listen(AF_INET, "127.0.0.1", 2049, 0);     /* nfs: never accepts */
	l7 = tcp_listen(AF_INET, "127.0.0.1", 7, 0);           /* echo */
	l9 = tcp_listen(AF_INET, "127.0.0.1", 9, 4096);        /* discard: small window */
	l443 = tcp_listen(AF_INET6, LONG6, 443, 0);            /* https on the long address */
	l25 = tcp_listen(AF_INET, "127.0.0.5", 25, 0);         /* smtp on a named address */
	l111 = tcp_listen(AF_INET, "127.0.0.1", 111, 0);       /* sunrpc: close states */
	(void)l80; (void)l2049;

	/* two completed connections nobody accepts: LISTEN row with Recv-Q 2 */
	tcp_client(AF_INET, NULL, "127.0.0.1", 2049, 0);
	tcp_client(AF_INET, NULL, "127.0.0.1", 2049, 0);

	/* established, receiver holds 123 unread bytes */
	c = tcp_client(AF_INET, NULL, "127.0.0.1", 7, 0);
	s = tcp_accept(l7);
	write_all(c, msg, sizeof(msg));
	wait_readable(s, "unread data");

	/* established, sender's queue full and the peer never reads */
	c = tcp_client(AF_INET, NULL, "127.0.0.1", 9, 4096);
	s = tcp_accept(l9);
	fill_and_settle(c, s);

	/* IPv6 over ::1 */
	tcp_client(AF_INET6, NULL, "::1", 3306, 0);
	tcp_accept(l3306);

	/* AF_INET6 socket to a v4-mapped address: a tcp6 row with IPv4 text */
	tcp_client(AF_INET6, NULL, "::ffff:127.0.0.1", 8080, 0);
	tcp_accept(l8080);

	/* the long IPv6 address on both ends */
	tcp_client(AF_INET6, LONG6, LONG6, 443, 0);
	tcp_accept(l443);

	/* from the named address 127.0.0.5 to ssh, and to smtp on it */
	tcp_client(AF_INET, "127.0.0.5", "127.0.0.1", 22, 0);
	tcp_accept(l22);
	tcp_client(AF_INET, NULL, "127.0.0.5", 25, 0);
	tcp_accept(l25);

	/* half-closed: client FIN_WAIT2, server CLOSE_WAIT (both stay) */
	c = tcp_client(AF_INET, NULL, "127.0.0.1", 111, 0);
	s = tcp_accept(l111);
	check(shutdown(c, SHUT_WR), "shutdown");
	wait_readable(s, "FIN");

	/* UDP: unconnected servers, connected clients, unread datagrams */
	udp_socket(AF_INET, "0.0.0.0", 123);                    /* ntp */
	udp_socket(AF_INET6, "::", 5353);                       /* mdns */
	c = udp_socket(AF_INET, "127.0.0.1", 0);
	do_connect(c, AF_INET, "127.0.0.1", 514);              /* syslog */
	c = udp_socket(AF_INET6, "::1", 0);
	do_connect(c, AF_INET6, "::1", 5353);
	u69 = udp_socket(AF_INET, "127.0.0.1", 69);             /* tftp */
	usnd = udp_socket(AF_INET, "127.0.0.1", 0);
	{
		struct sockaddr_storage ss;
		socklen_t len = mkaddr(&ss, AF_INET, "127.0.0.1", 69);
		int i;

		for (i = 0; i < 2; i++)
			if (sendto(usnd, dgram, sizeof(dgram), 0, (struct sockaddr *)&ss, len) !=
			    (ssize_t)sizeof(dgram))
				die("sendto");
	}
	wait_readable(u69, "datagrams");

	child = start_other_user(&set);

	/* TIME_WAIT (60 s) on the client side: client closes first */
	tw = tcp_client(AF_INET, NULL, "127.0.0.1", 111, 0);
	s = tcp_accept(l111);
	check(close(tw), "close");
	wait_readable(s, "FIN");
	{
		char b;

		if (check((int)read(s, &b, 1), "read (EOF)") != 0)
			dief("TIME_WAIT", "expected EOF");
	}
	check(close(s), "close");

	/* let loopback delivery and ACKs finish before anyone looks */
	sleep_ms(300);
	if (queued(u69, SIOCINQ, "ioctl SIOCINQ") <= 0)
		dief("udp", "datagrams vanished");
	if (printf("ready\n") < 0 || fflush(stdout) != 0)
		die("stdout");

	wait_for_stop(&set);
	if (kill(child, SIGTERM) < 0)
		die("kill child");
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		dief("child for uid 65534", "did not exit cleanly");
	return 0;
}
