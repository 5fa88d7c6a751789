/* Test helper for test_resolve.sh: holds sockets open until stdin closes.
 *
 *   resolve_peers SPEC...
 *   hole ADDR PORT               UDP socket bound to ADDR:PORT that never reads
 *                                (a DNS server that never answers)
 *   tcp LADDR PORT DST SRC...    listen on LADDR:PORT, connect from each SRC to
 *                                DST:PORT and accept (one ESTABLISHED pair each)
 *   udp LADDR PORT SRC...        UDP bound to LADDR:PORT, one UDP socket per SRC
 *                                connected to it (ESTABLISHED UDP rows)
 *
 * Prints "ready" once every socket exists, then waits for EOF on stdin. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what, const char *arg)
{
	fprintf(stderr, "resolve_peers: %s %s: ", what, arg);
	perror(NULL);
	exit(1);
}

static socklen_t mkaddr(struct sockaddr_storage *ss, const char *a, int port)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, a, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		return sizeof(*s4);
	}
	if (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		return sizeof(*s6);
	}
	fprintf(stderr, "resolve_peers: bad address %s\n", a);
	exit(2);
}

/* Close with a reset: no TIME_WAIT rows linger into later checks. */
static void no_time_wait(int fd)
{
	struct linger l = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

static int bound(int type, const char *a, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, a, port);
	int one = 1, fd = socket(ss.ss_family, type, 0);

	if (fd < 0)
		die("socket", a);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0)
		die("bind", a);
	if (type == SOCK_STREAM)
		no_time_wait(fd);
	return fd;
}

static void connect_to(int fd, const char *a, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = mkaddr(&ss, a, port);

	if (connect(fd, (struct sockaddr *)&ss, len) < 0)
		die("connect", a);
}

static int is_kw(const char *s)
{
	return !strcmp(s, "hole") || !strcmp(s, "tcp") || !strcmp(s, "udp");
}

int main(int argc, char **argv)
{
	int i = 1;
	char c;

	while (i < argc) {
		const char *kw = argv[i];

		if (!strcmp(kw, "hole") && i + 2 < argc) {
			bound(SOCK_DGRAM, argv[i + 1], atoi(argv[i + 2]));
			i += 3;
		} else if (!strcmp(kw, "tcp") && i + 3 < argc) {
			int port = atoi(argv[i + 2]);
			int l = bound(SOCK_STREAM, argv[i + 1], port);
			const char *dst = argv[i + 3];

			if (listen(l, 4096) < 0)
				die("listen", argv[i + 1]);
			for (i += 4; i < argc && !is_kw(argv[i]); i++) {
				int fd = bound(SOCK_STREAM, argv[i], 0);
				int c;

				connect_to(fd, dst, port);
				c = accept(l, NULL, NULL);
				if (c < 0)
					die("accept", argv[i]);
				no_time_wait(c);
			}
		} else if (!strcmp(kw, "udp") && i + 2 < argc) {
			int port = atoi(argv[i + 2]);
			const char *dst = argv[i + 1];

			bound(SOCK_DGRAM, dst, port);
			for (i += 3; i < argc && !is_kw(argv[i]); i++)
				connect_to(bound(SOCK_DGRAM, argv[i], 0), dst, port);
		} else {
			fprintf(stderr, "resolve_peers: bad spec at '%s'\n", kw);
			return 2;
		}
	}
	puts("ready");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}
