/* Port classes and service names. Names are parsed once per run into arrays
 * indexed by port (offsets into one string pool), so a lookup is O(1). */
#include "pnet/ports.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pnet/sanitize.h"

#define NPORTS 65536
#define MAX_FILE (64u << 20)            /* a services file is never this big */

struct pnet_ports {
	uint32_t idx[2][NPORTS];        /* offset+1 into pool; 0 = no name */
	char *pool;
	size_t used, cap;
	uint32_t last;                  /* offset+1 of the newest name (tcp/udp pairs share it) */
	size_t count;                   /* tcp/udp entries parsed */
	bool builtin;
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

	if ((unsigned)c > PNET_PORT_DYNAMIC)
		c = PNET_PORT_DYNAMIC;
	*lo = r[c][0];
	*hi = r[c][1];
}

/* Add a sanitised copy of s[0..n) to the pool; *off gets offset+1. A name equal
 * to the previous one (the usual tcp/udp pair) reuses its copy. */
static int pool_add(struct pnet_ports *p, const char *s, size_t n, uint32_t *off)
{
	char tmp[PORTS_NAME_MAX * 4 + 1];
	size_t len;

	if (n > PORTS_NAME_MAX)
		n = PORTS_NAME_MAX;
	len = sanitize_copy(tmp, sizeof(tmp), s, n);
	if (p->last && strcmp(p->pool + p->last - 1, tmp) == 0) {
		*off = p->last;
		return 0;
	}
	if (p->used + len + 1 > p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 8192;
		char *np;

		while (cap < p->used + len + 1)
			cap *= 2;
		if (cap > UINT32_MAX - 1)
			return -1;
		np = realloc(p->pool, cap);
		if (!np)
			return -1;
		p->pool = np;
		p->cap = cap;
	}
	memcpy(p->pool + p->used, tmp, len + 1);
	*off = p->last = (uint32_t)p->used + 1;
	p->used += len + 1;
	return 0;
}

/* isspace() in the C locale. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* The port field as glibc reads it: strtoul(s, &end, 0) (sign, 0x hex, 0 octal,
 * saturating at ULONG_MAX), then values above 0xffffffff are rejected and the
 * rest keep their low 16 bits (htons of a uint32). Returns the end of the
 * number, or NULL when there is no number or it is out of range. */
static const char *parse_port(const char *s, const char *end, unsigned *port)
{
	unsigned long v = 0;
	bool neg = false, over = false, any = false;
	int base = 10;

	if (s < end && (*s == '+' || *s == '-'))
		neg = *s++ == '-';
	if (s < end && *s == '0') {
		base = 8;
		if (end - s >= 3 && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16) {
			base = 16;
			s += 2;
		}
	}
	for (; s < end && digit_value(*s) < base; s++) {
		unsigned d = (unsigned)digit_value(*s);

		any = true;
		if (v > (ULONG_MAX - d) / (unsigned)base)
			over = true;
		else
			v = v * (unsigned)base + d;
	}
	if (!any)
		return NULL;
	if (over)
		v = ULONG_MAX;
	else if (neg)
		v = -v;
	if (v > 0xffffffffUL)
		return NULL;
	*port = (unsigned)(v & 0xffff);
	return s;
}

/* One services(5) line, parsed like glibc nss_files (files-service.c): the line
 * ends at '#' or NUL; leading blanks are skipped; fields are name (up to white
 * space), port, one or more '/', protocol (up to white space); aliases are
 * ignored. Lines that do not parse, and protocols other than exactly "tcp" and
 * "udp" (netstat compares with strcmp), are skipped. A later line for the same
 * port and protocol wins: netstat prepends every getservent() entry to its
 * list and returns the first match. */
#define PORTS_LINE_MAX 4096    /* longer services(5) lines are skipped as corrupt */

static int parse_line(struct pnet_ports *p, const char *s, const char *end)
{
	const char *name, *e;
	size_t nlen, plen;
	unsigned port;
	int proto;

	if (end - s > PORTS_LINE_MAX)
		return 0;       /* oversized: corrupt, never trusted */
	for (e = s; e < end && *e != '#' && *e != '\0'; e++)
		;
	end = e;
	while (s < end && is_space(*s))
		s++;
	if (s == end)
		return 0;
	name = s;
	while (s < end && !is_space(*s))
		s++;
	nlen = (size_t)(s - name);
	while (s < end && is_space(*s))
		s++;
	s = parse_port(s, end, &port);
	if (!s || s == end || *s != '/')
		return 0;
	while (s < end && *s == '/')
		s++;
	for (e = s; e < end && !is_space(*e); e++)
		;
	plen = (size_t)(e - s);
	if (plen == 3 && memcmp(s, "tcp", 3) == 0)
		proto = PNET_TCP;
	else if (plen == 3 && memcmp(s, "udp", 3) == 0)
		proto = PNET_UDP;
	else
		return 0;
	p->count++;
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

		if (parse_line(p, s, le) < 0) {
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
	struct pnet_ports *p = ports_from_text(pnet_builtin_services, pnet_builtin_services_len);

	if (p)
		p->builtin = true;
	return p;
}

/* Whole file into a malloc'd buffer; NULL when it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t cap, n = 0;
	char *buf = NULL;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode))
		goto fail;
	/* st_size is a hint only (/proc-like files report 0) */
	cap = st.st_size > 0 && (uint64_t)st.st_size < MAX_FILE ? (size_t)st.st_size + 1 : 65536;
	buf = malloc(cap);
	if (!buf)
		goto fail;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nb;

			if (cap >= MAX_FILE)
				break;
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto fail;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return buf;
fail:
	free(buf);
	close(fd);
	return NULL;
}

struct pnet_ports *ports_load(const char *path)
{
	struct pnet_ports *p;
	size_t len = 0;
	char *text = read_file(path ? path : "/etc/services", &len);

	if (!text)
		return ports_builtin();
	p = ports_from_text(text, len);
	free(text);
	if (p && p->count == 0) {
		ports_free(p);
		return ports_builtin();
	}
	return p;
}

void ports_free(struct pnet_ports *p)
{
	if (!p)
		return;
	free(p->pool);
	free(p);
}

size_t ports_count(const struct pnet_ports *p)
{
	return p ? p->count : 0;
}

bool ports_is_builtin(const struct pnet_ports *p)
{
	return p && p->builtin;
}

const char *ports_service(const struct pnet_ports *p, unsigned port, enum pnet_proto proto)
{
	uint32_t off;

	if (!p || port >= NPORTS || (proto != PNET_TCP && proto != PNET_UDP))
		return NULL;
	off = p->idx[proto][port];
	return off ? p->pool + off - 1 : NULL;
}
