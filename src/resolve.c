/* Host-name lookups through the system resolver, the way netstat 2.10 does
 * them (lib/inet.c INET_rresolve, lib/inet6.c INET6_rresolve), but
 * concurrently and within a time budget.
 *
 * Which call answers (netstat's rules):
 *  - IPv4 0.0.0.0 stays numeric. netstat masks the raw network-order word
 *    with ~0xffffff00: when that leaves a bit set the address goes to
 *    gethostbyaddr, otherwise to getnetbyaddr (on little-endian machines the
 *    test looks at the first octet). Names are cut to 127 bytes (its buffer).
 *  - IPv6 "::" prints "[::]"; every other address, v4-mapped too, goes to
 *    getnameinfo on the AF_INET6 sockaddr with a 128-byte buffer (so a longer
 *    name prints numerically); glibc unmaps v4-mapped addresses for the DNS
 *    PTR query. For a v4-mapped address netstat then drops the text up to the
 *    last ':' before the first '.' of the name (fix_v4_address).
 *
 * Concurrency. Entries live in an append-only array (indices are stable) and
 * an open-addressing table maps addresses to indices. Entries are queued in
 * submission order; up to MAX_THREADS detached workers take them one at a
 * time, run the lookup without the lock and store the result under the lock,
 * by index. Results, failures included, stay cached for the run.
 *
 * Lookups never run while the kernel dump runs: the resolver's own UDP
 * sockets would show up in the listing, and netstat does not show them.
 * resolve_submit() only queues, and lookups start in resolve_wait(), right
 * after the dumps; a dump takes a fraction of a second even for 240k sockets,
 * so names still start as soon as the addresses are known. With -c, lookups
 * that outlived the previous budget may still be running during the next dump:
 * resolve_pause() stops new ones from starting, and the sockets of those still
 * running are recognised by inode (/proc/self/fd read before and after the
 * dump; glibc keeps a query's sockets open until the query ends) so the
 * listing can drop them. What remains is a query that an already running
 * lookup both opens and finishes inside one dump's few milliseconds; with a
 * dead server (the case that leaves lookups running) queries do not finish
 * that fast.
 *
 * Memory. The main thread never joins a worker stuck in the resolver: the
 * shared state is reference-counted (owner + one per worker) and freed by
 * whoever drops the last reference. At process exit no join is needed. */
#include "pnet/resolve.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pnet/sanitize.h"

#define MAX_THREADS 16
#define NETSTAT_NAME_MAX 128    /* netstat's INET_sprint/INET6_sprint buffer */
#define DNS_PORT 53

enum { ST_QUEUED, ST_BUSY, ST_DONE };

struct entry {
	uint8_t family;
	uint8_t state;          /* ST_* */
	bool given_up;          /* a resolve_wait() stopped waiting for it */
	uint8_t addr[16];
	char *name;             /* NULL: numeric; valid once ST_DONE */
};

struct resolve {
	pthread_mutex_t lock;
	pthread_cond_t work;    /* workers wait here for entries */
	pthread_cond_t done;    /* resolve_wait() waits here for answers */
	unsigned refs;          /* the owner plus one per live worker */
	bool closing;           /* resolve_free() was called */
	bool paused;            /* a dump is running: start no lookup */
	double budget;
	resolve_lookup_fn fn;
	void *fn_arg;
	struct entry *ent;      /* append-only; index = queue order */
	size_t nent, capent;
	uint32_t *tab;          /* index + 1 into ent, 0 = empty slot */
	size_t cap;
	size_t next;            /* first entry no worker has taken */
	size_t pending;         /* entries the next wait waits for */
	size_t threads, busy, lookups;
	/* main thread only: */
	bool scan;              /* lookups were running when the dump began */
	uint64_t *own;          /* inodes of the resolver's sockets */
	size_t nown, capown;
};

static atomic_size_t workers_alive;

