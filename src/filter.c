/* Filter values -> struct pnet_filter, and the user-space match. */
#include "pnet/filter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

/* Decimal digits only, value <= max. 0, or -1 with errno. */
static int parse_uint(const char *s, size_t n, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 10) {
		errno = n ? ERANGE : EINVAL;
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			errno = EINVAL;
			return -1;
		}
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max) {
		errno = ERANGE;
		return -1;
	}
	*out = v;
	return 0;
}

int filter_parse_ports(const char *s, struct pnet_port_range *r)
{
	const char *dash = strchr(s, '-');
	unsigned long lo, hi;

	if (!dash) {
		if (parse_uint(s, strlen(s), 65535, &lo) < 0)
			return -1;
		hi = lo;
	} else if (parse_uint(s, (size_t)(dash - s), 65535, &lo) < 0 ||
		   parse_uint(dash + 1, strlen(dash + 1), 65535, &hi) < 0) {
		return -1;
	}
	if (lo > hi) {
		errno = EINVAL;
		return -1;
	}
	r->lo = (uint16_t)lo;
	r->hi = (uint16_t)hi;
	return 0;
}

/* netstat's state words (format.c) and the kernel states each one covers. */
static const struct {
	const char *name;
	uint32_t bits;
} state_names[] = {
	{ "ESTABLISHED", 1u << PNET_ST_ESTABLISHED },
	{ "SYN_SENT", 1u << PNET_ST_SYN_SENT },
	{ "SYN_RECV", (1u << PNET_ST_SYN_RECV) | (1u << PNET_ST_NEW_SYN_RECV) },
	{ "FIN_WAIT1", 1u << PNET_ST_FIN_WAIT1 },
	{ "FIN_WAIT2", 1u << PNET_ST_FIN_WAIT2 },
	{ "TIME_WAIT", 1u << PNET_ST_TIME_WAIT },
	{ "CLOSE", 1u << PNET_ST_CLOSE },
	{ "CLOSE_WAIT", 1u << PNET_ST_CLOSE_WAIT },
	{ "LAST_ACK", 1u << PNET_ST_LAST_ACK },
	{ "LISTEN", 1u << PNET_ST_LISTEN },
	{ "CLOSING", 1u << PNET_ST_CLOSING },
};

int filter_parse_states(const char *s, uint32_t *mask)
{
	uint32_t m = 0;

	for (;;) {
		size_t n = strcspn(s, ","), i;
		bool found = false;

		for (i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++) {
			if (strlen(state_names[i].name) == n &&
			    strncasecmp(s, state_names[i].name, n) == 0) {
				m |= state_names[i].bits;
				found = true;
				break;
			}
		}
		if (!found) {
			errno = EINVAL;
			return -1;
		}
		if (!s[n])
			break;
		s += n + 1;
	}
	*mask = m;
	return 0;
}

static void clear_host_bits(uint8_t *addr, unsigned bits, unsigned len)
{
	unsigned i;

	for (i = 0; i < len; i++) {
		if (bits >= 8 * (i + 1))
			continue;
		if (bits <= 8 * i)
			addr[i] = 0;
		else
			addr[i] &= (uint8_t)(0xff00u >> (bits - 8 * i));
	}
}

int filter_parse_addr(const char *s, struct pnet_addr_prefix *a)
{
	char text[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long bits;
	unsigned maxbits;

	memset(a, 0, sizeof(*a));
	if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(text)) {
		errno = EINVAL;
		return -1;
	}
	memcpy(text, s, n);
	text[n] = '\0';
	if (inet_pton(AF_INET, text, a->addr) == 1) {
		a->family = AF_INET;
		maxbits = 32;
	} else if (inet_pton(AF_INET6, text, a->addr) == 1) {
		a->family = AF_INET6;
		maxbits = 128;
	} else {
		errno = EINVAL;
		return -1;
	}
	bits = maxbits;
	if (slash && parse_uint(slash + 1, strlen(slash + 1), maxbits, &bits) < 0) {
		errno = EINVAL;
		return -1;
	}
	a->bits = (uint8_t)bits;
	if (a->family == AF_INET6 && a->bits >= 96 && pnet_addr_v4mapped(a->addr)) {
		memmove(a->addr, a->addr + 12, 4);
		memset(a->addr + 4, 0, 12);
		a->family = AF_INET;
		a->bits -= 96;
	}
	clear_host_bits(a->addr, a->bits, a->family == AF_INET ? 4 : 16);
	return 0;
}

