/* Fallback backend: /proc/net/{tcp,tcp6,udp,udp6}, for kernels or sandboxes
 * without netlink sock_diag. The only module that reads those files. */
#ifndef PNET_PROCNET_H
#define PNET_PROCNET_H

#include <stddef.h>
#include <stdint.h>
#include "pnet/sock.h"
#include "pnet/sockdiag.h"

/* Longest line accepted; longer ones are skipped whole (a tcp6 line is ~180). */
#define PROCNET_LINE_MAX 512

/* Parse one line (without or with its '\n') of a table of the given protocol
 * and family into *s. Returns 0, or -1 with errno EINVAL for the header line
 * and for any malformed, truncated or out-of-range line (*s is then unspecified).
 * Fields follow the kernel's tcp4_seq_show()/tcp6_seq_show()/udp4_format_sock():
 * addresses are 32-bit words printed in native byte order. TCP rows get
 * has_tcpinfo with retrnsmt and timeout (probes) as netstat -o shows them.
 * /proc has no socket cookie: s->cookie is a non-zero identity made from the
 * inode, or for inode-0 rows (timewait, request) from addresses, ports and
 * state; it only serves de-duplication within one read. */
int procnet_parse_line(const char *line, size_t len, enum pnet_proto proto, int family,
		       struct pnet_sock *s);

/* Read one table from path and call cb for each well-formed row whose state
 * bit is set in states (as in struct sockdiag_req). Malformed and overlong
 * lines are skipped. Returns 0, or -1 with errno set (open/read failure, or
 * the callback's errno when it aborted). */
int procnet_dump_file(const char *path, enum pnet_proto proto, int family, uint32_t states,
		      pnet_sock_cb cb, void *data);

/* procnet_dump_file() on /proc/net/{tcp,tcp6,udp,udp6}. */
int procnet_dump(enum pnet_proto proto, int family, uint32_t states, pnet_sock_cb cb,
		 void *data);

#endif
