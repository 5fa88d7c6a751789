/* Port classes and service names. Names are parsed once per run into arrays
 * indexed by port (uint16 offsets into one string pool), so a lookup is O(1). */
#include "pnet/ports.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPORTS 65536

struct pnet_ports {
	uint32_t idx[2][NPORTS];        /* offset+1 into pool; 0 = no name */
	char *pool;
	size_t used, cap;
};

enum pnet_port_class ports_class(unsigned port)
{
	if (port <= 1023)
		return PNET_PORT_WELL_KNOWN;
	if (port <= 49151)
		return PNET_PORT_REGISTERED;
	return PNET_PORT_DYNAMIC;
}

const char *ports_class_word(enum pnet_port_class c)
{
	switch (c) {
	case PNET_PORT_WELL_KNOWN:
		return "well-known";
	case PNET_PORT_REGISTERED:
		return "registered";
	default:
		return "dynamic";
	}
}

void ports_class_range(enum pnet_port_class c, unsigned *lo, unsigned *hi)
{
	static const unsigned r[3][2] = { { 0, 1023 }, { 1024, 49151 }, { 49152, 65535 } };

	*lo = r[c][0];
	*hi = r[c][1];
}

static int pool_add(struct pnet_ports *p, const char *s, size_t n, uint32_t *off)
{
	if (p->used + n + 1 > p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16384;
		char *np;

		while (cap < p->used + n + 1)
			cap *= 2;
		np = realloc(p->pool, cap);
		if (!np)
			return -1;
		p->pool = np;
		p->cap = cap;
	}
	memcpy(p->pool + p->used, s, n);
	p->pool[p->used + n] = '\0';
	*off = (uint32_t)p->used + 1;
	p->used += n + 1;
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* One services(5) line: "name port/proto [aliases] [# comment]". Bad lines are
 * skipped. A later line for the same port and protocol wins, as netstat's list
 * (built by prepending every entry) returns the last one. */
static int parse_line(struct pnet_ports *p, const char *s, const char *end)
{
	const char *name, *num;
	size_t nlen;
	unsigned long port = 0;
	int proto;

	while (s < end && is_space(*s))
		s++;
	if (s == end || *s == '#')
		return 0;
	name = s;
	while (s < end && !is_space(*s) && *s != '#')
		s++;
	nlen = (size_t)(s - name);
	while (s < end && is_space(*s))
		s++;
	num = s;
	while (s < end && *s >= '0' && *s <= '9' && port <= NPORTS)
		port = port * 10 + (unsigned long)(*s++ - '0');
	if (s == num || s == end || *s != '/' || port >= NPORTS)
		return 0;
	s++;
	if (end - s >= 3 && memcmp(s, "tcp", 3) == 0)
		proto = PNET_TCP;
	else if (end - s >= 3 && memcmp(s, "udp", 3) == 0)
		proto = PNET_UDP;
	else
		return 0;
	s += 3;
	if (s < end && !is_space(*s) && *s != '#')
		return 0;
	if (nlen == 0 || nlen > 63)
		return 0;
	return pool_add(p, name, nlen, &p->idx[proto][port]);
}

struct pnet_ports *ports_from_text(const char *text, size_t len)
{
	struct pnet_ports *p = calloc(1, sizeof(*p));
	const char *s = text, *end = text + len;

	if (!p)
		return NULL;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *le = nl ? nl : end;

		if (memchr(s, '\0', (size_t)(le - s)) == NULL && parse_line(p, s, le) < 0) {
			ports_free(p);
			errno = ENOMEM;
			return NULL;
		}
		s = nl ? nl + 1 : end;
	}
	return p;
}

extern const char pnet_builtin_services[];
extern const size_t pnet_builtin_services_len;

struct pnet_ports *ports_builtin(void)
{
	return ports_from_text(pnet_builtin_services, pnet_builtin_services_len);
}

struct pnet_ports *ports_load(const char *path)
{
	FILE *f = fopen(path ? path : "/etc/services", "re");
	struct pnet_ports *p;
	char *text = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return ports_builtin();
	for (;;) {
		size_t n;

		if (cap - len < 65536) {
			char *nt;

			if (cap >= (64u << 20))     /* a services file is never this big */
				break;
			cap = cap ? cap * 2 : 65536;
			nt = realloc(text, cap);
			if (!nt) {
				free(text);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			text = nt;
		}
		n = fread(text + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fclose(f);
		free(text);
		return ports_builtin();
	}
	fclose(f);
	p = ports_from_text(text ? text : "", len);
	free(text);
	return p;
}

void ports_free(struct pnet_ports *p)
{
	if (!p)
		return;
	free(p->pool);
	free(p);
}

const char *ports_service(const struct pnet_ports *p, unsigned port, enum pnet_proto proto)
{
	uint32_t off;

	if (!p || port >= NPORTS || (proto != PNET_TCP && proto != PNET_UDP))
		return NULL;
	off = p->idx[proto][port];
	return off ? p->pool + off - 1 : NULL;
}
