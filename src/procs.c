/* Socket inode -> "PID/name" for -p. One pass over /proc/<pid>/fd with
 * readlinkat relative to directory fds; an open-addressing table keyed by
 * inode (load <= 0.5); the column texts live in one arena, one per process.
 * Rules from net-tools 2.10 netstat.c prg_cache_load(): links "socket:[N]" and
 * "[0000]:N"; the name is the first cmdline argument, its directory dropped
 * only when it starts with '/'; "PID/name" cut to 19 bytes; the first process
 * in /proc order (ascending pid) found for an inode wins; the stderr notice
 * depends on whether some fd directory gave EACCES and whether any socket was
 * found. Unlike netstat, names are sanitised after the cut: a process name is
 * chosen by any local user, and a raw escape sequence in it would reach the
 * terminal of whoever lists sockets (CVE-2024-58251). */
#include "pnet/procs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "pnet/sanitize.h"

struct slot {
	uint32_t inode;         /* 0: empty */
	uint32_t off;           /* text offset in the arena */
};

struct procs {
	struct slot *tab;
	size_t cap;             /* power of two */
	unsigned shift;         /* 32 - log2(cap) */
	size_t count;
	char *arena;            /* NUL-terminated "PID/name" texts */
	size_t alen, acap;
	enum procs_notice notice;
};

/* netstat reads at most this much of /proc/<pid>/cmdline (cmdlbuf[512]). */
#define CMDLINE_READ 511

static size_t cap_for(size_t n)
{
	size_t cap = 64;

	while (cap < n * 2 && cap < ((size_t)1 << 31))
		cap <<= 1;
	return cap;
}

static unsigned log2_of(size_t cap)
{
	unsigned b = 0;

	while (((size_t)1 << b) < cap)
		b++;
	return b;
}

static inline size_t slot_of(const struct procs *p, uint32_t inode)
{
	/* Fibonacci hashing: socket inodes are sequential, the multiply spreads them. */
	return (size_t)((uint32_t)(inode * 2654435769u) >> p->shift);
}

struct procs *procs_new(size_t hint)
{
	struct procs *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->cap = cap_for(hint);
	p->shift = 32 - log2_of(p->cap);
	p->tab = calloc(p->cap, sizeof(*p->tab));
	p->acap = 4096;
	p->arena = malloc(p->acap);
	if (!p->tab || !p->arena) {
		procs_free(p);
		errno = ENOMEM;
		return NULL;
	}
	return p;
}

void procs_free(struct procs *p)
{
	if (!p)
		return;
	free(p->tab);
	free(p->arena);
	free(p);
}

static int grow(struct procs *p)
{
	size_t ncap = p->cap * 2, i;
	struct slot *old = p->tab, *nt = calloc(ncap, sizeof(*nt));

	if (!nt) {
		errno = ENOMEM;
		return -1;
	}
	p->tab = nt;
	p->cap = ncap;
	p->shift--;
	for (i = 0; i < ncap / 2; i++) {
		size_t j;

		if (!old[i].inode)
			continue;
		j = slot_of(p, old[i].inode);
		while (nt[j].inode)
			j = (j + 1) & (ncap - 1);
		nt[j] = old[i];
	}
	free(old);
	return 0;
}

int procs_add(struct procs *p, uint32_t inode, long handle)
{
	size_t j;

	if (inode == 0 || handle < 0 || (size_t)handle >= p->alen)
		return 0;
	if ((p->count + 1) * 2 > p->cap && grow(p) < 0)
		return -1;
	j = slot_of(p, inode);
	while (p->tab[j].inode) {
		if (p->tab[j].inode == inode)
			return 0;       /* netstat: the first process found keeps it */
		j = (j + 1) & (p->cap - 1);
	}
	p->tab[j].inode = inode;
	p->tab[j].off = (uint32_t)handle;
	p->count++;
	return 1;
}

