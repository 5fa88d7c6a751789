/* Backend: netlink NETLINK_SOCK_DIAG (inet_diag). The only module that knows libmnl. */
#ifndef PNET_SOCKDIAG_H
#define PNET_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>
#include "pnet/sock.h"

/* Called once per socket. Return 0 to go on, -1 (errno set) to abort the dump. */
typedef int (*pnet_sock_cb)(const struct pnet_sock *s, void *data);

struct sockdiag;

#define SOCKDIAG_WANT_INFO 0x1  /* ask for tcp_info (only -o needs it) */

/* All TCP states netstat can show. Bit 13 (TCP_BOUND_INACTIVE) is left out on
 * purpose: newer kernels return bound-but-idle sockets for it, netstat never does. */
#define SOCKDIAG_ALL_STATES 0xfffu

/* Open and bind the netlink socket. NULL with errno set on failure. */
struct sockdiag *sockdiag_open(void);
void sockdiag_close(struct sockdiag *sd);

/* What one dump asks the kernel for. */
struct sockdiag_req {
	enum pnet_proto proto;
	int family;                     /* AF_INET or AF_INET6 */
	uint32_t states;                /* bit per TCP state (SOCKDIAG_ALL_STATES) */
	unsigned flags;                 /* SOCKDIAG_WANT_INFO */
	const void *bytecode;           /* INET_DIAG_REQ_BYTECODE program, or NULL */
	size_t bytecode_len;
	void (*on_restart)(void *data); /* called before a dump starts over, or NULL */
};

/* Dump one (protocol, family) table, calling cb for each socket in kernel order.
 * A dump that overruns (ENOBUFS) or is marked interrupted is restarted from
 * scratch up to SOCKDIAG_MAX_RESTARTS times (req->on_restart is told first), so
 * cb can see a socket twice, as it can when sockets move between dump chunks:
 * callers skip repeats by cookie (cookieset.h).
 * Returns 0, or -1 with errno set (ENOENT: the kernel lacks that diag module). */
int sockdiag_dump(struct sockdiag *sd, const struct sockdiag_req *req, pnet_sock_cb cb,
		  void *data);

/* Parse one datagram of dump replies (no socket needed: fixtures and fuzzing).
 * Returns 1 when more datagrams are expected, 0 at the end of the dump, -1 on
 * error with errno set. seq/portid 0 accept any. */
int sockdiag_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   enum pnet_proto proto, pnet_sock_cb cb, void *data);

/* Bytes a receive buffer needs: the kernel fills about 32 KiB per datagram. */
#define SOCKDIAG_RCVBUF 32768

/* Dump attempts before an overrun is reported as an error. */
#define SOCKDIAG_MAX_RESTARTS 5

#endif
