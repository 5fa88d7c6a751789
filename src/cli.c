/* Command line -> struct pnet_opts; the one place that prints usage errors. */
#include "pnet/cli.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pnet/list.h"
#include "pnet/version.h"

enum {
	OPT_NUM_HOSTS = 256,
	OPT_NUM_PORTS,
	OPT_NUM_USERS,
	OPT_CLASSIFY,
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
	{ "wide", no_argument, NULL, 'W' },
	{ "extend", no_argument, NULL, 'e' },
	{ "inet", no_argument, NULL, '4' },
	{ "inet6", no_argument, NULL, '6' },
	{ "program", no_argument, NULL, 'p' },
	{ "programs", no_argument, NULL, 'p' },
	{ "timers", no_argument, NULL, 'o' },
	{ "continuous", no_argument, NULL, 'c' },
	{ "classify", no_argument, NULL, OPT_CLASSIFY },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

void cli_usage(void)
{
	fputs("usage: pnet [-tualnWe46pocV] [--numeric-hosts] [--numeric-ports] [--numeric-users]\n"
	      "            [--classify] [DELAY]\n"
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
	      "  -W, --wide            do not truncate addresses\n"
	      "  -e, --extend          add the User and Inode columns\n"
	      "  -p, --program         add the PID/Program name column\n"
	      "  -o, --timers          add the Timer column\n"
	      "  -c, --continuous      list again every DELAY seconds (default 1)\n"
	      "      --classify        add the Class column (IANA port groups)\n"
	      "      --explain PORT... explain what port numbers mean\n"
	      "  -h, --help            this help\n"
	      "  -V, --version         version\n",
	      stdout);
}

static int usage_error(const char *fmt, const char *arg)
{
	fputs("pnet: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\nTry 'pnet --help' for more information.\n", stderr);
	return 2;
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

int cli_parse(int argc, char **argv, struct pnet_opts *o)
{
	int c, nopt = argc, i;

	memset(o, 0, sizeof(*o));
	o->delay = 1.0;
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
	while ((c = getopt_long(nopt, argv, "tualnWe46pocVh", longopts, NULL)) != -1) {
		switch (c) {
		case 't': o->tcp = true; break;
		case 'u': o->udp = true; break;
		case 'a': o->all = true; break;
		case 'l': o->listening = true; break;
		case 'n': o->num_hosts = o->num_ports = o->num_users = true; break;
		case OPT_NUM_HOSTS: o->num_hosts = true; break;
		case OPT_NUM_PORTS: o->num_ports = true; break;
		case OPT_NUM_USERS: o->num_users = true; break;
		case 'W': o->wide = true; break;
		case 'e': o->extend++; break;
		case '4': o->inet4 = true; break;
		case '6': o->inet6 = true; break;
		case 'p': o->programs = true; break;
		case 'o': o->timers = true; break;
		case 'c': o->continuous = true; break;
		case OPT_CLASSIFY: o->classify = true; break;
		case 'h': o->cmd = PNET_CMD_HELP; return 0;
		case 'V': o->cmd = PNET_CMD_VERSION; return 0;
		default:
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
		if (parse_delay(argv[optind], &o->delay) < 0)
			return usage_error("invalid delay '%s' (expected a positive number of seconds)",
					   argv[optind]);
		o->continuous = true;
	}
	if (!o->tcp && !o->udp)
		o->tcp = o->udp = true;
	if (!o->inet4 && !o->inet6)
		o->inet4 = o->inet6 = true;
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
		cli_usage();
		return 0;
	case PNET_CMD_VERSION:
		printf("pnet %s\n", PNET_VERSION);
		return 0;
	case PNET_CMD_EXPLAIN:
		return list_explain(&o);
	default:
		return list_run(&o);
	}
}