/* A copy of at most NETSTAT_NAME_MAX - 1 bytes of s, sanitised. */
static char *name_dup(const char *s)
{
	char buf[NETSTAT_NAME_MAX];
	size_t n = strnlen(s, sizeof(buf) - 1);

	memcpy(buf, s, n);
	buf[n] = '\0';
	return sanitize_dup(buf);
}

static char *lookup_ipv4(const uint8_t *a)
{
	uint32_t ad;
	size_t len = 4096;
	char *buf = NULL, *name = NULL;
	int rc, herr;

	memcpy(&ad, a, 4);
	for (;;) {
		char *nb = realloc(buf, len);

		if (!nb)
			break;
		buf = nb;
		if ((ad & ~0xffffff00u) != 0) {
			struct hostent he, *res = NULL;

			rc = gethostbyaddr_r(a, 4, AF_INET, &he, buf, len, &res, &herr);
			if (rc == 0 && res && res->h_name)
				name = name_dup(res->h_name);
		} else {
			struct netent ne, *res = NULL;

			rc = getnetbyaddr_r(ntohl(ad), AF_INET, &ne, buf, len, &res, &herr);
			if (rc == 0 && res && res->n_name)
				name = name_dup(res->n_name);
		}
		if (rc != ERANGE || len >= 1024 * 1024)
			break;
		len *= 2;
	}
	free(buf);
	return name;
}

static char *lookup_ipv6(const uint8_t *a)
{
	struct sockaddr_in6 sin6;
	char host[NETSTAT_NAME_MAX];
	const char *p = host;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	memcpy(&sin6.sin6_addr, a, 16);
	if (getnameinfo((struct sockaddr *)&sin6, sizeof(sin6), host, sizeof(host), NULL, 0,
			NI_NAMEREQD) != 0)
		return NULL;
	if (pnet_addr_v4mapped(a)) {
		const char *dot = strchr(host, '.'), *s = dot;

		while (s && s > host && *s != ':')
			s--;
		if (s && *s == ':')
			p = s + 1;
	}
	return sanitize_dup(p);
}

static char *lookup_system(int family, const uint8_t *a, void *arg)
{
	(void)arg;
	return family == AF_INET ? lookup_ipv4(a) : lookup_ipv6(a);
}

static void destroy(struct resolve *r)
{
	size_t i;

	for (i = 0; i < r->nent; i++)
		free(r->ent[i].name);
	free(r->ent);
	free(r->tab);
	free(r->own);
	pthread_cond_destroy(&r->work);
	pthread_cond_destroy(&r->done);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* Drop one reference; called with the lock held, returns with it released. */
static void unref(struct resolve *r)
{
	bool last = --r->refs == 0;

	pthread_mutex_unlock(&r->lock);
	if (last)
		destroy(r);
}

struct resolve *resolve_new(double budget_s)
{
	struct resolve *r = calloc(1, sizeof(*r));
	pthread_condattr_t ca;

	if (!r)
		return NULL;
	r->cap = 256;
	r->tab = calloc(r->cap, sizeof(*r->tab));
	if (!r->tab) {
		free(r);
		errno = ENOMEM;
		return NULL;
	}
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->work, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&r->done, &ca);
	pthread_condattr_destroy(&ca);
	r->refs = 1;
	r->budget = budget_s;
	r->fn = lookup_system;
	return r;
}

void resolve_free(struct resolve *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->closing = true;
	pthread_cond_broadcast(&r->work);
	unref(r);
}

void resolve_set_lookup(struct resolve *r, resolve_lookup_fn fn, void *arg)
{
	r->fn = fn ? fn : lookup_system;
	r->fn_arg = arg;
}

static uint64_t hash_addr(int family, const uint8_t *a)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)family;
	size_t i, n = family == AF_INET ? 4 : 16;

	for (i = 0; i < n; i++)
		h = (h ^ a[i]) * 1099511628211ull;
	return h;
}

