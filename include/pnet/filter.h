/* Row filters (--port, --sport, --dport, --state, --addr, --pid, --user):
 * parsing of option values and the user-space match, which is the truth;
 * the kernel state mask and bytecode only pre-filter. */
#ifndef PNET_FILTER_H
#define PNET_FILTER_H

#include <stdbool.h>
#include <stdint.h>
#include "pnet/sock.h"

enum {
	PNET_F_PORT = 0x01,     /* --port: local or remote port in range */
	PNET_F_SPORT = 0x02,    /* --sport: local port in range */
	PNET_F_DPORT = 0x04,    /* --dport: remote port in range */
	PNET_F_STATE = 0x08,    /* --state */
	PNET_F_ADDR = 0x10,     /* --addr: local or remote address in prefix */
	PNET_F_PID = 0x20,      /* --pid */
	PNET_F_USER = 0x40,     /* --user */
};

struct pnet_port_range {
	uint16_t lo, hi;        /* inclusive, lo <= hi */
};

struct pnet_addr_prefix {
	uint8_t family;         /* AF_INET or AF_INET6 */
	uint8_t bits;           /* prefix length, <= 32 or 128 */
	uint8_t addr[16];       /* network order, host bits cleared */
};

struct pnet_filter {
	unsigned have;          /* PNET_F_* of the filters given */
	struct pnet_port_range port, sport, dport;
	uint32_t states;        /* bit per kernel TCP state (1 << PNET_ST_*) */
	struct pnet_addr_prefix addr;
	int pid;
	uint32_t uid;
};

/* "N" or "N-M", 0 <= N <= M <= 65535. 0, or -1 with errno EINVAL/ERANGE. */
int filter_parse_ports(const char *s, struct pnet_port_range *r);
/* Comma-separated netstat state names, case-insensitive: ESTABLISHED,
 * SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT,
 * LAST_ACK, LISTEN, CLOSING. Sets *mask to kernel state bits (SYN_RECV also
 * covers request sockets). 0, or -1 with errno EINVAL. */
int filter_parse_states(const char *s, uint32_t *mask);
/* IPv4 dotted quad or IPv6 (optionally in brackets), optional /PREFIX.
 * A v4-mapped IPv6 prefix of /96 or longer becomes the IPv4 prefix.
 * 0, or -1 with errno EINVAL. */
int filter_parse_addr(const char *s, struct pnet_addr_prefix *a);
/* Positive decimal pid. 0, or -1 with errno EINVAL/ERANGE. */
int filter_parse_pid(const char *s, int *pid);
/* User name (passwd lookup) or decimal uid. 0, or -1 with errno (ENOENT: no such user). */
int filter_parse_user(const char *s, uint32_t *uid);

/* True when an address of the given family is inside the prefix. An IPv4
 * prefix also matches v4-mapped IPv6 addresses (::ffff:a.b.c.d), as the
 * kernel's INET_DIAG_BC_S_COND does; an IPv6 prefix never matches IPv4. */
bool filter_addr_match(const struct pnet_addr_prefix *a, int family, const uint8_t *addr);

/* True when s passes every filter in f. pid is the owning process or -1
 * when unknown (then --pid never matches). */
bool filter_match(const struct pnet_filter *f, const struct pnet_sock *s, int pid);

/* Kernel idiag_states bits that can hold a matching socket of proto. For UDP
 * the kernel uses ESTABLISHED (connected) and CLOSE (unconnected); --state
 * listen selects unconnected UDP sockets, the rows netstat -l shows. */
uint32_t filter_state_mask(const struct pnet_filter *f, enum pnet_proto proto);

#endif
