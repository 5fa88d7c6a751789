/* nodiag_shim: an LD_PRELOAD library that takes netlink sock_diag away from a
 * program, to test pnet's /proc/net fallback and dump restarts. Build it with
 *     cc -shared -fPIC -DNODIAG_SHIM_LIB -o nodiag_shim.so nodiag_shim.c -ldl
 * (the test scripts do). The CMake tools glob also builds this file as a plain
 * executable; that one only prints this usage.
 *
 * PNET_NODIAG selects the failure:
 *   EPROTONOSUPPORT | EACCES | EPERM | EAFNOSUPPORT
 *       socket(AF_NETLINK, *, NETLINK_SOCK_DIAG) fails with that errno
 *       (a kernel without sock_diag, a seccomp filter or an LSM policy).
 *   ENOENT:tcp | ENOENT:udp
 *       the socket works, but a dump request for that protocol is answered
 *       by NLMSG_DONE carrying -ENOENT, as when tcp_diag/udp_diag is missing.
 *   ENOBUFS
 *       the first receive after the first datagram of the first dump fails
 *       with ENOBUFS (once per process), as when the socket overran.
 * When PNET_NODIAG_LOG names a file, every injected failure appends a line to it.
 * Other sockets are never touched. */
#ifdef NODIAG_SHIM_LIB
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define MAXFD 4096

static unsigned char is_diag[MAXFD];    /* fd is a NETLINK_SOCK_DIAG socket */
static uint32_t fake_done_seq[MAXFD];    /* nonzero: answer the next recv with -ENOENT */
static int recv_count;
static int enobufs_done;

static void logline(const char *what)
{
	const char *path = getenv("PNET_NODIAG_LOG");
	int (*op)(const char *, int, ...) = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
	int fd;

	if (!path || !op)
		return;
	fd = op(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd >= 0) {
		if (write(fd, what, strlen(what)) < 0) {
			/* nothing to do: the log is best effort */
		}
		close(fd);
	}
}

static const char *mode(void)
{
	const char *m = getenv("PNET_NODIAG");

	return m ? m : "";
}

static int errno_of(const char *m)
{
	if (!strcmp(m, "EPROTONOSUPPORT"))
		return EPROTONOSUPPORT;
	if (!strcmp(m, "EACCES"))
		return EACCES;
	if (!strcmp(m, "EPERM"))
		return EPERM;
	if (!strcmp(m, "EAFNOSUPPORT"))
		return EAFNOSUPPORT;
	return 0;
}

int socket(int domain, int type, int protocol)
{
	static int (*real)(int, int, int);
	int e, fd;

	if (!real)
		real = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
	if (domain == AF_NETLINK && protocol == NETLINK_SOCK_DIAG) {
		e = errno_of(mode());
		if (e) {
			logline("socket refused\n");
			errno = e;
			return -1;
		}
	}
	fd = real(domain, type, protocol);
	if (fd >= 0 && fd < MAXFD) {
		is_diag[fd] = domain == AF_NETLINK && protocol == NETLINK_SOCK_DIAG;
		fake_done_seq[fd] = 0;
	}
	return fd;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to,
	       socklen_t tolen)
{
	static ssize_t (*real)(int, const void *, size_t, int, const struct sockaddr *, socklen_t);
	const char *m = mode();

	if (!real)
		real = (ssize_t (*)(int, const void *, size_t, int, const struct sockaddr *,
				    socklen_t))dlsym(RTLD_NEXT, "sendto");
	if (fd >= 0 && fd < MAXFD && is_diag[fd] && !strncmp(m, "ENOENT:", 7) &&
	    len >= NLMSG_LENGTH(sizeof(struct inet_diag_req_v2))) {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
		int want = strcmp(m + 7, "udp") ? IPPROTO_TCP : IPPROTO_UDP;

		memcpy(&h, buf, sizeof(h));
		memcpy(&r, (const char *)buf + NLMSG_HDRLEN, sizeof(r));
		if (r.sdiag_protocol == want) {
			logline("dump answered ENOENT\n");
			fake_done_seq[fd] = h.nlmsg_seq ? h.nlmsg_seq : 1;
			return (ssize_t)len;
		}
	}
	return real(fd, buf, len, flags, to, tolen);
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	static ssize_t (*real)(int, struct msghdr *, int);

	if (!real)
		real = (ssize_t (*)(int, struct msghdr *, int))dlsym(RTLD_NEXT, "recvmsg");
	if (fd < 0 || fd >= MAXFD || !is_diag[fd])
		return real(fd, msg, flags);
	if (fake_done_seq[fd] && msg->msg_iovlen >= 1 && msg->msg_iov[0].iov_len >= 20) {
		struct {
			struct nlmsghdr h;
			int err;
		} done = { { 20, NLMSG_DONE, NLM_F_MULTI, fake_done_seq[fd], 0 }, -ENOENT };
		struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

		memcpy(msg->msg_iov[0].iov_base, &done, 20);
		if (msg->msg_name && msg->msg_namelen >= sizeof(sa))
			memcpy(msg->msg_name, &sa, sizeof(sa));
		msg->msg_namelen = sizeof(sa);
		msg->msg_flags = 0;
		fake_done_seq[fd] = 0;
		return 20;
	}
	if (!strcmp(mode(), "ENOBUFS") && !enobufs_done && recv_count++ == 1) {
		enobufs_done = 1;
		logline("recv failed ENOBUFS\n");
		errno = ENOBUFS;
		return -1;
	}
	return real(fd, msg, flags);
}
#else
#include <stdio.h>

int main(void)
{
	fputs("nodiag_shim: an LD_PRELOAD library; build it with\n"
	      "  cc -shared -fPIC -DNODIAG_SHIM_LIB -o nodiag_shim.so nodiag_shim.c -ldl\n", stderr);
	return 2;
}
#endif
