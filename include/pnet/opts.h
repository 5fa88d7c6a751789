/* struct pnet_opts: everything the command line asked for. Filled by cli.c only. */
#ifndef PNET_OPTS_H
#define PNET_OPTS_H

#include <stdbool.h>

#include "pnet/filter.h"

enum pnet_cmd { PNET_CMD_LIST = 0, PNET_CMD_HELP, PNET_CMD_VERSION, PNET_CMD_EXPLAIN };

struct pnet_opts {
	enum pnet_cmd cmd;
	bool tcp, udp;          /* protocols to list (both when neither given) */
	bool inet4, inet6;      /* families to list (both when neither given) */
	bool all;               /* -a */
	bool listening;         /* -l */
	bool num_hosts;         /* -n / --numeric-hosts */
	bool num_ports;         /* -n / --numeric-ports */
	bool num_users;         /* -n / --numeric-users */
	double resolve_timeout; /* --resolve-timeout: seconds to wait for host names */
	bool wide;              /* -W */
	int extend;             /* -e count */
	bool programs;          /* -p */
	bool timers;            /* -o */
	bool classify;          /* --classify */
	bool json, jsonl;       /* --json, --jsonl: machine output instead of the table */
	struct pnet_filter filter; /* --port, --sport, --dport, --state, --addr, --pid, --user */
	bool continuous;        /* -c */
	double delay;           /* seconds between -c listings */
	int explain_argc;       /* --explain operands */
	char **explain_argv;
};

#endif
