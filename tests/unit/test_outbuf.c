/* outbuf: padding, alignment, number formatting (printf is the reference) and
 * flushing through a pipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pnet/outbuf.h"

struct coll {
	struct outbuf ob;
	char mem[4096];
};

static void coll_init(struct coll *c)
{
	ob_init(&c->ob, -1, c->mem, sizeof(c->mem) - 1);
}

static const char *coll_str(struct coll *c)
{
	c->mem[c->ob.len] = '\0';
	return c->mem;
}

static void test_pad(void **state)
{
	static const size_t widths[] = { 0, 1, 7, 63, 64, 65, 128, 200 };
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
		struct coll c;

		coll_init(&c);
		ob_putc(&c.ob, '[');
		ob_pad(&c.ob, widths[i]);
		ob_putc(&c.ob, ']');
		assert_int_equal(c.ob.len, widths[i] + 2);
		for (k = 1; k <= widths[i]; k++)
			assert_int_equal(c.mem[k], ' ');
		assert_int_equal(c.mem[widths[i] + 1], ']');
	}
}

static void test_left(void **state)
{
	static const struct {
		const char *s;
		size_t w;
	} t[] = {
		{ "", 0 }, { "", 5 }, { "abc", 0 }, { "abc", 3 }, { "abc", 6 },
		{ "LISTEN", 11 }, { "ESTABLISHED", 11 }, { "a-much-longer-string", 10 },
		{ "x", 100 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct coll c;
		char want[256];

		coll_init(&c);
		ob_left(&c.ob, t[i].s, t[i].w);
		snprintf(want, sizeof(want), "%-*s", (int)t[i].w, t[i].s);
		assert_string_equal(coll_str(&c), want);
	}
}

static void test_numbers(void **state)
{
	static const uint64_t vals[] = {
		0, 1, 9, 10, 99, 100, 999999, 1000000, 1216640, 4294967295u, 4294967296u,
		UINT64_MAX / 10, UINT64_MAX,
	};
	static const size_t widths[] = { 0, 1, 6, 10, 20, 25 };
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
		char d[21], want[64];
		size_t n = fmt_u64(d, vals[i]);

		snprintf(want, sizeof(want), "%" PRIu64, vals[i]);
		assert_int_equal(n, strlen(want));
		assert_memory_equal(d, want, n);

		for (j = 0; j < sizeof(widths) / sizeof(widths[0]); j++) {
			struct coll c;

			coll_init(&c);
			ob_uright(&c.ob, vals[i], widths[j]);
			snprintf(want, sizeof(want), "%*" PRIu64, (int)widths[j], vals[i]);
			assert_string_equal(coll_str(&c), want);

			coll_init(&c);
			ob_uleft(&c.ob, vals[i], widths[j]);
			snprintf(want, sizeof(want), "%-*" PRIu64, (int)widths[j], vals[i]);
			assert_string_equal(coll_str(&c), want);
		}
	}
}

/* netstat's "%6ld %6ld" queue columns: a 7-digit value shifts the row. */
static void test_queue_columns(void **state)
{
	struct coll c;

	(void)state;
	coll_init(&c);
	ob_puts(&c.ob, "udp   ");
	ob_uright(&c.ob, 1216640, 6);
	ob_putc(&c.ob, ' ');
	ob_uright(&c.ob, 0, 6);
	/* tests/fixtures/netstat-tuan.txt */
	assert_string_equal(coll_str(&c), "udp   1216640      0");
}

/* A collect-only buffer (fd -1) never flushes and must keep only what fits.
 * (Regression: ob_write and ob_putc once wrote past cap when fd was -1.) */
static void test_collect_only_overflow(void **state)
{
	char mem[64];
	struct outbuf ob;
	size_t i;

	(void)state;
	memset(mem, '#', sizeof(mem));
	ob_init(&ob, -1, mem, 16);
	assert_int_equal(ob_flush(&ob), 0);    /* nothing to do, no error */
	ob_puts(&ob, "0123456789");
	assert_int_equal(ob_flush(&ob), 0);
	assert_int_equal(ob.len, 10);           /* collect-only: kept, not dropped */
	ob_puts(&ob, "abcdefghij");             /* 4 of these fit */
	ob_putc(&ob, 'Z');
	ob_pad(&ob, 5);
	ob_uright(&ob, 12345, 8);
	for (i = 16; i < sizeof(mem); i++)
		if (mem[i] != '#')
			fail_msg("wrote past cap at %zu", i);
	assert_int_equal(ob.len, 16);
	assert_memory_equal(mem, "0123456789abcdef", 16);
}

