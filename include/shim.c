/* See shim.h. Compiled by build.rs with the installed Kamailio's defines. */
#include "shim.h"
#include "core/forward.h"
#include "core/dprint.h"
#include "core/cfg/cfg.h"
#include "core/tcp_options.h"
#include "core/timer_ticks.h"
#include "core/route.h"
#include "core/action.h"
#include "core/mem/shm.h"
#include "core/mem/pkg.h"
#include "core/sr_module.h"
#include "core/compiler_opt.h"
#include "core/timer.h"
#include "core/socket_info.h"
#include "core/parser/parse_cseq.h"

#include <limits.h>
#include <time.h>

int krs_log_enabled(int level, const char *mname, int mnlen)
{
	return DPRINT_NON_CRIT && get_debug_level((char *)mname, mnlen) >= level;
}

void krs_log(int level, const char *mname, int mnlen, const char *func, const char *msg,
		int msglen)
{
#undef LOG_MNAME
#undef LOG_MNAME_LEN
#define LOG_MNAME ((char *)mname)
#define LOG_MNAME_LEN mnlen
	LOG_FX(DEFAULT_FACILITY, level, NULL, "", func, "%.*s\n", msglen, msg);
}

int krs_tcpconn_unref(struct tcp_connection *c)
{
	int n = atomic_get(&c->refcnt);

	/* decrement unless ours is the last reference: the last holder must free the
	 * connection, and tcpconn_put() (a plain decrement) would leak it */
	while (n > 1) {
		int seen = mb_atomic_cmpxchg(&c->refcnt, n, n - 1);
		if (seen == n)
			return 0;
		n = seen;
	}
	return 1;
}

int krs_tcp_con_lifetime_ticks(void)
{
	return cfg_get(tcp, tcp_cfg, con_lifetime);
}

unsigned int krs_tcp_send_timeout_ms(void)
{
	return TICKS_TO_S(cfg_get(tcp, tcp_cfg, send_timeout)) * 1000;
}

void krs_su2ip_addr(struct ip_addr *ip, union sockaddr_union *su)
{
	su2ip_addr(ip, su);
}

unsigned short krs_su_getport(union sockaddr_union *su)
{
	return su_getport(su);
}

int krs_get_route_type(void)
{
	return get_route_type();
}

void krs_set_route_type(int t)
{
	set_route_type(t);
}

int krs_run_event_route(int rt, struct sip_msg *msg)
{
	struct run_act_ctx ctx;
	int backup = get_route_type();
	set_route_type(EVENT_ROUTE);
	init_run_actions_ctx(&ctx);
	run_top_route(event_rt.rlist[rt], msg, &ctx);
	set_route_type(backup);
	return 0;
}

gen_lock_t *krs_lock_alloc(void)
{
	gen_lock_t *l = lock_alloc();
	if (l && lock_init(l) == 0) {
		lock_dealloc(l);
		return NULL;
	}
	return l;
}

void krs_lock_get(gen_lock_t *l)
{
	lock_get(l);
}

void krs_lock_release(gen_lock_t *l)
{
	lock_release(l);
}

void *krs_shm_malloc(unsigned long size)
{
	return shm_malloc(size);
}

void krs_shm_free(void *p)
{
	shm_free(p);
}

void *krs_pkg_malloc(unsigned long size)
{
	return pkg_malloc(size);
}

void krs_pkg_free(void *p)
{
	pkg_free(p);
}

unsigned long krs_pkg_available(void)
{
	return pkg_available();
}

int krs_event_route_lookup(const char *name)
{
	int rt = route_lookup(&event_rt, (char *)name);
	if (rt < 0 || event_rt.rlist[rt] == NULL)
		return -1;
	return rt;
}

const unsigned int krs_param_use_func = PARAM_USE_FUNC;

/* defined in tcp_main.c, exported by the kamailio binary, declared in no header */
extern struct tcp_connection **tcpconn_id_hash;
extern gen_lock_t *tcpconn_lock;

