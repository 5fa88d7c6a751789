/* A set of socket cookies, to print each socket of a dump once although the
 * kernel may return it twice (dump chunks resume by bucket position; a dump
 * restarted after ENOBUFS returns everything again). */
#ifndef PNET_COOKIESET_H
#define PNET_COOKIESET_H

#include <stddef.h>
#include <stdint.h>

/* Open addressing over a power-of-two table that doubles at half load, so
 * memory grows in O(log n) steps, never per socket. Zero-initialise to start. */
struct cookieset {
	uint64_t *slot;         /* 0 marks an empty slot */
	size_t cap, n;
};

/* Forget every member, keeping the memory (one reset per dump). */
void cookieset_clear(struct cookieset *cs);
/* Add cookie: 1 if it was new, 0 if already present, -1 (errno ENOMEM) when the
 * table cannot grow. Cookie 0 means "unknown" and is always reported new. */
int cookieset_add(struct cookieset *cs, uint64_t cookie);
void cookieset_free(struct cookieset *cs);

#endif