const char *procs_lookup(const struct procs *p, uint32_t inode)
{
	size_t j;

	if (!p || inode == 0)
		return NULL;
	j = slot_of(p, inode);
	while (p->tab[j].inode) {
		if (p->tab[j].inode == inode)
			return p->arena + p->tab[j].off;
		j = (j + 1) & (p->cap - 1);
	}
	return NULL;
}

long procs_pid(const struct procs *p, uint32_t inode)
{
	const char *t = procs_lookup(p, inode);
	long pid = 0;

	/* the text starts with the pid, which always fits in the 19 bytes */
	if (!t || *t < '0' || *t > '9')
		return -1;
	for (; *t >= '0' && *t <= '9' && pid < 0x7fffffff; t++)
		pid = pid * 10 + (*t - '0');
	return *t == '/' ? pid : -1;
}

const char *procs_program(const struct procs *p, uint32_t inode)
{
	const char *col = procs_lookup(p, inode);

	return col ? col + strlen(col) + 1 : NULL;
}

long procs_intern(struct procs *p, long pid, const char *name, size_t namelen)
{
	char raw[PROCS_NAME_MAX + 1];
	const char *nm = name, *slash, *nul;
	size_t n, nl;
	long h;
	int w;

	nul = memchr(name, '\0', namelen);
	if (nul)
		namelen = (size_t)(nul - name);
	if (namelen && name[0] == '/' && (slash = memrchr(name, '/', namelen)) != NULL) {
		nm = slash + 1;
		namelen -= (size_t)(nm - name);
	}
	w = snprintf(raw, sizeof(raw), "%ld/", pid);
	if (w < 0)
		w = 0;
	n = (size_t)w < sizeof(raw) - 1 ? (size_t)w : sizeof(raw) - 1;
	nl = namelen < sizeof(raw) - 1 - n ? namelen : sizeof(raw) - 1 - n;
	memcpy(raw + n, nm, nl);
	n += nl;
	raw[n] = '\0';
	if (p->alen + sizeof(raw) + PROCS_FULL_MAX + 1 > p->acap) {
		size_t ncap = p->acap * 2;
		char *na;

		if (ncap > UINT32_MAX || !(na = realloc(p->arena, ncap))) {
			errno = ENOMEM;
			return -1;
		}
		p->arena = na;
		p->acap = ncap;
	}
	h = (long)p->alen;
	p->alen += sanitize_copy(p->arena + p->alen, sizeof(raw), raw, n) + 1;
	/* then the whole name (same directory rule, not cut to the column) for
	 * machine-readable output */
	p->alen += sanitize_copy(p->arena + p->alen, PROCS_FULL_MAX + 1, nm,
				 namelen < PROCS_FULL_MAX ? namelen : PROCS_FULL_MAX) + 1;
	return h;
}

uint32_t procs_parse_link(const char *s, size_t len)
{
	static const char p1[] = "socket:[", p2[] = "[0000]:";
	size_t i, end;
	uint64_t v = 0;

	if (len > sizeof(p1) && memcmp(s, p1, sizeof(p1) - 1) == 0 && s[len - 1] == ']') {
		i = sizeof(p1) - 1;
		end = len - 1;
	} else if (len > sizeof(p2) - 1 && memcmp(s, p2, sizeof(p2) - 1) == 0) {
		i = sizeof(p2) - 1;
		end = len;
	} else {
		return 0;
	}
	if (i == end)
		return 0;
	for (; i < end; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > UINT32_MAX)
			return 0;
	}
	return (uint32_t)v;
}

/* Read the first CMDLINE_READ bytes of <pid>/cmdline. -1 when it cannot be read. */
static ssize_t read_cmdline(int rootfd, const char *pid, char *buf)
{
	char path[300];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/cmdline", pid);
	fd = openat(rootfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, CMDLINE_READ);
	if (close(fd) < 0)
		return -1;
	return n;
}

