/* libFuzzer target: the /proc/net line parser and the table reader. The first
 * byte picks the table (tcp, tcp6, udp, udp6); the rest is the file. Every line
 * is parsed from an exact-size heap copy, then the whole text is read through
 * procnet_dump_file() from a memfd to exercise chunking and overlong lines. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "pnet/procnet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum pnet_proto proto;
	int family, fd;
	const char *text, *end, *p;
	char path[64];

	if (size < 1)
		return 0;
	proto = (data[0] & 1) ? PNET_UDP : PNET_TCP;
	family = (data[0] & 2) ? AF_INET6 : AF_INET;
	text = (const char *)data + 1;
	end = (const char *)data + size;
	for (p = text; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		char *copy = malloc(n ? n : 1);
		struct pnet_sock s;

		if (!copy)
			return 0;
		memcpy(copy, p, n);
		if (procnet_parse_line(copy, n, proto, family, &s) == 0)
			fuzz_format_row(&s, NULL);
		free(copy);
		p += n;
	}

	fd = memfd_create("procnet", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, text, (size_t)(end - text)) == end - text) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		(void)procnet_dump_file(path, proto, family, 0xffff, fuzz_format_row, NULL);
	}
	close(fd);
	return 0;
}
