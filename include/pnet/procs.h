/* Socket inode -> "PID/name" as netstat -p shows it, from one pass over /proc/<pid>/fd. */
#ifndef PNET_PROCS_H
#define PNET_PROCS_H

#include <stddef.h>
#include <stdint.h>

/* netstat keeps "PID/name" in a 20-byte buffer: at most 19 bytes of text. */
#define PROCS_NAME_MAX 19
/* Longest program name kept for JSON output. */
#define PROCS_FULL_MAX 255

/* What netstat prints on stderr after reading /proc (prg_cache_load). */
enum procs_notice {
	PROCS_NOTICE_NONE = 0,          /* every process could be read */
	PROCS_NOTICE_PARTIAL,           /* some fd dirs EACCES, some sockets found */
	PROCS_NOTICE_NOTHING,           /* EACCES and no socket found, or no /proc */
};

struct procs;

/* An empty map with room for about hint sockets. NULL (errno ENOMEM) on failure. */
struct procs *procs_new(size_t hint);
void procs_free(struct procs *p);

/* Scan proc_root ("/proc" when NULL) once and return the map. Processes that
 * vanish mid-scan are skipped; pid skip_pid (0: none) is left out. Returns NULL
 * with errno ENOMEM only; an unreadable proc_root gives PROCS_NOTICE_NOTHING. */
struct procs *procs_load(const char *proc_root, size_t hint, long skip_pid);

/* The same in two steps: start scanning in background threads (as many as
 * CPUs, at most 4), do other work, then collect the map; the calling thread
 * joins the scan in procs_scan_finish. NULL (ENOMEM) from either on failure. */
struct procs_scan;
struct procs_scan *procs_scan_start(const char *proc_root, size_t hint, long skip_pid);
struct procs *procs_scan_finish(struct procs_scan *scan);

/* Sockets in use from /proc/net/sockstat ("sockets: used N"), 0 when unknown. */
size_t procs_sockets_hint(void);

/* Intern the column text "PID/name" for a process and return its handle;
 * name is the raw first cmdline argument (namelen bytes, may hold any byte).
 * Builds netstat's text (directory dropped when it starts with '/', cut to
 * PROCS_NAME_MAX bytes), then sanitises it. Returns -1 (ENOMEM) on failure. */
long procs_intern(struct procs *p, long pid, const char *name, size_t namelen);
/* Map inode to a handle from procs_intern; the first mapping of an inode wins.
 * Returns 1 when added, 0 when the inode was known (or 0), -1 (ENOMEM). */
int procs_add(struct procs *p, uint32_t inode, long handle);

/* The sanitised "PID/name" text, or NULL when no process is known for inode. */
const char *procs_lookup(const struct procs *p, uint32_t inode);
/* The pid of that process, or -1 when none is known for inode. */
long procs_pid(const struct procs *p, uint32_t inode);
/* The same process's name, sanitised but not cut to the column (at most
 * PROCS_FULL_MAX bytes), or NULL. */
const char *procs_program(const struct procs *p, uint32_t inode);

enum procs_notice procs_notice(const struct procs *p);
size_t procs_count(const struct procs *p);     /* inodes mapped */
size_t procs_capacity(const struct procs *p);  /* slots in the table */

/* Inode from a /proc/<pid>/fd link text ("socket:[N]" or "[0000]:N"), else 0. */
uint32_t procs_parse_link(const char *link, size_t len);

#endif
