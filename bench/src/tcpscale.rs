//! tcpscale (`BENCH_ONLY=tcpscale`): tcpops with many concurrent TCP connections to one
//! Kamailio, C and ours side by side, at growing sizes so that each figure's growth shows:
//! shm per connection (keepalive enabled on each), the cost of the cfg calls at that size,
//! and (ours: the C module has no RPC) paging `tcpops.list` over JSON-RPC 50 at a time, from
//! a cursor and by offset, with the longest `TCPCONN_LOCK` hold of a call.
//!
//! Ours runs with a TCP profile that matches its holders' addresses (127.0.2.0/24, the
//! keepalive settings the holders' request asks for): the bench checks from
//! `tcpops.profiles` that it was applied to every connection, and reports the wall time of
//! making a connection and its first request on both sides (the profile is applied then).
//!
//! The client sockets are held by child processes (this binary again, `KRS_TCPSCALE_HOLD`),
//! 5,000 each from addresses of their own on 127.0.0.0/8: one process may open 20,000 files
//! here, and each source address has its own ephemeral ports.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Config, Kamailio, SipTcp};
use crate::cpu;
use crate::report::{Results, Target};
use crate::rpc_clients::JsonUdp;
use crate::side::Side;
use crate::tcpops_load::{counted_loop, repeated, UNROLL};
use crate::Plan;

/// Connections per holder process.
const PER_HOLDER: usize = 5_000;
/// Entries per `tcpops.list` page.
const PAGE: usize = 50;

