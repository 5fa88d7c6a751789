/* Host names for addresses, as netstat shows them: looked up concurrently by a
 * small thread pool through the system resolver, cached for the run (failures
 * too), and never waited for longer than a budget per listing. */
#ifndef PNET_RESOLVE_H
#define PNET_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pnet/sock.h"

struct resolve;

/* A name lookup: a malloc'd, already sanitised name, or NULL for "none".
 * Runs in a worker thread; must be thread-safe. */
typedef char *(*resolve_lookup_fn)(int family, const uint8_t *addr, void *arg);

/* budget_s: seconds each resolve_wait() may wait for names (<= 0: never
 * wait, every address prints numerically). NULL with errno on failure. */
struct resolve *resolve_new(double budget_s);
/* Never blocks: lookups still running finish in the background and the last
 * worker to stop releases the shared state. */
void resolve_free(struct resolve *r);

/* Make the name of an address wanted. Cheap; starts nothing (see resolve_wait). */
void resolve_submit(struct resolve *r, int family, const uint8_t *addr);
/* Call before a kernel dump: no new lookup starts until resolve_wait(). */
void resolve_pause(struct resolve *r);
/* Call right after the dumps: remember which dumped sockets are the
 * resolver's own, start the lookups and wait until every wanted name has
 * answered or the budget has run out. */
void resolve_wait(struct resolve *r);
/* The name to print, or NULL to print the address numerically. The string
 * lives as long as r. */
const char *resolve_host(struct resolve *r, int family, const uint8_t *addr);
/* True for a socket of pnet's own resolver (a DNS query still running from
 * an earlier -c listing), which netstat would not show. */
bool resolve_own_socket(struct resolve *r, const struct pnet_sock *s);

/* Tests: replace the system lookup (before the first resolve_wait). */
void resolve_set_lookup(struct resolve *r, resolve_lookup_fn fn, void *arg);

struct resolve_stats {
	size_t threads;         /* worker threads created */
	size_t lookups;         /* lookups started */
	size_t entries;         /* distinct addresses known */
};
void resolve_get_stats(struct resolve *r, struct resolve_stats *st);
/* Tests: worker threads of every resolver that have not yet exited. */
size_t resolve_workers_alive(void);

#endif
