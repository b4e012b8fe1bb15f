//! tcpops: per-call cost of each function (a cfg `while` loop calling it N times per request,
//! minus the same loop without the call) and SIP over TCP under load with and without tcpops
//! calls in the route. Every loop counts the calls that returned the expected 1.

use std::time::Duration;

use crate::common::{Config, Kamailio, SipTcp};
use crate::cpu;
use crate::report::{Results, Target};
use crate::side::Side;
use crate::Plan;

const ROUTES: &str = r#"
request_route {
    $var(n) = $(hdr(X-N){s.int}); $var(i) = 0; $var(ok) = 0; $var(cid) = $conid;
    $var(other) = $(hdr(X-Other){s.int}); $var(addr) = $hdr(X-Addr);
    switch ($rU) {
    case "empty":
        $var(x) = 1;
        while ($var(i) < $var(n)) { if ($rc == 1) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;
    case "state":
        while ($var(i) < $var(n)) { tcp_conid_state("$var(cid)"); if ($rc == 1) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;
    case "alive":
        while ($var(i) < $var(n)) { tcp_conid_alive("$var(cid)"); if ($rc == 1) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;
    case "ka3":
        while ($var(i) < $var(n)) { tcp_keepalive_enable("60", "5", "5"); if ($rc == 1) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;
    case "ka4":
        while ($var(i) < $var(n)) { tcp_keepalive_enable("$var(other)", "60", "5", "5"); if ($rc == 1) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;
    case "life":
        while ($var(i) < $var(n)) { tcp_set_connection_lifetime("3600"); if ($rc == 1) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;
    case "getc":
        while ($var(i) < $var(n)) { tcp_get_conid("$var(addr)", "$var(out)"); if ($rc == 1) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;
    case "control":
        while ($var(i) < $var(n)) { pv_isset("$var(cid)"); if ($rc == 1) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
        break;
    case "load":
        tcp_conid_alive("$conid"); tcp_keepalive_enable("60", "5", "5"); tcp_set_connection_lifetime("3600");
        break;
    }
    append_to_reply("X-OK: $var(ok)\r\nX-Conid: $conid\r\n");
    sl_send_reply("200", "OK");
    exit;
}
"#;

/// (request user, metric name, target)
const OPS: [(&str, &str, Target); 7] = [
    (
        "control",
        "control: pv_isset (stock on both sides)",
        Target::Control,
    ),
    ("state", "tcp_conid_state", Target::RatioAtMost(0.7)),
    ("alive", "tcp_conid_alive", Target::RatioAtMost(0.7)),
    (
        "ka3",
        "tcp_keepalive_enable (3 params)",
        Target::RatioAtMost(0.7),
    ),
    (
        "ka4",
        "tcp_keepalive_enable (4 params, other process's conid)",
        Target::RatioAtMost(0.7),
    ),
    (
        "life",
        "tcp_set_connection_lifetime",
        Target::RatioAtMost(0.7),
    ),
    ("getc", "tcp_get_conid", Target::RatioAtMost(0.7)),
];

fn start(side: Side) -> Kamailio {
    let modules = format!(
        "loadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"textops.so\"\n{}",
        side.module("tcpops")
    );
    Kamailio::start_with_shm(
        &format!("bench-tcpops-{}", side.name()),
        Config {
            globals:
                "debug=1\nmax_while_loops=10000000\ntcp_keepalive=no\ntcp_children=4\nchildren=2",
            modules: &modules,
            routes: ROUTES,
        },
        128,
    )
}

/// Runs a loop request; returns CPU ns and whether every call returned 1.
fn timed(k: &Kamailio, c: &mut SipTcp, op: &str, n: u32, h: &[(&str, &str)]) -> (u64, bool) {
    let mut hdrs = vec![("X-N", n.to_string())];
    hdrs.extend(h.iter().map(|(a, b)| (*a, b.to_string())));
    let hv: Vec<(&str, &str)> = hdrs.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let (ns, ok) = cpu::measure_worker(k.pid(), || c.request(op, &hv).int("X-OK"));
    (ns, ok == i64::from(n) || op == "empty")
}

pub fn run(side: Side, plan: &Plan, res: &mut Results) {
    let k = start(side);
    let mut a = SipTcp::connect(k.addr());
    a.stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let mut b = SipTcp::connect(k.addr());
    let other = b.request("plain", &[]).int("X-Conid").to_string();
    let addr = format!("127.0.0.1:{}", b.local_port());
    let h = [("X-Other", other.as_str()), ("X-Addr", addr.as_str())];
    timed(&k, &mut a, "empty", 1000, &h); // warm up
    for (op, name, target) in OPS {
        // the fd round trip to TCP main costs ~50 µs on both sides: fewer iterations
        let n = if op == "ka4" {
            plan.loop_n / 20
        } else {
            plan.loop_n
        };
        // interference only adds time: the fastest of 5 loops, with and without the call
        let (mut base, mut with) = (u64::MAX, u64::MAX);
        let mut all_ok = true;
        for _ in 0..5 {
            base = base.min(timed(&k, &mut a, "empty", n, &h).0);
            let (ns, ok) = timed(&k, &mut a, op, n, &h);
            all_ok &= ok;
            with = with.min(ns);
        }
        if all_ok {
            let per_call = with.saturating_sub(base) as f64 / f64::from(n);
            res.add(name, "ns/call", target, side, per_call);
        } else {
            res.note(format!(
                "{name}: {} side returned other than 1 in the loop: not timed",
                side.name()
            ));
        }
    }
    sip_load(&k, side, plan, res);
}

/// CPU per 10,000 SIP requests over 32 persistent TCP connections.
fn sip_load(k: &Kamailio, side: Side, plan: &Plan, res: &mut Results) {
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
        let total = (per_conn * conns) as f64;
        res.add(
            name,
            "ms CPU / 10k req",
            target,
            side,
            ns as f64 / 1e6 * 10_000.0 / total,
        );
    }
}
