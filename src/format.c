/* Formatter: byte-identical to net-tools 2.10 netstat for TCP and UDP rows.
 * Formats follow netstat.c: tcp "%-4s  %6ld %6ld %-*s %-*s %-11s" with address
 * width max(23, len); udp "%-5s %6ld %6ld %-23s %-23s %-11s" (same columns). */
#include "pnet/format.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "pnet/ports.h"

static const char *const tcp_states[PNET_ST_MAX] = {
	"", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",
	"TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING",
	"SYN_RECV",     /* NEW_SYN_RECV: request sockets, shown as /proc does */
};

const char *fmt_state(const struct pnet_sock *s)
{
	if (s->proto == PNET_UDP) {
		/* netstat: ESTABLISHED when connected, blank when closed/unconnected */
		if (s->state == PNET_ST_ESTABLISHED)
			return "ESTABLISHED";
		if (s->state == PNET_ST_CLOSE)
			return "";
		return "UNKNOWN";
	}
	return s->state < PNET_ST_MAX ? tcp_states[s->state] : "UNKNOWN";
}

bool fmt_row_selected(const struct pnet_opts *o, const struct pnet_sock *s)
{
	bool server;

	if (o->all)
		return true;
	/* netstat decides by the remote port for TCP and by the remote address
	 * for UDP, not by the state. */
	if (s->proto == PNET_TCP)
		server = s->rport == 0;
	else
		server = pnet_addr_is_zero(s->family, s->raddr);
	return o->listening ? server : !server;
}

static size_t ipv4_text(char *buf, const uint8_t *a)
{
	size_t n = 0;
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			buf[n++] = '.';
		n += fmt_u64(buf + n, a[i]);
	}
	buf[n] = '\0';
	return n;
}

size_t fmt_host_numeric(char *buf, int family, const uint8_t *addr)
{
	if (family == AF_INET)
		return ipv4_text(buf, addr);
	if (pnet_addr_v4mapped(addr))     /* netstat prints v4-mapped as plain IPv4 */
		return ipv4_text(buf, addr + 12);
	if (!inet_ntop(AF_INET6, addr, buf, 46)) {
		buf[0] = '?';
		buf[1] = '\0';
		return 1;
	}
	return strlen(buf);
}

size_t fmt_address(char *buf, const char *host, const char *serv, bool wide)
{
	/* netstat addr_do_one(): when host+port exceed 22 characters, keep at most
	 * 18 of the port and fill the rest of 22 with the start of the host. */
	size_t hl = strlen(host), sl = strlen(serv);

	if (hl > 255)
		hl = 255;
	if (sl > 63)
		sl = 63;
	if (!wide && hl + sl > 22) {
		size_t keep_s = sl < 18 ? sl : 18;
		size_t keep_h = 22 - keep_s;

		if (keep_h > hl)
			keep_h = hl;
		memcpy(buf, host, keep_h);
		buf[keep_h] = ':';
		memcpy(buf + keep_h + 1, serv, keep_s);
		buf[keep_h + 1 + keep_s] = '\0';
		return keep_h + 1 + keep_s;
	}
	memcpy(buf, host, hl);
	buf[hl] = ':';
	memcpy(buf + hl + 1, serv, sl);
	/* netstat 2.10 prints "host:port" into a 128-byte buffer, so with a
	 * long host name (-W) 127 characters remain and the port may be lost */
	size_t n = hl + 1 + sl > 127 ? 127 : hl + 1 + sl;

	buf[n] = '\0';
	return n;
}

size_t fmt_timer(char *buf, const struct pnet_sock *s)
{
	/* netstat prints /proc's clock ticks (1/100 s) divided by HZ=100;
	 * diag gives milliseconds, so truncate to ticks the same way. */
	unsigned long retr = 0, probes = 0;
	unsigned long ticks = s->expires_ms / 10;
	int n;

	if (s->has_tcpinfo) {
		retr = s->tcpi_retransmits;
		probes = s->tcpi_probes;
	} else if (s->timer == 1) {
		retr = s->retrans;
	} else if (s->timer == 2 || s->timer == 4) {
		probes = s->retrans;    /* diag reports icsk_probes_out here */
	}
	if (s->proto == PNET_UDP)
		return (size_t)snprintf(buf, 64, "off (0.00/0/0)");
	switch (s->timer) {
	case 0:
		n = snprintf(buf, 64, "off (0.00/%lu/%lu)", retr, probes);
		break;
	case 1:
		n = snprintf(buf, 64, "on (%lu.%02lu/%lu/%lu)", ticks / 100, ticks % 100, retr, probes);
		break;
	case 2:
		n = snprintf(buf, 64, "keepalive (%lu.%02lu/%lu/%lu)", ticks / 100, ticks % 100,
			     retr, probes);
		break;
	case 3:
		n = snprintf(buf, 64, "timewait (%lu.%02lu/%lu/%lu)", ticks / 100, ticks % 100,
			     retr, probes);
		break;
	case 4:                 /* zero-window probe: net-tools 2.10 prints "probe" */
		n = snprintf(buf, 64, "probe (%lu.%02lu/%lu/%lu)", ticks / 100, ticks % 100,
			     retr, probes);
		break;
	default:
		n = snprintf(buf, 64, "unkn-%u (%lu.%02lu/%lu/%lu)", s->timer, ticks / 100,
			     ticks % 100, retr, probes);
		break;
	}
	return n <= 0 ? 0 : n < 64 ? (size_t)n : 63;     /* what fits in buf */
}