/// Runs the loop chosen by the request user (`ka`: enables keepalive once); reports the
/// count in X-OK.
fn routes() -> String {
    [
        r#"request_route {
    $var(n) = $(hdr(X-N){s.int}); $var(i) = 0; $var(ok) = 0; $var(cid) = $(hdr(X-Cid){s.int});
    $var(want) = 1;
    switch ($rU) {
    case "ka":
        tcp_keepalive_enable("60", "5", "5");
        break;
"#,
        &counted_loop("empty", r#"$var(x) = $var(want);"#),
        &counted_loop(
            "state",
            &repeated(r#"tcp_conid_state("$var(cid)");"#, UNROLL),
        ),
        &counted_loop(
            "alive",
            &repeated(r#"tcp_conid_alive("$var(cid)");"#, UNROLL),
        ),
        &counted_loop(
            "life",
            &repeated(r#"tcp_set_connection_lifetime("3600");"#, UNROLL),
        ),
        &counted_loop(
            "ka3",
            &repeated(r#"tcp_keepalive_enable("60", "5", "5");"#, UNROLL),
        ),
        r#"    }
    append_to_reply("X-OK: $var(ok)\r\nX-Conid: $conid\r\n");
    sl_send_reply("200", "OK");
    exit;
}
"#,
    ]
    .concat()
}

/// The cfg calls timed at each size: (request user, name).
const CALLS: [(&str, &str); 4] = [
    ("state", "tcp_conid_state (oldest conid)"),
    ("alive", "tcp_conid_alive (oldest conid)"),
    ("life", "tcp_set_connection_lifetime"),
    ("ka3", "tcp_keepalive_enable, settings repeated"),
];

/// The holder process: `KRS_TCPSCALE_HOLD=<kamailio addr> <source ip> <count>` connects
/// `count` times from the source address, enables keepalive on each connection with one SIP
/// request (`ka`), prints `ready` and holds them until its stdin closes.
pub fn hold(spec: &str) {
    let mut it = spec.split_whitespace();
    let (Some(to), Some(from), Some(n)) = (it.next(), it.next(), it.next()) else {
        eprintln!("KRS_TCPSCALE_HOLD: <addr> <source ip> <count>");
        std::process::exit(2);
    };
    let to: SocketAddr = to.parse().expect("address");
    let from: SocketAddr = format!("{from}:0").parse().expect("source address");
    let n: usize = n.parse().expect("count");
    let mut conns: Vec<SipTcp> = (0..n).map(|_| SipTcp::connect_from(from, to)).collect();
    for c in &mut conns {
        c.request("ka", &[]);
    }
    println!("ready");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    let _ = std::io::stdin().read_line(&mut line);
}

/// A holder process; its connections close when it is dropped.
struct Holder(Child);

impl Holder {
    fn start(to: SocketAddr, from: &str, n: usize) -> Holder {
        let mut child = Command::new(std::env::current_exe().expect("own binary"))
            .env("KRS_TCPSCALE_HOLD", format!("{to} {from} {n}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start a holder");
        let mut line = String::new();
        let out = child.stdout.take().expect("holder stdout");
        BufReader::new(out).read_line(&mut line).expect("holder");
        assert_eq!(line.trim(), "ready", "holder {from} failed");
        Holder(child)
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
}

/// One side: Kamailio, its JSON-RPC client, the loop connection (the oldest) and holders.
struct Instance {
    side: Side,
    k: Kamailio,
    json: JsonUdp,
    loop_conn: SipTcp,
    cid: String,
    holders: Vec<Holder>,
    /// connections the holders hold
    conns: usize,
    shm_base: u64,
    /// wall time the holders took, and the connections they made
    grow_secs: f64,
    grown: usize,
}

/// Ours: the profile every holder connection gets (127.0.2.x, see `grow`).
const PROFILE: &str =
    "modparam(\"tcpops\", \"profile\", \"name=holders; match=127.0.2.0/24; keepalive=60,5,5\")\n";

impl Instance {
    fn new(side: Side) -> Instance {
        let jport = crate::common::port();
        let modules = format!(
            "loadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"textops.so\"\n\
             loadmodule \"jsonrpcs.so\"\nloadmodule \"cfg_rpc.so\"\n\
             modparam(\"jsonrpcs\", \"transport\", 4)\n\
             modparam(\"jsonrpcs\", \"dgram_socket\", \"udp:127.0.0.1:{jport}\")\n{}{}",
            side.module("tcpops"),
            if side == Side::Ours { PROFILE } else { "" }
        );
        let k = Kamailio::builder(
            &format!("bench-tcpscale-{}", side.name()),
            Config {
                globals: &format!(
                    "debug=1\nmax_while_loops=10000000\ntcp_keepalive=no\ntcp_children=4\n\
                     children=2\ntcp_max_connections=19000\ntcp_connection_lifetime=3600\n{}",
                    crate::common::NO_TCP_IP_LIMIT
                ),
                modules: &modules,
                routes: &routes(),
            },
        )
        .shm_mb(1024)
        .start();
        let mut loop_conn = SipTcp::connect(k.addr());
        loop_conn
            .stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        let cid = loop_conn.request("ka", &[]).int("X-Conid").to_string();
        let shm_base = k.shm_used();
        Instance {
            side,
            json: JsonUdp::new(jport, Duration::from_secs(30)),
            k,
            loop_conn,
            cid,
            holders: Vec::new(),
            conns: 0,
            shm_base,
            grow_secs: 0.0,
            grown: 0,
        }
    }

    /// Grows to `n` connections besides the loop connection.
    fn grow(&mut self, n: usize) {
        let side = match self.side {
            Side::C => 1,
            Side::Ours => 2,
        };
        while self.conns < n {
            let from = format!("127.0.{side}.{}", self.holders.len() + 1);
            let k = PER_HOLDER.min(n - self.conns);
            let t0 = Instant::now();
            self.holders.push(Holder::start(self.k.addr(), &from, k));
            self.grow_secs += t0.elapsed().as_secs_f64();
            self.grown += k;
            self.conns += k;
        }
    }

    /// The connections the holders' profile was applied to (`tcpops.profiles`).
    fn profile_applied(&mut self) -> i64 {
        let v = self
            .json
            .call("tcpops.profiles", &[])
            .expect("tcpops.profiles");
        v["result"]
            .as_array()
            .and_then(|a| a.iter().find(|p| p["name"] == "holders"))
            .and_then(|p| p["connections"].as_i64())
            .unwrap_or_else(|| panic!("tcpops.profiles: {v}"))
    }

    /// CPU ns per call of the loop `op` of `n` iterations (minus the empty loop), median of
    /// 5 ([`UNROLL`] calls an iteration).
    fn per_call(&mut self, op: &str, n: u32) -> Option<f64> {
        let mut diffs = Vec::new();
        for _ in 0..5 {
            let base = self.timed("empty", n)?;
            diffs.push(self.timed(op, n)? as f64 - base as f64);
        }
        diffs.sort_by(f64::total_cmp);
        Some(diffs[2].max(0.0) / f64::from(n * UNROLL))
    }

    fn timed(&mut self, op: &str, n: u32) -> Option<u64> {
        let h = [("X-N", n.to_string()), ("X-Cid", self.cid.clone())];
        let hv: Vec<(&str, &str)> = h.iter().map(|(a, b)| (*a, b.as_str())).collect();
        let c = &mut self.loop_conn;
        let (ns, ok) = cpu::measure_worker(self.k.pid(), || c.request(op, &hv).int("X-OK"));
        (ok == i64::from(n)).then_some(ns)
    }

    /// Pages through every connection 50 at a time: from a cursor, or by offset. Returns the
    /// seconds it took, the number of connections seen and how many of them show the
    /// keepalive settings tcpops applied (`keepalive_source: tcpops`, or `profile` where
    /// they are the profile's: remembered, so that repeating them costs no socket call).
    fn page_all(&mut self, cursor: bool) -> (f64, usize, usize) {
        let t0 = Instant::now();
        let (mut seen, mut after, mut known) = (0usize, 0i64, 0usize);
        loop {
            let (off, lim, aft) = (seen.to_string(), PAGE.to_string(), after.to_string());
            let params: Vec<&str> = if cursor {
                vec!["0", &lim, &aft]
            } else {
                vec![&off, &lim]
            };
            let v = self.json.call("tcpops.list", &params).expect("tcpops.list");
            let page = v["result"]
                .as_array()
                .unwrap_or_else(|| panic!("tcpops.list: {v}"));
            seen += page.len();
            known += page
                .iter()
                .filter(|e| e["keepalive_source"] == "tcpops" || e["keepalive_source"] == "profile")
                .count();
            // a module without cursors answers the first page again
            if cursor && page.first().and_then(|e| e["conid"].as_i64()) <= Some(after) {
                break;
            }
            if page.len() < PAGE {
                break;
            }
            after = page[PAGE - 1]["conid"].as_i64().expect("conid");
        }
        (t0.elapsed().as_secs_f64(), seen, known)
    }

    /// The `TCPCONN_LOCK` holds (µs) of the `tcpops.list` calls while paging (cursor or
    /// offset): the longest of each call, from the module's debug log line, sorted.
    fn lock_holds(&mut self, cursor: bool) -> Vec<f64> {
        let set = |k: &Kamailio, level: &str| {
            k.rpc(&["cfg.seti", "core", "debug", level])
                .expect("cfg.seti");
        };
        let before = self.k.log_text().len();
        set(&self.k, "3");
        self.page_all(cursor);
        set(&self.k, "1");
        let log = self.k.log_text();
        let mut v: Vec<f64> = log
            .get(before..)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("TCPCONN_LOCK held"))
            .filter_map(|l| {
                let v = l.rsplit("longest ").next()?;
                v.trim_end_matches(" us").trim().parse::<f64>().ok()
            })
            .collect();
        v.sort_by(f64::total_cmp);
        v
    }
}

pub fn run(plan: &Plan, res: &mut Results) {
    let sizes: &[usize] = if plan.quick {
        &[1_000, 5_000]
    } else {
        &[1_000, 5_000, 15_000]
    };
    let n = plan.loop_n / UNROLL;
    let mut both = [Instance::new(Side::C), Instance::new(Side::Ours)];
    for &size in sizes {
        for inst in both.iter_mut() {
            eprintln!("tcpscale: {} at {size} connections", inst.side.name());
            inst.grow(size);
            let used = inst.k.shm_used().saturating_sub(inst.shm_base);
            res.add(
                &format!("tcpscale N={size}: shm per connection, keepalive enabled"),
                "bytes",
                Target::None,
                inst.side,
                used as f64 / size as f64,
            );
            res.add(
                &format!("tcpscale N={size}: connect + first request, wall per connection"),
                "µs",
                Target::None,
                inst.side,
                inst.grow_secs * 1e6 / inst.grown.max(1) as f64,
            );
            (inst.grow_secs, inst.grown) = (0.0, 0);
        }
        let applied = both[1].profile_applied();
        res.add(
            &format!("tcpscale N={size}: connections the holders' profile was applied to"),
            "%",
            Target::None,
            Side::Ours,
            100.0 * applied as f64 / size as f64,
        );
        for (op, name) in CALLS {
            for inst in both.iter_mut() {
                match inst.per_call(op, n) {
                    Some(ns) => res.add(
                        &format!("tcpscale N={size}: {name}"),
                        "ns/call",
                        Target::None,
                        inst.side,
                        ns,
                    ),
                    None => res.note(format!(
                        "tcpscale N={size}: {name}: {} side returned other than 1",
                        inst.side.name()
                    )),
                }
            }
        }
        let ours = &mut both[1];
        for (cursor, how) in [(true, "from a cursor"), (false, "by offset")] {
            let (secs, seen, known) = ours.page_all(cursor);
            if !cursor {
                res.add(
                    &format!(
                        "tcpscale N={size}: connections whose keepalive settings tcpops remembers"
                    ),
                    "%",
                    Target::None,
                    Side::Ours,
                    100.0 * known as f64 / seen.max(1) as f64,
                );
            }
            if seen < size {
                res.note(format!(
                    "tcpscale N={size}: paging {how} saw {seen} connections"
                ));
            }
            let pages = seen.div_ceil(PAGE).max(1) as f64;
            res.add(
                &format!("tcpscale N={size}: tcpops.list, all paged 50 at a time {how}"),
                "s",
                Target::None,
                Side::Ours,
                secs,
            );
            res.add(
                &format!("tcpscale N={size}: tcpops.list, one page of 50 {how}"),
                "ms",
                Target::None,
                Side::Ours,
                secs * 1e3 / pages,
            );
            let holds = ours.lock_holds(cursor);
            for (what, v) in [
                ("median", holds.get(holds.len() / 2)),
                ("longest", holds.last()),
            ] {
                res.add(
                    &format!(
                        "tcpscale N={size}: tcpops.list {how}, TCPCONN_LOCK hold per call, {what}"
                    ),
                    "µs",
                    Target::None,
                    Side::Ours,
                    v.copied().unwrap_or(0.0),
                );
            }
        }
    }
}
