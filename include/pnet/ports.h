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

/* IANA group of a port (RFC 6335 section 6). port must be <= 65535. */
enum pnet_port_class ports_class(unsigned port);
/* "well-known", "registered" or "dynamic" */
const char *ports_class_word(enum pnet_port_class c);
/* First and last port of a class. */
void ports_class_range(enum pnet_port_class c, unsigned *lo, unsigned *hi);

/* Service-name table: one name per (port, protocol). */
struct pnet_ports;

/* Longest service name kept (bytes); netstat never prints more than 63. */
#define PORTS_NAME_MAX 255

/* Build the table from a services file (NULL: /etc/services). When the file
 * cannot be read or holds no tcp/udp entry, the built-in table is used, so an
 * empty or missing file gives the same names as Debian's. NULL with errno set
 * only when out of memory. */
struct pnet_ports *ports_load(const char *path);
/* Build from text in services(5) syntax, parsed as glibc's getservent() does
 * (tests, fuzzing). The table may be empty. NULL only when out of memory. */
struct pnet_ports *ports_from_text(const char *text, size_t len);
/* Build from the table compiled into pnet (Debian netbase's services file). */
struct pnet_ports *ports_builtin(void);
void ports_free(struct pnet_ports *p);

/* Number of tcp/udp entries parsed (duplicates included). */
size_t ports_count(const struct pnet_ports *p);
/* True when the table is the built-in one (the file was missing or empty). */
bool ports_is_builtin(const struct pnet_ports *p);

/* Sanitised service name, or NULL when the port has none. */
const char *ports_service(const struct pnet_ports *p, unsigned port, enum pnet_proto proto);

#endif
