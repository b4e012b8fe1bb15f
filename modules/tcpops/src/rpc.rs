//! RPC commands `tcpops.list [offset [limit [after_conid]]]`, `tcpops.info conid`,
//! `tcpops.profiles`, `tcpops.close conid`.
//!
//! A page's connections are copied from the core's table under its lock (held for a chunk
//! of the page at most: [`table::page`]), the kernel's figures asked for those sockets
//! only through `sock_diag` (no socket is touched, nothing is asked of TCP main), matched by
//! address and port; the reply is built afterwards and
//! bounded as keepalive's listings are ([`kamailio::rpc::page`]: entries and bytes per reply).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};

use kamailio::rpc::page::{self as rpc_page, add_entries, read_page, Fields, Val};
use kamailio::rpc::Rpc;
use kamailio::tcp::diag::{self, Ends, TcpFigures};
use kamailio::tcp::table::{self, ConnInfo};
use kamailio::tcp::ConnState;

use crate::applied::KeepaliveParams;
use crate::ops::{self, CloseError};

/// The user timeout the listening sockets carry after child_init(PROC_INIT) (-1: unknown),
/// copied into every process by the fork.
static LISTEN_USER_TIMEOUT: AtomicI64 = AtomicI64::new(-1);

/// Reads the listening sockets' user timeout (before the fork).
pub fn remember_listen_user_timeout() {
    let v = kamailio::tcp::user_timeout::listen_value().map_or(-1, i64::from);
    LISTEN_USER_TIMEOUT.store(v, Ordering::Relaxed);
}

fn state_name(s: ConnState) -> &'static str {
    match s {
        ConnState::Ok => "CONN_OK",
        ConnState::Init => "CONN_INIT",
        ConnState::Eof => "CONN_EOF",
        ConnState::Accept => "CONN_ACCEPT",
        ConnState::Connect => "CONN_CONNECT",
        ConnState::Error => "CONN_ERROR",
        ConnState::Bad => "CONN_BAD",
        ConnState::Other(_) => "UNKNOWN",
    }
}

/// The fields of one connection: Kamailio's view, the settings in force, the kernel's view.
fn fields(c: &ConnInfo, k: Option<&TcpFigures>) -> Fields {
    use Val::{Int, Str};
    let mut f: Fields = vec![
        ("conid", Int(i64::from(c.id))),
        ("proto", Str(c.proto.into())),
        ("local", Str(c.local.to_string())),
        ("remote", Str(c.remote.to_string())),
        (
            "direction",
            Str(if c.accepted { "in" } else { "out" }.into()),
        ),
        ("state", Str(state_name(c.state).into())),
        ("lifetime_left", Int(c.lifetime_left_s)),
        ("closed_event", Int(i64::from(c.closed_event))),
    ];
    let profile = crate::profile_apply::applied_to(c.id);
    // a value equal to the profile's is the profile's (a cfg call setting the same is alike)
    let (ka, ka_source) = match crate::applied::applied(c.identity) {
        Some(ka) if profile.is_some_and(|p| p.keepalive.is_some() && p.keepalive == ka) => {
            (ka, "profile")
        }
        Some(ka) => (ka, "tcpops"),
        None => (
            KeepaliveParams::from_core(table::global_keepalive()),
            "global",
        ),
    };
    let KeepaliveParams {
        idle,
        count: cnt,
        interval: intvl,
    } = ka.unwrap_or_default();
    f.extend([
        ("keepalive", Int(i64::from(ka.is_some()))),
        ("keepalive_idle", Int(i64::from(idle))),
        ("keepalive_cnt", Int(i64::from(cnt))),
        ("keepalive_intvl", Int(i64::from(intvl))),
        ("keepalive_source", Str(ka_source.into())),
    ]);
    // what the core gave the connection: accepted ones inherit the listening sockets' (5.8+),
    // those Kamailio opened get `tcp_send_timeout` when it connects (6.0.2+)
    let core = if c.accepted {
        Some(LISTEN_USER_TIMEOUT.load(Ordering::Relaxed)).filter(|&ms| ms > 0)
    } else {
        kamailio::tcp::user_timeout::core_outbound().map(i64::from)
    };
    let modparam = crate::user_timeout::configured();
    let (ut, ut_source) = match (crate::user_timeout::applied(c.identity), modparam, core) {
        // only tcp_set_user_timeout and profiles are recorded
        (Some(ms), _, _) if profile.is_some_and(|p| p.user_timeout_ms == Some(ms)) => {
            (i64::from(ms), "profile")
        }
        (Some(ms), _, _) => (i64::from(ms), "tcpops"),
        // kept on every connection (the timer sets it on outbound ones: user_timeout.rs;
        // accepted ones inherit it, and keepalive changes set it again: applied.rs)
        (None, Some(ms), _) => (i64::from(ms), "modparam"),
        // the core's, which keepalive settings applied by this module align
        // (user_timeout::align)
        (None, None, Some(core)) => match crate::applied::applied(c.identity) {
            Some(Some(ka)) => (
                i64::from(kamailio::tcp::user_timeout::aligned((
                    ka.idle,
                    ka.count,
                    ka.interval,
                ))),
                "keepalive",
            ),
            _ => (core, "core"),
        },
        (None, None, None) => (0, "none"),
    };
    f.extend([
        ("user_timeout", Int(ut)),
        ("user_timeout_source", Str(ut_source.into())),
        ("queued_bytes", Int(i64::from(c.queued_bytes))),
        (
            "profile",
            Str(profile.map_or_else(|| "none".into(), |p| p.name.clone())),
        ),
    ]);
    match k {
        None => f.push(("kernel", Str("not found".into()))),
        Some(k) => f.extend([
            ("kernel", Str("ok".into())),
            ("rtt_us", Int(i64::from(k.rtt_us))),
            ("rttvar_us", Int(i64::from(k.rttvar_us))),
            ("retransmits", Int(i64::from(k.retransmits))),
            ("total_retrans", Int(i64::from(k.total_retrans))),
            ("lost", Int(i64::from(k.lost))),
            ("unacked", Int(i64::from(k.unacked))),
            ("snd_cwnd", Int(i64::from(k.snd_cwnd))),
            ("bytes_acked", Int(k.bytes_acked as i64)),
            ("bytes_received", Int(k.bytes_received as i64)),
            ("send_q", Int(i64::from(k.send_q))),
            ("recv_q", Int(i64::from(k.recv_q))),
            ("notsent_bytes", Int(i64::from(k.notsent_bytes))),
            ("last_data_recv_ms", Int(i64::from(k.last_data_recv_ms))),
        ]),
    }
    f
}