void fmt_title(struct outbuf *ob, const struct pnet_opts *o)
{
	ob_puts(ob, "Active Internet connections ");
	if (o->all)
		ob_puts(ob, "(servers and established)");
	else if (o->listening)
		ob_puts(ob, "(only servers)");
	else
		ob_puts(ob, "(w/o servers)");
	ob_putc(ob, '\n');
}

void fmt_header(struct outbuf *ob, const struct pnet_opts *o)
{
	ob_puts(ob, "Proto Recv-Q Send-Q Local Address           Foreign Address         State      ");
	if (o->extend)
		ob_puts(ob, " User       Inode     ");
	if (o->programs)
		ob_puts(ob, " PID/Program name    ");
	if (o->timers)
		ob_puts(ob, " Timer");
	if (o->classify)
		ob_puts(ob, " Class");
	ob_putc(ob, '\n');
}

static void endpoint(struct outbuf *ob, const struct pnet_opts *o, int family,
		     const uint8_t *addr, uint16_t port, const char *host, const char *serv)
{
	char hbuf[46], pbuf[8], text[320];
	size_t n;

	if (!host) {
		fmt_host_numeric(hbuf, family, addr);
		host = hbuf;
	}
	if (port == 0) {
		serv = "*";
	} else if (!serv) {
		pbuf[fmt_u64(pbuf, port)] = '\0';
		serv = pbuf;
	}
	n = fmt_address(text, host, serv, o->wide);
	ob_write(ob, text, n);
	if (n < 23)
		ob_pad(ob, 23 - n);
	ob_putc(ob, ' ');
}

static const char *class_word(uint16_t port)
{
	if (port == 0)
		return "*";
	return ports_class_word(ports_class(port));
}

void fmt_row(struct outbuf *ob, const struct pnet_opts *o, const struct pnet_sock *s,
	     const struct pnet_names *n)
{
	static const struct pnet_names none;

	if (!n)
		n = &none;
	ob_reserve(ob, 1024);   /* a row is never split between two writes */
	if (s->proto == PNET_TCP)
		ob_puts(ob, s->family == AF_INET6 ? "tcp6  " : "tcp   ");
	else
		ob_puts(ob, s->family == AF_INET6 ? "udp6  " : "udp   ");
	ob_uright(ob, s->rqueue, 6);
	ob_putc(ob, ' ');
	ob_uright(ob, s->wqueue, 6);
	ob_putc(ob, ' ');
	endpoint(ob, o, s->family, s->laddr, s->lport, n->lhost, n->lserv);
	endpoint(ob, o, s->family, s->raddr, s->rport, n->rhost, n->rserv);
	ob_left(ob, fmt_state(s), 11);
	if (o->extend) {
		ob_putc(ob, ' ');
		if (n->user)
			ob_left(ob, n->user, 10);
		else
			ob_uleft(ob, s->uid, 10);
		ob_putc(ob, ' ');
		ob_uleft(ob, s->inode, 10);
	}
	if (o->programs) {
		ob_putc(ob, ' ');
		ob_left(ob, n->program ? n->program : "-", 20);
	}
	if (o->timers) {
		char t[64];
		size_t tl = fmt_timer(t, s);

		ob_putc(ob, ' ');
		ob_write(ob, t, tl);
	}
	if (o->classify) {
		ob_putc(ob, ' ');
		ob_puts(ob, class_word(s->lport));
		ob_putc(ob, '/');
		ob_puts(ob, class_word(s->rport));
	}
	ob_putc(ob, '\n');
}
