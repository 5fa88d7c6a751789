/* sockdiag_parse() on hostile datagrams: the regressions found by
 * fuzz/fuzz_sockdiag.c and the error paths (NLMSG_ERROR, NLMSG_DONE with an
 * error code) that must become one clear errno. Datagrams are built by hand
 * from the netlink header layout (linux/netlink.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>

#include "pnet/sockdiag.h"

static int rows;

static int count_cb(const struct pnet_sock *s, void *data)
{
	(void)s;
	(void)data;
	rows++;
	return 0;
}

/* One message: header with the given length field, type and a 4-byte int. */
static size_t msg(unsigned char *buf, uint32_t len_field, uint16_t type, int32_t payload)
{
	struct nlmsghdr h = { .nlmsg_len = len_field, .nlmsg_type = type,
			      .nlmsg_flags = NLM_F_MULTI, .nlmsg_seq = 1 };

	memcpy(buf, &h, sizeof(h));
	memcpy(buf + sizeof(h), &payload, sizeof(payload));
	return sizeof(h) + sizeof(payload);
}

static int parse(const unsigned char *buf, size_t n)
{
	unsigned char *copy = malloc(n);      /* exact size: ASan sees overreads */
	int rc;

	assert_non_null(copy);
	memcpy(copy, buf, n);
	rows = 0;
	errno = 0;
	rc = sockdiag_parse(copy, n, 0, 0, PNET_TCP, count_cb, NULL);
	free(copy);
	return rc;
}

static void test_done_ok(void **st)
{
	unsigned char b[64];
	size_t n = msg(b, 20, NLMSG_DONE, 0);

	(void)st;
	assert_int_equal(parse(b, n), 0);
}

/* NLMSG_DONE carrying -ENOENT: the kernel has no diag module for the protocol. */
static void test_done_enoent(void **st)
{
	unsigned char b[64];
	size_t n = msg(b, 20, NLMSG_DONE, -ENOENT);

	(void)st;
	assert_int_equal(parse(b, n), -1);
	assert_int_equal(errno, ENOENT);
}

/* fuzz_sockdiag: INT_MIN in NLMSG_DONE was negated (signed overflow). */
static void test_done_int_min(void **st)
{
	unsigned char b[64];
	size_t n = msg(b, 20, NLMSG_DONE, INT_MIN);

	(void)st;
	assert_int_equal(parse(b, n), -1);
	assert_int_equal(errno, EPROTO);
	n = msg(b, 20, NLMSG_DONE, -100000);
	assert_int_equal(parse(b, n), -1);
	assert_int_equal(errno, EPROTO);
}

static void test_error_msg(void **st)
{
	unsigned char b[64];
	struct nlmsghdr h = { .nlmsg_len = 36, .nlmsg_type = NLMSG_ERROR, .nlmsg_seq = 1 };
	struct nlmsgerr e = { .error = -EACCES };

	(void)st;
	memcpy(b, &h, sizeof(h));
	memcpy(b + sizeof(h), &e, sizeof(e));
	assert_int_equal(parse(b, 16 + sizeof(e)), -1);
	assert_int_equal(errno, EACCES);
	e.error = INT_MIN;
	memcpy(b + sizeof(h), &e, sizeof(e));
	assert_int_equal(parse(b, 16 + sizeof(e)), -1);
	assert_int_equal(errno, EPROTO);
	/* an NLMSG_ERROR too short for struct nlmsgerr */
	h.nlmsg_len = 20;
	memcpy(b, &h, sizeof(h));
	assert_int_equal(parse(b, 20), -1);
	assert_int_equal(errno, EBADMSG);
}

/* fuzz_sockdiag: libmnl compares nlmsg_len as an int, so >= 2^31 walked off
 * the buffer. Every bad length must be refused before any message is used. */
static void test_bad_lengths(void **st)
{
	static const uint32_t lens[] = { 0x80000000u, 0xffffffffu, 0xfffffff0u, 21, 8, 0 };
	unsigned char b[64];
	size_t i, n;

	(void)st;
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		n = msg(b, lens[i], NLMSG_DONE, 0);
		assert_int_equal(parse(b, n), -1);
		assert_int_equal(errno, EBADMSG);
	}
	/* a good message followed by one whose length runs past the end */
	n = msg(b, 20, NLMSG_NOOP, 0);
	n += msg(b + n, 0x80000010u, NLMSG_DONE, 0);
	assert_int_equal(parse(b, n), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(rows, 0);
}

/* NLMSG_OVERRUN means replies were lost: ENOBUFS, which makes a dump restart. */
static void test_overrun(void **st)
{
	unsigned char b[64];
	size_t n = msg(b, 20, NLMSG_OVERRUN, 0);

	(void)st;
	assert_int_equal(parse(b, n), -1);
	assert_int_equal(errno, ENOBUFS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_done_ok),
		cmocka_unit_test(test_done_enoent),
		cmocka_unit_test(test_done_int_min),
		cmocka_unit_test(test_error_msg),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_overrun),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
