/* Host names for addresses, as netstat shows them. Cached for the run. */
#ifndef PNET_RESOLVE_H
#define PNET_RESOLVE_H

#include <stdint.h>

struct resolve;

/* budget_s: total seconds the listing may wait for names (<= 0: never wait). */
struct resolve *resolve_new(double budget_s);
void resolve_free(struct resolve *r);

/* Make the name of an address wanted. Cheap; may start a lookup. */
void resolve_submit(struct resolve *r, int family, const uint8_t *addr);
/* Wait until every submitted lookup answered or the budget ran out. */
void resolve_wait(struct resolve *r);
/* The name to print, or NULL to print the address numerically. */
const char *resolve_host(struct resolve *r, int family, const uint8_t *addr);

#endif
