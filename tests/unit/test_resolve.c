/* resolve: the cache (one lookup per distinct address, failures included,
 * across listings), netstat's fixed texts for the any-addresses, the budget
 * (a fake lookup that sleeps), the pool (parallel, bounded), the pause during
 * dumps, the resolver's own sockets, and a non-blocking free. The system
 * resolver itself is exercised by tests/integration/test_resolve.sh only:
 * a unit test must not send DNS queries. */
#include <arpa/inet.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "pnet/resolve.h"

/* What the fake lookup does: addresses whose last byte is listed in slow_ms
 * sleep that long; last byte >= 200 fails (NULL); last byte 250 blocks until
 * released. */
struct fake {
	atomic_int calls;
	atomic_int running, max_running;
	int slow_ms[256];
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool released;
};

static struct fake fk;

static void fake_reset(void)
{
	memset(&fk, 0, sizeof(fk));
	pthread_mutex_init(&fk.lock, NULL);
	pthread_cond_init(&fk.cond, NULL);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *fake_lookup(int family, const uint8_t *a, void *arg)
{
	uint8_t last = a[family == AF_INET ? 3 : 15];
	char buf[64];
	int r;

	assert_ptr_equal(arg, &fk);
	atomic_fetch_add(&fk.calls, 1);
	r = atomic_fetch_add(&fk.running, 1) + 1;
	for (int m = atomic_load(&fk.max_running); r > m;)
		if (atomic_compare_exchange_weak(&fk.max_running, &m, r))
			break;
	if (fk.slow_ms[last])
		sleep_ms(fk.slow_ms[last]);
	if (last == 250) {
		pthread_mutex_lock(&fk.lock);
		while (!fk.released)
			pthread_cond_wait(&fk.cond, &fk.lock);
		pthread_mutex_unlock(&fk.lock);
	}
	atomic_fetch_sub(&fk.running, 1);
	if (last >= 200 && last != 250)
		return NULL;
	snprintf(buf, sizeof(buf), "h%u-%s", last, family == AF_INET ? "v4" : "v6");
	return strdup(buf);
}

static void fake_release(void)
{
	pthread_mutex_lock(&fk.lock);
	fk.released = true;
	pthread_cond_broadcast(&fk.cond);
	pthread_mutex_unlock(&fk.lock);
}

static struct resolve *new_fake(double budget)
{
	struct resolve *r = resolve_new(budget);

	assert_non_null(r);
	resolve_set_lookup(r, fake_lookup, &fk);
	return r;
}

static void v4(uint8_t *a, unsigned b0, unsigned b3)
{
	memset(a, 0, 16);
	a[0] = (uint8_t)b0;
	a[3] = (uint8_t)b3;
}

static void v6(uint8_t *a, unsigned last)
{
	memset(a, 0, 16);
	a[0] = 0xfd;
	a[15] = (uint8_t)last;
}

/* Wait (bounded) until every worker thread of every resolver has exited, so
 * that nothing runs behind the next test and valgrind sees no live thread. */
static void drain_workers(void)
{
	int i;

	for (i = 0; i < 500 && resolve_workers_alive() > 0; i++)
		sleep_ms(10);
	assert_int_equal(resolve_workers_alive(), 0);
	sleep_ms(20);           /* let the last one leave its start routine */
}

static void test_cache_one_lookup_per_address(void **state)
{
	struct resolve *r;
	struct resolve_stats st;
	uint8_t a[16], b[16], c6[16], fail[16];
	int cycle;

	(void)state;
	fake_reset();
	r = new_fake(5);
	v4(a, 10, 1);
	v4(b, 10, 2);
	v6(c6, 1);              /* same last byte as a, other family */
	v4(fail, 10, 201);
	for (cycle = 0; cycle < 3; cycle++) {
		resolve_pause(r);
		for (int k = 0; k < 50; k++) {
			resolve_submit(r, AF_INET, a);
			resolve_submit(r, AF_INET, b);
			resolve_submit(r, AF_INET6, c6);
			resolve_submit(r, AF_INET, fail);
		}
		resolve_wait(r);
		assert_string_equal(resolve_host(r, AF_INET, a), "h1-v4");
		assert_string_equal(resolve_host(r, AF_INET, b), "h2-v4");
		assert_string_equal(resolve_host(r, AF_INET6, c6), "h1-v6");
		assert_null(resolve_host(r, AF_INET, fail));
	}
	/* four distinct addresses, four lookups, over three listings: the
	 * failure is cached like the names */
	assert_int_equal(atomic_load(&fk.calls), 4);
	resolve_get_stats(r, &st);
	assert_int_equal(st.entries, 4);
	assert_int_equal(st.lookups, 4);
	/* never more threads than addresses */
	assert_true(st.threads >= 1 && st.threads <= 4);
	/* an address nobody submitted has no name */
	v4(a, 10, 99);
	assert_null(resolve_host(r, AF_INET, a));
	resolve_free(r);
	drain_workers();
}

static void test_any_addresses_need_no_lookup(void **state)
{
	struct resolve *r;
	struct resolve_stats st;
	uint8_t z[16] = { 0 };

	(void)state;
	fake_reset();
	r = new_fake(5);
	resolve_pause(r);
	resolve_submit(r, AF_INET, z);
	resolve_submit(r, AF_INET6, z);
	resolve_wait(r);
	/* netstat: 0.0.0.0 stays numeric, "::" prints as "[::]" */
	assert_null(resolve_host(r, AF_INET, z));
	assert_string_equal(resolve_host(r, AF_INET6, z), "[::]");
	resolve_get_stats(r, &st);
	assert_int_equal(st.threads, 0);
	assert_int_equal(st.lookups, 0);
	assert_int_equal(atomic_load(&fk.calls), 0);
	resolve_free(r);
}

static void test_budget_zero_is_numeric(void **state)
{
	struct resolve *r;
	uint8_t a[16], z[16] = { 0 };
	double t0;

	(void)state;
	fake_reset();
	r = new_fake(0);
	v4(a, 10, 1);
	resolve_pause(r);
	resolve_submit(r, AF_INET, a);
	t0 = now();
	resolve_wait(r);
	assert_true(now() - t0 < 0.1);
	assert_null(resolve_host(r, AF_INET, a));
	assert_null(resolve_host(r, AF_INET6, z));     /* "::" as -n prints it */
	assert_int_equal(atomic_load(&fk.calls), 0);
	resolve_free(r);
}

static void test_budget_stops_waiting(void **state)
{
	struct resolve *r;
	uint8_t fast[16], slow[16], later[16];
	double t0, dt;

	(void)state;
	fake_reset();
	fk.slow_ms[7] = 1200;
	r = new_fake(0.25);
	v4(fast, 10, 1);
	v4(slow, 10, 7);
	resolve_pause(r);
	resolve_submit(r, AF_INET, slow);
	resolve_submit(r, AF_INET, fast);
	t0 = now();
	resolve_wait(r);
	dt = now() - t0;
	/* waited for the budget, not for the slow lookup */
	assert_true(dt >= 0.24);
	assert_true(dt < 0.6);
	assert_string_equal(resolve_host(r, AF_INET, fast), "h1-v4");
	assert_null(resolve_host(r, AF_INET, slow));

	/* the next listing does not wait for the address given up on ... */
	v4(later, 10, 3);
	resolve_pause(r);
	resolve_submit(r, AF_INET, slow);
	resolve_submit(r, AF_INET, later);
	t0 = now();
	resolve_wait(r);
	assert_true(now() - t0 < 0.2);
	assert_string_equal(resolve_host(r, AF_INET, later), "h3-v4");
	/* ... and uses its answer once it arrived */
	sleep_ms(1200);
	assert_string_equal(resolve_host(r, AF_INET, slow), "h7-v4");
	assert_int_equal(atomic_load(&fk.calls), 3);
	resolve_free(r);
	drain_workers();
}

static void test_lookups_run_in_parallel(void **state)
{
	struct resolve *r;
	struct resolve_stats st;
	uint8_t a[16];
	unsigned i;
	double t0;

	(void)state;
	fake_reset();
	for (i = 1; i <= 100; i++)
		fk.slow_ms[i] = 100;
	r = new_fake(10);
	resolve_pause(r);
	for (i = 1; i <= 100; i++) {
		v4(a, 10, i);
		resolve_submit(r, AF_INET, a);
	}
	t0 = now();
	resolve_wait(r);
	/* 100 lookups of 0.1 s: 10 s one at a time, about 0.7 s with 16 threads */
	assert_true(now() - t0 < 3.0);
	for (i = 1; i <= 100; i++) {
		char want[32];

		v4(a, 10, i);
		snprintf(want, sizeof(want), "h%u-v4", i);
		assert_string_equal(resolve_host(r, AF_INET, a), want);
	}
	resolve_get_stats(r, &st);
	assert_true(st.threads > 1);
	assert_true(st.threads <= 16);
	assert_true(atomic_load(&fk.max_running) > 1);
	assert_true(atomic_load(&fk.max_running) <= 16);
	resolve_free(r);
	drain_workers();
}

/* A UDP socket "connected" to 127.0.0.1:53 (no packet is sent) stands for a
 * DNS query of ours; a lookup blocked in the fake resolver keeps the pool busy
 * across the next dump. */
static void test_pause_and_own_sockets(void **state)
{
	struct resolve *r;
	struct resolve_stats st;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(53) };
	struct pnet_sock s;
	struct stat sb;
	uint8_t stuck[16], fresh[16];
	int fd;

	(void)state;
	fake_reset();
	r = new_fake(0.1);
	v4(stuck, 10, 250);
	resolve_pause(r);
	resolve_submit(r, AF_INET, stuck);
	resolve_wait(r);                        /* gives up after 0.1 s */
	assert_null(resolve_host(r, AF_INET, stuck));

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(fstat(fd, &sb), 0);

	/* next listing: while paused, no new lookup starts */
	resolve_pause(r);
	v4(fresh, 10, 4);
	resolve_submit(r, AF_INET, fresh);
	sleep_ms(100);
	assert_int_equal(atomic_load(&fk.calls), 1);
	resolve_wait(r);
	assert_string_equal(resolve_host(r, AF_INET, fresh), "h4-v4");
	resolve_get_stats(r, &st);
	assert_int_equal(st.lookups, 2);

	memset(&s, 0, sizeof(s));
	s.proto = PNET_UDP;
	s.family = AF_INET;
	s.rport = 53;
	s.inode = (uint32_t)sb.st_ino;
	assert_true(resolve_own_socket(r, &s));
	s.rport = 80;                           /* only DNS sockets are dropped */
	assert_false(resolve_own_socket(r, &s));
	s.rport = 53;
	s.inode = (uint32_t)sb.st_ino + 1;
	assert_false(resolve_own_socket(r, &s));

	/* once nothing is running, a dump has no own sockets to drop */
	fake_release();
	sleep_ms(100);
	resolve_pause(r);
	resolve_wait(r);
	s.inode = (uint32_t)sb.st_ino;
	assert_false(resolve_own_socket(r, &s));
	assert_string_equal(resolve_host(r, AF_INET, stuck), "h250-v4");
	close(fd);
	resolve_free(r);
	drain_workers();
}

