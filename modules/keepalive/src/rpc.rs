//! RPC commands `keepalive.list/stats/add/del/get/flush`.
//!
//! A listing replies with every entry asked for or, before anything is added, an error that
//! says which request fits: one reply is bounded ([`kamailio::rpc::page`]).

use std::cell::RefCell;
use std::sync::Mutex;

use kamailio::rpc::Rpc;

use crate::state;
use crate::table::{self, Entry, Error, Resume};
use kamailio::rpc::args::Page;
use kamailio::rpc::page::{self as rpc_page, add_entries, read_page, Fields, Val};

/// `t` as ctime text, or `never` for 0. A listing's entries often share a second (added or
/// changed together): the last one formatted is kept and copied.
fn ctime(t: i64) -> String {
    if t == 0 {
        return "never".into();
    }
    thread_local! {
        static LAST: RefCell<(i64, String)> = const { RefCell::new((0, String::new())) };
    }
    LAST.with_borrow_mut(|(at, text)| {
        if *at != t {
            *text = kamailio::timer::ctime(t);
            *at = t;
        }
        text.clone()
    })
}

/// The C module's fields of `keepalive.list`, the first of [`list_fields`].
const C_LIST_FIELDS: usize = 6;

/// The fields of `keepalive.list`: the C module's six, plus `state_name` and `last_code`.
fn list_fields(e: Entry) -> Fields {
    let d = &e.dest;
    let mut f = fields_vec();
    f.extend([
        ("uri", Val::Str(e.uri)),
        ("owner", Val::Str(e.owner)),
        ("last checked", Val::Str(ctime(i64::from(d.last_checked)))),
        ("last up", Val::Str(ctime(i64::from(d.last_up)))),
        ("last down", Val::Str(ctime(i64::from(d.last_down)))),
        ("state", Val::Int(i64::from(e.state))),
        ("state_name", Val::Name(state::name(e.state))),
        ("last_code", Val::Int(i64::from(d.last_code))),
    ]);
    f
}

/// Adds the probing figures of one destination (`keepalive.stats`, and `keepalive.get`).
fn stat_fields(e: &Entry, f: &mut Fields) {
    let d = &e.dest;
    let probing = if d.stopped {
        "stopped"
    } else if d.paused || !crate::prober::active() {
        "paused"
    } else {
        "active"
    };
    f.extend([
        ("state", Val::Int(i64::from(e.state))),
        ("probing", Val::Name(probing)),
        ("interval", Val::Int(i64::from(d.interval_ms / 1000))),
        ("failures", Val::Int(i64::from(d.streak.fail))),
        ("pings", Val::Int(i64::from(d.pings))),
        ("replies", Val::Int(i64::from(d.replies))),
        ("timeouts", Val::Int(i64::from(d.timeouts))),
        ("last_code", Val::Int(i64::from(d.last_code))),
        ("rtt_last_us", Val::Int(i64::from(d.rtt_last_us))),
        ("rtt_avg_us", Val::Int(i64::from(d.rtt_avg_us))),
    ]);
}

/// Adds the latency and outcome statistics of one destination (`keepalive.latency`, and
/// `keepalive.get`).
fn latency_fields(e: &Entry, f: &mut Fields) {
    let d = &e.dest;
    f.extend([
        ("rtt_samples", Val::Int(i64::from(d.lat.samples))),
        ("rtt_min_us", Val::Int(i64::from(d.lat.min_us))),
        ("rtt_max_us", Val::Int(i64::from(d.lat.max_us))),
        ("rtt_mean_us", Val::Int(d.lat.mean_us.round() as i64)),
        ("rtt_stddev_us", Val::Int(d.lat.stddev_us().round() as i64)),
        ("rtt_est_us", Val::Int(i64::from(d.lat.ewma_us))),
        ("fail_4xx", Val::Int(i64::from(d.lat.fail_4xx))),
        ("fail_5xx", Val::Int(i64::from(d.lat.fail_5xx))),
        ("fail_6xx", Val::Int(i64::from(d.lat.fail_6xx))),
        ("fail_other", Val::Int(i64::from(d.lat.fail_other))),
        ("fail_timeout", Val::Int(i64::from(d.lat.fail_timeout))),
        ("fail_send", Val::Int(i64::from(d.lat.fail_send))),
        ("last_change", Val::Str(ctime(i64::from(d.last_change)))),
    ]);
}

/// Fields of an entry: room for the longest (`keepalive.get`'s), so that none grows.
fn fields_vec() -> Fields {
    Vec::with_capacity(32)
}

