/* sanitize_copy()/sanitize_dup(): no control character (C0, DEL, C1 raw or
 * UTF-8 encoded) and no ill-formed UTF-8 may reach the terminal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "pnet/sanitize.h"

/* True when s is well-formed UTF-8 (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF) without C0, DEL or C1 controls. */
static bool safe_text(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		unsigned cp;
		int len, i;

		if (*s < 0x20 || *s == 0x7f)
			return false;
		if (*s < 0x80) {
			s++;
			continue;
		}
		if (*s >= 0xc2 && *s <= 0xdf) {
			len = 2;
			cp = *s & 0x1f;
		} else if (*s >= 0xe0 && *s <= 0xef) {
			len = 3;
			cp = *s & 0x0f;
		} else if (*s >= 0xf0 && *s <= 0xf4) {
			len = 4;
			cp = *s & 0x07;
		} else {
			return false;
		}
		for (i = 1; i < len; i++) {
			if ((s[i] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
			return false;
		s += len;
	}
	return true;
}

struct san_case {
	const char *in;
	const char *want;
};

static void run_cases(const struct san_case *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char out[256];
		size_t len;

		memset(out, 'Z', sizeof(out));
		len = sanitize_copy(out, sizeof(out), t[i].in, strlen(t[i].in));
		assert_string_equal(out, t[i].want);
		assert_int_equal(len, strlen(t[i].want));
		assert_true(safe_text(out));
	}
}

static void test_controls(void **state)
{
	static const struct san_case t[] = {
		{ "", "" },
		{ "sshd", "sshd" },
		{ "a b~!", "a b~!" },
		{ "\x1b[2Jevil", "?[2Jevil" },          /* ESC */
		{ "bell\a", "bell?" },                  /* BEL */
		{ "a\rb", "a?b" },                      /* CR */
		{ "a\nb\tc", "a?b?c" },
		{ "\x01\x1f", "??" },
		{ "del\x7f", "del?" },                  /* DEL */
		{ "\x9b" "31m", "?31m" },               /* raw C1 CSI */
		{ "\x80\x9f", "??" },
		{ "\x1b]0;title\a", "?]0;title?" },     /* OSC set-title */
	};

	(void)state;
	run_cases(t, sizeof(t) / sizeof(t[0]));
}

/* U+0080..U+009F encoded as UTF-8 (c2 80..c2 9f) are C1 controls too: a
 * terminal in UTF-8 mode takes c2 9b as CSI. */
static void test_c1_utf8(void **state)
{
	static const char *const in[] = { "\xc2\x9b" "31m", "x\xc2\x80", "\xc2\x85", "\xc2\x9f!" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char out[64];
		size_t len = sanitize_copy(out, sizeof(out), in[i], strlen(in[i]));

		assert_true(safe_text(out));
		assert_null(strstr(out, "\xc2"));
		assert_int_equal(len, strlen(out));
		assert_non_null(strchr(out, '?'));
	}
	/* the text after the control survives */
	{
		char out[64];

		sanitize_copy(out, sizeof(out), "\xc2\x9b" "31m", 5);
		assert_int_equal(strcmp(out + strlen(out) - 3, "31m"), 0);
	}
}

static void test_valid_utf8_kept(void **state)
{
	static const struct san_case t[] = {
		{ "caf\xc3\xa9", "caf\xc3\xa9" },                               /* é */
		{ "\xc2\xa0nbsp", "\xc2\xa0nbsp" },                             /* U+00A0 */
		{ "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac" },     /* 日本 */
		{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },                     /* U+1F600 */
		{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },                     /* U+10FFFF */
		{ "\xdf\xbf\xe0\xa0\x80", "\xdf\xbf\xe0\xa0\x80" },             /* U+07FF U+0800 */
	};

	(void)state;
	run_cases(t, sizeof(t) / sizeof(t[0]));
}

static void test_invalid_utf8_replaced(void **state)
{
	static const struct san_case t[] = {
		{ "\x80", "?" },                        /* lone continuation */
		{ "a\xbf" "b", "a?b" },
		{ "\xc3", "?" },                        /* truncated 2-byte */
		{ "\xe6\x97", "??" },                   /* truncated 3-byte */
		{ "\xe6\x97x", "??x" },
		{ "\xc0\xaf", "??" },                   /* c0, c1 never appear */
		{ "\xc1\xbf", "??" },
		{ "\xf5\x80\x80\x80", "????" },         /* f5..ff never appear */
		{ "\xff\xfe", "??" },
	};

	(void)state;
	run_cases(t, sizeof(t) / sizeof(t[0]));
}

/* Ill-formed sequences whose lead byte is legal: overlong 3- and 4-byte forms
 * (one hides U+009B CSI), UTF-16 surrogates and code points above U+10FFFF.
 * (Regression: these once passed through, only lead and continuation bytes
 * were checked.) */
static void test_ill_formed_lead_ok(void **state)
{
	static const char *const in[] = {
		"\xe0\x82\x9b" "31m",   /* overlong U+009B */
		"\xe0\x80\xaf",         /* overlong '/' */
		"\xf0\x80\x80\xaf",     /* overlong '/' */
		"\xed\xa0\x80",         /* U+D800 */
		"\xf4\x90\x80\x80",     /* U+110000 */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		char out[64];

		sanitize_copy(out, sizeof(out), in[i], strlen(in[i]));
		if (!safe_text(out))
			fail_msg("ill-formed UTF-8 kept: case %zu", i);
		assert_non_null(strchr(out, '?'));
	}
}

/* Invisible and bidi format characters can make a row read differently from
 * what it holds (U+202E reverses the rest of the line): each becomes '?',
 * while the neighbours of those ranges stay. */
static void test_bidi_and_invisible(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "a\xe2\x80\xae" "b", "a?b" },      /* U+202E RIGHT-TO-LEFT OVERRIDE */
		{ "a\xe2\x80\xaa" "b", "a?b" },      /* U+202A LRE */
		{ "a\xe2\x81\xa6" "b", "a?b" },      /* U+2066 LEFT-TO-RIGHT ISOLATE */
		{ "a\xe2\x81\xa9" "b", "a?b" },      /* U+2069 POP DIRECTIONAL ISOLATE */
		{ "a\xe2\x80\xa8" "b", "a?b" },      /* U+2028 LINE SEPARATOR */
		{ "a\xe2\x80\x8b" "b", "a?b" },      /* U+200B ZERO WIDTH SPACE */
		{ "a\xe2\x80\x8f" "b", "a?b" },      /* U+200F RIGHT-TO-LEFT MARK */
		{ "a\xef\xbb\xbf" "b", "a?b" },      /* U+FEFF BOM */
		{ "a\xe2\x80\x94" "b", "a\xe2\x80\x94" "b" },  /* U+2014 EM DASH kept */
		{ "a\xe2\x80\xaf" "b", "a\xe2\x80\xaf" "b" },  /* U+202F kept */
		{ "a\xe2\x81\xaa" "b", "a\xe2\x81\xaa" "b" },  /* U+206A outside the range */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[32];

		sanitize_copy(out, sizeof(out), cases[i].in, strlen(cases[i].in));
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("case %zu: got '%s'", i, out);
	}
}

