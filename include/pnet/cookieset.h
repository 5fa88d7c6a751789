/* Which sockets of a dump were already listed, in bounded memory.
 *
 * The kernel resumes a dump (netlink chunks, /proc seq_file reads) by bucket
 * position; a socket inserted ahead of the resume point pushes one already
 * listed past it, so that socket comes again. Such a repeat is always a socket
 * of the bucket being resumed, listed shortly before: remembering the last
 * COOKIESET_WINDOW cookies (about 20 netlink datagrams) catches it with memory
 * that does not grow with the number of sockets.
 *
 * A dump restarted from scratch (ENOBUFS) returns everything again. After
 * cookieset_restart(), rows are suppressed until the new dump reaches cookies
 * still in the window (the tail of what was listed); from the first unknown
 * cookie after that on, rows are new. A row is never listed twice; if every
 * remembered socket vanished meanwhile, the rest of that dump is suppressed. */
#ifndef PNET_COOKIESET_H
#define PNET_COOKIESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define COOKIESET_WINDOW 8192u  /* cookies remembered; power of two */

struct cookieset {
	uint64_t *ring;         /* last COOKIESET_WINDOW cookies, oldest at head */
	uint64_t *slot;         /* hash of the ring's cookies; 0 marks empty */
	size_t head, n;
	bool resync;            /* after a restart: still before the known tail */
	bool tail_seen;         /* resync: a remembered cookie came again */
};

/* Forget everything (one reset per dump). Zero-initialise before first use. */
void cookieset_clear(struct cookieset *cs);
/* The dump starts over: suppress what was listed before (see above). */
void cookieset_restart(struct cookieset *cs);
/* 1 if the row is new (and now remembered), 0 if it must be skipped, -1 (errno
 * ENOMEM) on the first call when memory cannot be had. Cookie 0 means "unknown"
 * and is always new. */
int cookieset_add(struct cookieset *cs, uint64_t cookie);
void cookieset_free(struct cookieset *cs);

#endif
