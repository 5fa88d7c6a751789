/* Cookie set: linear probing, multiplicative hash (cookies are a counter). */
#include "pnet/cookieset.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_CAP 1024

static size_t slot_of(uint64_t c, size_t cap)
{
	return (size_t)((c * 0x9e3779b97f4a7c15ull) >> 32) & (cap - 1);
}

static void put(uint64_t *slot, size_t cap, uint64_t c)
{
	size_t i = slot_of(c, cap);

	while (slot[i])
		i = (i + 1) & (cap - 1);
	slot[i] = c;
}

static int grow(struct cookieset *cs)
{
	size_t cap = cs->cap ? cs->cap * 2 : INITIAL_CAP, i;
	uint64_t *s;

	if (cap > SIZE_MAX / sizeof(*s) / 2)
		goto nomem;
	s = calloc(cap, sizeof(*s));
	if (!s)
		goto nomem;
	for (i = 0; i < cs->cap; i++)
		if (cs->slot[i])
			put(s, cap, cs->slot[i]);
	free(cs->slot);
	cs->slot = s;
	cs->cap = cap;
	return 0;
nomem:
	errno = ENOMEM;
	return -1;
}

void cookieset_clear(struct cookieset *cs)
{
	if (cs->n)
		memset(cs->slot, 0, cs->cap * sizeof(*cs->slot));
	cs->n = 0;
}

int cookieset_add(struct cookieset *cs, uint64_t c)
{
	size_t i;

	if (c == 0)
		return 1;
	if ((cs->n + 1) * 2 > cs->cap && grow(cs) < 0)
		return -1;
	for (i = slot_of(c, cs->cap); cs->slot[i]; i = (i + 1) & (cs->cap - 1))
		if (cs->slot[i] == c)
			return 0;
	cs->slot[i] = c;
	cs->n++;
	return 1;
}

void cookieset_free(struct cookieset *cs)
{
	free(cs->slot);
	cs->slot = NULL;
	cs->cap = cs->n = 0;
}
