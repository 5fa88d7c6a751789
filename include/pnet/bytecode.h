/* inet_diag bytecode (INET_DIAG_REQ_BYTECODE) for the port and address
 * filters, so the kernel drops most non-matching sockets before the dump.
 * The program only pre-filters: every socket filter_match() accepts passes it. */
#ifndef PNET_BYTECODE_H
#define PNET_BYTECODE_H

#include <stddef.h>
#include "pnet/filter.h"

/* Enough for every program bytecode_build() makes. */
#define BYTECODE_MAX 256

/* Write the program for f's --port, --sport, --dport and --addr filters into
 * buf (cap bytes). Returns its length, 0 when those filters are absent or
 * accept every port (attach nothing), or -1 with errno ENOSPC. */
int bytecode_build(const struct pnet_filter *f, void *buf, size_t cap);

#endif