/* The table slot of an address: holding its index + 1, or 0 (free). */
static uint32_t *slot(uint32_t *tab, size_t cap, const struct entry *ent, int family,
		      const uint8_t *a)
{
	size_t n = family == AF_INET ? 4 : 16;
	size_t i = (size_t)hash_addr(family, a) & (cap - 1);

	for (;;) {
		const struct entry *e;

		if (!tab[i])
			return &tab[i];
		e = &ent[tab[i] - 1];
		if (e->family == family && memcmp(e->addr, a, n) == 0)
			return &tab[i];
		i = (i + 1) & (cap - 1);
	}
}

static int grow_tab(struct resolve *r)
{
	size_t cap = r->cap * 2, i;
	uint32_t *tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return -1;
	for (i = 0; i < r->nent; i++)
		*slot(tab, cap, r->ent, r->ent[i].family, r->ent[i].addr) = (uint32_t)(i + 1);
	free(r->tab);
	r->tab = tab;
	r->cap = cap;
	return 0;
}

void resolve_submit(struct resolve *r, int family, const uint8_t *addr)
{
	uint32_t *sl;
	struct entry *e;

	if (!r || r->budget <= 0 || pnet_addr_is_zero(family, addr))
		return;
	pthread_mutex_lock(&r->lock);
	sl = slot(r->tab, r->cap, r->ent, family, addr);
	if (*sl)
		goto out;
	if (r->nent == r->capent) {
		size_t cap = r->capent ? r->capent * 2 : 256;
		struct entry *ne = cap < UINT32_MAX ? realloc(r->ent, cap * sizeof(*ne)) : NULL;

		if (!ne)
			goto out;       /* prints numerically */
		r->ent = ne;
		r->capent = cap;
	}
	if ((r->nent + 1) * 2 > r->cap) {
		if (grow_tab(r) < 0)
			goto out;
		sl = slot(r->tab, r->cap, r->ent, family, addr);
	}
	e = &r->ent[r->nent];
	memset(e, 0, sizeof(*e));
	e->family = (uint8_t)family;
	e->state = ST_QUEUED;
	memcpy(e->addr, addr, family == AF_INET ? 4 : 16);
	*sl = (uint32_t)++r->nent;
	r->pending++;
out:
	pthread_mutex_unlock(&r->lock);
}

static void *worker(void *arg)
{
	struct resolve *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		size_t i;
		int family;
		uint8_t a[16];
		char *name;

		while (!r->closing && (r->paused || r->next == r->nent))
			pthread_cond_wait(&r->work, &r->lock);
		if (r->closing)
			break;
		i = r->next++;
		family = r->ent[i].family;
		memcpy(a, r->ent[i].addr, sizeof(a));
		r->ent[i].state = ST_BUSY;
		r->busy++;
		r->lookups++;
		pthread_mutex_unlock(&r->lock);

		name = r->fn(family, a, r->fn_arg);

		pthread_mutex_lock(&r->lock);
		r->busy--;
		r->ent[i].name = name;
		r->ent[i].state = ST_DONE;
		if (!r->ent[i].given_up && --r->pending == 0)
			pthread_cond_signal(&r->done);
	}
	atomic_fetch_sub(&workers_alive, 1);
	unref(r);
	return NULL;
}

/* Start idle workers for the queued entries, up to MAX_THREADS in all.
 * Workers block every signal so that SIGINT/SIGTERM reach the main thread. */
static void start_workers(struct resolve *r)
{
	size_t queued = r->nent - r->next;
	pthread_attr_t at;
	sigset_t all, old;

	if (r->threads - r->busy >= queued || r->threads >= MAX_THREADS)
		return;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	while (r->threads - r->busy < queued && r->threads < MAX_THREADS) {
		pthread_t t;

		r->refs++;
		atomic_fetch_add(&workers_alive, 1);
		if (pthread_create(&t, &at, worker, r) != 0) {
			r->refs--;
			atomic_fetch_sub(&workers_alive, 1);
			break;
		}
		r->threads++;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&at);
}

