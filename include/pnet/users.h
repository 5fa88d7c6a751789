/* uid -> user name, cached for the run. */
#ifndef PNET_USERS_H
#define PNET_USERS_H

#include <stdint.h>

struct users;

struct users *users_new(void);
void users_free(struct users *u);
/* Sanitised user name, or NULL when the uid has none (print it as a number). */
const char *users_name(struct users *u, uint32_t uid);

#endif
