/* libFuzzer target: sockdiag_parse() on netlink dump datagrams. The input is a
 * recorded dump ([u32 little-endian length][datagram]...), the layout of
 * tests/fixtures/ *.bin files; bytes that do not fit that layout form one datagram.
 * Each datagram gets its own exact-size heap copy so overreads are caught. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "pnet/sockdiag.h"

static void one(const uint8_t *p, size_t n, enum pnet_proto proto)
{
	void *copy = malloc(n ? n : 1);

	if (!copy)
		return;
	memcpy(copy, p, n);
	(void)sockdiag_parse(copy, n, 0, 0, proto, fuzz_format_row, NULL);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum pnet_proto proto = PNET_TCP;
	size_t off = 0;

	if (size && (data[0] & 0x80))   /* recorded dumps start with a small length */
		proto = PNET_UDP;
	while (size - off >= 4) {
		uint32_t len = (uint32_t)data[off] | (uint32_t)data[off + 1] << 8 |
			       (uint32_t)data[off + 2] << 16 | (uint32_t)data[off + 3] << 24;

		if (len > size - off - 4)
			break;
		one(data + off + 4, len, proto);
		off += 4 + len;
	}
	if (off < size)
		one(data + off, size - off, proto);
	return 0;
}
