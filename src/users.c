/* uid -> name through getpwuid, once per uid per run. */
#include "pnet/users.h"

#include <pwd.h>
#include <stdlib.h>
#include <sys/types.h>

#include "pnet/sanitize.h"

struct uentry {
	uint32_t uid;
	int used;
	char *name;
};

struct users {
	struct uentry *tab;
	size_t cap, count;
};

struct users *users_new(void)
{
	struct users *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->cap = 64;
	u->tab = calloc(u->cap, sizeof(*u->tab));
	if (!u->tab) {
		free(u);
		return NULL;
	}
	return u;
}

void users_free(struct users *u)
{
	size_t i;

	if (!u)
		return;
	for (i = 0; i < u->cap; i++)
		free(u->tab[i].name);
	free(u->tab);
	free(u);
}

static struct uentry *find(struct uentry *tab, size_t cap, uint32_t uid)
{
	size_t i = (uid * 2654435761u) & (cap - 1);

	while (tab[i].used && tab[i].uid != uid)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

const char *users_name(struct users *u, uint32_t uid)
{
	struct uentry *e;
	struct passwd *pw;

	if (!u)
		return NULL;
	e = find(u->tab, u->cap, uid);
	if (e->used)
		return e->name;
	if ((u->count + 1) * 2 > u->cap) {
		struct uentry *nt = calloc(u->cap * 2, sizeof(*nt));
		size_t i;

		if (!nt)
			return NULL;
		for (i = 0; i < u->cap; i++)
			if (u->tab[i].used)
				*find(nt, u->cap * 2, u->tab[i].uid) = u->tab[i];
		free(u->tab);
		u->tab = nt;
		u->cap *= 2;
		e = find(u->tab, u->cap, uid);
	}
	pw = getpwuid((uid_t)uid);
	e->used = 1;
	e->uid = uid;
	e->name = pw && pw->pw_name ? sanitize_dup(pw->pw_name) : NULL;
	u->count++;
	return e->name;
}