static void test_free_does_not_wait(void **state)
{
	struct resolve *r;
	uint8_t a[16];
	double t0;

	(void)state;
	fake_reset();
	fk.slow_ms[9] = 600;
	r = new_fake(0.05);
	v4(a, 10, 9);
	resolve_pause(r);
	resolve_submit(r, AF_INET, a);
	resolve_wait(r);
	assert_int_equal(resolve_workers_alive(), 1);
	t0 = now();
	resolve_free(r);                        /* the worker still sleeps */
	assert_true(now() - t0 < 0.1);
	/* the worker finishes, finds the resolver closed and frees it */
	drain_workers();
	assert_int_equal(atomic_load(&fk.calls), 1);
}

static void test_null_is_harmless(void **state)
{
	uint8_t a[16];
	struct pnet_sock s;

	(void)state;
	v4(a, 10, 1);
	memset(&s, 0, sizeof(s));
	resolve_submit(NULL, AF_INET, a);
	resolve_pause(NULL);
	resolve_wait(NULL);
	assert_null(resolve_host(NULL, AF_INET, a));
	assert_false(resolve_own_socket(NULL, &s));
	resolve_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cache_one_lookup_per_address),
		cmocka_unit_test(test_any_addresses_need_no_lookup),
		cmocka_unit_test(test_budget_zero_is_numeric),
		cmocka_unit_test(test_budget_stops_waiting),
		cmocka_unit_test(test_lookups_run_in_parallel),
		cmocka_unit_test(test_pause_and_own_sockets),
		cmocka_unit_test(test_free_does_not_wait),
		cmocka_unit_test(test_null_is_harmless),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
