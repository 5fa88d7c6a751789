/* Replace control characters so no terminal escape sequence reaches the output. */
#include "pnet/sanitize.h"

#include <stdlib.h>
#include <string.h>

/* Length of a well-formed UTF-8 sequence starting at s (2-4), 0 when the
 * bytes are ill-formed, or minus the length when the sequence is well formed
 * but encodes a character that must not be printed. */
static int utf8_len(const unsigned char *s, size_t n)
{
	int len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	if ((size_t)len > n)
		return 0;
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* U+0080..U+009F (C1 controls) encode as c2 80..c2 9f */
	if (s[0] == 0xc2 && s[1] < 0xa0)
		return -len;
	/* RFC 3629: no overlong forms (e0 82 9b would smuggle U+009B), no
	 * surrogates, nothing above U+10FFFF */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return 0;
	if (len == 3) {
		unsigned cp = (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu);

		/* invisible and bidi controls can reorder or hide what a row
		 * says: zero-width (200B-200F), line/paragraph separators and
		 * embeddings (2028-202E), isolates and joiners (2060-2069), BOM */
		if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
		    (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff)
			return -len;
	}
	return len;
}

size_t sanitize_copy(char *dst, size_t dstsz, const char *src, size_t srclen)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0;

	if (dstsz == 0)
		return 0;
	while (i < srclen && s[i] && o + 1 < dstsz) {
		if (s[i] < 0x20 || s[i] == 0x7f) {
			dst[o++] = '?';
			i++;
		} else if (s[i] < 0x80) {
			dst[o++] = (char)s[i++];
		} else {
			int r = utf8_len(s + i, srclen - i);
			size_t l = r < 0 ? (size_t)-r : (size_t)r;

			if (r < 0) {            /* one '?' for the whole character */
				dst[o++] = '?';
				i += l;
			} else if (l == 0 || o + l >= dstsz) {
				dst[o++] = '?';
				i++;
			} else {
				memcpy(dst + o, s + i, l);
				o += l;
				i += l;
			}
		}
	}
	dst[o] = '\0';
	return o;
}

char *sanitize_dup(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(n + 1);

	if (d)
		sanitize_copy(d, n + 1, s, n);
	return d;
}
