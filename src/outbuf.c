/* Output buffer: callers append, ob_flush writes with write(2). */
#include "pnet/outbuf.h"

#include <errno.h>
#include <unistd.h>

void ob_init(struct outbuf *ob, int fd, char *mem, size_t cap)
{
	ob->buf = mem;
	ob->len = 0;
	ob->cap = cap;
	ob->fd = fd;
	ob->err = 0;
}

int ob_flush(struct outbuf *ob)
{
	size_t off = 0;

	if (ob->fd < 0)
		return 0;
	while (off < ob->len && !ob->err) {
		ssize_t n = write(ob->fd, ob->buf + off, ob->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ob->err = errno;
			break;
		}
		off += (size_t)n;
	}
	ob->len = 0;            /* after an error output is dropped, never retried */
	return ob->err ? -1 : 0;
}

void ob_reserve(struct outbuf *ob, size_t n)
{
	if (ob->len + n <= ob->cap)
		return;
	if (ob->fd >= 0)
		ob_flush(ob);
	/* collect-only buffers (tests) keep what fits and drop the rest */
}

void ob_pad(struct outbuf *ob, size_t n)
{
	static const char sp[64] = "                                                                ";

	while (n > 0) {
		size_t k = n < sizeof(sp) ? n : sizeof(sp);
		ob_write(ob, sp, k);
		n -= k;
	}
}

void ob_left(struct outbuf *ob, const char *s, size_t width)
{
	size_t n = strlen(s);

	ob_write(ob, s, n);
	if (n < width)
		ob_pad(ob, width - n);
}

size_t fmt_u64(char *buf, uint64_t v)
{
	char tmp[20];
	size_t n = 0, i;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

void ob_uright(struct outbuf *ob, uint64_t v, size_t width)
{
	char d[20];
	size_t n = fmt_u64(d, v);

	if (n < width)
		ob_pad(ob, width - n);
	ob_write(ob, d, n);
}

void ob_uleft(struct outbuf *ob, uint64_t v, size_t width)
{
	char d[20];
	size_t n = fmt_u64(d, v);

	ob_write(ob, d, n);
	if (n < width)
		ob_pad(ob, width - n);
}