static void read_all(int fd, char *buf, size_t want)
{
	size_t got = 0;

	while (got < want) {
		ssize_t n = read(fd, buf + got, want - got);

		assert_true(n > 0);
		got += (size_t)n;
	}
}

/* Output goes out with write(2) in order, when the buffer fills and on ob_flush. */
static void test_flush_pipe(void **state)
{
	int p[2];
	char mem[16], got[512], want[512];
	struct outbuf ob;
	size_t wl = 0;
	int i;

	(void)state;
	assert_int_equal(pipe(p), 0);
	ob_init(&ob, p[1], mem, sizeof(mem));
	for (i = 0; i < 40; i++) {
		char line[16];
		int n = snprintf(line, sizeof(line), "%d;", i);

		ob_puts(&ob, line);
		memcpy(want + wl, line, (size_t)n);
		wl += (size_t)n;
		assert_true(ob.len <= ob.cap);
	}
	ob_pad(&ob, 3);                         /* spans a flush */
	memcpy(want + wl, "   ", 3);
	wl += 3;
	ob_uright(&ob, 42, 5);
	memcpy(want + wl, "   42", 5);
	wl += 5;
	ob_putc(&ob, '\n');
	want[wl++] = '\n';
	assert_int_equal(ob_flush(&ob), 0);
	assert_int_equal(ob.len, 0);
	assert_int_equal(ob.err, 0);
	read_all(p[0], got, wl);
	assert_memory_equal(got, want, wl);
	/* nothing more was written */
	assert_int_equal(fcntl(p[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(read(p[0], got, 1), -1);
	assert_int_equal(errno, EAGAIN);
	close(p[0]);
	close(p[1]);
}

/* ob_reserve keeps a row in one write: it flushes when the next n bytes would
 * not fit. */
static void test_reserve(void **state)
{
	int p[2];
	char mem[32], got[64];
	struct outbuf ob;

	(void)state;
	assert_int_equal(pipe(p), 0);
	ob_init(&ob, p[1], mem, sizeof(mem));
	ob_puts(&ob, "0123456789");
	ob_reserve(&ob, 22);                    /* fits: nothing written */
	assert_int_equal(ob.len, 10);
	ob_reserve(&ob, 23);                    /* does not fit: flushed */
	assert_int_equal(ob.len, 0);
	read_all(p[0], got, 10);
	assert_memory_equal(got, "0123456789", 10);
	close(p[0]);
	close(p[1]);
}

/* A write error is kept in err, the output dropped, and never retried. */
static void test_flush_error(void **state)
{
	int p[2];
	char mem[16];
	struct outbuf ob;
	void (*old)(int);

	(void)state;
	old = signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	ob_init(&ob, p[1], mem, sizeof(mem));
	ob_puts(&ob, "hello");
	assert_int_equal(ob_flush(&ob), -1);
	assert_int_equal(ob.err, EPIPE);
	assert_int_equal(ob.len, 0);
	ob_puts(&ob, "more than sixteen bytes of text");   /* implicit flushes */
	assert_true(ob.len <= ob.cap);
	assert_int_equal(ob_flush(&ob), -1);
	assert_int_equal(ob.err, EPIPE);
	close(p[1]);

	/* a bad descriptor */
	ob_init(&ob, 1000, mem, sizeof(mem));
	ob_puts(&ob, "x");
	assert_int_equal(ob_flush(&ob), -1);
	assert_int_equal(ob.err, EBADF);
	signal(SIGPIPE, old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pad),
		cmocka_unit_test(test_left),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_queue_columns),
		cmocka_unit_test(test_collect_only_overflow),
		cmocka_unit_test(test_flush_pipe),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_flush_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
