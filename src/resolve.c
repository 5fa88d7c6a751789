/* Host-name lookups through the system resolver, the way netstat does them:
 *  - IPv4: 0.0.0.0 stays numeric; an address whose last octet is 0 is looked up
 *    in the networks database (getnetbyaddr), any other with gethostbyaddr.
 *  - IPv6: "::" prints "[::]"; other addresses (v4-mapped too) go to
 *    getnameinfo on the IPv6 sockaddr, so /etc/hosts and DNS answer as for netstat.
 * Results, failures included, are cached in an open-addressing table. */
#include "pnet/resolve.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "pnet/sanitize.h"

struct entry {
	uint8_t used;
	uint8_t family;
	uint8_t addr[16];
	char *name;             /* NULL: numeric */
};

struct resolve {
	struct entry *tab;
	size_t cap, count;
	double budget;
};

struct resolve *resolve_new(double budget_s)
{
	struct resolve *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->cap = 256;
	r->tab = calloc(r->cap, sizeof(*r->tab));
	if (!r->tab) {
		free(r);
		return NULL;
	}
	r->budget = budget_s;
	return r;
}

void resolve_free(struct resolve *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->cap; i++)
		free(r->tab[i].name);
	free(r->tab);
	free(r);
}

static uint64_t hash_addr(int family, const uint8_t *a)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)family;
	size_t i, n = family == AF_INET ? 4 : 16;

	for (i = 0; i < n; i++)
		h = (h ^ a[i]) * 1099511628211ull;
	return h;
}

static struct entry *slot(struct resolve *r, int family, const uint8_t *a)
{
	size_t n = family == AF_INET ? 4 : 16;
	size_t i = (size_t)hash_addr(family, a) & (r->cap - 1);

	for (;;) {
		struct entry *e = &r->tab[i];

		if (!e->used || (e->family == family && memcmp(e->addr, a, n) == 0))
			return e;
		i = (i + 1) & (r->cap - 1);
	}
}

static int grow(struct resolve *r)
{
	struct entry *old = r->tab;
	size_t oldcap = r->cap, i;

	r->tab = calloc(oldcap * 2, sizeof(*r->tab));
	if (!r->tab) {
		r->tab = old;
		return -1;
	}
	r->cap = oldcap * 2;
	for (i = 0; i < oldcap; i++)
		if (old[i].used)
			*slot(r, old[i].family, old[i].addr) = old[i];
	free(old);
	return 0;
}

static char *lookup(int family, const uint8_t *a)
{
	char host[NI_MAXHOST];

	if (family == AF_INET) {
		uint32_t ad;
		struct hostent *he;

		memcpy(&ad, a, 4);
		if (ad == 0)
			return NULL;
		if ((ntohl(ad) & 0xff) == 0) {
			struct netent *ne = getnetbyaddr(ntohl(ad), AF_INET);

			return ne && ne->n_name ? sanitize_dup(ne->n_name) : NULL;
		}
		he = gethostbyaddr(a, 4, AF_INET);
		return he && he->h_name ? sanitize_dup(he->h_name) : NULL;
	} else {
		struct sockaddr_in6 sin6;

		if (IN6_IS_ADDR_UNSPECIFIED((const struct in6_addr *)a))
			return strdup("[::]");
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, a, 16);
		if (getnameinfo((struct sockaddr *)&sin6, sizeof(sin6), host, sizeof(host), NULL,
				0, NI_NAMEREQD) != 0)
			return NULL;
		return sanitize_dup(host);
	}
}

/* Lookups must not run while the kernel is still dumping: the resolver's own
 * UDP sockets would show up in the listing. Here they run lazily in
 * resolve_host(), which the listing calls only after every dump finished. */
void resolve_submit(struct resolve *r, int family, const uint8_t *addr)
{
	(void)r;
	(void)family;
	(void)addr;
}

void resolve_wait(struct resolve *r)
{
	(void)r;
}

const char *resolve_host(struct resolve *r, int family, const uint8_t *addr)
{
	struct entry *e;

	if (!r || r->budget <= 0)
		return NULL;
	e = slot(r, family, addr);
	if (e->used)
		return e->name;
	if ((r->count + 1) * 2 > r->cap) {
		if (grow(r) < 0)
			return NULL;
		e = slot(r, family, addr);
	}
	e->used = 1;
	e->family = (uint8_t)family;
	memcpy(e->addr, addr, family == AF_INET ? 4 : 16);
	e->name = lookup(family, addr);
	r->count++;
	return e->name;
}
