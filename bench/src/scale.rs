//! `BENCH_ONLY=scale`: ours with `BENCH_SCALE_N` destinations (default 1,000,000) pinged
//! every 30 s (stateless) against a local UAS that answers every ping: shm per destination,
//! CPU per 1,000 pings, share of destinations pinged in one interval, ka_is_alive cost,
//! `keepalive.stats` paging time, shm after `keepalive.flush`; then the C module with the
//! same configuration and the time ours took: how many destinations it added and pinged.

use std::time::{Duration, Instant};

use crate::common::binrpc;
use crate::common::uas::{Answer, Uas};
use crate::common::{port, Config, Kamailio, SipTcp};
use crate::cpu;
use crate::keepalive_load::{lookups, routes, JsonRpc};
use crate::report::Results;
use crate::side::Side;
use crate::Plan;

const INTERVAL_S: u64 = 30;

fn start(side: Side, rpc_port: u16, uas_port: u16, n: u32) -> Kamailio {
    let modules = format!(
        "loadmodule \"jsonrpcs.so\"\nmodparam(\"jsonrpcs\", \"transport\", 4)\n\
         modparam(\"jsonrpcs\", \"dgram_socket\", \"udp:127.0.0.1:{rpc_port}\")\n\
         loadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"textops.so\"\n{}\
         modparam(\"keepalive\", \"ping_interval\", {INTERVAL_S})\n{}",
        side.module("keepalive"),
        if side == Side::Ours {
            "modparam(\"keepalive\", \"max_destinations\", 0)\n"
        } else {
            ""
        }
    );
    // ~150 B per destination and the slot array, with room for replies in flight
    let shm_mb = (u64::from(n) * 400 / (1 << 20) + 256) as u32;
    Kamailio::builder(
        &format!("bench-scale-{}", side.name()),
        Config {
            // receivers for 33,000 replies/s, socket buffers as large as the kernel allows
            globals: "debug=1\nmax_while_loops=100000000\nchildren=4\nmaxbuffer=8388608",
            modules: &modules,
            routes: &routes(side, uas_port),
        },
    )
    .shm_mb(shm_mb)
    .start()
}

/// Adds destinations `sip:d<i>@127.0.0.1:<p>` in cfg loops of 10,000 until `n` or
/// `deadline`; how many were added.
fn add(c: &mut SipTcp, n: u32, p: &str, deadline: Instant) -> u32 {
    let mut have = 0;
    while have < n && Instant::now() < deadline {
        let to = (have + 10_000).min(n);
        let r = c.request(
            "add",
            &[
                ("X-N", &to.to_string()),
                ("X-From", &have.to_string()),
                ("X-P", p),
            ],
        );
        have += r.int("X-OK") as u32;
        if r.int("X-OK") == 0 {
            break;
        }
    }
    have
}

/// Pages through a listing 100 entries at a time from offset 0 (`page(offset)`: how many
/// entries that page had) until a short page: the entries and the seconds it took.
fn page_all(mut page: impl FnMut(&str) -> usize) -> (usize, f64) {
    let t = Instant::now();
    let mut n = 0;
    loop {
        let got = page(&n.to_string());
        n += got;
        if got < 100 {
            return (n, t.elapsed().as_secs_f64());
        }
    }
}

