/* Command line -> struct pnet_opts; the one place that prints usage errors. */
#include "pnet/cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pnet/list.h"
#include "pnet/sanitize.h"
#include "pnet/version.h"

enum {
	OPT_NUM_HOSTS = 256,
	OPT_NUM_PORTS,
	OPT_NUM_USERS,
	OPT_CLASSIFY,
	OPT_JSON,
	OPT_JSONL,
	OPT_PORT,
	OPT_SPORT,
	OPT_DPORT,
	OPT_STATE,
	OPT_ADDR,
	OPT_PID,
	OPT_USER,
	OPT_RESOLVE_TIMEOUT,
};

static const struct option longopts[] = {
	{ "tcp", no_argument, NULL, 't' },
	{ "udp", no_argument, NULL, 'u' },
	{ "all", no_argument, NULL, 'a' },
	{ "listening", no_argument, NULL, 'l' },
	{ "numeric", no_argument, NULL, 'n' },
	{ "numeric-hosts", no_argument, NULL, OPT_NUM_HOSTS },
	{ "numeric-ports", no_argument, NULL, OPT_NUM_PORTS },
	{ "numeric-users", no_argument, NULL, OPT_NUM_USERS },
	{ "resolve-timeout", required_argument, NULL, OPT_RESOLVE_TIMEOUT },
	{ "wide", no_argument, NULL, 'W' },
	{ "extend", no_argument, NULL, 'e' },
	{ "inet", no_argument, NULL, '4' },
	{ "inet6", no_argument, NULL, '6' },
	{ "program", no_argument, NULL, 'p' },
	{ "programs", no_argument, NULL, 'p' },
	{ "timers", no_argument, NULL, 'o' },
	{ "continuous", optional_argument, NULL, 'c' },  /* --continuous[=DELAY] */
	{ "classify", no_argument, NULL, OPT_CLASSIFY },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "jsonl", no_argument, NULL, OPT_JSONL },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "dport", required_argument, NULL, OPT_DPORT },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "addr", required_argument, NULL, OPT_ADDR },
	{ "pid", required_argument, NULL, OPT_PID },
	{ "user", required_argument, NULL, OPT_USER },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void cli_usage(void)
{
	fputs("usage: pnet [-tualnWe46pocV] [--numeric-hosts] [--numeric-ports] [--numeric-users]\n"
	      "            [--classify] [--json|--jsonl] [FILTER...] [DELAY]\n"
	      "       pnet --explain PORT[/tcp|/udp] [PORT[/PROTO]...]\n"
	      "\n"
	      "List TCP and UDP sockets, as net-tools netstat prints them.\n"
	      "\n"
	      "  -t, --tcp             TCP sockets\n"
	      "  -u, --udp             UDP sockets (with neither -t nor -u: both)\n"
	      "  -4, --inet            IPv4 only\n"
	      "  -6, --inet6           IPv6 only\n"
	      "  -a, --all             listening and non-listening sockets\n"
	      "  -l, --listening       listening sockets only\n"
	      "  -n, --numeric         numeric hosts, ports and users\n"
	      "      --numeric-hosts   numeric host addresses\n"
	      "      --numeric-ports   numeric port numbers\n"
	      "      --numeric-users   numeric user ids\n"
	      "      --resolve-timeout SECONDS\n"
	      "                        wait at most SECONDS for host names, then print the\n"
	      "                        rest numerically (default 2; 0: numeric hosts)\n"
	      "  -W, --wide            do not truncate addresses\n"
	      "  -e, --extend          add the User and Inode columns\n"
	      "  -p, --program         add the PID/Program name column\n"
	      "  -o, --timers          add the Timer column\n"
	      "  -c, --continuous      list again every DELAY seconds (default 1)\n"
	      "      --classify        add the Class column (IANA port groups)\n"
	      "      --json            one JSON array of socket objects (schema: pnet(1))\n"
	      "      --jsonl           one JSON object per line\n"
	      "Filters (AND-ed; without -l every state is shown, as with -a;\n"
	      "exit status 1 when nothing matched):\n"
	      "      --port N[-M]      local or remote port\n"
	      "      --sport N[-M]     local port\n"
	      "      --dport N[-M]     remote port\n"
	      "      --state S[,S...]  netstat state names, e.g. listen,established\n"
	      "      --addr ADDR[/LEN] local or remote IPv4 or IPv6 address or prefix\n"
	      "      --pid N           sockets of process N\n"
	      "      --user NAME|UID   sockets owned by a user\n"
	      "      --explain PORT... explain what port numbers mean\n"
	      "  -h, --help            this help\n"
	      "  -V, --version         version\n",
	      stdout);
}

