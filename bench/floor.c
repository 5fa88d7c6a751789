/* floor: the benchmark's lower bound for `netstat -tuan`. One sock_diag dump
 * per table (TCP/IPv4, TCP/IPv6, UDP/IPv4, UDP/IPv6) with plain recv(2) into a
 * 32 KiB buffer, each row printed with one printf in netstat's column layout.
 * No names, no sorting: what the kernel and a bare printf cost. With -k
 * (kernel only) rows are counted, not printed, and the count is the output.
 * Exit status 0, or 1 when a dump fails. Not part of pnet. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *const states[] = {
	"", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT",
	"CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "UNKNOWN", "UNKNOWN",
};

static void addr(char *out, size_t len, int family, const void *a, unsigned port)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(family, a, ip, sizeof(ip));
	if (port)
		snprintf(out, len, "%s:%u", ip, port);
	else
		snprintf(out, len, "%s:*", ip);
}

static int konly;
static unsigned long rows;

static int dump(int fd, int proto, int family, unsigned seq)
{
	static char buf[32768];
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req;
	const char *name = proto == IPPROTO_TCP ? (family == AF_INET ? "tcp" : "tcp6")
						: (family == AF_INET ? "udp" : "udp6");

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.nlh.nlmsg_seq = seq;
	req.r.sdiag_family = (unsigned char)family;
	req.r.sdiag_protocol = (unsigned char)proto;
	req.r.idiag_states = ~0u;
	if (send(fd, &req, sizeof(req), 0) < 0)
		return -1;
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			const struct inet_diag_msg *m = NLMSG_DATA(h);
			char l[64], r[64];

			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				errno = EPROTO;
				return -1;
			}
			if (konly) {
				rows++;
				continue;
			}
			addr(l, sizeof(l), m->idiag_family, m->id.idiag_src, ntohs(m->id.idiag_sport));
			addr(r, sizeof(r), m->idiag_family, m->id.idiag_dst, ntohs(m->id.idiag_dport));
			printf("%-5s %6u %6u %-23s %-23s %s\n", name, m->idiag_rqueue,
			       m->idiag_state == 10 ? 0 : m->idiag_wqueue, l, r,
			       proto == IPPROTO_TCP && m->idiag_state < 14 ? states[m->idiag_state] : "");
		}
	}
}

int main(int argc, char **argv)
{
	static char obuf[65536];
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (fd < 0) {
		perror("floor: socket");
		return 1;
	}
	konly = argc > 1 && strcmp(argv[1], "-k") == 0;
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	if (!konly)
		printf("Active Internet connections (servers and established)\n"
	       "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n");
	if (dump(fd, IPPROTO_TCP, AF_INET, 1) < 0 || dump(fd, IPPROTO_TCP, AF_INET6, 2) < 0 ||
	    dump(fd, IPPROTO_UDP, AF_INET, 3) < 0 || dump(fd, IPPROTO_UDP, AF_INET6, 4) < 0) {
		perror("floor: sock_diag dump");
		return 1;
	}
	if (konly)
		printf("%lu\n", rows);
	return fflush(stdout) == 0 ? 0 : 1;
}