/// The kernel's figures of these connections' sockets, or none (logged) when asking fails.
fn kernel_view(conns: &[ConnInfo]) -> HashMap<Ends, TcpFigures> {
    let ends: Vec<Ends> = conns.iter().map(|c| (c.local, c.remote)).collect();
    diag::lookup_many(&ends).unwrap_or_else(|e| {
        log::error!("sock_diag request failed: {e}");
        HashMap::new()
    })
}

/// Reads the optional cursor after `[offset [limit]]`: 0 without one; `None` after a fault.
fn read_cursor(rpc: &Rpc, cmd: &str) -> Option<i32> {
    let bad = |m: &str| {
        rpc.fault(
            400,
            &format!("{m}; usage: {cmd} [offset [limit [after_conid]]]"),
        );
        None
    };
    match rpc.next_int() {
        None => match rpc.next_str() {
            None => Some(0),
            Some(t) => match std::str::from_utf8(&t).ok().map(str::trim) {
                Some(t) if t.parse::<i32>().is_ok_and(|v| v >= 0) => t.parse().ok(),
                _ => bad("after_conid must be a number, 0 or more"),
            },
        },
        Some(Ok(v)) => match i32::try_from(v) {
            Ok(v) if v >= 0 => Some(v),
            _ => bad(&format!(
                "after_conid must be a number, 0 or more (got {v})"
            )),
        },
        Some(Err(())) => bad("after_conid must be a number, 0 or more"),
    }
}