static int usage_error(const char *fmt, const char *arg)
{
	char raw[1024], safe[1024];
	int n = snprintf(raw, sizeof(raw), fmt, arg);

	/* the value came from the command line: no escape sequence reaches stderr */
	sanitize_copy(safe, sizeof(safe), raw, n < 0 ? 0 : strnlen(raw, sizeof(raw)));
	fprintf(stderr, "pnet: %s\nTry 'pnet --help' for more information.\n", safe);
	return 2;
}

/* One filter option value into o->filter. Returns 0, or 2 after a message
 * naming the option and the value. */
static int parse_filter(int c, const char *name, const char *arg, struct pnet_opts *o)
{
	struct pnet_filter *f = &o->filter;
	const char *expect;
	char msg[512];
	int rc;

	switch (c) {
	case OPT_PORT:
	case OPT_SPORT:
	case OPT_DPORT:
		rc = filter_parse_ports(arg, c == OPT_PORT ? &f->port : c == OPT_SPORT ? &f->sport
										 : &f->dport);
		f->have |= c == OPT_PORT ? PNET_F_PORT : c == OPT_SPORT ? PNET_F_SPORT : PNET_F_DPORT;
		expect = "a port N or range N-M, 0 <= N <= M <= 65535";
		break;
	case OPT_STATE:
		rc = filter_parse_states(arg, &f->states);
		f->have |= PNET_F_STATE;
		expect = "state names such as listen,established: established, syn_sent, "
			 "syn_recv, fin_wait1, fin_wait2, time_wait, close, close_wait, "
			 "last_ack, listen, closing";
		break;
	case OPT_ADDR:
		rc = filter_parse_addr(arg, &f->addr);
		f->have |= PNET_F_ADDR;
		expect = "a numeric IPv4 or IPv6 address with an optional /PREFIX";
		break;
	case OPT_PID:
		rc = filter_parse_pid(arg, &f->pid);
		f->have |= PNET_F_PID;
		expect = "a positive process id";
		break;
	default:
		rc = filter_parse_user(arg, &f->uid);
		f->have |= PNET_F_USER;
		expect = errno == ENOENT ? "a known user name or a numeric uid"
					 : "a user name or a numeric uid";
		break;
	}
	if (rc == 0)
		return 0;
	snprintf(msg, sizeof(msg), "invalid value for --%s: '%s' (expected %s)", name, arg, expect);
	return usage_error("%s", msg);
}

/* A delay in seconds: a positive decimal number, at most one day. */
static int parse_delay(const char *s, double *out)
{
	char *end;
	double d;

	if (!*s || strspn(s, "0123456789.") != strlen(s))
		return -1;
	d = strtod(s, &end);
	if (*end || !isfinite(d) || d <= 0 || d > 86400)
		return -1;
	*out = d;
	return 0;
}

/* --resolve-timeout: decimal seconds (fractions allowed), 0 to 3600. */
static int parse_resolve_timeout(const char *s, double *out)
{
	const char *dot = strchr(s, '.');
	char *end;
	double d;

	if (strspn(s, "0123456789.") != strlen(s) || strcspn(s, "0123456789") == strlen(s) ||
	    (dot && strchr(dot + 1, '.')))
		return -1;
	d = strtod(s, &end);
	if (*end || !isfinite(d) || d < 0 || d > 3600)
		return -1;
	*out = d;
	return 0;
}

