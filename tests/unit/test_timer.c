/* fmt_timer(): the Timer column of -o, in net-tools 2.10 netstat's formats
 * ("%2.2f" of clock ticks / 100, then retransmits and probes as /proc/net/tcp
 * shows them: icsk_retransmits and icsk_probes_out). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>

#include "pnet/format.h"

struct tcase {
	uint8_t proto, timer, retrans;
	bool has_tcpinfo;
	uint8_t tretr, tprobes;
	uint32_t expires_ms;
	const char *want;
};

static void test_formats(void **state)
{
	static const struct tcase cases[] = {
		/* no timer: seconds 0.00 whatever expires says */
		{ PNET_TCP, 0, 0, true, 0, 0, 0, "off (0.00/0/0)" },
		{ PNET_TCP, 0, 0, true, 0, 0, 5000, "off (0.00/0/0)" },
		{ PNET_TCP, 0, 0, true, 2, 1, 0, "off (0.00/2/1)" },
		/* retransmission timer; ms truncated to ticks like jiffies_to_clock_t */
		{ PNET_TCP, 1, 3, true, 3, 0, 1234, "on (1.23/3/0)" },
		{ PNET_TCP, 1, 0, true, 0, 0, 9, "on (0.00/0/0)" },
		{ PNET_TCP, 1, 0, true, 1, 0, 199, "on (0.19/1/0)" },
		{ PNET_TCP, 1, 0, true, 0, 0, 200, "on (0.20/0/0)" },
		/* request socket (SYN_RECV): no tcp_info, diag's retrans is the count */
		{ PNET_TCP, 1, 2, false, 0, 0, 2990, "on (2.99/2/0)" },
		/* keepalive: probes from tcp_info */
		{ PNET_TCP, 2, 0, true, 0, 0, 7199990, "keepalive (7199.99/0/0)" },
		{ PNET_TCP, 2, 4, true, 0, 4, 75000, "keepalive (75.00/0/4)" },
		/* without tcp_info diag's retrans holds icsk_probes_out for these */
		{ PNET_TCP, 2, 4, false, 0, 0, 75000, "keepalive (75.00/0/4)" },
		/* TIME_WAIT: never any counters */
		{ PNET_TCP, 3, 0, false, 0, 0, 59870, "timewait (59.87/0/0)" },
		{ PNET_TCP, 3, 0, false, 0, 0, 0, "timewait (0.00/0/0)" },
		/* zero-window probe: net-tools 2.10 names it "probe" */
		{ PNET_TCP, 4, 0, true, 0, 2, 1580, "probe (1.58/0/2)" },
		{ PNET_TCP, 4, 3, false, 0, 0, 400, "probe (0.40/0/3)" },
		/* unknown kinds are numbered */
		{ PNET_TCP, 5, 0, true, 0, 0, 10, "unkn-5 (0.01/0/0)" },
		/* UDP: /proc/net/udp has no timers */
		{ PNET_UDP, 0, 0, false, 0, 0, 0, "off (0.00/0/0)" },
		{ PNET_UDP, 1, 7, false, 0, 0, 999, "off (0.00/0/0)" },
		/* large values keep every digit */
		{ PNET_TCP, 1, 255, true, 255, 255, 4294967295u, "on (4294967.29/255/255)" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct tcase *c = &cases[i];
		struct pnet_sock s;
		char buf[64];
		size_t n;

		memset(&s, 0, sizeof(s));
		s.proto = c->proto;
		s.family = AF_INET;
		s.state = PNET_ST_ESTABLISHED;
		s.timer = c->timer;
		s.retrans = c->retrans;
		s.has_tcpinfo = c->has_tcpinfo;
		s.tcpi_retransmits = c->tretr;
		s.tcpi_probes = c->tprobes;
		s.expires_ms = c->expires_ms;
		memset(buf, 'x', sizeof(buf));
		n = fmt_timer(buf, &s);
		buf[n < sizeof(buf) ? n : sizeof(buf) - 1] = '\0';
		if (strcmp(buf, c->want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, buf, c->want);
		assert_int_equal(n, strlen(c->want));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
