/* netlink sock_diag backend: one SOCK_DIAG_BY_FAMILY dump per (protocol, family).
 * The only file that includes libmnl and linux/inet_diag.h. */
#include "pnet/sockdiag.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

struct sockdiag {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	char buf[SOCKDIAG_RCVBUF];
};

struct parse_ctx {
	enum pnet_proto proto;
	pnet_sock_cb cb;
	void *data;
	int cb_errno;           /* errno from a callback that aborted */
};

struct sockdiag *sockdiag_open(void)
{
	struct sockdiag *sd = calloc(1, sizeof(*sd));
	int saved;

	if (!sd)
		return NULL;
	sd->nl = mnl_socket_open(NETLINK_SOCK_DIAG);
	if (!sd->nl)
		goto fail;
	if (mnl_socket_bind(sd->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		goto fail;
	sd->portid = mnl_socket_get_portid(sd->nl);
	return sd;
fail:
	saved = errno;
	if (sd->nl)
		mnl_socket_close(sd->nl);
	free(sd);
	errno = saved;
	return NULL;
}

void sockdiag_close(struct sockdiag *sd)
{
	if (!sd)
		return;
	mnl_socket_close(sd->nl);
	free(sd);
}

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	uint16_t type = mnl_attr_get_type(a);

	if (type == INET_DIAG_INFO)
		tb[type] = a;
	return MNL_CB_OK;
}

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct parse_ctx *ctx = data;
	const struct inet_diag_msg *m;
	const struct nlattr *tb[INET_DIAG_MAX + 1] = { 0 };
	struct pnet_sock s;

	if (nlh->nlmsg_type != SOCK_DIAG_BY_FAMILY)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*m)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	m = mnl_nlmsg_get_payload(nlh);
	if (m->idiag_family != AF_INET && m->idiag_family != AF_INET6)
		return MNL_CB_OK;

	memset(&s, 0, sizeof(s));
	s.proto = (uint8_t)ctx->proto;
	s.family = m->idiag_family;
	s.state = m->idiag_state;
	s.timer = m->idiag_timer;
	s.retrans = m->idiag_retrans;
	s.lport = ntohs(m->id.idiag_sport);
	s.rport = ntohs(m->id.idiag_dport);
	memcpy(s.laddr, m->id.idiag_src, m->idiag_family == AF_INET ? 4 : 16);
	memcpy(s.raddr, m->id.idiag_dst, m->idiag_family == AF_INET ? 4 : 16);
	s.ifindex = m->id.idiag_if;
	s.cookie = (uint64_t)m->id.idiag_cookie[0] | (uint64_t)m->id.idiag_cookie[1] << 32;
	s.expires_ms = m->idiag_expires;
	s.rqueue = m->idiag_rqueue;
	/* For LISTEN, diag's wqueue is the backlog limit; netstat prints 0. */
	s.wqueue = m->idiag_state == PNET_ST_LISTEN ? 0 : m->idiag_wqueue;
	s.uid = m->idiag_uid;
	s.inode = m->idiag_inode;

	if (mnl_attr_parse(nlh, sizeof(*m), attr_cb, tb) == MNL_CB_OK && tb[INET_DIAG_INFO] &&
	    mnl_attr_get_payload_len(tb[INET_DIAG_INFO]) >= 4) {
		/* struct tcp_info: u8 state, ca_state, retransmits, probes, ... */
		const uint8_t *ti = mnl_attr_get_payload(tb[INET_DIAG_INFO]);

		s.has_tcpinfo = true;
		s.tcpi_retransmits = ti[2];
		s.tcpi_probes = ti[3];
	}

	if (ctx->cb(&s, ctx->data) < 0) {
		ctx->cb_errno = errno ? errno : EIO;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* errno for an error code from the kernel (negative errno; the sign is not
 * trusted). INT_MIN, 0 and values past the kernel's MAX_ERRNO (4095) become
 * EPROTO: negating INT_MIN overflowed (found by fuzz_sockdiag). */
static int kernel_errno(int err)
{
	long e = err < 0 ? -(long)err : (long)err;

	return e > 0 && e <= 4095 ? (int)e : EPROTO;
}

/* libmnl 1.0.4's default NLMSG_DONE handler ignores the payload, in which the
 * kernel reports e.g. -ENOENT when the protocol's diag module is missing. */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(int)) {
		int err;

		memcpy(&err, mnl_nlmsg_get_payload(nlh), sizeof(err));
		if (err < 0) {
			errno = kernel_errno(err);
			return MNL_CB_ERROR;
		}
	}
	return MNL_CB_STOP;
}

static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e;

	(void)data;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*e)) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	e = mnl_nlmsg_get_payload(nlh);
	if (e->error == 0)
		return MNL_CB_STOP;
	errno = kernel_errno(e->error);
	return MNL_CB_ERROR;
}

static int noop_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	return MNL_CB_OK;
}