int krs_tcpconn_peek_state(int id)
{
	struct tcp_connection *c;
	int state = KRS_NO_CONN;

	if (tcpconn_id_hash == NULL || id <= 0)
		return state;
	TCPCONN_LOCK;
	for (c = tcpconn_id_hash[tcp_id_hash(id)]; c; c = c->id_next) {
		if (c->id == id && c->state != S_CONN_BAD) {
			state = c->state;
			break;
		}
	}
	TCPCONN_UNLOCK;
	return state;
}

int krs_tcpconn_set_lifetime(int id, unsigned int secs)
{
	struct tcp_connection *c;
	int found = -1;

	if (tcpconn_id_hash == NULL || id <= 0)
		return -1;
	TCPCONN_LOCK;
	for (c = tcpconn_id_hash[tcp_id_hash(id)]; c; c = c->id_next) {
		if (c->id == id && c->state != S_CONN_BAD) {
			c->lifetime = S_TO_TICKS(secs);
			c->timeout = get_ticks_raw() + c->lifetime;
			found = 0;
			break;
		}
	}
	TCPCONN_UNLOCK;
	return found;
}

void krs_counter_add(unsigned short id, int n)
{
	counter_handle_t h;

	/* before mod_init registers a counter its handle is 0, the core's "invalid counter":
	 * slot 0 of each row exists and nothing reads it */
	if (unlikely(_cnts_vals == NULL))
		return;
	h.id = id;
	counter_add(h, n);
}

static void krs_tcp_row_fill(struct krs_tcp_row *r, struct tcp_connection *c, ticks_t now)
{
	r->conn = (unsigned long)c;
	r->id = c->id;
	r->proto = c->rcv.proto;
	r->state = c->state;
	r->flags = c->flags;
	r->timeout_left_ticks = (int)(c->timeout - now);
	r->lifetime_ticks = c->lifetime;
#ifdef TCP_ASYNC
	r->queued = c->wbuf_q.queued;
#else
	r->queued = 0;
#endif
	r->src_ip = c->rcv.src_ip;
	r->src_port = c->rcv.src_port;
	r->dst_ip = c->rcv.dst_ip;
	r->dst_port = c->rcv.dst_port;
}

/* the longest TCPCONN_LOCK hold of the page functions below since the last
 * krs_tcp_lock_hold_take(), and how many holds (this process) */
static unsigned long krs_hold_max_ns;
static unsigned int krs_holds;

static unsigned long krs_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned long)t.tv_sec * 1000000000UL + (unsigned long)t.tv_nsec;
}

static void krs_hold_done(unsigned long since)
{
	unsigned long d = krs_now_ns() - since;

	if (d > krs_hold_max_ns)
		krs_hold_max_ns = d;
	krs_holds++;
}

unsigned long krs_tcp_lock_hold_take(unsigned int *holds)
{
	unsigned long m = krs_hold_max_ns;

	*holds = krs_holds;
	krs_hold_max_ns = 0;
	krs_holds = 0;
	return m;
}

static struct tcp_connection *krs_tcpconn_by_id(int id)
{
	struct tcp_connection *c;

	for (c = tcpconn_id_hash[tcp_id_hash(id)]; c; c = c->id_next)
		if (c->id == id)
			return c;
	return NULL;
}

int krs_tcp_table_probe(struct krs_tcp_row *rows, int max, int after_id, int probes)
{
	struct tcp_connection *c;
	int k, n = 0;
	unsigned long t0;
	ticks_t now = get_ticks_raw();

	if (tcpconn_id_hash == NULL || after_id < 0 || probes > INT_MAX - after_id)
		return 0;
	TCPCONN_LOCK;
	t0 = krs_now_ns();
	/* counted by k: after_id + k never passes INT_MAX */
	for (k = 1; k <= probes && n < max; k++) {
		c = krs_tcpconn_by_id(after_id + k);
		if (c)
			krs_tcp_row_fill(&rows[n++], c, now);
	}
	krs_hold_done(t0);
	TCPCONN_UNLOCK;
	return n;
}

