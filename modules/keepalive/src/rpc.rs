//! RPC commands `keepalive.list/add/del/get/flush`.

use kamailio::rpc::Rpc;

use crate::config::settings;
use crate::state;
use crate::table::{self, Entry, Error};

fn ctime(t: i64) -> String {
    if t == 0 {
        return "never".into();
    }
    kamailio::timer::ctime(t)
}

/// Adds one entry; false when the transport refuses more (reply size limit).
fn add_entry(rpc: &Rpc, e: &Entry) -> bool {
    let Some(st) = rpc.add_struct() else {
        return false;
    };
    let d = &e.dest;
    st.str("uri", &e.uri)
        .str("owner", &e.owner)
        .str("last checked", &ctime(i64::from(d.last_checked)))
        .str("last up", &ctime(i64::from(d.last_up)))
        .str("last down", &ctime(i64::from(d.last_down)))
        .int("state", i64::from(e.state))
        .str("state_name", state::name(e.state))
        .str("probing", if d.stopped { "stopped" } else { "active" })
        .int("interval", i64::from(d.interval_ms / 1000))
        .int("failures", i64::from(d.streak.fail))
        .int("pings", d.pings as i64)
        .int("replies", d.replies as i64)
        .int("timeouts", d.timeouts as i64)
        .int("last_code", i64::from(d.last_code))
        .int("rtt_last_us", i64::from(d.rtt_last_us))
        .int("rtt_avg_us", i64::from(d.rtt_avg_us));
    true
}

fn add_entries(rpc: &Rpc, all: &[Entry]) {
    for (n, e) in all.iter().enumerate() {
        if !add_entry(rpc, e) {
            log::warn!(
                "RPC reply full after {n} of {} destinations (raise the ctl module's binrpc_max_body_size)",
                all.len()
            );
            return;
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
        _ => 400,
    };
    log::error!("RPC: {e}");
    rpc.fault(code, &e.to_string());
}

/// An optional non-negative integer parameter; `Err` after a fault reply.
fn opt_count(rpc: &Rpc, name: &str) -> Result<Option<usize>, ()> {
    // a parameter that is there but not a number fails the integer scan: read it as text
    let v = rpc.next_int().or_else(|| {
        rpc.next_str()
            .map(|t| String::from_utf8_lossy(&t).trim().parse().map_err(|_| ()))
    });
    match v {
        None => Ok(None),
        Some(v) => match v.ok().and_then(|v| usize::try_from(v).ok()) {
            Some(n) => Ok(Some(n)),
            None => {
                log::error!("RPC keepalive.list: {name} must be a non-negative number");
                rpc.fault(400, &format!("{name} must be a non-negative number"));
                Err(())
            }
        },
    }
}

/// `keepalive.list [offset [limit]]`: all registrations, or a page of them (RPC transports
/// limit the size of one reply: binrpc/kamcmd stops at about 16,000 entries).
pub fn list(rpc: &Rpc) {
    let Ok(offset) = opt_count(rpc, "offset") else {
        return;
    };
    let Ok(limit) = opt_count(rpc, "limit") else {
        return;
    };
    match table::snapshot(None) {
        Ok(all) => {
            let from = offset.unwrap_or(0).min(all.len());
            let to = limit.map_or(all.len(), |l| from.saturating_add(l).min(all.len()));
            add_entries(rpc, &all[from..to]);
        }
        Err(e) => fault(rpc, &e),
    }
}

pub fn add(rpc: &Rpc) {
    let Some((uri, owner)) = uri_owner(rpc) else {
        return;
    };
    let interval = (settings().interval_ms / 1000) as i32;
    match table::add(
        &uri,
        &owner,
        interval,
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
    match table::snapshot(Some((&uri, &owner))) {
        Ok(all) => add_entries(rpc, &all),
        Err(e) => fault(rpc, &e),
    }
}

pub fn flush(rpc: &Rpc) {
    let n = table::flush();
    log::info!("flushed {n} destinations");
    rpc.add_str("Ok. Destination list flushed.");
}
