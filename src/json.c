/* JSON and JSON Lines rows. No allocation: every value goes straight into
 * the output buffer; strings through json_escape(). */
#include "pnet/json.h"

#include <string.h>
#include <sys/socket.h>

#include "pnet/ports.h"

/* Length of the well-formed UTF-8 sequence at s (2-4 bytes) and its code
 * point, or 0 (overlong, surrogate, beyond U+10FFFF, truncated). */
static size_t utf8_decode(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t len, i;
	unsigned long c;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static size_t put_u4(char *d, unsigned long c)
{
	static const char hex[] = "0123456789abcdef";

	d[0] = '\\';
	d[1] = 'u';
	d[2] = hex[(c >> 12) & 0xf];
	d[3] = hex[(c >> 8) & 0xf];
	d[4] = hex[(c >> 4) & 0xf];
	d[5] = hex[c & 0xf];
	return 6;
}

size_t json_escape(char *dst, size_t dstsz, const char *src, size_t srclen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0;

	if (dstsz == 0)
		return 0;
	while (i < srclen) {
		char tmp[6];
		const char *out = tmp;
		size_t n, used = 1;
		unsigned char c = s[i];
		unsigned long cp;

		if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			n = 2;
		} else if (c < 0x20 || c == 0x7f) {
			const char *shortf = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r"
					   : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;

			if (shortf) {
				out = shortf;
				n = 2;
			} else {
				n = put_u4(tmp, c);
			}
		} else if (c < 0x80) {
			tmp[0] = (char)c;
			n = 1;
		} else if ((used = utf8_decode(s + i, srclen - i, &cp)) == 0) {
			used = 1;
			n = put_u4(tmp, 0xfffd);
		} else if (cp < 0xa0 || cp == 0x2028 || cp == 0x2029) {
			n = put_u4(tmp, cp);
		} else {
			out = src + i;
			n = used;
		}
		if (o + n + 1 > dstsz)
			break;
		memcpy(dst + o, out, n);
		o += n;
		i += used;
	}
	dst[o] = '\0';
	return o;
}

/* A quoted, escaped string, or null. Long strings go in chunks cut at a
 * UTF-8 sequence boundary. */
static void put_string(struct outbuf *ob, const char *s)
{
	char tmp[JSON_ESCAPE_MAX(512)];
	size_t len, off = 0;

	if (!s) {
		ob_puts(ob, "null");
		return;
	}
	len = strlen(s);
	ob_putc(ob, '"');
	while (off < len) {
		size_t n = len - off;

		if (n > 512) {
			size_t back = 0;

			n = 512;
			while (back < 3 && ((unsigned char)s[off + n - back] & 0xc0) == 0x80)
				back++;
			n -= back;
		}
		ob_write(ob, tmp, json_escape(tmp, sizeof(tmp), s + off, n));
		off += n;
	}
	ob_putc(ob, '"');
}

static void put_key(struct outbuf *ob, const char *key)
{
	ob_putc(ob, '"');
	ob_puts(ob, key);
	ob_puts(ob, "\":");
}

static void put_uint(struct outbuf *ob, uint64_t v)
{
	char d[20];

	ob_write(ob, d, fmt_u64(d, v));
}

/* "address", "port", "service", "class" and, with host names on, "host". */
static void put_endpoint(struct outbuf *ob, const struct pnet_opts *o, int family,
			 const uint8_t *addr, uint16_t port, const char *host, const char *serv)
{
	char a[46];

	fmt_host_numeric(a, family, addr);
	ob_puts(ob, "{\"address\":");
	put_string(ob, a);
	ob_puts(ob, ",\"port\":");
	put_uint(ob, port);
	ob_puts(ob, ",\"service\":");
	put_string(ob, port ? serv : NULL);
	ob_puts(ob, ",\"class\":");
	put_string(ob, port ? ports_class_word(ports_class(port)) : NULL);
	if (!o->num_hosts) {
		ob_puts(ob, ",\"host\":");
		put_string(ob, host);
	}
	ob_putc(ob, '}');
}

/* "timer": the -o column's parts, "kind (expires/retrans/probes)", taken
 * from fmt_timer() so both outputs always agree. */
static void put_timer(struct outbuf *ob, const struct pnet_sock *s)
{
	char t[64], *open, *sl1, *sl2, *close;

	t[fmt_timer(t, s)] = '\0';
	open = strstr(t, " (");
	sl1 = open ? strchr(open, '/') : NULL;
	sl2 = sl1 ? strchr(sl1 + 1, '/') : NULL;
	close = sl2 ? strchr(sl2, ')') : NULL;
	if (!close) {
		ob_puts(ob, "null");
		return;
	}
	*open = *sl1 = *sl2 = *close = '\0';
	ob_puts(ob, "{\"kind\":");
	put_string(ob, t);
	ob_puts(ob, ",\"expires\":");
	ob_puts(ob, open + 2);
	ob_puts(ob, ",\"retrans\":");
	ob_puts(ob, sl1 + 1);
	ob_puts(ob, ",\"probes\":");
	ob_puts(ob, sl2 + 1);
	ob_putc(ob, '}');
}

void json_begin(struct outbuf *ob, struct json_out *j)
{
	j->rows = 0;
	if (!j->lines)
		ob_putc(ob, '[');
}

void json_row(struct outbuf *ob, struct json_out *j, const struct pnet_opts *o,
	      const struct pnet_sock *s, const struct pnet_names *n)
{
	static const struct pnet_names none = { .pid = -1 };
	const char *state = fmt_state(s);

	if (!n)
		n = &none;
	ob_reserve(ob, 2048);
	if (!j->lines)
		ob_puts(ob, j->rows ? ",\n" : "\n");
	j->rows++;
	ob_puts(ob, s->proto == PNET_TCP ? "{\"proto\":\"tcp\"" : "{\"proto\":\"udp\"");
	ob_puts(ob, s->family == AF_INET6 ? ",\"family\":6" : ",\"family\":4");
	ob_puts(ob, ",\"state\":");
	put_string(ob, *state ? state : NULL);
	ob_putc(ob, ',');
	put_key(ob, "local");
	put_endpoint(ob, o, s->family, s->laddr, s->lport, n->lhost, n->lserv);
	ob_putc(ob, ',');
	put_key(ob, "remote");
	put_endpoint(ob, o, s->family, s->raddr, s->rport, n->rhost, n->rserv);
	ob_puts(ob, ",\"recv_q\":");
	put_uint(ob, s->rqueue);
	ob_puts(ob, ",\"send_q\":");
	put_uint(ob, s->wqueue);
	ob_puts(ob, ",\"uid\":");
	put_uint(ob, s->uid);
	ob_puts(ob, ",\"user\":");
	put_string(ob, n->user);
	ob_puts(ob, ",\"inode\":");
	put_uint(ob, s->inode);
	if (o->programs) {
		ob_puts(ob, ",\"pid\":");
		if (n->pid >= 0)
			put_uint(ob, (uint64_t)n->pid);
		else
			ob_puts(ob, "null");
		ob_puts(ob, ",\"program\":");
		/* the whole name, not the PID/Program name column's 19 bytes */
		put_string(ob, n->pid >= 0 ? n->program_name : NULL);
	}
	if (o->timers) {
		ob_puts(ob, ",\"timer\":");
		put_timer(ob, s);
	}
	ob_puts(ob, j->lines ? "}\n" : "}");
}

void json_end(struct outbuf *ob, struct json_out *j)
{
	if (!j->lines)
		ob_puts(ob, j->rows ? "\n]\n" : "]\n");
}
