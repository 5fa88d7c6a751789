/* /proc/net/{tcp,tcp6,udp,udp6} reader: the fallback backend when netlink
 * sock_diag is unavailable. Every line is untrusted: fields are checked for
 * length, digits and range, and a line that fails any check is skipped. */
#include "pnet/procnet.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_TOKENS 12

struct tok {
	const char *p;
	size_t n;
};

/* Split at spaces; returns the number of tokens (at most MAX_TOKENS). */
static size_t tokenize(const char *line, size_t len, struct tok *t)
{
	size_t i = 0, n = 0;

	while (n < MAX_TOKENS) {
		while (i < len && line[i] == ' ')
			i++;
		if (i >= len)
			break;
		t[n].p = line + i;
		while (i < len && line[i] != ' ')
			i++;
		t[n].n = (size_t)(line + i - t[n].p);
		n++;
	}
	return n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Exactly n (1..16) hex digits at p into *v. */
static bool hex_n(const char *p, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (n == 0 || n > 16)
		return false;
	for (i = 0; i < n; i++) {
		int d = hexval(p[i]);

		if (d < 0)
			return false;
		x = x << 4 | (uint64_t)d;
	}
	*v = x;
	return true;
}

/* Unsigned decimal token no larger than max. */
static bool dec_tok(const struct tok *t, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (t->n == 0 || t->n > 20)
		return false;
	for (i = 0; i < t->n; i++) {
		unsigned d = (unsigned)(t->p[i] - '0');

		if (d > 9 || x > (max - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
}

/* "ADDR:PORT" with ADDR 8 (AF_INET) or 32 (AF_INET6) hex digits, each group
 * of 8 one 32-bit word as the kernel holds it (network-order bytes read as a
 * native integer), so storing the parsed word natively restores the bytes. */
static bool endpoint(const struct tok *t, int family, uint8_t *addr, uint16_t *port)
{
	size_t words = family == AF_INET ? 1 : 4, i;
	uint64_t v;

	if (t->n != words * 8 + 5 || t->p[words * 8] != ':')
		return false;
	for (i = 0; i < words; i++) {
		uint32_t w;

		if (!hex_n(t->p + i * 8, 8, &v))
			return false;
		w = (uint32_t)v;
		memcpy(addr + i * 4, &w, 4);
	}
	if (!hex_n(t->p + words * 8 + 1, 4, &v))
		return false;
	*port = (uint16_t)v;
	return true;
}

/* "HEX:HEX" with a fixed-width first half and a second half of 1..maxb digits. */
static bool hex_pair(const struct tok *t, size_t na, size_t maxb, uint64_t *a, uint64_t *b)
{
	if (t->n < na + 2 || t->n > na + 1 + maxb || t->p[na] != ':')
		return false;
	return hex_n(t->p, na, a) && hex_n(t->p + na + 1, t->n - na - 1, b);
}

static uint8_t clamp8(uint64_t v)
{
	return v > 255 ? 255 : (uint8_t)v;
}

int procnet_parse_line(const char *line, size_t len, enum pnet_proto proto, int family,
		       struct pnet_sock *s)
{
	struct tok t[MAX_TOKENS];
	size_t nt;
	uint64_t v, a, b;

	if (!line || (family != AF_INET && family != AF_INET6) ||
	    (proto != PNET_TCP && proto != PNET_UDP) || len > PROCNET_LINE_MAX)
		goto bad;
	if (len && line[len - 1] == '\n')
		len--;
	if (memchr(line, '\0', len) || memchr(line, '\t', len))
		goto bad;
	nt = tokenize(line, len, t);
	if (nt < 10)
		goto bad;
	memset(s, 0, sizeof(*s));
	s->proto = (uint8_t)proto;
	s->family = (uint8_t)family;

	/* "sl:" slot number */
	if (t[0].n < 2 || t[0].p[t[0].n - 1] != ':')
		goto bad;
	t[0].n--;
	if (!dec_tok(&t[0], UINT32_MAX, &v))
		goto bad;
	if (!endpoint(&t[1], family, s->laddr, &s->lport) ||
	    !endpoint(&t[2], family, s->raddr, &s->rport))
		goto bad;
	/* st: kernel state, 2 hex digits; 0 and values past TCP_BOUND_INACTIVE never occur */
	if (t[3].n != 2 || !hex_n(t[3].p, 2, &v) || v == 0 || v > 15)
		goto bad;
	s->state = (uint8_t)v;
	/* tx_queue:rx_queue, %08X each: Send-Q and Recv-Q as netstat prints them */
	if (!hex_pair(&t[4], 8, 8, &a, &b))
		goto bad;
	s->wqueue = (uint32_t)a;
	s->rqueue = (uint32_t)b;
	/* tr:tm->when, %02X:%08lX; when is in clock ticks (USER_HZ, 100 per second) */
	if (!hex_pair(&t[5], 2, 16, &a, &b))
		goto bad;
	s->timer = (uint8_t)a;
	s->expires_ms = b > UINT32_MAX / 10 ? UINT32_MAX / 10 * 10 : (uint32_t)b * 10;
	/* retrnsmt, %08X */
	if (t[6].n != 8 || !hex_n(t[6].p, 8, &v))
		goto bad;
	s->retrans = clamp8(v);
	s->tcpi_retransmits = clamp8(v);
	if (!dec_tok(&t[7], UINT32_MAX, &v))
		goto bad;
	s->uid = (uint32_t)v;
	/* timeout: %d, icsk_probes_out for full TCP sockets, 0 otherwise */
	if (t[8].n && t[8].p[0] == '-') {
		struct tok m = { t[8].p + 1, t[8].n - 1 };

		if (!dec_tok(&m, 2147483648u, &v))
			goto bad;
		v = 0;
	} else if (!dec_tok(&t[8], INT32_MAX, &v)) {
		goto bad;
	}
	s->tcpi_probes = clamp8(v);
	if (!dec_tok(&t[9], UINT32_MAX, &v))
		goto bad;
	s->inode = (uint32_t)v;
	s->has_tcpinfo = proto == PNET_TCP;
	if (proto == PNET_UDP) {
		s->timer = 0;
		s->retrans = s->tcpi_retransmits = s->tcpi_probes = 0;
	}

	/* /proc has no socket cookie; an identity for de-duplication within one
	 * read instead. A full socket has a unique inode. Timewait and request
	 * sockets have inode 0; at any moment only one of them holds a given
	 * address pair, so the pair (with the state) names it: a later one with
	 * the same pair replaced the earlier, which is printed once. */
	{
		uint64_t k = 0xcbf29ce484222325ull, w[2];
		size_t i, n = family == AF_INET ? 4 : 16;

		if (s->inode) {
			k ^= s->inode;
			k *= 0x100000001b3ull;
		} else {
			for (i = 0; i < n; i++) {
				k = (k ^ s->laddr[i]) * 0x100000001b3ull;
				k = (k ^ s->raddr[i]) * 0x100000001b3ull;
			}
			w[0] = (uint64_t)s->lport << 16 | s->rport;
			w[1] = (uint64_t)s->state << 8 | (uint64_t)family;
			for (i = 0; i < 2; i++)
				k = (k ^ w[i]) * 0x100000001b3ull;
			k ^= 1ull << 63;        /* never equal to an inode identity */
		}
		s->cookie = k ? k : 1;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int procnet_dump_file(const char *path, enum pnet_proto proto, int family, uint32_t states,
		      pnet_sock_cb cb, void *data)
{
	char buf[16384];
	size_t have = 0;
	bool skipping = false, eof = false;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (!eof) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		size_t start = 0, i;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		if (n == 0) {
			eof = true;
			if (have == 0)
				break;
			buf[have++] = '\n';     /* last line without newline; have < sizeof */
		} else {
			have += (size_t)n;
		}
		for (i = 0; i < have; i++) {
			struct pnet_sock s;
			size_t len;

			if (buf[i] != '\n')
				continue;
			len = i + 1 - start;
			if (!skipping && procnet_parse_line(buf + start, len, proto, family, &s) == 0 &&
			    (states & (1u << s.state))) {
				errno = 0;
				if (cb(&s, data) < 0) {
					if (errno == 0)
						errno = EIO;
					goto fail;
				}
			}
			skipping = false;
			start = i + 1;
		}
		if (have - start > PROCNET_LINE_MAX) {
			/* no newline within a line's limit: drop it up to its end */
			skipping = true;
			have = 0;
			continue;
		}
		memmove(buf, buf + start, have - start);
		have -= start;          /* <= PROCNET_LINE_MAX: read() always has room */
	}
	close(fd);
	return 0;
fail: {
	int e = errno;

	close(fd);
	errno = e;
	return -1;
}
}

int procnet_dump(enum pnet_proto proto, int family, uint32_t states, pnet_sock_cb cb,
		 void *data)
{
	const char *path;

	if (proto == PNET_TCP)
		path = family == AF_INET6 ? "/proc/net/tcp6" : "/proc/net/tcp";
	else
		path = family == AF_INET6 ? "/proc/net/udp6" : "/proc/net/udp";
	return procnet_dump_file(path, proto, family, states, cb, data);
}