static void test_truncation(void **state)
{
	char out[16];
	size_t len;

	(void)state;
	memset(out, 'Z', sizeof(out));
	len = sanitize_copy(out, 4, "abcdef", 6);
	assert_int_equal(len, 3);
	assert_string_equal(out, "abc");
	assert_int_equal(out[4], 'Z');          /* nothing past dstsz */

	len = sanitize_copy(out, 1, "abc", 3);
	assert_int_equal(len, 0);
	assert_string_equal(out, "");

	memset(out, 'Z', sizeof(out));
	len = sanitize_copy(out, 0, "abc", 3);  /* nothing written at all */
	assert_int_equal(len, 0);
	assert_int_equal(out[0], 'Z');

	/* a multibyte character that does not fit is not split */
	memset(out, 'Z', sizeof(out));
	len = sanitize_copy(out, 5, "ab\xe6\x97\xa5", 5);
	assert_true(len <= 4);
	assert_int_equal(out[len], '\0');
	assert_int_equal(strlen(out), len);
	assert_int_equal(memcmp(out, "ab", 2), 0);
	assert_true(safe_text(out));
	assert_int_equal(out[5], 'Z');

	/* exactly fits */
	len = sanitize_copy(out, 6, "ab\xe6\x97\xa5", 5);
	assert_int_equal(len, 5);
	assert_string_equal(out, "ab\xe6\x97\xa5");

	/* replacements count toward the limit too */
	memset(out, 'Z', sizeof(out));
	len = sanitize_copy(out, 3, "\x1b\x1b\x1b\x1b", 4);
	assert_int_equal(len, 2);
	assert_string_equal(out, "??");
	assert_int_equal(out[3], 'Z');
}

static void test_srclen(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(sanitize_copy(out, sizeof(out), "abcdef", 3), 3);
	assert_string_equal(out, "abc");
	/* stops at a NUL inside srclen */
	assert_int_equal(sanitize_copy(out, sizeof(out), "ab\0cd", 5), 2);
	assert_string_equal(out, "ab");
	/* a sequence cut by srclen is not valid */
	sanitize_copy(out, sizeof(out), "\xe6\x97\xa5", 2);
	assert_true(safe_text(out));
	assert_int_equal(strlen(out), 2);
	assert_int_equal(sanitize_copy(out, sizeof(out), "", 0), 0);
	assert_string_equal(out, "");
}

static void test_dup(void **state)
{
	char *d;

	(void)state;
	d = sanitize_dup("x\x1by\xc2\x9b" "z");
	assert_non_null(d);
	assert_true(safe_text(d));
	assert_int_equal(d[0], 'x');
	assert_int_equal(d[1], '?');
	assert_int_equal(d[2], 'y');
	assert_int_equal(d[strlen(d) - 1], 'z');
	free(d);

	d = sanitize_dup("caf\xc3\xa9");
	assert_non_null(d);
	assert_string_equal(d, "caf\xc3\xa9");
	free(d);

	d = sanitize_dup("");
	assert_non_null(d);
	assert_string_equal(d, "");
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls),
		cmocka_unit_test(test_c1_utf8),
		cmocka_unit_test(test_valid_utf8_kept),
		cmocka_unit_test(test_invalid_utf8_replaced),
		cmocka_unit_test(test_ill_formed_lead_ok),
		cmocka_unit_test(test_bidi_and_invisible),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_srclen),
		cmocka_unit_test(test_dup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