/// The fields of a `keepalive.stats` entry before the latency statistics and attributes (the
/// whole table falls back to these where one reply carries it only so).
const STATS_BASE_FIELDS: usize = 11;

/// `keepalive.stats`: the figures, the latency statistics, and the attributes of a
/// destination that has some.
fn stats_fields(mut e: Entry) -> Fields {
    let mut f = fields_vec();
    f.push(("uri", Val::Str(std::mem::take(&mut e.uri))));
    stat_fields(&e, &mut f);
    debug_assert_eq!(f.len(), STATS_BASE_FIELDS);
    latency_fields(&e, &mut f);
    if !e.attrs.is_empty() {
        f.push(("attrs", Val::Str(e.attrs)));
    }
    f
}

fn latency_entry(mut e: Entry) -> Fields {
    let mut f = fields_vec();
    f.push(("uri", Val::Str(std::mem::take(&mut e.uri))));
    latency_fields(&e, &mut f);
    f
}

/// Every field: the list's, then the figures it does not have.
fn full_fields(mut e: Entry) -> Fields {
    let mut stats = fields_vec();
    stat_fields(&e, &mut stats);
    let mut rest = fields_vec();
    rest.push(("attrs", Val::Str(std::mem::take(&mut e.attrs))));
    latency_fields(&e, &mut rest);
    // cluster mode: how many peers monitor it and how many of them last shared "down"
    if let Some((down, peers)) = crate::cluster::peers_down(e.uri.as_bytes()) {
        rest.push(("cluster_peers", Val::Int(i64::from(peers))));
        rest.push(("cluster_peers_down", Val::Int(i64::from(down))));
    }
    let mut f = list_fields(e);
    let have: Vec<&str> = f.iter().map(|(n, _)| *n).collect();
    f.extend(stats.into_iter().filter(|(n, _)| !have.contains(n)));
    f.extend(rest);
    f
}