int filter_parse_pid(const char *s, int *pid)
{
	unsigned long v;

	if (parse_uint(s, strlen(s), 0x7fffffff, &v) < 0)
		return -1;
	if (v == 0) {
		errno = ERANGE;
		return -1;
	}
	*pid = (int)v;
	return 0;
}

int filter_parse_user(const char *s, uint32_t *uid)
{
	unsigned long v;
	struct passwd *pw;

	if (!*s) {
		errno = EINVAL;
		return -1;
	}
	if (strspn(s, "0123456789") == strlen(s)) {
		if (parse_uint(s, strlen(s), 0xfffffffeul, &v) < 0)
			return -1;
		*uid = (uint32_t)v;
		return 0;
	}
	errno = 0;
	pw = getpwnam(s);
	if (!pw) {
		if (!errno)
			errno = ENOENT;
		return -1;
	}
	*uid = (uint32_t)pw->pw_uid;
	return 0;
}

static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	if (rest) {
		uint8_t m = (uint8_t)(0xff00u >> rest);

		return (a[full] & m) == (b[full] & m);
	}
	return true;
}

bool filter_addr_match(const struct pnet_addr_prefix *a, int family, const uint8_t *addr)
{

	if (a->family == family)
		return prefix_equal(a->addr, addr, a->bits);
	if (a->family == AF_INET && family == AF_INET6 && pnet_addr_v4mapped(addr))
		return prefix_equal(a->addr, addr + 12, a->bits);
	return false;
}

static bool in_range(const struct pnet_port_range *r, uint16_t port)
{
	return port >= r->lo && port <= r->hi;
}

/* The state bit a row counts as: UDP has no state words but connected
 * (ESTABLISHED) and unconnected, which --state listen selects (netstat -l). */
static uint32_t row_state_bit(const struct pnet_sock *s)
{
	if (s->proto == PNET_UDP)
		return s->state == PNET_ST_ESTABLISHED ? 1u << PNET_ST_ESTABLISHED
						       : 1u << PNET_ST_LISTEN;
	return s->state < 32 ? 1u << s->state : 0;
}

bool filter_match(const struct pnet_filter *f, const struct pnet_sock *s, int pid)
{
	unsigned h = f->have;

	if ((h & PNET_F_STATE) && !(f->states & row_state_bit(s)))
		return false;
	if ((h & PNET_F_SPORT) && !in_range(&f->sport, s->lport))
		return false;
	if ((h & PNET_F_DPORT) && !in_range(&f->dport, s->rport))
		return false;
	if ((h & PNET_F_PORT) && !in_range(&f->port, s->lport) && !in_range(&f->port, s->rport))
		return false;
	if ((h & PNET_F_ADDR) && !filter_addr_match(&f->addr, s->family, s->laddr) &&
	    !filter_addr_match(&f->addr, s->family, s->raddr))
		return false;
	if ((h & PNET_F_USER) && s->uid != f->uid)
		return false;
	if ((h & PNET_F_PID) && pid != f->pid)
		return false;
	return true;
}

uint32_t filter_state_mask(const struct pnet_filter *f, enum pnet_proto proto)
{
	uint32_t m = 0;

	if (!(f->have & PNET_F_STATE))
		return ~0u;
	if (proto == PNET_TCP)
		return f->states;
	if (f->states & (1u << PNET_ST_ESTABLISHED))
		m |= 1u << PNET_ST_ESTABLISHED;
	if (f->states & (1u << PNET_ST_LISTEN))
		m |= 1u << PNET_ST_CLOSE;
	return m;
}
