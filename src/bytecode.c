/* Filters -> inet_diag bytecode. Semantics from the kernel's inet_diag_bc_run():
 * an op whose test holds advances by op->yes bytes, otherwise by op->no; the
 * socket is accepted when the walk ends exactly at the program's end. Port ops
 * carry the port in the no field of a second op. inet_diag_bc_audit() demands
 * yes/no multiples of 4, at least the op's length, at most 4 past the end and
 * landing on an op boundary; a jump 4 past the end is how a program rejects.
 *
 * Layout: the filters are AND-ed clauses; a clause is an OR of alternatives,
 * an alternative an AND of primitive ops. A failing op jumps to the next
 * alternative (the last one's to "reject"); a passing alternative ends with a
 * JMP over the rest of its clause. */
#include "pnet/bytecode.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <string.h>
#include <sys/socket.h>

#define LABEL_REJECT (-1)
#define MAX_LABELS 16
#define MAX_FIXUPS 32

struct prim {
	uint8_t code;                           /* INET_DIAG_BC_* */
	uint16_t port;                          /* S_GE/S_LE/D_GE/D_LE */
	const struct pnet_addr_prefix *addr;    /* S_COND/D_COND */
};

struct alt {
	struct prim p[2];
	int n;
};

struct clause {
	struct alt a[2];
	int n;
};

struct builder {
	unsigned char *buf;
	size_t cap, len;
	size_t label_pos[MAX_LABELS];
	int nlabels;
	struct {
		size_t off;
		int label;
	} fix[MAX_FIXUPS];
	int nfix;
	int overflow;
};

static void emit_op(struct builder *b, uint8_t code, uint8_t yes, int label)
{
	struct inet_diag_bc_op op = { .code = code, .yes = yes, .no = 0 };

	if (b->len + sizeof(op) > b->cap || b->nfix == MAX_FIXUPS) {
		b->overflow = 1;
		return;
	}
	b->fix[b->nfix].off = b->len;
	b->fix[b->nfix].label = label;
	b->nfix++;
	memcpy(b->buf + b->len, &op, sizeof(op));
	b->len += sizeof(op);
}

static void emit_raw(struct builder *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->overflow = 1;
		return;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static void emit_prim(struct builder *b, const struct prim *p, int fail_label)
{
	if (p->addr) {
		struct inet_diag_hostcond hc;
		size_t alen = p->addr->family == AF_INET ? 4 : 16;

		memset(&hc, 0, sizeof(hc));     /* no uninitialised padding goes to the kernel */
		hc.family = p->addr->family;
		hc.prefix_len = p->addr->bits;
		hc.port = -1;
		emit_op(b, p->code, (uint8_t)(sizeof(struct inet_diag_bc_op) + sizeof(hc) + alen),
			fail_label);
		emit_raw(b, &hc, sizeof(hc));
		emit_raw(b, p->addr->addr, alen);
	} else {
		struct inet_diag_bc_op arg = { .code = 0, .yes = 0, .no = p->port };

		emit_op(b, p->code, 2 * sizeof(struct inet_diag_bc_op), fail_label);
		emit_raw(b, &arg, sizeof(arg));
	}
}

static int new_label(struct builder *b)
{
	if (b->nlabels == MAX_LABELS) {
		b->overflow = 1;
		return 0;
	}
	return b->nlabels++;
}

static void emit_clause(struct builder *b, const struct clause *c)
{
	int end = new_label(b), i, k;

	for (i = 0; i < c->n; i++) {
		int next = i + 1 < c->n ? new_label(b) : LABEL_REJECT;

		for (k = 0; k < c->a[i].n; k++)
			emit_prim(b, &c->a[i].p[k], next);
		if (next != LABEL_REJECT) {
			emit_op(b, INET_DIAG_BC_JMP, sizeof(struct inet_diag_bc_op), end);
			b->label_pos[next] = b->len;
		}
	}
	b->label_pos[end] = b->len;
}

/* Port range test on the source (local) or destination (remote) port; no
 * ops at all when the range is 0-65535. */
static void range_alt(struct alt *a, const struct pnet_port_range *r, bool local)
{
	a->n = 0;
	if (r->lo > 0)
		a->p[a->n++] = (struct prim){ .code = local ? INET_DIAG_BC_S_GE : INET_DIAG_BC_D_GE,
					      .port = r->lo };
	if (r->hi < 65535)
		a->p[a->n++] = (struct prim){ .code = local ? INET_DIAG_BC_S_LE : INET_DIAG_BC_D_LE,
					      .port = r->hi };
}

/* A clause with an empty alternative is always true: leave it out. */
static bool clause_useful(const struct clause *c)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (c->a[i].n == 0)
			return false;
	return c->n > 0;
}

int bytecode_build(const struct pnet_filter *f, void *buf, size_t cap)
{
	struct builder b = { .buf = buf, .cap = cap };
	struct clause cl[4];
	int ncl = 0, i;

	memset(cl, 0, sizeof(cl));
	if (f->have & PNET_F_SPORT) {
		cl[ncl].n = 1;
		range_alt(&cl[ncl].a[0], &f->sport, true);
		ncl++;
	}
	if (f->have & PNET_F_DPORT) {
		cl[ncl].n = 1;
		range_alt(&cl[ncl].a[0], &f->dport, false);
		ncl++;
	}
	if (f->have & PNET_F_PORT) {
		cl[ncl].n = 2;
		range_alt(&cl[ncl].a[0], &f->port, true);
		range_alt(&cl[ncl].a[1], &f->port, false);
		ncl++;
	}
	if (f->have & PNET_F_ADDR) {
		cl[ncl].n = 2;
		cl[ncl].a[0].n = cl[ncl].a[1].n = 1;
		cl[ncl].a[0].p[0] = (struct prim){ .code = INET_DIAG_BC_S_COND, .addr = &f->addr };
		cl[ncl].a[1].p[0] = (struct prim){ .code = INET_DIAG_BC_D_COND, .addr = &f->addr };
		ncl++;
	}
	for (i = 0; i < ncl; i++)
		if (clause_useful(&cl[i]))
			emit_clause(&b, &cl[i]);
	if (b.overflow) {
		errno = ENOSPC;
		return -1;
	}
	for (i = 0; i < b.nfix; i++) {
		size_t target = b.fix[i].label == LABEL_REJECT ? b.len + 4
							       : b.label_pos[b.fix[i].label];
		struct inet_diag_bc_op op;

		memcpy(&op, b.buf + b.fix[i].off, sizeof(op));
		op.no = (unsigned short)(target - b.fix[i].off);
		memcpy(b.buf + b.fix[i].off, &op, sizeof(op));
	}
	return (int)b.len;
}
