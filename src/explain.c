/* --explain PORT[/PROTO]...: what a port number means (service name, IANA
 * class, whether the kernel hands it out as an ephemeral port). Not a hot
 * path: stdio is used for output. */
#include "pnet/explain.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "pnet/list.h"
#include "pnet/ports.h"
#include "pnet/sanitize.h"

int explain_parse_arg(const char *s, unsigned *port, unsigned *protos)
{
	unsigned v = 0;
	size_t n = 0;

	if (!s)
		return EINVAL;
	while (s[n] >= '0' && s[n] <= '9') {
		if (n == 5)
			return EINVAL;
		v = v * 10 + (unsigned)(s[n] - '0');
		n++;
	}
	if (n == 0 || v > 65535)
		return EINVAL;
	s += n;
	if (*s == '\0')
		*protos = EXPLAIN_TCP | EXPLAIN_UDP;
	else if (strcasecmp(s, "/tcp") == 0)
		*protos = EXPLAIN_TCP;
	else if (strcasecmp(s, "/udp") == 0)
		*protos = EXPLAIN_UDP;
	else
		return EINVAL;
	*port = v;
	return 0;
}

/* One decimal number 0-65535 at *s, advancing *s. */
static int range_num(const char **s, const char *end, unsigned *v)
{
	const char *p = *s;
	unsigned long x = 0;

	while (p < end && p - *s < 6 && *p >= '0' && *p <= '9')
		x = x * 10 + (unsigned long)(*p++ - '0');
	if (p == *s || x > 65535 || (p < end && *p >= '0' && *p <= '9'))
		return EINVAL;
	*v = (unsigned)x;
	*s = p;
	return 0;
}

int explain_parse_range(const char *text, size_t len, unsigned *lo, unsigned *hi)
{
	const char *s = text, *end = text + len;
	unsigned a, b;

	if (range_num(&s, end, &a))
		return EINVAL;
	if (s == end || (*s != ' ' && *s != '\t'))
		return EINVAL;
	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (range_num(&s, end, &b))
		return EINVAL;
	if (s < end && *s == '\n')
		s++;
	if (s != end || a > b)
		return EINVAL;
	*lo = a;
	*hi = b;
	return 0;
}

int explain_read_range(const char *path, unsigned *lo, unsigned *hi)
{
	char buf[64];
	ssize_t n;
	int fd = open(path ? path : EXPLAIN_RANGE_FILE, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno;
	do
		n = read(fd, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		int e = errno;

		close(fd);
		return e;
	}
	close(fd);
	return explain_parse_range(buf, (size_t)n, lo, hi);
}

struct item {
	unsigned port;
	unsigned protos;
};

static void print_row(const char *port, const char *proto, const char *serv, size_t sw,
		      const char *cls, const char *range, const char *eph)
{
	printf("%-5s %-5s %-*s %-10s %-11s %s\n", port, proto, (int)sw, serv, cls, range, eph);
}

/* Validate every operand first (exit 2 naming the first bad one), then print
 * a header and one line per port and protocol, columns aligned and never
 * empty ("-" when a port has no service name). */
int list_explain(const struct pnet_opts *o)
{
	struct item *items;
	struct pnet_ports *ports;
	unsigned lo = 0, hi = 0;
	size_t sw = strlen("SERVICE");
	int i, rc = 0, rerr;

	items = calloc((size_t)o->explain_argc + 1, sizeof(*items));
	if (!items) {
		fputs("pnet: out of memory\n", stderr);
		return 1;
	}
	for (i = 0; i < o->explain_argc; i++) {
		if (explain_parse_arg(o->explain_argv[i], &items[i].port, &items[i].protos)) {
			char *bad = sanitize_dup(o->explain_argv[i]);

			fprintf(stderr, "pnet: invalid port '%s' for --explain "
				"(expected PORT, PORT/tcp or PORT/udp with PORT 0-65535)\n",
				bad ? bad : "?");
			free(bad);
			free(items);
			return 2;
		}
	}
	ports = ports_load(NULL);
	if (!ports) {
		fputs("pnet: out of memory\n", stderr);
		free(items);
		return 1;
	}
	rerr = explain_read_range(NULL, &lo, &hi);
	if (rerr)
		fprintf(stderr, "pnet: cannot read the ephemeral port range from %s (%s); "
			"EPHEMERAL shows '?'\n", EXPLAIN_RANGE_FILE,
			rerr == EINVAL ? "unexpected contents" : strerror(rerr));
	for (i = 0; i < o->explain_argc; i++) {
		const char *s;
		size_t l;

		if ((items[i].protos & EXPLAIN_TCP) &&
		    (s = ports_service(ports, items[i].port, PNET_TCP)) && (l = strlen(s)) > sw)
			sw = l;
		if ((items[i].protos & EXPLAIN_UDP) &&
		    (s = ports_service(ports, items[i].port, PNET_UDP)) && (l = strlen(s)) > sw)
			sw = l;
	}
	print_row("PORT", "PROTO", "SERVICE", sw, "CLASS", "RANGE", "EPHEMERAL");
	for (i = 0; i < o->explain_argc; i++) {
		enum pnet_port_class c = ports_class(items[i].port);
		unsigned clo, chi, p;
		char pbuf[8], rbuf[16];

		ports_class_range(c, &clo, &chi);
		snprintf(pbuf, sizeof(pbuf), "%u", items[i].port);
		snprintf(rbuf, sizeof(rbuf), "%u-%u", clo, chi);
		for (p = PNET_TCP; p <= PNET_UDP; p++) {
			const char *serv;

			if (!(items[i].protos & (p == PNET_TCP ? EXPLAIN_TCP : EXPLAIN_UDP)))
				continue;
			serv = ports_service(ports, items[i].port, (enum pnet_proto)p);
			print_row(pbuf, p == PNET_TCP ? "tcp" : "udp", serv ? serv : "-", sw,
				  ports_class_word(c), rbuf,
				  rerr ? "?" : items[i].port >= lo && items[i].port <= hi ? "yes" : "no");
		}
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "pnet: write error on standard output: %s\n", strerror(errno));
		rc = 1;
	}
	ports_free(ports);
	free(items);
	return rc;
}
