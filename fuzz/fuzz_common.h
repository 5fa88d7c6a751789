/* Shared helpers for the fuzz targets: format a parsed row into a collect-only
 * buffer and check that nothing but printable text and the final '\n' came out. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdlib.h>
#include <string.h>

#include "pnet/format.h"
#include "pnet/opts.h"
#include "pnet/outbuf.h"

static inline void fuzz_check_text(const char *p, size_t n, int allow_nl)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c < 0x20 && !(allow_nl && c == '\n')) || c == 0x7f)
			abort();
	}
}

static inline int fuzz_format_row(const struct pnet_sock *s, void *data)
{
	static char mem[4096];
	struct outbuf ob;
	struct pnet_opts o;

	(void)data;
	memset(&o, 0, sizeof(o));
	o.tcp = o.udp = o.inet4 = o.inet6 = o.all = true;
	o.num_hosts = o.num_ports = o.num_users = true;
	o.extend = 2;
	o.timers = true;
	o.classify = true;
	ob_init(&ob, -1, mem, sizeof(mem));
	(void)fmt_row_selected(&o, s);
	fmt_row(&ob, &o, s, NULL);
	if (ob.len == 0 || ob.buf[ob.len - 1] != '\n')
		abort();
	fuzz_check_text(ob.buf, ob.len, 1);
	return 0;
}

#endif