pub fn run(plan: &Plan, res: &mut Results) {
    let n: u32 = std::env::var("BENCH_SCALE_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let uas = Uas::start(port(), Answer::Code(200));
    uas.count_only();
    let p = uas.port().to_string();
    let rpc_port = port();
    let started = Instant::now();
    let k = start(Side::Ours, rpc_port, uas.port(), n);
    let mut rpc = JsonRpc::new(rpc_port);
    let mut c = SipTcp::connect(k.addr());
    c.stream
        .set_read_timeout(Some(Duration::from_secs(600)))
        .unwrap();
    let shm0 = rpc.number("core.shmmem", "used");
    let t = Instant::now();
    let added = add(&mut c, n, &p, Instant::now() + Duration::from_secs(1800));
    let add_s = t.elapsed().as_secs_f64();
    let shm1 = rpc.number("core.shmmem", "used");
    let mut lines = vec![format!(
        "ours: {added} destinations added in {add_s:.1} s (cfg loop); shm {:.0} bytes/destination",
        shm1.saturating_sub(shm0) as f64 / f64::from(added.max(1))
    )];
    // the first interval spreads the first pings; then one whole interval is measured
    std::thread::sleep(Duration::from_secs(INTERVAL_S + 2));
    let pings0 = uas.count();
    let (ns, _) = cpu::measure(k.pid(), || {
        std::thread::sleep(Duration::from_secs(INTERVAL_S))
    });
    let pings = uas.count() - pings0;
    lines.push(format!(
        "ours: {pings} pings answered in one {INTERVAL_S} s interval ({:.0}/s): {:.3} of the \
         destinations; CPU {:.2} ms per 1,000 pings (all Kamailio processes)",
        pings as f64 / INTERVAL_S as f64,
        pings as f64 / f64::from(added.max(1)),
        ns as f64 / 1e6 * 1000.0 / pings.max(1) as f64
    ));
    // per-destination coverage and paging: every destination's ping count, one page after
    // another
    let mut pinged_twice = 0usize;
    let (entries, stats_s) = page_all(|off| {
        let r = rpc.call("keepalive.stats", &[off, "100"]);
        // every destination has had two whole intervals by now
        pinged_twice += r
            .split("\"pings\":")
            .skip(1)
            .filter_map(|t| {
                t.trim_start()
                    .split(|c: char| !c.is_ascii_digit())
                    .next()?
                    .parse::<u64>()
                    .ok()
            })
            .filter(|&p| p >= 2)
            .count();
        r.matches("\"uri\"").count()
    });
    lines.push(format!(
        "ours: keepalive.stats paged through {entries} destinations (100 per page, JSON-RPC \
         over UDP) in {stats_s:.1} s; {:.4} of them pinged at least twice (two intervals)",
        pinged_twice as f64 / entries.max(1) as f64
    ));
    // the same walk with fewer fields, and over binrpc: a page costs what its transport
    // spends per field (jsonrpcs builds and prints a JSON node for each)
    let (listed, s) = page_all(|off| {
        rpc.call("keepalive.list", &[off, "100"])
            .matches("\"uri\"")
            .count()
    });
    lines.push(format!(
        "ours: keepalive.list paged through {listed} entries (100 per page, JSON-RPC over UDP) \
         in {s:.1} s"
    ));
    let (binrpc_n, s) = page_all(|off| {
        match binrpc::call(
            &k.ctl,
            "keepalive.stats",
            &[off, "100"],
            Duration::from_secs(30),
        ) {
            Ok(Ok(v)) => v.len(),
            other => {
                eprintln!("keepalive.stats {off} 100 over binrpc: {other:?}");
                0
            }
        }
    });
    lines.push(format!(
        "ours: keepalive.stats paged through {binrpc_n} destinations (100 per page, binrpc \
         over ctl's unix socket) in {s:.1} s"
    ));
    // a new connection: the paging may outlast the idle one's tcp_connection_lifetime
    let mut c = SipTcp::connect(k.addr());
    c.stream
        .set_read_timeout(Some(Duration::from_secs(600)))
        .unwrap();
    lookups(&k, &mut c, Side::Ours, plan, added, &p, res);
    let t = Instant::now();
    rpc.call("keepalive.flush", &[]);
    std::thread::sleep(Duration::from_secs(2));
    let shm2 = rpc.number("core.shmmem", "used");
    lines.push(format!(
        "ours: keepalive.flush took {:.1} s; shm after it {:.1} MB above the empty table \
         ({:.1} MB with the table full)",
        t.elapsed().as_secs_f64(),
        shm2.saturating_sub(shm0) as f64 / 1e6,
        shm1.saturating_sub(shm0) as f64 / 1e6
    ));
    let ours_s = started.elapsed();
    drop(k);

    // the C module, the same time
    let uas_c = Uas::start(port(), Answer::Code(200));
    uas_c.count_only();
    let pc = uas_c.port().to_string();
    let rpc_port = port();
    let started = Instant::now();
    let k = start(Side::C, rpc_port, uas_c.port(), n);
    let mut c = SipTcp::connect(k.addr());
    c.stream
        .set_read_timeout(Some(Duration::from_secs(600)))
        .unwrap();
    let t = Instant::now();
    let added_c = add(&mut c, n, &pc, started + ours_s / 2);
    let add_c = t.elapsed().as_secs_f64();
    let left = ours_s.saturating_sub(started.elapsed());
    let pings0 = uas_c.count();
    let window = left.min(Duration::from_secs(INTERVAL_S));
    std::thread::sleep(window);
    let pings_c = uas_c.count() - pings0;
    lines.push(format!(
        "C: {added_c} destinations added in {add_c:.1} s (of {n}); then {pings_c} pings \
         answered in {:.0} s ({:.0}/s; {:.3} of its destinations per {INTERVAL_S} s)",
        window.as_secs_f64(),
        pings_c as f64 / window.as_secs_f64().max(1.0),
        pings_c as f64 / window.as_secs_f64().max(1.0) * INTERVAL_S as f64
            / f64::from(added_c.max(1))
    ));
    for l in lines {
        res.note(l);
    }
}
