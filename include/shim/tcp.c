/* The core's TCP connections: references, the connection table (found by id under its lock,
 * copied a chunk at a time), the TCP config, the listening sockets. */
#include "shim.h"
#include "core/cfg/cfg.h"
#include "core/tcp_options.h"
#include "core/timer_ticks.h"
#include "core/timer.h"
#include "core/socket_info.h"

#include <limits.h>
#include <time.h>

/* defined in tcp_main.c, exported by the kamailio binary, declared in no header */
extern struct tcp_connection **tcpconn_id_hash;
extern gen_lock_t *tcpconn_lock;

/* the one walk of an id's hash bucket, TCPCONN_LOCK held by the caller: the connection with
 * this id (with `live`, only one the core has not marked bad), or NULL */
static struct tcp_connection *krs_tcpconn_find(int id, int live)
{
	struct tcp_connection *c;

	for (c = tcpconn_id_hash[tcp_id_hash(id)]; c; c = c->id_next)
		if (c->id == id && !(live && c->state == S_CONN_BAD))
			return c;
	return NULL;
}

/* takes TCPCONN_LOCK and finds the live connection with this id: returns it with the lock
 * held (the caller releases it), or NULL with the lock released (or never taken: no table,
 * or not a valid id) */
static struct tcp_connection *krs_tcpconn_lock_find(int id)
{
	struct tcp_connection *c;

	if (tcpconn_id_hash == NULL || id <= 0)
		return NULL;
	TCPCONN_LOCK;
	c = krs_tcpconn_find(id, 1);
	if (c == NULL)
		TCPCONN_UNLOCK;
	return c;
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

int krs_tcpconn_peek_state(int id)
{
	struct tcp_connection *c = krs_tcpconn_lock_find(id);
	int state;

	if (c == NULL)
		return KRS_NO_CONN;
	state = c->state;
	TCPCONN_UNLOCK;
	return state;
}

int krs_tcpconn_set_lifetime(int id, unsigned int secs)
{
	struct tcp_connection *c = krs_tcpconn_lock_find(id);

	if (c == NULL)
		return -1;
	c->lifetime = S_TO_TICKS(secs);
	c->timeout = get_ticks_raw() + c->lifetime;
	TCPCONN_UNLOCK;
	return 0;
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
		c = krs_tcpconn_find(after_id + k, 0);
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
		c = krs_tcpconn_find(ids[i], 0);
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

