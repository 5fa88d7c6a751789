/* procs: the inode map (collisions, growth, misses), the "PID/name" text
 * (netstat's rules plus sanitising), link parsing, and a scan of a fake /proc. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "pnet/procs.h"

static void test_lookup_miss_empty(void **state)
{
	struct procs *p = procs_new(0);

	(void)state;
	assert_non_null(p);
	assert_null(procs_lookup(p, 1));
	assert_null(procs_lookup(p, 0));
	assert_null(procs_lookup(NULL, 5));
	assert_int_equal(procs_count(p), 0);
	assert_int_equal(procs_notice(p), PROCS_NOTICE_NONE);
	procs_free(p);
}

static void test_sized_from_hint(void **state)
{
	struct procs *p = procs_new(1000);

	(void)state;
	/* load <= 0.5 from the start: no growth needed for the hinted count */
	assert_true(procs_capacity(p) >= 2000);
	assert_true(procs_capacity(p) <= 4096);
	assert_int_equal(procs_capacity(p) & (procs_capacity(p) - 1), 0);
	procs_free(p);
}

/* Inodes that share a home slot in a 64-slot table. The hash is Fibonacci
 * hashing of the 32-bit inode; if it changes these merely stop colliding. */
static size_t colliding(uint32_t *out, size_t want)
{
	uint32_t home = (uint32_t)(7u * 2654435769u) >> 26, i;
	size_t n = 0;

	for (i = 1; n < want && i < 10000000; i++)
		if (((uint32_t)(i * 2654435769u) >> 26) == home)
			out[n++] = i;
	return n;
}

static void test_collisions(void **state)
{
	struct procs *p = procs_new(0);
	uint32_t ino[20];
	size_t n = colliding(ino, 20), i;
	long a = procs_intern(p, 10, "alpha", 5);
	long b = procs_intern(p, 20, "beta", 4);

	(void)state;
	assert_int_equal(n, 20);
	for (i = 0; i < n; i++)
		assert_int_equal(procs_add(p, ino[i], i % 2 ? b : a), 1);
	for (i = 0; i < n; i++)
		assert_string_equal(procs_lookup(p, ino[i]), i % 2 ? "20/beta" : "10/alpha");
	/* a miss on the same chain walks it and still returns NULL */
	assert_null(procs_lookup(p, ino[n - 1] + 1000000000u));
	procs_free(p);
}

static void test_growth(void **state)
{
	struct procs *p = procs_new(0);
	long h = procs_intern(p, 1, "x", 1), h2 = procs_intern(p, 2, "y", 1);
	size_t cap0 = procs_capacity(p);
	uint32_t i;

	(void)state;
	for (i = 1; i <= 100000; i++)
		assert_int_equal(procs_add(p, i * 7919u, (i & 1) ? h : h2), 1);
	assert_int_equal(procs_count(p), 100000);
	assert_true(procs_capacity(p) > cap0);
	assert_true(procs_count(p) * 2 <= procs_capacity(p));
	for (i = 1; i <= 100000; i++)
		assert_string_equal(procs_lookup(p, i * 7919u), (i & 1) ? "1/x" : "2/y");
	for (i = 1; i <= 1000; i++)
		assert_null(procs_lookup(p, i * 7919u + 1));
	procs_free(p);
}

static void test_first_wins_and_zero(void **state)
{
	struct procs *p = procs_new(4);
	long a = procs_intern(p, 100, "first", 5), b = procs_intern(p, 200, "second", 6);

	(void)state;
	assert_int_equal(procs_add(p, 42, a), 1);
	assert_int_equal(procs_add(p, 42, b), 0);
	assert_string_equal(procs_lookup(p, 42), "100/first");
	/* timewait and request sockets have inode 0: never a process */
	assert_int_equal(procs_add(p, 0, a), 0);
	assert_null(procs_lookup(p, 0));
	assert_int_equal(procs_count(p), 1);
	procs_free(p);
}

struct name_case {
	long pid;
	const char *name;
	size_t len;             /* 0: strlen */
	const char *want;
};