/* One process being scanned. */
struct proc_ctx {
	struct procs *p;
	int rootfd;
	long pid;
	char pidname[24];
	long handle;            /* its "PID/name" text, -1 until a socket is seen */
	bool *found;            /* netstat reached its cache add */
	bool procfs;            /* the root is procfs: the fd dir's size counts fds */
};

/* Map the fd named name (a decimal number) in fddir when it is a socket.
 * Returns 1 when the link was read, 0 when not, -1 when out of memory. */
static int scan_fd(struct proc_ctx *c, int fddir, const char *name)
{
	char link[64], cmd[CMDLINE_READ + 1];
	ssize_t n = readlinkat(fddir, name, link, sizeof(link) - 1);
	uint32_t inode;

	if (n <= 0)
		return 0;       /* no such fd, or it closed meanwhile */
	inode = procs_parse_link(link, (size_t)n);
	if (!inode)
		return 1;
	if (c->handle < 0) {
		ssize_t cl = read_cmdline(c->rootfd, c->pidname, cmd);

		if (cl < 0)
			return 1;       /* netstat tries again at the next socket */
		c->handle = procs_intern(c->p, c->pid, cmd, (size_t)cl);
		if (c->handle < 0)
			return -1;
	}
	*c->found = true;
	return procs_add(c->p, inode, c->handle) < 0 ? -1 : 1;
}

/* Linux >= 6.2 gives the number of open fds as the size of /proc/<pid>/fd.
 * Reading the links 0, 1, 2, ... until that many were found skips readdir,
 * about a sixth of the cost per fd, and visits the fds in readdir's order.
 * Gives up (returns 0: use readdir) after too many holes, e.g. a sparse
 * table or fds closing meanwhile; 1 when done, -1 when out of memory. */
static int scan_dense(struct proc_ctx *c, int fddir)
{
	struct stat st;
	long want, seen = 0, holes = 0, fd;

	if (!c->procfs || fstat(fddir, &st) < 0 || st.st_size <= 0)
		return 0;
	want = (long)st.st_size;
	for (fd = 0; seen < want; fd++) {
		char name[24];
		size_t i = sizeof(name) - 1;
		long v = fd;
		int r;

		name[i] = '\0';
		do {
			name[--i] = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		r = scan_fd(c, fddir, name + i);
		if (r < 0)
			return -1;
		if (r)
			seen++;
		else if (++holes > want + 64)
			return 0;
	}
	return 1;
}

/* Map every socket fd of one process. */
static int scan_process(struct procs *p, int rootfd, bool procfs, long pid, int fddir,
			bool *found)
{
	struct proc_ctx c = { .p = p, .rootfd = rootfd, .pid = pid, .handle = -1,
			      .found = found, .procfs = procfs };
	struct dirent *de;
	DIR *d;
	int rc;

	snprintf(c.pidname, sizeof(c.pidname), "%ld", pid);
	rc = scan_dense(&c, fddir);
	if (rc) {
		close(fddir);
		return rc < 0 ? -1 : 0;
	}
	d = fdopendir(fddir);
	if (!d) {
		close(fddir);
		return 0;
	}
	rc = 0;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (scan_fd(&c, dirfd(d), de->d_name) < 0) {
			rc = -1;
			break;
		}
	}
	closedir(d);
	return rc;
}

#define MAX_WORKERS 4

struct worker {
	struct procs_scan *scan;
	struct procs *map;      /* this worker's sockets */
	pthread_t th;
	bool started;
	bool denied, found;     /* some fd dir gave EACCES; some socket was mapped */
	int err;                /* ENOMEM */
};

/* The processes are listed first; workers then take them one at a time in
 * /proc order (ascending pid) and each fills its own map; the maps are merged
 * with the lowest pid winning an inode, which is netstat's first-found rule. */
struct procs_scan {
	int rootfd;             /* -1: proc root unreadable */
	bool procfs;            /* rootfd is a procfs (not a test tree) */
	long *pids;
	size_t npids;
	atomic_size_t next;
	size_t hint;
	int nworkers;
	struct worker w[MAX_WORKERS];
};

