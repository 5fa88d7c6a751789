/* --explain PORT[/PROTO]...: pure helpers (the printing entry point is
 * list_explain() in pnet/list.h). */
#ifndef PNET_EXPLAIN_H
#define PNET_EXPLAIN_H

#include <stddef.h>

#define EXPLAIN_TCP 1u
#define EXPLAIN_UDP 2u

#define EXPLAIN_RANGE_FILE "/proc/sys/net/ipv4/ip_local_port_range"

/* Parse one operand: PORT is 1-5 decimal digits with a value of 0-65535 (no
 * sign, space or other character), optionally followed by "/tcp" or "/udp"
 * (any case). *protos gets EXPLAIN_TCP, EXPLAIN_UDP or both when no protocol
 * is given. Returns 0, or EINVAL. */
int explain_parse_arg(const char *s, unsigned *port, unsigned *protos);

/* Parse the text of ip_local_port_range ("LOW<blank>HIGH\n"). Returns 0, or
 * EINVAL when it is not two ports with LOW <= HIGH. */
int explain_parse_range(const char *text, size_t len, unsigned *lo, unsigned *hi);

/* Read and parse a range file (path NULL: EXPLAIN_RANGE_FILE). Returns 0 or an
 * errno value. */
int explain_read_range(const char *path, unsigned *lo, unsigned *hi);

#endif
