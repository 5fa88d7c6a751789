/* churn: socket churn on loopback, for the churn and fallback tests.
 *
 *   churn hold N
 *       A TCP listener on 127.0.0.1 and one on [::1], N connections to each
 *       (2N ESTABLISHED pairs), and N bound UDP sockets. Prints "ready", then
 *       holds everything until standard input reaches end of file.
 *   churn run SECONDS RING
 *       Listeners as above, then for SECONDS keeps RING connections open while
 *       replacing the oldest one as fast as it can: connect, accept, and close
 *       the oldest pair, most with an RST (SO_LINGER 0, no TIME_WAIT), every
 *       fourth normally (TIME_WAIT); a UDP socket is opened and closed along
 *       with each. Prints "ready" once the ring is full and at the end (or on
 *       SIGTERM) "opened N connections in S s (R per second)", then exits 0.
 * Run it in a private network namespace: it only uses 127.0.0.1 and ::1.
 * Plain socket calls: a test tool, independent of the code under test. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RING_MAX 4000

struct pair {
	int c, a, u;
};

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void die(const char *what)
{
	fprintf(stderr, "churn: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int listener(int family, struct sockaddr_storage *ss, socklen_t *len)
{
	int one = 1, fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die("socket");
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		*len = sizeof(*s6);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)ss, *len) < 0 || listen(fd, 4096) < 0 ||
	    getsockname(fd, (struct sockaddr *)ss, len) < 0)
		die("listen");
	return fd;
}

static void open_pair(struct pair *p, int lfd, const struct sockaddr_storage *ss, socklen_t len)
{
	struct sockaddr_storage u = *ss;

	p->c = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->c < 0 || connect(p->c, (const struct sockaddr *)ss, len) < 0)
		die("connect");
	p->a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (p->a < 0)
		die("accept");
	p->u = socket(ss->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)&u)->sin_port = 0;
	else
		((struct sockaddr_in6 *)&u)->sin6_port = 0;
	if (p->u < 0 || bind(p->u, (struct sockaddr *)&u, len) < 0)
		die("udp bind");
}

static void close_pair(struct pair *p, int rst)
{
	if (rst) {
		struct linger lg = { 1, 0 };

		setsockopt(p->c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(p->c);
	close(p->a);
	close(p->u);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static struct pair ring[2 * RING_MAX];
	struct sockaddr_storage ss[2];
	socklen_t len[2];
	int lfd[2], n, i;
	char c;

	if (argc < 3)
		goto usage;
	setvbuf(stdout, NULL, _IONBF, 0);
	lfd[0] = listener(AF_INET, &ss[0], &len[0]);
	lfd[1] = listener(AF_INET6, &ss[1], &len[1]);
	if (!strcmp(argv[1], "hold") && argc == 3) {
		n = atoi(argv[2]);
		if (n < 1 || n > RING_MAX)
			goto usage;
		for (i = 0; i < 2 * n; i++)
			open_pair(&ring[i], lfd[i & 1], &ss[i & 1], len[i & 1]);
		puts("ready");
		while (read(0, &c, 1) > 0)
			;
		return 0;
	}
	if (!strcmp(argv[1], "run") && argc == 4) {
		double start, end;
		unsigned long opened = 0, k = 0;
		struct sigaction sa;
		int secs = atoi(argv[2]);

		n = atoi(argv[3]);
		if (secs < 1 || secs > 600 || n < 1 || n > RING_MAX)
			goto usage;
		for (i = 0; i < n; i++, opened++)
			open_pair(&ring[i], lfd[i & 1], &ss[i & 1], len[i & 1]);
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_term;
		sigaction(SIGTERM, &sa, NULL);
		opened = 0;
		puts("ready");
		start = now();
		end = start + secs;
		while (!stop && now() < end) {
			for (i = 0; i < 256; i++, k++, opened++) {
				struct pair *p = &ring[k % (unsigned long)n];

				close_pair(p, (k & 3) != 0);
				open_pair(p, lfd[k & 1], &ss[k & 1], len[k & 1]);
			}
		}
		printf("opened %lu connections in %.1f s (%.0f per second)\n", opened,
		       now() - start, (double)opened / (now() - start));
		return 0;
	}
usage:
	fputs("usage: churn hold N | churn run SECONDS RING  (N, RING <= 4000)\n", stderr);
	return 2;
}
