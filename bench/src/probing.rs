//! keepalive probing cost: 2,000 destinations pinged every second by a UAS that answers at
//! once; CPU per 1,000 pings and the share of (destination, second) slots that got a ping.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::common::uas::{Answer, Uas};
use crate::common::{port, Config, Kamailio, SipTcp};
use crate::cpu;
use crate::report::{Results, Target};
use crate::side::Side;
use crate::Plan;

const ROUTES: &str = r#"
request_route {
    $var(n) = $(hdr(X-N){s.int}); $var(i) = 0; $var(ok) = 0; $var(p) = $hdr(X-P);
    while ($var(i) < $var(n)) { ka_add_destination("sip:p$var(i)@127.0.0.1:$var(p)", "bench"); if ($rc == 1) { $var(ok) = $var(ok) + 1; } $var(i) = $var(i) + 1; }
    append_to_reply("X-OK: $var(ok)\r\n");
    sl_send_reply("200", "OK");
    exit;
}
"#;

/// Ours twice: stateless (the default) and through tm (`ping_with_tm`); the C side (always
/// tm) once, its figures in both rows.
pub fn run(side: Side, plan: &Plan, res: &mut Results) {
    let rows = [
        (
            "CPU per 1,000 pings (2,000 destinations, 1 s interval)",
            "share of destinations pinged in every 1 s interval",
            false,
        ),
        (
            "CPU per 1,000 pings through tm (ours: ping_with_tm=1)",
            "share of destinations pinged in every 1 s interval (ours through tm)",
            true,
        ),
    ];
    match side {
        Side::C => {
            if let Some((cpu, share)) = run_once(side, false, plan, res) {
                for (i, (c, s, _)) in rows.iter().enumerate() {
                    let t = if i == 0 {
                        Target::RatioAtMost(0.4)
                    } else {
                        Target::RatioAtMost(1.0)
                    };
                    res.add(c, "ms", t, side, cpu);
                    res.add(s, "%", Target::None, side, share);
                }
            }
        }
        Side::Ours => {
            for (i, (c, s, tm)) in rows.iter().enumerate() {
                if let Some((cpu, share)) = run_once(side, *tm, plan, res) {
                    let t = if i == 0 {
                        Target::RatioAtMost(0.4)
                    } else {
                        Target::RatioAtMost(1.0)
                    };
                    res.add(c, "ms", t, side, cpu);
                    res.add(s, "%", Target::None, side, share);
                }
            }
        }
    }
}

/// One probing run: (CPU ms per 1,000 pings, % of slots pinged).
fn run_once(side: Side, tm: bool, plan: &Plan, res: &mut Results) -> Option<(f64, f64)> {
    let uas = Uas::start(port(), Answer::Code(200));
    let modules = format!(
        "loadmodule \"tm.so\"\nloadmodule \"sl.so\"\nloadmodule \"pv.so\"\nloadmodule \"textops.so\"\n{}\
         modparam(\"keepalive\", \"ping_interval\", 1)\n{}",
        side.module("keepalive"),
        // through tm with a 1 s interval, the derived max_destinations counts 35
        // transactions per (unreachable) destination: these all answer, so no limit
        if tm {
            "modparam(\"keepalive\", \"ping_with_tm\", 1)\n\
             modparam(\"keepalive\", \"max_destinations\", 0)\n"
        } else {
            ""
        }
    );
    let k = Kamailio::builder(
        &format!("bench-probe-{}", side.name()),
        Config {
            globals: "debug=1\nmax_while_loops=10000000\nchildren=2",
            modules: &modules,
            routes: ROUTES,
        },
    )
    .shm_mb(512)
    .start();
    let mut c = SipTcp::connect(k.addr());
    let n = plan.probe_dests;
    let p = uas.port().to_string();
    let ok = c
        .request("add", &[("X-N", &n.to_string()), ("X-P", &p)])
        .int("X-OK");
    if ok != i64::from(n) {
        res.note(format!(
            "probing: {} side added {ok} of {n} destinations",
            side.name()
        ));
        return None;
    }
    std::thread::sleep(Duration::from_secs(3)); // first pings and their transactions are over
    uas.clear();
    let t0 = Instant::now();
    let (kernel, (ns, _)) = cpu::kernel_share(k.pid(), || {
        cpu::measure(k.pid(), || {
            std::thread::sleep(Duration::from_secs(plan.probe_secs))
        })
    });
    // where a ping's CPU goes: the kernel's share (sendto, recvfrom, the loopback) weighs
    // more on the side that does less in user space, so the ratio of two machines differs
    // with their system call cost
    res.note(format!(
        "probing: {} side{}: {:.0}% of its CPU in the kernel",
        side.name(),
        if tm { " through tm" } else { "" },
        kernel * 100.0
    ));
    let window = t0.elapsed();
    let got: Vec<_> = uas
        .received()
        .into_iter()
        .filter(|r| r.at.duration_since(t0) < window)
        .collect();
    if got.is_empty() {
        res.note(format!("probing: {} side sent no ping", side.name()));
        return None;
    }
    let cpu = ns as f64 / 1e6 * 1000.0 / got.len() as f64;
    // a slot is one destination in one whole second of the window
    let secs = plan.probe_secs as usize;
    let mut slots: HashMap<(String, usize), ()> = HashMap::new();
    for r in &got {
        let s = r.at.duration_since(t0).as_secs() as usize;
        if s < secs {
            slots.insert((r.ruri.clone(), s), ());
        }
    }
    Some((
        cpu,
        100.0 * slots.len() as f64 / (f64::from(n) * secs as f64),
    ))
}
