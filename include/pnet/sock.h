/* struct pnet_sock: the one record that flows backend -> enrich -> format. */
#ifndef PNET_SOCK_H
#define PNET_SOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

enum pnet_proto { PNET_TCP = 0, PNET_UDP = 1 };

/* Kernel TCP states (include/net/tcp_states.h); UDP uses 1 and 7 only. */
enum {
	PNET_ST_ESTABLISHED = 1,
	PNET_ST_SYN_SENT,
	PNET_ST_SYN_RECV,
	PNET_ST_FIN_WAIT1,
	PNET_ST_FIN_WAIT2,
	PNET_ST_TIME_WAIT,
	PNET_ST_CLOSE,
	PNET_ST_CLOSE_WAIT,
	PNET_ST_LAST_ACK,
	PNET_ST_LISTEN,
	PNET_ST_CLOSING,
	PNET_ST_NEW_SYN_RECV,
	PNET_ST_MAX
};

struct pnet_sock {
	uint8_t proto;          /* enum pnet_proto */
	uint8_t family;         /* AF_INET or AF_INET6 */
	uint8_t state;          /* kernel state number */
	uint8_t timer;          /* 0 off, 1 on, 2 keepalive, 3 timewait, 4 probe */
	uint8_t retrans;        /* diag idiag_retrans (meaning depends on timer) */
	bool has_tcpinfo;       /* tcpi_* fields below are valid */
	uint8_t tcpi_retransmits; /* icsk_retransmits, as /proc shows */
	uint8_t tcpi_probes;    /* icsk_probes_out, as /proc shows */
	uint16_t lport;         /* host byte order */
	uint16_t rport;         /* host byte order */
	uint8_t laddr[16];      /* network order; IPv4 uses the first 4 bytes */
	uint8_t raddr[16];
	uint32_t ifindex;       /* bound device, 0 if none */
	uint32_t expires_ms;    /* timer expiry in ms */
	uint32_t rqueue;        /* Recv-Q as netstat shows it */
	uint32_t wqueue;        /* Send-Q as netstat shows it */
	uint32_t uid;
	uint32_t inode;         /* 0 for timewait and request sockets */
	uint64_t cookie;        /* kernel socket cookie, for de-duplication */
};

/* The address is all zeroes (the any-address, or no peer). */
static inline bool pnet_addr_is_zero(int family, const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, family == AF_INET ? 4 : 16) == 0;
}

/* An IPv6 address of the form ::ffff:a.b.c.d (the IPv4 part is a + 12). */
static inline bool pnet_addr_v4mapped(const uint8_t *a)
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	return memcmp(a, pfx, sizeof(pfx)) == 0;
}

#endif
