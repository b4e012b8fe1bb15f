//! The largest `keepalive.list` each RPC transport answers in one reply (no parameters: the
//! whole table), C and ours, with default ctl, jsonrpcs, xmlrpc and pkg (8 MB) settings:
//! binrpc read by a client without kamcmd's 128 KiB limit, kamcmd, jsonrpcs datagram, FIFO
//! and HTTP, xmlrpc. The table grows in steps; at each step every transport is asked once
//! and the answer classified: complete (every entry), an error (code), cut or lost.

use std::time::Duration;

use crate::common::binrpc;
use crate::common::cfg::{self, RPC_TRANSPORT_ROUTES};
use crate::common::{port, Config, Kamailio, SipTcp};
use crate::report::Results;
use crate::rpc_clients::{json_http, xmlrpc, JsonFifo, JsonUdp};
use crate::side::Side;

/// `ka_add_destination` for gateways X-From up to X-N, and the RPC transports' routes.
fn routes() -> String {
    format!("{REQUEST_ROUTE}{RPC_TRANSPORT_ROUTES}")
}

const REQUEST_ROUTE: &str = r#"
request_route {
    $var(n) = $(hdr(X-N){s.int}); $var(i) = $(hdr(X-From){s.int});
    while ($var(i) < $var(n)) { ka_add_destination("sip:gw$var(i)@127.0.0.1:5099", "replies"); $var(i) = $var(i) + 1; }
    sl_send_reply("200", "OK");
    exit;
}
"#;

/// Table sizes tried, in order.
const STEPS: &[usize] = &[
    100, 150, 250, 300, 400, 500, 600, 700, 800, 1000, 1500, 2000, 3000, 5000, 6000, 7000, 8000,
    10000, 15000, 20000,
];

/// What one transport answered at one size.
#[derive(Clone, Debug, PartialEq)]
enum Got {
    Complete,
    Error(String),
    Lost(String),
}

impl Got {
    fn short(&self) -> String {
        match self {
            Got::Complete => "complete".into(),
            Got::Error(e) => format!("error {e}"),
            Got::Lost(e) => format!("lost: {e}"),
        }
    }
}

fn classify_json(r: Result<serde_json::Value, String>, n: usize) -> Got {
    match r {
        // an HTTP error status (jsonrpcs gives the RPC error's code)
        Err(e) if e.starts_with("HTTP/1.1 ") => Got::Error(e[9..12].to_string()),
        Err(e) => Got::Lost(e.chars().take(60).collect()),
        Ok(v) => {
            if let Some(e) = v.get("error") {
                return Got::Error(e["code"].to_string());
            }
            let got = match &v["result"] {
                serde_json::Value::Array(a) => a.len(),
                serde_json::Value::Object(_) => 1,
                _ => 0,
            };
            if got == n {
                Got::Complete
            } else {
                Got::Lost(format!("{got} of {n} entries"))
            }
        }
    }
}