int cli_parse(int argc, char **argv, struct pnet_opts *o)
{
	int c, nopt = argc, i, longidx = 0;

	memset(o, 0, sizeof(*o));
	o->delay = 1.0;
	o->resolve_timeout = 2.0;
	/* --explain takes every argument after it as a PORT, even "-1" */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--explain") == 0) {
			o->cmd = PNET_CMD_EXPLAIN;
			o->explain_argv = &argv[i + 1];
			o->explain_argc = argc - i - 1;
			nopt = i;
			break;
		}
	}
	opterr = 0;
	optind = 0;     /* glibc: 0 also resets getopt's state from an earlier call */
	while ((c = getopt_long(nopt, argv, "tualnWe46pocVh", longopts, &longidx)) != -1) {
		switch (c) {
		case 't': o->tcp = true; break;
		case 'u': o->udp = true; break;
		case 'a': o->all = true; break;
		case 'l': o->listening = true; break;
		case 'n': o->num_hosts = o->num_ports = o->num_users = true; break;
		case OPT_NUM_HOSTS: o->num_hosts = true; break;
		case OPT_NUM_PORTS: o->num_ports = true; break;
		case OPT_NUM_USERS: o->num_users = true; break;
		case OPT_RESOLVE_TIMEOUT:
			if (parse_resolve_timeout(optarg, &o->resolve_timeout) < 0)
				return usage_error("invalid value for --resolve-timeout: '%s' (expected "
						   "seconds from 0 to 3600, e.g. 2 or 0.5)", optarg);
			break;
		case 'W': o->wide = true; break;
		case 'e': o->extend++; break;
		case '4': o->inet4 = true; break;
		case '6': o->inet6 = true; break;
		case 'p': o->programs = true; break;
		case 'o': o->timers = true; break;
		case 'c':
			o->continuous = true;
			if (optarg && parse_delay(optarg, &o->delay) < 0)
				return usage_error("invalid delay '%s' (expected a positive number of "
						   "seconds)", optarg);
			break;
		case OPT_CLASSIFY: o->classify = true; break;
		case OPT_JSON: o->json = true; break;
		case OPT_JSONL: o->jsonl = true; break;
		case OPT_PORT: case OPT_SPORT: case OPT_DPORT: case OPT_STATE:
		case OPT_ADDR: case OPT_PID: case OPT_USER:
			if (parse_filter(c, longopts[longidx].name, optarg, o))
				return 2;
			break;
		case 'h': o->cmd = PNET_CMD_HELP; return 0;
		case 'V': o->cmd = PNET_CMD_VERSION; return 0;
		default:
			if ((optopt >= OPT_PORT && optopt <= OPT_USER) || optopt == OPT_RESOLVE_TIMEOUT)
				return usage_error("option '%s' needs a value", argv[optind - 1]);
			/* "-c -5": a negative delay, not an unknown option '-5' */
			if (o->continuous && optind >= 1 && optind - 1 < argc &&
			    argv[optind - 1][0] == '-' && argv[optind - 1][1] >= '0' &&
			    argv[optind - 1][1] <= '9')
				return usage_error("invalid delay '%s' for -c (expected a positive number "
						   "of seconds)", argv[optind - 1]);
			if (optopt > 0 && optopt < 256) {
				char s[2] = { (char)optopt, 0 };

				return usage_error("unknown option '-%s'", s);
			}
			return usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->cmd == PNET_CMD_EXPLAIN) {
		if (optind < nopt)
			return usage_error("unexpected argument '%s' before --explain", argv[optind]);
		if (o->explain_argc == 0)
			return usage_error("%s", "--explain needs at least one PORT[/PROTO]");
		return 0;
	}
	if (optind < argc) {
		/* netstat accepts a trailing delay for continuous listing */
		if (optind + 1 < argc)
			return usage_error("unexpected argument '%s'", argv[optind + 1]);
		if (!strchr("0123456789.", argv[optind][0]))
			return usage_error("unexpected argument '%s' (the only operand is a DELAY "
					   "in seconds)", argv[optind]);
		if (parse_delay(argv[optind], &o->delay) < 0)
			return usage_error("invalid delay '%s' (expected a positive number of seconds)",
					   argv[optind]);
		o->continuous = true;
	}
	if (!o->tcp && !o->udp)
		o->tcp = o->udp = true;
	if (!o->inet4 && !o->inet6)
		o->inet4 = o->inet6 = true;
	if (o->resolve_timeout == 0)
		o->num_hosts = true;
	if (o->json && o->jsonl)
		return usage_error("%s", "--json and --jsonl cannot be used together");
	/* the rule: a filter without -l looks at sockets in every state */
	if (o->filter.have && !o->listening)
		o->all = true;
	return 0;
}

int pnet_main(int argc, char **argv)
{
	struct pnet_opts o;
	int rc = cli_parse(argc, argv, &o);

	if (rc)
		return rc;
	switch (o.cmd) {
	case PNET_CMD_HELP:
	case PNET_CMD_VERSION:
		if (o.cmd == PNET_CMD_HELP)
			cli_usage();
		else
			printf("pnet %s\n", PNET_VERSION);
		if (fflush(stdout) == EOF || ferror(stdout)) {
			fprintf(stderr, "pnet: write error on standard output: %s\n", strerror(errno));
			return 1;
		}
		return 0;
	case PNET_CMD_EXPLAIN:
		return list_explain(&o);
	default:
		return list_run(&o);
	}
}
