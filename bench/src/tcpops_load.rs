//! tcpops: per-call cost of each function (a cfg `while` loop calling it N times per request,
//! ten calls an iteration for the cheap ones ([`UNROLL`]), minus the same loop without the
//! call) and SIP over TCP under load with and without tcpops calls in the route. Every loop
//! counts the iterations whose last call returned the expected 1; the loop without the call
//! does the same cfg work (one assignment, one comparison, one increment),
//! so the difference is the call alone (a cfg assignment allocates in pkg and can cost a
//! microsecond on an unlucky heap: it must not be on one side only).

use std::time::Duration;

use crate::common::{Config, Kamailio, SipTcp};
use crate::cpu;
use crate::report::{Results, Target};
use crate::side::Side;
use crate::Plan;

/// A `case` of the request route: a `while` loop running `body` (which sets `$var(x)`) `X-N`
/// times and counting in `$var(ok)` the runs where it is the expected `$var(want)`.
pub fn counted_loop(user: &str, body: &str) -> String {
    format!(
        "    case \"{user}\":\n        while ($var(i) < $var(n)) {{ {body} if ($var(x) == $var(want)) \
         {{ $var(ok) = $var(ok) + 1; }} $var(i) = $var(i) + 1; }}\n        break;\n"
    )
}

/// Calls per loop iteration for a call that costs tens of ns: one iteration's own cfg work
/// (about a microsecond: the comparison, the increment, the assignment) varies between runs
/// by more than such a call, so ten calls an iteration make the calls' share of the loop ten
/// times larger. The calls of an iteration are the same call on the same connection; the
/// last one's `$rc` is counted.
pub const UNROLL: u32 = 10;

/// A loop body: `call` written `times` times, then `$var(x) = $rc;`.
pub fn repeated(call: &str, times: u32) -> String {
    let mut body = call.repeat(times as usize);
    body.push_str(" $var(x) = $rc;");
    body
}

/// A timed call: its request user, metric name and target, the cfg work before it in each
/// iteration (none but for `ka3v`), the call, and how many calls an iteration makes.
struct Op {
    user: &'static str,
    name: &'static str,
    target: Target,
    before: &'static str,
    call: &'static str,
    unroll: u32,
}

/// tcp_get_conid ≤ 0.7; the functions that are one lookup under the core's connection-table
/// lock ≤ 0.8 (bench/callgrind-tcpops.sh counts their instructions: 0.51 to 0.69 of C's)
const OPS: [Op; 8] = [
    Op {
        user: "control",
        name: "control: pv_isset (stock on both sides)",
        target: Target::Control,
        before: "",
        call: r#"pv_isset("$var(cid)");"#,
        unroll: UNROLL,
    },
    Op {
        user: "state",
        name: "tcp_conid_state",
        target: Target::RatioAtMost(0.8),
        before: "",
        call: r#"tcp_conid_state("$var(cid)");"#,
        unroll: UNROLL,
    },
    Op {
        user: "alive",
        name: "tcp_conid_alive",
        target: Target::RatioAtMost(0.8),
        before: "",
        call: r#"tcp_conid_alive("$var(cid)");"#,
        unroll: UNROLL,
    },
    Op {
        user: "ka3",
        name: "tcp_keepalive_enable (3 params)",
        target: Target::RatioAtMost(0.7),
        before: "",
        call: r#"tcp_keepalive_enable("60", "5", "5");"#,
        unroll: UNROLL,
    },
    Op {
        user: "ka3v",
        name: "tcp_keepalive_enable (3 params, other values each call)",
        target: Target::None,
        before: "$var(idle) = 60 + ($var(i) mod 2);",
        call: r#"tcp_keepalive_enable("$var(idle)", "5", "5");"#,
        unroll: 1,
    },
    Op {
        user: "ka4",
        name: "tcp_keepalive_enable (4 params, other process's conid)",
        target: Target::RatioAtMost(0.7),
        before: "",
        call: r#"tcp_keepalive_enable("$var(other)", "60", "5", "5");"#,
        unroll: 1,
    },
    Op {
        user: "life",
        name: "tcp_set_connection_lifetime",
        target: Target::RatioAtMost(0.8),
        before: "",
        call: r#"tcp_set_connection_lifetime("3600");"#,
        unroll: UNROLL,
    },
    Op {
        user: "getc",
        name: "tcp_get_conid",
        target: Target::RatioAtMost(0.7),
        before: "",
        call: r#"tcp_get_conid("$var(addr)", "$var(out)");"#,
        unroll: UNROLL,
    },
];

/// Runs the loop (or the call) chosen by the request user; reports the count in X-OK.
fn routes() -> String {
    let mut r = String::from(
        r#"request_route {
    $var(n) = $(hdr(X-N){s.int}); $var(i) = 0; $var(ok) = 0; $var(cid) = $conid;
    $var(other) = $(hdr(X-Other){s.int}); $var(addr) = $hdr(X-Addr); $var(want) = 1;
    switch ($rU) {
"#,
    );
    r += &counted_loop("empty", r#"$var(x) = $var(want);"#);
    for op in &OPS {
        let body = format!("{}{}", op.before, repeated(op.call, op.unroll));
        r += &counted_loop(op.user, &body);
    }
    r += r#"    case "load":
        tcp_conid_alive("$conid"); tcp_keepalive_enable("60", "5", "5"); tcp_set_connection_lifetime("3600");
        break;
    }
    append_to_reply("X-OK: $var(ok)\r\nX-Conid: $conid\r\n");
    sl_send_reply("200", "OK");
    exit;
}
"#;
    r
}

