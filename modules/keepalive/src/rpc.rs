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

fn add_entry(rpc: &Rpc, e: &Entry) {
    let Some(st) = rpc.add_struct() else { return };
    let d = &e.dest;
    st.str("uri", &e.uri)
        .str("owner", &e.owner)
        .str("last checked", &ctime(d.last_checked))
        .str("last up", &ctime(d.last_up))
        .str("last down", &ctime(d.last_down))
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

pub fn list(rpc: &Rpc) {
    match table::snapshot(None) {
        Ok(all) => all.iter().for_each(|e| add_entry(rpc, e)),
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
        Ok(all) => all.iter().for_each(|e| add_entry(rpc, e)),
        Err(e) => fault(rpc, &e),
    }
}

pub fn flush(rpc: &Rpc) {
    let n = table::flush();
    log::info!("flushed {n} destinations");
    rpc.add_str("Ok. Destination list flushed.");
}