static void test_intern_rules(void **state)
{
	static const struct name_case cases[] = {
		/* netstat drops the directory only when argv[0] starts with '/' */
		{ 123, "/usr/bin/python3", 0, "123/python3" },
		{ 123, "./bin/tool", 0, "123/./bin/tool" },
		{ 123, "bin/tool", 0, "123/bin/tool" },
		{ 7, "/", 0, "7/" },
		{ 7, "", 0, "7/" },
		{ 1, "my prog", 0, "1/my prog" },
		{ 1, "/opt/a b/c d", 0, "1/c d" },
		/* only the first argument: cmdline is NUL-separated */
		{ 55, "/usr/sbin/sshd\0-D\0/x/y", 22, "55/sshd" },
		{ 55, "sshd: root@pts/0", 0, "55/sshd: root@pts/0" },
		/* cut to 19 bytes, like snprintf into netstat's 20-byte buffer */
		{ 4194304, "a-very-long-program-name", 0, "4194304/a-very-long" },
		{ 12, "abcdefghijklmnopqrstuvwxyz", 0, "12/abcdefghijklmnop" },
		/* control characters never reach the output */
		{ 9, "evil\033[31mred", 0, "9/evil?[31mred" },
		{ 9, "new\nline\ttab\x7f", 0, "9/new?line?tab?" },
		{ 9, "\x9b" "31m", 0, "9/?31m" },
		/* UTF-8 kept whole; a sequence cut at byte 19 becomes '?' */
		{ 1, "caf\xc3\xa9", 0, "1/caf\xc3\xa9" },
		{ 12345, "abcdefghijkl\xc3\xa9", 0, "12345/abcdefghijkl?" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct procs *p = procs_new(0);
		const struct name_case *c = &cases[i];
		long h = procs_intern(p, c->pid, c->name, c->len ? c->len : strlen(c->name));

		assert_true(h >= 0);
		assert_int_equal(procs_add(p, 99, h), 1);
		if (strcmp(procs_lookup(p, 99), c->want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, procs_lookup(p, 99), c->want);
		assert_true(strlen(procs_lookup(p, 99)) <= PROCS_NAME_MAX);
		procs_free(p);
	}
}

/* procs_program(): the whole name for JSON, same directory rule as the column,
 * sanitised, not cut at 19 bytes (only at PROCS_FULL_MAX). */
static void test_full_program(void **state)
{
	static const struct { const char *name, *want; } cases[] = {
		{ "/usr/sbin/a-rather-long-daemon-name", "a-rather-long-daemon-name" },
		{ "./build/pnet", "./build/pnet" },
		{ "esc\x1b[2Jname", "esc?[2Jname" },
	};
	char big[600];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct procs *p = procs_new(0);
		long h = procs_intern(p, 4242, cases[i].name, strlen(cases[i].name));

		assert_true(h >= 0);
		assert_int_equal(procs_add(p, 7, h), 1);
		assert_string_equal(procs_program(p, 7), cases[i].want);
		assert_true(strlen(procs_lookup(p, 7)) <= PROCS_NAME_MAX);
		assert_null(procs_program(p, 8));
		procs_free(p);
	}
	memset(big, 'x', sizeof(big));
	{
		struct procs *p = procs_new(0);
		long h = procs_intern(p, 1, big, sizeof(big));

		assert_int_equal(procs_add(p, 7, h), 1);
		assert_int_equal(strlen(procs_program(p, 7)), PROCS_FULL_MAX);
		procs_free(p);
	}
}

static void test_arena_growth(void **state)
{
	struct procs *p = procs_new(0);
	char name[32];
	long i;

	(void)state;
	/* many processes: the texts move when the arena grows, handles stay valid */
	for (i = 1; i <= 5000; i++) {
		long h;

		snprintf(name, sizeof(name), "prog%ld", i);
		h = procs_intern(p, i, name, strlen(name));
		assert_true(h >= 0);
		assert_int_equal(procs_add(p, (uint32_t)(1000 + i), h), 1);
	}
	for (i = 1; i <= 5000; i++) {
		char want[40];

		snprintf(want, sizeof(want), "%ld/prog%ld", i, i);
		assert_string_equal(procs_lookup(p, (uint32_t)(1000 + i)), want);
	}
	procs_free(p);
}

static void test_parse_link(void **state)
{
	static const struct {
		const char *s;
		uint32_t want;
	} cases[] = {
		{ "socket:[123]", 123 },
		{ "socket:[4294967295]", 4294967295u },
		{ "[0000]:456", 456 },
		{ "socket:[4294967296]", 0 },
		{ "socket:[]", 0 },
		{ "socket:[12x]", 0 },
		{ "socket:[12", 0 },
		{ "pipe:[123]", 0 },
		{ "anon_inode:[eventfd]", 0 },
		{ "/dev/null", 0 },
		{ "[0000]:", 0 },
		{ "[0000]:12a", 0 },
		{ "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(procs_parse_link(cases[i].s, strlen(cases[i].s)), cases[i].want);
}

/* --- a fake /proc tree --- */

static char root[64];

static void put(const char *rel, const char *data, size_t len)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void dir(const char *rel, mode_t mode)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(mkdir(path, mode), 0);
	chmod(path, mode);
}

static void link_to(const char *target, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(symlink(target, path), 0);
}

static int setup_tree(void **state)
{
	char path[256];

	(void)state;
	snprintf(root, sizeof(root), "/tmp/pnet-procs-XXXXXX");
	if (!mkdtemp(root))
		return -1;
	chmod(root, 0755);
	dir("100", 0755);
	dir("100/fd", 0755);
	link_to("socket:[1000]", "100/fd/3");
	link_to("socket:[1001]", "100/fd/4");
	link_to("/dev/null", "100/fd/5");
	link_to("pipe:[1002]", "100/fd/6");
	put("100/cmdline", "/usr/sbin/my server\0-d\0", 23);
	dir("200", 0755);
	dir("200/fd", 0755);
	link_to("[0000]:2000", "200/fd/0");
	put("200/cmdline", "evil\033]0;title\a\0", 16);
	dir("300", 0755);             /* vanished: no fd directory */
	dir("400", 0755);             /* no cmdline: its sockets stay unknown */
	dir("400/fd", 0755);
	link_to("socket:[4000]", "400/fd/1");
	dir("500", 0755);             /* not ours: EACCES for a normal user */
	dir("500/fd", 0755);
	link_to("socket:[5000]", "500/fd/1");
	put("500/cmdline", "secret\0", 7);
	dir("700", 0755);             /* shares 1000 with 100: the lower pid wins */
	dir("700/fd", 0755);
	link_to("socket:[1000]", "700/fd/2");
	link_to("socket:[7001]", "700/fd/3");
	put("700/cmdline", "later\0", 6);
	dir("50", 0755);              /* shares 1001 with 100: the lower pid wins */
	dir("50/fd", 0755);
	link_to("socket:[1001]", "50/fd/2");
	put("50/cmdline", "early\0", 6);
	dir("self", 0755);            /* not a pid */
	dir("self/fd", 0755);
	link_to("socket:[6000]", "self/fd/1");
	put("self/cmdline", "self\0", 5);
	dir("600", 0755);             /* left out by skip_pid */
	dir("600/fd", 0755);
	link_to("socket:[7000]", "600/fd/9");
	put("600/cmdline", "me\0", 3);
	/* mode 0: EACCES for every user but root (and for root's child as 65534) */
	snprintf(path, sizeof(path), "%s/500/fd", root);
	return chmod(path, 0);
}

static int teardown_tree(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwx '%s' && rm -rf '%s'", root, root);
	return system(cmd) == 0 ? 0 : -1;
}

/* Load the tree as uid 65534 in a child when we are root (root reads every
 * directory). Returns notice * 16 + bits of which inodes were found. */
static int load_as_other_user(void)
{
	pid_t pid;
	int st;

	if (geteuid() != 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct procs *p;
		int r;

		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(255);
		p = procs_load(root, 0, 600);
		if (!p)
			_exit(254);
		r = (int)procs_notice(p) * 16 + (procs_lookup(p, 1000) ? 1 : 0) +
		    (procs_lookup(p, 5000) ? 2 : 0);
		procs_free(p);
		_exit(r);
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void test_load_tree(void **state)
{
	struct procs *p = procs_load(root, 16, 600);
	int r;

	(void)state;
	assert_non_null(p);
	assert_string_equal(procs_lookup(p, 1000), "100/my server");
	assert_string_equal(procs_lookup(p, 1001), "50/early");
	assert_string_equal(procs_lookup(p, 7001), "700/later");
	assert_null(procs_lookup(p, 1002));     /* a pipe, not a socket */
	assert_string_equal(procs_lookup(p, 2000), "200/evil?]0;title?");
	assert_null(procs_lookup(p, 4000));     /* cmdline unreadable */
	assert_null(procs_lookup(p, 6000));     /* "self" is no pid */
	assert_null(procs_lookup(p, 7000));     /* skip_pid */
	if (geteuid() == 0) {
		assert_string_equal(procs_lookup(p, 5000), "500/secret");
		assert_int_equal(procs_notice(p), PROCS_NOTICE_NONE);
		r = load_as_other_user();
		/* 500/fd unreadable, others read: the "Not all processes" notice */
		assert_int_equal(r, PROCS_NOTICE_PARTIAL * 16 + 1);
	} else {
		assert_null(procs_lookup(p, 5000));
		assert_int_equal(procs_notice(p), PROCS_NOTICE_PARTIAL);
	}
	procs_free(p);
}

static void test_load_nothing_readable(void **state)
{
	static const char *const readable[4] = { "50", "100", "200", "700" };
	struct procs *p;
	char path[256];
	int i;

	(void)state;
	/* EACCES with no socket found anywhere: the "No info could be read" notice */
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s/fd", root, readable[i]);
		chmod(path, 0);
	}
	if (geteuid() == 0) {
		assert_int_equal(load_as_other_user(), PROCS_NOTICE_NOTHING * 16);
	} else {
		p = procs_load(root, 0, 600);
		assert_int_equal(procs_notice(p), PROCS_NOTICE_NOTHING);
		procs_free(p);
	}
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "%s/%s/fd", root, readable[i]);
		chmod(path, 0755);
	}

	/* no proc root at all */
	p = procs_load("/nonexistent/pnet-proc", 0, 0);
	assert_non_null(p);
	assert_int_equal(procs_notice(p), PROCS_NOTICE_NOTHING);
	assert_null(procs_lookup(p, 1000));
	procs_free(p);
}

static void test_real_proc(void **state)
{
	struct procs *p;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct stat st;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	p = procs_load(NULL, procs_sockets_hint(), 0);
	assert_non_null(p);
	/* our own socket maps to our pid (the name rules are tested above) */
	{
		char want[64];
		const char *got = procs_lookup(p, (uint32_t)st.st_ino);

		snprintf(want, sizeof(want), "%ld/", (long)getpid());
		assert_non_null(got);
		assert_memory_equal(got, want, strlen(want));
		assert_true(strlen(got) > strlen(want));
	}
	procs_free(p);
	/* left out when it is the caller */
	p = procs_load(NULL, 0, (long)getpid());
	assert_null(procs_lookup(p, (uint32_t)st.st_ino));
	procs_free(p);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_miss_empty),
		cmocka_unit_test(test_sized_from_hint),
		cmocka_unit_test(test_collisions),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_first_wins_and_zero),
		cmocka_unit_test(test_intern_rules),
		cmocka_unit_test(test_full_program),
		cmocka_unit_test(test_arena_growth),
		cmocka_unit_test(test_parse_link),
		cmocka_unit_test(test_load_tree),
		cmocka_unit_test(test_load_nothing_readable),
		cmocka_unit_test(test_real_proc),
	};

	return cmocka_run_group_tests(tests, setup_tree, teardown_tree);
}