/// `tcpops.list [offset [limit [after_conid]]]`: the page `limit` entries from `offset`
/// among the connections whose conid is above `after_conid` (a page's last conid is the
/// cursor of the next: a page then costs its own size, whatever the table's).
pub fn list(rpc: &Rpc) {
    const CMD: &str = "tcpops.list";
    let Some(page) = read_page(rpc, CMD) else {
        return;
    };
    let Some(after) = read_cursor(rpc, CMD) else {
        return;
    };
    if ops::require_tcp(CMD).is_err() {
        rpc.fault(500, "TCP is disabled (disable_tcp=yes)");
        return;
    }
    let take = rpc_page::take(rpc, page);
    let conns = table::page(after, page.offset, take);
    // a reply without a limit must know whether the rest fits: a page shorter than what it
    // took is the rest (counting again could see connections accepted since: not an error)
    let total = if page.limit.is_some() || conns.len() < take {
        page.offset + conns.len()
    } else {
        table::count_after(after).max(page.offset + conns.len())
    };
    let kernel = kernel_view(&conns);
    let (hold_us, holds) = table::lock_holds();
    log::debug!(
        "{CMD}: {} entries after conid {after} from {}: TCPCONN_LOCK held {holds} times, \
         longest {hold_us:.1} us",
        conns.len(),
        page.offset
    );
    let rows: Vec<Fields> = conns
        .iter()
        .map(|c| fields(c, diag::find(&kernel, c.local, c.remote)))
        .collect();
    rpc_page::reply_page(rpc, CMD, "connections", page, &rows, total, None);
}

/// Reads the one `conid` parameter; `None` after a fault reply.
fn read_conid(rpc: &Rpc, cmd: &str) -> Option<i32> {
    let bad = |m: &str| {
        rpc.fault(400, &format!("{m}; usage: {cmd} conid"));
        None
    };
    // a parameter that is there but not a number fails the integer scan: read it as text
    let v = match rpc.next_int() {
        Some(Ok(v)) => v,
        Some(Err(())) => return bad("conid must be a number"),
        None => match rpc.next_str() {
            None => return bad("missing conid"),
            Some(t) => match std::str::from_utf8(&t)
                .ok()
                .and_then(|t| t.trim().parse().ok())
            {
                Some(v) => v,
                None => {
                    let t = String::from_utf8_lossy(&t[..t.len().min(32)]).into_owned();
                    return bad(&format!("conid must be a number (got \"{t}\")"));
                }
            },
        },
    };
    {
        match i32::try_from(v) {
            Ok(id) if id > 0 => Some(id),
            _ => bad(&format!("conid must be a positive number (got {v})")),
        }
    }
}

fn unknown(rpc: &Rpc, id: i32) {
    rpc.fault(404, &format!("no TCP connection with conid {id}"));
}

/// `tcpops.info conid`.
pub fn info(rpc: &Rpc) {
    let Some(id) = read_conid(rpc, "tcpops.info") else {
        return;
    };
    let Some(c) = table::one(id) else {
        return unknown(rpc, id);
    };
    let k = diag::lookup(c.local, c.remote).unwrap_or_else(|e| {
        log::error!("sock_diag request failed: {e}");
        None
    });
    add_entries(rpc, &[fields(&c, k.as_ref())]);
}

/// `tcpops.profiles`: each TCP profile, most specific first (the order they are matched
/// in), with its settings (keepalive 0, user_timeout -1, lifetime 0 where it sets none) and
/// the connections it was applied to.
pub fn profiles(rpc: &Rpc) {
    use Val::{Int, Str};
    let rows: Vec<Fields> = crate::profile_apply::list()
        .into_iter()
        .map(|(p, n)| {
            let KeepaliveParams {
                idle,
                count: cnt,
                interval: intvl,
            } = p.keepalive.unwrap_or_default();
            vec![
                ("name", Str(p.name.clone())),
                ("match", Str(p.matches.text())),
                ("keepalive", Int(i64::from(p.keepalive.is_some()))),
                ("keepalive_idle", Int(i64::from(idle))),
                ("keepalive_cnt", Int(i64::from(cnt))),
                ("keepalive_intvl", Int(i64::from(intvl))),
                ("user_timeout", Int(p.user_timeout_ms.map_or(-1, i64::from))),
                ("lifetime", Int(p.lifetime_s.map_or(0, i64::from))),
                ("connections", Int(n as i64)),
            ]
        })
        .collect();
    add_entries(rpc, &rows);
}

/// `tcpops.close conid`: as `tcp_close_connection(conid)`.
pub fn close(rpc: &Rpc) {
    let Some(id) = read_conid(rpc, "tcpops.close") else {
        return;
    };
    match ops::close_by_id(id) {
        Ok(()) => rpc.add_str("Ok. Close requested."),
        Err(CloseError::NoSuchConnection) => unknown(rpc, id),
        Err(CloseError::Request(e)) => {
            log::error!("tcpops.close: conid {id}: {e}");
            rpc.fault(500, &format!("cannot close conid {id}: {e}"));
        }
    }
}
