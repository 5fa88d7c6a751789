/* The listing pipeline: sock_diag dump -> netstat row selection -> enrich
 * (names, users) -> format. Rows stream straight to the output buffer; only
 * when host names are shown are rows kept until the resolver has answered. */
#include "pnet/list.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pnet/bytecode.h"
#include "pnet/cookieset.h"
#include "pnet/filter.h"
#include "pnet/format.h"
#include "pnet/json.h"
#include "pnet/outbuf.h"
#include "pnet/ports.h"
#include "pnet/procnet.h"
#include "pnet/procs.h"
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
	struct procs *procs;            /* -p: inode -> "PID/name", rebuilt per listing */
	struct procs_scan *scan;        /* -p: scan running during the dumps */
	struct pnet_sock *held;         /* rows waiting for host names */
	size_t nheld, capheld;
	struct json_out json;           /* --json/--jsonl stream state */
	unsigned long matched;          /* rows that passed the filters, whole run */
	unsigned char bc[BYTECODE_MAX]; /* kernel pre-filter for the port/address filters */
	size_t bclen;                   /* 0: none */
	struct cookieset seen;          /* cookies of this table's rows: no row twice */
	bool use_proc[2];               /* per protocol: read /proc/net, not sock_diag */
	bool noticed;                   /* the one fallback notice was printed */
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
	struct pnet_names n = { .pid = -1 };

	if (r->res) {
		n.lhost = resolve_host(r->res, s->family, s->laddr);
		n.rhost = resolve_host(r->res, s->family, s->raddr);
	}
	if (r->ports) {
		n.lserv = ports_service(r->ports, s->lport, (enum pnet_proto)s->proto);
		n.rserv = ports_service(r->ports, s->rport, (enum pnet_proto)s->proto);
	}
	if (r->users)
		n.user = users_name(r->users, s->uid);
	if (r->procs) {
		n.program = procs_lookup(r->procs, s->inode);
		n.program_name = procs_program(r->procs, s->inode);
		n.pid = procs_pid(r->procs, s->inode);
	}
	if (o->json || o->jsonl)
		json_row(&r->ob, &r->json, o, s, &n);
	else
		fmt_row(&r->ob, o, s, &n);
}

/* --pid: the process the -p map knows for the socket, or -1. */
static int row_pid(const struct run *r, const struct pnet_sock *s)
{
	return r->procs ? (int)procs_pid(r->procs, s->inode) : -1;
}

/* The dump starts over (ENOBUFS): skip what this table already listed. */
static void on_restart(void *data)
{
	struct run *r = data;

	cookieset_restart(&r->seen);
}