/// Replies with a page of `entries` (from `page.offset`, `total` in all), complete or not
/// at all (see [`rpc_page::reply_page`]; `c_fields`: how many of the fields are the C
/// module's).
fn reply_page(
    rpc: &Rpc,
    cmd: &str,
    page: Page,
    entries: Vec<Entry>,
    total: usize,
    fields: fn(Entry) -> Fields,
    c_fields: Option<usize>,
) {
    let rows: Vec<Fields> = entries.into_iter().map(fields).collect();
    rpc_page::reply_page(rpc, cmd, "entries", page, &rows, total, c_fields);
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

/// Where the last page of each listing stopped in this process (see [`table::Resume`]).
static LIST_RESUME: Mutex<Option<Resume>> = Mutex::new(None);
static STATS_RESUME: Mutex<Option<Resume>> = Mutex::new(None);
static LATENCY_RESUME: Mutex<Option<Resume>> = Mutex::new(None);

type PageFn = fn(usize, usize, bool, Option<Resume>) -> (Vec<Entry>, Option<usize>, Option<Resume>);

/// A listing's page: a page that starts where this process's last one of `cmd` stopped
/// continues from there (unless the table changed meanwhile) instead of walking to its
/// offset, and the table is counted only when no limit is given (`c_fields`: see
/// [`reply_page`]).
fn listing(
    rpc: &Rpc,
    cmd: &str,
    resume: &Mutex<Option<Resume>>,
    page_fn: PageFn,
    fields: fn(Entry) -> Fields,
    c_fields: Option<usize>,
) {
    let Some(page) = read_page(rpc, cmd) else {
        return;
    };
    let take = rpc_page::take(rpc, page);
    let from = *resume.lock().unwrap_or_else(|e| e.into_inner());
    let (entries, total, stopped) = page_fn(page.offset, take, page.limit.is_none(), from);
    *resume.lock().unwrap_or_else(|e| e.into_inner()) = stopped;
    let total = total.unwrap_or(page.offset + entries.len());
    reply_page(rpc, cmd, page, entries, total, fields, c_fields);
}

/// `keepalive.list [offset [limit]]`: one entry per registration (the C module's fields,
/// `state_name` and `last_code`), all of them or a page; a whole table that one reply
/// carries only without `state_name` and `last_code` goes without them.
pub fn list(rpc: &Rpc) {
    listing(
        rpc,
        "keepalive.list",
        &LIST_RESUME,
        table::list_page,
        list_fields,
        Some(C_LIST_FIELDS),
    );
}

/// `keepalive.stats [offset [limit]]`: the probing figures and latency statistics, one entry
/// per destination; a whole table that one reply carries only without the latency statistics
/// and attributes goes without them.
pub fn stats(rpc: &Rpc) {
    listing(
        rpc,
        "keepalive.stats",
        &STATS_RESUME,
        table::dest_page,
        stats_fields,
        Some(STATS_BASE_FIELDS),
    );
}

/// Reads and checks an attribute string parameter (a fault if it is bad).
fn attrs_param(rpc: &Rpc, text: &[u8]) -> Option<crate::attrs::Patch> {
    match crate::attrs::parse_checked(text) {
        Ok(p) => Some(p),
        Err(e) => {
            log::error!("RPC: {e}");
            rpc.fault(400, &e.to_string());
            None
        }
    }
}

/// `keepalive.latency [offset [limit]]`: the latency and outcome statistics, one entry per
/// destination.
pub fn latency(rpc: &Rpc) {
    listing(
        rpc,
        "keepalive.latency",
        &LATENCY_RESUME,
        table::dest_page,
        latency_entry,
        None,
    );
}

/// `keepalive.add sip_uri listname [attrs]`.
pub fn add(rpc: &Rpc) {
    let Some((uri, owner)) = uri_owner(rpc) else {
        return;
    };
    let text = rpc.next_str().filter(|t| !t.is_empty());
    let patch = match &text {
        Some(text) => match attrs_param(rpc, text) {
            Some(p) => Some(p),
            None => return,
        },
        None => None,
    };
    match table::add(
        &uri,
        &owner,
        None,
        kamailio::ka_api::ForeignCallbacks::NONE,
        false,
        patch.as_ref(),
    ) {
        Ok(()) => {
            match &text {
                Some(t) => crate::cluster::replicate_attrs(&uri, &owner, t),
                None => crate::cluster::replicate(true, &uri, &owner),
            }
            rpc.add_str("Ok. Destination added.")
        }
        Err(e) => fault(rpc, &e),
    }
}

/// `keepalive.set sip_uri attrs`: merges the attributes into the destination's; replies
/// with its attributes now.
pub fn set(rpc: &Rpc) {
    let (Some(uri), Some(text)) = (rpc.next_str(), rpc.next_str()) else {
        log::error!("RPC: keepalive.set expects two parameters: sip_uri attrs");
        rpc.fault(400, "Expected parameters: sip_uri attrs");
        return;
    };
    let Some(patch) = attrs_param(rpc, &text) else {
        return;
    };
    match table::set_attrs(&uri, &patch) {
        Ok(now) => {
            crate::cluster::replicate_attrs(&uri, b"", &text);
            rpc.add_str(&now)
        }
        Err(e) => fault(rpc, &e),
    }
}

/// `keepalive.ping_active [0|1]`: shows, pauses (0) or resumes (1) all probing; replies
/// with the setting now and before.
pub fn ping_active(rpc: &Rpc) {
    let before = crate::prober::active();
    let now = match rpc.next_int() {
        None => before,
        Some(Ok(v @ (0 | 1))) => {
            crate::prober::set_active(v == 1);
            log::info!("probing {}", if v == 1 { "resumed" } else { "paused" });
            v == 1
        }
        Some(_) => {
            log::error!("RPC: keepalive.ping_active expects 0 or 1");
            rpc.fault(400, "Expected parameter: 0 (pause) or 1 (resume)");
            return;
        }
    };
    let rows = vec![vec![
        ("ping_active", Val::Int(i64::from(now))),
        ("previous", Val::Int(i64::from(before))),
    ]];
    add_entries(rpc, &rows);
}

/// `keepalive.stats_reset [sip_uri]`: clears the latency and outcome statistics of one
/// destination or all.
pub fn stats_reset(rpc: &Rpc) {
    let uri = rpc.next_str().filter(|u| !u.is_empty());
    match table::reset_stats(uri.as_deref()) {
        Ok(n) => rpc.add_str(&format!("Ok. Statistics of {n} destination(s) reset.")),
        Err(e) => fault(rpc, &e),
    }
}

pub fn del(rpc: &Rpc) {
    let Some((uri, owner)) = uri_owner(rpc) else {
        return;
    };
    match table::del(&uri, &owner) {
        Ok(()) => {
            crate::cluster::replicate(false, &uri, &owner);
            rpc.add_str("Ok. Destination removed.")
        }
        Err(e) => fault(rpc, &e),
    }
}

pub fn get(rpc: &Rpc) {
    let Some((uri, owner)) = uri_owner(rpc) else {
        return;
    };
    match table::get(&uri, &owner) {
        Ok(e) => add_entries(rpc, &[full_fields(e)]),
        Err(e) => fault(rpc, &e),
    }
}

pub fn flush(rpc: &Rpc) {
    let n = table::flush();
    log::info!("flushed {n} destinations");
    rpc.add_str("Ok. Destination list flushed.");
}
