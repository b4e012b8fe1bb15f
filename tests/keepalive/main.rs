//! keepalive against a real Kamailio, one test binary with a submodule per concern; this file
//! holds their shared set-up: the modules and routes most tests load, cfg-function and state
//! helpers, and the RPC transports' configs and reply readers.

mod api;
mod attrs;
mod concurrency;
mod lists;
mod lookup;
mod probing;
mod rpc;
mod stateless;

use kit as common;

use common::binrpc;
use common::cfg::{self, KEEPALIVE_EVENTS, KEEPALIVE_MODULES, RPC_TRANSPORT_ROUTES};
use common::rpc_clients;
use common::uas::{Answer, Uas};
use common::{port, wait_until, Config, Kamailio, SipTcp};
use rpc_clients::{json_http, xmlrpc, JsonFifo, JsonUdp};
use std::time::{Duration, Instant};

/// The kit's keepalive modules, with xlog for the event routes.
fn modules() -> String {
    format!("{KEEPALIVE_MODULES}{}", cfg::load(&["xlog"]))
}

/// Runs one keepalive function chosen by the request user; reports `$rc` in X-RC.
const REQUEST_ROUTE: &str = r#"
request_route {
    $var(rc) = 0;
    switch ($rU) {
    case "alive": ka_is_alive("$hdr(X-Dest)"); $var(rc) = $rc; break;
    case "isalive": is_alive("$hdr(X-Dest)"); $var(rc) = $rc; break;
    case "add": ka_add_destination("$hdr(X-Dest)", "$hdr(X-Owner)"); $var(rc) = $rc; break;
    case "del": ka_del_destination("$hdr(X-Dest)", "$hdr(X-Owner)"); $var(rc) = $rc; break;
    }
    append_to_reply("X-RC: $var(rc)\r\n");
    sl_send_reply("200", "OK");
    exit;
}
"#;

/// `REQUEST_ROUTE` and keepalive's events.
fn routes() -> String {
    format!("{REQUEST_ROUTE}{KEEPALIVE_EVENTS}")
}

fn start(tag: &str, globals: &str, modparams: &str) -> Kamailio {
    Kamailio::start_cfg(
        tag,
        globals,
        &format!("{}\n{modparams}", modules()),
        &routes(),
    )
}

fn rc(c: &mut SipTcp, op: &str, dest: &str, owner: &str) -> i64 {
    c.request(op, &[("X-Dest", dest), ("X-Owner", owner)])
        .int("X-RC")
}

/// Polls ka_is_alive until it returns `want` (true) or `secs` pass (false).
fn wait_alive(c: &mut SipTcp, dest: &str, want: i64, secs: u64) -> bool {
    wait_until(Duration::from_secs(secs), || {
        rc(c, "alive", dest, "") == want
    })
}

/// Polls `keepalive.get` until the destination's state is `want` (true) or `secs` pass.
fn wait_state(k: &Kamailio, uri: &str, owner: &str, want: &str, secs: u64) -> bool {
    wait_until(Duration::from_secs(secs), || {
        k.rpc(&["keepalive.get", uri, owner])
            .is_ok_and(|out| field(&out, uri, "state").as_deref() == Some(want))
    })
}

/// The value of `field` in the first struct of a kamcmd reply that has `uri: <uri>`.
fn field(rpc_out: &str, uri: &str, field: &str) -> Option<String> {
    rpc_out
        .split('{')
        .find(|b| b.lines().any(|l| l.trim() == format!("uri: {uri}")))
        .and_then(|b| {
            b.lines().find_map(|l| {
                l.trim()
                    .strip_prefix(&format!("{field}: "))
                    .map(str::to_string)
            })
        })
}

/// The RPC transports of the kit's `rpc_transports`, next to the usual modules.
fn rpc_modules(jport: u16, extra: &str) -> String {
    format!("{}{}\n{extra}\n", cfg::rpc_transports(jport), modules())
}