static void scan_run(struct worker *w)
{
	struct procs_scan *sc = w->scan;

	for (;;) {
		size_t i = atomic_fetch_add(&sc->next, 1);
		char path[32];
		int fddir;

		if (i >= sc->npids || w->err)
			break;
		snprintf(path, sizeof(path), "%ld/fd", sc->pids[i]);
		fddir = openat(sc->rootfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fddir < 0) {
			if (errno == EACCES)
				w->denied = true;
			continue;       /* ENOENT: the process is gone */
		}
		if (scan_process(w->map, sc->rootfd, sc->procfs, sc->pids[i], fddir,
				 &w->found) < 0)
			w->err = ENOMEM;
	}
}

static void *scan_thread(void *arg)
{
	scan_run(arg);
	return NULL;
}

static int pid_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* List the numeric entries of the proc root, leaving out skip_pid. */
static int list_pids(struct procs_scan *sc, long skip_pid)
{
	struct dirent *de;
	size_t cap = 0;
	int dfd = dup(sc->rootfd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		const char *c;
		long pid;

		for (c = de->d_name; *c >= '0' && *c <= '9'; c++)
			;
		if (*c || c == de->d_name || c - de->d_name > 10)
			continue;
		pid = strtol(de->d_name, NULL, 10);
		if (pid == skip_pid)
			continue;
		if (sc->npids == cap) {
			long *np;

			cap = cap ? cap * 2 : 1024;
			np = realloc(sc->pids, cap * sizeof(*np));
			if (!np) {
				closedir(d);
				return -1;
			}
			sc->pids = np;
		}
		sc->pids[sc->npids++] = pid;
	}
	closedir(d);
	/* /proc lists in ascending pid order already; other roots (tests) may not */
	qsort(sc->pids, sc->npids, sizeof(*sc->pids), pid_cmp);
	return 0;
}

static int workers_wanted(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > MAX_WORKERS ? MAX_WORKERS : (int)n;
}

struct procs_scan *procs_scan_start(const char *proc_root, size_t hint, long skip_pid)
{
	struct procs_scan *sc = calloc(1, sizeof(*sc));
	struct statfs sfs;
	int i;

	if (!sc)
		return NULL;
	atomic_init(&sc->next, 0);
	sc->hint = hint;
	sc->rootfd = open(proc_root ? proc_root : "/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (sc->rootfd >= 0 && list_pids(sc, skip_pid) < 0) {
		close(sc->rootfd);
		sc->rootfd = -1;
	}
	if (sc->rootfd < 0)
		return sc;
	sc->procfs = fstatfs(sc->rootfd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC;
	sc->nworkers = workers_wanted();
	if ((size_t)sc->nworkers > sc->npids)
		sc->nworkers = sc->npids ? (int)sc->npids : 1;
	for (i = 0; i < sc->nworkers; i++) {
		struct worker *w = &sc->w[i];

		w->scan = sc;
		w->map = procs_new(hint);    /* any worker may meet most sockets */
		if (!w->map) {
			w->err = ENOMEM;
			continue;
		}
		/* w[0] is the caller's, in procs_scan_finish; a worker that
		 * cannot start leaves its share to the others */
		if (i > 0) {
			/* signals stay with the main thread (the -c handler) */
			sigset_t all, old;

			sigfillset(&all);
			pthread_sigmask(SIG_SETMASK, &all, &old);
			w->started = pthread_create(&w->th, NULL, scan_thread, w) == 0;
			pthread_sigmask(SIG_SETMASK, &old, NULL);
		}
	}
	return sc;
}

/* Put inode -> text (a "PID/name" at off in p's arena) into p; when the inode
 * is known already, the text with the lower pid stays. */
static int merge_add(struct procs *p, uint32_t inode, uint32_t off)
{
	size_t j;

	if ((p->count + 1) * 2 > p->cap && grow(p) < 0)
		return -1;
	j = slot_of(p, inode);
	while (p->tab[j].inode) {
		if (p->tab[j].inode == inode) {
			if (strtol(p->arena + off, NULL, 10) <
			    strtol(p->arena + p->tab[j].off, NULL, 10))
				p->tab[j].off = off;
			return 0;
		}
		j = (j + 1) & (p->cap - 1);
	}
	p->tab[j].inode = inode;
	p->tab[j].off = off;
	p->count++;
	return 1;
}

/* Append src's texts to dst's arena and its inodes to dst's table. */
static int merge(struct procs *dst, const struct procs *src)
{
	size_t base = dst->alen, i;

	if (dst->alen + src->alen > dst->acap) {
		size_t ncap = dst->acap;
		char *na;

		while (ncap < dst->alen + src->alen)
			ncap *= 2;
		if (ncap > UINT32_MAX || !(na = realloc(dst->arena, ncap)))
			return -1;
		dst->arena = na;
		dst->acap = ncap;
	}
	memcpy(dst->arena + dst->alen, src->arena, src->alen);
	dst->alen += src->alen;
	for (i = 0; i < src->cap; i++)
		if (src->tab[i].inode &&
		    merge_add(dst, src->tab[i].inode, (uint32_t)(base + src->tab[i].off)) < 0)
			return -1;
	return 0;
}

struct procs *procs_scan_finish(struct procs_scan *sc)
{
	struct procs *p = NULL;
	bool denied = false, found = false, nomem = false;
	int i;

