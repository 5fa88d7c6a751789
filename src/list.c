/* The listing pipeline: sock_diag dump -> netstat row selection -> enrich
 * (names, users) -> format. Rows stream straight to the output buffer; only
 * when host names are shown are rows kept until the resolver has answered. */
#include "pnet/list.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pnet/format.h"
#include "pnet/outbuf.h"
#include "pnet/ports.h"
#include "pnet/resolve.h"
#include "pnet/sockdiag.h"
#include "pnet/users.h"

#define OUTBUF_SIZE (256 * 1024)

struct run {
	const struct pnet_opts *o;
	struct outbuf ob;
	struct pnet_ports *ports;       /* NULL with --numeric-ports */
	struct resolve *res;            /* NULL with --numeric-hosts */
	struct users *users;            /* NULL unless -e without --numeric-users */
	struct pnet_sock *held;         /* rows waiting for host names */
	size_t nheld, capheld;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void print_row(struct run *r, const struct pnet_sock *s)
{
	const struct pnet_opts *o = r->o;
	struct pnet_names n = { 0 };

	if (r->res) {
		n.lhost = resolve_host(r->res, s->family, s->laddr);
		n.rhost = resolve_host(r->res, s->family, s->raddr);
	}
	if (r->ports) {
		n.lserv = ports_service(r->ports, s->lport, (enum pnet_proto)s->proto);
		n.rserv = ports_service(r->ports, s->rport, (enum pnet_proto)s->proto);
	}
	if (o->extend && r->users)
		n.user = users_name(r->users, s->uid);
	fmt_row(&r->ob, o, s, &n);
}

static int on_sock(const struct pnet_sock *s, void *data)
{
	struct run *r = data;

	if (!fmt_row_selected(r->o, s))
		return 0;
	if (!r->res) {
		print_row(r, s);
		return 0;
	}
	if (r->nheld == r->capheld) {
		size_t cap = r->capheld ? r->capheld * 2 : 1024;
		struct pnet_sock *h = realloc(r->held, cap * sizeof(*h));

		if (!h) {
			errno = ENOMEM;
			return -1;
		}
		r->held = h;
		r->capheld = cap;
	}
	r->held[r->nheld++] = *s;
	resolve_submit(r->res, s->family, s->laddr);
	resolve_submit(r->res, s->family, s->raddr);
	return 0;
}

static const char *proto_name(enum pnet_proto p, int family)
{
	if (p == PNET_TCP)
		return family == AF_INET ? "TCP/IPv4" : "TCP/IPv6";
	return family == AF_INET ? "UDP/IPv4" : "UDP/IPv6";
}

/* One listing: title, header, then TCP/IPv4, TCP/IPv6, UDP/IPv4, UDP/IPv6 (netstat's order). */
static int list_once(struct run *r, struct sockdiag *sd)
{
	const struct pnet_opts *o = r->o;
	static const int families[2] = { AF_INET, AF_INET6 };
	int p, f;
	size_t i;

	fmt_title(&r->ob, o);
	fmt_header(&r->ob, o);
	r->nheld = 0;
	for (p = PNET_TCP; p <= PNET_UDP; p++) {
		if ((p == PNET_TCP && !o->tcp) || (p == PNET_UDP && !o->udp))
			continue;
		for (f = 0; f < 2; f++) {
			uint32_t states = SOCKDIAG_ALL_STATES;

			if ((families[f] == AF_INET && !o->inet4) || (families[f] == AF_INET6 && !o->inet6))
				continue;
			/* TCP rows netstat shows with -l are exactly the listeners, and
			 * without -a/-l exactly the non-listeners: let the kernel skip
			 * the table we would throw away. */
			if (p == PNET_TCP && !o->all)
				states = o->listening ? 1u << PNET_ST_LISTEN
						      : SOCKDIAG_ALL_STATES & ~(1u << PNET_ST_LISTEN);
			struct sockdiag_req q = {
				.proto = (enum pnet_proto)p,
				.family = families[f],
				.states = states,
				.flags = o->timers ? SOCKDIAG_WANT_INFO : 0,
			};

			if (sockdiag_dump(sd, &q, on_sock, r) < 0) {
				int e = errno;

				ob_flush(&r->ob);
				if (e == ENOENT)
					fprintf(stderr, "pnet: the kernel has no sock_diag support for %s "
						"(is the %s_diag module loaded?)\n",
						proto_name((enum pnet_proto)p, families[f]),
						p == PNET_TCP ? "tcp" : "udp");
				else
					fprintf(stderr, "pnet: sock_diag dump of %s sockets failed: %s\n",
						proto_name((enum pnet_proto)p, families[f]), strerror(e));
				return 1;
			}
		}
	}
	if (r->res) {
		resolve_wait(r->res);
		for (i = 0; i < r->nheld; i++)
			print_row(r, &r->held[i]);
	}
	if (ob_flush(&r->ob) < 0) {
		fprintf(stderr, "pnet: write error on standard output: %s\n", strerror(r->ob.err));
		return 1;
	}
	return 0;
}

static void sleep_delay(double d)
{
	struct timespec ts = { (time_t)d, (long)((d - (double)(time_t)d) * 1e9) };

	while (!interrupted && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int list_run(const struct pnet_opts *o)
{
	static char obmem[OUTBUF_SIZE];
	struct run r = { .o = o };
	struct sockdiag *sd;
	int rc = 0;

	ob_init(&r.ob, STDOUT_FILENO, obmem, sizeof(obmem));
	sd = sockdiag_open();
	if (!sd) {
		fprintf(stderr, "pnet: cannot open a netlink sock_diag socket: %s\n", strerror(errno));
		return 1;
	}
	if (!o->num_ports)
		r.ports = ports_load(NULL);
	if (!o->num_hosts)
		r.res = resolve_new(2.0);
	if (o->extend && !o->num_users)
		r.users = users_new();
	if ((!o->num_ports && !r.ports) || (!o->num_hosts && !r.res) ||
	    (o->extend && !o->num_users && !r.users)) {
		fprintf(stderr, "pnet: out of memory\n");
		rc = 1;
		goto out;
	}
	if (o->continuous) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	}
	for (;;) {
		rc = list_once(&r, sd);
		if (rc || !o->continuous)
			break;
		sleep_delay(o->delay);
		if (interrupted)
			break;
	}
out:
	free(r.held);
	users_free(r.users);
	resolve_free(r.res);
	ports_free(r.ports);
	sockdiag_close(sd);
	return rc;
}