static int overrun_cb(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(void)data;
	errno = ENOBUFS;
	return MNL_CB_ERROR;
}

/* not const: mnl_cb_run2() takes a non-const array */
static mnl_cb_t ctl_cbs[NLMSG_MIN_TYPE] = {
	[NLMSG_NOOP] = noop_cb,
	[NLMSG_ERROR] = error_cb,
	[NLMSG_DONE] = done_cb,
	[NLMSG_OVERRUN] = overrun_cb,
};

/* libmnl 1.0.4's mnl_nlmsg_ok() compares nlmsg_len as an int, so a length of
 * 2^31 or more passes and the walk leaves the buffer (found by fuzz_sockdiag).
 * Check every header's length against what is left before libmnl walks it. */
static bool framing_ok(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	if (len > INT32_MAX)
		return false;
	while (len >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		size_t step;

		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < sizeof(h) || h.nlmsg_len > len)
			return false;
		step = MNL_ALIGN(h.nlmsg_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return true;
}

/* sockdiag_parse(); *cb_failed tells a callback's error from the kernel's. */
static int parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		 enum pnet_proto proto, pnet_sock_cb cb, void *data, bool *cb_failed)
{
	struct parse_ctx ctx = { .proto = proto, .cb = cb, .data = data };
	int ret;

	*cb_failed = false;
	if (!framing_ok(buf, len)) {
		errno = EBADMSG;
		return -1;
	}
	errno = 0;
	ret = mnl_cb_run2(buf, len, seq, portid, data_cb, &ctx, ctl_cbs, NLMSG_MIN_TYPE);
	if (ret == MNL_CB_ERROR) {
		if (ctx.cb_errno) {
			*cb_failed = true;
			errno = ctx.cb_errno;
		} else if (errno == 0) {
			errno = EBADMSG;
		}
		return -1;
	}
	return ret == MNL_CB_STOP ? 0 : 1;
}

int sockdiag_parse(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		   enum pnet_proto proto, pnet_sock_cb cb, void *data)
{
	bool cb_failed;

	return parse(buf, len, seq, portid, proto, cb, data, &cb_failed);
}

/* Replace the socket with a fresh one, dropping whatever is left of an
 * interrupted dump (a new port id also makes any straggler unmatched). */
static int reopen(struct sockdiag *sd)
{
	struct sockdiag *n = sockdiag_open();

	if (!n)
		return -1;
	mnl_socket_close(sd->nl);
	sd->nl = n->nl;
	sd->portid = n->portid;
	free(n);
	return 0;
}

int sockdiag_dump(struct sockdiag *sd, const struct sockdiag_req *q, pnet_sock_cb cb,
		  void *data)
{
	char req[8192];
	struct nlmsghdr *nlh;
	struct inet_diag_req_v2 *r;
	enum pnet_proto proto = q->proto;

	if (q->bytecode_len > sizeof(req) - 128) {
		errno = E2BIG;
		return -1;
	}
	memset(req, 0, sizeof(req));
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = ++sd->seq;
	r = mnl_nlmsg_put_extra_header(nlh, sizeof(*r));
	r->sdiag_family = (uint8_t)q->family;
	r->sdiag_protocol = proto == PNET_TCP ? IPPROTO_TCP : IPPROTO_UDP;
	r->idiag_states = q->states;
	if ((q->flags & SOCKDIAG_WANT_INFO) && proto == PNET_TCP)
		r->idiag_ext = 1u << (INET_DIAG_INFO - 1);
	if (q->bytecode && q->bytecode_len)
		mnl_attr_put(nlh, INET_DIAG_REQ_BYTECODE, q->bytecode_len, q->bytecode);

	for (int attempt = 1;; attempt++) {
		int ret = 1;
		bool cb_failed = false;

		if (mnl_socket_sendto(sd->nl, nlh, nlh->nlmsg_len) < 0)
			return -1;
		while (ret > 0) {
			ssize_t n = mnl_socket_recvfrom(sd->nl, sd->buf, sizeof(sd->buf));

			if (n < 0) {
				if (errno == EINTR || errno == EAGAIN)
					continue;
				ret = -1;
				break;
			}
			ret = parse(sd->buf, (size_t)n, nlh->nlmsg_seq, sd->portid, proto, cb, data,
				    &cb_failed);
		}
		if (ret == 0)
			return 0;
		/* ENOBUFS: the socket overran and replies were lost. EINTR from the
		 * parser: libmnl saw NLM_F_DUMP_INTR (the table changed mid-dump).
		 * Either way start over on a fresh socket; the callback sees the
		 * sockets delivered so far again and must skip them by cookie. */
		if (cb_failed || (errno != ENOBUFS && errno != EINTR) ||
		    attempt >= SOCKDIAG_MAX_RESTARTS)
			return -1;
		if (reopen(sd) < 0)
			return -1;
		if (q->on_restart)
			q->on_restart(data);
		nlh->nlmsg_seq = ++sd->seq;
	}
}