	if (!sc)
		return NULL;
	/* the caller's thread takes what the workers have not reached yet */
	if (sc->nworkers > 0 && sc->w[0].map)
		scan_run(&sc->w[0]);
	for (i = 0; i < sc->nworkers; i++) {
		struct worker *w = &sc->w[i];

		if (w->started)
			pthread_join(w->th, NULL);
		denied |= w->denied;
		found |= w->found;
		if (w->err || !w->map)
			nomem = true;
	}
	if (!nomem && sc->rootfd >= 0) {
		p = sc->w[0].map;
		sc->w[0].map = NULL;
		for (i = 1; i < sc->nworkers; i++)
			if (merge(p, sc->w[i].map) < 0) {
				nomem = true;
				break;
			}
	} else if (!nomem) {
		p = procs_new(0);
		if (p)
			p->notice = PROCS_NOTICE_NOTHING;
		else
			nomem = true;
	}
	for (i = 0; i < sc->nworkers; i++)
		procs_free(sc->w[i].map);
	if (sc->rootfd >= 0)
		close(sc->rootfd);
	free(sc->pids);
	free(sc);
	if (nomem) {
		procs_free(p);
		errno = ENOMEM;
		return NULL;
	}
	if (denied)
		p->notice = found ? PROCS_NOTICE_PARTIAL : PROCS_NOTICE_NOTHING;
	return p;
}

struct procs *procs_load(const char *proc_root, size_t hint, long skip_pid)
{
	struct procs_scan *sc = procs_scan_start(proc_root, hint, skip_pid);

	if (!sc) {
		errno = ENOMEM;
		return NULL;
	}
	return procs_scan_finish(sc);
}

size_t procs_sockets_hint(void)
{
	char buf[512];
	ssize_t n;
	size_t v = 0;
	const char *s;
	int fd = open("/proc/net/sockstat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	s = strstr(buf, "sockets: used ");
	if (!s)
		return 0;
	for (s += strlen("sockets: used "); *s >= '0' && *s <= '9'; s++)
		v = v * 10 + (size_t)(*s - '0');
	return v;
}

enum procs_notice procs_notice(const struct procs *p)
{
	return p->notice;
}

size_t procs_count(const struct procs *p)
{
	return p->count;
}

size_t procs_capacity(const struct procs *p)
{
	return p->cap;
}
