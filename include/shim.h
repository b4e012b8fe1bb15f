/* Tiny C functions for what bindgen cannot reach: macros and static inline functions of the
 * Kamailio core. Each one only forwards; all logic lives in Rust. */
#ifndef KRS_SHIM_H
#define KRS_SHIM_H

#include "core/tcp_conn.h"
#include "core/ip_addr.h"
#include "core/parser/msg_parser.h"
#include "core/locking.h"

/* logging with a module name given at run time (LM_* bakes in a compile-time one) */
int krs_log_enabled(int level, const char *mname, int mnlen);
void krs_log(int level, const char *mname, int mnlen, const char *func, const char *msg,
		int msglen);

/* tcp_conn.h: tcpconn_put() is a macro */
void krs_tcpconn_put(struct tcp_connection *c);
/* connection table reads/writes under the table lock without taking a reference (cheaper
 * than tcpconn_get + tcpconn_put for one field) */
#define KRS_NO_CONN (-1000)
int krs_tcpconn_peek_state(int id);
int krs_tcpconn_set_lifetime(int id, unsigned int secs);
/* TCP config (cfg framework macro) */
int krs_tcp_con_lifetime_ticks(void);
unsigned int krs_s_to_ticks(unsigned int s);
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

/* locks (gen_lock_t) in shm */
gen_lock_t *krs_lock_alloc(void);
void krs_lock_dealloc(gen_lock_t *l);
void krs_lock_get(gen_lock_t *l);
void krs_lock_release(gen_lock_t *l);
/* shm allocator macros */
void *krs_shm_malloc(unsigned long size);
void krs_shm_free(void *p);
void *krs_pkg_malloc(unsigned long size);
void krs_pkg_free(void *p);



/* index of event_route[name] in event_rt, or -1 when the config has no such block */
int krs_event_route_lookup(const char *name);

/* PARAM_USE_FUNC is an expression bindgen cannot evaluate */
extern const unsigned int krs_param_use_func;
#endif