fn ask(k: &Kamailio, jport: u16, n: usize) -> Vec<(&'static str, Got)> {
    let t = Duration::from_secs(20);
    let mut out = Vec::new();
    let b = match binrpc::call(&k.ctl, "keepalive.list", &[], t) {
        Ok(Ok(v)) if v.len() == n && v.iter().all(|e| e.get("uri").is_some()) => Got::Complete,
        Ok(Ok(v)) => Got::Lost(format!("{} of {n} entries", v.len())),
        Ok(Err((code, _))) => Got::Error(code.to_string()),
        Err(e) => Got::Lost(e.chars().take(60).collect()),
    };
    out.push(("binrpc (ctl, unix socket)", b));
    let kc = match k.rpc(&["keepalive.list"]) {
        Ok(o) if o.lines().filter(|l| l.trim().starts_with("uri: ")).count() == n => Got::Complete,
        Ok(o) => Got::Lost(format!(
            "{} of {n} entries",
            o.lines().filter(|l| l.trim().starts_with("uri: ")).count()
        )),
        Err(e) if e.starts_with("error: ") => Got::Error(e[7..10].to_string()),
        Err(e) => Got::Lost(e.trim().chars().take(60).collect()),
    };
    out.push(("kamcmd", kc));
    let mut udp = JsonUdp::new(jport, Duration::from_secs(5));
    out.push((
        "JSON-RPC datagram",
        classify_json(udp.call("keepalive.list", &[]), n),
    ));
    let mut fifo = JsonFifo::new(&k.dir.path().join("jsonrpc.fifo"), k.dir.path());
    out.push((
        "JSON-RPC FIFO",
        classify_json(fifo.call("keepalive.list", &[]), n),
    ));
    out.push((
        "JSON-RPC HTTP",
        classify_json(json_http(k.addr(), "/jsonrpc", "keepalive.list", &[]), n),
    ));
    let x = match xmlrpc(k.addr(), "/RPC2", "keepalive.list", &[]) {
        Ok(x) if x.contains("<fault>") => Got::Error(
            x.split("<int>")
                .nth(1)
                .and_then(|s| s.split('<').next())
                .unwrap_or("?")
                .to_string(),
        ),
        Ok(x) if x.matches("<name>uri</name>").count() == n => Got::Complete,
        Ok(x) => Got::Lost(format!(
            "{} of {n} entries",
            x.matches("<name>uri</name>").count()
        )),
        Err(e) => Got::Lost(e.chars().take(60).collect()),
    };
    out.push(("xmlrpc (HTTP)", x));
    out
}

/// One side: grows the table through the steps and asks every transport at each.
fn run_side(side: Side) -> Vec<(&'static str, Vec<(usize, Got)>)> {
    let jport = port();
    let modules = format!(
        "{}{}{}modparam(\"keepalive\", \"ping_interval\", 3600)\n",
        cfg::load(&["tm", "sl", "pv", "textops"]),
        cfg::rpc_transports(jport),
        side.module("keepalive"),
    );
    let k = Kamailio::builder(
        &format!("bench-replies-{}", side.name()),
        Config {
            globals: "max_while_loops=100000",
            modules: &modules,
            routes: &routes(),
        },
    )
    .shm_mb(256)
    .start();
    let mut c = SipTcp::connect(k.addr());
    let mut have = 0;
    let mut per: Vec<(&'static str, Vec<(usize, Got)>)> = Vec::new();
    for &n in STEPS {
        let (from, to) = (have.to_string(), n.to_string());
        c.request("add", &[("X-From", &from), ("X-N", &to)]);
        have = n;
        for (name, got) in ask(&k, jport, n) {
            eprintln!("  {} {n}: {name}: {}", side.name(), got.short());
            match per.iter_mut().find(|(t, _)| *t == name) {
                Some((_, v)) => v.push((n, got)),
                None => per.push((name, vec![(n, got)])),
            }
        }
        if per
            .iter()
            .all(|(_, v)| v.last().is_some_and(|(_, g)| *g != Got::Complete))
        {
            break;
        }
    }
    per
}

/// The largest size answered complete, and what the next size got.
fn summary(v: &[(usize, Got)]) -> String {
    let best = v
        .iter()
        .filter(|(_, g)| *g == Got::Complete)
        .map(|(n, _)| *n)
        .max();
    let after = v
        .iter()
        .find(|(n, g)| *g != Got::Complete && best.is_none_or(|b| *n > b));
    let best = best.map_or("none".into(), |b| b.to_string());
    match after {
        Some((n, g)) => format!("{best} (at {n}: {})", g.short()),
        None => format!("{best} (every size tried)"),
    }
}

pub fn run(res: &mut Results) {
    // Kamailio's default pkg manager (the other workloads take TLSF), as a user runs it
    let pkg = std::env::var_os("KRS_PKG_MANAGER");
    std::env::remove_var("KRS_PKG_MANAGER");
    let c = run_side(Side::C);
    let ours = run_side(Side::Ours);
    if let Some(m) = pkg {
        std::env::set_var("KRS_PKG_MANAGER", m);
    }
    res.note(
        "largest keepalive.list answered complete in one reply, default settings (-M 8):".into(),
    );
    for (name, cv) in &c {
        let ov = ours
            .iter()
            .find(|(n, _)| n == name)
            .map_or("?".into(), |(_, v)| summary(v));
        res.note(format!("  {name}: C {} / ours {ov}", summary(cv)));
    }
}
