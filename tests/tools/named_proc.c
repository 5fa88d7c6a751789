/* named_proc NAME SPEC...: a process whose command line starts with NAME (any
 * bytes: spaces, escape sequences, a path) and that holds the sockets SPEC
 * asks for, until killed. Used by the -p and -o integration tests.
 *
 * SPEC is KIND:ADDR:PORT, ADDR an IPv4 literal or [IPv6]:
 *   L  TCP listener that accepts everything, never reads, closes on peer close
 *   H  TCP listener with backlog 0 that never accepts (later SYNs are dropped)
 *   D  TCP listener with TCP_DEFER_ACCEPT (a bare handshake stays SYN_RECV)
 *   C  TCP connect            K  TCP connect with keepalive (idle 3000 s)
 *   F  TCP connect, then write until the send buffer is full
 *   T  TCP connect, then close at once (TIME_WAIT here)
 *   N  TCP connect without waiting for the handshake
 *   U  UDP bind               W  UDP connect
 * When the environment names NAMED_PROC_READY, that file is created (holding
 * the pid) once every socket is set up. Exit status 1 on a setup error. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXFD 1024

static struct pollfd pfd[MAXFD];
static int npfd;

static int parse(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon;
	size_t hl;
	long port;

	if (s[0] == '[') {
		const char *e = strchr(s, ']');

		if (!e || e[1] != ':')
			return -1;
		hl = (size_t)(e - s - 1);
		if (hl >= sizeof(host))
			return -1;
		memcpy(host, s + 1, hl);
		colon = e + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hl = (size_t)(colon - s);
		if (hl >= sizeof(host))
			return -1;
		memcpy(host, s, hl);
	}
	host[hl] = '\0';
	port = strtol(colon + 1, NULL, 10);
	memset(ss, 0, sizeof(*ss));
	if (strchr(host, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1)
			return -1;
		*len = sizeof(*a);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
			return -1;
		*len = sizeof(*a);
	}
	return 0;
}

static void watch(int fd, short ev)
{
	if (npfd < MAXFD) {
		pfd[npfd].fd = fd;
		pfd[npfd].events = ev;
		npfd++;
	}
}

/* Wait until a non-blocking connect finished (at most 2 s). */
static int wait_connected(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	int err = 0;
	socklen_t el = sizeof(err);

	if (poll(&p, 1, 2000) != 1)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err)
		return -1;
	return 0;
}

static int setup(const char *spec)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char kind = spec[0];
	int one = 1, fd, type = (kind == 'U' || kind == 'W') ? SOCK_DGRAM : SOCK_STREAM;

	if (!kind || spec[1] != ':' || parse(spec + 2, &ss, &len) < 0) {
		fprintf(stderr, "named_proc: bad spec '%s'\n", spec);
		return -1;
	}
	fd = socket(ss.ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	switch (kind) {
	case 'L':
	case 'H':
	case 'D':
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (kind == 'D') {
			int secs = 600;     /* SYN_RECV for minutes, not 31 s */

			setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &secs, sizeof(secs));
		}
		if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
		    listen(fd, kind == 'H' ? 0 : 128) < 0)
			goto fail;
		if (kind == 'L')
			watch(fd, POLLIN);
		return 0;
	case 'U':
		if (bind(fd, (struct sockaddr *)&ss, len) < 0)
			goto fail;
		return 0;
	case 'W':
		if (connect(fd, (struct sockaddr *)&ss, len) < 0)
			goto fail;
		return 0;
	case 'C':
	case 'K':
	case 'F':
	case 'T':
	case 'N':
		if (kind == 'K') {
			int idle = 3000;

			setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
			setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
		}
		fcntl(fd, F_SETFL, O_NONBLOCK);
		if (connect(fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS)
			goto fail;
		if (kind == 'N')
			return 0;
		if (wait_connected(fd) < 0)
			goto fail;
		if (kind == 'T') {
			close(fd);
		} else if (kind == 'F') {
			static char buf[65536];

			while (write(fd, buf, sizeof(buf)) > 0)
				;
		}
		return 0;
	default:
		fprintf(stderr, "named_proc: unknown kind in '%s'\n", spec);
		return -1;
	}
fail:
	fprintf(stderr, "named_proc: %s: %s\n", spec, strerror(errno));
	return -1;
}

static void ready(void)
{
	const char *path = getenv("NAMED_PROC_READY");
	char tmp[4096];
	FILE *f;

	if (!path)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
	rename(tmp, path);
}

int main(int argc, char **argv)
{
	int i;

	if (!getenv("NAMED_PROC_CHILD")) {
		if (argc < 2) {
			fputs("usage: named_proc NAME SPEC...\n", stderr);
			return 2;
		}
		/* Re-exec with NAME as argv[0]: that is what /proc/<pid>/cmdline shows. */
		setenv("NAMED_PROC_CHILD", "1", 1);
		execv("/proc/self/exe", argv + 1);
		perror("named_proc: execv");
		return 1;
	}
	unsetenv("NAMED_PROC_CHILD");
	for (i = 1; i < argc; i++)
		if (setup(argv[i]) < 0)
			return 1;
	ready();
	for (;;) {
		if (poll(pfd, (nfds_t)npfd, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		for (i = 0; i < npfd; i++) {
			if (!pfd[i].revents)
				continue;
			if (pfd[i].events & POLLIN) {
				int c = accept4(pfd[i].fd, NULL, NULL, SOCK_CLOEXEC);

				if (c >= 0)
					watch(c, POLLRDHUP);
			} else {
				/* peer closed: close too, so the peer can reach TIME_WAIT */
				close(pfd[i].fd);
				pfd[i] = pfd[--npfd];
				i--;
			}
		}
	}
}
