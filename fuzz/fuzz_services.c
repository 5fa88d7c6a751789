/* libFuzzer target: the services(5) parser. Builds a table from the input
 * (exact-size heap copy) and checks every name it hands out is printable. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "pnet/ports.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size ? size : 1);
	struct pnet_ports *p;
	unsigned port;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	p = ports_from_text(copy, size);
	free(copy);             /* the table must not point into the text */
	if (!p)
		return 0;
	for (port = 0; port < 65536; port += (port < 1100 ? 1 : 97)) {
		int k;

		for (k = 0; k < 2; k++) {
			const char *name = ports_service(p, port, k ? PNET_UDP : PNET_TCP);

			if (name)
				fuzz_check_text(name, strlen(name), 0);
		}
	}
	ports_free(p);
	return 0;
}
