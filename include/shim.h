/* Tiny C functions for what bindgen cannot reach: macros and static inline functions of the
 * Kamailio core. Each one only forwards; all logic lives in Rust. Defined by topic in
 * include/shim/: log.c, tcp.c (connections and their table), route.c, mem.c (shm, pkg and
 * locks), counters.c, msg.c (addresses, sending, replies), pv.c (script variables). */
#ifndef KRS_SHIM_H
#define KRS_SHIM_H

#include "core/tcp_conn.h"
#include "core/ip_addr.h"
#include "core/parser/msg_parser.h"
#include "core/locking.h"
#include "core/counters.h"
#include "core/pvar.h"

/* logging with a module name given at run time (LM_* bakes in a compile-time one) */
int krs_log_enabled(int level, const char *mname, int mnlen);
void krs_log(int level, const char *mname, int mnlen, const char *func, const char *msg,
		int msglen);

/* drops a reference taken by tcpconn_get() and returns 0, unless it is the last one: then
 * it returns 1 and leaves the count as it is (tcpconn_put() is a plain decrement) */
int krs_tcpconn_unref(struct tcp_connection *c);
/* connection table reads/writes under the table lock without taking a reference (cheaper
 * than tcpconn_get + tcpconn_put for one field) */
#define KRS_NO_CONN (-1000)
int krs_tcpconn_peek_state(int id);
int krs_tcpconn_set_lifetime(int id, unsigned int secs);
/* a copy of one connection of the core's table (src/tcp/table.rs); `conn` is the connection's
 * address, kept only to tell a reused id apart, never dereferenced */
struct krs_tcp_row {
	unsigned long conn;
	int id;
	int proto;
	int state;
	unsigned int flags;
	int timeout_left_ticks;
	unsigned int lifetime_ticks;
	unsigned int queued;
	struct ip_addr src_ip;
	unsigned short src_port;
	struct ip_addr dst_ip;
	unsigned short dst_port;
};
/* paging the table, each call one TCPCONN_LOCK hold:
 * krs_tcp_table_probe: the connections with ids after_id+1 .. after_id+probes (at most
 *   `max`), in id order, each looked up in its hash bucket; returns how many;
 * krs_tcp_ids_chunk: the ids above after_id in the hash buckets from `first` on, stopping
 *   before a bucket that does not fit in `max`, or after the bucket that took the
 *   connections visited to `max` (*next: the bucket to go on with, TCP_ID_HASH_SIZE when
 *   all were read); returns the count (above `max`: the first bucket alone needs that room);
 * krs_tcp_table_rows: the connections with these ids (those still there, in that order);
 * krs_tcp_lock_hold_take: the longest hold of these (ns) and their number since the last
 *   call, then starts over */
int krs_tcp_table_probe(struct krs_tcp_row *rows, int max, int after_id, int probes);
int krs_tcp_ids_chunk(int *ids, int max, int first, int after_id, int *next);
int krs_tcp_table_rows(struct krs_tcp_row *rows, const int *ids, int n);
unsigned long krs_tcp_lock_hold_take(unsigned int *holds);
/* the global keepalive settings of the TCP config */
void krs_tcp_keepalive_cfg(int *on, int *idle, int *cnt, int *intvl);
/* calls f(fd, arg) for each TCP (and TLS) listening socket; returns the first non-zero */
int krs_tcp_listen_each(int (*f)(int fd, void *arg), void *arg);
/* TCP config (cfg framework macro) */
int krs_tcp_con_lifetime_ticks(void);
/* tcp_send_timeout in ms, as the core (5.8+) sets it as TCP_USER_TIMEOUT on listening sockets */
unsigned int krs_tcp_send_timeout_ms(void);
/* ip_addr.h inline helpers */
void krs_su2ip_addr(struct ip_addr *ip, union sockaddr_union *su);
unsigned short krs_su_getport(union sockaddr_union *su);
/* route.h macros */
int krs_get_route_type(void);
void krs_set_route_type(int t);
/* runs a top route block of event_rt on a faked message */
int krs_run_event_route(int rt, struct sip_msg *msg);

/* the pv module's getter of $var ($vz, $vn), NULL without the pv module */
pv_getf_t krs_scriptvar_getter(void);

/* locks (gen_lock_t) in shm */
gen_lock_t *krs_lock_alloc(void);
void krs_lock_get(gen_lock_t *l);
void krs_lock_release(gen_lock_t *l);
/* shm allocator macros */
void *krs_shm_malloc(unsigned long size);
void krs_shm_free(void *p);
void *krs_pkg_malloc(unsigned long size);
void krs_pkg_free(void *p);
/* free pkg memory of this process, in bytes (0 when the build has no pkg manager) */
unsigned long krs_pkg_available(void);



/* index of event_route[name] in event_rt, or -1 when the config has no such block */
int krs_event_route_lookup(const char *name);

/* counters.h: counter_add() is static inline; adds to this process's row (no lock, no shared
 * cache line: rows are cache-line padded) */
void krs_counter_add(unsigned short id, int n);

/* stateless sending (forward.h: msg_send_buffer and get_send_socket are static inline):
 * sends buf to dst (its send_sock chosen when NULL); 0 on success */
int krs_msg_send_buffer(struct dest_info *dst, char *buf, int len);
/* a reply's Call-ID body (parsing the headers up to it) and status code; -1 if none */
int krs_reply_callid(struct sip_msg *msg, str *callid);
/* a reply's top Via branch, CSeq number and method, and the transport (PROTO_*) it came
 * over; 0, or -1 when one of them is missing or malformed */
int krs_reply_ids(struct sip_msg *msg, str *branch, str *cseq_num, str *cseq_method,
		int *proto);

/* PARAM_USE_FUNC is an expression bindgen cannot evaluate */
extern const unsigned int krs_param_use_func;
#endif