static int on_sock(const struct pnet_sock *s, void *data)
{
	struct run *r = data;

	if (!fmt_row_selected(r->o, s))
		return 0;
	if (r->o->filter.have &&
	    !filter_match(&r->o->filter, s, (r->o->filter.have & PNET_F_PID) ? row_pid(r, s) : -1))
		return 0;
	switch (cookieset_add(&r->seen, s->cookie)) {
	case 0:
		return 0;       /* already listed: dump resumed or restarted */
	case -1:
		return -1;
	}
	r->matched++;
	if (!r->res && !r->scan) {
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
	if (r->res) {
		resolve_submit(r->res, s->family, s->laddr);
		resolve_submit(r->res, s->family, s->raddr);
	}
	return 0;
}

static const char *proto_name(enum pnet_proto p, int family)
{
	if (p == PNET_TCP)
		return family == AF_INET ? "TCP/IPv4" : "TCP/IPv6";
	return family == AF_INET ? "UDP/IPv4" : "UDP/IPv6";
}

/* -p: start mapping socket inodes to processes, once per listing; procs.c
 * scans /proc in threads while the dumps run (rows wait in r->held). */
static int start_procs(struct run *r)
{
	procs_free(r->procs);
	r->procs = NULL;
	/* pnet's own netlink socket is no row: leave pnet out, as netstat holds
	 * no socket while it scans. */
	r->scan = procs_scan_start(NULL, procs_sockets_hint(), (long)getpid());
	if (!r->scan) {
		fprintf(stderr, "pnet: out of memory\n");
		return -1;
	}
	return 0;
}

/* Collect the map and print netstat's notice (prg_cache_load) when some
 * processes were unreadable, before anything of this listing is flushed. */
static int finish_procs(struct run *r)
{
	if (!r->scan)
		return 0;
	r->procs = procs_scan_finish(r->scan);
	r->scan = NULL;
	if (!r->procs) {
		fprintf(stderr, "pnet: out of memory\n");
		return -1;
	}
	switch (procs_notice(r->procs)) {
	case PROCS_NOTICE_NOTHING:
		fprintf(stderr, "(No info could be read for \"-p\": geteuid()=%d "
			"but you should be root.)\n", (int)geteuid());
		break;
	case PROCS_NOTICE_PARTIAL:
		fputs("(Not all processes could be identified, non-owned process info\n"
		      " will not be shown, you would have to be root to see it all.)\n", stderr);
		break;
	default:
		break;
	}
	return 0;
}

/* Errors for which /proc/net can stand in for sock_diag: no netlink family
 * (EPROTONOSUPPORT, EAFNOSUPPORT), denied by seccomp or an LSM (EACCES,
 * EPERM), or no diag module for the protocol (ENOENT in NLMSG_DONE). */
static bool procnet_can_replace(int e)
{
	return e == ENOENT || e == EACCES || e == EPERM || e == EPROTONOSUPPORT ||
	       e == EAFNOSUPPORT;
}

/* The one notice that says rows come from /proc/net, and why. */
static void fallback_notice(struct run *r, enum pnet_proto p, int e)
{
	if (r->noticed)
		return;
	r->noticed = true;
	if (e == ENOENT)
		fprintf(stderr, "pnet: netlink sock_diag cannot list %s sockets (%s_diag module "
			"missing?); reading /proc/net instead\n", p == PNET_TCP ? "TCP" : "UDP",
			p == PNET_TCP ? "tcp" : "udp");
	else
		fprintf(stderr, "pnet: netlink sock_diag unavailable (%s); reading /proc/net "
			"instead\n", strerror(e));
}

/* Dump one table from sock_diag or, once that failed for the protocol, from
 * /proc/net. Every table starts a fresh cookie set. Returns 0 or -1 (errno). */
static int dump_table(struct run *r, struct sockdiag *sd, const struct sockdiag_req *q)
{
	size_t before = r->matched;

	cookieset_clear(&r->seen);
	if (sd && !r->use_proc[q->proto]) {
		int e;

		if (sockdiag_dump(sd, q, on_sock, r) == 0)
			return 0;
		e = errno;
		/* /proc rows carry no kernel cookie: falling back after rows of this
		 * table went out would list them again */
		if (!procnet_can_replace(e) || r->matched != before)
			return -1;
		fallback_notice(r, q->proto, e);
		r->use_proc[q->proto] = true;
		if (e != ENOENT)        /* the whole netlink family is refused */
			r->use_proc[PNET_TCP] = r->use_proc[PNET_UDP] = true;
	}
	if (procnet_dump(q->proto, q->family, q->states, on_sock, r) == 0)
		return 0;
	/* no /proc/net/{tcp,udp}6 on a kernel without IPv6: nothing to list */
	return errno == ENOENT && q->family == AF_INET6 ? 0 : -1;
}

/* One listing: title, header, then TCP/IPv4, TCP/IPv6, UDP/IPv4, UDP/IPv6 (netstat's order). */
static int list_once(struct run *r, struct sockdiag *sd)
{
	const struct pnet_opts *o = r->o;
	static const int families[2] = { AF_INET, AF_INET6 };
	int p, f;
	size_t i;

	if (o->programs || (o->filter.have & PNET_F_PID)) {
		if (start_procs(r) < 0)
			return 1;
		/* a pid filter needs the map during the dumps */
		if ((o->filter.have & PNET_F_PID) && finish_procs(r) < 0)
			return 1;
	}
	if (o->json || o->jsonl) {
		r->json.lines = o->jsonl;
		json_begin(&r->ob, &r->json);
	} else {
		fmt_title(&r->ob, o);
		fmt_header(&r->ob, o);
	}
	r->nheld = 0;
	/* names are looked up after the dumps, never during (see resolve.c) */
	resolve_pause(r->res);
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
			/* --state: only the states asked for; none left, no dump */
			states &= filter_state_mask(&o->filter, (enum pnet_proto)p);
			if (!states)
				continue;
			struct sockdiag_req q = {
				.proto = (enum pnet_proto)p,
				.family = families[f],
				.states = states,
				.flags = o->timers ? SOCKDIAG_WANT_INFO : 0,
				.bytecode = r->bclen ? r->bc : NULL,
				.bytecode_len = r->bclen,
				.on_restart = on_restart,
			};
			size_t matched_before = r->matched;
			int drc = dump_table(r, sd, &q);

			/* A kernel that refuses the program (audit: EINVAL, before any
			 * row) gets the plain dump; filter_match() decides anyway. */
			if (drc < 0 && errno == EINVAL && q.bytecode && r->matched == matched_before) {
				q.bytecode = NULL;
				q.bytecode_len = 0;
				drc = dump_table(r, sd, &q);
			}
			if (drc < 0) {
				int e = errno;

				ob_flush(&r->ob);
				if (r->use_proc[p])
					fprintf(stderr, "pnet: cannot read /proc/net/%s%s: %s\n",
						p == PNET_TCP ? "tcp" : "udp",
						families[f] == AF_INET6 ? "6" : "", strerror(e));
				else if (e == ENOENT)
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
	if (finish_procs(r) < 0)
		return 1;
	if (!r->res) {
		for (i = 0; i < r->nheld; i++)
			print_row(r, &r->held[i]);
	} else {
		resolve_wait(r->res);
		for (i = 0; i < r->nheld; i++) {
			/* -c: a DNS query of ours still running from the last listing */
			if (resolve_own_socket(r->res, &r->held[i])) {
				r->matched--;
				continue;
			}
			print_row(r, &r->held[i]);
		}
	}
	if (o->json || o->jsonl)
		json_end(&r->ob, &r->json);
	if (ob_flush(&r->ob) < 0) {
		/* EPIPE: the reader left (SIGPIPE ignored by our parent); end quietly,
		 * as the default SIGPIPE would have. */
		if (r->ob.err != EPIPE)
			fprintf(stderr, "pnet: write error on standard output: %s\n",
				strerror(r->ob.err));
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

/* A closed stdin, stdout or stderr would be taken by the next open(), and rows
 * would go to the netlink socket. Hold them with read-only /dev/null: writes
 * then fail with EBADF, which is reported as for any write error. */
static void hold_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int n = open("/dev/null", O_RDONLY);

			if (n >= 0 && n != fd)
				close(n);       /* a lower fd was free: handled in its turn */
		}
	}
}

int list_run(const struct pnet_opts *o)
{
	static char obmem[OUTBUF_SIZE];
	struct run r = { .o = o };
	struct sockdiag *sd;
	int rc = 0;

	hold_std_fds();
	ob_init(&r.ob, STDOUT_FILENO, obmem, sizeof(obmem));
	/* SIGPIPE stays at its default, as for netstat: `pnet | head -1` ends
	 * silently at the first write after the reader left. */
	sd = sockdiag_open();
	if (!sd) {
		fallback_notice(&r, PNET_TCP, errno);
		r.use_proc[PNET_TCP] = r.use_proc[PNET_UDP] = true;
	}
	if (!o->num_ports)
		r.ports = ports_load(NULL);
	if (!o->num_hosts)
		r.res = resolve_new(o->resolve_timeout);
	/* JSON always carries "user" */
	if ((o->extend || o->json || o->jsonl) && !o->num_users)
		r.users = users_new();
	if ((!o->num_ports && !r.ports) || (!o->num_hosts && !r.res) ||
	    ((o->extend || o->json || o->jsonl) && !o->num_users && !r.users)) {
		fprintf(stderr, "pnet: out of memory\n");
		rc = 1;
		goto out;
	}
	/* PNET_NO_BYTECODE=1 (tests): no kernel program, user-space filtering only */
	if (o->filter.have && !getenv("PNET_NO_BYTECODE")) {
		int n = bytecode_build(&o->filter, r.bc, sizeof(r.bc));

		r.bclen = n > 0 ? (size_t)n : 0;
	}
	if (o->continuous) {
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		/* Ctrl-C or SIGTERM ends -c cleanly with status 0 */
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
	/* with a filter, like grep: 1 when nothing matched */
	if (!rc && o->filter.have && r.matched == 0)
		rc = 1;
out:
	free(r.held);
	cookieset_free(&r.seen);
	procs_free(procs_scan_finish(r.scan));      /* a listing that failed mid-way */
	procs_free(r.procs);
	users_free(r.users);
	resolve_free(r.res);
	ports_free(r.ports);
	sockdiag_close(sd);
	return rc;
}