fn start_rpc(tag: &str, globals: &str, jport: u16, extra: &str) -> Kamailio {
    let modules = rpc_modules(jport, extra);
    let routes = format!("{}\n{RPC_TRANSPORT_ROUTES}", routes());
    Kamailio::start(
        tag,
        Config {
            globals,
            modules: &modules,
            routes: &routes,
        },
    )
}

/// The `uri` of every entry of a JSON-RPC `result`, which must be an array.
fn json_uris(reply: &serde_json::Value) -> Vec<String> {
    let r = reply
        .get("result")
        .unwrap_or_else(|| panic!("no result: {reply}"));
    r.as_array()
        .unwrap_or_else(|| panic!("result is not an array: {reply}"))
        .iter()
        .map(|e| {
            e.get("uri")
                .and_then(|u| u.as_str())
                .unwrap_or_else(|| panic!("entry without uri: {e}"))
                .to_string()
        })
        .collect()
}

/// The `uri:` values of a kamcmd reply.
fn kamcmd_uris(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.trim().strip_prefix("uri: ").map(str::to_string))
        .collect()
}

/// A JSON-RPC 2.0 success reply whose result is the string `want` (and no error).
fn assert_json_ok(r: &serde_json::Value, want: &str) {
    assert_eq!(
        r.get("jsonrpc").and_then(|v| v.as_str()),
        Some("2.0"),
        "{r}"
    );
    assert_eq!(r.get("error"), None, "{r}");
    assert_eq!(r.get("result").and_then(|v| v.as_str()), Some(want), "{r}");
}

/// Adds `n` destinations `sip:d<i>@127.0.0.<...>:<port>` over JSON-RPC; returns their URIs.
fn add_many(rpc: &mut JsonUdp, n: usize, owner: &str) -> Vec<String> {
    add_range(rpc, 0..n, owner)
}

/// Adds the destinations `sip:d<i>@...` of `add_many` for each `i` in `range`.
fn add_range(rpc: &mut JsonUdp, range: std::ops::Range<usize>, owner: &str) -> Vec<String> {
    range
        .map(|i| {
            let d = format!("sip:d{i}@127.0.{}.{}:5099", 1 + i / 250, 1 + i % 250);
            let r = rpc.call("keepalive.add", &[&d, owner]).unwrap();
            assert!(r.get("result").is_some(), "add {d}: {r}");
            d
        })
        .collect()
}

/// Pages through `cmd` with `call(offset, limit)` -> entries' URIs; every page but the last
/// is full.
fn page_all(mut call: impl FnMut(usize, usize) -> Vec<String>) -> Vec<String> {
    let mut all = Vec::new();
    loop {
        let page = call(all.len(), 100);
        assert!(page.len() <= 100);
        let last = page.len() < 100;
        all.extend(page);
        if last {
            return all;
        }
    }
}

fn start_rpc_mem(
    tag: &str,
    globals: &str,
    jport: u16,
    extra: &str,
    shm_mb: u32,
    pkg_mb: u32,
) -> Kamailio {
    let modules = rpc_modules(jport, extra);
    let routes = format!("{}\n{RPC_TRANSPORT_ROUTES}", routes());
    Kamailio::builder(
        tag,
        Config {
            globals,
            modules: &modules,
            routes: &routes,
        },
    )
    .shm_mb(shm_mb)
    .pkg_mb(pkg_mb)
    .start()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// The `uri` of every top-level struct of a binrpc reply (`Err`: a fault or no reply).
fn binrpc_uris(k: &Kamailio, cmd: &str, params: &[&str]) -> Result<Vec<String>, String> {
    match binrpc::call(&k.ctl, cmd, params, Duration::from_secs(30))? {
        Ok(values) => Ok(values
            .iter()
            .map(|v| {
                v.get("uri")
                    .and_then(|u| u.str())
                    .unwrap_or_else(|| panic!("{cmd}: entry without uri: {v:?}"))
                    .to_string()
            })
            .collect()),
        Err((code, msg)) => Err(format!("{code} {msg}")),
    }
}
