//! RPC commands `tcpops.list [offset [limit]]`, `tcpops.info conid`, `tcpops.close conid`.
//!
//! The connections come from a copy of the core's table made under its lock (held only for
//! the copy), the kernel's figures from one `sock_diag` dump (no socket is touched, nothing
//! is asked of TCP main), matched by address and port; the reply is built afterwards and
//! bounded as keepalive's listings are (`rpc_args`: entries and bytes per reply).

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};

use kamailio::rpc::Rpc;
use kamailio::tcp::ConnState;
use kamailio::tcp_diag::{self, Ends, TcpFigures};
use kamailio::tcp_table::{self, ConnInfo};

use crate::ops::{self, CloseError};
use crate::rpc_args::{self, Arg, BadArg, Bound, Page, MAX_ENTRIES};

/// The user timeout the listening sockets carry after child_init(PROC_INIT) (-1: unknown),
/// copied into every process by the fork.
static LISTEN_USER_TIMEOUT: AtomicI64 = AtomicI64::new(-1);

/// Reads the listening sockets' user timeout (before the fork).
pub fn remember_listen_user_timeout() {
    let v = kamailio::tcp_user_timeout::listen_value().map_or(-1, i64::from);
    LISTEN_USER_TIMEOUT.store(v, Ordering::Relaxed);
}

enum Val {
    Str(String),
    Int(i64),
}

type Fields = Vec<(&'static str, Val)>;

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
    let (ka, ka_source) = match crate::applied::applied(c.identity) {
        Some(ka) => (ka, "tcpops"),
        None => (tcp_table::global_keepalive(), "global"),
    };
    let (idle, cnt, intvl) = ka.unwrap_or((0, 0, 0));
    f.extend([
        ("keepalive", Int(i64::from(ka.is_some()))),
        ("keepalive_idle", Int(i64::from(idle))),
        ("keepalive_cnt", Int(i64::from(cnt))),
        ("keepalive_intvl", Int(i64::from(intvl))),
        ("keepalive_source", Str(ka_source.into())),
    ]);
    let listen = LISTEN_USER_TIMEOUT.load(Ordering::Relaxed);
    let modparam = crate::user_timeout::configured();
    let (ut, ut_source) = match (crate::user_timeout::applied(c.identity), modparam) {
        // only tcp_set_user_timeout is recorded
        (Some(ms), _) => (i64::from(ms), "tcpops"),
        // kept on every connection (the timer sets it on outbound ones: user_timeout.rs;
        // accepted ones inherit it, and keepalive changes set it again: applied.rs)
        (None, Some(ms)) => (i64::from(ms), "modparam"),
        // the core's (tcp_send_timeout, 5.8+), inherited from the listening socket, which
        // keepalive settings applied by this module align (tcp_user_timeout::align)
        (None, None) if c.accepted && listen > 0 => match crate::applied::applied(c.identity) {
            Some(Some(ka)) => (
                i64::from(kamailio::tcp_user_timeout::aligned(ka)),
                "keepalive",
            ),
            _ => (listen, "core"),
        },
        (None, None) => (0, "none"),
    };
    f.extend([
        ("user_timeout", Int(ut)),
        ("user_timeout_source", Str(ut_source.into())),
        ("queued_bytes", Int(i64::from(c.queued_bytes))),
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

fn size(f: &Fields) -> usize {
    f.iter()
        .map(|(n, v)| match v {
            Val::Str(s) => rpc_args::field_bytes(n, rpc_args::value_bytes(s.as_bytes())),
            Val::Int(i) => rpc_args::field_bytes(n, rpc_args::int_bytes(*i)),
        })
        .sum()
}

fn add_entries(rpc: &Rpc, rows: &[Fields]) {
    for f in rows {
        let Some(st) = rpc.add_struct() else {
            log::error!(
                "RPC: the transport refused a reply of {} entries",
                rows.len()
            );
            rpc.fault(
                500,
                "reply refused by the RPC transport: ask for fewer entries",
            );
            return;
        };
        for (name, v) in f {
            match v {
                Val::Str(s) => st.str(name, s),
                Val::Int(i) => st.int(name, *i),
            };
        }
    }
}

/// The bound of one reply in this process, as keepalive's (the jsonrpcs FIFO carries more).
fn bound() -> Bound {
    if kamailio::process::description() == "JSONRPCS FIFO" {
        rpc_args::FIFO_BOUND
    } else {
        rpc_args::BOUND
    }
}

fn read_page(rpc: &Rpc, cmd: &str) -> Option<Page> {
    let next = || match rpc.next_int() {
        Some(Ok(v)) => Some(Ok(v)),
        Some(Err(())) => Some(Err(b"?".to_vec())),
        None => rpc.next_str().map(Err),
    };
    let offset = next();
    let limit = offset.as_ref().and_then(|_| next());
    fn arg(a: &Option<Result<i64, Vec<u8>>>) -> Option<Arg<'_>> {
        a.as_ref().map(|v| match v {
            Ok(i) => Arg::Int(*i),
            Err(t) => Arg::Text(t),
        })
    }
    match rpc_args::page(arg(&offset), arg(&limit)) {
        Ok(p) => Some(p),
        Err(BadArg(e)) => {
            rpc.fault(400, &format!("{e}; usage: {cmd} [offset [limit]]"));
            None
        }
    }
}

/// The kernel's figures of every socket, or none (logged) when the dump fails.
fn kernel_view() -> HashMap<Ends, TcpFigures> {
    tcp_diag::dump().unwrap_or_else(|e| {
        log::error!("sock_diag dump failed: {e}");
        HashMap::new()
    })
}

/// `tcpops.list [offset [limit]]`.
pub fn list(rpc: &Rpc) {
    const CMD: &str = "tcpops.list";
    let Some(page) = read_page(rpc, CMD) else {
        return;
    };
    if ops::require_tcp(CMD).is_err() {
        rpc.fault(500, "TCP is disabled (disable_tcp=yes)");
        return;
    }
    let all = tcp_table::snapshot();
    crate::user_timeout::sweep(&all);
    let total = all.len();
    let from = page.offset.min(total);
    let take = page.limit.unwrap_or(bound().entries + 1);
    let conns = &all[from..(from + take).min(total)];
    let kernel = if conns.is_empty() {
        HashMap::new()
    } else {
        kernel_view()
    };
    let rows: Vec<Fields> = conns
        .iter()
        .map(|c| fields(c, tcp_diag::find(&kernel, c.local, c.remote)))
        .collect();
    let fits = rpc_args::fit(bound(), rows.iter().map(size));
    match (page.limit, fits) {
        (None, Ok(n)) if n == total - from => add_entries(rpc, &rows),
        (None, _) => {
            let msg = format!(
                "{} connections do not fit in one reply: use {CMD} <offset> <limit> \
                 (limit 1 to {MAX_ENTRIES}; a page shorter than its limit is the last)",
                total - from
            );
            log::warn!("RPC {CMD}: {msg}");
            rpc.fault(413, &msg);
        }
        (Some(_), Ok(_)) => add_entries(rpc, &rows),
        (Some(l), Err(n)) => {
            let msg = format!(
                "{l} connections from {from} do not fit in one reply: use {CMD} {from} {n}"
            );
            log::warn!("RPC {CMD}: {msg}");
            rpc.fault(413, &msg);
        }
    }
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
    let Some(c) = tcp_table::one(id) else {
        return unknown(rpc, id);
    };
    let k = tcp_diag::lookup(c.local, c.remote).unwrap_or_else(|e| {
        log::error!("sock_diag request failed: {e}");
        None
    });
    add_entries(rpc, &[fields(&c, k.as_ref())]);
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
