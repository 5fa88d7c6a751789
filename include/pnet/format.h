/* Formatter: pnet_sock -> text identical to net-tools netstat 2.10. Reads only. */
#ifndef PNET_FORMAT_H
#define PNET_FORMAT_H

#include "pnet/opts.h"
#include "pnet/outbuf.h"
#include "pnet/sock.h"

/* The strings the enrich step found for one row. NULL means "print numerically". */
struct pnet_names {
	const char *lhost, *rhost;      /* host part of each address */
	const char *lserv, *rserv;      /* service name of each port */
	const char *user;               /* user name for -e */
	const char *program;            /* "PID/name" for -p, already sanitised */
	const char *program_name;       /* the whole name (JSON), sanitised */
	long pid;                       /* owning process (JSON), -1 when unknown */
};

void fmt_title(struct outbuf *ob, const struct pnet_opts *o);
void fmt_header(struct outbuf *ob, const struct pnet_opts *o);
void fmt_row(struct outbuf *ob, const struct pnet_opts *o, const struct pnet_sock *s,
	     const struct pnet_names *n);

/* netstat's rule for which rows -a, -l and the default listing show. */
bool fmt_row_selected(const struct pnet_opts *o, const struct pnet_sock *s);

/* Numeric host text as netstat -n prints it (v4-mapped IPv6 as dotted quad,
 * "::" for the IPv6 any-address). buf >= 46 bytes. Returns the length. */
size_t fmt_host_numeric(char *buf, int family, const uint8_t *addr);

/* "host:port" truncated to netstat's 23 columns unless wide. buf >= 320 bytes. */
size_t fmt_address(char *buf, const char *host, const char *serv, bool wide);

/* netstat state word for a row ("" for unconnected UDP). */
const char *fmt_state(const struct pnet_sock *s);

/* Timer column text for -o. buf >= 64 bytes. */
size_t fmt_timer(char *buf, const struct pnet_sock *s);

#endif
