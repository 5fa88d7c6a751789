/* loadgen: fill the current network namespace with loopback sockets for the
 * benchmark, then hold them until SIGTERM/SIGINT.
 *
 *   loadgen -c CONNS -l LISTENERS -u UDP [-f FDS_PER_WORKER] [-r READY_FILE]
 *
 * CONNS established TCP connections (both ends live here: 2 sockets each),
 * LISTENERS listening TCP sockets and UDP bound UDP sockets, spread over as
 * many worker processes as the per-process open-file limit needs (default
 * budget 18000 descriptors per worker). Every socket is owned by a worker, so
 * -p listings find a PID for each. Addresses (127/8 is local on lo):
 *   connection server listener of worker w  127.1.(w/250).(w%250+1):9000
 *   connection clients of worker w          127.2.(w/250).(w%250+1):<ephemeral>
 *   other listeners                         127.0.0.1:10000+i, every 10th on [::1]
 *   UDP sockets                             127.0.0.3:10000+i, every 10th on [::1]
 * Connection sockets close with SO_LINGER 0 (RST, no TIME_WAIT left behind).
 * Workers die with the parent, and the parent stops when its own parent dies
 * (PR_SET_PDEATHSIG). When all are loaded the
 * parent creates READY_FILE (if given) and prints "ready N" on stdout.
 * Progress goes to stderr. Exit status 0 after a clean stop, 1 on failure. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 1000
#define LISTEN_PORT_BASE 10000
#define UDP_PORT_BASE 10000
#define CONN_PORT 9000
#define BATCH 1000

struct share {
	long conns, listeners, udp;     /* what this worker creates */
	long lfirst, ufirst;            /* index of its first listener / UDP socket */
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

static void on_child(int sig)
{
	(void)sig;
}

static void die(const char *what, long i)
{
	fprintf(stderr, "loadgen[%d]: %s (#%ld): %s\n", (int)getpid(), what, i, strerror(errno));
	_exit(1);
}

static void v4(struct sockaddr_in *a, unsigned b1, unsigned b2, unsigned b3, unsigned port)
{
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	a->sin_addr.s_addr = htonl(127u << 24 | b1 << 16 | b2 << 8 | b3);
}

static void v6lo(struct sockaddr_in6 *a, unsigned port)
{
	memset(a, 0, sizeof(*a));
	a->sin6_family = AF_INET6;
	a->sin6_port = htons((uint16_t)port);
	a->sin6_addr = in6addr_loopback;
}

/* A socket of the given type bound to 127.0.0.b3:port, or [::1]:port when six. */
static int bound(int type, int six, unsigned b3, unsigned port, long i)
{
	struct sockaddr_in a4;
	struct sockaddr_in6 a6;
	int one = 1;
	int fd = socket(six ? AF_INET6 : AF_INET, type, 0);

	if (fd < 0)
		die("socket", i);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (six) {
		v6lo(&a6, port);
		if (bind(fd, (struct sockaddr *)&a6, sizeof(a6)) < 0)
			die("bind [::1]", i);
	} else {
		v4(&a4, 0, 0, b3, port);
		if (bind(fd, (struct sockaddr *)&a4, sizeof(a4)) < 0)
			die("bind 127.0.0.x", i);
	}
	return fd;
}

static void linger0(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
}

/* Create this worker's sockets, report on fd rep, then sleep until killed. */
static void worker(int w, const struct share *s, int rep)
{
	struct sockaddr_in srv, cli;
	long i, done = 0;
	int lfd = -1, one = 1;
	char msg[64];

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	if (s->conns > 0) {
		v4(&srv, 1, (unsigned)w / 250, (unsigned)w % 250 + 1, CONN_PORT);
		v4(&cli, 2, (unsigned)w / 250, (unsigned)w % 250 + 1, 0);
		lfd = socket(AF_INET, SOCK_STREAM, 0);
		if (lfd < 0)
			die("socket", 0);
		setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(lfd, (struct sockaddr *)&srv, sizeof(srv)) < 0)
			die("bind server", 0);
		if (listen(lfd, BATCH * 2) < 0)
			die("listen server", 0);
	}
	while (done < s->conns) {
		long n = s->conns - done < BATCH ? s->conns - done : BATCH;

		for (i = 0; i < n; i++) {
			int fd = socket(AF_INET, SOCK_STREAM, 0);

			if (fd < 0)
				die("socket client", done + i);
			linger0(fd);
			if (bind(fd, (struct sockaddr *)&cli, sizeof(cli)) < 0)
				die("bind client", done + i);
			if (connect(fd, (struct sockaddr *)&srv, sizeof(srv)) < 0)
				die("connect", done + i);
		}
		for (i = 0; i < n; i++) {
			int fd = accept(lfd, NULL, NULL);

			if (fd < 0)
				die("accept", done + i);
			linger0(fd);
		}
		done += n;
	}
	for (i = 0; i < s->listeners - (s->conns > 0); i++) {
		long k = s->lfirst + i;
		int fd = bound(SOCK_STREAM, k % 10 == 9, 1, (unsigned)(LISTEN_PORT_BASE + k), k);

		if (listen(fd, 16) < 0)
			die("listen", k);
	}
	for (i = 0; i < s->udp; i++) {
		long k = s->ufirst + i;

		bound(SOCK_DGRAM, k % 10 == 9, 3, (unsigned)(UDP_PORT_BASE + k), k);
	}
	snprintf(msg, sizeof(msg), "%ld\n", 2 * s->conns + s->listeners + s->udp);
	if (write(rep, msg, strlen(msg)) < 0)
		_exit(1);
	close(rep);
	for (;;)
		pause();
}

