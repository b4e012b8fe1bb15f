//! RPC commands `keepalive.list/stats/add/del/get/flush`.
//!
//! A listing replies with every entry asked for or, before anything is added, an error that
//! says which request fits: one reply is bounded (see [`rpc_args::MAX_ENTRIES`] and
//! [`rpc_args::MAX_REPLY_BYTES`]), far below what any RPC transport carries.

use kamailio::rpc::Rpc;

use crate::rpc_args::{self, Arg, BadArg, Bound, Page, MAX_ENTRIES};
use crate::state;
use crate::table::{self, Entry, Error};

fn ctime(t: i64) -> String {
    if t == 0 {
        return "never".into();
    }
    kamailio::timer::ctime(t)
}

/// A value of an entry's field.
enum Val {
    Str(String),
    Int(i64),
}

type Fields = Vec<(&'static str, Val)>;

/// The fields of `keepalive.list`: the C module's six, plus `state_name` and `last_code`.
fn list_fields(e: &Entry) -> Fields {
    let d = &e.dest;
    vec![
        ("uri", Val::Str(e.uri.clone())),
        ("owner", Val::Str(e.owner.clone())),
        ("last checked", Val::Str(ctime(i64::from(d.last_checked)))),
        ("last up", Val::Str(ctime(i64::from(d.last_up)))),
        ("last down", Val::Str(ctime(i64::from(d.last_down)))),
        ("state", Val::Int(i64::from(e.state))),
        ("state_name", Val::Str(state::name(e.state).into())),
        ("last_code", Val::Int(i64::from(d.last_code))),
    ]
}

/// The probing figures of one destination (`keepalive.stats`, and `keepalive.get`).
fn stat_fields(e: &Entry) -> Fields {
    let d = &e.dest;
    vec![
        ("state", Val::Int(i64::from(e.state))),
        (
            "probing",
            Val::Str(if d.stopped { "stopped" } else { "active" }.into()),
        ),
        ("interval", Val::Int(i64::from(d.interval_ms / 1000))),
        ("failures", Val::Int(i64::from(d.streak.fail))),
        ("pings", Val::Int(i64::from(d.pings))),
        ("replies", Val::Int(i64::from(d.replies))),
        ("timeouts", Val::Int(i64::from(d.timeouts))),
        ("last_code", Val::Int(i64::from(d.last_code))),
        ("rtt_last_us", Val::Int(i64::from(d.rtt_last_us))),
        ("rtt_avg_us", Val::Int(i64::from(d.rtt_avg_us))),
    ]
}

fn stats_fields(e: &Entry) -> Fields {
    let mut f = vec![("uri", Val::Str(e.uri.clone()))];
    f.extend(stat_fields(e));
    f
}

/// Every field: the list's, then the figures it does not have.
fn full_fields(e: &Entry) -> Fields {
    let mut f = list_fields(e);
    let have: Vec<&str> = f.iter().map(|(n, _)| *n).collect();
    let extra: Fields = stat_fields(e)
        .into_iter()
        .filter(|(n, _)| !have.contains(n))
        .collect();
    f.extend(extra);
    f
}

/// Estimated reply bytes of one entry.
fn size(f: &Fields) -> usize {
    f.iter()
        .map(|(n, v)| match v {
            Val::Str(s) => rpc_args::field_bytes(n, rpc_args::value_bytes(s.as_bytes())),
            Val::Int(i) => rpc_args::field_bytes(n, rpc_args::int_bytes(*i)),
        })
        .sum()
}

/// Adds the entries, one struct each; a transport that refuses one (never expected: the
/// reply is bounded) turns the reply into an error.
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

/// Reads `[offset [limit]]`; `None` after a fault reply.
fn read_page(rpc: &Rpc, cmd: &str) -> Option<Page> {
    // a parameter that is there but not a number fails the integer scan: read it as text
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
            log::error!("RPC {cmd}: {e}");
            rpc.fault(400, &format!("{e}; usage: {cmd} [offset [limit]]"));
            None
        }
    }
}