/* Append the inodes of this process's open sockets to r->own. */
static void scan_own_sockets(struct resolve *r)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char link[64];
		unsigned long long ino;
		ssize_t n = readlinkat(dirfd(d), de->d_name, link, sizeof(link) - 1);

		if (n <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%llu]", &ino) != 1)
			continue;
		if (r->nown == r->capown) {
			size_t cap = r->capown ? r->capown * 2 : 16;
			uint64_t *no = realloc(r->own, cap * sizeof(*no));

			if (!no)
				break;
			r->own = no;
			r->capown = cap;
		}
		r->own[r->nown++] = ino;
	}
	closedir(d);
}

void resolve_pause(struct resolve *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->paused = true;
	r->scan = r->busy > 0;
	pthread_mutex_unlock(&r->lock);
	r->nown = 0;
	if (r->scan)
		scan_own_sockets(r);
}

void resolve_wait(struct resolve *r)
{
	struct timespec dl;
	size_t i;

	if (!r)
		return;
	if (r->scan)
		scan_own_sockets(r);
	r->scan = false;
	pthread_mutex_lock(&r->lock);
	r->paused = false;
	/* -c: entries an earlier listing gave up on before any worker took them
	 * are still queued; idle workers must be woken for them too */
	if (r->budget > 0 && r->next < r->nent) {
		start_workers(r);
		pthread_cond_broadcast(&r->work);
	}
	if (r->budget > 0 && r->pending > 0) {
		start_workers(r);
		pthread_cond_broadcast(&r->work);
		clock_gettime(CLOCK_MONOTONIC, &dl);
		dl.tv_sec += (time_t)r->budget;
		dl.tv_nsec += (long)((r->budget - (double)(time_t)r->budget) * 1e9);
		if (dl.tv_nsec >= 1000000000L) {
			dl.tv_sec++;
			dl.tv_nsec -= 1000000000L;
		}
		while (r->pending > 0 && r->threads > 0 &&
		       pthread_cond_timedwait(&r->done, &r->lock, &dl) != ETIMEDOUT)
			;
	}
	if (r->pending > 0) {
		/* out of time (or threads): these print numerically, and no later
		 * listing waits for them again; a late answer is still used */
		for (i = 0; i < r->nent; i++)
			if (r->ent[i].state != ST_DONE)
				r->ent[i].given_up = true;
		r->pending = 0;
	}
	pthread_mutex_unlock(&r->lock);
}

const char *resolve_host(struct resolve *r, int family, const uint8_t *addr)
{
	const char *name = NULL;
	uint32_t idx;

	if (!r || r->budget <= 0)
		return NULL;
	if (pnet_addr_is_zero(family, addr))
		return family == AF_INET6 ? "[::]" : NULL;
	pthread_mutex_lock(&r->lock);
	idx = *slot(r->tab, r->cap, r->ent, family, addr);
	if (idx && r->ent[idx - 1].state == ST_DONE)
		name = r->ent[idx - 1].name;
	pthread_mutex_unlock(&r->lock);
	return name;
}

bool resolve_own_socket(struct resolve *r, const struct pnet_sock *s)
{
	size_t i;

	/* glibc's resolver talks to port 53 only (resolv.conf has no port) */
	if (!r || s->rport != DNS_PORT || !s->inode)
		return false;
	for (i = 0; i < r->nown; i++)
		if (r->own[i] == s->inode)
			return true;
	return false;
}

void resolve_get_stats(struct resolve *r, struct resolve_stats *st)
{
	pthread_mutex_lock(&r->lock);
	st->threads = r->threads;
	st->lookups = r->lookups;
	st->entries = r->nent;
	pthread_mutex_unlock(&r->lock);
}

size_t resolve_workers_alive(void)
{
	return atomic_load(&workers_alive);
}
