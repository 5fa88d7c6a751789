/* Machine output: --json (one array, streamed) and --jsonl (one object a line).
 * The object schema is documented in pnet(1) and is a stable contract. */
#ifndef PNET_JSON_H
#define PNET_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include "pnet/format.h"
#include "pnet/opts.h"
#include "pnet/outbuf.h"
#include "pnet/sock.h"

/* Worst case output of json_escape() for srclen input bytes, NUL included. */
#define JSON_ESCAPE_MAX(srclen) (6 * (srclen) + 1)

/* Escape src (srclen bytes, may hold NUL) as the inside of a JSON string:
 * quote, backslash, C0/C1 controls, DEL, U+2028/U+2029 become escapes and
 * every byte that is not part of well-formed UTF-8 becomes \ufffd. Writes at
 * most dstsz bytes including a NUL (never a partial escape); complete when
 * dstsz >= JSON_ESCAPE_MAX(srclen). Returns the length written. */
size_t json_escape(char *dst, size_t dstsz, const char *src, size_t srclen);

/* One listing's stream state. */
struct json_out {
	bool lines;             /* --jsonl */
	unsigned long rows;     /* rows written so far */
};

/* "[" for --json (nothing for --jsonl). */
void json_begin(struct outbuf *ob, struct json_out *j);
/* One socket object. n as for fmt_row(); n->program is "PID/name" or NULL. */
void json_row(struct outbuf *ob, struct json_out *j, const struct pnet_opts *o,
	      const struct pnet_sock *s, const struct pnet_names *n);
/* "]\n" for --json (also when no row was written). */
void json_end(struct outbuf *ob, struct json_out *j);

#endif
