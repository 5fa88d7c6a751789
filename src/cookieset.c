/* Sliding window of recent socket cookies: a ring in arrival order plus a
 * linear-probing hash of the same cookies (twice the window, so at most half
 * full). The oldest cookie leaves the hash by backward-shift deletion. */
#include "pnet/cookieset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CAP (2 * COOKIESET_WINDOW)

static size_t slot_of(uint64_t c)
{
	return (size_t)((c * 0x9e3779b97f4a7c15ull) >> 32) & (CAP - 1);
}

static bool contains(const struct cookieset *cs, uint64_t c)
{
	size_t i;

	for (i = slot_of(c); cs->slot[i]; i = (i + 1) & (CAP - 1))
		if (cs->slot[i] == c)
			return true;
	return false;
}

static void insert(struct cookieset *cs, uint64_t c)
{
	size_t i = slot_of(c);

	while (cs->slot[i])
		i = (i + 1) & (CAP - 1);
	cs->slot[i] = c;
}

/* Remove c, moving later members of its probe run back so lookups still work. */
static void erase(struct cookieset *cs, uint64_t c)
{
	size_t i = slot_of(c), j;

	while (cs->slot[i] != c) {
		if (!cs->slot[i])
			return;
		i = (i + 1) & (CAP - 1);
	}
	cs->slot[i] = 0;
	for (j = (i + 1) & (CAP - 1); cs->slot[j]; j = (j + 1) & (CAP - 1)) {
		size_t home = slot_of(cs->slot[j]);

		/* move j back to the hole i unless its home lies in (i, j] */
		if ((i <= j) ? (home <= i || home > j) : (home <= i && home > j)) {
			cs->slot[i] = cs->slot[j];
			cs->slot[j] = 0;
			i = j;
		}
	}
}

static int ensure(struct cookieset *cs)
{
	if (cs->slot)
		return 0;
	cs->ring = calloc(COOKIESET_WINDOW, sizeof(*cs->ring));
	cs->slot = calloc(CAP, sizeof(*cs->slot));
	if (!cs->ring || !cs->slot) {
		cookieset_free(cs);
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void cookieset_clear(struct cookieset *cs)
{
	if (cs->slot && cs->n)
		memset(cs->slot, 0, CAP * sizeof(*cs->slot));
	cs->head = cs->n = 0;
	cs->resync = cs->tail_seen = false;
}

void cookieset_restart(struct cookieset *cs)
{
	if (cs->n) {
		cs->resync = true;
		cs->tail_seen = false;
	}
}

int cookieset_add(struct cookieset *cs, uint64_t c)
{
	if (c == 0)
		return 1;
	if (ensure(cs) < 0)
		return -1;
	if (contains(cs, c)) {
		cs->tail_seen = true;
		return 0;
	}
	if (cs->resync) {
		if (!cs->tail_seen)
			return 0;       /* still in what was listed before the restart */
		cs->resync = false;
	}
	if (cs->n == COOKIESET_WINDOW) {       /* forget the oldest */
		erase(cs, cs->ring[cs->head]);
		cs->head = (cs->head + 1) % COOKIESET_WINDOW;
		cs->n--;
	}
	cs->ring[(cs->head + cs->n) % COOKIESET_WINDOW] = c;
	cs->n++;
	insert(cs, c);
	return 1;
}

void cookieset_free(struct cookieset *cs)
{
	free(cs->ring);
	free(cs->slot);
	memset(cs, 0, sizeof(*cs));
}
