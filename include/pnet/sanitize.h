/* Untrusted text (process names, /etc files, DNS answers) made safe to print. */
#ifndef PNET_SANITIZE_H
#define PNET_SANITIZE_H

#include <stddef.h>

/* Copy src to dst (size dstsz > 0), replacing every control character
 * (C0, DEL and the C1 range 0x80-0x9f when not part of UTF-8) with '?'.
 * Returns the length written. */
size_t sanitize_copy(char *dst, size_t dstsz, const char *src, size_t srclen);
/* malloc'd sanitised copy of a NUL-terminated string; NULL when out of memory. */
char *sanitize_dup(const char *s);

#endif