static long num(const char *s, const char *opt)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 0 || v > 10000000) {
		fprintf(stderr, "loadgen: bad %s '%s'\n", opt, s);
		exit(2);
	}
	return v;
}

static void kill_all(const pid_t *pids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGKILL);
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			waitpid(pids[i], NULL, 0);
}

int main(int argc, char **argv)
{
	long conns = 0, listeners = 0, udp = 0, budget = 18000, total, per, uper, got = 0;
	const char *ready = NULL;
	static pid_t pids[MAX_WORKERS];
	int nw, w, c, rep[2], rc = 0;
	struct rlimit rl;
	struct sigaction sa;
	sigset_t block, old;
	struct timespec t0, t1;
	FILE *in;
	char line[64];

	/* stop with whoever started us (the runner), even if it is killed */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	while ((c = getopt(argc, argv, "c:l:u:f:r:")) != -1) {
		switch (c) {
		case 'c': conns = num(optarg, "-c"); break;
		case 'l': listeners = num(optarg, "-l"); break;
		case 'u': udp = num(optarg, "-u"); break;
		case 'f': budget = num(optarg, "-f"); break;
		case 'r': ready = optarg; break;
		default:
			fprintf(stderr, "usage: loadgen -c CONNS -l LISTENERS -u UDP "
				"[-f FDS_PER_WORKER] [-r READY_FILE]\n");
			return 2;
		}
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && (rlim_t)budget + 64 > rl.rlim_cur)
		budget = (long)rl.rlim_cur - 64;
	if (budget < 100) {
		fprintf(stderr, "loadgen: open-file limit too low\n");
		return 1;
	}
	total = 2 * conns + listeners + udp;
	nw = (int)((total + budget - 1) / budget);
	if (nw < 1)
		nw = 1;
	if (conns > 0 && listeners < nw) {
		/* each worker's connection server is one of the listeners */
		fprintf(stderr, "loadgen: need at least %d listeners for %d workers\n", nw, nw);
		return 2;
	}
	if (nw > MAX_WORKERS) {
		fprintf(stderr, "loadgen: too many workers (%d)\n", nw);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_child;            /* only wakes sigsuspend */
	sigaction(SIGCHLD, &sa, NULL);
	if (pipe(rep) < 0) {
		perror("loadgen: pipe");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	fprintf(stderr, "loadgen: %ld sockets (%ld connections, %ld listeners, %ld udp) "
		"over %d workers\n", total, conns, listeners, udp, nw);
	per = uper = 0;
	for (w = 0; w < nw; w++) {
		struct share s;

		s.conns = conns / nw + (w < conns % nw);
		s.listeners = listeners / nw + (w < listeners % nw);
		s.udp = udp / nw + (w < udp % nw);
		s.lfirst = per;
		s.ufirst = uper;
		per += s.listeners - (s.conns > 0);
		uper += s.udp;
		pids[w] = fork();
		if (pids[w] < 0) {
			perror("loadgen: fork");
			kill_all(pids, w);
			return 1;
		}
		if (pids[w] == 0) {
			signal(SIGTERM, SIG_DFL);
			signal(SIGINT, SIG_DFL);
			signal(SIGHUP, SIG_DFL);
			signal(SIGCHLD, SIG_DFL);
			close(rep[0]);
			worker(w, &s, rep[1]);
		}
	}
	close(rep[1]);
	in = fdopen(rep[0], "r");
	for (w = 0; w < nw && in && fgets(line, sizeof(line), in); w++) {
		got += atol(line);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		fprintf(stderr, "loadgen: %d/%d workers ready, %ld sockets, %.1f s\n", w + 1, nw,
			got, (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	if (w < nw) {
		fprintf(stderr, "loadgen: a worker failed\n");
		kill_all(pids, nw);
		return 1;
	}
	if (ready) {
		int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0) {
			perror("loadgen: ready file");
			kill_all(pids, nw);
			return 1;
		}
		close(fd);
	}
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, &old);
	printf("ready %ld\n", got);
	fflush(stdout);
	for (;;) {
		pid_t p = waitpid(-1, NULL, WNOHANG);

		if (stop)
			break;
		if (p > 0) {
			fprintf(stderr, "loadgen: worker %d died\n", (int)p);
			for (w = 0; w < nw; w++)
				if (pids[w] == p)
					pids[w] = 0;
			rc = 1;
			break;
		}
		sigsuspend(&old);
	}
	kill_all(pids, nw);
	return rc;
}