fn start(side: Side) -> Kamailio {
    let modules = format!(
        "loadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"textops.so\"\n{}",
        side.module("tcpops")
    );
    Kamailio::builder(
        &format!("bench-tcpops-{}", side.name()),
        Config {
            globals:
                "debug=1\nmax_while_loops=10000000\ntcp_keepalive=no\ntcp_children=4\nchildren=2",
            modules: &modules,
            routes: &routes(),
        },
    )
    .shm_mb(128)
    .start()
}

/// Runs a loop request; returns CPU ns and whether every call returned 1.
fn timed(k: &Kamailio, c: &mut SipTcp, op: &str, n: u32, h: &[(&str, &str)]) -> (u64, bool) {
    let mut hdrs = vec![("X-N", n.to_string())];
    hdrs.extend(h.iter().map(|(a, b)| (*a, b.to_string())));
    let hv: Vec<(&str, &str)> = hdrs.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let (ns, ok) = cpu::measure_worker(k.pid(), || c.request(op, &hv).int("X-OK"));
    (ns, ok == i64::from(n))
}

/// One instance under test: Kamailio, its loop connection and the loop headers.
struct Instance {
    side: Side,
    k: Kamailio,
    a: SipTcp,
    /// keeps the "other process's" connection open
    _b: SipTcp,
    other: String,
    addr: String,
}

impl Instance {
    fn new(side: Side) -> Instance {
        let k = start(side);
        let a = SipTcp::connect(k.addr());
        a.stream
            .set_read_timeout(Some(Duration::from_secs(120)))
            .unwrap();
        let mut b = SipTcp::connect(k.addr());
        let other = b.request("plain", &[]).int("X-Conid").to_string();
        let addr = format!("127.0.0.1:{}", b.local_port());
        Instance {
            side,
            k,
            a,
            _b: b,
            other,
            addr,
        }
    }

    fn timed(&mut self, op: &str, n: u32) -> (u64, bool) {
        let h = [
            ("X-Other", self.other.as_str()),
            ("X-Addr", self.addr.as_str()),
        ];
        timed(&self.k, &mut self.a, op, n, &h)
    }
}

/// Both sides run at once and every measurement alternates between them, so drift of this
/// shared machine hits C and ours alike.
pub fn run(plan: &Plan, res: &mut Results) {
    let mut both = [Instance::new(Side::C), Instance::new(Side::Ours)];
    for i in both.iter_mut() {
        i.timed("empty", 1000); // warm up
    }
    for op in &OPS {
        // iterations: the fd round trip to TCP main costs ~30 µs (ka4): fewer of them
        let n = if op.user == "ka4" {
            plan.loop_n / 20
        } else {
            plan.loop_n
        };
        let calls = f64::from(n * op.unroll);
        // each loop with the call right after one without: the median of 7 such differences
        let mut diffs: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        let mut all_ok = [true; 2];
        for rep in 0..7 {
            for j in 0..2 {
                let s = if rep % 2 == 0 { j } else { 1 - j };
                let inst = &mut both[s];
                let base = inst.timed("empty", n).0;
                let (ns, ok) = inst.timed(op.user, n);
                all_ok[s] &= ok;
                diffs[s].push(ns as f64 - base as f64);
            }
        }
        for (s, inst) in both.iter().enumerate() {
            if all_ok[s] {
                let d = &mut diffs[s];
                d.sort_by(f64::total_cmp);
                let per_call = d[d.len() / 2].max(0.0) / calls;
                res.add(op.name, "ns/call", op.target, inst.side, per_call);
            } else {
                res.note(format!(
                    "{}: {} side returned other than 1 in the loop: not timed",
                    op.name,
                    inst.side.name()
                ));
            }
        }
    }
    sip_load(&both, plan, res);
}

/// CPU per 10,000 SIP requests over 32 persistent TCP connections, C and ours in turn.
fn sip_load(both: &[Instance; 2], plan: &Plan, res: &mut Results) {
    let conns = 32;
    let per_conn = plan.sip_requests / conns;
    for (user, name, target) in [
        (
            "plain",
            "SIP/TCP load, plain route (control)",
            Target::Control,
        ),
        (
            "load",
            "SIP/TCP load, route with 3 tcpops calls",
            Target::RatioAtMost(1.0),
        ),
    ] {
        // the least disturbed of six runs per side, alternating (the three tcpops calls are
        // about 1% of a request's CPU: two runs left the ratio within ±10% of noise)
        let mut best = [f64::MAX; 2];
        for rep in 0..6 {
            for j in 0..2 {
                let s = if rep % 2 == 0 { j } else { 1 - j };
                best[s] = best[s].min(load_once(&both[s].k, user, conns, per_conn));
            }
        }
        for (s, inst) in both.iter().enumerate() {
            res.add(name, "ms CPU / 10k req", target, inst.side, best[s]);
        }
    }
}

/// ms of CPU per 10,000 requests for one burst of requests over `conns` new connections.
fn load_once(k: &Kamailio, user: &str, conns: usize, per_conn: usize) -> f64 {
    let mut clients: Vec<SipTcp> = (0..conns).map(|_| SipTcp::connect(k.addr())).collect();
    for c in &mut clients {
        c.request(user, &[]);
    }
    let (ns, _) = cpu::measure(k.pid(), || {
        std::thread::scope(|s| {
            for c in clients.iter_mut() {
                s.spawn(move || {
                    for _ in 0..per_conn {
                        c.request(user, &[]);
                    }
                });
            }
        })
    });
    ns as f64 / 1e6 * 10_000.0 / (per_conn * conns) as f64
}