/// Replies with a page of `entries` (from `page.offset`, `total` in all), complete or not
/// at all: when the entries asked for do not fit one reply, an error that says which
/// request does, before anything was added.
fn reply_page(
    rpc: &Rpc,
    cmd: &str,
    page: Page,
    entries: &[Entry],
    total: usize,
    fields: fn(&Entry) -> Fields,
) {
    let rows: Vec<Fields> = entries.iter().map(fields).collect();
    let fits = rpc_args::fit(bound(), rows.iter().map(size));
    let from = page.offset;
    match (page.limit, fits) {
        (None, Ok(n)) if n == total.saturating_sub(from) => add_entries(rpc, &rows),
        (None, _) => {
            let left = total.saturating_sub(from);
            let msg = format!(
                "{left} entries do not fit in one reply: use {cmd} <offset> <limit> \
                 (limit 1 to {MAX_ENTRIES}; a page shorter than its limit is the last)"
            );
            log::warn!("RPC {cmd}: {msg}");
            rpc.fault(413, &msg);
        }
        (Some(_), Ok(_)) => add_entries(rpc, &rows),
        (Some(l), Err(n)) => {
            let msg =
                format!("{l} entries from {from} do not fit in one reply: use {cmd} {from} {n}");
            log::warn!("RPC {cmd}: {msg}");
            rpc.fault(413, &msg);
        }
    }
}

/// Reads the two parameters (uri, owner) every command but list and flush takes.
fn uri_owner(rpc: &Rpc) -> Option<(Vec<u8>, Vec<u8>)> {
    let uri = rpc.next_str();
    let owner = rpc.next_str();
    match (uri, owner) {
        (Some(u), Some(o)) if !u.is_empty() && !o.is_empty() => Some((u, o)),
        _ => {
            log::error!("RPC: expected two non-empty parameters: sip_uri and listname (owner)");
            rpc.fault(400, "Expected parameters: sip_uri listname");
            None
        }
    }
}

fn fault(rpc: &Rpc, e: &Error) {
    let code = match e {
        Error::NotFound => 404,
        Error::Full => 500,
        Error::Limit(_) => 503,
        _ => 400,
    };
    if !e.logged() {
        log::error!("RPC: {e}");
    }
    rpc.fault(code, &e.to_string());
}

/// The bound of one reply in this process: the jsonrpcs FIFO process (which runs only that
/// transport) carries whole tables; every other transport one bounded page.
fn bound() -> Bound {
    thread_local! {
        static FIFO: bool = kamailio::process::description() == "JSONRPCS FIFO";
    }
    if FIFO.with(|f| *f) {
        rpc_args::FIFO_BOUND
    } else {
        rpc_args::BOUND
    }
}

/// `keepalive.list [offset [limit]]`: one entry per registration (the C module's fields,
/// `state_name` and `last_code`), all of them or a page.
pub fn list(rpc: &Rpc) {
    let Some(page) = read_page(rpc, "keepalive.list") else {
        return;
    };
    let (entries, total) = table::list_page(page.offset, page.limit.unwrap_or(bound().entries + 1));
    reply_page(rpc, "keepalive.list", page, &entries, total, list_fields);
}

/// `keepalive.stats [offset [limit]]`: the probing figures, one entry per destination.
pub fn stats(rpc: &Rpc) {
    let Some(page) = read_page(rpc, "keepalive.stats") else {
        return;
    };
    let (entries, total) = table::dest_page(page.offset, page.limit.unwrap_or(bound().entries + 1));
    reply_page(rpc, "keepalive.stats", page, &entries, total, stats_fields);
}

pub fn add(rpc: &Rpc) {
    let Some((uri, owner)) = uri_owner(rpc) else {
        return;
    };
    match table::add(
        &uri,
        &owner,
        None,
        kamailio::ka_api::ForeignCallbacks::NONE,
        false,
    ) {
        Ok(()) => rpc.add_str("Ok. Destination added."),
        Err(e) => fault(rpc, &e),
    }
}

pub fn del(rpc: &Rpc) {
    let Some((uri, owner)) = uri_owner(rpc) else {
        return;
    };
    match table::del(&uri, &owner) {
        Ok(()) => rpc.add_str("Ok. Destination removed."),
        Err(e) => fault(rpc, &e),
    }
}

pub fn get(rpc: &Rpc) {
    let Some((uri, owner)) = uri_owner(rpc) else {
        return;
    };
    match table::get(&uri, &owner) {
        Ok(e) => add_entries(rpc, &[full_fields(&e)]),
        Err(e) => fault(rpc, &e),
    }
}

pub fn flush(rpc: &Rpc) {
    let n = table::flush();
    log::info!("flushed {n} destinations");
    rpc.add_str("Ok. Destination list flushed.");
}
