/* A large output buffer written with write(2); no stdio on the hot path. */
#ifndef PNET_OUTBUF_H
#define PNET_OUTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct outbuf {
	char *buf;
	size_t len, cap;
	int fd;                 /* -1: collect only (tests); never flushed */
	int err;                /* first write error (errno), 0 if none */
};

void ob_init(struct outbuf *ob, int fd, char *mem, size_t cap);
/* Write out what is buffered. Returns 0 or -1 (ob->err holds errno). */
int ob_flush(struct outbuf *ob);
/* Make room for n bytes, flushing if needed. n must be <= cap. */
void ob_reserve(struct outbuf *ob, size_t n);

static inline void ob_write(struct outbuf *ob, const char *s, size_t n)
{
	if (ob->len + n > ob->cap) {
		ob_reserve(ob, n);
		if (ob->len + n > ob->cap)      /* collect-only buffer: keep what fits */
			n = ob->cap - ob->len;
	}
	memcpy(ob->buf + ob->len, s, n);
	ob->len += n;
}

static inline void ob_puts(struct outbuf *ob, const char *s)
{
	ob_write(ob, s, strlen(s));
}

static inline void ob_putc(struct outbuf *ob, char c)
{
	if (ob->len + 1 > ob->cap)
		ob_reserve(ob, 1);
	if (ob->len >= ob->cap)
		return;
	ob->buf[ob->len++] = c;
}

/* n spaces */
void ob_pad(struct outbuf *ob, size_t n);
/* s left-aligned in a field of at least width columns (printf "%-*s") */
void ob_left(struct outbuf *ob, const char *s, size_t width);
/* unsigned decimal right-aligned in width columns (printf "%*lu") */
void ob_uright(struct outbuf *ob, uint64_t v, size_t width);
/* unsigned decimal left-aligned in width columns (printf "%-*lu") */
void ob_uleft(struct outbuf *ob, uint64_t v, size_t width);

/* Decimal digits of v into buf (no NUL); returns the count. buf >= 20 bytes. */
size_t fmt_u64(char *buf, uint64_t v);

#endif