int krs_tcp_ids_chunk(int *ids, int max, int first, int after_id, int *next)
{
	struct tcp_connection *c;
	int i, n = 0, start, visited = 0;
	unsigned long t0;

	*next = TCP_ID_HASH_SIZE;
	if (tcpconn_id_hash == NULL || first < 0 || first >= TCP_ID_HASH_SIZE)
		return 0;
	TCPCONN_LOCK;
	t0 = krs_now_ns();
	for (i = first; i < TCP_ID_HASH_SIZE; i++) {
		start = n;
		for (c = tcpconn_id_hash[i]; c; c = c->id_next) {
			visited++;
			if (c->id <= after_id)
				continue;
			if (n < max)
				ids[n] = c->id;
			n++;
		}
		if (n > max) {
			/* this bucket does not fit: the next call starts with it (or, the first
			 * bucket of this call, the count tells how much room it needs) */
			if (i > first)
				n = start;
			*next = i;
			break;
		}
		/* as many connections visited as ids fit: the rest in the next call */
		if (visited >= max) {
			*next = i + 1;
			break;
		}
	}
	krs_hold_done(t0);
	TCPCONN_UNLOCK;
	return n;
}

int krs_tcp_table_rows(struct krs_tcp_row *rows, const int *ids, int n)
{
	struct tcp_connection *c;
	int i, found = 0;
	unsigned long t0;
	ticks_t now = get_ticks_raw();

	if (tcpconn_id_hash == NULL)
		return 0;
	TCPCONN_LOCK;
	t0 = krs_now_ns();
	for (i = 0; i < n; i++) {
		if (ids[i] <= 0)
			continue;
		c = krs_tcpconn_by_id(ids[i]);
		if (c)
			krs_tcp_row_fill(&rows[found++], c, now);
	}
	krs_hold_done(t0);
	TCPCONN_UNLOCK;
	return found;
}

void krs_tcp_keepalive_cfg(int *on, int *idle, int *cnt, int *intvl)
{
	*on = cfg_get(tcp, tcp_cfg, keepalive);
	*idle = cfg_get(tcp, tcp_cfg, keepidle);
	*cnt = cfg_get(tcp, tcp_cfg, keepcnt);
	*intvl = cfg_get(tcp, tcp_cfg, keepintvl);
}

int krs_tcp_listen_each(int (*f)(int fd, void *arg), void *arg)
{
	struct socket_info *lists[2] = {tcp_listen, tls_listen};
	struct socket_info *si;
	int i, rc;

	for (i = 0; i < 2; i++) {
		for (si = lists[i]; si; si = si->next) {
			if (si->socket < 0)
				continue;
			rc = f(si->socket, arg);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

int krs_msg_send_buffer(struct dest_info *dst, char *buf, int len)
{
	if (dst->send_sock == NULL) {
		dst->send_sock = get_send_socket(0, &dst->to, dst->proto);
		if (dst->send_sock == NULL)
			return -1;
	}
	return msg_send_buffer(dst, buf, len, 0) < 0 ? -1 : 0;
}

int krs_reply_callid(struct sip_msg *msg, str *callid)
{
	if (msg->first_line.type != SIP_REPLY)
		return -1;
	if (parse_headers(msg, HDR_CALLID_F, 0) < 0 || msg->callid == NULL)
		return -1;
	*callid = msg->callid->body;
	return msg->first_line.u.reply.statuscode;
}

int krs_reply_ids(struct sip_msg *msg, str *branch, str *cseq_num, str *cseq_method,
		int *proto)
{
	if (msg->via1 == NULL || msg->via1->branch == NULL)
		return -1;
	if (parse_headers(msg, HDR_CSEQ_F, 0) < 0 || msg->cseq == NULL
			|| msg->cseq->parsed == NULL)
		return -1;
	*branch = msg->via1->branch->value;
	*cseq_num = get_cseq(msg)->number;
	*cseq_method = get_cseq(msg)->method;
	*proto = msg->rcv.proto;
	return 0;
}
