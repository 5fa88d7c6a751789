/* Port classification (IANA groups) and service names. Lookups are pure and O(1). */
#ifndef PNET_PORTS_H
#define PNET_PORTS_H

#include <stddef.h>
#include <stdint.h>
#include "pnet/sock.h"

enum pnet_port_class {
	PNET_PORT_WELL_KNOWN = 0,   /* 0-1023 System Ports */
	PNET_PORT_REGISTERED,       /* 1024-49151 User Ports */
	PNET_PORT_DYNAMIC,          /* 49152-65535 Dynamic and/or Private Ports */
};

enum pnet_port_class ports_class(unsigned port);
/* "well-known", "registered" or "dynamic" */
const char *ports_class_word(enum pnet_port_class c);
/* First and last port of a class. */
void ports_class_range(enum pnet_port_class c, unsigned *lo, unsigned *hi);

/* Service-name table: one name per (port, protocol). */
struct pnet_ports;

/* Build the table from a services file (NULL: /etc/services). When the file cannot
 * be read, the built-in table is used. NULL with errno set only when out of memory. */
struct pnet_ports *ports_load(const char *path);
/* Build from text in services(5) syntax (tests, fuzzing). */
struct pnet_ports *ports_from_text(const char *text, size_t len);
/* Build from the table compiled into pnet. */
struct pnet_ports *ports_builtin(void);
void ports_free(struct pnet_ports *p);

/* Service name, or NULL when the port has none. */
const char *ports_service(const struct pnet_ports *p, unsigned port, enum pnet_proto proto);

#endif
